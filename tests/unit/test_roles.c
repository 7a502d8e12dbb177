/* test_roles.c — the role matrix keeps the rules issue 7 states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clinic/roles.h"

static void front_desk_sees_schedule_and_billing_not_sessions(void **state)
{
    (void)state;
    assert_true(roles_allowed(KC_ROLE_FRONT_DESK, KC_RES_SCHEDULE, KC_ACT_READ));
    assert_true(roles_allowed(KC_ROLE_FRONT_DESK, KC_RES_BILLING, KC_ACT_WRITE));
    assert_false(roles_allowed(KC_ROLE_FRONT_DESK, KC_RES_SESSION, KC_ACT_READ));
    assert_false(roles_allowed(KC_ROLE_FRONT_DESK, KC_RES_VITALS, KC_ACT_READ));
    assert_false(roles_allowed(KC_ROLE_FRONT_DESK, KC_RES_SCALES, KC_ACT_READ));
    assert_false(roles_allowed(KC_ROLE_FRONT_DESK, KC_RES_CLINICAL, KC_ACT_READ));
}

static void only_prescribers_sign(void **state)
{
    (void)state;
    for (int role = 0; role < KC_ROLE_COUNT; role++)
        for (int res = 0; res < KC_RES_COUNT; res++)
            if (roles_allowed(role, res, KC_ACT_SIGN)) assert_int_equal(role, KC_ROLE_PRESCRIBER);
    assert_true(roles_allowed(KC_ROLE_PRESCRIBER, KC_RES_CLINICAL, KC_ACT_SIGN));
    assert_true(roles_allowed(KC_ROLE_PRESCRIBER, KC_RES_DOSE, KC_ACT_SIGN));
}

static void auditor_reads_and_writes_nothing(void **state)
{
    (void)state;
    assert_true(roles_allowed(KC_ROLE_AUDITOR, KC_RES_AUDIT, KC_ACT_READ));
    assert_true(roles_allowed(KC_ROLE_AUDITOR, KC_RES_LEDGER, KC_ACT_READ));
    for (int res = 0; res < KC_RES_COUNT; res++)
        assert_false(roles_allowed(KC_ROLE_AUDITOR, res, KC_ACT_WRITE));
    /* and only auditors and admins read the audit log */
    for (int role = 0; role < KC_ROLE_COUNT; role++)
        if (roles_allowed(role, KC_RES_AUDIT, KC_ACT_READ))
            assert_true(role == KC_ROLE_AUDITOR || role == KC_ROLE_ADMIN);
}

static void names_round_trip_and_unknowns_are_denied(void **state)
{
    (void)state;
    for (int role = 0; role < KC_ROLE_COUNT; role++)
        assert_int_equal(roles_parse(roles_name((enum kc_role)role)), role);
    assert_int_equal(roles_parse("root"), -1);
    assert_false(roles_allowed(-1, KC_RES_PATIENT, KC_ACT_READ));
    assert_false(roles_allowed(KC_ROLE_ADMIN, KC_RES_COUNT, KC_ACT_READ));
    assert_false(roles_allowed(KC_ROLE_ADMIN, KC_RES_PATIENT, 0));
    assert_true(roles_allowed(KC_ROLE_ADMIN, KC_RES_USERS, KC_ACT_WRITE));
    assert_false(roles_allowed(KC_ROLE_NURSE, KC_RES_USERS, KC_ACT_READ));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(front_desk_sees_schedule_and_billing_not_sessions),
        cmocka_unit_test(only_prescribers_sign),
        cmocka_unit_test(auditor_reads_and_writes_nothing),
        cmocka_unit_test(names_round_trip_and_unknowns_are_denied),
    };
    return cmocka_run_group_tests_name("roles", tests, NULL, NULL);
}
