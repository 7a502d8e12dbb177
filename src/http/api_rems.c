/* api_rems.c — the SPRAVATO REMS paperwork and the clinic reports over the API (issue 10):
 * enrolment, the Patient Monitoring Form of a session (read, sign, submit), the 7-day tracker,
 * and the operations and administration reports.  Rules: src/clinic/rems.c, report.c. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinic/course.h"
#include "http/api.h"
#include "http/api_billing.h"
#include "store/store_rems.h"
#include "store/store_report.h"

static int today_arg(struct api_req *r, long *today)
{
    const char *t = api_query(r, "today");
    struct kc_error err = {0};
    if (!t) {
        *today = api_today(r);
        return 0;
    }
    if (course_date_parse(t, today, &err)) return api_error(r, 422, "today", "%s", err.msg);
    return 0;
}

/* POST /api/patients/:id/rems-enrolment {enrolled_on, rems_id?} */
int api_rems_enrol(struct api_req *r)
{
    static const char *const allowed[] = {"enrolled_on", "rems_id", NULL};
    int64_t pid;
    json_t *o = NULL;
    const char *on = NULL, *rid = NULL;
    struct kc_error err = {0};
    if (api_param_id(r, 0, &pid)) return r->status;
    if (api_body_object(r, allowed, &o)) return r->status;
    if (!api_get_string(r, o, "enrolled_on", 1, 10, &on) &&
        !api_get_string(r, o, "rems_id", 0, 31, &rid)) {
        if (store_rems_enrol(r->st, &r->actor, pid, rid, on, &err)) api_from_error(r, &err);
        else api_json(r, 201, json_pack("{s:I, s:s}", "patient_id", (json_int_t)pid,
                                        "enrolled_on", on));
    }
    json_decref(o);
    return r->status;
}

static json_t *form_body(const struct rems_form *f, int is_signed)
{
    json_t *j = store_rems_form_json(f);
    int n = 0;
    struct kc_error miss = {0};
    rems_form_check(f, &n, &miss);
    json_object_set_new(j, "missing", json_string(n ? miss.msg : ""));
    json_object_set_new(j, "signed", json_boolean(is_signed));
    return j;
}

/* GET /api/sessions/:id/rems: the form filled from the record, with what is missing */
int api_rems_form(struct api_req *r)
{
    int64_t sid;
    struct kc_error err = {0};
    struct rems_form f;
    if (api_param_id(r, 0, &sid)) return r->status;
    /* Signed: the copy as it was signed (the record may have changed since), with who signed
     * and submitted it; otherwise the form as the record fills it now. */
    struct store_rems_signed sg;
    if (store_rems_form_signed(r->st, &r->actor, sid, &sg, &err)) return api_from_error(r, &err);
    if (sg.form) {
        json_object_set_new(sg.form, "missing", json_string(""));
        json_object_set_new(sg.form, "signed", json_true());
        json_object_set_new(sg.form, "signed_at", json_string(sg.signed_at));
        json_object_set_new(sg.form, "signed_by", json_string(sg.signed_by));
        json_object_set_new(sg.form, "submitted_at", sg.submitted_at[0] ? json_string(sg.submitted_at) : json_null());
        json_object_set_new(sg.form, "submitted_by", sg.submitted_by[0] ? json_string(sg.submitted_by) : json_null());
        return api_json(r, 200, sg.form);
    }
    if (store_rems_form_build(r->st, &r->actor, sid, &f, &err)) return api_from_error(r, &err);
    return api_json(r, 200, form_body(&f, 0));
}

/* POST /api/sessions/:id/rems/sign {the clinician's answers}: 422 naming the empty fields */
int api_rems_sign(struct api_req *r)
{
    int64_t sid;
    struct kc_error err = {0};
    struct rems_form f;
    json_error_t je;
    if (api_param_id(r, 0, &sid)) return r->status;
    json_t *o = r->body && r->body_len ? json_loads(r->body, JSON_REJECT_DUPLICATES, &je) : NULL;
    if (r->body && r->body_len && !json_is_object(o)) {
        json_decref(o);
        return api_error(r, 400, NULL, "body must be a JSON object of answers");
    }
    if (store_rems_form_sign(r->st, &r->actor, sid, o, &f, &err)) api_from_error(r, &err);
    else api_json(r, 201, form_body(&f, 1));
    json_decref(o);
    return r->status;
}

/* POST /api/sessions/:id/rems/submit */
int api_rems_submit(struct api_req *r)
{
    int64_t sid;
    struct kc_error err = {0};
    if (api_param_id(r, 0, &sid)) return r->status;
    if (store_rems_form_submit(r->st, &r->actor, sid, NULL, &err)) return api_from_error(r, &err);
    return api_json(r, 200, json_pack("{s:I, s:b}", "session_id", (json_int_t)sid, "submitted",
                                      1));
}

static int track_row(void *ctx, const struct store_rems_track_row *t)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s?, s:s?}", "session_id",
                          (json_int_t)t->session_id, "patient_id", (json_int_t)t->patient_id,
                          "mrn", t->mrn, "session_day", t->session_day, "due", t->due_day,
                          "state", rems_pmf_state_name(t->state), "signed_at",
                          t->signed_at[0] ? t->signed_at : NULL, "submitted_at",
                          t->submitted_at[0] ? t->submitted_at : NULL);
    return json_array_append_new(ctx, o) ? KC_ENOMEM : 0;
}

/* GET /api/rems/tracker?today=YYYY-MM-DD */
int api_rems_tracker(struct api_req *r)
{
    long today = 0;
    struct kc_error err = {0};
    if (today_arg(r, &today)) return r->status;
    json_t *a = json_array();
    if (store_rems_tracker(r->st, &r->actor, today, track_row, a, &err)) {
        json_decref(a);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:o}", "forms", a));
}

/* GET /api/reports/operations?from=DAY&to=DAY&today=DAY */
int api_report_operations(struct api_req *r)
{
    long today = 0;
    struct kc_error err = {0};
    const char *from = api_query(r, "from"), *to = api_query(r, "to");
    if (!from || !to) return api_error(r, 422, from ? "to" : "from", "from and to (YYYY-MM-DD) "
                                       "are required");
    if (today_arg(r, &today)) return r->status;
    json_t *j = NULL;
    if (store_report_operations(r->st, &r->actor, from, to, today, &j, &err))
        return api_from_error(r, &err);
    return api_json(r, 200, j);
}
