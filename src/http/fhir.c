/* fhir.c — the FHIR R4 face under /fhir (conformance: hl7.org/fhir/R4/http.html and
 * search.html): the public CapabilityStatement and SMART discovery document, reads and vreads
 * with ETag / If-None-Match, searches (every parameter the CapabilityStatement lists, from
 * src/fhir/fhir_search.c; paging with _count/_offset whose links carry the query and end;
 * Bundle.total; _summary=count; unknown parameters refused unless Prefer: handling=lenient),
 * Patient/$everything, and OperationOutcome for every error (api_fhir_finish).  Resources come
 * from src/fhir (one mapping with the CLI export); every record read is audited by the store.
 * Where the specification leaves a choice this does what HAPI FHIR does: _count above the
 * maximum is lowered to it, a search without a time zone is in the server's (UTC), the default
 * page is 20 and the maximum 200, an unknown version in a vread is 404. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir/fhir.h"
#include "fhir/fhir_search.h"
#include "http/fhir_int.h"
#include "http/server.h"

#define COUNT_DEFAULT 20
#define COUNT_MAX     200
#define MAX_CRITERIA  16

/* ---- responses ---- */

static const char *issue_code(int status)
{
    switch (status) {
    case 400:
        return "invalid";
    case 401:
        return "login";
    case 403:
        return "forbidden";
    case 404:
        return "not-found";
    case 405:
        return "not-supported";
    case 406:
        return "not-supported";
    case 409:
        return "conflict";
    case 412:
        return "conflict";
    case 413:
        return "too-long";
    case 422:
        return "processing";
    case 429:
        return "throttled";
    case 431:
        return "too-long";
    case 503:
        return "transient";
    default:
        return "exception";
    }
}

int fhir__fail(struct api_req *r, int status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->content_type = FHIR_TYPE;
    return api_json(r, status, fhir_outcome("error", code ? code : issue_code(status), msg));
}

int fhir__from_error(struct api_req *r, const struct kc_error *err)
{
    const char *m = err->msg[0] ? err->msg : kc_status_name(err->code);
    switch (err->code) {
    case KC_ENOTFOUND:
        return fhir__fail(r, 404, "not-found", "%s", m);
    case KC_EINVAL:
    case KC_ERANGE:
        return fhir__fail(r, 422, "invalid", "%s", m);
    case KC_EUNSUPPORTED:
        return fhir__fail(r, 422, "not-supported", "%s", m);
    case KC_EDENIED:
        return fhir__fail(r, 403, "forbidden", "%s", m);
    case KC_ECONFLICT:
        return fhir__fail(r, 409, "duplicate", "%s", m);
    case KC_ELIMIT:
    case KC_EIO:
        return fhir__fail(r, 503, "transient", "%s", m);
    default:
        return fhir__fail(r, 500, "exception", "%s", m);
    }
}

void fhir__base(struct api_req *r, char *out, size_t size)
{
    const char *pub = r->srv ? r->srv->opt.public_url : NULL;
    if (pub) {
        size_t n = strlen(pub);
        while (n && pub[n - 1] == '/')
            n--;
        snprintf(out, size, "%.*s/fhir", (int)n, pub);
        return;
    }
    /* The Host header, if it is a plain host[:port] (nothing that could break out of a URL). */
    const char *host = api_header_in(r, "Host");
    int ok = host && *host && strlen(host) < 200;
    for (const char *p = host; ok && *p; p++)
        ok = isalnum((unsigned char)*p) || strchr(".-:[]_", *p);
    snprintf(out, size, "%s://%s/fhir", r->tls ? "https" : "http",
             ok ? host : (r->srv && r->srv->opt.listen ? r->srv->opt.listen : "localhost"));
}

int fhir__resource(struct api_req *r, int status, json_t *res)
{
    if (!res) return fhir__fail(r, 500, "exception", "out of memory building the resource");
    const char *vid = json_string_value(json_object_get(json_object_get(res, "meta"), "versionId"));
    r->content_type = FHIR_TYPE;
    if (vid) {
        char etag[96];
        snprintf(etag, sizeof etag, "W/\"%s\"", vid);
        api_header(r, "ETag", etag);
        const char *inm = api_header_in(r, "If-None-Match");
        if (status == 200 && inm &&
            (!strcmp(inm, etag) || !strcmp(inm, etag + 2) || !strcmp(inm, "*"))) {
            json_decref(res);
            return api_json(r, 304, NULL);
        }
        if (status == 201) {
            char base[256], loc[512];
            fhir__base(r, base, sizeof base);
            snprintf(loc, sizeof loc, "%s/%s/%s/_history/%s", base,
                     json_string_value(json_object_get(res, "resourceType")),
                     json_string_value(json_object_get(res, "id")), vid);
            api_header(r, "Location", loc);
        }
    }
    return api_json(r, status, res);
}

/* JSON only: _format json / application/(fhir+)json; Accept naming JSON, any type, or none. */
int fhir__format_ok(struct api_req *r)
{
    const char *f = api_query(r, "_format");
    if (f && strcmp(f, "json") && strcmp(f, "application/json") &&
        strcmp(f, "application/fhir+json") && strcmp(f, "application/json+fhir"))
        return fhir__fail(r, 406, "not-supported",
                          "_format '%.60s' is not served: this server "
                          "answers in JSON only (_format=json)",
                          f);
    const char *a = api_header_in(r, "Accept");
    if (a && *a && !strstr(a, "json") && !strstr(a, "*/*") && !strstr(a, "application/*"))
        return fhir__fail(r, 406, "not-supported",
                          "Accept '%.60s' is not served: this server "
                          "answers with application/fhir+json only",
                          a);
    return 0;
}

long long fhir__ref_id(const char *s, const char *type)
{
    if (!s) return 0;
    const char *slash = strrchr(s, '/');
    if (slash) {
        size_t n = strlen(type);
        if ((size_t)(slash - s) < n || strncmp(slash - n, type, n) != 0 ||
            (slash - n > s && slash[-(long)n - 1] != '/'))
            return 0;
        s = slash + 1;
    }
    char *end;
    long long v = strtoll(s, &end, 10);
    return (*s >= '0' && *s <= '9' && !*end && v > 0) ? v : 0;
}

void api_fhir_finish(struct api_req *r)
{
    if (!r->path || (strncmp(r->path, "/fhir", 5) != 0 || (r->path[5] && r->path[5] != '/')))
        return;
    json_t *e = r->resp ? json_object_get(r->resp, "error") : NULL;
    if (e && r->status >= 400) {
        const char *m = json_string_value(json_object_get(e, "message"));
        json_t *oo = fhir_outcome("error", issue_code(r->status), m ? m : "error");
        json_decref(r->resp);
        r->resp = oo;
    }
    if (r->resp || r->status >= 400) r->content_type = FHIR_TYPE;
    if (r->status == 401) api_header(r, "WWW-Authenticate", "Bearer realm=\"ketaclinic\"");
    if (r->status == 405) {
        char allow[64];
        api_route_methods(r->path, allow, sizeof allow);
        if (allow[0]) api_header(r, "Allow", allow);
    }
}

/* ---- conformance ---- */

static const struct {
    const char *type, *interactions;
    int conditional; /* conditional create and update */
} kinds[] = {
    {"Patient", "read,vread,search-type,create,update", 1},
    {"Encounter", "read,vread,search-type", 0},
    {"Observation", "read,vread,search-type,create", 0},
    {"MedicationAdministration", "read,vread,search-type", 0},
    {"AdverseEvent", "read,vread,search-type", 0},
    {"QuestionnaireResponse", "read,vread,search-type", 0},
    {"Questionnaire", "read,vread,search-type", 0},
    {"AuditEvent", "read,vread,search-type", 0},
};

static int known_type(const char *t)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].type, t)) return 1;
    return 0;
}

/* Public (no login): it describes the server, never a patient. */
int api_fhir_metadata(struct api_req *r)
{
    if (fhir__format_ok(r)) return r->status;
    char base[256];
    fhir__base(r, base, sizeof base);
    json_t *res = json_array();
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        json_t *inter = json_array(), *sp = json_array();
        char buf[96];
        snprintf(buf, sizeof buf, "%s", kinds[i].interactions);
        for (char *s = buf, *t; (t = strsep(&s, ","));)
            json_array_append_new(inter, json_pack("{s:s}", "code", t));
        int np;
        const struct fhir_param_def *p = fhir_params(kinds[i].type, &np);
        for (int k = 0; k < np; k++)
            json_array_append_new(sp, json_pack("{s:s, s:s, s:s}", "name", p[k].name, "definition",
                                                p[k].definition, "type", p[k].kind));
        json_t *one =
            json_pack("{s:s, s:o, s:s, s:b, s:b, s:b, s:o}", "type", kinds[i].type, "interaction",
                      inter, "versioning", kinds[i].conditional ? "versioned-update" : "versioned",
                      "readHistory", 0, "conditionalCreate", kinds[i].conditional,
                      "conditionalUpdate", kinds[i].conditional, "searchParam", sp);
        if (!strcmp(kinds[i].type, "Patient"))
            json_object_set_new(
                one, "operation",
                json_pack("[{s:s, s:s}]", "name", "everything", "definition",
                          "http://hl7.org/fhir/OperationDefinition/Patient-everything"));
        json_array_append_new(res, one);
    }
    json_t *cs = json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s}, s:{s:s, s:s}, s:s, s:[s, s], s:[{s:s, s:{s:s}, s:o}]}",
        "resourceType", "CapabilityStatement", "status", "active", "date", "2026-12-04", "kind",
        "instance", "software", "name", "ketaclinic", "implementation", "description",
        "ketaclinic clinic server", "url", base, "fhirVersion", "4.0.1", "format", "json",
        FHIR_TYPE, "rest", "mode", "server", "security", "description",
        "Every request but this statement needs a session cookie (POST /api/login) or an API "
        "token (Authorization: Bearer); the role matrix decides what each may read or write, "
        "and every read and write of patient data is audited.",
        "resource", res);
    if (!cs) return fhir__fail(r, 500, "exception", "could not build the CapabilityStatement");
    r->content_type = FHIR_TYPE;
    return api_json(r, 200, cs);
}

/* SMART App Launch discovery.  The server has no OAuth 2.0 authorization server: the document
 * says so (no launch capabilities, no grant types); clients use API tokens issued by an
 * administrator (POST /api/tokens) as Bearer tokens. */
int api_fhir_smart_configuration(struct api_req *r)
{
    json_t *d = json_pack("{s:[], s:[], s:[], s:[]}", "capabilities", "grant_types_supported",
                          "code_challenge_methods_supported", "scopes_supported");
    r->content_type = "application/json";
    return api_json(r, 200, d);
}

/* ---- reads ---- */

/* Route parameter i copied (up to the next '/'). */
static void param(struct api_req *r, int i, char *out, size_t size)
{
    const char *s = i < r->n_params ? r->params[i] : "";
    size_t n = strcspn(s, "/");
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), s);
}

static long long parse_id(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    return (*s >= '0' && *s <= '9' && !*end && v > 0 && strlen(s) < 16) ? v : 0;
}

/* The resource type/id as read (Observation ids carry their kind's letter). */
static int locate(struct api_req *r, const char *type, const char *id, long long *pid,
                  unsigned *part, long long *row, struct kc_error *err)
{
    enum store_record_kind kind;
    *row = parse_id(id);
    if (!strcmp(type, "Patient")) {
        *part = FHIR_PART_PATIENT;
        *pid = *row;
        return *row ? 0 : kc_error_set(err, KC_ENOTFOUND, "no Patient %s", id);
    }
    if (!strcmp(type, "Encounter"))
        kind = STORE_REC_SESSION, *part = FHIR_PART_ENCOUNTER;
    else if (!strcmp(type, "MedicationAdministration"))
        kind = STORE_REC_DOSE, *part = FHIR_PART_DOSE;
    else if (!strcmp(type, "AdverseEvent"))
        kind = STORE_REC_SIDE_EFFECT, *part = FHIR_PART_ADVERSE;
    else if (!strcmp(type, "QuestionnaireResponse"))
        kind = STORE_REC_SCALE, *part = FHIR_PART_SCALE;
    else if (!strcmp(type, "Observation") && (id[0] == 'v' || id[0] == 'w' || id[0] == 's')) {
        *row = parse_id(id + 1);
        kind = id[0] == 'v' ? STORE_REC_VITAL : id[0] == 'w' ? STORE_REC_WEIGHT : STORE_REC_SCALE;
        *part = id[0] == 'v' ? FHIR_PART_VITAL : id[0] == 'w' ? FHIR_PART_WEIGHT : FHIR_PART_SCALE;
    } else {
        return kc_error_set(err, KC_ENOTFOUND, "no %s %s", type, id);
    }
    if (!*row) return kc_error_set(err, KC_ENOTFOUND, "no %s %s", type, id);
    int64_t owner = 0;
    int rc = store_record_owner(r->st, kind, *row, &owner, err);
    *pid = owner;
    if (rc == KC_ENOTFOUND) kc_error_set(err, KC_ENOTFOUND, "no %s %s", type, id);
    return rc;
}

/* The role check of a record part (the route lets any logged-in user through). */
static int part_allowed(const struct api_req *r, unsigned part)
{
    switch (part) {
    case FHIR_PART_PATIENT:
    case FHIR_PART_WEIGHT:
        return roles_allowed(r->role, KC_RES_PATIENT, KC_ACT_READ);
    case FHIR_PART_ENCOUNTER:
    case FHIR_PART_ADVERSE:
        return roles_allowed(r->role, KC_RES_SESSION, KC_ACT_READ);
    case FHIR_PART_DOSE:
        return roles_allowed(r->role, KC_RES_DOSE, KC_ACT_READ);
    case FHIR_PART_VITAL:
        return roles_allowed(r->role, KC_RES_VITALS, KC_ACT_READ);
    case FHIR_PART_SCALE:
        return roles_allowed(r->role, KC_RES_SCALES, KC_ACT_READ);
    default:
        return 0;
    }
}

static unsigned parts_of(const char *type)
{
    if (!strcmp(type, "Patient")) return FHIR_PART_PATIENT;
    if (!strcmp(type, "Encounter")) return FHIR_PART_ENCOUNTER;
    if (!strcmp(type, "Observation")) return FHIR_PART_VITAL | FHIR_PART_WEIGHT | FHIR_PART_SCALE;
    if (!strcmp(type, "MedicationAdministration")) return FHIR_PART_DOSE;
    if (!strcmp(type, "AdverseEvent")) return FHIR_PART_ADVERSE;
    if (!strcmp(type, "QuestionnaireResponse")) return FHIR_PART_SCALE;
    return 0;
}

static int denied(struct api_req *r, const char *what)
{
    return fhir__fail(r, 403, "forbidden", "role %s may not read %s",
                      r->role >= 0 ? roles_name((enum kc_role)r->role) : "none", what);
}

static json_t *find_resource(json_t *list, const char *type, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(
        list, i, x) if (!strcmp(json_string_value(json_object_get(x, "resourceType")), type) &&
                        !strcmp(json_string_value(json_object_get(x, "id")), id)) return x;
    return NULL;
}

static int audit_one(void *ctx, const struct store_audit_entry *a)
{
    json_t **out = ctx;
    *out = fhir_audit_event(a);
    return 0;
}

/* GET /fhir/:type/:id and /fhir/:type/:id/_history/:vid */
int api_fhir_read(struct api_req *r)
{
    char type[40], id[40], vid[80] = "";
    param(r, 0, type, sizeof type);
    param(r, 1, id, sizeof id);
    if (r->n_params > 2) param(r, 2, vid, sizeof vid);
    if (fhir__format_ok(r)) return r->status;
    if (!known_type(type))
        return fhir__fail(r, 404, "not-supported", "unknown resource type '%s'", type);
    struct kc_error err = {0};
    json_t *res = NULL;
    if (!strcmp(type, "Questionnaire")) {
        const struct scale_def *def = scale_find(id);
        if (!def) return fhir__fail(r, 404, "not-found", "no Questionnaire %s", id);
        res = fhir_questionnaire(def);
    } else if (!strcmp(type, "AuditEvent")) {
        if (!roles_allowed(r->role, KC_RES_AUDIT, KC_ACT_READ)) return denied(r, "the audit log");
        long long seq = parse_id(id);
        if (seq && store_audit_list(r->st, seq - 1, 1, audit_one, &res, &err))
            return fhir__from_error(r, &err);
        if (!res) return fhir__fail(r, 404, "not-found", "no AuditEvent %s", id);
    } else {
        long long pid = 0, row = 0;
        unsigned part = 0;
        if (locate(r, type, id, &pid, &part, &row, &err)) return fhir__from_error(r, &err);
        if (!part_allowed(r, part)) return denied(r, type);
        json_t *list = json_array();
        if (fhir_record(r->st, &r->actor, pid, part, part == FHIR_PART_PATIENT ? 0 : row, "read",
                        list, &err)) {
            json_decref(list);
            return fhir__from_error(r, &err);
        }
        res = json_incref(find_resource(list, type, id));
        json_decref(list);
        if (!res) return fhir__fail(r, 404, "not-found", "no %s %s", type, id);
    }
    if (vid[0]) {
        const char *have =
            json_string_value(json_object_get(json_object_get(res, "meta"), "versionId"));
        if (!have || strcmp(have, vid) != 0) {
            json_decref(res);
            return fhir__fail(r, 404, "not-found",
                              "%s/%s has no version %s (only the current "
                              "version is kept)",
                              type, id, vid);
        }
    }
    return fhir__resource(r, 200, res);
}

/* ---- searches ---- */

struct query {
    const char *type;
    struct fhir_criterion crit[MAX_CRITERIA];
    int n;
    long count, offset;
    int summary_count, lenient;
    char kept[2048]; /* the accepted search parameters, encoded, for the links */
    size_t kept_len;
    int bad; /* an error response is set */
};

static void append_enc(struct query *q, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p && q->kept_len + 4 < sizeof q->kept;
         p++) {
        if (isalnum(*p) || strchr("-._~:/,", *p)) {
            q->kept[q->kept_len++] = (char)*p;
        } else {
            q->kept[q->kept_len++] = '%';
            q->kept[q->kept_len++] = hex[*p >> 4];
            q->kept[q->kept_len++] = hex[*p & 15];
        }
    }
    q->kept[q->kept_len] = '\0';
}

static void keep(struct query *q, const char *key, const char *value)
{
    if (q->kept_len && q->kept_len + 1 < sizeof q->kept) {
        q->kept[q->kept_len++] = '&';
        q->kept[q->kept_len] = '\0';
    }
    append_enc(q, key);
    if (q->kept_len + 1 < sizeof q->kept) {
        q->kept[q->kept_len++] = '=';
        q->kept[q->kept_len] = '\0';
    }
    append_enc(q, value);
}

struct parse_ctx {
    struct api_req *r;
    struct query *q;
};

static int long_arg(const char *v, long *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < 0) return -1;
    *out = x;
    return 0;
}

static int parse_arg(void *ctx, const char *key, const char *value)
{
    struct parse_ctx *c = ctx;
    struct query *q = c->q;
    struct api_req *r = c->r;
    if (!strcmp(key, "_count")) {
        if (long_arg(value, &q->count))
            return q->bad = 1, fhir__fail(r, 400, "invalid", "_count must be a whole number >= 0");
        if (q->count > COUNT_MAX) q->count = COUNT_MAX; /* as HAPI FHIR: lowered to the maximum */
        return 0;
    }
    if (!strcmp(key, "_offset")) {
        if (long_arg(value, &q->offset) || q->offset > 100000000)
            return q->bad = 1, fhir__fail(r, 400, "invalid", "_offset must be a whole number >= 0");
        return 0;
    }
    if (!strcmp(key, "_format") || !strcmp(key, "_pretty"))
        return 0; /* checked elsewhere / cosmetic */
    if (!strcmp(key, "_summary")) {
        if (!strcmp(value, "count"))
            q->summary_count = 1;
        else if (strcmp(value, "false") != 0) {
            if (q->lenient) return 0;
            return q->bad = 1, fhir__fail(r, 400, "not-supported",
                                          "_summary=%.40s is not "
                                          "supported (count, false)",
                                          value);
        }
        keep(q, key, value);
        return 0;
    }
    struct kc_error err = {0};
    if (q->n >= MAX_CRITERIA)
        return q->bad = 1,
               fhir__fail(r, 400, "too-costly", "more than %d search parameters", MAX_CRITERIA);
    int rc = fhir_criterion_parse(q->type, key, value, api_zone(r), &q->crit[q->n], &err);
    if (rc == KC_EUNSUPPORTED && q->lenient) return 0; /* left out of the self link */
    if (rc)
        return q->bad = 1, fhir__fail(r, 400, rc == KC_EUNSUPPORTED ? "not-supported" : "invalid",
                                      "%s", err.msg);
    q->n++;
    keep(q, key, value);
    return 0;
}

static int parse_query(struct api_req *r, struct query *q)
{
    const char *prefer = api_header_in(r, "Prefer");
    q->lenient = prefer && strstr(prefer, "handling=lenient") != NULL;
    q->count = COUNT_DEFAULT;
    struct parse_ctx c = {r, q};
    api_query_each(r, parse_arg, &c);
    return q->bad;
}

/* The patients a search names (patient= or subject= references), up to max. */
static int patients_of(const struct query *q, long long *ids, int max)
{
    int n = 0;
    for (int i = 0; i < q->n; i++) {
        const struct fhir_criterion *c = &q->crit[i];
        if (strcmp(c->def->kind, "reference") || c->modifier[0] ||
            (strcmp(c->def->name, "patient") && strcmp(c->def->name, "subject")))
            continue;
        char buf[FHIR_VALUE_MAX];
        snprintf(buf, sizeof buf, "%s", c->value);
        for (char *s = buf, *t; (t = strsep(&s, ",")) && n < max;) {
            long long id = fhir__ref_id(t, "Patient");
            if (id) ids[n++] = id;
        }
        return n ? n : -1; /* named, but none is a Patient: nothing matches */
    }
    return 0;
}

struct collect {
    json_t *all;
    struct query *q;
};

static int patient_each(void *ctx, const struct store_patient *p)
{
    struct collect *c = ctx;
    json_t *res = fhir_patient(p);
    if (!res) return KC_ENOMEM;
    if (fhir_matches(res, c->q->crit, c->q->n))
        json_array_append_new(c->all, res);
    else
        json_decref(res);
    return 0;
}

static int bundle_link(json_t *links, const char *rel, const char *base, const struct query *q,
                       long offset)
{
    char url[3072];
    snprintf(url, sizeof url, "%s/%s?%s%s_count=%ld%s", base, q->type, q->kept,
             q->kept[0] ? "&" : "", q->count, "");
    if (offset > 0) {
        size_t n = strlen(url);
        snprintf(url + n, sizeof url - n, "&_offset=%ld", offset);
    }
    return json_array_append_new(links, json_pack("{s:s, s:s}", "relation", rel, "url", url));
}

/* all: every match, in order; the page [offset, offset + count) goes out. */
static int searchset(struct api_req *r, struct query *q, json_t *all, long total)
{
    char base[256];
    fhir__base(r, base, sizeof base);
    long n = (long)json_array_size(all);
    if (total < 0) total = n;
    json_t *links = json_array(), *entries = json_array();
    if (q->summary_count) {
        bundle_link(links, "self", base, q, 0);
    } else {
        bundle_link(links, "self", base, q, q->offset);
        if (q->count > 0) {
            long last = total > 0 ? (total - 1) / q->count * q->count : 0;
            bundle_link(links, "first", base, q, 0);
            if (q->offset > 0)
                bundle_link(links, "previous", base, q,
                            q->offset > q->count ? q->offset - q->count : 0);
            if (q->offset + q->count < total)
                bundle_link(links, "next", base, q, q->offset + q->count);
            bundle_link(links, "last", base, q, last);
        }
        for (long i = 0; i < n; i++) {
            json_t *res = json_array_get(all, (size_t)i);
            char url[512];
            snprintf(url, sizeof url, "%s/%s/%s", base,
                     json_string_value(json_object_get(res, "resourceType")),
                     json_string_value(json_object_get(res, "id")));
            json_array_append_new(entries, json_pack("{s:s, s:O, s:{s:s}}", "fullUrl", url,
                                                     "resource", res, "search", "mode", "match"));
        }
    }
    json_t *b = json_pack("{s:s, s:s, s:I, s:o}", "resourceType", "Bundle", "type", "searchset",
                          "total", (json_int_t)total, "link", links);
    if (b && json_array_size(entries))
        json_object_set_new(b, "entry", entries);
    else
        json_decref(entries);
    json_decref(all);
    if (!b) return fhir__fail(r, 500, "exception", "out of memory building the Bundle");
    r->content_type = FHIR_TYPE;
    return api_json(r, 200, b);
}

/* Keeps the page of all (which holds every match) and answers. */
static int page_of_all(struct api_req *r, struct query *q, json_t *all)
{
    long total = (long)json_array_size(all);
    json_t *page = json_array();
    for (long i = q->offset; !q->summary_count && i < total && i < q->offset + q->count; i++)
        json_array_append(page, json_array_get(all, (size_t)i));
    json_decref(all);
    return searchset(r, q, page, total);
}

static int audit_page(void *ctx, const struct store_audit_entry *a)
{
    json_t *res = fhir_audit_event(a);
    return res ? json_array_append_new(ctx, res) : KC_ENOMEM;
}

static int search_audit(struct api_req *r, struct query *q)
{
    if (!roles_allowed(r->role, KC_RES_AUDIT, KC_ACT_READ)) return denied(r, "the audit log");
    struct kc_error err = {0};
    int64_t head = 0;
    char hash[65];
    if (store_chain_head(r->st, "audit", &head, hash, &err)) return fhir__from_error(r, &err);
    json_t *page = json_array();
    long total = (long)head;
    if (q->n) { /* _id: one entry at most */
        json_t *all = json_array();
        long long seq = parse_id(q->crit[0].value);
        if (seq && store_audit_list(r->st, seq - 1, 1, audit_page, all, &err)) {
            json_decref(all);
            json_decref(page);
            return fhir__from_error(r, &err);
        }
        json_decref(page);
        json_t *keep_all = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(all, i, x) if (fhir_matches(x, q->crit, q->n))
            json_array_append(keep_all, x);
        json_decref(all);
        return page_of_all(r, q, keep_all);
    }
    if (!q->summary_count && q->count > 0 &&
        store_audit_list(r->st, q->offset, q->count, audit_page, page, &err)) {
        json_decref(page);
        return fhir__from_error(r, &err);
    }
    return searchset(r, q, page, total);
}

/* GET /fhir/:type */
int api_fhir_search(struct api_req *r)
{
    char type[40];
    param(r, 0, type, sizeof type);
    if (fhir__format_ok(r)) return r->status;
    if (!known_type(type))
        return fhir__fail(r, 404, "not-supported", "unknown resource type '%s'", type);
    struct query *q = calloc(1, sizeof *q);
    if (!q) return fhir__fail(r, 500, "exception", "out of memory");
    q->type = type;
    int rc = 0;
    if (parse_query(r, q)) goto out;
    if (!strcmp(type, "AuditEvent")) {
        rc = search_audit(r, q);
        goto out;
    }
    json_t *all = json_array();
    struct kc_error err = {0};
    if (!strcmp(type, "Questionnaire")) {
        for (int i = 0; i < scale_table_len; i++) {
            json_t *res = fhir_questionnaire(scale_table[i]);
            if (res && fhir_matches(res, q->crit, q->n)) json_array_append(all, res);
            json_decref(res);
        }
    } else if (!strcmp(type, "Patient")) {
        if (!part_allowed(r, FHIR_PART_PATIENT)) {
            json_decref(all);
            rc = denied(r, "patients");
            goto out;
        }
        struct collect c = {all, q};
        if (store_patient_each(r->st, &r->actor, patient_each, &c, &err)) {
            json_decref(all);
            rc = fhir__from_error(r, &err);
            goto out;
        }
    } else {
        long long pids[16];
        int np = patients_of(q, pids, 16);
        unsigned parts = parts_of(type), allowed = 0;
        for (unsigned bit = 1; bit <= FHIR_PART_ADVERSE; bit <<= 1)
            if ((parts & bit) && part_allowed(r, bit)) allowed |= bit;
        if (np == 0) {
            json_decref(all);
            rc = fhir__fail(r, 400, "too-costly", "%s searches need the patient: ?%s=Patient/ID",
                            type, !strcmp(type, "AdverseEvent") ? "subject" : "patient");
            goto out;
        }
        if (!allowed) {
            json_decref(all);
            rc = denied(r, type);
            goto out;
        }
        json_t *rec = json_array();
        for (int i = 0; i < np; i++) {
            if (fhir_record(r->st, &r->actor, pids[i], allowed, 0, "read", rec, &err)) {
                if (err.code == KC_ENOTFOUND) continue; /* an unknown patient matches nothing */
                json_decref(rec);
                json_decref(all);
                rc = fhir__from_error(r, &err);
                goto out;
            }
        }
        size_t i;
        json_t *x;
        json_array_foreach(
            rec, i, x) if (!strcmp(json_string_value(json_object_get(x, "resourceType")), type) &&
                           fhir_matches(x, q->crit, q->n)) json_array_append(all, x);
        json_decref(rec);
    }
    rc = page_of_all(r, q, all);
out:
    free(q);
    return rc;
}

int fhir__match_query(struct api_req *r, const char *type, const char *qs, json_t **out)
{
    /* Only Patient writes are conditional: criteria on the Patient search parameters. */
    struct query *q = calloc(1, sizeof *q);
    char buf[1024];
    *out = NULL;
    if (!q) return fhir__fail(r, 500, "exception", "out of memory");
    q->type = type;
    snprintf(buf, sizeof buf, "%s", qs);
    for (char *s = buf, *t; (t = strsep(&s, "&"));) {
        char *eq = strchr(t, '=');
        if (!*t) continue;
        if (!eq || q->n >= MAX_CRITERIA) {
            free(q);
            return fhir__fail(r, 400, "invalid", "the condition '%.80s' is not name=value", t);
        }
        *eq = '\0';
        /* decode %XX in the value */
        char *v = eq + 1, *w = v;
        for (char *p = v; *p; p++) {
            if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
                char h[3] = {p[1], p[2], 0};
                *w++ = (char)strtol(h, NULL, 16);
                p += 2;
            } else
                *w++ = *p == '+' ? ' ' : *p;
        }
        *w = '\0';
        struct kc_error err = {0};
        if (fhir_criterion_parse(type, t, v, api_zone(r), &q->crit[q->n], &err)) {
            free(q);
            return fhir__fail(r, 400, "invalid", "%s", err.msg);
        }
        q->n++;
    }
    if (!q->n) {
        free(q);
        return fhir__fail(r, 400, "invalid", "a conditional write needs search criteria");
    }
    json_t *all = json_array();
    struct collect c = {all, q};
    struct kc_error err = {0};
    int rc = store_patient_each(r->st, &r->actor, patient_each, &c, &err);
    free(q);
    if (rc) {
        json_decref(all);
        return fhir__from_error(r, &err);
    }
    *out = all;
    return 0;
}

/* GET /fhir/Patient/:id/$everything: the whole record the caller's role may read, as one
 * searchset Bundle (the same resources as `ketaclinic patient export`). */
int api_fhir_everything(struct api_req *r)
{
    int64_t pid;
    if (fhir__format_ok(r)) return r->status;
    if (api_param_id(r, 0, &pid)) return fhir__fail(r, 404, "not-found", "no such Patient");
    unsigned parts = 0;
    for (unsigned bit = 1; bit <= FHIR_PART_ADVERSE; bit <<= 1)
        if (part_allowed(r, bit)) parts |= bit;
    json_t *all = json_array();
    struct kc_error err = {0};
    if (fhir_record(r->st, &r->actor, pid, parts, 0, "read", all, &err)) {
        json_decref(all);
        return fhir__from_error(r, &err);
    }
    struct query q = {0};
    q.type = "Patient";
    q.count = (long)json_array_size(all) + 1;
    char base[256], self[320];
    fhir__base(r, base, sizeof base);
    json_incref(all);
    searchset(r, &q, all, -1);
    snprintf(self, sizeof self, "%s/Patient/%lld/$everything", base, (long long)pid);
    json_object_set_new(r->resp, "link",
                        json_pack("[{s:s, s:s}]", "relation", "self", "url", self));
    json_decref(all);
    return r->status;
}
