/* hall-paced-list-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HALL_TYPE_PACED_LIST_MODEL (hall_paced_list_model_get_type ())
G_DECLARE_FINAL_TYPE (HallPacedListModel, hall_paced_list_model, HALL, PACED_LIST_MODEL, GObject)

/* The items of @model as rows (HallListRow) for a view: the first rows are
 * given other items when a list replaces another (a search's results, the
 * whole list back), so that the view keeps their widgets, and rows more
 * than were shown come a few a frame of @widget's frame clock, so that the
 * view never builds hundreds of rows in one frame. Small changes pass
 * through as they are. */

HallPacedListModel *hall_paced_list_model_new        (GListModel         *model,
                                                      GtkWidget          *widget,
                                                      guint               rows_per_frame);
/* Whether items are still being handed over. */
gboolean            hall_paced_list_model_get_pacing (HallPacedListModel *self);
/* While set, the view is about to show the top whatever comes (its list
 * is at the top, or goes back there): new items on top, more than a frame
 * builds rows for, are shown in the rows there are, as a replacement is,
 * instead of passed on as they come. */
void                hall_paced_list_model_set_follow_top (HallPacedListModel *self,
                                                          gboolean            follow_top);

G_END_DECLS
