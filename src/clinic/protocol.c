/* protocol.c — lookup in the protocol table, safe-range checks and clinic overrides (JSON text
 * in, no file I/O). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clinic/protocol.h"

_Static_assert(PROTOCOL_MAX_ENTRIES >= 80, "protocol table capacity");

void protocol_init_default(struct protocol *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->version, sizeof p->version, "%s", PROTOCOL_DEFAULT_VERSION);
    for (size_t i = 0; i < protocol_table_len && i < PROTOCOL_MAX_ENTRIES; i++)
        p->value[i] = protocol_table[i].value;
}

int protocol_index(const char *key)
{
    if (!key) return -1;
    for (size_t i = 0; i < protocol_table_len; i++)
        if (strcmp(protocol_table[i].key, key) == 0) return (int)i;
    return -1;
}

void protocol_trace_begin(struct protocol_trace *trace, const struct protocol *p)
{
    memset(trace, 0, sizeof *trace);
    snprintf(trace->version, sizeof trace->version, "%s", p->version);
}

double protocol_use(const struct protocol *p, const char *key, struct protocol_trace *trace)
{
    int i = protocol_index(key);
    if (i < 0) return NAN;
    if (trace) {
        size_t k;
        for (k = 0; k < trace->n; k++)
            if (trace->keys[k] == protocol_table[i].key) break;
        if (k == trace->n && trace->n < PROTOCOL_TRACE_MAX)
            trace->keys[trace->n++] = protocol_table[i].key;
    }
    return p->value[i];
}

int protocol_check_value(const char *key, double value, struct kc_error *err)
{
    int i = protocol_index(key);
    if (i < 0) return kc_error_set(err, KC_ENOTFOUND, "unknown protocol entry '%s'", key);
    const struct protocol_entry *e = &protocol_table[i];
    if (!isfinite(value))
        return kc_error_set(err, KC_ERANGE, "'%s': value is not a finite number", key);
    if (value < e->safe_min)
        return kc_error_set(err, KC_ERANGE,
                            "'%s' = %g %s refused: below its safe minimum %g %s (default %g; "
                            "source: %s)",
                            key, value, e->unit, e->safe_min, e->unit, e->value, e->source);
    if (value > e->safe_max)
        return kc_error_set(err, KC_ERANGE,
                            "'%s' = %g %s refused: above its safe maximum %g %s (default %g; "
                            "source: %s)",
                            key, value, e->unit, e->safe_max, e->unit, e->value, e->source);
    return KC_OK;
}

static int valid_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

int protocol_apply_override(struct protocol *p, const char *json_text, struct kc_error *err)
{
    int rc = KC_OK;
    json_error_t jerr;
    struct protocol next = *p;
    json_t *root = json_loads(json_text ? json_text : "", JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return kc_error_set(err, KC_EINVAL, "protocol override: invalid JSON at line %d column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    if (!json_is_object(root)) {
        rc = kc_error_set(err, KC_EINVAL, "protocol override: top level must be a JSON object");
        goto out;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        if (strcmp(key, "clinic") && strcmp(key, "version") && strcmp(key, "overrides")) {
            rc = kc_error_set(err, KC_EINVAL,
                              "protocol override: unknown field '%s' (allowed: clinic, version, "
                              "overrides)",
                              key);
            goto out;
        }
    }
    json_t *clinic = json_object_get(root, "clinic");
    json_t *version = json_object_get(root, "version");
    json_t *ovr = json_object_get(root, "overrides");
    if (!json_is_string(clinic) || !valid_name(json_string_value(clinic), 40)) {
        rc = kc_error_set(err, KC_EINVAL,
                          "protocol override: 'clinic' must be a name of 1-40 characters "
                          "[A-Za-z0-9._-]");
        goto out;
    }
    if (version && (!json_is_string(version) || !valid_name(json_string_value(version), 40))) {
        rc = kc_error_set(err, KC_EINVAL,
                          "protocol override: 'version' must be a string of 1-40 characters "
                          "[A-Za-z0-9._-]");
        goto out;
    }
    if (!json_is_object(ovr)) {
        rc = kc_error_set(err, KC_EINVAL, "protocol override: 'overrides' must be an object");
        goto out;
    }
    json_object_foreach(ovr, key, val)
    {
        int i = protocol_index(key);
        if (i < 0) {
            rc = kc_error_set(err, KC_ENOTFOUND,
                              "protocol override: unknown entry '%s' (see 'ketaclinic protocol "
                              "show')",
                              key);
            goto out;
        }
        if (!json_is_number(val)) {
            rc = kc_error_set(err, KC_EINVAL, "protocol override: '%s' must be a number (in %s)",
                              key, protocol_table[i].unit);
            goto out;
        }
        double v = json_number_value(val);
        rc = protocol_check_value(key, v, err);
        if (rc) {
            kc_error_prefix(err, "protocol override");
            goto out;
        }
        next.value[i] = v;
        next.overridden[i] = 1;
    }
    if (version)
        snprintf(next.version, sizeof next.version, "%s+%s-%s", PROTOCOL_DEFAULT_VERSION,
                 json_string_value(clinic), json_string_value(version));
    else
        snprintf(next.version, sizeof next.version, "%s+%s", PROTOCOL_DEFAULT_VERSION,
                 json_string_value(clinic));
    rc = protocol_check_consistency(&next, err);
    if (rc) {
        kc_error_prefix(err, "protocol override");
        goto out;
    }
    *p = next;
out:
    json_decref(root);
    return rc;
}

/* Pairs that must satisfy lo <= hi. */
static const struct {
    const char *lo, *hi, *why;
} order_rules[] = {
    {"iv.min_mg_per_kg", "iv.default_mg_per_kg", "IV minimum <= default"},
    {"iv.default_mg_per_kg", "iv.max_default_mg_per_kg", "IV default <= default maximum"},
    {"iv.max_default_mg_per_kg", "iv.hard_limit_mg_per_kg", "IV default maximum <= hard limit"},
    {"iv.min_duration_min", "iv.default_duration_min", "IV minimum duration <= default"},
    {"iv.default_duration_min", "iv.max_duration_min", "IV default duration <= maximum"},
    {"im.default_mg_per_kg", "im.max_default_mg_per_kg", "IM default <= default maximum"},
    {"im.max_default_mg_per_kg", "im.hard_limit_mg_per_kg", "IM default maximum <= hard limit"},
    {"sc.default_mg_per_kg", "sc.max_default_mg_per_kg", "SC default <= default maximum"},
    {"sc.max_default_mg_per_kg", "sc.hard_limit_mg_per_kg", "SC default maximum <= hard limit"},
    {"titration.start_mg_per_kg", "titration.ceiling_mg_per_kg", "titration start <= ceiling"},
    {"oral.max_default_mg_per_kg", "oral.hard_limit_mg_per_kg", "oral default max <= hard limit"},
    {"oral.start_mg", "oral.hard_limit_mg", "oral start <= hard limit"},
    {"sl.default_mg", "sl.max_default_mg", "SL default <= default maximum"},
    {"sl.max_default_mg", "sl.hard_limit_mg", "SL default maximum <= hard limit"},
    {"in.default_mg", "in.max_default_mg", "intranasal default <= default maximum"},
    {"in.max_default_mg", "in.hard_limit_mg", "intranasal default maximum <= hard limit"},
    {"esk.first_dose_mg", "esk.hard_limit_mg", "esketamine first dose <= hard limit"},
    {"alarm.sbp_sustained_mmhg", "alarm.sbp_single_mmhg", "sustained SBP alarm <= single-reading"},
    {"alarm.dbp_sustained_mmhg", "alarm.dbp_single_mmhg", "sustained DBP alarm <= single-reading"},
    {"gate.sbp_max_mmhg", "alarm.sbp_sustained_mmhg", "pre-dose SBP gate <= intra-session alarm"},
    {"gate.dbp_max_mmhg", "alarm.dbp_sustained_mmhg", "pre-dose DBP gate <= intra-session alarm"},
};

/* Pairs that must satisfy amount x F / 100 <= limit: a route's hard limit times its
 * bioavailability never gives more systemic drug than the IV hard limit (issue 14). */
static const struct {
    const char *amount, *f_pct, *limit, *why;
} systemic_rules[] = {
    {"sl.hard_limit_mg_per_kg", "sl.bioavailability_pct", "iv.hard_limit_mg_per_kg",
     "SL limit x SL F <= IV limit"},
    {"sl.hard_limit_mg", "sl.bioavailability_pct", "iv.hard_limit_mg",
     "SL limit x SL F <= IV limit"},
    {"in.hard_limit_mg_per_kg", "in.bioavailability_pct", "iv.hard_limit_mg_per_kg",
     "intranasal limit x F <= IV limit"},
    {"in.hard_limit_mg", "in.bioavailability_pct", "iv.hard_limit_mg",
     "intranasal limit x F <= IV limit"},
};

int protocol_check_consistency(const struct protocol *p, struct kc_error *err)
{
    for (size_t i = 0; i < sizeof systemic_rules / sizeof systemic_rules[0]; i++) {
        double a = protocol_use(p, systemic_rules[i].amount, NULL);
        double f = protocol_use(p, systemic_rules[i].f_pct, NULL);
        double lim = protocol_use(p, systemic_rules[i].limit, NULL);
        if (!(a * f / 100.0 <= lim * (1 + 1e-9)))
            return kc_error_set(err, KC_ERANGE,
                                "'%s' = %g x '%s' = %g%% gives %g systemic, above '%s' = %g (%s)",
                                systemic_rules[i].amount, a, systemic_rules[i].f_pct, f,
                                a * f / 100.0, systemic_rules[i].limit, lim,
                                systemic_rules[i].why);
    }
    for (size_t i = 0; i < sizeof order_rules / sizeof order_rules[0]; i++) {
        double lo = protocol_use(p, order_rules[i].lo, NULL);
        double hi = protocol_use(p, order_rules[i].hi, NULL);
        if (!(lo <= hi))
            return kc_error_set(err, KC_ERANGE, "'%s' = %g must not exceed '%s' = %g (%s)",
                                order_rules[i].lo, lo, order_rules[i].hi, hi, order_rules[i].why);
    }
    return KC_OK;
}
