/* fuzz_api.c — libFuzzer driver for the JSON bodies of the API's write handlers: the first byte
 * picks a route, the rest is its body, run through the real handler against a real store
 * (fuzz_server.h).  A crash, a sanitizer report, a 500 or an error without a message fails. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* (POST /api/users is left out: each accepted body costs an Argon2 password hash, ~0.1 s.) */
static const char *const routes[] = {
    "/api/patients",
    "/api/patients/1/weights",
    "/api/patients/1/scales",
    "/api/sessions",
    "/api/sessions/1/status",
    "/api/sessions/1/vitals",
    "/api/sessions/1/doses",
    "/api/sessions/1/side-effects",
    "/api/pk/simulate",
    "/api/patients/1/screenings",
    "/api/patients/1/plans",
    "/api/plans/1/sign",
    "/api/sessions/1/discharge",
    "/api/sessions/1/interventions",
    "/api/ledger",
    "/api/patients/1/rems-enrolment",
    "/api/sessions/1/rems/sign",
    "/api/sessions/1/rems/submit",
    "/api/sessions/1/charges",
    "/api/patients/1/billing",
    "/fhir/Observation",
};
#define NROUTES (sizeof routes / sizeof routes[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536) return 0;
    char *body = malloc(size); /* the rest, NUL-terminated as the server hands it over */
    if (!body) return 0;
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    fuzz_call("POST", routes[data[0] % NROUTES], body, size - 1, NULL);
    free(body);
    return 0;
}
