/* hall-dialog-size.c — dialogs no wider than the window they come from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-gui"

#include "config.h"

#include "hall-dialog-size.h"

void
hall_dialog_fit_parent (GtkWindow *dialog)
{
  GtkWindow *parent;
  int width, height;
  int parent_width, parent_height;

  g_return_if_fail (GTK_IS_WINDOW (dialog));

  parent = gtk_window_get_transient_for (dialog);
  if (parent == NULL || !gtk_widget_get_mapped (GTK_WIDGET (parent)))
    return;
  parent_width = gtk_widget_get_width (GTK_WIDGET (parent));
  parent_height = gtk_widget_get_height (GTK_WIDGET (parent));
  gtk_window_get_default_size (dialog, &width, &height);
  if (width > parent_width || width <= 0)
    width = parent_width;
  if (height > parent_height || height <= 0)
    height = parent_height;
  gtk_window_set_default_size (dialog, width, height);
}
