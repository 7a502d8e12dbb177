/* oru.h — what an ORU^R01 from a bedside monitor says: who sent it (MSH-3/4, MSH-10), whom each
 * patient group is about (PID-3 identifiers with their type and authority, PV1-3 bed, OBX-18
 * device) and every vital-sign reading, mapped from MDC, Philips MDIL or LOINC codes to the
 * clinic's vitals and channels (codes.c), converted to canonical units, its time read with the
 * right offset (hl7_time.c).  A reading that cannot be used is refused on its own, with the OBX
 * and the reason; the others stay.  Pure: no I/O, no clock. */
#ifndef KC_HL7_ORU_H
#define KC_HL7_ORU_H

#include "hl7/parser.h"

#define HL7_MAX_OBS 128    /* vital-sign readings kept from one message */
#define HL7_MAX_PIDS 4     /* PID-3 repetitions looked at per patient */
#define HL7_MAX_GROUPS 4   /* patient groups (PID segments) in one message */
#define HL7_MAX_REFUSED 32 /* refused readings named in one ACK */

/* ---- codes (codes.c) -------------------------------------------------------------------- */
struct hl7_code_row {
    unsigned long mdc;     /* MDC numeric code (0 for a LOINC row) */
    const char *name;      /* MDC reference id (or LOINC name) */
    const char *vital;     /* "hr" "pr" "spo2" "sbp" "dbp" "map" "rr" "temp" "etco2"; NULL: not ours */
    const char *channel;   /* how/where: "ecg" "spo2" "nibp" "art" "bp" "co2" "imp" "core" ... */
    int rank;              /* which channel feeds the alarms (lowest nonzero wins; 0 never) */
    const char *loinc;     /* LOINC equivalent ("" when none) */
    const char *conf;      /* provenance */
};
enum {
    HL7_CODE_OTHER,              /* not one of our vitals: ignored */
    HL7_CODE_OURS,               /* ours */
    HL7_CODE_OURS_TEXT_DIFFERS,  /* ours by its code; the text names another code (code wins) */
    HL7_CODE_UNKNOWN_TEXT_OURS,  /* a code we do not know whose text names one of ours: refused */
};
/* Looks up OBX-3 (identifier, text, coding system). */
int hl7_code_lookup(struct hl7_str id, struct hl7_str text, struct hl7_str system,
                    struct hl7_code_row *out);
/* The clinic's vital for an identifier (HL7_CODE_OURS*), or NULL. */
const char *hl7_vital_code(struct hl7_str id, struct hl7_str text, struct hl7_str system);
/* Converts value in unit (UCUM, MDC code or name, MDIL) to the canonical unit of vital code.
 * An empty unit is the canonical one only where the vital fixes its unit (hl7_unit_fixed).
 * KC_EINVAL when unknown, of another dimension, or missing where it matters (named). */
int hl7_unit_convert(const char *code, const char *unit, double *value, struct kc_error *err);
int hl7_unit_fixed(const char *code);
int hl7_unit_known(const char *unit);

/* ---- time (hl7_time.c) ------------------------------------------------------------------ */
/* A time zone: a fixed offset, or a tzdata name resolved through the time module
 * (src/base/kctime.h).  Zero-initialised = none. */
struct hl7_zone {
    char name[64];
    int set;
    int named;              /* 1: name is a tzdata zone; 0: fixed_min */
    int fixed_min;          /* minutes east of UTC */
};
/* "UTC", "+0530", "-0700", or a tzdata zone name ("Europe/Berlin"), checked by the time module. */
int hl7_zone_load(const char *spec, struct hl7_zone *z, struct kc_error *err);
void hl7_zone_free(struct hl7_zone *z);
/* The offset (minutes) of zone z at a local wall-clock time (seconds as if UTC).  KC_EINVAL for a
 * wall time in a spring-forward gap (it does not exist); in an overlap the earlier instant. */
int hl7_zone_offset(const struct hl7_zone *z, long long local, int *off_min);

/* An HL7 TS/DTM: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ] (and the Mindray form with three
 * millisecond digits after the seconds and no point). */
struct hl7_dtm {
    int Y, M, D, h, mi, s, ms;
    int prec;     /* digits given: 4 year, 6 month, 8 day, 10 hour, 12 minute, 14 second */
    int has_off, off_min;
};
int hl7_dtm_parse(const char *s, struct hl7_dtm *d, struct kc_error *err);
/* Seconds since the epoch of the wall-clock fields, as if they were UTC. */
long long hl7_dtm_local(const struct hl7_dtm *d);
/* UTC seconds + milliseconds as RFC 3339 "YYYY-MM-DDTHH:MM:SS.mmmZ".  KC_EINVAL out of 1..9999. */
int hl7_rfc3339(long long utc, int ms, char out[32], struct kc_error *err);
/* Parses an RFC 3339 UTC time as written by hl7_rfc3339 (or without milliseconds). */
int hl7_rfc3339_parse(const char *s, long long *utc, struct kc_error *err);
/* An HL7 DTM with an offset as UTC RFC 3339; without one, taken as UTC (kept for tools; the
 * listener uses the zone rules of hl7_oru_read). */
int hl7_time_utc(const char *dtm, char out[32], struct kc_error *err);

/* ---- messages --------------------------------------------------------------------------- */
struct hl7_obs {
    const char *code;    /* the clinic's vital (static) */
    const char *channel; /* static, see hl7_code_row */
    char source[48];     /* OBX-3 as sent: "150301^MDC_PRESS_CUFF_SYS" (cut) */
    char instance[24];   /* OBX-4 sub-id (the channel instance, e.g. 1.3.2.150456) */
    char device[40];     /* OBX-18 EI.1 (else the group's last one) */
    double value;        /* canonical unit: /min, %, mm[Hg], Cel */
    char at[32];         /* UTC RFC 3339 */
    char status;         /* OBX-11: 'F' final (also R/P/empty), 'C' correction, 'W' wrong */
    int alarm;           /* 1 = the series the alarms use (codes.c, alarm rule) */
    int rank;            /* the code's rank (codes.c) */
    int group;           /* index into hl7_oru.groups */
    unsigned obx;        /* 1-based position of the OBX among the message's OBX segments */
};

struct hl7_refusal {
    unsigned obx;        /* 1-based OBX position; 0 = not one reading */
    unsigned seg;        /* segment sequence of that OBX among OBX segments (for ERR-2) */
    int field;           /* the OBX field at fault (3, 5, 6, 11, 14) */
    int hl7_error;       /* table 0357 code */
    char reason[200];
};

struct hl7_patient {
    char ids[HL7_MAX_PIDS][64];   /* PID-3 CX.1 of the repetitions that may be the MRN */
    int n_ids;
    char seen[160];               /* every repetition as id(type/authority), for the review queue */
    char bed[64];                 /* PV1-3 as point of care^room^bed ("" when none) */
    char device[40];              /* first OBX-18 in the group ("" when none) */
    int conflict;                 /* two identifiers of the MRN type disagree */
};

struct hl7_oru {
    char sender[160];      /* MSH-3 "|" MSH-4, as sent (escaped): the duplicate key with MSH-10 */
    char control_id[64];   /* MSH-10 unescaped */
    char app[64];          /* MSH-3.1 unescaped (configuration of senders matches it) */
    int ngroups;
    struct hl7_patient groups[HL7_MAX_GROUPS];
    size_t nobs;
    struct hl7_obs obs[HL7_MAX_OBS];
    size_t nrefused;       /* refused readings (the first HL7_MAX_REFUSED kept) */
    struct hl7_refusal refused[HL7_MAX_REFUSED];
    unsigned skipped;      /* "no reading" values (sentinels, X/I status, empty) */
    char skipped_note[120];
    unsigned corrected;    /* OBX-11 C/W readings among obs */
    char time_note[96];    /* which zone times without an offset were read in */
};

struct hl7_read_options {
    const char *now;                     /* receive time, UTC RFC 3339 */
    const struct hl7_zone *sender_zone;  /* configured for this sender (NULL: none) */
    const struct hl7_zone *clinic_zone;  /* the clinic's (NULL: none) */
    const char *mrn_type;                /* CX.5 of the clinic's MRN ("MR"); NULL = MR, PI, PT or none */
    const char *mrn_authority;           /* CX.4.1 required; NULL/"" = any */
};

/* The acknowledgement class of a failure: AR (the message cannot be processed: not ORU^R01, no
 * control id, unknown processing id) or AE (understood but unusable as a whole). */
enum hl7_nak { HL7_NAK_NONE, HL7_NAK_AR, HL7_NAK_AE };

/* Reads a parsed message into out.  Rows that are not readings are skipped: device-tree rows
 * with no value, codes that are not one of our vitals, status X/I, "no reading" values (noted).
 * A reading that is ours but unusable (unknown code whose text is ours, bad value or unit, time
 * missing its zone, implausible, demo mode) goes to out->refused and the others stay.  Returns
 * 0, or a negative KC_E... for the whole message with err naming the segment and field, *nak
 * its class and *hl7_code (may be NULL) the HL7 table 0357 code. */
int hl7_oru_read(const struct hl7_message *m, const struct hl7_read_options *opt,
                 struct hl7_oru *out, enum hl7_nak *nak, int *hl7_code, struct kc_error *err);

/* Recognised "no reading" values: IEEE 11073-20601 FLOAT specials (NaN 8388607, NRes -8388608,
 * +-INF 8388606/-8388606, reserved -8388607) and the vendors' -1, -100, -999, -99.9, -9999. */
int hl7_no_reading(double v);

#endif
