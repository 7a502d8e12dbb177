/* cmd_audit.c — `ketaclinic audit verify` checks the hash chain of the audit log with the key and
 * names the first bad entry (exit 1); `ketaclinic audit list` prints entries. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/kctime.h"
#include "base/quantity.h"
#include "cli/store_cli.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: ketaclinic audit verify [--anchor SEQ:HASH]... [--db URL] "
                 "[--audit-key FILE]\n"
                 "       ketaclinic audit list [--after SEQ] [--limit N] [--format table|json]\n"
                 "       ketaclinic audit head [--chain audit|ledger]   (an anchor to keep "
                 "off this machine)\n" STORE_CLI_USAGE);
}

static int print_entry(void *ctx, const struct store_audit_entry *e)
{
    json_t *arr = ctx;
    if (arr) {
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
                           (json_int_t)e->seq, "at", e->at, "user", e->user, "role", e->role,
                           "action", e->action, "resource_type", e->resource_type,
                           "resource_id", e->resource_id, "source", e->source, "outcome",
                           e->outcome, "detail", e->detail));
        return 0;
    }
    printf("%6" PRId64 "  %s  %-12s %-10s %-8s %s/%s  from %s  %s%s%s\n", e->seq, e->at, e->user,
           e->role, e->action, e->resource_type, e->resource_id, e->source, e->outcome,
           e->detail[0] ? "  " : "", e->detail);
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {STORE_CLI_OPTS, {"format", 1, 0, 0, {0}}, {"after", 1, 0, 0, {0}},
                             {"limit", 1, 0, 0, {0}}, {"anchor", 1, 1, 0, {0}},
                             {"chain", 1, 0, 0, {0}}};
    const size_t n = sizeof opts / sizeof opts[0];
    const char *pos[1];
    int npos = 0, rc;
    long after = 0, limit = 0;
    enum cli_format fmt;
    struct store *st = NULL;
    if (cli_parse(argc, argv, opts, n, pos, 1, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, n, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (npos != 1 || (strcmp(pos[0], "verify") != 0 && strcmp(pos[0], "list") != 0 &&
                      strcmp(pos[0], "head") != 0)) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (cli_format_parse(cli_get(opts, n, "format"), 1u | 4u, &fmt, &err) ||
        (cli_get(opts, n, "after") &&
         kc_parse_long(cli_get(opts, n, "after"), 0, INT64_MAX, &after, &err)) ||
        (cli_get(opts, n, "limit") &&
         kc_parse_long(cli_get(opts, n, "limit"), 1, 1000000, &limit, &err)))
        return cli_fail(&err);
    if (store_cli_open(opts, n, 0, &st, &err)) return cli_fail(&err);
    if (strcmp(pos[0], "head") == 0) {
        const char *chain = cli_get(opts, n, "chain");
        int64_t seq = 0;
        char hash[65], now[32];
        if ((rc = store_chain_head(st, chain ? chain : "audit", &seq, hash, &err))) goto fail;
        store_close(st);
        time_t t = time(NULL);
        kc_time_format((int64_t)t * 1000, KC_TIME_SECONDS, now);
        printf("%s %" PRId64 ":%s %s\n", chain ? chain : "audit", seq, hash, now);
        return CLI_EXIT_OK;
    }
    if (strcmp(pos[0], "verify") == 0) {
        struct store_verify rep;
        if ((rc = store_audit_verify(st, &rep, &err))) goto fail;
        if (!rep.first_bad_seq && (rc = store_cli_check_anchors(st, "audit", opts, n, &rep, &err)))
            goto fail;
        store_close(st);
        if (rep.first_bad_seq) {
            fprintf(stderr, "ketaclinic: audit log check FAILED at entry %" PRId64 ": %s "
                    "(%" PRId64 " entries before it are intact)\n", rep.first_bad_seq,
                    rep.reason, rep.checked);
            return CLI_EXIT_FAIL;
        }
        printf("audit log intact: %" PRId64 " entries, hash chain verified\n", rep.checked);
        return CLI_EXIT_OK;
    }
    json_t *arr = fmt == CLI_FORMAT_JSON ? json_array() : NULL;
    struct store_actor who;
    store_cli_actor(opts, n, &who);
    rc = store_audit_list(st, after, limit, print_entry, arr, &err);
    /* reading the log (it names patients and staff) is itself recorded */
    if (!rc) rc = store_audit(st, &who, "read", "AuditLog", "list", "success", NULL, &err);
    if (!rc && arr) {
        char *s = json_dumps(arr, JSON_INDENT(2));
        if (s) puts(s);
        free(s);
    }
    json_decref(arr);
    if (rc) goto fail;
    store_close(st);
    return CLI_EXIT_OK;
fail:
    store_close(st);
    return cli_fail(&err);
}
