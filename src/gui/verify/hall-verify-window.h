/* hall-verify-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_VERIFY_WINDOW (hall_verify_window_get_type ())
G_DECLARE_FINAL_TYPE (HallVerifyWindow, hall_verify_window, HALL, VERIFY_WINDOW, AdwWindow)

/* "Verify a License": opens a license PDF or a photo of one, or takes the
 * text of its QR code, and says whether it is valid, invalid or revoked
 * and why, offline, against the hall's key and the revocation list the
 * store last synced (and how old that list is). Actions: verify.open
 * (Ctrl+O), verify.check-text (Ctrl+Enter). Property "store" (construct
 * only). */
GtkWidget   *hall_verify_window_new            (HallStore        *store);
/* Checks @text as verify.check-text does, for tests. */
void         hall_verify_window_check_text     (HallVerifyWindow *self,
                                                const char       *text);
/* Checks the file at @path as verify.open does once a file is chosen. */
void         hall_verify_window_check_file     (HallVerifyWindow *self,
                                                const char       *path);
/* (transfer none): the verdict shown ("" before any check), for tests. */
const char  *hall_verify_window_get_verdict    (HallVerifyWindow *self);
/* Whether a check is running. */
gboolean     hall_verify_window_get_busy       (HallVerifyWindow *self);

G_END_DECLS
