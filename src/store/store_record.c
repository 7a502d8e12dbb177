/* store_record.c — a patient's whole record as plain rows, read in one transaction so that it is
 * one consistent moment (store_patient_record), every patient (store_patient_each), and where a
 * record row belongs (store_record_owner).  The FHIR face and `patient export` build their
 * resources from these rows in src/fhir/. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static const char *const session_status[] = {"planned", "started", "ended", "cancelled"};

struct rec {
    const struct store_record_fns *fns;
    void *ctx;
    int n;
    /* scale rows come one per answer; a result is handed on when the next begins */
    struct store_scale_row scale;
    int answers[STORE_SCALE_MAX_ITEMS], n_answers, have_scale;
};

static void patient_of(const struct srow *r, int c, struct store_patient *p)
{
    memset(p, 0, sizeof *p);
    p->id = srow_int(r, c);
    store__copy(r, c + 1, p->mrn, sizeof p->mrn);
    store__copy(r, c + 2, p->family_name, sizeof p->family_name);
    store__copy(r, c + 3, p->given_name, sizeof p->given_name);
    store__copy(r, c + 4, p->birth_date, sizeof p->birth_date);
    store__copy(r, c + 5, p->sex, sizeof p->sex);
    store__copy(r, c + 6, p->phone, sizeof p->phone);
    store__copy(r, c + 7, p->email, sizeof p->email);
    store__copy(r, c + 8, p->address, sizeof p->address);
    store__copy(r, c + 9, p->emergency_name, sizeof p->emergency_name);
    store__copy(r, c + 10, p->emergency_phone, sizeof p->emergency_phone);
    store__copy(r, c + 11, p->created_at, sizeof p->created_at);
}

#define PATIENT_COLS                                                                               \
    "id, mrn, family_name, given_name, birth_date, sex, phone, email, "                            \
    "address, emergency_name, emergency_phone, created_at"

static int patient_row(void *ctx, const struct srow *r)
{
    struct rec *x = ctx;
    struct store_patient p;
    patient_of(r, 0, &p);
    x->n++;
    return x->fns->patient ? x->fns->patient(x->ctx, &p) : 0;
}

static int weight_row(void *ctx, const struct srow *r)
{
    struct rec *x = ctx;
    struct store_weight_row w;
    memset(&w, 0, sizeof w);
    w.id = srow_int(r, 0);
    store__copy(r, 1, w.at, sizeof w.at);
    w.weight_kg = srow_real(r, 2);
    w.height_cm = srow_text(r, 3) ? srow_real(r, 3) : 0;
    return x->fns->weight(x->ctx, &w);
}

static int session_row(void *ctx, const struct srow *r)
{
    struct rec *x = ctx;
    struct store_session s;
    memset(&s, 0, sizeof s);
    s.id = srow_int(r, 0);
    s.patient_id = srow_int(r, 1);
    const char *status = srow_text(r, 2);
    for (int i = 0; i < 4; i++)
        if (status && strcmp(status, session_status[i]) == 0)
            s.status = (enum store_session_status)i;
    store__copy(r, 3, s.chair, sizeof s.chair);
    store__copy(r, 4, s.staff, sizeof s.staff);
    store__copy(r, 5, s.planned_at, sizeof s.planned_at);
    store__copy(r, 6, s.started_at, sizeof s.started_at);
    store__copy(r, 7, s.ended_at, sizeof s.ended_at);
    return x->fns->session(x->ctx, &s);
}

static int dose_row(void *ctx, const struct srow *r)
{
    struct rec *x = ctx;
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
    return x->fns->dose(x->ctx, &d);
}

static int vital_row(void *ctx, const struct srow *r)
{
    struct rec *x = ctx;
    struct store_vital_row v;
    memset(&v, 0, sizeof v);
    v.id = srow_int(r, 0);
    store__copy(r, 2, v.at, sizeof v.at);
    store__copy(r, 3, v.code, sizeof v.code);
    v.value = srow_real(r, 4);
    return x->fns->vital(x->ctx, &v, srow_int(r, 1));
}

static int scale_flush(struct rec *x)
{
    if (!x->have_scale) return 0;
    x->have_scale = 0;
    return x->fns->scale(x->ctx, &x->scale, x->answers, x->n_answers);
}

static int scale_row(void *ctx, const struct srow *r)
{
    struct rec *x = ctx;
    int64_t id = srow_int(r, 0);
    int rc = 0;
    if (!x->have_scale || x->scale.id != id) {
        if ((rc = scale_flush(x))) return rc;
        memset(&x->scale, 0, sizeof x->scale);
        x->scale.id = id;
        x->scale.session_id = srow_text(r, 1) ? srow_int(r, 1) : 0;
        store__copy(r, 2, x->scale.scale, sizeof x->scale.scale);
        store__copy(r, 3, x->scale.at, sizeof x->scale.at);
        x->scale.total = (int)srow_int(r, 4);
        x->n_answers = 0;
        x->have_scale = 1;
    }
    if (srow_text(r, 5) && x->n_answers < STORE_SCALE_MAX_ITEMS)
        x->answers[x->n_answers++] = (int)srow_int(r, 6);
    return 0;
}

static int side_effect_row(void *ctx, const struct srow *r)
{
    struct rec *x = ctx;
    struct store_side_effect_row e;
    memset(&e, 0, sizeof e);
    e.id = srow_int(r, 0);
    store__copy(r, 2, e.at, sizeof e.at);
    store__copy(r, 3, e.code, sizeof e.code);
    store__copy(r, 4, e.severity, sizeof e.severity);
    store__copy(r, 5, e.notes, sizeof e.notes);
    return x->fns->side_effect(x->ctx, &e, srow_int(r, 1));
}

int store_patient_record(struct store *st, const struct store_actor *who, int64_t patient_id,
                         int64_t only_id, const char *action, const struct store_record_fns *fns,
                         void *ctx, struct kc_error *err)
{
    char rid[24];
    struct rec *x = calloc(1, sizeof *x); /* the answers buffer is large for a stack */
    int rc = store__check_actor(who, err);
    if (!x) return kc_error_set(err, KC_ENOMEM, "out of memory reading the record");
    if (rc) goto out;
    x->fns = fns;
    x->ctx = ctx;
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    struct sv a[] = {SV_I(patient_id), SV_I(only_id), SV_I(only_id)};
    if ((rc = store__begin_read(st, err))) goto done;
    rc = store__q(st, "SELECT " PATIENT_COLS " FROM patients WHERE id = ?", a, 1, patient_row, x,
                  err);
    if (!rc && x->n == 0) rc = kc_error_set(err, KC_ENOTFOUND, "no patient %" PRId64, patient_id);
    if (!rc && fns->weight)
        rc = store__q(st,
                      "SELECT id, at, weight_kg, height_cm FROM patient_weights "
                      "WHERE patient_id = ? AND (? = 0 OR id = ?) ORDER BY at, id",
                      a, 3, weight_row, x, err);
    if (!rc && fns->session)
        rc = store__q(st,
                      "SELECT id, patient_id, status, chair, staff, planned_at, started_at, "
                      "COALESCE(ended_at, cancelled_at) FROM sessions "
                      "WHERE patient_id = ? AND (? = 0 OR id = ?) ORDER BY planned_at, id",
                      a, 3, session_row, x, err);
    if (!rc && fns->dose)
        rc = store__q(st,
                      "SELECT d.id, d.session_id, d.drug, d.form, d.route, d.lot, d.dose_ug, "
                      "d.started_at, d.ended_at, d.given_by "
                      "FROM doses d JOIN sessions s ON s.id = d.session_id "
                      "WHERE s.patient_id = ? AND (? = 0 OR d.id = ?) "
                      "ORDER BY d.started_at, d.id",
                      a, 3, dose_row, x, err);
    if (!rc && fns->vital)
        rc = store__q(st,
                      "SELECT v.id, v.session_id, v.at, v.code, v.value FROM vitals v "
                      "JOIN sessions s ON s.id = v.session_id WHERE s.patient_id = ? "
                      "AND (? = 0 OR v.id = ? OR v.code IN ('sbp', 'dbp')) "
                      "ORDER BY v.at, v.id",
                      a, 3, vital_row, x, err);
    if (!rc && fns->scale) {
        rc = store__q(st,
                      "SELECT r.id, r.session_id, r.scale, r.at, r.total, a.item_no, a.answer "
                      "FROM scale_results r LEFT JOIN scale_answers a ON a.result_id = r.id "
                      "WHERE r.patient_id = ? AND (? = 0 OR r.id = ?) "
                      "ORDER BY r.at, r.id, a.item_no",
                      a, 3, scale_row, x, err);
        if (!rc) rc = scale_flush(x);
    }
    if (!rc && fns->side_effect)
        rc = store__q(st,
                      "SELECT e.id, e.session_id, e.at, e.code, e.severity, e.notes "
                      "FROM side_effects e JOIN sessions s ON s.id = e.session_id "
                      "WHERE s.patient_id = ? AND (? = 0 OR e.id = ?) ORDER BY e.at, e.id",
                      a, 3, side_effect_row, x, err);
done:
    rc = store__finish(st, rc, who, action, "Patient", rid, "record", err);
out:
    free(x);
    return rc;
}

int store_patient_each(struct store *st, const struct store_actor *who,
                       int (*fn)(void *ctx, const struct store_patient *p), void *ctx,
                       struct kc_error *err)
{
    struct store_record_fns fns = {.patient = fn};
    struct rec x = {&fns, ctx, 0, {0}, {0}, 0, 0};
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st, "SELECT " PATIENT_COLS " FROM patients ORDER BY id", NULL, 0, patient_row,
                      &x, err);
    char detail[48];
    snprintf(detail, sizeof detail, "search n=%d", x.n);
    return store__finish(st, rc, who, "read", "Patient", "*", detail, err);
}

static int owner_row(void *ctx, const struct srow *r)
{
    *(int64_t *)ctx = srow_int(r, 0);
    return 0;
}

int store_record_owner(struct store *st, enum store_record_kind kind, int64_t id,
                       int64_t *patient_id, struct kc_error *err)
{
    static const char *const sql[] = {
        [STORE_REC_SESSION] = "SELECT patient_id FROM sessions WHERE id = ?",
        [STORE_REC_WEIGHT] = "SELECT patient_id FROM patient_weights WHERE id = ?",
        [STORE_REC_DOSE] = "SELECT s.patient_id FROM doses d JOIN sessions s "
                           "ON s.id = d.session_id WHERE d.id = ?",
        [STORE_REC_VITAL] = "SELECT s.patient_id FROM vitals v JOIN sessions s "
                            "ON s.id = v.session_id WHERE v.id = ?",
        [STORE_REC_SCALE] = "SELECT patient_id FROM scale_results WHERE id = ?",
        [STORE_REC_SIDE_EFFECT] = "SELECT s.patient_id FROM side_effects e JOIN sessions s "
                                  "ON s.id = e.session_id WHERE e.id = ?",
    };
    *patient_id = 0;
    if ((unsigned)kind >= sizeof sql / sizeof sql[0] || !sql[kind])
        return kc_error_set(err, KC_EINVAL, "unknown record kind");
    struct sv a[] = {SV_I(id)};
    int rc = store__q(st, sql[kind], a, 1, owner_row, patient_id, err);
    if (!rc && !*patient_id) rc = kc_error_set(err, KC_ENOTFOUND, "no such record");
    return rc;
}
