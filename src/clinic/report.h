/* report.h — the arithmetic of the clinic reports, pure: controlled-substance loss deadlines
 * (21 CFR 1301.76(b): written notice to the DEA Field Division within 1 business day of
 * discovering a theft or significant loss; DEA Form 106 within 45 days, 88 FR 40707, effective
 * 24 Jul 2023; clinical.md §6, V) and accounts receivable by age.  Days are days from
 * 1970-01-01 (course_days_from_civil). */
#ifndef KC_CLINIC_REPORT_H
#define KC_CLINIC_REPORT_H

#include <stdint.h>

#define REPORT_FORM106_DAYS 45

/* The first Monday-Friday after day.  Federal holidays are not modelled (a holiday Monday gives
 * a deadline one day early, never late). */
long report_next_business_day(long day);

struct report_loss_deadlines {
    long notice_day;  /* written notice to the DEA Field Division: next business day */
    long form106_day; /* DEA Form 106 filed online: discovery + 45 days */
};
void report_loss_deadlines(long discovered_day, struct report_loss_deadlines *out);

/* A/R ageing buckets by days since the date of service: 0-30, 31-60, 61-90, over 90. */
enum { REPORT_AR_0_30, REPORT_AR_31_60, REPORT_AR_61_90, REPORT_AR_OVER_90, REPORT_AR_BUCKETS };
/* One patient's open charges (net of voids), oldest first, and the credits (payments - refunds +
 * adjustments) applied to them oldest first.  Adds what is still owed on each charge to
 * buckets[] by its age on today; a credit beyond the charges is not receivable and adds nothing.
 * Returns the amount added (max(0, sum(charges) - credits)). */
int64_t report_ar_age(const int64_t *charge_cents, const long *charge_day, int n,
                      int64_t credits_cents, long today, int64_t buckets[REPORT_AR_BUCKETS]);
const char *report_ar_bucket_name(int b); /* "0-30", "31-60", "61-90", "over-90" */

#endif
