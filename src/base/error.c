/* error.c — formatting of struct kc_error messages. */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void mark_truncated(struct kc_error *err, int n)
{
    if (n >= (int)sizeof err->msg) memcpy(err->msg + sizeof err->msg - 4, "...", 4);
}

int kc_error_set(struct kc_error *err, int code, const char *fmt, ...)
{
    if (!err) return code;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    mark_truncated(err, n);
    err->code = code;
    return code;
}

int kc_error_prefix(struct kc_error *err, const char *fmt, ...)
{
    if (!err) return KC_EINVAL;
    char old[KC_ERROR_MSG_MAX], pre[KC_ERROR_MSG_MAX];
    memcpy(old, err->msg, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    int n = snprintf(err->msg, sizeof err->msg, "%s: %s", pre, old);
    mark_truncated(err, n);
    return err->code;
}

void kc_error_clear(struct kc_error *err)
{
    if (!err) return;
    err->code = KC_OK;
    err->msg[0] = '\0';
}

const char *kc_status_name(int code)
{
    switch (code) {
    case KC_OK: return "OK";
    case KC_EINVAL: return "EINVAL";
    case KC_ENOMEM: return "ENOMEM";
    case KC_ERANGE: return "ERANGE";
    case KC_ENOTFOUND: return "ENOTFOUND";
    case KC_EUNSUPPORTED: return "EUNSUPPORTED";
    case KC_ENUMERIC: return "ENUMERIC";
    case KC_EIO: return "EIO";
    case KC_ECONFLICT: return "ECONFLICT";
    case KC_EDENIED: return "EDENIED";
    case KC_ELIMIT: return "ELIMIT";
    default: return "EUNKNOWN";
    }
}
