/* cmd_dose.c — `ketaclinic dose --route iv --weight 92 --height 175 --mg-per-kg 0.5 --over 40min
 * --bag 50mg/100mL [--format json]`: one dose plan (or --titrate: steps across sessions). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/quantity.h"
#include "cli/cli.h"
#include "cli/clinic_cli.h"
#include "clinic/dose.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ketaclinic dose --route iv|im|sc|oral|sl|nasal|in [options]\n"
            "  [--format table|json]\n"
            "  (nasal = esketamine devices; in = racemic ketamine intranasal)\n"
            "  --weight KG --height CM --sex male|female --basis auto|actual|ideal|adjusted\n"
            "  (auto, the default: ideal body weight from BMI 30, actual below)\n"
            "  --indication depression|mdsi|crps (MDSI: 84 mg esketamine from day 1; CRPS: IV up\n"
            "  to 4 h by mg/kg/h)\n"
            "  --mg-per-kg X | --mg X [--salt: X is mg of the hydrochloride]\n"
            "  --over DURATION (IV, e.g. 40min)  --bag 50mg/100mL | --conc 10mg/mL\n"
            "  --age YEARS --first-dose (nasal esketamine)  --override-reason TEXT\n"
            "  --titrate [--start X --step X --ceiling X] (mg/kg steps across sessions)\n"
            "  --protocol FILE (clinic override)\n");
}

static int num(const char *opt, const char *text, double lo, double hi, double *out,
               struct kc_error *err)
{
    if (!text) return KC_OK;
    if (kc_parse_double(text, out, err)) return kc_error_prefix(err, "--%s", opt);
    if (*out < lo || *out > hi)
        return kc_error_set(err, KC_EINVAL, "--%s %s: expected %g-%g", opt, text, lo, hi);
    return KC_OK;
}

/* "50mg/100mL" -> 0.5 mg/mL and 100 mL; "10mg/mL" -> 10 mg/mL, volume unknown. */
static int parse_container(const char *opt, const char *text, double *conc_mg_per_ml,
                           double *vol_ml, struct kc_error *err)
{
    double ng_per_ml;
    if (kc_quantity_parse_as(text, KC_DIM_CONC, &ng_per_ml, err))
        return kc_error_prefix(err, "--%s", opt);
    *conc_mg_per_ml = ng_per_ml / 1e6;
    const char *slash = strchr(text, '/');
    if (slash && slash[1] >= '0' && slash[1] <= '9') {
        if (kc_quantity_parse_as(slash + 1, KC_DIM_VOLUME, vol_ml, err))
            return kc_error_prefix(err, "--%s", opt);
    }
    if (*conc_mg_per_ml <= 0)
        return kc_error_set(err, KC_EINVAL, "--%s %s: concentration must be above 0", opt, text);
    return KC_OK;
}

static json_t *plan_json(const struct dose_plan *d)
{
    json_t *o = json_pack("{s:s, s:s, s:f, s:f, s:s}", "route", dose_route_name(d->route), "drug",
                          d->drug, "dose_mg_base", d->dose_mg_base, "dose_mg_salt_hcl",
                          d->dose_mg_salt, "amount_form", "base");
    if (d->weight.actual_kg > 0) {
        json_t *w = json_pack("{s:s, s:f, s:f, s:s}", "basis", dose_basis_name(d->weight.basis),
                              "actual_kg", d->weight.actual_kg, "used_kg", d->weight.used_kg,
                              "formula", d->weight.formula);
        if (isfinite(d->weight.ideal_kg)) json_object_set_new(w, "ideal_kg", json_real(d->weight.ideal_kg));
        if (isfinite(d->weight.adjusted_kg))
            json_object_set_new(w, "adjusted_kg", json_real(d->weight.adjusted_kg));
        if (isfinite(d->weight.bmi)) json_object_set_new(w, "bmi", json_real(d->weight.bmi));
        json_object_set_new(o, "weight", w);
        json_object_set_new(o, "mg_per_kg", json_real(d->mg_per_kg));
    }
    json_object_set_new(o, "weight_based", json_boolean(d->weight_based));
    if (d->duration_min > 0) json_object_set_new(o, "duration_min", json_real(d->duration_min));
    if (d->rate_mg_per_min > 0)
        json_object_set_new(o, "rate_mg_per_min", json_real(d->rate_mg_per_min));
    if (d->volume_ml > 0) {
        json_object_set_new(o, "volume_ml", json_real(d->volume_ml)); /* full precision */
        json_object_set_new(o, "volume_text", json_string(d->volume_text));
        json_object_set_new(o, "volume_measurable", json_boolean(d->volume_measurable));
    }
    if (d->rate_ml_per_h > 0) json_object_set_new(o, "rate_ml_per_h", json_real(d->rate_ml_per_h));
    if (d->n_devices) json_object_set_new(o, "devices", json_integer(d->n_devices));
    json_object_set_new(o, "limits",
                        json_pack("{s:f, s:f, s:s}", "default_max", d->default_max, "hard_limit",
                                  d->hard_limit, "unit", d->limit_unit ? d->limit_unit : ""));
    json_object_set_new(o, "override", json_boolean(d->override_used));
    if (d->override_used) json_object_set_new(o, "override_reason", json_string(d->override_reason));
    json_t *adm = json_array(), *notes = json_array();
    for (int i = 0; i < d->n_admin; i++)
        json_array_append_new(adm, json_pack("{s:s, s:f, s:f, s:f}", "route",
                                             dose_route_name(d->admin[i].route), "amount_mg_base",
                                             d->admin[i].amount_mg_base, "t_start_min",
                                             d->admin[i].t_start_min, "duration_min",
                                             d->admin[i].duration_min));
    for (int i = 0; i < d->n_notes; i++) json_array_append_new(notes, json_string(d->notes[i]));
    json_object_set_new(o, "administrations", adm);
    json_object_set_new(o, "notes", notes);
    json_object_set_new(o, "protocol", clinic_cli_trace_json(&d->trace));
    return o;
}

static void plan_print(const struct dose_plan *d)
{
    printf("%s %s\n", d->drug, dose_route_name(d->route));
    if (d->weight.actual_kg > 0) {
        printf("weight basis: %s, %.1f kg  [%s]\n", dose_basis_name(d->weight.basis),
               d->weight.used_kg, d->weight.formula);
        if (isfinite(d->weight.bmi)) printf("BMI: %.1f kg/m2\n", d->weight.bmi);
    }
    if (d->weight_based || d->weight.actual_kg > 0) printf("dose: %.3g mg/kg\n", d->mg_per_kg);
    printf("amount: %.1f mg %s base (= %.1f mg hydrochloride)\n", d->dose_mg_base,
           d->route == DOSE_ROUTE_NASAL_ESK ? "esketamine" : "ketamine", d->dose_mg_salt);
    if (d->n_devices)
        printf("devices: %d x 28 mg, first to last over %.0f min\n", d->n_devices, d->duration_min);
    if (d->rate_mg_per_min > 0)
        printf("infusion: over %.0f min, %.3f mg/min\n", d->duration_min, d->rate_mg_per_min);
    if (d->volume_ml > 0) /* at syringe precision, never rounded to another dose */
        printf("volume: %s%s\n", d->volume_text,
               d->volume_measurable ? "" : " (not measurable at syringe precision: see note)");
    if (d->rate_ml_per_h > 0) printf("pump rate: %.1f mL/h\n", d->rate_ml_per_h);
    printf("limits: protocol maximum %g %s, hard limit %g %s\n", d->default_max,
           d->limit_unit ? d->limit_unit : "", d->hard_limit, d->limit_unit ? d->limit_unit : "");
    for (int i = 0; i < d->n_notes; i++) printf("note: %s\n", d->notes[i]);
    clinic_cli_trace_print(stdout, &d->trace);
}

static int titrate(const struct protocol *p, const struct cli_opt *opts, size_t nopts,
                   enum dose_route route, double weight_kg, enum cli_format fmt)
{
    struct kc_error err = {0};
    struct dose_titration t;
    double start = 0, step = 0, ceil_ = 0;
    if (route == DOSE_ROUTE_ORAL) {
        /* oral steps are fixed mg (Al Shirawi 2017): --ceiling is in mg */
        if (cli_get(opts, nopts, "start") || cli_get(opts, nopts, "step")) {
            kc_error_set(&err, KC_EINVAL, "oral titration: start and step come from the protocol "
                                          "(oral.start_mg, oral.step_mg)");
            return cli_fail(&err);
        }
        if (num("ceiling", cli_get(opts, nopts, "ceiling"), 1, 5000, &ceil_, &err) ||
            dose_titrate_oral(p, weight_kg, ceil_, cli_get(opts, nopts, "override-reason"), &t,
                              &err))
            return cli_fail(&err);
    } else if (num("start", cli_get(opts, nopts, "start"), 0.01, 10, &start, &err) ||
               num("step", cli_get(opts, nopts, "step"), 0.01, 10, &step, &err) ||
               num("ceiling", cli_get(opts, nopts, "ceiling"), 0.01, 10, &ceil_, &err) ||
               dose_titrate(p, route, start, step, ceil_, cli_get(opts, nopts, "override-reason"),
                            &t, &err))
        return cli_fail(&err);
    if (fmt == CLI_FORMAT_JSON) {
        json_t *steps = json_array();
        for (int i = 0; i < t.n; i++) {
            json_t *s = json_pack("{s:i, s:f, s:b}", "session", i + 1, "mg_per_kg", t.mg_per_kg[i],
                                  "needs_override", t.needs_override[i]);
            if (weight_kg > 0)
                json_object_set_new(s, "dose_mg_base",
                                    json_real(t.mg[i] > 0 ? t.mg[i] : t.mg_per_kg[i] * weight_kg));
            json_array_append_new(steps, s);
        }
        json_t *o = json_pack("{s:s, s:o, s:f, s:o}", "route", dose_route_name(route), "steps",
                              steps, "min_interval_days", t.min_interval_days, "protocol",
                              clinic_cli_trace_json(&t.trace));
        int rc = clinic_cli_print_json(stdout, o);
        json_decref(o);
        return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    printf("titration %s, sessions at least %g days apart\n", dose_route_name(route),
           t.min_interval_days);
    for (int i = 0; i < t.n; i++) {
        if (t.mg[i] > 0) printf("  step %2d  %.0f mg  (%.2f mg/kg)", i + 1, t.mg[i], t.mg_per_kg[i]);
        else printf("  session %2d  %.3g mg/kg", i + 1, t.mg_per_kg[i]);
        if (weight_kg > 0 && t.mg[i] == 0) printf("  %.1f mg (actual weight)", t.mg_per_kg[i] * weight_kg);
        printf("%s\n", t.needs_override[i] ? "  (prescriber override)" : "");
    }
    clinic_cli_trace_print(stdout, &t.trace);
    return CLI_EXIT_OK;
}

int cmd_dose(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {
        {"route", 1, 0, 0, {0}},    {"weight", 1, 0, 0, {0}},     {"height", 1, 0, 0, {0}},
        {"sex", 1, 0, 0, {0}},      {"basis", 1, 0, 0, {0}},      {"mg-per-kg", 1, 0, 0, {0}},
        {"mg", 1, 0, 0, {0}},       {"salt", 0, 0, 0, {0}},       {"over", 1, 0, 0, {0}},
        {"bag", 1, 0, 0, {0}},      {"conc", 1, 0, 0, {0}},       {"age", 1, 0, 0, {0}},
        {"first-dose", 0, 0, 0, {0}}, {"override-reason", 1, 0, 0, {0}},
        {"titrate", 0, 0, 0, {0}},  {"start", 1, 0, 0, {0}},      {"step", 1, 0, 0, {0}},
        {"ceiling", 1, 0, 0, {0}},  {"protocol", 1, 0, 0, {0}},   {"format", 1, 0, 0, {0}},
        {"help", 0, 0, 0, {0}},     {"indication", 1, 0, 0, {0}}};
    const size_t nopts = sizeof opts / sizeof opts[0];
    enum cli_format fmt;
    struct protocol p;
    struct dose_request q;
    struct dose_plan d;
    double age = 0;
    const char *s;
    memset(&q, 0, sizeof q);
    if (cli_parse(argc, argv, opts, nopts, NULL, 0, NULL, &err)) return cli_fail(&err);
    if (cli_get(opts, nopts, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (cli_format_parse(cli_get(opts, nopts, "format"), 1u | 4u, &fmt, &err)) return cli_fail(&err);
    if (!cli_get(opts, nopts, "route")) {
        kc_error_set(&err, KC_EINVAL,
                     "dose: --route is required (iv, im, sc, oral, sl, nasal, in)");
        return cli_fail(&err);
    }
    if (dose_route_parse(cli_get(opts, nopts, "route"), &q.route, &err) ||
        num("weight", cli_get(opts, nopts, "weight"), 20, 350, &q.weight_kg, &err) ||
        num("height", cli_get(opts, nopts, "height"), 100, 250, &q.height_cm, &err) ||
        num("mg-per-kg", cli_get(opts, nopts, "mg-per-kg"), 0.001, 50, &q.mg_per_kg, &err) ||
        num("mg", cli_get(opts, nopts, "mg"), 0.1, 5000, &q.fixed_mg, &err) ||
        num("age", cli_get(opts, nopts, "age"), 0, 120, &age, &err))
        return cli_fail(&err);
    q.age_years = (int)age;
    if ((s = cli_get(opts, nopts, "sex"))) {
        if (!strcmp(s, "male") || !strcmp(s, "m")) q.sex = DOSE_SEX_MALE;
        else if (!strcmp(s, "female") || !strcmp(s, "f")) q.sex = DOSE_SEX_FEMALE;
        else {
            kc_error_set(&err, KC_EINVAL, "--sex '%s': expected male or female", s);
            return cli_fail(&err);
        }
    }
    if ((s = cli_get(opts, nopts, "basis")) && dose_basis_parse(s, &q.basis, &err))
        return cli_fail(&err);
    if ((s = cli_get(opts, nopts, "indication")) && dose_indication_parse(s, &q.indication, &err))
        return cli_fail(&err);
    if ((s = cli_get(opts, nopts, "over")) &&
        kc_quantity_parse_as(s, KC_DIM_TIME, &q.duration_min, &err)) {
        kc_error_prefix(&err, "--over");
        return cli_fail(&err);
    }
    if (cli_get(opts, nopts, "bag") && cli_get(opts, nopts, "conc")) {
        kc_error_set(&err, KC_EINVAL, "give --bag or --conc, not both");
        return cli_fail(&err);
    }
    if ((s = cli_get(opts, nopts, "bag")) &&
        parse_container("bag", s, &q.conc_mg_per_ml, &q.container_ml, &err))
        return cli_fail(&err);
    if ((s = cli_get(opts, nopts, "conc")) &&
        parse_container("conc", s, &q.conc_mg_per_ml, &q.container_ml, &err))
        return cli_fail(&err);
    q.amount_is_salt = cli_get(opts, nopts, "salt") != NULL;
    q.first_dose = cli_get(opts, nopts, "first-dose") != NULL;
    q.override_reason = cli_get(opts, nopts, "override-reason");
    if (clinic_cli_load_protocol(cli_get(opts, nopts, "protocol"), &p, &err)) return cli_fail(&err);
    if (cli_get(opts, nopts, "titrate")) return titrate(&p, opts, nopts, q.route, q.weight_kg, fmt);
    if (dose_plan_compute(&p, &q, &d, &err)) return cli_fail(&err);
    if (fmt == CLI_FORMAT_JSON) {
        json_t *o = plan_json(&d);
        int rc = clinic_cli_print_json(stdout, o);
        json_decref(o);
        return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    plan_print(&d);
    return CLI_EXIT_OK;
}
