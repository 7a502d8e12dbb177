/* http.h — `ketaclinic serve`: the JSON API, the FHIR face and (later) the web UI, served by GNU
 * libmicrohttpd from a thread pool with epoll.  Every endpoint but /api/login is authenticated
 * and checked against the role matrix (src/clinic/roles.h) before its handler runs; the store
 * writes the audit entries for patient data. */
#ifndef KC_HTTP_H
#define KC_HTTP_H

#include <stddef.h>
#include <stdio.h>

#include "base/error.h"

struct http_options {
    const char *listen;          /* "127.0.0.1:8080" (default) */
    const char *tls_cert;        /* PEM files; both or neither */
    const char *tls_key;
    const char *db_url;          /* store URL (NULL: store default, var/ketaclinic.db) */
    const char *audit_key;       /* audit key file (NULL: store default) */
    const char *web_root;        /* static files for the UI (NULL: "web") */
    const char *protocol_path;   /* the clinic's protocol overrides (JSON, as `ketaclinic protocol`
                                    reads them); NULL = the shipped defaults */
    unsigned threads;            /* worker threads (default 16) */
    size_t max_body;             /* bytes (default 1 MiB) -> 413 */
    size_t max_header;           /* bytes of request line + headers (default 16 KiB) -> 431 */
    unsigned max_connections;    /* open connections (default 256) */
    unsigned max_in_flight;      /* requests being handled at once (default 128) -> 503 */
    unsigned request_timeout_s;  /* idle connection timeout (default 30) */
    int demo;                    /* load the demonstration clinic into an empty database */
    FILE *access_log;            /* one JSON line per request (NULL: stderr) */
    const char *public_url;      /* the server's public origin, e.g. https://clinic.example.org
                                    (a path prefix allowed): absolute FHIR URLs are built on it
                                    (+ "/fhir"); NULL = from the request's Host header */
    const char *ready_file;      /* if set, "host:port\n" is written here once listening */
    const char *time_zone;       /* the clinic's tzdata zone ("America/New_York"): its local
                                    dates are "today", ?date= days and ages; NULL = "UTC" */
    const char *hl7_config;      /* --hl7-config FILE (src/hl7/config.h) */
    const char *hl7_listen;      /* "127.0.0.1:2575": the HL7 v2 MLLP listener (src/hl7/);
                                    NULL = off.  Its address is printed on stdout as
                                    "ketaclinic: HL7 MLLP listening on HOST:PORT" */
};

/* Opens the store (migrating it), creates the admin account on a fresh database (printing its
 * one-time password on stdout), starts listening and serves until SIGTERM or SIGINT; then stops
 * accepting, lets requests in flight finish (10 s at most) and closes the database.  Returns 0
 * after a clean shutdown, or an error when it could not start. */
int http_serve(const struct http_options *opt, struct kc_error *err);

#endif
