/* hl7_time.c — HL7 TS/DTM at every precision, RFC 3339 UTC, and the zones a time without an
 * offset is read in: fixed offsets here, tzdata zones through the time module (src/base/kctime.h,
 * thread-safe).  Civil-date arithmetic by H. Hinnant's days_from_civil / civil_from_days. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/kctime.h"
#include "hl7/oru.h"

static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long dy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * dy + 2) / 153;
    *d = (int)(dy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

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

int hl7_dtm_parse(const char *s, struct hl7_dtm *d, struct kc_error *err)
{
    memset(d, 0, sizeof *d);
    d->M = d->D = 1;
    size_t n = strlen(s), i = 0;
    int *f[6] = {&d->Y, &d->M, &d->D, &d->h, &d->mi, &d->s};
    static const int w[6] = {4, 2, 2, 2, 2, 2};
    for (int k = 0; k < 6 && i < n && s[i] >= '0' && s[i] <= '9'; k++) {
        if (i + (size_t)w[k] > n || digits(s + i, w[k], f[k])) goto bad;
        i += (size_t)w[k];
        d->prec = (int)i;
    }
    if (d->prec < 4) goto bad;
    if (d->prec == 14 && i + 3 <= n && digits(s + i, 3, &d->ms) == 0 &&
        (i + 3 == n || s[i + 3] == '+' || s[i + 3] == '-')) {
        i += 3; /* Mindray gateways: YYYYMMDDHHMMSSmmm, milliseconds without a point */
    } else if (d->prec == 14 && i < n && s[i] == '.') {
        int scale = 100, k = 0;
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, k++) {
            if (k >= 4) goto bad;
            d->ms += (s[i] - '0') * scale;
            scale /= 10;
        }
        if (k == 0) goto bad;
    }
    if (i < n) {
        int oh, om;
        if ((s[i] != '+' && s[i] != '-') || n - i != 5 || digits(s + i + 1, 2, &oh) ||
            digits(s + i + 3, 2, &om) || oh > 14 || om > 59)
            goto bad;
        d->has_off = 1;
        d->off_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    }
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (d->Y % 4 == 0 && d->Y % 100 != 0) || d->Y % 400 == 0;
    if (d->Y < 1900 || d->M < 1 || d->M > 12 || d->D < 1 || d->D > mdays[d->M - 1] ||
        (d->M == 2 && d->D == 29 && !leap) || d->h > 23 || d->mi > 59 || d->s > 59)
        goto bad;
    return KC_OK;
bad:
    return kc_error_set(err, KC_EINVAL, "'%.40s' is not an HL7 time "
                        "YYYY[MM[DD[HH[MM[SS[.SSSS]]]]]][+/-ZZZZ]", s);
}

long long hl7_dtm_local(const struct hl7_dtm *d)
{
    return days_from_civil(d->Y, d->M, d->D) * 86400 + d->h * 3600 + d->mi * 60 + d->s;
}

int hl7_rfc3339(long long t, int ms, char out[32], struct kc_error *err)
{
    long long z = (t >= 0 ? t : t - 86399) / 86400, sod = t - z * 86400, y;
    int m, d;
    civil_from_days(z, &y, &m, &d);
    if (y < 1 || y > 9999)
        return kc_error_set(err, KC_EINVAL, "time out of range (year %lld)", y);
    int f[7] = {(int)y, m, d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), ms};
    static const char layout[] = "0000-00-00T00:00:00.000Z";
    static const int pos[7] = {3, 6, 9, 12, 15, 18, 22}, width[7] = {4, 2, 2, 2, 2, 2, 3};
    memcpy(out, layout, sizeof layout);
    for (int k = 0; k < 7; k++)
        for (int w = 0, v = f[k]; w < width[k]; w++, v /= 10) out[pos[k] - w] = (char)('0' + v % 10);
    return KC_OK;
}

int hl7_rfc3339_parse(const char *s, long long *utc, struct kc_error *err)
{
    int Y, M, D, h, mi, sec;
    size_t n = strlen(s);
    if (n < 20 || digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
        digits(s + 8, 2, &D) || s[10] != 'T' || digits(s + 11, 2, &h) || s[13] != ':' ||
        digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec) || s[n - 1] != 'Z')
        return kc_error_set(err, KC_EINVAL, "'%.40s' is not a UTC RFC 3339 time", s);
    *utc = days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + sec;
    return KC_OK;
}

int hl7_time_utc(const char *dtm, char out[32], struct kc_error *err)
{
    struct hl7_dtm d;
    int rc = hl7_dtm_parse(dtm, &d, err);
    if (rc) return rc;
    if (d.prec < 12)
        return kc_error_set(err, KC_EINVAL, "'%.40s': a time to the minute at least is needed",
                            dtm);
    return hl7_rfc3339(hl7_dtm_local(&d) - (long long)d.off_min * 60, d.ms, out, err);
}

/* ---- zones ------------------------------------------------------------------------------- */

int hl7_zone_offset(const struct hl7_zone *z, long long local, int *off_min)
{
    if (!z || !z->set) return KC_EINVAL;
    if (!z->named) {
        *off_min = z->fixed_min;
        return KC_OK;
    }
    /* the zone's rules through the time module (tzdata): a wall time in a spring-forward gap
     * does not exist and is refused; one in a fall-back overlap is the earlier instant */
    long long days = (local >= 0 ? local : local - 86399) / 86400, sod = local - days * 86400;
    int64_t ms;
    if (kc_time_local_to_utc((long)days, (int)(sod / 3600), (int)(sod / 60 % 60),
                             (int)(sod % 60), z->name, &ms, NULL, NULL))
        return KC_EINVAL;
    long long utc = (ms >= 0 ? ms : ms - 999) / 1000;
    *off_min = (int)((local - utc) / 60);
    return KC_OK;
}

void hl7_zone_free(struct hl7_zone *z)
{
    if (!z) return;
    memset(z, 0, sizeof *z);
}

int hl7_zone_load(const char *spec, struct hl7_zone *z, struct kc_error *err)
{
    memset(z, 0, sizeof *z);
    if (!spec || !*spec) return kc_error_set(err, KC_EINVAL, "empty time zone");
    snprintf(z->name, sizeof z->name, "%s", spec);
    int oh, om;
    if (!strcmp(spec, "UTC") || !strcmp(spec, "Z")) {
        z->set = 1;
        return KC_OK;
    }
    if ((spec[0] == '+' || spec[0] == '-') && strlen(spec) == 5 && !digits(spec + 1, 2, &oh) &&
        !digits(spec + 3, 2, &om) && oh <= 14 && om <= 59) {
        z->set = 1;
        z->fixed_min = (oh * 60 + om) * (spec[0] == '-' ? -1 : 1);
        return KC_OK;
    }
    int rc = kc_time_zone_check(spec, err);
    if (rc) return rc;
    z->set = z->named = 1;
    return KC_OK;
}
