/* pdf_doc.c — printable documents through libharu: a page cursor that writes headings, label
 * lines and table rows and starts a new page at the bottom margin. */
#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pdf_doc.h"

#define MARGIN 54.0
#define LINE 14.0

struct pdf_doc {
    HPDF_Doc pdf;
    HPDF_Page page;
    HPDF_Font font, bold;
    double y, width, height;
    HPDF_STATUS first_error;
};

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    struct pdf_doc *d = user;
    (void)detail_no;
    if (!d->first_error) d->first_error = error_no;
}

/* Printable ASCII copy of s (others as '?'), at most cap-1 bytes. */
static void ascii(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++)
        out[o++] = (*s >= 32 && *s < 127) ? *s : '?';
    out[o] = '\0';
}

static void new_page(struct pdf_doc *d)
{
    d->page = HPDF_AddPage(d->pdf);
    HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
    d->width = HPDF_Page_GetWidth(d->page);
    d->height = HPDF_Page_GetHeight(d->page);
    d->y = d->height - MARGIN;
}

static void text_at(struct pdf_doc *d, double x, const char *s, int bold, double size,
                    double max_w)
{
    char buf[512];
    ascii(s, buf, sizeof buf);
    HPDF_Page_SetFontAndSize(d->page, bold ? d->bold : d->font, (HPDF_REAL)size);
    if (max_w > 0) { /* cut with "..." at max_w */
        size_t n = strlen(buf);
        while (n > 3 && HPDF_Page_TextWidth(d->page, buf) > max_w) {
            buf[--n] = '\0';
            memcpy(buf + n - 3, "...", 3);
        }
    }
    HPDF_Page_BeginText(d->page);
    HPDF_Page_TextOut(d->page, (HPDF_REAL)(MARGIN + x), (HPDF_REAL)d->y, buf);
    HPDF_Page_EndText(d->page);
}

static void advance(struct pdf_doc *d, double by)
{
    d->y -= by;
    if (d->y < MARGIN) new_page(d);
}

int pdf_doc_new(const char *title, struct pdf_doc **out, struct kc_error *err)
{
    struct pdf_doc *d = calloc(1, sizeof *d);
    if (!d) return kc_error_set(err, KC_ENOMEM, "out of memory");
    d->pdf = HPDF_New(on_error, d);
    if (!d->pdf) {
        free(d);
        return kc_error_set(err, KC_ENOMEM, "libharu could not start a document");
    }
    HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
    char t[256];
    ascii(title, t, sizeof t);
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, t);
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, "ketaclinic");
    d->font = HPDF_GetFont(d->pdf, "Helvetica", NULL);
    d->bold = HPDF_GetFont(d->pdf, "Helvetica-Bold", NULL);
    new_page(d);
    text_at(d, 0, t, 1, 16, 0);
    advance(d, LINE * 2);
    *out = d;
    return KC_OK;
}

void pdf_doc_heading(struct pdf_doc *d, const char *text)
{
    advance(d, LINE * 0.5);
    text_at(d, 0, text, 1, 12, 0);
    advance(d, LINE * 1.3);
}

void pdf_doc_line(struct pdf_doc *d, const char *label, const char *value)
{
    text_at(d, 0, label, 1, 10, 0);
    text_at(d, 170, value ? value : "", 0, 10, d->width - 2 * MARGIN - 170);
    advance(d, LINE);
}

void pdf_doc_row(struct pdf_doc *d, const char *const *cols, const double *x, int n, int bold)
{
    for (int i = 0; i < n && i < 8; i++) {
        double right = i + 1 < n ? x[i + 1] - 6 : d->width - 2 * MARGIN;
        text_at(d, x[i], cols[i] ? cols[i] : "", bold, 9, right - x[i]);
    }
    advance(d, LINE);
}

int pdf_doc_save(struct pdf_doc *d, const char *path, struct kc_error *err)
{
    if (d->first_error)
        return kc_error_set(err, KC_EIO, "PDF: libharu error 0x%04X while drawing",
                            (unsigned)d->first_error);
    if (HPDF_SaveToFile(d->pdf, path) != HPDF_OK || d->first_error)
        return kc_error_set(err, KC_EIO, "PDF: could not write %s (libharu error 0x%04X)", path,
                            (unsigned)d->first_error);
    return KC_OK;
}

void pdf_doc_free(struct pdf_doc *d)
{
    if (!d) return;
    HPDF_Free(d->pdf);
    free(d);
}
