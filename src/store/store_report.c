/* store_report.c — clinic reports from the records: administration log, count discrepancies,
 * operations (chairs, no-shows, chair time, revenue, A/R ageing). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/course.h"
#include "clinic/report.h"
#include "store/store_billing.h"
#include "store/store_int.h"
#include "store/store_report.h"

struct admin_ctx {
    int (*fn)(void *, const struct store_report_admin_row *);
    void *ctx;
    int64_t n;
};

static int admin_row(void *c, const struct srow *r)
{
    struct admin_ctx *x = c;
    struct store_report_admin_row a;
    memset(&a, 0, sizeof a);
    a.seq = srow_int(r, 0);
    store__copy(r, 1, a.at, sizeof a.at);
    a.dose_id = srow_int(r, 2);
    a.patient_id = srow_int(r, 3);
    store__copy(r, 4, a.mrn, sizeof a.mrn);
    snprintf(a.patient_name, sizeof a.patient_name, "%s, %s", srow_text(r, 5) ? srow_text(r, 5)
             : "", srow_text(r, 6) ? srow_text(r, 6) : "");
    store__copy(r, 7, a.address, sizeof a.address);
    store__copy(r, 8, a.drug, sizeof a.drug);
    store__copy(r, 9, a.form, sizeof a.form);
    store__copy(r, 10, a.route, sizeof a.route);
    store__copy(r, 11, a.lot, sizeof a.lot);
    a.dose_ug = srow_int(r, 12);
    a.volume_ul = srow_int(r, 13);
    store__copy(r, 14, a.given_by, sizeof a.given_by);
    x->n++;
    return x->fn(x->ctx, &a);
}

int store_report_administrations(struct store *st, const struct store_actor *who,
                                 const char *from, const char *to,
                                 int (*fn)(void *ctx, const struct store_report_admin_row *r),
                                 void *ctx, struct kc_error *err)
{
    char f[32], t[32];
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = store__time("from", from, 0, f, err)) || (rc = store__time("to", to, 0, t, err)))
        return rc;
    struct admin_ctx x = {fn, ctx, 0};
    struct sv a[] = {SV_T(f), SV_T(f), SV_T(t), SV_T(t)};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st, "SELECT l.seq, d.started_at, d.id, p.id, p.mrn, p.family_name, p.given_name, "
                          "p.address, d.drug, d.form, d.route, d.lot, d.dose_ug, d.volume_ul, "
                          "d.given_by FROM ledger_entries l JOIN doses d ON d.id = l.dose_id "
                          "JOIN sessions s ON s.id = d.session_id JOIN patients p ON "
                          "p.id = s.patient_id WHERE l.kind = 'administer' AND (? = '' OR "
                          "d.started_at >= ?) AND (? = '' OR d.started_at < ?) "
                          "ORDER BY d.started_at, l.seq",
                      a, 4, admin_row, &x, err);
    char detail[48];
    snprintf(detail, sizeof detail, "administration log n=%" PRId64, x.n);
    return store__finish(st, rc, who, "read", "LedgerReport", "administrations", detail, err);
}

struct disc_ctx {
    int (*fn)(void *, const struct store_report_discrepancy_row *);
    void *ctx;
};

static int disc_row(void *c, const struct srow *r)
{
    struct disc_ctx *x = c;
    struct store_report_discrepancy_row d;
    memset(&d, 0, sizeof d);
    d.id = srow_int(r, 0);
    store__copy(r, 1, d.drug, sizeof d.drug);
    store__copy(r, 2, d.lot, sizeof d.lot);
    store__copy(r, 3, d.location, sizeof d.location);
    d.expected_ug = srow_int(r, 4);
    d.counted_ug = srow_int(r, 5);
    store__copy(r, 6, d.opened_at, sizeof d.opened_at);
    store__copy(r, 7, d.resolved_at, sizeof d.resolved_at);
    store__copy(r, 8, d.reason, sizeof d.reason);
    return x->fn(x->ctx, &d);
}

int store_report_discrepancies(struct store *st, const struct store_actor *who,
                               int (*fn)(void *ctx, const struct store_report_discrepancy_row *r),
                               void *ctx, struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    struct disc_ctx x = {fn, ctx};
    if (!(rc = store__begin_read(st, err)))
        rc = store__q(st, "SELECT id, drug, lot, location, expected_ug, counted_ug, opened_at, "
                          "resolved_at, reason FROM ledger_discrepancies ORDER BY id",
                      NULL, 0, disc_row, &x, err);
    return store__finish(st, rc, who, "read", "LedgerReport", "discrepancies", NULL, err);
}

/* ---- operations ----------------------------------------------------------------------------- */
#define OPS_MAX_KEYS 4096
struct key_sum {
    char key[96];
    int64_t v;
};
struct ops {
    long today;
    int64_t planned, ended, cancelled, no_show, chair_s, n_chair;
    struct key_sum *chair_day;
    int n_cd;
    struct key_sum codes[64], payers[8], services[BILL_SVC_COUNT];
    int n_codes, n_payers, n_services;
    int64_t revenue;
    int64_t ar[REPORT_AR_BUCKETS], ar_total;
    /* A/R: the current patient's open charges */
    int64_t cur_patient, credits;
    int64_t *ch_cents;
    long *ch_day;
    int n_ch;
    struct kc_error *err;
};

static int add_key(struct key_sum *t, int *n, int max, const char *key, int64_t v)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(t[i].key, key) == 0) return (t[i].v += v), 0;
    if (*n >= max) return KC_ELIMIT;
    snprintf(t[*n].key, sizeof t[*n].key, "%s", key);
    t[(*n)++].v = v;
    return 0;
}

static long day10(const char *t)
{
    char d[11];
    long v = 0;
    if (!t || strlen(t) < 10) return 0;
    memcpy(d, t, 10);
    d[10] = '\0';
    return course_date_parse(d, &v, NULL) ? 0 : v;
}

static int session_row(void *c, const struct srow *r)
{
    struct ops *o = c;
    const char *status = srow_text(r, 1), *chair = srow_text(r, 2);
    const char *planned = srow_text(r, 3), *started = srow_text(r, 4), *ended = srow_text(r, 5);
    o->planned++;
    if (strcmp(status, "cancelled") == 0) o->cancelled++;
    if (strcmp(status, "planned") == 0 && day10(planned) < o->today) o->no_show++;
    if (strcmp(status, "ended") != 0 || !started || !ended) return 0;
    o->ended++;
    int64_t s = 0;
    if (store_bill_seconds_between(started, ended, &s, o->err) == 0) {
        o->chair_s += s;
        o->n_chair++;
    }
    char key[96];
    snprintf(key, sizeof key, "%.60s|%.10s", chair ? chair : "", started);
    if (add_key(o->chair_day, &o->n_cd, OPS_MAX_KEYS, key, 1))
        return kc_error_set(o->err, KC_ELIMIT, "operations report: more than %d chair-days",
                            OPS_MAX_KEYS);
    return 0;
}

/* The service of a charge, from its session's doses as when it was charged (esketamine, else IV,
 * else IM), or from the code for a session without doses. */
static enum bill_service service_of(const char *code, int64_t n_esk, int64_t n_iv, int64_t n_im)
{
    if (n_esk) return BILL_SVC_ESKETAMINE;
    if (n_iv) return BILL_SVC_IV;
    if (n_im) return BILL_SVC_IM;
    return code && strcmp(code, "99204") == 0 ? BILL_SVC_CONSULT : BILL_SVC_FOLLOWUP;
}

static int revenue_row(void *c, const struct srow *r)
{
    struct ops *o = c;
    int64_t cents = srow_int(r, 2);
    o->revenue += cents;
    const char *svc = bill_service_name(service_of(srow_text(r, 0), srow_int(r, 3),
                                                   srow_int(r, 4), srow_int(r, 5)));
    if (add_key(o->codes, &o->n_codes, 64, srow_text(r, 0) ? srow_text(r, 0) : "", cents) ||
        add_key(o->payers, &o->n_payers, 8, srow_text(r, 1) ? srow_text(r, 1) : "", cents) ||
        add_key(o->services, &o->n_services, BILL_SVC_COUNT, svc, cents))
        return kc_error_set(o->err, KC_ELIMIT, "operations report: too many codes or payers");
    return 0;
}

static void ar_flush(struct ops *o)
{
    if (o->n_ch || o->credits)
        o->ar_total += report_ar_age(o->ch_cents, o->ch_day, o->n_ch, o->credits, o->today, o->ar);
    o->n_ch = 0;
    o->credits = 0;
}

/* rows per patient, in id order: kind, cents, voided, service day */
static int ar_row(void *c, const struct srow *r)
{
    struct ops *o = c;
    int64_t patient = srow_int(r, 0);
    if (patient != o->cur_patient) {
        ar_flush(o);
        o->cur_patient = patient;
    }
    const char *kind = srow_text(r, 1);
    int64_t cents = srow_int(r, 2);
    if (strcmp(kind, "charge") == 0) {
        if (srow_int(r, 3)) return 0; /* voided */
        if (o->n_ch >= BILL_ACCOUNT_MAX)
            return kc_error_set(o->err, KC_ELIMIT, "A/R: more than %d charges of patient %"
                                PRId64, BILL_ACCOUNT_MAX, patient);
        o->ch_cents[o->n_ch] = cents;
        o->ch_day[o->n_ch++] = day10(srow_text(r, 4));
    } else if (strcmp(kind, "payment") == 0 || strcmp(kind, "adjust") == 0) {
        o->credits += cents;
    } else if (strcmp(kind, "refund") == 0) {
        o->credits -= cents;
    }
    return 0;
}

static json_t *keys_json(const struct key_sum *t, int n, const char *name)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:I}", name, t[i].key, "cents",
                                           (json_int_t)t[i].v));
    return a;
}

int store_report_operations(struct store *st, const struct store_actor *who, const char *from_day,
                            const char *to_day, long today, json_t **out, struct kc_error *err)
{
    long a = 0, b = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = course_date_parse(from_day, &a, err)) || (rc = course_date_parse(to_day, &b, err)))
        return kc_error_prefix(err, "operations report period");
    struct ops *o = calloc(1, sizeof *o);
    if (o) o->chair_day = calloc(OPS_MAX_KEYS, sizeof *o->chair_day);
    if (o) o->ch_cents = calloc(BILL_ACCOUNT_MAX, sizeof *o->ch_cents);
    if (o) o->ch_day = calloc(BILL_ACCOUNT_MAX, sizeof *o->ch_day);
    if (!o || !o->chair_day || !o->ch_cents || !o->ch_day) {
        rc = kc_error_set(err, KC_ENOMEM, "out of memory");
        goto out;
    }
    o->today = today;
    o->err = err;
    o->cur_patient = -1;
    struct sv p[] = {SV_T(from_day), SV_T(to_day)};
    if ((rc = store__begin_read(st, err))) goto done;
    if ((rc = store__q(st, "SELECT id, status, chair, planned_at, started_at, ended_at FROM "
                           "sessions WHERE planned_at >= ? AND planned_at < ? ORDER BY id",
                       p, 2, session_row, o, err)) ||
        (rc = store__q(st, "SELECT e.code, e.payer, e.cents, (SELECT count(*) FROM doses d WHERE "
                           "d.session_id = s.id AND d.drug = 'esketamine'), (SELECT count(*) "
                           "FROM doses d WHERE d.session_id = s.id AND d.route = 'iv'), (SELECT "
                           "count(*) FROM doses d WHERE d.session_id = s.id AND d.route = 'im') "
                           "FROM bill_entries e JOIN sessions s "
                           "ON s.id = e.session_id WHERE e.kind = 'charge' AND s.planned_at >= ? "
                           "AND s.planned_at < ? AND NOT EXISTS (SELECT 1 FROM bill_entries v "
                           "WHERE v.kind = 'void' AND v.ref_id = e.id) ORDER BY e.id",
                       p, 2, revenue_row, o, err)) ||
        (rc = store__q(st, "SELECT e.patient_id, e.kind, e.cents, (SELECT count(*) FROM "
                           "bill_entries v WHERE v.kind = 'void' AND v.ref_id = e.id), "
                           "COALESCE(s.started_at, s.planned_at, e.at) FROM bill_entries e "
                           "LEFT JOIN sessions s ON s.id = e.session_id ORDER BY e.patient_id, "
                           "e.id", NULL, 0, ar_row, o, err)))
        goto done;
    ar_flush(o);
done:
    rc = store__finish(st, rc, who, "read", "Account", "*", "operations report", err);
    if (rc) goto out;
    json_t *cd = json_array();
    for (int i = 0; i < o->n_cd; i++) {
        const char *bar = strchr(o->chair_day[i].key, '|');
        json_array_append_new(cd, json_pack("{s:s%, s:s, s:I}", "chair", o->chair_day[i].key,
                                            (size_t)(bar - o->chair_day[i].key), "day", bar + 1,
                                            "sessions", (json_int_t)o->chair_day[i].v));
    }
    json_t *ar = json_object();
    for (int i = 0; i < REPORT_AR_BUCKETS; i++)
        json_object_set_new(ar, report_ar_bucket_name(i), json_integer(o->ar[i]));
    json_object_set_new(ar, "total", json_integer(o->ar_total));
    *out = json_pack("{s:{s:s, s:s}, s:{s:I, s:I, s:I, s:I}, s:o, s:o, s:o, s:o, s:o, s:I, s:o}",
                     "period", "from", from_day, "to", to_day, "sessions", "planned",
                     (json_int_t)o->planned, "ended", (json_int_t)o->ended, "cancelled",
                     (json_int_t)o->cancelled, "no_show", (json_int_t)o->no_show,
                     "per_chair_day", cd, "average_chair_min",
                     o->n_chair ? json_real((double)o->chair_s / 60.0 / (double)o->n_chair)
                                : json_null(),
                     "revenue_by_service", keys_json(o->services, o->n_services, "service"),
                     "revenue_by_code", keys_json(o->codes, o->n_codes, "code"),
                     "revenue_by_payer", keys_json(o->payers, o->n_payers, "payer"),
                     "revenue_cents", (json_int_t)o->revenue, "ar", ar);
    if (!*out) rc = kc_error_set(err, KC_ENOMEM, "out of memory");
out:
    if (o) {
        free(o->chair_day);
        free(o->ch_cents);
        free(o->ch_day);
    }
    free(o);
    return rc;
}
