/* scale_table.c — the rating-scale definitions (items, ranges, bands, LOINC, sources).
 * Sources: clinical.md s4.  Item text only where the instrument is free to reproduce. */
#include <stddef.h>

#include "clinic/scale.h"

/* PHQ-9: Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606.  Free, no permission needed
 * (Pfizer).  Stem: "Over the last 2 weeks, how often have you been bothered by any of the
 * following problems?"  0 not at all, 1 several days, 2 more than half the days, 3 nearly every
 * day. */
static const char *const phq9_text[] = {
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself - or that you are a failure or have let yourself or your family "
    "down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite - being "
    "so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
};
/* LOINC from the public FHIR PHQ-9 questionnaire (clinical.md s4, V). */
static const char *const phq9_loinc[] = {"44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
                                         "44258-2", "44252-5", "44253-3", "44260-8"};
static const struct scale_band phq9_bands[] = {
    {0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 19, "moderately severe"},
    {20, 27, "severe"}};
/* PHQ-8 drops item 9; same cut points (Kroenke 2009), max 24. */
static const struct scale_band phq8_bands[] = {
    {0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 19, "moderately severe"},
    {20, 24, "severe"}};

/* GAD-7: Spitzer et al., Arch Intern Med 2006;166:1092.  Free (Pfizer). */
static const char *const gad7_text[] = {
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
};
static const struct scale_band gad7_bands[] = {
    {0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 21, "severe"}};

/* PCL-5: Weathers et al. 2013, US VA National Center for PTSD; public domain.  Stem: "In the
 * past month, how much were you bothered by:" 0 not at all .. 4 extremely. */
static const char *const pcl5_text[] = {
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening again (as "
    "if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful experience "
    "(for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for example, "
    "having thoughts such as: I am bad, there is something seriously wrong with me, no one can be "
    "trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or have "
    "loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    "Being \"superalert\" or watchful or on guard?",
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
};
/* Provisional cut-off 31-33 (NCPTSD; older guide 38): the protocol entry scale.pcl5_cutoff
 * (default 33) moves the boundary; these are the default bands. */
static const struct scale_band pcl5_bands[] = {{0, 32, "below the provisional PTSD cut-off"},
                                               {33, 80, "probable PTSD"}};

/* QIDS-SR16: Rush et al., Biol Psychiatry 2003;54:573; bands per ids-qids.org. */
static const struct scale_band qids_bands[] = {
    {0, 5, "none"}, {6, 10, "mild"}, {11, 15, "moderate"}, {16, 20, "severe"},
    {21, 27, "very severe"}};

/* MADRS: Montgomery & Asberg 1979; bands as in clinical.md s4 (Mueller 2003 suggests 31 for
 * severe; we use 35). */
static const struct scale_band madrs_bands[] = {
    {0, 6, "normal"}, {7, 19, "mild"}, {20, 34, "moderate"}, {35, 60, "severe"}};

/* HAM-D17: Hamilton 1960; items 4-6, 12-14, 16, 17 scored 0-2, the others 0-4 (max 52).
 * Bands Zimmerman 2013 (the ids-qids table uses 8-13/14-19/20-25/>=26: sources disagree). */
static const signed char hamd_max[] = {4, 4, 4, 2, 2, 2, 4, 4, 4, 4, 4, 2, 2, 2, 4, 2, 2};
static const struct scale_band hamd_bands[] = {
    {0, 7, "none"}, {8, 16, "mild"}, {17, 23, "moderate"}, {24, 52, "severe"}};

/* Y-BOCS: Goodman et al. 1989; 5 obsession + 5 compulsion items 0-4. */
static const struct scale_band ybocs_bands[] = {
    {0, 7, "subclinical"}, {8, 15, "mild"}, {16, 23, "moderate"}, {24, 31, "severe"},
    {32, 40, "extreme"}};

/* C-SSRS screener: Q1-Q5 no/yes (0/1); Q6 0 = no, 1 = yes but more than 3 months ago,
 * 2 = yes within the past 3 months. */
static const signed char cssrs_max[] = {1, 1, 1, 1, 1, 2};

/* NRS pain 0-10: generic, item text ours. */
static const char *const nrs_text[] = {
    "Rate your pain right now from 0 (no pain) to 10 (worst pain imaginable)"};

/* Modified Aldrete: Aldrete, J Clin Anesth 1995;7:89.  Each item 0-2, max 10. */
static const char *const aldrete_text[] = {
    "Activity: 2 moves 4 extremities voluntarily or on command; 1 moves 2 extremities; 0 none",
    "Respiration: 2 breathes deeply and coughs freely; 1 dyspnoea or limited breathing; 0 apnoeic",
    "Circulation: 2 BP within 20% of pre-procedure level; 1 within 20-49%; 0 50% or more away",
    "Consciousness: 2 fully awake; 1 arousable on calling; 0 not responding",
    ("Oxygen saturation: 2 SpO2 >92% on room air; 1 needs O2 to keep SpO2 >90%; 0 SpO2 <90% "
     "even with O2"),
};

/* The suicide-risk items and their anchors (clinical.md s11, V).  Anchors as tabulated in
 * "Range of response options for HRSD-17, MADRS and BDI suicide items", Table 1 of PMC4350518,
 * and, for QIDS-SR16, the Institute of Medicine workshop summary "CNS Clinical Trials:
 * Suicidality and Data Collection" (2010), Box 4-1 (Rush 2009).  The score from which each raises
 * the alert is a protocol entry (scale.*_alert_min) whose safe range always includes the item's
 * top anchors, so "explicit plans" (MADRS 6), an attempt (HAM-D 4) or specific plans (QIDS 3)
 * always raise it. */
#define SUICIDE_PHQ9 "Kroenke et al. 2001; PHQ-9 item 9 'thoughts that you would be better off " \
                     "dead or of hurting yourself': any answer above 0 (clinical.md s4, V)"
#define SUICIDE_MADRS "Montgomery & Asberg 1979, item 10 'suicidal thoughts' 0-6: 2 weary of " \
                      "life, only fleeting suicidal thoughts; 4 suicide considered a possible " \
                      "solution; 6 explicit plans (PMC4350518 Table 1)"
#define SUICIDE_HAMD "Hamilton 1960, item 3 'suicide' 0-4: 1 feels life is not worth living; 2 " \
                     "wishes he were dead; 3 suicide ideas or gesture; 4 attempts (PMC4350518 " \
                     "Table 1)"
#define SUICIDE_QIDS "Rush et al. 2003, QIDS-SR16 item 12 'thoughts of death or suicide' 0-3: 1 " \
                     "life empty or not worth living; 2 several times a week; 3 several times a " \
                     "day in detail, or specific plans or an attempt (IOM 2010, Box 4-1)"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct scale_def phq9 = {
    "phq9", "PHQ-9", SCALE_KIND_DEPRESSION, SCALE_RULE_SUM, 9, 0, 3, NULL, 0, 27,
    phq9_text, phq9_loinc, "44249-1", "44261-6", phq9_bands, N(phq9_bands),
    "Kroenke et al., J Gen Intern Med 2001;16:606 (bands 5/10/15/20)",
    "free to reproduce (Pfizer): item text shipped",
    9, "scale.phq9_item9_alert_min", "thoughts of death or self-harm", SUICIDE_PHQ9};
static const struct scale_def phq8 = {
    "phq8", "PHQ-8", SCALE_KIND_DEPRESSION, SCALE_RULE_SUM, 8, 0, 3, NULL, 0, 24,
    phq9_text, phq9_loinc, NULL, NULL, phq8_bands, N(phq8_bands),
    "Kroenke et al., J Affect Disord 2009;114:163 (PHQ-9 items 1-8, same bands)",
    "free to reproduce (Pfizer): item text shipped",
    0, NULL, NULL, NULL};
static const struct scale_def gad7 = {
    "gad7", "GAD-7", SCALE_KIND_ANXIETY, SCALE_RULE_SUM, 7, 0, 3, NULL, 0, 21,
    gad7_text, NULL, "69737-5", "70274-6", gad7_bands, N(gad7_bands),
    "Spitzer et al., Arch Intern Med 2006;166:1092 (5/10/15; >=10 screen-positive)",
    "free to reproduce (Pfizer): item text shipped",
    0, NULL, NULL, NULL};
static const struct scale_def pcl5 = {
    "pcl5", "PCL-5", SCALE_KIND_PTSD, SCALE_RULE_PCL5, 20, 0, 4, NULL, 0, 80,
    pcl5_text, NULL, NULL, NULL, pcl5_bands, N(pcl5_bands),
    "Weathers et al. 2013 / NCPTSD PCL-5 guide (cut-off 31-33; DSM-5 cluster rule)",
    "public domain (US VA NCPTSD): item text shipped",
    0, NULL, NULL, NULL};
/* CAPS-5 (past-month version): 20 DSM-5 symptom severity items 0-4, total 0-80 (Weathers et al.,
 * Psychol Assess 2018;30:383).  Clinician-administered; distributed by NCPTSD on request, so
 * numbered items only.  Response in ketamine PTSD trials: >=30% drop (Feder 2021). */
static const struct scale_def caps5 = {
    "caps5", "CAPS-5", SCALE_KIND_PTSD, SCALE_RULE_SUM, 20, 0, 4, NULL, 0, 80,
    NULL, NULL, NULL, NULL, NULL, 0,
    "Weathers et al., Psychol Assess 2018;30:383 (20 severity items 0-4; no bands shipped)",
    "distributed by NCPTSD on request: numbered items only",
    0, NULL, NULL, NULL};
static const struct scale_def qids = {
    "qids16", "QIDS-SR16", SCALE_KIND_DEPRESSION, SCALE_RULE_QIDS_DOMAINS, 16, 0, 3, NULL, 0, 27,
    NULL, NULL, NULL, NULL, qids_bands, N(qids_bands),
    "Rush et al., Biol Psychiatry 2003;54:573 (9 domains; bands ids-qids.org)",
    "free for clinical/research use, commercial terms unclear: numbered items only",
    12, "scale.qids_item12_alert_min", "thoughts of death or suicide", SUICIDE_QIDS};
static const struct scale_def madrs = {
    "madrs", "MADRS", SCALE_KIND_DEPRESSION, SCALE_RULE_SUM, 10, 0, 6, NULL, 0, 60,
    NULL, NULL, NULL, NULL, madrs_bands, N(madrs_bands),
    "Montgomery & Asberg, Br J Psychiatry 1979;134:382 (bands clinical.md s4)",
    "copyrighted, licence required: numbered items only",
    10, "scale.madrs_item10_alert_min", "suicidal thoughts", SUICIDE_MADRS};
static const struct scale_def hamd = {
    "hamd17", "HAM-D17", SCALE_KIND_DEPRESSION, SCALE_RULE_SUM, 17, 0, 4, hamd_max, 0, 52,
    NULL, NULL, NULL, NULL, hamd_bands, N(hamd_bands),
    "Hamilton, J Neurol Neurosurg Psychiatry 1960;23:56; bands Zimmerman 2013",
    "public-domain status unverified: numbered items only",
    3, "scale.hamd_item3_alert_min", "suicide", SUICIDE_HAMD};
static const struct scale_def ybocs = {
    "ybocs", "Y-BOCS", SCALE_KIND_OCD, SCALE_RULE_SUM, 10, 0, 4, NULL, 0, 40,
    NULL, NULL, NULL, NULL, ybocs_bands, N(ybocs_bands),
    "Goodman et al., Arch Gen Psychiatry 1989;46:1006",
    "copyrighted: numbered items only",
    0, NULL, NULL, NULL};
static const struct scale_def cssrs = {
    "cssrs", "C-SSRS screener", SCALE_KIND_SUICIDE, SCALE_RULE_CSSRS, 6, 0, 1, cssrs_max, 0, 0,
    NULL, NULL, NULL, NULL, NULL, 0,
    "Columbia Lighthouse Project, C-SSRS screener with triage (clinical.md s4)",
    "free for clinical use, e-versions need permission: numbered items only",
    0, NULL, NULL, NULL};
static const struct scale_def cadss = {
    "cadss", "CADSS", SCALE_KIND_DISSOCIATION, SCALE_RULE_SUM, 23, 0, 4, NULL, 0, 92,
    NULL, NULL, NULL, NULL, NULL, 0,
    "Bremner et al., J Trauma Stress 1998;11:125 (23 subjective items; no bands)",
    "author copyright: numbered items only",
    0, NULL, NULL, NULL};
static const struct scale_def bprs4 = {
    "bprs4", "BPRS positive (4 items)", SCALE_KIND_PSYCHOSIS, SCALE_RULE_SUM, 4, 1, 7, NULL, 4, 28,
    NULL, NULL, NULL, NULL, NULL, 0,
    "Overall & Gorham 1962; 4 positive items as used in ketamine trials (no cut-off)",
    "licence unverified: numbered items only",
    0, NULL, NULL, NULL};
static const struct scale_def nrs = {
    "nrs", "NRS pain", SCALE_KIND_PAIN, SCALE_RULE_SUM, 1, 0, 10, NULL, 0, 10,
    nrs_text, NULL, NULL, NULL, NULL, 0, "generic 0-10 numeric rating scale",
    "generic: item text shipped",
    0, NULL, NULL, NULL};
static const struct scale_def aldrete = {
    "aldrete", "Modified Aldrete", SCALE_KIND_RECOVERY, SCALE_RULE_SUM, 5, 0, 2, NULL, 0, 10,
    aldrete_text, NULL, NULL, NULL, NULL, 0,
    "Aldrete, J Clin Anesth 1995;7:89 (5 items 0-2, max 10; pass mark in protocol)",
    "widely reproduced: item text shipped",
    0, NULL, NULL, NULL};

const struct scale_def *const scale_table[] = {&phq9, &phq8,  &gad7,  &pcl5,  &caps5, &qids,
                                              &madrs, &hamd, &ybocs, &cssrs, &cadss,
                                              &bprs4, &nrs,  &aldrete};
const int scale_table_len = N(scale_table);
