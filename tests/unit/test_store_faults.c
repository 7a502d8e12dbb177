/* test_store_faults.c — the store under faults: a writer killed with SIGKILL in the middle of a
 * burst, again and again, loses no write it reported as committed and leaves a consistent
 * database (SQLite here; PostgreSQL too through tests/store/test_store_backends.sh); a full
 * SQLite database (max_page_count) and a read-only one give clear errors and change nothing. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/wait.h>

#include "store_fixture.h"

#define BATCH 100

static int64_t count_rows(struct store *st, const char *sql)
{
    struct kc_error err = {0};
    int64_t n = -1;
    assert_ok(store__q_int(st, sql, NULL, 0, &n, &err), err);
    return n;
}

static int text_row(void *ctx, const struct srow *r)
{
    store__copy(r, 0, ctx, 64);
    return 0;
}

static void assert_consistent(struct store *st)
{
    struct kc_error err = {0};
    char ok[64] = "";
    if (!fx_is_pg()) {
        assert_ok(store__q(st, "PRAGMA integrity_check", NULL, 0, text_row, ok, &err), err);
        assert_string_equal(ok, "ok");
    }
    struct store_verify rep;
    assert_ok(store_audit_verify(st, &rep, &err), err);
    if (rep.first_bad_seq) fail_msg("audit chain bad at %" PRId64 ": %s", rep.first_bad_seq,
                                    rep.reason);
    assert_ok(store_ledger_verify(st, &rep, &err), err);
    if (rep.first_bad_seq) fail_msg("ledger bad at %" PRId64 ": %s", rep.first_bad_seq,
                                    rep.reason);
}

/* The child: writes until killed; after each commit returns, reports it on fd. */
static void writer(const char *url, int64_t session, int round, int fd)
{
    struct kc_error err = {0};
    struct store *st = NULL;
    struct store_options o = {url, fx_key, 0};
    static struct store_vital v[BATCH];
    char line[96], mrn[32];
    if (store_open(&o, &st, &err)) _exit(3);
    for (int i = 0; i < BATCH; i++) v[i] = (struct store_vital){"2026-11-23T10:00:00Z", "hr", 70};
    for (int k = 0; k < 100000; k++) {
        int64_t id = 0;
        snprintf(mrn, sizeof mrn, "K-%d-%d", round, k);
        struct store_patient_new p = {.mrn = mrn, .family_name = "Kill", .birth_date = "1990-01-01",
                                      .sex = "unknown"};
        if (store_patient_add(st, &fx_who, &p, &id, &err)) _exit(4);
        int n = snprintf(line, sizeof line, "P %s\n", mrn);
        if (write(fd, line, (size_t)n) != n) _exit(5);
        if (store_vitals_add(st, &fx_who, session, v, BATCH, &err)) _exit(6);
        if (write(fd, "V\n", 2) != 2) _exit(5);
    }
    _exit(0);
}

static void killed_writer_loses_no_committed_write(void **state)
{
    (void)state;
    struct kc_error err = {0};
    const char *url = fx_new_url();
    char urlcopy[512];
    snprintf(urlcopy, sizeof urlcopy, "%s", url);
    struct store *st = fx_open_url(urlcopy, 0);
    struct store_patient_new p = {.mrn = "K-session", .family_name = "Kill",
                                  .birth_date = "1990-01-01", .sex = "unknown"};
    int64_t pid_ = 0, session = 0;
    assert_ok(store_patient_add(st, &fx_who, &p, &pid_, &err), err);
    assert_ok(store_session_plan(st, &fx_who, pid_, "2026-11-23T10:00:00Z", NULL, NULL, &session,
                                 &err),
              err);
    store_close(st);

    enum { ROUNDS = 12, MAX_MRNS = 20000 };
    static char mrns[MAX_MRNS][32];
    int nmrn = 0, vbatches = 0;
    for (int round = 0; round < ROUNDS; round++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        fflush(NULL);
        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
            close(fds[0]);
            writer(urlcopy, session, round, fds[1]);
        }
        close(fds[1]);
        FILE *in = fdopen(fds[0], "r");
        char line[96];
        int kill_after = 3 + (round * 7) % 25, seen = 0;
        while (fgets(line, sizeof line, in)) {
            if (line[0] == 'P' && nmrn < MAX_MRNS) {
                line[strcspn(line, "\n")] = '\0';
                snprintf(mrns[nmrn++], sizeof mrns[0], "%.31s", line + 2);
            } else if (line[0] == 'V') {
                vbatches++;
            }
            if (++seen == kill_after) kill(child, SIGKILL); /* mid-burst: the next write is on */
        }
        fclose(in);
        int status = 0;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
            fail_msg("round %d: writer ended with status %d before it was killed", round, status);
    }

    st = fx_open_url(urlcopy, 0);
    assert_consistent(st);
    for (int i = 0; i < nmrn; i++) {
        struct sv a[] = {SV_T(mrns[i])};
        int64_t n = 0;
        assert_ok(store__q_int(st, "SELECT count(*) FROM patients WHERE mrn = ?", a, 1, &n, &err),
                  err);
        if (n != 1) fail_msg("committed patient %s is lost", mrns[i]);
    }
    /* batches are whole: a multiple of BATCH, and at most one more than reported (a commit that
     * returned just before the kill, unreported) */
    int64_t rows = count_rows(st, "SELECT count(*) FROM vitals");
    assert_int_equal(rows % BATCH, 0);
    assert_true(rows / BATCH >= vbatches && rows / BATCH <= vbatches + ROUNDS);
    int64_t patients = count_rows(st, "SELECT count(*) FROM patients WHERE mrn LIKE 'K-%-%'");
    assert_true(patients >= nmrn && patients <= nmrn + ROUNDS);
    print_message("kill test: %d rounds, %d patients and %d vital batches reported, all found\n",
                  ROUNDS, nmrn, vbatches);
    store_close(st);
}

static void full_database_gives_a_clear_error(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    struct store_patient_new p = {.mrn = "F-1", .family_name = "Full", .birth_date = "1990-01-01",
                                  .sex = "unknown"};
    int64_t id = 0, session = 0;
    assert_ok(store_patient_add(st, &fx_who, &p, &id, &err), err);
    assert_ok(store_session_plan(st, &fx_who, id, "2026-11-23T10:00:00Z", NULL, NULL, &session,
                                 &err),
              err);
    int64_t pages = count_rows(st, "PRAGMA page_count");
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %" PRId64, pages + 8);
    fx_sql(st, sql);
    static struct store_vital v[BATCH];
    for (int i = 0; i < BATCH; i++) v[i] = (struct store_vital){"2026-11-23T10:00:00Z", "spo2", 97};
    int ok_batches = 0, rc = 0;
    for (int i = 0; i < 1000 && rc == 0; i++) {
        rc = store_vitals_add(st, &fx_who, session, v, BATCH, &err);
        if (!rc) ok_batches++;
    }
    assert_int_equal(rc, KC_EIO);
    assert_non_null(strstr(err.msg, "full"));
    assert_non_null(strstr(err.msg, "nothing was written"));
    assert_true(ok_batches > 0);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM vitals"), (int64_t)ok_batches * BATCH);
    assert_consistent(st);
    fx_sql(st, "PRAGMA max_page_count = 1073741823");
    assert_ok(store_vitals_add(st, &fx_who, session, v, BATCH, &err), err);
    store_close(st);
}

static void read_only_database_gives_a_clear_error(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    struct store_patient_new p = {.mrn = "R-1", .family_name = "Ro", .birth_date = "1990-01-01",
                                  .sex = "unknown"};
    assert_ok(store_patient_add(st, &fx_who, &p, NULL, &err), err);
    int64_t before = count_rows(st, "SELECT count(*) FROM audit_log");
    store_close(st);
    char ro[600];
    snprintf(ro, sizeof ro, "file:%s?mode=ro", fx_url);
    st = fx_open_url(ro, 0);
    p.mrn = "R-2";
    assert_fails(store_patient_add(st, &fx_who, &p, NULL, &err), KC_EIO, err, "read-only");
    assert_int_equal(count_rows(st, "SELECT count(*) FROM audit_log"), before);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM patients"), 1);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(killed_writer_loses_no_committed_write),
        cmocka_unit_test(full_database_gives_a_clear_error),
        cmocka_unit_test(read_only_database_gives_a_clear_error),
    };
    /* on PostgreSQL the kill test only: page limits and file modes are SQLite's */
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test(killed_writer_loses_no_committed_write),
    };
    if (fx_is_pg()) return cmocka_run_group_tests_name("store faults (postgres)", pg_tests, NULL,
                                                       NULL);
    return cmocka_run_group_tests_name("store faults (sqlite)", tests, NULL, NULL);
}
