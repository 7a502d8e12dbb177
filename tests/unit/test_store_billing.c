/* test_store_billing.c — billing through the real store: charges derived from recorded sessions
 * (96365/96366 at the time boundaries, G2082/G2083 by dose, Medicare KX and REMS enrolment),
 * voids and re-billing, payments, refunds, adjustments, payment plans with overdue instalments,
 * and random histories whose stored totals reconcile with the listed entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clinic/course.h"
#include "store/store_billing.h"
#include "store_world.h"

static struct bill_schedule sched;

/* An ended session of w's patient with one dose (drug/route) from start for `minutes`. */
static int64_t dosed_session(struct world *w, const char *drug, const char *route,
                             int64_t dose_ug, const char *start, const char *end)
{
    struct kc_error err = {0};
    int64_t sid = 0;
    assert_ok(store_session_plan(w->st, &fx_who, w->patient, start, "chair 1", w->nurse, &sid,
                                 &err), err);
    assert_ok(store_session_set_status(w->st, &fx_who, sid, STORE_SESSION_STARTED, start, &err),
              err);
    struct store_dose_new d = {.session_id = sid, .drug = drug, .form = "base", .route = route,
                               .lot = w->lot, .location = "safe-1", .dose_ug = dose_ug,
                               .conc_ug_per_ml = 10000, .volume_ul = dose_ug / 10,
                               .started_at = start, .ended_at = end, .given_by = w->nurse};
    int64_t dose = 0;
    assert_ok(store_dose_record(w->st, &fx_who, &d, &dose, NULL, &err), err);
    assert_ok(store_session_set_status(w->st, &fx_who, sid, STORE_SESSION_ENDED,
                                       "2026-11-23T18:00:00Z", &err), err);
    return sid;
}

static void iv_minutes_pick_96366_units(void **state)
{
    (void)state;
    struct world w;
    make_world(&w, 100000000);
    struct kc_error err = {0};
    /* 09:00:00 to 10:30:59 = 90 whole minutes: 96365 only */
    int64_t s90 = dosed_session(&w, "ketamine", "iv", 35000, "2026-11-23T09:00:00Z",
                                "2026-11-23T10:30:59Z");
    struct store_bill_session_charges c;
    assert_ok(store_bill_charge_session(w.st, &fx_who, s90, BILL_SVC_COUNT, &sched, &c, &err),
              err);
    assert_int_equal(c.facts.infusion_s, 90 * 60 + 59);
    assert_int_equal(c.charges.n, 2);
    assert_string_equal(c.charges.line[0].code, "96365");
    /* 91 minutes: one 96366 */
    int64_t s91 = dosed_session(&w, "ketamine", "iv", 35000, "2026-11-24T09:00:00Z",
                                "2026-11-24T10:31:00Z");
    assert_ok(store_bill_charge_session(w.st, &fx_who, s91, BILL_SVC_COUNT, &sched, &c, &err),
              err);
    assert_int_equal(c.charges.n, 3);
    assert_string_equal(c.charges.line[1].code, "96366");
    assert_int_equal(c.charges.line[1].units, 1);
    assert_int_equal(count_rows(w.st, "SELECT count(*) FROM bill_entries WHERE code = '96366'"),
                     1);
    /* charging twice is refused; a void of every line allows re-billing (a correction) */
    assert_fails(store_bill_charge_session(w.st, &fx_who, s91, BILL_SVC_COUNT, &sched, &c, &err),
                 KC_ECONFLICT, err, "already charged");
    for (int i = 0; i < 3; i++) {
        struct store_bill_entry_new v = {.patient_id = w.patient, .kind = BILL_VOID,
                                         .ref = c.first_id + i, .reason = "wrong lines"};
        assert_ok(store_bill_entry_add(w.st, &fx_who, &v, NULL, &err), err);
    }
    struct store_bill_session_charges c2;
    assert_ok(store_bill_charge_session(w.st, &fx_who, s91, BILL_SVC_COUNT, &sched, &c2, &err),
              err);
    assert_true(c2.first_id > c.first_id);
    struct bill_totals t;
    assert_ok(store_bill_totals(w.st, &fx_who, w.patient, &t, &err), err);
    int64_t one_90 = bill_schedule_price(&sched, "96365") + bill_schedule_price(&sched, "J3490");
    int64_t one_91 = one_90 + bill_schedule_price(&sched, "96366");
    assert_int_equal(t.charges, one_90 + 2 * one_91);
    assert_int_equal(t.voids, one_91);
    assert_int_equal(t.balance, one_90 + one_91);
    /* rows are append-only in the database itself */
    struct kc_error e2 = {0};
    assert_int_not_equal(w.st->drv->script(w.st, "UPDATE bill_entries SET cents = 1", &e2), 0);
    store_close(w.st);
}

static void esketamine_codes_and_medicare(void **state)
{
    (void)state;
    struct world w;
    make_world(&w, 0);
    struct kc_error err = {0};
    struct ledger_event ev = {.kind = LEDGER_RECEIPT, .drug = "esketamine", .lot = w.lot,
                              .location = "safe-1", .qty_ug = 1000000,
                              .supplier = "REMS distributor, DEA AB7654321", .user = w.nurse};
    assert_ok(store_ledger_record(w.st, &fx_who, &ev, NULL, NULL, &err), err);
    int64_t s56 = dosed_session(&w, "esketamine", "intranasal", 56000, "2026-11-23T09:00:00Z",
                                NULL);
    int64_t s84 = dosed_session(&w, "esketamine", "intranasal", 84000, "2026-11-26T09:00:00Z",
                                NULL);
    struct store_bill_payer mc = {.kind = BILL_MEDICARE};
    assert_ok(store_bill_payer_set(w.st, &fx_who, w.patient, &mc, &err), err);
    struct store_bill_session_charges c;
    int64_t before = count_rows(w.st, "SELECT count(*) FROM bill_entries");
    assert_fails(store_bill_charge_session(w.st, &fx_who, s56, BILL_SVC_COUNT, &sched, &c, &err),
                 KC_EDENIED, err, "REMS");
    assert_int_equal(count_rows(w.st, "SELECT count(*) FROM bill_entries"), before);
    char sql[200];
    snprintf(sql, sizeof sql, "INSERT INTO rems_enrolments (patient_id, enrolled_on, "
             "recorded_at, by_user) VALUES (%" PRId64 ", '2026-11-20', 'x', 'tester')", w.patient);
    fx_sql(w.st, sql);
    assert_ok(store_bill_charge_session(w.st, &fx_who, s56, BILL_SVC_COUNT, &sched, &c, &err),
              err);
    assert_int_equal(c.charges.n, 1);
    assert_string_equal(c.charges.line[0].code, "G2082");
    assert_string_equal(c.charges.line[0].modifier, "KX");
    assert_ok(store_bill_charge_session(w.st, &fx_who, s84, BILL_SVC_COUNT, &sched, &c, &err),
              err);
    assert_string_equal(c.charges.line[0].code, "G2083");
    assert_int_equal(count_rows(w.st, "SELECT count(*) FROM bill_entries WHERE modifier = 'KX' "
                                      "AND payer = 'medicare'"), 2);
    /* a session still running is not charged; a session without doses needs a service */
    int64_t sid = 0;
    assert_ok(store_session_plan(w.st, &fx_who, w.patient, "2026-11-27T09:00:00Z", NULL, NULL,
                                 &sid, &err), err);
    assert_fails(store_bill_charge_session(w.st, &fx_who, sid, BILL_SVC_COUNT, &sched, &c, &err),
                 KC_ECONFLICT, err, "only an ended session");
    assert_ok(store_session_set_status(w.st, &fx_who, sid, STORE_SESSION_STARTED,
                                       "2026-11-27T09:00:00Z", &err), err);
    assert_ok(store_session_set_status(w.st, &fx_who, sid, STORE_SESSION_ENDED,
                                       "2026-11-27T09:30:00Z", &err), err);
    assert_fails(store_bill_charge_session(w.st, &fx_who, sid, BILL_SVC_COUNT, &sched, &c, &err),
                 KC_EINVAL, err, "consult or followup");
    assert_ok(store_bill_charge_session(w.st, &fx_who, sid, BILL_SVC_FOLLOWUP, &sched, &c, &err),
              err);
    assert_string_equal(c.charges.line[0].code, "99213");
    struct store_bill_payer got;
    assert_ok(store_bill_payer_get(w.st, &fx_who, w.patient, &got, &err), err);
    assert_int_equal(got.kind, BILL_MEDICARE);
    struct store_bill_payer bad = {.kind = BILL_COMMERCIAL};
    assert_fails(store_bill_payer_set(w.st, &fx_who, w.patient, &bad, &err), KC_EINVAL, err,
                 "insurer's name");
    store_close(w.st);
}

static int plan_cb(void *ctx, const struct store_bill_plan_row *row)
{
    *(struct store_bill_plan_row *)ctx = *row;
    return 0;
}

static void payments_refunds_and_plans(void **state)
{
    (void)state;
    struct world w;
    make_world(&w, 100000000);
    struct kc_error err = {0};
    int64_t s = dosed_session(&w, "ketamine", "iv", 35000, "2026-11-23T09:00:00Z",
                              "2026-11-23T09:40:00Z");
    struct store_bill_session_charges c;
    assert_ok(store_bill_charge_session(w.st, &fx_who, s, BILL_SVC_COUNT, &sched, &c, &err), err);
    assert_int_equal(c.charges.total_cents, 50000); /* default: 96365 $450 + J3490 $50 */
    int64_t plan = 0;
    assert_ok(store_bill_plan_add(w.st, &fx_who, w.patient, 50000, 4, "2026-12-01", 0, &plan,
                                  &err), err);
    int64_t pay = 0;
    struct store_bill_entry_new p = {.patient_id = w.patient, .kind = BILL_PAYMENT,
                                     .cents = 20000, .method = "card", .plan_id = plan};
    assert_ok(store_bill_entry_add(w.st, &fx_who, &p, &pay, &err), err);
    struct store_bill_entry_new r = {.patient_id = w.patient, .kind = BILL_REFUND,
                                     .cents = 20001, .ref = pay, .method = "card"};
    assert_fails(store_bill_entry_add(w.st, &fx_who, &r, NULL, &err), KC_ECONFLICT, err,
                 "left to refund");
    r.cents = 5000;
    assert_ok(store_bill_entry_add(w.st, &fx_who, &r, NULL, &err), err);
    struct store_bill_entry_new a = {.patient_id = w.patient, .kind = BILL_ADJUST, .cents = 2500};
    assert_fails(store_bill_entry_add(w.st, &fx_who, &a, NULL, &err), KC_EINVAL, err, "reason");
    a.reason = "prompt-pay discount";
    assert_ok(store_bill_entry_add(w.st, &fx_who, &a, NULL, &err), err);
    struct store_bill_entry_new ch = {.patient_id = w.patient, .kind = BILL_CHARGE, .cents = 1};
    assert_fails(store_bill_entry_add(w.st, &fx_who, &ch, NULL, &err), KC_EINVAL, err,
                 "session record");
    struct bill_totals t;
    assert_ok(store_bill_totals(w.st, &fx_who, w.patient, &t, &err), err);
    /* 500.00 - (200.00 - 50.00) - 25.00 = 325.00 */
    assert_int_equal(t.balance, 32500);
    assert_int_equal(t.payments - t.refunds, 15000);
    struct store_bill_plan_row got;
    memset(&got, 0, sizeof got);
    assert_ok(store_bill_plans(w.st, &fx_who, w.patient, plan_cb, &got, &err), err);
    assert_int_equal(got.id, plan);
    assert_int_equal(got.paid_cents, 15000); /* the refund of a plan payment counts back */
    assert_int_equal(got.plan.n, 4);
    int64_t rem[BILL_PLAN_MAX];
    int over[BILL_PLAN_MAX];
    long today = 0;
    assert_ok(course_date_parse("2027-01-15", &today, &err), err);
    /* 125.00 each, due 12-01, 01-01, 02-01, 03-01; 150.00 paid covers the first and 25.00 */
    assert_int_equal(bill_plan_status(&got.plan, got.paid_cents, today, rem, over), 1);
    assert_int_equal(rem[1], 10000);
    assert_true(over[1]);
    store_close(w.st);
}

struct sum_ctx {
    int64_t balance, n;
};

static int sum_cb(void *ctx, const struct store_bill_row *r)
{
    struct sum_ctx *s = ctx;
    int plus = strcmp(r->kind, "charge") == 0 || strcmp(r->kind, "refund") == 0;
    s->balance += plus ? r->cents : -r->cents;
    s->n++;
    return 0;
}

/* Random entries through the store: stored totals == the signed sum of the listed entries, and
 * (charges - voids) - (payments - refunds) - adjustments == balance after every step. */
static void random_store_history_reconciles(void **state)
{
    (void)state;
    struct world w;
    make_world(&w, 100000000);
    struct kc_error err = {0};
    int64_t charges[32], payments[64];
    int nc = 0, np = 0, fails = 0;
    for (int i = 0; i < 4; i++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "2026-11-%02dT09:00:00Z", 10 + i);
        snprintf(b, sizeof b, "2026-11-%02dT%02d:%02d:00Z", 10 + i, 10 + i / 2, 5 + 17 * i);
        int64_t s = dosed_session(&w, "ketamine", "iv", 30000, a, b);
        struct store_bill_session_charges c;
        assert_ok(store_bill_charge_session(w.st, &fx_who, s, BILL_SVC_COUNT, &sched, &c, &err),
                  err);
        for (int k = 0; k < c.charges.n; k++) charges[nc++] = c.first_id + k;
    }
    uint32_t x = 12345;
    for (int step = 0; step < 60; step++) {
        x = x * 1103515245u + 12345u;
        struct store_bill_entry_new e = {.patient_id = w.patient, .method = "cash",
                                         .reason = "random", .cents = (x >> 8) % 30000 + 1};
        switch ((x >> 4) % 4) {
        case 0: e.kind = BILL_PAYMENT; break;
        case 1: e.kind = BILL_REFUND; e.ref = np ? payments[(x >> 20) % np] : 1; break;
        case 2: e.kind = BILL_ADJUST; break;
        default: e.kind = BILL_VOID; e.ref = charges[(x >> 20) % nc]; break;
        }
        int64_t id = 0;
        int rc = store_bill_entry_add(w.st, &fx_who, &e, &id, &err);
        if (rc == 0 && e.kind == BILL_PAYMENT) payments[np++] = id;
        if (rc) fails++;
        struct bill_totals t;
        assert_ok(store_bill_totals(w.st, &fx_who, w.patient, &t, &err), err);
        struct sum_ctx s = {0, 0};
        assert_ok(store_bill_entries(w.st, &fx_who, w.patient, NULL, NULL, sum_cb, &s, &err),
                  err);
        assert_int_equal(t.balance, s.balance);
        assert_int_equal((t.charges - t.voids) - (t.payments - t.refunds) - t.adjustments,
                         t.balance);
    }
    assert_true(fails > 0 && np > 0); /* refusals happened and left nothing behind */
    assert_chains_intact(w.st);
    store_close(w.st);
}

int main(void)
{
    bill_schedule_default(&sched);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iv_minutes_pick_96366_units),
        cmocka_unit_test(esketamine_codes_and_medicare),
        cmocka_unit_test(payments_refunds_and_plans),
        cmocka_unit_test(random_store_history_reconciles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
