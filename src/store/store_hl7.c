/* store_hl7.c — monitor messages from the HL7 listener, filed many at a time in one transaction
 * (group commit: one fsync for every message waiting), each checked for a duplicate, matched to
 * its session or kept in the review queue, logged and audited. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
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

static int first_id_row(void *ctx, const struct srow *r)
{
    return first_id(ctx, r);
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

/* Seconds of a stored UTC time (store__time's form), or INT64_MIN when empty/unreadable. */
static int64_t secs(const char *t)
{
    int y, mo, d, h, mi, s;
    if (!t || strlen(t) < 19) return INT64_MIN;
    int v[6], w[6] = {4, 2, 2, 2, 2, 2}, off[6] = {0, 5, 8, 11, 14, 17};
    for (int k = 0; k < 6; k++) {
        v[k] = 0;
        for (int i = 0; i < w[k]; i++) {
            char c = t[off[k] + i];
            if (c < '0' || c > '9') return INT64_MIN;
            v[k] = v[k] * 10 + (c - '0');
        }
    }
    y = v[0], mo = v[1], d = v[2], h = v[3], mi = v[4], s = v[5];
    y -= mo <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
    int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    return days * 86400 + h * 3600 + mi * 60 + s;
}

#define MAX_CAND 64
struct cand {
    int64_t id, from, to; /* the window, UTC seconds */
    char chair[64];
};
struct cands {
    size_t n;
    int more;
    struct cand c[MAX_CAND];
    long pre, post;
};
static int cand_row(void *ctx, const struct srow *r)
{
    struct cands *c = ctx;
    if (c->n >= MAX_CAND) return c->more = 1, 0;
    struct cand *x = &c->c[c->n];
    x->id = srow_int(r, 0);
    store__copy(r, 1, x->chair, sizeof x->chair);
    char planned[40], started[40], ended[40];
    store__copy(r, 2, planned, sizeof planned);
    store__copy(r, 3, started, sizeof started);
    store__copy(r, 4, ended, sizeof ended);
    int64_t st = secs(started[0] ? started : planned), en = secs(ended);
    if (st == INT64_MIN) return 0;
    x->from = st - c->pre;
    x->to = en == INT64_MIN ? INT64_MAX : en + c->post;
    c->n++;
    return 0;
}

/* The patient of a group: exactly one patient among the candidate MRNs. */
static int patient_of(struct store *st, const struct store_hl7_group *g, int64_t *pid,
                      char *why, size_t cap, struct kc_error *err)
{
    *pid = 0;
    int64_t first = 0;
    const char *first_id = NULL;
    for (int i = 0; i < g->n_ids; i++) {
        int64_t got[2] = {0, 0};
        struct sv a[] = {SV_T(g->ids[i])};
        int rc = store__q(st, "SELECT id FROM patients WHERE mrn = ?", a, 1, first_id_row, got,
                          err);
        if (rc) return rc;
        if (!got[1]) continue;
        if (first && got[0] != first) {
            snprintf(why, cap, "PID-3 identifiers '%.40s' and '%.40s' name two different "
                     "patients", first_id, g->ids[i]);
            return KC_OK;
        }
        first = got[0];
        first_id = g->ids[i];
    }
    if (!first) {
        snprintf(why, cap, "no patient has the identifier%s %.120s", g->n_ids > 1 ? "s" : "",
                 g->seen && *g->seen ? g->seen : (g->n_ids ? g->ids[0] : ""));
        return KC_OK;
    }
    *pid = first;
    return KC_OK;
}

static void fmt_time(int64_t t, char out[32])
{
    if (t == INT64_MAX || t == INT64_MIN) {
        snprintf(out, 32, "open");
        return;
    }
    int64_t z = (t >= 0 ? t : t - 86399) / 86400, sod = t - z * 86400;
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t dy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * dy + 2) / 153;
    int d = (int)(dy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02dZ", (int)y, m, d, (int)(sod / 3600),
             (int)(sod / 60 % 60));
}

static int add_reading(struct store *st, const struct store_hl7_msg *m,
                       const struct store_hl7_reading *r, int64_t session, int64_t vitals_id,
                       double value, const char *status, const char *reason,
                       const char *patient_ref, const char *chair_ref, struct kc_error *err)
{
    char t[32];
    int rc = store__time("hl7_readings.at", r->at, 1, t, err);
    if (rc) return rc;
    struct sv a[] = {SV_T(m->received_at), SV_T(m->sender), SV_T(m->control_id),
                     SV_I((int64_t)r->obx), session ? SV_I(session) : SV_N,
                     vitals_id ? SV_I(vitals_id) : SV_N, SV_T(t), SV_T(r->code),
                     SV_T(r->channel ? r->channel : ""), SV_T(r->source ? r->source : ""),
                     SV_T(r->instance ? r->instance : ""), SV_T(r->device ? r->device : ""),
                     SV_R(value), SV_T(status), reason ? SV_T(reason) : SV_N,
                     SV_T(patient_ref ? patient_ref : ""), SV_T(chair_ref ? chair_ref : "")};
    return store__q(st, "INSERT INTO hl7_readings (received_at, sender, control_id, obx, "
                        "session_id, vitals_id, at, code, channel, source, instance, device, "
                        "value, status, reason, patient_ref, chair_ref) VALUES "
                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", a, 17, NULL, NULL, err);
}

struct earlier {
    int found;
    int64_t id;
    double value;
};
static int earlier_row(void *ctx, const struct srow *r)
{
    struct earlier *e = ctx;
    if (e->found++) return 0;
    e->id = srow_int(r, 0);
    e->value = srow_real(r, 1);
    return 0;
}

/* A correction (C) or withdrawal (W) of an earlier reading of the same session, vital, channel
 * and time: the earlier value goes to hl7_readings as history. */
static int amend(struct store *st, const struct store_hl7_msg *m, struct store_hl7_reading *r,
                 int64_t session, struct kc_error *err)
{
    char t[32];
    int rc = store__time("vitals.at", r->at, 1, t, err);
    if (rc) return rc;
    struct earlier e = {0};
    if (r->alarm) {
        struct sv a[] = {SV_I(session), SV_T(r->code), SV_T(t)};
        rc = store__q(st, "SELECT id, value FROM vitals WHERE session_id = ? AND code = ? AND "
                          "at = ? ORDER BY id DESC", a, 3, earlier_row, &e, err);
    } else {
        struct sv a[] = {SV_I(session), SV_T(r->code), SV_T(r->channel), SV_T(t)};
        rc = store__q(st, "SELECT id, value FROM hl7_readings WHERE session_id = ? AND code = ? "
                          "AND channel = ? AND at = ? AND status = 'channel' ORDER BY id DESC",
                      a, 4, earlier_row, &e, err);
    }
    if (rc) return rc;
    const char *hist = r->status == 'W' ? "withdrawn" : "superseded";
    if (!e.found) {
        if (r->status == 'W') { /* nothing to withdraw: noted, nothing filed */
            r->outcome = STORE_HL7_R_WITHDRAWN;
            snprintf(r->reason, sizeof r->reason, "OBX %u: no earlier %s at %s to withdraw",
                     r->obx, r->code, r->at);
            return KC_OK;
        }
        r->status = 'F'; /* a correction of a reading we never had: the value itself */
        return 1;
    }
    if (r->alarm) {
        rc = add_reading(st, m, r, session, e.id, e.value, hist, NULL, NULL, NULL, err);
        struct sv a[] = {SV_R(r->value), SV_I(e.id)};
        if (!rc && r->status == 'C')
            rc = store__q(st, "UPDATE vitals SET value = ? WHERE id = ?", a, 2, NULL, NULL, err);
        else if (!rc)
            rc = store__q(st, "DELETE FROM vitals WHERE id = ?", a + 1, 1, NULL, NULL, err);
    } else {
        struct sv a[] = {SV_T(hist), SV_I(e.id)};
        rc = store__q(st, "UPDATE hl7_readings SET status = ? WHERE id = ?", a, 2, NULL, NULL,
                      err);
        if (!rc && r->status == 'C')
            rc = add_reading(st, m, r, session, 0, r->value, "channel", NULL, NULL, NULL, err);
    }
    r->outcome = r->status == 'W' ? STORE_HL7_R_WITHDRAWN : STORE_HL7_R_CORRECTED;
    r->session_id = session;
    return rc;
}

/* Files the readings of group gi of m. */
static int file_group(struct store *st, struct store_hl7_msg *m, int gi, int64_t now,
                      struct kc_error *err)
{
    const struct store_hl7_group *g = &m->groups[gi];
    const char *chair = g->chair ? g->chair : "";
    char why[200] = "";
    int64_t pid = 0;
    int rc, why_code = 207;
    if (g->conflict) snprintf(why, sizeof why, "%s", g->conflict);
    else if (g->n_ids > 0 && (rc = patient_of(st, g, &pid, why, sizeof why, err))) return rc;
    if (g->n_ids > 0 && !pid && strstr(why, "no patient has")) why_code = 204;
    else if (g->n_ids == 0 && !*chair)
        snprintf(why, sizeof why, "no patient identifier (PID-3), bed (PV1-3) or known device "
                 "(OBX-18) says whom the readings are about");
    struct cands c = {0};
    c.pre = m->pre_s;
    c.post = m->post_s;
    if (!why[0]) {
        int64_t earliest = INT64_MAX;
        for (size_t i = 0; i < m->n_readings; i++)
            if (m->readings[i].group == gi) {
                int64_t t = secs(m->readings[i].at);
                if (t != INT64_MIN && t < earliest) earliest = t;
            }
        char since[32];
        int64_t lim = earliest == INT64_MAX ? now : earliest;
        fmt_time(lim - m->post_s - 86400, since);
        if (pid) {
            struct sv a[] = {SV_I(pid), SV_T(since)};
            rc = store__q(st, "SELECT id, chair, planned_at, started_at, ended_at FROM sessions "
                              "WHERE patient_id = ? AND status <> 'cancelled' AND (ended_at IS "
                              "NULL OR ended_at >= ?) ORDER BY id", a, 2, cand_row, &c, err);
        } else {
            struct sv a[] = {SV_T(chair), SV_T(since)};
            rc = store__q(st, "SELECT id, chair, planned_at, started_at, ended_at FROM sessions "
                              "WHERE chair = ? AND status <> 'cancelled' AND (ended_at IS NULL OR "
                              "ended_at >= ?) ORDER BY id", a, 2, cand_row, &c, err);
        }
        if (rc) return rc;
    }
    const char *pref = g->n_ids ? g->ids[0] : "";
    for (size_t i = 0; i < m->n_readings; i++) {
        struct store_hl7_reading *r = &m->readings[i];
        if (r->group != gi) continue;
        r->session_id = 0;
        r->reason[0] = '\0';
        r->hl7_error = 207;
        int64_t t = secs(r->at);
        int64_t sid = 0;
        if (why[0]) {
            snprintf(r->reason, sizeof r->reason, "OBX %u: %.180s", r->obx, why);
            r->hl7_error = why_code;
        } else if (t == INT64_MIN) {
            snprintf(r->reason, sizeof r->reason, "OBX %u: time '%.30s' cannot be read", r->obx,
                     r->at);
        } else if (t > now + m->future_s) {
            snprintf(r->reason, sizeof r->reason, "OBX %u: reading time %.24s is in the future "
                     "(received %.24s)", r->obx, r->at, m->received_at);
        } else {
            size_t hits = 0, in_chair = 0;
            int64_t any = 0, chair_sid = 0;
            for (size_t k = 0; k < c.n; k++) {
                if (t < c.c[k].from || t > c.c[k].to) continue;
                hits++;
                any = c.c[k].id;
                if (*chair && !strcmp(c.c[k].chair, chair)) in_chair++, chair_sid = c.c[k].id;
            }
            if (hits == 1) sid = any;
            else if (in_chair == 1) sid = chair_sid;
            if (sid) {
                /* a patient found by MRN whose session is in another chair than the monitor's */
                for (size_t k = 0; k < c.n && pid && *chair && g->chair_bound; k++)
                    if (c.c[k].id == sid && c.c[k].chair[0] && strcmp(c.c[k].chair, chair)) {
                        snprintf(r->reason, sizeof r->reason, "OBX %u: patient %.40s is in "
                                 "chair '%.30s' but the monitor is bound to chair '%.30s'",
                                 r->obx, pref, c.c[k].chair, chair);
                        sid = 0;
                    }
            } else if (hits > 1) {
                snprintf(r->reason, sizeof r->reason, "OBX %u: reading time %.24s falls in %zu "
                         "sessions of %s '%.40s'", r->obx, r->at, hits,
                         pid ? "patient" : "chair", pid ? pref : chair);
            } else {
                snprintf(r->reason, sizeof r->reason, "OBX %u: reading time %.24s is outside "
                         "every session of %s '%.40s' (check-in - %ld min to end + %ld min)",
                         r->obx, r->at, pid ? "patient" : "chair", pid ? pref : chair,
                         m->pre_s / 60, m->post_s / 60);
            }
        }
        if (!sid) {
            r->outcome = STORE_HL7_R_REVIEW;
            if ((rc = add_reading(st, m, r, 0, 0, r->value, "review", r->reason, pref, chair,
                                  err)))
                return rc;
            m->n_review++;
            continue;
        }
        r->session_id = sid;
        if (!m->session_id) m->session_id = sid;
        if (r->status == 'C' || r->status == 'W') {
            rc = amend(st, m, r, sid, err);
            if (rc < 0) return rc;
            if (rc == 0) {
                m->n_filed++;
                continue;
            }
        }
        if (r->alarm) {
            r->outcome = STORE_HL7_R_VITAL; /* inserted below, per session */
        } else {
            r->outcome = STORE_HL7_R_CHANNEL;
            if ((rc = add_reading(st, m, r, sid, 0, r->value, "channel", NULL, NULL, NULL, err)))
                return rc;
        }
        m->n_filed++;
    }
    return KC_OK;
}

/* The alarm-series readings of session sid into vitals. */
static int insert_session_vitals(struct store *st, struct store_hl7_msg *m, int64_t sid,
                                 size_t *count, struct kc_error *err)
{
    struct store_vital v[64];
    size_t n = 0;
    *count = 0;
    for (size_t i = 0; i < m->n_readings; i++) {
        struct store_hl7_reading *r = &m->readings[i];
        if (r->session_id != sid || r->outcome != STORE_HL7_R_VITAL || r->status != 'F')
            continue;
        v[n++] = (struct store_vital){r->at, r->code, r->value};
        if (n == 64) {
            int rc = insert_vitals(st, sid, v, n, err);
            if (rc) return rc;
            *count += n;
            n = 0;
        }
    }
    int rc = n ? insert_vitals(st, sid, v, n, err) : KC_OK;
    if (!rc) *count += n;
    return rc;
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
    m->n_filed = m->n_review = 0;
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
    char rid[24], detail[STORE_TEXT_MAX];
    size_t nobs = 0;
    int64_t now = secs(m->received_at);
    if (m->reject_reason) {
        m->outcome = STORE_HL7_REJECTED;
        m->hl7_error = given_error ? given_error : 207;
        snprintf(m->detail, sizeof m->detail, "%.200s; kept for review", m->reject_reason);
    } else {
        for (int g = 0; g < m->ngroups; g++)
            if ((rc = file_group(st, m, g, now, err))) return rc;
        /* vitals per session, one audit entry per session */
        for (size_t i = 0; i < m->n_readings; i++) {
            int64_t sid = m->readings[i].session_id;
            int seen = 0;
            for (size_t j = 0; j < i; j++) seen |= m->readings[j].session_id == sid;
            if (!sid || seen) continue;
            size_t cnt = 0;
            if ((rc = insert_session_vitals(st, m, sid, &cnt, err))) return rc;
            nobs += cnt;
            snprintf(rid, sizeof rid, "%" PRId64, sid);
            snprintf(detail, sizeof detail, "hl7 %.60s n=%zu", m->control_id, cnt);
            if ((rc = store__audit_append(st, who, "create", "Observation", rid, "success",
                                          detail, err)))
                return rc;
        }
        int all = m->n_review == 0 && m->n_refused == 0;
        m->outcome = all ? STORE_HL7_STORED : m->n_filed ? STORE_HL7_PARTIAL : STORE_HL7_REVIEW;
        const char *first = m->refusal;
        for (size_t i = 0; !first && i < m->n_readings; i++)
            if (m->readings[i].outcome == STORE_HL7_R_REVIEW) first = m->readings[i].reason;
        int n;
        if (all)
            n = snprintf(m->detail, sizeof m->detail, "stored %zu observations in session %" PRId64,
                         m->n_filed, m->session_id);
        else
            n = snprintf(m->detail, sizeof m->detail, "filed %zu of %zu readings; %zu for review, "
                         "%zu refused: %.120s", m->n_filed, m->n_readings + m->n_refused,
                         m->n_review, m->n_refused, first ? first : "");
        if (m->note && *m->note && n > 0 && (size_t)n < sizeof m->detail)
            snprintf(m->detail + n, sizeof m->detail - (size_t)n, "; %s", m->note);
        if (!all) {
            int code = m->refusal ? given_error : 0;
            for (size_t i = 0; !code && i < m->n_readings; i++)
                if (m->readings[i].outcome == STORE_HL7_R_REVIEW) code = m->readings[i].hl7_error;
            m->hl7_error = code ? code : 207;
        }
    }
    memcpy(m->ack, m->outcome == STORE_HL7_STORED ? "AA" : "AE", 3);
    if (m->outcome != STORE_HL7_STORED) {
        int64_t got[2] = {0, 0};
        const char *pref = "", *bed = "";
        if (m->ngroups > 0) {
            pref = m->groups[0].n_ids ? m->groups[0].ids[0] : "";
            bed = m->groups[0].chair ? m->groups[0].chair : "";
        }
        struct sv a[] = {SV_T(m->received_at), SV_T(m->sender), SV_T(m->control_id),
                         SV_T(m->detail), SV_T(pref), SV_T(bed), SV_T(m->raw ? m->raw : "")};
        rc = store__q(st, "INSERT INTO hl7_review (received_at, sender, control_id, reason, "
                          "patient_ref, bed_ref, message) VALUES (?,?,?,?,?,?,?) RETURNING id",
                      a, 7, first_id, got, err);
        if (rc) return rc;
        snprintf(rid, sizeof rid, "%" PRId64, got[0]);
        snprintf(detail, sizeof detail, "hl7 %.60s for review", m->control_id);
        rc = store__audit_append(st, who, "create", "Hl7Review", rid, "success", detail, err);
        if (rc) return rc;
    }
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
