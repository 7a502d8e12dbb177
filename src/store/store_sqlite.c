/* store_sqlite.c — the SQLite back end: WAL, foreign keys on, synchronous=FULL (a commit is on
 * disk when it returns), a busy timeout, prepared statements cached by SQL text, and SQLite's
 * error codes mapped to KC_E... with the table.field named. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"

#define CACHE_MAX 128
#define BUSY_TIMEOUT_MS 10000

struct cached {
    char *sql;
    sqlite3_stmt *stmt;
};

struct lite {
    sqlite3 *db;
    /* prepared at open: ROLLBACK must work when nothing can be allocated (SQLite's rollback
     * needs no memory, but preparing its text does), or the connection would stay inside the
     * failed transaction, holding the database's write lock */
    sqlite3_stmt *rollback;
    struct cached cache[CACHE_MAX];
    int ncache;
    int holds_writer;
};
static pthread_mutex_t writer_mu = PTHREAD_MUTEX_INITIALIZER;

static struct lite *L(struct store *st)
{
    return st->impl;
}

/* Maps a failed SQLite call to a KC status and a message naming what was refused. */
static int lite_error(sqlite3 *db, int rc, const char *what, struct kc_error *err)
{
    int ext = db ? sqlite3_extended_errcode(db) : rc;
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const char *colon = strstr(msg, "failed: ");
    const char *field = colon ? colon + 8 : msg;
    switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return kc_error_set(err, KC_ECONFLICT, "%s: a record with this value already exists",
                            field);
    case SQLITE_CONSTRAINT_NOTNULL:
        return kc_error_set(err, KC_EINVAL, "%s: a value is required", field);
    case SQLITE_CONSTRAINT_CHECK:
        return kc_error_set(err, KC_EINVAL, "%s: value not allowed", field);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return kc_error_set(err, KC_EINVAL, "a referenced record does not exist (%s)", msg);
    case SQLITE_CONSTRAINT_TRIGGER:
        return kc_error_set(err, KC_EDENIED, "%s", msg);
    default: break;
    }
    switch (ext & 0xff) {
    case SQLITE_NOMEM:
        return kc_error_set(err, KC_ENOMEM, "%s: out of memory; nothing was written", what);
    case SQLITE_FULL:
        return kc_error_set(err, KC_EIO, "%s: the database or disk is full; nothing was written",
                            what);
    case SQLITE_READONLY:
        return kc_error_set(err, KC_EIO, "%s: the database is read-only; nothing was written",
                            what);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return kc_error_set(err, KC_EIO, "%s: the database stayed locked by another writer "
                            "for %d ms", what, BUSY_TIMEOUT_MS);
    case SQLITE_CONSTRAINT:
        return kc_error_set(err, KC_EINVAL, "%s", msg);
    default:
        return kc_error_set(err, KC_EIO, "%s: %s", what, msg);
    }
}

static int lite_pragmas(sqlite3 *db, int readonly, struct kc_error *err)
{
    const char *sql = readonly ? "PRAGMA foreign_keys=ON;"
                               : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                 " PRAGMA foreign_keys=ON;";
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) return lite_error(db, rc, "setting up the database", err);
    return KC_OK;
}

static int lite_open(struct store *st, const char *url, struct kc_error *err)
{
    struct lite *l = calloc(1, sizeof *l);
    if (!l) return kc_error_set(err, KC_ENOMEM, "out of memory opening %s", url);
    const char *path = url;
    if (strncmp(path, "sqlite:", 7) == 0) path += 7;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI |
                SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &l->db, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = lite_error(l->db, rc, path, err);
        kc_error_prefix(err, "cannot open SQLite database");
        sqlite3_close(l->db);
        free(l);
        return rc;
    }
    sqlite3_busy_timeout(l->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(l->db, 1);
    st->impl = l;
    int ro = sqlite3_db_readonly(l->db, "main") == 1;
    if ((rc = lite_pragmas(l->db, ro, err))) goto fail;
    rc = sqlite3_prepare_v3(l->db, "ROLLBACK", -1, SQLITE_PREPARE_PERSISTENT, &l->rollback, NULL);
    if (rc != SQLITE_OK) {
        rc = lite_error(l->db, rc, "preparing ROLLBACK", err);
        goto fail;
    }
    return KC_OK;
fail:
    sqlite3_finalize(l->rollback);
    sqlite3_close(l->db);
    free(l);
    st->impl = NULL;
    return rc;
}

static void lite_close(struct store *st)
{
    struct lite *l = L(st);
    if (!l) return;
    for (int i = 0; i < l->ncache; i++) {
        sqlite3_finalize(l->cache[i].stmt);
        free(l->cache[i].sql);
    }
    sqlite3_finalize(l->rollback);
    sqlite3_close(l->db);
    free(l);
    st->impl = NULL;
}

static int lite_script(struct store *st, const char *sql, struct kc_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(L(st)->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? KC_OK : lite_error(L(st)->db, rc, "schema", err);
}

static int lite_prepare(struct lite *l, const char *sql, sqlite3_stmt **out, struct kc_error *err)
{
    for (int i = 0; i < l->ncache; i++)
        if (strcmp(l->cache[i].sql, sql) == 0) {
            *out = l->cache[i].stmt;
            return KC_OK;
        }
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK) return lite_error(l->db, rc, "preparing a statement", err);
    char *copy = strdup(sql);
    if (!copy) {
        sqlite3_finalize(stmt);
        return kc_error_set(err, KC_ENOMEM, "out of memory");
    }
    if (l->ncache == CACHE_MAX) { /* full: drop the oldest */
        sqlite3_finalize(l->cache[0].stmt);
        free(l->cache[0].sql);
        memmove(&l->cache[0], &l->cache[1], (CACHE_MAX - 1) * sizeof l->cache[0]);
        l->ncache--;
    }
    l->cache[l->ncache++] = (struct cached){copy, stmt};
    *out = stmt;
    return KC_OK;
}

static int lite_query(struct store *st, const char *sql, const struct sv *args, int nargs,
                      srow_fn fn, void *ctx, struct kc_error *err)
{
    struct lite *l = L(st);
    sqlite3_stmt *stmt = NULL;
    int rc = lite_prepare(l, sql, &stmt, err);
    if (rc) return rc;
    for (int i = 0; i < nargs && rc == SQLITE_OK; i++) {
        switch (args[i].t) {
        case SV_NULL: rc = sqlite3_bind_null(stmt, i + 1); break;
        case SV_INT: rc = sqlite3_bind_int64(stmt, i + 1, args[i].i); break;
        case SV_REAL: rc = sqlite3_bind_double(stmt, i + 1, args[i].d); break;
        case SV_TEXT: rc = sqlite3_bind_text(stmt, i + 1, args[i].s, -1, SQLITE_STATIC); break;
        }
    }
    if (rc != SQLITE_OK) {
        rc = lite_error(l->db, rc, "binding a value", err);
        goto out;
    }
    struct srow row = {&store__sqlite_driver, stmt, 0};
    for (;;) {
        int s = sqlite3_step(stmt);
        if (s == SQLITE_DONE) break;
        if (s != SQLITE_ROW) {
            rc = lite_error(l->db, s, "writing", err);
            goto out;
        }
        if (fn && (rc = fn(ctx, &row))) goto out;
        row.index++;
    }
    rc = KC_OK;
out:
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rc;
}

static int lite_batch(struct store *st, const char *sql, const struct sv *args, int nargs,
                      int nrows, int *failed, struct kc_error *err)
{
    for (int i = 0; i < nrows; i++) {
        int rc = lite_query(st, sql, args + (size_t)i * (size_t)nargs, nargs, NULL, NULL, err);
        if (rc) {
            *failed = i;
            return rc;
        }
    }
    return KC_OK;
}

static int lite_exec(struct store *st, const char *sql, const char *what, struct kc_error *err)
{
    int rc = sqlite3_exec(L(st)->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KC_OK : lite_error(L(st)->db, rc, what, err);
}

/* IMMEDIATE: take the write lock at BEGIN, so two writers never deadlock upgrading. */
static void writer_release(struct lite *l)
{
    if (l->holds_writer) {
        l->holds_writer = 0;
        pthread_mutex_unlock(&writer_mu);
    }
}

static int lite_begin(struct store *st, struct kc_error *err)
{
    struct lite *l = L(st);
    if (!l->holds_writer) {
        pthread_mutex_lock(&writer_mu);
        l->holds_writer = 1;
    }
    int rc = lite_exec(st, "BEGIN IMMEDIATE", "starting a transaction", err);
    if (rc) writer_release(l);
    return rc;
}

/* DEFERRED: a WAL reader sees one snapshot and never waits for the writer. */
static int lite_begin_read(struct store *st, struct kc_error *err)
{
    return lite_exec(st, "BEGIN DEFERRED", "starting a read transaction", err);
}

static int lite_commit(struct store *st, struct kc_error *err)
{
    int rc = lite_exec(st, "COMMIT", "committing", err);
    if (!rc) writer_release(L(st));
    return rc;
}

static void lite_rollback(struct store *st)
{
    struct lite *l = L(st);
    if (!sqlite3_get_autocommit(l->db)) {
        sqlite3_step(l->rollback);
        sqlite3_reset(l->rollback);
    }
    writer_release(l);
}

static int lite_table_exists(struct store *st, const char *table, int *exists,
                             struct kc_error *err)
{
    int64_t n = 0;
    struct sv a[] = {SV_T(table)};
    int rc = store__q_int(st, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?",
                          a, 1, &n, err);
    if (rc) return rc;
    *exists = n > 0;
    return KC_OK;
}

/* Copies src into dst in one step: one read transaction, so the copy is one consistent moment
 * and, in WAL mode, writers go on meanwhile.  (Stepping a few pages at a time would restart
 * whenever another connection writes, and might never finish on a busy clinic.) */
static int lite_copy(sqlite3 *src, sqlite3 *dst, struct kc_error *err)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) return lite_error(dst, sqlite3_errcode(dst), "backup", err);
    int rc, tries = 0;
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (++tries > 500) break; /* 10 s */
        sqlite3_sleep(20);
    }
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return lite_error(dst, rc, "backup", err);
    return KC_OK;
}

static int lite_backup(struct store *st, const char *path, struct kc_error *err)
{
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        rc = lite_error(dst, rc, path, err);
        goto out;
    }
    rc = lite_copy(L(st)->db, dst, err);
out:
    sqlite3_close(dst);
    if (rc) { /* a copy that could not even roll back leaves its journal (store_backup removes
               * the copy itself) */
        char journal[1100];
        snprintf(journal, sizeof journal, "%s-journal", path);
        unlink(journal);
    }
    return rc;
}

static int lite_restore(struct store *st, const char *path, struct kc_error *err)
{
    sqlite3 *src = NULL;
    int rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(src, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc = lite_error(src, rc, path, err);
        kc_error_prefix(err, "not a ketaclinic SQLite backup");
        goto out;
    }
    rc = lite_copy(src, L(st)->db, err);
    if (!rc) rc = lite_pragmas(L(st)->db, 0, err);
out:
    sqlite3_close(src);
    return rc;
}

static int64_t lite_col_int(const struct srow *r, int c)
{
    return sqlite3_column_int64(r->impl, c);
}
static double lite_col_real(const struct srow *r, int c)
{
    return sqlite3_column_double(r->impl, c);
}
static const char *lite_col_text(const struct srow *r, int c)
{
    return (const char *)sqlite3_column_text(r->impl, c);
}

const struct store_driver store__sqlite_driver = {
    .name = "sqlite",
    .id_type = "INTEGER PRIMARY KEY",
    .open = lite_open,
    .close = lite_close,
    .script = lite_script,
    .query = lite_query,
    .batch = lite_batch,
    .begin = lite_begin,
    .begin_read = lite_begin_read,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .table_exists = lite_table_exists,
    .backup = lite_backup,
    .restore = lite_restore,
    .col_int = lite_col_int,
    .col_real = lite_col_real,
    .col_text = lite_col_text,
};
