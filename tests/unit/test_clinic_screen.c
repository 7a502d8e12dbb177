/* test_clinic_screen.c — screening (src/clinic/screen*.c): esketamine label contraindications
 * vs racemic consensus, the BP gate, interactions, JSON input errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "clinic/screen.h"

static struct protocol P;
static int setup(void **state)
{
    (void)state;
    protocol_init_default(&P);
    return 0;
}

static const char *BASE_K =
    "\"age\": 45, \"sex\": \"female\", \"weight_kg\": 70, \"height_cm\": 165, \"diagnoses\": "
    "[\"mdd\"], \"vitals\": {\"sbp\": 124, \"dbp\": 78, \"hr\": 70, \"spo2\": 98}, "
    "\"adequate_antidepressant_trials\": 2";

static int run(const char *extra, const char *drug_route, struct screen_result *r,
               struct kc_error *err)
{
    char json[2048];
    struct screen_input in;
    snprintf(json, sizeof json, "{%s%s%s, %s}", BASE_K, *extra ? ", " : "", extra, drug_route);
    int rc = screen_parse_json(json, &in, err);
    if (rc) return rc;
    return screen_evaluate(&P, &in, r, err);
}
#define KET "\"drug\": \"ketamine\", \"route\": \"iv\""
#define ESK "\"drug\": \"esketamine\", \"route\": \"nasal\""

static const struct screen_finding *find(const struct screen_result *r, const char *id)
{
    for (int i = 0; i < r->n_findings; i++)
        if (strcmp(r->findings[i].id, id) == 0) return &r->findings[i];
    return NULL;
}

static void clean_patient_is_eligible(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    assert_int_equal(run("", KET, &r, &err), 0);
    if (r.n_findings) fail_msg("unexpected finding %s: %s", r.findings[0].id, r.findings[0].text);
    assert_int_equal(r.outcome, SCREEN_ELIGIBLE);
    assert_int_equal(run("", ESK, &r, &err), 0);
    assert_int_equal(r.outcome, SCREEN_ELIGIBLE);
}

/* SPRAVATO label: aneurysmal vascular disease, AVM, ICH history, hypersensitivity are
 * contraindications (absolute).  Ketalar US label, CONTRAINDICATIONS: "patients for whom a
 * significant elevation of blood pressure would constitute a serious hazard" (clinical.md s11,
 * V): the same conditions and uncontrolled hypertension are absolute for racemic ketamine, by
 * every route. */
static void label_vs_consensus(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    static const char *const cond[] = {"aneurysm", "avm", "intracerebral-haemorrhage"};
    for (int i = 0; i < 3; i++) {
        char h[128];
        snprintf(h, sizeof h, "\"history\": [\"%s\"]", cond[i]);
        assert_int_equal(run(h, ESK, &r, &err), 0);
        assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
        assert_int_equal(find(&r, cond[i])->severity, SCREEN_ABSOLUTE);
        assert_non_null(strstr(find(&r, cond[i])->source, "SPRAVATO"));
        static const char *const routes[] = {"iv", "im", "sc", "oral", "sl"};
        for (int k = 0; k < 5; k++) {
            char dr[64];
            snprintf(dr, sizeof dr, "\"drug\": \"ketamine\", \"route\": \"%s\"", routes[k]);
            assert_int_equal(run(h, dr, &r, &err), 0);
            assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
            assert_int_equal(find(&r, cond[i])->severity, SCREEN_ABSOLUTE);
            assert_non_null(strstr(find(&r, cond[i])->source, "significant elevation of blood "
                                                              "pressure"));
        }
    }
    assert_int_equal(run("\"history\": [\"uncontrolled-hypertension\"]", KET, &r, &err), 0);
    assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
    assert_non_null(strstr(find(&r, "uncontrolled-hypertension")->source, "Ketalar"));
    assert_int_equal(run("\"history\": [\"uncontrolled-hypertension\"]", ESK, &r, &err), 0);
    assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
    assert_int_equal(run("\"history\": [\"hypersensitivity-ketamine\"]", KET, &r, &err), 0);
    assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
    /* ASRA: active SUD -> no serial infusions (relative) for racemic; label: careful
     * consideration (caution) for esketamine */
    assert_int_equal(run("\"history\": [\"substance-use-active\"]", KET, &r, &err), 0);
    assert_int_equal(find(&r, "substance-use-active")->severity, SCREEN_RELATIVE);
    assert_int_equal(run("\"history\": [\"substance-use-active\"]", ESK, &r, &err), 0);
    assert_int_equal(find(&r, "substance-use-active")->severity, SCREEN_CAUTION);
}

/* A clinic may make a relative contraindication absolute in its protocol, never the reverse:
 * the label's absolute ones have entries whose safe range is 1-1. */
static void clinic_may_tighten_never_relax(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    assert_int_equal(run("\"history\": [\"raised-icp\"]", KET, &r, &err), 0);
    assert_int_equal(find(&r, "raised-icp")->severity, SCREEN_RELATIVE);
    struct protocol saved = P;
    assert_int_equal(protocol_apply_override(&P, "{\"clinic\":\"strict\",\"overrides\":"
                                                 "{\"screen.absolute_raised_icp\":1}}", &err), 0);
    assert_int_equal(run("\"history\": [\"raised-icp\"]", KET, &r, &err), 0);
    assert_int_equal(find(&r, "raised-icp")->severity, SCREEN_ABSOLUTE);
    assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
    assert_non_null(strstr(find(&r, "raised-icp")->action, "clinic's protocol"));
    P = saved;
    static const char *const never[] = {"screen.absolute_aneurysm", "screen.absolute_avm",
                                        "screen.absolute_ich", "screen.absolute_hypersensitivity",
                                        "screen.absolute_uncontrolled_hypertension"};
    for (int i = 0; i < 5; i++) {
        char o[160];
        snprintf(o, sizeof o, "{\"clinic\":\"lax\",\"overrides\":{\"%s\":0}}", never[i]);
        struct protocol q = P;
        assert_int_equal(protocol_apply_override(&q, o, &err), KC_ERANGE);
        assert_non_null(strstr(err.msg, "below its safe minimum"));
    }
}

/* Issue 14: "the interaction check misses 'clonazepam 1 mg bid'".  A medication line as
 * prescribed (dose, form, frequency, brand) is matched by its drug name: the benzodiazepine
 * caution of the SPRAVATO REMS Patient Monitoring Form (concomitant benzodiazepines). */
static void free_text_medications(void **state)
{
    (void)state;
    static const char *const lines[] = {"clonazepam 1 mg bid", "Clonazepam 0.5 mg b.i.d.",
                                        "Klonopin (1 mg) at night", "alprazolam XR 2mg daily",
                                        "lorazepam 1mg PO PRN"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char extra[160];
        struct screen_result r;
        struct kc_error err = {0};
        snprintf(extra, sizeof extra, "\"medications\": [\"%s\"]", lines[i]);
        if (run(extra, ESK, &r, &err)) fail_msg("%s: %s", lines[i], err.msg);
        const struct screen_finding *f = find(&r, "ddi-benzodiazepine");
        if (!f) fail_msg("'%s' not recognised as a benzodiazepine", lines[i]);
        assert_null(find(&r, "ddi-unknown"));
    }
    assert_int_equal(screen_drug_class_of("st-john-s-wort-300-mg", 0), SCREEN_DC_CYP_INDUCER);
    assert_int_equal(screen_drug_class_of("adderall-xr-20-mg", 0), SCREEN_DC_STIMULANT);
    assert_int_equal(screen_drug_class_of("vitamin-d-1000-iu", 0), SCREEN_DC_NONE);
    assert_int_equal(screen_drug_class_of("mg", 0), SCREEN_DC_NONE);
}

/* Label: baseline BP > 140/90 -> weigh risk, clinician review (issue example 162/98). */
static void bp_gate(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    char json[1024];
    struct screen_input in;
    snprintf(json, sizeof json,
             "{\"age\": 50, \"diagnoses\": [\"trd\"], \"adequate_antidepressant_trials\": 2, "
             "\"vitals\": {\"sbp\": 162, \"dbp\": 98}, %s}", ESK);
    assert_int_equal(screen_parse_json(json, &in, &err), 0);
    assert_int_equal(screen_evaluate(&P, &in, &r, &err), 0);
    const struct screen_finding *f = find(&r, "bp-gate");
    assert_non_null(f);
    assert_string_equal(f->text, "BP 162/98 above the 140/90 gate");
    assert_non_null(strstr(f->action, "clinician review before dosing"));
    assert_int_equal(r.outcome, SCREEN_ELIGIBLE_WITH_CAUTIONS);
    in.sbp_mmhg = 140;
    in.dbp_mmhg = 90; /* at the gate is not above it */
    assert_int_equal(screen_evaluate(&P, &in, &r, &err), 0);
    assert_null(find(&r, "bp-gate"));
    assert_string_equal(r.trace.keys[0], "screen.min_age_years");
}

/* REMS PMF classes; lamotrigine; CYP modulators; bipolar without mood stabiliser. */
static void interactions(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    assert_int_equal(run("\"medications\": [\"Lorazepam\", \"oxycodone\", \"methylphenidate\", "
                         "\"phenelzine\", \"lamotrigine\", \"clarithromycin\", \"rifampicin\", "
                         "\"sertraline\"]",
                         KET, &r, &err),
                     0);
    assert_non_null(find(&r, "ddi-benzodiazepine"));
    assert_non_null(find(&r, "ddi-opioid"));
    assert_non_null(find(&r, "ddi-stimulant"));
    assert_int_equal(find(&r, "ddi-maoi")->severity, SCREEN_RELATIVE);
    assert_non_null(find(&r, "ddi-lamotrigine"));
    assert_non_null(find(&r, "ddi-cyp-inhibitor"));
    assert_non_null(find(&r, "ddi-cyp-inducer"));
    assert_null(find(&r, "ddi-unknown")); /* sertraline is known, no interaction */
    assert_int_equal(run("\"history\": [\"bipolar\"]", KET, &r, &err), 0);
    assert_int_equal(find(&r, "bipolar")->severity, SCREEN_RELATIVE);
    assert_int_equal(run("\"history\": [\"bipolar\"], \"medications\": [\"lithium\"]", KET, &r, &err), 0);
    assert_int_equal(find(&r, "bipolar")->severity, SCREEN_CAUTION);
    assert_int_equal(run("\"medications\": [\"foozole\"]", KET, &r, &err), 0);
    assert_non_null(find(&r, "ddi-unknown"));
}

/* Esketamine TRD indication: >= 2 adequate trials (label) unless MDSI; adults; >= 65 starts 28. */
static void esketamine_indication_and_age(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    char json[1024];
    struct screen_input in;
    snprintf(json, sizeof json,
             "{\"age\": 70, \"diagnoses\": [\"mdd\"], \"adequate_antidepressant_trials\": 1, "
             "\"vitals\": {\"sbp\": 120, \"dbp\": 80}, %s}", ESK);
    assert_int_equal(screen_parse_json(json, &in, &err), 0);
    assert_int_equal(screen_evaluate(&P, &in, &r, &err), 0);
    assert_int_equal(find(&r, "trd-definition")->severity, SCREEN_RELATIVE);
    /* from 65: no age-specific start in the US label (the default region); the EU SmPC / HK
     * label start at 28 mg (esk.label_region 2) */
    assert_null(find(&r, "age-older"));
    struct protocol eu;
    protocol_init_default(&eu);
    assert_int_equal(protocol_apply_override(&eu, "{\"clinic\":\"eu\",\"overrides\":"
                                                  "{\"esk.label_region\":2}}", &err), 0);
    assert_int_equal(screen_evaluate(&eu, &in, &r, &err), 0);
    assert_non_null(strstr(find(&r, "age-older")->action, "28 mg"));
    snprintf(in.diagnoses[0], sizeof in.diagnoses[0], "mdsi");
    assert_int_equal(screen_evaluate(&P, &in, &r, &err), 0);
    assert_null(find(&r, "trd-definition"));
    in.age_years = 16;
    assert_int_equal(screen_evaluate(&P, &in, &r, &err), 0);
    assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
    in.route = DOSE_ROUTE_IV;
    assert_int_equal(screen_evaluate(&P, &in, &r, &err), KC_EINVAL);
}

static void pregnancy_hepatic(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    assert_int_equal(run("\"pregnant\": true, \"hepatic_impairment\": \"moderate\"", ESK, &r, &err), 0);
    assert_int_equal(find(&r, "pregnancy")->severity, SCREEN_RELATIVE);
    assert_non_null(strstr(find(&r, "hepatic-moderate")->action, "longer"));
    assert_int_equal(run("\"weight_kg\": 100", KET, &r, &err), KC_EINVAL); /* duplicate key */
    assert_int_equal(run("\"hepatic_impairment\": \"severe\"", KET, &r, &err), 0);
    assert_int_equal(find(&r, "hepatic-severe")->severity, SCREEN_RELATIVE);
}

/* Sanacora 2017 (unverified): BMI > 30 -> consider ideal body weight. */
static void bmi_weight_basis(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    struct screen_input in;
    char json[512];
    snprintf(json, sizeof json, "{\"age\": 40, \"weight_kg\": 92, \"height_cm\": 170, "
                                "\"adequate_antidepressant_trials\": 2, \"diagnoses\": [\"mdd\"], "
                                "\"vitals\": {\"sbp\": 120, \"dbp\": 80}, %s}", KET);
    assert_int_equal(screen_parse_json(json, &in, &err), 0);
    assert_int_equal(screen_evaluate(&P, &in, &r, &err), 0);
    assert_non_null(find(&r, "bmi"));
    in.weight_kg = 86; /* BMI 29.8 */
    assert_int_equal(screen_evaluate(&P, &in, &r, &err), 0);
    assert_null(find(&r, "bmi"));
}

static void bad_input_names_the_field(void **state)
{
    (void)state;
    struct screen_input in;
    struct kc_error err = {0};
    static const struct {
        const char *json, *want;
    } bad[] = {
        {"{\"age\": 45, \"drug\": \"ketamine\", \"route\": \"iv\", \"histroy\": []}", "'histroy'"},
        {"{\"age\": 45, \"drug\": \"ketamine\", \"route\": \"iv\", \"history\": [\"flu\"]}", "'flu'"},
        {"{\"age\": 450, \"drug\": \"ketamine\", \"route\": \"iv\"}", "'age' = 450"},
        {"{\"drug\": \"ketamine\", \"route\": \"iv\"}", "'age' is required"},
        {"{\"age\": 45, \"drug\": \"ketamin\", \"route\": \"iv\"}", "'drug'"},
        {"{\"age\": 45, \"drug\": \"ketamine\", \"route\": \"rectal\"}", "route 'rectal'"},
        {"{\"age\": 45, \"drug\": \"ketamine\", \"route\": \"iv\", \"vitals\": {\"bp\": 1}}", "'bp'"},
        {"{\"age\": 45, \"drug\": \"ketamine\", \"route\": \"iv\", \"pregnant\": \"no\"}", "'pregnant'"},
        {"{\"age\": 45,", "invalid JSON at line"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (screen_parse_json(bad[i].json, &in, &err) == 0) fail_msg("accepted %s", bad[i].json);
        if (!strstr(err.msg, bad[i].want))
            fail_msg("error for %s was '%s', wanted '%s'", bad[i].json, err.msg, bad[i].want);
    }
}

/* Psychosis: the label asks for an assessment and ASRA says avoid if poorly controlled; the
 * clinic protocol's screen.psychosis_excludes (default 1, issue 8, as the phase 3 trials
 * enrolled non-psychotic depression only) makes current or past psychosis exclude; 0 gives back
 * the label/consensus severities (relative / caution). */
static void psychosis_follows_the_clinic_protocol(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    assert_int_equal(run("\"history\": [\"psychosis-history\"]", KET, &r, &err), 0);
    const struct screen_finding *f = find(&r, "psychosis-history");
    assert_non_null(f);
    assert_int_equal(f->severity, SCREEN_ABSOLUTE);
    assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
    assert_non_null(strstr(f->source, "Popova"));
    assert_non_null(strstr(f->source, "screen.psychosis_excludes"));
    int traced = 0;
    for (size_t i = 0; i < r.trace.n; i++) traced |= strcmp(r.trace.keys[i], "screen.psychosis_excludes") == 0;
    assert_true(traced);
    assert_int_equal(run("\"history\": [\"psychosis-current\"]", ESK, &r, &err), 0);
    assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);

    struct protocol saved = P;
    assert_int_equal(protocol_apply_override(&P, "{\"clinic\": \"label\", \"overrides\": "
                                                 "{\"screen.psychosis_excludes\": 0}}", &err), 0);
    assert_int_equal(run("\"history\": [\"psychosis-history\"]", KET, &r, &err), 0);
    f = find(&r, "psychosis-history");
    assert_int_equal(f->severity, SCREEN_CAUTION);
    assert_int_equal(r.outcome, SCREEN_ELIGIBLE_WITH_CAUTIONS);
    assert_non_null(strstr(f->source, "Cohen et al., Reg Anesth Pain Med 2018"));
    assert_int_equal(run("\"history\": [\"psychosis-current\"]", ESK, &r, &err), 0);
    assert_int_equal(find(&r, "psychosis-current")->severity, SCREEN_RELATIVE);
    assert_int_equal(r.outcome, SCREEN_ELIGIBLE_WITH_CAUTIONS);
    /* a value outside 0-1 is refused, and p stays as it was */
    assert_int_not_equal(protocol_apply_override(&P, "{\"clinic\": \"x\", \"overrides\": "
                                                     "{\"screen.psychosis_excludes\": 2}}", &err), 0);
    P = saved;
}

/* Allergies are recorded with the screening; one to ketamine or esketamine (by name or brand) is
 * the label's hypersensitivity contraindication even if the history box was not ticked. */
static void allergies(void **state)
{
    (void)state;
    struct screen_result r;
    struct kc_error err = {0};
    assert_int_equal(run("\"allergies\": [\"penicillin\", \"latex\"]", KET, &r, &err), 0);
    assert_int_equal(r.outcome, SCREEN_ELIGIBLE);
    assert_int_equal(run("\"allergies\": [\"Ketalar\"]", KET, &r, &err), 0);
    const struct screen_finding *f = find(&r, "allergy-ketamine");
    assert_non_null(f);
    assert_int_equal(f->severity, SCREEN_ABSOLUTE);
    assert_string_equal(f->text, "recorded allergy: ketalar");
    assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
    assert_int_equal(run("\"allergies\": [\"esketamine\"]", ESK, &r, &err), 0);
    assert_int_equal(r.outcome, SCREEN_NOT_ELIGIBLE);
    assert_non_null(strstr(find(&r, "allergy-ketamine")->source, "SPRAVATO"));
    /* with the history box ticked too, one finding, not two */
    assert_int_equal(run("\"allergies\": [\"ketamine\"], \"history\": [\"hypersensitivity-ketamine\"]", KET, &r, &err), 0);
    assert_null(find(&r, "allergy-ketamine"));
    assert_non_null(find(&r, "hypersensitivity-ketamine"));
    struct screen_input in;
    assert_int_not_equal(screen_parse_json("{\"age\": 40, \"drug\": \"ketamine\", \"route\": \"iv\", "
                                           "\"allergies\": [\"pen;icillin\"]}", &in, &err), 0);
    assert_non_null(strstr(err.msg, "allergies[0]"));
    assert_int_not_equal(screen_parse_json("{\"age\": 40, \"drug\": \"ketamine\", \"route\": \"iv\", "
                                           "\"allergies\": \"penicillin\"}", &in, &err), 0);
    assert_non_null(strstr(err.msg, "allergies"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clinic_may_tighten_never_relax),
        cmocka_unit_test(free_text_medications),
        cmocka_unit_test(clean_patient_is_eligible),
        cmocka_unit_test(label_vs_consensus),
        cmocka_unit_test(bp_gate),
        cmocka_unit_test(interactions),
        cmocka_unit_test(esketamine_indication_and_age),
        cmocka_unit_test(pregnancy_hepatic),
        cmocka_unit_test(bmi_weight_basis),
        cmocka_unit_test(bad_input_names_the_field),
        cmocka_unit_test(psychosis_follows_the_clinic_protocol),
        cmocka_unit_test(allergies),
    };
    return cmocka_run_group_tests_name("clinic_screen", tests, setup, NULL);
}
