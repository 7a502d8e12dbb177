/* store_int.h — inside the store: the back-end driver vtable (store_sqlite.c, store_pg.c), bound
 * values, result rows and the helpers shared by the record files.  Not for use outside
 * src/store/ (tests may include it to reach the raw connection). */
#ifndef KC_STORE_INT_H
#define KC_STORE_INT_H

#include <stdint.h>

#include "store/store.h"

/* A bound parameter.  SQL text uses '?' placeholders; the PostgreSQL driver rewrites them to
 * $1..$n once, when it prepares the statement. */
enum sv_type { SV_NULL, SV_INT, SV_REAL, SV_TEXT };
struct sv {
    enum sv_type t;
    int64_t i;
    double d;
    const char *s;
};
#define SV_I(x) ((struct sv){SV_INT, (int64_t)(x), 0, NULL})
#define SV_R(x) ((struct sv){SV_REAL, 0, (double)(x), NULL})
static inline struct sv store__sv_text(const char *s)
{
    return (struct sv){s ? SV_TEXT : SV_NULL, 0, 0, s};
}
#define SV_T(x) store__sv_text(x)
#define SV_N ((struct sv){SV_NULL, 0, 0, NULL})

/* One result row, valid only during the row callback. */
struct srow {
    const struct store_driver *drv;
    void *impl;
    int index;
};
typedef int (*srow_fn)(void *ctx, const struct srow *row);

struct store_driver {
    const char *name; /* "sqlite" | "postgres" */
    const char *id_type; /* column type of a generated integer key */
    int (*open)(struct store *st, const char *url, struct kc_error *err);
    void (*close)(struct store *st);
    /* Runs constant multi-statement SQL (migrations only; never user input). */
    int (*script)(struct store *st, const char *sql, struct kc_error *err);
    /* Prepares (cached by SQL text), binds, runs; calls fn per row (fn may be NULL).  A non-zero
     * return from fn stops and is returned. */
    int (*query)(struct store *st, const char *sql, const struct sv *args, int nargs, srow_fn fn,
                 void *ctx, struct kc_error *err);
    /* Runs one statement nrows times, row i bound to args[i*nargs ...]; inside a transaction.
     * PostgreSQL pipelines the executions (one round trip, not nrows).  On error *failed is the
     * index of the first execution that failed. */
    int (*batch)(struct store *st, const char *sql, const struct sv *args, int nargs, int nrows,
                 int *failed, struct kc_error *err);
    int (*begin)(struct store *st, struct kc_error *err); /* a write transaction */
    /* A read-only transaction that does not take the write lock (NULL: begin). */
    int (*begin_read)(struct store *st, struct kc_error *err);
    int (*commit)(struct store *st, struct kc_error *err);
    void (*rollback)(struct store *st);
    int (*table_exists)(struct store *st, const char *table, int *exists, struct kc_error *err);
    int (*backup)(struct store *st, const char *path, struct kc_error *err);
    int (*restore)(struct store *st, const char *path, struct kc_error *err);
    int64_t (*col_int)(const struct srow *r, int col);
    double (*col_real)(const struct srow *r, int col);
    const char *(*col_text)(const struct srow *r, int col); /* NULL for SQL NULL */
};

/* Test seam for countdown fault injection (tests/unit/fault_inject.h); NULL in the program.  The
 * PostgreSQL driver asks it before each statement it sends and before each COMMIT; a non-zero
 * answer makes the server fail that step for real (the transaction aborts), so the error paths
 * above run as they would on a full disk or a lost commit.  SQLite is faulted by a test VFS. */
enum store_fault { STORE_FAULT_EXEC, STORE_FAULT_COMMIT };
extern int (*store__fault_hook)(enum store_fault where);

extern const struct store_driver store__sqlite_driver;
extern const struct store_driver store__pg_driver;

#define STORE_KEY_BYTES 32
#define STORE_HASH_HEX 65 /* 32-byte BLAKE2b as hex + NUL */

struct store {
    const struct store_driver *drv;
    void *impl;
    int in_tx;
    char path[1024];        /* SQLite file path ("" for PostgreSQL) */
    char url[1024];         /* as given (PostgreSQL: connection URI) */
    unsigned char key[STORE_KEY_BYTES];
    /* store_audit_defer: read audit entries kept here until flushed or submitted (audit_batch.c) */
    int audit_defer, n_deferred;
    struct store__pending *deferred, *deferred_tail;
};

/* Row accessors. */
static inline int64_t srow_int(const struct srow *r, int c) { return r->drv->col_int(r, c); }
static inline double srow_real(const struct srow *r, int c) { return r->drv->col_real(r, c); }
static inline const char *srow_text(const struct srow *r, int c) { return r->drv->col_text(r, c); }
/* Copies column c into buf (size n); "" for NULL.  Truncation cannot happen for values the store
 * wrote (lengths are checked on the way in); it is cut at n-1 otherwise. */
void store__copy(const struct srow *r, int c, char *buf, size_t n);

int store__q(struct store *st, const char *sql, const struct sv *args, int nargs, srow_fn fn,
             void *ctx, struct kc_error *err);
/* One integer from the first row; KC_ENOTFOUND when no row. */
int store__q_int(struct store *st, const char *sql, const struct sv *args, int nargs,
                 int64_t *out, struct kc_error *err);
int store__begin(struct store *st, struct kc_error *err);
/* For operations that only read (their audit entry is group-committed by store__finish). */
int store__begin_read(struct store *st, struct kc_error *err);
int store__commit(struct store *st, struct kc_error *err);
void store__rollback(struct store *st);

/* Field checks on the way in (KC_EINVAL naming field). */
int store__text(const char *field, const char *v, size_t max, int required,
                struct kc_error *err);
/* Checks an RFC 3339 time (kc_time_parse: Z or an offset, impossible dates refused) and writes
 * it in the one stored form, UTC with milliseconds ("2026-11-23T13:29:42.123Z"), so text order is
 * time order.  NULL/"" when not required gives "" in out.  The error names field. */
int store__time(const char *field, const char *v, int required, char out[32],
                struct kc_error *err);
/* Now as UTC RFC 3339 with milliseconds, e.g. 2026-11-23T13:29:42.123Z. */
void store__now(char out[32]);

/* Audit: appends inside the current transaction (which must be open). */
int store__audit_append(struct store *st, const struct store_actor *who, const char *action,
                        const char *rtype, const char *rid, const char *outcome,
                        const char *detail, struct kc_error *err);
/* After a failed, rolled-back operation: records the failure in its own transaction.  Never
 * changes err; best effort (a full or read-only database cannot take it). */
void store__audit_failure(struct store *st, const struct store_actor *who, const char *action,
                          const char *rtype, const char *rid, const struct kc_error *err);
/* Ends an operation begun with store__begin.  rc == 0: appends the audit entry (success) and
 * commits.  Otherwise, or if that fails: rolls back and records the failure.  Returns the
 * final status. */
int store__finish(struct store *st, int rc, const struct store_actor *who, const char *action,
                  const char *rtype, const char *rid, const char *detail, struct kc_error *err);
/* Frees entries still deferred on st (store_close). */
void store__audit_deferred_free(struct store *st);
int store__check_actor(const struct store_actor *who, struct kc_error *err);
/* The audit entry of a read, group-committed with concurrent reads of the same database
 * (audit_batch.c); returns once it is durable.  No transaction may be open on st.  With
 * store_audit_defer on, it is only kept on st (see store.h) and this returns at once. */
int store__audit_read_batched(struct store *st, const struct store_actor *who, const char *action,
                              const char *rtype, const char *rid, const char *outcome,
                              const char *detail, struct kc_error *err);

/* Keyed BLAKE2b-256 over a canonical encoding (netstrings of the fields in a fixed order),
 * chained to prev_hex.  domain separates the audit and ledger chains. */
void store__hash_fields(const unsigned char key[STORE_KEY_BYTES], const char *domain,
                        const char *prev_hex, const char *const *fields, int nfields,
                        char out_hex[STORE_HASH_HEX]);
/* Advances chain `name` inside the open transaction: locks its head row, returns the new seq and
 * the previous hash; store__chain_set_head stores the new head hash. */
/* Verify helpers shared by the audit log and the ledger.  store__verify_bad records the first bad
 * seq and the reason in rep and returns 1 (stop the walk).  store__verify_link checks one entry
 * of a chain: its seq (column 0) is *expect, its prev_hash (column prev_col) equals prev, and its
 * stored hash (column prev_col + 1) is the keyed hash under domain of its seq and columns
 * 1..nfields-1 chained to prev; then advances *expect and prev.  0, or 1 with rep filled. */
#define STORE_CHAIN_MAX_FIELDS 32
int store__verify_bad(struct store_verify *rep, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int store__verify_link(const struct store *st, const struct srow *r, const char *domain,
                       int nfields, int prev_col, int64_t *expect, char prev[STORE_HASH_HEX],
                       struct store_verify *rep);
int store__chain_next(struct store *st, const char *name, int64_t *seq,
                      char prev_hex[STORE_HASH_HEX], struct kc_error *err);
int store__chain_set_head(struct store *st, const char *name, const char *hash_hex,
                          struct kc_error *err);

/* Migrations (schema.c). */
int store__migrations_known(void);
int store__schema_current(struct store *st, int *version, struct kc_error *err);
int store__apply_migrations(struct store *st, int *applied, struct kc_error *err);

/* Audit key file (audit_key.c): loads or creates path (0600, 32 random bytes). */
int store__key_load(const char *path, unsigned char key[STORE_KEY_BYTES], struct kc_error *err);

#endif
