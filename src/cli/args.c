/* args.c — option parsing and error reporting shared by the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static struct cli_opt *lookup(struct cli_opt *opts, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return &opts[i];
    return NULL;
}

int cli_parse(int argc, char **argv, struct cli_opt *opts, size_t nopts, const char **positional,
              int max_positional, int *npositional, struct kc_error *err)
{
    int npos = 0;
    for (size_t i = 0; i < nopts; i++) opts[i].count = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (npos >= max_positional)
                return kc_error_set(err, KC_EINVAL, "unexpected argument '%s'", a);
            if (positional) positional[npos] = a;
            npos++;
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        struct cli_opt *o = lookup(opts, nopts, name, len);
        if (!o) return kc_error_set(err, KC_EINVAL, "unknown option '--%.*s'", (int)len, name);
        const char *val = NULL;
        if (o->takes_value) {
            if (eq) val = eq + 1;
            else if (i + 1 < argc) val = argv[++i];
            else return kc_error_set(err, KC_EINVAL, "option '--%s' needs a value", o->name);
        } else if (eq) {
            return kc_error_set(err, KC_EINVAL, "option '--%s' takes no value", o->name);
        }
        if (o->count > 0 && !o->repeat)
            return kc_error_set(err, KC_EINVAL, "option '--%s' given more than once", o->name);
        if (o->count >= CLI_MAX_REPEAT)
            return kc_error_set(err, KC_ELIMIT, "option '--%s' given more than %d times", o->name,
                                CLI_MAX_REPEAT);
        o->values[o->count++] = val ? val : "";
    }
    if (npositional) *npositional = npos;
    return KC_OK;
}

const struct cli_opt *cli_find(const struct cli_opt *opts, size_t nopts, const char *name)
{
    for (size_t i = 0; i < nopts; i++)
        if (strcmp(opts[i].name, name) == 0) return &opts[i];
    return NULL;
}

const char *cli_get(const struct cli_opt *opts, size_t nopts, const char *name)
{
    const struct cli_opt *o = cli_find(opts, nopts, name);
    return (o && o->count > 0) ? o->values[o->count - 1] : NULL;
}

int cli_format_parse(const char *text, unsigned allowed, enum cli_format *out,
                     struct kc_error *err)
{
    static const char *names[] = {"table", "csv", "json"};
    if (!text) {
        *out = CLI_FORMAT_TABLE;
        return KC_OK;
    }
    for (int f = 0; f < 3; f++)
        if (strcmp(text, names[f]) == 0 && (allowed & (1u << f))) {
            *out = (enum cli_format)f;
            return KC_OK;
        }
    return kc_error_set(err, KC_EINVAL, "--format '%s': expected %s%s%s", text,
                        (allowed & 1) ? "table " : "", (allowed & 2) ? "csv " : "",
                        (allowed & 4) ? "json" : "");
}

int cli_fail(const struct kc_error *err)
{
    fprintf(stderr, "ketaclinic: %s\n", err->msg[0] ? err->msg : kc_status_name(err->code));
    switch (err->code) {
    case KC_EINVAL:
    case KC_ERANGE:
    case KC_ENOTFOUND:
    case KC_EUNSUPPORTED: return CLI_EXIT_USAGE;
    default: return CLI_EXIT_FAIL;
    }
}
