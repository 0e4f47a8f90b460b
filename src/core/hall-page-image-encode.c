/* hall-page-image-encode.c — a page compressed for keeping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What is written is made anew from the pixels, so nothing of the file a
 * page came from (EXIF, GPS positions, the camera's maker notes, XMP, ICC
 * profiles, comments) survives; only the resolution is kept.
 *
 * Grey pages are nearly all type on white paper, and their bytes are in
 * the edges of the type (tests/bench/bench-page-size.c): the paper is made
 * white, the scanner's grain is smoothed away, and the quantisation is
 * quality 30 with the finest frequencies, which make ringing rather than
 * shapes, quantised up to 3.5 times as coarsely. A dense A4 page at 300
 * dpi comes to about 255 KB (12-point strokes) to 300 KB (a lease in
 * Chinese and English at 10.5 points), against 330–400 KB at quality 50
 * and 2.5: at 300 dpi the type is drawn by far more pixels than the eye
 * needs, and side by side at twice its size it reads the same; only at
 * four times does the coarser grain around the strokes show. Progressive
 * coding would save another 6% at two to three times the encoding time,
 * which the 150 ms from acquisition to stored page cannot spare.
 */
#define G_LOG_DOMAIN "hall-pages"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "hall-core-error.h"
#include "hall-page-image.h"

#define JPEG_QUALITY_GREY   30
#define JPEG_QUALITY_COLOUR 70
/* The finest frequency of a grey page is quantised this much more coarsely
 * than quality alone says; the ones between in proportion. */
#define GREY_FINE_DETAIL_WEIGHT 3.5
/* libjpeg's input smoothing (1-100) for grey pages: takes out a scanner's
 * grain, which costs bytes and shows nothing. */
#define GREY_SMOOTHING 50
/* Grey at or above this is paper: a scanner's noise on it would cost more
 * bytes, so paper is made white and the tones below are stretched to fill
 * the range, as document scanning apps do. */
#define PAPER_LEVEL 224

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
} EncodeError;

static void
encode_error_exit (j_common_ptr cinfo)
{
  longjmp (((EncodeError *) cinfo->err)->jump, 1);
}

/* The quantisation table of a grey page: JPEG's luminance table at
 * JPEG_QUALITY_GREY, its finer frequencies weighted up to
 * GREY_FINE_DETAIL_WEIGHT. */
static void
set_grey_quantisation (struct jpeg_compress_struct *cinfo)
{
  static const unsigned int luminance[64] = {
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
  };
  unsigned int table[64];
  int scale = jpeg_quality_scaling (JPEG_QUALITY_GREY);

  for (guint i = 0; i < 64; i++)
    {
      double weight = 1 + (GREY_FINE_DETAIL_WEIGHT - 1) * (i % 8 + i / 8) / 14.0;

      table[i] = (unsigned int) CLAMP (luminance[i] * scale / 100.0 * weight, 1, 255);
    }
  jpeg_add_quant_table (cinfo, 0, table, 100, TRUE);
}

static GBytes *
encode_jpeg (HallPageImage *self,
             GError       **error)
{
  struct jpeg_compress_struct cinfo;
  EncodeError err;
  unsigned char *volatile out = NULL;
  unsigned long out_size = 0;

  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = encode_error_exit;
  if (setjmp (err.jump))
    {
      jpeg_destroy_compress (&cinfo);
      free (out);
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SQL,
                   _("Could not compress the page"));
      return NULL;
    }
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, (unsigned char **) &out, &out_size);
  cinfo.image_width = self->width;
  cinfo.image_height = self->height;
  cinfo.input_components = self->channels;
  cinfo.in_color_space = self->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  if (self->channels == 1)
    {
      set_grey_quantisation (&cinfo);
      cinfo.smoothing_factor = GREY_SMOOTHING;
    }
  else
    jpeg_set_quality (&cinfo, JPEG_QUALITY_COLOUR, TRUE);
  cinfo.optimize_coding = TRUE;
  if (self->dpi > 0)
    {
      cinfo.density_unit = 1;
      cinfo.X_density = cinfo.Y_density = MIN (self->dpi, 65535);
    }
  jpeg_start_compress (&cinfo, TRUE);
  if (self->channels == 1)
    {
      guint8 levels[256];
      g_autofree guint8 *row = g_malloc (self->stride);

      for (guint v = 0; v < 256; v++)
        levels[v] = v >= PAPER_LEVEL ? 255 : v * 255 / PAPER_LEVEL;
      while (cinfo.next_scanline < cinfo.image_height)
        {
          const guint8 *src = self->pixels + (gsize) cinfo.next_scanline * self->stride;
          JSAMPROW rows[1] = { row };

          for (gsize x = 0; x < self->stride; x++)
            row[x] = levels[src[x]];
          jpeg_write_scanlines (&cinfo, rows, 1);
        }
    }
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = self->pixels + (gsize) cinfo.next_scanline * self->stride;

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  {
    GBytes *bytes = g_bytes_new (out, out_size);

    free (out);
    return bytes;
  }
}

/* A TIFF written into memory. */
typedef struct
{
  GByteArray *buf;
  toff_t      pos;
} TiffOut;

static tmsize_t
out_read (thandle_t h, void *data, tmsize_t n)
{
  TiffOut *o = h;
  tmsize_t left = o->pos < o->buf->len ? (tmsize_t) (o->buf->len - o->pos) : 0;

  n = MIN (n, left);
  memcpy (data, o->buf->data + o->pos, n);
  o->pos += n;
  return n;
}

static tmsize_t
out_write (thandle_t h, void *data, tmsize_t n)
{
  TiffOut *o = h;

  if (o->pos + n > o->buf->len)
    g_byte_array_set_size (o->buf, o->pos + n);
  memcpy (o->buf->data + o->pos, data, n);
  o->pos += n;
  return n;
}

static toff_t
out_seek (thandle_t h, toff_t off, int whence)
{
  TiffOut *o = h;

  if (whence == SEEK_CUR)
    off += o->pos;
  else if (whence == SEEK_END)
    off += o->buf->len;
  o->pos = off;
  return off;
}

static int
out_close (thandle_t h)
{
  return 0;
}

static toff_t
out_size (thandle_t h)
{
  return ((TiffOut *) h)->buf->len;
}

static int
out_map (thandle_t h, void **base, toff_t *size)
{
  return 0;
}

static void
out_unmap (thandle_t h, void *base, toff_t size)
{
}

static GBytes *
encode_g4 (HallPageImage *self,
           GError       **error)
{
  TiffOut o = { g_byte_array_new (), 0 };
  gsize row_bytes = (self->width + 7) / 8;
  g_autofree guint8 *row = g_malloc (row_bytes);
  TIFF *tiff;
  gboolean ok = TRUE;

  tiff = TIFFClientOpen ("page", "w", &o, out_read, out_write, out_seek, out_close, out_size,
                         out_map, out_unmap);
  if (tiff == NULL)
    {
      g_byte_array_unref (o.buf);
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SQL,
                   _("Could not compress the page"));
      return NULL;
    }
  TIFFSetField (tiff, TIFFTAG_IMAGEWIDTH, self->width);
  TIFFSetField (tiff, TIFFTAG_IMAGELENGTH, self->height);
  TIFFSetField (tiff, TIFFTAG_BITSPERSAMPLE, 1);
  TIFFSetField (tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tiff, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
  TIFFSetField (tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
  TIFFSetField (tiff, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
  TIFFSetField (tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tiff, TIFFTAG_ROWSPERSTRIP, self->height);
  if (self->dpi > 0)
    {
      TIFFSetField (tiff, TIFFTAG_XRESOLUTION, (float) self->dpi);
      TIFFSetField (tiff, TIFFTAG_YRESOLUTION, (float) self->dpi);
      TIFFSetField (tiff, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    }
  for (guint y = 0; y < self->height && ok; y++)
    {
      const guint8 *src = self->pixels + y * self->stride;

      memset (row, 0, row_bytes);
      /* Min-is-white: a set bit is black. */
      for (guint x = 0; x < self->width; x++)
        if (src[x] < 128)
          row[x >> 3] |= 0x80 >> (x & 7);
      ok = TIFFWriteScanline (tiff, row, y, 0) == 1;
    }
  TIFFClose (tiff);
  if (!ok)
    {
      g_byte_array_unref (o.buf);
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SQL,
                   _("Could not compress the page"));
      return NULL;
    }
  return g_byte_array_free_to_bytes (o.buf);
}

GBytes *
hall_page_image_encode (HallPageImage *self,
                        const char   **mime_out,
                        GError       **error)
{
  if (self->kind == HALL_PAGE_KIND_BILEVEL)
    {
      *mime_out = "image/tiff";
      return encode_g4 (self, error);
    }
  *mime_out = "image/jpeg";
  return encode_jpeg (self, error);
}
