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

static void table_has_loinc_codes(void **state)
{
    (void)state;
    /* interop-security.md §C1: HR 8867-4, SBP 8480-6, DBP 8462-4, SpO2 59408-5, RR 9279-1,
     * temperature 8310-5 */
    assert_string_equal(plaus_vital_find("hr")->loinc, "8867-4");
    assert_string_equal(plaus_vital_find("sbp")->loinc, "8480-6");
    assert_string_equal(plaus_vital_find("dbp")->loinc, "8462-4");
    assert_string_equal(plaus_vital_find("spo2")->loinc, "59408-5");
    assert_string_equal(plaus_vital_find("rr")->loinc, "9279-1");
    assert_string_equal(plaus_vital_find("temp")->loinc, "8310-5");
    assert_string_equal(plaus_vital_find("sbp")->unit, "mm[Hg]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordinary_values_pass),
        cmocka_unit_test(impossible_values_are_refused_with_the_reason),
        cmocka_unit_test(table_has_loinc_codes),
    };
    return cmocka_run_group_tests_name("plausibility", tests, NULL, NULL);
}
