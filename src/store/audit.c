/* audit.c — the hash-chained audit log (interop-security.md D4): each entry carries a keyed
 * BLAKE2b-256 (libsodium crypto_generichash; key outside the database) over its canonical fields
 * and the previous entry's hash; seq is gap-free; the chain head row locks appends into one
 * order.  store_audit_verify names the first entry that does not check out. */
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "store/store_ledger.h"

/* Netstring framing ("LEN:BYTES,") makes the encoding unambiguous without escaping. */
static void put(crypto_generichash_state *h, const char *s)
{
    char len[24];
    size_t n = s ? strlen(s) : 0;
    int k = snprintf(len, sizeof len, "%zu:", n);
    crypto_generichash_update(h, (const unsigned char *)len, (unsigned long long)k);
    if (n) crypto_generichash_update(h, (const unsigned char *)s, n);
    crypto_generichash_update(h, (const unsigned char *)",", 1);
}

void store__hash_fields(const unsigned char key[STORE_KEY_BYTES], const char *domain,
                        const char *prev_hex, const char *const *fields, int nfields,
                        char out_hex[STORE_HASH_HEX])
{
    crypto_generichash_state h;
    unsigned char out[32];
    crypto_generichash_init(&h, key, STORE_KEY_BYTES, sizeof out);
    put(&h, domain);
    put(&h, prev_hex);
    for (int i = 0; i < nfields; i++) put(&h, fields[i]);
    crypto_generichash_final(&h, out, sizeof out);
    sodium_bin2hex(out_hex, STORE_HASH_HEX, out, sizeof out);
}

struct head {
    int64_t seq;
    char hash[STORE_HASH_HEX];
    int found;
};

static int head_row(void *ctx, const struct srow *r)
{
    struct head *h = ctx;
    h->seq = srow_int(r, 0);
    store__copy(r, 1, h->hash, sizeof h->hash);
    h->found = 1;
    return 0;
}

/* UPDATE first: on PostgreSQL this row lock orders concurrent appenders; SQLite writers are
 * already serialised by BEGIN IMMEDIATE. */
int store__chain_next(struct store *st, const char *name, int64_t *seq,
                      char prev_hex[STORE_HASH_HEX], struct kc_error *err)
{
    struct head h = {0};
    struct sv a[] = {SV_T(name)};
    int rc = store__q(st, "UPDATE chain_head SET seq = seq + 1 WHERE name = ? RETURNING seq, hash",
                      a, 1, head_row, &h, err);
    if (rc) return rc;
    if (!h.found) return kc_error_set(err, KC_EIO, "chain '%s' has no head row", name);
    *seq = h.seq;
    memcpy(prev_hex, h.hash, STORE_HASH_HEX);
    return KC_OK;
}

int store__chain_set_head(struct store *st, const char *name, const char *hash_hex,
                          struct kc_error *err)
{
    struct sv a[] = {SV_T(hash_hex), SV_T(name)};
    return store__q(st, "UPDATE chain_head SET hash = ? WHERE name = ?", a, 2, NULL, NULL, err);
}

#define N_AUDIT_FIELDS 10
#define AUDIT_DOMAIN "kc-audit-v1"

static void audit_hash(const unsigned char *key, const char *prev, const char *const f[],
                       char out[STORE_HASH_HEX])
{
    store__hash_fields(key, AUDIT_DOMAIN, prev, f, N_AUDIT_FIELDS, out);
}

int store__audit_append(struct store *st, const struct store_actor *who, const char *action,
                        const char *rtype, const char *rid, const char *outcome,
                        const char *detail, struct kc_error *err)
{
    int64_t seq;
    char prev[STORE_HASH_HEX], hash[STORE_HASH_HEX], now[32], seqtxt[24];
    int rc = store__chain_next(st, "audit", &seq, prev, err);
    if (rc) return rc;
    store__now(now);
    snprintf(seqtxt, sizeof seqtxt, "%" PRId64, seq);
    const char *source = (who->source && *who->source) ? who->source : "unknown";
    const char *f[N_AUDIT_FIELDS] = {seqtxt, now,    who->user, who->role, action,
                                     rtype,  rid,    source,    outcome,   detail ? detail : ""};
    audit_hash(st->key, prev, f, hash);
    struct sv a[] = {SV_I(seq), SV_T(now),     SV_T(who->user), SV_T(who->role),
                     SV_T(action), SV_T(rtype), SV_T(rid),       SV_T(source),
                     SV_T(outcome), SV_T(f[9]), SV_T(prev),      SV_T(hash)};
    rc = store__q(st, "INSERT INTO audit_log (seq, at, user_name, role, action, resource_type, "
                      "resource_id, source, outcome, detail, prev_hash, hash) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                  a, 12, NULL, NULL, err);
    if (rc) return rc;
    return store__chain_set_head(st, "audit", hash, err);
}

static int check_fields(const char *action, const char *rtype, const char *rid,
                        const char *outcome, const char *detail, struct kc_error *err)
{
    int rc;
    if ((rc = store__text("action", action, 15, 1, err)) ||
        (rc = store__text("resource type", rtype, 31, 1, err)) ||
        (rc = store__text("resource id", rid, 63, 1, err)) ||
        (rc = store__text("detail", detail, STORE_TEXT_MAX - 1, 0, err)))
        return rc;
    if (!outcome || (strcmp(outcome, "success") != 0 && strcmp(outcome, "failure") != 0))
        return kc_error_set(err, KC_EINVAL, "outcome must be 'success' or 'failure'");
    return KC_OK;
}

int store_audit(struct store *st, const struct store_actor *who, const char *action,
                const char *resource_type, const char *resource_id, const char *outcome,
                const char *detail, struct kc_error *err)
{
    int rc = store__check_actor(who, err);
    if (rc || (rc = check_fields(action, resource_type, resource_id, outcome, detail, err)))
        return rc;
    if ((rc = store__begin(st, err))) return rc;
    if ((rc = store__audit_append(st, who, action, resource_type, resource_id, outcome, detail,
                                  err)) ||
        (rc = store__commit(st, err))) {
        store__rollback(st);
        return rc;
    }
    return KC_OK;
}

/* The detail of a failure entry: the error message, whole UTF-8 characters, no control bytes. */
static void failure_detail(const struct kc_error *err, char detail[STORE_TEXT_MAX])
{
    size_t n = err ? strnlen(err->msg, STORE_TEXT_MAX - 1) : 0;
    if (n) memcpy(detail, err->msg, n);
    while (n > 0 && ((unsigned char)detail[n - 1] & 0xC0) == 0x80) n--; /* whole UTF-8 only */
    if (n > 0 && (unsigned char)detail[n - 1] >= 0xC0) n--;
    detail[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)detail[i] < 0x20) detail[i] = ' ';
}

void store__audit_failure(struct store *st, const struct store_actor *who, const char *action,
                          const char *rtype, const char *rid, const struct kc_error *err)
{
    struct kc_error e2 = {0};
    char detail[STORE_TEXT_MAX];
    if (!who || store__check_actor(who, &e2)) return;
    failure_detail(err, detail);
    if (store__begin(st, &e2)) return;
    if (store__audit_append(st, who, action, rtype, rid && *rid ? rid : "-", "failure", detail,
                            &e2) ||
        store__commit(st, &e2))
        store__rollback(st);
}

static void fill_entry(const struct srow *r, struct store_audit_entry *e)
{
    e->seq = srow_int(r, 0);
    store__copy(r, 1, e->at, sizeof e->at);
    store__copy(r, 2, e->user, sizeof e->user);
    store__copy(r, 3, e->role, sizeof e->role);
    store__copy(r, 4, e->action, sizeof e->action);
    store__copy(r, 5, e->resource_type, sizeof e->resource_type);
    store__copy(r, 6, e->resource_id, sizeof e->resource_id);
    store__copy(r, 7, e->source, sizeof e->source);
    store__copy(r, 8, e->outcome, sizeof e->outcome);
    store__copy(r, 9, e->detail, sizeof e->detail);
}

struct list_ctx {
    int (*fn)(void *, const struct store_audit_entry *);
    void *ctx;
};

static int list_row(void *ctx, const struct srow *r)
{
    struct list_ctx *l = ctx;
    struct store_audit_entry e;
    fill_entry(r, &e);
    return l->fn(l->ctx, &e);
}

#define AUDIT_COLS "seq, at, user_name, role, action, resource_type, resource_id, source, " \
                   "outcome, detail, prev_hash, hash"

int store_audit_list(struct store *st, int64_t after_seq, int64_t limit,
                     int (*fn)(void *ctx, const struct store_audit_entry *e), void *ctx,
                     struct kc_error *err)
{
    struct list_ctx l = {fn, ctx};
    struct sv a[] = {SV_I(after_seq), SV_I(limit > 0 ? limit : INT64_MAX)};
    int rc = store__q(st, "SELECT " AUDIT_COLS " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                      a, 2, list_row, &l, err);
    return rc > 0 ? KC_OK : rc;
}

struct verify_ctx {
    const struct store *st;
    struct store_verify *rep;
    int64_t expect;
    char prev[STORE_HASH_HEX];
};

int store__verify_bad(struct store_verify *rep, int64_t seq, const char *fmt, ...)
{
    va_list ap;
    rep->first_bad_seq = seq;
    va_start(ap, fmt);
    vsnprintf(rep->reason, sizeof rep->reason, fmt, ap);
    va_end(ap);
    return 1; /* stop */
}
#define bad store__verify_bad

int store__verify_link(const struct store *st, const struct srow *r, const char *domain,
                       int nfields, int prev_col, int64_t *expect, char prev[STORE_HASH_HEX],
                       struct store_verify *rep)
{
    int64_t seq = srow_int(r, 0);
    char seqtxt[24], hash[STORE_HASH_HEX];
    const char *f[STORE_CHAIN_MAX_FIELDS];
    if (nfields > STORE_CHAIN_MAX_FIELDS) return bad(rep, seq, "internal: too many chained fields");
    if (seq != *expect)
        return bad(rep, *expect, "entry %" PRId64 " is missing (deleted or reordered)", *expect);
    snprintf(seqtxt, sizeof seqtxt, "%" PRId64, seq);
    f[0] = seqtxt;
    for (int i = 1; i < nfields; i++) {
        f[i] = srow_text(r, i);
        if (!f[i]) f[i] = "";
    }
    const char *row_prev = srow_text(r, prev_col), *stored = srow_text(r, prev_col + 1);
    if (!row_prev || strcmp(row_prev, prev) != 0)
        return bad(rep, seq, "its prev_hash does not match the hash of entry %" PRId64
                   " (an entry was removed, inserted or replaced)", seq - 1);
    store__hash_fields(st->key, domain, prev, f, nfields, hash);
    if (!stored || sodium_memcmp(hash, stored, STORE_HASH_HEX - 1) != 0)
        return bad(rep, seq, "its content does not match its hash (edited after it was "
                   "written, or written with another audit key)");
    memcpy(prev, stored, STORE_HASH_HEX);
    (*expect)++;
    return 0;
}

static int verify_row(void *ctx, const struct srow *r)
{
    struct verify_ctx *v = ctx;
    int rc = store__verify_link(v->st, r, AUDIT_DOMAIN, N_AUDIT_FIELDS, 10, &v->expect, v->prev,
                                v->rep);
    if (!rc) v->rep->checked++;
    return rc;
}

int store__begin_snapshot(struct store *st, struct kc_error *err)
{
    int rc = store__begin_read(st, err);
    if (!rc && strcmp(st->drv->name, "postgres") == 0 &&
        (rc = st->drv->script(st, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                              err)))
        store__rollback(st);
    return rc;
}

/* In one read snapshot (writers go on), walks the log, then checks the chain head against the
 * last entry: a deleted tail leaves the head ahead of the log. */
int store_audit_verify(struct store *st, struct store_verify *rep, struct kc_error *err)
{
    struct verify_ctx v = {st, rep, 1, ""};
    struct head h = {0};
    struct sv a[] = {SV_T("audit")};
    memset(rep, 0, sizeof *rep);
    int rc = store__begin_snapshot(st, err);
    if (rc) return rc;
    rc = store__q(st, "SELECT seq, hash FROM chain_head WHERE name = ?", a, 1, head_row, &h, err);
    if (rc) goto out;
    rc = store__q(st, "SELECT " AUDIT_COLS " FROM audit_log ORDER BY seq", NULL, 0, verify_row,
                  &v, err);
    if (rc < 0) goto out;
    rc = KC_OK;
    if (rep->first_bad_seq == 0 && h.found) {
        int64_t last = v.expect - 1;
        if (h.seq > last)
            bad(rep, last + 1, "entries %" PRId64 " onwards are missing (the chain head "
                "records more entries than the log holds)", last + 1);
        else if (h.seq < last || strcmp(h.hash, v.prev) != 0)
            bad(rep, last, "the chain head does not match entry %" PRId64, last);
    }
out:
    store__rollback(st); /* read-only work: nothing to keep */
    return rc;
}

int store__finish(struct store *st, int rc, const struct store_actor *who, const char *action,
                  const char *rtype, const char *rid, const char *detail, struct kc_error *err)
{
    /* KC_AUDIT_NO_BATCH=1 turns the group commit off (benchmarks compare the two). */
    static int no_batch = -1;
    if (no_batch < 0) no_batch = getenv("KC_AUDIT_NO_BATCH") != NULL;
    if (rc == KC_OK && st->in_tx && strcmp(action, "read") == 0) {
        /* A read changed nothing: end its (deferred, read-only) transaction first — writing in it
         * would have to upgrade a stale snapshot — then have its audit entry committed with the
         * other reads finishing now (audit_batch.c), or alone; the data goes out only after. */
        rc = store__commit(st, err);
        if (!rc && no_batch) rc = store_audit(st, who, action, rtype, rid, "success", detail, err);
        else if (!rc) rc = store__audit_read_batched(st, who, action, rtype, rid, "success", detail, err);
        return rc;
    }
    if (rc != KC_OK && strcmp(action, "read") == 0 && !no_batch && who &&
        store__check_actor(who, NULL) == KC_OK) {
        /* A failed read (e.g. no such record) is audited with the other reads, as a failure. */
        char fd[STORE_TEXT_MAX];
        failure_detail(err, fd);
        store__rollback(st);
        struct kc_error e2 = {0};
        store__audit_read_batched(st, who, action, rtype, rid && *rid ? rid : "-", "failure", fd, &e2);
        return rc;
    }
    if (rc == KC_OK && st->in_tx) {
        rc = store__audit_append(st, who, action, rtype, rid, "success", detail, err);
        if (!rc) rc = store__commit(st, err);
    }
    if (rc != KC_OK) {
        store__rollback(st);
        store__audit_failure(st, who, action, rtype, rid, err);
    }
    return rc;
}

struct anchor_ctx {
    char *out;
    int *found;
};

static int anchor_row(void *ctx, const struct srow *r)
{
    struct anchor_ctx *a = ctx;
    store__copy(r, 0, a->out, STORE_HASH_HEX);
    *a->found = 1;
    return 0;
}

int store_chain_head(struct store *st, const char *chain, int64_t *seq,
                     char hash[STORE_HASH_HEX], struct kc_error *err)
{
    struct head h = {0};
    if (!chain || (strcmp(chain, "audit") != 0 && strcmp(chain, "ledger") != 0))
        return kc_error_set(err, KC_EINVAL, "chain must be 'audit' or 'ledger'");
    struct sv a[] = {SV_T(chain)};
    int rc = store__q(st, "SELECT seq, hash FROM chain_head WHERE name = ?", a, 1, head_row, &h,
                      err);
    if (rc) return rc;
    if (!h.found) return kc_error_set(err, KC_EIO, "chain '%s' has no head row", chain);
    *seq = h.seq;
    memcpy(hash, h.hash, STORE_HASH_HEX);
    return KC_OK;
}

int store_chain_check_anchor(struct store *st, const char *chain, int64_t seq, const char *hash,
                             struct store_verify *rep, struct kc_error *err)
{
    char got[STORE_HASH_HEX] = "";
    int found = 0;
    struct sv a[] = {SV_I(seq)};
    static const char *const sql[] = {"SELECT hash FROM audit_log WHERE seq = ?",
                                      "SELECT hash FROM ledger_entries WHERE seq = ?"};
    if (!chain || (strcmp(chain, "audit") != 0 && strcmp(chain, "ledger") != 0))
        return kc_error_set(err, KC_EINVAL, "chain must be 'audit' or 'ledger'");
    if (!hash || strlen(hash) != STORE_HASH_HEX - 1)
        return kc_error_set(err, KC_EINVAL, "anchor hash must be %d hex characters",
                            STORE_HASH_HEX - 1);
    struct anchor_ctx ctx = {got, &found};
    int rc = store__q(st, sql[chain[0] == 'l'], a, 1, anchor_row, &ctx, err);
    if (rc) return rc;
    memset(rep, 0, sizeof *rep);
    if (!found)
        bad(rep, seq, "entry %" PRId64 " named by the anchor is missing (the log was cut back)",
            seq);
    else if (sodium_memcmp(got, hash, STORE_HASH_HEX - 1) != 0)
        bad(rep, seq, "entry %" PRId64 " differs from the anchor taken earlier (history was "
            "rewritten)", seq);
    return KC_OK;
}
