/* store_ledger.c — recording the controlled-substance ledger: each event is checked by
 * src/clinic/ledger.c against the perpetual balance, moves the balance table, and is appended
 * to a hash chain like the audit log (interop-security.md D4), all in one transaction.
 * Disagreeing counts open discrepancies; a resolution is an adjustment with a reason. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/store_ledger.h"

void store__ledger_hash(const unsigned char *key, const char *prev,
                        const char *const f[LEDGER_HASH_FIELDS], char out[STORE_HASH_HEX])
{
    store__hash_fields(key, LEDGER_DOMAIN, prev, f, LEDGER_HASH_FIELDS, out);
}

static int check_event_text(const struct ledger_event *ev, struct kc_error *err)
{
    int rc;
    if ((rc = store__text("ledger drug", ev->drug, 15, 1, err)) ||
        (rc = store__text("ledger lot", ev->lot, 63, 1, err)) ||
        (rc = store__text("ledger location", ev->location, 63, 1, err)) ||
        (rc = store__text("ledger to_location", ev->to_location, 63, 0, err)) ||
        (rc = store__text("ledger supplier", ev->supplier, 127, 0, err)) ||
        (rc = store__text("ledger user", ev->user, 63, 1, err)) ||
        (rc = store__text("ledger witness", ev->witness, 63, 0, err)) ||
        (rc = store__text("ledger reason", ev->reason, STORE_TEXT_MAX - 1, 0, err)))
        return rc;
    return KC_OK;
}

static int active_user(struct store *st, const char *field, const char *name,
                       struct kc_error *err)
{
    int64_t n = 0;
    struct sv a[] = {SV_T(name)};
    int rc = store__q_int(st, "SELECT count(*) FROM users WHERE name = ? AND active = 1", a, 1,
                          &n, err);
    if (rc) return rc;
    if (n == 0) return kc_error_set(err, KC_EINVAL, "ledger %s: no active staff user '%s'", field,
                                    name);
    return KC_OK;
}

/* Makes sure the balance row exists, then reads it (the chain head lock taken before makes the
 * read current on PostgreSQL too). */
static int balance(struct store *st, const char *drug, const char *lot, const char *loc,
                   int64_t *out, struct kc_error *err)
{
    struct sv a[] = {SV_T(drug), SV_T(lot), SV_T(loc)};
    int rc = store__q(st, "INSERT INTO ledger_balances (drug, lot, location, balance_ug) "
                          "VALUES (?,?,?,0) ON CONFLICT DO NOTHING",
                      a, 3, NULL, NULL, err);
    if (rc) return rc;
    return store__q_int(st, "SELECT balance_ug FROM ledger_balances WHERE drug = ? AND lot = ? "
                            "AND location = ?",
                        a, 3, out, err);
}

static int set_balance(struct store *st, const char *drug, const char *lot, const char *loc,
                       int64_t v, struct kc_error *err)
{
    struct sv a[] = {SV_I(v), SV_T(drug), SV_T(lot), SV_T(loc)};
    return store__q(st, "UPDATE ledger_balances SET balance_ug = ? WHERE drug = ? AND lot = ? "
                        "AND location = ?",
                    a, 4, NULL, NULL, err);
}

static void num(char *buf, size_t n, int64_t v, int present)
{
    if (present) snprintf(buf, n, "%" PRId64, v);
    else buf[0] = '\0';
}

int store__ledger_append_for(struct store *st, const struct ledger_event *ev, const char *at,
                             int64_t discrepancy_id, int64_t *seq_out, int64_t *disc_id,
                             struct kc_error *err)
{
    int64_t seq, bal = 0, tobal = 0;
    char prev[STORE_HASH_HEX], hash[STORE_HASH_HEX];
    struct ledger_effect eff;
    int transfer = ev->kind == LEDGER_TRANSFER;
    int rc = check_event_text(ev, err);
    if (rc) return rc;
    if ((rc = store__chain_next(st, "ledger", &seq, prev, err))) return rc;
    if ((rc = active_user(st, "user", ev->user, err))) return rc;
    if (ev->witness && *ev->witness && (rc = active_user(st, "witness", ev->witness, err)))
        return rc;
    if (ledger_drug_known(ev->drug) && ev->lot && *ev->lot && ev->location && *ev->location) {
        if ((rc = balance(st, ev->drug, ev->lot, ev->location, &bal, err))) return rc;
        if (transfer && ev->to_location && *ev->to_location &&
            (rc = balance(st, ev->drug, ev->lot, ev->to_location, &tobal, err)))
            return rc;
    }
    if ((rc = ledger_check(ev, bal, tobal, &eff, err))) return rc;
    if ((rc = set_balance(st, ev->drug, ev->lot, ev->location, eff.balance_after_ug, err)))
        return rc;
    if (transfer &&
        (rc = set_balance(st, ev->drug, ev->lot, ev->to_location, eff.to_balance_after_ug, err)))
        return rc;

    char s_seq[24], s_qty[24], s_delta[24], s_bal[24], s_tobal[24], s_dose[24], s_pat[24],
        s_disc[24];
    num(s_seq, sizeof s_seq, seq, 1);
    num(s_qty, sizeof s_qty, ev->qty_ug, 1);
    num(s_delta, sizeof s_delta, eff.delta_ug, 1);
    num(s_bal, sizeof s_bal, eff.balance_after_ug, 1);
    num(s_tobal, sizeof s_tobal, eff.to_balance_after_ug, transfer);
    num(s_dose, sizeof s_dose, ev->dose_id, ev->dose_id > 0);
    num(s_pat, sizeof s_pat, ev->patient_id, ev->patient_id > 0);
    num(s_disc, sizeof s_disc, discrepancy_id, discrepancy_id > 0);
#define OPT(s) ((s) && *(s) ? (s) : "")
    const char *f[LEDGER_HASH_FIELDS] = {
        s_seq, at, ledger_kind_name(ev->kind), ev->drug, ev->lot, ev->location,
        transfer ? ev->to_location : "", s_qty, s_delta, s_bal, s_tobal, OPT(ev->supplier),
        ev->user, OPT(ev->witness), OPT(ev->reason), s_dose, s_pat, s_disc};
#undef OPT
    store__ledger_hash(st->key, prev, f, hash);
#define NUL(s) ((s)[0] ? SV_T(s) : SV_N)
    struct sv a[] = {SV_I(seq),    SV_T(at),       SV_T(f[2]),  SV_T(f[3]),    SV_T(f[4]),
                     SV_T(f[5]),   NUL(f[6]),      SV_I(ev->qty_ug), SV_I(eff.delta_ug),
                     SV_I(eff.balance_after_ug),   NUL(s_tobal), NUL(f[11]),   SV_T(f[12]),
                     NUL(f[13]),   NUL(f[14]),     NUL(s_dose), NUL(s_pat),   NUL(s_disc),
                     SV_T(prev),   SV_T(hash)};
#undef NUL
    rc = store__q(st, "INSERT INTO ledger_entries (" LEDGER_COLS ") VALUES "
                      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                  a, 20, NULL, NULL, err);
    if (rc) return rc;
    if ((rc = store__chain_set_head(st, "ledger", hash, err))) return rc;
    int64_t did = 0;
    if (ev->kind == LEDGER_COUNT && eff.discrepancy) {
        struct sv d[] = {SV_I(seq), SV_T(ev->drug), SV_T(ev->lot), SV_T(ev->location),
                         SV_I(bal), SV_I(ev->qty_ug), SV_T(at)};
        rc = store__q_int(st, "INSERT INTO ledger_discrepancies (count_seq, drug, lot, location, "
                              "expected_ug, counted_ug, opened_at) VALUES (?,?,?,?,?,?,?) "
                              "RETURNING id",
                          d, 7, &did, err);
        if (rc) return rc;
    }
    if (seq_out) *seq_out = seq;
    if (disc_id) *disc_id = did;
    return KC_OK;
}

int store_ledger_record(struct store *st, const struct store_actor *who,
                        const struct ledger_event *ev, int64_t *seq, int64_t *discrepancy_id,
                        struct kc_error *err)
{
    char now[32], rid[24] = "-";
    int64_t s = 0, d = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    store__now(now);
    if ((rc = store__begin(st, err))) goto done;
    rc = store__ledger_append(st, ev, now, &s, &d, err);
    if (!rc) snprintf(rid, sizeof rid, "%" PRId64, s);
done:
    rc = store__finish(st, rc, who, "create", "LedgerEntry", rid, ledger_kind_name(ev->kind),
                       err);
    if (!rc) {
        if (seq) *seq = s;
        if (discrepancy_id) *discrepancy_id = d;
    }
    return rc;
}

struct disc {
    char drug[16], lot[64], location[64], resolved[32];
    int64_t expected, counted;
    int found;
};

static int disc_row(void *ctx, const struct srow *r)
{
    struct disc *d = ctx;
    store__copy(r, 0, d->drug, sizeof d->drug);
    store__copy(r, 1, d->lot, sizeof d->lot);
    store__copy(r, 2, d->location, sizeof d->location);
    d->expected = srow_int(r, 3);
    d->counted = srow_int(r, 4);
    store__copy(r, 5, d->resolved, sizeof d->resolved);
    d->found = 1;
    return 0;
}

int store_ledger_resolve(struct store *st, const struct store_actor *who, int64_t discrepancy_id,
                         const char *reason, int64_t *seq, struct kc_error *err)
{
    char now[32], rid[24];
    struct disc d = {0};
    int64_t s = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "discrepancy:%" PRId64, discrepancy_id);
    if ((rc = store__text("reason", reason, STORE_TEXT_MAX - 1, 1, err))) goto done;
    store__now(now);
    if ((rc = store__begin(st, err))) goto done;
    struct sv a[] = {SV_I(discrepancy_id)};
    /* a no-op UPDATE locks the row on PostgreSQL: two resolutions take turns */
    rc = store__q(st, "UPDATE ledger_discrepancies SET id = id WHERE id = ? RETURNING drug, lot, "
                      "location, expected_ug, counted_ug, resolved_at",
                  a, 1, disc_row, &d, err);
    if (!rc && !d.found)
        rc = kc_error_set(err, KC_ENOTFOUND, "no ledger discrepancy %" PRId64, discrepancy_id);
    if (!rc && d.resolved[0])
        rc = kc_error_set(err, KC_ECONFLICT, "ledger discrepancy %" PRId64 " was already "
                          "resolved at %s", discrepancy_id, d.resolved);
    if (rc) goto done;
    struct ledger_event ev = {.kind = LEDGER_ADJUST, .drug = d.drug, .lot = d.lot,
                              .location = d.location, .qty_ug = d.counted - d.expected,
                              .user = who->user, .reason = reason};
    if ((rc = store__ledger_append_for(st, &ev, now, discrepancy_id, &s, NULL, err))) goto done;
    struct sv u[] = {SV_T(now), SV_T(who->user), SV_T(reason), SV_I(s), SV_I(discrepancy_id)};
    rc = store__q(st, "UPDATE ledger_discrepancies SET resolved_at = ?, resolved_by = ?, "
                      "reason = ?, resolve_seq = ? WHERE id = ?",
                  u, 5, NULL, NULL, err);
done:
    rc = store__finish(st, rc, who, "update", "LedgerDiscrepancy", rid, NULL, err);
    if (!rc && seq) *seq = s;
    return rc;
}

struct bal_ctx {
    int (*fn)(void *, const struct store_ledger_balance *);
    void *ctx;
};

static int bal_row(void *ctx, const struct srow *r)
{
    struct bal_ctx *b = ctx;
    struct store_ledger_balance x;
    store__copy(r, 0, x.drug, sizeof x.drug);
    store__copy(r, 1, x.lot, sizeof x.lot);
    store__copy(r, 2, x.location, sizeof x.location);
    x.balance_ug = srow_int(r, 3);
    x.open_discrepancies = (int)srow_int(r, 4);
    return b->fn(b->ctx, &x);
}

int store_ledger_balances(struct store *st, const char *drug,
                          int (*fn)(void *ctx, const struct store_ledger_balance *b), void *ctx,
                          struct kc_error *err)
{
    struct bal_ctx b = {fn, ctx};
    struct sv a[] = {SV_T(drug), SV_T(drug)};
    int rc = store__q(st, "SELECT b.drug, b.lot, b.location, b.balance_ug, (SELECT count(*) FROM "
                          "ledger_discrepancies d WHERE d.drug = b.drug AND d.lot = b.lot AND "
                          "d.location = b.location AND d.resolved_at IS NULL) FROM "
                          "ledger_balances b WHERE (CAST(? AS TEXT) IS NULL OR b.drug = ?) "
                          "ORDER BY b.drug, b.lot, b.location",
                      a, 2, bal_row, &b, err);
    return rc > 0 ? KC_OK : rc;
}
