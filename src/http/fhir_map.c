/* fhir_map.c — the clinic's records as FHIR R4 resources (mapping: shared/reference/
 * interop-security.md §C1).  Pure JSON building; no store or HTTP here. */
#include <stdio.h>
#include <string.h>

#include "clinic/plausibility.h"
#include "http/fhir.h"

#define UCUM "http://unitsofmeasure.org"
#define LOINC "http://loinc.org"

static json_t *ref(const char *type, long long id)
{
    char r[48];
    snprintf(r, sizeof r, "%s/%lld", type, id);
    return json_pack("{s:s}", "reference", r);
}

static json_t *idstr(const char *prefix, long long id)
{
    char s[40];
    snprintf(s, sizeof s, "%s%lld", prefix, id);
    return json_string(s);
}

json_t *fhir_patient(const struct store_patient *p)
{
    json_t *name = json_pack("{s:s}", "family", p->family_name);
    if (p->given_name[0]) json_object_set_new(name, "given", json_pack("[s]", p->given_name));
    json_t *res = json_pack("{s:s, s:o, s:{s:s}, s:[{s:s, s:s}], s:[o], s:s, s:s}", "resourceType", "Patient", "id",
                            idstr("", p->id), "meta", "versionId", "1", "identifier", "system", FHIR_MRN_SYSTEM,
                            "value", p->mrn, "name", name, "gender", p->sex[0] ? p->sex : "unknown", "birthDate",
                            p->birth_date);
    json_t *telecom = json_array();
    if (p->phone[0]) json_array_append_new(telecom, json_pack("{s:s, s:s}", "system", "phone", "value", p->phone));
    if (p->email[0]) json_array_append_new(telecom, json_pack("{s:s, s:s}", "system", "email", "value", p->email));
    if (json_array_size(telecom)) json_object_set_new(res, "telecom", telecom);
    else json_decref(telecom);
    if (p->emergency_name[0]) {
        json_t *c = json_pack("{s:[{s:[{s:s, s:s}]}], s:{s:s}}", "relationship", "coding", "system",
                              "http://terminology.hl7.org/CodeSystem/v2-0131", "code", "C", "name", "text",
                              p->emergency_name);
        if (p->emergency_phone[0])
            json_object_set_new(c, "telecom", json_pack("[{s:s, s:s}]", "system", "phone", "value", p->emergency_phone));
        json_object_set_new(res, "contact", json_pack("[o]", c));
    }
    return res;
}

json_t *fhir_encounter(const struct store_session *s)
{
    static const char *status[] = {"planned", "in-progress", "finished", "cancelled"};
    json_t *e = json_pack("{s:s, s:o, s:{s:s}, s:s, s:{s:s, s:s, s:s}, s:o}", "resourceType", "Encounter", "id",
                          idstr("", s->id), "meta", "versionId", "1", "status", status[(unsigned)s->status & 3], "class",
                          "system", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "AMB", "display",
                          "ambulatory", "subject", ref("Patient", s->patient_id));
    json_t *period = json_object();
    const char *start = s->started_at[0] ? s->started_at : s->planned_at;
    if (start[0]) json_object_set_new(period, "start", json_string(start));
    if (s->ended_at[0]) json_object_set_new(period, "end", json_string(s->ended_at));
    json_object_set_new(e, "period", period);
    return e;
}

json_t *fhir_vital(const struct store_vital_row *v, long long patient_id, long long session_id)
{
    const struct plaus_vital *pv = plaus_vital_find(v->code);
    json_t *coding = json_array();
    if (pv) json_array_append_new(coding, json_pack("{s:s, s:s, s:s}", "system", LOINC, "code", pv->loinc, "display", pv->name));
    /* US Core also expects 2708-6 beside 59408-5 for pulse oximetry (interop-security.md §C1). */
    if (strcmp(v->code, "spo2") == 0)
        json_array_append_new(coding, json_pack("{s:s, s:s}", "system", LOINC, "code", "2708-6"));
    return json_pack("{s:s, s:o, s:{s:s}, s:s, s:[{s:[{s:s, s:s}]}], s:{s:o, s:s}, s:o, s:o, s:s, s:{s:f, s:s, s:s, s:s}}",
                     "resourceType", "Observation", "id", idstr("v", v->id), "meta", "versionId", "1", "status",
                     "final", "category", "coding", "system",
                     "http://terminology.hl7.org/CodeSystem/observation-category", "code", "vital-signs", "code",
                     "coding", coding, "text", pv ? pv->name : v->code, "subject", ref("Patient", patient_id),
                     "encounter", ref("Encounter", session_id), "effectiveDateTime", v->at, "valueQuantity", "value",
                     v->value, "unit", pv ? pv->unit : "", "system", UCUM, "code", pv ? pv->unit : "");
}

/* LOINC for scale totals: PHQ-9 44261-6, GAD-7 70274-6 (interop-security.md §C1); the others
 * have no confirmed LOINC total code and use the local system. */
json_t *fhir_scale_total(const struct store_scale_row *s, long long patient_id)
{
    const char *loinc = strcmp(s->scale, "phq9") == 0 ? "44261-6" : strcmp(s->scale, "gad7") == 0 ? "70274-6" : NULL;
    json_t *coding = loinc ? json_pack("[{s:s, s:s}]", "system", LOINC, "code", loinc)
                           : json_pack("[{s:s, s:s}]", "system", FHIR_SCALE_SYSTEM, "code", s->scale);
    json_t *o = json_pack("{s:s, s:o, s:{s:s}, s:s, s:[{s:[{s:s, s:s}]}], s:{s:o, s:s}, s:o, s:s, s:i}", "resourceType",
                          "Observation", "id", idstr("s", s->id), "meta", "versionId", "1", "status", "final",
                          "category", "coding", "system", "http://terminology.hl7.org/CodeSystem/observation-category",
                          "code", "survey", "code", "coding", coding, "text", s->scale, "subject",
                          ref("Patient", patient_id), "effectiveDateTime", s->at, "valueInteger", s->total);
    if (s->session_id) json_object_set_new(o, "encounter", ref("Encounter", s->session_id));
    return o;
}

json_t *fhir_adverse_event(const struct store_side_effect_row *e, long long patient_id, long long session_id)
{
    json_t *a = json_pack("{s:s, s:o, s:{s:s}, s:s, s:o, s:o, s:s, s:{s:s}, s:{s:[{s:s, s:s}]}}", "resourceType",
                          "AdverseEvent", "id", idstr("", e->id), "meta", "versionId", "1", "actuality", "actual",
                          "subject", ref("Patient", patient_id), "encounter", ref("Encounter", session_id), "date",
                          e->at, "event", "text", e->code, "severity", "coding", "system",
                          "http://terminology.hl7.org/CodeSystem/adverse-event-severity", "code", e->severity);
    return a;
}

/* Route codes: SNOMED CT 47625008 intravenous, 78421000 intramuscular, 46713006 nasal,
 * 26643006 oral, 34206005 subcutaneous (interop-security.md §C1 lists IV and nasal as '?'). */
json_t *fhir_medication_administration(const struct store_dose_row *d, long long patient_id)
{
    static const struct {
        const char *route, *snomed, *display;
    } routes[] = {{"iv", "47625008", "Intravenous route"}, {"im", "78421000", "Intramuscular route"},
                  {"intranasal", "46713006", "Nasal route"}, {"oral", "26643006", "Oral route"},
                  {"sc", "34206005", "Subcutaneous route"}};
    const char *code = NULL, *display = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(routes[i].route, d->route) == 0) code = routes[i].snomed, display = routes[i].display;
    json_t *dosage = json_pack("{s:{s:f, s:s, s:s, s:s}}", "dose", "value", (double)d->dose_ug / 1000.0, "unit", "mg",
                               "system", UCUM, "code", "mg");
    json_object_set_new(dosage, "text", json_string(strcmp(d->form, "salt") == 0 ? "as hydrochloride salt" : "as base"));
    if (code)
        json_object_set_new(dosage, "route", json_pack("{s:[{s:s, s:s, s:s}]}", "coding", "system",
                                                       "http://snomed.info/sct", "code", code, "display", display));
    json_t *m = json_pack("{s:s, s:o, s:{s:s}, s:s, s:{s:s}, s:o, s:o, s:o}", "resourceType", "MedicationAdministration",
                          "id", idstr("", d->id), "meta", "versionId", "1", "status", "completed",
                          "medicationCodeableConcept", "text", d->drug, "subject", ref("Patient", patient_id), "context",
                          ref("Encounter", d->session_id), "dosage", dosage);
    if (d->ended_at[0])
        json_object_set_new(m, "effectivePeriod", json_pack("{s:s, s:s}", "start", d->started_at, "end", d->ended_at));
    else json_object_set_new(m, "effectiveDateTime", json_string(d->started_at));
    return m;
}

json_t *fhir_audit_event(const struct store_audit_entry *a)
{
    /* action: C create, R read, U update, D delete, E execute (logins and exports). */
    char act[2] = "E";
    if (strcmp(a->action, "create") == 0) act[0] = 'C';
    else if (strcmp(a->action, "read") == 0) act[0] = 'R';
    else if (strcmp(a->action, "update") == 0) act[0] = 'U';
    else if (strcmp(a->action, "delete") == 0) act[0] = 'D';
    char what[128];
    snprintf(what, sizeof what, "%s/%s", a->resource_type, a->resource_id);
    json_t *e = json_pack("{s:s, s:o, s:{s:s, s:s}, s:s, s:s, s:s, s:[{s:{s:s}, s:b, s:{s:s}}], s:{s:{s:s}}, "
                          "s:[{s:{s:s}}]}",
                          "resourceType", "AuditEvent", "id", idstr("", a->seq), "type", "system",
                          "http://terminology.hl7.org/CodeSystem/audit-event-type", "code", "rest", "action", act,
                          "recorded", a->at, "outcome", strcmp(a->outcome, "success") == 0 ? "0" : "4", "agent", "who",
                          "display", a->user, "requestor", 1, "network", "address", a->source, "source", "observer",
                          "display", "ketaclinic", "entity", "what", "display", what);
    return e;
}

json_t *fhir_outcome(const char *code, const char *diagnostics)
{
    return json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "resourceType", "OperationOutcome", "issue", "severity", "error",
                     "code", code, "diagnostics", diagnostics);
}
