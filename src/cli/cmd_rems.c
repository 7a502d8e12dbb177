/* cmd_rems.c — `ketaclinic rems`: the SPRAVATO REMS paperwork from the command line.
 *   enrol PATIENT --on DATE [--rems-id ID]   record the patient's REMS enrolment
 *   check PATIENT --on DATE                  may this patient get esketamine that day?
 *   form SESSION                             the Patient Monitoring Form filled from the record
 *   sign SESSION [--answers JSON]            sign it (refused while a required field is empty)
 *   submit SESSION [--at TIME]               mark it submitted to the REMS
 *   tracker [--today DATE] [--format ...]    every esketamine session's form: due, overdue... */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/quantity.h"
#include "cli/billing_cli.h"
#include "cli/pdf_doc.h"
#include "cli/store_cli.h"
#include "store/store_rems.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ketaclinic rems enrol PATIENT --on DATE [--rems-id ID]\n"
            "       ketaclinic rems check PATIENT --on DATE\n"
            "       ketaclinic rems form SESSION [--pdf FILE]   (sign takes --pdf too)\n"
            "       ketaclinic rems sign SESSION [--answers JSON]   (JSON: vitals_ok_pre,\n"
            "              vitals_ok_end, sedation, dissociation, respiratory_depression,\n"
            "              serious_ae: true|false; ready_to_leave_min; sae_description; setting;\n"
            "              monitoring_hcp)\n"
            "       ketaclinic rems submit SESSION [--at TIME]\n"
            "       ketaclinic rems tracker [--today DATE] [--format table|csv|json]\n"
            STORE_CLI_USAGE);
}

static struct cli_opt opts_tmpl[] = {
    STORE_CLI_OPTS,         {"format", 1, 0, 0, {0}}, {"on", 1, 0, 0, {0}},
    {"rems-id", 1, 0, 0, {0}}, {"answers", 1, 0, 0, {0}}, {"at", 1, 0, 0, {0}},
    {"today", 1, 0, 0, {0}}, {"pdf", 1, 0, 0, {0}},
};
#define NOPT (sizeof opts_tmpl / sizeof opts_tmpl[0])

struct track_ctx {
    enum cli_format fmt;
    json_t *arr;
};

static int track_row(void *ctx, const struct store_rems_track_row *r)
{
    struct track_ctx *x = ctx;
    const char *state = rems_pmf_state_name(r->state);
    if (x->fmt == CLI_FORMAT_JSON)
        return json_array_append_new(x->arr, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s?, s:s?}",
                                                       "session_id", (json_int_t)r->session_id,
                                                       "patient_id", (json_int_t)r->patient_id,
                                                       "mrn", r->mrn, "session_day",
                                                       r->session_day, "due", r->due_day, "state",
                                                       state, "signed_at",
                                                       r->signed_at[0] ? r->signed_at : NULL,
                                                       "submitted_at",
                                                       r->submitted_at[0] ? r->submitted_at
                                                                          : NULL))
                   ? KC_ENOMEM
                   : 0;
    if (x->fmt == CLI_FORMAT_CSV) {
        printf("%" PRId64 ",%" PRId64 ",", r->session_id, r->patient_id);
        billing_cli_csv(stdout, r->mrn);
        printf(",%s,%s,%s,%s,%s\n", r->session_day, r->due_day, state, r->signed_at,
               r->submitted_at);
        return 0;
    }
    printf("session %-5" PRId64 " %-12s %s  due %s  %-14s%s%s\n", r->session_id, r->mrn,
           r->session_day, r->due_day, state, r->signed_at[0] ? "  signed " : "  unsigned",
           r->signed_at);
    return 0;
}

int cmd_rems(int argc, char **argv)
{
    struct cli_opt o[NOPT];
    memcpy(o, opts_tmpl, sizeof o);
    const char *pos[2];
    int npos = 0;
    struct kc_error err = {0};
    enum cli_format fmt;
    struct store *st = NULL;
    struct store_actor who;
    if (cli_parse(argc, argv, o, NOPT, pos, 2, &npos, &err)) {
        usage(stderr);
        return cli_fail(&err);
    }
    if (cli_get(o, NOPT, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    const char *sub = npos ? pos[0] : "";
    int tracker = strcmp(sub, "tracker") == 0;
    static const char *const with_id[] = {"enrol", "check", "form", "sign", "submit"};
    int known = tracker && npos == 1;
    for (size_t i = 0; i < sizeof with_id / sizeof with_id[0]; i++)
        if (strcmp(sub, with_id[i]) == 0 && npos == 2) known = 1;
    if (!known) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (cli_format_parse(cli_get(o, NOPT, "format"), 7u, &fmt, &err)) return cli_fail(&err);
    long id = 0;
    if (npos == 2 && kc_parse_long(pos[1], 1, INT64_MAX, &id, &err)) {
        kc_error_prefix(&err, "%s", strcmp(sub, "enrol") && strcmp(sub, "check") ? "SESSION"
                                                                                 : "PATIENT");
        return cli_fail(&err);
    }
    const char *on = cli_get(o, NOPT, "on");
    if ((strcmp(sub, "enrol") == 0 || strcmp(sub, "check") == 0) && !on) {
        kc_error_set(&err, KC_EINVAL, "--on DATE is required");
        return cli_fail(&err);
    }
    json_t *answers = NULL;
    if (cli_get(o, NOPT, "answers")) {
        json_error_t je;
        answers = json_loads(cli_get(o, NOPT, "answers"), JSON_REJECT_DUPLICATES, &je);
        if (!answers) {
            kc_error_set(&err, KC_EINVAL, "--answers: not JSON (%s)", je.text);
            return cli_fail(&err);
        }
    }
    store_cli_actor(o, NOPT, &who);
    if (store_cli_open(o, NOPT, 0, &st, &err)) {
        json_decref(answers);
        return cli_fail(&err);
    }
    int rc;
    struct rems_form f;
    if (strcmp(sub, "enrol") == 0) {
        rc = store_rems_enrol(st, &who, id, cli_get(o, NOPT, "rems-id"), on, &err);
        if (!rc) printf("patient %ld enrolled in the SPRAVATO REMS on %s\n", id, on);
    } else if (strcmp(sub, "check") == 0) {
        rc = store_rems_check_dose(st, &who, id, on, &err);
        if (!rc) printf("patient %ld may receive esketamine on %s (REMS enrolled)\n", id, on);
    } else if (strcmp(sub, "form") == 0 || strcmp(sub, "sign") == 0) {
        rc = strcmp(sub, "form") == 0 ? store_rems_form_build(st, &who, id, &f, &err)
                                      : store_rems_form_sign(st, &who, id, answers, &f, &err);
        if (!rc && !strcmp(sub, "form")) rc = store_rems_form_answer(&f, answers, &err);
        if (!rc) {
            json_t *j = store_rems_form_json(&f);
            int n = 0;
            struct kc_error miss = {0};
            rems_form_check(&f, &n, &miss);
            json_object_set_new(j, "missing", json_string(n ? miss.msg : ""));
            json_object_set_new(j, "signed", json_boolean(strcmp(sub, "sign") == 0));
            if (cli_get(o, NOPT, "pdf")) rc = pdf_rems_form(j, cli_get(o, NOPT, "pdf"), &err);
            if (!rc) billing_cli_print_json(j);
            json_decref(j);
        }
    } else if (strcmp(sub, "submit") == 0) {
        rc = store_rems_form_submit(st, &who, id, cli_get(o, NOPT, "at"), &err);
        if (!rc) printf("REMS form of session %ld marked submitted\n", id);
    } else {
        struct track_ctx x = {fmt, json_array()};
        long today = 0;
        rc = billing_cli_today(cli_get(o, NOPT, "today"), &today, &err);
        if (rc) kc_error_prefix(&err, "--today");
        if (!rc && fmt == CLI_FORMAT_CSV)
            printf("session_id,patient_id,mrn,session_day,due,state,signed_at,submitted_at\n");
        if (!rc) rc = store_rems_tracker(st, &who, today, track_row, &x, &err);
        if (!rc && fmt == CLI_FORMAT_JSON) billing_cli_print_json(x.arr);
        json_decref(x.arr);
    }
    json_decref(answers);
    store_close(st);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
