/* fhir_write.c — what a partner system writes through the FHIR face: Patient create (plain and
 * conditional, If-None-Exist), update by id (If-Match) and conditional update by identifier
 * (PUT /fhir/Patient?identifier=...: the EHR's "create or update this MRN"), and Observation
 * create for outside results (a vital sign or blood pressure panel into an Encounter, a body
 * weight).  Every write is role-checked here or by the route and audited by the store; the
 * MRN is unique in the store, so no write can make a duplicate patient.  Conditional results
 * follow the specification (0 matches: create; 1: that one; more: 412), as HAPI FHIR does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/plausibility.h"
#include "fhir/fhir.h"
#include "http/fhir_int.h"

static json_t *body(struct api_req *r, const char *type)
{
    if (!r->body || !r->body_len) {
        fhir__fail(r, 400, "structure", "a FHIR %s body is required", type);
        return NULL;
    }
    json_error_t je;
    json_t *o = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        fhir__fail(r, 400, "structure", "the body is not a JSON object (line %d: %s)", je.line,
                   je.text);
        return NULL;
    }
    const char *rt = json_string_value(json_object_get(o, "resourceType"));
    if (!rt || strcmp(rt, type) != 0) {
        json_decref(o);
        fhir__fail(r, 400, "structure", "resourceType must be %s", type);
        return NULL;
    }
    return o;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A FHIR Patient -> the store's fields (borrowed from p, or from the buffers).  0, or a 422. */
struct pat_buf {
    char given[64], address[160], contact[96];
};

static int to_patient(struct api_req *r, json_t *p, struct store_patient_new *out,
                      struct pat_buf *b)
{
    static const char *const allowed[] = {"resourceType", "id",         "meta",      "text",
                                          "extension",    "identifier", "active",    "name",
                                          "telecom",      "gender",     "birthDate", "address",
                                          "contact",      "language",   NULL};
    const char *key;
    json_t *v;
    json_object_foreach(p, key, v)
    {
        int ok = 0;
        for (int i = 0; allowed[i]; i++)
            ok |= !strcmp(key, allowed[i]);
        if (!ok)
            return fhir__fail(r, 422, "not-supported",
                              "Patient.%s is not kept by this server; "
                              "send the Patient without it",
                              key);
    }
    memset(out, 0, sizeof *out);
    memset(b, 0, sizeof *b);
    size_t i;
    json_t *id, *mrn = NULL;
    json_array_foreach(json_object_get(p, "identifier"), i, id)
    {
        const char *sys = str(id, "system");
        json_t *codings = json_object_get(json_object_get(id, "type"), "coding");
        size_t k;
        json_t *c;
        int mr = 0;
        json_array_foreach(codings, k, c) mr |= str(c, "code") && !strcmp(str(c, "code"), "MR");
        if ((sys && !strcmp(sys, FHIR_MRN_SYSTEM)) || (!mrn && mr)) mrn = id;
    }
    if (!mrn && json_array_size(json_object_get(p, "identifier")) == 1)
        mrn = json_array_get(json_object_get(p, "identifier"), 0);
    out->mrn = str(mrn, "value");
    if (!out->mrn)
        return fhir__fail(r, 422, "required",
                          "Patient.identifier: the medical record number is "
                          "required (system %s, or type MR)",
                          FHIR_MRN_SYSTEM);
    json_t *name = NULL, *n;
    json_array_foreach(json_object_get(p, "name"), i, n)
    {
        if (!name || (str(n, "use") && !strcmp(str(n, "use"), "official"))) name = n;
    }
    out->family_name = str(name, "family");
    if (!out->family_name) return fhir__fail(r, 422, "required", "Patient.name.family is required");
    json_t *g;
    json_array_foreach(json_object_get(name, "given"), i, g)
    {
        size_t len = strlen(b->given);
        if (json_is_string(g))
            snprintf(b->given + len, sizeof b->given - len, "%s%s", len ? " " : "",
                     json_string_value(g));
    }
    out->given_name = b->given[0] ? b->given : NULL;
    out->birth_date = str(p, "birthDate");
    if (!out->birth_date) return fhir__fail(r, 422, "required", "Patient.birthDate is required");
    out->sex = str(p, "gender") ? str(p, "gender") : "unknown";
    json_t *t;
    json_array_foreach(json_object_get(p, "telecom"), i, t)
    {
        const char *sys = str(t, "system");
        if (sys && !strcmp(sys, "phone") && !out->phone) out->phone = str(t, "value");
        if (sys && !strcmp(sys, "email") && !out->email) out->email = str(t, "value");
    }
    json_t *a = json_array_get(json_object_get(p, "address"), 0);
    if (a) {
        if (str(a, "text")) {
            snprintf(b->address, sizeof b->address, "%s", str(a, "text"));
        } else {
            json_t *line;
            json_array_foreach(json_object_get(a, "line"), i, line)
            {
                size_t len = strlen(b->address);
                if (json_is_string(line))
                    snprintf(b->address + len, sizeof b->address - len, "%s%s", len ? ", " : "",
                             json_string_value(line));
            }
            const char *parts[] = {str(a, "city"), str(a, "postalCode"), str(a, "country")};
            for (int k = 0; k < 3; k++) {
                size_t len = strlen(b->address);
                if (parts[k])
                    snprintf(b->address + len, sizeof b->address - len, "%s%s", len ? ", " : "",
                             parts[k]);
            }
        }
        out->address = b->address[0] ? b->address : NULL;
    }
    json_t *c = json_array_get(json_object_get(p, "contact"), 0);
    if (c) {
        json_t *cn = json_object_get(c, "name");
        if (str(cn, "text"))
            snprintf(b->contact, sizeof b->contact, "%s", str(cn, "text"));
        else if (str(cn, "family"))
            snprintf(b->contact, sizeof b->contact, "%s%s%s",
                     json_string_value(json_array_get(json_object_get(cn, "given"), 0))
                         ? json_string_value(json_array_get(json_object_get(cn, "given"), 0))
                         : "",
                     json_array_get(json_object_get(cn, "given"), 0) ? " " : "", str(cn, "family"));
        out->emergency_name = b->contact[0] ? b->contact : NULL;
        json_array_foreach(json_object_get(c, "telecom"), i,
                           t) if (str(t, "system") && !strcmp(str(t, "system"), "phone") &&
                                  !out->emergency_phone) out->emergency_phone = str(t, "value");
    }
    return 0;
}

static int answer_patient(struct api_req *r, int status, long long id)
{
    json_t *list = json_array();
    struct kc_error err = {0};
    if (fhir_record(r->st, &r->actor, id, FHIR_PART_PATIENT, 0, "read", list, &err)) {
        json_decref(list);
        return fhir__from_error(r, &err);
    }
    json_t *res = json_incref(json_array_get(list, 0));
    json_decref(list);
    return fhir__resource(r, status, res);
}

static int create_patient(struct api_req *r, json_t *p)
{
    struct store_patient_new np;
    struct pat_buf b;
    if (to_patient(r, p, &np, &b)) return r->status;
    int64_t id = 0;
    struct kc_error err = {0};
    if (store_patient_add(r->st, &r->actor, &np, &id, &err)) {
        if (err.code == KC_ECONFLICT)
            return fhir__fail(r, 409, "duplicate",
                              "a Patient with MRN %s already exists: update "
                              "it (PUT /fhir/Patient?identifier=%s|%s)",
                              np.mrn, FHIR_MRN_SYSTEM, np.mrn);
        return fhir__from_error(r, &err);
    }
    return answer_patient(r, 201, id);
}

static long long id_of(json_t *res)
{
    const char *s = str(res, "id");
    return s ? strtoll(s, NULL, 10) : 0;
}

/* POST /fhir/Patient, with If-None-Exist for a conditional create. */
int api_fhir_patient_create(struct api_req *r)
{
    if (fhir__format_ok(r)) return r->status;
    json_t *p = body(r, "Patient");
    if (!p) return r->status;
    const char *cond = api_header_in(r, "If-None-Exist");
    int rc;
    if (cond) {
        json_t *found = NULL;
        const char *qs = strchr(cond, '?') ? strchr(cond, '?') + 1 : cond;
        if (fhir__match_query(r, "Patient", qs, &found)) {
            json_decref(p);
            return r->status;
        }
        size_t n = json_array_size(found);
        long long id = n == 1 ? id_of(json_array_get(found, 0)) : 0;
        json_decref(found);
        if (n > 1)
            rc = fhir__fail(r, 412, "multiple-matches", "If-None-Exist matches %zu Patients", n);
        else if (n == 1)
            rc = answer_patient(r, 200, id);
        else
            rc = create_patient(r, p);
    } else {
        rc = create_patient(r, p);
    }
    json_decref(p);
    return rc;
}

static int update_patient(struct api_req *r, json_t *p, long long id)
{
    const char *body_id = str(p, "id");
    char want[24];
    snprintf(want, sizeof want, "%lld", id);
    if (body_id && strcmp(body_id, want) != 0)
        return fhir__fail(r, 400, "invalid", "the body's id %s is not the id %s in the URL",
                          body_id, want);
    const char *if_match = api_header_in(r, "If-Match");
    if (if_match) {
        json_t *list = json_array();
        struct kc_error err = {0};
        if (fhir_record(r->st, &r->actor, id, FHIR_PART_PATIENT, 0, "read", list, &err)) {
            json_decref(list);
            return fhir__from_error(r, &err);
        }
        const char *vid = json_string_value(
            json_object_get(json_object_get(json_array_get(list, 0), "meta"), "versionId"));
        char etag[96];
        snprintf(etag, sizeof etag, "W/\"%s\"", vid ? vid : "");
        int same = vid && (!strcmp(if_match, etag) || !strcmp(if_match, etag + 2));
        json_decref(list);
        if (!same)
            return fhir__fail(r, 412, "conflict", "If-Match %s is not the current version %s",
                              if_match, etag);
    }
    struct store_patient_new np;
    struct pat_buf b;
    if (to_patient(r, p, &np, &b)) return r->status;
    struct kc_error err = {0};
    if (store_patient_update(r->st, &r->actor, id, &np, &err)) {
        if (err.code == KC_ENOTFOUND)
            return fhir__fail(r, 404, "not-found",
                              "no Patient %lld: create it with POST /fhir/Patient", id);
        if (err.code == KC_ECONFLICT)
            return fhir__fail(r, 409, "duplicate", "another Patient has MRN %s", np.mrn);
        return fhir__from_error(r, &err);
    }
    return answer_patient(r, 200, id);
}

/* PUT /fhir/Patient/:id, and PUT /fhir/Patient?criteria (conditional update). */
int api_fhir_patient_update(struct api_req *r)
{
    if (fhir__format_ok(r)) return r->status;
    json_t *p = body(r, "Patient");
    if (!p) return r->status;
    int rc;
    if (r->n_params) {
        int64_t id;
        if (api_param_id(r, 0, &id))
            rc = fhir__fail(r, 404, "not-found", "no such Patient");
        else
            rc = update_patient(r, p, id);
    } else {
        const char *q = strchr(r->path, '?');
        char qs[1024] = "";
        /* the criteria are the query string: rebuild it from the decoded arguments */
        (void)q;
        const char *ident = api_query(r, "identifier");
        if (!ident) {
            json_decref(p);
            return fhir__fail(r, 400, "invalid",
                              "a conditional update names the Patient: "
                              "PUT /fhir/Patient?identifier=%s|MRN",
                              FHIR_MRN_SYSTEM);
        }
        snprintf(qs, sizeof qs, "identifier=%s", ident);
        json_t *found = NULL;
        if (fhir__match_query(r, "Patient", qs, &found)) {
            json_decref(p);
            return r->status;
        }
        size_t n = json_array_size(found);
        long long id = n == 1 ? id_of(json_array_get(found, 0)) : 0;
        json_decref(found);
        if (n > 1)
            rc = fhir__fail(r, 412, "multiple-matches", "the criteria match %zu Patients", n);
        else if (n == 1)
            rc = update_patient(r, p, id);
        else if (str(p, "id"))
            rc = fhir__fail(r, 400, "invalid",
                            "no Patient matches; a new one "
                            "cannot take the body's id");
        else
            rc = create_patient(r, p);
    }
    json_decref(p);
    return rc;
}

/* ---- Observation create ---- */

struct newest {
    const char *code;
    int64_t id;
};

static int keep_newest(void *ctx, const struct store_vital_row *v)
{
    struct newest *n = ctx;
    if (!strcmp(v->code, n->code) && v->id > n->id) n->id = v->id;
    return 0;
}

static const struct fhir_vital_code *vital_of(json_t *concept, int *panel, int *weight)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(concept, "coding"), i, c)
    {
        const char *sys = str(c, "system"), *code = str(c, "code");
        if (!sys || !code || strcmp(sys, FHIR_LOINC) != 0) continue;
        if (panel && !strcmp(code, FHIR_BP_PANEL)) *panel = 1;
        if (weight && !strcmp(code, FHIR_BODY_WEIGHT)) *weight = 1;
        const struct fhir_vital_code *v = fhir_vital_by_coding(FHIR_LOINC, code);
        if (v) return v;
    }
    return NULL;
}

/* A valueQuantity in the code's UCUM unit -> 0 and *value; else a 422 already set. */
static int value_of(struct api_req *r, json_t *q, const char *ucum, const char *what, double *value)
{
    json_t *v = json_object_get(q, "value");
    const char *unit = str(q, "code");
    if (!json_is_number(v))
        return fhir__fail(r, 422, "required", "%s: valueQuantity.value is required", what);
    if (unit && strcmp(unit, ucum) != 0)
        return fhir__fail(r, 422, "invalid", "%s: valueQuantity.code must be the UCUM unit %s",
                          what, ucum);
    *value = json_number_value(v);
    return 0;
}

static int answer_observation(struct api_req *r, long long pid, unsigned part, const char *id)
{
    json_t *list = json_array();
    struct kc_error err = {0};
    long long row = strtoll(id + 1, NULL, 10);
    if (fhir_record(r->st, &r->actor, pid, part, row, "read", list, &err)) {
        json_decref(list);
        return fhir__from_error(r, &err);
    }
    json_t *res = NULL, *x;
    size_t i;
    json_array_foreach(list, i, x) if (!strcmp(str(x, "id"), id)) res = json_incref(x);
    json_decref(list);
    if (!res)
        return fhir__fail(r, 500, "exception", "the new Observation %s could not be read back", id);
    return fhir__resource(r, 201, res);
}

static int weight_newest(void *ctx, const struct store_weight_row *w)
{
    int64_t *id = ctx;
    if (w->id > *id) *id = w->id;
    return 0;
}

static int create_weight(struct api_req *r, json_t *o, long long pid)
{
    if (!roles_allowed(r->role, KC_RES_PATIENT, KC_ACT_WRITE))
        return fhir__fail(r, 403, "forbidden", "role %s may not record a weight",
                          roles_name((enum kc_role)r->role));
    double kg;
    if (value_of(r, json_object_get(o, "valueQuantity"), "kg", "body weight", &kg))
        return r->status;
    struct kc_error err = {0};
    if (plaus_weight(kg, &err)) return fhir__fail(r, 422, "invalid", "%s", err.msg);
    if (store_patient_weight_add(r->st, &r->actor, pid, str(o, "effectiveDateTime"), kg, 0, &err))
        return fhir__from_error(r, &err);
    struct store_record_fns fns = {.weight = weight_newest};
    int64_t wid = 0;
    if (store_patient_record(r->st, &r->actor, pid, 0, "read", &fns, &wid, &err))
        return fhir__from_error(r, &err);
    char id[32];
    snprintf(id, sizeof id, "w%lld", (long long)wid);
    return answer_observation(r, pid, FHIR_PART_WEIGHT, id);
}

/* POST /fhir/Observation */
int api_fhir_observation_create(struct api_req *r)
{
    if (fhir__format_ok(r)) return r->status;
    json_t *o = body(r, "Observation");
    if (!o) return r->status;
    int rc = 0, panel = 0, weight = 0;
    const struct fhir_vital_code *vc = vital_of(json_object_get(o, "code"), &panel, &weight);
    const char *status = str(o, "status"), *eff = str(o, "effectiveDateTime");
    long long pid = fhir__ref_id(str(json_object_get(o, "subject"), "reference"), "Patient");
    long long sid = fhir__ref_id(str(json_object_get(o, "encounter"), "reference"), "Encounter");
    struct kc_error err = {0};
    if (!status || (strcmp(status, "final") && strcmp(status, "amended")))
        rc =
            fhir__fail(r, 422, "invalid", "status must be final or amended (a result, not a plan)");
    else if (!eff)
        rc = fhir__fail(r, 422, "required",
                        "effectiveDateTime is required (UTC, e.g. 2026-12-01T09:30:00Z)");
    else if (weight) {
        if (!pid)
            rc = fhir__fail(r, 422, "required", "subject must reference Patient/ID");
        else
            rc = create_weight(r, o, pid);
        json_decref(o);
        return rc;
    } else if (!panel && !vc)
        rc = fhir__fail(r, 422, "not-supported",
                        "code must carry a LOINC code this server keeps: "
                        "a vital sign (8867-4, 2708-6, 59408-5, 9279-1, 8310-5, 8478-0, 8480-6, "
                        "8462-4), the blood pressure panel 85354-9 or body weight 29463-7");
    else if (!sid)
        rc = fhir__fail(r, 422, "required",
                        "encounter must reference Encounter/ID (vital signs "
                        "belong to a session)");
    else if (!roles_allowed(r->role, KC_RES_VITALS, KC_ACT_WRITE))
        rc = fhir__fail(r, 403, "forbidden", "role %s may not record vital signs",
                        r->role >= 0 ? roles_name((enum kc_role)r->role) : "none");
    struct store_vital v[2];
    int n = 0;
    if (!rc && panel) {
        double sbp = -1, dbp = -1;
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(o, "component"), i, c)
        {
            const struct fhir_vital_code *cc = vital_of(json_object_get(c, "code"), NULL, NULL);
            double val;
            if (!cc || (strcmp(cc->code, "sbp") && strcmp(cc->code, "dbp"))) continue;
            if ((rc =
                     value_of(r, json_object_get(c, "valueQuantity"), cc->ucum, cc->display, &val)))
                break;
            if (!strcmp(cc->code, "sbp"))
                sbp = val;
            else
                dbp = val;
        }
        if (!rc && (sbp < 0 || dbp < 0))
            rc = fhir__fail(r, 422, "required",
                            "a blood pressure panel needs the components "
                            "8480-6 (systolic) and 8462-4 (diastolic)");
        if (!rc && (plaus_vital_check("sbp", sbp, &err) || plaus_vital_check("dbp", dbp, &err) ||
                    plaus_bp_pair(sbp, dbp, &err)))
            rc = fhir__fail(r, 422, "invalid", "%s", err.msg);
        v[n++] = (struct store_vital){eff, "sbp", sbp};
        v[n++] = (struct store_vital){eff, "dbp", dbp};
    } else if (!rc) {
        double val;
        rc = value_of(r, json_object_get(o, "valueQuantity"), vc->ucum, vc->display, &val);
        if (!rc && plaus_vital_check(vc->code, val, &err))
            rc = fhir__fail(r, 422, "invalid", "%s", err.msg);
        v[n++] = (struct store_vital){eff, vc->code, val};
    }
    struct store_session s;
    if (!rc && store_session_get(r->st, &r->actor, sid, &s, &err)) rc = fhir__from_error(r, &err);
    if (!rc && pid && pid != s.patient_id)
        rc = fhir__fail(r, 422, "invalid", "subject is not the patient of Encounter/%lld", sid);
    if (!rc && store_vitals_add(r->st, &r->actor, sid, v, (size_t)n, &err))
        rc = fhir__from_error(r, &err);
    json_decref(o);
    if (rc) return rc;
    /* the new row is the session's newest of that code (ids only grow) */
    struct newest nw = {v[0].code, 0};
    if (store_vitals_list(r->st, &r->actor, sid, 0, 0, keep_newest, &nw, &err))
        return fhir__from_error(r, &err);
    char id[32];
    snprintf(id, sizeof id, "v%lld", (long long)nw.id);
    return answer_observation(r, s.patient_id, FHIR_PART_VITAL, id);
}
