/* store_user.c — staff users: names, roles, argon2id password hashes (libsodium), login checks. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

#define PASSWORD_MIN 12  /* ASVS v4.0.3 2.1.1 (interop-security.md D2) */
#define PASSWORD_MAX 128

static int id_row(void *ctx, const struct srow *r)
{
    *(int64_t *)ctx = srow_int(r, 0);
    return 0;
}

int store_user_add(struct store *st, const struct store_actor *who, const char *name,
                   const char *role, const char *display_name, const char *password,
                   int64_t *id, struct kc_error *err)
{
    char hash[crypto_pwhash_STRBYTES] = "", now[32], rid[64];
    int64_t newid = 0;
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    snprintf(rid, sizeof rid, "%s", name ? name : "-");
    if ((rc = store__text("users.name", name, 63, 1, err)) ||
        (rc = store__text("users.role", role, 31, 1, err)) ||
        (rc = store__text("users.display_name", display_name, 127, 0, err)))
        goto done;
    if (password) {
        size_t n = strnlen(password, PASSWORD_MAX + 1);
        if (n < PASSWORD_MIN || n > PASSWORD_MAX) {
            rc = kc_error_set(err, KC_EINVAL, "password must be %d to %d characters",
                              PASSWORD_MIN, PASSWORD_MAX);
            goto done;
        }
        if (crypto_pwhash_str(hash, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
            rc = kc_error_set(err, KC_ENOMEM, "out of memory hashing the password");
            goto done;
        }
    }
    store__now(now);
    if ((rc = store__begin(st, err))) goto done;
    struct sv a[] = {SV_T(name), SV_T(role), SV_T(display_name), SV_T(password ? hash : NULL),
                     SV_T(now)};
    rc = store__q(st, "INSERT INTO users (name, role, display_name, password_hash, created_at) "
                      "VALUES (?,?,?,?,?) RETURNING id",
                  a, 5, id_row, &newid, err);
done:
    sodium_memzero(hash, sizeof hash);
    rc = store__finish(st, rc, who, "create", "User", rid, NULL, err);
    if (!rc && id) *id = newid;
    return rc;
}

struct user_row {
    struct store_user *u;
    char hash[crypto_pwhash_STRBYTES];
    int found;
};

static int user_row(void *ctx, const struct srow *r)
{
    struct user_row *ur = ctx;
    ur->u->id = srow_int(r, 0);
    store__copy(r, 1, ur->u->name, sizeof ur->u->name);
    store__copy(r, 2, ur->u->role, sizeof ur->u->role);
    store__copy(r, 3, ur->u->display_name, sizeof ur->u->display_name);
    ur->u->active = (int)srow_int(r, 4);
    store__copy(r, 5, ur->hash, sizeof ur->hash);
    ur->found = 1;
    return 0;
}

static int find_user(struct store *st, const char *name, struct user_row *ur,
                     struct kc_error *err)
{
    struct sv a[] = {SV_T(name)};
    int rc = store__q(st, "SELECT id, name, role, display_name, active, password_hash "
                          "FROM users WHERE name = ?",
                      a, 1, user_row, ur, err);
    if (!rc && !ur->found) rc = kc_error_set(err, KC_ENOTFOUND, "no user named '%s'", name);
    return rc;
}

int store_user_get(struct store *st, const struct store_actor *who, const char *name,
                   struct store_user *out, struct kc_error *err)
{
    struct store_user u = {0};
    struct user_row ur = {.u = &u};
    int rc = store__check_actor(who, err);
    if (rc) return rc;
    if ((rc = store__text("user name", name, 63, 1, err))) goto done;
    if ((rc = store__begin(st, err))) goto done;
    rc = find_user(st, name, &ur, err);
done:
    sodium_memzero(ur.hash, sizeof ur.hash);
    rc = store__finish(st, rc, who, "read", "User", name ? name : "-", NULL, err);
    if (!rc) *out = u;
    return rc;
}

int store_user_check_password(struct store *st, const char *name, const char *password,
                              const char *source, struct kc_error *err)
{
    struct store_user u = {0};
    struct user_row ur = {.u = &u};
    struct store_actor who = {name, "unknown", source};
    struct kc_error e2 = {0};
    int rc = store__text("user name", name, 63, 1, err);
    if (rc) return rc;
    if (!password) password = "";
    if ((rc = store__begin(st, err))) return rc;
    rc = find_user(st, name, &ur, &e2);
    if (rc == KC_OK || rc == KC_ENOTFOUND) {
        int ok = rc == KC_OK && u.active && ur.hash[0] &&
                 crypto_pwhash_str_verify(ur.hash, password, strnlen(password, 1024)) == 0;
        if (u.role[0]) who.role = u.role;
        rc = store__audit_append(st, &who, "login", "User", name, ok ? "success" : "failure",
                                 NULL, err);
        if (!rc) rc = store__commit(st, err);
        if (!rc && !ok) rc = kc_error_set(err, KC_EDENIED, "unknown user or wrong password");
    } else {
        *err = e2;
    }
    sodium_memzero(ur.hash, sizeof ur.hash);
    if (st->in_tx) store__rollback(st);
    return rc;
}
