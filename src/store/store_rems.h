/* store_rems.h — SPRAVATO REMS records (schema version 4): patient enrolment, the Patient
 * Monitoring Form of an esketamine session built from the session record (rules in
 * src/clinic/rems.c), signing (refused while a required field is empty), submission, and the
 * 7-day tracker.  Audited like store.h (resource "RemsForm"/"RemsEnrolment"). */
#ifndef KC_STORE_REMS_H
#define KC_STORE_REMS_H

#include <jansson.h>
#include <stdint.h>

#include "clinic/rems.h"
#include "store/store.h"

/* Records the patient's REMS enrolment (enrolled_on "YYYY-MM-DD"; rems_id may be NULL).
 * KC_ECONFLICT when already enrolled. */
int store_rems_enrol(struct store *st, const struct store_actor *who, int64_t patient_id,
                     const char *rems_id, const char *enrolled_on, struct kc_error *err);
/* The enrolment date into enrolled_on ("" when not enrolled). */
int store_rems_enrolment(struct store *st, const struct store_actor *who, int64_t patient_id,
                         char enrolled_on[11], struct kc_error *err);
/* The scheduler's check (rems_check_enrolment) for an esketamine dose on day "YYYY-MM-DD". */
int store_rems_check_dose(struct store *st, const struct store_actor *who, int64_t patient_id,
                          const char *day, struct kc_error *err);

/* The PMF of an esketamine session filled from its record (patient, enrolment on the session
 * date, active medications, first esketamine session or not, staff, dose and lot, BP readings
 * relative to the first dose, end of monitoring = session end, side-effect codes).  KC_EINVAL
 * when the session has no esketamine dose; KC_ENOTFOUND for an unknown session. */
int store_rems_form_build(struct store *st, const struct store_actor *who, int64_t session_id,
                          struct rems_form *out, struct kc_error *err);
/* Applies the clinician's answers to f from a JSON object with only these keys:
 * vitals_ok_pre, vitals_ok_end, sedation, dissociation, respiratory_depression, serious_ae
 * (booleans), ready_to_leave_min (integer >= 0), sae_description, setting, monitoring_hcp
 * (strings; the record's session staff fills monitoring_hcp when it was recorded).  KC_EINVAL
 * naming an unknown key or a bad value; f untouched on error. */
int store_rems_form_answer(struct rems_form *f, const json_t *answers, struct kc_error *err);
/* The form as JSON (yes/no as true/false, empty as null). */
json_t *store_rems_form_json(const struct rems_form *f);
/* Builds the form, applies answers (may be NULL), checks it (rems_form_check: KC_EINVAL naming
 * the empty fields) and stores it signed by who->user.  KC_ECONFLICT when already signed. */
int store_rems_form_sign(struct store *st, const struct store_actor *who, int64_t session_id,
                         const json_t *answers, struct rems_form *out, struct kc_error *err);
/* Marks the signed form submitted to the REMS at (RFC 3339; NULL = now). */
/* The signed copy of a session's form, as it was signed: the form (owned JSON object; the caller
 * decrefs) and who signed and submitted it when ("" when not submitted).  out->form is NULL when
 * the form is not signed (not an error).  One audited read. */
struct store_rems_signed {
    json_t *form;
    char signed_at[32], signed_by[64], submitted_at[32], submitted_by[64];
};
int store_rems_form_signed(struct store *st, const struct store_actor *who, int64_t session_id,
                           struct store_rems_signed *out, struct kc_error *err);
int store_rems_form_submit(struct store *st, const struct store_actor *who, int64_t session_id,
                           const char *at, struct kc_error *err);

struct store_rems_track_row {
    int64_t session_id, patient_id;
    char mrn[32], session_day[11], due_day[11], signed_at[32], submitted_at[32];
    enum rems_pmf_state state;
};
/* Every ended esketamine session with its PMF state on today (days from 1970), oldest first. */
int store_rems_tracker(struct store *st, const struct store_actor *who, long today,
                       int (*fn)(void *ctx, const struct store_rems_track_row *row), void *ctx,
                       struct kc_error *err);

/* Inside the store: store_rems_form_build within the caller's open transaction. */
int store__rems_build_in_tx(struct store *st, int64_t session_id, struct rems_form *out,
                            struct kc_error *err);

#endif
