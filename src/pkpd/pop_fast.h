/* pop_fast.h — the IV fast path of population runs (internal to pop_patient.c): IV inputs into a
 * mammillary model, simulated exactly on the output grid with the three disposition poles of the
 * central compartment only, POP_LANES patients side by side in SIMD lanes. */
#ifndef KC_PKPD_POP_FAST_H
#define KC_PKPD_POP_FAST_H

#include "pkpd/pop_internal.h"

#define POP_FAST_POLES 3

/* Per-lane coefficients ([pole][lane]); poles beyond a lane's n are zero (so are their c, d, g).
 * Lane p's arithmetic never reads another lane, so a patient gets the same bits in any lane and
 * any batch. */
struct pop_fast {
    int n[POP_LANES];                                  /* poles of each lane */
    double pole[POP_FAST_POLES][POP_LANES];            /* /min, descending */
    double c[POP_FAST_POLES][POP_LANES];               /* central amount per unit bolus */
    double d[POP_FAST_POLES][POP_LANES], g[POP_FAST_POLES][POP_LANES];   /* one grid step h */
    double d2[POP_FAST_POLES][POP_LANES], g2[POP_FAST_POLES][POP_LANES]; /* two: d^2, g (1 + d) */
    double h;                                          /* grid step (min) */
    int uniform;                                       /* outputs are 0, h, 2h, ... */
};

/* Fills lane p of f for individual ind and grid step f->h: poles (pk_mammillary_lambdas), the
 * Bailey & Shafer coefficients of the central amount and the step factors.  Returns -1 (lane
 * not usable: the caller takes the engine) when two poles are closer than PK__POLE_SEPARATION
 * or a coefficient is not finite. */
int pop__fast_lane(const struct pk_indiv *ind, struct pop_fast *f, int p);

/* Copies lane p of src into every lane of dst (to walk one patient alone). */
void pop__fast_broadcast(struct pop_fast *dst, const struct pop_fast *src, int p);

/* Rates (mg/min) on every port over [t, next breakpoint) into rate[PK__MAX_PORTS]; returns that
 * next breakpoint (INFINITY: none). */
double pop__rates_from(const struct pk_input *in, size_t n, double t, double *rate);

/* Walks every lane over the output grid times[0..n_times-1] (ascending from 0): lane p receives
 * the inputs in[p][0..n_in-1] (every lane's list has the same ports and times; only the amounts
 * differ) and its Cp (ng/mL; scale[p] = 1000 / V1) at output j goes to cp[j * POP_LANES + p],
 * its largest to cmax[p], and its AUC over [0, last time] (ng.h/mL) to auc[p]. */
void pop__fast_walk(const struct pop_fast *f, const struct pk_input *const in[POP_LANES], size_t n_in,
                    const double *times, size_t n_times, const double *scale, double *cp,
                    double *cmax, double *auc);

#endif
