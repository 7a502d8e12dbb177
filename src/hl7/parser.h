/* parser.h — HL7 v2.x message parser: splits a message into segments and gives out fields,
 * repetitions, components and subcomponents as slices of the caller's buffer (zero-copy);
 * escape sequences are decoded only on request (hl7_unescape).  Honours the encoding characters
 * declared in MSH-1/MSH-2, tolerates \n and \r\n segment terminators from sloppy senders, and
 * splits batches (FHS/BHS ... BTS/FTS) into messages.  Never reads outside [buf, buf+len). */
#ifndef KC_HL7_PARSER_H
#define KC_HL7_PARSER_H

#include <stddef.h>

#include "base/error.h"

#define HL7_MAX_MESSAGE (1u << 20) /* bytes of one message (a monitor sends a few KB) */
#define HL7_MAX_SEGMENTS 1000      /* segments of one message */
#define HL7_MAX_FIELDS 256         /* fields of one segment */
#define HL7_MAX_BATCH 10000        /* messages in one batch */

/* A slice of the message buffer: borrowed, valid as long as the buffer; NOT NUL-terminated and
 * still escaped. */
struct hl7_str {
    const char *p;
    size_t n;
};

/* The encoding characters of a message (MSH-1 and MSH-2).  A character the sender did not
 * declare is 0 and never matches. */
struct hl7_delims {
    char field, comp, rep, esc, sub, trunc;
};

struct hl7_segment {
    struct hl7_str text; /* the whole segment, without its terminator */
    char id[4];          /* "MSH", "OBX", ... NUL-terminated */
};

/* A parsed message.  Large (the segment table): embed it in a long-lived struct or allocate it
 * once per worker; hl7_parse fills it completely. */
struct hl7_message {
    struct hl7_str text; /* the whole message */
    struct hl7_delims d;
    size_t nseg;
    struct hl7_segment seg[HL7_MAX_SEGMENTS];
};

/* Parses buf[0..len) (a message starting with "MSH").  Segments end at \r, \n or \r\n; empty
 * lines are skipped.  Errors (m is then undefined):
 *   KC_EINVAL  not an HL7 message: no MSH at the start, bad encoding characters (named), a
 *              segment id that is not three letters/digits (segment number given)
 *   KC_ELIMIT  more than HL7_MAX_MESSAGE bytes, HL7_MAX_SEGMENTS segments or HL7_MAX_FIELDS
 *              fields in a segment */
int hl7_parse(const char *buf, size_t len, struct hl7_message *m, struct kc_error *err);

/* Index of the first segment named id at or after index `from`, or -1. */
int hl7_find(const struct hl7_message *m, const char *id, size_t from);

/* Field n (1-based, as the standard numbers them) of segment s.  For MSH, field 1 is the field
 * separator and field 2 the encoding characters, as in the standard.  A field that is not there
 * is an empty slice (p may be NULL). */
struct hl7_str hl7_field(const struct hl7_message *m, size_t s, unsigned n);

/* All fields of segment s at once (one scan instead of one per hl7_field call): out[n] = field
 * n as hl7_field numbers them (out[0] = the segment id), for n < max; fields the segment does
 * not have are empty slices.  Returns the number of fields present (+1 for the id), at most max. */
unsigned hl7_fields(const struct hl7_message *m, size_t s, struct hl7_str *out, unsigned max);

/* Repetition r (0-based) of a field, component c (1-based) of a repetition or field,
 * subcomponent sc (1-based) of a component.  Missing parts are empty slices. */
struct hl7_str hl7_rep(struct hl7_str f, const struct hl7_delims *d, unsigned r);
struct hl7_str hl7_comp(struct hl7_str f, const struct hl7_delims *d, unsigned c);
struct hl7_str hl7_sub(struct hl7_str c, const struct hl7_delims *d, unsigned sc);
/* Shorthand: component c of the first repetition of field n of segment s. */
struct hl7_str hl7_get(const struct hl7_message *m, size_t s, unsigned n, unsigned c);

/* Number of repetitions of a field (an empty field has one, empty, repetition). */
unsigned hl7_nrep(struct hl7_str f, const struct hl7_delims *d);

/* Decodes the escapes of v into out (capacity cap, always NUL-terminated on success):
 * \F\ \S\ \T\ \R\ \E\ give the declared delimiters, \Xhh...\ the bytes in hex; formatting
 * escapes (\H\ \N\ \.br\ \Z..\ and the like) are kept as they are.  *outlen (may be NULL) gets
 * the length.  KC_EINVAL for an unterminated escape or bad hex (offset named), KC_ELIMIT when
 * out is too small. */
int hl7_unescape(struct hl7_str v, const struct hl7_delims *d, char *out, size_t cap,
                 size_t *outlen, struct kc_error *err);

/* Encodes text (NUL-terminated) for a field with delimiters d: each delimiter becomes its
 * escape, \r and \n become \X0D\ and \X0A\.  KC_ELIMIT when out (cap bytes) is too small. */
int hl7_escape(const char *text, const struct hl7_delims *d, char *out, size_t cap,
               size_t *outlen, struct kc_error *err);

/* 1 when the slice equals the NUL-terminated string s (exactly, case-sensitive). */
int hl7_eq(struct hl7_str v, const char *s);

/* A numeric value (HL7 NM: optional sign, digits, optional decimal point and digits, spaces
 * around allowed) into *out.  KC_EINVAL for anything else (exponents, "NaN", empty). */
int hl7_number(struct hl7_str v, double *out, struct kc_error *err);

/* A batch: the messages inside buf[0..len), which is either one message or a batch
 * (FHS/BHS header, MSH... messages, BTS/FTS trailer).  ranges gets the offset and length of
 * each message (at most max); *n the count.  When BTS-1 gives a message count that differs
 * from the messages found, KC_EINVAL names both.  KC_ELIMIT past max messages. */
struct hl7_range {
    size_t off, len;
};
int hl7_split_batch(const char *buf, size_t len, struct hl7_range *ranges, size_t max, size_t *n,
                    struct kc_error *err);

#endif
