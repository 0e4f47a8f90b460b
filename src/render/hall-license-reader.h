/* hall-license-reader.h — finding a license's code in a PDF, a photo or a
 * scan (poppler renders PDF pages, zbar reads QR codes)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* The resolution PDF pages are rendered at before zbar reads them. */
#define HALL_LICENSE_READER_PDF_DPI 150.0

/* (transfer full) (nullable): the text of the first QR code in @surface
 * (an image surface) that begins with "SH1:", or NULL. */
char     *hall_license_reader_scan_surface (cairo_surface_t  *surface);

/* (transfer full): the license code in @path, a PDF (each page rendered in
 * turn), a PNG or a JPEG (the type is told by the content, not the name).
 * *@page_text_out (nullable) gets a PDF page's own text, for comparing
 * what is printed with what is signed; NULL for an image.
 * HALL_SIGNATURE_ERROR_MALFORMED when no code is found, G_IO_ERROR when
 * the file cannot be read. */
char     *hall_license_reader_read_file    (const char       *path,
                                            char            **page_text_out,
                                            GError          **error);

G_END_DECLS
