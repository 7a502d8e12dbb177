/* store_billing.h — billing records in the store (schema version 4): each patient's payer, the
 * append-only account entries (charges derived from the session record by src/clinic/billing.c,
 * voids, payments, refunds, adjustments) and payment plans.  Every call is audited like the
 * other record calls of store.h (resource "Account", id = patient id).  Rules: every new entry is
 * replayed with the patient's whole account through bill_account_apply inside the writing
 * transaction, so the stored account always reconciles. */
#ifndef KC_STORE_BILLING_H
#define KC_STORE_BILLING_H

#include <jansson.h>
#include <stdint.h>

#include "clinic/billing.h"
#include "store/store.h"

/* ---- payers ------------------------------------------------------------------------------- */
struct store_bill_payer {
    enum bill_payer_kind kind;
    char name[64], member_id[64], prior_auth[64];
    char prior_auth_expires[11]; /* "YYYY-MM-DD" or "" */
    int esk_unbundled;
    char recorded_at[32];
};
/* Records the patient's current payer (a new row; history is kept).  KC_EINVAL naming a bad
 * field (commercial needs name; dates YYYY-MM-DD); KC_ENOTFOUND for an unknown patient. */
int store_bill_payer_set(struct store *st, const struct store_actor *who, int64_t patient_id,
                         const struct store_bill_payer *p, struct kc_error *err);
/* The current payer; self-pay (recorded_at "") when none was recorded. */
int store_bill_payer_get(struct store *st, const struct store_actor *who, int64_t patient_id,
                         struct store_bill_payer *out, struct kc_error *err);
/* A view of p for the clinic rules; strings point into p (valid while p is). */
void store_bill_payer_view(const struct store_bill_payer *p, struct bill_payer *out);

/* The scheduler's check before booking patient_id for service on day ("YYYY-MM-DD"): the
 * current payer passes bill_payer_check_booking and, for esketamine, REMS enrolment on or before
 * day (store_rems_check_dose).  KC_EDENIED saying which; KC_ENOTFOUND for an unknown patient.
 * (store_bill_booking.c) */
int store_bill_booking_check(struct store *st, const struct store_actor *who, int64_t patient_id,
                             const char *day, enum bill_service service, struct kc_error *err);

/* ---- charges from a session --------------------------------------------------------------- */
struct store_bill_session_charges {
    struct bill_session_facts facts; /* what was read from the record */
    struct bill_charges charges;     /* the lines recorded */
    int64_t first_id;                /* id of the first charge entry; lines follow in order */
    int64_t patient_id;
};
/* Derives the charges of an ended session from its dose records (esketamine -> esketamine
 * service with the summed dose; IV ketamine -> infusion time from the earliest start to the
 * latest end of its IV doses; IM -> IM) or, for a session without doses, from service (consult
 * or followup; pass BILL_SVC_COUNT to derive), prices them with s for the patient's current
 * payer (REMS enrolment read from rems_enrolments) and records one charge entry per line.
 * KC_ECONFLICT: session not ended, or already charged (void its charges to re-bill);
 * KC_EINVAL: a session without doses and no service; KC_EDENIED: a rule of bill_charges_for_
 * session (Medicare without REMS enrolment).  Nothing is written on error. */
int store_bill_charge_session(struct store *st, const struct store_actor *who,
                              int64_t session_id, enum bill_service service,
                              const struct bill_schedule *s, struct store_bill_session_charges *out,
                              struct kc_error *err);

/* ---- other entries ------------------------------------------------------------------------ */
struct store_bill_entry_new {
    int64_t patient_id;
    enum bill_entry_kind kind; /* void, payment, refund or adjust (charges come from sessions) */
    int64_t cents;             /* > 0; ignored for a void (the charge's amount) */
    int64_t ref;               /* void: charge id; refund: payment id */
    const char *method;        /* payment/refund: "cash", "card", "check", "insurer"...; borrowed */
    const char *reason;        /* void/adjust: required */
    int64_t plan_id;           /* payment toward a plan, 0 = none */
    const char *at;            /* UTC RFC 3339; NULL = now */
};
/* Checks e against the patient's account (bill_account_apply) and records it. */
int store_bill_entry_add(struct store *st, const struct store_actor *who,
                         const struct store_bill_entry_new *e, int64_t *id, struct kc_error *err);

struct store_bill_row {
    int64_t id, patient_id, session_id, ref_id, plan_id;
    char kind[8], code[8], modifier[4], payer[16], method[32], reason[128], at[32], by_user[64];
    int units;
    int64_t unit_cents, cents;
};
/* Entries of one patient (0 = all) with at in [from, to) (NULL = open), in id order. */
int store_bill_entries(struct store *st, const struct store_actor *who, int64_t patient_id,
                       const char *from, const char *to,
                       int (*fn)(void *ctx, const struct store_bill_row *row), void *ctx,
                       struct kc_error *err);
/* Totals of the patient's account (replayed through the rules). */
int store_bill_totals(struct store *st, const struct store_actor *who, int64_t patient_id,
                      struct bill_totals *out, struct kc_error *err);

/* ---- payment plans ------------------------------------------------------------------------ */
/* Creates a plan (bill_plan_make rules) for the patient; first_due "YYYY-MM-DD". */
int store_bill_plan_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                        int64_t total_cents, int n, const char *first_due, int interval_days,
                        int64_t *id, struct kc_error *err);
struct store_bill_plan_row {
    int64_t id, patient_id;
    int64_t paid_cents; /* payments with this plan_id less refunds of them */
    struct bill_plan plan;
};
/* Plans of one patient (0 = all), oldest first. */
int store_bill_plans(struct store *st, const struct store_actor *who, int64_t patient_id,
                     int (*fn)(void *ctx, const struct store_bill_plan_row *row), void *ctx,
                     struct kc_error *err);

/* ---- superbill --------------------------------------------------------------------------- */
struct store_bill_provider { /* all borrowed; NULL = "" */
    const char *clinic, *npi, *tax_id, *address;
};
/* The itemised superbill of the patient's whole account as JSON (caller json_decref's *out):
 * provider, patient, payer, active diagnoses, "lines" (charges not voided: date, code, modifier,
 * units, unit_cents, cents, description), "payments" (payments, refunds, adjustments) and
 * "totals" (cents; billed_cents == charges_cents - voids_cents).  Audited as an export. */
int store_bill_superbill(struct store *st, const struct store_actor *who, int64_t patient_id,
                         const struct store_bill_provider *prov, json_t **out,
                         struct kc_error *err);

/* Seconds from a to b, both as stored (UTC RFC 3339); KC_EINVAL naming the bad text. */
int store_bill_seconds_between(const char *a, const char *b, int64_t *out, struct kc_error *err);

/* Inside the store (store_billing.c, store_bill_session.c): loads the patient's entries into a
 * (heap, caller frees) in id order through the rules, inside the caller's transaction. */
int store__bill_account_load(struct store *st, int64_t patient_id, struct bill_account **out,
                             struct kc_error *err);
/* The patient's current payer (self-pay when none), inside the caller's transaction. */
int store__bill_payer_load(struct store *st, int64_t patient_id, struct store_bill_payer *out,
                           struct kc_error *err);

#endif
