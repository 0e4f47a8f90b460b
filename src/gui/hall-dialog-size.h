/* hall-dialog-size.h — dialogs no wider than the window they come from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shrinks @dialog's default size to its transient parent's current size
 * where it would be larger (a counter window narrowed to 360 px): called
 * before the dialog is presented. A dialog whose content cannot be that
 * narrow still gets its minimum. */
void hall_dialog_fit_parent (GtkWindow *dialog);

G_END_DECLS
