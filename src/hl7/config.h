/* config.h — the HL7 listener's configuration (`serve --hl7-config FILE`, JSON): which PID-3
 * identifier is the clinic's MRN, time zones (the clinic's and per sender), the device/bed to
 * chair mapping table, the sender allowlist and connection limits, the session window.  Read once
 * at start-up (zone names are resolved then); read-only afterwards, shared by every thread. */
#ifndef KC_HL7_CONFIG_H
#define KC_HL7_CONFIG_H

#include <stddef.h>

#include "hl7/oru.h"

#define HL7_CFG_MAX 64

struct hl7_cfg_sender {
    char application[64]; /* MSH-3.1 ("" = any) */
    char address[48];     /* IPv4 address ("" = any) */
    struct hl7_zone zone;
};
struct hl7_cfg_map {
    char key[64], chair[64];
};
struct hl7_cfg_net {
    unsigned addr, mask; /* host order */
};

struct hl7_config {
    char mrn_type[16], mrn_authority[48];
    struct hl7_zone clinic_zone;
    struct hl7_cfg_sender senders[HL7_CFG_MAX];
    size_t nsenders;
    struct hl7_cfg_map devices[HL7_CFG_MAX * 4], beds[HL7_CFG_MAX * 4];
    size_t ndevices, nbeds;
    struct hl7_cfg_net allow[HL7_CFG_MAX];
    size_t nallow;            /* 0 = every address (say so at start-up) */
    unsigned max_connections, max_per_address, idle_timeout_s;
    long before_s, after_s, future_s;
};

/* Defaults (no file): MRN = PID-3 of type MR/PI/PT or none; the clinic's zone = clinic_zone
 * (serve --time-zone; NULL = UTC), which the file's clinic_time_zone overrides; no mapping; every address; 256 connections, 32 per address, 15 min idle; a
 * session's window 60 min before its start (check-in, baseline) to 180 min after its end
 * (the 2-h esketamine observation and discharge); 120 s of clock skew into the future. */
int hl7_config_default(struct hl7_config *c, const char *clinic_zone, struct kc_error *err);
/* Reads path (NULL = defaults only).  Unknown keys, bad zones, bad addresses are refused with
 * the key named. */
int hl7_config_load(const char *path, const char *clinic_zone, struct hl7_config *c,
                    struct kc_error *err);
void hl7_config_free(struct hl7_config *c);

/* Whether an IPv4 address (network order) may send. */
int hl7_config_allowed(const struct hl7_config *c, unsigned addr_net);
/* The zone for a sender (MSH-3.1 and peer address text), or NULL. */
const struct hl7_zone *hl7_config_sender_zone(const struct hl7_config *c, const char *app,
                                              const char *address);
/* The chair mapped for a device id or a PV1-3 bed, or NULL. */
const char *hl7_config_device(const struct hl7_config *c, const char *device);
const char *hl7_config_bed(const struct hl7_config *c, const char *bed);

#endif
