/* test-license.c — the license PDF, and its code read back from the PDF,
 * from a 300 dpi rendering (PNG and JPEG) and as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
/* After stdio.h, which it needs and does not include. */
#include <jpeglib.h>

#include "hall-license-payload.h"
#include "hall-license-reader.h"
#include "hall-license.h"

#define NUMBER "YC-2026-C03-L000042"
#define T_2026 G_GINT64_CONSTANT (1767225600)
#define T_2036 G_GINT64_CONSTANT (2082758400)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)

/* Saves @surface (RGB24) as a JPEG of @quality, as a phone or a scanner
 * would, with libjpeg. */
static void
save_jpeg (cairo_surface_t *surface,
           const char      *path,
           int              quality)
{
  struct jpeg_compress_struct info;
  struct jpeg_error_mgr errors;
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  g_autofree guint8 *row = g_malloc ((gsize) width * 3);
  FILE *file = fopen (path, "wb");
  int x;

  g_assert_nonnull (file);
  info.err = jpeg_std_error (&errors);
  jpeg_create_compress (&info);
  jpeg_stdio_dest (&info, file);
  info.image_width = (JDIMENSION) width;
  info.image_height = (JDIMENSION) height;
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults (&info);
  jpeg_set_quality (&info, quality, TRUE);
  jpeg_start_compress (&info, TRUE);
  while (info.next_scanline < info.image_height)
    {
      const guint32 *px = (const guint32 *) (data + (gsize) info.next_scanline * stride);
      JSAMPROW rows[1] = { row };

      for (x = 0; x < width; x++)
        {
          row[x * 3] = (px[x] >> 16) & 0xff;
          row[x * 3 + 1] = (px[x] >> 8) & 0xff;
          row[x * 3 + 2] = px[x] & 0xff;
        }
      jpeg_write_scanlines (&info, rows, 1);
    }
  jpeg_finish_compress (&info);
  jpeg_destroy_compress (&info);
  g_assert_cmpint (fclose (file), ==, 0);
}

typedef struct
{
  HallRootKey     *hall;
  HallSigningKey  *key;
  HallCertificate *certificate;
  char            *text;
  HallLicense     *license;
  char            *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HallLicensePayload) payload = hall_license_payload_new ();
  g_autoptr(GError) error = NULL;

  f->hall = hall_root_key_generate ();
  f->key = hall_signing_key_generate ();
  f->certificate = hall_root_key_certify (f->hall, "li.na",
                                          hall_signing_key_get_public_key (f->key), T_2026,
                                          T_2036);
  payload->number = g_strdup (NUMBER);
  payload->license_type = g_strdup ("company_business_license");
  payload->holder = g_strdup ("银川塞上云数据科技有限公司");
  payload->holder_id = g_strdup ("91640100MA76XYZ12K");
  payload->scope = g_strdup ("软件开发；信息技术咨询服务；数据处理和存储支持服务");
  payload->hall = g_strdup ("YC");
  payload->issued_at = g_get_real_time () / G_USEC_PER_SEC;
  payload->valid_until = 0;
  payload->case_uuid = g_strdup ("5d1c2c3e-8d7b-4c59-9a8e-0d5f1f2b3c4d");
  f->text = hall_license_payload_sign (payload, f->key, f->certificate, &error);
  g_assert_no_error (error);
  f->license = hall_license_new (payload, f->text, "公司设立登记（营业执照核发）",
                                 "Business license for a new company", "银川市民大厅",
                                 "Yinchuan Citizens Hall");
  f->dir = g_build_filename (g_get_user_cache_dir (), "license", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  hall_root_key_free (f->hall);
  hall_signing_key_free (f->key);
  hall_certificate_free (f->certificate);
  g_free (f->text);
  g_clear_object (&f->license);
  g_free (f->dir);
}

static void
assert_verifies (Fixture    *f,
                 const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallLicensePayload) payload = NULL;

  g_assert_cmpstr (text, ==, f->text);
  g_assert_true (hall_license_payload_verify (text, hall_root_key_get_public_key (f->hall),
                                              NULL, g_get_real_time () / G_USEC_PER_SEC,
                                              &payload, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (payload->number, ==, NUMBER);
}

static void
test_from_pdf (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "license.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *page_text = NULL;
  g_autofree char *read = NULL;

  g_assert_true (hall_license_write_pdf (f->license, file, &error));
  g_assert_no_error (error);
  read = hall_license_reader_read_file (path, &page_text, &error);
  g_assert_no_error (error);
  assert_verifies (f, read);
  /* What is printed is there as text, both languages. */
  g_assert_nonnull (page_text);
  g_assert_nonnull (strstr (page_text, NUMBER));
  g_assert_nonnull (strstr (page_text, "银川塞上云数据科技有限公司"));
  g_assert_nonnull (strstr (page_text, "Holder"));
  g_assert_nonnull (strstr (page_text, "Business license for a new company"));
  g_assert_nonnull (strstr (page_text, "长期"));
}

/* The page as a 300 dpi scanner gives it, saved as PNG and as JPEG. */
static void
test_from_scan (Fixture       *f,
                gconstpointer  data)
{
  const double scale = 300.0 / 72.0;
  int width = (int) (HALL_LICENSE_WIDTH * scale);
  int height = (int) (HALL_LICENSE_HEIGHT * scale);
  g_autoptr(cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width,
                                                                   height);
  g_autoptr(cairo_t) cr = cairo_create (surface);
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_build_filename (f->dir, "scan.png", NULL);
  g_autofree char *jpeg = g_build_filename (f->dir, "scan.jpg", NULL);
  g_autofree char *from_png = NULL;
  g_autofree char *from_jpeg = NULL;
  g_autofree char *from_surface = NULL;

  hall_license_render (f->license, cr, width, height);
  cairo_surface_flush (surface);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  from_surface = hall_license_reader_scan_surface (surface);
  assert_verifies (f, from_surface);

  from_png = hall_license_reader_read_file (png, NULL, &error);
  g_assert_no_error (error);
  assert_verifies (f, from_png);

  save_jpeg (surface, jpeg, 75);
  from_jpeg = hall_license_reader_read_file (jpeg, NULL, &error);
  g_assert_no_error (error);
  assert_verifies (f, from_jpeg);
}

/* A photo taken from further away: the page at 100 dpi. */
static void
test_from_small_photo (Fixture       *f,
                       gconstpointer  data)
{
  const double scale = 100.0 / 72.0;
  int width = (int) (HALL_LICENSE_WIDTH * scale);
  int height = (int) (HALL_LICENSE_HEIGHT * scale);
  g_autoptr(cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width,
                                                                   height);
  g_autoptr(cairo_t) cr = cairo_create (surface);
  g_autofree char *read = NULL;

  hall_license_render (f->license, cr, width, height);
  read = hall_license_reader_scan_surface (surface);
  assert_verifies (f, read);
}

static void
test_no_code (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *png = g_build_filename (f->dir, "blank.png", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.png", NULL);
  g_autoptr(cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200, 200);
  g_autoptr(GError) error = NULL;
  g_autofree char *read = NULL;

  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  read = hall_license_reader_read_file (png, NULL, &error);
  g_assert_null (read);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "No license code"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (junk, "not an image", -1, NULL));
  read = hall_license_reader_read_file (junk, NULL, &error);
  g_assert_null (read);
  g_assert_nonnull (error);
  g_clear_error (&error);

  read = hall_license_reader_read_file ("/nonexistent/license.pdf", NULL, &error);
  g_assert_null (read);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hall/license/from-pdf", Fixture, NULL, fixture_set_up, test_from_pdf,
              fixture_tear_down);
  g_test_add ("/hall/license/from-300dpi-scan", Fixture, NULL, fixture_set_up, test_from_scan,
              fixture_tear_down);
  g_test_add ("/hall/license/from-small-photo", Fixture, NULL, fixture_set_up,
              test_from_small_photo, fixture_tear_down);
  g_test_add ("/hall/license/no-code", Fixture, NULL, fixture_set_up, test_no_code,
              fixture_tear_down);

  return g_test_run ();
}
