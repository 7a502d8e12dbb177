/* billing_account.c — one patient's account: the rules for charges, voids, payments, refunds and
 * adjustments (append-only: a correction is a new entry referencing the old), payment plans with
 * dated instalments, and money as text. */
#include <stdio.h>
#include <string.h>

#include "clinic/billing.h"
#include "clinic/course.h"

static const char *const kind_names[BILL_ENTRY_KIND_COUNT] = {"charge", "void", "payment",
                                                              "refund", "adjust"};

const char *bill_entry_kind_name(enum bill_entry_kind k)
{
    return (unsigned)k < BILL_ENTRY_KIND_COUNT ? kind_names[k] : "?";
}

int bill_entry_kind_parse(const char *name, enum bill_entry_kind *out, struct kc_error *err)
{
    for (int i = 0; name && i < BILL_ENTRY_KIND_COUNT; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *out = (enum bill_entry_kind)i;
            return KC_OK;
        }
    return kc_error_set(err, KC_EINVAL, "entry kind '%s': expected charge, void, payment, "
                        "refund or adjust", name ? name : "(none)");
}

void bill_account_init(struct bill_account *a)
{
    memset(&a->t, 0, sizeof a->t);
    a->n = 0;
}

static int find(const struct bill_account *a, int64_t id)
{
    for (int i = a->n - 1; i >= 0; i--)
        if (a->e[i].id == id) return i;
    return -1;
}

int bill_account_apply(struct bill_account *a, const struct bill_entry *e, struct kc_error *err)
{
    const char *k = bill_entry_kind_name(e->kind);
    if ((unsigned)e->kind >= BILL_ENTRY_KIND_COUNT)
        return kc_error_set(err, KC_EINVAL, "entry %lld: unknown kind", (long long)e->id);
    if (a->n && e->id <= a->e[a->n - 1].id)
        return kc_error_set(err, KC_ECONFLICT, "entry %lld: ids must increase (last was %lld)",
                            (long long)e->id, (long long)a->e[a->n - 1].id);
    if (a->n >= BILL_ACCOUNT_MAX)
        return kc_error_set(err, KC_ELIMIT, "account: more than %d entries", BILL_ACCOUNT_MAX);
    int64_t cents = e->cents;
    int ri = -1;
    if (e->kind == BILL_VOID || e->kind == BILL_REFUND) {
        enum bill_entry_kind want = e->kind == BILL_VOID ? BILL_CHARGE : BILL_PAYMENT;
        ri = find(a, e->ref);
        if (ri < 0 || a->e[ri].kind != want)
            return kc_error_set(err, KC_EINVAL, "%s %lld: ref %lld is not a %s of this account",
                                k, (long long)e->id, (long long)e->ref, kind_names[want]);
        if (e->kind == BILL_VOID) {
            if (a->e[ri].used)
                return kc_error_set(err, KC_ECONFLICT, "void: charge %lld is already voided",
                                    (long long)e->ref);
            cents = a->e[ri].cents; /* a void cancels the whole charge */
        }
    }
    if (cents <= 0 || cents > BILL_AMOUNT_MAX_CENTS)
        return kc_error_set(err, KC_EINVAL, "%s: amount %lld cents must be 1..%lld", k,
                            (long long)cents, (long long)BILL_AMOUNT_MAX_CENTS);
    if ((e->kind == BILL_VOID || e->kind == BILL_ADJUST) && (!e->reason || !*e->reason))
        return kc_error_set(err, KC_EINVAL, "%s: a reason is required", k);
    if (e->kind == BILL_REFUND && cents > a->e[ri].cents - a->e[ri].used)
        return kc_error_set(err, KC_ECONFLICT, "refund of %lld cents: payment %lld has only "
                            "%lld cents left to refund", (long long)cents, (long long)e->ref,
                            (long long)(a->e[ri].cents - a->e[ri].used));
    struct bill_totals t = a->t;
    switch (e->kind) {
    case BILL_CHARGE: t.charges += cents; t.balance += cents; break;
    case BILL_VOID: t.voids += cents; t.balance -= cents; break;
    case BILL_PAYMENT: t.payments += cents; t.balance -= cents; break;
    case BILL_REFUND: t.refunds += cents; t.balance += cents; break;
    default: t.adjustments += cents; t.balance -= cents; break;
    }
    if (ri >= 0) a->e[ri].used += cents;
    a->t = t;
    a->e[a->n].id = e->id;
    a->e[a->n].cents = cents;
    a->e[a->n].used = 0;
    a->e[a->n].kind = e->kind;
    a->n++;
    return KC_OK;
}

static long add_months(long first, int m)
{
    long y;
    unsigned mo, d;
    course_civil_from_days(first, &y, &mo, &d);
    long total = (long)(mo - 1) + m;
    y += total / 12;
    mo = (unsigned)(total % 12) + 1;
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned last = mdays[mo - 1];
    if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) last = 29;
    return course_days_from_civil(y, mo, d > last ? last : d);
}

int bill_plan_make(int64_t total, int n, long first_due, int interval_days, struct bill_plan *out,
                   struct kc_error *err)
{
    if (total <= 0 || total > BILL_AMOUNT_MAX_CENTS)
        return kc_error_set(err, KC_EINVAL, "plan total %lld cents must be 1..%lld",
                            (long long)total, (long long)BILL_AMOUNT_MAX_CENTS);
    if (n < 1 || n > BILL_PLAN_MAX)
        return kc_error_set(err, KC_EINVAL, "plan: %d instalments, allowed 1..%d", n,
                            BILL_PLAN_MAX);
    if (interval_days < 0 || interval_days > 366)
        return kc_error_set(err, KC_EINVAL, "plan: interval %d days, allowed 0 (monthly)..366",
                            interval_days);
    if ((int64_t)n > total)
        return kc_error_set(err, KC_EINVAL, "plan: %d instalments of a %lld-cent total would "
                            "leave one at zero", n, (long long)total);
    struct bill_plan p;
    memset(&p, 0, sizeof p);
    p.n = n;
    int64_t base = total / n, extra = total % n;
    for (int i = 0; i < n; i++) {
        p.inst[i].cents = base + (i < extra ? 1 : 0);
        p.inst[i].due = interval_days ? first_due + (long)i * interval_days
                                      : add_months(first_due, i);
    }
    *out = p;
    return KC_OK;
}

int bill_plan_status(const struct bill_plan *p, int64_t paid_cents, long today,
                     int64_t remaining[BILL_PLAN_MAX], int overdue[BILL_PLAN_MAX])
{
    int n_over = 0;
    int64_t left = paid_cents > 0 ? paid_cents : 0;
    for (int i = 0; i < p->n; i++) {
        int64_t cover = left < p->inst[i].cents ? left : p->inst[i].cents;
        left -= cover;
        remaining[i] = p->inst[i].cents - cover;
        overdue[i] = remaining[i] > 0 && p->inst[i].due < today;
        n_over += overdue[i];
    }
    return n_over;
}

void bill_cents_format(int64_t cents, char *buf, unsigned long cap)
{
    unsigned long long a = cents < 0 ? (unsigned long long)(-(cents + 1)) + 1
                                     : (unsigned long long)cents;
    snprintf(buf, cap, "%s%llu.%02llu", cents < 0 ? "-" : "", a / 100, a % 100);
}

int bill_cents_parse(const char *text, int allow_negative, int64_t *out, struct kc_error *err)
{
    const char *p = text;
    if (!p || !*p) return kc_error_set(err, KC_EINVAL, "amount: empty");
    int neg = 0;
    if (*p == '-') {
        if (!allow_negative)
            return kc_error_set(err, KC_EINVAL, "amount '%s': must not be negative", text);
        neg = 1;
        p++;
    }
    int64_t whole = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        whole = whole * 10 + (*p - '0');
        if (whole > BILL_AMOUNT_MAX_CENTS / 100)
            return kc_error_set(err, KC_EINVAL, "amount '%s': above %lld dollars", text,
                                (long long)(BILL_AMOUNT_MAX_CENTS / 100));
    }
    int64_t frac = 0;
    int fd = 0;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, fd++) {
            if (fd >= 2)
                return kc_error_set(err, KC_EINVAL, "amount '%s': at most 2 decimals (cents)",
                                    text);
            frac = frac * 10 + (*p - '0');
        }
        if (fd == 0) return kc_error_set(err, KC_EINVAL, "amount '%s': digits after '.'", text);
        if (fd == 1) frac *= 10;
    }
    if (*p || digits == 0)
        return kc_error_set(err, KC_EINVAL, "amount '%s': expected dollars like 450 or 450.25",
                            text);
    int64_t c = whole * 100 + frac;
    if (c > BILL_AMOUNT_MAX_CENTS)
        return kc_error_set(err, KC_EINVAL, "amount '%s': above the maximum", text);
    *out = neg ? -c : c;
    return KC_OK;
}
