/* pop_stats.c — mergeable histograms and their quantiles (see pop_stats.h). */
#include <math.h>
#include <stdlib.h>

#include "base/error.h"
#include "pkpd/pop_stats.h"

void pop_bin_range(uint32_t bin, double *lo, double *hi)
{
    if (bin == 0) {
        *lo = 0.0, *hi = 0x1p-10;
        return;
    }
    if (bin >= POP_BINS - 1) {
        *lo = 0x1p24, *hi = INFINITY;
        return;
    }
    uint32_t e = (bin - 1) >> POP_OCT_BITS, sub = (bin - 1) & ((1u << POP_OCT_BITS) - 1);
    int ex = (int)e + POP_OCT_LO;
    *lo = ldexp(1.0 + (double)sub / (1 << POP_OCT_BITS), ex);
    *hi = ldexp(1.0 + (double)(sub + 1) / (1 << POP_OCT_BITS), ex);
}

int pop_acc_init(struct pop_acc *a, size_t n_series)
{
    memset(a, 0, sizeof *a);
    a->n_series = n_series;
    a->count = calloc(n_series * POP_BINS, sizeof *a->count);
    a->m = calloc(n_series, sizeof *a->m);
    if (!a->count || !a->m) {
        pop_acc_free(a);
        return KC_ENOMEM;
    }
    for (size_t i = 0; i < n_series; i++) a->m[i].min = INFINITY, a->m[i].max = -INFINITY;
    return KC_OK;
}

void pop_acc_free(struct pop_acc *a)
{
    free(a->count);
    free(a->m);
    memset(a, 0, sizeof *a);
}

void pop_acc_merge(struct pop_acc *dst, const struct pop_acc *src)
{
    size_t nb = dst->n_series * POP_BINS;
    for (size_t i = 0; i < nb; i++) dst->count[i] += src->count[i];
    for (size_t s = 0; s < dst->n_series; s++) {
        struct pop_moments *d = &dst->m[s];
        const struct pop_moments *o = &src->m[s];
        d->sum += o->sum;
        d->above += o->above;
        if (o->min < d->min) d->min = o->min;
        if (o->max > d->max) d->max = o->max;
    }
    dst->n += src->n;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t target_rank(uint64_t n, double q)
{
    double r = ceil(q * (double)n - 1e-9);
    if (r < 1) r = 1;
    if (r > (double)n) r = (double)n;
    return (uint64_t)r;
}

double pop_acc_quantile(const struct pop_acc *a, size_t series, double q, uint32_t *bin,
                        uint64_t *rank_in_bin)
{
    if (a->n == 0) return NAN;
    uint64_t r = target_rank(a->n, q), cum = 0;
    const uint32_t *c = a->count + series * POP_BINS;
    for (uint32_t b = 0; b < POP_BINS; b++) {
        if (cum + c[b] < r) {
            cum += c[b];
            continue;
        }
        uint64_t k = r - cum;
        if (bin) *bin = b;
        if (rank_in_bin) *rank_in_bin = k;
        double lo, hi;
        pop_bin_range(b, &lo, &hi);
        if (!isfinite(hi)) hi = a->m[series].max;
        double v = lo + (hi - lo) * ((double)k - 0.5) / (double)c[b];
        return clamp(v, a->m[series].min, a->m[series].max);
    }
    return NAN;
}

double pop_acc_mean(const struct pop_acc *a, size_t series)
{
    if (a->n == 0) return NAN;
    return (double)(a->m[series].sum / (pop_i128)a->n) * 0x1p-32 +
           (double)(a->m[series].sum % (pop_i128)a->n) * 0x1p-32 / (double)a->n;
}

static int refine_alloc(struct pop_refine *r, size_t n_series, size_t n_q)
{
    memset(r, 0, sizeof *r);
    r->n_series = n_series, r->n_q = n_q;
    size_t m = n_series * n_q;
    r->bin = calloc(m, sizeof *r->bin);
    r->rank = calloc(m, sizeof *r->rank);
    r->lo = calloc(m, sizeof *r->lo);
    r->width = calloc(m, sizeof *r->width);
    r->sub = calloc(m * POP_SUB_BINS, sizeof *r->sub);
    if (!r->bin || !r->rank || !r->lo || !r->width || !r->sub) {
        pop_refine_free(r);
        return KC_ENOMEM;
    }
    return KC_OK;
}

int pop_refine_init(struct pop_refine *r, const struct pop_acc *a, const double *q, size_t n_q)
{
    int rc = refine_alloc(r, a->n_series, n_q);
    if (rc) return rc;
    for (size_t s = 0; s < a->n_series; s++)
        for (size_t k = 0; k < n_q; k++) {
            size_t i = s * n_q + k;
            pop_acc_quantile(a, s, q[k], &r->bin[i], &r->rank[i]);
            double lo, hi;
            pop_bin_range(r->bin[i], &lo, &hi);
            if (!isfinite(hi)) hi = a->m[s].max > lo ? a->m[s].max : lo + 1;
            r->lo[i] = lo;
            r->width[i] = (hi - lo) / POP_SUB_BINS;
        }
    return KC_OK;
}

int pop_refine_clone_empty(struct pop_refine *dst, const struct pop_refine *src)
{
    int rc = refine_alloc(dst, src->n_series, src->n_q);
    if (rc) return rc;
    size_t m = src->n_series * src->n_q;
    memcpy(dst->bin, src->bin, m * sizeof *dst->bin);
    memcpy(dst->rank, src->rank, m * sizeof *dst->rank);
    memcpy(dst->lo, src->lo, m * sizeof *dst->lo);
    memcpy(dst->width, src->width, m * sizeof *dst->width);
    return KC_OK;
}

void pop_refine_free(struct pop_refine *r)
{
    free(r->bin);
    free(r->rank);
    free(r->lo);
    free(r->width);
    free(r->sub);
    memset(r, 0, sizeof *r);
}

void pop_refine_merge(struct pop_refine *dst, const struct pop_refine *src)
{
    size_t m = dst->n_series * dst->n_q * POP_SUB_BINS;
    for (size_t i = 0; i < m; i++) dst->sub[i] += src->sub[i];
}

double pop_refine_quantile(const struct pop_refine *r, const struct pop_acc *a, size_t series,
                           size_t k)
{
    size_t i = series * r->n_q + k;
    const uint32_t *c = r->sub + i * POP_SUB_BINS;
    uint64_t cum = 0, want = r->rank[i];
    for (size_t s = 0; s < POP_SUB_BINS; s++) {
        if (cum + c[s] < want) {
            cum += c[s];
            continue;
        }
        double v = r->lo[i] + r->width[i] * ((double)s + ((double)(want - cum) - 0.5) / c[s]);
        return clamp(v, a->m[series].min, a->m[series].max);
    }
    return NAN;
}
