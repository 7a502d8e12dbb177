/* audit_batch.c — group commit of the audit entries of reads.  Every read of patient data must be
 * in the audit log, durably, before its data is returned; one commit (one fsync) per read caps a
 * busy clinic at a few thousand reads per second.  Instead, readers that finish at the same time
 * queue their entries; the first becomes the leader and appends the whole queue in ONE
 * transaction on its own connection, then wakes the others.  Each reader still returns only after
 * its own entry is committed, the hash chain stays in order, and a failed batch fails every read
 * in it (no data without its audit entry).  One queue per database per process. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

struct pending {
    char user[64], role[32], source[64], action[16], rtype[32], rid[64], detail[STORE_TEXT_MAX];
    char outcome[8];
    int done, rc;
    char msg[KC_ERROR_MSG_MAX];
    struct pending *next;
};

#define MAX_QUEUES 8
#define MAX_BATCH 256
static struct queue {
    char key[1024];
    struct pending *head, *tail;
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

/* Appends entries [batch, n) in one transaction on st; returns the status for all of them. */
static int commit_batch(struct store *st, struct pending **batch, int n, struct kc_error *err)
{
    int rc = store__begin(st, err);
    for (int i = 0; !rc && i < n; i++) {
        struct pending *p = batch[i];
        struct store_actor who = {p->user, p->role, p->source};
        rc = store__audit_append(st, &who, p->action, p->rtype, p->rid, p->outcome, p->detail, err);
    }
    if (!rc) rc = store__commit(st, err);
    if (rc) store__rollback(st);
    return rc;
}

int store__audit_read_batched(struct store *st, const struct store_actor *who, const char *action,
                              const char *rtype, const char *rid, const char *outcome,
                              const char *detail, struct kc_error *err)
{
    struct pending me;
    memset(&me, 0, sizeof me);
    snprintf(me.user, sizeof me.user, "%s", who->user);
    snprintf(me.role, sizeof me.role, "%s", who->role);
    snprintf(me.source, sizeof me.source, "%s", who->source && *who->source ? who->source : "unknown");
    snprintf(me.action, sizeof me.action, "%s", action);
    snprintf(me.rtype, sizeof me.rtype, "%s", rtype);
    snprintf(me.rid, sizeof me.rid, "%s", rid);
    snprintf(me.detail, sizeof me.detail, "%s", detail ? detail : "");
    snprintf(me.outcome, sizeof me.outcome, "%s", outcome);

    pthread_mutex_lock(&mu);
    struct queue *q = queue_for(st);
    if (!q) {
        pthread_mutex_unlock(&mu);
        struct pending *one = &me;
        return commit_batch(st, &one, 1, err);
    }
    if (q->tail) q->tail->next = &me;
    else q->head = &me;
    q->tail = &me;
    while (!me.done) {
        if (!q->leader) {
            /* Lead: take what is queued (ours included), commit it, hand back the results. */
            q->leader = 1;
            struct pending *batch[MAX_BATCH];
            int n = 0;
            while (q->head && n < MAX_BATCH) {
                batch[n++] = q->head;
                q->head = q->head->next;
            }
            if (!q->head) q->tail = NULL;
            if (n_batches++ == 0 && getenv("KC_AUDIT_STATS")) atexit(print_stats);
            n_entries += n;
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
    if (me.rc) return kc_error_set(err, me.rc, "the audit entry of this read could not be written: %s", me.msg);
    return KC_OK;
}
