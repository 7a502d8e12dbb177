/* cmd_ledger.c — `ketaclinic ledger`: the controlled-substance ledger from the command line.
 *   balance [--drug D]                  perpetual balance per lot and location
 *   report [--from T] [--to T]          every entry with its running balance (table, csv, json)
 *   verify                              hash chain + replay of every entry (exit 1 names the bad one)
 *   record KIND --drug --lot --location --qty ... (receipt, waste, transfer, adjust, count)
 *   resolve ID --reason TEXT            close a count discrepancy with an adjustment
 * Administrations are recorded with the dose (store_dose_record), not here. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/quantity.h"
#include "cli/store_cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ketaclinic ledger balance [--drug D] [--format table|json]\n"
            "       ketaclinic ledger report [--from TIME] [--to TIME] [--format table|csv|json]\n"
            "       ketaclinic ledger verify [--anchor SEQ:HASH]...\n"
            "       ketaclinic ledger record receipt|waste|transfer|adjust|count --drug D --lot L\n"
            "              --location LOC --qty AMOUNT [--supplier S] [--witness USER] [--to LOC]\n"
            "              [--reason TEXT]   (AMOUNT like 500mg or 250ug; adjust may be -2mg)\n"
            "       ketaclinic ledger resolve DISCREPANCY_ID --reason TEXT\n"
            "--user is the staff member doing it (an active user); the entry is in their name.\n"
            STORE_CLI_USAGE);
}

struct out {
    enum cli_format fmt;
    int rows; /* printed so far (JSON commas) */
};

static int print_balance(void *ctx, const struct store_ledger_balance *b)
{
    struct out *o = ctx;
    enum cli_format fmt = o->fmt;
    char mg[32];
    store_cli_fmt_mg(b->balance_ug, mg);
    if (fmt == CLI_FORMAT_JSON) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:i}", "drug", b->drug, "lot", b->lot,
                              "location", b->location, "balance_ug", (json_int_t)b->balance_ug,
                              "open_discrepancies", b->open_discrepancies);
        char *s = json_dumps(j, JSON_COMPACT);
        printf("%s%s", o->rows++ ? ",\n  " : "  ", s ? s : "{}");
        free(s);
        json_decref(j);
        return 0;
    }
    printf("%-11s %-16s %-12s %14s mg%s\n", b->drug, b->lot, b->location, mg,
               b->open_discrepancies ? "  OPEN DISCREPANCY" : "");
    return 0;
}

static void csv_field(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static int print_row(void *ctx, const struct store_ledger_row *r)
{
    struct out *out = ctx;
    enum cli_format fmt = out->fmt;
    char qty[32], bal[32];
    const struct ledger_event *e = &r->ev;
    store_cli_fmt_mg(e->qty_ug, qty);
    store_cli_fmt_mg(r->balance_after_ug, bal);
    const char *kind = ledger_kind_name(e->kind);
    if (fmt == CLI_FORMAT_CSV) {
        printf("%" PRId64 ",%s,%s,", r->seq, r->at, kind);
        csv_field(e->drug), putchar(','), csv_field(e->lot), putchar(',');
        csv_field(e->location), putchar(','), csv_field(e->to_location);
        printf(",%" PRId64 ",%" PRId64 ",", e->qty_ug, r->balance_after_ug);
        csv_field(e->user), putchar(','), csv_field(e->witness), putchar(',');
        csv_field(e->supplier), putchar(','), csv_field(e->reason);
        printf(",%" PRId64 "\n", e->dose_id);
        return 0;
    }
    if (fmt == CLI_FORMAT_JSON) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s}", "seq",
                              (json_int_t)r->seq, "at", r->at, "kind", kind, "drug", e->drug,
                              "lot", e->lot, "location", e->location, "qty_ug",
                              (json_int_t)e->qty_ug, "balance_after_ug",
                              (json_int_t)r->balance_after_ug, "user", e->user);
        if (e->to_location) json_object_set_new(o, "to_location", json_string(e->to_location));
        if (e->witness) json_object_set_new(o, "witness", json_string(e->witness));
        if (e->supplier) json_object_set_new(o, "supplier", json_string(e->supplier));
        if (e->reason) json_object_set_new(o, "reason", json_string(e->reason));
        if (e->dose_id) json_object_set_new(o, "dose_id", json_integer(e->dose_id));
        char *s = json_dumps(o, JSON_COMPACT);
        printf("%s%s", out->rows++ ? ",\n  " : "  ", s ? s : "{}");
        free(s);
        json_decref(o);
        return 0;
    }
    printf("%5" PRId64 " %s %-10s %-10s %-14s %-10s %12s mg  bal %12s mg  %s", r->seq, r->at,
           kind, e->drug, e->lot, e->location, qty, bal, e->user);
    if (e->to_location) printf("  to %s", e->to_location);
    if (e->witness) printf("  witness %s", e->witness);
    if (e->supplier) printf("  from %s", e->supplier);
    if (e->dose_id) printf("  dose %" PRId64, e->dose_id);
    if (e->reason) printf("  reason: %s", e->reason);
    putchar('\n');
    return 0;
}

static int record(struct store *st, const struct store_actor *who, const char *kindname,
                  const struct cli_opt *opts, size_t n, struct kc_error *err)
{
    struct ledger_event ev = {0};
    int64_t seq = 0, disc = 0;
    int rc;
    if ((rc = ledger_kind_parse(kindname, &ev.kind, err))) return rc;
    if (ev.kind == LEDGER_ADMINISTER)
        return kc_error_set(err, KC_EINVAL, "ledger record administer: administrations are "
                            "recorded with their dose record, not by hand");
    if ((rc = store_cli_parse_ug("qty", cli_get(opts, n, "qty"), ev.kind == LEDGER_ADJUST,
                                 &ev.qty_ug, err)))
        return rc;
    ev.drug = cli_get(opts, n, "drug");
    ev.lot = cli_get(opts, n, "lot");
    ev.location = cli_get(opts, n, "location");
    ev.to_location = cli_get(opts, n, "to");
    ev.supplier = cli_get(opts, n, "supplier");
    ev.witness = cli_get(opts, n, "witness");
    ev.reason = cli_get(opts, n, "reason");
    ev.user = who->user;
    if ((rc = store_ledger_record(st, who, &ev, &seq, &disc, err))) return rc;
    printf("ledger entry %" PRId64 " recorded (%s)\n", seq, kindname);
    if (disc) {
        printf("count disagrees with the balance: discrepancy %" PRId64 " opened; resolve it "
               "with 'ketaclinic ledger resolve %" PRId64 " --reason ...'\n", disc, disc);
    }
    return KC_OK;
}

int cmd_ledger(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {STORE_CLI_OPTS,           {"format", 1, 0, 0, {0}},
                             {"drug", 1, 0, 0, {0}},   {"lot", 1, 0, 0, {0}},
                             {"location", 1, 0, 0, {0}}, {"to", 1, 0, 0, {0}},
                             {"qty", 1, 0, 0, {0}},    {"supplier", 1, 0, 0, {0}},
                             {"witness", 1, 0, 0, {0}}, {"reason", 1, 0, 0, {0}},
                             {"from", 1, 0, 0, {0}},    {"anchor", 1, 1, 0, {0}}};
    const size_t n = sizeof opts / sizeof opts[0];
    const char *pos[2];
    int npos = 0, rc = 0;
    enum cli_format fmt;
    struct store *st = NULL;
    struct store_actor who;
    if (cli_parse(argc, argv, opts, n, pos, 2, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, n, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (npos < 1) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *sub = pos[0];
    int two = strcmp(sub, "record") == 0 || strcmp(sub, "resolve") == 0;
    if ((two && npos != 2) || (!two && npos != 1) ||
        (!two && strcmp(sub, "balance") && strcmp(sub, "report") && strcmp(sub, "verify"))) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (cli_format_parse(cli_get(opts, n, "format"), 7u, &fmt, &err)) return cli_fail(&err);
    store_cli_actor(opts, n, &who);
    if (store_cli_open(opts, n, 0, &st, &err)) return cli_fail(&err);
    struct out ctx = {fmt, 0};
    if (strcmp(sub, "balance") == 0) {
        if (fmt == CLI_FORMAT_JSON) printf("[\n");
        else printf("%-11s %-16s %-12s %17s\n", "drug", "lot", "location", "balance");
        rc = store_ledger_balances(st, cli_get(opts, n, "drug"), print_balance, &ctx, &err);
        if (fmt == CLI_FORMAT_JSON) printf("\n]\n");
    } else if (strcmp(sub, "report") == 0) {
        if (fmt == CLI_FORMAT_JSON) printf("[\n");
        if (fmt == CLI_FORMAT_CSV)
            printf("seq,at,kind,drug,lot,location,to_location,qty_ug,balance_after_ug,user,"
                   "witness,supplier,reason,dose_id\n");
        rc = store_ledger_entries(st, cli_get(opts, n, "from"), cli_get(opts, n, "to"),
                                  print_row, &ctx, &err);
        if (fmt == CLI_FORMAT_JSON) printf("\n]\n");
        /* administrations name patients: the report is a read of patient data */
        if (!rc) rc = store_audit(st, &who, "read", "LedgerReport", "entries", "success",
                                  NULL, &err);
    } else if (strcmp(sub, "verify") == 0) {
        struct store_verify rep;
        rc = store_ledger_verify(st, &rep, &err);
        if (!rc && !rep.first_bad_seq)
            rc = store_cli_check_anchors(st, "ledger", opts, n, &rep, &err);
        if (!rc && rep.first_bad_seq) {
            store_close(st);
            fprintf(stderr, "ketaclinic: ledger check FAILED at entry %" PRId64 ": %s\n",
                    rep.first_bad_seq, rep.reason);
            return CLI_EXIT_FAIL;
        }
        if (!rc) printf("ledger intact: %" PRId64 " entries, hash chain and balances verified\n",
                        rep.checked);
    } else if (strcmp(sub, "record") == 0) {
        rc = record(st, &who, pos[1], opts, n, &err);
    } else {
        long id = 0;
        int64_t seq = 0;
        rc = kc_parse_long(pos[1], 1, INT64_MAX, &id, &err);
        if (!rc) rc = store_ledger_resolve(st, &who, id, cli_get(opts, n, "reason"), &seq, &err);
        if (!rc) printf("discrepancy %ld resolved by adjustment entry %" PRId64 "\n", id, seq);
    }
    store_close(st);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
