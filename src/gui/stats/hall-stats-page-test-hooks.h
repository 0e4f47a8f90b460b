/* hall-stats-page-test-hooks.h — what a test reads of the supervisor page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-chart.h"
#include "hall-stats-month.h"
#include "hall-stats-page.h"

G_BEGIN_DECLS

typedef enum
{
  HALL_STATS_CHART_DAILY,
  HALL_STATS_CHART_HEATMAP,
  HALL_STATS_CHART_WAIT,
  HALL_STATS_CHART_REASONS,
  HALL_STATS_N_CHARTS
} HallStatsChart;

/* (transfer none) (nullable): what @chart drew last, NULL before it drew. */
HallChartInfo  *hall_stats_page_get_chart_info (HallStatsPage  *self,
                                                HallStatsChart  chart);
/* (transfer none) (nullable): the figures shown. */
HallStatsMonth *hall_stats_page_get_month      (HallStatsPage  *self);
/* (transfer none): the headline's text: 0 opened, 1 finished, 2 on-time
 * share, 3 overdue now. */
const char     *hall_stats_page_get_headline   (HallStatsPage  *self,
                                                guint           index);
/* (transfer none): the message under the range (an error, or empty). */
const char     *hall_stats_page_get_message    (HallStatsPage  *self);

/* Whether the figures shown are this counter's own (the server could not
 * be reached). */
gboolean        hall_stats_page_get_offline    (HallStatsPage  *self);

/* Clicks (@x, @y) of @chart as the pointer does: lists the cases behind
 * the bar or cell there. FALSE when nothing was drawn there. */
gboolean        hall_stats_page_click          (HallStatsPage  *self,
                                                HallStatsChart  chart,
                                                double          x,
                                                double          y);
/* The number of cases listed under the charts. */
guint           hall_stats_page_get_n_listed   (HallStatsPage  *self);
/* Activates the listed case at @index, as a click on its row does. */
void            hall_stats_page_activate_listed (HallStatsPage *self,
                                                 guint          index);

/* When (g_get_monotonic_time()) a chart was first drawn with the figures
 * of the last load; 0 until then (figures of an earlier load shown
 * meanwhile do not count). */
gint64          hall_stats_page_get_first_drawn (HallStatsPage *self);
/* Sets the page's clock to @unix_seconds (0: the real clock) and shows the
 * hall's month of it (not loaded until the page loads). */
void            hall_stats_page_set_now        (HallStatsPage  *self,
                                                gint64          unix_seconds);

typedef enum
{
  HALL_STATS_EXPORT_CSV,
  HALL_STATS_EXPORT_PDF
} HallStatsExport;

/* (transfer full): the file name the save dialog proposes for the range
 * shown ("service-hall-2026-11.csv"). */
char           *hall_stats_page_dup_export_name (HallStatsPage  *self,
                                                 HallStatsExport kind);
/* Writes the figures shown to @file, as the save dialog's Save does; FALSE
 * when there is nothing to write yet (figures still being read). The writing is asynchronous: wait
 * for hall_stats_page_get_exporting() to turn FALSE. */
gboolean        hall_stats_page_export         (HallStatsPage  *self,
                                                HallStatsExport kind,
                                                GFile          *file);
gboolean        hall_stats_page_get_exporting  (HallStatsPage  *self);
/* (transfer none) (nullable): what the last export said (its toast). */
const char     *hall_stats_page_get_export_message (HallStatsPage *self);
/* (transfer none) (nullable): the save dialog while it is open. */
GtkFileChooser *hall_stats_page_get_chooser    (HallStatsPage  *self);

G_END_DECLS
