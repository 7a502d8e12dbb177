/* fhir_map.c — the clinic's records as FHIR R4 resources (mapping: shared/reference/
 * interop-security.md C1; codes: fhir_codes.c).  Pure JSON building.
 *
 * meta.versionId is a hash of the resource's content: the store keeps no version history, so
 * the version names the content, changes whenever the content does, and a client's
 * If-None-Match / vread of the current version works without a version column. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir/fhir.h"

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

/* FHIR forbids empty strings: optional values are set only when present. */
static void set_str(json_t *o, const char *key, const char *v)
{
    if (o && v && *v) json_object_set_new(o, key, json_string(v));
}

/* Sets meta.versionId from the content (everything but meta), keeping meta.profile. */
static json_t *versioned(json_t *res)
{
    if (!res) return NULL;
    json_t *meta = json_object_get(res, "meta");
    if (meta) json_incref(meta);
    json_object_del(res, "meta");
    char *text = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned char h[8];
    char hex[17];
    if (!text) {
        json_decref(meta);
        json_decref(res);
        return NULL;
    }
    crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), NULL, 0);
    free(text);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if (!meta) meta = json_object();
    json_object_set_new(meta, "versionId", json_string(hex));
    json_object_set_new(res, "meta", meta);
    return res;
}

static json_t *category(const char *code, const char *display)
{
    return json_pack("[{s:[{s:s, s:s, s:s}]}]", "coding", "system", FHIR_OBS_CATEGORY, "code", code,
                     "display", display);
}

json_t *fhir_patient(const struct store_patient *p)
{
    json_t *name = json_pack("{s:s}", "family", p->family_name);
    if (p->given_name[0]) json_object_set_new(name, "given", json_pack("[s]", p->given_name));
    json_t *res = json_pack("{s:s, s:o, s:[{s:{s:[{s:s, s:s}]}, s:s, s:s}], s:[o], s:s}",
                            "resourceType", "Patient", "id", idstr("", p->id), "identifier", "type",
                            "coding", "system", "http://terminology.hl7.org/CodeSystem/v2-0203",
                            "code", "MR", "system", FHIR_MRN_SYSTEM, "value", p->mrn, "name", name,
                            "gender", p->sex[0] ? p->sex : "unknown");
    set_str(res, "birthDate", p->birth_date);
    json_t *telecom = json_array();
    if (p->phone[0])
        json_array_append_new(telecom,
                              json_pack("{s:s, s:s}", "system", "phone", "value", p->phone));
    if (p->email[0])
        json_array_append_new(telecom,
                              json_pack("{s:s, s:s}", "system", "email", "value", p->email));
    if (json_array_size(telecom))
        json_object_set_new(res, "telecom", telecom);
    else
        json_decref(telecom);
    if (p->address[0])
        json_object_set_new(res, "address", json_pack("[{s:s}]", "text", p->address));
    if (p->emergency_name[0]) {
        json_t *c = json_pack("{s:[{s:[{s:s, s:s}]}], s:{s:s}}", "relationship", "coding", "system",
                              "http://terminology.hl7.org/CodeSystem/v2-0131", "code", "C", "name",
                              "text", p->emergency_name);
        if (p->emergency_phone[0])
            json_object_set_new(
                c, "telecom",
                json_pack("[{s:s, s:s}]", "system", "phone", "value", p->emergency_phone));
        json_object_set_new(res, "contact", json_pack("[o]", c));
    }
    return versioned(res);
}

json_t *fhir_encounter(const struct store_session *s)
{
    static const char *const status[] = {"planned", "in-progress", "finished", "cancelled"};
    json_t *e =
        json_pack("{s:s, s:o, s:s, s:{s:s, s:s, s:s}, s:o}", "resourceType", "Encounter", "id",
                  idstr("", s->id), "status", status[(unsigned)s->status & 3], "class", "system",
                  "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "AMB", "display",
                  "ambulatory", "subject", ref("Patient", s->patient_id));
    json_t *period = json_object();
    set_str(period, "start", s->started_at[0] ? s->started_at : s->planned_at);
    set_str(period, "end", s->ended_at);
    if (json_object_size(period))
        json_object_set_new(e, "period", period);
    else
        json_decref(period);
    if (s->chair[0])
        json_object_set_new(e, "location",
                            json_pack("[{s:{s:s}}]", "location", "display", s->chair));
    return versioned(e);
}

static json_t *concept(const char *system, const char *code, const char *display)
{
    return json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", system, "code", code,
                     "display", display, "text", display);
}

static json_t *quantity(double value, const char *ucum)
{
    return json_pack("{s:f, s:s, s:s, s:s}", "value", value, "unit", ucum, "system", FHIR_UCUM,
                     "code", ucum);
}

static json_t *vital_concept(const struct fhir_vital_code *vc)
{
    json_t *c = concept(vc->system, vc->loinc, vc->display);
    if (vc->loinc2)
        json_array_append_new(json_object_get(c, "coding"),
                              json_pack("{s:s, s:s}", "system", FHIR_LOINC, "code", vc->loinc2));
    return c;
}

json_t *fhir_vital(const struct store_vital_row *v, const struct store_vital_row *dbp,
                   long long patient_id, long long session_id)
{
    const struct fhir_vital_code *vc = fhir_vital_by_code(v->code);
    if (!vc) return NULL;
    int panel = dbp && strcmp(v->code, "sbp") == 0;
    const char *profile = panel ? "http://hl7.org/fhir/StructureDefinition/bp" : vc->profile;
    json_t *o = json_pack("{s:s, s:o, s:{s:[s]}, s:s, s:o, s:o, s:o, s:o, s:s}", "resourceType",
                          "Observation", "id", idstr("v", v->id), "meta", "profile",
                          profile ? profile : FHIR_VITALSIGNS_PROFILE, "status", "final",
                          "category", category("vital-signs", "Vital Signs"), "code",
                          panel ? concept(FHIR_LOINC, FHIR_BP_PANEL,
                                          "Blood pressure panel with "
                                          "all children optional")
                                : vital_concept(vc),
                          "subject", ref("Patient", patient_id), "encounter",
                          ref("Encounter", session_id), "effectiveDateTime", v->at);
    if (!o) return NULL;
    if (panel) {
        const struct fhir_vital_code *dc = fhir_vital_by_code("dbp");
        json_object_set_new(o, "component",
                            json_pack("[{s:o, s:o}, {s:o, s:o}]", "code", vital_concept(vc),
                                      "valueQuantity", quantity(v->value, vc->ucum), "code",
                                      vital_concept(dc), "valueQuantity",
                                      quantity(dbp->value, dc->ucum)));
    } else {
        json_object_set_new(o, "valueQuantity", quantity(v->value, vc->ucum));
    }
    return versioned(o);
}

json_t *fhir_weight(const struct store_weight_row *w, long long patient_id)
{
    json_t *o = json_pack(
        "{s:s, s:o, s:{s:[s]}, s:s, s:o, s:o, s:o, s:s, s:o}", "resourceType", "Observation", "id",
        idstr("w", w->id), "meta", "profile", "http://hl7.org/fhir/StructureDefinition/bodyweight",
        "status", "final", "category", category("vital-signs", "Vital Signs"), "code",
        concept(FHIR_LOINC, FHIR_BODY_WEIGHT, "Body weight"), "subject", ref("Patient", patient_id),
        "effectiveDateTime", w->at, "valueQuantity", quantity(w->weight_kg, "kg"));
    return versioned(o);
}

static json_t *scale_code(const struct scale_def *def, const char *key, int total)
{
    const char *loinc = def ? (total ? def->total_loinc : def->panel_loinc) : NULL;
    char display[96];
    snprintf(display, sizeof display, "%s %s", def ? def->name : key, total ? "total score" : "");
    if (!total) display[strlen(display) - 1] = '\0';
    if (loinc) return concept(FHIR_LOINC, loinc, display);
    char local[48];
    snprintf(local, sizeof local, "%s%s", key, total ? "-total" : "");
    return concept(FHIR_LOCAL_SYSTEM, local, display);
}

json_t *fhir_scale_total(const struct store_scale_row *s, long long patient_id)
{
    const struct scale_def *def = scale_find(s->scale);
    char qr[40];
    snprintf(qr, sizeof qr, "QuestionnaireResponse/%lld", (long long)s->id);
    json_t *o = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:s, s:i, s:[{s:s}]}", "resourceType",
                          "Observation", "id", idstr("s", s->id), "status", "final", "category",
                          category("survey", "Survey"), "code", scale_code(def, s->scale, 1),
                          "subject", ref("Patient", patient_id), "effectiveDateTime", s->at,
                          "valueInteger", s->total, "derivedFrom", "reference", qr);
    if (o && s->session_id) json_object_set_new(o, "encounter", ref("Encounter", s->session_id));
    return versioned(o);
}

static void link_id(char out[16], int i)
{
    snprintf(out, 16, "%d", i + 1);
}

json_t *fhir_questionnaire_response(const struct store_scale_row *s, const int *answers,
                                    int n_answers, long long patient_id)
{
    const struct scale_def *def = scale_find(s->scale);
    char canon[96];
    snprintf(canon, sizeof canon, "%s%s", FHIR_QUESTIONNAIRE_BASE, s->scale);
    json_t *items = json_array();
    for (int i = 0; i < n_answers; i++) {
        char lid[16];
        link_id(lid, i);
        json_t *it =
            json_pack("{s:s, s:[{s:i}]}", "linkId", lid, "answer", "valueInteger", answers[i]);
        if (def && i < def->n_items && def->item_text) set_str(it, "text", def->item_text[i]);
        json_array_append_new(items, it);
    }
    json_t *q = json_pack("{s:s, s:o, s:s, s:s, s:o, s:s}", "resourceType", "QuestionnaireResponse",
                          "id", idstr("", s->id), "questionnaire", canon, "status", "completed",
                          "subject", ref("Patient", patient_id), "authored", s->at);
    if (!q) {
        json_decref(items);
        return NULL;
    }
    if (json_array_size(items))
        json_object_set_new(q, "item", items);
    else
        json_decref(items);
    if (s->session_id) json_object_set_new(q, "encounter", ref("Encounter", s->session_id));
    return versioned(q);
}

json_t *fhir_questionnaire(const struct scale_def *def)
{
    char canon[96];
    snprintf(canon, sizeof canon, "%s%s", FHIR_QUESTIONNAIRE_BASE, def->key);
    json_t *items = json_array();
    for (int i = 0; i < def->n_items; i++) {
        char lid[16], text[40];
        link_id(lid, i);
        snprintf(text, sizeof text, "Item %d", i + 1);
        /* item text only where the instrument is free to reproduce (scale_table.c) */
        json_t *it =
            json_pack("{s:s, s:s, s:s, s:b}", "linkId", lid, "text",
                      def->item_text ? def->item_text[i] : text, "type", "integer", "required", 1);
        if (def->item_loinc)
            json_object_set_new(
                it, "code",
                json_pack("[{s:s, s:s}]", "system", FHIR_LOINC, "code", def->item_loinc[i]));
        json_array_append_new(items, it);
    }
    json_t *q = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:o}", "resourceType", "Questionnaire",
                          "id", def->key, "url", canon, "title", def->name, "status", "active",
                          "subjectType", "Patient", "item", items);
    if (q && def->panel_loinc)
        json_object_set_new(q, "code",
                            json_pack("[{s:s, s:s, s:s}]", "system", FHIR_LOINC, "code",
                                      def->panel_loinc, "display", def->name));
    return versioned(q);
}

json_t *fhir_adverse_event(const struct store_side_effect_row *e, long long patient_id,
                           long long session_id)
{
    json_t *a = json_pack(
        "{s:s, s:o, s:s, s:o, s:o, s:s, s:{s:s}, s:{s:[{s:s, s:s}]}}", "resourceType",
        "AdverseEvent", "id", idstr("", e->id), "actuality", "actual", "subject",
        ref("Patient", patient_id), "encounter", ref("Encounter", session_id), "date", e->at,
        "event", "text", e->code, "severity", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/adverse-event-severity", "code", e->severity);
    return versioned(a);
}

/* Route codes: SNOMED CT 47625008 intravenous, 78421000 intramuscular, 46713006 nasal,
 * 26643006 oral, 34206005 subcutaneous (interop-security.md C1 lists IV and nasal as '?'). */
json_t *fhir_medication_administration(const struct store_dose_row *d, long long patient_id)
{
    static const struct {
        const char *route, *snomed, *display;
    } routes[] = {{"iv", "47625008", "Intravenous route"},
                  {"im", "78421000", "Intramuscular route"},
                  {"intranasal", "46713006", "Nasal route"},
                  {"oral", "26643006", "Oral route"},
                  {"sc", "34206005", "Subcutaneous route"}};
    const char *code = NULL, *display = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(routes[i].route, d->route) == 0)
            code = routes[i].snomed, display = routes[i].display;
    char text[160];
    snprintf(text, sizeof text, "%s, lot %s",
             strcmp(d->form, "salt") == 0 ? "as hydrochloride salt" : "as base",
             d->lot[0] ? d->lot : "-");
    json_t *dosage =
        json_pack("{s:s, s:o}", "text", text, "dose", quantity((double)d->dose_ug / 1000.0, "mg"));
    if (code)
        json_object_set_new(dosage, "route",
                            json_pack("{s:[{s:s, s:s, s:s}]}", "coding", "system",
                                      "http://snomed.info/sct", "code", code, "display", display));
    json_t *m = json_pack("{s:s, s:o, s:s, s:{s:s}, s:o, s:o, s:o}", "resourceType",
                          "MedicationAdministration", "id", idstr("", d->id), "status", "completed",
                          "medicationCodeableConcept", "text", d->drug, "subject",
                          ref("Patient", patient_id), "context", ref("Encounter", d->session_id),
                          "dosage", dosage);
    if (!m) return NULL;
    if (d->given_by[0])
        json_object_set_new(m, "performer",
                            json_pack("[{s:{s:s}}]", "actor", "display", d->given_by));
    if (d->ended_at[0])
        json_object_set_new(m, "effectivePeriod",
                            json_pack("{s:s, s:s}", "start", d->started_at, "end", d->ended_at));
    else
        json_object_set_new(m, "effectiveDateTime", json_string(d->started_at));
    return versioned(m);
}

json_t *fhir_audit_event(const struct store_audit_entry *a)
{
    /* action: C create, R read, U update, D delete, E execute (logins and exports). */
    char act[2] = "E";
    if (strcmp(a->action, "create") == 0)
        act[0] = 'C';
    else if (strcmp(a->action, "read") == 0)
        act[0] = 'R';
    else if (strcmp(a->action, "update") == 0)
        act[0] = 'U';
    else if (strcmp(a->action, "delete") == 0)
        act[0] = 'D';
    char what[128];
    snprintf(what, sizeof what, "%s/%s", a->resource_type, a->resource_id);
    json_t *agent =
        json_pack("{s:{s:s}, s:b}", "who", "display", a->user[0] ? a->user : "-", "requestor", 1);
    if (a->source[0])
        json_object_set_new(agent, "network", json_pack("{s:s}", "address", a->source));
    json_t *e = json_pack("{s:s, s:o, s:{s:s, s:s}, s:s, s:s, s:s, s:[o], s:{s:{s:s}}, "
                          "s:[{s:{s:s}}]}",
                          "resourceType", "AuditEvent", "id", idstr("", a->seq), "type", "system",
                          "http://terminology.hl7.org/CodeSystem/audit-event-type", "code", "rest",
                          "action", act, "recorded", a->at, "outcome",
                          strcmp(a->outcome, "success") == 0 ? "0" : "4", "agent", agent, "source",
                          "observer", "display", "ketaclinic", "entity", "what", "display", what);
    return versioned(e);
}

json_t *fhir_outcome(const char *severity, const char *code, const char *diagnostics)
{
    return json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "resourceType", "OperationOutcome", "issue",
                     "severity", severity, "code", code, "diagnostics",
                     diagnostics && *diagnostics ? diagnostics : code);
}
