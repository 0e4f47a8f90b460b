/* hall-page-header.h — what a page file says it is, read from its first
 * bytes without decoding it: the check the counter and the server share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A page has at most this many pixels (an A3 page at 600 dpi has 34.9
 * million): a larger one, or a decompression bomb claiming to be one, is
 * refused before a byte of it is decoded. */
#define HALL_PAGE_MAX_PIXELS ((guint64) 40 * 1000 * 1000)
/* A file brought as pages is at most this large (the server's limit). */
#define HALL_PAGE_MAX_BYTES  ((guint64) 50 * 1024 * 1024)

typedef enum
{
  HALL_PAGE_FORMAT_UNKNOWN,
  HALL_PAGE_FORMAT_PNG,
  HALL_PAGE_FORMAT_JPEG,
  HALL_PAGE_FORMAT_TIFF,
  HALL_PAGE_FORMAT_PDF,
} HallPageFormat;

typedef struct
{
  HallPageFormat format;
  guint32        width;      /* of the largest page; 0 for a PDF */
  guint32        height;
  guint          n_pages;    /* TIFF directories; 1 for PNG and JPEG, 0 for a PDF */
  guint          bits;       /* bits per sample (1 for a bi-level page) */
  guint          channels;   /* samples per pixel */
} HallPageHeader;

/* What the first bytes of @data say (magic numbers only). */
HallPageFormat  hall_page_format_sniff     (const guint8   *data,
                                            gsize           length);
/* What a file name says by its extension (".jpg", ".TIF", …). */
HallPageFormat  hall_page_format_from_name (const char     *name);
/* (transfer none): "PNG", "JPEG", "TIFF", "PDF". */
const char     *hall_page_format_get_name  (HallPageFormat  format);

/* Reads the header of a PNG, JPEG, TIFF (every directory) or PDF in @data
 * without decoding the image: FALSE with a HALL_VALIDATION_ERROR naming
 * what is wrong when it is empty, over HALL_PAGE_MAX_BYTES, of another
 * format, has a damaged or cut header, a size of 0 or a page over
 * HALL_PAGE_MAX_PIXELS. */
gboolean        hall_page_header_read      (const guint8   *data,
                                            gsize           length,
                                            HallPageHeader *header,
                                            GError        **error);

G_END_DECLS
