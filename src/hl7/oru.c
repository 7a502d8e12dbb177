/* oru.c — reads an ORU^R01 (IHE PCD-01 shape: MSH [PID [PV1]] {OBR {OBX}}) into the clinic's
 * observations: header checks, patient and bed, and each OBX row that is a vital-sign reading,
 * checked for plausibility (src/clinic/plausibility.h). */
#include "hl7/oru.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/kctime.h"
#include "clinic/plausibility.h"

static int fail(enum hl7_nak *nak, int *code, enum hl7_nak k, int c)
{
    *nak = k;
    if (code) *code = c;
    return 0;
}

/* Unescaped copy of v into out[cap]; err names the field. */
static int text(const struct hl7_message *m, struct hl7_str v, char *out, size_t cap,
                const char *field, struct kc_error *err)
{
    int rc = hl7_unescape(v, &m->d, out, cap, NULL, err);
    if (rc) kc_error_prefix(err, "%s", field);
    return rc;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int hl7_time_utc(const char *dtm, char out[32], struct kc_error *err)
{
    size_t n = strlen(dtm);
    int Y, M, D, h, mi, s = 0, ms = 0, off = 0;
    if (n < 12 || digits(dtm, 4, &Y) || digits(dtm + 4, 2, &M) || digits(dtm + 6, 2, &D) ||
        digits(dtm + 8, 2, &h) || digits(dtm + 10, 2, &mi))
        goto bad;
    size_t i = 12;
    if (i + 2 <= n && dtm[i] >= '0' && dtm[i] <= '9') {
        if (digits(dtm + i, 2, &s)) goto bad;
        i += 2;
        if (i < n && dtm[i] == '.') {
            int scale = 100, k = 0;
            for (i++; i < n && dtm[i] >= '0' && dtm[i] <= '9'; i++, k++) {
                if (k > 3) goto bad;
                ms += (dtm[i] - '0') * scale;
                scale /= 10;
            }
            if (k == 0) goto bad;
        }
    }
    if (i < n) {
        int oh, om;
        if ((dtm[i] != '+' && dtm[i] != '-') || n - i != 5 || digits(dtm + i + 1, 2, &oh) ||
            digits(dtm + i + 3, 2, &om) || oh > 14 || om > 59)
            goto bad;
        off = (oh * 60 + om) * (dtm[i] == '-' ? -1 : 1);
    }
    /* the fields are checked (31 February, 24:00, a false leap second) by the time module */
    struct kc_civil c = {Y, M, D, h, mi, s, ms, off};
    int64_t t;
    if (kc_time_from_civil(&c, &t, NULL)) goto bad;
    kc_time_format(t, KC_TIME_MILLIS, out);
    return KC_OK;
bad:
    return kc_error_set(err, KC_EINVAL, "'%.40s' is not an HL7 time YYYYMMDDHHMM[SS[.S]][+ZZZZ]",
                        dtm);
}

/* A DTM field (component 1) as UTC into out; 1 when present, 0 when empty, <0 on error. */
static int time_field(const struct hl7_message *m, struct hl7_str f, char out[32],
                      const char *field, struct kc_error *err)
{
    char raw[40];
    struct hl7_str c = hl7_comp(hl7_rep(f, &m->d, 0), &m->d, 1);
    if (c.n == 0) return 0;
    int rc = text(m, c, raw, sizeof raw, field, err);
    if (!rc) rc = hl7_time_utc(raw, out, err);
    if (rc) return kc_error_prefix(err, "%s", field);
    return 1;
}

static int header(const struct hl7_message *m, struct hl7_oru *o, enum hl7_nak *nak, int *code,
                  struct kc_error *err)
{
    struct hl7_str t1 = hl7_get(m, 0, 9, 1), t2 = hl7_get(m, 0, 9, 2);
    if (!hl7_eq(t1, "ORU") || !hl7_eq(t2, "R01")) {
        fail(nak, code, HL7_NAK_AR, 200);
        return kc_error_set(err, KC_EUNSUPPORTED, "MSH-9: message type %.*s^%.*s is not "
                            "accepted (only ORU^R01)", (int)(t1.n > 8 ? 8 : t1.n), t1.p ? t1.p : "",
                            (int)(t2.n > 8 ? 8 : t2.n), t2.p ? t2.p : "");
    }
    struct hl7_str id = hl7_field(m, 0, 10);
    int rc = text(m, id, o->control_id, sizeof o->control_id, "MSH-10", err);
    if (!rc && o->control_id[0] == '\0')
        rc = kc_error_set(err, KC_EINVAL, "MSH-10: the message control id is missing");
    if (rc) return fail(nak, code, HL7_NAK_AR, 101), rc;
    struct hl7_str pid = hl7_get(m, 0, 11, 1);
    if (pid.n && !hl7_eq(pid, "P")) {
        fail(nak, code, HL7_NAK_AR, 202);
        return kc_error_set(err, KC_EUNSUPPORTED, "MSH-11: processing id '%.*s' is not accepted "
                            "(only P, production)", (int)(pid.n > 8 ? 8 : pid.n), pid.p);
    }
    struct hl7_str ver = hl7_get(m, 0, 12, 1);
    if (ver.n < 3 || ver.p[0] != '2' || ver.p[1] != '.') {
        fail(nak, code, HL7_NAK_AR, 203);
        return kc_error_set(err, KC_EUNSUPPORTED, "MSH-12: version '%.*s' is not HL7 v2.x",
                            (int)(ver.n > 8 ? 8 : ver.n), ver.p ? ver.p : "");
    }
    struct hl7_str a = hl7_field(m, 0, 3), b = hl7_field(m, 0, 4);
    if (a.n + b.n + 2 > sizeof o->sender) {
        fail(nak, code, HL7_NAK_AR, 207);
        return kc_error_set(err, KC_ELIMIT, "MSH-3/MSH-4: sender longer than %zu bytes",
                            sizeof o->sender - 2);
    }
    snprintf(o->sender, sizeof o->sender, "%.*s|%.*s", (int)a.n, a.p ? a.p : "", (int)b.n,
             b.p ? b.p : "");
    return KC_OK;
}

static int who(const struct hl7_message *m, struct hl7_oru *o, enum hl7_nak *nak, int *code,
               struct kc_error *err)
{
    int s = hl7_find(m, "PID", 1), rc;
    if (s >= 0) {
        struct hl7_str f = hl7_field(m, (size_t)s, 3);
        unsigned nr = hl7_nrep(f, &m->d);
        for (unsigned r = 0; r < nr && o->n_patient_ids < HL7_MAX_PIDS; r++) {
            struct hl7_str c = hl7_comp(hl7_rep(f, &m->d, r), &m->d, 1);
            if (!c.n) continue;
            rc = text(m, c, o->patient_ids[o->n_patient_ids], sizeof o->patient_ids[0], "PID-3",
                      err);
            if (rc) return fail(nak, code, HL7_NAK_AE, 102), rc;
            o->n_patient_ids++;
        }
    }
    s = hl7_find(m, "PV1", 1);
    if (s >= 0) {
        struct hl7_str bed = hl7_get(m, (size_t)s, 3, 3);
        if (!bed.n) bed = hl7_get(m, (size_t)s, 3, 1);
        rc = text(m, bed, o->bed, sizeof o->bed, "PV1-3", err);
        if (rc) return fail(nak, code, HL7_NAK_AE, 102), rc;
    }
    if (o->n_patient_ids == 0 && o->bed[0] == '\0') {
        fail(nak, code, HL7_NAK_AE, 101);
        return kc_error_set(err, KC_EINVAL, "neither a patient identifier (PID-3) nor a bed "
                            "(PV1-3) says whom the observations are about");
    }
    return KC_OK;
}

/* One OBX: appends an observation, skips a row that is not a reading, or fails. */
static int obx(const struct hl7_message *m, size_t s, unsigned k, const char *when,
               struct hl7_oru *o, enum hl7_nak *nak, int *code, struct kc_error *err)
{
    struct hl7_str F[15];
    hl7_fields(m, s, F, 15);
    const struct hl7_delims *d = &m->d;
    struct hl7_str st = hl7_comp(hl7_rep(F[11], d, 0), d, 1), val = F[5];
    if (st.n && (st.p[0] == 'X' || st.p[0] == 'W' || st.p[0] == 'D' || st.p[0] == 'I'))
        return KC_OK;
    val = hl7_rep(val, &m->d, 0);
    if (val.n == 0) return KC_OK; /* device-tree row, or no reading */
    struct hl7_str f3 = hl7_rep(F[3], d, 0);
    const char *vc = hl7_vital_code(hl7_comp(f3, &m->d, 1), hl7_comp(f3, &m->d, 2),
                                    hl7_comp(f3, &m->d, 3));
    if (!vc)
        vc = hl7_vital_code(hl7_comp(f3, &m->d, 4), hl7_comp(f3, &m->d, 5),
                            hl7_comp(f3, &m->d, 6));
    if (!vc) return KC_OK;
    struct hl7_str vt = hl7_comp(hl7_rep(F[2], d, 0), d, 1);
    int rc;
    if (vt.n && !hl7_eq(vt, "NM")) {
        rc = kc_error_set(err, KC_EINVAL, "OBX %u: OBX-2 is '%.*s'; a vital sign must be NM", k,
                          (int)(vt.n > 8 ? 8 : vt.n), vt.p);
        return fail(nak, code, HL7_NAK_AE, 102), rc;
    }
    if (o->nobs >= HL7_MAX_OBS) {
        rc = kc_error_set(err, KC_ELIMIT, "more than %d vital-sign observations", HL7_MAX_OBS);
        return fail(nak, code, HL7_NAK_AE, 207), rc;
    }
    struct hl7_obs *ob = &o->obs[o->nobs];
    char unit[64];
    struct hl7_str f6 = hl7_rep(F[6], d, 0);
    if ((rc = hl7_number(val, &ob->value, err)) ||
        (rc = text(m, hl7_comp(f6, &m->d, 1), unit, sizeof unit, "OBX-6", err)))
        goto bad;
    double v = ob->value;
    if ((rc = hl7_unit_convert(vc, unit, &v, err))) {
        char alt[64];
        struct kc_error e2 = {0};
        if (text(m, hl7_comp(f6, &m->d, 2), alt, sizeof alt, "OBX-6", &e2) || !alt[0] ||
            hl7_unit_convert(vc, alt, &ob->value, &e2))
            goto bad;
        rc = KC_OK;
    } else {
        ob->value = v;
    }
    rc = time_field(m, F[14], ob->at, "OBX-14", err);
    if (rc < 0) goto bad;
    if (rc == 0) memcpy(ob->at, when, 32);
    if ((rc = plaus_vital_check(vc, ob->value, err))) {
        kc_error_prefix(err, "OBX %u: implausible value", k);
        return fail(nak, code, HL7_NAK_AE, 207), rc;
    }
    ob->code = vc;
    ob->obx = k;
    o->nobs++;
    return KC_OK;
bad:
    kc_error_prefix(err, "OBX %u (%s)", k, vc);
    return fail(nak, code, HL7_NAK_AE, 102), rc;
}

/* Systolic above diastolic for readings taken at the same time. */
static int bp_pairs(const struct hl7_oru *o, enum hl7_nak *nak, int *code, struct kc_error *err)
{
    for (size_t i = 0; i < o->nobs; i++) {
        if (strcmp(o->obs[i].code, "sbp")) continue;
        for (size_t j = 0; j < o->nobs; j++) {
            if (strcmp(o->obs[j].code, "dbp") || strcmp(o->obs[i].at, o->obs[j].at)) continue;
            int rc = plaus_bp_pair(o->obs[i].value, o->obs[j].value, err);
            if (rc) {
                kc_error_prefix(err, "OBX %u/%u: implausible value", o->obs[i].obx,
                                o->obs[j].obx);
                return fail(nak, code, HL7_NAK_AE, 207), rc;
            }
        }
    }
    return KC_OK;
}

int hl7_oru_read(const struct hl7_message *m, const char *now, struct hl7_oru *out,
                 enum hl7_nak *nak, int *hl7_code, struct kc_error *err)
{
    *nak = HL7_NAK_NONE;
    if (hl7_code) *hl7_code = 0;
    out->n_patient_ids = 0;
    out->bed[0] = '\0';
    out->nobs = 0;
    int rc = header(m, out, nak, hl7_code, err);
    if (rc) return rc;
    char msh_time[32], obr_time[32];
    rc = time_field(m, hl7_field(m, 0, 7), msh_time, "MSH-7", err);
    if (rc < 0) return fail(nak, hl7_code, HL7_NAK_AE, 102), rc;
    if (rc == 0) snprintf(msh_time, sizeof msh_time, "%s", now);
    if ((rc = who(m, out, nak, hl7_code, err))) return rc;
    memcpy(obr_time, msh_time, 32);
    unsigned k = 0;
    for (size_t s = 1; s < m->nseg; s++) {
        if (!memcmp(m->seg[s].id, "OBR", 4)) {
            rc = time_field(m, hl7_field(m, s, 7), obr_time, "OBR-7", err);
            if (rc < 0) return fail(nak, hl7_code, HL7_NAK_AE, 102), rc;
            if (rc == 0) memcpy(obr_time, msh_time, 32);
        } else if (!memcmp(m->seg[s].id, "OBX", 4)) {
            if ((rc = obx(m, s, ++k, obr_time, out, nak, hl7_code, err))) return rc;
        }
    }
    if ((rc = bp_pairs(out, nak, hl7_code, err))) return rc;
    if (out->nobs == 0) {
        fail(nak, hl7_code, HL7_NAK_AE, 207);
        return kc_error_set(err, KC_ENOTFOUND, "no vital-sign observation in the message (of %u "
                            "OBX rows, none has a value with a known code and a valid status)", k);
    }
    return KC_OK;
}
