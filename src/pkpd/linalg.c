/* linalg.c — matrix exponential and LU solve for the small systems of the PK engine. */
#include "pkpd/linalg.h"

#include <math.h>
#include <string.h>

void pk__mat_mul(int n, const double *a, const double *b, double *out)
{
    for (int i = 0; i < n; i++) {
        double *row = out + i * n;
        for (int j = 0; j < n; j++) row[j] = 0.0;
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            if (aik == 0.0) continue;
            const double *brow = b + k * n;
            for (int j = 0; j < n; j++) row[j] += aik * brow[j];
        }
    }
}

int pk__mat_solve(int n, double *a, double *b, int m)
{
    for (int c = 0; c < n; c++) {
        int piv = c;
        double best = fabs(a[c * n + c]);
        for (int r = c + 1; r < n; r++)
            if (fabs(a[r * n + c]) > best) {
                best = fabs(a[r * n + c]);
                piv = r;
            }
        if (!(best > 0.0) || !isfinite(best)) return KC_ENUMERIC;
        if (piv != c) {
            for (int j = 0; j < n; j++) {
                double t = a[c * n + j];
                a[c * n + j] = a[piv * n + j];
                a[piv * n + j] = t;
            }
            for (int j = 0; j < m; j++) {
                double t = b[c * m + j];
                b[c * m + j] = b[piv * m + j];
                b[piv * m + j] = t;
            }
        }
        for (int r = c + 1; r < n; r++) {
            double f = a[r * n + c] / a[c * n + c];
            if (f == 0.0) continue;
            for (int j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
            for (int j = 0; j < m; j++) b[r * m + j] -= f * b[c * m + j];
        }
    }
    for (int r = n - 1; r >= 0; r--)
        for (int j = 0; j < m; j++) {
            double s = b[r * m + j];
            for (int k = r + 1; k < n; k++) s -= a[r * n + k] * b[k * m + j];
            b[r * m + j] = s / a[r * n + r];
        }
    return KC_OK;
}

static double norm1(int n, const double *a)
{
    double best = 0.0;
    for (int j = 0; j < n; j++) {
        double s = 0.0;
        for (int i = 0; i < n; i++) s += fabs(a[i * n + j]);
        if (s > best) best = s;
    }
    return best;
}

/* Padé(13) coefficients b0..b13 (Higham 2005, Table 10.4 of Higham's "Functions of Matrices"). */
static const double pade13[14] = {64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
                                  1187353796428800.0,  129060195264000.0,   10559470521600.0,
                                  670442572800.0,      33522128640.0,       1323241920.0,
                                  40840800.0,          960960.0,            16380.0,
                                  182.0,               1.0};

int pk__expm(int n, const double *a, double *out)
{
    if (n < 1 || n > PK__LA_MAX) return KC_EINVAL;
    const int nn = n * n;
    for (int i = 0; i < nn; i++)
        if (!isfinite(a[i])) return KC_ENUMERIC;

    /* Scale so that ||A/2^s||_1 <= theta13 = 5.37 (Higham 2005). */
    double nrm = norm1(n, a);
    int s = 0;
    if (nrm > 5.371920351148152) s = (int)ceil(log2(nrm / 5.371920351148152));
    if (s < 0) s = 0;
    double scale = ldexp(1.0, -s);

    double A[PK__LA_MAX * PK__LA_MAX], A2[PK__LA_MAX * PK__LA_MAX], A4[PK__LA_MAX * PK__LA_MAX],
        A6[PK__LA_MAX * PK__LA_MAX], U[PK__LA_MAX * PK__LA_MAX], V[PK__LA_MAX * PK__LA_MAX],
        T[PK__LA_MAX * PK__LA_MAX], W[PK__LA_MAX * PK__LA_MAX];
    for (int i = 0; i < nn; i++) A[i] = a[i] * scale;
    pk__mat_mul(n, A, A, A2);
    pk__mat_mul(n, A2, A2, A4);
    pk__mat_mul(n, A4, A2, A6);
    const double *b = pade13;

    /* U = A [A6 (b13 A6 + b11 A4 + b9 A2) + b7 A6 + b5 A4 + b3 A2 + b1 I] */
    for (int i = 0; i < nn; i++) T[i] = b[13] * A6[i] + b[11] * A4[i] + b[9] * A2[i];
    pk__mat_mul(n, A6, T, W);
    for (int i = 0; i < nn; i++) W[i] += b[7] * A6[i] + b[5] * A4[i] + b[3] * A2[i];
    for (int i = 0; i < n; i++) W[i * n + i] += b[1];
    pk__mat_mul(n, A, W, U);
    /* V = A6 (b12 A6 + b10 A4 + b8 A2) + b6 A6 + b4 A4 + b2 A2 + b0 I */
    for (int i = 0; i < nn; i++) T[i] = b[12] * A6[i] + b[10] * A4[i] + b[8] * A2[i];
    pk__mat_mul(n, A6, T, V);
    for (int i = 0; i < nn; i++) V[i] += b[6] * A6[i] + b[4] * A4[i] + b[2] * A2[i];
    for (int i = 0; i < n; i++) V[i * n + i] += b[0];

    /* Solve (V - U) R = (V + U). */
    for (int i = 0; i < nn; i++) {
        T[i] = V[i] - U[i];
        W[i] = V[i] + U[i];
    }
    int rc = pk__mat_solve(n, T, W, n);
    if (rc) return rc;
    /* Undo the scaling by repeated squaring. */
    for (int k = 0; k < s; k++) {
        pk__mat_mul(n, W, W, T);
        memcpy(W, T, sizeof(double) * (size_t)nn);
    }
    memcpy(out, W, sizeof(double) * (size_t)nn);
    return KC_OK;
}

int pk__propagators(int n, const double *k, double dt, double *phi, double *gamma)
{
    if (n < 1 || 2 * n > PK__LA_MAX) return KC_EINVAL;
    const int m = 2 * n;
    double big[PK__LA_MAX * PK__LA_MAX], e[PK__LA_MAX * PK__LA_MAX];
    memset(big, 0, sizeof(double) * (size_t)(m * m));
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) big[i * m + j] = k[i * n + j] * dt;
        big[i * m + n + i] = dt;
    }
    int rc = pk__expm(m, big, e);
    if (rc) return rc;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            phi[i * n + j] = e[i * m + j];
            gamma[i * n + j] = e[i * m + n + j];
        }
    return KC_OK;
}
