/* cmd_restore.c — `ketaclinic restore FILE`: a backup made by `ketaclinic backup` into an empty
 * database (refused otherwise).  The audit key must be the one the backup was made with. */
#include <stdio.h>

#include "cli/store_cli.h"

int cmd_restore(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {STORE_CLI_OPTS};
    const size_t n = sizeof opts / sizeof opts[0];
    const char *pos[1];
    int npos = 0;
    struct store *st = NULL;
    struct store_actor who;
    if (cli_parse(argc, argv, opts, n, pos, 1, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, n, "help") || npos != 1) {
        fprintf(npos != 1 ? stderr : stdout, "usage: ketaclinic restore FILE [--db URL]\n"
                STORE_CLI_USAGE);
        return npos != 1 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    store_cli_actor(opts, n, &who);
    if (store_cli_open(opts, n, 1, &st, &err)) return cli_fail(&err);
    int rc = store_restore(st, &who, pos[0], &err);
    if (!rc) printf("restored %s into the %s database\n", pos[0], store_backend(st));
    store_close(st);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
