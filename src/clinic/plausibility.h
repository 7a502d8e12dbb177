/* plausibility.h — physiological plausibility of a vital-sign value: the limits past which a
 * number is an entry or transmission error, not a patient (a weight of 900 kg, a blood pressure
 * of 20/300).  Not alarm thresholds: those are clinical and live in the protocol table.
 * The limits are the measurement ranges of common bedside monitors, widened; see
 * docs/clinical-sources.md ("Plausibility limits"). */
#ifndef KC_CLINIC_PLAUSIBILITY_H
#define KC_CLINIC_PLAUSIBILITY_H

#include "base/error.h"

struct plaus_vital {
    const char *code;  /* "hr" "spo2" "sbp" "dbp" "map" "rr" "temp" "etco2" */
    const char *unit;  /* UCUM: "/min" "%" "mm[Hg]" "Cel" */
    const char *name;
    double min, max;
};

/* The vital-sign table entry for code, or NULL. */
const struct plaus_vital *plaus_vital_find(const char *code);
/* 0 when value is plausible for code; KC_EINVAL (unknown code) or KC_ERANGE naming the limits. */
int plaus_vital_check(const char *code, double value, struct kc_error *err);
/* Systolic must exceed diastolic. */
int plaus_bp_pair(double sbp, double dbp, struct kc_error *err);
/* Body weight and height of a patient (kg, cm). */
int plaus_weight(double weight_kg, struct kc_error *err);
int plaus_height(double height_cm, struct kc_error *err);

#endif
