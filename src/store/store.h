/* store.h — the clinic's records: one C interface over two back ends, SQLite (the embedded
 * default, WAL, foreign keys on) and PostgreSQL (libpq).  Plain C structs go in and out; SQL and
 * the schema stay inside src/store/.  Every patient-data read or write appends an entry to the
 * hash-chained audit log inside the same transaction; every milligram of a controlled substance
 * goes through the ledger (rules in src/clinic/ledger.c).
 *
 * Threads: a struct store is one database connection and is NOT thread-safe.  Open one handle
 * per thread (or per worker of a thread pool); SQLite in WAL mode and PostgreSQL both serve many
 * connections, and the audit and ledger chains serialise their appends inside the database
 * (a chain-head row updated first in each transaction), so handles on several threads or
 * processes can write at once.
 *
 * Errors: every function returns 0 or a negative KC_E... code and fills err:
 *   KC_EINVAL     a value the schema refuses (message names the table.field), unknown reference
 *   KC_ECONFLICT  a duplicate (e.g. patients.mrn), a database newer than this binary
 *   KC_ENOTFOUND  no record with that id
 *   KC_EDENIED    an attempt to change the append-only audit log or ledger
 *   KC_ERANGE     a ledger movement that would take a balance below zero
 *   KC_EIO        the database cannot be reached or written (disk full, read-only, locked)
 * A failed call changes nothing (its transaction is rolled back) and leaves outputs untouched;
 * the failure itself is recorded in the audit log with outcome "failure" where possible. */
#ifndef KC_STORE_H
#define KC_STORE_H

#include <stddef.h>
#include <jansson.h>
#include <stdint.h>

#include "base/error.h"
#include "clinic/ledger.h"

#define STORE_DEFAULT_SQLITE "var/ketaclinic.db"
#define STORE_TEXT_MAX 256 /* longest free-text field accepted (names, notes are shorter) */

struct store; /* opaque: one connection */

struct store_options {
    /* "postgres://..." or "postgresql://..." for PostgreSQL; "sqlite:PATH", "file:PATH?..."
     * (SQLite URI, e.g. ?mode=ro) or a plain PATH for SQLite.  NULL: $KC_DB, else
     * STORE_DEFAULT_SQLITE (its directory is created, mode 0700). */
    const char *url;
    /* File holding the 32-byte audit key (mode 0600, created on first use).  NULL: $KC_AUDIT_KEY,
     * else audit.key in the SQLite file's directory, else var/audit.key. */
    const char *audit_key_path;
    int no_migrate; /* 1: do not apply pending migrations on open (for `db status`) */
};

/* Opens (and unless no_migrate, migrates) the database.  *out is set only on success; close it
 * with store_close.  A schema newer than this binary knows is refused (KC_ECONFLICT). */
int store_open(const struct store_options *opt, struct store **out, struct kc_error *err);
void store_close(struct store *st); /* NULL is fine */

const char *store_backend(const struct store *st); /* "sqlite" or "postgres" */

/* Schema version of the open database and the newest this binary knows. */
int store_schema_version(struct store *st, int *current, int *known, struct kc_error *err);
/* Applies every pending migration in one transaction: all or nothing.  *applied = count. */
int store_migrate(struct store *st, int *applied, struct kc_error *err);

/* Who is acting, for the audit log.  All borrowed; user and role required. */
struct store_actor {
    const char *user;   /* users.name, or a service name such as "cli" */
    const char *role;   /* e.g. "nurse", "prescriber", "admin", "operator" */
    const char *source; /* where from: "cli", an IP address, "hl7:bed4"; NULL = "unknown" */
};

/* ---- users -------------------------------------------------------------------------------- */
struct store_user {
    int64_t id;
    char name[64]; /* login name, unique */
    char role[32];
    char display_name[128];
    int active;
};
/* Adds a user; password (NULL = cannot log in) is stored as an argon2id hash (libsodium). */
int store_user_add(struct store *st, const struct store_actor *who, const char *name,
                   const char *role, const char *display_name, const char *password,
                   int64_t *id, struct kc_error *err);
int store_user_get(struct store *st, const struct store_actor *who, const char *name,
                   struct store_user *out, struct kc_error *err);
/* 0 when the password matches an active user; KC_EDENIED otherwise (no hint which part failed).
 * The attempt is audited ("login", outcome success/failure). */
int store_user_check_password(struct store *st, const char *name, const char *password,
                              const char *source, struct kc_error *err);

/* ---- patients ------------------------------------------------------------------------------ */
struct store_patient_new { /* all borrowed; NULL = not given */
    const char *mrn;       /* required, unique */
    const char *family_name, *given_name; /* family required */
    const char *birth_date; /* YYYY-MM-DD, required */
    const char *sex;        /* "female" | "male" | "other" | "unknown" (FHIR gender) */
    const char *phone, *email, *address;
    const char *emergency_name, *emergency_phone;
};
struct store_patient {
    int64_t id;
    char mrn[32], family_name[64], given_name[64], birth_date[11], sex[8];
    char phone[32], email[96], address[160], emergency_name[96], emergency_phone[32];
    char created_at[32];
};
int store_patient_add(struct store *st, const struct store_actor *who,
                      const struct store_patient_new *p, int64_t *id, struct kc_error *err);
/* By id (mrn NULL) or by mrn (id 0). */
int store_patient_get(struct store *st, const struct store_actor *who, int64_t id,
                      const char *mrn, struct store_patient *out, struct kc_error *err);
/* Weight/height history: one measurement at a time (UTC RFC 3339). height_cm 0 = not measured. */
int store_patient_weight_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                             const char *at, double weight_kg, double height_cm,
                             struct kc_error *err);
/* The latest weight; KC_ENOTFOUND when none was recorded. */
int store_patient_weight_latest(struct store *st, const struct store_actor *who,
                                int64_t patient_id, double *weight_kg, struct kc_error *err);

/* ---- sessions, doses, vitals, scales ------------------------------------------------------- */
enum store_session_status { STORE_SESSION_PLANNED, STORE_SESSION_STARTED, STORE_SESSION_ENDED,
                            STORE_SESSION_CANCELLED };
struct store_session {
    int64_t id, patient_id;
    enum store_session_status status;
    char chair[32], staff[64], planned_at[32], started_at[32], ended_at[32];
};
int store_session_plan(struct store *st, const struct store_actor *who, int64_t patient_id,
                       const char *planned_at, const char *chair, const char *staff,
                       int64_t *id, struct kc_error *err);
/* planned → started → ended; planned|started → cancelled.  Other moves are KC_ECONFLICT. */
int store_session_set_status(struct store *st, const struct store_actor *who, int64_t session_id,
                             enum store_session_status to, const char *at, struct kc_error *err);
int store_session_get(struct store *st, const struct store_actor *who, int64_t session_id,
                      struct store_session *out, struct kc_error *err);

/* One administration.  The amount is integer micrograms of the salt or base named by form. */
struct store_dose_new {
    int64_t session_id;
    const char *drug;           /* "ketamine" | "esketamine" */
    const char *form;           /* "salt" | "base": what dose_ug counts */
    const char *route;          /* "iv" | "im" | "intranasal" | "oral" | "sc" */
    const char *lot;            /* ledger lot the drug came from (required) */
    const char *location;       /* storage location it was drawn from (required) */
    int64_t dose_ug;            /* > 0 */
    int64_t conc_ug_per_ml;     /* > 0 */
    int64_t volume_ul;          /* > 0 */
    const char *started_at, *ended_at; /* ended_at NULL for a bolus */
    const char *given_by;       /* users.name */
};
/* Records the dose AND its ledger administration entry in one transaction: both or neither.
 * KC_ERANGE (nothing written) when the lot at that location holds less than dose_ug.
 * KC_ECONFLICT when the same administration (session, drug, lot, dose_ug, started_at) is already
 * charted: two people charting one dose at once get one dose and one ledger entry. */
int store_dose_record(struct store *st, const struct store_actor *who,
                      const struct store_dose_new *d, int64_t *dose_id, int64_t *ledger_seq,
                      struct kc_error *err);
/* A rate change of an infusion at a time (rate in µg/kg/min). */
int store_dose_rate_change(struct store *st, const struct store_actor *who, int64_t dose_id,
                           const char *at, double rate_ug_per_kg_per_min, struct kc_error *err);

struct store_vital {
    const char *at;   /* UTC RFC 3339 */
    const char *code; /* "hr" "spo2" "sbp" "dbp" "map" "rr" "temp" "etco2" */
    double value;     /* in the code's unit: /min, %, mm[Hg], Cel */
};
/* Inserts n observations (at most STORE_VITALS_MAX) of one session in one transaction (one audit
 * entry for the batch).  Durable on return (SQLite synchronous=FULL in WAL; PostgreSQL commit).
 * A bad observation is named by its number (1-based), or its block of 64, and nothing is kept. */
#define STORE_VITALS_MAX 100000
int store_vitals_add(struct store *st, const struct store_actor *who, int64_t session_id,
                     const struct store_vital *v, size_t n, struct kc_error *err);
/* Number of observations of a session (audited as a read). */
int store_vitals_count(struct store *st, const struct store_actor *who, int64_t session_id,
                       int64_t *count, struct kc_error *err);

/* A rating-scale result: the answers and the total computed by src/clinic (not by SQL). */
int store_scale_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                    int64_t session_id /* 0 = none */, const char *scale, const char *at,
                    const int *answers, size_t n_answers, int total, int64_t *id,
                    struct kc_error *err);

/* ---- audit log ----------------------------------------------------------------------------- */
struct store_audit_entry {
    int64_t seq;
    char at[32], user[64], role[32], action[16], resource_type[32], resource_id[64];
    char source[64], outcome[8], detail[STORE_TEXT_MAX];
};
/* Appends one entry in its own transaction (for events outside a record change: logins,
 * exports).  action: "create" "read" "update" "delete" "execute" "login" "export". */
int store_audit(struct store *st, const struct store_actor *who, const char *action,
                const char *resource_type, const char *resource_id, const char *outcome,
                const char *detail, struct kc_error *err);
/* Calls fn for entries with seq > after_seq, oldest first, at most limit (0 = all). */
int store_audit_list(struct store *st, int64_t after_seq, int64_t limit,
                     int (*fn)(void *ctx, const struct store_audit_entry *e), void *ctx,
                     struct kc_error *err);

/* ---- deferred read audit --------------------------------------------------------------------
 * Every read of patient data is audited, durably, before its data leaves the process.  A plain
 * caller gets that inside each read call (the entry is group-committed with other reads finishing
 * at the same time).  A server that can hold a response instead turns deferral on for a
 * connection: each read then only queues its entry on st, and the server commits the queue with
 * store_audit_flush (blocking) or hands it to an audit writer thread with store_audit_submit and
 * sends the response from the done callback, so no worker thread waits for the disk. */
void store_audit_defer(struct store *st, int on);
/* Entries queued on st and not yet flushed or submitted. */
int store_audit_pending(const struct store *st);
/* Commits st's queued entries (group commit); returns once they are durable.  On failure the
 * data read must not be released. */
int store_audit_flush(struct store *st, struct kc_error *err);

/* A thread that appends submitted entries in batches, one transaction per batch, on its own
 * connection conn (borrowed until store_audit_writer_free; opened on the same database). */
struct store_audit_writer;
int store_audit_writer_start(struct store *conn, struct store_audit_writer **out,
                             struct kc_error *err);
/* Called on the writer thread once all entries of one submission are committed (rc 0) or have
 * failed (rc and a message): only then may the data they audit be released. */
typedef void (*store_audit_done_fn)(void *arg, int rc, const char *msg);
/* Moves st's queued entries to the writer; done(arg, ...) is called exactly once, on the writer
 * thread, or before this returns when nothing was queued or memory ran out. */
void store_audit_submit(struct store_audit_writer *w, struct store *st, store_audit_done_fn done,
                        void *arg);
/* Commits what is queued, calls its callbacks, stops the thread.  Submissions after this are
 * committed by the submitting thread before store_audit_submit returns (a server may still get
 * requests on open connections while it shuts down).  NULL is ignored. */
void store_audit_writer_stop(struct store_audit_writer *w);
/* Frees a writer (stopping it first if need be); no submission may follow.  NULL is ignored. */
void store_audit_writer_free(struct store_audit_writer *w);

struct store_verify {
    int64_t checked;        /* entries whose hash was recomputed */
    int64_t first_bad_seq;  /* 0 when the chain is intact */
    char reason[256];       /* what was wrong with it */
};
/* Walks the chain with the audit key: gaps, edits, reordering, a deleted tail (against the
 * chain head) and entries made with another key are reported at the first bad seq.  Returns 0
 * when it could check (look at rep->first_bad_seq), an error when it could not read. */
int store_audit_verify(struct store *st, struct store_verify *rep, struct kc_error *err);

/* The head of a hash chain ("audit" or "ledger"): its last seq and hash.  Shipped off the
 * machine on a schedule (syslog, the daily report), it is an anchor: interop-security.md D4.2. */
int store_chain_head(struct store *st, const char *chain, int64_t *seq,
                     char hash[65], struct kc_error *err);
/* Checks an anchor taken earlier: entry seq of the chain must still carry hash (64 hex).  Catches
 * a log cut back or rewritten by someone holding the key.  Returns 0 when it could check; see
 * rep->first_bad_seq. */
int store_chain_check_anchor(struct store *st, const char *chain, int64_t seq, const char *hash,
                             struct store_verify *rep, struct kc_error *err);

/* PostgreSQL only: gives role (an existing login role that does not own the tables) what the
 * clinic needs and no more: SELECT, INSERT, UPDATE, DELETE on the records, but only SELECT and
 * INSERT on audit_log and ledger_entries (interop-security.md D4.3), and by default the tables
 * later migrations create.  Run it as the owner that ran the migrations.  KC_EUNSUPPORTED on
 * SQLite; KC_ENOTFOUND for an unknown role. */
int store_pg_grant_app_role(struct store *st, const char *role, struct kc_error *err);

/* ---- controlled-substance ledger ------------------------------------------------------------ */
/* Records one ledger event (rules: ledger_check in clinic/ledger.h), updates the perpetual
 * balances and chains its hash, in one transaction.  A count that disagrees with the balance
 * opens a discrepancy (*discrepancy_id set; 0 otherwise) and does not change the balance. */
int store_ledger_record(struct store *st, const struct store_actor *who,
                        const struct ledger_event *ev, int64_t *seq, int64_t *discrepancy_id,
                        struct kc_error *err);
/* Resolves an open discrepancy with a reason: an adjustment entry, in the name of who->user
 * (an active staff user), brings the balance to the counted amount.  KC_ECONFLICT when already
 * resolved. */
int store_ledger_resolve(struct store *st, const struct store_actor *who, int64_t discrepancy_id,
                         const char *reason, int64_t *seq, struct kc_error *err);

struct store_ledger_balance {
    char drug[16], lot[64], location[64];
    int64_t balance_ug;
    int open_discrepancies;
};
int store_ledger_balances(struct store *st, const char *drug /* NULL = all */,
                          int (*fn)(void *ctx, const struct store_ledger_balance *b), void *ctx,
                          struct kc_error *err);

struct store_ledger_row {
    int64_t seq;
    char at[32];
    struct ledger_event ev;   /* string members point into the row, valid during the callback */
    int64_t balance_after_ug; /* at ev.location */
    int64_t to_balance_after_ug;
    int64_t discrepancy_id;
};
/* Entries between two times (inclusive, RFC 3339; NULL = open), oldest first. */
int store_ledger_entries(struct store *st, const char *from, const char *to,
                         int (*fn)(void *ctx, const struct store_ledger_row *r), void *ctx,
                         struct kc_error *err);
/* Re-checks the ledger: hash chain with the key, every entry replayed through ledger_apply
 * (balances never negative, recorded running balances match), and the balance table equal to
 * the replay.  Reports the first bad seq like store_audit_verify. */
int store_ledger_verify(struct store *st, struct store_verify *rep, struct kc_error *err);

/* ---- backup and restore --------------------------------------------------------------------- */
/* A consistent online copy to path (refused if path exists): SQLite backup API, or pg_dump
 * (custom format) for PostgreSQL.  Audited as an "export" before the copy starts.  Verifying
 * the copy's audit log needs the same audit key.  On failure no file is left at path. */
int store_backup(struct store *st, const struct store_actor *who, const char *path,
                 struct kc_error *err);
/* Restores a backup made by store_backup into this database, which must be empty (no records,
 * opened with no_migrate); KC_ECONFLICT otherwise. */
int store_restore(struct store *st, const struct store_actor *who, const char *path,
                  struct kc_error *err);

/* ---- lists and session records (store_lists.c) ---------------------------------------------- */
/* Each list is one audited read; fn is called per row (a non-zero return stops and is returned);
 * at most 1000 rows (vitals: 20000). */
/* Patients whose MRN, family or given name starts with query (case-insensitive; NULL = all). */
int store_patient_list(struct store *st, const struct store_actor *who, const char *query,
                       int64_t limit, int64_t offset,
                       int (*fn)(void *ctx, const struct store_patient *p), void *ctx,
                       struct kc_error *err);
struct store_session_row {
    struct store_session s;
    char mrn[32], family_name[64], given_name[64];
};
/* Sessions of one patient (patient_id 0 = all) planned in [from, to) (NULL = open), by time. */
int store_session_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                       const char *from, const char *to,
                       int (*fn)(void *ctx, const struct store_session_row *s), void *ctx,
                       struct kc_error *err);
struct store_vital_row {
    int64_t id; /* increasing: ?after=id gives only newer rows (live views) */
    char at[32], code[8];
    double value;
};
/* A session's observations with id > after_id, by id, at most limit (0 = all), one audited
 * read. */
int store_vitals_list(struct store *st, const struct store_actor *who, int64_t session_id,
                      int64_t after_id, int64_t limit,
                      int (*fn)(void *ctx, const struct store_vital_row *v), void *ctx,
                      struct kc_error *err);
struct store_scale_row {
    int64_t id, session_id;
    char scale[32], at[32];
    int total;
};
/* A patient's scale results, oldest first (scale NULL = all scales). */
int store_scale_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                     const char *scale, int (*fn)(void *ctx, const struct store_scale_row *s),
                     void *ctx, struct kc_error *err);
/* A patient's vital signs across sessions, for FHIR search: code (NULL = all), time range
 * [from, to) (NULL = open), paged; fn also gets the session id. */
int store_vitals_by_patient(struct store *st, const struct store_actor *who, int64_t patient_id,
                            const char *code, const char *from, const char *to, int64_t limit,
                            int64_t offset,
                            int (*fn)(void *ctx, const struct store_vital_row *v, int64_t session_id),
                            void *ctx, struct kc_error *err);
struct store_dose_row {
    int64_t id, session_id, dose_ug;
    char drug[16], form[8], route[16], lot[64], started_at[32], ended_at[32], given_by[64];
};
/* Doses of a patient (patient_id) or of one session (session_id); 0 = any. */
int store_dose_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                    int64_t session_id, int (*fn)(void *ctx, const struct store_dose_row *d),
                    void *ctx, struct kc_error *err);
/* A patient with the latest weight and height (0 when none recorded), in ONE audited read:
 * what a screen showing the patient needs. */
int store_patient_summary(struct store *st, const struct store_actor *who, int64_t id,
                          struct store_patient *out, double *weight_kg, double *height_cm,
                          struct kc_error *err);
/* A side effect seen in a session; severity "mild" | "moderate" | "severe". */
int store_side_effect_add(struct store *st, const struct store_actor *who, int64_t session_id,
                          const char *at, const char *code, const char *severity,
                          const char *notes, int64_t *id, struct kc_error *err);
struct store_side_effect_row {
    int64_t id;
    char at[32], code[32], severity[12], notes[STORE_TEXT_MAX];
};
int store_side_effect_list(struct store *st, const struct store_actor *who, int64_t session_id,
                           int (*fn)(void *ctx, const struct store_side_effect_row *s), void *ctx,
                           struct kc_error *err);

/* ---- a patient's whole record (store_record.c) ------------------------------------------- */
#define STORE_SCALE_MAX_ITEMS 64
struct store_weight_row {
    int64_t id;
    char at[32];
    double weight_kg, height_cm; /* height_cm 0 = not measured */
};
/* One callback per kind of row; a NULL callback leaves that part unread (patient may be NULL
 * too).  Rows come oldest first.  A non-zero return stops the read and is returned. */
struct store_record_fns {
    int (*patient)(void *ctx, const struct store_patient *p);
    int (*weight)(void *ctx, const struct store_weight_row *w);
    int (*session)(void *ctx, const struct store_session *s);
    int (*dose)(void *ctx, const struct store_dose_row *d);
    int (*vital)(void *ctx, const struct store_vital_row *v, int64_t session_id);
    int (*scale)(void *ctx, const struct store_scale_row *s, const int *answers, int n_answers);
    int (*side_effect)(void *ctx, const struct store_side_effect_row *e, int64_t session_id);
};
/* The record of one patient in ONE read transaction (one consistent moment), audited as one
 * entry with action ("read", "export").  only_id > 0 keeps the rows of the requested parts with
 * that id (vitals: also every blood pressure, so a systolic finds its diastolic).
 * KC_ENOTFOUND for an unknown patient. */
int store_patient_record(struct store *st, const struct store_actor *who, int64_t patient_id,
                         int64_t only_id, const char *action,
                         const struct store_record_fns *fns, void *ctx, struct kc_error *err);
/* Every patient, by id, in one audited read. */
int store_patient_each(struct store *st, const struct store_actor *who,
                       int (*fn)(void *ctx, const struct store_patient *p), void *ctx,
                       struct kc_error *err);
enum store_record_kind { STORE_REC_SESSION, STORE_REC_WEIGHT, STORE_REC_DOSE, STORE_REC_VITAL,
                         STORE_REC_SCALE, STORE_REC_SIDE_EFFECT };
/* The patient a record row belongs to (a key lookup, not audited: the caller then reads the
 * row through store_patient_record, which is).  KC_ENOTFOUND when there is no such row. */
int store_record_owner(struct store *st, enum store_record_kind kind, int64_t id,
                       int64_t *patient_id, struct kc_error *err);
/* Replaces a patient's demographics (the MRN included; it stays unique: KC_ECONFLICT), audited
 * as an "update".  KC_ENOTFOUND for an unknown id. */
int store_patient_update(struct store *st, const struct store_actor *who, int64_t id,
                         const struct store_patient_new *p, struct kc_error *err);

/* ---- screening, treatment plans, discharge checks, outcomes, staff list (issue 8: the web UI;
 * store_clinical.c, store_staff.c) ---------------------------------------------------------- */
/* A screening: result "eligible" | "caution" | "ineligible"; record is the JSON document the
 * API shows again (input, outcome, findings with sources; at most 32 KiB); each finding is
 * also a screening_findings row (severity "contraindication" | "caution" | "info"; detail is
 * text).  One audited create. */
struct store_screening_finding {
    const char *code, *severity, *detail;
};
int store_screening_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                        const char *result, const char *record,
                        const struct store_screening_finding *f, size_t n_findings,
                        int64_t *id, struct kc_error *err);
struct store_screening_row {
    int64_t id;
    char at[32], by_user[64], result[16];
    const char *record; /* valid during the callback */
};
/* A patient's screenings, newest first (one audited read). */
int store_screening_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                         int (*fn)(void *ctx, const struct store_screening_row *s), void *ctx,
                         struct kc_error *err);
/* A treatment plan: condition, route, protocol (course kind), and the plan document (JSON: the
 * dated schedule from src/clinic/course, dose basis; at most 32 KiB).  Status starts "active". */
int store_plan_add(struct store *st, const struct store_actor *who, int64_t patient_id,
                   const char *condition, const char *route, const char *protocol,
                   const char *document, int64_t *id, struct kc_error *err);
struct store_plan_row {
    int64_t id, patient_id;
    char condition[32], route[16], protocol[32], status[16], created_at[32], created_by[64];
    char signed_by[64], signed_at[32]; /* "" while unsigned */
    const char *document;              /* valid during the callback */
};
/* Plans of one patient (0 = all), newest first; or the one plan plan_id (> 0; KC_ENOTFOUND). */
int store_plan_list(struct store *st, const struct store_actor *who, int64_t patient_id,
                    int64_t plan_id, int (*fn)(void *ctx, const struct store_plan_row *p),
                    void *ctx, struct kc_error *err);
/* Signs a plan in the name of who->user (the caller checks the role): the signature (user,
 * time) is kept in the plan document.  KC_ECONFLICT when already signed. */
int store_plan_sign(struct store *st, const struct store_actor *who, int64_t plan_id,
                    struct kc_error *err);
/* One discharge check of a session: each criterion (e.g. "aldrete", "escort") met or not, at one
 * time, by who->user.  One audited create. */
struct store_discharge_item {
    const char *criterion, *notes;
    int met;
};
int store_discharge_add(struct store *st, const struct store_actor *who, int64_t session_id,
                        const struct store_discharge_item *items, size_t n, struct kc_error *err);
/* Every scale result with the condition and route of the patient's latest plan ("" when none),
 * ordered by patient, scale, time: the input of the outcome statistics.  One audited read. */
struct store_outcome_row {
    int64_t patient_id;
    char scale[32], at[32], condition[32], route[16];
    int total;
};
int store_outcome_rows(struct store *st, const struct store_actor *who,
                       int (*fn)(void *ctx, const struct store_outcome_row *r), void *ctx,
                       struct kc_error *err);
/* Interventions at the chair (store_session_ui.c): action e.g. "infusion-paused", at UTC RFC 3339,
 * by who->user. */
int store_intervention_add(struct store *st, const struct store_actor *who, int64_t session_id,
                           const char *at, const char *action, const char *notes, int64_t *id,
                           struct kc_error *err);
struct store_intervention_row {
    int64_t id;
    char at[32], action[64], by_user[64], notes[STORE_TEXT_MAX];
};
int store_intervention_list(struct store *st, const struct store_actor *who, int64_t session_id,
                            int (*fn)(void *ctx, const struct store_intervention_row *v), void *ctx,
                            struct kc_error *err);
/* The newest discharge check of a session (KC_ENOTFOUND when none): ready, and what was missing
 * first. */
struct store_discharge_latest {
    char at[32], by_user[64], missing[STORE_TEXT_MAX];
    int ready;
};
int store_discharge_latest(struct store *st, const struct store_actor *who, int64_t session_id,
                           struct store_discharge_latest *out, struct kc_error *err);
/* Staff accounts, by name (no password hashes). */
int store_user_list(struct store *st, const struct store_actor *who,
                    int (*fn)(void *ctx, const struct store_user *u), void *ctx,
                    struct kc_error *err);

/* ---- HL7 v2 monitor messages (store_hl7.c; issues 9, 15) ---------------------------------- */
/* What became of one monitor message.  ack is what to answer: "AA" (every reading filed), "AE"
 * (some or all readings kept in the review queue, or refused by the reader), or for a duplicate
 * what the first copy got. */
enum store_hl7_outcome {
    STORE_HL7_STORED,          /* every reading filed (AA) */
    STORE_HL7_DUPLICATE,       /* same sender and control id seen before: nothing written */
    STORE_HL7_PARTIAL,         /* some readings filed, others for review or refused (AE) */
    STORE_HL7_REVIEW,          /* nothing filed: every reading for review (AE) */
    STORE_HL7_REJECTED,        /* reject_reason given by the caller: review queue */
};
/* One reading of a message (src/hl7 has mapped code, channel, unit and time). */
enum store_hl7_reading_outcome {
    STORE_HL7_R_VITAL,         /* into vitals: the series the alarms use */
    STORE_HL7_R_CHANNEL,       /* into hl7_readings as its own channel (not the alarm series) */
    STORE_HL7_R_CORRECTED,     /* replaced the earlier value (kept in hl7_readings) */
    STORE_HL7_R_WITHDRAWN,     /* the earlier value withdrawn (kept in hl7_readings) */
    STORE_HL7_R_REVIEW,        /* not filed: hl7_readings status 'review' with reason */
};
struct store_hl7_reading {
    /* in */
    const char *at, *code, *channel, *source, *instance, *device;
    double value;
    unsigned obx;
    int group;          /* index into the message's groups */
    int alarm;          /* 1: the alarm series */
    char status;        /* 'F' final, 'C' correction, 'W' withdraw the earlier value */
    /* out */
    enum store_hl7_reading_outcome outcome;
    int64_t session_id;
    int hl7_error;      /* REVIEW: table 0357 code (204 unknown patient, 207 other) */
    char reason[200];
};
/* One patient group (PID) of a message. */
struct store_hl7_group {
    const char *const *ids; /* candidate MRNs (the configured identifier type/authority) */
    int n_ids;
    const char *seen;       /* every PID-3 repetition, for the review queue */
    const char *chair;      /* chair from the device/bed mapping, else PV1-3's bed ("" none) */
    int chair_bound;        /* 1: chair comes from the mapping table (checked against the
                               session of a patient found by MRN) */
    const char *conflict;   /* identity conflict found by the reader/mapping (NULL none) */
};
struct store_hl7_msg {
    /* in (borrowed, NUL-terminated) */
    const char *sender;      /* MSH-3|MSH-4 as sent; with control_id the duplicate key */
    const char *control_id;  /* MSH-10 */
    const char *received_at; /* UTC RFC 3339 */
    const struct store_hl7_group *groups;
    int ngroups;
    struct store_hl7_reading *readings;
    size_t n_readings;
    size_t n_refused;        /* readings the reader refused (named in the ACK by the caller) */
    const char *note;        /* the reader's notes for the ACK text ("" none) */
    const char *refusal;     /* the first refused reading's reason (NULL none) */
    long pre_s, post_s;      /* a session's window: start - pre_s .. end + post_s */
    long future_s;           /* readings later than received_at + future_s: review */
    const char *reject_reason; /* non-NULL: understood but unusable; kept for review only */
    const char *raw;         /* the message text, kept in the review queue */
    /* out */
    enum store_hl7_outcome outcome;
    char ack[3];
    int hl7_error;           /* HL7 table 0357 code for an AE */
    char detail[STORE_TEXT_MAX]; /* for the ACK's text */
    int64_t session_id;      /* a session readings went to (0 = none) */
    size_t n_filed, n_review;
};
/* Files n messages in ONE transaction (group commit): per message, a duplicate check on
 * (sender, control_id); per patient group the patient (exactly one patient among the candidate
 * MRNs, else review), the chair; per reading the session whose window holds its time (start
 * or planned time - pre_s through end + post_s; cancelled sessions never), then vitals (alarm
 * series), hl7_readings (other channels, history of corrections), or review with its reason.
 * A message-log row and audit entries each.  Durable on return.  On failure nothing is written
 * and outputs are unspecified. */
int store_hl7_ingest(struct store *st, const struct store_actor *who, struct store_hl7_msg *msgs,
                     size_t n, struct kc_error *err);
struct store_hl7_review_row {
    int64_t id;
    char received_at[32], sender[160], control_id[64], reason[STORE_TEXT_MAX];
    char patient_ref[64], bed_ref[64], status[12];
};
/* The review queue (rows with id > after_id, oldest first), one audited read. */
int store_hl7_review_list(struct store *st, const struct store_actor *who, int64_t after_id,
                          int (*fn)(void *ctx, const struct store_hl7_review_row *r), void *ctx,
                          struct kc_error *err);

#endif
