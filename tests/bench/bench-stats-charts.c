/* bench-stats-charts.c — from a month's /v1/stats answer to the first chart
 *
 * Run by hand: _build/tests/bench/bench-stats-charts [RUNS]
 *
 * Builds the answers the supervisor's month needs for a hall with
 * 1,000,000 cases that month (by day: 31 groups, steps, reasons, 9 hours;
 * by service for each of 5 weeks: 42 services), then times, RUNS times:
 * reading the by-day answer and drawing the cases-per-day chart on a
 * 900×320 image surface (the first chart), and everything (all answers
 * read, all four charts drawn). Prints the median and the worst, in ms.
 * It does not time the server's query nor a GTK window: the figures are
 * counts, so their size does not grow with the number of cases.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <stdlib.h>

#include "hall-chart-daily.h"
#include "hall-chart-heatmap.h"
#include "hall-chart-reasons.h"
#include "hall-chart-wait.h"
#include "hall-stats-report.h"

#define CASES 1000000

static void
figures (GString    *out,
         const char *key,
         gint64      opened)
{
  gint64 finished = opened * 8 / 10, on_time = finished * 9 / 10, overdue = opened / 50;

  if (key != NULL)
    g_string_append_printf (out, "{\"key\": \"%s\", ", key);
  else
    g_string_append (out, "{");
  g_string_append_printf (out,
                          "\"opened\": {\"count\": %" G_GINT64_FORMAT ", \"suppressed\": false}, "
                          "\"finished\": {\"count\": %" G_GINT64_FORMAT ", \"suppressed\": false}, "
                          "\"finished_share\": {\"value\": 0.8, \"suppressed\": false}, "
                          "\"on_time\": {\"count\": %" G_GINT64_FORMAT ", \"suppressed\": false}, "
                          "\"on_time_share\": {\"value\": 0.9, \"suppressed\": false}, "
                          "\"overdue_now\": {\"count\": %" G_GINT64_FORMAT ", \"suppressed\": false}, "
                          "\"overdue_share\": {\"value\": 0.1, \"suppressed\": false}, "
                          "\"returned\": {\"count\": %" G_GINT64_FORMAT ", \"suppressed\": false}, "
                          "\"rejected\": {\"count\": %" G_GINT64_FORMAT ", \"suppressed\": false}}",
                          opened, finished, on_time, overdue, opened / 20, opened / 100);
}

static char *
by_day_json (void)
{
  GString *out = g_string_new ("{\"from\": \"2026-12-01\", \"to\": \"2026-12-31\", \"by\": \"day\", "
                               "\"min_cell\": 5, \"groups\": [");

  for (int d = 1; d <= 31; d++)
    {
      g_autofree char *key = g_strdup_printf ("2026-12-%02d", d);
      if (d > 1)
        g_string_append (out, ", ");
      figures (out, key, CASES / 31);
    }
  g_string_append (out, "], \"total\": ");
  figures (out, NULL, CASES);
  g_string_append (out, ", \"steps\": [], \"reasons\": [");
  for (int r = 0; r < 12; r++)
    g_string_append_printf (out, "%s{\"kind\": \"return\", \"reason\": \"reason_%d\", \"count\": "
                            "{\"count\": %d, \"suppressed\": false}}", r ? ", " : "", r, 9000 - r * 500);
  g_string_append (out, "], \"queue\": {\"hours\": [");
  for (int h = 9; h <= 17; h++)
    g_string_append_printf (out, "%s{\"hour\": \"%02d\", \"tickets\": {\"count\": 20000, "
                            "\"suppressed\": false}, \"wait_median_minutes\": %d, "
                            "\"wait_p90_minutes\": %d, \"no_shows\": {\"count\": 900, "
                            "\"suppressed\": false}, \"abandoned\": {\"count\": 300, "
                            "\"suppressed\": false}}", h > 9 ? ", " : "", h, 10 + h, 30 + 2 * h);
  g_string_append (out, "], \"throughput\": []}}");
  return g_string_free (out, FALSE);
}

static char *
week_json (int week)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "{\"from\": \"2026-12-%02d\", \"to\": \"2026-12-%02d\", "
                          "\"by\": \"service\", \"min_cell\": 5, \"groups\": [",
                          1 + 7 * week, MIN (7 + 7 * week, 31));
  for (int s = 0; s < 42; s++)
    {
      g_autofree char *key = g_strdup_printf ("service_%02d", s);
      if (s > 0)
        g_string_append (out, ", ");
      figures (out, key, CASES / 5 / 42);
    }
  g_string_append (out, "], \"total\": ");
  figures (out, NULL, CASES / 5);
  g_string_append (out, "}");
  return g_string_free (out, FALSE);
}

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  int runs = argc > 1 ? atoi (argv[1]) : 50;
  g_autofree char *day = by_day_json ();
  g_autofree double *first = g_new (double, runs);
  g_autofree double *all = g_new (double, runs);
  char *weeks_json[5];

  for (int w = 0; w < 5; w++)
    weeks_json[w] = week_json (w);

  for (int i = 0; i < runs; i++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 900, 320);
      cairo_t *cr = cairo_create (surface);
      g_autoptr (GPtrArray) weeks = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_report_free);
      gint64 start = g_get_monotonic_time ();
      g_autoptr (HallStatsReport) report = hall_stats_report_new_from_json (day, -1, NULL);

      g_assert_nonnull (report);
      hall_chart_daily_render (report, cr, 900, 320, NULL);
      cairo_surface_flush (surface);
      first[i] = (g_get_monotonic_time () - start) / 1000.0;
      for (int w = 0; w < 5; w++)
        g_ptr_array_add (weeks, hall_stats_report_new_from_json (weeks_json[w], -1, NULL));
      hall_chart_heatmap_render (weeks, NULL, cr, 900, 320, NULL);
      hall_chart_wait_render (report, cr, 900, 320, NULL);
      hall_chart_reasons_render (report, NULL, cr, 900, 320, NULL);
      cairo_surface_flush (surface);
      all[i] = (g_get_monotonic_time () - start) / 1000.0;
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  qsort (first, runs, sizeof (double), compare);
  qsort (all, runs, sizeof (double), compare);
  g_print ("first chart (read by-day answer + draw): median %.2f ms, worst %.2f ms\n",
           first[runs / 2], first[runs - 1]);
  g_print ("all four charts (6 answers read + 4 drawn): median %.2f ms, worst %.2f ms\n",
           all[runs / 2], all[runs - 1]);
  for (int w = 0; w < 5; w++)
    g_free (weeks_json[w]);
  return 0;
}
