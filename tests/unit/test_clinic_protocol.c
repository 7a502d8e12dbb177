/* test_clinic_protocol.c — the protocol table (src/clinic/protocol*.c): defaults against the
 * reference, safe-range refusals, overrides all-or-nothing, docs listing every entry. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/protocol.h"

static double val(const struct protocol *p, const char *key)
{
    double v = protocol_use(p, key, NULL);
    if (isnan(v)) fail_msg("no protocol entry '%s'", key);
    return v;
}

/* Published values, each against its source (clinical.md s1, s3, s4). */
static void defaults_match_sources(void **state)
{
    (void)state;
    struct protocol p;
    protocol_init_default(&p);
    assert_string_equal(p.version, PROTOCOL_DEFAULT_VERSION);
    /* Sanacora 2017: 0.5 mg/kg over 40 min */
    assert_true(val(&p, "iv.default_mg_per_kg") == 0.5);
    assert_true(val(&p, "iv.default_duration_min") == 40);
    /* Andrade 2017: 0.1-0.75 mg/kg */
    assert_true(val(&p, "iv.min_mg_per_kg") == 0.1);
    assert_true(val(&p, "iv.max_default_mg_per_kg") == 0.75);
    /* issue 5 product decision: 1 mg/kg IV hard limit */
    assert_true(val(&p, "iv.hard_limit_mg_per_kg") == 1.0);
    /* SPRAVATO label: 28 mg devices, 5 min apart, 56 mg first dose, 84 mg max, 2 h observation */
    assert_true(val(&p, "esk.device_mg") == 28);
    assert_true(val(&p, "esk.device_salt_mg") == 32.3);
    assert_true(val(&p, "esk.device_spacing_min") == 5);
    assert_true(val(&p, "esk.first_dose_mg") == 56);
    assert_true(val(&p, "esk.hard_limit_mg") == 84);
    assert_true(val(&p, "discharge.min_observation_esk_min") == 120);
    /* label gate 140/90; academic clinic alarms 180/110 sustained, 200/120 once */
    assert_true(val(&p, "gate.sbp_max_mmhg") == 140 && val(&p, "gate.dbp_max_mmhg") == 90);
    assert_true(val(&p, "alarm.sbp_sustained_mmhg") == 180);
    assert_true(val(&p, "alarm.dbp_sustained_mmhg") == 110);
    assert_true(val(&p, "alarm.sbp_single_mmhg") == 200);
    assert_true(val(&p, "alarm.dbp_single_mmhg") == 120);
    /* Aldrete: SpO2 >92%, pass >=9, BP within 20% */
    assert_true(val(&p, "alarm.spo2_min_pct") == 92);
    assert_true(val(&p, "discharge.aldrete_pass") == 9);
    assert_true(val(&p, "discharge.bp_band_pct") == 20);
    /* response/remission definitions (clinical.md s4) */
    assert_true(val(&p, "response.depression_drop_pct") == 50);
    assert_true(val(&p, "response.ptsd_drop_pct") == 30);
    assert_true(val(&p, "response.ocd_drop_pct") == 35);
    assert_true(val(&p, "remission.madrs_max") == 10);
    assert_true(val(&p, "remission.hamd_max") == 7);
    assert_true(val(&p, "remission.qids_max") == 5);
    /* Loo 2016 titration 0.1 + 0.1 to 0.5 */
    assert_true(val(&p, "titration.start_mg_per_kg") == 0.1);
    assert_true(val(&p, "titration.step_mg_per_kg") == 0.1);
    assert_true(val(&p, "titration.ceiling_mg_per_kg") == 0.5);
    /* ketamine HCl 274.19 / base 237.73 */
    assert_true(fabs(val(&p, "ketamine.hcl_per_base") - 274.19 / 237.73) < 1e-4);
    assert_true(fabs(val(&p, "esk.device_salt_mg") / val(&p, "esk.device_mg") -
                     val(&p, "ketamine.hcl_per_base")) < 1e-3);
}

static void table_is_well_formed(void **state)
{
    (void)state;
    struct protocol p;
    struct kc_error err = {0};
    protocol_init_default(&p);
    assert_true(protocol_table_len <= PROTOCOL_MAX_ENTRIES);
    for (size_t i = 0; i < protocol_table_len; i++) {
        const struct protocol_entry *e = &protocol_table[i];
        if (!(e->safe_min <= e->value && e->value <= e->safe_max))
            fail_msg("%s default %g outside its safe range %g-%g", e->key, e->value, e->safe_min,
                     e->safe_max);
        assert_true(strlen(e->source) > 5);
        assert_true(strlen(e->unit) > 0);
        assert_int_equal(protocol_index(e->key), (int)i); /* keys unique */
    }
    assert_int_equal(protocol_check_consistency(&p, &err), 0);
}

static void refuses_unsafe_values_with_reason(void **state)
{
    (void)state;
    struct kc_error err = {0};
    /* issue 5: SpO2 alarm below 80% and IV maximum above 1 mg/kg are refused */
    assert_int_equal(protocol_check_value("alarm.spo2_min_pct", 75, &err), KC_ERANGE);
    assert_non_null(strstr(err.msg, "below its safe minimum 80"));
    assert_int_equal(protocol_check_value("iv.hard_limit_mg_per_kg", 1.2, &err), KC_ERANGE);
    assert_non_null(strstr(err.msg, "above its safe maximum 1"));
    assert_int_equal(protocol_check_value("discharge.min_observation_esk_min", 60, &err),
                     KC_ERANGE);
    assert_int_equal(protocol_check_value("alarm.spo2_min_pct", 80, &err), 0);
    assert_int_equal(protocol_check_value("no.such", 1, &err), KC_ENOTFOUND);
}

static void override_applies_and_versions(void **state)
{
    (void)state;
    struct protocol p;
    struct protocol_trace tr;
    struct kc_error err = {0};
    protocol_init_default(&p);
    assert_int_equal(protocol_apply_override(&p,
                                             "{\"clinic\":\"north\",\"version\":\"3\","
                                             "\"overrides\":{\"iv.default_mg_per_kg\":0.4,"
                                             "\"alarm.spo2_min_pct\":90}}",
                                             &err),
                     0);
    assert_string_equal(p.version, PROTOCOL_DEFAULT_VERSION "+north-3");
    protocol_trace_begin(&tr, &p);
    assert_true(protocol_use(&p, "iv.default_mg_per_kg", &tr) == 0.4);
    assert_true(protocol_use(&p, "alarm.spo2_min_pct", &tr) == 90);
    assert_true(protocol_use(&p, "iv.default_mg_per_kg", &tr) == 0.4);
    assert_int_equal(tr.n, 2); /* each key once */
    assert_string_equal(tr.version, PROTOCOL_DEFAULT_VERSION "+north-3");
    assert_true(p.overridden[protocol_index("iv.default_mg_per_kg")]);
}

static void override_all_or_nothing(void **state)
{
    (void)state;
    struct protocol p, before;
    struct kc_error err = {0};
    protocol_init_default(&p);
    before = p;
    static const struct {
        const char *json, *want;
    } bad[] = {
        {"{\"clinic\":\"a\",\"overrides\":{\"iv.default_mg_per_kg\":0.4,"
         "\"alarm.spo2_min_pct\":75}}",
         "alarm.spo2_min_pct"},
        {"{\"clinic\":\"a\",\"overrides\":{\"iv.hard_limit_mg_per_kg\":1.5}}", "safe maximum"},
        {"{\"clinic\":\"a\",\"overrides\":{\"iv.bogus\":1}}", "unknown entry 'iv.bogus'"},
        {"{\"clinic\":\"a\",\"overrides\":{\"iv.default_mg_per_kg\":\"0.4\"}}", "must be a number"},
        {"{\"overrides\":{}}", "'clinic'"},
        {"{\"clinic\":\"a b\",\"overrides\":{}}", "'clinic'"},
        {"{\"clinic\":\"a\",\"overrides\":{}, \"x\":1}", "unknown field 'x'"},
        {"{\"clinic\":\"a\",", "line 1"},
        {"[1]", "object"},
        /* consistency: default above the default maximum */
        {"{\"clinic\":\"a\",\"overrides\":{\"iv.default_mg_per_kg\":0.9}}",
         "iv.max_default_mg_per_kg"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = protocol_apply_override(&p, bad[i].json, &err);
        if (rc == 0) fail_msg("accepted %s", bad[i].json);
        if (!strstr(err.msg, bad[i].want))
            fail_msg("error for %s was '%s', wanted '%s'", bad[i].json, err.msg, bad[i].want);
        assert_memory_equal(&p, &before, sizeof p);
    }
}

/* docs/clinical-sources.md must list every protocol entry (house rule 2). */
static void docs_list_every_entry(void **state)
{
    (void)state;
    const char *root = getenv("KC_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/clinical-sources.md", root ? root : ".");
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (size_t i = 0; i < protocol_table_len; i++) {
        char needle[128];
        snprintf(needle, sizeof needle, "`%s`", protocol_table[i].key);
        if (!strstr(buf, needle)) fail_msg("%s does not list %s", path, needle);
    }
}

/* Every protocol_use("key", ...) in src/ names an entry of the table: an unknown key would
 * read as NAN and silently switch a check off.  Scans the sources for the literal keys. */
static void code_uses_only_known_keys(void **state)
{
    (void)state;
    static const char *const files[] = {
        "src/clinic/scale.c", "src/clinic/dose.c", "src/clinic/dose_titration.c",
        "src/clinic/dose_volume.c", "src/clinic/scale_table.c",
        "src/clinic/screen.c", "src/clinic/course.c", "src/clinic/vitals.c",
        "src/clinic/discharge.c", "src/clinic/outcome.c", "src/clinic/protocol.c"};
    const char *root = getenv("KC_ROOT");
    int seen = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[1024];
        static char buf[1 << 18];
        snprintf(path, sizeof path, "%s/%s", root ? root : ".", files[f]);
        FILE *fp = fopen(path, "rb");
        if (!fp) fail_msg("cannot open %s", path);
        size_t n = fread(buf, 1, sizeof buf - 1, fp);
        fclose(fp);
        buf[n] = '\0';
        /* every string literal that looks like a protocol key: "word.word" in lower case */
        for (char *q = strchr(buf, '"'); q; q = strchr(q + 1, '"')) {
            char *e = strchr(q + 1, '"');
            if (!e) break;
            size_t len = (size_t)(e - q - 1);
            char key[96];
            int dot = 0, ok = len > 3 && len < sizeof key;
            for (size_t i = 0; ok && i < len; i++) {
                char c = q[1 + i];
                dot += c == '.';
                ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
            }
            if (ok && dot == 1 && q[1] != '.' && q[len] != '.') {
                memcpy(key, q + 1, len);
                key[len] = '\0';
                if (strstr(key, ".c") == key + len - 2 || strstr(key, ".h") == key + len - 2) {
                    q = e;
                    continue; /* a file name */
                }
                if (protocol_index(key) < 0) fail_msg("%s uses unknown protocol key '%s'", files[f], key);
                seen++;
            }
            q = e;
        }
    }
    assert_true(seen > 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_match_sources),
        cmocka_unit_test(table_is_well_formed),
        cmocka_unit_test(refuses_unsafe_values_with_reason),
        cmocka_unit_test(override_applies_and_versions),
        cmocka_unit_test(override_all_or_nothing),
        cmocka_unit_test(docs_list_every_entry),
        cmocka_unit_test(code_uses_only_known_keys),
    };
    return cmocka_run_group_tests_name("clinic_protocol", tests, NULL, NULL);
}
