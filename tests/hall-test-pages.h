/* hall-test-pages.h — pages and page files made for tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-page-image.h"

G_BEGIN_DECLS

/* (transfer full): an A4 page at @dpi of @kind that looks like a typed
 * letter on slightly noisy paper, the same for the same @seed. */
HallPageImage  *hall_test_page_typed        (HallPageKind   kind,
                                             guint          dpi,
                                             guint32        seed);
/* Writes @image as a PNG (a bi-level one 1-bit) at @path. */
void            hall_test_write_png         (HallPageImage *image,
                                             const char    *path);
/* Writes @image as a JPEG at @path, with an EXIF block holding @exif_text
 * when it is not NULL. */
void            hall_test_write_jpeg        (HallPageImage *image,
                                             const char    *path,
                                             const char    *exif_text);
/* Writes @n images as one TIFF (deflate; bi-level ones 1-bit). */
void            hall_test_write_tiff        (HallPageImage **images,
                                             guint          n,
                                             const char    *path);

G_END_DECLS
