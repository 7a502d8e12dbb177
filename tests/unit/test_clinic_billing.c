/* test_clinic_billing.c — the billing rules (src/clinic/billing*.c): the CPT infusion time rule
 * at its boundaries, G2082/G2083 by dose, Medicare KX, J0013 replacing S0013, prior-auth
 * booking checks, the account rules, a property test over random histories (charges - voids -
 * (payments - refunds) - adjustments == balance, and rejected entries change nothing), payment
 * plans and money parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/billing.h"
#include "clinic/course.h"

static long day(const char *ymd)
{
    long d = 0;
    assert_int_equal(course_date_parse(ymd, &d, NULL), 0);
    return d;
}

/* AMA CPT / CMS IOM 100-04 ch.12 s30.5 (via billing references, S): <=15 min push (96374),
 * 16-90 min 96365 alone, 91-150 one 96366, 151-210 two, 211-270 three. */
static void iv_time_rule_boundaries(void **state)
{
    (void)state;
    static const struct { int64_t min; const char *first; int add; } cases[] = {
        {1, "96374", 0},   {15, "96374", 0},  {16, "96365", 0}, {40, "96365", 0},
        {60, "96365", 0},  {90, "96365", 0},  {91, "96365", 1}, {150, "96365", 1},
        {151, "96365", 2}, {210, "96365", 2}, {211, "96365", 3}, {270, "96365", 3},
        {271, "96365", 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *first = NULL;
        int add = -1;
        struct kc_error err = {0};
        assert_int_equal(bill_iv_time_units(cases[i].min, &first, &add, &err), 0);
        if (strcmp(first, cases[i].first) != 0 || add != cases[i].add)
            fail_msg("%lld min: got %s + %d x 96366, wanted %s + %d", (long long)cases[i].min,
                     first, add, cases[i].first, cases[i].add);
    }
    const char *first = NULL;
    int add = 0;
    struct kc_error err = {0};
    assert_int_equal(bill_iv_time_units(0, &first, &add, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "infusion time"));
    assert_int_equal(bill_iv_time_units(1441, &first, &add, &err), KC_EINVAL);
}

static const struct bill_payer self_pay = {.kind = BILL_SELF_PAY};

static void iv_session_charges_floor_seconds(void **state)
{
    (void)state;
    struct bill_schedule s;
    bill_schedule_default(&s);
    struct bill_session_facts f = {.service = BILL_SVC_IV, .day = day("2026-11-23"),
                                   .infusion_s = 90 * 60 + 59}; /* 90:59 is 90 whole minutes */
    struct bill_charges c;
    struct kc_error err = {0};
    assert_int_equal(bill_charges_for_session(&f, &self_pay, &s, &c, &err), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.line[0].code, "96365");
    assert_string_equal(c.line[1].code, "J3490");
    assert_int_equal(c.total_cents, bill_schedule_price(&s, "96365") +
                                        bill_schedule_price(&s, "J3490"));
    f.infusion_s = 91 * 60;
    assert_int_equal(bill_charges_for_session(&f, &self_pay, &s, &c, &err), 0);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.line[1].code, "96366");
    assert_int_equal(c.line[1].units, 1);
    int64_t sum = 0;
    for (int i = 0; i < c.n; i++) sum += c.line[i].units * c.line[i].unit_cents;
    assert_int_equal(sum, c.total_cents);
    f.infusion_s = 0;
    assert_int_equal(bill_charges_for_session(&f, &self_pay, &s, &c, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "infusion"));
}

/* CGS (CMS contractor): G2082 up to 56 mg, G2083 above 56 mg; Medicare marks REMS with KX. */
static void esketamine_g_codes_and_kx(void **state)
{
    (void)state;
    struct bill_schedule s;
    bill_schedule_default(&s);
    struct bill_session_facts f = {.service = BILL_SVC_ESKETAMINE, .day = day("2026-11-23"),
                                   .esketamine_ug = 56000, .rems_enrolled = 1};
    struct bill_charges c;
    struct kc_error err = {0};
    assert_int_equal(bill_charges_for_session(&f, &self_pay, &s, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.line[0].code, "G2082");
    assert_string_equal(c.line[0].modifier, "");
    f.esketamine_ug = 84000;
    assert_int_equal(bill_charges_for_session(&f, &self_pay, &s, &c, &err), 0);
    assert_string_equal(c.line[0].code, "G2083");
    f.esketamine_ug = 56001; /* anything above 56 mg */
    assert_int_equal(bill_charges_for_session(&f, &self_pay, &s, &c, &err), 0);
    assert_string_equal(c.line[0].code, "G2083");
    struct bill_payer mc = {.kind = BILL_MEDICARE};
    f.esketamine_ug = 28000;
    assert_int_equal(bill_charges_for_session(&f, &mc, &s, &c, &err), 0);
    assert_string_equal(c.line[0].code, "G2082");
    assert_string_equal(c.line[0].modifier, "KX");
    assert_int_equal(c.n, 1); /* CGS: no separate drug code with the G-codes */
    f.rems_enrolled = 0;
    assert_int_equal(bill_charges_for_session(&f, &mc, &s, &c, &err), KC_EDENIED);
    assert_non_null(strstr(err.msg, "REMS"));
    f.esketamine_ug = 0;
    f.rems_enrolled = 1;
    assert_int_equal(bill_charges_for_session(&f, &self_pay, &s, &c, &err), KC_EINVAL);
}

/* J0013 replaced S0013 from 2026-01-01 (two billing vendors, S). */
static void unbundled_payer_gets_drug_code_by_date(void **state)
{
    (void)state;
    struct bill_schedule s;
    bill_schedule_default(&s);
    struct bill_payer p = {.kind = BILL_COMMERCIAL, .name = "Acme", .esk_unbundled = 1};
    struct bill_session_facts f = {.service = BILL_SVC_ESKETAMINE, .day = day("2026-01-01"),
                                   .esketamine_ug = 84000};
    struct bill_charges c;
    struct kc_error err = {0};
    assert_int_equal(bill_charges_for_session(&f, &p, &s, &c, &err), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.line[0].code, "99213");
    assert_string_equal(c.line[1].code, "J0013");
    assert_int_equal(c.line[1].units, 84);
    f.day = day("2025-12-31");
    assert_int_equal(bill_charges_for_session(&f, &p, &s, &c, &err), 0);
    assert_string_equal(c.line[1].code, "S0013");
    assert_false(bill_code_valid_on(bill_code_find("S0013"), day("2026-01-01")));
}

static void code_table_has_sources(void **state)
{
    (void)state;
    for (int i = 0; i < bill_code_count(); i++) {
        const struct bill_code *c = bill_code_at(i);
        assert_non_null(c->source);
        assert_true(strlen(c->source) > 5);
        assert_non_null(c->conf);
        assert_true(strchr("VS?", c->conf[0]) != NULL);
    }
    /* clinical.md s7 marks 96372 unverified and J0013 secondary */
    assert_string_equal(bill_code_find("96372")->conf, "?");
    assert_string_equal(bill_code_find("J0013")->conf, "S");
    assert_string_equal(bill_code_find("G2083")->conf, "V");
    assert_null(bill_code_at(bill_code_count()));
    struct bill_schedule s;
    bill_schedule_default(&s);
    struct kc_error err = {0};
    assert_int_equal(bill_schedule_set(&s, "99999", 100, &err), KC_ENOTFOUND);
    assert_int_equal(bill_schedule_set(&s, "96365", -1, &err), KC_ERANGE);
    assert_int_equal(bill_schedule_set(&s, "96365", 60000, &err), 0);
    assert_int_equal(bill_schedule_price(&s, "96365"), 60000);
}

static void prior_auth_checked_before_booking(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct bill_payer p = {.kind = BILL_COMMERCIAL, .name = "Acme"};
    long d = day("2026-11-23");
    assert_int_equal(bill_payer_check_booking(&p, d, &err), KC_EDENIED);
    assert_non_null(strstr(err.msg, "prior-authorisation number"));
    p.prior_auth = "PA-77";
    assert_int_equal(bill_payer_check_booking(&p, d, &err), KC_EDENIED);
    assert_non_null(strstr(err.msg, "expiry"));
    p.prior_auth_expires = d; /* the last day it covers */
    assert_int_equal(bill_payer_check_booking(&p, d, &err), 0);
    assert_int_equal(bill_payer_check_booking(&p, d + 1, &err), KC_EDENIED);
    assert_non_null(strstr(err.msg, "expired on 2026-11-23"));
    assert_int_equal(bill_payer_check_booking(&self_pay, d, &err), 0);
}

static struct bill_account *new_account(void)
{
    struct bill_account *a = malloc(sizeof *a);
    assert_non_null(a);
    bill_account_init(a);
    return a;
}

static void account_rules(void **state)
{
    (void)state;
    struct bill_account *a = new_account();
    struct kc_error err = {0};
    struct bill_entry e = {1, BILL_CHARGE, 50000, 0, NULL};
    assert_int_equal(bill_account_apply(a, &e, &err), 0);
    e = (struct bill_entry){2, BILL_PAYMENT, 20000, 0, NULL};
    assert_int_equal(bill_account_apply(a, &e, &err), 0);
    e = (struct bill_entry){3, BILL_REFUND, 20001, 2, NULL};
    assert_int_equal(bill_account_apply(a, &e, &err), KC_ECONFLICT);
    assert_non_null(strstr(err.msg, "20000 cents left"));
    e = (struct bill_entry){3, BILL_REFUND, 5000, 1, NULL}; /* ref is a charge */
    assert_int_equal(bill_account_apply(a, &e, &err), KC_EINVAL);
    e = (struct bill_entry){3, BILL_VOID, 0, 1, NULL};
    assert_int_equal(bill_account_apply(a, &e, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "reason"));
    e = (struct bill_entry){3, BILL_VOID, 0, 1, "wrong duration"};
    assert_int_equal(bill_account_apply(a, &e, &err), 0);
    assert_int_equal(a->t.voids, 50000); /* the whole charge */
    e = (struct bill_entry){4, BILL_VOID, 0, 1, "again"};
    assert_int_equal(bill_account_apply(a, &e, &err), KC_ECONFLICT);
    assert_int_equal(a->t.balance, -20000); /* a credit after the void */
    e = (struct bill_entry){4, BILL_PAYMENT, 100, 0, NULL};
    assert_int_equal(bill_account_apply(a, &e, &err), 0);
    e = (struct bill_entry){4, BILL_PAYMENT, 100, 0, NULL};
    assert_int_equal(bill_account_apply(a, &e, &err), KC_ECONFLICT); /* id not increasing */
    free(a);
}

/* Property: over random histories, every accepted entry keeps
 * (charges - voids) - (payments - refunds) - adjustments == balance, the balance equals an
 * independent signed sum of the accepted entries, and a rejected entry changes nothing. */
static void random_histories_reconcile(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15u;
    struct bill_account *a = new_account();
    int64_t *ids = malloc(sizeof(int64_t) * 400);
    enum bill_entry_kind *kinds = malloc(sizeof(*kinds) * 400);
    assert_non_null(ids);
    assert_non_null(kinds);
    long accepted = 0, rejected = 0;
    for (int h = 0; h < 300; h++) {
        bill_account_init(a);
        int64_t signed_sum = 0;
        int n = 0;
        for (int64_t id = 1; id <= 200; id++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            struct bill_entry e = {id, (enum bill_entry_kind)(x % BILL_ENTRY_KIND_COUNT),
                                   (int64_t)((x >> 8) % 90000) - 500, 0, "r"};
            if ((e.kind == BILL_VOID || e.kind == BILL_REFUND) && n)
                e.ref = ids[(x >> 40) % (uint64_t)n];
            struct bill_totals before = a->t;
            struct kc_error err = {0};
            int rc = bill_account_apply(a, &e, &err);
            if (rc) {
                rejected++;
                assert_memory_equal(&before, &a->t, sizeof before);
                continue;
            }
            accepted++;
            int64_t amt = a->e[a->n - 1].cents;
            signed_sum += (e.kind == BILL_CHARGE || e.kind == BILL_REFUND) ? amt : -amt;
            ids[n] = id;
            kinds[n++] = e.kind;
            const struct bill_totals *t = &a->t;
            if ((t->charges - t->voids) - (t->payments - t->refunds) - t->adjustments !=
                    t->balance || t->balance != signed_sum)
                fail_msg("history %d entry %lld: totals do not reconcile", h, (long long)id);
            assert_true(t->voids <= t->charges && t->refunds <= t->payments);
        }
    }
    assert_true(accepted > 10000 && rejected > 1000); /* both paths were exercised */
    free(ids);
    free(kinds);
    free(a);
}

static void payment_plan_schedule(void **state)
{
    (void)state;
    struct bill_plan p;
    struct kc_error err = {0};
    /* $1,000.00 in 3 monthly instalments from 2026-01-31: Feb clamps to the 28th */
    assert_int_equal(bill_plan_make(100000, 3, day("2026-01-31"), 0, &p, &err), 0);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.inst[0].cents, 33334);
    assert_int_equal(p.inst[1].cents, 33333);
    assert_int_equal(p.inst[2].cents, 33333);
    assert_int_equal(p.inst[1].due, day("2026-02-28"));
    assert_int_equal(p.inst[2].due, day("2026-03-31"));
    assert_int_equal(bill_plan_make(100000, 2, day("2028-01-31"), 0, &p, &err), 0);
    assert_int_equal(p.inst[1].due, day("2028-02-29")); /* leap year */
    assert_int_equal(bill_plan_make(1000, 4, day("2026-11-01"), 14, &p, &err), 0);
    assert_int_equal(p.inst[3].due, day("2026-12-13"));
    int64_t rem[BILL_PLAN_MAX];
    int over[BILL_PLAN_MAX];
    /* 250 + 250 + 250 + 250; paid 300 by 2026-11-20: first paid, second owes 200 and is due
     * 2026-11-15 (overdue), third due 2026-11-29 not yet */
    assert_int_equal(bill_plan_status(&p, 300, day("2026-11-20"), rem, over), 1);
    assert_int_equal(rem[0], 0);
    assert_int_equal(rem[1], 200);
    assert_int_equal(over[1], 1);
    assert_int_equal(over[2], 0);
    /* due today is not yet overdue */
    assert_int_equal(bill_plan_status(&p, 300, day("2026-11-15"), rem, over), 0);
    assert_int_equal(bill_plan_status(&p, 1000, day("2027-11-15"), rem, over), 0);
    assert_int_equal(bill_plan_make(0, 3, 0, 0, &p, &err), KC_EINVAL);
    assert_int_equal(bill_plan_make(100, 61, 0, 0, &p, &err), KC_EINVAL);
    assert_int_equal(bill_plan_make(2, 3, 0, 0, &p, &err), KC_EINVAL);
}

static void money_text(void **state)
{
    (void)state;
    int64_t c = 0;
    struct kc_error err = {0};
    assert_int_equal(bill_cents_parse("450", 0, &c, &err), 0);
    assert_int_equal(c, 45000);
    assert_int_equal(bill_cents_parse("450.5", 0, &c, &err), 0);
    assert_int_equal(c, 45050);
    assert_int_equal(bill_cents_parse("0.05", 0, &c, &err), 0);
    assert_int_equal(c, 5);
    assert_int_equal(bill_cents_parse("-3.10", 1, &c, &err), 0);
    assert_int_equal(c, -310);
    assert_int_equal(bill_cents_parse("-3", 0, &c, &err), KC_EINVAL);
    assert_int_equal(bill_cents_parse("1.234", 0, &c, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "2 decimals"));
    assert_int_equal(bill_cents_parse("12a", 0, &c, &err), KC_EINVAL);
    assert_int_equal(bill_cents_parse("1.", 0, &c, &err), KC_EINVAL);
    assert_int_equal(bill_cents_parse("99999999999", 0, &c, &err), KC_EINVAL);
    char buf[24];
    bill_cents_format(-310, buf, sizeof buf);
    assert_string_equal(buf, "-3.10");
    bill_cents_format(45005, buf, sizeof buf);
    assert_string_equal(buf, "450.05");
    bill_cents_format(INT64_MIN, buf, sizeof buf);
    assert_string_equal(buf, "-92233720368547758.08");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iv_time_rule_boundaries),
        cmocka_unit_test(iv_session_charges_floor_seconds),
        cmocka_unit_test(esketamine_g_codes_and_kx),
        cmocka_unit_test(unbundled_payer_gets_drug_code_by_date),
        cmocka_unit_test(code_table_has_sources),
        cmocka_unit_test(prior_auth_checked_before_booking),
        cmocka_unit_test(account_rules),
        cmocka_unit_test(random_histories_reconcile),
        cmocka_unit_test(payment_plan_schedule),
        cmocka_unit_test(money_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
