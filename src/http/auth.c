/* auth.c — session table and login back-off (see auth.h). */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "http/auth.h"

struct session {
    int used;
    unsigned char hash[32]; /* BLAKE2b of the token: the token itself is never stored */
    char user[64];
    int role;
    char csrf[AUTH_TOKEN_HEX + 1];
    time_t created, last_seen;
};

#define MAX_TRACKED_USERS 1024
struct failures {
    char user[64];
    int count;
    time_t first, locked_until;
};

struct auth {
    pthread_mutex_t mu;
    struct session s[AUTH_MAX_SESSIONS];
    struct failures f[MAX_TRACKED_USERS];
};

int auth_new(struct auth **out, struct kc_error *err)
{
    if (sodium_init() < 0) return kc_error_set(err, KC_EIO, "libsodium failed to initialise");
    struct auth *a = calloc(1, sizeof *a);
    if (!a) return kc_error_set(err, KC_ENOMEM, "out of memory");
    pthread_mutex_init(&a->mu, NULL);
    *out = a;
    return KC_OK;
}

void auth_free(struct auth *a)
{
    if (!a) return;
    pthread_mutex_destroy(&a->mu);
    sodium_memzero(a, sizeof *a);
    free(a);
}

static void random_hex(char out[AUTH_TOKEN_HEX + 1])
{
    unsigned char raw[AUTH_TOKEN_HEX / 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, AUTH_TOKEN_HEX + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

static void token_hash(const char *token, unsigned char h[32])
{
    crypto_generichash(h, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static int live(const struct session *s, time_t now)
{
    return s->used && now - s->last_seen < AUTH_IDLE_S && now - s->created < AUTH_ABSOLUTE_S;
}

int auth_session_create(struct auth *a, const char *user, int role, time_t now,
                        char token[AUTH_TOKEN_HEX + 1], char csrf[AUTH_TOKEN_HEX + 1],
                        struct kc_error *err)
{
    random_hex(token);
    random_hex(csrf);
    pthread_mutex_lock(&a->mu);
    struct session *slot = NULL;
    for (int i = 0; i < AUTH_MAX_SESSIONS && !slot; i++)
        if (!live(&a->s[i], now)) slot = &a->s[i];
    if (slot) {
        memset(slot, 0, sizeof *slot);
        slot->used = 1;
        token_hash(token, slot->hash);
        snprintf(slot->user, sizeof slot->user, "%s", user);
        slot->role = role;
        memcpy(slot->csrf, csrf, AUTH_TOKEN_HEX + 1);
        slot->created = slot->last_seen = now;
    }
    pthread_mutex_unlock(&a->mu);
    if (!slot) return kc_error_set(err, KC_ELIMIT, "too many open sessions; try again later");
    return KC_OK;
}

static struct session *find(struct auth *a, const char *token)
{
    if (!token || strlen(token) != AUTH_TOKEN_HEX) return NULL;
    unsigned char h[32];
    token_hash(token, h);
    for (int i = 0; i < AUTH_MAX_SESSIONS; i++)
        if (a->s[i].used && sodium_memcmp(a->s[i].hash, h, 32) == 0) return &a->s[i];
    return NULL;
}

int auth_session_lookup(struct auth *a, const char *token, time_t now, char *user, int *role,
                        char *csrf, char *hash_hex)
{
    int rc = KC_EDENIED;
    pthread_mutex_lock(&a->mu);
    struct session *s = find(a, token);
    if (s && !live(s, now)) {
        sodium_memzero(s, sizeof *s);
        s = NULL;
    }
    if (s) {
        s->last_seen = now;
        if (user) snprintf(user, 64, "%s", s->user);
        if (role) *role = s->role;
        if (csrf) memcpy(csrf, s->csrf, AUTH_TOKEN_HEX + 1);
        if (hash_hex) sodium_bin2hex(hash_hex, 65, s->hash, 32);
        rc = KC_OK;
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

void auth_session_end(struct auth *a, const char *token)
{
    pthread_mutex_lock(&a->mu);
    struct session *s = find(a, token);
    if (s) sodium_memzero(s, sizeof *s);
    pthread_mutex_unlock(&a->mu);
}

static struct failures *failures_for(struct auth *a, const char *user, int create, time_t now)
{
    struct failures *free_slot = NULL, *oldest = &a->f[0];
    for (int i = 0; i < MAX_TRACKED_USERS; i++) {
        struct failures *f = &a->f[i];
        if (f->user[0] && strcmp(f->user, user) == 0) return f;
        if (!f->user[0] && !free_slot) free_slot = f;
        if (f->first < oldest->first) oldest = f;
    }
    if (!create) return NULL;
    struct failures *f = free_slot ? free_slot : oldest;
    memset(f, 0, sizeof *f);
    snprintf(f->user, sizeof f->user, "%s", user);
    f->first = now;
    return f;
}

int auth_login_allowed(struct auth *a, const char *user, time_t now, int *retry_after_s)
{
    pthread_mutex_lock(&a->mu);
    struct failures *f = failures_for(a, user, 0, now);
    int ok = !f || f->locked_until <= now;
    if (!ok && retry_after_s) *retry_after_s = (int)(f->locked_until - now);
    pthread_mutex_unlock(&a->mu);
    return ok;
}

void auth_login_result(struct auth *a, const char *user, int success, time_t now)
{
    pthread_mutex_lock(&a->mu);
    if (success) {
        struct failures *f = failures_for(a, user, 0, now);
        if (f) memset(f, 0, sizeof *f);
    } else {
        struct failures *f = failures_for(a, user, 1, now);
        if (now - f->first > AUTH_FAILURE_WINDOW_S) {
            f->first = now;
            f->count = 0;
        }
        if (++f->count >= AUTH_MAX_FAILURES) {
            f->locked_until = now + AUTH_LOCK_S;
            f->count = 0;
            f->first = now;
        }
    }
    pthread_mutex_unlock(&a->mu);
}

int auth_token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb || la == 0) return 0;
    return sodium_memcmp(a, b, la) == 0;
}
