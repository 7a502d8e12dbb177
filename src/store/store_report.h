/* store_report.h — the clinic reports read from the store (issue 10): the DEA-style
 * administration log, count discrepancies with the theft/loss deadlines, and operations (sessions
 * per chair per day, no-shows, chair time, revenue by code and payer, A/R by age).  Arithmetic in
 * src/clinic/report.c; each report is one audited read. */
#ifndef KC_STORE_REPORT_H
#define KC_STORE_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* One administration (21 CFR 1304.22(c), clinical.md §6: date, patient name and address,
 * substance, finished form, amount, who administered). */
struct store_report_admin_row {
    int64_t seq, dose_id, patient_id;
    char at[32], mrn[32], patient_name[160], address[160], drug[16], form[8], route[16];
    char lot[64], given_by[64];
    int64_t dose_ug, volume_ul;
};
/* Administrations given (dose start, in at) in [from, to) (RFC 3339, NULL = open), oldest
 * first; seq is the ledger entry recording it. */
int store_report_administrations(struct store *st, const struct store_actor *who,
                                 const char *from, const char *to,
                                 int (*fn)(void *ctx, const struct store_report_admin_row *r),
                                 void *ctx, struct kc_error *err);

/* A count that disagreed with the perpetual balance. */
struct store_report_discrepancy_row {
    int64_t id, expected_ug, counted_ug; /* shortfall = expected - counted (> 0: a loss) */
    char drug[16], lot[64], location[64], opened_at[32], resolved_at[32], reason[128];
};
int store_report_discrepancies(struct store *st, const struct store_actor *who,
                               int (*fn)(void *ctx, const struct store_report_discrepancy_row *r),
                               void *ctx, struct kc_error *err);

/* Operations for sessions planned in [from_day, to_day) ("YYYY-MM-DD"), A/R as of today (days
 * from 1970) as JSON (caller json_decref's *out):
 *   sessions: {planned, ended, cancelled, no_show (planned before today, never started)},
 *   per_chair_day: [{chair, day, sessions}] (ended sessions by the day they started),
 *   average_chair_min (started to ended, ended sessions; null when none),
 *   revenue_by_service / _by_code / _by_payer: [{service|code|payer, cents}] (charges of those
 *   sessions net of voids; the service from the session's doses as when it was charged),
 *   revenue_cents, ar: {"0-30", "31-60", "61-90", "over-90", total} (cents, all
 *   patients, by date of service).  KC_ELIMIT past 4096 chair-days. */
int store_report_operations(struct store *st, const struct store_actor *who, const char *from_day,
                            const char *to_day, long today, json_t **out, struct kc_error *err);

#endif
