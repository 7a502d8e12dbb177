/* rems.c — the SPRAVATO REMS Patient Monitoring Form from the session record, its completeness
 * check before signing, the 7-day tracker and the enrolment-before-first-dose rule. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clinic/course.h"
#include "clinic/rems.h"
#include "clinic/screen.h"

void rems_form_init(struct rems_form *f)
{
    memset(f, 0, sizeof *f);
    int *yn[] = {&f->first_treatment, &f->enrolled, &f->benzodiazepines, &f->sedative_hypnotics,
                 &f->psychostimulants, &f->maois, &f->opioids, &f->vitals_ok_pre,
                 &f->vitals_ok_end, &f->sedation, &f->dissociation, &f->respiratory_depression,
                 &f->serious_ae};
    for (size_t i = 0; i < sizeof yn / sizeof yn[0]; i++) *yn[i] = REMS_UNSET;
    f->total_duration_min = -1;
    f->ready_to_leave_min = -1;
}

static void copy(char *dst, size_t n, const char *src)
{
    if (src) snprintf(dst, n, "%s", src);
}

static int has_code(const struct rems_facts *f, const char *code)
{
    for (int i = 0; i < f->n_side_effects; i++)
        if (f->side_effects[i] && strcmp(f->side_effects[i], code) == 0) return REMS_YES;
    return REMS_NO;
}

void rems_form_fill(const struct rems_facts *f, struct rems_form *out)
{
    rems_form_init(out);
    copy(out->patient_name, sizeof out->patient_name, f->patient_name);
    copy(out->birth_date, sizeof out->birth_date, f->birth_date);
    copy(out->sex, sizeof out->sex, f->sex);
    out->first_treatment = f->first_treatment ? REMS_YES : REMS_NO;
    out->enrolled = f->enrolled ? REMS_YES : REMS_NO;
    int *cls[] = {&out->benzodiazepines, &out->sedative_hypnotics, &out->psychostimulants,
                  &out->maois, &out->opioids};
    static const enum screen_drug_class want[] = {SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_SEDATIVE,
                                                  SCREEN_DC_STIMULANT, SCREEN_DC_MAOI,
                                                  SCREEN_DC_OPIOID};
    for (int c = 0; c < 5; c++) {
        *cls[c] = REMS_NO; /* the medication list is the record: absent means not taking */
        for (int i = 0; i < f->n_medications; i++)
            if (f->medications[i] && (screen_drug_class_of(f->medications[i], 0) == want[c] ||
                                      screen_drug_class_of(f->medications[i], 1) == want[c]))
                *cls[c] = REMS_YES;
    }
    copy(out->monitoring_hcp, sizeof out->monitoring_hcp, f->monitoring_hcp);
    copy(out->setting, sizeof out->setting, f->setting);
    copy(out->session_date, sizeof out->session_date, f->session_date);
    out->dose_mg = f->dose_mg;
    copy(out->lot, sizeof out->lot, f->lot);
    if (f->monitoring_end_min >= 0) out->total_duration_min = (int)floor(f->monitoring_end_min);
    if (f->ready_min >= 0) out->ready_to_leave_min = (int)floor(f->ready_min);
    const struct rems_bp *pre = NULL, *mid = NULL, *end = NULL;
    for (int i = 0; i < f->n_bp; i++) {
        const struct rems_bp *b = &f->bp[i];
        if (b->at_min <= 0) pre = b;
        if (b->at_min >= REMS_BP40_MIN && b->at_min <= REMS_BP40_MAX &&
            (!mid || fabs(b->at_min - 40) < fabs(mid->at_min - 40)))
            mid = b;
        if (b->at_min > REMS_BP40_MAX) end = b;
    }
    if (pre) out->bp_pre_sys = pre->sys, out->bp_pre_dia = pre->dia;
    if (mid) out->bp_40_sys = mid->sys, out->bp_40_dia = mid->dia;
    if (end) out->bp_end_sys = end->sys, out->bp_end_dia = end->dia;
    out->sedation = has_code(f, "sedation");
    out->dissociation = has_code(f, "dissociation");
    out->respiratory_depression = has_code(f, "respiratory_depression");
    out->serious_ae = has_code(f, "serious_ae");
}

int rems_form_check(const struct rems_form *f, int *n_missing, struct kc_error *err)
{
    char list[KC_ERROR_MSG_MAX - 64] = "";
    size_t o = 0;
    int n = 0;
#define MISSING(cond, name)                                                                       \
    do {                                                                                          \
        if (cond) {                                                                               \
            int w_ = snprintf(list + o, sizeof list - o, "%s%s", n ? ", " : "", name);          \
            if (w_ > 0 && (size_t)w_ < sizeof list - o) o += (size_t)w_;                          \
            n++;                                                                                  \
        }                                                                                         \
    } while (0)
    MISSING(!f->patient_name[0], "patient_name");
    MISSING(!f->birth_date[0], "birth_date");
    MISSING(!f->sex[0], "sex");
    MISSING(f->first_treatment == REMS_UNSET, "first_treatment");
    MISSING(f->enrolled == REMS_UNSET, "enrolled");
    MISSING(f->benzodiazepines == REMS_UNSET, "benzodiazepines");
    MISSING(f->sedative_hypnotics == REMS_UNSET, "sedative_hypnotics");
    MISSING(f->psychostimulants == REMS_UNSET, "psychostimulants");
    MISSING(f->maois == REMS_UNSET, "maois");
    MISSING(f->opioids == REMS_UNSET, "opioids");
    MISSING(!f->monitoring_hcp[0], "monitoring_hcp");
    MISSING(!f->setting[0], "setting");
    MISSING(!f->session_date[0], "session_date");
    MISSING(f->dose_mg <= 0, "dose_mg");
    MISSING(!f->lot[0], "lot");
    MISSING(f->total_duration_min < 0, "total_duration_min");
    MISSING(f->ready_to_leave_min < 0, "ready_to_leave_min");
    MISSING(f->vitals_ok_pre == REMS_UNSET, "vitals_ok_pre");
    MISSING(f->vitals_ok_end == REMS_UNSET, "vitals_ok_end");
    MISSING(!f->bp_pre_sys || !f->bp_pre_dia, "bp_pre");
    MISSING(!f->bp_40_sys || !f->bp_40_dia, "bp_40");
    MISSING(!f->bp_end_sys || !f->bp_end_dia, "bp_end");
    MISSING(f->sedation == REMS_UNSET, "sedation");
    MISSING(f->dissociation == REMS_UNSET, "dissociation");
    MISSING(f->respiratory_depression == REMS_UNSET, "respiratory_depression");
    MISSING(f->serious_ae == REMS_UNSET, "serious_ae");
    MISSING(f->serious_ae == REMS_YES && !f->sae_description[0], "sae_description");
#undef MISSING
    if (n_missing) *n_missing = n;
    if (!n) return KC_OK;
    return kc_error_set(err, KC_EINVAL, "REMS Patient Monitoring Form incomplete, %d required "
                        "field%s empty: %s", n, n == 1 ? "" : "s", list);
}

enum rems_pmf_state rems_pmf_state(long session_day, long submitted_day, long today,
                                   long *due_day)
{
    long due = session_day + REMS_PMF_DAYS;
    if (due_day) *due_day = due;
    if (submitted_day >= 0) return submitted_day <= due ? REMS_PMF_SUBMITTED : REMS_PMF_LATE;
    return today > due ? REMS_PMF_OVERDUE : REMS_PMF_DUE;
}

const char *rems_pmf_state_name(enum rems_pmf_state s)
{
    static const char *const n[] = {"due", "overdue", "submitted", "submitted late"};
    return (unsigned)s < 4 ? n[s] : "?";
}

int rems_check_enrolment(long enrolled_day, long dose_day, struct kc_error *err)
{
    char d[16], e[16];
    course_date_format(dose_day, d, sizeof d);
    if (enrolled_day < 0)
        return kc_error_set(err, KC_EDENIED, "esketamine on %s refused: the patient is not "
                            "enrolled in the SPRAVATO REMS (enrol before the first dose)", d);
    if (enrolled_day > dose_day) {
        course_date_format(enrolled_day, e, sizeof e);
        return kc_error_set(err, KC_EDENIED, "esketamine on %s refused: REMS enrolment is dated "
                            "%s, after the dose", d, e);
    }
    return KC_OK;
}
