/* test-receipt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <string.h>
#include <zbar.h>

#include "hall-catalog.h"
#include "hall-day-summary.h"
#include "hall-receipt.h"

#define CASE_NUMBER "YC-2026-C03-000123"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)

static HallReceipt *
build_receipt (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = NULL;
  g_autoptr(HallApplicant) applicant = NULL;
  g_autoptr(HallCase) kase = NULL;
  g_autoptr(JsonArray) checklist = json_array_new ();
  HallService *service;
  HallReceipt *receipt;
  guint i;

  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  service = hall_catalog_lookup (catalog, "company_business_license");
  g_assert_nonnull (service);

  applicant = hall_applicant_new_person ("张伟", HALL_ID_TYPE_RESIDENT_ID,
                                         "11010519491231002X", "13800138000");

  /* Every other document received, so both marks are drawn. */
  for (i = 0; i < hall_service_get_n_documents (service); i++)
    {
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", hall_service_get_document (service, i)->id);
      json_object_set_boolean_member (item, "provided", i % 2 == 0);
      json_array_add_object_element (checklist, item);
    }

  kase = hall_case_new ();
  hall_case_set_number (kase, CASE_NUMBER);
  hall_case_set_service_id (kase, hall_service_get_id (service));
  hall_case_set_service_name (kase, hall_service_get_name (service));
  hall_case_set_applicant_name (kase, "张伟");
  hall_case_set_created_at (kase, 1795775400);
  hall_case_set_promised_at (kase, 1795775400 + 4 * 3600);
  hall_case_set_counter (kase, "C03");
  hall_case_set_official (kase, "demo-official");
  hall_case_set_checklist (kase, checklist);

  receipt = hall_receipt_new (kase, applicant, service);
  hall_receipt_set_hall_name (receipt, "银川市民大厅");
  return receipt;
}

/* The QR code must decode, from the rendered pixels, to the case number:
 * that is what a kiosk or a counter scanner will read. */
static char *scan_qr (HallReceipt *receipt);

static void
test_receipt_qr (void)
{
  g_autoptr(HallReceipt) receipt = build_receipt ();
  g_autofree char *text = scan_qr (receipt);

  g_assert_cmpstr (text, ==, CASE_NUMBER);
}

/* The hall's status page: the code opens it for this case, while the
 * number stays printed beside it; a template that is not an address is
 * not used. */
static void
test_receipt_qr_status_url (void)
{
  g_autoptr(HallReceipt) receipt = build_receipt ();
  g_autofree char *text = NULL;
  g_autofree char *expected = g_strconcat ("https://hall.example/c/", CASE_NUMBER, NULL);

  hall_receipt_set_status_url (receipt, "https://hall.example/c/{number}");
  text = scan_qr (receipt);
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);

  g_assert_false (hall_receipt_status_url_is_valid ("hall.example/c/{number}"));
  g_assert_false (hall_receipt_status_url_is_valid ("https://hall.example/c/"));
  g_assert_false (hall_receipt_status_url_is_valid ("javascript:{number}"));
  hall_receipt_set_status_url (receipt, "javascript:alert('{number}')");
  text = scan_qr (receipt);
  g_assert_cmpstr (text, ==, CASE_NUMBER);
}

/* (transfer full): what the one QR code on the rendered receipt holds. */
static char *
scan_qr (HallReceipt *receipt)
{
  char *found = NULL;
  g_autoptr(cairo_surface_t) surface = NULL;
  g_autoptr(cairo_t) cr = NULL;
  g_autofree guint8 *gray = NULL;
  g_autofree char *png = NULL;
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  const zbar_symbol_t *symbol;
  const double scale = 2.0; /* 144 dpi */
  int width, height, stride, x, y, n_found = 0;
  const guint8 *data;

  width = (int) (HALL_RECEIPT_WIDTH * scale);
  height = (int) (HALL_RECEIPT_HEIGHT * scale);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  hall_receipt_render (receipt, cr, width, height);
  cairo_surface_flush (surface);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  png = g_build_filename (g_get_user_cache_dir (), "receipt.png", NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  /* zbar reads 8-bit gray ("Y800"). */
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  gray = g_malloc ((gsize) width * height);
  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4);

        gray[y * width + x] = (guint8) ((((px >> 16) & 0xff) * 30
                                         + ((px >> 8) & 0xff) * 59
                                         + (px & 0xff) * 11) / 100);
      }

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  zbar_image_set_data (image, gray, (unsigned long) width * height, NULL);

  g_assert_cmpint (zbar_scan_image (scanner, image), >, 0);
  for (symbol = zbar_image_first_symbol (image); symbol; symbol = zbar_symbol_next (symbol))
    {
      g_assert_cmpint (zbar_symbol_get_type (symbol), ==, ZBAR_QRCODE);
      found = g_strdup (zbar_symbol_get_data (symbol));
      n_found++;
    }
  g_assert_cmpint (n_found, ==, 1);

  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return found;
}

/* The PDF's compressed streams hold NUL bytes, so strstr() would stop early. */
static gboolean
contains (const char *data,
          gsize       length,
          const char *needle)
{
  gsize i, n = strlen (needle);

  for (i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_receipt_pdf (void)
{
  g_autoptr(HallReceipt) receipt = build_receipt ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) missing = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  file = g_file_new_build_filename (g_get_user_cache_dir (), "receipt.pdf", NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_assert_true (hall_receipt_write_pdf (receipt, file, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_load_contents (file, NULL, &contents, &length, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  /* One A5 page: 419.53 x 595.28 points. */
  g_assert_true (contains (contents, length, "/MediaBox [ 0 0 419.528 595.276 ]"));

  /* A folder that is not there is an error naming the place, not a crash. */
  missing = g_file_new_build_filename (g_get_user_cache_dir (), "no-such-dir", "r.pdf", NULL);
  g_assert_false (hall_receipt_write_pdf (receipt, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
on_pdf_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  *out = g_object_ref (result);
}

/* hall_receipt_write_pdf() on a worker, finishing on the main loop; a
 * cancel before it begins writes nothing. */
static void
test_receipt_pdf_async (void)
{
  g_autoptr(HallReceipt) receipt = build_receipt ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) cancelled_file = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  file = g_file_new_build_filename (g_get_user_cache_dir (), "receipt-async.pdf", NULL);
  hall_receipt_write_pdf_async (receipt, file, NULL, on_pdf_written, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (hall_receipt_write_pdf_finish (receipt, result, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_load_contents (file, NULL, &contents, &length, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_clear_object (&result);

  cancelled_file = g_file_new_build_filename (g_get_user_cache_dir (), "cancelled.pdf", NULL);
  g_cancellable_cancel (cancellable);
  hall_receipt_write_pdf_async (receipt, cancelled_file, cancellable, on_pdf_written, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (hall_receipt_write_pdf_finish (receipt, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_query_exists (cancelled_file, NULL));
}

/* The end-of-day summary: its words and numbers, and a one-page A4 PDF. */
/* A business's receipt names whom the hall calls there; a person's does
 * not print the phone. */
static void
test_receipt_contact (void)
{
  g_autoptr (HallReceipt) person = build_receipt ();
  g_autoptr (HallApplicant) business = hall_applicant_new_business ("宁夏星河商贸有限公司",
                                                                    "91640100MA76XQ0X1K",
                                                                    "王建国");
  g_autoptr (HallReceipt) receipt = NULL;
  g_autofree char *none = hall_receipt_dup_contact_text (person);
  g_autofree char *text = NULL;
  g_autofree char *phone_only = NULL;

  g_assert_null (none);
  hall_applicant_set_contact_person (business, "李明");
  hall_applicant_set_phone (business, "13800138000");
  receipt = hall_receipt_new (hall_receipt_get_case (person), business, NULL);
  text = hall_receipt_dup_contact_text (receipt);
  g_assert_cmpstr (text, ==, "李明 · 13800138000");
  hall_applicant_set_contact_person (business, NULL);
  phone_only = hall_receipt_dup_contact_text (receipt);
  g_assert_cmpstr (phone_only, ==, "13800138000");
}

static void
test_day_summary (void)
{
  g_autoptr (GDateTime) day = g_date_time_new_local (2026, 12, 4, 17, 5, 0);
  g_autoptr (HallDaySummary) summary = hall_day_summary_new ("银川市民大厅", "C03", "王芳", day,
                                                            12, 9, 2, 1);
  g_autofree char *text = hall_day_summary_dup_text (summary);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_cmpstr (text, ==,
                   "Cases opened\t12\nCases completed\t9\n"
                   "Waiting for the applicant (documents missing or returned)\t2\nOverdue\t1");
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  file = g_file_new_build_filename (g_get_user_cache_dir (), "summary.pdf", NULL);
  g_assert_true (hall_day_summary_write_pdf (summary, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_load_contents (file, NULL, &contents, &length, NULL, &error));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_true (contains (contents, length, "/MediaBox [ 0 0 595.276 841.89 ]"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hall/receipt/qr", test_receipt_qr);
  g_test_add_func ("/hall/receipt/contact", test_receipt_contact);
  g_test_add_func ("/hall/receipt/day-summary", test_day_summary);
  g_test_add_func ("/hall/receipt/qr-status-url", test_receipt_qr_status_url);
  g_test_add_func ("/hall/receipt/pdf", test_receipt_pdf);
  g_test_add_func ("/hall/receipt/pdf-async", test_receipt_pdf_async);

  return g_test_run ();
}
