/* discharge.c — discharge readiness: Aldrete pass mark, minimum observation, BP back within the
 * band of baseline, escort, mental status.  Lists everything still missing. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clinic/discharge.h"
#include "clinic/plausibility.h"
#include "clinic/scale.h"

static void missing(struct discharge_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void missing(struct discharge_result *r, const char *fmt, ...)
{
    if (r->n_missing >= DISCHARGE_MAX_MISSING) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->missing[r->n_missing++], sizeof r->missing[0], fmt, ap);
    va_end(ap);
}

int discharge_check(const struct protocol *p, const struct discharge_input *in,
                    struct discharge_result *out, struct kc_error *err)
{
    struct discharge_result r;
    int rc;
    memset(&r, 0, sizeof r);
    protocol_trace_begin(&r.trace, p);
    r.aldrete_total = -1;
    if (!isfinite(in->minutes_since_dose) || in->minutes_since_dose < 0)
        return kc_error_set(err, KC_EINVAL, "time since dose must be >= 0 min");
    if ((rc = plaus_bp_pair(in->baseline_sbp, in->baseline_dbp, err)))
        return kc_error_prefix(err, "baseline BP");
    if (in->sbp > 0 && (rc = plaus_bp_pair(in->sbp, in->dbp, err)))
        return kc_error_prefix(err, "current BP");
    if (in->aldrete_given) {
        struct scale_result s;
        rc = scale_score(p, scale_find("aldrete"), in->aldrete, 5, &s, err);
        if (rc) return rc;
        r.aldrete_total = s.total;
        double pass = protocol_use(p, "discharge.aldrete_pass", &r.trace);
        if (s.total < pass) missing(&r, "modified Aldrete %d below the pass mark %.0f", s.total, pass);
        /* Home discharge after sedation (issue 14; clinical.md s11): the total alone lets a 9
         * pass with dyspnoea (respiration 1) or with oxygen needed to keep SpO2 above 90% (SpO2
         * 1) — Aldrete, J Clin Anesth 1995;7:89 item definitions.  Product rule: those two items
         * at their best value (2), and no item at 0 ("some use >=8 with no zero item"). */
        static const char *const item[5] = {"activity", "respiration", "circulation",
                                            "consciousness", "oxygen saturation"};
        if (in->aldrete[1] < 2)
            missing(&r, "Aldrete respiration %d: needs 2 (breathes deeply and coughs freely) to "
                        "go home", in->aldrete[1]);
        if (in->aldrete[4] < 2)
            missing(&r, "Aldrete oxygen saturation %d: needs 2 (SpO2 >92%% on room air) to go "
                        "home", in->aldrete[4]);
        for (int i = 0; i < 5; i++)
            if (in->aldrete[i] == 0 && i != 1 && i != 4)
                missing(&r, "Aldrete %s 0: no item may be 0 at discharge", item[i]);
    } else {
        (void)protocol_use(p, "discharge.aldrete_pass", &r.trace);
        missing(&r, "modified Aldrete not scored");
    }
    r.observation_min = protocol_use(p, in->esketamine ? "discharge.min_observation_esk_min"
                                                       : "discharge.min_observation_iv_min",
                                     &r.trace);
    if (in->minutes_since_dose < r.observation_min)
        missing(&r, "observed %.0f of the minimum %.0f min%s", in->minutes_since_dose,
                r.observation_min, in->esketamine ? " (SPRAVATO label: 2 h)" : "");
    double band = protocol_use(p, "discharge.bp_band_pct", &r.trace) / 100.0;
    if (in->sbp <= 0) {
        missing(&r, "no BP before discharge");
    } else if (fabs(in->sbp - in->baseline_sbp) > band * in->baseline_sbp ||
               fabs(in->dbp - in->baseline_dbp) > band * in->baseline_dbp) {
        missing(&r, "BP %.0f/%.0f not within %.0f%% of baseline %.0f/%.0f", in->sbp, in->dbp,
                band * 100, in->baseline_sbp, in->baseline_dbp);
    }
    if (!in->mental_status_baseline) missing(&r, "mental status not confirmed back to baseline");
    if (!in->escort_present) missing(&r, "no responsible adult escort");
    if (in->esketamine && in->moderate_hepatic)
        missing(&r, "moderate hepatic impairment: the label asks for longer monitoring; "
                    "clinician to confirm");
    snprintf(r.advice, sizeof r.advice, "%s",
             in->esketamine ? "no driving or machinery until the next day after restful sleep "
                              "(SPRAVATO label)"
                            : "no driving for 24 h (common IV clinic practice); go home with the "
                              "escort");
    r.ready = r.n_missing == 0;
    *out = r;
    return KC_OK;
}
