/* cmd_hl7.c — `ketaclinic hl7 send`: a bedside-monitor simulator that streams ORU^R01 vitals to
 * an HL7 listener (to test a clinic's setup, and for the demo); `ketaclinic hl7 review`: the
 * messages the listener could not attach to a session. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/quantity.h"
#include "cli/store_cli.h"
#include "hl7/sim.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ketaclinic hl7 send --to HOST:PORT (--patient MRN | --chair C | both)\n"
            "              [--rate 1/s] [--count N (default: until stopped)]\n"
            "              [--scenario normal|hypertension|desaturation] [--sender NAME]\n"
            "              [--timeout 10]   one line per message: control id, values, ACK\n"
            "       ketaclinic hl7 review [--after ID]   the review queue (JSON lines)\n" STORE_CLI_USAGE);
}

/* "1/s", "5/s", "2/min", "0.5/s" -> seconds between messages; "max" -> 0. */
static int parse_rate(const char *text, double *gap_s, struct kc_error *err)
{
    if (!text) return *gap_s = 1, KC_OK;
    if (!strcmp(text, "max")) return *gap_s = 0, KC_OK;
    const char *slash = strchr(text, '/');
    char num[32];
    double v = 0;
    if (!slash || (size_t)(slash - text) >= sizeof num) goto bad;
    memcpy(num, text, (size_t)(slash - text));
    num[slash - text] = '\0';
    if (kc_parse_double(num, &v, NULL) || !(v > 0) || v > 100000) goto bad;
    if (!strcmp(slash, "/s")) *gap_s = 1 / v;
    else if (!strcmp(slash, "/min")) *gap_s = 60 / v;
    else goto bad;
    return KC_OK;
bad:
    return kc_error_set(err, KC_EINVAL, "--rate '%s': expected N/s, N/min or max (e.g. 1/s)",
                        text);
}

static int send_loop(const struct cli_opt *opts, size_t n)
{
    struct kc_error err = {0};
    const char *to = cli_get(opts, n, "to"), *patient = cli_get(opts, n, "patient");
    const char *chair = cli_get(opts, n, "chair"), *s;
    const char *sender = cli_get(opts, n, "sender");
    enum hl7_scenario sc;
    double gap = 1;
    long count = 0, timeout = 10;
    if (!to) return kc_error_set(&err, KC_EINVAL, "--to HOST:PORT is required"), cli_fail(&err);
    if (!patient && !chair)
        return kc_error_set(&err, KC_EINVAL, "give --patient MRN or --chair C (or both)"),
               cli_fail(&err);
    if (hl7_sim_scenario(cli_get(opts, n, "scenario"), &sc, &err) ||
        parse_rate(cli_get(opts, n, "rate"), &gap, &err))
        return cli_fail(&err);
    if ((s = cli_get(opts, n, "count")) && kc_parse_long(s, 1, 100000000, &count, &err))
        return kc_error_prefix(&err, "--count"), cli_fail(&err);
    if ((s = cli_get(opts, n, "timeout")) && kc_parse_long(s, 1, 3600, &timeout, &err))
        return kc_error_prefix(&err, "--timeout"), cli_fail(&err);
    if (!sender) sender = "KCSIM";
    struct hl7_client c;
    if (hl7_client_connect(&c, to, (unsigned)timeout, &err)) return cli_fail(&err);
    int failed = 0;
    char msg[4096], ctrl[64], code[4], echo[64], text[256];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long run = (unsigned long)time(NULL);
    for (long i = 0; count == 0 || i < count; i++) {
        struct hl7_sim_vitals v;
        hl7_sim_vitals(sc, (unsigned long)i, &v);
        time_t now = time(NULL);
        struct tm u;
        char dtm[32];
        gmtime_r(&now, &u);
        strftime(dtm, sizeof dtm, "%Y%m%d%H%M%S+0000", &u);
        snprintf(ctrl, sizeof ctrl, "%s-%lu-%ld", sender, run, i + 1);
        size_t len = hl7_sim_message(sender, patient, chair, ctrl, dtm, &v, msg, sizeof msg);
        if (!len) {
            kc_error_set(&err, KC_EINVAL, "--patient/--chair/--sender too long");
            failed = 1;
            break;
        }
        if (hl7_client_send(&c, msg, len, &err) || hl7_client_ack(&c, code, echo, text, &err)) {
            failed = 1;
            break;
        }
        printf("%s hr=%.0f spo2=%.0f rr=%.0f bp=%.0f/%.0f(%.0f) -> %s%s%s\n", ctrl, v.hr, v.spo2,
               v.rr, v.sbp, v.dbp, v.map, code, text[0] ? " " : "", text);
        fflush(stdout);
        if (strcmp(code, "AA") || strcmp(echo, ctrl)) failed = 1;
        if (gap > 0 && (count == 0 || i + 1 < count)) { /* keep the rate, not the gap */
            double due = (double)(i + 1) * gap;
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            double el = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
            if (due > el) {
                double w = due - el;
                struct timespec ts = {(time_t)w, (long)((w - (double)(time_t)w) * 1e9)};
                nanosleep(&ts, NULL);
            }
        }
    }
    hl7_client_close(&c);
    if (err.code) return cli_fail(&err);
    return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes there are not one. */
static int utf8_len(const unsigned char *p)
{
    int n = 0;
    if (p[0] < 0x80) n = 1;
    else if ((p[0] >> 5) == 6) n = 2;
    else if ((p[0] >> 4) == 14) n = 3;
    else if ((p[0] >> 3) == 30) n = 4;
    for (int i = 1; i < n; i++)
        if ((p[i] >> 6) != 2) return 0;
    return n;
}

/* A field the monitor sent as a JSON string: quote, backslash and control bytes escaped; a byte
 * that is not UTF-8 (a Latin-1 sender) as its code point \u00XX, so the line is always JSON and
 * nothing is dropped or replaced. */
static void put_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = utf8_len(p);
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p < 0x20 || n == 0) printf("\\u%04x", *p);
        else fwrite(p, 1, (size_t)n, stdout);
        p += n ? n : 1;
    }
    putchar('"');
}

/* One review-queue row as a JSON line. */
static int print_review(void *ctx, const struct store_hl7_review_row *r)
{
    (void)ctx;
    printf("{\"id\":%" PRId64 ",\"received_at\":", r->id);
    put_json_string(r->received_at);
    const char *name[] = {"control_id", "patient_ref", "bed_ref", "status", "reason"};
    const char *val[] = {r->control_id, r->patient_ref, r->bed_ref, r->status, r->reason};
    for (int i = 0; i < 5; i++) {
        printf(",\"%s\":", name[i]);
        put_json_string(val[i]);
    }
    printf("}\n");
    return 0;
}

int cmd_hl7(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {STORE_CLI_OPTS,         {"to", 1, 0, 0, {0}},
                             {"patient", 1, 0, 0, {0}}, {"chair", 1, 0, 0, {0}},
                             {"rate", 1, 0, 0, {0}},    {"count", 1, 0, 0, {0}},
                             {"scenario", 1, 0, 0, {0}}, {"sender", 1, 0, 0, {0}},
                             {"timeout", 1, 0, 0, {0}}, {"after", 1, 0, 0, {0}}};
    const size_t n = sizeof opts / sizeof opts[0];
    const char *pos[1];
    int npos = 0;
    if (cli_parse(argc, argv, opts, n, pos, 1, &npos, &err)) return cli_fail(&err);
    if (cli_get(opts, n, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (npos == 1 && !strcmp(pos[0], "send")) return send_loop(opts, n);
    if (npos != 1 || strcmp(pos[0], "review")) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    long after = 0;
    const char *s = cli_get(opts, n, "after");
    if (s && kc_parse_long(s, 0, 2147483647L, &after, &err))
        return kc_error_prefix(&err, "--after"), cli_fail(&err);
    struct store *st = NULL;
    struct store_actor who;
    store_cli_actor(opts, n, &who);
    if (store_cli_open(opts, n, 0, &st, &err)) return cli_fail(&err);
    int rc = store_hl7_review_list(st, &who, after, print_review, NULL, &err);
    store_close(st);
    return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
