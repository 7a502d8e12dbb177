/* error.h — the one way ketaclinic code fails: a negative KC_E... status and a caller-owned
 * struct kc_error holding a message a person can act on (what was wrong, where, what is allowed). */
#ifndef KC_BASE_ERROR_H
#define KC_BASE_ERROR_H

#include <stddef.h>

enum kc_status {
    KC_OK = 0,
    KC_EINVAL = -1,       /* bad argument or input: the message names the bad part */
    KC_ENOMEM = -2,       /* allocation failed */
    KC_ERANGE = -3,       /* a value outside its allowed range (e.g. above a hard limit) */
    KC_ENOTFOUND = -4,    /* unknown name or id */
    KC_EUNSUPPORTED = -5, /* valid request that this model/component cannot do */
    KC_ENUMERIC = -6,     /* numerical failure (ill-conditioned, no convergence) */
    KC_EIO = -7,          /* file, socket or database I/O */
    KC_ECONFLICT = -8,    /* state conflict (duplicate, already closed, version mismatch) */
    KC_EDENIED = -9,      /* not permitted for this user or role */
    KC_ELIMIT = -10,      /* a size or count limit was exceeded */
};

#define KC_ERROR_MSG_MAX 512

struct kc_error {
    int code;                   /* last status set, KC_OK when clear */
    char msg[KC_ERROR_MSG_MAX]; /* NUL-terminated; truncated with "..." if too long */
};

/* Sets err (if non-NULL) to code and a printf-style message; returns code so callers can write
 * `return kc_error_set(err, KC_EINVAL, "...")`. */
int kc_error_set(struct kc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with "context: " (e.g. the argument that carried the bad value).
 * Returns err->code. */
int kc_error_prefix(struct kc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void kc_error_clear(struct kc_error *err);

/* A short stable name for a status ("EINVAL", ...); never NULL. */
const char *kc_status_name(int code);

#endif
