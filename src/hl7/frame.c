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

/* The chair of a group: the device mapping (OBX-18, else MSH-3's EUI-64), the bed mapping
 * (PV1-3), else PV1-3's bed as written; a device and a bed mapped to two chairs conflict. */
static void bind_chair(const struct hl7_config *cfg, const struct hl7_oru *o,
                       const struct hl7_patient *p, struct hl7_job *j, int g)
{
    const char *dev = hl7_config_device(cfg, p->device), *bed = hl7_config_bed(cfg, p->bed);
    if (!dev) { /* MSH-3 "VSP^080019FFFE134535^EUI-64": the universal id */
        const char *caret = strchr(o->sender, '^');
        char uid[40] = "";
        if (caret) {
            size_t n = strcspn(caret + 1, "^|");
            snprintf(uid, sizeof uid, "%.*s", (int)(n < sizeof uid ? n : sizeof uid - 1),
                     caret + 1);
        }
        dev = hl7_config_device(cfg, uid);
    }
    j->groups[g].chair_bound = dev || bed;
    if (dev && bed && strcmp(dev, bed)) {
        snprintf(j->conflict[g], sizeof j->conflict[g], "the device is bound to chair '%.40s' "
                 "but PV1-3 '%.40s' to chair '%.40s'", dev, p->bed, bed);
        j->groups[g].conflict = j->conflict[g];
    }
    const char *chair = dev ? dev : bed;
    if (!chair) { /* PV1-3 as written: its bed, else its point of care */
        const char *c1 = strrchr(p->bed, '^');
        chair = c1 && c1[1] ? c1 + 1 : p->bed;
        size_t n = strcspn(p->bed, "^");
        if (!(c1 && c1[1]) && n) {
            snprintf(j->chair[g], sizeof j->chair[g], "%.*s", (int)n, p->bed);
            chair = j->chair[g];
        }
    }
    if (chair != j->chair[g]) snprintf(j->chair[g], sizeof j->chair[g], "%s", chair);
    j->groups[g].chair = j->chair[g];
    if (p->conflict && !j->groups[g].conflict) {
        snprintf(j->conflict[g], sizeof j->conflict[g], "PID-3 carries two different "
                 "identifiers of the clinic's MRN type: %.120s", p->seen);
        j->groups[g].conflict = j->conflict[g];
    }
}

/* Reads message buf[0..len) into item it (an immediate answer, or a job to file). */
static void one(struct hl7_listener *l, const char *peer, const char *buf, size_t len,
                struct item *it)
{
    struct kc_error err = {0};
    const struct hl7_config *cfg = hl7__listener_config(l);
    it->job = NULL;
    it->ack_n = 0;
    if (hl7_parse(buf, len, &msg, &err)) {
        it->ack_n = nak(buf, len, 0, "AR", err.code == KC_ELIMIT ? 207 : 100, err.msg,
                        it->ack);
        return;
    }
    struct hl7_job *j = malloc(sizeof *j);
    char *raw = j ? malloc(len + 1) : NULL;
    if (!raw) {
        free(j);
        it->ack_n = nak(buf, len, 1, "AE", 207, "out of memory; retry", it->ack);
        return;
    }
    memset(&j->m, 0, sizeof j->m);
    memset(j->groups, 0, sizeof j->groups);
    j->rc = 0;
    j->done = 0;
    j->next = NULL;
    j->errmsg[0] = j->note[0] = '\0';
    memcpy(raw, buf, len);
    raw[len] = '\0';
    j->raw = raw;
    hl7__now(j->received_at, NULL);
    enum hl7_nak k;
    int code = 0;
    /* the sender's zone: by MSH-3 and peer address (read MSH-3 first) */
    struct hl7_str app = hl7_comp(hl7_field(&msg, 0, 3), &msg.d, 1);
    char appname[64];
    if (hl7_unescape(app, &msg.d, appname, sizeof appname, NULL, NULL)) appname[0] = '\0';
    struct hl7_read_options ro = {j->received_at, hl7_config_sender_zone(cfg, appname, peer),
                                  &cfg->clinic_zone, cfg->mrn_type, cfg->mrn_authority};
    int rc = hl7_oru_read(&msg, &ro, &j->oru, &k, &code, &err);
    if (rc && k == HL7_NAK_AR) {
        it->ack_n = nak(buf, len, 1, "AR", code, err.msg, it->ack);
        free(raw);
        free(j);
        return;
    }
    struct store_hl7_msg *m = &j->m;
    struct hl7_oru *o = &j->oru;
    m->sender = o->sender;
    m->control_id = o->control_id;
    m->received_at = j->received_at;
    m->raw = raw;
    m->pre_s = cfg->before_s;
    m->post_s = cfg->after_s;
    m->future_s = cfg->future_s;
    if (rc) { /* AE: understood, unusable as a whole: filed for review (and duplicates) */
        snprintf(j->reason, sizeof j->reason, "%s", err.msg);
        m->reject_reason = j->reason;
        m->hl7_error = code;
        it->job = j;
        return;
    }
    for (int g = 0; g < o->ngroups; g++) {
        const struct hl7_patient *p = &o->groups[g];
        for (int i = 0; i < p->n_ids; i++) j->ids[g][i] = p->ids[i];
        j->groups[g].ids = j->ids[g];
        j->groups[g].n_ids = p->n_ids;
        j->groups[g].seen = p->seen;
        j->conflict[g][0] = j->chair[g][0] = '\0';
        bind_chair(cfg, o, p, j, g);
    }
    m->groups = j->groups;
    m->ngroups = o->ngroups;
    for (size_t i = 0; i < o->nobs; i++) {
        const struct hl7_obs *x = &o->obs[i];
        struct store_hl7_reading *r = &j->rd[i];
        r->at = x->at;
        r->code = x->code;
        r->channel = x->channel;
        r->source = x->source;
        r->instance = x->instance;
        r->device = x->device;
        r->value = x->value;
        r->obx = x->obx;
        r->group = x->group;
        r->alarm = x->alarm;
        r->status = x->status;
        r->reason[0] = '\0';
    }
    m->readings = j->rd;
    m->n_readings = o->nobs;
    m->n_refused = o->nrefused;
    m->refusal = o->nrefused ? o->refused[0].reason : NULL;
    m->hl7_error = o->nrefused ? o->refused[0].hl7_error : 0;
    size_t n = 0;
    if (o->skipped)
        n += (size_t)snprintf(j->note + n, sizeof j->note - n, "%u 'no reading' value%s skipped: "
                              "%s", o->skipped, o->skipped > 1 ? "s" : "", o->skipped_note);
    if (o->time_note[0] && n < sizeof j->note)
        snprintf(j->note + n, sizeof j->note - n, "%s%s", n ? "; " : "", o->time_note);
    m->note = j->note;
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
    if (aa || j->m.reject_reason || j->m.outcome == STORE_HL7_DUPLICATE) {
        int herr = aa ? 0 : j->m.hl7_error ? j->m.hl7_error : 207;
        it->ack_n = nak(buf, len, 1, j->m.ack, herr, j->m.detail, it->ack);
        return;
    }
    /* AE: an ERR for each reading the reader refused and each one held for review */
    struct hl7_ack_err errs[HL7_MAX_REFUSED + HL7_MAX_OBS];
    size_t ne = 0;
    const struct hl7_oru *o = &j->oru;
    for (size_t i = 0; i < o->nrefused && i < HL7_MAX_REFUSED; i++)
        errs[ne++] = (struct hl7_ack_err){o->refused[i].obx, o->refused[i].field,
                                          o->refused[i].hl7_error, o->refused[i].reason};
    for (size_t i = 0; i < j->m.n_readings; i++)
        if (j->rd[i].outcome == STORE_HL7_R_REVIEW)
            errs[ne++] = (struct hl7_ack_err){j->rd[i].obx, 0, j->rd[i].hl7_error,
                                              j->rd[i].reason};
    char rfc[32], dtm[32];
    hl7__now(rfc, dtm);
    unsigned long seq = atomic_fetch_add(&ack_seq, 1) + 1;
    it->ack_n = hl7_ack_build_errs(&msg, "AE", 0, j->m.detail, errs, ne, dtm, seq, it->ack,
                                   HL7_ACK_MAX);
}

int hl7__conn_frame(struct hl7_listener *l, const char *peer, const char *frame, size_t n,
                    int oversize, struct hl7_writer *w, char **reply, size_t *reply_n)
{
    struct kc_error err = {0};
    struct hl7_range *ranges = NULL;
    struct item *items = NULL;
    size_t count = 0, out_n = 0;
    int batch = n >= 3 && (!memcmp(frame, "FHS", 3) || !memcmp(frame, "BHS", 3));
    int file = n >= 3 && !memcmp(frame, "FHS", 3);
    if (oversize) {
        struct item it;
        batch = file = 0;
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
        batch = file = 0;
        goto reply;
    }
    items = malloc(count * sizeof *items);
    if (!items) goto fail;
    struct hl7_job *first = NULL, *last = NULL;
    for (size_t i = 0; i < count; i++) {
        one(l, peer, frame + ranges[i].off, ranges[i].len, &items[i]);
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
    if (file) out_n += (size_t)snprintf(out + out_n, cap - out_n, "FHS|^~\\&|KETACLINIC|CLINIC\r");
    if (batch) out_n += (size_t)snprintf(out + out_n, cap - out_n, "BHS|^~\\&|KETACLINIC|CLINIC\r");
    for (size_t i = 0; i < count; i++) {
        memcpy(out + out_n, items[i].ack, items[i].ack_n);
        out_n += items[i].ack_n;
    }
    if (batch) out_n += (size_t)snprintf(out + out_n, cap - out_n, "BTS|%zu\r", count);
    if (file) out_n += (size_t)snprintf(out + out_n, cap - out_n, "FTS|1\r");
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
