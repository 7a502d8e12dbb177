/* vitals.c — pre-dose gate and intra-session alarms over a series of readings.
 * Thresholds: protocol table (alarm.*, gate.*, monitor.*); actions: clinical.md s3. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clinic/plausibility.h"
#include "clinic/vitals.h"

#define ACT_HTN "pause or stop the infusion, recheck BP every 5 min, treat (e.g. clonidine 0.1 mg PO, labetalol); refer if chest pain, dyspnoea, severe headache, visual change, seizure or focal deficit"
#define SRC_HTN "clinical.md s3 (academic esketamine clinic protocol; SPRAVATO label for crisis symptoms)"

const char *vitals_severity_name(enum vitals_severity s)
{
    return s == VITALS_CRITICAL ? "critical" : s == VITALS_WARNING ? "warning" : "info";
}

static void alarm(struct vitals_result *r, const char *id, enum vitals_severity sev, double t,
                  const char *action, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static void alarm(struct vitals_result *r, const char *id, enum vitals_severity sev, double t,
                  const char *action, const char *source, const char *fmt, ...)
{
    if (r->n_alarms >= VITALS_MAX_ALARMS) {
        /* A long session at 1 Hz can raise hundreds (one per low SpO2 reading): drop the oldest,
         * never the newest — the alarm of the latest reading is the one the nurse must see. */
        memmove(&r->alarms[0], &r->alarms[1], (VITALS_MAX_ALARMS - 1) * sizeof r->alarms[0]);
        r->n_alarms--;
        r->n_left_out++;
    }
    struct vitals_alarm *a = &r->alarms[r->n_alarms++];
    va_list ap;
    a->id = id;
    a->severity = sev;
    a->t_min = t;
    a->action = action;
    a->source = source;
    va_start(ap, fmt);
    vsnprintf(a->text, sizeof a->text, fmt, ap);
    va_end(ap);
}

static int check_reading(const struct vitals_reading *v, int idx, struct kc_error *err)
{
    static const char *const code[] = {"sbp", "dbp", "hr", "spo2"};
    const double val[] = {v->sbp_mmhg, v->dbp_mmhg, v->hr_bpm, v->spo2_pct};
    if (!isfinite(v->t_min) || v->t_min < 0)
        return kc_error_set(err, KC_EINVAL, "reading %d: time must be a finite number >= 0", idx);
    for (int i = 0; i < 4; i++)
        if (!isnan(val[i]) && plaus_vital_check(code[i], val[i], err))
            return kc_error_prefix(err, "reading %d", idx);
    if (!isnan(v->sbp_mmhg) != !isnan(v->dbp_mmhg))
        return kc_error_set(err, KC_EINVAL, "reading %d: systolic and diastolic come together", idx);
    if (!isnan(v->sbp_mmhg) && plaus_bp_pair(v->sbp_mmhg, v->dbp_mmhg, err))
        return kc_error_prefix(err, "reading %d", idx);
    return KC_OK;
}

int vitals_predose_gate(const struct protocol *p, const struct vitals_reading *v,
                        struct vitals_result *out, struct kc_error *err)
{
    struct vitals_result r;
    memset(&r, 0, sizeof r);
    protocol_trace_begin(&r.trace, p);
    int rc = check_reading(v, 1, err);
    if (rc) return rc;
    double sbp = protocol_use(p, "gate.sbp_max_mmhg", &r.trace);
    double dbp = protocol_use(p, "gate.dbp_max_mmhg", &r.trace);
    double hr = protocol_use(p, "gate.hr_max_bpm", &r.trace);
    double spo2 = protocol_use(p, "gate.spo2_min_pct", &r.trace);
    r.dose_allowed = 1;
    if (isnan(v->sbp_mmhg)) {
        r.dose_allowed = 0;
        alarm(&r, "bp-missing", VITALS_CRITICAL, v->t_min, "measure BP before dosing",
              "SPRAVATO label (BP before dosing)", "no pre-dose BP");
    } else if (v->sbp_mmhg > sbp || v->dbp_mmhg > dbp) {
        r.dose_allowed = 0;
        alarm(&r, "bp-gate", VITALS_WARNING, v->t_min,
              "clinician review before dosing: weigh the short-term BP rise against benefit",
              "SPRAVATO label; Sanacora 2017 (attributed)", "BP %.0f/%.0f above the %.0f/%.0f gate",
              v->sbp_mmhg, v->dbp_mmhg, sbp, dbp);
    }
    if (!isnan(v->hr_bpm) && v->hr_bpm > hr) {
        r.dose_allowed = 0;
        alarm(&r, "hr-gate", VITALS_WARNING, v->t_min, "recheck; clinician review before dosing",
              "Sanacora 2017 (attributed HR 110; unverified)", "HR %.0f above %.0f", v->hr_bpm, hr);
    }
    if (isnan(v->spo2_pct)) {
        r.dose_allowed = 0;
        alarm(&r, "spo2-missing", VITALS_CRITICAL, v->t_min, "attach pulse oximetry before dosing",
              "SPRAVATO label/REMS (pulse oximetry each session)", "no pre-dose SpO2");
    } else if (v->spo2_pct < spo2) {
        r.dose_allowed = 0;
        alarm(&r, "spo2-gate", VITALS_CRITICAL, v->t_min, "do not dose; assess respiratory status",
              "modified Aldrete (SpO2 >92% on air)", "SpO2 %.0f%% below %.0f%%", v->spo2_pct, spo2);
    }
    *out = r;
    return KC_OK;
}

static int bp_high(const struct vitals_reading *v, double s, double d)
{
    return !isnan(v->sbp_mmhg) && (v->sbp_mmhg > s || v->dbp_mmhg > d);
}

int vitals_evaluate(const struct protocol *p, const struct vitals_reading *rd, int n,
                    double now, double infusion_end, struct vitals_result *out,
                    struct kc_error *err)
{
    struct vitals_result tmp;
    memset(&tmp, 0, sizeof tmp);
    protocol_trace_begin(&tmp.trace, p);
    if (n < 0 || (n > 0 && !rd)) return kc_error_set(err, KC_EINVAL, "no readings");
    if (!isfinite(now) || now < 0) return kc_error_set(err, KC_EINVAL, "now must be >= 0 min");
    for (int i = 0; i < n; i++) {
        int rc = check_reading(&rd[i], i + 1, err);
        if (rc) return rc;
        if (i > 0 && rd[i].t_min < rd[i - 1].t_min)
            return kc_error_set(err, KC_EINVAL, "reading %d: time %g min is before reading %d",
                                i + 1, rd[i].t_min, i);
        if (rd[i].t_min > now)
            return kc_error_set(err, KC_EINVAL, "reading %d: time %g min is after now (%g min)",
                                i + 1, rd[i].t_min, now);
    }
    double s1 = protocol_use(p, "alarm.sbp_single_mmhg", &tmp.trace);
    double d1 = protocol_use(p, "alarm.dbp_single_mmhg", &tmp.trace);
    double s2 = protocol_use(p, "alarm.sbp_sustained_mmhg", &tmp.trace);
    double d2 = protocol_use(p, "alarm.dbp_sustained_mmhg", &tmp.trace);
    double win = protocol_use(p, "alarm.sustained_window_min", &tmp.trace);
    double hrmax = protocol_use(p, "alarm.hr_sustained_bpm", &tmp.trace);
    double hrwin = protocol_use(p, "alarm.hr_window_min", &tmp.trace);
    double spo2min = protocol_use(p, "alarm.spo2_min_pct", &tmp.trace);
    double spo2gap = protocol_use(p, "alarm.spo2_gap_min", &tmp.trace);
    double rise = protocol_use(p, "alarm.sbp_rise_mmhg", &tmp.trace);
    double risewin = protocol_use(p, "alarm.rise_window_min", &tmp.trace);
    if (!isnan(infusion_end) && !(infusion_end >= 0 && isfinite(infusion_end)))
        return kc_error_set(err, KC_EINVAL, "infusion end must be >= 0 min");
    int post = !isnan(infusion_end) && now >= infusion_end;
    double bpint = protocol_use(p, post ? "monitor.bp_interval_post_min" : "monitor.bp_interval_min",
                                &tmp.trace);
    /* run = first reading of the current run of consecutive BP readings above the sustained
     * limits: "two readings 5 min apart" means any two in one unbroken high run */
    int run = -1, last_bp = -1, last_spo2 = -1, sustained_raised = 0, hr_raised = 0;
    double hr_since = NAN;
    for (int i = 0; i < n; i++) {
        const struct vitals_reading *v = &rd[i];
        if (!isnan(v->sbp_mmhg)) {
            int high = bp_high(v, s2, d2);
            if (!high) run = -1, sustained_raised = 0;
            else if (run < 0) run = i;
            if (v->sbp_mmhg > s1 || v->dbp_mmhg > d1)
                alarm(&tmp, "bp-single", VITALS_CRITICAL, v->t_min, ACT_HTN, SRC_HTN,
                      "BP %.0f/%.0f above %.0f/%.0f", v->sbp_mmhg, v->dbp_mmhg, s1, d1);
            else if (high && run != i && v->t_min - rd[run].t_min >= win - 1e-9) {
                if (!sustained_raised)
                    alarm(&tmp, "bp-sustained", VITALS_CRITICAL, v->t_min, ACT_HTN, SRC_HTN,
                          "BP above %.0f/%.0f on readings %.0f min apart (%.0f/%.0f, "
                          "%.0f/%.0f)",
                          s2, d2, v->t_min - rd[run].t_min, rd[run].sbp_mmhg, rd[run].dbp_mmhg,
                          v->sbp_mmhg, v->dbp_mmhg);
                sustained_raised = 1;
            } else if (high && i == n - 1 && !sustained_raised) {
                alarm(&tmp, "bp-high", VITALS_WARNING, v->t_min,
                      "recheck BP within 5 min (monitor.bp_interval_alarmed_min)", SRC_HTN,
                      "BP %.0f/%.0f above %.0f/%.0f, not yet sustained", v->sbp_mmhg, v->dbp_mmhg,
                      s2, d2);
                (void)protocol_use(p, "monitor.bp_interval_alarmed_min", &tmp.trace);
            }
            for (int j = i - 1; j >= 0 && v->t_min - rd[j].t_min <= risewin + 1e-9; j--)
                if (!isnan(rd[j].sbp_mmhg) && v->sbp_mmhg - rd[j].sbp_mmhg >= rise) {
                    alarm(&tmp, "sbp-rise", VITALS_WARNING, v->t_min,
                          "recheck in 5 min; slow or pause the infusion if it keeps rising",
                          "protocol alarm.sbp_rise_mmhg (product decision, unverified)",
                          "SBP rose %.0f mmHg in %.0f min (%.0f -> %.0f)",
                          v->sbp_mmhg - rd[j].sbp_mmhg, v->t_min - rd[j].t_min, rd[j].sbp_mmhg,
                          v->sbp_mmhg);
                    break;
                }
            last_bp = i;
        }
        if (!isnan(v->hr_bpm)) {
            if (v->hr_bpm > hrmax) {
                if (isnan(hr_since)) hr_since = v->t_min;
                if (v->t_min - hr_since >= hrwin - 1e-9 && !hr_raised) {
                    hr_raised = 1;
                    alarm(&tmp, "hr-sustained", VITALS_WARNING, v->t_min,
                          "assess pain, anxiety and BP; pause the infusion if it persists; "
                          "consider a beta-blocker if hypertensive (clinical.md s3)",
                          "clinical.md s3 (HR >120 sustained 5 min; Sanacora-attributed 110)",
                          "HR above %.0f for %.0f min", hrmax, v->t_min - hr_since);
                }
            } else {
                hr_since = NAN;
                hr_raised = 0;
            }
        }
        if (!isnan(v->spo2_pct)) {
            if (v->spo2_pct < spo2min)
                alarm(&tmp, "spo2-low", VITALS_CRITICAL, v->t_min,
                      "stop the infusion, stimulate, open the airway, give oxygen; call for help "
                      "if it does not recover",
                      "modified Aldrete (SpO2 >92% on air); SPRAVATO respiratory depression "
                      "warning",
                      "SpO2 %.0f%% below %.0f%%", v->spo2_pct, spo2min);
            last_spo2 = i;
        }
    }
    if (last_spo2 < 0 || now - rd[last_spo2].t_min > spo2gap + 1e-9)
        alarm(&tmp, "spo2-missing", VITALS_CRITICAL, now,
              "check the probe and the monitor link; continuous SpO2 is required",
              "ASA moderate sedation; SPRAVATO label (pulse oximetry)",
              last_spo2 < 0 ? "no SpO2 reading" : "no SpO2 for %.1f min",
              last_spo2 < 0 ? 0.0 : now - rd[last_spo2].t_min);
    if (last_bp < 0 || now - rd[last_bp].t_min > bpint + 1e-9)
        alarm(&tmp, "bp-due", VITALS_WARNING, now, "take a BP reading now",
              post ? "Riva-Posse 2018 (BP every 15 min after the infusion)"
                   : "Riva-Posse 2018 (BP every 10 min during infusion)",
              last_bp < 0 ? "no BP reading" : "last BP %.0f min ago",
              last_bp < 0 ? 0.0 : now - rd[last_bp].t_min);
    *out = tmp;
    return KC_OK;
}
