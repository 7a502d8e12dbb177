/* billing.h — the money rules of a ketamine clinic: billing codes with their sources, a fee
 * schedule per clinic, charges derived from what happened in a session (CPT infusion time rule,
 * G2082/G2083 by esketamine dose, Medicare KX), payer checks (prior authorisation), the
 * account ledger (charges, voids, payments, refunds, adjustments) and payment plans.
 * Pure: no I/O, no clock ("today" is an argument).  Money is integer cents, never floats.
 * Sources: clinical.md §7 and docs/clinical-sources.md "Billing and REMS". */
#ifndef KC_CLINIC_BILLING_H
#define KC_CLINIC_BILLING_H

#include <stdint.h>

#include "base/error.h"

/* Largest single amount accepted: $1,000,000.00, so a typo (cents for dollars twice) is refused
 * long before any sum of entries could overflow int64. */
#define BILL_AMOUNT_MAX_CENTS INT64_C(100000000)

/* ---- codes -------------------------------------------------------------------------------- */
/* One CPT/HCPCS code as the clinic uses it.  valid_from/valid_to are "YYYY-MM-DD" or NULL
 * (open).  conf is the reference's confidence mark: "V" verified, "S" secondary, "?" unverified. */
struct bill_code {
    const char *code, *meaning;
    const char *valid_from, *valid_to;
    const char *source, *source_date, *conf;
};
int bill_code_count(void);
const struct bill_code *bill_code_at(int i);       /* NULL when out of range */
const struct bill_code *bill_code_find(const char *code); /* NULL when unknown */
/* 1 when code is billable on day ("YYYY-MM-DD", as days from 1970: course_days_from_civil). */
int bill_code_valid_on(const struct bill_code *c, long day);

/* ---- fee schedule ------------------------------------------------------------------------- */
/* A clinic's price per code unit (self-pay list price, in cents).  Codes not listed cost 0
 * (e.g. add-on codes a clinic includes in the base price). */
#define BILL_FEES_MAX 32
struct bill_fee {
    char code[8];
    int64_t cents;
};
struct bill_schedule {
    char clinic[64];
    int n;
    struct bill_fee fee[BILL_FEES_MAX];
};
/* The default schedule (prices within the ranges in clinical.md §7; each clinic sets its own). */
void bill_schedule_default(struct bill_schedule *out);
/* Sets (or adds) the price of code.  KC_ENOTFOUND for a code not in the code table, KC_ERANGE
 * for cents < 0 or > BILL_AMOUNT_MAX_CENTS, KC_ELIMIT when the schedule is full. */
int bill_schedule_set(struct bill_schedule *s, const char *code, int64_t cents,
                      struct kc_error *err);
/* Price of one unit of code; 0 when not listed. */
int64_t bill_schedule_price(const struct bill_schedule *s, const char *code);

/* ---- payers ------------------------------------------------------------------------------- */
enum bill_payer_kind { BILL_SELF_PAY, BILL_COMMERCIAL, BILL_MEDICARE, BILL_PAYER_KIND_COUNT };
struct bill_payer {
    enum bill_payer_kind kind;
    const char *name;        /* insurer name (commercial), borrowed; NULL for self-pay */
    const char *member_id;   /* borrowed; NULL = not given */
    const char *prior_auth;  /* prior-authorisation number, borrowed; NULL = none */
    long prior_auth_expires; /* last day it covers (days from 1970); 0 = none */
    int esk_unbundled;       /* commercial only: payer wants E/M + J0013 per mg, not G-codes */
};
const char *bill_payer_kind_name(enum bill_payer_kind k); /* "self-pay", ...; "?" if bad */
int bill_payer_kind_parse(const char *name, enum bill_payer_kind *out, struct kc_error *err);
/* The scheduler's check before booking a session on day: a commercial payer needs a prior-
 * authorisation number that has not expired (KC_EDENIED naming which).  Self-pay and Medicare
 * pass (Medicare coverage of esketamine is the REMS enrolment, checked by the REMS module). */
int bill_payer_check_booking(const struct bill_payer *p, long day, struct kc_error *err);

/* ---- charges from a session --------------------------------------------------------------- */
enum bill_service { BILL_SVC_IV, BILL_SVC_IM, BILL_SVC_ESKETAMINE, BILL_SVC_CONSULT,
                    BILL_SVC_FOLLOWUP, BILL_SVC_COUNT };
const char *bill_service_name(enum bill_service s); /* "iv", "im", "esketamine", ... */
int bill_service_parse(const char *name, enum bill_service *out, struct kc_error *err);

/* What happened, from the session and dose records. */
struct bill_session_facts {
    enum bill_service service;
    long day;                /* date of service, days from 1970 */
    int64_t infusion_s;      /* IV: seconds from infusion start to end (dose record), else 0 */
    int64_t esketamine_ug;   /* esketamine: total dose given in the session, micrograms */
    int rems_enrolled;       /* esketamine: patient enrolled in the SPRAVATO REMS */
};
#define BILL_LINES_MAX 6
struct bill_line {
    char code[8];
    char modifier[4]; /* "KX" or "" */
    int units;
    int64_t unit_cents, cents; /* cents = units * unit_cents */
};
struct bill_charges {
    int n;
    struct bill_line line[BILL_LINES_MAX];
    int64_t total_cents;
};
/* CPT time rule for IV infusion (AMA CPT; CMS IOM 100-04 ch.12 §30.5): <= 15 min is a push
 * (96374); 16-90 min one 96365; each further 96366 unit needs > 30 min beyond the last full
 * hour (91-150 min: 1, 151-210: 2, ...).  minutes are whole minutes of infusion (seconds are
 * floored: no unit for time not given).  Writes the code for the first hour and the number of
 * 96366 units.  KC_EINVAL for minutes <= 0 or > 24 h. */
int bill_iv_time_units(int64_t minutes, const char **first_code, int *add_units,
                       struct kc_error *err);
/* Derives the charge lines for a session, priced from s, for payer p.  Esketamine: <= 56 mg ->
 * G2082, > 56 mg -> G2083 (CMS/CGS); Medicare adds KX and needs REMS enrolment (KC_EDENIED
 * otherwise); an unbundling commercial payer gets 99213 + J0013 (S0013 before 2026-01-01) per
 * mg instead.  KC_EINVAL naming a missing fact (no infusion time, no esketamine dose).
 * *out untouched on error. */
int bill_charges_for_session(const struct bill_session_facts *f, const struct bill_payer *p,
                             const struct bill_schedule *s, struct bill_charges *out,
                             struct kc_error *err);

/* ---- the account ledger ------------------------------------------------------------------- */
enum bill_entry_kind {
    BILL_CHARGE,  /* +amount owed, from bill_charges_for_session */
    BILL_VOID,    /* cancels a whole charge (ref = that charge); a correction is void + new charge */
    BILL_PAYMENT, /* -amount owed (method: cash, card, insurer...) */
    BILL_REFUND,  /* gives back (part of) a payment (ref = that payment) */
    BILL_ADJUST,  /* write-off or discount, reduces what is owed (reason required) */
    BILL_ENTRY_KIND_COUNT
};
const char *bill_entry_kind_name(enum bill_entry_kind k);
int bill_entry_kind_parse(const char *name, enum bill_entry_kind *out, struct kc_error *err);

struct bill_entry {
    int64_t id; /* the store's id; entries are applied in id order */
    enum bill_entry_kind kind;
    int64_t cents;  /* > 0 for every kind; the kind gives the sign (a void's is the charge's) */
    int64_t ref;    /* void: the charge; refund: the payment; else 0 */
    const char *reason; /* adjust: required; void: required; borrowed */
};
/* Running totals of one account.  Invariant (tested over random histories):
 * (charges - voids) - (payments - refunds) - adjustments == balance. */
struct bill_totals {
    int64_t charges, voids, payments, refunds, adjustments, balance;
};
/* Per-entry memory the rules need: what each referenced entry still allows. */
#define BILL_ACCOUNT_MAX 4096
struct bill_account {
    struct bill_totals t;
    int n;
    struct {
        int64_t id, cents, used; /* used: voided (charge) or refunded so far (payment) */
        enum bill_entry_kind kind;
    } e[BILL_ACCOUNT_MAX];
};
void bill_account_init(struct bill_account *a);
/* Checks e against the account and applies it.  KC_EINVAL: amount <= 0 or above the maximum,
 * missing reason, ref not a charge/payment of this account; KC_ECONFLICT: charge already voided,
 * refund more than what is left of the payment, id not increasing; KC_ELIMIT when full.
 * The account is untouched on error. */
int bill_account_apply(struct bill_account *a, const struct bill_entry *e, struct kc_error *err);

/* ---- payment plans ------------------------------------------------------------------------ */
#define BILL_PLAN_MAX 60
struct bill_instalment {
    long due;        /* days from 1970 */
    int64_t cents;
};
struct bill_plan {
    int n;
    struct bill_instalment inst[BILL_PLAN_MAX];
};
/* Splits total into n instalments (first on first_due, then every interval_days, or on the same
 * day of each following month when interval_days == 0, clamped to the month's last day).
 * Cents that do not divide go to the first instalments, so they sum exactly to total.
 * KC_EINVAL: total <= 0 or too large, n outside 1..BILL_PLAN_MAX, interval_days < 0. */
int bill_plan_make(int64_t total, int n, long first_due, int interval_days, struct bill_plan *out,
                   struct kc_error *err);
/* Status of each instalment given paid_cents paid toward the plan so far (applied oldest due
 * first).  For each i: remaining[i] (cents still owed), overdue[i] = 1 when due < today and
 * remaining > 0.  Returns the number overdue. */
int bill_plan_status(const struct bill_plan *p, int64_t paid_cents, long today,
                     int64_t remaining[BILL_PLAN_MAX], int overdue[BILL_PLAN_MAX]);

/* Formats cents as "-1234.05" (buf at least 24 bytes). */
void bill_cents_format(int64_t cents, char *buf, unsigned long cap);
/* Parses "1234", "1234.5", "1234.05" (dollars, at most 2 decimals, optional leading '-' only
 * when allow_negative) into cents.  KC_EINVAL naming the text otherwise. */
int bill_cents_parse(const char *text, int allow_negative, int64_t *out, struct kc_error *err);

#endif
