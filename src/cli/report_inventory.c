/* report_inventory.c — `ketaclinic report inventory`: the perpetual (book) balance of every lot at
 * every location as of a time, for the initial and biennial inventory (21 CFR 1304.11: a complete
 * count at least every 2 years; clinical.md §6) to be compared with the physical count. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/billing_cli.h"
#include "cli/store_cli.h"

#define INV_MAX 1024
struct inv {
    int n;
    struct {
        char drug[16], lot[64], location[64];
        int64_t ug;
    } row[INV_MAX];
    struct kc_error *err;
};

static int put(struct inv *v, const char *drug, const char *lot, const char *loc, int64_t ug)
{
    for (int i = 0; i < v->n; i++)
        if (!strcmp(v->row[i].drug, drug) && !strcmp(v->row[i].lot, lot) &&
            !strcmp(v->row[i].location, loc))
            return (v->row[i].ug = ug), 0;
    if (v->n >= INV_MAX)
        return kc_error_set(v->err, KC_ELIMIT, "inventory: more than %d lot/locations", INV_MAX);
    snprintf(v->row[v->n].drug, sizeof v->row[v->n].drug, "%s", drug);
    snprintf(v->row[v->n].lot, sizeof v->row[v->n].lot, "%s", lot);
    snprintf(v->row[v->n].location, sizeof v->row[v->n].location, "%s", loc);
    v->row[v->n++].ug = ug;
    return 0;
}

/* entries oldest first: the last running balance of each lot/location is its book balance */
static int entry(void *ctx, const struct store_ledger_row *r)
{
    struct inv *v = ctx;
    int rc = put(v, r->ev.drug, r->ev.lot, r->ev.location, r->balance_after_ug);
    if (!rc && r->ev.kind == LEDGER_TRANSFER && r->ev.to_location)
        rc = put(v, r->ev.drug, r->ev.lot, r->ev.to_location, r->to_balance_after_ug);
    return rc;
}

int report_cli_inventory(struct store *st, const struct store_actor *who, const char *at,
                         enum cli_format fmt, struct kc_error *err)
{
    static struct inv v;
    memset(&v, 0, sizeof v);
    v.err = err;
    int rc = store_ledger_entries(st, NULL, at, entry, &v, err);
    if (!rc) rc = store_audit(st, who, "read", "LedgerReport", "inventory", "success", at, err);
    if (rc) return rc;
    json_t *arr = json_array();
    if (fmt == CLI_FORMAT_CSV) printf("drug,lot,location,balance_ug\n");
    if (fmt == CLI_FORMAT_TABLE)
        printf("book inventory as of %s\n%-11s %-16s %-12s %17s\n", at ? at : "now", "drug", "lot",
               "location", "balance");
    for (int i = 0; i < v.n; i++) {
        char mg[32];
        store_cli_fmt_mg(v.row[i].ug, mg);
        if (fmt == CLI_FORMAT_JSON)
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I}", "drug", v.row[i].drug,
                                                 "lot", v.row[i].lot, "location",
                                                 v.row[i].location, "balance_ug",
                                                 (json_int_t)v.row[i].ug));
        else if (fmt == CLI_FORMAT_CSV) {
            printf("%s,", v.row[i].drug);
            billing_cli_csv(stdout, v.row[i].lot), putchar(',');
            billing_cli_csv(stdout, v.row[i].location);
            printf(",%" PRId64 "\n", v.row[i].ug);
        } else {
            printf("%-11s %-16s %-12s %14s mg\n", v.row[i].drug, v.row[i].lot, v.row[i].location,
                   mg);
        }
    }
    if (fmt == CLI_FORMAT_JSON) billing_cli_print_json(arr);
    json_decref(arr);
    return 0;
}
