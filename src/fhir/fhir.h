/* fhir.h — the clinic's records as FHIR R4 (4.0.1) resources: ONE mapping and ONE code table,
 * used by the FHIR REST face (src/http/fhir*.c) and by `ketaclinic patient export`.
 *
 * Layer: above src/store (it reads records through store.h and src/clinic's scale table), below
 * the faces.  Pure JSON building apart from fhir_record/fhir_export_patient, which read through
 * the store (audited there).  Every builder returns a new jansson reference, NULL only when out
 * of memory.  References between resources are relative ("Patient/12"); resource ids are the
 * same in the API and the export.
 *
 * Ids: Patient, Encounter, MedicationAdministration, AdverseEvent, QuestionnaireResponse: the
 * record id.  Observation: "v<id>" a vital sign (a blood pressure pair is ONE panel Observation
 * with the systolic row's id), "w<id>" a body weight, "s<id>" a rating-scale total.
 * Questionnaire: the scale key ("phq9"). */
#ifndef KC_FHIR_FHIR_H
#define KC_FHIR_FHIR_H

#include <jansson.h>

#include "clinic/scale.h"
#include "store/store.h"

#define FHIR_LOINC              "http://loinc.org"
#define FHIR_UCUM               "http://unitsofmeasure.org"
#define FHIR_MRN_SYSTEM         "urn:ketaclinic:mrn"
#define FHIR_LOCAL_SYSTEM       "urn:ketaclinic:code"           /* codes with no LOINC term */
#define FHIR_QUESTIONNAIRE_BASE "urn:ketaclinic:questionnaire:" /* + scale key: canonical */
#define FHIR_OBS_CATEGORY       "http://terminology.hl7.org/CodeSystem/observation-category"
#define FHIR_BP_PANEL           "85354-9" /* FHIR R4 vital-signs profile "bp" */
#define FHIR_BODY_WEIGHT        "29463-7" /* FHIR R4 vital-signs profile "bodyweight" */
#define FHIR_VITALSIGNS_PROFILE "http://hl7.org/fhir/StructureDefinition/vitalsigns"

/* The code table of the vital signs the clinic stores (src/fhir/fhir_codes.c). */
struct fhir_vital_code {
    const char *code;   /* ketaclinic's: "hr" "spo2" "sbp" "dbp" "map" "rr" "temp" "etco2" */
    const char *system; /* FHIR_LOINC, or FHIR_LOCAL_SYSTEM where no term is confirmed */
    const char *loinc;  /* the first coding's code */
    const char *loinc2; /* a second coding (pulse oximetry: 59408-5 beside 2708-6), or NULL */
    const char *display;
    const char *ucum;    /* UCUM code of the value, also its unit text */
    const char *profile; /* the FHIR R4 vital-signs profile URL it meets, or NULL */
};
const struct fhir_vital_code *fhir_vital_by_code(const char *code);
/* By a coding (system NULL = any): the first or the second code, or the local code. */
const struct fhir_vital_code *fhir_vital_by_coding(const char *system, const char *code);

json_t *fhir_patient(const struct store_patient *p);
json_t *fhir_encounter(const struct store_session *s);
/* A vital sign; with dbp (the diastolic of the same session and time) and v a systolic, the
 * blood pressure panel 85354-9 with both components. */
json_t *fhir_vital(const struct store_vital_row *v, const struct store_vital_row *dbp,
                   long long patient_id, long long session_id);
json_t *fhir_weight(const struct store_weight_row *w, long long patient_id);
/* A scale result: the total as an Observation (category survey) derived from its
 * QuestionnaireResponse, and the response itself (answers as given). */
json_t *fhir_scale_total(const struct store_scale_row *s, long long patient_id);
json_t *fhir_questionnaire_response(const struct store_scale_row *s, const int *answers,
                                    int n_answers, long long patient_id);
json_t *fhir_questionnaire(const struct scale_def *def);
json_t *fhir_adverse_event(const struct store_side_effect_row *e, long long patient_id,
                           long long session_id);
json_t *fhir_medication_administration(const struct store_dose_row *d, long long patient_id);
json_t *fhir_audit_event(const struct store_audit_entry *a);
/* severity "error"/"information"; code from the FHIR issue-type value set. */
json_t *fhir_outcome(const char *severity, const char *code, const char *diagnostics);

/* The parts of a record fhir_record reads. */
enum {
    FHIR_PART_PATIENT = 1,
    FHIR_PART_WEIGHT = 2,
    FHIR_PART_ENCOUNTER = 4,
    FHIR_PART_DOSE = 8,
    FHIR_PART_VITAL = 16,
    FHIR_PART_SCALE = 32,
    FHIR_PART_ADVERSE = 64,
    FHIR_PART_ALL = 127
};
/* Appends the resources of a patient's record (the parts asked for; only_id > 0: only the rows
 * with that id) to out, in a fixed order, from one audited store read (action "read" or
 * "export").  KC_ENOTFOUND for an unknown patient. */
int fhir_record(struct store *st, const struct store_actor *who, int64_t patient_id, unsigned parts,
                int64_t only_id, const char *action, json_t *out, struct kc_error *err);
/* The whole record as a Bundle of type collection: fullUrls are deterministic urn:uuids and the
 * references between entries point at them.  Audited as one "export". */
int fhir_export_patient(struct store *st, const struct store_actor *who, int64_t patient_id,
                        json_t **out, struct kc_error *err);

#endif
