/* course.c — dated course plans from phase tables, re-planning, and the end-of-induction
 * review.  Schedules: clinical.md s1a (IV induction, CAN-BIND maintenance), s1c (SPRAVATO). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clinic/course.h"

/* A phase: n sessions, per_week of them in each active week, active weeks every every_weeks
 * weeks from first_week (1-based, counted from the first session). */
struct phase {
    const char *name;
    int first_week, per_week, every_weeks, n;
    const char *dose;
};

static const char *const kind_names[] = {"iv-induction", "iv-maintenance", "spravato-trd", "mdsi"};

int course_kind_parse(const char *text, enum course_kind *out, struct kc_error *err)
{
    for (int i = 0; text && i < 4; i++)
        if (strcmp(text, kind_names[i]) == 0) {
            *out = (enum course_kind)i;
            return KC_OK;
        }
    return kc_error_set(err, KC_EINVAL,
                        "plan '%s': expected iv-induction, iv-maintenance, spravato-trd or mdsi",
                        text ? text : "");
}

const char *course_kind_name(enum course_kind k)
{
    return (unsigned)k < 4 ? kind_names[k] : "?";
}

static void warn(struct course_plan *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct course_plan *c, const char *fmt, ...)
{
    if (c->n_warn >= COURSE_MAX_WARN) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->warn[c->n_warn++], sizeof c->warn[0], fmt, ap);
    va_end(ap);
}

/* First clinic day on or after day. */
static long snap(const struct course_plan *c, long day)
{
    if (!c->clinic_days) return day;
    while (!(c->clinic_days & (1u << course_weekday(day)))) day++;
    return day;
}

static long earliest(const struct course_plan *c, int i, long target)
{
    long lo = i > 0 ? c->s[i - 1].day + c->min_gap_days : target;
    return snap(c, target > lo ? target : lo);
}

static int setup(const struct protocol *p, const struct course_constraints *k,
                 struct course_plan *c, struct kc_error *err)
{
    double gap = k->min_gap_days > 0 ? k->min_gap_days
                                     : protocol_use(p, "course.min_gap_days", &c->trace);
    if (k->min_gap_days > 0) {
        (void)protocol_use(p, "course.min_gap_days", &c->trace);
        int rc = protocol_check_value("course.min_gap_days", k->min_gap_days, err);
        if (rc) return kc_error_prefix(err, "minimum gap");
    }
    if (k->clinic_days > 0x7f) return kc_error_set(err, KC_EINVAL, "clinic days: bad mask");
    c->min_gap_days = (int)gap;
    c->clinic_days = k->clinic_days;
    return KC_OK;
}

int course_plan_make(const struct protocol *p, enum course_kind kind, long start_day,
                     const struct course_constraints *k, struct course_plan *out,
                     struct kc_error *err)
{
    static const struct course_constraints none;
    struct course_plan c;
    struct phase ph[4];
    int nph = 0, rc;
    char d1[16];
    if (!k) k = &none;
    memset(&c, 0, sizeof c);
    protocol_trace_begin(&c.trace, p);
    c.kind = kind;
    c.start_day = start_day;
    if ((rc = setup(p, k, &c, err))) return rc;
    switch (kind) {
    case COURSE_IV_INDUCTION: {
        int per = k->per_week ? k->per_week : 3;
        if (per != 2 && per != 3)
            return kc_error_set(err, KC_EINVAL, "IV induction: 2 or 3 sessions per week, not %d",
                                per);
        double n = protocol_use(p, "induction.sessions", &c.trace);
        ph[nph++] = (struct phase){per == 3 ? "induction, 3 per week" : "induction, 2 per week", 1,
                                   per, 1, (int)n, "per dose plan (e.g. 0.5 mg/kg IV over 40 min)"};
        c.source = "Murrough 2013 (6 infusions 3x/week); Singh 2016 (2x = 3x/week); Oliver 2022 "
                   "(6 within 21 days)";
        break;
    }
    case COURSE_IV_MAINTENANCE:
        ph[nph++] = (struct phase){"weekly x 1 month", 1, 1, 1, 4, "per dose plan"};
        ph[nph++] = (struct phase){"every 2 weeks x 2 months", 6, 1, 2, 4, "per dose plan"};
        ph[nph++] = (struct phase){"every 4 weeks x 3 months", 16, 1, 4, 3, "per dose plan"};
        c.source = "CAN-BIND protocol, Phillips et al., BMC Psychiatry 2020;20:268 (back to "
                   "2-weekly on relapse; 'monthly' planned as every 4 weeks)";
        break;
    case COURSE_SPRAVATO_TRD: {
        int every = k->continuation_every_weeks ? k->continuation_every_weeks : 2;
        int cont = k->continuation_sessions ? k->continuation_sessions : 4;
        if (every != 1 && every != 2)
            return kc_error_set(err, KC_EINVAL, "SPRAVATO from week 9: every 1 or 2 weeks, not %d",
                                every);
        if (cont < 1 || cont > 26)
            return kc_error_set(err, KC_EINVAL, "SPRAVATO continuation sessions: 1-26, not %d", cont);
        ph[nph++] = (struct phase){"weeks 1-4, twice weekly", 1, 2, 1, 8, "56 or 84 mg"};
        ph[nph++] = (struct phase){"weeks 5-8, weekly", 5, 1, 1, 4, "56 or 84 mg"};
        ph[nph++] = (struct phase){every == 2 ? "week 9+, every 2 weeks" : "week 9+, weekly", 9, 1,
                                   every, cont, "56 or 84 mg"};
        c.source = "SPRAVATO US label (TRD dosing); judge benefit at the end of induction";
        break;
    }
    case COURSE_MDSI:
        ph[nph++] = (struct phase){"twice weekly x 4 weeks", 1, 2, 1, 8,
                                   "84 mg (56 mg if not tolerated)"};
        c.source = "SPRAVATO US label (MDSI: 84 mg twice weekly for 4 weeks; >4 weeks not studied)";
        break;
    default: return kc_error_set(err, KC_EINVAL, "unknown course kind");
    }
    long anchor = snap(&c, start_day);
    for (int q = 0; q < nph; q++) {
        const struct phase *f = &ph[q];
        for (int j = 0; j < f->n; j++) {
            if (c.n >= COURSE_MAX_SESSIONS)
                return kc_error_set(err, KC_ELIMIT, "more than %d sessions", COURSE_MAX_SESSIONS);
            int week = f->first_week + (j / f->per_week) * f->every_weeks;
            int offset = (j % f->per_week) * 7 / f->per_week; /* 2/wk: 0,3; 3/wk: 0,2,4 */
            long target = anchor + 7L * (week - 1) + offset;
            struct course_session *s = &c.s[c.n];
            s->day = earliest(&c, c.n, target);
            s->week = (int)((s->day - anchor) / 7) + 1;
            s->phase = f->name;
            s->dose = f->dose;
            if (s->week != week && c.n_warn < COURSE_MAX_WARN)
                warn(&c, "session %d (%s) falls in week %d, not week %d: clinic days or the %d-day "
                         "gap do not fit",
                     c.n + 1, f->name, s->week, week, c.min_gap_days);
            c.n++;
        }
    }
    if (kind == COURSE_SPRAVATO_TRD) {
        /* EU/HK: 28 mg from 65 y; the US label has no age-specific start (esk.label_region) */
        int older = k->age_years > 0 &&
                    k->age_years >= protocol_use(p, "esk.older_age_years", &c.trace) &&
                    protocol_use(p, "esk.label_region", &c.trace) >= 1.5;
        c.s[0].dose = older ? "28 mg (day 1, age >= 65; EU/HK label)" : "56 mg (day 1)";
        (void)protocol_use(p, older ? "esk.first_dose_mg_older" : "esk.first_dose_mg", &c.trace);
    }
    if (kind == COURSE_IV_INDUCTION) {
        double maxd = protocol_use(p, "induction.max_days", &c.trace);
        long span = c.s[c.n - 1].day - c.s[0].day + 1;
        if (span > maxd) {
            course_date_format(c.s[c.n - 1].day, d1, sizeof d1);
            warn(&c, "induction spans %ld days (last %s), beyond %g days (induction.max_days)", span,
                 d1, maxd);
        }
    }
    *out = c;
    return KC_OK;
}

static int check_index(const struct course_plan *plan, int i, struct kc_error *err)
{
    if (i < 0 || i >= plan->n)
        return kc_error_set(err, KC_EINVAL, "session %d: the plan has sessions 1-%d", i + 1,
                            plan->n);
    if (plan->s[i].done)
        return kc_error_set(err, KC_EINVAL, "session %d was already given", i + 1);
    return KC_OK;
}

int course_replan_missed(const struct protocol *p, const struct course_plan *plan, int missed,
                         long today, struct course_plan *out, struct kc_error *err)
{
    struct course_plan c = *plan;
    char d1[16], d2[16];
    int rc = check_index(plan, missed, err);
    if (rc) return rc;
    if (today < plan->s[missed].day) {
        course_date_format(plan->s[missed].day, d1, sizeof d1);
        course_date_format(today, d2, sizeof d2);
        return kc_error_set(err, KC_EINVAL, "session %d is on %s: it cannot be missed on %s",
                            missed + 1, d1, d2);
    }
    protocol_trace_begin(&c.trace, p);
    (void)protocol_use(p, "course.min_gap_days", &c.trace);
    for (int i = 0; i < missed; i++) c.s[i].done = 1;
    c.s[missed].day = earliest(&c, missed, today);
    long delay = c.s[missed].day - plan->s[missed].day;
    for (int i = missed + 1; i < c.n; i++) c.s[i].day = earliest(&c, i, plan->s[i].day + delay);
    long anchor = c.s[0].day;
    for (int i = 0; i < c.n; i++) c.s[i].week = (int)((c.s[i].day - anchor) / 7) + 1;
    course_date_format(c.s[missed].day, d1, sizeof d1);
    warn(&c, "session %d missed: moved to %s, later sessions by %ld days", missed + 1, d1, delay);
    if (c.kind == COURSE_IV_INDUCTION) {
        double maxd = protocol_use(p, "induction.max_days", &c.trace);
        long span = c.s[c.n - 1].day - c.s[0].day + 1;
        if (span > maxd)
            warn(&c, "induction now spans %ld days, beyond %g days (induction.max_days)", span,
                 maxd);
    }
    *out = c;
    return KC_OK;
}

int course_replan_relapse(const struct protocol *p, const struct course_plan *plan, int from,
                          long today, struct course_plan *out, struct kc_error *err)
{
    struct course_plan c = *plan;
    int rc = check_index(plan, from, err);
    if (rc) return rc;
    protocol_trace_begin(&c.trace, p);
    (void)protocol_use(p, "course.min_gap_days", &c.trace);
    for (int i = 0; i < from; i++) c.s[i].done = 1;
    for (int i = from; i < c.n; i++) {
        c.s[i].day = earliest(&c, i, i == from ? today : c.s[i - 1].day + 14);
        c.s[i].phase = "every 2 weeks (after relapse)";
    }
    long anchor = c.s[0].day;
    for (int i = 0; i < c.n; i++) c.s[i].week = (int)((c.s[i].day - anchor) / 7) + 1;
    warn(&c, "relapse: sessions %d-%d back to every 2 weeks (CAN-BIND, Phillips 2020)", from + 1,
         c.n);
    *out = c;
    return KC_OK;
}

int course_review_make(const struct protocol *p, const struct scale_def *def, int baseline,
                       int current, int sessions_done, struct course_review *out,
                       struct kc_error *err)
{
    struct course_review r;
    memset(&r, 0, sizeof r);
    if (sessions_done < 1 || sessions_done > 200)
        return kc_error_set(err, KC_EINVAL, "sessions done: expected 1-200, got %d", sessions_done);
    int rc = scale_compare(p, def, baseline, current, 0, &r.change, err);
    if (rc) return rc;
    r.trace = r.change.trace;
    r.sessions_done = sessions_done;
    double ind = protocol_use(p, "induction.sessions", &r.trace);
    double fut = protocol_use(p, "futility.sessions_without_response", &r.trace);
    r.end_of_induction = sessions_done >= ind;
    r.futile = sessions_done >= fut && !r.change.response && !r.change.partial;
    if (r.change.response)
        snprintf(r.verdict, sizeof r.verdict,
                 "responded (%.0f%% drop)%s: %s", r.change.drop_pct,
                 r.change.remission == 1 ? ", in remission" : "",
                 r.end_of_induction ? "plan maintenance" : "continue induction");
    else if (r.futile)
        snprintf(r.verdict, sizeof r.verdict,
                 "futility rule met: no response after %d sessions (few respond after >%g without "
                 "earlier response, Sanacora 2017); consider stopping. Caveat: ORKA-2 saw ~20%% "
                 "respond only at sessions 10-12",
                 sessions_done, fut);
    else if (r.change.partial)
        snprintf(r.verdict, sizeof r.verdict,
                 "partial response (%.0f%% drop): %s", r.change.drop_pct,
                 r.end_of_induction ? "clinician decides whether to extend induction (ORKA-2: "
                                      "late responders exist)"
                                    : "continue induction");
    else
        snprintf(r.verdict, sizeof r.verdict, "no response yet (%.0f%% drop): continue induction",
                 r.change.drop_pct);
    *out = r;
    return KC_OK;
}
