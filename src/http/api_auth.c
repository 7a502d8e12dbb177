/* api_auth.c — login, logout, the current user, staff accounts and API tokens. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/api.h"
#include "http/server.h"

void http__random_password(char *out, size_t size);
const char *http__cookie(void *conn);

/* Passwords: at least 12 characters (ASVS v4.0.3 2.1.1), at most 128 (2.1.2). */
#define PASSWORD_MIN 12
#define PASSWORD_MAX 128

int api_login(struct api_req *r)
{
    static const char *const allowed[] = {"user", "password", NULL};
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *user, *pw;
    if (api_get_string(r, o, "user", 1, 63, &user) || api_get_string(r, o, "password", 1, PASSWORD_MAX, &pw)) {
        json_decref(o);
        return r->status;
    }
    time_t now = time(NULL);
    int retry = 0;
    if (!auth_login_allowed(r->srv->auth, user, now, &retry)) {
        json_decref(o);
        char v[16];
        snprintf(v, sizeof v, "%d", retry);
        api_header(r, "Retry-After", v);
        return api_error(r, 429, NULL, "too many failed logins for this account; try again in %d s", retry);
    }
    struct kc_error err = {0};
    int rc = store_user_check_password(r->st, user, pw, r->source, &err);
    auth_login_result(r->srv->auth, user, rc == 0, now);
    struct store_user u;
    r->actor.user = user; /* the lookup of one's own account is done as that user */
    if (!rc) rc = store_user_get(r->st, &r->actor, user, &u, &err);
    int role = rc ? -1 : roles_parse(u.role);
    if (rc || role < 0 || !u.active) {
        json_decref(o);
        return api_error(r, 401, NULL, "%s", "wrong user name or password");
    }
    char token[AUTH_TOKEN_HEX + 1], csrf[AUTH_TOKEN_HEX + 1];
    rc = auth_session_create(r->srv->auth, u.name, role, now, token, csrf, &err);
    json_decref(o);
    if (rc) return api_from_error(r, &err);
    char cookie[256];
    snprintf(cookie, sizeof cookie, "kc_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
             token, AUTH_ABSOLUTE_S, r->tls ? "; Secure" : "");
    api_header(r, "Set-Cookie", cookie);
    sodium_memzero(token, sizeof token);
    return api_json(r, 200, json_pack("{s:s, s:s, s:s, s:s, s:i}", "user", u.name, "role", u.role,
                                      "display_name", u.display_name, "csrf_token", csrf,
                                      "idle_timeout_s", AUTH_IDLE_S));
}

int api_logout(struct api_req *r)
{
    const char *tok = NULL;
    if (r->conn) tok = http__cookie(r->conn);
    if (tok) auth_session_end(r->srv->auth, tok);
    api_header(r, "Set-Cookie", "kc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return api_json(r, 200, json_pack("{s:b}", "logged_out", 1));
}

int api_me(struct api_req *r)
{
    json_t *perms = json_object();
    for (int res = 0; res < KC_RES_COUNT; res++) {
        unsigned m = roles_mask(r->role, res);
        json_t *a = json_array();
        if (m & KC_ACT_READ) json_array_append_new(a, json_string("read"));
        if (m & KC_ACT_WRITE) json_array_append_new(a, json_string("write"));
        if (m & KC_ACT_SIGN) json_array_append_new(a, json_string("sign"));
        json_object_set_new(perms, roles_resource_name((enum kc_resource)res), a);
    }
    return api_json(r, 200, json_pack("{s:s, s:s, s:o}", "user", r->user, "role",
                                      roles_name((enum kc_role)r->role), "permissions", perms));
}

int api_users_create(struct api_req *r)
{
    static const char *const allowed[] = {"name", "role", "display_name", "password", NULL};
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *name, *role, *display, *pw;
    int bad = api_get_string(r, o, "name", 1, 63, &name) || api_get_string(r, o, "role", 1, 31, &role) ||
              api_get_string(r, o, "display_name", 1, 127, &display) ||
              api_get_string(r, o, "password", 1, PASSWORD_MAX, &pw);
    if (!bad && roles_parse(role) < 0)
        bad = api_error(r, 422, "role", "unknown role '%s' (admin, prescriber, nurse, front-desk, auditor)", role);
    if (!bad && strlen(pw) < PASSWORD_MIN)
        bad = api_error(r, 422, "password", "passwords need at least %d characters", PASSWORD_MIN);
    if (!bad && strchr(name, '.'))
        bad = api_error(r, 422, "name", "%s", "user names may not contain '.'");
    if (bad) {
        json_decref(o);
        return r->status;
    }
    struct kc_error err = {0};
    int64_t id = 0;
    int rc = store_user_add(r->st, &r->actor, name, role, display, pw, &id, &err);
    json_t *out = rc ? NULL : json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "role", role);
    json_decref(o);
    if (rc) return api_from_error(r, &err);
    return api_json(r, 201, out);
}

/* An API token for a machine client (a monitor gateway, a reporting job): a service account
 * whose password is a random secret, shown once as "NAME.SECRET". */
int api_tokens_create(struct api_req *r)
{
    static const char *const allowed[] = {"name", "role", NULL};
    json_t *o;
    if (api_body_object(r, allowed, &o)) return r->status;
    const char *name, *role;
    int bad = api_get_string(r, o, "name", 1, 40, &name) || api_get_string(r, o, "role", 1, 31, &role);
    if (!bad && roles_parse(role) < 0) bad = api_error(r, 422, "role", "unknown role '%s'", role);
    if (!bad && roles_parse(role) == KC_ROLE_ADMIN)
        bad = api_error(r, 422, "role", "%s", "API tokens cannot have the admin role");
    if (bad) {
        json_decref(o);
        return r->status;
    }
    char account[64], secret[64], token[160];
    snprintf(account, sizeof account, "api-%s", name);
    unsigned char raw[24];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(secret, sizeof secret, raw, sizeof raw);
    struct kc_error err = {0};
    int rc = store_user_add(r->st, &r->actor, account, role, "API token", secret, NULL, &err);
    char role_copy[32];
    snprintf(role_copy, sizeof role_copy, "%s", role); /* role points into o */
    json_decref(o);
    if (rc) return api_from_error(r, &err);
    snprintf(token, sizeof token, "%s.%s", account, secret);
    json_t *out = json_pack("{s:s, s:s, s:s, s:s}", "account", account, "role", role_copy, "token", token,
                            "note", "shown once: send it as 'Authorization: Bearer TOKEN'");
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(token, sizeof token);
    return api_json(r, 201, out);
}
