/* pop_patient.c — one virtual patient of a population run: draws (covariates, etas, residuals)
 * from its own Philox streams, individual parameters, and the exact simulation on the output
 * grid.  IV regimens on mammillary models take a fast path: the exponential states of the
 * central port only, with the step's decay factors computed once per patient. */
#include <math.h>
#include <string.h>

#include "pkpd/engine.h"
#include "pkpd/pop_internal.h"
#include "pkpd/pop_rng.h"

void pop__scratch_grid(const struct pop_request *req, struct pop_scratch *w)
{
    w->h = req->n_times > 1 ? req->times_min[1] - req->times_min[0] : 1.0;
    w->uniform = req->n_times > 1 && req->times_min[0] == 0.0;
    for (size_t j = 1; j < req->n_times; j++)
        if (fabs(req->times_min[j] - req->times_min[j - 1] - w->h) > 1e-12 * w->h) w->uniform = 0;
}

static double draw(const struct pop_dist *d, struct pop_stream *s)
{
    switch (d->kind) {
    case POP_DIST_FIXED: return d->a;
    case POP_DIST_UNIFORM: return d->a + (d->b - d->a) * pop_stream_uniform(s);
    case POP_DIST_NORMAL:
        for (int k = 0; k < 64; k++) {
            double v = d->a + d->b * pop_stream_normal(s);
            if (v >= d->lo && v <= d->hi) return v;
        }
        return d->a < d->lo ? d->lo : d->a > d->hi ? d->hi : d->a;
    default: return NAN;
    }
}

void pop__covariates(const struct pop_request *req, long i, struct pk_covariates *cov)
{
    if (req->n_cov_rows) {
        *cov = req->cov_rows[(size_t)i % req->n_cov_rows];
        return;
    }
    struct pop_stream s;
    pop_stream_init(&s, req->seed, (uint64_t)i, POP_STREAM_COVARIATES);
    *cov = req->base;
    cov->weight_kg = draw(&req->weight_kg, &s);
    cov->age_y = draw(&req->age_y, &s);
}

/* The fast path: at most three disposition poles (padded with zeros), decay factors for the
 * grid step computed once per patient.  AUC needs no per-step work: each pole state obeys
 * ds/dt = -p s + input, so its integral over [0, T] is (input to T - s(T)) / p. */
#define FAST_POLES 3
struct fast {
    int n;
    double pole[FAST_POLES], c[FAST_POLES];
    double h, d[FAST_POLES], g[FAST_POLES];
    double d2[FAST_POLES], g2[FAST_POLES]; /* two steps: d^2 and g (1 + d) */
    int uniform; /* every output step is h */
};

/* Poles and central-amount coefficients of a unit IV bolus, a_i = prod_m (k_m1 - l_i) /
 * prod_(j != i) (l_j - l_i) (Bailey & Shafer 1991; pkpd.md §3a), as the EXPO engine computes them
 * for port 0.  -1 when two poles are closer than the engine's PK__POLE_SEPARATION: the
 * caller then uses the engine, which goes to the matrix exponential. */
static int fast_poles(const struct pk_indiv *ind, struct fast *f)
{
    memset(f, 0, sizeof *f);
    int n = pk_mammillary_lambdas(ind->n_cmt, ind->k10, ind->k12, ind->k13, ind->k21, ind->k31, f->pole);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (!(fabs(f->pole[i] - f->pole[j]) >= PK__POLE_SEPARATION * fmax(f->pole[i], f->pole[j]))) return -1;
    for (int i = 0; i < n; i++) {
        double l = f->pole[i], num = 1.0, den = 1.0;
        if (n >= 2) num *= ind->k21 - l;
        if (n >= 3) num *= ind->k31 - l;
        for (int j = 0; j < n; j++)
            if (j != i) den *= f->pole[j] - l;
        f->c[i] = num / den;
        if (!(l > 0) || !isfinite(f->c[i])) return -1;
    }
    f->n = n;
    return 0;
}

static void fast_coef(const struct fast *f, double dt, double *d, double *g)
{
    for (int i = 0; i < FAST_POLES; i++) {
        if (i >= f->n) {
            d[i] = g[i] = 0.0;
            continue;
        }
        double p = f->pole[i], om = -expm1(-p * dt);
        d[i] = 1.0 - om;
        g[i] = om / p;
    }
}

/* Rates on every port over [t, next breakpoint), and boluses exactly at t. */
static double rates_from(const struct pk_input *in, size_t n, double t, double *rate)
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

/* The walk over the output grid shared by both paths: advance(ctx, rate, dt), bolus(ctx, port,
 * mg), cp(ctx) are the engine's. */
struct walker {
    void *ctx;
    int (*advance)(void *ctx, const double *rate, double dt, struct kc_error *err);
    void (*bolus)(void *ctx, int port, double mg);
    double (*cp)(void *ctx);
};

static void boluses_at(const struct walker *w, const struct pk_input *in, size_t n, double t)
{
    for (size_t k = 0; k < n; k++)
        if (in[k].t1_min == in[k].t0_min && in[k].t0_min == t) w->bolus(w->ctx, in[k].port, in[k].amount_mg);
}

static int walk(const struct walker *w, const struct pk_input *in, size_t n_in, const double *times,
                size_t n_times, double *cp, double *cmax, struct kc_error *err)
{
    double rate[PK__MAX_PORTS], t = 0.0;
    boluses_at(w, in, n_in, 0.0);
    double next = rates_from(in, n_in, 0.0, rate);
    double mx = -INFINITY;
    for (size_t j = 0; j < n_times; j++) {
        double tj = times[j];
        while (next < tj) {
            int rc = w->advance(w->ctx, rate, next - t, err);
            if (rc) return rc;
            t = next;
            boluses_at(w, in, n_in, t);
            next = rates_from(in, n_in, t, rate);
        }
        if (tj > t) {
            int rc = w->advance(w->ctx, rate, tj - t, err);
            if (rc) return rc;
            t = tj;
            if (next == tj) {
                boluses_at(w, in, n_in, t);
                next = rates_from(in, n_in, t, rate);
            }
        }
        cp[j] = w->cp(w->ctx);
        if (cp[j] > mx) mx = cp[j];
    }
    *cmax = mx;
    return KC_OK;
}

static void fast_boluses(const struct pk_input *in, size_t n_in, double t, double *s)
{
    for (size_t k = 0; k < n_in; k++)
        if (in[k].t1_min == in[k].t0_min && in[k].t0_min == t)
            for (int i = 0; i < FAST_POLES; i++) s[i] += in[k].amount_mg;
}

/* The walk of walk() specialised for the fast path: the common step (no breakpoint inside, the
 * grid step) is three multiply-adds. */
static void fast_walk(const struct fast *f, const struct pk_input *in, size_t n_in, const double *times,
                      size_t n_times, double scale, double *cp, double *cmax, double *s)
{
    double rate[PK__MAX_PORTS], t = 0.0, d[FAST_POLES], g[FAST_POLES];
    fast_boluses(in, n_in, 0.0, s);
    double next = rates_from(in, n_in, 0.0, rate), r = rate[0], mx = -INFINITY;
    const double c0 = f->c[0] * scale, c1 = f->c[1] * scale, c2 = f->c[2] * scale;
    for (size_t j = 0; j < n_times; j++) {
        double tj = times[j];
        if (f->uniform && j > 0 && j + 1 < n_times && next >= times[j + 1]) {
            /* two grid steps at a constant rate: both outputs from the same state, so the
             * dependency chain (the loop's bound) is one multiply-add per two steps */
            double a0 = s[0] * f->d[0] + r * f->g[0], a1 = s[1] * f->d[1] + r * f->g[1];
            double a2 = s[2] * f->d[2] + r * f->g[2];
            s[0] = s[0] * f->d2[0] + r * f->g2[0];
            s[1] = s[1] * f->d2[1] + r * f->g2[1];
            s[2] = s[2] * f->d2[2] + r * f->g2[2];
            double v = c0 * a0 + c1 * a1 + c2 * a2, v2 = c0 * s[0] + c1 * s[1] + c2 * s[2];
            cp[j] = v;
            cp[j + 1] = v2;
            mx = v > mx ? v : mx;
            mx = v2 > mx ? v2 : mx;
            t = times[++j];
            if (t == next) {
                fast_boluses(in, n_in, t, s);
                next = rates_from(in, n_in, t, rate);
                r = rate[0];
                cp[j] = c0 * s[0] + c1 * s[1] + c2 * s[2];
                mx = cp[j] > mx ? cp[j] : mx;
            }
            continue;
        }
        if (next >= tj && (f->uniform ? j > 0 : tj > t && fabs(tj - t - f->h) <= 1e-12 * f->h)) {
            s[0] = s[0] * f->d[0] + r * f->g[0];
            s[1] = s[1] * f->d[1] + r * f->g[1];
            s[2] = s[2] * f->d[2] + r * f->g[2];
            t = tj;
        } else {
            while (t < tj) {
                double stop = next < tj ? next : tj;
                fast_coef(f, stop - t, d, g);
                for (int i = 0; i < FAST_POLES; i++) s[i] = s[i] * d[i] + r * g[i];
                t = stop;
                if (t == next) {
                    fast_boluses(in, n_in, t, s);
                    next = rates_from(in, n_in, t, rate);
                    r = rate[0];
                }
            }
        }
        if (t == next) { /* inputs change exactly at this output time */
            fast_boluses(in, n_in, t, s);
            next = rates_from(in, n_in, t, rate);
            r = rate[0];
        }
        double v = c0 * s[0] + c1 * s[1] + c2 * s[2];
        cp[j] = v;
        mx = v > mx ? v : mx;
    }
    *cmax = mx;
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

struct eng_ctx {
    struct pk__engine *e;
    struct pk__state s;
};
static int eng_advance(void *ctx, const double *rate, double dt, struct kc_error *err)
{
    struct eng_ctx *c = ctx;
    return pk__engine_advance(c->e, &c->s, rate, dt, err);
}
static void eng_bolus(void *ctx, int port, double mg)
{
    struct eng_ctx *c = ctx;
    pk__engine_bolus(c->e, &c->s, port, mg);
}
static double eng_cp(void *ctx)
{
    struct eng_ctx *c = ctx;
    return pk__engine_cp(c->e, &c->s);
}

int pop__simulate(const struct pop_request *req, struct pop_scratch *w, long i,
                  struct pk_indiv *ind_out, struct pk_covariates *cov_out, double *cp,
                  double *cmax, double *auc, struct kc_error *err)
{
    struct pk_covariates cov;
    pop__covariates(req, i, &cov);
    if (cov_out) *cov_out = cov;
    double eta[POP_MAX_ETA] = {0};
    if (req->n_eta > 0) {
        struct pop_stream s;
        double z[POP_MAX_ETA];
        pop_stream_init(&s, req->seed, (uint64_t)i, POP_STREAM_ETA);
        for (int k = 0; k < req->n_eta; k++) z[k] = pop_stream_normal(&s);
        for (int r = 0; r < req->n_eta; r++)
            for (int k = 0; k <= r; k++) eta[r] += w->chol[r * POP_MAX_ETA + k] * z[k];
    }
    struct pk_indiv ind;
    int rc = pk_individualize(req->model, &cov, eta, req->ke0_per_min, &ind, NULL, err);
    if (!rc) rc = pk_regimen_expand(&ind, req->doses, req->n_doses, w->inputs, PK_MAX_INPUTS,
                                    &w->n_inputs, NULL, NULL, err);
    if (rc) return kc_error_prefix(err, "patient %ld", i);
    if (ind_out) *ind_out = ind;

    int iv_only = 1;
    for (size_t k = 0; k < w->n_inputs; k++) iv_only &= w->inputs[k].port == PK__PORT_CENTRAL;
    struct pk_indiv iv = ind;
    if (ind.model->structure == PK_STRUCT_MAMMILLARY && iv_only)
        for (int r = 1; r < PK_ROUTE_COUNT; r++) iv.routes[r].supported = 0;

    struct fast f;
    double *out = cp ? cp : w->cp;
    if (ind.model->structure == PK_STRUCT_MAMMILLARY && iv_only && fast_poles(&ind, &f) == 0) {
        f.h = w->h;
        f.uniform = w->uniform;
        fast_coef(&f, f.h, f.d, f.g);
        for (int k = 0; k < FAST_POLES; k++) f.d2[k] = f.d[k] * f.d[k], f.g2[k] = f.g[k] * (1.0 + f.d[k]);
        double st[FAST_POLES] = {0, 0, 0}, scale = 1000.0 / ind.v1_l;
        fast_walk(&f, w->inputs, w->n_inputs, req->times_min, req->n_times, scale, out, cmax, st);
        double total = input_to(w->inputs, w->n_inputs, req->times_min[req->n_times - 1]), integral = 0.0;
        for (int k = 0; k < f.n; k++) integral += f.c[k] * (total - st[k]) / f.pole[k];
        *auc = integral * scale / 60.0;
    } else {
        struct eng_ctx ec;
        rc = pk__engine_init(&w->engine, &iv, PK_ENGINE_AUTO, err);
        if (rc) return kc_error_prefix(err, "patient %ld", i);
        ec.e = &w->engine;
        pk__engine_reset(ec.e, &ec.s);
        struct walker wk = {&ec, eng_advance, eng_bolus, eng_cp};
        rc = walk(&wk, w->inputs, w->n_inputs, req->times_min, req->n_times, out, cmax, err);
        if (rc) return kc_error_prefix(err, "patient %ld", i);
        struct pk_point p;
        pk__engine_read(ec.e, &ec.s, &p);
        *auc = p.auc_ng_min_per_ml / 60.0;
    }
    if (req->residual_sd > 0) {
        struct pop_stream s;
        pop_stream_init(&s, req->seed, (uint64_t)i, POP_STREAM_RESIDUAL);
        for (size_t j = 0; j < req->n_times; j++) out[j] *= exp(req->residual_sd * pop_stream_normal(&s));
    }
    return KC_OK;
}
