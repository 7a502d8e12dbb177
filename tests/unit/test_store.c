/* test_store.c — the store suite, run on SQLite (here, by default) and on a real PostgreSQL
 * (tests/store/test_store_backends.sh sets KC_TEST_DB): migrations, records and the errors that
 * name the field, transactions, the audit chain and its tamper detection, the ledger. */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fhir/fhir.h"
#include "store/schema.h"
#include "store_fixture.h"
#include "store_world.h"

static void migrations_applied_and_reported(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    int cur = -1, known = -1, applied = -1;
    assert_ok(store_schema_version(st, &cur, &known, &err), err);
    assert_int_equal(cur, known);
    assert_true(known >= 1);
    assert_ok(store_migrate(st, &applied, &err), err); /* again: nothing to do */
    assert_int_equal(applied, 0);
    store_close(st);
}

static void newer_schema_is_refused(void **state)
{
    (void)state;
    struct kc_error err = {0};
    const char *url = fx_new_url();
    struct store *st = fx_open_url(url, 0), *st2 = NULL;
    fx_sql(st, "INSERT INTO schema_version (version, name, applied_at) VALUES "
               "(9999, 'from the future', '2030-01-01T00:00:00.000Z')");
    struct store_options o = {url, fx_key, 0};
    assert_fails(store_open(&o, &st2, &err), KC_ECONFLICT, err, "schema version 9999");
    assert_null(st2);
    o.no_migrate = 1;
    assert_fails(store_open(&o, &st2, &err), KC_ECONFLICT, err, "newer ketaclinic");
    fx_sql(st, "DELETE FROM schema_version WHERE version = 9999");
    store_close(st);
    st = fx_open_url(url, 0); /* usable again */
    store_close(st);
}

static void failed_migration_changes_nothing(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    char sql[200];
    const char *table = fx_uniq("half");
    char tname[64];
    snprintf(tname, sizeof tname, "%s", table);
    for (char *p = tname; *p; p++)
        if (*p == '-') *p = '_';
    snprintf(sql, sizeof sql, "CREATE TABLE %s (x INTEGER); THIS IS NOT SQL;", tname);
    int known = store__migrations_known();
    const struct store_migration list[] = {{known + 1, "broken", sql, NULL, NULL}};
    int applied = -1, cur = 0, exists = 1;
    assert_int_not_equal(store__migrate_with(st, list, 1, &applied, &err), 0);
    assert_non_null(strstr(err.msg, "failed, nothing was changed"));
    assert_int_equal(applied, -1);
    assert_ok(store__schema_current(st, &cur, &err), err);
    assert_int_equal(cur, known);
    assert_ok(st->drv->table_exists(st, tname, &exists, &err), err);
    assert_int_equal(exists, 0);
    store_close(st);
}

static void patients_round_trip_and_errors_name_the_field(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    const char *mrn = fx_uniq("mrn");
    struct store_patient_new p = {.mrn = mrn, .family_name = "Rivera", .given_name = "Ana",
                                  .birth_date = "1975-02-28", .sex = "female",
                                  .phone = "+1 555 0100", .emergency_name = "Luis Rivera",
                                  .emergency_phone = "+1 555 0101"};
    int64_t id = 0;
    assert_ok(store_patient_add(st, &fx_who, &p, &id, &err), err);
    assert_true(id > 0);
    struct store_patient got;
    assert_ok(store_patient_get(st, &fx_who, 0, mrn, &got, &err), err);
    assert_int_equal(got.id, id);
    assert_string_equal(got.family_name, "Rivera");
    assert_string_equal(got.emergency_phone, "+1 555 0101");
    assert_ok(store_patient_get(st, &fx_who, id, NULL, &got, &err), err);
    assert_string_equal(got.mrn, mrn);

    assert_fails(store_patient_add(st, &fx_who, &p, NULL, &err), KC_ECONFLICT, err,
                 "patients.mrn");
    struct store_patient_new q = p;
    q.mrn = fx_uniq("mrn");
    q.sex = "f";
    assert_fails(store_patient_add(st, &fx_who, &q, NULL, &err), KC_EINVAL, err, "patients.sex");
    q.sex = "male";
    q.birth_date = "1975-02-30";
    assert_fails(store_patient_add(st, &fx_who, &q, NULL, &err), KC_EINVAL, err,
                 "patients.birth_date");
    q.birth_date = "1975-02-03";
    q.family_name = NULL;
    assert_fails(store_patient_add(st, &fx_who, &q, NULL, &err), KC_EINVAL, err,
                 "patients.family_name");
    q.family_name = "O'Brien; DROP TABLE patients; --"; /* bound, never spliced */
    assert_ok(store_patient_add(st, &fx_who, &q, NULL, &err), err);
    assert_fails(store_patient_get(st, &fx_who, 0, "no-such-mrn", &got, &err), KC_ENOTFOUND,
                 err, "no patient");

    double kg = 0;
    assert_fails(store_patient_weight_latest(st, &fx_who, id, &kg, &err), KC_ENOTFOUND, err,
                 "no recorded weight");
    assert_ok(store_patient_weight_add(st, &fx_who, id, "2026-01-01T10:00:00Z", 70.5, 172, &err),
              err);
    assert_ok(store_patient_weight_add(st, &fx_who, id, "2026-02-01T10:00:00Z", 68.25, 0, &err),
              err);
    assert_ok(store_patient_weight_latest(st, &fx_who, id, &kg, &err), err);
    assert_true(kg == 68.25);
    assert_fails(store_patient_weight_add(st, &fx_who, id, "2026-02-01T10:00:00Z", -3, 0, &err),
                 KC_EINVAL, err, "patient_weights.weight_kg");
    assert_fails(store_patient_weight_add(st, &fx_who, 999999, "2026-02-01T10:00:00Z", 60, 0,
                                          &err),
                 KC_ENOTFOUND, err, "no patient 999999");
    assert_fails(store_patient_weight_add(st, &fx_who, id, "yesterday", 60, 0, &err), KC_EINVAL,
                 err, "patient_weights.at");
    store_close(st);
}

static void sessions_move_only_forward(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct world w;
    make_world(&w, 0);
    struct store_session s;
    assert_fails(store_session_set_status(w.st, &fx_who, w.session, STORE_SESSION_ENDED,
                                          "2026-11-23T09:05:00Z", &err),
                 KC_ECONFLICT, err, "is planned");
    assert_ok(store_session_set_status(w.st, &fx_who, w.session, STORE_SESSION_STARTED,
                                       "2026-11-23T09:05:00Z", &err),
              err);
    assert_ok(store_session_set_status(w.st, &fx_who, w.session, STORE_SESSION_ENDED,
                                       "2026-11-23T10:00:00.5Z", &err),
              err);
    assert_ok(store_session_get(w.st, &fx_who, w.session, &s, &err), err);
    assert_int_equal(s.status, STORE_SESSION_ENDED);
    assert_string_equal(s.started_at, "2026-11-23T09:05:00.000Z");
    assert_string_equal(s.ended_at, "2026-11-23T10:00:00.500Z");
    assert_fails(store_session_set_status(w.st, &fx_who, w.session, STORE_SESSION_CANCELLED,
                                          "2026-11-23T10:01:00Z", &err),
                 KC_ECONFLICT, err, "cannot become cancelled");
    assert_fails(store_session_plan(w.st, &fx_who, 987654, "2026-11-23T09:00:00Z", NULL, NULL,
                                    NULL, &err),
                 KC_ENOTFOUND, err, "no patient 987654");
    store_close(w.st);
}

static void vitals_batches_are_atomic(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct world w;
    make_world(&w, 0);
    enum { N = 1000 };
    static struct store_vital v[N];
    static char at[N][32];
    static const char *const codes[] = {"hr", "spo2", "sbp", "dbp", "rr"};
    for (int i = 0; i < N; i++) {
        snprintf(at[i], sizeof at[i], "2026-11-23T09:%02d:%02dZ", (i / 5) / 60, (i / 5) % 60);
        v[i] = (struct store_vital){at[i], codes[i % 5], 60.0 + i % 40};
    }
    int64_t n = 0;
    assert_ok(store_vitals_add(w.st, &fx_who, w.session, v, N, &err), err);
    assert_ok(store_vitals_count(w.st, &fx_who, w.session, &n, &err), err);
    assert_int_equal(n, N);
    v[70].code = "pulse";
    assert_fails(store_vitals_add(w.st, &fx_who, w.session, v, N, &err), KC_EINVAL, err,
                 "vitals.code");
    assert_true(strstr(err.msg, "65-128") != NULL); /* the chunk holding observation 71 */
    v[70].code = "hr";
    v[999].at = "2026-11-23 09:00";
    assert_fails(store_vitals_add(w.st, &fx_who, w.session, v, N, &err), KC_EINVAL, err,
                 "observation 1000: vitals.at");
    v[999].at = at[999];
    assert_fails(store_vitals_add(w.st, &fx_who, w.session, v, STORE_VITALS_MAX + 1, &err),
                 KC_ELIMIT, err, "at most"); /* refused before any row is read */
    assert_fails(store_vitals_add(w.st, &fx_who, 424242, v, 3, &err), KC_ENOTFOUND, err,
                 "no session 424242");
    assert_ok(store_vitals_count(w.st, &fx_who, w.session, &n, &err), err);
    assert_int_equal(n, N);
    store_close(w.st);
}

static int collect(void *ctx, const struct store_audit_entry *e)
{
    struct store_audit_entry *last = ctx;
    *last = *e;
    return 0;
}

static void audit_records_who_what_outcome(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    struct store_patient got;
    struct store_audit_entry last = {0};
    const struct store_actor who = {"dr-x", "prescriber", "10.0.0.7"};
    assert_fails(store_patient_get(st, &who, 0, "absent-mrn", &got, &err), KC_ENOTFOUND, err,
                 "no patient");
    assert_ok(store_audit_list(st, 0, 0, collect, &last, &err), err);
    assert_string_equal(last.user, "dr-x");
    assert_string_equal(last.role, "prescriber");
    assert_string_equal(last.source, "10.0.0.7");
    assert_string_equal(last.action, "read");
    assert_string_equal(last.resource_type, "Patient");
    assert_string_equal(last.outcome, "failure");
    assert_true(strstr(last.detail, "no patient") != NULL);
    assert_int_equal(strlen(last.at), 24);
    assert_int_equal(last.at[23], 'Z');
    struct store_actor nobody = {NULL, "x", NULL};
    assert_fails(store_audit(st, &nobody, "read", "Patient", "1", "success", NULL, &err),
                 KC_EINVAL, err, "user");
    assert_chains_intact(st);
    store_close(st);
}

static void audit_log_refuses_update_and_delete(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct world w;
    make_world(&w, 1000);
    struct store *st = w.st;
    assert_fails(store__q(st, "UPDATE audit_log SET detail = 'x'", NULL, 0, NULL, NULL, &err),
                 KC_EDENIED, err, "append-only");
    assert_fails(store__q(st, "DELETE FROM audit_log", NULL, 0, NULL, NULL, &err), KC_EDENIED,
                 err, "append-only");
    assert_fails(store__q(st, "UPDATE ledger_entries SET qty_ug = 1", NULL, 0, NULL, NULL, &err),
                 KC_EDENIED, err, "append-only");
    store_close(st);
}

static int64_t audit_first_bad(struct store *st, char *reason, size_t n)
{
    struct kc_error err = {0};
    struct store_verify rep;
    assert_ok(store_audit_verify(st, &rep, &err), err);
    if (reason) snprintf(reason, n, "%s", rep.reason);
    return rep.first_bad_seq;
}

static void audit_verify_names_the_tampered_entry(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    for (int i = 0; i < 5; i++)
        assert_ok(store_audit(st, &fx_who, "read", "Patient", "7", "success", NULL, &err), err);
    int64_t head = count_rows(st, "SELECT max(seq) FROM audit_log");
    int64_t target = head - 2;
    char sql[200], reason[256];
    assert_int_equal(audit_first_bad(st, NULL, 0), 0);

    snprintf(sql, sizeof sql, "UPDATE audit_log SET user_name = 'mallory' WHERE seq = %" PRId64,
             target);
    tamper(st, "audit_log", sql);
    assert_int_equal(audit_first_bad(st, reason, sizeof reason), target);
    assert_non_null(strstr(reason, "does not match its hash"));
    snprintf(sql, sizeof sql, "UPDATE audit_log SET user_name = 'tester' WHERE seq = %" PRId64,
             target);
    tamper(st, "audit_log", sql);
    assert_int_equal(audit_first_bad(st, NULL, 0), 0);

    /* a deleted entry */
    fx_sql(st, "CREATE TABLE audit_saved AS SELECT * FROM audit_log");
    snprintf(sql, sizeof sql, "DELETE FROM audit_log WHERE seq = %" PRId64, target);
    tamper(st, "audit_log", sql);
    assert_int_equal(audit_first_bad(st, reason, sizeof reason), target);
    assert_non_null(strstr(reason, "missing"));
    /* the deleted tail: the chain head knows better */
    snprintf(sql, sizeof sql, "DELETE FROM audit_log WHERE seq >= %" PRId64, target);
    tamper(st, "audit_log", sql);
    assert_int_equal(audit_first_bad(st, reason, sizeof reason), target);
    snprintf(sql, sizeof sql, "INSERT INTO audit_log SELECT * FROM audit_saved WHERE seq >= %"
             PRId64, target);
    fx_sql(st, sql);
    fx_sql(st, "DROP TABLE audit_saved");
    assert_int_equal(audit_first_bad(st, NULL, 0), 0);

    /* the same log checked with another key fails at the first entry */
    char other[320];
    snprintf(other, sizeof other, "%s.other", fx_key);
    struct store_options o = {fx_is_pg() ? getenv("KC_TEST_DB") : fx_url, other, 0};
    struct store *st2 = NULL;
    struct store_verify rep;
    assert_ok(store_open(&o, &st2, &err), err);
    assert_ok(store_audit_verify(st2, &rep, &err), err);
    assert_int_equal(rep.first_bad_seq, 1);
    store_close(st2);
    store_close(st);
}

/* D4.2: an anchor kept off the machine catches a tail cut back together with the chain head. */
static void anchors_catch_a_rewritten_tail(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    struct store_verify rep;
    for (int i = 0; i < 4; i++)
        assert_ok(store_audit(st, &fx_who, "read", "Patient", "9", "success", NULL, &err), err);
    int64_t seq = 0;
    char hash[65], sql[400];
    assert_ok(store_chain_head(st, "audit", &seq, hash, &err), err);
    assert_ok(store_chain_check_anchor(st, "audit", seq, hash, &rep, &err), err);
    assert_int_equal(rep.first_bad_seq, 0);
    fx_sql(st, "CREATE TABLE audit_saved2 AS SELECT * FROM audit_log");
    snprintf(sql, sizeof sql, "DELETE FROM audit_log WHERE seq >= %" PRId64, seq - 1);
    tamper(st, "audit_log", sql);
    snprintf(sql, sizeof sql, "UPDATE chain_head SET seq = %" PRId64 ", hash = (SELECT hash FROM "
             "audit_log WHERE seq = %" PRId64 ") WHERE name = 'audit'", seq - 2, seq - 2);
    fx_sql(st, sql);
    assert_ok(store_audit_verify(st, &rep, &err), err);
    assert_int_equal(rep.first_bad_seq, 0); /* the chain alone cannot tell */
    assert_ok(store_chain_check_anchor(st, "audit", seq, hash, &rep, &err), err);
    assert_int_equal(rep.first_bad_seq, seq);
    assert_fails(store_chain_check_anchor(st, "audit", seq, "abc", &rep, &err), KC_EINVAL, err,
                 "64 hex");
    /* put history back for the suites that share this database */
    snprintf(sql, sizeof sql, "INSERT INTO audit_log SELECT * FROM audit_saved2 WHERE seq >= %"
             PRId64, seq - 1);
    fx_sql(st, sql);
    snprintf(sql, sizeof sql, "UPDATE chain_head SET seq = %" PRId64 ", hash = '%s' WHERE name = "
             "'audit'", seq, hash);
    fx_sql(st, sql);
    fx_sql(st, "DROP TABLE audit_saved2");
    assert_ok(store_audit_verify(st, &rep, &err), err);
    assert_int_equal(rep.first_bad_seq, 0);
    store_close(st);
}

static void users_and_passwords(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    const char *name = fx_uniq("dr");
    assert_fails(store_user_add(st, &fx_who, name, "prescriber", NULL, "short", NULL, &err),
                 KC_EINVAL, err, "password");
    assert_ok(store_user_add(st, &fx_who, name, "prescriber", "Dr Who", "correct horse battery",
                             NULL, &err),
              err);
    assert_fails(store_user_add(st, &fx_who, name, "nurse", NULL, NULL, NULL, &err),
                 KC_ECONFLICT, err, "users.name");
    assert_ok(store_user_check_password(st, name, "correct horse battery", "cli", &err), err);
    assert_fails(store_user_check_password(st, name, "wrong horse battery", "cli", &err),
                 KC_EDENIED, err, "wrong password");
    assert_fails(store_user_check_password(st, "nobody", "whatever", "cli", &err), KC_EDENIED,
                 err, "unknown user");
    struct store_user u;
    assert_ok(store_user_get(st, &fx_who, name, &u, &err), err);
    assert_string_equal(u.role, "prescriber");
    assert_int_equal(u.active, 1);
    struct store_audit_entry last = {0};
    assert_ok(store_audit_list(st, 0, 0, collect, &last, &err), err);
    assert_string_equal(last.action, "read");
    int64_t logins = count_rows(st, "SELECT count(*) FROM audit_log WHERE action = 'login' AND "
                                    "outcome = 'failure'");
    assert_true(logins >= 2);
    store_close(st);
}

static void scale_results_are_kept(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct world w;
    make_world(&w, 0);
    const int phq9[9] = {3, 2, 2, 1, 1, 2, 1, 0, 0};
    int64_t id = 0;
    assert_ok(store_scale_add(w.st, &fx_who, w.patient, w.session, "phq9", "2026-11-23T08:50:00Z",
                              phq9, 9, 12, &id, &err),
              err);
    struct sv a[] = {SV_I(id)};
    int64_t sum = 0;
    assert_ok(store__q_int(w.st, "SELECT sum(answer) FROM scale_answers WHERE result_id = ?", a,
                           1, &sum, &err),
              err);
    assert_int_equal(sum, 12);
    store_close(w.st);
}

/* Writes audit entries on its own connection until told to stop. */
struct busy {
    const char *url;
    int started, stop;
};

static void *busy_writer(void *p)
{
    struct busy *b = p;
    struct kc_error err = {0};
    struct store *st = NULL;
    struct store_options o = {b->url, fx_key, 0};
    if (store_open(&o, &st, &err)) return NULL;
    while (!__atomic_load_n(&b->stop, __ATOMIC_SEQ_CST)) {
        store_audit(st, &fx_who, "read", "Patient", "1", "success", NULL, &err);
        __atomic_store_n(&b->started, 1, __ATOMIC_SEQ_CST);
    }
    store_close(st);
    return NULL;
}

/* A new empty database beside the test one: a SQLite file, or a PostgreSQL database made with
 * CREATE DATABASE on the same server (name and URL in the buffers). */
static struct store *empty_database(struct store *admin, char *name, size_t nn, char *url,
                                    size_t nu)
{
    if (!fx_is_pg()) {
        snprintf(url, nu, "%s", fx_new_url());
        name[0] = '\0';
        return fx_open_url(url, 1);
    }
    const char *base = getenv("KC_TEST_DB");
    const char *slash = strrchr(base, '/');
    char sql[96];
    snprintf(name, nn, "restore_%d_%d", (int)getpid(), ++fx_n);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    fx_sql(admin, sql);
    snprintf(url, nu, "%.*s/%s", (int)(slash - base), base, name);
    return fx_open_url(url, 1);
}

static void backup_and_restore_round_trip(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct world w;
    make_world(&w, 1000);
    char path[400], name[64], url[600];
    snprintf(path, sizeof path, "%s/backup-%d.%s", fx_dir, fx_n, fx_is_pg() ? "dump" : "db");
    /* online: another connection keeps writing while the copy is made */
    struct busy b = {fx_is_pg() ? getenv("KC_TEST_DB") : fx_url, 0, 0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, busy_writer, &b), 0);
    while (!__atomic_load_n(&b.started, __ATOMIC_SEQ_CST)) usleep(1000);
    assert_ok(store_backup(w.st, &fx_who, path, &err), err);
    __atomic_store_n(&b.stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(th, NULL);
    assert_fails(store_backup(w.st, &fx_who, path, &err), KC_ECONFLICT, err, "already exists");
    struct store *dst = empty_database(w.st, name, sizeof name, url, sizeof url);
    assert_ok(store_restore(dst, &fx_who, path, &err), err);
    assert_chains_intact(dst);
    struct store_patient p;
    assert_ok(store_patient_get(dst, &fx_who, w.patient, NULL, &p, &err), err);
    assert_string_equal(p.family_name, "Doe");
    assert_fails(store_restore(dst, &fx_who, path, &err), KC_ECONFLICT, err, "not empty");
    store_close(dst);
    if (name[0]) {
        char sql[96];
        snprintf(sql, sizeof sql, "DROP DATABASE %s", name);
        fx_sql(w.st, sql);
    }
    store_close(w.st);
}

/* PostgreSQL: a connection the server dropped is re-established at the next transaction. */
static void lost_connection_is_reestablished(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    struct store *killer = fx_open_url(getenv("KC_TEST_DB"), 0);
    int64_t pid = 0;
    assert_ok(store__q_int(st, "SELECT pg_backend_pid()", NULL, 0, &pid, &err), err);
    struct sv a[] = {SV_I(pid)};
    int64_t done = 0;
    assert_ok(store__q_int(killer, "SELECT CASE WHEN pg_terminate_backend(CAST(? AS INTEGER)) "
                                   "THEN 1 ELSE 0 END", a, 1, &done, &err), err);
    assert_int_equal(done, 1);
    assert_ok(store_audit(st, &fx_who, "read", "Patient", "1", "success", NULL, &err), err);
    struct store_verify rep;
    assert_ok(store_audit_verify(st, &rep, &err), err);
    assert_int_equal(rep.first_bad_seq, 0);
    store_close(killer);
    store_close(st);
}

static size_t count_type(json_t *bundle, const char *type)
{
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(bundle, "entry"), i, e)
    {
        const char *t = json_string_value(json_object_get(json_object_get(e, "resource"),
                                                          "resourceType"));
        if (t && strcmp(t, type) == 0) n++;
    }
    return n;
}

/* FHIR forbids empty strings and dangling references inside a collection. */
static void assert_no_empty_strings(json_t *v)
{
    const char *k;
    json_t *c;
    size_t i;
    if (json_is_string(v)) assert_true(json_string_length(v) > 0);
    if (json_is_object(v)) json_object_foreach(v, k, c) assert_no_empty_strings(c);
    if (json_is_array(v)) json_array_foreach(v, i, c) assert_no_empty_strings(c);
}

static void fhir_bundle_holds_the_whole_record(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct world w;
    make_world(&w, 100000);
    struct store_dose_new d = {.session_id = w.session, .drug = "ketamine", .form = "salt",
                               .route = "iv", .lot = w.lot, .location = "safe-1",
                               .dose_ug = 35000, .conc_ug_per_ml = 10000, .volume_ul = 3500,
                               .started_at = "2026-11-23T09:10:00Z",
                               .ended_at = "2026-11-23T09:50:00Z", .given_by = w.nurse};
    assert_ok(store_dose_record(w.st, &fx_who, &d, NULL, NULL, &err), err);
    const struct store_vital v[] = {{"2026-11-23T09:10:00Z", "hr", 72},
                                    {"2026-11-23T09:10:00Z", "spo2", 98},
                                    {"2026-11-23T09:10:00Z", "map", 90}};
    assert_ok(store_vitals_add(w.st, &fx_who, w.session, v, 3, &err), err);
    const int phq9[9] = {3, 2, 2, 1, 1, 2, 1, 0, 0};
    assert_ok(store_scale_add(w.st, &fx_who, w.patient, w.session, "phq9",
                              "2026-11-23T08:50:00Z", phq9, 9, 12, NULL, &err),
              err);
    assert_ok(store_patient_weight_add(w.st, &fx_who, w.patient, "2026-11-23T08:40:00Z", 70, 170,
                                       &err),
              err);
    json_t *b = NULL;
    assert_ok(fhir_export_patient(w.st, &fx_who, w.patient, &b, &err), err);
    assert_string_equal(json_string_value(json_object_get(b, "resourceType")), "Bundle");
    assert_string_equal(json_string_value(json_object_get(b, "type")), "collection");
    assert_int_equal(count_type(b, "Patient"), 1);
    assert_int_equal(count_type(b, "Encounter"), 1);
    assert_int_equal(count_type(b, "MedicationAdministration"), 1);
    assert_int_equal(count_type(b, "Observation"), 3 + 1 + 1); /* vitals, PHQ-9, weight */
    assert_no_empty_strings(b);
    const char *dump = getenv("KC_FHIR_OUT"); /* for tests/store/test_fhir_export.mjs */
    if (dump) assert_int_equal(json_dump_file(b, dump, JSON_INDENT(1)), 0);
    char *text = json_dumps(b, JSON_COMPACT);
    assert_non_null(strstr(text, "\"8867-4\""));   /* heart rate, LOINC */
    assert_non_null(strstr(text, "\"44261-6\""));  /* PHQ-9 total, LOINC */
    assert_non_null(strstr(text, "\"value\":35.0")); /* 35 mg */
    /* every reference points at an entry of the Bundle */
    json_t *e, *patient_url = json_object_get(json_array_get(json_object_get(b, "entry"), 0),
                                             "fullUrl");
    size_t i;
    json_array_foreach(json_object_get(b, "entry"), i, e)
    {
        json_t *subj = json_object_get(json_object_get(e, "resource"), "subject");
        if (subj) assert_true(json_equal(json_object_get(subj, "reference"), patient_url));
    }
    free(text);
    json_decref(b);
    assert_fails(fhir_export_patient(w.st, &fx_who, 9999999, &b, &err), KC_ENOTFOUND, err,
                 "no patient");
    store_close(w.st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(migrations_applied_and_reported),
        cmocka_unit_test(newer_schema_is_refused),
        cmocka_unit_test(failed_migration_changes_nothing),
        cmocka_unit_test(patients_round_trip_and_errors_name_the_field),
        cmocka_unit_test(sessions_move_only_forward),
        cmocka_unit_test(vitals_batches_are_atomic),
        cmocka_unit_test(audit_records_who_what_outcome),
        cmocka_unit_test(audit_log_refuses_update_and_delete),
        cmocka_unit_test(audit_verify_names_the_tampered_entry),
        cmocka_unit_test(anchors_catch_a_rewritten_tail),
        cmocka_unit_test(users_and_passwords),
        cmocka_unit_test(scale_results_are_kept),
        cmocka_unit_test(backup_and_restore_round_trip),
        cmocka_unit_test(fhir_bundle_holds_the_whole_record),
    };
    /* SQLite has no connection to lose: this one runs on PostgreSQL only */
    const struct CMUnitTest pg_only[] = {
        cmocka_unit_test(lost_connection_is_reestablished),
    };
    if (!fx_is_pg()) return cmocka_run_group_tests_name("store (sqlite)", tests, NULL, NULL);
    return cmocka_run_group_tests_name("store (postgres)", tests, NULL, NULL) +
           cmocka_run_group_tests_name("store (postgres only)", pg_only, NULL, NULL);
}
