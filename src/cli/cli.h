/* cli.h — shared pieces of the `ketaclinic` command: the command table, option parsing and
 * output formats.  Each subcommand lives in its own cmd_*.c and is listed in main.c.
 * Exit status: 0 success, 1 a failure while doing the work, 2 bad usage or bad input. */
#ifndef KC_CLI_H
#define KC_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "base/error.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
#define CLI_MAX_REPEAT 32

/* One --option.  takes_value: 0 for a flag.  repeat: may be given more than once. */
struct cli_opt {
    const char *name; /* without the leading dashes */
    int takes_value;
    int repeat;
    /* filled by cli_parse */
    int count;
    const char *values[CLI_MAX_REPEAT];
};

/* Parses argv (after the subcommand words) into opts and positional arguments.  Accepts
 * "--name value" and "--name=value".  An unknown option, a missing value, a repeated
 * non-repeatable option or too many positionals is an error naming it (KC_EINVAL). */
int cli_parse(int argc, char **argv, struct cli_opt *opts, size_t nopts, const char **positional,
              int max_positional, int *npositional, struct kc_error *err);

/* The (last) value of option name, or NULL when it was not given. */
const char *cli_get(const struct cli_opt *opts, size_t nopts, const char *name);
const struct cli_opt *cli_find(const struct cli_opt *opts, size_t nopts, const char *name);

enum cli_format { CLI_FORMAT_TABLE, CLI_FORMAT_CSV, CLI_FORMAT_JSON };
/* Parses "table", "csv" or "json" (NULL means table).  allowed is a bitmask of 1<<format. */
int cli_format_parse(const char *text, unsigned allowed, enum cli_format *out,
                     struct kc_error *err);

/* Prints "ketaclinic: <msg>" to stderr and returns CLI_EXIT_USAGE (for bad input) or
 * CLI_EXIT_FAIL (for other failures), chosen from err->code. */
int cli_fail(const struct kc_error *err);

/* Subcommands (each in cmd_<name>.c). */
int cmd_pk(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_protocol(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_dose(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_course(int argc, char **argv);
int cmd_vitals(int argc, char **argv);
int cmd_outcome(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_patient(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_billing(int argc, char **argv); /* cmd_billing.c (issue 10) */
int cmd_rems(int argc, char **argv); /* cmd_rems.c (issue 10) */
int cmd_report(int argc, char **argv); /* cmd_report.c (issue 10) */
int cmd_user(int argc, char **argv);
int cmd_hl7(int argc, char **argv); /* cmd_hl7.c (issue 9) */

#endif
