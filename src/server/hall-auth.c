/* hall-auth.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "hall-auth.h"
#include "hall-server-error.h"

struct _HallAuth
{
  GObject parent_instance;
  guint8  key[crypto_auth_KEYBYTES];
};

G_DEFINE_FINAL_TYPE (HallAuth, hall_auth, G_TYPE_OBJECT)

static void
hall_auth_finalize (GObject *object)
{
  HallAuth *self = HALL_AUTH (object);

  sodium_memzero (self->key, sizeof self->key);
  G_OBJECT_CLASS (hall_auth_parent_class)->finalize (object);
}

static void
hall_auth_class_init (HallAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_auth_finalize;
}

static void
hall_auth_init (HallAuth *self)
{
}

static gboolean
load_or_create_key (HallAuth    *self,
                    const char  *key_path,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  int fd;

  if (g_file_get_contents (key_path, &contents, &length, NULL))
    {
      if (length != sizeof self->key)
        {
          g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_KEY,
                       _("The session key %s is damaged (%zu bytes, expected %d); "
                         "remove it to make a new one"),
                       key_path, length, (int) sizeof self->key);
          return FALSE;
        }
      memcpy (self->key, contents, sizeof self->key);
      sodium_memzero (contents, length);
      return TRUE;
    }

  crypto_auth_keygen (self->key);
  /* O_EXCL: when two servers start at once, the loser reads the winner's key. */
  fd = g_open (key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST)
    return load_or_create_key (self, key_path, error);
  if (fd < 0
      || write (fd, self->key, sizeof self->key) != (ssize_t) sizeof self->key
      || fsync (fd) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_KEY,
                   _("Cannot write the session key %s: %s"), key_path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

HallAuth *
hall_auth_new (const char  *key_path,
               GError     **error)
{
  g_autoptr(HallAuth) self = NULL;

  if (sodium_init () < 0)
    {
      g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_KEY,
                   _("libsodium could not be initialised"));
      return NULL;
    }
  self = g_object_new (HALL_TYPE_AUTH, NULL);
  if (!load_or_create_key (self, key_path, error))
    return NULL;
  return g_steal_pointer (&self);
}

static char *
base64url_encode (const guint8 *data,
                  gsize         length)
{
  gsize size = sodium_base64_ENCODED_LEN (length, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *out = g_malloc (size);

  sodium_bin2base64 (out, size, data, length, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

/* Token: base64url(payload) "." base64url(mac), payload
 * "username\nroles\nexpires_at\nissued_at" (issued_at in microseconds). */
char *
hall_auth_issue_token (HallAuth   *self,
                       const char *username,
                       HallRoles   roles,
                       gint64      expires_at)
{
  g_autofree char *payload = NULL;
  g_autofree char *payload64 = NULL;
  g_autofree char *mac64 = NULL;
  guint8 mac[crypto_auth_BYTES];

  payload = g_strdup_printf ("%s\n%u\n%" G_GINT64_FORMAT "\n%" G_GINT64_FORMAT, username,
                             (guint) roles, expires_at, g_get_real_time ());
  crypto_auth (mac, (const guint8 *) payload, strlen (payload), self->key);
  payload64 = base64url_encode ((const guint8 *) payload, strlen (payload));
  mac64 = base64url_encode (mac, sizeof mac);
  return g_strconcat (payload64, ".", mac64, NULL);
}

gboolean
hall_auth_check_token (HallAuth    *self,
                       const char  *token,
                       char       **username_out,
                       HallRoles   *roles_out,
                       gint64      *issued_at_out)
{
  guint8 payload[512];
  guint8 mac[crypto_auth_BYTES];
  g_auto(GStrv) parts = NULL;
  const char *dot;
  size_t payload_len = 0;
  size_t mac_len = 0;
  const char *end;
  guint64 roles;
  gint64 expires_at;
  gint64 issued_at = 0;

  dot = strchr (token, '.');
  if (dot == NULL
      || sodium_base642bin (payload, sizeof payload - 1, token, dot - token, NULL, &payload_len,
                            &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0
      || end != dot
      || sodium_base642bin (mac, sizeof mac, dot + 1, strlen (dot + 1), NULL, &mac_len, &end,
                            sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0
      || *end != '\0'
      || mac_len != sizeof mac
      || crypto_auth_verify (mac, payload, payload_len, self->key) != 0)
    return FALSE;

  payload[payload_len] = '\0';
  parts = g_strsplit ((const char *) payload, "\n", 5);
  if ((g_strv_length (parts) != 3 && g_strv_length (parts) != 4)
      || !g_ascii_string_to_unsigned (parts[1], 10, 0, HALL_ROLES_ALL, &roles, NULL)
      || !g_ascii_string_to_signed (parts[2], 10, 0, G_MAXINT64, (gint64 *) &expires_at, NULL)
      || expires_at <= g_get_real_time () / G_USEC_PER_SEC
      || (parts[3] != NULL
          && !g_ascii_string_to_signed (parts[3], 10, 0, G_MAXINT64, &issued_at, NULL)))
    return FALSE;

  if (username_out != NULL)
    *username_out = g_strdup (parts[0]);
  if (roles_out != NULL)
    *roles_out = (HallRoles) roles;
  if (issued_at_out != NULL)
    *issued_at_out = issued_at;
  return TRUE;
}
