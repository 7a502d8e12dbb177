/* report.c — DEA loss deadlines and accounts-receivable ageing for the clinic reports. */
#include "clinic/course.h"
#include "clinic/report.h"

long report_next_business_day(long day)
{
    long d = day + 1;
    while (course_weekday(d) >= 5) d++; /* 5 = Saturday, 6 = Sunday */
    return d;
}

void report_loss_deadlines(long discovered_day, struct report_loss_deadlines *out)
{
    out->notice_day = report_next_business_day(discovered_day);
    out->form106_day = discovered_day + REPORT_FORM106_DAYS;
}

int64_t report_ar_age(const int64_t *charge_cents, const long *charge_day, int n,
                      int64_t credits_cents, long today, int64_t buckets[REPORT_AR_BUCKETS])
{
    int64_t credit = credits_cents > 0 ? credits_cents : 0, added = 0;
    for (int i = 0; i < n; i++) {
        int64_t owed = charge_cents[i];
        int64_t use = credit < owed ? credit : owed;
        owed -= use;
        credit -= use;
        if (owed <= 0) continue;
        long age = today - charge_day[i];
        int b = age <= 30 ? REPORT_AR_0_30 : age <= 60 ? REPORT_AR_31_60
                : age <= 90 ? REPORT_AR_61_90 : REPORT_AR_OVER_90;
        buckets[b] += owed;
        added += owed;
    }
    return added;
}

const char *report_ar_bucket_name(int b)
{
    static const char *const n[] = {"0-30", "31-60", "61-90", "over-90"};
    return b >= 0 && b < REPORT_AR_BUCKETS ? n[b] : "?";
}
