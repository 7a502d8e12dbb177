/* fhir_export.c — a patient's whole record as a FHIR R4 Bundle (collection), following the
 * mapping of interop-security.md C1: Patient, Encounter per session, MedicationAdministration per
 * dose, Observation per vital sign (category vital-signs, LOINC) and per scale total (category
 * survey).  Read in one transaction so the Bundle is one consistent moment. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

/* Codes for the vital signs we store.  LOINC codes marked V in interop-security.md C1; mean
 * arterial pressure and end-tidal CO2 have no checked LOINC there, so they get a local code. */
static const struct {
    const char *code, *system, *loinc, *display, *ucum;
} vital_codes[] = {
    {"hr", "http://loinc.org", "8867-4", "Heart rate", "/min"},
    {"spo2", "http://loinc.org", "59408-5", "Oxygen saturation by pulse oximetry", "%"},
    {"sbp", "http://loinc.org", "8480-6", "Systolic blood pressure", "mm[Hg]"},
    {"dbp", "http://loinc.org", "8462-4", "Diastolic blood pressure", "mm[Hg]"},
    {"rr", "http://loinc.org", "9279-1", "Respiratory rate", "/min"},
    {"temp", "http://loinc.org", "8310-5", "Body temperature", "Cel"},
    {"map", "urn:ketaclinic:vital", "map", "Mean arterial pressure", "mm[Hg]"},
    {"etco2", "urn:ketaclinic:vital", "etco2", "End-tidal carbon dioxide", "mm[Hg]"},
};

/* Scale totals with a LOINC code marked V in C1 (PHQ-9 44261-6, GAD-7 70274-6); others local. */
static const struct {
    const char *scale, *loinc, *display;
} scale_codes[] = {
    {"phq9", "44261-6", "PHQ-9 total score"},
    {"gad7", "70274-6", "GAD-7 total score"},
};

struct exp {
    struct store *st;
    json_t *entries;
    int64_t patient_id;
    char patient_ref[64];
    struct kc_error *err;
    int failed; /* a resource could not be built (out of memory) */
};

/* Deterministic urn:uuid for (type, id): BLAKE2b of the pair, formatted as a version-4 UUID. */
static void urn(const char *type, int64_t id, char out[64])
{
    char in[80];
    unsigned char h[16];
    int n = snprintf(in, sizeof in, "ketaclinic/%s/%" PRId64, type, id);
    crypto_generichash(h, sizeof h, (const unsigned char *)in, (unsigned long long)n, NULL, 0);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x40);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    snprintf(out, 64, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12],
             h[13], h[14], h[15]);
}

static void add(struct exp *x, const char *type, int64_t id, json_t *res)
{
    char full[64], idtxt[24];
    if (!res) {
        x->failed = 1;
        return;
    }
    urn(type, id, full);
    snprintf(idtxt, sizeof idtxt, "%" PRId64, id);
    json_object_set_new(res, "resourceType", json_string(type));
    json_object_set_new(res, "id", json_string(idtxt));
    json_array_append_new(x->entries, json_pack("{s:s, s:o}", "fullUrl", full, "resource", res));
}

/* FHIR forbids empty strings: optional values are set only when present. */
static void set_str(json_t *o, const char *key, const char *v)
{
    if (v && *v) json_object_set_new(o, key, json_string(v));
}

static json_t *ref(const char *r)
{
    return json_pack("{s:s}", "reference", r);
}

static json_t *concept(const char *system, const char *code, const char *display)
{
    return json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", system, "code", code,
                     "display", display, "text", display);
}

static json_t *category(const char *code)
{
    return json_pack("[{s:[{s:s, s:s}]}]", "coding", "system",
                     "http://terminology.hl7.org/CodeSystem/observation-category", "code", code);
}

static int patient_row(void *ctx, const struct srow *r)
{
    struct exp *x = ctx;
    const char *v;
    json_t *name = json_pack("{s:s}", "family", srow_text(r, 1));
    if ((v = srow_text(r, 2)) && *v) json_object_set_new(name, "given", json_pack("[s]", v));
    json_t *p = json_pack("{s:[{s:s, s:s}], s:[o], s:s, s:s}", "identifier", "system",
                          "urn:ketaclinic:mrn", "value", srow_text(r, 0), "name", name, "gender",
                          srow_text(r, 4), "birthDate", srow_text(r, 3));
    json_t *telecom = json_array();
    if ((v = srow_text(r, 5)) && *v)
        json_array_append_new(telecom, json_pack("{s:s, s:s}", "system", "phone", "value", v));
    if ((v = srow_text(r, 6)) && *v)
        json_array_append_new(telecom, json_pack("{s:s, s:s}", "system", "email", "value", v));
    if (json_array_size(telecom)) json_object_set_new(p, "telecom", telecom);
    else json_decref(telecom);
    if ((v = srow_text(r, 7)) && *v) json_object_set_new(p, "address", json_pack("[{s:s}]", "text", v));
    if ((v = srow_text(r, 8)) && *v) {
        json_t *c = json_pack("{s:{s:s}}", "name", "text", v);
        const char *ph = srow_text(r, 9);
        if (ph && *ph)
            json_object_set_new(c, "telecom", json_pack("[{s:s, s:s}]", "system", "phone",
                                                        "value", ph));
        json_object_set_new(c, "relationship",
                            json_pack("[{s:[{s:s, s:s}]}]", "coding", "system",
                                      "http://terminology.hl7.org/CodeSystem/v2-0131", "code",
                                      "C"));
        json_object_set_new(p, "contact", json_pack("[o]", c));
    }
    add(x, "Patient", x->patient_id, p);
    return 0;
}

static int weight_row(void *ctx, const struct srow *r)
{
    struct exp *x = ctx;
    /* body weight LOINC 29463-7: marked ? in interop-security.md C1 */
    json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:s, s:{s:f, s:s, s:s, s:s}}", "status", "final",
                          "category", category("vital-signs"), "code",
                          concept("http://loinc.org", "29463-7", "Body weight"), "subject",
                          ref(x->patient_ref), "effectiveDateTime", srow_text(r, 1),
                          "valueQuantity", "value", srow_real(r, 2), "unit", "kg", "system",
                          "http://unitsofmeasure.org", "code", "kg");
    add(x, "Observation", srow_int(r, 0) + 0x100000000LL, o); /* weights: own id space */
    return 0;
}

static int session_row(void *ctx, const struct srow *r)
{
    struct exp *x = ctx;
    static const char *const map[][2] = {{"planned", "planned"}, {"started", "in-progress"},
                                         {"ended", "finished"}, {"cancelled", "cancelled"}};
    const char *st = srow_text(r, 1), *status = "unknown";
    for (size_t i = 0; i < 4; i++)
        if (st && strcmp(st, map[i][0]) == 0) status = map[i][1];
    json_t *e = json_pack("{s:s, s:{s:s, s:s}, s:o}", "status", status, "class", "system",
                          "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "AMB",
                          "subject", ref(x->patient_ref));
    json_t *period = json_object();
    set_str(period, "start", srow_text(r, 3) ? srow_text(r, 3) : srow_text(r, 2));
    set_str(period, "end", srow_text(r, 4));
    json_object_set_new(e, "period", period);
    const char *chair = srow_text(r, 5);
    if (chair && *chair)
        json_object_set_new(e, "location",
                            json_pack("[{s:{s:s}}]", "location", "display", chair));
    add(x, "Encounter", srow_int(r, 0), e);
    return 0;
}

static int dose_row(void *ctx, const struct srow *r)
{
    struct exp *x = ctx;
    char enc[64], text[200], mg[32];
    urn("Encounter", srow_int(r, 1), enc);
    int64_t ug = srow_int(r, 6);
    snprintf(mg, sizeof mg, "%" PRId64 ".%03" PRId64, ug / 1000, ug % 1000);
    snprintf(text, sizeof text, "%s mg %s (%s) %s, lot %s, %" PRId64 " uL of %" PRId64 " ug/mL",
             mg, srow_text(r, 2), srow_text(r, 3), srow_text(r, 4), srow_text(r, 5),
             srow_int(r, 8), srow_int(r, 7));
    json_t *m = json_pack("{s:s, s:{s:s}, s:o, s:o, s:[{s:{s:s}}], s:{s:s, s:{s:s}, s:{s:f, s:s, "
                          "s:s, s:s}}}",
                          "status", "completed", "medicationCodeableConcept", "text",
                          srow_text(r, 2), "subject", ref(x->patient_ref), "context", ref(enc),
                          "performer", "actor", "display", srow_text(r, 11), "dosage", "text",
                          text, "route", "text", srow_text(r, 4), "dose", "value",
                          (double)ug / 1000.0, "unit", "mg", "system",
                          "http://unitsofmeasure.org", "code", "mg");
    const char *end = srow_text(r, 10);
    if (end && *end)
        json_object_set_new(m, "effectivePeriod", json_pack("{s:s, s:s}", "start",
                                                            srow_text(r, 9), "end", end));
    else json_object_set_new(m, "effectiveDateTime", json_string(srow_text(r, 9)));
    add(x, "MedicationAdministration", srow_int(r, 0), m);
    return 0;
}

static int vital_row(void *ctx, const struct srow *r)
{
    struct exp *x = ctx;
    const char *code = srow_text(r, 3);
    size_t i = 0;
    while (i < sizeof vital_codes / sizeof vital_codes[0] && strcmp(vital_codes[i].code, code))
        i++;
    if (i == sizeof vital_codes / sizeof vital_codes[0])
        return kc_error_set(x->err, KC_EINVAL, "vitals: unknown code '%s'", code);
    char enc[64];
    urn("Encounter", srow_int(r, 1), enc);
    json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:{s:f, s:s, s:s, s:s}}", "status",
                          "final", "category", category("vital-signs"), "code",
                          concept(vital_codes[i].system, vital_codes[i].loinc,
                                  vital_codes[i].display),
                          "subject", ref(x->patient_ref), "encounter", ref(enc),
                          "effectiveDateTime", srow_text(r, 2), "valueQuantity", "value",
                          srow_real(r, 4), "unit", vital_codes[i].ucum, "system",
                          "http://unitsofmeasure.org", "code", vital_codes[i].ucum);
    add(x, "Observation", srow_int(r, 0), o);
    return 0;
}

static int scale_row(void *ctx, const struct srow *r)
{
    struct exp *x = ctx;
    const char *scale = srow_text(r, 2);
    json_t *code = NULL;
    for (size_t i = 0; i < sizeof scale_codes / sizeof scale_codes[0] && !code; i++)
        if (strcmp(scale, scale_codes[i].scale) == 0)
            code = concept("http://loinc.org", scale_codes[i].loinc, scale_codes[i].display);
    if (!code) code = concept("urn:ketaclinic:scale", scale, scale);
    json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:s, s:I}", "status", "final", "category",
                          category("survey"), "code", code, "subject", ref(x->patient_ref),
                          "effectiveDateTime", srow_text(r, 3), "valueInteger",
                          (json_int_t)srow_int(r, 4));
    if (srow_text(r, 1)) {
        char enc[64];
        urn("Encounter", srow_int(r, 1), enc);
        json_object_set_new(o, "encounter", ref(enc));
    }
    add(x, "Observation", srow_int(r, 0) + 0x200000000LL, o); /* scale totals: own id space */
    return 0;
}

int store_patient_fhir_bundle(struct store *st, const struct store_actor *who, int64_t patient_id,
                              json_t **out, struct kc_error *err)
{
    char rid[24], now[32];
    struct exp x = {st, json_array(), patient_id, "", err, 0};
    struct sv a[] = {SV_I(patient_id)};
    int rc = store__check_actor(who, err);
    if (rc) goto out;
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    urn("Patient", patient_id, x.patient_ref);
    if ((rc = store__begin(st, err))) goto done;
    rc = store__q(st, "SELECT mrn, family_name, given_name, birth_date, sex, phone, email, "
                      "address, emergency_name, emergency_phone FROM patients WHERE id = ?",
                  a, 1, patient_row, &x, err);
    if (!rc && json_array_size(x.entries) == 0)
        rc = kc_error_set(err, KC_ENOTFOUND, "no patient %" PRId64, patient_id);
    if (!rc)
        rc = store__q(st, "SELECT id, at, weight_kg FROM patient_weights WHERE patient_id = ? "
                          "ORDER BY at, id", a, 1, weight_row, &x, err);
    if (!rc)
        rc = store__q(st, "SELECT id, status, planned_at, started_at, "
                          "COALESCE(ended_at, cancelled_at), chair FROM sessions "
                          "WHERE patient_id = ? ORDER BY id", a, 1, session_row, &x, err);
    if (!rc)
        rc = store__q(st, "SELECT d.id, d.session_id, d.drug, d.form, d.route, d.lot, d.dose_ug, "
                          "d.conc_ug_per_ml, d.volume_ul, d.started_at, d.ended_at, d.given_by "
                          "FROM doses d JOIN sessions s ON s.id = d.session_id "
                          "WHERE s.patient_id = ? ORDER BY d.id", a, 1, dose_row, &x, err);
    if (!rc)
        rc = store__q(st, "SELECT v.id, v.session_id, v.at, v.code, v.value FROM vitals v "
                          "JOIN sessions s ON s.id = v.session_id WHERE s.patient_id = ? "
                          "ORDER BY v.id", a, 1, vital_row, &x, err);
    if (!rc)
        rc = store__q(st, "SELECT id, session_id, scale, at, total FROM scale_results "
                          "WHERE patient_id = ? ORDER BY id", a, 1, scale_row, &x, err);
    if (!rc && x.failed) rc = kc_error_set(err, KC_ENOMEM, "out of memory building the Bundle");
done:
    rc = store__finish(st, rc, who, "export", "Patient", rid, "FHIR Bundle", err);
    if (!rc) {
        store__now(now);
        *out = json_pack("{s:s, s:s, s:s, s:O}", "resourceType", "Bundle", "type",
                         "collection", "timestamp", now, "entry", x.entries);
        if (!*out) rc = kc_error_set(err, KC_ENOMEM, "out of memory building the Bundle");
    }
out:
    json_decref(x.entries);
    return rc;
}
