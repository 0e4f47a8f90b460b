/* hall-password.h — officials' passwords, as Argon2id hashes (libsodium)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HALL_PASSWORD_MIN_LENGTH 8

/* (transfer full): crypto_pwhash_str with the interactive limits. Takes a
 * noticeable time and 64 MiB by design: call it off the main thread and
 * outside any lock. Fails only when the memory cannot be had. */
char      *hall_password_hash    (const char  *password,
                                  GError     **error);

/* Whether @password matches @hash. A NULL @hash (an unknown user) is FALSE
 * after the same work as checking a real one, so that the time taken does
 * not tell which user names exist. */
gboolean   hall_password_verify  (const char  *hash,
                                  const char  *password);

G_END_DECLS
