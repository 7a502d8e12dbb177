/* store_patient.c — patients: identifiers, demographics, contacts, weight/height history.
 * Every read and write is audited in its own transaction. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/kctime.h"
#include "store/store_int.h"

static int id_row(void *ctx, const struct srow *r)
{
    *(int64_t *)ctx = srow_int(r, 0);
    return 0;
}

static int check_patient(const struct store_patient_new *p, struct kc_error *err)
{
    int rc;
    if ((rc = store__text("patients.mrn", p->mrn, 31, 1, err)) ||
        (rc = store__text("patients.family_name", p->family_name, 63, 1, err)) ||
        (rc = store__text("patients.given_name", p->given_name, 63, 0, err)) ||
        (rc = store__text("patients.birth_date", p->birth_date, 10, 1, err)) ||
        (rc = store__text("patients.sex", p->sex, 7, 1, err)) ||
        (rc = store__text("patients.phone", p->phone, 31, 0, err)) ||
        (rc = store__text("patients.email", p->email, 95, 0, err)) ||
        (rc = store__text("patients.address", p->address, 159, 0, err)) ||
        (rc = store__text("patients.emergency_name", p->emergency_name, 95, 0, err)) ||
        (rc = store__text("patients.emergency_phone", p->emergency_phone, 31, 0, err)))
        return rc;
    long day;
    if (kc_time_parse_date(p->birth_date, &day, err))
        return kc_error_prefix(err, "patients.birth_date");
    return KC_OK;
}

int store_patient_add(struct store *st, const struct store_actor *who,
                      const struct store_patient_new *p, int64_t *id, struct kc_error *err)
{
    char now[32], rid[32] = "-";
    int64_t newid = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = check_patient(p, err))) goto done;
    store__now(now);
    if ((rc = store__begin(st, err))) goto done;
    struct sv a[] = {SV_T(p->mrn),   SV_T(p->family_name), SV_T(p->given_name),
                     SV_T(p->birth_date), SV_T(p->sex),    SV_T(p->phone),
                     SV_T(p->email), SV_T(p->address),     SV_T(p->emergency_name),
                     SV_T(p->emergency_phone), SV_T(now)};
    rc = store__q(st, "INSERT INTO patients (mrn, family_name, given_name, birth_date, sex, phone, "
                      "email, address, emergency_name, emergency_phone, created_at) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                  a, 11, id_row, &newid, err);
    if (!rc) snprintf(rid, sizeof rid, "%" PRId64, newid);
done:
    rc = store__finish(st, rc, who, "create", "Patient", rid, NULL, err);
    if (!rc && id) *id = newid;
    return rc;
}

struct prow {
    struct store_patient *p;
    int found;
};

static int patient_row(void *ctx, const struct srow *r)
{
    struct prow *pr = ctx;
    struct store_patient *p = pr->p;
    p->id = srow_int(r, 0);
    store__copy(r, 1, p->mrn, sizeof p->mrn);
    store__copy(r, 2, p->family_name, sizeof p->family_name);
    store__copy(r, 3, p->given_name, sizeof p->given_name);
    store__copy(r, 4, p->birth_date, sizeof p->birth_date);
    store__copy(r, 5, p->sex, sizeof p->sex);
    store__copy(r, 6, p->phone, sizeof p->phone);
    store__copy(r, 7, p->email, sizeof p->email);
    store__copy(r, 8, p->address, sizeof p->address);
    store__copy(r, 9, p->emergency_name, sizeof p->emergency_name);
    store__copy(r, 10, p->emergency_phone, sizeof p->emergency_phone);
    store__copy(r, 11, p->created_at, sizeof p->created_at);
    pr->found = 1;
    return 0;
}

#define PATIENT_COLS "id, mrn, family_name, given_name, birth_date, sex, phone, email, address, " \
                     "emergency_name, emergency_phone, created_at"

int store_patient_get(struct store *st, const struct store_actor *who, int64_t id,
                      const char *mrn, struct store_patient *out, struct kc_error *err)
{
    struct store_patient p = {0};
    struct prow pr = {&p, 0};
    char rid[64];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if (mrn) snprintf(rid, sizeof rid, "mrn:%.50s", mrn);
    else snprintf(rid, sizeof rid, "%" PRId64, id);
    if (mrn && (rc = store__text("mrn", mrn, 31, 1, err))) goto done;
    if ((rc = store__begin_read(st, err))) goto done;
    if (mrn) {
        struct sv a[] = {SV_T(mrn)};
        rc = store__q(st, "SELECT " PATIENT_COLS " FROM patients WHERE mrn = ?", a, 1,
                      patient_row, &pr, err);
    } else {
        struct sv a[] = {SV_I(id)};
        rc = store__q(st, "SELECT " PATIENT_COLS " FROM patients WHERE id = ?", a, 1,
                      patient_row, &pr, err);
    }
    if (!rc && !pr.found) rc = kc_error_set(err, KC_ENOTFOUND, "no patient %s", rid);
    if (!rc) snprintf(rid, sizeof rid, "%" PRId64, p.id);
done:
    rc = store__finish(st, rc, who, "read", "Patient", rid, NULL, err);
    if (!rc) *out = p;
    return rc;
}

int store_patient_weight_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                             const char *at, double weight_kg, double height_cm,
                             struct kc_error *err)
{
    char t[32], rid[24];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    if ((rc = store__time("patient_weights.at", at, 1, t, err))) goto done;
    if (!isfinite(weight_kg) || !isfinite(height_cm)) {
        rc = kc_error_set(err, KC_EINVAL, "patient_weights: weight and height must be numbers");
        goto done;
    }
    if ((rc = store__begin(st, err))) goto done;
    struct sv a[] = {SV_I(patient_id), SV_T(t), SV_R(weight_kg),
                     height_cm > 0 ? SV_R(height_cm) : SV_N};
    rc = store__q(st, "INSERT INTO patient_weights (patient_id, at, weight_kg, height_cm) "
                      "VALUES (?,?,?,?)",
                  a, 4, NULL, NULL, err);
    if (rc == KC_EINVAL && strstr(err->msg, "referenced"))
        rc = kc_error_set(err, KC_ENOTFOUND, "patient_weights.patient_id: no patient %" PRId64,
                          patient_id);
done:
    return store__finish(st, rc, who, "create", "Patient", rid, "weight", err);
}

static int real_row(void *ctx, const struct srow *r)
{
    double *out = ctx;
    out[0] = srow_real(r, 0);
    out[1] = 1;
    return 0;
}

int store_patient_weight_latest(struct store *st, const struct store_actor *who,
                                int64_t patient_id, double *weight_kg, struct kc_error *err)
{
    double got[2] = {0, 0};
    char rid[24];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    if ((rc = store__begin_read(st, err))) goto done;
    struct sv a[] = {SV_I(patient_id)};
    rc = store__q(st, "SELECT weight_kg FROM patient_weights WHERE patient_id = ? "
                      "ORDER BY at DESC, id DESC LIMIT 1",
                  a, 1, real_row, got, err);
    if (!rc && !got[1])
        rc = kc_error_set(err, KC_ENOTFOUND, "patient %" PRId64 " has no recorded weight",
                          patient_id);
done:
    rc = store__finish(st, rc, who, "read", "Patient", rid, "weight", err);
    if (!rc) *weight_kg = got[0];
    return rc;
}

int store_patient_update(struct store *st, const struct store_actor *who, int64_t id,
                         const struct store_patient_new *p, struct kc_error *err)
{
    char rid[32];
    int64_t found = 0;
    snprintf(rid, sizeof rid, "%" PRId64, id);
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = check_patient(p, err))) goto done;
    if ((rc = store__begin(st, err))) goto done;
    struct sv a[] = {SV_T(p->mrn),   SV_T(p->family_name), SV_T(p->given_name),
                     SV_T(p->birth_date), SV_T(p->sex),    SV_T(p->phone),
                     SV_T(p->email), SV_T(p->address),     SV_T(p->emergency_name),
                     SV_T(p->emergency_phone), SV_I(id)};
    rc = store__q(st, "UPDATE patients SET mrn = ?, family_name = ?, given_name = ?, "
                      "birth_date = ?, sex = ?, phone = ?, email = ?, address = ?, "
                      "emergency_name = ?, emergency_phone = ? WHERE id = ? RETURNING id",
                  a, 11, id_row, &found, err);
    if (!rc && !found) rc = kc_error_set(err, KC_ENOTFOUND, "no patient %" PRId64, id);
done:
    return store__finish(st, rc, who, "update", "Patient", rid, NULL, err);
}
