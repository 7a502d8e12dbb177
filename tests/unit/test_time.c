/* test_time.c — the one time module (src/base/kctime): RFC 3339 section 5.8's published examples,
 * strict refusal of impossible dates, dates and ages, and the clinic's time zone across the
 * 2026 daylight-saving transitions of America/New_York (tzdata rule "US": second Sunday of March
 * 02:00 EST -> 03:00 EDT, first Sunday of November 02:00 EDT -> 01:00 EST; US Energy Policy
 * Act of 2005 s.110), also from several threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/kctime.h"

static int64_t parse_ok(const char *text)
{
    int64_t ms = 0;
    struct kc_error err = {0};
    if (kc_time_parse(text, &ms, &err)) fail_msg("'%s' refused: %s", text, err.msg);
    return ms;
}

static void refused(const char *text)
{
    int64_t ms = 12345;
    struct kc_error err = {0};
    int rc = kc_time_parse(text, &ms, &err);
    if (rc != KC_EINVAL) fail_msg("'%s' accepted as %lld", text ? text : "(null)", (long long)ms);
    assert_int_equal(ms, 12345); /* output untouched */
    assert_true(err.msg[0] != '\0');
}

static void utc_text(int64_t ms, const char *want)
{
    char out[KC_TIME_TEXT_MAX];
    kc_time_format(ms, KC_TIME_MILLIS, out);
    if (strcmp(out, want)) fail_msg("%lld -> '%s', wanted '%s'", (long long)ms, out, want);
}

/* RFC 3339 section 5.8, "Examples", each with the instant the RFC's prose gives for it. */
static void rfc3339_section_5_8_examples(void **state)
{
    (void)state;
    /* "1985-04-12T23:20:50.52Z: 20 minutes and 50.52 seconds after the 23rd hour of April 12th,
     * 1985 in UTC" (482196050 s by `date -u -d 1985-04-12T23:20:50Z +%s`) */
    assert_int_equal(parse_ok("1985-04-12T23:20:50.52Z"), 482196050520LL);
    /* "1996-12-19T16:39:57-08:00 ... equivalent to 1996-12-20T00:39:57Z in UTC" */
    assert_int_equal(parse_ok("1996-12-19T16:39:57-08:00"), parse_ok("1996-12-20T00:39:57Z"));
    utc_text(parse_ok("1996-12-19T16:39:57-08:00"), "1996-12-20T00:39:57.000Z");
    /* "1990-12-31T23:59:60Z: the leap second inserted at the end of 1990" and
     * "1990-12-31T15:59:60-08:00: the same leap second in Pacific Standard Time" */
    assert_int_equal(parse_ok("1990-12-31T23:59:60Z"), parse_ok("1990-12-31T15:59:60-08:00"));
    /* held as the last millisecond of 23:59:59 (POSIX has no 61st second) */
    utc_text(parse_ok("1990-12-31T23:59:60Z"), "1990-12-31T23:59:59.999Z");
    assert_true(parse_ok("1990-12-31T23:59:60Z") > parse_ok("1990-12-31T23:59:59.5Z"));
    assert_true(parse_ok("1990-12-31T23:59:60Z") < parse_ok("1991-01-01T00:00:00Z"));
    /* "1937-01-01T12:00:27.87+00:20: the same instant of time as noon, January 1, 1937,
     * Netherlands time" (UTC 11:40:27.87) */
    utc_text(parse_ok("1937-01-01T12:00:27.87+00:20"), "1937-01-01T11:40:27.870Z");
    /* 5.6 NOTE: "T" and "Z" may be lower case; 4.3: -00:00 is UTC with no local offset known */
    assert_int_equal(parse_ok("1985-04-12t23:20:50.52z"), 482196050520LL);
    assert_int_equal(parse_ok("1985-04-12T23:20:50.52-00:00"), 482196050520LL);
}

static void impossible_times_are_refused(void **state)
{
    (void)state;
    refused(NULL);
    refused("");
    refused("2026-02-31T10:00:00Z");      /* February has 28 days in 2026 */
    refused("2026-02-29T10:00:00Z");
    refused("1900-02-29T10:00:00Z");      /* century rule */
    refused("2026-04-31T10:00:00Z");
    refused("2026-13-01T10:00:00Z");
    refused("2026-00-10T10:00:00Z");
    refused("2026-01-00T10:00:00Z");
    refused("2026-01-10T24:00:00Z");
    refused("2026-01-10T23:61:00Z");      /* 24:61 and its like */
    refused("2026-01-10T24:61:00Z");
    refused("2026-01-10T10:00:61Z");
    refused("2026-01-10T10:00:60Z");      /* not a leap second */
    refused("2016-12-31T22:59:60Z");      /* the right day, the wrong minute */
    refused("2016-12-31T23:59:60+01:00"); /* 22:59:60 UTC */
    refused("2026-01-10 10:00:00Z");      /* space for T */
    refused("2026-01-10T10:00:00");       /* no offset */
    refused("2026-01-10T10:00Z");         /* no seconds */
    refused("2026-01-10T10:00:00.Z");
    refused("2026-01-10T10:00:00.1234567890Z");
    refused("2026-01-10T10:00:00+2:00");
    refused("2026-01-10T10:00:00+0200");
    refused("2026-01-10T10:00:00+24:00");
    refused("2026-01-10T10:00:00+05:60");
    refused("2026-01-10T10:00:00Zjunk");
    refused("1899-12-31T23:59:59Z");
    refused("1900-01-01T00:30:00+01:00"); /* 1899 in UTC */
    refused("2201-01-01T00:00:00Z");
    refused("+2026-01-10T10:00:00Z");
    /* just inside */
    assert_int_equal(parse_ok("2024-02-29T00:00:00Z") % 1000, 0);
    assert_int_equal(parse_ok("2000-02-29T12:00:00.123456789Z") % 1000, 123);
    utc_text(parse_ok("2026-12-31T23:30:00-05:00"), "2027-01-01T04:30:00.000Z");
}

static void dates_and_ages(void **state)
{
    (void)state;
    long d = 0;
    struct kc_error err = {0};
    assert_int_equal(kc_time_parse_date("1970-01-01", &d, &err), 0);
    assert_int_equal(d, 0);
    assert_int_equal(kc_time_parse_date("2026-03-01", &d, &err), 0);
    assert_int_equal(d, 20513);
    assert_int_equal(kc_time_parse_date("2026-02-31", &d, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "no day 31"));
    assert_int_equal(kc_time_parse_date("2026-2-3", &d, &err), KC_EINVAL);
    assert_int_equal(kc_time_parse_date("2026-02-03T00:00:00Z", &d, &err), KC_EINVAL);
    assert_int_equal(kc_time_parse_date("2024-02-29", &d, &err), 0);
    char out[11];
    kc_time_format_date(d, out);
    assert_string_equal(out, "2024-02-29");
    /* every day of 1900-2200 round-trips through text */
    for (long k = kc_time_days_from_civil(1900, 1, 1); k <= kc_time_days_from_civil(2200, 12, 31);
         k += 1) {
        long back = -1;
        kc_time_format_date(k, out);
        assert_int_equal(kc_time_parse_date(out, &back, &err), 0);
        assert_int_equal(back, k);
    }
    long b, on;
    kc_time_parse_date("2000-02-29", &b, &err);
    kc_time_parse_date("2018-02-28", &on, &err);
    assert_int_equal(kc_time_age_years(b, on), 17);
    kc_time_parse_date("2018-03-01", &on, &err);
    assert_int_equal(kc_time_age_years(b, on), 18);
    assert_int_equal(kc_time_age_years(on, b), -1);
    assert_int_equal(kc_time_utc_day(-1), -1); /* 1969-12-31T23:59:59.999Z */
}

static void new_york_2026_transitions(void **state)
{
    (void)state;
    const char *ny = "America/New_York";
    struct kc_error err = {0};
    long mar8, nov1;
    kc_time_parse_date("2026-03-08", &mar8, &err);
    kc_time_parse_date("2026-11-01", &nov1, &err);
    int64_t t = 0;
    int amb = -1;
    /* spring forward: 01:59:59 EST is 06:59:59Z, 03:00 EDT is 07:00Z, 02:30 does not exist */
    assert_int_equal(kc_time_local_to_utc(mar8, 1, 59, 59, ny, &t, &amb, &err), 0);
    assert_int_equal(t, parse_ok("2026-03-08T06:59:59Z"));
    assert_int_equal(amb, 0);
    assert_int_equal(kc_time_local_to_utc(mar8, 3, 0, 0, ny, &t, &amb, &err), 0);
    assert_int_equal(t, parse_ok("2026-03-08T07:00:00Z"));
    t = 42;
    assert_int_equal(kc_time_local_to_utc(mar8, 2, 30, 0, ny, &t, &amb, &err), KC_EINVAL);
    assert_int_equal(t, 42);
    assert_non_null(strstr(err.msg, "does not exist"));
    /* fall back: 01:30 happens at 05:30Z (EDT) and at 06:30Z (EST); the earlier is taken */
    assert_int_equal(kc_time_local_to_utc(nov1, 1, 30, 0, ny, &t, &amb, &err), 0);
    assert_int_equal(t, parse_ok("2026-11-01T01:30:00-04:00"));
    assert_int_equal(amb, 1);
    assert_int_equal(kc_time_local_to_utc(nov1, 2, 30, 0, ny, &t, &amb, &err), 0);
    assert_int_equal(t, parse_ok("2026-11-01T02:30:00-05:00"));
    assert_int_equal(amb, 0);
    /* local fields and local dates of instants around the transitions */
    struct kc_civil c;
    assert_int_equal(kc_time_local_civil(parse_ok("2026-03-08T07:00:00Z"), ny, &c, &err), 0);
    assert_int_equal(c.hour, 3);
    assert_int_equal(c.offset_min, -240);
    assert_int_equal(kc_time_local_civil(parse_ok("2026-03-08T06:59:59Z"), ny, &c, &err), 0);
    assert_int_equal(c.hour, 1);
    assert_int_equal(c.offset_min, -300);
    long day;
    assert_int_equal(kc_time_local_day(parse_ok("2026-03-08T04:59:59Z"), ny, &day, &err), 0);
    assert_int_equal(day, mar8 - 1); /* 23:59:59 EST on the 7th */
    assert_int_equal(kc_time_local_day(parse_ok("2026-03-08T05:00:00Z"), ny, &day, &err), 0);
    assert_int_equal(day, mar8);
    /* a clinic in UTC+14 is already on the next day */
    assert_int_equal(kc_time_local_day(parse_ok("2026-03-08T11:00:00Z"), "Pacific/Kiritimati",
                                       &day, &err), 0);
    assert_int_equal(day, mar8 + 1);
}

/* Local days: New York's 8 March 2026 is 23 hours long; Santiago's clocks skip midnight on
 * 6 September 2026 (tzdata "Chile": 24:00 -04 -> 01:00 -03), so that day starts at 04:00Z. */
static void local_day_bounds(void **state)
{
    (void)state;
    struct kc_error err = {0};
    long mar8, sep6;
    kc_time_parse_date("2026-03-08", &mar8, &err);
    kc_time_parse_date("2026-09-06", &sep6, &err);
    int64_t a = 0, b = 0;
    assert_int_equal(kc_time_local_day_start(mar8, "America/New_York", &a, &err), 0);
    assert_int_equal(kc_time_local_day_start(mar8 + 1, "America/New_York", &b, &err), 0);
    assert_int_equal(a, parse_ok("2026-03-08T05:00:00Z"));
    assert_int_equal(b - a, 23 * 3600 * 1000LL);
    assert_int_equal(kc_time_local_day_start(sep6, "America/Santiago", &a, &err), 0);
    assert_int_equal(a, parse_ok("2026-09-06T04:00:00Z"));
    long day;
    assert_int_equal(kc_time_local_day(a, "America/Santiago", &day, &err), 0);
    assert_int_equal(day, sep6);
    assert_int_equal(kc_time_local_day(a - 1, "America/Santiago", &day, &err), 0);
    assert_int_equal(day, sep6 - 1);
    int64_t t;
    assert_int_equal(kc_time_local_to_utc(sep6, 0, 30, 0, "America/Santiago", &t, NULL, &err),
                     KC_EINVAL);
}

static void zone_names_are_checked(void **state)
{
    (void)state;
    struct kc_error err = {0};
    assert_int_equal(kc_time_zone_check("America/New_York", &err), 0);
    assert_int_equal(kc_time_zone_check("UTC", &err), 0);
    assert_int_equal(kc_time_zone_check("Mars/Olympus_Mons", &err), KC_EINVAL);
    assert_int_equal(kc_time_zone_check("../../etc/passwd", &err), KC_EINVAL);
    assert_int_equal(kc_time_zone_check("/etc/localtime", &err), KC_EINVAL);
    assert_int_equal(kc_time_zone_check("EST5EDT,M3.2.0,M11.1.0", &err), KC_EINVAL);
    assert_int_equal(kc_time_zone_check("", &err), KC_EINVAL);
    assert_int_equal(kc_time_zone_check(NULL, &err), KC_EINVAL);
    long day = 7;
    assert_int_equal(kc_time_local_day(0, "Nowhere/City", &day, &err), KC_EINVAL);
    assert_int_equal(day, 7);
}

/* Threads asking different zones at once each get their own zone's answer. */
struct zone_job {
    const char *zone;
    int want_hour; /* local hour of 2026-07-01T12:00:00Z */
    int bad;
};

static void *zone_worker(void *arg)
{
    struct zone_job *j = arg;
    int64_t t = 1782907200000LL; /* 2026-07-01T12:00:00Z */
    for (int i = 0; i < 2000; i++) {
        struct kc_civil c;
        struct kc_error err = {0};
        if (kc_time_local_civil(t, j->zone, &c, &err) || c.hour != j->want_hour) j->bad++;
    }
    return NULL;
}

static void zones_from_many_threads(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-07-01T12:00:00Z"), 1782907200000LL);
    struct zone_job jobs[4] = {{"America/New_York", 8, 0}, {"Europe/Berlin", 14, 0},
                               {"Asia/Kolkata", 17, 0}, {"UTC", 12, 0}};
    pthread_t th[4];
    for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&th[i], NULL, zone_worker, &jobs[i]), 0);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) assert_int_equal(jobs[i].bad, 0);
}

/* Mutated valid times are refused or give an instant whose UTC text parses back to itself. */
static void mutated_times_round_trip(void **state)
{
    (void)state;
    static const char *const seeds[] = {"2026-11-23T09:05:00Z", "2024-02-29T23:59:59.999+05:30",
                                        "2016-12-31T23:59:60Z"};
    static const char alphabet[] = "0123456789-:.TZ +zt/";
    uint64_t r = 0x9E3779B97F4A7C15ULL;
    int accepted = 0, rejected = 0;
    for (int i = 0; i < 20000; i++) {
        char buf[48];
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        snprintf(buf, sizeof buf, "%s", seeds[r % 3]);
        size_t n = strlen(buf);
        size_t at = (size_t)((r >> 16) % (n + 1));
        char c = alphabet[(r >> 32) % (sizeof alphabet - 1)];
        if ((r >> 40) % 2 && at < n) buf[at] = c;
        else buf[at] = '\0';
        int64_t ms = 0, back = 0;
        struct kc_error err = {0};
        if (kc_time_parse(buf, &ms, &err)) {
            rejected++;
            continue;
        }
        accepted++;
        char out[KC_TIME_TEXT_MAX];
        kc_time_format(ms, KC_TIME_MILLIS, out);
        assert_int_equal(kc_time_parse(out, &back, &err), 0);
        assert_int_equal(back, ms);
    }
    assert_true(accepted > 0 && rejected > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc3339_section_5_8_examples),
        cmocka_unit_test(impossible_times_are_refused),
        cmocka_unit_test(dates_and_ages),
        cmocka_unit_test(new_york_2026_transitions),
        cmocka_unit_test(local_day_bounds),
        cmocka_unit_test(zone_names_are_checked),
        cmocka_unit_test(zones_from_many_threads),
        cmocka_unit_test(mutated_times_round_trip),
    };
    return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
