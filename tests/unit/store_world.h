/* store_world.h — shared by the store suites: a small clinic (patient, session, two staff, a
 * receipt), chain checks, row counts, and tampering as an attacker with database access. */
#ifndef KC_TEST_STORE_WORLD_H
#define KC_TEST_STORE_WORLD_H

#include <inttypes.h>

#include "store_fixture.h"

/* A patient, a planned session, two staff users and a receipt of lot LOT at "safe-1". */
struct world {
    struct store *st;
    int64_t patient, session;
    char nurse[64], witness[64], lot[64];
};

__attribute__((unused)) static void make_world(struct world *w, int64_t receipt_ug)
{
    struct kc_error err = {0};
    w->st = fx_open();
    snprintf(w->nurse, sizeof w->nurse, "%s", fx_uniq("nurse"));
    snprintf(w->witness, sizeof w->witness, "%s", fx_uniq("witness"));
    snprintf(w->lot, sizeof w->lot, "%s", fx_uniq("lot"));
    assert_ok(store_user_add(w->st, &fx_who, w->nurse, "nurse", "N One", NULL, NULL, &err), err);
    assert_ok(store_user_add(w->st, &fx_who, w->witness, "nurse", NULL, NULL, NULL, &err), err);
    struct store_patient_new p = {.mrn = fx_uniq("mrn"), .family_name = "Doe",
                                  .given_name = "Jane", .birth_date = "1980-04-30",
                                  .sex = "female"};
    assert_ok(store_patient_add(w->st, &fx_who, &p, &w->patient, &err), err);
    assert_ok(store_session_plan(w->st, &fx_who, w->patient, "2026-11-23T09:00:00Z", "chair 2",
                                 w->nurse, &w->session, &err),
              err);
    if (receipt_ug > 0) {
        struct ledger_event ev = {.kind = LEDGER_RECEIPT, .drug = "ketamine", .lot = w->lot,
                                  .location = "safe-1", .qty_ug = receipt_ug,
                                  .supplier = "Acme Pharma, DEA AB1234567", .user = w->nurse};
        assert_ok(store_ledger_record(w->st, &fx_who, &ev, NULL, NULL, &err), err);
    }
}

__attribute__((unused)) static void assert_chains_intact(struct store *st)
{
    struct kc_error err = {0};
    struct store_verify rep;
    assert_ok(store_audit_verify(st, &rep, &err), err);
    if (rep.first_bad_seq) fail_msg("audit chain bad at %" PRId64 ": %s", rep.first_bad_seq,
                                    rep.reason);
    assert_ok(store_ledger_verify(st, &rep, &err), err);
    if (rep.first_bad_seq) fail_msg("ledger bad at %" PRId64 ": %s", rep.first_bad_seq,
                                    rep.reason);
}

__attribute__((unused)) static int64_t count_rows(struct store *st, const char *sql)
{
    struct kc_error err = {0};
    int64_t n = -1;
    assert_ok(store__q_int(st, sql, NULL, 0, &n, &err), err);
    return n;
}

/* Attacker with database access: switch the guard off, change history, switch it back on. */
__attribute__((unused)) static void tamper(struct store *st, const char *table, const char *change)
{
    char sql[600];
    if (fx_is_pg())
        snprintf(sql, sizeof sql, "ALTER TABLE %s DISABLE TRIGGER USER; %s; "
                 "ALTER TABLE %s ENABLE TRIGGER USER;", table, change, table);
    else
        snprintf(sql, sizeof sql, "PRAGMA ignore_check_constraints=1; DROP TRIGGER %s_no_update;"
                 " DROP TRIGGER %s_no_delete; %s; CREATE TRIGGER %s_no_update BEFORE UPDATE ON %s"
                 " BEGIN SELECT RAISE(ABORT, '%s is append-only'); END; CREATE TRIGGER "
                 "%s_no_delete BEFORE DELETE ON %s BEGIN SELECT RAISE(ABORT, '%s is "
                 "append-only'); END;", table, table, change, table, table, table, table, table,
                 table);
    fx_sql(st, sql);
}

#endif
