/* hall-page-image.h — one page in memory: decoded from an imported file,
 * read from a scanner or a camera, or read back from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  HALL_PAGE_KIND_BILEVEL, /* black and white: stored 1-bit (CCITT G4 TIFF) */
  HALL_PAGE_KIND_GREY,    /* stored as greyscale JPEG */
  HALL_PAGE_KIND_COLOUR,  /* stored as colour JPEG */
} HallPageKind;

/* A reference-counted page: 8 bits a sample, 1 sample a pixel (bi-level
 * and grey; a bi-level page holds only 0 and 255) or 3 (RGB), rows of
 * @stride bytes. Immutable once made; thread-safe to share. */
typedef struct
{
  HallPageKind  kind;
  guint         width;
  guint         height;
  guint         channels;
  gsize         stride;
  guint         dpi;      /* 0 when unknown */
  guint8       *pixels;
  /*< private >*/
  gatomicrefcount ref_count;
} HallPageImage;

#define HALL_TYPE_PAGE_IMAGE (hall_page_image_get_type ())
GType           hall_page_image_get_type   (void);

/* (transfer full): a white page of @kind, @width × @height pixels. */
HallPageImage  *hall_page_image_new        (HallPageKind    kind,
                                            guint           width,
                                            guint           height,
                                            guint           dpi);
HallPageImage  *hall_page_image_ref        (HallPageImage  *self);
void            hall_page_image_unref      (HallPageImage  *self);
/* "bilevel", "grey", "colour" */
const char     *hall_page_kind_to_string   (HallPageKind    kind);
gboolean        hall_page_kind_from_string (const char     *str,
                                            HallPageKind   *kind);

/* (transfer full): the page turned by @quarter_turns × 90° clockwise. */
HallPageImage  *hall_page_image_rotate     (HallPageImage  *self,
                                            int             quarter_turns);
/* (transfer full): the rectangle of @self at @x, @y; clipped to the page. */
HallPageImage  *hall_page_image_crop       (HallPageImage  *self,
                                            guint           x,
                                            guint           y,
                                            guint           width,
                                            guint           height);
/* (transfer full): a colour page whose pixels are all grey becomes grey;
 * others are returned as they are (a new reference). */
HallPageImage  *hall_page_image_simplify   (HallPageImage  *self);
/* (transfer full): at most @max_side pixels on its longer side, grey or
 * colour (a thumbnail). */
HallPageImage  *hall_page_image_scale_down (HallPageImage  *self,
                                            guint           max_side);

/* (transfer full) (nullable): the page in a photograph of it (a document
 * camera's frame): the sheet, brighter than the desk around it, found,
 * turned straight (skew up to 15°, *@angle_out the degrees it was turned
 * by) and cut out. NULL when no sheet stands out from the background. */
HallPageImage  *hall_page_image_find_page  (HallPageImage  *self,
                                            double         *angle_out);
/* Where hall_page_image_find_page() finds the sheet in @self: its four
 * corners (x, y), clockwise from the top left, in @self's pixels. FALSE
 * when no sheet stands out from the background. */
gboolean        hall_page_image_find_outline (HallPageImage *self,
                                              double         corners[8]);

/* hall-page-image-decode.c */

/* (transfer full) (element-type HallPageImage): the pages of a PNG, JPEG,
 * TIFF or PDF file, after the checks of hall_page_header_read() and these:
 * the content must be what the name says, a JPEG must be whole, a PDF must
 * not ask for a password. FALSE with a HALL_VALIDATION_ERROR saying what
 * is wrong with which file (its base name); nothing of a refused file is
 * kept. */
GPtrArray      *hall_page_image_load_file  (const char     *path,
                                            GError        **error);
/* The same for bytes in memory; @name is what the file was called. */
GPtrArray      *hall_page_image_load_bytes (GBytes         *bytes,
                                            const char     *name,
                                            GError        **error);

/* The pages of every file of @paths, in order, decoded on a worker: all
 * of them, or the error of the first file refused (as
 * hall_page_image_load_file() says it), and none.
 * (transfer full) (element-type HallPageImage) */
void            hall_page_image_load_files_async  (const char *const  *paths,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
GPtrArray      *hall_page_image_load_files_finish (GAsyncResult       *result,
                                                   GError            **error);

/* hall-page-image-encode.c */

/* (transfer full): @self compressed by what it is: a bi-level page as a
 * 1-bit CCITT G4 TIFF, grey and colour as JPEG (grey at quality 50, its
 * grain smoothed and its finest detail quantised more coarsely; colour at
 * quality 70; optimised Huffman tables); no metadata but the resolution.
 * *@mime_out: "image/tiff" or "image/jpeg". */
GBytes         *hall_page_image_encode     (HallPageImage  *self,
                                            const char    **mime_out,
                                            GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallPageImage, hall_page_image_unref)

G_END_DECLS
