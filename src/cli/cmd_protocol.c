/* cmd_protocol.c — `ketaclinic protocol show [--protocol FILE] [--format json]` lists the protocol
 * table in force; `ketaclinic protocol check FILE` validates a clinic override file. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/clinic_cli.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: ketaclinic protocol show [--protocol FILE] [--format table|json]\n"
                 "       ketaclinic protocol check FILE [--format table|json]\n");
}

static int show(const struct protocol *p, enum cli_format fmt)
{
    if (fmt == CLI_FORMAT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < protocol_table_len; i++) {
            const struct protocol_entry *e = &protocol_table[i];
            json_array_append_new(
                arr, json_pack("{s:s, s:f, s:s, s:f, s:f, s:f, s:b, s:s, s:s}", "key", e->key,
                               "value", p->value[i], "unit", e->unit, "default", e->value,
                               "safe_min", e->safe_min, "safe_max", e->safe_max, "overridden",
                               p->overridden[i], "source", e->source, "confidence",
                               e->confidence));
        }
        json_t *root = json_pack("{s:s, s:o}", "version", p->version, "entries", arr);
        int rc = clinic_cli_print_json(stdout, root);
        json_decref(root);
        return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    printf("protocol %s (%zu entries)\n", p->version, protocol_table_len);
    printf("%-38s %10s %-8s %-17s %-7s %s\n", "entry", "value", "unit", "safe range", "conf",
           "source");
    for (size_t i = 0; i < protocol_table_len; i++) {
        const struct protocol_entry *e = &protocol_table[i];
        char range[40];
        snprintf(range, sizeof range, "%g-%g", e->safe_min, e->safe_max);
        printf("%-38s %9g%s %-8s %-17s %-7s %s\n", e->key, p->value[i],
               p->overridden[i] ? "*" : " ", e->unit, range, e->confidence, e->source);
    }
    printf("(* = clinic override)\n");
    return CLI_EXIT_OK;
}

int cmd_protocol(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {{"format", 1, 0, 0, {0}}, {"protocol", 1, 0, 0, {0}},
                             {"help", 0, 0, 0, {0}}};
    const size_t nopts = sizeof opts / sizeof opts[0];
    const char *pos[2];
    int npos = 0;
    enum cli_format fmt;
    struct protocol p;
    if (cli_parse(argc, argv, opts, nopts, pos, 2, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, nopts, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (cli_format_parse(cli_get(opts, nopts, "format"), 1u | 4u, &fmt, &err))
        return cli_fail(&err);
    if (npos < 1) {
        kc_error_set(&err, KC_EINVAL, "protocol: expected 'show' or 'check FILE' (see --help)");
        return cli_fail(&err);
    }
    if (strcmp(pos[0], "show") == 0) {
        if (npos != 1) {
            kc_error_set(&err, KC_EINVAL, "protocol show: unexpected argument '%s'", pos[1]);
            return cli_fail(&err);
        }
        if (clinic_cli_load_protocol(cli_get(opts, nopts, "protocol"), &p, &err))
            return cli_fail(&err);
        return show(&p, fmt);
    }
    if (strcmp(pos[0], "check") == 0) {
        if (npos != 2) {
            kc_error_set(&err, KC_EINVAL, "protocol check: needs one FILE");
            return cli_fail(&err);
        }
        if (clinic_cli_load_protocol(pos[1], &p, &err)) return cli_fail(&err);
        size_t n = 0;
        for (size_t i = 0; i < protocol_table_len; i++) n += p.overridden[i];
        if (fmt == CLI_FORMAT_JSON) {
            json_t *over = json_object();
            for (size_t i = 0; i < protocol_table_len; i++)
                if (p.overridden[i])
                    json_object_set_new(over, protocol_table[i].key, json_real(p.value[i]));
            json_t *root = json_pack("{s:b, s:s, s:o}", "ok", 1, "version", p.version,
                                     "overrides", over);
            int rc = clinic_cli_print_json(stdout, root);
            json_decref(root);
            return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
        }
        printf("%s: ok, protocol %s, %zu override%s within safe ranges\n", pos[1], p.version, n,
               n == 1 ? "" : "s");
        for (size_t i = 0; i < protocol_table_len; i++)
            if (p.overridden[i])
                printf("  %-38s %g %s (default %g)\n", protocol_table[i].key, p.value[i],
                       protocol_table[i].unit, protocol_table[i].value);
        return CLI_EXIT_OK;
    }
    kc_error_set(&err, KC_EINVAL, "protocol: unknown action '%s' (expected show or check)",
                 pos[0]);
    return cli_fail(&err);
}
