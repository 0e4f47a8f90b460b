/* hall-page-image-decode.c — files brought by an applicant, read as pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every check that can be made before decoding is made first: the size of
 * the file, that its content is what its name says, and the pixel count its
 * header claims (hall-page-header.c, the server's check too). Only then do
 * libpng, libjpeg, libtiff or poppler see it, and any warning of theirs (a
 * JPEG cut short) refuses the file rather than keeping a grey half-page.
 */
#define G_LOG_DOMAIN "hall-pages"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>
#include <tiffio.h>
#ifdef HAVE_POPPLER
#include "hall-poppler-library.h"
#endif

#include "hall-background-task.h"
#include "hall-error.h"
#include "hall-page-header.h"
#include "hall-page-image.h"

/* PDF pages are drawn at this resolution, less when a page is so large
 * that it would pass the pixel limit. */
#define PDF_DPI 300.0

static void
refuse (GError    **error,
        const char *name,
        const char *format,
        ...) G_GNUC_PRINTF (3, 4);

static void
refuse (GError    **error,
        const char *name,
        const char *format,
        ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  /* Translators: "leases.pdf: The PDF asks for a password" */
  g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
               _("%s: %s"), name, what);
}

/* PNG */

static GPtrArray *
load_png (GBytes               *bytes,
          const HallPageHeader *header,
          const char           *name,
          GError              **error)
{
  png_image png = { .version = PNG_IMAGE_VERSION };
  png_color white = { 255, 255, 255 };
  g_autoptr (HallPageImage) image = NULL;
  GPtrArray *pages;
  HallPageKind kind;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  if (!png_image_begin_read_from_memory (&png, data, size))
    {
      refuse (error, name, _("The PNG file is damaged: %s"), png.message);
      return NULL;
    }
  if (header->channels <= 2)
    kind = header->bits == 1 && header->channels == 1 ? HALL_PAGE_KIND_BILEVEL
                                                      : HALL_PAGE_KIND_GREY;
  else
    kind = HALL_PAGE_KIND_COLOUR;
  png.format = kind == HALL_PAGE_KIND_COLOUR ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  image = hall_page_image_new (kind, png.width, png.height, 0);
  if (!png_image_finish_read (&png, &white, image->pixels, image->stride, NULL))
    {
      refuse (error, name, _("The PNG file is damaged or cut short: %s"), png.message);
      png_image_free (&png);
      return NULL;
    }
  pages = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  g_ptr_array_add (pages, hall_page_image_simplify (image));
  return pages;
}

/* JPEG */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  char                  message[JMSG_LENGTH_MAX];
} JpegError;

static void
jpeg_error_exit (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) cinfo->err;

  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

/* A warning (a premature end of data, a corrupt entropy segment) means a
 * damaged page: treated as an error, not decoded as grey. */
static void
jpeg_emit_message (j_common_ptr cinfo,
                   int          level)
{
  if (level < 0)
    jpeg_error_exit (cinfo);
}

static GPtrArray *
load_jpeg (GBytes     *bytes,
           const char *name,
           GError    **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegError err;
  HallPageImage *volatile image = NULL;
  GPtrArray *pages;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = jpeg_error_exit;
  err.pub.emit_message = jpeg_emit_message;
  if (setjmp (err.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      g_clear_pointer ((HallPageImage **) &image, hall_page_image_unref);
      refuse (error, name, _("The JPEG file is damaged or cut short (%s)"), err.message);
      return NULL;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, size);
  jpeg_read_header (&cinfo, TRUE);
  if (cinfo.num_components != 1 && cinfo.num_components != 3)
    {
      jpeg_destroy_decompress (&cinfo);
      refuse (error, name, _("The JPEG file is in CMYK or another colour model that cannot "
                             "be shown; save it as RGB"));
      return NULL;
    }
  cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress (&cinfo);
  image = hall_page_image_new (cinfo.num_components == 1 ? HALL_PAGE_KIND_GREY
                                                         : HALL_PAGE_KIND_COLOUR,
                               cinfo.output_width, cinfo.output_height,
                               cinfo.density_unit == 1 ? cinfo.X_density
                               : cinfo.density_unit == 2 ? (guint) (cinfo.X_density * 2.54)
                                                         : 0);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = image->pixels + (gsize) cinfo.output_scanline * image->stride;

      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);

  pages = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  g_ptr_array_add (pages, hall_page_image_simplify (image));
  hall_page_image_unref (image);
  return pages;
}

/* TIFF, read from memory */

typedef struct
{
  const guint8 *data;
  gsize         size;
  toff_t        pos;
} TiffMem;

static tmsize_t
tiff_read (thandle_t h, void *buf, tmsize_t n)
{
  TiffMem *m = h;
  tmsize_t left = m->pos < m->size ? (tmsize_t) (m->size - m->pos) : 0;

  n = MIN (n, left);
  memcpy (buf, m->data + m->pos, n);
  m->pos += n;
  return n;
}

static tmsize_t
tiff_write (thandle_t h, void *buf, tmsize_t n)
{
  return -1;
}

static toff_t
tiff_seek (thandle_t h, toff_t off, int whence)
{
  TiffMem *m = h;

  if (whence == SEEK_CUR)
    off += m->pos;
  else if (whence == SEEK_END)
    off += m->size;
  m->pos = off;
  return off;
}

static int
tiff_close (thandle_t h)
{
  return 0;
}

static toff_t
tiff_size (thandle_t h)
{
  return ((TiffMem *) h)->size;
}

static int
tiff_map (thandle_t h, void **base, toff_t *size)
{
  return 0;
}

static void
tiff_unmap (thandle_t h, void *base, toff_t size)
{
}

static char tiff_last_error[256];

static void
tiff_error_handler (const char *module,
                    const char *fmt,
                    va_list     ap)
{
  g_vsnprintf (tiff_last_error, sizeof tiff_last_error, fmt, ap);
}

static void
tiff_warning_handler (const char *module,
                      const char *fmt,
                      va_list     ap)
{
}

static void
tiff_quiet_once (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      TIFFSetErrorHandler (tiff_error_handler);
      TIFFSetWarningHandler (tiff_warning_handler);
      g_once_init_leave (&once, 1);
    }
}

static GPtrArray *
load_tiff (GBytes     *bytes,
           const char *name,
           GError    **error)
{
  TiffMem mem = { 0 };
  TIFF *tiff;
  g_autoptr (GPtrArray) pages = NULL;
  guint n = 0;

  tiff_quiet_once ();
  mem.data = g_bytes_get_data (bytes, &mem.size);
  tiff = TIFFClientOpen (name, "rm", &mem, tiff_read, tiff_write, tiff_seek, tiff_close,
                         tiff_size, tiff_map, tiff_unmap);
  if (tiff == NULL)
    {
      refuse (error, name, _("The TIFF file is damaged: %s"), tiff_last_error);
      return NULL;
    }
  pages = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  do
    {
      guint32 width = 0, height = 0;
      guint16 bits = 1, spp = 1, photometric = PHOTOMETRIC_MINISWHITE;
      float xres = 0;
      guint16 unit = RESUNIT_INCH;
      g_autoptr (HallPageImage) image = NULL;
      g_autofree guint32 *rgba = NULL;

      n++;
      TIFFGetField (tiff, TIFFTAG_IMAGEWIDTH, &width);
      TIFFGetField (tiff, TIFFTAG_IMAGELENGTH, &height);
      TIFFGetFieldDefaulted (tiff, TIFFTAG_BITSPERSAMPLE, &bits);
      TIFFGetFieldDefaulted (tiff, TIFFTAG_SAMPLESPERPIXEL, &spp);
      TIFFGetField (tiff, TIFFTAG_PHOTOMETRIC, &photometric);
      TIFFGetField (tiff, TIFFTAG_XRESOLUTION, &xres);
      TIFFGetFieldDefaulted (tiff, TIFFTAG_RESOLUTIONUNIT, &unit);
      /* The header check saw every directory; this is libtiff's view. */
      if (width == 0 || height == 0 || (guint64) width * height > HALL_PAGE_MAX_PIXELS)
        {
          TIFFClose (tiff);
          refuse (error, name, _("Page %u of the TIFF file has %u × %u pixels"), n, width,
                  height);
          return NULL;
        }
      rgba = g_try_malloc ((gsize) width * height * 4);
      if (rgba == NULL
          || !TIFFReadRGBAImageOriented (tiff, width, height, rgba, ORIENTATION_TOPLEFT, 0))
        {
          TIFFClose (tiff);
          refuse (error, name, _("Page %u of the TIFF file is damaged or cut short: %s"), n,
                  tiff_last_error);
          return NULL;
        }
      image = hall_page_image_new (bits == 1 && spp == 1 ? HALL_PAGE_KIND_BILEVEL
                                   : spp >= 3 && photometric != PHOTOMETRIC_MINISBLACK
                                       ? HALL_PAGE_KIND_COLOUR : HALL_PAGE_KIND_GREY,
                                   width, height,
                                   unit == RESUNIT_CENTIMETER ? (guint) (xres * 2.54)
                                                              : (guint) xres);
      for (gsize i = 0; i < (gsize) width * height; i++)
        {
          guint32 p = rgba[i];

          if (image->channels == 3)
            {
              image->pixels[i * 3] = TIFFGetR (p);
              image->pixels[i * 3 + 1] = TIFFGetG (p);
              image->pixels[i * 3 + 2] = TIFFGetB (p);
            }
          else
            image->pixels[i] = (TIFFGetR (p) * 77 + TIFFGetG (p) * 150 + TIFFGetB (p) * 29) >> 8;
        }
      g_ptr_array_add (pages, hall_page_image_simplify (image));
    }
  while (TIFFReadDirectory (tiff));
  TIFFClose (tiff);
  return g_steal_pointer (&pages);
}

/* PDF */

#ifdef HAVE_POPPLER
static GPtrArray *
load_pdf (GBytes     *bytes,
          const char *name,
          GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (PopplerDocument) doc = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  int n_pages;

  if (!hall_poppler_library_load (error))
    return NULL;
  doc = sym_poppler_document_new_from_bytes (bytes, NULL, &local_error);
  if (doc == NULL)
    {
      if (g_error_matches (local_error, sym_poppler_error_quark (), POPPLER_ERROR_ENCRYPTED))
        refuse (error, name, _("The PDF is protected by a password; ask for a copy "
                               "without one, or scan the paper"));
      else
        refuse (error, name, _("The PDF is damaged: %s"), local_error->message);
      return NULL;
    }
  n_pages = sym_poppler_document_get_n_pages (doc);
  if (n_pages <= 0)
    {
      refuse (error, name, _("The PDF has no pages"));
      return NULL;
    }
  if (n_pages > 500)
    {
      refuse (error, name, _("The PDF has %d pages; at most 500 are taken at once"), n_pages);
      return NULL;
    }
  pages = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr (PopplerPage) page = sym_poppler_document_get_page (doc, i);
      g_autoptr (HallPageImage) image = NULL;
      cairo_surface_t *surface;
      cairo_t *cr;
      double w_pt = 0, h_pt = 0;
      double dpi = PDF_DPI;
      guint width, height;
      const guint8 *data;
      int stride;

      sym_poppler_page_get_size (page, &w_pt, &h_pt);
      if (w_pt <= 0 || h_pt <= 0 || w_pt > 14400 || h_pt > 14400)
        {
          refuse (error, name, _("Page %d of the PDF has an impossible size"), i + 1);
          return NULL;
        }
      /* A poster is drawn at less than 300 dpi, never past the limit. */
      while ((double) (w_pt * dpi / 72) * (h_pt * dpi / 72) > HALL_PAGE_MAX_PIXELS)
        dpi *= 0.9;
      width = MAX ((guint) (w_pt * dpi / 72), 1);
      height = MAX ((guint) (h_pt * dpi / 72), 1);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, dpi / 72, dpi / 72);
      sym_poppler_page_render_for_printing (page, cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);

      image = hall_page_image_new (HALL_PAGE_KIND_COLOUR, width, height, (guint) dpi);
      data = cairo_image_surface_get_data (surface);
      stride = cairo_image_surface_get_stride (surface);
      for (guint y = 0; y < height; y++)
        {
          const guint32 *src = (const guint32 *) (data + (gsize) y * stride);
          guint8 *dst = image->pixels + y * image->stride;

          for (guint x = 0; x < width; x++)
            {
              dst[x * 3] = (src[x] >> 16) & 0xff;
              dst[x * 3 + 1] = (src[x] >> 8) & 0xff;
              dst[x * 3 + 2] = src[x] & 0xff;
            }
        }
      cairo_surface_destroy (surface);
      g_ptr_array_add (pages, hall_page_image_simplify (image));
    }
  return g_steal_pointer (&pages);
}
#endif

GPtrArray *
hall_page_image_load_bytes (GBytes     *bytes,
                            const char *name,
                            GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *base = g_path_get_basename (name);
  HallPageHeader header;
  HallPageFormat claimed = hall_page_format_from_name (name);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  if (!hall_page_header_read (data, size, &header, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", base,
                   local_error->message);
      return NULL;
    }
  if (claimed != HALL_PAGE_FORMAT_UNKNOWN && claimed != header.format)
    {
      refuse (error, base, _("The file is called a %s file but holds a %s file; it was "
                             "renamed, or is not what it seems"),
              hall_page_format_get_name (claimed), hall_page_format_get_name (header.format));
      return NULL;
    }
  switch (header.format)
    {
    case HALL_PAGE_FORMAT_PNG:
      return load_png (bytes, &header, base, error);
    case HALL_PAGE_FORMAT_JPEG:
      return load_jpeg (bytes, base, error);
    case HALL_PAGE_FORMAT_TIFF:
      return load_tiff (bytes, base, error);
    case HALL_PAGE_FORMAT_PDF:
#ifdef HAVE_POPPLER
      return load_pdf (bytes, base, error);
#else
      refuse (error, base, _("This program was built without PDF import"));
      return NULL;
#endif
    case HALL_PAGE_FORMAT_UNKNOWN:
    default:
      g_return_val_if_reached (NULL);
    }
}

GPtrArray *
hall_page_image_load_file (const char *path,
                           GError    **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *base = g_path_get_basename (path);
  guint64 size;

  /* The size first: a huge file is refused before it is read. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE, NULL,
                            &local_error);
  if (info == NULL)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("%s: the file cannot be read: %s"), base, local_error->message);
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      refuse (error, base, _("This is not a file"));
      return NULL;
    }
  size = g_file_info_get_size (info);
  if (size > HALL_PAGE_MAX_BYTES)
    {
      refuse (error, base, _("The file has %lu bytes; files may be at most %u MiB"),
              (unsigned long) size, (guint) (HALL_PAGE_MAX_BYTES / (1024 * 1024)));
      return NULL;
    }
  bytes = g_file_load_bytes (file, NULL, NULL, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("%s: the file cannot be read: %s"), base, local_error->message);
      return NULL;
    }
  return hall_page_image_load_bytes (bytes, path, error);
}

static void
load_files_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GStrv paths = task_data;
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) pages = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      pages = hall_page_image_load_file (paths[i], &error);
      if (pages == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      for (guint j = 0; j < pages->len; j++)
        g_ptr_array_add (all, hall_page_image_ref (g_ptr_array_index (pages, j)));
    }
  g_task_return_pointer (task, g_steal_pointer (&all), (GDestroyNotify) g_ptr_array_unref);
}

void
hall_page_image_load_files_async (const char *const  *paths,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, hall_page_image_load_files_async);
  g_task_set_task_data (task, g_strdupv ((char **) paths), (GDestroyNotify) g_strfreev);
  hall_task_run_in_background (task, load_files_thread);
}

GPtrArray *
hall_page_image_load_files_finish (GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
