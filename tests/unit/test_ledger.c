/* test_ledger.c — the rules of the controlled-substance ledger (src/clinic/ledger.c), and a
 * property test over random event histories: balances never go negative and every entry
 * balances (the movements of all entries sum to the balances). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "clinic/ledger.h"

static struct ledger_event base(enum ledger_kind k, int64_t q)
{
    return (struct ledger_event){.kind = k, .drug = "ketamine", .lot = "L1", .location = "safe",
                                 .qty_ug = q, .user = "ann"};
}

static void expect_err(const struct ledger_event *ev, int64_t bal, int code, const char *needle)
{
    struct ledger_effect e;
    struct kc_error err = {0};
    int rc = ledger_check(ev, bal, 0, &e, &err);
    if (rc != code) fail_msg("%s: rc %d (%s), wanted %d", ledger_kind_name(ev->kind), rc,
                             err.msg, code);
    if (!strstr(err.msg, needle)) fail_msg("message '%s' does not name '%s'", err.msg, needle);
}

static void each_kind_requires_its_fields(void **state)
{
    (void)state;
    struct ledger_event ev = base(LEDGER_RECEIPT, 500000);
    expect_err(&ev, 0, KC_EINVAL, "supplier"); /* 21 CFR 1304.22: supplier on each receipt */
    ev = base(LEDGER_ADMINISTER, 1000);
    expect_err(&ev, 5000, KC_EINVAL, "dose_id");
    ev = base(LEDGER_WASTE, 1000);
    expect_err(&ev, 5000, KC_EINVAL, "witness");
    ev.witness = "ann";
    expect_err(&ev, 5000, KC_EINVAL, "second staff member");
    ev = base(LEDGER_TRANSFER, 1000);
    expect_err(&ev, 5000, KC_EINVAL, "to_location");
    ev.to_location = "safe";
    expect_err(&ev, 5000, KC_EINVAL, "same as location");
    ev = base(LEDGER_ADJUST, -1000);
    expect_err(&ev, 5000, KC_EINVAL, "reason");
    ev.reason = "x";
    ev.qty_ug = 0;
    expect_err(&ev, 5000, KC_EINVAL, "must not be 0");
    ev = base(LEDGER_RECEIPT, 1000);
    ev.supplier = "s";
    ev.lot = "";
    expect_err(&ev, 0, KC_EINVAL, "lot");
    ev.lot = "L1";
    ev.drug = "fentanyl";
    expect_err(&ev, 0, KC_EINVAL, "fentanyl");
    ev.drug = "esketamine";
    ev.qty_ug = 0;
    expect_err(&ev, 0, KC_ERANGE, "quantity");
    ev.qty_ug = LEDGER_QTY_MAX_UG + 1;
    expect_err(&ev, 0, KC_ERANGE, "quantity");
}

static void balances_never_go_negative(void **state)
{
    (void)state;
    struct ledger_event ev = base(LEDGER_ADMINISTER, 35001);
    ev.dose_id = 7;
    expect_err(&ev, 35000, KC_ERANGE, "never go negative");
    struct ledger_effect e;
    struct kc_error err = {0};
    ev.qty_ug = 35000;
    assert_int_equal(ledger_check(&ev, 35000, 0, &e, &err), 0);
    assert_int_equal(e.balance_after_ug, 0);
    ev = base(LEDGER_ADJUST, -2);
    ev.reason = "broken vial";
    expect_err(&ev, 1, KC_ERANGE, "never go negative");
}

static void counts_find_discrepancies(void **state)
{
    (void)state;
    struct ledger_effect e;
    struct kc_error err = {0};
    struct ledger_event ev = base(LEDGER_COUNT, 98000);
    assert_int_equal(ledger_check(&ev, 100000, 0, &e, &err), 0);
    assert_int_equal(e.discrepancy, 1);
    assert_int_equal(e.discrepancy_ug, -2000);
    assert_int_equal(e.delta_ug, 0); /* a count moves nothing until resolved */
    assert_int_equal(e.balance_after_ug, 100000);
    ev.qty_ug = 100000;
    assert_int_equal(ledger_check(&ev, 100000, 0, &e, &err), 0);
    assert_int_equal(e.discrepancy, 0);
}

/* xorshift64*: deterministic, seeded per run from the loop counter */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static void random_histories_keep_the_invariants(void **state)
{
    (void)state;
    static const char *const locs[] = {"safe", "cart-1", "cart-2"};
    for (uint64_t seed = 1; seed <= 200; seed++) {
        uint64_t s = seed * UINT64_C(0x9E3779B97F4A7C15);
        int64_t bal[3] = {0, 0, 0}, in = 0, out = 0, adjust = 0;
        for (int step = 0; step < 500; step++) {
            int li = (int)(rnd(&s) % 3), ti = (li + 1 + (int)(rnd(&s) % 2)) % 3;
            enum ledger_kind k = (enum ledger_kind)(rnd(&s) % LEDGER_KIND_COUNT);
            int64_t q = (int64_t)(rnd(&s) % 200000) + 1;
            struct ledger_event ev = base(k, q);
            ev.location = locs[li];
            ev.to_location = locs[ti];
            ev.supplier = "acme";
            ev.witness = "bob";
            ev.reason = "correction";
            ev.dose_id = step + 1;
            if (k == LEDGER_ADJUST && (rnd(&s) & 1)) ev.qty_ug = -q;
            if (k == LEDGER_COUNT) ev.qty_ug = (rnd(&s) & 1) ? bal[li] : q;
            struct ledger_effect e;
            struct kc_error err = {0};
            int rc = ledger_check(&ev, bal[li], bal[ti], &e, &err);
            int64_t want = bal[li] + (k == LEDGER_RECEIPT || k == LEDGER_ADJUST ? ev.qty_ug
                                      : k == LEDGER_COUNT                        ? 0
                                                                                 : -q);
            if (want < 0) { /* the rules must refuse exactly the moves that go below zero */
                if (rc != KC_ERANGE) fail_msg("seed %llu step %d: %s of %lld from %lld allowed",
                                              (unsigned long long)seed, step,
                                              ledger_kind_name(k), (long long)q,
                                              (long long)bal[li]);
                continue;
            }
            if (rc) fail_msg("seed %llu step %d: refused: %s", (unsigned long long)seed, step,
                             err.msg);
            assert_int_equal(e.balance_after_ug, bal[li] + e.delta_ug);
            if (k == LEDGER_TRANSFER) assert_int_equal(e.delta_ug + e.to_delta_ug, 0);
            else assert_int_equal(e.to_delta_ug, 0);
            bal[li] = e.balance_after_ug;
            if (k == LEDGER_TRANSFER) bal[ti] = e.to_balance_after_ug;
            if (k == LEDGER_RECEIPT) in += q;
            if (k == LEDGER_ADMINISTER || k == LEDGER_WASTE) out += q;
            if (k == LEDGER_ADJUST) adjust += ev.qty_ug;
            for (int i = 0; i < 3; i++) assert_true(bal[i] >= 0);
        }
        /* conservation: what is on the shelves is what came in, less what went out */
        assert_int_equal(bal[0] + bal[1] + bal[2], in - out + adjust);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_kind_requires_its_fields),
        cmocka_unit_test(balances_never_go_negative),
        cmocka_unit_test(counts_find_discrepancies),
        cmocka_unit_test(random_histories_keep_the_invariants),
    };
    return cmocka_run_group_tests_name("ledger rules", tests, NULL, NULL);
}
