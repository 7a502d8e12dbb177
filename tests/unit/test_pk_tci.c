/* test_pk_tci.c — target-controlled infusion (reference pkpd.md §5 targets 8 and 9), checked by an
 * independent recomputation: Cp from the pump's rate history by superposition of the Domino
 * closed form (Bailey & Shafer 1991 unit-infusion coefficients from pk_derive), not the engine. */
#include "pk_test_util.h"

#include <stdlib.h>

#include "pkpd/tci.h"

#define TARGET 200.0 /* ng/mL = 0.2 ug/mL, pkpd.md §5 targets 8 and 9 */

/* Cp at t (ng/mL) from piecewise-constant rates rows[i].rate over [t_i, t_i+1), by superposition
 * of sum_i A_i e^(-lambda_i t) (A_i = a_frac_i / V1). */
static double cp_oracle(const struct pk_indiv *ind, const struct tci_row *rows, size_t n, double t)
{
    struct pk_derived d;
    struct kc_error err;
    if (pk_derive(ind, &d, &err)) fail_msg("%s", err.msg);
    double c = 0;
    for (size_t k = 0; k + 1 < n && rows[k].t_min < t; k++) {
        double t0 = rows[k].t_min, t1 = fmin(rows[k + 1].t_min, t), r = rows[k].rate_mg_per_min;
        for (int i = 0; i < ind->n_cmt; i++) {
            double a = d.a_frac[i] / d.v[0], l = d.lambda[i];
            c += a * r / l * (exp(-l * (t - t1)) - exp(-l * (t - t0)));
        }
    }
    return c * 1000.0;
}

static struct tci_request plasma_req(const struct pk_indiv *ind, struct tci_target *tg,
                                     double until)
{
    struct tci_request r = {0};
    r.ind = ind;
    r.targets = tg;
    r.n_targets = 1;
    tci_pump_default(&r.pump);
    r.until_min = until;
    return r;
}

static struct tci_row *run(const struct tci_request *r, size_t *n)
{
    size_t need = tci_row_count(r);
    struct tci_row *rows = calloc(need, sizeof *rows);
    struct kc_error err = {0};
    if (tci_run(r, rows, need, n, &err)) fail_msg("%s", err.msg);
    assert_int_equal(*n, need);
    return rows;
}

/* Target 8: with exact rates, Cp is on target at the end of the first interval and stays there
 * (within 0.1%, here far better), checked by the independent oracle. */
static void test_plasma_exact(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct tci_target tg = {0, TCI_PLASMA, TARGET};
    struct tci_request r = plasma_req(&ind, &tg, 60);
    r.pump.resolution_ml_per_h = 0;
    size_t n;
    struct tci_row *rows = run(&r, &n);
    assert_int_equal(n, 361);
    for (size_t k = 1; k < n; k++) {
        assert_rel(rows[k].cp_ng_per_ml, TARGET, 1e-9, "engine Cp after the first interval");
        assert_rel(cp_oracle(&ind, rows, n, rows[k].t_min), TARGET, 1e-3, "oracle Cp (0.1%)");
    }
    assert_true(rows[0].rate_mg_per_min > rows[1].rate_mg_per_min);
    free(rows);
}

/* Target 8: the rate tends to target x CL (Domino CL = 0.063 x 70 x 0.438 = 1.93158 L/min,
 * pkpd.md §5 target 1), i.e. 0.3863 mg/min; after 24 h the slowest mode (t1/2 115 min) is gone. */
static void test_plasma_rate_tends_to_target_cl(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct tci_target tg = {0, TCI_PLASMA, TARGET};
    struct tci_request r = plasma_req(&ind, &tg, 1440);
    r.pump.resolution_ml_per_h = 0;
    size_t n;
    struct tci_row *rows = run(&r, &n);
    assert_rel(rows[n - 2].rate_mg_per_min, TARGET * 1.93158 / 1000.0, 1e-3, "rate at 24 h");
    free(rows);
}

/* The default pump: 10 mg/mL, 0.1 mL/h steps, 0.75 mg/kg/min.  Every rate is a multiple of the
 * resolution and below the maximum; Cp stays within the error one resolution step can make. */
static void test_pump_resolution_and_limits(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct tci_target tg = {0, TCI_PLASMA, TARGET};
    struct tci_request r = plasma_req(&ind, &tg, 60);
    size_t n;
    struct tci_row *rows = run(&r, &n);
    /* Cp after one 10-s interval of 1 mg/min from empty, from the oracle */
    struct tci_row unit[2] = {{.t_min = 0, .rate_mg_per_min = 1}, {.t_min = 1.0 / 6}};
    double p_udf = cp_oracle(&ind, unit, 2, 1.0 / 6);
    double bound = 0.5 * 0.1 * 10.0 / 60.0 * p_udf * (1 + 1e-9);
    double max_mg_min = 0.75 * 70;
    for (size_t k = 0; k + 1 < n; k++) {
        double q = rows[k].rate_ml_per_h / 0.1;
        assert_true(fabs(q - round(q)) < 1e-6);
        assert_true(rows[k].rate_mg_per_min <= max_mg_min * (1 + 1e-12));
        if (k >= 1) assert_between(rows[k].cp_ng_per_ml, TARGET - bound, TARGET + bound, "Cp");
    }
    free(rows);

    /* A tight limit: 60 mL/h at 10 mg/mL = 10 mg/min.  The first intervals run at the limit and
     * never above it; the target is reached later. */
    r.pump.max_ml_per_h = 60;
    tg.conc_ng_per_ml = 1000;
    rows = run(&r, &n);
    assert_true(rows[0].limited);
    for (size_t k = 0; k < n; k++) assert_true(rows[k].rate_ml_per_h <= 60.0 + 1e-9);
    assert_true(rows[1].cp_ng_per_ml < 1000 * 0.9);
    assert_rel(rows[n - 1].cp_ng_per_ml, 1000, 0.01, "target reached later");
    free(rows);
}

/* Replaying the logged rates gives the same curve and the same cumulative dose. */
static void test_replay(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct tci_target tg[2] = {{0, TCI_EFFECT, TARGET}, {30, TCI_PLASMA, 120}};
    struct tci_request r = plasma_req(&ind, tg, 50);
    r.n_targets = 2;
    size_t n;
    struct tci_row *rows = run(&r, &n);
    struct tci_row *copy = calloc(n, sizeof *copy);
    for (size_t k = 0; k < n; k++) copy[k] = (struct tci_row){.t_min = rows[k].t_min,
                                                              .rate_mg_per_min = rows[k].rate_mg_per_min};
    struct kc_error err;
    assert_int_equal(tci_replay(&ind, copy, n, &err), 0);
    for (size_t k = 0; k < n; k++) {
        assert_rel(copy[k].cp_ng_per_ml, rows[k].cp_ng_per_ml, 1e-12, "replayed Cp");
        assert_rel(copy[k].ce_ng_per_ml, rows[k].ce_ng_per_ml, 1e-12, "replayed Ce");
        assert_rel(copy[k].cumulative_mg, rows[k].cumulative_mg, 1e-12, "replayed cumulative dose");
        if (k) assert_rel(cp_oracle(&ind, rows, n, rows[k].t_min), rows[k].cp_ng_per_ml, 1e-9, "oracle");
    }
    copy[3].t_min = copy[1].t_min - 1;
    assert_int_equal(tci_replay(&ind, copy, n, &err), KC_EINVAL);
    free(copy);
    free(rows);
}

/* Target 9: effect-site targeting, Domino with ke0 0.652 /min (opentiva; t_peak 1 min assumed).
 * Ce peaks at the target without overshoot, on a grid 10x finer than the pump's; Cp overshoots
 * then falls back; the rate tends to target x CL. */
static void test_effect_no_overshoot(void **state)
{
    (void)state;
    const struct pk_model *m;
    struct kc_error err;
    assert_int_equal(pk_model_find("domino1984", &m, &err), 0);
    struct pk_covariates cov = test_cov(70, 40);
    struct pk_indiv ind;
    assert_int_equal(pk_individualize(m, &cov, NULL, 0.652, &ind, NULL, &err), 0);
    struct tci_target tg = {0, TCI_EFFECT, TARGET};
    struct tci_request r = plasma_req(&ind, &tg, 240);
    r.pump.resolution_ml_per_h = 0;
    r.cp_uncapped = 1; /* the bare Shafer-Gregg algorithm */
    size_t n;
    struct tci_row *rows = run(&r, &n);
    /* a finer replay: 10 sub-rows per interval */
    size_t nf = (n - 1) * 10 + 1;
    struct tci_row *fine = calloc(nf, sizeof *fine);
    for (size_t k = 0; k + 1 < n; k++)
        for (int j = 0; j < 10; j++)
            fine[k * 10 + j] = (struct tci_row){.t_min = rows[k].t_min + j * (rows[k + 1].t_min - rows[k].t_min) / 10,
                                                .rate_mg_per_min = rows[k].rate_mg_per_min};
    fine[nf - 1].t_min = rows[n - 1].t_min;
    assert_int_equal(tci_replay(&ind, fine, nf, &err), 0);
    double ce_max = 0, cp_max = 0;
    for (size_t k = 0; k < nf; k++) {
        ce_max = fmax(ce_max, fine[k].ce_ng_per_ml);
        cp_max = fmax(cp_max, fine[k].cp_ng_per_ml);
    }
    if (ce_max > TARGET * (1 + 1e-6)) fail_msg("Ce overshoots: %.9g", ce_max);
    assert_true(ce_max > TARGET * 0.999);
    assert_true(cp_max > TARGET * 1.5); /* Cp overshoots ... */
    assert_rel(rows[n - 1].cp_ng_per_ml, TARGET, 0.01, "... then falls back");
    assert_rel(rows[n - 2].rate_mg_per_min, TARGET * 1.93158 / 1000.0, 0.05, "rate near target x CL at 4 h");
    /* the time Ce first reaches 99% of the target: within the first few minutes */
    size_t k99 = 0;
    while (k99 < n && rows[k99].ce_ng_per_ml < 0.99 * TARGET) k99++;
    assert_between(rows[k99].t_min, 0.5, 5.0, "time to 99% of the effect target");
    free(fine);

    /* Van Poucke 2004 cap: Cp at most 1.5 x target at the pump updates; still no Ce overshoot. */
    r.cp_uncapped = 0;
    r.cp_cap_factor = 1.5;
    struct tci_row *capped = run(&r, &n);
    for (size_t k = 0; k < n; k++) {
        assert_true(capped[k].cp_ng_per_ml <= 1.5 * TARGET * (1 + 1e-9));
        assert_true(capped[k].ce_ng_per_ml <= TARGET * (1 + 1e-6));
    }
    size_t c99 = 0;
    while (c99 < n && capped[c99].ce_ng_per_ml < 0.99 * TARGET) c99++;
    assert_true(c99 > k99); /* slower to reach the target */
    free(capped);
    free(rows);
}

/* A lower target stops the pump until Cp falls to it; a pause stops it; resume goes on. */
static void test_target_change_and_pause(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct tci_target tg[3] = {{0, TCI_PLASMA, TARGET}, {20, TCI_PLASMA, 100}, {50, TCI_OFF, 0}};
    struct tci_pause pause = {30, 35};
    struct tci_request r = plasma_req(&ind, tg, 60);
    r.n_targets = 3;
    r.pauses = &pause;
    r.n_pauses = 1;
    r.pump.resolution_ml_per_h = 0;
    size_t n;
    struct tci_row *rows = run(&r, &n);
    assert_true(rows[120].rate_mg_per_min == 0); /* 20 min: Cp 200 > 100 */
    assert_int_equal(rows[120].mode, TCI_PLASMA);
    for (size_t k = 180; k < 210; k++) {
        assert_true(rows[k].rate_mg_per_min == 0);
        assert_int_equal(rows[k].mode, TCI_OFF);
    }
    assert_true(rows[210].rate_mg_per_min > rows[179].rate_mg_per_min); /* refill after pause */
    assert_rel(rows[290].cp_ng_per_ml, 100, 1e-9, "back on target after the pause");
    for (size_t k = 300; k + 1 < n; k++) assert_true(rows[k].rate_mg_per_min == 0);
    free(rows);
}

/* Decrement time: Cp after the pump stops crosses the level exactly there (oracle check). */
static void test_decrement_time(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct tci_target tg = {0, TCI_PLASMA, TARGET};
    struct tci_request r = plasma_req(&ind, &tg, 60);
    r.pump.resolution_ml_per_h = 0;
    size_t n;
    struct tci_row *rows = run(&r, &n);
    struct kc_error err;
    double tcp, tce, tz;
    assert_int_equal(tci_decrement_time(&ind, rows, n, 100, 0, &tcp, &err), 0);
    assert_int_equal(tci_decrement_time(&ind, rows, n, 100, 1, &tce, &err), 0);
    assert_true(tce > tcp);
    struct tci_row *ext = calloc(n + 1, sizeof *ext);
    memcpy(ext, rows, n * sizeof *rows);
    ext[n - 1].rate_mg_per_min = 0;
    ext[n].t_min = 60 + tcp;
    assert_rel(cp_oracle(&ind, ext, n + 1, 60 + tcp), 100, 1e-6, "Cp at the decrement time");
    assert_int_equal(tci_decrement_time(&ind, rows, n, 500, 0, &tz, &err), 0);
    assert_true(tz == 0);
    assert_int_equal(tci_decrement_time(&ind, rows, n, 0, 0, &tz, &err), KC_EINVAL);
    free(ext);
    free(rows);
}

/* Issue 14: with default settings an effect target of 200 ng/mL (Olofsen 2022 ke0, t1/2ke0
 * 8.3 min) drove Cp to ~3000 ng/mL, inside the anaesthetic range 1200-2400 ng/mL (Zanos et al.,
 * Pharmacol Rev 2018;70:621, Table 1).  A request left at its defaults is capped at 2 x the
 * target and 1000 ng/mL (STANPUMP's maximum Cp; Van Poucke 2004's overshoot cap), and every row
 * where the cap cut the rate says so. */
static void test_default_plasma_cap(void **state)
{
    (void)state;
    const struct pk_model *m;
    struct kc_error err;
    assert_int_equal(pk_model_find("domino1984", &m, &err), 0);
    struct pk_covariates cov = test_cov(70, 40);
    struct pk_indiv ind;
    assert_int_equal(pk_individualize(m, &cov, NULL, 0.0835, &ind, NULL, &err), 0);
    struct tci_target tg = {0, TCI_EFFECT, 200};
    struct tci_request r = plasma_req(&ind, &tg, 60);
    size_t n;
    r.cp_uncapped = 1;
    struct tci_row *bare = run(&r, &n);
    double bare_max = 0;
    for (size_t k = 0; k < n; k++) bare_max = fmax(bare_max, bare[k].cp_ng_per_ml);
    assert_true(bare_max > 1200); /* the hazard the issue found */
    free(bare);
    r.cp_uncapped = 0; /* defaults: cp_cap_factor 0, cp_max 0 */
    struct tci_row *rows = run(&r, &n);
    double cp_max = 0;
    int noted = 0;
    for (size_t k = 0; k < n; k++) {
        cp_max = fmax(cp_max, rows[k].cp_ng_per_ml);
        noted += rows[k].cp_capped;
        assert_true(rows[k].ce_ng_per_ml <= 200 * (1 + 1e-6));
    }
    assert_true(cp_max <= 2 * 200 * (1 + 1e-9));
    assert_true(noted > 0);
    assert_false(rows[n - 2].cp_capped); /* at steady state the cap no longer binds */
    free(rows);
    /* the ceiling binds for a high target whatever the factor; a plasma target above it is
     * refused */
    tg.conc_ng_per_ml = 800;
    r.cp_cap_factor = 5;
    rows = run(&r, &n);
    for (size_t k = 0; k < n; k++) assert_true(rows[k].cp_ng_per_ml <= 1000 * (1 + 1e-9));
    free(rows);
    struct tci_row few[400];
    tg.mode = TCI_PLASMA;
    tg.conc_ng_per_ml = 1500;
    assert_int_equal(tci_run(&r, few, 400, &n, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "plasma ceiling"));
}

static void test_bad_requests(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct tci_target tg[2] = {{10, TCI_PLASMA, TARGET}, {5, TCI_PLASMA, 100}};
    struct tci_request r = plasma_req(&ind, tg, 60);
    struct tci_row rows[400];
    size_t n;
    struct kc_error err;
    r.n_targets = 2;
    assert_int_equal(tci_run(&r, rows, 400, &n, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "ascending"));
    r.n_targets = 1;
    r.pump.interval_min = 0;
    assert_int_equal(tci_run(&r, rows, 400, &n, &err), KC_EINVAL);
    r.pump.interval_min = 1.0 / 6;
    r.pump.syringe_mg_per_ml = 0;
    assert_int_equal(tci_run(&r, rows, 400, &n, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "syringe"));
    r.pump.syringe_mg_per_ml = 10;
    assert_int_equal(tci_run(&r, rows, 10, &n, &err), KC_ELIMIT);
    r.n_targets = 0;
    assert_int_equal(tci_run(&r, rows, 400, &n, &err), KC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plasma_exact),
        cmocka_unit_test(test_plasma_rate_tends_to_target_cl),
        cmocka_unit_test(test_pump_resolution_and_limits),
        cmocka_unit_test(test_replay),
        cmocka_unit_test(test_effect_no_overshoot),
        cmocka_unit_test(test_default_plasma_cap),
        cmocka_unit_test(test_target_change_and_pause),
        cmocka_unit_test(test_decrement_time),
        cmocka_unit_test(test_bad_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
