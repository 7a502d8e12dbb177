/* api.h — internal to src/http: one request as the handlers see it, the route table, strict JSON
 * input helpers and the responses.  Handlers never touch libmicrohttpd. */
#ifndef KC_HTTP_API_H
#define KC_HTTP_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/error.h"
#include "clinic/roles.h"
#include "store/store.h"

#define API_MAX_PARAMS 4
#define API_MAX_HEADERS 6

struct http_server; /* server.c */

struct api_req {
    struct http_server *srv;
    const char *method;
    const char *path;
    const char *params[API_MAX_PARAMS]; /* ":id" parts of the route, in order */
    int n_params;
    void *conn;                          /* MHD connection, for query arguments (api_query) */
    const char *body;                    /* request body (NUL-terminated), may be NULL */
    /* query arguments when there is no connection (the fuzz drivers): name, value, ..., NULL */
    const char *const *query;
    size_t body_len;
    const char *source;                  /* client IP */
    int tls;
    /* authentication (set before the handler runs) */
    char user[64];
    int role;                            /* enum kc_role, -1 when not logged in */
    char session_token_hash[65];
    struct store_actor actor;
    struct store *st;                    /* a connection from the pool, for this request */
    /* response */
    int status;
    int64_t stream_session, stream_after; /* set by api_events: answer with the event stream */
    json_t *resp;                        /* owned; NULL = empty body */
    const char *content_type;            /* default application/json */
    char extra_headers[API_MAX_HEADERS][2][256];
    int n_extra;
};

typedef int (*api_handler)(struct api_req *r);

struct api_route {
    const char *method;
    const char *pattern;  /* "/api/patients/:id" */
    int resource;         /* enum kc_resource, or -1: any logged-in user; -2: no login */
    int action;           /* KC_ACT_* */
    api_handler fn;
};

/* Finds the route for method+path, fills r->params.  Returns the route, or NULL with *status 404
 * (no such path) or 405 (path exists, other method). */
const struct api_route *api_route_find(const char *method, const char *path, struct api_req *r,
                                       int *status);

/* Responses: these set r->status and r->resp and return the status. */
int api_json(struct api_req *r, int status, json_t *body);
/* {"error": {"status":.., "code":"..", "message":"..", "field":".."}} (field may be NULL). */
int api_error(struct api_req *r, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Copies in into out (size bytes) as valid UTF-8: a byte that is not part of a UTF-8 sequence
 * becomes the text \xNN, so an error quoting a client's bytes can still be sent as JSON. */
void api_text_clean(char *out, size_t size, const char *in);
/* Maps a store/clinic error to 400/404/409/422/503... */
int api_from_error(struct api_req *r, const struct kc_error *err);
void api_header(struct api_req *r, const char *name, const char *value);

/* Strict input.  api_body_object parses the body as a JSON object whose keys must all be in
 * allowed (NULL-terminated); on failure it has already set a 400/422 response naming the field.
 * The getters return 0, or a 422 response already set. */
int api_body_object(struct api_req *r, const char *const *allowed, json_t **out);
int api_get_string(struct api_req *r, json_t *o, const char *key, int required, size_t max_len,
                   const char **out);
int api_get_number(struct api_req *r, json_t *o, const char *key, int required, double min,
                   double max, double *out);
int api_get_int(struct api_req *r, json_t *o, const char *key, int required, long long min,
                long long max, long long *out);
/* Route parameter i as a positive id, else a 404 response. */
int api_param_id(struct api_req *r, int i, int64_t *id);
/* Times and dates go through the time module (base/kctime.h); these are the handlers' shorthands.
 * t as UTC RFC 3339 to the second, e.g. 2026-11-23T13:29:42Z. */
void api_time_text(time_t t, char out[32]);
/* An RFC 3339 time (kc_time_parse: Z or an offset; impossible dates refused) to seconds since
 * the epoch (floor); -1 when it is not one. */
time_t api_time_parse(const char *at);
/* Whole years from a YYYY-MM-DD birth date to the UTC date of `now`; -1 when it is not a date. */
int api_age_years(const char *birth, time_t now);
/* The clinic's time zone (serve --time-zone; "UTC" by default), its local date today (days
 * since 1970), and a patient's age in whole years on that date (-1: birth is not a date). */
const char *api_zone(const struct api_req *r);
long api_today(const struct api_req *r);
int api_age_today(const struct api_req *r, const char *birth);
/* A ?date=YYYY-MM-DD query as the clinic's local day [from, to) in the stored UTC form; an
 * impossible date (2026-02-31) gets a 400 naming field. */
int api_day_range(struct api_req *r, const char *field, const char *date, char from[32],
                  char to[32]);

/* The clinic's protocol (shipped defaults with the overrides of `serve --protocol FILE`). */
struct protocol;
const struct protocol *api_protocol(const struct api_req *r);

/* Query argument (?name=...) or NULL. */
const char *api_query(struct api_req *r, const char *name);
/* Calls fn for every query argument in order (repeated names included, values decoded); a
 * non-zero return stops and is returned. */
int api_query_each(struct api_req *r, int (*fn)(void *ctx, const char *key, const char *value),
                   void *ctx);
/* The methods routed for path, e.g. "GET, POST" ("" when none). */
void api_route_methods(const char *path, char *out, size_t size);
/* Request header or NULL. */
const char *api_header_in(struct api_req *r, const char *name);
/* A session's observations after observation id `after`, with the alarms of the whole session
 * (src/clinic/vitals): the body of GET /api/sessions/:id/vitals and of the live "vitals" event.
 * One audited read.  NULL with an error response set in r. */
json_t *api_vitals_json(struct api_req *r, int64_t id, long long after);

/* Handlers (api_*.c) */
int api_login(struct api_req *r);
int api_logout(struct api_req *r);
int api_me(struct api_req *r);
int api_users_create(struct api_req *r);
int api_tokens_create(struct api_req *r);
int api_patients_create(struct api_req *r);
int api_patients_get(struct api_req *r);
int api_patients_weight(struct api_req *r);
int api_sessions_create(struct api_req *r);
int api_sessions_get(struct api_req *r);
int api_sessions_status(struct api_req *r);
int api_vitals_add(struct api_req *r);
int api_vitals_count(struct api_req *r);
int api_scales_add(struct api_req *r);
int api_pk_simulate(struct api_req *r);
int api_audit_list(struct api_req *r);
int api_ledger_balances(struct api_req *r);
int api_patients_list(struct api_req *r);
int api_sessions_list(struct api_req *r);
int api_vitals_list(struct api_req *r);
int api_events(struct api_req *r);
int api_side_effects_list(struct api_req *r);
int api_side_effects_add(struct api_req *r);
int api_scales_list(struct api_req *r);
int api_doses_add(struct api_req *r);
int api_fhir_metadata(struct api_req *r);
int api_fhir_smart_configuration(struct api_req *r);
int api_fhir_read(struct api_req *r);
int api_fhir_search(struct api_req *r);
int api_fhir_everything(struct api_req *r);
int api_fhir_patient_create(struct api_req *r);
int api_fhir_patient_update(struct api_req *r);
int api_fhir_observation_create(struct api_req *r);
/* Under /fhir (and the SMART discovery document): an error answered by the routing, login or
 * limit layers becomes an OperationOutcome, every response application/fhir+json, with
 * WWW-Authenticate on 401 and Allow on 405 (fhir.c). */
void api_fhir_finish(struct api_req *r);

#endif
