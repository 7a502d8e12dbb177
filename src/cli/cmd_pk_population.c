/* cmd_pk_population.c — `ketaclinic pk population`: a Monte Carlo population of virtual patients
 * under one regimen, summarised as quantiles of Cp over time, Cmax and AUC distributions and the
 * probability of exceeding a level.  Draws the progress bar (stderr, terminals, runs over 1 s). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/quantity.h"
#include "cli/covariates_csv.h"
#include "cli/pk_args.h"
#include "cli/pk_cmds.h"
#include "pkpd/population.h"

/* Upper edge of the dissociative range, 250 ng/mL (Zanos 2018 Pharmacol Rev 70:621, Table 1,
 * citing Krystal 1994: dissociation at 100-250 ng/mL): the default exceedance level. */
#define DEFAULT_LEVEL 250.0

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ketaclinic pk population --model ID --n N --dose \"iv 0.5mg/kg over 40min\"...\n"
            "              [--weight \"normal 70 12\" | \"uniform 50 90\" | 70] [--age DIST] [--sex ...]\n"
            "              [--covariates FILE.csv] [--iiv published|none|CV] [--residual SD]\n"
            "              [--until 240min] [--step 1min] [--quantiles 5,50,95] [--level 250ng/mL]\n"
            "              [--threads N] [--seed S] [--refine] [--timing] [--ke0 R/min]\n"
            "              [--format table|csv|json]\n"
            "Quantiles come from histograms merged exactly across threads: within 0.78%% of the exact\n"
            "sample quantile, or about 2e-6 with --refine (a second pass over the same patients).\n"
            "Cmax is each patient's exact Cp at the output times and wherever the inputs change (the\n"
            "end of an infusion, a bolus, a device): the true peak of IV infusions and boluses on any\n"
            "grid; an absorption peak (nasal, oral, IM) between outputs is seen at the grid, so give\n"
            "those routes a fine --step (1 min: within 0.03%% of the peak for IM, closer for nasal/oral).\n");
}

/* CPU seconds of the whole process (user + system, all threads). */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct bar {
    double t0;
    int tty, drawn;
};

static void progress(void *ctx, long done, long total)
{
    struct bar *b = ctx;
    if (!b->tty || (!b->drawn && now_s() - b->t0 < 1.0)) return;
    int w = 40, k = total ? (int)((double)done / (double)total * w) : w;
    fprintf(stderr, "\r[%.*s%*s] %3d%% %ld/%ld", k, "########################################", w - k, "",
            total ? (int)(100.0 * (double)done / (double)total) : 100, done, total);
    b->drawn = 1;
}

/* The covariate table (covariates_csv.c). */
static int read_covariates(const char *path, const struct pk_covariates *base,
                           struct pk_covariates **out, size_t *n, struct kc_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) return kc_error_set(err, KC_EIO, "--covariates %s: %s", path, strerror(errno));
    int rc = pk_covariates_csv_read(f, path, base, out, n, err);
    fclose(f);
    return rc;
}

static int parse_quantiles(const char *text, double *q, size_t *n, struct kc_error *err)
{
    char buf[256], *save = NULL;
    if (strlen(text) >= sizeof buf) return kc_error_set(err, KC_EINVAL, "--quantiles: too long");
    memcpy(buf, text, strlen(text) + 1);
    *n = 0;
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        double v;
        if (*n == POP_MAX_QUANTILES) return kc_error_set(err, KC_ELIMIT, "--quantiles: at most %d", POP_MAX_QUANTILES);
        if (kc_parse_double(w, &v, NULL) || !(v > 0 && v <= 100))
            return kc_error_set(err, KC_EINVAL, "--quantiles: '%s' is not a percentage in (0, 100]", w);
        q[(*n)++] = v / 100.0;
    }
    if (!*n) return kc_error_set(err, KC_EINVAL, "--quantiles: none given");
    return KC_OK;
}

static void qname(double q, char *buf, size_t size)
{
    snprintf(buf, size, "p%g", q * 100.0);
}

static json_t *series_json(const struct pop_result *r, size_t s)
{
    json_t *q = json_object();
    for (size_t k = 0; k < r->n_quantiles; k++) {
        char name[24];
        qname(r->quantiles[k], name, sizeof name);
        json_object_set_new(q, name, json_real(pop_result_quantile(r, s, k)));
    }
    return json_pack("{s:o, s:f, s:f, s:f, s:f}", "quantiles", q, "mean", pop_acc_mean(&r->acc, s), "min",
                     r->acc.m[s].min, "max", r->acc.m[s].max, "p_above_level", pop_result_p_above(r, s));
}

static void print_result(const struct pop_request *req, const struct pop_result *r, enum cli_format fmt)
{
    size_t nt = r->n_times;
    char name[24];
    if (fmt == CLI_FORMAT_CSV) {
        printf("time_min");
        for (size_t k = 0; k < r->n_quantiles; k++) {
            qname(r->quantiles[k], name, sizeof name);
            printf(",cp_%s_ng_per_ml", name);
        }
        printf(",cp_mean_ng_per_ml,p_above_level\n");
        for (size_t j = 0; j < nt; j++) {
            printf("%.10g", req->times_min[j]);
            for (size_t k = 0; k < r->n_quantiles; k++) printf(",%.10g", pop_result_quantile(r, j, k));
            printf(",%.10g,%.10g\n", pop_acc_mean(&r->acc, j), pop_result_p_above(r, j));
        }
        return;
    }
    if (fmt == CLI_FORMAT_JSON) {
        json_t *times = json_array();
        for (size_t j = 0; j < nt; j++) {
            json_t *o = series_json(r, j);
            json_object_set_new(o, "time_min", json_real(req->times_min[j]));
            json_array_append_new(times, o);
        }
        json_t *root = json_pack("{s:s, s:I, s:I, s:i, s:f, s:b, s:f, s:I, s:o, s:o, s:o}", "model",
                                 req->model->id, "n_patients", (json_int_t)r->n_patients, "seed",
                                 (json_int_t)req->seed, "threads", req->threads, "level_ng_per_ml",
                                 req->level_ng_per_ml, "refined", r->refined,
                                 "quantile_resolution_rel", r->refined ? POP_RESOLUTION / POP_SUB_BINS : POP_RESOLUTION,
                                 "n_outside_model_range", (json_int_t)r->n_outside_range, "cp", times,
                                 "cmax_ng_per_ml", series_json(r, POP_SERIES_CMAX(r)), "auc_ng_h_per_ml",
                                 series_json(r, POP_SERIES_AUC(r)));
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(root);
        return;
    }
    printf("Model: %s (%s); %ld virtual patients; seed %llu; %d thread%s\n", req->model->name, req->model->id,
           r->n_patients, (unsigned long long)req->seed, req->threads, req->threads > 1 ? "s" : "");
    printf("Quantiles within %s of the exact sample quantile%s.\n",
           r->refined ? "2e-6" : "0.78%", r->refined ? " (refined)" : "; add --refine for ~2e-6");
    if (r->n_outside_range)
        printf("Warning: %ld patients have covariates outside the model's range (%s).\n", r->n_outside_range,
               req->model->range_source);
    printf("\n%9s", "time_min");
    for (size_t k = 0; k < r->n_quantiles; k++) {
        qname(r->quantiles[k], name, sizeof name);
        printf(" %9s", name);
    }
    printf(" %9s  P(Cp>%.0f)\n", "mean", req->level_ng_per_ml);
    for (size_t j = 0; j < nt; j++) {
        printf("%9.2f", req->times_min[j]);
        for (size_t k = 0; k < r->n_quantiles; k++) printf(" %9.2f", pop_result_quantile(r, j, k));
        printf(" %9.2f  %9.4f\n", pop_acc_mean(&r->acc, j), pop_result_p_above(r, j));
    }
    const char *lab[2] = {"Cmax ng/mL", "AUC ng.h/mL"};
    for (int s = 0; s < 2; s++) {
        size_t idx = s ? POP_SERIES_AUC(r) : POP_SERIES_CMAX(r);
        printf("%s%s:", s ? "" : "\n", lab[s]);
        for (size_t k = 0; k < r->n_quantiles; k++) {
            qname(r->quantiles[k], name, sizeof name);
            printf(" %s %.2f", name, pop_result_quantile(r, idx, k));
        }
        printf("; mean %.2f\n", pop_acc_mean(&r->acc, idx));
    }
    printf("P(Cmax > %.0f ng/mL) = %.4f\n", req->level_ng_per_ml, pop_result_p_above(r, POP_SERIES_CMAX(r)));
}

int cmd_pk_population(int argc, char **argv)
{
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0)) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    struct kc_error err = {0};
    struct cli_opt opts[] = {
        {"model", 1, 0, 0, {0}},    {"n", 1, 0, 0, {0}},        {"weight", 1, 0, 0, {0}},
        {"age", 1, 0, 0, {0}},      {"sex", 1, 0, 0, {0}},      {"height", 1, 0, 0, {0}},
        {"asian", 0, 0, 0, {0}},    {"japanese", 0, 0, 0, {0}}, {"covariates", 1, 0, 0, {0}},
        {"dose", 1, 1, 0, {0}},     {"until", 1, 0, 0, {0}},    {"step", 1, 0, 0, {0}},
        {"quantiles", 1, 0, 0, {0}}, {"threads", 1, 0, 0, {0}}, {"seed", 1, 0, 0, {0}},
        {"iiv", 1, 0, 0, {0}},      {"residual", 1, 0, 0, {0}}, {"level", 1, 0, 0, {0}},
        {"refine", 0, 0, 0, {0}},   {"timing", 0, 0, 0, {0}},   {"ke0", 1, 0, 0, {0}},
        {"format", 1, 0, 0, {0}},
    };
    size_t nopts = sizeof opts / sizeof opts[0];
    struct pop_request req = {0};
    struct pop_result res = {0};
    struct pk_dose doses[CLI_MAX_REPEAT];
    struct pk_covariates *rows = NULL;
    double *times = NULL, q[POP_MAX_QUANTILES] = {0.05, 0.5, 0.95}, until = 240, step = 1, cv = -1;
    size_t nq = 3;
    long lv;
    enum cli_format fmt;
    const char *v;
    int rc = cli_parse(argc, argv, opts, nopts, NULL, 0, NULL, &err);
    if (rc) goto fail;
    if (!(v = cli_get(opts, nopts, "model"))) {
        rc = kc_error_set(&err, KC_EINVAL, "--model is required (see 'ketaclinic pk models')");
        goto fail;
    }
    if ((rc = pk_model_find(v, &req.model, &err))) goto fail;
    if ((rc = cli_format_parse(cli_get(opts, nopts, "format"), 7, &fmt, &err))) goto fail;
    req.base = (struct pk_covariates){NAN, NAN, NAN, PK_SEX_UNKNOWN, 0, 0};
    if ((v = cli_get(opts, nopts, "sex")))
        req.base.sex = !strcasecmp(v, "male") ? PK_SEX_MALE : !strcasecmp(v, "female") ? PK_SEX_FEMALE : PK_SEX_UNKNOWN;
    if (v && req.base.sex == PK_SEX_UNKNOWN) {
        rc = kc_error_set(&err, KC_EINVAL, "--sex '%s': expected male or female", v);
        goto fail;
    }
    req.base.asian = cli_get(opts, nopts, "asian") != NULL;
    req.base.japanese = cli_get(opts, nopts, "japanese") != NULL;
    if ((v = cli_get(opts, nopts, "height")) &&
        (kc_parse_double(v, &req.base.height_cm, NULL) || !(req.base.height_cm >= 30 && req.base.height_cm <= 260))) {
        rc = kc_error_set(&err, KC_EINVAL, "--height '%s': expected centimetres, 30-260", v);
        goto fail;
    }
    if ((v = cli_get(opts, nopts, "weight")) && (rc = pop_dist_parse(v, 0.5, 400, &req.weight_kg, &err))) {
        kc_error_prefix(&err, "--weight");
        goto fail;
    }
    if ((v = cli_get(opts, nopts, "age")) && (rc = pop_dist_parse(v, 0, 120, &req.age_y, &err))) {
        kc_error_prefix(&err, "--age");
        goto fail;
    }
    if ((v = cli_get(opts, nopts, "covariates"))) {
        if (cli_get(opts, nopts, "weight") || cli_get(opts, nopts, "age")) {
            rc = kc_error_set(&err, KC_EINVAL, "--covariates replaces --weight and --age; give one or the other");
            goto fail;
        }
        if ((rc = read_covariates(v, &req.base, &rows, &req.n_cov_rows, &err))) goto fail;
        req.cov_rows = rows;
    }
    const struct cli_opt *dose = cli_find(opts, nopts, "dose");
    if (!dose || !dose->count) {
        rc = kc_error_set(&err, KC_EINVAL, "give at least one --dose, e.g. --dose \"iv 0.5mg/kg over 40min\"");
        goto fail;
    }
    for (int i = 0; i < dose->count; i++)
        if ((rc = pk_dose_parse(dose->values[i], &doses[i], &err))) {
            kc_error_prefix(&err, "--dose");
            goto fail;
        }
    req.doses = doses;
    req.n_doses = (size_t)dose->count;
    if ((v = cli_get(opts, nopts, "until")) && (rc = kc_quantity_parse_as(v, KC_DIM_TIME, &until, &err))) {
        kc_error_prefix(&err, "--until");
        goto fail;
    }
    if ((v = cli_get(opts, nopts, "step")) && (rc = kc_quantity_parse_as(v, KC_DIM_TIME, &step, &err))) {
        kc_error_prefix(&err, "--step");
        goto fail;
    }
    double nt = until > 0 && step > 0 ? floor(until / step + 1e-9) + 1 : 0;
    if (!(nt >= 2) || nt + 1 > POP_MAX_TIMES) {
        rc = kc_error_set(&err, KC_ELIMIT, "--until/--step give %.0f output times; 2 to %d allowed", nt, POP_MAX_TIMES - 1);
        goto fail;
    }
    times = malloc(((size_t)nt + 1) * sizeof *times);
    if (!times) {
        rc = kc_error_set(&err, KC_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t j = 0; j < (size_t)nt; j++) times[j] = (double)j * step;
    req.n_times = (size_t)nt;
    if (times[req.n_times - 1] < until - 1e-9) times[req.n_times++] = until;
    req.times_min = times;
    if ((v = cli_get(opts, nopts, "quantiles")) && (rc = parse_quantiles(v, q, &nq, &err))) goto fail;
    req.quantiles = q;
    req.n_quantiles = nq;
    req.n_patients = 1000;
    if ((v = cli_get(opts, nopts, "n")) && (rc = kc_parse_long(v, 1, POP_MAX_PATIENTS, &req.n_patients, &err))) {
        kc_error_prefix(&err, "--n");
        goto fail;
    }
    req.threads = 1;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu > 1) req.threads = ncpu > POP_MAX_THREADS ? POP_MAX_THREADS : (int)ncpu;
    if ((v = cli_get(opts, nopts, "threads"))) {
        if ((rc = kc_parse_long(v, 1, POP_MAX_THREADS, &lv, &err))) {
            kc_error_prefix(&err, "--threads");
            goto fail;
        }
        req.threads = (int)lv;
    }
    req.seed = 1;
    if ((v = cli_get(opts, nopts, "seed"))) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(v, &end, 10);
        if (errno || end == v || *end || v[0] == '-') {
            rc = kc_error_set(&err, KC_EINVAL, "--seed '%s': expected a whole number 0 to 2^64-1", v);
            goto fail;
        }
        req.seed = (uint64_t)s;
    }
    if ((v = cli_get(opts, nopts, "iiv"))) {
        if (!strcmp(v, "published")) cv = -1;
        else if (!strcmp(v, "none")) cv = 0;
        else if (kc_parse_double(v, &cv, NULL) || !(cv >= 0 && cv <= 3)) {
            rc = kc_error_set(&err, KC_EINVAL, "--iiv '%s': expected published, none or a CV 0-3 (0.3 = 30%%)", v);
            goto fail;
        }
    }
    if ((rc = pop_omega_for_model(req.model, cv, &req.n_eta, req.omega, &err))) goto fail;
    if ((v = cli_get(opts, nopts, "residual")) &&
        (kc_parse_double(v, &req.residual_sd, NULL) || !(req.residual_sd >= 0 && req.residual_sd < 5))) {
        rc = kc_error_set(&err, KC_EINVAL, "--residual '%s': expected the SD of a proportional (log) error, 0-5", v);
        goto fail;
    }
    req.level_ng_per_ml = DEFAULT_LEVEL;
    if ((v = cli_get(opts, nopts, "level")) && (rc = kc_quantity_parse_as(v, KC_DIM_CONC, &req.level_ng_per_ml, &err))) {
        kc_error_prefix(&err, "--level");
        goto fail;
    }
    if ((v = cli_get(opts, nopts, "ke0"))) {
        char buf[40];
        size_t n = strlen(v);
        if (n > 4 && n < sizeof buf && !strcasecmp(v + n - 4, "/min")) memcpy(buf, v, n - 4), buf[n - 4] = 0;
        else snprintf(buf, sizeof buf, "%s", v);
        if (kc_parse_double(buf, &req.ke0_per_min, NULL) || !(req.ke0_per_min > 0)) {
            rc = kc_error_set(&err, KC_EINVAL, "--ke0 '%s': expected a rate per minute, e.g. 0.5/min", v);
            goto fail;
        }
    }
    req.refine = cli_get(opts, nopts, "refine") != NULL;
    struct bar bar = {now_s(), isatty(STDERR_FILENO), 0};
    req.progress = progress;
    req.progress_ctx = &bar;
    double t0 = now_s(), c0 = cpu_s();
    rc = pop_run(&req, &res, &err);
    double secs = now_s() - t0, cpu = cpu_s() - c0;
    if (bar.drawn) fputc('\n', stderr);
    if (rc) goto fail;
    if (cli_get(opts, nopts, "timing"))
        fprintf(stderr, "ketaclinic: %ld patients in %.3f s (%.3f CPU s): %.0f patients/s on %d thread%s%s\n",
                res.n_patients, secs, cpu, (double)res.n_patients / secs, req.threads,
                req.threads > 1 ? "s" : "", res.refined ? " (two passes)" : "");
    print_result(&req, &res, fmt);
    pop_result_free(&res);
    free(rows);
    free(times);
    return CLI_EXIT_OK;
fail:
    free(rows);
    free(times);
    return cli_fail(&err);
}
