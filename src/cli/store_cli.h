/* store_cli.h — what the record-keeping subcommands (db, audit, ledger, patient, user, backup,
 * restore) share: the --db/--audit-key/--user/--role options, opening the store, the actor for
 * the audit log, and micrograms written as milligrams. */
#ifndef KC_CLI_STORE_CLI_H
#define KC_CLI_STORE_CLI_H

#include <stdint.h>

#include "cli/cli.h"
#include "store/store.h"

/* Put these first in a subcommand's option table. */
#define STORE_CLI_OPTS                                                                            \
    {"db", 1, 0, 0, {0}}, {"audit-key", 1, 0, 0, {0}}, {"user", 1, 0, 0, {0}},                    \
        {"role", 1, 0, 0, {0}}, {"help", 0, 0, 0, {0}}
#define STORE_CLI_USAGE                                                                           \
    "common options: --db URL (sqlite path or postgres://...; default $KC_DB or "                \
    "var/ketaclinic.db)\n"                                                                        \
    "  --audit-key FILE (default $KC_AUDIT_KEY or audit.key beside the database)\n"             \
    "  --user NAME --role ROLE (who is acting, for the audit log; default $KC_USER or $USER, "   \
    "role operator)\n"

/* Opens the store named by --db / --audit-key (migrating unless no_migrate). */
int store_cli_open(const struct cli_opt *opts, size_t n, int no_migrate, struct store **st,
                   struct kc_error *err);
/* The actor from --user/--role ($KC_USER, $USER, "cli"; role "operator"), source "cli". */
void store_cli_actor(const struct cli_opt *opts, size_t n, struct store_actor *who);

/* "35mg", "500 ug", "0.5g" → integer micrograms; allow_negative for adjustments ("-2mg").
 * KC_EINVAL naming the option when not a mass or not a whole number of micrograms. */
int store_cli_parse_ug(const char *opt, const char *text, int allow_negative, int64_t *ug,
                       struct kc_error *err);
/* Checks every --anchor SEQ:HASH (from `ketaclinic audit head`) against chain; the first that
 * fails fills rep.  KC_EINVAL for a malformed anchor. */
int store_cli_check_anchors(struct store *st, const char *chain, const struct cli_opt *opts,
                            size_t n, struct store_verify *rep, struct kc_error *err);

/* Writes ug as milligrams with three decimals ("35.000"), exactly. */
void store_cli_fmt_mg(int64_t ug, char out[32]);

#endif
