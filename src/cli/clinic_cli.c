/* clinic_cli.c — file reading, protocol loading and trace rendering for the clinical commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/clinic_cli.h"

int clinic_cli_read_file(const char *path, size_t max, char **text, struct kc_error *err)
{
    int rc = KC_OK;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "rb");
    /* the path is user input: a file that cannot be opened is bad input (exit 2) */
    if (!f) return kc_error_set(err, KC_EINVAL, "%s: cannot open: %s", path, strerror(errno));
    buf = malloc(max + 2);
    if (!buf) {
        rc = kc_error_set(err, KC_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    len = fread(buf, 1, max + 1, f);
    if (ferror(f)) {
        rc = kc_error_set(err, KC_EIO, "%s: read error", path);
        goto out;
    }
    if (len > max) {
        rc = kc_error_set(err, KC_ELIMIT, "%s: larger than %zu bytes", path, max);
        goto out;
    }
    if (memchr(buf, '\0', len)) {
        rc = kc_error_set(err, KC_EINVAL, "%s: contains a NUL byte (not a text file)", path);
        goto out;
    }
    buf[len] = '\0';
    *text = buf;
    buf = NULL;
out:
    free(buf);
    fclose(f);
    return rc;
}

int clinic_cli_load_protocol(const char *path, struct protocol *p, struct kc_error *err)
{
    char *text = NULL;
    protocol_init_default(p);
    if (!path) return KC_OK;
    int rc = clinic_cli_read_file(path, CLINIC_CLI_FILE_MAX, &text, err);
    if (rc == KC_OK) rc = protocol_apply_override(p, text, err);
    if (rc) kc_error_prefix(err, "%s", path);
    free(text);
    return rc;
}

json_t *clinic_cli_trace_json(const struct protocol_trace *t)
{
    json_t *keys = json_array();
    for (size_t i = 0; i < t->n; i++) json_array_append_new(keys, json_string(t->keys[i]));
    return json_pack("{s:s, s:o}", "version", t->version, "entries", keys);
}

void clinic_cli_trace_print(FILE *out, const struct protocol_trace *t)
{
    fprintf(out, "protocol: %s", t->version);
    for (size_t i = 0; i < t->n; i++) fprintf(out, "%s%s", i ? ", " : " (entries: ", t->keys[i]);
    fprintf(out, "%s\n", t->n ? ")" : "");
}

int clinic_cli_print_json(FILE *out, json_t *v)
{
    if (!v) return KC_ENOMEM;
    char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (!s) return KC_ENOMEM;
    fprintf(out, "%s\n", s);
    free(s);
    return KC_OK;
}
