/* events.h — internal to src/http: live updates for the chair screen as Server-Sent Events
 * (text/event-stream; WHATWG HTML "Server-sent events").  GET /api/sessions/:id/events answers
 * with a stream that never ends on its own:
 *
 *   id: <last observation id>      (a reconnecting EventSource sends it back as Last-Event-ID)
 *   event: vitals
 *   data: {the body of GET /api/sessions/:id/vitals?after=<previous id>: new observations and
 *          the alarms of the whole session}
 *
 *   event: session
 *   data: {"session_id": N}        (something else about the session changed: status, dose,
 *                                   side effect, discharge check...; the page re-reads it)
 *
 *   : keep-alive                   (every 15 s, so proxies and the client see a live line)
 *
 * A stream sends its first "vitals" event at once.  It is woken when the API or the HL7 listener
 * commits something for its session (http_events_notify), never by polling the database.  Each
 * "vitals" event is one audited read by the stream's user, re-authorised first: a logged-out or
 * expired session, or a revoked role, ends the stream with "event: end".  Waiting streams hold
 * no thread (the connection is suspended in libmicrohttpd). */
#ifndef KC_HTTP_EVENTS_H
#define KC_HTTP_EVENTS_H

#include <microhttpd.h>
#include <stdint.h>

#include "http/api.h"

#define HTTP_EVENTS_VITALS 1u
#define HTTP_EVENTS_SESSION 2u
#define HTTP_EVENTS_KEEPALIVE_S 15

struct http_events;

int http_events_new(struct http_server *s, struct http_events **out, struct kc_error *err);
/* Wakes the streams of session_id (kinds: HTTP_EVENTS_*).  Any thread; never blocks on I/O. */
void http_events_notify(struct http_events *ev, int64_t session_id, unsigned kinds);
/* Shutdown: every stream ends at its next chance (waiting ones are woken now). */
void http_events_close(struct http_events *ev);
/* After the daemon stopped.  NULL is fine. */
void http_events_free(struct http_events *ev);

/* Queues the event stream on c for r (authorised, r->stream_session set by api_events).
 * credential: the session cookie or the bearer token the request came with (re-checked before
 * every event). */
enum MHD_Result http_events_stream(struct http_events *ev, struct MHD_Connection *c,
                                   const struct api_req *r, const char *credential, int bearer);

#endif
