/* hall-auth.h — passwords, session tokens and roles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  HALL_ROLE_RECEPTION        = 1 << 0,
  HALL_ROLE_COUNTER_OFFICIAL = 1 << 1,
  HALL_ROLE_APPROVER         = 1 << 2,
  HALL_ROLE_SUPERVISOR       = 1 << 3,
  HALL_ROLE_ADMINISTRATOR    = 1 << 4,
} HallRoles;

#define HALL_ROLES_ALL (HALL_ROLE_RECEPTION | HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_APPROVER \
                        | HALL_ROLE_SUPERVISOR | HALL_ROLE_ADMINISTRATOR)

#define HALL_TYPE_AUTH (hall_auth_get_type ())
G_DECLARE_FINAL_TYPE (HallAuth, hall_auth, HALL, AUTH, GObject)

/* Session tokens are signed (HMAC-SHA-512-256, libsodium crypto_auth) with a
 * key kept in @key_path (created, mode 0600, when missing), so checking one
 * needs no database and several servers sharing the key accept each other's
 * tokens. */
HallAuth  *hall_auth_new               (const char  *key_path,
                                        GError     **error);

/* Argon2id (crypto_pwhash_str) with the interactive limits. A NULL @hash
 * (an unknown user) fails after the work of checking a real one. */
char      *hall_auth_hash_password     (const char  *password,
                                        GError     **error);
gboolean   hall_auth_verify_password   (const char  *hash,
                                        const char  *password);

/* The token says when it was issued (microseconds since the epoch), so
 * that signing out can end every session opened before. */
char      *hall_auth_issue_token       (HallAuth    *self,
                                        const char  *username,
                                        HallRoles    roles,
                                        gint64       expires_at);
/* FALSE for a token that is malformed, forged or expired. *@issued_at_out
 * is 0 for a token of a server that did not say when it issued it. */
gboolean   hall_auth_check_token       (HallAuth    *self,
                                        const char  *token,
                                        char       **username_out,
                                        HallRoles   *roles_out,
                                        gint64      *issued_at_out);

/* "reception,counter_official" <-> flags; unknown names are ignored. */
HallRoles  hall_roles_from_string      (const char  *roles);
char     **hall_roles_to_strv          (HallRoles    roles);

G_END_DECLS
