/* hall-sign-in-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_SIGN_IN_PAGE (hall_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (HallSignInPage, hall_sign_in_page, HALL, SIGN_IN_PAGE, GtkWidget)

/* The counter's sign-in: user name, password and counter number, checked
 * against the store's officials on a worker thread (Argon2 is slow on
 * purpose).
 *
 * Signals:
 *   "signed-in" (const char *username, const char *display_name,
 *                const char *roles, const char *counter)
 *   "password-accepted" (const char *username, const char *password): right
 *      after "signed-in", for signing in to the server with the same
 *      password; the page forgets the password afterwards.
 *
 * Actions: sign-in.submit. */

GtkWidget  *hall_sign_in_page_new      (HallStore      *store);
void        hall_sign_in_page_set_store (HallSignInPage *self,
                                        HallStore      *store);
/* Prefills the demo official and shows the hint. */
void        hall_sign_in_page_set_demo (HallSignInPage *self,
                                        gboolean        demo);
/* Holds sign-in back while the officials are still being written (the
 * demo's, on first start). */
void        hall_sign_in_page_set_held (HallSignInPage *self,
                                        gboolean        held);
/* Empties the password and the message, keeps the name and the counter. */
void        hall_sign_in_page_reset    (HallSignInPage *self);
gboolean    hall_sign_in_page_get_busy (HallSignInPage *self);
/* The message under the fields, "" when there is none. */
const char *hall_sign_in_page_get_message (HallSignInPage *self);

G_END_DECLS
