/* pop_fast.c — the IV fast path of population runs (see pop_fast.h): POP_LANES patients step
 * together, two lanes per SSE2 vector, so that the patients' multiply-add chains overlap instead
 * of each waiting on its own latency. */
#include <math.h>
#include <string.h>

#include "pkpd/pop_fast.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if POP_LANES % 2
#error "POP_LANES must be even: two lanes per vector"
#endif
#define NV (POP_LANES / 2)
#define NP POP_FAST_POLES

typedef double v2 __attribute__((vector_size(16)));

static inline v2 load2(const double *p)
{
    v2 v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void store2(double *p, v2 v)
{
    memcpy(p, &v, sizeof v);
}
/* a > b ? a : b in each lane: the scalar code's rule (maxpd's), so a NaN in a is never taken */
static inline v2 max2(v2 a, v2 b)
{
#if defined(__SSE2__)
    return (v2)_mm_max_pd((__m128d)a, (__m128d)b);
#else
    v2 r;
    for (int e = 0; e < 2; e++) r[e] = a[e] > b[e] ? a[e] : b[e];
    return r;
#endif
}

int pop__fast_lane(const struct pk_indiv *ind, struct pop_fast *f, int p)
{
    double pole[NP];
    int n = pk_mammillary_lambdas(ind->n_cmt, ind->k10, ind->k12, ind->k13, ind->k21, ind->k31, pole);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (!(fabs(pole[i] - pole[j]) >= PK__POLE_SEPARATION * fmax(pole[i], pole[j]))) return -1;
    for (int i = 0; i < NP; i++)
        f->pole[i][p] = f->c[i][p] = f->d[i][p] = f->g[i][p] = f->d2[i][p] = f->g2[i][p] = 0.0;
    for (int i = 0; i < n; i++) {
        /* a_i = prod_m (k_m1 - l_i) / prod_(j != i) (l_j - l_i) (Bailey & Shafer 1991;
         * pkpd.md §3a), as the EXPO engine computes them for port 0 */
        double l = pole[i], num = 1.0, den = 1.0;
        if (n >= 2) num *= ind->k21 - l;
        if (n >= 3) num *= ind->k31 - l;
        for (int j = 0; j < n; j++)
            if (j != i) den *= pole[j] - l;
        double c = num / den;
        if (!(l > 0) || !isfinite(c)) return -1;
        double om = -expm1(-l * f->h), d = 1.0 - om, g = om / l;
        f->pole[i][p] = l, f->c[i][p] = c;
        f->d[i][p] = d, f->g[i][p] = g;
        f->d2[i][p] = d * d, f->g2[i][p] = g * (1.0 + d);
    }
    f->n[p] = n;
    return 0;
}

void pop__fast_broadcast(struct pop_fast *dst, const struct pop_fast *src, int p)
{
    dst->h = src->h;
    dst->uniform = src->uniform;
    for (int q = 0; q < POP_LANES; q++) {
        dst->n[q] = src->n[p];
        for (int i = 0; i < NP; i++) {
            dst->pole[i][q] = src->pole[i][p], dst->c[i][q] = src->c[i][p];
            dst->d[i][q] = src->d[i][p], dst->g[i][q] = src->g[i][p];
            dst->d2[i][q] = src->d2[i][p], dst->g2[i][q] = src->g2[i][p];
        }
    }
}

double pop__rates_from(const struct pk_input *in, size_t n, double t, double *rate)
{
    double next = INFINITY;
    memset(rate, 0, sizeof(double) * PK__MAX_PORTS);
    for (size_t k = 0; k < n; k++) {
        const struct pk_input *p = &in[k];
        if (p->t1_min > p->t0_min && p->t0_min <= t && t < p->t1_min)
            rate[p->port] += p->amount_mg / (p->t1_min - p->t0_min);
        if (p->t0_min > t && p->t0_min < next) next = p->t0_min;
        if (p->t1_min > t && p->t1_min < next) next = p->t1_min;
    }
    return next;
}

/* The lanes' state during a walk, in locals so that storing Cp cannot change it. */
struct lanes {
    v2 s[NP][NV];              /* pole states (mg) */
    double r[POP_LANES];       /* infusion rate into port 0 (mg/min) */
    v2 rg[NP][NV], rg2[NP][NV]; /* r g and r g2: the step's input terms */
};

/* Boluses at t, then the rates from t on; returns the next breakpoint (shared by the lanes). */
static inline __attribute__((always_inline)) double lanes_inputs(struct lanes *st, const struct pop_fast *f, const struct pk_input *const in[POP_LANES],
                           size_t n_in, double t)
{
    double next = INFINITY, rate[PK__MAX_PORTS], amount[POP_LANES];
    for (size_t k = 0; k < n_in; k++) {
        if (!(in[0][k].t1_min == in[0][k].t0_min && in[0][k].t0_min == t)) continue;
        for (int p = 0; p < POP_LANES; p++) amount[p] = in[p][k].amount_mg;
        _Pragma("GCC unroll 4")
        for (int i = 0; i < NP; i++)
            _Pragma("GCC unroll 4")
            for (int v = 0; v < NV; v++) st->s[i][v] += load2(amount + 2 * v);
    }
    for (int p = 0; p < POP_LANES; p++) {
        next = pop__rates_from(in[p], n_in, t, rate);
        st->r[p] = rate[0];
    }
    _Pragma("GCC unroll 4")
    for (int i = 0; i < NP; i++)
        _Pragma("GCC unroll 4")
        for (int v = 0; v < NV; v++) {
            st->rg[i][v] = load2(st->r + 2 * v) * load2(f->g[i] + 2 * v);
            st->rg2[i][v] = load2(st->r + 2 * v) * load2(f->g2[i] + 2 * v);
        }
    return next;
}

/* Amount entering port 0 over [0, t]. */
static double input_to(const struct pk_input *in, size_t n, double t)
{
    double sum = 0.0;
    for (size_t k = 0; k < n; k++) {
        const struct pk_input *p = &in[k];
        if (p->port != 0 || p->t0_min > t) continue;
        if (p->t1_min <= p->t0_min) sum += p->amount_mg;
        else sum += p->amount_mg * (fmin(t, p->t1_min) - p->t0_min) / (p->t1_min - p->t0_min);
    }
    return sum;
}

/* Cp of every lane from its states: sum_i c_i s_i, left to right. */
static inline v2 conc(const v2 c[NP][NV], const v2 s[NP][NV], int v)
{
    return c[0][v] * s[0][v] + c[1][v] * s[1][v] + c[2][v] * s[2][v];
}

/* Two grid steps at a time at a constant rate from output j (j > 0, outputs j and j + 1 before
 * the next breakpoint): both outputs from the same state, so each chain is one multiply-add per
 * two steps.  Goes on while the next two outputs are also before the breakpoint and none falls
 * on it; returns the last output written.  The state lives in locals here so that it stays in
 * registers. */
static inline __attribute__((always_inline)) size_t
double_steps(struct lanes *st, v2 mx_io[NV], const v2 d[NP][NV], const v2 d2[NP][NV], const v2 c[NP][NV],
             double *restrict cp, size_t j, const double *times, size_t n_times, double next)
{
    v2 s[NP][NV], mx[NV];
    memcpy(s, st->s, sizeof s);
    memcpy(mx, mx_io, sizeof mx);
    for (;;) {
        _Pragma("GCC unroll 4")
        for (int v = 0; v < NV; v++) {
            v2 a[NP];
            _Pragma("GCC unroll 4")
            for (int i = 0; i < NP; i++) {
                a[i] = s[i][v] * d[i][v] + st->rg[i][v];
                s[i][v] = s[i][v] * d2[i][v] + st->rg2[i][v];
            }
            v2 y = c[0][v] * a[0] + c[1][v] * a[1] + c[2][v] * a[2], y2 = conc(c, s, v);
            store2(cp + j * POP_LANES + 2 * v, y);
            store2(cp + (j + 1) * POP_LANES + 2 * v, y2);
            mx[v] = max2(y, mx[v]);
            mx[v] = max2(y2, mx[v]);
        }
        j++;
        if (times[j] == next || !(j + 2 < n_times && next >= times[j + 2])) break;
        j++;
    }
    memcpy(st->s, s, sizeof s);
    memcpy(mx_io, mx, sizeof mx);
    return j;
}

void pop__fast_walk(const struct pop_fast *f, const struct pk_input *const in[POP_LANES], size_t n_in,
                    const double *times, size_t n_times, const double *scale, double *restrict cp,
                    double *cmax, double *auc)
{
    struct lanes st;
    v2 d[NP][NV], d2[NP][NV], c[NP][NV], mx[NV];
    double t = 0.0;
    _Pragma("GCC unroll 4")
    for (int v = 0; v < NV; v++) {
        mx[v] = (v2){-INFINITY, -INFINITY};
        _Pragma("GCC unroll 4")
        for (int i = 0; i < NP; i++) {
            st.s[i][v] = (v2){0.0, 0.0};
            d[i][v] = load2(f->d[i] + 2 * v), d2[i][v] = load2(f->d2[i] + 2 * v);
            c[i][v] = load2(f->c[i] + 2 * v) * load2(scale + 2 * v);
        }
    }
    double next = lanes_inputs(&st, f, in, n_in, 0.0);
    for (size_t j = 0; j < n_times; j++) {
        double tj = times[j];
        if (f->uniform && j > 0 && j + 1 < n_times && next >= times[j + 1]) {
            j = double_steps(&st, mx, d, d2, c, cp, j, times, n_times, next);
            t = times[j];
            if (t == next) { /* inputs change at this output: it shows the state after them */
                next = lanes_inputs(&st, f, in, n_in, t);
                _Pragma("GCC unroll 4")
                for (int v = 0; v < NV; v++) {
                    v2 y = conc(c, st.s, v);
                    store2(cp + j * POP_LANES + 2 * v, y);
                    mx[v] = max2(y, mx[v]);
                }
            }
            continue;
        }
        if (next >= tj && (f->uniform ? j > 0 : tj > t && fabs(tj - t - f->h) <= 1e-12 * f->h)) {
            _Pragma("GCC unroll 4")
            for (int i = 0; i < NP; i++)
                _Pragma("GCC unroll 4")
                for (int v = 0; v < NV; v++) st.s[i][v] = st.s[i][v] * d[i][v] + st.rg[i][v];
            t = tj;
        } else {
            while (t < tj) { /* off the grid step: factors for this interval, lane by lane */
                double stop = next < tj ? next : tj, dd[NP][POP_LANES], gg[NP][POP_LANES];
                for (int p = 0; p < POP_LANES; p++)
                    _Pragma("GCC unroll 4")
                    for (int i = 0; i < NP; i++) {
                        if (i >= f->n[p]) {
                            dd[i][p] = gg[i][p] = 0.0;
                            continue;
                        }
                        double pl = f->pole[i][p], om = -expm1(-pl * (stop - t));
                        dd[i][p] = 1.0 - om;
                        gg[i][p] = om / pl;
                    }
                _Pragma("GCC unroll 4")
                for (int i = 0; i < NP; i++)
                    _Pragma("GCC unroll 4")
                    for (int v = 0; v < NV; v++)
                        st.s[i][v] = st.s[i][v] * load2(dd[i] + 2 * v) + load2(st.r + 2 * v) * load2(gg[i] + 2 * v);
                t = stop;
                if (t == next && t < tj) {
                    /* inputs change between outputs (an infusion ends, a bolus): Cp there counts
                     * for Cmax, which would otherwise be only the grid's */
                    next = lanes_inputs(&st, f, in, n_in, t);
                    _Pragma("GCC unroll 4")
                    for (int v = 0; v < NV; v++) mx[v] = max2(conc(c, st.s, v), mx[v]);
                } else if (t == next) {
                    next = lanes_inputs(&st, f, in, n_in, t);
                }
            }
        }
        if (t == next) next = lanes_inputs(&st, f, in, n_in, t); /* inputs change exactly here */
        _Pragma("GCC unroll 4")
        for (int v = 0; v < NV; v++) {
            v2 y = conc(c, st.s, v);
            store2(cp + j * POP_LANES + 2 * v, y);
            mx[v] = max2(y, mx[v]);
        }
    }
    /* AUC in closed form: each pole state obeys ds/dt = -p s + input, so its integral over
     * [0, T] is (input to T - s(T)) / p */
    const double T = times[n_times - 1];
    for (int p = 0; p < POP_LANES; p++) {
        double total = input_to(in[p], n_in, T), integral = 0.0;
        cmax[p] = mx[p / 2][p % 2];
        for (int i = 0; i < f->n[p]; i++) integral += f->c[i][p] * (total - st.s[i][p / 2][p % 2]) / f->pole[i][p];
        auc[p] = integral * scale[p] / 60.0;
    }
}
