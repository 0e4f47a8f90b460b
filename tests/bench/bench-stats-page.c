/* bench-stats-page.c — the supervisor page opening on a city's month
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage (through bench-stats.sh, which builds the server's 1,000,000-case
 * month and starts it):
 *
 *   DATA=/var/tmp/hall-stats PAGE=1 BUILDDIR=_build tests/bench/bench-stats.sh
 *
 * or by hand against a running server that knows the official demo/demo:
 *
 *   xvfb-run -a -s '-screen 0 1366x768x24' env GSK_RENDERER=cairo \
 *     _build/tests/bench/bench-stats-page --url http://127.0.0.1:PORT \
 *     --from 2026-03-01 [--runs 5]
 *
 * Opens the counter window (1366×768, GTK's cairo renderer) on a fresh
 * store, signs a supervisor in, sets the page's clock to the month of
 * --from, then RUNS times: activates win.stats (Ctrl+U's action) and waits
 * for the first chart drawn with the figures of that opening (the page's
 * draw func, through hall_stats_page_get_first_drawn()), then for every
 * request to have answered, and closes the page again. Prints each
 * opening and the median, in ms, from the action to the first chart.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <stdlib.h>

#include "hall-i18n.h"
#include "hall-sign-in-page.h"
#include "hall-stats-page-test-hooks.h"
#include "hall-window.h"

#define SUPERVISOR   "zhao.lei"
#define PASSWORD     "demo"
#define WAIT_SECONDS 120

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
  guint wake = g_timeout_add (5, wake_cb, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gpointer
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  gpointer child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (child == NULL)
    g_error ("no template child %s", name);
  return child;
}

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  int *done = user_data;
  g_autoptr (GError) error = NULL;

  if (!hall_sync_engine_login_finish (HALL_SYNC_ENGINE (source), result, NULL, &error))
    g_error ("cannot sign in to the server: %s", error->message);
  *done = 1;
}

static gboolean
is_set (gpointer data)
{
  return *(int *) data != 0;
}

static gboolean
signed_in (gpointer data)
{
  return hall_window_get_signed_in (HALL_WINDOW (data));
}

static gboolean
first_drawn (gpointer data)
{
  return hall_stats_page_get_first_drawn (HALL_STATS_PAGE (data)) != 0;
}

static gboolean
loaded (gpointer data)
{
  HallStatsPage *page = data;

  return !hall_stats_page_get_busy (page) && hall_stats_page_get_month (page) != NULL;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *url = NULL;
  g_autofree char *from = NULL;
  int runs = 5;
  int hold = 0;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "The server", "URL" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "A day of the month to open on", "YYYY-MM-DD" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Openings (5)", "N" },
    { "hold", 0, 0, G_OPTION_ARG_INT, &hold,
      "Then show the page for SECONDS more (to look at it, or take a screenshot)", "SECONDS" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— the supervisor page's opening");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  g_autoptr (GDateTime) noon = NULL;
  GtkWidget *window;
  HallSignInPage *sign_in;
  HallStatsPage *page;
  HallStatsMonth *month;
  double *first, *all;
  int year, mon, day, logged_in = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || url == NULL || from == NULL
      || sscanf (from, "%d-%d-%d", &year, &mon, &day) != 3 || runs < 1)
    {
      g_printerr ("usage: bench-stats-page --url URL --from YYYY-MM-DD [--runs N]\n");
      return 64;
    }
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* As the app does: the build tree's translations, to look at the page
   * in Chinese (SERVICE_HALL_LOCALEDIR=_build/po LANGUAGE=zh_CN). */
  hall_i18n_init ();
  gtk_init ();
  adw_init ();

  dir = g_dir_make_tmp ("hall-bench-stats-page-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "hall.db", NULL);
  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  store = hall_store_open (db, "YC", "C01", &error);
  g_assert_no_error (error);
  hall_store_add_official (store, SUPERVISOR, "Zhao Lei", PASSWORD, "supervisor", &error);
  g_assert_no_error (error);
  engine = hall_sync_engine_new (store, url);
  hall_sync_engine_apply_environment (engine);
  hall_sync_engine_login_async (engine, "demo", "demo", NULL, login_cb, &logged_in);
  if (!wait_for (is_set, &logged_in))
    g_error ("the server did not answer the sign-in");

  window = GTK_WIDGET (hall_window_new (NULL, store, catalog, engine, FALSE));
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  spin ();
  sign_in = template_child (window, HALL_TYPE_WINDOW, "sign_in_page");
  gtk_editable_set_text (template_child (sign_in, HALL_TYPE_SIGN_IN_PAGE, "username_row"),
                         SUPERVISOR);
  gtk_editable_set_text (template_child (sign_in, HALL_TYPE_SIGN_IN_PAGE, "password_row"),
                         PASSWORD);
  gtk_editable_set_text (template_child (sign_in, HALL_TYPE_SIGN_IN_PAGE, "counter_row"), "C01");
  gtk_widget_activate_action (GTK_WIDGET (sign_in), "sign-in.submit", NULL);
  if (!wait_for (signed_in, window))
    g_error ("the supervisor could not sign in");
  /* Whatever the first sync pulls happens now, not during the openings. */
  spin ();

  /* Signing in added it to the window's stack. */
  page = HALL_STATS_PAGE (gtk_stack_get_child_by_name (template_child (window, HALL_TYPE_WINDOW,
                                                                       "stack"),
                                                       "stats"));
  /* Noon in the hall (04:00 UTC) of the day given: the page opens on its
   * month, as it would on a day of that month. */
  noon = g_date_time_new_utc (year, mon, day, 4, 0, 0);
  hall_stats_page_set_now (page, g_date_time_to_unix (noon));

  first = g_new0 (double, runs);
  all = g_new0 (double, runs);
  for (int i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();

      gtk_widget_activate_action (window, "win.stats", NULL);
      if (!wait_for (first_drawn, page))
        g_error ("no chart was drawn within %d s", WAIT_SECONDS);
      first[i] = (hall_stats_page_get_first_drawn (page) - start) / 1000.0;
      if (!wait_for (loaded, page))
        g_error ("the figures did not come within %d s", WAIT_SECONDS);
      all[i] = (g_get_monotonic_time () - start) / 1000.0;
      month = hall_stats_page_get_month (page);
      if (i == 0)
        g_print ("%s … %s: %s cases opened, %u weeks%s\n", month->from, month->to,
                 hall_stats_page_get_headline (page, 0), month->weeks->len,
                 hall_stats_page_get_offline (page) ? " (OFFLINE: this counter's own)" : "");
      g_print ("opening %d: first chart %.0f ms, all figures %.0f ms\n", i + 1, first[i], all[i]);
      /* Close the page, as pressing Ctrl+U again does. */
      gtk_widget_activate_action (window, "win.stats", NULL);
      spin ();
    }
  g_print ("supervisor page, %d openings: first chart median %.0f ms "
           "(all figures median %.0f ms)\n",
           runs, median (first, runs), median (all, runs));
  if (hold > 0)
    {
      gint64 until = g_get_monotonic_time () + hold * G_USEC_PER_SEC;
      guint wake = g_timeout_add (100, wake_cb, NULL);

      gtk_widget_activate_action (window, "win.stats", NULL);
      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, TRUE);
      g_source_remove (wake);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
  hall_sync_engine_stop (engine);
  g_free (first);
  g_free (all);
  return 0;
}
