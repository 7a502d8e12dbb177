/* server.h — internal to src/http: the running server shared by the handlers. */
#ifndef KC_HTTP_SERVER_H
#define KC_HTTP_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "clinic/protocol.h"
#include "http/auth.h"
#include "http/http.h"
#include "store/store.h"

#define HTTP_MAX_POOL 64

struct http_server {
    struct http_options opt;
    struct protocol proto; /* the clinic's protocol, read once at start (read-only after) */
    struct auth *auth;
    /* store connections, one per request in flight */
    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    struct store *pool[HTTP_MAX_POOL];
    int pool_n, pool_free[HTTP_MAX_POOL], n_free;
    atomic_int in_flight;
    atomic_long request_seq;
    pthread_mutex_t log_mu;
    FILE *log;
    /* commits the audit entries of reads while their responses wait (audit_batch.c) */
    struct store *audit_st;
    struct store_audit_writer *audit_writer;
    struct http_events *events; /* live streams of the chair screens (events.c) */
};

struct store *http_store_take(struct http_server *s);
void http_store_give(struct http_server *s, struct store *st);

#endif
