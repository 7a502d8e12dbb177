/* test_quantity.c — parsing of quantities with units (src/base/quantity.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/quantity.h"

static void assert_close(double got, double want, double rel)
{
    if (fabs(got - want) > rel * fabs(want)) fail_msg("got %.12g, wanted %.12g", got, want);
}

static void parses_each_dimension(void **state)
{
    (void)state;
    double v;
    struct kc_error err = {0};
    assert_int_equal(kc_quantity_parse_as("0.5mg/kg", KC_DIM_MASS_PER_KG, &v, &err), 0);
    assert_close(v, 0.5, 1e-15);
    assert_int_equal(kc_quantity_parse_as("40min", KC_DIM_TIME, &v, &err), 0);
    assert_close(v, 40, 1e-15);
    assert_int_equal(kc_quantity_parse_as("2 h", KC_DIM_TIME, &v, &err), 0);
    assert_close(v, 120, 1e-15);
    assert_int_equal(kc_quantity_parse_as("30s", KC_DIM_TIME, &v, &err), 0);
    assert_close(v, 0.5, 1e-15);
    assert_int_equal(kc_quantity_parse_as("200ng/mL", KC_DIM_CONC, &v, &err), 0);
    assert_close(v, 200, 1e-15);
    assert_int_equal(kc_quantity_parse_as("10mg/mL", KC_DIM_CONC, &v, &err), 0);
    assert_close(v, 1e7, 1e-15);
    assert_int_equal(kc_quantity_parse_as("50mg/100mL", KC_DIM_CONC, &v, &err), 0);
    assert_close(v, 0.5e6, 1e-15);
    assert_int_equal(kc_quantity_parse_as("0.75mg/kg/min", KC_DIM_RATE_MASS_PER_KG, &v, &err), 0);
    assert_close(v, 0.75, 1e-15);
    assert_int_equal(kc_quantity_parse_as("1mg/kg/h", KC_DIM_RATE_MASS_PER_KG, &v, &err), 0);
    assert_close(v, 1.0 / 60, 1e-15);
    assert_int_equal(kc_quantity_parse_as("28 mg", KC_DIM_MASS, &v, &err), 0);
    assert_close(v, 28, 1e-15);
    assert_int_equal(kc_quantity_parse_as("250ug", KC_DIM_MASS, &v, &err), 0);
    assert_close(v, 0.25, 1e-15);
}

static void rejects_bad_input_naming_it(void **state)
{
    (void)state;
    double v = 42;
    struct kc_error err = {0};
    assert_int_equal(kc_quantity_parse_as("5 furlongs", KC_DIM_TIME, &v, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "furlongs"));
    assert_int_equal(kc_quantity_parse_as("-3mg", KC_DIM_MASS, &v, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "negative"));
    assert_int_equal(kc_quantity_parse_as("40", KC_DIM_TIME, &v, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "no unit"));
    assert_int_equal(kc_quantity_parse_as("40mg", KC_DIM_TIME, &v, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "duration"));
    assert_int_equal(kc_quantity_parse_as("mg", KC_DIM_MASS, &v, &err), KC_EINVAL);
    assert_int_equal(kc_quantity_parse_as("1e999mg", KC_DIM_MASS, &v, &err), KC_EINVAL);
    assert_int_equal(kc_quantity_parse_as("50mg/0mL", KC_DIM_CONC, &v, &err), KC_EINVAL);
    assert_true(v == 42); /* untouched on error */
}

static void strict_numbers(void **state)
{
    (void)state;
    double d;
    long l;
    assert_int_equal(kc_parse_double("1.5", &d, NULL), 0);
    assert_int_equal(kc_parse_double("1.5x", &d, NULL), KC_EINVAL);
    assert_int_equal(kc_parse_double("nan", &d, NULL), KC_EINVAL);
    assert_int_equal(kc_parse_long("12", 0, 100, &l, NULL), 0);
    assert_int_equal(l, 12);
    assert_int_equal(kc_parse_long("120", 0, 100, &l, NULL), KC_ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_each_dimension),
        cmocka_unit_test(rejects_bad_input_naming_it),
        cmocka_unit_test(strict_numbers),
    };
    return cmocka_run_group_tests_name("quantity", tests, NULL, NULL);
}
