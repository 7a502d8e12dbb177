/* writer.c — the group-commit writer: one thread with its own store connection takes every
 * message the connection threads have queued and files them in one transaction, so one fsync
 * serves many monitors.  If a batch fails, its messages are retried one by one so that one bad
 * message cannot hold back the others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hl7/hl7_int.h"

#define MAX_BATCH 512

void hl7__now(char rfc[32], char dtm[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm u;
    gmtime_r(&ts.tv_sec, &u);
    if (rfc) {
        strftime(rfc, 32, "%Y-%m-%dT%H:%M:%S", &u);
        snprintf(rfc + 19, 13, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
    }
    if (dtm) strftime(dtm, 32, "%Y%m%d%H%M%S+0000", &u);
}

static void file_batch(struct hl7_writer *w, struct hl7_job **jobs, size_t n)
{
    struct store_hl7_msg *msgs = w->msgs; /* only this thread uses it */
    struct kc_error err = {0};
    for (size_t i = 0; i < n; i++) msgs[i] = jobs[i]->m;
    int rc = store_hl7_ingest(w->st, &w->who, msgs, n, &err);
    if (rc && n > 1) {
        for (size_t i = 0; i < n; i++) file_batch(w, &jobs[i], 1);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i]->rc = rc;
        if (rc) snprintf(jobs[i]->errmsg, sizeof jobs[i]->errmsg, "%.199s", err.msg);
        else jobs[i]->m = msgs[i];
    }
}

static void *run(void *arg)
{
    struct hl7_writer *w = arg;
    struct hl7_job *batch[MAX_BATCH];
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stop) pthread_cond_wait(&w->work, &w->mu);
        if (!w->head && w->stop) break;
        size_t n = 0;
        while (w->head && n < MAX_BATCH) {
            batch[n++] = w->head;
            w->head = w->head->next;
        }
        if (!w->head) w->tail = NULL;
        pthread_mutex_unlock(&w->mu);
        file_batch(w, batch, n);
        if (w->on_stored) /* committed: tell the live screens (before the ACKs go out) */
            for (size_t i = 0; i < n; i++)
                if (!batch[i]->rc && batch[i]->m.session_id &&
                    (batch[i]->m.outcome == STORE_HL7_STORED ||
                     batch[i]->m.outcome == STORE_HL7_PARTIAL))
                    w->on_stored(w->on_stored_arg, (long long)batch[i]->m.session_id);
        pthread_mutex_lock(&w->mu);
        for (size_t i = 0; i < n; i++) batch[i]->done = 1;
        pthread_cond_broadcast(&w->done);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int hl7__writer_start(struct hl7_writer *w, const char *db_url, const char *audit_key,
                      const char *source, struct kc_error *err)
{
    memset(w, 0, sizeof *w);
    struct store_options so = {db_url, audit_key, 0};
    w->msgs = malloc(MAX_BATCH * sizeof *w->msgs);
    if (!w->msgs) return kc_error_set(err, KC_ENOMEM, "out of memory");
    int rc = store_open(&so, &w->st, err);
    if (rc) {
        free(w->msgs);
        return rc;
    }
    w->who = (struct store_actor){"hl7", "device", source};
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->done, NULL);
    if (pthread_create(&w->thread, NULL, run, w)) {
        store_close(w->st);
        free(w->msgs);
        return kc_error_set(err, KC_EIO, "cannot start the HL7 writer thread");
    }
    return KC_OK;
}

void hl7__writer_submit(struct hl7_writer *w, struct hl7_job *first, struct hl7_job *last)
{
    if (!first) return;
    pthread_mutex_lock(&w->mu);
    if (w->tail) w->tail->next = first;
    else w->head = first;
    w->tail = last;
    last->next = NULL;
    pthread_cond_signal(&w->work);
    for (;;) {
        int all = 1;
        for (struct hl7_job *j = first; j; j = j == last ? NULL : j->next)
            if (!j->done) all = 0;
        if (all) break;
        pthread_cond_wait(&w->done, &w->mu);
    }
    pthread_mutex_unlock(&w->mu);
}

void hl7__writer_stop(struct hl7_writer *w)
{
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    store_close(w->st);
    free(w->msgs);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
}
