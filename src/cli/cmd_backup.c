/* cmd_backup.c — `ketaclinic backup FILE`: a consistent copy of the database while the clinic
 * runs (SQLite online backup API; pg_dump for PostgreSQL).  Refuses to overwrite FILE. */
#include <stdio.h>

#include "cli/store_cli.h"

int cmd_backup(int argc, char **argv)
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
        fprintf(npos != 1 ? stderr : stdout, "usage: ketaclinic backup FILE [--db URL]\n"
                STORE_CLI_USAGE);
        return npos != 1 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    store_cli_actor(opts, n, &who);
    if (store_cli_open(opts, n, 0, &st, &err)) return cli_fail(&err);
    int rc = store_backup(st, &who, pos[0], &err);
    if (!rc) printf("backup of the %s database written to %s\n", store_backend(st), pos[0]);
    store_close(st);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
