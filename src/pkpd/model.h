/* model.h — pharmacokinetic models of ketamine and esketamine as data with provenance, and their
 * individualisation for one patient (covariates and, for population work, random effects).
 * Pure: no I/O, no globals besides the constant model table. */
#ifndef KC_PKPD_MODEL_H
#define KC_PKPD_MODEL_H

#include <stddef.h>

#include "base/error.h"

/* Molar masses (g/mol): ketamine/esketamine base C13H16ClNO 237.73; hydrochloride 274.19.
 * Spravato label: 32.3 mg esketamine HCl = 28 mg esketamine base (ratio 0.8670). */
#define PK_MW_KETAMINE_BASE 237.73
#define PK_MW_KETAMINE_HCL 274.19
#define PK_SALT_TO_BASE (PK_MW_KETAMINE_BASE / PK_MW_KETAMINE_HCL)

enum pk_route { PK_ROUTE_IV, PK_ROUTE_IM, PK_ROUTE_IN, PK_ROUTE_PO, PK_ROUTE_SL, PK_ROUTE_COUNT };
enum pk_site { PK_SITE_ARTERIAL, PK_SITE_VENOUS, PK_SITE_MIXED };
enum pk_enantiomer { PK_RACEMIC, PK_S_KETAMINE };
enum pk_structure {
    PK_STRUCT_MAMMILLARY,   /* 1-3 compartments, first-order depots, effect site */
    PK_STRUCT_PEREZ_RUIXO,  /* esketamine: 3 cmt + hepato-portal cmt + noresketamine 2 cmt */
};
enum pk_confidence {
    PK_CONF_VERIFIED,   /* parameters checked against a retrieved source */
    PK_CONF_CODE,       /* as coded in an open tool, the paper itself not retrieved */
    PK_CONF_SUMMARY,    /* summary statistics turned into a model by us */
};
enum pk_sex { PK_SEX_UNKNOWN = 0, PK_SEX_MALE, PK_SEX_FEMALE };

/* Covariates; NAN means "not given". */
struct pk_covariates {
    double weight_kg;
    double age_y;
    double height_cm;
    enum pk_sex sex;
    int asian;    /* 1 if Asian (Perez-Ruixo kel and CLn effects) */
    int japanese; /* 1 if Japanese (Perez-Ruixo FRn effect); implies asian */
};
#define PK_COV_WEIGHT 1u
#define PK_COV_AGE 2u
#define PK_COV_HEIGHT 4u
#define PK_COV_SEX 8u

/* How a mammillary model's six numbers p[] are read and scaled with weight. */
enum pk_param_kind {
    PK_MICRO_PER_KG, /* p = V1 (L/kg), k10, k12, k13, k21, k31 (/min); volumes scale with weight */
    PK_CLEAR_ALLOMETRIC, /* p = V1, V2, V3 (L at 70 kg), CL, Q2, Q3 (L/min at 70 kg);
                            volumes x (W/70)^vol_exp, clearances x (W/70)^cl_exp */
};

/* Absorption by route.  F is the fraction of the (base) dose reaching the systemic circulation. */
struct pk_route_info {
    int supported;
    double f;          /* bioavailability, 0..1 */
    double ka_per_min; /* first-order absorption rate constant; 0 for IV */
    double lag_min;
    int assumed;       /* 1: no published absorption rate; ka chosen to reproduce reported Tmax */
    const char *source;
};

/* A published parameter as shown to people (pk models, docs). */
struct pk_param {
    const char *name;
    double value;
    const char *unit;
    double iiv_cv; /* inter-individual variability as CV (0.64 = 64%); 0 = none published */
    const char *source;
};

struct pk_model {
    const char *id;         /* "domino1984": what --model takes */
    const char *name;       /* "Domino 1984" */
    const char *citation;
    const char *population;
    const char *notes;
    enum pk_site site;
    enum pk_enantiomer enantiomer;
    enum pk_structure structure;
    enum pk_confidence confidence;
    int n_cmt;
    /* mammillary models */
    enum pk_param_kind kind;
    double p[6];
    double vol_exp, cl_exp;
    double omega_cv[6];     /* IIV (CV) on p[i], 0 = none; log-normal */
    /* covariates */
    unsigned required;      /* PK_COV_* bitmask */
    double weight_min_kg, weight_max_kg, age_min_y, age_max_y;
    const char *range_source;
    struct pk_route_info routes[PK_ROUTE_COUNT];
    /* effect site */
    double ke0_per_min;
    const char *ke0_source;
    const struct pk_param *params;
    size_t n_params;
};

/* Olofsen 2022 (Anesthesiology; "Ketamine psychedelic and antinociceptive effects are
 * connected"): one PD for antinociception and external perception, driven by S-ketamine only:
 * C50 0.51 nmol/mL (0.38-0.66) = 121 ng/mL; blood-effect-site t1/2ke0 8.3 min (5.1-13.0). */
#define PK_OLOFSEN_C50_NMOL_PER_ML 0.51
#define PK_OLOFSEN_T_HALF_KE0_MIN 8.3

/* Individual Perez-Ruixo 2021 parameters, converted to minutes and litres. */
struct pk_pr_params {
    double vc, vp1, vp2, q1, q2;       /* L, L/min */
    double qh, vh, kel, kmet;          /* L/min, L, /min, /min */
    double ka_n, ka_sw, ka_po;         /* /min */
    double dsw_min, dpo_min;           /* zero-order durations */
    double fgut, frn, frn_decrement;   /* fractions; FRn x decrement for devices 2.. */
    double device_mg, device_gap_min;  /* 28 mg devices 5 min apart (label) */
    double vcn, cln, vpn, q3;          /* noresketamine, apparent: L, L/min */
};

/* One patient's parameters, ready for simulation. */
struct pk_indiv {
    const struct pk_model *model;
    int n_cmt;
    double weight_kg;
    double v1_l;
    double k10, k12, k13, k21, k31; /* /min */
    double ke0_per_min;
    double s_fraction;              /* fraction of Cp that is S-ketamine (0.5 racemic, 1 S) */
    struct pk_route_info routes[PK_ROUTE_COUNT];
    struct pk_pr_params pr;         /* PK_STRUCT_PEREZ_RUIXO only */
};

#define PK_MAX_NOTES 8
#define PK_NOTE_LEN 240
/* Warnings and remarks produced while individualising or simulating (covariate outside the
 * model's range, absorption structure assumed, ...).  Never an error. */
struct pk_notes {
    int n;
    char text[PK_MAX_NOTES][PK_NOTE_LEN];
};
void pk_notes_add(struct pk_notes *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The model table. */
size_t pk_model_count(void);
const struct pk_model *pk_model_at(size_t i);
/* Finds a model by id (case-insensitive).  Unknown: KC_ENOTFOUND with a message listing the
 * known ids. */
int pk_model_find(const char *id, const struct pk_model **out, struct kc_error *err);

const char *pk_route_name(enum pk_route route);   /* "iv", "im", "in", "po", "sl" */
const char *pk_site_name(enum pk_site site);
const char *pk_confidence_name(enum pk_confidence c);

/* Number of random effects (etas) the model takes, and their names; pk_individualize reads
 * eta[0..n-1] when eta is non-NULL (log-normal on the parameter, logit for fractions). */
int pk_model_n_eta(const struct pk_model *m);

/* Random effect i (0 <= i < pk_model_n_eta) as published: its parameter's name and the variance of
 * eta on its scale — ln(1 + CV^2) for log-normal parameters, SD^2 on the logit scale for
 * fractions (logit = 1).  variance 0: no IIV published.  KC_ERANGE for i out of range. */
struct pk_eta_info {
    const char *name;
    double variance;
    int logit;
};
int pk_model_eta(const struct pk_model *m, int i, struct pk_eta_info *out, struct kc_error *err);

/* Individualises model m for covariates cov.  A missing required covariate is KC_EINVAL naming
 * it; a covariate outside the model's published range adds a warning to notes (may be NULL).
 * ke0_override_per_min > 0 replaces the model's effect-site rate constant.  eta may be NULL
 * (typical values).  out is fully written on success, untouched on error. */
int pk_individualize(const struct pk_model *m, const struct pk_covariates *cov, const double *eta,
                     double ke0_override_per_min, struct pk_indiv *out, struct pk_notes *notes,
                     struct kc_error *err);

/* Derived quantities of a mammillary individual: volumes (L), clearances (L/min), Vss (L). */
struct pk_derived {
    double v[3], cl, q2, q3, vss;
    double lambda[3];  /* macro rate constants, descending (/min) */
    double a_frac[3];  /* unit-bolus coefficients times V1 (sum 1) */
    double t_half_min[3];
};
int pk_derive(const struct pk_indiv *ind, struct pk_derived *out, struct kc_error *err);

/* Eigenvalues of a mammillary model (Bailey & Shafer 1991 cubic in trigonometric form), in
 * descending order; returns the count (n_cmt). */
int pk_mammillary_lambdas(int n_cmt, double k10, double k12, double k13, double k21, double k31,
                          double lambda[3]);

/* ke0 that puts the effect-site peak after an IV bolus at t_peak_min (STANPUMP's
 * recalculate_ke0 idea); KC_ENUMERIC if none in (1e-4, 100) /min. */
int pk_ke0_for_tpeak(const struct pk_indiv *ind, double t_peak_min, double *ke0_per_min,
                     struct kc_error *err);

#endif
