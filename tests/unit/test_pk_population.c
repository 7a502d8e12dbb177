/* test_pk_population.c — population simulation: the counter-based generator (Random123
 * known-answer vectors), bit-identical results for 1, 2 and 4 threads, histogram quantiles
 * against an exact sort, zero variability against the typical simulation, correlated Ω through
 * Cholesky, exceedance and AUC against independent computations. */
#include "pk_test_util.h"

#include <stdlib.h>

#include "pkpd/pop_rng.h"
#include "pkpd/population.h"

/* Random123 kat_vectors for Philox4x32-10 (Salmon et al. 2011). */
static void test_philox_known_answers(void **state)
{
    (void)state;
    static const uint32_t ctr[3][4] = {{0, 0, 0, 0},
                                       {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                                       {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}};
    static const uint32_t key[3][2] = {{0, 0}, {0xffffffff, 0xffffffff}, {0xa4093822, 0x299f31d0}};
    static const uint32_t want[3][4] = {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                                        {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                                        {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};
    for (int k = 0; k < 3; k++) {
        uint32_t out[4];
        pop_philox4x32_10(ctr[k], key[k], out);
        for (int i = 0; i < 4; i++) assert_int_equal(out[i], want[k][i]);
    }
}

/* Normals: mean 0, SD 1 over 200000 draws of many patients' streams (deterministic). */
static void test_normal_moments(void **state)
{
    (void)state;
    double s = 0, s2 = 0;
    long n = 0;
    for (long p = 0; p < 20000; p++) {
        struct pop_stream st;
        pop_stream_init(&st, 42, (uint64_t)p, POP_STREAM_ETA);
        for (int k = 0; k < 10; k++, n++) {
            double z = pop_stream_normal(&st);
            s += z, s2 += z * z;
        }
    }
    double mean = s / n, sd = sqrt(s2 / n - mean * mean);
    assert_between(mean, -0.01, 0.01, "mean of normals");
    assert_between(sd, 0.99, 1.01, "SD of normals");
}

static double q3[3] = {0.05, 0.5, 0.95};
static double times[61];
static struct pk_dose dose;

static struct pop_request domino_req(long n, double cv)
{
    struct pop_request r = {0};
    struct kc_error err;
    if (pk_model_find("domino1984", &r.model, &err)) fail_msg("%s", err.msg);
    if (pk_dose_parse("iv 0.5mg/kg over 40min", &dose, &err)) fail_msg("%s", err.msg);
    for (int j = 0; j < 61; j++) times[j] = 4.0 * j;
    r.base = test_cov(NAN, NAN);
    r.weight_kg = (struct pop_dist){POP_DIST_NORMAL, 70, 12, 40, 140};
    r.age_y = (struct pop_dist){POP_DIST_UNIFORM, 20, 60, 0, 120};
    r.doses = &dose;
    r.n_doses = 1;
    r.times_min = times;
    r.n_times = 61;
    if (pop_omega_for_model(r.model, cv, &r.n_eta, r.omega, &err)) fail_msg("%s", err.msg);
    r.level_ng_per_ml = 250;
    r.quantiles = q3;
    r.n_quantiles = 3;
    r.seed = 2024;
    r.n_patients = n;
    r.threads = 1;
    return r;
}

static void same_result(const struct pop_result *a, const struct pop_result *b)
{
    size_t ns = a->acc.n_series;
    assert_int_equal(a->acc.n, b->acc.n);
    assert_memory_equal(a->acc.count, b->acc.count, ns * POP_BINS * sizeof *a->acc.count);
    assert_memory_equal(a->acc.m, b->acc.m, ns * sizeof *a->acc.m);
    for (size_t s = 0; s < ns; s++)
        for (size_t k = 0; k < 3; k++) {
            double x = pop_result_quantile(a, s, k), y = pop_result_quantile(b, s, k);
            assert_memory_equal(&x, &y, sizeof x);
        }
}

/* Bit-identical for 1, 2 and 4 threads (an odd patient count, so blocks are uneven), with and
 * without the refinement pass and residual error. */
static void test_threads_identical(void **state)
{
    (void)state;
    struct pop_request r = domino_req(3001, 0.3);
    r.residual_sd = 0.2;
    struct pop_result base, other;
    struct kc_error err;
    for (int refine = 0; refine <= 1; refine++) {
        r.refine = refine;
        r.threads = 1;
        assert_int_equal(pop_run(&r, &base, &err), 0);
        assert_int_equal(base.refined, refine);
        for (int t = 2; t <= 4; t += 2) {
            r.threads = t;
            assert_int_equal(pop_run(&r, &other, &err), 0);
            same_result(&base, &other);
            pop_result_free(&other);
        }
        pop_result_free(&base);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantiles against an exact sort of every patient's values (pop_patient gives each patient as
 * the run simulates it): within one bin (0.78%) from the histogram, 1e-5 refined.  The exact
 * quantile is the value of rank ceil(q n). */
static void test_quantiles_vs_sort(void **state)
{
    (void)state;
    const long n = 1500;
    struct pop_request r = domino_req(n, 0.35);
    struct kc_error err;
    double *all = malloc(sizeof(double) * (size_t)n * 63), cp[61];
    for (long i = 0; i < n; i++) {
        double cmax, auc;
        assert_int_equal(pop_patient(&r, i, NULL, cp, &cmax, &auc, &err), 0);
        for (int j = 0; j < 61; j++) all[(size_t)j * n + i] = cp[j];
        all[(size_t)61 * n + i] = cmax;
        all[(size_t)62 * n + i] = auc;
    }
    struct pop_result res, ref;
    r.threads = 3;
    assert_int_equal(pop_run(&r, &res, &err), 0);
    r.refine = 1;
    assert_int_equal(pop_run(&r, &ref, &err), 0);
    for (size_t s = 1; s < 63; s++) {
        double *v = all + s * (size_t)n;
        long above = 0;
        for (long i = 0; i < n; i++) above += v[i] > 250;
        if (s < 62) assert_int_equal(res.acc.m[s].above, (uint64_t)above);
        qsort(v, (size_t)n, sizeof *v, cmp_double);
        for (size_t k = 0; k < 3; k++) {
            long rank = (long)ceil(q3[k] * n - 1e-9);
            double exact = v[rank - 1];
            assert_rel(pop_result_quantile(&res, s, k), exact, POP_RESOLUTION, "histogram quantile");
            assert_rel(pop_result_quantile(&ref, s, k), exact, 1e-5, "refined quantile");
        }
    }
    pop_result_free(&res);
    pop_result_free(&ref);
    free(all);
}

/* A run simulates four patients side by side and adds them to the statistics four at a time
 * (SIMD lanes); pop_patient simulates one alone.  Both must give the same bits: the run's
 * histograms and moments equal those built value by value with pop_acc_add from pop_patient's
 * numbers (an odd count and 3 threads, so some batches are partial; residual error on). */
static void test_batches_match_patients(void **state)
{
    (void)state;
    const long n = 1003;
    struct pop_request r = domino_req(n, 0.3);
    r.residual_sd = 0.1;
    r.threads = 3;
    struct kc_error err;
    struct pop_acc ref;
    assert_int_equal(pop_acc_init(&ref, 63), 0);
    for (long i = 0; i < n; i++) {
        double cp[61], cmax, auc;
        assert_int_equal(pop_patient(&r, i, NULL, cp, &cmax, &auc, &err), 0);
        for (size_t j = 0; j < 61; j++) pop_acc_add(&ref, j, cp[j], r.level_ng_per_ml);
        pop_acc_add(&ref, 61, cmax, r.level_ng_per_ml);
        pop_acc_add(&ref, 62, auc, INFINITY);
        ref.n++;
    }
    struct pop_acc merged;
    assert_int_equal(pop_acc_init(&merged, 63), 0);
    pop_acc_merge(&merged, &ref);
    struct pop_result res;
    assert_int_equal(pop_run(&r, &res, &err), 0);
    assert_int_equal(res.acc.n, merged.n);
    assert_memory_equal(res.acc.count, merged.count, 63 * POP_BINS * sizeof *merged.count);
    for (size_t s = 0; s < 63; s++) {
        assert_true(res.acc.m[s].sum == merged.m[s].sum);
        assert_int_equal(res.acc.m[s].above, merged.m[s].above);
        assert_memory_equal(&res.acc.m[s].min, &merged.m[s].min, sizeof(double));
        assert_memory_equal(&res.acc.m[s].max, &merged.m[s].max, sizeof(double));
    }
    pop_result_free(&res);
    pop_acc_free(&ref);
    pop_acc_free(&merged);
}

/* The four-lane statistics (SIMD bins, clamps, per-lane exceedance/min/max) against pop_acc_add
 * value by value, at the edges: bin boundaries, zeros of both signs, negatives, NaN, infinities,
 * subnormals, the sum's cap. */
static void test_lanes_match_scalar_at_edges(void **state)
{
    (void)state;
    const double edge[] = {0.0, -0.0, -1.0, NAN, INFINITY, -INFINITY, 0x1p-1074, 0x1p-10,
                           nextafter(0x1p-10, 0), 0x1p-11 * (1 + 127.0 / 128), 0x1p24,
                           nextafter(0x1p24, 0), 1.0, nextafter(1.0, 2), 1 + 1.0 / 128, 250.0,
                           nextafter(250.0, 300), 3e8, -3e8, 0x1p28, 1e300, 123.456, 0.5, 7.0};
    const size_t ne = sizeof edge / sizeof edge[0], ns = 3;
    struct pop_acc lanes, scalar, a, b;
    assert_int_equal(pop_acc_init(&lanes, ns), 0);
    assert_int_equal(pop_acc_init(&scalar, ns), 0);
    for (size_t r = 0; r < ne; r++) { /* every value in every lane of every series, rotated */
        double v[3 * POP_ACC_LANES];
        for (size_t s = 0; s < ns; s++)
            for (size_t p = 0; p < POP_ACC_LANES; p++) {
                v[s * POP_ACC_LANES + p] = edge[(r + 5 * s + 7 * p) % ne];
                pop_acc_add(&scalar, s, v[s * POP_ACC_LANES + p], 250.0);
            }
        pop_acc_add_lanes(&lanes, 0, ns, v, POP_ACC_LANES, POP_ACC_LANES, 250.0);
        lanes.n += POP_ACC_LANES, scalar.n += POP_ACC_LANES;
    }
    assert_int_equal(pop_acc_init(&a, ns), 0);
    assert_int_equal(pop_acc_init(&b, ns), 0);
    pop_acc_merge(&a, &lanes);
    pop_acc_merge(&b, &scalar);
    assert_memory_equal(a.count, b.count, ns * POP_BINS * sizeof *a.count);
    assert_memory_equal(a.m, b.m, ns * sizeof *a.m);
    for (size_t k = 0; k < ne; k++)
        if (!isnan(edge[k])) assert_int_equal(pop_bin(edge[k]), pop_bin(edge[k] + 0.0));
    pop_acc_free(&lanes);
    pop_acc_free(&scalar);
    pop_acc_free(&a);
    pop_acc_free(&b);
}

/* No variability: every patient is the typical one, and the median is the typical simulation
 * (pk_simulate, a separate code path); AUC too. */
static void test_zero_variability_is_typical(void **state)
{
    (void)state;
    struct pop_request r = domino_req(500, 0.0);
    r.weight_kg = (struct pop_dist){POP_DIST_FIXED, 70, NAN, 40, 140};
    r.age_y = (struct pop_dist){POP_DIST_FIXED, 40, NAN, 0, 120};
    struct pop_result res;
    struct kc_error err;
    r.threads = 2;
    assert_int_equal(pop_run(&r, &res, &err), 0);
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct pk_point pts[61];
    const char *d = "iv 0.5mg/kg over 40min";
    struct pk_summary sum = test_sim(&ind, &d, 1, times, 61, pts, 100, PK_ENGINE_AUTO);
    for (size_t j = 1; j < 61; j++) {
        assert_rel(pop_result_quantile(&res, j, 1), pts[j].cp_ng_per_ml, 1e-9, "median = typical");
        assert_rel(pop_result_quantile(&res, j, 0), pts[j].cp_ng_per_ml, 1e-9, "p5 = typical");
        assert_rel(pop_acc_mean(&res.acc, j), pts[j].cp_ng_per_ml, 1e-8, "mean = typical");
    }
    assert_rel(pts[10].cp_ng_per_ml, 240.36, 1e-4, "pkpd.md §5 target 4 at 40 min");
    assert_rel(pop_result_quantile(&res, POP_SERIES_AUC(&res), 1), sum.auc_ng_h_per_ml, 1e-9, "AUC");
    assert_rel(pop_result_quantile(&res, POP_SERIES_CMAX(&res), 1), sum.cmax_ng_per_ml, 1e-6, "Cmax");
    assert_true(pop_result_p_above(&res, POP_SERIES_CMAX(&res)) == 0.0); /* 240 < 250 */
    pop_result_free(&res);
}

/* A full Ω: correlation 0.8 between the etas of V1 and k10 comes out of Cholesky; a matrix that
 * is not positive semi-definite is refused. */
static void test_full_omega(void **state)
{
    (void)state;
    struct pop_request r = domino_req(4000, 0.0);
    r.weight_kg = (struct pop_dist){POP_DIST_FIXED, 70, NAN, 40, 140};
    double w = log(1 + 0.3 * 0.3);
    r.omega[0] = r.omega[POP_MAX_ETA + 1] = w;
    r.omega[1] = r.omega[POP_MAX_ETA] = 0.8 * w;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    struct kc_error err;
    for (long i = 0; i < r.n_patients; i++) {
        struct pk_indiv ind;
        assert_int_equal(pop_patient(&r, i, &ind, NULL, NULL, NULL, &err), 0);
        double x = log(ind.v1_l / (0.063 * 70)), y = log(ind.k10 / 0.438);
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
        assert_rel(ind.k12, 0.592, 1e-12, "k12 without IIV");
    }
    double n = (double)r.n_patients;
    double cov = sxy / n - sx * sy / (n * n), vx = sxx / n - sx * sx / (n * n), vy = syy / n - sy * sy / (n * n);
    assert_between(cov / sqrt(vx * vy), 0.77, 0.83, "eta correlation");
    assert_between(vx, 0.9 * w, 1.1 * w, "omega^2 = ln(1 + CV^2)");
    r.omega[1] = r.omega[POP_MAX_ETA] = 1.5 * w;
    struct pop_result res;
    assert_int_equal(pop_run(&r, &res, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "positive semi-definite"));
}

/* Herd 2007's published CVs become ω² = ln(1 + CV²); Perez-Ruixo runs on the general engine. */
static void test_published_omega_and_esketamine(void **state)
{
    (void)state;
    const struct pk_model *m;
    struct kc_error err;
    int n;
    double om[POP_MAX_ETA * POP_MAX_ETA];
    assert_int_equal(pk_model_find("herd2007", &m, &err), 0);
    assert_int_equal(pop_omega_for_model(m, -1, &n, om, &err), 0);
    assert_int_equal(n, 6);
    assert_rel(om[0], log(1 + 0.64 * 0.64), 1e-12, "Herd V1 BSV 64%");
    assert_rel(om[3 * POP_MAX_ETA + 3], log(1 + 0.381 * 0.381), 1e-12, "Herd CL BSV 38.1%");

    struct pop_request r = domino_req(64, -1);
    assert_int_equal(pk_model_find("perezruixo2021", &r.model, &err), 0);
    assert_int_equal(pop_omega_for_model(r.model, -1, &r.n_eta, r.omega, &err), 0);
    assert_int_equal(r.n_eta, 12);
    struct pk_dose in;
    assert_int_equal(pk_dose_parse("in 56mg", &in, &err), 0);
    r.doses = &in;
    struct pop_result res;
    r.threads = 2;
    assert_int_equal(pop_run(&r, &res, &err), 0);
    double med = pop_result_quantile(&res, 10, 1);
    assert_true(med > 1 && med < 500);
    pop_result_free(&res);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct pop_dist d;
    struct kc_error err;
    assert_int_equal(pop_dist_parse("normal 70 12", 0.5, 400, &d, &err), 0);
    assert_int_equal(d.kind, POP_DIST_NORMAL);
    assert_int_equal(pop_dist_parse("72.5", 0.5, 400, &d, &err), 0);
    assert_true(d.kind == POP_DIST_FIXED && d.a == 72.5);
    assert_int_equal(pop_dist_parse("uniform 90 50", 0.5, 400, &d, &err), KC_ERANGE);
    assert_int_equal(pop_dist_parse("gamma 2 3", 0.5, 400, &d, &err), KC_EINVAL);
    assert_int_equal(pop_dist_parse("normal 70", 0.5, 400, &d, &err), KC_EINVAL);
    assert_int_equal(pop_dist_parse("normal 700 12", 0.5, 400, &d, &err), KC_ERANGE);
    struct pop_request r = domino_req(10, 0.3);
    struct pop_result res;
    r.threads = 0;
    assert_int_equal(pop_run(&r, &res, &err), KC_ERANGE);
    r.threads = 1;
    double bad_times[2] = {5, 1};
    r.times_min = bad_times;
    r.n_times = 2;
    assert_int_equal(pop_run(&r, &res, &err), KC_EINVAL);
}

/* The IV fast path against pk_simulate (the engine's own walk) for boluses on and between output
 * times, an infusion that starts and ends between them, and a grid whose last step is shorter. */
static void test_fast_path_breakpoints(void **state)
{
    (void)state;
    struct pop_request r = domino_req(1, 0.0);
    r.weight_kg = (struct pop_dist){POP_DIST_FIXED, 70, NAN, 40, 140};
    r.age_y = (struct pop_dist){POP_DIST_FIXED, 40, NAN, 0, 120};
    /* boluses at 60 and 68 min: output times reached by a single step and by a double step */
    const char *texts[4] = {"iv 20mg at 3.5min", "iv 0.5mg/kg over 37.3min at 2min", "iv 10mg at 60min",
                            "iv 5mg at 68min"};
    struct pk_dose d[4];
    struct kc_error err;
    for (int k = 0; k < 4; k++) assert_int_equal(pk_dose_parse(texts[k], &d[k], &err), 0);
    r.doses = d;
    r.n_doses = 4;
    double t2[62];
    for (int j = 0; j < 61; j++) t2[j] = 4.0 * j;
    t2[61] = 241.5;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    for (int grid = 0; grid < 2; grid++) {
        r.times_min = grid ? t2 : times;
        r.n_times = grid ? 62 : 61;
        double cp[62], cmax, auc;
        struct pk_point pts[62];
        struct pk_summary sum = test_sim(&ind, texts, 4, r.times_min, r.n_times, pts, 100, PK_ENGINE_AUTO);
        assert_int_equal(pop_patient(&r, 0, NULL, cp, &cmax, &auc, &err), 0);
        for (size_t j = 0; j < r.n_times; j++)
            assert_rel(cp[j], pts[j].cp_ng_per_ml, 1e-9, "fast path Cp");
        assert_rel(auc, sum.auc_ng_h_per_ml, 1e-9, "fast path AUC");
    }
}

struct progress_log {
    long calls, last_done, total;
    int backwards;
};
static void on_progress(void *ctx, long done, long total)
{
    struct progress_log *p = ctx;
    if (done < p->last_done) p->backwards = 1;
    p->calls++, p->last_done = done, p->total = total;
}

/* Progress reaches the caller through the callback, never going backwards, ending at total
 * (both passes when refining). */
static void test_progress_callback(void **state)
{
    (void)state;
    struct pop_request r = domino_req(20000, 0.3);
    struct progress_log log = {0};
    r.progress = on_progress;
    r.progress_ctx = &log;
    r.threads = 2;
    r.refine = 1;
    struct pop_result res;
    struct kc_error err;
    assert_int_equal(pop_run(&r, &res, &err), 0);
    assert_true(log.calls >= 2);
    assert_false(log.backwards);
    assert_int_equal(log.total, 40000);
    assert_int_equal(log.last_done, 40000);
    pop_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_known_answers),
        cmocka_unit_test(test_normal_moments),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_quantiles_vs_sort),
        cmocka_unit_test(test_batches_match_patients),
        cmocka_unit_test(test_lanes_match_scalar_at_edges),
        cmocka_unit_test(test_zero_variability_is_typical),
        cmocka_unit_test(test_fast_path_breakpoints),
        cmocka_unit_test(test_full_omega),
        cmocka_unit_test(test_published_omega_and_esketamine),
        cmocka_unit_test(test_progress_callback),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
