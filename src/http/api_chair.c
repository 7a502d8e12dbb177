/* api_chair.c — the chair screen's records (issue 8): interventions (one-tap entries such as
 * "infusion paused") and the latest discharge check of a session. */
#include <stdio.h>
#include <string.h>
#include <time.h>

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
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
