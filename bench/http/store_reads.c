/* store_reads.c — audited patient reads per second through the store from N threads (one store
 * handle each), the path every GET of patient data takes.  Run it twice, with and without
 * KC_AUDIT_NO_BATCH=1, to see what the group commit of read audit entries buys.
 * Usage: store_reads DB_DIR THREADS SECONDS */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

static char db[512], key[512];
static atomic_long reads;
static atomic_int stop;

static void *worker(void *arg)
{
    (void)arg;
    struct store_options o = {db, key, 0};
    struct store *st;
    struct kc_error err = {0};
    if (store_open(&o, &st, &err)) {
        fprintf(stderr, "open: %s\n", err.msg);
        return NULL;
    }
    struct store_actor who = {"bench", "nurse", "bench"};
    struct store_patient p;
    while (!atomic_load(&stop)) {
        if (store_patient_get(st, &who, 1, NULL, &p, &err)) {
            fprintf(stderr, "read: %s\n", err.msg);
            break;
        }
        atomic_fetch_add(&reads, 1);
    }
    store_close(st);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: store_reads DB_DIR THREADS SECONDS\n");
        return 2;
    }
    snprintf(db, sizeof db, "%s/kc.db", argv[1]);
    snprintf(key, sizeof key, "%s/audit.key", argv[1]);
    int n = atoi(argv[2]), secs = atoi(argv[3]);
    if (n < 1 || n > 256 || secs < 1) return 2;
    struct store_options o = {db, key, 0};
    struct store *st;
    struct kc_error err = {0};
    if (store_open(&o, &st, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    struct store_actor who = {"bench", "admin", "bench"};
    struct store_patient_new pn = {"B-1", "Bench", "Mark", "1980-01-01", "female", NULL, NULL, NULL, NULL, NULL};
    int64_t id;
    store_patient_add(st, &who, &pn, &id, &err);
    store_close(st);
    pthread_t t[256];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, worker, NULL);
    struct timespec d = {secs, 0};
    nanosleep(&d, NULL);
    atomic_store(&stop, 1);
    for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("%d threads: %.0f audited reads/s (%s)\n", n, (double)atomic_load(&reads) / s,
           getenv("KC_AUDIT_NO_BATCH") ? "one commit per read" : "group commit");
    return 0;
}
