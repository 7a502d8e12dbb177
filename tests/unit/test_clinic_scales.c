/* test_clinic_scales.c — rating scales (src/clinic/scale*.c) against their published rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "clinic/scale.h"

static struct protocol P;

static int setup(void **state)
{
    (void)state;
    protocol_init_default(&P);
    return 0;
}

/* Items that sum to total, filling from item 1 up to each item's max (item 9 of PHQ-9 last). */
static void fill(const struct scale_def *d, int total, int *items)
{
    for (int i = 0; i < d->n_items; i++) items[i] = d->item_min;
    int left = total - d->item_min * d->n_items;
    /* QIDS-SR16: one item per domain (1, 5, 6, 10-15) so the domain sum equals total */
    static const int qids_rep[] = {1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0};
    for (int i = 0; i < d->n_items && left > 0; i++) {
        if (d->rule == SCALE_RULE_QIDS_DOMAINS && !qids_rep[i]) continue;
        int add = scale_item_max(d, i) - d->item_min;
        if (add > left) add = left;
        items[i] += add;
        left -= add;
    }
}

static void expect_band(const char *key, int total, const char *band)
{
    const struct scale_def *d = scale_find(key);
    int items[SCALE_MAX_ITEMS];
    struct scale_result r;
    struct kc_error err = {0};
    fill(d, total, items);
    if (scale_score(&P, d, items, d->n_items, &r, &err)) fail_msg("%s: %s", key, err.msg);
    assert_int_equal(r.total, total);
    if (!r.band || strcmp(r.band, band))
        fail_msg("%s total %d: band '%s', wanted '%s'", key, total, r.band ? r.band : "(none)",
                 band);
}

/* Kroenke 2001: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe */
static void phq9_bands_kroenke_2001(void **state)
{
    (void)state;
    static const struct {
        int t;
        const char *b;
    } c[] = {{0, "minimal"},   {4, "minimal"},  {5, "mild"},   {9, "mild"},
             {10, "moderate"}, {14, "moderate"}, {15, "moderately severe"},
             {19, "moderately severe"}, {20, "severe"}, {27, "severe"}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) expect_band("phq9", c[i].t, c[i].b);
    expect_band("phq8", 24, "severe");
    assert_string_equal(scale_find("phq9")->total_loinc, "44261-6");
    assert_string_equal(scale_find("phq9")->item_loinc[8], "44260-8");
    assert_non_null(scale_find("phq9")->item_text);
}

/* Spitzer 2006: 5/10/15 */
static void gad7_bands_spitzer_2006(void **state)
{
    (void)state;
    expect_band("gad7", 4, "minimal");
    expect_band("gad7", 5, "mild");
    expect_band("gad7", 10, "moderate");
    expect_band("gad7", 15, "severe");
    expect_band("gad7", 21, "severe");
    assert_string_equal(scale_find("gad7")->total_loinc, "70274-6");
}

/* clinical.md s4: MADRS 6/7/19/20/34/35; QIDS 5/6/10/11/15/16/20/21; Y-BOCS 7/8/15/16/23/24/31/32;
 * HAM-D Zimmerman 2013 7/8/16/17/23/24 */
static void other_bands(void **state)
{
    (void)state;
    expect_band("madrs", 6, "normal");
    expect_band("madrs", 7, "mild");
    expect_band("madrs", 20, "moderate");
    expect_band("madrs", 34, "moderate");
    expect_band("madrs", 35, "severe");
    expect_band("qids16", 5, "none");
    expect_band("qids16", 6, "mild");
    expect_band("qids16", 21, "very severe");
    expect_band("ybocs", 7, "subclinical");
    expect_band("ybocs", 8, "mild");
    expect_band("ybocs", 32, "extreme");
    expect_band("hamd17", 7, "none");
    expect_band("hamd17", 8, "mild");
    expect_band("hamd17", 24, "severe");
    expect_band("hamd17", 52, "severe");
    expect_band("pcl5", 32, "below the provisional PTSD cut-off");
    expect_band("pcl5", 33, "probable PTSD");
}

static int score(const char *key, const char *text, struct scale_result *r, struct kc_error *err)
{
    int items[SCALE_MAX_ITEMS], n;
    int rc = scale_parse_items(text, items, SCALE_MAX_ITEMS, &n, err);
    if (rc) return rc;
    return scale_score(&P, scale_find(key), items, n, r, err);
}

/* clinical.md s4 (V): PHQ-9 item 9 > 0 raises a blocking alert whatever the total. */
static void phq9_item9_blocks(void **state)
{
    (void)state;
    struct scale_result r;
    struct kc_error err = {0};
    assert_int_equal(score("phq9", "0,0,0,0,0,0,0,0,1", &r, &err), 0);
    assert_int_equal(r.total, 1);
    assert_true(r.safety_alert);
    assert_non_null(strstr(r.alert, "C-SSRS"));
    assert_int_equal(score("phq9", "3,3,3,3,3,3,3,3,0", &r, &err), 0);
    assert_false(r.safety_alert);
}

/* The suicide-risk item of every scale that has one raises the same alert as PHQ-9 item 9.
 * Anchors (PMC4350518 Table 1; IOM 2010 Box 4-1 for QIDS):
 *   MADRS item 10: "6 Explicit plans for suicide when there is an opportunity. Active
 *     preparation of suicide"; "2-3 Weary of life. Only fleeting suicidal thoughts".
 *   HAM-D17 item 3: "1 Feels life is not worth living" ... "4 Attempts suicide".
 *   QIDS-SR16 item 12: "I feel that life is empty or wonder if it's worth living" (1) ...
 *     "I have made specific plans for suicide or have actually tried to take my life" (3). */
static void suicide_items_raise_the_alert(void **state)
{
    (void)state;
    struct scale_result r;
    struct kc_error err = {0};
    /* MADRS with explicit plans and nothing else: the total (6) is in the "normal" band as
     * published, and the alert is raised all the same */
    assert_int_equal(score("madrs", "0,0,0,0,0,0,0,0,0,6", &r, &err), 0);
    assert_int_equal(r.total, 6);
    assert_string_equal(r.band, "normal");
    assert_true(r.safety_alert);
    assert_int_equal(r.suicide_item_score, 6);
    assert_non_null(strstr(r.alert, "MADRS item 10 = 6"));
    assert_non_null(strstr(r.alert, "same-day safety assessment"));
    assert_int_equal(score("madrs", "0,0,0,0,0,0,0,0,0,2", &r, &err), 0); /* fleeting thoughts */
    assert_true(r.safety_alert);
    assert_int_equal(score("madrs", "6,6,6,6,6,6,6,6,6,1", &r, &err), 0); /* severe, item 10 = 1 */
    assert_false(r.safety_alert);
    /* HAM-D17 item 3 = 1 "feels life is not worth living", total 1 ("none") */
    assert_int_equal(score("hamd17", "0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0", &r, &err), 0);
    assert_true(r.safety_alert);
    assert_string_equal(r.band, "none");
    assert_int_equal(score("hamd17", "0,0,4,0,0,0,0,0,0,0,0,0,0,0,0,0,0", &r, &err), 0);
    assert_true(r.safety_alert);
    assert_int_equal(score("hamd17", "4,4,0,2,2,2,4,4,4,4,4,2,2,2,4,2,2", &r, &err), 0);
    assert_false(r.safety_alert);
    /* QIDS-SR16 item 12 = 1 and = 3 */
    assert_int_equal(score("qids16", "0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0", &r, &err), 0);
    assert_true(r.safety_alert);
    assert_int_equal(score("qids16", "0,0,0,0,0,0,0,0,0,0,0,3,0,0,0,0", &r, &err), 0);
    assert_true(r.safety_alert);
    assert_non_null(strstr(r.alert, "QIDS-SR16 item 12 = 3"));
    assert_int_equal(score("qids16", "3,3,3,3,3,3,3,3,3,3,3,0,3,3,3,3", &r, &err), 0);
    assert_false(r.safety_alert);
    /* a clinic may raise the MADRS threshold to 4, never past the "explicit plans" anchor */
    struct protocol q;
    protocol_init_default(&q);
    assert_int_equal(protocol_apply_override(&q, "{\"clinic\":\"c\",\"overrides\":"
                                                 "{\"scale.madrs_item10_alert_min\":4}}", &err), 0);
    int items[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 3};
    assert_int_equal(scale_score(&q, scale_find("madrs"), items, 10, &r, &err), 0);
    assert_false(r.safety_alert);
    items[9] = 6;
    assert_int_equal(scale_score(&q, scale_find("madrs"), items, 10, &r, &err), 0);
    assert_true(r.safety_alert);
    assert_int_equal(protocol_apply_override(&q, "{\"clinic\":\"c\",\"overrides\":"
                                                 "{\"scale.madrs_item10_alert_min\":7}}", &err),
                     KC_ERANGE);
    assert_int_equal(protocol_apply_override(&q, "{\"clinic\":\"c\",\"overrides\":"
                                                 "{\"scale.phq9_item9_alert_min\":2}}", &err),
                     KC_ERANGE);
    /* every scale with a suicide item names it, its protocol entry and a source */
    int with = 0;
    for (int i = 0; i < scale_table_len; i++) {
        const struct scale_def *d = scale_table[i];
        if (!d->suicide_item) continue;
        with++;
        assert_in_range(d->suicide_item, 1, d->n_items);
        assert_true(protocol_index(d->suicide_key) >= 0);
        assert_non_null(d->suicide_source);
    }
    assert_int_equal(with, 4); /* PHQ-9, QIDS-SR16, MADRS, HAM-D17 (PHQ-8 drops item 9) */
}

/* Rush 2003: QIDS-SR16 total = sum of 9 domains; sleep, appetite/weight, psychomotor are maxima. */
static void qids_domain_maxima_rush_2003(void **state)
{
    (void)state;
    struct scale_result r;
    struct kc_error err = {0};
    assert_int_equal(score("qids16", "3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3", &r, &err), 0);
    assert_int_equal(r.total, 27); /* not 48 */
    assert_int_equal(r.n_sub, 9);
    assert_int_equal(score("qids16", "1,3,0,2,0,0,2,1,0,0,0,0,0,0,1,2", &r, &err), 0);
    assert_string_equal(r.sub[0].name, "sleep");
    assert_int_equal(r.sub[0].value, 3);
    assert_int_equal(r.sub[2].value, 2); /* max(6-9) */
    assert_int_equal(r.sub[8].value, 2); /* max(15,16) */
    assert_int_equal(r.total, 7);
}

/* NCPTSD: item >=2 endorsed; >=1 B, >=1 C, >=2 D, >=2 E. */
static void pcl5_cluster_rule(void **state)
{
    (void)state;
    struct scale_result r;
    struct kc_error err = {0};
    /* B1, C6, D8+D9, E15+E16 endorsed at exactly 2 */
    assert_int_equal(score("pcl5", "2,0,0,0,0,2,0,2,2,0,0,0,0,0,2,2,0,0,0,0", &r, &err), 0);
    assert_int_equal(r.provisional_dx, 1);
    assert_int_equal(r.total, 12);
    assert_int_equal(r.sub[2].value, 4);
    /* only one D item endorsed */
    assert_int_equal(score("pcl5", "2,0,0,0,0,2,0,2,1,1,1,1,1,1,2,2,0,0,0,0", &r, &err), 0);
    assert_int_equal(r.provisional_dx, 0);
    /* high total without any C endorsement: not met (the rule, not the total) */
    assert_int_equal(score("pcl5", "4,4,4,4,4,1,1,4,4,4,4,4,4,4,4,4,4,4,4,4", &r, &err), 0);
    assert_int_equal(r.total, 74);
    assert_int_equal(r.provisional_dx, 0);
}

/* Columbia triage: Q1-2 low; Q3 or lifetime Q6 moderate; Q4, Q5, Q6 within 3 months high. */
static void cssrs_branching_and_triage(void **state)
{
    (void)state;
    struct scale_result r;
    struct kc_error err = {0};
    static const struct {
        const char *items;
        enum scale_risk risk;
    } c[] = {{"0,0,-,-,-,0", SCALE_RISK_NONE},    {"1,0,-,-,-,0", SCALE_RISK_LOW},
             {"1,1,0,0,0,0", SCALE_RISK_LOW},     {"1,1,1,0,0,0", SCALE_RISK_MODERATE},
             {"0,0,-,-,-,1", SCALE_RISK_MODERATE}, {"1,1,1,1,0,0", SCALE_RISK_HIGH},
             {"1,1,0,0,1,0", SCALE_RISK_HIGH},    {"0,0,-,-,-,2", SCALE_RISK_HIGH},
             {"1,0,0,0,0,0", SCALE_RISK_LOW}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        if (score("cssrs", c[i].items, &r, &err)) fail_msg("%s: %s", c[i].items, err.msg);
        if (r.risk != c[i].risk)
            fail_msg("%s: risk %s, wanted %s", c[i].items, scale_risk_name(r.risk),
                     scale_risk_name(c[i].risk));
        assert_int_equal(r.safety_alert, c[i].risk == SCALE_RISK_HIGH);
        assert_false(r.has_total);
    }
    assert_int_equal(score("cssrs", "1,1,-,-,-,0", &r, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "item 3 is missing"));
    assert_int_equal(score("cssrs", "1,0,1,0,0,0", &r, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "item 3"));
    assert_int_equal(score("cssrs", "1,0,-,-,-,3", &r, &err), KC_EINVAL);
}

static void errors_name_the_item(void **state)
{
    (void)state;
    struct scale_result r;
    struct kc_error err = {0};
    assert_int_equal(score("phq9", "1,2,0,3,1,0,2,1", &r, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "needs 9 item scores, got 8"));
    assert_int_equal(score("phq9", "1,2,0,4,1,0,2,1,0", &r, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "PHQ-9 item 4: 4 is outside 0-3"));
    assert_int_equal(score("phq9", "1,2,-,3,1,0,2,1,0", &r, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "item 3 is missing"));
    assert_int_equal(score("phq9", "1,2,x,3,1,0,2,1,0", &r, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "item 3: 'x'"));
    assert_int_equal(score("phq9", "1,,0,3,1,0,2,1,0", &r, &err), KC_EINVAL);
    /* HAM-D17 item 4 (early insomnia) is 0-2 */
    assert_int_equal(score("hamd17", "4,4,4,3,2,2,4,4,4,4,4,2,2,2,4,2,2", &r, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "item 4: 3 is outside 0-2"));
    assert_int_equal(score("hamd17", "4,4,4,2,2,2,4,4,4,4,4,2,2,2,4,2,2", &r, &err), 0);
    assert_int_equal(r.total, 52);
    /* BPRS items are 1-7 */
    assert_int_equal(score("bprs4", "0,1,1,1", &r, &err), KC_EINVAL);
    assert_int_equal(score("bprs4", "1,1,1,1", &r, &err), 0);
    assert_int_equal(r.total, 4);
    assert_int_equal(score("nrs", "11", &r, &err), KC_EINVAL);
}

static void subscores(void **state)
{
    (void)state;
    struct scale_result r;
    struct kc_error err = {0};
    assert_int_equal(score("ybocs", "4,3,2,1,0,1,1,1,1,1", &r, &err), 0);
    assert_int_equal(r.sub[0].value, 10);
    assert_int_equal(r.sub[1].value, 5);
    /* CADSS-6 = items 1, 2, 6, 7, 15, 22 (clinical.md s4) */
    assert_int_equal(score("cadss", "1,1,0,0,0,1,1,0,0,0,0,0,0,0,1,0,0,0,0,0,0,1,4", &r, &err), 0);
    assert_int_equal(r.total, 10);
    assert_string_equal(r.sub[0].name, "CADSS-6");
    assert_int_equal(r.sub[0].value, 6);
}

/* Disputed cut-offs are protocol entries: PCL-5 31-33 or 38 (NCPTSD), MADRS severe 35 or 31
 * (Mueller 2003). */
static void disputed_cutoffs_follow_protocol(void **state)
{
    (void)state;
    struct protocol q;
    struct scale_result r;
    struct kc_error err = {0};
    int items[SCALE_MAX_ITEMS];
    protocol_init_default(&q);
    assert_int_equal(protocol_apply_override(&q,
                                             "{\"clinic\":\"c\",\"overrides\":{\"scale.pcl5_cutoff\":"
                                             "31,\"scale.madrs_severe_min\":31}}",
                                             &err),
                     0);
    fill(scale_find("pcl5"), 31, items);
    assert_int_equal(scale_score(&q, scale_find("pcl5"), items, 20, &r, &err), 0);
    assert_string_equal(r.band, "probable PTSD");
    assert_int_equal(scale_score(&P, scale_find("pcl5"), items, 20, &r, &err), 0);
    assert_string_equal(r.band, "below the provisional PTSD cut-off");
    fill(scale_find("madrs"), 32, items);
    assert_int_equal(scale_score(&q, scale_find("madrs"), items, 10, &r, &err), 0);
    assert_string_equal(r.band, "severe");
    assert_int_equal(scale_score(&P, scale_find("madrs"), items, 10, &r, &err), 0);
    assert_string_equal(r.band, "moderate");
    int traced = 0; /* the result names the entry it used */
    for (size_t k = 0; k < r.trace.n; k++)
        traced |= !strcmp(r.trace.keys[k], "scale.madrs_severe_min");
    assert_true(traced);
    /* HAM-D17: Zimmerman 2013 by default (24 = severe); ids-qids table on request (24 = severe,
     * 26 = very severe, 16 = moderate) */
    struct protocol h;
    protocol_init_default(&h);
    assert_int_equal(protocol_apply_override(&h, "{\"clinic\":\"c\",\"overrides\":{\"scale.hamd_band_set\":2}}", &err), 0);
    fill(scale_find("hamd17"), 16, items);
    assert_int_equal(scale_score(&P, scale_find("hamd17"), items, 17, &r, &err), 0);
    assert_string_equal(r.band, "mild");
    assert_int_equal(scale_score(&h, scale_find("hamd17"), items, 17, &r, &err), 0);
    assert_string_equal(r.band, "moderate");
    fill(scale_find("hamd17"), 26, items);
    assert_int_equal(scale_score(&h, scale_find("hamd17"), items, 17, &r, &err), 0);
    assert_string_equal(r.band, "very severe");
    assert_int_equal(protocol_apply_override(&q,
                                             "{\"clinic\":\"c\",\"overrides\":{\"scale.pcl5_cutoff\":"
                                             "25}}",
                                             &err),
                     KC_ERANGE);
}

/* Aldrete 1995: 5 items 0-2; pass mark >=9 (protocol discharge.aldrete_pass). */
static void aldrete_pass_mark(void **state)
{
    (void)state;
    struct scale_result r;
    struct kc_error err = {0};
    assert_int_equal(score("aldrete", "2,2,2,2,1", &r, &err), 0);
    assert_int_equal(r.total, 9);
    assert_int_equal(r.pass, 1);
    assert_string_equal(r.trace.keys[0], "discharge.aldrete_pass");
    assert_int_equal(score("aldrete", "2,2,2,1,1", &r, &err), 0);
    assert_int_equal(r.pass, 0);
    struct protocol strict;
    protocol_init_default(&strict);
    assert_int_equal(protocol_apply_override(&strict,
                                             "{\"clinic\":\"s\",\"overrides\":"
                                             "{\"discharge.aldrete_pass\":10}}",
                                             &err),
                     0);
    int items[] = {2, 2, 2, 2, 1};
    assert_int_equal(scale_score(&strict, scale_find("aldrete"), items, 5, &r, &err), 0);
    assert_int_equal(r.pass, 0);
    assert_string_equal(r.trace.version, "kc-default-2026.2+s");
}

/* Response >=50% (depression), >=35% Y-BOCS (Rodriguez 2013), >=10 points PCL-5 (NCPTSD);
 * remission PHQ-9 <5, MADRS <=10; relapse MADRS >=22 after response (SUSTAIN-1). */
static void response_remission_relapse(void **state)
{
    (void)state;
    struct scale_change c;
    struct kc_error err = {0};
    assert_int_equal(scale_compare(&P, scale_find("phq9"), 20, 10, 0, &c, &err), 0);
    assert_true(c.response && !c.partial && !c.remission);
    assert_non_null(strstr(c.response_def, ">= 50%"));
    assert_int_equal(scale_compare(&P, scale_find("phq9"), 20, 11, 0, &c, &err), 0);
    assert_true(!c.response && c.partial);
    assert_int_equal(scale_compare(&P, scale_find("phq9"), 20, 4, 0, &c, &err), 0);
    assert_true(c.remission);
    assert_int_equal(scale_compare(&P, scale_find("phq9"), 20, 5, 0, &c, &err), 0);
    assert_false(c.remission);
    assert_int_equal(scale_compare(&P, scale_find("madrs"), 30, 10, 0, &c, &err), 0);
    assert_true(c.remission);
    assert_int_equal(scale_compare(&P, scale_find("madrs"), 30, 11, 0, &c, &err), 0);
    assert_false(c.remission);
    assert_int_equal(scale_compare(&P, scale_find("madrs"), 30, 22, 1, &c, &err), 0);
    assert_true(c.relapse);
    assert_int_equal(scale_compare(&P, scale_find("madrs"), 30, 21, 1, &c, &err), 0);
    assert_false(c.relapse);
    assert_int_equal(scale_compare(&P, scale_find("ybocs"), 20, 13, 0, &c, &err), 0);
    assert_true(c.response);
    assert_int_equal(scale_compare(&P, scale_find("ybocs"), 20, 14, 0, &c, &err), 0);
    assert_false(c.response);
    assert_int_equal(scale_compare(&P, scale_find("pcl5"), 50, 40, 0, &c, &err), 0);
    assert_true(c.response);
    assert_int_equal(scale_compare(&P, scale_find("pcl5"), 50, 41, 0, &c, &err), 0);
    assert_false(c.response);
    /* CAPS-5: >=30% drop (Feder, Am J Psychiatry 2021) */
    assert_int_equal(scale_compare(&P, scale_find("caps5"), 40, 28, 0, &c, &err), 0);
    assert_true(c.response);
    assert_non_null(strstr(c.response_def, "response.ptsd_drop_pct"));
    assert_int_equal(scale_compare(&P, scale_find("caps5"), 40, 29, 0, &c, &err), 0);
    assert_false(c.response);
    assert_int_equal(scale_compare(&P, scale_find("phq9"), 0, 0, 0, &c, &err), KC_EINVAL);
    assert_int_equal(scale_compare(&P, scale_find("phq9"), 28, 0, 0, &c, &err), KC_EINVAL);
    assert_int_equal(scale_compare(&P, scale_find("cadss"), 20, 0, 0, &c, &err),
                     KC_EUNSUPPORTED);
}

/* Property: random in-range items always score inside the scale's range; one out-of-range item
 * is always refused naming that item.  Fixed-seed xorshift64*, so every run is the same. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

static void property_scores_stay_in_range(void **state)
{
    (void)state;
    for (int iter = 0; iter < 20000; iter++) {
        const struct scale_def *d = scale_table[rnd((uint32_t)scale_table_len)];
        int items[SCALE_MAX_ITEMS];
        struct scale_result r;
        struct kc_error err = {0};
        for (int i = 0; i < d->n_items; i++)
            items[i] = d->item_min + (int)rnd((uint32_t)(scale_item_max(d, i) - d->item_min + 1));
        if (d->rule == SCALE_RULE_CSSRS && items[1] == 0) items[2] = items[3] = items[4] = -1;
        if (scale_score(&P, d, items, d->n_items, &r, &err))
            fail_msg("%s rejected in-range items: %s", d->name, err.msg);
        if (r.has_total) {
            assert_in_range(r.total, d->total_min, d->total_max);
            if (d->n_bands) assert_non_null(r.band);
        }
        for (int s = 0; s < r.n_sub; s++) assert_in_range(r.sub[s].value, 0, r.sub[s].max);
        if (d->suicide_item) /* the alert is raised exactly when the item reaches its entry */
            assert_int_equal(r.safety_alert,
                             items[d->suicide_item - 1] >= protocol_use(&P, d->suicide_key, NULL));
        int bad = (int)rnd((uint32_t)d->n_items);
        int saved = items[bad];
        items[bad] = rnd(2) ? scale_item_max(d, bad) + 1 + (int)rnd(5) : d->item_min - 2 - (int)rnd(5);
        if (scale_score(&P, d, items, d->n_items, &r, &err) != KC_EINVAL)
            fail_msg("%s accepted item %d = %d", d->name, bad + 1, items[bad]);
        char want[32];
        snprintf(want, sizeof want, "item %d", bad + 1);
        assert_non_null(strstr(err.msg, want));
        items[bad] = saved;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(phq9_bands_kroenke_2001),
        cmocka_unit_test(gad7_bands_spitzer_2006),
        cmocka_unit_test(other_bands),
        cmocka_unit_test(phq9_item9_blocks),
        cmocka_unit_test(suicide_items_raise_the_alert),
        cmocka_unit_test(qids_domain_maxima_rush_2003),
        cmocka_unit_test(pcl5_cluster_rule),
        cmocka_unit_test(cssrs_branching_and_triage),
        cmocka_unit_test(errors_name_the_item),
        cmocka_unit_test(subscores),
        cmocka_unit_test(aldrete_pass_mark),
        cmocka_unit_test(disputed_cutoffs_follow_protocol),
        cmocka_unit_test(response_remission_relapse),
        cmocka_unit_test(property_scores_stay_in_range),
    };
    return cmocka_run_group_tests_name("clinic_scales", tests, setup, NULL);
}
