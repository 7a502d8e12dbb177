/* pk_args.h — argument handling shared by the `pk` subcommands and the demonstration:
 * covariates, doses, output times, and the model/patient lines printed above tables. */
#ifndef KC_CLI_PK_ARGS_H
#define KC_CLI_PK_ARGS_H

#include <jansson.h>

#include "cli/cli.h"
#include "pkpd/simulate.h"

#define PK_CLI_MAX_TIMES 20001

/* Options understood by every pk subcommand that simulates a patient. */
#define PK_CLI_PATIENT_OPTS                                                                        \
    {"weight", 1, 0, 0, {0}}, {"age", 1, 0, 0, {0}}, {"height", 1, 0, 0, {0}},                     \
        {"sex", 1, 0, 0, {0}}, {"asian", 0, 0, 0, {0}}, {"japanese", 0, 0, 0, {0}},               \
        {"dose", 1, 1, 0, {0}}, {"until", 1, 0, 0, {0}}, {"step", 1, 0, 0, {0}},                   \
        {"at", 1, 0, 0, {0}}, {"format", 1, 0, 0, {0}}, {"threshold", 1, 0, 0, {0}},               \
        {"ke0", 1, 0, 0, {0}}, {"tpeak", 1, 0, 0, {0}}, {"engine", 1, 0, 0, {0}}

struct pk_cli_case {
    struct pk_covariates cov;
    struct pk_dose doses[CLI_MAX_REPEAT];
    size_t n_doses;
    double times[PK_CLI_MAX_TIMES];
    size_t n_times;
    double threshold_ng_per_ml;
    double ke0_per_min;   /* 0 = model default */
    double tpeak_min;     /* 0 = not given */
    enum pk_engine_kind engine;
    enum cli_format format;
};

/* Reads the patient options into c (covariates, --threshold, --ke0/--tpeak, --engine, --format);
 * c is cleared first.  No doses and no time grid. */
int pk_cli_patient_parse(const struct cli_opt *opts, size_t nopts, struct pk_cli_case *c,
                         struct kc_error *err);
/* pk_cli_patient_parse plus the doses (at least one --dose) and the output grid
 * (default --until 240min, --step 5min; or --at). */
int pk_cli_case_parse(const struct cli_opt *opts, size_t nopts, struct pk_cli_case *c,
                      struct kc_error *err);

/* Individualises model m for the case (applies --ke0/--tpeak). */
int pk_cli_individualize(const struct pk_model *m, const struct pk_cli_case *c,
                         struct pk_indiv *ind, struct pk_notes *notes, struct kc_error *err);

/* "iv 35 mg base over 40 min at 0 min" */
void pk_cli_dose_text(const struct pk_dose *d, double weight_kg, char *buf, size_t size);

json_t *pk_cli_summary_json(const struct pk_summary *s, double s_fraction);
json_t *pk_cli_model_json(const struct pk_model *m);
void pk_cli_print_notes(FILE *f, const struct pk_notes *notes);

/* `pk compare` (cmd_pk_compare.c). */
int cmd_pk_compare(int argc, char **argv);

#endif
