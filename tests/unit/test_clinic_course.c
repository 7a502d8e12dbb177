/* test_clinic_course.c — civil dates, course schedules against the SPRAVATO label and the IV
 * protocols, re-planning, the futility rule; property: a schedule never breaks the minimum gap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "clinic/course.h"

static struct protocol P;
static int setup(void **state)
{
    (void)state;
    protocol_init_default(&P);
    return 0;
}

static long D(const char *s)
{
    long d;
    struct kc_error err = {0};
    if (course_date_parse(s, &d, &err)) fail_msg("%s", err.msg);
    return d;
}

static void expect_date(long day, const char *want)
{
    char buf[16];
    course_date_format(day, buf, sizeof buf);
    if (strcmp(buf, want)) fail_msg("date %s, wanted %s", buf, want);
}

static void civil_dates(void **state)
{
    (void)state;
    struct kc_error err = {0};
    long d;
    assert_int_equal(course_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(course_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(course_weekday(0), 3);            /* 1970-01-01 Thursday */
    assert_int_equal(course_weekday(D("2026-12-01")), 1); /* Tuesday */
    assert_int_equal(D("2028-03-01") - D("2028-02-28"), 2); /* leap year */
    assert_int_equal(D("2100-03-01") - D("2100-02-28"), 1); /* not a leap year */
    assert_int_equal(course_date_parse("2027-02-29", &d, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "no day 29"));
    assert_int_equal(course_date_parse("2026-13-01", &d, &err), KC_EINVAL);
    assert_int_equal(course_date_parse("2026-1-01", &d, &err), KC_EINVAL);
    assert_int_equal(course_date_parse("20x6-01-01", &d, &err), KC_EINVAL);
    for (long z = D("1900-01-01"); z <= D("2200-12-31"); z += 13) {
        long y;
        unsigned m, dd;
        course_civil_from_days(z, &y, &m, &dd);
        assert_int_equal(course_days_from_civil(y, m, dd), z);
    }
    unsigned mask;
    assert_int_equal(course_days_parse("mon,wed,fri", &mask, &err), 0);
    assert_int_equal(mask, 1u | 4u | 16u);
    assert_int_equal(course_days_parse("mon,mon", &mask, &err), KC_EINVAL);
    assert_int_equal(course_days_parse("monday", &mask, &err), KC_EINVAL);
}

/* SPRAVATO label: twice weekly weeks 1-4, weekly weeks 5-8, every 2 weeks from week 9. */
static void spravato_trd_label_dates(void **state)
{
    (void)state;
    struct course_plan c;
    struct kc_error err = {0};
    struct course_constraints k = {0};
    k.min_gap_days = 2;
    assert_int_equal(course_plan_make(&P, COURSE_SPRAVATO_TRD, D("2026-12-01"), &k, &c, &err), 0);
    static const char *const want[] = {"2026-12-01", "2026-12-04", "2026-12-08", "2026-12-11",
                                       "2026-12-15", "2026-12-18", "2026-12-22", "2026-12-25",
                                       "2026-12-29", "2027-01-05", "2027-01-12", "2027-01-19",
                                       "2027-01-26", "2027-02-09", "2027-02-23", "2027-03-09"};
    assert_int_equal(c.n, 16);
    for (int i = 0; i < 16; i++) expect_date(c.s[i].day, want[i]);
    assert_string_equal(c.s[0].dose, "56 mg (day 1)");
    assert_int_equal(c.n_warn, 0);
    /* per week: 2 in weeks 1-4, 1 in weeks 5-8 */
    int per[9] = {0};
    for (int i = 0; i < 12; i++) per[c.s[i].week]++;
    for (int w = 1; w <= 4; w++) assert_int_equal(per[w], 2);
    for (int w = 5; w <= 8; w++) assert_int_equal(per[w], 1);
    /* from 65 y: 56 mg under the US label (no age-specific start), 28 mg under the EU SmPC /
     * HK label (esk.label_region 2; issue 14) */
    k.age_years = 70;
    assert_int_equal(course_plan_make(&P, COURSE_SPRAVATO_TRD, D("2026-12-01"), &k, &c, &err), 0);
    assert_string_equal(c.s[0].dose, "56 mg (day 1)");
    struct protocol eu;
    protocol_init_default(&eu);
    assert_int_equal(protocol_apply_override(&eu, "{\"clinic\":\"eu\",\"overrides\":"
                                                  "{\"esk.label_region\":2}}", &err), 0);
    assert_int_equal(course_plan_make(&eu, COURSE_SPRAVATO_TRD, D("2026-12-01"), &k, &c, &err), 0);
    assert_non_null(strstr(c.s[0].dose, "28 mg"));
    /* with clinic days Mon/Wed/Fri the first session is the first clinic day on/after start */
    assert_int_equal(course_days_parse("mon,wed,fri", &k.clinic_days, &err), 0);
    assert_int_equal(course_plan_make(&P, COURSE_SPRAVATO_TRD, D("2026-12-01"), &k, &c, &err), 0);
    expect_date(c.s[0].day, "2026-12-02");
}

/* Murrough 2013: 6 infusions 3x/week over 12 days; Oliver 2022: within 21 days.  MDSI: 8
 * sessions in 4 weeks (label).  CAN-BIND maintenance: 4 weekly, 4 two-weekly, 3 four-weekly. */
static void iv_induction_maintenance_mdsi(void **state)
{
    (void)state;
    struct course_plan c;
    struct kc_error err = {0};
    struct course_constraints k = {0};
    assert_int_equal(course_days_parse("mon,wed,fri", &k.clinic_days, &err), 0);
    assert_int_equal(course_plan_make(&P, COURSE_IV_INDUCTION, D("2026-12-07"), &k, &c, &err), 0);
    assert_int_equal(c.n, 6);
    expect_date(c.s[0].day, "2026-12-07");
    expect_date(c.s[5].day, "2026-12-18"); /* 12 days, Mon-Wed-Fri x2 */
    assert_int_equal(c.n_warn, 0);
    k.per_week = 2;
    assert_int_equal(course_plan_make(&P, COURSE_IV_INDUCTION, D("2026-12-07"), &k, &c, &err), 0);
    assert_true(c.s[5].day - c.s[0].day + 1 <= 21);
    k.per_week = 4;
    assert_int_equal(course_plan_make(&P, COURSE_IV_INDUCTION, D("2026-12-07"), &k, &c, &err), KC_EINVAL);
    k.per_week = 0;
    assert_int_equal(course_plan_make(&P, COURSE_MDSI, D("2026-12-07"), &k, &c, &err), 0);
    assert_int_equal(c.n, 8);
    assert_true(c.s[7].day - c.s[0].day < 28);
    assert_int_equal(course_plan_make(&P, COURSE_IV_MAINTENANCE, D("2026-12-07"), &k, &c, &err), 0);
    assert_int_equal(c.n, 11);
    assert_int_equal(c.s[1].day - c.s[0].day, 7);
    assert_int_equal(c.s[5].day - c.s[4].day, 14);
    assert_int_equal(c.s[10].day - c.s[9].day, 28);
    /* a gap the protocol refuses */
    k.min_gap_days = 30;
    assert_int_equal(course_plan_make(&P, COURSE_MDSI, D("2026-12-07"), &k, &c, &err), KC_ERANGE);
    assert_non_null(strstr(err.msg, "course.min_gap_days"));
}

static void replanning(void **state)
{
    (void)state;
    struct course_plan c, r;
    struct kc_error err = {0};
    struct course_constraints k = {0};
    assert_int_equal(course_days_parse("mon,wed,fri", &k.clinic_days, &err), 0);
    assert_int_equal(course_plan_make(&P, COURSE_IV_INDUCTION, D("2026-12-07"), &k, &c, &err), 0);
    /* session 3 (Fri 12-11) missed, known on Sat 12-12: next clinic day Mon 12-14 */
    assert_int_equal(course_replan_missed(&P, &c, 2, D("2026-12-12"), &r, &err), 0);
    expect_date(r.s[2].day, "2026-12-14");
    assert_true(r.s[0].done && r.s[1].done && !r.s[2].done);
    assert_int_equal(r.s[0].day, c.s[0].day);
    for (int i = 3; i < 6; i++) assert_true(r.s[i].day >= c.s[i].day + 3);
    assert_int_equal(course_replan_missed(&P, &c, 2, D("2026-12-10"), &r, &err), KC_EINVAL);
    assert_int_equal(course_replan_missed(&P, &c, 6, D("2026-12-20"), &r, &err), KC_EINVAL);
    /* CAN-BIND relapse: back to every 2 weeks */
    assert_int_equal(course_plan_make(&P, COURSE_IV_MAINTENANCE, D("2026-12-07"), &k, &c, &err), 0);
    assert_int_equal(course_replan_relapse(&P, &c, 9, c.s[8].day + 10, &r, &err), 0);
    assert_int_equal(r.s[10].day - r.s[9].day, 14);
}

/* Sanacora 2017 futility (>3 sessions without response); response >=50%. */
static void end_of_induction_review(void **state)
{
    (void)state;
    struct course_review r;
    struct kc_error err = {0};
    const struct scale_def *madrs = scale_find("madrs");
    assert_int_equal(course_review_make(&P, madrs, 32, 28, 6, &r, &err), 0);
    assert_true(r.futile && r.end_of_induction);
    assert_non_null(strstr(r.verdict, "futility rule met"));
    assert_non_null(strstr(r.verdict, "ORKA-2"));
    assert_int_equal(course_review_make(&P, madrs, 32, 28, 2, &r, &err), 0);
    assert_false(r.futile);
    assert_int_equal(course_review_make(&P, madrs, 32, 16, 6, &r, &err), 0);
    assert_true(r.change.response && !r.futile);
    assert_int_equal(course_review_make(&P, madrs, 32, 20, 6, &r, &err), 0);
    assert_true(r.change.partial && !r.futile);
    assert_int_equal(course_review_make(&P, madrs, 32, 20, 0, &r, &err), KC_EINVAL);
}

/* Property: for random plans, clinic days, gaps and missed sessions, every session is on a
 * clinic day and at least min_gap days after the previous one.  Fixed-seed xorshift64*. */
static uint64_t rs = 0xD1B54A32D192ED03ull;
static uint32_t rnd(uint32_t n)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (uint32_t)((rs * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

static void check_plan(const struct course_plan *c, const char *what)
{
    for (int i = 0; i < c->n; i++) {
        if (c->clinic_days && !(c->clinic_days & (1u << course_weekday(c->s[i].day))))
            fail_msg("%s: session %d not on a clinic day", what, i + 1);
        if (i > 0 && c->s[i].day - c->s[i - 1].day < c->min_gap_days)
            fail_msg("%s: sessions %d-%d only %ld days apart (gap %d)", what, i, i + 1,
                     c->s[i].day - c->s[i - 1].day, c->min_gap_days);
    }
}

static void property_minimum_gap(void **state)
{
    (void)state;
    int made = 0;
    for (int iter = 0; iter < 20000; iter++) {
        struct course_plan c, r;
        struct kc_error err = {0};
        struct course_constraints k = {0};
        k.clinic_days = rnd(128);
        k.min_gap_days = (int)rnd(15);
        k.per_week = rnd(2) ? 2 : 3;
        k.continuation_every_weeks = 1 + (int)rnd(2);
        k.continuation_sessions = 1 + (int)rnd(26);
        enum course_kind kind = (enum course_kind)rnd(4);
        long start = D("2026-01-01") + rnd(2000);
        if (course_plan_make(&P, kind, start, &k, &c, &err)) continue;
        made++;
        check_plan(&c, "plan");
        assert_true(c.s[0].day >= start);
        int m = (int)rnd((uint32_t)c.n);
        if (course_replan_missed(&P, &c, m, c.s[m].day + rnd(20), &r, &err) == 0) {
            check_plan(&r, "missed");
            for (int i = 0; i < m; i++) assert_int_equal(r.s[i].day, c.s[i].day);
        }
        if (course_replan_relapse(&P, &c, m, c.s[m].day + rnd(20), &r, &err) == 0)
            check_plan(&r, "relapse");
    }
    assert_true(made > 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(civil_dates),
        cmocka_unit_test(spravato_trd_label_dates),
        cmocka_unit_test(iv_induction_maintenance_mdsi),
        cmocka_unit_test(replanning),
        cmocka_unit_test(end_of_induction_review),
        cmocka_unit_test(property_minimum_gap),
    };
    return cmocka_run_group_tests_name("clinic_course", tests, setup, NULL);
}
