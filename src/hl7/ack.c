/* ack.c — builds ACK messages in the default encoding characters, with the sender's MSH-3/4 and
 * MSH-10 transcoded from its own encoding characters. */
#include "hl7/ack.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct out {
    char *p;
    size_t cap, n;
    int full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full || o->n + n + 1 > o->cap) {
        o->full = 1;
        return;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}
static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}
static void putc_(struct out *o, char c)
{
    put(o, &c, 1);
}
static const struct hl7_delims dflt = {'|', '^', '~', '\\', '&', 0};

/* Copies an echoed field from the sender's encoding characters into ours (the defaults):
 * its delimiters become ours, and a character that is a delimiter for us but data for the
 * sender is escaped.  At most 200 bytes, so an echo cannot blow up the ACK. */
static void slice_from(struct out *o, struct hl7_str v, const struct hl7_delims *from)
{
    if (v.n > 200) v.n = 200;
    for (size_t i = 0; i < v.n; i++) {
        char ch = v.p[i];
        if (ch == from->comp) putc_(o, dflt.comp);
        else if (ch == from->rep) putc_(o, dflt.rep);
        else if (ch == from->sub) putc_(o, dflt.sub);
        else if (ch == from->esc) putc_(o, dflt.esc);
        else if (ch == '|') puts_(o, "\\F\\");
        else if (ch == '^') puts_(o, "\\S\\");
        else if (ch == '~') puts_(o, "\\R\\");
        else if (ch == '&') puts_(o, "\\T\\");
        else if (ch == '\\') puts_(o, "\\E\\");
        else putc_(o, ch);
    }
}

static const char *err_name(int code)
{
    switch (code) {
    case 100: return "Segment sequence error";
    case 101: return "Required field missing";
    case 102: return "Data type error";
    case 103: return "Table value not found";
    case 200: return "Unsupported message type";
    case 202: return "Unsupported processing id";
    case 203: return "Unsupported version id";
    case 204: return "Unknown key identifier";
    case 206: return "Application record locked";
    default: return "Application internal error";
    }
}

size_t hl7_ack_build(const struct hl7_message *m, const char *code, int hl7_error,
                     const char *text, const char *now_dtm, unsigned long seq, char *out,
                     size_t cap)
{
    return hl7_ack_build_errs(m, code, hl7_error, text, NULL, 0, now_dtm, seq, out, cap);
}

size_t hl7_ack_build_errs(const struct hl7_message *m, const char *code, int hl7_error,
                          const char *text, const struct hl7_ack_err *errs, size_t nerrs,
                          const char *now_dtm, unsigned long seq, char *out, size_t cap)
{
    const struct hl7_delims *d = &dflt, *from = m ? &m->d : &dflt;
    struct out o = {out, cap, 0, cap == 0};
#define slice(o, v) slice_from(o, v, from)
    char f = d->field, c = d->comp;
    struct hl7_str none = {NULL, 0};
    putc_(&o, 'M'), putc_(&o, 'S'), putc_(&o, 'H'), putc_(&o, f);
    puts_(&o, "^~\\&");
    putc_(&o, f), puts_(&o, "KETACLINIC"), putc_(&o, f), puts_(&o, "CLINIC"), putc_(&o, f);
    slice(&o, m ? hl7_field(m, 0, 3) : none), putc_(&o, f);
    slice(&o, m ? hl7_field(m, 0, 4) : none), putc_(&o, f);
    puts_(&o, now_dtm), putc_(&o, f), putc_(&o, f);
    struct hl7_str trig = m ? hl7_get(m, 0, 9, 2) : none;
    puts_(&o, "ACK");
    if (trig.n) putc_(&o, c), slice(&o, trig), putc_(&o, c), puts_(&o, "ACK");
    char id[24];
    snprintf(id, sizeof id, "K%lu", seq);
    putc_(&o, f), puts_(&o, id), putc_(&o, f), putc_(&o, 'P'), putc_(&o, f);
    struct hl7_str ver = m ? hl7_get(m, 0, 12, 1) : none;
    if (ver.n) slice(&o, ver);
    else puts_(&o, "2.6");
    putc_(&o, '\r');
    puts_(&o, "MSA"), putc_(&o, f), puts_(&o, code), putc_(&o, f);
    slice(&o, m ? hl7_field(m, 0, 10) : none);
    char esc[600];
    esc[0] = '\0';
    if (text && hl7_escape(text, d, esc, sizeof esc, NULL, NULL)) {
        /* too long: cut, then escape what fits */
        char cut[140];
        snprintf(cut, sizeof cut, "%s", text);
        if (hl7_escape(cut, d, esc, sizeof esc, NULL, NULL)) esc[0] = '\0';
    }
    if (esc[0]) putc_(&o, f), puts_(&o, esc);
    putc_(&o, '\r');
    if (hl7_error) {
        char num[8];
        snprintf(num, sizeof num, "%d", hl7_error);
        puts_(&o, "ERR"), putc_(&o, f), putc_(&o, f), putc_(&o, f);
        puts_(&o, num), putc_(&o, c), puts_(&o, err_name(hl7_error)), putc_(&o, c);
        puts_(&o, "HL70357"), putc_(&o, f), puts_(&o, "E");
        for (int i = 0; i < 4; i++) putc_(&o, f);
        puts_(&o, esc);
        putc_(&o, '\r');
    }
    for (size_t i = 0; i < nerrs && !o.full; i++) {
        size_t mark = o.n;
        char loc[40], num[8], e2[400];
        snprintf(loc, sizeof loc, "OBX%c%u%c%d", c, errs[i].seq, c, errs[i].field);
        snprintf(num, sizeof num, "%d", errs[i].code);
        if (hl7_escape(errs[i].text ? errs[i].text : "", d, e2, sizeof e2, NULL, NULL))
            e2[0] = '\0';
        puts_(&o, "ERR"), putc_(&o, f), putc_(&o, f), puts_(&o, loc), putc_(&o, f);
        puts_(&o, num), putc_(&o, c), puts_(&o, err_name(errs[i].code)), putc_(&o, c);
        puts_(&o, "HL70357"), putc_(&o, f), puts_(&o, "E");
        for (int k = 0; k < 4; k++) putc_(&o, f);
        puts_(&o, e2);
        putc_(&o, '\r');
        if (o.full) { /* leave this ERR out, keep what was built */
            o.full = 0;
            o.n = mark;
            out[mark] = '\0';
            break;
        }
    }
    return o.full ? 0 : o.n;
#undef slice
}

int hl7_ack_header(const char *buf, size_t len, struct hl7_message *m)
{
    size_t n = 0;
    while (n < len && buf[n] != '\r' && buf[n] != '\n') n++;
    return hl7_parse(buf, n, m, NULL);
}
