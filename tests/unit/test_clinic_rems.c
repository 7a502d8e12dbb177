/* test_clinic_rems.c — the SPRAVATO REMS Patient Monitoring Form (src/clinic/rems.c): fields
 * filled from a session record, signing refused while a required field is empty, the 7-day
 * tracker at its boundaries and enrolment before the first dose (REMS #386, clinical.md s1c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "clinic/course.h"
#include "clinic/rems.h"

static const char *const meds[] = {"lorazepam", "sertraline", "methylphenidate"};
static const struct rems_bp bps[] = {{-20, 150, 95}, {-3, 132, 84}, {31, 150, 92}, {42, 146, 90},
                                     {55, 140, 88}, {118, 128, 80}};
static const char *const effects[] = {"nausea", "dissociation"};

static struct rems_facts facts(void)
{
    return (struct rems_facts){.patient_name = "Doe, Jane", .birth_date = "1980-04-30",
                               .sex = "female", .first_treatment = 1, .enrolled = 1,
                               .medications = meds, .n_medications = 3,
                               .monitoring_hcp = "Dr A", .setting = "outpatient clinic",
                               .session_date = "2026-11-23", .dose_mg = 56, .lot = "ESK-1",
                               .monitoring_end_min = 125.5, .ready_min = 118, .bp = bps,
                               .n_bp = 6, .side_effects = effects, .n_side_effects = 2};
}

static void fills_fields_from_the_record(void **state)
{
    (void)state;
    struct rems_facts f = facts();
    struct rems_form form;
    rems_form_fill(&f, &form);
    assert_string_equal(form.patient_name, "Doe, Jane");
    assert_int_equal(form.enrolled, REMS_YES);
    assert_int_equal(form.first_treatment, REMS_YES);
    /* PMF medication classes from the screening drug table */
    assert_int_equal(form.benzodiazepines, REMS_YES);
    assert_int_equal(form.psychostimulants, REMS_YES);
    assert_int_equal(form.maois, REMS_NO);
    assert_int_equal(form.opioids, REMS_NO);
    /* pre-dose: the last reading before the first device; ~40 min: nearest to 40 within 30-50;
     * pre-discharge: the last reading after 50 min */
    assert_int_equal(form.bp_pre_sys, 132);
    assert_int_equal(form.bp_40_sys, 146);
    assert_int_equal(form.bp_end_sys, 128);
    assert_int_equal(form.total_duration_min, 125);
    assert_int_equal(form.ready_to_leave_min, 118);
    assert_int_equal(form.dissociation, REMS_YES);
    assert_int_equal(form.sedation, REMS_NO);
    assert_int_equal(form.dose_mg, 56);
    assert_string_equal(form.lot, "ESK-1");
}

static void signing_refused_while_fields_are_empty(void **state)
{
    (void)state;
    struct rems_facts f = facts();
    struct rems_form form;
    rems_form_fill(&f, &form);
    struct kc_error err = {0};
    int n = 0;
    /* vitals acceptability is the clinician's call: the record alone cannot sign */
    assert_int_equal(rems_form_check(&form, &n, &err), KC_EINVAL);
    assert_int_equal(n, 2);
    assert_non_null(strstr(err.msg, "vitals_ok_pre, vitals_ok_end"));
    form.vitals_ok_pre = form.vitals_ok_end = REMS_YES;
    assert_int_equal(rems_form_check(&form, &n, &err), 0);
    assert_int_equal(n, 0);
    form.serious_ae = REMS_YES;
    assert_int_equal(rems_form_check(&form, &n, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "sae_description"));
    /* no BP near 40 min (30-50) leaves that field empty */
    struct rems_bp few[] = {{-3, 130, 80}, {29, 140, 85}, {51, 135, 82}};
    f.bp = few;
    f.n_bp = 3;
    rems_form_fill(&f, &form);
    form.vitals_ok_pre = form.vitals_ok_end = REMS_YES;
    assert_int_equal(rems_form_check(&form, &n, &err), KC_EINVAL);
    assert_int_equal(n, 1);
    assert_non_null(strstr(err.msg, "bp_40"));
    struct rems_form empty;
    rems_form_init(&empty);
    assert_int_equal(rems_form_check(&empty, &n, &err), KC_EINVAL);
    assert_int_equal(n, 26);
}

/* REMS #386: the PMF is submitted within 7 days of the session. */
static void seven_day_tracker(void **state)
{
    (void)state;
    long d = 0, due = 0;
    assert_int_equal(course_date_parse("2026-11-23", &d, NULL), 0);
    assert_int_equal(rems_pmf_state(d, -1, d, &due), REMS_PMF_DUE);
    assert_int_equal(due, d + 7);
    assert_int_equal(rems_pmf_state(d, -1, d + 7, NULL), REMS_PMF_DUE);
    assert_int_equal(rems_pmf_state(d, -1, d + 8, NULL), REMS_PMF_OVERDUE);
    assert_int_equal(rems_pmf_state(d, d + 7, d + 30, NULL), REMS_PMF_SUBMITTED);
    assert_int_equal(rems_pmf_state(d, d + 8, d + 30, NULL), REMS_PMF_LATE);
    assert_string_equal(rems_pmf_state_name(REMS_PMF_OVERDUE), "overdue");
}

static void enrolment_before_first_dose(void **state)
{
    (void)state;
    struct kc_error err = {0};
    assert_int_equal(rems_check_enrolment(100, 100, &err), 0);
    assert_int_equal(rems_check_enrolment(101, 100, &err), KC_EDENIED);
    assert_non_null(strstr(err.msg, "after the dose"));
    assert_int_equal(rems_check_enrolment(-1, 100, &err), KC_EDENIED);
    assert_non_null(strstr(err.msg, "not enrolled"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fills_fields_from_the_record),
        cmocka_unit_test(signing_refused_while_fields_are_empty),
        cmocka_unit_test(seven_day_tracker),
        cmocka_unit_test(enrolment_before_first_dose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
