/* pop_stats.h — streaming, exactly mergeable summaries of many patients' values: log-linear
 * histograms (HdrHistogram-style: the exponent and the top 7 mantissa bits of the double pick the
 * bin, so binning costs no log()), integer counts, fixed-point sums, exact min/max and exceedance
 * counts.  Every operation is integer or min/max (zeros made +0 first, NaN never taken), so
 * merging threads, batches or lanes in any grouping gives bit-identical results.
 *
 * Quantile resolution: a bin spans 1/128 of an octave, i.e. 0.39-0.78% of its value; the quantile
 * returned lies in the bin holding the exact sample quantile (rank ceil(q n)), so it is within
 * 0.78% of it.  The optional refinement pass (pop_refine) splits that one bin into 4096 more,
 * giving 2e-6.  Values below 2^-10 (~0.001) share one underflow bin; values >= 2^24 one overflow bin.
 * Pure: no I/O. */
#ifndef KC_PKPD_POP_STATS_H
#define KC_PKPD_POP_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define POP_OCT_BITS 7
#define POP_OCT_LO (-10)
#define POP_OCT_HI 24
#define POP_BINS (2 + (POP_OCT_HI - POP_OCT_LO) * (1 << POP_OCT_BITS))
#define POP_SUB_BINS 4096
#define POP_RESOLUTION (1.0 / (1 << POP_OCT_BITS)) /* worst relative bin width */
/* Values are clamped to +-2^28 (268 g/L, far beyond anything physical) in the fixed-point sum,
 * so that four of them (2^60 each in 2^-32 units) add up in an int64 before the 128-bit sum. */
#define POP_SUM_CAP 0x1p28
#define POP_ACC_LANES 4 /* values per series that pop_acc_add_lanes takes at once */

__extension__ typedef __int128 pop_i128;

/* Bin of v (v < 2^-10 or NaN: bin 0).  Branch-free: the bits above the top 7 mantissa bits
 * (the exponent, then those) count bins from 2^-10 on; the two comparisons pick the end bins. */
static inline uint32_t pop_bin(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    uint32_t i = (uint32_t)(b >> (52 - POP_OCT_BITS)) - ((1023u + POP_OCT_LO) << POP_OCT_BITS) + 1;
    i = v >= 0x1p-10 ? i : 0;
    return v >= 0x1p24 ? POP_BINS - 1 : i;
}
/* [lo, hi) of a bin. */
void pop_bin_range(uint32_t bin, double *lo, double *hi);

/* The moments of one series, kept together so that adding a value touches one cache line here
 * and one bin. */
struct pop_moments {
    pop_i128 sum;         /* fixed point, 2^-32 units */
    uint64_t above;       /* values > level */
    double min, max;
};

/* Exceedance, min and max of one series for each lane of pop_acc_add_lanes: every lane keeps its
 * own, so a batch costs no reduction across lanes; pop_acc_merge folds them into the moments. */
struct pop_lane_moments {
    double min[POP_ACC_LANES], max[POP_ACC_LANES];
    uint64_t above[POP_ACC_LANES];
};

/* Statistics of n_series series (e.g. Cp at each output time, Cmax, AUC).  m holds the totals
 * once merged (pop_acc_merge into a fresh accumulator); before that, part of them may still be
 * in lane. */
struct pop_acc {
    size_t n_series;
    uint64_t n;           /* values per series */
    uint32_t *count;      /* [n_series][POP_BINS] */
    struct pop_moments *m;
    struct pop_lane_moments *lane;
};

/* Allocates zeroed statistics; KC_ENOMEM on failure (nothing left allocated). */
int pop_acc_init(struct pop_acc *a, size_t n_series);
void pop_acc_free(struct pop_acc *a);
/* dst += src (same n_series), src's lanes folded into dst's moments. */
void pop_acc_merge(struct pop_acc *dst, const struct pop_acc *src);

static inline void pop_acc_add(struct pop_acc *a, size_t series, double v, double level)
{
    a->count[series * POP_BINS + pop_bin(v)]++;
    struct pop_moments *m = &a->m[series];
    double c = v < POP_SUM_CAP ? v : POP_SUM_CAP, z = v + 0.0; /* z: -0 made +0 */
    c = c > -POP_SUM_CAP ? c : -POP_SUM_CAP;
    m->sum += (int64_t)(c * 0x1p32);
    m->above += v > level;
    m->min = z < m->min ? z : m->min;
    m->max = z > m->max ? z : m->max;
}

/* The values of nb patients (a batch, 1 <= nb) in ns series: series s0 + k gets v[k * stride + p]
 * for p < nb.  The same as pop_acc_add of each value (a->n is the caller's); a full batch
 * (nb == stride == POP_ACC_LANES) takes SIMD lanes, lane p's exceedance, min and max going to
 * a->lane[series] until merged. */
void pop_acc_add_lanes(struct pop_acc *a, size_t s0, size_t ns, const double *v, size_t stride,
                       size_t nb, double level);

/* The q-quantile (0 < q <= 1; rank ceil(q n), 1-based) of a series, interpolated inside its
 * bin and clamped to the series' exact min and max.  bin/rank_in_bin (may be NULL) receive where
 * the rank falls, for pop_refine. */
double pop_acc_quantile(const struct pop_acc *a, size_t series, double q, uint32_t *bin,
                        uint64_t *rank_in_bin);
double pop_acc_mean(const struct pop_acc *a, size_t series);

/* Second pass: for each (series, quantile), a 4096-way split of the bin holding the quantile. */
struct pop_refine {
    size_t n_series, n_q;
    uint32_t *bin;        /* [n_series][n_q] */
    uint64_t *rank;       /* rank inside that bin, 1-based */
    double *lo, *width;   /* bin start and sub-bin width */
    uint32_t *sub;        /* [n_series][n_q][POP_SUB_BINS] */
};
int pop_refine_init(struct pop_refine *r, const struct pop_acc *a, const double *q, size_t n_q);
/* An empty copy with the same targets (per thread). */
int pop_refine_clone_empty(struct pop_refine *dst, const struct pop_refine *src);
void pop_refine_free(struct pop_refine *r);
void pop_refine_merge(struct pop_refine *dst, const struct pop_refine *src);
static inline void pop_refine_add(struct pop_refine *r, size_t series, double v)
{
    uint32_t b = pop_bin(v);
    for (size_t k = 0; k < r->n_q; k++) {
        size_t i = series * r->n_q + k;
        if (r->bin[i] != b) continue;
        double f = (v - r->lo[i]) / r->width[i];
        long s = (long)f;
        if (s < 0) s = 0;
        if (s >= POP_SUB_BINS) s = POP_SUB_BINS - 1;
        r->sub[i * POP_SUB_BINS + (size_t)s]++;
    }
}
/* The refined quantile k of series (clamped to the series' min and max). */
double pop_refine_quantile(const struct pop_refine *r, const struct pop_acc *a, size_t series,
                           size_t k);

#endif
