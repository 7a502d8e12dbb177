/* fuzz_query.c — libFuzzer driver for query arguments: FHIR search parameters and the API lists'
 * ?date= ?after= ?limit= ...: the first byte picks a GET route, the rest is "name=value&..."
 * (names and values as the server would have decoded them), run through the real handler
 * against a real store (fuzz_server.h). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ($everything is left out: it takes no search parameter but _count, and a bundle of the demo
 * patient's whole record costs ~0.2 s, which would starve the others.) */
static const char *const routes[] = {
    "/fhir/Patient",
    "/fhir/Encounter",
    "/fhir/Observation",
    "/fhir/MedicationAdministration",
    "/fhir/AdverseEvent",
    "/fhir/AuditEvent",
    "/api/patients",
    "/api/sessions",
    "/api/audit",
    "/api/ledger/entries",
    "/api/ledger/balances",
    "/api/outcomes",
    "/api/sessions/1/vitals",
    "/api/sessions/1/side-effects",
    "/api/patients/1/scales",
    "/api/rems/tracker",
    "/api/reports/operations",
};
#define NROUTES (sizeof routes / sizeof routes[0])
#define MAX_ARGS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096) return 0;
    char *text = malloc(size);
    if (!text) return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    const char *q[2 * MAX_ARGS + 1];
    int n = 0;
    for (char *p = text; *p && n < 2 * MAX_ARGS;) {
        char *amp = strchr(p, '&');
        if (amp) *amp = '\0';
        char *eq = strchr(p, '=');
        if (eq) *eq = '\0';
        q[n++] = p;
        q[n++] = eq ? eq + 1 : "";
        if (!amp) break;
        p = amp + 1;
    }
    q[n] = NULL;
    fuzz_call("GET", routes[data[0] % NROUTES], NULL, 0, q);
    free(text);
    return 0;
}
