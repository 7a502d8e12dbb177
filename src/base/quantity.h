/* quantity.h — parsing of physical quantities written by people: "0.5mg/kg", "40min", "2 h",
 * "200ng/mL", "10mg/mL", "50mg/100mL", "0.75mg/kg/min".  Each parses to one canonical unit per
 * dimension, so code downstream never sees a unit string. */
#ifndef KC_BASE_QUANTITY_H
#define KC_BASE_QUANTITY_H

#include "base/error.h"

enum kc_dim {
    KC_DIM_NONE = 0,
    KC_DIM_MASS,             /* canonical mg            (g, mg, ug, mcg, µg) */
    KC_DIM_MASS_PER_KG,      /* canonical mg/kg         (mg/kg, ug/kg) */
    KC_DIM_TIME,             /* canonical min           (s, sec, min, h, hr) */
    KC_DIM_CONC,             /* canonical ng/mL = µg/L  (ng/mL, ug/mL, mg/L, mg/mL, ug/L, "50mg/100mL") */
    KC_DIM_VOLUME,           /* canonical mL            (mL, L) */
    KC_DIM_RATE_MASS,        /* canonical mg/min        (mg/min, mg/h, ug/min) */
    KC_DIM_RATE_MASS_PER_KG, /* canonical mg/kg/min     (mg/kg/min, mg/kg/h, ug/kg/min) */
    KC_DIM_RATE_VOLUME,      /* canonical mL/h          (mL/h, mL/min) */
    KC_DIM_COUNT
};

struct kc_quantity {
    double value;    /* in the canonical unit of dim */
    enum kc_dim dim;
};

/* Parses "NUMBER[ ]UNIT" (units case-insensitive).  The number must be finite and not negative.
 * On error returns KC_EINVAL with a message naming the text and the units allowed; *out is
 * untouched. */
int kc_quantity_parse(const char *text, struct kc_quantity *out, struct kc_error *err);

/* As kc_quantity_parse, but the quantity must be of dimension want; the value is returned in
 * want's canonical unit.  A bare number is rejected: units are never guessed. */
int kc_quantity_parse_as(const char *text, enum kc_dim want, double *value, struct kc_error *err);

/* Human name of a dimension with its accepted units, e.g. "a duration (s, min, h)". */
const char *kc_dim_describe(enum kc_dim dim);

/* Strict number parsing: the whole string must be one finite number. */
int kc_parse_double(const char *text, double *out, struct kc_error *err);
int kc_parse_long(const char *text, long min, long max, long *out, struct kc_error *err);

#endif
