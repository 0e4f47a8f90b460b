/* hall-chart-wait.h — waiting time by hour of the hall's day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "hall-chart.h"
#include "hall-stats-report.h"

G_BEGIN_DECLS

/* Draws, into (0, 0, @width, @height) of @cr, one bar per hour of
 * @report's queue: the median wait in minutes, with a tick at the 90th
 * percentile. An hour whose tickets are hidden ("< 5") is a hatched bar
 * labelled "< 5". A report a counter counted from its own cases
 * (@report->local) has no queue: the chart says the waiting times come
 * from the server. @info may be NULL. */
void hall_chart_wait_render (HallStatsReport *report,
                             cairo_t         *cr,
                             double           width,
                             double           height,
                             HallChartInfo   *info);

G_END_DECLS
