/* test-scanner.c — HallScanner against SANE's own test backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SANE_CONFIG_DIR points at tests/data/sane: the test backend alone, two
 * virtual devices, slow enough reads that a scan can be cancelled while a
 * page is read.
 */
#include "config.h"

#include <string.h>

#include "hall-scanner.h"
#include "hall-scanner-test-hooks.h"

typedef struct
{
  HallScanner *scanner;
  GPtrArray   *pages;      /* element-type HallPageImage */
  guint        progress;
  gboolean     finished;
  guint        n_pages;
  GError      *error;
  gboolean     cancel_on_progress;
} Fixture;

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
progress_cb (HallScanner *scanner,
             guint        page,
             double       fraction,
             Fixture     *fixture)
{
  g_assert_cmpfloat (fraction, >=, 0);
  g_assert_cmpfloat (fraction, <=, 1);
  fixture->progress++;
  if (fixture->cancel_on_progress && fraction > 0.1)
    hall_scanner_cancel (scanner);
}

static void
page_cb (HallScanner   *scanner,
         guint          page,
         HallPageImage *image,
         HallPageImage *thumbnail,
         Fixture       *fixture)
{
  g_assert_cmpuint (page, ==, fixture->pages->len + 1);
  g_assert_cmpuint (MAX (thumbnail->width, thumbnail->height), <=, HALL_SCANNER_THUMBNAIL_SIZE);
  g_assert_cmpuint (MAX (thumbnail->width, thumbnail->height), >, 0);
  g_ptr_array_add (fixture->pages, hall_page_image_ref (image));
}

static void
finished_cb (HallScanner *scanner,
             guint        n_pages,
             GError      *error,
             Fixture     *fixture)
{
  fixture->finished = TRUE;
  fixture->n_pages = n_pages;
  g_clear_error (&fixture->error);
  fixture->error = error != NULL ? g_error_copy (error) : NULL;
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer user_data)
{
  fixture->scanner = hall_scanner_new ();
  fixture->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  g_signal_connect (fixture->scanner, "progress", G_CALLBACK (progress_cb), fixture);
  g_signal_connect (fixture->scanner, "page", G_CALLBACK (page_cb), fixture);
  g_signal_connect (fixture->scanner, "scan-finished", G_CALLBACK (finished_cb), fixture);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_clear_object (&fixture->scanner);
  g_ptr_array_unref (fixture->pages);
  g_clear_error (&fixture->error);
  /* Signals posted before the thread ended. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Iterates the main context until the scan has finished; fails after 90
 * s, saying how far it came. A scan that never ended was seen once in CI:
 * the scanner's trace says where it stopped, and waiting longer than its
 * watchdog (60 s) tells a silent device (the watchdog ends the scan) from
 * a hang elsewhere. */
static void
wait_until_scanned (Fixture *fixture)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (90, timed_out_cb, &timed_out);

  while (!fixture->finished && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_test_message ("The scan did not end within 90 s: %u pages and %u progress signals came",
                    fixture->pages->len, fixture->progress);
  g_assert_false (timed_out);
  g_source_remove (id);
}

/* Starts a scan, the fixture's record of the last one cleared. */
static void
start_scan (Fixture                *fixture,
            const char             *device,
            const HallScanSettings *settings)
{
  fixture->finished = FALSE;
  fixture->progress = 0;
  g_ptr_array_set_size (fixture->pages, 0);
  hall_scanner_scan (fixture->scanner, device, settings);
}

static void
run_scan (Fixture                *fixture,
          const char             *device,
          const HallScanSettings *settings)
{
  start_scan (fixture, device, settings);
  g_assert_true (hall_scanner_get_scanning (fixture->scanner));
  wait_until_scanned (fixture);
  g_assert_false (hall_scanner_get_scanning (fixture->scanner));
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gboolean done = FALSE;
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, timed_out_cb, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  (void) done;
  return *slot;
}

static void
test_devices (Fixture      *fixture,
              gconstpointer user_data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GError) error = NULL;
  HallScanDevice *first;

  hall_scanner_list_devices_async (fixture->scanner, NULL, store_result, &result);
  devices = hall_scanner_list_devices_finish (fixture->scanner, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 2);
  first = g_ptr_array_index (devices, 0);
  g_assert_cmpstr (first->name, ==, "test:0");
  g_assert_nonnull (first->model);

  /* Looked for again: the same two. */
  g_clear_object (&result);
  g_clear_pointer (&devices, g_ptr_array_unref);
  hall_scanner_list_devices_async (fixture->scanner, NULL, store_result, &result);
  devices = hall_scanner_list_devices_finish (fixture->scanner, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 2);
}

static void
test_single_page (Fixture      *fixture,
                  gconstpointer user_data)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();
  HallPageImage *page;

  settings->kind = HALL_PAGE_KIND_GREY;
  settings->dpi = 100;
  run_scan (fixture, "test:0", settings);
  g_assert_no_error (fixture->error);
  g_assert_cmpuint (fixture->n_pages, ==, 1);
  g_assert_cmpuint (fixture->pages->len, ==, 1);
  g_assert_cmpuint (fixture->progress, >, 0);
  page = g_ptr_array_index (fixture->pages, 0);
  /* 80 × 100 mm at 100 dpi, the test backend's default area. */
  g_assert_cmpint (ABS ((int) page->width - 315), <=, 1);
  g_assert_cmpint (ABS ((int) page->height - 394), <=, 1);
  g_assert_cmpint (page->kind, ==, HALL_PAGE_KIND_GREY);
  g_assert_cmpuint (page->dpi, ==, 100);
  /* Debian's test backend reads each page on a thread of its own, which
   * the scanner must find to end it safely (hall-reader-threads.c). */
  g_assert_cmpuint (hall_scanner_test_get_readers_found (fixture->scanner), ==, 1);
  /* The grid: both black and white pixels. */
  g_assert_nonnull (memchr (page->pixels, 0, page->stride * page->height));
  g_assert_nonnull (memchr (page->pixels, 255, page->stride * page->height));

  /* Black and white: one bit a pixel from the device, kept bi-level. */
  settings->kind = HALL_PAGE_KIND_BILEVEL;
  run_scan (fixture, "test:0", settings);
  g_assert_no_error (fixture->error);
  page = g_ptr_array_index (fixture->pages, 0);
  g_assert_cmpint (page->kind, ==, HALL_PAGE_KIND_BILEVEL);
  for (gsize i = 0; i < page->stride * page->height; i++)
    g_assert_true (page->pixels[i] == 0 || page->pixels[i] == 255);

  settings->kind = HALL_PAGE_KIND_COLOUR;
  run_scan (fixture, "test:1", settings);
  g_assert_no_error (fixture->error);
  page = g_ptr_array_index (fixture->pages, 0);
  g_assert_cmpint (page->kind, ==, HALL_PAGE_KIND_COLOUR);
  g_assert_cmpuint (page->channels, ==, 3);
}

static void
test_feeder (Fixture      *fixture,
             gconstpointer user_data)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();

  settings->source = g_strdup ("Automatic Document Feeder");
  settings->dpi = 50;
  g_assert_true (hall_scan_source_is_feeder (settings->source));
  g_assert_false (hall_scan_source_is_feeder ("Flatbed"));
  run_scan (fixture, "test:0", settings);
  /* The test backend's feeder holds 10 sheets; empty is the batch's end. */
  g_assert_no_error (fixture->error);
  g_assert_cmpuint (fixture->n_pages, ==, 10);
  g_assert_cmpuint (fixture->pages->len, ==, 10);
}

static void
test_cancel (Fixture      *fixture,
             gconstpointer user_data)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();

  /* A page of 200 × 290 mm at 600 dpi (32 MB) takes the test backend
   * seconds: the cancel comes a tenth of the way into it. */
  settings->dpi = 600;
  settings->width_mm = 200;
  settings->height_mm = 290;
  fixture->cancel_on_progress = TRUE;
  run_scan (fixture, "test:0", settings);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->pages->len, ==, 0);
  g_assert_cmpuint (fixture->n_pages, ==, 0);

  /* The device scans again after it. */
  fixture->cancel_on_progress = FALSE;
  settings->dpi = 50;
  settings->width_mm = 80;
  settings->height_mm = 100;
  run_scan (fixture, "test:0", settings);
  g_assert_no_error (fixture->error);
  g_assert_cmpuint (fixture->pages->len, ==, 1);
}

/* The backend ends its reader thread with an asynchronous pthread_cancel():
 * one cancelled inside malloc() or free() dies holding the allocator's
 * lock, and the scan never ends (hall-reader-threads.c). Cancels at every
 * moment of a short page, its reader's first allocation and its last free
 * among them: on the code before, about one run in twenty hung. */
static void
test_cancel_anywhere (Fixture      *fixture,
                      gconstpointer user_data)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();
  guint cancelled = 0;

  for (guint i = 0; i < 300; i++)
    {
      gint64 until = g_get_monotonic_time () + g_test_rand_int_range (0, 8000);

      start_scan (fixture, "test:0", settings);
      while (!fixture->finished && g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE);
      hall_scanner_cancel (fixture->scanner);
      wait_until_scanned (fixture);
      if (fixture->error != NULL)
        {
          g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_cmpuint (fixture->pages->len, ==, 0);
          cancelled++;
        }
      else
        g_assert_cmpuint (fixture->pages->len, ==, 1);
    }
  g_test_message ("%u of 300 scans were cancelled before their page ended", cancelled);
  /* Both ends were reached: some cancels came in time, some too late. */
  g_assert_cmpuint (cancelled, >, 0);
  g_assert_cmpuint (cancelled, <, 300);
}

static void
ignore_result (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
}

/* A cancel that comes while the scan waits behind a search for devices
 * ends it before it reads a sheet: the feeder's batch is not scanned. */
static void
test_cancel_while_queued (Fixture      *fixture,
                          gconstpointer user_data)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();

  settings->source = g_strdup ("Automatic Document Feeder");
  settings->dpi = 50;
  hall_scanner_list_devices_async (fixture->scanner, NULL, ignore_result, NULL);
  start_scan (fixture, "test:0", settings);
  hall_scanner_cancel (fixture->scanner);
  wait_until_scanned (fixture);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->pages->len, ==, 0);
}

static void
test_options_round_trip (Fixture      *fixture,
                         gconstpointer user_data)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HallScanOptions) options = NULL;
  g_autoptr (GError) error = NULL;
  gboolean has_300 = FALSE;

  settings->source = g_strdup ("Automatic Document Feeder");
  settings->kind = HALL_PAGE_KIND_BILEVEL;
  settings->dpi = 150;
  settings->width_mm = 50;
  settings->height_mm = 60;
  hall_scanner_get_options_async (fixture->scanner, "test:1", settings, NULL, store_result,
                                  &result);
  options = hall_scanner_get_options_finish (fixture->scanner, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (options->current->source, ==, "Automatic Document Feeder");
  g_assert_cmpint (options->current->kind, ==, HALL_PAGE_KIND_BILEVEL);
  g_assert_cmpuint (options->current->dpi, ==, 150);
  g_assert_cmpfloat_with_epsilon (options->current->width_mm, 50, 0.01);
  g_assert_cmpfloat_with_epsilon (options->current->height_mm, 60, 0.01);
  g_assert_cmpuint (g_strv_length (options->sources), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) options->sources, "Flatbed"));
  for (int k = HALL_PAGE_KIND_BILEVEL; k <= HALL_PAGE_KIND_COLOUR; k++)
    g_assert_true (options->kinds[k]);
  for (guint i = 0; i < options->resolutions->len; i++)
    has_300 |= g_array_index (options->resolutions, guint, i) == 300;
  g_assert_true (has_300);

  /* And a scan with them gives a page of that size. */
  settings->source = g_strdup ("Flatbed");
  run_scan (fixture, "test:1", settings);
  g_assert_no_error (fixture->error);
  g_assert_cmpint (ABS ((int) ((HallPageImage *) g_ptr_array_index (fixture->pages, 0))->width
                        - 295), <=, 1);

  /* Back to colour at 75 dpi: read back as such. */
  g_clear_object (&result);
  g_clear_pointer (&options, hall_scan_options_free);
  settings->kind = HALL_PAGE_KIND_COLOUR;
  settings->dpi = 75;
  hall_scanner_get_options_async (fixture->scanner, "test:1", settings, NULL, store_result,
                                  &result);
  options = hall_scanner_get_options_finish (fixture->scanner, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (options->current->kind, ==, HALL_PAGE_KIND_COLOUR);
  g_assert_cmpuint (options->current->dpi, ==, 75);
}

static void
test_device_gone (Fixture      *fixture,
                  gconstpointer user_data)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();

  /* Unplugged while the first page is read. */
  settings->dpi = 100;
  hall_scanner_test_fail_after_bytes (fixture->scanner, 20000);
  run_scan (fixture, "test:0", settings);
  g_assert_error (fixture->error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (fixture->error->message, "test:0"));
  g_assert_nonnull (strstr (fixture->error->message, "page 1"));
  g_assert_cmpuint (fixture->pages->len, ==, 0);

  /* Back: scanning works again. */
  hall_scanner_test_fail_after_bytes (fixture->scanner, 0);
  run_scan (fixture, "test:0", settings);
  g_assert_no_error (fixture->error);

  /* A device that is not there at all. */
  run_scan (fixture, "test:7", settings);
  g_assert_error (fixture->error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (fixture->error->message, "test:7"));
}

/* A device that stops sending in the middle of a page: the watchdog ends
 * the wait and the scan, naming the device and the page. */
static void
test_device_silent (Fixture      *fixture,
                    gconstpointer user_data)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();

  settings->dpi = 100;
  hall_scanner_set_stall_timeout (fixture->scanner, 200);
  hall_scanner_test_hang_after_bytes (fixture->scanner, 20000);
  run_scan (fixture, "test:0", settings);
  g_assert_error (fixture->error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (fixture->error->message, "test:0"));
  g_assert_nonnull (strstr (fixture->error->message, "page 1"));
  g_assert_cmpuint (fixture->pages->len, ==, 0);

  hall_scanner_test_hang_after_bytes (fixture->scanner, 0);
  run_scan (fixture, "test:0", settings);
  g_assert_no_error (fixture->error);
  g_assert_cmpuint (fixture->pages->len, ==, 1);
}

static void
test_busy (Fixture      *fixture,
           gconstpointer user_data)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();
  guint busy = 0;

  settings->dpi = 50;
  hall_scanner_scan (fixture->scanner, "test:0", settings);
  /* A second scan while the first runs is refused, and the first goes on. */
  hall_scanner_scan (fixture->scanner, "test:0", settings);
  while (!fixture->finished || busy == 0)
    {
      g_main_context_iteration (NULL, TRUE);
      if (fixture->finished && fixture->error != NULL)
        {
          g_assert_error (fixture->error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_BUSY);
          /* The refusal is not the end of the scan that runs. */
          g_assert_true (hall_scanner_get_scanning (fixture->scanner));
          busy++;
          fixture->finished = FALSE;
        }
    }
  g_assert_no_error (fixture->error);
  g_assert_cmpuint (fixture->pages->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  config = g_test_build_filename (G_TEST_DIST, "data", "sane", NULL);
  g_setenv ("SANE_CONFIG_DIR", config, TRUE);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/hall/scanner/devices", test_devices);
  ADD ("/hall/scanner/single-page", test_single_page);
  ADD ("/hall/scanner/feeder", test_feeder);
  ADD ("/hall/scanner/cancel", test_cancel);
  ADD ("/hall/scanner/cancel-while-queued", test_cancel_while_queued);
  ADD ("/hall/scanner/cancel-anywhere", test_cancel_anywhere);
  ADD ("/hall/scanner/options-round-trip", test_options_round_trip);
  ADD ("/hall/scanner/device-gone", test_device_gone);
  ADD ("/hall/scanner/device-silent", test_device_silent);
  ADD ("/hall/scanner/busy", test_busy);
#undef ADD
  return g_test_run ();
}
