/* test_pk_models.c — every verification target with a value in shared/reference/pkpd.md §5,
 * checked against its published (or computed-from-published) number. */
#include "pk_test_util.h"

/* Target 1: Domino at 70 kg, stanpumpR tests/testthat/test-drugs-ketamine.R. */
static void domino_volumes_and_clearances(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct pk_derived d;
    assert_int_equal(pk_derive(&ind, &d, NULL), 0);
    assert_rel(d.v[0], 4.41, 1e-9, "V1 L");
    assert_rel(d.v[1], 10.56972, 1e-6, "V2 L");
    assert_rel(d.v[2], 178.2123, 1e-6, "V3 L");
    assert_rel(d.cl, 1.93158, 1e-6, "CL L/min");
    assert_rel(d.q2, 2.61072, 1e-6, "Q2 L/min");
    assert_rel(d.q3, 2.6019, 1e-6, "Q3 L/min");
    assert_rel(d.vss, 193.19, 1e-3, "Vss L (2.76 L/kg)");
}

/* Target 2: macro constants and unit-bolus fractions (computed, reference §5 row 2). */
static void domino_macro_constants(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct pk_derived d;
    assert_int_equal(pk_derive(&ind, &d, NULL), 0);
    assert_rel(d.lambda[0], 1.72404, 1e-5, "lambda1");
    assert_rel(d.lambda[1], 0.151516, 1e-5, "lambda2");
    assert_rel(d.lambda[2], 0.0060467, 1e-4, "lambda3");
    assert_rel(d.a_frac[0], 0.93460, 1e-4, "A1*V1");
    assert_rel(d.a_frac[1], 0.05715, 1e-3, "A2*V1");
    assert_rel(d.a_frac[2], 0.00825, 1e-3, "A3*V1");
    assert_rel(d.a_frac[0] + d.a_frac[1] + d.a_frac[2], 1.0, 1e-12, "sum A*V1");
    assert_rel(d.t_half_min[0], 0.40, 0.02, "t1/2 alpha (0.40 min)");
    assert_rel(d.t_half_min[1], 4.57, 0.01, "t1/2 beta (4.57 min)");
    assert_rel(d.t_half_min[2], 114.6, 0.01, "t1/2 gamma (114.6 min)");
}

/* Target 3: the ke0 that puts the bolus effect peak at 1 min is 0.6524 /min (opentiva: 0.652). */
static void domino_ke0_for_one_minute_peak(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    double ke0;
    assert_int_equal(pk_ke0_for_tpeak(&ind, 1.0, &ke0, NULL), 0);
    assert_rel(ke0, 0.6524, 2e-4, "ke0 for t_peak 1 min");
    /* and the engine's Ce after a bolus then peaks at 1 min */
    ind.ke0_per_min = ke0;
    const char *dose[] = {"iv 10mg"};
    double t[] = {10};
    struct pk_point p[1];
    struct pk_summary s = test_sim(&ind, dose, 1, t, 1, p, 0, PK_ENGINE_AUTO);
    assert_rel(s.ce_tmax_min, 1.0, 0.11, "Ce peak time on the 0.1-min grid");
}

/* Targets 4 and 5: 0.5 mg/kg over 40 min at 70 kg gives 240.36 ng/mL at 40 min (closed form and
 * RK4 agree, reference §3a); the observed value is about 185 ng/mL (Zanos 2018 citing Zarate 2006),
 * so the model over-predicts by ~30%, which the model's notes must say. */
static void domino_standard_infusion(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    const char *dose[] = {"iv 0.5mg/kg over 40min"};
    double t[] = {40};
    struct pk_point p[1];
    for (int e = PK_ENGINE_EXPO; e <= PK_ENGINE_EXPM; e++) {
        test_sim(&ind, dose, 1, t, 1, p, 0, (enum pk_engine_kind)e);
        assert_rel(p[0].cp_ng_per_ml, 240.36, 2e-5, "Cp at 40 min");
    }
    double bias = p[0].cp_ng_per_ml / 185.0 - 1.0;
    assert_between(bias, 0.25, 0.35, "bias vs observed 185 ng/mL");
    assert_non_null(strstr(ind.model->notes, "185"));
}

/* Target 6: context-sensitive half-time grows with infusion length. */
static void domino_context_sensitive_half_time_grows(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    double lengths[] = {40, 120, 240, 480}, prev = 0;
    for (int i = 0; i < 4; i++) {
        char dose[64];
        snprintf(dose, sizeof dose, "iv %gmg over %gmin", lengths[i] * 0.5, lengths[i]);
        const char *d[] = {dose};
        double t[] = {lengths[i]};
        struct pk_point p[1];
        test_sim(&ind, d, 1, t, 1, p, 0, PK_ENGINE_AUTO);
        /* time to fall to half the end-of-infusion level */
        struct pk_summary s = test_sim(&ind, d, 1, t, 1, p, p[0].cp_ng_per_ml / 2, PK_ENGINE_AUTO);
        double csht = s.t_below_min - lengths[i];
        if (!(csht > prev)) fail_msg("CSHT %g min after %g min not above %g", csht, lengths[i], prev);
        prev = csht;
    }
}

/* Target 7: steady state of 1 mg/kg/h at 70 kg = R/CL = (70/60 mg/min)/1.93158 L/min = 604 ng/mL. */
static void domino_steady_state(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    const char *dose[] = {"iv 700mg over 10h"};
    double t[] = {600};
    struct pk_point p[1];
    test_sim(&ind, dose, 1, t, 1, p, 0, PK_ENGINE_AUTO);
    /* after 10 h (5 terminal half-lives) Cp is within 5% below steady state */
    assert_between(p[0].cp_ng_per_ml, 0.95 * 604.0, 604.0, "Cp after 10 h of 1 mg/kg/h");
    double ss = (70.0 / 60.0) / 1.93158 * 1000.0;
    assert_rel(ss, 604.0, 1e-3, "R/CL");
}

/* Target 10: Perez-Ruixo Vss 752 L, CL 109 L/h (paper 114), F nasal 53.8/50.9% (56/84 mg),
 * oral systemic fraction 17.8% (paper 18.6%). */
static double pr_fraction_reaching_plasma(const char *dose_text, double dose_mg)
{
    struct pk_indiv ind = test_indiv("perezruixo2021", 70, 45);
    const char *d[] = {dose_text};
    double t[] = {60 * 24 * 30}; /* 30 days: all absorbed and eliminated */
    struct pk_point p[1];
    struct pk_summary s = test_sim(&ind, d, 1, t, 1, p, 0, PK_ENGINE_AUTO);
    struct pk_derived der;
    pk_derive(&ind, &der, NULL);
    /* F = AUC * CL / dose, with CL the well-stirred plasma clearance Qh*E */
    return s.auc_ng_h_per_ml * 60.0 / 1000.0 * der.cl / dose_mg;
}

static void perez_ruixo_published_values(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("perezruixo2021", 70, 45);
    struct pk_derived d;
    pk_derive(&ind, &d, NULL);
    assert_rel(d.vss, 752.0, 1e-9, "Vss Vc+Vp1+Vp2 L");
    assert_rel(d.cl * 60.0, 109.0, 0.005, "CL L/h (paper 114)");
    assert_rel(pr_fraction_reaching_plasma("iv 28mg", 28), 1.0, 1e-4, "IV F");
    assert_rel(pr_fraction_reaching_plasma("in 28mg", 28), 0.622, 0.005, "F 28 mg");
    assert_rel(pr_fraction_reaching_plasma("in 56mg", 56), 0.538, 0.005, "F 56 mg (paper 54%)");
    assert_rel(pr_fraction_reaching_plasma("in 84mg", 84), 0.509, 0.005, "F 84 mg (paper 51%)");
    assert_rel(pr_fraction_reaching_plasma("po 84mg", 84), 0.178, 0.01, "oral F (paper 18.6%)");
}

/* Perez-Ruixo 2021 (abstract; Table 3 via nlmixr2lib): FRn for the first 28 mg device, x 0.62 for
 * each later device of the occasion; absolute F 54% / 51% for 56 / 84 mg (clinical.md s11: the
 * paper's F "needs them grouped").  Issue 14: two "in 28mg" entries 5 min apart were each a first
 * device (peak +21%); written that way or as "in 56mg" they are the same administration. */
static void nasal_devices_of_one_occasion(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("perezruixo2021", 70, 45);
    double t[] = {60, 240, 24 * 60};
    struct pk_point p[3];
    const char *d56[] = {"in 56mg"}, *split56[] = {"in 28mg", "in 28mg at 5min"};
    const char *d84[] = {"in 84mg"}, *split84[] = {"in 28mg at 10min", "in 28mg", "in 28mg at 5min"};
    const char *mix84[] = {"in 56mg", "in 28mg at 10min"};
    struct pk_summary a = test_sim(&ind, d56, 1, t, 3, p, 0, PK_ENGINE_AUTO);
    struct pk_summary b = test_sim(&ind, split56, 2, t, 3, p, 0, PK_ENGINE_AUTO);
    assert_rel(b.cmax_ng_per_ml, a.cmax_ng_per_ml, 1e-9, "56 mg as two entries: same peak");
    assert_rel(b.systemic_mg, a.systemic_mg, 1e-12, "same systemic amount");
    struct pk_summary c = test_sim(&ind, d84, 1, t, 3, p, 0, PK_ENGINE_AUTO);
    struct pk_summary d = test_sim(&ind, split84, 3, t, 3, p, 0, PK_ENGINE_AUTO);
    struct pk_summary e = test_sim(&ind, mix84, 2, t, 3, p, 0, PK_ENGINE_AUTO);
    assert_rel(d.cmax_ng_per_ml, c.cmax_ng_per_ml, 1e-9, "84 mg as three entries in any order");
    assert_rel(e.cmax_ng_per_ml, c.cmax_ng_per_ml, 1e-9, "84 mg as 56 + 28");
    /* the paper's absolute F, from the amounts: 54% and 51% */
    assert_rel(a.systemic_mg / 56.0, 0.538, 0.01, "F 56 mg (paper 54%)");
    assert_rel(c.systemic_mg / 84.0, 0.509, 0.01, "F 84 mg (paper 51%)");
    /* two sessions three days apart are two occasions: each starts with a first device */
    const char *two[] = {"in 56mg", "in 56mg at 4320min"};
    struct pk_summary f = test_sim(&ind, two, 2, t, 3, p, 0, PK_ENGINE_AUTO);
    assert_rel(f.systemic_mg, 2 * a.systemic_mg, 1e-12, "second session's first device is first");
}

/* Issue 14: systemic_mg_base was counted before the liver for oral and nasal esketamine.  It is
 * what reaches the circulation: it equals AUC x CL (well-stirred, pkpd.md s1b), so 17.8% of an
 * oral dose (paper 18.6%). */
static void systemic_amount_is_after_first_pass(void **state)
{
    (void)state;
    static const struct {
        const char *dose;
        double mg;
    } c[] = {{"po 84mg", 84}, {"in 56mg", 56}, {"in 84mg", 84}, {"iv 28mg", 28}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct pk_indiv ind = test_indiv("perezruixo2021", 70, 45);
        const char *d[] = {c[i].dose};
        double t[] = {60 * 24 * 30};
        struct pk_point p[1];
        struct pk_summary s = test_sim(&ind, d, 1, t, 1, p, 0, PK_ENGINE_AUTO);
        struct pk_derived der;
        pk_derive(&ind, &der, NULL);
        double from_auc = s.auc_ng_h_per_ml * 60.0 / 1000.0 * der.cl;
        assert_rel(s.systemic_mg, from_auc, 1e-3, c[i].dose);
        assert_true(s.entered_mg >= s.systemic_mg - 1e-9);
    }
    struct pk_indiv ind = test_indiv("perezruixo2021", 70, 45);
    const char *po[] = {"po 84mg"};
    double t[] = {60};
    struct pk_point p[1];
    assert_rel(test_sim(&ind, po, 1, t, 1, p, 0, PK_ENGINE_AUTO).systemic_mg / 84.0, 0.178, 0.01,
               "oral F 17.8% (paper 18.6%)");
}

/* Target 11: terminal t1/2 within the label's 7-12 h; nasal Tmax 20-40 min after the last spray. */
static void perez_ruixo_label_ranges(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("perezruixo2021", 70, 45);
    const char *d56[] = {"in 56mg"}, *d84[] = {"in 84mg"};
    double t[] = {8 * 60, 24 * 60};
    struct pk_point p[2];
    struct pk_summary s = test_sim(&ind, d56, 1, t, 2, p, 0, PK_ENGINE_AUTO);
    assert_between(s.tmax_min - 5.0, 20.0, 40.0, "56 mg Tmax after the last device");
    double thalf = log(2.0) * (t[1] - t[0]) / log(p[0].cp_ng_per_ml / p[1].cp_ng_per_ml) / 60.0;
    assert_between(thalf, 7.0, 12.0, "apparent t1/2 8-24 h (label 7-12 h)");
    s = test_sim(&ind, d84, 1, t, 2, p, 0, PK_ENGINE_AUTO);
    assert_between(s.tmax_min - 10.0, 20.0, 40.0, "84 mg Tmax after the last device");
}

/* Target 12: bioavailability table 1c as shipped for the racemic routes. */
static void racemic_bioavailability_table(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    assert_rel(ind.routes[PK_ROUTE_IV].f, 1.0, 0, "IV");
    assert_rel(ind.routes[PK_ROUTE_IM].f, 0.93, 0, "IM 93% (Clements 1982)");
    assert_rel(ind.routes[PK_ROUTE_IN].f, 0.45, 0, "IN 45% (Yanagihara 2003)");
    assert_rel(ind.routes[PK_ROUTE_PO].f, 0.20, 0, "PO 20% (Yanagihara 2003)");
    assert_rel(ind.routes[PK_ROUTE_SL].f, 0.29, 0, "SL 29% (Rolan 2014)");
    for (int r = PK_ROUTE_IM; r < PK_ROUTE_COUNT; r++) assert_true(ind.routes[r].assumed);
    /* and F is what reaches plasma: AUC ratio to IV over 3 days */
    const char *iv[] = {"iv 50mg"}, *po[] = {"po 50mg"};
    double t[] = {3 * 1440};
    struct pk_point p[1];
    double auc_iv = test_sim(&ind, iv, 1, t, 1, p, 0, PK_ENGINE_AUTO).auc_ng_h_per_ml;
    double auc_po = test_sim(&ind, po, 1, t, 1, p, 0, PK_ENGINE_AUTO).auc_ng_h_per_ml;
    assert_rel(auc_po / auc_iv, 0.20, 1e-4, "oral AUC ratio");
}

/* The assumed absorption rates reproduce the reported Tmax under Domino (models.c comment). */
static void racemic_tmax_in_reported_ranges(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    struct {
        const char *dose;
        double lo, hi;
    } c[] = {{"im 50mg", 5, 20}, {"in 50mg", 14, 23}, {"po 50mg", 45, 75}, {"sl 50mg", 35, 55}};
    for (int i = 0; i < 4; i++) {
        const char *d[] = {c[i].dose};
        double t[] = {600};
        struct pk_point p[1];
        struct pk_summary s = test_sim(&ind, d, 1, t, 1, p, 0, PK_ENGINE_AUTO);
        assert_between(s.tmax_min, c[i].lo, c[i].hi, c[i].dose);
    }
}

/* Target 13: Kamp 2020, Vd 252 L and CL 79 L/h at 70 kg -> t1/2 2.21 h. */
static void kamp_half_life(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("kamp2020", 70, 40);
    struct pk_derived d;
    pk_derive(&ind, &d, NULL);
    assert_rel(d.v[0], 252.0, 1e-12, "Vd");
    assert_rel(d.cl * 60, 79.0, 1e-12, "CL L/h");
    assert_rel(d.t_half_min[0] / 60.0, 2.21, 0.002, "t1/2 h");
}

/* Target 14: Herd 2007 per 70 kg, and allometric scaling (exponents 1 and 0.75). */
static void herd_parameters(void **state)
{
    (void)state;
    struct pk_indiv ind = test_indiv("herd2007", 70, 12);
    struct pk_derived d;
    pk_derive(&ind, &d, NULL);
    assert_rel(d.v[0], 38.7, 1e-12, "V1");
    assert_rel(d.v[1], 102.0, 1e-12, "V2");
    assert_rel(d.cl * 60, 90.0, 1e-12, "CL L/h");
    assert_rel(d.q2 * 60, 215.0, 1e-12, "Q L/h");
    struct pk_indiv child = test_indiv("herd2007", 20, 6);
    pk_derive(&child, &d, NULL);
    assert_rel(d.v[0], 38.7 * 20 / 70, 1e-12, "V1 at 20 kg");
    assert_rel(d.cl * 60, 90.0 * pow(20.0 / 70, 0.75), 1e-12, "CL at 20 kg");
    const struct pk_model *m;
    pk_model_find("herd2007", &m, NULL);
    assert_rel(m->omega_cv[0], 0.64, 0, "BSV V1");
    assert_rel(m->omega_cv[1], 0.517, 0, "BSV V2");
    assert_rel(m->omega_cv[3], 0.381, 0, "BSV CL");
    assert_rel(m->omega_cv[4], 0.19, 0, "BSV Q");
}

/* Target 15: Olofsen 2022, C50 0.51 nmol/mL = 121 ng/mL; ke0 = ln2/8.3 = 0.0835 /min. */
static void olofsen_pd(void **state)
{
    (void)state;
    assert_rel(PK_OLOFSEN_C50_NMOL_PER_ML * PK_MW_KETAMINE_BASE, 121.2, 1e-3, "C50 ng/mL");
    struct pk_indiv ind = test_indiv("domino1984", 70, 40);
    assert_rel(ind.ke0_per_min, 0.0835, 1e-3, "ke0");
    assert_rel(ind.s_fraction, 0.5, 0, "racemic S fraction");
    struct pk_indiv esk = test_indiv("perezruixo2021", 70, 40);
    assert_rel(esk.s_fraction, 1.0, 0, "esketamine S fraction");
}

/* Target 17: 1 uM = 237.7 ng/mL; 32.3 mg esketamine HCl = 28 mg base (Spravato label). */
static void unit_conversions(void **state)
{
    (void)state;
    assert_rel(PK_MW_KETAMINE_BASE, 237.7, 2e-4, "MW base");
    struct pk_dose d;
    assert_int_equal(pk_dose_parse("in 32.3mg hcl", &d, NULL), 0);
    double mg;
    assert_int_equal(pk_dose_amount_mg(&d, NAN, &mg, NULL), 0);
    assert_rel(mg, 28.0, 1e-3, "32.3 mg HCl as base");
}

/* Perez-Ruixo covariates: Asian kel x0.36, CLn x0.81; Japanese FRn x1.34; Qh -2.19 L/h/y > 60. */
static void perez_ruixo_covariates(void **state)
{
    (void)state;
    const struct pk_model *m;
    pk_model_find("perezruixo2021", &m, NULL);
    struct pk_covariates base = test_cov(70, 45), old = test_cov(70, 80), asian = test_cov(70, 45),
                         jp = test_cov(70, 45);
    asian.asian = 1;
    jp.japanese = 1;
    struct pk_indiv a, b, c, d;
    pk_individualize(m, &base, NULL, 0, &a, NULL, NULL);
    pk_individualize(m, &old, NULL, 0, &b, NULL, NULL);
    pk_individualize(m, &asian, NULL, 0, &c, NULL, NULL);
    pk_individualize(m, &jp, NULL, 0, &d, NULL, NULL);
    assert_rel(a.pr.qh * 60, 151.0, 1e-12, "Qh");
    assert_rel(b.pr.qh * 60, 151.0 - 2.19 * 20, 1e-12, "Qh at 80 y");
    assert_rel(c.pr.kel / a.pr.kel, 0.36, 1e-12, "Asian kel");
    assert_rel(c.pr.cln / a.pr.cln, 0.81, 1e-12, "Asian CLn");
    assert_rel(d.pr.frn / a.pr.frn, 1.34, 1e-12, "Japanese FRn");
    assert_rel(d.pr.kel / a.pr.kel, 0.36, 1e-12, "Japanese are Asian");
}

/* Model table: unknown model lists the known ones; missing covariate is an error; outside the
 * range is a warning. */
static void model_lookup_and_covariates(void **state)
{
    (void)state;
    const struct pk_model *m;
    struct kc_error err = {0};
    assert_int_equal(pk_model_find("marsh", &m, &err), KC_ENOTFOUND);
    assert_non_null(strstr(err.msg, "domino1984"));
    assert_non_null(strstr(err.msg, "perezruixo2021"));
    assert_int_equal(pk_model_find("DOMINO1984", &m, &err), 0);
    struct pk_covariates none = test_cov(NAN, NAN);
    struct pk_indiv ind;
    assert_int_equal(pk_individualize(m, &none, NULL, 0, &ind, NULL, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "weight"));
    struct pk_covariates heavy = test_cov(200, 40);
    struct pk_notes notes = {0};
    assert_int_equal(pk_individualize(m, &heavy, NULL, 0, &ind, &notes, &err), 0);
    assert_int_equal(notes.n, 1);
    assert_non_null(strstr(notes.text[0], "outside"));
    for (size_t i = 0; i < pk_model_count(); i++) {
        const struct pk_model *x = pk_model_at(i);
        assert_non_null(x->citation);
        assert_true(strlen(x->citation) > 20);
        assert_true(x->n_params > 0);
    }
}

/* The published IIV as variances of eta: Perez-Ruixo 2021 Table 3 as omega^2 in nlmixr2lib
 * (Vc 0.0730, Vp1 0.218, Qh 0.0524, Vh 0.113, kel 0.892, ka,n 0.319, ka,sw 1.009, FRn 0.501 on the
 * logit scale, Vcn 0.0955, CLn 0.0625); Herd 2007 BSV 64% on V1 -> ln(1 + 0.64^2). */
static void published_iiv_as_variances(void **state)
{
    (void)state;
    const struct pk_model *pr, *herd, *domino;
    pk_model_find("perezruixo2021", &pr, NULL);
    pk_model_find("herd2007", &herd, NULL);
    pk_model_find("domino1984", &domino, NULL);
    struct {
        const char *name;
        double var;
    } want[] = {{"Vc", 0.0730}, {"Vp1", 0.218}, {"Qh", 0.0524}, {"Vh", 0.113}, {"kel", 0.892},
                {"ka,n", 0.319}, {"ka,sw", 1.009}, {"FRn", 0.501}, {"Vcn/F", 0.0955}, {"CLn/F", 0.0625}};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        int found = 0;
        for (int i = 0; i < pk_model_n_eta(pr); i++) {
            struct pk_eta_info e;
            assert_int_equal(pk_model_eta(pr, i, &e, NULL), 0);
            if (strcmp(e.name, want[k].name) == 0) {
                found = 1;
                assert_rel(e.variance, want[k].var, 0.01, want[k].name); /* 3 digits as printed */
                assert_int_equal(e.logit, strcmp(e.name, "FRn") == 0);
            }
        }
        assert_true(found);
    }
    struct pk_eta_info e;
    assert_int_equal(pk_model_eta(herd, 0, &e, NULL), 0);
    assert_rel(e.variance, log(1 + 0.64 * 0.64), 1e-12, "Herd V1");
    assert_int_equal(pk_model_eta(domino, 0, &e, NULL), 0);
    assert_true(e.variance == 0.0); /* no IIV published */
    assert_int_equal(pk_model_eta(domino, 6, &e, NULL), KC_ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(domino_volumes_and_clearances),
        cmocka_unit_test(domino_macro_constants),
        cmocka_unit_test(domino_ke0_for_one_minute_peak),
        cmocka_unit_test(domino_standard_infusion),
        cmocka_unit_test(domino_context_sensitive_half_time_grows),
        cmocka_unit_test(domino_steady_state),
        cmocka_unit_test(perez_ruixo_published_values),
        cmocka_unit_test(nasal_devices_of_one_occasion),
        cmocka_unit_test(systemic_amount_is_after_first_pass),
        cmocka_unit_test(perez_ruixo_label_ranges),
        cmocka_unit_test(racemic_bioavailability_table),
        cmocka_unit_test(racemic_tmax_in_reported_ranges),
        cmocka_unit_test(kamp_half_life),
        cmocka_unit_test(herd_parameters),
        cmocka_unit_test(olofsen_pd),
        cmocka_unit_test(unit_conversions),
        cmocka_unit_test(perez_ruixo_covariates),
        cmocka_unit_test(model_lookup_and_covariates),
        cmocka_unit_test(published_iiv_as_variances),
    };
    return cmocka_run_group_tests_name("pk_models", tests, NULL, NULL);
}
