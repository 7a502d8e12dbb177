/* store_fixture.h — opening a store for the store tests: the back end comes from $KC_TEST_DB (a
 * postgres:// URL, run by tests/store/test_store_backends.sh), else a fresh SQLite file per test
 * in a temporary directory.  One audit key per test run. */
#ifndef KC_TEST_STORE_FIXTURE_H
#define KC_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"

static char fx_dir[256];
static char fx_url[512];
static char fx_key[300];
static int fx_n;

static const struct store_actor fx_who = {"tester", "admin", "unit-test"};

static void fx_cleanup(void)
{
    char cmd[300];
    if (fx_dir[0] && !getenv("KC_TEST_KEEP")) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx_dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", fx_dir);
    }
}

static int fx_is_pg(void)
{
    const char *u = getenv("KC_TEST_DB");
    return u && strncmp(u, "postgres", 8) == 0;
}

/* A new URL: the PostgreSQL test database, or a new SQLite file. */
static const char *fx_new_url(void)
{
    if (!fx_dir[0]) {
        snprintf(fx_dir, sizeof fx_dir, "/tmp/kc-store-test-XXXXXX");
        if (!mkdtemp(fx_dir)) abort();
        snprintf(fx_key, sizeof fx_key, "%s/audit.key", fx_dir);
        atexit(fx_cleanup);
    }
    if (fx_is_pg()) return getenv("KC_TEST_DB");
    snprintf(fx_url, sizeof fx_url, "%s/t%d.db", fx_dir, ++fx_n);
    return fx_url;
}

static struct store *fx_open_url(const char *url, int no_migrate)
{
    struct kc_error err = {0};
    struct store *st = NULL;
    struct store_options o = {url, fx_key, no_migrate};
    int rc = store_open(&o, &st, &err);
    if (rc) fail_msg("store_open(%s): %s", url, err.msg);
    return st;
}

static struct store *fx_open(void)
{
    return fx_open_url(fx_new_url(), 0);
}

/* Runs raw SQL (test-only: tampering as an attacker with database access would). */
__attribute__((unused)) static void fx_sql(struct store *st, const char *sql)
{
    struct kc_error err = {0};
    int rc = st->drv->script(st, sql, &err);
    if (rc) fail_msg("SQL failed: %s\n  %s", err.msg, sql);
}

/* A string unique within this run (patients' MRNs, lots, user names on a shared database). */
__attribute__((unused)) static const char *fx_uniq(const char *prefix)
{
    static char buf[8][64];
    static int k;
    static unsigned run;
    if (!run) run = (unsigned)getpid();
    char *b = buf[k++ % 8];
    snprintf(b, 64, "%s-%u-%d", prefix, run, k);
    return b;
}

#define assert_ok(expr, err)                                                                      \
    do {                                                                                          \
        int rc_ = (expr);                                                                         \
        if (rc_ != 0) fail_msg("%s -> %d: %s", #expr, rc_, (err).msg);                            \
    } while (0)

#define assert_fails(expr, code, err, needle)                                                     \
    do {                                                                                          \
        int rc_ = (expr);                                                                         \
        if (rc_ != (code)) fail_msg("%s -> %d (%s), wanted %d", #expr, rc_, (err).msg, (code));  \
        if (!strstr((err).msg, (needle)))                                                         \
            fail_msg("%s: message '%s' does not name '%s'", #expr, (err).msg, (needle));          \
    } while (0)

#endif
