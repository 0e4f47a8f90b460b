/* bench-filter.c — how fast the case list's filters answer among a million
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-filter --db PATH [--runs N]
 *
 * PATH is a COPY of bench-search's fixture (or of /work/bench14.db): the
 * store is opened, which migrates it to the current schema and builds the
 * filter's index (cases_state) once; the time of that is printed. Then
 * each filter, alone and over a search, is timed warm, --runs times:
 * - the first page, 50 cases (what the list model reads first and shows),
 *   with the count of all that pass;
 * - the rest, up to 1,000 cases (what the model reads next).
 * Prints a markdown table of median and p95 in ms, and how many pass.
 */
#include "config.h"

#include <stdio.h>

#include "hall-store.h"

#define FIRST_PAGE 50
#define REST       1000

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

typedef struct
{
  const char     *what;
  const char     *query;
  HallCaseFilter  filter;
} Case;

static void
time_filter (HallStore  *store,
             const Case *c,
             guint       limit,
             guint       runs)
{
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_matching = 0;
  guint n_shown = 0;

  for (guint i = 0; i < runs + 1; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) cases = NULL;
      gint64 start = g_get_monotonic_time ();
      double ms;

      cases = hall_store_filter_cases (store, c->query, &c->filter, HALL_CASE_SORT_NEWEST, now,
                                       limit, &n_matching, &error);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      n_shown = cases->len;
      /* The first run warms the cache. */
      if (i > 0)
        g_array_append_val (times, ms);
    }
  g_array_sort (times, compare_doubles);
  printf ("| %s | %u | %.2f | %.2f | %u shown of %u |\n", c->what, limit,
           g_array_index (times, double, times->len / 2),
           g_array_index (times, double, MIN (times->len - 1, times->len * 95 / 100)),
           n_shown, n_matching);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db = NULL;
  int runs = 20;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "A copy of the fixture (it is migrated)", "PATH" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed runs of each filter", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— time the case list's filters");
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStore) store = NULL;
  const Case cases[] = {
    { "state: received (open)", NULL, { HALL_CASE_FILTER_STATE (HALL_CASE_RECEIVED) } },
    { "state: completed (99% of cases)", NULL,
      { HALL_CASE_FILTER_STATE (HALL_CASE_COMPLETED) } },
    { "state: returned (none)", NULL, { HALL_CASE_FILTER_STATE (HALL_CASE_RETURNED) } },
    { "states: received + in review + approved", NULL,
      { HALL_CASE_FILTER_STATE (HALL_CASE_RECEIVED) | HALL_CASE_FILTER_STATE (HALL_CASE_IN_REVIEW)
        | HALL_CASE_FILTER_STATE (HALL_CASE_APPROVED) } },
    { "waiting for the applicant", NULL, { 0, TRUE, FALSE } },
    { "overdue", NULL, { 0, FALSE, TRUE } },
    { "waiting or overdue", NULL, { 0, TRUE, TRUE } },
    { "search 张 (a surname) + state completed", "张",
      { HALL_CASE_FILTER_STATE (HALL_CASE_COMPLETED) } },
    { "search 张 + overdue", "张", { 0, FALSE, TRUE } },
    { "search 1381 (phone prefix) + waiting", "1381", { 0, TRUE, FALSE } },
  };
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || db == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--db PATH is needed");
      return 2;
    }

  start = g_get_monotonic_time ();
  store = hall_store_open (db, "YC", "C03", &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("open (and migrate, once) %.0f ms; %u cases\n\n",
           (g_get_monotonic_time () - start) / 1000.0, hall_store_count_cases (store));

  printf ("| filter | rows asked | median ms | p95 ms | rows |\n|---|---|---|---|---|\n");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      time_filter (store, &cases[i], FIRST_PAGE, runs);
      time_filter (store, &cases[i], REST, MAX (runs / 4, 3));
    }
  return 0;
}
