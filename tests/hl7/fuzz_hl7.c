/* fuzz_hl7.c — libFuzzer driver for the HL7 v2 parser, the ORU reader, the ACK builder and the
 * MLLP frame reader (`make fuzz`; a short run is part of make check via tests/hl7/test_fuzz.sh).
 * The input is used as a message (and batch) and as a byte stream cut into reads whose sizes
 * come from the input itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hl7/ack.h"
#include "hl7/mllp.h"
#include "hl7/oru.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hl7_message msg;
static struct hl7_oru oru;

static void walk(const char *buf, size_t len)
{
    if (hl7_parse(buf, len, &msg, NULL)) {
        hl7_ack_header(buf, len, &msg);
        return;
    }
    char out[256];
    for (size_t s = 0; s < msg.nseg && s < 20; s++)
        for (unsigned f = 1; f < 25; f++) {
            struct hl7_str v = hl7_field(&msg, s, f);
            unsigned nr = hl7_nrep(v, &msg.d);
            for (unsigned r = 0; r < nr && r < 4; r++)
                for (unsigned c = 1; c < 6; c++) {
                    struct hl7_str comp = hl7_comp(hl7_rep(v, &msg.d, r), &msg.d, c);
                    hl7_unescape(hl7_sub(comp, &msg.d, 1), &msg.d, out, sizeof out, NULL, NULL);
                    double d;
                    hl7_number(comp, &d, NULL);
                }
        }
    enum hl7_nak nak;
    int code;
    /* the reader with each zone source: the clinic's fixed offset, a sender's zone table, and
     * none at all (times without an offset are then refused per reading) */
    static struct hl7_zone fixed, table;
    if (!fixed.set) {
        hl7_zone_load("+0530", &fixed, NULL);
        hl7_zone_load("Europe/Berlin", &table, NULL); /* through the time module (tzdata) */
    }
    struct hl7_read_options ro[3] = {{"2026-01-01T00:00:00.000Z", NULL, &fixed, NULL, NULL},
                                     {"2026-01-01T00:00:00.000Z", &table, NULL, "MR", "HOSP"},
                                     {"2026-01-01T00:00:00.000Z", NULL, NULL, NULL, NULL}};
    struct hl7_ack_err errs[HL7_MAX_REFUSED];
    size_t ne = 0;
    for (int i = 0; i < 3; i++)
        if (hl7_oru_read(&msg, &ro[i], &oru, &nak, &code, NULL) == 0)
            for (size_t k = 0; k < oru.nrefused && k < HL7_MAX_REFUSED; k++, ne = k)
                errs[k] = (struct hl7_ack_err){oru.refused[k].obx, oru.refused[k].field,
                                               oru.refused[k].hl7_error, oru.refused[k].reason};
    char ack[HL7_ACK_MAX];
    size_t n = hl7_ack_build_errs(&msg, "AE", 207, "fuzz \\ | ^ ~ &", errs, ne,
                                  "20260101000000+0000", 1, ack, sizeof ack);
    if (n && hl7_parse(ack, n, &msg, NULL)) abort(); /* our own ACK must parse */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1. as a message or batch (exact-size copy: any read past the end is caught by ASan) */
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    struct hl7_range r[64];
    size_t n = 0;
    if (hl7_split_batch(buf, size, r, 64, &n, NULL) == 0)
        for (size_t i = 0; i < n; i++) walk(buf + r[i].off, r[i].len);
    walk(buf, size);
    /* 2. as a byte stream through the MLLP reader, in reads of 1..16 bytes */
    struct mllp_reader mr;
    if (mllp_init(&mr, 512, NULL) == 0) {
        size_t i = 0;
        while (i < size) {
            size_t k = 1 + (size_t)(data[i] % 16);
            if (k > size - i) k = size - i;
            char *at;
            size_t room = mllp_room(&mr, &at);
            if (k > room) k = room;
            memcpy(at, data + i, k);
            mllp_wrote(&mr, k);
            i += k;
            const char *f;
            size_t fn;
            while (mllp_next(&mr, &f, &fn) != MLLP_NONE)
                if (fn > 512 && fn > MLLP_HEAD_KEEP) abort();
        }
        mllp_free(&mr);
    }
    free(buf);
    return 0;
}
