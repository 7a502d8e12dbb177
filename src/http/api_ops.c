/* api_ops.c — discharge checks (src/clinic/discharge), ledger writes and entries (rules in
 * src/clinic/ledger via store_ledger_record), outcome statistics (src/clinic/outcome) and the
 * staff list, for the web UI (issue 8). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clinic/discharge.h"
#include "clinic/outcome.h"
#include "http/api_ui.h"

struct bp {
    double sbp0, dbp0, sbp, dbp;
};

static int bp_item(void *ctx, const struct store_vital_row *v)
{
    struct bp *b = ctx;
    if (!strcmp(v->code, "sbp")) {
        if (b->sbp0 == 0) b->sbp0 = v->value;
        b->sbp = v->value;
    } else if (!strcmp(v->code, "dbp")) {
        if (b->dbp0 == 0) b->dbp0 = v->value;
        b->dbp = v->value;
    }
    return 0;
}

static int get_bool(struct api_req *r, json_t *o, const char *key, int *out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return 0;
    if (!json_is_boolean(v)) return api_error(r, 422, key, "'%s' must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

/* Body: {aldrete:[5 items 0-2], escort_present, mental_status_baseline, esketamine,
 * minutes_since_dose | dose_ended_at}.  Baseline BP is the session's first reading, the latest
 * its last; the observation time runs from dose_ended_at, else the session's end (the infusion
 * stopped), else its start. */
int api_discharge_check(struct api_req *r)
{
    static const char *const allowed[] = {"aldrete", "escort_present", "mental_status_baseline", "esketamine",
                                          "minutes_since_dose", "dose_ended_at", "moderate_hepatic", NULL};
    int64_t sid;
    if (api_param_id(r, 0, &sid)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    struct discharge_input in;
    memset(&in, 0, sizeof in);
    double mins = -1;
    const char *ended = NULL;
    int bad = get_bool(r, o, "escort_present", &in.escort_present) ||
              get_bool(r, o, "mental_status_baseline", &in.mental_status_baseline) ||
              get_bool(r, o, "esketamine", &in.esketamine) || get_bool(r, o, "moderate_hepatic", &in.moderate_hepatic) ||
              api_get_number(r, o, "minutes_since_dose", 0, 0, 1440, &mins) ||
              api_get_string(r, o, "dose_ended_at", 0, 35, &ended);
    time_t ended_t = 0;
    if (!bad && ended && ((ended_t = api_time_parse(ended)) < 0 || ended_t > time(NULL) + 60))
        bad = api_error(r, 422, "dose_ended_at", "'dose_ended_at' must be a past UTC time such as 2026-12-01T09:30:00Z");
    if (!bad && ended && mins >= 0) bad = api_error(r, 422, "dose_ended_at", "give minutes_since_dose or dose_ended_at, not both");
    json_t *al = json_object_get(o, "aldrete");
    if (!bad && al && !json_is_null(al)) {
        if (!json_is_array(al) || json_array_size(al) != 5)
            bad = api_error(r, 422, "aldrete", "'aldrete' must be 5 item scores (activity, respiration, circulation, "
                                               "consciousness, SpO2), each 0-2");
        for (size_t i = 0; !bad && i < 5; i++) {
            json_t *x = json_array_get(al, i);
            if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 2)
                bad = api_error(r, 422, "aldrete", "aldrete[%zu] must be 0, 1 or 2", i);
            else in.aldrete[i] = (int)json_integer_value(x);
        }
        in.aldrete_given = !bad;
    }
    json_decref(o);
    if (bad) return r->status;
    struct kc_error err = {0};
    struct store_session s;
    struct bp b = {0};
    if (store_session_get(r->st, &r->actor, sid, &s, &err) ||
        store_vitals_list(r->st, &r->actor, sid, 0, 0, bp_item, &b, &err))
        return api_from_error(r, &err);
    if (mins < 0) { /* from the infusion's end: as given, else the session's end, else its start */
        time_t t0 = ended_t > 0 ? ended_t : s.ended_at[0] ? api_time_parse(s.ended_at) : s.started_at[0] ? api_time_parse(s.started_at) : 0;
        mins = t0 > 0 ? (double)(time(NULL) - t0) / 60.0 : 0;
        if (mins < 0) mins = 0;
    }
    in.minutes_since_dose = mins;
    in.baseline_sbp = b.sbp0;
    in.baseline_dbp = b.dbp0;
    in.sbp = b.sbp;
    in.dbp = b.dbp;
    struct protocol p;
    p = *api_protocol(r);
    struct discharge_result res;
    if (discharge_check(&p, &in, &res, &err)) return api_error(r, 422, NULL, "%s", err.msg);
    json_t *missing = json_array();
    char first[STORE_TEXT_MAX] = "";
    for (int i = 0; i < res.n_missing; i++) {
        json_array_append_new(missing, json_string(res.missing[i]));
        if (i == 0) snprintf(first, sizeof first, "%.200s", res.missing[i]);
    }
    char total[32];
    snprintf(total, sizeof total, "total %d", res.aldrete_total);
    struct store_discharge_item items[] = {
        {"escort", NULL, in.escort_present},
        {"mental-status-baseline", NULL, in.mental_status_baseline},
        {"aldrete", in.aldrete_given ? total : "not scored", in.aldrete_given},
        {"discharge-ready", first[0] ? first : NULL, res.ready},
    };
    if (store_discharge_add(r->st, &r->actor, sid, items, 4, &err)) {
        json_decref(missing);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:I, s:b, s:i, s:f, s:f, s:o, s:s, s:{s:f, s:f, s:f, s:f}}", "session_id",
                                      (json_int_t)sid, "ready", res.ready, "aldrete_total", res.aldrete_total,
                                      "observation_min", res.observation_min, "minutes_observed", mins, "missing",
                                      missing, "advice", res.advice, "bp", "baseline_sbp", b.sbp0, "baseline_dbp",
                                      b.dbp0, "sbp", b.sbp, "dbp", b.dbp));
}

/* Body: {kind, drug, lot, location, to_location, qty_ug | qty_mg, supplier, witness,
 * witness_password, reason}.  The user is the one logged in; a waste needs a second staff
 * member who confirms with their own password.  Administrations are recorded with their dose. */
int api_ledger_add(struct api_req *r)
{
    static const char *const allowed[] = {"kind", "drug", "lot", "location", "to_location", "qty_ug", "qty_mg",
                                          "supplier", "witness", "witness_password", "reason", NULL};
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *kind_s, *wpw;
    struct ledger_event ev;
    memset(&ev, 0, sizeof ev);
    long long ug = 0;
    double mg = NAN;
    int bad = api_get_string(r, o, "kind", 1, 15, &kind_s) || api_get_string(r, o, "drug", 1, 15, &ev.drug) ||
              api_get_string(r, o, "lot", 1, 63, &ev.lot) || api_get_string(r, o, "location", 1, 63, &ev.location) ||
              api_get_string(r, o, "to_location", 0, 63, &ev.to_location) ||
              api_get_string(r, o, "supplier", 0, 127, &ev.supplier) ||
              api_get_string(r, o, "witness", 0, 63, &ev.witness) ||
              api_get_string(r, o, "witness_password", 0, 256, &wpw) ||
              api_get_string(r, o, "reason", 0, 200, &ev.reason) ||
              api_get_int(r, o, "qty_ug", 0, -LEDGER_QTY_MAX_UG, LEDGER_QTY_MAX_UG, &ug) ||
              api_get_number(r, o, "qty_mg", 0, -1e7, 1e7, &mg);
    struct kc_error err = {0};
    if (!bad && ledger_kind_parse(kind_s, &ev.kind, &err)) bad = api_error(r, 422, "kind", "%s", err.msg);
    if (!bad && ev.kind == LEDGER_ADMINISTER)
        bad = api_error(r, 422, "kind", "an administration is recorded with its dose (POST /api/sessions/:id/doses)");
    if (!bad && json_object_get(o, "qty_ug") && json_object_get(o, "qty_mg"))
        bad = api_error(r, 422, "qty_mg", "give qty_ug or qty_mg, not both");
    if (!bad && !isnan(mg)) {
        ug = llround(mg * 1000.0);
        if (fabs(mg * 1000.0 - (double)ug) > 1e-6) bad = api_error(r, 422, "qty_mg", "'qty_mg' has more than 3 decimals");
    }
    if (!bad && !json_object_get(o, "qty_ug") && isnan(mg)) bad = api_error(r, 422, "qty_mg", "'qty_mg' is required");
    if (!bad && ev.kind == LEDGER_WASTE && ev.witness) {
        if (!wpw) bad = api_error(r, 422, "witness_password", "the witness confirms a waste with their own password");
        else if (store_user_check_password(r->st, ev.witness, wpw, r->source, &err))
            bad = api_error(r, 422, "witness_password", "the witness '%s' could not be confirmed", ev.witness);
    }
    ev.qty_ug = ug;
    ev.user = r->user;
    int64_t seq = 0, disc = 0;
    if (!bad && store_ledger_record(r->st, &r->actor, &ev, &seq, &disc, &err)) bad = api_from_error(r, &err);
    json_decref(o);
    if (bad) return r->status;
    return api_json(r, 201, json_pack("{s:I, s:s, s:o}", "seq", (json_int_t)seq, "kind", ledger_kind_name(ev.kind),
                                      "discrepancy_id", disc ? json_integer(disc) : json_null()));
}

static int entry_item(void *ctx, const struct store_ledger_row *e)
{
    const struct ledger_event *v = &e->ev;
    json_array_append_new((json_t *)ctx,
                          json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:I, s:s, s:s?, s:s?, s:s?, s:I}", "seq",
                                    (json_int_t)e->seq, "at", e->at, "kind", ledger_kind_name(v->kind), "drug",
                                    v->drug ? v->drug : "", "lot", v->lot ? v->lot : "", "location",
                                    v->location ? v->location : "", "to_location", v->to_location, "qty_ug",
                                    (json_int_t)v->qty_ug, "user", v->user ? v->user : "", "witness", v->witness,
                                    "supplier", v->supplier, "reason", v->reason, "balance_after_ug",
                                    (json_int_t)e->balance_after_ug));
    return 0;
}

int api_ledger_entries(struct api_req *r)
{
    json_t *rows = json_array();
    struct kc_error err = {0};
    if (store_ledger_entries(r->st, api_query(r, "from"), api_query(r, "to"), entry_item, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:o}", "entries", rows));
}

#define MAX_COURSES 2048
struct oc_ctx {
    struct store_outcome_row first[MAX_COURSES], last[MAX_COURSES];
    int count[MAX_COURSES];
    int n;
};

static int outcome_item(void *ctx, const struct store_outcome_row *o)
{
    struct oc_ctx *c = ctx;
    int k = c->n - 1;
    if (k < 0 || c->first[k].patient_id != o->patient_id || strcmp(c->first[k].scale, o->scale)) {
        if (c->n >= MAX_COURSES) return 0;
        k = c->n++;
        c->first[k] = *o;
        c->count[k] = 0;
    }
    c->last[k] = *o;
    c->count[k]++;
    return 0;
}

static json_t *rate(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* Courses = patients with at least two results of a scale (baseline = first, end = latest),
 * grouped by the condition and route of their latest plan. */
int api_outcomes(struct api_req *r)
{
    static _Thread_local struct oc_ctx c;
    static _Thread_local struct outcome_course courses[MAX_COURSES];
    static _Thread_local char done[MAX_COURSES];
    c.n = 0;
    struct kc_error err = {0};
    if (store_outcome_rows(r->st, &r->actor, outcome_item, &c, &err)) return api_from_error(r, &err);
    memset(done, 0, sizeof done);
    struct protocol p;
    p = *api_protocol(r);
    json_t *groups = json_array();
    for (int i = 0; i < c.n; i++) {
        if (done[i] || c.count[i] < 2 || !scale_find(c.first[i].scale)) continue;
        const char *cond = c.last[i].condition[0] ? c.last[i].condition : "unspecified";
        const char *route = c.last[i].route[0] ? c.last[i].route : "unspecified";
        long n = 0;
        for (int j = i; j < c.n; j++) {
            const char *cj = c.last[j].condition[0] ? c.last[j].condition : "unspecified";
            const char *rj = c.last[j].route[0] ? c.last[j].route : "unspecified";
            if (done[j] || c.count[j] < 2 || strcmp(cj, cond) || strcmp(rj, route) ||
                strcmp(c.first[j].scale, c.first[i].scale))
                continue;
            done[j] = 1;
            courses[n++] = (struct outcome_course){cj, rj, scale_find(c.first[j].scale), c.first[j].total,
                                                   c.last[j].total};
        }
        struct outcome_summary s;
        if (outcome_summarise(&p, courses, n, &s, &err)) return api_error(r, 500, NULL, "%s", err.msg);
        json_t *g = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "condition", cond,
                              "route", route, "scale", c.first[i].scale, "n", (int)s.n, "responders",
                              (int)s.responders, "remitters", (int)s.remitters, "response_rate",
                              rate(s.response_rate), "response_lo", rate(s.response_lo), "response_hi",
                              rate(s.response_hi), "remission_rate", rate(s.remission_rate), "remission_lo",
                              rate(s.remission_lo), "remission_hi", rate(s.remission_hi));
        if (s.effect.n > 0)
            json_object_set_new(g, "hedges_g", json_pack("{s:f, s:f, s:f}", "g", s.effect.g, "lo", s.effect.lo,
                                                         "hi", s.effect.hi));
        json_array_append_new(groups, g);
    }
    json_t *bench = json_array();
    for (int i = 0; i < outcome_benchmarks_len; i++) {
        const struct outcome_benchmark *b = &outcome_benchmarks[i];
        json_array_append_new(bench, json_pack("{s:s?, s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "population",
                                               b->population, "n", (json_int_t)b->n, "route", b->route, "scale",
                                               b->scale, "protocol", b->protocol, "response", b->response, "remission", b->remission, "effect",
                                               b->effect, "source", b->source, "confidence", b->confidence));
    }
    return api_json(r, 200, json_pack("{s:o, s:o, s:s}", "groups", groups, "benchmarks", bench, "method",
                                      "response/remission per scale against the first result; 95% Wilson intervals"));
}

static int user_item(void *ctx, const struct store_user *u)
{
    json_array_append_new((json_t *)ctx, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)u->id, "name",
                                                   u->name, "role", u->role, "display_name", u->display_name,
                                                   "active", u->active));
    return 0;
}

int api_users_list(struct api_req *r)
{
    json_t *rows = json_array();
    struct kc_error err = {0};
    if (store_user_list(r->st, &r->actor, user_item, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:o}", "users", rows));
}
