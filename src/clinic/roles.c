/* roles.c — the role matrix as a table (see roles.h for the rules it encodes). */
#include <string.h>

#include "clinic/roles.h"

#define R KC_ACT_READ
#define W KC_ACT_WRITE
#define S KC_ACT_SIGN

/* Rows: roles; columns: resources in enum order. */
static const unsigned matrix[KC_ROLE_COUNT][KC_RES_COUNT] = {
    /*               patient clinical session dose  vitals scales sched billing ledger audit users pk */
    [KC_ROLE_ADMIN] = {R | W, R,      R,      R,    R,     R,     R | W, R | W, R,     R,    R | W, R},
    [KC_ROLE_PRESCRIBER] = {R | W, R | W | S, R | W | S, R | W | S, R | W, R | W, R | W, R, R | W, 0, 0, R},
    [KC_ROLE_NURSE] = {R | W, R,  R | W,  R | W, R | W, R | W, R | W, R,   R | W, 0,    0,    R},
    [KC_ROLE_FRONT_DESK] = {R | W, 0, 0,  0,    0,     0,     R | W, R | W, 0,     0,    0,    0},
    [KC_ROLE_AUDITOR] = {R,     R,      R,      R,    R,     R,     R,     R,     R,     R,    R,    0},
};

static const char *role_names[KC_ROLE_COUNT] = {"admin", "prescriber", "nurse", "front-desk",
                                                "auditor"};
static const char *res_names[KC_RES_COUNT] = {"patient", "clinical", "session", "dose",
                                              "vitals",  "scales",   "schedule", "billing",
                                              "ledger",  "audit",    "users",   "pk"};

int roles_parse(const char *name)
{
    for (int i = 0; name && i < KC_ROLE_COUNT; i++)
        if (strcmp(name, role_names[i]) == 0) return i;
    return -1;
}

const char *roles_name(enum kc_role role)
{
    return ((int)role >= 0 && role < KC_ROLE_COUNT) ? role_names[role] : "unknown";
}

const char *roles_resource_name(enum kc_resource res)
{
    return ((int)res >= 0 && res < KC_RES_COUNT) ? res_names[res] : "unknown";
}

unsigned roles_mask(int role, int res)
{
    if (role < 0 || role >= KC_ROLE_COUNT || res < 0 || res >= KC_RES_COUNT) return 0;
    return matrix[role][res];
}

int roles_allowed(int role, int res, int action)
{
    return action != 0 && (roles_mask(role, res) & (unsigned)action) == (unsigned)action;
}
