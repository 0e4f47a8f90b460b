/* test-store-signing.c — the counter's store: officials' sealed keys,
 * the hall's trust, licenses numbered per counter, and the audit chain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>
#include <string.h>

#include "hall-catalog.h"
#include "hall-core-error.h"
#include "hall-error.h"
#include "hall-store-signing.h"

typedef struct
{
  char        *dir;
  HallCatalog *catalog;
  HallService *service;
  HallRootKey *hall;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_build_filename (g_get_user_data_dir (), "store-signing", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  f->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  f->service = hall_catalog_lookup (f->catalog, "company_business_license");
  g_assert_nonnull (f->service);
  f->hall = hall_root_key_generate ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->dir);
  g_clear_object (&f->catalog);
  hall_root_key_free (f->hall);
}

static HallStore *
open_store (Fixture    *f,
            const char *counter)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("%s.db", counter);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  HallStore *store = hall_store_open (path, "YC", counter, &error);

  g_assert_no_error (error);
  g_assert_true (hall_store_set_trust (store, hall_root_key_get_public_key (f->hall), NULL, NULL,
                                       1000, &error));
  g_assert_no_error (error);
  return store;
}

/* A valid GB 11643 number from Yinchuan (640104) born 1985-06-12. */
static char *
resident_id (guint n)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  char base[18];
  int sum = 0;

  g_snprintf (base, sizeof base, "64010419850612%03u", n % 1000);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

static HallCase *
create_case (HallStore   *store,
             HallService *service,
             const char  *name)
{
  static guint n = 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = resident_id (++n);
  g_autoptr (HallApplicant) applicant
    = hall_applicant_new_person (name, HALL_ID_TYPE_RESIDENT_ID, id, "13800138000");
  HallCase *kase = hall_case_new ();

  hall_case_set_official (kase, "wang.fang");
  g_assert_true (hall_store_create_case (store, applicant, service, kase, &error));
  g_assert_no_error (error);
  return kase;
}

/* The official's key made at first use, sealed; opened again only with the
 * password; certified by the hall and kept. */
static HallSigningKey *
enrol (Fixture          *f,
       HallStore        *store,
       const char       *official,
       HallCertificate **certificate_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallSigningKey) again = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (HallCertificate) looked_up = NULL;
  HallSigningKey *key;
  gboolean created = FALSE;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  key = hall_store_open_signing_key (store, official, "password1", &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);
  again = hall_store_open_signing_key (store, official, "password1", &created, &error);
  g_assert_no_error (error);
  g_assert_false (created);
  g_assert_cmpmem (hall_signing_key_get_public_key (again), 32,
                   hall_signing_key_get_public_key (key), 32);

  certificate = hall_root_key_certify (f->hall, official, hall_signing_key_get_public_key (key),
                                       now - 60, now + 86400 * 365);
  g_assert_true (hall_store_add_certificate (store, certificate, &error));
  g_assert_no_error (error);
  looked_up = hall_store_lookup_certificate (store, official, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (looked_up);
  g_assert_cmpmem (looked_up->signature, 64, certificate->signature, 64);
  *certificate_out = g_steal_pointer (&certificate);
  return key;
}

static void
test_sealed_key (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (f, "C03");
  g_autoptr (HallSigningKey) key = NULL;
  g_autoptr (HallSigningKey) refused = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sealed = NULL;

  key = enrol (f, store, "li.na", &certificate);
  refused = hall_store_open_signing_key (store, "li.na", "password2", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  /* What the store keeps is the sealed form, never the key. */
  sealed = hall_store_get_sealed_key (store, "li.na", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (sealed, "argon2id13"));
  g_assert_null (hall_store_get_sealed_key (store, "zhao.lei", &error));
  g_assert_no_error (error);
}

static void
test_license (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (f, "C03");
  g_autoptr (HallStore) other = open_store (f, "C04");
  g_autoptr (HallSigningKey) key = NULL;
  g_autoptr (HallSigningKey) other_key = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (HallCertificate) other_certificate = NULL;
  g_autoptr (HallCase) first = create_case (store, f->service, "张伟");
  g_autoptr (HallCase) second = create_case (store, f->service, "李娜");
  g_autoptr (HallCase) elsewhere = create_case (other, f->service, "王芳");
  g_autoptr (HallLicensePayload) payload = NULL;
  g_autoptr (HallLicensePayload) payload2 = NULL;
  g_autoptr (HallLicensePayload) payload3 = NULL;
  g_autoptr (HallRevocationList) revocations = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *text3 = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *expected = NULL;
  guint8 hall_key[32];
  gint64 pulled_at = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (GDateTime) today = g_date_time_new_now_local ();

  key = enrol (f, store, "li.na", &certificate);
  other_key = enrol (f, other, "zhao.lei", &other_certificate);

  text = hall_store_issue_license (store, hall_case_get_uuid (first), f->service, "软件开发",
                                   365 * 5, key, certificate, &error);
  g_assert_no_error (error);
  g_assert_true (hall_store_get_hall_public_key (store, hall_key, &error));
  revocations = hall_store_get_revocations (store, &pulled_at, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pulled_at, ==, 1000);
  g_assert_true (hall_license_payload_verify (text, hall_key, revocations, now, &payload,
                                              &error));
  g_assert_no_error (error);
  expected = g_strdup_printf ("YC-%d-C03-L000001", g_date_time_get_year (today));
  g_assert_cmpstr (payload->number, ==, expected);
  g_assert_cmpstr (payload->holder, ==, "张伟");
  g_assert_true (g_str_has_prefix (payload->holder_id, "64010419850612"));
  g_assert_cmpuint (strlen (payload->holder_id), ==, 18);
  g_assert_cmpstr (payload->license_type, ==, "company_business_license");
  g_assert_cmpstr (payload->case_uuid, ==, hall_case_get_uuid (first));
  g_assert_cmpint (payload->valid_until - payload->issued_at, ==, 365 * 5 * 86400);

  /* One license per case: asked again, the same one. */
  again = hall_store_issue_license (store, hall_case_get_uuid (first), f->service, "软件开发",
                                    365 * 5, key, certificate, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, text);
  kept = hall_store_get_license (store, hall_case_get_uuid (first), &error);
  g_assert_cmpstr (kept, ==, text);

  /* The next case, the next number; another counter, offline, its own. */
  text2 = hall_store_issue_license (store, hall_case_get_uuid (second), f->service, NULL, 0,
                                    key, certificate, &error);
  g_assert_no_error (error);
  payload2 = hall_license_payload_parse (text2, &error);
  g_assert_true (g_str_has_suffix (payload2->number, "-C03-L000002"));
  g_assert_cmpint (payload2->valid_until, ==, 0);
  text3 = hall_store_issue_license (other, hall_case_get_uuid (elsewhere), f->service, NULL, 0,
                                    other_key, other_certificate, &error);
  g_assert_no_error (error);
  payload3 = hall_license_payload_parse (text3, &error);
  g_assert_true (g_str_has_suffix (payload3->number, "-C04-L000001"));
  g_assert_cmpstr (payload3->number, !=, payload->number);

  /* A certificate that is not for the key opened is refused. */
  {
    g_autoptr (HallCase) third = create_case (store, f->service, "赵磊");
    g_autofree char *refused = hall_store_issue_license (store, hall_case_get_uuid (third),
                                                         f->service, NULL, 0, key,
                                                         other_certificate, &error);

    g_assert_null (refused);
    g_assert_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_OFFICIAL);
    g_clear_error (&error);
    /* and nothing was kept, no number used */
    g_assert_null (hall_store_get_license (store, hall_case_get_uuid (third), &error));
    g_assert_no_error (error);
  }
}

static void
test_no_trust (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "bare.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStore) store = hall_store_open (path, "YC", "C09", &error);
  g_autoptr (HallRevocationList) revocations = NULL;
  guint8 key[32];
  gint64 pulled_at = -1;

  g_assert_no_error (error);
  g_assert_false (hall_store_get_hall_public_key (store, key, &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  revocations = hall_store_get_revocations (store, &pulled_at, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pulled_at, ==, 0);
  g_assert_cmpuint (hall_revocation_list_get_length (revocations), ==, 0);
}

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static HallStore *
case_with_notes (Fixture   *f,
                 const char *counter,
                 char      **number_out,
                 char      **path_out)
{
  HallStore *store = open_store (f, counter);
  g_autoptr (HallCase) kase = create_case (store, f->service, "张伟");
  g_autoptr (GError) error = NULL;
  guint i;

  for (i = 0; i < 3; i++)
    {
      g_autoptr (HallCaseEvent) event
        = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_NOTE);
      g_autofree char *note = g_strdup_printf ("note %u", i + 1);

      hall_case_event_set_note (event, note);
      hall_case_event_set_official (event, "wang.fang");
      g_assert_true (hall_store_add_case_event (store, event, &error));
      g_assert_no_error (error);
    }
  *number_out = g_strdup (hall_case_get_number (kase));
  *path_out = g_strdup (hall_store_get_path (store));
  return store;
}

static void
assert_audit_fails (HallStore  *store,
                    const char *number,
                    const char *in_message)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (hall_store_audit_case (store, number, NULL, &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  if (strstr (error->message, in_message) == NULL)
    g_error ("message “%s” should mention “%s”", error->message, in_message);
}

static void
test_audit (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *number = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HallStore) store = case_with_notes (f, "C05", &number, &path);
  g_autoptr (GError) error = NULL;
  guint n = 0;

  g_assert_true (hall_store_audit_case (store, number, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4); /* created + three notes */

  g_assert_false (hall_store_audit_case (store, "YC-2026-C05-999999", NULL, &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
}

static void
test_audit_edited (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *number = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HallStore) store = case_with_notes (f, "C06", &number, &path);

  /* Behind the store's back, as someone with the database file would. */
  exec_sql (path, "UPDATE case_events SET note = 'note 2, changed' WHERE note = 'note 2'");
  assert_audit_fails (store, number, "Entry 3 of the audit trail");
  assert_audit_fails (store, number, "was altered");
}

static void
test_audit_removed (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *number = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HallStore) store = case_with_notes (f, "C07", &number, &path);

  exec_sql (path, "DELETE FROM case_events WHERE note = 'note 2'");
  assert_audit_fails (store, number, "between entries 2 and 3");
  assert_audit_fails (store, number, "was removed");
}

static void
test_audit_last_removed (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *number = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HallStore) store = case_with_notes (f, "C08", &number, &path);

  exec_sql (path, "DELETE FROM case_events WHERE note = 'note 3'");
  assert_audit_fails (store, number, "after entry 3 were removed");
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The counter makes the official's key at the first sign-in, sealed under
 * the password; a wrong password makes none. */
static void
test_key_at_first_sign_in (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (f, "C03");
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HallSigningKey) key = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sealed = NULL;
  g_autofree char *again = NULL;

  g_assert_true (hall_store_add_official (store, "li.na", "李娜", "password1", "approver",
                                          &error));
  g_assert_no_error (error);

  hall_store_check_password_async (store, "li.na", "wrong-password", NULL, store_result_cb,
                                   &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (hall_store_check_password_finish (store, result, NULL, &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_null (hall_store_get_sealed_key (store, "li.na", &error));
  g_assert_no_error (error);

  hall_store_check_password_async (store, "li.na", "password1", NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  name = hall_store_check_password_finish (store, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "李娜");
  sealed = hall_store_get_sealed_key (store, "li.na", &error);
  g_assert_nonnull (sealed);
  key = hall_signing_key_unseal (sealed, "li.na", "password1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);

  /* The next sign-in keeps it. */
  g_clear_object (&result);
  g_clear_pointer (&name, g_free);
  hall_store_check_password_async (store, "li.na", "password1", NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  name = hall_store_check_password_finish (store, result, NULL, &error);
  g_assert_no_error (error);
  again = hall_store_get_sealed_key (store, "li.na", &error);
  g_assert_cmpstr (again, ==, sealed);
}

/* The demo profile: the demo hall key and every demo official enrolled,
 * the same key the --demo server trusts. */
static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "demo.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStore) store = hall_store_open (path, "YC", "C01", &error);
  g_autoptr (HallRootKey) demo = hall_root_key_new_demo ();
  g_autoptr (HallSigningKey) key = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  guint8 hall_key[32];

  g_assert_no_error (error);
  g_assert_true (hall_store_add_demo_officials (store, &error));
  g_assert_no_error (error);
  /* Again: nothing changes. */
  g_assert_true (hall_store_add_demo_officials (store, &error));
  g_assert_no_error (error);
  g_assert_true (hall_store_get_hall_public_key (store, hall_key, &error));
  g_assert_cmpmem (hall_key, 32, hall_root_key_get_public_key (demo), 32);

  key = hall_store_open_signing_key (store, "li.na", "demo", NULL, &error);
  g_assert_no_error (error);
  certificate = hall_store_lookup_certificate (store, "li.na",
                                               hall_signing_key_get_public_key (key), &error);
  g_assert_no_error (error);
  g_assert_nonnull (certificate);
  g_assert_true (hall_certificate_check (certificate, hall_key,
                                         g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

/* A profile set up for a real hall keeps its key: the demo is not added. */
static void
test_demo_keeps_real_hall (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (f, "C02");
  g_autoptr (GError) error = NULL;
  g_autofree char *sealed = NULL;
  guint8 hall_key[32];

  g_assert_true (hall_store_add_demo_officials (store, &error));
  g_assert_no_error (error);
  g_assert_true (hall_store_get_hall_public_key (store, hall_key, &error));
  g_assert_cmpmem (hall_key, 32, hall_root_key_get_public_key (f->hall), 32);
  sealed = hall_store_get_sealed_key (store, "li.na", &error);
  g_assert_null (sealed);
}

/* Each decision is signed with the key opened for the session, over the
 * case's content; approving the last step issues the license, and not
 * before. Without an open key nothing is decided. */
static void
test_decide_signs_and_licenses (Fixture       *f,
                                gconstpointer  data)
{
  static const char *const officials[] = { "wang.fang", "li.na", "zhao.lei", "demo" };
  g_autofree char *path = g_build_filename (f->dir, "decide.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStore) store = hall_store_open (path, "YC", "C01", &error);
  g_autoptr (HallRootKey) demo = hall_root_key_new_demo ();
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *license = NULL;
  g_autofree char *content_hash = NULL;
  HallCaseState state = HALL_CASE_RECEIVED;
  guint signed_decisions = 0;

  g_assert_no_error (error);
  g_assert_true (hall_store_add_demo_officials (store, &error));
  g_assert_no_error (error);
  kase = create_case (store, f->service, "张伟");
  content_hash = hall_case_content_hash (kase);

  /* No key open: refused, nothing written. */
  {
    g_autoptr (HallCaseEvent) event = hall_case_event_new (hall_case_get_uuid (kase),
                                                           HALL_CASE_EVENT_DECISION);

    hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
    g_assert_false (hall_store_decide_case (store, f->service, event, HALL_ROLES_ALL, "li.na",
                                            &state, &error));
    g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH);
    g_clear_error (&error);
    events = hall_store_list_case_events (store, hall_case_get_uuid (kase), &error);
    for (guint i = 0; i < events->len; i++)
      g_assert_cmpint (hall_case_event_get_kind (events->pdata[i]), !=,
                       HALL_CASE_EVENT_DECISION);
    g_clear_pointer (&events, g_ptr_array_unref);
  }

  for (guint i = 0; i < 8 && state != HALL_CASE_APPROVED; i++)
    {
      g_autoptr (HallCaseEvent) event = hall_case_event_new (hall_case_get_uuid (kase),
                                                             HALL_CASE_EVENT_DECISION);
      g_autofree char *before = hall_store_get_license (store, hall_case_get_uuid (kase), &error);

      g_assert_no_error (error);
      g_assert_null (before);
      g_assert_true (hall_store_open_session_key (store, officials[i % 4], "demo", &error));
      g_assert_no_error (error);
      hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
      g_assert_true (hall_store_decide_case (store, f->service, event, HALL_ROLES_ALL,
                                             officials[i % 4], &state, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (state, ==, HALL_CASE_APPROVED);
  license = hall_store_get_license (store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_nonnull (license);
  g_assert_true (g_str_has_prefix (license, "SH1:"));

  /* Each stored decision verifies against the demo hall key, by whoever
   * made it, over the case's content. */
  events = hall_store_list_case_events (store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      HallCaseEvent *event = events->pdata[i];
      g_autoptr (JsonNode) json = NULL;
      g_autoptr (HallDecisionContent) content = NULL;
      g_autoptr (HallCertificate) certificate = NULL;

      if (hall_case_event_get_kind (event) != HALL_CASE_EVENT_DECISION)
        continue;
      json = hall_case_event_to_json (event);
      content = hall_decision_content_new_from_json (hall_case_get_uuid (kase),
                                                     json_node_get_object (json), NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (content->content_hash, ==, content_hash);
      certificate = hall_certificate_new_from_base64 (
                      json_node_get_string (hall_case_event_get_certificate (event)), &error);
      g_assert_no_error (error);
      g_assert_true (hall_decision_verify (content, hall_case_event_get_signature (event),
                                           certificate, hall_root_key_get_public_key (demo),
                                           &error));
      g_assert_no_error (error);
      signed_decisions++;
    }
  g_assert_cmpuint (signed_decisions, >=, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/hall/store-signing/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("sealed-key", test_sealed_key);
  ADD ("license", test_license);
  ADD ("no-trust", test_no_trust);
  ADD ("audit", test_audit);
  ADD ("audit/edited", test_audit_edited);
  ADD ("audit/removed", test_audit_removed);
  ADD ("audit/last-removed", test_audit_last_removed);
  ADD ("demo", test_demo);
  ADD ("key-at-first-sign-in", test_key_at_first_sign_in);
  ADD ("demo/keeps-real-hall", test_demo_keeps_real_hall);
  ADD ("decide/signs-and-licenses", test_decide_signs_and_licenses);
#undef ADD

  return g_test_run ();
}
