/* test_store_hl7.c — store_hl7_ingest and the review queue (schema version 2) on SQLite, and on
 * PostgreSQL through tests/hl7/test_store_hl7_pg.sh: matching by MRN and by chair, duplicates,
 * the review queue, one transaction for a batch, and nothing written when it fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"

static int64_t started_session(struct store *st, const char *mrn, const char *chair)
{
    struct kc_error err = {0};
    struct store_patient_new p = {.mrn = mrn, .family_name = "Monitor", .birth_date = "1980-01-01",
                                  .sex = "unknown"};
    int64_t pid, sid;
    assert_ok(store_patient_add(st, &fx_who, &p, &pid, &err), err);
    assert_ok(store_session_plan(st, &fx_who, pid, "2026-11-23T08:00:00Z", chair, "nurse", &sid,
                                 &err), err);
    assert_ok(store_session_set_status(st, &fx_who, sid, STORE_SESSION_STARTED,
                                       "2026-11-23T08:01:00Z", &err), err);
    return sid;
}

static int64_t count(struct store *st, int64_t sid)
{
    struct kc_error err = {0};
    int64_t c = -1;
    assert_ok(store_vitals_count(st, &fx_who, sid, &c, &err), err);
    return c;
}

static int add_row(void *ctx, const struct store_hl7_review_row *r)
{
    struct store_hl7_review_row *rows = ctx;
    for (int i = 0; i < 8; i++)
        if (rows[i].id == 0) {
            rows[i] = *r;
            break;
        }
    return 0;
}

static const struct store_vital v3[] = {{"2026-11-23T09:00:00Z", "hr", 72},
                                        {"2026-11-23T09:00:00Z", "sbp", 121},
                                        {"2026-11-23T09:00:00Z", "dbp", 79}};

static void files_by_mrn_chair_duplicates_and_review(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    const char *mrn = fx_uniq("hl7"), *chair = fx_uniq("chair");
    int64_t sid = started_session(st, mrn, chair);
    const char *ids[] = {"NOT-KNOWN", mrn};
    struct store_hl7_msg m[5] = {
        /* tries the identifiers in order: the second one is ours */
        {.sender = "MON|GE", .control_id = "C1", .received_at = "2026-11-23T09:00:01Z",
         .patient_ids = ids, .n_patient_ids = 2, .vitals = v3, .n_vitals = 3, .raw = "MSH|1"},
        /* by chair alone */
        {.sender = "MON|GE", .control_id = "C2", .received_at = "2026-11-23T09:00:01Z",
         .bed = chair, .vitals = v3, .n_vitals = 2, .raw = "MSH|2"},
        /* the same as the first: a duplicate inside the same batch */
        {.sender = "MON|GE", .control_id = "C1", .received_at = "2026-11-23T09:00:02Z",
         .patient_ids = ids, .n_patient_ids = 2, .vitals = v3, .n_vitals = 3, .raw = "MSH|1"},
        /* unknown patient: review queue */
        {.sender = "MON|GE", .control_id = "C3", .received_at = "2026-11-23T09:00:03Z",
         .patient_ids = ids, .n_patient_ids = 1, .vitals = v3, .n_vitals = 3, .raw = "MSH|3"},
        /* rejected by the caller (AE), with its own HL7 error code */
        {.sender = "MON|GE", .control_id = "C4", .received_at = "2026-11-23T09:00:04Z",
         .bed = chair, .reject_reason = "OBX 2: implausible value", .hl7_error = 102,
         .raw = "MSH|4"},
    };
    assert_ok(store_hl7_ingest(st, &fx_who, m, 5, &err), err);
    assert_int_equal(m[0].outcome, STORE_HL7_STORED);
    assert_string_equal(m[0].ack, "AA");
    assert_int_equal(m[0].session_id, sid);
    assert_int_equal(m[1].outcome, STORE_HL7_STORED);
    assert_int_equal(m[1].session_id, sid);
    assert_int_equal(m[2].outcome, STORE_HL7_DUPLICATE);
    assert_string_equal(m[2].ack, "AA");
    assert_int_equal(m[3].outcome, STORE_HL7_UNKNOWN_PATIENT);
    assert_string_equal(m[3].ack, "AE");
    assert_int_equal(m[3].hl7_error, 204);
    assert_int_equal(m[4].outcome, STORE_HL7_REJECTED);
    assert_int_equal(m[4].hl7_error, 102);
    assert_int_equal(count(st, sid), 5); /* 3 + 2, the duplicate not again */
    /* a retry of the unknown-patient message: the same answer, not queued twice */
    struct store_hl7_msg again = m[3];
    assert_ok(store_hl7_ingest(st, &fx_who, &again, 1, &err), err);
    assert_int_equal(again.outcome, STORE_HL7_DUPLICATE);
    assert_string_equal(again.ack, "AE");
    struct store_hl7_review_row rows[8];
    memset(rows, 0, sizeof rows);
    assert_ok(store_hl7_review_list(st, &fx_who, 0, add_row, rows, &err), err);
    int n = 0, c3 = 0;
    for (int i = 0; i < 8 && rows[i].id; i++, n++) {
        if (!strcmp(rows[i].control_id, "C3") && !strcmp(rows[i].sender, "MON|GE")) {
            c3++;
            assert_string_equal(rows[i].patient_ref, "NOT-KNOWN");
            assert_string_equal(rows[i].status, "open");
            assert_non_null(strstr(rows[i].reason, "unknown patient"));
        }
    }
    assert_int_equal(c3, 1);
    assert_true(n >= 2);
    store_close(st);
}

static void no_session_and_failed_batch_writes_nothing(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    const char *mrn = fx_uniq("hl7"), *chair = fx_uniq("chair");
    int64_t sid = started_session(st, mrn, chair);
    assert_ok(store_session_set_status(st, &fx_who, sid, STORE_SESSION_ENDED,
                                       "2026-11-23T10:00:00Z", &err), err);
    const char *ids[] = {mrn};
    struct store_vital bad[] = {{"2026-11-23T09:00:00Z", "hr", 72}, {"not a time", "hr", 70}};
    struct store_hl7_msg m[2] = {
        {.sender = "S", .control_id = "ENDED", .received_at = "2026-11-23T10:00:01Z",
         .patient_ids = ids, .n_patient_ids = 1, .vitals = v3, .n_vitals = 3, .raw = "x"},
        {.sender = "S", .control_id = "BAD", .received_at = "2026-11-23T10:00:01Z",
         .bed = chair, .vitals = bad, .n_vitals = 2, .raw = "y"},
    };
    assert_ok(store_hl7_ingest(st, &fx_who, m, 1, &err), err);
    assert_int_equal(m[0].outcome, STORE_HL7_NO_SESSION);
    assert_non_null(strstr(m[0].detail, "no session in progress"));
    /* a session in progress for the chair again, and a batch whose second message is bad:
     * nothing of the batch is written (the listener then files them one by one) */
    int64_t sid2 = started_session(st, fx_uniq("hl7"), chair);
    struct store_hl7_msg b[2] = {m[0], m[1]};
    b[0].control_id = "GOOD";
    b[0].patient_ids = NULL;
    b[0].n_patient_ids = 0;
    b[0].bed = chair;
    int rc = store_hl7_ingest(st, &fx_who, b, 2, &err);
    assert_int_equal(rc, KC_EINVAL);
    assert_non_null(strstr(err.msg, "vitals.at"));
    assert_int_equal(count(st, sid2), 0);
    assert_ok(store_hl7_ingest(st, &fx_who, b, 1, &err), err); /* GOOD alone goes in */
    assert_int_equal(b[0].outcome, STORE_HL7_STORED);
    assert_int_equal(count(st, sid2), 3);
    store_close(st);
}

int main(void)
{
    (void)fx_sql; /* the fixture's raw-SQL helper is not needed here */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_by_mrn_chair_duplicates_and_review),
        cmocka_unit_test(no_session_and_failed_batch_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
