/* cmd_vitals.c — `ketaclinic vitals gate --bp 162/98 [--hr N] [--spo2 N]`,
 * `ketaclinic vitals check --input readings.json` (intra-session alarms) and
 * `ketaclinic vitals discharge ...` (discharge readiness). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/quantity.h"
#include "cli/cli.h"
#include "cli/clinic_cli.h"
#include "clinic/discharge.h"
#include "clinic/scale.h"
#include "clinic/vitals.h"

#define MAX_READINGS 2000

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ketaclinic vitals gate --bp SYS/DIA [--hr N] [--spo2 N]\n"
            "       ketaclinic vitals check --input readings.json\n"
            "         ({\"now_min\": 15, [\"infusion_end_min\": 40,] \"readings\": [{\"t_min\": 0,\n"
            "           \"sbp\": 120, \"dbp\": 80,\n"
            "           \"hr\": 70, \"spo2\": 98}, ...]})\n"
            "       ketaclinic vitals discharge [--esketamine] --since DURATION --aldrete a,r,c,c,s\n"
            "         --baseline-bp SYS/DIA --bp SYS/DIA [--escort] [--mental-status-baseline]\n"
            "       common: [--protocol FILE] [--format table|json]\n");
}

static int parse_bp(const char *opt, const char *text, double *s, double *d, struct kc_error *err)
{
    char buf[32];
    const char *slash = text ? strchr(text, '/') : NULL;
    if (!slash || (size_t)(slash - text) >= sizeof buf)
        return kc_error_set(err, KC_EINVAL, "--%s '%s': expected SYS/DIA, e.g. 120/80", opt,
                            text ? text : "");
    memcpy(buf, text, (size_t)(slash - text));
    buf[slash - text] = '\0';
    if (kc_parse_double(buf, s, err) || kc_parse_double(slash + 1, d, err))
        return kc_error_prefix(err, "--%s", opt);
    return KC_OK;
}

static int print_alarms(const struct vitals_result *r, int gate, enum cli_format fmt)
{
    if (fmt == CLI_FORMAT_JSON) {
        json_t *arr = json_array();
        for (int i = 0; i < r->n_alarms; i++)
            json_array_append_new(arr, json_pack("{s:s, s:s, s:f, s:s, s:s, s:s}", "id",
                                                 r->alarms[i].id, "severity",
                                                 vitals_severity_name(r->alarms[i].severity),
                                                 "t_min", r->alarms[i].t_min, "text",
                                                 r->alarms[i].text, "action", r->alarms[i].action,
                                                 "source", r->alarms[i].source));
        json_t *o = json_pack("{s:o, s:i, s:o}", "alarms", arr, "alarms_left_out", r->n_left_out, "protocol",
                              clinic_cli_trace_json(&r->trace));
        if (gate) json_object_set_new(o, "dose_allowed", json_boolean(r->dose_allowed));
        int rc = clinic_cli_print_json(stdout, o);
        json_decref(o);
        return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    if (gate) printf("pre-dose gate: %s\n", r->dose_allowed ? "may dose" : "HOLD: see below");
    for (int i = 0; i < r->n_alarms; i++)
        printf("  [%-8s] t=%g min  %s\n             action: %s\n             source: %s\n",
               vitals_severity_name(r->alarms[i].severity), r->alarms[i].t_min, r->alarms[i].text,
               r->alarms[i].action, r->alarms[i].source);
    if (!r->n_alarms) printf("  no alarms\n");
    if (r->n_left_out) printf("  (%d older alarms left out: the list keeps the latest %d)\n", r->n_left_out, VITALS_MAX_ALARMS);
    clinic_cli_trace_print(stdout, &r->trace);
    return CLI_EXIT_OK;
}

static int read_json_readings(const char *path, struct vitals_reading *rd, int *n, double *now,
                              double *infusion_end, struct kc_error *err)
{
    char *text = NULL;
    json_error_t jerr;
    int rc = clinic_cli_read_file(path, CLINIC_CLI_FILE_MAX, &text, err);
    if (rc) return rc;
    json_t *root = json_loads(text, 0, &jerr), *arr, *v;
    free(text);
    if (!root)
        return kc_error_set(err, KC_EINVAL, "invalid JSON at line %d column %d: %s", jerr.line,
                            jerr.column, jerr.text);
    arr = json_object_get(root, "readings");
    v = json_object_get(root, "now_min");
    if (!json_is_array(arr) || json_array_size(arr) > MAX_READINGS || !json_is_number(v)) {
        json_decref(root);
        return kc_error_set(err, KC_EINVAL, "expected {\"now_min\": N, \"readings\": [...]} with at "
                                            "most %d readings", MAX_READINGS);
    }
    *now = json_number_value(v);
    v = json_object_get(root, "infusion_end_min");
    *infusion_end = json_is_number(v) ? json_number_value(v) : NAN;
    if (v && !json_is_number(v)) {
        json_decref(root);
        return kc_error_set(err, KC_EINVAL, "'infusion_end_min' must be a number");
    }
    size_t i;
    json_array_foreach(arr, i, v)
    {
        static const char *const k[] = {"t_min", "sbp", "dbp", "hr", "spo2"};
        double val[5];
        const char *key;
        json_t *x;
        json_object_foreach(v, key, x)
        {
            int ok = 0;
            for (int j = 0; j < 5; j++) ok |= !strcmp(key, k[j]);
            if (!ok) {
                json_decref(root);
                return kc_error_set(err, KC_EINVAL, "reading %zu: unknown field '%s'", i + 1, key);
            }
        }
        for (int j = 0; j < 5; j++) {
            x = json_object_get(v, k[j]);
            if (!x || json_is_null(x)) val[j] = NAN;
            else if (json_is_number(x)) val[j] = json_number_value(x);
            else {
                json_decref(root);
                return kc_error_set(err, KC_EINVAL, "reading %zu: '%s' must be a number", i + 1, k[j]);
            }
        }
        if (isnan(val[0])) {
            json_decref(root);
            return kc_error_set(err, KC_EINVAL, "reading %zu: 't_min' is required", i + 1);
        }
        rd[i] = (struct vitals_reading){val[0], val[1], val[2], val[3], val[4]};
    }
    *n = (int)json_array_size(arr);
    json_decref(root);
    return KC_OK;
}

static int discharge(const struct protocol *p, const struct cli_opt *o, size_t no,
                     enum cli_format fmt)
{
    struct kc_error err = {0};
    struct discharge_input in;
    struct discharge_result r;
    memset(&in, 0, sizeof in);
    in.esketamine = cli_get(o, no, "esketamine") != NULL;
    in.escort_present = cli_get(o, no, "escort") != NULL;
    in.mental_status_baseline = cli_get(o, no, "mental-status-baseline") != NULL;
    if (!cli_get(o, no, "since") || !cli_get(o, no, "baseline-bp")) {
        kc_error_set(&err, KC_EINVAL, "vitals discharge: --since and --baseline-bp are required");
        return cli_fail(&err);
    }
    if (kc_quantity_parse_as(cli_get(o, no, "since"), KC_DIM_TIME, &in.minutes_since_dose, &err))
        return kc_error_prefix(&err, "--since"), cli_fail(&err);
    if (parse_bp("baseline-bp", cli_get(o, no, "baseline-bp"), &in.baseline_sbp, &in.baseline_dbp, &err) ||
        (cli_get(o, no, "bp") && parse_bp("bp", cli_get(o, no, "bp"), &in.sbp, &in.dbp, &err)))
        return cli_fail(&err);
    if (cli_get(o, no, "aldrete")) {
        int n;
        if (scale_parse_items(cli_get(o, no, "aldrete"), in.aldrete, 5, &n, &err))
            return kc_error_prefix(&err, "--aldrete"), cli_fail(&err);
        if (n != 5) {
            kc_error_set(&err, KC_EINVAL, "--aldrete: 5 item scores, got %d", n);
            return cli_fail(&err);
        }
        in.aldrete_given = 1;
    }
    if (discharge_check(p, &in, &r, &err)) return cli_fail(&err);
    if (fmt == CLI_FORMAT_JSON) {
        json_t *m = json_array();
        for (int i = 0; i < r.n_missing; i++) json_array_append_new(m, json_string(r.missing[i]));
        json_t *j = json_pack("{s:b, s:o, s:f, s:s, s:o}", "ready", r.ready, "missing", m,
                              "minimum_observation_min", r.observation_min, "advice", r.advice,
                              "protocol", clinic_cli_trace_json(&r.trace));
        json_object_set_new(j, "aldrete_total",
                            r.aldrete_total < 0 ? json_null() : json_integer(r.aldrete_total));
        int rc = clinic_cli_print_json(stdout, j);
        json_decref(j);
        return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    printf("discharge: %s\n", r.ready ? "ready" : "NOT ready");
    for (int i = 0; i < r.n_missing; i++) printf("  missing: %s\n", r.missing[i]);
    printf("advice: %s\n", r.advice);
    clinic_cli_trace_print(stdout, &r.trace);
    return CLI_EXIT_OK;
}

int cmd_vitals(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {
        {"bp", 1, 0, 0, {0}},          {"hr", 1, 0, 0, {0}},        {"spo2", 1, 0, 0, {0}},
        {"input", 1, 0, 0, {0}},       {"esketamine", 0, 0, 0, {0}}, {"since", 1, 0, 0, {0}},
        {"aldrete", 1, 0, 0, {0}},     {"baseline-bp", 1, 0, 0, {0}}, {"escort", 0, 0, 0, {0}},
        {"mental-status-baseline", 0, 0, 0, {0}}, {"protocol", 1, 0, 0, {0}},
        {"format", 1, 0, 0, {0}},      {"help", 0, 0, 0, {0}}};
    const size_t no = sizeof opts / sizeof opts[0];
    const char *pos[1];
    int npos = 0;
    enum cli_format fmt;
    struct protocol p;
    struct vitals_result r;
    if (cli_parse(argc, argv, opts, no, pos, 1, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, no, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (npos != 1) {
        kc_error_set(&err, KC_EINVAL, "vitals: expected an action: gate, check or discharge");
        return cli_fail(&err);
    }
    if (cli_format_parse(cli_get(opts, no, "format"), 1u | 4u, &fmt, &err) ||
        clinic_cli_load_protocol(cli_get(opts, no, "protocol"), &p, &err))
        return cli_fail(&err);
    if (!strcmp(pos[0], "discharge")) return discharge(&p, opts, no, fmt);
    if (!strcmp(pos[0], "gate")) {
        struct vitals_reading v = {0, NAN, NAN, NAN, NAN};
        if (cli_get(opts, no, "bp") && parse_bp("bp", cli_get(opts, no, "bp"), &v.sbp_mmhg, &v.dbp_mmhg, &err))
            return cli_fail(&err);
        if ((cli_get(opts, no, "hr") && kc_parse_double(cli_get(opts, no, "hr"), &v.hr_bpm, &err)) ||
            (cli_get(opts, no, "spo2") && kc_parse_double(cli_get(opts, no, "spo2"), &v.spo2_pct, &err)))
            return cli_fail(&err);
        if (vitals_predose_gate(&p, &v, &r, &err)) return cli_fail(&err);
        return print_alarms(&r, 1, fmt);
    }
    if (!strcmp(pos[0], "check")) {
        static struct vitals_reading rd[MAX_READINGS];
        int n = 0;
        double now = 0, end = NAN;
        const char *path = cli_get(opts, no, "input");
        if (!path) {
            kc_error_set(&err, KC_EINVAL, "vitals check: --input FILE is required");
            return cli_fail(&err);
        }
        if (read_json_readings(path, rd, &n, &now, &end, &err))
            return kc_error_prefix(&err, "%s", path), cli_fail(&err);
        if (vitals_evaluate(&p, rd, n, now, end, &r, &err))
            return kc_error_prefix(&err, "%s", path), cli_fail(&err);
        return print_alarms(&r, 0, fmt);
    }
    kc_error_set(&err, KC_EINVAL, "vitals: unknown action '%s' (gate, check, discharge)", pos[0]);
    return cli_fail(&err);
}
