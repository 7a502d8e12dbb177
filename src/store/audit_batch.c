/* audit_batch.c — group commit of the audit entries of reads.  Every read of patient data must be
 * in the audit log, durably, before its data is returned; one commit (one fsync) per read caps a
 * busy clinic at a few thousand reads per second.  Two ways share one batch commit here:
 *
 * - Blocking (store__audit_read_batched, store_audit_flush): readers that finish at the same time
 *   queue their entries; the first becomes the leader and appends the whole queue in ONE
 *   transaction on its own connection, then wakes the others.  Each reader returns only after its
 *   own entries are committed.  One queue per database per process.
 * - Asynchronous (store_audit_submit): a server defers the entries of a request on its connection
 *   (store_audit_defer), holds the response, and submits the entries to a writer thread that
 *   commits whatever has queued up while its previous commit was on the disk; its callback
 *   releases the response.  No worker thread sleeps through an fsync, and a batch can hold every
 *   request in flight instead of one per worker thread.
 *
 * Either way the hash chain stays in commit order and a failed batch fails every read in it (no
 * data without its audit entry). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

struct audit_group { /* one submission: its callback runs when its last entry is done */
    store_audit_done_fn done;
    void *arg;
    int left, rc;
    char msg[KC_ERROR_MSG_MAX + 64];
};

struct store__pending {
    char user[64], role[32], source[64], action[16], rtype[32], rid[64], detail[STORE_TEXT_MAX];
    char outcome[8];
    int done, rc;                /* blocking path: set by the leader under mu */
    char msg[KC_ERROR_MSG_MAX];
    struct audit_group *grp;     /* asynchronous path */
    struct store__pending *next;  /* the owner's list (a request's deferred entries) */
    struct store__pending *qnext; /* the blocking queue's link */
};

#define MAX_QUEUES 8
#define MAX_BATCH 256
static struct queue {
    char key[1024];
    struct store__pending *head, *tail;
    int leader;
    pthread_cond_t cv;
} queues[MAX_QUEUES];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long n_batches, n_entries; /* under mu; printed at exit when KC_AUDIT_STATS is set */

static void print_stats(void)
{
    fprintf(stderr, "audit group commit: %ld entries in %ld batches (%.2f per batch)\n", n_entries,
            n_batches, n_batches ? (double)n_entries / (double)n_batches : 0.0);
}

static void count_batch(int n) /* under mu */
{
    if (n_batches++ == 0 && getenv("KC_AUDIT_STATS")) atexit(print_stats);
    n_entries += n;
}

static struct queue *queue_for(const struct store *st)
{
    const char *key = st->path[0] ? st->path : st->url;
    for (int i = 0; i < MAX_QUEUES; i++)
        if (queues[i].key[0] && strcmp(queues[i].key, key) == 0) return &queues[i];
    for (int i = 0; i < MAX_QUEUES; i++)
        if (!queues[i].key[0]) {
            snprintf(queues[i].key, sizeof queues[i].key, "%s", key);
            pthread_cond_init(&queues[i].cv, NULL);
            return &queues[i];
        }
    return NULL; /* more databases than queues: the caller commits alone */
}

/* Appends entries [0, n) in one transaction on st; returns the status for all of them. */
static int commit_batch(struct store *st, struct store__pending **batch, int n,
                        struct kc_error *err)
{
    int rc = store__begin(st, err);
    for (int i = 0; !rc && i < n; i++) {
        struct store__pending *p = batch[i];
        struct store_actor who = {p->user, p->role, p->source};
        rc = store__audit_append(st, &who, p->action, p->rtype, p->rid, p->outcome, p->detail, err);
    }
    if (!rc) rc = store__commit(st, err);
    if (rc) store__rollback(st);
    return rc;
}

static struct store__pending *pending_new(const struct store_actor *who, const char *action,
                                          const char *rtype, const char *rid,
                                          const char *outcome, const char *detail)
{
    struct store__pending *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    snprintf(p->user, sizeof p->user, "%s", who->user);
    snprintf(p->role, sizeof p->role, "%s", who->role);
    snprintf(p->source, sizeof p->source, "%s", who->source && *who->source ? who->source : "unknown");
    snprintf(p->action, sizeof p->action, "%s", action);
    snprintf(p->rtype, sizeof p->rtype, "%s", rtype);
    snprintf(p->rid, sizeof p->rid, "%s", rid);
    snprintf(p->detail, sizeof p->detail, "%s", detail ? detail : "");
    snprintf(p->outcome, sizeof p->outcome, "%s", outcome);
    return p;
}

static void free_list(struct store__pending *p)
{
    while (p) {
        struct store__pending *next = p->next;
        free(p);
        p = next;
    }
}

/* The blocking group commit of the linked entries first..last (n of them, owned by the caller):
 * returns once all are committed, or the first failure. */
static int group_commit(struct store *st, struct store__pending *first,
                        struct store__pending *last, struct kc_error *err)
{
    pthread_mutex_lock(&mu);
    struct queue *q = queue_for(st);
    if (!q) {
        pthread_mutex_unlock(&mu);
        int rc = KC_OK;
        for (struct store__pending *p = first; !rc && p; p = p->next) {
            struct store__pending *one = p;
            rc = commit_batch(st, &one, 1, err);
        }
        return rc;
    }
    for (struct store__pending *p = first; p != last; p = p->next) p->qnext = p->next;
    last->qnext = NULL;
    if (q->tail) q->tail->qnext = first;
    else q->head = first;
    q->tail = last;
    /* Entries leave the queue in order and one leader commits at a time, so when the last of
     * ours is done, all of ours are. */
    while (!last->done) {
        if (!q->leader) {
            /* Lead: take what is queued (ours included), commit it, hand back the results. */
            q->leader = 1;
            struct store__pending *batch[MAX_BATCH];
            int n = 0;
            while (q->head && n < MAX_BATCH) {
                batch[n++] = q->head;
                q->head = q->head->qnext;
            }
            if (!q->head) q->tail = NULL;
            count_batch(n);
            pthread_mutex_unlock(&mu);
            struct kc_error e = {0};
            int rc = commit_batch(st, batch, n, &e);
            pthread_mutex_lock(&mu);
            for (int i = 0; i < n; i++) {
                batch[i]->rc = rc;
                if (rc) memcpy(batch[i]->msg, e.msg, sizeof e.msg);
                batch[i]->done = 1;
            }
            q->leader = 0;
            pthread_cond_broadcast(&q->cv);
        } else {
            pthread_cond_wait(&q->cv, &mu);
        }
    }
    pthread_mutex_unlock(&mu);
    for (struct store__pending *p = first; p; p = p == last ? NULL : p->next)
        if (p->rc)
            return kc_error_set(err, p->rc, "the audit entry of this read could not be written: %s",
                                p->msg);
    return KC_OK;
}

int store__audit_read_batched(struct store *st, const struct store_actor *who, const char *action,
                              const char *rtype, const char *rid, const char *outcome,
                              const char *detail, struct kc_error *err)
{
    struct store__pending *p = pending_new(who, action, rtype, rid, outcome, detail);
    if (!p) return kc_error_set(err, KC_ENOMEM, "%s", "out of memory for the audit entry of this read");
    if (st->audit_defer) {
        if (st->deferred_tail) st->deferred_tail->next = p;
        else st->deferred = p;
        st->deferred_tail = p;
        st->n_deferred++;
        return KC_OK;
    }
    int rc = group_commit(st, p, p, err);
    free(p);
    return rc;
}

void store_audit_defer(struct store *st, int on)
{
    st->audit_defer = on != 0;
}

int store_audit_pending(const struct store *st)
{
    return st->n_deferred;
}

static struct store__pending *take_deferred(struct store *st, struct store__pending **last)
{
    struct store__pending *first = st->deferred;
    *last = st->deferred_tail;
    st->deferred = st->deferred_tail = NULL;
    st->n_deferred = 0;
    return first;
}

void store__audit_deferred_free(struct store *st)
{
    struct store__pending *last;
    free_list(take_deferred(st, &last));
}

int store_audit_flush(struct store *st, struct kc_error *err)
{
    if (!st->deferred) return KC_OK;
    struct store__pending *last, *first = take_deferred(st, &last);
    int rc = group_commit(st, first, last, err);
    free_list(first);
    return rc;
}

/* ---- the asynchronous writer ---------------------------------------------------------------- */

struct store_audit_writer {
    struct store *st;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct store__pending *head, *tail;
    int stop, sleeping, joined;
};

static void *writer_main(void *arg)
{
    struct store_audit_writer *w = arg;
    struct store__pending *batch[MAX_BATCH];
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stop) {
            w->sleeping = 1;
            pthread_cond_wait(&w->cv, &w->mu);
            w->sleeping = 0;
        }
        if (!w->head) break; /* stopping, and nothing left */
        int n = 0;
        while (w->head && n < MAX_BATCH) {
            batch[n++] = w->head;
            w->head = w->head->next;
        }
        if (!w->head) w->tail = NULL;
        pthread_mutex_unlock(&w->mu);

        pthread_mutex_lock(&mu);
        count_batch(n);
        pthread_mutex_unlock(&mu);
        struct kc_error e = {0};
        int rc = commit_batch(w->st, batch, n, &e);
        for (int i = 0; i < n; i++) {
            struct audit_group *g = batch[i]->grp;
            if (rc && !g->rc) {
                g->rc = rc;
                snprintf(g->msg, sizeof g->msg, "the audit entry of this read could not be written: %s",
                         e.msg);
            }
            free(batch[i]);
            if (--g->left == 0) { /* only this thread touches left once submitted */
                g->done(g->arg, g->rc, g->msg);
                free(g);
            }
        }
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int store_audit_writer_start(struct store *conn, struct store_audit_writer **out,
                             struct kc_error *err)
{
    struct store_audit_writer *w = calloc(1, sizeof *w);
    if (!w) return kc_error_set(err, KC_ENOMEM, "%s", "out of memory for the audit writer");
    w->st = conn;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return kc_error_set(err, KC_EIO, "%s", "cannot start the audit writer thread");
    }
    *out = w;
    return KC_OK;
}

void store_audit_submit(struct store_audit_writer *w, struct store *st, store_audit_done_fn done,
                        void *arg)
{
    if (!st->deferred) {
        done(arg, KC_OK, "");
        return;
    }
    struct audit_group *g = calloc(1, sizeof *g);
    if (!g) {
        store__audit_deferred_free(st);
        done(arg, KC_ENOMEM, "out of memory for the audit entries of this request");
        return;
    }
    g->done = done;
    g->arg = arg;
    g->left = st->n_deferred;
    struct store__pending *last, *first = take_deferred(st, &last);
    for (struct store__pending *p = first; p; p = p->next) p->grp = g;
    pthread_mutex_lock(&w->mu);
    if (w->stop) { /* no thread any more: commit here, with the other readers (group commit) */
        pthread_mutex_unlock(&w->mu);
        struct kc_error e = {0};
        int rc = group_commit(st, first, last, &e);
        free_list(first);
        free(g);
        done(arg, rc, rc ? e.msg : "");
        return;
    }
    if (w->tail) w->tail->next = first;
    else w->head = first;
    w->tail = last;
    /* Wake the writer only when it sleeps; while it commits, entries pile up for its next batch. */
    if (w->sleeping) pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void store_audit_writer_stop(struct store_audit_writer *w)
{
    if (!w || w->joined) return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->joined = 1;
}

void store_audit_writer_free(struct store_audit_writer *w)
{
    if (!w) return;
    store_audit_writer_stop(w);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}
