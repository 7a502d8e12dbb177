/* store_rems.c — SPRAVATO REMS records: enrolment, the Patient Monitoring Form built from the
 * session record and signed only when complete, submission, and the 7-day tracker. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/course.h"
#include "store/store_billing.h"
#include "store/store_int.h"
#include "store/store_rems.h"

static int day_of(const char *ymd, long *d)
{
    return course_date_parse(ymd, d, NULL);
}

int store_rems_enrol(struct store *st, const struct store_actor *who, int64_t patient_id,
                     const char *rems_id, const char *enrolled_on, struct kc_error *err)
{
    char rid[24], now[32];
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    long d = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = store__text("rems_enrolments.rems_id", rems_id, 31, 0, err))) goto done;
    if ((rc = course_date_parse(enrolled_on, &d, err))) {
        kc_error_prefix(err, "rems_enrolments.enrolled_on");
        goto done;
    }
    if ((rc = store__begin(st, err))) goto done;
    int64_t n = 0;
    struct sv q[] = {SV_I(patient_id)};
    if ((rc = store__q_int(st, "SELECT count(*) FROM patients WHERE id = ?", q, 1, &n, err)))
        goto done;
    if (!n) {
        rc = kc_error_set(err, KC_ENOTFOUND, "no patient %" PRId64, patient_id);
        goto done;
    }
    if ((rc = store__q_int(st, "SELECT count(*) FROM rems_enrolments WHERE patient_id = ?", q, 1,
                           &n, err)))
        goto done;
    if (n) {
        rc = kc_error_set(err, KC_ECONFLICT, "patient %" PRId64 " is already enrolled in the "
                          "REMS", patient_id);
        goto done;
    }
    store__now(now);
    struct sv a[] = {SV_I(patient_id), SV_T(rems_id), SV_T(enrolled_on), SV_T(now),
                     SV_T(who->user)};
    rc = store__q(st, "INSERT INTO rems_enrolments (patient_id, rems_id, enrolled_on, "
                      "recorded_at, by_user) VALUES (?,?,?,?,?)", a, 5, NULL, NULL, err);
done:
    return store__finish(st, rc, who, "create", "RemsEnrolment", rid, NULL, err);
}

static int text_row(void *ctx, const struct srow *r)
{
    store__copy(r, 0, ctx, 32);
    return 0;
}

static int enrolment_load(struct store *st, int64_t patient_id, char out[32], struct kc_error *err)
{
    out[0] = '\0';
    struct sv q[] = {SV_I(patient_id)};
    return store__q(st, "SELECT enrolled_on FROM rems_enrolments WHERE patient_id = ?", q, 1,
                    text_row, out, err);
}

int store_rems_enrolment(struct store *st, const struct store_actor *who, int64_t patient_id,
                         char enrolled_on[11], struct kc_error *err)
{
    char rid[24], buf[32];
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if (!(rc = store__begin_read(st, err))) rc = enrolment_load(st, patient_id, buf, err);
    rc = store__finish(st, rc, who, "read", "RemsEnrolment", rid, NULL, err);
    if (!rc) {
        memcpy(enrolled_on, buf, 10); /* stored as YYYY-MM-DD (checked on the way in) */
        enrolled_on[buf[0] ? 10 : 0] = '\0';
    }
    return rc;
}

int store_rems_check_dose(struct store *st, const struct store_actor *who, int64_t patient_id,
                          const char *day, struct kc_error *err)
{
    char on[11];
    long dose = 0, enrolled = -1;
    int rc = course_date_parse(day, &dose, err);
    if (!rc) rc = store_rems_enrolment(st, who, patient_id, on, err);
    if (rc) return rc;
    if (on[0] && day_of(on, &enrolled)) enrolled = -1;
    return rems_check_enrolment(enrolled, dose, err);
}

/* ---- building the form from the record ------------------------------------------------------ */
#define REMS_MAX_ROWS 64
struct build {
    char name[160], birth[11], sex[16], staff[64], started[32], ended[32], day[11];
    int64_t patient_id;
    int found;
    int64_t esk_ug;
    char first_dose_at[32], lot[64];
    char meds[REMS_MAX_ROWS][64];
    int n_meds;
    char effects[REMS_MAX_ROWS][64];
    int n_effects;
    struct rems_bp bp[REMS_MAX_ROWS * 2];
    char bp_at[REMS_MAX_ROWS * 2][32];
    int n_bp;
};

static int session_row(void *ctx, const struct srow *r)
{
    struct build *b = ctx;
    b->patient_id = srow_int(r, 0);
    snprintf(b->name, sizeof b->name, "%s, %s", srow_text(r, 1) ? srow_text(r, 1) : "",
             srow_text(r, 2) ? srow_text(r, 2) : "");
    store__copy(r, 3, b->birth, sizeof b->birth);
    store__copy(r, 4, b->sex, sizeof b->sex);
    store__copy(r, 5, b->staff, sizeof b->staff);
    store__copy(r, 6, b->started, sizeof b->started);
    store__copy(r, 7, b->ended, sizeof b->ended);
    memcpy(b->day, b->started, 10);
    b->day[10] = '\0';
    b->found = 1;
    return 0;
}

static int dose_row(void *ctx, const struct srow *r)
{
    struct build *b = ctx;
    b->esk_ug += srow_int(r, 0);
    if (!b->first_dose_at[0]) {
        store__copy(r, 1, b->first_dose_at, sizeof b->first_dose_at);
        store__copy(r, 2, b->lot, sizeof b->lot);
    }
    return 0;
}

static int med_row(void *ctx, const struct srow *r)
{
    struct build *b = ctx;
    if (b->n_meds < REMS_MAX_ROWS) store__copy(r, 0, b->meds[b->n_meds++], 64);
    for (char *p = b->meds[b->n_meds - 1]; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    return 0;
}

static int effect_row(void *ctx, const struct srow *r)
{
    struct build *b = ctx;
    if (b->n_effects < REMS_MAX_ROWS) store__copy(r, 0, b->effects[b->n_effects++], 64);
    return 0;
}

/* sbp and dbp rows of one time make one reading */
static int bp_row(void *ctx, const struct srow *r)
{
    struct build *b = ctx;
    const char *at = srow_text(r, 0), *code = srow_text(r, 1);
    int v = (int)(srow_real(r, 2) + 0.5);
    int i = b->n_bp - 1;
    if (i < 0 || strcmp(b->bp_at[i], at) != 0) {
        if (b->n_bp >= REMS_MAX_ROWS * 2) return 0;
        i = b->n_bp++;
        snprintf(b->bp_at[i], sizeof b->bp_at[i], "%s", at);
        b->bp[i] = (struct rems_bp){0, 0, 0};
    }
    if (strcmp(code, "sbp") == 0) b->bp[i].sys = v;
    else b->bp[i].dia = v;
    return 0;
}

int store__rems_build_in_tx(struct store *st, int64_t session_id, struct rems_form *out,
                            struct kc_error *err)
{
    struct build *b = calloc(1, sizeof *b);
    if (!b) return kc_error_set(err, KC_ENOMEM, "out of memory");
    struct sv q[] = {SV_I(session_id)};
    int rc = store__q(st, "SELECT s.patient_id, p.family_name, p.given_name, p.birth_date, p.sex, "
                          "s.staff, COALESCE(s.started_at, s.planned_at), s.ended_at FROM sessions "
                          "s JOIN patients p ON p.id = s.patient_id WHERE s.id = ?",
                      q, 1, session_row, b, err);
    if (!rc && !b->found) rc = kc_error_set(err, KC_ENOTFOUND, "no session %" PRId64, session_id);
    if (!rc) rc = store__q(st, "SELECT dose_ug, started_at, lot FROM doses WHERE session_id = ? "
                               "AND drug = 'esketamine' ORDER BY started_at, id",
                           q, 1, dose_row, b, err);
    if (!rc && !b->esk_ug)
        rc = kc_error_set(err, KC_EINVAL, "session %" PRId64 " has no esketamine dose: no REMS "
                          "Patient Monitoring Form", session_id);
    struct sv pq[] = {SV_I(b->patient_id), SV_T(b->day), SV_T(b->day)};
    if (!rc) rc = store__q(st, "SELECT name FROM medications WHERE patient_id = ? AND "
                               "(started IS NULL OR started <= ?) AND (stopped IS NULL OR "
                               "stopped = '' OR stopped >= ?) ORDER BY id", pq, 3, med_row, b, err);
    if (!rc) rc = store__q(st, "SELECT code FROM side_effects WHERE session_id = ? ORDER BY id",
                           q, 1, effect_row, b, err);
    if (!rc) rc = store__q(st, "SELECT at, code, value FROM vitals WHERE session_id = ? AND code "
                               "IN ('sbp','dbp') ORDER BY at, code", q, 1, bp_row, b, err);
    char enrolled[32] = "";
    int64_t earlier = 0;
    struct sv eq[] = {SV_I(b->patient_id), SV_T(b->first_dose_at)};
    if (!rc) rc = enrolment_load(st, b->patient_id, enrolled, err);
    if (!rc) rc = store__q_int(st, "SELECT count(*) FROM doses d JOIN sessions s ON s.id = "
                                   "d.session_id WHERE s.patient_id = ? AND d.drug = 'esketamine' "
                                   "AND d.started_at < ?", eq, 2, &earlier, err);
    if (rc) goto out;
    const char *meds[REMS_MAX_ROWS], *fx[REMS_MAX_ROWS];
    for (int i = 0; i < b->n_meds; i++) meds[i] = b->meds[i];
    for (int i = 0; i < b->n_effects; i++) fx[i] = b->effects[i];
    for (int i = 0; i < b->n_bp; i++) {
        int64_t s = 0;
        if ((rc = store_bill_seconds_between(b->first_dose_at, b->bp_at[i], &s, err))) goto out;
        b->bp[i].at_min = s / 60.0;
    }
    int64_t end_s = -60;
    if (b->ended[0] && (rc = store_bill_seconds_between(b->first_dose_at, b->ended, &end_s, err)))
        goto out;
    struct rems_facts f = {.patient_name = b->name, .birth_date = b->birth, .sex = b->sex,
                           .first_treatment = earlier == 0,
                           .enrolled = enrolled[0] && strcmp(enrolled, b->day) <= 0,
                           .medications = meds, .n_medications = b->n_meds,
                           .monitoring_hcp = b->staff[0] ? b->staff : NULL,
                           .setting = "outpatient healthcare setting", .session_date = b->day,
                           .dose_mg = (int)(b->esk_ug / 1000), .lot = b->lot,
                           .monitoring_end_min = end_s / 60.0, .ready_min = -1, .bp = b->bp,
                           .n_bp = b->n_bp, .side_effects = fx, .n_side_effects = b->n_effects};
    rems_form_fill(&f, out);
out:
    free(b);
    return rc;
}

int store_rems_form_build(struct store *st, const struct store_actor *who, int64_t session_id,
                          struct rems_form *out, struct kc_error *err)
{
    char rid[24];
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    struct rems_form f;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if (!(rc = store__begin_read(st, err)))
        rc = store__rems_build_in_tx(st, session_id, &f, err);
    rc = store__finish(st, rc, who, "read", "RemsForm", rid, NULL, err);
    if (!rc) *out = f;
    return rc;
}
