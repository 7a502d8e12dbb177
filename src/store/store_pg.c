/* store_pg.c — the PostgreSQL back end over libpq: one connection, named prepared statements
 * cached by SQL text ('?' placeholders rewritten to $n once), text parameters and results, and
 * SQLSTATEs mapped to KC_E... naming the constraint (our constraints are named table.field).
 * Backup and restore run pg_dump / pg_restore (found on PATH or in /usr/lib/postgresql/N/bin). */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store_int.h"

#define CACHE_MAX 128
#define MAX_PARAMS 256

extern char **environ;

struct cached {
    char *sql;
    char name[16];
};

struct pg {
    PGconn *conn;
    struct cached cache[CACHE_MAX];
    int ncache, next_name;
};

static struct pg *P(struct store *st)
{
    return st->impl;
}

static int pg_error(PGconn *conn, const PGresult *res, const char *what, struct kc_error *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *cons = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *table = res ? PQresultErrorField(res, PG_DIAG_TABLE_NAME) : NULL;
    const char *column = res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
    if (!primary) primary = PQerrorMessage(conn);
    if (!state) state = "";
    if (strcmp(state, "23505") == 0)
        return kc_error_set(err, KC_ECONFLICT, "%s: a record with this value already exists",
                            cons ? cons : primary);
    if (strcmp(state, "23502") == 0)
        return kc_error_set(err, KC_EINVAL, "%s.%s: a value is required", table ? table : "?",
                            column ? column : "?");
    if (strcmp(state, "23514") == 0)
        return kc_error_set(err, KC_EINVAL, "%s: value not allowed", cons ? cons : primary);
    if (strcmp(state, "23503") == 0)
        return kc_error_set(err, KC_EINVAL, "a referenced record does not exist (%s)", primary);
    if (strcmp(state, "42501") == 0) return kc_error_set(err, KC_EDENIED, "%s", primary);
    if (strcmp(state, "53100") == 0)
        return kc_error_set(err, KC_EIO, "%s: the database server's disk is full; nothing was "
                            "written", what);
    if (strcmp(state, "25006") == 0)
        return kc_error_set(err, KC_EIO, "%s: the database is read-only; nothing was written",
                            what);
    if (strncmp(state, "23", 2) == 0) return kc_error_set(err, KC_EINVAL, "%s", primary);
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
        return kc_error_set(err, KC_ECONFLICT, "%s: %s (retry)", what, primary);
    /* libpq messages end with a newline */
    size_t n = strlen(primary);
    while (n && (primary[n - 1] == '\n')) n--;
    return kc_error_set(err, KC_EIO, "%s: %.*s", what, (int)n, primary);
}

/* A fault injected by a test (store__fault_hook): the server itself fails the step, as on a
 * full disk, so the transaction is aborted exactly as a real error would leave it. */
static int pg_fault(struct store *st, enum store_fault where, const char *what,
                    struct kc_error *err)
{
    if (!store__fault_hook || !store__fault_hook(where)) return KC_OK;
    PGresult *r = PQexec(P(st)->conn, "DO $$BEGIN RAISE EXCEPTION 'injected fault' "
                                      "USING ERRCODE = 'disk_full'; END$$");
    int rc = pg_error(P(st)->conn, r, what, err);
    PQclear(r);
    return rc;
}

static int pg_open(struct store *st, const char *url, struct kc_error *err)
{
    struct pg *p = calloc(1, sizeof *p);
    if (!p) return kc_error_set(err, KC_ENOMEM, "out of memory");
    p->conn = PQconnectdb(url);
    if (PQstatus(p->conn) != CONNECTION_OK) {
        int rc = pg_error(p->conn, NULL, "cannot connect to PostgreSQL", err);
        PQfinish(p->conn);
        free(p);
        return rc;
    }
    st->impl = p;
    PGresult *r = PQexec(p->conn, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        int rc = pg_error(p->conn, NULL, "setting up the session", err);
        PQfinish(p->conn);
        free(p);
        st->impl = NULL;
        return rc;
    }
    return KC_OK;
}

static void pg_close(struct store *st)
{
    struct pg *p = P(st);
    if (!p) return;
    for (int i = 0; i < p->ncache; i++) free(p->cache[i].sql);
    PQfinish(p->conn);
    free(p);
    st->impl = NULL;
}

static int pg_script(struct store *st, const char *sql, struct kc_error *err)
{
    int rc = pg_fault(st, STORE_FAULT_EXEC, "schema", err);
    if (rc) return rc;
    PGresult *r = PQexec(P(st)->conn, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        rc = pg_error(P(st)->conn, r, "schema", err);
    PQclear(r);
    return rc;
}

/* '?' → $1, $2 ...  Our SQL has no '?' inside string literals. */
static char *rewrite(const char *sql, int *nparams)
{
    size_t n = strlen(sql), q = 0;
    for (size_t i = 0; i < n; i++) q += sql[i] == '?';
    char *out = malloc(n + q * 4 + 1);
    if (!out) return NULL;
    size_t o = 0;
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (sql[i] != '?') {
            out[o++] = sql[i];
            continue;
        }
        o += (size_t)snprintf(out + o, 6, "$%d", ++k);
    }
    out[o] = '\0';
    *nparams = k;
    return out;
}

static int pg_prepare(struct store *st, const char *sql, const char **name, struct kc_error *err)
{
    struct pg *p = P(st);
    for (int i = 0; i < p->ncache; i++)
        if (strcmp(p->cache[i].sql, sql) == 0) {
            *name = p->cache[i].name;
            return KC_OK;
        }
    if (p->ncache == CACHE_MAX) { /* full: forget the oldest (DEALLOCATE it) */
        char dsql[40];
        snprintf(dsql, sizeof dsql, "DEALLOCATE %s", p->cache[0].name);
        PQclear(PQexec(p->conn, dsql));
        free(p->cache[0].sql);
        memmove(&p->cache[0], &p->cache[1], (CACHE_MAX - 1) * sizeof p->cache[0]);
        p->ncache--;
    }
    int np = 0;
    char *text = rewrite(sql, &np);
    char *copy = strdup(sql);
    if (!text || !copy) {
        free(text);
        free(copy);
        return kc_error_set(err, KC_ENOMEM, "out of memory");
    }
    struct cached *c = &p->cache[p->ncache];
    snprintf(c->name, sizeof c->name, "kc%d", ++p->next_name);
    PGresult *r = PQprepare(p->conn, c->name, text, np, NULL);
    free(text);
    int rc = KC_OK;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) rc = pg_error(p->conn, r, "preparing", err);
    PQclear(r);
    if (rc) {
        free(copy);
        return rc;
    }
    c->sql = copy;
    p->ncache++;
    *name = c->name;
    return KC_OK;
}

static void pg_params(const struct sv *args, int nargs, char (*nums)[32], const char **vals);

/* Rows are handed to fn one at a time (libpq single-row mode), so walking a long audit log or
 * ledger never holds the whole result in memory.  Every result is drained even when fn stops. */
static int pg_query(struct store *st, const char *sql, const struct sv *args, int nargs,
                    srow_fn fn, void *ctx, struct kc_error *err)
{
    struct pg *p = P(st);
    const char *name = NULL;
    if (nargs > MAX_PARAMS) return kc_error_set(err, KC_ELIMIT, "too many parameters");
    int rc = pg_prepare(st, sql, &name, err);
    if (!rc) rc = pg_fault(st, STORE_FAULT_EXEC, "writing", err);
    if (rc) return rc;
    char nums[MAX_PARAMS][32];
    const char *vals[MAX_PARAMS];
    pg_params(args, nargs, nums, vals);
    if (PQsendQueryPrepared(p->conn, name, nargs, vals, NULL, NULL, 0) != 1)
        return pg_error(p->conn, NULL, "writing", err);
    if (fn) PQsetSingleRowMode(p->conn);
    PGresult *r;
    int failed = 0;
    while ((r = PQgetResult(p->conn)) != NULL) {
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_SINGLE_TUPLE) {
            struct srow row = {&store__pg_driver, r, 0};
            if (!rc && fn) rc = fn(ctx, &row);
        } else if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && !failed) {
            failed = 1;
            if (rc >= 0) rc = pg_error(p->conn, r, "writing", err);
        }
        PQclear(r);
    }
    return rc;
}

/* Formats args as libpq text parameters (nums holds the numbers' text). */
static void pg_params(const struct sv *args, int nargs, char (*nums)[32], const char **vals)
{
    for (int i = 0; i < nargs; i++) {
        switch (args[i].t) {
        case SV_NULL: vals[i] = NULL; break;
        case SV_TEXT: vals[i] = args[i].s; break;
        case SV_INT:
            snprintf(nums[i], sizeof nums[i], "%" PRId64, args[i].i);
            vals[i] = nums[i];
            break;
        case SV_REAL:
            snprintf(nums[i], sizeof nums[i], "%.17g", args[i].d);
            vals[i] = nums[i];
            break;
        }
    }
}

#define PIPELINE_MAX 32 /* executions per sync: small results, so the socket never fills */

/* Sends up to PIPELINE_MAX executions, then reads every result; the first error wins. */
static int pg_pipeline(struct store *st, const char *name, const struct sv *args, int nargs,
                       int from, int to, int *failed, struct kc_error *err)
{
    PGconn *c = P(st)->conn;
    char nums[MAX_PARAMS][32];
    const char *vals[MAX_PARAMS];
    int rc = KC_OK, sent = 0;
    if (PQenterPipelineMode(c) != 1) return pg_error(c, NULL, "pipeline", err);
    for (int i = from; i < to; i++, sent++) {
        pg_params(args + (size_t)i * (size_t)nargs, nargs, nums, vals);
        if (PQsendQueryPrepared(c, name, nargs, vals, NULL, NULL, 0) != 1) {
            rc = pg_error(c, NULL, "writing", err);
            *failed = i;
            break;
        }
    }
    if (PQpipelineSync(c) != 1 && !rc) rc = pg_error(c, NULL, "pipeline sync", err);
    /* one result (then NULL) per execution sent, then the sync marker */
    for (int i = 0; i < sent; i++) {
        PGresult *r;
        while ((r = PQgetResult(c)) != NULL) {
            ExecStatusType s = PQresultStatus(r);
            if (!rc && s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK &&
                s != PGRES_PIPELINE_ABORTED) {
                rc = pg_error(c, r, "writing", err);
                *failed = from + i;
            }
            PQclear(r);
        }
    }
    PGresult *r;
    while ((r = PQgetResult(c)) != NULL) { /* PGRES_PIPELINE_SYNC */
        ExecStatusType s = PQresultStatus(r);
        PQclear(r);
        if (s == PGRES_PIPELINE_SYNC) break;
    }
    if (PQexitPipelineMode(c) != 1 && !rc) rc = pg_error(c, NULL, "leaving pipeline", err);
    return rc;
}

static int pg_batch(struct store *st, const char *sql, const struct sv *args, int nargs,
                    int nrows, int *failed, struct kc_error *err)
{
    const char *name = NULL;
    if (nargs > MAX_PARAMS) return kc_error_set(err, KC_ELIMIT, "too many parameters");
    int rc = pg_prepare(st, sql, &name, err);
    if (!rc && (rc = pg_fault(st, STORE_FAULT_EXEC, "writing", err))) *failed = 0;
    for (int i = 0; !rc && i < nrows; i += PIPELINE_MAX)
        rc = pg_pipeline(st, name, args, nargs, i, i + PIPELINE_MAX < nrows ? i + PIPELINE_MAX
                                                                            : nrows,
                         failed, err);
    return rc;
}

static int pg_cmd(struct store *st, const char *sql, const char *what, struct kc_error *err)
{
    int rc = pg_fault(st, STORE_FAULT_EXEC, what, err);
    if (rc) return rc;
    PGresult *r = PQexec(P(st)->conn, sql);
    rc = PQresultStatus(r) == PGRES_COMMAND_OK ? KC_OK : pg_error(P(st)->conn, r, what, err);
    PQclear(r);
    return rc;
}

/* A connection lost between operations (server restart, network) is re-established once when
 * the next transaction starts (nothing of it has run yet, so retrying is safe); the server-side
 * prepared statements went with the old connection. */
static int pg_reconnect(struct store *st, struct kc_error *err)
{
    struct pg *p = P(st);
    PQreset(p->conn);
    for (int i = 0; i < p->ncache; i++) free(p->cache[i].sql);
    p->ncache = 0;
    if (PQstatus(p->conn) != CONNECTION_OK)
        return pg_error(p->conn, NULL, "reconnecting to PostgreSQL", err);
    PQclear(PQexec(p->conn, "SET client_min_messages = warning; SET TIME ZONE 'UTC'"));
    return KC_OK;
}

static int pg_begin(struct store *st, struct kc_error *err)
{
    int rc = PQstatus(P(st)->conn) == CONNECTION_BAD ? pg_reconnect(st, err) : KC_OK;
    if (!rc) rc = pg_cmd(st, "BEGIN", "starting a transaction", err);
    if (rc && PQstatus(P(st)->conn) == CONNECTION_BAD && !(rc = pg_reconnect(st, err)))
        rc = pg_cmd(st, "BEGIN", "starting a transaction", err);
    return rc;
}

static int pg_commit(struct store *st, struct kc_error *err)
{
    /* COMMIT of an aborted transaction answers "ROLLBACK": treat that as a failure */
    struct kc_error ignored = {0};
    (void)pg_fault(st, STORE_FAULT_COMMIT, "committing", &ignored); /* aborts it */
    PGresult *r = PQexec(P(st)->conn, "COMMIT");
    int rc = KC_OK;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) rc = pg_error(P(st)->conn, r, "committing", err);
    else if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
        rc = kc_error_set(err, KC_EIO, "committing: the transaction was rolled back");
    PQclear(r);
    return rc;
}

static void pg_rollback(struct store *st)
{
    if (PQtransactionStatus(P(st)->conn) != PQTRANS_IDLE)
        PQclear(PQexec(P(st)->conn, "ROLLBACK"));
}

static int pg_table_exists(struct store *st, const char *table, int *exists,
                           struct kc_error *err)
{
    int64_t n = 0;
    struct sv a[] = {SV_T(table)};
    int rc = store__q_int(st, "SELECT count(*) FROM information_schema.tables WHERE "
                              "table_schema = current_schema() AND table_name = ?",
                          a, 1, &n, err);
    if (rc) return rc;
    *exists = n > 0;
    return KC_OK;
}

/* Finds a PostgreSQL client tool: on PATH first, else Debian's versioned directory. */
static void tool_path(const char *tool, char *out, size_t n)
{
    for (int v = 20; v >= 12; v--) {
        snprintf(out, n, "/usr/lib/postgresql/%d/bin/%s", v, tool);
        if (access(out, X_OK) == 0) return;
    }
    snprintf(out, n, "%s", tool);
}

/* Runs argv without a shell; 0 when it exited 0. */
static int run_tool(char *const argv[], struct kc_error *err)
{
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0) return kc_error_set(err, KC_EIO, "cannot run %s: %s", argv[0], strerror(rc));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return kc_error_set(err, KC_EIO, "waiting for %s", argv[0]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return kc_error_set(err, KC_EIO, "%s failed (status %d); see its message above",
                            argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return KC_OK;
}

static int pg_backup(struct store *st, const char *path, struct kc_error *err)
{
    char tool[256];
    tool_path("pg_dump", tool, sizeof tool);
    char *argv[] = {tool, "--format=custom", "--no-owner", "--file", (char *)path,
                    "--dbname", st->url, NULL};
    return run_tool(argv, err);
}

static int pg_restore(struct store *st, const char *path, struct kc_error *err)
{
    char tool[256];
    tool_path("pg_restore", tool, sizeof tool);
    char *argv[] = {tool, "--no-owner", "--exit-on-error", "--single-transaction",
                    "--dbname", st->url, (char *)path, NULL};
    int rc = run_tool(argv, err);
    for (int i = 0; i < P(st)->ncache; i++) free(P(st)->cache[i].sql);
    P(st)->ncache = 0;
    PQclear(PQexec(P(st)->conn, "DEALLOCATE ALL"));
    return rc;
}

static int64_t pg_col_int(const struct srow *r, int c)
{
    const char *v = PQgetvalue(r->impl, r->index, c);
    return (v && *v) ? strtoll(v, NULL, 10) : 0;
}
static double pg_col_real(const struct srow *r, int c)
{
    const char *v = PQgetvalue(r->impl, r->index, c);
    return (v && *v) ? strtod(v, NULL) : 0;
}
static const char *pg_col_text(const struct srow *r, int c)
{
    if (PQgetisnull(r->impl, r->index, c)) return NULL;
    return PQgetvalue(r->impl, r->index, c);
}

const struct store_driver store__pg_driver = {
    .name = "postgres",
    .id_type = "BIGSERIAL PRIMARY KEY",
    .open = pg_open,
    .close = pg_close,
    .script = pg_script,
    .query = pg_query,
    .batch = pg_batch,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .table_exists = pg_table_exists,
    .backup = pg_backup,
    .restore = pg_restore,
    .col_int = pg_col_int,
    .col_real = pg_col_real,
    .col_text = pg_col_text,
};
