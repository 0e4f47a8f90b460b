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
 * handler or one watch, whatever the row shows. */

HallListRow *hall_list_row_new      (gpointer     item);
/* (transfer full): @item's row, the one that shows it if there is one,
 * or a new one: an item that comes back (a case updated in place) finds
 * the row, and so the widget, it had. */
HallListRow *hall_list_row_for_item (gpointer     item);
/* (transfer none) (nullable) */
gpointer     hall_list_row_get_item (HallListRow *self);
void         hall_list_row_set_item (HallListRow *self,
                                     gpointer     item);

/* What a watch of a row is told when the row changes, as "changed" says
 * it. */
typedef void (*HallListRowWatch) (HallListRow *row,
                                  GParamSpec  *pspec,
                                  gpointer     data);

/* @func is called with @data after the handlers of each "changed", until
 * unwatched. For the cells of a table: a drag binds and unbinds two
 * hundred rows of six cells a frame, and a signal handler each, with its
 * closure made and let go of, cost 8 % of the drag's main thread. */
void         hall_list_row_watch    (HallListRow      *self,
                                     HallListRowWatch  func,
                                     gpointer          data);
void         hall_list_row_unwatch  (HallListRow      *self,
                                     HallListRowWatch  func,
                                     gpointer          data);

G_END_DECLS
