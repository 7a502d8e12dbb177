/* fhir_search.h — FHIR R4 search semantics (hl7.org/fhir/R4/search.html), pure: the search
 * parameters the server supports per resource type (the CapabilityStatement lists exactly
 * these), parsing a parameter and its value, and matching a resource against the criteria.
 *
 * Kinds: token (code, system|code, |code, system|; comma = OR), date (prefixes eq ne gt lt ge
 * le sa eb, precision gives the implicit range, repeated parameters = AND), reference (Type/id,
 * id or an absolute URL ending in Type/id), string (starts with, case-insensitive; :exact).
 * Every parameter takes :missing=true|false. */
#ifndef KC_FHIR_SEARCH_H
#define KC_FHIR_SEARCH_H

#include <jansson.h>

#include "base/error.h"

struct fhir_param_def {
    const char *type;       /* resource type */
    const char *name;       /* "code" */
    const char *kind;       /* "token" "date" "reference" "string" */
    const char *paths;      /* elements, comma-separated alternatives, dotted into arrays */
    const char *target;     /* reference: the resource type it points to, or NULL */
    const char *definition; /* canonical URL of the SearchParameter */
};
/* The parameters of a type, in order; *n set.  NULL when the type has none. */
const struct fhir_param_def *fhir_params(const char *type, int *n);

#define FHIR_VALUE_MAX 256
struct fhir_criterion {
    const struct fhir_param_def *def;
    char modifier[16];          /* "" "missing" "exact" */
    char value[FHIR_VALUE_MAX]; /* as given, decoded */
    const char *zone;           /* the clinic's tzdata zone for dates without a time (NULL: UTC) */
};
/* Parses "name[:modifier]" = value for type.  KC_EUNSUPPORTED: unknown parameter or modifier
 * (the message names it); KC_EINVAL: a value that is not valid for the parameter's kind. */
int fhir_criterion_parse(const char *type, const char *key, const char *value, const char *zone,
                         struct fhir_criterion *c, struct kc_error *err);
/* 1 when res meets every criterion (AND; commas inside one value are OR). */
int fhir_matches(json_t *res, const struct fhir_criterion *c, int n);

/* A date search value: prefix (default "eq") and its implicit range [lo, hi) in seconds since
 * the epoch, from its precision (year, month, day, minute, second, fraction).  A date without a
 * time is a calendar day of zone (NULL: UTC); a time must carry Z or an offset.  -1 when it is
 * not a FHIR date/dateTime (or an impossible one, 2026-02-31, 24:00). */
int fhir_date_parse(const char *v, const char *zone, char prefix[3], double *lo, double *hi);
/* Whether a target range [tlo, thi) meets "prefix [lo, hi)" under the R4 rules. */
int fhir_date_match(const char *prefix, double lo, double hi, double tlo, double thi);

#endif
