/* bootstrap.c — first-run work of the server (the admin account with a one-time password, the
 * demonstration clinic) and API-token authentication for machine clients. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clinic/roles.h"
#include "http/server.h"

int http__bootstrap(struct http_server *s, struct kc_error *err);
int http__bearer(struct http_server *s, const char *header, char *user, int *role);
int http__demo_load(struct store *st, struct kc_error *err); /* demo.c */

/* A password of 20 characters from a 54-symbol alphabet without look-alikes (~115 bits). */
void http__random_password(char *out, size_t size);
void http__random_password(char *out, size_t size)
{
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    size_t n = size - 1 < 20 ? size - 1 : 20;
    for (size_t i = 0; i < n; i++) out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[n] = '\0';
}

int http__bootstrap(struct http_server *s, struct kc_error *err)
{
    struct store *st = http_store_take(s);
    struct store_actor sys = {"system", "admin", "bootstrap"};
    struct store_user u;
    struct kc_error local = {0};
    int rc = store_user_get(st, &sys, "admin", &u, &local);
    if (rc == KC_ENOTFOUND) {
        char pw[32];
        http__random_password(pw, sizeof pw);
        rc = store_user_add(st, &sys, "admin", "admin", "Clinic administrator", pw, NULL, err);
        if (rc == KC_OK) {
            printf("ketaclinic: created user 'admin' with one-time password: %s\n"
                   "ketaclinic: log in and create named accounts for your staff.\n", pw);
            fflush(stdout);
        }
        sodium_memzero(pw, sizeof pw);
    } else if (rc) {
        *err = local;
    }
    if (rc == KC_OK && s->opt.demo) rc = http__demo_load(st, err);
    http_store_give(s, st);
    return rc;
}

/* Verified API tokens, cached for 5 minutes so that each request does not pay for argon2id. */
#define TOKEN_CACHE 64
#define TOKEN_CACHE_S 300
static struct {
    unsigned char hash[32];
    char user[64];
    int role;
    time_t expires;
} cache[TOKEN_CACHE];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

int http__bearer(struct http_server *s, const char *token, char *user, int *role)
{
    size_t len = strlen(token);
    if (len < 10 || len > 200) return KC_EDENIED;
    unsigned char h[32];
    crypto_generichash(h, 32, (const unsigned char *)token, len, NULL, 0);
    time_t now = time(NULL);
    pthread_mutex_lock(&cache_mu);
    for (int i = 0; i < TOKEN_CACHE; i++)
        if (cache[i].expires > now && sodium_memcmp(cache[i].hash, h, 32) == 0) {
            snprintf(user, 64, "%s", cache[i].user);
            *role = cache[i].role;
            pthread_mutex_unlock(&cache_mu);
            return KC_OK;
        }
    pthread_mutex_unlock(&cache_mu);
    /* "NAME.SECRET": NAME is the token's user account, SECRET its password. */
    const char *dot = strchr(token, '.');
    if (!dot || dot == token || (size_t)(dot - token) >= 64) return KC_EDENIED;
    char name[64];
    memcpy(name, token, (size_t)(dot - token));
    name[dot - token] = '\0';
    struct store *st = http_store_take(s);
    struct store_user u;
    struct kc_error err = {0};
    struct store_actor sys = {"system", "admin", "api-token"};
    int rc = store_user_check_password(st, name, dot + 1, "api-token", &err);
    if (!rc) rc = store_user_get(st, &sys, name, &u, &err);
    http_store_give(s, st);
    if (rc || !u.active || roles_parse(u.role) < 0) return KC_EDENIED;
    snprintf(user, 64, "%s", name);
    *role = roles_parse(u.role);
    pthread_mutex_lock(&cache_mu);
    int slot = 0;
    for (int i = 1; i < TOKEN_CACHE; i++)
        if (cache[i].expires < cache[slot].expires) slot = i;
    memcpy(cache[slot].hash, h, 32);
    snprintf(cache[slot].user, sizeof cache[slot].user, "%s", name);
    cache[slot].role = *role;
    cache[slot].expires = now + TOKEN_CACHE_S;
    pthread_mutex_unlock(&cache_mu);
    return KC_OK;
}
