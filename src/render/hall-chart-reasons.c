/* hall-chart-reasons.c — the top return reasons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-chart-private.h"
#include "hall-chart-reasons.h"

#define LABEL_WIDTH_SHARE 0.42

void
hall_chart_reasons_render (HallStatsReport *report,
                           GHashTable      *labels,
                           cairo_t         *cr,
                           double           width,
                           double           height,
                           HallChartInfo   *info)
{
  HallChartRect plot;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  double max = 0, row, label_width, bars_x, bars_width;

  cairo_save (cr);
  _hall_chart_frame (cr, info, _("Top return reasons"), width, height, &plot);
  for (guint i = 0; report != NULL && i < report->reasons->len; i++)
    {
      HallStatsReason *reason = g_ptr_array_index (report->reasons, i);

      if (strcmp (reason->kind, "return") != 0 || shown->len >= HALL_CHART_REASONS_MAX)
        continue;
      g_ptr_array_add (shown, reason);
      max = MAX (max, (double) reason->count.count);
    }
  if (shown->len == 0)
    {
      _hall_chart_empty (cr, info, &plot);
      cairo_restore (cr);
      return;
    }
  max = MAX (max, 5);

  plot.x = 12;
  plot.width = width - 24;
  label_width = plot.width * LABEL_WIDTH_SHARE;
  bars_x = plot.x + label_width + 8;
  bars_width = plot.width - label_width - 8 - 40;
  row = MIN (plot.height / shown->len, 34);
  for (guint i = 0; i < shown->len; i++)
    {
      HallStatsReason *reason = g_ptr_array_index (shown, i);
      const char *label = labels != NULL ? g_hash_table_lookup (labels, reason->reason) : NULL;
      double y = plot.y + i * row;
      double bar_height = row * 0.62;
      g_autofree char *value = hall_stats_count_to_string (&reason->count);
      g_autofree char *shortened = NULL;
      double w;

      if (label == NULL)
        label = strcmp (reason->reason, "other") == 0 ? _("Other (free text)") : reason->reason;
      if (g_utf8_strlen (label, -1) > 28)
        {
          g_autofree char *head = g_utf8_substring (label, 0, 27);
          shortened = g_strconcat (head, "…", NULL);
          label = shortened;
        }
      _hall_chart_text (cr, info, label, plot.x + label_width, y + row / 2, 11, FALSE, 1, 0.5,
                        HALL_CHART_TEXT);
      if (reason->count.suppressed)
        {
          w = MAX (4.0 / max * bars_width, 12);
          _hall_chart_hatch (cr, bars_x, y + (row - bar_height) / 2, w, bar_height);
          if (info != NULL)
            info->hidden++;
        }
      else
        {
          w = MAX ((double) reason->count.count / max * bars_width, 1);
          _hall_chart_color (cr, HALL_CHART_ORANGE);
          cairo_rectangle (cr, bars_x, y + (row - bar_height) / 2, w, bar_height);
          cairo_fill (cr);
        }
      if (info != NULL)
        info->bars++;
      _hall_chart_text (cr, info, value, bars_x + w + 6, y + row / 2, 11, TRUE, 0, 0.5,
                        HALL_CHART_TEXT);
      _hall_chart_add_hit (info, plot.x, y, plot.width, row, reason->reason);
    }
  cairo_restore (cr);
}
