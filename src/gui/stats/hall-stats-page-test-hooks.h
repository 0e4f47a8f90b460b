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

G_END_DECLS
