/* billing_table.c — the CPT/HCPCS codes a ketamine clinic bills under, each with its source, the
 * date the source was read and the reference's confidence mark (clinical.md §7), and the default
 * self-pay fee schedule. */
#include <string.h>

#include "clinic/billing.h"
#include "clinic/course.h"

/* CPT codes are AMA property; only their numbers and short meanings are used here. */
static const struct bill_code codes[] = {
    {"96365", "IV infusion, therapy; initial, up to 1 hour (16-90 min)", NULL, NULL,
     "BCBS Massachusetts policy 087 (2023) for IV ketamine; time rule: AMA CPT, CMS IOM 100-04 "
     "ch.12 s30.5 as summarised by billing references", "2023; rule read 2026-11", "V"},
    {"96366", "IV infusion, each additional hour (> 30 min beyond the last full hour)", NULL,
     NULL, "BCBS Massachusetts policy 087 (2023); time rule as 96365", "2023; rule read 2026-11",
     "V"},
    {"96374", "IV push, single or initial drug (infusion of 15 min or less)", NULL, NULL,
     "AMA CPT infusion guidelines via billing references; not in clinical.md", "2026-11", "S"},
    {"J3490", "Unclassified drug (ketamine), 1 unit per administration with NDC", NULL, NULL,
     "BCBS Massachusetts policy 087 (2023)", "2023", "V"},
    {"96372", "IM or SC injection, therapeutic", NULL, NULL,
     "clinical.md s7 (unverified use for IM ketamine)", "2026", "?"},
    {"G2082", "E/M established patient with supervised esketamine nasal self-administration, "
     "up to 56 mg, 2 h observation and drug included", "2020-01-01", NULL,
     "CMS contractor CGS, esketamine G-code article", "2026", "V"},
    {"G2083", "As G2082, greater than 56 mg", "2020-01-01", NULL,
     "CMS contractor CGS, esketamine G-code article", "2026", "V"},
    {"S0013", "Esketamine nasal spray, 1 mg (non-Medicare payers)", NULL, "2025-12-31",
     "two billing vendors (replaced by J0013 on 2026-01-01)", "2026", "S"},
    {"J0013", "Esketamine nasal spray, 1 mg (replaces S0013)", "2026-01-01", NULL,
     "two billing vendors", "2026", "S"},
    {"99204", "New patient E/M, moderate complexity (consultation)", NULL, NULL,
     "AMA CPT E/M; level is the clinician's choice, not in clinical.md", "2026", "?"},
    {"99213", "Established patient E/M, low complexity (follow-up)", NULL, NULL,
     "Janssen reimbursement pages (99212-99215 with esketamine)", "2026", "S"},
    {"99415", "Prolonged clinical staff service, first hour", NULL, NULL,
     "Janssen reimbursement pages", "2026", "S"},
    {"99416", "Prolonged clinical staff service, each additional 30 min", NULL, NULL,
     "Janssen reimbursement pages", "2026", "S"},
};
#define N_CODES ((int)(sizeof codes / sizeof codes[0]))

int bill_code_count(void)
{
    return N_CODES;
}

const struct bill_code *bill_code_at(int i)
{
    return i >= 0 && i < N_CODES ? &codes[i] : NULL;
}

const struct bill_code *bill_code_find(const char *code)
{
    if (!code) return NULL;
    for (int i = 0; i < N_CODES; i++)
        if (strcmp(codes[i].code, code) == 0) return &codes[i];
    return NULL;
}

static long day_of(const char *ymd)
{
    long d = 0;
    return course_date_parse(ymd, &d, NULL) == 0 ? d : 0;
}

int bill_code_valid_on(const struct bill_code *c, long day)
{
    if (c->valid_from && day < day_of(c->valid_from)) return 0;
    if (c->valid_to && day > day_of(c->valid_to)) return 0;
    return 1;
}

/* Default self-pay prices.  IV ketamine is commonly $400-800 per infusion (Ketamine Advocacy
 * Network, clinical.md s7, S): 96365 + J3490 = $500.  G2082/G2083 at the Medicare 2026 national
 * averages (Neolytix, S): $953 and $1,356.  Others are placeholders a clinic replaces. */
static const struct bill_fee default_fees[] = {
    {"96365", 45000}, {"96366", 15000}, {"96374", 30000}, {"J3490", 5000}, {"96372", 30000},
    {"G2082", 95300}, {"G2083", 135600}, {"S0013", 3000}, {"J0013", 3000}, {"99204", 25000},
    {"99213", 15000}, {"99415", 10000}, {"99416", 5000},
};

void bill_schedule_default(struct bill_schedule *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->clinic, "default", sizeof "default");
    out->n = (int)(sizeof default_fees / sizeof default_fees[0]);
    memcpy(out->fee, default_fees, sizeof default_fees);
}

int bill_schedule_set(struct bill_schedule *s, const char *code, int64_t cents,
                      struct kc_error *err)
{
    if (!bill_code_find(code))
        return kc_error_set(err, KC_ENOTFOUND, "fee schedule: unknown code '%s' (see "
                            "'ketaclinic billing codes')", code ? code : "(null)");
    if (cents < 0 || cents > BILL_AMOUNT_MAX_CENTS)
        return kc_error_set(err, KC_ERANGE, "fee schedule: price of %s must be 0..%lld cents",
                            code, (long long)BILL_AMOUNT_MAX_CENTS);
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->fee[i].code, code) == 0) {
            s->fee[i].cents = cents;
            return KC_OK;
        }
    if (s->n >= BILL_FEES_MAX)
        return kc_error_set(err, KC_ELIMIT, "fee schedule: more than %d codes", BILL_FEES_MAX);
    size_t n = strlen(code);
    memcpy(s->fee[s->n].code, code, n + 1); /* codes in the table are 5 characters */
    s->fee[s->n++].cents = cents;
    return KC_OK;
}

int64_t bill_schedule_price(const struct bill_schedule *s, const char *code)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->fee[i].code, code) == 0) return s->fee[i].cents;
    return 0;
}
