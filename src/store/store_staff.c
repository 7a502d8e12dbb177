/* store_staff.c — the staff list for the admin page and the clinic-wide scale results behind the
 * outcome statistics (issue 8, the web UI).  Each call is one audited read. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

struct cb {
    void *fn, *ctx;
    int64_t n;
};

static int outcome_row(void *c, const struct srow *r)
{
    struct cb *x = c;
    struct store_outcome_row o;
    memset(&o, 0, sizeof o);
    o.patient_id = srow_int(r, 0);
    store__copy(r, 1, o.scale, sizeof o.scale);
    store__copy(r, 2, o.at, sizeof o.at);
    o.total = (int)srow_int(r, 3);
    store__copy(r, 4, o.condition, sizeof o.condition);
    store__copy(r, 5, o.route, sizeof o.route);
    x->n++;
    return ((int (*)(void *, const struct store_outcome_row *))x->fn)(x->ctx, &o);
}

int store_outcome_rows(struct store *st, const struct store_actor *who,
                       int (*fn)(void *ctx, const struct store_outcome_row *r), void *ctx,
                       struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct cb x = {(void *)fn, ctx, 0};
    if (!(rc = store__begin(st, err)))
        rc = store__q(st,
                      "SELECT s.patient_id, s.scale, s.at, s.total, COALESCE(tp.condition, ''), COALESCE(tp.route, '') "
                      "FROM scale_results s LEFT JOIN treatment_plans tp ON tp.id = "
                      "(SELECT max(id) FROM treatment_plans WHERE patient_id = s.patient_id) "
                      "ORDER BY s.patient_id, s.scale, s.at, s.id LIMIT 200000",
                      NULL, 0, outcome_row, &x, err);
    char detail[48];
    snprintf(detail, sizeof detail, "outcome statistics n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "Observation", "*", detail, err);
}

static int user_row(void *c, const struct srow *r)
{
    struct cb *x = c;
    struct store_user u;
    memset(&u, 0, sizeof u);
    u.id = srow_int(r, 0);
    store__copy(r, 1, u.name, sizeof u.name);
    store__copy(r, 2, u.role, sizeof u.role);
    store__copy(r, 3, u.display_name, sizeof u.display_name);
    u.active = (int)srow_int(r, 4);
    x->n++;
    return ((int (*)(void *, const struct store_user *))x->fn)(x->ctx, &u);
}

int store_user_list(struct store *st, const struct store_actor *who,
                    int (*fn)(void *ctx, const struct store_user *u), void *ctx,
                    struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct cb x = {(void *)fn, ctx, 0};
    if (!(rc = store__begin(st, err)))
        rc = store__q(st, "SELECT id, name, role, COALESCE(display_name, ''), active FROM users ORDER BY name LIMIT 1000",
                      NULL, 0, user_row, &x, err);
    return store__finish(st, rc, who, "read", "Practitioner", "*", "staff list", err);
}
