/* hall-display-window.h — the board's full-screen window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hall-board.h"

G_BEGIN_DECLS

#define HALL_TYPE_DISPLAY_WINDOW (hall_display_window_get_type ())
G_DECLARE_FINAL_TYPE (HallDisplayWindow, hall_display_window, HALL, DISPLAY_WINDOW, GtkApplicationWindow)

/* A GtkDrawingArea that a HallBoardPainter draws the "board" into, with
 * no cursor. It redraws only when the board changes, while a new call
 * pulses (8 frames a second) and when the clock's minute turns, so an
 * idle board costs next to nothing. */
/* (transfer full) */
HallDisplayWindow *hall_display_window_new        (GtkApplication    *application,
                                                   HallBoard         *board);
/* How many times the board was drawn (for the benchmark and tests). */
guint              hall_display_window_get_n_draws (HallDisplayWindow *self);

G_END_DECLS
