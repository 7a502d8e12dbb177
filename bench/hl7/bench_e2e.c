/* bench_e2e.c — end-to-end HL7 ingest over loopback: `setup DB KEY N` makes N patients with a
 * session in progress each; `run HOST:PORT N SECONDS` runs N simulated monitors (a connection and
 * thread each) that send ORU^R01s (6 readings) back to back, each waiting for its ACK, and prints
 * ACKed messages and observations per second; `verify DB KEY` counts what was stored. */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hl7/sim.h"
#include "store/store.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const struct store_actor who = {"bench", "admin", "bench"};

static int setup(const char *db, const char *key, int n)
{
    struct kc_error err = {0};
    struct store *st = NULL;
    struct store_options o = {db, key, 0};
    if (store_open(&o, &st, &err)) goto fail;
    for (int k = 0; k < n; k++) {
        char mrn[32], chair[32];
        snprintf(mrn, sizeof mrn, "E2E-%d", k);
        snprintf(chair, sizeof chair, "chair-%d", k);
        struct store_patient_new p = {.mrn = mrn, .family_name = "Bench", .birth_date = "1980-01-01",
                                      .sex = "unknown"};
        int64_t pid, sid;
        if (store_patient_add(st, &who, &p, &pid, &err) ||
            store_session_plan(st, &who, pid, "2026-11-23T08:00:00Z", chair, "bench", &sid, &err) ||
            store_session_set_status(st, &who, sid, STORE_SESSION_STARTED, "2026-11-23T08:00:00Z",
                                     &err))
            goto fail;
    }
    store_close(st);
    return 0;
fail:
    fprintf(stderr, "setup: %s\n", err.msg);
    store_close(st);
    return 1;
}

struct mon {
    const char *to;
    int k;
    double until;
    long acked, failed;
    pthread_t t;
};
static atomic_int start_flag;

static void *monitor(void *arg)
{
    struct mon *m = arg;
    struct kc_error err = {0};
    struct hl7_client c;
    if (hl7_client_connect(&c, m->to, 30, &err)) {
        fprintf(stderr, "monitor %d: %s\n", m->k, err.msg);
        m->failed++;
        return NULL;
    }
    while (!atomic_load(&start_flag)) ;
    char pat[32], chair[32], ctrl[48], msg[4096], code[4], echo[64], text[256];
    snprintf(pat, sizeof pat, "E2E-%d", m->k);
    snprintf(chair, sizeof chair, "chair-%d", m->k);
    for (unsigned long i = 0; now_s() < m->until; i++) {
        struct hl7_sim_vitals v;
        hl7_sim_vitals(HL7_SIM_NORMAL, i, &v);
        snprintf(ctrl, sizeof ctrl, "E2E-%d-%lu", m->k, i);
        size_t n = hl7_sim_message("BENCH", pat, chair, ctrl, "20261123100000+0000", &v, msg,
                                   sizeof msg);
        if (hl7_client_send(&c, msg, n, &err) || hl7_client_ack(&c, code, echo, text, &err)) {
            fprintf(stderr, "monitor %d: %s\n", m->k, err.msg);
            m->failed++;
            break;
        }
        if (strcmp(code, "AA") == 0 && strcmp(echo, ctrl) == 0) m->acked++;
        else m->failed++;
    }
    hl7_client_close(&c);
    return NULL;
}

static int run(const char *to, int n, double secs)
{
    struct mon *m = calloc((size_t)n, sizeof *m);
    if (!m) return 1;
    double t0 = now_s();
    for (int k = 0; k < n; k++) {
        m[k] = (struct mon){.to = to, .k = k, .until = t0 + 1 + secs};
        pthread_create(&m[k].t, NULL, monitor, &m[k]);
    }
    while (now_s() < t0 + 1) ; /* all connected */
    double ts = now_s();
    atomic_store(&start_flag, 1);
    long acked = 0, failed = 0;
    for (int k = 0; k < n; k++) {
        m[k].until = ts + secs;
        pthread_join(m[k].t, NULL);
        acked += m[k].acked;
        failed += m[k].failed;
    }
    double dt = now_s() - ts;
    printf("ketaclinic HL7 end to end: %d connections, %.1f s: %ld messages ACKed AA (%ld not), "
           "%.0f messages/s, %.0f observations/s ACKed\n", n, dt, acked, failed,
           (double)acked / dt, 6.0 * (double)acked / dt);
    free(m);
    return failed ? 1 : 0;
}

static int verify(const char *db, const char *key)
{
    struct kc_error err = {0};
    struct store *st = NULL;
    struct store_options o = {db, key, 0};
    int64_t total = 0;
    if (store_open(&o, &st, &err)) goto fail;
    for (int64_t sid = 1;; sid++) {
        int64_t c = 0;
        struct store_session s;
        if (store_session_get(st, &who, sid, &s, &err)) break;
        if (store_vitals_count(st, &who, sid, &c, &err)) goto fail;
        total += c;
    }
    printf("stored observations after shutdown: %" PRId64 "\n", total);
    store_close(st);
    return 0;
fail:
    fprintf(stderr, "verify: %s\n", err.msg);
    store_close(st);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "setup")) return setup(argv[2], argv[3], atoi(argv[4]));
    if (argc == 5 && !strcmp(argv[1], "run")) return run(argv[2], atoi(argv[3]), atof(argv[4]));
    if (argc == 4 && !strcmp(argv[1], "verify")) return verify(argv[2], argv[3]);
    fprintf(stderr, "usage: bench_e2e setup DB KEY N | run HOST:PORT N SECONDS | verify DB KEY\n");
    return 2;
}
