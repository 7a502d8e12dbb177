/* server.c — libmicrohttpd glue: limits, request bodies, authentication and the role check in
 * one place before any handler, JSON responses with safe headers, the access log, and graceful
 * shutdown on SIGTERM/SIGINT. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/kctime.h"
#include "hl7/listener.h"
#include "http/api.h"
#include "http/events.h"
#include "http/server.h"

int http__bootstrap(struct http_server *s, struct kc_error *err); /* bootstrap.c */
int http__bearer(struct http_server *s, const char *header, char *user, int *role);
int http__static(struct http_server *s, struct MHD_Connection *c, const char *url, int *status);

struct conn {
    struct MHD_Connection *mhd;
    struct http_server *srv;
    /* a response held (connection suspended) until the audit entries of its reads are durable */
    struct api_req *held;
    char ip[64];
    int audit_rc;
    char audit_msg[KC_ERROR_MSG_MAX + 64];
    char *body;
    size_t len, cap;
    int too_big;
    int rejected;        /* a response was already queued */
    int counted;         /* in_flight incremented */
    struct timeval start;
    int status;
};

struct store *http_store_take(struct http_server *s)
{
    pthread_mutex_lock(&s->pool_mu);
    while (s->n_free == 0) pthread_cond_wait(&s->pool_cv, &s->pool_mu);
    struct store *st = s->pool[s->pool_free[--s->n_free]];
    pthread_mutex_unlock(&s->pool_mu);
    return st;
}

void http_store_give(struct http_server *s, struct store *st)
{
    pthread_mutex_lock(&s->pool_mu);
    for (int i = 0; i < s->pool_n; i++)
        if (s->pool[i] == st) s->pool_free[s->n_free++] = i;
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
}

static void client_ip(struct MHD_Connection *c, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, size, "unknown");
    if (!ci || !ci->client_addr) return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf, (socklen_t)size);
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, buf, (socklen_t)size);
}

static enum MHD_Result send_json(struct http_server *s, struct MHD_Connection *c, struct api_req *r)
{
    char *text = r->resp ? json_dumps(r->resp, JSON_COMPACT) : NULL;
    size_t n = text ? strlen(text) : 0;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(n, text ? text : (char *)"", text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", r->content_type ? r->content_type : "application/json");
    /* ASVS v4.0.3 8.1.1 / 14.4: no caching of patient data; no MIME sniffing; no framing. */
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (s->opt.tls_cert) MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    for (int i = 0; i < r->n_extra; i++)
        MHD_add_response_header(resp, r->extra_headers[i][0], r->extra_headers[i][1]);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result quick_error(struct http_server *s, struct MHD_Connection *c, int status,
                                   const char *url, const char *msg)
{
    struct api_req r;
    memset(&r, 0, sizeof r);
    r.path = url;
    api_error(&r, status, NULL, "%s", msg);
    api_fhir_finish(&r); /* OperationOutcome under /fhir */
    enum MHD_Result ok = send_json(s, c, &r);
    json_decref(r.resp);
    return ok;
}

/* Appends v to b as the body of a JSON string: quote, backslash, control bytes and bytes >= 0x80
 * as \u00XX, so a line is always valid JSON and a crafted path cannot forge a line or a field
 * (ASVS v4.0.3 7.3.1).  Returns the new length; stops short of cap. */
static size_t json_escape(char *b, size_t n, size_t cap, const char *v)
{
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *)v; *p && n + 7 < cap; p++) {
        if (*p == '"' || *p == '\\') {
            b[n++] = '\\';
            b[n++] = (char)*p;
        } else if (*p < 0x20 || *p >= 0x7f) {
            memcpy(b + n, "\\u00", 4);
            b[n + 4] = hex[*p >> 4];
            b[n + 5] = hex[*p & 15];
            n += 6;
        } else {
            b[n++] = (char)*p;
        }
    }
    return n;
}

/* One JSON line per request: time, client, method, path (no query string, no tokens), status,
 * milliseconds, user and role.  Written to a buffered stream; the main thread flushes it every
 * second and at shutdown, so a busy server does not pay a write(2) per request. */
static void log_request(struct http_server *s, const char *method, const char *url,
                        const struct api_req *r, struct conn *cc, const char *ip)
{
    struct timeval now;
    gettimeofday(&now, NULL);
    double ms = (double)(now.tv_sec - cc->start.tv_sec) * 1e3 + (double)(now.tv_usec - cc->start.tv_usec) / 1e3;
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    char line[2048];
    size_t n = strftime(line, sizeof line, "{\"time\":\"%Y-%m-%dT%H:%M:%SZ\",\"ip\":\"", &tm);
    const char *fields[][2] = {{NULL, ip}, {"method", method}, {"path", url}};
    for (int i = 0; i < 3; i++) {
        if (fields[i][0]) n += (size_t)snprintf(line + n, sizeof line - n, "\",\"%s\":\"", fields[i][0]);
        n = json_escape(line, n, sizeof line - 200, fields[i][1]);
    }
    n += (size_t)snprintf(line + n, sizeof line - n, "\",\"status\":%d,\"ms\":%.3f,\"user\":\"",
                          r ? r->status : cc->status, ms);
    n = json_escape(line, n, sizeof line - 40, r && r->user[0] ? r->user : "-");
    snprintf(line + n, sizeof line - n, "\",\"role\":\"%s\"}\n",
             r && r->role >= 0 ? roles_name((enum kc_role)r->role) : "-");
    pthread_mutex_lock(&s->log_mu);
    fputs(line, s->log);
    pthread_mutex_unlock(&s->log_mu);
}

static void log_flush(struct http_server *s)
{
    pthread_mutex_lock(&s->log_mu);
    fflush(s->log);
    pthread_mutex_unlock(&s->log_mu);
}

static const char *cookie_token(struct MHD_Connection *c)
{
    return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "kc_session");
}

/* Authentication and the role check: the one choke point (ASVS v4.0.3 4.1.3, 4.1.5). */
static int authorize(struct http_server *s, struct MHD_Connection *c, const struct api_route *rt,
                     struct api_req *r)
{
    r->role = -1;
    if (rt->resource == -2) return 0;
    const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    char csrf[AUTH_TOKEN_HEX + 1] = "";
    int cookie = 0;
    if (authz && strncmp(authz, "Bearer ", 7) == 0) {
        if (http__bearer(s, authz + 7, r->user, &r->role))
            return api_error(r, 401, NULL, "%s", "invalid or expired API token");
    } else {
        const char *tok = cookie_token(c);
        if (!tok || auth_session_lookup(s->auth, tok, time(NULL), r->user, &r->role, csrf,
                                        r->session_token_hash))
            return api_error(r, 401, NULL, "%s", "log in first (POST /api/login)");
        cookie = 1;
    }
    /* Cookie-authenticated writes must carry the session's CSRF token (ASVS 4.2.2). */
    if (cookie && strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        const char *sent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!sent || !auth_token_equal(sent, csrf))
            return api_error(r, 403, NULL, "%s", "missing or wrong X-CSRF-Token header");
    }
    if (rt->resource >= 0 && !roles_allowed(r->role, rt->resource, rt->action))
        return api_error(r, 403, NULL, "role %s may not %s %s", roles_name((enum kc_role)r->role),
                         rt->action == KC_ACT_READ ? "read" : "change",
                         roles_resource_name((enum kc_resource)rt->resource));
    return 0;
}

static enum MHD_Result respond(struct http_server *s, struct MHD_Connection *c, struct conn *cc,
                               struct api_req *r, const char *ip)
{
    api_fhir_finish(r); /* OperationOutcome and FHIR headers under /fhir */
    enum MHD_Result ok = send_json(s, c, r);
    cc->status = r->status;
    log_request(s, r->method, r->path, r, cc, ip);
    json_decref(r->resp);
    r->resp = NULL;
    return ok;
}

/* On the audit writer's thread: the entries of a held response are committed (or failed). */
static void audit_done(void *arg, int rc, const char *msg)
{
    struct conn *cc = arg;
    cc->audit_rc = rc;
    if (rc) snprintf(cc->audit_msg, sizeof cc->audit_msg, "%s", msg);
    MHD_resume_connection(cc->mhd);
}

/* The connection is resumed: send the held response, or, if its reads could not be audited, an
 * error in its place (no patient data without its audit entry). */
static enum MHD_Result release_held(struct http_server *s, struct MHD_Connection *c, struct conn *cc)
{
    struct api_req *r = cc->held;
    cc->held = NULL;
    if (cc->audit_rc && r->status < 400) {
        json_decref(r->resp);
        r->resp = NULL;
        r->n_extra = 0;
        r->content_type = NULL;
        api_error(r, 500, NULL, "%s", cc->audit_msg);
    }
    enum MHD_Result ok = respond(s, c, cc, r, cc->ip);
    free(r);
    return ok;
}

/* A write to a session (POST /api/sessions/:id/...) wakes the live screens of that session. */
static void notify_streams(struct http_server *s, const struct api_route *rt, const struct api_req *r)
{
    if (r->status < 200 || r->status >= 300 || strcmp(r->method, "POST") != 0 ||
        strncmp(rt->pattern, "/api/sessions/:id/", 18) != 0 || r->n_params < 1)
        return;
    long long id = 0; /* the route matched, so params[0] is a checked id; digits up to '/' */
    for (const char *p = r->params[0]; *p >= '0' && *p <= '9' && id < INT64_MAX / 10; p++)
        id = id * 10 + (*p - '0');
    if (id > 0)
        http_events_notify(s->events, id, rt->fn == api_vitals_add ? HTTP_EVENTS_VITALS : HTTP_EVENTS_SESSION);
}

/* GET /api/sessions/:id/events: api_events checked the session; its audit entry is committed
 * (the stream's own reads are audited as they happen), then the stream takes the connection. */
static enum MHD_Result open_stream(struct http_server *s, struct MHD_Connection *c, struct conn *cc,
                                   struct api_req *r, const char *ip)
{
    struct kc_error e = {0};
    int rc = store_audit_flush(r->st, &e);
    http_store_give(s, r->st);
    r->st = NULL;
    if (rc) {
        api_error(r, 500, NULL, "%s", e.msg);
        return respond(s, c, cc, r, ip);
    }
    const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    int bearer = authz && strncmp(authz, "Bearer ", 7) == 0;
    enum MHD_Result ok = http_events_stream(s->events, c, r, bearer ? authz + 7 : cookie_token(c), bearer);
    cc->status = 200;
    log_request(s, r->method, r->path, r, cc, ip);
    json_decref(r->resp);
    r->resp = NULL;
    return ok;
}

static void hl7_stored(void *arg, long long session_id)
{
    http_events_notify(arg, session_id, HTTP_EVENTS_VITALS);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    struct http_server *s = cls;
    struct conn *cc = *con_cls;
    if (!cc) {
        cc = calloc(1, sizeof *cc);
        if (!cc) return MHD_NO;
        gettimeofday(&cc->start, NULL);
        *con_cls = cc;
        cc->counted = 1;
        if (atomic_fetch_add(&s->in_flight, 1) >= (int)s->opt.max_in_flight) {
            cc->rejected = 1;
            cc->status = 503;
            return quick_error(s, c, 503, url, "server busy: too many requests in flight, retry shortly");
        }
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > s->opt.max_body) {
            cc->rejected = 1;
            cc->status = 413;
            return quick_error(s, c, 413, url, "request body larger than the server's limit");
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!cc->too_big) {
            if (cc->len + *upload_size > s->opt.max_body) {
                cc->too_big = 1;
            } else {
                if (cc->len + *upload_size + 1 > cc->cap) {
                    size_t cap = cc->cap ? cc->cap * 2 : 4096;
                    while (cap < cc->len + *upload_size + 1) cap *= 2;
                    char *nb = realloc(cc->body, cap);
                    if (!nb) return MHD_NO;
                    cc->body = nb;
                    cc->cap = cap;
                }
                memcpy(cc->body + cc->len, upload, *upload_size);
                cc->len += *upload_size;
                cc->body[cc->len] = '\0';
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (cc->rejected) return MHD_YES;
    if (cc->held) return release_held(s, c, cc);
    if (cc->too_big) {
        cc->status = 413;
        return quick_error(s, c, 413, url, "request body larger than the server's limit");
    }

    struct api_req r;
    memset(&r, 0, sizeof r);
    char ip[64];
    client_ip(c, ip, sizeof ip);
    r.srv = s;
    r.method = method;
    r.path = url;
    r.conn = c;
    r.body = cc->body;
    r.body_len = cc->len;
    r.source = ip;
    r.tls = s->opt.tls_cert != NULL;
    r.role = -1;
    int status = 0;
    const struct api_route *rt = api_route_find(method, url, &r, &status);
    if (!rt && status == 404 && (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) &&
        strncmp(url, "/api/", 5) != 0 && strncmp(url, "/fhir/", 6) != 0 &&
        http__static(s, c, url, &cc->status)) {
        r.status = cc->status;
        log_request(s, method, url, &r, cc, ip);
        return MHD_YES;
    }
    if (!rt) {
        api_error(&r, status, NULL, status == 404 ? "no such endpoint: %s" : "method not allowed for %s", url);
    } else if (authorize(s, c, rt, &r) == 0) {
        r.actor.user = r.user[0] ? r.user : "anonymous";
        r.actor.role = r.role >= 0 ? roles_name((enum kc_role)r.role) : "none";
        r.actor.source = ip;
        r.st = http_store_take(s);
        /* Reads only queue their audit entries; they are committed below before anything of the
         * response leaves. */
        store_audit_defer(r.st, 1);
        rt->fn(&r);
        if (!r.status) api_error(&r, 500, NULL, "%s", "handler produced no response");
        store_audit_defer(r.st, 0);
        if (r.stream_session && r.status == 200) return open_stream(s, c, cc, &r, ip);
        notify_streams(s, rt, &r);
        if (store_audit_pending(r.st) && s->audit_writer) {
            struct api_req *held = malloc(sizeof *held);
            if (held) {
                /* Hold the response; the audit writer resumes the connection (audit_done). */
                *held = r;
                memset(&held->actor, 0, sizeof held->actor); /* pointed into r */
                held->st = NULL;
                held->source = cc->ip;
                snprintf(cc->ip, sizeof cc->ip, "%s", ip);
                cc->held = held;
                cc->mhd = c;
                cc->srv = s;
                MHD_suspend_connection(c);
                store_audit_submit(s->audit_writer, r.st, audit_done, cc);
                http_store_give(s, r.st);
                return MHD_YES;
            }
        }
        struct kc_error e = {0};
        if (store_audit_flush(r.st, &e) && r.status < 400) {
            json_decref(r.resp);
            r.resp = NULL;
            r.n_extra = 0;
            api_error(&r, 500, NULL, "%s", e.msg);
        }
        http_store_give(s, r.st);
    }
    return respond(s, c, cc, &r, ip);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)c, (void)toe;
    struct http_server *s = cls;
    struct conn *cc = *con_cls;
    if (!cc) return;
    if (cc->counted) atomic_fetch_sub(&s->in_flight, 1);
    if (cc->held) {
        json_decref(cc->held->resp);
        free(cc->held);
    }
    free(cc->body);
    free(cc);
    *con_cls = NULL;
}

static int parse_listen(const char *text, struct sockaddr_in *sa, struct kc_error *err)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    if (!colon || (size_t)(colon - text) >= sizeof host)
        return kc_error_set(err, KC_EINVAL, "--listen '%s': expected HOST:PORT, e.g. 127.0.0.1:8080", text);
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return kc_error_set(err, KC_EINVAL, "--listen '%s': bad port", text);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return kc_error_set(err, KC_EINVAL, "--listen '%s': '%s' is not an IPv4 address", text, host);
    return KC_OK;
}

static char *read_file(const char *path, struct kc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        kc_error_set(err, KC_EIO, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    return buf;
}

static void defaults(struct http_options *o)
{
    if (!o->listen) o->listen = "127.0.0.1:8080";
    if (!o->threads) o->threads = 16; /* requests mostly wait on audit commits (group-committed) */
    if (!o->max_body) o->max_body = 1u << 20;
    if (!o->max_header) o->max_header = 16u << 10;
    if (!o->max_connections) o->max_connections = 256;
    if (!o->max_in_flight) o->max_in_flight = 128;
    if (!o->request_timeout_s) o->request_timeout_s = 30;
    if (!o->web_root) o->web_root = "web";
}

int http_serve(const struct http_options *opt, struct kc_error *err)
{
    static struct http_server s; /* one server per process; large (session table) */
    memset(&s, 0, sizeof s);
    s.opt = *opt;
    defaults(&s.opt);
    s.log = s.opt.access_log ? s.opt.access_log : stderr;
    if (s.opt.threads > HTTP_MAX_POOL - 2) s.opt.threads = HTTP_MAX_POOL - 2;
    struct sockaddr_in sa;
    int rc = parse_listen(s.opt.listen, &sa, err);
    if (rc) return rc;
    if ((s.opt.tls_cert == NULL) != (s.opt.tls_key == NULL))
        return kc_error_set(err, KC_EINVAL, "give both --tls-cert and --tls-key, or neither");
    if (!s.opt.time_zone) s.opt.time_zone = "UTC";
    if ((rc = kc_time_zone_check(s.opt.time_zone, err))) return kc_error_prefix(err, "--time-zone");
    protocol_init_default(&s.proto);
    if (s.opt.protocol_path) {
        char *text = read_file(s.opt.protocol_path, err);
        rc = text ? protocol_apply_override(&s.proto, text, err) : err->code ? err->code : KC_EIO;
        free(text);
        if (rc) return kc_error_prefix(err, "--protocol %s", s.opt.protocol_path), rc;
    }
    pthread_mutex_init(&s.pool_mu, NULL);
    pthread_cond_init(&s.pool_cv, NULL);
    pthread_mutex_init(&s.log_mu, NULL);
    char *cert = NULL, *key = NULL;
    struct MHD_Daemon *d = NULL;
    struct hl7_listener *hl7 = NULL;
    rc = auth_new(&s.auth, err);
    if (rc) goto out;

    /* One store connection per worker thread, plus one for start-up work. */
    struct store_options so = {s.opt.db_url, s.opt.audit_key, 0};
    s.pool_n = (int)s.opt.threads + 1;
    for (int i = 0; i < s.pool_n; i++) {
        rc = store_open(&so, &s.pool[i], err);
        if (rc) goto out;
        s.pool_free[s.n_free++] = i;
    }
    rc = http__bootstrap(&s, err);
    if (rc) goto out;

    if (s.opt.tls_cert) {
        cert = read_file(s.opt.tls_cert, err);
        key = cert ? read_file(s.opt.tls_key, err) : NULL;
        if (!cert || !key) {
            rc = err->code ? err->code : KC_EIO;
            goto out;
        }
    }
    /* Block the shutdown signals in every thread; this thread waits for them below. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* The audit writer: its own connection, started before the first request. */
    rc = store_open(&so, &s.audit_st, err);
    if (!rc) rc = store_audit_writer_start(s.audit_st, &s.audit_writer, err);
    if (!rc) rc = http_events_new(&s, &s.events, err);
    if (rc) goto out;

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (cert) flags |= MHD_USE_TLS;
    d = MHD_start_daemon(flags, 0, NULL, NULL, handle, &s,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                         MHD_OPTION_THREAD_POOL_SIZE, s.opt.threads,
                         MHD_OPTION_CONNECTION_LIMIT, s.opt.max_connections,
                         MHD_OPTION_CONNECTION_TIMEOUT, s.opt.request_timeout_s,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(s.opt.max_header * 2),
                         MHD_OPTION_NOTIFY_COMPLETED, completed, &s,
                         cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
                         MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
    if (!d) {
        rc = kc_error_set(err, KC_EIO, "cannot listen on %s (in use, or not permitted)", s.opt.listen);
        goto out;
    }
    if (s.opt.hl7_listen) { /* issue 9: its own threads and store connection */
        struct hl7_listener_options ho = {.listen = s.opt.hl7_listen, .db_url = s.opt.db_url,
                                          .config_path = s.opt.hl7_config,
                                          .clinic_time_zone = s.opt.time_zone,
                                          .audit_key = s.opt.audit_key,
                                          .on_stored = hl7_stored, .on_stored_arg = s.events};
        if ((rc = hl7_listener_start(&ho, &hl7, err))) goto out;
        fprintf(stdout, "ketaclinic: HL7 MLLP listening on %.*s:%u\n",
                (int)(strrchr(s.opt.hl7_listen, ':') - s.opt.hl7_listen), s.opt.hl7_listen,
                hl7_listener_port(hl7));
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = di ? di->port : 0;
    char host[64];
    inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
    fprintf(stdout, "ketaclinic: serving %s://%s:%u/ (database: %s)\n", cert ? "https" : "http",
            host, port, store_backend(s.pool[0]));
    fflush(stdout);
    if (s.opt.ready_file) {
        FILE *f = fopen(s.opt.ready_file, "w");
        if (f) {
            fprintf(f, "%s:%u\n", host, port);
            fclose(f);
        }
    }
    /* Wait for SIGTERM/SIGINT, flushing the access log once a second meanwhile. */
    int sig = 0;
    for (;;) {
        struct timespec second = {1, 0};
        sig = sigtimedwait(&sigs, NULL, &second);
        if (sig == SIGINT || sig == SIGTERM) break;
        log_flush(&s);
    }
    fprintf(stdout, "ketaclinic: %s received; finishing requests in flight\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    fflush(stdout);
    hl7_listener_stop(hl7); /* acknowledges what it committed, drops partial frames */
    hl7 = NULL;
    /* Stop accepting, let requests in flight finish (10 s at most), then stop. */
    MHD_quiesce_daemon(d);
    http_events_close(s.events); /* live streams end; their clients reconnect elsewhere/later */
    for (int i = 0; i < 1000 && atomic_load(&s.in_flight) > 0; i++) usleep(10000);
    /* Commits what is still queued and resumes every held response (none may stay suspended
     * when the daemon stops), then gives them a moment to go out.  A request that still comes
     * in on an open connection has its reads' entries committed by its own thread. */
    store_audit_writer_stop(s.audit_writer);
    for (int i = 0; i < 100 && atomic_load(&s.in_flight) > 0; i++) usleep(10000);
    MHD_stop_daemon(d);
    d = NULL;
    rc = KC_OK;
out:
    hl7_listener_stop(hl7);
    store_audit_writer_stop(s.audit_writer);
    if (d) MHD_stop_daemon(d);
    store_audit_writer_free(s.audit_writer); /* no request can reach it now */
    http_events_free(s.events);
    fflush(s.log);
    store_close(s.audit_st);
    for (int i = 0; i < s.pool_n; i++) store_close(s.pool[i]);
    auth_free(s.auth);
    free(cert);
    free(key);
    pthread_mutex_destroy(&s.pool_mu);
    pthread_cond_destroy(&s.pool_cv);
    pthread_mutex_destroy(&s.log_mu);
    return rc;
}

const char *http__cookie(void *conn);
const char *http__cookie(void *conn)
{
    return cookie_token((struct MHD_Connection *)conn);
}
