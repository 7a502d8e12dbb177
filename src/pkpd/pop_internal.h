/* pop_internal.h — internal to population.c and pop_patient.c: the per-thread scratch space and
 * the simulation of one patient. */
#ifndef KC_PKPD_POP_INTERNAL_H
#define KC_PKPD_POP_INTERNAL_H

#include "pkpd/engine.h"
#include "pkpd/population.h"

/* Per-thread working memory (a few tens of KB; allocated once per thread). */
struct pop_scratch {
    double chol[POP_MAX_ETA * POP_MAX_ETA]; /* lower Cholesky factor of Ω */
    struct pk_input inputs[PK_MAX_INPUTS];
    size_t n_inputs;
    struct pk__engine engine;
    double *cp;                              /* n_times */
    double h;                                /* the first output step */
    int uniform;                             /* outputs are 0, h, 2h, ... (within 1e-12) */
};

/* Sets w->h and w->uniform from req's output times. */
void pop__scratch_grid(const struct pop_request *req, struct pop_scratch *w);

/* Lower Cholesky factor L (L L' = omega) of an n x n covariance, both stored with row stride
 * POP_MAX_ETA; zero rows and columns are allowed (semi-definite).  KC_EINVAL if not PSD. */
int pop__cholesky(int n, const double *omega, double *l, struct kc_error *err);
void pop__covariates(const struct pop_request *req, long i, struct pk_covariates *cov);
/* Simulates patient i into cp (NULL: w->cp), *cmax, *auc (ng.h/mL); ind_out and cov_out
 * (its parameters and covariates) may be NULL. */
int pop__simulate(const struct pop_request *req, struct pop_scratch *w, long i,
                  struct pk_indiv *ind_out, struct pk_covariates *cov_out, double *cp,
                  double *cmax, double *auc, struct kc_error *err);

#endif
