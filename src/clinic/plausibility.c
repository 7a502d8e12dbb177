/* plausibility.c — the plausibility table (see plausibility.h). */
#include <math.h>
#include <string.h>

#include "clinic/plausibility.h"

/* Units are UCUM.  The LOINC codes of these vital signs live in one place, the FHIR mapping's
 * code table (src/fhir/fhir_codes.c). */
static const struct plaus_vital vitals[] = {
    {"hr", "/min", "Heart rate", 20, 300},
    {"spo2", "%", "Oxygen saturation (pulse oximetry)", 40, 100},
    {"sbp", "mm[Hg]", "Systolic blood pressure", 40, 300},
    {"dbp", "mm[Hg]", "Diastolic blood pressure", 15, 200},
    {"map", "mm[Hg]", "Mean arterial pressure", 25, 250},
    {"rr", "/min", "Respiratory rate", 2, 80},
    {"temp", "Cel", "Body temperature", 30, 44},
    {"etco2", "mm[Hg]", "End-tidal CO2", 0, 150},
};

const struct plaus_vital *plaus_vital_find(const char *code)
{
    for (size_t i = 0; code && i < sizeof vitals / sizeof vitals[0]; i++)
        if (strcmp(vitals[i].code, code) == 0) return &vitals[i];
    return NULL;
}

int plaus_vital_check(const char *code, double value, struct kc_error *err)
{
    const struct plaus_vital *v = plaus_vital_find(code);
    if (!v)
        return kc_error_set(err, KC_EINVAL,
                            "unknown vital sign '%s' (hr, spo2, sbp, dbp, map, rr, temp, etco2)",
                            code ? code : "");
    if (!isfinite(value) || value < v->min || value > v->max)
        return kc_error_set(err, KC_ERANGE, "%s %g %s is not plausible (accepted %g-%g %s)", v->name,
                            value, v->unit, v->min, v->max, v->unit);
    return KC_OK;
}

int plaus_bp_pair(double sbp, double dbp, struct kc_error *err)
{
    if (!(sbp > dbp))
        return kc_error_set(err, KC_ERANGE, "blood pressure %g/%g: systolic must exceed diastolic",
                            sbp, dbp);
    return KC_OK;
}

int plaus_weight(double weight_kg, struct kc_error *err)
{
    /* 0.3 kg (extreme prematurity) to 500 kg (beyond the heaviest recorded adults). */
    if (!isfinite(weight_kg) || weight_kg < 0.3 || weight_kg > 500)
        return kc_error_set(err, KC_ERANGE, "weight %g kg is not plausible (0.3-500 kg)", weight_kg);
    return KC_OK;
}

int plaus_height(double height_cm, struct kc_error *err)
{
    if (!isfinite(height_cm) || height_cm < 20 || height_cm > 280)
        return kc_error_set(err, KC_ERANGE, "height %g cm is not plausible (20-280 cm)", height_cm);
    return KC_OK;
}
