/* fhir_codes.c — the one code table of the FHIR mapping: ketaclinic's vital-sign codes as LOINC
 * codings with UCUM units, as the FHIR R4 vital-signs profiles (hl7.org/fhir/R4/
 * observation-vitalsigns.html) name them.  Rating scales take their LOINC codes from the scale
 * table (src/clinic/scale_table.c); HL7 v2 (src/hl7/codes.c) maps monitor codes on its side. */
#include <string.h>

#include "fhir/fhir.h"

#define VS "http://hl7.org/fhir/StructureDefinition/"

/* LOINC: heart rate 8867-4, respiratory rate 9279-1, body temperature 8310-5, oxygen
 * saturation 2708-6 (the R4 oxygensat profile's code; pulse oximetry 59408-5 as a second
 * coding), systolic 8480-6 / diastolic 8462-4 (components of the panel 85354-9), mean blood
 * pressure 8478-0 (in the R4 vital-signs value set, no profile of its own): FHIR R4 vital
 * signs; interop-security.md C1 (V).  End-tidal CO2 19889-5 ("Carbon dioxide [Partial
 * pressure] in Exhaled gas --at end expiration") is marked ? there: local code until checked. */
static const struct fhir_vital_code vitals[] = {
    {"hr", FHIR_LOINC, "8867-4", NULL, "Heart rate", "/min", VS "heartrate"},
    {"spo2", FHIR_LOINC, "2708-6", "59408-5", "Oxygen saturation in Arterial blood", "%",
     VS "oxygensat"},
    {"sbp", FHIR_LOINC, "8480-6", NULL, "Systolic blood pressure", "mm[Hg]", NULL},
    {"dbp", FHIR_LOINC, "8462-4", NULL, "Diastolic blood pressure", "mm[Hg]", NULL},
    {"map", FHIR_LOINC, "8478-0", NULL, "Mean blood pressure", "mm[Hg]", NULL},
    {"rr", FHIR_LOINC, "9279-1", NULL, "Respiratory rate", "/min", VS "resprate"},
    {"temp", FHIR_LOINC, "8310-5", NULL, "Body temperature", "Cel", VS "bodytemp"},
    {"etco2", FHIR_LOCAL_SYSTEM, "etco2", NULL, "End-tidal carbon dioxide", "mm[Hg]", NULL},
};

const struct fhir_vital_code *fhir_vital_by_code(const char *code)
{
    for (size_t i = 0; code && i < sizeof vitals / sizeof vitals[0]; i++)
        if (strcmp(vitals[i].code, code) == 0) return &vitals[i];
    return NULL;
}

const struct fhir_vital_code *fhir_vital_by_coding(const char *system, const char *code)
{
    for (size_t i = 0; code && i < sizeof vitals / sizeof vitals[0]; i++) {
        const struct fhir_vital_code *v = &vitals[i];
        int sys_ok = !system || strcmp(system, v->system) == 0;
        if (sys_ok && (strcmp(v->loinc, code) == 0 || (v->loinc2 && !strcmp(v->loinc2, code))))
            return v;
    }
    return NULL;
}
