/* rems.h — the SPRAVATO REMS (FDA REMS #386) paperwork of an outpatient esketamine session: the
 * Patient Monitoring Form (PMF) filled from the session record, the check that refuses signing
 * while a required field is empty, the 7-day submission tracker, and the rule that a patient is
 * enrolled before the first dose.  Pure: no I/O, no clock.  Fields and deadlines: clinical.md
 * §1c (spravatorems.com, V); see docs/clinical-sources.md "Billing and REMS". */
#ifndef KC_CLINIC_REMS_H
#define KC_CLINIC_REMS_H

#include "base/error.h"

/* PMF is filed within 7 days of each session (REMS #386, clinical.md §1c). */
#define REMS_PMF_DAYS 7
/* BP "about 40 min" after the dose (label via spravatohcp, clinical.md §1c): the reading
 * nearest to 40 min within this window counts. */
#define REMS_BP40_MIN 30
#define REMS_BP40_MAX 50

enum rems_yn { REMS_UNSET = -1, REMS_NO = 0, REMS_YES = 1 };

struct rems_form {
    /* patient */
    char patient_name[128], birth_date[11], sex[16];
    int first_treatment; /* rems_yn */
    int enrolled;        /* rems_yn: enrolled in the REMS on the session date */
    /* concomitant medications (PMF classes; opioids added in later versions) */
    int benzodiazepines, sedative_hypnotics, psychostimulants, maois, opioids; /* rems_yn */
    /* the session */
    char monitoring_hcp[64], setting[64], session_date[11];
    int dose_mg;            /* total esketamine given (56, 84, or the other amount) */
    char lot[64];
    int total_duration_min; /* first device to end of monitoring */
    int ready_to_leave_min; /* after the first device, when the patient was ready to leave */
    int vitals_ok_pre, vitals_ok_end; /* rems_yn: acceptable before dosing / at the end */
    int bp_pre_sys, bp_pre_dia, bp_40_sys, bp_40_dia, bp_end_sys, bp_end_dia; /* mmHg, 0 = none */
    int sedation, dissociation, respiratory_depression; /* rems_yn */
    int serious_ae;                                     /* rems_yn */
    char sae_description[256];                          /* required when serious_ae is yes */
};
void rems_form_init(struct rems_form *f); /* every field empty / REMS_UNSET */

/* One blood-pressure reading, minutes from the first device (negative = before dosing). */
struct rems_bp {
    double at_min;
    int sys, dia;
};
/* What the session record holds.  Strings borrowed; NULL = not recorded. */
struct rems_facts {
    const char *patient_name, *birth_date, *sex;
    int first_treatment;     /* 1 when no earlier esketamine session, 0 otherwise */
    int enrolled;            /* REMS enrolment on file on the session date */
    const char *const *medications; /* active medication names (generic, lower case) */
    int n_medications;
    const char *monitoring_hcp, *setting, *session_date;
    int dose_mg;
    const char *lot;
    double monitoring_end_min;      /* end of monitoring (session end), minutes after dose; <0 none */
    double ready_min;               /* discharge readiness, minutes after the dose; <0 none */
    const struct rems_bp *bp;       /* in time order */
    int n_bp;
    const char *const *side_effects; /* side-effect codes recorded in the session */
    int n_side_effects;
};
/* Fills every field the record can give: patient, enrolment, medication classes (through the
 * screening module's drug classes), dose, lot, durations, the three BP readings (last before
 * dosing; nearest to 40 min within 30-50 min; last after 40 min), sedation / dissociation /
 * respiratory depression / serious AE from side-effect codes ("sedation", "dissociation",
 * "respiratory_depression", "serious_ae"; absent codes give "no").  Vitals acceptability is
 * left for the clinician.  *out is re-initialised first. */
void rems_form_fill(const struct rems_facts *f, struct rems_form *out);

/* 0 when every required field is filled; else KC_EINVAL with the missing fields named (comma
 * separated) in err, and *n_missing (may be NULL) set. */
int rems_form_check(const struct rems_form *f, int *n_missing, struct kc_error *err);

/* The tracker: state of a session's PMF on day today (days from 1970). */
enum rems_pmf_state { REMS_PMF_DUE, REMS_PMF_OVERDUE, REMS_PMF_SUBMITTED, REMS_PMF_LATE };
/* due_day = session_day + REMS_PMF_DAYS.  submitted_day < 0: not submitted (DUE until due_day,
 * OVERDUE after); else SUBMITTED when on or before due_day, LATE otherwise. */
enum rems_pmf_state rems_pmf_state(long session_day, long submitted_day, long today,
                                   long *due_day);
const char *rems_pmf_state_name(enum rems_pmf_state s); /* "due", "overdue", ... */

/* The scheduler's rule: an outpatient esketamine dose on dose_day needs REMS enrolment on or
 * before that day.  enrolled_day < 0: not enrolled.  KC_EDENIED saying which. */
int rems_check_enrolment(long enrolled_day, long dose_day, struct kc_error *err);

#endif
