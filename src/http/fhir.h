/* fhir.h — internal to src/http: FHIR R4 resources built from store records (fhir_map.c) and the
 * /fhir handlers (fhir.c).  Every builder returns a new reference (NULL only on allocation failure). */
#ifndef KC_HTTP_FHIR_H
#define KC_HTTP_FHIR_H

#include <jansson.h>

#include "store/store.h"

#define FHIR_MRN_SYSTEM "urn:ketaclinic:mrn"
#define FHIR_SCALE_SYSTEM "urn:ketaclinic:scale"

json_t *fhir_patient(const struct store_patient *p);
json_t *fhir_encounter(const struct store_session *s);
json_t *fhir_vital(const struct store_vital_row *v, long long patient_id, long long session_id);
json_t *fhir_scale_total(const struct store_scale_row *s, long long patient_id);
json_t *fhir_adverse_event(const struct store_side_effect_row *e, long long patient_id, long long session_id);
json_t *fhir_medication_administration(const struct store_dose_row *d, long long patient_id);
json_t *fhir_audit_event(const struct store_audit_entry *a);
json_t *fhir_outcome(const char *code, const char *diagnostics);

#endif
