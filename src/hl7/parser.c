/* parser.c — HL7 v2 segments, fields and escapes as slices of the caller's buffer.  Every scan
 * is bounded by the slice it walks; nothing is copied until hl7_unescape is asked to. */
#include "hl7/parser.h"

#include <stdlib.h>
#include <string.h>

static int is_idchar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The encoding characters from MSH-1/MSH-2 at buf[3..). */
static int read_delims(const char *buf, size_t len, struct hl7_delims *d, struct kc_error *err)
{
    memset(d, 0, sizeof *d);
    if (len < 5) return kc_error_set(err, KC_EINVAL, "MSH: too short for MSH-1 and MSH-2");
    d->field = buf[3];
    char *slots[5] = {&d->comp, &d->rep, &d->esc, &d->sub, &d->trunc};
    size_t i = 4, k = 0;
    for (; i < len && buf[i] != d->field && buf[i] != '\r' && buf[i] != '\n'; i++, k++) {
        if (k >= 5)
            return kc_error_set(err, KC_EINVAL, "MSH-2: more than 5 encoding characters");
        *slots[k] = buf[i];
    }
    if (k == 0) return kc_error_set(err, KC_EINVAL, "MSH-2: no encoding characters");
    char all[6] = {d->field, d->comp, d->rep, d->esc, d->sub, d->trunc};
    for (size_t a = 0; a < 6; a++) {
        char c = all[a];
        if (!c) continue;
        if (c == '\r' || c == '\n' || (unsigned char)c < 0x20 || (unsigned char)c >= 0x7f ||
            is_idchar(c) || (c >= 'a' && c <= 'z') || c == ' ')
            return kc_error_set(err, KC_EINVAL, "MSH-%d: encoding character 0x%02x is not "
                                "allowed (printable punctuation only)", a == 0 ? 1 : 2,
                                (unsigned char)c);
        for (size_t b = 0; b < a; b++)
            if (all[b] == c)
                return kc_error_set(err, KC_EINVAL, "MSH-1/MSH-2: encoding character '%c' "
                                    "declared twice", c);
    }
    return KC_OK;
}

int hl7_parse(const char *buf, size_t len, struct hl7_message *m, struct kc_error *err)
{
    if (len > HL7_MAX_MESSAGE)
        return kc_error_set(err, KC_ELIMIT, "message of %zu bytes is larger than the limit of "
                            "%u bytes", len, HL7_MAX_MESSAGE);
    if (len < 3 || memcmp(buf, "MSH", 3) != 0)
        return kc_error_set(err, KC_EINVAL, "not an HL7 v2 message: it must start with MSH");
    int rc = read_delims(buf, len, &m->d, err);
    if (rc) return rc;
    m->text = (struct hl7_str){buf, len};
    m->nseg = 0;
    const char fs = m->d.field;
    size_t i = 0;
    while (i < len) {
        if (buf[i] == '\r' || buf[i] == '\n') { /* empty line, or the \n of \r\n */
            i++;
            continue;
        }
        size_t start = i, nf = 0;
        while (i < len && buf[i] != '\r' && buf[i] != '\n') {
            if (buf[i] == fs) nf++;
            i++;
        }
        size_t n = i - start;
        if (m->nseg >= HL7_MAX_SEGMENTS)
            return kc_error_set(err, KC_ELIMIT, "more than %d segments", HL7_MAX_SEGMENTS);
        if (nf > HL7_MAX_FIELDS)
            return kc_error_set(err, KC_ELIMIT, "segment %zu has %zu fields; the limit is %d",
                                m->nseg + 1, nf, HL7_MAX_FIELDS);
        const char *s = buf + start;
        if (n < 3 || !is_idchar(s[0]) || !is_idchar(s[1]) || !is_idchar(s[2]) ||
            (n > 3 && s[3] != fs))
            return kc_error_set(err, KC_EINVAL, "segment %zu does not start with a three-"
                                "character segment id and the field separator", m->nseg + 1);
        struct hl7_segment *g = &m->seg[m->nseg++];
        g->text = (struct hl7_str){s, n};
        memcpy(g->id, s, 3);
        g->id[3] = '\0';
    }
    return KC_OK;
}

int hl7_find(const struct hl7_message *m, const char *id, size_t from)
{
    for (size_t i = from; i < m->nseg; i++)
        if (memcmp(m->seg[i].id, id, 4) == 0) return (int)i;
    return -1;
}

/* Part k (0-based) of v split at sep. */
static struct hl7_str part(struct hl7_str v, char sep, unsigned k)
{
    if (!v.p || !sep) return k == 0 ? v : (struct hl7_str){NULL, 0};
    const char *p = v.p, *end = v.p + v.n;
    for (unsigned i = 0; i < k; i++) {
        const char *q = memchr(p, sep, (size_t)(end - p));
        if (!q) return (struct hl7_str){NULL, 0};
        p = q + 1;
    }
    const char *q = memchr(p, sep, (size_t)(end - p));
    return (struct hl7_str){p, (size_t)((q ? q : end) - p)};
}

struct hl7_str hl7_field(const struct hl7_message *m, size_t s, unsigned n)
{
    if (s >= m->nseg || n == 0) return (struct hl7_str){NULL, 0};
    struct hl7_str t = m->seg[s].text;
    if (memcmp(m->seg[s].id, "MSH", 3) == 0) {
        if (t.n < 4) return (struct hl7_str){NULL, 0}; /* a later, empty "MSH" segment */
        if (n == 1) return (struct hl7_str){t.p + 3, 1};
        n--;
    }
    return part(t, m->d.field, n);
}

unsigned hl7_fields(const struct hl7_message *m, size_t s, struct hl7_str *out, unsigned max)
{
    for (unsigned i = 0; i < max; i++) out[i] = (struct hl7_str){NULL, 0};
    if (s >= m->nseg || max == 0) return 0;
    struct hl7_str t = m->seg[s].text;
    int msh = memcmp(m->seg[s].id, "MSH", 3) == 0;
    if (msh && t.n < 4) return 0;
    const char *p = t.p, *end = t.p + t.n;
    unsigned k = 0;
    for (;;) {
        const char *q = memchr(p, m->d.field, (size_t)(end - p));
        struct hl7_str f = {p, (size_t)((q ? q : end) - p)};
        if (k < max) out[k] = f;
        k++;
        if (msh && k == 1) { /* MSH-1 is the separator itself */
            if (k < max) out[k] = (struct hl7_str){t.p + 3, 1};
            k++;
        }
        if (!q || k >= max) break;
        p = q + 1;
    }
    return k < max ? k : max;
}

struct hl7_str hl7_rep(struct hl7_str f, const struct hl7_delims *d, unsigned r)
{
    return part(f, d->rep, r);
}

struct hl7_str hl7_comp(struct hl7_str f, const struct hl7_delims *d, unsigned c)
{
    return c ? part(f, d->comp, c - 1) : (struct hl7_str){NULL, 0};
}

struct hl7_str hl7_sub(struct hl7_str c, const struct hl7_delims *d, unsigned sc)
{
    return sc ? part(c, d->sub, sc - 1) : (struct hl7_str){NULL, 0};
}

struct hl7_str hl7_get(const struct hl7_message *m, size_t s, unsigned n, unsigned c)
{
    return hl7_comp(hl7_rep(hl7_field(m, s, n), &m->d, 0), &m->d, c);
}

unsigned hl7_nrep(struct hl7_str f, const struct hl7_delims *d)
{
    unsigned k = 1;
    for (size_t i = 0; i < f.n && d->rep; i++) k += f.p[i] == d->rep;
    return k;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int hl7_unescape(struct hl7_str v, const struct hl7_delims *d, char *out, size_t cap,
                 size_t *outlen, struct kc_error *err)
{
    size_t o = 0;
    if (cap == 0) return kc_error_set(err, KC_ELIMIT, "no room for the value");
#define PUT(ch)                                                                                \
    do {                                                                                       \
        if (o + 1 >= cap)                                                                      \
            return kc_error_set(err, KC_ELIMIT, "value longer than %zu bytes", cap - 1);       \
        out[o++] = (ch);                                                                       \
    } while (0)
    for (size_t i = 0; i < v.n; i++) {
        char c = v.p[i];
        if (!d->esc || c != d->esc) {
            PUT(c);
            continue;
        }
        const char *q = memchr(v.p + i + 1, d->esc, v.n - i - 1);
        if (!q)
            return kc_error_set(err, KC_EINVAL, "unterminated escape sequence at byte %zu", i);
        const char *e = v.p + i + 1;
        size_t en = (size_t)(q - e);
        char rep = 0;
        if (en == 1) {
            switch (e[0]) {
            case 'F': rep = d->field; break;
            case 'S': rep = d->comp; break;
            case 'T': rep = d->sub; break;
            case 'R': rep = d->rep; break;
            case 'E': rep = d->esc; break;
            default: break;
            }
        }
        if (rep) {
            PUT(rep);
        } else if (en >= 1 && e[0] == 'X') {
            if (en < 3 || (en - 1) % 2)
                return kc_error_set(err, KC_EINVAL, "escape \\X at byte %zu: an even number of "
                                    "hex digits is required", i);
            for (size_t k = 1; k < en; k += 2) {
                int hi = hexval(e[k]), lo = hexval(e[k + 1]);
                if (hi < 0 || lo < 0)
                    return kc_error_set(err, KC_EINVAL, "escape \\X at byte %zu: '%c%c' is not "
                                        "hex", i, e[k], e[k + 1]);
                PUT((char)(hi * 16 + lo));
            }
        } else { /* formatting or character-set escape: kept as sent */
            for (size_t k = 0; k <= en + 1; k++) PUT(v.p[i + k]);
        }
        i += en + 1;
    }
#undef PUT
    out[o] = '\0';
    if (outlen) *outlen = o;
    return KC_OK;
}

int hl7_escape(const char *text, const struct hl7_delims *d, char *out, size_t cap,
               size_t *outlen, struct kc_error *err)
{
    size_t o = 0;
    for (const char *p = text; *p; p++) {
        char buf[6];
        size_t k = 0;
        const char *code = NULL;
        if (*p == d->field) code = "F";
        else if (*p == d->comp) code = "S";
        else if (*p == d->sub) code = "T";
        else if (*p == d->rep) code = "R";
        else if (*p == d->esc) code = "E";
        else if (*p == '\r') code = "X0D";
        else if (*p == '\n') code = "X0A";
        if (code && d->esc) {
            buf[k++] = d->esc;
            for (; *code; code++) buf[k++] = *code;
            buf[k++] = d->esc;
        } else {
            buf[k++] = (*p == '\r' || *p == '\n' || (code && !d->esc)) ? ' ' : *p;
        }
        if (o + k + 1 > cap)
            return kc_error_set(err, KC_ELIMIT, "escaped text longer than %zu bytes", cap - 1);
        memcpy(out + o, buf, k);
        o += k;
    }
    if (cap == 0) return kc_error_set(err, KC_ELIMIT, "no room for the text");
    out[o] = '\0';
    if (outlen) *outlen = o;
    return KC_OK;
}

int hl7_eq(struct hl7_str v, const char *s)
{
    size_t n = strlen(s);
    return v.n == n && (n == 0 || memcmp(v.p, s, n) == 0);
}

int hl7_number(struct hl7_str v, double *out, struct kc_error *err)
{
    size_t a = 0, b = v.n;
    while (a < b && v.p[a] == ' ') a++;
    while (b > a && v.p[b - 1] == ' ') b--;
    char tmp[40];
    size_t n = b - a, i = 0, digits = 0, dots = 0;
    if (n == 0) return kc_error_set(err, KC_EINVAL, "empty number");
    if (n >= sizeof tmp) return kc_error_set(err, KC_EINVAL, "number longer than 39 characters");
    memcpy(tmp, v.p + a, n);
    tmp[n] = '\0';
    if (tmp[0] == '+' || tmp[0] == '-') i++;
    for (; i < n; i++) {
        if (tmp[i] >= '0' && tmp[i] <= '9') digits++;
        else if (tmp[i] == '.' && dots == 0) dots++;
        else return kc_error_set(err, KC_EINVAL, "'%s' is not a number (HL7 NM)", tmp);
    }
    if (!digits) return kc_error_set(err, KC_EINVAL, "'%s' is not a number (HL7 NM)", tmp);
    *out = strtod(tmp, NULL);
    return KC_OK;
}

/* Batches ------------------------------------------------------------------------------------ */

static int seg_is(const char *s, size_t n, const char *id)
{
    return n >= 3 && memcmp(s, id, 3) == 0 && (n == 3 || !is_idchar(s[3]));
}

int hl7_split_batch(const char *buf, size_t len, struct hl7_range *ranges, size_t max, size_t *n,
                    struct kc_error *err)
{
    size_t count = 0, i = 0;
    long declared = -1;
    int open = 0; /* inside a message */
    size_t mstart = 0, mend = 0;
    while (i < len) {
        if (buf[i] == '\r' || buf[i] == '\n') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && buf[i] != '\r' && buf[i] != '\n') i++;
        const char *s = buf + start;
        size_t sn = i - start;
        size_t end = i < len ? i + 1 : i; /* keep the terminator with the message */
        int is_msh = seg_is(s, sn, "MSH");
        int is_batch = seg_is(s, sn, "FHS") || seg_is(s, sn, "BHS") || seg_is(s, sn, "BTS") ||
                       seg_is(s, sn, "FTS");
        if ((is_msh || is_batch) && open) {
            if (count >= max)
                return kc_error_set(err, KC_ELIMIT, "more than %zu messages in the batch", max);
            ranges[count++] = (struct hl7_range){mstart, mend - mstart};
            open = 0;
        }
        if (is_msh) {
            open = 1;
            mstart = start;
        } else if (seg_is(s, sn, "BTS") && sn > 4) {
            char *e = NULL, num[16];
            size_t k = 0;
            for (size_t j = 4; j < sn && s[j] != s[3] && k < sizeof num - 1; j++) num[k++] = s[j];
            num[k] = '\0';
            long v = k ? strtol(num, &e, 10) : -1;
            if (k && e && *e == '\0' && v >= 0) declared = v;
        } else if (!is_batch && !open) {
            return kc_error_set(err, KC_EINVAL, "segment '%.3s' outside a message (a message "
                                "starts with MSH)", s);
        }
        mend = end;
    }
    if (open) {
        if (count >= max)
            return kc_error_set(err, KC_ELIMIT, "more than %zu messages in the batch", max);
        ranges[count++] = (struct hl7_range){mstart, mend - mstart};
    }
    if (count == 0) return kc_error_set(err, KC_EINVAL, "no message (no MSH segment)");
    if (declared >= 0 && (size_t)declared != count)
        return kc_error_set(err, KC_EINVAL, "BTS-1 declares %ld messages but the batch holds "
                            "%zu", declared, count);
    *n = count;
    return KC_OK;
}
