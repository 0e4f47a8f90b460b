/* hall-stats-pdf.c — the supervisor's monthly report as an A4 PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-chart"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "hall-chart-daily.h"
#include "hall-chart-heatmap.h"
#include "hall-chart-private.h"
#include "hall-chart-reasons.h"
#include "hall-chart-wait.h"
#include "hall-stats-pdf.h"

#define MARGIN 36.0

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

void
hall_stats_draw_headline (HallStatsReport *report,
                          cairo_t         *cr,
                          double           x,
                          double           y,
                          double           width)
{
  HallStatsFigures *total = report->total;
  g_autofree char *opened = hall_stats_count_to_string (&total->opened);
  g_autofree char *finished = hall_stats_count_to_string (&total->finished);
  g_autofree char *on_time = hall_stats_on_time_to_string (total);
  g_autofree char *overdue = hall_stats_count_to_string (&total->overdue_now);
  const char *values[] = { opened, finished, on_time, overdue };
  const char *names[] = { _("Opened"), _("Finished"), _("On time"), _("Overdue now") };
  double column = width / G_N_ELEMENTS (values);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      _hall_chart_text (cr, NULL, values[i], x + i * column, y, 24, TRUE, 0, 0,
                        i == 3 ? HALL_CHART_RED : HALL_CHART_TEXT);
      _hall_chart_text (cr, NULL, names[i], x + i * column, y + 34, 11, FALSE, 0, 0,
                        HALL_CHART_DIM);
    }
}

static void
draw_at (cairo_t *cr,
         double   x,
         double   y)
{
  cairo_restore (cr);
  cairo_save (cr);
  cairo_translate (cr, x, y);
}

/* Whether @from … @to (YYYY-MM-DD) is one whole month. */
static gboolean
is_whole_month (const char *from,
                const char *to)
{
  unsigned y1, m1, d1, y2, m2, d2;

  if (from == NULL || to == NULL || sscanf (from, "%4u-%2u-%2u", &y1, &m1, &d1) != 3
      || sscanf (to, "%4u-%2u-%2u", &y2, &m2, &d2) != 3 || !g_date_valid_dmy (d2, m2, y2))
    return FALSE;
  return y1 == y2 && m1 == m2 && d1 == 1 && d2 == g_date_get_days_in_month (m2, y2);
}

GBytes *
hall_stats_pdf_render (HallStatsReport *by_day,
                       GPtrArray       *weeks,
                       GHashTable      *service_labels,
                       GHashTable      *reason_labels,
                       const char      *hall_name,
                       GError         **error)
{
  g_autoptr(GByteArray) bytes = NULL;
  g_autofree char *title = NULL;
  g_autofree char *dates = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  double inner = HALL_STATS_PDF_WIDTH - 2 * MARGIN;
  double y;

  g_return_val_if_fail (by_day != NULL, NULL);

  bytes = g_byte_array_new ();
  surface = cairo_pdf_surface_create_for_stream (write_cb, bytes, HALL_STATS_PDF_WIDTH,
                                                 HALL_STATS_PDF_HEIGHT);
  /* The page reports any range of days: "monthly" only for a month. */
  title = g_strdup_printf (is_whole_month (by_day->from, by_day->to) ? _("Monthly report — %s")
                                                                      : _("Report — %s"),
                           hall_name != NULL ? hall_name : _("Citizens Service Hall"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cr = cairo_create (surface);

  cairo_save (cr);
  _hall_chart_text (cr, NULL, title, MARGIN, MARGIN, 20, TRUE, 0, 0, HALL_CHART_TEXT);
  dates = g_strdup_printf (_("From %s to %s"), by_day->from, by_day->to);
  /* A counter's own figures are not the hall's: the report says so
   * where the dates are, so that nobody reads them as the hall's. */
  if (by_day->local)
    {
      _hall_chart_text (cr, NULL, dates, MARGIN, MARGIN + 26, 11, FALSE, 0, 0, HALL_CHART_DIM);
      _hall_chart_text (cr, NULL,
                        _("Counted by this counter from its own cases only: the server could "
                          "not be reached"),
                        MARGIN, MARGIN + 42, 10, FALSE, 0, 0, HALL_CHART_RED);
    }
  else
    _hall_chart_text (cr, NULL, dates, MARGIN, MARGIN + 30, 12, FALSE, 0, 0, HALL_CHART_DIM);
  hall_stats_draw_headline (by_day, cr, MARGIN, MARGIN + 60, inner);
  y = MARGIN + 124;

  draw_at (cr, MARGIN, y);
  hall_chart_daily_render (by_day, cr, inner, 200, NULL);
  y += 210;
  if (weeks != NULL)
    {
      draw_at (cr, MARGIN, y);
      hall_chart_heatmap_render (weeks, service_labels, cr, inner, 200, NULL);
      y += 210;
    }
  draw_at (cr, MARGIN, y);
  hall_chart_wait_render (by_day, cr, inner / 2 - 5, 200, NULL);
  draw_at (cr, MARGIN + inner / 2 + 5, y);
  hall_chart_reasons_render (by_day, reason_labels, cr, inner / 2 - 5, 200, NULL);
  cairo_restore (cr);

  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write the report: %s"),
                   cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

gboolean
hall_stats_pdf_write (HallStatsReport *by_day,
                      GPtrArray       *weeks,
                      GHashTable      *service_labels,
                      GHashTable      *reason_labels,
                      const char      *hall_name,
                      GFile           *file,
                      GError         **error)
{
  g_autoptr(GBytes) pdf = NULL;

  g_return_val_if_fail (by_day != NULL, FALSE);

  pdf = hall_stats_pdf_render (by_day, weeks, service_labels, reason_labels, hall_name, error);
  if (pdf == NULL)
    return FALSE;
  return g_file_replace_contents (file, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                                  NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL,
                                  error);
}
