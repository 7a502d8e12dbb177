/* pg_roles.c — PostgreSQL least privilege for the application role (interop-security.md D4.3):
 * the role the clinic server logs in as may read and write the records, but only SELECT and
 * INSERT on the audit log and the ledger, and, not owning the tables, cannot switch their
 * append-only triggers off.  Statements are built by the server (format with %I), never from
 * our strings. */
#include <string.h>

#include "store/store_int.h"

struct text_ctx {
    char *buf;
    size_t n;
};

static int text_row(void *ctx, const struct srow *r)
{
    struct text_ctx *t = ctx;
    const char *v = srow_text(r, 0);
    size_t len = v ? strlen(v) : 0;
    if (len >= t->n) return KC_ELIMIT;
    memcpy(t->buf, v ? v : "", len + 1);
    return 0;
}

/* Runs the GRANT/REVOKE text the server formatted from the template and the bound role name. */
static int run_formatted(struct store *st, const char *sql, const char *role, struct kc_error *err)
{
    char stmt[2048] = "";
    struct text_ctx t = {stmt, sizeof stmt};
    struct sv a[] = {SV_T(role)};
    int rc = store__q(st, sql, a, 1, text_row, &t, err);
    if (rc == KC_ELIMIT) return kc_error_set(err, KC_ELIMIT, "grant statement too long");
    if (rc) return rc;
    return st->drv->script(st, stmt, err);
}

int store_pg_grant_app_role(struct store *st, const char *role, struct kc_error *err)
{
    static const char *const steps[] = {
        "SELECT format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', CAST(? AS TEXT))",
        "SELECT format('GRANT USAGE ON SCHEMA public TO %I', CAST(? AS TEXT))",
        "SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
        "TO %I', CAST(? AS TEXT))",
        "SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, ledger_entries, "
        "schema_version FROM %I', CAST(? AS TEXT))",
        "SELECT format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', "
        "CAST(? AS TEXT))",
        /* tables and sequences later migrations create (as this owner) are covered too */
        "SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, "
        "DELETE ON TABLES TO %I', CAST(? AS TEXT))",
        "SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON "
        "SEQUENCES TO %I', CAST(? AS TEXT))",
    };
    int rc;
    if (strcmp(st->drv->name, "postgres") != 0)
        return kc_error_set(err, KC_EUNSUPPORTED, "database roles are PostgreSQL's; SQLite has "
                            "none (protect the file with its mode and owner)");
    if ((rc = store__text("role", role, 63, 1, err))) return rc;
    int64_t exists = 0;
    struct sv a[] = {SV_T(role)};
    if ((rc = store__q_int(st, "SELECT count(*) FROM pg_roles WHERE rolname = ?", a, 1, &exists,
                           err)))
        return rc;
    if (!exists) return kc_error_set(err, KC_ENOTFOUND, "no PostgreSQL role '%s'", role);
    int64_t owner = 0;
    if ((rc = store__q_int(st, "SELECT count(*) FROM pg_tables WHERE tablename = 'audit_log' AND "
                               "tableowner = ?", a, 1, &owner, err)))
        return rc;
    if (owner)
        return kc_error_set(err, KC_ECONFLICT, "role '%s' owns the tables and could switch the "
                            "append-only triggers off; run the migrations as another role and "
                            "grant this one", role);
    if ((rc = store__begin(st, err))) return rc;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && !rc; i++)
        rc = run_formatted(st, steps[i], role, err);
    if (!rc) rc = store__commit(st, err);
    if (rc) store__rollback(st);
    return rc;
}
