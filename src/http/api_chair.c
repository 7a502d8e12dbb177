/* api_chair.c — the chair screen's records (issue 8): interventions (one-tap entries such as
 * "infusion paused"), the latest discharge check of a session, and the response/remission lines
 * of a scale trajectory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinic/protocol.h"
#include "clinic/scale.h"
#include "http/api_ui.h"

/* The interventions the chair screen offers; anything else is refused so that the record stays
 * comparable across sessions (free text goes in notes). */
static const char *const actions[] = {"infusion-paused", "infusion-resumed", "infusion-stopped", "antiemetic-given",
                                      "antihypertensive-given", "oxygen-applied", "reassurance", "repositioned",
                                      "physician-called", NULL};

int api_interventions_add(struct api_req *r)
{
    static const char *const allowed[] = {"action", "notes", "at", NULL};
    int64_t sid;
    if (api_param_id(r, 0, &sid)) return r->status;
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *action, *notes, *at;
    int bad = api_get_string(r, o, "action", 1, 63, &action) || api_get_string(r, o, "notes", 0, 255, &notes) ||
              api_get_string(r, o, "at", 0, 35, &at);
    int known = 0;
    for (int i = 0; !bad && actions[i]; i++)
        if (!strcmp(action, actions[i])) known = 1;
    if (!bad && !known)
        bad = api_error(r, 422, "action", "unknown action '%s' (infusion-paused, infusion-resumed, infusion-stopped, "
                                          "antiemetic-given, antihypertensive-given, oxygen-applied, reassurance, "
                                          "repositioned, physician-called)", action);
    char now[32];
    if (!bad && !at) {
        api_time_text(time(NULL), now);
        at = now;
    }
    struct kc_error err = {0};
    int64_t id = 0;
    int rc = bad ? 0 : store_intervention_add(r->st, &r->actor, sid, at, action, notes, &id, &err);
    json_decref(o);
    if (bad) return r->status;
    if (rc) return api_from_error(r, &err);
    return api_json(r, 201, json_pack("{s:I, s:I}", "id", (json_int_t)id, "session_id", (json_int_t)sid));
}

static int item(void *ctx, const struct store_intervention_row *v)
{
    json_array_append_new((json_t *)ctx, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)v->id, "at", v->at,
                                                   "action", v->action, "by_user", v->by_user, "notes", v->notes));
    return 0;
}

int api_interventions_list(struct api_req *r)
{
    int64_t sid;
    if (api_param_id(r, 0, &sid)) return r->status;
    json_t *rows = json_array();
    struct kc_error err = {0};
    if (store_intervention_list(r->st, &r->actor, sid, item, rows, &err)) {
        json_decref(rows);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:o}", "interventions", rows));
}

int api_discharge_latest(struct api_req *r)
{
    int64_t sid;
    if (api_param_id(r, 0, &sid)) return r->status;
    struct store_discharge_latest d;
    struct kc_error err = {0};
    if (store_discharge_latest(r->st, &r->actor, sid, &d, &err)) return api_from_error(r, &err);
    return api_json(r, 200, json_pack("{s:I, s:s, s:s, s:b, s:s}", "session_id", (json_int_t)sid, "at", d.at, "by_user",
                                      d.by_user, "ready", d.ready, "first_missing", d.missing));
}

/* GET /api/scales/:key/lines?baseline=N — the highest totals that still count as a response and
 * as a remission against that baseline, found with scale_compare over every possible total, so
 * that the trajectory chart can draw both lines without the rule in JavaScript.  null where no
 * total qualifies or the scale defines none. */
int api_scale_lines(struct api_req *r)
{
    char key[32];
    size_t n = 0;
    for (const char *s = r->n_params ? r->params[0] : ""; *s && *s != '/' && n < sizeof key - 1; s++) key[n++] = *s;
    key[n] = '\0';
    const struct scale_def *def = scale_find(key);
    if (!def) return api_error(r, 404, NULL, "no scale '%s'", key);
    const char *b = api_query(r, "baseline");
    char *end = NULL;
    long base = b ? strtol(b, &end, 10) : -1;
    if (!b || !*b || *end || base < def->total_min || base > def->total_max)
        return api_error(r, 400, "baseline", "'baseline' must be a total %d-%d", def->total_min, def->total_max);
    struct protocol p;
    p = *api_protocol(r);
    int resp = -1, remit = -1;
    struct scale_change ch;
    struct kc_error err = {0};
    for (int t = def->total_min; t <= def->total_max; t++) {
        int rc = scale_compare(&p, def, (int)base, t, 0, &ch, &err);
        if (rc == KC_EUNSUPPORTED) return api_error(r, 422, NULL, "%s", err.msg);
        if (rc) return api_error(r, 422, "baseline", "%s", err.msg);
        if (ch.response) resp = t;
        if (ch.remission == 1) remit = t;
    }
    return api_json(r, 200, json_pack("{s:s, s:i, s:o, s:o, s:s, s:s}", "scale", def->key, "baseline", (int)base,
                                      "response_max_total", resp >= 0 ? json_integer(resp) : json_null(),
                                      "remission_max_total", remit >= 0 ? json_integer(remit) : json_null(),
                                      "response_definition", ch.response_def, "remission_definition", ch.remission_def));
}
