/* cmd_patient.c — `ketaclinic patient add|show`: patient records from the command line (each
 * read and write lands in the audit log under --user/--role). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/quantity.h"
#include "cli/store_cli.h"
#include "fhir/fhir.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: ketaclinic patient add --mrn MRN --family NAME [--given NAME]\n"
                 "              --birth-date YYYY-MM-DD --sex female|male|other|unknown\n"
                 "              [--phone P] [--email E] [--address A]\n"
                 "              [--emergency-name N] [--emergency-phone P]\n"
                 "       ketaclinic patient show MRN\n"
                 "       ketaclinic patient export MRN   (the whole record as a FHIR R4 Bundle)\n"
                 STORE_CLI_USAGE);
}

int cmd_patient(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {STORE_CLI_OPTS,
                             {"mrn", 1, 0, 0, {0}},
                             {"family", 1, 0, 0, {0}},
                             {"given", 1, 0, 0, {0}},
                             {"birth-date", 1, 0, 0, {0}},
                             {"sex", 1, 0, 0, {0}},
                             {"phone", 1, 0, 0, {0}},
                             {"email", 1, 0, 0, {0}},
                             {"address", 1, 0, 0, {0}},
                             {"emergency-name", 1, 0, 0, {0}},
                             {"emergency-phone", 1, 0, 0, {0}}};
    const size_t n = sizeof opts / sizeof opts[0];
    const char *pos[2];
    int npos = 0, rc;
    struct store *st = NULL;
    struct store_actor who;
    if (cli_parse(argc, argv, opts, n, pos, 2, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, n, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    int add = npos == 1 && strcmp(pos[0], "add") == 0;
    int show = npos == 2 && strcmp(pos[0], "show") == 0;
    int export = npos == 2 && strcmp(pos[0], "export") == 0;
    if (!add && !show && !export) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    store_cli_actor(opts, n, &who);
    if (store_cli_open(opts, n, 0, &st, &err)) return cli_fail(&err);
    if (add) {
        struct store_patient_new p = {
            cli_get(opts, n, "mrn"),           cli_get(opts, n, "family"),
            cli_get(opts, n, "given"),         cli_get(opts, n, "birth-date"),
            cli_get(opts, n, "sex"),           cli_get(opts, n, "phone"),
            cli_get(opts, n, "email"),         cli_get(opts, n, "address"),
            cli_get(opts, n, "emergency-name"), cli_get(opts, n, "emergency-phone")};
        int64_t id = 0;
        rc = store_patient_add(st, &who, &p, &id, &err);
        if (!rc) printf("patient %" PRId64 " added (MRN %s)\n", id, p.mrn);
    } else if (export) {
        struct store_patient p;
        json_t *bundle = NULL;
        rc = store_patient_get(st, &who, 0, pos[1], &p, &err);
        if (!rc) rc = fhir_export_patient(st, &who, p.id, &bundle, &err);
        if (!rc) {
            char *text = json_dumps(bundle, JSON_INDENT(1));
            if (text) puts(text);
            else rc = kc_error_set(&err, KC_ENOMEM, "out of memory writing the Bundle");
            free(text);
        }
        json_decref(bundle);
    } else {
        struct store_patient p;
        rc = store_patient_get(st, &who, 0, pos[1], &p, &err);
        if (!rc)
            printf("patient %" PRId64 "\nmrn %s\nname %s, %s\nbirth date %s\nsex %s\n"
                   "phone %s\nemergency contact %s %s\n",
                   p.id, p.mrn, p.family_name, p.given_name, p.birth_date, p.sex, p.phone,
                   p.emergency_name, p.emergency_phone);
    }
    store_close(st);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
