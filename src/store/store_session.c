/* store_session.c — treatment sessions (planned → started → ended, or cancelled), dose
 * administrations with their ledger entry in the same transaction, infusion rate changes, and
 * rating-scale results.  Vital signs are in store_vitals.c. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"
#include "store/store_ledger.h"

static const char *const status_names[] = {"planned", "started", "ended", "cancelled"};

static int id_row(void *ctx, const struct srow *r)
{
    *(int64_t *)ctx = srow_int(r, 0);
    return 0;
}

static void idtxt(char *buf, size_t n, int64_t id)
{
    snprintf(buf, n, "%" PRId64, id);
}

int store_session_plan(struct store *st, const struct store_actor *who, int64_t patient_id,
                       const char *planned_at, const char *chair, const char *staff,
                       int64_t *id, struct kc_error *err)
{
    char t[32], rid[24] = "-";
    int64_t newid = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = store__time("sessions.planned_at", planned_at, 1, t, err)) ||
        (rc = store__text("sessions.chair", chair, 31, 0, err)) ||
        (rc = store__text("sessions.staff", staff, 63, 0, err)))
        goto done;
    if ((rc = store__begin(st, err))) goto done;
    struct sv a[] = {SV_I(patient_id), SV_T(t), SV_T(chair), SV_T(staff)};
    rc = store__q(st, "INSERT INTO sessions (patient_id, status, planned_at, chair, staff) "
                      "VALUES (?, 'planned', ?, ?, ?) RETURNING id",
                  a, 4, id_row, &newid, err);
    if (rc == KC_EINVAL && strstr(err->msg, "referenced"))
        rc = kc_error_set(err, KC_ENOTFOUND, "sessions.patient_id: no patient %" PRId64,
                          patient_id);
    if (!rc) idtxt(rid, sizeof rid, newid);
done:
    rc = store__finish(st, rc, who, "create", "Encounter", rid, NULL, err);
    if (!rc && id) *id = newid;
    return rc;
}

struct srow_session {
    struct store_session *s;
    int found;
};

static int session_row(void *ctx, const struct srow *r)
{
    struct srow_session *x = ctx;
    struct store_session *s = x->s;
    const char *status = srow_text(r, 2);
    s->id = srow_int(r, 0);
    s->patient_id = srow_int(r, 1);
    for (int i = 0; i < 4; i++)
        if (status && strcmp(status, status_names[i]) == 0) s->status = i;
    store__copy(r, 3, s->chair, sizeof s->chair);
    store__copy(r, 4, s->staff, sizeof s->staff);
    store__copy(r, 5, s->planned_at, sizeof s->planned_at);
    store__copy(r, 6, s->started_at, sizeof s->started_at);
    store__copy(r, 7, s->ended_at, sizeof s->ended_at);
    x->found = 1;
    return 0;
}

static int load_session(struct store *st, int64_t id, struct store_session *s,
                        struct kc_error *err)
{
    struct srow_session x = {s, 0};
    struct sv a[] = {SV_I(id)};
    int rc = store__q(st, "SELECT id, patient_id, status, chair, staff, planned_at, started_at, "
                          "COALESCE(ended_at, cancelled_at) FROM sessions WHERE id = ?",
                      a, 1, session_row, &x, err);
    if (!rc && !x.found) rc = kc_error_set(err, KC_ENOTFOUND, "no session %" PRId64, id);
    return rc;
}

int store_session_get(struct store *st, const struct store_actor *who, int64_t session_id,
                      struct store_session *out, struct kc_error *err)
{
    struct store_session s = {0};
    char rid[24];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    idtxt(rid, sizeof rid, session_id);
    if (!(rc = store__begin_read(st, err))) rc = load_session(st, session_id, &s, err);
    rc = store__finish(st, rc, who, "read", "Encounter", rid, NULL, err);
    if (!rc) *out = s;
    return rc;
}

int store_session_set_status(struct store *st, const struct store_actor *who, int64_t session_id,
                             enum store_session_status to, const char *at, struct kc_error *err)
{
    struct store_session s = {0};
    char t[32], rid[24];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    idtxt(rid, sizeof rid, session_id);
    if ((unsigned)to > STORE_SESSION_CANCELLED) {
        rc = kc_error_set(err, KC_EINVAL, "sessions.status: unknown status %d", (int)to);
        goto done;
    }
    if ((rc = store__time("sessions time", at, 1, t, err))) goto done;
    if ((rc = store__begin(st, err)) || (rc = load_session(st, session_id, &s, err))) goto done;
    int allowed = (to == STORE_SESSION_STARTED && s.status == STORE_SESSION_PLANNED) ||
                  (to == STORE_SESSION_ENDED && s.status == STORE_SESSION_STARTED) ||
                  (to == STORE_SESSION_CANCELLED && (s.status == STORE_SESSION_PLANNED ||
                                                      s.status == STORE_SESSION_STARTED));
    if (!allowed) {
        rc = kc_error_set(err, KC_ECONFLICT, "session %" PRId64 " is %s; it cannot become %s",
                          session_id, status_names[s.status], status_names[to]);
        goto done;
    }
    static const char *const sql[] = {
        NULL,
        "UPDATE sessions SET status = 'started', started_at = ? WHERE id = ?",
        "UPDATE sessions SET status = 'ended', ended_at = ? WHERE id = ?",
        "UPDATE sessions SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
    };
    struct sv a[] = {SV_T(t), SV_I(session_id)};
    rc = store__q(st, sql[to], a, 2, NULL, NULL, err);
done:
    return store__finish(st, rc, who, "update", "Encounter", rid, status_names[(unsigned)to & 3],
                         err);
}

static int check_dose(const struct store_dose_new *d, char start[32], char end[32],
                      struct kc_error *err)
{
    int rc;
    if ((rc = store__text("doses.drug", d->drug, 15, 1, err)) ||
        (rc = store__text("doses.form", d->form, 7, 1, err)) ||
        (rc = store__text("doses.route", d->route, 15, 1, err)) ||
        (rc = store__text("doses.lot", d->lot, 63, 1, err)) ||
        (rc = store__text("doses.location", d->location, 63, 1, err)) ||
        (rc = store__text("doses.given_by", d->given_by, 63, 1, err)) ||
        (rc = store__time("doses.started_at", d->started_at, 1, start, err)) ||
        (rc = store__time("doses.ended_at", d->ended_at, 0, end, err)))
        return rc;
    if (end[0] && strcmp(end, start) < 0)
        return kc_error_set(err, KC_EINVAL, "doses.ended_at is before doses.started_at");
    if (d->dose_ug <= 0 || d->conc_ug_per_ml <= 0 || d->volume_ul <= 0)
        return kc_error_set(err, KC_EINVAL, "doses.%s must be greater than 0",
                            d->dose_ug <= 0 ? "dose_ug"
                            : d->conc_ug_per_ml <= 0 ? "conc_ug_per_ml" : "volume_ul");
    return KC_OK;
}

int store_dose_record(struct store *st, const struct store_actor *who,
                      const struct store_dose_new *d, int64_t *dose_id, int64_t *ledger_seq,
                      struct kc_error *err)
{
    char start[32], end[32], now[32], rid[24] = "-";
    int64_t newid = 0, seq = 0, patient_id = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = check_dose(d, start, end, err))) goto done;
    store__now(now);
    if ((rc = store__begin(st, err))) goto done;
    /* Take the ledger's head row first: dose charting is serialised (PostgreSQL row lock; SQLite
     * writers are already one at a time), so two nurses charting the same administration at
     * once get one dose and one ledger entry, not two (interop-security.md D3). */
    struct sv lk[] = {SV_T("ledger")};
    int64_t dup = 0;
    if ((rc = store__q(st, "UPDATE chain_head SET seq = seq WHERE name = ?", lk, 1, NULL, NULL,
                       err)))
        goto done;
    struct sv s[] = {SV_I(d->session_id)};
    rc = store__q_int(st, "SELECT patient_id FROM sessions WHERE id = ?", s, 1, &patient_id, err);
    if (rc == KC_ENOTFOUND)
        rc = kc_error_set(err, KC_ENOTFOUND, "doses.session_id: no session %" PRId64,
                          d->session_id);
    if (rc) goto done;
    /* the same amount of the same drug and lot, started at the same instant in the same
     * session, is the same administration charted twice (whoever charts it) */
    struct sv k[] = {SV_I(d->session_id), SV_T(d->drug), SV_T(start), SV_I(d->dose_ug),
                     SV_T(d->lot)};
    rc = store__q_int(st, "SELECT id FROM doses WHERE session_id = ? AND drug = ? AND "
                          "started_at = ? AND dose_ug = ? AND lot = ?", k, 5, &dup, err);
    if (rc == KC_OK) {
        rc = kc_error_set(err, KC_ECONFLICT, "doses: this administration (%s, lot %s, started "
                          "%s) is already charted as dose %" PRId64, d->drug, d->lot, start, dup);
        goto done;
    }
    if (rc != KC_ENOTFOUND) goto done;
    struct sv a[] = {SV_I(d->session_id), SV_T(d->drug), SV_T(d->form), SV_T(d->route),
                     SV_T(d->lot), SV_T(d->location), SV_I(d->dose_ug), SV_I(d->conc_ug_per_ml),
                     SV_I(d->volume_ul), SV_T(start), SV_T(end[0] ? end : NULL),
                     SV_T(d->given_by), SV_T(now)};
    rc = store__q(st, "INSERT INTO doses (session_id, drug, form, route, lot, location, dose_ug, "
                      "conc_ug_per_ml, volume_ul, started_at, ended_at, given_by, recorded_at) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                  a, 13, id_row, &newid, err);
    if (rc == KC_EINVAL && strstr(err->msg, "referenced"))
        rc = kc_error_set(err, KC_EINVAL, "doses.given_by: no user named '%s'", d->given_by);
    if (rc) goto done;
    idtxt(rid, sizeof rid, newid);
    struct ledger_event ev = {.kind = LEDGER_ADMINISTER, .drug = d->drug, .lot = d->lot,
                              .location = d->location, .qty_ug = d->dose_ug,
                              .user = d->given_by, .dose_id = newid, .patient_id = patient_id};
    rc = store__ledger_append(st, &ev, now, &seq, NULL, err);
done:
    rc = store__finish(st, rc, who, "create", "MedicationAdministration", rid, NULL, err);
    if (!rc) {
        if (dose_id) *dose_id = newid;
        if (ledger_seq) *ledger_seq = seq;
    }
    return rc;
}

int store_dose_rate_change(struct store *st, const struct store_actor *who, int64_t dose_id,
                           const char *at, double rate_ug_per_kg_per_min, struct kc_error *err)
{
    char t[32], rid[24];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    idtxt(rid, sizeof rid, dose_id);
    if ((rc = store__time("dose_rate_changes.at", at, 1, t, err))) goto done;
    if (!isfinite(rate_ug_per_kg_per_min)) {
        rc = kc_error_set(err, KC_EINVAL, "dose_rate_changes.rate_ug_per_kg_per_min must be a "
                          "number");
        goto done;
    }
    if ((rc = store__begin(st, err))) goto done;
    struct sv a[] = {SV_I(dose_id), SV_T(t), SV_R(rate_ug_per_kg_per_min)};
    rc = store__q(st, "INSERT INTO dose_rate_changes (dose_id, at, rate_ug_per_kg_per_min) "
                      "VALUES (?,?,?)",
                  a, 3, NULL, NULL, err);
    if (rc == KC_EINVAL && strstr(err->msg, "referenced"))
        rc = kc_error_set(err, KC_ENOTFOUND, "dose_rate_changes.dose_id: no dose %" PRId64,
                          dose_id);
done:
    return store__finish(st, rc, who, "update", "MedicationAdministration", rid, "rate", err);
}

int store_scale_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                    int64_t session_id, const char *scale, const char *at, const int *answers,
                    size_t n_answers, int total, int64_t *id, struct kc_error *err)
{
    char t[32], rid[24] = "-";
    int64_t newid = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = store__text("scale_results.scale", scale, 31, 1, err)) ||
        (rc = store__time("scale_results.at", at, 1, t, err)))
        goto done;
    if (n_answers > 200) {
        rc = kc_error_set(err, KC_ELIMIT, "scale_answers: more than 200 items");
        goto done;
    }
    if ((rc = store__begin(st, err))) goto done;
    struct sv a[] = {SV_I(patient_id), session_id ? SV_I(session_id) : SV_N, SV_T(scale),
                     SV_T(t), SV_I(total), SV_I(n_answers)};
    rc = store__q(st, "INSERT INTO scale_results (patient_id, session_id, scale, at, total, "
                      "n_items) VALUES (?,?,?,?,?,?) RETURNING id",
                  a, 6, id_row, &newid, err);
    for (size_t i = 0; !rc && i < n_answers; i++) {
        struct sv b[] = {SV_I(newid), SV_I(i + 1), SV_I(answers[i])};
        rc = store__q(st, "INSERT INTO scale_answers (result_id, item_no, answer) VALUES (?,?,?)",
                      b, 3, NULL, NULL, err);
    }
    if (!rc) idtxt(rid, sizeof rid, newid);
done:
    rc = store__finish(st, rc, who, "create", "QuestionnaireResponse", rid, scale, err);
    if (!rc && id) *id = newid;
    return rc;
}
