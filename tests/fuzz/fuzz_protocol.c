/* fuzz_protocol.c — libFuzzer driver for the two clinical JSON inputs read from outside: a
 * clinic's protocol file (`serve --protocol`, `protocol check`) and the screening intake
 * (`screen --input`, POST .../screenings).  The first byte picks which.  Besides crashes it
 * checks the protocol's promise: an override that is accepted leaves every value within its
 * safe range and consistent, and a refused one leaves the protocol untouched. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/protocol.h"
#include "clinic/screen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536) return 0;
    char *text = malloc(size);
    if (!text) return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    struct kc_error err = {0};
    if (data[0] & 1) {
        static struct protocol p, before;
        protocol_init_default(&p);
        before = p;
        if (protocol_apply_override(&p, text, &err) == KC_OK) {
            for (size_t i = 0; i < protocol_table_len; i++) {
                struct kc_error e2 = {0};
                if (protocol_check_value(protocol_table[i].key, p.value[i], &e2) != KC_OK) {
                    fprintf(stderr, "fuzz_protocol: an accepted override set %s: %s\n",
                            protocol_table[i].key, e2.msg);
                    abort();
                }
            }
        } else if (strcmp(p.version, before.version) != 0 ||
                   memcmp(p.value, before.value, sizeof p.value) != 0 ||
                   memcmp(p.overridden, before.overridden, sizeof p.overridden) != 0) {
            fprintf(stderr, "fuzz_protocol: a refused override changed the protocol (%s)\n",
                    err.msg);
            abort();
        } else if (!err.msg[0]) {
            fprintf(stderr, "fuzz_protocol: an override refused without a message\n");
            abort();
        }
    } else {
        struct screen_input in;
        if (screen_parse_json(text, &in, &err) == KC_OK) {
            static struct protocol p;
            static int init;
            if (!init) protocol_init_default(&p), init = 1;
            struct screen_result res;
            memset(&err, 0, sizeof err);
            if (screen_evaluate(&p, &in, &res, &err) != KC_OK && !err.msg[0]) {
                fprintf(stderr, "fuzz_protocol: screening refused without a message\n");
                abort();
            }
        } else if (!err.msg[0]) {
            fprintf(stderr, "fuzz_protocol: screening input refused without a message\n");
            abort();
        }
    }
    free(text);
    return 0;
}
