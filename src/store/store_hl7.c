/* store_hl7.c — monitor messages from the HL7 listener, filed many at a time in one transaction
 * (group commit: one fsync for every message waiting), each checked for a duplicate, matched to
 * its session or kept in the review queue, logged and audited. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

#define ROW "(?,?,?,?)"
#define ROW2 ROW "," ROW
#define ROW4 ROW2 "," ROW2
#define ROW8 ROW4 "," ROW4
#define CHUNK 16
#define INS "INSERT INTO vitals (session_id, at, code, value) VALUES "
/* A message's readings go in with statements of 16, 8, 4, 2 and 1 rows (6 readings: 4 + 2),
 * each prepared once. */
static const char *const sql_rows[5] = {INS ROW, INS ROW2, INS ROW4, INS ROW8, INS ROW8 "," ROW8};

struct dup {
    int found;
    char ack[3];
    int64_t session_id;
    char detail[STORE_TEXT_MAX];
};
static int dup_row(void *ctx, const struct srow *r)
{
    struct dup *d = ctx;
    d->found = 1;
    store__copy(r, 0, d->ack, sizeof d->ack);
    d->session_id = srow_int(r, 1);
    store__copy(r, 2, d->detail, sizeof d->detail);
    return 0;
}

static int first_id(void *ctx, const struct srow *r)
{
    int64_t *got = ctx; /* got[0] first id, got[1] rows */
    if (got[1]++ == 0) got[0] = srow_int(r, 0);
    return 0;
}

static int insert_vitals(struct store *st, int64_t sid, const struct store_vital *v, size_t n,
                         struct kc_error *err)
{
    struct sv a[CHUNK * 4];
    char t[CHUNK][32];
    size_t i = 0;
    while (i < n) {
        int lg = 4;
        while ((size_t)1 << lg > n - i) lg--;
        size_t k = (size_t)1 << lg;
        for (size_t j = 0; j < k; j++) {
            const struct store_vital *x = &v[i + j];
            int rc = store__time("vitals.at", x->at, 1, t[j], err);
            if (!rc) rc = store__text("vitals.code", x->code, 7, 1, err);
            if (!rc && !isfinite(x->value))
                rc = kc_error_set(err, KC_EINVAL, "vitals.value must be a number");
            if (rc) return kc_error_prefix(err, "observation %zu", i + j + 1);
            a[4 * j] = SV_I(sid);
            a[4 * j + 1] = SV_T(t[j]);
            a[4 * j + 2] = SV_T(x->code);
            a[4 * j + 3] = SV_R(x->value);
        }
        int rc = store__q(st, sql_rows[lg], a, (int)(4 * k), NULL, NULL, err);
        if (rc) return rc;
        i += k;
    }
    return KC_OK;
}

/* The session for m (sets outcome for the no-match cases). */
static int resolve(struct store *st, struct store_hl7_msg *m, struct kc_error *err)
{
    const char *bed = m->bed ? m->bed : "";
    int64_t got[2];
    int rc;
    if (m->n_patient_ids > 0) {
        int64_t pid = 0;
        for (int i = 0; i < m->n_patient_ids && !pid; i++) {
            struct sv a[] = {SV_T(m->patient_ids[i])};
            got[0] = got[1] = 0;
            rc = store__q(st, "SELECT id FROM patients WHERE mrn = ?", a, 1, first_id, got, err);
            if (rc) return rc;
            if (got[1]) pid = got[0];
        }
        if (!pid) {
            m->outcome = STORE_HL7_UNKNOWN_PATIENT;
            m->hl7_error = 204;
            snprintf(m->detail, sizeof m->detail, "unknown patient identifier '%.64s' (PID-3); "
                     "kept for review", m->patient_ids[0]);
            return KC_OK;
        }
        struct sv a[] = {SV_I(pid), SV_T(bed)};
        got[0] = got[1] = 0;
        rc = store__q(st, "SELECT id FROM sessions WHERE patient_id = ? AND status = 'started' "
                          "ORDER BY CASE WHEN chair = ? THEN 0 ELSE 1 END, started_at DESC, "
                          "id DESC LIMIT 1", a, 2, first_id, got, err);
        if (rc) return rc;
        if (!got[1]) {
            m->outcome = STORE_HL7_NO_SESSION;
            m->hl7_error = 207;
            snprintf(m->detail, sizeof m->detail, "patient '%.64s' has no session in progress; "
                     "kept for review", m->patient_ids[0]);
            return KC_OK;
        }
        m->session_id = got[0];
        return KC_OK;
    }
    struct sv a[] = {SV_T(bed)};
    got[0] = got[1] = 0;
    rc = store__q(st, "SELECT id FROM sessions WHERE status = 'started' AND chair = ? "
                      "ORDER BY started_at DESC, id DESC LIMIT 2", a, 1, first_id, got, err);
    if (rc) return rc;
    if (got[1] != 1) {
        m->outcome = STORE_HL7_NO_SESSION;
        m->hl7_error = 207;
        snprintf(m->detail, sizeof m->detail, got[1] ? "chair '%.64s' has more than one session "
                 "in progress and no patient identifier was sent; kept for review" :
                 "no session in progress in chair '%.64s'; kept for review", bed);
        return KC_OK;
    }
    m->session_id = got[0];
    return KC_OK;
}

static int one(struct store *st, const struct store_actor *who, struct store_hl7_msg *m,
               struct kc_error *err)
{
    int rc = store__text("hl7_messages.sender", m->sender, 159, 1, err);
    if (!rc) rc = store__text("hl7_messages.control_id", m->control_id, 63, 1, err);
    if (rc) return rc;
    struct dup d = {0};
    struct sv k[] = {SV_T(m->sender), SV_T(m->control_id)};
    rc = store__q(st, "SELECT ack_code, session_id, detail FROM hl7_messages WHERE sender = ? "
                      "AND control_id = ?", k, 2, dup_row, &d, err);
    if (rc) return rc;
    m->session_id = 0;
    int given_error = m->hl7_error;
    m->hl7_error = 0;
    if (d.found) {
        m->outcome = STORE_HL7_DUPLICATE;
        memcpy(m->ack, d.ack, 3);
        m->session_id = d.session_id;
        m->hl7_error = strcmp(d.ack, "AA") ? 207 : 0;
        snprintf(m->detail, sizeof m->detail, "duplicate of an earlier message: %.200s",
                 d.detail);
        return KC_OK;
    }
    m->outcome = STORE_HL7_STORED;
    if (m->reject_reason) {
        m->outcome = STORE_HL7_REJECTED;
        m->hl7_error = given_error ? given_error : 207;
        snprintf(m->detail, sizeof m->detail, "%.200s; kept for review", m->reject_reason);
    } else if ((rc = resolve(st, m, err))) {
        return rc;
    }
    char rid[24], detail[STORE_TEXT_MAX];
    size_t nobs = 0;
    if (m->outcome == STORE_HL7_STORED) {
        if ((rc = insert_vitals(st, m->session_id, m->vitals, m->n_vitals, err))) return rc;
        nobs = m->n_vitals;
        memcpy(m->ack, "AA", 3);
        snprintf(m->detail, sizeof m->detail, "stored %zu observations in session %" PRId64,
                 nobs, m->session_id);
        snprintf(rid, sizeof rid, "%" PRId64, m->session_id);
        snprintf(detail, sizeof detail, "hl7 %.60s n=%zu", m->control_id, nobs);
        rc = store__audit_append(st, who, "create", "Observation", rid, "success", detail, err);
    } else {
        memcpy(m->ack, "AE", 3);
        int64_t got[2] = {0, 0};
        const char *pref = m->n_patient_ids ? m->patient_ids[0] : "";
        struct sv a[] = {SV_T(m->received_at), SV_T(m->sender), SV_T(m->control_id),
                         SV_T(m->detail), SV_T(pref), SV_T(m->bed ? m->bed : ""),
                         SV_T(m->raw ? m->raw : "")};
        rc = store__q(st, "INSERT INTO hl7_review (received_at, sender, control_id, reason, "
                          "patient_ref, bed_ref, message) VALUES (?,?,?,?,?,?,?) RETURNING id",
                      a, 7, first_id, got, err);
        if (rc) return rc;
        int64_t review = got[0];
        snprintf(rid, sizeof rid, "%" PRId64, review);
        snprintf(detail, sizeof detail, "hl7 %.60s for review", m->control_id);
        rc = store__audit_append(st, who, "create", "Hl7Review", rid, "success", detail, err);
    }
    if (rc) return rc;
    struct sv a[] = {SV_T(m->sender), SV_T(m->control_id), SV_T(m->received_at), SV_T(m->ack),
                     m->session_id ? SV_I(m->session_id) : SV_N, SV_I((int64_t)nobs),
                     SV_T(m->detail)};
    return store__q(st, "INSERT INTO hl7_messages (sender, control_id, received_at, ack_code, "
                        "session_id, n_obs, detail) VALUES (?,?,?,?,?,?,?)", a, 7, NULL, NULL,
                    err);
}

int store_hl7_ingest(struct store *st, const struct store_actor *who, struct store_hl7_msg *msgs,
                     size_t n, struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc || n == 0) return rc;
    if ((rc = store__begin(st, err))) return rc;
    for (size_t i = 0; i < n && !rc; i++)
        if ((rc = one(st, who, &msgs[i], err)) && n > 1)
            kc_error_prefix(err, "message %zu of %zu (control id %.64s)", i + 1, n,
                            msgs[i].control_id ? msgs[i].control_id : "");
    if (!rc) rc = store__commit(st, err);
    if (rc) store__rollback(st);
    return rc;
}

struct review_ctx {
    int (*fn)(void *ctx, const struct store_hl7_review_row *r);
    void *ctx;
};
static int review_row(void *ctx, const struct srow *r)
{
    struct review_ctx *c = ctx;
    struct store_hl7_review_row x;
    x.id = srow_int(r, 0);
    store__copy(r, 1, x.received_at, sizeof x.received_at);
    store__copy(r, 2, x.sender, sizeof x.sender);
    store__copy(r, 3, x.control_id, sizeof x.control_id);
    store__copy(r, 4, x.reason, sizeof x.reason);
    store__copy(r, 5, x.patient_ref, sizeof x.patient_ref);
    store__copy(r, 6, x.bed_ref, sizeof x.bed_ref);
    store__copy(r, 7, x.status, sizeof x.status);
    return c->fn(c->ctx, &x);
}

int store_hl7_review_list(struct store *st, const struct store_actor *who, int64_t after_id,
                          int (*fn)(void *ctx, const struct store_hl7_review_row *r), void *ctx,
                          struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = store__begin(st, err))) return rc;
    struct review_ctx c = {fn, ctx};
    struct sv a[] = {SV_I(after_id)};
    rc = store__q(st, "SELECT id, received_at, sender, control_id, reason, patient_ref, bed_ref, "
                      "status FROM hl7_review WHERE id > ? ORDER BY id LIMIT 1000", a, 1,
                  review_row, &c, err);
    return store__finish(st, rc, who, "read", "Hl7Review", "queue", "list", err);
}
