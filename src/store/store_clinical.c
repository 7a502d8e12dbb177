/* store_clinical.c — screenings, treatment plans and discharge checks (issue 8, the web UI).
 * Each call is one audited read or write, like every other patient-data access.  The clinical
 * content (outcomes, schedules, what is missing) is computed by src/clinic; this file keeps it. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define DOC_MAX (32u << 10)

struct cb {
    void *fn, *ctx;
    int64_t n;
};

static int not_found_ref(int rc, struct kc_error *err, const char *what, int64_t id)
{
    if (rc == KC_EINVAL && strstr(err->msg, "referenced"))
        return kc_error_set(err, KC_ENOTFOUND, "%s: no record %" PRId64, what, id);
    return rc;
}

int store_screening_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                        const char *result, const char *record,
                        const struct store_screening_finding *f, size_t n_findings,
                        int64_t *id, struct kc_error *err)
{
    char now[32], rid[24];
    int rc = store__check_actor(who, err);
    if (!rc && (!result || (strcmp(result, "eligible") && strcmp(result, "caution") && strcmp(result, "ineligible"))))
        rc = kc_error_set(err, KC_EINVAL, "screenings.result must be eligible, caution or ineligible");
    if (!rc) rc = store__text("screenings.notes", record, DOC_MAX, 1, err);
    for (size_t i = 0; !rc && i < n_findings; i++) {
        rc = store__text("screening_findings.code", f[i].code, 63, 1, err);
        if (!rc) rc = store__text("screening_findings.detail", f[i].detail, 1024, 0, err);
        if (!rc && (!f[i].severity || (strcmp(f[i].severity, "contraindication") &&
                                       strcmp(f[i].severity, "caution") && strcmp(f[i].severity, "info"))))
            rc = kc_error_set(err, KC_EINVAL, "screening_findings.severity must be contraindication, caution or info");
    }
    if (rc) return rc;
    store__now(now);
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    int64_t sid = 0;
    if (!(rc = store__begin(st, err))) {
        struct sv a[] = {SV_I(patient_id), SV_T(now), SV_T(who->user), SV_T(result), SV_T(record)};
        rc = store__q(st, "INSERT INTO screenings (patient_id, at, by_user, result, notes) VALUES (?,?,?,?,?)", a, 5,
                      NULL, NULL, err);
        rc = not_found_ref(rc, err, "screenings.patient_id", patient_id);
        struct sv b[] = {SV_I(patient_id)};
        if (!rc) rc = store__q_int(st, "SELECT max(id) FROM screenings WHERE patient_id = ?", b, 1, &sid, err);
        for (size_t i = 0; !rc && i < n_findings; i++) {
            struct sv c[] = {SV_I(sid), SV_T(f[i].code), SV_T(f[i].severity), SV_T(f[i].detail)};
            rc = store__q(st, "INSERT INTO screening_findings (screening_id, code, severity, detail) VALUES (?,?,?,?)",
                          c, 4, NULL, NULL, err);
        }
    }
    char detail[64];
    snprintf(detail, sizeof detail, "screening %s, %zu findings", result, n_findings);
    rc = store__finish(st, rc, who, "create", "RiskAssessment", rid, detail, err);
    if (!rc && id) *id = sid;
    return rc;
}

static int screening_row(void *c, const struct srow *r)
{
    struct cb *x = c;
    struct store_screening_row s;
    memset(&s, 0, sizeof s);
    s.id = srow_int(r, 0);
    store__copy(r, 1, s.at, sizeof s.at);
    store__copy(r, 2, s.by_user, sizeof s.by_user);
    store__copy(r, 3, s.result, sizeof s.result);
    s.record = srow_text(r, 4) ? srow_text(r, 4) : "";
    x->n++;
    return ((int (*)(void *, const struct store_screening_row *))x->fn)(x->ctx, &s);
}

int store_screening_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                         int (*fn)(void *ctx, const struct store_screening_row *s), void *ctx,
                         struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct cb x = {(void *)fn, ctx, 0};
    struct sv a[] = {SV_I(patient_id)};
    if (!(rc = store__begin(st, err)))
        rc = store__q(st, "SELECT id, at, by_user, result, notes FROM screenings WHERE patient_id = ? "
                          "ORDER BY at DESC, id DESC LIMIT 100", a, 1, screening_row, &x, err);
    char rid[24], detail[32];
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    snprintf(detail, sizeof detail, "list n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "RiskAssessment", rid, detail, err);
}

int store_plan_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                   const char *condition, const char *route, const char *protocol,
                   const char *document, int64_t *id, struct kc_error *err)
{
    char now[32], rid[24];
    int rc = store__check_actor(who, err);
    if (!rc) rc = store__text("treatment_plans.condition", condition, 31, 1, err);
    if (!rc) rc = store__text("treatment_plans.route", route, 15, 1, err);
    if (!rc) rc = store__text("treatment_plans.protocol", protocol, 31, 1, err);
    if (!rc) rc = store__text("treatment_plans.schedule", document, DOC_MAX, 1, err);
    if (rc) return rc;
    store__now(now);
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    int64_t pid = 0;
    if (!(rc = store__begin(st, err))) {
        struct sv a[] = {SV_I(patient_id), SV_T(condition), SV_T(route), SV_T(protocol), SV_T(document), SV_T(now),
                         SV_T(who->user)};
        rc = store__q(st, "INSERT INTO treatment_plans (patient_id, condition, route, protocol, schedule, status, "
                          "created_at, created_by) VALUES (?,?,?,?,?,'active',?,?)", a, 7, NULL, NULL, err);
        rc = not_found_ref(rc, err, "treatment_plans.patient_id", patient_id);
        struct sv b[] = {SV_I(patient_id)};
        if (!rc) rc = store__q_int(st, "SELECT max(id) FROM treatment_plans WHERE patient_id = ?", b, 1, &pid, err);
    }
    rc = store__finish(st, rc, who, "create", "CarePlan", rid, protocol, err);
    if (!rc && id) *id = pid;
    return rc;
}

static int plan_row(void *c, const struct srow *r)
{
    struct cb *x = c;
    struct store_plan_row p;
    memset(&p, 0, sizeof p);
    p.id = srow_int(r, 0);
    p.patient_id = srow_int(r, 1);
    store__copy(r, 2, p.condition, sizeof p.condition);
    store__copy(r, 3, p.route, sizeof p.route);
    store__copy(r, 4, p.protocol, sizeof p.protocol);
    store__copy(r, 5, p.status, sizeof p.status);
    store__copy(r, 6, p.created_at, sizeof p.created_at);
    store__copy(r, 7, p.created_by, sizeof p.created_by);
    p.document = srow_text(r, 8) ? srow_text(r, 8) : "{}";
    json_t *doc = json_loads(p.document, 0, NULL);
    const char *sb = json_string_value(json_object_get(doc, "signed_by"));
    const char *sa = json_string_value(json_object_get(doc, "signed_at"));
    snprintf(p.signed_by, sizeof p.signed_by, "%s", sb ? sb : "");
    snprintf(p.signed_at, sizeof p.signed_at, "%s", sa ? sa : "");
    json_decref(doc);
    x->n++;
    return ((int (*)(void *, const struct store_plan_row *))x->fn)(x->ctx, &p);
}

int store_plan_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                    int64_t plan_id, int (*fn)(void *ctx, const struct store_plan_row *p),
                    void *ctx, struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct cb x = {(void *)fn, ctx, 0};
    struct sv a[] = {SV_I(plan_id), SV_I(plan_id), SV_I(patient_id), SV_I(patient_id)};
    if (!(rc = store__begin(st, err)))
        rc = store__q(st, "SELECT id, patient_id, condition, route, protocol, status, created_at, created_by, schedule "
                          "FROM treatment_plans WHERE (? = 0 OR id = ?) AND (? = 0 OR patient_id = ?) "
                          "ORDER BY created_at DESC, id DESC LIMIT 1000", a, 4, plan_row, &x, err);
    if (!rc && plan_id && x.n == 0) rc = kc_error_set(err, KC_ENOTFOUND, "no treatment plan %" PRId64, plan_id);
    char rid[24];
    snprintf(rid, sizeof rid, "%" PRId64, plan_id ? plan_id : patient_id);
    return store__finish(st, rc, who, "read", "CarePlan", (plan_id || patient_id) ? rid : "*", "list", err);
}

static int doc_row(void *c, const struct srow *r)
{
    json_t **doc = c;
    *doc = json_loads(srow_text(r, 0) ? srow_text(r, 0) : "", 0, NULL);
    return 0;
}

int store_plan_sign(struct store *st, const struct store_actor *who, int64_t plan_id,
                    struct kc_error *err)
{
    char now[32], rid[24];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    store__now(now);
    snprintf(rid, sizeof rid, "%" PRId64, plan_id);
    json_t *doc = NULL;
    char *text = NULL;
    if (!(rc = store__begin(st, err))) {
        struct sv a[] = {SV_I(plan_id)};
        rc = store__q(st, "SELECT schedule FROM treatment_plans WHERE id = ?", a, 1, doc_row, &doc, err);
        if (!rc && !doc) rc = kc_error_set(err, KC_ENOTFOUND, "no treatment plan %" PRId64, plan_id);
        if (!rc && json_object_get(doc, "signed_by"))
            rc = kc_error_set(err, KC_ECONFLICT, "treatment plan %" PRId64 " is already signed by %s", plan_id,
                              json_string_value(json_object_get(doc, "signed_by")));
        if (!rc) {
            json_object_set_new(doc, "signed_by", json_string(who->user));
            json_object_set_new(doc, "signed_at", json_string(now));
            text = json_dumps(doc, JSON_COMPACT);
            if (!text) rc = kc_error_set(err, KC_EIO, "out of memory");
        }
        struct sv b[] = {SV_T(text), SV_I(plan_id)};
        if (!rc) rc = store__q(st, "UPDATE treatment_plans SET schedule = ? WHERE id = ?", b, 2, NULL, NULL, err);
    }
    json_decref(doc);
    free(text);
    return store__finish(st, rc, who, "update", "CarePlan", rid, "signed", err);
}

int store_discharge_add(struct store *st, const struct store_actor *who, int64_t session_id,
                        const struct store_discharge_item *items, size_t n, struct kc_error *err)
{
    char now[32], rid[24];
    int rc = store__check_actor(who, err);
    if (!rc && n == 0) rc = kc_error_set(err, KC_EINVAL, "discharge_checks: no criterion given");
    for (size_t i = 0; !rc && i < n; i++) {
        rc = store__text("discharge_checks.criterion", items[i].criterion, 63, 1, err);
        if (!rc) rc = store__text("discharge_checks.notes", items[i].notes, STORE_TEXT_MAX - 1, 0, err);
    }
    if (rc) return rc;
    store__now(now);
    snprintf(rid, sizeof rid, "%" PRId64, session_id);
    if (!(rc = store__begin(st, err)))
        for (size_t i = 0; !rc && i < n; i++) {
            struct sv a[] = {SV_I(session_id), SV_T(now), SV_T(who->user), SV_T(items[i].criterion),
                             SV_I(items[i].met ? 1 : 0), SV_T(items[i].notes)};
            rc = store__q(st, "INSERT INTO discharge_checks (session_id, at, by_user, criterion, met, notes) "
                              "VALUES (?,?,?,?,?,?)", a, 6, NULL, NULL, err);
            rc = not_found_ref(rc, err, "discharge_checks.session_id", session_id);
        }
    return store__finish(st, rc, who, "create", "DischargeCheck", rid, "discharge check", err);
}
