/* api_lists.c — the lists the UI works from: patient search, the day's sessions, a session's
 * vitals with their alarms (src/clinic/vitals), side effects, and a patient's scale trajectory
 * with response and remission against the course baseline (src/clinic/scale). */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clinic/plausibility.h"
#include "clinic/protocol.h"
#include "clinic/scale.h"
#include "clinic/vitals.h"
#include "http/api.h"

static int query_int(struct api_req *r, const char *name, long long min, long long max, long long *out)
{
    const char *v = api_query(r, name);
    if (!v) return 0;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || x < min || x > max)
        return api_error(r, 400, name, "query parameter '%s' must be a whole number %lld-%lld", name, min, max);
    *out = x;
    return 0;
}

static int patient_item(void *ctx, const struct store_patient *p)
{
    json_array_append_new((json_t *)ctx, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id, "mrn",
                                                   p->mrn, "family_name", p->family_name, "given_name",
                                                   p->given_name, "birth_date", p->birth_date, "sex", p->sex));
    return 0;
}

int api_patients_list(struct api_req *r)
{
    long long limit = 100, offset = 0;
    if (query_int(r, "limit", 1, 1000, &limit) || query_int(r, "offset", 0, 1000000, &offset)) return r->status;
    const char *q = api_query(r, "q");
    json_t *rows = json_array();
    struct kc_error err = {0};
    if (store_patient_list(r->st, &r->actor, q, limit, offset, patient_item, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:o, s:I, s:I}", "patients", rows, "limit", (json_int_t)limit, "offset",
                                      (json_int_t)offset));
}

static const char *status_name(enum store_session_status s)
{
    static const char *n[] = {"planned", "started", "ended", "cancelled"};
    return (unsigned)s < 4 ? n[s] : "unknown";
}

static int session_item(void *ctx, const struct store_session_row *s)
{
    json_array_append_new((json_t *)ctx,
                          json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)s->s.id,
                                    "patient_id", (json_int_t)s->s.patient_id, "mrn", s->mrn, "family_name",
                                    s->family_name, "given_name", s->given_name, "status", status_name(s->s.status),
                                    "chair", s->s.chair, "staff", s->s.staff, "planned_at", s->s.planned_at,
                                    "started_at", s->s.started_at, "ended_at", s->s.ended_at));
    return 0;
}

/* ?date=YYYY-MM-DD (UTC day) and/or ?patient_id=N */
int api_sessions_list(struct api_req *r)
{
    long long pid = 0;
    if (query_int(r, "patient_id", 1, INT64_MAX, &pid)) return r->status;
    const char *date = api_query(r, "date");
    char from[32] = "", to[32] = "";
    if (date && api_day_range(r, "date", date, from, to)) return r->status;
    json_t *rows = json_array();
    struct kc_error err = {0};
    if (store_session_list(r->st, &r->actor, pid, date ? from : NULL, date ? to : NULL, session_item, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:o}", "sessions", rows));
}

/* Vitals of a session, with readings grouped by time for the alarm rules.  The whole session is
 * read (alarms look back over it) and a long one at 1 Hz has thousands of readings, so the
 * buffers grow as needed; only the rows after `after` become JSON. */
struct vit_ctx {
    json_t *rows;
    struct vitals_reading *rd;
    char (*at)[32];
    int n, cap, oom;
    long long after;
    int64_t last_id;
};

static int vital_item(void *ctx, const struct store_vital_row *v)
{
    struct vit_ctx *c = ctx;
    if (v->id > c->after) {
        const struct plaus_vital *pv = plaus_vital_find(v->code);
        json_array_append_new(c->rows, json_pack("{s:I, s:s, s:s, s:f, s:s}", "id", (json_int_t)v->id, "at", v->at,
                                                 "code", v->code, "value", v->value, "unit", pv ? pv->unit : ""));
    }
    c->last_id = v->id;
    /* group into readings by identical time */
    int k = -1;
    for (int i = c->n - 1; i >= 0 && i >= c->n - 8; i--)
        if (strcmp(c->at[i], v->at) == 0) k = i;
    if (k < 0) {
        if (c->n == c->cap) {
            int cap = c->cap ? 2 * c->cap : 1024;
            struct vitals_reading *rd = realloc(c->rd, (size_t)cap * sizeof *rd);
            if (rd) c->rd = rd;
            char(*at)[32] = rd ? realloc(c->at, (size_t)cap * sizeof *at) : NULL;
            if (!rd || !at) {
                c->oom = 1;
                return 1; /* stops the read */
            }
            c->at = at;
            c->cap = cap;
        }
        k = c->n++;
        snprintf(c->at[k], 32, "%s", v->at);
        c->rd[k] = (struct vitals_reading){0, NAN, NAN, NAN, NAN};
    }
    if (strcmp(v->code, "sbp") == 0) c->rd[k].sbp_mmhg = v->value;
    else if (strcmp(v->code, "dbp") == 0) c->rd[k].dbp_mmhg = v->value;
    else if (strcmp(v->code, "hr") == 0) c->rd[k].hr_bpm = v->value;
    else if (strcmp(v->code, "spo2") == 0) c->rd[k].spo2_pct = v->value;
    return 0;
}

static int cmp_reading(const void *a, const void *b)
{
    double x = ((const struct vitals_reading *)a)->t_min, y = ((const struct vitals_reading *)b)->t_min;
    return (x > y) - (x < y);
}

json_t *api_vitals_json(struct api_req *r, int64_t id, long long after)
{
    struct vit_ctx c = {.rows = json_array(), .after = after};
    struct kc_error err = {0};
    json_t *out = NULL, *alarms = json_array();
    int rc = store_vitals_list(r->st, &r->actor, id, 0, 0, vital_item, &c, &err);
    if (c.oom) {
        api_error(r, 503, NULL, "%s", "out of memory reading the session's vital signs");
        goto done;
    }
    if (rc) {
        api_from_error(r, &err);
        goto done;
    }
    int left_out = 0;
    if (c.n > 0) {
        time_t t0 = api_time_parse(c.at[0]);
        for (int k = 0; k < c.n; k++) c.rd[k].t_min = (double)(api_time_parse(c.at[k]) - t0) / 60.0;
        qsort(c.rd, (size_t)c.n, sizeof c.rd[0], cmp_reading);
        struct vitals_result res;
        double now = c.rd[c.n - 1].t_min;
        if (vitals_evaluate(api_protocol(r), c.rd, c.n, now, NAN, &res, &err) == 0) {
            left_out = res.n_left_out;
            for (int k = 0; k < res.n_alarms; k++)
                json_array_append_new(alarms, json_pack("{s:s, s:s, s:f, s:s, s:s, s:s}", "id", res.alarms[k].id,
                                                        "severity", vitals_severity_name(res.alarms[k].severity),
                                                        "t_min", res.alarms[k].t_min, "text", res.alarms[k].text,
                                                        "action", res.alarms[k].action ? res.alarms[k].action : "",
                                                        "source", res.alarms[k].source ? res.alarms[k].source : ""));
        }
    }
    out = json_pack("{s:I, s:O, s:O, s:i, s:I}", "session_id", (json_int_t)id, "observations", c.rows, "alarms",
                    alarms, "alarms_left_out", left_out, "last_id", (json_int_t)(c.last_id > after ? c.last_id : after));
done:
    json_decref(c.rows);
    json_decref(alarms);
    free(c.rd);
    free(c.at);
    return out;
}

int api_vitals_list(struct api_req *r)
{
    int64_t id;
    long long after = 0;
    if (api_param_id(r, 0, &id) || query_int(r, "after", 0, INT64_MAX, &after)) return r->status;
    json_t *body = api_vitals_json(r, id, after);
    return body ? api_json(r, 200, body) : r->status;
}

/* GET /api/sessions/:id/events: checks the session (an audited read), then server.c answers
 * with the Server-Sent Events stream of events.c instead of a JSON body.  Last-Event-ID (sent
 * by a reconnecting EventSource) or ?after= give the last observation id already seen. */
int api_events(struct api_req *r)
{
    int64_t id;
    long long after = 0;
    if (api_param_id(r, 0, &id) || query_int(r, "after", 0, INT64_MAX, &after)) return r->status;
    const char *last = api_header_in(r, "Last-Event-ID");
    if (last && *last) {
        char *end;
        long long v = strtoll(last, &end, 10);
        if (*end || v < 0) return api_error(r, 400, "Last-Event-ID", "%s", "Last-Event-ID must be an observation id");
        after = v;
    }
    struct store_session s;
    struct kc_error err = {0};
    if (store_session_get(r->st, &r->actor, id, &s, &err)) return api_from_error(r, &err);
    r->stream_session = id;
    r->stream_after = after;
    r->status = 200;
    return 200;
}

static int side_effect_item(void *ctx, const struct store_side_effect_row *s)
{
    json_array_append_new((json_t *)ctx, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)s->id, "at", s->at,
                                                   "code", s->code, "severity", s->severity, "notes", s->notes));
    return 0;
}

int api_side_effects_list(struct api_req *r)
{
    int64_t id;
    if (api_param_id(r, 0, &id)) return r->status;
    json_t *rows = json_array();
    struct kc_error err = {0};
    if (store_side_effect_list(r->st, &r->actor, id, side_effect_item, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:o}", "side_effects", rows));
}

int api_side_effects_add(struct api_req *r)
{
    static const char *const allowed[] = {"code", "severity", "notes", "at", NULL};
    int64_t id;
    if (api_param_id(r, 0, &id)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *code, *sev, *notes, *at;
    int bad = api_get_string(r, o, "code", 1, 31, &code) || api_get_string(r, o, "severity", 1, 11, &sev) ||
              api_get_string(r, o, "notes", 0, 255, &notes) || api_get_string(r, o, "at", 0, 35, &at);
    if (!bad && strcmp(sev, "mild") && strcmp(sev, "moderate") && strcmp(sev, "severe"))
        bad = api_error(r, 422, "severity", "'severity' must be mild, moderate or severe");
    char now[32];
    if (!bad && !at) {
        api_time_text(time(NULL), now);
        at = now;
    }
    struct kc_error err = {0};
    int64_t new_id = 0;
    int rc = bad ? 0 : store_side_effect_add(r->st, &r->actor, id, at, code, sev, notes, &new_id, &err);
    json_decref(o);
    if (bad) return r->status;
    if (rc) return api_from_error(r, &err);
    return api_json(r, 201, json_pack("{s:I, s:I}", "id", (json_int_t)new_id, "session_id", (json_int_t)id));
}

struct scale_ctx {
    json_t *rows;
    int first_total[32];
    char first_scale[32][32];
    int n_first;
    const struct protocol *proto;
};

static int scale_item(void *ctx, const struct store_scale_row *s)
{
    struct scale_ctx *c = ctx;
    json_t *row = json_pack("{s:I, s:I, s:s, s:s, s:i}", "id", (json_int_t)s->id, "session_id", (json_int_t)s->session_id,
                            "scale", s->scale, "at", s->at, "total", s->total);
    int k = -1;
    for (int i = 0; i < c->n_first; i++)
        if (strcmp(c->first_scale[i], s->scale) == 0) k = i;
    if (k < 0 && c->n_first < 32) {
        k = c->n_first++;
        snprintf(c->first_scale[k], 32, "%s", s->scale);
        c->first_total[k] = s->total;
    }
    const struct scale_def *def = scale_find(s->scale);
    struct scale_change ch;
    struct kc_error err = {0};
    if (k >= 0 && def && scale_compare(c->proto, def, c->first_total[k], s->total, 0, &ch, &err) == 0)
        json_object_set_new(row, "change", json_pack("{s:i, s:f, s:b, s:o, s:s}", "baseline", ch.baseline, "drop_pct",
                                                     ch.drop_pct, "response", ch.response, "remission",
                                                     ch.remission < 0 ? json_null() : json_boolean(ch.remission),
                                                     "definition", ch.response_def));
    json_array_append_new(c->rows, row);
    return 0;
}

int api_scales_list(struct api_req *r)
{
    int64_t pid;
    if (api_param_id(r, 0, &pid)) return r->status;
    struct scale_ctx c;
    memset(&c, 0, sizeof c);
    c.rows = json_array();
    c.proto = api_protocol(r);
    struct kc_error err = {0};
    if (store_scale_list(r->st, &r->actor, pid, api_query(r, "scale"), scale_item, &c, &err)) {
        json_decref(c.rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:I, s:o, s:s}", "patient_id", (json_int_t)pid, "results", c.rows, "baseline",
                                      "the first result of each scale"));
}
