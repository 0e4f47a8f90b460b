/* hall-test-pages.c — pages and page files made for tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
#include <string.h>
#include <tiffio.h>

#include "hall-test-pages.h"

static void
paint (HallPageImage *image,
       guint          x,
       guint          y,
       guint          w,
       guint          h,
       HallPageKind   kind)
{
  for (guint sy = y; sy < MIN (y + h, image->height); sy++)
    for (guint sx = x; sx < MIN (x + w, image->width); sx++)
      for (guint c = 0; c < image->channels; c++)
        image->pixels[sy * image->stride + sx * image->channels + c] =
          kind == HALL_PAGE_KIND_BILEVEL ? 0 : 30 + c * 20;
}

HallPageImage *
hall_test_page_typed (HallPageKind kind,
                      guint        dpi,
                      guint32      seed)
{
  guint width = (guint) (210 / 25.4 * dpi);
  guint height = (guint) (297 / 25.4 * dpi);
  HallPageImage *image = hall_page_image_new (kind, width, height, dpi);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  guint line_height = dpi / 6;   /* 6 lines an inch */
  guint x_height = dpi / 14;
  guint pitch = dpi / 12;        /* 12 characters an inch */
  guint stroke_w = MAX (dpi / 100, 1);
  guint margin = dpi;

  /* Paper: a scanner's noise on white, none on a bi-level page. */
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < image->channels; c++)
        image->pixels[y * image->stride + x * image->channels + c] =
          kind == HALL_PAGE_KIND_BILEVEL ? 255 : 240 + g_rand_int_range (rand, -3, 4);

  /* Lines of 12-point type: characters of one or two strokes (a stem,
   * an "n" or an "o"), some with an ascender or a bar, in words. */
  for (guint y = margin; y + line_height < height - margin; y += line_height)
    {
      guint x = margin;

      while (x < width - margin - dpi / 2)
        {
          guint letters = g_rand_int_range (rand, 2, 10);

          for (guint l = 0; l < letters && x < width - margin; l++, x += pitch)
            {
              guint strokes = g_rand_int_range (rand, 1, 3);

              for (guint s = 0; s < strokes; s++)
                {
                  guint gx = x + s * (pitch - stroke_w * 2);
                  guint stroke_h = g_rand_int_range (rand, 0, 4) == 0 ? x_height * 3 / 2
                                                                      : x_height;

                  paint (image, gx, y + x_height * 3 / 2 - stroke_h, stroke_w, stroke_h, kind);
                }
              if (g_rand_int_range (rand, 0, 3) == 0)
                paint (image, x, y + x_height / 2 + x_height * 3 / 2 - x_height, pitch - stroke_w,
                       stroke_w, kind);
            }
          x += pitch;
        }
    }

  /* A scanner's optics soften each edge over a pixel or two. */
  if (kind != HALL_PAGE_KIND_BILEVEL)
    {
      g_autofree guint8 *copy = g_memdup2 (image->pixels, image->stride * height);
      guint c = image->channels;

      for (guint y = 1; y + 1 < height; y++)
        for (guint x = 1; x + 1 < width; x++)
          for (guint k = 0; k < c; k++)
            {
              guint sum = 0;

              for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                  sum += copy[(y + dy) * image->stride + (x + dx) * c + k];
              image->pixels[y * image->stride + x * c + k] = sum / 9;
            }
    }
  return image;
}

void
hall_test_write_png (HallPageImage *image,
                     const char    *path)
{
  FILE *f = fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  gboolean bilevel = image->kind == HALL_PAGE_KIND_BILEVEL;
  g_autofree guint8 *row = g_malloc0 (image->stride);

  g_assert_nonnull (f);
  png_init_io (png, f);
  png_set_IHDR (png, info, image->width, image->height, bilevel ? 1 : 8,
                image->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (guint y = 0; y < image->height; y++)
    {
      const guint8 *src = image->pixels + y * image->stride;

      if (bilevel)
        {
          memset (row, 0, image->stride);
          for (guint x = 0; x < image->width; x++)
            if (src[x] >= 128)
              row[x >> 3] |= 0x80 >> (x & 7);
          png_write_row (png, row);
        }
      else
        png_write_row (png, (png_bytep) src);
    }
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  fclose (f);
}

void
hall_test_write_jpeg (HallPageImage *image,
                      const char    *path,
                      const char    *exif_text)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr err;
  FILE *f = fopen (path, "wb");

  g_assert_nonnull (f);
  cinfo.err = jpeg_std_error (&err);
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, f);
  cinfo.image_width = image->width;
  cinfo.image_height = image->height;
  cinfo.input_components = image->channels;
  cinfo.in_color_space = image->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 92, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  if (exif_text != NULL)
    {
      GString *exif = g_string_new_len ("Exif\0\0", 6);

      g_string_append (exif, exif_text);
      jpeg_write_marker (&cinfo, JPEG_APP0 + 1, (const JOCTET *) exif->str, exif->len);
      g_string_free (exif, TRUE);
    }
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = image->pixels + (gsize) cinfo.next_scanline * image->stride;

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  fclose (f);
}

void
hall_test_write_tiff (HallPageImage **images,
                      guint           n,
                      const char     *path)
{
  TIFF *tiff = TIFFOpen (path, "w");

  g_assert_nonnull (tiff);
  for (guint i = 0; i < n; i++)
    {
      HallPageImage *image = images[i];
      gboolean bilevel = image->kind == HALL_PAGE_KIND_BILEVEL;
      g_autofree guint8 *row = g_malloc0 (image->stride);

      TIFFSetField (tiff, TIFFTAG_IMAGEWIDTH, image->width);
      TIFFSetField (tiff, TIFFTAG_IMAGELENGTH, image->height);
      TIFFSetField (tiff, TIFFTAG_BITSPERSAMPLE, bilevel ? 1 : 8);
      TIFFSetField (tiff, TIFFTAG_SAMPLESPERPIXEL, image->channels);
      TIFFSetField (tiff, TIFFTAG_PHOTOMETRIC, image->channels == 3 ? PHOTOMETRIC_RGB
                                                                    : PHOTOMETRIC_MINISBLACK);
      TIFFSetField (tiff, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
      TIFFSetField (tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField (tiff, TIFFTAG_ROWSPERSTRIP, 64);
      for (guint y = 0; y < image->height; y++)
        {
          const guint8 *src = image->pixels + y * image->stride;

          if (bilevel)
            {
              memset (row, 0, image->stride);
              for (guint x = 0; x < image->width; x++)
                if (src[x] >= 128)
                  row[x >> 3] |= 0x80 >> (x & 7);
              TIFFWriteScanline (tiff, row, y, 0);
            }
          else
            TIFFWriteScanline (tiff, (void *) src, y, 0);
        }
      TIFFWriteDirectory (tiff);
    }
  TIFFClose (tiff);
}
