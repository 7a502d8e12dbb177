/* sim.c — the monitor simulator: scenario signals, the ORU^R01 text, and a blocking MLLP client. */
#include "hl7/sim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "hl7/parser.h"

int hl7_sim_scenario(const char *name, enum hl7_scenario *out, struct kc_error *err)
{
    if (!name || !strcmp(name, "normal")) *out = HL7_SIM_NORMAL;
    else if (!strcmp(name, "hypertension")) *out = HL7_SIM_HYPERTENSION;
    else if (!strcmp(name, "desaturation")) *out = HL7_SIM_DESATURATION;
    else return kc_error_set(err, KC_EINVAL, "--scenario '%s': use normal, hypertension or "
                             "desaturation", name);
    return KC_OK;
}

/* Uniform in [-1, 1) from (i, k): splitmix64, so a reading never depends on the ones before. */
static double noise(unsigned long i, unsigned k)
{
    uint64_t z = (uint64_t)i * 0x9e3779b97f4a7c15ull + k * 0xbf58476d1ce4e5b9ull + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) / 4503599627370496.0 - 1.0;
}

void hl7_sim_vitals(enum hl7_scenario sc, unsigned long i, struct hl7_sim_vitals *v)
{
    double ramp = i >= 60 ? 1.0 : (double)i / 60.0;
    v->hr = round(72 + 4 * noise(i, 1));
    v->sbp = round(122 + 5 * noise(i, 2));
    v->dbp = round(78 + 4 * noise(i, 3));
    v->spo2 = round(98 + noise(i, 4));
    v->rr = round(14 + 2 * noise(i, 5));
    if (v->spo2 > 100) v->spo2 = 100;
    if (sc == HL7_SIM_HYPERTENSION) {
        v->sbp += round(63 * ramp);
        v->dbp += round(32 * ramp);
        v->hr += round(12 * ramp);
    } else if (sc == HL7_SIM_DESATURATION) {
        v->spo2 -= round(12 * ramp);
        v->rr -= round(6 * ramp);
    }
    v->map = round((v->sbp + 2 * v->dbp) / 3);
}

size_t hl7_sim_message(const char *sender, const char *patient, const char *chair,
                       const char *control_id, const char *dtm, const struct hl7_sim_vitals *v,
                       char *out, size_t cap)
{
    static const struct hl7_delims d = {'|', '^', '~', '\\', '&', 0};
    char s[200], p[200], c[200], id[200];
    if (hl7_escape(sender, &d, s, sizeof s, NULL, NULL) ||
        hl7_escape(patient ? patient : "", &d, p, sizeof p, NULL, NULL) ||
        hl7_escape(chair ? chair : "", &d, c, sizeof c, NULL, NULL) ||
        hl7_escape(control_id, &d, id, sizeof id, NULL, NULL))
        return 0;
    int n = snprintf(
        out, cap,
        "MSH|^~\\&|%s|KETACLINIC-SIM|||%s||ORU^R01^ORU_R01|%s|P|2.6|||NE|AL||UNICODE UTF-8\r"
        "PID|||%s^^^CLINIC^MR\r"
        "PV1||O|^^%s\r"
        "OBR|1|%s^%s||182777000^monitoring of patient^SCT|||%s\r"
        "OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.1|%.0f|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R"
        "|||%s\r"
        "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1|%.0f|262688^MDC_DIM_PERCENT^MDC|||||R"
        "|||%s\r"
        "OBX|3|NM|151562^MDC_RESP_RATE^MDC|1.3.1.1|%.0f|264928^MDC_DIM_RESP_PER_MIN^MDC|||||R"
        "|||%s\r"
        "OBX|4|NM|8480-6^Systolic blood pressure^LN|1.4.1.1|%.0f|mm[Hg]^mmHg^UCUM|||||R|||%s\r"
        "OBX|5|NM|8462-4^Diastolic blood pressure^LN|1.4.1.2|%.0f|mm[Hg]^mmHg^UCUM|||||R|||%s\r"
        "OBX|6|NM|8478-0^Mean blood pressure^LN|1.4.1.3|%.0f|mm[Hg]^mmHg^UCUM|||||R|||%s\r",
        s, dtm, id, p, c, id, s, dtm, v->hr, dtm, v->spo2, dtm, v->rr, dtm, v->sbp, dtm, v->dbp,
        dtm, v->map, dtm);
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

int hl7_client_connect(struct hl7_client *c, const char *hostport, unsigned timeout_s,
                       struct kc_error *err)
{
    char host[64];
    const char *colon = hostport ? strrchr(hostport, ':') : NULL;
    memset(c, 0, sizeof *c);
    c->fd = -1;
    if (!colon || (size_t)(colon - hostport) >= sizeof host)
        return kc_error_set(err, KC_EINVAL, "--to '%s': expected HOST:PORT, e.g. 127.0.0.1:2575",
                            hostport ? hostport : "");
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (!colon[1] || *end || port < 1 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return kc_error_set(err, KC_EINVAL, "--to '%s': expected an IPv4 HOST:PORT", hostport);
    int rc = mllp_init(&c->r, 1u << 20, err);
    if (rc) return rc;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = {(time_t)timeout_s, 0};
    int one = 1;
    if (c->fd < 0 || setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) ||
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) ||
        connect(c->fd, (struct sockaddr *)&sa, sizeof sa)) {
        rc = kc_error_set(err, KC_EIO, "cannot connect to %s: %s", hostport, strerror(errno));
        hl7_client_close(c);
        return rc;
    }
    return KC_OK;
}

int hl7_client_send(struct hl7_client *c, const char *msg, size_t n, struct kc_error *err)
{
    char sb = MLLP_SB, tail[2] = {MLLP_EB, MLLP_CR};
    const char *parts[3] = {&sb, msg, tail};
    size_t lens[3] = {1, n, 2};
    for (int i = 0; i < 3; i++) {
        const char *p = parts[i];
        size_t left = lens[i];
        while (left) {
            ssize_t k = send(c->fd, p, left, MSG_NOSIGNAL | (i < 2 ? MSG_MORE : 0));
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) return kc_error_set(err, KC_EIO, "send: %s", strerror(errno));
            p += k;
            left -= (size_t)k;
        }
    }
    return KC_OK;
}

int hl7_client_ack(struct hl7_client *c, char code[4], char ctrl[64], char text[256],
                   struct kc_error *err)
{
    static _Thread_local struct hl7_message m;
    for (;;) {
        const char *f;
        size_t fn;
        enum mllp_event ev = mllp_next(&c->r, &f, &fn);
        if (ev == MLLP_FRAME) {
            int s = -1;
            if (hl7_parse(f, fn, &m, err) == 0) s = hl7_find(&m, "MSA", 0);
            if (s < 0) return kc_error_set(err, KC_EINVAL, "the reply has no MSA segment");
            if (hl7_unescape(hl7_field(&m, (size_t)s, 1), &m.d, code, 4, NULL, NULL)) code[0] = 0;
            if (hl7_unescape(hl7_field(&m, (size_t)s, 2), &m.d, ctrl, 64, NULL, NULL)) ctrl[0] = 0;
            if (hl7_unescape(hl7_field(&m, (size_t)s, 3), &m.d, text, 256, NULL, NULL)) text[0] = 0;
            return KC_OK;
        }
        if (ev == MLLP_OVERSIZE) return kc_error_set(err, KC_ELIMIT, "reply too large");
        char *at;
        size_t room = mllp_room(&c->r, &at);
        ssize_t k = recv(c->fd, at, room, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0)
            return kc_error_set(err, KC_EIO, "no acknowledgement: %s", k == 0 ?
                                "the listener closed the connection" : strerror(errno));
        mllp_wrote(&c->r, (size_t)k);
    }
}

void hl7_client_close(struct hl7_client *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    mllp_free(&c->r);
}
