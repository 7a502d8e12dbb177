/* fuzz_server.h — for the API fuzz drivers: a real store (SQLite in memory, with the demonstration
 * clinic loaded, fresh every FUZZ_RESET_EVERY inputs so it stays small) and a server with the
 * shipped protocol, and fuzz_call() that runs one route's handler as the admin the way server.c
 * would (no libmicrohttpd: the body and query arguments are given directly).  The oracle: every
 * answer is a status the API documents, never a 500, and an error answer names what was wrong. */
#ifndef KC_FUZZ_SERVER_H
#define KC_FUZZ_SERVER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/api.h"
#include "http/server.h"

#define FUZZ_RESET_EVERY 4000

int http__demo_load(struct store *st, struct kc_error *err);

static struct http_server fuzz_srv;
static struct store *fuzz_st;
static long fuzz_runs;

static void fuzz_open_store(void)
{
    struct kc_error err = {0};
    static char key[64];
    if (!key[0]) {
        snprintf(key, sizeof key, "/tmp/kc-fuzz-%d.key", (int)getpid());
        protocol_init_default(&fuzz_srv.proto);
    }
    store_close(fuzz_st);
    fuzz_st = NULL;
    struct store_options o = {":memory:", key, 0};
    if (store_open(&o, &fuzz_st, &err) || http__demo_load(fuzz_st, &err)) {
        fprintf(stderr, "fuzz: cannot set up the store: %s\n", err.msg);
        abort();
    }
    unlink(key); /* the key stays in the open store; a new one for the next database */
    store_audit_defer(fuzz_st, 1); /* reads queue their entries; fuzz_call flushes them */
}

/* Runs method path with body (may be NULL) and query (name, value, ..., NULL; may be NULL). */
static void fuzz_call(const char *method, const char *path, const char *body, size_t body_len,
                      const char *const *query)
{
    if (!fuzz_st || ++fuzz_runs % FUZZ_RESET_EVERY == 0) fuzz_open_store();
    struct api_req r;
    memset(&r, 0, sizeof r);
    int status = 0;
    const struct api_route *rt = api_route_find(method, path, &r, &status);
    if (!rt) {
        fprintf(stderr, "fuzz: no route %s %s\n", method, path);
        abort();
    }
    r.srv = &fuzz_srv;
    r.method = method;
    r.path = path;
    r.body = body;
    r.body_len = body_len;
    r.query = query;
    r.source = "fuzz";
    snprintf(r.user, sizeof r.user, "admin");
    r.role = KC_ROLE_ADMIN;
    r.actor = (struct store_actor){"admin", "admin", "fuzz"};
    r.st = fuzz_st;
    rt->fn(&r);
    if (r.stream_session == 0 && (r.status < 200 || r.status == 500 || r.status > 503)) {
        char *text = r.resp ? json_dumps(r.resp, JSON_COMPACT) : NULL;
        fprintf(stderr, "fuzz: %s %s answered %d: %s\n", method, path, r.status,
                text ? text : "(no body)");
        abort();
    }
    if (r.status >= 400) {
        json_t *e = json_object_get(r.resp, "error");
        const char *msg = json_string_value(json_object_get(e, "message"));
        if (strncmp(path, "/fhir/", 6) == 0) /* an OperationOutcome */
            msg = json_string_value(json_object_get(
                json_array_get(json_object_get(r.resp, "issue"), 0), "diagnostics"));
        if (!msg || !*msg) {
            fprintf(stderr, "fuzz: %s %s answered %d without a message\n", method, path,
                    r.status);
            abort();
        }
    }
    json_decref(r.resp);
    if (fuzz_st && store_audit_pending(fuzz_st)) {
        struct kc_error err = {0};
        store_audit_flush(fuzz_st, &err);
    }
}

#endif
