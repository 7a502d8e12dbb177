/* cmd_pk.c — `ketaclinic pk models|simulate|compare`: the PK engine from the command line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pk_args.h"
#include "cli/pk_cmds.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ketaclinic pk models [--format table|json]\n"
            "       ketaclinic pk simulate --model ID --weight KG [--age Y] [--sex male|female]\n"
            "              [--height CM] [--asian] [--japanese] --dose \"ROUTE AMOUNT [over D] [at T]\"...\n"
            "              [--until 240min] [--step 5min | --at 5,10,40,60] [--threshold 100ng/mL]\n"
            "              [--ke0 0.5/min | --tpeak 1min] [--engine auto|expo|expm] [--amounts]\n"
            "              [--format table|csv|json]\n"
            "       ketaclinic pk compare --weight KG [--age Y] --dose ... [same options]\n"
            "       ketaclinic pk tci --model ID --weight KG --target \"plasma 200ng/mL\" ... (pk tci --help)\n"
            "       ketaclinic pk population --model ID --n N --weight \"normal 70 12\" --dose ... (pk population --help)\n"
            "ROUTE: iv, im, in, po, sl. AMOUNT: mg or mg/kg (add 'hcl' for the salt).\n"
            "Times: s, min or h. Concentrations are ng/mL of the model's species.\n");
}

static int cmd_models(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {{"format", 1, 0, 0, {0}}};
    enum cli_format fmt;
    if (cli_parse(argc, argv, opts, 1, NULL, 0, NULL, &err) ||
        cli_format_parse(cli_get(opts, 1, "format"), 1 | 4, &fmt, &err))
        return cli_fail(&err);
    if (fmt == CLI_FORMAT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < pk_model_count(); i++)
            json_array_append_new(arr, pk_cli_model_json(pk_model_at(i)));
        json_dumpf(arr, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(arr);
        return CLI_EXIT_OK;
    }
    printf("%-15s %-8s %-8s %-4s %-16s %-17s %s\n", "model", "drug", "site", "cmt", "routes",
           "weight/age range", "citation");
    for (size_t i = 0; i < pk_model_count(); i++) {
        const struct pk_model *m = pk_model_at(i);
        char routes[32] = "", range[40];
        size_t used = 0;
        for (int r = 0; r < PK_ROUTE_COUNT; r++)
            if (m->routes[r].supported) {
                int n = snprintf(routes + used, sizeof routes - used, "%s%s%s", used ? "," : "",
                                 pk_route_name((enum pk_route)r), m->routes[r].assumed ? "*" : "");
                if (n > 0) used += (size_t)n;
            }
        snprintf(range, sizeof range, "%.0f-%.0fkg %.0f-%.0fy", m->weight_min_kg, m->weight_max_kg,
                 m->age_min_y, m->age_max_y);
        printf("%-15s %-8s %-8s %-4d %-16s %-17s %.70s%s\n", m->id,
               m->enantiomer == PK_RACEMIC ? "racemic" : "S-ket", pk_site_name(m->site), m->n_cmt,
               routes, range, m->citation, strlen(m->citation) > 70 ? "..." : "");
    }
    printf("* absorption structure assumed (no published adult absorption rate).\n"
           "Effect site for all models: %s.\n", pk_model_at(0)->ke0_source);
    return CLI_EXIT_OK;
}

struct sim_view {
    const struct pk_model *m;
    struct pk_indiv ind;
    struct pk_summary sum;
    struct pk_notes notes;
    struct pk_point *pts;
};

static int run_one(const struct pk_cli_case *c, struct sim_view *v, struct kc_error *err)
{
    int rc = pk_cli_individualize(v->m, c, &v->ind, &v->notes, err);
    if (rc) return rc;
    v->pts = calloc(c->n_times, sizeof *v->pts);
    if (!v->pts) return kc_error_set(err, KC_ENOMEM, "out of memory");
    struct pk_sim_request req = {&v->ind, c->doses, c->n_doses, c->times, c->n_times,
                                 c->threshold_ng_per_ml, c->engine};
    return pk_simulate(&req, v->pts, &v->sum, &v->notes, err);
}

static void print_summary(const struct pk_summary *s, const struct pk_indiv *ind, int has_met)
{
    printf("Cmax %.1f ng/mL at %.1f min; Ce max %.1f ng/mL at %.1f min", s->cmax_ng_per_ml,
           s->tmax_min, s->ce_max_ng_per_ml, s->ce_tmax_min);
    if (has_met) printf("; noresketamine max %.1f ng/mL at %.1f min", s->met_max_ng_per_ml, s->met_tmax_min);
    printf("\nAUC %.1f ng.h/mL to the last time; %.1f min above %.0f ng/mL\n", s->auc_ng_h_per_ml,
           s->time_above_min, s->threshold_ng_per_ml);
    double c50 = PK_OLOFSEN_C50_NMOL_PER_ML * PK_MW_KETAMINE_BASE;
    printf("S-ketamine at the effect site peaks at %.1f ng/mL = %.2f x C50 (%.0f ng/mL, Olofsen 2022)\n",
           s->ce_max_ng_per_ml * ind->s_fraction, s->ce_max_ng_per_ml * ind->s_fraction / c50, c50);
    if (s->cmax_ng_per_ml <= s->threshold_ng_per_ml)
        printf("Cp never exceeds %.0f ng/mL\n", s->threshold_ng_per_ml);
    else if (isfinite(s->t_below_min))
        printf("Cp stays below %.0f ng/mL from %.1f min (%.1f min after the end of the last dose)\n",
               s->threshold_ng_per_ml, s->t_below_min, s->t_below_min - s->last_input_end_min);
    else
        printf("Cp does not fall below %.0f ng/mL within 7 days\n", s->threshold_ng_per_ml);
}

static int cmd_simulate(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {{"model", 1, 0, 0, {0}}, {"amounts", 0, 0, 0, {0}}, PK_CLI_PATIENT_OPTS};
    size_t nopts = sizeof opts / sizeof opts[0];
    static struct pk_cli_case c;
    struct sim_view v = {0};
    int rc = cli_parse(argc, argv, opts, nopts, NULL, 0, NULL, &err);
    if (!rc && !cli_get(opts, nopts, "model"))
        rc = kc_error_set(&err, KC_EINVAL, "--model is required (see 'ketaclinic pk models')");
    if (!rc) rc = pk_model_find(cli_get(opts, nopts, "model"), &v.m, &err);
    if (!rc) rc = pk_cli_case_parse(opts, nopts, &c, &err);
    if (!rc) rc = run_one(&c, &v, &err);
    if (rc) {
        free(v.pts);
        return cli_fail(&err);
    }
    int amounts = cli_get(opts, nopts, "amounts") != NULL;
    int has_met = v.m->structure == PK_STRUCT_PEREZ_RUIXO;
    const char *names[PK_MAX_AMOUNTS];
    int n_names = pk_amount_names(&v.ind, names, PK_MAX_AMOUNTS);
    int n_show = n_names;
    if (v.m->structure == PK_STRUCT_MAMMILLARY && v.ind.n_cmt < 3) n_show = n_names; /* keep layout */
    for (int i = 0; i < v.notes.n; i++)
        if (strncmp(v.notes.text[i], "warning:", 8) == 0) fprintf(stderr, "ketaclinic: %s\n", v.notes.text[i]);

    if (c.format == CLI_FORMAT_JSON) {
        json_t *pts = json_array(), *doses = json_array(), *notes = json_array();
        for (size_t i = 0; i < c.n_times; i++) {
            json_t *p = json_pack("{s:f, s:f, s:f}", "time_min", v.pts[i].t_min, "cp_ng_per_ml",
                                  v.pts[i].cp_ng_per_ml, "ce_ng_per_ml", v.pts[i].ce_ng_per_ml);
            if (has_met) json_object_set_new(p, "noresketamine_ng_per_ml", json_real(v.pts[i].met_ng_per_ml));
            json_t *am = json_object();
            for (int k = 0; k < n_show; k++) json_object_set_new(am, names[k], json_real(v.pts[i].amount_mg[k]));
            json_object_set_new(p, "amount_mg", am);
            json_array_append_new(pts, p);
        }
        for (size_t i = 0; i < c.n_doses; i++) {
            char buf[128];
            pk_cli_dose_text(&c.doses[i], v.ind.weight_kg, buf, sizeof buf);
            json_array_append_new(doses, json_string(buf));
        }
        for (int i = 0; i < v.notes.n; i++) json_array_append_new(notes, json_string(v.notes.text[i]));
        json_t *root = json_pack("{s:o, s:f, s:o, s:o, s:o, s:o}", "model", pk_cli_model_json(v.m),
                                 "ke0_per_min", v.ind.ke0_per_min, "doses", doses, "notes", notes,
                                 "summary", pk_cli_summary_json(&v.sum, v.ind.s_fraction), "points", pts);
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(root);
    } else if (c.format == CLI_FORMAT_CSV) {
        for (int i = 0; i < v.notes.n; i++)
            if (strncmp(v.notes.text[i], "warning:", 8) != 0) fprintf(stderr, "ketaclinic: note: %s\n", v.notes.text[i]);
        printf("time_min,cp_ng_per_ml,ce_ng_per_ml%s", has_met ? ",noresketamine_ng_per_ml" : "");
        if (amounts)
            for (int k = 0; k < n_show; k++) printf(",%s_mg", names[k]);
        printf("\n");
        for (size_t i = 0; i < c.n_times; i++) {
            printf("%.10g,%.10g,%.10g", v.pts[i].t_min, v.pts[i].cp_ng_per_ml, v.pts[i].ce_ng_per_ml);
            if (has_met) printf(",%.10g", v.pts[i].met_ng_per_ml);
            if (amounts)
                for (int k = 0; k < n_show; k++) printf(",%.10g", v.pts[i].amount_mg[k]);
            printf("\n");
        }
    } else {
        printf("Model: %s (%s), %s %s, %s sampling, %d compartments; engine: %s\n", v.m->name,
               v.m->id, v.m->enantiomer == PK_RACEMIC ? "racemic ketamine" : "esketamine",
               v.m->structure == PK_STRUCT_PEREZ_RUIXO ? "with noresketamine" : "",
               pk_site_name(v.m->site), v.ind.n_cmt, pk_engine_name(v.sum.engine_used));
        printf("Source: %s\n", v.m->citation);
        for (size_t i = 0; i < c.n_doses; i++) {
            char buf[128];
            pk_cli_dose_text(&c.doses[i], v.ind.weight_kg, buf, sizeof buf);
            printf("Dose: %s\n", buf);
        }
        printf("Effect site: ke0 %.4g /min (%s)\n", v.ind.ke0_per_min,
               c.ke0_per_min > 0 || c.tpeak_min > 0 ? "given" : v.m->ke0_source);
        for (int i = 0; i < v.notes.n; i++)
            if (strncmp(v.notes.text[i], "warning:", 8) != 0) printf("Note: %s\n", v.notes.text[i]);
        printf("\n%9s %10s %10s", "time_min", "Cp_ng/mL", "Ce_ng/mL");
        if (has_met) printf(" %12s", "norS_ng/mL");
        if (amounts)
            for (int k = 0; k < n_show; k++) printf(" %12.12s", names[k]);
        printf("\n");
        for (size_t i = 0; i < c.n_times; i++) {
            printf("%9.2f %10.2f %10.2f", v.pts[i].t_min, v.pts[i].cp_ng_per_ml, v.pts[i].ce_ng_per_ml);
            if (has_met) printf(" %12.2f", v.pts[i].met_ng_per_ml);
            if (amounts)
                for (int k = 0; k < n_show; k++) printf(" %12.4f", v.pts[i].amount_mg[k]);
            printf("\n");
        }
        printf("\n");
        print_summary(&v.sum, &v.ind, has_met);
    }
    free(v.pts);
    return CLI_EXIT_OK;
}


int cmd_pk(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
        usage(argc < 1 ? stderr : stdout);
        return argc < 1 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (strcmp(argv[0], "models") == 0) return cmd_models(argc - 1, argv + 1);
    if (strcmp(argv[0], "simulate") == 0) return cmd_simulate(argc - 1, argv + 1);
    if (strcmp(argv[0], "compare") == 0) return cmd_pk_compare(argc - 1, argv + 1);
    if (strcmp(argv[0], "tci") == 0) return cmd_pk_tci(argc - 1, argv + 1);
    if (strcmp(argv[0], "population") == 0) return cmd_pk_population(argc - 1, argv + 1);
    fprintf(stderr, "ketaclinic: pk: unknown subcommand '%s' (models, simulate, compare, tci, population)\n", argv[0]);
    return CLI_EXIT_USAGE;
}
