/* tci.c — target-controlled infusion (see tci.h): plasma targeting by prediction with the pump off
 * (Bailey/Shafer/Jacobs, as STANPUMP does it), effect-site targeting by the Shafer & Gregg 1992
 * peak search, a pump with limits and rate resolution, replay and decrement time. */
#include <math.h>
#include <string.h>

#include "pkpd/engine.h"
#include "pkpd/tci.h"

/* The effect-site search walks the future on a grid no coarser than 1 s, as STANPUMP's e_udf
 * table does (1-s entries, pkpd.md §3b), then refines the best point exactly. */
#define FINE_MAX_MIN (1.0 / 60.0)
/* No plan looks further ahead than a day. */
#define HORIZON_MIN 1440.0
/* Decrement-time search: 7 days at 0.1-min steps. */
#define DECR_HORIZON_MIN (7.0 * 1440.0)
#define DECR_STEP_MIN 0.1

const char *tci_mode_name(enum tci_mode m)
{
    switch (m) {
    case TCI_PLASMA: return "plasma";
    case TCI_EFFECT: return "effect";
    default: return "off";
    }
}

void tci_pump_default(struct tci_pump *p)
{
    p->syringe_mg_per_ml = TCI_DEFAULT_SYRINGE_MG_PER_ML;
    p->max_ml_per_h = 0.0;
    p->max_mg_per_kg_per_min = TCI_KETAMINE_MAX_MG_PER_KG_PER_MIN;
    p->resolution_ml_per_h = TCI_DEFAULT_RESOLUTION_ML_PER_H;
    p->interval_min = TCI_DEFAULT_INTERVAL_MIN;
}

/* The individual with only the IV route left: the engine then keeps no depot states. */
static int engine_for(const struct pk_indiv *ind, struct pk__engine *e, struct kc_error *err)
{
    struct pk_indiv iv = *ind;
    if (iv.model->structure == PK_STRUCT_MAMMILLARY)
        for (int r = 1; r < PK_ROUTE_COUNT; r++) iv.routes[r].supported = 0;
    return pk__engine_init(e, &iv, PK_ENGINE_AUTO, err);
}

size_t tci_row_count(const struct tci_request *req)
{
    double dt = req->pump.interval_min;
    if (!(dt > 0) || !(req->until_min > 0)) return 0;
    return (size_t)ceil(req->until_min / dt - 1e-9) + 1;
}

/* Controller state: three engines so that each keeps its step's decay factors cached. */
struct ctl {
    const struct tci_request *req;
    struct pk__engine step, fine, any;
    double h;      /* fine grid step, divides the interval */
    int m;         /* interval / h */
    double p_udf;  /* Cp (ng/mL) at the end of one interval of 1 mg/min from empty */
};

static double cp_ahead(struct pk__engine *e, const struct pk__state *s, double rate, double dt,
                       struct kc_error *err, int *rc)
{
    struct pk__state c = *s;
    double r[PK__MAX_PORTS] = {rate};
    *rc = pk__engine_advance(e, &c, r, dt, err);
    return pk__engine_cp(e, &c);
}

/* Ce after tau of the plan "rate 1 mg/min for dt, then off", from empty. */
static double ce_unit(struct ctl *c, double dt, double tau, struct kc_error *err, int *rc)
{
    struct pk__state u;
    pk__engine_reset(&c->any, &u);
    double one[PK__MAX_PORTS] = {1.0};
    *rc = pk__engine_advance(&c->any, &u, one, fmin(tau, dt), err);
    if (!*rc && tau > dt) *rc = pk__engine_advance(&c->any, &u, NULL, tau - dt, err);
    return pk__engine_ce(&c->any, &u);
}

static double ce_off(struct ctl *c, const struct pk__state *s, double tau, struct kc_error *err,
                     int *rc)
{
    struct pk__state x = *s;
    *rc = pk__engine_advance(&c->any, &x, NULL, tau, err);
    return pk__engine_ce(&c->any, &x);
}

/* (target - Ce_off(tau)) / Ce_unit(tau): the rate that puts Ce(tau) exactly on target. */
static double ratio_at(struct ctl *c, const struct pk__state *s, double dt, double target,
                       double tau, struct kc_error *err, int *rc)
{
    double eu = ce_unit(c, dt, tau, err, rc);
    if (*rc) return NAN;
    double eo = ce_off(c, s, tau, err, rc);
    if (*rc) return NAN;
    return eu > 0 ? (target - eo) / eu : INFINITY;
}

/* Shafer & Gregg 1992: the rate R for the coming interval dt such that the peak over the future
 * of Ce_off(tau) + R * Ce_unit(tau) equals the target.  That R is the minimum over tau of
 * (target - Ce_off)/Ce_unit; if Ce_off alone reaches the target somewhere, R <= 0 and the pump
 * stays off.  Past the time where both curves are falling (Ce above Cp, the infusion over) the
 * sum can only fall, so the walk stops there. */
static int effect_rate(struct ctl *c, const struct pk__state *s, double dt, double target,
                       double *rate, struct kc_error *err)
{
    struct pk__state off = *s, unit;
    pk__engine_reset(&c->fine, &unit);
    double one[PK__MAX_PORTS] = {1.0};
    int m = (int)lround(dt / c->h);
    if (m < 1) m = 1;
    double h = dt / m;
    struct pk__engine *e = fabs(h - c->h) < 1e-15 ? &c->fine : &c->any;
    double best = INFINITY;
    long jbest = 0;
    long jmax = (long)(HORIZON_MIN / h);
    for (long j = 1; j <= jmax; j++) {
        int rc = pk__engine_advance(e, &off, NULL, h, err);
        if (!rc) rc = pk__engine_advance(e, &unit, j <= m ? one : NULL, h, err);
        if (rc) return rc;
        double eo = pk__engine_ce(e, &off), eu = pk__engine_ce(e, &unit);
        if (eu > 0) {
            double r = (target - eo) / eu;
            if (r < best) {
                best = r;
                jbest = j;
            }
        }
        if (j >= m && eo >= pk__engine_cp(e, &off) && eu >= pk__engine_cp(e, &unit)) break;
    }
    if (jbest == 0) {
        *rate = 0.0;
        return KC_OK;
    }
    /* Golden-section refinement of the minimum between the grid neighbours. */
    const double g = 0.6180339887498949;
    double a = (double)(jbest - 1) * h, b = (double)(jbest + 1) * h;
    if (a <= 0) a = 1e-3 * h;
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    int rc = 0;
    double f1 = ratio_at(c, s, dt, target, x1, err, &rc);
    if (rc) return rc;
    double f2 = ratio_at(c, s, dt, target, x2, err, &rc);
    if (rc) return rc;
    for (int it = 0; it < 60 && b - a > 1e-9; it++) {
        if (f1 < f2) {
            b = x2, x2 = x1, f2 = f1;
            x1 = b - g * (b - a);
            f1 = ratio_at(c, s, dt, target, x1, err, &rc);
        } else {
            a = x1, x1 = x2, f1 = f2;
            x2 = a + g * (b - a);
            f2 = ratio_at(c, s, dt, target, x2, err, &rc);
        }
        if (rc) return rc;
    }
    double r = fmin(best, fmin(f1, f2));
    *rate = r > 0 ? r : 0.0;
    return KC_OK;
}

static const struct tci_target *target_at(const struct tci_request *req, double t)
{
    const struct tci_target *cur = NULL;
    for (size_t i = 0; i < req->n_targets; i++)
        if (req->targets[i].t_min <= t + 1e-9) cur = &req->targets[i];
    return cur;
}

static int paused_at(const struct tci_request *req, double t)
{
    for (size_t i = 0; i < req->n_pauses; i++)
        if (t + 1e-9 >= req->pauses[i].t0_min && t + 1e-9 < req->pauses[i].t1_min) return 1;
    return 0;
}

/* Applies the pump: maximum rate, then rounding to the resolution (never above the maximum; down
 * when round_down, so that a rate cut by the plasma cap stays under it). */
static double pump_limit(const struct tci_request *req, double rate_mg_min, int round_down,
                         int *limited)
{
    const struct tci_pump *p = &req->pump;
    double conc = p->syringe_mg_per_ml, res = p->resolution_ml_per_h;
    double max_ml = INFINITY;
    if (p->max_ml_per_h > 0) max_ml = p->max_ml_per_h;
    if (p->max_mg_per_kg_per_min > 0)
        max_ml = fmin(max_ml, p->max_mg_per_kg_per_min * req->ind->weight_kg * 60.0 / conc);
    if (res > 0 && isfinite(max_ml)) max_ml = floor(max_ml / res * (1 + 1e-12)) * res;
    double ml = rate_mg_min * 60.0 / conc;
    if (res > 0) ml = (round_down ? floor(ml / res * (1 + 1e-12)) : round(ml / res)) * res;
    *limited = 0;
    if (ml > max_ml) {
        ml = max_ml;
        *limited = 1;
    }
    return ml;
}

/* The absolute plasma ceiling in force (INFINITY when uncapped). */
static double cp_ceiling(const struct tci_request *req)
{
    if (req->cp_uncapped) return INFINITY;
    return req->cp_max_ng_per_ml > 0 ? req->cp_max_ng_per_ml : TCI_DEFAULT_CP_MAX_NG_PER_ML;
}

static int check_request(const struct tci_request *req, struct kc_error *err)
{
    const struct tci_pump *p = &req->pump;
    if (!req->ind) return kc_error_set(err, KC_EINVAL, "tci: no patient");
    if (!(p->interval_min > 0) || p->interval_min > 60)
        return kc_error_set(err, KC_EINVAL, "tci: update interval must be above 0 and at most 60 min");
    if (!(p->syringe_mg_per_ml > 0))
        return kc_error_set(err, KC_EINVAL, "tci: syringe concentration must be above 0 mg/mL");
    if (p->max_ml_per_h < 0 || p->max_mg_per_kg_per_min < 0 || p->resolution_ml_per_h < 0)
        return kc_error_set(err, KC_EINVAL, "tci: pump limits must not be negative");
    if (p->max_mg_per_kg_per_min > 0 && !(req->ind->weight_kg > 0))
        return kc_error_set(err, KC_EINVAL, "tci: a mg/kg/min maximum needs the patient's weight");
    if (!(req->until_min > 0) || req->until_min > 7 * 1440)
        return kc_error_set(err, KC_EINVAL, "tci: run length must be above 0 and at most 7 days");
    if (req->n_targets == 0) return kc_error_set(err, KC_EINVAL, "tci: give at least one target");
    for (size_t i = 0; i < req->n_targets; i++) {
        const struct tci_target *t = &req->targets[i];
        if (!(t->t_min >= 0) || (i && t->t_min < req->targets[i - 1].t_min))
            return kc_error_set(err, KC_EINVAL, "tci: target %zu: times must be ascending from 0", i + 1);
        if (t->mode != TCI_OFF && !(t->conc_ng_per_ml >= 0 && t->conc_ng_per_ml < 1e6))
            return kc_error_set(err, KC_EINVAL, "tci: target %zu: concentration %g ng/mL out of range",
                                i + 1, t->conc_ng_per_ml);
    }
    for (size_t i = 0; i < req->n_pauses; i++)
        if (!(req->pauses[i].t1_min > req->pauses[i].t0_min) || !(req->pauses[i].t0_min >= 0))
            return kc_error_set(err, KC_EINVAL, "tci: pause %zu must end after it starts", i + 1);
    if (req->cp_cap_factor < 0 || (req->cp_cap_factor > 0 && req->cp_cap_factor < 1))
        return kc_error_set(err, KC_EINVAL, "tci: plasma cap must be at least 1 x the target");
    if (!(req->cp_max_ng_per_ml >= 0))
        return kc_error_set(err, KC_EINVAL, "tci: plasma ceiling must be a concentration > 0");
    double ceiling = cp_ceiling(req);
    for (size_t i = 0; i < req->n_targets; i++)
        if (req->targets[i].mode == TCI_PLASMA && req->targets[i].conc_ng_per_ml > ceiling)
            return kc_error_set(err, KC_EINVAL,
                                "tci: target %zu: plasma %g ng/mL is above the plasma ceiling %g "
                                "ng/mL (anaesthetic range from 1200 ng/mL, Zanos 2018)",
                                i + 1, req->targets[i].conc_ng_per_ml, ceiling);
    return KC_OK;
}

/* The plasma concentration effect mode may reach for target T (INFINITY when uncapped). */
static double cp_cap_for(const struct tci_request *req, double T)
{
    if (req->cp_uncapped) return INFINITY;
    double f = req->cp_cap_factor > 0 ? req->cp_cap_factor : TCI_DEFAULT_CP_CAP_FACTOR;
    return fmin(f * T, cp_ceiling(req));
}

int tci_run(const struct tci_request *req, struct tci_row *rows, size_t max_rows, size_t *n_rows,
            struct kc_error *err)
{
    int rc = check_request(req, err);
    if (rc) return rc;
    size_t need = tci_row_count(req);
    if (max_rows < need) return kc_error_set(err, KC_ELIMIT, "tci: %zu rows needed", need);
    struct ctl c = {.req = req};
    rc = engine_for(req->ind, &c.step, err);
    if (rc) return rc;
    c.fine = c.step;
    c.any = c.step;
    double dt = req->pump.interval_min;
    c.m = (int)ceil(dt / FINE_MAX_MIN - 1e-9);
    c.h = dt / c.m;
    struct pk__state s;
    pk__engine_reset(&c.step, &s);
    c.p_udf = cp_ahead(&c.any, &s, 1.0, dt, err, &rc);
    if (rc) return rc;

    double cum = 0.0;
    size_t k = 0;
    for (;; k++) {
        double t = (double)k * dt;
        int last = t >= req->until_min - 1e-9;
        if (last) t = req->until_min;
        struct tci_row *row = &rows[k];
        memset(row, 0, sizeof *row);
        row->t_min = t;
        row->cumulative_mg = cum;
        row->cp_ng_per_ml = pk__engine_cp(&c.step, &s);
        row->ce_ng_per_ml = pk__engine_ce(&c.step, &s);
        if (last) break;
        double step = fmin(dt, req->until_min - t);
        const struct tci_target *tg = target_at(req, t);
        double rate = 0.0;
        row->mode = tg && !paused_at(req, t) ? tg->mode : TCI_OFF;
        row->target_ng_per_ml = tg && tg->mode != TCI_OFF ? tg->conc_ng_per_ml : 0.0;
        double pu = step == dt ? c.p_udf : 0.0;
        if (row->mode != TCI_OFF && step != dt) {
            struct pk__state z;
            pk__engine_reset(&c.any, &z);
            pu = cp_ahead(&c.any, &z, 1.0, step, err, &rc);
            if (rc) return rc;
        }
        if (row->mode == TCI_PLASMA) {
            double off = cp_ahead(&c.any, &s, 0.0, step, err, &rc);
            if (rc) return rc;
            rate = (tg->conc_ng_per_ml - off) / pu;
        } else if (row->mode == TCI_EFFECT) {
            double T = tg->conc_ng_per_ml;
            rc = effect_rate(&c, &s, step, T, &rate, err);
            if (rc) return rc;
            double off = cp_ahead(&c.any, &s, 0.0, step, err, &rc);
            if (rc) return rc;
            /* STANPUMP switches to plasma mode once Ce is within 5% of the target, to stop the
             * on/off oscillation of pure effect targeting.  A plain switch would let Ce overshoot
             * while Cp is still above the target, so take the smaller of the two rates: never
             * above the Shafer-Gregg rate (no overshoot), and plasma-steady near the target. */
            if (row->ce_ng_per_ml >= (1.0 - TCI_EFFECT_TO_PLASMA) * T) rate = fmin(rate, (T - off) / pu);
            /* the plasma overshoot cap (Van Poucke 2004; STANPUMP's maximum Cp): noted per row */
            double capped = (cp_cap_for(req, T) - off) / pu;
            if (capped < rate) {
                rate = capped;
                row->cp_capped = 1;
            }
        }
        if (!(rate > 0)) rate = 0.0;
        row->rate_ml_per_h = pump_limit(req, rate, row->cp_capped, &row->limited);
        row->rate_mg_per_min = row->rate_ml_per_h * req->pump.syringe_mg_per_ml / 60.0;
        double r[PK__MAX_PORTS] = {row->rate_mg_per_min};
        rc = pk__engine_advance(step == dt ? &c.step : &c.any, &s, r, step, err);
        if (rc) return rc;
        cum += row->rate_mg_per_min * step;
    }
    *n_rows = k + 1;
    return KC_OK;
}

/* Replays rows into state s (from empty), writing cumulative, Cp and Ce of each row. */
static int replay(struct pk__engine *e, struct tci_row *rows, size_t n, int write,
                  struct pk__state *s, struct kc_error *err)
{
    pk__engine_reset(e, s);
    double cum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (i && !(rows[i].t_min >= rows[i - 1].t_min))
            return kc_error_set(err, KC_EINVAL, "replay: row %zu: time %g is before the previous row",
                                i + 1, rows[i].t_min);
        if (write) {
            rows[i].cumulative_mg = cum;
            rows[i].cp_ng_per_ml = pk__engine_cp(e, s);
            rows[i].ce_ng_per_ml = pk__engine_ce(e, s);
        }
        if (i + 1 == n) break;
        double r0 = rows[i].rate_mg_per_min;
        if (!(r0 >= 0) || !isfinite(r0))
            return kc_error_set(err, KC_EINVAL, "replay: row %zu: rate %g mg/min is not valid", i + 1, r0);
        double dt = rows[i + 1].t_min - rows[i].t_min;
        double r[PK__MAX_PORTS] = {r0};
        int rc = pk__engine_advance(e, s, r, dt, err);
        if (rc) return rc;
        cum += r0 * dt;
    }
    return KC_OK;
}

int tci_replay(const struct pk_indiv *ind, struct tci_row *rows, size_t n_rows,
               struct kc_error *err)
{
    struct pk__engine e;
    struct pk__state s;
    int rc = engine_for(ind, &e, err);
    if (rc) return rc;
    return replay(&e, rows, n_rows, 1, &s, err);
}

static double conc_of(const struct pk__engine *e, const struct pk__state *s, int use_ce)
{
    return use_ce ? pk__engine_ce(e, s) : pk__engine_cp(e, s);
}

int tci_decrement_time(const struct pk_indiv *ind, const struct tci_row *rows, size_t n_rows,
                       double level_ng_per_ml, int use_ce, double *t_min, struct kc_error *err)
{
    if (!(level_ng_per_ml > 0))
        return kc_error_set(err, KC_EINVAL, "decrement time: level must be above 0 ng/mL");
    if (n_rows == 0) return kc_error_set(err, KC_EINVAL, "decrement time: no rate history");
    struct pk__engine e, any;
    struct pk__state s;
    int rc = engine_for(ind, &e, err);
    if (rc) return rc;
    any = e;
    rc = replay(&e, (struct tci_row *)rows, n_rows, 0, &s, err);
    if (rc) return rc;
    /* After IV input stops Cp only falls (mammillary), and once Cp and Ce are both below the
     * level Ce cannot rise back above it (dCe/dt = ke0 (Cp - Ce)).  So walk until that holds,
     * remembering the last grid time the concentration was at or above the level. */
    double t = 0.0, last_above = -1.0;
    struct pk__state at_last = s;
    long nstep = (long)(DECR_HORIZON_MIN / DECR_STEP_MIN);
    for (long k = 0;; k++) {
        double cv = conc_of(&e, &s, use_ce), cp = pk__engine_cp(&e, &s);
        if (cv >= level_ng_per_ml) {
            last_above = t;
            at_last = s;
        }
        if (cp < level_ng_per_ml && cv < level_ng_per_ml) break;
        if (k == nstep)
            return kc_error_set(err, KC_ERANGE, "%s does not fall below %g ng/mL within 7 days",
                                use_ce ? "Ce" : "Cp", level_ng_per_ml);
        rc = pk__engine_advance(&e, &s, NULL, DECR_STEP_MIN, err);
        if (rc) return rc;
        t = (double)(k + 1) * DECR_STEP_MIN;
    }
    if (last_above < 0) {
        *t_min = 0.0;
        return KC_OK;
    }
    double lo = 0.0, hi = DECR_STEP_MIN;
    while (hi - lo > 1e-6) {
        double mid = 0.5 * (lo + hi);
        struct pk__state x = at_last;
        rc = pk__engine_advance(&any, &x, NULL, mid, err);
        if (rc) return rc;
        if (conc_of(&any, &x, use_ce) >= level_ng_per_ml) lo = mid;
        else hi = mid;
    }
    *t_min = last_above + 0.5 * (lo + hi);
    return KC_OK;
}
