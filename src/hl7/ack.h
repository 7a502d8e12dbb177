/* ack.h — HL7 v2 acknowledgements (original mode): MSH with sender and receiver swapped, MSA
 * echoing the inbound MSH-10, and an ERR segment with the reason on AE/AR
 * (../shared/reference/interop-security.md §C3).  The ACK is written in the default encoding
 * characters |^~\& whatever the sender used (every engine can read those); echoed fields are
 * transcoded. */
#ifndef KC_HL7_ACK_H
#define KC_HL7_ACK_H

#include "hl7/parser.h"

#define HL7_ACK_MAX 8192 /* an ACK never exceeds this (with an ERR per refused reading) */

/* Writes an ACK for message m (NULL when it could not be parsed at all: no echo) into out (cap bytes, HL7_ACK_MAX is enough), segments ending in \r, no MLLP framing.
 * code: "AA" "AE" "AR".  hl7_error: HL7 table 0357 code for the ERR segment (0 = none).  text:
 * the reason (escaped here; NULL = none).  now_dtm: the HL7 time to put in MSH-7.  seq: our
 * control id number.  Returns the length, or 0 when cap is too small. */
size_t hl7_ack_build(const struct hl7_message *m, const char *code, int hl7_error,
                     const char *text, const char *now_dtm, unsigned long seq, char *out,
                     size_t cap);

/* One ERR segment per refused reading: ERR-2 the location (OBX^sequence^field), ERR-3 the
 * table 0357 code, ERR-4 E, ERR-8 the reason. */
struct hl7_ack_err {
    unsigned seq;  /* the OBX's position among the OBX segments (1-based; 0 = none) */
    int field;     /* OBX field at fault (0 = the segment) */
    int code;      /* table 0357 */
    const char *text;
};
/* As hl7_ack_build, with one ERR per entry of errs after the message-level one; ERRs that do not
 * fit in cap are left out (the MSA text still counts them). */
size_t hl7_ack_build_errs(const struct hl7_message *m, const char *code, int hl7_error,
                          const char *text, const struct hl7_ack_err *errs, size_t nerrs,
                          const char *now_dtm, unsigned long seq, char *out, size_t cap);

/* Best effort for a message that hl7_parse refused: parses its MSH segment alone into m so that
 * the AR can echo MSH-10 and swap the applications.  0 when that worked. */
int hl7_ack_header(const char *buf, size_t len, struct hl7_message *m);

#endif
