/* scale.c — scoring rules for the scales in scale_table.c: sums, QIDS-SR16 domains, PCL-5
 * clusters, C-SSRS branching and triage, bands, safety alerts, response/remission/relapse. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/scale.h"

const struct scale_def *scale_find(const char *key)
{
    for (int i = 0; key && i < scale_table_len; i++)
        if (strcmp(scale_table[i]->key, key) == 0) return scale_table[i];
    return NULL;
}

int scale_item_max(const struct scale_def *def, int i)
{
    return def->item_max_each ? def->item_max_each[i] : def->item_max;
}

const char *scale_risk_name(enum scale_risk r)
{
    switch (r) {
    case SCALE_RISK_LOW: return "low";
    case SCALE_RISK_MODERATE: return "moderate";
    case SCALE_RISK_HIGH: return "high";
    default: return "none";
    }
}

int scale_parse_items(const char *text, int *items, int max, int *n, struct kc_error *err)
{
    int count = 0;
    const char *s = text;
    if (!text || !*text) return kc_error_set(err, KC_EINVAL, "no item scores given");
    for (;;) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char tok[16];
        if (count >= max)
            return kc_error_set(err, KC_EINVAL, "more than %d item scores given", max);
        if (len == 0 || len >= sizeof tok)
            return kc_error_set(err, KC_EINVAL, "item %d: '%.*s' is not a whole number", count + 1,
                                (int)(len > 20 ? 20 : len), s);
        memcpy(tok, s, len);
        tok[len] = '\0';
        if (strcmp(tok, "-") == 0) {
            items[count++] = SCALE_ITEM_SKIPPED;
        } else {
            char *ep;
            errno = 0;
            long v = strtol(tok, &ep, 10);
            if (*ep || errno || ep == tok || v < -1000 || v > 1000)
                return kc_error_set(err, KC_EINVAL, "item %d: '%s' is not a whole number",
                                    count + 1, tok);
            items[count++] = (int)v;
        }
        if (!end) break;
        s = end + 1;
    }
    *n = count;
    return KC_OK;
}

static const char *band_of(const struct scale_def *def, int total)
{
    for (int i = 0; i < def->n_bands; i++)
        if (total >= def->bands[i].lo && total <= def->bands[i].hi) return def->bands[i].label;
    return NULL;
}

static void add_sub(struct scale_result *r, const char *name, int value, int max)
{
    if (r->n_sub < SCALE_MAX_SUB) r->sub[r->n_sub++] = (struct scale_sub){name, value, max};
}

static int max_of(const int *v, int from, int to) /* 1-based inclusive item numbers */
{
    int m = v[from - 1];
    for (int i = from; i < to; i++)
        if (v[i] > m) m = v[i];
    return m;
}

/* QIDS-SR16 domains (Rush 2003): sleep = max(1-4), mood 5, appetite/weight = max(6-9),
 * concentration 10, self-view 11, suicidality 12, interest 13, energy 14,
 * psychomotor = max(15-16). */
static void score_qids(struct scale_result *r)
{
    const int *v = r->items;
    add_sub(r, "sleep", max_of(v, 1, 4), 3);
    add_sub(r, "sad mood", v[4], 3);
    add_sub(r, "appetite/weight", max_of(v, 6, 9), 3);
    add_sub(r, "concentration", v[9], 3);
    add_sub(r, "view of self", v[10], 3);
    add_sub(r, "suicidal ideation", v[11], 3);
    add_sub(r, "interest", v[12], 3);
    add_sub(r, "energy", v[13], 3);
    add_sub(r, "psychomotor", max_of(v, 15, 16), 3);
    r->total = 0;
    for (int i = 0; i < r->n_sub; i++) r->total += r->sub[i].value;
}

/* PCL-5 DSM-5 rule (NCPTSD): an item >=2 is endorsed; need >=1 B (1-5), >=1 C (6-7),
 * >=2 D (8-14), >=2 E (15-20).  Cluster scores are sums. */
static void score_pcl5(struct scale_result *r)
{
    static const struct {
        const char *name;
        int from, to, need;
    } cl[] = {{"B intrusion", 1, 5, 1},
              {"C avoidance", 6, 7, 1},
              {"D negative cognitions/mood", 8, 14, 2},
              {"E arousal/reactivity", 15, 20, 2}};
    int dx = 1;
    for (int c = 0; c < 4; c++) {
        int sum = 0, endorsed = 0;
        for (int i = cl[c].from; i <= cl[c].to; i++) {
            sum += r->items[i - 1];
            endorsed += r->items[i - 1] >= 2;
        }
        add_sub(r, cl[c].name, sum, 4 * (cl[c].to - cl[c].from + 1));
        if (endorsed < cl[c].need) dx = 0;
    }
    r->provisional_dx = dx;
}

/* C-SSRS screener triage (Columbia; clinical.md s4): Q1-2 low; Q3 or lifetime-only Q6
 * moderate; Q4, Q5 or Q6 within 3 months high -> immediate evaluation and safety precautions. */
static enum scale_risk cssrs_risk(const int *v)
{
    if (v[3] == 1 || v[4] == 1 || v[5] == 2) return SCALE_RISK_HIGH;
    if (v[2] == 1 || v[5] == 1) return SCALE_RISK_MODERATE;
    if (v[0] == 1 || v[1] == 1) return SCALE_RISK_LOW;
    return SCALE_RISK_NONE;
}

static int check_items(const struct scale_def *def, const int *items, int n_items,
                       struct kc_error *err)
{
    if (n_items != def->n_items)
        return kc_error_set(err, KC_EINVAL, "%s needs %d item scores, got %d", def->name,
                            def->n_items, n_items);
    for (int i = 0; i < n_items; i++) {
        int v = items[i], hi = scale_item_max(def, i);
        if (v == SCALE_ITEM_SKIPPED) {
            /* C-SSRS: Q3-Q5 are asked only when Q2 (active thoughts) is yes */
            if (def->rule == SCALE_RULE_CSSRS && i >= 2 && i <= 4 && items[1] == 0) continue;
            if (def->rule == SCALE_RULE_CSSRS && i >= 2 && i <= 4)
                return kc_error_set(err, KC_EINVAL,
                                    "%s item %d is missing: it must be asked when item 2 is yes",
                                    def->name, i + 1);
            return kc_error_set(err, KC_EINVAL, "%s item %d is missing (no prorating)",
                                def->name, i + 1);
        }
        if (v < def->item_min || v > hi)
            return kc_error_set(err, KC_EINVAL, "%s item %d: %d is outside %d-%d", def->name,
                                i + 1, v, def->item_min, hi);
        if (def->rule == SCALE_RULE_CSSRS && i >= 2 && i <= 4 && items[1] == 0 && v != 0)
            return kc_error_set(err, KC_EINVAL,
                                "%s item %d: answered yes although item 2 is no (item 2 = no "
                                "skips items 3-5)",
                                def->name, i + 1);
    }
    return KC_OK;
}

int scale_score(const struct protocol *p, const struct scale_def *def, const int *items,
                int n_items, struct scale_result *out, struct kc_error *err)
{
    struct scale_result r;
    int rc = check_items(def, items, n_items, err);
    if (rc) return rc;
    memset(&r, 0, sizeof r);
    r.def = def;
    r.n_items = n_items;
    memcpy(r.items, items, sizeof(int) * (size_t)n_items);
    r.provisional_dx = -1;
    r.pass = -1;
    r.has_total = def->rule != SCALE_RULE_CSSRS;
    protocol_trace_begin(&r.trace, p);
    switch (def->rule) {
    case SCALE_RULE_SUM:
    case SCALE_RULE_PCL5:
        for (int i = 0; i < n_items; i++) r.total += items[i];
        if (def->rule == SCALE_RULE_PCL5) score_pcl5(&r);
        break;
    case SCALE_RULE_QIDS_DOMAINS: score_qids(&r); break;
    case SCALE_RULE_CSSRS:
        r.risk = cssrs_risk(items);
        if (r.risk == SCALE_RISK_HIGH)
            snprintf(r.alert, sizeof r.alert,
                     "C-SSRS high risk (%s): immediate evaluation and safety precautions; no "
                     "dosing until a clinician has assessed the patient",
                     items[3] == 1   ? "item 4, some intent"
                     : items[4] == 1 ? "item 5, plan and intent"
                                     : "item 6, behaviour within 3 months");
        r.safety_alert = r.risk == SCALE_RISK_HIGH;
        break;
    }
    if (def->key[0] == 'y') { /* Y-BOCS subscales: obsessions 1-5, compulsions 6-10 */
        int o = 0, c = 0;
        for (int i = 0; i < 5; i++) o += items[i], c += items[i + 5];
        add_sub(&r, "obsessions", o, 20);
        add_sub(&r, "compulsions", c, 20);
    }
    if (strcmp(def->key, "cadss") == 0) { /* CADSS-6: items 1, 2, 6, 7, 15, 22 */
        static const int six[] = {1, 2, 6, 7, 15, 22};
        int s = 0;
        for (int i = 0; i < 6; i++) s += items[six[i] - 1];
        add_sub(&r, "CADSS-6", s, 24);
    }
    r.suicide_item_score = -1;
    if (def->suicide_item > 0) {
        /* The suicide-risk item at or above its alert score raises the safety alert whatever the
         * total (PHQ-9 item 9 > 0, clinical.md s4; MADRS 10, HAM-D 3, QIDS 12, s11; table) */
        int v = items[def->suicide_item - 1];
        double from = protocol_use(p, def->suicide_key, &r.trace);
        r.suicide_item_score = v;
        if (v >= from) {
            r.safety_alert = 1;
            snprintf(r.alert, sizeof r.alert,
                     "%s item %d = %d (%s; alert from %g, %s): complete the C-SSRS; a "
                     "prescriber's documented same-day safety assessment is needed before the "
                     "next dose (treatment is not refused)",
                     def->name, def->suicide_item, v, def->suicide_what, from, def->suicide_key);
        }
    }
    if (strcmp(def->key, "aldrete") == 0) {
        double pass = protocol_use(p, "discharge.aldrete_pass", &r.trace);
        r.pass = r.total >= pass;
    }
    if (r.has_total && (r.total < def->total_min || r.total > def->total_max))
        return kc_error_set(err, KC_ENUMERIC, "%s total %d outside %d-%d (table error)",
                            def->name, r.total, def->total_min, def->total_max);
    r.band = r.has_total ? band_of(def, r.total) : NULL;
    if (def->rule == SCALE_RULE_PCL5) { /* cut-off 31-33 (NCPTSD) or 38: a protocol entry */
        double cut = protocol_use(p, "scale.pcl5_cutoff", &r.trace);
        r.band = r.total >= cut ? def->bands[1].label : def->bands[0].label;
    }
    if (strcmp(def->key, "hamd17") == 0 &&
        protocol_use(p, "scale.hamd_band_set", &r.trace) == 2) {
        /* the ids-qids.org table (clinical.md s4), instead of Zimmerman 2013 */
        static const struct scale_band alt[] = {{0, 7, "none"},      {8, 13, "mild"},
                                                {14, 19, "moderate"}, {20, 25, "severe"},
                                                {26, 52, "very severe"}};
        for (size_t i = 0; i < sizeof alt / sizeof alt[0]; i++)
            if (r.total >= alt[i].lo && r.total <= alt[i].hi) r.band = alt[i].label;
    }
    if (strcmp(def->key, "madrs") == 0 && /* severe from 35, or 31 (Mueller 2003) */
        r.total >= protocol_use(p, "scale.madrs_severe_min", &r.trace))
        r.band = def->bands[def->n_bands - 1].label;
    *out = r;
    return KC_OK;
}

int scale_compare(const struct protocol *p, const struct scale_def *def, int baseline,
                  int current, int responded_before, struct scale_change *out,
                  struct kc_error *err)
{
    struct scale_change c;
    memset(&c, 0, sizeof c);
    protocol_trace_begin(&c.trace, p);
    const char *rk = NULL, *mk = NULL;
    int mk_below = 0; /* remission when total < threshold (PHQ, GAD) rather than <= */
    switch (def->kind) {
    case SCALE_KIND_DEPRESSION:
    case SCALE_KIND_ANXIETY: rk = "response.depression_drop_pct"; break;
    case SCALE_KIND_OCD: rk = "response.ocd_drop_pct"; break;
    case SCALE_KIND_PTSD:
        rk = def->rule == SCALE_RULE_PCL5 ? "response.pcl5_drop_points" : "response.ptsd_drop_pct";
        break;
    case SCALE_KIND_PAIN: rk = "response.pain_drop_pct"; break;
    default:
        return kc_error_set(err, KC_EUNSUPPORTED, "%s has no response definition", def->name);
    }
    if (!strcmp(def->key, "phq9") || !strcmp(def->key, "phq8")) mk = "remission.phq9_below", mk_below = 1;
    else if (!strcmp(def->key, "gad7")) mk = "remission.gad7_below", mk_below = 1;
    else if (!strcmp(def->key, "qids16")) mk = "remission.qids_max";
    else if (!strcmp(def->key, "madrs")) mk = "remission.madrs_max";
    else if (!strcmp(def->key, "hamd17")) mk = "remission.hamd_max";
    else if (!strcmp(def->key, "ybocs")) mk = "remission.ybocs_max";
    if (baseline < def->total_min || baseline > def->total_max)
        return kc_error_set(err, KC_EINVAL, "%s baseline %d is outside %d-%d", def->name,
                            baseline, def->total_min, def->total_max);
    if (current < def->total_min || current > def->total_max)
        return kc_error_set(err, KC_EINVAL, "%s current score %d is outside %d-%d", def->name,
                            current, def->total_min, def->total_max);
    if (baseline <= def->total_min)
        return kc_error_set(err, KC_EINVAL,
                            "%s baseline %d is the scale minimum: no drop can be computed",
                            def->name, baseline);
    c.baseline = baseline;
    c.current = current;
    c.drop_points = baseline - current;
    c.drop_pct = 100.0 * (baseline - current) / (baseline - def->total_min);
    double thr = protocol_use(p, rk, &c.trace);
    double partial = protocol_use(p, "response.partial_drop_pct", &c.trace);
    if (def->rule == SCALE_RULE_PCL5) {
        c.response = c.drop_points >= thr;
        c.partial = 0;
        snprintf(c.response_def, sizeof c.response_def,
                 "drop >= %g points on PCL-5 (%s; CAPS-5 trials used >= 30%%)", thr, rk);
    } else {
        c.response = c.drop_pct >= thr;
        c.partial = !c.response && c.drop_pct >= partial;
        snprintf(c.response_def, sizeof c.response_def,
                 "drop >= %g%% from the course baseline (%s); partial >= %g%%", thr, rk,
                 partial);
    }
    c.remission = -1;
    if (mk) {
        double m = protocol_use(p, mk, &c.trace);
        c.remission = mk_below ? current < m : current <= m;
        snprintf(c.remission_def, sizeof c.remission_def, "%s total %s %g (%s)", def->name,
                 mk_below ? "<" : "<=", m, mk);
    }
    if (!strcmp(def->key, "madrs")) {
        double rl = protocol_use(p, "relapse.madrs_min", &c.trace);
        c.relapse = responded_before && current >= rl;
        snprintf(c.relapse_def, sizeof c.relapse_def,
                 "after response, MADRS >= %g (SUSTAIN-1; confirm with a second rating 5-15 days "
                 "later; definition unverified)",
                 rl);
    } else {
        c.relapse = responded_before && !c.response;
        snprintf(c.relapse_def, sizeof c.relapse_def,
                 "after response, no longer meeting the response definition (loss of response)");
    }
    *out = c;
    return KC_OK;
}
