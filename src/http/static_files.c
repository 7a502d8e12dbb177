/* static_files.c — the web UI's files (web/ by default) for GET requests outside /api and /fhir.
 * Public (the pages hold no patient data; everything they show comes from the authenticated
 * API).  Only plain files below the root, no "..", no hidden files; "/" is index.html, and a path
 * without an extension that is not a file is the single-page app's index.html. */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/server.h"

#define STATIC_MAX_BYTES (8u << 20)

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
        {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".map", "application/json"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

static int safe_path(const char *url)
{
    if (url[0] != '/' || strlen(url) > 200) return 0;
    for (const char *p = url; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == '\\' || c == 0x7f) return 0;
        if (c == '/' && p[1] == '.') return 0; /* "..", hidden files */
    }
    return 1;
}

/* Queues the file for url, or returns MHD_NO-equivalent 0 when there is none (the caller
 * answers 404).  *status receives the HTTP status sent. */
int http__static(struct http_server *s, struct MHD_Connection *c, const char *url, int *status);
int http__static(struct http_server *s, struct MHD_Connection *c, const char *url, int *status)
{
    if (!safe_path(url)) return 0;
    char path[512];
    const char *rel = strcmp(url, "/") == 0 ? "/index.html" : url;
    snprintf(path, sizeof path, "%s%s", s->opt.web_root, rel);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if ((fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) && !strchr(strrchr(rel, '/'), '.')) {
        if (fd >= 0) close(fd);
        snprintf(path, sizeof path, "%s/index.html", s->opt.web_root); /* app route */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    }
    if (fd < 0) return 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > STATIC_MAX_BYTES) {
        close(fd);
        return 0;
    }
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return 0;
    }
    MHD_add_response_header(resp, "Content-Type", content_type(path));
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    /* The UI loads only its own scripts and styles and talks only to this server. */
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    *status = MHD_queue_response(c, MHD_HTTP_OK, resp) == MHD_YES ? 200 : 500;
    MHD_destroy_response(resp);
    return 1;
}
