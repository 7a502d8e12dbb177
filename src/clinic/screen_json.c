/* screen_json.c — the screening input as JSON text (the CLI reads the file; no I/O here):
 *   {"age": 45, "sex": "female", "pregnant": false, "breastfeeding": false,
 *    "weight_kg": 70, "height_cm": 165, "diagnoses": ["mdd"], "history": ["bipolar"],
 *    "hepatic_impairment": "none|mild|moderate|severe", "medications": ["lithium"],
 *    "allergies": ["penicillin"],
 *    "vitals": {"sbp": 128, "dbp": 80, "hr": 72, "spo2": 98},
 *    "adequate_antidepressant_trials": 2, "drug": "ketamine|esketamine",
 *    "route": "iv|im|sc|oral|sl|nasal"}
 * Every field is checked; unknown fields are errors so that a typo never hides a finding. */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clinic/screen.h"

static int get_num(json_t *o, const char *key, double lo, double hi, int required, double *out,
                   struct kc_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required) return kc_error_set(err, KC_EINVAL, "screening input: '%s' is required", key);
        return KC_OK;
    }
    if (!json_is_number(v))
        return kc_error_set(err, KC_EINVAL, "screening input: '%s' must be a number", key);
    double d = json_number_value(v);
    if (!isfinite(d) || d < lo || d > hi)
        return kc_error_set(err, KC_EINVAL, "screening input: '%s' = %g outside %g-%g", key, d, lo,
                            hi);
    *out = d;
    return KC_OK;
}

static int get_bool(json_t *o, const char *key, int *out, struct kc_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return KC_OK;
    if (!json_is_boolean(v))
        return kc_error_set(err, KC_EINVAL, "screening input: '%s' must be true or false", key);
    *out = json_is_true(v);
    return KC_OK;
}

/* Copies a lower-cased name (letters, digits, '-', ' ') into dst; spaces become '-'.  A
 * medication line may be written as prescribed ("clonazepam 0.5 mg b.i.d.", "Xanax (1 mg)"):
 * there '.', ',', '/', '(', ')' and '%' are kept as '-' too, and screen_drug_class_of finds the
 * drug name in it. */
static int get_name(json_t *v, const char *field, int idx, char *dst, size_t cap,
                    struct kc_error *err)
{
    if (!json_is_string(v))
        return kc_error_set(err, KC_EINVAL, "screening input: %s[%d] must be a string", field, idx);
    const char *s = json_string_value(v);
    size_t n = strlen(s);
    if (n == 0 || n >= cap)
        return kc_error_set(err, KC_EINVAL, "screening input: %s[%d] must be 1-%zu characters",
                            field, idx, cap - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int med_punct = !strcmp(field, "medications") && strchr(".,/()%", c) && c;
        if (!(isalnum(c) || c == '-' || c == ' ' || c == '\'' || med_punct))
            return kc_error_set(err, KC_EINVAL, "screening input: %s[%d] '%s' has a bad character",
                                field, idx, s);
        dst[i] = (char)tolower(c);
        if (dst[i] == ' ' || dst[i] == '\'' || med_punct) dst[i] = '-';
    }
    dst[n] = '\0';
    return KC_OK;
}

static const char *const fields[] = {"age",       "sex",       "pregnant",   "breastfeeding",
                                     "weight_kg", "height_cm", "diagnoses",  "history",
                                     "hepatic_impairment", "medications", "vitals",
                                     "adequate_antidepressant_trials", "drug", "route",
                                     "allergies"};

int screen_parse_json(const char *json_text, struct screen_input *out, struct kc_error *err)
{
    struct screen_input in;
    json_error_t jerr;
    int rc = KC_OK;
    double d;
    const char *key;
    json_t *val;
    json_t *root = json_loads(json_text ? json_text : "", JSON_REJECT_DUPLICATES, &jerr);
    memset(&in, 0, sizeof in);
    in.adequate_trials = -1;
    if (!root)
        return kc_error_set(err, KC_EINVAL, "screening input: invalid JSON at line %d column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    if (!json_is_object(root)) {
        rc = kc_error_set(err, KC_EINVAL, "screening input: top level must be an object");
        goto out;
    }
    json_object_foreach(root, key, val)
    {
        size_t i;
        for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
            if (strcmp(fields[i], key) == 0) break;
        if (i == sizeof fields / sizeof fields[0]) {
            rc = kc_error_set(err, KC_EINVAL, "screening input: unknown field '%s'", key);
            goto out;
        }
    }
    d = 0;
    if ((rc = get_num(root, "age", 1, 120, 1, &d, err))) goto out;
    if (d != floor(d)) {
        rc = kc_error_set(err, KC_EINVAL, "screening input: 'age' must be whole years");
        goto out;
    }
    in.age_years = (int)d;
    if ((rc = get_num(root, "weight_kg", 20, 350, 0, &in.weight_kg, err)) ||
        (rc = get_num(root, "height_cm", 100, 250, 0, &in.height_cm, err)) ||
        (rc = get_bool(root, "pregnant", &in.pregnant, err)) ||
        (rc = get_bool(root, "breastfeeding", &in.breastfeeding, err)))
        goto out;
    d = -1;
    if ((rc = get_num(root, "adequate_antidepressant_trials", 0, 50, 0, &d, err))) goto out;
    if (d != floor(d)) {
        rc = kc_error_set(err, KC_EINVAL,
                          "screening input: 'adequate_antidepressant_trials' must be a whole number");
        goto out;
    }
    in.adequate_trials = (int)d;
    if ((val = json_object_get(root, "sex"))) {
        const char *s = json_is_string(val) ? json_string_value(val) : "";
        if (!strcmp(s, "male")) in.sex = DOSE_SEX_MALE;
        else if (!strcmp(s, "female")) in.sex = DOSE_SEX_FEMALE;
        else if (strcmp(s, "unknown")) {
            rc = kc_error_set(err, KC_EINVAL, "screening input: 'sex' must be male, female or unknown");
            goto out;
        }
    }
    if ((val = json_object_get(root, "hepatic_impairment"))) {
        static const char *const g[] = {"none", "mild", "moderate", "severe"};
        const char *s = json_is_string(val) ? json_string_value(val) : "";
        in.hepatic_grade = -1;
        for (int i = 0; i < 4; i++)
            if (!strcmp(s, g[i])) in.hepatic_grade = i;
        if (in.hepatic_grade < 0) {
            rc = kc_error_set(err, KC_EINVAL, "screening input: 'hepatic_impairment' must be none, "
                                              "mild, moderate or severe");
            goto out;
        }
    }
    val = json_object_get(root, "drug");
    if (!json_is_string(val) || (strcmp(json_string_value(val), "ketamine") &&
                                 strcmp(json_string_value(val), "esketamine"))) {
        rc = kc_error_set(err, KC_EINVAL, "screening input: 'drug' must be ketamine or esketamine");
        goto out;
    }
    in.drug = strcmp(json_string_value(val), "esketamine") ? SCREEN_DRUG_KETAMINE
                                                            : SCREEN_DRUG_ESKETAMINE;
    val = json_object_get(root, "route");
    if (!json_is_string(val)) {
        rc = kc_error_set(err, KC_EINVAL, "screening input: 'route' is required (iv, im, sc, oral, sl, nasal)");
        goto out;
    }
    if ((rc = dose_route_parse(json_string_value(val), &in.route, err))) {
        kc_error_prefix(err, "screening input");
        goto out;
    }
    static const struct {
        const char *field;
        int max;
    } lists[] = {{"diagnoses", SCREEN_MAX_DIAG}, {"history", 32}, {"medications", SCREEN_MAX_MEDS},
                 {"allergies", SCREEN_MAX_MEDS}};
    for (int l = 0; l < 4; l++) {
        json_t *arr = json_object_get(root, lists[l].field);
        size_t i;
        if (!arr) continue;
        if (!json_is_array(arr) || json_array_size(arr) > (size_t)lists[l].max) {
            rc = kc_error_set(err, KC_EINVAL, "screening input: '%s' must be a list of at most %d names",
                              lists[l].field, lists[l].max);
            goto out;
        }
        json_array_foreach(arr, i, val)
        {
            char name[SCREEN_NAME_MAX];
            if ((rc = get_name(val, lists[l].field, (int)i, name, sizeof name, err))) goto out;
            if (l == 0) {
                snprintf(in.diagnoses[in.n_diagnoses++], SCREEN_NAME_MAX, "%s", name);
            } else if (l == 2) {
                snprintf(in.meds[in.n_meds++], SCREEN_NAME_MAX, "%s", name);
            } else if (l == 3) {
                snprintf(in.allergies[in.n_allergies++], SCREEN_NAME_MAX, "%s", name);
            } else {
                enum screen_history h;
                if (screen_history_parse(name, &h)) {
                    rc = kc_error_set(err, KC_EINVAL, "screening input: history[%d] '%s' is not a "
                                                      "known condition (see docs/clinical-sources.md)",
                                      (int)i, name);
                    goto out;
                }
                in.history |= 1u << h;
            }
        }
    }
    if ((val = json_object_get(root, "vitals"))) {
        if (!json_is_object(val)) {
            rc = kc_error_set(err, KC_EINVAL, "screening input: 'vitals' must be an object");
            goto out;
        }
        const char *k2;
        json_t *v2;
        json_object_foreach(val, k2, v2)
        {
            (void)v2;
            if (strcmp(k2, "sbp") && strcmp(k2, "dbp") && strcmp(k2, "hr") && strcmp(k2, "spo2")) {
                rc = kc_error_set(err, KC_EINVAL, "screening input: unknown vitals field '%s' "
                                                  "(sbp, dbp, hr, spo2)",
                                  k2);
                goto out;
            }
        }
        if ((rc = get_num(val, "sbp", 40, 300, 0, &in.sbp_mmhg, err)) ||
            (rc = get_num(val, "dbp", 20, 200, 0, &in.dbp_mmhg, err)) ||
            (rc = get_num(val, "hr", 20, 250, 0, &in.hr_bpm, err)) ||
            (rc = get_num(val, "spo2", 50, 100, 0, &in.spo2_pct, err)))
            goto out;
    }
    *out = in;
out:
    json_decref(root);
    return rc;
}
