/* bench-list-stall.c — how long the counter app's main loop stalls while
 * the case list is used over a big store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: GSK_RENDERER=cairo xvfb-run -a bench-list-stall --db PATH
 *
 * Opens the counter window on the store at PATH (bench-search's fixture,
 * with the demo officials added by `bench-search --add-demo-officials`),
 * signs in as the demo official and then, as an official would: jumps the
 * scroll bar to 50 % and 90 % deep, drags it through the whole list and
 * back (one step a frame), sorts it by what is due (and moves about in
 * that order), oldest first and back, types searches, and takes a pull of 5,000
 * changes applied on another thread as the sync engine does. The main
 * context's poll function is wrapped: the time from one poll's return to
 * the next poll is one iteration's work, during which nothing is drawn and
 * no key is handled. It prints the longest iteration and the 99th
 * percentile of each step. Only public API and the window's template
 * children are used, so it builds against older trees for a comparison.
 */
#include "config.h"

#include <adwaita.h>
#include <time.h>

#include "hall-application.h"
#include "hall-case-list-page.h"
#include "hall-sign-in-page.h"
#include "hall-store-sync-private.h"
#include "hall-window.h"

#define WAIT_SECONDS 60

typedef gboolean (*Condition) (gpointer data);

static GPollFunc real_poll;
static gint64 work_started;      /* when the last poll returned */
static gint64 cpu_started;       /* the main thread's CPU time then */
static GArray *iterations;       /* of double, ms */
static GArray *cpu_iterations;   /* of double, ms of CPU */
static gint64 step_started;      /* when the step under way began */
static gboolean trace;           /* --trace: each long iteration as it ends */
static double trace_over_ms = 16; /* --trace-over: what "long" is */

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint
timed_poll (GPollFD *fds,
            guint    nfds,
            gint     timeout)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  gint ret;

  if (work_started != 0 && iterations != NULL)
    {
      double ms = (now - work_started) / 1000.0;
      double cpu_ms = (cpu - cpu_started) / 1000.0;

      g_array_append_val (iterations, ms);
      g_array_append_val (cpu_iterations, cpu_ms);
      if (trace && ms > trace_over_ms)
        /* The monotonic clock's microseconds cut a profile to the
         * iteration: perf record -k CLOCK_MONOTONIC, perf script --time. */
        g_printerr ("%.1f ms into the step: %.1f ms, %.1f of CPU (monotonic %" G_GINT64_FORMAT
                    "-%" G_GINT64_FORMAT " µs)\n",
                    (work_started - step_started) / 1000.0, ms, cpu_ms, work_started, now);
    }
  ret = real_poll (fds, nfds, timeout);
  work_started = g_get_monotonic_time ();
  cpu_started = thread_cpu_us ();
  return ret;
}

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

/* Runs the main loop for @ms, as the app would: blocking in poll when
 * there is nothing to do. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint wake = g_timeout_add (5, wake_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* A step starts and ends inside an iteration (run_for () stops between
 * two): the one under way is cut there, so a long one is counted in the
 * step that caused it. */
static void
begin_step (void)
{
  g_array_set_size (iterations, 0);
  g_array_set_size (cpu_iterations, 0);
  work_started = step_started = g_get_monotonic_time ();
  cpu_started = thread_cpu_us ();
}

static void
cut_iteration (void)
{
  double ms = (g_get_monotonic_time () - work_started) / 1000.0;
  double cpu_ms = (thread_cpu_us () - cpu_started) / 1000.0;

  g_array_append_val (iterations, ms);
  g_array_append_val (cpu_iterations, cpu_ms);
  work_started = g_get_monotonic_time ();
  cpu_started = thread_cpu_us ();
}

static void
summarize (GArray *times,
           double *max,
           double *p99,
           guint  *over)
{
  g_autoptr (GArray) sorted = g_array_copy (times);

  g_array_sort (sorted, compare_double);
  *max = *p99 = 0;
  *over = 0;
  if (sorted->len > 0)
    {
      *max = g_array_index (sorted, double, sorted->len - 1);
      *p99 = g_array_index (sorted, double, MIN (sorted->len - 1, (guint) (sorted->len * 0.99)));
    }
  for (guint i = 0; i < sorted->len; i++)
    *over += g_array_index (sorted, double, i) > 16.0;
}

/* Wall time counts the waits of a loaded machine (and of Xvfb's round
 * trips) too; the main thread's CPU time per iteration is its own work. */
static void
end_step (const char *step)
{
  double max, p99, cpu_max, cpu_p99;
  guint over, cpu_over;

  cut_iteration ();
  summarize (iterations, &max, &p99, &over);
  summarize (cpu_iterations, &cpu_max, &cpu_p99, &cpu_over);
  g_print ("| %s | %.1f / %.1f | %.1f / %.1f | %u / %u of %u |\n", step, max, cpu_max, p99,
           cpu_p99, over, cpu_over, iterations->len);
  /* The step's whole cost on the main thread: steadier than its longest
   * iteration, to compare two trees of code. */
  if (trace)
    {
      double cpu_total = 0;

      for (guint i = 0; i < cpu_iterations->len; i++)
        cpu_total += g_array_index (cpu_iterations, double, i);
      g_print ("%s: %.0f ms of the main thread's CPU in all\n", step, cpu_total);
    }
}

static void
print_load (void)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    g_print ("load average: %s\n", g_strstrip (load));
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

static gboolean
list_has_rows (gpointer data)
{
  GListModel *model = hall_case_list_page_get_model (data);

  return model != NULL && g_list_model_get_n_items (model) > 0;
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

typedef struct
{
  GtkAdjustment *adjustment;
  double         fraction;
} Scroll;

/* In an idle, as a drag of the scroll bar comes from an event: the work
 * it causes is inside a main-loop iteration, where it is measured. */
static gboolean
scroll_cb (gpointer data)
{
  Scroll *scroll = data;
  double upper = gtk_adjustment_get_upper (scroll->adjustment);
  double page = gtk_adjustment_get_page_size (scroll->adjustment);

  gtk_adjustment_set_value (scroll->adjustment, (upper - page) * scroll->fraction);
  g_free (scroll);
  return G_SOURCE_REMOVE;
}

static void
scroll_to (GtkAdjustment *adjustment,
           double         fraction,
           guint          then_ms)
{
  Scroll *scroll = g_new (Scroll, 1);

  scroll->adjustment = adjustment;
  scroll->fraction = fraction;
  g_idle_add (scroll_cb, scroll);
  run_for (then_ms);
}

typedef struct
{
  GtkEditable *entry;
  char        *text;
} Typing;

static gboolean
type_cb (gpointer data)
{
  Typing *typing = data;

  gtk_editable_set_text (typing->entry, typing->text);
  g_free (typing->text);
  g_free (typing);
  return G_SOURCE_REMOVE;
}

static void
type_text (GtkEditable *entry,
           const char  *text,
           guint        then_ms)
{
  Typing *typing = g_new (Typing, 1);

  typing->entry = entry;
  typing->text = g_strdup (text);
  g_idle_add (type_cb, typing);
  run_for (then_ms);
}

/* 2,500 applicants and their cases, newer than any in the fixture: a
 * page of 5,000 changes as GET /v1/changes brings it. */
static JsonArray *
pulled_changes (void)
{
  JsonArray *changes = json_array_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < 2500; i++)
    {
      g_autofree char *id = g_strdup_printf ("E%08u", 90000000 + i);
      g_autofree char *number = g_strdup_printf ("YC-2026-C09-%06u", 900000 + i);
      g_autoptr (HallApplicant) applicant =
        hall_applicant_new_person ("钱多多", HALL_ID_TYPE_PASSPORT, id, "13900000009");
      g_autoptr (HallCase) kase = hall_case_new ();
      JsonObject *change = json_object_new ();

      json_object_set_int_member (change, "seq", 2 * i + 1);
      json_object_set_string_member (change, "entity", "applicant");
      json_object_set_string_member (change, "uuid", hall_applicant_get_uuid (applicant));
      json_object_set_int_member (change, "version", 1);
      json_object_set_member (change, "data", hall_applicant_to_json (applicant));
      json_array_add_object_element (changes, change);

      hall_case_set_number (kase, number);
      hall_case_set_service_id (kase, "company_business_license");
      hall_case_set_applicant_uuid (kase, hall_applicant_get_uuid (applicant));
      hall_case_set_created_at (kase, now + i);
      hall_case_set_updated_at (kase, now + i);
      hall_case_set_promised_at (kase, now + i + 4 * 3600);
      hall_case_set_counter (kase, "C09");
      change = json_object_new ();
      json_object_set_int_member (change, "seq", 2 * i + 2);
      json_object_set_string_member (change, "entity", "case");
      json_object_set_string_member (change, "uuid", hall_case_get_uuid (kase));
      json_object_set_int_member (change, "version", 1);
      json_object_set_member (change, "data", hall_case_to_json (kase));
      json_array_add_object_element (changes, change);
    }
  return changes;
}

typedef struct
{
  HallStore *store;
  JsonArray *changes;
  gboolean   done;
  GError    *error;
} Pull;

static gpointer
pull_thread (gpointer data)
{
  Pull *pull = data;

  hall_store_apply_changes (pull->store, pull->changes, NULL, "bench-pull-1", &pull->error);
  g_atomic_int_set (&pull->done, TRUE);
  return NULL;
}

static gboolean
pull_done (gpointer data)
{
  Pull *pull = data;

  return g_atomic_int_get (&pull->done);
}

/* The scroll bar to 50 % and 90 % deep, dragged through the whole list
 * and back, and jumps to random depths. */
static void
scroll_steps (GtkAdjustment *adjustment)
{
  begin_step ();
  scroll_to (adjustment, 0.5, 600);
  end_step ("scroll bar to 50 % deep, no page known");
  begin_step ();
  scroll_to (adjustment, 0.9, 600);
  end_step ("scroll bar to 90 % deep");

  begin_step ();
  for (guint i = 0; i <= 200; i++)
    scroll_to (adjustment, i / 200.0, 16);
  for (guint i = 200; i > 0; i--)
    scroll_to (adjustment, (i - 1) / 200.0, 16);
  run_for (600);
  end_step ("dragged through the million and back, a step a frame");

  begin_step ();
  for (guint i = 0; i < 60; i++)
    scroll_to (adjustment, g_random_double (), 16);
  run_for (600);
  end_step ("60 jumps to random depths, a frame apart");
}

/* The list sorted by what is due (a million cases walked in the index of
 * the order, never sorted), moved about in that order, then oldest first
 * and back to newest first. */
static void
sort_step (GtkWidget  *list_page,
           const char *order,
           const char *step)
{
  begin_step ();
  gtk_widget_activate_action (list_page, "list.sort", "s", order);
  run_for (800);
  end_step (step);
}

static void
sort_steps (GtkWidget     *list_page,
            GtkAdjustment *adjustment)
{
  sort_step (list_page, "due", "sorted by what is due");

  begin_step ();
  scroll_to (adjustment, 0.5, 600);
  end_step ("due order: scroll bar to 50 % deep");
  begin_step ();
  for (guint i = 0; i < 60; i++)
    scroll_to (adjustment, g_random_double (), 16);
  run_for (600);
  end_step ("due order: 60 jumps to random depths");

  sort_step (list_page, "oldest", "sorted oldest first");
  sort_step (list_page, "newest", "sorted newest first again");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  gboolean no_pull = FALSE;
  gboolean searches_only = FALSE;
  int sort_rounds = 0;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The store (bench-search's fixture)", "PATH" },
    { "no-pull", 0, 0, G_OPTION_ARG_NONE, &no_pull,
      "Leave out the pull of 5,000 changes (which writes them into the store)", NULL },
    { "sort-rounds", 0, 0, G_OPTION_ARG_INT, &sort_rounds,
      "Only sort, deep in the list, N times each way (for a profile of the sorting frame)", "N" },
    { "searches-only", 0, 0, G_OPTION_ARG_NONE, &searches_only,
      "Only type the searches (and take the pull, unless --no-pull)", NULL },
    { "trace", 0, 0, G_OPTION_ARG_NONE, &trace,
      "Print each iteration over 16 ms as it ends, with when in its step", NULL },
    { "trace-over", 0, 0, G_OPTION_ARG_DOUBLE, &trace_over_ms,
      "With --trace, print those over MS instead of 16", "MS" },
    { NULL }
  };
  g_autoptr (GOptionContext) options = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  g_autoptr (HallStore) store = NULL;
  HallWindow *window;
  HallSignInPage *sign_in;
  GtkWidget *list_page;
  GtkAdjustment *adjustment;
  GtkEditable *search;
  const char *const queries[] = { "王", "王芳", "640104", "1390000", "YC-2025", "张伟明" };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (db_path == NULL)
    g_error ("Name the store with --db PATH");

  /* As the app does: its own main.c calls this before GTK starts. */
  hall_application_prepare_renderer ();
  gtk_init ();
  adw_init ();
  iterations = g_array_new (FALSE, FALSE, sizeof (double));
  cpu_iterations = g_array_new (FALSE, FALSE, sizeof (double));
  real_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);

  catalog = hall_catalog_new_default (&error);
  if (catalog == NULL)
    g_error ("%s", error->message);
  store = hall_store_open (db_path, "YC", "C01", &error);
  if (store == NULL)
    g_error ("%s", error->message);

  window = hall_window_new (NULL, store, catalog, NULL, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  if (!wait_for (is_mapped, window))
    g_error ("The window did not appear");
  run_for (300);

  sign_in = template_child (window, HALL_TYPE_WINDOW, "sign_in_page");
  gtk_editable_set_text (template_child (sign_in, HALL_TYPE_SIGN_IN_PAGE, "username_row"), "demo");
  gtk_editable_set_text (template_child (sign_in, HALL_TYPE_SIGN_IN_PAGE, "password_row"), "demo");
  gtk_editable_set_text (template_child (sign_in, HALL_TYPE_SIGN_IN_PAGE, "counter_row"), "C01");
  gtk_widget_activate_action (GTK_WIDGET (sign_in), "sign-in.submit", NULL);
  if (!wait_for (is_signed_in, window))
    g_error ("Signing in as demo failed: run bench-search --add-demo-officials first");
  list_page = template_child (window, HALL_TYPE_WINDOW, "list_page");
  if (!wait_for (list_has_rows, list_page))
    g_error ("The list of cases stayed empty");
  run_for (500);

  adjustment = gtk_scrolled_window_get_vadjustment (
    template_child (list_page, HALL_TYPE_CASE_LIST_PAGE, "scrolled_window"));
  search = template_child (list_page, HALL_TYPE_CASE_LIST_PAGE, "search_entry");

  print_load ();
  g_print ("| step | longest iteration ms, wall / CPU | p99 ms, wall / CPU |"
           " iterations over 16 ms, wall / CPU |\n"
           "|---|---:|---:|---:|\n");

  if (sort_rounds > 0)
    {
      scroll_to (adjustment, 0.7, 600);
      for (int i = 0; i < sort_rounds; i++)
        {
          sort_step (list_page, "due", "sorted by what is due");
          sort_step (list_page, "newest", "sorted newest first");
        }
      return 0;
    }
  if (!searches_only)
    {
      scroll_steps (adjustment);
      sort_steps (list_page, adjustment);
    }
  else
    /* The list's first rows are built as it appears: not a search's. */
    run_for (2000);

  begin_step ();
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *typed = NULL;
      const char *q = queries[i];

      /* As typed: a keystroke at a time, 120 ms apart. */
      for (const char *p = q; *p != '\0'; p = g_utf8_next_char (p))
        {
          g_free (typed);
          typed = g_strndup (q, g_utf8_next_char (p) - q);
          type_text (search, typed, 120);
        }
      run_for (300);
      type_text (search, "", 300);
    }
  end_step ("searches typed and cleared");

  if (!no_pull)
    {
      Pull pull = { store, pulled_changes (), FALSE, NULL };
      GThread *thread;

      scroll_to (adjustment, 0.0, 300);
      begin_step ();
      thread = g_thread_new ("pull", pull_thread, &pull);
      wait_for (pull_done, &pull);
      g_thread_join (thread);
      run_for (1000);
      end_step ("a pull of 5,000 changes arriving, list at the top");
      if (pull.error != NULL)
        g_printerr ("The pull failed: %s\n", pull.error->message);
      json_array_unref (pull.changes);
    }

  print_load ();
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
