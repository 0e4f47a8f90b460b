/* hall-chart-daily.c — cases per day with the on-time share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hall-chart-daily.h"
#include "hall-chart-private.h"

/* The widest a day's bar gets, in points. */
#define MAX_BAR_WIDTH 36

/* "2026-12-03" as "3". */
static char *
day_label (const char *key)
{
  if (key != NULL && strlen (key) == 10)
    return g_strdup_printf ("%d", atoi (key + 8));
  return g_strdup (key != NULL ? key : "");
}

void
hall_chart_daily_render (HallStatsReport *by_day,
                         cairo_t         *cr,
                         double           width,
                         double           height,
                         HallChartInfo   *info)
{
  HallChartRect plot;
  double max = 0, step, top, slot;
  guint n = by_day != NULL ? by_day->groups->len : 0;
  guint label_every;
  gboolean line_started = FALSE;

  cairo_save (cr);
  _hall_chart_frame (cr, info, _("Cases per day and on-time share"), width, height, &plot);
  if (n == 0)
    {
      _hall_chart_empty (cr, info, &plot);
      cairo_restore (cr);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      HallStatsFigures *f = g_ptr_array_index (by_day->groups, i);
      max = MAX (max, (double) f->opened.count);
    }
  top = _hall_chart_nice_max (MAX (max, 5), &step);

  /* Grid and the two axes: cases on the left, share on the right. */
  cairo_set_line_width (cr, 1);
  for (double v = 0; v <= top + step / 2; v += step)
    {
      double y = plot.y + plot.height - v / top * plot.height;
      g_autofree char *text = g_strdup_printf ("%.0f", v);

      _hall_chart_color (cr, HALL_CHART_GRID);
      cairo_move_to (cr, plot.x, round (y) + 0.5);
      cairo_line_to (cr, plot.x + plot.width, round (y) + 0.5);
      cairo_stroke (cr);
      _hall_chart_text (cr, info, text, plot.x - 6, y, 10, FALSE, 1, 0.5, HALL_CHART_DIM);
    }
  for (int p = 0; p <= 100; p += 50)
    {
      g_autofree char *text = g_strdup_printf ("%d %%", p);
      _hall_chart_text (cr, info, text, plot.x + plot.width + 6,
                        plot.y + plot.height - p / 100.0 * plot.height,
                        10, FALSE, 0, 0.5, HALL_CHART_GREEN);
    }

  slot = plot.width / n;
  label_every = MAX (1, (guint) ceil (24.0 / slot));
  for (guint i = 0; i < n; i++)
    {
      HallStatsFigures *f = g_ptr_array_index (by_day->groups, i);
      /* A few days in a wide chart stay bars, centred on their day. */
      double w = CLAMP (slot * 0.7, 1, MAX_BAR_WIDTH);
      double x = plot.x + i * slot + (slot - w) / 2;
      double bottom = plot.y + plot.height;

      if (f->opened.suppressed)
        {
          double h = MAX (4.0 / top * plot.height, 6);
          _hall_chart_hatch (cr, x, bottom - h, w, h);
          if (info != NULL)
            info->hidden++, info->bars++;
        }
      else if (f->opened.count > 0)
        {
          double h = f->opened.count / top * plot.height;
          _hall_chart_color (cr, HALL_CHART_BLUE);
          cairo_rectangle (cr, x, bottom - h, w, h);
          cairo_fill (cr);
          if (info != NULL)
            info->bars++;
        }
      _hall_chart_add_hit (info, plot.x + i * slot, plot.y, slot, plot.height, f->key);
      if (i % label_every == 0)
        {
          g_autofree char *label = day_label (f->key);
          _hall_chart_text (cr, info, label, x + w / 2, bottom + 4, 10, FALSE, 0.5, 0,
                            HALL_CHART_DIM);
        }
    }

  /* The on-time share: a line with dots, broken where the share is hidden. */
  _hall_chart_color (cr, HALL_CHART_GREEN);
  cairo_set_line_width (cr, 2);
  for (guint i = 0; i < n; i++)
    {
      HallStatsFigures *f = g_ptr_array_index (by_day->groups, i);
      double x = plot.x + (i + 0.5) * slot;
      double y;

      if (isnan (f->on_time_share.value))
        {
          if (line_started)
            cairo_stroke (cr);
          line_started = FALSE;
          continue;
        }
      y = plot.y + plot.height - f->on_time_share.value * plot.height;
      if (line_started)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      line_started = TRUE;
    }
  if (line_started)
    cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    {
      HallStatsFigures *f = g_ptr_array_index (by_day->groups, i);

      if (isnan (f->on_time_share.value))
        continue;
      cairo_arc (cr, plot.x + (i + 0.5) * slot,
                 plot.y + plot.height - f->on_time_share.value * plot.height, 3, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}
