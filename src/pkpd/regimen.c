/* regimen.c — doses as written by people ("iv 0.5mg/kg over 40min at 5min") and their expansion
 * into model inputs: bioavailability, lag, esketamine nasal devices, zero-order gut inputs. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/quantity.h"
#include "pkpd/engine.h"

#define MAX_WORDS 12
#define MAX_DOSE_TEXT 200

static int route_parse(const char *w, enum pk_route *out)
{
    for (int r = 0; r < PK_ROUTE_COUNT; r++)
        if (strcasecmp(w, pk_route_name((enum pk_route)r)) == 0) {
            *out = (enum pk_route)r;
            return 1;
        }
    return 0;
}

int pk_dose_parse(const char *text, struct pk_dose *out, struct kc_error *err)
{
    if (!text) return kc_error_set(err, KC_EINVAL, "empty dose");
    size_t len = strlen(text);
    if (len == 0 || len >= MAX_DOSE_TEXT)
        return kc_error_set(err, KC_EINVAL, "dose '%.40s': empty or longer than %d characters",
                            text, MAX_DOSE_TEXT - 1);
    char buf[MAX_DOSE_TEXT];
    memcpy(buf, text, len + 1);
    char *words[MAX_WORDS];
    int nw = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (nw == MAX_WORDS) return kc_error_set(err, KC_EINVAL, "dose '%s': too many words", text);
        words[nw++] = w;
    }
    struct pk_dose d = {0};
    if (nw < 2)
        return kc_error_set(err, KC_EINVAL,
                            "dose '%s': expected ROUTE AMOUNT [over DURATION] [at TIME]", text);
    if (!route_parse(words[0], &d.route))
        return kc_error_set(err, KC_EINVAL, "dose '%s': unknown route '%s' (iv, im, in, po, sl)",
                            text, words[0]);
    struct kc_quantity q;
    if (kc_quantity_parse(words[1], &q, err)) return kc_error_prefix(err, "dose '%s'", text);
    if (q.dim == KC_DIM_MASS) d.per_kg = 0;
    else if (q.dim == KC_DIM_MASS_PER_KG) d.per_kg = 1;
    else
        return kc_error_set(err, KC_EINVAL, "dose '%s': amount '%s' is %s; expected mg or mg/kg",
                            text, words[1], kc_dim_describe(q.dim));
    if (!(q.value > 0))
        return kc_error_set(err, KC_EINVAL, "dose '%s': amount must be above zero", text);
    d.amount = q.value;
    int seen_over = 0, seen_at = 0, seen_form = 0;
    for (int i = 2; i < nw; i++) {
        const char *w = words[i];
        if (strcasecmp(w, "hcl") == 0 || strcasecmp(w, "salt") == 0 || strcasecmp(w, "base") == 0) {
            if (seen_form++) return kc_error_set(err, KC_EINVAL, "dose '%s': '%s' repeated", text, w);
            d.salt = strcasecmp(w, "base") != 0;
            continue;
        }
        int is_over = strcasecmp(w, "over") == 0, is_at = strcasecmp(w, "at") == 0;
        if (!is_over && !is_at)
            return kc_error_set(err, KC_EINVAL,
                                "dose '%s': unexpected '%s' (expected over, at, hcl or base)", text, w);
        if ((is_over && seen_over++) || (is_at && seen_at++))
            return kc_error_set(err, KC_EINVAL, "dose '%s': '%s' given twice", text, w);
        if (i + 1 >= nw)
            return kc_error_set(err, KC_EINVAL, "dose '%s': '%s' needs a time (e.g. 40min)", text, w);
        double t;
        if (kc_quantity_parse_as(words[++i], KC_DIM_TIME, &t, err))
            return kc_error_prefix(err, "dose '%s': after '%s'", text, w);
        if (is_over) {
            if (!(t > 0))
                return kc_error_set(err, KC_EINVAL, "dose '%s': duration must be above zero", text);
            d.duration_min = t;
        } else {
            d.start_min = t;
        }
    }
    if (d.duration_min > 0 && d.route != PK_ROUTE_IV)
        return kc_error_set(err, KC_EINVAL,
                            "dose '%s': only iv doses run over a duration; %s doses are absorbed "
                            "as the model says", text, pk_route_name(d.route));
    *out = d;
    return KC_OK;
}

int pk_dose_amount_mg(const struct pk_dose *d, double weight_kg, double *mg_base,
                      struct kc_error *err)
{
    double mg = d->amount;
    if (d->per_kg) {
        if (!(weight_kg > 0))
            return kc_error_set(err, KC_EINVAL, "a dose in mg/kg needs the patient's weight (--weight)");
        mg *= weight_kg;
    }
    if (d->salt) mg *= PK_SALT_TO_BASE;
    *mg_base = mg;
    return KC_OK;
}

static int push(struct pk_input *in, size_t max, size_t *n, int port, double t0, double t1,
                double mg, struct kc_error *err)
{
    if (*n >= max)
        return kc_error_set(err, KC_ELIMIT, "regimen too long: more than %zu model inputs", max);
    in[*n] = (struct pk_input){port, t0, t1, mg};
    (*n)++;
    return KC_OK;
}

/* Fraction of what enters the Perez-Ruixo liver compartment that passes it: 1 - E, with the
 * well-stirred extraction E = Vh(kel + kmet) / (Qh + Vh(kel + kmet)) (pkpd.md s1b: E 0.722, so
 * an oral dose reaches the circulation as Fgut x (1 - E) = 17.8%; the paper says 18.6%). */
static double pr_hepatic_pass(const struct pk_pr_params *p)
{
    double k = p->vh * (p->kel + p->kmet);
    return p->qh / (p->qh + k);
}

/* Is the device at t (of a nasal dose) the first of its occasion?  Devices of one occasion are
 * those less than PK_NASAL_OCCASION_MIN after the previous device, whichever dose entry they
 * were written in: two "in 28mg" five minutes apart are devices 1 and 2 of one occasion, as
 * "in 56mg" is (Perez-Ruixo 2021: FRn for the first 28 mg device, x 0.62 for each later one;
 * the paper's 54%/51% F at 56/84 mg needs them grouped; clinical.md s11). */
static int first_device_of_occasion(const struct pk_indiv *ind, const struct pk_dose *doses,
                                    size_t n_doses, size_t self, long k_self, double t)
{
    const struct pk_pr_params *p = &ind->pr;
    for (size_t j = 0; j < n_doses; j++) {
        const struct pk_dose *o = &doses[j];
        double mg = 0.0;
        if (o->route != PK_ROUTE_IN || pk_dose_amount_mg(o, ind->weight_kg, &mg, NULL)) continue;
        long nd = lround(mg / p->device_mg);
        for (long k = 0; k < nd; k++) {
            double to = o->start_min + (double)k * p->device_gap_min;
            /* an earlier device (ties broken by entry, then device order) within the window */
            int earlier = to < t || (to == t && (j < self || (j == self && k < k_self)));
            if (earlier && t - to < PK_NASAL_OCCASION_MIN) return 0;
        }
    }
    return 1;
}

static int expand_esketamine_nasal(const struct pk_indiv *ind, const struct pk_dose *doses,
                                   size_t n_doses, size_t i, double mg, struct pk_input *in,
                                   size_t max, size_t *n, double *systemic, struct kc_error *err)
{
    const struct pk_pr_params *p = &ind->pr;
    const struct pk_dose *d = &doses[i];
    double devices = mg / p->device_mg;
    long nd = lround(devices);
    if (nd < 1 || fabs(devices - (double)nd) > 1e-6)
        return kc_error_set(err, KC_EINVAL,
                            "esketamine nasal doses come in %.0f mg devices: %.4g mg is not a "
                            "whole number of devices", p->device_mg, mg);
    double pass = pr_hepatic_pass(p);
    for (long k = 0; k < nd; k++) {
        double t = d->start_min + (double)k * p->device_gap_min;
        int first = first_device_of_occasion(ind, doses, n_doses, i, k, t);
        double frn = p->frn * (first ? 1.0 : p->frn_decrement);
        double nasal = frn * p->device_mg, swallowed = (1.0 - frn) * p->fgut * p->device_mg;
        int rc = push(in, max, n, PK__PR_PORT_NASAL, t, t, nasal, err);
        if (!rc) rc = push(in, max, n, PK__PR_PORT_SWALLOWED, t, t + p->dsw_min, swallowed, err);
        if (rc) return rc;
        /* the nasal part is absorbed into the circulation; the swallowed part passes the liver */
        *systemic += nasal + swallowed * pass;
    }
    return KC_OK;
}

static int supported_routes(const struct pk_indiv *ind, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int r = 0; r < PK_ROUTE_COUNT; r++)
        if (ind->routes[r].supported) {
            int k = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                             pk_route_name((enum pk_route)r));
            if (k < 0 || (size_t)k >= size - used) break;
            used += (size_t)k;
        }
    return 0;
}

int pk_regimen_expand(const struct pk_indiv *ind, const struct pk_dose *doses, size_t n_doses,
                      struct pk_input *inputs, size_t max, size_t *n_inputs, double *systemic_mg,
                      struct pk_notes *notes, struct kc_error *err)
{
    size_t n = 0;
    double systemic = 0.0;
    int pr = ind->model->structure == PK_STRUCT_PEREZ_RUIXO;
    for (size_t i = 0; i < n_doses; i++) {
        const struct pk_dose *d = &doses[i];
        const struct pk_route_info *ri = &ind->routes[d->route];
        if (!ri->supported) {
            char list[64];
            supported_routes(ind, list, sizeof list);
            return kc_error_set(err, KC_EUNSUPPORTED,
                                "model %s has no absorption data for route %s (it supports: %s)",
                                ind->model->id, pk_route_name(d->route), list);
        }
        double mg = 0.0;
        int rc = pk_dose_amount_mg(d, ind->weight_kg, &mg, err);
        if (rc) return rc;
        if (!(d->start_min >= 0) || !isfinite(d->start_min))
            return kc_error_set(err, KC_EINVAL, "dose %zu: start time must be 0 or later", i + 1);
        if (ri->assumed)
            pk_notes_add(notes, "absorption structure assumed for %s: %s", pk_route_name(d->route),
                         ri->source);
        if (d->route == PK_ROUTE_IV) {
            rc = push(inputs, max, &n, PK__PORT_CENTRAL, d->start_min, d->start_min + d->duration_min,
                      mg, err);
            systemic += mg;
        } else if (pr && d->route == PK_ROUTE_IN) {
            rc = expand_esketamine_nasal(ind, doses, n_doses, i, mg, inputs, max, &n, &systemic,
                                         err);
        } else if (pr && d->route == PK_ROUTE_PO) {
            double t0 = d->start_min;
            rc = push(inputs, max, &n, PK__PR_PORT_ORAL, t0, t0 + ind->pr.dpo_min,
                      ind->pr.fgut * mg, err);
            systemic += ind->pr.fgut * mg * pr_hepatic_pass(&ind->pr); /* after first pass */
        } else {
            double t0 = d->start_min + ri->lag_min;
            rc = push(inputs, max, &n, (int)d->route, t0, t0, ri->f * mg, err);
            systemic += ri->f * mg;
        }
        if (rc) return rc;
    }
    *n_inputs = n;
    if (systemic_mg) *systemic_mg = systemic;
    return KC_OK;
}
