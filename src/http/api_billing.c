/* api_billing.c — billing over the API (issue 10): charge an ended session from its record,
 * payments/refunds/adjustments/voids, the account (totals and entries) and the superbill JSON.
 * Rules: src/clinic/billing.c; records: src/store/store_billing.c. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "http/api_billing.h"
#include "store/store_billing.h"

static json_t *line_json(const struct bill_line *l)
{
    return json_pack("{s:s, s:s, s:i, s:I, s:I}", "code", l->code, "modifier", l->modifier,
                     "units", l->units, "unit_cents", (json_int_t)l->unit_cents, "cents",
                     (json_int_t)l->cents);
}

/* POST /api/sessions/:id/charges  {service?: "consult"|"followup"} */
int api_billing_charge(struct api_req *r)
{
    static const char *const allowed[] = {"service", NULL};
    int64_t sid;
    json_t *o = NULL;
    const char *svc = NULL;
    struct kc_error err = {0};
    if (api_param_id(r, 0, &sid)) return r->status;
    if (r->body && r->body_len && api_body_object(r, allowed, &o)) return r->status;
    if (o && api_get_string(r, o, "service", 0, 16, &svc)) goto out;
    enum bill_service service = BILL_SVC_COUNT;
    struct bill_schedule s;
    bill_schedule_default(&s);
    struct store_bill_session_charges c;
    if ((svc && bill_service_parse(svc, &service, &err)) ||
        store_bill_charge_session(r->st, &r->actor, sid, service, &s, &c, &err)) {
        api_from_error(r, &err);
        goto out;
    }
    json_t *lines = json_array();
    for (int i = 0; i < c.charges.n; i++)
        json_array_append_new(lines, line_json(&c.charges.line[i]));
    api_json(r, 201, json_pack("{s:I, s:I, s:s, s:I, s:I, s:I, s:o}", "session_id",
                               (json_int_t)sid, "patient_id", (json_int_t)c.patient_id, "service",
                               bill_service_name(c.facts.service), "infusion_min",
                               (json_int_t)(c.facts.infusion_s / 60), "first_entry_id",
                               (json_int_t)c.first_id, "total_cents",
                               (json_int_t)c.charges.total_cents, "lines", lines));
out:
    json_decref(o);
    return r->status;
}

/* POST /api/patients/:id/billing  {kind: payment|refund|adjust|void, cents, ref?, method?,
 * reason?, plan_id?} */
int api_billing_entry(struct api_req *r)
{
    static const char *const allowed[] = {"kind", "cents", "ref", "method", "reason", "plan_id",
                                          NULL};
    int64_t pid;
    json_t *o = NULL;
    const char *kind = NULL;
    long long cents = 0, ref = 0, plan = 0;
    struct kc_error err = {0};
    if (api_param_id(r, 0, &pid)) return r->status;
    if (api_body_object(r, allowed, &o)) return r->status;
    struct store_bill_entry_new e = {.patient_id = pid};
    if (api_get_string(r, o, "kind", 1, 16, &kind) ||
        api_get_int(r, o, "cents", 0, 0, BILL_AMOUNT_MAX_CENTS, &cents) ||
        api_get_int(r, o, "ref", 0, 0, INT64_MAX, &ref) ||
        api_get_int(r, o, "plan_id", 0, 0, INT64_MAX, &plan) ||
        api_get_string(r, o, "method", 0, 31, &e.method) ||
        api_get_string(r, o, "reason", 0, 127, &e.reason))
        goto out;
    if (bill_entry_kind_parse(kind, &e.kind, &err)) {
        api_error(r, 422, "kind", "%s", err.msg);
        goto out;
    }
    e.cents = cents;
    e.ref = ref;
    e.plan_id = plan;
    int64_t id = 0;
    struct bill_totals t;
    if (store_bill_entry_add(r->st, &r->actor, &e, &id, &err) ||
        store_bill_totals(r->st, &r->actor, pid, &t, &err)) {
        api_from_error(r, &err);
        goto out;
    }
    api_json(r, 201, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "kind",
                               bill_entry_kind_name(e.kind), "balance_cents",
                               (json_int_t)t.balance));
out:
    json_decref(o);
    return r->status;
}

static int entry_row(void *ctx, const struct store_bill_row *b)
{
    json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:i, s:I, s:I, s:I, s:s, s:s, s:s, s:s}",
                          "id", (json_int_t)b->id, "kind", b->kind, "session_id",
                          (json_int_t)b->session_id, "code", b->code, "modifier", b->modifier,
                          "units", b->units, "unit_cents", (json_int_t)b->unit_cents, "cents",
                          (json_int_t)b->cents, "ref_id", (json_int_t)b->ref_id, "payer",
                          b->payer, "method", b->method, "reason", b->reason, "at", b->at);
    return json_array_append_new(ctx, o) ? KC_ENOMEM : 0;
}

/* GET /api/patients/:id/billing: totals and entries */
int api_billing_account(struct api_req *r)
{
    int64_t pid;
    struct kc_error err = {0};
    if (api_param_id(r, 0, &pid)) return r->status;
    struct bill_totals t;
    json_t *entries = json_array();
    if (store_bill_totals(r->st, &r->actor, pid, &t, &err) ||
        store_bill_entries(r->st, &r->actor, pid, NULL, NULL, entry_row, entries, &err)) {
        json_decref(entries);
        return api_from_error(r, &err);
    }
    return api_json(r, 200, json_pack("{s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o}",
                                      "patient_id", (json_int_t)pid, "totals", "charges_cents",
                                      (json_int_t)t.charges, "voids_cents", (json_int_t)t.voids,
                                      "payments_cents", (json_int_t)t.payments, "refunds_cents",
                                      (json_int_t)t.refunds, "adjustments_cents",
                                      (json_int_t)t.adjustments, "balance_cents",
                                      (json_int_t)t.balance, "entries", entries));
}

/* GET /api/patients/:id/superbill */
int api_billing_superbill(struct api_req *r)
{
    int64_t pid;
    struct kc_error err = {0};
    if (api_param_id(r, 0, &pid)) return r->status;
    json_t *j = NULL;
    struct store_bill_provider p = {api_query(r, "clinic"), api_query(r, "npi"),
                                    api_query(r, "tax_id"), NULL};
    if (store_bill_superbill(r->st, &r->actor, pid, &p, &j, &err)) return api_from_error(r, &err);
    return api_json(r, 200, j);
}

/* GET /api/patients/:id/booking-check?day=YYYY-MM-DD&service=iv|im|esketamine|consult|followup:
 * {bookable, reason} — what a scheduler asks before booking (prior authorisation, REMS) */
int api_billing_booking_check(struct api_req *r)
{
    int64_t pid;
    struct kc_error err = {0};
    enum bill_service service;
    if (api_param_id(r, 0, &pid)) return r->status;
    const char *day = api_query(r, "day"), *svc = api_query(r, "service");
    if (!day || !svc) return api_error(r, 422, day ? "service" : "day", "day and service are "
                                       "required");
    if (bill_service_parse(svc, &service, &err)) return api_error(r, 422, "service", "%s", err.msg);
    int rc = store_bill_booking_check(r->st, &r->actor, pid, day, service, &err);
    if (rc && rc != KC_EDENIED) return api_from_error(r, &err);
    return api_json(r, 200, json_pack("{s:b, s:s}", "bookable", rc == 0, "reason",
                                      rc ? err.msg : ""));
}
