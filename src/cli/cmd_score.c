/* cmd_score.c — `ketaclinic score SCALE ITEMS [--baseline N [--responded-before]]
 * [--protocol FILE] [--format json]` and `ketaclinic score list`. */
#include <stdio.h>
#include <string.h>

#include "base/quantity.h"
#include "cli/cli.h"
#include "cli/clinic_cli.h"
#include "clinic/scale.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: ketaclinic score SCALE ITEMS [--baseline N [--responded-before]]\n"
                 "                        [--protocol FILE] [--format table|json]\n"
                 "       ketaclinic score list\n"
                 "ITEMS: comma-separated item scores in order, '-' for an item not asked\n"
                 "(C-SSRS items 3-5 when item 2 is no; C-SSRS item 6: 0 no, 1 yes >3 months ago,\n"
                 "2 yes within 3 months).\n");
}

static int list(void)
{
    printf("%-8s %-24s %5s %9s %-6s %s\n", "key", "scale", "items", "total", "text", "source");
    for (int i = 0; i < scale_table_len; i++) {
        const struct scale_def *d = scale_table[i];
        char tot[24] = "-";
        if (d->rule != SCALE_RULE_CSSRS) snprintf(tot, sizeof tot, "%d-%d", d->total_min, d->total_max);
        printf("%-8s %-24s %5d %9s %-6s %s\n", d->key, d->name, d->n_items, tot,
               d->item_text ? "yes" : "no", d->source);
    }
    return CLI_EXIT_OK;
}

static json_t *result_json(const struct scale_result *r, const struct scale_change *c)
{
    const struct scale_def *d = r->def;
    json_t *items = json_array(), *subs = json_object();
    for (int i = 0; i < r->n_items; i++) {
        json_t *it = json_pack("{s:i}", "n", i + 1);
        if (r->items[i] == SCALE_ITEM_SKIPPED) json_object_set_new(it, "score", json_null());
        else json_object_set_new(it, "score", json_integer(r->items[i]));
        if (d->item_text) json_object_set_new(it, "text", json_string(d->item_text[i]));
        if (d->item_loinc) json_object_set_new(it, "loinc", json_string(d->item_loinc[i]));
        json_array_append_new(items, it);
    }
    for (int i = 0; i < r->n_sub; i++)
        json_object_set_new(subs, r->sub[i].name, json_integer(r->sub[i].value));
    json_t *o = json_pack("{s:s, s:s, s:o}", "scale", d->key, "name", d->name, "items", items);
    json_object_set_new(o, "total", r->has_total ? json_integer(r->total) : json_null());
    json_object_set_new(o, "band", r->band ? json_string(r->band) : json_null());
    if (d->total_loinc) json_object_set_new(o, "total_loinc", json_string(d->total_loinc));
    if (d->panel_loinc) json_object_set_new(o, "panel_loinc", json_string(d->panel_loinc));
    if (r->n_sub) json_object_set_new(o, "subscores", subs);
    else json_decref(subs);
    if (r->provisional_dx >= 0)
        json_object_set_new(o, "provisional_ptsd", json_boolean(r->provisional_dx));
    if (d->rule == SCALE_RULE_CSSRS)
        json_object_set_new(o, "risk", json_string(scale_risk_name(r->risk)));
    if (r->pass >= 0) json_object_set_new(o, "discharge_pass", json_boolean(r->pass));
    json_object_set_new(o, "safety_alert", json_boolean(r->safety_alert));
    json_object_set_new(o, "blocking", json_boolean(r->safety_alert));
    if (r->safety_alert) json_object_set_new(o, "alert", json_string(r->alert));
    json_object_set_new(o, "source", json_string(d->source));
    if (c) {
        json_t *ch = json_pack("{s:i, s:i, s:f, s:f, s:b, s:b, s:s, s:b, s:s}", "baseline",
                               c->baseline, "current", c->current, "drop_points", c->drop_points,
                               "drop_pct", c->drop_pct, "response", c->response, "partial",
                               c->partial, "response_definition", c->response_def, "relapse",
                               c->relapse, "relapse_definition", c->relapse_def);
        json_object_set_new(ch, "remission",
                            c->remission < 0 ? json_null() : json_boolean(c->remission));
        if (c->remission >= 0)
            json_object_set_new(ch, "remission_definition", json_string(c->remission_def));
        json_object_set_new(ch, "protocol", clinic_cli_trace_json(&c->trace));
        json_object_set_new(o, "change", ch);
    }
    json_object_set_new(o, "protocol", clinic_cli_trace_json(&r->trace));
    return o;
}

static void result_print(const struct scale_result *r, const struct scale_change *c)
{
    const struct scale_def *d = r->def;
    printf("%s\n", d->name);
    for (int i = 0; i < r->n_items; i++) {
        if (r->items[i] == SCALE_ITEM_SKIPPED) printf("  %2d  -  (not asked)", i + 1);
        else printf("  %2d  %d", i + 1, r->items[i]);
        if (d->item_text) printf("  %s", d->item_text[i]);
        printf("\n");
    }
    if (r->has_total)
        printf("total: %d of %d-%d%s%s\n", r->total, d->total_min, d->total_max,
               r->band ? "  band: " : "", r->band ? r->band : "");
    for (int i = 0; i < r->n_sub; i++)
        printf("  %-28s %d / %d\n", r->sub[i].name, r->sub[i].value, r->sub[i].max);
    if (r->provisional_dx >= 0)
        printf("DSM-5 cluster rule: %s\n", r->provisional_dx ? "met (provisional PTSD)" : "not met");
    if (d->rule == SCALE_RULE_CSSRS) printf("risk: %s\n", scale_risk_name(r->risk));
    if (r->pass >= 0) printf("discharge pass mark: %s\n", r->pass ? "met" : "NOT met");
    if (r->safety_alert) printf("SAFETY ALERT (blocking): %s\n", r->alert);
    if (c) {
        printf("change from baseline %d: %+.0f points (%.1f%% drop)\n", c->baseline,
               -c->drop_points, c->drop_pct);
        printf("  response: %s  [%s]\n", c->response ? "yes" : (c->partial ? "partial" : "no"),
               c->response_def);
        if (c->remission >= 0)
            printf("  remission: %s  [%s]\n", c->remission ? "yes" : "no", c->remission_def);
        printf("  relapse: %s  [%s]\n", c->relapse ? "yes" : "no", c->relapse_def);
        clinic_cli_trace_print(stdout, &c->trace);
    }
    printf("source: %s\n", d->source);
    clinic_cli_trace_print(stdout, &r->trace);
}

int cmd_score(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {{"format", 1, 0, 0, {0}},   {"protocol", 1, 0, 0, {0}},
                             {"baseline", 1, 0, 0, {0}}, {"responded-before", 0, 0, 0, {0}},
                             {"help", 0, 0, 0, {0}}};
    const size_t nopts = sizeof opts / sizeof opts[0];
    const char *pos[2];
    int npos = 0, items[SCALE_MAX_ITEMS], n = 0;
    enum cli_format fmt;
    struct protocol p;
    struct scale_result r;
    struct scale_change c;
    int have_change = 0;
    if (cli_parse(argc, argv, opts, nopts, pos, 2, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, nopts, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (npos == 1 && strcmp(pos[0], "list") == 0) return list();
    if (npos != 2) {
        kc_error_set(&err, KC_EINVAL, "score: expected SCALE ITEMS, e.g. 'score phq9 1,2,0,3,1,0,2,1,0' "
                                      "(see --help)");
        return cli_fail(&err);
    }
    if (cli_format_parse(cli_get(opts, nopts, "format"), 1u | 4u, &fmt, &err))
        return cli_fail(&err);
    const struct scale_def *def = scale_find(pos[0]);
    if (!def) {
        kc_error_set(&err, KC_ENOTFOUND, "unknown scale '%s' (see 'ketaclinic score list')",
                     pos[0]);
        return cli_fail(&err);
    }
    if (clinic_cli_load_protocol(cli_get(opts, nopts, "protocol"), &p, &err))
        return cli_fail(&err);
    if (scale_parse_items(pos[1], items, SCALE_MAX_ITEMS, &n, &err) ||
        scale_score(&p, def, items, n, &r, &err))
        return cli_fail(&err);
    const char *bl = cli_get(opts, nopts, "baseline");
    if (bl) {
        long b;
        if (kc_parse_long(bl, def->total_min, def->total_max, &b, &err)) {
            kc_error_prefix(&err, "--baseline");
            return cli_fail(&err);
        }
        if (!r.has_total) {
            kc_error_set(&err, KC_EUNSUPPORTED, "%s has no total to compare", def->name);
            return cli_fail(&err);
        }
        if (scale_compare(&p, def, (int)b, r.total, cli_get(opts, nopts, "responded-before") != NULL,
                          &c, &err))
            return cli_fail(&err);
        have_change = 1;
    } else if (cli_get(opts, nopts, "responded-before")) {
        kc_error_set(&err, KC_EINVAL, "--responded-before needs --baseline");
        return cli_fail(&err);
    }
    if (fmt == CLI_FORMAT_JSON) {
        json_t *o = result_json(&r, have_change ? &c : NULL);
        int rc = clinic_cli_print_json(stdout, o);
        json_decref(o);
        return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    result_print(&r, have_change ? &c : NULL);
    return CLI_EXIT_OK;
}
