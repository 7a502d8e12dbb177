/* dose_titration.c — dose steps across sessions to a ceiling (Loo 2016: 0.1 mg/kg, +0.1 per
 * session at least a week apart, to 0.5 mg/kg), held under the route's limits. */
#include <math.h>
#include <string.h>

#include "clinic/dose.h"

int dose_titrate(const struct protocol *p, enum dose_route route, double start_mg_per_kg,
                 double step_mg_per_kg, double ceiling_mg_per_kg, const char *override_reason,
                 struct dose_titration *out, struct kc_error *err)
{
    static const char *const max_key[] = {"iv.max_default_mg_per_kg", "im.max_default_mg_per_kg",
                                          "sc.max_default_mg_per_kg"};
    static const char *const hard_key[] = {"iv.hard_limit_mg_per_kg", "im.hard_limit_mg_per_kg",
                                           "sc.hard_limit_mg_per_kg"};
    struct dose_titration t;
    memset(&t, 0, sizeof t);
    protocol_trace_begin(&t.trace, p);
    t.route = route;
    if ((unsigned)route > DOSE_ROUTE_SC)
        return kc_error_set(err, KC_EUNSUPPORTED,
                            "titration in mg/kg is for IV, IM and SC; oral steps are fixed mg "
                            "(oral.start_mg, oral.step_mg)");
    double start = start_mg_per_kg > 0 ? start_mg_per_kg
                                       : protocol_use(p, "titration.start_mg_per_kg", &t.trace);
    double step = step_mg_per_kg > 0 ? step_mg_per_kg
                                     : protocol_use(p, "titration.step_mg_per_kg", &t.trace);
    double ceil_ = ceiling_mg_per_kg > 0
                       ? ceiling_mg_per_kg
                       : protocol_use(p, "titration.ceiling_mg_per_kg", &t.trace);
    double hard = protocol_use(p, hard_key[route], &t.trace);
    double dmax = protocol_use(p, max_key[route], &t.trace);
    t.min_interval_days = protocol_use(p, "titration.min_interval_days", &t.trace);
    if (!isfinite(start) || !isfinite(step) || !isfinite(ceil_) || start < 0 || step < 0 ||
        ceil_ < 0)
        return kc_error_set(err, KC_EINVAL, "titration values must be positive numbers");
    if (start > ceil_)
        return kc_error_set(err, KC_EINVAL, "titration start %g mg/kg is above the ceiling %g",
                            start, ceil_);
    if (ceil_ > hard + 1e-9)
        return kc_error_set(err, KC_ERANGE,
                            "titration ceiling %g mg/kg refused: above the %s hard limit %g mg/kg "
                            "(%s)",
                            ceil_, dose_route_name(route), hard, hard_key[route]);
    if (ceil_ > dmax + 1e-9 && (!override_reason || !*override_reason))
        return kc_error_set(err, KC_ERANGE,
                            "titration ceiling %g mg/kg is above the protocol maximum %g mg/kg "
                            "(%s): needs a prescriber override with a reason",
                            ceil_, dmax, max_key[route]);
    if (step < 0.01)
        return kc_error_set(err, KC_EINVAL, "titration step %g mg/kg: at least 0.01", step);
    double v = start;
    while (t.n < DOSE_MAX_STEPS) {
        if (v > ceil_ - 1e-9) v = ceil_;
        t.mg_per_kg[t.n] = fmin(round(v * 1000.0) / 1000.0, ceil_);
        t.needs_override[t.n] = t.mg_per_kg[t.n] > dmax + 1e-9;
        t.n++;
        if (v >= ceil_) break;
        v += step;
    }
    if (t.mg_per_kg[t.n - 1] < ceil_ - 1e-9)
        return kc_error_set(err, KC_ELIMIT, "titration needs more than %d steps", DOSE_MAX_STEPS);
    *out = t;
    return KC_OK;
}
