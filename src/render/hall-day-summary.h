/* hall-day-summary.h — the counter's end-of-day summary as a page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* A4 portrait, in PostScript points. */
#define HALL_DAY_SUMMARY_WIDTH  595.276
#define HALL_DAY_SUMMARY_HEIGHT 841.890

#define HALL_TYPE_DAY_SUMMARY (hall_day_summary_get_type ())
G_DECLARE_FINAL_TYPE (HallDaySummary, hall_day_summary, HALL, DAY_SUMMARY, GObject)

/* One page for the counter's day: the hall, the counter, the official, the
 * date, and the cases opened, completed, waiting for the applicant and
 * overdue. Immutable once built, so it may be drawn on a worker. */
HallDaySummary *hall_day_summary_new       (const char     *hall_name,
                                            const char     *counter,
                                            const char     *official_name,
                                            GDateTime      *day,
                                            guint           opened,
                                            guint           completed,
                                            guint           waiting,
                                            guint           overdue);
/* Each line of the page's table, "Cases opened\t12", joined by "\n":
 * what the page says, as text (transfer full). */
char           *hall_day_summary_dup_text  (HallDaySummary *self);
/* Draws the page into (0, 0, @width, @height) of @cr, scaled to fit. */
void            hall_day_summary_render    (HallDaySummary *self,
                                            cairo_t        *cr,
                                            double          width,
                                            double          height);
/* Writes a one-page A4 PDF to @file (replacing it). */
gboolean        hall_day_summary_write_pdf (HallDaySummary *self,
                                            GFile          *file,
                                            GError        **error);

G_END_DECLS
