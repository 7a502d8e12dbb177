/* frame.c — one MLLP frame in, one framed reply out: split a batch, parse and read each message,
 * hand the usable ones to the writer, then acknowledge each in order (AA only when committed).
 * A batch (FHS/BHS ... BTS/FTS) is answered with a batch of ACKs in one frame. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hl7/ack.h"
#include "hl7/hl7_int.h"
#include "hl7/mllp.h"

#define FRAME_MAX_MESSAGES 1000 /* messages in one framed batch */

struct hl7_listener;
int hl7__conn_frame(struct hl7_listener *l, const char *frame, size_t n, int oversize,
                    struct hl7_writer *w, char **reply, size_t *reply_n);

static _Thread_local struct hl7_message msg; /* large: one per connection thread */
static atomic_ulong ack_seq;                  /* our ACKs' control ids, K1, K2, ... */

struct item { /* one answer: an immediate one (ack_n > 0) or a job's */
    struct hl7_job *job;
    char ack[HL7_ACK_MAX];
    size_t ack_n;
};

static size_t nak(const char *buf, size_t len, int parsed, const char *code, int hl7_error,
                  const char *text, char *out)
{
    char rfc[32], dtm[32];
    hl7__now(rfc, dtm);
    int have = parsed || hl7_ack_header(buf, len, &msg) == 0;
    unsigned long seq = atomic_fetch_add(&ack_seq, 1) + 1;
    return hl7_ack_build(have ? &msg : NULL, code, hl7_error, text, dtm, seq, out, HL7_ACK_MAX);
}

/* Reads message buf[0..len) into item it (an immediate answer, or a job to file). */
static void one(const char *buf, size_t len, struct item *it)
{
    struct kc_error err = {0};
    it->job = NULL;
    it->ack_n = 0;
    if (hl7_parse(buf, len, &msg, &err)) {
        it->ack_n = nak(buf, len, 0, "AR", err.code == KC_ELIMIT ? 207 : 100, err.msg,
                        it->ack);
        return;
    }
    struct hl7_job *j = calloc(1, sizeof *j);
    char *raw = j ? malloc(len + 1) : NULL;
    if (!raw) {
        free(j);
        it->ack_n = nak(buf, len, 1, "AE", 207, "out of memory; retry", it->ack);
        return;
    }
    memcpy(raw, buf, len);
    raw[len] = '\0';
    j->raw = raw;
    hl7__now(j->received_at, NULL);
    enum hl7_nak k;
    int code = 0;
    int rc = hl7_oru_read(&msg, j->received_at, &j->oru, &k, &code, &err);
    if (rc && k == HL7_NAK_AR) {
        it->ack_n = nak(buf, len, 1, "AR", code, err.msg, it->ack);
        free(raw);
        free(j);
        return;
    }
    struct store_hl7_msg *m = &j->m;
    m->sender = j->oru.sender;
    m->control_id = j->oru.control_id;
    m->received_at = j->received_at;
    for (int i = 0; i < j->oru.n_patient_ids; i++) j->pids[i] = j->oru.patient_ids[i];
    m->patient_ids = j->pids;
    m->n_patient_ids = j->oru.n_patient_ids;
    m->bed = j->oru.bed;
    m->raw = raw;
    if (rc) { /* AE: understood, unusable: filed for review (and for duplicate detection) */
        snprintf(j->reason, sizeof j->reason, "%s", err.msg);
        m->reject_reason = j->reason;
        m->hl7_error = code;
    } else {
        for (size_t i = 0; i < j->oru.nobs; i++)
            j->vit[i] = (struct store_vital){j->oru.obs[i].at, j->oru.obs[i].code,
                                             j->oru.obs[i].value};
        m->vitals = j->vit;
        m->n_vitals = j->oru.nobs;
    }
    it->job = j;
}

/* The answer to a filed job, into it->ack. */
static void answer(struct item *it, const char *buf, size_t len)
{
    struct hl7_job *j = it->job;
    char text[STORE_TEXT_MAX + 64];
    if (hl7_parse(buf, len, &msg, NULL)) { /* cannot happen: it parsed before */
        it->ack_n = nak(buf, len, 0, "AE", 207, "internal error", it->ack);
        return;
    }
    if (j->rc) {
        snprintf(text, sizeof text, "not stored (%.150s); retry", j->errmsg);
        it->ack_n = nak(buf, len, 1, "AE", 207, text, it->ack);
        return;
    }
    int aa = strcmp(j->m.ack, "AA") == 0;
    int herr = aa ? 0 : j->m.hl7_error ? j->m.hl7_error : 207;
    it->ack_n = nak(buf, len, 1, j->m.ack, herr, j->m.detail, it->ack);
}

int hl7__conn_frame(struct hl7_listener *l, const char *frame, size_t n, int oversize,
                    struct hl7_writer *w, char **reply, size_t *reply_n)
{
    (void)l;
    struct kc_error err = {0};
    struct hl7_range *ranges = NULL;
    struct item *items = NULL;
    size_t count = 0, out_n = 0;
    int batch = n >= 3 && (!memcmp(frame, "FHS", 3) || !memcmp(frame, "BHS", 3));
    if (oversize) {
        struct item it;
        char text[128];
        snprintf(text, sizeof text, "message larger than the limit of %u bytes", HL7_MAX_MESSAGE);
        it.ack_n = nak(frame, n, 0, "AR", 207, text, it.ack);
        items = malloc(sizeof *items);
        if (!items) return -1;
        items[0] = it;
        count = 1;
        goto reply;
    }
    ranges = malloc(FRAME_MAX_MESSAGES * sizeof *ranges);
    if (!ranges) return -1;
    if (hl7_split_batch(frame, n, ranges, FRAME_MAX_MESSAGES, &count, &err)) {
        ranges[0] = (struct hl7_range){0, n};
        count = 1;
        items = malloc(sizeof *items);
        if (!items) goto fail;
        items[0].ack_n = nak(frame, n, 0, "AR", 100, err.msg, items[0].ack);
        items[0].job = NULL;
        batch = 0;
        goto reply;
    }
    items = malloc(count * sizeof *items);
    if (!items) goto fail;
    struct hl7_job *first = NULL, *last = NULL;
    for (size_t i = 0; i < count; i++) {
        one(frame + ranges[i].off, ranges[i].len, &items[i]);
        struct hl7_job *j = items[i].job;
        if (!j) continue;
        if (last) last->next = j;
        else first = j;
        last = j;
    }
    hl7__writer_submit(w, first, last); /* returns once every job is committed (or failed) */
    for (size_t i = 0; i < count; i++) {
        if (!items[i].job) continue;
        answer(&items[i], frame + ranges[i].off, ranges[i].len);
        free(items[i].job->raw);
        free(items[i].job);
        items[i].job = NULL;
    }
reply:;
    size_t cap = 64 + count * (HL7_ACK_MAX + 2);
    char *out = malloc(cap);
    if (!out) goto fail;
    out[out_n++] = MLLP_SB;
    if (batch) out_n += (size_t)snprintf(out + out_n, cap - out_n, "BHS|^~\\&|KETACLINIC|CLINIC\r");
    for (size_t i = 0; i < count; i++) {
        memcpy(out + out_n, items[i].ack, items[i].ack_n);
        out_n += items[i].ack_n;
    }
    if (batch) out_n += (size_t)snprintf(out + out_n, cap - out_n, "BTS|%zu\r", count);
    out[out_n++] = MLLP_EB;
    out[out_n++] = MLLP_CR;
    *reply = out;
    *reply_n = out_n;
    free(ranges);
    free(items);
    return 0;
fail:
    free(ranges);
    free(items);
    return -1;
}
