/* covariates_csv.h — the covariate table of `ketaclinic pk population --covariates FILE.csv`:
 * one simulated patient per row, with a weight and/or an age taken from the file. */
#ifndef KC_CLI_COVARIATES_CSV_H
#define KC_CLI_COVARIATES_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "base/error.h"
#include "pkpd/model.h"

#define PK_COV_CSV_MAX_ROWS 1000000
#define PK_COV_CSV_MAX_LINE 1024 /* bytes, with the line end */

/* Reads the table from f (name: for messages).  The first non-empty line is the header; it must
 * name weight_kg (or weight) and/or age_y (or age), each at most once, among any other columns.
 * Every later non-empty line is a patient: *base with the weight/age cells of that row.  Cells
 * are split at every comma (an empty cell is a cell, so columns never shift); a row whose
 * weight or age cell is missing, empty, not a number or implausible (weight 0.5-400 kg, age
 * 0-120 y) is KC_EINVAL naming the line and the cell; a longer line or more rows is KC_ELIMIT.
 * On success *out is a malloc'd array of *n >= 1 rows (the caller frees it); on failure *out
 * and *n are untouched. */
int pk_covariates_csv_read(FILE *f, const char *name, const struct pk_covariates *base,
                           struct pk_covariates **out, size_t *n, struct kc_error *err);

#endif
