/* dose.h — dose calculation for racemic ketamine (IV, IM, SC, oral, sublingual) and esketamine
 * nasal spray: weight basis with its formula, rates and volumes, salt vs base, per-route limits
 * (a protocol default maximum that needs a prescriber's reason, and a hard limit nothing can
 * exceed), titration across sessions, and the administrations the PK engine consumes.
 * The futility rule (no response after induction) is course_review() in course.h. */
#ifndef KC_CLINIC_DOSE_H
#define KC_CLINIC_DOSE_H

#include "base/error.h"
#include "clinic/protocol.h"

enum dose_route {
    DOSE_ROUTE_IV,
    DOSE_ROUTE_IM,
    DOSE_ROUTE_SC,
    DOSE_ROUTE_ORAL,
    DOSE_ROUTE_SL,
    DOSE_ROUTE_NASAL_ESK, /* esketamine (SPRAVATO) nasal devices */
    DOSE_ROUTE_NASAL_RAC, /* racemic ketamine intranasal ("in"; Lapidus 2014) */
};
/* AUTO (the default): ideal body weight at BMI >= iv.ibw_bmi_threshold (dose.obese_basis picks
 * ideal or adjusted), actual otherwise — Sanacora 2017 consensus as confirmed by Singh 2019. */
enum dose_basis { DOSE_BASIS_AUTO, DOSE_BASIS_ACTUAL, DOSE_BASIS_IDEAL, DOSE_BASIS_ADJUSTED };
/* What the dose treats: the limits differ (MDSI: 84 mg esketamine from day 1, label; CRPS:
 * 4-hour IV infusions by mg/kg/h, Schwartzman 2009). */
enum dose_indication { DOSE_IND_DEPRESSION, DOSE_IND_MDSI, DOSE_IND_CRPS };
enum dose_sex { DOSE_SEX_UNKNOWN, DOSE_SEX_MALE, DOSE_SEX_FEMALE };

/* "iv", "im", "sc", "oral", "sl", "nasal" (esketamine), "in" (racemic intranasal); NULL-safe;
 * KC_EINVAL naming the text. */
int dose_route_parse(const char *text, enum dose_route *out, struct kc_error *err);
const char *dose_route_name(enum dose_route r);
int dose_basis_parse(const char *text, enum dose_basis *out, struct kc_error *err);
const char *dose_basis_name(enum dose_basis b);
/* "depression" (also "trd", "mdd"), "mdsi", "crps" (also "pain"); KC_EINVAL naming the text. */
int dose_indication_parse(const char *text, enum dose_indication *out, struct kc_error *err);
const char *dose_indication_name(enum dose_indication i);

/* Devine ideal body weight (Devine, Drug Intell Clin Pharm 1974;8:650):
 * men 50 kg, women 45.5 kg, + 2.3 kg per inch of height above 60 in (152.4 cm).
 * Returns NAN for unknown sex or a non-finite height. */
double dose_ibw_devine_kg(double height_cm, enum dose_sex sex);
/* Adjusted body weight = IBW + 0.4 x (TBW - IBW) (Traynor et al., Antimicrob Agents Chemother
 * 1995;39:545; the usual 0.4 factor). */
double dose_adjusted_weight_kg(double ibw_kg, double actual_kg);

struct dose_weight {
    enum dose_basis basis;
    double actual_kg, ideal_kg, adjusted_kg; /* ideal/adjusted NAN when height or sex unknown */
    double used_kg;                          /* the weight the mg/kg multiplies */
    double bmi;                              /* NAN when height unknown */
    char formula[200];                       /* e.g. "IBW (Devine, male) = 50 + 2.3 x (68.9 - 60 in)" */
};

/* Computes the weight basis.  weight_kg 20-350; height_cm 100-250 or 0 (unknown); ideal and
 * adjusted need height and sex (KC_EINVAL otherwise).  When actual < ideal, ideal/adjusted
 * fall back to actual (never dose on more than the patient weighs) and the formula says so.
 * AUTO is resolved by dose_plan_compute (it needs the protocol); here it means actual. */
int dose_weight_compute(double weight_kg, double height_cm, enum dose_sex sex,
                        enum dose_basis basis, struct dose_weight *out, struct kc_error *err);

struct dose_request {
    enum dose_route route;
    double weight_kg;  /* required except for nasal esketamine (0 = not given) */
    double height_cm;  /* 0 = unknown */
    enum dose_sex sex;
    enum dose_basis basis;
    double mg_per_kg;       /* weight-based dose; 0 when fixed_mg is used (0 and 0: protocol default) */
    double fixed_mg;        /* fixed dose (oral, SL, nasal); 0 when mg_per_kg is used */
    int amount_is_salt;     /* fixed_mg is mg of the HCl salt (compounded oral/SL), not base */
    double duration_min;    /* IV infusion length; 0 = protocol default */
    double conc_mg_per_ml;  /* bag/syringe/vial concentration, mg base per mL; 0 = not given */
    double container_ml;    /* bag or syringe volume; 0 = not given */
    const char *override_reason; /* prescriber's reason for a dose above the default maximum */
    int age_years;          /* 0 = not given (required for nasal esketamine) */
    int first_dose;         /* nasal esketamine: 1 = first session of the course */
    double t_start_min;     /* when the administration starts, for the PK engine */
    enum dose_indication indication; /* DEPRESSION (0) unless said */
};

/* One administration as the PK engine consumes it: amount in mg BASE, starting at t_start_min,
 * given over duration_min (0 = bolus into the route's compartment).  Nasal esketamine is one
 * administration per device. */
struct dose_admin {
    enum dose_route route;
    double amount_mg_base;
    double t_start_min;
    double duration_min;
};

#define DOSE_MAX_ADMIN 4
#define DOSE_MAX_NOTES 8

struct dose_plan {
    enum dose_route route;
    const char *drug;          /* "ketamine (racemic)" or "esketamine" */
    int weight_based;
    struct dose_weight weight; /* valid when weight_based or weight given */
    double mg_per_kg;          /* dose / used weight (also for fixed doses when weight known) */
    double dose_mg_base;
    double dose_mg_salt;       /* the same amount as hydrochloride salt */
    double duration_min;       /* IV infusion length; nasal: first to last device */
    double rate_mg_per_min;    /* IV; 0 otherwise */
    double volume_ml;          /* volume to draw/infuse at conc; 0 when no concentration */
    char volume_text[32];      /* dose_volume_text of volume_ml ("0.35 mL"); "" when none */
    int volume_measurable;     /* 0: not measurable at syringe precision (a note says so) */
    double rate_ml_per_h;      /* IV with a concentration; 0 otherwise */
    int n_devices;             /* nasal esketamine */
    double default_max, hard_limit; /* in limit_unit, from the protocol */
    const char *limit_unit;    /* "mg/kg" or "mg" */
    int override_used;         /* above the default maximum, allowed by a prescriber's reason */
    char override_reason[200];
    char notes[DOSE_MAX_NOTES][200];
    int n_notes;
    struct dose_admin admin[DOSE_MAX_ADMIN];
    int n_admin;
    struct protocol_trace trace;
};

/* Plans one dose.  Refused (KC_ERANGE, the message names the limit and its protocol entry):
 * above the route's hard limit, whatever the override; above the default maximum without an
 * override reason.  Nasal esketamine: 28/56/84 mg only (whole devices), adults only, first dose
 * 56 mg (28 mg from age 65), 84 mg only after a 56 mg start.  Bad input (KC_EINVAL) names the
 * field.  out is filled on success only. */
int dose_plan_compute(const struct protocol *p, const struct dose_request *req,
                      struct dose_plan *out, struct kc_error *err);

#define DOSE_MAX_STEPS 32
struct dose_titration {
    enum dose_route route;
    int n;
    double mg_per_kg[DOSE_MAX_STEPS]; /* session 1..n */
    double mg[DOSE_MAX_STEPS];        /* oral: the fixed amount in mg base; 0 for mg/kg routes */
    int needs_override[DOSE_MAX_STEPS];
    double min_interval_days;
    struct protocol_trace trace;
};

/* Titration across sessions: start, start + step, ... up to ceiling (the last step is the
 * ceiling), e.g. 0.1 + 0.1 to 0.5 mg/kg (Loo 2016).  Zero arguments take the protocol's
 * titration entries.  Weight-based routes only (IV, IM, SC).  A ceiling above the hard limit is
 * refused; steps above the default maximum need override_reason and are flagged. */
int dose_titrate(const struct protocol *p, enum dose_route route, double start_mg_per_kg,
                 double step_mg_per_kg, double ceiling_mg_per_kg, const char *override_reason,
                 struct dose_titration *out, struct kc_error *err);

/* Oral titration (Al Shirawi 2017): oral.start_mg, + oral.step_mg per step, at least
 * oral.min_interval_days apart, up to ceiling_mg (0 = oral.max_default_mg_per_kg x weight_kg,
 * rounded down to a whole step).  weight_kg 20-350 is required (per-kg limits).  A ceiling
 * above oral.hard_limit_mg or oral.hard_limit_mg_per_kg is refused; steps above the default
 * maximum need override_reason and are flagged. */
int dose_titrate_oral(const struct protocol *p, double weight_kg, double ceiling_mg,
                      const char *override_reason, struct dose_titration *out,
                      struct kc_error *err);

/* The plan as doses for the PK engine (pkpd/simulate.h): amounts in mg base (salt 0, per_kg 0)
 * with start and duration.  Nasal esketamine is ONE pk_dose of the whole amount: the engine
 * expands devices itself (28 mg, 5 min apart).  SC has no PK route yet: KC_EUNSUPPORTED.
 * Writes at most max doses; *n receives the count. */
struct pk_dose;
int dose_pk_doses(const struct dose_plan *d, struct pk_dose *out, unsigned max, unsigned *n,
                  struct kc_error *err);

/* The one way a volume is shown (CLI, web, printouts; JSON keeps full precision): at the
 * precision a syringe measures — 0.01 mL below 1 mL, 0.1 mL from 1 mL — unless rounding there
 * would change the dose by more than dose.volume_display_tolerance_pct, in which case up to 4
 * decimals are shown ("0.045 mL", never "0.0 mL" or "0.05 mL") and *measurable (may be NULL) is 0:
 * the volume cannot be drawn up as written on that syringe.  Examples: 0.05 -> "0.05 mL",
 * 0.35 -> "0.35 mL", 0.045 -> "0.045 mL" (not measurable), 12.5 -> "12.5 mL".  out gets
 * "<number> mL"; KC_EINVAL for a volume that is not above 0 or is above 10000 mL. */
int dose_volume_text(const struct protocol *p, double ml, char *out, size_t cap, int *measurable,
                     struct kc_error *err);

#endif
