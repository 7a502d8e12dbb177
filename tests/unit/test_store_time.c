/* test_store_time.c — the one stored time form (store__time): UTC RFC 3339 in, milliseconds out,
 * so text order is time order on both back ends; everything else refused naming the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "store/store_int.h"

static void normalises(const char *in, const char *want)
{
    char out[32];
    struct kc_error err = {0};
    int rc = store__time("t", in, 1, out, &err);
    if (rc) fail_msg("'%s' refused: %s", in, err.msg);
    if (strcmp(out, want) != 0) fail_msg("'%s' -> '%s', wanted '%s'", in, out, want);
}

static void refuses(const char *in)
{
    char out[32] = "x";
    struct kc_error err = {0};
    int rc = store__time("sessions.planned_at", in, 1, out, &err);
    if (rc != KC_EINVAL) fail_msg("'%s' accepted as '%s'", in ? in : "(null)", out);
    if (!strstr(err.msg, "sessions.planned_at")) fail_msg("message '%s' names no field", err.msg);
}

static void utc_times_get_milliseconds(void **state)
{
    (void)state;
    normalises("2026-11-23T09:05:00Z", "2026-11-23T09:05:00.000Z");
    normalises("2026-11-23T09:05:00.5Z", "2026-11-23T09:05:00.500Z");
    normalises("2026-11-23T09:05:00.123456789Z", "2026-11-23T09:05:00.123Z");
    normalises("2024-02-29T23:59:59Z", "2024-02-29T23:59:59.000Z"); /* leap year */
    normalises("2000-02-29T00:00:00Z", "2000-02-29T00:00:00.000Z"); /* 400-year rule */
    normalises("2016-12-31T23:59:60Z", "2016-12-31T23:59:60.000Z"); /* leap second */
    /* the normal form sorts as time: 09:05:00 before 09:05:00.5 (raw text would not) */
    char a[32], b[32];
    struct kc_error err = {0};
    assert_int_equal(store__time("t", "2026-11-23T09:05:00Z", 1, a, &err), 0);
    assert_int_equal(store__time("t", "2026-11-23T09:05:00.5Z", 1, b, &err), 0);
    assert_true(strcmp(a, b) < 0);
    assert_true(strcmp("2026-11-23T09:05:00Z", "2026-11-23T09:05:00.5Z") > 0);
}

static void everything_else_is_refused(void **state)
{
    (void)state;
    refuses(NULL);
    refuses("");
    refuses("2026-11-23 09:05:00Z");       /* space */
    refuses("2026-11-23T09:05:00");        /* no zone */
    refuses("2026-11-23T09:05:00+01:00");  /* not UTC */
    refuses("2026-11-23T09:05Z");          /* no seconds */
    refuses("2026-13-01T00:00:00Z");
    refuses("2023-02-29T00:00:00Z");       /* not a leap year */
    refuses("1900-02-29T00:00:00Z");       /* century rule */
    refuses("2026-04-31T00:00:00Z");
    refuses("2026-11-23T24:00:00Z");
    refuses("2026-11-23T09:05:00.Z");
    refuses("2026-11-23T09:05:00.1234567890Z");
    refuses("2026-11-23T09:05:00Zjunk");
    refuses("1899-12-31T00:00:00Z");
    char out[32] = "x";
    struct kc_error err = {0};
    assert_int_equal(store__time("t", NULL, 0, out, &err), 0); /* optional and absent */
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utc_times_get_milliseconds),
        cmocka_unit_test(everything_else_is_refused),
    };
    return cmocka_run_group_tests_name("store times", tests, NULL, NULL);
}
