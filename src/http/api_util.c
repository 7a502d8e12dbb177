/* api_util.c — routing, strict JSON input and uniform JSON errors for the API handlers. */
#include <math.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/kctime.h"
#include "http/api.h"
#include "http/server.h"
#include "http/api_billing.h"
#include "http/api_ui.h"

static const struct api_route routes[] = {
    {"POST", "/api/login", -2, 0, api_login},
    {"POST", "/api/logout", -1, 0, api_logout},
    {"GET", "/api/me", -1, 0, api_me},
    {"POST", "/api/users", KC_RES_USERS, KC_ACT_WRITE, api_users_create},
    {"POST", "/api/tokens", KC_RES_USERS, KC_ACT_WRITE, api_tokens_create},
    {"GET", "/api/patients", KC_RES_PATIENT, KC_ACT_READ, api_patients_list},
    {"POST", "/api/patients", KC_RES_PATIENT, KC_ACT_WRITE, api_patients_create},
    {"GET", "/api/patients/:id", KC_RES_PATIENT, KC_ACT_READ, api_patients_get},
    {"POST", "/api/patients/:id/weights", KC_RES_PATIENT, KC_ACT_WRITE, api_patients_weight},
    {"POST", "/api/patients/:id/scales", KC_RES_SCALES, KC_ACT_WRITE, api_scales_add},
    {"GET", "/api/patients/:id/scales", KC_RES_SCALES, KC_ACT_READ, api_scales_list},
    {"GET", "/api/sessions", KC_RES_SCHEDULE, KC_ACT_READ, api_sessions_list},
    {"POST", "/api/sessions", KC_RES_SCHEDULE, KC_ACT_WRITE, api_sessions_create},
    {"GET", "/api/sessions/:id", KC_RES_SESSION, KC_ACT_READ, api_sessions_get},
    {"POST", "/api/sessions/:id/status", KC_RES_SESSION, KC_ACT_WRITE, api_sessions_status},
    {"POST", "/api/sessions/:id/vitals", KC_RES_VITALS, KC_ACT_WRITE, api_vitals_add},
    {"GET", "/api/sessions/:id/vitals/count", KC_RES_VITALS, KC_ACT_READ, api_vitals_count},
    {"GET", "/api/sessions/:id/vitals", KC_RES_VITALS, KC_ACT_READ, api_vitals_list},
    {"GET", "/api/sessions/:id/events", KC_RES_VITALS, KC_ACT_READ, api_events},
    {"POST", "/api/sessions/:id/doses", KC_RES_DOSE, KC_ACT_WRITE, api_doses_add},
    {"GET", "/api/sessions/:id/side-effects", KC_RES_SESSION, KC_ACT_READ, api_side_effects_list},
    {"POST", "/api/sessions/:id/side-effects", KC_RES_SESSION, KC_ACT_WRITE, api_side_effects_add},
    {"POST", "/api/pk/simulate", KC_RES_PK, KC_ACT_READ, api_pk_simulate},
    {"GET", "/api/audit", KC_RES_AUDIT, KC_ACT_READ, api_audit_list},
    {"GET", "/api/ledger/balances", KC_RES_LEDGER, KC_ACT_READ, api_ledger_balances},
    /* the web UI (issue 8): api_clinical.c, api_ops.c, api_chair.c */
    {"POST", "/api/patients/:id/screenings", KC_RES_CLINICAL, KC_ACT_WRITE, api_screenings_add},
    {"GET", "/api/patients/:id/screenings", KC_RES_CLINICAL, KC_ACT_READ, api_screenings_list},
    {"POST", "/api/patients/:id/plans", KC_RES_CLINICAL, KC_ACT_WRITE, api_plans_add},
    {"GET", "/api/patients/:id/plans", KC_RES_CLINICAL, KC_ACT_READ, api_plans_list},
    {"POST", "/api/plans/:id/sign", KC_RES_CLINICAL, KC_ACT_SIGN, api_plans_sign},
    {"POST", "/api/sessions/:id/discharge", KC_RES_SESSION, KC_ACT_WRITE, api_discharge_check},
    {"GET", "/api/sessions/:id/discharge", KC_RES_SESSION, KC_ACT_READ, api_discharge_latest},
    {"POST", "/api/sessions/:id/interventions", KC_RES_SESSION, KC_ACT_WRITE, api_interventions_add},
    {"GET", "/api/sessions/:id/interventions", KC_RES_SESSION, KC_ACT_READ, api_interventions_list},
    {"POST", "/api/ledger", KC_RES_LEDGER, KC_ACT_WRITE, api_ledger_add},
    {"GET", "/api/ledger/entries", KC_RES_LEDGER, KC_ACT_READ, api_ledger_entries},
    {"GET", "/api/outcomes", KC_RES_SCALES, KC_ACT_READ, api_outcomes},
    {"GET", "/api/scales/:key/lines", KC_RES_SCALES, KC_ACT_READ, api_scale_lines},
    {"GET", "/api/users", KC_RES_USERS, KC_ACT_READ, api_users_list},
    {"GET", "/api/patients/:id/booking-check", KC_RES_SCHEDULE, KC_ACT_READ, api_billing_booking_check},
    {"POST", "/api/patients/:id/rems-enrolment", KC_RES_CLINICAL, KC_ACT_WRITE, api_rems_enrol},
    {"GET", "/api/sessions/:id/rems", KC_RES_SESSION, KC_ACT_READ, api_rems_form},
    {"POST", "/api/sessions/:id/rems/sign", KC_RES_SESSION, KC_ACT_SIGN, api_rems_sign},
    {"POST", "/api/sessions/:id/rems/submit", KC_RES_SESSION, KC_ACT_WRITE, api_rems_submit},
    {"GET", "/api/rems/tracker", KC_RES_SESSION, KC_ACT_READ, api_rems_tracker},
    {"GET", "/api/reports/operations", KC_RES_BILLING, KC_ACT_READ, api_report_operations},
    {"POST", "/api/sessions/:id/charges", KC_RES_BILLING, KC_ACT_WRITE, api_billing_charge},
    {"POST", "/api/patients/:id/billing", KC_RES_BILLING, KC_ACT_WRITE, api_billing_entry},
    {"GET", "/api/patients/:id/billing", KC_RES_BILLING, KC_ACT_READ, api_billing_account},
    {"GET", "/api/patients/:id/superbill", KC_RES_BILLING, KC_ACT_READ, api_billing_superbill},
    /* the FHIR face (fhir.c, fhir_write.c): reads and searches check the role per part */
    {"GET", "/fhir/metadata", -2, 0, api_fhir_metadata},
    {"GET", "/fhir/.well-known/smart-configuration", -2, 0, api_fhir_smart_configuration},
    {"GET", "/.well-known/smart-configuration", -2, 0, api_fhir_smart_configuration},
    {"GET", "/fhir/Patient/:id/$everything", KC_RES_PATIENT, KC_ACT_READ, api_fhir_everything},
    {"POST", "/fhir/Patient", KC_RES_PATIENT, KC_ACT_WRITE, api_fhir_patient_create},
    {"PUT", "/fhir/Patient", KC_RES_PATIENT, KC_ACT_WRITE, api_fhir_patient_update},
    {"PUT", "/fhir/Patient/:id", KC_RES_PATIENT, KC_ACT_WRITE, api_fhir_patient_update},
    {"POST", "/fhir/Observation", -1, 0, api_fhir_observation_create},
    {"GET", "/fhir/:type/:id/_history/:vid", -1, 0, api_fhir_read},
    {"GET", "/fhir/:type/:id", -1, 0, api_fhir_read},
    {"GET", "/fhir/:type", -1, 0, api_fhir_search},
};

/* Matches pattern against path; ":x" matches one non-empty segment. */
static int match(const char *pattern, const char *path, struct api_req *r)
{
    int n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == ':') {
            while (*p && *p != '/') p++;
            const char *start = s;
            while (*s && *s != '/') s++;
            if (s == start || n >= API_MAX_PARAMS) return 0;
            r->params[n++] = start; /* ends at the next '/' or NUL: see api_param_id */
            continue;
        }
        if (*p != *s) return 0;
        p++;
        s++;
    }
    if (*p || *s) return 0;
    r->n_params = n;
    return 1;
}

const struct api_route *api_route_find(const char *method, const char *path, struct api_req *r,
                                       int *status)
{
    int path_seen = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!match(routes[i].pattern, path, r)) continue;
        path_seen = 1;
        if (strcmp(routes[i].method, method) == 0) return &routes[i];
    }
    *status = path_seen ? 405 : 404;
    return NULL;
}

int api_json(struct api_req *r, int status, json_t *body)
{
    if (r->resp) json_decref(r->resp);
    r->status = status;
    r->resp = body;
    return status;
}

static const char *code_for(int status)
{
    switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "body_too_large";
    case 422: return "invalid";
    case 429: return "too_many_attempts";
    case 431: return "headers_too_large";
    case 503: return "unavailable";
    default: return status >= 500 ? "server_error" : "error";
    }
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes there are not one. */
static size_t utf8_seq(const unsigned char *p)
{
    size_t n = 0;
    if (p[0] < 0x80) n = 1;
    else if ((p[0] & 0xe0) == 0xc0 && p[0] >= 0xc2) n = 2;
    else if ((p[0] & 0xf0) == 0xe0) n = 3;
    else if ((p[0] & 0xf8) == 0xf0 && p[0] <= 0xf4) n = 4;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80) return 0;
    if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))) return 0;
    if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))) return 0;
    return n;
}

void api_text_clean(char *out, size_t size, const char *in)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && size;) {
        size_t n = utf8_seq(p);
        char esc[5];
        const char *src = (const char *)p;
        size_t len = n;
        if (!n) { /* a byte that is not UTF-8 (a value quoted back from a query string) */
            snprintf(esc, sizeof esc, "\\x%02X", *p);
            src = esc;
            len = 4;
        }
        if (o + len >= size) break;
        memcpy(out + o, src, len);
        o += len;
        p += n ? n : 1;
    }
    if (size) out[o] = '\0';
}

int api_error(struct api_req *r, int status, const char *field, const char *fmt, ...)
{
    char raw[512], msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    api_text_clean(msg, sizeof msg, raw); /* JSON text must be UTF-8, or jansson refuses it */
    json_t *e = json_pack("{s:i, s:s, s:s}", "status", status, "code", code_for(status), "message", msg);
    if (field) {
        api_text_clean(raw, sizeof raw, field);
        json_object_set_new(e, "field", json_string(raw));
    }
    return api_json(r, status, json_pack("{s:o}", "error", e));
}

int api_from_error(struct api_req *r, const struct kc_error *err)
{
    int status;
    switch (err->code) {
    case KC_EINVAL: status = 422; break;
    case KC_ERANGE: status = 422; break;
    case KC_ENOTFOUND: status = 404; break;
    case KC_ECONFLICT: status = 409; break;
    case KC_EDENIED: status = 403; break;
    case KC_ELIMIT: status = 503; break;
    case KC_EUNSUPPORTED: status = 422; break;
    case KC_EIO: status = 503; break;
    default: status = 500; break;
    }
    return api_error(r, status, NULL, "%s", err->msg[0] ? err->msg : kc_status_name(err->code));
}

void api_header(struct api_req *r, const char *name, const char *value)
{
    if (r->n_extra >= API_MAX_HEADERS) return;
    snprintf(r->extra_headers[r->n_extra][0], 256, "%s", name);
    snprintf(r->extra_headers[r->n_extra][1], 256, "%s", value);
    r->n_extra++;
}

int api_body_object(struct api_req *r, const char *const *allowed, json_t **out)
{
    if (!r->body || r->body_len == 0) return api_error(r, 400, NULL, "a JSON object body is required");
    json_error_t je;
    json_t *o = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!o) return api_error(r, 400, NULL, "malformed JSON at line %d column %d: %s", je.line, je.column, je.text);
    if (!json_is_object(o)) {
        json_decref(o);
        return api_error(r, 400, NULL, "the body must be a JSON object");
    }
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        int known = 0;
        for (int i = 0; allowed[i]; i++)
            if (strcmp(key, allowed[i]) == 0) known = 1;
        if (!known) {
            char k[64];
            snprintf(k, sizeof k, "%s", key);
            json_decref(o);
            return api_error(r, 422, k, "unknown field '%s'", k);
        }
    }
    *out = o;
    return 0;
}

int api_get_string(struct api_req *r, json_t *o, const char *key, int required, size_t max_len,
                   const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required) return api_error(r, 422, key, "'%s' is required", key);
        return 0;
    }
    if (!json_is_string(v)) return api_error(r, 422, key, "'%s' must be a string", key);
    size_t n = json_string_length(v);
    if (n > max_len) return api_error(r, 422, key, "'%s' is longer than %zu characters", key, max_len);
    if (required && n == 0) return api_error(r, 422, key, "'%s' must not be empty", key);
    if (strlen(json_string_value(v)) != n) return api_error(r, 422, key, "'%s' contains a NUL character", key);
    *out = json_string_value(v);
    return 0;
}

int api_get_number(struct api_req *r, json_t *o, const char *key, int required, double min,
                   double max, double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required) return api_error(r, 422, key, "'%s' is required", key);
        return 0;
    }
    if (!json_is_number(v)) return api_error(r, 422, key, "'%s' must be a number", key);
    double d = json_number_value(v);
    if (!isfinite(d) || d < min || d > max)
        return api_error(r, 422, key, "'%s' = %g is outside %g..%g", key, d, min, max);
    *out = d;
    return 0;
}

int api_get_int(struct api_req *r, json_t *o, const char *key, int required, long long min,
                long long max, long long *out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required) return api_error(r, 422, key, "'%s' is required", key);
        return 0;
    }
    if (!json_is_integer(v)) return api_error(r, 422, key, "'%s' must be a whole number", key);
    long long d = json_integer_value(v);
    if (d < min || d > max) return api_error(r, 422, key, "'%s' = %lld is outside %lld..%lld", key, d, min, max);
    *out = d;
    return 0;
}

int api_param_id(struct api_req *r, int i, int64_t *id)
{
    if (i >= r->n_params) return api_error(r, 404, NULL, "missing id");
    const char *s = r->params[i];
    int64_t v = 0;
    int digits = 0;
    for (; *s && *s != '/'; s++, digits++) {
        if (*s < '0' || *s > '9' || digits >= 15) return api_error(r, 404, NULL, "no such record");
        v = v * 10 + (*s - '0');
    }
    if (v <= 0) return api_error(r, 404, NULL, "no such record");
    *id = v;
    return 0;
}

void api_time_text(time_t t, char out[32])
{
    kc_time_format((int64_t)t * 1000, KC_TIME_SECONDS, out);
}

time_t api_time_parse(const char *at)
{
    int64_t ms;
    if (kc_time_parse(at, &ms, NULL)) return (time_t)-1;
    return (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
}

const char *api_zone(const struct api_req *r)
{
    return r->srv && r->srv->opt.time_zone ? r->srv->opt.time_zone : "UTC";
}

long api_today(const struct api_req *r)
{
    long day;
    if (kc_time_local_day(kc_time_now_ms(), api_zone(r), &day, NULL))
        day = kc_time_utc_day(kc_time_now_ms()); /* zone checked at start: not reached */
    return day;
}

int api_age_years(const char *birth, time_t now)
{
    long b, on;
    if (kc_time_parse_date(birth, &b, NULL)) return -1;
    on = kc_time_utc_day((int64_t)now * 1000);
    return kc_time_age_years(b, on);
}

int api_age_today(const struct api_req *r, const char *birth)
{
    long b;
    if (kc_time_parse_date(birth, &b, NULL)) return -1;
    return kc_time_age_years(b, api_today(r));
}

int api_day_range(struct api_req *r, const char *field, const char *date, char from[32],
                  char to[32])
{
    long day;
    int64_t a, b;
    struct kc_error err = {0};
    if (kc_time_parse_date(date, &day, &err) ||
        kc_time_local_day_start(day, api_zone(r), &a, &err) ||
        kc_time_local_day_start(day + 1, api_zone(r), &b, &err))
        return api_error(r, 400, field, "'%s': %s", field, err.msg);
    kc_time_format(a, KC_TIME_MILLIS, from);
    kc_time_format(b, KC_TIME_MILLIS, to);
    return 0;
}

const char *api_query(struct api_req *r, const char *name)
{
    if (r->conn)
        return MHD_lookup_connection_value((struct MHD_Connection *)r->conn,
                                           MHD_GET_ARGUMENT_KIND, name);
    for (const char *const *q = r->query; q && q[0] && q[1]; q += 2) /* the first one wins */
        if (strcmp(q[0], name) == 0) return q[1];
    return NULL;
}

struct each_arg {
    int (*fn)(void *ctx, const char *key, const char *value);
    void *ctx;
    int rc;
};

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    struct each_arg *a = cls;
    a->rc = a->fn(a->ctx, key, value ? value : "");
    return a->rc ? MHD_NO : MHD_YES;
}

int api_query_each(struct api_req *r, int (*fn)(void *ctx, const char *key, const char *value),
                   void *ctx)
{
    struct each_arg a = {fn, ctx, 0};
    if (r->conn)
        MHD_get_connection_values((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, each_arg,
                                  &a);
    return a.rc;
}

void api_route_methods(const char *path, char *out, size_t size)
{
    struct api_req tmp;
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        memset(&tmp, 0, sizeof tmp);
        if (!match(routes[i].pattern, path, &tmp) || strstr(out, routes[i].method)) continue;
        n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s", n ? ", " : "",
                              routes[i].method);
        if (n >= size) break;
    }
}

const char *api_header_in(struct api_req *r, const char *name)
{
    return r->conn ? MHD_lookup_connection_value((struct MHD_Connection *)r->conn,
                                                 MHD_HEADER_KIND, name)
                   : NULL;
}

const struct protocol *api_protocol(const struct api_req *r)
{
    return &r->srv->proto;
}
