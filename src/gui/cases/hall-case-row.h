/* hall-case-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hall-case-columns.h"

G_BEGIN_DECLS

#define HALL_TYPE_CASE_ROW (hall_case_row_get_type ())
G_DECLARE_FINAL_TYPE (HallCaseRow, hall_case_row, HALL, CASE_ROW, GtkWidget)

/* One row of the case table: a cell widget per column, placed where the
 * table's HallCaseColumns say, in one widget. A GtkColumnView row is a
 * list item widget per cell, each with its own list item, controllers and
 * bind; GTK 4.8 keeps 200 rows alive, so a jump of the scroll bar or a
 * search built, bound and measured some 2,800 widgets a frame. This row
 * is bound once and holds its cells directly. */

GtkWidget *hall_case_row_new      (HallCaseColumns *columns);
/* Gives @column's cell to the row, which holds it from then on. */
void       hall_case_row_set_cell (HallCaseRow     *self,
                                   guint            column,
                                   GtkWidget       *cell);
/* (transfer none) (nullable) */
GtkWidget *hall_case_row_get_cell (HallCaseRow     *self,
                                   guint            column);

G_END_DECLS
