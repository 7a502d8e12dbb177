/* tci.h — target-controlled infusion of ketamine: the rate a syringe pump should run, every update
 * interval, to bring the plasma (Bailey/Shafer/Jacobs) or effect-site (Shafer & Gregg 1992)
 * concentration to a target; a pump model with its limits; replay of a logged rate history; and
 * the decrement time after the pump stops.  Exact: the engine is linear and exact for
 * piecewise-constant rates (engine.h).  Pure: no I/O, no clocks; IV (port 0) only. */
#ifndef KC_PKPD_TCI_H
#define KC_PKPD_TCI_H

#include <stddef.h>

#include "base/error.h"
#include "pkpd/model.h"

/* STANPUMP's update interval: delta_seconds defaults to 10 s (command line allows 10-60 s);
 * the R package tci (jarretrt/tci) also uses dtm = 1/6 min.  Reference pkpd.md §3b. */
#define TCI_DEFAULT_INTERVAL_MIN (10.0 / 60.0)
/* STANPUMP's per-drug maximum infusion rate for ketamine: 0.75 mg/kg/min (pkpd.md §3b). */
#define TCI_KETAMINE_MAX_MG_PER_KG_PER_MIN 0.75
/* Rate resolution: 0.1 mL/h, the pump specification of issue 4 and a common syringe-driver step;
 * not checked against a particular pump's manual (docs/clinical-sources.md marks it "?"). */
#define TCI_DEFAULT_RESOLUTION_ML_PER_H 0.1
/* Ketalar (ketamine HCl injection) label: supplied as 10, 50 and 100 mg/mL (as ketamine base);
 * 10 mg/mL is the default syringe here.  STANPUMP assumed 100 mg/mL for anaesthesia. */
#define TCI_DEFAULT_SYRINGE_MG_PER_ML 10.0
/* STANPUMP: once Ce is within 5% of the target, effect mode hands over to plasma mode (§3b). */
#define TCI_EFFECT_TO_PLASMA 0.05
/* Plasma overshoot caps for effect-site targeting (issue 14: uncapped Shafer-Gregg targeting of
 * 200 ng/mL with Olofsen's ke0 drives Cp to ~3000 ng/mL, deep in the anaesthetic range).
 * The STANPUMP family limits the plasma concentration the effect-site controller may reach:
 * STANPUMP has a per-drug "maximum reasonable" Cp (10 ug/mL for ketamine, an anaesthesia
 * setting; pkpd.md s3b), and Van Poucke, Bravo & Shafer 2004 (IEEE TBME 51:1869) and opentiva's
 * cp_limit cap the overshoot as a multiple of the target.  Both are applied here:
 *   factor: Cp at most 2 x the target (product decision: keeps a 200 ng/mL target's plasma at or
 *           below 400 ng/mL, a third of the anaesthetic range's lower end);
 *   ceiling: Cp never above 1000 ng/mL, below the anaesthesia landmark 1200-2400 ng/mL
 *           (Zanos et al., Pharmacol Rev 2018;70:621, Table 1), whatever the target. */
#define TCI_DEFAULT_CP_CAP_FACTOR 2.0
#define TCI_DEFAULT_CP_MAX_NG_PER_ML 1000.0
#define TCI_CP_CAP_FACTOR_MAX 5.0      /* the faces refuse a larger factor */
#define TCI_CP_MAX_LIMIT_NG_PER_ML 1200.0 /* ... and a ceiling inside the anaesthetic range */

enum tci_mode { TCI_OFF, TCI_PLASMA, TCI_EFFECT };

/* From t_min on, aim for conc_ng_per_ml in mode (TCI_OFF: pump stopped).  A change takes effect
 * at the first pump update at or after t_min. */
struct tci_target {
    double t_min;
    enum tci_mode mode;
    double conc_ng_per_ml;
};

/* The pump between start and end (minutes) is paused: rate 0, whatever the target. */
struct tci_pause {
    double t0_min, t1_min;
};

struct tci_pump {
    double syringe_mg_per_ml;          /* drug base per mL of infusate, > 0 */
    double max_ml_per_h;               /* 0 = no volume-rate limit */
    double max_mg_per_kg_per_min;      /* 0 = no limit; ketamine 0.75 (STANPUMP) */
    double resolution_ml_per_h;        /* rates are rounded to a multiple of this; 0 = exact */
    double interval_min;               /* update interval, > 0 */
};

/* Defaults above: 10 mg/mL, no mL/h limit, 0.75 mg/kg/min, 0.1 mL/h, 10 s. */
void tci_pump_default(struct tci_pump *p);

struct tci_request {
    const struct pk_indiv *ind;        /* borrowed; must be a model the engine can run */
    const struct tci_target *targets;  /* ascending t_min; the first should start at 0 */
    size_t n_targets;
    const struct tci_pause *pauses;    /* any order, may be NULL */
    size_t n_pauses;
    struct tci_pump pump;
    double until_min;                  /* end of the run, > 0 */
    /* Plasma overshoot caps (see TCI_DEFAULT_CP_*): in effect mode the predicted Cp at the end of
     * an interval never exceeds cp_cap_factor x target nor cp_max_ng_per_ml; a plasma target
     * above cp_max_ng_per_ml is refused.  0 = the default (2 x, 1000 ng/mL), so a request built
     * from zeros is capped.  cp_uncapped = 1 turns both off: the bare Shafer-Gregg algorithm, for
     * research and the algorithm's own tests; no clinic face offers it. */
    double cp_cap_factor;    /* >= 1, or 0 = TCI_DEFAULT_CP_CAP_FACTOR */
    double cp_max_ng_per_ml; /* > 0, or 0 = TCI_DEFAULT_CP_MAX_NG_PER_ML */
    int cp_uncapped;
};

/* One pump update (and the last row: the state at until_min, rate 0). */
struct tci_row {
    double t_min;
    double rate_mg_per_min;   /* held from t_min to the next row */
    double rate_ml_per_h;
    double cumulative_mg;     /* delivered before t_min */
    double cp_ng_per_ml, ce_ng_per_ml; /* at t_min, before the new rate acts */
    enum tci_mode mode;       /* what the pump was doing (TCI_OFF also when paused) */
    double target_ng_per_ml;
    int limited;              /* 1: the rate was cut by a pump limit (max rate) */
    int cp_capped;            /* 1: the rate was cut by the plasma overshoot cap (effect mode):
                                 Ce reaches the target later than uncapped targeting would */
};

/* Rows needed for req: one per update interval plus the final one. */
size_t tci_row_count(const struct tci_request *req);

/* Runs the controller.  rows must hold tci_row_count(req) entries; *n_rows receives how many
 * were written.  Bad request (no targets, non-positive interval or syringe, targets not
 * ascending, a depot-only model, a cap factor below 1, a plasma target above the ceiling):
 * KC_EINVAL naming the field; too few rows: KC_ELIMIT. */
int tci_run(const struct tci_request *req, struct tci_row *rows, size_t max_rows, size_t *n_rows,
            struct kc_error *err);

/* Replays a logged rate history: rows[i].rate_mg_per_min held from rows[i].t_min to
 * rows[i+1].t_min (the last row's rate is ignored).  Rewrites cumulative_mg, cp and ce of every
 * row; the other fields are left as they are.  Times must be ascending. */
int tci_replay(const struct pk_indiv *ind, struct tci_row *rows, size_t n_rows,
               struct kc_error *err);

/* Decrement time: after the pump stops at the end of rows[n_rows-1] state (replayed from the
 * rates), minutes until Cp (use_ce = 0) or Ce (use_ce = 1) falls below level_ng_per_ml and stays
 * below.  0 when it is already below and will stay there.  Not reached within 7 days:
 * KC_ERANGE.  The search steps 0.1 min and bisects the crossing to 1e-6 min. */
int tci_decrement_time(const struct pk_indiv *ind, const struct tci_row *rows, size_t n_rows,
                       double level_ng_per_ml, int use_ce, double *t_min, struct kc_error *err);

const char *tci_mode_name(enum tci_mode m); /* "off", "plasma", "effect" */

#endif
