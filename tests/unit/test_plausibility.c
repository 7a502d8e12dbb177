/* test_plausibility.c — impossible vital signs and weights are refused, ordinary ones pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "clinic/plausibility.h"

static void ordinary_values_pass(void **state)
{
    (void)state;
    assert_int_equal(plaus_vital_check("hr", 72, NULL), 0);
    assert_int_equal(plaus_vital_check("spo2", 98, NULL), 0);
    assert_int_equal(plaus_vital_check("sbp", 162, NULL), 0);
    assert_int_equal(plaus_vital_check("dbp", 98, NULL), 0);
    assert_int_equal(plaus_vital_check("temp", 36.8, NULL), 0);
    assert_int_equal(plaus_bp_pair(120, 80, NULL), 0);
    assert_int_equal(plaus_weight(70, NULL), 0);
    assert_int_equal(plaus_height(175, NULL), 0);
}

static void impossible_values_are_refused_with_the_reason(void **state)
{
    (void)state;
    struct kc_error err = {0};
    assert_int_equal(plaus_vital_check("sbp", 20, &err), KC_ERANGE);
    assert_non_null(strstr(err.msg, "Systolic"));
    assert_int_equal(plaus_vital_check("dbp", 300, &err), KC_ERANGE);
    assert_int_equal(plaus_bp_pair(80, 120, &err), KC_ERANGE);
    assert_non_null(strstr(err.msg, "systolic must exceed diastolic"));
    assert_int_equal(plaus_vital_check("spo2", 101, &err), KC_ERANGE);
    assert_int_equal(plaus_vital_check("hr", -5, &err), KC_ERANGE);
    assert_int_equal(plaus_vital_check("bp", 120, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "unknown vital sign 'bp'"));
    assert_int_equal(plaus_weight(0, &err), KC_ERANGE);
    assert_int_equal(plaus_weight(900, &err), KC_ERANGE);
    assert_non_null(strstr(err.msg, "900"));
}

static void table_has_ucum_units(void **state)
{
    (void)state;
    /* UCUM: mm[Hg], /min, %, Cel (LOINC codes: tests/unit/test_fhir.c) */
    assert_string_equal(plaus_vital_find("sbp")->unit, "mm[Hg]");
    assert_string_equal(plaus_vital_find("hr")->unit, "/min");
    assert_string_equal(plaus_vital_find("spo2")->unit, "%");
    assert_string_equal(plaus_vital_find("temp")->unit, "Cel");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordinary_values_pass),
        cmocka_unit_test(impossible_values_are_refused_with_the_reason),
        cmocka_unit_test(table_has_ucum_units),
    };
    return cmocka_run_group_tests_name("plausibility", tests, NULL, NULL);
}
