/* hall-lock-page.h — the counter locked for a break
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_LOCK_PAGE (hall_lock_page_get_type ())
G_DECLARE_FINAL_TYPE (HallLockPage, hall_lock_page, HALL, LOCK_PAGE, GtkWidget)

/* What covers the window while the official is away: who locked it and
 * since when, and a password field. The password is checked against the
 * store's officials on a worker thread, as at sign-in; the work under the
 * lock stays as it was.
 *
 * Signals:
 *   "unlocked": the official's password was right.
 *
 * Actions: lock.unlock. */

GtkWidget  *hall_lock_page_new       (void);
/* Locks for @username (@display_name shown) at @counter; empties the
 * password field and the message. */
void        hall_lock_page_lock      (HallLockPage *self,
                                      HallStore    *store,
                                      const char   *username,
                                      const char   *display_name,
                                      const char   *counter);
/* (nullable): the message under the password, for tests. */
const char *hall_lock_page_get_error (HallLockPage *self);
/* (transfer none): the password field, for tests. */
GtkEditable *hall_lock_page_get_password (HallLockPage *self);

G_END_DECLS
