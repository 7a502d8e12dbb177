/* store_session_ui.c — interventions at the chair and the latest discharge check of a session
 * (issue 8, the web UI).  Each call is one audited read or write. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

int store_intervention_add(struct store *st, const struct store_actor *who, int64_t session_id,
                           const char *at, const char *action, const char *notes, int64_t *id,
                           struct kc_error *err)
{
    char t[32], rid[24];
    int rc = store__check_actor(who, err);
    if (!rc) rc = store__time("interventions.at", at, 1, t, err);
    if (!rc) rc = store__text("interventions.action", action, 63, 1, err);
    if (!rc) rc = store__text("interventions.notes", notes, STORE_TEXT_MAX - 1, 0, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    int64_t new_id = 0;
    struct sv a[] = {SV_I(session_id), SV_T(t), SV_T(action), SV_T(who->user), SV_T(notes)};
    if (!(rc = store__begin(st, err))) {
        rc = store__q(st, "INSERT INTO interventions (session_id, at, action, by_user, notes) VALUES (?,?,?,?,?)", a, 5,
                      NULL, NULL, err);
        if (rc == KC_EINVAL && strstr(err->msg, "referenced"))
            rc = kc_error_set(err, KC_ENOTFOUND, "interventions.session_id: no session %" PRId64, session_id);
        struct sv b[] = {SV_I(session_id)};
        if (!rc) rc = store__q_int(st, "SELECT max(id) FROM interventions WHERE session_id = ?", b, 1, &new_id, err);
    }
    rc = store__finish(st, rc, who, "create", "Procedure", rid, action, err);
    if (!rc && id) *id = new_id;
    return rc;
}

struct cb {
    void *fn, *ctx;
};

static int intervention_row(void *c, const struct srow *r)
{
    struct cb *x = c;
    struct store_intervention_row v;
    memset(&v, 0, sizeof v);
    v.id = srow_int(r, 0);
    store__copy(r, 1, v.at, sizeof v.at);
    store__copy(r, 2, v.action, sizeof v.action);
    store__copy(r, 3, v.by_user, sizeof v.by_user);
    store__copy(r, 4, v.notes, sizeof v.notes);
    return ((int (*)(void *, const struct store_intervention_row *))x->fn)(x->ctx, &v);
}

int store_intervention_list(struct store *st, const struct store_actor *who, int64_t session_id,
                            int (*fn)(void *ctx, const struct store_intervention_row *v), void *ctx,
                            struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct cb x = {(void *)fn, ctx};
    struct sv a[] = {SV_I(session_id)};
    if (!(rc = store__begin(st, err)))
        rc = store__q(st, "SELECT id, at, action, by_user, COALESCE(notes, '') FROM interventions WHERE session_id = ? "
                          "ORDER BY at, id LIMIT 1000", a, 1, intervention_row, &x, err);
    char rid[24];
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    return store__finish(st, rc, who, "read", "Procedure", rid, "list", err);
}

static int check_row(void *c, const struct srow *r)
{
    struct store_discharge_latest *d = c;
    if (!d->at[0]) store__copy(r, 0, d->at, sizeof d->at);
    store__copy(r, 1, d->by_user, sizeof d->by_user);
    d->ready = (int)srow_int(r, 2);
    store__copy(r, 3, d->missing, sizeof d->missing);
    return 0; /* LIMIT 1: the newest only */
}

int store_discharge_latest(struct store *st, const struct store_actor *who, int64_t session_id,
                           struct store_discharge_latest *out, struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct store_discharge_latest d;
    memset(&d, 0, sizeof d);
    struct sv a[] = {SV_I(session_id)};
    if (!(rc = store__begin(st, err))) {
        rc = store__q(st, "SELECT at, by_user, met, COALESCE(notes, '') FROM discharge_checks "
                          "WHERE session_id = ? AND criterion = 'discharge-ready' ORDER BY at DESC, id DESC LIMIT 1",
                      a, 1, check_row, &d, err);
        if (!rc && !d.at[0]) rc = kc_error_set(err, KC_ENOTFOUND, "no discharge check for session %" PRId64, session_id);
    }
    char rid[24];
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    rc = store__finish(st, rc, who, "read", "DischargeCheck", rid, "latest", err);
    if (!rc) *out = d;
    return rc;
}
