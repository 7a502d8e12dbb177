/* cmd_pk_compare.c — `ketaclinic pk compare`: the same regimen under every model that fits the
 * patient, side by side, so the between-model spread is seen rather than hidden. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/pk_args.h"

#define MAX_MODELS 16

struct entry {
    const struct pk_model *m;
    struct pk_indiv ind;
    struct pk_summary sum;
    struct pk_notes notes;
    struct pk_point *pts;
    char why_not[160]; /* non-empty: excluded, with the reason */
};

/* Whether model m fits the patient and regimen; if not, says why in e->why_not. */
static int eligible(const struct pk_cli_case *c, int esketamine, struct entry *e)
{
    const struct pk_model *m = e->m;
    if ((m->enantiomer == PK_S_KETAMINE) != esketamine) {
        snprintf(e->why_not, sizeof e->why_not, "%s model; use --drug %s",
                 esketamine ? "racemic" : "esketamine", esketamine ? "ketamine" : "esketamine");
        return 0;
    }
    if ((m->required & PK_COV_WEIGHT) && !(c->cov.weight_kg > 0)) {
        snprintf(e->why_not, sizeof e->why_not, "needs --weight");
        return 0;
    }
    if ((m->required & PK_COV_AGE) && !(c->cov.age_y >= 0)) {
        snprintf(e->why_not, sizeof e->why_not, "needs --age");
        return 0;
    }
    if (!(c->cov.age_y >= 0) && (m->age_min_y > 18 || m->age_max_y < 18)) {
        snprintf(e->why_not, sizeof e->why_not, "a %.0f-%.0f y population; give --age to include it",
                 m->age_min_y, m->age_max_y);
        return 0;
    }
    if (c->cov.weight_kg > 0 && (c->cov.weight_kg < m->weight_min_kg || c->cov.weight_kg > m->weight_max_kg)) {
        snprintf(e->why_not, sizeof e->why_not, "weight outside %.0f-%.0f kg", m->weight_min_kg, m->weight_max_kg);
        return 0;
    }
    if (c->cov.age_y >= 0 && (c->cov.age_y < m->age_min_y || c->cov.age_y > m->age_max_y)) {
        snprintf(e->why_not, sizeof e->why_not, "age outside %.0f-%.0f y", m->age_min_y, m->age_max_y);
        return 0;
    }
    for (size_t i = 0; i < c->n_doses; i++)
        if (!m->routes[c->doses[i].route].supported) {
            snprintf(e->why_not, sizeof e->why_not, "no data for route %s", pk_route_name(c->doses[i].route));
            return 0;
        }
    return 1;
}

int cmd_pk_compare(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {{"drug", 1, 0, 0, {0}}, PK_CLI_PATIENT_OPTS};
    size_t nopts = sizeof opts / sizeof opts[0];
    static struct pk_cli_case c;
    struct entry e[MAX_MODELS];
    memset(e, 0, sizeof e);
    size_t n = pk_model_count() < MAX_MODELS ? pk_model_count() : MAX_MODELS;
    int rc = cli_parse(argc, argv, opts, nopts, NULL, 0, NULL, &err);
    if (!rc) rc = pk_cli_case_parse(opts, nopts, &c, &err);
    int esk = 0;
    const char *drug = cli_get(opts, nopts, "drug");
    if (!rc && drug) {
        if (strcasecmp(drug, "esketamine") == 0) esk = 1;
        else if (strcasecmp(drug, "ketamine") != 0)
            rc = kc_error_set(&err, KC_EINVAL, "--drug '%s': expected ketamine or esketamine", drug);
    }
    if (rc) return cli_fail(&err);

    int n_ok = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        e[i].m = pk_model_at(i);
        if (!eligible(&c, esk, &e[i])) continue;
        rc = pk_cli_individualize(e[i].m, &c, &e[i].ind, &e[i].notes, &err);
        if (rc) break;
        e[i].pts = calloc(c.n_times, sizeof *e[i].pts);
        if (!e[i].pts) {
            rc = kc_error_set(&err, KC_ENOMEM, "out of memory");
            break;
        }
        struct pk_sim_request req = {&e[i].ind, c.doses, c.n_doses, c.times, c.n_times,
                                     c.threshold_ng_per_ml, c.engine};
        rc = pk_simulate(&req, e[i].pts, &e[i].sum, &e[i].notes, &err);
        if (rc) kc_error_prefix(&err, "model %s", e[i].m->id);
        n_ok++;
    }
    if (!rc && n_ok == 0)
        rc = kc_error_set(&err, KC_EINVAL, "no model fits this patient and regimen");
    if (rc) goto out;

    if (c.format == CLI_FORMAT_JSON) {
        json_t *models = json_array(), *excluded = json_array();
        for (size_t i = 0; i < n; i++) {
            if (e[i].why_not[0]) {
                json_array_append_new(excluded, json_pack("{s:s, s:s}", "model", e[i].m->id, "reason", e[i].why_not));
                continue;
            }
            json_t *cp = json_array();
            for (size_t k = 0; k < c.n_times; k++) json_array_append_new(cp, json_real(e[i].pts[k].cp_ng_per_ml));
            json_array_append_new(models, json_pack("{s:s, s:s, s:o, s:o}", "model", e[i].m->id,
                                                    "site", pk_site_name(e[i].m->site), "summary",
                                                    pk_cli_summary_json(&e[i].sum, e[i].ind.s_fraction), "cp_ng_per_ml", cp));
        }
        json_t *times = json_array();
        for (size_t k = 0; k < c.n_times; k++) json_array_append_new(times, json_real(c.times[k]));
        json_t *root = json_pack("{s:o, s:o, s:o}", "time_min", times, "models", models, "excluded", excluded);
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(root);
    } else if (c.format == CLI_FORMAT_CSV) {
        printf("time_min");
        for (size_t i = 0; i < n; i++)
            if (!e[i].why_not[0]) printf(",%s_cp_ng_per_ml", e[i].m->id);
        printf("\n");
        for (size_t k = 0; k < c.n_times; k++) {
            printf("%.10g", c.times[k]);
            for (size_t i = 0; i < n; i++)
                if (!e[i].why_not[0]) printf(",%.10g", e[i].pts[k].cp_ng_per_ml);
            printf("\n");
        }
    } else {
        printf("Plasma concentration (ng/mL) under every model that fits the patient\n\n%9s", "time_min");
        for (size_t i = 0; i < n; i++)
            if (!e[i].why_not[0]) printf(" %14.14s", e[i].m->id);
        printf(" %18s\n", "spread (min-max)");
        for (size_t k = 0; k < c.n_times; k++) {
            double lo = INFINITY, hi = -INFINITY;
            printf("%9.2f", c.times[k]);
            for (size_t i = 0; i < n; i++) {
                if (e[i].why_not[0]) continue;
                double v = e[i].pts[k].cp_ng_per_ml;
                printf(" %14.1f", v);
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
            printf("   %7.1f-%-7.1f\n", lo, hi);
        }
        printf("\n%-16s %10s %9s %12s %18s\n", "model", "Cmax", "Tmax_min", "AUC_ng.h/mL", "below_thr_after_min");
        for (size_t i = 0; i < n; i++) {
            if (e[i].why_not[0]) continue;
            const struct pk_summary *s = &e[i].sum;
            printf("%-16s %10.1f %9.1f %12.1f %18.1f\n", e[i].m->id, s->cmax_ng_per_ml, s->tmax_min,
                   s->auc_ng_h_per_ml, s->t_below_min - s->last_input_end_min);
        }
        printf("(threshold %.0f ng/mL)\n", c.threshold_ng_per_ml);
        for (size_t i = 0; i < n; i++)
            if (e[i].why_not[0]) printf("not shown: %s (%s)\n", e[i].m->id, e[i].why_not);
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < e[i].notes.n; k++) printf("note (%s): %s\n", e[i].m->id, e[i].notes.text[k]);
    }
out:
    for (size_t i = 0; i < n; i++) free(e[i].pts);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
