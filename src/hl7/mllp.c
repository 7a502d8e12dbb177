/* mllp.c — MLLP frame reader: one buffer per connection, bounded by the frame limit plus one
 * read; a start block inside a frame restarts it (a sender that gave up mid-frame), a frame past
 * the limit is skipped to its end block without being kept. */
#include "hl7/mllp.h"

#include <stdlib.h>
#include <string.h>

#define READ_CHUNK 65536

int mllp_init(struct mllp_reader *r, size_t max, struct kc_error *err)
{
    memset(r, 0, sizeof *r);
    r->max = max;
    r->cap = max + READ_CHUNK + 8;
    r->buf = malloc(r->cap);
    if (!r->buf) return kc_error_set(err, KC_ENOMEM, "out of memory for an MLLP buffer");
    return KC_OK;
}

void mllp_free(struct mllp_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

size_t mllp_room(struct mllp_reader *r, char **at)
{
    if (r->head > 0) {
        memmove(r->buf, r->buf + r->head, r->len - r->head);
        r->len -= r->head;
        r->scan = r->scan > r->head ? r->scan - r->head : 0;
        r->head = 0;
    }
    *at = r->buf + r->len;
    return r->cap - r->len;
}

void mllp_wrote(struct mllp_reader *r, size_t n)
{
    r->len += n;
}

int mllp_partial(const struct mllp_reader *r)
{
    return r->in_frame || r->oversize;
}

static void keep_head(struct mllp_reader *r, const char *p, size_t n)
{
    size_t room = MLLP_HEAD_KEEP - r->keep_n;
    if (n > room) n = room;
    memcpy(r->keep + r->keep_n, p, n);
    r->keep_n += n;
}

enum mllp_event mllp_next(struct mllp_reader *r, const char **frame, size_t *n)
{
    for (;;) {
        char *b = r->buf;
        if (r->oversize) {
            size_t p = r->head;
            while (p < r->len && (unsigned char)b[p] != MLLP_EB) p++;
            if (p >= r->len || p + 1 >= r->len) { /* no end yet (or EB is the last byte) */
                size_t drop = (p + 1 >= r->len && p < r->len) ? p - r->head : r->len - r->head;
                r->oversize_len += drop;
                r->head += drop;
                return MLLP_NONE;
            }
            r->oversize_len += p - r->head;
            r->head = p + 1 + ((unsigned char)b[p + 1] == MLLP_CR);
            r->oversize = 0;
            r->in_frame = 0;
            *frame = r->keep;
            *n = r->keep_n;
            return MLLP_OVERSIZE;
        }
        if (!r->in_frame) {
            size_t p = r->head;
            while (p < r->len && (unsigned char)b[p] != MLLP_SB) {
                if (b[p] != '\r' && b[p] != '\n') r->garbage++;
                p++;
            }
            r->head = p;
            if (p >= r->len) return MLLP_NONE;
            r->head = r->scan = p + 1;
            r->in_frame = 1;
        }
        size_t p = r->scan;
        while (p < r->len && (unsigned char)b[p] != MLLP_EB && (unsigned char)b[p] != MLLP_SB)
            p++;
        if (p < r->len && (unsigned char)b[p] == MLLP_SB) { /* restarted: drop the partial */
            r->garbage += p - r->head;
            r->head = r->scan = p + 1;
            continue;
        }
        if (p >= r->len || p + 1 >= r->len) { /* no end block (or no byte after it) yet */
            r->scan = p;
            if (p - r->head > r->max) {
                r->oversize = 1;
                r->keep_n = 0;
                keep_head(r, b + r->head, p - r->head);
                r->oversize_len = p - r->head;
                r->head = p;
                continue;
            }
            return MLLP_NONE;
        }
        size_t flen = p - r->head;
        const char *f = b + r->head;
        r->head = p + 1 + ((unsigned char)b[p + 1] == MLLP_CR); /* tolerate a missing CR */
        r->in_frame = 0;
        if (flen > r->max) {
            r->keep_n = 0;
            keep_head(r, f, flen);
            *frame = r->keep;
            *n = r->keep_n;
            return MLLP_OVERSIZE;
        }
        *frame = f;
        *n = flen;
        return MLLP_FRAME;
    }
}
