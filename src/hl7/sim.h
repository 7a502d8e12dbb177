/* sim.h — a bedside-monitor simulator (`ketaclinic hl7 send`, the demo, the benchmark): vital
 * signs along a scenario, written as an IHE PCD-01 style ORU^R01, and an MLLP client that sends
 * a message and waits for its ACK. */
#ifndef KC_HL7_SIM_H
#define KC_HL7_SIM_H

#include <stddef.h>

#include "hl7/mllp.h"

enum hl7_scenario { HL7_SIM_NORMAL, HL7_SIM_HYPERTENSION, HL7_SIM_DESATURATION };

/* "normal" | "hypertension" | "desaturation"; KC_EINVAL naming the allowed ones. */
int hl7_sim_scenario(const char *name, enum hl7_scenario *out, struct kc_error *err);

struct hl7_sim_vitals {
    double hr, sbp, dbp, map, spo2, rr; /* /min, mm[Hg], %, /min */
};
/* The i-th reading (0-based) of a scenario: deterministic (same i, same values).  normal stays
 * near 72/min, 122/78 mm[Hg], 98 %; hypertension climbs to about 185/110 over 60 readings;
 * desaturation falls to about 86 % over 60 readings.  Not clinical data: a test signal. */
void hl7_sim_vitals(enum hl7_scenario sc, unsigned long i, struct hl7_sim_vitals *v);

/* Writes an ORU^R01 (segments ending in \r, no framing) into out[cap]: MSH (sender, control_id,
 * time dtm), PID-3 = patient (may be NULL), PV1-3 bed = chair (may be NULL), one OBR and six OBX
 * (HR, SpO2, RR with MDC codes; systolic, diastolic, mean BP with LOINC codes).  Identifiers are
 * escaped.  Returns the length, 0 when cap is too small. */
size_t hl7_sim_message(const char *sender, const char *patient, const char *chair,
                       const char *control_id, const char *dtm, const struct hl7_sim_vitals *v,
                       char *out, size_t cap);

struct hl7_client {
    int fd;
    struct mllp_reader r;
};
/* Connects to "HOST:PORT" (IPv4); replies are awaited at most timeout_s.  KC_EIO when refused. */
int hl7_client_connect(struct hl7_client *c, const char *hostport, unsigned timeout_s,
                       struct kc_error *err);
/* Sends one framed message. */
int hl7_client_send(struct hl7_client *c, const char *msg, size_t n, struct kc_error *err);
/* Waits for one reply frame: MSA-1 into code ("AA" ...), MSA-2 into ctrl, MSA-3 into text
 * (each NUL-terminated, cut to their size).  KC_EIO on timeout or a closed connection. */
int hl7_client_ack(struct hl7_client *c, char code[4], char ctrl[64], char text[256],
                   struct kc_error *err);
void hl7_client_close(struct hl7_client *c);

#endif
