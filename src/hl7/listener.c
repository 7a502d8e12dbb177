/* listener.c — MLLP over TCP: an accept thread, a thread per monitor connection (monitors keep
 * one connection open for hours and send every few seconds), every message handed to the
 * group-commit writer (writer.c) and acknowledged, in order, once filed. */
#include "hl7/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hl7/ack.h"
#include "hl7/hl7_int.h"
#include "hl7/mllp.h"

struct conn {
    struct hl7_listener *l;
    int fd;
    unsigned addr;       /* peer IPv4, network order */
    char peer[INET_ADDRSTRLEN];
    pthread_t thread;
    atomic_int finished;
    struct conn *next;
};

struct hl7_listener {
    struct hl7_listener_options opt;
    int fd;
    unsigned port;
    atomic_int stop;
    pthread_t accept_thread;
    pthread_mutex_t mu;
    struct conn *conns;
    unsigned nconn;
    struct hl7_writer w;
    struct hl7_config cfg;
    atomic_ulong refused_addr, refused_full;
};

const struct hl7_config *hl7__listener_config(const struct hl7_listener *l)
{
    return &l->cfg;
}

static int conn_serve(struct conn *c); /* below */

static int parse_addr(const char *text, struct sockaddr_in *sa, struct kc_error *err)
{
    char host[64];
    const char *colon = text ? strrchr(text, ':') : NULL;
    if (!colon || (size_t)(colon - text) >= sizeof host)
        return kc_error_set(err, KC_EINVAL, "--hl7-listen '%s': expected HOST:PORT, e.g. "
                            "127.0.0.1:2575", text ? text : "");
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535)
        return kc_error_set(err, KC_EINVAL, "--hl7-listen '%s': bad port", text);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return kc_error_set(err, KC_EINVAL, "--hl7-listen '%s': '%s' is not an IPv4 address",
                            text, host);
    return KC_OK;
}

static void *conn_main(void *arg)
{
    struct conn *c = arg;
    conn_serve(c);
    close(c->fd);
    atomic_store(&c->finished, 1);
    return NULL;
}

/* Joins connection threads that have ended (all of them when wait_all). */
static void reap(struct hl7_listener *l, int wait_all)
{
    pthread_mutex_lock(&l->mu);
    struct conn **pp = &l->conns;
    while (*pp) {
        struct conn *c = *pp;
        if (wait_all || atomic_load(&c->finished)) {
            *pp = c->next;
            l->nconn--;
            pthread_mutex_unlock(&l->mu);
            pthread_join(c->thread, NULL);
            free(c);
            pthread_mutex_lock(&l->mu);
        } else {
            pp = &c->next;
        }
    }
    pthread_mutex_unlock(&l->mu);
}

static void *accept_main(void *arg)
{
    struct hl7_listener *l = arg;
    while (!atomic_load(&l->stop)) {
        struct pollfd p = {l->fd, POLLIN, 0};
        int r = poll(&p, 1, 200);
        reap(l, 0);
        if (r <= 0) continue;
        struct sockaddr_in peer;
        socklen_t pl = sizeof peer;
        int fd = accept(l->fd, (struct sockaddr *)&peer, &pl);
        if (fd < 0) continue;
        /* the allowlist first: a host not on it never gets a thread or a byte read */
        if (!hl7_config_allowed(&l->cfg, peer.sin_addr.s_addr)) {
            atomic_fetch_add(&l->refused_addr, 1);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_mutex_lock(&l->mu);
        unsigned same = 0;
        for (struct conn *o = l->conns; o; o = o->next)
            same += !atomic_load(&o->finished) && o->addr == peer.sin_addr.s_addr;
        int full = l->nconn >= l->opt.max_connections || same >= l->cfg.max_per_address;
        pthread_mutex_unlock(&l->mu);
        struct conn *c = full ? NULL : calloc(1, sizeof *c);
        if (!c) {
            if (full) atomic_fetch_add(&l->refused_full, 1);
            close(fd);
            continue;
        }
        c->l = l;
        c->fd = fd;
        c->addr = peer.sin_addr.s_addr;
        inet_ntop(AF_INET, &peer.sin_addr, c->peer, sizeof c->peer);
        pthread_attr_t at; /* 2 MiB: a thread per monitor, hundreds of them */
        pthread_attr_init(&at);
        pthread_attr_setstacksize(&at, 2u << 20);
        int prc = pthread_create(&c->thread, &at, conn_main, c);
        pthread_attr_destroy(&at);
        if (prc) {
            fprintf(stderr, "ketaclinic: hl7: cannot start a connection thread (%s)\n",
                    strerror(prc));
            close(fd);
            free(c);
            continue;
        }
        pthread_mutex_lock(&l->mu);
        c->next = l->conns;
        l->conns = c;
        l->nconn++;
        pthread_mutex_unlock(&l->mu);
    }
    return NULL;
}

int hl7_listener_start(const struct hl7_listener_options *opt, struct hl7_listener **out,
                       struct kc_error *err)
{
    struct sockaddr_in sa;
    int rc = parse_addr(opt->listen, &sa, err);
    if (rc) return rc;
    struct hl7_listener *l = calloc(1, sizeof *l);
    if (!l) return kc_error_set(err, KC_ENOMEM, "out of memory");
    l->opt = *opt;
    if ((rc = hl7_config_load(opt->config_path, opt->clinic_time_zone, &l->cfg, err))) {
        free(l);
        return rc;
    }
    if (!l->opt.max_connections) l->opt.max_connections = l->cfg.max_connections;
    if (!l->opt.max_message) l->opt.max_message = HL7_MAX_MESSAGE;
    if (!l->opt.frame_timeout_s) l->opt.frame_timeout_s = 60;
    pthread_mutex_init(&l->mu, NULL);
    l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (l->fd < 0 || setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(l->fd, (struct sockaddr *)&sa, sizeof sa) || listen(l->fd, 128)) {
        rc = kc_error_set(err, KC_EIO, "--hl7-listen %s: cannot listen (%s)", opt->listen,
                          strerror(errno));
        goto fail;
    }
    socklen_t sl = sizeof sa;
    getsockname(l->fd, (struct sockaddr *)&sa, &sl);
    l->port = ntohs(sa.sin_port);
    char source[64];
    snprintf(source, sizeof source, "hl7:%u", l->port);
    if ((rc = hl7__writer_start(&l->w, opt->db_url, opt->audit_key, source, err))) goto fail;
    l->w.on_stored = opt->on_stored;
    l->w.on_stored_arg = opt->on_stored_arg;
    if (pthread_create(&l->accept_thread, NULL, accept_main, l)) {
        hl7__writer_stop(&l->w);
        rc = kc_error_set(err, KC_EIO, "cannot start the HL7 accept thread");
        goto fail;
    }
    *out = l;
    return KC_OK;
fail:
    if (l->fd >= 0) close(l->fd);
    pthread_mutex_destroy(&l->mu);
    hl7_config_free(&l->cfg);
    free(l);
    return rc;
}

unsigned hl7_listener_port(const struct hl7_listener *l)
{
    return l->port;
}

void hl7_listener_stop(struct hl7_listener *l)
{
    if (!l) return;
    atomic_store(&l->stop, 1);
    pthread_join(l->accept_thread, NULL);
    close(l->fd);
    reap(l, 1); /* connection threads see stop, finish what the writer holds, and end */
    hl7__writer_stop(&l->w);
    pthread_mutex_destroy(&l->mu);
    hl7_config_free(&l->cfg);
    free(l);
}

/* ---- one connection ------------------------------------------------------------------------ */

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Serves one monitor connection until it closes, stops, or idles: a frame left unfinished for
 * frame_timeout_s, or nothing at all for the configuration's idle_timeout_s, drops it (a monitor
 * that is still there reconnects; a socket left open by anyone else stops holding a slot). */
static int conn_serve(struct conn *c)
{
    struct hl7_listener *l = c->l;
    int fd = c->fd;
    struct mllp_reader r;
    if (mllp_init(&r, l->opt.max_message, NULL)) return -1;
    time_t frame_started = 0, last = time(NULL);
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        int pr = poll(&p, 1, 200);
        if (atomic_load(&l->stop)) break; /* a partial frame is dropped unanswered */
        if (pr < 0 && errno != EINTR) break;
        if (pr <= 0) {
            time_t now = time(NULL);
            if (mllp_partial(&r) && now - frame_started > (time_t)l->opt.frame_timeout_s)
                break;
            if (now - last > (time_t)l->cfg.idle_timeout_s) break;
            continue;
        }
        last = time(NULL);
        char *at;
        size_t room = mllp_room(&r, &at);
        ssize_t k = recv(fd, at, room, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break; /* closed (mid-frame: that frame is lost, never acknowledged) */
        int was_partial = mllp_partial(&r);
        mllp_wrote(&r, (size_t)k);
        const char *f;
        size_t fn;
        enum mllp_event ev;
        while ((ev = mllp_next(&r, &f, &fn)) != MLLP_NONE) {
            char *reply = NULL;
            size_t reply_n = 0;
            hl7__conn_frame(l, c->peer, f, fn, ev == MLLP_OVERSIZE, &l->w, &reply, &reply_n);
            int bad = reply && send_all(fd, reply, reply_n);
            free(reply);
            if (bad) goto out;
        }
        if (mllp_partial(&r) && !was_partial) frame_started = time(NULL);
    }
out:
    mllp_free(&r);
    return 0;
}
