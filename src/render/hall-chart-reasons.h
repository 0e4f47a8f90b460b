/* hall-chart-reasons.h — the top return reasons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "hall-chart.h"
#include "hall-stats-report.h"

G_BEGIN_DECLS

/* The most return reasons drawn. */
#define HALL_CHART_REASONS_MAX 8

/* Draws, into (0, 0, @width, @height) of @cr, one horizontal bar for each
 * of the first HALL_CHART_REASONS_MAX "return" reasons of @report. @labels
 * maps a catalog reason id to its label in the UI language (nullable:
 * the id is shown); "other" is "Other (free text)". A hidden count is a
 * hatched bar labelled "< 5". Each bar is a hit keyed by the reason id.
 * @info may be NULL. */
void hall_chart_reasons_render (HallStatsReport *report,
                                GHashTable      *labels,
                                cairo_t         *cr,
                                double           width,
                                double           height,
                                HallChartInfo   *info);

G_END_DECLS
