/* events.c — the Server-Sent Events streams of the chair screen (contract in events.h).
 *
 * Each stream is a libmicrohttpd response whose content reader runs on the connection's worker
 * thread.  With nothing to send, the reader suspends the connection and returns 0; a
 * notification (or the keep-alive ticker, or shutdown) marks the stream and resumes it, and the
 * reader runs again.  The hub's mutex orders "nothing to send, suspend" against "wake": a
 * notification that arrives in between is seen before suspending, so none is lost.  Lock order:
 * hub mutex, then libmicrohttpd's own (inside suspend/resume). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/auth.h"
#include "http/events.h"
#include "http/server.h"

int http__bearer(struct http_server *s, const char *token, char *user, int *role);

struct stream {
    struct http_events *ev;
    struct MHD_Connection *conn;
    int64_t session_id, last_id;
    char credential[256];
    int bearer;
    char user[64], ip[64];
    /* under ev->mu */
    unsigned pending;     /* HTTP_EVENTS_* to send */
    int keepalive, suspended, ended;
    struct stream *prev, *next;
    /* the reader's own: text produced and not yet handed to libmicrohttpd */
    char *out;
    size_t out_len, out_pos, out_cap;
};

struct http_events {
    struct http_server *srv;
    pthread_mutex_t mu;
    pthread_cond_t tick_cv;
    struct stream *head;
    int closing, stop;
    pthread_t ticker;
};

static void wake(struct stream *st) /* under ev->mu */
{
    if (st->suspended) {
        st->suspended = 0;
        MHD_resume_connection(st->conn);
    }
}

static void *ticker_main(void *arg)
{
    struct http_events *ev = arg;
    pthread_mutex_lock(&ev->mu);
    while (!ev->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += HTTP_EVENTS_KEEPALIVE_S;
        while (!ev->stop && pthread_cond_timedwait(&ev->tick_cv, &ev->mu, &until) == 0) {
        }
        if (ev->stop) break;
        for (struct stream *st = ev->head; st; st = st->next) {
            st->keepalive = 1;
            wake(st);
        }
    }
    pthread_mutex_unlock(&ev->mu);
    return NULL;
}

int http_events_new(struct http_server *s, struct http_events **out, struct kc_error *err)
{
    struct http_events *ev = calloc(1, sizeof *ev);
    if (!ev) return kc_error_set(err, KC_ENOMEM, "%s", "out of memory for the event streams");
    ev->srv = s;
    pthread_mutex_init(&ev->mu, NULL);
    pthread_cond_init(&ev->tick_cv, NULL);
    if (pthread_create(&ev->ticker, NULL, ticker_main, ev)) {
        pthread_mutex_destroy(&ev->mu);
        pthread_cond_destroy(&ev->tick_cv);
        free(ev);
        return kc_error_set(err, KC_EIO, "%s", "cannot start the event-stream ticker thread");
    }
    *out = ev;
    return KC_OK;
}

void http_events_notify(struct http_events *ev, int64_t session_id, unsigned kinds)
{
    if (!ev) return;
    pthread_mutex_lock(&ev->mu);
    for (struct stream *st = ev->head; st; st = st->next)
        if (st->session_id == session_id) {
            st->pending |= kinds;
            wake(st);
        }
    pthread_mutex_unlock(&ev->mu);
}

void http_events_close(struct http_events *ev)
{
    if (!ev) return;
    pthread_mutex_lock(&ev->mu);
    ev->closing = 1;
    for (struct stream *st = ev->head; st; st = st->next) wake(st);
    pthread_mutex_unlock(&ev->mu);
}

void http_events_free(struct http_events *ev)
{
    if (!ev) return;
    pthread_mutex_lock(&ev->mu);
    ev->stop = 1;
    pthread_cond_signal(&ev->tick_cv);
    pthread_mutex_unlock(&ev->mu);
    pthread_join(ev->ticker, NULL);
    pthread_mutex_destroy(&ev->mu);
    pthread_cond_destroy(&ev->tick_cv);
    free(ev);
}

/* Appends text to the stream's output; 0, or -1 when out of memory. */
static int emit(struct stream *st, const char *text, size_t n)
{
    if (st->out_len + n > st->out_cap) {
        size_t cap = st->out_cap ? st->out_cap : 4096;
        while (cap < st->out_len + n) cap *= 2;
        char *nb = realloc(st->out, cap);
        if (!nb) return -1;
        st->out = nb;
        st->out_cap = cap;
    }
    memcpy(st->out + st->out_len, text, n);
    st->out_len += n;
    return 0;
}

/* "event: NAME\ndata: JSON\n\n" (with an id line first when id >= 0).  JSON from json_dumps
 * has no newline, so one data line carries it. */
static int emit_event(struct stream *st, const char *name, int64_t id, json_t *data)
{
    char *text = json_dumps(data, JSON_COMPACT);
    if (!text) return -1;
    char head[96];
    int n = id >= 0 ? snprintf(head, sizeof head, "id: %" PRId64 "\nevent: %s\ndata: ", id, name)
                    : snprintf(head, sizeof head, "event: %s\ndata: ", name);
    int rc = emit(st, head, (size_t)n) || emit(st, text, strlen(text)) || emit(st, "\n\n", 2);
    free(text);
    return rc ? -1 : 0;
}

/* Re-checks the stream's credential and role; fills role.  0 when it may go on. */
static int still_allowed(struct stream *st, int *role, const char **why)
{
    struct http_server *s = st->ev->srv;
    char user[64] = "";
    int rc = st->bearer ? http__bearer(s, st->credential, user, role)
                        : auth_session_lookup(s->auth, st->credential, time(NULL), user, role, NULL, NULL);
    if (rc) {
        *why = "your session ended: log in again";
        return -1;
    }
    if (!roles_allowed(*role, KC_RES_VITALS, KC_ACT_READ)) {
        *why = "your role may no longer read vital signs";
        return -1;
    }
    return 0;
}

/* Produces the events owed to st into its output.  Returns 1 when the stream must end after
 * what is in the output. */
static int produce(struct stream *st, unsigned kinds, int keepalive)
{
    if (kinds) {
        int role = -1;
        const char *why = NULL;
        if (still_allowed(st, &role, &why)) {
            json_t *d = json_pack("{s:s}", "reason", why);
            emit_event(st, "end", -1, d);
            json_decref(d);
            return 1;
        }
        if (kinds & HTTP_EVENTS_VITALS) {
            struct api_req r;
            memset(&r, 0, sizeof r);
            r.srv = st->ev->srv;
            r.actor = (struct store_actor){st->user, roles_name((enum kc_role)role), st->ip};
            r.st = http_store_take(r.srv);
            json_t *body = api_vitals_json(&r, st->session_id, st->last_id); /* audited read */
            http_store_give(r.srv, r.st);
            if (!body) {
                json_t *d = json_pack("{s:s}", "reason", "the vital signs could not be read");
                emit_event(st, "end", -1, d);
                json_decref(d);
                json_decref(r.resp);
                return 1;
            }
            st->last_id = json_integer_value(json_object_get(body, "last_id"));
            int bad = emit_event(st, "vitals", st->last_id, body);
            json_decref(body);
            if (bad) return 1;
        }
        if (kinds & HTTP_EVENTS_SESSION) {
            json_t *d = json_pack("{s:I}", "session_id", (json_int_t)st->session_id);
            int bad = emit_event(st, "session", -1, d);
            json_decref(d);
            if (bad) return 1;
        }
    } else if (keepalive) {
        static const char ka[] = ": keep-alive\n\n";
        if (emit(st, ka, sizeof ka - 1)) return 1;
    }
    return 0;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct stream *st = cls;
    struct http_events *ev = st->ev;
    for (;;) {
        if (st->out_pos < st->out_len) {
            size_t n = st->out_len - st->out_pos;
            if (n > max) n = max;
            memcpy(buf, st->out + st->out_pos, n);
            st->out_pos += n;
            if (st->out_pos == st->out_len) st->out_pos = st->out_len = 0;
            return (ssize_t)n;
        }
        if (st->ended) return MHD_CONTENT_READER_END_OF_STREAM;
        pthread_mutex_lock(&ev->mu);
        if (ev->closing) {
            pthread_mutex_unlock(&ev->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        unsigned kinds = st->pending;
        int keepalive = st->keepalive;
        st->pending = 0;
        st->keepalive = 0;
        if (!kinds && !keepalive) {
            /* Nothing owed: sleep without a thread until wake(). */
            st->suspended = 1;
            MHD_suspend_connection(st->conn);
            pthread_mutex_unlock(&ev->mu);
            return 0;
        }
        pthread_mutex_unlock(&ev->mu);
        st->ended = produce(st, kinds, keepalive);
    }
}

static void stream_free(void *cls)
{
    struct stream *st = cls;
    struct http_events *ev = st->ev;
    pthread_mutex_lock(&ev->mu);
    if (st->prev) st->prev->next = st->next;
    else ev->head = st->next;
    if (st->next) st->next->prev = st->prev;
    pthread_mutex_unlock(&ev->mu);
    free(st->out);
    free(st);
}

enum MHD_Result http_events_stream(struct http_events *ev, struct MHD_Connection *c,
                                   const struct api_req *r, const char *credential, int bearer)
{
    struct stream *st = calloc(1, sizeof *st);
    if (!st) return MHD_NO;
    st->ev = ev;
    st->conn = c;
    st->session_id = r->stream_session;
    st->last_id = r->stream_after;
    st->bearer = bearer;
    snprintf(st->credential, sizeof st->credential, "%s", credential ? credential : "");
    snprintf(st->user, sizeof st->user, "%s", r->user);
    snprintf(st->ip, sizeof st->ip, "%s", r->source ? r->source : "unknown");
    st->pending = HTTP_EVENTS_VITALS; /* the first event goes out at once */
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, reader,
                                                                  st, stream_free);
    if (!resp) {
        free(st);
        return MHD_NO;
    }
    pthread_mutex_lock(&ev->mu);
    st->next = ev->head;
    if (ev->head) ev->head->prev = st;
    ev->head = st;
    pthread_mutex_unlock(&ev->mu);
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* a reverse proxy must not hold it */
    enum MHD_Result ok = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp); /* stream_free runs when the connection is done with it */
    return ok;
}
