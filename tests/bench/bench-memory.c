/* bench-memory.c — what the counter app holds in memory over a big store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: xvfb-run -a bench-memory --db PATH
 *
 * Opens the counter window on the store at PATH (bench-search's fixture, with
 * the demo officials added by `bench-search --add-demo-officials`), signs in
 * as the demo official, scrolls the case list to the end, to the middle and
 * back to the top as an official dragging the scroll bar would, and prints
 * the resident set size after each step and its peak.
 *
 * With --soak it goes on as a long day at the counter would: after a
 * warm-up of 50 intakes and 500 searches, 500 intakes (cases opened for
 * new applicants through the store, as the intake dialog does) and 5,000
 * searches typed into the list's search entry, each waited for, and
 * prints the RSS before and after: it should not grow with the work done.
 */
#include "config.h"

#include <adwaita.h>
#include <malloc.h>
#include <sqlite3.h>

#include "hall-application.h"
#include "hall-case-list-model.h"
#include "hall-case-list-page.h"
#include "hall-sign-in-page.h"
#include "hall-window.h"

#define WAIT_SECONDS 60
#define IDLE_MS 10000

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

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

/* Lets the main loop run for @ms milliseconds. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* Lets the view lay out and draw what the last step asked for. */
static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
print_memory (const char *step)
{
  g_autofree char *status = NULL;
  g_auto (GStrv) lines = NULL;
  const char *rss = "?", *hwm = "?";

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "VmRSS:"))
        rss = g_strstrip (lines[i] + strlen ("VmRSS:"));
      else if (g_str_has_prefix (lines[i], "VmHWM:"))
        hwm = g_strstrip (lines[i] + strlen ("VmHWM:"));
    }
  g_print ("| %s | %s | %s |\n", step, rss, hwm);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
is_signed_in (gpointer data)
{
  return hall_window_get_signed_in (HALL_WINDOW (data));
}

static gpointer
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  gpointer child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

static void
scroll_to (GtkAdjustment *adjustment,
           double         fraction)
{
  double upper = gtk_adjustment_get_upper (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);

  gtk_adjustment_set_value (adjustment, (upper - page) * fraction);
  settle ();
}

static guint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:"))
      return g_ascii_strtoull (lines[i] + strlen ("VmRSS:"), NULL, 10);
  return 0;
}

typedef struct
{
  HallCaseListModel *model;
  const char        *query;
} SearchWait;

static gboolean
search_done (gpointer data)
{
  SearchWait *wait = data;

  return g_strcmp0 (hall_case_list_model_get_query (wait->model), wait->query) == 0
         && !hall_case_list_model_get_searching (wait->model);
}

/* A valid GB 11643 number for serial @n, born 1990-01-01 in Yinchuan. */
static char *
soak_resident_id (guint n)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  char base[18];
  int sum = 0;

  g_snprintf (base, sizeof base, "640104%04u0101%03u", 1950 + n / 1000 % 50, n % 1000);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

/* @intakes intakes (new applicants through the store, as the intake
 * dialog does), ten searches typed into the list's search entry after each,
 * each waited for; @first numbers the applicants. */
static void
serve (HallStore          *store,
       HallService        *service,
       HallCaseListModel  *model,
       GtkEditable        *search,
       guint               first,
       guint               intakes)
{
  const char *const queries[] = { "王", "王芳", "李娜", "张伟明", "640104", "6401041985", "1390",
                                  "13912345678", "YC-2025", "YC-2025-C01-0001", "刘", "陈静" };
  g_autoptr (GError) error = NULL;

  for (guint i = first; i < first + intakes; i++)
    {
      g_autofree char *id = soak_resident_id (i + 1);
      g_autofree char *phone = g_strdup_printf ("139%08u", i);
      g_autoptr (HallApplicant) applicant =
        hall_applicant_new_person ("钱多多", HALL_ID_TYPE_RESIDENT_ID, id, phone);
      g_autoptr (HallCase) kase = hall_case_new ();

      if (!hall_store_create_case (store, applicant, service, kase, &error))
        g_error ("Intake %u failed: %s", i, error->message);
      /* Ten searches after each intake, as the queue moves on. */
      for (guint j = 0; j < 10; j++)
        {
          SearchWait wait = { model, queries[(i * 10 + j) % G_N_ELEMENTS (queries)] };

          gtk_editable_set_text (search, wait.query);
          if (!wait_for (search_done, &wait))
            g_error ("A search did not finish");
        }
      gtk_editable_set_text (search, "");
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
    }
}

/* A long day at the counter. What a day must not do is grow: the start is
 * taken after a first hour's worth of work (50 intakes, 500 searches) has
 * filled what is meant to fill — SQLite's page caches (two idle readers of
 * 8 MiB, hall-store.c), the list's pages, GTK's row widgets — so that the
 * difference is what the work itself keeps. */
/* Where the resident memory is: SQLite's own allocations, what malloc
 * has handed out and what it holds free, and the RSS once malloc has given
 * back what it can. Growth in "in use" is memory kept; growth in "free"
 * only is the heap's fragmentation. */
static void
print_heap (const char *step)
{
  struct mallinfo2 info = mallinfo2 ();

  g_print ("| %s: SQLite %" G_GINT64_FORMAT " kB, malloc in use %zu kB, free %zu kB, mmapped %zu kB",
           step, (gint64) sqlite3_memory_used () / 1024, info.uordblks / 1024,
           info.fordblks / 1024, info.hblkhd / 1024);
  malloc_trim (0);
  g_print (", RSS after malloc_trim %" G_GUINT64_FORMAT " kB |\n", rss_kib ());
}

static void
soak (HallStore   *store,
      HallCatalog *catalog,
      GtkWidget   *list_page,
      guint        intakes)
{
  HallCaseListModel *model = HALL_CASE_LIST_MODEL (hall_case_list_page_get_model (
    HALL_CASE_LIST_PAGE (list_page)));
  GtkEditable *search = template_child (list_page, HALL_TYPE_CASE_LIST_PAGE, "search_entry");
  HallService *service = hall_catalog_lookup (catalog, "company_business_license");
  /* Applicants new to the store even when it has seen a soak before. */
  guint base = g_random_int_range (1, 40) * 1000;
  guint64 before, start, end;
  gint64 t0;

  settle ();
  before = rss_kib ();
  serve (store, service, model, search, base, 50);
  /* Both ends are read after the counter stood idle for ten seconds, as
   * it does between citizens: what is kept then is what the day keeps. */
  settle ();
  g_print ("| soak: right after the warm-up | %" G_GUINT64_FORMAT " kB | |\n", rss_kib ());
  run_for (IDLE_MS);
  start = rss_kib ();
  print_heap ("after the warm-up, idle");
  g_print ("| soak: warm-up, 50 intakes and 500 searches | %" G_GUINT64_FORMAT " → %"
           G_GUINT64_FORMAT " kB | %+" G_GINT64_FORMAT " kB |\n",
           before, start, (gint64) start - (gint64) before);
  t0 = g_get_monotonic_time ();
  serve (store, service, model, search, base + 50, intakes);
  settle ();
  g_print ("| soak: right after the last search | %" G_GUINT64_FORMAT " kB | |\n", rss_kib ());
  run_for (IDLE_MS);
  end = rss_kib ();
  g_print ("| soak: %u intakes and %u searches (%.0f s) | %" G_GUINT64_FORMAT " → %"
           G_GUINT64_FORMAT " kB | %+" G_GINT64_FORMAT " kB |\n",
           intakes, intakes * 10, (g_get_monotonic_time () - t0) / 1e6, start, end,
           (gint64) end - (gint64) start);
  print_heap ("at the end");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  gboolean with_soak = FALSE;
  int soak_intakes = 500;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The store (bench-search's fixture)", "PATH" },
    { "soak", 0, 0, G_OPTION_ARG_NONE, &with_soak,
      "Then 500 intakes and 5,000 searches (writes them into the store)", NULL },
    { "intakes", 0, 0, G_OPTION_ARG_INT, &soak_intakes,
      "How many intakes the soak makes, each with ten searches (500)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) options = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  g_autoptr (HallStore) store = NULL;
  HallWindow *window;
  HallSignInPage *sign_in;
  GtkWidget *list_page;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;

  /* The store turns SQLite's memory statistics off at its first open
   * (hall-sqlite.c); this benchmark reports them, so it turns them on and
   * starts SQLite first. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 1);
  sqlite3_initialize ();

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (db_path == NULL)
    g_error ("Name the store with --db PATH");

  g_print ("| step | VmRSS | VmHWM |\n|---|---:|---:|\n");
  print_memory ("before GTK");
  /* As the app does: its own main.c calls these before GTK starts. */
  hall_application_prepare_memory ();
  hall_application_prepare_renderer ();
  gtk_init ();
  adw_init ();
  print_memory ("GTK and libadwaita initialised");

  catalog = hall_catalog_new_default (&error);
  if (catalog == NULL)
    g_error ("%s", error->message);
  store = hall_store_open (db_path, "YC", "C01", &error);
  if (store == NULL)
    g_error ("%s", error->message);

  print_memory ("store open");

  window = hall_window_new (NULL, store, catalog, NULL, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  if (!wait_for (is_mapped, window))
    g_error ("The window did not appear");
  settle ();
  print_memory ("first window (sign-in)");

  sign_in = template_child (window, HALL_TYPE_WINDOW, "sign_in_page");
  gtk_editable_set_text (template_child (sign_in, HALL_TYPE_SIGN_IN_PAGE, "username_row"), "demo");
  gtk_editable_set_text (template_child (sign_in, HALL_TYPE_SIGN_IN_PAGE, "password_row"), "demo");
  gtk_editable_set_text (template_child (sign_in, HALL_TYPE_SIGN_IN_PAGE, "counter_row"), "C01");
  gtk_widget_activate_action (GTK_WIDGET (sign_in), "sign-in.submit", NULL);
  if (!wait_for (is_signed_in, window))
    g_error ("Signing in as demo failed: run bench-search --add-demo-officials first");
  settle ();
  print_memory ("signed in, first page of cases");

  list_page = template_child (window, HALL_TYPE_WINDOW, "list_page");
  scrolled = template_child (list_page, HALL_TYPE_CASE_LIST_PAGE, "scrolled_window");
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

  scroll_to (adjustment, 1.0);
  print_memory ("scrolled to the last case");
  scroll_to (adjustment, 0.5);
  print_memory ("scrolled to the middle");
  for (guint i = 1; i <= 20; i++)
    scroll_to (adjustment, i / 20.0);
  print_memory ("dragged through the whole list");
  scroll_to (adjustment, 0.0);
  print_memory ("back at the top");
  if (with_soak)
    soak (store, catalog, list_page, (guint) MAX (soak_intakes, 1));

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
