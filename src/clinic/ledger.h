/* ledger.h — the rules of the controlled-substance ledger for ketamine and esketamine (Schedule
 * III in the US): which events exist, what each must carry, and how each moves the perpetual
 * balance of one lot at one storage location.  Pure: no I/O; the store records the events
 * (src/store/store_ledger.c) and calls ledger_check inside the recording transaction.
 * Amounts are integer micrograms (never floats), so every entry balances exactly.
 * Record-keeping rules: 21 CFR 1304.21/1304.22 (see docs/clinical-sources.md, clinical.md §6). */
#ifndef KC_CLINIC_LEDGER_H
#define KC_CLINIC_LEDGER_H

#include <stdint.h>

#include "base/error.h"

/* Largest single amount and largest balance accepted: 10 kg in micrograms, far above any clinic
 * stock, so a typo (e.g. grams for milligrams) is refused instead of overflowing. */
#define LEDGER_QTY_MAX_UG INT64_C(10000000000)

enum ledger_kind {
    LEDGER_RECEIPT,    /* stock received from a supplier: +qty at location */
    LEDGER_ADMINISTER, /* given to a patient, linked to the dose record: -qty */
    LEDGER_WASTE,      /* partial dose or broken vial destroyed, with a second staff witness: -qty */
    LEDGER_TRANSFER,   /* moved between storage locations: -qty at location, +qty at to_location */
    LEDGER_ADJUST,     /* correction with a reason: signed qty */
    LEDGER_COUNT,      /* periodic physical count: qty = amount counted; moves nothing */
    LEDGER_KIND_COUNT
};

/* One event as recorded by staff.  Strings are borrowed; NULL = not given. */
struct ledger_event {
    enum ledger_kind kind;
    const char *drug;        /* "ketamine" | "esketamine" */
    const char *lot;         /* manufacturer lot, required */
    const char *location;    /* storage location, required */
    const char *to_location; /* transfer only: where it went (different from location) */
    int64_t qty_ug;          /* > 0, except ADJUST (signed, != 0) and COUNT (>= 0, counted) */
    const char *supplier;    /* receipt: supplier name and DEA number, required */
    const char *user;        /* who did it (users.name), required */
    const char *witness;     /* waste: second staff member, required and != user */
    const char *reason;      /* adjust: required */
    int64_t dose_id;         /* administer: the dose record, required */
    int64_t patient_id;      /* administer: optional (the dose record names the patient) */
};

/* What an event does to the balances. */
struct ledger_effect {
    int64_t delta_ug;       /* change at location */
    int64_t to_delta_ug;    /* change at to_location (transfer), else 0 */
    int64_t balance_after_ug, to_balance_after_ug;
    int discrepancy;        /* count only: 1 when counted != balance */
    int64_t discrepancy_ug; /* counted - balance (the adjustment that would resolve it) */
};

/* Checks ev against the rules and the current balances (balance_ug of lot at location,
 * to_balance_ug at to_location; both >= 0) and fills *out.  KC_EINVAL names the missing or bad
 * field; KC_ERANGE when the movement would take a balance below zero or above
 * LEDGER_QTY_MAX_UG.  *out is untouched on error. */
int ledger_check(const struct ledger_event *ev, int64_t balance_ug, int64_t to_balance_ug,
                 struct ledger_effect *out, struct kc_error *err);

/* 1 for the drugs this ledger keeps (ketamine, esketamine: 21 CFR 1308.13(c)), else 0. */
int ledger_drug_known(const char *drug);

const char *ledger_kind_name(enum ledger_kind kind); /* "receipt", ...; "?" when out of range */
/* Parses a kind name; KC_EINVAL listing the names. */
int ledger_kind_parse(const char *name, enum ledger_kind *out, struct kc_error *err);

#endif
