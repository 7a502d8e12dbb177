/* billing_cli.c — output and input helpers of `ketaclinic billing`: CSV and JSON, the fee
 * schedule file, balances, entries and payment plans with their overdue instalments. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/billing_cli.h"
#include "clinic/course.h"
#include "store/store_billing.h"

void billing_cli_csv(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void billing_cli_print_json(const json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("%s\n", s ? s : "null");
    free(s);
}

int billing_cli_load_fees(const char *path, struct bill_schedule *s, struct kc_error *err)
{
    bill_schedule_default(s);
    if (!path || !*path) return KC_OK;
    json_error_t je;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return kc_error_set(err, KC_EINVAL, "fee schedule %s: line %d: %s", path, je.line,
                            je.text);
    int rc = KC_OK;
    json_t *fees = json_object_get(j, "fees"), *clinic = json_object_get(j, "clinic");
    if (!json_is_object(fees)) {
        rc = kc_error_set(err, KC_EINVAL, "fee schedule %s: \"fees\" must be an object of "
                          "CODE: \"DOLLARS\"", path);
        goto out;
    }
    if (json_is_string(clinic)) snprintf(s->clinic, sizeof s->clinic, "%s",
                                         json_string_value(clinic));
    const char *code;
    json_t *v;
    json_object_foreach(fees, code, v) {
        int64_t cents = 0;
        if (!json_is_string(v)) {
            rc = kc_error_set(err, KC_EINVAL, "fee schedule %s: price of %s must be a string "
                              "of dollars like \"450.00\"", path, code);
            goto out;
        }
        if ((rc = bill_cents_parse(json_string_value(v), 0, &cents, err)) ||
            (rc = bill_schedule_set(s, code, cents, err))) {
            kc_error_prefix(err, "fee schedule %s: %s", path, code);
            goto out;
        }
    }
out:
    json_decref(j);
    return rc;
}

int billing_cli_today(const char *text, long *day, struct kc_error *err)
{
    if (text) return course_date_parse(text, day, err);
    *day = (long)(time(NULL) / 86400);
    return KC_OK;
}

static json_t *totals_json(const struct bill_totals *t)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "charges_cents", (json_int_t)t->charges,
                     "voids_cents", (json_int_t)t->voids, "payments_cents",
                     (json_int_t)t->payments, "refunds_cents", (json_int_t)t->refunds,
                     "adjustments_cents", (json_int_t)t->adjustments, "balance_cents",
                     (json_int_t)t->balance);
}

int billing_cli_balance(struct store *st, const struct store_actor *who, int64_t patient,
                        enum cli_format fmt, struct kc_error *err)
{
    struct bill_totals t;
    int rc = store_bill_totals(st, who, patient, &t, err);
    if (rc) return rc;
    if (fmt == CLI_FORMAT_JSON) {
        json_t *j = totals_json(&t);
        billing_cli_print_json(j);
        json_decref(j);
        return 0;
    }
    if (fmt == CLI_FORMAT_CSV) {
        printf("charges_cents,voids_cents,payments_cents,refunds_cents,adjustments_cents,"
               "balance_cents\n%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
               ",%" PRId64 "\n", t.charges, t.voids, t.payments, t.refunds, t.adjustments,
               t.balance);
        return 0;
    }
    const int64_t v[] = {t.charges, t.voids, t.payments, t.refunds, t.adjustments, t.balance};
    const char *n[] = {"charges", "voids", "payments", "refunds", "adjustments", "balance"};
    for (int i = 0; i < 6; i++) {
        char b[32];
        bill_cents_format(v[i], b, sizeof b);
        printf("%-12s %12s\n", n[i], b);
    }
    return 0;
}

struct ent_ctx {
    enum cli_format fmt;
    json_t *arr;
};

static int ent_row(void *ctx, const struct store_bill_row *r)
{
    struct ent_ctx *x = ctx;
    if (x->fmt == CLI_FORMAT_JSON) {
        json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:i, s:I, s:I, s:I, s:s, s:s, s:s, s:s,"
                              " s:s}", "id", (json_int_t)r->id, "kind", r->kind, "session_id",
                              (json_int_t)r->session_id, "code", r->code, "modifier", r->modifier,
                              "units", r->units, "unit_cents", (json_int_t)r->unit_cents, "cents",
                              (json_int_t)r->cents, "ref_id", (json_int_t)r->ref_id, "payer",
                              r->payer, "method", r->method, "reason", r->reason, "at", r->at,
                              "by_user", r->by_user);
        return json_array_append_new(x->arr, o) ? KC_ENOMEM : 0;
    }
    if (x->fmt == CLI_FORMAT_CSV) {
        printf("%" PRId64 ",%s,%" PRId64 ",%s,%s,%d,%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,",
               r->id, r->kind, r->session_id, r->code, r->modifier, r->units, r->unit_cents,
               r->cents, r->ref_id, r->payer);
        billing_cli_csv(stdout, r->method), putchar(',');
        billing_cli_csv(stdout, r->reason);
        printf(",%s,%s\n", r->at, r->by_user);
        return 0;
    }
    char amt[32];
    bill_cents_format(r->cents, amt, sizeof amt);
    printf("%6" PRId64 " %s %-7s %-5s %-2s x%-3d %10s", r->id, r->at, r->kind, r->code,
           r->modifier, r->units, amt);
    if (r->session_id) printf("  session %" PRId64, r->session_id);
    if (r->ref_id) printf("  ref %" PRId64, r->ref_id);
    if (r->method[0]) printf("  %s", r->method);
    if (r->reason[0]) printf("  reason: %s", r->reason);
    putchar('\n');
    return 0;
}

int billing_cli_entries(struct store *st, const struct store_actor *who, int64_t patient,
                        enum cli_format fmt, struct kc_error *err)
{
    struct ent_ctx x = {fmt, json_array()};
    if (fmt == CLI_FORMAT_CSV)
        printf("id,kind,session_id,code,modifier,units,unit_cents,cents,ref_id,payer,method,"
               "reason,at,by_user\n");
    int rc = store_bill_entries(st, who, patient, NULL, NULL, ent_row, &x, err);
    if (!rc && fmt == CLI_FORMAT_JSON) billing_cli_print_json(x.arr);
    json_decref(x.arr);
    return rc;
}

struct plan_ctx {
    enum cli_format fmt;
    long today;
    int overdue_only;
    json_t *arr;
};

static int plan_row(void *ctx, const struct store_bill_plan_row *p)
{
    struct plan_ctx *x = ctx;
    int64_t rem[BILL_PLAN_MAX];
    int over[BILL_PLAN_MAX];
    int n_over = bill_plan_status(&p->plan, p->paid_cents, x->today, rem, over);
    if (x->overdue_only && !n_over) return 0;
    json_t *inst = json_array();
    for (int i = 0; i < p->plan.n; i++) {
        char due[16];
        course_date_format(p->plan.inst[i].due, due, sizeof due);
        const char *state = rem[i] == 0 ? "paid" : over[i] ? "overdue" : "due";
        if (x->fmt == CLI_FORMAT_CSV)
            printf("%" PRId64 ",%" PRId64 ",%d,%s,%" PRId64 ",%" PRId64 ",%s\n", p->id,
                   p->patient_id, i + 1, due, p->plan.inst[i].cents, rem[i], state);
        else if (x->fmt == CLI_FORMAT_TABLE) {
            char a[32], r[32];
            bill_cents_format(p->plan.inst[i].cents, a, sizeof a);
            bill_cents_format(rem[i], r, sizeof r);
            printf("plan %-4" PRId64 " patient %-5" PRId64 " #%-2d due %s %10s  owed %10s  %s\n",
                   p->id, p->patient_id, i + 1, due, a, r, state);
        }
        json_array_append_new(inst, json_pack("{s:i, s:s, s:I, s:I, s:s}", "n", i + 1, "due",
                                              due, "cents", (json_int_t)p->plan.inst[i].cents,
                                              "remaining_cents", (json_int_t)rem[i], "state",
                                              state));
    }
    json_array_append_new(x->arr, json_pack("{s:I, s:I, s:I, s:i, s:o}", "plan_id",
                                            (json_int_t)p->id, "patient_id",
                                            (json_int_t)p->patient_id, "paid_cents",
                                            (json_int_t)p->paid_cents, "overdue", n_over,
                                            "instalments", inst));
    return 0;
}

int billing_cli_plans(struct store *st, const struct store_actor *who, int64_t patient,
                      const char *today, int overdue_only, enum cli_format fmt,
                      struct kc_error *err)
{
    struct plan_ctx x = {fmt, 0, overdue_only, json_array()};
    int rc = billing_cli_today(today, &x.today, err);
    if (rc) return kc_error_prefix(err, "--today");
    if (fmt == CLI_FORMAT_CSV) printf("plan_id,patient_id,n,due,cents,remaining_cents,state\n");
    rc = store_bill_plans(st, who, patient, plan_row, &x, err);
    if (!rc && fmt == CLI_FORMAT_JSON) billing_cli_print_json(x.arr);
    json_decref(x.arr);
    return rc;
}
