/* api_doses.c — giving a dose: the clinical core plans it (weight basis, limits, rate in mL/h),
 * a dose above the protocol default needs a prescriber's signature and reason, the store records
 * the administration and its controlled-substance ledger entry in one transaction, and the PK
 * engine predicts the concentration curve the chair screen shows. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clinic/dose.h"
#include "clinic/protocol.h"
#include "http/api.h"
#include "store/store_rems.h"
#include "pkpd/simulate.h"

#define PRED_POINTS 49 /* 0-240 min every 5 min */

static void iso_plus(const char *start, double minutes, char out[32])
{
    api_time_text(api_time_parse(start) + (time_t)llround(minutes * 60), out);
}

/* The predicted curve for the plan: Domino 1984 for racemic ketamine, Perez-Ruixo 2021 for
 * esketamine (src/pkpd/models.c); NULL when the route has no model (SC). */
static json_t *predict(const struct dose_plan *plan, double weight_kg, int age)
{
    struct pk_dose d[2];
    unsigned n = 0;
    struct kc_error err = {0};
    if (dose_pk_doses(plan, d, 2, &n, &err)) return NULL;
    d[0].start_min = 0;
    const struct pk_model *m;
    if (pk_model_find(plan->route == DOSE_ROUTE_NASAL_ESK ? "perezruixo2021" : "domino1984", &m, &err)) return NULL;
    struct pk_covariates cov = {weight_kg > 0 ? weight_kg : NAN, age > 0 ? age : NAN, NAN, PK_SEX_UNKNOWN, 0, 0};
    struct pk_indiv ind;
    struct pk_notes notes = {0};
    if (pk_individualize(m, &cov, NULL, 0, &ind, &notes, &err)) return NULL;
    double t[PRED_POINTS];
    struct pk_point p[PRED_POINTS];
    for (int i = 0; i < PRED_POINTS; i++) t[i] = 5.0 * i;
    struct pk_sim_request req = {&ind, d, n, t, PRED_POINTS, 100.0, PK_ENGINE_AUTO};
    struct pk_summary s;
    if (pk_simulate(&req, p, &s, &notes, &err)) return NULL;
    json_t *tm = json_array(), *cp = json_array(), *ce = json_array(), *nj = json_array();
    for (int i = 0; i < PRED_POINTS; i++) {
        json_array_append_new(tm, json_real(t[i]));
        json_array_append_new(cp, json_real(p[i].cp_ng_per_ml));
        json_array_append_new(ce, json_real(p[i].ce_ng_per_ml));
    }
    for (int i = 0; i < notes.n; i++) json_array_append_new(nj, json_string(notes.text[i]));
    return json_pack("{s:s, s:o, s:o, s:o, s:f, s:f, s:o, s:o}", "model", m->id, "time_min", tm, "cp_ng_per_ml", cp,
                     "ce_ng_per_ml", ce, "cmax_ng_per_ml", s.cmax_ng_per_ml, "tmax_min", s.tmax_min,
                     "below_100_ng_per_ml_at_min", isfinite(s.t_below_min) ? json_real(s.t_below_min) : json_null(),
                     "notes", nj);
}

int api_doses_add(struct api_req *r)
{
    static const char *const allowed[] = {"route", "mg_per_kg", "fixed_mg", "amount_is_salt", "duration_min",
                                          "conc_mg_per_ml", "container_ml", "basis", "height_cm",
                                          "override_reason", "first_dose", "lot", "location", "started_at", NULL};
    int64_t sid;
    if (api_param_id(r, 0, &sid)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *route, *basis, *reason, *lot, *location, *started;
    struct dose_request q;
    memset(&q, 0, sizeof q);
    double salt = 0, first = 0;
    int bad = api_get_string(r, o, "route", 1, 15, &route) || api_get_number(r, o, "mg_per_kg", 0, 0, 100, &q.mg_per_kg) ||
              api_get_number(r, o, "fixed_mg", 0, 0, 10000, &q.fixed_mg) ||
              api_get_number(r, o, "duration_min", 0, 0, 1440, &q.duration_min) ||
              api_get_number(r, o, "conc_mg_per_ml", 1, 0.001, 1000, &q.conc_mg_per_ml) ||
              api_get_number(r, o, "container_ml", 0, 0, 5000, &q.container_ml) ||
              api_get_number(r, o, "height_cm", 0, 0, 280, &q.height_cm) ||
              api_get_string(r, o, "basis", 0, 15, &basis) || api_get_string(r, o, "override_reason", 0, 199, &reason) ||
              api_get_string(r, o, "lot", 1, 63, &lot) || api_get_string(r, o, "location", 1, 63, &location) ||
              api_get_string(r, o, "started_at", 0, 35, &started) ||
              (started && api_time_parse(started) < 0 &&
               api_error(r, 422, "started_at", "%s", "'started_at' must be a UTC time such as 2026-12-01T09:30:00Z"));
    json_t *b = json_object_get(o, "amount_is_salt"), *f = json_object_get(o, "first_dose");
    if (!bad && ((b && !json_is_boolean(b)) || (f && !json_is_boolean(f))))
        bad = api_error(r, 422, b && !json_is_boolean(b) ? "amount_is_salt" : "first_dose", "%s", "must be true or false");
    salt = json_is_true(b);
    first = json_is_true(f);
    struct kc_error err = {0};
    if (!bad && dose_route_parse(route, &q.route, &err)) bad = api_error(r, 422, "route", "%s", err.msg);
    if (!bad && basis && dose_basis_parse(basis, &q.basis, &err)) bad = api_error(r, 422, "basis", "%s", err.msg);
    /* Only a prescriber signs a dose above the protocol default (issue 7; roles.c). */
    if (!bad && reason && !roles_allowed(r->role, KC_RES_DOSE, KC_ACT_SIGN))
        bad = api_error(r, 403, "override_reason", "only a prescriber may order a dose above the protocol default (role %s)",
                        roles_name((enum kc_role)r->role));
    if (!bad && q.route == DOSE_ROUTE_SL)
        bad = api_error(r, 422, "route", "%s", "sublingual administrations cannot be recorded yet: the dose record has no "
                                               "sublingual route");
    if (bad) {
        json_decref(o);
        return r->status;
    }
    q.amount_is_salt = (int)salt;
    q.first_dose = (int)first;
    q.override_reason = reason;

    /* The patient: weight (latest), sex and age from the record. */
    struct store_session sess;
    struct store_patient pat;
    int rc = store_session_get(r->st, &r->actor, sid, &sess, &err);
    if (!rc) rc = store_patient_get(r->st, &r->actor, sess.patient_id, NULL, &pat, &err);
    if (rc) {
        json_decref(o);
        return api_from_error(r, &err);
    }
    if (sess.status != STORE_SESSION_STARTED) {
        json_decref(o);
        return api_error(r, 409, NULL, "%s", "doses are given in a started session");
    }
    double w = 0;
    struct kc_error werr = {0};
    if (store_patient_weight_latest(r->st, &r->actor, pat.id, &w, &werr) == 0) q.weight_kg = w;
    q.sex = strcmp(pat.sex, "male") == 0 ? DOSE_SEX_MALE : strcmp(pat.sex, "female") == 0 ? DOSE_SEX_FEMALE : DOSE_SEX_UNKNOWN;
    time_t now = time(NULL);
    q.age_years = api_age_years(pat.birth_date, now);
    if (q.age_years < 0) {
        json_decref(o);
        return api_error(r, 422, NULL, "the patient's birth date '%s' is not a date", pat.birth_date);
    }

    struct protocol proto;
    proto = *api_protocol(r);
    struct dose_plan plan;
    if (dose_plan_compute(&proto, &q, &plan, &err)) {
        json_decref(o);
        return api_error(r, 422, NULL, "%s", err.msg);
    }
    char at[32], end[32];
    if (started) snprintf(at, sizeof at, "%s", started);
    else api_time_text(now, at);
    /* SPRAVATO REMS: an outpatient is enrolled before the first dose (clinical.md s1c, V); the
     * booking check (POST /api/sessions) asks the same, but enrolment is checked again here, for
     * the day of the dose, since a session may have been booked without naming the service. */
    if (plan.route == DOSE_ROUTE_NASAL_ESK) {
        char day[11];
        snprintf(day, sizeof day, "%.10s", at);
        struct kc_error rerr = {0};
        int rrc = store_rems_check_dose(r->st, &r->actor, pat.id, day, &rerr);
        if (rrc) {
            json_decref(o);
            return rrc == KC_EDENIED ? api_error(r, 409, NULL, "%s", rerr.msg) : api_from_error(r, &rerr);
        }
    }
    int infusion = plan.route == DOSE_ROUTE_IV && plan.duration_min > 0;
    if (infusion) iso_plus(at, plan.duration_min, end);
    static const char *store_route[] = {[DOSE_ROUTE_IV] = "iv", [DOSE_ROUTE_IM] = "im", [DOSE_ROUTE_SC] = "sc",
                                        [DOSE_ROUTE_ORAL] = "oral", [DOSE_ROUTE_NASAL_ESK] = "intranasal",
                                        [DOSE_ROUTE_NASAL_RAC] = "intranasal"};
    double volume_ml = plan.volume_ml > 0 ? plan.volume_ml : plan.dose_mg_base / q.conc_mg_per_ml;
    struct store_dose_new d = {
        .session_id = sid,
        .drug = plan.route == DOSE_ROUTE_NASAL_ESK ? "esketamine" : "ketamine",
        .form = "base",
        .route = store_route[plan.route],
        .lot = lot,
        .location = location,
        .dose_ug = (int64_t)llround(plan.dose_mg_base * 1000.0),
        .conc_ug_per_ml = (int64_t)llround(q.conc_mg_per_ml * 1000.0),
        .volume_ul = (int64_t)llround(volume_ml * 1000.0),
        .started_at = at,
        .ended_at = infusion ? end : NULL,
        .given_by = r->user,
    };
    int64_t dose_id = 0, seq = 0;
    rc = store_dose_record(r->st, &r->actor, &d, &dose_id, &seq, &err);
    json_decref(o);
    if (rc) return api_from_error(r, &err);
    json_t *notes = json_array();
    for (int i = 0; i < plan.n_notes; i++) json_array_append_new(notes, json_string(plan.notes[i]));
    json_t *out = json_pack("{s:I, s:I, s:I, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:s, s:b, s:o, s:s}", "id",
                            (json_int_t)dose_id, "session_id", (json_int_t)sid, "ledger_seq", (json_int_t)seq, "drug",
                            d.drug, "route", dose_route_name(plan.route), "dose_mg_base", plan.dose_mg_base,
                            "dose_mg_salt", plan.dose_mg_salt, "mg_per_kg", plan.mg_per_kg, "duration_min",
                            plan.duration_min, "rate_ml_per_h", plan.rate_ml_per_h, "volume_ml", volume_ml,
                            "weight_basis", plan.weight.formula, "override_used", plan.override_used, "notes", notes,
                            "protocol_version", plan.trace.version);
    json_t *pred = predict(&plan, q.weight_kg, q.age_years);
    if (pred) json_object_set_new(out, "prediction", pred);
    char vt[32];
    int meas = 0;
    if (volume_ml > 0 && !dose_volume_text(api_protocol(r), volume_ml, vt, sizeof vt, &meas, NULL)) {
        json_object_set_new(out, "volume_text", json_string(vt)); /* as staff read it */
        json_object_set_new(out, "volume_measurable", json_boolean(meas));
    }
    return api_json(r, 201, out);
}
