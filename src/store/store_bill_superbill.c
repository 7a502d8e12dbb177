/* store_bill_superbill.c — the itemised superbill a patient files out of network: provider,
 * patient, payer, active diagnoses, every service line (voided charges left out, their voids
 * too), payments and totals in integer cents.  Read in one transaction, audited as an export. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_billing.h"
#include "store/store_int.h"

struct sb {
    json_t *lines, *payments, *dx, *patient;
    struct bill_account *acct;
    int64_t charged; /* sum of the lines shown */
};

static json_t *money(int64_t cents)
{
    char buf[32];
    bill_cents_format(cents, buf, sizeof buf);
    return json_string(buf);
}

static int line_row(void *ctx, const struct srow *r)
{
    struct sb *x = ctx;
    const char *kind = srow_text(r, 1), *code = srow_text(r, 3);
    int64_t cents = srow_int(r, 7);
    if (strcmp(kind, "charge") == 0) {
        if (srow_int(r, 11)) return 0; /* voided: not billed */
        const struct bill_code *bc = bill_code_find(code);
        char day[11];
        store__copy(r, 9, day, sizeof day);
        json_t *l = json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:I, s:I, s:o, s:s}", "entry_id",
                              (json_int_t)srow_int(r, 0), "session_id",
                              (json_int_t)srow_int(r, 2), "date", day, "code", code ? code : "",
                              "modifier", srow_text(r, 4) ? srow_text(r, 4) : "", "units",
                              (int)srow_int(r, 5), "unit_cents", (json_int_t)srow_int(r, 6),
                              "cents", (json_int_t)cents, "amount", money(cents), "description",
                              bc ? bc->meaning : "");
        x->charged += cents;
        return json_array_append_new(x->lines, l) ? KC_ENOMEM : 0;
    }
    if (strcmp(kind, "payment") == 0 || strcmp(kind, "refund") == 0 ||
        strcmp(kind, "adjust") == 0) {
        json_t *p = json_pack("{s:I, s:s, s:s, s:I, s:o, s:s}", "entry_id",
                              (json_int_t)srow_int(r, 0), "kind", kind, "at",
                              srow_text(r, 9), "cents", (json_int_t)cents, "amount",
                              money(cents), "method", srow_text(r, 8) ? srow_text(r, 8) : "");
        return json_array_append_new(x->payments, p) ? KC_ENOMEM : 0;
    }
    return 0;
}

static int dx_row(void *ctx, const struct srow *r)
{
    struct sb *x = ctx;
    json_t *d = json_pack("{s:s, s:s, s:s}", "system", srow_text(r, 0), "code", srow_text(r, 1),
                          "display", srow_text(r, 2) ? srow_text(r, 2) : "");
    return json_array_append_new(x->dx, d) ? KC_ENOMEM : 0;
}

static int patient_row(void *ctx, const struct srow *r)
{
    struct sb *x = ctx;
    char name[160];
    snprintf(name, sizeof name, "%s, %s", srow_text(r, 1) ? srow_text(r, 1) : "",
             srow_text(r, 2) ? srow_text(r, 2) : "");
    x->patient = json_pack("{s:s, s:s, s:s, s:s, s:s}", "mrn", srow_text(r, 0), "name", name,
                           "birth_date", srow_text(r, 3), "sex",
                           srow_text(r, 4) ? srow_text(r, 4) : "", "address",
                           srow_text(r, 5) ? srow_text(r, 5) : "");
    return x->patient ? 0 : KC_ENOMEM;
}

int store_bill_superbill(struct store *st, const struct store_actor *who, int64_t patient_id,
                         const struct store_bill_provider *prov, json_t **out,
                         struct kc_error *err)
{
    char rid[24];
    snprintf(rid, sizeof rid, "%" PRId64, patient_id);
    struct sb x = {json_array(), json_array(), json_array(), NULL, NULL, 0};
    struct store_bill_payer payer;
    int rc = store__check_actor(who, err);
    if (rc) goto done;
    if (!x.lines || !x.payments || !x.dx) {
        rc = kc_error_set(err, KC_ENOMEM, "out of memory");
        goto done;
    }
    struct sv a[] = {SV_I(patient_id)};
    if ((rc = store__begin_read(st, err)) ||
        (rc = store__q(st, "SELECT mrn, family_name, given_name, birth_date, sex, address FROM "
                           "patients WHERE id = ?", a, 1, patient_row, &x, err)))
        goto done;
    if (!x.patient) {
        rc = kc_error_set(err, KC_ENOTFOUND, "no patient %" PRId64, patient_id);
        goto done;
    }
    if ((rc = store__bill_payer_load(st, patient_id, &payer, err)) ||
        (rc = store__bill_account_load(st, patient_id, &x.acct, err)) ||
        (rc = store__q(st, "SELECT code_system, code, display FROM diagnoses WHERE patient_id = ? "
                           "AND status = 'active' ORDER BY id", a, 1, dx_row, &x, err)) ||
        (rc = store__q(st, "SELECT e.id, e.kind, COALESCE(e.session_id, 0), e.code, e.modifier, "
                           "e.units, COALESCE(e.unit_cents, 0), e.cents, e.method, e.at, e.reason, "
                           "(SELECT count(*) FROM bill_entries v WHERE v.kind = 'void' AND "
                           "v.ref_id = e.id) FROM bill_entries e WHERE e.patient_id = ? "
                           "ORDER BY e.id", a, 1, line_row, &x, err)))
        goto done;
done:
    rc = store__finish(st, rc, who, "export", "Account", rid, "superbill", err);
    if (!rc) {
        const struct bill_totals *t = &x.acct->t;
        char now[32];
        store__now(now);
        json_t *j = json_pack(
            "{s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:O, s:{s:s, s:s, s:s, s:s, s:s}, s:O, s:O, s:O,"
            " s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}}",
            "type", "superbill", "generated_at", now, "provider", "clinic",
            prov && prov->clinic ? prov->clinic : "", "npi", prov && prov->npi ? prov->npi : "",
            "tax_id", prov && prov->tax_id ? prov->tax_id : "", "address",
            prov && prov->address ? prov->address : "", "patient", x.patient, "payer", "kind",
            bill_payer_kind_name(payer.kind), "name", payer.name, "member_id", payer.member_id,
            "prior_auth", payer.prior_auth, "prior_auth_expires", payer.prior_auth_expires,
            "diagnoses", x.dx, "lines", x.lines, "payments", x.payments, "totals",
            "billed_cents", (json_int_t)x.charged, "charges_cents", (json_int_t)t->charges,
            "voids_cents", (json_int_t)t->voids, "payments_cents", (json_int_t)t->payments,
            "refunds_cents", (json_int_t)t->refunds, "adjustments_cents",
            (json_int_t)t->adjustments, "balance_cents", (json_int_t)t->balance, "balance",
            money(t->balance));
        if (!j) rc = kc_error_set(err, KC_ENOMEM, "out of memory building the superbill");
        else *out = j;
    }
    json_decref(x.lines);
    json_decref(x.payments);
    json_decref(x.dx);
    json_decref(x.patient);
    free(x.acct);
    return rc;
}
