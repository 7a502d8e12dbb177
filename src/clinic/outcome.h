/* outcome.h — clinic statistics per condition, route and scale: response and remission rates
 * with 95% Wilson intervals, Hedges' g (baseline to end of induction, paired) with its
 * interval, and the published benchmarks (clinical.md s5) to show beside them. */
#ifndef KC_CLINIC_OUTCOME_H
#define KC_CLINIC_OUTCOME_H

#include "base/error.h"
#include "clinic/protocol.h"
#include "clinic/scale.h"

#define OUTCOME_Z95 1.959963984540054

/* Wilson score interval for k successes in n trials (Wilson 1927; Newcombe, Stat Med
 * 1998;17:857).  KC_EINVAL unless 0 <= k <= n, n >= 1. */
int outcome_wilson(long k, long n, double z, double *lo, double *hi, struct kc_error *err);

/* Hedges' g for a paired pre-post design from summary statistics (Borenstein et al.,
 * Introduction to Meta-Analysis 2009, ch. 4): S_within = S_diff / sqrt(2(1 - r)),
 * d = mean_diff / S_within, V_d = (1/n + d^2/(2n)) * 2(1 - r), J = 1 - 3/(4(n-1) - 1),
 * g = J d, V_g = J^2 V_d; 95% CI g +- z sqrt(V_g).  mean_diff = baseline - end (improvement
 * positive).  KC_EINVAL for n < 3, sd_diff <= 0, r outside (-1, 1). */
struct outcome_effect {
    double d, g, var_g, lo, hi, r;
    long n;
};
int outcome_hedges_g_paired(double mean_diff, double sd_diff, double r, long n,
                            struct outcome_effect *out, struct kc_error *err);
/* The same from raw paired data (baseline[i], end[i]); r is estimated from the data. */
int outcome_hedges_g_data(const double *baseline, const double *end, long n,
                          struct outcome_effect *out, struct kc_error *err);

/* A published benchmark (clinical.md s5). */
struct outcome_benchmark {
    const char *population;
    long n;             /* 0 when not reported */
    const char *route;  /* "iv", "nasal", "sl", "mixed" */
    const char *scale;  /* scale key or "mixed"/"madrs"... */
    const char *protocol;
    const char *response, *remission, *effect; /* as published, text */
    const char *source, *confidence;
};
extern const struct outcome_benchmark outcome_benchmarks[];
extern const int outcome_benchmarks_len;

/* One patient's course for the statistics. */
struct outcome_course {
    const char *condition; /* "trd", "ptsd", ... (borrowed) */
    const char *route;     /* "iv", "nasal", ... (borrowed) */
    const struct scale_def *scale;
    int baseline, end;     /* totals at course baseline and end of induction */
};

struct outcome_summary {
    long n, responders, remitters, remission_defined;
    double response_rate, response_lo, response_hi;
    double remission_rate, remission_lo, remission_hi; /* NAN when the scale has no remission */
    struct outcome_effect effect;                      /* effect.n = 0 when n < 3 */
    struct protocol_trace trace;
};

/* Statistics over courses[0..n) (all of one condition, route and scale; the caller groups).
 * Response and remission use scale_compare with p.  KC_EINVAL for an empty group or mixed
 * scales; scale errors name the course (1-based). */
int outcome_summarise(const struct protocol *p, const struct outcome_course *courses, long n,
                      struct outcome_summary *out, struct kc_error *err);

#endif
