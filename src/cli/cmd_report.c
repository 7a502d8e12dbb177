/* cmd_report.c — `ketaclinic report`: clinic reports in table, CSV or JSON.
 *   administrations --from T --to T   DEA-style administration log (21 CFR 1304.22(c))
 *   inventory [--at T]                book balance of every lot/location (biennial inventory)
 *   discrepancies                     count discrepancies; shortfalls with the theft/loss
 *                                     deadlines (1 business day notice, Form 106 in 45 days)
 *   operations --from DAY --to DAY    sessions per chair per day, no-shows, chair time, revenue
 *                                     by service, code and payer, A/R by age (as of --today) */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/billing_cli.h"
#include "cli/store_cli.h"
#include "clinic/course.h"
#include "clinic/report.h"
#include "store/store_report.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ketaclinic report administrations [--from TIME] [--to TIME]\n"
            "       ketaclinic report inventory [--at TIME]\n"
            "       ketaclinic report discrepancies\n"
            "       ketaclinic report operations --from DAY --to DAY [--today DAY] [--svg FILE]\n"
            "       (each with --format table|csv|json)\n" STORE_CLI_USAGE);
}

static struct cli_opt opts_tmpl[] = {
    STORE_CLI_OPTS, {"format", 1, 0, 0, {0}}, {"from", 1, 0, 0, {0}},
    {"to", 1, 0, 0, {0}}, {"today", 1, 0, 0, {0}}, {"at", 1, 0, 0, {0}}, {"svg", 1, 0, 0, {0}},
};
#define NOPT (sizeof opts_tmpl / sizeof opts_tmpl[0])

struct out {
    enum cli_format fmt;
    json_t *arr;
};

static int admin_row(void *ctx, const struct store_report_admin_row *r)
{
    struct out *o = ctx;
    char mg[32], ml[32];
    store_cli_fmt_mg(r->dose_ug, mg);
    snprintf(ml, sizeof ml, "%" PRId64 ".%03" PRId64, r->volume_ul / 1000, r->volume_ul % 1000);
    if (o->fmt == CLI_FORMAT_JSON)
        return json_array_append_new(
                   o->arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, "
                                     "s:I, s:I}", "at", r->at, "mrn", r->mrn, "patient",
                                     r->patient_name, "address", r->address, "drug", r->drug,
                                     "form", r->form, "route", r->route, "lot", r->lot,
                                     "dose_ug", (json_int_t)r->dose_ug, "volume_ul",
                                     (json_int_t)r->volume_ul, "given_by", r->given_by,
                                     "dose_id", (json_int_t)r->dose_id, "ledger_seq",
                                     (json_int_t)r->seq))
                   ? KC_ENOMEM
                   : 0;
    if (o->fmt == CLI_FORMAT_CSV) {
        printf("%s,", r->at);
        billing_cli_csv(stdout, r->mrn), putchar(',');
        billing_cli_csv(stdout, r->patient_name), putchar(',');
        billing_cli_csv(stdout, r->address);
        printf(",%s,%s,%s,", r->drug, r->form, r->route);
        billing_cli_csv(stdout, r->lot);
        printf(",%s,%s,", mg, ml);
        billing_cli_csv(stdout, r->given_by);
        printf(",%" PRId64 ",%" PRId64 "\n", r->dose_id, r->seq);
        return 0;
    }
    printf("%s  %-12s %-24s %-10s %-4s %-10s lot %-12s %10s mg %9s mL  by %s\n", r->at, r->mrn,
           r->patient_name, r->drug, r->form, r->route, r->lot, mg, ml, r->given_by);
    return 0;
}

static int disc_row(void *ctx, const struct store_report_discrepancy_row *r)
{
    struct out *o = ctx;
    int64_t shortfall = r->expected_ug - r->counted_ug;
    char notice[16] = "", f106[16] = "";
    char day[11];
    long d = 0;
    memcpy(day, r->opened_at, 10);
    day[10] = '\0';
    if (shortfall > 0 && course_date_parse(day, &d, NULL) == 0) {
        struct report_loss_deadlines dl;
        report_loss_deadlines(d, &dl);
        course_date_format(dl.notice_day, notice, sizeof notice);
        course_date_format(dl.form106_day, f106, sizeof f106);
    }
    if (o->fmt == CLI_FORMAT_JSON)
        return json_array_append_new(
                   o->arr, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s?, s:s?, "
                                     "s:s?, s:s?}", "id", (json_int_t)r->id, "drug", r->drug,
                                     "lot", r->lot, "location", r->location, "expected_ug",
                                     (json_int_t)r->expected_ug, "counted_ug",
                                     (json_int_t)r->counted_ug, "shortfall_ug",
                                     (json_int_t)shortfall, "opened_at", r->opened_at,
                                     "resolved_at", r->resolved_at[0] ? r->resolved_at : NULL,
                                     "reason", r->reason[0] ? r->reason : NULL, "dea_notice_by",
                                     notice[0] ? notice : NULL, "form_106_by",
                                     f106[0] ? f106 : NULL))
                   ? KC_ENOMEM
                   : 0;
    if (o->fmt == CLI_FORMAT_CSV) {
        printf("%" PRId64 ",%s,", r->id, r->drug);
        billing_cli_csv(stdout, r->lot), putchar(',');
        billing_cli_csv(stdout, r->location);
        printf(",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%s,%s,%s,", r->expected_ug,
               r->counted_ug, shortfall, r->opened_at, r->resolved_at, notice, f106);
        billing_cli_csv(stdout, r->reason);
        putchar('\n');
        return 0;
    }
    char sh[32];
    store_cli_fmt_mg(shortfall, sh);
    printf("#%-4" PRId64 " %-10s lot %-12s %-10s shortfall %10s mg  opened %s  %s", r->id,
           r->drug, r->lot, r->location, sh, r->opened_at,
           r->resolved_at[0] ? "resolved" : "OPEN");
    if (notice[0]) printf("  if theft/significant loss: DEA notice by %s, Form 106 by %s", notice,
                          f106);
    putchar('\n');
    return 0;
}

static void ops_csv(const json_t *r)
{
    printf("section,key,day,value\n");
    json_t *s = json_object_get(r, "sessions");
    const char *k;
    json_t *v;
    json_object_foreach(s, k, v) printf("sessions,%s,,%" JSON_INTEGER_FORMAT "\n", k,
                                        json_integer_value(v));
    size_t i;
    json_array_foreach(json_object_get(r, "per_chair_day"), i, v) {
        printf("per_chair_day,");
        billing_cli_csv(stdout, json_string_value(json_object_get(v, "chair")));
        printf(",%s,%" JSON_INTEGER_FORMAT "\n", json_string_value(json_object_get(v, "day")),
               json_integer_value(json_object_get(v, "sessions")));
    }
    json_t *avg = json_object_get(r, "average_chair_min");
    if (json_is_real(avg)) printf("average_chair_min,,,%.1f\n", json_real_value(avg));
    json_array_foreach(json_object_get(r, "revenue_by_service"), i, v)
        printf("revenue_by_service,%s,,%" JSON_INTEGER_FORMAT "\n",
               json_string_value(json_object_get(v, "service")),
               json_integer_value(json_object_get(v, "cents")));
    json_array_foreach(json_object_get(r, "revenue_by_code"), i, v)
        printf("revenue_by_code,%s,,%" JSON_INTEGER_FORMAT "\n",
               json_string_value(json_object_get(v, "code")),
               json_integer_value(json_object_get(v, "cents")));
    json_array_foreach(json_object_get(r, "revenue_by_payer"), i, v)
        printf("revenue_by_payer,%s,,%" JSON_INTEGER_FORMAT "\n",
               json_string_value(json_object_get(v, "payer")),
               json_integer_value(json_object_get(v, "cents")));
    printf("revenue_cents,,,%" JSON_INTEGER_FORMAT "\n",
           json_integer_value(json_object_get(r, "revenue_cents")));
    json_object_foreach(json_object_get(r, "ar"), k, v)
        printf("ar_cents,%s,,%" JSON_INTEGER_FORMAT "\n", k, json_integer_value(v));
}

int cmd_report(int argc, char **argv)
{
    struct cli_opt o[NOPT];
    memcpy(o, opts_tmpl, sizeof o);
    const char *pos[1];
    int npos = 0;
    struct kc_error err = {0};
    enum cli_format fmt;
    struct store *st = NULL;
    struct store_actor who;
    if (cli_parse(argc, argv, o, NOPT, pos, 1, &npos, &err)) {
        usage(stderr);
        return cli_fail(&err);
    }
    if (cli_get(o, NOPT, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    const char *sub = npos ? pos[0] : "";
    if (strcmp(sub, "administrations") && strcmp(sub, "discrepancies") &&
        strcmp(sub, "operations") && strcmp(sub, "inventory")) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (cli_format_parse(cli_get(o, NOPT, "format"), 7u, &fmt, &err)) return cli_fail(&err);
    const char *from = cli_get(o, NOPT, "from"), *to = cli_get(o, NOPT, "to");
    long today = 0;
    if (strcmp(sub, "operations") == 0 && (!from || !to)) {
        kc_error_set(&err, KC_EINVAL, "report operations needs --from DAY and --to DAY");
        return cli_fail(&err);
    }
    if (billing_cli_today(cli_get(o, NOPT, "today"), &today, &err)) {
        kc_error_prefix(&err, "--today");
        return cli_fail(&err);
    }
    store_cli_actor(o, NOPT, &who);
    if (store_cli_open(o, NOPT, 0, &st, &err)) return cli_fail(&err);
    struct out x = {fmt, json_array()};
    int rc;
    if (strcmp(sub, "administrations") == 0) {
        if (fmt == CLI_FORMAT_CSV)
            printf("at,mrn,patient,address,drug,form,route,lot,dose_mg,volume_ml,given_by,"
                   "dose_id,ledger_seq\n");
        rc = store_report_administrations(st, &who, from, to, admin_row, &x, &err);
    } else if (strcmp(sub, "inventory") == 0) {
        rc = report_cli_inventory(st, &who, cli_get(o, NOPT, "at"), fmt, &err);
    } else if (strcmp(sub, "discrepancies") == 0) {
        if (fmt == CLI_FORMAT_CSV)
            printf("id,drug,lot,location,expected_ug,counted_ug,shortfall_ug,opened_at,"
                   "resolved_at,dea_notice_by,form_106_by,reason\n");
        rc = store_report_discrepancies(st, &who, disc_row, &x, &err);
    } else {
        json_t *r = NULL;
        rc = store_report_operations(st, &who, from, to, today, &r, &err);
        const char *svg = cli_get(o, NOPT, "svg");
        if (!rc && svg) rc = report_cli_ops_svg(r, svg, &err);
        if (!rc && fmt == CLI_FORMAT_CSV) ops_csv(r);
        else if (!rc) billing_cli_print_json(r); /* table: the JSON reads well enough */
        json_decref(r);
    }
    if (!rc && fmt == CLI_FORMAT_JSON && strcmp(sub, "operations") && strcmp(sub, "inventory"))
        billing_cli_print_json(x.arr);
    json_decref(x.arr);
    store_close(st);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
