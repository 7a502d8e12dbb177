/* test_clinic_report.c — report arithmetic (src/clinic/report.c): the DEA theft/loss deadlines
 * (21 CFR 1301.76(b): 1 business day notice; Form 106 within 45 days, 88 FR 40707) and A/R
 * ageing with credits applied oldest first, at the bucket boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clinic/course.h"
#include "clinic/report.h"

static long day(const char *ymd)
{
    long d = 0;
    assert_int_equal(course_date_parse(ymd, &d, NULL), 0);
    return d;
}

static void loss_deadlines(void **state)
{
    (void)state;
    struct report_loss_deadlines dl;
    report_loss_deadlines(day("2026-11-20"), &dl); /* a Friday */
    assert_int_equal(dl.notice_day, day("2026-11-23"));
    assert_int_equal(dl.form106_day, day("2027-01-04"));
    report_loss_deadlines(day("2026-11-18"), &dl); /* Wednesday */
    assert_int_equal(dl.notice_day, day("2026-11-19"));
    report_loss_deadlines(day("2026-11-21"), &dl); /* Saturday */
    assert_int_equal(dl.notice_day, day("2026-11-23"));
    assert_int_equal(dl.form106_day, day("2026-11-21") + 45);
}

static void ar_ageing(void **state)
{
    (void)state;
    long today = day("2026-11-23");
    int64_t cents[] = {10000, 20000, 30000};
    long days[] = {today - 100, today - 45, today - 10};
    int64_t b[REPORT_AR_BUCKETS] = {0};
    /* 150.00 credit pays the oldest (100.00) and 50.00 of the second */
    assert_int_equal(report_ar_age(cents, days, 3, 15000, today, b), 45000);
    assert_int_equal(b[REPORT_AR_OVER_90], 0);
    assert_int_equal(b[REPORT_AR_31_60], 15000);
    assert_int_equal(b[REPORT_AR_0_30], 30000);
    /* boundaries: 30 -> 0-30, 31 -> 31-60, 60 -> 31-60, 61 and 90 -> 61-90, 91 -> over 90 */
    int64_t one[] = {1, 2, 4, 8, 16, 32};
    long ages[] = {today - 30, today - 31, today - 60, today - 61, today - 90, today - 91};
    int64_t c[REPORT_AR_BUCKETS] = {0};
    assert_int_equal(report_ar_age(one, ages, 6, 0, today, c), 63);
    assert_int_equal(c[REPORT_AR_0_30], 1);
    assert_int_equal(c[REPORT_AR_31_60], 2 + 4);
    assert_int_equal(c[REPORT_AR_61_90], 8 + 16);
    assert_int_equal(c[REPORT_AR_OVER_90], 32);
    /* a credit balance is not receivable */
    int64_t d[REPORT_AR_BUCKETS] = {0};
    assert_int_equal(report_ar_age(cents, days, 3, 70000, today, d), 0);
    assert_int_equal(d[0] + d[1] + d[2] + d[3], 0);
    assert_string_equal(report_ar_bucket_name(REPORT_AR_OVER_90), "over-90");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loss_deadlines),
        cmocka_unit_test(ar_ageing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
