/* hall-case-table-header.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hall-case-columns.h"

G_BEGIN_DECLS

#define HALL_TYPE_CASE_TABLE_HEADER (hall_case_table_header_get_type ())
G_DECLARE_FINAL_TYPE (HallCaseTableHeader, hall_case_table_header, HALL, CASE_TABLE_HEADER,
                      GtkWidget)

/* The titles of the case table's columns, above its rows and placed as
 * they are. Dragging the edge between two titles resizes the column on
 * its left, as a GtkColumnView's header does; a click on a title emits
 * "title-clicked" (guint column), and the column the table is sorted by
 * shows an arrow. */

GtkWidget       *hall_case_table_header_new         (void);
HallCaseColumns *hall_case_table_header_get_columns (HallCaseTableHeader *self);
void             hall_case_table_header_set_columns (HallCaseTableHeader *self,
                                                     HallCaseColumns     *columns);
void             hall_case_table_header_set_sorted  (HallCaseTableHeader *self,
                                                     int                  column,
                                                     GtkSortType          order);
void             hall_case_table_header_set_sortable (HallCaseTableHeader *self,
                                                      guint                column,
                                                      gboolean             sortable);

G_END_DECLS
