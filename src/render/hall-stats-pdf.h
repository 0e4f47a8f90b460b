/* hall-stats-pdf.h — the supervisor's monthly report as an A4 PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "hall-stats-report.h"

G_BEGIN_DECLS

/* A4 portrait, in PostScript points. */
#define HALL_STATS_PDF_WIDTH  595.276
#define HALL_STATS_PDF_HEIGHT 841.890

/* Writes a one-page A4 PDF to @file (replacing it): @hall_name and the
 * dates of @by_day, the headline figures of its total (opened, finished,
 * on-time share, overdue now), cases per day, the heat map of @weeks
 * (nullable: left out), waiting time by hour and the top return reasons.
 * @service_labels and @reason_labels map catalog ids to labels in the UI
 * language (nullable). Text is Noto Sans CJK SC, so Chinese is kept as
 * text in the PDF. */
gboolean hall_stats_pdf_write (HallStatsReport *by_day,
                               GPtrArray       *weeks,
                               GHashTable      *service_labels,
                               GHashTable      *reason_labels,
                               const char      *hall_name,
                               GFile           *file,
                               GError         **error);

/* (transfer full) (nullable): what hall_stats_pdf_write() writes, as the
 * bytes of the PDF, for a caller that writes them itself (asynchronously).
 * A report a counter counted from its own cases (@by_day->local) says so
 * under its dates. */
GBytes  *hall_stats_pdf_render (HallStatsReport *by_day,
                                GPtrArray       *weeks,
                                GHashTable      *service_labels,
                                GHashTable      *reason_labels,
                                const char      *hall_name,
                                GError         **error);

/* Draws the report's headline figures in a row into (@x, @y, @width, 56):
 * shared by the PDF and the supervisor page's print preview. */
void     hall_stats_draw_headline (HallStatsReport *report,
                                   cairo_t         *cr,
                                   double           x,
                                   double           y,
                                   double           width);

G_END_DECLS
