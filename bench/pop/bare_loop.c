/* bare_loop.c — the machine's limit for this workload: per patient, three exponential states
 * (Domino's disposition poles, varied a little per patient), the decay factors for a 1-min step
 * (3 exp() and 3 divisions), and 240 updates s_i = s_i d_i + r g_i with Cp = sum c_i s_i.  No
 * random draws, no individualisation, no statistics: only the exponential updates.
 * usage: bare_loop N  ->  "patients seconds cpu_seconds" on stderr. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    const double lam[3] = {1.72404, 0.151516, 0.0060467}, a[3] = {0.93460, 0.05715, 0.00825};
    struct timespec t0, t1;
    double sink = 0;
    clock_t c0 = clock();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        double f = 1.0 + 1e-7 * (double)(i & 1023), d[3], g[3], c[3], s[3] = {0, 0, 0};
        for (int k = 0; k < 3; k++) {
            double l = lam[k] * f;
            d[k] = exp(-l);
            g[k] = (1.0 - d[k]) / l;
            c[k] = a[k] / 4.41 * 1000.0;
        }
        double mx = 0;
        for (int j = 1; j <= 240; j++) {
            double r = j <= 40 ? 0.875 : 0.0;
            for (int k = 0; k < 3; k++) s[k] = s[k] * d[k] + r * g[k];
            double cp = c[0] * s[0] + c[1] * s[1] + c[2] * s[2];
            mx = cp > mx ? cp : mx;
        }
        sink += mx;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    fprintf(stderr, "%ld %.6f %.6f\n", n, secs, (double)(clock() - c0) / CLOCKS_PER_SEC);
    printf("%.6g\n", sink / n);
    return 0;
}
