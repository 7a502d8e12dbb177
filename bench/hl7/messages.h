/* messages.h — the benchmark's message set, shared by bench_parse.c and (written to a file)
 * bench_parse.mjs: simulator ORU^R01s (6 readings each) for 64 patients and the GE B40 sample. */
#ifndef KC_BENCH_HL7_MESSAGES_H
#define KC_BENCH_HL7_MESSAGES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hl7/sim.h"

#define BENCH_NMSG 1000

static const char bench_ge[] =
    "MSH|^~\\&|VSP^080019FFFE134535^EUI-64|GE Healthcare|||20130122134100||ORU^R01^ORU_R01|"
    "004097134535|P|2.6|||NE|AL||UNICODE UTF-8|||PCD_DEC_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
    "PID|||HED12^^^PID^MR||LAZY^KITTY\rPV1||R|SURGERY^^V2\r"
    "OBR|1|080019FFFE134535^VSP^080019FFFE134535^EUI-64|1^VSP|182777000^monitoring of "
    "patient^SCT|||20130122134100\r"
    "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X\r"
    "OBX|11|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|80|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||"
    "080019FFFE0B4020^B40_GE\r";

/* Fills msgs[i] (malloc'd) and lens[i]; returns the total bytes. */
static size_t bench_messages(char **msgs, size_t *lens)
{
    size_t total = 0;
    for (int i = 0; i < BENCH_NMSG; i++) {
        char buf[4096], pat[32], chair[32], ctrl[32];
        if (i % 10 == 9) {
            snprintf(buf, sizeof buf, "%s", bench_ge);
        } else {
            struct hl7_sim_vitals v;
            hl7_sim_vitals((enum hl7_scenario)(i % 3), (unsigned long)i, &v);
            snprintf(pat, sizeof pat, "BENCH-%d", i % 64);
            snprintf(chair, sizeof chair, "chair-%d", i % 64);
            snprintf(ctrl, sizeof ctrl, "B%d", i);
            if (!hl7_sim_message("MON", pat, chair, ctrl, "20261123100000+0000", &v, buf,
                                 sizeof buf))
                abort();
        }
        lens[i] = strlen(buf);
        msgs[i] = malloc(lens[i] + 1);
        if (!msgs[i]) abort();
        memcpy(msgs[i], buf, lens[i] + 1);
        total += lens[i];
    }
    return total;
}

#endif
