/* schema.c — the list of schema versions and the migration runner: pending versions applied in
 * one transaction on open, a database from a newer binary refused before anything is touched. */
#include "store/schema.h"

#include <stdlib.h>
#include <string.h>

static const struct store_migration migrations[] = {
    {1, "clinic records, audit log, controlled-substance ledger", store__schema_v1,
     store__schema_v1_sqlite, store__schema_v1_pg},
    {2, "HL7 v2 monitor messages and review queue", store__schema_v2, NULL, NULL}, /* issue 9 */
    {4, "billing accounts, payers, payment plans, REMS enrolment and forms", store__schema_v4,
     store__schema_v4_sqlite, store__schema_v4_pg}, /* issue 10 */
    {7, "HL7 per-reading records: other channels, corrections, review", store__schema_v7, NULL,
     NULL}, /* issue 15 */
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int store__migrations_known(void)
{
    return migrations[N_MIGRATIONS - 1].version;
}

int store__schema_current(struct store *st, int *version, struct kc_error *err)
{
    int exists = 0;
    int rc = st->drv->table_exists(st, "schema_version", &exists, err);
    if (rc) return rc;
    if (!exists) {
        *version = 0;
        return KC_OK;
    }
    int64_t v = 0;
    rc = store__q_int(st, "SELECT COALESCE(max(version), 0) FROM schema_version", NULL, 0, &v,
                      err);
    if (rc) return rc;
    *version = (int)v;
    return KC_OK;
}

/* Replaces the @ID@ and @REAL@ tokens of our own constant SQL for the back end in use. */
static char *expand(const struct store *st, const char *sql)
{
    const char *id = st->drv->id_type;
    const char *real = strcmp(st->drv->name, "postgres") == 0 ? "DOUBLE PRECISION" : "REAL";
    size_t cap = strlen(sql) * 2 + 1, o = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    for (const char *p = sql; *p;) {
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(p, "@ID@", 4) == 0) rep = id, skip = 4;
        else if (strncmp(p, "@REAL@", 6) == 0) rep = real, skip = 6;
        if (rep) {
            size_t n = strlen(rep);
            memcpy(out + o, rep, n);
            o += n;
            p += skip;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return out;
}

static int run_sql(struct store *st, const char *sql, struct kc_error *err)
{
    if (!sql) return KC_OK;
    char *text = expand(st, sql);
    if (!text) return kc_error_set(err, KC_ENOMEM, "out of memory");
    int rc = st->drv->script(st, text, err);
    free(text);
    return rc;
}

int store__migrate_with(struct store *st, const struct store_migration *list, int n, int *applied,
                        struct kc_error *err)
{
    int pg = strcmp(st->drv->name, "postgres") == 0;
    int current = 0, done = 0;
    int rc = store__begin(st, err);
    if (rc) return rc;
    /* PostgreSQL: two processes migrating at once take turns */
    if (pg && (rc = st->drv->script(st, "SELECT pg_advisory_xact_lock(726574)", err))) goto fail;
    if ((rc = store__schema_current(st, &current, err))) goto fail;
    int newest = n ? list[n - 1].version : 0;
    if (current > newest) {
        rc = kc_error_set(err, KC_ECONFLICT, "the database has schema version %d but this "
                          "ketaclinic knows only up to version %d; use a newer ketaclinic "
                          "(nothing was changed)", current, newest);
        goto fail;
    }
    if (current < newest &&
        (rc = st->drv->script(st, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER "
                                  "PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                              err)))
        goto fail;
    for (int i = 0; i < n; i++) {
        if (list[i].version <= current) continue;
        if ((rc = run_sql(st, list[i].common, err)) ||
            (rc = run_sql(st, pg ? list[i].pg : list[i].sqlite, err))) {
            kc_error_prefix(err, "migration to version %d failed, nothing was changed",
                            list[i].version);
            goto fail;
        }
        char now[32];
        store__now(now);
        struct sv a[] = {SV_I(list[i].version), SV_T(list[i].name), SV_T(now)};
        rc = store__q(st, "INSERT INTO schema_version (version, name, applied_at) VALUES (?,?,?)",
                      a, 3, NULL, NULL, err);
        if (rc) goto fail;
        done++;
    }
    if ((rc = store__commit(st, err))) goto fail;
    if (applied) *applied = done;
    return KC_OK;
fail:
    store__rollback(st);
    return rc;
}

int store__apply_migrations(struct store *st, int *applied, struct kc_error *err)
{
    return store__migrate_with(st, migrations, N_MIGRATIONS, applied, err);
}
