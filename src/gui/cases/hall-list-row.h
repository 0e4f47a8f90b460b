/* hall-list-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HALL_TYPE_LIST_ROW (hall_list_row_get_type ())
G_DECLARE_FINAL_TYPE (HallListRow, hall_list_row, HALL, LIST_ROW, GObject)

/* One row of a table, showing an item of a list. A table's rows outlive
 * the lists they show: when a search's results replace the list, the row
 * is given its new item ("notify::item") and the row widget GTK built for
 * it stays, instead of GTK 4.8 destroying it and building another.
 *
 * "item" is NULL for a row that shows nothing (a row of the old list that
 * the new one does not fill, on its way out). "changed" (GParamSpec
 * *pspec) says what a cell must show again: the row's item, with @pspec
 * NULL, or one of its properties, passed on from the item's "notify" and
 * detailed by the property's name. A cell follows one object, with one
 * handler, whatever the row shows. */

HallListRow *hall_list_row_new      (gpointer     item);
/* (transfer full): @item's row, the one that shows it if there is one,
 * or a new one: an item that comes back (a case updated in place) finds
 * the row, and so the widget, it had. */
HallListRow *hall_list_row_for_item (gpointer     item);
/* (transfer none) (nullable) */
gpointer     hall_list_row_get_item (HallListRow *self);
void         hall_list_row_set_item (HallListRow *self,
                                     gpointer     item);

G_END_DECLS
