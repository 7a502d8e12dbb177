/* config.c — the HL7 listener's configuration file (see config.h). */
#include "hl7/config.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hl7_config_default(struct hl7_config *c, const char *clinic_zone, struct kc_error *err)
{
    memset(c, 0, sizeof *c);
    c->max_connections = 256;
    c->max_per_address = 32;
    c->idle_timeout_s = 900;
    c->before_s = 60 * 60;
    c->after_s = 180 * 60;
    c->future_s = 120;
    return hl7_zone_load(clinic_zone && *clinic_zone ? clinic_zone : "UTC", &c->clinic_zone, err);
}

void hl7_config_free(struct hl7_config *c)
{
    if (!c) return;
    hl7_zone_free(&c->clinic_zone);
    for (size_t i = 0; i < c->nsenders; i++) hl7_zone_free(&c->senders[i].zone);
    c->nsenders = 0;
}

static int str(json_t *v, const char *key, char *out, size_t cap, struct kc_error *err)
{
    if (!json_is_string(v) || json_string_length(v) >= cap)
        return kc_error_set(err, KC_EINVAL, "%s: a text of at most %zu characters is needed",
                            key, cap - 1);
    snprintf(out, cap, "%s", json_string_value(v));
    return KC_OK;
}

static int num(json_t *v, const char *key, long lo, long hi, long *out, struct kc_error *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return kc_error_set(err, KC_EINVAL, "%s: a whole number from %ld to %ld is needed", key,
                            lo, hi);
    *out = (long)json_integer_value(v);
    return KC_OK;
}

static int net(const char *text, struct hl7_cfg_net *n, struct kc_error *err)
{
    char host[48];
    snprintf(host, sizeof host, "%s", text);
    char *slash = strchr(host, '/');
    long bits = 32;
    if (slash) {
        *slash = '\0';
        char *end = NULL;
        bits = strtol(slash + 1, &end, 10);
        if (!slash[1] || *end || bits < 0 || bits > 32) goto bad;
    }
    struct in_addr a;
    if (inet_pton(AF_INET, host, &a) != 1) goto bad;
    n->mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
    n->addr = ntohl(a.s_addr) & n->mask;
    return KC_OK;
bad:
    return kc_error_set(err, KC_EINVAL, "allow: '%.40s' is not an IPv4 address or A.B.C.D/N",
                        text);
}

static int map(json_t *obj, const char *key, struct hl7_cfg_map *out, size_t cap, size_t *n,
               struct kc_error *err)
{
    if (!json_is_object(obj))
        return kc_error_set(err, KC_EINVAL, "%s: an object {\"id\": \"chair\"} is needed", key);
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (*n >= cap) return kc_error_set(err, KC_ELIMIT, "%s: more than %zu entries", key, cap);
        if (strlen(k) >= sizeof out[0].key)
            return kc_error_set(err, KC_EINVAL, "%s: key '%.40s' is too long", key, k);
        snprintf(out[*n].key, sizeof out[0].key, "%s", k);
        int rc = str(v, key, out[*n].chair, sizeof out[0].chair, err);
        if (rc) return rc;
        (*n)++;
    }
    return KC_OK;
}

static int load(json_t *root, struct hl7_config *c, struct kc_error *err)
{
    const char *key;
    json_t *v;
    long x;
    int rc = KC_OK;
    if (!json_is_object(root)) return kc_error_set(err, KC_EINVAL, "the file is not a JSON object");
    json_object_foreach(root, key, v) {
        if (!strcmp(key, "mrn")) {
            json_t *t = json_object_get(v, "type"), *a = json_object_get(v, "authority");
            if (!json_is_object(v) || json_object_size(v) != (size_t)(!!t + !!a))
                return kc_error_set(err, KC_EINVAL, "mrn: {\"type\": \"MR\", \"authority\": "
                                    "\"...\"} (both optional) is needed");
            if (t && (rc = str(t, "mrn.type", c->mrn_type, sizeof c->mrn_type, err))) return rc;
            if (a && (rc = str(a, "mrn.authority", c->mrn_authority, sizeof c->mrn_authority,
                               err)))
                return rc;
        } else if (!strcmp(key, "clinic_time_zone")) {
            char z[48];
            if ((rc = str(v, key, z, sizeof z, err))) return rc;
            hl7_zone_free(&c->clinic_zone);
            if ((rc = hl7_zone_load(z, &c->clinic_zone, err))) return kc_error_prefix(err, "%s", key);
        } else if (!strcmp(key, "senders")) {
            size_t i;
            json_t *s;
            if (!json_is_array(v)) return kc_error_set(err, KC_EINVAL, "senders: a list is needed");
            json_array_foreach(v, i, s) {
                if (c->nsenders >= HL7_CFG_MAX)
                    return kc_error_set(err, KC_ELIMIT, "senders: more than %d", HL7_CFG_MAX);
                struct hl7_cfg_sender *d = &c->senders[c->nsenders];
                memset(d, 0, sizeof *d);
                const char *k2;
                json_t *v2;
                char z[48] = "";
                json_object_foreach(s, k2, v2) {
                    if (!strcmp(k2, "application")) rc = str(v2, "senders.application",
                                                             d->application,
                                                             sizeof d->application, err);
                    else if (!strcmp(k2, "address")) rc = str(v2, "senders.address", d->address,
                                                              sizeof d->address, err);
                    else if (!strcmp(k2, "time_zone")) rc = str(v2, "senders.time_zone", z,
                                                                sizeof z, err);
                    else rc = kc_error_set(err, KC_EINVAL, "senders: unknown key '%.40s'", k2);
                    if (rc) return rc;
                }
                if (!z[0]) return kc_error_set(err, KC_EINVAL, "senders[%zu]: time_zone is "
                                               "needed", i);
                if ((rc = hl7_zone_load(z, &d->zone, err)))
                    return kc_error_prefix(err, "senders[%zu].time_zone", i);
                c->nsenders++;
            }
        } else if (!strcmp(key, "devices")) {
            if ((rc = map(v, key, c->devices, HL7_CFG_MAX * 4, &c->ndevices, err))) return rc;
        } else if (!strcmp(key, "beds")) {
            if ((rc = map(v, key, c->beds, HL7_CFG_MAX * 4, &c->nbeds, err))) return rc;
        } else if (!strcmp(key, "allow")) {
            size_t i;
            json_t *s;
            if (!json_is_array(v)) return kc_error_set(err, KC_EINVAL, "allow: a list is needed");
            json_array_foreach(v, i, s) {
                if (c->nallow >= HL7_CFG_MAX || !json_is_string(s))
                    return kc_error_set(err, KC_EINVAL, "allow: at most %d addresses (texts)",
                                        HL7_CFG_MAX);
                if ((rc = net(json_string_value(s), &c->allow[c->nallow], err))) return rc;
                c->nallow++;
            }
        } else if (!strcmp(key, "max_connections")) {
            if ((rc = num(v, key, 1, 100000, &x, err))) return rc;
            c->max_connections = (unsigned)x;
        } else if (!strcmp(key, "max_per_address")) {
            if ((rc = num(v, key, 1, 100000, &x, err))) return rc;
            c->max_per_address = (unsigned)x;
        } else if (!strcmp(key, "idle_timeout_s")) {
            if ((rc = num(v, key, 1, 86400, &x, err))) return rc;
            c->idle_timeout_s = (unsigned)x;
        } else if (!strcmp(key, "before_start_min")) {
            if ((rc = num(v, key, 0, 24 * 60, &x, err))) return rc;
            c->before_s = x * 60;
        } else if (!strcmp(key, "after_end_min")) {
            if ((rc = num(v, key, 0, 24 * 60, &x, err))) return rc;
            c->after_s = x * 60;
        } else if (!strcmp(key, "future_tolerance_s")) {
            if ((rc = num(v, key, 0, 3600, &x, err))) return rc;
            c->future_s = x;
        } else {
            return kc_error_set(err, KC_EINVAL, "unknown key '%.40s'", key);
        }
    }
    return KC_OK;
}

int hl7_config_load(const char *path, const char *clinic_zone, struct hl7_config *c,
                    struct kc_error *err)
{
    int rc = hl7_config_default(c, clinic_zone, err);
    if (rc || !path) return rc;
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        rc = kc_error_set(err, KC_EINVAL, "line %d: %s", je.line, je.text);
    } else {
        rc = load(root, c, err);
        json_decref(root);
    }
    if (rc) {
        kc_error_prefix(err, "--hl7-config %s", path);
        hl7_config_free(c);
    }
    return rc;
}

int hl7_config_allowed(const struct hl7_config *c, unsigned addr_net)
{
    if (c->nallow == 0) return 1;
    unsigned a = ntohl(addr_net);
    for (size_t i = 0; i < c->nallow; i++)
        if ((a & c->allow[i].mask) == c->allow[i].addr) return 1;
    return 0;
}

const struct hl7_zone *hl7_config_sender_zone(const struct hl7_config *c, const char *app,
                                              const char *address)
{
    for (size_t i = 0; i < c->nsenders; i++) {
        const struct hl7_cfg_sender *s = &c->senders[i];
        if (s->application[0] && strcmp(s->application, app ? app : "")) continue;
        if (s->address[0] && strcmp(s->address, address ? address : "")) continue;
        return &s->zone;
    }
    return NULL;
}

static const char *lookup(const struct hl7_cfg_map *m, size_t n, const char *key)
{
    for (size_t i = 0; key && *key && i < n; i++)
        if (!strcmp(m[i].key, key)) return m[i].chair;
    return NULL;
}

const char *hl7_config_device(const struct hl7_config *c, const char *device)
{
    return lookup(c->devices, c->ndevices, device);
}

const char *hl7_config_bed(const struct hl7_config *c, const char *bed)
{
    return lookup(c->beds, c->nbeds, bed);
}
