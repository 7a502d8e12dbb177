/* fhir_search.c — FHIR R4 search parameters and matching (see fhir_search.h).  Where the
 * specification leaves a choice, this follows HAPI FHIR: a date without a time zone is taken
 * in the server's zone (UTC here); ge/le on a range match when the ranges overlap at or above
 * (below) the value. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/kctime.h"
#include "fhir/fhir_search.h"

#define SP "http://hl7.org/fhir/SearchParameter/"

/* Only what works is here: the CapabilityStatement is built from this table. */
static const struct fhir_param_def params[] = {
    {"Patient", "_id", "token", "id", NULL, SP "Resource-id"},
    {"Patient", "identifier", "token", "identifier", NULL, SP "Patient-identifier"},
    {"Patient", "name", "string", "name", NULL, SP "Patient-name"},
    {"Patient", "family", "string", "name.family", NULL, SP "individual-family"},
    {"Patient", "given", "string", "name.given", NULL, SP "individual-given"},
    {"Patient", "birthdate", "date", "birthDate", NULL, SP "individual-birthdate"},
    {"Patient", "gender", "token", "gender", NULL, SP "individual-gender"},
    {"Encounter", "_id", "token", "id", NULL, SP "Resource-id"},
    {"Encounter", "patient", "reference", "subject", "Patient", SP "clinical-patient"},
    {"Encounter", "subject", "reference", "subject", NULL, SP "Encounter-subject"},
    {"Encounter", "date", "date", "period", NULL, SP "clinical-date"},
    {"Encounter", "status", "token", "status", NULL, SP "Encounter-status"},
    {"Observation", "_id", "token", "id", NULL, SP "Resource-id"},
    {"Observation", "patient", "reference", "subject", "Patient", SP "clinical-patient"},
    {"Observation", "subject", "reference", "subject", NULL, SP "Observation-subject"},
    {"Observation", "encounter", "reference", "encounter", "Encounter", SP "clinical-encounter"},
    {"Observation", "code", "token", "code", NULL, SP "clinical-code"},
    {"Observation", "category", "token", "category", NULL, SP "Observation-category"},
    {"Observation", "date", "date", "effectiveDateTime,effectivePeriod", NULL, SP "clinical-date"},
    {"Observation", "status", "token", "status", NULL, SP "Observation-status"},
    {"MedicationAdministration", "_id", "token", "id", NULL, SP "Resource-id"},
    {"MedicationAdministration", "patient", "reference", "subject", "Patient",
     SP "clinical-patient"},
    {"MedicationAdministration", "context", "reference", "context", "Encounter",
     SP "MedicationAdministration-context"},
    {"MedicationAdministration", "effective-time", "date", "effectiveDateTime,effectivePeriod",
     NULL, SP "MedicationAdministration-effective-time"},
    {"AdverseEvent", "_id", "token", "id", NULL, SP "Resource-id"},
    {"AdverseEvent", "subject", "reference", "subject", "Patient", SP "AdverseEvent-subject"},
    {"AdverseEvent", "date", "date", "date", NULL, SP "AdverseEvent-date"},
    {"AdverseEvent", "severity", "token", "severity", NULL, SP "AdverseEvent-severity"},
    {"QuestionnaireResponse", "_id", "token", "id", NULL, SP "Resource-id"},
    {"QuestionnaireResponse", "patient", "reference", "subject", "Patient",
     SP "QuestionnaireResponse-patient"},
    {"QuestionnaireResponse", "subject", "reference", "subject", NULL,
     SP "QuestionnaireResponse-subject"},
    {"QuestionnaireResponse", "authored", "date", "authored", NULL,
     SP "QuestionnaireResponse-authored"},
    {"Questionnaire", "_id", "token", "id", NULL, SP "Resource-id"},
    {"Questionnaire", "url", "token", "url", NULL, SP "Questionnaire-url"},
    {"AuditEvent", "_id", "token", "id", NULL, SP "Resource-id"},
};

const struct fhir_param_def *fhir_params(const char *type, int *n)
{
    const struct fhir_param_def *first = NULL;
    *n = 0;
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        if (strcmp(params[i].type, type) == 0) {
            if (!first) first = &params[i];
            (*n)++;
        }
    return first;
}

/* ---- dates ---- */

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

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

static double utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (double)timegm(&tm);
}

/* [first local day, first local day after) in the clinic's zone (NULL: UTC), in seconds: a date
 * without a time is the clinic's calendar day (as HAPI FHIR takes it in the server's zone). */
static int local_days(int y1, int m1, int d1, int y2, int m2, int d2, const char *zone, double *lo,
                      double *hi)
{
    int64_t a, b;
    if (y1 < KC_TIME_YEAR_MIN || y2 > KC_TIME_YEAR_MAX) return -1;
    long da = kc_time_days_from_civil(y1, (unsigned)m1, (unsigned)d1);
    long db = kc_time_days_from_civil(y2, (unsigned)m2, (unsigned)d2);
    if (!zone || !strcmp(zone, "UTC")) {
        a = (int64_t)da * KC_MS_PER_DAY;
        b = (int64_t)db * KC_MS_PER_DAY;
    } else if (kc_time_local_day_start(da, zone, &a, NULL) ||
               kc_time_local_day_start(db, zone, &b, NULL)) {
        return -1;
    }
    *lo = (double)a / 1000.0;
    *hi = (double)b / 1000.0;
    return 0;
}

/* A FHIR date, dateTime or instant -> [lo, hi).  A time needs its zone (Z or an offset): FHIR
 * dateTime requires one, and a value without is refused rather than guessed. */
static int when(const char *v, const char *zone, double *lo, double *hi)
{
    int y, mo = 1, d = 1, h = 0, mi = 0, s = 0;
    size_t n = strlen(v);
    if (n < 4 || digits(v, 4, &y) || y < 1) return -1;
    if (n == 4) return local_days(y, 1, 1, y + 1, 1, 1, zone, lo, hi);
    if (v[4] != '-' || n < 7 || digits(v + 5, 2, &mo) || mo < 1 || mo > 12) return -1;
    if (n == 7)
        return local_days(y, mo, 1, mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1, 1, zone, lo, hi);
    if (v[7] != '-' || n < 10 || digits(v + 8, 2, &d) || d < 1 || d > days_in(y, mo)) return -1;
    if (n == 10) {
        long day = kc_time_days_from_civil(y, (unsigned)mo, (unsigned)d) + 1;
        struct kc_civil c;
        kc_time_to_civil(day * KC_MS_PER_DAY, &c);
        return local_days(y, mo, d, c.year, c.month, c.day, zone, lo, hi);
    }
    const char *p = v + 10;
    if (*p != 'T' || digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi) || h > 23 ||
        mi > 59)
        return -1;
    p += 6;
    double step = 60, frac = 0;
    if (*p == ':') {
        if (digits(p + 1, 2, &s) || s > 59) return -1;
        p += 3;
        step = 1;
        if (*p == '.') {
            p++;
            double scale = 1;
            if (*p < '0' || *p > '9') return -1;
            for (; *p >= '0' && *p <= '9'; p++) {
                scale /= 10;
                frac += (*p - '0') * scale;
            }
            step = scale;
        }
    }
    double off = 0;
    if (!*p) return -1; /* a time without a zone */
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 14 || om > 59)
            return -1;
        off = (oh * 3600.0 + om * 60.0) * (*p == '+' ? 1 : -1);
        p += 6;
    }
    if (*p) return -1;
    *lo = utc(y, mo, d, h, mi, s) + frac - off;
    *hi = *lo + step;
    return 0;
}

int fhir_date_parse(const char *v, const char *zone, char prefix[3], double *lo, double *hi)
{
    static const char *const pf[] = {"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb"};
    snprintf(prefix, 3, "eq");
    for (size_t i = 0; i < sizeof pf / sizeof pf[0]; i++)
        if (strncmp(v, pf[i], 2) == 0) {
            snprintf(prefix, 3, "%s", pf[i]);
            v += 2;
            break;
        }
    return when(v, zone, lo, hi);
}

int fhir_date_match(const char *p, double lo, double hi, double tlo, double thi)
{
    int eq = lo <= tlo && thi <= hi; /* the search range contains the target */
    if (!strcmp(p, "eq")) return eq;
    if (!strcmp(p, "ne")) return !eq;
    if (!strcmp(p, "gt")) return thi > hi; /* the range above the value meets the target */
    if (!strcmp(p, "lt")) return tlo < lo; /* the range below the value meets the target */
    if (!strcmp(p, "ge")) return thi > hi || eq;
    if (!strcmp(p, "le")) return tlo < lo || eq;
    if (!strcmp(p, "sa")) return tlo >= hi; /* starts after the value's range ends */
    if (!strcmp(p, "eb")) return thi <= lo; /* ends before the value's range starts */
    return 0;
}

/* ---- parsing ---- */

int fhir_criterion_parse(const char *type, const char *key, const char *value, const char *zone,
                         struct fhir_criterion *c, struct kc_error *err)
{
    char name[64];
    const char *colon = strchr(key, ':');
    size_t n = colon ? (size_t)(colon - key) : strlen(key);
    memset(c, 0, sizeof *c);
    c->zone = zone;
    if (n >= sizeof name || (colon && strlen(colon + 1) >= sizeof c->modifier))
        return kc_error_set(err, KC_EUNSUPPORTED, "unknown search parameter '%.60s'", key);
    memcpy(name, key, n);
    name[n] = '\0';
    int np;
    const struct fhir_param_def *defs = fhir_params(type, &np);
    for (int i = 0; i < np; i++)
        if (strcmp(defs[i].name, name) == 0) c->def = &defs[i];
    if (!c->def)
        return kc_error_set(err, KC_EUNSUPPORTED, "%s has no search parameter '%s'", type, name);
    if (colon) {
        snprintf(c->modifier, sizeof c->modifier, "%s", colon + 1);
        if (strcmp(c->modifier, "missing") != 0 &&
            !(strcmp(c->modifier, "exact") == 0 && !strcmp(c->def->kind, "string")))
            return kc_error_set(err, KC_EUNSUPPORTED, "modifier ':%s' is not supported on '%s'",
                                c->modifier, name);
    }
    if (strlen(value) >= sizeof c->value)
        return kc_error_set(err, KC_EINVAL, "the value of '%s' is longer than %d characters", name,
                            FHIR_VALUE_MAX - 1);
    snprintf(c->value, sizeof c->value, "%s", value);
    if (!value[0]) return kc_error_set(err, KC_EINVAL, "'%s' has an empty value", name);
    if (!strcmp(c->modifier, "missing")) {
        if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
            return kc_error_set(err, KC_EINVAL, "'%s:missing' takes true or false", name);
        return 0;
    }
    if (!strcmp(c->def->kind, "date")) {
        char one[FHIR_VALUE_MAX], pfx[3];
        double lo, hi;
        snprintf(one, sizeof one, "%s", value);
        for (char *s = one, *t; (t = strsep(&s, ","));)
            if (fhir_date_parse(t, zone, pfx, &lo, &hi))
                return kc_error_set(err, KC_EINVAL,
                                    "'%s' is not a date search value "
                                    "([eq|ne|gt|lt|ge|le|sa|eb]YYYY[-MM[-DD[Thh:mm[:ss[.f]]"
                                    "[Z|+hh:mm]]]])",
                                    t);
    }
    return 0;
}

/* ---- matching ---- */

/* Calls fn on every value at a dotted path under v, arrays flattened. */
static int each_at(json_t *v, const char *path, int (*fn)(json_t *, void *), void *ctx)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) if (each_at(x, path, fn, ctx)) return 1;
        return 0;
    }
    if (!*path) return fn(v, ctx);
    const char *dot = strchr(path, '.');
    char key[64];
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    if (n >= sizeof key || !json_is_object(v)) return 0;
    memcpy(key, path, n);
    key[n] = '\0';
    json_t *child = json_object_get(v, key);
    return child ? each_at(child, dot ? dot + 1 : "", fn, ctx) : 0;
}

struct one {
    const struct fhir_criterion *c;
    const char *value; /* one of the comma-separated alternatives */
};

static int ieq_prefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (!*s || tolower((unsigned char)*s) != tolower((unsigned char)*prefix)) return 0;
    return 1;
}

static int string_match(json_t *v, void *ctx)
{
    struct one *o = ctx;
    if (json_is_object(v)) { /* HumanName */
        static const char *const parts[] = {"family", "given", "text", "prefix", "suffix"};
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
            json_t *p = json_object_get(v, parts[i]);
            if (p && each_at(p, "", string_match, o)) return 1;
        }
        return 0;
    }
    const char *s = json_string_value(v);
    if (!s) return 0;
    return !strcmp(o->c->modifier, "exact") ? strcmp(s, o->value) == 0 : ieq_prefix(s, o->value);
}

static int coding_match(const char *sys, const char *code, const char *want)
{
    const char *bar = strchr(want, '|');
    if (!bar) return code && strcmp(code, want) == 0;
    size_t n = (size_t)(bar - want);
    int sys_ok = n == 0 ? !sys : (sys && strlen(sys) == n && strncmp(sys, want, n) == 0);
    return sys_ok && (!bar[1] || (code && strcmp(code, bar + 1) == 0));
}

static int token_match(json_t *v, void *ctx)
{
    struct one *o = ctx;
    if (json_is_string(v)) { /* code, id, uri: the system is implied */
        const char *bar = strchr(o->value, '|');
        return strcmp(json_string_value(v), bar ? bar + 1 : o->value) == 0;
    }
    if (!json_is_object(v)) return 0;
    json_t *codings = json_object_get(v, "coding");
    if (codings) {
        size_t i;
        json_t *c;
        json_array_foreach(codings, i,
                           c) if (coding_match(json_string_value(json_object_get(c, "system")),
                                               json_string_value(json_object_get(c, "code")),
                                               o->value)) return 1;
        return 0;
    }
    json_t *code = json_object_get(v, "code");
    if (!code) code = json_object_get(v, "value"); /* Identifier */
    return coding_match(json_string_value(json_object_get(v, "system")), json_string_value(code),
                        o->value);
}

static int reference_match(json_t *v, void *ctx)
{
    struct one *o = ctx;
    const char *r = json_string_value(json_object_get(v, "reference"));
    if (!r) return 0;
    /* the wanted value: "Type/id", "id", or a URL ending in "Type/id" */
    const char *want = o->value, *slash = strrchr(want, '/');
    char wtype[64] = "", wid[64];
    if (slash) {
        const char *t = slash;
        while (t > want && t[-1] != '/')
            t--;
        snprintf(wtype, sizeof wtype, "%.*s", (int)(slash - t), t);
        snprintf(wid, sizeof wid, "%s", slash + 1);
    } else {
        snprintf(wtype, sizeof wtype, "%s", o->c->def->target ? o->c->def->target : "");
        snprintf(wid, sizeof wid, "%s", want);
    }
    const char *rs = strrchr(r, '/');
    if (!rs) return 0;
    if (strcmp(rs + 1, wid) != 0) return 0;
    return !wtype[0] || ((size_t)(rs - r) == strlen(wtype) && !strncmp(r, wtype, strlen(wtype)));
}

static int date_match(json_t *v, void *ctx)
{
    struct one *o = ctx;
    double tlo, thi, lo, hi;
    char pfx[3];
    if (fhir_date_parse(o->value, o->c->zone, pfx, &lo, &hi)) return 0;
    if (json_is_string(v)) {
        if (when(json_string_value(v), o->c->zone, &tlo, &thi)) return 0;
    } else if (json_is_object(v)) { /* Period: an open end is unbounded */
        double a, b;
        const char *s = json_string_value(json_object_get(v, "start"));
        const char *e = json_string_value(json_object_get(v, "end"));
        tlo = -INFINITY, thi = INFINITY;
        if (s && !when(s, o->c->zone, &a, &b)) tlo = a;
        if (e && !when(e, o->c->zone, &a, &b)) thi = b;
    } else {
        return 0;
    }
    return fhir_date_match(pfx, lo, hi, tlo, thi);
}

static int present(json_t *v, void *ctx)
{
    (void)v, (void)ctx;
    return 1;
}

static int at_paths(json_t *res, const char *paths, int (*fn)(json_t *, void *), void *ctx)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", paths);
    for (char *s = buf, *t; (t = strsep(&s, ","));)
        if (each_at(res, t, fn, ctx)) return 1;
    return 0;
}

static int one_criterion(json_t *res, const struct fhir_criterion *c)
{
    if (!strcmp(c->modifier, "missing"))
        return at_paths(res, c->def->paths, present, NULL) == (strcmp(c->value, "false") == 0);
    int (*fn)(json_t *, void *) = !strcmp(c->def->kind, "token")       ? token_match
                                  : !strcmp(c->def->kind, "date")      ? date_match
                                  : !strcmp(c->def->kind, "reference") ? reference_match
                                                                       : string_match;
    char buf[FHIR_VALUE_MAX];
    snprintf(buf, sizeof buf, "%s", c->value);
    for (char *s = buf, *t; (t = strsep(&s, ","));) {
        struct one o = {c, t};
        if (at_paths(res, c->def->paths, fn, &o)) return 1;
    }
    return 0;
}

int fhir_matches(json_t *res, const struct fhir_criterion *c, int n)
{
    for (int i = 0; i < n; i++)
        if (!one_criterion(res, &c[i])) return 0;
    return 1;
}
