/* cmd_user.c — `ketaclinic user add NAME --role ROLE [--display TEXT] [--password-stdin]`: staff
 * accounts (a ledger entry or a witness must name an active user). */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/store_cli.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: ketaclinic user add NAME --staff-role ROLE [--display TEXT] "
                 "[--password-stdin]\n"
                 "  --password-stdin reads the password (12-128 characters) from the first line "
                 "of stdin\n" STORE_CLI_USAGE);
}

int cmd_user(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {STORE_CLI_OPTS, {"staff-role", 1, 0, 0, {0}},
                             {"display", 1, 0, 0, {0}}, {"password-stdin", 0, 0, 0, {0}}};
    const size_t n = sizeof opts / sizeof opts[0];
    const char *pos[2];
    int npos = 0, rc;
    char pw[200] = "";
    struct store *st = NULL;
    struct store_actor who;
    if (cli_parse(argc, argv, opts, n, pos, 2, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, n, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (npos != 2 || strcmp(pos[0], "add") != 0) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    int with_pw = cli_get(opts, n, "password-stdin") != NULL;
    if (with_pw) {
        if (!fgets(pw, sizeof pw, stdin)) {
            kc_error_set(&err, KC_EINVAL, "--password-stdin: no password on stdin");
            return cli_fail(&err);
        }
        pw[strcspn(pw, "\r\n")] = '\0';
    }
    store_cli_actor(opts, n, &who);
    if (store_cli_open(opts, n, 0, &st, &err)) {
        sodium_memzero(pw, sizeof pw);
        return cli_fail(&err);
    }
    int64_t id = 0;
    rc = store_user_add(st, &who, pos[1], cli_get(opts, n, "staff-role"),
                        cli_get(opts, n, "display"), with_pw ? pw : NULL, &id, &err);
    sodium_memzero(pw, sizeof pw);
    if (!rc) printf("user %s added (id %" PRId64 ")\n", pos[1], id);
    store_close(st);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
