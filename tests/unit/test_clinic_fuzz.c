/* test_clinic_fuzz.c — mutation fuzzing of the clinic's text parsers (protocol override JSON,
 * screening JSON, item lists, dates, clinic days) under ASan/UBSan: every mutated input either
 * parses into something the rules accept or is refused with a message; never a crash.
 * Fixed-seed generator, so every run is the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "clinic/course.h"
#include "clinic/protocol.h"
#include "clinic/scale.h"
#include "clinic/screen.h"

static uint64_t rs = 0x853C49E6748FEA9Bull;
static uint32_t rnd(uint32_t n)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (uint32_t)((rs * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

/* Mutates src into dst (cap bytes, NUL-terminated): 1-4 random edits. */
static void mutate(const char *src, char *dst, size_t cap)
{
    static const char alphabet[] = "{}[]\",:0123456789.-e+ntrufalsxyz \\\n\t\x01\xff";
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    int edits = 1 + (int)rnd(4);
    for (int e = 0; e < edits; e++) {
        n = strlen(dst);
        size_t at = n ? rnd((uint32_t)n) : 0;
        switch (rnd(5)) {
        case 0: /* replace */
            if (n) dst[at] = alphabet[rnd(sizeof alphabet - 1)];
            break;
        case 1: /* delete */
            if (n) memmove(dst + at, dst + at + 1, n - at);
            break;
        case 2: /* insert */
            if (n + 1 < cap) {
                memmove(dst + at + 1, dst + at, n - at + 1);
                dst[at] = alphabet[rnd(sizeof alphabet - 1)];
            }
            break;
        case 3: /* truncate */
            dst[at] = '\0';
            break;
        default: { /* duplicate a slice */
            size_t len = 1 + rnd(8);
            if (at + len <= n && n + len < cap) /* shifting right leaves the slice twice */
                memmove(dst + at + len, dst + at, n - at + 1);
            break;
        }
        }
    }
}

static void refused_with_message(int rc, const struct kc_error *err, const char *input)
{
    if (rc >= 0) return;
    if (!err->msg[0]) fail_msg("refused without a message: %s", input);
}

static void fuzz_protocol_override(void **state)
{
    (void)state;
    static const char *const seeds[] = {
        "{\"clinic\":\"north\",\"version\":\"3\",\"overrides\":{\"iv.default_mg_per_kg\":0.4,"
        "\"alarm.spo2_min_pct\":90}}",
        "{\"clinic\":\"a\",\"overrides\":{\"discharge.aldrete_pass\":10,\"course.min_gap_days\":3}}",
    };
    int accepted = 0;
    for (int i = 0; i < 20000; i++) {
        char buf[512];
        struct protocol p;
        struct kc_error err = {0};
        protocol_init_default(&p);
        mutate(seeds[rnd(2)], buf, sizeof buf);
        int rc = protocol_apply_override(&p, buf, &err);
        refused_with_message(rc, &err, buf);
        if (rc == 0) {
            accepted++;
            /* whatever was accepted lies inside every safe range and is consistent */
            for (size_t k = 0; k < protocol_table_len; k++)
                assert_int_equal(protocol_check_value(protocol_table[k].key, p.value[k], &err), 0);
            assert_int_equal(protocol_check_consistency(&p, &err), 0);
        }
    }
    assert_true(accepted > 0);
}

static void fuzz_screening_input(void **state)
{
    (void)state;
    static const char *seed =
        "{\"age\": 45, \"sex\": \"female\", \"weight_kg\": 70, \"height_cm\": 165, \"diagnoses\": "
        "[\"mdd\"], \"history\": [\"bipolar\", \"aneurysm\"], \"medications\": [\"lorazepam\", "
        "\"lithium\"], \"vitals\": {\"sbp\": 162, \"dbp\": 98, \"hr\": 80, \"spo2\": 97}, "
        "\"adequate_antidepressant_trials\": 3, \"hepatic_impairment\": \"moderate\", "
        "\"drug\": \"ketamine\", \"route\": \"iv\"}";
    struct protocol p;
    protocol_init_default(&p);
    int parsed = 0;
    for (int i = 0; i < 20000; i++) {
        char buf[1024];
        struct screen_input in;
        struct screen_result r;
        struct kc_error err = {0};
        mutate(seed, buf, sizeof buf);
        int rc = screen_parse_json(buf, &in, &err);
        refused_with_message(rc, &err, buf);
        if (rc == 0) {
            parsed++;
            rc = screen_evaluate(&p, &in, &r, &err);
            refused_with_message(rc, &err, buf);
            if (rc == 0) assert_in_range(r.n_findings, 0, SCREEN_MAX_FINDINGS);
        }
    }
    assert_true(parsed > 0);
}

static void fuzz_small_parsers(void **state)
{
    (void)state;
    static const char *const seeds[] = {"1,2,0,3,1,0,2,1,0", "1,0,-,-,-,2", "2026-12-01",
                                        "mon,wed,fri", "2028-02-29"};
    struct protocol p;
    protocol_init_default(&p);
    for (int i = 0; i < 50000; i++) {
        char buf[64];
        int items[SCALE_MAX_ITEMS], n = 0;
        long day;
        unsigned mask;
        struct kc_error err = {0};
        mutate(seeds[rnd(5)], buf, sizeof buf);
        int rc = scale_parse_items(buf, items, SCALE_MAX_ITEMS, &n, &err);
        refused_with_message(rc, &err, buf);
        if (rc == 0) {
            struct scale_result r;
            const struct scale_def *d = scale_table[rnd((uint32_t)scale_table_len)];
            rc = scale_score(&p, d, items, n, &r, &err);
            refused_with_message(rc, &err, buf);
            if (rc == 0 && r.has_total) assert_in_range(r.total, d->total_min, d->total_max);
        }
        rc = course_date_parse(buf, &day, &err);
        refused_with_message(rc, &err, buf);
        if (rc == 0) {
            char back[16];
            course_date_format(day, back, sizeof back);
            assert_string_equal(back, buf); /* a parsed date prints back the same */
        }
        refused_with_message(course_days_parse(buf, &mask, &err), &err, buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fuzz_protocol_override),
        cmocka_unit_test(fuzz_screening_input),
        cmocka_unit_test(fuzz_small_parsers),
    };
    return cmocka_run_group_tests_name("clinic_fuzz", tests, NULL, NULL);
}
