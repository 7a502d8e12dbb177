/* test_clinic_corrections.c — the dose rules corrected by issue 14, each against its source:
 * volumes at syringe precision, MDSI first dose, obese patients on ideal body weight, absolute
 * mg limits, the sublingual and intranasal limits against the IV limit, CRPS infusions (one
 * test per rule, named after it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/dose.h"

static struct protocol P;
static int setup(void **state)
{
    (void)state;
    protocol_init_default(&P);
    return 0;
}

static const char *vol(double ml, int *measurable)
{
    static char out[32];
    struct kc_error err = {0};
    if (dose_volume_text(&P, ml, out, sizeof out, measurable, &err)) fail_msg("%s", err.msg);
    return out;
}

/* Issue 14: "The dose table prints injection volumes to 0.1 mL: 0.05 mL prints as 0.1 mL (twice
 * the dose), 0.045 mL as 0.0 mL, 0.35 mL as 0.3 mL."  A 1-mL syringe is graduated in 0.01 mL. */
static void volumes_at_syringe_precision(void **state)
{
    (void)state;
    int m = -1;
    assert_string_equal(vol(0.05, &m), "0.05 mL");
    assert_int_equal(m, 1);
    assert_string_equal(vol(0.35, &m), "0.35 mL");
    assert_int_equal(m, 1);
    assert_string_equal(vol(0.045, &m), "0.045 mL"); /* never "0.05" or "0.0" */
    assert_int_equal(m, 0);
    assert_string_equal(vol(12.5, &m), "12.5 mL");
    assert_int_equal(m, 1);
    assert_string_equal(vol(1.25, &m), "1.25 mL"); /* 1.3 would be 4% more */
    assert_int_equal(m, 0);
    assert_string_equal(vol(100.0 / 3.0, &m), "33.3 mL"); /* within 1% */
    assert_int_equal(m, 1);
    /* property: the shown number never differs from the volume by more than the tolerance
     * unless all 4 decimals are shown, and never shows 0 */
    for (int i = 1; i <= 5000; i++) {
        double ml = i * 0.00173;
        const char *t = vol(ml, &m);
        double shown = strtod(t, NULL);
        assert_true(shown > 0);
        if (fabs(shown - ml) > 0.01 * ml) assert_true(fabs(shown - ml) <= 0.00005 + 1e-12);
    }
    struct kc_error err = {0};
    char out[32];
    assert_int_equal(dose_volume_text(&P, 0, out, sizeof out, NULL, &err), KC_EINVAL);
    assert_int_equal(dose_volume_text(&P, NAN, out, sizeof out, NULL, &err), KC_EINVAL);
    /* the dose plan carries the text and says when it cannot be measured: IM 0.1 mg/kg x 45 kg
     * from 100 mg/mL = 0.045 mL */
    struct dose_request q = {.route = DOSE_ROUTE_IM, .weight_kg = 45, .mg_per_kg = 0.1,
                             .conc_mg_per_ml = 100};
    struct dose_plan d;
    assert_int_equal(dose_plan_compute(&P, &q, &d, &err), 0);
    assert_string_equal(d.volume_text, "0.045 mL");
    assert_int_equal(d.volume_measurable, 0);
    int noted = 0;
    for (int i = 0; i < d.n_notes; i++) noted |= strstr(d.notes[i], "cannot be drawn up") != NULL;
    assert_true(noted);
}

static int plan(const struct protocol *p, struct dose_request q, struct dose_plan *d,
                struct kc_error *err)
{
    return dose_plan_compute(p, &q, d, err);
}

/* SPRAVATO US label, MDSI section (clinical.md s1c and s11, V): 84 mg twice weekly for 4 weeks
 * from day 1, may be reduced to 56 mg for tolerability.  Issue 14: `dose` refused the
 * labelled 84 mg first dose while `course --plan mdsi` scheduled it. */
static void mdsi_starts_at_84_mg(void **state)
{
    (void)state;
    struct dose_plan d;
    struct kc_error err = {0};
    struct dose_request q = {.route = DOSE_ROUTE_NASAL_ESK, .fixed_mg = 84, .age_years = 40,
                             .first_dose = 1, .indication = DOSE_IND_MDSI};
    assert_int_equal(plan(&P, q, &d, &err), 0);
    assert_int_equal(d.n_devices, 3);
    q.fixed_mg = 0; /* the default for MDSI is the label's 84 mg */
    assert_int_equal(plan(&P, q, &d, &err), 0);
    assert_true(d.dose_mg_base == 84);
    q.indication = DOSE_IND_DEPRESSION; /* TRD: 56 mg on day 1 */
    q.fixed_mg = 84;
    assert_int_equal(plan(&P, q, &d, &err), KC_ERANGE);
    assert_non_null(strstr(err.msg, "indication mdsi"));
    q.fixed_mg = 112; /* never above 84 mg (3 devices) */
    q.indication = DOSE_IND_MDSI;
    assert_int_equal(plan(&P, q, &d, &err), KC_ERANGE);
}

/* Sanacora et al., JAMA Psychiatry 2017 suggested ideal body weight for BMI >= 30; Singh et al.,
 * J Clin Psychiatry 2019 confirmed it (clinical.md s11).  Devine IBW for a 175 cm man: 50 + 2.3
 * x (68.9 - 60) = 70.4 kg. */
static void obese_patients_default_to_ideal_weight(void **state)
{
    (void)state;
    struct dose_plan d;
    struct kc_error err = {0};
    struct dose_request q = {.route = DOSE_ROUTE_IV, .weight_kg = 120, .height_cm = 175,
                             .sex = DOSE_SEX_MALE, .mg_per_kg = 0.5};
    assert_int_equal(plan(&P, q, &d, &err), 0); /* BMI 39.2: AUTO -> ideal */
    assert_int_equal(d.weight.basis, DOSE_BASIS_IDEAL);
    assert_true(fabs(d.weight.used_kg - (50 + 2.3 * (175 / 2.54 - 60))) < 1e-9);
    assert_true(fabs(d.dose_mg_base - 0.5 * d.weight.used_kg) < 1e-9);
    q.weight_kg = 91.875; /* BMI exactly 30.0: the rule is >= 30 */
    assert_int_equal(plan(&P, q, &d, &err), 0);
    assert_int_equal(d.weight.basis, DOSE_BASIS_IDEAL);
    q.weight_kg = 91.8; /* BMI 29.98 */
    assert_int_equal(plan(&P, q, &d, &err), 0);
    assert_int_equal(d.weight.basis, DOSE_BASIS_ACTUAL);
    q.weight_kg = 120;
    q.basis = DOSE_BASIS_ACTUAL; /* a prescriber may still choose actual: noted */
    assert_int_equal(plan(&P, q, &d, &err), 0);
    assert_true(fabs(d.weight.used_kg - 120) < 1e-9);
    int noted = 0;
    for (int i = 0; i < d.n_notes; i++) noted |= strstr(d.notes[i], "consensus suggests") != NULL;
    assert_true(noted);
    q.basis = DOSE_BASIS_AUTO;
    q.height_cm = 0; /* no height: BMI unknown, actual weight, and the plan says so */
    assert_int_equal(plan(&P, q, &d, &err), 0);
    assert_int_equal(d.weight.basis, DOSE_BASIS_ACTUAL);
    struct protocol adj;
    protocol_init_default(&adj);
    assert_int_equal(protocol_apply_override(&adj, "{\"clinic\":\"a\",\"overrides\":"
                                                   "{\"dose.obese_basis\":2}}", &err), 0);
    q.height_cm = 175;
    assert_int_equal(plan(&adj, q, &d, &err), 0);
    assert_int_equal(d.weight.basis, DOSE_BASIS_ADJUSTED);
}

/* Issue 14: "250 kg gets 250 mg IV with any override text".  An absolute mg limit per route,
 * whatever the weight, basis or override (product decision: 100 mg, 1 mg/kg at 100 kg). */
static void absolute_mg_limit_per_route(void **state)
{
    (void)state;
    struct dose_plan d;
    struct kc_error err = {0};
    enum dose_route r[] = {DOSE_ROUTE_IV, DOSE_ROUTE_IM, DOSE_ROUTE_SC};
    for (int i = 0; i < 3; i++) {
        struct dose_request q = {.route = r[i], .weight_kg = 250, .basis = DOSE_BASIS_ACTUAL,
                                 .mg_per_kg = 1.0, .override_reason = "any text"};
        assert_int_equal(plan(&P, q, &d, &err), KC_ERANGE);
        assert_non_null(strstr(err.msg, "hard_limit_mg"));
        q.mg_per_kg = 0.4; /* 100 mg: at the limit */
        assert_int_equal(plan(&P, q, &d, &err), 0);
    }
}

/* Issue 14: "the sublingual limit is borrowed from oral and allows more systemic drug than the
 * IV limit" (7 mg/kg x SL F 30% = 2.1 mg/kg).  SL F 30% (Yanagihara 2003; Rolan 2014 29%),
 * intranasal racemic F 45% (Yanagihara 2003).  Their hard limits x F stay under the IV hard
 * limits, and a clinic protocol that would break that is refused. */
static void sl_and_intranasal_never_exceed_the_iv_limit(void **state)
{
    (void)state;
    struct kc_error err = {0};
    static const char *const pairs[][3] = {
        {"sl.hard_limit_mg_per_kg", "sl.bioavailability_pct", "iv.hard_limit_mg_per_kg"},
        {"sl.hard_limit_mg", "sl.bioavailability_pct", "iv.hard_limit_mg"},
        {"in.hard_limit_mg_per_kg", "in.bioavailability_pct", "iv.hard_limit_mg_per_kg"},
        {"in.hard_limit_mg", "in.bioavailability_pct", "iv.hard_limit_mg"}};
    for (int i = 0; i < 4; i++) {
        double a = protocol_use(&P, pairs[i][0], NULL), f = protocol_use(&P, pairs[i][1], NULL);
        assert_true(a * f / 100 <= protocol_use(&P, pairs[i][2], NULL));
    }
    struct protocol q;
    protocol_init_default(&q);
    assert_int_equal(protocol_apply_override(&q, "{\"clinic\":\"c\",\"overrides\":"
                                                 "{\"sl.bioavailability_pct\":40}}", &err),
                     KC_ERANGE); /* 3.3 mg/kg x 40% = 1.32 mg/kg > 1 */
    assert_non_null(strstr(err.msg, "systemic"));
    /* racemic intranasal: Lapidus 2014's 50 mg hydrochloride (43.4 mg base) by default */
    struct dose_plan d;
    struct dose_request r = {.route = DOSE_ROUTE_NASAL_RAC, .weight_kg = 70};
    assert_int_equal(plan(&P, r, &d, &err), 0);
    assert_true(fabs(d.dose_mg_base - 43.4) < 1e-9);
    assert_string_equal(d.drug, "ketamine (racemic)");
    r.fixed_mg = 50;
    r.amount_is_salt = 1;
    assert_int_equal(plan(&P, r, &d, &err), 0);
    assert_true(fabs(d.dose_mg_base - 50 / 1.1534) < 1e-9);
    r.amount_is_salt = 0;
    r.fixed_mg = 250;
    r.override_reason = "x";
    assert_int_equal(plan(&P, r, &d, &err), KC_ERANGE);
    enum dose_route route;
    assert_int_equal(dose_route_parse("in", &route, &err), 0);
    assert_int_equal(route, DOSE_ROUTE_NASAL_RAC);
}

/* CRPS: Schwartzman et al., Pain 2009 — at most 0.35 mg/kg/h, at most 25 mg/h, 4 h a day for
 * 10 days (clinical.md s1e, V); ASRA/AAPM/ASA 2018: 0.35 mg/kg/h for 4 h daily x 10 days.
 * Issue 14: refused by the 100-min limit. */
static void crps_four_hour_infusions(void **state)
{
    (void)state;
    struct dose_plan d;
    struct kc_error err = {0};
    struct dose_request q = {.route = DOSE_ROUTE_IV, .weight_kg = 70, .mg_per_kg = 1.4,
                             .duration_min = 240, .indication = DOSE_IND_CRPS};
    q.mg_per_kg = 1.4; /* 0.35 mg/kg/h x 4 h = 98 mg, 24.5 mg/h */
    assert_int_equal(plan(&P, q, &d, &err), 0);
    assert_true(fabs(d.duration_min - 240) < 1e-12);
    assert_true(fabs(d.rate_mg_per_min * 60 - 24.5) < 1e-9);
    q.weight_kg = 80; /* 0.35 mg/kg/h at 80 kg = 28 mg/h: over 25 mg/h */
    assert_int_equal(plan(&P, q, &d, &err), KC_ERANGE);
    assert_non_null(strstr(err.msg, "crps.max_mg_per_h"));
    q.weight_kg = 70;
    q.mg_per_kg = 1.6; /* 0.4 mg/kg/h */
    q.override_reason = "any";
    assert_int_equal(plan(&P, q, &d, &err), KC_ERANGE);
    assert_non_null(strstr(err.msg, "crps.max_mg_per_kg_per_h"));
    q.mg_per_kg = 1.4;
    q.duration_min = 300; /* more than 4 hours */
    assert_int_equal(plan(&P, q, &d, &err), KC_EINVAL);
    q.duration_min = 240;
    q.indication = DOSE_IND_DEPRESSION; /* the depression limit: 100 min */
    assert_int_equal(plan(&P, q, &d, &err), KC_ERANGE);
    q.mg_per_kg = 0.5;
    assert_int_equal(plan(&P, q, &d, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "crps.max_duration_min"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(volumes_at_syringe_precision),
        cmocka_unit_test(mdsi_starts_at_84_mg),
        cmocka_unit_test(obese_patients_default_to_ideal_weight),
        cmocka_unit_test(absolute_mg_limit_per_route),
        cmocka_unit_test(sl_and_intranasal_never_exceed_the_iv_limit),
        cmocka_unit_test(crps_four_hour_infusions),
    };
    return cmocka_run_group_tests_name("clinic_corrections", tests, setup, NULL);
}
