/* ledger.c — rules of the controlled-substance ledger (see ledger.h): what each event must carry
 * and how it moves the perpetual balance.  Integer micrograms throughout. */
#include "clinic/ledger.h"

#include <string.h>

static const char *const kind_names[LEDGER_KIND_COUNT] = {
    "receipt", "administer", "waste", "transfer", "adjust", "count",
};

const char *ledger_kind_name(enum ledger_kind kind)
{
    return ((unsigned)kind < LEDGER_KIND_COUNT) ? kind_names[kind] : "?";
}

int ledger_kind_parse(const char *name, enum ledger_kind *out, struct kc_error *err)
{
    for (int k = 0; k < LEDGER_KIND_COUNT; k++)
        if (name && strcmp(name, kind_names[k]) == 0) {
            *out = (enum ledger_kind)k;
            return KC_OK;
        }
    return kc_error_set(err, KC_EINVAL,
                        "ledger kind '%s': expected receipt, administer, waste, transfer, adjust "
                        "or count", name ? name : "");
}

/* Ketamine and its S-enantiomer esketamine are Schedule III non-narcotic substances:
 * 21 CFR 1308.13(c) (ketamine, added 1999, 64 FR 37673; esketamine as its isomer).  Other
 * controlled drugs a clinic might hold (e.g. midazolam, CIV) are outside this ledger for now. */
int ledger_drug_known(const char *drug)
{
    return drug && (strcmp(drug, "ketamine") == 0 || strcmp(drug, "esketamine") == 0);
}

static int blank(const char *s)
{
    return !s || !*s;
}

static int need(const char *value, const char *field, const char *kind, struct kc_error *err)
{
    if (!blank(value)) return KC_OK;
    return kc_error_set(err, KC_EINVAL, "ledger %s: %s is required", kind, field);
}

int ledger_check(const struct ledger_event *ev, int64_t balance_ug, int64_t to_balance_ug,
                 struct ledger_effect *out, struct kc_error *err)
{
    struct ledger_effect e = {0};
    const char *kn = ledger_kind_name(ev->kind);
    int rc;
    if ((unsigned)ev->kind >= LEDGER_KIND_COUNT)
        return kc_error_set(err, KC_EINVAL, "ledger: unknown event kind %d", (int)ev->kind);
    if (!ledger_drug_known(ev->drug))
        return kc_error_set(err, KC_EINVAL, "ledger %s: drug '%s' is not kept in this ledger "
                            "(ketamine, esketamine)", kn, ev->drug ? ev->drug : "");
    if ((rc = need(ev->lot, "lot", kn, err)) || (rc = need(ev->location, "location", kn, err)) ||
        (rc = need(ev->user, "user", kn, err)))
        return rc;
    if (balance_ug < 0 || to_balance_ug < 0)
        return kc_error_set(err, KC_ERANGE, "ledger %s: stored balance is negative", kn);
    int64_t q = ev->qty_ug;
    if (ev->kind == LEDGER_ADJUST) {
        if (q == 0) return kc_error_set(err, KC_EINVAL, "ledger adjust: quantity must not be 0");
        if (q > LEDGER_QTY_MAX_UG || q < -LEDGER_QTY_MAX_UG)
            return kc_error_set(err, KC_ERANGE, "ledger adjust: quantity %lld ug is beyond "
                                "+/-%lld ug", (long long)q, (long long)LEDGER_QTY_MAX_UG);
    } else if (ev->kind == LEDGER_COUNT) {
        if (q < 0 || q > LEDGER_QTY_MAX_UG)
            return kc_error_set(err, KC_ERANGE, "ledger count: counted amount %lld ug must be "
                                "0..%lld ug", (long long)q, (long long)LEDGER_QTY_MAX_UG);
    } else if (q <= 0 || q > LEDGER_QTY_MAX_UG) {
        return kc_error_set(err, KC_ERANGE, "ledger %s: quantity %lld ug must be 1..%lld ug", kn,
                            (long long)q, (long long)LEDGER_QTY_MAX_UG);
    }

    switch (ev->kind) {
    case LEDGER_RECEIPT: /* 21 CFR 1304.21(d)/1304.22: supplier named on each receipt */
        if ((rc = need(ev->supplier, "supplier", kn, err))) return rc;
        e.delta_ug = q;
        break;
    case LEDGER_ADMINISTER: /* 1304.22(c): each administration, tied to the patient's record */
        if (ev->dose_id <= 0)
            return kc_error_set(err, KC_EINVAL, "ledger administer: dose_id (the dose record) "
                                "is required");
        e.delta_ug = -q;
        break;
    case LEDGER_WASTE: /* two-person witness: state/institutional norm (clinical.md §6, S/?) */
        if ((rc = need(ev->witness, "witness", kn, err))) return rc;
        if (strcmp(ev->witness, ev->user) == 0)
            return kc_error_set(err, KC_EINVAL, "ledger waste: witness must be a second staff "
                                "member, not '%s' who wasted it", ev->user);
        e.delta_ug = -q;
        break;
    case LEDGER_TRANSFER:
        if ((rc = need(ev->to_location, "to_location", kn, err))) return rc;
        if (strcmp(ev->to_location, ev->location) == 0)
            return kc_error_set(err, KC_EINVAL, "ledger transfer: to_location is the same as "
                                "location '%s'", ev->location);
        e.delta_ug = -q;
        e.to_delta_ug = q;
        break;
    case LEDGER_ADJUST:
        if ((rc = need(ev->reason, "reason", kn, err))) return rc;
        e.delta_ug = q;
        break;
    case LEDGER_COUNT:
        e.discrepancy = (q != balance_ug);
        e.discrepancy_ug = q - balance_ug;
        break;
    default: break;
    }
    e.balance_after_ug = balance_ug + e.delta_ug;
    e.to_balance_after_ug = to_balance_ug + e.to_delta_ug;
    if (e.balance_after_ug < 0)
        return kc_error_set(err, KC_ERANGE, "ledger %s: %lld ug of %s lot %s at %s would leave "
                            "%lld ug (balance is %lld ug); balances never go negative", kn,
                            (long long)(e.delta_ug < 0 ? -e.delta_ug : e.delta_ug), ev->drug,
                            ev->lot, ev->location, (long long)e.balance_after_ug,
                            (long long)balance_ug);
    if (e.balance_after_ug > LEDGER_QTY_MAX_UG || e.to_balance_after_ug > LEDGER_QTY_MAX_UG)
        return kc_error_set(err, KC_ERANGE, "ledger %s: balance would exceed %lld ug", kn,
                            (long long)LEDGER_QTY_MAX_UG);
    *out = e;
    return KC_OK;
}
