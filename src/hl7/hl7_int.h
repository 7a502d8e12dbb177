/* hl7_int.h — inside src/hl7/: the group-commit writer shared by the connection threads. */
#ifndef KC_HL7_INT_H
#define KC_HL7_INT_H

#include <pthread.h>

#include "hl7/config.h"
#include "hl7/oru.h"
#include "store/store.h"

/* One message waiting to be filed.  The connection thread fills m (pointing into this job),
 * hands it to the writer and waits until done is set. */
struct hl7_job {
    struct store_hl7_msg m;
    struct hl7_oru oru;
    struct store_hl7_group groups[HL7_MAX_GROUPS];
    const char *ids[HL7_MAX_GROUPS][HL7_MAX_PIDS];
    char chair[HL7_MAX_GROUPS][64];
    char conflict[HL7_MAX_GROUPS][200];
    struct store_hl7_reading rd[HL7_MAX_OBS];
    char note[240];
    char received_at[32];
    char reason[KC_ERROR_MSG_MAX];
    char *raw;               /* NUL-terminated copy of the message (owned) */
    int rc;                  /* 0 = m.ack/m.detail valid; else not committed */
    char errmsg[200];
    int done;
    struct hl7_job *next;
};

struct hl7_writer {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    struct hl7_job *head, *tail;
    int stop;
    struct store *st;
    struct store_actor who;
    struct store_hl7_msg *msgs; /* the batch being filed (MAX_BATCH, owned) */
    pthread_t thread;
    void (*on_stored)(void *arg, long long session_id); /* listener.h */
    void *on_stored_arg;
};

int hl7__writer_start(struct hl7_writer *w, const char *db_url, const char *audit_key,
                      const char *source, struct kc_error *err);
/* Queues jobs (a NULL-terminated chain through next) and waits until all are done. */
void hl7__writer_submit(struct hl7_writer *w, struct hl7_job *first, struct hl7_job *last);
/* Files what is queued, then stops the thread and closes the store. */
void hl7__writer_stop(struct hl7_writer *w);

struct hl7_listener;
/* The listener's configuration (read-only while it runs). */
const struct hl7_config *hl7__listener_config(const struct hl7_listener *l);
/* One MLLP frame from peer (its IPv4 address as text) in, one framed reply out (malloc'd). */
int hl7__conn_frame(struct hl7_listener *l, const char *peer, const char *frame, size_t n,
                    int oversize, struct hl7_writer *w, char **reply, size_t *reply_n);

/* Now as UTC RFC 3339 with milliseconds, and as an HL7 DTM with offset (+0000). */
void hl7__now(char rfc[32], char dtm[32]);

#endif
