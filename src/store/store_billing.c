/* store_billing.c — billing records: payers, account entries checked against the whole account
 * by the clinic rules, totals and payment plans.  Charges from sessions: store_bill_session.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/course.h"
#include "base/kctime.h"
#include "store/store_billing.h"
#include "store/store_int.h"

static void idtxt(char *buf, size_t n, int64_t id)
{
    snprintf(buf, n, "%" PRId64, id);
}

static int id_row(void *ctx, const struct srow *r)
{
    *(int64_t *)ctx = srow_int(r, 0);
    return 0;
}

static int patient_exists(struct store *st, int64_t patient_id, struct kc_error *err)
{
    int64_t n = 0;
    struct sv a[] = {SV_I(patient_id)};
    int rc = store__q_int(st, "SELECT count(*) FROM patients WHERE id = ?", a, 1, &n, err);
    if (!rc && n == 0) rc = kc_error_set(err, KC_ENOTFOUND, "no patient %" PRId64, patient_id);
    return rc;
}

/* ---- payers ------------------------------------------------------------------------------- */
int store_bill_payer_set(struct store *st, const struct store_actor *who, int64_t patient_id,
                         const struct store_bill_payer *p, struct kc_error *err)
{
    char rid[24], now[32];
    idtxt(rid, sizeof rid, patient_id);
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    long d = 0;
    if ((unsigned)p->kind >= BILL_PAYER_KIND_COUNT)
        rc = kc_error_set(err, KC_EINVAL, "bill_payers.kind: unknown payer kind");
    else if (p->kind == BILL_COMMERCIAL && !p->name[0])
        rc = kc_error_set(err, KC_EINVAL, "bill_payers.name: a commercial payer needs the "
                          "insurer's name");
    else if (p->prior_auth_expires[0] &&
             (rc = course_date_parse(p->prior_auth_expires, &d, err)))
        kc_error_prefix(err, "bill_payers.prior_auth_expires");
    if (rc) goto done;
    if ((rc = store__begin(st, err)) || (rc = patient_exists(st, patient_id, err))) goto done;
    store__now(now);
    struct sv a[] = {SV_I(patient_id), SV_T(bill_payer_kind_name(p->kind)),
                     SV_T(p->name[0] ? p->name : NULL), SV_T(p->member_id[0] ? p->member_id : NULL),
                     SV_T(p->prior_auth[0] ? p->prior_auth : NULL),
                     SV_T(p->prior_auth_expires[0] ? p->prior_auth_expires : NULL),
                     SV_I(p->esk_unbundled ? 1 : 0), SV_T(now), SV_T(who->user)};
    rc = store__q(st, "INSERT INTO bill_payers (patient_id, kind, name, member_id, prior_auth, "
                      "prior_auth_expires, esk_unbundled, recorded_at, by_user) "
                      "VALUES (?,?,?,?,?,?,?,?,?)", a, 9, NULL, NULL, err);
done:
    return store__finish(st, rc, who, "update", "Coverage", rid, bill_payer_kind_name(p->kind),
                         err);
}

static int payer_row(void *ctx, const struct srow *r)
{
    struct store_bill_payer *p = ctx;
    struct kc_error e = {0};
    bill_payer_kind_parse(srow_text(r, 0), &p->kind, &e);
    store__copy(r, 1, p->name, sizeof p->name);
    store__copy(r, 2, p->member_id, sizeof p->member_id);
    store__copy(r, 3, p->prior_auth, sizeof p->prior_auth);
    store__copy(r, 4, p->prior_auth_expires, sizeof p->prior_auth_expires);
    p->esk_unbundled = (int)srow_int(r, 5);
    store__copy(r, 6, p->recorded_at, sizeof p->recorded_at);
    return 0;
}

int store__bill_payer_load(struct store *st, int64_t patient_id, struct store_bill_payer *out,
                      struct kc_error *err)
{
    memset(out, 0, sizeof *out);
    out->kind = BILL_SELF_PAY;
    struct sv a[] = {SV_I(patient_id)};
    return store__q(st, "SELECT kind, name, member_id, prior_auth, prior_auth_expires, "
                        "esk_unbundled, recorded_at FROM bill_payers WHERE patient_id = ? "
                        "ORDER BY id DESC LIMIT 1", a, 1, payer_row, out, err);
}

int store_bill_payer_get(struct store *st, const struct store_actor *who, int64_t patient_id,
                         struct store_bill_payer *out, struct kc_error *err)
{
    char rid[24];
    idtxt(rid, sizeof rid, patient_id);
    struct store_bill_payer p;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if (!(rc = store__begin_read(st, err)) && !(rc = patient_exists(st, patient_id, err)))
        rc = store__bill_payer_load(st, patient_id, &p, err);
    rc = store__finish(st, rc, who, "read", "Coverage", rid, NULL, err);
    if (!rc) *out = p;
    return rc;
}

void store_bill_payer_view(const struct store_bill_payer *p, struct bill_payer *out)
{
    memset(out, 0, sizeof *out);
    out->kind = p->kind;
    out->name = p->name[0] ? p->name : NULL;
    out->member_id = p->member_id[0] ? p->member_id : NULL;
    out->prior_auth = p->prior_auth[0] ? p->prior_auth : NULL;
    long d = 0;
    if (p->prior_auth_expires[0] && course_date_parse(p->prior_auth_expires, &d, NULL) == 0)
        out->prior_auth_expires = d;
    out->esk_unbundled = p->esk_unbundled;
}

/* ---- the account -------------------------------------------------------------------------- */
struct load_ctx {
    struct bill_account *a;
    struct kc_error *err;
};

static int account_row(void *ctx, const struct srow *r)
{
    struct load_ctx *x = ctx;
    struct bill_entry e = {srow_int(r, 0), BILL_CHARGE, srow_int(r, 2), srow_int(r, 3), "stored"};
    int rc = bill_entry_kind_parse(srow_text(r, 1), &e.kind, x->err);
    if (!rc) rc = bill_account_apply(x->a, &e, x->err);
    if (rc)
        return kc_error_set(x->err, KC_EIO, "stored account does not reconcile at entry %" PRId64
                            " (%s)", e.id, x->err->msg);
    return 0;
}

int store__bill_account_load(struct store *st, int64_t patient_id, struct bill_account **out,
                             struct kc_error *err)
{
    struct bill_account *a = malloc(sizeof *a);
    if (!a) return kc_error_set(err, KC_ENOMEM, "out of memory");
    bill_account_init(a);
    struct load_ctx x = {a, err};
    struct sv q[] = {SV_I(patient_id)};
    int rc = store__q(st, "SELECT id, kind, cents, COALESCE(ref_id, 0) FROM bill_entries "
                          "WHERE patient_id = ? ORDER BY id", q, 1, account_row, &x, err);
    if (rc) {
        free(a);
        return rc;
    }
    *out = a;
    return KC_OK;
}

int store_bill_entry_add(struct store *st, const struct store_actor *who,
                         const struct store_bill_entry_new *e, int64_t *id, struct kc_error *err)
{
    char rid[24], at[32];
    idtxt(rid, sizeof rid, e->patient_id);
    struct bill_account *a = NULL;
    int64_t newid = 0, cents = e->cents;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    const char *k = bill_entry_kind_name(e->kind);
    if (e->kind == BILL_CHARGE || (unsigned)e->kind >= BILL_ENTRY_KIND_COUNT) {
        rc = kc_error_set(err, KC_EINVAL, "bill_entries.kind: charges come from the session "
                          "record ('billing charge SESSION'); expected void, payment, refund or "
                          "adjust");
        goto done;
    }
    if ((rc = store__text("bill_entries.method", e->method, 31, 0, err)) ||
        (rc = store__text("bill_entries.reason", e->reason, 127, 0, err)))
        goto done;
    if ((e->kind == BILL_PAYMENT || e->kind == BILL_REFUND) && (!e->method || !*e->method)) {
        rc = kc_error_set(err, KC_EINVAL, "bill_entries.method: a %s needs its method (cash, "
                          "card, check, insurer, ...)", k);
        goto done;
    }
    if (e->at) {
        if ((rc = store__time("bill_entries.at", e->at, 1, at, err))) goto done;
    } else {
        store__now(at);
    }
    if ((rc = store__begin(st, err)) || (rc = patient_exists(st, e->patient_id, err)) ||
        (rc = store__bill_account_load(st, e->patient_id, &a, err)))
        goto done;
    if (e->kind == BILL_VOID) { /* the void carries the voided charge's amount */
        struct sv q[] = {SV_I(e->ref), SV_I(e->patient_id)};
        if (store__q_int(st, "SELECT cents FROM bill_entries WHERE id = ? AND patient_id = ? "
                             "AND kind = 'charge'", q, 2, &cents, err) != 0) {
            rc = kc_error_set(err, KC_EINVAL, "void: entry %" PRId64 " is not a charge of "
                              "patient %" PRId64, e->ref, e->patient_id);
            goto done;
        }
    }
    if (e->plan_id) {
        int64_t n = 0;
        struct sv q[] = {SV_I(e->plan_id), SV_I(e->patient_id)};
        if ((rc = store__q_int(st, "SELECT count(*) FROM bill_plans WHERE id = ? AND "
                                   "patient_id = ?", q, 2, &n, err)))
            goto done;
        if (!n || e->kind != BILL_PAYMENT) {
            rc = kc_error_set(err, KC_EINVAL, "bill_entries.plan_id: %" PRId64 " is not a plan "
                              "of patient %" PRId64 " (or the entry is not a payment)",
                              e->plan_id, e->patient_id);
            goto done;
        }
    }
    struct sv v[] = {SV_I(e->patient_id), SV_T(k), SV_I(cents),
                     e->ref ? SV_I(e->ref) : SV_N, SV_T(e->method), SV_T(e->reason),
                     e->plan_id ? SV_I(e->plan_id) : SV_N, SV_T(at), SV_T(who->user)};
    if ((rc = store__q(st, "INSERT INTO bill_entries (patient_id, kind, cents, ref_id, method, "
                           "reason, plan_id, at, by_user) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
                       v, 9, id_row, &newid, err)))
        goto done;
    struct bill_entry be = {newid, e->kind, cents, e->ref, e->reason};
    rc = bill_account_apply(a, &be, err);
done:
    free(a);
    char detail[64];
    snprintf(detail, sizeof detail, "%s %" PRId64, k, newid);
    rc = store__finish(st, rc, who, "create", "Account", rid, detail, err);
    if (!rc && id) *id = newid;
    return rc;
}

int store_bill_totals(struct store *st, const struct store_actor *who, int64_t patient_id,
                      struct bill_totals *out, struct kc_error *err)
{
    char rid[24];
    idtxt(rid, sizeof rid, patient_id);
    struct bill_account *a = NULL;
    struct bill_totals t = {0};
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if (!(rc = store__begin_read(st, err)) && !(rc = patient_exists(st, patient_id, err)) &&
        !(rc = store__bill_account_load(st, patient_id, &a, err)))
        t = a->t;
    free(a);
    rc = store__finish(st, rc, who, "read", "Account", rid, "totals", err);
    if (!rc) *out = t;
    return rc;
}

struct list_ctx {
    int (*fn)(void *, const struct store_bill_row *);
    void *ctx;
    int64_t n;
};

static int entry_row(void *c, const struct srow *r)
{
    struct list_ctx *x = c;
    struct store_bill_row b;
    memset(&b, 0, sizeof b);
    b.id = srow_int(r, 0);
    b.patient_id = srow_int(r, 1);
    b.session_id = srow_int(r, 2);
    store__copy(r, 3, b.kind, sizeof b.kind);
    store__copy(r, 4, b.code, sizeof b.code);
    store__copy(r, 5, b.modifier, sizeof b.modifier);
    b.units = (int)srow_int(r, 6);
    b.unit_cents = srow_int(r, 7);
    b.cents = srow_int(r, 8);
    b.ref_id = srow_int(r, 9);
    store__copy(r, 10, b.payer, sizeof b.payer);
    store__copy(r, 11, b.method, sizeof b.method);
    store__copy(r, 12, b.reason, sizeof b.reason);
    b.plan_id = srow_int(r, 13);
    store__copy(r, 14, b.at, sizeof b.at);
    store__copy(r, 15, b.by_user, sizeof b.by_user);
    x->n++;
    return x->fn(x->ctx, &b);
}

int store_bill_entries(struct store *st, const struct store_actor *who, int64_t patient_id,
                       const char *from, const char *to,
                       int (*fn)(void *ctx, const struct store_bill_row *row), void *ctx,
                       struct kc_error *err)
{
    char rid[24], f[32], t[32];
    snprintf(rid, sizeof rid, patient_id ? "%" PRId64 : "*", patient_id);
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = store__time("from", from, 0, f, err)) || (rc = store__time("to", to, 0, t, err)))
        return rc;
    struct list_ctx x = {fn, ctx, 0};
    struct sv a[] = {SV_I(patient_id), SV_I(patient_id), SV_T(f), SV_T(f), SV_T(t), SV_T(t)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st, "SELECT id, patient_id, COALESCE(session_id, 0), kind, code, modifier, "
                          "units, COALESCE(unit_cents, 0), cents, COALESCE(ref_id, 0), payer, "
                          "method, reason, COALESCE(plan_id, 0), at, by_user FROM bill_entries "
                          "WHERE (? = 0 OR patient_id = ?) AND (? = '' OR at >= ?) "
                          "AND (? = '' OR at < ?) ORDER BY id", a, 6, entry_row, &x, err);
    char detail[48];
    snprintf(detail, sizeof detail, "entries n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "Account", rid, detail, err);
}

/* ---- plans -------------------------------------------------------------------------------- */
int store_bill_plan_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                        int64_t total_cents, int n, const char *first_due, int interval_days,
                        int64_t *id, struct kc_error *err)
{
    char rid[24], now[32];
    idtxt(rid, sizeof rid, patient_id);
    int64_t newid = 0;
    long d = 0;
    struct bill_plan p;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = course_date_parse(first_due, &d, err))) {
        kc_error_prefix(err, "bill_plans.first_due");
        goto done;
    }
    if ((rc = bill_plan_make(total_cents, n, d, interval_days, &p, err))) goto done;
    if ((rc = store__begin(st, err)) || (rc = patient_exists(st, patient_id, err))) goto done;
    store__now(now);
    struct sv a[] = {SV_I(patient_id), SV_I(total_cents), SV_I(n), SV_T(first_due),
                     SV_I(interval_days), SV_T(now), SV_T(who->user)};
    rc = store__q(st, "INSERT INTO bill_plans (patient_id, total_cents, n, first_due, "
                      "interval_days, created_at, by_user) VALUES (?,?,?,?,?,?,?) RETURNING id",
                  a, 7, id_row, &newid, err);
done:
    rc = store__finish(st, rc, who, "create", "Account", rid, "payment plan", err);
    if (!rc && id) *id = newid;
    return rc;
}

struct plan_ctx {
    int (*fn)(void *, const struct store_bill_plan_row *);
    void *ctx;
    int64_t n;
    struct kc_error *err;
};

static int plan_row(void *c, const struct srow *r)
{
    struct plan_ctx *x = c;
    struct store_bill_plan_row p;
    memset(&p, 0, sizeof p);
    p.id = srow_int(r, 0);
    p.patient_id = srow_int(r, 1);
    long d = 0;
    int rc = course_date_parse(srow_text(r, 4), &d, x->err);
    if (!rc) rc = bill_plan_make(srow_int(r, 2), (int)srow_int(r, 3), d, (int)srow_int(r, 5),
                                 &p.plan, x->err);
    if (rc) return kc_error_set(x->err, KC_EIO, "stored plan %" PRId64 " is unreadable", p.id);
    p.paid_cents = srow_int(r, 6);
    x->n++;
    return x->fn(x->ctx, &p);
}

int store_bill_plans(struct store *st, const struct store_actor *who, int64_t patient_id,
                     int (*fn)(void *ctx, const struct store_bill_plan_row *row), void *ctx,
                     struct kc_error *err)
{
    char rid[24];
    snprintf(rid, sizeof rid, patient_id ? "%" PRId64 : "*", patient_id);
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct plan_ctx x = {fn, ctx, 0, err};
    struct sv a[] = {SV_I(patient_id), SV_I(patient_id)};
    /* paid: payments toward the plan less the refunds of those payments */
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st, "SELECT p.id, p.patient_id, p.total_cents, p.n, p.first_due, "
                          "p.interval_days, COALESCE((SELECT sum(e.cents) FROM bill_entries e "
                          "WHERE e.plan_id = p.id), 0) - COALESCE((SELECT sum(r.cents) FROM "
                          "bill_entries r JOIN bill_entries e ON r.ref_id = e.id WHERE "
                          "r.kind = 'refund' AND e.plan_id = p.id), 0) FROM bill_plans p "
                          "WHERE (? = 0 OR p.patient_id = ?) ORDER BY p.id",
                      a, 2, plan_row, &x, err);
    char detail[48];
    snprintf(detail, sizeof detail, "plans n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "Account", rid, detail, err);
}

/* An RFC 3339 time (kc_time_parse) -> seconds since 1970 (fractions dropped). */
static int epoch_s(const char *t, int64_t *out, struct kc_error *err)
{
    int64_t ms;
    int rc = kc_time_parse(t, &ms, err);
    if (rc) return rc;
    *out = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    return KC_OK;
}

int store_bill_seconds_between(const char *a, const char *b, int64_t *out, struct kc_error *err)
{
    int64_t x = 0, y = 0;
    int rc = epoch_s(a, &x, err);
    if (!rc) rc = epoch_s(b, &y, err);
    if (!rc) *out = y - x;
    return rc;
}
