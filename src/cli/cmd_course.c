/* cmd_course.c — `ketaclinic course --plan spravato-trd --start 2026-12-01
 * [--clinic-days mon,wed,fri] [--missed N --on DATE | --relapse-from N --on DATE]` prints the
 * dated plan; `ketaclinic course review --scale S --baseline N --current N --sessions N` the
 * end-of-induction review with the futility rule. */
#include <stdio.h>
#include <string.h>

#include "base/quantity.h"
#include "cli/cli.h"
#include "cli/clinic_cli.h"
#include "clinic/course.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ketaclinic course --plan iv-induction|iv-maintenance|spravato-trd|mdsi\n"
            "         --start YYYY-MM-DD [--clinic-days mon,wed,fri] [--min-gap DAYS]\n"
            "         [--per-week 2|3] [--every-weeks 1|2] [--continuation N] [--age YEARS]\n"
            "         [--missed N --on YYYY-MM-DD | --relapse-from N --on YYYY-MM-DD]\n"
            "         [--protocol FILE] [--format table|json]\n"
            "       ketaclinic course review --scale KEY --baseline N --current N --sessions N\n");
}

static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static int print_plan(const struct course_plan *c, enum cli_format fmt)
{
    char d[16];
    if (fmt == CLI_FORMAT_JSON) {
        json_t *arr = json_array(), *w = json_array();
        for (int i = 0; i < c->n; i++) {
            course_date_format(c->s[i].day, d, sizeof d);
            json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:i, s:s, s:s, s:b}", "n", i + 1,
                                                 "date", d, "weekday", wd[course_weekday(c->s[i].day)],
                                                 "week", c->s[i].week, "phase", c->s[i].phase,
                                                 "dose", c->s[i].dose, "done", c->s[i].done));
        }
        for (int i = 0; i < c->n_warn; i++) json_array_append_new(w, json_string(c->warn[i]));
        course_date_format(c->start_day, d, sizeof d);
        json_t *o = json_pack("{s:s, s:s, s:i, s:o, s:o, s:s, s:o}", "plan", course_kind_name(c->kind),
                              "start", d, "min_gap_days", c->min_gap_days, "sessions", arr,
                              "warnings", w, "source", c->source, "protocol",
                              clinic_cli_trace_json(&c->trace));
        int rc = clinic_cli_print_json(stdout, o);
        json_decref(o);
        return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    course_date_format(c->start_day, d, sizeof d);
    printf("%s from %s, at least %d days apart\n", course_kind_name(c->kind), d, c->min_gap_days);
    printf("  %3s  %-10s %-3s %4s  %-28s %s\n", "n", "date", "day", "week", "phase", "dose");
    for (int i = 0; i < c->n; i++) {
        course_date_format(c->s[i].day, d, sizeof d);
        printf("  %3d  %s %s %4d  %-28s %s%s\n", i + 1, d, wd[course_weekday(c->s[i].day)],
               c->s[i].week, c->s[i].phase, c->s[i].dose, c->s[i].done ? "  (given)" : "");
    }
    for (int i = 0; i < c->n_warn; i++) printf("note: %s\n", c->warn[i]);
    printf("source: %s\n", c->source);
    clinic_cli_trace_print(stdout, &c->trace);
    return CLI_EXIT_OK;
}

static int review(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {{"scale", 1, 0, 0, {0}},    {"baseline", 1, 0, 0, {0}},
                             {"current", 1, 0, 0, {0}},  {"sessions", 1, 0, 0, {0}},
                             {"protocol", 1, 0, 0, {0}}, {"format", 1, 0, 0, {0}}};
    const size_t nopts = sizeof opts / sizeof opts[0];
    enum cli_format fmt;
    struct protocol p;
    struct course_review r;
    long b, cur, n;
    if (cli_parse(argc, argv, opts, nopts, NULL, 0, NULL, &err) ||
        cli_format_parse(cli_get(opts, nopts, "format"), 1u | 4u, &fmt, &err))
        return cli_fail(&err);
    const struct scale_def *def = scale_find(cli_get(opts, nopts, "scale"));
    if (!def) {
        kc_error_set(&err, KC_EINVAL, "course review: --scale names no known scale ('%s')",
                     cli_get(opts, nopts, "scale") ? cli_get(opts, nopts, "scale") : "");
        return cli_fail(&err);
    }
    static const char *const need[] = {"baseline", "current", "sessions"};
    for (int i = 0; i < 3; i++)
        if (!cli_get(opts, nopts, need[i])) {
            kc_error_set(&err, KC_EINVAL, "course review: --%s is required", need[i]);
            return cli_fail(&err);
        }
    if (kc_parse_long(cli_get(opts, nopts, "baseline"), -1000, 1000, &b, &err) ||
        kc_parse_long(cli_get(opts, nopts, "current"), -1000, 1000, &cur, &err) ||
        kc_parse_long(cli_get(opts, nopts, "sessions"), 1, 200, &n, &err) ||
        clinic_cli_load_protocol(cli_get(opts, nopts, "protocol"), &p, &err) ||
        course_review_make(&p, def, (int)b, (int)cur, (int)n, &r, &err))
        return cli_fail(&err);
    if (fmt == CLI_FORMAT_JSON) {
        json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:f, s:b, s:b, s:b, s:b, s:s, s:s, s:o}", "scale",
                              def->key, "baseline", r.change.baseline, "current", r.change.current,
                              "sessions", r.sessions_done, "drop_pct", r.change.drop_pct,
                              "response", r.change.response, "partial", r.change.partial,
                              "end_of_induction", r.end_of_induction, "futile", r.futile,
                              "verdict", r.verdict, "response_definition", r.change.response_def,
                              "protocol", clinic_cli_trace_json(&r.trace));
        int rc = clinic_cli_print_json(stdout, o);
        json_decref(o);
        return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    printf("%s %d -> %d after %d session%s (%.1f%% drop)\n", def->name, r.change.baseline,
           r.change.current, r.sessions_done, r.sessions_done == 1 ? "" : "s", r.change.drop_pct);
    printf("verdict: %s\n", r.verdict);
    printf("response definition: %s\n", r.change.response_def);
    clinic_cli_trace_print(stdout, &r.trace);
    return CLI_EXIT_OK;
}

int cmd_course(int argc, char **argv)
{
    struct kc_error err = {0};
    if (argc > 0 && strcmp(argv[0], "review") == 0) return review(argc - 1, argv + 1);
    struct cli_opt opts[] = {{"plan", 1, 0, 0, {0}},         {"start", 1, 0, 0, {0}},
                             {"clinic-days", 1, 0, 0, {0}},  {"min-gap", 1, 0, 0, {0}},
                             {"per-week", 1, 0, 0, {0}},     {"every-weeks", 1, 0, 0, {0}},
                             {"continuation", 1, 0, 0, {0}}, {"age", 1, 0, 0, {0}},
                             {"missed", 1, 0, 0, {0}},       {"relapse-from", 1, 0, 0, {0}},
                             {"on", 1, 0, 0, {0}},           {"protocol", 1, 0, 0, {0}},
                             {"format", 1, 0, 0, {0}},       {"help", 0, 0, 0, {0}}};
    const size_t nopts = sizeof opts / sizeof opts[0];
    enum cli_format fmt;
    enum course_kind kind;
    struct protocol p;
    struct course_constraints k;
    static struct course_plan c, c2;
    long start, v;
    memset(&k, 0, sizeof k);
    if (cli_parse(argc, argv, opts, nopts, NULL, 0, NULL, &err)) return cli_fail(&err);
    if (cli_get(opts, nopts, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (cli_format_parse(cli_get(opts, nopts, "format"), 1u | 4u, &fmt, &err)) return cli_fail(&err);
    if (!cli_get(opts, nopts, "plan") || !cli_get(opts, nopts, "start")) {
        kc_error_set(&err, KC_EINVAL, "course: --plan and --start are required");
        return cli_fail(&err);
    }
    if (course_kind_parse(cli_get(opts, nopts, "plan"), &kind, &err)) return cli_fail(&err);
    if (course_date_parse(cli_get(opts, nopts, "start"), &start, &err))
        return kc_error_prefix(&err, "--start"), cli_fail(&err);
    if (cli_get(opts, nopts, "clinic-days") &&
        course_days_parse(cli_get(opts, nopts, "clinic-days"), &k.clinic_days, &err))
        return cli_fail(&err);
    const struct {
        const char *name;
        long lo, hi;
        int *dst;
    } ints[] = {{"min-gap", 1, 60, &k.min_gap_days}, {"per-week", 1, 7, &k.per_week},
                {"every-weeks", 1, 4, &k.continuation_every_weeks},
                {"continuation", 1, 26, &k.continuation_sessions}, {"age", 1, 120, &k.age_years}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        const char *s = cli_get(opts, nopts, ints[i].name);
        if (!s) continue;
        if (kc_parse_long(s, ints[i].lo, ints[i].hi, &v, &err))
            return kc_error_prefix(&err, "--%s", ints[i].name), cli_fail(&err);
        *ints[i].dst = (int)v;
    }
    if (clinic_cli_load_protocol(cli_get(opts, nopts, "protocol"), &p, &err)) return cli_fail(&err);
    if (course_plan_make(&p, kind, start, &k, &c, &err)) return cli_fail(&err);
    const char *missed = cli_get(opts, nopts, "missed"), *relapse = cli_get(opts, nopts, "relapse-from");
    const char *on = cli_get(opts, nopts, "on");
    if (missed || relapse) {
        long today, idx;
        if (missed && relapse) {
            kc_error_set(&err, KC_EINVAL, "give --missed or --relapse-from, not both");
            return cli_fail(&err);
        }
        if (!on) {
            kc_error_set(&err, KC_EINVAL, "--%s needs --on YYYY-MM-DD (today)",
                         missed ? "missed" : "relapse-from");
            return cli_fail(&err);
        }
        if (course_date_parse(on, &today, &err)) return kc_error_prefix(&err, "--on"), cli_fail(&err);
        if (kc_parse_long(missed ? missed : relapse, 1, COURSE_MAX_SESSIONS, &idx, &err))
            return kc_error_prefix(&err, "--%s", missed ? "missed" : "relapse-from"), cli_fail(&err);
        int rc = missed ? course_replan_missed(&p, &c, (int)idx - 1, today, &c2, &err)
                        : course_replan_relapse(&p, &c, (int)idx - 1, today, &c2, &err);
        if (rc) return cli_fail(&err);
        return print_plan(&c2, fmt);
    } else if (on) {
        kc_error_set(&err, KC_EINVAL, "--on needs --missed or --relapse-from");
        return cli_fail(&err);
    }
    return print_plan(&c, fmt);
}
