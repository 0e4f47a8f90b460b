/* hall-license-reader.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-license"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
/* After stdio.h, which it needs and does not include. */
#include <jpeglib.h>

#include "hall-license-payload.h"
#include "hall-license-reader.h"
#include "hall-poppler-library.h"
#include "hall-signature.h"
#include "hall-zbar-library.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)

/* zbar (loaded by the caller) reads 8-bit gray ("Y800"). */
static char *
scan_gray_once (guint8 *gray,
                int     width,
                int     height)
{
  zbar_image_scanner_t *scanner = sym_zbar_image_scanner_create ();
  zbar_image_t *image = sym_zbar_image_create ();
  const zbar_symbol_t *symbol;
  char *found = NULL;

  sym_zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  sym_zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  sym_zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  sym_zbar_image_set_size (image, (unsigned) width, (unsigned) height);
  sym_zbar_image_set_data (image, gray, (unsigned long) width * height, NULL);
  if (sym_zbar_scan_image (scanner, image) > 0)
    for (symbol = sym_zbar_image_first_symbol (image); symbol != NULL && found == NULL;
         symbol = sym_zbar_symbol_next (symbol))
      {
        const char *data = sym_zbar_symbol_get_data (symbol);

        if (sym_zbar_symbol_get_type (symbol) == ZBAR_QRCODE && data != NULL
            && g_str_has_prefix (data, HALL_LICENSE_PAYLOAD_PREFIX))
          found = g_strdup (data);
      }
  sym_zbar_image_destroy (image);
  sym_zbar_image_scanner_destroy (scanner);
  return found;
}

/* Halves @gray by averaging 2 x 2 blocks. */
static guint8 *
halve_gray (const guint8 *gray,
            int           width,
            int           height,
            int          *width_out,
            int          *height_out)
{
  int w = width / 2;
  int h = height / 2;
  guint8 *half = g_malloc ((gsize) w * h);
  int x, y;

  for (y = 0; y < h; y++)
    {
      const guint8 *a = gray + (gsize) (2 * y) * width;
      const guint8 *b = a + width;

      for (x = 0; x < w; x++)
        half[(gsize) y * w + x] = (guint8) ((a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1]
                                             + 2) >> 2);
    }
  *width_out = w;
  *height_out = h;
  return half;
}

/* A 300 dpi page is 8.7 million pixels, and a license's code has modules
 * of 0.65 mm, about 8 pixels: zbar reads it as well at half the size, four
 * times as fast. The full image is read only when the smaller one gives
 * nothing (a small code in a large photo). */
#define SHRINK_ABOVE_PIXELS (3000 * 1000)

static char *
scan_gray (guint8 *gray,
           int     width,
           int     height)
{
  char *found = NULL;

  if ((gint64) width * height > SHRINK_ABOVE_PIXELS)
    {
      int w, h;
      g_autofree guint8 *half = halve_gray (gray, width, height, &w, &h);

      found = scan_gray_once (half, w, h);
    }
  if (found == NULL)
    found = scan_gray_once (gray, width, height);
  return found;
}

static guint8 *
surface_to_gray (const guint8 *data,
                 int           stride,
                 int           width,
                 int           height,
                 int           step,
                 int          *width_out,
                 int          *height_out)
{
  int w = width / step;
  int h = height / step;
  guint8 *gray = g_malloc ((gsize) w * h);
  int x, y, dx, dy;

  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      {
        guint sum = 0;

        for (dy = 0; dy < step; dy++)
          {
            const guint32 *row = (const guint32 *) (data + (gsize) (y * step + dy) * stride);

            for (dx = 0; dx < step; dx++)
              {
                guint32 px = row[x * step + dx];

                sum += (((px >> 16) & 0xff) * 77 + ((px >> 8) & 0xff) * 150 + (px & 0xff) * 29)
                       >> 8;
              }
          }
        gray[(gsize) y * w + x] = (guint8) (sum / (guint) (step * step));
      }
  *width_out = w;
  *height_out = h;
  return gray;
}

char *
hall_license_reader_scan_surface (cairo_surface_t *surface)
{
  g_autoptr (GError) error = NULL;
  const guint8 *data;
  int width, height, stride, w, h;
  char *found = NULL;

  g_return_val_if_fail (cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE, NULL);

  if (!hall_zbar_library_load (&error))
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  cairo_surface_flush (surface);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  /* Large: the half-size image first, in the same pass (see scan_gray). */
  if ((gint64) width * height > SHRINK_ABOVE_PIXELS)
    {
      g_autofree guint8 *half = surface_to_gray (data, stride, width, height, 2, &w, &h);

      found = scan_gray_once (half, w, h);
    }
  if (found == NULL)
    {
      g_autofree guint8 *gray = surface_to_gray (data, stride, width, height, 1, &w, &h);

      found = scan_gray_once (gray, w, h);
    }
  return found;
}

/* libjpeg reports a broken file by calling error_exit, which must not
 * return: back to read_jpeg with the message. */
typedef struct
{
  struct jpeg_error_mgr manager;
  jmp_buf               escape;
  char                  message[JMSG_LENGTH_MAX];
} JpegError;

static void
jpeg_error_exit_cb (j_common_ptr info)
{
  JpegError *error = (JpegError *) info->err;

  error->manager.format_message (info, error->message);
  longjmp (error->escape, 1);
}

/* (transfer full): the JPEG at @path as 8-bit gray, decoded by libjpeg. */
static guint8 *
read_jpeg (const char  *path,
           gboolean     half,
           int         *width_out,
           int         *height_out,
           GError     **error)
{
  struct jpeg_decompress_struct info;
  JpegError jpeg_error;
  guint8 *volatile gray = NULL;
  FILE *file;

  file = fopen (path, "rb");
  if (file == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("Could not read “%s”: %s"), path, g_strerror (errno));
      return NULL;
    }
  info.err = jpeg_std_error (&jpeg_error.manager);
  jpeg_error.manager.error_exit = jpeg_error_exit_cb;
  if (setjmp (jpeg_error.escape))
    {
      jpeg_destroy_decompress (&info);
      fclose (file);
      g_free (gray);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Could not read the JPEG image “%s”: %s"), path, jpeg_error.message);
      return NULL;
    }
  jpeg_create_decompress (&info);
  jpeg_stdio_src (&info, file);
  jpeg_read_header (&info, TRUE);
  info.out_color_space = JCS_GRAYSCALE;
  /* libjpeg scales while it decodes, far faster than decoding it all. */
  if (half)
    {
      info.scale_num = 1;
      info.scale_denom = 2;
    }
  jpeg_start_decompress (&info);
  gray = g_malloc ((gsize) info.output_width * info.output_height);
  while (info.output_scanline < info.output_height)
    {
      JSAMPROW row = gray + (gsize) info.output_scanline * info.output_width;

      jpeg_read_scanlines (&info, &row, 1);
    }
  *width_out = (int) info.output_width;
  *height_out = (int) info.output_height;
  jpeg_finish_decompress (&info);
  jpeg_destroy_decompress (&info);
  fclose (file);
  return gray;
}

static char *
read_pdf (const char  *path,
          char       **page_text_out,
          GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PopplerDocument) document = NULL;
  double scale = HALL_LICENSE_READER_PDF_DPI / 72.0;
  int i;

  if (!hall_poppler_library_load (error))
    return NULL;
  document = sym_poppler_document_new_from_gfile (file, NULL, NULL, error);
  if (document == NULL)
    return NULL;
  for (i = 0; i < sym_poppler_document_get_n_pages (document); i++)
    {
      g_autoptr(PopplerPage) page = sym_poppler_document_get_page (document, i);
      g_autoptr(cairo_surface_t) surface = NULL;
      g_autoptr(cairo_t) cr = NULL;
      double width, height;
      char *found;

      sym_poppler_page_get_size (page, &width, &height);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * scale),
                                            (int) (height * scale));
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, scale, scale);
      sym_poppler_page_render_for_printing (page, cr);
      found = hall_license_reader_scan_surface (surface);
      if (found != NULL)
        {
          if (page_text_out != NULL)
            *page_text_out = sym_poppler_page_get_text (page);
          return found;
        }
    }
  g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
               _("No license code (a QR code beginning with “SH1:”) was found on the %d "
                 "page(s) of “%s”"),
               sym_poppler_document_get_n_pages (document), path);
  return NULL;
}

char *
hall_license_reader_read_file (const char  *path,
                               char       **page_text_out,
                               GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  char head[5] = { 0 };
  char *found;

  g_return_val_if_fail (path != NULL, NULL);

  if (page_text_out != NULL)
    *page_text_out = NULL;
  if (!hall_zbar_library_load (error))
    return NULL;
  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, error);
  if (stream == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (stream), head, 4, NULL, NULL, error))
    return NULL;
  g_input_stream_close (G_INPUT_STREAM (stream), NULL, NULL);
  if (memcmp (head, "%PDF", 4) == 0)
    return read_pdf (path, page_text_out, error);

  if (memcmp (head, "\x89PNG", 4) == 0)
    {
      /* libpng's simplified API, straight to 8-bit gray. */
      png_image image;
      g_autofree guint8 *gray = NULL;

      memset (&image, 0, sizeof image);
      image.version = PNG_IMAGE_VERSION;
      if (png_image_begin_read_from_file (&image, path))
        {
          image.format = PNG_FORMAT_GRAY;
          gray = g_malloc (PNG_IMAGE_SIZE (image));
          if (!png_image_finish_read (&image, NULL, gray, 0, NULL))
            g_clear_pointer (&gray, g_free);
        }
      if (gray == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Could not read the PNG image “%s”: %s"), path, image.message);
          png_image_free (&image);
          return NULL;
        }
      found = scan_gray (gray, (int) image.width, (int) image.height);
      png_image_free (&image);
    }
  else if ((guint8) head[0] == 0xff && (guint8) head[1] == 0xd8)
    {
      int width = 0;
      int height = 0;
      g_autofree guint8 *gray = read_jpeg (path, TRUE, &width, &height, error);

      if (gray == NULL)
        return NULL;
      /* Half of a small photo is too small: read it whole. */
      if ((gint64) width * height * 4 <= SHRINK_ABOVE_PIXELS)
        {
          g_clear_pointer (&gray, g_free);
          gray = read_jpeg (path, FALSE, &width, &height, error);
          if (gray == NULL)
            return NULL;
        }
      found = scan_gray (gray, width, height);
      if (found == NULL && (gint64) width * height * 4 > SHRINK_ABOVE_PIXELS)
        {
          g_clear_pointer (&gray, g_free);
          gray = read_jpeg (path, FALSE, &width, &height, error);
          if (gray == NULL)
            return NULL;
          found = scan_gray (gray, width, height);
        }
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is not a PDF, PNG or JPEG file"), path);
      return NULL;
    }
  if (found == NULL)
    g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                 _("No license code (a QR code beginning with “SH1:”) was found in “%s”: "
                   "photograph the code square-on, in focus and filling more of the picture"),
                 path);
  return found;
}
