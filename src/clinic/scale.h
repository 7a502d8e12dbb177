/* scale.h — rating scales as data: items, ranges, scoring rules, bands, LOINC codes and the
 * safety rules (the suicide-risk item of every scale that has one: PHQ-9 item 9, MADRS item 10,
 * HAM-D17 item 3, QIDS-SR16 item 12; C-SSRS high risk) that raise a safety alert whatever the
 * total.
 * Item text ships only for the scales free to reproduce (PHQ-9, GAD-7, PCL-5, NRS, Aldrete;
 * clinical.md s9.4); the others are numbered item scores. */
#ifndef KC_CLINIC_SCALE_H
#define KC_CLINIC_SCALE_H

#include "base/error.h"
#include "clinic/protocol.h"

#define SCALE_MAX_ITEMS 23
#define SCALE_MAX_SUB 10
#define SCALE_ITEM_SKIPPED (-1) /* an item not asked (C-SSRS branching only) */

enum scale_kind {
    SCALE_KIND_DEPRESSION,
    SCALE_KIND_ANXIETY,
    SCALE_KIND_PTSD,
    SCALE_KIND_OCD,
    SCALE_KIND_SUICIDE,
    SCALE_KIND_DISSOCIATION,
    SCALE_KIND_PSYCHOSIS,
    SCALE_KIND_PAIN,
    SCALE_KIND_RECOVERY,
};

enum scale_rule {
    SCALE_RULE_SUM,          /* total = sum of items */
    SCALE_RULE_QIDS_DOMAINS, /* total = sum of 9 domains, some the max of several items */
    SCALE_RULE_PCL5,         /* sum + DSM-5 cluster rule for a provisional diagnosis */
    SCALE_RULE_CSSRS,        /* branching yes/no items, triage, no total */
};

struct scale_band {
    int lo, hi; /* inclusive */
    const char *label;
};

struct scale_def {
    const char *key;  /* "phq9", used on the command line */
    const char *name; /* "PHQ-9" */
    enum scale_kind kind;
    enum scale_rule rule;
    int n_items;
    int item_min, item_max;            /* uniform range of each item ... */
    const signed char *item_max_each;  /* ... or per-item maxima (HAM-D17), else NULL */
    int total_min, total_max;          /* range of the total (after the rule) */
    const char *const *item_text;      /* n_items strings, or NULL when not shipped (licence) */
    const char *const *item_loinc;     /* n_items codes, or NULL */
    const char *panel_loinc, *total_loinc; /* or NULL where no code is in the reference */
    const struct scale_band *bands;
    int n_bands;
    const char *source;  /* scoring and bands */
    const char *licence; /* why text is or is not shipped */
    /* The suicide-risk item, if the scale has one: its 1-based number, the protocol entry holding
     * the score from which it raises the safety alert, what the item asks, and its source. */
    int suicide_item;          /* 0 = none */
    const char *suicide_key;   /* e.g. "scale.madrs_item10_alert_min" */
    const char *suicide_what;  /* "suicidal thoughts" */
    const char *suicide_source;
};

/* The table of all scales and lookup by key ("phq9", "gad7", ...).  NULL when unknown. */
extern const struct scale_def *const scale_table[];
extern const int scale_table_len;
const struct scale_def *scale_find(const char *key);

/* Range of item i (0-based) of def. */
int scale_item_max(const struct scale_def *def, int i);

enum scale_risk { SCALE_RISK_NONE, SCALE_RISK_LOW, SCALE_RISK_MODERATE, SCALE_RISK_HIGH };
const char *scale_risk_name(enum scale_risk r);

struct scale_sub {
    const char *name;
    int value, max;
};

struct scale_result {
    const struct scale_def *def;
    int items[SCALE_MAX_ITEMS];
    int n_items;
    int has_total; /* 0 for C-SSRS */
    int total;
    const char *band;      /* label of the band holding total, or NULL (no bands) */
    /* 1 = a suicide-risk item at or above its alert score, or C-SSRS high risk.  It does not
     * refuse treatment (esketamine is indicated for depression with acute suicidal ideation): it
     * asks for a prescriber's documented same-day safety assessment before the next dose. */
    int safety_alert;
    char alert[320];       /* what triggered it and what to do */
    int suicide_item_score; /* the suicide-risk item's score; -1 when the scale has none */
    struct scale_sub sub[SCALE_MAX_SUB];
    int n_sub;
    int provisional_dx;    /* PCL-5 DSM-5 cluster rule met: 1/0; -1 not applicable */
    enum scale_risk risk;  /* C-SSRS triage; NONE for other scales */
    int pass;              /* Aldrete: total >= discharge.aldrete_pass: 1/0; -1 not applicable */
    struct protocol_trace trace;
};

/* Parses "1,2,0,3" (integers, commas; "-" for an item not asked) into items[0..*n).  Errors
 * (KC_EINVAL) name the position and text; more than max items is an error. */
int scale_parse_items(const char *text, int *items, int max, int *n, struct kc_error *err);

/* Scores items against def.  n_items must equal def->n_items; each item must lie in its range
 * (SCALE_ITEM_SKIPPED only where the C-SSRS branching skips it).  Errors name the item
 * ("PHQ-9 item 4: 5 is outside 0-3").  p supplies the Aldrete pass mark.  out is filled on
 * success only. */
int scale_score(const struct protocol *p, const struct scale_def *def, const int *items,
                int n_items, struct scale_result *out, struct kc_error *err);

/* Change from a course's baseline total to the current total. */
struct scale_change {
    int baseline, current;
    double drop_points, drop_pct; /* positive = improvement */
    int response, partial, remission, relapse; /* remission -1 where the scale defines none */
    char response_def[160], remission_def[120], relapse_def[200];
    struct protocol_trace trace;
};

/* Response (>=50% drop for depression scales, >=35% Y-BOCS, >=10 points PCL-5, >=30% NRS),
 * partial response, remission (per-scale threshold) and relapse (responded_before and now no
 * longer responding; MADRS uses the SUSTAIN-1 >=22 rule).  The definitions used are returned as
 * text.  KC_EUNSUPPORTED for scales without a response rule (C-SSRS, CADSS, BPRS, Aldrete);
 * KC_EINVAL for totals outside the scale's range or a zero baseline. */
int scale_compare(const struct protocol *p, const struct scale_def *def, int baseline,
                  int current, int responded_before, struct scale_change *out,
                  struct kc_error *err);

#endif
