/* cmd_db.c — `ketaclinic db status|migrate [--db URL]`: the schema version of the database and
 * the one this binary knows; migrate applies the pending versions (all or nothing). */
#include <stdio.h>
#include <string.h>

#include "cli/store_cli.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: ketaclinic db status [--db URL] [--format table|json]\n"
                 "       ketaclinic db migrate [--db URL]\n"
                 "       ketaclinic db grant ROLE --db postgres://OWNER@...   (PostgreSQL: least "
                 "privilege for the\n"
                 "              application role; SELECT/INSERT only on the audit log and ledger)\n"
                 STORE_CLI_USAGE);
}

int cmd_db(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {STORE_CLI_OPTS, {"format", 1, 0, 0, {0}}};
    const size_t n = sizeof opts / sizeof opts[0];
    const char *pos[2];
    int npos = 0, cur = 0, known = 0, applied = 0;
    enum cli_format fmt;
    struct store *st = NULL;
    if (cli_parse(argc, argv, opts, n, pos, 2, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, n, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    int grant = npos == 2 && strcmp(pos[0], "grant") == 0;
    if (!grant && (npos != 1 || (strcmp(pos[0], "status") != 0 &&
                                 strcmp(pos[0], "migrate") != 0))) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (grant) {
        if (store_cli_open(opts, n, 0, &st, &err)) return cli_fail(&err);
        int rc = store_pg_grant_app_role(st, pos[1], &err);
        store_close(st);
        if (rc) return cli_fail(&err);
        printf("role %s may now use the clinic database (audit log and ledger: SELECT, INSERT "
               "only)\n", pos[1]);
        return CLI_EXIT_OK;
    }
    if (cli_format_parse(cli_get(opts, n, "format"), 1u | 4u, &fmt, &err)) return cli_fail(&err);
    int migrate = strcmp(pos[0], "migrate") == 0;
    if (store_cli_open(opts, n, 1, &st, &err)) return cli_fail(&err);
    int rc = store_schema_version(st, &cur, &known, &err);
    if (!rc && migrate) {
        rc = store_migrate(st, &applied, &err);
        if (!rc) rc = store_schema_version(st, &cur, &known, &err);
    }
    if (rc) {
        store_close(st);
        return cli_fail(&err);
    }
    if (migrate) printf("applied %d migration(s); schema version %d\n", applied, cur);
    else if (fmt == CLI_FORMAT_JSON)
        printf("{\"backend\": \"%s\", \"schema_version\": %d, \"known_version\": %d, "
               "\"pending\": %d}\n", store_backend(st), cur, known, known - cur);
    else
        printf("backend %s\nschema version %d (this ketaclinic knows up to %d)\n%s\n",
               store_backend(st), cur, known,
               cur == known ? "up to date" : "migrations pending: run 'ketaclinic db migrate'");
    store_close(st);
    return CLI_EXIT_OK;
}
