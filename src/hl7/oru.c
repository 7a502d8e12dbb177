/* oru.c — reads an ORU^R01 (IHE PCD-01 shape: MSH {PID [PV1] {OBR {OBX}}}) into the clinic's
 * readings: header checks, one patient group per PID, and each OBX that is one of our vitals,
 * read on its own — a bad one is refused with its reason, the others stay. */
#include "hl7/oru.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

int hl7_no_reading(double v)
{
    static const double s[] = {8388607, -8388608, 8388606, -8388606, -8388607,
                               -1, -100, -999, -99.9, -9999};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (v == s[i]) return 1;
    return 0;
}

struct ctx {
    const struct hl7_message *m;
    const struct hl7_read_options *opt;
    struct hl7_oru *o;
    int msh_has_off, msh_off;
    char msh_time[32];   /* "" when MSH-7 is empty or unreadable */
    char obr_time[32];   /* of the current OBR ("" = none) */
    char obr_err[120];   /* why the current OBR-7 could not be read ("" = fine) */
    unsigned nobx;
    int group;
};

static void refuse(struct ctx *c, unsigned k, int field, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void refuse(struct ctx *c, unsigned k, int field, int code, const char *fmt, ...)
{
    struct hl7_oru *o = c->o;
    if (o->nrefused < HL7_MAX_REFUSED) {
        struct hl7_refusal *r = &o->refused[o->nrefused];
        r->obx = k;
        r->seg = k;
        r->field = field;
        r->hl7_error = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->reason, sizeof r->reason, fmt, ap);
        va_end(ap);
    }
    o->nrefused++;
}

static void skip(struct ctx *c, unsigned k, const char *why)
{
    struct hl7_oru *o = c->o;
    size_t n = strlen(o->skipped_note);
    if (o->skipped == 0)
        snprintf(o->skipped_note, sizeof o->skipped_note, "OBX %u (%s)", k, why);
    else if (n + 12 < sizeof o->skipped_note)
        snprintf(o->skipped_note + n, sizeof o->skipped_note - n, ", %u", k);
    o->skipped++;
}

/* A DTM as UTC.  The offset: its own, else MSH-7's, else the sender's zone, else the clinic's;
 * never silently UTC.  Returns 0 or KC_EINVAL with why (a reading's reason). */
static int dtm_utc(struct ctx *c, const char *raw, int min_prec, char out[32], char *why,
                   size_t cap)
{
    struct hl7_dtm d;
    struct kc_error e = {0};
    if (hl7_dtm_parse(raw, &d, &e)) return snprintf(why, cap, "%.150s", e.msg), KC_EINVAL;
    if (d.prec < min_prec)
        return snprintf(why, cap, "'%.30s' is not precise to the minute", raw), KC_EINVAL;
    long long local = hl7_dtm_local(&d);
    int off = d.off_min;
    if (!d.has_off) {
        const struct hl7_read_options *o = c->opt;
        const char *how = NULL;
        const struct hl7_zone *z = NULL;
        if (c->msh_has_off) {
            off = c->msh_off;
            how = "the offset of MSH-7";
        } else if (o->sender_zone && o->sender_zone->set) {
            z = o->sender_zone;
        } else if (o->clinic_zone && o->clinic_zone->set) {
            z = o->clinic_zone;
        } else {
            return snprintf(why, cap, "'%.30s' has no UTC offset, MSH-7 neither, and no time "
                            "zone is configured for this sender or the clinic", raw), KC_EINVAL;
        }
        if (z) {
            if (hl7_zone_offset(z, local, &off))
                return snprintf(why, cap, "'%.30s' is not a wall time in %.40s (the clocks "
                                "skipped it)", raw, z->name), KC_EINVAL;
            how = z->name;
        }
        if (!c->o->time_note[0])
            snprintf(c->o->time_note, sizeof c->o->time_note, "times without offset read in %s",
                     how);
    }
    if (hl7_rfc3339(local - (long long)off * 60, d.ms, out, &e))
        return snprintf(why, cap, "%.150s", e.msg), KC_EINVAL;
    return KC_OK;
}

/* Component 1 of the first repetition of f, unescaped, into raw (0 = empty). */
static int first_comp(const struct hl7_message *m, struct hl7_str f, char *raw, size_t cap)
{
    struct hl7_str v = hl7_comp(hl7_rep(f, &m->d, 0), &m->d, 1);
    raw[0] = '\0';
    if (!v.n) return 0;
    struct kc_error e = {0};
    if (hl7_unescape(v, &m->d, raw, cap, NULL, &e)) {
        raw[0] = '\0'; /* a failed unescape may leave raw unterminated (found by fuzz_hl7) */
        return -1;
    }
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
    if (text(m, hl7_comp(a, &m->d, 1), o->app, sizeof o->app, "MSH-3", err))
        o->app[0] = '\0';
    return KC_OK;
}

static struct hl7_patient *new_group(struct ctx *c, enum hl7_nak *nak, int *code,
                                     struct kc_error *err)
{
    struct hl7_oru *o = c->o;
    if (o->ngroups >= HL7_MAX_GROUPS) {
        fail(nak, code, HL7_NAK_AE, 207);
        kc_error_set(err, KC_ELIMIT, "more than %d patient groups (PID) in one message",
                     HL7_MAX_GROUPS);
        return NULL;
    }
    struct hl7_patient *p = &o->groups[o->ngroups];
    memset(p, 0, sizeof *p);
    c->group = o->ngroups++;
    return p;
}

static void trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
    while (s[a] == ' ' || s[a] == '\t') a++;
    if (a) memmove(s, s + a, n - a + 1);
}

static int type_ok(const struct hl7_read_options *opt, const char *type)
{
    if (opt->mrn_type && *opt->mrn_type) return strcmp(type, opt->mrn_type) == 0;
    /* not configured: medical record and patient numbers, never visit/account/national ids */
    return !*type || !strcmp(type, "MR") || !strcmp(type, "PI") || !strcmp(type, "PT");
}

static int pid_segment(struct ctx *c, size_t s, enum hl7_nak *nak, int *code,
                       struct kc_error *err)
{
    const struct hl7_message *m = c->m;
    struct hl7_patient *p = new_group(c, nak, code, err);
    if (!p) return KC_ELIMIT;
    struct hl7_str f = hl7_field(m, s, 3);
    unsigned nr = hl7_nrep(f, &m->d);
    for (unsigned r = 0; r < nr && r < 16; r++) {
        struct hl7_str rep = hl7_rep(f, &m->d, r);
        char id[64], type[16], auth[48];
        struct kc_error e = {0};
        if (hl7_unescape(hl7_comp(rep, &m->d, 1), &m->d, id, sizeof id, NULL, &e) ||
            hl7_unescape(hl7_comp(rep, &m->d, 5), &m->d, type, sizeof type, NULL, &e) ||
            hl7_unescape(hl7_sub(hl7_comp(rep, &m->d, 4), &m->d, 1), &m->d, auth, sizeof auth,
                         NULL, &e)) {
            fail(nak, code, HL7_NAK_AE, 102);
            return kc_error_set(err, KC_EINVAL, "PID-3 repetition %u: %s", r + 1, e.msg);
        }
        trim(id), trim(type), trim(auth); /* "PI " (IHE PCD example): spaces are not part of it */
        if (!id[0]) continue;
        size_t n = strlen(p->seen);
        if (n + 4 < sizeof p->seen)
            snprintf(p->seen + n, sizeof p->seen - n, "%s%s(%s/%s)", n ? " " : "", id,
                     type[0] ? type : "-", auth[0] ? auth : "-");
        if (!type_ok(c->opt, type)) continue;
        const char *want = c->opt->mrn_authority;
        if (want && *want && strcmp(want, auth) != 0) continue;
        int dup = 0;
        for (int i = 0; i < p->n_ids; i++) dup |= !strcmp(p->ids[i], id);
        if (dup || p->n_ids >= HL7_MAX_PIDS) continue;
        if (p->n_ids > 0 && c->opt->mrn_type && *c->opt->mrn_type) p->conflict = 1;
        snprintf(p->ids[p->n_ids++], sizeof p->ids[0], "%s", id);
    }
    return KC_OK;
}

static void pv1_segment(struct ctx *c, size_t s)
{
    const struct hl7_message *m = c->m;
    if (c->o->ngroups == 0) return; /* PV1 without PID: no group to bind */
    struct hl7_patient *p = &c->o->groups[c->group];
    struct hl7_str f = hl7_rep(hl7_field(m, s, 3), &m->d, 0);
    char part[3][24];
    int any = 0;
    for (int i = 0; i < 3; i++) {
        struct kc_error e = {0};
        if (hl7_unescape(hl7_sub(hl7_comp(f, &m->d, (unsigned)i + 1), &m->d, 1), &m->d, part[i],
                         sizeof part[i], NULL, &e))
            part[i][0] = '\0';
        any |= part[i][0] != '\0';
    }
    if (any) snprintf(p->bed, sizeof p->bed, "%.20s^%.20s^%.20s", part[0], part[1], part[2]);
}

static void obr_segment(struct ctx *c, size_t s)
{
    char raw[48], why[120];
    c->obr_time[0] = c->obr_err[0] = '\0';
    int k = first_comp(c->m, hl7_field(c->m, s, 7), raw, sizeof raw);
    if (k < 0) snprintf(c->obr_err, sizeof c->obr_err, "OBR-7 cannot be read");
    else if (k > 0 && dtm_utc(c, raw, 12, c->obr_time, why, sizeof why))
        snprintf(c->obr_err, sizeof c->obr_err, "OBR-7 %.110s", why);
}

static void cut_copy(char *dst, size_t cap, struct hl7_str v)
{
    size_t n = v.n < cap - 1 ? v.n : cap - 1;
    if (n) memcpy(dst, v.p, n);
    dst[n] = '\0';
}

/* One OBX: appends a reading, skips a row that is not one, or refuses it. */
static int obx_segment(struct ctx *c, size_t s, enum hl7_nak *nak, int *code,
                       struct kc_error *err)
{
    const struct hl7_message *m = c->m;
    const struct hl7_delims *d = &m->d;
    struct hl7_oru *o = c->o;
    unsigned k = ++c->nobx;
    struct hl7_str F[19];
    hl7_fields(m, s, F, 19);
    if (o->ngroups == 0 && !new_group(c, nak, code, err)) return KC_ELIMIT;
    struct hl7_patient *grp = &o->groups[c->group];
    char dev[40];
    if (first_comp(m, F[18], dev, sizeof dev) > 0 && !grp->device[0])
        snprintf(grp->device, sizeof grp->device, "%s", dev);
    struct hl7_str st = hl7_comp(hl7_rep(F[11], d, 0), d, 1);
    char status = st.n ? st.p[0] : 'F';
    if (status >= 'a' && status <= 'z') status = (char)(status - 'a' + 'A');
    struct hl7_str f3 = hl7_rep(F[3], d, 0);
    struct hl7_code_row row;
    int kind = hl7_code_lookup(hl7_comp(f3, d, 1), hl7_comp(f3, d, 2), hl7_comp(f3, d, 3), &row);
    if (kind == HL7_CODE_OTHER)
        kind = hl7_code_lookup(hl7_comp(f3, d, 4), hl7_comp(f3, d, 5), hl7_comp(f3, d, 6), &row);
    if (kind == HL7_CODE_OTHER) return KC_OK; /* not one of our vitals, or a device-tree row */
    struct hl7_str id = hl7_comp(f3, d, 1), name = hl7_comp(f3, d, 2);
    if (kind == HL7_CODE_UNKNOWN_TEXT_OURS) {
        refuse(c, k, 3, 103, "OBX %u: code '%.*s' is not known; its text says %.40s (%s), which "
               "is not taken for it", k, (int)(id.n > 20 ? 20 : id.n), id.p ? id.p : "",
               row.name, row.vital);
        return KC_OK;
    }
    if (status == 'X' || status == 'I') {
        skip(c, k, status == 'X' ? "status X: no reading" : "status I: pending");
        return KC_OK;
    }
    if (status == 'D') status = 'W';
    if (status != 'C' && status != 'W') status = 'F';
    struct hl7_str val = hl7_rep(F[5], d, 0);
    if (val.n == 0 && status != 'W') {
        skip(c, k, "no value");
        return KC_OK;
    }
    struct hl7_str vt = hl7_comp(hl7_rep(F[2], d, 0), d, 1);
    if (vt.n && !hl7_eq(vt, "NM")) {
        refuse(c, k, 2, 102, "OBX %u (%s): OBX-2 is '%.*s'; a vital sign must be NM", k,
               row.vital, (int)(vt.n > 8 ? 8 : vt.n), vt.p);
        return KC_OK;
    }
    double v = 0;
    struct kc_error e = {0};
    if (val.n && hl7_number(val, &v, &e)) {
        refuse(c, k, 5, 102, "OBX %u (%s): %s", k, row.vital, e.msg);
        return KC_OK;
    }
    if (val.n && hl7_no_reading(v)) {
        skip(c, k, "'no reading' value");
        return KC_OK;
    }
    struct hl7_str flags = hl7_field(m, s, 8);
    for (size_t i = 0; i + 4 <= flags.n; i++)
        if (!memcmp(flags.p + i, "DEMO", 4)) {
            refuse(c, k, 8, 207, "OBX %u (%s): the monitor is in demo mode (OBX-8 DEMO): "
                   "simulated values are not filed", k, row.vital);
            return KC_OK;
        }
    /* unit: the code (OBX-6.1) when there is one, else the text (OBX-6.2) */
    struct hl7_str f6 = hl7_rep(F[6], d, 0);
    char u1[48], u2[48];
    if (hl7_unescape(hl7_comp(f6, d, 1), d, u1, sizeof u1, NULL, &e) ||
        hl7_unescape(hl7_comp(f6, d, 2), d, u2, sizeof u2, NULL, &e)) {
        refuse(c, k, 6, 102, "OBX %u (%s): OBX-6 cannot be read", k, row.vital);
        return KC_OK;
    }
    const char *unit = u1[0] ? u1 : u2;
    if (u1[0] && !hl7_unit_known(u1)) {
        refuse(c, k, 6, 103, "OBX %u (%s): unit code '%.30s'%s%.30s%s is not known; the value "
               "is not read in a guessed unit", k, row.vital, u1, u2[0] ? " (text '" : "", u2,
               u2[0] ? "')" : "");
        return KC_OK;
    }
    if (val.n && hl7_unit_convert(row.vital, unit, &v, &e)) {
        refuse(c, k, 6, 103, "OBX %u (%s): %s", k, row.vital, e.msg);
        return KC_OK;
    }
    if (val.n && plaus_vital_check(strcmp(row.vital, "pr") ? row.vital : "hr", v, &e)) {
        refuse(c, k, 5, 207, "OBX %u (%s): implausible value: %s", k, row.vital, e.msg);
        return KC_OK;
    }
    if (o->nobs >= HL7_MAX_OBS) {
        refuse(c, k, 0, 207, "OBX %u: more than %d readings in one message", k, HL7_MAX_OBS);
        return KC_OK;
    }
    struct hl7_obs *ob = &o->obs[o->nobs];
    memset(ob, 0, sizeof *ob);
    char raw[48], why[160];
    int tk = first_comp(m, F[14], raw, sizeof raw);
    if (tk < 0 || (tk > 0 && dtm_utc(c, raw, 12, ob->at, why, sizeof why))) {
        refuse(c, k, 14, 102, "OBX %u (%s): OBX-14 %s", k, row.vital,
               tk < 0 ? "cannot be read" : why);
        return KC_OK;
    }
    if (tk == 0) {
        if (c->obr_err[0]) {
            refuse(c, k, 14, 102, "OBX %u (%s): no OBX-14, and %s", k, row.vital, c->obr_err);
            return KC_OK;
        }
        if (c->obr_time[0]) memcpy(ob->at, c->obr_time, 32);
        else if (c->msh_time[0]) memcpy(ob->at, c->msh_time, 32);
        else snprintf(ob->at, sizeof ob->at, "%s", c->opt->now);
    }
    ob->code = row.vital;
    ob->channel = row.channel;
    ob->rank = row.rank;
    ob->value = v;
    ob->status = status;
    ob->group = c->group;
    ob->obx = k;
    snprintf(ob->source, sizeof ob->source, "%.*s^%.*s", (int)(id.n > 20 ? 20 : id.n),
             id.p ? id.p : "", (int)(name.n > 26 ? 26 : name.n), name.p ? name.p : "");
    cut_copy(ob->instance, sizeof ob->instance, hl7_rep(F[4], d, 0));
    snprintf(ob->device, sizeof ob->device, "%s", dev[0] ? dev : grp->device);
    if (status != 'F') o->corrected++;
    o->nobs++;
    return KC_OK;
}

/* The channel instance of a sub-id: its first three dotted parts (MDS.VMD.CHAN). */
static size_t instance_len(const char *s)
{
    size_t i = 0;
    for (int dots = 0; s[i]; i++)
        if (s[i] == '.' && ++dots == 3) break;
    return i;
}

/* Which readings feed the alarms: per group and vital, the lowest nonzero rank present, and of
 * that rank the channel instance seen first (a second SpO2 probe stays its own channel). */
static void alarm_series(struct hl7_oru *o)
{
    for (size_t i = 0; i < o->nobs; i++) {
        struct hl7_obs *a = &o->obs[i];
        if (a->rank == 0) continue;
        const struct hl7_obs *best = a;
        for (size_t j = 0; j < o->nobs; j++) {
            const struct hl7_obs *b = &o->obs[j];
            if (b->group != a->group || strcmp(b->code, a->code) || b->rank == 0) continue;
            if (b->rank < best->rank || (b->rank == best->rank && j < (size_t)(best - o->obs)))
                best = b;
        }
        size_t la = instance_len(a->instance), lb = instance_len(best->instance);
        a->alarm = best->rank == a->rank && !strcmp(best->channel, a->channel) && la == lb &&
                   !memcmp(a->instance, best->instance, la);
    }
}

/* Systolic above diastolic for one channel at one time; both refused otherwise. */
static void bp_pairs(struct ctx *c)
{
    struct hl7_oru *o = c->o;
    for (size_t i = 0; i < o->nobs; i++) {
        struct hl7_obs *s = &o->obs[i];
        if (!s->code || strcmp(s->code, "sbp") || s->status == 'W') continue;
        for (size_t j = 0; j < o->nobs && s->code; j++) {
            struct hl7_obs *dd = &o->obs[j];
            if (!dd->code || strcmp(dd->code, "dbp") || strcmp(s->at, dd->at) ||
                strcmp(s->channel, dd->channel) || s->group != dd->group || dd->status == 'W')
                continue;
            struct kc_error e = {0};
            if (plaus_bp_pair(s->value, dd->value, &e) == 0) continue;
            refuse(c, s->obx, 5, 207, "OBX %u/%u: implausible pair: %s", s->obx, dd->obx,
                   e.msg);
            s->code = dd->code = NULL; /* removed below */
        }
    }
    size_t w = 0;
    for (size_t i = 0; i < o->nobs; i++)
        if (o->obs[i].code) o->obs[w++] = o->obs[i];
    o->nobs = w;
}

int hl7_oru_read(const struct hl7_message *m, const struct hl7_read_options *opt,
                 struct hl7_oru *out, enum hl7_nak *nak, int *hl7_code, struct kc_error *err)
{
    *nak = HL7_NAK_NONE;
    if (hl7_code) *hl7_code = 0;
    out->ngroups = 0;
    out->nobs = out->nrefused = 0;
    out->skipped = out->corrected = 0;
    out->skipped_note[0] = out->time_note[0] = out->app[0] = '\0';
    int rc = header(m, out, nak, hl7_code, err);
    if (rc) return rc;
    struct ctx c = {m, opt, out, 0, 0, "", "", "", 0, 0};
    char raw[48], why[160];
    int k = first_comp(m, hl7_field(m, 0, 7), raw, sizeof raw);
    if (k > 0) {
        struct hl7_dtm dd;
        if (hl7_dtm_parse(raw, &dd, NULL) == 0 && dd.has_off) {
            c.msh_has_off = 1;
            c.msh_off = dd.off_min;
        }
        if (dtm_utc(&c, raw, 12, c.msh_time, why, sizeof why)) c.msh_time[0] = '\0';
    }
    for (size_t s = 1; s < m->nseg; s++) {
        const char *id = m->seg[s].id;
        if (!memcmp(id, "PID", 4)) rc = pid_segment(&c, s, nak, hl7_code, err);
        else if (!memcmp(id, "PV1", 4)) pv1_segment(&c, s);
        else if (!memcmp(id, "OBR", 4)) obr_segment(&c, s);
        else if (!memcmp(id, "OBX", 4)) rc = obx_segment(&c, s, nak, hl7_code, err);
        if (rc) return rc;
    }
    bp_pairs(&c);
    alarm_series(out);
    return KC_OK;
}
