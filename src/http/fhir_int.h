/* fhir_int.h — internal to the FHIR face (fhir.c, fhir_write.c): responses and URLs shared by
 * the read/search and the write handlers. */
#ifndef KC_HTTP_FHIR_INT_H
#define KC_HTTP_FHIR_INT_H

#include <jansson.h>
#include <stddef.h>

#include "http/api.h"

#define FHIR_TYPE "application/fhir+json"

/* An OperationOutcome error with the HTTP status; returns the status. */
int fhir__fail(struct api_req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A store/clinic error as an OperationOutcome (404, 409, 422, 403, 503, 500). */
int fhir__from_error(struct api_req *r, const struct kc_error *err);
/* A resource with ETag (and Location for 201: Type/id/_history/vid under the base). */
int fhir__resource(struct api_req *r, int status, json_t *res);
/* The FHIR base URL: --public-url + "/fhir", or from the Host header. */
void fhir__base(struct api_req *r, char *out, size_t size);
/* 406 for a _format or Accept the server does not serve (JSON only); 0 when acceptable. */
int fhir__format_ok(struct api_req *r);
/* "Patient/12", "12" or an absolute URL ending in it -> 12 when the type matches; else 0. */
long long fhir__ref_id(const char *s, const char *type);
/* The resources of type matching the query string q ("identifier=a|b&..."), for conditional
 * create/update; *out a new array.  An error response is set when it fails. */
int fhir__match_query(struct api_req *r, const char *type, const char *q, json_t **out);

#endif
