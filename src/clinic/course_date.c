/* course_date.c — the course's calendar: weekdays and clinic-day masks; dates themselves (days
 * from 1970-01-01, parsing, formatting) are the time module's (base/kctime.h). */
#include <stdio.h>
#include <string.h>

#include "base/kctime.h"
#include "clinic/course.h"

long course_days_from_civil(long y, unsigned m, unsigned d)
{
    return kc_time_days_from_civil(y, m, d);
}

void course_civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    kc_time_civil_from_days(z, y, m, d);
}

int course_weekday(long days)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0) */
    return (int)(((days % 7) + 7 + 3) % 7);
}

int course_date_parse(const char *text, long *days, struct kc_error *err)
{
    return kc_time_parse_date(text, days, err);
}

void course_date_format(long days, char *buf, unsigned long cap)
{
    char d[11];
    kc_time_format_date(days, d);
    snprintf(buf, cap, "%s", d);
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
