/* fhir_record.c — a patient's record as FHIR resources (fhir_record: the REST face's reads,
 * searches and $everything) and as an export Bundle (fhir_export_patient: `ketaclinic patient
 * export`).  Both come from one store read and the one mapping in fhir_map.c, so the API and the
 * export cannot disagree. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fhir/fhir.h"

struct vit {
    struct store_vital_row v;
    int64_t session_id;
};

struct rec {
    json_t *out;
    int64_t pid, only_id;
    int failed;
    /* vitals are held until the end, to pair each systolic with its diastolic */
    struct vit *vits;
    size_t n_vits, cap_vits;
};

static int put(struct rec *x, json_t *res)
{
    if (!res) {
        x->failed = 1;
        return KC_ENOMEM;
    }
    json_array_append_new(x->out, res);
    return 0;
}

static int on_patient(void *ctx, const struct store_patient *p)
{
    return put(ctx, fhir_patient(p));
}

static int on_weight(void *ctx, const struct store_weight_row *w)
{
    struct rec *x = ctx;
    return put(x, fhir_weight(w, x->pid));
}

static int on_session(void *ctx, const struct store_session *s)
{
    return put(ctx, fhir_encounter(s));
}

static int on_dose(void *ctx, const struct store_dose_row *d)
{
    struct rec *x = ctx;
    return put(x, fhir_medication_administration(d, x->pid));
}

static int on_vital(void *ctx, const struct store_vital_row *v, int64_t session_id)
{
    struct rec *x = ctx;
    if (x->n_vits == x->cap_vits) {
        size_t cap = x->cap_vits ? x->cap_vits * 2 : 256;
        struct vit *nv = realloc(x->vits, cap * sizeof *nv);
        if (!nv) {
            x->failed = 1;
            return KC_ENOMEM;
        }
        x->vits = nv;
        x->cap_vits = cap;
    }
    x->vits[x->n_vits].v = *v;
    x->vits[x->n_vits++].session_id = session_id;
    return 0;
}

/* Rows come by (time, id), so a systolic and a diastolic of the same session and time are in
 * the same run of equal times: each systolic takes the first free diastolic of its run. */
static int vitals_out(struct rec *x)
{
    size_t n = x->n_vits;
    size_t *pair = malloc((n ? n : 1) * sizeof *pair); /* systolic -> its diastolic, or n */
    char *taken = calloc(n ? n : 1, 1);
    int rc = pair && taken ? 0 : KC_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++)
        pair[i] = n;
    for (size_t start = 0, end; start < n && !rc; start = end) {
        for (end = start + 1; end < n && !strcmp(x->vits[end].v.at, x->vits[start].v.at); end++) {
        }
        for (size_t i = start; i < end; i++) {
            if (strcmp(x->vits[i].v.code, "sbp") != 0) continue;
            for (size_t j = start; j < end; j++)
                if (!taken[j] && !strcmp(x->vits[j].v.code, "dbp") &&
                    x->vits[j].session_id == x->vits[i].session_id) {
                    taken[j] = 1;
                    pair[i] = j;
                    break;
                }
        }
    }
    for (size_t i = 0; i < n && !rc; i++) {
        const struct vit *a = &x->vits[i];
        if (taken[i]) continue; /* a diastolic inside a panel */
        if (x->only_id && a->v.id != x->only_id) continue;
        rc = put(
            x, fhir_vital(&a->v, pair[i] < n ? &x->vits[pair[i]].v : NULL, x->pid, a->session_id));
    }
    free(pair);
    free(taken);
    return rc;
}

static int on_scale(void *ctx, const struct store_scale_row *s, const int *answers, int n)
{
    struct rec *x = ctx;
    int rc = put(x, fhir_questionnaire_response(s, answers, n, x->pid));
    return rc ? rc : put(x, fhir_scale_total(s, x->pid));
}

static int on_side_effect(void *ctx, const struct store_side_effect_row *e, int64_t session_id)
{
    struct rec *x = ctx;
    return put(x, fhir_adverse_event(e, x->pid, session_id));
}

int fhir_record(struct store *st, const struct store_actor *who, int64_t patient_id, unsigned parts,
                int64_t only_id, const char *action, json_t *out, struct kc_error *err)
{
    struct store_record_fns fns = {
        parts & FHIR_PART_PATIENT ? on_patient : NULL,
        parts & FHIR_PART_WEIGHT ? on_weight : NULL,
        parts & FHIR_PART_ENCOUNTER ? on_session : NULL,
        parts & FHIR_PART_DOSE ? on_dose : NULL,
        parts & FHIR_PART_VITAL ? on_vital : NULL,
        parts & FHIR_PART_SCALE ? on_scale : NULL,
        parts & FHIR_PART_ADVERSE ? on_side_effect : NULL,
    };
    struct rec x = {out, patient_id, only_id, 0, NULL, 0, 0};
    int rc = store_patient_record(st, who, patient_id, only_id, action, &fns, &x, err);
    if (!rc && x.n_vits && vitals_out(&x)) x.failed = 1;
    free(x.vits);
    if (!rc && x.failed) rc = kc_error_set(err, KC_ENOMEM, "out of memory building resources");
    return rc;
}

/* Deterministic urn:uuid for "Type/id": BLAKE2b of it, formatted as a version-4 UUID. */
static void urn(const char *type_id, char out[64])
{
    unsigned char h[16];
    char in[96];
    int n = snprintf(in, sizeof in, "ketaclinic/%s", type_id);
    crypto_generichash(h, sizeof h, (const unsigned char *)in, (unsigned long long)n, NULL, 0);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x40);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    snprintf(out, 64,
             "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0],
             h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13],
             h[14], h[15]);
}

/* Every {"reference": "Type/id"} inside v that names an entry becomes that entry's urn. */
static void rewrite_refs(json_t *v, json_t *urls)
{
    const char *key;
    json_t *child;
    size_t i;
    if (json_is_object(v)) {
        json_t *r = json_object_get(v, "reference");
        json_t *u = json_is_string(r) ? json_object_get(urls, json_string_value(r)) : NULL;
        if (u) json_object_set(v, "reference", u);
        json_object_foreach(v, key, child) rewrite_refs(child, urls);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child) rewrite_refs(child, urls);
    }
}

int fhir_export_patient(struct store *st, const struct store_actor *who, int64_t patient_id,
                        json_t **out, struct kc_error *err)
{
    json_t *res = json_array(), *urls = json_object(), *entries = json_array();
    char now[32];
    *out = NULL;
    int rc = res && urls && entries ? KC_OK : kc_error_set(err, KC_ENOMEM, "out of memory");
    if (!rc) rc = fhir_record(st, who, patient_id, FHIR_PART_ALL, 0, "export", res, err);
    size_t i;
    json_t *r;
    json_array_foreach(rc ? NULL : res, i, r)
    {
        char tid[96], u[64];
        snprintf(tid, sizeof tid, "%s/%s", json_string_value(json_object_get(r, "resourceType")),
                 json_string_value(json_object_get(r, "id")));
        urn(tid, u);
        json_object_set_new(urls, tid, json_string(u));
    }
    json_array_foreach(rc ? NULL : res, i, r)
    {
        rewrite_refs(r, urls);
        char tid[96];
        snprintf(tid, sizeof tid, "%s/%s", json_string_value(json_object_get(r, "resourceType")),
                 json_string_value(json_object_get(r, "id")));
        json_array_append_new(
            entries, json_pack("{s:O, s:O}", "fullUrl", json_object_get(urls, tid), "resource", r));
    }
    if (!rc) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        *out = json_pack("{s:s, s:s, s:s, s:O}", "resourceType", "Bundle", "type", "collection",
                         "timestamp", now, "entry", entries);
        if (!*out) rc = kc_error_set(err, KC_ENOMEM, "out of memory building the Bundle");
    }
    json_decref(res);
    json_decref(urls);
    json_decref(entries);
    return rc;
}
