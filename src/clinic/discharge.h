/* discharge.h — discharge readiness after a session: modified Aldrete at or above the pass
 * mark with respiration and oxygen saturation at their best value (2) and no item at 0 (Aldrete
 * 1995 items; product rule for discharge home), minimum observation time (2 h for esketamine),
 * BP back within the configured band of baseline, escort present, mental status at baseline.
 * The result lists what is missing. */
#ifndef KC_CLINIC_DISCHARGE_H
#define KC_CLINIC_DISCHARGE_H

#include "base/error.h"
#include "clinic/protocol.h"

struct discharge_input {
    int esketamine;          /* 1 = SPRAVATO session (label minimum observation) */
    double minutes_since_dose; /* esketamine: since the last device; IV/IM: since the dose ended */
    int aldrete[5];          /* activity, respiration, circulation, consciousness, SpO2; 0-2 */
    int aldrete_given;       /* 0 = not scored yet */
    double baseline_sbp, baseline_dbp; /* pre-dose */
    double sbp, dbp;         /* latest; 0 = not measured */
    int escort_present;      /* responsible adult to take the patient home */
    int mental_status_baseline; /* back to baseline mental status, per the clinician */
    int moderate_hepatic;    /* esketamine label: longer monitoring; noted, not timed */
};

#define DISCHARGE_MAX_MISSING 10
struct discharge_result {
    int ready;
    int aldrete_total;      /* -1 when not scored */
    double observation_min; /* minimum observation that applied */
    char missing[DISCHARGE_MAX_MISSING][200];
    int n_missing;
    char advice[200];       /* driving/transport advice to give at discharge */
    struct protocol_trace trace;
};

/* Checks readiness.  Bad input (Aldrete items outside 0-2, negative times, implausible BP) is
 * KC_EINVAL/KC_ERANGE naming the field; otherwise ready = (n_missing == 0). */
int discharge_check(const struct protocol *p, const struct discharge_input *in,
                    struct discharge_result *out, struct kc_error *err);

#endif
