/* pop_stats.h — streaming, exactly mergeable summaries of many patients' values: log-linear
 * histograms (HdrHistogram-style: the exponent and the top 7 mantissa bits of the double pick the
 * bin, so binning costs no log()), integer counts, fixed-point sums, exact min/max and exceedance
 * counts.  Every operation is integer or min/max, so merging threads in any grouping gives
 * bit-identical results.
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

__extension__ typedef __int128 pop_i128;

/* Bin of v (v < 2^-10 or NaN: bin 0). */
static inline uint32_t pop_bin(double v)
{
    if (!(v >= 0x1p-10)) return 0;
    if (v >= 0x1p24) return POP_BINS - 1;
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    uint32_t e = (uint32_t)((int)(b >> 52) - 1023 - POP_OCT_LO);
    uint32_t sub = (uint32_t)(b >> (52 - POP_OCT_BITS)) & ((1u << POP_OCT_BITS) - 1);
    return 1 + (e << POP_OCT_BITS) + sub;
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

/* Statistics of n_series series (e.g. Cp at each output time, Cmax, AUC). */
struct pop_acc {
    size_t n_series;
    uint64_t n;           /* values per series */
    uint32_t *count;      /* [n_series][POP_BINS] */
    struct pop_moments *m;
};

/* Allocates zeroed statistics; KC_ENOMEM on failure (nothing left allocated). */
int pop_acc_init(struct pop_acc *a, size_t n_series);
void pop_acc_free(struct pop_acc *a);
/* dst += src (same n_series). */
void pop_acc_merge(struct pop_acc *dst, const struct pop_acc *src);

static inline void pop_acc_add(struct pop_acc *a, size_t series, double v, double level)
{
    a->count[series * POP_BINS + pop_bin(v)]++;
    struct pop_moments *m = &a->m[series];
    double c = v < 0x1p30 ? v : 0x1p30;
    m->sum += (int64_t)(c * 0x1p32);
    m->above += v > level;
    m->min = v < m->min ? v : m->min;
    m->max = v > m->max ? v : m->max;
}

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
