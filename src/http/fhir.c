/* fhir.c — the FHIR R4 face under /fhir: CapabilityStatement, read and search (patient, date,
 * code, _count/_offset paging with next links, Bundle searchset), Observation create, and
 * Patient $everything.  Errors are OperationOutcome with the HTTP status (interop-security.md §C2).
 * Every record comes through the store, which audits the access. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/kctime.h"
#include "clinic/plausibility.h"
#include "http/api.h"
#include "http/fhir.h"

#define FHIR_TYPE "application/fhir+json"
#define COUNT_DEFAULT 50
#define COUNT_MAX 500

static int fail(struct api_req *r, int status, const char *code, const char *msg)
{
    r->content_type = FHIR_TYPE;
    return api_json(r, status, fhir_outcome(code, msg));
}

static int from_error(struct api_req *r, const struct kc_error *err)
{
    switch (err->code) {
    case KC_ENOTFOUND: return fail(r, 404, "not-found", err->msg);
    case KC_EINVAL:
    case KC_ERANGE: return fail(r, 422, "invalid", err->msg);
    case KC_EDENIED: return fail(r, 403, "security", err->msg);
    case KC_ECONFLICT: return fail(r, 409, "conflict", err->msg);
    default: return fail(r, 500, "exception", err->msg[0] ? err->msg : "internal error");
    }
}

static int ok(struct api_req *r, int status, json_t *res)
{
    r->content_type = FHIR_TYPE;
    json_t *meta = json_object_get(res, "meta");
    const char *v = meta ? json_string_value(json_object_get(meta, "versionId")) : NULL;
    if (v) {
        char etag[32];
        snprintf(etag, sizeof etag, "W/\"%s\"", v);
        api_header(r, "ETag", etag);
    }
    return api_json(r, status, res);
}

/* ---- searchset bundles ---- */
struct bundle {
    json_t *b, *entries;
    long count, offset;
    char self[256];
};

static int bundle_begin(struct api_req *r, struct bundle *b, const char *type_path)
{
    const char *c = api_query(r, "_count"), *o = api_query(r, "_offset");
    b->count = COUNT_DEFAULT;
    b->offset = 0;
    char *end;
    if (c && (b->count = strtol(c, &end, 10), *end || b->count < 1 || b->count > COUNT_MAX))
        return fail(r, 400, "invalid", "_count must be 1-500");
    if (o && (b->offset = strtol(o, &end, 10), *end || b->offset < 0))
        return fail(r, 400, "invalid", "_offset must be 0 or more");
    snprintf(b->self, sizeof b->self, "%s", type_path);
    b->entries = json_array();
    b->b = json_pack("{s:s, s:s}", "resourceType", "Bundle", "type", "searchset");
    return 0;
}

static void bundle_add(struct bundle *b, json_t *res, const char *mode)
{
    char url[96];
    snprintf(url, sizeof url, "%s/%s", json_string_value(json_object_get(res, "resourceType")),
             json_string_value(json_object_get(res, "id")));
    json_array_append_new(b->entries, json_pack("{s:s, s:o, s:{s:s}}", "fullUrl", url, "resource", res, "search", "mode", mode));
}

/* Drops a bundle being built and answers with the error instead. */
static int bundle_fail(struct api_req *r, struct bundle *b, const struct kc_error *err)
{
    json_decref(b->b);
    json_decref(b->entries);
    return from_error(r, err);
}

/* Links: self and, when the page is full, next (offset + count) with the same query. */
static int bundle_end(struct api_req *r, struct bundle *b, const char *query_without_paging)
{
    char self[600], next[600];
    const char *q = query_without_paging ? query_without_paging : "";
    snprintf(self, sizeof self, "%s?%s%s_count=%ld&_offset=%ld", b->self, q, q[0] ? "&" : "", b->count, b->offset);
    json_t *links = json_pack("[{s:s, s:s}]", "relation", "self", "url", self);
    if ((long)json_array_size(b->entries) >= b->count) {
        snprintf(next, sizeof next, "%s?%s%s_count=%ld&_offset=%ld", b->self, q, q[0] ? "&" : "", b->count, b->offset + b->count);
        json_array_append_new(links, json_pack("{s:s, s:s}", "relation", "next", "url", next));
    }
    json_object_set_new(b->b, "link", links);
    json_object_set_new(b->b, "entry", b->entries);
    r->content_type = FHIR_TYPE;
    return api_json(r, 200, b->b);
}

/* "Patient/12" or "12" -> 12; 0 when malformed. */
static long long ref_id(const char *s, const char *type)
{
    if (!s) return 0;
    size_t n = strlen(type);
    if (strncmp(s, type, n) == 0 && s[n] == '/') s += n + 1;
    char *end;
    long long v = strtoll(s, &end, 10);
    return (*s && !*end && v > 0) ? v : 0;
}

/* FHIR date search value with prefix -> [from, to) in the stored UTC form.  A date is the
 * clinic's local day (serve --time-zone); a dateTime is an RFC 3339 instant (kc_time_parse).
 * Impossible dates (2026-02-31) are refused. */
static int date_param(struct api_req *r, const char *v, char from[32], char to[32])
{
    char pfx[3] = "eq";
    if (strlen(v) > 2 && v[0] >= 'a' && v[0] <= 'z') {
        memcpy(pfx, v, 2);
        v += 2;
    }
    char t[32], day_after[32] = "";
    long day;
    int64_t a, b;
    if (strlen(v) == 10) {
        if (kc_time_parse_date(v, &day, NULL) || kc_time_local_day_start(day, api_zone(r), &a, NULL) ||
            kc_time_local_day_start(day + 1, api_zone(r), &b, NULL))
            return -1;
        kc_time_format(a, KC_TIME_MILLIS, t);
        kc_time_format(b, KC_TIME_MILLIS, day_after);
    } else {
        if (kc_time_parse(v, &a, NULL)) return -1;
        kc_time_format(a, KC_TIME_MILLIS, t);
    }
    if (!strcmp(pfx, "ge") || !strcmp(pfx, "gt")) snprintf(from, 32, "%s", !strcmp(pfx, "gt") && day_after[0] ? day_after : t);
    else if (!strcmp(pfx, "lt")) snprintf(to, 32, "%s", t);
    else if (!strcmp(pfx, "le")) snprintf(to, 32, "%s", day_after[0] ? day_after : t);
    else if (!strcmp(pfx, "eq")) {
        snprintf(from, 32, "%s", t);
        if (day_after[0]) snprintf(to, 32, "%s", day_after);
    } else return -1;
    return 0;
}

int api_fhir_metadata(struct api_req *r)
{
    json_t *res = json_array();
    static const struct {
        const char *type, *interactions, *params;
    } caps[] = {
        {"Patient", "read,search-type", "identifier,name"},
        {"Encounter", "read,search-type", "patient"},
        {"Observation", "search-type,create", "patient,code,date,category"},
        {"MedicationAdministration", "search-type", "patient"},
        {"AdverseEvent", "search-type", "patient"},
        {"AuditEvent", "search-type", ""},
    };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        json_t *inter = json_array(), *params = json_array();
        char buf[64];
        snprintf(buf, sizeof buf, "%s", caps[i].interactions);
        for (char *s = buf, *t; (t = strsep(&s, ","));)
            json_array_append_new(inter, json_pack("{s:s}", "code", t));
        snprintf(buf, sizeof buf, "%s", caps[i].params);
        for (char *s = buf, *t; (t = strsep(&s, ","));)
            if (*t)
                json_array_append_new(params, json_pack("{s:s, s:s}", "name", t, "type",
                                                        !strcmp(t, "date") ? "date" : !strcmp(t, "patient") ? "reference"
                                                        : !strcmp(t, "name") ? "string" : "token"));
        json_t *one = json_pack("{s:s, s:o, s:s}", "type", caps[i].type, "interaction", inter, "versioning", "versioned");
        if (json_array_size(params)) json_object_set_new(one, "searchParam", params);
        else json_decref(params);
        if (!strcmp(caps[i].type, "Patient"))
            json_object_set_new(one, "operation", json_pack("[{s:s, s:s}]", "name", "everything", "definition",
                                                            "http://hl7.org/fhir/OperationDefinition/Patient-everything"));
        json_array_append_new(res, one);
    }
    json_t *cs = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s}, s:[{s:s, s:o}]}", "resourceType",
                           "CapabilityStatement", "status", "active", "date", "2026-11-23", "kind", "instance",
                           "fhirVersion", "4.0.1", "format", FHIR_TYPE, "software", "name", "ketaclinic", "rest", "mode",
                           "server", "resource", res);
    if (!cs) return fail(r, 500, "exception", "could not build the CapabilityStatement");
    r->content_type = FHIR_TYPE;
    return api_json(r, 200, cs);
}

int api_fhir_patient(struct api_req *r)
{
    int64_t id;
    if (api_param_id(r, 0, &id)) return fail(r, 404, "not-found", "no such Patient");
    struct store_patient p;
    struct kc_error err = {0};
    if (store_patient_get(r->st, &r->actor, id, NULL, &p, &err)) return from_error(r, &err);
    return ok(r, 200, fhir_patient(&p));
}

static int patient_entry(void *ctx, const struct store_patient *p)
{
    bundle_add(ctx, fhir_patient(p), "match");
    return 0;
}

int api_fhir_patient_search(struct api_req *r)
{
    struct bundle b;
    if (bundle_begin(r, &b, "Patient")) return r->status;
    const char *ident = api_query(r, "identifier"), *name = api_query(r, "name");
    struct kc_error err = {0};
    char q[128] = "";
    int rc;
    if (ident) {
        const char *bar = strchr(ident, '|');
        const char *mrn = bar ? bar + 1 : ident;
        if (bar && strncmp(ident, FHIR_MRN_SYSTEM, (size_t)(bar - ident)) != 0) return bundle_end(r, &b, NULL);
        struct store_patient p;
        rc = store_patient_get(r->st, &r->actor, 0, mrn, &p, &err);
        if (rc == KC_OK && b.offset == 0) bundle_add(&b, fhir_patient(&p), "match");
        else if (rc && rc != KC_ENOTFOUND) {
            return bundle_fail(r, &b, &err);
        }
        snprintf(q, sizeof q, "identifier=%s", ident);
    } else {
        rc = store_patient_list(r->st, &r->actor, name, b.count, b.offset, patient_entry, &b, &err);
        if (rc) {
            return bundle_fail(r, &b, &err);
        }
        if (name) snprintf(q, sizeof q, "name=%s", name);
    }
    return bundle_end(r, &b, q);
}

int api_fhir_encounter(struct api_req *r)
{
    int64_t id;
    if (api_param_id(r, 0, &id)) return fail(r, 404, "not-found", "no such Encounter");
    struct store_session s;
    struct kc_error err = {0};
    if (store_session_get(r->st, &r->actor, id, &s, &err)) return from_error(r, &err);
    return ok(r, 200, fhir_encounter(&s));
}

static int encounter_entry(void *ctx, const struct store_session_row *s)
{
    bundle_add(ctx, fhir_encounter(&s->s), "match");
    return 0;
}

static long long need_patient(struct api_req *r)
{
    long long pid = ref_id(api_query(r, "patient"), "Patient");
    if (!pid) fail(r, 400, "required", "search by patient: ?patient=Patient/ID");
    return pid;
}

int api_fhir_encounter_search(struct api_req *r)
{
    long long pid = need_patient(r);
    if (!pid) return r->status;
    struct bundle b;
    if (bundle_begin(r, &b, "Encounter")) return r->status;
    struct kc_error err = {0};
    if (store_session_list(r->st, &r->actor, pid, NULL, NULL, encounter_entry, &b, &err)) {
        return bundle_fail(r, &b, &err);
    }
    char q[64];
    snprintf(q, sizeof q, "patient=Patient/%lld", pid);
    return bundle_end(r, &b, q);
}

struct obs_ctx {
    struct bundle *b;
    long long pid;
};

static int vital_entry(void *ctx, const struct store_vital_row *v, int64_t session_id)
{
    struct obs_ctx *c = ctx;
    bundle_add(c->b, fhir_vital(v, c->pid, session_id), "match");
    return 0;
}

static int scale_entry(void *ctx, const struct store_scale_row *s)
{
    struct obs_ctx *c = ctx;
    bundle_add(c->b, fhir_scale_total(s, c->pid), "match");
    return 0;
}

/* code=http://loinc.org|8867-4 or 8867-4 -> our vital code */
static const char *vital_code_for(const char *token)
{
    static const char *codes[] = {"hr", "spo2", "sbp", "dbp", "map", "rr", "temp", "etco2"};
    const char *bar = token ? strchr(token, '|') : NULL;
    const char *c = bar ? bar + 1 : token;
    if (!c) return NULL;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (!strcmp(plaus_vital_find(codes[i])->loinc, c) || !strcmp(codes[i], c)) return codes[i];
    if (!strcmp(c, "2708-6")) return "spo2";
    return NULL;
}

int api_fhir_observation_search(struct api_req *r)
{
    long long pid = need_patient(r);
    if (!pid) return r->status;
    const char *code = api_query(r, "code"), *date = api_query(r, "date"), *cat = api_query(r, "category");
    char from[32] = "", to[32] = "";
    if (date && date_param(r, date, from, to)) return fail(r, 400, "invalid", "date must be [ge|gt|le|lt|eq]YYYY-MM-DD[Thh:mm:ssZ]");
    const char *vcode = NULL;
    if (code && !(vcode = vital_code_for(code))) return fail(r, 400, "not-supported", "unknown or unsupported Observation code");
    struct bundle b;
    if (bundle_begin(r, &b, "Observation")) return r->status;
    struct obs_ctx c = {&b, pid};
    struct kc_error err = {0};
    int rc = 0;
    int want_vitals = !cat || !strcmp(cat, "vital-signs"), want_survey = (!cat || !strcmp(cat, "survey")) && !code;
    if (want_vitals && roles_allowed(r->role, KC_RES_VITALS, KC_ACT_READ))
        rc = store_vitals_by_patient(r->st, &r->actor, pid, vcode, from[0] ? from : NULL, to[0] ? to : NULL, b.count,
                                     b.offset, vital_entry, &c, &err);
    if (!rc && want_survey && b.offset == 0 && roles_allowed(r->role, KC_RES_SCALES, KC_ACT_READ))
        rc = store_scale_list(r->st, &r->actor, pid, NULL, scale_entry, &c, &err);
    if (rc) {
        return bundle_fail(r, &b, &err);
    }
    char q[200];
    snprintf(q, sizeof q, "patient=Patient/%lld%s%s%s%s", pid, code ? "&code=" : "", code ? code : "", date ? "&date=" : "",
             date ? date : "");
    return bundle_end(r, &b, q);
}

struct newest {
    const char *code;
    struct store_vital_row row;
};

static int keep_newest(void *ctx, const struct store_vital_row *v)
{
    struct newest *n = ctx;
    if (!strcmp(v->code, n->code) && v->id > n->row.id) n->row = *v;
    return 0;
}

/* POST /fhir/Observation: one vital sign into an encounter (session) of the patient. */
int api_fhir_observation_create(struct api_req *r)
{
    if (!r->body || !r->body_len) return fail(r, 400, "structure", "a FHIR Observation body is required");
    json_error_t je;
    json_t *o = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return fail(r, 400, "structure", "the body is not a JSON object");
    }
    const char *why = NULL;
    json_t *rt = json_object_get(o, "resourceType"), *status = json_object_get(o, "status");
    json_t *coding = json_object_get(json_object_get(o, "code"), "coding");
    json_t *vq = json_object_get(o, "valueQuantity"), *eff = json_object_get(o, "effectiveDateTime");
    const char *enc = json_string_value(json_object_get(json_object_get(o, "encounter"), "reference"));
    const char *subj = json_string_value(json_object_get(json_object_get(o, "subject"), "reference"));
    const char *vcode = NULL;
    for (size_t i = 0; json_is_array(coding) && i < json_array_size(coding) && !vcode; i++) {
        json_t *cd = json_array_get(coding, i);
        const char *sys = json_string_value(json_object_get(cd, "system"));
        if (sys && !strcmp(sys, "http://loinc.org")) vcode = vital_code_for(json_string_value(json_object_get(cd, "code")));
    }
    if (!json_is_string(rt) || strcmp(json_string_value(rt), "Observation")) why = "resourceType must be Observation";
    else if (!json_is_string(status) || strcmp(json_string_value(status), "final")) why = "status must be final";
    else if (!vcode) why = "code must carry a supported LOINC vital-sign code (8867-4, 8480-6, 8462-4, 59408-5, ...)";
    else if (!json_is_number(json_object_get(vq, "value"))) why = "valueQuantity.value is required";
    else if (!ref_id(enc, "Encounter")) why = "encounter must reference Encounter/ID";
    else if (!json_is_string(eff)) why = "effectiveDateTime is required";
    const struct plaus_vital *pv = vcode ? plaus_vital_find(vcode) : NULL;
    const char *unit = json_string_value(json_object_get(vq, "code"));
    if (!why && unit && strcmp(unit, pv->unit)) why = "valueQuantity.code must be the UCUM unit of this vital sign";
    struct kc_error err = {0};
    if (!why && plaus_vital_check(vcode, json_number_value(json_object_get(vq, "value")), &err)) why = err.msg;
    if (why) {
        int rc = fail(r, 422, "invalid", why);
        json_decref(o);
        return rc;
    }
    long long sid = ref_id(enc, "Encounter");
    struct store_session s;
    int rc = store_session_get(r->st, &r->actor, sid, &s, &err);
    if (!rc && subj && ref_id(subj, "Patient") != s.patient_id)
        rc = kc_error_set(&err, KC_EINVAL, "subject is not the patient of that encounter");
    struct store_vital v = {json_string_value(eff), vcode, json_number_value(json_object_get(vq, "value"))};
    if (!rc) rc = store_vitals_add(r->st, &r->actor, sid, &v, 1, &err);
    json_decref(o);
    if (rc) return from_error(r, &err);
    /* the new row is the session's newest of that code (ids only grow) */
    struct newest nw = {vcode, {0}};
    if (store_vitals_list(r->st, &r->actor, sid, 0, 0, keep_newest, &nw, &err)) return from_error(r, &err);
    char loc[80];
    snprintf(loc, sizeof loc, "Observation/v%lld/_history/1", (long long)nw.row.id);
    api_header(r, "Location", loc);
    return ok(r, 201, fhir_vital(&nw.row, s.patient_id, sid));
}

static int dose_entry(void *ctx, const struct store_dose_row *d)
{
    struct obs_ctx *c = ctx;
    bundle_add(c->b, fhir_medication_administration(d, c->pid), "match");
    return 0;
}

int api_fhir_medadmin_search(struct api_req *r)
{
    long long pid = need_patient(r);
    if (!pid) return r->status;
    struct bundle b;
    if (bundle_begin(r, &b, "MedicationAdministration")) return r->status;
    struct obs_ctx c = {&b, pid};
    struct kc_error err = {0};
    if (store_dose_list(r->st, &r->actor, pid, 0, dose_entry, &c, &err)) {
        return bundle_fail(r, &b, &err);
    }
    char q[64];
    snprintf(q, sizeof q, "patient=Patient/%lld", pid);
    return bundle_end(r, &b, q);
}

struct ae_ctx {
    struct bundle *b;
    long long pid, sid;
};

static int ae_entry(void *ctx, const struct store_side_effect_row *e)
{
    struct ae_ctx *c = ctx;
    bundle_add(c->b, fhir_adverse_event(e, c->pid, c->sid), "match");
    return 0;
}

struct sessions {
    int64_t id[1000];
    int n;
};

static int collect_session(void *ctx, const struct store_session_row *s)
{
    struct sessions *x = ctx;
    if (x->n < 1000) x->id[x->n++] = s->s.id;
    return 0;
}

static int adverse_events(struct api_req *r, struct bundle *b, long long pid, struct kc_error *err)
{
    static _Thread_local struct sessions ss;
    ss.n = 0;
    int rc = store_session_list(r->st, &r->actor, pid, NULL, NULL, collect_session, &ss, err);
    for (int i = 0; !rc && i < ss.n; i++) {
        struct ae_ctx c = {b, pid, ss.id[i]};
        rc = store_side_effect_list(r->st, &r->actor, ss.id[i], ae_entry, &c, err);
    }
    return rc;
}

int api_fhir_adverse_search(struct api_req *r)
{
    long long pid = need_patient(r);
    if (!pid) return r->status;
    struct bundle b;
    if (bundle_begin(r, &b, "AdverseEvent")) return r->status;
    struct kc_error err = {0};
    if (adverse_events(r, &b, pid, &err)) {
        return bundle_fail(r, &b, &err);
    }
    char q[64];
    snprintf(q, sizeof q, "patient=Patient/%lld", pid);
    return bundle_end(r, &b, q);
}

static int audit_entry(void *ctx, const struct store_audit_entry *a)
{
    bundle_add(ctx, fhir_audit_event(a), "match");
    return 0;
}

int api_fhir_audit_search(struct api_req *r)
{
    struct bundle b;
    if (bundle_begin(r, &b, "AuditEvent")) return r->status;
    struct kc_error err = {0};
    if (store_audit_list(r->st, b.offset, b.count, audit_entry, &b, &err)) {
        return bundle_fail(r, &b, &err);
    }
    return bundle_end(r, &b, NULL);
}

/* Patient/$everything: the whole record the caller's role may read, as one Bundle. */
int api_fhir_everything(struct api_req *r)
{
    int64_t pid;
    if (api_param_id(r, 0, &pid)) return fail(r, 404, "not-found", "no such Patient");
    struct store_patient p;
    struct kc_error err = {0};
    if (store_patient_get(r->st, &r->actor, pid, NULL, &p, &err)) return from_error(r, &err);
    struct bundle b = {0};
    b.entries = json_array();
    b.count = 1000000;
    b.b = json_pack("{s:s, s:s}", "resourceType", "Bundle", "type", "searchset");
    bundle_add(&b, fhir_patient(&p), "match");
    struct obs_ctx c = {&b, pid};
    int rc = 0;
    if (roles_allowed(r->role, KC_RES_SESSION, KC_ACT_READ))
        rc = store_session_list(r->st, &r->actor, pid, NULL, NULL, encounter_entry, &b, &err);
    if (!rc && roles_allowed(r->role, KC_RES_VITALS, KC_ACT_READ))
        for (long off = 0;; off += 1000) {
            size_t before = json_array_size(b.entries);
            rc = store_vitals_by_patient(r->st, &r->actor, pid, NULL, NULL, NULL, 1000, off, vital_entry, &c, &err);
            if (rc || json_array_size(b.entries) - before < 1000) break;
        }
    if (!rc && roles_allowed(r->role, KC_RES_SCALES, KC_ACT_READ))
        rc = store_scale_list(r->st, &r->actor, pid, NULL, scale_entry, &c, &err);
    if (!rc && roles_allowed(r->role, KC_RES_DOSE, KC_ACT_READ))
        rc = store_dose_list(r->st, &r->actor, pid, 0, dose_entry, &c, &err);
    if (!rc && roles_allowed(r->role, KC_RES_SESSION, KC_ACT_READ)) rc = adverse_events(r, &b, pid, &err);
    if (rc) {
        return bundle_fail(r, &b, &err);
    }
    json_object_set_new(b.b, "total", json_integer((json_int_t)json_array_size(b.entries)));
    json_object_set_new(b.b, "entry", b.entries);
    r->content_type = FHIR_TYPE;
    return api_json(r, 200, b.b);
}
