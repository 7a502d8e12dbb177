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

/* Three alarm-series readings at one time, of patient group 0. */
static void fill3(struct store_hl7_reading r[3], const char *at)
{
    static const char *code[3] = {"hr", "sbp", "dbp"};
    static const char *chan[3] = {"ecg", "nibp", "nibp"};
    static const double val[3] = {72, 121, 79};
    for (int i = 0; i < 3; i++)
        r[i] = (struct store_hl7_reading){.at = at, .code = code[i], .channel = chan[i],
                                          .source = "x", .instance = "", .device = "",
                                          .value = val[i], .obx = (unsigned)i + 1, .alarm = 1,
                                          .status = 'F'};
}

static struct store_hl7_msg msg(const char *ctl, const struct store_hl7_group *g,
                                struct store_hl7_reading *r, size_t n, const char *recv)
{
    return (struct store_hl7_msg){.sender = "MON|GE", .control_id = ctl, .received_at = recv,
                                  .groups = g, .ngroups = 1, .readings = r, .n_readings = n,
                                  .note = "", .pre_s = 3600, .post_s = 3 * 3600, .future_s = 120,
                                  .raw = "MSH|x"};
}

static void files_by_mrn_chair_duplicates_and_review(void **state)
{
    (void)state;
    struct kc_error err = {0};
    struct store *st = fx_open();
    const char *mrn = fx_uniq("hl7"), *chair = fx_uniq("chair");
    int64_t sid = started_session(st, mrn, chair);
    const char *ids[] = {"NOT-KNOWN", mrn}, *unknown[] = {"NOT-KNOWN"};
    struct store_hl7_group g_mrn = {ids, 2, "", "", 0, NULL}, g_chair = {NULL, 0, "", chair, 0,
                                                                          NULL},
                           g_unknown = {unknown, 1, "NOT-KNOWN(MR/-)", "", 0, NULL};
    struct store_hl7_reading r[6][3];
    for (int i = 0; i < 6; i++) fill3(r[i], "2026-11-23T09:00:00Z");
    r[5][0].at = "2026-11-23T09:30:00Z"; /* in the future of its receive time */
    struct store_hl7_msg m[6] = {
        msg("C1", &g_mrn, r[0], 3, "2026-11-23T09:00:01Z"),   /* the second id is ours */
        msg("C2", &g_chair, r[1], 2, "2026-11-23T09:00:01Z"), /* by chair alone */
        msg("C1", &g_mrn, r[2], 3, "2026-11-23T09:00:02Z"),   /* duplicate in the batch */
        msg("C3", &g_unknown, r[3], 3, "2026-11-23T09:00:03Z"), /* unknown patient: review */
        msg("C4", &g_chair, r[4], 0, "2026-11-23T09:00:04Z"), /* rejected by the caller */
        msg("C5", &g_mrn, r[5], 3, "2026-11-23T09:00:05Z"),   /* one reading in the future */
    };
    m[4].reject_reason = "OBX 2: implausible value";
    m[4].hl7_error = 102;
    assert_ok(store_hl7_ingest(st, &fx_who, m, 6, &err), err);
    assert_int_equal(m[0].outcome, STORE_HL7_STORED);
    assert_string_equal(m[0].ack, "AA");
    assert_int_equal(m[0].session_id, sid);
    assert_int_equal(m[1].outcome, STORE_HL7_STORED);
    assert_int_equal(m[1].session_id, sid);
    assert_int_equal(m[2].outcome, STORE_HL7_DUPLICATE);
    assert_string_equal(m[2].ack, "AA");
    assert_int_equal(m[3].outcome, STORE_HL7_REVIEW);
    assert_string_equal(m[3].ack, "AE");
    assert_int_equal(r[3][0].outcome, STORE_HL7_R_REVIEW);
    assert_non_null(strstr(r[3][0].reason, "no patient has the identifier"));
    assert_int_equal(m[4].outcome, STORE_HL7_REJECTED);
    assert_int_equal(m[4].hl7_error, 102);
    assert_int_equal(m[5].outcome, STORE_HL7_PARTIAL); /* the future one held, two filed */
    assert_string_equal(m[5].ack, "AE");
    assert_int_equal(r[5][0].outcome, STORE_HL7_R_REVIEW);
    assert_non_null(strstr(r[5][0].reason, "in the future"));
    assert_int_equal(r[5][1].outcome, STORE_HL7_R_VITAL);
    assert_int_equal(count(st, sid), 7); /* 3 + 2 + 2, the duplicate not again */
    /* a retry of the unknown-patient message: the same answer, not queued twice */
    struct store_hl7_msg again = m[3];
    assert_ok(store_hl7_ingest(st, &fx_who, &again, 1, &err), err);
    assert_int_equal(again.outcome, STORE_HL7_DUPLICATE);
    assert_string_equal(again.ack, "AE");
    struct store_hl7_review_row rows[8];
    memset(rows, 0, sizeof rows);
    assert_ok(store_hl7_review_list(st, &fx_who, 0, add_row, rows, &err), err);
    int c3 = 0;
    for (int i = 0; i < 8 && rows[i].id; i++)
        if (!strcmp(rows[i].control_id, "C3") && !strcmp(rows[i].sender, "MON|GE")) {
            c3++;
            assert_string_equal(rows[i].patient_ref, "NOT-KNOWN");
            assert_string_equal(rows[i].status, "open");
        }
    assert_int_equal(c3, 1);
    /* a correction replaces the earlier value and keeps it; a withdrawal removes it */
    struct store_hl7_reading c[2];
    fill3(r[0], "2026-11-23T09:00:00Z");
    c[0] = r[0][0];
    c[0].value = 75;
    c[0].status = 'C';
    c[1] = r[0][1];
    c[1].status = 'W';
    struct store_hl7_msg mc = msg("C6", &g_mrn, c, 2, "2026-11-23T09:01:00Z");
    assert_ok(store_hl7_ingest(st, &fx_who, &mc, 1, &err), err);
    assert_string_equal(mc.ack, "AA");
    assert_int_equal(c[0].outcome, STORE_HL7_R_CORRECTED);
    assert_int_equal(c[1].outcome, STORE_HL7_R_WITHDRAWN);
    assert_int_equal(count(st, sid), 6);
    int64_t hist = -1;
    assert_ok(store__q_int(st, "SELECT count(*) FROM hl7_readings WHERE status IN "
                               "('superseded','withdrawn') AND control_id = 'C6'", NULL, 0, &hist,
                           &err), err);
    assert_int_equal(hist, 2);
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
    struct store_hl7_group g = {ids, 1, "", "", 0, NULL};
    struct store_hl7_reading r[3], late[3], bad[3];
    fill3(r, "2026-11-23T12:30:00Z");   /* within 3 h of the end: still the session's */
    fill3(late, "2026-11-23T13:30:00Z"); /* past it: review */
    struct store_hl7_msg m = msg("AFTER", &g, r, 3, "2026-11-23T12:30:01Z");
    assert_ok(store_hl7_ingest(st, &fx_who, &m, 1, &err), err);
    assert_int_equal(m.outcome, STORE_HL7_STORED);
    assert_int_equal(m.session_id, sid);
    struct store_hl7_msg m2 = msg("LATE", &g, late, 3, "2026-11-23T13:30:01Z");
    assert_ok(store_hl7_ingest(st, &fx_who, &m2, 1, &err), err);
    assert_int_equal(m2.outcome, STORE_HL7_REVIEW);
    assert_non_null(strstr(late[0].reason, "outside every session"));
    /* a batch whose second message is bad: nothing of the batch is written */
    const char *chair2 = fx_uniq("chair"); /* the first chair's ended session still holds 09:00 */
    int64_t sid2 = started_session(st, fx_uniq("hl7"), chair2);
    struct store_hl7_group gc = {NULL, 0, "", chair2, 0, NULL};
    fill3(r, "2026-11-23T09:00:00Z");
    fill3(bad, "2026-11-23T09:00:00Z");
    bad[1].at = "not a time";
    struct store_hl7_msg b[2] = {msg("GOOD", &gc, r, 3, "2026-11-23T09:00:01Z"),
                                 msg("BAD", &gc, bad, 2, "2026-11-23T09:00:01Z")};
    int rc = store_hl7_ingest(st, &fx_who, b, 2, &err);
    assert_int_equal(rc, KC_EINVAL);
    assert_int_equal(count(st, sid2), 0);
    assert_ok(store_hl7_ingest(st, &fx_who, b, 1, &err), err); /* GOOD alone goes in */
    assert_int_equal(b[0].outcome, STORE_HL7_STORED);
    assert_int_equal(count(st, sid2), 3);
    store_close(st);
}

int main(void)
{
    (void)fx_sql;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_by_mrn_chair_duplicates_and_review),
        cmocka_unit_test(no_session_and_failed_batch_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
