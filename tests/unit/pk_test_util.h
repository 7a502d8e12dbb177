/* pk_test_util.h — helpers shared by the PK unit tests: closeness checks that print both values,
 * and a small simulation wrapper. */
#ifndef KC_TEST_PK_UTIL_H
#define KC_TEST_PK_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pkpd/simulate.h"

#define assert_rel(got, want, rel, what)                                                           \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        if (!(fabs(g_ - w_) <= (rel) * fabs(w_)))                                                  \
            fail_msg("%s: got %.10g, wanted %.10g (rel tol %.1e)", (what), g_, w_, (double)(rel)); \
    } while (0)

#define assert_between(got, lo, hi, what)                                                          \
    do {                                                                                           \
        double g_ = (got);                                                                         \
        if (!(g_ >= (lo) && g_ <= (hi)))                                                           \
            fail_msg("%s: got %.10g, wanted %.10g..%.10g", (what), g_, (double)(lo), (double)(hi)); \
    } while (0)

static inline struct pk_covariates test_cov(double weight_kg, double age_y)
{
    struct pk_covariates c = {weight_kg, age_y, NAN, PK_SEX_UNKNOWN, 0, 0};
    return c;
}

static inline struct pk_indiv test_indiv(const char *model, double weight_kg, double age_y)
{
    const struct pk_model *m = NULL;
    struct kc_error err = {0};
    if (pk_model_find(model, &m, &err)) fail_msg("%s", err.msg);
    struct pk_covariates cov = test_cov(weight_kg, age_y);
    struct pk_indiv ind;
    if (pk_individualize(m, &cov, NULL, 0, &ind, NULL, &err)) fail_msg("%s", err.msg);
    return ind;
}

/* Simulates doses (texts) for ind and returns the summary; out[] receives the points. */
static inline struct pk_summary test_sim(const struct pk_indiv *ind, const char **doses, size_t nd,
                                         const double *times, size_t nt, struct pk_point *out,
                                         double threshold, enum pk_engine_kind engine)
{
    struct pk_dose d[16];
    struct kc_error err = {0};
    for (size_t i = 0; i < nd; i++)
        if (pk_dose_parse(doses[i], &d[i], &err)) fail_msg("%s", err.msg);
    struct pk_sim_request req = {ind, d, nd, times, nt, threshold, engine};
    struct pk_summary s;
    if (pk_simulate(&req, out, &s, NULL, &err)) fail_msg("%s", err.msg);
    return s;
}

#endif
