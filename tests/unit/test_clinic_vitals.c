/* test_clinic_vitals.c — pre-dose gate, intra-session alarms and discharge readiness
 * (src/clinic/vitals.c, discharge.c) against the thresholds of clinical.md s3. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "clinic/discharge.h"
#include "clinic/vitals.h"

static struct protocol P;
static int setup(void **state)
{
    (void)state;
    protocol_init_default(&P);
    return 0;
}

static struct vitals_reading R(double t, double s, double d, double hr, double spo2)
{
    return (struct vitals_reading){t, s, d, hr, spo2};
}

static const struct vitals_alarm *find(const struct vitals_result *r, const char *id)
{
    for (int i = 0; i < r->n_alarms; i++)
        if (strcmp(r->alarms[i].id, id) == 0) return &r->alarms[i];
    return NULL;
}

/* SPRAVATO label: BP > 140/90 before dosing -> clinician review; SpO2 > 92% (Aldrete). */
static void predose_gate(void **state)
{
    (void)state;
    struct vitals_result r;
    struct kc_error err = {0};
    struct vitals_reading v = R(0, 138, 88, 80, 97);
    assert_int_equal(vitals_predose_gate(&P, &v, &r, &err), 0);
    assert_true(r.dose_allowed);
    assert_int_equal(r.n_alarms, 0);
    v = R(0, 162, 98, 80, 97);
    assert_int_equal(vitals_predose_gate(&P, &v, &r, &err), 0);
    assert_false(r.dose_allowed);
    assert_string_equal(find(&r, "bp-gate")->text, "BP 162/98 above the 140/90 gate");
    v = R(0, 120, 80, 80, 91);
    assert_int_equal(vitals_predose_gate(&P, &v, &r, &err), 0);
    assert_false(r.dose_allowed);
    assert_int_equal(find(&r, "spo2-gate")->severity, VITALS_CRITICAL);
    v = R(0, NAN, NAN, 80, 97);
    assert_int_equal(vitals_predose_gate(&P, &v, &r, &err), 0);
    assert_non_null(find(&r, "bp-missing"));
    v = R(0, 120, 180, 80, 97); /* diastolic above systolic: implausible */
    assert_int_not_equal(vitals_predose_gate(&P, &v, &r, &err), 0);
    assert_non_null(strstr(err.msg, "reading 1"));
}

/* Academic clinic protocol (clinical.md s3): >180/110 on two readings 5 min apart, or >200/120
 * once; HR >120 sustained 5 min; SpO2 <92%. */
static void intra_session_alarms(void **state)
{
    (void)state;
    struct vitals_result r;
    struct kc_error err = {0};
    struct vitals_reading a[] = {R(0, 130, 80, 80, 98), R(10, 185, 100, 85, 98),
                                 R(15, 186, 104, 88, 97)};
    assert_int_equal(vitals_evaluate(&P, a, 3, 15, NAN, &r, &err), 0);
    assert_int_equal(find(&r, "bp-sustained")->severity, VITALS_CRITICAL);
    assert_true(find(&r, "bp-sustained")->t_min == 15);
    assert_non_null(find(&r, "sbp-rise")); /* +55 in 10 min */
    /* one high reading only: warning, recheck */
    assert_int_equal(vitals_evaluate(&P, a, 2, 10, NAN, &r, &err), 0);
    assert_null(find(&r, "bp-sustained"));
    assert_int_equal(find(&r, "bp-high")->severity, VITALS_WARNING);
    /* two high readings only 3 min apart: not yet sustained */
    struct vitals_reading b[] = {R(0, 185, 100, 80, 98), R(3, 185, 100, 80, 98)};
    assert_int_equal(vitals_evaluate(&P, b, 2, 3, NAN, &r, &err), 0);
    assert_null(find(&r, "bp-sustained"));
    /* high every 2 min for 6 min: readings 0 and 6 are one unbroken high run >= 5 min apart */
    struct vitals_reading e[] = {R(0, 185, 100, 80, 98), R(2, 185, 100, 80, 98),
                                 R(4, 186, 100, 80, 98), R(6, 187, 100, 80, 98)};
    assert_int_equal(vitals_evaluate(&P, e, 4, 6, NAN, &r, &err), 0);
    assert_true(find(&r, "bp-sustained")->t_min == 6);
    int count = 0;
    for (int i = 0; i < r.n_alarms; i++) count += !strcmp(r.alarms[i].id, "bp-sustained");
    assert_int_equal(count, 1);
    /* a normal reading breaks the run */
    e[2] = R(4, 150, 90, 80, 98);
    assert_int_equal(vitals_evaluate(&P, e, 4, 6, NAN, &r, &err), 0);
    assert_null(find(&r, "bp-sustained"));
    assert_non_null(find(&r, "bp-high"));
    /* > 200/120 once: critical */
    struct vitals_reading c[] = {R(0, 205, 100, 80, 98)};
    assert_int_equal(vitals_evaluate(&P, c, 1, 0, NAN, &r, &err), 0);
    assert_int_equal(find(&r, "bp-single")->severity, VITALS_CRITICAL);
    /* HR > 120 for 5 min */
    struct vitals_reading h[] = {R(0, 120, 80, 125, 98), R(2, NAN, NAN, 126, 98),
                                 R(5, 121, 80, 124, 98)};
    assert_int_equal(vitals_evaluate(&P, h, 3, 5, NAN, &r, &err), 0);
    assert_non_null(find(&r, "hr-sustained"));
    struct vitals_reading h2[] = {R(0, 190, 80, 125, 98), R(5, 120, 80, 126, 98),
                                  R(6, 120, 80, 127, 98), R(8, 120, 80, 128, 98)};
    assert_int_equal(vitals_evaluate(&P, h2, 4, 8, NAN, &r, &err), 0);
    count = 0;
    for (int i = 0; i < r.n_alarms; i++) count += !strcmp(r.alarms[i].id, "hr-sustained");
    assert_int_equal(count, 1); /* once per run, whatever other alarms come between */
    assert_int_equal(vitals_evaluate(&P, h, 2, 2, NAN, &r, &err), 0);
    assert_null(find(&r, "hr-sustained"));
    /* SpO2 below 92 */
    struct vitals_reading s[] = {R(0, 120, 80, 80, 91)};
    assert_int_equal(vitals_evaluate(&P, s, 1, 0, NAN, &r, &err), 0);
    assert_int_equal(find(&r, "spo2-low")->severity, VITALS_CRITICAL);
    assert_int_equal(vitals_evaluate(&P, s, 1, 0.5, NAN, &r, &err), 0);
    assert_null(find(&r, "spo2-missing"));
}

/* Missing data: SpO2 stream stops (alarm.spo2_gap_min), BP overdue (monitor.bp_interval_min). */
static void missing_data(void **state)
{
    (void)state;
    struct vitals_result r;
    struct kc_error err = {0};
    struct vitals_reading a[] = {R(0, 120, 80, 80, 98), R(5, NAN, NAN, 80, 98)};
    assert_int_equal(vitals_evaluate(&P, a, 2, 6.5, NAN, &r, &err), 0);
    assert_int_equal(find(&r, "spo2-missing")->severity, VITALS_CRITICAL);
    assert_null(find(&r, "bp-due"));
    assert_int_equal(vitals_evaluate(&P, a, 2, 11, NAN, &r, &err), 0);
    assert_non_null(find(&r, "bp-due"));
    /* after the infusion ended BP is due every 15 min (Riva-Posse 2018) */
    assert_int_equal(vitals_evaluate(&P, a, 2, 11, 10, &r, &err), 0);
    assert_null(find(&r, "bp-due"));
    assert_int_equal(vitals_evaluate(&P, a, 2, 15.5, 10, &r, &err), 0);
    assert_non_null(find(&r, "bp-due"));
    assert_int_equal(vitals_evaluate(&P, NULL, 0, 0, NAN, &r, &err), 0);
    assert_non_null(find(&r, "spo2-missing"));
    /* unsorted and future readings are refused, naming the reading */
    struct vitals_reading u[] = {R(5, 120, 80, 80, 98), R(1, 120, 80, 80, 98)};
    assert_int_equal(vitals_evaluate(&P, u, 2, 6, NAN, &r, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "reading 2"));
    assert_int_equal(vitals_evaluate(&P, a, 2, 4, NAN, &r, &err), KC_EINVAL);
    /* a clinic override moves the threshold, and the trace says so */
    struct protocol q;
    protocol_init_default(&q);
    assert_int_equal(protocol_apply_override(&q, "{\"clinic\":\"c\",\"overrides\":{\"alarm.spo2_min_pct\":90}}", &err), 0);
    struct vitals_reading s[] = {R(0, 120, 80, 80, 91)};
    assert_int_equal(vitals_evaluate(&q, s, 1, 0, NAN, &r, &err), 0);
    assert_null(find(&r, "spo2-low"));
    assert_string_equal(r.trace.version, "kc-default-2026.2+c");
}

/* Aldrete >= 9; SPRAVATO >= 2 h; BP within 20% of baseline; escort. */
static void discharge_readiness(void **state)
{
    (void)state;
    struct discharge_result r;
    struct kc_error err = {0};
    struct discharge_input in = {1, 125, {2, 2, 1, 2, 2}, 1, 120, 80, 130, 85, 1, 1, 0};
    assert_int_equal(discharge_check(&P, &in, &r, &err), 0);
    assert_true(r.ready);
    assert_int_equal(r.aldrete_total, 9);
    in.minutes_since_dose = 119;
    assert_int_equal(discharge_check(&P, &in, &r, &err), 0);
    assert_false(r.ready);
    assert_non_null(strstr(r.missing[0], "observed 119 of the minimum 120 min"));
    in.esketamine = 0; /* IV: 60 min default (product decision) */
    assert_int_equal(discharge_check(&P, &in, &r, &err), 0);
    assert_true(r.ready);
    in.aldrete[3] = 1;
    in.sbp = 150;
    in.escort_present = 0;
    assert_int_equal(discharge_check(&P, &in, &r, &err), 0);
    assert_false(r.ready);
    assert_int_equal(r.n_missing, 3);
    assert_non_null(strstr(r.missing[0], "Aldrete 8 below the pass mark 9"));
    assert_non_null(strstr(r.missing[1], "not within 20% of baseline"));
    assert_non_null(strstr(r.missing[2], "escort"));
    in.aldrete[0] = 3;
    assert_int_equal(discharge_check(&P, &in, &r, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "item 1"));
}

/* Aldrete, J Clin Anesth 1995;7:89, item definitions: respiration "2 able to breathe deeply and
 * cough freely; 1 dyspnea, shallow or limited breathing; 0 apneic"; oxygen saturation "2 able to
 * maintain SpO2 >92% on room air; 1 needs O2 inhalation to maintain SpO2 >90%; 0 SpO2 <90% even
 * with O2 supplement".  A total of 9 with either item at 1 is not a discharge home (product
 * rule, issue 14); neither is any item at 0, whatever the pass mark. */
static void discharge_needs_breathing_and_oxygen_at_best(void **state)
{
    (void)state;
    struct discharge_result r;
    struct kc_error err = {0};
    struct discharge_input in = {0, 90, {2, 2, 2, 2, 2}, 1, 120, 80, 125, 82, 1, 1, 0};
    assert_int_equal(discharge_check(&P, &in, &r, &err), 0);
    assert_true(r.ready);
    in.aldrete[1] = 1; /* dyspnoea: total 9, at the pass mark */
    assert_int_equal(discharge_check(&P, &in, &r, &err), 0);
    assert_int_equal(r.aldrete_total, 9);
    assert_false(r.ready);
    assert_non_null(strstr(r.missing[0], "respiration 1"));
    in.aldrete[1] = 2;
    in.aldrete[4] = 1; /* needs oxygen to keep SpO2 above 90% */
    assert_int_equal(discharge_check(&P, &in, &r, &err), 0);
    assert_false(r.ready);
    assert_non_null(strstr(r.missing[0], "oxygen saturation 1"));
    /* a clinic with pass mark 8 (its safe minimum): a zero item still keeps the patient */
    struct protocol q;
    protocol_init_default(&q);
    assert_int_equal(protocol_apply_override(&q, "{\"clinic\":\"c\",\"overrides\":"
                                                 "{\"discharge.aldrete_pass\":8}}", &err), 0);
    in.aldrete[4] = 2;
    in.aldrete[0] = 0; /* no movement */
    assert_int_equal(discharge_check(&q, &in, &r, &err), 0);
    assert_int_equal(r.aldrete_total, 8);
    assert_false(r.ready);
    assert_int_equal(r.n_missing, 1);
    assert_non_null(strstr(r.missing[0], "activity 0"));
    in.aldrete[0] = 1;
    in.aldrete[2] = 1;
    assert_int_equal(discharge_check(&q, &in, &r, &err), 0);
    assert_true(r.ready); /* 8 with no zero item and both at 2 */
    assert_int_equal(discharge_check(&P, &in, &r, &err), 0);
    assert_false(r.ready); /* the default pass mark 9 */
}

/* A long desaturation at 1 Hz raises an alarm per reading, more than the list holds: the oldest
 * are left out and counted, and the alarms of the latest readings (here a BP crisis after it)
 * are always kept. */
static void alarm_list_keeps_the_newest(void **state)
{
    (void)state;
    enum { N = 200 };
    static struct vitals_reading rd[N + 1];
    struct vitals_result r;
    struct kc_error err = {0};
    for (int i = 0; i < N; i++) rd[i] = R(i / 60.0, NAN, NAN, 80, 85); /* SpO2 85% every second */
    rd[0] = R(0, 120, 80, 80, 85);
    rd[N] = R(N / 60.0, 210, 125, 80, 96);
    assert_int_equal(vitals_evaluate(&P, rd, N + 1, N / 60.0, NAN, &r, &err), 0);
    assert_int_equal(r.n_alarms, VITALS_MAX_ALARMS);
    assert_int_equal(r.n_alarms + r.n_left_out, N + 2); /* N spo2-low, bp-single, sbp-rise */
    const struct vitals_alarm *bp = find(&r, "bp-single");
    assert_non_null(bp);
    assert_true(bp->t_min == N / 60.0);
    assert_true(r.alarms[0].t_min > 0); /* the first readings' alarms were the ones left out */
    for (int i = 1; i < r.n_alarms; i++) assert_true(r.alarms[i].t_min >= r.alarms[i - 1].t_min);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(predose_gate),
        cmocka_unit_test(intra_session_alarms),
        cmocka_unit_test(alarm_list_keeps_the_newest),
        cmocka_unit_test(missing_data),
        cmocka_unit_test(discharge_readiness),
        cmocka_unit_test(discharge_needs_breathing_and_oxygen_at_best),
    };
    return cmocka_run_group_tests_name("clinic_vitals", tests, setup, NULL);
}
