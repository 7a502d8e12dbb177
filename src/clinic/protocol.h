/* protocol.h — the versioned clinical protocol table: every threshold, default and limit the
 * clinic rules use, each with its unit, safe range, source and confidence (clinical.md §9.1).
 * Pure data plus small lookup code; clinic overrides arrive as JSON text (no file I/O here). */
#ifndef KC_CLINIC_PROTOCOL_H
#define KC_CLINIC_PROTOCOL_H

#include <stddef.h>

#include "base/error.h"

/* Version of the shipped default table.  Bump it whenever an entry's value or safe range changes. */
#define PROTOCOL_DEFAULT_VERSION "kc-default-2026.2"
#define PROTOCOL_VERSION_MAX 96
#define PROTOCOL_TRACE_MAX 24

/* One entry of the default table (static, never freed). */
struct protocol_entry {
    const char *key;        /* dotted name, e.g. "iv.hard_limit_mg_per_kg" */
    double value;           /* shipped default, in unit */
    const char *unit;       /* "mg/kg", "mmHg", "%", "min", "days", "count", ... */
    double safe_min;        /* an override outside [safe_min, safe_max] is refused */
    double safe_max;
    const char *source;     /* paper, label or consensus; "product decision" where so */
    const char *confidence; /* "V", "S", "?" as in reference/clinical.md */
};

/* The default table and its length (defined in protocol_table.c). */
extern const struct protocol_entry protocol_table[];
extern const size_t protocol_table_len;

/* A protocol in force: the default table's values, possibly overridden by a clinic.
 * Caller-owned, plain value (copyable); no heap. */
#define PROTOCOL_MAX_ENTRIES 192
struct protocol {
    char version[PROTOCOL_VERSION_MAX]; /* "kc-default-2026.2" or "kc-default-2026.2+<clinic>" */
    double value[PROTOCOL_MAX_ENTRIES]; /* index-aligned with protocol_table */
    unsigned char overridden[PROTOCOL_MAX_ENTRIES];
};

/* Which protocol version and which entries a computed result used. */
struct protocol_trace {
    char version[PROTOCOL_VERSION_MAX];
    const char *keys[PROTOCOL_TRACE_MAX]; /* point into protocol_table (static) */
    size_t n;
};

/* Fills p with the shipped defaults. */
void protocol_init_default(struct protocol *p);

/* Index of key in protocol_table, or -1 when unknown. */
int protocol_index(const char *key);

/* Value of key in p, recording the key in trace (if non-NULL; duplicates are kept once).
 * key must be a key of the default table (a programming error otherwise): unknown keys return
 * NAN, which every caller's range checks refuse. */
double protocol_use(const struct protocol *p, const char *key, struct protocol_trace *trace);

/* Starts a trace for p (copies its version, no keys). */
void protocol_trace_begin(struct protocol_trace *trace, const struct protocol *p);

/* Checks one proposed value against the entry's safe range.  KC_ENOTFOUND for an unknown key,
 * KC_ERANGE with the reason ("'alarm.spo2_min_pct' = 75 %: below its safe minimum 80 %
 * (source ...)") when outside. */
int protocol_check_value(const char *key, double value, struct kc_error *err);

/* Applies a clinic override given as JSON text:
 *   {"clinic": "north-site", "version": "3", "overrides": {"iv.default_mg_per_kg": 0.4, ...}}
 * "clinic" (1-40 chars of [A-Za-z0-9._-]) is required; "version" optional (same charset).
 * All-or-nothing: on any error (bad JSON with line/column, unknown key, non-number, value outside
 * the safe range, bad name) p is untouched and the message names the bad part.  On success p's
 * version becomes "<default>+<clinic>[-<version>]".  Pure: json_text is borrowed. */
int protocol_apply_override(struct protocol *p, const char *json_text, struct kc_error *err);

/* Cross-entry consistency (e.g. default dose <= default maximum <= hard limit, single-reading
 * alarm above sustained alarm).  KC_ERANGE naming the pair when violated. */
int protocol_check_consistency(const struct protocol *p, struct kc_error *err);

#endif
