/* test-license-payload.c — the signed record in a license's QR code, and
 * one test per forgery
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <string.h>

#include "hall-error.h"
#include "hall-license-payload.h"

#define T_2026   G_GINT64_CONSTANT (1767225600) /* 2026-01-01T00:00:00Z */
#define T_2030   G_GINT64_CONSTANT (1893456000) /* 2030-01-01T00:00:00Z */
#define T_ISSUED G_GINT64_CONSTANT (1780000000) /* 2026-05-28T20:26:40Z */
#define T_NOW    G_GINT64_CONSTANT (1790000000) /* 2026-09-21 */

typedef struct
{
  HallRootKey     *hall;
  HallSigningKey  *key;
  HallCertificate *certificate;
  char            *text;
} Fixture;

static HallLicensePayload *
make_payload (const char *number)
{
  HallLicensePayload *payload = hall_license_payload_new ();

  payload->number = g_strdup (number);
  payload->license_type = g_strdup ("company_business_license");
  payload->holder = g_strdup ("银川塞上云数据科技有限公司");
  payload->holder_id = g_strdup ("91640100MA76XYZ12K");
  payload->scope = g_strdup ("软件开发；信息技术咨询服务；数据处理和存储支持服务");
  payload->hall = g_strdup ("YC");
  payload->issued_at = T_ISSUED;
  payload->valid_until = T_2030;
  payload->case_uuid = g_strdup ("5d1c2c3e-8d7b-4c59-9a8e-0d5f1f2b3c4d");
  return payload;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HallLicensePayload) payload = make_payload ("YC-2026-C03-L000001");
  g_autoptr(GError) error = NULL;

  f->hall = hall_root_key_generate ();
  f->key = hall_signing_key_generate ();
  f->certificate = hall_root_key_certify (f->hall, "li.na",
                                          hall_signing_key_get_public_key (f->key), T_2026,
                                          T_2030);
  f->text = hall_license_payload_sign (payload, f->key, f->certificate, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  hall_root_key_free (f->hall);
  hall_signing_key_free (f->key);
  hall_certificate_free (f->certificate);
  g_free (f->text);
}

static void
assert_verdict (Fixture            *f,
                const char         *text,
                HallRevocationList *revocations,
                gint64              now,
                int                 code,
                const char         *in_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallLicensePayload) payload = NULL;

  g_assert_false (hall_license_payload_verify (text, hall_root_key_get_public_key (f->hall),
                                               revocations, now, &payload, &error));
  g_assert_error (error, HALL_SIGNATURE_ERROR, code);
  if (strstr (error->message, in_message) == NULL)
    g_error ("message “%s” should mention “%s”", error->message, in_message);
}

static void
test_base45 (void)
{
  struct
  {
    const char *bytes;
    const char *text;
  } vectors[] = {
    /* RFC 9285, section 4.3 and 4.4 */
    { "AB", "BB8" }, { "Hello!!", "%69 VD92EX0" }, { "base-45", "UJCLQE7W581" },
    { "ietf!", "QED8WEX0" }, { "", "" },
  };
  const char *bad[] = { "GGW", "A", "abc", "ZZZZ" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *encoded = hall_base45_encode ((const guint8 *) vectors[i].bytes,
                                                     strlen (vectors[i].bytes));
      g_autofree guint8 *decoded = NULL;
      g_autoptr(GError) error = NULL;
      gsize length = 0;

      g_assert_cmpstr (encoded, ==, vectors[i].text);
      decoded = hall_base45_decode (vectors[i].text, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (decoded, length, vectors[i].bytes, strlen (vectors[i].bytes));
    }
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gsize length = 0;
      g_autofree guint8 *decoded = hall_base45_decode (bad[i], &length, &error);

      g_assert_null (decoded);
      g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
    }
}

static void
test_valid (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallLicensePayload) payload = NULL;
  g_autoptr(HallRevocationList) unrelated = hall_revocation_list_new (T_NOW);
  HallRevocation *other = g_new0 (HallRevocation, 1);
  g_autofree char *spaced = g_strdup_printf ("  %s\n", f->text);
  const char *p;

  /* The whole text is in the QR code's alphanumeric set, and small. */
  g_assert_true (g_str_has_prefix (f->text, "SH1:"));
  for (p = f->text; *p != '\0'; p++)
    g_assert_nonnull (strchr ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *p));
  g_test_message ("payload: %zu characters", strlen (f->text));
  g_assert_cmpuint (strlen (f->text), <, 700);

  other->uuid = g_strdup ("0b7c4f6e-3a51-4d2b-8f0e-6a9d2c1b5e47");
  other->kind = g_strdup ("license");
  other->license_number = g_strdup ("YC-2026-C03-L000002");
  other->from = T_ISSUED;
  hall_revocation_list_add (unrelated, other);

  g_assert_true (hall_license_payload_verify (spaced, hall_root_key_get_public_key (f->hall),
                                              unrelated, T_NOW, &payload, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (payload->number, ==, "YC-2026-C03-L000001");
  g_assert_cmpstr (payload->holder, ==, "银川塞上云数据科技有限公司");
  g_assert_cmpstr (payload->holder_id, ==, "91640100MA76XYZ12K");
  g_assert_cmpstr (payload->scope, ==, "软件开发；信息技术咨询服务；数据处理和存储支持服务");
  g_assert_cmpstr (payload->license_type, ==, "company_business_license");
  g_assert_cmpstr (payload->hall, ==, "YC");
  g_assert_cmpint (payload->issued_at, ==, T_ISSUED);
  g_assert_cmpint (payload->valid_until, ==, T_2030);
  g_assert_cmpstr (payload->case_uuid, ==, "5d1c2c3e-8d7b-4c59-9a8e-0d5f1f2b3c4d");
  g_assert_cmpstr (payload->certificate->official, ==, "li.na");
}

/* Re-encodes the record of @text with one byte changed at @offset from
 * the start of the field holding @needle. */
static char *
alter_record (const char *text,
              const char *needle,
              guint8      xor)
{
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree guint8 *record = hall_base45_decode (text + 4, &length, &error);
  g_autofree char *encoded = NULL;
  guint8 *at;

  g_assert_no_error (error);
  at = memmem (record, length, needle, strlen (needle));
  g_assert_nonnull (at);
  at[strlen (needle) - 1] ^= xor;
  encoded = hall_base45_encode (record, length);
  return g_strconcat ("SH1:", encoded, NULL);
}

static void
test_changed_field (Fixture       *f,
                    gconstpointer  data)
{
  /* The number's last digit, the holder's document number, the scope. */
  g_autofree char *number = alter_record (f->text, "L000001", '1' ^ '7');
  g_autofree char *holder_id = alter_record (f->text, "MA76XYZ12K", 'K' ^ 'X');
  g_autofree char *hall = alter_record (f->text, "\002YC", 'C' ^ 'D');

  assert_verdict (f, number, NULL, T_NOW, HALL_SIGNATURE_ERROR_BAD_SIGNATURE,
                  "a field was altered");
  assert_verdict (f, holder_id, NULL, T_NOW, HALL_SIGNATURE_ERROR_BAD_SIGNATURE,
                  "a field was altered");
  assert_verdict (f, hall, NULL, T_NOW, HALL_SIGNATURE_ERROR_BAD_SIGNATURE, "li.na");
}

static void
test_changed_signature_byte (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree guint8 *record = hall_base45_decode (f->text + 4, &length, &error);
  g_autofree char *encoded = NULL;
  g_autofree char *altered = NULL;

  record[length - 10] ^= 0x40;
  encoded = hall_base45_encode (record, length);
  altered = g_strconcat ("SH1:", encoded, NULL);
  assert_verdict (f, altered, NULL, T_NOW, HALL_SIGNATURE_ERROR_BAD_SIGNATURE,
                  "or the signature was");
}

static void
test_not_certified (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HallRootKey) other_hall = hall_root_key_generate ();
  g_autoptr(HallCertificate) other = NULL;
  g_autoptr(HallLicensePayload) payload = make_payload ("YC-2026-C03-L000001");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* A key certified by a hall of the forger's own making. */
  other = hall_root_key_certify (other_hall, "li.na", hall_signing_key_get_public_key (f->key),
                                 T_2026, T_2030);
  text = hall_license_payload_sign (payload, f->key, other, &error);
  g_assert_no_error (error);
  assert_verdict (f, text, NULL, T_NOW, HALL_SIGNATURE_ERROR_NOT_CERTIFIED,
                  "not certified by this hall");
}

static void
test_revoked_official (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HallRevocationList) list = hall_revocation_list_new (T_NOW);
  g_autoptr(HallRevocationList) later = hall_revocation_list_new (T_NOW);
  g_autoptr(GError) error = NULL;
  HallRevocation *key = g_new0 (HallRevocation, 1);
  HallRevocation *key_later = g_new0 (HallRevocation, 1);

  key->uuid = g_strdup ("0b7c4f6e-3a51-4d2b-8f0e-6a9d2c1b5e47");
  key->kind = g_strdup ("key");
  key->official = g_strdup ("li.na");
  memcpy (key->public_key, hall_signing_key_get_public_key (f->key), 32);
  key->from = T_ISSUED - 3600;
  key->reason = g_strdup ("laptop stolen");
  hall_revocation_list_add (list, key);
  assert_verdict (f, f->text, list, T_NOW, HALL_SIGNATURE_ERROR_REVOKED,
                  "The key of li.na was revoked from 2026-05-28 19:26 UTC: laptop stolen");

  /* Revoked from a date after the license was issued: it stays valid. */
  key_later->uuid = g_strdup ("1b7c4f6e-3a51-4d2b-8f0e-6a9d2c1b5e47");
  key_later->kind = g_strdup ("key");
  key_later->official = g_strdup ("li.na");
  memcpy (key_later->public_key, hall_signing_key_get_public_key (f->key), 32);
  key_later->from = T_ISSUED + 1;
  hall_revocation_list_add (later, key_later);
  g_assert_true (hall_license_payload_verify (f->text, hall_root_key_get_public_key (f->hall),
                                              later, T_NOW, NULL, &error));
  g_assert_no_error (error);
}

static void
test_revoked_license (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HallRevocationList) list = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(HallRevocationList) reread = NULL;

  /* Read from the JSON a counter syncs, as it would be. */
  g_assert_true (json_parser_load_from_data (
    parser,
    "{\"as_of\": \"2026-09-20T00:00:00Z\", \"revocations\": [{\"uuid\": "
    "\"0b7c4f6e-3a51-4d2b-8f0e-6a9d2c1b5e47\", \"kind\": \"license\", \"license_number\": "
    "\"YC-2026-C03-L000001\", \"from\": \"2026-09-01T08:00:00Z\", \"reason\": \"issued in "
    "error\"}]}",
    -1, NULL));
  list = hall_revocation_list_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_revocation_list_get_as_of (list), ==, 1789862400);
  assert_verdict (f, f->text, list, T_NOW, HALL_SIGNATURE_ERROR_REVOKED,
                  "License YC-2026-C03-L000001 was revoked on 2026-09-01 08:00 UTC: issued "
                  "in error");

  again = hall_revocation_list_to_json (list);
  reread = hall_revocation_list_new_from_json (again, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hall_revocation_list_get_length (reread), ==, 1);
  assert_verdict (f, f->text, reread, T_NOW, HALL_SIGNATURE_ERROR_REVOKED, "issued in error");
}

static void
test_bad_revocation_json (void)
{
  const char *bad[][2] = {
    { "{\"revocations\": [{\"uuid\": \"0b7c4f6e-3a51-4d2b-8f0e-6a9d2c1b5e47\", \"kind\": "
      "\"stamp\", \"from\": \"2026-09-01T08:00:00Z\"}]}", "“kind”" },
    { "{\"revocations\": [{\"uuid\": \"0b7c4f6e-3a51-4d2b-8f0e-6a9d2c1b5e47\", \"kind\": "
      "\"key\", \"official\": \"li.na\", \"public_key\": \"AAAA\", \"from\": "
      "\"2026-09-01T08:00:00Z\"}]}", "public_key" },
    { "{\"revocations\": {}}", "revocations" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(HallRevocationList) list = NULL;

      g_assert_true (json_parser_load_from_data (parser, bad[i][0], -1, NULL));
      list = hall_revocation_list_new_from_json (json_parser_get_root (parser), &error);
      g_assert_null (list);
      g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
      if (strstr (error->message, bad[i][1]) == NULL)
        g_error ("message “%s” should mention “%s”", error->message, bad[i][1]);
    }
}

static void
test_expired_license (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  assert_verdict (f, f->text, NULL, T_2030, HALL_SIGNATURE_ERROR_LICENSE_EXPIRED,
                  "License YC-2026-C03-L000001 expired on 2030-01-01");
  g_assert_true (hall_license_payload_verify (f->text, hall_root_key_get_public_key (f->hall),
                                              NULL, T_2030 - 1, NULL, &error));
  g_assert_no_error (error);
}

/* A license signed with a certificate that had expired when it was
 * issued. */
static void
test_expired_certificate (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HallCertificate) old = NULL;
  g_autoptr(HallLicensePayload) payload = make_payload ("YC-2026-C03-L000001");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  old = hall_root_key_certify (f->hall, "li.na", hall_signing_key_get_public_key (f->key),
                               T_2026 - 86400 * 365, T_2026);
  text = hall_license_payload_sign (payload, f->key, old, &error);
  g_assert_no_error (error);
  assert_verdict (f, text, NULL, T_NOW, HALL_SIGNATURE_ERROR_EXPIRED, "li.na is valid from");
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  gsize length = strlen (f->text);
  gsize cuts[] = { length - 1, length - 2, length - 3, length - 90, length / 2, 10, 4, 2 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *cut = g_strndup (f->text, cuts[i]);

      g_test_message ("cut at %zu", cuts[i]);
      assert_verdict (f, cut, NULL, T_NOW, HALL_SIGNATURE_ERROR_MALFORMED,
                      cuts[i] < 4 ? "SH1:" : "");
    }
  assert_verdict (f, "", NULL, T_NOW, HALL_SIGNATURE_ERROR_MALFORMED, "SH1:");
  assert_verdict (f, "https://example.com/", NULL, T_NOW, HALL_SIGNATURE_ERROR_MALFORMED,
                  "SH1:");
}

/* The payload of another license is a valid license, but not this one:
 * what the verifier prints is the other's number and holder, and a
 * verifier told the number (from the page) refuses it. The parsing here
 * gives the number to compare. */
static void
test_payload_of_another (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(HallLicensePayload) other = make_payload ("YC-2026-C03-L000002");
  g_autoptr(HallLicensePayload) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_free (other->holder);
  other->holder = g_strdup ("另一家公司");
  text = hall_license_payload_sign (other, f->key, f->certificate, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, !=, f->text);
  g_assert_true (hall_license_payload_verify (text, hall_root_key_get_public_key (f->hall),
                                              NULL, T_NOW, &read, &error));
  g_assert_cmpstr (read->number, ==, "YC-2026-C03-L000002");
  g_assert_cmpstr (read->holder, ==, "另一家公司");
}

static void
test_too_long (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HallLicensePayload) payload = make_payload ("YC-2026-C03-L000003");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GString *scope = g_string_new (NULL);
  guint i;

  for (i = 0; i < 100; i++)
    g_string_append (scope, "服务");
  g_free (payload->scope);
  payload->scope = g_string_free (scope, FALSE);
  text = hall_license_payload_sign (payload, f->key, f->certificate, &error);
  g_assert_null (text);
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH);
  g_assert_nonnull (strstr (error->message, "scope"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hall/license-payload/base45", test_base45);
  g_test_add_func ("/hall/license-payload/bad-revocations", test_bad_revocation_json);
#define ADD(path, func) \
  g_test_add ("/hall/license-payload/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("valid", test_valid);
  ADD ("forgery/changed-field", test_changed_field);
  ADD ("forgery/changed-signature-byte", test_changed_signature_byte);
  ADD ("forgery/not-certified", test_not_certified);
  ADD ("forgery/revoked-official", test_revoked_official);
  ADD ("forgery/revoked-license", test_revoked_license);
  ADD ("forgery/expired-license", test_expired_license);
  ADD ("forgery/expired-certificate", test_expired_certificate);
  ADD ("forgery/truncated", test_truncated);
  ADD ("forgery/payload-of-another", test_payload_of_another);
  ADD ("too-long", test_too_long);
#undef ADD

  return g_test_run ();
}
