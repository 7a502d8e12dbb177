/* bench_parse.c — HL7 v2 parse throughput of src/hl7 on the benchmark's message set: parse only
 * (segments), parse + the fields the npm benchmark reads (as slices), and parse + ORU read (every field the listener uses: MSH, PID-3, PV1-3, each OBX
 * code, value, unit and time, units converted, plausibility checked).  Prints MB/s and messages/s;
 * with an argument, writes the message set there (one message per line, \r kept) for
 * bench_parse.mjs. */
#include <time.h>

#include "hl7/oru.h"
#include "messages.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct hl7_message msg;
static struct hl7_oru oru;

int main(int argc, char **argv)
{
    static char *msgs[BENCH_NMSG];
    static size_t lens[BENCH_NMSG];
    size_t total = bench_messages(msgs, lens);
    if (argc > 1) {
        FILE *f = fopen(argv[1], "wb");
        if (!f) return 1;
        for (int i = 0; i < BENCH_NMSG; i++) fprintf(f, "%s\n", msgs[i]);
        fclose(f);
    }
    for (int mode = 0; mode < 3; mode++) {
        double best = 0;
        long nobs = 0;
        for (int rep = 0; rep < 5; rep++) {
            int rounds = 200;
            double t0 = now_s();
            nobs = 0;
            for (int r = 0; r < rounds; r++)
                for (int i = 0; i < BENCH_NMSG; i++) {
                    if (hl7_parse(msgs[i], lens[i], &msg, NULL)) return 2;
                    if (mode == 1) { /* the fields bench_parse.mjs reads, as slices */
                        size_t k = hl7_field(&msg, 0, 10).n;
                        int s = hl7_find(&msg, "PID", 1);
                        if (s > 0) k += hl7_get(&msg, (size_t)s, 3, 1).n;
                        if ((s = hl7_find(&msg, "PV1", 1)) > 0) k += hl7_get(&msg, (size_t)s, 3, 3).n;
                        struct hl7_str f[7];
                        for (s = hl7_find(&msg, "OBX", 1); s > 0; s = hl7_find(&msg, "OBX", (size_t)s + 1)) {
                            hl7_fields(&msg, (size_t)s, f, 7);
                            k += hl7_comp(f[3], &msg.d, 1).n + f[5].n + hl7_comp(f[6], &msg.d, 1).n;
                        }
                        nobs += (long)k;
                    }
                    if (mode == 2) {
                        enum hl7_nak nak;
                        static struct hl7_zone utc;
                        if (!utc.set) hl7_zone_load("UTC", &utc, NULL);
                        struct hl7_read_options ro = {"2026-11-23T10:00:00.000Z", NULL, &utc, NULL,
                                                      NULL};
                        if (hl7_oru_read(&msg, &ro, &oru, &nak, NULL, NULL))
                            return 3;
                        nobs += (long)oru.nobs;
                    }
                }
            double dt = now_s() - t0, mps = rounds * (double)BENCH_NMSG / dt;
            if (mps > best) best = mps;
        }
        double avg = (double)total / BENCH_NMSG;
        static const char *name[3] = {"parse (segments)", "parse + same fields", "parse + ORU read"};
        printf("ketaclinic %-22s %10.0f messages/s %8.1f MB/s  (%d messages, %.0f bytes avg%s)\n",
               name[mode], best, best * avg / 1e6, BENCH_NMSG, avg,
               mode == 2 ? "; units, times, plausibility" : "");
        if (mode > 0 && nobs == 0) return 4;
    }
    for (int i = 0; i < BENCH_NMSG; i++) free(msgs[i]);
    return 0;
}
