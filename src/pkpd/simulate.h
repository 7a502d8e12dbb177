/* simulate.h — simulation of one patient under a regimen of doses: concentrations in plasma,
 * effect site and (where modelled) metabolite, amounts in each compartment, and the exposure
 * summary a clinic needs (Cmax, Tmax, AUC, time above a level, time to fall below it).
 * Exact for piecewise-constant input (see engine.h).  Pure: no I/O; no allocation. */
#ifndef KC_PKPD_SIMULATE_H
#define KC_PKPD_SIMULATE_H

#include <stddef.h>

#include "base/error.h"
#include "pkpd/model.h"

enum pk_engine_kind { PK_ENGINE_AUTO, PK_ENGINE_EXPO, PK_ENGINE_EXPM };
const char *pk_engine_name(enum pk_engine_kind kind); /* "auto", "exponential-states", "matrix-exponential" */

/* One dose as a clinician writes it: "iv 0.5mg/kg over 40min at 5min", "in 56mg", "po 32.3mg hcl". */
struct pk_dose {
    enum pk_route route;
    double amount;        /* mg, or mg/kg when per_kg; as written */
    int per_kg;
    int salt;             /* 1: amount is the hydrochloride salt, converted to base */
    double start_min;     /* "at" */
    double duration_min;  /* "over"; 0 = bolus.  Only IV doses can run over a duration. */
};

/* Parses "ROUTE AMOUNT [hcl|base] [over DURATION] [at TIME]", ROUTE one of iv, im, in, po, sl;
 * AMOUNT in mg, g, ug or per kg; DURATION and TIME in s, min or h.  Errors name the bad word. */
int pk_dose_parse(const char *text, struct pk_dose *out, struct kc_error *err);

/* Amount of drug base in mg (converts mg/kg with weight_kg and salt to base). */
int pk_dose_amount_mg(const struct pk_dose *d, double weight_kg, double *mg_base,
                      struct kc_error *err);

/* A dose turned into what enters the model: amount_mg into engine port `port`, as a bolus at t0
 * (t1 == t0) or at a constant rate over [t0, t1). */
struct pk_input {
    int port;
    double t0_min, t1_min;
    double amount_mg;
};
#define PK_MAX_INPUTS 512

/* Nasal esketamine devices less than this apart (min) belong to one occasion: the label spaces
 * them 5 min apart (the clinic may use up to 15, esk.device_spacing_min), and occasions are
 * sessions days apart. */
#define PK_NASAL_OCCASION_MIN 30.0

/* Expands doses for individual ind: bioavailability, lag, esketamine nasal devices (28 mg, 5 min
 * apart, FRn per device and the swallowed rest), zero-order gut inputs.  Writes at most max inputs.
 * systemic_mg (may be NULL) receives the total that reaches the systemic circulation: F x dose
 * for the mammillary models; for Perez-Ruixo esketamine the nasal part absorbed plus the
 * swallowed and oral parts after gut and hepatic first pass (Fgut x (1 - E)), so that it equals
 * AUC x CL (issue 14: it was counted before the liver).  Nasal doses written as separate entries
 * less than PK_NASAL_OCCASION_MIN apart are devices 1, 2, 3 of one occasion (FRn decrement).
 * Unsupported route or bad duration: KC_EUNSUPPORTED / KC_EINVAL naming the dose. */
int pk_regimen_expand(const struct pk_indiv *ind, const struct pk_dose *doses, size_t n_doses,
                      struct pk_input *inputs, size_t max, size_t *n_inputs, double *systemic_mg,
                      struct pk_notes *notes, struct kc_error *err);

#define PK_MAX_AMOUNTS 12

/* The state of the patient at one time. */
struct pk_point {
    double t_min;
    double cp_ng_per_ml;       /* plasma, of the model's species (racemic or S) */
    double ce_ng_per_ml;       /* effect site, same species */
    double met_ng_per_ml;      /* metabolite (noresketamine); NAN when not modelled */
    double auc_ng_min_per_ml;  /* integral of Cp from 0 */
    double amount_mg[PK_MAX_AMOUNTS]; /* see pk_amount_names */
};

/* Names of the amount_mg[] entries for this individual's model; returns how many. */
int pk_amount_names(const struct pk_indiv *ind, const char **names, int max);

struct pk_sim_request {
    const struct pk_indiv *ind;
    const struct pk_dose *doses;
    size_t n_doses;
    const double *times_min;   /* output times, ascending, >= 0 */
    size_t n_times;
    double threshold_ng_per_ml; /* for time-above and time-to-fall-below; 0 = none */
    enum pk_engine_kind engine;
};

struct pk_summary {
    double cmax_ng_per_ml, tmax_min;        /* plasma peak over [0, last output time] */
    double ce_max_ng_per_ml, ce_tmax_min;
    double met_max_ng_per_ml, met_tmax_min; /* NAN when no metabolite */
    double auc_ng_h_per_ml;                 /* 0 to the last output time */
    double threshold_ng_per_ml;
    double time_above_min;                  /* time with Cp above the threshold */
    double last_input_end_min;              /* end of the last dose (absorption excluded) */
    double t_below_min;      /* time after which Cp stays below the threshold; NAN if not found
                                within 7 days after the last output time */
    double total_dose_mg;    /* base, as given */
    double systemic_mg;      /* reaching the systemic circulation (see pk_regimen_expand) */
    double entered_mg;       /* entering the model's compartments (before any first pass) */
    enum pk_engine_kind engine_used;
};

/* Simulates req; out[i] is the state at req->times_min[i] (boluses at that time included).
 * sum may be NULL.  On error nothing useful is in out. */
int pk_simulate(const struct pk_sim_request *req, struct pk_point *out, struct pk_summary *sum,
                struct pk_notes *notes, struct kc_error *err);

#endif
