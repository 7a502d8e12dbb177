/* vitals.h — vital-sign rules during a session: the pre-dose gate, intra-session alarms
 * (single-reading, sustained, rate-of-change, missing data), each with its severity, action and
 * source; and discharge readiness (discharge.h).  Thresholds come from the protocol table.
 * Times are minutes from the start of the session (double), given by the caller. */
#ifndef KC_CLINIC_VITALS_H
#define KC_CLINIC_VITALS_H

#include "base/error.h"
#include "clinic/protocol.h"

/* One reading; a parameter not measured in it is NAN. */
struct vitals_reading {
    double t_min;
    double sbp_mmhg, dbp_mmhg, hr_bpm, spo2_pct;
};

enum vitals_severity { VITALS_INFO, VITALS_WARNING, VITALS_CRITICAL };
const char *vitals_severity_name(enum vitals_severity s);

#define VITALS_MAX_ALARMS 32
struct vitals_alarm {
    const char *id; /* "bp-single", "bp-sustained", "hr-sustained", "spo2-low", "sbp-rise", "spo2-missing", ... */
    enum vitals_severity severity;
    double t_min;   /* time of the reading that raised it (or now for missing data) */
    char text[160];
    const char *action;
    const char *source;
};

struct vitals_result {
    int dose_allowed; /* pre-dose gate only: 1 = may dose now without a clinician's review */
    /* oldest first; when more are raised than fit, the oldest are left out (the latest reading's
     * alarms always stay) and counted in n_left_out */
    struct vitals_alarm alarms[VITALS_MAX_ALARMS];
    int n_alarms, n_left_out;
    struct protocol_trace trace;
};

/* Pre-dose gate on one reading (clinical.md s1c, s3): BP missing -> not allowed (measure first);
 * BP above gate.sbp_max_mmhg/gate.dbp_max_mmhg -> clinician review; HR above gate.hr_max_bpm
 * -> review; SpO2 below gate.spo2_min_pct -> not allowed.  Implausible values are KC_ERANGE
 * naming the parameter (plausibility.h). */
int vitals_predose_gate(const struct protocol *p, const struct vitals_reading *r,
                        struct vitals_result *out, struct kc_error *err);

/* Alarms over readings[0..n) (sorted by t_min, all <= now_min) at time now_min:
 *  - BP single reading above alarm.sbp_single_mmhg/alarm.dbp_single_mmhg: critical;
 *  - BP above alarm.sbp_sustained_mmhg/alarm.dbp_sustained_mmhg on two readings at least
 *    alarm.sustained_window_min apart with no normal BP reading between: critical (once per
 *    run); high on the latest reading but not yet for that long: warning;
 *  - HR above alarm.hr_sustained_bpm throughout >= alarm.hr_window_min: warning (once per run);
 *  - SpO2 below alarm.spo2_min_pct: critical;
 *  - SBP rise >= alarm.sbp_rise_mmhg within alarm.rise_window_min: warning;
 *  - missing data: no SpO2 for more than alarm.spo2_gap_min before now: critical; no BP for more
 *    than monitor.bp_interval_min (monitor.bp_interval_post_min once now >= infusion_end_min;
 *    pass NAN while infusing or when there is no infusion end): warning (BP due).
 * Unsorted times, readings after now, or implausible values are KC_EINVAL/KC_ERANGE naming the
 * reading (1-based) and parameter. */
int vitals_evaluate(const struct protocol *p, const struct vitals_reading *readings, int n,
                    double now_min, double infusion_end_min, struct vitals_result *out,
                    struct kc_error *err);

#endif
