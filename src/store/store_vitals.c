/* store_vitals.c — vital-sign observations, thousands per session: inserted in batches inside one
 * transaction with multi-row INSERTs of a fixed shape (prepared once), one audit entry per batch. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

#define ROW "(?,?,?,?)"
#define ROW4 ROW "," ROW "," ROW "," ROW
#define ROW16 ROW4 "," ROW4 "," ROW4 "," ROW4
#define ROW64 ROW16 "," ROW16 "," ROW16 "," ROW16
#define CHUNK 64 /* rows per statement: 256 parameters, within both back ends' limits */

static const char sql_one[] = "INSERT INTO vitals (session_id, at, code, value) VALUES " ROW;
static const char sql_chunk[] = "INSERT INTO vitals (session_id, at, code, value) VALUES " ROW64;

/* Normalises and checks row i into the slot of a parameter array. */
static int fill(int64_t session_id, const struct store_vital *v, size_t i, char t[32],
                struct sv *a, struct kc_error *err)
{
    int rc = store__time("vitals.at", v->at, 1, t, err);
    if (!rc) rc = store__text("vitals.code", v->code, 7, 1, err);
    if (!rc && !isfinite(v->value))
        rc = kc_error_set(err, KC_EINVAL, "vitals.value must be a number");
    if (rc) return kc_error_prefix(err, "observation %zu", i + 1);
    a[0] = SV_I(session_id);
    a[1] = SV_T(t);
    a[2] = SV_T(v->code);
    a[3] = SV_R(v->value);
    return KC_OK;
}

int store_vitals_add(struct store *st, const struct store_actor *who, int64_t session_id,
                     const struct store_vital *v, size_t n, struct kc_error *err)
{
    char rid[24], detail[40];
    static _Thread_local char times[CHUNK][32];
    struct sv a[CHUNK * 4];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    snprintf(detail, sizeof detail, "vitals n=%zu", n);
    if (n == 0) return KC_OK;
    if ((rc = store__begin(st, err))) goto done;
    size_t i = 0;
    while (!rc && i < n) {
        size_t k = (n - i >= CHUNK) ? CHUNK : 1;
        for (size_t j = 0; !rc && j < k; j++)
            rc = fill(session_id, &v[i + j], i + j, times[j], &a[4 * j], err);
        if (!rc) rc = store__q(st, k == CHUNK ? sql_chunk : sql_one, a, (int)(4 * k), NULL, NULL,
                               err);
        if (rc == KC_EINVAL && strstr(err->msg, "referenced"))
            rc = kc_error_set(err, KC_ENOTFOUND, "vitals.session_id: no session %" PRId64,
                              session_id);
        else if (rc && k > 1 && rc != KC_EIO)
            kc_error_prefix(err, "observations %zu-%zu", i + 1, i + k);
        else if (rc && k == 1 && rc != KC_EIO)
            kc_error_prefix(err, "observation %zu", i + 1);
        i += k;
    }
done:
    return store__finish(st, rc, who, "create", "Observation", rid, detail, err);
}

int store_vitals_count(struct store *st, const struct store_actor *who, int64_t session_id,
                       int64_t *count, struct kc_error *err)
{
    char rid[24];
    int64_t c = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    if ((rc = store__begin_read(st, err))) goto done;
    struct sv a[] = {SV_I(session_id)};
    rc = store__q_int(st, "SELECT count(*) FROM vitals WHERE session_id = ?", a, 1, &c, err);
done:
    rc = store__finish(st, rc, who, "read", "Observation", rid, "count", err);
    if (!rc) *count = c;
    return rc;
}
