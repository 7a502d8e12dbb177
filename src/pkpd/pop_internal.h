/* pop_internal.h — internal to population.c and pop_patient.c: the per-thread scratch space and
 * the simulation of a batch of patients. */
#ifndef KC_PKPD_POP_INTERNAL_H
#define KC_PKPD_POP_INTERNAL_H

#include "pkpd/engine.h"
#include "pkpd/population.h"

/* Patients simulated side by side.  The IV fast path is bound by the latency of each patient's
 * multiply-add chain; four independent chains keep the FP units busy, and the statistics then
 * touch each series' moments once per four values. */
#define POP_LANES POP_ACC_LANES

/* Per-thread working memory (a few hundred KB; allocated once per thread). */
struct pop_scratch {
    double chol[POP_MAX_ETA * POP_MAX_ETA]; /* lower Cholesky factor of Ω */
    struct pk_input inputs[POP_LANES][PK_MAX_INPUTS];
    size_t n_inputs[POP_LANES];
    struct pk__engine engine;
    double *lane_cp;                         /* n_times * POP_LANES: one patient walked alone */
    double h;                                /* the first output step */
    int uniform;                             /* outputs are 0, h, 2h, ... (within 1e-12) */
};

/* A thread's scratch for req (chol is left to the caller); NULL when out of memory. */
struct pop_scratch *pop__scratch_new(const struct pop_request *req);
void pop__scratch_free(struct pop_scratch *w);

/* Lower Cholesky factor L (L L' = omega) of an n x n covariance, both stored with row stride
 * POP_MAX_ETA; zero rows and columns are allowed (semi-definite).  KC_EINVAL if not PSD. */
int pop__cholesky(int n, const double *omega, double *l, struct kc_error *err);
void pop__covariates(const struct pop_request *req, long i, struct pk_covariates *cov);

/* Simulates patients i0 .. i0+nb-1 (1 <= nb <= POP_LANES): patient i0+p's Cp at output time j
 * goes to cp[j * stride + p] (stride >= nb), its Cmax and AUC (ng.h/mL) to cmax[p] and auc[p];
 * ind_out and cov_out (arrays of nb; may be NULL) receive its parameters and covariates.  Each
 * patient's numbers are the same bit for bit whatever batch it is simulated in.  On error
 * returns the lowest failing patient's code and message (naming it) and its index in
 * *failed_at; outputs are then unspecified. */
int pop__simulate(const struct pop_request *req, struct pop_scratch *w, long i0, int nb,
                  struct pk_indiv *ind_out, struct pk_covariates *cov_out, double *cp,
                  size_t stride, double *cmax, double *auc, long *failed_at,
                  struct kc_error *err);

#endif
