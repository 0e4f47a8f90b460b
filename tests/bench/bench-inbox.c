/* bench-inbox.c — how fast an approver's inbox reads among a million cases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-inbox --db PATH [--runs N]
 *
 * PATH is bench-search's fixture (build it with bench-search --db PATH):
 * a million cases of two years, those of the last week open. The store is
 * opened (migrating it, which builds the inbox's index once) and each call
 * is timed warm, --runs times; prints a markdown table of median and p95:
 * - the counter official's inbox, 50 cases (found at once: every open case
 *   waits for its acceptance);
 * - the approver's inbox, 50 cases, when no open case waits for an
 *   approver: the worst case, every open case is read;
 * - the supervisor's counts per step: one aggregate query over the open
 *   cases (GROUP BY service, state and decisions), the catalog's rule run
 *   once per group.
 */
#include "config.h"

#include "hall-catalog.h"
#include "hall-store.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

typedef guint (*Call) (HallStore *store, HallCatalog *catalog);

static guint
counter_inbox (HallStore   *store,
               HallCatalog *catalog)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = hall_store_list_inbox (store, catalog, HALL_ROLE_COUNTER_OFFICIAL,
                                                       "wang.fang",
                                                       g_get_real_time () / G_USEC_PER_SEC, 50,
                                                       &error);

  g_assert_no_error (error);
  return items->len;
}

static guint
approver_inbox (HallStore   *store,
                HallCatalog *catalog)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = hall_store_list_inbox (store, catalog, HALL_ROLE_APPROVER, "li.na",
                                                       g_get_real_time () / G_USEC_PER_SEC, 50,
                                                       &error);

  g_assert_no_error (error);
  return items->len;
}

static guint
step_counts (HallStore   *store,
             HallCatalog *catalog)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) counts = hall_store_count_inbox_steps (store, catalog,
                                                               g_get_real_time () / G_USEC_PER_SEC,
                                                               &error);
  guint waiting = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < counts->len; i++)
    waiting += ((HallInboxStepCount *) g_ptr_array_index (counts, i))->waiting;
  return waiting;
}

static void
time_call (const char  *what,
           Call         call,
           HallStore   *store,
           HallCatalog *catalog,
           guint        runs)
{
  g_autoptr (GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint result = call (store, catalog); /* warm */

  for (guint i = 0; i < runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double elapsed;

      call (store, catalog);
      elapsed = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (ms, elapsed);
    }
  g_array_sort (ms, compare_doubles);
  g_print ("| %s | %u | %.1f ms | %.1f ms |\n", what, result,
           g_array_index (ms, double, runs / 2),
           g_array_index (ms, double, MIN (runs - 1, (runs * 95) / 100)));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  int runs = 20;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "bench-search's fixture", "PATH" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed runs of each call", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  g_autoptr (HallStore) store = NULL;
  gint64 t0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || db_path == NULL || runs < 1)
    {
      g_printerr ("bench-inbox: %s\n", error != NULL ? error->message : "give --db PATH");
      return 64;
    }
  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  store = hall_store_open (db_path, "YC", "C01", &error);
  g_assert_no_error (error);
  g_printerr ("opened (and migrated) in %.1f s\n", (g_get_monotonic_time () - t0) / 1e6);

  g_print ("| call (%u cases) | result | median | p95 |\n|---|---|---|---|\n",
           hall_store_count_cases (store));
  time_call ("counter official's inbox, 50", counter_inbox, store, catalog, runs);
  time_call ("approver's inbox, 50 (none waiting: every open case read)", approver_inbox, store,
             catalog, runs);
  time_call ("supervisor's counts per step (one aggregate query)", step_counts, store, catalog,
             runs);
  return 0;
}
