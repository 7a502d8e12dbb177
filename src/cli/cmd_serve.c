/* cmd_serve.c — `ketaclinic serve`: the clinic server (src/http). */
#include <stdio.h>
#include <string.h>

#include "base/quantity.h"
#include "cli/cli.h"
#include "http/http.h"

int cmd_serve(int argc, char **argv)
{
    struct kc_error err = {0};
    struct cli_opt opts[] = {
        {"listen", 1, 0, 0, {0}},    {"db", 1, 0, 0, {0}},        {"audit-key", 1, 0, 0, {0}},
        {"tls-cert", 1, 0, 0, {0}},  {"tls-key", 1, 0, 0, {0}},   {"threads", 1, 0, 0, {0}},
        {"demo", 0, 0, 0, {0}},      {"max-body", 1, 0, 0, {0}},  {"max-connections", 1, 0, 0, {0}},
        {"timeout", 1, 0, 0, {0}},   {"ready-file", 1, 0, 0, {0}}, {"web-root", 1, 0, 0, {0}},
        {"hl7-listen", 1, 0, 0, {0}}, {"protocol", 1, 0, 0, {0}}, {"help", 0, 0, 0, {0}},
        {"time-zone", 1, 0, 0, {0}},
        {"hl7-config", 1, 0, 0, {0}},
        {"public-url", 1, 0, 0, {0}},
    };
    size_t n = sizeof opts / sizeof opts[0];
    if (cli_parse(argc, argv, opts, n, NULL, 0, NULL, &err)) return cli_fail(&err);
    if (cli_get(opts, n, "help")) {
        printf("usage: ketaclinic serve [--listen 127.0.0.1:8080] [--db URL] [--demo]\n"
               "       [--tls-cert FILE --tls-key FILE] [--threads 16] [--max-body 1048576]\n"
               "       [--max-connections 256] [--timeout 30] [--audit-key FILE] [--ready-file FILE]\n"
               "       [--hl7-listen 127.0.0.1:2575]  (HL7 v2 MLLP from bedside monitors; off unless given)\n"
               "       [--hl7-config FILE]  (MRN identifier, time zones, device/bed mapping, allowlist)\n"
               "       [--protocol FILE]  (the clinic's protocol overrides; see `ketaclinic protocol`)\n"
               "       [--time-zone America/New_York]  (the clinic's tzdata zone for local dates;\n"
               "                                        default UTC)\n"
               "       [--public-url https://clinic.example.org]  (base of absolute FHIR URLs;\n"
               "        default: from each request's Host header)\n");
        return CLI_EXIT_OK;
    }
    struct http_options o = {0};
    o.listen = cli_get(opts, n, "listen");
    o.db_url = cli_get(opts, n, "db");
    o.audit_key = cli_get(opts, n, "audit-key");
    o.tls_cert = cli_get(opts, n, "tls-cert");
    o.tls_key = cli_get(opts, n, "tls-key");
    o.demo = cli_get(opts, n, "demo") != NULL;
    o.ready_file = cli_get(opts, n, "ready-file");
    o.web_root = cli_get(opts, n, "web-root");
    o.hl7_listen = cli_get(opts, n, "hl7-listen");
    o.hl7_config = cli_get(opts, n, "hl7-config");
    o.protocol_path = cli_get(opts, n, "protocol");
    o.time_zone = cli_get(opts, n, "time-zone");
    o.public_url = cli_get(opts, n, "public-url");
    if (o.public_url && strncmp(o.public_url, "http://", 7) != 0 &&
        strncmp(o.public_url, "https://", 8) != 0) {
        kc_error_set(&err, KC_EINVAL, "--public-url '%s': give an http:// or https:// URL",
                     o.public_url);
        return cli_fail(&err);
    }
    long v;
    const char *s;
    if ((s = cli_get(opts, n, "threads"))) {
        if (kc_parse_long(s, 1, 60, &v, &err)) return kc_error_prefix(&err, "--threads"), cli_fail(&err);
        o.threads = (unsigned)v;
    }
    if ((s = cli_get(opts, n, "max-body"))) {
        if (kc_parse_long(s, 1024, 64L << 20, &v, &err)) return kc_error_prefix(&err, "--max-body"), cli_fail(&err);
        o.max_body = (size_t)v;
    }
    if ((s = cli_get(opts, n, "max-connections"))) {
        if (kc_parse_long(s, 1, 100000, &v, &err)) return kc_error_prefix(&err, "--max-connections"), cli_fail(&err);
        o.max_connections = (unsigned)v;
    }
    if ((s = cli_get(opts, n, "timeout"))) {
        if (kc_parse_long(s, 1, 3600, &v, &err)) return kc_error_prefix(&err, "--timeout"), cli_fail(&err);
        o.request_timeout_s = (unsigned)v;
    }
    if (http_serve(&o, &err)) return cli_fail(&err);
    return CLI_EXIT_OK;
}
