/* population.h — Monte Carlo population simulation: many virtual patients (covariates from
 * distributions or a table, random effects from Ω), each simulated exactly, summarised on the fly
 * into mergeable statistics (pop_stats.h): quantiles of Cp at each output time, Cmax and AUC
 * distributions, the probability of exceeding a level.  No patient's curve is kept.
 *
 * Reproducible: patient i's draws come from Philox streams keyed by (seed, i) (pop_rng.h), and
 * all statistics merge exactly, so the result is bit-identical whatever the thread count.
 * Threads (pthreads) take contiguous blocks of patients.  Pure apart from the threads: no I/O,
 * no clocks; progress goes out through a callback. */
#ifndef KC_PKPD_POPULATION_H
#define KC_PKPD_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "pkpd/model.h"
#include "pkpd/pop_stats.h"
#include "pkpd/simulate.h"

#define POP_MAX_ETA 12
#define POP_MAX_QUANTILES 16
#define POP_MAX_TIMES 2881       /* 48 h at 1-min steps; the histograms cost 17 KB per time per thread */
#define POP_MAX_PATIENTS 1000000000L
#define POP_MAX_THREADS 256

enum pop_dist_kind { POP_DIST_NONE, POP_DIST_FIXED, POP_DIST_NORMAL, POP_DIST_UNIFORM };

/* A covariate distribution: FIXED a; NORMAL mean a, SD b (redrawn while outside [lo, hi]);
 * UNIFORM on [a, b]. */
struct pop_dist {
    enum pop_dist_kind kind;
    double a, b;
    double lo, hi;   /* plausible range; normal draws outside it are redrawn (64 tries, then clamped) */
};

/* Parses "70", "fixed 70", "normal 70 12" or "uniform 50 90"; lo/hi is the plausible range the
 * values must lie in (a bad mean or bound is KC_EINVAL naming the text). */
int pop_dist_parse(const char *text, double lo, double hi, struct pop_dist *out,
                   struct kc_error *err);

struct pop_request {
    const struct pk_model *model;
    struct pop_dist weight_kg, age_y;   /* POP_DIST_NONE: not given (NAN) */
    struct pk_covariates base;          /* sex, height, asian, japanese for every patient */
    const struct pk_covariates *cov_rows; /* optional table: patient i has row i mod n_cov_rows
                                             (weight and age there replace the distributions) */
    size_t n_cov_rows;
    double ke0_per_min;                 /* 0: the model's */
    const struct pk_dose *doses;
    size_t n_doses;
    const double *times_min;            /* ascending, from 0; at most POP_MAX_TIMES */
    size_t n_times;
    int n_eta;                          /* pk_model_n_eta(model) */
    double omega[POP_MAX_ETA * POP_MAX_ETA]; /* covariance of the etas: row r, column c at
                                               [r * POP_MAX_ETA + c]; positive semi-definite */
    double residual_sd;                 /* proportional residual error on the reported Cp:
                                           Cobs = Cp exp(sd eps), eps ~ N(0,1); 0: none.  Cmax
                                           and AUC are of the true Cp. */
    double level_ng_per_ml;             /* exceedance level (e.g. 250: top of the dissociative range) */
    const double *quantiles;            /* in (0, 1], at most POP_MAX_QUANTILES */
    size_t n_quantiles;
    int refine;                         /* 1: a second pass makes these quantiles ~2e-6 exact */
    uint64_t seed;
    long n_patients;
    int threads;                        /* >= 1 */
    /* Called now and then from one worker thread (never two at once) with patients done so far
     * out of total (total counts both passes when refining); may be NULL. */
    void (*progress)(void *ctx, long done, long total);
    void *progress_ctx;
};

/* Fills n_eta and omega from the model's published IIV (ω² = ln(1 + CV²), diagonal: no model
 * in the table publishes a BLOCK), or, with cv_all >= 0, CV cv_all on every parameter. */
int pop_omega_for_model(const struct pk_model *m, double cv_all, int *n_eta, double *omega,
                        struct kc_error *err);

/* Series of a result: 0..n_times-1 Cp at each time; then Cmax (over the output times) and AUC
 * (exact integral of Cp from 0 to the last time, ng.h/mL). */
struct pop_result {
    long n_patients;
    size_t n_times;
    struct pop_acc acc;
    double quantiles[POP_MAX_QUANTILES];
    size_t n_quantiles;
    int refined;
    struct pop_refine refine;
    long n_outside_range;   /* patients whose covariates fall outside the model's range */
};
#define POP_SERIES_CMAX(res) ((res)->n_times)
#define POP_SERIES_AUC(res) ((res)->n_times + 1)

/* Runs the simulation.  res is written on success (free with pop_result_free) and left empty on
 * error.  A patient that cannot be simulated stops the run with that patient's error (the
 * lowest such index, whatever the thread count). */
int pop_run(const struct pop_request *req, struct pop_result *res, struct kc_error *err);
void pop_result_free(struct pop_result *res);

/* Quantile k (index into req->quantiles) of a series: refined when the run was refined. */
double pop_result_quantile(const struct pop_result *res, size_t series, size_t k);
/* Fraction of patients whose value in series exceeds the level. */
double pop_result_p_above(const struct pop_result *res, size_t series);

/* Patient i exactly as pop_run simulates it: its parameters, Cp at each time (with residual
 * error when asked; may be NULL), Cmax and AUC.  For tests and for the benchmark's peers. */
int pop_patient(const struct pop_request *req, long i, struct pk_indiv *ind, double *cp,
                double *cmax, double *auc_ng_h_per_ml, struct kc_error *err);

#endif
