/* dose.c — one dose: weight basis, amount (base and salt), rate and volume, route limits, nasal
 * esketamine device rules, and the administrations handed to the PK engine. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clinic/dose.h"

#define CM_PER_INCH 2.54

static const char *const route_names[] = {"iv", "im", "sc", "oral", "sl", "nasal", "in"};
static const char *const basis_names[] = {"auto", "actual", "ideal", "adjusted"};
#define N_ROUTES ((int)(sizeof route_names / sizeof route_names[0]))

int dose_route_parse(const char *text, enum dose_route *out, struct kc_error *err)
{
    for (int i = 0; text && i < N_ROUTES; i++)
        if (strcmp(text, route_names[i]) == 0) {
            *out = (enum dose_route)i;
            return KC_OK;
        }
    return kc_error_set(err, KC_EINVAL,
                        "route '%s': expected iv, im, sc, oral, sl, nasal (esketamine) or in "
                        "(racemic intranasal)", text ? text : "");
}

const char *dose_route_name(enum dose_route r)
{
    return (unsigned)r < (unsigned)N_ROUTES ? route_names[r] : "?";
}

int dose_basis_parse(const char *text, enum dose_basis *out, struct kc_error *err)
{
    for (int i = 0; text && i < 4; i++)
        if (strcmp(text, basis_names[i]) == 0) {
            *out = (enum dose_basis)i;
            return KC_OK;
        }
    return kc_error_set(err, KC_EINVAL,
                        "weight basis '%s': expected auto, actual, ideal or adjusted",
                        text ? text : "");
}

const char *dose_basis_name(enum dose_basis b)
{
    return (unsigned)b < 4 ? basis_names[b] : "?";
}

int dose_indication_parse(const char *text, enum dose_indication *out, struct kc_error *err)
{
    static const struct {
        const char *name;
        enum dose_indication i;
    } t[] = {{"depression", DOSE_IND_DEPRESSION}, {"trd", DOSE_IND_DEPRESSION},
             {"mdd", DOSE_IND_DEPRESSION},        {"mdsi", DOSE_IND_MDSI},
             {"crps", DOSE_IND_CRPS},             {"pain", DOSE_IND_CRPS}};
    for (size_t k = 0; text && k < sizeof t / sizeof t[0]; k++)
        if (strcmp(text, t[k].name) == 0) {
            *out = t[k].i;
            return KC_OK;
        }
    return kc_error_set(err, KC_EINVAL, "indication '%s': expected depression, mdsi or crps",
                        text ? text : "");
}

const char *dose_indication_name(enum dose_indication i)
{
    return i == DOSE_IND_MDSI ? "mdsi" : i == DOSE_IND_CRPS ? "crps" : "depression";
}

double dose_ibw_devine_kg(double height_cm, enum dose_sex sex)
{
    if (!isfinite(height_cm) || (sex != DOSE_SEX_MALE && sex != DOSE_SEX_FEMALE)) return NAN;
    double base = sex == DOSE_SEX_MALE ? 50.0 : 45.5; /* Devine 1974 */
    return base + 2.3 * (height_cm / CM_PER_INCH - 60.0);
}

double dose_adjusted_weight_kg(double ibw_kg, double actual_kg)
{
    return ibw_kg + 0.4 * (actual_kg - ibw_kg); /* Traynor 1995: factor 0.4 */
}

int dose_weight_compute(double weight_kg, double height_cm, enum dose_sex sex,
                        enum dose_basis basis, struct dose_weight *out, struct kc_error *err)
{
    struct dose_weight w;
    memset(&w, 0, sizeof w);
    if (!isfinite(weight_kg) || weight_kg < 20 || weight_kg > 350)
        return kc_error_set(err, KC_EINVAL, "weight %g kg: expected 20-350 kg", weight_kg);
    if (!isfinite(height_cm) || (height_cm != 0 && (height_cm < 100 || height_cm > 250)))
        return kc_error_set(err, KC_EINVAL, "height %g cm: expected 100-250 cm", height_cm);
    w.basis = basis;
    w.actual_kg = weight_kg;
    w.ideal_kg = w.adjusted_kg = w.bmi = NAN;
    if (height_cm > 0) {
        double m = height_cm / 100.0;
        w.bmi = weight_kg / (m * m);
        w.ideal_kg = dose_ibw_devine_kg(height_cm, sex);
        if (isfinite(w.ideal_kg)) w.adjusted_kg = dose_adjusted_weight_kg(w.ideal_kg, weight_kg);
    }
    double inches = height_cm / CM_PER_INCH;
    const char *sexname = sex == DOSE_SEX_MALE ? "male" : "female";
    double base = sex == DOSE_SEX_MALE ? 50.0 : 45.5;
    switch (basis) {
    case DOSE_BASIS_AUTO:
    case DOSE_BASIS_ACTUAL:
        w.basis = DOSE_BASIS_ACTUAL;
        w.used_kg = weight_kg;
        snprintf(w.formula, sizeof w.formula, "actual body weight %.1f kg", weight_kg);
        break;
    case DOSE_BASIS_IDEAL:
    case DOSE_BASIS_ADJUSTED:
        if (height_cm <= 0)
            return kc_error_set(err, KC_EINVAL, "%s body weight needs the height (--height)",
                                basis_names[basis]);
        if (!isfinite(w.ideal_kg))
            return kc_error_set(err, KC_EINVAL, "%s body weight needs the sex (--sex male|female)",
                                basis_names[basis]);
        if (w.ideal_kg <= 0)
            return kc_error_set(err, KC_EINVAL, "height %g cm too short for the Devine formula",
                                height_cm);
        if (weight_kg <= w.ideal_kg) {
            w.used_kg = weight_kg;
            snprintf(w.formula, sizeof w.formula,
                     "actual %.1f kg used: not above IBW (Devine, %s) = %.1f + 2.3 x (%.1f - 60 "
                     "in) = %.1f kg",
                     weight_kg, sexname, base, inches, w.ideal_kg);
        } else if (basis == DOSE_BASIS_IDEAL) {
            w.used_kg = w.ideal_kg;
            snprintf(w.formula, sizeof w.formula,
                     "IBW (Devine 1974, %s) = %.1f + 2.3 x (%.1f - 60 in) = %.1f kg", sexname,
                     base, inches, w.ideal_kg);
        } else {
            w.used_kg = w.adjusted_kg;
            snprintf(w.formula, sizeof w.formula,
                     "AdjBW = IBW + 0.4 x (TBW - IBW) = %.1f + 0.4 x (%.1f - %.1f) = %.1f kg "
                     "(IBW Devine 1974, %s)",
                     w.ideal_kg, weight_kg, w.ideal_kg, w.adjusted_kg, sexname);
        }
        break;
    default: return kc_error_set(err, KC_EINVAL, "unknown weight basis");
    }
    *out = w;
    return KC_OK;
}

static void note(struct dose_plan *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct dose_plan *d, const char *fmt, ...)
{
    if (d->n_notes >= DOSE_MAX_NOTES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->notes[d->n_notes++], sizeof d->notes[0], fmt, ap);
    va_end(ap);
}

/* The one place a dose meets its limits.  value is in unit ("mg/kg" or "mg"). */
static int check_limit(const struct protocol *p, struct dose_plan *d, double value,
                       const char *unit, const char *max_key, const char *hard_key,
                       const char *reason, struct kc_error *err)
{
    double hard = protocol_use(p, hard_key, &d->trace);
    double dmax = max_key ? protocol_use(p, max_key, &d->trace) : hard;
    const double eps = 1e-9;
    if (!isfinite(value) || !(value <= hard + eps))
        return kc_error_set(err, KC_ERANGE,
                            "%s dose %.3g %s refused: above the hard limit %g %s (%s); no "
                            "override can exceed it",
                            dose_route_name(d->route), value, unit, hard, unit, hard_key);
    if (value > dmax + eps) {
        if (!reason || !*reason)
            return kc_error_set(err, KC_ERANGE,
                                "%s dose %.3g %s is above the protocol maximum %g %s (%s): needs a "
                                "prescriber override with a reason (hard limit %g %s)",
                                dose_route_name(d->route), value, unit, dmax, unit, max_key, hard,
                                unit);
        d->override_used = 1;
        snprintf(d->override_reason, sizeof d->override_reason, "%s", reason);
        note(d, "prescriber override: %.3g %s above the protocol maximum %g %s (reason: %.100s)",
             value, unit, dmax, unit, reason);
    }
    if (!strcmp(unit, d->limit_unit ? d->limit_unit : unit)) {
        d->default_max = dmax;
        d->hard_limit = hard;
        d->limit_unit = unit;
    }
    return KC_OK;
}

static int plan_nasal(const struct protocol *p, const struct dose_request *q, struct dose_plan *d,
                      struct kc_error *err)
{
    double dev = protocol_use(p, "esk.device_mg", &d->trace);
    double salt = protocol_use(p, "esk.device_salt_mg", &d->trace);
    double gap = protocol_use(p, "esk.device_spacing_min", &d->trace);
    double min_age = protocol_use(p, "esk.min_age_years", &d->trace);
    double old_age = protocol_use(p, "esk.older_age_years", &d->trace);
    double mg = q->fixed_mg;
    d->drug = "esketamine";
    if (q->mg_per_kg > 0)
        return kc_error_set(err, KC_EINVAL, "nasal esketamine is a fixed dose in mg, not mg/kg");
    if (q->amount_is_salt)
        return kc_error_set(err, KC_EINVAL,
                            "nasal esketamine doses are labelled as base (28/56/84 mg); give the "
                            "base amount");
    if (q->age_years <= 0)
        return kc_error_set(err, KC_EINVAL, "nasal esketamine needs the patient's age (--age)");
    if (q->age_years < min_age)
        return kc_error_set(err, KC_ERANGE,
                            "nasal esketamine refused: age %d below %g (adult indication, "
                            "esk.min_age_years)",
                            q->age_years, min_age);
    /* The US label has no age-specific start; the EU SmPC (and HK) start at 28 mg from 65: a
     * region setting (issue 14).  MDSI: 84 mg twice weekly from day 1 (US label, MDSI). */
    int eu = protocol_use(p, "esk.label_region", &d->trace) >= 1.5;
    int older = eu && q->age_years >= old_age;
    int mdsi = q->indication == DOSE_IND_MDSI;
    const char *first_key = mdsi    ? "esk.first_dose_mdsi_mg"
                            : older ? "esk.first_dose_mg_older"
                                    : "esk.first_dose_mg";
    if (mg == 0) mg = protocol_use(p, q->first_dose || mdsi ? first_key : "esk.first_dose_mg",
                                  &d->trace);
    if (!isfinite(mg) || mg <= 0 || fabs(mg / dev - round(mg / dev)) > 1e-9)
        return kc_error_set(err, KC_EINVAL,
                            "nasal esketamine %g mg: must be whole %g mg devices (28, 56 or 84 mg)",
                            mg, dev);
    int rc = check_limit(p, d, mg, "mg", NULL, "esk.hard_limit_mg", q->override_reason, err);
    if (rc) return rc;
    if (q->first_dose) {
        double first = protocol_use(p, first_key, &d->trace);
        if (mg > first)
            return kc_error_set(err, KC_ERANGE,
                                "nasal esketamine first dose %g mg refused: the course starts at "
                                "%g mg%s (%s)",
                                mg, first, older ? " at age >= 65 (EU/HK label region)" : "",
                                mdsi ? "MDSI label: 84 mg from day 1"
                                     : "TRD label: 84 mg only after a 56 mg start; MDSI courses "
                                       "start at 84 mg (indication mdsi)");
    }
    d->n_devices = (int)round(mg / dev);
    d->dose_mg_base = mg;
    d->dose_mg_salt = d->n_devices * salt;
    d->duration_min = (d->n_devices - 1) * gap;
    for (int i = 0; i < d->n_devices && i < DOSE_MAX_ADMIN; i++)
        d->admin[d->n_admin++] =
            (struct dose_admin){DOSE_ROUTE_NASAL_ESK, dev, q->t_start_min + i * gap, 0};
    note(d, "%d device%s of %g mg (2 sprays each, one per nostril), %g min rest between devices",
         d->n_devices, d->n_devices == 1 ? "" : "s", dev, gap);
    if (q->age_years >= old_age)
        note(d, "age >= %g: %s", old_age,
             eu ? "the EU/HK labels start TRD at 28 mg (esk.label_region 2)"
                : "the US label has no age-specific start (esk.label_region 1; EU/HK start at "
                  "28 mg)");
    if (mdsi) note(d, "MDSI (US label): 84 mg twice weekly for 4 weeks; may reduce to 56 mg for "
                      "tolerability; more than 4 weeks not studied");
    note(d, "observe >= %g min after the dose (label); BP before, at ~%g min and before discharge",
         protocol_use(p, "discharge.min_observation_esk_min", &d->trace),
         protocol_use(p, "esk.bp_recheck_min", &d->trace));
    return KC_OK;
}

/* The weight basis a request asks for; AUTO becomes ideal (or adjusted, dose.obese_basis) body
 * weight from BMI iv.ibw_bmi_threshold (30), actual below it (issue 14: the consensus suggests
 * IBW at BMI >= 30 — Sanacora et al., JAMA Psychiatry 2017, as confirmed by Singh et al., J Clin
 * Psychiatry 2019; clinical.md s11). */
static enum dose_basis resolve_basis(const struct protocol *p, const struct dose_request *q,
                                     struct dose_plan *d)
{
    double thr = protocol_use(p, "iv.ibw_bmi_threshold", &d->trace);
    double bmi = q->height_cm > 0 ? q->weight_kg / ((q->height_cm / 100) * (q->height_cm / 100))
                                  : NAN;
    if (q->basis != DOSE_BASIS_AUTO) {
        if (q->basis == DOSE_BASIS_ACTUAL && isfinite(bmi) && bmi >= thr)
            note(d, "BMI %.1f >= %g: actual weight was chosen; the consensus suggests ideal body "
                    "weight (Sanacora 2017; Singh 2019)", bmi, thr);
        return q->basis;
    }
    if (!isfinite(bmi)) {
        note(d, "height not recorded: the BMI >= %g rule (ideal body weight) could not be "
                "checked; actual weight used", thr);
        return DOSE_BASIS_ACTUAL;
    }
    if (bmi < thr) return DOSE_BASIS_ACTUAL;
    if (q->sex != DOSE_SEX_MALE && q->sex != DOSE_SEX_FEMALE) {
        note(d, "BMI %.1f >= %g but sex not recorded: ideal body weight (Devine) needs it; actual "
                "weight used", bmi, thr);
        return DOSE_BASIS_ACTUAL;
    }
    int adj = protocol_use(p, "dose.obese_basis", &d->trace) >= 1.5;
    note(d, "BMI %.1f >= %g: %s body weight by default (Sanacora 2017 consensus; Singh 2019; "
            "dose.obese_basis)", bmi, thr, adj ? "adjusted" : "ideal");
    return adj ? DOSE_BASIS_ADJUSTED : DOSE_BASIS_IDEAL;
}

/* CRPS (issue 14): IV infusions of up to 4 hours dosed by rate — Schwartzman et al., Pain
 * 2009;147:107 (<= 0.35 mg/kg/h, at most 25 mg/h, 4 h a day for 10 days); ASRA/AAPM/ASA
 * consensus 2018 (0.35 mg/kg/h over 4 h).  In place of the 100-min depression limit. */
static int plan_crps_iv(const struct protocol *p, const struct dose_request *q,
                        struct dose_plan *d, struct kc_error *err)
{
    double dmin = protocol_use(p, "iv.min_duration_min", &d->trace);
    double dmax = protocol_use(p, "crps.max_duration_min", &d->trace);
    double max_kgh = protocol_use(p, "crps.max_mg_per_kg_per_h", &d->trace);
    double max_h = protocol_use(p, "crps.max_mg_per_h", &d->trace);
    if (q->mg_per_kg <= 0)
        return kc_error_set(err, KC_EINVAL,
                            "CRPS infusions need the prescribed mg/kg for the session (rate "
                            "limit %g mg/kg/h, crps.max_mg_per_kg_per_h)", max_kgh);
    d->weight_based = 1;
    d->mg_per_kg = q->mg_per_kg;
    d->duration_min = q->duration_min > 0 ? q->duration_min : dmax;
    if (!(d->duration_min >= dmin && d->duration_min <= dmax))
        return kc_error_set(err, KC_EINVAL, "CRPS infusion over %g min: expected %g-%g min "
                            "(iv.min_duration_min, crps.max_duration_min)", d->duration_min, dmin,
                            dmax);
    d->dose_mg_base = d->mg_per_kg * d->weight.used_kg;
    double h = d->duration_min / 60.0;
    if (d->mg_per_kg / h > max_kgh + 1e-9)
        return kc_error_set(err, KC_ERANGE, "CRPS infusion %.3g mg/kg/h refused: above %g mg/kg/h "
                            "(crps.max_mg_per_kg_per_h, Schwartzman 2009); no override can "
                            "exceed it", d->mg_per_kg / h, max_kgh);
    if (d->dose_mg_base / h > max_h + 1e-9)
        return kc_error_set(err, KC_ERANGE, "CRPS infusion %.3g mg/h refused: above %g mg/h "
                            "(crps.max_mg_per_h, Schwartzman 2009); no override can exceed it",
                            d->dose_mg_base / h, max_h);
    d->default_max = max_kgh * h;
    d->hard_limit = max_kgh * h;
    d->limit_unit = "mg/kg";
    note(d, "CRPS: %.3g mg/kg/h over %.0f min (Schwartzman 2009: <= 0.35 mg/kg/h, <= 25 mg/h, "
            "4 h a day)", d->mg_per_kg / h, d->duration_min);
    return KC_OK;
}

static int plan_racemic(const struct protocol *p, const struct dose_request *q,
                        struct dose_plan *d, struct kc_error *err)
{
    static const char *const def_key[] = {"iv.default_mg_per_kg", "im.default_mg_per_kg",
                                          "sc.default_mg_per_kg"};
    static const char *const max_key[] = {"iv.max_default_mg_per_kg", "im.max_default_mg_per_kg",
                                          "sc.max_default_mg_per_kg"};
    static const char *const hard_key[] = {"iv.hard_limit_mg_per_kg", "im.hard_limit_mg_per_kg",
                                           "sc.hard_limit_mg_per_kg"};
    /* an absolute ceiling per route, whatever the weight or override (issue 14: 250 kg got
     * 250 mg IV); product decision: 1 mg/kg at 100 kg */
    static const char *const hard_mg_key[] = {"iv.hard_limit_mg", "im.hard_limit_mg",
                                              "sc.hard_limit_mg"};
    double ratio = protocol_use(p, "ketamine.hcl_per_base", &d->trace);
    int rc;
    d->drug = "ketamine (racemic)";
    if (q->weight_kg <= 0)
        return kc_error_set(err, KC_EINVAL, "%s dosing needs the weight (--weight)",
                            dose_route_name(q->route));
    if (q->mg_per_kg < 0 || q->fixed_mg < 0 || !isfinite(q->mg_per_kg) || !isfinite(q->fixed_mg))
        return kc_error_set(err, KC_EINVAL, "dose must be a positive number");
    if (q->mg_per_kg > 0 && q->fixed_mg > 0)
        return kc_error_set(err, KC_EINVAL, "give either mg/kg or a fixed mg dose, not both");
    if (!isfinite(q->weight_kg) || q->weight_kg < 20 || q->weight_kg > 350)
        return kc_error_set(err, KC_EINVAL, "weight %g kg: expected 20-350 kg", q->weight_kg);
    rc = dose_weight_compute(q->weight_kg, q->height_cm, q->sex, resolve_basis(p, q, d),
                             &d->weight, err);
    if (rc) return rc;
    int crps = q->indication == DOSE_IND_CRPS && q->route == DOSE_ROUTE_IV;

    if (crps) {
        if (q->fixed_mg > 0 || q->amount_is_salt)
            return kc_error_set(err, KC_EINVAL, "CRPS infusions are mg/kg of base");
        if ((rc = plan_crps_iv(p, q, d, err))) return rc;
        rc = check_limit(p, d, d->dose_mg_base, "mg", NULL, "iv.hard_limit_mg",
                         q->override_reason, err);
        if (rc) return rc;
    } else if (q->route <= DOSE_ROUTE_SC) {
        if (q->fixed_mg > 0)
            return kc_error_set(err, KC_EINVAL, "%s dosing is in mg/kg (--mg-per-kg)",
                                dose_route_name(q->route));
        if (q->amount_is_salt)
            return kc_error_set(err, KC_EINVAL,
                                "%s doses are mg/kg of base (vials are labelled as base)",
                                dose_route_name(q->route));
        d->weight_based = 1;
        d->mg_per_kg = q->mg_per_kg > 0 ? q->mg_per_kg : protocol_use(p, def_key[q->route], &d->trace);
        rc = check_limit(p, d, d->mg_per_kg, "mg/kg", max_key[q->route], hard_key[q->route],
                         q->override_reason, err);
        if (rc) return rc;
        d->dose_mg_base = d->mg_per_kg * d->weight.used_kg;
        rc = check_limit(p, d, d->dose_mg_base, "mg", NULL, hard_mg_key[q->route],
                         q->override_reason, err);
        if (rc) return rc;
        if (q->route == DOSE_ROUTE_IV) {
            double lo = protocol_use(p, "iv.min_mg_per_kg", &d->trace);
            if (d->mg_per_kg < lo)
                note(d, "%.3g mg/kg is below the usual range (from %g mg/kg, iv.min_mg_per_kg)",
                     d->mg_per_kg, lo);
        }
    } else {
        /* fixed-amount routes.  Both the per-kg and the absolute hard limits apply; the
         * default maximum is per-kg for oral (Andrade) and absolute for SL (Hull 2022) and
         * intranasal.  SL and intranasal limits are their own: times their bioavailability
         * they never reach more systemic drug than the IV hard limits (protocol consistency
         * rules; issue 14: SL borrowed the oral 7 mg/kg). */
        static const struct {
            enum dose_route route;
            const char *start, *f, *max_kg, *hard_kg, *max_mg, *hard_mg, *name;
            int mg_first;
        } fr[] = {
            {DOSE_ROUTE_ORAL, "oral.start_mg", "oral.bioavailability_pct",
             "oral.max_default_mg_per_kg", "oral.hard_limit_mg_per_kg", NULL,
             "oral.hard_limit_mg", "oral", 1},
            {DOSE_ROUTE_SL, "sl.default_mg", "sl.bioavailability_pct", NULL,
             "sl.hard_limit_mg_per_kg", "sl.max_default_mg", "sl.hard_limit_mg", "SL", 0},
            {DOSE_ROUTE_NASAL_RAC, "in.default_mg", "in.bioavailability_pct", NULL,
             "in.hard_limit_mg_per_kg", "in.max_default_mg", "in.hard_limit_mg", "intranasal",
             0},
        };
        size_t k = 0;
        while (k + 1 < sizeof fr / sizeof fr[0] && fr[k].route != q->route) k++;
        if (fr[k].route != q->route) return kc_error_set(err, KC_EINVAL, "unknown route");
        double base_mg;
        if (q->mg_per_kg > 0) {
            d->weight_based = 1;
            base_mg = q->mg_per_kg * d->weight.used_kg;
        } else {
            base_mg = q->fixed_mg > 0 ? q->fixed_mg : protocol_use(p, fr[k].start, &d->trace);
            if (q->amount_is_salt) base_mg /= ratio;
        }
        d->dose_mg_base = base_mg;
        d->mg_per_kg = base_mg / d->weight.used_kg;
        if (fr[k].mg_first) {
            rc = check_limit(p, d, base_mg, "mg", fr[k].max_mg, fr[k].hard_mg, q->override_reason,
                             err);
            if (!rc)
                rc = check_limit(p, d, d->mg_per_kg, "mg/kg", fr[k].max_kg, fr[k].hard_kg,
                                 q->override_reason, err);
        } else {
            rc = check_limit(p, d, d->mg_per_kg, "mg/kg", fr[k].max_kg, fr[k].hard_kg,
                             q->override_reason, err);
            if (!rc)
                rc = check_limit(p, d, base_mg, "mg", fr[k].max_mg, fr[k].hard_mg,
                                 q->override_reason, err);
        }
        if (rc) return rc;
        double f = protocol_use(p, fr[k].f, &d->trace);
        note(d, "bioavailability ~%g%% (%s): %.0f mg %s ~ %.0f mg reaching the circulation", f,
             fr[k].f, base_mg, fr[k].name, base_mg * f / 100.0);
    }
    d->dose_mg_salt = d->dose_mg_base * ratio;
    if (q->route == DOSE_ROUTE_IV && !crps) {
        double dmin = protocol_use(p, "iv.min_duration_min", &d->trace);
        double dmx = protocol_use(p, "iv.max_duration_min", &d->trace);
        d->duration_min = q->duration_min > 0 ? q->duration_min
                                              : protocol_use(p, "iv.default_duration_min", &d->trace);
        if (!(d->duration_min >= dmin && d->duration_min <= dmx))
            return kc_error_set(err, KC_EINVAL,
                                "IV infusion over %g min: expected %g-%g min (iv.min_duration_min, "
                                "iv.max_duration_min; a CRPS indication allows up to "
                                "crps.max_duration_min)",
                                d->duration_min, dmin, dmx);
    } else if (q->route != DOSE_ROUTE_IV && q->duration_min > 0) {
        return kc_error_set(err, KC_EINVAL, "--over applies to IV infusions only");
    }
    if (q->route == DOSE_ROUTE_IV) d->rate_mg_per_min = d->dose_mg_base / d->duration_min;
    if (q->conc_mg_per_ml > 0) {
        d->volume_ml = d->dose_mg_base / q->conc_mg_per_ml;
        if (q->container_ml > 0 && d->volume_ml > q->container_ml * (1 + 1e-9))
            return kc_error_set(err, KC_EINVAL,
                                "dose %.1f mg is more than the container holds (%.1f mg in %g mL)",
                                d->dose_mg_base, q->conc_mg_per_ml * q->container_ml,
                                q->container_ml);
        if (q->route == DOSE_ROUTE_IV) d->rate_ml_per_h = d->volume_ml / (d->duration_min / 60.0);
        int rc2 = dose_volume_text(p, d->volume_ml, d->volume_text, sizeof d->volume_text,
                                   &d->volume_measurable, err);
        if (rc2) return rc2;
        (void)protocol_use(p, "dose.volume_display_tolerance_pct", &d->trace);
        if (!d->volume_measurable)
            note(d, "volume %s cannot be drawn up on a syringe graduated in %g mL: use a more "
                    "dilute concentration or round the dose with the prescriber",
                 d->volume_text, d->volume_ml < 1 ? 0.01 : 0.1);
    } else if (q->container_ml > 0) {
        return kc_error_set(err, KC_EINVAL, "a container volume needs its concentration");
    }
    d->admin[d->n_admin++] = (struct dose_admin){q->route, d->dose_mg_base, q->t_start_min,
                                                 q->route == DOSE_ROUTE_IV ? d->duration_min : 0};
    note(d, "amounts are ketamine base; as hydrochloride x %.4f (ketamine.hcl_per_base)", ratio);
    return KC_OK;
}

int dose_plan_compute(const struct protocol *p, const struct dose_request *q,
                      struct dose_plan *out, struct kc_error *err)
{
    struct dose_plan d;
    memset(&d, 0, sizeof d);
    protocol_trace_begin(&d.trace, p);
    d.route = q->route;
    if (!isfinite(q->t_start_min) || !isfinite(q->duration_min) || q->duration_min < 0 ||
        !isfinite(q->conc_mg_per_ml) || q->conc_mg_per_ml < 0 || !isfinite(q->container_ml) ||
        q->container_ml < 0)
        return kc_error_set(err, KC_EINVAL, "dose request: times, concentration and volume must "
                                            "be finite and not negative");
    if (q->age_years < 0 || q->age_years > 120)
        return kc_error_set(err, KC_EINVAL, "age %d: expected 0-120 years", q->age_years);
    int rc;
    if (q->route == DOSE_ROUTE_NASAL_ESK) {
        if (q->weight_kg > 0) {
            rc = dose_weight_compute(q->weight_kg, q->height_cm, q->sex, DOSE_BASIS_ACTUAL,
                                     &d.weight, err);
            if (rc) return rc;
        }
        rc = plan_nasal(p, q, &d, err);
        if (!rc && q->weight_kg > 0) d.mg_per_kg = d.dose_mg_base / d.weight.used_kg;
    } else if ((unsigned)q->route <= DOSE_ROUTE_SL || q->route == DOSE_ROUTE_NASAL_RAC) {
        rc = plan_racemic(p, q, &d, err);
    } else {
        rc = kc_error_set(err, KC_EINVAL, "unknown route");
    }
    if (rc) return rc;
    *out = d;
    return KC_OK;
}
