/* store_ledger.h — inside the store: appending a ledger entry within an open transaction, and
 * the canonical hash of an entry (shared by store_ledger.c and ledger_verify.c). */
#ifndef KC_STORE_LEDGER_H
#define KC_STORE_LEDGER_H

#include "clinic/ledger.h"
#include "store/store_int.h"

/* Checks ev with ledger_check against the locked balances, moves them, appends the chained
 * entry stamped `at`, and for a disagreeing count opens a discrepancy (*disc_id, may be NULL).
 * discrepancy_id: the discrepancy an adjustment resolves (0 = none). */
int store__ledger_append_for(struct store *st, const struct ledger_event *ev, const char *at,
                             int64_t discrepancy_id, int64_t *seq, int64_t *disc_id,
                             struct kc_error *err);
static inline int store__ledger_append(struct store *st, const struct ledger_event *ev,
                                       const char *at, int64_t *seq, int64_t *disc_id,
                                       struct kc_error *err)
{
    return store__ledger_append_for(st, ev, at, 0, seq, disc_id, err);
}

/* A read transaction that sees one snapshot and holds no writer back (SQLite deferred in WAL;
 * PostgreSQL REPEATABLE READ, READ ONLY); end it with store__rollback.  In audit.c. */
int store__begin_snapshot(struct store *st, struct kc_error *err);

#define LEDGER_HASH_FIELDS 18
#define LEDGER_DOMAIN "kc-ledger-v1" /* separates the ledger chain from the audit chain */
/* Columns of ledger_entries in hash order, then prev_hash and hash. */
#define LEDGER_COLS "seq, at, kind, drug, lot, location, to_location, qty_ug, delta_ug, " \
                    "balance_after_ug, to_balance_after_ug, supplier, user_name, witness, " \
                    "reason, dose_id, patient_id, discrepancy_id, prev_hash, hash"
void store__ledger_hash(const unsigned char *key, const char *prev,
                        const char *const f[LEDGER_HASH_FIELDS], char out[STORE_HASH_HEX]);

#endif
