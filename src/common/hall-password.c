/* hall-password.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-password"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "hall-error.h"
#include "hall-password.h"

char *
hall_password_hash (const char  *password,
                    GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (sodium_init () < 0
      || crypto_pwhash_str (hash, password, strlen (password),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           _("Not enough memory to protect the password"));
      return NULL;
    }
  return g_strdup (hash);
}

/* A hash of a password nobody knows, made with the same limits as every
 * other, so that checking against it takes as long. */
static const char *
dummy_hash (void)
{
  static char hash[crypto_pwhash_STRBYTES];
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      guint8 secret[32];

      randombytes_buf (secret, sizeof secret);
      if (crypto_pwhash_str (hash, (const char *) secret, sizeof secret,
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        hash[0] = '\0';
      sodium_memzero (secret, sizeof secret);
      g_once_init_leave (&done, 1);
    }
  return hash;
}

gboolean
hall_password_verify (const char *hash,
                      const char *password)
{
  g_return_val_if_fail (password != NULL, FALSE);

  if (sodium_init () < 0)
    return FALSE;
  if (hash == NULL)
    {
      /* Only the time it takes matters. */
      int wasted = crypto_pwhash_str_verify (dummy_hash (), password, strlen (password));

      g_debug ("Unknown official (%d)", wasted);
      return FALSE;
    }
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}
