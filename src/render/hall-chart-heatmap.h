/* hall-chart-heatmap.h — services × weeks, coloured by the overdue share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "hall-chart.h"
#include "hall-stats-report.h"

G_BEGIN_DECLS

/* Draws, into (0, 0, @width, @height) of @cr, a grid with one column per
 * report of @weeks (element-type HallStatsReport: reports by service, one
 * per week, oldest first; the column is labelled with the week's first
 * day) and one row per service seen in any of them, each cell coloured by
 * its overdue share from green (none) to red (half or more). A cell whose
 * figures are hidden is hatched and reads "< 5"; a service with no cases
 * that week is left blank. When there are more services than rows of a
 * readable height, the ones whose worst week has the highest overdue
 * share are drawn and a line says how many are left out. @labels maps a
 * service id to its name in the UI language (nullable). Each drawn cell
 * is a hit keyed "SERVICE|FROM|TO". @info may be NULL. */
void hall_chart_heatmap_render (GPtrArray     *weeks,
                                GHashTable    *labels,
                                cairo_t       *cr,
                                double         width,
                                double         height,
                                HallChartInfo *info);

G_END_DECLS
