/* screen.c — screening rules: history conditions (table below, per drug), age, pregnancy,
 * hepatic grade, treatment-resistance history, baseline-vitals gate and interactions.
 * Sources: clinical.md s1c, s2; the SPRAVATO label for esketamine, consensus for racemic. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clinic/screen.h"

#define LABEL "SPRAVATO US label / Medication Guide"
#define ASRA "ASRA/AAPM/ASA consensus, Cohen et al., Reg Anesth Pain Med 2018"
#define SANACORA "Sanacora et al., JAMA Psychiatry 2017 (consensus)"
#define PHASE3 "esketamine phase 3 trials enrolled non-psychotic depression only (Popova et al., " \
               "Am J Psychiatry 2019, TRANSFORM-2); clinic protocol screen.psychosis_excludes"
#define KETALAR "Ketalar (ketamine HCl injection, IV/IM) US label, CONTRAINDICATIONS: patients " \
                "for whom a significant elevation of blood pressure would constitute a serious " \
                "hazard (clinical.md s11, V)"
#define LABEL_BP LABEL " 5.6: do not administer where an increase in blood pressure or " \
                 "intracranial pressure poses a serious risk"
#define NONE_ (-1)

static const char *const history_names[SCREEN_H_COUNT] = {
    "psychosis-current", "psychosis-history", "bipolar", "substance-use-active",
    "substance-use-history", "aneurysm", "avm", "intracerebral-haemorrhage",
    "uncontrolled-hypertension", "cardiovascular-disease-uncontrolled", "raised-icp",
    "raised-iop", "cystitis", "porphyria", "thyroid-disease", "hypersensitivity-ketamine"};

const char *screen_history_name(enum screen_history h)
{
    return (unsigned)h < SCREEN_H_COUNT ? history_names[h] : "?";
}

int screen_history_parse(const char *name, enum screen_history *out)
{
    for (int i = 0; name && i < SCREEN_H_COUNT; i++)
        if (strcmp(history_names[i], name) == 0) {
            *out = (enum screen_history)i;
            return KC_OK;
        }
    return KC_ENOTFOUND;
}

const char *screen_severity_name(enum screen_severity s)
{
    return s == SCREEN_ABSOLUTE ? "absolute" : s == SCREEN_RELATIVE ? "relative" : "caution";
}

const char *screen_outcome_name(enum screen_outcome o)
{
    return o == SCREEN_NOT_ELIGIBLE              ? "not eligible"
           : o == SCREEN_ELIGIBLE_WITH_CAUTIONS ? "eligible with cautions"
                                                : "eligible";
}

/* One row per history condition: severity for esketamine (its label) and racemic ketamine (the
 * Ketalar label where it speaks, else consensus), and the protocol entry by which a clinic may
 * make the condition absolute.  Where the label makes it absolute the entry's safe range is 1-1,
 * so no protocol can relax it (issue 14: relative -> absolute allowed, never the reverse).  The
 * Ketalar label covers the IV and IM routes; the other racemic routes (SC, oral, SL, nasal) give
 * the same drug, whose blood-pressure rise is the hazard, so they follow it (product decision). */
static const struct {
    enum screen_history h;
    int sev_esk, sev_rac;
    const char *text, *src_esk, *src_rac, *action, *abs_key;
} history_rules[] = {
    {SCREEN_H_ANEURYSM, SCREEN_ABSOLUTE, SCREEN_ABSOLUTE, "aneurysmal vascular disease",
     LABEL " (contraindication)", KETALAR,
     "do not give ketamine or esketamine (the blood-pressure rise is a serious hazard)",
     "screen.absolute_aneurysm"},
    {SCREEN_H_AVM, SCREEN_ABSOLUTE, SCREEN_ABSOLUTE, "arteriovenous malformation",
     LABEL " (contraindication)", KETALAR,
     "do not give ketamine or esketamine (the blood-pressure rise is a serious hazard)",
     "screen.absolute_avm"},
    {SCREEN_H_ICH, SCREEN_ABSOLUTE, SCREEN_ABSOLUTE, "history of intracerebral haemorrhage",
     LABEL " (contraindication)", KETALAR,
     "do not give ketamine or esketamine (the blood-pressure rise is a serious hazard)",
     "screen.absolute_ich"},
    {SCREEN_H_HYPERSENSITIVITY, SCREEN_ABSOLUTE, SCREEN_ABSOLUTE,
     "hypersensitivity to esketamine, ketamine or excipients", LABEL " (contraindication)",
     "Ketalar US label (contraindication: known hypersensitivity); clinical.md s2",
     "do not give ketamine or esketamine", "screen.absolute_hypersensitivity"},
    {SCREEN_H_HTN_UNCONTROLLED, SCREEN_ABSOLUTE, SCREEN_ABSOLUTE, "uncontrolled hypertension",
     LABEL_BP, KETALAR "; Swiss Ketalar SmPC (untreated above 180/100)",
     "do not dose until blood pressure is controlled; then screen again",
     "screen.absolute_uncontrolled_hypertension"},
    {SCREEN_H_CVD_UNCONTROLLED, SCREEN_RELATIVE, SCREEN_RELATIVE,
     "poorly controlled cardiovascular or cerebrovascular disease",
     LABEL " (warning: cardio/cerebrovascular disease)", ASRA,
     "cardiology review; dose only when controlled", "screen.absolute_cvd_uncontrolled"},
    {SCREEN_H_PSYCHOSIS_CURRENT, SCREEN_RELATIVE, SCREEN_RELATIVE, "current psychosis",
     LABEL " (assess psychosis before treating)", ASRA " (avoid in poorly controlled psychosis)",
     "psychiatric assessment; avoid until controlled", NULL},
    {SCREEN_H_PSYCHOSIS_HISTORY, SCREEN_CAUTION, SCREEN_CAUTION, "history of psychosis",
     LABEL " (assess psychosis before treating)", ASRA,
     "weigh risk of relapse; monitor BPRS positive items each session", NULL},
    {SCREEN_H_BIPOLAR, SCREEN_CAUTION, SCREEN_CAUTION, "bipolar disorder",
     "Osmind intake guide; Diazgranados, Arch Gen Psychiatry 2010",
     "Osmind intake guide; Diazgranados, Arch Gen Psychiatry 2010",
     "expect mood-stabiliser cover; monitor for a manic switch", NULL},
    {SCREEN_H_SUD_ACTIVE, SCREEN_CAUTION, SCREEN_RELATIVE, "active substance use disorder",
     LABEL " (abuse/misuse: careful consideration)", ASRA " (no serial infusions)",
     "addiction assessment; no serial infusions while active (ASRA)",
     "screen.absolute_substance_use_active"},
    {SCREEN_H_SUD_HISTORY, SCREEN_CAUTION, SCREEN_CAUTION, "history of substance use disorder",
     LABEL " (abuse/misuse)", ASRA, "monitor for misuse; document the risk discussion", NULL},
    {SCREEN_H_RAISED_ICP, SCREEN_RELATIVE, SCREEN_RELATIVE, "raised intracranial pressure",
     LABEL_BP "; " ASRA " (avoid or low dose with caution, grade C)", ASRA " (grade C)",
     "avoid, or low dose with caution after neurology review", "screen.absolute_raised_icp"},
    {SCREEN_H_RAISED_IOP, SCREEN_RELATIVE, SCREEN_RELATIVE, "raised intraocular pressure",
     ASRA " (avoid or low dose with caution, grade C)", ASRA " (grade C)",
     "avoid, or low dose with caution after ophthalmology review", "screen.absolute_raised_iop"},
    {SCREEN_H_CYSTITIS, SCREEN_CAUTION, SCREEN_CAUTION, "interstitial/ulcerative cystitis",
     LABEL " (warning)", LABEL " by analogy", "monitor urinary symptoms; refer if they worsen",
     NULL},
    {SCREEN_H_PORPHYRIA, SCREEN_RELATIVE, SCREEN_RELATIVE, "porphyria",
     "ACEP sedation guideline 2011 (secondary)", "ACEP sedation guideline 2011 (secondary)",
     "clinician review (sympathomimetic risk)", "screen.absolute_porphyria"},
    {SCREEN_H_THYROID, SCREEN_RELATIVE, SCREEN_RELATIVE, "thyroid disease",
     "ACEP sedation guideline 2011 (secondary)", "ACEP sedation guideline 2011 (secondary)",
     "check thyroid control; clinician review (sympathomimetic risk)",
     "screen.absolute_thyroid"},
};

/* Interaction classes (REMS PMF classes V; others as cited). */
static const struct {
    enum screen_drug_class c;
    const char *id;
    int sev;
    const char *effect, *source, *action;
} ddi_rules[] = {
    {SCREEN_DC_BENZODIAZEPINE, "ddi-benzodiazepine", SCREEN_CAUTION, "additive sedation",
     "SPRAVATO REMS Patient Monitoring Form (concomitant benzodiazepines)",
     "monitor sedation (MOAA/S) and SpO2; esketamine: record on the REMS PMF"},
    {SCREEN_DC_SEDATIVE, "ddi-sedative", SCREEN_CAUTION, "additive sedation",
     "SPRAVATO REMS Patient Monitoring Form (non-benzodiazepine sedative-hypnotics)",
     "monitor sedation and SpO2; esketamine: record on the REMS PMF"},
    {SCREEN_DC_OPIOID, "ddi-opioid", SCREEN_CAUTION, "sedation and respiratory depression",
     "SPRAVATO REMS Patient Monitoring Form (opioids; respiratory depression warning Oct 2023)",
     "continuous SpO2; esketamine: record on the REMS PMF"},
    {SCREEN_DC_STIMULANT, "ddi-stimulant", SCREEN_CAUTION, "blood pressure rise",
     "SPRAVATO REMS Patient Monitoring Form (psychostimulants); SPRAVATO label",
     "check BP closely before and after dosing; esketamine: record on the REMS PMF"},
    {SCREEN_DC_MAOI, "ddi-maoi", SCREEN_RELATIVE, "blood pressure rise",
     "SPRAVATO REMS Patient Monitoring Form (MAOIs); SPRAVATO label",
     "clinician review before dosing; close BP monitoring; esketamine: record on the REMS PMF"},
    {SCREEN_DC_LAMOTRIGINE, "ddi-lamotrigine", SCREEN_CAUTION, "may blunt the ketamine effect",
     "Anand et al., Arch Gen Psychiatry 2000;57:270 (healthy volunteers; unverified here)",
     "note it when judging response; no dose change implied"},
    {SCREEN_DC_CYP_INHIBITOR, "ddi-cyp-inhibitor", SCREEN_CAUTION,
     "strong CYP3A4/CYP2B6 inhibitor: higher ketamine exposure (most for oral dosing)",
     "ketamine is N-demethylated by CYP2B6 and CYP3A4; clarithromycin raised oral S-ketamine "
     "exposure (Hagelberg, Eur J Pain 2010; unverified here)",
     "consider a lower oral dose; watch for prolonged effects"},
    {SCREEN_DC_CYP_INDUCER, "ddi-cyp-inducer", SCREEN_CAUTION,
     "CYP3A4/CYP2B6 inducer: lower ketamine exposure (most for oral dosing)",
     "ketamine CYP2B6/CYP3A4 metabolism; rifampicin lowered oral S-ketamine exposure "
     "(Peltoniemi, Basic Clin Pharmacol Toxicol 2012; unverified here)",
     "expect less effect from oral ketamine; no change for IV"},
};

static struct screen_finding *add(struct screen_result *r, const char *id, int sev,
                                  const char *source, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static struct screen_finding *add(struct screen_result *r, const char *id, int sev,
                                  const char *source, const char *action, const char *fmt, ...)
{
    if (r->n_findings >= SCREEN_MAX_FINDINGS) return NULL;
    struct screen_finding *f = &r->findings[r->n_findings++];
    va_list ap;
    f->id = id;
    f->severity = (enum screen_severity)sev;
    f->source = source;
    snprintf(f->action, sizeof f->action, "%s", action);
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof f->text, fmt, ap);
    va_end(ap);
    return f;
}

static int has_diag(const struct screen_input *in, const char *d)
{
    for (int i = 0; i < in->n_diagnoses; i++)
        if (strcmp(in->diagnoses[i], d) == 0) return 1;
    return 0;
}

static int has_class(const struct screen_input *in, enum screen_drug_class c)
{
    for (int i = 0; i < in->n_meds; i++)
        if (screen_drug_class_of(in->meds[i], 0) == c || screen_drug_class_of(in->meds[i], 1) == c)
            return 1;
    return 0;
}

static void vitals_gate(const struct protocol *p, const struct screen_input *in,
                        struct screen_result *r)
{
    double sbp = protocol_use(p, "gate.sbp_max_mmhg", &r->trace);
    double dbp = protocol_use(p, "gate.dbp_max_mmhg", &r->trace);
    double hr = protocol_use(p, "gate.hr_max_bpm", &r->trace);
    double spo2 = protocol_use(p, "gate.spo2_min_pct", &r->trace);
    if (in->sbp_mmhg <= 0 || in->dbp_mmhg <= 0)
        add(r, "bp-missing", SCREEN_CAUTION, LABEL " (measure BP before dosing)",
            "measure baseline BP before the first dose", "baseline BP not recorded");
    else if (in->sbp_mmhg > sbp || in->dbp_mmhg > dbp)
        add(r, "bp-gate", SCREEN_RELATIVE, LABEL "; " SANACORA " (attributed)",
            "clinician review before dosing; weigh the short-term BP rise against benefit",
            "BP %.0f/%.0f above the %.0f/%.0f gate", in->sbp_mmhg, in->dbp_mmhg, sbp, dbp);
    if (in->hr_bpm > hr)
        add(r, "hr-gate", SCREEN_CAUTION, SANACORA " (attributed HR 110; unverified)",
            "recheck; clinician review before dosing", "heart rate %.0f above %.0f", in->hr_bpm,
            hr);
    if (in->spo2_pct > 0 && in->spo2_pct < spo2)
        add(r, "spo2-gate", SCREEN_RELATIVE, "modified Aldrete (SpO2 >92% on air)",
            "assess respiratory status before dosing", "SpO2 %.0f%% below %.0f%%", in->spo2_pct,
            spo2);
}

int screen_evaluate(const struct protocol *p, const struct screen_input *in,
                    struct screen_result *out, struct kc_error *err)
{
    struct screen_result r;
    int esk = in->drug == SCREEN_DRUG_ESKETAMINE;
    memset(&r, 0, sizeof r);
    protocol_trace_begin(&r.trace, p);
    if (in->age_years <= 0 || in->age_years > 120)
        return kc_error_set(err, KC_EINVAL, "age: expected 1-120 years");
    if (esk != (in->route == DOSE_ROUTE_NASAL_ESK))
        return kc_error_set(err, KC_EINVAL,
                            "drug/route: esketamine is given by the nasal route only, and the "
                            "nasal route here is esketamine only");
    double min_age = protocol_use(p, "screen.min_age_years", &r.trace);
    if (in->age_years < min_age)
        add(&r, "age", SCREEN_ABSOLUTE, esk ? LABEL " (adults)" : "adult indications (RCTs in adults)",
            "not for treatment in this clinic below the minimum age", "age %d below %.0f",
            in->age_years, min_age);
    /* the EU/HK start of 28 mg from 65 is a region setting; the US label has none (issue 14) */
    if (esk && in->age_years >= protocol_use(p, "esk.older_age_years", &r.trace) &&
        protocol_use(p, "esk.label_region", &r.trace) >= 1.5)
        add(&r, "age-older", SCREEN_CAUTION, "SPRAVATO EU SmPC / HK label (esk.label_region 2)",
            "start at 28 mg", "age %d: 65 or older", in->age_years);
    for (size_t i = 0; i < sizeof history_rules / sizeof history_rules[0]; i++) {
        if (!(in->history & (1u << history_rules[i].h))) continue;
        int sev = esk ? history_rules[i].sev_esk : history_rules[i].sev_rac;
        if (sev == NONE_) continue;
        const char *action = history_rules[i].action;
        const char *source = esk ? history_rules[i].src_esk : history_rules[i].src_rac;
        if ((history_rules[i].h == SCREEN_H_PSYCHOSIS_CURRENT ||
             history_rules[i].h == SCREEN_H_PSYCHOSIS_HISTORY) &&
            protocol_use(p, "screen.psychosis_excludes", &r.trace) >= 0.5) {
            /* The label and the consensus only ask for an assessment; this clinic's protocol (the
             * default, issue 8) excludes, as the trials did.  0 restores the table's severity. */
            sev = SCREEN_ABSOLUTE;
            source = PHASE3;
            action = "not eligible under this clinic's protocol; a psychiatric review may refer "
                     "back if the clinic's protocol allows (screen.psychosis_excludes = 0)";
        }
        if (history_rules[i].h == SCREEN_H_BIPOLAR && !has_class(in, SCREEN_DC_MOOD_STABILISER)) {
            sev = SCREEN_RELATIVE;
            action = "no mood stabiliser listed: start one or document why not; monitor for a "
                     "manic switch";
        }
        if (history_rules[i].abs_key &&
            protocol_use(p, history_rules[i].abs_key, &r.trace) >= 0.5 && sev != SCREEN_ABSOLUTE) {
            /* the clinic's protocol makes this relative contraindication absolute */
            sev = SCREEN_ABSOLUTE;
            action = "not eligible under this clinic's protocol, which makes this condition an "
                     "absolute contraindication (the label or consensus asks for review)";
        }
        add(&r, screen_history_name(history_rules[i].h), sev, source, action, "%s",
            history_rules[i].text);
    }
    /* An allergy to ketamine or esketamine is the label's hypersensitivity contraindication, even
     * when the history box was not ticked.  Brands: Ketalar (ketamine), Spravato (esketamine). */
    if (!(in->history & (1u << SCREEN_H_HYPERSENSITIVITY)))
        for (int i = 0; i < in->n_allergies; i++)
            if (strstr(in->allergies[i], "ketamine") || strstr(in->allergies[i], "ketalar") ||
                strstr(in->allergies[i], "spravato")) {
                add(&r, "allergy-ketamine", SCREEN_ABSOLUTE,
                    esk ? LABEL " (contraindication: hypersensitivity)"
                        : "ketamine label (contraindication: known hypersensitivity); clinical.md s2",
                    "do not give ketamine or esketamine", "recorded allergy: %s", in->allergies[i]);
                break;
            }
    if (in->pregnant)
        add(&r, "pregnancy", SCREEN_RELATIVE, LABEL " (embryo-fetal risk; not recommended)",
            "do not treat during pregnancy unless specialist review decides otherwise", "pregnant");
    if (in->breastfeeding)
        add(&r, "breastfeeding", SCREEN_RELATIVE, LABEL " (not recommended)",
            "specialist review; consider pausing breastfeeding", "breastfeeding");
    if (in->hepatic_grade == 3)
        add(&r, "hepatic-severe", SCREEN_RELATIVE,
            esk ? LABEL " (severe: not recommended)" : ASRA " (severe hepatic disease: avoid)",
            "avoid", "severe hepatic impairment (Child-Pugh C)");
    else if (in->hepatic_grade == 2)
        add(&r, "hepatic-moderate", SCREEN_CAUTION,
            esk ? LABEL " (moderate: longer monitoring)" : ASRA,
            "longer post-dose monitoring", "moderate hepatic impairment (Child-Pugh B)");
    int mdsi = has_diag(in, "mdsi");
    if (in->adequate_trials < 0)
        add(&r, "trd-unknown", SCREEN_CAUTION, LABEL " (TRD: >=2 adequate antidepressant trials)",
            "record the treatment-resistance history", "antidepressant trial history not recorded");
    else if (in->adequate_trials < protocol_use(p, "screen.trd_min_trials", &r.trace) && !mdsi)
        add(&r, "trd-definition", esk ? SCREEN_RELATIVE : SCREEN_CAUTION,
            esk ? LABEL " (indication: TRD = >=2 adequate trials, or MDSI)"
                : "Swainson, Can J Psychiatry 2021 (CANMAT: third-line)",
            esk ? "off-label: document the rationale or do not start"
                : "document why ketamine precedes other treatments",
            "%d adequate antidepressant trial%s: below the TRD definition (%.0f)",
            in->adequate_trials, in->adequate_trials == 1 ? "" : "s",
            protocol_use(p, "screen.trd_min_trials", NULL));
    if (in->n_diagnoses == 0)
        add(&r, "diagnosis-missing", SCREEN_CAUTION, "clinical.md s2 (pre-treatment evaluation)",
            "record the psychiatric diagnosis", "no diagnosis recorded");
    if ((in->weight_kg <= 0 || in->height_cm <= 0) && !esk)
        add(&r, "anthropometrics-missing", SCREEN_CAUTION, "clinical.md s2; clinical.md s9.2",
            "record weight and height (needed for mg/kg and the weight basis)",
            "weight or height not recorded");
    if (in->weight_kg > 0 && in->height_cm > 0 && !esk) {
        double bmi = in->weight_kg / ((in->height_cm / 100) * (in->height_cm / 100));
        double thr = protocol_use(p, "iv.ibw_bmi_threshold", &r.trace);
        if (bmi > thr)
            add(&r, "bmi", SCREEN_CAUTION, SANACORA " (BMI >30: consider ideal body weight; "
                                                    "unverified)",
                "choose the weight basis (actual, ideal or adjusted) in the dose plan",
                "BMI %.1f above %.0f", bmi, thr);
    }
    vitals_gate(p, in, &r);
    for (int m = 0; m < in->n_meds; m++) {
        int known = 0;
        for (int w = 0; w < 2; w++) {
            enum screen_drug_class c = screen_drug_class_of(in->meds[m], w);
            if (c != SCREEN_DC_NONE) known = 1;
            for (size_t k = 0; k < sizeof ddi_rules / sizeof ddi_rules[0]; k++)
                if (ddi_rules[k].c == c)
                    add(&r, ddi_rules[k].id, ddi_rules[k].sev, ddi_rules[k].source,
                        ddi_rules[k].action, "%s: %s", in->meds[m], ddi_rules[k].effect);
        }
        if (!known)
            add(&r, "ddi-unknown", SCREEN_CAUTION, "ketaclinic interaction table (screen_drugs.c)",
                "check interactions manually", "%s is not in the interaction table",
                in->meds[m]);
    }
    r.outcome = SCREEN_ELIGIBLE;
    for (int i = 0; i < r.n_findings; i++) {
        if (r.findings[i].severity == SCREEN_ABSOLUTE) r.outcome = SCREEN_NOT_ELIGIBLE;
        else if (r.outcome == SCREEN_ELIGIBLE) r.outcome = SCREEN_ELIGIBLE_WITH_CAUTIONS;
    }
    if (r.n_findings >= SCREEN_MAX_FINDINGS)
        return kc_error_set(err, KC_ELIMIT, "more than %d screening findings", SCREEN_MAX_FINDINGS);
    *out = r;
    return KC_OK;
}
