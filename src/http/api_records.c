/* api_records.c — patients, weights, sessions, vital signs and rating scales over the plain
 * JSON API.  Input is validated strictly here; clinical rules come from src/clinic. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/kctime.h"
#include "clinic/billing.h"
#include "clinic/plausibility.h"
#include "clinic/protocol.h"
#include "clinic/scale.h"
#include "http/api.h"
#include "store/store_billing.h"

#define MAX_VITALS_BATCH 1000

static void now_rfc3339(char out[32])
{
    api_time_text(time(NULL), out);
}

static int get_time(struct api_req *r, json_t *o, const char *key, char out[32])
{
    const char *s;
    if (api_get_string(r, o, key, 0, 35, &s)) return r->status;
    if (!s) {
        now_rfc3339(out);
        return 0;
    }
    int64_t ms;
    struct kc_error err = {0};
    if (kc_time_parse(s, &ms, &err))
        return api_error(r, 422, key, "'%s' must be an RFC 3339 time such as 2026-12-01T09:30:00Z: %s",
                         key, err.msg);
    kc_time_format(ms, KC_TIME_MILLIS, out);
    return 0;
}

static json_t *patient_json(const struct store_patient *p)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id,
                     "mrn", p->mrn, "family_name", p->family_name, "given_name", p->given_name,
                     "birth_date", p->birth_date, "sex", p->sex, "phone", p->phone, "email", p->email,
                     "address", p->address, "emergency_name", p->emergency_name,
                     "emergency_phone", p->emergency_phone, "created_at", p->created_at);
}

int api_patients_create(struct api_req *r)
{
    static const char *const allowed[] = {"mrn", "family_name", "given_name", "birth_date", "sex", "phone",
                                          "email", "address", "emergency_name", "emergency_phone", NULL};
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    struct store_patient_new p = {0};
    long birth_day;
    struct kc_error derr = {0};
    int bad = api_get_string(r, o, "mrn", 1, 31, &p.mrn) || api_get_string(r, o, "family_name", 1, 63, &p.family_name) ||
              api_get_string(r, o, "given_name", 0, 63, &p.given_name) ||
              api_get_string(r, o, "birth_date", 1, 10, &p.birth_date) || api_get_string(r, o, "sex", 0, 7, &p.sex) ||
              api_get_string(r, o, "phone", 0, 31, &p.phone) || api_get_string(r, o, "email", 0, 95, &p.email) ||
              api_get_string(r, o, "address", 0, 159, &p.address) ||
              api_get_string(r, o, "emergency_name", 0, 95, &p.emergency_name) ||
              api_get_string(r, o, "emergency_phone", 0, 31, &p.emergency_phone);
    if (!bad && kc_time_parse_date(p.birth_date, &birth_day, &derr))
        bad = api_error(r, 422, "birth_date", "'birth_date' must be a date YYYY-MM-DD: %s", derr.msg);
    else if (!bad && birth_day > api_today(r))
        bad = api_error(r, 422, "birth_date", "'birth_date' %s is after today", p.birth_date);
    if (!bad && p.sex && strcmp(p.sex, "female") && strcmp(p.sex, "male") && strcmp(p.sex, "other") &&
        strcmp(p.sex, "unknown"))
        bad = api_error(r, 422, "sex", "'sex' must be female, male, other or unknown");
    if (bad) {
        json_decref(o);
        return r->status;
    }
    if (!p.sex) p.sex = "unknown"; /* FHIR gender: not recorded */
    struct kc_error err = {0};
    int64_t id = 0;
    int rc = store_patient_add(r->st, &r->actor, &p, &id, &err);
    struct store_patient got;
    if (!rc) rc = store_patient_get(r->st, &r->actor, id, NULL, &got, &err);
    json_decref(o);
    if (rc) return api_from_error(r, &err);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/patients/%lld", (long long)id);
    api_header(r, "Location", loc);
    return api_json(r, 201, patient_json(&got));
}

int api_patients_get(struct api_req *r)
{
    int64_t id;
    if (api_param_id(r, 0, &id)) return r->status;
    struct store_patient p;
    double w = 0, h = 0;
    struct kc_error err = {0};
    if (store_patient_summary(r->st, &r->actor, id, &p, &w, &h, &err)) return api_from_error(r, &err);
    json_t *out = patient_json(&p);
    if (w > 0) json_object_set_new(out, "weight_kg", json_real(w));
    if (h > 0) json_object_set_new(out, "height_cm", json_real(h));
    return api_json(r, 200, out);
}

int api_patients_weight(struct api_req *r)
{
    static const char *const allowed[] = {"weight_kg", "height_cm", "at", NULL};
    int64_t id;
    if (api_param_id(r, 0, &id)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    double w = 0, h = 0;
    char at[32];
    struct kc_error err = {0};
    int bad = api_get_number(r, o, "weight_kg", 1, -1e9, 1e9, &w) || api_get_number(r, o, "height_cm", 0, -1e9, 1e9, &h) ||
              get_time(r, o, "at", at);
    if (!bad && plaus_weight(w, &err)) bad = api_error(r, 422, "weight_kg", "%s", err.msg);
    if (!bad && h != 0 && plaus_height(h, &err)) bad = api_error(r, 422, "height_cm", "%s", err.msg);
    json_decref(o);
    if (bad) return r->status;
    if (store_patient_weight_add(r->st, &r->actor, id, at, w, h, &err)) return api_from_error(r, &err);
    return api_json(r, 201, json_pack("{s:I, s:s, s:f}", "patient_id", (json_int_t)id, "at", at, "weight_kg", w));
}

static const char *status_name(enum store_session_status s)
{
    static const char *n[] = {"planned", "started", "ended", "cancelled"};
    return (unsigned)s < 4 ? n[s] : "unknown";
}

static json_t *session_json(const struct store_session *s)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)s->id, "patient_id",
                     (json_int_t)s->patient_id, "status", status_name(s->status), "chair", s->chair, "staff",
                     s->staff, "planned_at", s->planned_at, "started_at", s->started_at, "ended_at", s->ended_at);
}

int api_sessions_create(struct api_req *r)
{
    static const char *const allowed[] = {"patient_id", "planned_at", "chair", "staff", "service", NULL};
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    long long pid = 0;
    const char *chair, *staff, *service_name;
    char at[32];
    int bad = api_get_int(r, o, "patient_id", 1, 1, INT64_MAX, &pid) || get_time(r, o, "planned_at", at) ||
              api_get_string(r, o, "chair", 1, 31, &chair) || api_get_string(r, o, "staff", 0, 63, &staff) ||
              api_get_string(r, o, "service", 0, 15, &service_name);
    struct kc_error err = {0};
    enum bill_service service = BILL_SVC_IV;
    if (!bad && service_name && bill_service_parse(service_name, &service, &err))
        bad = api_error(r, 422, "service", "%s", err.msg);
    if (bad) {
        json_decref(o);
        return r->status;
    }
    /* The scheduler's check (issue 10): a commercial payer's prior authorisation must cover the
     * day, and esketamine needs REMS enrolment by then (store_bill_booking_check). */
    char day[11];
    snprintf(day, sizeof day, "%.10s", at);
    int rc = store_bill_booking_check(r->st, &r->actor, pid, day, service, &err);
    if (rc == KC_EDENIED) {
        json_decref(o);
        return api_error(r, 409, "patient_id", "cannot book: %s", err.msg);
    }
    if (rc) {
        json_decref(o);
        return api_from_error(r, &err);
    }
    int64_t id = 0;
    struct store_session s;
    rc = store_session_plan(r->st, &r->actor, pid, at, chair, staff ? staff : "", &id, &err);
    if (!rc) rc = store_session_get(r->st, &r->actor, id, &s, &err);
    json_decref(o);
    if (rc) return api_from_error(r, &err);
    return api_json(r, 201, session_json(&s));
}

int api_sessions_get(struct api_req *r)
{
    int64_t id;
    if (api_param_id(r, 0, &id)) return r->status;
    struct store_session s;
    struct kc_error err = {0};
    if (store_session_get(r->st, &r->actor, id, &s, &err)) return api_from_error(r, &err);
    return api_json(r, 200, session_json(&s));
}

int api_sessions_status(struct api_req *r)
{
    static const char *const allowed[] = {"status", "at", NULL};
    int64_t id;
    if (api_param_id(r, 0, &id)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *st;
    char at[32];
    int bad = api_get_string(r, o, "status", 1, 15, &st) || get_time(r, o, "at", at);
    enum store_session_status to = STORE_SESSION_PLANNED;
    if (!bad) {
        if (strcmp(st, "started") == 0) to = STORE_SESSION_STARTED;
        else if (strcmp(st, "ended") == 0) to = STORE_SESSION_ENDED;
        else if (strcmp(st, "cancelled") == 0) to = STORE_SESSION_CANCELLED;
        else bad = api_error(r, 422, "status", "'status' must be started, ended or cancelled");
    }
    json_decref(o);
    if (bad) return r->status;
    struct kc_error err = {0};
    struct store_session s;
    int rc = store_session_set_status(r->st, &r->actor, id, to, at, &err);
    if (!rc) rc = store_session_get(r->st, &r->actor, id, &s, &err);
    if (rc) return api_from_error(r, &err);
    return api_json(r, 200, session_json(&s));
}

int api_vitals_add(struct api_req *r)
{
    static const char *const allowed[] = {"observations", NULL};
    static const char *const obs_allowed[] = {"at", "code", "value"};
    int64_t id;
    if (api_param_id(r, 0, &id)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    json_t *arr = json_object_get(o, "observations");
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > MAX_VITALS_BATCH) {
        json_decref(o);
        return api_error(r, 422, "observations", "'observations' must be an array of 1-%d {at, code, value}", MAX_VITALS_BATCH);
    }
    size_t n = json_array_size(arr);
    static _Thread_local struct store_vital v[MAX_VITALS_BATCH];
    static _Thread_local char at[MAX_VITALS_BATCH][32];
    struct kc_error err = {0};
    char field[64];
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i);
        snprintf(field, sizeof field, "observations[%zu]", i);
        const char *key;
        json_t *val;
        int bad = !json_is_object(e);
        if (!bad)
            json_object_foreach(e, key, val) {
                int ok = 0;
                for (int k = 0; k < 3; k++) ok |= strcmp(key, obs_allowed[k]) == 0;
                if (!ok) {
                    api_error(r, 422, field, "%s: unknown field '%s'", field, key);
                    json_decref(o);
                    return r->status;
                }
            }
        json_t *code = json_object_get(e, "code"), *value = json_object_get(e, "value"), *t = json_object_get(e, "at");
        int64_t t_ms = 0;
        if (bad || !json_is_string(code) || !json_is_number(value) || (t && !json_is_string(t)) ||
            (t && kc_time_parse(json_string_value(t), &t_ms, NULL))) {
            json_decref(o);
            return api_error(r, 422, field, "%s must be {\"at\": RFC 3339 time, \"code\": string, \"value\": number}", field);
        }
        if (plaus_vital_check(json_string_value(code), json_number_value(value), &err)) {
            json_decref(o);
            return api_error(r, 422, field, "%s: %s", field, err.msg);
        }
        /* one spelling per instant, so the pair check below compares times, not texts */
        if (t) kc_time_format(t_ms, KC_TIME_MILLIS, at[i]);
        else now_rfc3339(at[i]);
        v[i] = (struct store_vital){at[i], json_string_value(code), json_number_value(value)};
    }
    /* Systolic and diastolic taken at the same time must make sense together. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (strcmp(v[i].code, "sbp") == 0 && strcmp(v[j].code, "dbp") == 0 && strcmp(v[i].at, v[j].at) == 0 &&
                plaus_bp_pair(v[i].value, v[j].value, &err)) {
                json_decref(o);
                snprintf(field, sizeof field, "observations[%zu]", j);
                return api_error(r, 422, field, "%s", err.msg);
            }
    int rc = store_vitals_add(r->st, &r->actor, id, v, n, &err);
    json_decref(o);
    if (rc) return api_from_error(r, &err);
    return api_json(r, 201, json_pack("{s:I, s:I}", "session_id", (json_int_t)id, "stored", (json_int_t)n));
}

int api_vitals_count(struct api_req *r)
{
    int64_t id, count = 0;
    if (api_param_id(r, 0, &id)) return r->status;
    struct kc_error err = {0};
    if (store_vitals_count(r->st, &r->actor, id, &count, &err)) return api_from_error(r, &err);
    return api_json(r, 200, json_pack("{s:I, s:I}", "session_id", (json_int_t)id, "count", (json_int_t)count));
}

int api_scales_add(struct api_req *r)
{
    static const char *const allowed[] = {"scale", "answers", "session_id", "at", NULL};
    int64_t pid;
    if (api_param_id(r, 0, &pid)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *key;
    long long sid = 0;
    char at[32];
    int bad = api_get_string(r, o, "scale", 1, 31, &key) || api_get_int(r, o, "session_id", 0, 1, INT64_MAX, &sid) ||
              get_time(r, o, "at", at);
    const struct scale_def *def = bad ? NULL : scale_find(key);
    if (!bad && !def) bad = api_error(r, 422, "scale", "unknown scale '%s'", key);
    json_t *arr = json_object_get(o, "answers");
    int items[SCALE_MAX_ITEMS];
    size_t n = 0;
    if (!bad && (!json_is_array(arr) || json_array_size(arr) > SCALE_MAX_ITEMS))
        bad = api_error(r, 422, "answers", "'answers' must be an array of at most %d whole numbers", SCALE_MAX_ITEMS);
    for (size_t i = 0; !bad && i < json_array_size(arr); i++) {
        json_t *a = json_array_get(arr, i);
        if (!json_is_integer(a) || json_integer_value(a) < -1 || json_integer_value(a) > 100)
            bad = api_error(r, 422, "answers", "answer %zu must be a whole number", i + 1);
        else items[n++] = (int)json_integer_value(a);
    }
    if (bad) {
        json_decref(o);
        return r->status;
    }
    struct protocol proto;
    proto = *api_protocol(r);
    struct scale_result res;
    struct kc_error err = {0};
    int rc = scale_score(&proto, def, items, (int)n, &res, &err);
    int64_t id = 0;
    char scale_key[32];
    snprintf(scale_key, sizeof scale_key, "%s", key); /* key points into o */
    if (!rc) rc = store_scale_add(r->st, &r->actor, pid, sid, scale_key, at, items, n, res.has_total ? res.total : 0, &id, &err);
    json_decref(o);
    if (rc) return api_from_error(r, &err);
    json_t *out = json_pack("{s:I, s:I, s:s, s:s, s:b, s:s, s:s}", "id", (json_int_t)id, "patient_id", (json_int_t)pid,
                            "scale", scale_key, "at", at, "safety_alert", res.safety_alert, "alert", res.alert,
                            "protocol_version", res.trace.version);
    if (res.has_total) json_object_set_new(out, "total", json_integer(res.total));
    if (res.band) json_object_set_new(out, "band", json_string(res.band));
    if (res.risk != SCALE_RISK_NONE) json_object_set_new(out, "risk", json_string(scale_risk_name(res.risk)));
    return api_json(r, 201, out);
}
