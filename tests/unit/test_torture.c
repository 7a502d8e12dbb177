/* test_torture.c — countdown fault injection over the store's important operations (SQLite's
 * malloc/VFS tests, curl's torture mode).  For each operation and each kind of fault
 * (fault_inject.h) it runs the operation with the n-th call failing, n = 1, 2, 3 ... until the
 * operation completes without reaching the n-th call, and after every run checks:
 *   - a failure is reported (never a silent success that lost the write) with KC_ENOMEM or KC_EIO
 *     and a message;
 *   - a failed operation stored nothing: every table but the audit log hashes as before, and the
 *     audit log gained only "failure" entries;
 *   - a successful one stored exactly what it should (row counts);
 *   - the audit and ledger chains verify, no transaction is left open, the connection still works;
 *   - nothing leaked (LeakSanitizer, checked after each operation and kind).
 * SQLite here; PostgreSQL through tests/store/test_store_backends.sh ($KC_TEST_DB).
 * KC_TORTURE_FULL=1 (make torture) tries every n; otherwise past n = 150 the step grows with n
 * (n/40), so the long allocation runs of SQLite's migration stay a sample and make check quick.
 * A second pass keeps failing every call after the n-th (a disk that stays full: the rollback
 * and the failure's own audit entry meet the fault too). */
#include <errno.h>
#include <inttypes.h>
#include <sanitizer/lsan_interface.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "fault_inject.h"
#include "store_world.h"

#define MAX_TABLES 96
#define MAX_N 200000L

struct table_sum {
    char name[64];
    uint64_t hash;
    int64_t rows;
};
struct snapshot {
    int n;
    struct table_sum t[MAX_TABLES];
    int64_t audit_max; /* newest audit seq */
};

struct torture {
    struct world w;
    char password[32];
    char mrn[64];
    int iter;          /* unique inputs per run */
    char path[600];    /* backup / migration target of the current run */
    char dir[300];
};

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int name_row(void *ctx, const struct srow *r)
{
    struct snapshot *s = ctx;
    if (s->n == MAX_TABLES) return KC_ELIMIT;
    store__copy(r, 0, s->t[s->n].name, sizeof s->t[0].name);
    s->t[s->n].hash = 1469598103934665603ULL;
    s->t[s->n].rows = 0;
    s->n++;
    return 0;
}

struct cols {
    int n;
    char sql[4096];
};
static int col_row(void *ctx, const struct srow *r)
{
    struct cols *c = ctx;
    const char *name = srow_text(r, 0);
    size_t len = strlen(c->sql);
    snprintf(c->sql + len, sizeof c->sql - len, "%s\"%s\"", c->n ? ", " : "SELECT ", name);
    c->n++;
    return 0;
}

struct hash_ctx {
    struct table_sum *t;
    int ncols;
};
static int hash_row(void *ctx, const struct srow *r)
{
    struct hash_ctx *h = ctx;
    for (int c = 0; c < h->ncols; c++) {
        const char *v = srow_text(r, c);
        h->t->hash = v ? fnv(h->t->hash, v, strlen(v) + 1) : fnv(h->t->hash, "\xff", 1);
    }
    h->t->rows++;
    return 0;
}

/* Every table's content as a hash and a row count (audit_log and its chain head left out: a
 * failure may add "failure" entries there, checked on their own). */
static void snapshot_take(struct store *st, struct snapshot *s)
{
    struct kc_error err = {0};
    s->n = 0;
    const char *tables = fx_is_pg()
        ? "SELECT table_name FROM information_schema.tables WHERE table_schema = "
          "current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
          "ORDER BY 1";
    assert_ok(store__q(st, tables, NULL, 0, name_row, s, &err), err);
    for (int i = 0; i < s->n; i++) {
        struct cols c = {0};
        struct sv a[] = {SV_T(s->t[i].name)};
        const char *cq = fx_is_pg()
            ? "SELECT column_name FROM information_schema.columns WHERE table_schema = "
              "current_schema() AND table_name = ? ORDER BY ordinal_position"
            : "SELECT name FROM pragma_table_info(?) ORDER BY cid";
        assert_ok(store__q(st, cq, a, 1, col_row, &c, &err), err);
        if (strcmp(s->t[i].name, "audit_log") == 0) continue;
        size_t len = strlen(c.sql);
        snprintf(c.sql + len, sizeof c.sql - len, " FROM \"%s\"%s ORDER BY", s->t[i].name,
                 strcmp(s->t[i].name, "chain_head") == 0 ? " WHERE name <> 'audit'" : "");
        for (int k = 1; k <= c.n; k++) {
            len = strlen(c.sql);
            snprintf(c.sql + len, sizeof c.sql - len, "%s %d", k > 1 ? "," : "", k);
        }
        struct hash_ctx h = {&s->t[i], c.n};
        assert_ok(store__q(st, c.sql, NULL, 0, hash_row, &h, &err), err);
    }
    s->audit_max = count_rows(st, "SELECT COALESCE(max(seq), 0) FROM audit_log");
}

/* Audit entries newer than seq with the given outcome. */
static int64_t audit_since(struct store *st, int64_t seq, const char *outcome)
{
    struct kc_error err = {0};
    int64_t n = -1;
    struct sv a[] = {SV_I(seq), SV_T(outcome)};
    assert_ok(store__q_int(st, "SELECT count(*) FROM audit_log WHERE seq > ? AND outcome = ?", a,
                           2, &n, &err),
              err);
    return n;
}

/* ---- the operations -------------------------------------------------------------------------- */
struct op {
    const char *name;
    int (*run)(struct torture *t, struct kc_error *err);
    /* rows each table must gain on success (NULL-terminated); the rest must stay equal */
    const char *const *grows;
    const int *by;
    int audit_success; /* success entries the audit log gains on success */
    int sqlite_only, pg_only, fresh_db; /* fresh_db: the operation works on its own database */
    void (*after)(struct torture *t, int rc); /* extra checks; may be NULL */
};

static int op_dose(struct torture *t, struct kc_error *err)
{
    char at[32];
    snprintf(at, sizeof at, "2026-11-23T%02d:%02d:%02dZ", 10 + t->iter / 3600 % 12,
             t->iter / 60 % 60, t->iter % 60);
    struct store_dose_new d = {.session_id = t->w.session, .drug = "ketamine", .form = "salt",
                               .route = "iv", .lot = t->w.lot, .location = "safe-1",
                               .dose_ug = 1000, .conc_ug_per_ml = 10000, .volume_ul = 100,
                               .started_at = at, .given_by = t->w.nurse};
    int64_t id = 0, seq = 0;
    return store_dose_record(t->w.st, &fx_who, &d, &id, &seq, err);
}
static const char *const dose_grows[] = {"doses", "ledger_entries", "ledger_balances",
                                         "chain_head", NULL};
static const int dose_by[] = {1, 1, 0, 0};

static int op_hl7(struct torture *t, struct kc_error *err)
{
    char cid[3][32], at[32];
    const char *known[] = {t->mrn}, *unknown[] = {"NO-SUCH-MRN"};
    struct store_hl7_group g_known = {known, 1, "", "", 0, NULL};
    struct store_hl7_group g_unknown = {unknown, 1, "NO-SUCH-MRN", "", 0, NULL};
    snprintf(at, sizeof at, "2026-11-23T09:%02d:%02dZ", t->iter / 60 % 60, t->iter % 60);
    struct store_hl7_reading r[3][2];
    for (int k = 0; k < 3; k++) {
        snprintf(cid[k], sizeof cid[k], "T%d-%d", t->iter, k);
        for (int i = 0; i < 2; i++)
            r[k][i] = (struct store_hl7_reading){.at = at, .code = i ? "spo2" : "hr",
                                                 .channel = i ? "spo2" : "ecg", .source = "x",
                                                 .instance = "", .device = "",
                                                 .value = i ? 97 : 70 + k,
                                                 .obx = (unsigned)i + 1, .alarm = 1,
                                                 .status = 'F'};
    }
    struct store_hl7_msg m[3];
    for (int k = 0; k < 3; k++)
        m[k] = (struct store_hl7_msg){.sender = "MON|BED2", .control_id = cid[k],
                                      .received_at = "2026-11-23T12:00:00Z",
                                      .groups = k == 2 ? &g_unknown : &g_known, .ngroups = 1,
                                      .readings = r[k], .n_readings = 2, .note = "",
                                      .pre_s = 3600, .post_s = 24 * 3600, .future_s = 120,
                                      .raw = "MSH|x"};
    int rc = store_hl7_ingest(t->w.st, &fx_who, m, 3, err);
    if (!rc) {
        assert_int_equal(m[0].outcome, STORE_HL7_STORED);
        assert_int_equal(m[1].outcome, STORE_HL7_STORED);
        assert_int_equal(m[2].outcome, STORE_HL7_REVIEW);
    }
    return rc;
}
/* -1: the batch's rows (filed readings, review rows, message log) vary with the schema */
static const char *const hl7_grows[] = {"hl7_messages", "vitals", "hl7_review", "hl7_readings",
                                        NULL};
static const int hl7_by[] = {-1, -1, -1, -1};

static int op_audit(struct torture *t, struct kc_error *err)
{
    char rid[32];
    snprintf(rid, sizeof rid, "%d", t->iter);
    return store_audit(t->w.st, &fx_who, "read", "Patient", rid, "success", "torture", err);
}
static const char *const none_grows[] = {NULL};

static int op_scale(struct torture *t, struct kc_error *err)
{
    static const int answers[9] = {1, 2, 0, 3, 1, 0, 2, 1, 0};
    int64_t id = 0;
    return store_scale_add(t->w.st, &fx_who, t->w.patient, t->w.session, "phq9",
                           "2026-11-23T12:00:00Z", answers, 9, 10, &id, err);
}
static const char *const scale_grows[] = {"scale_results", "scale_answers", NULL};
static const int scale_by[] = {1, 9};

static int op_login(struct torture *t, struct kc_error *err)
{
    return store_user_check_password(t->w.st, t->w.nurse, t->password, "127.0.0.1", err);
}

static int op_backup(struct torture *t, struct kc_error *err)
{
    snprintf(t->path, sizeof t->path, "%s/backup-%d.db", t->dir, t->iter);
    return store_backup(t->w.st, &fx_who, t->path, err);
}
static void backup_after(struct torture *t, int rc)
{
    struct stat sb;
    char journal[640];
    snprintf(journal, sizeof journal, "%s-journal", t->path);
    if (stat(journal, &sb) == 0) fail_msg("backup left a journal %s", journal);
    if (rc) {
        if (stat(t->path, &sb) == 0)
            fail_msg("a failed backup left a partial file %s (%lld bytes)", t->path,
                     (long long)sb.st_size);
        return;
    }
    assert_int_equal(stat(t->path, &sb), 0);
    assert_true(sb.st_size > 0);
    if (!fx_is_pg()) { /* a complete, sound copy, as a restore would need */
        sqlite3 *db = NULL;
        sqlite3_stmt *q = NULL;
        assert_int_equal(sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
        sqlite3_finalize(q);
        sqlite3_close(db);
    }
    unlink(t->path);
}

/* Migration: opening a new, empty database applies every migration in one transaction. */
static void migration_target(struct torture *t)
{
    if (!fx_is_pg()) {
        snprintf(t->path, sizeof t->path, "%s/mig-%d.db", t->dir, t->iter);
        return;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE SCHEMA tmig_%d", t->iter);
    fx_sql(t->w.st, sql);
    snprintf(t->path, sizeof t->path, "%s?options=-csearch_path%%3Dtmig_%d",
             getenv("KC_TEST_DB"), t->iter);
}
static int op_migrate(struct torture *t, struct kc_error *err)
{
    struct store *st = NULL;
    struct store_options o = {t->path, fx_key, 0};
    int rc = store_open(&o, &st, err);
    store_close(st);
    return rc;
}
static void migrate_after(struct torture *t, int rc)
{
    struct kc_error err = {0};
    if (rc) { /* nothing of the schema is there, and the next open migrates fully */
        struct store *st = NULL;
        struct store_options o = {t->path, fx_key, 1};
        assert_ok(store_open(&o, &st, &err), err);
        int cur = -1, known = 0;
        assert_ok(store_schema_version(st, &cur, &known, &err), err);
        if (cur != 0) fail_msg("a failed migration left schema version %d", cur);
        const char *q = fx_is_pg()
            ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
              "current_schema()"
            : "SELECT count(*) FROM sqlite_master";
        int64_t n = count_rows(st, q);
        if (n != 0) fail_msg("a failed migration left %" PRId64 " tables", n);
        store_close(st);
    }
    struct store *st = NULL;
    struct store_options o = {t->path, fx_key, 0};
    assert_ok(store_open(&o, &st, &err), err);
    int cur = -1, known = 0;
    assert_ok(store_schema_version(st, &cur, &known, &err), err);
    assert_int_equal(cur, known);
    assert_chains_intact(st);
    store_close(st);
    if (!fx_is_pg()) {
        char side[640];
        unlink(t->path);
        snprintf(side, sizeof side, "%s-wal", t->path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", t->path);
        unlink(side);
    }
}

static const struct op ops[] = {
    {"dose record + ledger entry", op_dose, dose_grows, dose_by, 1, 0, 0, 0, NULL},
    {"HL7 batch commit", op_hl7, hl7_grows, hl7_by, 3, 0, 0, 0, NULL},
    {"audit append", op_audit, none_grows, NULL, 1, 0, 0, 0, NULL},
    {"scale result", op_scale, scale_grows, scale_by, 1, 0, 0, 0, NULL},
    {"login", op_login, none_grows, NULL, 1, 0, 0, 0, NULL},
    {"backup", op_backup, none_grows, NULL, 1, 0, 0, 0, backup_after},
    {"migration", op_migrate, none_grows, NULL, 0, 0, 0, 1, migrate_after},
};

/* ---- the loop --------------------------------------------------------------------------------- */
static struct torture T;
static long runs_total;

static void check_rest_equal(const struct op *op, const struct snapshot *a,
                             const struct snapshot *b, int rc, long n, const char *kind)
{
    assert_int_equal(a->n, b->n);
    for (int i = 0; i < a->n; i++) {
        int64_t want = 0;
        int may_change = 0;
        for (int g = 0; !rc && op->grows[g]; g++)
            if (strcmp(op->grows[g], a->t[i].name) == 0) {
                want = op->by[g];
                may_change = 1;
            }
        if (!may_change && a->t[i].hash != b->t[i].hash)
            fail_msg("%s, %s fault at call %ld (%s): table %s changed (%" PRId64 " -> %" PRId64
                     " rows)", op->name, kind, n, rc ? "failed" : "succeeded", a->t[i].name,
                     a->t[i].rows, b->t[i].rows);
        if (want >= 0 && b->t[i].rows - a->t[i].rows != want)
            fail_msg("%s, %s fault at call %ld (%s): table %s gained %" PRId64 " rows, not %"
                     PRId64, op->name, kind, n, rc ? "failed" : "succeeded", a->t[i].name,
                     b->t[i].rows - a->t[i].rows, want);
    }
}

static void torture_one(const struct op *op, enum fault_kind kind)
{
    struct store *st = T.w.st;
    const char *kname = fault_kind_name[kind];
    long n = 1, failures = 0, runs = 0;
    int full = getenv("KC_TORTURE_FULL") && strcmp(getenv("KC_TORTURE_FULL"), "1") == 0;
    /* persistent runs are the second pass: a coarser sample past n = 60 */
    long dense = fault_state.persist ? 60 : 150, div = fault_state.persist ? 10 : 40;
    for (;; n += (full || n < dense) ? 1 : n / div) {
        struct snapshot before, after;
        struct kc_error err = {0};
        T.iter++;
        if (op->fresh_db) migration_target(&T);
        snapshot_take(st, &before);
        fault_arm(kind, n);
        int rc = op->run(&T, &err);
        int fired = fault_disarm();
        long calls = fault_state.calls;
        runs_total++;
        runs++;
        if (rc && getenv("KC_TORTURE_VERBOSE"))
            printf("  %s call %ld: %s %s\n", kname, n, kc_status_name(rc), err.msg);
        if (rc) {
            failures++;
            if (!fired)
                fail_msg("%s failed without an injected fault (%s call %ld): %s", op->name,
                         kname, n, err.msg);
            if ((rc != KC_ENOMEM && rc != KC_EIO) || !err.msg[0] ||
                (kind == FAULT_ALLOC && rc != KC_ENOMEM))
                fail_msg("%s, %s fault at call %ld: unclear error %s '%s'", op->name, kname, n,
                         kc_status_name(rc), err.msg);
        }
        if (st->in_tx) fail_msg("%s, %s fault at call %ld: transaction left open", op->name,
                                kname, n);
        snapshot_take(st, &after);
        if (!op->fresh_db) check_rest_equal(op, &before, &after, rc, n, kname);
        int64_t ok_entries = audit_since(st, before.audit_max, "success");
        int64_t want = rc ? 0 : op->audit_success;
        if (op->run == op_backup && rc) want = ok_entries; /* audited before the copy starts */
        if (ok_entries != want)
            fail_msg("%s, %s fault at call %ld (%s): %" PRId64 " success audit entries, not %"
                     PRId64, op->name, kname, n, rc ? "failed" : "succeeded", ok_entries, want);
        if (op->after) op->after(&T, rc);
        assert_chains_intact(st);
        if (!fired) break; /* the operation finished before the n-th call: all points tried */
        if (n > MAX_N) fail_msg("%s: more than %ld %s calls", op->name, MAX_N, kname);
        (void)calls;
    }
    if (__lsan_do_recoverable_leak_check())
        fail_msg("%s under %s faults leaked memory (see the report above)", op->name, kname);
    printf("ok    %-28s %-9s calls 1..%-5ld %5ld runs, %5ld failed cleanly\n", op->name,
           kname, n - 1, runs - 1, failures);
}

static void torture_all(void **state)
{
    (void)state;
    static const enum fault_kind lite[] = {FAULT_ALLOC, FAULT_WRITE, FAULT_SYNC};
    static const enum fault_kind pg[] = {FAULT_ALLOC, FAULT_EXEC, FAULT_COMMIT};
    const enum fault_kind *kinds = fx_is_pg() ? pg : lite;
    const char *only = getenv("KC_TORTURE_OP");
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (only && !strstr(ops[i].name, only)) continue;
        if ((ops[i].sqlite_only && fx_is_pg()) || (ops[i].pg_only && !fx_is_pg())) continue;
        for (int k = 0; k < 3; k++) torture_one(&ops[i], kinds[k]);
    }
    printf("%ld runs (%s)\n", runs_total, fault_state.persist ? "persistent" : "one fault each");
    runs_total = 0;
}

/* The same with every call failing from the n-th on (a disk that stays full, memory that does
 * not come back): the rollback and the failure's audit entry meet the fault too. */
static void torture_all_persistent(void **state)
{
    fault_state.persist = 1;
    torture_all(state);
    fault_state.persist = 0;
}

static int setup(void **state)
{
    (void)state;
    struct kc_error err = {0};
    make_world(&T.w, 1000000000);
    snprintf(T.dir, sizeof T.dir, "%s", fx_dir);
    snprintf(T.password, sizeof T.password, "torture-password-%d", (int)getpid());
    char name[64];
    snprintf(name, sizeof name, "%s", fx_uniq("login"));
    assert_ok(store_user_add(T.w.st, &fx_who, name, "nurse", "Login", T.password, NULL, &err),
              err);
    snprintf(T.w.nurse, sizeof T.w.nurse, "%s", name);
    struct store_patient p = {0};
    assert_ok(store_patient_get(T.w.st, &fx_who, T.w.patient, NULL, &p, &err), err);
    snprintf(T.mrn, sizeof T.mrn, "%s", p.mrn);
    assert_ok(store_session_set_status(T.w.st, &fx_who, T.w.session, STORE_SESSION_STARTED,
                                       "2026-11-23T09:00:00Z", &err),
              err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(T.w.st);
    return 0;
}

int main(void)
{
    if (fault_init() != 0) {
        fprintf(stderr, "cannot install the fault hooks\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(torture_all, setup, teardown),
        cmocka_unit_test_setup_teardown(torture_all_persistent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
