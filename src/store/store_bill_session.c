/* store_bill_session.c — charges created from what happened in a session: the dose records give
 * the service, the infusion time and the esketamine dose; the clinic rules (billing.c) give the
 * codes; each line becomes a charge entry.  Never typed by hand. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/course.h"
#include "store/store_billing.h"
#include "store/store_int.h"

struct dose_scan {
    int n, n_esk, n_iv, n_im;
    int64_t esk_ug;
    char iv_start[32], iv_end[32]; /* earliest start, latest end of IV doses with an end */
    int iv_open;                   /* an IV dose without an end time */
};

static int dose_row(void *ctx, const struct srow *r)
{
    struct dose_scan *d = ctx;
    const char *drug = srow_text(r, 0), *route = srow_text(r, 1);
    const char *start = srow_text(r, 3), *end = srow_text(r, 4);
    d->n++;
    if (drug && strcmp(drug, "esketamine") == 0) {
        d->n_esk++;
        d->esk_ug += srow_int(r, 2);
        return 0;
    }
    if (route && strcmp(route, "im") == 0) d->n_im++;
    if (!route || strcmp(route, "iv") != 0) return 0;
    d->n_iv++;
    if (!end) {
        d->iv_open = 1;
        return 0;
    }
    if (start && (!d->iv_start[0] || strcmp(start, d->iv_start) < 0))
        snprintf(d->iv_start, sizeof d->iv_start, "%s", start);
    if (strcmp(end, d->iv_end) > 0) snprintf(d->iv_end, sizeof d->iv_end, "%s", end);
    return 0;
}

static int id_row(void *ctx, const struct srow *r)
{
    *(int64_t *)ctx = srow_int(r, 0);
    return 0;
}

struct sess {
    int64_t patient_id;
    char status[16], day[11], ended_at[32];
    int found;
};

static int sess_row(void *ctx, const struct srow *r)
{
    struct sess *s = ctx;
    s->patient_id = srow_int(r, 0);
    store__copy(r, 1, s->status, sizeof s->status);
    char t[32];
    store__copy(r, 2, t, sizeof t);
    memcpy(s->day, t, 10);
    s->day[10] = '\0';
    store__copy(r, 3, s->ended_at, sizeof s->ended_at);
    s->found = 1;
    return 0;
}

/* Reads the facts of the session (inside the open transaction). */
static int session_facts(struct store *st, int64_t session_id, enum bill_service service,
                         struct sess *s, struct bill_session_facts *f, struct kc_error *err)
{
    struct sv a[] = {SV_I(session_id)};
    int rc = store__q(st, "SELECT patient_id, status, COALESCE(started_at, planned_at), "
                          "ended_at FROM sessions WHERE id = ?", a, 1, sess_row, s, err);
    if (rc) return rc;
    if (!s->found) return kc_error_set(err, KC_ENOTFOUND, "no session %" PRId64, session_id);
    if (strcmp(s->status, "ended") != 0)
        return kc_error_set(err, KC_ECONFLICT, "session %" PRId64 " is %s; only an ended "
                            "session is charged", session_id, s->status);
    memset(f, 0, sizeof *f);
    if ((rc = course_date_parse(s->day, &f->day, err))) return rc;
    struct dose_scan d;
    memset(&d, 0, sizeof d);
    if ((rc = store__q(st, "SELECT drug, route, dose_ug, started_at, ended_at FROM doses "
                           "WHERE session_id = ? ORDER BY id", a, 1, dose_row, &d, err)))
        return rc;
    if (d.n == 0) {
        if (service != BILL_SVC_CONSULT && service != BILL_SVC_FOLLOWUP)
            return kc_error_set(err, KC_EINVAL, "session %" PRId64 " has no dose records; "
                                "name the service (consult or followup)", session_id);
        f->service = service;
        return KC_OK;
    }
    if (d.n_esk) {
        f->service = BILL_SVC_ESKETAMINE;
        f->esketamine_ug = d.esk_ug;
        struct sv q[] = {SV_I(s->patient_id), SV_T(s->day)};
        int64_t n = 0;
        if ((rc = store__q_int(st, "SELECT count(*) FROM rems_enrolments WHERE patient_id = ? "
                                   "AND enrolled_on <= ?", q, 2, &n, err)))
            return rc;
        f->rems_enrolled = n > 0;
    } else if (d.n_iv) {
        if (d.iv_open || !d.iv_start[0])
            return kc_error_set(err, KC_EINVAL, "session %" PRId64 ": an IV dose has no end "
                                "time, so the infusion time (CPT 96365/96366) is unknown",
                                session_id);
        f->service = BILL_SVC_IV;
        if ((rc = store_bill_seconds_between(d.iv_start, d.iv_end, &f->infusion_s, err)))
            return rc;
    } else if (d.n_im) {
        f->service = BILL_SVC_IM;
    } else {
        return kc_error_set(err, KC_EUNSUPPORTED, "session %" PRId64 ": no billing rule for "
                            "its route (IV, IM and esketamine are billed)", session_id);
    }
    if (service != BILL_SVC_COUNT && service != f->service)
        return kc_error_set(err, KC_EINVAL, "session %" PRId64 ": the dose records say %s, "
                            "not %s", session_id, bill_service_name(f->service),
                            bill_service_name(service));
    return KC_OK;
}

int store_bill_charge_session(struct store *st, const struct store_actor *who,
                              int64_t session_id, enum bill_service service,
                              const struct bill_schedule *s, struct store_bill_session_charges *out,
                              struct kc_error *err)
{
    char rid[24] = "-", at[32];
    struct store_bill_session_charges res;
    memset(&res, 0, sizeof res);
    struct bill_account *acct = NULL;
    struct sess se;
    memset(&se, 0, sizeof se);
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = store__begin(st, err)) ||
        (rc = session_facts(st, session_id, service, &se, &res.facts, err)))
        goto done;
    snprintf(rid, sizeof rid, "%" PRId64, se.patient_id);
    res.patient_id = se.patient_id;
    int64_t open = 0;
    struct sv q[] = {SV_I(session_id)};
    if ((rc = store__q_int(st, "SELECT count(*) FROM bill_entries c WHERE c.session_id = ? AND "
                               "c.kind = 'charge' AND NOT EXISTS (SELECT 1 FROM bill_entries v "
                               "WHERE v.kind = 'void' AND v.ref_id = c.id)", q, 1, &open, err)))
        goto done;
    if (open) {
        rc = kc_error_set(err, KC_ECONFLICT, "session %" PRId64 " is already charged (%" PRId64
                          " open charge lines); void them to re-bill", session_id, open);
        goto done;
    }
    struct store_bill_payer sp;
    memset(&sp, 0, sizeof sp);
    sp.kind = BILL_SELF_PAY;
    if ((rc = store__bill_payer_load(st, se.patient_id, &sp, err))) goto done;
    struct bill_payer payer;
    store_bill_payer_view(&sp, &payer);
    if ((rc = bill_charges_for_session(&res.facts, &payer, s, &res.charges, err))) goto done;
    if ((rc = store__bill_account_load(st, se.patient_id, &acct, err))) goto done;
    store__now(at);
    for (int i = 0; i < res.charges.n; i++) {
        const struct bill_line *l = &res.charges.line[i];
        if (l->cents <= 0) continue; /* a code priced 0 is included in another line */
        int64_t id = 0;
        struct sv v[] = {SV_I(se.patient_id), SV_I(session_id), SV_T(l->code),
                         SV_T(l->modifier[0] ? l->modifier : NULL), SV_I(l->units),
                         SV_I(l->unit_cents), SV_I(l->cents),
                         SV_T(bill_payer_kind_name(payer.kind)), SV_T(at), SV_T(who->user)};
        if ((rc = store__q(st, "INSERT INTO bill_entries (patient_id, session_id, kind, code, "
                               "modifier, units, unit_cents, cents, payer, at, by_user) VALUES "
                               "(?,?,'charge',?,?,?,?,?,?,?,?) RETURNING id",
                           v, 10, id_row, &id, err)))
            goto done;
        if (!res.first_id) res.first_id = id;
        struct bill_entry be = {id, BILL_CHARGE, l->cents, 0, NULL};
        if ((rc = bill_account_apply(acct, &be, err))) goto done;
    }
done:
    free(acct);
    char detail[64];
    snprintf(detail, sizeof detail, "charge session %" PRId64 " total %" PRId64, session_id,
             res.charges.total_cents);
    rc = store__finish(st, rc, who, "create", "Account", rid, detail, err);
    if (!rc && out) *out = res;
    return rc;
}
