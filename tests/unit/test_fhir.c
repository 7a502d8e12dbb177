/* test_fhir.c — the FHIR mapping (src/fhir) against the published texts: the FHIR R4
 * vital-signs profiles' LOINC codes and UCUM units (hl7.org/fhir/R4/observation-vitalsigns.html),
 * the scale codes of LOINC (PHQ-9 panel 44249-1 / total 44261-6, GAD-7 69737-5 / 70274-6), and
 * the search rules of hl7.org/fhir/R4/search.html (date prefixes and precision, tokens). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fhir/fhir.h"
#include "fhir/fhir_search.h"

static void vital_codes_are_the_profiles(void **state)
{
    (void)state;
    static const struct {
        const char *code, *loinc, *ucum;
    } want[] = {{"hr", "8867-4", "/min"},    {"rr", "9279-1", "/min"},
                {"temp", "8310-5", "Cel"},   {"spo2", "2708-6", "%"},
                {"sbp", "8480-6", "mm[Hg]"}, {"dbp", "8462-4", "mm[Hg]"},
                {"map", "8478-0", "mm[Hg]"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct fhir_vital_code *v = fhir_vital_by_code(want[i].code);
        assert_non_null(v);
        assert_string_equal(v->loinc, want[i].loinc);
        assert_string_equal(v->ucum, want[i].ucum);
        assert_ptr_equal(fhir_vital_by_coding(FHIR_LOINC, want[i].loinc), v);
    }
    /* pulse oximetry 59408-5 is found as the second coding of SpO2 */
    assert_string_equal(fhir_vital_by_coding(FHIR_LOINC, "59408-5")->code, "spo2");
    assert_null(fhir_vital_by_coding("http://snomed.info/sct", "8867-4"));
    assert_string_equal(FHIR_BP_PANEL, "85354-9");
    assert_string_equal(FHIR_BODY_WEIGHT, "29463-7");
}

static void blood_pressure_is_one_panel(void **state)
{
    (void)state;
    struct store_vital_row s = {7, "2026-12-01T09:10:00.000Z", "sbp", 128};
    struct store_vital_row d = {8, "2026-12-01T09:10:00.000Z", "dbp", 82};
    json_t *o = fhir_vital(&s, &d, 3, 4);
    assert_non_null(o);
    json_t *coding = json_array_get(json_object_get(json_object_get(o, "code"), "coding"), 0);
    assert_string_equal(json_string_value(json_object_get(coding, "code")), "85354-9");
    assert_null(json_object_get(o, "valueQuantity"));
    json_t *comp = json_object_get(o, "component");
    assert_int_equal(json_array_size(comp), 2);
    json_t *c1 = json_array_get(comp, 1);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(json_object_get(c1, "code"), "coding"), 0), "code")),
        "8462-4");
    assert_true(json_real_value(json_object_get(json_object_get(c1, "valueQuantity"), "value")) ==
                82);
    assert_string_equal(json_string_value(json_object_get(o, "id")), "v7");
    json_decref(o);
    /* alone, a systolic stays its own Observation */
    o = fhir_vital(&s, NULL, 3, 4);
    assert_non_null(json_object_get(o, "valueQuantity"));
    json_decref(o);
}

static void scale_total_comes_from_its_response(void **state)
{
    (void)state;
    struct store_scale_row r = {5, 0, "phq9", "2026-12-01T08:50:00.000Z", 12};
    json_t *o = fhir_scale_total(&r, 3);
    json_t *c = json_array_get(json_object_get(json_object_get(o, "code"), "coding"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "code")), "44261-6");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(o, "derivedFrom"), 0), "reference")),
                        "QuestionnaireResponse/5");
    json_decref(o);
    const int answers[9] = {3, 2, 2, 1, 1, 2, 1, 0, 0};
    json_t *qr = fhir_questionnaire_response(&r, answers, 9, 3);
    assert_string_equal(json_string_value(json_object_get(qr, "id")), "5");
    assert_int_equal(json_array_size(json_object_get(qr, "item")), 9);
    json_decref(qr);
    json_t *q = fhir_questionnaire(scale_find("gad7"));
    c = json_array_get(json_object_get(q, "code"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "code")), "69737-5");
    json_decref(q);
    struct store_scale_row g = {6, 0, "gad7", "2026-12-01T08:50:00.000Z", 9};
    o = fhir_scale_total(&g, 3);
    c = json_array_get(json_object_get(json_object_get(o, "code"), "coding"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "code")), "70274-6");
    json_decref(o);
}

/* search.html, "date": the value's precision is an implicit range; prefixes compare ranges. */
static int match_date_in(const char *zone, const char *search, const char *target)
{
    json_t *res = json_pack("{s:s, s:s, s:s}", "resourceType", "Observation", "id", "x",
                            "effectiveDateTime", target);
    struct fhir_criterion c;
    struct kc_error err = {0};
    assert_int_equal(fhir_criterion_parse("Observation", "date", search, zone, &c, &err), 0);
    int m = fhir_matches(res, &c, 1);
    json_decref(res);
    return m;
}

static int match_date(const char *search, const char *target)
{
    return match_date_in(NULL, search, target);
}

static void date_prefixes_follow_the_spec(void **state)
{
    (void)state;
    const char *t = "2013-01-14T10:00:00.000Z";
    assert_true(match_date("2013-01-14", t)); /* eq: the day contains the instant */
    assert_true(match_date("eq2013-01", t));
    assert_false(match_date("2013-01-15", t));
    assert_true(match_date("ne2013-01-15", t));
    assert_false(match_date("ne2013-01-14", t));
    assert_false(match_date("gt2013-01-14", t)); /* after the whole day: no */
    assert_true(match_date("gt2013-01-13", t));
    assert_true(match_date("ge2013-01-14", t));
    assert_false(match_date("lt2013-01-14", t)); /* before the day starts: no */
    assert_true(match_date("lt2013-01-15", t));
    assert_true(match_date("le2013-01-14", t));
    assert_false(match_date("le2013-01-13", t));
    assert_true(match_date("sa2013-01-13", t));
    assert_false(match_date("sa2013-01-14", t));
    assert_true(match_date("eb2013-01-15", t));
    assert_false(match_date("eb2013-01-14", t));
    assert_true(match_date("2013-01-14T10:00Z", t)); /* minute precision */
    assert_false(match_date("2013-01-14T10:01Z", t));
    assert_true(match_date("2013-01-14T11:00:00+01:00", t)); /* a zone is honoured */
    assert_true(match_date("2013", t));
    /* bad values are refused */
    struct fhir_criterion c;
    struct kc_error err = {0};
    assert_int_equal(fhir_criterion_parse("Observation", "date", "xx2013", NULL, &c, &err),
                     KC_EINVAL);
    assert_int_equal(fhir_criterion_parse("Observation", "date", "2013-02-30", NULL, &c, &err),
                     KC_EINVAL);
    /* a time needs its zone (FHIR dateTime); 24:00 is not a time */
    assert_int_equal(
        fhir_criterion_parse("Observation", "date", "2013-01-14T10:00:00", NULL, &c, &err),
        KC_EINVAL);
    assert_int_equal(
        fhir_criterion_parse("Observation", "date", "2013-01-14T24:00:00Z", NULL, &c, &err),
        KC_EINVAL);
    assert_int_equal(fhir_criterion_parse("Observation", "bogus", "1", NULL, &c, &err),
                     KC_EUNSUPPORTED);
    assert_int_equal(fhir_criterion_parse("Observation", "code:text", "1", NULL, &c, &err),
                     KC_EUNSUPPORTED);
}

/* A date without a time is the clinic's calendar day: 22:00 in New York on 1 December 2026 is
 * 03:00Z on the 2nd (EST, UTC-5). */
static void a_day_is_the_clinics_local_day(void **state)
{
    (void)state;
    const char *t = "2026-12-02T03:00:00.000Z";
    assert_true(match_date_in("America/New_York", "2026-12-01", t));
    assert_false(match_date_in("America/New_York", "2026-12-02", t));
    assert_false(match_date_in(NULL, "2026-12-01", t));
    assert_true(match_date_in(NULL, "2026-12-02", t));
    assert_true(match_date_in("America/New_York", "le2026-12-01", t));
    assert_false(match_date_in("America/New_York", "gt2026-12-01", t));
}

static void tokens_and_missing(void **state)
{
    (void)state;
    json_t *res = json_pack("{s:s, s:s, s:[{s:[{s:s, s:s}]}]}", "resourceType", "Observation", "id",
                            "v1", "category", "coding", "system",
                            "http://terminology.hl7.org/CodeSystem/observation-category", "code",
                            "vital-signs");
    struct fhir_criterion c[2];
    struct kc_error err = {0};
    const struct {
        const char *key, *value;
        int want;
    } cases[] = {
        {"category", "vital-signs", 1},
        {"category", "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs", 1},
        {"category", "http://example.org|vital-signs", 0},
        {"category", "|vital-signs", 0},
        {"category", "http://terminology.hl7.org/CodeSystem/observation-category|", 1},
        {"category", "survey,vital-signs", 1},
        {"category", "survey", 0},
        {"category:missing", "false", 1},
        {"encounter:missing", "true", 1},
        {"encounter:missing", "false", 0},
        {"_id", "v1", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(
            fhir_criterion_parse("Observation", cases[i].key, cases[i].value, NULL, &c[0], &err),
            0);
        if (fhir_matches(res, c, 1) != cases[i].want)
            fail_msg("%s=%s", cases[i].key, cases[i].value);
    }
    json_decref(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vital_codes_are_the_profiles),
        cmocka_unit_test(blood_pressure_is_one_panel),
        cmocka_unit_test(scale_total_comes_from_its_response),
        cmocka_unit_test(date_prefixes_follow_the_spec),
        cmocka_unit_test(a_day_is_the_clinics_local_day),
        cmocka_unit_test(tokens_and_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
