/* test-scan-gui.c — the scanning window against SANE's test backend and a
 * real store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SANE_CONFIG_DIR points at tests/data/sane: the test backend alone.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include <poppler.h>

#include "hall-camera-test-hooks.h"
#include "hall-case-page.h"
#include "hall-dossier-printer.h"
#include "hall-scan-window.h"
#include "hall-scan-window-test-hooks.h"
#include "hall-store-pages.h"
#include "hall-sync-engine.h"
#include "hall-test-camera.h"

#define OFFICIAL "wang.li"
#define ID_NUMBER "11010519491231002X"
#define SLOT "id_card"
#define WAIT_SECONDS 30

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @condition holds or the time runs out. */
static gboolean
wait_for (Condition condition,
          gpointer  data)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake);
  return ok;
}

typedef struct
{
  HallStore      *store;
  HallCatalog    *catalog;
  HallCase       *kase;
  HallScanWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "hall.db", NULL);
  HallService *service;

  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  fixture->store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  hall_store_add_official (fixture->store, OFFICIAL, "Wang Li", "correct horse",
                           "counter_official", &error);
  g_assert_no_error (error);

  service = hall_catalog_lookup (fixture->catalog, "individual_business_license");
  g_assert_nonnull (service);
  applicant = hall_applicant_new_person ("Zhang Wei", HALL_ID_TYPE_RESIDENT_ID, ID_NUMBER,
                                         "13912345678");
  fixture->kase = hall_case_new ();
  hall_case_set_official (fixture->kase, OFFICIAL);
  hall_store_create_case (fixture->store, applicant, service, fixture->kase, &error);
  g_assert_no_error (error);

  fixture->window = hall_scan_window_new (fixture->store, NULL,
                                          hall_case_get_uuid (fixture->kase), SLOT,
                                          "Resident ID card", OFFICIAL);
  g_object_ref_sink (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->kase);
  g_clear_object (&fixture->catalog);
  g_clear_object (&fixture->store);
}

/* (transfer full): the slot's pages as the store has them. */
static GPtrArray *
slot_pages (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = hall_store_list_case_pages (fixture->store,
                                                          hall_case_get_uuid (fixture->kase),
                                                          &error);
  GPtrArray *pages = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stored_page_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (all, i);

      g_assert_cmpstr (page->slot, ==, SLOT);
      g_assert_cmpuint (page->position, ==, pages->len);
      g_ptr_array_add (pages, g_ptr_array_steal_index (all, i--));
    }

  return pages;
}

static gboolean
ready (gpointer data)
{
  Fixture *fixture = data;

  return hall_scan_window_get_ready (fixture->window);
}

static gboolean
idle (gpointer data)
{
  Fixture *fixture = data;

  return !hall_scan_window_get_scanning (fixture->window)
         && hall_scan_window_get_ready (fixture->window);
}

static gboolean
two_pages_shown (gpointer data)
{
  Fixture *fixture = data;

  return hall_scan_window_get_n_pages (fixture->window) == 2
         && !hall_scan_window_get_scanning (fixture->window);
}

static gboolean
note_says_offline (gpointer data)
{
  Fixture *fixture = data;
  const char *note = hall_scan_window_get_page_note (fixture->window, 0);

  return note != NULL && strstr (note, "back online") != NULL;
}

/* A page pulled from another counter (its record here, its file not):
 * its row says it is on the server; shown with an engine, it is fetched,
 * and offline the row says it will show when the counter is back. */
static void
test_pulled_page (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_page_image_unref);
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  g_autofree char *path = NULL;

  for (guint i = 0; i < 2; i++)
    {
      HallPageImage *image = hall_page_image_new (HALL_PAGE_KIND_GREY, 300, 200, 150);

      memset (image->pixels, 0, image->stride * (20 + 20 * i));
      g_ptr_array_add (images, image);
    }
  g_assert_true (hall_store_add_pages (fixture->store, hall_case_get_uuid (fixture->kase), SLOT,
                                       images, OFFICIAL, &pages, &error));
  g_assert_no_error (error);
  path = hall_store_get_page_path (fixture->store,
                                   ((HallStoredPage *) g_ptr_array_index (pages, 0))->sha256);
  g_assert_cmpint (g_unlink (path), ==, 0);
  /* The window is opened on the document as the pull left it. */
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  fixture->window = hall_scan_window_new (fixture->store, NULL,
                                          hall_case_get_uuid (fixture->kase), SLOT,
                                          "Resident ID card", OFFICIAL);
  g_object_ref_sink (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (wait_for (two_pages_shown, fixture));
  g_assert_cmpstr (hall_scan_window_get_page_note (fixture->window, 0), ==,
                   "On the server, not yet downloaded");
  g_assert_null (hall_scan_window_get_page_note (fixture->window, 1));
  g_assert_null (hall_scan_window_get_thumbnail (fixture->window, 0));
  g_assert_nonnull (hall_scan_window_get_thumbnail (fixture->window, 1));

  /* No server answers on port 1. */
  engine = hall_sync_engine_new (fixture->store, "http://127.0.0.1:1");
  g_object_set (engine, "backoff-base-ms", 10, "backoff-cap-ms", 20, "max-attempts", 1, NULL);
  hall_scan_window_set_sync_engine (fixture->window, engine);
  g_assert_true (wait_for (note_says_offline, fixture));
  g_assert_false (hall_store_has_page_file (fixture->store,
                                            ((HallStoredPage *) g_ptr_array_index (pages, 0))->sha256));
  hall_scan_window_set_sync_engine (fixture->window, NULL);
}

/* The folder for a test's own files: its home of G_TEST_OPTION_ISOLATE_DIRS,
 * which GLib removes when the test passes. In /tmp they stayed after every
 * run, and two runs at once wrote the same names. */
static const char *
files_dir (void)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_home_dir (), 0700), ==, 0);
  return g_get_home_dir ();
}

/* A JPEG file of a grey page @width pixels wide, in files_dir(). */
static char *
write_jpeg (const char *name,
            guint       width,
            gsize       keep)
{
  g_autoptr (HallPageImage) image = hall_page_image_new (HALL_PAGE_KIND_GREY, width, 200, 150);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *path = g_build_filename (files_dir (), name, NULL);
  const char *mime = NULL;
  gsize size;
  const guint8 *data;

  /* A dark band, so that each page has its own content and hash. */
  for (guint y = 0; y < 40; y++)
    memset (image->pixels + y * image->stride, 0, width / 2);
  bytes = hall_page_image_encode (image, &mime, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  g_file_set_contents (path, (const char *) data, (gssize) (keep > 0 ? MIN (keep, size) : size),
                       &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static void
import_paths (Fixture     *fixture,
              const char **paths)
{
  g_autoptr (GListStore) files = g_list_store_new (G_TYPE_FILE);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr (GFile) file = g_file_new_for_path (paths[i]);

      g_list_store_append (files, file);
    }
  hall_scan_window_import_files (fixture->window, G_LIST_MODEL (files));
  g_assert_true (wait_for (idle, fixture));
}

static gboolean
one_page_shown (gpointer data)
{
  Fixture *fixture = data;

  return hall_scan_window_get_n_pages (fixture->window) == 1
         && !hall_scan_window_get_scanning (fixture->window);
}

/* Waits for one page scanned and shown; when none is, says what the
 * window shows instead. */
static void
assert_one_page_shown (Fixture *fixture)
{
  if (wait_for (one_page_shown, fixture))
    return;
  g_error ("No page shown after %d s: %u pages, %s; status “%s”, error “%s”", WAIT_SECONDS,
           hall_scan_window_get_n_pages (fixture->window),
           hall_scan_window_get_scanning (fixture->window) ? "still scanning" : "not scanning",
           hall_scan_window_get_status_text (fixture->window),
           hall_scan_window_get_error_text (fixture->window));
}

static void
test_scan_one_page (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (GPtrArray) pages = NULL;
  GdkPaintable *thumbnail;

  g_assert_true (wait_for (ready, fixture));
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  g_assert_cmpuint (hall_scan_window_get_n_pages (fixture->window), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.scan", NULL));
  assert_one_page_shown (fixture);
  g_assert_null (hall_scan_window_get_error_text (fixture->window));

  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpint (((HallStoredPage *) pages->pdata[0])->kind, ==, HALL_PAGE_KIND_GREY);
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[0])->dpi, ==, 300);
  thumbnail = hall_scan_window_get_thumbnail (fixture->window, 0);
  g_assert_nonnull (thumbnail);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (thumbnail), >, 0);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (thumbnail), <=, 256);
}

/* The window, with a page in it, fits a screen 360 pixels wide: the
 * page's buttons give way to a menu, the options and names shrink. */
static void
test_narrow (Fixture       *fixture,
             gconstpointer  data)
{
  int minimum = 0;

  g_assert_true (wait_for (ready, fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.scan", NULL));
  assert_one_page_shown (fixture);
  gtk_widget_measure (GTK_WIDGET (fixture->window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL,
                      NULL, NULL);
  g_test_message ("narrowest: %d px", minimum);
  g_assert_cmpint (minimum, >, 0);
  g_assert_cmpint (minimum, <=, 360);
}

static void
test_import_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *good = write_jpeg ("good.jpg", 300, 0);
  g_autofree char *truncated = write_jpeg ("truncated.jpg", 300, 300);
  g_autofree char *empty = g_build_filename (files_dir (), "empty.png", NULL);
  g_autofree char *liar = g_build_filename (files_dir (), "liar.png", NULL);
  g_autoptr (GFile) good_file = g_file_new_for_path (good);
  g_autoptr (GFile) liar_file = g_file_new_for_path (liar);
  g_autoptr (GError) error = NULL;
  const char *with_truncated[] = { good, truncated, NULL };
  const char *with_empty[] = { empty, NULL };
  const char *with_liar[] = { liar, NULL };
  const char *only_good[] = { good, NULL };
  g_autoptr (GPtrArray) pages = NULL;

  g_assert_true (wait_for (ready, fixture));
  g_file_set_contents (empty, "", 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_copy (good_file, liar_file, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL,
                              &error));
  g_assert_no_error (error);

  /* A good file with a truncated one: neither is stored. */
  import_paths (fixture, with_truncated);
  g_assert_nonnull (hall_scan_window_get_error_text (fixture->window));
  g_assert_nonnull (strstr (hall_scan_window_get_error_text (fixture->window), "truncated.jpg"));
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 0);
  g_assert_cmpuint (hall_scan_window_get_n_pages (fixture->window), ==, 0);
  g_clear_pointer (&pages, g_ptr_array_unref);

  import_paths (fixture, with_empty);
  g_assert_nonnull (strstr (hall_scan_window_get_error_text (fixture->window), "empty.png"));
  import_paths (fixture, with_liar);
  g_assert_nonnull (strstr (hall_scan_window_get_error_text (fixture->window), "liar.png"));
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 0);
  g_clear_pointer (&pages, g_ptr_array_unref);

  /* The same good file alone goes in. */
  import_paths (fixture, only_good);
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpuint (hall_scan_window_get_n_pages (fixture->window), ==, 1);
  g_assert_nonnull (hall_scan_window_get_thumbnail (fixture->window, 0));
}

static void
activate_on_page (Fixture    *fixture,
                  const char *action,
                  const char *uuid)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), action, "s", uuid));
  g_assert_true (wait_for (idle, fixture));
}

/* The newest entry of the case's history. */
static void
assert_last_entry (Fixture    *fixture,
                   const char *note)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = hall_store_list_case_events (fixture->store,
                                                              hall_case_get_uuid (fixture->kase),
                                                              &error);

  g_assert_no_error (error);
  g_assert_cmpuint (events->len, >, 0);
  g_assert_cmpstr (hall_case_event_get_note (g_ptr_array_index (events, events->len - 1)), ==,
                   note);
}

static void
test_reorder_rotate_delete (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *a = write_jpeg ("a.jpg", 100, 0);
  g_autofree char *b = write_jpeg ("b.jpg", 120, 0);
  g_autofree char *c = write_jpeg ("c.jpg", 300, 0);
  const char *three[] = { a, b, c, NULL };
  g_autoptr (GPtrArray) pages = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  g_assert_true (wait_for (ready, fixture));
  import_paths (fixture, three);
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 3);
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[0])->width, ==, 100);
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[2])->width, ==, 300);
  first = g_strdup (((HallStoredPage *) pages->pdata[0])->uuid);
  second = g_strdup (((HallStoredPage *) pages->pdata[1])->uuid);
  third = g_strdup (((HallStoredPage *) pages->pdata[2])->uuid);
  g_clear_pointer (&pages, g_ptr_array_unref);

  /* The first page down, then the last one up: c, b, a … */
  activate_on_page (fixture, "scan.move-down", first);
  pages = slot_pages (fixture);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, second);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[1])->uuid, ==, first);
  g_clear_pointer (&pages, g_ptr_array_unref);
  activate_on_page (fixture, "scan.move-up", third);
  activate_on_page (fixture, "scan.move-up", third);
  pages = slot_pages (fixture);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, third);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[1])->uuid, ==, second);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[2])->uuid, ==, first);
  g_clear_pointer (&pages, g_ptr_array_unref);

  /* Turning the middle page keeps its place, and its uuid (one
   * replacement, not a page added and another removed), and swaps its
   * sides. */
  activate_on_page (fixture, "scan.rotate", second);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 3);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, third);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[1])->uuid, ==, second);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[2])->uuid, ==, first);
  assert_last_entry (fixture, "Page 2 of " SLOT " replaced");
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[1])->width, ==, 200);
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[1])->height, ==, 120);
  g_free (second);
  second = g_strdup (((HallStoredPage *) pages->pdata[1])->uuid);
  g_clear_pointer (&pages, g_ptr_array_unref);

  /* Deleting the first page moves the others up. */
  activate_on_page (fixture, "scan.delete", third);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 2);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, second);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[1])->uuid, ==, first);
  g_assert_cmpuint (hall_scan_window_get_n_pages (fixture->window), ==, 2);
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
}

/* The uuids of the slot's pages in order, as one string ("a b c"). */
static char *
page_order (Fixture *fixture)
{
  g_autoptr (GPtrArray) pages = slot_pages (fixture);
  g_autoptr (GString) order = g_string_new (NULL);

  for (guint i = 0; i < pages->len; i++)
    g_string_append_printf (order, "%s%s", i > 0 ? " " : "",
                            ((HallStoredPage *) pages->pdata[i])->uuid);
  return g_string_free (g_steal_pointer (&order), FALSE);
}

/* (transfer full): the slot's pages, in order, once three JPEGs are
 * imported into it in the window that is ready. */
static GPtrArray *
import_three_pages (Fixture *fixture)
{
  g_autofree char *a = write_jpeg ("a.jpg", 100, 0);
  g_autofree char *b = write_jpeg ("b.jpg", 120, 0);
  g_autofree char *c = write_jpeg ("c.jpg", 140, 0);
  const char *three[] = { a, b, c, NULL };
  GPtrArray *pages;

  g_assert_true (wait_for (ready, fixture));
  import_paths (fixture, three);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 3);
  return pages;
}

/* Drops @uuid on the row of page @onto, on its upper or lower half, the
 * way GTK hands a drop to the row's target; what the target answered. */
static gboolean
drop_page (Fixture    *fixture,
           const char *uuid,
           guint       onto,
           gboolean    below)
{
  GtkDropTarget *target = hall_scan_window_get_page_drop_target (fixture->window, onto);
  GtkWidget *row;
  g_auto (GValue) value = G_VALUE_INIT;
  gboolean taken = FALSE;

  g_assert_nonnull (target);
  row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  g_assert_cmpint (gtk_widget_get_height (row), >, 4);
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, uuid);
  g_signal_emit_by_name (target, "drop", &value, 10.0,
                         below ? gtk_widget_get_height (row) - 2.0 : 2.0, &taken);
  g_assert_true (wait_for (idle, fixture));
  return taken;
}

static void
test_drag_reorder (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (GPtrArray) pages = import_three_pages (fixture);
  g_autoptr (GdkContentProvider) content = NULL;
  g_auto (GValue) dragged = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  char *first = ((HallStoredPage *) pages->pdata[0])->uuid;
  char *second = ((HallStoredPage *) pages->pdata[1])->uuid;
  char *third = ((HallStoredPage *) pages->pdata[2])->uuid;

  /* A drag from a row carries the page it shows. */
  g_signal_emit_by_name (hall_scan_window_get_page_drag_source (fixture->window, 1), "prepare",
                         5.0, 5.0, &content);
  g_assert_nonnull (content);
  g_value_init (&dragged, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &dragged, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_value_get_string (&dragged), ==, second);

  /* The last page onto the upper half of the first row goes above it … */
  g_assert_true (drop_page (fixture, third, 0, FALSE));
  expected = g_strjoin (" ", third, first, second, NULL);
  after = page_order (fixture);
  g_assert_cmpstr (after, ==, expected);
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&after, g_free);

  /* … and, now first, onto the lower half of the last row goes below it. */
  g_assert_true (drop_page (fixture, third, 2, TRUE));
  expected = g_strjoin (" ", first, second, third, NULL);
  after = page_order (fixture);
  g_assert_cmpstr (after, ==, expected);
  g_assert_cmpstr (hall_scan_window_get_row_title (fixture->window, 2, NULL), ==, "Page 3");

  /* A page dropped where it is, on itself, or text that is no page of
   * this slot moves nothing. */
  before = page_order (fixture);
  g_assert_false (drop_page (fixture, second, 1, FALSE));
  g_assert_false (drop_page (fixture, second, 0, TRUE));
  g_assert_false (drop_page (fixture, "a page of another slot", 0, FALSE));
  g_clear_pointer (&after, g_free);
  after = page_order (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
}

/* Presses @accel on the row of page @position the way its shortcut
 * controller does when the row has the focus. */
static void
press_on_row (Fixture    *fixture,
              guint       position,
              const char *accel)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (
    hall_scan_window_get_page_drop_target (fixture->window, position)));
  g_autoptr (GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accel);
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (row);
  gboolean pressed = FALSE;

  gtk_widget_grab_focus (row);
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !pressed; i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)) && !pressed; j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (!gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            continue;
          pressed = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, row,
                                                  gtk_shortcut_get_arguments (shortcut));
        }
    }
  g_assert_true (pressed);
  g_assert_true (wait_for (idle, fixture));
}

typedef struct
{
  Fixture *fixture;
  guint    position;
} RowAt;

/* The row of page @position has the keyboard focus. */
static gboolean
row_has_focus (gpointer data)
{
  RowAt *at = data;
  GtkDropTarget *target = hall_scan_window_get_page_drop_target (at->fixture->window,
                                                                 at->position);

  return target != NULL
         && gtk_root_get_focus (GTK_ROOT (at->fixture->window))
            == gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
}

static gboolean
wait_for_focus (Fixture *fixture,
                guint    position)
{
  RowAt at = { fixture, position };

  return wait_for (row_has_focus, &at);
}

/* Alt+Down and Alt+Up move the focused page, and the focus goes with it,
 * so that a stack is put in order without the mouse. */
static void
test_keyboard_reorder (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (GPtrArray) pages = import_three_pages (fixture);
  g_autofree char *expected = NULL;
  g_autofree char *order = NULL;
  char *first = ((HallStoredPage *) pages->pdata[0])->uuid;
  char *second = ((HallStoredPage *) pages->pdata[1])->uuid;
  char *third = ((HallStoredPage *) pages->pdata[2])->uuid;

  /* The first page down twice: it is last, and its row has the focus. */
  press_on_row (fixture, 0, "<Alt>Down");
  g_assert_true (wait_for_focus (fixture, 1));
  press_on_row (fixture, 1, "<Alt>Down");
  g_assert_true (wait_for_focus (fixture, 2));
  expected = g_strjoin (" ", second, third, first, NULL);
  order = page_order (fixture);
  g_assert_cmpstr (order, ==, expected);
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&order, g_free);

  /* Down from the last row moves nothing; up brings it back one. */
  press_on_row (fixture, 2, "<Alt>Down");
  press_on_row (fixture, 2, "<Alt>Up");
  g_assert_true (wait_for_focus (fixture, 1));
  expected = g_strjoin (" ", second, first, third, NULL);
  order = page_order (fixture);
  g_assert_cmpstr (order, ==, expected);
  g_assert_cmpstr (hall_scan_window_get_row_title (fixture->window, 1, NULL), ==, "Page 2");
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
}

/* Drops @paths on the window, as a file manager would. */
static gboolean
drop_files (Fixture     *fixture,
            const char **paths)
{
  GSList *list = NULL;
  g_auto (GValue) value = G_VALUE_INIT;
  gboolean taken = FALSE;

  for (guint i = 0; paths[i] != NULL; i++)
    list = g_slist_append (list, g_file_new_for_path (paths[i]));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (list));
  g_slist_free_full (list, g_object_unref);
  g_signal_emit_by_name (hall_scan_window_get_file_drop_target (fixture->window), "drop",
                         &value, 20.0, 20.0, &taken);
  g_assert_true (wait_for (idle, fixture));
  return taken;
}

static void
test_drop_files (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *a = write_jpeg ("a.jpg", 100, 0);
  g_autofree char *b = write_jpeg ("b.jpg", 120, 0);
  g_autofree char *empty = g_build_filename (files_dir (), "dropped-empty.png", NULL);
  const char *two[] = { a, b, NULL };
  const char *with_empty[] = { a, empty, NULL };
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (wait_for (ready, fixture));
  g_assert_true (drop_files (fixture, two));
  g_assert_cmpuint (hall_scan_window_get_n_pages (fixture->window), ==, 2);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 2);
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[1])->width, ==, 120);

  /* Dropped files get the checks Import gives: one refused, none taken. */
  g_file_set_contents (empty, "", 0, &error);
  g_assert_no_error (error);
  drop_files (fixture, with_empty);
  g_assert_nonnull (strstr (hall_scan_window_get_error_text (fixture->window),
                            "dropped-empty.png"));
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 2);
}

static int
pdf_n_pages (GFile *file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = g_file_get_uri (file);
  PopplerDocument *document = poppler_document_new_from_file (uri, NULL, &error);
  int n;

  g_assert_no_error (error);
  n = poppler_document_get_n_pages (document);
  g_object_unref (document);
  return n;
}

static void
test_dossier (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *a = write_jpeg ("a.jpg", 100, 0);
  g_autofree char *b = write_jpeg ("b.jpg", 120, 0);
  const char *two[] = { a, b, NULL };
  g_autoptr (HallDossierPrinter) printer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) folder = g_file_new_build_filename (files_dir (), "Documents", NULL);
  g_autoptr (GFile) saved = NULL;
  g_autoptr (GFile) printed = g_file_new_build_filename (files_dir (), "printed.pdf", NULL);
  g_autofree char *name = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (wait_for (ready, fixture));
  import_paths (fixture, two);
  g_assert_null (hall_scan_window_get_error_text (fixture->window));

  printer = hall_dossier_printer_new (fixture->store, fixture->catalog, fixture->kase, &error);
  g_assert_no_error (error);
  /* The cover and the two pages. */
  g_assert_cmpuint (hall_dossier_printer_get_n_pages (printer), ==, 3);

  saved = hall_dossier_printer_save_pdf (printer, folder, &error);
  g_assert_no_error (error);
  name = g_file_get_basename (saved);
  expected = g_strconcat (hall_case_get_number (fixture->kase), ".pdf", NULL);
  g_assert_cmpstr (name, ==, expected);
  g_assert_cmpint (pdf_n_pages (saved), ==, 3);

  /* What GtkPrintOperation would send to the printer, written to a file. */
  g_assert_true (hall_dossier_printer_print (printer, NULL, GTK_PRINT_OPERATION_ACTION_EXPORT,
                                             printed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pdf_n_pages (printed), ==, 3);
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelQuery;

static gboolean
label_shown (gpointer data)
{
  LabelQuery *query = data;

  return has_label (query->root, query->text);
}

/* The case page's checklist counts the pages of each document and names
 * the documents still to scan. */
/* The case page's history names the document pages went to, as the
 * official reads it, not by its id. */
static gboolean
history_names_document (gpointer data)
{
  const char *text = hall_case_page_get_timeline_text (HALL_CASE_PAGE (data));

  return text != NULL && strstr (text, "2 pages added to Resident ID card") != NULL
         && strstr (text, SLOT) == NULL;
}

static void
test_case_page_checklist (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *a = write_jpeg ("a.jpg", 100, 0);
  g_autofree char *b = write_jpeg ("b.jpg", 120, 0);
  const char *two[] = { a, b, NULL };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = hall_case_page_new ();
  LabelQuery missing = { window, "Still to scan: Individual business registration application "
                                 "form, Resident ID card, Proof of the premises" };
  LabelQuery still = { window, "Still to scan: Individual business registration application "
                               "form, Proof of the premises" };
  LabelQuery counted = { window, "2 pages" };

  hall_case_page_set_store (HALL_CASE_PAGE (page), fixture->store);
  hall_case_page_set_catalog (HALL_CASE_PAGE (page), fixture->catalog);
  hall_case_page_set_official (HALL_CASE_PAGE (page), OFFICIAL);
  hall_case_page_set_case (HALL_CASE_PAGE (page), fixture->kase);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 1400);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (label_shown, &missing));
  g_assert_false (has_label (window, "2 pages"));

  g_assert_true (wait_for (ready, fixture));
  import_paths (fixture, two);
  g_assert_true (wait_for (label_shown, &counted));
  g_assert_true (wait_for (label_shown, &still));
  g_assert_true (wait_for (history_names_document, page));

  /* The button on the document's row opens the window for that slot. */
  g_assert_true (gtk_widget_activate_action (page, "case.scan-document", "s", "premises_proof"));
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    g_autofree char *slot = NULL;
    GtkWidget *scan = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && scan == NULL; i++)
      {
        g_autoptr (GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

        if (HALL_IS_SCAN_WINDOW (toplevel) && toplevel != GTK_WIDGET (fixture->window))
          scan = toplevel;
      }
    g_assert_nonnull (scan);
    g_object_get (scan, "slot", &slot, NULL);
    g_assert_cmpstr (slot, ==, "premises_proof");

    /* Pressed again, and for the document the fixture's window is open
     * on: those windows come forward, no second one opens. */
    g_assert_true (gtk_widget_activate_action (page, "case.scan-document", "s", "premises_proof"));
    g_assert_true (gtk_widget_activate_action (page, "case.scan-document", "s", SLOT));
    g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, 3);
    g_assert_true (hall_scan_window_find (hall_case_get_uuid (fixture->kase), SLOT)
                   == fixture->window);
    g_assert_true ((GtkWidget *) hall_scan_window_find (hall_case_get_uuid (fixture->kase),
                                                        "premises_proof") == scan);
    gtk_window_destroy (GTK_WINDOW (scan));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
ten_pages_shown (gpointer data)
{
  Fixture *fixture = data;

  return hall_scan_window_get_n_pages (fixture->window) == 10
         && !hall_scan_window_get_scanning (fixture->window);
}

/* The feeder's ten sheets go in as ten pages; one of them scanned again
 * takes its place. */
static void
test_feeder_and_rescan (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (GPtrArray) pages = NULL;
  g_autofree char *third = NULL;

  g_assert_true (wait_for (ready, fixture));
  g_assert_true (hall_scan_window_choose (fixture->window, "Automatic Document Feeder", 75));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.scan", NULL));
  g_assert_true (wait_for (ten_pages_shown, fixture));
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 10);
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[9])->dpi, ==, 75);
  third = g_strdup (((HallStoredPage *) pages->pdata[2])->uuid);
  g_clear_pointer (&pages, g_ptr_array_unref);

  activate_on_page (fixture, "scan.rescan", third);
  g_assert_true (wait_for (ten_pages_shown, fixture));
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 10);
  /* Replaced in place, in one transaction: the same page, a new scan. */
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[2])->uuid, ==, third);
  assert_last_entry (fixture, "Page 3 of " SLOT " replaced");
}

/* Row @position shows page @uuid as "Page N". */
static void
assert_row (Fixture    *fixture,
            guint       position,
            const char *uuid)
{
  g_autofree char *title = g_strdup_printf ("Page %u", position + 1);
  const char *shown = NULL;

  g_assert_cmpstr (hall_scan_window_get_row_title (fixture->window, position, &shown), ==, title);
  g_assert_cmpstr (shown, ==, uuid);
  g_assert_nonnull (hall_scan_window_get_thumbnail (fixture->window, position));
}

/* A feeder batch gives a row one page as each comes, not the whole list
 * again for each page (ten sheets would be 10 × 11 / 2 = 55 rows): the
 * window stays responsive while a stack of papers goes through. Turning a
 * page changes its row in place; moving and deleting pages give their
 * page again to at most the rows bound (GTK 4.8's list view binds a
 * row again when its position changes); the rows show their new place
 * and file. */
static void
test_rows_built_once (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (GPtrArray) pages = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  GdkPaintable *before;
  int width, height;
  guint built;

  g_assert_true (wait_for (ready, fixture));
  g_assert_cmpuint (hall_scan_window_get_n_rows_built (fixture->window), ==, 0);
  g_assert_true (hall_scan_window_choose (fixture->window, "Automatic Document Feeder", 75));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.scan", NULL));
  g_assert_true (wait_for (ten_pages_shown, fixture));
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  g_assert_cmpuint (hall_scan_window_get_n_rows_built (fixture->window), ==, 10);
  /* The batch is counted as a whole, whenever its last page is stored. */
  g_assert_cmpstr (hall_scan_window_get_status_text (fixture->window), ==, "10 pages scanned");
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 10);
  for (guint i = 0; i < pages->len; i++)
    assert_row (fixture, i, ((HallStoredPage *) pages->pdata[i])->uuid);
  g_assert_null (hall_scan_window_get_row_title (fixture->window, 10, NULL));
  first = g_strdup (((HallStoredPage *) pages->pdata[0])->uuid);
  second = g_strdup (((HallStoredPage *) pages->pdata[1])->uuid);
  third = g_strdup (((HallStoredPage *) pages->pdata[2])->uuid);

  /* Turned: the same row shows the turned page, once it is decoded. */
  before = g_object_ref (hall_scan_window_get_thumbnail (fixture->window, 2));
  width = gdk_paintable_get_intrinsic_width (before);
  height = gdk_paintable_get_intrinsic_height (before);
  g_assert_cmpint (width, !=, height);
  activate_on_page (fixture, "scan.rotate", third);
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  g_assert_true (hall_scan_window_get_thumbnail (fixture->window, 2) != before);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (hall_scan_window_get_thumbnail (fixture->window, 2)),
                   ==, height);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (hall_scan_window_get_thumbnail (fixture->window, 2)),
                   ==, width);
  g_object_unref (before);
  assert_row (fixture, 2, third);
  g_assert_cmpuint (hall_scan_window_get_n_rows_built (fixture->window), ==, 10);

  /* Moved: the two rows swap, and say so. */
  built = hall_scan_window_get_n_rows_built (fixture->window);
  activate_on_page (fixture, "scan.move-down", first);
  g_assert_cmpuint (hall_scan_window_get_n_rows_built (fixture->window), >=, built + 2);
  g_assert_cmpuint (hall_scan_window_get_n_rows_built (fixture->window), <=,
                    built + hall_scan_window_get_n_rows_bound (fixture->window));
  assert_row (fixture, 0, second);
  assert_row (fixture, 1, first);
  assert_row (fixture, 2, third);

  /* Deleted: the rows below move up and are numbered again. */
  built = hall_scan_window_get_n_rows_built (fixture->window);
  activate_on_page (fixture, "scan.delete", second);
  g_assert_cmpuint (hall_scan_window_get_n_rows_built (fixture->window), <=,
                    built + hall_scan_window_get_n_rows_bound (fixture->window));
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 9);
  g_assert_cmpuint (hall_scan_window_get_n_pages (fixture->window), ==, 9);
  for (guint i = 0; i < pages->len; i++)
    assert_row (fixture, i, ((HallStoredPage *) pages->pdata[i])->uuid);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, first);
  g_assert_null (hall_scan_window_get_row_title (fixture->window, 9, NULL));
}

static gboolean
camera_shows_sheet (gpointer data)
{
  Fixture *fixture = data;

  return hall_scan_window_get_n_previews (fixture->window) >= 2
         && hall_scan_window_get_outline_shown (fixture->window);
}

static gboolean
camera_error_shown (gpointer data)
{
  Fixture *fixture = data;

  return hall_scan_window_get_error_text (fixture->window) != NULL;
}

/* A document camera among the devices: its preview outlines the sheet,
 * Capture stores the sheet cut out into the slot, rescanning a page
 * replaces it, and a camera pulled out says so. */
static void
test_camera (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (HallCamera) camera = hall_camera_new ();
  g_autoptr (GPtrArray) pages = NULL;
  g_autofree char *first = NULL;
  HallStoredPage *page;

  hall_camera_test_add_device (camera, "test:sheet", "Test Camera", HALL_TEST_CAMERA_SOURCE);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  fixture->window = g_object_new (HALL_TYPE_SCAN_WINDOW, "store", fixture->store,
                                  "camera", camera,
                                  "case-uuid", hall_case_get_uuid (fixture->kase),
                                  "slot", SLOT, "slot-title", "Resident ID card",
                                  "official", OFFICIAL, NULL);
  g_object_ref_sink (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (wait_for (ready, fixture));

  g_assert_true (hall_scan_window_choose_device (fixture->window, "test:sheet"));
  g_assert_true (wait_for (camera_shows_sheet, fixture));
  g_assert_true (hall_camera_get_running (camera));
  g_assert_null (hall_scan_window_get_error_text (fixture->window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.capture", NULL));
  assert_one_page_shown (fixture);
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 1);
  page = pages->pdata[0];
  /* Stored as a scanned grey page is: the sheet, cut out, as JPEG. */
  g_assert_cmpint (page->kind, ==, HALL_PAGE_KIND_GREY);
  g_assert_cmpstr (page->mime, ==, "image/jpeg");
  g_test_message ("captured %u × %u at %u dpi", page->width, page->height, page->dpi);
  g_assert_cmpint (ABS ((int) page->width - HALL_TEST_SHEET_W), <=, 2);
  g_assert_cmpint (ABS ((int) page->height - HALL_TEST_SHEET_H), <=, 2);
  g_assert_nonnull (hall_scan_window_get_thumbnail (fixture->window, 0));
  first = g_strdup (page->uuid);

  /* Rescanning the page with the camera puts the new one in its place. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.rescan", "s",
                                             first));
  g_assert_true (wait_for (idle, fixture));
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, first);
  assert_last_entry (fixture, "Page 1 of " SLOT " replaced");

  /* Pulled out: the window says which camera is gone, and captures no more. */
  hall_camera_test_remove_device (camera, "test:sheet");
  g_assert_true (wait_for (camera_error_shown, fixture));
  g_assert_nonnull (strstr (hall_scan_window_get_error_text (fixture->window), "Test Camera"));
  g_assert_false (hall_camera_get_running (camera));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.capture", NULL);
  g_assert_true (wait_for (idle, fixture));
  g_assert_cmpuint (hall_scan_window_get_n_pages (fixture->window), ==, 1);
}

/* (transfer full): a second window on the case, for another document. */
static HallScanWindow *
open_second_window (Fixture *fixture)
{
  HallScanWindow *window = hall_scan_window_new (fixture->store, NULL,
                                                 hall_case_get_uuid (fixture->kase),
                                                 "premises_proof", "Proof of premises", OFFICIAL);

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (idle, &(Fixture) { .window = window }));
  return window;
}

static guint
n_pages_of (Fixture    *fixture,
            const char *slot)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = hall_store_list_case_pages (fixture->store,
                                                          hall_case_get_uuid (fixture->kase),
                                                          &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    n += g_strcmp0 (((HallStoredPage *) g_ptr_array_index (all, i))->slot, slot) == 0;
  return n;
}

/* Every window shares the one scanner: a second window open on another
 * document takes none of the first one's pages, cannot start a scan
 * while it runs (it says why, until that scan ends), and, closed during
 * it, does not cancel it (a window
 * freed late by a task it waited for cancelled the next test's scan). */
static void
test_two_windows (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (HallScanWindow) second = NULL;
  GObject *closed;

  g_assert_true (wait_for (ready, fixture));
  second = open_second_window (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.scan", NULL));
  g_assert_false (hall_scan_window_get_scanning (second));
  gtk_widget_activate_action (GTK_WIDGET (second), "scan.scan", NULL);
  g_assert_false (hall_scan_window_get_scanning (second));
  g_assert_nonnull (strstr (hall_scan_window_get_error_text (second), "another window"));
  /* Said until the first window's scan ends. */
  assert_one_page_shown (fixture);
  g_assert_true (wait_for (idle, &(Fixture) { .window = second }));
  g_assert_null (hall_scan_window_get_error_text (second));
  g_assert_cmpuint (hall_scan_window_get_n_pages (second), ==, 0);
  g_assert_cmpuint (n_pages_of (fixture, SLOT), ==, 1);
  g_assert_cmpuint (n_pages_of (fixture, "premises_proof"), ==, 0);

  /* Closed while the first window's scan runs. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.scan", NULL));
  closed = G_OBJECT (g_steal_pointer (&second));
  g_object_add_weak_pointer (closed, (gpointer *) &closed);
  gtk_window_destroy (GTK_WINDOW (closed));
  g_object_unref (closed);
  g_assert_null (closed);
  g_assert_true (wait_for (idle, fixture));
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  g_assert_cmpuint (hall_scan_window_get_n_pages (fixture->window), ==, 2);
  g_assert_cmpuint (n_pages_of (fixture, SLOT), ==, 2);
}

/* (transfer full): a window on @slot of the case with @camera among its
 * devices, ready. */
static HallScanWindow *
open_camera_window (Fixture    *fixture,
                    HallCamera *camera,
                    const char *slot)
{
  HallScanWindow *window = g_object_new (HALL_TYPE_SCAN_WINDOW, "store", fixture->store,
                                         "camera", camera,
                                         "case-uuid", hall_case_get_uuid (fixture->kase),
                                         "slot", slot, "slot-title", slot,
                                         "official", OFFICIAL, NULL);

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (idle, &(Fixture) { .window = window }));
  return window;
}

typedef struct
{
  HallScanWindow *window;
  guint           shown;   /* frames it had shown */
} PreviewCount;

static gboolean
two_more_previews (gpointer data)
{
  PreviewCount *count = data;

  return hall_scan_window_get_n_previews (count->window) >= count->shown + 2;
}

/* The camera is every window's too, and the window that started it keeps
 * it: a second window opened on the scanner, or choosing the camera
 * itself, or closed, neither stops nor takes it (it says the camera is in
 * use); once the first window chooses a scanner, the one waiting for the
 * camera shows it. */
static void
test_two_windows_one_camera (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr (HallCamera) camera = hall_camera_new ();
  g_autoptr (HallScanWindow) waiting = NULL;
  HallScanWindow *second;
  PreviewCount previews;

  hall_camera_test_add_device (camera, "test:sheet", "Test Camera", HALL_TEST_CAMERA_SOURCE);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  fixture->window = open_camera_window (fixture, camera, SLOT);
  g_assert_true (hall_scan_window_choose_device (fixture->window, "test:sheet"));
  g_assert_true (wait_for (camera_shows_sheet, fixture));

  /* Opened on the scanner, then closed. */
  second = open_camera_window (fixture, camera, "premises_proof");
  g_assert_true (hall_camera_get_running (camera));
  gtk_window_destroy (GTK_WINDOW (second));
  g_object_unref (second);
  g_assert_true (hall_camera_get_running (camera));
  /* Its preview goes on. */
  previews.window = fixture->window;
  previews.shown = hall_scan_window_get_n_previews (fixture->window);
  g_assert_true (wait_for (two_more_previews, &previews));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.capture", NULL));
  assert_one_page_shown (fixture);
  g_assert_cmpuint (n_pages_of (fixture, SLOT), ==, 1);

  /* Choosing the camera in another window: refused, nothing captured. */
  waiting = open_camera_window (fixture, camera, "premises_proof");
  g_assert_true (hall_scan_window_choose_device (waiting, "test:sheet"));
  g_assert_nonnull (hall_scan_window_get_error_text (waiting));
  g_assert_nonnull (strstr (hall_scan_window_get_error_text (waiting), "another"));
  gtk_widget_activate_action (GTK_WIDGET (waiting), "scan.capture", NULL);
  g_assert_true (wait_for (idle, &(Fixture) { .window = waiting }));
  g_assert_cmpuint (n_pages_of (fixture, "premises_proof"), ==, 0);
  g_assert_true (hall_camera_get_running (camera));

  /* The first window goes back to its scanner: the waiting one takes it. */
  g_assert_true (hall_scan_window_choose_device (fixture->window, "test:0"));
  g_assert_true (wait_for (camera_shows_sheet, &(Fixture) { .window = waiting }));
  g_assert_null (hall_scan_window_get_error_text (waiting));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (waiting), "scan.capture", NULL));
  g_assert_true (wait_for (idle, &(Fixture) { .window = waiting }));
  g_assert_cmpuint (n_pages_of (fixture, "premises_proof"), ==, 1);
  gtk_window_destroy (GTK_WINDOW (waiting));
}

/* A window opened while another's feeder batch runs finds its devices
 * once the batch is done (its first search waited behind the scan). */
static void
test_opened_during_a_scan (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr (HallScanWindow) second = NULL;

  g_assert_true (wait_for (ready, fixture));
  g_assert_true (hall_scan_window_choose (fixture->window, "Automatic Document Feeder", 75));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.scan", NULL));
  second = hall_scan_window_new (fixture->store, NULL, hall_case_get_uuid (fixture->kase),
                                 "premises_proof", "Proof of premises", OFFICIAL);
  g_object_ref_sink (second);
  gtk_window_present (GTK_WINDOW (second));
  g_assert_true (wait_for (ten_pages_shown, fixture));
  g_assert_true (wait_for (idle, &(Fixture) { .window = second }));
  g_assert_null (hall_scan_window_get_error_text (second));
  g_assert_cmpuint (hall_scan_window_get_n_pages (second), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "scan.scan", NULL));
  g_assert_true (wait_for (idle, &(Fixture) { .window = second }));
  g_assert_cmpuint (n_pages_of (fixture, "premises_proof"), ==, 1);
  gtk_window_destroy (GTK_WINDOW (second));
}

/* Cropping a page: corners dragged, what is inside stored in the page's
 * place; Reset gives the whole page back before anything is stored; a
 * frame dragged past the page stays on it. */
static void
test_crop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (GPtrArray) pages = NULL;
  g_autofree char *uuid = NULL;
  guint width, height;

  g_assert_true (wait_for (ready, fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.scan", NULL));
  assert_one_page_shown (fixture);
  pages = slot_pages (fixture);
  uuid = g_strdup (((HallStoredPage *) pages->pdata[0])->uuid);
  width = ((HallStoredPage *) pages->pdata[0])->width;
  height = ((HallStoredPage *) pages->pdata[0])->height;
  g_assert_false (hall_scan_window_drag_crop_corner (fixture->window, 0, 10, 20));

  /* The page is decoded on a worker, not in the action: the frame can be
   * dragged once it is there. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.crop", "s", uuid));
  g_assert_false (hall_scan_window_drag_crop_corner (fixture->window, 0, 10, 20));
  g_assert_true (hall_scan_window_get_scanning (fixture->window));
  g_assert_true (wait_for (idle, fixture));

  /* Reset: the frame back to the whole page; nothing is stored. */
  g_assert_true (hall_scan_window_drag_crop_corner (fixture->window, 0, 10, 20));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.crop-reset", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.crop-apply", NULL));
  g_assert_true (wait_for (idle, fixture));
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, uuid);

  /* Two corners dragged in: a new version of the page, in its place. */
  activate_on_page (fixture, "scan.crop", uuid);
  g_assert_true (hall_scan_window_drag_crop_corner (fixture->window, 0, 10, 20));
  g_assert_true (hall_scan_window_drag_crop_corner (fixture->window, 2, width - 30, height - 40));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.crop-apply", NULL));
  g_assert_true (wait_for (idle, fixture));
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, uuid);
  assert_last_entry (fixture, "Page 1 of " SLOT " replaced");
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[0])->width, ==, width - 40);
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[0])->height, ==, height - 60);
  g_assert_cmpint (((HallStoredPage *) pages->pdata[0])->kind, ==, HALL_PAGE_KIND_GREY);
  g_free (uuid);
  uuid = g_strdup (((HallStoredPage *) pages->pdata[0])->uuid);

  /* Dragged past the page and across the other corner: the frame stays
   * on the page and keeps a minimum size. */
  activate_on_page (fixture, "scan.crop", uuid);
  g_assert_true (hall_scan_window_drag_crop_corner (fixture->window, 0, -500, -500));
  g_assert_true (hall_scan_window_drag_crop_corner (fixture->window, 2, -100, -100));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.crop-apply", NULL));
  g_assert_true (wait_for (idle, fixture));
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[0])->width, ==, 16);
  g_assert_cmpuint (((HallStoredPage *) pages->pdata[0])->height, ==, 16);

  /* Cancel: nothing changes. */
  g_free (uuid);
  uuid = g_strdup (((HallStoredPage *) pages->pdata[0])->uuid);
  activate_on_page (fixture, "scan.crop", uuid);
  g_assert_true (hall_scan_window_drag_crop_corner (fixture->window, 2, 8, 8));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.crop-cancel", NULL));
  g_assert_false (hall_scan_window_drag_crop_corner (fixture->window, 0, 1, 1));
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = slot_pages (fixture);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, uuid);
}

static gboolean
first_page_turned (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr (GPtrArray) pages = slot_pages (fixture);

  /* The test backend's page is taller than wide. */
  return pages->len == 1
         && ((HallStoredPage *) pages->pdata[0])->width > ((HallStoredPage *) pages->pdata[0])->height;
}

/* The page list is used from the keyboard: Tab reaches a page's buttons
 * (the list's rows hold them), and the button reached acts on its page. */
static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) pages = NULL;
  GtkWidget *focus = NULL;
  gboolean found = FALSE;

  g_assert_true (wait_for (ready, fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "scan.scan", NULL));
  assert_one_page_shown (fixture);
  g_assert_true (wait_for (idle, fixture));
  pages = slot_pages (fixture);
  g_assert_cmpuint (pages->len, ==, 1);

  for (guint i = 0; i < 60 && !found; i++)
    {
      GVariant *target;

      if (!gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_FORWARD))
        gtk_window_set_focus (GTK_WINDOW (fixture->window), NULL);
      focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
      if (!GTK_IS_ACTIONABLE (focus)
          || g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (focus)), "scan.rotate") != 0)
        continue;
      target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (focus));
      g_assert_nonnull (target);
      g_assert_cmpstr (g_variant_get_string (target, NULL), ==,
                       ((HallStoredPage *) pages->pdata[0])->uuid);
      found = TRUE;
    }
  g_assert_true (found);

  /* Activated from the keyboard (a button pressed with the keyboard
   * acts once its press is shown): the page is turned. */
  g_assert_true (gtk_widget_activate (focus));
  g_assert_true (wait_for (first_page_turned, fixture));
  g_assert_true (wait_for (idle, fixture));
  g_assert_null (hall_scan_window_get_error_text (fixture->window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sane = NULL;
  g_autoptr (GPtrArray) mime_dirs = g_ptr_array_new_with_free_func (g_free);
  const char *const *data_dirs = g_get_system_data_dirs ();

  /* The isolated data dirs have no MIME database, and without one the icon
   * loader cannot tell an SVG icon from junk: keep the system's. */
  for (guint i = 0; data_dirs[i] != NULL; i++)
    g_ptr_array_add (mime_dirs, g_build_filename (data_dirs[i], "mime", NULL));
  g_ptr_array_add (mime_dirs, NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char *const *) mime_dirs->pdata);
  g_setenv ("LANGUAGE", "en", TRUE);
  sane = g_test_build_filename (G_TEST_DIST, "data", "sane", NULL);
  g_setenv ("SANE_CONFIG_DIR", sane, TRUE);
  gtk_init ();
  adw_init ();

  g_test_add ("/hall/scan-gui/scan-one-page", Fixture, NULL, fixture_set_up,
              test_scan_one_page, fixture_tear_down);
  g_test_add ("/hall/scan-gui/narrow", Fixture, NULL, fixture_set_up, test_narrow,
              fixture_tear_down);
  g_test_add ("/hall/scan-gui/import-refused", Fixture, NULL, fixture_set_up,
              test_import_refused, fixture_tear_down);
  g_test_add ("/hall/scan-gui/reorder-rotate-delete", Fixture, NULL, fixture_set_up,
              test_reorder_rotate_delete, fixture_tear_down);
  g_test_add ("/hall/scan-gui/drag-reorder", Fixture, NULL, fixture_set_up,
              test_drag_reorder, fixture_tear_down);
  g_test_add ("/hall/scan-gui/keyboard-reorder", Fixture, NULL, fixture_set_up,
              test_keyboard_reorder, fixture_tear_down);
  g_test_add ("/hall/scan-gui/drop-files", Fixture, NULL, fixture_set_up,
              test_drop_files, fixture_tear_down);
  g_test_add ("/hall/scan-gui/dossier", Fixture, NULL, fixture_set_up, test_dossier,
              fixture_tear_down);
  g_test_add ("/hall/scan-gui/case-page-checklist", Fixture, NULL, fixture_set_up,
              test_case_page_checklist, fixture_tear_down);
  g_test_add ("/hall/scan-gui/feeder-and-rescan", Fixture, NULL, fixture_set_up,
              test_feeder_and_rescan, fixture_tear_down);
  g_test_add ("/hall/scan-gui/rows-built-once", Fixture, NULL, fixture_set_up,
              test_rows_built_once, fixture_tear_down);
  g_test_add ("/hall/scan-gui/camera", Fixture, NULL, fixture_set_up, test_camera,
              fixture_tear_down);
  g_test_add ("/hall/scan-gui/pulled-page", Fixture, NULL, fixture_set_up, test_pulled_page,
              fixture_tear_down);
  g_test_add ("/hall/scan-gui/two-windows", Fixture, NULL, fixture_set_up, test_two_windows,
              fixture_tear_down);
  g_test_add ("/hall/scan-gui/two-windows-one-camera", Fixture, NULL, fixture_set_up,
              test_two_windows_one_camera, fixture_tear_down);
  g_test_add ("/hall/scan-gui/opened-during-a-scan", Fixture, NULL, fixture_set_up,
              test_opened_during_a_scan, fixture_tear_down);
  g_test_add ("/hall/scan-gui/crop", Fixture, NULL, fixture_set_up, test_crop,
              fixture_tear_down);
  g_test_add ("/hall/scan-gui/keyboard", Fixture, NULL, fixture_set_up, test_keyboard,
              fixture_tear_down);
  return g_test_run ();
}
