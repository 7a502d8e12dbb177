/* roles.h — who may do what: the one role matrix of the clinic (issue 7), read by the HTTP
 * server before any handler runs.  Pure data and a lookup; no I/O.
 * The matrix follows the least-privilege rule of the HIPAA Security Rule (45 CFR 164.308(a)(4),
 * minimum necessary 164.502(b)) as summarised in shared/reference/interop-security.md, and the
 * product decisions of issue 7: the front desk sees schedules and billing but not session notes;
 * only a prescriber signs a treatment plan or a dose above the protocol default; an auditor reads
 * the audit log and the ledger and writes nothing clinical. */
#ifndef KC_CLINIC_ROLES_H
#define KC_CLINIC_ROLES_H

enum kc_role { KC_ROLE_ADMIN, KC_ROLE_PRESCRIBER, KC_ROLE_NURSE, KC_ROLE_FRONT_DESK,
               KC_ROLE_AUDITOR, KC_ROLE_COUNT };

enum kc_resource {
    KC_RES_PATIENT,   /* demographics, contacts, weight history */
    KC_RES_CLINICAL,  /* diagnoses, medications, allergies, screening, treatment plans */
    KC_RES_SESSION,   /* session records and notes, side effects, discharge */
    KC_RES_DOSE,      /* dose administrations */
    KC_RES_VITALS,    /* vital-sign observations */
    KC_RES_SCALES,    /* rating-scale answers and scores */
    KC_RES_SCHEDULE,  /* appointments: who comes when, to which chair */
    KC_RES_BILLING,   /* charges, payments */
    KC_RES_LEDGER,    /* controlled-substance ledger */
    KC_RES_AUDIT,     /* the audit log */
    KC_RES_USERS,     /* staff accounts and API tokens */
    KC_RES_PK,        /* PK simulation (no patient data) */
    KC_RES_COUNT
};

enum kc_action { KC_ACT_READ = 1, KC_ACT_WRITE = 2, KC_ACT_SIGN = 4 };

/* "admin", "prescriber", "nurse", "front-desk", "auditor" <-> enum; -1 when unknown. */
int roles_parse(const char *name);
const char *roles_name(enum kc_role role);
const char *roles_resource_name(enum kc_resource res);

/* 1 when role may perform action on res, else 0 (unknown values: 0). */
int roles_allowed(int role, int res, int action);

/* The whole row for documentation and the admin UI: a bitmask of KC_ACT_*. */
unsigned roles_mask(int role, int res);

#endif
