/* test_store_report.c — the clinic reports against a hand-computed fixture recorded through the
 * real store: the administration log, count discrepancies, and operations (sessions per chair
 * per day, no-shows, chair time, revenue by code and payer, A/R by age). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clinic/course.h"
#include "store/store_billing.h"
#include "store/store_report.h"
#include "store_world.h"

static struct bill_schedule sched;

/* A session of patient pid: planned at `start` on chair; with an IV dose from start for
 * dose_min and ended end_min after start when dose_min > 0; else left planned. */
static int64_t session(struct world *w, int64_t pid, const char *start, const char *chair,
                       int dose_min, int end_min)
{
    struct kc_error err = {0};
    int64_t sid = 0;
    assert_ok(store_session_plan(w->st, &fx_who, pid, start, chair, w->nurse, &sid, &err), err);
    if (dose_min <= 0) return sid;
    assert_ok(store_session_set_status(w->st, &fx_who, sid, STORE_SESSION_STARTED, start, &err),
              err);
    char dose_end[32], end[32];
    long d = 0;
    char day[11];
    memcpy(day, start, 10);
    day[10] = '\0';
    assert_ok(course_date_parse(day, &d, &err), err);
    int h = (start[11] - '0') * 10 + (start[12] - '0');
    snprintf(dose_end, sizeof dose_end, "%sT%02d:%02d:00Z", day, h + dose_min / 60, dose_min % 60);
    snprintf(end, sizeof end, "%sT%02d:%02d:00Z", day, h + end_min / 60, end_min % 60);
    struct store_dose_new dn = {.session_id = sid, .drug = "ketamine", .form = "base",
                                .route = "iv", .lot = w->lot, .location = "safe-1",
                                .dose_ug = 35000, .conc_ug_per_ml = 500, .volume_ul = 70000,
                                .started_at = start, .ended_at = dose_end, .given_by = w->nurse};
    assert_ok(store_dose_record(w->st, &fx_who, &dn, NULL, NULL, &err), err);
    assert_ok(store_session_set_status(w->st, &fx_who, sid, STORE_SESSION_ENDED, end, &err), err);
    struct store_bill_session_charges c;
    assert_ok(store_bill_charge_session(w->st, &fx_who, sid, BILL_SVC_COUNT, &sched, &c, &err),
              err);
    return sid;
}

static int64_t json_cents(json_t *arr, const char *key, const char *val)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (strcmp(json_string_value(json_object_get(v, key)), val) == 0)
        return json_integer_value(json_object_get(v, "cents"));
    fail_msg("no %s %s in the report", key, val);
    return -1;
}

struct admin_seen {
    int n;
    char first_at[32], given_by[64];
    int64_t total_ug;
};

static int admin_cb(void *ctx, const struct store_report_admin_row *r)
{
    struct admin_seen *s = ctx;
    if (!s->n++) {
        snprintf(s->first_at, sizeof s->first_at, "%s", r->at);
        snprintf(s->given_by, sizeof s->given_by, "%s", r->given_by);
    }
    s->total_ug += r->dose_ug;
    return 0;
}

static int disc_cb(void *ctx, const struct store_report_discrepancy_row *r)
{
    *(int64_t *)ctx += r->expected_ug - r->counted_ug;
    return 0;
}

static void reports_match_the_hand_computed_fixture(void **state)
{
    (void)state;
    struct world w;
    make_world(&w, 100000000);
    struct kc_error err = {0};
    int64_t p1 = w.patient, p2 = 0;
    struct store_patient_new pn = {.mrn = fx_uniq("mrn"), .family_name = "Roe",
                                   .birth_date = "1970-01-01", .sex = "male"};
    assert_ok(store_patient_add(w.st, &fx_who, &pn, &p2, &err), err);
    struct store_bill_payer acme = {.kind = BILL_COMMERCIAL, .name = "Acme"};
    assert_ok(store_bill_payer_set(w.st, &fx_who, p2, &acme, &err), err);
    /* S6 (outside the period, 2026-08-15): 40 min dose, 500.00, 117 days old on 2026-12-10 */
    session(&w, p2, "2026-08-15T09:00:00Z", "chair-2", 40, 60);
    /* S1: chair-1, 40 min infusion, chair time 90 min: 96365 + J3490 = 500.00 */
    session(&w, p1, "2026-11-02T09:00:00Z", "chair-1", 40, 90);
    /* S2: chair-1, 100 min infusion (one 96366), chair 120 min: 450 + 150 + 50 = 650.00 */
    session(&w, p1, "2026-11-02T13:00:00Z", "chair-1", 100, 120);
    /* S3: chair-2, 40 min, chair 60 min; charged, voided and re-charged: 500.00 net */
    int64_t s3 = session(&w, p2, "2026-11-03T09:00:00Z", "chair-2", 40, 60);
    struct store_bill_entry_new v = {.patient_id = p2, .kind = BILL_VOID, .reason = "re-bill"};
    struct store_bill_session_charges c;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT min(id) FROM bill_entries WHERE session_id = %" PRId64, s3);
    int64_t first = count_rows(w.st, sql);
    for (int i = 0; i < 2; i++) {
        v.ref = first + i;
        assert_ok(store_bill_entry_add(w.st, &fx_who, &v, NULL, &err), err);
    }
    assert_ok(store_bill_charge_session(w.st, &fx_who, s3, BILL_SVC_COUNT, &sched, &c, &err), err);
    /* S4 cancelled; S5 planned and never started (a no-show on 2026-12-10) */
    int64_t s4 = session(&w, p2, "2026-11-04T09:00:00Z", "chair-2", 0, 0);
    assert_ok(store_session_set_status(w.st, &fx_who, s4, STORE_SESSION_CANCELLED,
                                       "2026-11-03T12:00:00Z", &err), err);
    session(&w, p1, "2026-11-05T09:00:00Z", "chair-1", 0, 0);
    /* payments: patient 1 pays 600.00; patient 2 gets a 50.00 adjustment */
    struct store_bill_entry_new pay = {.patient_id = p1, .kind = BILL_PAYMENT, .cents = 60000,
                                       .method = "card"};
    assert_ok(store_bill_entry_add(w.st, &fx_who, &pay, NULL, &err), err);
    struct store_bill_entry_new adj = {.patient_id = p2, .kind = BILL_ADJUST, .cents = 5000,
                                       .reason = "hardship"};
    assert_ok(store_bill_entry_add(w.st, &fx_who, &adj, NULL, &err), err);

    long today = 0;
    assert_ok(course_date_parse("2026-12-10", &today, &err), err);
    json_t *r = NULL;
    assert_ok(store_report_operations(w.st, &fx_who, "2026-11-01", "2026-11-08", today, &r, &err),
              err);
    json_t *s = json_object_get(r, "sessions");
    assert_int_equal(json_integer_value(json_object_get(s, "planned")), 5);
    assert_int_equal(json_integer_value(json_object_get(s, "ended")), 3);
    assert_int_equal(json_integer_value(json_object_get(s, "cancelled")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "no_show")), 1);
    json_t *cd = json_object_get(r, "per_chair_day");
    assert_int_equal(json_array_size(cd), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cd, 0), "chair")),
                        "chair-1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cd, 0), "day")),
                        "2026-11-02");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(cd, 0), "sessions")), 2);
    /* (90 + 120 + 60) / 3 */
    assert_true(json_real_value(json_object_get(r, "average_chair_min")) == 90.0);
    /* 96365: 3 x 450.00; 96366: 150.00; J3490: 3 x 50.00; total 1650.00 (S3's voided lines out,
     * S6 outside the period) */
    json_t *codes = json_object_get(r, "revenue_by_code");
    assert_int_equal(json_cents(codes, "code", "96365"), 135000);
    assert_int_equal(json_cents(codes, "code", "96366"), 15000);
    assert_int_equal(json_cents(codes, "code", "J3490"), 15000);
    assert_int_equal(json_integer_value(json_object_get(r, "revenue_cents")), 165000);
    /* every charged session of the period is an IV infusion */
    json_t *services = json_object_get(r, "revenue_by_service");
    assert_int_equal(json_array_size(services), 1);
    assert_int_equal(json_cents(services, "service", "iv"), 165000);
    json_t *payers = json_object_get(r, "revenue_by_payer");
    assert_int_equal(json_cents(payers, "payer", "self-pay"), 115000);
    assert_int_equal(json_cents(payers, "payer", "commercial"), 50000);
    /* A/R on 2026-12-10: patient 1 owes 1150 - 600 = 550.00 from 2026-11-02 (38 days: 31-60);
     * patient 2: S6 500.00 less the 50.00 credit = 450.00 over 90 days, S3 500.00 (37 days) */
    json_t *ar = json_object_get(r, "ar");
    assert_int_equal(json_integer_value(json_object_get(ar, "0-30")), 0);
    assert_int_equal(json_integer_value(json_object_get(ar, "31-60")), 105000);
    assert_int_equal(json_integer_value(json_object_get(ar, "61-90")), 0);
    assert_int_equal(json_integer_value(json_object_get(ar, "over-90")), 45000);
    assert_int_equal(json_integer_value(json_object_get(ar, "total")), 150000);
    json_decref(r);

    /* the administration log of the period: S1, S2, S3 (35 mg each), given by the nurse */
    struct admin_seen seen = {0, "", "", 0};
    assert_ok(store_report_administrations(w.st, &fx_who, "2026-11-01T00:00:00Z",
                                           "2026-11-08T00:00:00Z", admin_cb, &seen, &err), err);
    assert_int_equal(seen.n, 3);
    assert_int_equal(seen.total_ug, 105000);
    assert_string_equal(seen.first_at, "2026-11-02T09:00:00.000Z");
    assert_string_equal(seen.given_by, w.nurse);
    /* a count 2 mg short opens a discrepancy: the report shows the shortfall */
    struct ledger_event cnt = {.kind = LEDGER_COUNT, .drug = "ketamine", .lot = w.lot,
                               .location = "safe-1", .qty_ug = 100000000 - 4 * 35000 - 2000,
                               .user = w.nurse};
    assert_ok(store_ledger_record(w.st, &fx_who, &cnt, NULL, NULL, &err), err);
    int64_t short_ug = 0;
    assert_ok(store_report_discrepancies(w.st, &fx_who, disc_cb, &short_ug, &err), err);
    assert_int_equal(short_ug, 2000);
    store_close(w.st);
}

int main(void)
{
    bill_schedule_default(&sched);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reports_match_the_hand_computed_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
