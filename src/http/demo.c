/* demo.c — the demonstration clinic for `ketaclinic serve --demo`: staff of each role and a few
 * patients at different points of their course, with past sessions, vitals and PHQ-9 scores,
 * so that a newcomer sees a living clinic at once.  Loaded only into a database without them. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clinic/protocol.h"
#include "clinic/scale.h"
#include "store/store.h"
#include "store/store_rems.h"

int http__demo_load(struct store *st, struct kc_error *err);
void http__random_password(char *out, size_t size);

static void iso(time_t t, char out[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int add_session(struct store *st, const struct store_actor *who, int64_t pid, time_t start,
                       const char *chair, int ended, double sbp0, const int *phq9, int64_t *sid_out,
                       struct kc_error *err)
{
    char at[32], end[32];
    iso(start, at);
    iso(start + 100 * 60, end);
    int64_t sid;
    int rc = store_session_plan(st, who, pid, at, chair, "nurse", &sid, err);
    if (rc || !ended) goto out;
    rc = store_session_set_status(st, who, sid, STORE_SESSION_STARTED, at, err);
    /* vitals every 5 minutes for 100 minutes: BP rises ~10-15 mmHg around 40 min, then settles */
    struct store_vital v[21 * 4];
    char times[21][32];
    size_t n = 0;
    for (int k = 0; k <= 20 && !rc; k++) {
        iso(start + k * 300, times[k]);
        double rise = 14.0 * exp(-pow((k * 5 - 40) / 25.0, 2));
        v[n++] = (struct store_vital){times[k], "sbp", round(sbp0 + rise)};
        v[n++] = (struct store_vital){times[k], "dbp", round(sbp0 * 0.62 + rise * 0.5)};
        v[n++] = (struct store_vital){times[k], "hr", round(72 + rise * 0.6)};
        v[n++] = (struct store_vital){times[k], "spo2", 98};
    }
    if (!rc) rc = store_vitals_add(st, who, sid, v, n, err);
    if (!rc && phq9) {
        struct protocol p;
        protocol_init_default(&p);
        struct scale_result res;
        rc = scale_score(&p, scale_find("phq9"), phq9, 9, &res, err);
        if (!rc) rc = store_scale_add(st, who, pid, sid, "phq9", at, phq9, 9, res.total, NULL, err);
    }
    if (!rc) rc = store_session_set_status(st, who, sid, STORE_SESSION_ENDED, end, err);
out:
    if (sid_out) *sid_out = sid;
    return rc;
}

int http__demo_load(struct store *st, struct kc_error *err)
{
    struct store_actor who = {"system", "admin", "demo"};
    struct store_patient existing;
    struct kc_error local = {0};
    if (store_patient_get(st, &who, 0, "DEMO-001", &existing, &local) == 0) return KC_OK; /* loaded */

    static const char *staff[][3] = {{"prescriber", "prescriber", "Dr Demo Prescriber"},
                                     {"nurse", "nurse", "Demo Nurse"},
                                     {"frontdesk", "front-desk", "Demo Front Desk"},
                                     {"auditor", "auditor", "Demo Auditor"}};
    char pw[32];
    http__random_password(pw, sizeof pw);
    for (int i = 0; i < 4; i++) {
        int rc = store_user_add(st, &who, staff[i][0], staff[i][1], staff[i][2], pw, NULL, err);
        if (rc && rc != KC_ECONFLICT) return rc;
    }
    printf("ketaclinic: demo clinic loaded; staff prescriber, nurse, frontdesk, auditor share the "
           "password %s (demonstration only)\n", pw);
    fflush(stdout);

    struct store_patient_new pts[] = {
        {"DEMO-001", "Rivera", "Alex", "1984-03-12", "female", "555-0101", "alex@example.org", NULL, "Sam Rivera", "555-0102"},
        {"DEMO-002", "Chen", "Sam", "1971-09-30", "male", "555-0201", NULL, NULL, "Lee Chen", "555-0202"},
        {"DEMO-003", "Okafor", "Jordan", "1995-06-04", "other", "555-0301", NULL, NULL, "Ada Okafor", "555-0302"},
    };
    int64_t ids[3];
    double weights[3] = {68.5, 92.0, 74.2};
    time_t now = time(NULL);
    char at[32];
    iso(now - 30 * 86400, at);
    for (int i = 0; i < 3; i++) {
        int rc = store_patient_add(st, &who, &pts[i], &ids[i], err);
        if (!rc) rc = store_patient_weight_add(st, &who, ids[i], at, weights[i], 170, err);
        if (rc) return rc;
    }
    /* Alex: IV induction, four infusions over two weeks, PHQ-9 falling 19 -> 7. */
    static const int phq[4][9] = {{3, 2, 2, 3, 2, 2, 2, 2, 1}, {2, 2, 2, 2, 2, 1, 2, 1, 0},
                                  {1, 1, 2, 1, 1, 1, 1, 1, 0}, {1, 1, 1, 1, 1, 1, 1, 0, 0}};
    for (int k = 0; k < 4; k++) {
        int rc = add_session(st, &who, ids[0], now - (14 - 4 * k) * 86400 - 3600 * 3, "chair-1", 1, 124, phq[k], NULL, err);
        if (rc) return rc;
    }
    int rc = add_session(st, &who, ids[0], now + 2 * 86400, "chair-1", 0, 0, NULL, NULL, err);
    /* Sam: esketamine, one session done; enrolled in the SPRAVATO REMS before it (a dose
     * without enrolment is refused). */
    static const int phq_sam[9] = {3, 3, 2, 2, 2, 2, 2, 1, 0};
    char enrolled[32];
    iso(now - 10 * 86400, enrolled);
    enrolled[10] = '\0';
    if (!rc) rc = store_rems_enrol(st, &who, ids[1], "DEMO-REMS-002", enrolled, err);
    if (!rc) rc = add_session(st, &who, ids[1], now - 3 * 86400, "chair-2", 1, 138, phq_sam, NULL, err);
    if (!rc) rc = add_session(st, &who, ids[1], now + 86400, "chair-2", 0, 0, NULL, NULL, err);
    /* Jordan: screened, first session tomorrow. */
    if (!rc) rc = add_session(st, &who, ids[2], now + 86400 + 7200, "chair-3", 0, 0, NULL, NULL, err);
    return rc;
}
