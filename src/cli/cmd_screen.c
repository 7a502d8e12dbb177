/* cmd_screen.c — `ketaclinic screen --input patient.json [--protocol FILE] [--format json]`:
 * reads the file, passes the text to the screening rules, prints every finding. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/clinic_cli.h"
#include "clinic/screen.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: ketaclinic screen --input patient.json [--protocol FILE] "
                 "[--format table|json]\n"
                 "exit status 0 whatever the outcome; the outcome is in the output\n");
}

int cmd_screen(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {{"input", 1, 0, 0, {0}}, {"protocol", 1, 0, 0, {0}},
                             {"format", 1, 0, 0, {0}}, {"help", 0, 0, 0, {0}}};
    const size_t nopts = sizeof opts / sizeof opts[0];
    enum cli_format fmt;
    struct protocol p;
    struct screen_input in;
    static struct screen_result r;
    char *text = NULL;
    int rc;
    if (cli_parse(argc, argv, opts, nopts, NULL, 0, NULL, &err)) return cli_fail(&err);
    if (cli_get(opts, nopts, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (cli_format_parse(cli_get(opts, nopts, "format"), 1u | 4u, &fmt, &err)) return cli_fail(&err);
    const char *path = cli_get(opts, nopts, "input");
    if (!path) {
        kc_error_set(&err, KC_EINVAL, "screen: --input FILE is required");
        return cli_fail(&err);
    }
    if (clinic_cli_load_protocol(cli_get(opts, nopts, "protocol"), &p, &err)) return cli_fail(&err);
    rc = clinic_cli_read_file(path, CLINIC_CLI_FILE_MAX, &text, &err);
    if (!rc) rc = screen_parse_json(text, &in, &err);
    free(text);
    if (!rc) rc = screen_evaluate(&p, &in, &r, &err);
    if (rc) {
        kc_error_prefix(&err, "%s", path);
        return cli_fail(&err);
    }
    if (fmt == CLI_FORMAT_JSON) {
        json_t *arr = json_array();
        for (int i = 0; i < r.n_findings; i++) {
            const struct screen_finding *f = &r.findings[i];
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", f->id,
                                                 "severity", screen_severity_name(f->severity),
                                                 "finding", f->text, "action", f->action,
                                                 "source", f->source));
        }
        json_t *o = json_pack("{s:s, s:s, s:o, s:o}", "outcome", screen_outcome_name(r.outcome),
                              "drug", in.drug == SCREEN_DRUG_ESKETAMINE ? "esketamine" : "ketamine",
                              "findings", arr, "protocol", clinic_cli_trace_json(&r.trace));
        rc = clinic_cli_print_json(stdout, o);
        json_decref(o);
        return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    printf("screening (%s, %s): %s\n", in.drug == SCREEN_DRUG_ESKETAMINE ? "esketamine" : "ketamine",
           dose_route_name(in.route), screen_outcome_name(r.outcome));
    for (int i = 0; i < r.n_findings; i++) {
        const struct screen_finding *f = &r.findings[i];
        printf("  [%-8s] %s\n             action: %s\n             source: %s\n",
               screen_severity_name(f->severity), f->text, f->action, f->source);
    }
    if (r.n_findings == 0) printf("  no findings\n");
    clinic_cli_trace_print(stdout, &r.trace);
    return CLI_EXIT_OK;
}
