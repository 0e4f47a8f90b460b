/* bench-scan.c — pages: from the end of an acquisition to the thumbnail
 * and the stored file, bytes per page by mode, the upload of 100 pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by hand, never by meson test:
 *
 *   SERVICE_HALL_CATALOG=data/catalog.json _build/tests/bench/bench-scan [--runs 9]
 *
 * The pages are A4 at 300 dpi of 12-point type on slightly noisy paper,
 * softened as a scanner's optics do (tests/hall-test-pages.c): the same
 * page the size tests of tests/test-pages.c use. "Acquisition end" is the
 * moment the scanner thread hands the page over (HallScanner's "page"
 * signal); what follows on a counter is the thumbnail for the window and
 * hall_store_add_pages() (compress, SHA-256, temp file, fsync, rename,
 * commit with its outbox row), timed here as one. The upload runs the
 * sync engine against a real service-hall-server on loopback.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "hall-catalog.h"
#include "hall-scanner.h"
#include "hall-store.h"
#include "hall-store-pages.h"
#include "hall-store-sync-private.h"
#include "hall-sync-engine.h"
#include "hall-test-pages.h"
#include "hall-test-server.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static HallCase *
make_case (HallStore   *store,
           HallCatalog *catalog,
           guint        n)
{
  g_autoptr (GError) error = NULL;
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  g_autofree char *base = g_strdup_printf ("64010419900307%03u", n % 1000);
  g_autofree char *id = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  HallCase *kase = hall_case_new ();
  int sum = 0;

  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  id = g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
  applicant = hall_applicant_new_person ("Bench", HALL_ID_TYPE_RESIDENT_ID, id, "13912345678");
  if (!hall_store_create_case (store, applicant,
                               hall_catalog_lookup (catalog, "company_business_license"), kase,
                               &error))
    g_error ("case: %s", error->message);
  return kase;
}

/* The main context while a feeder batch is scanned and stored: a tick
 * every millisecond, and the longest gap between two ticks. */
typedef struct
{
  HallStore *store;
  char      *case_uuid;
  gint64     last_tick;
  gint64     max_gap;
  GArray    *gaps;
  guint      storing;
  gboolean   finished;
  guint      pages;
} Batch;

static gboolean
tick_cb (gpointer data)
{
  Batch *batch = data;
  gint64 now = g_get_monotonic_time ();
  double gap;

  if (batch->last_tick != 0)
    {
      gap = (now - batch->last_tick) / 1000.0;
      g_array_append_val (batch->gaps, gap);
      batch->max_gap = MAX (batch->max_gap, now - batch->last_tick);
    }
  batch->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Batch *batch = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pages = hall_store_add_pages_finish (HALL_STORE (source), result,
                                                             &error);

  if (pages == NULL)
    g_error ("store: %s", error->message);
  batch->storing--;
}

static void
batch_page_cb (HallScanner   *scanner,
               guint          page,
               HallPageImage *image,
               HallPageImage *thumbnail,
               Batch         *batch)
{
  g_autoptr (GPtrArray) images = g_ptr_array_new ();

  /* The thumbnail came made, from the scanner's thread. */
  g_assert (thumbnail != NULL);
  g_ptr_array_add (images, image);
  batch->storing++;
  batch->pages++;
  hall_store_add_pages_async (batch->store, batch->case_uuid, "shareholder_identity", images,
                              NULL, NULL, stored_cb, batch);
}

static void
batch_finished_cb (HallScanner *scanner,
                   guint        n_pages,
                   GError      *error,
                   Batch       *batch)
{
  if (error != NULL)
    g_error ("scan: %s", error->message);
  batch->finished = TRUE;
}

static void
measure_batch (HallStore *store,
               HallCase  *kase)
{
  g_autoptr (HallScanner) scanner = hall_scanner_new ();
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();
  Batch batch = { store, (char *) hall_case_get_uuid (kase), 0, 0, NULL, 0, FALSE, 0 };
  guint tick;

  if (g_getenv ("SANE_CONFIG_DIR") == NULL)
    g_setenv ("SANE_CONFIG_DIR", SANE_TEST_DIR, TRUE);
  batch.gaps = g_array_new (FALSE, FALSE, sizeof (double));
  settings->source = g_strdup ("Automatic Document Feeder");
  settings->kind = HALL_PAGE_KIND_GREY;
  settings->dpi = 300;
  settings->width_mm = 210;
  settings->height_mm = 297;
  g_signal_connect (scanner, "page", G_CALLBACK (batch_page_cb), &batch);
  g_signal_connect (scanner, "scan-finished", G_CALLBACK (batch_finished_cb), &batch);
  tick = g_timeout_add (1, tick_cb, &batch);
  hall_scanner_scan (scanner, "test:0", settings);
  while (!batch.finished || batch.storing > 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_array_sort (batch.gaps, compare_doubles);
  g_print ("feeder batch of %u A4 grey pages at 300 dpi (SANE test backend), each "
           "thumbnailed and stored: main context gap p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           batch.pages, g_array_index (batch.gaps, double, batch.gaps->len / 2),
           g_array_index (batch.gaps, double, batch.gaps->len * 99 / 100),
           batch.max_gap / 1000.0);
  g_array_unref (batch.gaps);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  int runs = 9;
  const GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Runs per figure (9)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— page figures");
  static const char *const mode_names[] = { "black and white", "grey", "colour" };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (g_getenv ("SERVICE_HALL_SERVER_BIN") == NULL)
    g_setenv ("SERVICE_HALL_SERVER_BIN", HALL_SERVER_BIN, TRUE);

  dir = g_dir_make_tmp ("bench-scan-XXXXXX", &error);
  db = g_build_filename (dir, "counter.db", NULL);
  catalog = hall_catalog_new_default (&error);
  if (catalog == NULL)
    g_error ("catalog: %s", error->message);
  store = hall_store_open (db, "YC", "C01", &error);
  if (store == NULL)
    g_error ("store: %s", error->message);
  kase = make_case (store, catalog, 1);

  g_print ("A4 at 300 dpi, %d runs each, median\n", runs);
  for (int kind = HALL_PAGE_KIND_BILEVEL; kind <= HALL_PAGE_KIND_COLOUR; kind++)
    {
      g_autoptr (GArray) total = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) thumb = g_array_new (FALSE, FALSE, sizeof (double));
      gint64 bytes = 0;

      for (int r = 0; r < runs; r++)
        {
          /* A different page each run: the same one would be stored once. */
          g_autoptr (HallPageImage) page = hall_test_page_typed (kind, 300, 100 * kind + r);
          g_autoptr (GPtrArray) images = g_ptr_array_new ();
          g_autoptr (GPtrArray) pages = NULL;
          g_autoptr (HallPageImage) small = NULL;
          gint64 start, middle, end;
          double t;

          g_ptr_array_add (images, page);
          start = g_get_monotonic_time ();
          small = hall_page_image_scale_down (page, 256);
          middle = g_get_monotonic_time ();
          if (!hall_store_add_pages (store, hall_case_get_uuid (kase), "premises_proof", images,
                                     NULL, &pages, &error))
            g_error ("store: %s", error->message);
          end = g_get_monotonic_time ();
          t = (end - start) / 1000.0;
          g_array_append_val (total, t);
          t = (middle - start) / 1000.0;
          g_array_append_val (thumb, t);
          bytes = MAX (bytes, ((HallStoredPage *) g_ptr_array_index (pages, 0))->bytes);
        }
      g_print ("%-16s thumbnail + stored: %6.1f ms (thumbnail %5.1f ms); %7.1f KB a page"
               " (largest of the runs)\n",
               mode_names[kind], median (total), median (thumb), bytes / 1024.0);
    }

  measure_batch (store, kase);

  /* 100 grey pages to the server, through the sync engine. */
  {
    g_autofree char *server_dir = g_build_filename (dir, "server", NULL);
    g_autoptr (HallTestServer) server = NULL;
    g_autoptr (HallSyncEngine) engine = NULL;
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (HallCase) second = make_case (store, catalog, 2);
    g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
      (GDestroyNotify) hall_page_image_unref);
    HallSyncReport report;
    gint64 start;
    double seconds;
    guint unsent;
    gint64 total_bytes = 0;
    g_autoptr (GPtrArray) pages = NULL;

    g_mkdir_with_parents (server_dir, 0700);
    server = hall_test_server_start (server_dir);
    for (guint i = 0; i < 100; i++)
      g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 300, 1000 + i));
    if (!hall_store_add_pages (store, hall_case_get_uuid (second), "articles_of_association",
                               images, NULL, &pages, &error))
      g_error ("store: %s", error->message);
    for (guint i = 0; i < pages->len; i++)
      total_bytes += ((HallStoredPage *) g_ptr_array_index (pages, i))->bytes;

    engine = hall_sync_engine_new (store, server->url);
    hall_sync_engine_login_async (engine, "demo", "demo", NULL, store_result, &result);
    if (!hall_sync_engine_login_finish (engine, wait_for (&result), NULL, &error))
      g_error ("sign in: %s", error->message);
    /* First the cases and the earlier pages, so that the timed pass is
     * the 100 pages alone. */
    g_clear_object (&result);
    unsent = hall_store_count_unsent_pages (store);
    {
      g_autoptr (GPtrArray) all = hall_store_list_unsent_pages (store, &error);

      for (guint i = 0; i < all->len; i++)
        {
          HallStoredPage *page = g_ptr_array_index (all, i);

          if (g_strcmp0 (page->slot, "articles_of_association") != 0)
            hall_store_mark_page_sent (store, page->sha256, NULL);
        }
    }
    start = g_get_monotonic_time ();
    hall_sync_engine_sync_async (engine, NULL, store_result, &result);
    if (!hall_sync_engine_sync_finish (engine, wait_for (&result), &report, &error))
      g_error ("sync: %s", error->message);
    seconds = (g_get_monotonic_time () - start) / 1e6;
    g_print ("upload of 100 grey pages (%.1f MB) with the cases' rows: %.2f s (%.1f MB/s);"
             " %u pages were waiting, %u are left\n",
             total_bytes / 1e6, seconds, total_bytes / 1e6 / seconds, unsent,
             hall_store_count_unsent_pages (store));
  }

  hall_test_remove_tree (dir);
  return 0;
}
