/* pop_stats.c — mergeable histograms and their quantiles (see pop_stats.h). */
#include <math.h>
#include <stdlib.h>

#include "base/error.h"
#include "pkpd/pop_stats.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
    a->lane = calloc(n_series, sizeof *a->lane);
    if (!a->count || !a->m || !a->lane) {
        pop_acc_free(a);
        return KC_ENOMEM;
    }
    for (size_t i = 0; i < n_series; i++) {
        a->m[i].min = INFINITY, a->m[i].max = -INFINITY;
        for (int p = 0; p < POP_ACC_LANES; p++) a->lane[i].min[p] = INFINITY, a->lane[i].max[p] = -INFINITY;
    }
    return KC_OK;
}

void pop_acc_free(struct pop_acc *a)
{
    free(a->count);
    free(a->m);
    free(a->lane);
    memset(a, 0, sizeof *a);
}

void pop_acc_merge(struct pop_acc *dst, const struct pop_acc *src)
{
    size_t nb = dst->n_series * POP_BINS;
    for (size_t i = 0; i < nb; i++) dst->count[i] += src->count[i];
    for (size_t s = 0; s < dst->n_series; s++) {
        struct pop_moments *d = &dst->m[s];
        const struct pop_moments *o = &src->m[s];
        const struct pop_lane_moments *l = &src->lane[s];
        d->sum += o->sum;
        d->above += o->above;
        if (o->min < d->min) d->min = o->min;
        if (o->max > d->max) d->max = o->max;
        for (int p = 0; p < POP_ACC_LANES; p++) {
            d->above += l->above[p];
            if (l->min[p] < d->min) d->min = l->min[p];
            if (l->max[p] > d->max) d->max = l->max[p];
        }
    }
    dst->n += src->n;
}

#if defined(__SSE2__)
/* Bins of two values, as pop_bin, in the low 32 bits of each 64-bit lane.  The value is first
 * clamped into [BIN0_TOP, 2^24]: BIN0_TOP is the start of the last 1/128 of the octave below
 * 2^-10, whose bits give bin 0, and 2^24 gives the overflow bin; maxpd takes BIN0_TOP for NaN. */
#define BIN0_TOP (0x1p-11 * (1.0 + 127.0 / 128))
static inline __m128i bins2(__m128d y)
{
    const __m128i off = _mm_set1_epi64x(1 - ((int64_t)(1023 + POP_OCT_LO) << POP_OCT_BITS));
    __m128d c = _mm_min_pd(_mm_max_pd(y, _mm_set1_pd(BIN0_TOP)), _mm_set1_pd(0x1p24));
    return _mm_add_epi64(_mm_srli_epi64(_mm_castpd_si128(c), 52 - POP_OCT_BITS), off);
}

/* The fixed-point sum (2^-32 units) of two values already clamped and scaled. */
static inline int64_t fixed2(__m128d c)
{
    return _mm_cvttsd_si64(c) + _mm_cvttsd_si64(_mm_unpackhi_pd(c, c));
}

/* A full batch, lanes 0-1 and 2-3 in two vectors.  The operations are pop_acc_add's: minpd and
 * maxpd return their second operand when either is NaN, like the scalar comparisons. */
static void add_lanes4(struct pop_acc *a, size_t s0, size_t ns, const double *v, double level)
{
    const __m128d zero = _mm_setzero_pd(), lv = _mm_set1_pd(level), unit = _mm_set1_pd(0x1p32);
    const __m128d cap = _mm_set1_pd(POP_SUM_CAP), ncap = _mm_set1_pd(-POP_SUM_CAP);
    uint32_t *count = a->count + s0 * POP_BINS;
    struct pop_moments *m = a->m + s0;
    struct pop_lane_moments *l = a->lane + s0;
    for (size_t k = 0; k < ns; k++, count += POP_BINS, m++, l++) {
        const double *x = v + k * POP_ACC_LANES;
        __m128d y0 = _mm_add_pd(_mm_loadu_pd(x), zero), y1 = _mm_add_pd(_mm_loadu_pd(x + 2), zero);

        __m128i b = _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(bins2(y0)), _mm_castsi128_ps(bins2(y1)),
                                                    _MM_SHUFFLE(2, 0, 2, 0)));
        uint64_t q0 = (uint64_t)_mm_cvtsi128_si64(b), q1 = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(b, b));
        count[(uint32_t)q0]++;
        count[q0 >> 32]++;
        count[(uint32_t)q1]++;
        count[q1 >> 32]++;

        __m128d c0 = _mm_mul_pd(_mm_max_pd(_mm_min_pd(y0, cap), ncap), unit);
        __m128d c1 = _mm_mul_pd(_mm_max_pd(_mm_min_pd(y1, cap), ncap), unit);
        m->sum += fixed2(c0) + fixed2(c1);

        __m128i *above = (__m128i *)(void *)l->above; /* the comparisons' all-ones is -1 */
        _mm_storeu_si128(above, _mm_sub_epi64(_mm_loadu_si128(above), _mm_castpd_si128(_mm_cmpgt_pd(y0, lv))));
        _mm_storeu_si128(above + 1,
                         _mm_sub_epi64(_mm_loadu_si128(above + 1), _mm_castpd_si128(_mm_cmpgt_pd(y1, lv))));
        _mm_storeu_pd(l->min, _mm_min_pd(y0, _mm_loadu_pd(l->min)));
        _mm_storeu_pd(l->min + 2, _mm_min_pd(y1, _mm_loadu_pd(l->min + 2)));
        _mm_storeu_pd(l->max, _mm_max_pd(y0, _mm_loadu_pd(l->max)));
        _mm_storeu_pd(l->max + 2, _mm_max_pd(y1, _mm_loadu_pd(l->max + 2)));
    }
}
#else
static void add_lanes4(struct pop_acc *a, size_t s0, size_t ns, const double *v, double level)
{
    for (size_t k = 0; k < ns; k++) {
        struct pop_lane_moments *l = &a->lane[s0 + k];
        int64_t sum = 0;
        for (int p = 0; p < POP_ACC_LANES; p++) {
            double y = v[k * POP_ACC_LANES + (size_t)p] + 0.0, c = y < POP_SUM_CAP ? y : POP_SUM_CAP;
            c = c > -POP_SUM_CAP ? c : -POP_SUM_CAP;
            a->count[(s0 + k) * POP_BINS + pop_bin(y)]++;
            sum += (int64_t)(c * 0x1p32);
            l->above[p] += y > level;
            l->min[p] = y < l->min[p] ? y : l->min[p];
            l->max[p] = y > l->max[p] ? y : l->max[p];
        }
        a->m[s0 + k].sum += sum;
    }
}
#endif

void pop_acc_add_lanes(struct pop_acc *a, size_t s0, size_t ns, const double *v, size_t stride,
                       size_t nb, double level)
{
    if (nb == POP_ACC_LANES && stride == POP_ACC_LANES) {
        add_lanes4(a, s0, ns, v, level);
        return;
    }
    for (size_t k = 0; k < ns; k++)
        for (size_t p = 0; p < nb; p++) pop_acc_add(a, s0 + k, v[k * stride + p], level);
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
