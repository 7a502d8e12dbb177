/* params.c — writes the benchmark population's individual parameters (the same patients as
 * `ketaclinic pk population` with the same seed: pop_patient draws them from the same Philox
 * streams) so that the peers (deSolve, SciPy, CVODE) solve exactly these patients.
 * usage: params N SEED CV > params.csv   (Domino 1984, 70 kg, 0.5 mg/kg over 40 min) */
#include <stdio.h>
#include <stdlib.h>

#include "pkpd/population.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: params N SEED CV\n");
        return 2;
    }
    long n = strtol(argv[1], NULL, 10);
    unsigned long long seed = strtoull(argv[2], NULL, 10);
    double cv = strtod(argv[3], NULL);
    struct pop_request r = {0};
    struct kc_error err = {0};
    static double times[2] = {0, 240};
    struct pk_dose dose;
    if (pk_model_find("domino1984", &r.model, &err) || pk_dose_parse("iv 0.5mg/kg over 40min", &dose, &err) ||
        pop_omega_for_model(r.model, cv, &r.n_eta, r.omega, &err)) {
        fprintf(stderr, "params: %s\n", err.msg);
        return 1;
    }
    r.base = (struct pk_covariates){70, 40, 0, PK_SEX_UNKNOWN, 0, 0};
    r.weight_kg = (struct pop_dist){POP_DIST_FIXED, 70, 0, 0.5, 400};
    r.age_y = (struct pop_dist){POP_DIST_FIXED, 40, 0, 0, 120};
    r.doses = &dose;
    r.n_doses = 1;
    r.times_min = times;
    r.n_times = 2;
    r.seed = seed;
    r.n_patients = n;
    r.threads = 1;
    printf("v1_l,k10,k12,k13,k21,k31,rate_mg_per_min,infusion_min\n");
    for (long i = 0; i < n; i++) {
        struct pk_indiv ind;
        if (pop_patient(&r, i, &ind, NULL, NULL, NULL, &err)) {
            fprintf(stderr, "params: %s\n", err.msg);
            return 1;
        }
        printf("%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", ind.v1_l, ind.k10, ind.k12, ind.k13,
               ind.k21, ind.k31, 0.5 * ind.weight_kg / 40.0, 40.0);
    }
    return 0;
}
