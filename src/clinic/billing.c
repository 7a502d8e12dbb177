/* billing.c — charges derived from a session (CPT infusion time rule, esketamine G-codes by dose,
 * Medicare KX) and the payer checks made before booking.  Codes and prices: billing_table.c. */
#include <string.h>

#include "clinic/billing.h"
#include "clinic/course.h"

static const char *const payer_names[BILL_PAYER_KIND_COUNT] = {"self-pay", "commercial",
                                                               "medicare"};
static const char *const service_names[BILL_SVC_COUNT] = {"iv", "im", "esketamine", "consult",
                                                          "followup"};

const char *bill_payer_kind_name(enum bill_payer_kind k)
{
    return (unsigned)k < BILL_PAYER_KIND_COUNT ? payer_names[k] : "?";
}

int bill_payer_kind_parse(const char *name, enum bill_payer_kind *out, struct kc_error *err)
{
    for (int i = 0; name && i < BILL_PAYER_KIND_COUNT; i++)
        if (strcmp(name, payer_names[i]) == 0) {
            *out = (enum bill_payer_kind)i;
            return KC_OK;
        }
    return kc_error_set(err, KC_EINVAL, "payer '%s': expected self-pay, commercial or medicare",
                        name ? name : "(none)");
}

const char *bill_service_name(enum bill_service s)
{
    return (unsigned)s < BILL_SVC_COUNT ? service_names[s] : "?";
}

int bill_service_parse(const char *name, enum bill_service *out, struct kc_error *err)
{
    for (int i = 0; name && i < BILL_SVC_COUNT; i++)
        if (strcmp(name, service_names[i]) == 0) {
            *out = (enum bill_service)i;
            return KC_OK;
        }
    return kc_error_set(err, KC_EINVAL, "service '%s': expected iv, im, esketamine, consult or "
                        "followup", name ? name : "(none)");
}

int bill_payer_check_booking(const struct bill_payer *p, long day, struct kc_error *err)
{
    if (p->kind != BILL_COMMERCIAL) return KC_OK;
    char d[16];
    course_date_format(day, d, sizeof d);
    if (!p->prior_auth || !*p->prior_auth)
        return kc_error_set(err, KC_EDENIED, "payer %s: no prior-authorisation number on file; "
                            "record it before booking", p->name ? p->name : "(commercial)");
    if (p->prior_auth_expires <= 0)
        return kc_error_set(err, KC_EDENIED, "payer %s: prior authorisation %s has no expiry "
                            "date on file", p->name ? p->name : "(commercial)", p->prior_auth);
    if (day > p->prior_auth_expires) {
        char e[16];
        course_date_format(p->prior_auth_expires, e, sizeof e);
        return kc_error_set(err, KC_EDENIED, "payer %s: prior authorisation %s expired on %s, "
                            "before the session on %s; renew it before booking",
                            p->name ? p->name : "(commercial)", p->prior_auth, e, d);
    }
    return KC_OK;
}

int bill_iv_time_units(int64_t minutes, const char **first_code, int *add_units,
                       struct kc_error *err)
{
    if (minutes <= 0 || minutes > 24 * 60)
        return kc_error_set(err, KC_EINVAL, "infusion time %lld min: must be 1..1440",
                            (long long)minutes);
    if (minutes <= 15) { /* AMA CPT: an infusion of 15 min or less is reported as a push */
        *first_code = "96374";
        *add_units = 0;
        return KC_OK;
    }
    *first_code = "96365";
    int units = 0;
    if (minutes > 60) {
        int64_t beyond = minutes - 60;
        /* each full hour beyond the first is a unit; a partial hour counts when > 30 min */
        units = (int)(beyond / 60) + (beyond % 60 > 30 ? 1 : 0);
    }
    *add_units = units;
    return KC_OK;
}

static int add_line(struct bill_charges *c, const struct bill_schedule *s, const char *code,
                    const char *mod, int units)
{
    struct bill_line *l = &c->line[c->n++];
    memset(l, 0, sizeof *l);
    memcpy(l->code, code, strlen(code) + 1);
    if (mod) memcpy(l->modifier, mod, strlen(mod) + 1);
    l->units = units;
    l->unit_cents = bill_schedule_price(s, code);
    l->cents = l->unit_cents * units;
    c->total_cents += l->cents;
    return KC_OK;
}

static int esketamine_lines(const struct bill_session_facts *f, const struct bill_payer *p,
                            const struct bill_schedule *s, struct bill_charges *c,
                            struct kc_error *err)
{
    if (f->esketamine_ug <= 0)
        return kc_error_set(err, KC_EINVAL, "esketamine session: no esketamine dose recorded");
    if (p->kind == BILL_MEDICARE && !f->rems_enrolled)
        return kc_error_set(err, KC_EDENIED, "Medicare esketamine: the patient is not enrolled "
                            "in the SPRAVATO REMS, so KX cannot be billed");
    if (p->kind == BILL_COMMERCIAL && p->esk_unbundled) {
        /* payer wants E/M + drug per mg; J0013 replaced S0013 on 2026-01-01 */
        const struct bill_code *j = bill_code_find("J0013");
        const char *drug = bill_code_valid_on(j, f->day) ? "J0013" : "S0013";
        int64_t mg = (f->esketamine_ug + 999) / 1000;
        add_line(c, s, "99213", NULL, 1);
        add_line(c, s, drug, NULL, (int)mg);
        return KC_OK;
    }
    /* CGS: G2082 up to 56 mg, G2083 above 56 mg (84 mg = 3 devices) */
    const char *g = f->esketamine_ug <= 56000 ? "G2082" : "G2083";
    add_line(c, s, g, p->kind == BILL_MEDICARE ? "KX" : NULL, 1);
    return KC_OK;
}

int bill_charges_for_session(const struct bill_session_facts *f, const struct bill_payer *p,
                             const struct bill_schedule *s, struct bill_charges *out,
                             struct kc_error *err)
{
    struct bill_charges c;
    memset(&c, 0, sizeof c);
    int rc = KC_OK;
    if (f->esketamine_ug > 1000000)
        return kc_error_set(err, KC_ERANGE, "esketamine dose %lld ug is not a session dose",
                            (long long)f->esketamine_ug);
    switch (f->service) {
    case BILL_SVC_IV: {
        if (f->infusion_s <= 0)
            return kc_error_set(err, KC_EINVAL, "IV session: no infusion start and end time in "
                                "the dose record");
        const char *first = NULL;
        int add = 0;
        if ((rc = bill_iv_time_units(f->infusion_s / 60, &first, &add, err))) return rc;
        add_line(&c, s, first, NULL, 1);
        if (add) add_line(&c, s, "96366", NULL, add);
        add_line(&c, s, "J3490", NULL, 1);
        break;
    }
    case BILL_SVC_IM:
        add_line(&c, s, "96372", NULL, 1);
        add_line(&c, s, "J3490", NULL, 1);
        break;
    case BILL_SVC_ESKETAMINE:
        if ((rc = esketamine_lines(f, p, s, &c, err))) return rc;
        break;
    case BILL_SVC_CONSULT:
        add_line(&c, s, "99204", NULL, 1);
        break;
    case BILL_SVC_FOLLOWUP:
        add_line(&c, s, "99213", NULL, 1);
        break;
    default:
        return kc_error_set(err, KC_EINVAL, "unknown service %d", (int)f->service);
    }
    *out = c;
    return KC_OK;
}
