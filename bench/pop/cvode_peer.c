/* cvode_peer.c — the compiled peer: each patient's three-compartment ODE solved with SUNDIALS
 * CVODE (BDF, dense Newton, rtol 1e-8, atol 1e-12 mg), the infusion's end as a restart, output
 * every minute to 240 min.  Reads params.csv; stops after N patients or BENCH_SECONDS seconds.
 * Prints "patients seconds cpu_seconds" on stderr and the per-minute lower medians (rank ceil(n/2)) on stdout. */
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <time.h>

#define NT 241

struct par {
    double v1, k10, k12, k13, k21, k31, rate, tinf;
    double r; /* current rate */
};

static int rhs(sunrealtype t, N_Vector y, N_Vector dy, void *ud)
{
    (void)t;
    const struct par *p = ud;
    double *a = N_VGetArrayPointer(y), *d = N_VGetArrayPointer(dy);
    d[0] = p->r - (p->k10 + p->k12 + p->k13) * a[0] + p->k21 * a[1] + p->k31 * a[2];
    d[1] = p->k12 * a[0] - p->k21 * a[1];
    d[2] = p->k13 * a[0] - p->k31 * a[2];
    return 0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cvode_peer params.csv MAX_N\n");
        return 2;
    }
    long max_n = strtol(argv[2], NULL, 10);
    double budget = getenv("BENCH_SECONDS") ? strtod(getenv("BENCH_SECONDS"), NULL) : 60.0;
    FILE *f = fopen(argv[1], "r");
    if (!f) return 1;
    char line[512];
    if (!fgets(line, sizeof line, f)) return 1;
    struct par *ps = malloc(sizeof *ps * (size_t)max_n);
    long n = 0;
    while (n < max_n && fgets(line, sizeof line, f)) {
        struct par *p = &ps[n];
        if (sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &p->v1, &p->k10, &p->k12, &p->k13, &p->k21,
                   &p->k31, &p->rate, &p->tinf) == 8)
            n++;
    }
    fclose(f);
    double *cp = malloc(sizeof *cp * NT * (size_t)n);
    SUNContext ctx;
    if (SUNContext_Create(NULL, &ctx)) return 1;
    N_Vector y = N_VNew_Serial(3, ctx);
    SUNMatrix A = SUNDenseMatrix(3, 3, ctx);
    SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
    void *mem = CVodeCreate(CV_BDF, ctx);
    double *a = N_VGetArrayPointer(y);
    a[0] = a[1] = a[2] = 0;
    CVodeInit(mem, rhs, 0.0, y);
    CVodeSStolerances(mem, 1e-8, 1e-12);
    CVodeSetLinearSolver(mem, LS, A);
    CVodeSetMaxNumSteps(mem, 100000);
    double t0 = now();
    clock_t c0 = clock();
    long done = 0;
    for (long i = 0; i < n; i++) {
        struct par *p = &ps[i];
        a[0] = a[1] = a[2] = 0;
        p->r = p->rate;
        CVodeSetUserData(mem, p);
        CVodeReInit(mem, 0.0, y);
        CVodeSetStopTime(mem, p->tinf);
        cp[i * NT] = 0;
        for (int j = 1; j < NT; j++) {
            sunrealtype t;
            if (j == (int)p->tinf + 1) { /* restart after the infusion ends */
                p->r = 0;
                CVodeReInit(mem, p->tinf, y);
            }
            int rc = CVode(mem, (double)j, y, &t, CV_NORMAL);
            if (rc < 0) {
                fprintf(stderr, "cvode failed at patient %ld, t %d: %d\n", i, j, rc);
                return 1;
            }
            if (j == (int)p->tinf) CVodeSetStopTime(mem, 1e9);
            cp[i * NT + j] = a[0] / p->v1 * 1000.0;
        }
        done++;
        if (now() - t0 > budget) break;
    }
    double secs = now() - t0;
    fprintf(stderr, "%ld %.6f %.6f\n", done, secs, (double)(clock() - c0) / CLOCKS_PER_SEC);
    double *col = malloc(sizeof *col * (size_t)done);
    for (int j = 0; j < NT; j++) {
        for (long i = 0; i < done; i++) col[i] = cp[i * NT + j];
        qsort(col, (size_t)done, sizeof *col, cmp);
        printf("%d,%.12g\n", j, col[(done + 1) / 2 - 1]);
    }
    return 0;
}
