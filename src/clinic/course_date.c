/* course_date.c — civil-date arithmetic without a clock: days from 1970-01-01 and back
 * (Howard Hinnant, "chrono-compatible low-level date algorithms"), weekdays, ISO dates. */
#include <stdio.h>
#include <string.h>

#include "clinic/course.h"

long course_days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

void course_civil_from_days(long z, long *y, unsigned *m, unsigned *d)
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

int course_weekday(long days)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0) */
    return (int)(((days % 7) + 7 + 3) % 7);
}

static int days_in_month(long y, unsigned m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

int course_date_parse(const char *text, long *days, struct kc_error *err)
{
    long y = 0;
    unsigned m = 0, d = 0;
    const char *s = text ? text : "";
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return kc_error_set(err, KC_EINVAL, "date '%s': expected YYYY-MM-DD", s);
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) continue;
        if (s[i] < '0' || s[i] > '9')
            return kc_error_set(err, KC_EINVAL, "date '%s': expected YYYY-MM-DD", s);
    }
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (y < 1900 || y > 2200) return kc_error_set(err, KC_EINVAL, "date '%s': year outside 1900-2200", s);
    if (m < 1 || m > 12) return kc_error_set(err, KC_EINVAL, "date '%s': no month %u", s, m);
    if (d < 1 || (int)d > days_in_month(y, m))
        return kc_error_set(err, KC_EINVAL, "date '%s': month %u has no day %u", s, m, d);
    *days = course_days_from_civil(y, m, d);
    return KC_OK;
}

void course_date_format(long days, char *buf, unsigned long cap)
{
    long y;
    unsigned m, d;
    course_civil_from_days(days, &y, &m, &d);
    snprintf(buf, cap, "%04ld-%02u-%02u", y, m, d);
}

int course_days_parse(const char *text, unsigned *mask, struct kc_error *err)
{
    static const char *const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    unsigned mk = 0;
    const char *s = text ? text : "";
    if (!*s) return kc_error_set(err, KC_EINVAL, "clinic days: none given");
    for (;;) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        int k = -1;
        for (int i = 0; i < 7; i++)
            if (len == 3 && strncmp(s, names[i], 3) == 0) k = i;
        if (k < 0)
            return kc_error_set(err, KC_EINVAL, "clinic days: '%.*s' is not one of mon..sun",
                                (int)(len > 20 ? 20 : len), s);
        if (mk & (1u << k))
            return kc_error_set(err, KC_EINVAL, "clinic days: '%s' given twice", names[k]);
        mk |= 1u << k;
        if (!e) break;
        s = e + 1;
    }
    *mask = mk;
    return KC_OK;
}
