/* hall-chart-daily.h — cases per day with the on-time share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "hall-chart.h"
#include "hall-stats-report.h"

G_BEGIN_DECLS

/* Draws, into (0, 0, @width, @height) of @cr, one bar per group of
 * @by_day (a report by day: cases opened) and a line through the on-time
 * share of the cases finished that day. A hidden count ("< 5") is a short
 * hatched bar. Each bar is a hit keyed by its day. @info may be NULL. */
void hall_chart_daily_render (HallStatsReport *by_day,
                              cairo_t         *cr,
                              double           width,
                              double           height,
                              HallChartInfo   *info);

G_END_DECLS
