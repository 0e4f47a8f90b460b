/* hall-board-painter.h — the hall's queue board drawn with Cairo and Pango
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "hall-board.h"

G_BEGIN_DECLS

#define HALL_TYPE_BOARD_PAINTER (hall_board_painter_get_type ())
G_DECLARE_FINAL_TYPE (HallBoardPainter, hall_board_painter, HALL, BOARD_PAINTER, GObject)

/* Draws a HallBoard on any Cairo surface (a GtkDrawingArea's, or an image
 * surface in tests), Chinese and English side by side. All sizes follow
 * the surface's height, so 1920×1080 and 3840×2160 look alike: at 1080
 * lines a called number is set at 130 px, its capitals 95 px high: 6 cm
 * on a 55-inch screen, 7 cm on a 65-inch one, 14 to 16 minutes of arc at
 * 15 m, about three times what 6/6 vision needs to make a letter out.
 * Up to five current calls. Nothing but Cairo and Pango: no GTK. */
/* (transfer full) */
HallBoardPainter *hall_board_painter_new            (HallBoard             *board);
/* Draws the whole board at @now (local time, for the clock) and @now_us
 * (monotonic, for the highlights). */
void              hall_board_painter_draw           (HallBoardPainter      *self,
                                                     cairo_t               *cr,
                                                     int                    width,
                                                     int                    height,
                                                     GDateTime             *now,
                                                     gint64                 now_us);
/* Where current call @index (0: newest) is drawn on a @width × @height
 * board; FALSE when the board has no room for it. */
gboolean          hall_board_painter_get_call_area  (int                    width,
                                                     int                    height,
                                                     guint                  index,
                                                     cairo_rectangle_int_t *area);
/* Where the reconnecting notice is drawn. */
void              hall_board_painter_get_status_area (int                   width,
                                                      int                   height,
                                                      cairo_rectangle_int_t *area);

G_END_DECLS
