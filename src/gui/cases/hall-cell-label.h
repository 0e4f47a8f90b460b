/* hall-cell-label.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HALL_TYPE_CELL_LABEL (hall_cell_label_get_type ())
G_DECLARE_FINAL_TYPE (HallCellLabel, hall_cell_label, HALL, CELL_LABEL, GtkWidget)

/* One line of text in a table's cell, whose size never depends on its
 * text: a line of its font high, and as wide as its column gives it
 * (asking for @natural_chars characters), the text ellipsized at the end.
 * A new text only redraws the cell, and only cells on screen shape theirs. */

GtkWidget  *hall_cell_label_new      (int            natural_chars);
const char *hall_cell_label_get_text (HallCellLabel *self);
void        hall_cell_label_set_text (HallCellLabel *self,
                                      const char    *text);

G_END_DECLS
