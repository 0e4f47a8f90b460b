/* test-signature.c — the hall's keys, certificates and signed decisions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sodium.h>
#include <string.h>

#include "hall-error.h"
#include "hall-signature.h"

#define CASE_UUID "5d1c2c3e-8d7b-4c59-9a8e-0d5f1f2b3c4d"
#define DOC_A     "a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef"
#define DOC_B     "0000000000000000000000000000000000000000000000000000000000000001"
#define T_2026    G_GINT64_CONSTANT (1767225600) /* 2026-01-01T00:00:00Z */
#define T_2027    G_GINT64_CONSTANT (1798761600) /* 2027-01-01T00:00:00Z */
#define T_DECIDED G_GINT64_CONSTANT (1780000000) /* 2026-05-28T20:26:40Z */

/* SHA-256 of the canonical bytes of make_content() and make_case(),
 * computed by an independent encoder written from the header's words
 * (Python's struct and hashlib), not by this code. */
#define DECISION_VECTOR "7c25afa26b55ce43c13bf97a9b90ecd2f5aa8489ca12f7eba7cf7048c93b6d6f"
#define CASE_VECTOR     "a6a2ae9c1d25c75e850ec2d58f1056ce8d0cba3ed2cd67abc860a6ee7bc88107"

typedef struct
{
  HallRootKey         *hall;
  HallSigningKey      *key;
  HallCertificate     *certificate;
  HallDecisionContent *content;
  char                *signature;
} Fixture;

static HallDecisionContent *
make_content (void)
{
  HallDecisionContent *content = hall_decision_content_new ();

  content->case_uuid = g_strdup (CASE_UUID);
  content->content_hash = g_strdup (
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  hall_decision_content_add_document (content, DOC_A);
  hall_decision_content_add_document (content, DOC_B);
  content->step = g_strdup ("market-review");
  content->decision = g_strdup ("return");
  hall_decision_content_add_reason (content, "missing-lease", "");
  hall_decision_content_add_reason (content, "other", "租赁合同缺少签名页");
  content->at = T_DECIDED;
  content->official = g_strdup ("li.na");
  return content;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->hall = hall_root_key_generate ();
  f->key = hall_signing_key_generate ();
  f->certificate = hall_root_key_certify (f->hall, "li.na",
                                          hall_signing_key_get_public_key (f->key), T_2026,
                                          T_2027);
  f->content = make_content ();
  f->signature = hall_decision_sign (f->content, f->key);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  hall_root_key_free (f->hall);
  hall_signing_key_free (f->key);
  hall_certificate_free (f->certificate);
  hall_decision_content_free (f->content);
  g_free (f->signature);
}

/* Verifies and expects the error @code with @in_message in its text. */
static void
assert_refused (Fixture                   *f,
                const HallDecisionContent *content,
                const char                *signature,
                const HallCertificate     *certificate,
                int                        code,
                const char                *in_message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hall_decision_verify (content, signature, certificate,
                                        hall_root_key_get_public_key (f->hall), &error));
  g_assert_error (error, HALL_SIGNATURE_ERROR, code);
  if (strstr (error->message, in_message) == NULL)
    g_error ("message “%s” should mention “%s”", error->message, in_message);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCertificate) from_b64 = NULL;
  g_autoptr(HallCertificate) from_json = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *b64 = NULL;
  g_autofree guchar *raw = NULL;
  gsize raw_len = 0;

  raw = g_base64_decode (f->signature, &raw_len);
  g_assert_cmpuint (raw_len, ==, 64);
  g_assert_true (hall_decision_verify (f->content, f->signature, f->certificate,
                                       hall_root_key_get_public_key (f->hall), &error));
  g_assert_no_error (error);

  /* The certificate travels as base64 in the event and as JSON from the
   * server; either form read back verifies the same decision. */
  b64 = hall_certificate_to_base64 (f->certificate);
  from_b64 = hall_certificate_new_from_base64 (b64, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_b64->official, ==, "li.na");
  g_assert_cmpint (from_b64->valid_from, ==, T_2026);
  g_assert_cmpint (from_b64->valid_until, ==, T_2027);
  g_assert_true (hall_decision_verify (f->content, f->signature, from_b64,
                                       hall_root_key_get_public_key (f->hall), &error));
  g_assert_no_error (error);

  json = hall_certificate_to_json (f->certificate);
  from_json = hall_certificate_new_from_json (json, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (from_json->public_key, 32, f->certificate->public_key, 32);
  g_assert_cmpmem (from_json->signature, 64, f->certificate->signature, 64);
  g_assert_true (hall_decision_verify (f->content, f->signature, from_json,
                                       hall_root_key_get_public_key (f->hall), &error));
  g_assert_no_error (error);

  /* The order the documents were attached in is not part of what is signed. */
  g_ptr_array_remove_index (f->content->documents, 0);
  hall_decision_content_add_document (f->content, DOC_A);
  g_assert_true (hall_decision_verify (f->content, f->signature, f->certificate,
                                       hall_root_key_get_public_key (f->hall), &error));
  g_assert_no_error (error);
}

/* Each field of a decision, changed after signing, breaks the signature. */
static void
test_changed_field (Fixture       *f,
                    gconstpointer  data)
{
  const char *fields[] = {
    "case_uuid", "content_hash", "document-added", "document-removed", "step",
    "decision", "reason-code", "reason-text", "reason-added", "reason-order", "at",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(HallDecisionContent) changed = make_content ();
      HallCatalogReason *reason;

      g_test_message ("changed: %s", fields[i]);
      if (strcmp (fields[i], "case_uuid") == 0)
        changed->case_uuid[0] = '6';
      else if (strcmp (fields[i], "content_hash") == 0)
        changed->content_hash[63] = '9';
      else if (strcmp (fields[i], "document-added") == 0)
        hall_decision_content_add_document (
          changed, "1111111111111111111111111111111111111111111111111111111111111111");
      else if (strcmp (fields[i], "document-removed") == 0)
        g_ptr_array_remove_index (changed->documents, 1);
      else if (strcmp (fields[i], "step") == 0)
        g_free (changed->step), changed->step = g_strdup ("tax-review");
      else if (strcmp (fields[i], "decision") == 0)
        g_free (changed->decision), changed->decision = g_strdup ("approve");
      else if (strcmp (fields[i], "reason-code") == 0)
        {
          reason = g_ptr_array_index (changed->reasons, 0);
          g_free (reason->code);
          reason->code = g_strdup ("missing-id");
        }
      else if (strcmp (fields[i], "reason-text") == 0)
        {
          reason = g_ptr_array_index (changed->reasons, 1);
          g_free (reason->text);
          reason->text = g_strdup ("租赁合同已补齐");
        }
      else if (strcmp (fields[i], "reason-added") == 0)
        hall_decision_content_add_reason (changed, "other", "");
      else if (strcmp (fields[i], "reason-order") == 0)
        {
          gpointer first = g_ptr_array_steal_index (changed->reasons, 0);

          g_ptr_array_add (changed->reasons, first);
        }
      else if (strcmp (fields[i], "at") == 0)
        changed->at += 1;
      else
        g_assert_not_reached ();

      assert_refused (f, changed, f->signature, f->certificate,
                      HALL_SIGNATURE_ERROR_BAD_SIGNATURE, "does not match this decision");
    }
}

/* One length prefix keeps fields from running into each other: moving a
 * character from one field to the next is a different message. */
static void
test_field_boundaries (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HallDecisionContent) a = make_content ();
  g_autoptr(HallDecisionContent) b = make_content ();
  g_autoptr(GBytes) bytes_a = NULL;
  g_autoptr(GBytes) bytes_b = NULL;
  HallCatalogReason *ra = g_ptr_array_index (a->reasons, 0);
  HallCatalogReason *rb = g_ptr_array_index (b->reasons, 0);

  g_free (ra->code), ra->code = g_strdup ("ab");
  g_free (ra->text), ra->text = g_strdup ("c");
  g_free (rb->code), rb->code = g_strdup ("a");
  g_free (rb->text), rb->text = g_strdup ("bc");
  bytes_a = hall_decision_canonical_bytes (a);
  bytes_b = hall_decision_canonical_bytes (b);
  g_assert_false (g_bytes_equal (bytes_a, bytes_b));
}

static void
test_changed_signature_byte (Fixture       *f,
                             gconstpointer  data)
{
  guint positions[] = { 0, 31, 32, 63 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      gsize length = 0;
      g_autofree guchar *raw = g_base64_decode (f->signature, &length);
      g_autofree char *altered = NULL;

      raw[positions[i]] ^= 0x01;
      altered = g_base64_encode (raw, length);
      assert_refused (f, f->content, altered, f->certificate,
                      HALL_SIGNATURE_ERROR_BAD_SIGNATURE, "the signature was altered");
    }

  /* Cut short, not base64, another spelling of the same bytes. */
  {
    g_autofree char *cut = g_strndup (f->signature, 80);
    g_autofree char *spaced = g_strconcat (" ", f->signature, NULL);

    assert_refused (f, f->content, cut, f->certificate, HALL_SIGNATURE_ERROR_MALFORMED,
                    "64 bytes");
    assert_refused (f, f->content, "not a signature!", f->certificate,
                    HALL_SIGNATURE_ERROR_MALFORMED, "64 bytes");
    assert_refused (f, f->content, spaced, f->certificate, HALL_SIGNATURE_ERROR_MALFORMED,
                    "64 bytes");
    assert_refused (f, f->content, "", f->certificate, HALL_SIGNATURE_ERROR_MALFORMED,
                    "64 bytes");
  }
}

/* A certificate made with another hall's key, or one whose key was swapped
 * for the forger's own, is not this hall's. */
static void
test_other_hall (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HallRootKey) other_hall = hall_root_key_generate ();
  g_autoptr(HallSigningKey) forger = hall_signing_key_generate ();
  g_autoptr(HallCertificate) other = NULL;
  g_autoptr(HallCertificate) swapped = hall_certificate_copy (f->certificate);
  g_autoptr(HallCertificate) renamed = hall_certificate_copy (f->certificate);
  g_autoptr(HallCertificate) extended = hall_certificate_copy (f->certificate);
  g_autofree char *forged = NULL;
  g_autoptr(GError) error = NULL;

  other = hall_root_key_certify (other_hall, "li.na", hall_signing_key_get_public_key (f->key),
                                 T_2026, T_2027);
  assert_refused (f, f->content, f->signature, other, HALL_SIGNATURE_ERROR_NOT_CERTIFIED,
                  "not certified by this hall");
  /* It is good for the hall that made it. */
  g_assert_true (hall_decision_verify (f->content, f->signature, other,
                                       hall_root_key_get_public_key (other_hall), &error));
  g_assert_no_error (error);

  memcpy (swapped->public_key, hall_signing_key_get_public_key (forger), 32);
  forged = hall_decision_sign (f->content, forger);
  assert_refused (f, f->content, forged, swapped, HALL_SIGNATURE_ERROR_NOT_CERTIFIED,
                  "li.na");

  g_free (renamed->official);
  renamed->official = g_strdup ("zhao.lei");
  g_free (f->content->official);
  f->content->official = g_strdup ("zhao.lei");
  assert_refused (f, f->content, f->signature, renamed, HALL_SIGNATURE_ERROR_NOT_CERTIFIED,
                  "zhao.lei");

  extended->valid_until += 365 * 24 * 3600;
  assert_refused (f, f->content, f->signature, extended, HALL_SIGNATURE_ERROR_NOT_CERTIFIED,
                  "not certified");
}

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HallCertificate) expired = NULL;
  g_autoptr(HallCertificate) not_yet = NULL;
  g_autoptr(HallCertificate) edge = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;

  expired = hall_root_key_certify (f->hall, "li.na", hall_signing_key_get_public_key (f->key),
                                   T_2026 - 365 * 24 * 3600, T_2026);
  assert_refused (f, f->content, f->signature, expired, HALL_SIGNATURE_ERROR_EXPIRED,
                  "valid from 2025-01-01 00:00 UTC until 2026-01-01 00:00 UTC, not at "
                  "2026-05-28 20:26 UTC");

  not_yet = hall_root_key_certify (f->hall, "li.na", hall_signing_key_get_public_key (f->key),
                                   T_2027, T_2027 + 3600);
  assert_refused (f, f->content, f->signature, not_yet, HALL_SIGNATURE_ERROR_EXPIRED,
                  "from 2027-01-01");

  /* valid_from is in, valid_until is out. */
  edge = hall_root_key_certify (f->hall, "li.na", hall_signing_key_get_public_key (f->key),
                                T_DECIDED, T_DECIDED + 1);
  g_assert_true (hall_decision_verify (f->content, f->signature, edge,
                                       hall_root_key_get_public_key (f->hall), &error));
  g_assert_no_error (error);
  f->content->at = T_DECIDED + 1;
  signature = hall_decision_sign (f->content, f->key);
  assert_refused (f, f->content, signature, edge, HALL_SIGNATURE_ERROR_EXPIRED, "li.na");
}

static void
test_wrong_official (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_free (f->content->official);
  f->content->official = g_strdup ("zhao.lei");
  assert_refused (f, f->content, f->signature, f->certificate,
                  HALL_SIGNATURE_ERROR_WRONG_OFFICIAL,
                  "names zhao.lei as its official, but it is signed with the key of li.na");

  /* The official is not among the signed bytes: without one, the
   * certificate says who signed. */
  g_clear_pointer (&f->content->official, g_free);
  g_assert_true (hall_decision_verify (f->content, f->signature, f->certificate,
                                       hall_root_key_get_public_key (f->hall), &error));
  g_assert_no_error (error);
}

/* The official's key, sealed under the password, opens only with it. */
static void
test_sealed_key (void)
{
  g_autoptr(HallSigningKey) key = hall_signing_key_generate ();
  g_autoptr(HallSigningKey) opened = NULL;
  g_autoptr(HallSigningKey) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = g_bytes_new_static ("hello", 5);
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *sealed = NULL;
  g_autofree char *altered = NULL;
  g_autofree char *public_b64 = NULL;
  guint8 public_key[32];
  char *p;

  sealed = hall_signing_key_seal (key, "li.na", "correct horse", &error);
  g_assert_no_error (error);
  g_assert_nonnull (sealed);
  /* The seed is not in the sealed text in any form. */
  g_assert_true (json_parser_load_from_data (parser, sealed, -1, NULL));
  public_b64 = hall_public_key_to_base64 (hall_signing_key_get_public_key (key));
  g_assert_nonnull (strstr (sealed, public_b64));
  g_assert_nonnull (strstr (sealed, "\"kdf\":\"argon2id13\""));

  g_assert_true (hall_sealed_key_get_public_key (sealed, public_key, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (public_key, 32, hall_signing_key_get_public_key (key), 32);

  opened = hall_signing_key_unseal (sealed, "li.na", "correct horse", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (hall_signing_key_get_public_key (opened), 32,
                   hall_signing_key_get_public_key (key), 32);
  signature = hall_signing_key_sign (opened, message);
  g_assert_true (hall_signature_check_bytes (hall_signing_key_get_public_key (key), message,
                                             g_bytes_get_data (signature, NULL),
                                             g_bytes_get_size (signature)));

  refused = hall_signing_key_unseal (sealed, "li.na", "correct horsE", &error);
  g_assert_null (refused);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_PASSWORD);
  g_assert_nonnull (strstr (error->message, "li.na"));
  g_clear_error (&error);

  refused = hall_signing_key_unseal (sealed, "zhao.lei", "correct horse", &error);
  g_assert_null (refused);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_OFFICIAL);
  g_clear_error (&error);

  /* Another official's name written into the record: the associated data
   * no longer matches, so it does not open even with the password. */
  altered = g_strdup (sealed);
  p = strstr (altered, "\"official\":\"li.na\"");
  g_assert_nonnull (p);
  memcpy (p + strlen ("\"official\":\""), "li.nb", 5);
  refused = hall_signing_key_unseal (altered, "li.nb", "correct horse", &error);
  g_assert_null (refused);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  refused = hall_signing_key_unseal ("{\"kind\": \"something else\"}", "li.na", "x", &error);
  g_assert_null (refused);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
  g_clear_error (&error);

  refused = hall_signing_key_unseal ("not json", "li.na", "x", &error);
  g_assert_null (refused);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
  g_clear_error (&error);

  /* A store altered to ask for absurd Argon2id work is refused before any. */
  {
    g_autoptr(JsonParser) again = json_parser_new ();

    g_assert_true (json_parser_load_from_data (again, sealed, -1, NULL));
    json_object_set_int_member (json_node_get_object (json_parser_get_root (again)),
                                "opslimit", 99);
    g_free (altered);
    altered = json_to_string (json_parser_get_root (again), FALSE);
  }
  refused = hall_signing_key_unseal (altered, "li.na", "correct horse", &error);
  g_assert_null (refused);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "limits"));
}

static void
test_root_key_file (void)
{
  g_autoptr(HallRootKey) hall = hall_root_key_generate ();
  g_autoptr(HallRootKey) again = NULL;
  g_autoptr(HallRootKey) refused = NULL;
  g_autoptr(HallSigningKey) key = hall_signing_key_generate ();
  g_autoptr(HallCertificate) certificate = NULL;
  g_autoptr(HallRootKey) other = hall_root_key_generate ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hall_root_key_to_data (hall);
  g_autofree char *other_text = hall_root_key_to_data (other);
  g_autofree char *mixed = NULL;
  g_autofree char *fingerprint = hall_public_key_fingerprint (hall_root_key_get_public_key (hall));
  char *public_line;
  char *other_public_line;

  again = hall_root_key_new_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (hall_root_key_get_public_key (again), 32,
                   hall_root_key_get_public_key (hall), 32);
  /* What the key read back certifies verifies against the original's
   * public key. */
  certificate = hall_root_key_certify (again, "wang.fang",
                                       hall_signing_key_get_public_key (key), T_2026, T_2027);
  g_assert_true (hall_certificate_check (certificate, hall_root_key_get_public_key (hall),
                                         T_DECIDED, &error));
  g_assert_no_error (error);

  /* The public key of one file with the secret of another. */
  mixed = g_strdup (text);
  public_line = strstr (mixed, "\"public_key\": \"");
  other_public_line = strstr (other_text, "\"public_key\": \"");
  memcpy (public_line, other_public_line, strlen ("\"public_key\": \"") + 44);
  refused = hall_root_key_new_from_data (mixed, strlen (mixed), &error);
  g_assert_null (refused);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "altered"));
  g_clear_error (&error);

  refused = hall_root_key_new_from_data ("{\"kind\": \"service-hall sealed key\"}", 35,
                                         &error);
  g_assert_null (refused);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_cmpuint (strlen (fingerprint), ==, 19);
}

static void
test_certificate_bytes (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) bytes = hall_certificate_to_bytes (f->certificate);
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCertificate) read = NULL;
  g_autofree char *b64 = hall_certificate_to_base64 (f->certificate);
  g_autofree char *trailing = NULL;
  gsize length;
  const guint8 *raw = g_bytes_get_data (bytes, &length);
  gsize consumed = 0;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *object;
  const char *field = NULL;

  /* 1 + 1 + "li.na" + 32 + 16 + 64 */
  g_assert_cmpuint (length, ==, 119);
  read = hall_certificate_new_from_bytes (raw, length, &consumed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, length);
  g_clear_pointer (&read, hall_certificate_free);

  read = hall_certificate_new_from_bytes (raw, length - 1, NULL, &error);
  g_assert_null (read);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "cut short"));
  g_clear_error (&error);

  {
    g_autofree guint8 *v2 = g_memdup2 (raw, length);

    v2[0] = 2;
    read = hall_certificate_new_from_bytes (v2, length, NULL, &error);
    g_assert_null (read);
    g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "version 1"));
    g_clear_error (&error);
  }

  {
    g_autofree guint8 *longer = g_malloc (length + 3);

    memcpy (longer, raw, length);
    memcpy (longer + length, "xyz", 3);
    trailing = g_base64_encode (longer, length + 3);
  }
  read = hall_certificate_new_from_base64 (trailing, &error);
  g_assert_null (read);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "after its end"));
  g_clear_error (&error);

  /* JSON with a member at fault names it. */
  json = hall_certificate_to_json (f->certificate);
  object = json_node_get_object (json);
  json_object_set_string_member (object, "public_key", "AAAA");
  read = hall_certificate_new_from_json (json, &field, &error);
  g_assert_null (read);
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  g_assert_cmpstr (field, ==, "public_key");
  g_clear_error (&error);

  json_object_remove_member (object, "valid_until");
  read = hall_certificate_new_from_json (json, &field, &error);
  g_assert_null (read);
  g_assert_cmpstr (field, ==, "valid_until");
}

static HallCase *
make_case (void)
{
  HallCase *kase = hall_case_new ();
  g_autoptr(JsonArray) checklist = json_array_new ();
  const char *ids[] = { "id-card", "lease", "articles" };
  guint i;

  hall_case_set_uuid (kase, CASE_UUID);
  hall_case_set_number (kase, "YC-2026-C03-000123");
  hall_case_set_service_id (kase, "business-license");
  hall_case_set_applicant_uuid (kase, "0b7c4f6e-3a51-4d2b-8f0e-6a9d2c1b5e47");
  for (i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", ids[i]);
      json_object_set_boolean_member (item, "provided", i != 1);
      json_array_add_object_element (checklist, item);
    }
  hall_case_set_checklist (kase, checklist);
  return kase;
}

static void
set_provided (HallCase   *kase,
              const char *id,
              gboolean    provided,
              gboolean    reversed)
{
  JsonArray *old = hall_case_get_checklist (kase);
  g_autoptr(JsonArray) checklist = json_array_new ();
  guint n = json_array_get_length (old);
  guint i;

  for (i = 0; i < n; i++)
    {
      JsonObject *from = json_array_get_object_element (old, reversed ? n - 1 - i : i);
      JsonObject *item = json_object_new ();
      const char *item_id = json_object_get_string_member (from, "id");

      json_object_set_string_member (item, "id", item_id);
      json_object_set_boolean_member (item, "provided",
                                      strcmp (item_id, id) == 0
                                        ? provided
                                        : json_object_get_boolean_member (from, "provided"));
      json_array_add_object_element (checklist, item);
    }
  hall_case_set_checklist (kase, checklist);
}

static void
test_case_content_hash (void)
{
  g_autoptr(HallCase) kase = make_case ();
  g_autofree char *hash = hall_case_content_hash (kase);
  g_autofree char *again = NULL;
  guint i;

  g_assert_cmpuint (strlen (hash), ==, 64);

  /* What decisions change (state, version, times) is not the content. */
  hall_case_set_state (kase, HALL_CASE_IN_REVIEW);
  hall_case_set_version (kase, 7);
  hall_case_set_updated_at (kase, T_DECIDED);
  hall_case_set_recorded_by (kase, "li.na");
  /* Nor is the order the checklist is kept in. */
  set_provided (kase, "lease", FALSE, TRUE);
  again = hall_case_content_hash (kase);
  g_assert_cmpstr (again, ==, hash);

  for (i = 0; i < 5; i++)
    {
      g_autoptr(HallCase) changed = make_case ();
      g_autofree char *changed_hash = NULL;

      switch (i)
        {
        case 0: hall_case_set_number (changed, "YC-2026-C03-000124"); break;
        case 1: hall_case_set_service_id (changed, "food-license"); break;
        case 2: hall_case_set_applicant_uuid (changed, "1b7c4f6e-3a51-4d2b-8f0e-6a9d2c1b5e47"); break;
        case 3: set_provided (changed, "lease", TRUE, FALSE); break;
        case 4: hall_case_set_uuid (changed, "6d1c2c3e-8d7b-4c59-9a8e-0d5f1f2b3c4d"); break;
        default: g_assert_not_reached ();
        }
      changed_hash = hall_case_content_hash (changed);
      g_assert_cmpstr (changed_hash, !=, hash);
    }
}

/* Test vectors: the canonical bytes are documented so that another program
 * can check a decision; these pin them down. */
static void
test_canonical_vector (void)
{
  g_autoptr(HallDecisionContent) content = make_content ();
  g_autoptr(GBytes) bytes = hall_decision_canonical_bytes (content);
  g_autoptr(HallCase) kase = make_case ();
  g_autofree char *case_hash = hall_case_content_hash (kase);
  g_autofree char *digest = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  /* It begins with the length-prefixed name of what is signed. */
  g_assert_cmpuint (length, >, 28);
  g_assert_cmpmem (data, 28, "\0\0\0\x18service-hall decision v1", 28);
  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_assert_cmpstr (digest, ==, DECISION_VECTOR);
  g_assert_cmpstr (case_hash, ==, CASE_VECTOR);
}

static void
test_from_json (void)
{
  const char *good
    = "{\"kind\": \"decision\", \"step\": \"market-review\", \"decision\": \"return\","
      " \"reasons\": [{\"code\": \"missing-lease\", \"text\": \"\"},"
      "               {\"code\": \"other\", \"text\": \"租赁合同缺少签名页\"}],"
      " \"content_hash\": \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
      " \"documents\": [\"" DOC_B "\", \"" DOC_A "\"],"
      " \"at\": \"2026-05-28T20:26:40Z\", \"official\": \"li.na\"}";
  struct
  {
    const char *member;
    const char *value; /* JSON text; NULL removes the member */
    const char *field;
    const char *in_message;
  } bad[] = {
    { "decision", "\"approved\"", "decision", "“approve”, “return” or “reject”" },
    { "decision", NULL, "decision", "decision" },
    { "step", "\"\"", "step", "step" },
    { "content_hash", "\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\"",
      "content_hash", "lower-case" },
    { "content_hash", "\"abc\"", "content_hash", "SHA-256" },
    { "documents", "[\"" DOC_A "\", \"xyz\"]", "documents", "Item 2" },
    { "documents", "\"" DOC_A "\"", "documents", "array" },
    { "reasons", "[{\"code\": \"other\"}, {\"text\": \"x\"}]", "reasons", "Reason 2" },
    { "reasons", "[{\"code\": \"\", \"text\": \"x\"}]", "reasons", "empty “code”" },
    { "reasons", "[\"missing-lease\"]", "reasons", "Reason 1" },
    { "at", "\"yesterday\"", "at", "at" },
  };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(HallDecisionContent) content = NULL;
  g_autoptr(HallDecisionContent) expected = make_content ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) expected_bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *field = NULL;
  guint i;

  g_assert_true (json_parser_load_from_data (parser, good, -1, NULL));
  content = hall_decision_content_new_from_json (
    CASE_UUID, json_node_get_object (json_parser_get_root (parser)), &field, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (content->official, ==, "li.na");
  bytes = hall_decision_canonical_bytes (content);
  expected_bytes = hall_decision_canonical_bytes (expected);
  g_assert_true (g_bytes_equal (bytes, expected_bytes));

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonParser) p = json_parser_new ();
      g_autoptr(HallDecisionContent) refused = NULL;
      JsonObject *object;

      g_test_message ("bad %s: %s", bad[i].member, bad[i].value ? bad[i].value : "(none)");
      g_assert_true (json_parser_load_from_data (p, good, -1, NULL));
      object = json_node_get_object (json_parser_get_root (p));
      json_object_remove_member (object, bad[i].member);
      if (bad[i].value != NULL)
        {
          g_autoptr(JsonParser) v = json_parser_new ();

          g_assert_true (json_parser_load_from_data (v, bad[i].value, -1, NULL));
          json_object_set_member (object, bad[i].member,
                                  json_node_copy (json_parser_get_root (v)));
        }
      field = NULL;
      refused = hall_decision_content_new_from_json (CASE_UUID, object, &field, &error);
      g_assert_null (refused);
      g_assert_error (error, HALL_VALIDATION_ERROR, error->code);
      g_assert_cmpstr (field, ==, bad[i].field);
      if (strstr (error->message, bad[i].in_message) == NULL)
        g_error ("message “%s” should mention “%s”", error->message, bad[i].in_message);
      g_clear_error (&error);
    }
}

static void
test_public_key_text (void)
{
  g_autoptr(HallSigningKey) key = hall_signing_key_generate ();
  g_autofree char *text = hall_public_key_to_base64 (hall_signing_key_get_public_key (key));
  g_autoptr(GError) error = NULL;
  guint8 read[32];

  g_assert_true (hall_public_key_from_base64 (text, read, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (read, 32, hall_signing_key_get_public_key (key), 32);

  g_assert_false (hall_public_key_from_base64 ("AAAA", read, &error));
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (hall_public_key_from_base64 (NULL, read, &error));
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_MALFORMED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hall/signature/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/hall/signature/changed-field", Fixture, NULL, fixture_set_up,
              test_changed_field, fixture_tear_down);
  g_test_add ("/hall/signature/field-boundaries", Fixture, NULL, fixture_set_up,
              test_field_boundaries, fixture_tear_down);
  g_test_add ("/hall/signature/changed-signature-byte", Fixture, NULL, fixture_set_up,
              test_changed_signature_byte, fixture_tear_down);
  g_test_add ("/hall/signature/other-hall", Fixture, NULL, fixture_set_up, test_other_hall,
              fixture_tear_down);
  g_test_add ("/hall/signature/expired", Fixture, NULL, fixture_set_up, test_expired,
              fixture_tear_down);
  g_test_add ("/hall/signature/wrong-official", Fixture, NULL, fixture_set_up,
              test_wrong_official, fixture_tear_down);
  g_test_add ("/hall/signature/certificate-bytes", Fixture, NULL, fixture_set_up,
              test_certificate_bytes, fixture_tear_down);
  g_test_add_func ("/hall/signature/sealed-key", test_sealed_key);
  g_test_add_func ("/hall/signature/root-key-file", test_root_key_file);
  g_test_add_func ("/hall/signature/case-content-hash", test_case_content_hash);
  g_test_add_func ("/hall/signature/canonical-vector", test_canonical_vector);
  g_test_add_func ("/hall/signature/decision-from-json", test_from_json);
  g_test_add_func ("/hall/signature/public-key-text", test_public_key_text);

  return g_test_run ();
}
