/* test_store_rems.c — the REMS Patient Monitoring Form through the real store: fields from a
 * recorded esketamine session (dose, lot, BP pre/~40 min/end, side effects, medications,
 * enrolment, first treatment), signing refused until complete, submission and the 7-day
 * tracker, enrolment before the first dose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clinic/course.h"
#include "store/store_rems.h"
#include "store_world.h"

static int64_t esk_session(struct world *w, const char *day, int64_t ug)
{
    struct kc_error err = {0};
    char at[32], dose_at[32], end[32];
    snprintf(at, sizeof at, "%sT09:00:00Z", day);
    snprintf(dose_at, sizeof dose_at, "%sT09:10:00Z", day);
    snprintf(end, sizeof end, "%sT11:20:00Z", day);
    int64_t sid = 0;
    assert_ok(store_session_plan(w->st, &fx_who, w->patient, at, "chair 3", "Dr Who", &sid, &err),
              err);
    assert_ok(store_session_set_status(w->st, &fx_who, sid, STORE_SESSION_STARTED, at, &err),
              err);
    struct store_dose_new d = {.session_id = sid, .drug = "esketamine", .form = "base",
                               .route = "intranasal", .lot = w->lot, .location = "safe-1",
                               .dose_ug = ug, .conc_ug_per_ml = 140000, .volume_ul = ug / 140,
                               .started_at = dose_at, .given_by = w->nurse};
    assert_ok(store_dose_record(w->st, &fx_who, &d, NULL, NULL, &err), err);
    /* BP 5 min before, then 20, 38, 45 and 120 min after the first device */
    static const int off[] = {-5, 20, 38, 45, 120}, sys[] = {128, 140, 152, 150, 126};
    struct store_vital v[10];
    char t[5][32];
    for (int i = 0; i < 5; i++) {
        int m = 10 + off[i];
        snprintf(t[i], sizeof t[i], "%sT%02d:%02d:00Z", day, 9 + m / 60, m % 60);
        v[2 * i] = (struct store_vital){t[i], "sbp", sys[i]};
        v[2 * i + 1] = (struct store_vital){t[i], "dbp", sys[i] - 50};
    }
    assert_ok(store_vitals_add(w->st, &fx_who, sid, v, 10, &err), err);
    assert_ok(store_side_effect_add(w->st, &fx_who, sid, dose_at, "dissociation", "mild", NULL,
                                    NULL, &err), err);
    assert_ok(store_session_set_status(w->st, &fx_who, sid, STORE_SESSION_ENDED, end, &err), err);
    return sid;
}

struct seen {
    int n;
    int64_t sid[4];
    enum rems_pmf_state st[4];
};

static int track(void *ctx, const struct store_rems_track_row *r)
{
    struct seen *s = ctx;
    if (s->n < 4) {
        s->sid[s->n] = r->session_id;
        s->st[s->n++] = r->state;
    }
    return 0;
}

static void form_from_record_sign_submit_track(void **state)
{
    (void)state;
    struct world w;
    make_world(&w, 0);
    struct kc_error err = {0};
    struct ledger_event ev = {.kind = LEDGER_RECEIPT, .drug = "esketamine", .lot = w.lot,
                              .location = "safe-1", .qty_ug = 1000000,
                              .supplier = "REMS distributor, DEA AB7654321", .user = w.nurse};
    assert_ok(store_ledger_record(w.st, &fx_who, &ev, NULL, NULL, &err), err);
    char sql[300];
    snprintf(sql, sizeof sql, "INSERT INTO medications (patient_id, name, recorded_at) VALUES "
             "(%" PRId64 ", 'Lorazepam', 'x')", w.patient);
    fx_sql(w.st, sql);
    /* the scheduler's rule: no dose before enrolment */
    assert_fails(store_rems_check_dose(w.st, &fx_who, w.patient, "2026-11-02", &err), KC_EDENIED,
                 err, "not enrolled");
    assert_ok(store_rems_enrol(w.st, &fx_who, w.patient, "R-123", "2026-11-02", &err), err);
    assert_ok(store_rems_check_dose(w.st, &fx_who, w.patient, "2026-11-02", &err), err);
    assert_fails(store_rems_check_dose(w.st, &fx_who, w.patient, "2026-11-01", &err), KC_EDENIED,
                 err, "after the dose");
    assert_fails(store_rems_enrol(w.st, &fx_who, w.patient, NULL, "2026-11-03", &err),
                 KC_ECONFLICT, err, "already enrolled");

    int64_t s1 = esk_session(&w, "2026-11-02", 56000);
    int64_t s2 = esk_session(&w, "2026-11-05", 84000);
    struct rems_form f;
    assert_ok(store_rems_form_build(w.st, &fx_who, s1, &f, &err), err);
    assert_string_equal(f.patient_name, "Doe, Jane");
    assert_int_equal(f.enrolled, REMS_YES);
    assert_int_equal(f.first_treatment, REMS_YES);
    assert_int_equal(f.benzodiazepines, REMS_YES);
    assert_int_equal(f.opioids, REMS_NO);
    assert_int_equal(f.dose_mg, 56);
    assert_string_equal(f.lot, w.lot);
    assert_int_equal(f.bp_pre_sys, 128);
    assert_int_equal(f.bp_40_sys, 152); /* 38 min is nearer to 40 than 45 min */
    assert_int_equal(f.bp_end_sys, 126);
    assert_int_equal(f.total_duration_min, 130); /* 09:10 to 11:20 */
    assert_int_equal(f.dissociation, REMS_YES);
    assert_int_equal(f.sedation, REMS_NO);
    assert_string_equal(f.monitoring_hcp, "Dr Who");
    assert_ok(store_rems_form_build(w.st, &fx_who, s2, &f, &err), err);
    assert_int_equal(f.first_treatment, REMS_NO);
    assert_int_equal(f.dose_mg, 84);

    /* signing needs the clinician's answers */
    assert_fails(store_rems_form_sign(w.st, &fx_who, s1, NULL, NULL, &err), KC_EINVAL, err,
                 "ready_to_leave_min, vitals_ok_pre, vitals_ok_end");
    json_t *ans = json_pack("{s:b, s:b, s:i}", "vitals_ok_pre", 1, "vitals_ok_end", 1,
                            "ready_to_leave_min", 115);
    json_t *bad = json_pack("{s:s}", "dose_mg", "90");
    assert_fails(store_rems_form_sign(w.st, &fx_who, s1, bad, NULL, &err), KC_EINVAL, err,
                 "dose_mg");
    assert_int_equal(count_rows(w.st, "SELECT count(*) FROM rems_forms"), 0);
    assert_ok(store_rems_form_sign(w.st, &fx_who, s1, ans, &f, &err), err);
    assert_int_equal(f.ready_to_leave_min, 115);
    assert_fails(store_rems_form_sign(w.st, &fx_who, s1, ans, NULL, &err), KC_ECONFLICT, err,
                 "already signed");
    assert_ok(store_rems_form_submit(w.st, &fx_who, s1, "2026-11-09T10:00:00Z", &err), err);

    struct seen seen = {0, {0}, {0}};
    long today = 0;
    assert_ok(course_date_parse("2026-11-13", &today, &err), err);
    assert_ok(store_rems_tracker(w.st, &fx_who, today, track, &seen, &err), err);
    assert_int_equal(seen.n, 2);
    assert_int_equal(seen.sid[0], s1);
    assert_int_equal(seen.st[0], REMS_PMF_SUBMITTED); /* 7 days after 11-02 */
    assert_int_equal(seen.st[1], REMS_PMF_OVERDUE);   /* 11-05 + 7 = 11-12 < 11-13 */
    seen.n = 0;
    assert_ok(course_date_parse("2026-11-12", &today, &err), err);
    assert_ok(store_rems_tracker(w.st, &fx_who, today, track, &seen, &err), err);
    assert_int_equal(seen.st[1], REMS_PMF_DUE);
    json_decref(ans);
    json_decref(bad);
    store_close(w.st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(form_from_record_sign_submit_track),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
