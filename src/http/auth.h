/* auth.h — staff sessions for the HTTP server: random session tokens (kept only as their BLAKE2b
 * hash), CSRF tokens for cookie-authenticated writes, idle and absolute expiry, and login
 * back-off per account.  Thread-safe (one mutex).  Times are passed in (seconds since epoch).
 * Rules: ASVS v4.0.3 3.2.1 (new token at login), 3.3.1-3.3.2 (logout and idle timeout),
 * 2.2.1 (anti-automation); HIPAA 164.312(a)(2)(iii) automatic logoff. */
#ifndef KC_HTTP_AUTH_H
#define KC_HTTP_AUTH_H

#include <time.h>

#include "base/error.h"

#define AUTH_IDLE_S (30 * 60)          /* idle sessions end after 30 min */
#define AUTH_ABSOLUTE_S (12 * 3600)    /* every session ends after 12 h (one clinic day) */
#define AUTH_MAX_FAILURES 5            /* failed logins ... */
#define AUTH_FAILURE_WINDOW_S (15 * 60)/* ... within 15 min lock the account ... */
#define AUTH_LOCK_S (15 * 60)          /* ... for 15 min */
#define AUTH_MAX_SESSIONS 4096
#define AUTH_TOKEN_HEX 64              /* 32 random bytes */

struct auth;

int auth_new(struct auth **out, struct kc_error *err);
void auth_free(struct auth *a);

/* Creates a session for user/role; writes the session token and the CSRF token (hex, NUL
 * terminated).  KC_ELIMIT when the table is full of live sessions. */
int auth_session_create(struct auth *a, const char *user, int role, time_t now,
                        char token[AUTH_TOKEN_HEX + 1], char csrf[AUTH_TOKEN_HEX + 1],
                        struct kc_error *err);
/* Looks up a live session by token and refreshes its idle timer.  KC_EDENIED when unknown or
 * expired (an expired session is removed).  user (64 bytes), csrf (65) and token_hash (65) may be
 * NULL. */
int auth_session_lookup(struct auth *a, const char *token, time_t now, char *user, int *role,
                        char *csrf, char *token_hash);
void auth_session_end(struct auth *a, const char *token);

/* 1 when user may try a password now; else 0 and *retry_after_s. */
int auth_login_allowed(struct auth *a, const char *user, time_t now, int *retry_after_s);
void auth_login_result(struct auth *a, const char *user, int success, time_t now);

/* Constant-time comparison of two NUL-terminated tokens. */
int auth_token_equal(const char *a, const char *b);

#endif
