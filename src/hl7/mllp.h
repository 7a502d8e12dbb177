/* mllp.h — Minimal Lower Layer Protocol framing (HL7 v2 over TCP): a frame is 0x0B, the message,
 * 0x1C 0x0D.  A reader takes bytes as they arrive (split or coalesced reads alike) and gives out
 * whole frames; bytes outside a frame are dropped and counted, a frame past the size limit is
 * skipped to its end and reported once.  Pure: the caller does the socket I/O. */
#ifndef KC_HL7_MLLP_H
#define KC_HL7_MLLP_H

#include <stddef.h>

#include "base/error.h"

#define MLLP_SB 0x0b
#define MLLP_EB 0x1c
#define MLLP_CR 0x0d
#define MLLP_HEAD_KEEP 1024 /* bytes of an oversized frame kept, to answer it with its MSH-10 */

struct mllp_reader {
    char *buf;            /* owned */
    size_t cap, max;      /* buffer size; longest frame accepted (payload bytes) */
    size_t head, len;     /* unread bytes are buf[head .. len) */
    size_t scan;          /* inside a frame: where the search for its end resumes */
    int in_frame;         /* a start block was seen and its end not yet */
    int oversize;         /* skipping the rest of a frame longer than max */
    size_t oversize_len;  /* bytes of that frame seen so far */
    char keep[MLLP_HEAD_KEEP];
    size_t keep_n;
    size_t garbage;       /* bytes dropped outside frames (not counting \r \n between frames) */
};

enum mllp_event {
    MLLP_NONE,     /* need more bytes */
    MLLP_FRAME,    /* a whole frame */
    MLLP_OVERSIZE, /* a frame longer than max ended; *frame holds its first bytes */
};

/* max: longest frame payload accepted.  KC_ENOMEM when the buffer cannot be had. */
int mllp_init(struct mllp_reader *r, size_t max, struct kc_error *err);
void mllp_free(struct mllp_reader *r);

/* Room to read into: *at gets a pointer, the return value its size (> 0).  Moves unread bytes to
 * the front first.  Then call mllp_wrote with the count actually read. */
size_t mllp_room(struct mllp_reader *r, char **at);
void mllp_wrote(struct mllp_reader *r, size_t n);

/* The next event.  For MLLP_FRAME and MLLP_OVERSIZE, *frame / *n are the payload (without the
 * framing bytes), valid until the next call to mllp_room or mllp_next. */
enum mllp_event mllp_next(struct mllp_reader *r, const char **frame, size_t *n);

/* 1 when a frame has begun and not ended (a disconnect now loses it). */
int mllp_partial(const struct mllp_reader *r);

#endif
