/* test_clinic_outcome.c — Wilson intervals (Newcombe 1998 worked examples), paired Hedges' g
 * (Borenstein 2009 ch. 4 worked example), clinic summaries and the benchmark table. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "clinic/outcome.h"

static void close_to(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) fail_msg("got %.10g, wanted %.10g (+-%g)", got, want, tol);
}

/* Newcombe, Stat Med 1998;17:857, Table I (Wilson score method). */
static void wilson_newcombe_1998(void **state)
{
    (void)state;
    static const struct {
        long k, n;
        double lo, hi;
    } c[] = {{81, 263, 0.2553, 0.3662}, {15, 148, 0.0624, 0.1605}, {0, 20, 0.0, 0.1611},
             {1, 29, 0.0061, 0.1718}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double lo, hi;
        assert_int_equal(outcome_wilson(c[i].k, c[i].n, OUTCOME_Z95, &lo, &hi, NULL), 0);
        close_to(lo, c[i].lo, 5e-5);
        close_to(hi, c[i].hi, 5e-5);
    }
    double lo, hi;
    struct kc_error err = {0};
    assert_int_equal(outcome_wilson(5, 4, OUTCOME_Z95, &lo, &hi, &err), KC_EINVAL);
    assert_int_equal(outcome_wilson(0, 0, OUTCOME_Z95, &lo, &hi, &err), KC_EINVAL);
}

/* Borenstein et al. 2009, ch. 4: mean difference 3, S_diff 5.477, r 0.7, n 50 ->
 * d 0.4243, V_d 0.0131, g 0.4177, V_g 0.0127. */
static void hedges_g_borenstein(void **state)
{
    (void)state;
    struct outcome_effect e;
    struct kc_error err = {0};
    assert_int_equal(outcome_hedges_g_paired(3, 5.477, 0.7, 50, &e, &err), 0);
    close_to(e.d, 0.4243, 5e-5);
    close_to(e.g, 0.4177, 1e-4); /* the book rounds its intermediates (J = 0.9846) */
    close_to(e.var_g, 0.0127, 5e-5);
    close_to(e.lo, 0.4177 - 1.96 * sqrt(0.01268), 1e-3);
    assert_int_equal(outcome_hedges_g_paired(3, 0, 0.7, 50, &e, &err), KC_EINVAL);
    assert_int_equal(outcome_hedges_g_paired(3, 5, 1.0, 50, &e, &err), KC_EINVAL);
    assert_int_equal(outcome_hedges_g_paired(3, 5, 0.5, 2, &e, &err), KC_EINVAL);
    /* raw data: the same statistics recomputed by hand */
    double b[] = {20, 22, 18, 25, 15}, en[] = {10, 15, 12, 11, 9};
    assert_int_equal(outcome_hedges_g_data(b, en, 5, &e, &err), 0);
    double md = (10 + 7 + 6 + 14 + 6) / 5.0;
    double dd[] = {10, 7, 6, 14, 6}, s = 0;
    for (int i = 0; i < 5; i++) s += (dd[i] - md) * (dd[i] - md);
    struct outcome_effect e2;
    assert_int_equal(outcome_hedges_g_paired(md, sqrt(s / 4), e.r, 5, &e2, &err), 0);
    close_to(e.g, e2.g, 1e-12);
    assert_true(e.g > 0); /* improvement is positive */
}

static void summary_rates_and_effect(void **state)
{
    (void)state;
    struct protocol p;
    struct outcome_summary s;
    struct kc_error err = {0};
    protocol_init_default(&p);
    const struct scale_def *phq9 = scale_find("phq9");
    struct outcome_course c[] = {{"trd", "iv", phq9, 20, 4},  {"trd", "iv", phq9, 18, 8},
                                 {"trd", "iv", phq9, 22, 15}, {"trd", "iv", phq9, 16, 12},
                                 {"trd", "iv", phq9, 24, 3}};
    assert_int_equal(outcome_summarise(&p, c, 5, &s, &err), 0);
    assert_int_equal(s.responders, 3); /* 20->4, 18->8 (55.6%), 24->3 */
    assert_int_equal(s.remitters, 2);  /* <5: 4, 3 */
    double lo, hi;
    outcome_wilson(3, 5, OUTCOME_Z95, &lo, &hi, NULL);
    close_to(s.response_lo, lo, 1e-12);
    close_to(s.response_hi, hi, 1e-12);
    assert_int_equal(s.effect.n, 5);
    double b[] = {20, 18, 22, 16, 24}, e[] = {4, 8, 15, 12, 3};
    struct outcome_effect ef;
    assert_int_equal(outcome_hedges_g_data(b, e, 5, &ef, &err), 0);
    close_to(s.effect.g, ef.g, 1e-12);
    close_to(s.effect.lo, ef.lo, 1e-12);
    c[2].scale = scale_find("gad7");
    assert_int_equal(outcome_summarise(&p, c, 5, &s, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "course 3"));
    c[2].scale = phq9;
    c[2].baseline = 30;
    assert_int_equal(outcome_summarise(&p, c, 5, &s, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "course 3"));
}

/* clinical.md s5: a few anchor values of the benchmark table. */
static void benchmarks_table(void **state)
{
    (void)state;
    int found = 0;
    for (int i = 0; i < outcome_benchmarks_len; i++) {
        const struct outcome_benchmark *b = &outcome_benchmarks[i];
        assert_true(strlen(b->source) > 5);
        if (strstr(b->source, "McInnes")) {
            assert_int_equal(b->n, 537);
            assert_string_equal(b->response, "53.6%");
            assert_string_equal(b->remission, "28.9%");
            found++;
        }
        if (strstr(b->source, "Alnefeesi")) {
            assert_int_equal(b->n, 2665);
            assert_non_null(strstr(b->effect, "1.44"));
            found++;
        }
        if (strstr(b->source, "Anand, NEJM 2023")) {
            assert_string_equal(b->response, "55.4% vs 41.2%");
            found++;
        }
    }
    assert_int_equal(found, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wilson_newcombe_1998),
        cmocka_unit_test(hedges_g_borenstein),
        cmocka_unit_test(summary_rates_and_effect),
        cmocka_unit_test(benchmarks_table),
    };
    return cmocka_run_group_tests_name("clinic_outcome", tests, NULL, NULL);
}
