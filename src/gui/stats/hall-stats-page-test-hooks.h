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

G_END_DECLS
