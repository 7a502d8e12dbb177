/* codes.c — the one table from monitor codes (LOINC, MDC, MDIL) and units to the clinic's vital
 * codes and canonical units.  Provenance per row: V = checked against a stored document
 * (../shared/reference/interop-security.md §C1, §C3), ? = from memory of ISO/IEEE 11073-10101,
 * not yet checked against the standard's tables. */
#include <stdlib.h>
#include <string.h>

#include "hl7/oru.h"

struct code_row {
    const char *code, *name, *vital, *conf;
};

/* LOINC (reference §C1). */
static const struct code_row loinc[] = {
    {"8867-4", "Heart rate", "hr", "V"},
    {"8480-6", "Systolic blood pressure", "sbp", "V"},
    {"8462-4", "Diastolic blood pressure", "dbp", "V"},
    {"8478-0", "Mean blood pressure", "map", "?"},
    {"59408-5", "Oxygen saturation by pulse oximetry", "spo2", "V"},
    {"2708-6", "Oxygen saturation in arterial blood", "spo2", "V"},
    {"9279-1", "Respiratory rate", "rr", "V"},
    {"8310-5", "Body temperature", "temp", "V"},
    {"19889-5", "Carbon dioxide end-tidal", "etco2", "?"},
};

/* MDC (ISO/IEEE 11073-10101), numeric code and reference id (reference §C3).  149530
 * MDC_PULS_OXIM_PULS_RATE is left out on purpose: a pulse rate is not the ECG heart rate the
 * alarm rules are written for. */
static const struct code_row mdc[] = {
    {"147842", "MDC_ECG_HEART_RATE", "hr", "V"},
    {"150033", "MDC_PRESS_BLD_ART_SYS", "sbp", "V"},
    {"150034", "MDC_PRESS_BLD_ART_DIA", "dbp", "V"},
    {"150035", "MDC_PRESS_BLD_ART_MEAN", "map", "V"},
    {"150021", "MDC_PRESS_BLD_NONINV_SYS", "sbp", "?"},
    {"150022", "MDC_PRESS_BLD_NONINV_DIA", "dbp", "?"},
    {"150023", "MDC_PRESS_BLD_NONINV_MEAN", "map", "?"},
    {"150456", "MDC_PULS_OXIM_SAT_O2", "spo2", "V"},
    {"151562", "MDC_RESP_RATE", "rr", "?"},
    {"150344", "MDC_TEMP", "temp", "?"},
    {"150364", "MDC_TEMP_BODY", "temp", "?"},
    {"151708", "MDC_AWAY_CO2_ET", "etco2", "?"},
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static int eq(struct hl7_str v, const char *s)
{
    return hl7_eq(v, s);
}

static const char *from_mdc_number(unsigned long v)
{
    char num[16];
    int k = 0;
    char rev[16];
    do rev[k++] = (char)('0' + v % 10), v /= 10;
    while (v && k < 15);
    for (int i = 0; i < k; i++) num[i] = rev[k - 1 - i];
    num[k] = '\0';
    for (size_t i = 0; i < N(mdc); i++)
        if (strcmp(mdc[i].code, num) == 0) return mdc[i].vital;
    return NULL;
}

/* Philips MDIL writes an MDC code as partition-termcode in hex: "0002-4182" = 2 * 65536 + 0x4182
 * = 147842 (MDC_ECG_HEART_RATE); checked on the two pairs of reference §C3 (HR, SpO2). */
static const char *from_mdil(struct hl7_str id)
{
    char buf[16];
    if (id.n < 6 || id.n > 12) return NULL;
    memcpy(buf, id.p, id.n);
    buf[id.n] = '\0';
    char *dash = strchr(buf, '-'), *e1 = NULL, *e2 = NULL;
    if (!dash) return NULL;
    *dash = '\0';
    unsigned long part = strtoul(buf, &e1, 16), term = strtoul(dash + 1, &e2, 16);
    if (*e1 || *e2 || e1 == buf || e2 == dash + 1 || term > 0xffff) return NULL;
    return from_mdc_number(part * 65536ul + term);
}

const char *hl7_vital_code(struct hl7_str id, struct hl7_str text, struct hl7_str system)
{
    int is_ln = eq(system, "LN") || eq(system, "LOINC") || eq(system, "http://loinc.org");
    int is_mdc = eq(system, "MDC") || eq(system, "MDIL") || system.n == 0;
    if (is_ln || system.n == 0)
        for (size_t i = 0; i < N(loinc); i++)
            if (eq(id, loinc[i].code)) return loinc[i].vital;
    if (!is_mdc) return NULL;
    for (size_t i = 0; i < N(mdc); i++)
        if (eq(id, mdc[i].code) || eq(text, mdc[i].name) || eq(id, mdc[i].name))
            return mdc[i].vital;
    return from_mdil(id);
}

/* Units: UCUM and common spellings, MDC unit codes and names (? from memory, see top). */
struct unit_row {
    const char *text, *canon;
    double mul, add; /* canonical = value * mul + add */
};
static const struct unit_row units[] = {
    {"/min", "/min", 1, 0},         {"bpm", "/min", 1, 0},
    {"{beats}/min", "/min", 1, 0},  {"{beat}/min", "/min", 1, 0},
    {"{breaths}/min", "/min", 1, 0}, {"{breath}/min", "/min", 1, 0},
    {"rpm", "/min", 1, 0},          {"1/min", "/min", 1, 0},
    {"264864", "/min", 1, 0},       {"MDC_DIM_BEAT_PER_MIN", "/min", 1, 0},
    {"264928", "/min", 1, 0},       {"MDC_DIM_RESP_PER_MIN", "/min", 1, 0},
    {"mm[Hg]", "mm[Hg]", 1, 0},     {"mmHg", "mm[Hg]", 1, 0},
    {"266016", "mm[Hg]", 1, 0},     {"MDC_DIM_MMHG", "mm[Hg]", 1, 0},
    /* 1 mmHg = 133.322 Pa (definition of the unit), so 1 kPa = 7.50062 mmHg */
    {"kPa", "mm[Hg]", 7.500617, 0}, {"3843", "mm[Hg]", 7.500617, 0},
    {"MDC_DIM_KILO_PASCAL", "mm[Hg]", 7.500617, 0},
    {"%", "%", 1, 0},               {"262688", "%", 1, 0},
    {"MDC_DIM_PERCENT", "%", 1, 0},
    {"Cel", "Cel", 1, 0},           {"degC", "Cel", 1, 0},
    {"268192", "Cel", 1, 0},        {"MDC_DIM_DEGC", "Cel", 1, 0},
    {"[degF]", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
    {"degF", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
    {"266560", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
    {"MDC_DIM_FAHR", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
};

static const char *canonical_unit(const char *code)
{
    if (!strcmp(code, "hr") || !strcmp(code, "rr")) return "/min";
    if (!strcmp(code, "spo2")) return "%";
    if (!strcmp(code, "temp")) return "Cel";
    return "mm[Hg]";
}

int hl7_unit_convert(const char *code, const char *unit, double *value, struct kc_error *err)
{
    const char *want = canonical_unit(code);
    if (!unit || !*unit) return KC_OK;
    for (size_t i = 0; i < N(units); i++) {
        if (strcmp(units[i].text, unit) != 0) continue;
        if (strcmp(units[i].canon, want) != 0)
            return kc_error_set(err, KC_EINVAL, "unit '%s' is not a unit of %s (want %s)", unit,
                                code, want);
        *value = *value * units[i].mul + units[i].add;
        return KC_OK;
    }
    return kc_error_set(err, KC_EINVAL, "unit '%s' is not understood for %s (want %s)", unit,
                        code, want);
}
