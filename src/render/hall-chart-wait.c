/* hall-chart-wait.c — waiting time by hour of the hall's day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "hall-chart-private.h"
#include "hall-chart-wait.h"

void
hall_chart_wait_render (HallStatsReport *report,
                        cairo_t         *cr,
                        double           width,
                        double           height,
                        HallChartInfo   *info)
{
  HallChartRect plot;
  double max = 0, step, top, slot;
  guint n = report != NULL ? report->hours->len : 0;

  cairo_save (cr);
  _hall_chart_frame (cr, info, _("Waiting time by hour (median, tick: 90 %)"), width, height, &plot);
  if (report != NULL && report->local)
    {
      /* A counter has no queue of its own: say where the figures are
       * rather than draw an empty chart. */
      _hall_chart_note (cr, info, &plot, _("Waiting times come from the server"),
                        _("This counter keeps no queue of its own"));
      cairo_restore (cr);
      return;
    }
  if (n == 0)
    {
      _hall_chart_empty (cr, info, &plot);
      cairo_restore (cr);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      HallStatsHour *h = &g_array_index (report->hours, HallStatsHour, i);
      if (!isnan (h->wait_p90_minutes))
        max = MAX (max, h->wait_p90_minutes);
      if (!isnan (h->wait_median_minutes))
        max = MAX (max, h->wait_median_minutes);
    }
  top = _hall_chart_nice_max (MAX (max, 10), &step);

  cairo_set_line_width (cr, 1);
  for (double v = 0; v <= top + step / 2; v += step)
    {
      double y = plot.y + plot.height - v / top * plot.height;
      g_autofree char *text = g_strdup_printf (_("%.0f min"), v);

      _hall_chart_color (cr, HALL_CHART_GRID);
      cairo_move_to (cr, plot.x, round (y) + 0.5);
      cairo_line_to (cr, plot.x + plot.width, round (y) + 0.5);
      cairo_stroke (cr);
      _hall_chart_text (cr, info, text, plot.x - 6, y, 10, FALSE, 1, 0.5, HALL_CHART_DIM);
    }

  slot = plot.width / n;
  for (guint i = 0; i < n; i++)
    {
      HallStatsHour *h = &g_array_index (report->hours, HallStatsHour, i);
      double x = plot.x + i * slot + slot * 0.2;
      double w = MAX (slot * 0.6, 1);
      double bottom = plot.y + plot.height;
      /* "09:00" where it fits, else the bare hour: a half-page chart. */
      g_autofree char *label = slot >= 40 ? g_strdup_printf ("%s:00", h->hour)
                                          : g_strdup (h->hour);

      if (h->tickets.suppressed || isnan (h->wait_median_minutes))
        {
          double hh = plot.height * 0.08;
          _hall_chart_hatch (cr, x, bottom - hh, w, hh);
          _hall_chart_text (cr, info, "< 5", x + w / 2, bottom - hh - 2, 10, FALSE, 0.5, 1,
                            HALL_CHART_DIM);
          if (info != NULL)
            info->hidden++, info->bars++;
        }
      else
        {
          double hh = h->wait_median_minutes / top * plot.height;

          _hall_chart_color (cr, HALL_CHART_BLUE);
          cairo_rectangle (cr, x, bottom - hh, w, hh);
          cairo_fill (cr);
          if (!isnan (h->wait_p90_minutes))
            {
              double y = bottom - h->wait_p90_minutes / top * plot.height;
              _hall_chart_color (cr, HALL_CHART_ORANGE);
              cairo_set_line_width (cr, 3);
              cairo_move_to (cr, x - 2, y);
              cairo_line_to (cr, x + w + 2, y);
              cairo_stroke (cr);
              cairo_move_to (cr, x + w / 2, bottom - hh);
              cairo_line_to (cr, x + w / 2, y);
              cairo_set_line_width (cr, 1);
              cairo_stroke (cr);
            }
          if (info != NULL)
            info->bars++;
        }
      _hall_chart_add_hit (info, plot.x + i * slot, plot.y, slot, plot.height, h->hour);
      _hall_chart_text (cr, info, label, x + w / 2, bottom + 4, 10, FALSE, 0.5, 0, HALL_CHART_DIM);
    }
  cairo_restore (cr);
}
