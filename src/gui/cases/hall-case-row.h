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

/* How a cell's text or icon is drawn. */
typedef enum
{
  HALL_CASE_ROW_STYLE_NONE    = 0,
  HALL_CASE_ROW_STYLE_NUMERIC = 1 << 0,  /* figures of one width */
  HALL_CASE_ROW_STYLE_ERROR   = 1 << 1,  /* in the theme's error colour */
  HALL_CASE_ROW_STYLE_WARNING = 1 << 2,  /* in its warning colour */
  HALL_CASE_ROW_STYLE_DIM     = 1 << 3,  /* faded, as a dim label */
} HallCaseRowStyle;

/* One row of the case table, drawn by one widget: a line of text or a
 * symbolic icon in each column, placed where the table's HallCaseColumns
 * say. A GtkColumnView row is a list item widget per cell, each with its
 * own list item, controllers, bind and child; GTK 4.8 keeps 200 rows
 * alive, so a jump of the scroll bar rebound, measured and allocated some
 * 2,800 widgets in a frame, and a search built and destroyed rows of
 * fourteen. This row is two widgets with its list item's, whatever it
 * shows.
 *
 * Its height is a line of its font (measured once per font for all rows),
 * so a new text never resizes it: it only redraws, and only rows on screen
 * shape their texts. What a screen reader says of a row (its texts, in
 * the columns' order) follows them once the table rests: a drag rebinds
 * two hundred rows a frame, for texts nobody could listen to. */

GtkWidget       *hall_case_row_new           (HallCaseColumns  *columns);
void             hall_case_row_set_text      (HallCaseRow      *self,
                                              guint             column,
                                              const char       *text,
                                              HallCaseRowStyle  style);
/* @icon_name NULL shows nothing in the column; @description is what a
 * screen reader says of the icon. */
void             hall_case_row_set_icon      (HallCaseRow      *self,
                                              guint             column,
                                              const char       *icon_name,
                                              const char       *description,
                                              HallCaseRowStyle  style);
/* (nullable) */
const char      *hall_case_row_get_text      (HallCaseRow      *self,
                                              guint             column);
/* (nullable) */
const char      *hall_case_row_get_icon_name (HallCaseRow      *self,
                                              guint             column);
HallCaseRowStyle hall_case_row_get_style     (HallCaseRow      *self,
                                              guint             column);
/* The column at @x in the row's coordinates, or -1 for none. */
int              hall_case_row_get_column_at (HallCaseRow      *self,
                                              double            x);

G_END_DECLS
