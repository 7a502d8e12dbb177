/* listener.h — the HL7 v2 MLLP listener of `ketaclinic serve --hl7-listen`: accepts many
 * long-lived monitor connections (a thread each), parses and maps each ORU^R01, files it through
 * one group-commit writer (store_hl7_ingest: every message waiting goes in one transaction) and
 * answers AA only once the message is durably committed; AE with a reason for a message it
 * understood but cannot use (kept in the review queue), AR for one it cannot parse.  A duplicate
 * (same sender and MSH-10) is answered again and not stored twice. */
#ifndef KC_HL7_LISTENER_H
#define KC_HL7_LISTENER_H

#include <stddef.h>

#include "base/error.h"

struct hl7_listener_options {
    const char *listen;         /* "HOST:PORT" (IPv4; port 0 = any free port) */
    const char *db_url;         /* store URL (NULL: store default) */
    const char *audit_key;      /* audit key file (NULL: store default) */
    const char *config_path;    /* --hl7-config FILE (config.h); NULL = defaults */
    const char *clinic_time_zone; /* serve --time-zone (NULL = UTC): times without an offset */
    unsigned max_connections;   /* open connections (0 = the configuration's, default 256); more
                                   are closed at once */
    size_t max_message;         /* bytes of one frame (default HL7_MAX_MESSAGE) -> AR */
    unsigned frame_timeout_s;   /* a frame begun and not finished for this long: the connection
                                   is dropped and the partial frame discarded (default 60) */
    /* Called on the writer thread after readings were committed into a session (the server
     * wakes that session's live screens with it); NULL = none.  Must not block. */
    void (*on_stored)(void *arg, long long session_id);
    void *on_stored_arg;
};

struct hl7_listener;

/* Opens the writer's store connection, binds and starts accepting.  *out is set only on
 * success.  KC_EINVAL for a bad address, KC_EIO when it cannot listen. */
int hl7_listener_start(const struct hl7_listener_options *opt, struct hl7_listener **out,
                       struct kc_error *err);
/* The bound port (useful with port 0). */
unsigned hl7_listener_port(const struct hl7_listener *l);
/* Graceful stop: no new connections, partial frames dropped unanswered, messages already
 * handed to the writer committed and acknowledged, then every thread joined and the store
 * closed.  NULL is fine. */
void hl7_listener_stop(struct hl7_listener *l);

#endif
