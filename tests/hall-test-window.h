/* hall-test-window.h — the pages of the counter window that signing in adds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The approver's inbox ("approval"), the hall's figures ("stats") and the
 * lock page ("locked") join the window's stack at the first sign-in, and
 * the case page ("case") its leaflet: they are no template children, so
 * the GUI tests find them by name. Header-only: each test program links
 * the window already.
 */
#pragma once

#include <adwaita.h>

#include "hall-window.h"

G_BEGIN_DECLS

/* The page @name of @window's stack; fails the test when there is none. */
static inline gpointer
hall_test_window_stack_page (gpointer    window,
                             const char *name)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                              HALL_TYPE_WINDOW, "stack"));
  GtkWidget *page = gtk_stack_get_child_by_name (stack, name);

  g_assert_nonnull (page);
  return page;
}

/* @window's case page; fails the test before the first sign-in. */
static inline gpointer
hall_test_window_case_page (gpointer window)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                     HALL_TYPE_WINDOW, "leaflet"));
  GtkWidget *page = adw_leaflet_get_child_by_name (leaflet, "case");

  g_assert_nonnull (page);
  return page;
}

G_END_DECLS
