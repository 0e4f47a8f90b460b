/* bench-approval.c — how long stamp-free approval takes: signing a
 * decision, rendering a license PDF, verifying one from a 300 dpi scan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-approval [--runs N]
 *
 * sign:    hall_decision_sign() of a decision with two documents and two
 *          reasons, the official's key opened once before (the Argon2id
 *          unlock is timed on its own: once per session);
 * verify a decision: hall_decision_verify() with its certificate;
 * render:  hall_license_write_pdf() of a license with a Chinese holder and
 *          scope, to a file;
 * verify from a scan: the page rendered once at 300 dpi and saved as PNG
 *          (A4: 2480 x 3508 pixels), then each run reads the PNG, finds
 *          the QR code with zbar and checks the payload;
 * verify from the PDF: poppler renders the page at 150 dpi, zbar, check.
 * Prints the median, p95 and the machine.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
/* After stdio.h, which it needs and does not include. */
#include <jpeglib.h>

#include "hall-license-payload.h"
#include "hall-license-reader.h"
#include "hall-license.h"
#include "hall-signature.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *times,
        double      goal_ms)
{
  double median, p95;

  g_array_sort (times, compare_doubles);
  median = g_array_index (times, double, times->len / 2);
  p95 = g_array_index (times, double, MIN (times->len - 1, times->len * 95 / 100));
  if (goal_ms > 0)
    g_print ("%-32s median %8.3f ms  p95 %8.3f ms  (goal <= %g ms, %u runs)\n", what, median,
             p95, goal_ms, times->len);
  else
    g_print ("%-32s median %8.3f ms  p95 %8.3f ms  (%u runs)\n", what, median, p95, times->len);
}

/* As a scanner saves a page: RGB JPEG of @quality (libjpeg). */
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
  fclose (file);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  int runs = 50;
  const GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Runs of each measurement (default 50)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— stamp-free approval timings");
  g_autoptr (GError) error = NULL;
  g_autoptr (HallRootKey) hall = hall_root_key_generate ();
  g_autoptr (HallSigningKey) key = hall_signing_key_generate ();
  g_autoptr (HallSigningKey) opened = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (HallDecisionContent) content = hall_decision_content_new ();
  g_autoptr (HallLicensePayload) payload = hall_license_payload_new ();
  g_autoptr (HallLicense) license = NULL;
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = g_dir_make_tmp ("bench-approval-XXXXXX", &error);
  g_autofree char *pdf = NULL;
  g_autofree char *png = NULL;
  g_autofree char *jpeg = NULL;
  g_autofree char *sealed = NULL;
  g_autofree char *text = NULL;
  g_autofree char *signature = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  struct utsname machine;
  int i;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    {
      g_printerr ("bench-approval: %s\n", error ? error->message : "--runs must be positive");
      return 64;
    }
  g_assert_no_error (error);
  pdf = g_build_filename (dir, "license.pdf", NULL);
  png = g_build_filename (dir, "scan-300dpi.png", NULL);
  jpeg = g_build_filename (dir, "scan-300dpi.jpg", NULL);

  /* The once-per-session unlock. */
  sealed = hall_signing_key_seal (key, "li.na", "correct horse", &error);
  g_assert_no_error (error);
  for (i = 0; i < MIN (runs, 5); i++)
    {
      double start = now_ms ();

      g_clear_pointer (&opened, hall_signing_key_free);
      opened = hall_signing_key_unseal (sealed, "li.na", "correct horse", &error);
      g_assert_no_error (error);
      g_array_append_val (times, (double) { now_ms () - start });
    }
  report ("unlock the key (Argon2id)", times, 0);
  g_array_set_size (times, 0);

  certificate = hall_root_key_certify (hall, "li.na", hall_signing_key_get_public_key (opened),
                                       now - 3600, now + 86400 * 365);
  content->case_uuid = g_strdup ("5d1c2c3e-8d7b-4c59-9a8e-0d5f1f2b3c4d");
  content->content_hash = g_strdup (
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  hall_decision_content_add_document (
    content, "a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef");
  hall_decision_content_add_document (
    content, "0000000000000000000000000000000000000000000000000000000000000001");
  content->step = g_strdup ("review");
  content->decision = g_strdup ("return");
  hall_decision_content_add_reason (content, "missing-lease", "");
  hall_decision_content_add_reason (content, "other", "租赁合同缺少签名页");
  content->at = now;
  for (i = 0; i < runs * 20; i++)
    {
      double start = now_ms ();

      g_free (signature);
      signature = hall_decision_sign (content, opened);
      g_array_append_val (times, (double) { now_ms () - start });
    }
  report ("sign a decision", times, 5);
  g_array_set_size (times, 0);
  for (i = 0; i < runs * 20; i++)
    {
      double start = now_ms ();

      if (!hall_decision_verify (content, signature, certificate,
                                 hall_root_key_get_public_key (hall), &error))
        g_error ("%s", error->message);
      g_array_append_val (times, (double) { now_ms () - start });
    }
  report ("verify a decision", times, 0);
  g_array_set_size (times, 0);

  payload->number = g_strdup ("YC-2026-C03-L000042");
  payload->license_type = g_strdup ("company_business_license");
  payload->holder = g_strdup ("银川塞上云数据科技有限公司");
  payload->holder_id = g_strdup ("91640100MA76XYZ12K");
  payload->scope = g_strdup ("软件开发；信息技术咨询服务；数据处理和存储支持服务");
  payload->hall = g_strdup ("YC");
  payload->issued_at = now;
  payload->case_uuid = g_strdup ("5d1c2c3e-8d7b-4c59-9a8e-0d5f1f2b3c4d");
  text = hall_license_payload_sign (payload, opened, certificate, &error);
  g_assert_no_error (error);
  license = hall_license_new (payload, text, "公司设立登记（营业执照核发）",
                              "Business license for a new company", "银川市民大厅",
                              "Yinchuan Citizens Hall");
  for (i = 0; i < runs; i++)
    {
      g_autoptr (GFile) file = g_file_new_for_path (pdf);
      double start = now_ms ();

      if (!hall_license_write_pdf (license, file, &error))
        g_error ("%s", error->message);
      g_array_append_val (times, (double) { now_ms () - start });
    }
  report ("render a license PDF", times, 100);
  g_array_set_size (times, 0);

  {
    const double scale = 300.0 / 72.0;
    cairo_surface_t *surface
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (HALL_LICENSE_WIDTH * scale),
                                    (int) (HALL_LICENSE_HEIGHT * scale));
    cairo_t *cr = cairo_create (surface);

    hall_license_render (license, cr, HALL_LICENSE_WIDTH * scale,
                         HALL_LICENSE_HEIGHT * scale);
    cairo_destroy (cr);
    g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
    save_jpeg (surface, jpeg, 85);
    cairo_surface_destroy (surface);
  }
  for (i = 0; i < runs; i++)
    {
      double start = now_ms ();
      g_autofree char *read = hall_license_reader_read_file (png, NULL, &error);

      if (read == NULL
          || !hall_license_payload_verify (read, hall_root_key_get_public_key (hall), NULL, now,
                                           NULL, &error))
        g_error ("%s", error ? error->message : "no code");
      g_array_append_val (times, (double) { now_ms () - start });
    }
  report ("verify from a 300 dpi scan (PNG)", times, 200);
  g_array_set_size (times, 0);
  for (i = 0; i < runs; i++)
    {
      double start = now_ms ();
      g_autofree char *read = hall_license_reader_read_file (jpeg, NULL, &error);

      if (read == NULL
          || !hall_license_payload_verify (read, hall_root_key_get_public_key (hall), NULL, now,
                                           NULL, &error))
        g_error ("%s", error ? error->message : "no code");
      g_array_append_val (times, (double) { now_ms () - start });
    }
  report ("verify from a 300 dpi scan (JPEG)", times, 200);
  g_array_set_size (times, 0);
  for (i = 0; i < runs; i++)
    {
      double start = now_ms ();
      g_autofree char *page_text = NULL;
      g_autofree char *read = hall_license_reader_read_file (pdf, &page_text, &error);

      if (read == NULL
          || !hall_license_payload_verify (read, hall_root_key_get_public_key (hall), NULL, now,
                                           NULL, &error))
        g_error ("%s", error ? error->message : "no code");
      g_array_append_val (times, (double) { now_ms () - start });
    }
  report ("verify from the PDF", times, 0);

  uname (&machine);
  g_print ("payload: %zu characters; machine: %s %s, %u CPUs\n", strlen (text), machine.sysname,
           machine.machine, g_get_num_processors ());
  g_unlink (pdf);
  g_unlink (png);
  g_unlink (jpeg);
  g_rmdir (dir);
  return 0;
}
