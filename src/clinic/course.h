/* course.h — treatment courses: dated session plans for IV induction, IV maintenance taper,
 * the SPRAVATO TRD schedule and the MDSI schedule, under clinic days and a minimum gap;
 * re-planning after a missed session or a relapse; the end-of-induction review with the futility
 * rule.  Civil-date arithmetic is done here (days from 1970-01-01); no clock is read: "today"
 * is always an argument. */
#ifndef KC_CLINIC_COURSE_H
#define KC_CLINIC_COURSE_H

#include "base/error.h"
#include "clinic/protocol.h"
#include "clinic/scale.h"

/* --- civil dates: the time module's (base/kctime.h), under the names the clinic code uses ---- */
long course_days_from_civil(long y, unsigned m, unsigned d);
void course_civil_from_days(long days, long *y, unsigned *m, unsigned *d);
/* 0 = Monday .. 6 = Sunday */
int course_weekday(long days);
/* kc_time_parse_date: "YYYY-MM-DD", years 1900-2200, a real calendar date; KC_EINVAL naming the
 * text otherwise. */
int course_date_parse(const char *text, long *days, struct kc_error *err);
/* Writes "YYYY-MM-DD" (buf at least 11 bytes). */
void course_date_format(long days, char *buf, unsigned long cap);
/* "mon,wed,fri" -> bit mask (bit 0 = Monday); KC_EINVAL naming a bad or repeated name. */
int course_days_parse(const char *text, unsigned *mask, struct kc_error *err);

/* --- plans --------------------------------------------------------------------------------- */
enum course_kind {
    COURSE_IV_INDUCTION,   /* 6 IV infusions, 2-3 per week (Murrough 2013; Singh 2016; Oliver 2022) */
    COURSE_IV_MAINTENANCE, /* weekly x4, 2-weekly x4, 4-weekly x3 (CAN-BIND, Phillips 2020) */
    COURSE_SPRAVATO_TRD,   /* 2/wk weeks 1-4, weekly 5-8, every 2 (or 1) weeks from week 9 */
    COURSE_MDSI,           /* esketamine 84 mg 2/wk x 4 weeks */
};
/* "iv-induction", "iv-maintenance", "spravato-trd", "mdsi" */
int course_kind_parse(const char *text, enum course_kind *out, struct kc_error *err);
const char *course_kind_name(enum course_kind k);

struct course_constraints {
    unsigned clinic_days;  /* bit mask, bit 0 = Monday; 0 = every day */
    int min_gap_days;      /* 0 = protocol course.min_gap_days; below its safe minimum refused */
    int per_week;          /* IV induction: 2 or 3 (0 = 3) */
    int continuation_every_weeks; /* SPRAVATO from week 9: 1 or 2 (0 = 2) */
    int continuation_sessions;    /* SPRAVATO sessions planned from week 9 (0 = 4) */
    int age_years;         /* SPRAVATO day-1 dose: 28 mg from 65 (0 = not given) */
};

#define COURSE_MAX_SESSIONS 48
#define COURSE_MAX_WARN 6

struct course_session {
    long day;          /* days since 1970-01-01 */
    int week;          /* 1-based week of the course (from the first session) */
    const char *phase; /* "induction", "weeks 1-4 twice weekly", ... */
    const char *dose;  /* planned dose text ("56 mg (day 1)", "56 or 84 mg", "per dose plan") */
    int done;          /* 1 = given (kept unchanged by re-planning) */
};

struct course_plan {
    enum course_kind kind;
    long start_day;    /* as requested; the first session is the first clinic day on/after it */
    int min_gap_days;
    unsigned clinic_days;
    struct course_session s[COURSE_MAX_SESSIONS];
    int n;
    const char *source;
    char warn[COURSE_MAX_WARN][160];
    int n_warn;
    struct protocol_trace trace;
};

/* Builds the dated plan.  Each session lands on a clinic day, at least min_gap days after the
 * previous one, as close to its nominal date as that allows; a week that cannot hold its
 * sessions, or an IV induction past induction.max_days, is reported in warn[].  KC_EINVAL for
 * bad constraints (no clinic day, per_week not 2/3, gap refused by the protocol's safe range). */
int course_plan_make(const struct protocol *p, enum course_kind kind, long start_day,
                     const struct course_constraints *c, struct course_plan *out,
                     struct kc_error *err);

/* Re-plans after session `missed` (0-based) was missed: sessions before it are marked done and
 * kept; the missed one moves to the first clinic day on/after max(today, previous + gap); later
 * sessions move by the same delay (then onto clinic days, keeping the gap).  KC_EINVAL when
 * missed is out of range or today is before the missed session's date. */
int course_replan_missed(const struct protocol *p, const struct course_plan *plan, int missed,
                         long today, struct course_plan *out, struct kc_error *err);

/* Maintenance relapse (CAN-BIND: back to 2-weekly): sessions from index `from` on are re-dated
 * every 14 days starting on the first clinic day on/after max(today, previous + gap). */
int course_replan_relapse(const struct protocol *p, const struct course_plan *plan, int from,
                          long today, struct course_plan *out, struct kc_error *err);

/* --- end-of-induction review ----------------------------------------------------------------- */
struct course_review {
    int sessions_done;
    struct scale_change change; /* against the course baseline */
    int end_of_induction;       /* sessions_done >= induction.sessions */
    int futile;                 /* futility rule met */
    char verdict[320];
    struct protocol_trace trace;
};

/* Reviews a course: response/remission of `current` against `baseline` on def, and the futility
 * rule (no response and no partial response after futility.sessions_without_response sessions;
 * Sanacora 2017), with the ORKA-2 caveat.  Errors as scale_compare, and KC_EINVAL for
 * sessions_done < 1. */
int course_review_make(const struct protocol *p, const struct scale_def *def, int baseline,
                       int current, int sessions_done, struct course_review *out,
                       struct kc_error *err);

#endif
