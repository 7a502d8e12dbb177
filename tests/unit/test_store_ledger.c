/* test_store_ledger.c — the ledger through the store, on SQLite and (via
 * tests/store/test_store_backends.sh) PostgreSQL: a dose and its ledger entry commit together,
 * waste/transfer/count/discrepancy rules, random histories, concurrent handles on both chains. */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"
#include "store_world.h"

static void dose_and_ledger_commit_together(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct world w;
    make_world(&w, 100000); /* 100 mg */
    struct store_dose_new d = {.session_id = w.session, .drug = "ketamine", .form = "salt",
                               .route = "iv", .lot = w.lot, .location = "safe-1",
                               .dose_ug = 35000, .conc_ug_per_ml = 10000, .volume_ul = 3500,
                               .started_at = "2026-11-23T09:10:00Z",
                               .ended_at = "2026-11-23T09:50:00Z", .given_by = w.nurse};
    int64_t dose = 0, seq = 0;
    int64_t doses0 = count_rows(w.st, "SELECT count(*) FROM doses");
    int64_t ledger0 = count_rows(w.st, "SELECT count(*) FROM ledger_entries");
    assert_ok(store_dose_record(w.st, &fx_who, &d, &dose, &seq, &err), err);
    assert_true(dose > 0 && seq > 0);
    assert_ok(store_dose_rate_change(w.st, &fx_who, dose, "2026-11-23T09:20:00Z", 12.5, &err),
              err);
    /* charting the same administration again is refused */
    assert_fails(store_dose_record(w.st, &fx_who, &d, NULL, NULL, &err), KC_ECONFLICT, err,
                 "already charted");
    /* a second bolus, 70 mg, more than the 65 mg left: refused, and neither row is written */
    d.started_at = "2026-11-23T09:55:00Z";
    d.ended_at = NULL;
    d.dose_ug = 70000;
    assert_fails(store_dose_record(w.st, &fx_who, &d, NULL, NULL, &err), KC_ERANGE, err,
                 "never go negative");
    /* an unknown nurse: the dose insert fails, so no ledger entry either */
    d.dose_ug = 1000;
    d.given_by = "nobody-here";
    assert_fails(store_dose_record(w.st, &fx_who, &d, NULL, NULL, &err), KC_EINVAL, err,
                 "doses.given_by");
    d.given_by = w.nurse;
    d.route = "rectal";
    assert_fails(store_dose_record(w.st, &fx_who, &d, NULL, NULL, &err), KC_EINVAL, err,
                 "doses.route");
    assert_int_equal(count_rows(w.st, "SELECT count(*) FROM doses"), doses0 + 1);
    assert_int_equal(count_rows(w.st, "SELECT count(*) FROM ledger_entries"), ledger0 + 1);
    assert_chains_intact(w.st);
    store_close(w.st);
}

static int sum_balances(void *ctx, const struct store_ledger_balance *b)
{
    int64_t *acc = ctx;
    acc[0] += b->balance_ug;
    acc[1] += b->open_discrepancies;
    return 0;
}

static void ledger_events_and_discrepancies(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct world w;
    make_world(&w, 500000); /* 500 mg in safe-1 */
    struct ledger_event ev = {.kind = LEDGER_WASTE, .drug = "ketamine", .lot = w.lot,
                              .location = "safe-1", .qty_ug = 5000, .user = w.nurse};
    assert_fails(store_ledger_record(w.st, &fx_who, &ev, NULL, NULL, &err), KC_EINVAL, err,
                 "witness");
    ev.witness = w.nurse;
    assert_fails(store_ledger_record(w.st, &fx_who, &ev, NULL, NULL, &err), KC_EINVAL, err,
                 "second staff member");
    ev.witness = "ghost";
    assert_fails(store_ledger_record(w.st, &fx_who, &ev, NULL, NULL, &err), KC_EINVAL, err,
                 "witness: no active staff user 'ghost'");
    ev.witness = w.witness;
    assert_ok(store_ledger_record(w.st, &fx_who, &ev, NULL, NULL, &err), err);

    struct ledger_event tr = {.kind = LEDGER_TRANSFER, .drug = "ketamine", .lot = w.lot,
                              .location = "safe-1", .to_location = "cart-3", .qty_ug = 100000,
                              .user = w.nurse};
    assert_ok(store_ledger_record(w.st, &fx_who, &tr, NULL, NULL, &err), err);
    tr.qty_ug = 400000; /* 395 mg left in safe-1 */
    assert_fails(store_ledger_record(w.st, &fx_who, &tr, NULL, NULL, &err), KC_ERANGE, err,
                 "never go negative");

    struct ledger_event cnt = {.kind = LEDGER_COUNT, .drug = "ketamine", .lot = w.lot,
                               .location = "cart-3", .qty_ug = 100000, .user = w.witness};
    int64_t disc = -1, seq = 0;
    assert_ok(store_ledger_record(w.st, &fx_who, &cnt, &seq, &disc, &err), err);
    assert_int_equal(disc, 0); /* agrees */
    cnt.qty_ug = 98000;
    assert_ok(store_ledger_record(w.st, &fx_who, &cnt, &seq, &disc, &err), err);
    assert_true(disc > 0);
    int64_t acc[2] = {0, 0};
    assert_ok(store_ledger_balances(w.st, "ketamine", sum_balances, acc, &err), err);
    assert_true(acc[1] >= 1);
    assert_fails(store_ledger_resolve(w.st, &fx_who, disc, "", NULL, &err), KC_EINVAL, err,
                 "reason");
    int64_t rseq = 0;
    const struct store_actor nurse = {w.nurse, "nurse", "unit-test"};
    assert_fails(store_ledger_resolve(w.st, &fx_who, disc, "no staff user", NULL, &err),
                 KC_EINVAL, err, "no active staff user");
    assert_ok(store_ledger_resolve(w.st, &nurse, disc, "2 mg spilled, documented", &rseq, &err),
              err);
    assert_true(rseq > seq);
    assert_fails(store_ledger_resolve(w.st, &fx_who, disc, "again", NULL, &err), KC_ECONFLICT,
                 err, "already resolved");
    /* safe-1: 500 - 5 - 100 = 395 mg; cart-3: 100 - 2 = 98 mg */
    struct sv a[] = {SV_T(w.lot), SV_T("cart-3")};
    int64_t cart = -1;
    assert_ok(store__q_int(w.st, "SELECT balance_ug FROM ledger_balances WHERE lot = ? AND "
                                 "location = ?", a, 2, &cart, &err), err);
    assert_int_equal(cart, 98000);
    a[1] = SV_T("safe-1");
    assert_ok(store__q_int(w.st, "SELECT balance_ug FROM ledger_balances WHERE lot = ? AND "
                                 "location = ?", a, 2, &cart, &err), err);
    assert_int_equal(cart, 395000);
    struct ledger_event bad = {.kind = LEDGER_RECEIPT, .drug = "midazolam", .lot = "m1",
                               .location = "safe-1", .qty_ug = 1, .supplier = "x",
                               .user = w.nurse};
    assert_fails(store_ledger_record(w.st, &fx_who, &bad, NULL, NULL, &err), KC_EINVAL, err,
                 "midazolam");
    assert_chains_intact(w.st);

    /* tampering with a ledger amount is caught at that entry */
    char sql[200];
    struct store_verify rep;
    snprintf(sql, sizeof sql, "UPDATE ledger_entries SET qty_ug = 1 WHERE seq = %" PRId64, seq);
    tamper(w.st, "ledger_entries", sql);
    assert_ok(store_ledger_verify(w.st, &rep, &err), err);
    assert_int_equal(rep.first_bad_seq, seq);
    snprintf(sql, sizeof sql, "UPDATE ledger_entries SET qty_ug = 98000 WHERE seq = %" PRId64,
             seq);
    tamper(w.st, "ledger_entries", sql);
    /* and a balance edited behind the ledger's back */
    fx_sql(w.st, "UPDATE ledger_balances SET balance_ug = balance_ug + 1000 WHERE location = "
                 "'cart-3'");
    assert_ok(store_ledger_verify(w.st, &rep, &err), err);
    assert_true(rep.first_bad_seq > 0);
    assert_non_null(strstr(rep.reason, "balance table"));
    fx_sql(w.st, "UPDATE ledger_balances SET balance_ug = balance_ug - 1000 WHERE location = "
                 "'cart-3'");
    assert_chains_intact(w.st);
    store_close(w.st);
}

/* Property: a random history through the store keeps every balance >= 0, refuses exactly the
 * movements that would go below zero (writing nothing for them), and verifies afterwards. */
static void random_ledger_history_verifies(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct world w;
    make_world(&w, 0);
    static const char *const locs[] = {"safe-1", "cart-1", "cart-2"};
    int64_t bal[3] = {0, 0, 0};
    uint64_t s = 0x2545F4914F6CDD1DULL;
    int refused = 0;
    for (int step = 0; step < 150; step++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        int li = (int)(s % 3), ti = (li + 1 + (int)((s >> 8) % 2)) % 3;
        int kind = (int)((s >> 16) % 5); /* receipt, waste, transfer, adjust, count */
        int64_t q = (int64_t)((s >> 24) % 50000) + 1;
        struct ledger_event ev = {.drug = "ketamine", .lot = w.lot, .location = locs[li],
                                  .to_location = locs[ti], .qty_ug = q, .user = w.nurse,
                                  .witness = w.witness, .supplier = "Acme",
                                  .reason = "correction"};
        static const enum ledger_kind kinds[] = {LEDGER_RECEIPT, LEDGER_WASTE, LEDGER_TRANSFER,
                                                 LEDGER_ADJUST, LEDGER_COUNT};
        ev.kind = kinds[kind];
        if (ev.kind == LEDGER_ADJUST && (s >> 40) % 2) ev.qty_ug = -q;
        if (ev.kind == LEDGER_COUNT) ev.qty_ug = bal[li];
        int64_t want = bal[li] + (ev.kind == LEDGER_RECEIPT || ev.kind == LEDGER_ADJUST ? ev.qty_ug
                                  : ev.kind == LEDGER_COUNT ? 0 : -q);
        int rc = store_ledger_record(w.st, &fx_who, &ev, NULL, NULL, &err);
        if (want < 0) {
            if (rc != KC_ERANGE) fail_msg("step %d: %s of %lld from %lld -> %d", step,
                                          ledger_kind_name(ev.kind), (long long)q,
                                          (long long)bal[li], rc);
            refused++;
            continue;
        }
        assert_ok(rc, err);
        bal[li] = want;
        if (ev.kind == LEDGER_TRANSFER) bal[ti] += q;
    }
    for (int i = 0; i < 3; i++) {
        struct sv a[] = {SV_T(w.lot), SV_T(locs[i])};
        int64_t got = -1;
        assert_ok(store__q_int(w.st, "SELECT balance_ug FROM ledger_balances WHERE lot = ? AND "
                                     "location = ?", a, 2, &got, &err), err);
        assert_int_equal(got, bal[i]);
        assert_true(got >= 0);
    }
    assert_true(refused > 0); /* the history did try to overdraw */
    assert_chains_intact(w.st);
    store_close(w.st);
}

/* One handle per thread (store.h): concurrent appends keep both chains whole. */
struct thread_arg {
    const char *url, *nurse, *lot;
    int rc;
    char msg[KC_ERROR_MSG_MAX];
};

static void *writer(void *p)
{
    struct thread_arg *t = p;
    struct kc_error err = {0};
    struct store *st = NULL;
    struct store_options o = {t->url, fx_key, 0};
    t->rc = store_open(&o, &st, &err);
    for (int i = 0; !t->rc && i < 20; i++) {
        struct ledger_event ev = {.kind = LEDGER_RECEIPT, .drug = "esketamine", .lot = t->lot,
                                  .location = "safe-2", .qty_ug = 28000, .supplier = "Janssen",
                                  .user = t->nurse};
        t->rc = store_audit(st, &fx_who, "read", "Patient", "1", "success", NULL, &err);
        if (!t->rc) t->rc = store_ledger_record(st, &fx_who, &ev, NULL, NULL, &err);
    }
    if (t->rc) snprintf(t->msg, sizeof t->msg, "%s", err.msg);
    store_close(st);
    return NULL;
}

static void concurrent_handles_keep_chains_intact(void **state)
{
    (void)state;
    struct world w;
    make_world(&w, 0);
    const char *url = fx_is_pg() ? getenv("KC_TEST_DB") : fx_url;
    enum { T = 4 };
    pthread_t th[T];
    struct thread_arg args[T];
    int64_t before = count_rows(w.st, "SELECT count(*) FROM ledger_entries");
    for (int i = 0; i < T; i++) {
        args[i] = (struct thread_arg){url, w.nurse, w.lot, 0, ""};
        assert_int_equal(pthread_create(&th[i], NULL, writer, &args[i]), 0);
    }
    for (int i = 0; i < T; i++) {
        pthread_join(th[i], NULL);
        if (args[i].rc) fail_msg("thread %d: %s", i, args[i].msg);
    }
    assert_int_equal(count_rows(w.st, "SELECT count(*) FROM ledger_entries"), before + T * 20);
    struct sv a[] = {SV_T(w.lot)};
    int64_t bal = 0;
    struct kc_error err = {0};
    assert_ok(store__q_int(w.st, "SELECT balance_ug FROM ledger_balances WHERE lot = ?", a, 1,
                           &bal, &err),
              err);
    assert_int_equal(bal, (int64_t)T * 20 * 28000);
    assert_chains_intact(w.st);
    store_close(w.st);
}

/* D3: two nurses charting the same administration at the same moment yield one dose and one
 * ledger entry; the other is told it is already charted. */
struct chart_arg {
    const char *url;
    const struct store_dose_new *d;
    int rc;
};

static void *chart(void *p)
{
    struct chart_arg *c = p;
    struct kc_error err = {0};
    struct store *st = NULL;
    struct store_options o = {c->url, fx_key, 0};
    c->rc = store_open(&o, &st, &err);
    if (!c->rc) c->rc = store_dose_record(st, &fx_who, c->d, NULL, NULL, &err);
    store_close(st);
    return NULL;
}

static void same_dose_charted_twice_at_once_is_one_dose(void **state)
{
    (void)state;
    struct world w;
    make_world(&w, 100000);
    const char *url = fx_is_pg() ? getenv("KC_TEST_DB") : fx_url;
    struct store_dose_new d = {.session_id = w.session, .drug = "ketamine", .form = "salt",
                               .route = "iv", .lot = w.lot, .location = "safe-1",
                               .dose_ug = 35000, .conc_ug_per_ml = 10000, .volume_ul = 3500,
                               .started_at = "2026-11-23T09:10:00Z", .given_by = w.nurse};
    for (int round = 0; round < 5; round++) {
        char at[32];
        snprintf(at, sizeof at, "2026-11-23T09:1%d:00Z", round);
        d.started_at = at;
        d.dose_ug = 1000;
        pthread_t t[2];
        struct chart_arg a[2] = {{url, &d, 0}, {url, &d, 0}};
        for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&t[i], NULL, chart, &a[i]), 0);
        for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
        int ok = (a[0].rc == 0) + (a[1].rc == 0), conflict = (a[0].rc == KC_ECONFLICT) +
                                                            (a[1].rc == KC_ECONFLICT);
        if (ok != 1 || conflict != 1)
            fail_msg("round %d: results %d and %d, wanted one success and one conflict", round,
                     a[0].rc, a[1].rc);
    }
    struct sv s[] = {SV_I(w.session)};
    struct kc_error err = {0};
    int64_t doses = 0, entries = 0;
    assert_ok(store__q_int(w.st, "SELECT count(*) FROM doses WHERE session_id = ?", s, 1, &doses,
                           &err), err);
    assert_int_equal(doses, 5);
    assert_ok(store__q_int(w.st, "SELECT count(*) FROM ledger_entries e JOIN doses d ON "
                                 "d.id = e.dose_id WHERE d.session_id = ?", s, 1, &entries,
                           &err), err);
    assert_int_equal(entries, 5);
    assert_chains_intact(w.st);
    store_close(w.st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dose_and_ledger_commit_together),
        cmocka_unit_test(ledger_events_and_discrepancies),
        cmocka_unit_test(random_ledger_history_verifies),
        cmocka_unit_test(concurrent_handles_keep_chains_intact),
        cmocka_unit_test(same_dose_charted_twice_at_once_is_one_dose),
    };
    return cmocka_run_group_tests_name(fx_is_pg() ? "store ledger (postgres)"
                                                  : "store ledger (sqlite)",
                                       tests, NULL, NULL);
}
