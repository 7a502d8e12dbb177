/* api_clinical.c — screening and treatment plans for the web UI (issue 8).  The screening result
 * comes from src/clinic/screen, the schedule from src/clinic/course and the dose (with the pump
 * rate) from src/clinic/dose; this file only validates, calls them and keeps the result. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinic/course.h"
#include "clinic/dose.h"
#include "clinic/screen.h"
#include "http/api.h"
#include "http/api_ui.h"
#include "pkpd/model.h"

static const char *finding_severity(enum screen_severity s)
{
    return s == SCREEN_ABSOLUTE ? "contraindication" : "caution";
}

int api_screenings_add(struct api_req *r)
{
    static const char *const allowed[] = {"age", "sex", "pregnant", "breastfeeding", "weight_kg", "height_cm",
                                          "diagnoses", "history", "hepatic_impairment", "medications", "vitals",
                                          "adequate_antidepressant_trials", "drug", "route", "allergies", NULL};
    int64_t pid;
    if (api_param_id(r, 0, &pid)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    struct store_patient p;
    struct kc_error err = {0};
    if (store_patient_get(r->st, &r->actor, pid, NULL, &p, &err)) {
        json_decref(o);
        return api_from_error(r, &err);
    }
    /* Age and sex default to the registered patient's. */
    if (!json_object_get(o, "age")) json_object_set_new(o, "age", json_integer(api_age_today(r, p.birth_date)));
    if (!json_object_get(o, "sex") && (!strcmp(p.sex, "male") || !strcmp(p.sex, "female")))
        json_object_set_new(o, "sex", json_string(p.sex));
    char *text = json_dumps(o, JSON_COMPACT);
    struct screen_input in;
    static _Thread_local struct screen_result res;
    struct protocol proto;
    proto = *api_protocol(r);
    int rc = text ? screen_parse_json(text, &in, &err) : kc_error_set(&err, KC_EINVAL, "out of memory");
    if (!rc) rc = screen_evaluate(&proto, &in, &res, &err);
    free(text);
    if (rc) {
        json_decref(o);
        return api_error(r, 422, NULL, "%s", err.msg);
    }
    static const char *const outcome_key[] = {"eligible", "caution", "ineligible"};
    json_t *findings = json_array();
    struct store_screening_finding f[SCREEN_MAX_FINDINGS];
    for (int i = 0; i < res.n_findings; i++) {
        const struct screen_finding *x = &res.findings[i];
        json_array_append_new(findings, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", x->id, "severity",
                                                  screen_severity_name(x->severity), "text", x->text, "source",
                                                  x->source ? x->source : "", "action", x->action));
        f[i] = (struct store_screening_finding){x->id, finding_severity(x->severity), x->text};
    }
    /* which protocol (version and entries) decided it: kept with the record */
    json_t *keys = json_array();
    for (size_t i = 0; i < res.trace.n; i++) json_array_append_new(keys, json_string(res.trace.keys[i]));
    json_t *record = json_pack("{s:s, s:s, s:o, s:o, s:{s:s, s:o}}", "outcome", outcome_key[res.outcome],
                               "outcome_text", screen_outcome_name(res.outcome), "findings", findings, "input", o,
                               "protocol", "version", res.trace.version, "entries", keys);
    char *rec = json_dumps(record, JSON_COMPACT);
    int64_t id = 0;
    rc = rec ? store_screening_add(r->st, &r->actor, pid, outcome_key[res.outcome], rec, f, (size_t)res.n_findings,
                                   &id, &err)
             : kc_error_set(&err, KC_EINVAL, "out of memory");
    free(rec);
    if (rc) {
        json_decref(record);
        return api_from_error(r, &err);
    }
    json_object_set_new(record, "id", json_integer(id));
    json_object_set_new(record, "patient_id", json_integer(pid));
    return api_json(r, 201, record);
}

static int screening_item(void *ctx, const struct store_screening_row *s)
{
    json_t *rec = json_loads(s->record, 0, NULL);
    if (!rec) rec = json_object();
    json_object_set_new(rec, "id", json_integer(s->id));
    json_object_set_new(rec, "at", json_string(s->at));
    json_object_set_new(rec, "by_user", json_string(s->by_user));
    json_object_set_new(rec, "result", json_string(s->result));
    json_array_append_new((json_t *)ctx, rec);
    return 0;
}

int api_screenings_list(struct api_req *r)
{
    int64_t pid;
    if (api_param_id(r, 0, &pid)) return r->status;
    json_t *rows = json_array();
    struct kc_error err = {0};
    struct store_patient p;
    if (store_patient_get(r->st, &r->actor, pid, NULL, &p, &err) ||
        store_screening_list(r->st, &r->actor, pid, screening_item, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:I, s:o}", "patient_id", (json_int_t)pid, "screenings", rows));
}

/* PK models that can predict this drug by this route for this weight and age (the ranges the
 * models were fitted on). */
static json_t *eligible_models(enum dose_route route, double weight_kg, int age)
{
    json_t *a = json_array();
    enum pk_enantiomer want = route == DOSE_ROUTE_NASAL_ESK ? PK_S_KETAMINE : PK_RACEMIC;
    static const enum pk_route map[] = {[DOSE_ROUTE_IV] = PK_ROUTE_IV, [DOSE_ROUTE_IM] = PK_ROUTE_IM,
                                        [DOSE_ROUTE_SC] = PK_ROUTE_COUNT, [DOSE_ROUTE_ORAL] = PK_ROUTE_PO,
                                        [DOSE_ROUTE_SL] = PK_ROUTE_SL, [DOSE_ROUTE_NASAL_ESK] = PK_ROUTE_IN,
                                        [DOSE_ROUTE_NASAL_RAC] = PK_ROUTE_IN};
    enum pk_route pr = map[route];
    for (size_t i = 0; pr != PK_ROUTE_COUNT && i < pk_model_count(); i++) {
        const struct pk_model *m = pk_model_at(i);
        if (m->enantiomer != want || !m->routes[pr].supported) continue;
        if (m->weight_max_kg > 0 && (weight_kg < m->weight_min_kg || weight_kg > m->weight_max_kg)) continue;
        if (m->age_max_y > 0 && age >= 0 && (age < m->age_min_y || age > m->age_max_y)) continue;
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "id", m->id, "name", m->name, "confidence",
                                           pk_confidence_name(m->confidence)));
    }
    return a;
}

static json_t *dose_json(const struct dose_plan *d)
{
    json_t *notes = json_array();
    for (int i = 0; i < d->n_notes; i++) json_array_append_new(notes, json_string(d->notes[i]));
    json_t *pk = json_array();
    char buf[96];
    if (d->route == DOSE_ROUTE_IV || d->route == DOSE_ROUTE_IM) {
        if (d->route == DOSE_ROUTE_IV && d->duration_min > 0)
            snprintf(buf, sizeof buf, "iv %.6gmg over %.6gmin", d->dose_mg_base, d->duration_min);
        else snprintf(buf, sizeof buf, "%s %.6gmg", d->route == DOSE_ROUTE_IV ? "iv" : "im", d->dose_mg_base);
        json_array_append_new(pk, json_string(buf));
    }
    json_t *o = json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:s, s:s, s:o, s:o}", "route",
                     dose_route_name(d->route), "drug", d->drug, "mg_per_kg", d->mg_per_kg, "dose_mg_base",
                     d->dose_mg_base, "dose_mg_salt", d->dose_mg_salt, "duration_min", d->duration_min,
                     "rate_mg_per_min", d->rate_mg_per_min, "volume_ml", d->volume_ml, "rate_ml_per_h",
                     d->rate_ml_per_h, "weight_used_kg", d->weight.used_kg, "weight_basis",
                     dose_basis_name(d->weight.basis), "weight_formula", d->weight.formula, "notes", notes,
                     "pk_doses", pk);
    if (o && d->volume_ml > 0) { /* the volume as staff read it (dose_volume_text) */
        json_object_set_new(o, "volume_text", json_string(d->volume_text));
        json_object_set_new(o, "volume_measurable", json_boolean(d->volume_measurable));
    }
    return o;
}

static json_t *schedule_json(const struct course_plan *c)
{
    json_t *s = json_array(), *w = json_array();
    char date[16];
    for (int i = 0; i < c->n; i++) {
        course_date_format(c->s[i].day, date, sizeof date);
        json_array_append_new(s, json_pack("{s:i, s:s, s:s, s:i, s:s, s:s}", "n", i + 1, "date", date, "weekday",
                                           (const char *[]){"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
                                               [course_weekday(c->s[i].day)],
                                           "week", c->s[i].week, "phase", c->s[i].phase ? c->s[i].phase : "",
                                           "dose", c->s[i].dose ? c->s[i].dose : ""));
    }
    for (int i = 0; i < c->n_warn; i++) json_array_append_new(w, json_string(c->warn[i]));
    return json_pack("{s:o, s:o, s:s, s:i}", "sessions", s, "warnings", w, "source", c->source ? c->source : "",
                     "min_gap_days", c->min_gap_days);
}

int api_plans_add(struct api_req *r)
{
    static const char *const allowed[] = {"condition", "protocol", "route", "start_date", "clinic_days", "per_week",
                                          "mg_per_kg", "fixed_mg", "duration_min", "conc_mg_per_ml", "basis",
                                          "override_reason", NULL};
    int64_t pid;
    if (api_param_id(r, 0, &pid)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *cond, *proto_s, *route_s, *start_s, *days_s, *basis_s, *why;
    double mgkg = 0, fixed = 0, dur = 0, conc = 0;
    long long per_week = 0;
    int bad = api_get_string(r, o, "condition", 1, 31, &cond) || api_get_string(r, o, "protocol", 1, 31, &proto_s) ||
              api_get_string(r, o, "route", 1, 15, &route_s) || api_get_string(r, o, "start_date", 1, 10, &start_s) ||
              api_get_string(r, o, "clinic_days", 0, 40, &days_s) || api_get_string(r, o, "basis", 0, 15, &basis_s) ||
              api_get_string(r, o, "override_reason", 0, 199, &why) ||
              api_get_int(r, o, "per_week", 0, 2, 3, &per_week) ||
              api_get_number(r, o, "mg_per_kg", 0, 0, 100, &mgkg) || api_get_number(r, o, "fixed_mg", 0, 0, 10000, &fixed) ||
              api_get_number(r, o, "duration_min", 0, 0, 1440, &dur) ||
              api_get_number(r, o, "conc_mg_per_ml", 0, 0, 1000, &conc);
    struct kc_error err = {0};
    enum course_kind kind;
    enum dose_route route;
    enum dose_basis basis = DOSE_BASIS_AUTO; /* IBW from BMI 30 (src/clinic/dose.c) */
    long start;
    struct course_constraints cc = {0};
    const char *field = NULL;
    if (!bad && course_kind_parse(proto_s, &kind, &err)) field = "protocol";
    else if (!bad && dose_route_parse(route_s, &route, &err)) field = "route";
    else if (!bad && course_date_parse(start_s, &start, &err)) field = "start_date";
    else if (!bad && days_s && course_days_parse(days_s, &cc.clinic_days, &err)) field = "clinic_days";
    else if (!bad && basis_s && dose_basis_parse(basis_s, &basis, &err)) field = "basis";
    if (field) bad = api_error(r, 422, field, "%s", err.msg);
    struct store_patient p;
    double w = 0, height = 0; /* latest; the height sets the BMI rule of the weight basis */
    if (!bad && store_patient_summary(r->st, &r->actor, pid, &p, &w, &height, &err)) bad = api_from_error(r, &err);
    if (!bad && !(w > 0) && route != DOSE_ROUTE_NASAL_ESK)
        bad = api_error(r, 422, "weight_kg", "record the patient's weight before planning a %s dose", route_s);
    static _Thread_local struct course_plan plan;
    static _Thread_local struct dose_plan dose;
    struct protocol proto;
    proto = *api_protocol(r);
    cc.per_week = (int)per_week;
    cc.age_years = bad ? 0 : api_age_today(r, p.birth_date);
    if (!bad && course_plan_make(&proto, kind, start, &cc, &plan, &err)) bad = api_error(r, 422, NULL, "%s", err.msg);
    struct dose_request dr = {route, w, height, DOSE_SEX_UNKNOWN, basis, mgkg, fixed, 0, dur, conc, 0, why,
                              cc.age_years, 1, 0, DOSE_IND_DEPRESSION};
    /* the indication sets the dose rules: MDSI 84 mg from day 1, CRPS 4-hour infusions */
    if (!bad && kind == COURSE_MDSI) dr.indication = DOSE_IND_MDSI;
    else if (!bad && cond && dose_indication_parse(cond, &dr.indication, NULL))
        dr.indication = DOSE_IND_DEPRESSION;
    if (!bad) {
        dr.sex = !strcmp(p.sex, "male") ? DOSE_SEX_MALE : !strcmp(p.sex, "female") ? DOSE_SEX_FEMALE : DOSE_SEX_UNKNOWN;
        if (dose_plan_compute(&proto, &dr, &dose, &err)) bad = api_error(r, 422, "mg_per_kg", "%s", err.msg);
    }
    if (bad) {
        json_decref(o);
        return r->status;
    }
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "condition", cond, "protocol",
                            course_kind_name(kind), "route", dose_route_name(route), "start_date", start_s, "dose",
                            dose_json(&dose), "schedule", schedule_json(&plan), "pk_models",
                            eligible_models(route, w, cc.age_years), "request", o);
    /* the indication the dose rules used (MDSI 84 mg from day 1, CRPS 4-hour infusions), so a
     * dose given under this plan is checked by the same rules */
    if (doc) json_object_set_new(doc, "indication", json_string(dose_indication_name(dr.indication)));
    char *text = json_dumps(doc, JSON_COMPACT);
    int64_t id = 0;
    int rc = text ? store_plan_add(r->st, &r->actor, pid, cond, dose_route_name(route), course_kind_name(kind), text,
                                   &id, &err)
                  : kc_error_set(&err, KC_EINVAL, "out of memory");
    free(text);
    if (rc) {
        json_decref(doc);
        return api_from_error(r, &err);
    }
    json_object_set_new(doc, "id", json_integer(id));
    json_object_set_new(doc, "patient_id", json_integer(pid));
    json_object_set_new(doc, "status", json_string("active"));
    return api_json(r, 201, doc);
}

static int plan_item(void *ctx, const struct store_plan_row *p)
{
    json_t *doc = json_loads(p->document, 0, NULL);
    if (!doc) doc = json_object();
    json_object_set_new(doc, "id", json_integer(p->id));
    json_object_set_new(doc, "patient_id", json_integer(p->patient_id));
    json_object_set_new(doc, "status", json_string(p->status));
    json_object_set_new(doc, "created_at", json_string(p->created_at));
    json_object_set_new(doc, "created_by", json_string(p->created_by));
    json_object_set_new(doc, "signed_by", p->signed_by[0] ? json_string(p->signed_by) : json_null());
    json_object_set_new(doc, "signed_at", p->signed_at[0] ? json_string(p->signed_at) : json_null());
    json_array_append_new((json_t *)ctx, doc);
    return 0;
}

int api_plans_list(struct api_req *r)
{
    int64_t pid;
    if (api_param_id(r, 0, &pid)) return r->status;
    json_t *rows = json_array();
    struct kc_error err = {0};
    struct store_patient p;
    if (store_patient_get(r->st, &r->actor, pid, NULL, &p, &err) ||
        store_plan_list(r->st, &r->actor, pid, 0, plan_item, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:I, s:o}", "patient_id", (json_int_t)pid, "plans", rows));
}

int api_plans_sign(struct api_req *r)
{
    int64_t id;
    if (api_param_id(r, 0, &id)) return r->status;
    if (r->body_len > 0) {
        static const char *const allowed[] = {NULL};
        json_t *o;
        if (api_body_object(r, allowed, &o)) return r->status;
        json_decref(o);
    }
    struct kc_error err = {0};
    json_t *rows = json_array();
    if (store_plan_sign(r->st, &r->actor, id, &err) || store_plan_list(r->st, &r->actor, 0, id, plan_item, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    json_t *one = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return api_json(r, 200, one);
}
