/* cmd_outcome.c — `ketaclinic outcome --input courses.json [--format json]`: response and
 * remission rates with 95% Wilson intervals and Hedges' g per condition, route and scale, with
 * the published benchmarks beside them; `ketaclinic outcome benchmarks` lists them all.
 * Input: {"courses": [{"condition": "trd", "route": "iv", "scale": "phq9", "baseline": 20,
 *         "end": 8}, ...]} */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/clinic_cli.h"
#include "clinic/outcome.h"

#define MAX_COURSES 100000

static void usage(FILE *out)
{
    fprintf(out, "usage: ketaclinic outcome --input courses.json [--protocol FILE] "
                 "[--format table|json]\n       ketaclinic outcome benchmarks [--format json]\n");
}

static json_t *bench_json(const struct outcome_benchmark *b)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "population",
                          b->population, "route", b->route, "scale", b->scale, "protocol",
                          b->protocol, "response", b->response, "remission", b->remission,
                          "effect", b->effect, "source", b->source, "confidence", b->confidence);
    json_object_set_new(o, "n", b->n ? json_integer(b->n) : json_null());
    return o;
}

static void bench_print(const struct outcome_benchmark *b)
{
    char n[24] = "n not given";
    if (b->n) snprintf(n, sizeof n, "n=%ld", b->n);
    printf("    %s (%s, %s): response %s, remission %s, effect %s  [%s, %s]\n", b->population, n,
           b->protocol, b->response, b->remission, b->effect, b->source, b->confidence);
}

static int matches(const struct outcome_benchmark *b, const char *route, const char *scale)
{
    return (!strcmp(b->route, route) || !strcmp(b->route, "mixed")) &&
           (!strcmp(b->scale, scale) || !strcmp(b->scale, "mixed"));
}

static int str_field(json_t *o, const char *k, size_t i, const char **out, struct kc_error *err)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_string(v) || !*json_string_value(v) || strlen(json_string_value(v)) > 40)
        return kc_error_set(err, KC_EINVAL, "course %zu: '%s' must be a name of 1-40 characters", i + 1, k);
    *out = json_string_value(v);
    return KC_OK;
}

int cmd_outcome(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {{"input", 1, 0, 0, {0}}, {"protocol", 1, 0, 0, {0}},
                             {"format", 1, 0, 0, {0}}, {"help", 0, 0, 0, {0}}};
    const size_t no = sizeof opts / sizeof opts[0];
    const char *pos[1];
    int npos = 0, rc = CLI_EXIT_OK;
    enum cli_format fmt;
    struct protocol p;
    char *text = NULL;
    json_t *root = NULL, *out = NULL;
    struct outcome_course *c = NULL;
    if (cli_parse(argc, argv, opts, no, pos, 1, &npos, &err) ||
        cli_format_parse(cli_get(opts, no, "format"), 1u | 4u, &fmt, &err))
        return cli_fail(&err);
    if (cli_get(opts, no, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (npos == 1 && !strcmp(pos[0], "benchmarks")) {
        if (fmt == CLI_FORMAT_JSON) {
            json_t *arr = json_array();
            for (int i = 0; i < outcome_benchmarks_len; i++)
                json_array_append_new(arr, bench_json(&outcome_benchmarks[i]));
            rc = clinic_cli_print_json(stdout, arr) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
            json_decref(arr);
            return rc;
        }
        printf("published benchmarks (clinical.md s5)\n");
        for (int i = 0; i < outcome_benchmarks_len; i++) bench_print(&outcome_benchmarks[i]);
        return CLI_EXIT_OK;
    }
    if (npos || !cli_get(opts, no, "input")) {
        kc_error_set(&err, KC_EINVAL, npos ? "outcome: unknown action '%s' (benchmarks, or --input FILE)"
                                           : "outcome: --input FILE is required%s",
                     npos ? pos[0] : "");
        return cli_fail(&err);
    }
    const char *path = cli_get(opts, no, "input");
    json_error_t jerr;
    if (clinic_cli_load_protocol(cli_get(opts, no, "protocol"), &p, &err) ||
        clinic_cli_read_file(path, 16 * CLINIC_CLI_FILE_MAX, &text, &err))
        return cli_fail(&err);
    root = json_loads(text, 0, &jerr);
    json_t *arr = json_object_get(root, "courses"), *v;
    size_t n = json_array_size(arr), i;
    if (!root) {
        kc_error_set(&err, KC_EINVAL, "%s: invalid JSON at line %d column %d: %s", path, jerr.line,
                     jerr.column, jerr.text);
        goto fail;
    }
    if (!json_is_array(arr) || n == 0 || n > MAX_COURSES) {
        kc_error_set(&err, KC_EINVAL, "%s: expected {\"courses\": [...]} with 1-%d courses", path,
                     MAX_COURSES);
        goto fail;
    }
    c = calloc(n, sizeof *c);
    if (!c) {
        kc_error_set(&err, KC_ENOMEM, "out of memory");
        goto fail;
    }
    json_array_foreach(arr, i, v)
    {
        const char *scale;
        json_t *b = json_object_get(v, "baseline"), *e = json_object_get(v, "end");
        if (str_field(v, "condition", i, &c[i].condition, &err) ||
            str_field(v, "route", i, &c[i].route, &err) || str_field(v, "scale", i, &scale, &err))
            goto fail;
        if (!(c[i].scale = scale_find(scale))) {
            kc_error_set(&err, KC_EINVAL, "course %zu: unknown scale '%s'", i + 1, scale);
            goto fail;
        }
        if (!json_is_integer(b) || !json_is_integer(e) || llabs(json_integer_value(b)) > 1000 ||
            llabs(json_integer_value(e)) > 1000) {
            kc_error_set(&err, KC_EINVAL, "course %zu: 'baseline' and 'end' must be whole scores", i + 1);
            goto fail;
        }
        c[i].baseline = (int)json_integer_value(b);
        c[i].end = (int)json_integer_value(e);
    }
    /* group: stable order of first appearance */
    out = json_array();
    for (i = 0; i < n; i++) {
        size_t j, m = 0;
        for (j = 0; j < i; j++)
            if (!strcmp(c[j].condition, c[i].condition) && !strcmp(c[j].route, c[i].route) &&
                c[j].scale == c[i].scale)
                break;
        if (j < i) continue; /* group already done */
        struct outcome_course *g = calloc(n, sizeof *g);
        struct outcome_summary s;
        if (!g) {
            kc_error_set(&err, KC_ENOMEM, "out of memory");
            goto fail;
        }
        for (j = i; j < n; j++)
            if (!strcmp(c[j].condition, c[i].condition) && !strcmp(c[j].route, c[i].route) &&
                c[j].scale == c[i].scale)
                g[m++] = c[j];
        int r2 = outcome_summarise(&p, g, (long)m, &s, &err);
        free(g);
        if (r2) {
            kc_error_prefix(&err, "%s: group %s/%s/%s", path, c[i].condition, c[i].route, c[i].scale->key);
            goto fail;
        }
        json_t *bm = json_array();
        for (int k = 0; k < outcome_benchmarks_len; k++)
            if (matches(&outcome_benchmarks[k], c[i].route, c[i].scale->key))
                json_array_append_new(bm, bench_json(&outcome_benchmarks[k]));
        json_t *grp = json_pack("{s:s, s:s, s:s, s:i, s:i, s:f, s:[f,f]}", "condition", c[i].condition,
                                "route", c[i].route, "scale", c[i].scale->key, "n", (json_int_t)s.n,
                                "responders", (json_int_t)s.responders, "response_rate",
                                s.response_rate, "response_ci95", s.response_lo, s.response_hi);
        if (s.remission_defined)
            json_object_set_new(grp, "remission", json_pack("{s:i, s:f, s:[f,f]}", "remitters",
                                                            (json_int_t)s.remitters, "rate",
                                                            s.remission_rate, "ci95",
                                                            s.remission_lo, s.remission_hi));
        if (s.effect.n)
            json_object_set_new(grp, "hedges_g", json_pack("{s:f, s:[f,f], s:f}", "g", s.effect.g,
                                                           "ci95", s.effect.lo, s.effect.hi,
                                                           "r_pre_post", s.effect.r));
        json_object_set_new(grp, "benchmarks", bm);
        json_object_set_new(grp, "protocol", clinic_cli_trace_json(&s.trace));
        json_array_append_new(out, grp);
        if (fmt == CLI_FORMAT_TABLE) {
            printf("%s / %s / %s: n=%ld\n", c[i].condition, c[i].route, c[i].scale->name, s.n);
            printf("  response  %ld/%ld = %.1f%% (95%% Wilson %.1f-%.1f%%)\n", s.responders, s.n,
                   100 * s.response_rate, 100 * s.response_lo, 100 * s.response_hi);
            if (s.remission_defined)
                printf("  remission %ld/%ld = %.1f%% (95%% Wilson %.1f-%.1f%%)\n", s.remitters, s.n,
                       100 * s.remission_rate, 100 * s.remission_lo, 100 * s.remission_hi);
            if (s.effect.n)
                printf("  Hedges' g %.2f (95%% CI %.2f to %.2f), paired, r=%.2f\n", s.effect.g,
                       s.effect.lo, s.effect.hi, s.effect.r);
            else
                printf("  Hedges' g: not computed (needs 3+ courses with spread)\n");
            printf("  published benchmarks:\n");
            for (int k = 0; k < outcome_benchmarks_len; k++)
                if (matches(&outcome_benchmarks[k], c[i].route, c[i].scale->key))
                    bench_print(&outcome_benchmarks[k]);
            printf("  ");
            clinic_cli_trace_print(stdout, &s.trace);
        }
    }
    if (fmt == CLI_FORMAT_JSON && clinic_cli_print_json(stdout, out)) rc = CLI_EXIT_FAIL;
    goto done;
fail:
    rc = cli_fail(&err);
done:
    json_decref(out);
    json_decref(root);
    free(c);
    free(text);
    return rc;
}
