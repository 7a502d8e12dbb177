/* test_store_time.c — the one stored time form (store__time): RFC 3339 in (kc_time_parse: Z or an
 * offset), UTC with milliseconds out, so text order is time order on both back ends; everything
 * else refused naming the field. */
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
    /* a leap second is held as the last millisecond of 23:59:59 (POSIX time has no 61st second) */
    normalises("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999Z");
    /* an offset is applied, not dropped: the stored form is UTC */
    normalises("2026-11-23T09:05:00+01:00", "2026-11-23T08:05:00.000Z");
    normalises("2026-11-23T21:05:00-05:00", "2026-11-24T02:05:00.000Z");
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
    refuses("2026-11-23T09:05:00+0100");   /* RFC 3339 offsets have a colon */
    refuses("2026-02-31T09:05:00Z");
    refuses("2015-12-31T23:59:60Z");       /* no leap second that year */
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

/* Mutation fuzzing: byte flips, truncations and insertions of valid times either are refused or
 * give a 24-character normal form that is itself accepted unchanged (a fixed point). */
static void mutated_times_are_refused_or_normal(void **state)
{
    (void)state;
    static const char *const seeds[] = {"2026-11-23T09:05:00Z", "2024-02-29T23:59:59.999Z",
                                        "2000-01-01T00:00:00.5Z"};
    static const char alphabet[] = "0123456789-:.TZ +zt/";
    uint64_t r = 0x9E3779B97F4A7C15ULL;
    int accepted = 0, refused = 0;
    for (int i = 0; i < 20000; i++) {
        char buf[48], out[32], again[32];
        struct kc_error err = {0};
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        snprintf(buf, sizeof buf, "%s", seeds[r % 3]);
        size_t n = strlen(buf);
        int edits = 1 + (int)((r >> 8) % 3);
        for (int e = 0; e < edits; e++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            size_t at = (size_t)((r >> 16) % (n + 1));
            char c = alphabet[(r >> 32) % (sizeof alphabet - 1)];
            switch ((r >> 40) % 3) {
            case 0: if (at < n) buf[at] = c; break;                     /* replace */
            case 1: n = at; buf[n] = '\0'; break;                       /* truncate */
            default:                                                    /* insert */
                if (n + 1 < sizeof buf) {
                    memmove(buf + at + 1, buf + at, n - at + 1);
                    buf[at] = c;
                    n++;
                }
            }
        }
        if (store__time("t", buf, 1, out, &err) != 0) {
            assert_int_equal(err.code, KC_EINVAL);
            refused++;
            continue;
        }
        accepted++;
        assert_int_equal(strlen(out), 24);
        assert_int_equal(store__time("t", out, 1, again, &err), 0);
        assert_string_equal(again, out);
    }
    assert_true(accepted > 0 && refused > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utc_times_get_milliseconds),
        cmocka_unit_test(everything_else_is_refused),
        cmocka_unit_test(mutated_times_are_refused_or_normal),
    };
    return cmocka_run_group_tests_name("store times", tests, NULL, NULL);
}
