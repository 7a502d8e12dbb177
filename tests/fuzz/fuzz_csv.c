/* fuzz_csv.c — libFuzzer driver for the covariate table of `pk population --covariates`
 * (src/cli/covariates_csv.c).  Besides crashes it checks the reader's promise: every row it
 * accepts has a plausible weight and age, and a refusal names the problem. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/covariates_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 1 << 16) return 0;
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f) return 0;
    struct pk_covariates base = {.weight_kg = 70, .age_y = 40}, *rows = NULL;
    size_t n = 0;
    struct kc_error err = {0};
    if (pk_covariates_csv_read(f, "fuzz.csv", &base, &rows, &n, &err) == KC_OK) {
        if (n == 0) abort();
        for (size_t i = 0; i < n; i++)
            if (!(rows[i].weight_kg >= 0.5 && rows[i].weight_kg <= 400 && rows[i].age_y >= 0 &&
                  rows[i].age_y <= 120)) {
                fprintf(stderr, "fuzz_csv: row %zu accepted with weight %g age %g\n", i + 1,
                        rows[i].weight_kg, rows[i].age_y);
                abort();
            }
        free(rows);
    } else if (!err.msg[0]) {
        fprintf(stderr, "fuzz_csv: refused without a message\n");
        abort();
    }
    fclose(f);
    return 0;
}
