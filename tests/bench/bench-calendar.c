/* bench-calendar.c — what counting promises in the calendar costs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server computes a promise for every case it is sent, and the counter
 * for every intake: this measures hall_calendar_promise() for the catalog's
 * promises (15 minutes to 30 working days) from start times spread over a
 * year, against plain addition.
 *
 *   _build/tests/bench/bench-calendar [--rounds N]
 *
 * Prints the median of 5 runs of N promises (default 200,000) per kind.
 */
#include "config.h"

#include <glib.h>

#include "hall-calendar.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
run (HallCalendar *calendar,
     guint         minutes,
     guint         rounds,
     gint64        base)
{
  gint64 start = g_get_monotonic_time ();
  gint64 sink = 0;

  for (guint i = 0; i < rounds; i++)
    {
      /* A start every 37 minutes through the year, inside and out of hours. */
      gint64 at = base + (gint64) (i % 14000) * 37 * 60;

      sink += calendar != NULL ? hall_calendar_promise (calendar, minutes, at)
                               : at + (gint64) minutes * 60;
    }
  if (sink == 42)
    g_print (" ");
  return (double) (g_get_monotonic_time () - start) / rounds; /* µs per promise */
}

int
main (int   argc,
      char *argv[])
{
  static const guint kinds[] = { 15, 240, 1440, 3 * 1440, 10 * 1440, 30 * 1440 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (SOURCE_DATADIR "/calendar.json");
  g_autoptr (HallCalendar) calendar = hall_calendar_new_from_file (file, &error);
  gint rounds = 200000;
  GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Promises per run", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  gint64 base = 1767225600; /* 2026-01-01 00:00 UTC */

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || calendar == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_print ("promise\tcalendar us (median of 5)\tplain addition us\n");
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      double times[5], plain[5];

      for (guint r = 0; r < 5; r++)
        {
          times[r] = run (calendar, kinds[k], rounds, base);
          plain[r] = run (NULL, kinds[k], rounds, base);
        }
      qsort (times, 5, sizeof (double), compare_doubles);
      qsort (plain, 5, sizeof (double), compare_doubles);
      g_print ("%u min\t%.2f\t%.4f\n", kinds[k], times[2], plain[2]);
    }
  return 0;
}
