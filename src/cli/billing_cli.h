/* billing_cli.h — what `ketaclinic billing` and `ketaclinic report` share: CSV fields, JSON
 * printing, the clinic's fee schedule file, and the account listings. */
#ifndef KC_CLI_BILLING_CLI_H
#define KC_CLI_BILLING_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "cli/cli.h"
#include "clinic/billing.h"
#include "store/store.h"

/* Writes s as one quoted CSV field (quotes doubled); NULL as "". */
void billing_cli_csv(FILE *out, const char *s);
/* Prints j indented, with a newline, to stdout. */
void billing_cli_print_json(const json_t *j);
/* Loads a fee schedule: path NULL gives the built-in default; otherwise a JSON file
 * {"clinic": NAME, "fees": {"96365": "450.00", ...}} applied over the default.  KC_EINVAL / KC_EIO
 * naming the file and the bad code or price. */
int billing_cli_load_fees(const char *path, struct bill_schedule *s, struct kc_error *err);
/* The patient's totals, the entries, the payment plans (patient 0 = all; today NULL = the
 * current UTC date; overdue_only lists only plans with an overdue instalment). */
int billing_cli_balance(struct store *st, const struct store_actor *who, int64_t patient,
                        enum cli_format fmt, struct kc_error *err);
int billing_cli_entries(struct store *st, const struct store_actor *who, int64_t patient,
                        enum cli_format fmt, struct kc_error *err);
int billing_cli_plans(struct store *st, const struct store_actor *who, int64_t patient,
                      const char *today, int overdue_only, enum cli_format fmt,
                      struct kc_error *err);
/* `report inventory`: the book balance of every lot/location as of at (RFC 3339; NULL = now)
 * from the ledger's running balances (report_inventory.c). */
int report_cli_inventory(struct store *st, const struct store_actor *who, const char *at,
                         enum cli_format fmt, struct kc_error *err);
/* The operations report (store_report_operations JSON) as an SVG bar chart of ended sessions
 * per day at path (report_svg.c).  KC_EIO naming the path. */
int report_cli_ops_svg(const json_t *ops, const char *path, struct kc_error *err);
/* Today's UTC date as days from 1970, or the parsed text (KC_EINVAL naming it). */
int billing_cli_today(const char *text, long *day, struct kc_error *err);

#endif
