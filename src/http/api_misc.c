/* api_misc.c — PK prediction, the audit log, ledger balances, and the FHIR R4 face
 * (CapabilityStatement and Patient read). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "pkpd/simulate.h"

#define MAX_PK_POINTS 2001

int api_pk_simulate(struct api_req *r)
{
    static const char *const allowed[] = {"model", "weight_kg", "age_y", "doses", "until_min", "step_min",
                                          "threshold_ng_per_ml", NULL};
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *model_id;
    double w = NAN, age = NAN, until = 240, step = 5, thr = 100;
    int bad = api_get_string(r, o, "model", 1, 31, &model_id) || api_get_number(r, o, "weight_kg", 0, 0.5, 400, &w) ||
              api_get_number(r, o, "age_y", 0, 0, 120, &age) || api_get_number(r, o, "until_min", 0, 1, 7 * 1440, &until) ||
              api_get_number(r, o, "step_min", 0, 0.1, 1440, &step) ||
              api_get_number(r, o, "threshold_ng_per_ml", 0, 0, 1e5, &thr);
    const struct pk_model *m = NULL;
    struct kc_error err = {0};
    if (!bad && pk_model_find(model_id, &m, &err)) bad = api_error(r, 422, "model", "%s", err.msg);
    json_t *arr = json_object_get(o, "doses");
    struct pk_dose doses[16];
    size_t nd = 0;
    if (!bad && (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > 16))
        bad = api_error(r, 422, "doses", "'doses' must be 1-16 strings such as \"iv 0.5mg/kg over 40min\"");
    for (size_t i = 0; !bad && i < json_array_size(arr); i++) {
        json_t *d = json_array_get(arr, i);
        if (!json_is_string(d) || pk_dose_parse(json_string_value(d), &doses[nd++], &err))
            bad = api_error(r, 422, "doses", "%s", json_is_string(d) ? err.msg : "each dose must be a string");
    }
    if (!bad && floor(until / step) + 1 > MAX_PK_POINTS)
        bad = api_error(r, 422, "step_min", "at most %d points", MAX_PK_POINTS);
    json_decref(o);
    if (bad) return r->status;
    struct pk_covariates cov = {w, age, NAN, PK_SEX_UNKNOWN, 0, 0};
    struct pk_indiv ind;
    struct pk_notes notes = {0};
    if (pk_individualize(m, &cov, NULL, 0, &ind, &notes, &err)) return api_from_error(r, &err);
    static _Thread_local double times[MAX_PK_POINTS];
    static _Thread_local struct pk_point pts[MAX_PK_POINTS];
    size_t nt = 0;
    for (double t = 0; t <= until + 1e-9 && nt < MAX_PK_POINTS; t += step) times[nt++] = t;
    struct pk_sim_request req = {&ind, doses, nd, times, nt, thr, PK_ENGINE_AUTO};
    struct pk_summary s;
    if (pk_simulate(&req, pts, &s, &notes, &err)) return api_from_error(r, &err);
    json_t *t = json_array(), *cp = json_array(), *ce = json_array(), *nj = json_array();
    for (size_t i = 0; i < nt; i++) {
        json_array_append_new(t, json_real(times[i]));
        json_array_append_new(cp, json_real(pts[i].cp_ng_per_ml));
        json_array_append_new(ce, json_real(pts[i].ce_ng_per_ml));
    }
    for (int i = 0; i < notes.n; i++) json_array_append_new(nj, json_string(notes.text[i]));
    return api_json(r, 200, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:{s:f, s:f, s:f, s:o, s:f}}", "model", m->id,
                                      "citation", m->citation, "time_min", t, "cp_ng_per_ml", cp, "ce_ng_per_ml", ce,
                                      "notes", nj, "summary", "cmax_ng_per_ml", s.cmax_ng_per_ml, "tmax_min",
                                      s.tmax_min, "auc_ng_h_per_ml", s.auc_ng_h_per_ml, "below_threshold_at_min",
                                      isfinite(s.t_below_min) ? json_real(s.t_below_min) : json_null(),
                                      "threshold_ng_per_ml", s.threshold_ng_per_ml));
}

static int audit_row(void *ctx, const struct store_audit_entry *e)
{
    json_array_append_new((json_t *)ctx,
                          json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "seq", (json_int_t)e->seq,
                                    "at", e->at, "user", e->user, "role", e->role, "action", e->action,
                                    "resource_type", e->resource_type, "resource_id", e->resource_id, "source",
                                    e->source, "outcome", e->outcome, "detail", e->detail));
    return 0;
}

int api_audit_list(struct api_req *r)
{
    const char *after = api_query(r, "after"), *limit = api_query(r, "limit");
    long long a = 0, l = 100;
    if (after && (sscanf(after, "%lld", &a) != 1 || a < 0)) return api_error(r, 400, "after", "'after' must be a sequence number");
    if (limit && (sscanf(limit, "%lld", &l) != 1 || l < 1 || l > 1000)) return api_error(r, 400, "limit", "'limit' must be 1-1000");
    json_t *rows = json_array();
    struct kc_error err = {0};
    if (store_audit_list(r->st, a, l, audit_row, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:o}", "entries", rows));
}

static int balance_row(void *ctx, const struct store_ledger_balance *b)
{
    json_array_append_new((json_t *)ctx, json_pack("{s:s, s:s, s:s, s:I, s:i}", "drug", b->drug, "lot", b->lot,
                                                   "location", b->location, "balance_ug", (json_int_t)b->balance_ug,
                                                   "open_discrepancies", b->open_discrepancies));
    return 0;
}

int api_ledger_balances(struct api_req *r)
{
    json_t *rows = json_array();
    struct kc_error err = {0};
    if (store_ledger_balances(r->st, api_query(r, "drug"), balance_row, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:o}", "balances", rows));
}

/* ---- FHIR R4 ---- */

static int fhir_error(struct api_req *r, int status, const char *code, const char *msg)
{
    r->content_type = "application/fhir+json";
    return api_json(r, status, json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "resourceType", "OperationOutcome", "issue",
                                         "severity", "error", "code", code, "diagnostics", msg));
}

int api_fhir_metadata(struct api_req *r)
{
    r->content_type = "application/fhir+json";
    json_t *patient = json_pack("{s:s, s:[{s:s}], s:s}", "type", "Patient", "interaction", "code", "read",
                                "versioning", "versioned");
    json_t *rest = json_pack("{s:s, s:[o]}", "mode", "server", "resource", patient);
    json_t *cs = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s}, s:[o]}", "resourceType",
                           "CapabilityStatement", "status", "active", "date", "2026-11-23", "kind",
                           "instance", "fhirVersion", "4.0.1", "format", "application/fhir+json",
                           "software", "name", "ketaclinic", "rest", rest);
    if (!cs) return api_error(r, 500, NULL, "%s", "could not build the CapabilityStatement");
    return api_json(r, 200, cs);
}

int api_fhir_patient(struct api_req *r)
{
    int64_t id;
    if (api_param_id(r, 0, &id)) return fhir_error(r, 404, "not-found", "no such Patient");
    struct store_patient p;
    struct kc_error err = {0};
    int rc = store_patient_get(r->st, &r->actor, id, NULL, &p, &err);
    if (rc == KC_ENOTFOUND) return fhir_error(r, 404, "not-found", "no such Patient");
    if (rc) return fhir_error(r, 500, "exception", err.msg);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)p.id);
    /* FHIR forbids empty strings: optional parts are left out when not recorded. */
    json_t *name = json_pack("{s:s}", "family", p.family_name);
    if (p.given_name[0]) json_object_set_new(name, "given", json_pack("[s]", p.given_name));
    json_t *res = json_pack("{s:s, s:s, s:{s:s}, s:[{s:s, s:s}], s:[o], s:s, s:s}", "resourceType",
                            "Patient", "id", idtext, "meta", "versionId", "1", "identifier", "system",
                            "urn:ketaclinic:mrn", "value", p.mrn, "name", name, "gender",
                            p.sex[0] ? p.sex : "unknown", "birthDate", p.birth_date);
    json_t *telecom = json_array();
    if (p.phone[0]) json_array_append_new(telecom, json_pack("{s:s, s:s}", "system", "phone", "value", p.phone));
    if (p.email[0]) json_array_append_new(telecom, json_pack("{s:s, s:s}", "system", "email", "value", p.email));
    if (json_array_size(telecom)) json_object_set_new(res, "telecom", telecom);
    else json_decref(telecom);
    r->content_type = "application/fhir+json";
    api_header(r, "ETag", "W/\"1\"");
    return api_json(r, 200, res);
}
