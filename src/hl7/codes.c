/* codes.c — the one table from monitor codes (MDC numeric and reference id, Philips MDIL, LOINC)
 * to the clinic's vitals, their channel (how and where measured) and the rank that decides which
 * channel feeds the alarms; and the unit table (UCUM, MDC unit codes and names, MDIL) with the
 * conversion to canonical units.
 *
 * Sources (docs/clinical-sources.md, "HL7 monitor codes"):
 *  [N] ISO/IEEE 11073-10101 nomenclature as published in the HL7 Denmark DK Core FHIR IG value
 *      set dk-core-IEEEBasicObservation (code, reference id, definition) — V;
 *  [R] the Rosetta term codes of the MD PnP OpenICE data model (ice.idl: partition 2 term codes,
 *      MDC code = 2 * 65536 + term; MDC_PRESS_CUFF_* 19228-19231, MDC_PRESS_BLD_NONINV_* 18948-
 *      18951, MDC_RESP_RATE 20490, MDC_PULS_OXIM_* 18458/19384) — V;
 *  [M] monitors' own messages in tests/hl7/corpus (the code as the device sends it) — V for the
 *      pairing code/reference id, not for its meaning;
 *  [L] LOINC vital-sign codes (shared/reference/interop-security.md §C1) — V where marked, else ?.
 * A row marked ? is from memory of the standard and not yet checked against its tables.
 *
 * Alarm rule (ARCHITECTURE.md, "Which channel the alarms use"): per message and vital, the readings
 * of the lowest nonzero rank present feed the alarm series (table vitals); the others are kept as
 * their own channel (table hl7_readings).  Rank 0 never feeds the alarms: invasive arterial
 * pressure (the clinic's BP limits are written for the cuff), pulse rates (the HR alarm is for the
 * ECG heart rate), skin temperature. */
#include <stdlib.h>
#include <string.h>

#include "hl7/oru.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* MDC numeric code, reference id, vital, channel, rank, LOINC, confidence. */
static const struct hl7_code_row mdc[] = {
    {147842, "MDC_ECG_HEART_RATE", "hr", "ecg", 1, "8867-4", "V [N]"},
    {149514, "MDC_PULS_RATE", "pr", "pulse", 0, "", "V [N]"},
    {149522, "MDC_BLD_PULS_RATE_INV", "pr", "art", 0, "", "V [N]"},
    {149530, "MDC_PULS_OXIM_PULS_RATE", "pr", "spo2", 0, "8889-8", "V [N][R]"},
    {149546, "MDC_PULS_RATE_NON_INV", "pr", "nibp", 0, "", "V [N]"},
    {150456, "MDC_PULS_OXIM_SAT_O2", "spo2", "spo2", 1, "59408-5", "V [N][R]"},
    {150324, "MDC_SAT_O2_ART", "spo2", "sao2", 2, "2708-6", "V [N]"},
    {150020, "MDC_PRESS_BLD_NONINV", NULL, "nibp", 0, "", "V [N][R]"},
    {150021, "MDC_PRESS_BLD_NONINV_SYS", "sbp", "nibp", 1, "8480-6", "V [N][R]"},
    {150022, "MDC_PRESS_BLD_NONINV_DIA", "dbp", "nibp", 1, "8462-4", "V [N][R]"},
    {150023, "MDC_PRESS_BLD_NONINV_MEAN", "map", "nibp", 1, "8478-0", "V [N][R]"},
    {150301, "MDC_PRESS_CUFF_SYS", "sbp", "nibp", 1, "8480-6", "V [R]"},
    {150302, "MDC_PRESS_CUFF_DIA", "dbp", "nibp", 1, "8462-4", "V [R]"},
    {150303, "MDC_PRESS_CUFF_MEAN", "map", "nibp", 1, "8478-0", "V [R]"},
    {150017, "MDC_PRESS_BLD_SYS", "sbp", "bp", 2, "8480-6", "?"},
    {150018, "MDC_PRESS_BLD_DIA", "dbp", "bp", 2, "8462-4", "?"},
    {150019, "MDC_PRESS_BLD_MEAN", "map", "bp", 2, "8478-0", "?"},
    {150033, "MDC_PRESS_BLD_ART_SYS", "sbp", "art", 0, "76215-3", "V (§C3); LOINC ?"},
    {150034, "MDC_PRESS_BLD_ART_DIA", "dbp", "art", 0, "76213-8", "V (§C3); LOINC ?"},
    {150035, "MDC_PRESS_BLD_ART_MEAN", "map", "art", 0, "76214-6", "V (§C3); LOINC ?"},
    {150037, "MDC_PRESS_BLD_ART_ABP_SYS", "sbp", "art", 0, "76215-3", "V [M] MDIL 0002-4a15"},
    {150038, "MDC_PRESS_BLD_ART_ABP_DIA", "dbp", "art", 0, "76213-8", "V [M] MDIL 0002-4a16"},
    {150039, "MDC_PRESS_BLD_ART_ABP_MEAN", "map", "art", 0, "76214-6", "V [M] MDIL 0002-4a17"},
    {151562, "MDC_RESP_RATE", "rr", "resp", 2, "9279-1", "V [N][R]"},
    {151570, "MDC_AWAY_RESP_RATE", "rr", "airway", 3, "9279-1", "V [N]"},
    {151578, "MDC_TTHOR_RESP_RATE", "rr", "imp", 3, "9279-1", "V [N]"},
    {151594, "MDC_CO2_RESP_RATE", "rr", "co2", 1, "9279-1", "V [N]"},
    {151658, "MDC_PULS_OXIM_PLETH_RESP_RATE", "rr", "pleth", 4, "9279-1", "V [N]"},
    {151708, "MDC_AWAY_CO2_ET", "etco2", "co2", 1, "19889-5", "?"},
    {150344, "MDC_TEMP", "temp", "temp", 2, "8310-5", "V [M]"},
    {150364, "MDC_TEMP_BODY", "temp", "body", 2, "8310-5", "V [N]"},
    {150368, "MDC_TEMP_CORE", "temp", "core", 1, "8310-5", "V [N]"},
    {150388, "MDC_TEMP_SKIN", "temp", "skin", 0, "39106-0", "V [N]; LOINC ?"},
    {150392, "MDC_TEMP_TYMP", "temp", "tymp", 3, "8333-7", "V [N]"},
    {188420, "MDC_TEMP_RECT", "temp", "rect", 1, "8332-9", "V [N]"},
    {188424, "MDC_TEMP_ORAL", "temp", "oral", 3, "8331-1", "V [N]"},
    {188428, "MDC_TEMP_EAR", "temp", "ear", 3, "8333-7", "V [N]"},
    {188452, "MDC_TEMP_AXILLA", "temp", "axil", 4, "8328-7", "V [N]"},
    {188456, "MDC_TEMP_GIT", "temp", "git", 1, "8310-5", "V [N]"},
};

/* LOINC rows: code, name, vital, channel, rank. */
struct loinc_row {
    const char *code, *name, *vital, *channel;
    int rank;
    const char *conf;
};
static const struct loinc_row loinc[] = {
    {"8867-4", "Heart rate", "hr", "ecg", 1, "V"},
    {"8889-8", "Heart rate by Pulse oximetry", "pr", "spo2", 0, "?"},
    {"8480-6", "Systolic blood pressure", "sbp", "bp", 1, "V"},
    {"8462-4", "Diastolic blood pressure", "dbp", "bp", 1, "V"},
    {"8478-0", "Mean blood pressure", "map", "bp", 1, "?"},
    {"76215-3", "Invasive Systolic blood pressure", "sbp", "art", 0, "?"},
    {"76213-8", "Invasive Diastolic blood pressure", "dbp", "art", 0, "?"},
    {"76214-6", "Invasive Mean blood pressure", "map", "art", 0, "?"},
    {"59408-5", "Oxygen saturation by pulse oximetry", "spo2", "spo2", 1, "V"},
    {"2708-6", "Oxygen saturation in arterial blood", "spo2", "sao2", 2, "V"},
    {"9279-1", "Respiratory rate", "rr", "resp", 2, "V"},
    {"8310-5", "Body temperature", "temp", "body", 2, "V"},
    {"8331-1", "Oral temperature", "temp", "oral", 3, "?"},
    {"8332-9", "Rectal temperature", "temp", "rect", 1, "?"},
    {"8333-7", "Tympanic membrane temperature", "temp", "tymp", 3, "?"},
    {"8328-7", "Axillary temperature", "temp", "axil", 4, "?"},
    {"19889-5", "Carbon dioxide end-tidal", "etco2", "co2", 1, "?"},
};

/* Philips rows that are not an MDC code in MDIL form: Efficia and SureSigns send the
 * respiration rate as 0002-5000 "Resp" with the unit rpm (corpus philips_*). */
static const struct hl7_code_row mdil_extra[] = {
    {0x25000, "Resp", "rr", "resp", 2, "9279-1", "V [M]"},
};

static int eq(struct hl7_str v, const char *s)
{
    return hl7_eq(v, s);
}

static const struct hl7_code_row *by_number(unsigned long v)
{
    for (size_t i = 0; i < N(mdc); i++)
        if (mdc[i].mdc == v) return &mdc[i];
    return NULL;
}

/* Reference ids that senders spell differently (text only: never a reason to read a value). */
static const struct {
    const char *alias;
    unsigned long mdc;
} aliases[] = {
    {"MDC_TEMP_AXIL", 188452}, /* Mindray VS900 (corpus mindray_vs900_axil) */
};

static const struct hl7_code_row *by_name(struct hl7_str t)
{
    if (t.n < 5) return NULL;
    for (size_t i = 0; i < N(mdc); i++)
        if (eq(t, mdc[i].name)) return &mdc[i];
    for (size_t i = 0; i < N(aliases); i++)
        if (eq(t, aliases[i].alias)) return by_number(aliases[i].mdc);
    return NULL;
}

/* A whole slice of decimal digits as a number, or -1. */
static long long decimal(struct hl7_str v)
{
    if (v.n == 0 || v.n > 9) return -1;
    long long x = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.p[i] < '0' || v.p[i] > '9') return -1;
        x = x * 10 + (v.p[i] - '0');
    }
    return x;
}

/* Philips MDIL writes an MDC code as partition-termcode in hex: "0002-4182" = 2 * 65536 + 0x4182
 * = 147842 (MDC_ECG_HEART_RATE).  Returns the number or -1. */
static long long mdil(struct hl7_str id)
{
    char buf[16];
    if (id.n < 6 || id.n > 12) return -1;
    memcpy(buf, id.p, id.n);
    buf[id.n] = '\0';
    char *dash = strchr(buf, '-'), *e1 = NULL, *e2 = NULL;
    if (!dash) return -1;
    *dash = '\0';
    unsigned long part = strtoul(buf, &e1, 16), term = strtoul(dash + 1, &e2, 16);
    if (*e1 || *e2 || e1 == buf || e2 == dash + 1 || term > 0xffff || part > 0xffff) return -1;
    return (long long)(part * 65536ul + term);
}

static struct hl7_code_row from_loinc(const struct loinc_row *l)
{
    return (struct hl7_code_row){0, l->name, l->vital, l->channel, l->rank, l->code, l->conf};
}

int hl7_code_lookup(struct hl7_str id, struct hl7_str text, struct hl7_str system,
                    struct hl7_code_row *out)
{
    int is_ln = eq(system, "LN") || eq(system, "LOINC") || eq(system, "http://loinc.org");
    int is_mdil = eq(system, "MDIL");
    int is_mdc = eq(system, "MDC") || eq(system, "urn:iso:std:iso:11073:10101") ||
                 system.n == 0;
    if (is_ln || system.n == 0)
        for (size_t i = 0; i < N(loinc); i++)
            if (eq(id, loinc[i].code)) return *out = from_loinc(&loinc[i]), HL7_CODE_OURS;
    if (is_ln) return HL7_CODE_OTHER;
    const struct hl7_code_row *r = NULL;
    int code_known = 0; /* the identifier is a code we can read (ours or not) */
    if (is_mdil) {
        long long v = mdil(id);
        if (v >= 0) {
            code_known = 1;
            r = by_number((unsigned long)v);
            for (size_t i = 0; !r && i < N(mdil_extra); i++)
                if ((unsigned long)v == mdil_extra[i].mdc) r = &mdil_extra[i];
        }
    } else if (is_mdc) {
        long long v = decimal(id);
        if (v >= 0) {
            code_known = 1;
            r = by_number((unsigned long)v);
        } else if ((r = by_name(id))) {
            code_known = 1;
        }
    } else {
        return HL7_CODE_OTHER;
    }
    if (r) {
        *out = *r;
        if (!r->vital) return HL7_CODE_OTHER;
        /* the code wins; a text naming another known row is noted */
        const struct hl7_code_row *t = by_name(text);
        return t && t != r ? HL7_CODE_OURS_TEXT_DIFFERS : HL7_CODE_OURS;
    }
    /* the code is not in our table: if its text names one of our vitals, the sender may mean it,
     * but a code we do not know is not read from its text (a typo in the number would pass) */
    const struct hl7_code_row *t = by_name(text);
    if (t && t->vital) {
        *out = *t;
        return code_known || id.n ? HL7_CODE_UNKNOWN_TEXT_OURS : HL7_CODE_OURS;
    }
    return HL7_CODE_OTHER;
}

/* Units: UCUM and common spellings, MDC unit codes and names, MDIL (partition 4).  MDC unit
 * codes: MDC_DIM_PERCENT 262688, MDC_DIM_BEAT_PER_MIN 264864, MDC_DIM_RESP_PER_MIN 264928,
 * MDC_DIM_MMHG 266016, MDC_DIM_DEGC 268192: V [M] (every corpus maker, and the MDIL forms
 * 0004-0220/0aa0/0ae0/0f20/17a0 decode to the same numbers); MDC_DIM_KILO_PASCAL 3843 and
 * MDC_DIM_FAHR 266560: ? (memory). */
struct unit_row {
    const char *text, *canon;
    double mul, add; /* canonical = value * mul + add */
};
static const struct unit_row units[] = {
    {"/min", "/min", 1, 0},         {"bpm", "/min", 1, 0},
    {"{beats}/min", "/min", 1, 0},  {"{beat}/min", "/min", 1, 0},
    {"{breaths}/min", "/min", 1, 0}, {"{breath}/min", "/min", 1, 0},
    {"rpm", "/min", 1, 0},          {"1/min", "/min", 1, 0},
    {"/min{beats}", "/min", 1, 0},  {"BPM", "/min", 1, 0},
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
    {"\xc2\xb0" "C", "Cel", 1, 0},  {"C", "Cel", 1, 0},
    {"268192", "Cel", 1, 0},        {"MDC_DIM_DEGC", "Cel", 1, 0},
    {"[degF]", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
    {"degF", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
    {"\xc2\xb0" "F", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
    {"266560", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
    {"MDC_DIM_FAHR", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
};

static const char *canonical_unit(const char *code)
{
    if (!strcmp(code, "hr") || !strcmp(code, "rr") || !strcmp(code, "pr")) return "/min";
    if (!strcmp(code, "spo2")) return "%";
    if (!strcmp(code, "temp")) return "Cel";
    return "mm[Hg]";
}

int hl7_unit_fixed(const char *code)
{
    /* every unit of HR, PR, SpO2, BP and RR in use is the canonical one; a temperature may be
     * Celsius or Fahrenheit, an etCO2 mmHg, kPa or % */
    return strcmp(code, "temp") != 0 && strcmp(code, "etco2") != 0;
}

/* The row for a unit text, or NULL.  An MDIL unit "0004-17a0" is read as its MDC number. */
static const struct unit_row *unit_row(const char *unit)
{
    char num[16];
    struct hl7_str s = {unit, strlen(unit)};
    long long v = mdil(s);
    if (v >= 0 && v < 100000000) {
        int k = 0;
        char rev[16];
        do rev[k++] = (char)('0' + v % 10), v /= 10;
        while (v && k < 15);
        for (int i = 0; i < k; i++) num[i] = rev[k - 1 - i];
        num[k] = '\0';
        unit = num;
    }
    for (size_t i = 0; i < N(units); i++)
        if (strcmp(units[i].text, unit) == 0) return &units[i];
    return NULL;
}

int hl7_unit_convert(const char *code, const char *unit, double *value, struct kc_error *err)
{
    const char *want = canonical_unit(code);
    if (!unit || !*unit) {
        if (hl7_unit_fixed(code)) return KC_OK;
        return kc_error_set(err, KC_EINVAL, "no unit, and %s is sent in more than one unit", code);
    }
    const struct unit_row *u = unit_row(unit);
    if (!u)
        return kc_error_set(err, KC_EINVAL, "unit '%.40s' is not understood for %s (want %s)",
                            unit, code, want);
    if (strcmp(u->canon, want) != 0)
        return kc_error_set(err, KC_EINVAL, "unit '%.40s' is not a unit of %s (want %s)", unit,
                            code, want);
    *value = *value * u->mul + u->add;
    return KC_OK;
}

int hl7_unit_known(const char *unit)
{
    return unit && *unit && unit_row(unit) != NULL;
}

const char *hl7_vital_code(struct hl7_str id, struct hl7_str text, struct hl7_str system)
{
    struct hl7_code_row r;
    int k = hl7_code_lookup(id, text, system, &r);
    return k == HL7_CODE_OURS || k == HL7_CODE_OURS_TEXT_DIFFERS ? r.vital : NULL;
}
