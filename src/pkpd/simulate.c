/* simulate.c — walks a regimen through time on an exact engine: outputs at the requested times,
 * then a dense pass for the exposure summary, with peaks and threshold crossings refined by exact
 * evaluation inside a step (bisection / golden section), not by interpolation. */
#include <math.h>
#include <string.h>

#include "pkpd/engine.h"

struct walk {
    struct pk__engine *eng;
    const struct pk_input *in;
    size_t n_in;
};

/* Total rate per port active on [t, next) and the next time the inputs change after t. */
static double rates_at(const struct walk *w, double t, double *rate)
{
    double next = INFINITY;
    memset(rate, 0, sizeof(double) * PK__MAX_PORTS);
    for (size_t i = 0; i < w->n_in; i++) {
        const struct pk_input *p = &w->in[i];
        if (p->t1_min > p->t0_min && p->t0_min <= t && t < p->t1_min)
            rate[p->port] += p->amount_mg / (p->t1_min - p->t0_min);
        if (p->t0_min > t && p->t0_min < next) next = p->t0_min;
        if (p->t1_min > t && p->t1_min < next) next = p->t1_min;
    }
    return next;
}

static void boluses_at(const struct walk *w, struct pk__state *s, double t)
{
    for (size_t i = 0; i < w->n_in; i++)
        if (w->in[i].t1_min == w->in[i].t0_min && w->in[i].t0_min == t)
            pk__engine_bolus(w->eng, s, w->in[i].port, w->in[i].amount_mg);
}

/* Called at every visited time with the state after that time's boluses and the rates that hold
 * until the next visited time.  is_event: inputs start or stop here. */
typedef int (*visit_fn)(void *ctx, double t, const struct pk__state *s, const double *rate,
                        int is_event, struct kc_error *err);

/* Visits 0, every input change, every times[i] and (if dense_dt > 0) every k*dense_dt, up to
 * t_end inclusive. */
static int walk_run(const struct walk *w, const double *times, size_t n_times, double dense_dt,
                    double t_end, visit_fn fn, void *ctx, struct kc_error *err)
{
    struct pk__state s;
    pk__engine_reset(w->eng, &s);
    double rate[PK__MAX_PORTS];
    double t = 0.0;
    size_t ti = 0;
    long k = 0;
    for (;;) {
        boluses_at(w, &s, t);
        double next_event = rates_at(w, t, rate);
        int is_event = 0;
        for (size_t i = 0; i < w->n_in; i++)
            if (w->in[i].t0_min == t || w->in[i].t1_min == t) is_event = 1;
        int rc = fn(ctx, t, &s, rate, is_event, err);
        if (rc) return rc;
        while (ti < n_times && times[ti] <= t) ti++;
        while (dense_dt > 0 && (double)k * dense_dt <= t) k++;
        double next = next_event;
        if (ti < n_times && times[ti] < next) next = times[ti];
        if (dense_dt > 0 && (double)k * dense_dt < next) next = (double)k * dense_dt;
        if (t >= t_end) break;
        if (next > t_end) next = t_end;
        rc = pk__engine_advance(w->eng, &s, rate, next - t, err);
        if (rc) return rc;
        t = next;
    }
    return KC_OK;
}

struct out_ctx {
    const struct walk *w;
    const double *times;
    size_t n_times, next;
    struct pk_point *out;
};

static int visit_output(void *ctx, double t, const struct pk__state *s, const double *rate,
                        int is_event, struct kc_error *err)
{
    (void)rate, (void)is_event, (void)err;
    struct out_ctx *c = ctx;
    while (c->next < c->n_times && c->times[c->next] == t) {
        pk__engine_read(c->w->eng, s, &c->out[c->next]);
        c->out[c->next].t_min = t;
        c->next++;
    }
    return KC_OK;
}

/* Exact Cp at t0 + dt from state s under constant rates. */
static double cp_after(struct pk__engine *e, const struct pk__state *s, const double *rate,
                       double dt, struct kc_error *err)
{
    struct pk__state c = *s;
    if (pk__engine_advance(e, &c, rate, dt, err)) return NAN;
    return pk__engine_cp(e, &c);
}

/* Time in (0, dt] where Cp crosses level, from state s (Cp(s) on one side, Cp(dt) the other). */
static double crossing(struct pk__engine *e, const struct pk__state *s, const double *rate,
                       double dt, double level, struct kc_error *err)
{
    double lo = 0.0, hi = dt;
    int above0 = pk__engine_cp(e, s) > level;
    for (int it = 0; it < 60 && hi - lo > 1e-9 * (1.0 + hi); it++) {
        double mid = 0.5 * (lo + hi);
        double c = cp_after(e, s, rate, mid, err);
        if (isnan(c)) return NAN;
        if ((c > level) == above0) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

struct sum_ctx {
    struct pk__engine *eng;
    double level;
    double last_input_end;
    struct pk_summary *sum;
    int have_prev;
    double t_prev, cp_prev;
    struct pk__state s_prev;
    double rate_prev[PK__MAX_PORTS];
    /* peak candidate: the interval before the best point, for golden-section refinement */
    int peak_refinable;
    double peak_t0, peak_span;
    struct pk__state peak_s;
    double peak_rate[PK__MAX_PORTS];
    double above_since;   /* time Cp rose above level, NAN when below */
    double last_down;     /* last downward crossing at or after the last input end */
    int peak_is_event;
    int peak_open; /* the point after the peak candidate not yet visited */
};

static int visit_summary(void *ctx, double t, const struct pk__state *s, const double *rate,
                         int is_event, struct kc_error *err)
{
    struct sum_ctx *c = ctx;
    struct pk_summary *sum = c->sum;
    struct pk_point p;
    pk__engine_read(c->eng, s, &p);
    if (c->peak_open) {
        /* the search interval ends at this point: rates are constant from the point before the
         * candidate up to here (the candidate is no event), but need not be beyond */
        c->peak_span = t - c->peak_t0;
        c->peak_open = 0;
    }
    if (p.cp_ng_per_ml > sum->cmax_ng_per_ml) {
        sum->cmax_ng_per_ml = p.cp_ng_per_ml;
        sum->tmax_min = t;
        c->peak_refinable = c->have_prev;
        c->peak_is_event = is_event;
        if (c->have_prev) {
            c->peak_t0 = c->t_prev;
            c->peak_s = c->s_prev;
            memcpy(c->peak_rate, c->rate_prev, sizeof c->peak_rate);
            c->peak_span = t - c->t_prev; /* widened to the next point when it is visited */
            c->peak_open = 1;
        }
    }
    if (p.ce_ng_per_ml > sum->ce_max_ng_per_ml) {
        sum->ce_max_ng_per_ml = p.ce_ng_per_ml;
        sum->ce_tmax_min = t;
    }
    if (!isnan(p.met_ng_per_ml) && !(p.met_ng_per_ml <= sum->met_max_ng_per_ml)) {
        sum->met_max_ng_per_ml = p.met_ng_per_ml;
        sum->met_tmax_min = t;
    }
    if (c->level > 0 && c->have_prev) {
        int was = c->cp_prev > c->level, now = p.cp_ng_per_ml > c->level;
        if (was != now) {
            double x = c->t_prev + crossing(c->eng, &c->s_prev, c->rate_prev, t - c->t_prev,
                                            c->level, err);
            if (isnan(x)) return err ? err->code : KC_ENUMERIC;
            if (now) c->above_since = x;
            else {
                sum->time_above_min += x - c->above_since;
                c->above_since = NAN;
                if (x >= c->last_input_end) c->last_down = x;
            }
        }
    } else if (c->level > 0 && p.cp_ng_per_ml > c->level) {
        c->above_since = t;
    }
    c->have_prev = 1;
    c->t_prev = t;
    c->cp_prev = p.cp_ng_per_ml;
    c->s_prev = *s;
    memcpy(c->rate_prev, rate, sizeof c->rate_prev);
    return KC_OK;
}

/* Golden-section search for the Cp maximum inside [t0, t0 + span] (constant rates there). */
static void refine_peak(struct sum_ctx *c, struct kc_error *err)
{
    const double g = 0.6180339887498949;
    double a = 0.0, b = c->peak_span;
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    double f1 = cp_after(c->eng, &c->peak_s, c->peak_rate, x1, err);
    double f2 = cp_after(c->eng, &c->peak_s, c->peak_rate, x2, err);
    for (int it = 0; it < 80 && b - a > 1e-7; it++) {
        if (f1 < f2) {
            a = x1; x1 = x2; f1 = f2;
            x2 = a + g * (b - a);
            f2 = cp_after(c->eng, &c->peak_s, c->peak_rate, x2, err);
        } else {
            b = x2; x2 = x1; f2 = f1;
            x1 = b - g * (b - a);
            f1 = cp_after(c->eng, &c->peak_s, c->peak_rate, x1, err);
        }
    }
    double x = 0.5 * (a + b), f = cp_after(c->eng, &c->peak_s, c->peak_rate, x, err);
    if (f > c->sum->cmax_ng_per_ml) {
        c->sum->cmax_ng_per_ml = f;
        c->sum->tmax_min = c->peak_t0 + x;
    }
}

/* After the horizon: continue with no input until Cp falls below the level (7 days at most). */
static void find_fall_below(struct sum_ctx *c, double t_end, struct kc_error *err)
{
    struct pk__state s = c->s_prev;
    double zero[PK__MAX_PORTS] = {0};
    double t = t_end, step = 5.0;
    for (int i = 0; i < (int)(7 * 1440 / step); i++) {
        struct pk__state next = s;
        if (pk__engine_advance(c->eng, &next, zero, step, err)) return;
        if (pk__engine_cp(c->eng, &next) <= c->level) {
            c->sum->t_below_min = t + crossing(c->eng, &s, zero, step, c->level, err);
            return;
        }
        s = next;
        t += step;
    }
}

int pk_simulate(const struct pk_sim_request *req, struct pk_point *out, struct pk_summary *sum,
                struct pk_notes *notes, struct kc_error *err)
{
    if (!req || !req->ind || (req->n_times && !req->times_min))
        return kc_error_set(err, KC_EINVAL, "incomplete simulation request");
    for (size_t i = 0; i < req->n_times; i++)
        if (!(req->times_min[i] >= 0) || !isfinite(req->times_min[i]) ||
            (i && !(req->times_min[i] > req->times_min[i - 1])))
            return kc_error_set(err, KC_EINVAL, "output times must be ascending and >= 0");
    if (req->threshold_ng_per_ml < 0)
        return kc_error_set(err, KC_EINVAL, "threshold must not be negative");

    struct pk_input inputs[PK_MAX_INPUTS]; /* 16 KiB on the stack; no allocation */
    size_t n_in = 0;
    double systemic = 0.0;
    int rc = pk_regimen_expand(req->ind, req->doses, req->n_doses, inputs, PK_MAX_INPUTS, &n_in,
                               &systemic, notes, err);
    if (rc) return rc;
    struct pk__engine eng;
    rc = pk__engine_init(&eng, req->ind, req->engine, err);
    if (rc) return rc;
    struct walk w = {&eng, inputs, n_in};
    double t_end = req->n_times ? req->times_min[req->n_times - 1] : 0.0;

    struct out_ctx oc = {&w, req->times_min, req->n_times, 0, out};
    rc = walk_run(&w, req->times_min, req->n_times, 0.0, t_end, visit_output, &oc, err);
    if (rc) return rc;
    if (!sum) return KC_OK;

    memset(sum, 0, sizeof *sum);
    sum->engine_used = eng.kind;
    sum->threshold_ng_per_ml = req->threshold_ng_per_ml;
    sum->met_max_ng_per_ml = NAN;
    sum->met_tmax_min = NAN;
    sum->t_below_min = NAN;
    sum->systemic_mg = systemic;
    for (size_t i = 0; i < n_in; i++) sum->entered_mg += inputs[i].amount_mg;
    for (size_t i = 0; i < req->n_doses; i++) {
        double mg = 0;
        if (pk_dose_amount_mg(&req->doses[i], req->ind->weight_kg, &mg, err) == KC_OK)
            sum->total_dose_mg += mg;
    }
    for (size_t i = 0; i < n_in; i++)
        if (inputs[i].t1_min > sum->last_input_end_min) sum->last_input_end_min = inputs[i].t1_min;

    struct sum_ctx sc;
    memset(&sc, 0, sizeof sc);
    sc.eng = &eng;
    sc.level = req->threshold_ng_per_ml;
    sc.last_input_end = sum->last_input_end_min;
    sc.sum = sum;
    sc.above_since = NAN;
    sc.last_down = NAN;
    sum->cmax_ng_per_ml = -1.0;
    sum->ce_max_ng_per_ml = -1.0;
    double dense = t_end > 0 ? fmin(0.1, t_end / 2000.0) : 0.0;
    if (t_end / dense > 20000) dense = t_end / 20000.0;
    rc = walk_run(&w, NULL, 0, dense, t_end, visit_summary, &sc, err);
    if (rc) return rc;
    if (sc.peak_refinable && !sc.peak_is_event && sum->tmax_min < t_end) refine_peak(&sc, err);
    if (sum->cmax_ng_per_ml < 0) sum->cmax_ng_per_ml = 0;
    if (sum->ce_max_ng_per_ml < 0) sum->ce_max_ng_per_ml = 0;
    if (t_end > 0) {
        struct pk_point last;
        pk__engine_read(&eng, &sc.s_prev, &last);
        sum->auc_ng_h_per_ml = last.auc_ng_min_per_ml / 60.0;
    }
    if (sc.level > 0) {
        if (!isnan(sc.above_since)) sum->time_above_min += t_end - sc.above_since;
        if (sc.cp_prev <= sc.level) {
            /* below at the horizon: the last downward crossing after dosing, or the end of
             * dosing itself if Cp was already below then */
            sum->t_below_min = !isnan(sc.last_down) ? sc.last_down : sum->last_input_end_min;
        } else if (sum->last_input_end_min <= t_end) {
            find_fall_below(&sc, t_end, err);
        }
    }
    return KC_OK;
}
