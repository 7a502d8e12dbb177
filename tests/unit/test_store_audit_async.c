/* test_store_audit_async.c — deferred read audit (store_audit_defer / flush / submit) and the
 * audit writer thread that the server uses: a deferred read writes nothing until flushed; every
 * submitted entry is committed exactly once, in chain order, before its callback runs; a writer
 * that cannot write fails every submission with a clear message; stopping the writer drains it.
 * SQLite here, PostgreSQL through tests/store/test_store_backends.sh. */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"

static int64_t count_rows(struct store *st, const char *sql)
{
    struct kc_error err = {0};
    int64_t n = -1;
    assert_ok(store__q_int(st, sql, NULL, 0, &n, &err), err);
    return n;
}

static void assert_chain_intact(struct store *st)
{
    struct kc_error err = {0};
    struct store_verify rep;
    assert_ok(store_audit_verify(st, &rep, &err), err);
    if (rep.first_bad_seq) fail_msg("audit chain bad at %" PRId64 ": %s", rep.first_bad_seq,
                                    rep.reason);
}

static int64_t add_patient(struct store *st)
{
    struct kc_error err = {0};
    struct store_patient_new p = {.mrn = fx_uniq("AA"), .family_name = "Async",
                                  .birth_date = "1980-02-03", .sex = "female"};
    int64_t id = 0;
    assert_ok(store_patient_add(st, &fx_who, &p, &id, &err), err);
    return id;
}

static void deferred_reads_wait_for_flush(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    int64_t id = add_patient(st);
    int64_t before = count_rows(st, "SELECT count(*) FROM audit_log");

    store_audit_defer(st, 1);
    struct store_patient out;
    assert_ok(store_patient_get(st, &fx_who, id, NULL, &out, &err), err);
    assert_string_equal(out.family_name, "Async");
    assert_fails(store_patient_get(st, &fx_who, id + 1000, NULL, &out, &err), KC_ENOTFOUND, err,
                 "no patient");
    store_audit_defer(st, 0);
    assert_int_equal(store_audit_pending(st), 2);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM audit_log"), before); /* not yet */

    assert_ok(store_audit_flush(st, &err), err);
    assert_int_equal(store_audit_pending(st), 0);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM audit_log"), before + 2);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE seq > %" PRId64
             " AND action = 'read' AND outcome = 'success'", before);
    assert_int_equal(count_rows(st, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE seq > %" PRId64
             " AND action = 'read' AND outcome = 'failure'", before);
    assert_int_equal(count_rows(st, sql), 1);
    assert_ok(store_audit_flush(st, &err), err); /* nothing queued: nothing written */
    assert_int_equal(count_rows(st, "SELECT count(*) FROM audit_log"), before + 2);

    /* Deferral off: a read is audited before it returns, as always. */
    assert_ok(store_patient_get(st, &fx_who, id, NULL, &out, &err), err);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM audit_log"), before + 3);
    assert_chain_intact(st);

    /* Entries still deferred when the connection closes are dropped, not leaked (ASan). */
    store_audit_defer(st, 1);
    assert_ok(store_patient_get(st, &fx_who, id, NULL, &out, &err), err);
    store_close(st);
}

#define THREADS 4
#define READS 150

struct done_log {
    atomic_int calls, failures;
    char last_msg[600];
    pthread_mutex_t mu;
};

static void on_done(void *arg, int rc, const char *msg)
{
    struct done_log *d = arg;
    if (rc) {
        pthread_mutex_lock(&d->mu);
        snprintf(d->last_msg, sizeof d->last_msg, "%s", msg);
        pthread_mutex_unlock(&d->mu);
        atomic_fetch_add(&d->failures, 1);
    }
    atomic_fetch_add(&d->calls, 1);
}

struct reader_arg {
    const char *url;
    int64_t patient;
    struct store_audit_writer *w;
    struct done_log *log;
    int per_request; /* reads per submission */
};

static void *reader(void *p)
{
    struct reader_arg *a = p;
    struct kc_error err = {0};
    struct store *st = NULL;
    struct store_options o = {a->url, fx_key, 0};
    if (store_open(&o, &st, &err)) return "open failed";
    for (int i = 0; i < READS; i++) {
        store_audit_defer(st, 1);
        for (int k = 0; k < a->per_request; k++) {
            struct store_patient out;
            if (store_patient_get(st, &fx_who, a->patient, NULL, &out, &err)) {
                store_close(st);
                return "read failed";
            }
        }
        store_audit_defer(st, 0);
        store_audit_submit(a->w, st, on_done, a->log);
    }
    store_close(st);
    return NULL;
}

static void writer_commits_every_submission_once(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    char url[600];
    snprintf(url, sizeof url, "%s", fx_is_pg() ? getenv("KC_TEST_DB") : fx_url);
    int64_t id = add_patient(st);
    int64_t before = count_rows(st, "SELECT count(*) FROM audit_log");

    struct store *wst = fx_open_url(url, 0);
    struct store_audit_writer *w = NULL;
    assert_ok(store_audit_writer_start(wst, &w, &err), err);
    static struct done_log log;
    pthread_mutex_init(&log.mu, NULL);
    pthread_t th[THREADS];
    struct reader_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (struct reader_arg){url, id, w, &log, 1 + i % 2};
        assert_int_equal(pthread_create(&th[i], NULL, reader, &args[i]), 0);
    }
    int expected_entries = 0;
    for (int i = 0; i < THREADS; i++) {
        void *res = NULL;
        pthread_join(th[i], &res);
        if (res) fail_msg("reader %d: %s", i, (const char *)res);
        expected_entries += READS * args[i].per_request;
    }
    /* The submitting threads are done; stopping drains what is still queued. */
    store_audit_writer_stop(w);
    assert_int_equal(atomic_load(&log.calls), THREADS * READS);
    assert_int_equal(atomic_load(&log.failures), 0);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM audit_log"), before + expected_entries);
    assert_chain_intact(st);

    /* After stop (a server shutting down still gets requests on open connections): the
     * submitting thread commits the entries itself before submit returns. */
    int calls = atomic_load(&log.calls);
    store_audit_defer(st, 1);
    struct store_patient out;
    assert_ok(store_patient_get(st, &fx_who, id, NULL, &out, &err), err);
    store_audit_defer(st, 0);
    store_audit_submit(w, st, on_done, &log);
    assert_int_equal(atomic_load(&log.calls), calls + 1);
    assert_int_equal(atomic_load(&log.failures), 0);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM audit_log"), before + expected_entries + 1);
    store_audit_writer_free(w);

    /* Nothing queued: the callback runs at once, nothing is written. */
    assert_ok(store_audit_writer_start(wst, &w, &err), err);
    calls = atomic_load(&log.calls);
    store_audit_submit(w, st, on_done, &log);
    assert_int_equal(atomic_load(&log.calls), calls + 1);
    store_audit_writer_free(w);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM audit_log"), before + expected_entries + 1);
    store_close(wst);
    store_close(st);
    pthread_mutex_destroy(&log.mu);
}

static void writer_that_cannot_write_fails_every_submission(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    int64_t id = add_patient(st);
    int64_t before = count_rows(st, "SELECT count(*) FROM audit_log");
    /* the writer's connection cannot write: SQLite opened read-only, PostgreSQL in read-only
     * transactions */
    struct store *wst;
    if (fx_is_pg()) {
        wst = fx_open_url(getenv("KC_TEST_DB"), 0);
        fx_sql(wst, "SET default_transaction_read_only = on");
    } else {
        char ro[600];
        snprintf(ro, sizeof ro, "file:%s?mode=ro", fx_url);
        wst = fx_open_url(ro, 0);
    }
    struct store_audit_writer *w = NULL;
    assert_ok(store_audit_writer_start(wst, &w, &err), err);
    static struct done_log log;
    pthread_mutex_init(&log.mu, NULL);
    for (int i = 0; i < 20; i++) {
        store_audit_defer(st, 1);
        struct store_patient out;
        assert_ok(store_patient_get(st, &fx_who, id, NULL, &out, &err), err);
        store_audit_defer(st, 0);
        store_audit_submit(w, st, on_done, &log);
    }
    store_audit_writer_free(w);
    assert_int_equal(atomic_load(&log.calls), 20);
    assert_int_equal(atomic_load(&log.failures), 20);
    assert_non_null(strstr(log.last_msg, "could not be written"));
    assert_non_null(strstr(log.last_msg, "read-only"));
    assert_int_equal(count_rows(st, "SELECT count(*) FROM audit_log"), before);
    assert_chain_intact(st);
    store_close(wst);
    store_close(st);
    pthread_mutex_destroy(&log.mu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deferred_reads_wait_for_flush),
        cmocka_unit_test(writer_commits_every_submission_once),
        cmocka_unit_test(writer_that_cannot_write_fails_every_submission),
    };
    return cmocka_run_group_tests_name(fx_is_pg() ? "store audit async (postgres)"
                                                  : "store audit async (sqlite)",
                                       tests, NULL, NULL);
}
