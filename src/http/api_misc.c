/* api_misc.c — PK prediction, the audit log and ledger balances. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/quantity.h"
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
    long a = 0, l = 100;
    struct kc_error perr = {0};
    if (after && kc_parse_long(after, 0, INT64_MAX, &a, &perr))
        return api_error(r, 400, "after", "'after' must be a sequence number (%s)", perr.msg);
    if (limit && kc_parse_long(limit, 1, 1000, &l, &perr))
        return api_error(r, 400, "limit", "'limit' must be 1-1000 (%s)", perr.msg);
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
