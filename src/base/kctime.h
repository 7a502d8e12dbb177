/* kctime.h — the one time module: RFC 3339 instants (with Z or a numeric offset), date-only
 * values, strict refusal of impossible dates and times, UTC formatting, and the clinic's local
 * time zone (tzdata, through the C library) for local dates and local wall times.
 *
 * Representation.  An instant is int64_t milliseconds since 1970-01-01T00:00:00Z, leap seconds
 * not counted (POSIX time).  A calendar date is a long count of days since 1970-01-01
 * (proleptic Gregorian).  Both are plain values: no allocation anywhere in this module.
 *
 * Accepted range.  Years KC_TIME_YEAR_MIN..KC_TIME_YEAR_MAX (1900-2200), for every parse and
 * every conversion: a clinic record outside it is a typing error (a year 2062 for 2026 is not
 * caught, but 0026 or 20260 are).
 *
 * Errors.  Every function that can fail returns KC_OK or KC_EINVAL and fills err (may be NULL)
 * with a message naming the text and what is allowed; outputs are untouched on error.
 *
 * Threads.  Everything is thread-safe.  The time-zone functions serialise on one process-wide
 * mutex, inside which they set the TZ environment variable (setenv + tzset) and call
 * localtime_r.  So the contract for the rest of the process: no other code may call setenv/
 * putenv("TZ"), tzset, localtime(_r), mktime or strftime with %Z/%z — local time goes through
 * this module (UTC work with gmtime_r/timegm is unaffected by TZ and stays free). */
#ifndef KC_BASE_KCTIME_H
#define KC_BASE_KCTIME_H

#include <stdint.h>

#include "base/error.h"

#define KC_TIME_YEAR_MIN 1900
#define KC_TIME_YEAR_MAX 2200
#define KC_TIME_TEXT_MAX 32 /* buffer size for any text this module writes, NUL included */
#define KC_TIME_ZONE_MAX 64 /* longest zone name accepted, NUL included */
#define KC_MS_PER_DAY 86400000LL

/* A broken-down time.  For kc_time_from_civil the fields are checked (month 1-12, a real day of
 * that month, hour 0-23, minute 0-59, second 0-59 or 60 at a leap second, ms 0-999, offset
 * -1439..+1439 minutes east of UTC); nothing is normalised. */
struct kc_civil {
    int year, month, day;      /* month 1-12, day 1-31 */
    int hour, minute, second;  /* second 60 only at a leap second (see kc_time_parse) */
    int ms;                    /* 0-999 */
    int offset_min;            /* local = UTC + offset_min (minutes east of UTC) */
};

/* --- instants ---------------------------------------------------------------------------- */

/* RFC 3339 section 5.6 date-time: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)"; 'T' and 'Z' may
 * be lower case (5.6 NOTE); "-00:00" is UTC.  The fraction has 1-9 digits; digits past the
 * millisecond are dropped (toward the earlier millisecond).  Second 60 is accepted only at a
 * leap second announced by the IERS (the 27 ends of June/December 1972-2016, checked after the
 * offset is applied); POSIX time has no 61st second, so it is held as 23:59:59.999 UTC (after
 * every reading of that second, before midnight).  Everything else is refused: a space for 'T',
 * no offset, no seconds, 2026-02-31, 24:00, 09:61, trailing text.  *unix_ms set on success. */
int kc_time_parse(const char *text, int64_t *unix_ms, struct kc_error *err);

/* Checks c (see struct kc_civil) and converts it to an instant; KC_EINVAL naming the bad field. */
int kc_time_from_civil(const struct kc_civil *c, int64_t *unix_ms, struct kc_error *err);

/* The UTC fields of an instant (offset_min 0). */
void kc_time_to_civil(int64_t unix_ms, struct kc_civil *out);

enum kc_time_prec {
    KC_TIME_SECONDS, /* "2026-01-31T14:05:00Z"      (the API's form; milliseconds dropped) */
    KC_TIME_MILLIS,  /* "2026-01-31T14:05:00.000Z"  (the store's form: text order is time order) */
};
/* Writes the instant as RFC 3339 in UTC into out (at least KC_TIME_TEXT_MAX bytes).  Instants
 * outside the accepted years are written as they are (the year field widened if need be). */
void kc_time_format(int64_t unix_ms, enum kc_time_prec prec, char *out);

/* The wall clock (CLOCK_REALTIME) in milliseconds. */
int64_t kc_time_now_ms(void);

/* --- dates ------------------------------------------------------------------------------- */

/* RFC 3339 full-date "YYYY-MM-DD", a real calendar date; KC_EINVAL naming the text otherwise
 * ("2026-02-31: February 2026 has no day 31"). */
int kc_time_parse_date(const char *text, long *days, struct kc_error *err);
/* Writes "YYYY-MM-DD" (out at least 11 bytes). */
void kc_time_format_date(long days, char *out);

/* Days since 1970-01-01 of a proleptic Gregorian date and back (H. Hinnant's algorithms);
 * no range check: callers pass checked fields. */
long kc_time_days_from_civil(long y, unsigned m, unsigned d);
void kc_time_civil_from_days(long days, long *y, unsigned *m, unsigned *d);
/* 28-31; 0 for a month outside 1-12. */
int kc_time_days_in_month(long y, unsigned m);
/* The UTC date of an instant (floor division: instants before 1970 too). */
long kc_time_utc_day(int64_t unix_ms);
/* Completed years between a birth date and a day (both days since 1970); -1 if born after day.
 * A 29 February birthday is reached on 1 March in common years. */
int kc_time_age_years(long birth_days, long on_days);

/* --- the clinic's time zone (tzdata names through the C library; see Threads above) -------- */

/* Checks that zone is "UTC" or a tzdata name ("America/New_York", "Europe/Berlin") whose TZif
 * file exists under $TZDIR or /usr/share/zoneinfo; names with "..", a leading '/', or any
 * character outside [A-Za-z0-9/_+-] are refused (a POSIX rule string such as "EST5EDT,M3.2.0,
 * M11.1.0" is not a name).  The C library silently treats an unknown zone as UTC: this does not. */
int kc_time_zone_check(const char *zone, struct kc_error *err);

/* The local fields of an instant in zone (offset_min = the zone's offset then). */
int kc_time_local_civil(int64_t unix_ms, const char *zone, struct kc_civil *out,
                        struct kc_error *err);
/* The local calendar date of an instant in zone. */
int kc_time_local_day(int64_t unix_ms, const char *zone, long *days, struct kc_error *err);

/* A local wall time in zone -> the instant.  Rule for the days a zone's offset changes:
 * a wall time that does not exist (in a spring-forward gap, e.g. 02:30 on 2026-03-08 in
 * America/New_York) is refused with KC_EINVAL naming it, since it can only be a mistake; a wall
 * time that occurs twice (in a fall-back overlap, 01:30 on 2026-11-01 there) is the EARLIER of
 * the two instants (the first time the clock showed it), and *ambiguous (may be NULL) is set to
 * 1 so the caller can say so; otherwise *ambiguous is 0.  hour 0-23, minute 0-59, second 0-59. */
int kc_time_local_to_utc(long days, int hour, int minute, int second, const char *zone,
                         int64_t *unix_ms, int *ambiguous, struct kc_error *err);

/* The first instant of a local calendar day in zone: local midnight, or, in a zone whose clocks
 * skip midnight that day, the instant they jumped (the day's first existing wall time).  The day
 * [start(d), start(d + 1)) holds every instant whose kc_time_local_day is d. */
int kc_time_local_day_start(long days, const char *zone, int64_t *unix_ms, struct kc_error *err);

#endif
