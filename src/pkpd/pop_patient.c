/* pop_patient.c — the virtual patients of a population run, a batch at a time: draws
 * (covariates, etas, residuals) from each patient's own Philox streams, individual parameters,
 * and the exact simulation on the output grid.  IV regimens on mammillary models take the fast
 * path (pop_fast.c), the batch's patients side by side; the rest go through the engine. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pkpd/engine.h"
#include "pkpd/pop_fast.h"
#include "pkpd/pop_internal.h"
#include "pkpd/pop_rng.h"

struct pop_scratch *pop__scratch_new(const struct pop_request *req)
{
    struct pop_scratch *w = malloc(sizeof *w);
    double *lane_cp = malloc(req->n_times * POP_LANES * sizeof *lane_cp);
    if (!w || !lane_cp) {
        free(w);
        free(lane_cp);
        return NULL;
    }
    w->lane_cp = lane_cp;
    w->h = req->n_times > 1 ? req->times_min[1] - req->times_min[0] : 1.0;
    w->uniform = req->n_times > 1 && req->times_min[0] == 0.0;
    for (size_t j = 1; j < req->n_times; j++)
        if (fabs(req->times_min[j] - req->times_min[j - 1] - w->h) > 1e-12 * w->h) w->uniform = 0;
    return w;
}

void pop__scratch_free(struct pop_scratch *w)
{
    if (w) free(w->lane_cp);
    free(w);
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
                size_t n_times, double *cp, size_t stride, double *cmax, struct kc_error *err)
{
    double rate[PK__MAX_PORTS], t = 0.0;
    boluses_at(w, in, n_in, 0.0);
    double next = pop__rates_from(in, n_in, 0.0, rate);
    double mx = -INFINITY;
    for (size_t j = 0; j < n_times; j++) {
        double tj = times[j];
        while (next < tj) {
            int rc = w->advance(w->ctx, rate, next - t, err);
            if (rc) return rc;
            t = next;
            boluses_at(w, in, n_in, t);
            next = pop__rates_from(in, n_in, t, rate);
            /* Between outputs, where the inputs change: the end of an infusion (where Cp peaks)
             * or a bolus counts for Cmax even when no output falls on it. */
            double v = w->cp(w->ctx);
            if (v > mx) mx = v;
        }
        if (tj > t) {
            int rc = w->advance(w->ctx, rate, tj - t, err);
            if (rc) return rc;
            t = tj;
            if (next == tj) {
                boluses_at(w, in, n_in, t);
                next = pop__rates_from(in, n_in, t, rate);
            }
        }
        double v = w->cp(w->ctx);
        cp[j * stride] = v;
        if (v > mx) mx = v;
    }
    *cmax = mx;
    return KC_OK;
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

/* Draws, individual parameters and inputs of patient i into lane p (error prefixed with the
 * patient). */
static int setup(const struct pop_request *req, struct pop_scratch *w, long i, int p,
                 struct pk_indiv *ind, struct pk_covariates *cov, struct kc_error *err)
{
    pop__covariates(req, i, cov);
    double eta[POP_MAX_ETA] = {0};
    if (req->n_eta > 0) {
        struct pop_stream s;
        double z[POP_MAX_ETA];
        pop_stream_init(&s, req->seed, (uint64_t)i, POP_STREAM_ETA);
        for (int k = 0; k < req->n_eta; k++) z[k] = pop_stream_normal(&s);
        for (int r = 0; r < req->n_eta; r++)
            for (int k = 0; k <= r; k++) eta[r] += w->chol[r * POP_MAX_ETA + k] * z[k];
    }
    int rc = pk_individualize(req->model, cov, eta, req->ke0_per_min, ind, NULL, err);
    if (!rc) rc = pk_regimen_expand(ind, req->doses, req->n_doses, w->inputs[p], PK_MAX_INPUTS,
                                    &w->n_inputs[p], NULL, NULL, err);
    return rc ? kc_error_prefix(err, "patient %ld", i) : KC_OK;
}

/* 1 when lane p takes the fast path (IV only into a mammillary model with separate poles); its
 * coefficients for the grid step are then in lane p of f. */
static int fast_setup(const struct pk_indiv *ind, const struct pop_scratch *w, int p, struct pop_fast *f)
{
    if (ind->model->structure != PK_STRUCT_MAMMILLARY) return 0;
    for (size_t k = 0; k < w->n_inputs[p]; k++)
        if (w->inputs[p][k].port != PK__PORT_CENTRAL) return 0;
    return pop__fast_lane(ind, f, p) == 0;
}

/* 1 when every lane has the same inputs apart from their amounts (the same breakpoints). */
static int same_schedule(const struct pop_scratch *w)
{
    for (int p = 1; p < POP_LANES; p++) {
        if (w->n_inputs[p] != w->n_inputs[0]) return 0;
        for (size_t k = 0; k < w->n_inputs[0]; k++) {
            const struct pk_input *a = &w->inputs[0][k], *b = &w->inputs[p][k];
            if (a->port != b->port || a->t0_min != b->t0_min || a->t1_min != b->t1_min) return 0;
        }
    }
    return 1;
}

/* Lane p through the engine (the general path: other routes, models or close poles). */
static int engine_lane(const struct pop_request *req, struct pop_scratch *w, int p,
                       const struct pk_indiv *ind, double *cp, size_t stride, double *cmax,
                       double *auc, struct kc_error *err)
{
    int iv_only = 1;
    for (size_t k = 0; k < w->n_inputs[p]; k++) iv_only &= w->inputs[p][k].port == PK__PORT_CENTRAL;
    struct pk_indiv iv = *ind;
    if (ind->model->structure == PK_STRUCT_MAMMILLARY && iv_only)
        for (int r = 1; r < PK_ROUTE_COUNT; r++) iv.routes[r].supported = 0;
    struct eng_ctx ec;
    int rc = pk__engine_init(&w->engine, &iv, PK_ENGINE_AUTO, err);
    if (rc) return rc;
    ec.e = &w->engine;
    pk__engine_reset(ec.e, &ec.s);
    struct walker wk = {&ec, eng_advance, eng_bolus, eng_cp};
    rc = walk(&wk, w->inputs[p], w->n_inputs[p], req->times_min, req->n_times, cp + p, stride, cmax, err);
    if (rc) return rc;
    struct pk_point pt;
    pk__engine_read(ec.e, &ec.s, &pt);
    *auc = pt.auc_ng_min_per_ml / 60.0;
    return KC_OK;
}

/* Lane p alone on the fast path: its coefficients in every lane, the result from lane 0. */
static void fast_alone(const struct pop_request *req, struct pop_scratch *w, const struct pop_fast *f,
                       int p, double scale, double *cp, size_t stride, double *cmax, double *auc)
{
    struct pop_fast one;
    const struct pk_input *in[POP_LANES];
    double sc[POP_LANES], cm[POP_LANES], au[POP_LANES];
    pop__fast_broadcast(&one, f, p);
    for (int q = 0; q < POP_LANES; q++) in[q] = w->inputs[p], sc[q] = scale;
    pop__fast_walk(&one, in, w->n_inputs[p], req->times_min, req->n_times, sc, w->lane_cp, cm, au);
    for (size_t j = 0; j < req->n_times; j++) cp[j * stride + (size_t)p] = w->lane_cp[j * POP_LANES];
    *cmax = cm[0];
    *auc = au[0];
}

int pop__simulate(const struct pop_request *req, struct pop_scratch *w, long i0, int nb,
                  struct pk_indiv *ind_out, struct pk_covariates *cov_out, double *cp,
                  size_t stride, double *cmax, double *auc, long *failed_at,
                  struct kc_error *err)
{
    struct pk_indiv ind[POP_LANES];
    struct pk_covariates cov[POP_LANES];
    struct pop_fast f;
    struct kc_error setup_err;
    double scale[POP_LANES];
    int fast[POP_LANES], n_ok = nb, all_fast = 1, rc = KC_OK;
    f.h = w->h;
    f.uniform = w->uniform;
    for (int p = 0; p < nb; p++) {
        if (setup(req, w, i0 + p, p, &ind[p], &cov[p], &setup_err)) {
            n_ok = p; /* the lanes before it may still fail first */
            break;
        }
        if (ind_out) ind_out[p] = ind[p];
        if (cov_out) cov_out[p] = cov[p];
        fast[p] = fast_setup(&ind[p], w, p, &f);
        all_fast &= fast[p];
        scale[p] = 1000.0 / ind[p].v1_l;
    }
    if (n_ok == POP_LANES && all_fast && stride == POP_LANES && same_schedule(w)) {
        const struct pk_input *in[POP_LANES];
        for (int p = 0; p < POP_LANES; p++) in[p] = w->inputs[p];
        pop__fast_walk(&f, in, w->n_inputs[0], req->times_min, req->n_times, scale, cp, cmax, auc);
    } else {
        for (int p = 0; p < n_ok; p++) {
            if (fast[p]) {
                fast_alone(req, w, &f, p, scale[p], cp, stride, &cmax[p], &auc[p]);
            } else if ((rc = engine_lane(req, w, p, &ind[p], cp, stride, &cmax[p], &auc[p], err))) {
                *failed_at = i0 + p;
                return kc_error_prefix(err, "patient %ld", i0 + p);
            }
        }
    }
    if (n_ok < nb) {
        *failed_at = i0 + n_ok;
        *err = setup_err;
        return setup_err.code ? setup_err.code : KC_EINVAL;
    }
    if (req->residual_sd > 0)
        for (int p = 0; p < nb; p++) {
            struct pop_stream rs;
            pop_stream_init(&rs, req->seed, (uint64_t)(i0 + p), POP_STREAM_RESIDUAL);
            for (size_t j = 0; j < req->n_times; j++)
                cp[j * stride + (size_t)p] *= exp(req->residual_sd * pop_stream_normal(&rs));
        }
    return rc;
}
