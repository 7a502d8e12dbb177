/* pk_args.c — see pk_args.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/quantity.h"
#include "cli/pk_args.h"

/* Lower edge of the dissociative range, 100 ng/mL (Zanos 2018 Pharmacol Rev 70:621, Table 1,
 * citing Krystal 1994: dissociation at 100-250 ng/mL): the default level for "time to fall
 * below" in the discharge view.  A clinic sets its own with --threshold. */
#define PK_CLI_DEFAULT_THRESHOLD 100.0

static int parse_number_or_unit(const char *text, enum kc_dim dim, const char *bare_unit,
                                double factor, double *out, struct kc_error *err)
{
    double v;
    if (kc_parse_double(text, &v, NULL) == KC_OK) {
        (void)bare_unit;
        *out = v * factor;
        return KC_OK;
    }
    return kc_quantity_parse_as(text, dim, out, err);
}

static int parse_weight(const char *text, double *kg, struct kc_error *err)
{
    double v;
    if (kc_parse_double(text, &v, NULL) != KC_OK) {
        size_t n = strlen(text);
        char buf[32];
        if (n > 2 && n < sizeof buf && strcasecmp(text + n - 2, "kg") == 0) {
            memcpy(buf, text, n - 2);
            buf[n - 2] = '\0';
            if (kc_parse_double(buf, &v, NULL) != KC_OK)
                return kc_error_set(err, KC_EINVAL, "--weight '%s': expected kilograms, e.g. 70", text);
        } else {
            return kc_error_set(err, KC_EINVAL, "--weight '%s': expected kilograms, e.g. 70", text);
        }
    }
    if (!(v >= 0.5 && v <= 400))
        return kc_error_set(err, KC_ERANGE, "--weight %s kg is not a plausible weight (0.5-400)", text);
    *kg = v;
    return KC_OK;
}

static int parse_times_list(const char *text, struct pk_cli_case *c, struct kc_error *err)
{
    char buf[4096];
    if (strlen(text) >= sizeof buf) return kc_error_set(err, KC_EINVAL, "--at list too long");
    memcpy(buf, text, strlen(text) + 1);
    c->n_times = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        double t;
        if (parse_number_or_unit(w, KC_DIM_TIME, "min", 1.0, &t, err))
            return kc_error_prefix(err, "--at");
        if (!(t >= 0)) return kc_error_set(err, KC_EINVAL, "--at: time '%s' is negative", w);
        if (c->n_times && !(t > c->times[c->n_times - 1]))
            return kc_error_set(err, KC_EINVAL, "--at: times must be ascending ('%s')", w);
        if (c->n_times >= PK_CLI_MAX_TIMES) return kc_error_set(err, KC_ELIMIT, "--at: too many times");
        c->times[c->n_times++] = t;
    }
    if (!c->n_times) return kc_error_set(err, KC_EINVAL, "--at: no times given");
    return KC_OK;
}

int pk_cli_patient_parse(const struct cli_opt *opts, size_t nopts, struct pk_cli_case *c,
                         struct kc_error *err)
{
    memset(c, 0, sizeof *c);
    c->cov = (struct pk_covariates){NAN, NAN, NAN, PK_SEX_UNKNOWN, 0, 0};
    const char *v;
    if ((v = cli_get(opts, nopts, "weight")) && parse_weight(v, &c->cov.weight_kg, err)) return err->code;
    if ((v = cli_get(opts, nopts, "age"))) {
        if (kc_parse_double(v, &c->cov.age_y, err) || c->cov.age_y < 0 || c->cov.age_y > 120)
            return kc_error_set(err, KC_EINVAL, "--age '%s': expected years, 0-120", v);
    }
    if ((v = cli_get(opts, nopts, "height"))) {
        if (kc_parse_double(v, &c->cov.height_cm, err) || c->cov.height_cm < 30 || c->cov.height_cm > 260)
            return kc_error_set(err, KC_EINVAL, "--height '%s': expected centimetres, 30-260", v);
    }
    if ((v = cli_get(opts, nopts, "sex"))) {
        if (strcasecmp(v, "male") == 0 || strcasecmp(v, "m") == 0) c->cov.sex = PK_SEX_MALE;
        else if (strcasecmp(v, "female") == 0 || strcasecmp(v, "f") == 0) c->cov.sex = PK_SEX_FEMALE;
        else return kc_error_set(err, KC_EINVAL, "--sex '%s': expected male or female", v);
    }
    c->cov.asian = cli_get(opts, nopts, "asian") != NULL;
    c->cov.japanese = cli_get(opts, nopts, "japanese") != NULL;

    c->threshold_ng_per_ml = PK_CLI_DEFAULT_THRESHOLD;
    if ((v = cli_get(opts, nopts, "threshold")) &&
        kc_quantity_parse_as(v, KC_DIM_CONC, &c->threshold_ng_per_ml, err))
        return kc_error_prefix(err, "--threshold");
    if ((v = cli_get(opts, nopts, "ke0"))) {
        char buf[40];
        size_t n = strlen(v);
        if (n > 4 && n < sizeof buf && strcasecmp(v + n - 4, "/min") == 0) {
            memcpy(buf, v, n - 4);
            buf[n - 4] = '\0';
            v = buf;
        }
        if (kc_parse_double(v, &c->ke0_per_min, NULL) || !(c->ke0_per_min > 0))
            return kc_error_set(err, KC_EINVAL, "--ke0 '%s': expected a rate per minute, e.g. 0.5/min",
                                cli_get(opts, nopts, "ke0"));
    }
    if ((v = cli_get(opts, nopts, "tpeak"))) {
        if (c->ke0_per_min > 0) return kc_error_set(err, KC_EINVAL, "give either --ke0 or --tpeak, not both");
        if (kc_quantity_parse_as(v, KC_DIM_TIME, &c->tpeak_min, err)) return kc_error_prefix(err, "--tpeak");
    }
    c->engine = PK_ENGINE_AUTO;
    if ((v = cli_get(opts, nopts, "engine"))) {
        if (strcmp(v, "auto") == 0) c->engine = PK_ENGINE_AUTO;
        else if (strcmp(v, "expo") == 0) c->engine = PK_ENGINE_EXPO;
        else if (strcmp(v, "expm") == 0) c->engine = PK_ENGINE_EXPM;
        else return kc_error_set(err, KC_EINVAL, "--engine '%s': expected auto, expo or expm", v);
    }
    return cli_format_parse(cli_get(opts, nopts, "format"), 7, &c->format, err);
}

int pk_cli_case_parse(const struct cli_opt *opts, size_t nopts, struct pk_cli_case *c,
                      struct kc_error *err)
{
    int rc = pk_cli_patient_parse(opts, nopts, c, err);
    if (rc) return rc;
    const struct cli_opt *dose = cli_find(opts, nopts, "dose");
    if (!dose || dose->count == 0)
        return kc_error_set(err, KC_EINVAL, "give at least one --dose, e.g. --dose \"iv 0.5mg/kg over 40min\"");
    for (int i = 0; i < dose->count; i++) {
        if (pk_dose_parse(dose->values[i], &c->doses[i], err)) return kc_error_prefix(err, "--dose");
        c->n_doses++;
    }

    const char *at = cli_get(opts, nopts, "at"), *step = cli_get(opts, nopts, "step");
    const char *until = cli_get(opts, nopts, "until");
    if (at && step) return kc_error_set(err, KC_EINVAL, "give either --step or --at, not both");
    if (at) {
        if (until) return kc_error_set(err, KC_EINVAL, "--until does not go with --at (the last --at time is the end)");
        if (parse_times_list(at, c, err)) return err->code;
    } else {
        double t_end = 240.0, dt = 5.0;
        if (until && kc_quantity_parse_as(until, KC_DIM_TIME, &t_end, err)) return kc_error_prefix(err, "--until");
        if (step && kc_quantity_parse_as(step, KC_DIM_TIME, &dt, err)) return kc_error_prefix(err, "--step");
        if (!(t_end > 0)) return kc_error_set(err, KC_EINVAL, "--until must be above zero");
        if (t_end > 30 * 1440) return kc_error_set(err, KC_ERANGE, "--until: at most 30 days");
        if (!(dt > 0)) return kc_error_set(err, KC_EINVAL, "--step must be above zero");
        double n = floor(t_end / dt + 1e-9) + 1;
        if (n > PK_CLI_MAX_TIMES)
            return kc_error_set(err, KC_ELIMIT, "--step %s gives %.0f rows; at most %d", step, n, PK_CLI_MAX_TIMES);
        for (long i = 0; i < (long)n; i++) c->times[c->n_times++] = (double)i * dt;
        if (c->times[c->n_times - 1] < t_end - 1e-9 && c->n_times < PK_CLI_MAX_TIMES)
            c->times[c->n_times++] = t_end;
    }

    return KC_OK;
}

int pk_cli_individualize(const struct pk_model *m, const struct pk_cli_case *c,
                         struct pk_indiv *ind, struct pk_notes *notes, struct kc_error *err)
{
    int rc = pk_individualize(m, &c->cov, NULL, c->ke0_per_min, ind, notes, err);
    if (rc || !(c->tpeak_min > 0)) return rc;
    double ke0;
    rc = pk_ke0_for_tpeak(ind, c->tpeak_min, &ke0, err);
    if (rc) return rc;
    ind->ke0_per_min = ke0;
    pk_notes_add(notes, "ke0 %.4g /min chosen to put the effect-site peak %.3g min after a bolus",
                 ke0, c->tpeak_min);
    return KC_OK;
}

void pk_cli_dose_text(const struct pk_dose *d, double weight_kg, char *buf, size_t size)
{
    double mg = 0;
    pk_dose_amount_mg(d, weight_kg, &mg, NULL);
    int n = snprintf(buf, size, "%s %.4g mg base", pk_route_name(d->route), mg);
    if (n > 0 && (size_t)n < size && d->duration_min > 0)
        n += snprintf(buf + n, size - (size_t)n, " over %.4g min", d->duration_min);
    if (n > 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, " at %.4g min", d->start_min);
}

static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *pk_cli_summary_json(const struct pk_summary *s, double s_fraction)
{
    double c50 = PK_OLOFSEN_C50_NMOL_PER_ML * PK_MW_KETAMINE_BASE;
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}",
                     "cmax_ng_per_ml", num_or_null(s->cmax_ng_per_ml),
                     "tmax_min", num_or_null(s->tmax_min),
                     "ce_max_ng_per_ml", num_or_null(s->ce_max_ng_per_ml),
                     "ce_tmax_min", num_or_null(s->ce_tmax_min),
                     "metabolite_max_ng_per_ml", num_or_null(s->met_max_ng_per_ml),
                     "auc_ng_h_per_ml", num_or_null(s->auc_ng_h_per_ml),
                     "threshold_ng_per_ml", num_or_null(s->threshold_ng_per_ml),
                     "time_above_threshold_min", num_or_null(s->time_above_min),
                     "last_dose_end_min", num_or_null(s->last_input_end_min),
                     "below_threshold_at_min", num_or_null(s->t_below_min),
                     "below_threshold_after_last_dose_min",
                     num_or_null(s->t_below_min - s->last_input_end_min),
                     "total_dose_mg_base", num_or_null(s->total_dose_mg),
                     "systemic_mg_base", num_or_null(s->systemic_mg),
                     "engine", pk_engine_name(s->engine_used));
    if (o) {
        /* Olofsen 2022: the PD is driven by S-ketamine at the effect site. */
        json_object_set_new(o, "s_ketamine_ce_max_ng_per_ml", json_real(s->ce_max_ng_per_ml * s_fraction));
        json_object_set_new(o, "s_ketamine_ce_max_over_c50", json_real(s->ce_max_ng_per_ml * s_fraction / c50));
    }
    return o;
}

json_t *pk_cli_model_json(const struct pk_model *m)
{
    json_t *routes = json_array();
    for (int r = 0; r < PK_ROUTE_COUNT; r++)
        if (m->routes[r].supported)
            json_array_append_new(routes, json_pack("{s:s, s:o, s:b, s:s}", "route",
                                                    pk_route_name((enum pk_route)r), "f",
                                                    m->structure == PK_STRUCT_PEREZ_RUIXO && r == PK_ROUTE_IN
                                                        ? json_null() : json_real(m->routes[r].f),
                                                    "absorption_assumed", m->routes[r].assumed,
                                                    "source", m->routes[r].source));
    json_t *params = json_array();
    for (size_t i = 0; i < m->n_params; i++) {
        const struct pk_param *p = &m->params[i];
        json_array_append_new(params, json_pack("{s:s, s:f, s:s, s:o, s:s}", "name", p->name,
                                                "value", p->value, "unit", p->unit, "iiv_cv",
                                                p->iiv_cv > 0 ? json_real(p->iiv_cv) : json_null(),
                                                "source", p->source));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:{s:f, s:f, s:f, s:f, s:s}, "
                     "s:o, s:o, s:f, s:s, s:s}",
                     "id", m->id, "name", m->name, "citation", m->citation, "population",
                     m->population, "site", pk_site_name(m->site), "enantiomer",
                     m->enantiomer == PK_RACEMIC ? "racemic" : "S", "structure",
                     m->structure == PK_STRUCT_PEREZ_RUIXO ? "3-cmt + hepato-portal + metabolite"
                                                           : "mammillary",
                     "compartments", m->n_cmt, "confidence", pk_confidence_name(m->confidence),
                     "ranges", "weight_min_kg", m->weight_min_kg, "weight_max_kg", m->weight_max_kg,
                     "age_min_y", m->age_min_y, "age_max_y", m->age_max_y, "source",
                     m->range_source, "routes", routes, "parameters", params, "ke0_per_min",
                     m->ke0_per_min, "ke0_source", m->ke0_source, "notes", m->notes);
}

void pk_cli_print_notes(FILE *f, const struct pk_notes *notes)
{
    for (int i = 0; i < notes->n; i++) fprintf(f, "note: %s\n", notes->text[i]);
}
