/* store.c — opening a store (choosing the back end from the URL, finding the audit key,
 * migrating), transactions, and the small helpers the record files share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/kctime.h"
#include "store/store_int.h"

int (*store__fault_hook)(enum store_fault where) = NULL;

static int is_pg_url(const char *url)
{
    return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

/* mkdir -p of the directory part of path (mode 0700: it holds patient records). */
static int make_parent(const char *path, struct kc_error *err)
{
    char dir[1024];
    int n = snprintf(dir, sizeof dir, "%s", path);
    if (n < 0 || (size_t)n >= sizeof dir)
        return kc_error_set(err, KC_EINVAL, "database path is too long");
    char *slash = strrchr(dir, '/');
    if (!slash) return KC_OK;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) goto fail;
        *p = '/';
    }
    if (dir[0] && mkdir(dir, 0700) != 0 && errno != EEXIST) goto fail;
    return KC_OK;
fail:
    return kc_error_set(err, KC_EIO, "cannot create directory '%s': %s", dir, strerror(errno));
}

/* The file system path of a SQLite URL ("sqlite:P", "file:P?query", or P). */
static void sqlite_path(const char *url, char *out, size_t n)
{
    if (strncmp(url, "sqlite:", 7) == 0) url += 7;
    if (strncmp(url, "file:", 5) == 0) url += 5;
    size_t len = strcspn(url, "?");
    snprintf(out, n, "%.*s", (int)len, url);
}

static int key_path(const struct store_options *opt, const struct store *st, char *out, size_t n,
                    struct kc_error *err)
{
    const char *p = opt->audit_key_path ? opt->audit_key_path : getenv("KC_AUDIT_KEY");
    if (p && *p) {
        snprintf(out, n, "%s", p);
        return KC_OK;
    }
    const char *slash = st->path[0] ? strrchr(st->path, '/') : NULL;
    if (st->path[0] && slash) snprintf(out, n, "%.*s/audit.key", (int)(slash - st->path), st->path);
    else if (st->path[0]) snprintf(out, n, "audit.key");
    else snprintf(out, n, "var/audit.key");
    return make_parent(out, err);
}

int store_open(const struct store_options *opt, struct store **out, struct kc_error *err)
{
    static const struct store_options none = {0};
    if (!opt) opt = &none;
    const char *url = opt->url ? opt->url : getenv("KC_DB");
    if (!url || !*url) url = STORE_DEFAULT_SQLITE;
    struct store *st = calloc(1, sizeof *st);
    if (!st) return kc_error_set(err, KC_ENOMEM, "out of memory");
    int rc;
    char kp[1024];
    if (strlen(url) >= sizeof st->url) {
        rc = kc_error_set(err, KC_EINVAL, "--db: URL longer than %zu characters",
                          sizeof st->url - 1);
        goto fail;
    }
    snprintf(st->url, sizeof st->url, "%s", url);
    if (is_pg_url(url)) {
        st->drv = &store__pg_driver;
    } else {
        st->drv = &store__sqlite_driver;
        sqlite_path(url, st->path, sizeof st->path);
        if (!st->path[0]) {
            rc = kc_error_set(err, KC_EINVAL, "--db '%s': no file name", url);
            goto fail;
        }
        if (strstr(url, "mode=ro") == NULL && (rc = make_parent(st->path, err))) goto fail;
    }
    if ((rc = key_path(opt, st, kp, sizeof kp, err)) || (rc = store__key_load(kp, st->key, err)))
        goto fail;
    if ((rc = st->drv->open(st, url, err))) goto fail;
    int cur = 0;
    if ((rc = store__schema_current(st, &cur, err))) goto fail_close;
    /* migrate only when behind (a read-only database that is current still opens) */
    if (!opt->no_migrate && cur < store__migrations_known()) {
        if ((rc = store__apply_migrations(st, NULL, err))) goto fail_close;
    } else {
        if (cur > store__migrations_known()) {
            rc = kc_error_set(err, KC_ECONFLICT, "the database has schema version %d but this "
                              "ketaclinic knows only up to version %d; use a newer ketaclinic",
                              cur, store__migrations_known());
            goto fail_close;
        }
    }
    *out = st;
    return KC_OK;
fail_close:
    st->drv->close(st);
fail:
    memset(st->key, 0, sizeof st->key);
    free(st);
    return rc;
}

void store_close(struct store *st)
{
    if (!st) return;
    if (st->in_tx) st->drv->rollback(st);
    store__audit_deferred_free(st);
    st->drv->close(st);
    memset(st->key, 0, sizeof st->key);
    free(st);
}

const char *store_backend(const struct store *st)
{
    return st->drv->name;
}

int store_schema_version(struct store *st, int *current, int *known, struct kc_error *err)
{
    int rc = store__schema_current(st, current, err);
    if (!rc) *known = store__migrations_known();
    return rc;
}

int store_migrate(struct store *st, int *applied, struct kc_error *err)
{
    return store__apply_migrations(st, applied, err);
}

int store__q(struct store *st, const char *sql, const struct sv *args, int nargs, srow_fn fn,
             void *ctx, struct kc_error *err)
{
    return st->drv->query(st, sql, args, nargs, fn, ctx, err);
}

static int first_int(void *ctx, const struct srow *r)
{
    int64_t *out = ctx;
    out[0] = srow_int(r, 0);
    out[1] = 1;
    return 1; /* stop after the first row */
}

int store__q_int(struct store *st, const char *sql, const struct sv *args, int nargs,
                 int64_t *out, struct kc_error *err)
{
    int64_t got[2] = {0, 0};
    int rc = store__q(st, sql, args, nargs, first_int, got, err);
    if (rc < 0) return rc;
    if (!got[1]) return kc_error_set(err, KC_ENOTFOUND, "no such record");
    *out = got[0];
    return KC_OK;
}

int store__begin(struct store *st, struct kc_error *err)
{
    int rc = st->drv->begin(st, err);
    if (!rc) st->in_tx = 1;
    return rc;
}

int store__begin_read(struct store *st, struct kc_error *err)
{
    int rc = st->drv->begin_read ? st->drv->begin_read(st, err) : st->drv->begin(st, err);
    if (!rc) st->in_tx = 1;
    return rc;
}

int store__commit(struct store *st, struct kc_error *err)
{
    int rc = st->drv->commit(st, err);
    if (!rc) st->in_tx = 0;
    return rc;
}

void store__rollback(struct store *st)
{
    st->drv->rollback(st);
    st->in_tx = 0;
}

void store__copy(const struct srow *r, int c, char *buf, size_t n)
{
    const char *v = srow_text(r, c);
    snprintf(buf, n, "%s", v ? v : "");
}

int store__text(const char *field, const char *v, size_t max, int required,
                struct kc_error *err)
{
    if (!v || !*v) {
        if (required) return kc_error_set(err, KC_EINVAL, "%s is required", field);
        return KC_OK;
    }
    size_t n = strnlen(v, max + 1);
    if (n > max)
        return kc_error_set(err, KC_EINVAL, "%s is longer than %zu characters", field, max);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20)
            return kc_error_set(err, KC_EINVAL, "%s contains a control character at position %zu",
                                field, i + 1);
    return KC_OK;
}

int store__time(const char *field, const char *v, int required, char out[32],
                struct kc_error *err)
{
    out[0] = '\0';
    if (!v || !*v) {
        if (required) return kc_error_set(err, KC_EINVAL, "%s (an RFC 3339 time) is required",
                                          field);
        return KC_OK;
    }
    int64_t ms;
    int rc = kc_time_parse(v, &ms, err);
    if (rc) return kc_error_prefix(err, "%s", field);
    kc_time_format(ms, KC_TIME_MILLIS, out);
    return KC_OK;
}

void store__now(char out[32])
{
    kc_time_format(kc_time_now_ms(), KC_TIME_MILLIS, out);
}

int store__check_actor(const struct store_actor *who, struct kc_error *err)
{
    int rc;
    if (!who) return kc_error_set(err, KC_EINVAL, "who is acting is required for the audit log");
    if ((rc = store__text("user", who->user, 63, 1, err)) ||
        (rc = store__text("role", who->role, 31, 1, err)) ||
        (rc = store__text("source", who->source, 63, 0, err)))
        return rc;
    return KC_OK;
}

int store_backup(struct store *st, const struct store_actor *who, const char *path,
                 struct kc_error *err)
{
    struct stat sb;
    int rc;
    if (!path || !*path) return kc_error_set(err, KC_EINVAL, "backup: a file name is required");
    if (stat(path, &sb) == 0)
        return kc_error_set(err, KC_ECONFLICT, "backup: '%s' already exists; choose a new file",
                            path);
    if ((rc = store_audit(st, who, "export", "Database", "backup", "success", path, err)))
        return rc;
    rc = st->drv->backup(st, path, err);
    if (rc) {
        /* a half-written copy must not be mistaken for a backup (the path did not exist) */
        if (unlink(path) != 0 && errno != ENOENT)
            kc_error_prefix(err, "could not remove the partial copy '%s' (%s); backup to '%s'",
                            path, strerror(errno), path);
        else
            kc_error_prefix(err, "backup to '%s'", path);
        store__audit_failure(st, who, "export", "Database", "backup", err);
    }
    return rc;
}

int store_restore(struct store *st, const struct store_actor *who, const char *path,
                  struct kc_error *err)
{
    struct stat sb;
    int cur = 0, rc;
    if ((rc = store__check_actor(who, err))) return rc;
    if (!path || stat(path, &sb) != 0)
        return kc_error_set(err, KC_ENOTFOUND, "restore: cannot read '%s'", path ? path : "");
    if ((rc = store__schema_current(st, &cur, err))) return rc;
    if (cur != 0)
        return kc_error_set(err, KC_ECONFLICT, "restore: the target database is not empty "
                            "(schema version %d); restore into a new, empty database", cur);
    if ((rc = st->drv->restore(st, path, err))) return kc_error_prefix(err, "restore");
    if ((rc = store__schema_current(st, &cur, err))) return rc;
    if (cur < 1 || cur > store__migrations_known())
        return kc_error_set(err, KC_EINVAL, "restore: '%s' holds schema version %d, which this "
                            "ketaclinic cannot use", path, cur);
    if ((rc = store__apply_migrations(st, NULL, err))) return rc; /* an older backup: upgrade */
    return store_audit(st, who, "update", "Database", "restore", "success", path, err);
}
