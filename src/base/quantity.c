/* quantity.c — unit table and parser for kc_quantity. */
#include "base/quantity.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct unit_def {
    const char *name;  /* lower case */
    enum kc_dim dim;
    double factor;     /* multiply to reach the canonical unit */
};

/* Conversions are definitions (SI), not clinical facts. */
static const struct unit_def units[] = {
    {"g", KC_DIM_MASS, 1000.0},
    {"mg", KC_DIM_MASS, 1.0},
    {"ug", KC_DIM_MASS, 1e-3},
    {"mcg", KC_DIM_MASS, 1e-3},
    {"\xc2\xb5g", KC_DIM_MASS, 1e-3},
    {"mg/kg", KC_DIM_MASS_PER_KG, 1.0},
    {"ug/kg", KC_DIM_MASS_PER_KG, 1e-3},
    {"mcg/kg", KC_DIM_MASS_PER_KG, 1e-3},
    {"\xc2\xb5g/kg", KC_DIM_MASS_PER_KG, 1e-3},
    {"s", KC_DIM_TIME, 1.0 / 60.0},
    {"sec", KC_DIM_TIME, 1.0 / 60.0},
    {"min", KC_DIM_TIME, 1.0},
    {"h", KC_DIM_TIME, 60.0},
    {"hr", KC_DIM_TIME, 60.0},
    {"d", KC_DIM_TIME, 1440.0},
    {"ng/ml", KC_DIM_CONC, 1.0},
    {"ug/l", KC_DIM_CONC, 1.0},
    {"\xc2\xb5g/l", KC_DIM_CONC, 1.0},
    {"ug/ml", KC_DIM_CONC, 1e3},
    {"mcg/ml", KC_DIM_CONC, 1e3},
    {"\xc2\xb5g/ml", KC_DIM_CONC, 1e3},
    {"mg/l", KC_DIM_CONC, 1e3},
    {"mg/ml", KC_DIM_CONC, 1e6},
    {"ml", KC_DIM_VOLUME, 1.0},
    {"l", KC_DIM_VOLUME, 1000.0},
    {"mg/min", KC_DIM_RATE_MASS, 1.0},
    {"mg/h", KC_DIM_RATE_MASS, 1.0 / 60.0},
    {"ug/min", KC_DIM_RATE_MASS, 1e-3},
    {"mg/kg/min", KC_DIM_RATE_MASS_PER_KG, 1.0},
    {"mg/kg/h", KC_DIM_RATE_MASS_PER_KG, 1.0 / 60.0},
    {"ug/kg/min", KC_DIM_RATE_MASS_PER_KG, 1e-3},
    {"mcg/kg/min", KC_DIM_RATE_MASS_PER_KG, 1e-3},
    {"ml/h", KC_DIM_RATE_VOLUME, 1.0},
    {"ml/min", KC_DIM_RATE_VOLUME, 60.0},
};

static const char *dim_text[KC_DIM_COUNT] = {
    [KC_DIM_NONE] = "a plain number",
    [KC_DIM_MASS] = "an amount (mg, g, ug)",
    [KC_DIM_MASS_PER_KG] = "an amount per kg (mg/kg, ug/kg)",
    [KC_DIM_TIME] = "a duration (s, min, h)",
    [KC_DIM_CONC] = "a concentration (ng/mL, ug/mL, mg/L, mg/mL, or as 50mg/100mL)",
    [KC_DIM_VOLUME] = "a volume (mL, L)",
    [KC_DIM_RATE_MASS] = "a rate (mg/min, mg/h)",
    [KC_DIM_RATE_MASS_PER_KG] = "a rate per kg (mg/kg/min, mg/kg/h, ug/kg/min)",
    [KC_DIM_RATE_VOLUME] = "a pump rate (mL/h, mL/min)",
};

const char *kc_dim_describe(enum kc_dim dim)
{
    if ((int)dim < 0 || dim >= KC_DIM_COUNT) return "an unknown kind of quantity";
    return dim_text[dim];
}

int kc_parse_double(const char *text, double *out, struct kc_error *err)
{
    if (!text || !*text) return kc_error_set(err, KC_EINVAL, "empty number");
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    /* whole text: strtod would also skip leading blanks (" 5") */
    if (end == text || *end != '\0' || isspace((unsigned char)text[0]))
        return kc_error_set(err, KC_EINVAL, "'%s' is not a number", text);
    if (errno == ERANGE || !isfinite(v))
        return kc_error_set(err, KC_EINVAL, "'%s' is out of range", text);
    *out = v;
    return KC_OK;
}

int kc_parse_long(const char *text, long min, long max, long *out, struct kc_error *err)
{
    if (!text || !*text) return kc_error_set(err, KC_EINVAL, "empty number");
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || isspace((unsigned char)text[0]))
        return kc_error_set(err, KC_EINVAL, "'%s' is not a whole number", text);
    if (errno == ERANGE || v < min || v > max)
        return kc_error_set(err, KC_ERANGE, "'%s' is outside %ld..%ld", text, min, max);
    *out = v;
    return KC_OK;
}

static const struct unit_def *find_unit(const char *u, size_t len)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == len && strncasecmp(units[i].name, u, len) == 0)
            return &units[i];
    return NULL;
}

int kc_quantity_parse(const char *text, struct kc_quantity *out, struct kc_error *err)
{
    if (!text) return kc_error_set(err, KC_EINVAL, "missing quantity");
    const char *p = text;
    while (isspace((unsigned char)*p)) p++;
    if (*p == '-') return kc_error_set(err, KC_EINVAL, "'%s': negative values are not allowed", text);
    char *end = NULL;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p) return kc_error_set(err, KC_EINVAL, "'%s' does not start with a number", text);
    if (errno == ERANGE || !isfinite(v))
        return kc_error_set(err, KC_EINVAL, "'%s': number out of range", text);
    p = end;
    while (isspace((unsigned char)*p)) p++;
    size_t len = strlen(p);
    while (len > 0 && isspace((unsigned char)p[len - 1])) len--;
    if (len == 0)
        return kc_error_set(err, KC_EINVAL, "'%s' has no unit (e.g. mg, mg/kg, min, ng/mL)", text);
    if (len > 32) return kc_error_set(err, KC_EINVAL, "'%s': unit too long", text);

    const struct unit_def *u = find_unit(p, len);
    if (u) {
        out->value = v * u->factor;
        out->dim = u->dim;
        return KC_OK;
    }
    /* "AMOUNT/VOLUME" with a number in the denominator: 50mg/100mL, 500mg/50ml. */
    const char *slash = memchr(p, '/', len);
    if (slash && slash + 1 < p + len && (isdigit((unsigned char)slash[1]) || slash[1] == '.')) {
        const struct unit_def *num = find_unit(p, (size_t)(slash - p));
        char den[40];
        size_t dlen = (size_t)(p + len - slash - 1);
        if (num && num->dim == KC_DIM_MASS && dlen < sizeof den) {
            memcpy(den, slash + 1, dlen);
            den[dlen] = '\0';
            struct kc_quantity vol;
            if (kc_quantity_parse(den, &vol, NULL) == KC_OK && vol.dim == KC_DIM_VOLUME &&
                vol.value > 0) {
                out->value = v * num->factor / vol.value * 1e6; /* mg/mL -> ng/mL */
                out->dim = KC_DIM_CONC;
                return KC_OK;
            }
        }
    }
    return kc_error_set(err, KC_EINVAL,
                        "'%s': unknown unit '%.*s' (known: mg, g, ug, mg/kg, s, min, h, ng/mL, "
                        "ug/mL, mg/mL, mL, L, mg/min, mg/h, mg/kg/min, mg/kg/h, mL/h)",
                        text, (int)len, p);
}

int kc_quantity_parse_as(const char *text, enum kc_dim want, double *value, struct kc_error *err)
{
    struct kc_quantity q;
    int rc = kc_quantity_parse(text, &q, err);
    if (rc) return rc;
    if (q.dim != want)
        return kc_error_set(err, KC_EINVAL, "'%s' is %s; expected %s", text,
                            kc_dim_describe(q.dim), kc_dim_describe(want));
    *value = q.value;
    return KC_OK;
}
