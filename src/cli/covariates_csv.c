/* covariates_csv.c — reads the covariate table of `pk population --covariates` (contract in
 * covariates_csv.h).  The plausibility ranges only catch unit mistakes (a weight in pounds or
 * grams); the models' own validity ranges are checked where the model is applied. */
#include "cli/covariates_csv.h"

#include <stdlib.h>
#include <string.h>

#include "base/quantity.h"

/* The next cell of *p (up to a comma or the end), NUL-terminated in place; *p moves past it and
 * becomes NULL after the last cell. */
static char *next_cell(char **p)
{
    char *cell = *p, *comma = strchr(cell, ',');
    if (comma) {
        *comma = '\0';
        *p = comma + 1;
    } else {
        *p = NULL;
    }
    return cell;
}

static int read_header(char *line, const char *name, int *cw, int *ca, struct kc_error *err)
{
    int c = 0;
    for (char *p = line; p; c++) {
        char *cell = next_cell(&p);
        int *col = !strcmp(cell, "weight_kg") || !strcmp(cell, "weight") ? cw
                   : !strcmp(cell, "age_y") || !strcmp(cell, "age")     ? ca
                                                                         : NULL;
        if (!col) continue;
        if (*col >= 0)
            return kc_error_set(err, KC_EINVAL, "--covariates %s: the header names the %s "
                                "column twice", name, col == cw ? "weight" : "age");
        *col = c;
    }
    if (*cw < 0 && *ca < 0)
        return kc_error_set(err, KC_EINVAL, "--covariates %s: the header needs weight_kg "
                            "and/or age_y", name);
    return KC_OK;
}

static int read_row(char *line, const char *name, size_t lineno, int cw, int ca,
                    struct pk_covariates *r, struct kc_error *err)
{
    int c = 0, seen = 0, want = (cw >= 0) + (ca >= 0);
    for (char *p = line; p; c++) {
        char *cell = next_cell(&p);
        double v;
        if (c != cw && c != ca) continue;
        int w = c == cw;
        if (kc_parse_double(cell, &v, NULL) || !(w ? v >= 0.5 && v <= 400 : v >= 0 && v <= 120))
            return kc_error_set(err, KC_EINVAL, "--covariates %s:%zu: %s '%.40s' is not "
                                "plausible (%s)", name, lineno, w ? "weight" : "age", cell,
                                w ? "0.5-400 kg" : "0-120 years");
        if (w) r->weight_kg = v;
        else r->age_y = v;
        seen++;
    }
    if (seen < want)
        return kc_error_set(err, KC_EINVAL, "--covariates %s:%zu: the row has %d cells; the %s "
                            "column is missing", name, lineno, c,
                            (cw >= c) ? "weight" : "age");
    return KC_OK;
}

/* One line into buf without its end ("\n", "\r\n").  1: a line, 0: end of file, KC_ELIMIT: longer
 * than size - 1, KC_EINVAL: a NUL byte (a binary file; it would cut the line short unseen). */
static int read_line(FILE *f, char *buf, size_t size)
{
    size_t len = 0;
    int ch = EOF;
    while ((ch = getc(f)) != EOF && ch != '\n') {
        if (ch == '\0') return KC_EINVAL;
        if (len == size - 1) return KC_ELIMIT;
        buf[len++] = (char)ch;
    }
    if (ch == EOF && len == 0) return 0;
    if (len && buf[len - 1] == '\r') len--;
    buf[len] = '\0';
    return 1;
}

int pk_covariates_csv_read(FILE *f, const char *name, const struct pk_covariates *base,
                           struct pk_covariates **out, size_t *n, struct kc_error *err)
{
    char line[PK_COV_CSV_MAX_LINE];
    int rc = KC_OK, cw = -1, ca = -1, header = 1;
    size_t cap = 0, lineno = 0, count = 0;
    struct pk_covariates *rows = NULL;
    int got;
    while ((got = read_line(f, line, sizeof line)) != 0) {
        lineno++;
        if (got == KC_ELIMIT) {
            rc = kc_error_set(err, KC_ELIMIT, "--covariates %s:%zu: line longer than %d bytes",
                              name, lineno, PK_COV_CSV_MAX_LINE - 1);
            goto out;
        }
        if (got < 0) {
            rc = kc_error_set(err, KC_EINVAL, "--covariates %s:%zu: a NUL byte (not a text "
                              "file)", name, lineno);
            goto out;
        }
        if (!line[0]) continue;
        if (header) {
            if ((rc = read_header(line, name, &cw, &ca, err))) goto out;
            header = 0;
            continue;
        }
        if (count == PK_COV_CSV_MAX_ROWS) {
            rc = kc_error_set(err, KC_ELIMIT, "--covariates %s: more than %d rows", name,
                              PK_COV_CSV_MAX_ROWS);
            goto out;
        }
        if (count == cap) {
            size_t nc = cap ? 2 * cap : 256;
            struct pk_covariates *r = realloc(rows, nc * sizeof *r);
            if (!r) {
                rc = kc_error_set(err, KC_ENOMEM, "out of memory reading --covariates %s", name);
                goto out;
            }
            rows = r, cap = nc;
        }
        rows[count] = *base;
        if ((rc = read_row(line, name, lineno, cw, ca, &rows[count], err))) goto out;
        count++;
    }
    if (ferror(f)) rc = kc_error_set(err, KC_EIO, "--covariates %s: read error", name);
    else if (!count) rc = kc_error_set(err, KC_EINVAL, "--covariates %s: no rows", name);
out:
    if (rc) {
        free(rows);
        return rc;
    }
    *out = rows;
    *n = count;
    return KC_OK;
}
