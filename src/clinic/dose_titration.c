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
    while (t.n < DOSE_MAX_STEPS) {
        double v = start + step * t.n; /* no accumulated rounding */
        if (v > ceil_ - 1e-9) v = ceil_;
        t.mg_per_kg[t.n] = v;
        t.needs_override[t.n] = v > dmax + 1e-9;
        t.n++;
        if (v >= ceil_) break;
    }
    if (t.mg_per_kg[t.n - 1] < ceil_ - 1e-9)
        return kc_error_set(err, KC_ELIMIT, "titration needs more than %d steps", DOSE_MAX_STEPS);
    *out = t;
    return KC_OK;
}

int dose_titrate_oral(const struct protocol *p, double weight_kg, double ceiling_mg,
                      const char *override_reason, struct dose_titration *out,
                      struct kc_error *err)
{
    struct dose_titration t;
    memset(&t, 0, sizeof t);
    protocol_trace_begin(&t.trace, p);
    t.route = DOSE_ROUTE_ORAL;
    if (!isfinite(weight_kg) || weight_kg < 20 || weight_kg > 350)
        return kc_error_set(err, KC_EINVAL, "oral titration needs the weight (20-350 kg)");
    if (!isfinite(ceiling_mg) || ceiling_mg < 0)
        return kc_error_set(err, KC_EINVAL, "oral titration ceiling must be a positive number");
    double start = protocol_use(p, "oral.start_mg", &t.trace);
    double step = protocol_use(p, "oral.step_mg", &t.trace);
    double hard_mg = protocol_use(p, "oral.hard_limit_mg", &t.trace);
    double hard_kg = protocol_use(p, "oral.hard_limit_mg_per_kg", &t.trace);
    double max_kg = protocol_use(p, "oral.max_default_mg_per_kg", &t.trace);
    t.min_interval_days = protocol_use(p, "oral.min_interval_days", &t.trace);
    double ceil_ = ceiling_mg;
    if (ceil_ == 0) {
        ceil_ = fmin(max_kg * weight_kg, hard_mg);
        ceil_ = start + floor((ceil_ - start) / step + 1e-9) * step;
    }
    if (ceil_ < start)
        return kc_error_set(err, KC_EINVAL, "oral titration ceiling %g mg is below the start %g mg",
                            ceil_, start);
    if (ceil_ > hard_mg + 1e-9 || ceil_ / weight_kg > hard_kg + 1e-9)
        return kc_error_set(err, KC_ERANGE,
                            "oral titration ceiling %g mg (%.2f mg/kg) refused: above the hard limit "
                            "%g mg or %g mg/kg (oral.hard_limit_mg, oral.hard_limit_mg_per_kg)",
                            ceil_, ceil_ / weight_kg, hard_mg, hard_kg);
    if (ceil_ / weight_kg > max_kg + 1e-9 && (!override_reason || !*override_reason))
        return kc_error_set(err, KC_ERANGE,
                            "oral titration ceiling %g mg (%.2f mg/kg) is above the protocol maximum "
                            "%g mg/kg (oral.max_default_mg_per_kg): needs a prescriber override "
                            "with a reason",
                            ceil_, ceil_ / weight_kg, max_kg);
    for (double v = start; t.n < DOSE_MAX_STEPS; v += step) {
        if (v > ceil_ - 1e-9) v = ceil_;
        t.mg[t.n] = v;
        t.mg_per_kg[t.n] = v / weight_kg;
        t.needs_override[t.n] = t.mg_per_kg[t.n] > max_kg + 1e-9;
        t.n++;
        if (v >= ceil_) break;
    }
    if (t.mg[t.n - 1] < ceil_ - 1e-9)
        return kc_error_set(err, KC_ELIMIT, "oral titration needs more than %d steps", DOSE_MAX_STEPS);
    *out = t;
    return KC_OK;
}
