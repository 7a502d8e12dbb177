/* store_cli.c — shared pieces of the record-keeping subcommands (see store_cli.h). */
#include "cli/store_cli.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/quantity.h"

int store_cli_open(const struct cli_opt *opts, size_t n, int no_migrate, struct store **st,
                   struct kc_error *err)
{
    struct store_options o = {cli_get(opts, n, "db"), cli_get(opts, n, "audit-key"), no_migrate};
    return store_open(&o, st, err);
}

void store_cli_actor(const struct cli_opt *opts, size_t n, struct store_actor *who)
{
    const char *user = cli_get(opts, n, "user");
    if (!user || !*user) user = getenv("KC_USER");
    if (!user || !*user) user = getenv("USER");
    if (!user || !*user) user = "cli";
    const char *role = cli_get(opts, n, "role");
    *who = (struct store_actor){user, (role && *role) ? role : "operator", "cli"};
}

int store_cli_parse_ug(const char *opt, const char *text, int allow_negative, int64_t *ug,
                       struct kc_error *err)
{
    double mg;
    int neg = 0;
    if (!text) return kc_error_set(err, KC_EINVAL, "--%s is required", opt);
    if (allow_negative && text[0] == '-') {
        neg = 1;
        text++;
    }
    if (kc_quantity_parse_as(text, KC_DIM_MASS, &mg, err))
        return kc_error_prefix(err, "--%s", opt);
    double v = mg * 1000.0;
    double r = nearbyint(v);
    if (fabs(v - r) > 1e-6 * fmax(1.0, fabs(v)))
        return kc_error_set(err, KC_EINVAL, "--%s '%s': not a whole number of micrograms", opt,
                            text);
    if (r > 1e13) return kc_error_set(err, KC_ERANGE, "--%s '%s' is too large", opt, text);
    *ug = neg ? -(int64_t)r : (int64_t)r;
    return KC_OK;
}

void store_cli_fmt_mg(int64_t ug, char out[32])
{
    uint64_t a = ug < 0 ? (uint64_t)0 - (uint64_t)ug : (uint64_t)ug;
    snprintf(out, 32, "%s%" PRIu64 ".%03" PRIu64, ug < 0 ? "-" : "", a / 1000, a % 1000);
}

int store_cli_check_anchors(struct store *st, const char *chain, const struct cli_opt *opts,
                            size_t n, struct store_verify *rep, struct kc_error *err)
{
    const struct cli_opt *o = cli_find(opts, n, "anchor");
    for (int i = 0; o && i < o->count; i++) {
        const char *v = o->values[i], *colon = strchr(v, ':');
        char num[24];
        long seq = 0;
        if (!colon || colon == v || (size_t)(colon - v) >= sizeof num)
            return kc_error_set(err, KC_EINVAL, "--anchor '%s': expected SEQ:HASH", v);
        snprintf(num, sizeof num, "%.*s", (int)(colon - v), v);
        if (kc_parse_long(num, 1, INT64_MAX, &seq, err)) return kc_error_prefix(err, "--anchor");
        int rc = store_chain_check_anchor(st, chain, seq, colon + 1, rep, err);
        if (rc) return kc_error_prefix(err, "--anchor '%s'", v);
        if (rep->first_bad_seq) return KC_OK;
    }
    return KC_OK;
}
