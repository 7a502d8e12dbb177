/* pop_patient.c — one virtual patient of a population run: draws (covariates, etas, residuals)
 * from its own Philox streams, individual parameters, and the exact simulation on the output
 * grid.  IV regimens on mammillary models take a fast path: the exponential states of the
 * central port only, with the step's decay factors computed once per patient. */
#include <math.h>
#include <string.h>

#include "pkpd/engine.h"
#include "pkpd/pop_internal.h"
#include "pkpd/pop_rng.h"

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

/* (x - (1 - e^-x)) / x^2 without cancellation (as in engine_expo.c). */
static double phi2(double x)
{
    if (x < 1e-2) return 0.5 - x / 6 + x * x / 24 - x * x * x / 120 + x * x * x * x / 720;
    return (x + expm1(-x)) / (x * x);
}

struct fast {
    int n;
    double pole[PK__MAX_POLES], c[PK__MAX_POLES];
    double h, d[PK__MAX_POLES], g[PK__MAX_POLES], ig0[PK__MAX_POLES], igr[PK__MAX_POLES];
};

static void fast_coef(const struct fast *f, double dt, double *d, double *g, double *ig0, double *igr)
{
    for (int i = 0; i < f->n; i++) {
        double p = f->pole[i], om = -expm1(-p * dt);
        d[i] = 1.0 - om;
        g[i] = ig0[i] = om / p;
        igr[i] = dt * dt * phi2(p * dt);
    }
}

/* Advances the central-port states s[] and the integral *auc by dt at rate r (mg/min). */
static void fast_step(const struct fast *f, double *s, double *integral, double r, double dt)
{
    double dd[PK__MAX_POLES], gg[PK__MAX_POLES], i0[PK__MAX_POLES], ir[PK__MAX_POLES];
    const double *d = f->d, *g = f->g, *ig0 = f->ig0, *igr = f->igr;
    if (fabs(dt - f->h) > 1e-12 * f->h) {
        fast_coef(f, dt, dd, gg, i0, ir);
        d = dd, g = gg, ig0 = i0, igr = ir;
    }
    double acc = 0.0;
    for (int i = 0; i < f->n; i++) {
        acc += f->c[i] * (s[i] * ig0[i] + r * igr[i]);
        s[i] = s[i] * d[i] + r * g[i];
    }
    *integral += acc;
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

struct fast_ctx {
    const struct fast *f;
    double s[PK__MAX_POLES], integral, scale;
};
static int fast_advance(void *ctx, const double *rate, double dt, struct kc_error *err)
{
    (void)err;
    struct fast_ctx *c = ctx;
    fast_step(c->f, c->s, &c->integral, rate[0], dt);
    return KC_OK;
}
static void fast_bolus(void *ctx, int port, double mg)
{
    struct fast_ctx *c = ctx;
    if (port == 0)
        for (int i = 0; i < c->f->n; i++) c->s[i] += mg;
}
static double fast_cp(void *ctx)
{
    struct fast_ctx *c = ctx;
    double v = 0.0;
    for (int i = 0; i < c->f->n; i++) v += c->f->c[i] * c->s[i];
    return v * c->scale;
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

    struct walker wk;
    struct fast f;
    struct fast_ctx fc;
    struct eng_ctx ec;
    int fast_ok = 0;
    if (ind.model->structure == PK_STRUCT_MAMMILLARY && iv_only) {
        struct pk__expo *x = &w->expo;
        struct kc_error local;
        if (pk__expo_build(&iv, x, &local) == KC_OK) {
            f.n = 0;
            for (int k = 0; k < x->npole[0]; k++)
                if (x->c[PK__OUT_C][0][k] != 0.0) {
                    f.pole[f.n] = x->pole[0][k];
                    f.c[f.n++] = x->c[PK__OUT_C][0][k];
                }
            f.h = req->n_times > 1 ? req->times_min[1] - req->times_min[0] : 1.0;
            fast_coef(&f, f.h, f.d, f.g, f.ig0, f.igr);
            memset(&fc, 0, sizeof fc);
            fc.f = &f;
            fc.scale = 1000.0 / ind.v1_l;
            wk = (struct walker){&fc, fast_advance, fast_bolus, fast_cp};
            fast_ok = 1;
        }
    }
    if (!fast_ok) {
        rc = pk__engine_init(&w->engine, &iv, PK_ENGINE_AUTO, err);
        if (rc) return kc_error_prefix(err, "patient %ld", i);
        ec.e = &w->engine;
        pk__engine_reset(ec.e, &ec.s);
        wk = (struct walker){&ec, eng_advance, eng_bolus, eng_cp};
    }
    double *out = cp ? cp : w->cp;
    rc = walk(&wk, w->inputs, w->n_inputs, req->times_min, req->n_times, out, cmax, err);
    if (rc) return kc_error_prefix(err, "patient %ld", i);
    if (fast_ok) {
        *auc = fc.integral * fc.scale / 60.0;
    } else {
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
