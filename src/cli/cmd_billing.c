/* cmd_billing.c — `ketaclinic billing`: the clinic's billing from the command line.
 *   codes                                  the code table with sources and confidence
 *   payer PATIENT [--kind K ...]           show or record the patient's payer
 *   charge SESSION [--service S]           derive and record the charges of an ended session
 *   pay|refund|adjust|void PATIENT ...     account entries (append-only)
 *   balance|entries|superbill PATIENT      totals, the entries, the superbill JSON
 *   plan PATIENT --total --n --first-due   a payment plan; plans [PATIENT] [--today D] lists
 *                                          instalments with what is owed and what is overdue
 * Money on the command line is dollars ("450", "450.25"); stored and printed as cents. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/quantity.h"
#include "cli/billing_cli.h"
#include "cli/pdf_doc.h"
#include "cli/store_cli.h"
#include "clinic/course.h"
#include "store/store_billing.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ketaclinic billing codes [--format table|csv|json]\n"
            "       ketaclinic billing payer PATIENT [--kind self-pay|commercial|medicare\n"
            "              --name INSURER --member-id ID --prior-auth NUMBER --auth-expires DATE\n"
            "              --unbundled]   (no --kind: show the current payer)\n"
            "       ketaclinic billing check PATIENT --on DATE --service S\n"
            "              (before booking: a commercial payer's prior authorisation; REMS\n"
            "              enrolment for esketamine)\n"
            "       ketaclinic billing charge SESSION [--service consult|followup] [--fees FILE]\n"
            "       ketaclinic billing pay PATIENT --amount DOLLARS --method M [--plan ID]\n"
            "       ketaclinic billing refund PATIENT --payment ID --amount DOLLARS --method M\n"
            "       ketaclinic billing adjust PATIENT --amount DOLLARS --reason TEXT\n"
            "       ketaclinic billing void PATIENT --entry CHARGE_ID --reason TEXT\n"
            "       ketaclinic billing balance|entries PATIENT [--format table|csv|json]\n"
            "       ketaclinic billing superbill PATIENT [--clinic NAME --npi N --tax-id T]\n"
            "              [--pdf FILE]   (JSON on stdout; --pdf also writes it as PDF)\n"
            "       ketaclinic billing plan PATIENT --total DOLLARS --n N --first-due DATE\n"
            "              [--every-days D]   (default: the same day each month)\n"
            "       ketaclinic billing plans [PATIENT] [--today DATE] [--overdue]\n"
            "              [--format table|csv|json]\n"
            "--fees FILE: the clinic's fee schedule, JSON {\"clinic\": NAME, \"fees\": {CODE: "
            "DOLLARS}} (default $KC_FEES, else the built-in schedule).\n" STORE_CLI_USAGE);
}

static struct cli_opt opts_tmpl[] = {
    STORE_CLI_OPTS,
    {"format", 1, 0, 0, {0}}, {"kind", 1, 0, 0, {0}}, {"name", 1, 0, 0, {0}},
    {"member-id", 1, 0, 0, {0}}, {"prior-auth", 1, 0, 0, {0}}, {"auth-expires", 1, 0, 0, {0}},
    {"unbundled", 0, 0, 0, {0}}, {"service", 1, 0, 0, {0}}, {"fees", 1, 0, 0, {0}},
    {"amount", 1, 0, 0, {0}}, {"method", 1, 0, 0, {0}}, {"plan", 1, 0, 0, {0}},
    {"payment", 1, 0, 0, {0}}, {"entry", 1, 0, 0, {0}}, {"reason", 1, 0, 0, {0}},
    {"at", 1, 0, 0, {0}}, {"clinic", 1, 0, 0, {0}}, {"npi", 1, 0, 0, {0}},
    {"tax-id", 1, 0, 0, {0}}, {"total", 1, 0, 0, {0}}, {"n", 1, 0, 0, {0}},
    {"first-due", 1, 0, 0, {0}}, {"every-days", 1, 0, 0, {0}}, {"today", 1, 0, 0, {0}},
    {"overdue", 0, 0, 0, {0}}, {"pdf", 1, 0, 0, {0}}, {"on", 1, 0, 0, {0}},
};
#define NOPT (sizeof opts_tmpl / sizeof opts_tmpl[0])

static const char *opt(const struct cli_opt *o, const char *name)
{
    return cli_get(o, NOPT, name);
}

static int need(const struct cli_opt *o, const char *name, const char **v, struct kc_error *err)
{
    *v = opt(o, name);
    if (!*v) return kc_error_set(err, KC_EINVAL, "--%s is required", name);
    return KC_OK;
}

static int parse_id(const char *what, const char *text, int64_t *out, struct kc_error *err)
{
    long v = 0;
    int rc = kc_parse_long(text, 1, INT64_MAX, &v, err);
    if (rc) return kc_error_prefix(err, "%s", what);
    *out = v;
    return KC_OK;
}

static int money_opt(const struct cli_opt *o, const char *name, int64_t *cents,
                     struct kc_error *err)
{
    const char *v;
    int rc = need(o, name, &v, err);
    if (!rc && (rc = bill_cents_parse(v, 0, cents, err))) kc_error_prefix(err, "--%s", name);
    return rc;
}

static int cmd_codes(enum cli_format fmt)
{
    json_t *arr = json_array();
    if (fmt == CLI_FORMAT_CSV) printf("code,meaning,valid_from,valid_to,source,source_date,conf\n");
    for (int i = 0; i < bill_code_count(); i++) {
        const struct bill_code *c = bill_code_at(i);
        if (fmt == CLI_FORMAT_JSON) {
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s, s:s}", "code",
                                                 c->code, "meaning", c->meaning, "valid_from",
                                                 c->valid_from, "valid_to", c->valid_to,
                                                 "source", c->source, "source_date",
                                                 c->source_date, "conf", c->conf));
        } else if (fmt == CLI_FORMAT_CSV) {
            printf("%s,", c->code);
            billing_cli_csv(stdout, c->meaning), putchar(',');
            printf("%s,%s,", c->valid_from ? c->valid_from : "", c->valid_to ? c->valid_to : "");
            billing_cli_csv(stdout, c->source), putchar(',');
            printf("%s,%s\n", c->source_date, c->conf);
        } else {
            printf("%-6s %-2s %s%s%s%s%s\n       source: %s (%s)\n", c->code, c->conf, c->meaning,
                   c->valid_from ? "; from " : "", c->valid_from ? c->valid_from : "",
                   c->valid_to ? "; until " : "", c->valid_to ? c->valid_to : "", c->source,
                   c->source_date);
        }
    }
    if (fmt == CLI_FORMAT_JSON) billing_cli_print_json(arr);
    json_decref(arr);
    return 0;
}

static int cmd_payer(struct store *st, const struct store_actor *who, int64_t patient,
                     const struct cli_opt *o, struct kc_error *err)
{
    struct store_bill_payer p;
    memset(&p, 0, sizeof p);
    int rc;
    const char *kind = opt(o, "kind");
    if (kind) {
        if ((rc = bill_payer_kind_parse(kind, &p.kind, err))) return rc;
        static const struct { const char *o; size_t off, n; } f[] = {
            {"name", offsetof(struct store_bill_payer, name), 64},
            {"member-id", offsetof(struct store_bill_payer, member_id), 64},
            {"prior-auth", offsetof(struct store_bill_payer, prior_auth), 64},
            {"auth-expires", offsetof(struct store_bill_payer, prior_auth_expires), 11},
        };
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
            const char *v = opt(o, f[i].o);
            if (!v) continue;
            if (strlen(v) >= f[i].n)
                return kc_error_set(err, KC_EINVAL, "--%s: longer than %zu characters", f[i].o,
                                    f[i].n - 1);
            memcpy((char *)&p + f[i].off, v, strlen(v) + 1);
        }
        p.esk_unbundled = opt(o, "unbundled") != NULL;
        if ((rc = store_bill_payer_set(st, who, patient, &p, err))) return rc;
    }
    if ((rc = store_bill_payer_get(st, who, patient, &p, err))) return rc;
    printf("payer: %s%s%s", bill_payer_kind_name(p.kind), p.name[0] ? " " : "", p.name);
    if (p.member_id[0]) printf("  member %s", p.member_id);
    if (p.prior_auth[0]) printf("  prior-auth %s until %s", p.prior_auth,
                                p.prior_auth_expires[0] ? p.prior_auth_expires : "(none)");
    if (p.esk_unbundled) printf("  esketamine unbundled (E/M + J0013)");
    printf("\n");
    return 0;
}

static int cmd_charge(struct store *st, const struct store_actor *who, int64_t session,
                      const struct cli_opt *o, struct kc_error *err)
{
    struct bill_schedule s;
    enum bill_service svc = BILL_SVC_COUNT;
    int rc;
    const char *fees = opt(o, "fees") ? opt(o, "fees") : getenv("KC_FEES");
    if ((rc = billing_cli_load_fees(fees, &s, err))) return rc;
    if (opt(o, "service") && (rc = bill_service_parse(opt(o, "service"), &svc, err))) return rc;
    struct store_bill_session_charges c;
    if ((rc = store_bill_charge_session(st, who, session, svc, &s, &c, err))) return rc;
    char total[32];
    bill_cents_format(c.charges.total_cents, total, sizeof total);
    printf("session %" PRId64 " (%s", session, bill_service_name(c.facts.service));
    if (c.facts.service == BILL_SVC_IV)
        printf(", infusion %" PRId64 " min", c.facts.infusion_s / 60);
    if (c.facts.service == BILL_SVC_ESKETAMINE)
        printf(", esketamine %" PRId64 " mg", c.facts.esketamine_ug / 1000);
    printf(") charged %s to patient %" PRId64 "\n", total, c.patient_id);
    int64_t id = c.first_id;
    for (int i = 0; i < c.charges.n; i++) {
        const struct bill_line *l = &c.charges.line[i];
        char amt[32];
        bill_cents_format(l->cents, amt, sizeof amt);
        printf("  entry %-6" PRId64 " %-5s %-2s x%-3d %10s\n", l->cents > 0 ? id++ : 0, l->code,
               l->modifier, l->units, amt);
    }
    return 0;
}

static int cmd_check(struct store *st, const struct store_actor *who, int64_t patient,
                     const struct cli_opt *o, struct kc_error *err)
{
    const char *on, *svc;
    enum bill_service service;
    int rc;
    if ((rc = need(o, "on", &on, err)) || (rc = need(o, "service", &svc, err)) ||
        (rc = bill_service_parse(svc, &service, err)) ||
        (rc = store_bill_booking_check(st, who, patient, on, service, err)))
        return rc;
    printf("patient %" PRId64 " may be booked for %s on %s\n", patient, svc, on);
    return 0;
}

static int cmd_entry(struct store *st, const struct store_actor *who, const char *sub,
                     int64_t patient, const struct cli_opt *o, struct kc_error *err)
{
    struct store_bill_entry_new e = {.patient_id = patient, .method = opt(o, "method"),
                                     .reason = opt(o, "reason"), .at = opt(o, "at")};
    int rc = bill_entry_kind_parse(strcmp(sub, "pay") == 0 ? "payment" : sub, &e.kind, err);
    if (rc) return rc;
    if (e.kind != BILL_VOID && (rc = money_opt(o, "amount", &e.cents, err))) return rc;
    const char *ref = e.kind == BILL_VOID ? "entry" : e.kind == BILL_REFUND ? "payment" : NULL;
    const char *v;
    if (ref && ((rc = need(o, ref, &v, err)) || (rc = parse_id(ref, v, &e.ref, err)))) return rc;
    if (opt(o, "plan") && (rc = parse_id("--plan", opt(o, "plan"), &e.plan_id, err))) return rc;
    int64_t id = 0;
    if ((rc = store_bill_entry_add(st, who, &e, &id, err))) return rc;
    struct bill_totals t;
    if ((rc = store_bill_totals(st, who, patient, &t, err))) return rc;
    char bal[32];
    bill_cents_format(t.balance, bal, sizeof bal);
    printf("%s entry %" PRId64 " recorded; balance %s\n", bill_entry_kind_name(e.kind), id, bal);
    return 0;
}

int cmd_billing(int argc, char **argv)
{
    struct cli_opt o[NOPT];
    memcpy(o, opts_tmpl, sizeof o);
    const char *pos[3];
    int npos = 0;
    struct kc_error err = {0};
    enum cli_format fmt;
    struct store *st = NULL;
    struct store_actor who;
    if (cli_parse(argc, argv, o, NOPT, pos, 3, &npos, &err)) {
        usage(stderr);
        return cli_fail(&err);
    }
    if (opt(o, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (npos < 1) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *sub = pos[0];
    if (cli_format_parse(opt(o, "format"), 7u, &fmt, &err)) return cli_fail(&err);
    if (strcmp(sub, "codes") == 0) return npos == 1 ? cmd_codes(fmt) : CLI_EXIT_USAGE;
    static const char *const with_id[] = {"payer",   "check",   "charge",    "pay",
                                          "refund",  "adjust",  "void",
                                          "balance", "entries", "superbill", "plan"};
    int known = strcmp(sub, "plans") == 0 && npos <= 2;
    for (size_t i = 0; i < sizeof with_id / sizeof with_id[0]; i++)
        if (strcmp(sub, with_id[i]) == 0 && npos == 2) known = 1;
    if (!known) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    int64_t id = 0;
    if (npos == 2 && parse_id(strcmp(sub, "charge") == 0 ? "SESSION" : "PATIENT", pos[1], &id,
                              &err))
        return cli_fail(&err);
    store_cli_actor(o, NOPT, &who);
    if (store_cli_open(o, NOPT, 0, &st, &err)) return cli_fail(&err);
    int rc;
    if (strcmp(sub, "payer") == 0) rc = cmd_payer(st, &who, id, o, &err);
    else if (strcmp(sub, "charge") == 0) rc = cmd_charge(st, &who, id, o, &err);
    else if (strcmp(sub, "check") == 0) rc = cmd_check(st, &who, id, o, &err);
    else if (strcmp(sub, "balance") == 0) rc = billing_cli_balance(st, &who, id, fmt, &err);
    else if (strcmp(sub, "entries") == 0) rc = billing_cli_entries(st, &who, id, fmt, &err);
    else if (strcmp(sub, "superbill") == 0) {
        struct store_bill_provider p = {opt(o, "clinic"), opt(o, "npi"), opt(o, "tax-id"), NULL};
        json_t *j = NULL;
        rc = store_bill_superbill(st, &who, id, &p, &j, &err);
        if (!rc && opt(o, "pdf")) rc = pdf_superbill(j, opt(o, "pdf"), &err);
        if (!rc) billing_cli_print_json(j);
        json_decref(j);
    } else if (strcmp(sub, "plan") == 0) {
        int64_t total = 0;
        long n = 0, every = 0;
        const char *v = NULL, *due = NULL;
        if (!(rc = money_opt(o, "total", &total, &err)) && !(rc = need(o, "n", &v, &err)) &&
            !(rc = kc_parse_long(v, 1, BILL_PLAN_MAX, &n, &err)) &&
            !(rc = need(o, "first-due", &due, &err)) &&
            !(rc = kc_parse_long(opt(o, "every-days") ? opt(o, "every-days") : "0", 0, 366,
                                 &every, &err))) {
            int64_t pid = 0;
            rc = store_bill_plan_add(st, &who, id, total, (int)n, due, (int)every, &pid, &err);
            if (!rc) printf("payment plan %" PRId64 " created\n", pid);
        }
    } else if (strcmp(sub, "plans") == 0) {
        rc = billing_cli_plans(st, &who, id, opt(o, "today"), opt(o, "overdue") != NULL, fmt,
                               &err);
    } else {
        rc = cmd_entry(st, &who, sub, id, o, &err);
    }
    store_close(st);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
