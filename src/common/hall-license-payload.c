/* hall-license-payload.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-signature"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-error.h"
#include "hall-json.h"
#include "hall-license-payload.h"

#define VERSION   1
#define UUID_SIZE 16

static const char base45_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Base45 */

char *
hall_base45_encode (const guint8 *data,
                    gsize         length)
{
  GString *out = g_string_sized_new (length / 2 * 3 + 3);
  gsize i;

  for (i = 0; i + 1 < length; i += 2)
    {
      guint n = data[i] * 256u + data[i + 1];

      g_string_append_c (out, base45_alphabet[n % 45]);
      g_string_append_c (out, base45_alphabet[(n / 45) % 45]);
      g_string_append_c (out, base45_alphabet[n / (45 * 45)]);
    }
  if (i < length)
    {
      guint n = data[i];

      g_string_append_c (out, base45_alphabet[n % 45]);
      g_string_append_c (out, base45_alphabet[n / 45]);
    }
  return g_string_free (out, FALSE);
}

static int
base45_value (char c)
{
  const char *p = c != '\0' ? strchr (base45_alphabet, c) : NULL;

  return p != NULL ? (int) (p - base45_alphabet) : -1;
}

guint8 *
hall_base45_decode (const char  *text,
                    gsize       *length,
                    GError     **error)
{
  gsize n = strlen (text);
  g_autoptr(GByteArray) out = g_byte_array_sized_new ((guint) (n / 3 * 2 + 1));
  gsize i;

  if (n % 3 == 1)
    goto bad;
  for (i = 0; i < n; i += 3)
    {
      int c = base45_value (text[i]);
      int d = base45_value (text[i + 1]);
      int e = i + 2 < n ? base45_value (text[i + 2]) : 0;
      guint value;
      guint8 bytes[2];

      if (c < 0 || d < 0 || e < 0)
        goto bad;
      value = (guint) c + (guint) d * 45 + (guint) e * 45 * 45;
      if (i + 2 < n)
        {
          if (value > 0xffff)
            goto bad;
          bytes[0] = (guint8) (value >> 8);
          bytes[1] = (guint8) (value & 0xff);
          g_byte_array_append (out, bytes, 2);
        }
      else
        {
          if (value > 0xff)
            goto bad;
          bytes[0] = (guint8) value;
          g_byte_array_append (out, bytes, 1);
        }
    }
  *length = out->len;
  return g_byte_array_free (g_steal_pointer (&out), FALSE);

bad:
  g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                       _("The license code is not base45 text: it was read wrongly or "
                         "cut short"));
  return NULL;
}

/* The payload */

HallLicensePayload *
hall_license_payload_new (void)
{
  return g_new0 (HallLicensePayload, 1);
}

void
hall_license_payload_free (HallLicensePayload *self)
{
  if (self == NULL)
    return;
  g_free (self->number);
  g_free (self->license_type);
  g_free (self->holder);
  g_free (self->holder_id);
  g_free (self->scope);
  g_free (self->hall);
  g_free (self->case_uuid);
  hall_certificate_free (self->certificate);
  g_free (self);
}

static gboolean
put_text (GByteArray  *out,
          const char  *name,
          const char  *text,
          GError     **error)
{
  gsize length = text != NULL ? strlen (text) : 0;
  guint8 byte;

  if (length > 255)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("The license’s %s is longer than 255 bytes"), name);
      return FALSE;
    }
  byte = (guint8) length;
  g_byte_array_append (out, &byte, 1);
  if (length > 0)
    g_byte_array_append (out, (const guint8 *) text, (guint) length);
  return TRUE;
}

static void
put_u32 (GByteArray *out,
         gint64      value)
{
  guint32 be = GUINT32_TO_BE ((guint32) CLAMP (value, 0, G_MAXUINT32));

  g_byte_array_append (out, (const guint8 *) &be, 4);
}

static gboolean
put_uuid (GByteArray  *out,
          const char  *uuid,
          GError     **error)
{
  guint8 bytes[UUID_SIZE];
  guint i;
  guint j = 0;

  if (uuid == NULL || !hall_uuid_is_canonical (uuid))
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                           _("The license’s case is not a UUID"));
      return FALSE;
    }
  for (i = 0; uuid[i] != '\0'; i++)
    {
      if (uuid[i] == '-')
        continue;
      bytes[j / 2] = (guint8) ((j % 2 == 0 ? 0 : bytes[j / 2] << 4)
                               | g_ascii_xdigit_value (uuid[i]));
      j++;
    }
  g_byte_array_append (out, bytes, UUID_SIZE);
  return TRUE;
}

/* The message the signature covers: the domain, then the record. */
static GBytes *
signed_message (const guint8 *record,
                gsize         length)
{
  static const char domain[] = "service-hall license v1";
  GByteArray *message = g_byte_array_sized_new ((guint) (length + 32));
  guint32 be = GUINT32_TO_BE ((guint32) strlen (domain));

  g_byte_array_append (message, (const guint8 *) &be, 4);
  g_byte_array_append (message, (const guint8 *) domain, (guint) strlen (domain));
  g_byte_array_append (message, record, (guint) length);
  return g_byte_array_free_to_bytes (message);
}

char *
hall_license_payload_sign (HallLicensePayload    *self,
                           HallSigningKey        *key,
                           const HallCertificate *certificate,
                           GError               **error)
{
  g_autoptr(GByteArray) record = g_byte_array_new ();
  g_autoptr(GBytes) certificate_bytes = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *encoded = NULL;
  guint8 version = VERSION;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (certificate != NULL, NULL);

  if (memcmp (certificate->public_key, hall_signing_key_get_public_key (key),
              HALL_PUBLIC_KEY_BYTES) != 0)
    {
      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_OFFICIAL,
                   _("The certificate of %s is not for the signing key opened"),
                   certificate->official);
      return NULL;
    }
  g_byte_array_append (record, &version, 1);
  if (!put_text (record, "number", self->number, error)
      || !put_text (record, "type", self->license_type, error)
      || !put_text (record, "holder", self->holder, error)
      || !put_text (record, "holder_id", self->holder_id, error)
      || !put_text (record, "scope", self->scope, error)
      || !put_text (record, "hall", self->hall, error))
    return NULL;
  put_u32 (record, self->issued_at);
  put_u32 (record, self->valid_until);
  if (!put_uuid (record, self->case_uuid, error))
    return NULL;
  certificate_bytes = hall_certificate_to_bytes (certificate);
  g_byte_array_append (record, g_bytes_get_data (certificate_bytes, NULL),
                       (guint) g_bytes_get_size (certificate_bytes));

  message = signed_message (record->data, record->len);
  signature = hall_signing_key_sign (key, message);
  g_byte_array_append (record, g_bytes_get_data (signature, NULL), HALL_SIGNATURE_BYTES);

  hall_certificate_free (self->certificate);
  self->certificate = hall_certificate_copy (certificate);
  encoded = hall_base45_encode (record->data, record->len);
  return g_strconcat (HALL_LICENSE_PAYLOAD_PREFIX, encoded, NULL);
}

typedef struct
{
  const guint8 *data;
  gsize         length;
  gsize         at;
} Reader;

static gboolean
read_text (Reader  *reader,
           char   **text)
{
  gsize length;

  if (reader->at >= reader->length)
    return FALSE;
  length = reader->data[reader->at++];
  if (reader->length - reader->at < length
      || !g_utf8_validate ((const char *) reader->data + reader->at, (gssize) length, NULL)
      || memchr (reader->data + reader->at, '\0', length) != NULL)
    return FALSE;
  *text = g_strndup ((const char *) reader->data + reader->at, length);
  reader->at += length;
  return TRUE;
}

static gboolean
read_u32 (Reader *reader,
          gint64 *value)
{
  guint32 be;

  if (reader->length - reader->at < 4)
    return FALSE;
  memcpy (&be, reader->data + reader->at, 4);
  reader->at += 4;
  *value = GUINT32_FROM_BE (be);
  return TRUE;
}

static gboolean
read_uuid (Reader  *reader,
           char   **uuid)
{
  const guint8 *b;

  if (reader->length - reader->at < UUID_SIZE)
    return FALSE;
  b = reader->data + reader->at;
  *uuid = g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x",
                           b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
                           b[11], b[12], b[13], b[14], b[15]);
  reader->at += UUID_SIZE;
  return TRUE;
}

/* Reads the record; *@signed_length gets the length the signature covers
 * and @signature its 64 bytes. */
static HallLicensePayload *
parse_record (const char  *text,
              guint8     **record_out,
              gsize       *signed_length,
              guint8       signature[HALL_SIGNATURE_BYTES],
              GError     **error)
{
  g_autoptr(HallLicensePayload) self = hall_license_payload_new ();
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree guint8 *record = NULL;
  g_autoptr(GError) cert_error = NULL;
  Reader reader = { 0 };
  gsize length = 0;
  gsize consumed = 0;

  if (!g_str_has_prefix (trimmed, HALL_LICENSE_PAYLOAD_PREFIX))
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                           _("This is not a Service Hall license code: it does not begin "
                             "with “SH1:”"));
      return NULL;
    }
  record = hall_base45_decode (trimmed + strlen (HALL_LICENSE_PAYLOAD_PREFIX), &length, error);
  if (record == NULL)
    return NULL;
  reader.data = record;
  reader.length = length;
  if (length < 1 || record[0] != VERSION)
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                           _("The license code is of a version this program does not read"));
      return NULL;
    }
  reader.at = 1;
  if (!read_text (&reader, &self->number) || !read_text (&reader, &self->license_type)
      || !read_text (&reader, &self->holder) || !read_text (&reader, &self->holder_id)
      || !read_text (&reader, &self->scope) || !read_text (&reader, &self->hall)
      || !read_u32 (&reader, &self->issued_at) || !read_u32 (&reader, &self->valid_until)
      || !read_uuid (&reader, &self->case_uuid))
    goto truncated;
  self->certificate = hall_certificate_new_from_bytes (record + reader.at,
                                                       length - reader.at, &consumed,
                                                       &cert_error);
  if (self->certificate == NULL)
    goto truncated;
  reader.at += consumed;
  if (length - reader.at != HALL_SIGNATURE_BYTES)
    goto truncated;
  *signed_length = reader.at;
  memcpy (signature, record + reader.at, HALL_SIGNATURE_BYTES);
  *record_out = g_steal_pointer (&record);
  return g_steal_pointer (&self);

truncated:
  g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                       _("The license code is cut short or has bytes too many: it was not "
                         "read whole"));
  return NULL;
}

HallLicensePayload *
hall_license_payload_parse (const char  *text,
                            GError     **error)
{
  g_autofree guint8 *record = NULL;
  guint8 signature[HALL_SIGNATURE_BYTES];
  gsize signed_length;

  return parse_record (text, &record, &signed_length, signature, error);
}

static char *
format_date (gint64 at)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (at);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d") : g_strdup ("?");
}

gboolean
hall_license_payload_verify (const char          *text,
                             const guint8         hall_public_key[HALL_PUBLIC_KEY_BYTES],
                             HallRevocationList  *revocations,
                             gint64               now,
                             HallLicensePayload **payload_out,
                             GError             **error)
{
  g_autoptr(HallLicensePayload) self = NULL;
  g_autofree guint8 *record = NULL;
  g_autoptr(GBytes) message = NULL;
  guint8 signature[HALL_SIGNATURE_BYTES];
  gsize signed_length = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (hall_public_key != NULL, FALSE);

  self = parse_record (text, &record, &signed_length, signature, error);
  if (self == NULL)
    return FALSE;

  message = signed_message (record, signed_length);
  if (!hall_certificate_check (self->certificate, hall_public_key, self->issued_at, error))
    goto out;
  if (!hall_signature_check_bytes (self->certificate->public_key, message, signature,
                                   HALL_SIGNATURE_BYTES))
    {
      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_BAD_SIGNATURE,
                   _("The signature of %s does not match this license’s fields: a field "
                     "was altered after it was signed, or the signature was"),
                   self->certificate->official);
      goto out;
    }
  if (self->valid_until != 0 && now >= self->valid_until)
    {
      g_autofree char *until = format_date (self->valid_until);

      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_LICENSE_EXPIRED,
                   _("License %s expired on %s"), self->number, until);
      goto out;
    }
  if (!hall_revocation_list_check (revocations, self->number, self->certificate,
                                   self->issued_at, error))
    goto out;
  ok = TRUE;

out:
  if (payload_out != NULL)
    *payload_out = g_steal_pointer (&self);
  return ok;
}
