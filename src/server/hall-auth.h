/* hall-auth.h — signed session tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hall-roles.h"

G_BEGIN_DECLS

#define HALL_TYPE_AUTH (hall_auth_get_type ())
G_DECLARE_FINAL_TYPE (HallAuth, hall_auth, HALL, AUTH, GObject)

/* Session tokens are signed (HMAC-SHA-512-256, libsodium crypto_auth) with a
 * key kept in @key_path (created, mode 0600, when missing), so checking one
 * needs no database and several servers sharing the key accept each other's
 * tokens. (transfer full); NULL with HALL_SERVER_ERROR_KEY when the key
 * cannot be read or made. */
HallAuth  *hall_auth_new               (const char  *key_path,
                                        GError     **error);

/* (transfer full): a token for @username. The token says when it was
 * issued (microseconds since the epoch), so that signing out can end every
 * session opened before. */
char      *hall_auth_issue_token       (HallAuth    *self,
                                        const char  *username,
                                        HallRoles    roles,
                                        gint64       expires_at);
/* FALSE for a token that is malformed, forged or expired. *@username_out
 * is (transfer full); *@issued_at_out is 0 for a token of a server that did
 * not say when it issued it. */
gboolean   hall_auth_check_token       (HallAuth    *self,
                                        const char  *token,
                                        char       **username_out,
                                        HallRoles   *roles_out,
                                        gint64      *issued_at_out);

G_END_DECLS
