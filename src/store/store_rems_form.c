/* store_rems_form.c — the REMS Patient Monitoring Form as JSON, the clinician's answers, signing
 * (only a complete form), submission and the 7-day tracker. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/course.h"
#include "store/store_int.h"
#include "store/store_rems.h"

static json_t *yn(int v)
{
    return v == REMS_UNSET ? json_null() : json_boolean(v == REMS_YES);
}

static json_t *txt(const char *s)
{
    return s[0] ? json_string(s) : json_null();
}

static json_t *num(int v, int unset)
{
    return v == unset ? json_null() : json_integer(v);
}

static json_t *bp(int s, int d)
{
    return s && d ? json_pack("{s:i, s:i}", "sys", s, "dia", d) : json_null();
}

json_t *store_rems_form_json(const struct rems_form *f)
{
    return json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o, s:o}, s:o, s:o, s:o, s:o, s:o,"
        " s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
        "form", "SPRAVATO REMS Patient Monitoring Form", "patient_name", txt(f->patient_name),
        "birth_date", txt(f->birth_date), "sex", txt(f->sex), "first_treatment",
        yn(f->first_treatment), "enrolled", yn(f->enrolled), "concomitant", "benzodiazepines",
        yn(f->benzodiazepines), "sedative_hypnotics", yn(f->sedative_hypnotics),
        "psychostimulants", yn(f->psychostimulants), "maois", yn(f->maois), "opioids",
        yn(f->opioids), "monitoring_hcp", txt(f->monitoring_hcp), "setting", txt(f->setting),
        "session_date", txt(f->session_date), "dose_mg", num(f->dose_mg, 0), "lot", txt(f->lot),
        "total_duration_min", num(f->total_duration_min, -1), "ready_to_leave_min",
        num(f->ready_to_leave_min, -1), "vitals_ok_pre", yn(f->vitals_ok_pre), "vitals_ok_end",
        yn(f->vitals_ok_end), "bp_pre", bp(f->bp_pre_sys, f->bp_pre_dia), "bp_40",
        bp(f->bp_40_sys, f->bp_40_dia), "bp_end", bp(f->bp_end_sys, f->bp_end_dia), "sedation",
        yn(f->sedation), "dissociation", yn(f->dissociation), "respiratory_depression",
        yn(f->respiratory_depression), "serious_ae", yn(f->serious_ae), "sae_description",
        txt(f->sae_description));
}

int store_rems_form_answer(struct rems_form *f, const json_t *answers, struct kc_error *err)
{
    if (!answers) return KC_OK;
    if (!json_is_object(answers))
        return kc_error_set(err, KC_EINVAL, "REMS answers must be a JSON object");
    struct rems_form g = *f;
    static const char *const bools[] = {"vitals_ok_pre", "vitals_ok_end", "sedation",
                                        "dissociation", "respiratory_depression", "serious_ae"};
    int *slots[] = {&g.vitals_ok_pre, &g.vitals_ok_end, &g.sedation, &g.dissociation,
                    &g.respiratory_depression, &g.serious_ae};
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)answers, key, v) {
        int done = 0;
        for (int i = 0; i < 6 && !done; i++) {
            if (strcmp(key, bools[i]) != 0) continue;
            if (!json_is_boolean(v))
                return kc_error_set(err, KC_EINVAL, "REMS answer %s must be true or false", key);
            *slots[i] = json_is_true(v) ? REMS_YES : REMS_NO;
            done = 1;
        }
        if (done) continue;
        if (strcmp(key, "ready_to_leave_min") == 0) {
            if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1440)
                return kc_error_set(err, KC_EINVAL, "REMS answer ready_to_leave_min must be an "
                                    "integer 0..1440");
            g.ready_to_leave_min = (int)json_integer_value(v);
        } else if (strcmp(key, "sae_description") == 0 || strcmp(key, "setting") == 0 ||
                   strcmp(key, "monitoring_hcp") == 0) {
            char *dst = key[0] == 'm' ? g.monitoring_hcp
                        : key[1] == 'a' ? g.sae_description : g.setting;
            size_t cap = key[0] == 'm' ? sizeof g.monitoring_hcp
                         : key[1] == 'a' ? sizeof g.sae_description : sizeof g.setting;
            if (!json_is_string(v) || strlen(json_string_value(v)) >= cap)
                return kc_error_set(err, KC_EINVAL, "REMS answer %s must be text of at most %zu "
                                    "characters", key, cap - 1);
            snprintf(dst, cap, "%s", json_string_value(v));
        } else {
            return kc_error_set(err, KC_EINVAL, "REMS answer '%s' is not a field the clinician "
                                "answers (vitals_ok_pre, vitals_ok_end, sedation, dissociation, "
                                "respiratory_depression, serious_ae, ready_to_leave_min, "
                                "sae_description, setting, monitoring_hcp)", key);
        }
    }
    *f = g;
    return KC_OK;
}

int store_rems_form_sign(struct store *st, const struct store_actor *who, int64_t session_id,
                         const json_t *answers, struct rems_form *out, struct kc_error *err)
{
    char rid[24], now[32];
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    struct rems_form f;
    char *text = NULL;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = store__begin(st, err)) || (rc = store__rems_build_in_tx(st, session_id, &f, err)) ||
        (rc = store_rems_form_answer(&f, answers, err)) || (rc = rems_form_check(&f, NULL, err)))
        goto done;
    int64_t n = 0;
    struct sv q[] = {SV_I(session_id)};
    if ((rc = store__q_int(st, "SELECT count(*) FROM rems_forms WHERE session_id = ?", q, 1, &n,
                           err)))
        goto done;
    if (n) {
        rc = kc_error_set(err, KC_ECONFLICT, "the REMS form of session %" PRId64 " is already "
                          "signed", session_id);
        goto done;
    }
    json_t *j = store_rems_form_json(&f);
    text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (!text) {
        rc = kc_error_set(err, KC_ENOMEM, "out of memory");
        goto done;
    }
    store__now(now);
    struct sv a[] = {SV_I(session_id), SV_T(text), SV_T(now), SV_T(who->user)};
    rc = store__q(st, "INSERT INTO rems_forms (session_id, form, signed_at, signed_by) "
                      "VALUES (?,?,?,?)", a, 4, NULL, NULL, err);
done:
    free(text);
    rc = store__finish(st, rc, who, "create", "RemsForm", rid, "signed", err);
    if (!rc && out) *out = f;
    return rc;
}

static int signed_row(void *c, const struct srow *r)
{
    struct store_rems_signed *o = c;
    const char *text = srow_text(r, 0);
    json_decref(o->form);
    o->form = text ? json_loads(text, 0, NULL) : NULL;
    store__copy(r, 1, o->signed_at, sizeof o->signed_at);
    store__copy(r, 2, o->signed_by, sizeof o->signed_by);
    store__copy(r, 3, o->submitted_at, sizeof o->submitted_at);
    store__copy(r, 4, o->submitted_by, sizeof o->submitted_by);
    return 0;
}

int store_rems_form_signed(struct store *st, const struct store_actor *who, int64_t session_id,
                           struct store_rems_signed *out, struct kc_error *err)
{
    char rid[24];
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    memset(out, 0, sizeof *out);
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct sv q[] = {SV_I(session_id)};
    if (!(rc = store__begin_read(st, err))) {
        rc = store__q(st, "SELECT form, signed_at, signed_by, submitted_at, submitted_by FROM "
                          "rems_forms WHERE session_id = ?", q, 1, signed_row, out, err);
        if (rc > 0) rc = KC_OK;
    }
    rc = store__finish(st, rc, who, "read", "RemsForm", rid, "signed copy", err);
    if (rc) {
        json_decref(out->form);
        out->form = NULL;
    }
    return rc;
}

int store_rems_form_submit(struct store *st, const struct store_actor *who, int64_t session_id,
                           const char *at, struct kc_error *err)
{
    char rid[24], t[32];
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if (at) {
        if ((rc = store__time("rems_forms.submitted_at", at, 1, t, err))) goto done;
    } else {
        store__now(t);
    }
    if ((rc = store__begin(st, err))) goto done;
    int64_t n = 0;
    struct sv q[] = {SV_I(session_id)};
    if ((rc = store__q_int(st, "SELECT count(*) FROM rems_forms WHERE session_id = ? AND "
                               "submitted_at IS NULL", q, 1, &n, err)))
        goto done;
    if (!n) {
        rc = kc_error_set(err, KC_ECONFLICT, "session %" PRId64 " has no signed, unsubmitted "
                          "REMS form (sign it first)", session_id);
        goto done;
    }
    struct sv a[] = {SV_T(t), SV_T(who->user), SV_I(session_id)};
    rc = store__q(st, "UPDATE rems_forms SET submitted_at = ?, submitted_by = ? WHERE "
                      "session_id = ?", a, 3, NULL, NULL, err);
done:
    return store__finish(st, rc, who, "update", "RemsForm", rid, "submitted", err);
}

struct track_ctx {
    long today;
    int (*fn)(void *, const struct store_rems_track_row *);
    void *ctx;
    int64_t n;
};

static int track_row(void *c, const struct srow *r)
{
    struct track_ctx *x = c;
    struct store_rems_track_row t;
    memset(&t, 0, sizeof t);
    t.session_id = srow_int(r, 0);
    t.patient_id = srow_int(r, 1);
    store__copy(r, 2, t.mrn, sizeof t.mrn);
    char at[32];
    store__copy(r, 3, at, sizeof at);
    memcpy(t.session_day, at, 10);
    store__copy(r, 4, t.signed_at, sizeof t.signed_at);
    store__copy(r, 5, t.submitted_at, sizeof t.submitted_at);
    long d = 0, sub = -1, due = 0;
    if (course_date_parse(t.session_day, &d, NULL)) return 0;
    if (t.submitted_at[0]) {
        char sd[11];
        memcpy(sd, t.submitted_at, 10);
        sd[10] = '\0';
        if (course_date_parse(sd, &sub, NULL)) sub = -1;
    }
    t.state = rems_pmf_state(d, sub, x->today, &due);
    course_date_format(due, t.due_day, sizeof t.due_day);
    x->n++;
    return x->fn(x->ctx, &t);
}

int store_rems_tracker(struct store *st, const struct store_actor *who, long today,
                       int (*fn)(void *ctx, const struct store_rems_track_row *row), void *ctx,
                       struct kc_error *err)
{
    struct track_ctx x = {today, fn, ctx, 0};
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st, "SELECT s.id, s.patient_id, p.mrn, COALESCE(s.started_at, s.planned_at), "
                          "f.signed_at, f.submitted_at FROM sessions s JOIN patients p ON "
                          "p.id = s.patient_id LEFT JOIN rems_forms f ON f.session_id = s.id "
                          "WHERE s.status = 'ended' AND EXISTS (SELECT 1 FROM doses d WHERE "
                          "d.session_id = s.id AND d.drug = 'esketamine') "
                          "ORDER BY COALESCE(s.started_at, s.planned_at), s.id",
                      NULL, 0, track_row, &x, err);
    char detail[48];
    snprintf(detail, sizeof detail, "tracker n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "RemsForm", "*", detail, err);
}
