/* dose_volume.c — a volume as a person reads it off a syringe: at the syringe's precision
 * (0.01 mL below 1 mL, 0.1 mL from 1 mL), with more digits whenever rounding to that precision
 * would show a different dose, and a flag saying whether the volume can be measured at all. */
#include <math.h>
#include <stdio.h>

#include "clinic/dose.h"

int dose_volume_text(const struct protocol *p, double ml, char *out, size_t cap, int *measurable,
                     struct kc_error *err)
{
    if (!isfinite(ml) || ml <= 0 || ml > 10000)
        return kc_error_set(err, KC_EINVAL, "volume %g mL: expected more than 0 and at most "
                            "10000 mL", ml);
    /* 1-mL syringes are graduated in 0.01 mL; 3-10 mL syringes in 0.1-0.2 mL (ISO 7886-1
     * graduation scales; product decision to use 0.1 mL from 1 mL) */
    int digits = ml < 1.0 ? 2 : 1;
    double tol = protocol_use(p, "dose.volume_display_tolerance_pct", NULL) / 100.0;
    int shown = digits;
    for (; shown < 4; shown++) {
        double scale = pow(10.0, shown);
        if (fabs(round(ml * scale) / scale - ml) <= tol * ml) break;
    }
    if (measurable) *measurable = shown == digits;
    snprintf(out, cap, "%.*f mL", shown, ml);
    return KC_OK;
}
