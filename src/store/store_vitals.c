/* store_vitals.c — vital-sign observations, thousands per session: inserted in batches inside one
 * transaction with multi-row INSERTs of a fixed shape (prepared once), one audit entry per batch. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
    struct sv *a = NULL;
    char (*times)[32] = NULL;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    snprintf(detail, sizeof detail, "vitals n=%zu", n);
    if (n == 0) return KC_OK;
    if (n > STORE_VITALS_MAX) {
        rc = kc_error_set(err, KC_ELIMIT, "vitals: %zu observations in one call; at most %d",
                          n, STORE_VITALS_MAX);
        goto done;
    }
    a = calloc(n * 4, sizeof *a);
    times = calloc(n, sizeof *times);
    if (!a || !times) {
        rc = kc_error_set(err, KC_ENOMEM, "out of memory for %zu observations", n);
        goto done;
    }
    for (size_t i = 0; !rc && i < n; i++) rc = fill(session_id, &v[i], i, times[i], &a[4 * i], err);
    if (rc || (rc = store__begin(st, err))) goto done;
    /* whole chunks of CHUNK rows (pipelined on PostgreSQL), then the rest one row at a time */
    int chunks = (int)(n / CHUNK), failed = 0;
    rc = st->drv->batch(st, sql_chunk, a, 4 * CHUNK, chunks, &failed, err);
    size_t first = (size_t)failed * CHUNK, last = first + CHUNK - 1;
    if (!rc) {
        rc = st->drv->batch(st, sql_one, a + 4 * (size_t)chunks * CHUNK, 4,
                            (int)(n - (size_t)chunks * CHUNK), &failed, err);
        first = last = (size_t)chunks * CHUNK + (size_t)failed;
    }
    if (rc == KC_EINVAL && strstr(err->msg, "referenced"))
        rc = kc_error_set(err, KC_ENOTFOUND, "vitals.session_id: no session %" PRId64,
                          session_id);
    else if (rc && rc != KC_EIO && first != last)
        kc_error_prefix(err, "observations %zu-%zu", first + 1, last + 1);
    else if (rc && rc != KC_EIO)
        kc_error_prefix(err, "observation %zu", first + 1);
done:
    free(a);
    free(times);
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
