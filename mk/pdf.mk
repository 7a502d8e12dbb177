# Libraries used by src/cli/pdf_doc.c (issue 10): libharu for the superbill and REMS form PDFs.
LDLIBS += -lhpdf
