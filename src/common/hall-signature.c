/* hall-signature.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-signature"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "hall-error.h"
#include "hall-json.h"
#include "hall-signature.h"

#define ROOT_KEY_KIND    "service-hall hall key"
#define SEALED_KEY_KIND  "service-hall sealed key"
#define MAX_OFFICIAL_LEN 64

/* Bounds on what a sealed key may ask of Argon2id, so that an altered
 * store cannot make a counter spend minutes or gigabytes opening it. */
#define MAX_OPSLIMIT 32
#define MAX_MEMLIMIT (1024u * 1024u * 1024u)

struct _HallRootKey
{
  guint8 *secret_key;                        /* sodium_malloc, 64 bytes */
  guint8  public_key[HALL_PUBLIC_KEY_BYTES];
};

struct _HallSigningKey
{
  guint8 *secret_key;                        /* sodium_malloc, 64 bytes */
  guint8  public_key[HALL_PUBLIC_KEY_BYTES];
};

G_DEFINE_QUARK (hall-signature-error-quark, hall_signature_error)

G_DEFINE_BOXED_TYPE (HallCertificate, hall_certificate, hall_certificate_copy,
                     hall_certificate_free)

static void
ensure_sodium (void)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

/* Canonical bytes */

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  guint32 be = GUINT32_TO_BE (value);

  g_byte_array_append (out, (const guint8 *) &be, sizeof be);
}

static void
put_field (GByteArray   *out,
           const guint8 *data,
           gsize         length)
{
  g_assert (length <= G_MAXUINT32);
  put_u32 (out, (guint32) length);
  if (length > 0)
    g_byte_array_append (out, data, (guint) length);
}

static void
put_string (GByteArray *out,
            const char *text)
{
  if (text == NULL)
    text = "";
  put_field (out, (const guint8 *) text, strlen (text));
}

static void
put_time (GByteArray *out,
          gint64      at)
{
  g_autofree char *iso = hall_timestamp_to_iso8601 (at);

  put_string (out, iso != NULL ? iso : "");
}

/* Base64, read strictly: only the text that encoding the bytes gives back
 * is accepted, so one signature has one spelling. */
static guint8 *
decode_base64_exact (const char *text,
                     gsize       expected,
                     gsize      *length_out)
{
  g_autofree guint8 *data = NULL;
  g_autofree char *again = NULL;
  gsize length = 0;
  const char *p;

  if (text == NULL || *text == '\0')
    return NULL;
  for (p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      return NULL;
  data = g_base64_decode (text, &length);
  if (data == NULL || (expected != 0 && length != expected))
    return NULL;
  again = g_base64_encode (data, length);
  if (strcmp (again, text) != 0)
    return NULL;
  if (length_out != NULL)
    *length_out = length;
  return g_steal_pointer (&data);
}

static gboolean
is_sha256_hex (const char *text)
{
  guint i;

  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (i = 0; i < 64; i++)
    if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
      return FALSE;
  return TRUE;
}

/* Public keys */

char *
hall_public_key_to_base64 (const guint8 public_key[HALL_PUBLIC_KEY_BYTES])
{
  return g_base64_encode (public_key, HALL_PUBLIC_KEY_BYTES);
}

gboolean
hall_public_key_from_base64 (const char  *text,
                             guint8       public_key[HALL_PUBLIC_KEY_BYTES],
                             GError     **error)
{
  g_autofree guint8 *data = decode_base64_exact (text, HALL_PUBLIC_KEY_BYTES, NULL);

  if (data == NULL)
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                           _("A public key must be 32 bytes written in base64"));
      return FALSE;
    }
  memcpy (public_key, data, HALL_PUBLIC_KEY_BYTES);
  return TRUE;
}

char *
hall_public_key_fingerprint (const guint8 public_key[HALL_PUBLIC_KEY_BYTES])
{
  guint8 digest[crypto_hash_sha256_BYTES];

  ensure_sodium ();
  crypto_hash_sha256 (digest, public_key, HALL_PUBLIC_KEY_BYTES);
  return g_strdup_printf ("%02x%02x %02x%02x %02x%02x %02x%02x", digest[0], digest[1],
                          digest[2], digest[3], digest[4], digest[5], digest[6], digest[7]);
}

gboolean
hall_signature_check_bytes (const guint8  public_key[HALL_PUBLIC_KEY_BYTES],
                            GBytes       *message,
                            const guint8 *signature,
                            gsize         signature_len)
{
  gsize length;
  const guint8 *data;

  g_return_val_if_fail (message != NULL, FALSE);

  ensure_sodium ();
  if (signature == NULL || signature_len != HALL_SIGNATURE_BYTES)
    return FALSE;
  data = g_bytes_get_data (message, &length);
  return crypto_sign_verify_detached (signature, data, length, public_key) == 0;
}

/* Certificates */

HallCertificate *
hall_certificate_copy (const HallCertificate *self)
{
  HallCertificate *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new (HallCertificate, 1);
  *copy = *self;
  copy->official = g_strdup (self->official);
  return copy;
}

void
hall_certificate_free (HallCertificate *self)
{
  if (self == NULL)
    return;
  g_free (self->official);
  g_free (self);
}

GBytes *
hall_certificate_canonical_bytes (const HallCertificate *self)
{
  GByteArray *out = g_byte_array_new ();

  g_return_val_if_fail (self != NULL, NULL);

  put_string (out, "service-hall certificate v1");
  put_string (out, self->official);
  put_field (out, self->public_key, HALL_PUBLIC_KEY_BYTES);
  put_time (out, self->valid_from);
  put_time (out, self->valid_until);
  return g_byte_array_free_to_bytes (out);
}

static char *
format_date (gint64 at)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (at);

  if (time == NULL)
    return g_strdup ("?");
  return g_date_time_format (time, "%Y-%m-%d %H:%M UTC");
}

gboolean
hall_certificate_check (const HallCertificate  *self,
                        const guint8            hall_public_key[HALL_PUBLIC_KEY_BYTES],
                        gint64                  at,
                        GError                **error)
{
  g_autoptr(GBytes) message = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (hall_public_key != NULL, FALSE);

  message = hall_certificate_canonical_bytes (self);
  if (!hall_signature_check_bytes (hall_public_key, message, self->signature,
                                   HALL_SIGNATURE_BYTES))
    {
      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_NOT_CERTIFIED,
                   _("The key of %s is not certified by this hall: its certificate is not "
                     "signed by the hall’s key"),
                   self->official);
      return FALSE;
    }
  if (at < self->valid_from || at >= self->valid_until)
    {
      g_autofree char *from = format_date (self->valid_from);
      g_autofree char *until = format_date (self->valid_until);
      g_autofree char *when = format_date (at);

      /* Translators: "The certificate of li.na is valid from 2026-01-01
       * 00:00 UTC until 2027-01-01 00:00 UTC, not at 2027-03-01 10:00 UTC" */
      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_EXPIRED,
                   _("The certificate of %s is valid from %s until %s, not at %s"),
                   self->official, from, until, when);
      return FALSE;
    }
  return TRUE;
}

static void
put_be64 (GByteArray *out,
          gint64      value)
{
  guint64 be = GUINT64_TO_BE ((guint64) value);

  g_byte_array_append (out, (const guint8 *) &be, sizeof be);
}

static gint64
get_be64 (const guint8 *data)
{
  guint64 be;

  memcpy (&be, data, sizeof be);
  return (gint64) GUINT64_FROM_BE (be);
}

GBytes *
hall_certificate_to_bytes (const HallCertificate *self)
{
  GByteArray *out = g_byte_array_new ();
  gsize official_len;
  guint8 header[2];

  g_return_val_if_fail (self != NULL, NULL);
  official_len = strlen (self->official);
  g_return_val_if_fail (official_len >= 1 && official_len <= MAX_OFFICIAL_LEN, NULL);

  header[0] = 1;
  header[1] = (guint8) official_len;
  g_byte_array_append (out, header, sizeof header);
  g_byte_array_append (out, (const guint8 *) self->official, (guint) official_len);
  g_byte_array_append (out, self->public_key, HALL_PUBLIC_KEY_BYTES);
  put_be64 (out, self->valid_from);
  put_be64 (out, self->valid_until);
  g_byte_array_append (out, self->signature, HALL_SIGNATURE_BYTES);
  return g_byte_array_free_to_bytes (out);
}

HallCertificate *
hall_certificate_new_from_bytes (const guint8  *data,
                                 gsize          length,
                                 gsize         *consumed,
                                 GError       **error)
{
  g_autoptr(HallCertificate) self = NULL;
  gsize official_len;
  gsize needed;

  if (length < 2 || data[0] != 1)
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                           _("The certificate is not in a form this program reads "
                             "(version 1)"));
      return NULL;
    }
  official_len = data[1];
  needed = 2 + official_len + HALL_PUBLIC_KEY_BYTES + 16 + HALL_SIGNATURE_BYTES;
  if (official_len == 0 || official_len > MAX_OFFICIAL_LEN || length < needed)
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                           _("The certificate is cut short or its official’s name is "
                             "empty or too long"));
      return NULL;
    }
  if (!g_utf8_validate ((const char *) data + 2, (gssize) official_len, NULL)
      || memchr (data + 2, '\0', official_len) != NULL)
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                           _("The certificate’s official’s name is not UTF-8 text"));
      return NULL;
    }
  self = g_new0 (HallCertificate, 1);
  self->official = g_strndup ((const char *) data + 2, official_len);
  data += 2 + official_len;
  memcpy (self->public_key, data, HALL_PUBLIC_KEY_BYTES);
  data += HALL_PUBLIC_KEY_BYTES;
  self->valid_from = get_be64 (data);
  self->valid_until = get_be64 (data + 8);
  data += 16;
  memcpy (self->signature, data, HALL_SIGNATURE_BYTES);
  if (consumed != NULL)
    *consumed = needed;
  return g_steal_pointer (&self);
}

char *
hall_certificate_to_base64 (const HallCertificate *self)
{
  g_autoptr(GBytes) bytes = hall_certificate_to_bytes (self);
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return g_base64_encode (data, length);
}

HallCertificate *
hall_certificate_new_from_base64 (const char  *text,
                                  GError     **error)
{
  g_autofree guint8 *data = NULL;
  g_autoptr(HallCertificate) self = NULL;
  gsize length = 0;
  gsize consumed = 0;

  data = decode_base64_exact (text, 0, &length);
  if (data == NULL)
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                           _("The certificate is not written in base64"));
      return NULL;
    }
  self = hall_certificate_new_from_bytes (data, length, &consumed, error);
  if (self == NULL)
    return NULL;
  if (consumed != length)
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                           _("The certificate has bytes after its end"));
      return NULL;
    }
  return g_steal_pointer (&self);
}

JsonNode *
hall_certificate_to_json (const HallCertificate *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *public_key = hall_public_key_to_base64 (self->public_key);
  g_autofree char *signature = g_base64_encode (self->signature, HALL_SIGNATURE_BYTES);
  g_autofree char *from = hall_timestamp_to_iso8601 (self->valid_from);
  g_autofree char *until = hall_timestamp_to_iso8601 (self->valid_until);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "official");
  json_builder_add_string_value (builder, self->official);
  json_builder_set_member_name (builder, "public_key");
  json_builder_add_string_value (builder, public_key);
  json_builder_set_member_name (builder, "valid_from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "valid_until");
  json_builder_add_string_value (builder, until);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

HallCertificate *
hall_certificate_new_from_json (JsonNode    *node,
                                const char **field_out,
                                GError     **error)
{
  g_autoptr(HallCertificate) self = g_new0 (HallCertificate, 1);
  g_autofree guint8 *signature = NULL;
  JsonObject *object;
  const char *official = NULL;
  const char *public_key = NULL;
  const char *signature_b64 = NULL;

  object = hall_json_expect_object (node, "certificate", error);
  if (object == NULL)
    return NULL;
  if (!hall_json_read_string (object, "official", TRUE, MAX_OFFICIAL_LEN, &official,
                              field_out, error)
      || !hall_json_read_string (object, "public_key", TRUE, 64, &public_key, field_out,
                                 error)
      || !hall_json_read_timestamp (object, "valid_from", TRUE, &self->valid_from,
                                    field_out, error)
      || !hall_json_read_timestamp (object, "valid_until", TRUE, &self->valid_until,
                                    field_out, error)
      || !hall_json_read_string (object, "signature", TRUE, 128, &signature_b64, field_out,
                                 error))
    return NULL;
  if (strlen (official) > MAX_OFFICIAL_LEN)
    {
      if (field_out != NULL)
        *field_out = "official";
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("The field “official” may have at most %d bytes"), MAX_OFFICIAL_LEN);
      return NULL;
    }
  if (!hall_public_key_from_base64 (public_key, self->public_key, NULL))
    {
      if (field_out != NULL)
        *field_out = "public_key";
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                           _("The field “public_key” must be 32 bytes written in base64"));
      return NULL;
    }
  signature = decode_base64_exact (signature_b64, HALL_SIGNATURE_BYTES, NULL);
  if (signature == NULL)
    {
      if (field_out != NULL)
        *field_out = "signature";
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                           _("The field “signature” must be 64 bytes written in base64"));
      return NULL;
    }
  memcpy (self->signature, signature, HALL_SIGNATURE_BYTES);
  self->official = g_strdup (official);
  return g_steal_pointer (&self);
}

/* Key pairs in guarded memory */

static guint8 *
secret_new (void)
{
  guint8 *secret;

  ensure_sodium ();
  secret = sodium_malloc (crypto_sign_SECRETKEYBYTES);
  if (secret == NULL)
    g_error ("Out of guarded memory for a secret key");
  return secret;
}

static void
keypair_from_seed (guint8       *secret_key,
                   guint8        public_key[HALL_PUBLIC_KEY_BYTES],
                   const guint8 *seed)
{
  crypto_sign_seed_keypair (public_key, secret_key, seed);
}

static GBytes *
sign_with (const guint8 *secret_key,
           GBytes       *message)
{
  guint8 signature[crypto_sign_BYTES];
  gsize length;
  const guint8 *data = g_bytes_get_data (message, &length);

  crypto_sign_detached (signature, NULL, data, length, secret_key);
  return g_bytes_new (signature, sizeof signature);
}

/* The root key */

HallRootKey *
hall_root_key_generate (void)
{
  HallRootKey *self = g_new0 (HallRootKey, 1);

  self->secret_key = secret_new ();
  crypto_sign_keypair (self->public_key, self->secret_key);
  return self;
}

static gboolean
set_malformed (GError     **error,
               const char  *message)
{
  g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED, message);
  return FALSE;
}

HallRootKey *
hall_root_key_new_from_data (const char  *text,
                             gsize        length,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(HallRootKey) self = NULL;
  g_autofree guint8 *seed = NULL;
  guint8 public_key[HALL_PUBLIC_KEY_BYTES];
  JsonObject *object;
  const char *kind;

  if (!json_parser_load_from_data (parser, text, (gssize) length, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      set_malformed (error, _("This is not a hall key file: it is not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member_with_default (object, "kind", NULL);
  if (g_strcmp0 (kind, ROOT_KEY_KIND) != 0
      || json_object_get_int_member_with_default (object, "version", 0) != 1)
    {
      set_malformed (error, _("This is not a hall key file (version 1): its “kind” is not "
                              "“service-hall hall key”"));
      return NULL;
    }
  seed = decode_base64_exact (
    json_object_get_string_member_with_default (object, "secret_key", NULL),
    crypto_sign_SEEDBYTES, NULL);
  if (seed == NULL
      || !hall_public_key_from_base64 (
        json_object_get_string_member_with_default (object, "public_key", NULL), public_key,
        NULL))
    {
      set_malformed (error, _("The hall key file’s “secret_key” or “public_key” is not "
                              "32 bytes of base64"));
      return NULL;
    }
  self = g_new0 (HallRootKey, 1);
  self->secret_key = secret_new ();
  keypair_from_seed (self->secret_key, self->public_key, seed);
  sodium_memzero (seed, crypto_sign_SEEDBYTES);
  if (sodium_memcmp (self->public_key, public_key, HALL_PUBLIC_KEY_BYTES) != 0)
    {
      set_malformed (error, _("The hall key file’s “public_key” is not the public half of "
                              "its “secret_key”: the file was altered"));
      return NULL;
    }
  return g_steal_pointer (&self);
}

char *
hall_root_key_to_data (HallRootKey *self)
{
  g_autofree char *public_key = NULL;
  char *seed_b64;
  char *text;

  g_return_val_if_fail (self != NULL, NULL);

  public_key = hall_public_key_to_base64 (self->public_key);
  /* The seed is the first half of libsodium's secret key. */
  seed_b64 = g_base64_encode (self->secret_key, crypto_sign_SEEDBYTES);
  text = g_strdup_printf ("{\n  \"kind\": \"" ROOT_KEY_KIND "\",\n  \"version\": 1,\n"
                          "  \"public_key\": \"%s\",\n  \"secret_key\": \"%s\"\n}\n",
                          public_key, seed_b64);
  sodium_memzero (seed_b64, strlen (seed_b64));
  g_free (seed_b64);
  return text;
}

const guint8 *
hall_root_key_get_public_key (HallRootKey *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->public_key;
}

HallCertificate *
hall_root_key_certify (HallRootKey  *self,
                       const char   *official,
                       const guint8  public_key[HALL_PUBLIC_KEY_BYTES],
                       gint64        valid_from,
                       gint64        valid_until)
{
  g_autoptr(HallCertificate) certificate = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) signature = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (official != NULL && *official != '\0', NULL);
  g_return_val_if_fail (strlen (official) <= MAX_OFFICIAL_LEN, NULL);
  g_return_val_if_fail (valid_from < valid_until, NULL);

  certificate = g_new0 (HallCertificate, 1);
  certificate->official = g_strdup (official);
  memcpy (certificate->public_key, public_key, HALL_PUBLIC_KEY_BYTES);
  certificate->valid_from = valid_from;
  certificate->valid_until = valid_until;
  message = hall_certificate_canonical_bytes (certificate);
  signature = sign_with (self->secret_key, message);
  memcpy (certificate->signature, g_bytes_get_data (signature, NULL), HALL_SIGNATURE_BYTES);
  return g_steal_pointer (&certificate);
}

void
hall_root_key_free (HallRootKey *self)
{
  if (self == NULL)
    return;
  sodium_free (self->secret_key);
  g_free (self);
}

/* Officials' keys */

HallSigningKey *
hall_signing_key_generate (void)
{
  HallSigningKey *self = g_new0 (HallSigningKey, 1);

  self->secret_key = secret_new ();
  crypto_sign_keypair (self->public_key, self->secret_key);
  return self;
}

const guint8 *
hall_signing_key_get_public_key (HallSigningKey *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->public_key;
}

GBytes *
hall_signing_key_sign (HallSigningKey *self,
                       GBytes         *message)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);
  return sign_with (self->secret_key, message);
}

/* What the sealed seed is bound to: its official and its public key. */
static GBytes *
sealed_associated_data (const char   *official,
                        const guint8  public_key[HALL_PUBLIC_KEY_BYTES])
{
  GByteArray *out = g_byte_array_new ();

  put_string (out, "service-hall sealed key v1");
  put_string (out, official);
  put_field (out, public_key, HALL_PUBLIC_KEY_BYTES);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
derive_key (guint8        key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES],
            const char   *password,
            const guint8 *salt,
            guint64       opslimit,
            gsize         memlimit,
            GError      **error)
{
  if (crypto_pwhash (key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, password,
                     strlen (password), salt, opslimit, memlimit,
                     crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_NO_MEMORY,
                           _("Not enough memory to open the signing key"));
      return FALSE;
    }
  return TRUE;
}

char *
hall_signing_key_seal (HallSigningKey  *self,
                       const char      *official,
                       const char      *password,
                       GError         **error)
{
  guint8 salt[crypto_pwhash_SALTBYTES];
  guint8 nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  guint8 sealed[crypto_sign_SEEDBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES];
  guint8 *key;
  g_autoptr(GBytes) ad = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *salt_b64 = NULL;
  g_autofree char *nonce_b64 = NULL;
  g_autofree char *sealed_b64 = NULL;
  unsigned long long sealed_len = 0;
  gsize ad_len;
  const guint8 *ad_data;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (official != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  ensure_sodium ();
  randombytes_buf (salt, sizeof salt);
  randombytes_buf (nonce, sizeof nonce);
  key = sodium_malloc (crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (key == NULL
      || !derive_key (key, password, salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                      crypto_pwhash_MEMLIMIT_INTERACTIVE, error))
    {
      if (key == NULL)
        g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_NO_MEMORY,
                             _("Not enough memory to open the signing key"));
      sodium_free (key);
      return NULL;
    }
  ad = sealed_associated_data (official, self->public_key);
  ad_data = g_bytes_get_data (ad, &ad_len);
  /* The seed is the first half of libsodium's secret key. */
  crypto_aead_xchacha20poly1305_ietf_encrypt (sealed, &sealed_len, self->secret_key,
                                              crypto_sign_SEEDBYTES, ad_data, ad_len, NULL,
                                              nonce, key);
  sodium_free (key);

  public_key = hall_public_key_to_base64 (self->public_key);
  salt_b64 = g_base64_encode (salt, sizeof salt);
  nonce_b64 = g_base64_encode (nonce, sizeof nonce);
  sealed_b64 = g_base64_encode (sealed, (gsize) sealed_len);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, SEALED_KEY_KIND);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "official");
  json_builder_add_string_value (builder, official);
  json_builder_set_member_name (builder, "public_key");
  json_builder_add_string_value (builder, public_key);
  json_builder_set_member_name (builder, "kdf");
  json_builder_add_string_value (builder, "argon2id13");
  json_builder_set_member_name (builder, "opslimit");
  json_builder_add_int_value (builder, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  json_builder_set_member_name (builder, "memlimit");
  json_builder_add_int_value (builder, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  json_builder_set_member_name (builder, "salt");
  json_builder_add_string_value (builder, salt_b64);
  json_builder_set_member_name (builder, "cipher");
  json_builder_add_string_value (builder, "xchacha20poly1305-ietf");
  json_builder_set_member_name (builder, "nonce");
  json_builder_add_string_value (builder, nonce_b64);
  json_builder_set_member_name (builder, "sealed");
  json_builder_add_string_value (builder, sealed_b64);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* The parts of a sealed key, checked. */
typedef struct
{
  char   *official;
  guint8  public_key[HALL_PUBLIC_KEY_BYTES];
  gint64  opslimit;
  gint64  memlimit;
  guint8 *salt;
  guint8 *nonce;
  guint8 *sealed;
  gsize   sealed_len;
} SealedParts;

static void
sealed_parts_clear (SealedParts *parts)
{
  g_free (parts->official);
  g_free (parts->salt);
  g_free (parts->nonce);
  g_free (parts->sealed);
}

static gboolean
read_sealed (const char   *text,
             SealedParts  *parts,
             GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  memset (parts, 0, sizeof *parts);
  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return set_malformed (error, _("The sealed signing key is not a JSON object"));
  object = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "kind", NULL),
                 SEALED_KEY_KIND) != 0
      || json_object_get_int_member_with_default (object, "version", 0) != 1
      || g_strcmp0 (json_object_get_string_member_with_default (object, "kdf", NULL),
                    "argon2id13") != 0
      || g_strcmp0 (json_object_get_string_member_with_default (object, "cipher", NULL),
                    "xchacha20poly1305-ietf") != 0)
    return set_malformed (error, _("The sealed signing key is not of a kind this program "
                                   "opens (version 1, Argon2id, XChaCha20-Poly1305)"));
  parts->official
    = g_strdup (json_object_get_string_member_with_default (object, "official", NULL));
  parts->opslimit = json_object_get_int_member_with_default (object, "opslimit", 0);
  parts->memlimit = json_object_get_int_member_with_default (object, "memlimit", 0);
  parts->salt = decode_base64_exact (
    json_object_get_string_member_with_default (object, "salt", NULL),
    crypto_pwhash_SALTBYTES, NULL);
  parts->nonce = decode_base64_exact (
    json_object_get_string_member_with_default (object, "nonce", NULL),
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL);
  parts->sealed = decode_base64_exact (
    json_object_get_string_member_with_default (object, "sealed", NULL),
    crypto_sign_SEEDBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES, &parts->sealed_len);
  if (parts->official == NULL || parts->salt == NULL || parts->nonce == NULL
      || parts->sealed == NULL
      || !hall_public_key_from_base64 (
        json_object_get_string_member_with_default (object, "public_key", NULL),
        parts->public_key, NULL))
    {
      sealed_parts_clear (parts);
      return set_malformed (error, _("The sealed signing key is missing its official, public "
                                     "key, salt, nonce or sealed bytes, or one is not "
                                     "base64 of the right length"));
    }
  if (parts->opslimit < (gint64) crypto_pwhash_OPSLIMIT_MIN || parts->opslimit > MAX_OPSLIMIT
      || parts->memlimit < (gint64) crypto_pwhash_MEMLIMIT_MIN
      || parts->memlimit > (gint64) MAX_MEMLIMIT)
    {
      sealed_parts_clear (parts);
      return set_malformed (error, _("The sealed signing key asks for Argon2id limits "
                                     "outside those this program accepts"));
    }
  return TRUE;
}

HallSigningKey *
hall_signing_key_unseal (const char  *sealed,
                         const char  *official,
                         const char  *password,
                         GError     **error)
{
  SealedParts parts;
  g_autoptr(HallSigningKey) self = NULL;
  g_autoptr(GBytes) ad = NULL;
  guint8 *key;
  guint8 *seed;
  unsigned long long seed_len = 0;
  gsize ad_len;
  const guint8 *ad_data;
  int opened;

  g_return_val_if_fail (official != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  ensure_sodium ();
  if (!read_sealed (sealed, &parts, error))
    return NULL;
  if (g_strcmp0 (parts.official, official) != 0)
    {
      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_OFFICIAL,
                   _("The signing key is sealed for another official, not for %s"), official);
      sealed_parts_clear (&parts);
      return NULL;
    }
  key = sodium_malloc (crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  seed = sodium_malloc (crypto_sign_SEEDBYTES);
  if (key == NULL || seed == NULL
      || !derive_key (key, password, parts.salt, (guint64) parts.opslimit,
                      (gsize) parts.memlimit, error))
    {
      if (key == NULL || seed == NULL)
        g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_NO_MEMORY,
                             _("Not enough memory to open the signing key"));
      sodium_free (key);
      sodium_free (seed);
      sealed_parts_clear (&parts);
      return NULL;
    }
  ad = sealed_associated_data (official, parts.public_key);
  ad_data = g_bytes_get_data (ad, &ad_len);
  opened = crypto_aead_xchacha20poly1305_ietf_decrypt (seed, &seed_len, NULL, parts.sealed,
                                                       parts.sealed_len, ad_data, ad_len,
                                                       parts.nonce, key);
  sodium_free (key);
  if (opened != 0 || seed_len != crypto_sign_SEEDBYTES)
    {
      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_PASSWORD,
                   _("The signing key of %s does not open with this password"), official);
      sodium_free (seed);
      sealed_parts_clear (&parts);
      return NULL;
    }
  self = g_new0 (HallSigningKey, 1);
  self->secret_key = secret_new ();
  keypair_from_seed (self->secret_key, self->public_key, seed);
  sodium_free (seed);
  if (sodium_memcmp (self->public_key, parts.public_key, HALL_PUBLIC_KEY_BYTES) != 0)
    {
      set_malformed (error, _("The sealed signing key’s public key is not the one its "
                              "private key makes"));
      sealed_parts_clear (&parts);
      return NULL;
    }
  sealed_parts_clear (&parts);
  return g_steal_pointer (&self);
}

gboolean
hall_sealed_key_get_public_key (const char  *sealed,
                                guint8       public_key[HALL_PUBLIC_KEY_BYTES],
                                GError     **error)
{
  SealedParts parts;

  if (!read_sealed (sealed, &parts, error))
    return FALSE;
  memcpy (public_key, parts.public_key, HALL_PUBLIC_KEY_BYTES);
  sealed_parts_clear (&parts);
  return TRUE;
}

void
hall_signing_key_free (HallSigningKey *self)
{
  if (self == NULL)
    return;
  sodium_free (self->secret_key);
  g_free (self);
}

/* Decisions */

static void
reason_free (gpointer data)
{
  HallDecisionReason *reason = data;

  g_free (reason->code);
  g_free (reason->text);
  g_free (reason);
}

HallDecisionContent *
hall_decision_content_new (void)
{
  HallDecisionContent *self = g_new0 (HallDecisionContent, 1);

  self->documents = g_ptr_array_new_with_free_func (g_free);
  self->reasons = g_ptr_array_new_with_free_func (reason_free);
  return self;
}

void
hall_decision_content_add_document (HallDecisionContent *self,
                                    const char          *sha256_hex)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (sha256_hex != NULL);
  g_ptr_array_add (self->documents, g_strdup (sha256_hex));
}

void
hall_decision_content_add_reason (HallDecisionContent *self,
                                  const char          *code,
                                  const char          *text)
{
  HallDecisionReason *reason;

  g_return_if_fail (self != NULL);
  g_return_if_fail (code != NULL);

  reason = g_new0 (HallDecisionReason, 1);
  reason->code = g_strdup (code);
  reason->text = g_strdup (text != NULL ? text : "");
  g_ptr_array_add (self->reasons, reason);
}

void
hall_decision_content_free (HallDecisionContent *self)
{
  if (self == NULL)
    return;
  g_free (self->case_uuid);
  g_free (self->content_hash);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_free (self->step);
  g_free (self->decision);
  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  g_free (self->official);
  g_free (self);
}

gboolean
hall_decision_is_valid_kind (const char *decision)
{
  return g_strcmp0 (decision, "approve") == 0 || g_strcmp0 (decision, "return") == 0
         || g_strcmp0 (decision, "reject") == 0;
}

static gboolean
set_field_error (const char **field_out,
                 const char  *field,
                 GError     **error,
                 const char  *message)
{
  if (field_out != NULL)
    *field_out = field;
  g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
read_reasons (JsonObject           *object,
              HallDecisionContent  *self,
              const char          **field_out,
              GError              **error)
{
  JsonNode *node = json_object_get_member (object, "reasons");
  JsonArray *array;
  guint i;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_field_error (field_out, "reasons", error,
                            _("The field “reasons” must be an array of {\"code\", \"text\"} "
                              "objects"));
  array = json_node_get_array (node);
  if (json_array_get_length (array) > 50)
    return set_field_error (field_out, "reasons", error,
                            _("The field “reasons” may hold at most 50 reasons"));
  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *code = NULL;
      const char *text = "";
      g_autoptr(GError) local_error = NULL;
      const char *member = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          if (field_out != NULL)
            *field_out = "reasons";
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("Reason %u of the field “reasons” is not an object"), i + 1);
          return FALSE;
        }
      if (!hall_json_read_string (json_node_get_object (item), "code", TRUE,
                                  HALL_JSON_MAX_CHARS, &code, &member, &local_error)
          || !hall_json_read_string (json_node_get_object (item), "text", FALSE,
                                     HALL_JSON_MAX_NOTE_CHARS, &text, &member, &local_error))
        {
          if (field_out != NULL)
            *field_out = "reasons";
          /* Translators: "Reason 2 of the field “reasons”: The field “code” …" */
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("Reason %u of the field “reasons”: %s"), i + 1, local_error->message);
          return FALSE;
        }
      if (*code == '\0')
        {
          if (field_out != NULL)
            *field_out = "reasons";
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                       _("Reason %u of the field “reasons” has an empty “code”"), i + 1);
          return FALSE;
        }
      hall_decision_content_add_reason (self, code, text);
    }
  return TRUE;
}

static gboolean
read_documents (JsonObject           *object,
                HallDecisionContent  *self,
                const char          **field_out,
                GError              **error)
{
  JsonNode *node = json_object_get_member (object, "documents");
  JsonArray *array;
  guint i;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_field_error (field_out, "documents", error,
                            _("The field “documents” must be an array of SHA-256 hashes"));
  array = json_node_get_array (node);
  if (json_array_get_length (array) > 500)
    return set_field_error (field_out, "documents", error,
                            _("The field “documents” may hold at most 500 hashes"));
  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING
          || !is_sha256_hex (json_node_get_string (item)))
        {
          if (field_out != NULL)
            *field_out = "documents";
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("Item %u of the field “documents” is not a SHA-256 hash (64 "
                         "lower-case hexadecimal digits)"),
                       i + 1);
          return FALSE;
        }
      hall_decision_content_add_document (self, json_node_get_string (item));
    }
  return TRUE;
}

HallDecisionContent *
hall_decision_content_new_from_json (const char  *case_uuid,
                                     JsonObject  *object,
                                     const char **field_out,
                                     GError     **error)
{
  g_autoptr(HallDecisionContent) self = hall_decision_content_new ();
  const char *step = NULL;
  const char *decision = NULL;
  const char *content_hash = NULL;
  const char *official = NULL;

  g_return_val_if_fail (case_uuid != NULL, NULL);
  g_return_val_if_fail (object != NULL, NULL);

  if (!hall_json_read_string (object, "step", TRUE, HALL_JSON_MAX_CHARS, &step, field_out,
                              error)
      || !hall_json_read_string (object, "decision", TRUE, HALL_JSON_MAX_CHARS, &decision,
                                 field_out, error)
      || !hall_json_read_string (object, "content_hash", TRUE, 64, &content_hash, field_out,
                                 error)
      || !hall_json_read_timestamp (object, "at", TRUE, &self->at, field_out, error)
      || !hall_json_read_string (object, "official", FALSE, MAX_OFFICIAL_LEN, &official,
                                 field_out, error))
    return NULL;
  if (*step == '\0')
    {
      set_field_error (field_out, "step", error, _("The field “step” must not be empty"));
      return NULL;
    }
  if (!hall_decision_is_valid_kind (decision))
    {
      set_field_error (field_out, "decision", error,
                       _("The field “decision” must be “approve”, “return” or “reject”"));
      return NULL;
    }
  if (!is_sha256_hex (content_hash))
    {
      set_field_error (field_out, "content_hash", error,
                       _("The field “content_hash” must be a SHA-256 hash (64 lower-case "
                         "hexadecimal digits)"));
      return NULL;
    }
  if (!read_reasons (object, self, field_out, error)
      || !read_documents (object, self, field_out, error))
    return NULL;
  self->case_uuid = g_strdup (case_uuid);
  self->step = g_strdup (step);
  self->decision = g_strdup (decision);
  self->content_hash = g_strdup (content_hash);
  self->official = g_strdup (official);
  return g_steal_pointer (&self);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GBytes *
hall_decision_canonical_bytes (const HallDecisionContent *content)
{
  GByteArray *out;
  g_autoptr(GPtrArray) documents = NULL;
  guint i;

  g_return_val_if_fail (content != NULL, NULL);

  out = g_byte_array_new ();
  put_string (out, "service-hall decision v1");
  put_string (out, content->case_uuid);
  put_string (out, content->content_hash);

  documents = g_ptr_array_new ();
  for (i = 0; content->documents != NULL && i < content->documents->len; i++)
    g_ptr_array_add (documents, g_ptr_array_index (content->documents, i));
  g_ptr_array_sort (documents, compare_strings);
  put_u32 (out, documents->len);
  for (i = 0; i < documents->len; i++)
    put_string (out, g_ptr_array_index (documents, i));

  put_string (out, content->step);
  put_string (out, content->decision);

  put_u32 (out, content->reasons != NULL ? content->reasons->len : 0);
  for (i = 0; content->reasons != NULL && i < content->reasons->len; i++)
    {
      HallDecisionReason *reason = g_ptr_array_index (content->reasons, i);

      put_string (out, reason->code);
      put_string (out, reason->text);
    }

  put_time (out, content->at);
  return g_byte_array_free_to_bytes (out);
}

char *
hall_decision_sign (const HallDecisionContent *content,
                    HallSigningKey            *key)
{
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) signature = NULL;
  gsize length;
  const guint8 *data;

  g_return_val_if_fail (content != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  message = hall_decision_canonical_bytes (content);
  signature = hall_signing_key_sign (key, message);
  data = g_bytes_get_data (signature, &length);
  return g_base64_encode (data, length);
}

gboolean
hall_decision_verify (const HallDecisionContent  *content,
                      const char                 *signature_b64,
                      const HallCertificate      *certificate,
                      const guint8                hall_public_key[32],
                      GError                    **error)
{
  g_autofree guint8 *signature = NULL;
  g_autoptr(GBytes) message = NULL;

  g_return_val_if_fail (content != NULL, FALSE);
  g_return_val_if_fail (certificate != NULL, FALSE);
  g_return_val_if_fail (hall_public_key != NULL, FALSE);

  signature = decode_base64_exact (signature_b64, HALL_SIGNATURE_BYTES, NULL);
  if (signature == NULL)
    {
      g_set_error_literal (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED,
                           _("The decision’s signature is not 64 bytes written in base64"));
      return FALSE;
    }
  if (!hall_certificate_check (certificate, hall_public_key, content->at, error))
    return FALSE;
  if (content->official != NULL && g_strcmp0 (content->official, certificate->official) != 0)
    {
      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_OFFICIAL,
                   _("The decision names %s as its official, but it is signed with the "
                     "key of %s"),
                   content->official, certificate->official);
      return FALSE;
    }
  message = hall_decision_canonical_bytes (content);
  if (!hall_signature_check_bytes (certificate->public_key, message, signature,
                                   HALL_SIGNATURE_BYTES))
    {
      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_BAD_SIGNATURE,
                   _("The signature of %s does not match this decision: the decision or "
                     "the case was changed after it was signed, or the signature was "
                     "altered"),
                   certificate->official);
      return FALSE;
    }
  return TRUE;
}

/* The case's content */

static int
compare_checklist_items (gconstpointer a,
                         gconstpointer b)
{
  JsonObject *first = *(JsonObject *const *) a;
  JsonObject *second = *(JsonObject *const *) b;

  return g_strcmp0 (json_object_get_string_member_with_default (first, "id", ""),
                    json_object_get_string_member_with_default (second, "id", ""));
}

char *
hall_case_content_hash (HallCase *kase)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  JsonArray *checklist;
  guint8 digest[crypto_hash_sha256_BYTES];
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  guint i;

  g_return_val_if_fail (HALL_IS_CASE (kase), NULL);

  ensure_sodium ();
  put_string (out, "service-hall case v1");
  put_string (out, hall_case_get_uuid (kase));
  put_string (out, hall_case_get_number (kase));
  put_string (out, hall_case_get_service_id (kase));
  put_string (out, hall_case_get_applicant_uuid (kase));

  checklist = hall_case_get_checklist (kase);
  for (i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonNode *item = json_array_get_element (checklist, i);

      if (JSON_NODE_HOLDS_OBJECT (item))
        g_ptr_array_add (items, json_node_get_object (item));
    }
  g_ptr_array_sort (items, compare_checklist_items);
  put_u32 (out, items->len);
  for (i = 0; i < items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (items, i);

      put_string (out, json_object_get_string_member_with_default (item, "id", ""));
      put_string (out, json_object_get_boolean_member_with_default (item, "provided", FALSE)
                         ? "provided"
                         : "missing");
    }

  crypto_hash_sha256 (digest, out->data, out->len);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  return g_strdup (hex);
}
