/* hall-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-catalog.h"
#include "hall-store.h"
#include "hall-sync-engine.h"

G_BEGIN_DECLS

#define HALL_TYPE_WINDOW (hall_window_get_type ())
G_DECLARE_FINAL_TYPE (HallWindow, hall_window, HALL, WINDOW, AdwApplicationWindow)

/* The counter's main window: the sign-in page until an official signs in,
 * then the case list and the case page side by side (one at a time when
 * narrow).
 *
 * Properties: "store", "catalog", "engine" (may be NULL: no server), "demo"
 * (all construct-only), "search-mode", "signed-in".
 * Actions: win.new-intake (Ctrl+N), win.search (Ctrl+F), win.sign-out,
 * win.sync-now, win.back (Alt+Left). */

HallWindow *hall_window_new        (GtkApplication *application,
                                    HallStore      *store,
                                    HallCatalog    *catalog,
                                    HallSyncEngine *engine,
                                    gboolean        demo);
/* For when the counter's data cannot be opened: the window shows why
 * instead of the sign-in page. */
void        hall_window_show_error (HallWindow     *self,
                                    const char     *title,
                                    const char     *description);
/* While held, the sign-in page does not sign in: the officials are still
 * being added. */
void        hall_window_hold_sign_in (HallWindow   *self,
                                      gboolean      hold);
/* Opens @kase in the case page (and navigates to it when folded). */
void        hall_window_show_case  (HallWindow     *self,
                                    HallCase       *kase);
void        hall_window_add_toast  (HallWindow     *self,
                                    const char     *title);
gboolean    hall_window_get_signed_in (HallWindow  *self);
/* The official signed in, NULL when nobody is. */
const char *hall_window_get_username (HallWindow   *self);

/* Whether the counter is locked for a break (win.lock, Ctrl+Alt+L or
 * Super+L; the official's password unlocks it). */
gboolean     hall_window_get_locked       (HallWindow  *self);

G_END_DECLS
