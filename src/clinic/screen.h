/* screen.h — pre-treatment screening: contraindications (esketamine per its label, racemic
 * ketamine per consensus statements), cautions, baseline-vitals gate and drug interactions.
 * Output: eligible / eligible with cautions / not eligible, with every finding, its severity,
 * its source and what the clinician must do.  Pure: JSON text in, no I/O. */
#ifndef KC_CLINIC_SCREEN_H
#define KC_CLINIC_SCREEN_H

#include "base/error.h"
#include "clinic/dose.h"
#include "clinic/protocol.h"

enum screen_drug { SCREEN_DRUG_KETAMINE, SCREEN_DRUG_ESKETAMINE };
enum screen_severity { SCREEN_CAUTION, SCREEN_RELATIVE, SCREEN_ABSOLUTE };
enum screen_outcome { SCREEN_ELIGIBLE, SCREEN_ELIGIBLE_WITH_CAUTIONS, SCREEN_NOT_ELIGIBLE };

/* History conditions, each a bit in screen_input.history (names in screen_history_name). */
enum screen_history {
    SCREEN_H_PSYCHOSIS_CURRENT,
    SCREEN_H_PSYCHOSIS_HISTORY,
    SCREEN_H_BIPOLAR,
    SCREEN_H_SUD_ACTIVE,
    SCREEN_H_SUD_HISTORY,
    SCREEN_H_ANEURYSM,
    SCREEN_H_AVM,
    SCREEN_H_ICH,
    SCREEN_H_HTN_UNCONTROLLED,
    SCREEN_H_CVD_UNCONTROLLED,
    SCREEN_H_RAISED_ICP,
    SCREEN_H_RAISED_IOP,
    SCREEN_H_CYSTITIS,
    SCREEN_H_PORPHYRIA,
    SCREEN_H_THYROID,
    SCREEN_H_HYPERSENSITIVITY,
    SCREEN_H_COUNT
};
const char *screen_history_name(enum screen_history h);
/* KC_ENOTFOUND for an unknown name. */
int screen_history_parse(const char *name, enum screen_history *out);

#define SCREEN_MAX_MEDS 32
#define SCREEN_MAX_DIAG 8
#define SCREEN_NAME_MAX 48

struct screen_input {
    int age_years;               /* required, 0-120 */
    enum dose_sex sex;           /* UNKNOWN allowed */
    int pregnant, breastfeeding; /* 0/1 */
    double weight_kg, height_cm; /* 0 = not recorded */
    char diagnoses[SCREEN_MAX_DIAG][SCREEN_NAME_MAX]; /* "mdd", "trd", "mdsi", "bipolar-depression", "ptsd", "ocd", "gad", "crps", ... */
    int n_diagnoses;
    unsigned history; /* bit set of 1u << enum screen_history */
    int hepatic_grade; /* 0 none, 1 mild (Child-Pugh A), 2 moderate (B), 3 severe (C) */
    char meds[SCREEN_MAX_MEDS][SCREEN_NAME_MAX]; /* generic names, lower case */
    int n_meds;
    /* recorded allergies (substances, lower case; "ketamine", "latex"); one naming ketamine,
     * esketamine or a brand of either is the hypersensitivity contraindication */
    char allergies[SCREEN_MAX_MEDS][SCREEN_NAME_MAX];
    int n_allergies;
    double sbp_mmhg, dbp_mmhg, hr_bpm, spo2_pct; /* baseline vitals; 0 = not measured */
    int adequate_trials; /* adequate antidepressant trials in this episode; -1 = unknown */
    enum screen_drug drug;
    enum dose_route route;
};

#define SCREEN_MAX_FINDINGS 48
struct screen_finding {
    const char *id;       /* stable short id, e.g. "aneurysm", "bp-gate", "ddi-benzodiazepine" */
    enum screen_severity severity;
    char text[200];       /* what was found */
    const char *source;   /* label / consensus / paper */
    char action[240];     /* what the clinician must do */
};

struct screen_result {
    enum screen_outcome outcome;
    struct screen_finding findings[SCREEN_MAX_FINDINGS];
    int n_findings;
    struct protocol_trace trace;
};

const char *screen_severity_name(enum screen_severity s);
const char *screen_outcome_name(enum screen_outcome o);

/* Parses the patient JSON (see docs/clinical-sources.md "Screening input") into *out.  Unknown
 * fields, unknown history names and out-of-range values are KC_EINVAL naming the field; the
 * text is borrowed. */
int screen_parse_json(const char *json_text, struct screen_input *out, struct kc_error *err);

/* Evaluates in against protocol p.  The outcome is NOT_ELIGIBLE when any finding is absolute,
 * ELIGIBLE_WITH_CAUTIONS when there is any other finding, else ELIGIBLE.  KC_EINVAL for an
 * inconsistent input (esketamine by a route other than nasal, age missing). */
int screen_evaluate(const struct protocol *p, const struct screen_input *in,
                    struct screen_result *out, struct kc_error *err);

/* Interaction classes (screen_drugs.c). */
enum screen_drug_class {
    SCREEN_DC_NONE,
    SCREEN_DC_BENZODIAZEPINE,
    SCREEN_DC_SEDATIVE,
    SCREEN_DC_OPIOID,
    SCREEN_DC_STIMULANT,
    SCREEN_DC_MAOI,
    SCREEN_DC_LAMOTRIGINE,
    SCREEN_DC_CYP_INHIBITOR,
    SCREEN_DC_CYP_INDUCER,
    SCREEN_DC_MOOD_STABILISER,
    SCREEN_DC_ANTIDEPRESSANT,
};
/* Class of a generic drug name (lower case), SCREEN_DC_NONE when not in the table.  A drug may
 * be in two classes (lamotrigine is also a mood stabiliser): call with which = 0, 1. */
enum screen_drug_class screen_drug_class_of(const char *name, int which);

#endif
