/* hall-fill-pacer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HALL_TYPE_FILL_PACER (hall_fill_pacer_get_type ())
G_DECLARE_FINAL_TYPE (HallFillPacer, hall_fill_pacer, HALL, FILL_PACER, GObject)

/* Called to show @row's content: a few rows a frame. */
typedef void (*HallFillPacerShow) (gpointer row,
                                   gpointer user_data);

/* Rows of a view that all get new content at once — a page of cases read
 * in, the list sorted anew — shown @rows_per_frame a frame of @widget's
 * frame clock, in the order they came, so that no frame lays out and
 * draws the text of a whole view. A row waiting its turn shows blank, as
 * a row not read yet does. While @widget is not mapped nothing new waits;
 * rows already waiting keep their turns, which come while it is realized
 * (a hidden window's clock stands: they come before its first paint). */
HallFillPacer *hall_fill_pacer_new      (GtkWidget         *widget,
                                         guint              rows_per_frame,
                                         HallFillPacerShow  show,
                                         gpointer           user_data);

/* Whether @row is in view: checked at each frame, such rows waiting are
 * shown before those that came earlier. */
typedef gboolean (*HallFillPacerInView) (gpointer row,
                                         gpointer user_data);

/* Rows in view take their turns first (GTK 4.8 binds some 200 rows, a
 * view shows a tenth of them): @in_view is called with the @user_data
 * of hall_fill_pacer_new(). */
void           hall_fill_pacer_set_in_view (HallFillPacer       *self,
                                            HallFillPacerInView  in_view);

/* Whether @row's content must wait for its turn (it is then queued for
 * @show, once however often it is asked): FALSE when it may be shown now,
 * @widget being unmapped. */
gboolean       hall_fill_pacer_defer    (HallFillPacer     *self,
                                         gpointer           row);
/* Whether @row waits for its turn. */
gboolean       hall_fill_pacer_is_waiting (HallFillPacer   *self,
                                           gpointer         row);
/* @row is shown otherwise (bound anew) or gone: it no longer waits. */
void           hall_fill_pacer_forget   (HallFillPacer     *self,
                                         gpointer           row);

G_END_DECLS
