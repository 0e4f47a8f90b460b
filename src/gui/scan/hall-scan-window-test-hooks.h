/* hall-scan-window-test-hooks.h — what tests look at inside HallScanWindow
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-scan-window.h"

G_BEGIN_DECLS

/* The number of pages shown (the slot's pages in the store). */
guint           hall_scan_window_get_n_pages    (HallScanWindow *self);
/* TRUE once the device list and the chosen device's options are shown. */
gboolean        hall_scan_window_get_ready      (HallScanWindow *self);
/* TRUE while a scan runs, or pages are being stored, moved or deleted,
 * or the list or a thumbnail is still being read for what was stored. */
gboolean        hall_scan_window_get_scanning   (HallScanWindow *self);
/* (transfer none): what the status line under the options says. */
const char     *hall_scan_window_get_status_text (HallScanWindow *self);
/* (transfer none) (nullable): the message shown for the last failure. */
const char     *hall_scan_window_get_error_text (HallScanWindow *self);
/* (transfer none) (nullable): what the row of page @position says of a
 * file that is not here ("On the server, …"), or NULL when it is. */
const char     *hall_scan_window_get_page_note  (HallScanWindow *self,
                                                 guint           position);
/* (transfer none) (nullable): the thumbnail the row of page @position
 * shows (NULL: a placeholder). */
GdkPaintable   *hall_scan_window_get_thumbnail  (HallScanWindow *self,
                                                 guint           position);

/* How many times a row of the list was given a page to show since the
 * window opened. A row is given a page when the page comes into the list
 * (or, past GTK's 200 rows, scrolls near the view); a page that is
 * turned, renamed by a delete or whose thumbnail comes changes its row in
 * place, and a page that moves gives one row its page again. */
guint           hall_scan_window_get_n_rows_built (HallScanWindow *self);
/* The rows showing a page now (GTK 4.8: up to 200). */
guint           hall_scan_window_get_n_rows_bound (HallScanWindow *self);
/* (transfer none) (nullable): the title of the row at @position of the
 * list as shown (what its row says, or would say once scrolled to), and
 * in *@uuid_out (optional) the page it belongs to. */
const char     *hall_scan_window_get_row_title  (HallScanWindow *self,
                                                 guint           position,
                                                 const char    **uuid_out);

/* Chooses @source and @dpi in the dropdowns, as an official would; FALSE
 * when the device does not offer them. */
gboolean        hall_scan_window_choose         (HallScanWindow *self,
                                                 const char     *source,
                                                 guint           dpi);

/* The number of camera frames shown. */
guint           hall_scan_window_get_n_previews (HallScanWindow *self);
/* TRUE while the camera's preview shows the outline of a sheet. */
gboolean        hall_scan_window_get_outline_shown (HallScanWindow *self);
/* Chooses the scanner named @id (its SANE name) or the camera @id in the
 * device list, as an official would; FALSE when it is not listed. */
gboolean        hall_scan_window_choose_device  (HallScanWindow *self,
                                                 const char     *id);
/* Moves @corner (0 top left, clockwise) of the crop frame of the page
 * being cropped ("scan.crop") to @x, @y in the page's pixels, as a drag
 * would; FALSE when no page is being cropped. */
gboolean        hall_scan_window_drag_crop_corner (HallScanWindow *self,
                                                   int             corner,
                                                   double          x,
                                                   double          y);

/* (transfer none) (nullable): what drags the row of page @position, and
 * what takes a page dropped on it, while a row shows that page. */
GtkDragSource  *hall_scan_window_get_page_drag_source (HallScanWindow *self,
                                                       guint           position);
GtkDropTarget  *hall_scan_window_get_page_drop_target (HallScanWindow *self,
                                                       guint           position);
/* (transfer none): what takes files dropped on the window. */
GtkDropTarget  *hall_scan_window_get_file_drop_target (HallScanWindow *self);

G_END_DECLS
