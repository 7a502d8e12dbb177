/* linalg.h — small dense matrices for the PK engine: the matrix exponential (Padé 13 with scaling
 * and squaring, Higham 2005 SIAM J Matrix Anal Appl 26:1179) and an LU solve.  Matrices are
 * row-major double arrays of n*n entries, n <= PK__LA_MAX; all storage is the caller's. */
#ifndef KC_PKPD_LINALG_H
#define KC_PKPD_LINALG_H

#include "base/error.h"

#define PK__LA_MAX 32

/* out = a * b (n x n).  out must not alias a or b. */
void pk__mat_mul(int n, const double *a, const double *b, double *out);

/* Solves a * x = b in place for m right-hand sides (b is n x m, row-major, overwritten with x).
 * a is overwritten with its LU factors.  Returns KC_ENUMERIC if a is singular. */
int pk__mat_solve(int n, double *a, double *b, int m);

/* out = exp(a) for n x n a.  Returns KC_ENUMERIC if a is not finite or the Padé denominator is
 * singular (it is not for finite input), KC_EINVAL if n is out of range. */
int pk__expm(int n, const double *a, double *out);

/* Exact one-step propagators of dx/dt = K x + u for constant u over dt:
 *   phi   = exp(K dt)                         (n x n)
 *   gamma = integral_0^dt exp(K s) ds         (n x n)
 * computed together from the exponential of the block matrix [[K, I], [0, 0]] * dt, so they are
 * exact (to rounding) whatever K's eigenvalues, coincident ones included.  n <= PK__LA_MAX/2. */
int pk__propagators(int n, const double *k, double dt, double *phi, double *gamma);

#endif
