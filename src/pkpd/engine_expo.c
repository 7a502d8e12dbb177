/* engine_expo.c — exponential-state stepping for mammillary models (Bailey & Shafer 1991;
 * STANPUMP's update).  Each input port carries one state per pole; outputs are sums of
 * partial-fraction coefficients times those states. */
#include <math.h>
#include <string.h>

#include "pkpd/engine.h"



struct poly_ctx {
    int n;
    double k21, k31;
};

/* Numerator polynomials of the central and peripheral amount responses at s. */
static double num_central(const struct poly_ctx *p, double s)
{
    double v = 1.0;
    if (p->n >= 2) v *= s + p->k21;
    if (p->n >= 3) v *= s + p->k31;
    return v;
}

/* Partial-fraction coefficient of pole i among the poles flagged in use[]. */
static double pf_coef(const double *pole, const int *use, int np, int i, double numer)
{
    double den = 1.0;
    for (int j = 0; j < np; j++)
        if (use[j] && j != i) den *= pole[j] - pole[i];
    return numer / den;
}

int pk__expo_build(const struct pk_indiv *ind, struct pk__expo *x, struct kc_error *err)
{
    memset(x, 0, sizeof *x);
    double lam[3];
    int n = pk_mammillary_lambdas(ind->n_cmt, ind->k10, ind->k12, ind->k13, ind->k21, ind->k31, lam);
    x->nlambda = n;
    x->cached_dt = -1.0;
    struct poly_ctx pc = {n, ind->k21, ind->k31};
    double ke0 = ind->ke0_per_min, v1 = ind->v1_l;

    for (int port = 0; port < PK__MAX_PORTS; port++) {
        int depot = port != PK__PORT_CENTRAL;
        double ka = depot ? ind->routes[port].ka_per_min : 0.0;
        if (depot && !(ind->routes[port].supported && ka > 0)) continue;
        double *pole = x->pole[port];
        int np = 0;
        for (int i = 0; i < n; i++) pole[np++] = lam[i];
        int i_ke0 = np;
        pole[np++] = ke0;
        int i_ka = depot ? np : -1;
        if (depot) pole[np++] = ka;
        x->npole[port] = np;

        for (int i = 0; i < np; i++)
            for (int j = i + 1; j < np; j++) {
                double sep = fabs(pole[i] - pole[j]) / fmax(pole[i], pole[j]);
                if (!(sep >= PK__POLE_SEPARATION))
                    return kc_error_set(err, KC_ENUMERIC,
                                        "poles %.6g and %.6g /min nearly coincide (ka or ke0 equal "
                                        "to a disposition eigenvalue)", pole[i], pole[j]);
            }

        int use_disp[PK__MAX_POLES] = {0}, use_ce[PK__MAX_POLES] = {0};
        for (int i = 0; i < n; i++) use_disp[i] = use_ce[i] = 1;
        use_ce[i_ke0] = 1;
        if (depot) use_disp[i_ka] = use_ce[i_ka] = 1;
        double gain = depot ? ka : 1.0; /* depot -> central transfer ka/(s+ka) */
        for (int i = 0; i < np; i++) {
            double s = -pole[i];
            if (use_disp[i]) {
                x->c[PK__OUT_C][port][i] = pf_coef(pole, use_disp, np, i, gain * num_central(&pc, s));
                if (n >= 2)
                    x->c[PK__OUT_P2][port][i] =
                        pf_coef(pole, use_disp, np, i, gain * ind->k12 * (n >= 3 ? s + ind->k31 : 1.0));
                if (n >= 3)
                    x->c[PK__OUT_P3][port][i] =
                        pf_coef(pole, use_disp, np, i, gain * ind->k13 * (s + ind->k21));
            }
            x->c[PK__OUT_CE][port][i] =
                pf_coef(pole, use_ce, np, i, gain * ke0 / v1 * num_central(&pc, s));
        }
        if (depot) x->c[PK__OUT_D][port][i_ka] = 1.0;
    }
    return KC_OK;
}

/* (x - (1 - e^-x)) / x^2 without cancellation for small x. */
static double phi2(double x)
{
    if (x < 1e-2) return 0.5 - x / 6 + x * x / 24 - x * x * x / 120 + x * x * x * x / 720;
    return (x + expm1(-x)) / (x * x);
}

static void expo_cache(struct pk__expo *x, double dt)
{
    for (int port = 0; port < PK__MAX_PORTS; port++)
        for (int i = 0; i < x->npole[port]; i++) {
            double p = x->pole[port][i], xd = p * dt;
            double one_minus = -expm1(-xd);
            x->decay[port][i] = 1.0 - one_minus;
            x->gain[port][i] = one_minus / p;          /* rate -> state over dt */
            x->igain0[port][i] = one_minus / p;        /* integral of m0 e^{-pt} */
            x->igainr[port][i] = dt * dt * phi2(xd);   /* integral of rate response */
        }
    x->cached_dt = dt;
}

/* State layout: v[port*PK__MAX_POLES + i] modal states; v[PK__STATE_LEN-1] integral of the
 * central amount (mg.min), which gives AUC and the amount eliminated. */
#define IDX(port, i) ((port) * PK__MAX_POLES + (i))
#define INT_C (PK__STATE_LEN - 1)

void pk__expo_advance(struct pk__expo *x, struct pk__state *s, const double *rate, double dt)
{
    if (dt != x->cached_dt) expo_cache(x, dt);
    double integral = 0.0;
    for (int port = 0; port < PK__MAX_PORTS; port++) {
        double r = rate ? rate[port] : 0.0;
        for (int i = 0; i < x->npole[port]; i++) {
            double m = s->v[IDX(port, i)];
            double im = m * x->igain0[port][i] + r * x->igainr[port][i];
            integral += x->c[PK__OUT_C][port][i] * im;
            s->v[IDX(port, i)] = m * x->decay[port][i] + r * x->gain[port][i];
        }
    }
    s->v[INT_C] += integral;
}

void pk__expo_bolus(const struct pk__expo *x, struct pk__state *s, int port, double mg)
{
    for (int i = 0; i < x->npole[port]; i++) s->v[IDX(port, i)] += mg;
}

double pk__expo_out(const struct pk__expo *x, const struct pk__state *s, int out)
{
    double sum = 0.0;
    for (int port = 0; port < PK__MAX_PORTS; port++)
        for (int i = 0; i < x->npole[port]; i++) sum += x->c[out][port][i] * s->v[IDX(port, i)];
    return sum;
}

double pk__expo_integral(const struct pk__state *s)
{
    return s->v[INT_C];
}
