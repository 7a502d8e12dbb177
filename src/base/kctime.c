/* kctime.c — RFC 3339 instants and dates, UTC formatting and the clinic's time zone.  Calendar
 * arithmetic is done here without libc (H. Hinnant's days_from_civil); only the time zone goes
 * through the C library's tzdata reader, under one mutex (see kctime.h, Threads). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/kctime.h"

/* ---- civil dates ------------------------------------------------------------------------- */

long kc_time_days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

void kc_time_civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long)yoe + era * 400 + (*m <= 2);
}

int kc_time_days_in_month(long y, unsigned m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

static long floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (long)(a % b < 0 ? q - 1 : q);
}

long kc_time_utc_day(int64_t unix_ms)
{
    return floor_div(unix_ms, KC_MS_PER_DAY);
}

int kc_time_age_years(long birth_days, long on_days)
{
    if (birth_days > on_days) return -1;
    long by, oy;
    unsigned bm, bd, om, od;
    kc_time_civil_from_days(birth_days, &by, &bm, &bd);
    kc_time_civil_from_days(on_days, &oy, &om, &od);
    long age = oy - by;
    if (om < bm || (om == bm && od < bd)) age--;
    return (int)age;
}

/* The days whose last UTC minute had a 61st second (IERS Bulletin C; tzdata "leapseconds").
 * None has been announced since 2016 and the CGPM decided in 2022 to stop them by 2035. */
static const char leap_days[][11] = {
    "1972-06-30", "1972-12-31", "1973-12-31", "1974-12-31", "1975-12-31", "1976-12-31",
    "1977-12-31", "1978-12-31", "1979-12-31", "1981-06-30", "1982-06-30", "1983-06-30",
    "1985-06-30", "1987-12-31", "1989-12-31", "1990-12-31", "1992-06-30", "1993-06-30",
    "1994-06-30", "1995-12-31", "1997-06-30", "1998-12-31", "2005-12-31", "2008-12-31",
    "2012-06-30", "2015-06-30", "2016-12-31",
};

static int is_leap_second_day(long days)
{
    char d[11];
    kc_time_format_date(days, d);
    for (size_t i = 0; i < sizeof leap_days / sizeof leap_days[0]; i++)
        if (memcmp(d, leap_days[i], 10) == 0) return 1;
    return 0;
}

/* ---- parsing ------------------------------------------------------------------------------ */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Checks the date fields; KC_EINVAL with what is wrong.  who names the input in the message
 * ("date '2027-02-29'"). */
static int check_date(const char *who, int y, int m, int d, struct kc_error *err)
{
    if (y < KC_TIME_YEAR_MIN || y > KC_TIME_YEAR_MAX)
        return kc_error_set(err, KC_EINVAL, "%s: year %d is outside %d-%d", who, y,
                            KC_TIME_YEAR_MIN, KC_TIME_YEAR_MAX);
    if (m < 1 || m > 12)
        return kc_error_set(err, KC_EINVAL, "%s: there is no month %d (1-12)", who, m);
    int dim = kc_time_days_in_month(y, (unsigned)m);
    if (d < 1 || d > dim)
        return kc_error_set(err, KC_EINVAL, "%s: month %d has no day %d (it has %d in %d)", who,
                            m, d, dim, y);
    return KC_OK;
}

int kc_time_parse_date(const char *text, long *days, struct kc_error *err)
{
    const char *s = text ? text : "";
    int y, m, d;
    if (strnlen(s, 11) != 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) ||
        s[7] != '-' || digits(s + 8, 2, &d))
        return kc_error_set(err, KC_EINVAL, "date '%.40s': expected YYYY-MM-DD", s);
    char who[64];
    snprintf(who, sizeof who, "date '%.40s'", s);
    int rc = check_date(who, y, m, d, err);
    if (rc) return rc;
    *days = kc_time_days_from_civil(y, (unsigned)m, (unsigned)d);
    return KC_OK;
}

/* Instant of checked fields, with second 60 counted as the leap second's 23:59:59.999. */
static int64_t instant_of(const struct kc_civil *c)
{
    long days = kc_time_days_from_civil(c->year, (unsigned)c->month, (unsigned)c->day);
    int64_t s = (int64_t)days * 86400 + c->hour * 3600 + c->minute * 60 +
                (c->second == 60 ? 59 : c->second) - (int64_t)c->offset_min * 60;
    return s * 1000 + (c->second == 60 ? 999 : c->ms);
}

int kc_time_from_civil(const struct kc_civil *c, int64_t *unix_ms, struct kc_error *err)
{
    char text[64], who[80];
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", c->year, c->month, c->day,
             c->hour, c->minute, c->second);
    snprintf(who, sizeof who, "'%s'", text);
    int rc = check_date(who, c->year, c->month, c->day, err);
    if (rc) return rc;
    if (c->hour < 0 || c->hour > 23)
        return kc_error_set(err, KC_EINVAL, "'%s': hour %d is outside 00-23", text, c->hour);
    if (c->minute < 0 || c->minute > 59)
        return kc_error_set(err, KC_EINVAL, "'%s': minute %d is outside 00-59", text, c->minute);
    if (c->second < 0 || c->second > 60)
        return kc_error_set(err, KC_EINVAL, "'%s': second %d is outside 00-59", text, c->second);
    if (c->ms < 0 || c->ms > 999)
        return kc_error_set(err, KC_EINVAL, "'%s': millisecond %d is outside 0-999", text, c->ms);
    if (c->offset_min < -1439 || c->offset_min > 1439)
        return kc_error_set(err, KC_EINVAL, "'%s': offset %d min is outside +-23:59", text,
                            c->offset_min);
    int64_t t = instant_of(c);
    if (c->second == 60) {
        /* the leap second must be 23:59:60 UTC on an IERS leap-second day */
        int64_t utc_s = (t - 999) / 1000;
        long day = floor_div(utc_s, 86400);
        if (utc_s - (int64_t)day * 86400 != 86399 || !is_leap_second_day(day))
            return kc_error_set(err, KC_EINVAL,
                                "'%s': second 60 exists only at a leap second (23:59:60 UTC on "
                                "the IERS days 1972-2016)", text);
    }
    long y;
    unsigned m, d;
    kc_time_civil_from_days(kc_time_utc_day(t), &y, &m, &d);
    if (y < KC_TIME_YEAR_MIN || y > KC_TIME_YEAR_MAX)
        return kc_error_set(err, KC_EINVAL, "'%s': year %ld in UTC is outside %d-%d", text, y,
                            KC_TIME_YEAR_MIN, KC_TIME_YEAR_MAX);
    *unix_ms = t;
    return KC_OK;
}

int kc_time_parse(const char *text, int64_t *unix_ms, struct kc_error *err)
{
    const char *s = text ? text : "";
    struct kc_civil c = {0};
    size_t n = strnlen(s, 64);
    if (n >= 64) goto bad;
    if (n < 20 || digits(s, 4, &c.year) || s[4] != '-' || digits(s + 5, 2, &c.month) ||
        s[7] != '-' || digits(s + 8, 2, &c.day) || (s[10] != 'T' && s[10] != 't') ||
        digits(s + 11, 2, &c.hour) || s[13] != ':' || digits(s + 14, 2, &c.minute) ||
        s[16] != ':' || digits(s + 17, 2, &c.second))
        goto bad;
    const char *p = s + 19;
    if (*p == '.') {
        int k = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, k++)
            if (k < 3) c.ms = c.ms * 10 + (*p - '0');
        if (k == 0 || k > 9) goto bad;
        for (; k < 3; k++) c.ms *= 10;
    }
    if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
        c.offset_min = 0;
    } else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 23 || om > 59) goto bad;
        c.offset_min = (oh * 60 + om) * (p[0] == '-' ? -1 : 1);
    } else {
        goto bad;
    }
    return kc_time_from_civil(&c, unix_ms, err);
bad:
    return kc_error_set(err, KC_EINVAL,
                        "'%.40s' is not an RFC 3339 time like 2026-01-31T14:05:00Z or "
                        "2026-01-31T09:05:00-05:00", s);
}

/* ---- formatting --------------------------------------------------------------------------- */

void kc_time_to_civil(int64_t unix_ms, struct kc_civil *out)
{
    long day = kc_time_utc_day(unix_ms);
    int64_t rem = unix_ms - (int64_t)day * KC_MS_PER_DAY; /* 0 .. 86399999 */
    long y;
    unsigned m, d;
    kc_time_civil_from_days(day, &y, &m, &d);
    out->year = (int)y;
    out->month = (int)m;
    out->day = (int)d;
    out->hour = (int)(rem / 3600000);
    out->minute = (int)(rem / 60000 % 60);
    out->second = (int)(rem / 1000 % 60);
    out->ms = (int)(rem % 1000);
    out->offset_min = 0;
}

void kc_time_format(int64_t unix_ms, enum kc_time_prec prec, char *out)
{
    struct kc_civil c;
    kc_time_to_civil(unix_ms, &c);
    if (prec == KC_TIME_MILLIS)
        snprintf(out, KC_TIME_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year, c.month,
                 c.day, c.hour, c.minute, c.second, c.ms);
    else
        snprintf(out, KC_TIME_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day,
                 c.hour, c.minute, c.second);
}

void kc_time_format_date(long days, char *out)
{
    long y;
    unsigned m, d;
    kc_time_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) y = y < 0 ? 0 : 9999; /* never more than 10 characters */
    snprintf(out, 11, "%04ld-%02u-%02u", y, m, d);
}

int64_t kc_time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- time zones --------------------------------------------------------------------------- */

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static char tz_current[KC_TIME_ZONE_MAX]; /* the zone TZ is set to; "" = not set by us yet */

int kc_time_zone_check(const char *zone, struct kc_error *err)
{
    const char *z = zone ? zone : "";
    size_t n = strnlen(z, KC_TIME_ZONE_MAX);
    if (n == 0 || n >= KC_TIME_ZONE_MAX)
        return kc_error_set(err, KC_EINVAL, "time zone '%.40s': expected a tzdata name such as "
                            "America/New_York (1-%d characters)", z, KC_TIME_ZONE_MAX - 1);
    if (!strcmp(z, "UTC")) return KC_OK;
    int ok = z[0] != '/' && !strstr(z, "..");
    for (size_t i = 0; ok && i < n; i++) {
        char c = z[i];
        ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '/' || c == '_' || c == '+' || c == '-';
    }
    if (!ok)
        return kc_error_set(err, KC_EINVAL, "time zone '%.40s' is not a tzdata name such as "
                            "America/New_York", z);
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", z);
    FILE *f = fopen(path, "rb");
    char magic[4] = {0};
    size_t got = f ? fread(magic, 1, 4, f) : 0;
    if (f) fclose(f);
    if (got != 4 || memcmp(magic, "TZif", 4) != 0)
        return kc_error_set(err, KC_EINVAL, "time zone '%.40s' is not in the tzdata database "
                            "(%s); install tzdata or check the name", z, path);
    return KC_OK;
}

/* With tz_lock held: TZ set to zone. */
static void tz_use_locked(const char *zone)
{
    if (strcmp(tz_current, zone) == 0) return;
    setenv("TZ", zone, 1);
    tzset();
    snprintf(tz_current, sizeof tz_current, "%s", zone);
}

/* Offset (seconds east of UTC) of zone at UTC second t, with tz_lock held; 0 on failure. */
static int tz_offset_locked(int64_t t, int *ok)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm)) {
        *ok = 0;
        return 0;
    }
    return (int)tm.tm_gmtoff;
}

int kc_time_local_civil(int64_t unix_ms, const char *zone, struct kc_civil *out,
                        struct kc_error *err)
{
    int rc = kc_time_zone_check(zone, err);
    if (rc) return rc;
    int ok = 1;
    pthread_mutex_lock(&tz_lock);
    tz_use_locked(zone);
    int off = tz_offset_locked(floor_div(unix_ms, 1000), &ok);
    pthread_mutex_unlock(&tz_lock);
    if (!ok) return kc_error_set(err, KC_EINVAL, "time zone '%s': no local time for that instant",
                                 zone);
    kc_time_to_civil(unix_ms + (int64_t)off * 1000, out);
    out->offset_min = off / 60;
    return KC_OK;
}

int kc_time_local_day(int64_t unix_ms, const char *zone, long *days, struct kc_error *err)
{
    struct kc_civil c;
    int rc = kc_time_local_civil(unix_ms, zone, &c, err);
    if (rc) return rc;
    *days = kc_time_days_from_civil(c.year, (unsigned)c.month, (unsigned)c.day);
    return KC_OK;
}

/* The wall time's instants in zone: *nc = 0 (in a gap; *gap_start = where the day's clocks
 * jumped past it), 1 or 2 (an overlap, earlier first). */
static int local_candidates(long days, int hour, int minute, int second, const char *zone,
                            int64_t cand[2], int *nc, int64_t *gap_start, struct kc_error *err)
{
    int rc = kc_time_zone_check(zone, err);
    if (rc) return rc;
    long y;
    unsigned m, d;
    kc_time_civil_from_days(days, &y, &m, &d);
    struct kc_civil c = {(int)y, (int)m, (int)d, hour, minute, second, 0, 0};
    int64_t wall_ms;
    if (second == 60)
        return kc_error_set(err, KC_EINVAL, "local time %02d:%02d:60: a leap second is given in "
                            "UTC, not in a zone", hour, minute);
    if ((rc = kc_time_from_civil(&c, &wall_ms, err))) return rc;
    int64_t wall = wall_ms / 1000; /* the wall time read as if it were UTC */
    /* Candidates: the wall time less each offset in force a day either side (no zone changes
     * its offset twice within two days).  A candidate is real if the zone's offset at it maps
     * it back to the wall time. */
    int ok = 1;
    *nc = 0;
    pthread_mutex_lock(&tz_lock);
    tz_use_locked(zone);
    int offs[2] = {tz_offset_locked(wall - 86400, &ok), tz_offset_locked(wall + 86400, &ok)};
    for (int i = 0; i < 2 && ok; i++) {
        if (i == 1 && offs[1] == offs[0]) break;
        int64_t t = wall - offs[i];
        if (tz_offset_locked(t, &ok) == offs[i]) cand[(*nc)++] = t;
    }
    pthread_mutex_unlock(&tz_lock);
    if (!ok)
        return kc_error_set(err, KC_EINVAL, "time zone '%s': no offset for %04ld-%02u-%02u", zone,
                            y, m, d);
    if (*nc == 2 && cand[1] < cand[0]) {
        int64_t t = cand[0];
        cand[0] = cand[1];
        cand[1] = t;
    }
    /* in a gap the clocks jumped forward at the instant the old offset would have shown it */
    *gap_start = wall - offs[0];
    return KC_OK;
}

int kc_time_local_to_utc(long days, int hour, int minute, int second, const char *zone,
                         int64_t *unix_ms, int *ambiguous, struct kc_error *err)
{
    int64_t cand[2], gap;
    int nc;
    int rc = local_candidates(days, hour, minute, second, zone, cand, &nc, &gap, err);
    if (rc) return rc;
    if (nc == 0) {
        char d[11];
        kc_time_format_date(days, d);
        return kc_error_set(err, KC_EINVAL, "%sT%02d:%02d:%02d does not exist in %s: the clocks "
                            "skipped it (daylight saving time began)", d, hour, minute, second,
                            zone);
    }
    *unix_ms = cand[0] * 1000;
    if (ambiguous) *ambiguous = nc == 2;
    return KC_OK;
}

int kc_time_local_day_start(long days, const char *zone, int64_t *unix_ms, struct kc_error *err)
{
    int64_t cand[2], gap;
    int nc;
    int rc = local_candidates(days, 0, 0, 0, zone, cand, &nc, &gap, err);
    if (rc) return rc;
    *unix_ms = (nc ? cand[0] : gap) * 1000;
    return KC_OK;
}
