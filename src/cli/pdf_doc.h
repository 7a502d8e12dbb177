/* pdf_doc.h — a small printable document through libharu (Debian libhpdf-dev): a title, headings,
 * label/value lines and table rows on US Letter pages in Helvetica, new pages as needed.  Used for
 * the superbill and the REMS Patient Monitoring Form.  Text outside printable ASCII is written as
 * '?' (the standard fonts carry no other glyphs reliably). */
#ifndef KC_CLI_PDF_DOC_H
#define KC_CLI_PDF_DOC_H

#include <jansson.h>

#include "base/error.h"

struct pdf_doc; /* opaque */

/* A new document with title on its first page and in its metadata.  KC_ENOMEM on failure. */
int pdf_doc_new(const char *title, struct pdf_doc **out, struct kc_error *err);
void pdf_doc_heading(struct pdf_doc *d, const char *text);
/* "label: value" on one line (a long value is cut at the right margin with "..."). */
void pdf_doc_line(struct pdf_doc *d, const char *label, const char *value);
/* Columns at fixed x positions (points from the left margin), n <= 8. */
void pdf_doc_row(struct pdf_doc *d, const char *const *cols, const double *x, int n, int bold);
/* Writes the file (replacing it).  KC_EIO naming the path, or the first drawing error. */
int pdf_doc_save(struct pdf_doc *d, const char *path, struct kc_error *err);
void pdf_doc_free(struct pdf_doc *d);

/* The superbill JSON of store_bill_superbill and the REMS form JSON of store_rems_form_json,
 * written as PDF to path. */
int pdf_superbill(const json_t *sb, const char *path, struct kc_error *err);
int pdf_rems_form(const json_t *form, const char *path, struct kc_error *err);

#endif
