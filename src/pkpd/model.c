/* model.c — individualisation of a model for one patient, derived constants, and ke0 search. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pkpd/model.h"

void pk_notes_add(struct pk_notes *notes, const char *fmt, ...)
{
    if (!notes || notes->n >= PK_MAX_NOTES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes->text[notes->n], PK_NOTE_LEN, fmt, ap);
    va_end(ap);
    for (int i = 0; i < notes->n; i++) /* the same remark once only */
        if (strcmp(notes->text[i], notes->text[notes->n]) == 0) return;
    notes->n++;
}

const char *pk_route_name(enum pk_route route)
{
    static const char *names[PK_ROUTE_COUNT] = {"iv", "im", "in", "po", "sl"};
    return ((int)route >= 0 && route < PK_ROUTE_COUNT) ? names[route] : "?";
}

const char *pk_site_name(enum pk_site site)
{
    switch (site) {
    case PK_SITE_ARTERIAL: return "arterial";
    case PK_SITE_VENOUS: return "venous";
    default: return "mixed";
    }
}

const char *pk_confidence_name(enum pk_confidence c)
{
    switch (c) {
    case PK_CONF_VERIFIED: return "verified";
    case PK_CONF_CODE: return "as coded in open tools";
    default: return "summary model";
    }
}

/* Perez-Ruixo random effects, in this order (nlmixr2lib ordering of Table 3's omegas). */
enum { PR_ETA_VC, PR_ETA_VP1, PR_ETA_QH, PR_ETA_VH, PR_ETA_KEL, PR_ETA_KMET, PR_ETA_KAN,
       PR_ETA_KASW, PR_ETA_KAPO, PR_ETA_FRN, PR_ETA_VCN, PR_ETA_CLN, PR_N_ETA };

int pk_model_n_eta(const struct pk_model *m)
{
    return m->structure == PK_STRUCT_PEREZ_RUIXO ? PR_N_ETA : 6;
}

/* Perez-Ruixo 2021 Table 3 IIV (as transcribed in nlmixr2lib), in PR_ETA_* order: CV for
 * log-normal parameters; kmet's estimate is blank in the paper (none here); FRn's 70.8 is an SD
 * on the logit scale. */
static const struct {
    const char *name;
    double cv_or_sd;
    int logit;
} pr_iiv[PR_N_ETA] = {
    [PR_ETA_VC] = {"Vc", 0.275, 0},     [PR_ETA_VP1] = {"Vp1", 0.493, 0},
    [PR_ETA_QH] = {"Qh", 0.232, 0},     [PR_ETA_VH] = {"Vh", 0.346, 0},
    [PR_ETA_KEL] = {"kel", 1.20, 0},    [PR_ETA_KMET] = {"kmet", 0.0, 0},
    [PR_ETA_KAN] = {"ka,n", 0.615, 0},  [PR_ETA_KASW] = {"ka,sw", 1.32, 0},
    [PR_ETA_KAPO] = {"ka,po", 1.32, 0}, [PR_ETA_FRN] = {"FRn", 0.708, 1},
    [PR_ETA_VCN] = {"Vcn/F", 0.316, 0}, [PR_ETA_CLN] = {"CLn/F", 0.254, 0},
};

int pk_model_eta(const struct pk_model *m, int i, struct pk_eta_info *out, struct kc_error *err)
{
    if (i < 0 || i >= pk_model_n_eta(m))
        return kc_error_set(err, KC_ERANGE, "model %s has no random effect %d", m->id, i);
    if (m->structure == PK_STRUCT_PEREZ_RUIXO) {
        double x = pr_iiv[i].cv_or_sd;
        out->name = pr_iiv[i].name;
        out->logit = pr_iiv[i].logit;
        out->variance = pr_iiv[i].logit ? x * x : log(1.0 + x * x);
        return KC_OK;
    }
    static const char *micro[6] = {"V1", "k10", "k12", "k13", "k21", "k31"};
    static const char *clear[6] = {"V1", "V2", "V3", "CL", "Q2", "Q3"};
    out->name = m->kind == PK_MICRO_PER_KG ? micro[i] : clear[i];
    out->logit = 0;
    out->variance = log(1.0 + m->omega_cv[i] * m->omega_cv[i]);
    return KC_OK;
}

static double eta_or_zero(const double *eta, int i)
{
    return eta ? eta[i] : 0.0;
}

static int check_covariates(const struct pk_model *m, const struct pk_covariates *cov,
                            struct pk_notes *notes, struct kc_error *err)
{
    if ((m->required & PK_COV_WEIGHT) && !(cov->weight_kg > 0))
        return kc_error_set(err, KC_EINVAL, "model %s needs the patient's weight (--weight)", m->id);
    if ((m->required & PK_COV_AGE) && !(cov->age_y >= 0))
        return kc_error_set(err, KC_EINVAL, "model %s needs the patient's age (--age)", m->id);
    if (cov->weight_kg > 0 && (cov->weight_kg < m->weight_min_kg || cov->weight_kg > m->weight_max_kg))
        pk_notes_add(notes, "warning: weight %.1f kg is outside %s's range %.0f-%.0f kg (%s)",
                     cov->weight_kg, m->id, m->weight_min_kg, m->weight_max_kg, m->range_source);
    if (cov->age_y >= 0 && (cov->age_y < m->age_min_y || cov->age_y > m->age_max_y))
        pk_notes_add(notes, "warning: age %.1f y is outside %s's range %.0f-%.0f y (%s)", cov->age_y,
                     m->id, m->age_min_y, m->age_max_y, m->range_source);
    return KC_OK;
}

static int individualize_mammillary(const struct pk_model *m, const struct pk_covariates *cov,
                                    const double *eta, struct pk_indiv *ind, struct kc_error *err)
{
    double p[6];
    for (int i = 0; i < 6; i++) p[i] = m->p[i] * exp(eta_or_zero(eta, i));
    double w = cov->weight_kg;
    ind->n_cmt = m->n_cmt;
    if (m->kind == PK_MICRO_PER_KG) {
        ind->v1_l = p[0] * w;
        ind->k10 = p[1];
        ind->k12 = p[2];
        ind->k13 = p[3];
        ind->k21 = p[4];
        ind->k31 = p[5];
    } else {
        double fv = pow(w / 70.0, m->vol_exp), fc = pow(w / 70.0, m->cl_exp);
        double v1 = p[0] * fv, v2 = p[1] * fv, v3 = p[2] * fv;
        ind->v1_l = v1;
        ind->k10 = p[3] * fc / v1;
        ind->k12 = m->n_cmt >= 2 ? p[4] * fc / v1 : 0.0;
        ind->k21 = m->n_cmt >= 2 ? p[4] * fc / v2 : 0.0;
        ind->k13 = m->n_cmt >= 3 ? p[5] * fc / v1 : 0.0;
        ind->k31 = m->n_cmt >= 3 ? p[5] * fc / v3 : 0.0;
    }
    double ks[6] = {ind->v1_l, ind->k10, ind->k12, ind->k13, ind->k21, ind->k31};
    for (int i = 0; i < 6; i++)
        if (!isfinite(ks[i]) || ks[i] < 0)
            return kc_error_set(err, KC_ENUMERIC, "model %s: parameter %d is not finite", m->id, i);
    if (!(ind->v1_l > 0) || !(ind->k10 > 0))
        return kc_error_set(err, KC_ENUMERIC, "model %s: V1 and k10 must be positive", m->id);
    return KC_OK;
}

/* Perez-Ruixo 2021 Table 3 (as transcribed in nlmixr2lib), converted from hours to minutes. */
static int individualize_pr(const struct pk_model *m, const struct pk_covariates *cov,
                            const double *eta, struct pk_indiv *ind, struct kc_error *err)
{
    struct pk_pr_params *pr = &ind->pr;
    const double h = 60.0;
    double age = cov->age_y;
    int asian = cov->asian || cov->japanese;
    pr->vc = 192.0 * exp(eta_or_zero(eta, PR_ETA_VC));
    pr->vp1 = 143.0 * exp(eta_or_zero(eta, PR_ETA_VP1));
    pr->vp2 = 417.0;
    pr->q1 = 84.3 / h;
    pr->q2 = 37.6 / h;
    /* Qh falls 2.19 L/h per year of age above 60. */
    double qh = 151.0 - 2.19 * (age > 60 ? age - 60 : 0.0);
    if (qh < 1.0) qh = 1.0;
    pr->qh = qh * exp(eta_or_zero(eta, PR_ETA_QH)) / h;
    pr->vh = 101.0 * exp(eta_or_zero(eta, PR_ETA_VH));
    pr->kel = 1.11 * exp(eta_or_zero(eta, PR_ETA_KEL)) * (asian ? 0.36 : 1.0) / h;
    pr->kmet = 2.77 * exp(eta_or_zero(eta, PR_ETA_KMET)) / h;
    pr->ka_n = 2.93 * exp(eta_or_zero(eta, PR_ETA_KAN)) / h;
    pr->ka_sw = 1.45 * exp(eta_or_zero(eta, PR_ETA_KASW)) / h;
    pr->ka_po = 0.97 * exp(eta_or_zero(eta, PR_ETA_KAPO)) / h;
    pr->dsw_min = 0.53 * h;
    pr->dpo_min = 0.32 * h;
    pr->fgut = 0.64;
    /* FRn: additive IIV on the logit scale, then x1.34 if Japanese (capped below 1). */
    double lg = log(0.54 / (1 - 0.54)) + eta_or_zero(eta, PR_ETA_FRN);
    double frn = 1.0 / (1.0 + exp(-lg));
    if (cov->japanese) frn *= 1.34;
    pr->frn = frn > 0.999 ? 0.999 : frn;
    pr->frn_decrement = 0.62;
    pr->device_mg = 28.0;     /* Spravato label: 28 mg per device (2 sprays) */
    pr->device_gap_min = 5.0; /* Spravato label: 5 minutes between devices */
    pr->vcn = 70.0 * exp(eta_or_zero(eta, PR_ETA_VCN));
    pr->cln = 38.0 * exp(eta_or_zero(eta, PR_ETA_CLN)) * (asian ? 0.81 : 1.0) / h;
    pr->vpn = 115.0;
    pr->q3 = 26.1 / h;
    /* The mammillary view used for display and derived values: central + two peripherals, with
     * the liver's net clearance Qh*E (well-stirred) as k10. */
    double clint = pr->vh * (pr->kel + pr->kmet);
    double e = clint / (pr->qh + clint);
    ind->n_cmt = 3;
    ind->v1_l = pr->vc;
    ind->k10 = pr->qh * e / pr->vc;
    ind->k12 = pr->q1 / pr->vc;
    ind->k21 = pr->q1 / pr->vp1;
    ind->k13 = pr->q2 / pr->vc;
    ind->k31 = pr->q2 / pr->vp2;
    if (!isfinite(ind->k10) || !(ind->k10 > 0))
        return kc_error_set(err, KC_ENUMERIC, "model %s: clearance is not positive", m->id);
    return KC_OK;
}

int pk_individualize(const struct pk_model *m, const struct pk_covariates *cov, const double *eta,
                     double ke0_override_per_min, struct pk_indiv *out, struct pk_notes *notes,
                     struct kc_error *err)
{
    int rc = check_covariates(m, cov, notes, err);
    if (rc) return rc;
    struct pk_indiv ind;
    memset(&ind, 0, sizeof ind);
    ind.model = m;
    ind.weight_kg = cov->weight_kg;
    memcpy(ind.routes, m->routes, sizeof ind.routes);
    ind.ke0_per_min = ke0_override_per_min > 0 ? ke0_override_per_min : m->ke0_per_min;
    ind.s_fraction = m->enantiomer == PK_RACEMIC ? 0.5 : 1.0;
    if (m->structure == PK_STRUCT_PEREZ_RUIXO) rc = individualize_pr(m, cov, eta, &ind, err);
    else rc = individualize_mammillary(m, cov, eta, &ind, err);
    if (rc) return rc;
    *out = ind;
    return KC_OK;
}

int pk_mammillary_lambdas(int n_cmt, double k10, double k12, double k13, double k21, double k31,
                          double lambda[3])
{
    lambda[0] = lambda[1] = lambda[2] = 0.0;
    if (n_cmt == 1) {
        lambda[0] = k10;
        return 1;
    }
    if (n_cmt == 2) {
        double b = k10 + k12 + k21, c = k10 * k21;
        double disc = sqrt(fmax(b * b - 4 * c, 0.0));
        lambda[0] = (b + disc) / 2;
        lambda[1] = c / lambda[0]; /* avoids cancellation in (b - disc)/2 */
        return 2;
    }
    /* Cubic  x^3 - a2 x^2 + a1 x - a0 = 0, trigonometric form (all roots real). */
    double a2 = k10 + k12 + k13 + k21 + k31;
    double a1 = k10 * k21 + k10 * k31 + k12 * k31 + k13 * k21 + k21 * k31;
    double a0 = k10 * k21 * k31;
    double p = a1 - a2 * a2 / 3.0;
    double q = 2 * a2 * a2 * a2 / 27.0 - a1 * a2 / 3.0 + a0;
    double r = sqrt(fmax(-p * p * p / 27.0, 0.0));
    double arg = r > 0 ? -q / (2 * r) : 0.0;
    if (arg > 1) arg = 1;
    if (arg < -1) arg = -1;
    double phi = acos(arg) / 3.0, r13 = cbrt(r);
    double l[3];
    for (int k = 0; k < 3; k++) l[k] = a2 / 3.0 - 2 * r13 * cos(phi + 2 * M_PI * k / 3.0);
    /* sort descending */
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (l[j] > l[i]) {
                double t = l[i];
                l[i] = l[j];
                l[j] = t;
            }
    /* Polish each root with two Newton steps on the cubic (the trig form loses digits for the
     * smallest root when the roots are widely spread). */
    for (int k = 0; k < 3; k++) {
        double x = l[k];
        for (int it = 0; it < 3; it++) {
            double f = ((x - a2) * x + a1) * x - a0, d = (3 * x - 2 * a2) * x + a1;
            if (d == 0) break;
            double nx = x - f / d;
            if (!isfinite(nx)) break;
            x = nx;
        }
        lambda[k] = x;
    }
    return 3;
}

int pk_derive(const struct pk_indiv *ind, struct pk_derived *out, struct kc_error *err)
{
    memset(out, 0, sizeof *out);
    double v1 = ind->v1_l;
    out->v[0] = v1;
    out->v[1] = ind->k21 > 0 ? v1 * ind->k12 / ind->k21 : 0.0;
    out->v[2] = ind->k31 > 0 ? v1 * ind->k13 / ind->k31 : 0.0;
    out->cl = v1 * ind->k10;
    out->q2 = v1 * ind->k12;
    out->q3 = v1 * ind->k13;
    out->vss = out->v[0] + out->v[1] + out->v[2];
    int n = pk_mammillary_lambdas(ind->n_cmt, ind->k10, ind->k12, ind->k13, ind->k21, ind->k31,
                                  out->lambda);
    for (int i = 0; i < n; i++) {
        double num = 1.0, den = 1.0;
        if (n >= 2) num *= ind->k21 - out->lambda[i];
        if (n >= 3) num *= ind->k31 - out->lambda[i];
        for (int j = 0; j < n; j++)
            if (j != i) den *= out->lambda[j] - out->lambda[i];
        if (den == 0) return kc_error_set(err, KC_ENUMERIC, "coincident eigenvalues");
        out->a_frac[i] = num / den;
        out->t_half_min[i] = log(2.0) / out->lambda[i];
    }
    return KC_OK;
}

/* Ce after a unit IV bolus, and its time derivative sign, for a given ke0. */
static double ce_unit_bolus(const struct pk_derived *d, int n, double ke0, double t, double *cp)
{
    double c = 0, e = 0, s4 = 0;
    for (int i = 0; i < n; i++) {
        double a = d->a_frac[i] / d->v[0];
        double ae = a * ke0 / (ke0 - d->lambda[i]);
        c += a * exp(-d->lambda[i] * t);
        e += ae * exp(-d->lambda[i] * t);
        s4 -= ae;
    }
    e += s4 * exp(-ke0 * t);
    *cp = c;
    return e;
}

static double tpeak_for_ke0(const struct pk_derived *d, int n, double ke0)
{
    /* dCe/dt = ke0 (Cp - Ce): positive before the peak, negative after. */
    double lo = 1e-6, hi = 1e4, cp;
    for (int it = 0; it < 200; it++) {
        double mid = sqrt(lo * hi);
        double ce = ce_unit_bolus(d, n, ke0, mid, &cp);
        if (cp > ce) lo = mid;
        else hi = mid;
        if (hi / lo < 1 + 1e-13) break;
    }
    return sqrt(lo * hi);
}

int pk_ke0_for_tpeak(const struct pk_indiv *ind, double t_peak_min, double *ke0_per_min,
                     struct kc_error *err)
{
    struct pk_derived d;
    int rc = pk_derive(ind, &d, err);
    if (rc) return rc;
    if (!(t_peak_min > 0)) return kc_error_set(err, KC_EINVAL, "t_peak must be positive");
    double lo = 1e-4, hi = 100.0; /* t_peak falls as ke0 rises */
    if (tpeak_for_ke0(&d, ind->n_cmt, lo) < t_peak_min || tpeak_for_ke0(&d, ind->n_cmt, hi) > t_peak_min)
        return kc_error_set(err, KC_ENUMERIC, "no ke0 in 1e-4..100 /min gives t_peak %.3g min",
                            t_peak_min);
    for (int it = 0; it < 200; it++) {
        double mid = sqrt(lo * hi);
        if (tpeak_for_ke0(&d, ind->n_cmt, mid) > t_peak_min) lo = mid;
        else hi = mid;
        if (hi / lo < 1 + 1e-12) break;
    }
    *ke0_per_min = sqrt(lo * hi);
    return KC_OK;
}
