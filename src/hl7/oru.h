/* oru.h — what an ORU^R01 from a bedside monitor says: who sent it (MSH-3/4, MSH-10), whom it is
 * about (PID-3, PV1-3) and its vital-sign observations, mapped from LOINC, MDC (ISO/IEEE 11073)
 * or Philips MDIL codes to the clinic's codes and converted to canonical units.  Pure: no I/O. */
#ifndef KC_HL7_ORU_H
#define KC_HL7_ORU_H

#include "hl7/parser.h"

#define HL7_MAX_OBS 128  /* vital-sign observations kept from one message */
#define HL7_MAX_PIDS 4   /* PID-3 repetitions looked at */

struct hl7_obs {
    const char *code; /* "hr" "spo2" "sbp" "dbp" "map" "rr" "temp" "etco2" (static) */
    double value;     /* canonical unit: /min, %, mm[Hg], Cel */
    char at[32];      /* UTC RFC 3339 (OBX-14, else OBR-7, else MSH-7, else the receive time) */
    unsigned obx;     /* 1-based position of the OBX among the message's OBX segments */
};

struct hl7_oru {
    char sender[160];      /* MSH-3 "|" MSH-4, as sent (escaped): the duplicate key with MSH-10 */
    char control_id[64];   /* MSH-10 unescaped */
    char patient_ids[HL7_MAX_PIDS][32]; /* PID-3.1 of each repetition, unescaped */
    int n_patient_ids;
    char bed[32];          /* PV1-3.3 (bed), else PV1-3.1 (point of care); "" when none */
    size_t nobs;
    struct hl7_obs obs[HL7_MAX_OBS];
};

/* The acknowledgement class of a failure: AR (the message cannot be processed: not ORU^R01, no
 * control id, unknown processing id) or AE (understood but unusable: a bad value, unit or time,
 * an implausible value, no vital sign in it). */
enum hl7_nak { HL7_NAK_NONE, HL7_NAK_AR, HL7_NAK_AE };

/* Reads a parsed message into out.  now: the receive time (UTC RFC 3339), used when the message
 * carries no time.  Rows that are not readings are skipped: device-tree rows with no value,
 * status X/W/D (invalid, wrong, deleted), codes that are not one of our vital signs.  Returns 0,
 * or a negative KC_E... with err naming the segment and field, and *nak set to the class; *hl7_code
 * (may be NULL) gets the HL7 table 0357 error code (101 required field missing, 102 data type
 * error, 200 unsupported message type, 207 application error). */
int hl7_oru_read(const struct hl7_message *m, const char *now, struct hl7_oru *out,
                 enum hl7_nak *nak, int *hl7_code, struct kc_error *err);

/* The clinic's vital code for an observation identifier (OBX-3: code, text, coding system), or
 * NULL when it is not one of ours.  LOINC ("LN"), MDC (numeric or MDC_ name) and MDIL
 * ("0002-4182": partition-hex of the MDC code) are understood. */
const char *hl7_vital_code(struct hl7_str id, struct hl7_str text, struct hl7_str system);

/* Converts value in unit (OBX-6 code or text; empty = the canonical unit) to the canonical unit of
 * the vital code.  KC_EINVAL when the unit is unknown or of another dimension (named). */
int hl7_unit_convert(const char *code, const char *unit, double *value, struct kc_error *err);

/* An HL7 DTM (YYYYMMDDHHMM[SS[.s...]][+/-ZZZZ]) as UTC RFC 3339 with milliseconds.  Without an
 * offset the time is taken as UTC (configure monitors to send the offset).  KC_EINVAL otherwise. */
int hl7_time_utc(const char *dtm, char out[32], struct kc_error *err);

#endif
