/* cmd_demo.c — the engine demonstration shown by `make run`: the standard antidepressant
 * infusion (0.5 mg/kg IV over 40 min, Sanacora 2017) for a 70 kg, 40-year-old adult under every
 * shipped model, beside the concentration observed in trials. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "pkpd/simulate.h"

/* Observed at the end of this regimen: about 185 ng/mL (Zanos 2018 Pharmacol Rev 70:621,
 * Table 1, citing Zarate 2006). */
#define OBSERVED_END_NG_PER_ML 185.0

int cmd_demo(int argc, char **argv)
{
    (void)argv;
    if (argc > 0) {
        fprintf(stderr, "ketaclinic: demo takes no arguments\n");
        return CLI_EXIT_USAGE;
    }
    static const double times[] = {10, 20, 40, 60, 120, 240};
    enum { NT = sizeof times / sizeof times[0] };
    struct pk_dose dose;
    struct kc_error err = {0};
    if (pk_dose_parse("iv 0.5mg/kg over 40min", &dose, &err)) return cli_fail(&err);
    struct pk_covariates cov = {70, 40, NAN, PK_SEX_UNKNOWN, 0, 0};

    printf("ketaclinic engine demonstration: 0.5 mg/kg IV over 40 min (35 mg), 70 kg, 40 years\n"
           "Plasma concentration (ng/mL) of the model's species; exact closed-form simulation.\n\n");
    printf("%-16s %-8s %-7s", "model", "drug", "site");
    for (int k = 0; k < NT; k++) printf(" %6.0fmin", times[k]);
    printf(" %8s %9s %11s\n", "Cmax", "AUC0-4h", "<100ng/mL");
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < pk_model_count(); i++) {
        const struct pk_model *m = pk_model_at(i);
        struct pk_indiv ind;
        struct pk_notes notes = {0};
        if (pk_individualize(m, &cov, NULL, 0, &ind, &notes, &err)) return cli_fail(&err);
        struct pk_point p[NT];
        struct pk_summary s;
        struct pk_sim_request req = {&ind, &dose, 1, times, NT, 100.0, PK_ENGINE_AUTO};
        if (pk_simulate(&req, p, &s, &notes, &err)) return cli_fail(&err);
        int outside = notes.n > 0 && strncmp(notes.text[0], "warning", 7) == 0;
        printf("%-16s %-8s %-7s", m->id, m->enantiomer == PK_RACEMIC ? "racemic" : "esket.",
               pk_site_name(m->site));
        for (int k = 0; k < NT; k++) printf(" %9.1f", p[k].cp_ng_per_ml);
        printf(" %8.1f %9.1f %8.1fmin%s\n", s.cmax_ng_per_ml, s.auc_ng_h_per_ml,
               s.t_below_min - s.last_input_end_min, outside ? "  (outside its range)" : "");
        if (m->enantiomer == PK_RACEMIC && !outside) {
            lo = fmin(lo, p[2].cp_ng_per_ml);
            hi = fmax(hi, p[2].cp_ng_per_ml);
        }
    }
    printf("\nAt the end of the infusion the adult racemic models predict %.0f-%.0f ng/mL; trials "
           "observed about %.0f ng/mL\n(Zanos 2018, citing Zarate 2006). The spread is the "
           "uncertainty: no single model is the truth.\n", lo, hi, OBSERVED_END_NG_PER_ML);
    printf("Dissociation is reported at 100-250 ng/mL (Krystal 1994); the last column is how long "
           "after the end of the\ninfusion Cp stays below 100 ng/mL. No validated "
           "concentration-antidepressant response model exists.\n");
    printf("\nTry: ketaclinic pk models | pk simulate --model domino1984 --weight 70 --dose \"iv "
           "0.5mg/kg over 40min\"\n     ketaclinic pk compare --weight 70 --dose \"iv 0.5mg/kg over "
           "40min\"\n");
    return CLI_EXIT_OK;
}
