/* test_pk_numerics.c — the engine's invariants (reference pkpd.md §5 row 18): both exact engines
 * agree with an independent fine-step RK4 integration of the models' ODEs (written here from the
 * papers' equations, not from the engine's K matrix) to 1e-6 relative over random regimens; mass
 * balance; effect-site behaviour after a bolus; coincident eigenvalues handled. */
#include "pk_test_util.h"

/* ---- a tiny deterministic generator for random regimens ---- */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* ---- the oracle: RK4 on the ODEs, h = 0.002 min, events on step boundaries ---- */
#define H 0.002
#define NX 16

struct oracle_input {
    int state;
    double t0, t1, mg;
};

typedef void (*rhs_fn)(const struct pk_indiv *ind, const double *x, const double *u, double *dx);

/* Mammillary: central, p2, p3, depots IM..SL, Ce (mg/L). */
static void rhs_mammillary(const struct pk_indiv *p, const double *x, const double *u, double *dx)
{
    double c = x[0];
    dx[0] = -(p->k10 + p->k12 + p->k13) * c + p->k21 * x[1] + p->k31 * x[2] + u[0];
    dx[1] = p->k12 * c - p->k21 * x[1];
    dx[2] = p->k13 * c - p->k31 * x[2];
    for (int r = 1; r <= 4; r++) {
        double ka = p->routes[r].ka_per_min;
        dx[2 + r] = -ka * x[2 + r] + u[2 + r];
        dx[0] += ka * x[2 + r];
    }
    dx[7] = p->ke0_per_min * (c / p->v1_l - x[7]);
}

/* Perez-Ruixo 2021 (nlmixr2lib encoding): central, p1, p2, liver, nasal, swallowed, oral,
 * noresketamine central, peripheral, Ce. */
static void rhs_pr(const struct pk_indiv *ind, const double *x, const double *u, double *dx)
{
    const struct pk_pr_params *p = &ind->pr;
    double c = x[0], p1 = x[1], p2 = x[2], l = x[3];
    dx[0] = p->ka_n * x[4] + p->q1 / p->vp1 * p1 + p->q2 / p->vp2 * p2 + p->qh / p->vh * l -
            (p->q1 + p->q2 + p->qh) / p->vc * c + u[0];
    dx[1] = p->q1 / p->vc * c - p->q1 / p->vp1 * p1;
    dx[2] = p->q2 / p->vc * c - p->q2 / p->vp2 * p2;
    dx[3] = p->ka_sw * x[5] + p->ka_po * x[6] + p->qh / p->vc * c - (p->qh / p->vh + p->kel + p->kmet) * l;
    dx[4] = -p->ka_n * x[4] + u[4];
    dx[5] = -p->ka_sw * x[5] + u[5];
    dx[6] = -p->ka_po * x[6] + u[6];
    dx[7] = p->kmet * l - (p->cln / p->vcn + p->q3 / p->vcn) * x[7] + p->q3 / p->vpn * x[8];
    dx[8] = p->q3 / p->vcn * x[7] - p->q3 / p->vpn * x[8];
    dx[9] = ind->ke0_per_min * (c / p->vc - x[9]);
}

/* Integrates to each time in times[]; writes Cp, Ce (ng/mL) and metabolite. */
static void oracle(const struct pk_indiv *ind, rhs_fn f, int nx, const struct oracle_input *in,
                   int nin, const double *times, int nt, double *cp, double *ce, double *met,
                   double v_central, int ce_idx)
{
    double x[NX] = {0}, k1[NX], k2[NX], k3[NX], k4[NX], tmp[NX];
    long steps_total = lround(times[nt - 1] / H);
    int ti = 0;
    for (long s = 0; s <= steps_total; s++) {
        double t = (double)s * H;
        for (int i = 0; i < nin; i++)
            if (in[i].t1 == in[i].t0 && fabs(in[i].t0 - t) < H / 2) x[in[i].state] += in[i].mg;
        while (ti < nt && fabs(times[ti] - t) < H / 2) {
            cp[ti] = x[0] / v_central * 1000;
            ce[ti] = x[ce_idx] * 1000;
            met[ti] = nx > 9 ? x[7] / ind->pr.vcn * 1000 : 0;
            ti++;
        }
        if (s == steps_total) break;
        double u[NX] = {0};
        for (int i = 0; i < nin; i++)
            if (in[i].t1 > in[i].t0 && in[i].t0 <= t + H / 2 && t + H / 2 < in[i].t1)
                u[in[i].state] += in[i].mg / (in[i].t1 - in[i].t0);
        f(ind, x, u, k1);
        for (int j = 0; j < nx; j++) tmp[j] = x[j] + H / 2 * k1[j];
        f(ind, tmp, u, k2);
        for (int j = 0; j < nx; j++) tmp[j] = x[j] + H / 2 * k2[j];
        f(ind, tmp, u, k3);
        for (int j = 0; j < nx; j++) tmp[j] = x[j] + H * k3[j];
        f(ind, tmp, u, k4);
        for (int j = 0; j < nx; j++) x[j] += H / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
    }
}

static double round_to(double t, double q)
{
    return floor(t / q + 0.5) * q;
}

#define REL 1e-6
static void check_close(double got, double want, double scale, const char *what, int trial, double t)
{
    /* relative to the value, with an absolute floor of 1e-6 of the curve's scale for values that
     * have decayed towards zero */
    if (!(fabs(got - want) <= REL * fmax(fabs(want), 1e-6 * scale) + 1e-12))
        fail_msg("%s (trial %d, t %g): engine %.12g vs RK4 %.12g", what, trial, t, got, want);
}

static void mammillary_engines_match_rk4_over_random_regimens(void **state)
{
    (void)state;
    const char *models[] = {"domino1984", "clements1981", "hijazi2003", "herd2007", "kamp2020"};
    for (int trial = 0; trial < 25; trial++) {
        const char *mid = models[trial % 5];
        double w = strcmp(mid, "herd2007") == 0 ? 10 + 50 * urand() : 45 + 80 * urand();
        struct pk_indiv ind = test_indiv(mid, w, strcmp(mid, "herd2007") == 0 ? 8 : 40);
        struct pk_dose d[6];
        struct oracle_input oin[6];
        int nd = 1 + (int)(urand() * 5);
        for (int i = 0; i < nd; i++) {
            int route = urand() < 0.5 ? PK_ROUTE_IV : 1 + (int)(urand() * 4);
            double t0 = round_to(urand() * 60, 0.5), mg = 5 + 40 * urand();
            double dur = route == PK_ROUTE_IV && urand() < 0.6 ? round_to(1 + urand() * 50, 0.5) : 0;
            d[i] = (struct pk_dose){(enum pk_route)route, mg, 0, 0, t0, dur};
            double f = ind.routes[route].f;
            oin[i] = (struct oracle_input){route == PK_ROUTE_IV ? 0 : 2 + route, t0, t0 + dur, mg * f};
        }
        double times[] = {0.5, 3, 17.5, 40, 61, 90, 150};
        struct pk_point p[7];
        double cp[7], ce[7], met[7];
        oracle(&ind, rhs_mammillary, 8, oin, nd, times, 7, cp, ce, met, ind.v1_l, 7);
        double scale = 0;
        for (int k = 0; k < 7; k++) scale = fmax(scale, cp[k]);
        for (int e = PK_ENGINE_EXPO; e <= PK_ENGINE_EXPM; e++) {
            struct pk_sim_request req = {&ind, d, (size_t)nd, times, 7, 0, (enum pk_engine_kind)e};
            struct kc_error err = {0};
            if (pk_simulate(&req, p, NULL, NULL, &err)) fail_msg("%s", err.msg);
            for (int k = 0; k < 7; k++) {
                check_close(p[k].cp_ng_per_ml, cp[k], scale, e == PK_ENGINE_EXPO ? "Cp expo" : "Cp expm", trial, times[k]);
                check_close(p[k].ce_ng_per_ml, ce[k], scale, e == PK_ENGINE_EXPO ? "Ce expo" : "Ce expm", trial, times[k]);
            }
        }
    }
}

static void perez_ruixo_matches_rk4(void **state)
{
    (void)state;
    for (int trial = 0; trial < 3; trial++) {
        struct pk_indiv ind = test_indiv("perezruixo2021", 70, 30 + 25 * trial);
        /* nasal 56 mg at 0 (devices at 0 and 5 min), IV 10 mg over 20 min at 30, oral 28 mg at 60 */
        const char *texts[] = {"in 56mg", "iv 10mg over 20min at 30min", "po 28mg at 60min"};
        struct pk_dose d[3];
        for (int i = 0; i < 3; i++) pk_dose_parse(texts[i], &d[i], NULL);
        const struct pk_pr_params *p = &ind.pr;
        double frn2 = p->frn * p->frn_decrement;
        struct oracle_input oin[] = {
            {4, 0, 0, p->frn * 28}, {5, 0, p->dsw_min, (1 - p->frn) * p->fgut * 28},
            {4, 5, 5, frn2 * 28},   {5, 5, 5 + p->dsw_min, (1 - frn2) * p->fgut * 28},
            {0, 30, 50, 10},        {6, 60, 60 + p->dpo_min, p->fgut * 28},
        };
        /* Dsw and Dpo (31.8 and 19.2 min) are multiples of H, as the oracle needs */
        double times[] = {2, 10, 35, 50.5, 75, 120, 240};
        double cp[7], ce[7], met[7];
        oracle(&ind, rhs_pr, 10, oin, 6, times, 7, cp, ce, met, p->vc, 9);
        struct pk_point pt[7];
        struct pk_sim_request req = {&ind, d, 3, times, 7, 0, PK_ENGINE_AUTO};
        struct kc_error err = {0};
        if (pk_simulate(&req, pt, NULL, NULL, &err)) fail_msg("%s", err.msg);
        for (int k = 0; k < 7; k++) {
            check_close(pt[k].cp_ng_per_ml, cp[k], 100, "PR Cp", trial, times[k]);
            check_close(pt[k].ce_ng_per_ml, ce[k], 100, "PR Ce", trial, times[k]);
            check_close(pt[k].met_ng_per_ml, met[k], 100, "PR noresketamine", trial, times[k]);
        }
    }
}

/* Mass balance: what entered = what is in the body + what left, at every time, both engines. */
static void mass_balance(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    const char *doses[] = {"iv 20mg", "iv 30mg over 40min at 10min", "po 50mg at 5min", "im 10mg at 60min"};
    double times[] = {1, 30, 75, 200, 600};
    struct pk_point p[5];
    for (int e = PK_ENGINE_EXPO; e <= PK_ENGINE_EXPM; e++) {
        struct pk_summary s = test_sim(&ind, doses, 4, times, 5, p, 0, (enum pk_engine_kind)e);
        /* IV 20 at 0; oral 50 x F 0.2 at 5; 30 over 10-50 min; IM 10 x F 0.93 at 60 */
        double entered[5] = {20, 20 + 10 + 30 * 20 / 40.0, 20 + 10 + 30 + 9.3, 69.3, 69.3};
        for (int k = 0; k < 5; k++) {
            double body = 0;
            for (int a = 0; a < 5; a++) body += p[k].amount_mg[a];
            assert_rel(body, entered[k], 1e-9, "mass balance");
        }
        assert_rel(s.systemic_mg, 69.3, 1e-12, "systemic total");
    }
    struct pk_indiv pr = test_indiv("perezruixo2021", 70, 40);
    const char *esk[] = {"in 84mg", "iv 10mg over 10min at 60min"};
    struct pk_summary s = test_sim(&pr, esk, 2, times, 5, p, 0, PK_ENGINE_AUTO);
    for (int k = 3; k < 5; k++) { /* after every input has finished */
        double parent = 0;
        for (int a = 0; a <= 6; a++) parent += p[k].amount_mg[a];
        parent += p[k].amount_mg[9] + p[k].amount_mg[10];
        assert_rel(parent, s.entered_mg, 1e-9, "esketamine mass balance");
    }
}

/* After an IV bolus: Cp falls monotonically; Ce rises to a single peak, where it meets Cp, and
 * never exceeds the Cp peak. */
static void effect_site_after_bolus(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    const char *dose[] = {"iv 35mg"};
    double times[600];
    for (int i = 0; i < 600; i++) times[i] = 0.1 * i;
    struct pk_point p[600];
    struct pk_summary s = test_sim(&ind, dose, 1, times, 600, p, 0, PK_ENGINE_AUTO);
    int k_peak = 0;
    for (int i = 1; i < 600; i++) {
        if (!(p[i].cp_ng_per_ml < p[i - 1].cp_ng_per_ml)) fail_msg("Cp rose at %g min", times[i]);
        if (p[i].ce_ng_per_ml > p[k_peak].ce_ng_per_ml) k_peak = i;
        assert_true(p[i].ce_ng_per_ml <= p[0].cp_ng_per_ml);
    }
    for (int i = 1; i < 600; i++) {
        if (i <= k_peak) assert_true(p[i].ce_ng_per_ml >= p[i - 1].ce_ng_per_ml);
        else assert_true(p[i].ce_ng_per_ml <= p[i - 1].ce_ng_per_ml);
    }
    /* at the peak dCe/dt = ke0 (Cp - Ce) = 0 */
    assert_rel(p[k_peak].ce_ng_per_ml, p[k_peak].cp_ng_per_ml, 0.02, "Ce meets Cp at its peak");
    assert_rel(s.ce_tmax_min, times[k_peak], 0.01, "summary Ce tmax");
    /* expected peak time for ke0 0.0835 from the closed form */
    struct pk_indiv tmp = ind;
    double ke0;
    assert_int_equal(pk_ke0_for_tpeak(&tmp, times[k_peak], &ke0, NULL), 0);
    assert_rel(ke0, ind.ke0_per_min, 0.02, "ke0 <-> t_peak round trip");
}

/* ka equal to a disposition eigenvalue: exponential states cannot represent it (t e^-lt term);
 * AUTO falls back to the matrix exponential, which must still match RK4. */
static void coincident_ka_and_eigenvalue(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("clements1981", 70, 40);
    double lam[3];
    pk_mammillary_lambdas(2, ind.k10, ind.k12, ind.k13, ind.k21, ind.k31, lam);
    ind.routes[PK_ROUTE_PO].ka_per_min = lam[1]; /* exactly coincident */
    ind.ke0_per_min = lam[0] * (1 + 1e-9);       /* and nearly coincident */
    struct pk_dose d = {PK_ROUTE_PO, 100, 0, 0, 0, 0};
    double times[] = {5, 30, 120, 300};
    struct pk_point p[4];
    struct kc_error err = {0};
    struct pk_sim_request req = {&ind, &d, 1, times, 4, 0, PK_ENGINE_EXPO};
    assert_int_equal(pk_simulate(&req, p, NULL, NULL, &err), KC_ENUMERIC);
    assert_non_null(strstr(err.msg, "coincide"));
    req.engine = PK_ENGINE_AUTO;
    struct pk_summary s;
    assert_int_equal(pk_simulate(&req, p, &s, NULL, &err), 0);
    assert_int_equal(s.engine_used, PK_ENGINE_EXPM);
    struct oracle_input oin = {2 + PK_ROUTE_PO, 0, 0, 100 * ind.routes[PK_ROUTE_PO].f};
    double cp[4], ce[4], met[4];
    oracle(&ind, rhs_mammillary, 8, &oin, 1, times, 4, cp, ce, met, ind.v1_l, 7);
    for (int k = 0; k < 4; k++) {
        check_close(p[k].cp_ng_per_ml, cp[k], 10, "Cp coincident", 0, times[k]);
        check_close(p[k].ce_ng_per_ml, ce[k], 10, "Ce coincident", 0, times[k]);
    }
}

/* Exactness at any step: one 240-min step gives the same state as 2400 small ones. */
static void step_size_does_not_matter(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    const char *dose[] = {"iv 35mg over 40min"};
    double coarse[] = {240}, fine[2400];
    for (int i = 0; i < 2400; i++) fine[i] = 0.1 * (i + 1);
    struct pk_point pc[1], pf[2400];
    test_sim(&ind, dose, 1, coarse, 1, pc, 0, PK_ENGINE_AUTO);
    test_sim(&ind, dose, 1, fine, 2400, pf, 0, PK_ENGINE_AUTO);
    assert_rel(pc[0].cp_ng_per_ml, pf[2399].cp_ng_per_ml, 1e-12, "Cp at 240 min");
}

/* Exposure summary against the curve: time above a level and the fall-below time. */
static void summary_threshold_times(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    const char *dose[] = {"iv 0.5mg/kg over 40min"};
    double times[2401];
    for (int i = 0; i <= 2400; i++) times[i] = 0.1 * i;
    struct pk_point p[2401];
    struct pk_summary s = test_sim(&ind, dose, 1, times, 2401, p, 150, PK_ENGINE_AUTO);
    double above = 0, last_cross = NAN;
    for (int i = 1; i <= 2400; i++) {
        if (p[i].cp_ng_per_ml > 150) above += 0.1;
        if (p[i - 1].cp_ng_per_ml > 150 && p[i].cp_ng_per_ml <= 150) last_cross = times[i];
    }
    assert_true(fabs(s.time_above_min - above) < 0.2);
    assert_true(fabs(s.t_below_min - last_cross) < 0.1);
    double probe[] = {s.t_below_min - 1e-6, s.t_below_min + 1e-6};
    struct pk_point q[2];
    test_sim(&ind, dose, 1, probe, 2, q, 0, PK_ENGINE_AUTO);
    assert_true(q[0].cp_ng_per_ml > 150 && q[1].cp_ng_per_ml < 150);
    assert_rel(s.auc_ng_h_per_ml, p[2400].auc_ng_min_per_ml / 60, 1e-12, "AUC");
    /* beyond the horizon: the level is found after the last output time */
    double short_t[] = {45};
    s = test_sim(&ind, dose, 1, short_t, 1, q, 20, PK_ENGINE_AUTO);
    assert_true(s.t_below_min > 45);
    double at[] = {s.t_below_min};
    test_sim(&ind, dose, 1, at, 1, q, 0, PK_ENGINE_AUTO);
    assert_rel(q[0].cp_ng_per_ml, 20.0, 1e-6, "Cp at the fall-below time");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mammillary_engines_match_rk4_over_random_regimens),
        cmocka_unit_test(perez_ruixo_matches_rk4),
        cmocka_unit_test(mass_balance),
        cmocka_unit_test(effect_site_after_bolus),
        cmocka_unit_test(coincident_ka_and_eigenvalue),
        cmocka_unit_test(step_size_does_not_matter),
        cmocka_unit_test(summary_threshold_times),
    };
    return cmocka_run_group_tests_name("pk_numerics", tests, NULL, NULL);
}
