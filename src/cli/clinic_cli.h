/* clinic_cli.h — helpers shared by the clinical subcommands (score, dose, screen, course,
 * protocol): reading an input file into memory, loading the protocol in force, and rendering a
 * protocol trace.  The clinical rules themselves live in src/clinic/. */
#ifndef KC_CLI_CLINIC_CLI_H
#define KC_CLI_CLINIC_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "base/error.h"
#include "clinic/protocol.h"

#define CLINIC_CLI_FILE_MAX (1024 * 1024) /* input files larger than 1 MiB are refused */

/* Reads the whole of path into a NUL-terminated heap buffer (*text, caller frees).  Refuses files
 * over max bytes or containing NUL bytes.  KC_EIO / KC_ELIMIT / KC_EINVAL naming the path. */
int clinic_cli_read_file(const char *path, size_t max, char **text, struct kc_error *err);

/* Fills p with the defaults, then applies the override file at path when path is non-NULL.
 * Errors are prefixed with the path.  Bad override content is KC_EINVAL/KC_ERANGE. */
int clinic_cli_load_protocol(const char *path, struct protocol *p, struct kc_error *err);

/* {"version": ..., "entries": [keys...]} (new reference) and the table form
 * "protocol: VERSION (entries: a, b, c)". */
json_t *clinic_cli_trace_json(const struct protocol_trace *t);
void clinic_cli_trace_print(FILE *out, const struct protocol_trace *t);

/* Prints a JSON value with 2-space indent and a newline; returns 0, or KC_ENOMEM. */
int clinic_cli_print_json(FILE *out, json_t *v);

#endif
