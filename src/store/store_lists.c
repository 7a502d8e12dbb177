/* store_lists.c — the lists the clinic works from (patient search, the day's sessions, a
 * session's vitals, side effects, a patient's scale results) and side-effect records.  Each call
 * is one audited read or write, like every other patient-data access. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

#define LIST_MAX 1000

static const char *const status_names[] = {"planned", "started", "ended", "cancelled"};

struct list_ctx {
    void *fn;
    void *ctx;
    int64_t n;
};

static int patient_row(void *c, const struct srow *r)
{
    struct list_ctx *x = c;
    struct store_patient p;
    memset(&p, 0, sizeof p);
    p.id = srow_int(r, 0);
    store__copy(r, 1, p.mrn, sizeof p.mrn);
    store__copy(r, 2, p.family_name, sizeof p.family_name);
    store__copy(r, 3, p.given_name, sizeof p.given_name);
    store__copy(r, 4, p.birth_date, sizeof p.birth_date);
    store__copy(r, 5, p.sex, sizeof p.sex);
    store__copy(r, 6, p.phone, sizeof p.phone);
    store__copy(r, 7, p.email, sizeof p.email);
    store__copy(r, 8, p.address, sizeof p.address);
    store__copy(r, 9, p.emergency_name, sizeof p.emergency_name);
    store__copy(r, 10, p.emergency_phone, sizeof p.emergency_phone);
    store__copy(r, 11, p.created_at, sizeof p.created_at);
    x->n++;
    return ((int (*)(void *, const struct store_patient *))x->fn)(x->ctx, &p);
}

int store_patient_list(struct store *st, const struct store_actor *who, const char *query,
                       int64_t limit, int64_t offset,
                       int (*fn)(void *ctx, const struct store_patient *p), void *ctx,
                       struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if (query && strlen(query) > 64) return kc_error_set(err, KC_EINVAL, "search text longer than 64 characters");
    if (limit <= 0 || limit > LIST_MAX) limit = LIST_MAX;
    if (offset < 0) offset = 0;
    char like[80];
    snprintf(like, sizeof like, "%s%%", query ? query : "");
    struct list_ctx x = {(void *)fn, ctx, 0};
    struct sv a[] = {SV_T(like), SV_T(like), SV_T(like), SV_I(limit), SV_I(offset)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st,
                      "SELECT id, mrn, family_name, given_name, birth_date, sex, phone, email, address, "
                      "emergency_name, emergency_phone, created_at FROM patients "
                      "WHERE lower(mrn) LIKE lower(?) OR lower(family_name) LIKE lower(?) "
                      "OR lower(given_name) LIKE lower(?) ORDER BY family_name, given_name, id "
                      "LIMIT ? OFFSET ?",
                      a, 5, patient_row, &x, err);
    char detail[96];
    snprintf(detail, sizeof detail, "search n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "Patient", "*", detail, err);
}

static int session_row(void *c, const struct srow *r)
{
    struct list_ctx *x = c;
    struct store_session_row s;
    memset(&s, 0, sizeof s);
    s.s.id = srow_int(r, 0);
    s.s.patient_id = srow_int(r, 1);
    const char *status = srow_text(r, 2);
    for (int i = 0; i < 4; i++)
        if (status && strcmp(status, status_names[i]) == 0) s.s.status = (enum store_session_status)i;
    store__copy(r, 3, s.s.chair, sizeof s.s.chair);
    store__copy(r, 4, s.s.staff, sizeof s.s.staff);
    store__copy(r, 5, s.s.planned_at, sizeof s.s.planned_at);
    store__copy(r, 6, s.s.started_at, sizeof s.s.started_at);
    store__copy(r, 7, s.s.ended_at, sizeof s.s.ended_at);
    store__copy(r, 8, s.mrn, sizeof s.mrn);
    store__copy(r, 9, s.family_name, sizeof s.family_name);
    store__copy(r, 10, s.given_name, sizeof s.given_name);
    x->n++;
    return ((int (*)(void *, const struct store_session_row *))x->fn)(x->ctx, &s);
}

int store_session_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                       const char *from, const char *to,
                       int (*fn)(void *ctx, const struct store_session_row *s), void *ctx,
                       struct kc_error *err)
{
    char f[32], t[32];
    int rc = store__check_actor(who, err);
    if (!rc) rc = store__time("from", from, 0, f, err);
    if (!rc) rc = store__time("to", to, 0, t, err);
    if (rc) return rc;
    struct list_ctx x = {(void *)fn, ctx, 0};
    struct sv a[] = {SV_I(patient_id), SV_I(patient_id), SV_T(f), SV_T(f), SV_T(t), SV_T(t), SV_I(LIST_MAX)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st,
                      "SELECT s.id, s.patient_id, s.status, s.chair, s.staff, s.planned_at, s.started_at, "
                      "COALESCE(s.ended_at, s.cancelled_at), p.mrn, p.family_name, p.given_name "
                      "FROM sessions s JOIN patients p ON p.id = s.patient_id "
                      "WHERE (? = 0 OR s.patient_id = ?) AND (? = '' OR s.planned_at >= ?) "
                      "AND (? = '' OR s.planned_at < ?) ORDER BY s.planned_at, s.id LIMIT ?",
                      a, 7, session_row, &x, err);
    char rid[24], detail[64];
    snprintf(rid, sizeof rid, patient_id ? "%" PRId64 : "*", patient_id);
    snprintf(detail, sizeof detail, "list n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "Encounter", rid, detail, err);
}

static int vital_row(void *c, const struct srow *r)
{
    struct list_ctx *x = c;
    struct store_vital_row v;
    memset(&v, 0, sizeof v);
    v.id = srow_int(r, 0);
    store__copy(r, 1, v.at, sizeof v.at);
    store__copy(r, 2, v.code, sizeof v.code);
    v.value = srow_real(r, 3);
    x->n++;
    return ((int (*)(void *, const struct store_vital_row *))x->fn)(x->ctx, &v);
}

int store_vitals_list(struct store *st, const struct store_actor *who, int64_t session_id,
                      int64_t after_id, int64_t limit,
                      int (*fn)(void *ctx, const struct store_vital_row *v), void *ctx,
                      struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    /* 0 = every row: the alarm rules and the latest BP need the whole session, and a 2-hour
     * session at 1 Hz has some 36,000 rows (rows are streamed to fn, not held here) */
    if (limit <= 0) limit = INT64_MAX;
    struct list_ctx x = {(void *)fn, ctx, 0};
    struct sv a[] = {SV_I(session_id), SV_I(after_id), SV_I(limit)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st, "SELECT id, at, code, value FROM vitals WHERE session_id = ? AND id > ? "
                          "ORDER BY id LIMIT ?", a, 3, vital_row, &x, err);
    char rid[24], detail[64];
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    snprintf(detail, sizeof detail, "list n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "Observation", rid, detail, err);
}

static int scale_row(void *c, const struct srow *r)
{
    struct list_ctx *x = c;
    struct store_scale_row s;
    memset(&s, 0, sizeof s);
    s.id = srow_int(r, 0);
    s.session_id = srow_int(r, 1);
    store__copy(r, 2, s.scale, sizeof s.scale);
    store__copy(r, 3, s.at, sizeof s.at);
    s.total = (int)srow_int(r, 4);
    x->n++;
    return ((int (*)(void *, const struct store_scale_row *))x->fn)(x->ctx, &s);
}

int store_scale_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                     const char *scale, int (*fn)(void *ctx, const struct store_scale_row *s),
                     void *ctx, struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct list_ctx x = {(void *)fn, ctx, 0};
    struct sv a[] = {SV_I(patient_id), SV_T(scale ? scale : ""), SV_T(scale ? scale : ""), SV_I(LIST_MAX)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st, "SELECT id, COALESCE(session_id, 0), scale, at, total FROM scale_results "
                          "WHERE patient_id = ? AND (? = '' OR scale = ?) ORDER BY at, id LIMIT ?",
                      a, 4, scale_row, &x, err);
    char rid[24], detail[64];
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    snprintf(detail, sizeof detail, "list n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "QuestionnaireResponse", rid, detail, err);
}

int store_side_effect_add(struct store *st, const struct store_actor *who, int64_t session_id,
                          const char *at, const char *code, const char *severity,
                          const char *notes, int64_t *id, struct kc_error *err)
{
    char t[32], rid[24];
    int rc = store__check_actor(who, err);
    if (!rc) rc = store__time("side_effects.at", at, 1, t, err);
    if (!rc) rc = store__text("side_effects.code", code, 31, 1, err);
    if (!rc) rc = store__text("side_effects.severity", severity, 11, 1, err);
    if (!rc) rc = store__text("side_effects.notes", notes, STORE_TEXT_MAX - 1, 0, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    int64_t new_id = 0;
    struct sv a[] = {SV_I(session_id), SV_T(t), SV_T(code), SV_T(severity), SV_T(notes)};
    if (!(rc = store__begin(st, err))) {
        rc = store__q(st, "INSERT INTO side_effects (session_id, at, code, severity, notes) "
                          "VALUES (?,?,?,?,?)", a, 5, NULL, NULL, err);
        if (rc == KC_EINVAL && strstr(err->msg, "referenced"))
            rc = kc_error_set(err, KC_ENOTFOUND, "side_effects.session_id: no session %" PRId64, session_id);
        struct sv b[] = {SV_I(session_id)};
        if (!rc) rc = store__q_int(st, "SELECT max(id) FROM side_effects WHERE session_id = ?", b, 1, &new_id, err);
    }
    rc = store__finish(st, rc, who, "create", "AdverseEvent", rid, code, err);
    if (!rc && id) *id = new_id;
    return rc;
}

static int side_effect_row(void *c, const struct srow *r)
{
    struct list_ctx *x = c;
    struct store_side_effect_row s;
    memset(&s, 0, sizeof s);
    s.id = srow_int(r, 0);
    store__copy(r, 1, s.at, sizeof s.at);
    store__copy(r, 2, s.code, sizeof s.code);
    store__copy(r, 3, s.severity, sizeof s.severity);
    store__copy(r, 4, s.notes, sizeof s.notes);
    x->n++;
    return ((int (*)(void *, const struct store_side_effect_row *))x->fn)(x->ctx, &s);
}

int store_side_effect_list(struct store *st, const struct store_actor *who, int64_t session_id,
                           int (*fn)(void *ctx, const struct store_side_effect_row *s), void *ctx,
                           struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct list_ctx x = {(void *)fn, ctx, 0};
    struct sv a[] = {SV_I(session_id)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st, "SELECT id, at, code, severity, COALESCE(notes, '') FROM side_effects "
                          "WHERE session_id = ? ORDER BY at, id", a, 1, side_effect_row, &x, err);
    char rid[24];
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    return store__finish(st, rc, who, "read", "AdverseEvent", rid, "list", err);
}

struct vp_ctx {
    int (*fn)(void *ctx, const struct store_vital_row *v, int64_t session_id);
    void *ctx;
    int64_t n;
};

static int vital_patient_row(void *c, const struct srow *r)
{
    struct vp_ctx *x = c;
    struct store_vital_row v;
    memset(&v, 0, sizeof v);
    v.id = srow_int(r, 0);
    store__copy(r, 1, v.at, sizeof v.at);
    store__copy(r, 2, v.code, sizeof v.code);
    v.value = srow_real(r, 3);
    x->n++;
    return x->fn(x->ctx, &v, srow_int(r, 4));
}

int store_vitals_by_patient(struct store *st, const struct store_actor *who, int64_t patient_id,
                            const char *code, const char *from, const char *to, int64_t limit,
                            int64_t offset,
                            int (*fn)(void *ctx, const struct store_vital_row *v, int64_t session_id),
                            void *ctx, struct kc_error *err)
{
    char f[32], t[32], rid[24];
    int rc = store__check_actor(who, err);
    if (!rc) rc = store__time("from", from, 0, f, err);
    if (!rc) rc = store__time("to", to, 0, t, err);
    if (rc) return rc;
    if (limit <= 0 || limit > LIST_MAX) limit = LIST_MAX;
    if (offset < 0) offset = 0;
    struct vp_ctx x = {fn, ctx, 0};
    const char *c = code ? code : "";
    struct sv a[] = {SV_I(patient_id), SV_T(c), SV_T(c), SV_T(f), SV_T(f), SV_T(t), SV_T(t), SV_I(limit), SV_I(offset)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st,
                      "SELECT v.id, v.at, v.code, v.value, v.session_id FROM vitals v "
                      "JOIN sessions s ON s.id = v.session_id WHERE s.patient_id = ? "
                      "AND (? = '' OR v.code = ?) AND (? = '' OR v.at >= ?) AND (? = '' OR v.at < ?) "
                      "ORDER BY v.at, v.id LIMIT ? OFFSET ?",
                      a, 9, vital_patient_row, &x, err);
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    char detail[64];
    snprintf(detail, sizeof detail, "search n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "Observation", rid, detail, err);
}

static int dose_row(void *c, const struct srow *r)
{
    struct list_ctx *x = c;
    struct store_dose_row d;
    memset(&d, 0, sizeof d);
    d.id = srow_int(r, 0);
    d.session_id = srow_int(r, 1);
    store__copy(r, 2, d.drug, sizeof d.drug);
    store__copy(r, 3, d.form, sizeof d.form);
    store__copy(r, 4, d.route, sizeof d.route);
    store__copy(r, 5, d.lot, sizeof d.lot);
    d.dose_ug = srow_int(r, 6);
    store__copy(r, 7, d.started_at, sizeof d.started_at);
    store__copy(r, 8, d.ended_at, sizeof d.ended_at);
    store__copy(r, 9, d.given_by, sizeof d.given_by);
    x->n++;
    return ((int (*)(void *, const struct store_dose_row *))x->fn)(x->ctx, &d);
}

int store_dose_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                    int64_t session_id, int (*fn)(void *ctx, const struct store_dose_row *d),
                    void *ctx, struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct list_ctx x = {(void *)fn, ctx, 0};
    struct sv a[] = {SV_I(patient_id), SV_I(patient_id), SV_I(session_id), SV_I(session_id), SV_I(LIST_MAX)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st,
                      "SELECT d.id, d.session_id, d.drug, d.form, d.route, d.lot, d.dose_ug, d.started_at, "
                      "COALESCE(d.ended_at, ''), d.given_by FROM doses d JOIN sessions s ON s.id = d.session_id "
                      "WHERE (? = 0 OR s.patient_id = ?) AND (? = 0 OR d.session_id = ?) "
                      "ORDER BY d.started_at, d.id LIMIT ?",
                      a, 5, dose_row, &x, err);
    char rid[24];
    snprintf(rid, sizeof rid, "%" PRId64, patient_id ? patient_id : session_id);
    return store__finish(st, rc, who, "read", "MedicationAdministration", rid, "list", err);
}

static int one_patient(void *ctx, const struct store_patient *p)
{
    *(struct store_patient *)ctx = *p;
    return 0;
}

struct latest_weight {
    double weight_kg, height_cm;
    int found;
};

static int weight_row(void *c, const struct srow *r)
{
    struct latest_weight *w = c;
    w->weight_kg = srow_real(r, 0);
    w->height_cm = srow_text(r, 1) ? srow_real(r, 1) : 0.0;
    w->found = 1;
    return 0;
}

int store_patient_summary(struct store *st, const struct store_actor *who, int64_t id,
                          struct store_patient *out, double *weight_kg, double *height_cm,
                          struct kc_error *err)
{
    char rid[24];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "%" PRId64, id);
    struct store_patient p;
    memset(&p, 0, sizeof p);
    struct list_ctx x = {(void *)one_patient, &p, 0};
    struct latest_weight w = {0, 0, 0};
    struct sv a[] = {SV_I(id)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st,
                      "SELECT id, mrn, family_name, given_name, birth_date, sex, phone, email, address, "
                      "emergency_name, emergency_phone, created_at FROM patients WHERE id = ?",
                      a, 1, patient_row, &x, err);
    if (!rc && x.n == 0) rc = kc_error_set(err, KC_ENOTFOUND, "no patient %" PRId64, id);
    if (!rc)
        rc = store__q(st, "SELECT weight_kg, height_cm FROM patient_weights WHERE patient_id = ? "
                          "ORDER BY at DESC, id DESC LIMIT 1", a, 1, weight_row, &w, err);
    rc = store__finish(st, rc, who, "read", "Patient", rid, "with latest weight", err);
    if (rc) return rc;
    *out = p;
    *weight_kg = w.found ? w.weight_kg : 0.0;
    *height_cm = w.found ? w.height_cm : 0.0;
    return KC_OK;
}
