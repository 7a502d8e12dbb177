/* cmd_pk_tci.c — `ketaclinic pk tci`: the pump rates of a target-controlled ketamine infusion,
 * or the replay of a logged rate history, with Cp/Ce and the decrement time. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/quantity.h"
#include "cli/pk_args.h"
#include "cli/pk_cmds.h"
#include "pkpd/tci.h"

#define MAX_REPLAY_ROWS 200000
#define MAX_LINE 1024

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ketaclinic pk tci --model ID --weight KG --target \"plasma|effect CONC [at T]\"...\n"
            "              [--target \"off at T\"] [--until 60min] [--interval 10s] [--syringe 10mg/mL]\n"
            "              [--max-rate 0.75mg/kg/min] [--max-rate 1200mL/h] [--resolution 0.1mL/h]\n"
            "              [--pause 20min-25min]... [--cp-cap 2] [--cp-max 1000ng/mL]\n"
            "              [--decrement 100ng/mL]\n"
            "              [--ke0 0.652/min | --tpeak 1min] [--replay LOG.csv] [--format table|csv|json]\n"
            "--replay reads a rate log (columns time_min and rate_ml_per_h or rate_mg_per_min) and\n"
            "recomputes what the patient received instead of running the controller.\n"
            "Effect-site targeting never lets plasma pass --cp-cap x the target (default 2,\n"
            "at most 5) nor --cp-max (default 1000 ng/mL, at most 1200: the anaesthetic\n"
            "range starts there);\n"
            "rows where the cap cut the rate are marked 'c'.\n");
}

static int parse_target(const char *text, struct tci_target *t, struct kc_error *err)
{
    char buf[128];
    size_t n = strlen(text);
    if (n == 0 || n >= sizeof buf) return kc_error_set(err, KC_EINVAL, "--target '%.40s': empty or too long", text);
    memcpy(buf, text, n + 1);
    char *w[4], *save = NULL;
    int nw = 0;
    for (char *p = strtok_r(buf, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
        if (nw == 4) return kc_error_set(err, KC_EINVAL, "--target '%s': too many words", text);
        w[nw++] = p;
    }
    memset(t, 0, sizeof *t);
    int i = 0;
    if (nw >= 1 && strcasecmp(w[0], "off") == 0) {
        t->mode = TCI_OFF;
        i = 1;
    } else if (nw >= 2 && (strcasecmp(w[0], "plasma") == 0 || strcasecmp(w[0], "effect") == 0)) {
        t->mode = strcasecmp(w[0], "plasma") == 0 ? TCI_PLASMA : TCI_EFFECT;
        if (kc_quantity_parse_as(w[1], KC_DIM_CONC, &t->conc_ng_per_ml, err))
            return kc_error_prefix(err, "--target '%s'", text);
        i = 2;
    } else {
        return kc_error_set(err, KC_EINVAL,
                            "--target '%s': expected \"plasma|effect CONC [at TIME]\" or \"off at TIME\"", text);
    }
    if (i < nw) {
        if (strcasecmp(w[i], "at") != 0 || i + 2 != nw)
            return kc_error_set(err, KC_EINVAL, "--target '%s': expected 'at TIME' after the target", text);
        if (kc_quantity_parse_as(w[i + 1], KC_DIM_TIME, &t->t_min, err))
            return kc_error_prefix(err, "--target '%s'", text);
    }
    return KC_OK;
}

static int parse_pause(const char *text, struct tci_pause *p, struct kc_error *err)
{
    const char *dash = strchr(text, '-');
    char a[40];
    if (!dash || (size_t)(dash - text) >= sizeof a)
        return kc_error_set(err, KC_EINVAL, "--pause '%s': expected FROM-TO, e.g. 20min-25min", text);
    memcpy(a, text, (size_t)(dash - text));
    a[dash - text] = '\0';
    if (kc_quantity_parse_as(a, KC_DIM_TIME, &p->t0_min, err) ||
        kc_quantity_parse_as(dash + 1, KC_DIM_TIME, &p->t1_min, err))
        return kc_error_prefix(err, "--pause '%s'", text);
    if (!(p->t1_min > p->t0_min)) return kc_error_set(err, KC_EINVAL, "--pause '%s': must end after it starts", text);
    return KC_OK;
}

/* --max-rate: mg/kg/min, mL/h or mg/min (the last becomes mL/h through the syringe). */
static int parse_max_rates(const struct cli_opt *o, struct tci_pump *p, struct kc_error *err)
{
    if (!o) return KC_OK;
    for (int i = 0; i < o->count; i++) {
        struct kc_quantity q;
        if (kc_quantity_parse(o->values[i], &q, err)) return kc_error_prefix(err, "--max-rate");
        if (!(q.value > 0)) return kc_error_set(err, KC_EINVAL, "--max-rate '%s' must be above 0", o->values[i]);
        if (q.dim == KC_DIM_RATE_MASS_PER_KG) p->max_mg_per_kg_per_min = q.value;
        else if (q.dim == KC_DIM_RATE_VOLUME) p->max_ml_per_h = q.value;
        else if (q.dim == KC_DIM_RATE_MASS) p->max_ml_per_h = q.value * 60.0 / p->syringe_mg_per_ml;
        else
            return kc_error_set(err, KC_EINVAL, "--max-rate '%s': expected mg/kg/min, mL/h or mg/min",
                                o->values[i]);
    }
    return KC_OK;
}

/* Reads a rate log: a header naming time_min and rate_ml_per_h (or rate_mg_per_min). */
static int read_log(const char *path, double syringe, struct tci_row **out, size_t *n,
                    struct kc_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) return kc_error_set(err, KC_EIO, "--replay %s: %s", path, strerror(errno));
    char line[MAX_LINE];
    int rc = KC_OK, col_t = -1, col_ml = -1, col_mg = -1;
    size_t cap = 0, lineno = 0;
    struct tci_row *rows = NULL;
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            rc = kc_error_set(err, KC_ELIMIT, "--replay %s:%zu: line longer than %d", path, lineno, MAX_LINE - 2);
            goto out;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0]) continue;
        char *save = NULL, *cell;
        int c = 0;
        if (col_t < 0) {
            for (cell = strtok_r(line, ",", &save); cell; cell = strtok_r(NULL, ",", &save), c++) {
                if (strcmp(cell, "time_min") == 0) col_t = c;
                if (strcmp(cell, "rate_ml_per_h") == 0) col_ml = c;
                if (strcmp(cell, "rate_mg_per_min") == 0) col_mg = c;
            }
            if (col_t < 0 || (col_ml < 0 && col_mg < 0)) {
                rc = kc_error_set(err, KC_EINVAL, "--replay %s: the header needs time_min and "
                                  "rate_ml_per_h or rate_mg_per_min", path);
                goto out;
            }
            continue;
        }
        if (*n == MAX_REPLAY_ROWS) {
            rc = kc_error_set(err, KC_ELIMIT, "--replay %s: more than %d rows", path, MAX_REPLAY_ROWS);
            goto out;
        }
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 1024;
            struct tci_row *r = realloc(rows, nc * sizeof *r);
            if (!r) {
                rc = kc_error_set(err, KC_ENOMEM, "out of memory");
                goto out;
            }
            rows = r, cap = nc;
        }
        struct tci_row *r = &rows[*n];
        memset(r, 0, sizeof *r);
        int got_t = 0, got_r = 0;
        for (cell = strtok_r(line, ",", &save); cell; cell = strtok_r(NULL, ",", &save), c++) {
            double v;
            if (c != col_t && c != (col_ml >= 0 ? col_ml : col_mg)) continue;
            if (kc_parse_double(cell, &v, NULL) || v < 0) {
                rc = kc_error_set(err, KC_EINVAL, "--replay %s:%zu: '%s' is not a number >= 0", path, lineno, cell);
                goto out;
            }
            if (c == col_t) r->t_min = v, got_t = 1;
            else if (col_ml >= 0) r->rate_ml_per_h = v, r->rate_mg_per_min = v * syringe / 60.0, got_r = 1;
            else r->rate_mg_per_min = v, r->rate_ml_per_h = v * 60.0 / syringe, got_r = 1;
        }
        if (!got_t || !got_r) {
            rc = kc_error_set(err, KC_EINVAL, "--replay %s:%zu: missing time or rate", path, lineno);
            goto out;
        }
        (*n)++;
    }
    if (*n < 2) rc = kc_error_set(err, KC_EINVAL, "--replay %s: need at least two rows", path);
out:
    fclose(f);
    if (rc) free(rows);
    else *out = rows;
    return rc;
}

static void print_rows(const struct tci_row *rows, size_t n, enum cli_format fmt)
{
    if (fmt == CLI_FORMAT_CSV) {
        printf("time_min,rate_mg_per_min,rate_ml_per_h,cumulative_mg,cp_ng_per_ml,ce_ng_per_ml\n");
        for (size_t k = 0; k < n; k++)
            printf("%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", rows[k].t_min, rows[k].rate_mg_per_min,
                   rows[k].rate_ml_per_h, rows[k].cumulative_mg, rows[k].cp_ng_per_ml, rows[k].ce_ng_per_ml);
        return;
    }
    printf("%9s %-7s %9s %9s %8s %9s %9s %9s\n", "time_min", "mode", "target", "mg/min", "mL/h",
           "cum_mg", "Cp_ng/mL", "Ce_ng/mL");
    for (size_t k = 0; k < n; k++)
        printf("%9.3f %-7s %9.1f %9.4f %8.1f%s %9.2f %9.2f %9.2f\n", rows[k].t_min,
               tci_mode_name(rows[k].mode), rows[k].target_ng_per_ml, rows[k].rate_mg_per_min,
               rows[k].rate_ml_per_h, rows[k].limited ? "*" : rows[k].cp_capped ? "c" : " ",
               rows[k].cumulative_mg,
               rows[k].cp_ng_per_ml, rows[k].ce_ng_per_ml);
}

static json_t *rows_json(const struct tci_row *rows, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(a, json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:s, s:f, s:b, s:b}",
                                           "time_min", rows[k].t_min, "rate_mg_per_min", rows[k].rate_mg_per_min,
                                           "rate_ml_per_h", rows[k].rate_ml_per_h, "cumulative_mg",
                                           rows[k].cumulative_mg, "cp_ng_per_ml", rows[k].cp_ng_per_ml,
                                           "ce_ng_per_ml", rows[k].ce_ng_per_ml, "mode",
                                           tci_mode_name(rows[k].mode), "target_ng_per_ml",
                                           rows[k].target_ng_per_ml, "limited", rows[k].limited,
                                           "cp_capped", rows[k].cp_capped));
    return a;
}

int cmd_pk_tci(int argc, char **argv)
{
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0)) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    struct kc_error err = {0};
    struct cli_opt opts[] = {{"model", 1, 0, 0, {0}},      {"target", 1, 1, 0, {0}},
                             {"interval", 1, 0, 0, {0}},   {"syringe", 1, 0, 0, {0}},
                             {"max-rate", 1, 1, 0, {0}},   {"resolution", 1, 0, 0, {0}},
                             {"pause", 1, 1, 0, {0}},      {"cp-cap", 1, 0, 0, {0}},
                             {"cp-max", 1, 0, 0, {0}},
                             {"decrement", 1, 0, 0, {0}},  {"replay", 1, 0, 0, {0}},
                             PK_CLI_PATIENT_OPTS};
    size_t nopts = sizeof opts / sizeof opts[0];
    static struct pk_cli_case c;
    const struct pk_model *m = NULL;
    struct pk_indiv ind;
    struct pk_notes notes = {0};
    struct tci_target targets[CLI_MAX_REPEAT];
    struct tci_pause pauses[CLI_MAX_REPEAT];
    struct tci_request req = {0};
    struct tci_row *rows = NULL;
    size_t n_rows = 0;
    double level = 0, dec_cp = NAN, dec_ce = NAN;
    const char *v, *replay_path;
    int rc = cli_parse(argc, argv, opts, nopts, NULL, 0, NULL, &err);
    if (rc) goto fail;
    if (!(v = cli_get(opts, nopts, "model"))) {
        rc = kc_error_set(&err, KC_EINVAL, "--model is required (see 'ketaclinic pk models')");
        goto fail;
    }
    if ((rc = pk_model_find(v, &m, &err))) goto fail;
    const char *bad[] = {"dose", "step", "at", "threshold", "engine"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cli_get(opts, nopts, bad[i])) {
            rc = kc_error_set(&err, KC_EINVAL, "--%s does not apply to pk tci (the controller sets the "
                              "doses; --interval sets the grid)", bad[i]);
            goto fail;
        }
    /* the patient options only: the controller computes the doses, --interval sets the grid */
    if ((rc = pk_cli_patient_parse(opts, nopts, &c, &err))) goto fail;
    if ((rc = pk_cli_individualize(m, &c, &ind, &notes, &err))) goto fail;

    tci_pump_default(&req.pump);
    req.ind = &ind;
    req.until_min = 60.0;
    if ((v = cli_get(opts, nopts, "syringe"))) {
        if ((rc = kc_quantity_parse_as(v, KC_DIM_CONC, &req.pump.syringe_mg_per_ml, &err))) goto prefix_syringe;
        req.pump.syringe_mg_per_ml /= 1e6; /* ng/mL -> mg/mL */
    }
    if ((rc = parse_max_rates(cli_find(opts, nopts, "max-rate"), &req.pump, &err))) goto fail;
    if ((v = cli_get(opts, nopts, "resolution")) &&
        (rc = kc_quantity_parse_as(v, KC_DIM_RATE_VOLUME, &req.pump.resolution_ml_per_h, &err))) {
        kc_error_prefix(&err, "--resolution");
        goto fail;
    }
    if ((v = cli_get(opts, nopts, "interval")) &&
        (rc = kc_quantity_parse_as(v, KC_DIM_TIME, &req.pump.interval_min, &err))) {
        kc_error_prefix(&err, "--interval");
        goto fail;
    }
    if ((v = cli_get(opts, nopts, "until")) && (rc = kc_quantity_parse_as(v, KC_DIM_TIME, &req.until_min, &err))) {
        kc_error_prefix(&err, "--until");
        goto fail;
    }
    req.cp_cap_factor = TCI_DEFAULT_CP_CAP_FACTOR;
    req.cp_max_ng_per_ml = TCI_DEFAULT_CP_MAX_NG_PER_ML;
    if ((v = cli_get(opts, nopts, "cp-cap")) &&
        (kc_parse_double(v, &req.cp_cap_factor, NULL) || !(req.cp_cap_factor >= 1) ||
         req.cp_cap_factor > TCI_CP_CAP_FACTOR_MAX)) {
        rc = kc_error_set(&err, KC_EINVAL, "--cp-cap '%s': expected a multiple of the target, 1-%g",
                          v, TCI_CP_CAP_FACTOR_MAX);
        goto fail;
    }
    if ((v = cli_get(opts, nopts, "cp-max"))) {
        if ((rc = kc_quantity_parse_as(v, KC_DIM_CONC, &req.cp_max_ng_per_ml, &err))) {
            kc_error_prefix(&err, "--cp-max");
            goto fail;
        }
        if (!(req.cp_max_ng_per_ml > 0) || req.cp_max_ng_per_ml > TCI_CP_MAX_LIMIT_NG_PER_ML) {
            rc = kc_error_set(&err, KC_EINVAL, "--cp-max '%s': expected above 0 and at most %g "
                              "ng/mL (the anaesthetic range starts at 1200 ng/mL, Zanos 2018)",
                              v, TCI_CP_MAX_LIMIT_NG_PER_ML);
            goto fail;
        }
    }
    if ((v = cli_get(opts, nopts, "decrement")) && (rc = kc_quantity_parse_as(v, KC_DIM_CONC, &level, &err))) {
        kc_error_prefix(&err, "--decrement");
        goto fail;
    }
    const struct cli_opt *o = cli_find(opts, nopts, "target");
    for (int i = 0; o && i < o->count; i++)
        if ((rc = parse_target(o->values[i], &targets[i], &err))) goto fail;
    req.targets = targets;
    req.n_targets = o ? (size_t)o->count : 0;
    o = cli_find(opts, nopts, "pause");
    for (int i = 0; o && i < o->count; i++)
        if ((rc = parse_pause(o->values[i], &pauses[i], &err))) goto fail;
    req.pauses = pauses;
    req.n_pauses = o ? (size_t)o->count : 0;

    replay_path = cli_get(opts, nopts, "replay");
    if (replay_path) {
        if (req.n_targets) {
            rc = kc_error_set(&err, KC_EINVAL, "give either --target or --replay, not both");
            goto fail;
        }
        if ((rc = read_log(replay_path, req.pump.syringe_mg_per_ml, &rows, &n_rows, &err))) goto fail;
        if ((rc = tci_replay(&ind, rows, n_rows, &err))) goto fail;
    } else {
        if (!req.n_targets) {
            rc = kc_error_set(&err, KC_EINVAL, "give at least one --target, e.g. --target \"plasma 200ng/mL\"");
            goto fail;
        }
        if (targets[0].t_min > 0) {
            rc = kc_error_set(&err, KC_EINVAL, "the first --target must start at 0 min");
            goto fail;
        }
        size_t need = tci_row_count(&req);
        if (need == 0 || need > MAX_REPLAY_ROWS) {
            rc = kc_error_set(&err, KC_ELIMIT, "--until/--interval give %zu pump updates; at most %d",
                              need, MAX_REPLAY_ROWS);
            goto fail;
        }
        rows = calloc(need, sizeof *rows);
        if (!rows) {
            rc = kc_error_set(&err, KC_ENOMEM, "out of memory");
            goto fail;
        }
        if ((rc = tci_run(&req, rows, need, &n_rows, &err))) goto fail;
    }
    if (level > 0) {
        if ((rc = tci_decrement_time(&ind, rows, n_rows, level, 0, &dec_cp, &err)) ||
            (rc = tci_decrement_time(&ind, rows, n_rows, level, 1, &dec_ce, &err)))
            goto fail;
    }
    for (int i = 0; i < notes.n; i++) fprintf(stderr, "ketaclinic: %s\n", notes.text[i]);
    const struct tci_row *last = &rows[n_rows - 1];
    /* say when the plasma overshoot cap bound (issue 14): the effect target comes later */
    size_t n_capped = 0, first_capped = 0;
    for (size_t k = 0; k < n_rows; k++)
        if (rows[k].cp_capped && !n_capped++) first_capped = k;
    char cap_note[240] = "";
    if (n_capped)
        snprintf(cap_note, sizeof cap_note,
                 "the plasma cap (%g x target, at most %g ng/mL) cut the rate at %zu update%s from "
                 "%.2f min (rows 'c'): Ce reaches the effect target later than uncapped targeting",
                 req.cp_cap_factor, req.cp_max_ng_per_ml, n_capped, n_capped == 1 ? "" : "s",
                 rows[first_capped].t_min);
    double total_ml = 0;
    for (size_t k = 0; k + 1 < n_rows; k++)
        total_ml += rows[k].rate_ml_per_h / 60.0 * (rows[k + 1].t_min - rows[k].t_min);
    if (c.format == CLI_FORMAT_JSON) {
        json_t *root = json_pack("{s:o, s:f, s:f, s:{s:f, s:f, s:f, s:f, s:f}, s:f, s:f, s:f, s:o}",
                                 "model", pk_cli_model_json(m), "weight_kg", ind.weight_kg,
                                 "ke0_per_min", ind.ke0_per_min, "pump", "syringe_mg_per_ml",
                                 req.pump.syringe_mg_per_ml, "max_ml_per_h", req.pump.max_ml_per_h,
                                 "max_mg_per_kg_per_min", req.pump.max_mg_per_kg_per_min,
                                 "resolution_ml_per_h", req.pump.resolution_ml_per_h, "interval_min",
                                 req.pump.interval_min, "cp_cap_factor", req.cp_cap_factor,
                                 "total_mg", last->cumulative_mg, "total_ml", total_ml, "rows",
                                 rows_json(rows, n_rows));
        json_object_set_new(root, "cp_max_ng_per_ml", json_real(req.cp_max_ng_per_ml));
        if (n_capped)
            json_object_set_new(root, "notes", json_pack("[s]", cap_note));
        if (level > 0)
            json_object_set_new(root, "decrement", json_pack("{s:f, s:f, s:f}", "level_ng_per_ml", level,
                                                             "cp_below_after_min", dec_cp,
                                                             "ce_below_after_min", dec_ce));
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(root);
    } else if (c.format == CLI_FORMAT_CSV) {
        print_rows(rows, n_rows, CLI_FORMAT_CSV);
    } else {
        printf("Model: %s (%s); weight %.1f kg; ke0 %.4g /min\n", m->name, m->id, ind.weight_kg, ind.ke0_per_min);
        printf("Pump: syringe %.4g mg/mL, update every %.4g s, resolution %.4g mL/h, max %s%.4g mg/kg/min%s\n",
               req.pump.syringe_mg_per_ml, req.pump.interval_min * 60, req.pump.resolution_ml_per_h,
               "", req.pump.max_mg_per_kg_per_min, req.pump.max_ml_per_h > 0 ? " and the mL/h limit" : "");
        if (replay_path) printf("Replay of %s\n", replay_path);
        printf("\n");
        print_rows(rows, n_rows, CLI_FORMAT_TABLE);
        printf("\nDelivered %.2f mg (%.2f mL) by %.1f min; Cp %.1f, Ce %.1f ng/mL at the end.%s\n",
               last->cumulative_mg, total_ml, last->t_min, last->cp_ng_per_ml, last->ce_ng_per_ml,
               replay_path ? "" : " * = rate cut by the pump limit.");
        if (n_capped) printf("Note: %s\n", cap_note);
        if (level > 0)
            printf("After stopping: Cp below %.0f ng/mL after %.1f min, Ce after %.1f min.\n", level,
                   dec_cp, dec_ce);
    }
    free(rows);
    return CLI_EXIT_OK;
prefix_syringe:
    kc_error_prefix(&err, "--syringe");
fail:
    free(rows);
    return cli_fail(&err);
}
