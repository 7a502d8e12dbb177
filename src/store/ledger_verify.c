/* ledger_verify.c — reading the controlled-substance ledger back: the report of entries, and the
 * verifier that re-checks the hash chain, replays every entry through the rules of
 * src/clinic/ledger.c (never negative, recorded running balances right) and compares the
 * replayed balances with the balance table. */
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_ledger.h"

/* Fills r->ev from a row selected with LEDGER_COLS (strings point into the row). */
static int fill_row(const struct srow *r, struct store_ledger_row *x, struct kc_error *err)
{
    memset(x, 0, sizeof *x);
    x->seq = srow_int(r, 0);
    store__copy(r, 1, x->at, sizeof x->at);
    if (ledger_kind_parse(srow_text(r, 2), &x->ev.kind, err)) return KC_EINVAL;
    x->ev.drug = srow_text(r, 3);
    x->ev.lot = srow_text(r, 4);
    x->ev.location = srow_text(r, 5);
    x->ev.to_location = srow_text(r, 6);
    x->ev.qty_ug = srow_int(r, 7);
    x->balance_after_ug = srow_int(r, 9);
    x->to_balance_after_ug = srow_int(r, 10);
    x->ev.supplier = srow_text(r, 11);
    x->ev.user = srow_text(r, 12);
    x->ev.witness = srow_text(r, 13);
    x->ev.reason = srow_text(r, 14);
    x->ev.dose_id = srow_int(r, 15);
    x->ev.patient_id = srow_int(r, 16);
    x->discrepancy_id = srow_int(r, 17);
    return KC_OK;
}

struct list_ctx {
    int (*fn)(void *, const struct store_ledger_row *);
    void *ctx;
    struct kc_error *err;
};

static int list_row(void *ctx, const struct srow *r)
{
    struct list_ctx *l = ctx;
    struct store_ledger_row x;
    int rc = fill_row(r, &x, l->err);
    return rc ? rc : l->fn(l->ctx, &x);
}

int store_ledger_entries(struct store *st, const char *from, const char *to,
                         int (*fn)(void *ctx, const struct store_ledger_row *r), void *ctx,
                         struct kc_error *err)
{
    char f[32], t[32];
    int rc;
    if ((rc = store__time("from", from, 0, f, err)) || (rc = store__time("to", to, 0, t, err)))
        return rc;
    struct list_ctx l = {fn, ctx, err};
    struct sv a[] = {SV_T(f), SV_T(t[0] ? t : "9999")};
    rc = store__q(st, "SELECT " LEDGER_COLS " FROM ledger_entries WHERE at >= ? AND at <= ? "
                      "ORDER BY seq",
                  a, 2, list_row, &l, err);
    return rc > 0 ? KC_OK : rc;
}

/* Replayed balance of one lot at one location. */
struct bal {
    char key[200];
    int64_t ug, last_seq;
    int seen; /* found in the balance table */
};

struct verify_ctx {
    struct store *st;
    struct store_verify *rep;
    struct kc_error *err;
    int64_t expect;
    char prev[STORE_HASH_HEX];
    struct bal *bals;
    size_t n, cap;
};

#define bad store__verify_bad

static struct bal *lookup(struct verify_ctx *v, const char *drug, const char *lot,
                          const char *loc)
{
    char key[200];
    snprintf(key, sizeof key, "%s|%s|%s", drug ? drug : "", lot ? lot : "", loc ? loc : "");
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->bals[i].key, key) == 0) return &v->bals[i];
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        struct bal *b = realloc(v->bals, cap * sizeof *b);
        if (!b) return NULL;
        v->bals = b;
        v->cap = cap;
    }
    struct bal *b = &v->bals[v->n++];
    snprintf(b->key, sizeof b->key, "%s", key);
    b->ug = 0;
    b->last_seq = 0;
    b->seen = 0;
    return b;
}

static int replay(struct verify_ctx *v, const struct store_ledger_row *x, int64_t delta)
{
    struct ledger_effect eff;
    struct kc_error e = {0};
    int transfer = x->ev.kind == LEDGER_TRANSFER;
    struct bal *b = lookup(v, x->ev.drug, x->ev.lot, x->ev.location);
    struct bal *tb = transfer ? lookup(v, x->ev.drug, x->ev.lot, x->ev.to_location) : NULL;
    if (!b || (transfer && !tb)) return kc_error_set(v->err, KC_ENOMEM, "out of memory");
    if (ledger_check(&x->ev, b->ug, tb ? tb->ug : 0, &eff, &e))
        return bad(v->rep, x->seq, "replaying it breaks the ledger rules: %s", e.msg);
    if (eff.delta_ug != delta || eff.balance_after_ug != x->balance_after_ug ||
        (transfer && eff.to_balance_after_ug != x->to_balance_after_ug))
        return bad(v->rep, x->seq, "its recorded movement (%" PRId64 " ug, balance %" PRId64
                   " ug) differs from the replay (%" PRId64 " ug, balance %" PRId64 " ug)",
                   delta, x->balance_after_ug, eff.delta_ug, eff.balance_after_ug);
    b->ug = eff.balance_after_ug;
    b->last_seq = x->seq;
    if (tb) {
        tb->ug = eff.to_balance_after_ug;
        tb->last_seq = x->seq;
    }
    return 0;
}

static int verify_row(void *ctx, const struct srow *r)
{
    struct verify_ctx *v = ctx;
    struct store_ledger_row x;
    int64_t seq = srow_int(r, 0);
    /* the hash chain first (as for the audit log), then the entry replayed through the rules */
    int rc = store__verify_link(v->st, r, LEDGER_DOMAIN, LEDGER_HASH_FIELDS, 18, &v->expect,
                                v->prev, v->rep);
    if (rc) return rc;
    if (fill_row(r, &x, v->err)) return bad(v->rep, seq, "%s", v->err->msg);
    rc = replay(v, &x, srow_int(r, 8));
    if (rc) return rc;
    v->rep->checked++;
    return 0;
}

static int table_row(void *ctx, const struct srow *r)
{
    struct verify_ctx *v = ctx;
    const char *drug = srow_text(r, 0), *lot = srow_text(r, 1), *loc = srow_text(r, 2);
    int64_t ug = srow_int(r, 3);
    struct bal *b = lookup(v, drug, lot, loc);
    if (!b) return kc_error_set(v->err, KC_ENOMEM, "out of memory");
    b->seen = 1;
    if (b->ug != ug)
        return bad(v->rep, b->last_seq ? b->last_seq : v->expect - 1,
                   "the balance table holds %" PRId64 " ug of %s lot %s at %s but the entries "
                   "add up to %" PRId64 " ug", ug, drug, lot, loc, b->ug);
    return 0;
}

int store_ledger_verify(struct store *st, struct store_verify *rep, struct kc_error *err)
{
    struct verify_ctx v = {st, rep, err, 1, "", NULL, 0, 0};
    int64_t head_seq = 0;
    struct sv a[] = {SV_T("ledger")};
    memset(rep, 0, sizeof *rep);
    int rc = store__begin_snapshot(st, err); /* one snapshot; writers go on */
    if (rc) return rc;
    rc = store__q_int(st, "SELECT seq FROM chain_head WHERE name = ?", a, 1, &head_seq, err);
    if (rc) goto out;
    rc = store__q(st, "SELECT " LEDGER_COLS " FROM ledger_entries ORDER BY seq", NULL, 0,
                  verify_row, &v, err);
    if (rc < 0) goto out;
    rc = KC_OK;
    if (!rep->first_bad_seq && head_seq > v.expect - 1)
        bad(rep, v.expect, "entries %" PRId64 " onwards are missing (the chain head records "
            "more entries than the ledger holds)", v.expect);
    if (!rep->first_bad_seq) {
        rc = store__q(st, "SELECT drug, lot, location, balance_ug FROM ledger_balances", NULL, 0,
                      table_row, &v, err);
        rc = rc > 0 ? KC_OK : rc;
        for (size_t i = 0; !rc && !rep->first_bad_seq && i < v.n; i++)
            if (!v.bals[i].seen && v.bals[i].ug != 0)
                bad(rep, v.bals[i].last_seq, "the balance table has no row for %s, which the "
                    "entries put at %" PRId64 " ug", v.bals[i].key, v.bals[i].ug);
    }
out:
    store__rollback(st);
    free(v.bals);
    return rc;
}
