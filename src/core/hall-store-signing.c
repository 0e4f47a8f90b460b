/* hall-store-signing.c — the hall's trust, officials' keys and licenses in
 * the counter's store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-applicant.h"
#include "hall-core-error.h"
#include "hall-json.h"
#include "hall-store-private.h"
#include "hall-store-signing.h"

/* Trust */

static gboolean
add_certificate_locked (HallStore             *self,
                        const HallCertificate *certificate,
                        GError               **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *key = hall_public_key_to_base64 (certificate->public_key);
  g_autofree char *text = hall_certificate_to_base64 (certificate);

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO certificates (public_key, official, certificate,"
                                   " valid_until) VALUES (?1, ?2, ?3, ?4)"
                                   " ON CONFLICT (public_key) DO UPDATE"
                                   " SET official = excluded.official,"
                                   " certificate = excluded.certificate,"
                                   " valid_until = excluded.valid_until",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, key);
  hall_sqlite_bind_text (stmt, 2, certificate->official);
  hall_sqlite_bind_text (stmt, 3, text);
  sqlite3_bind_int64 (stmt, 4, certificate->valid_until);
  return hall_sqlite_stmt_run (stmt, _("save a certificate"), error);
}

gboolean
hall_store_set_trust (HallStore          *self,
                      const guint8        hall_public_key[HALL_PUBLIC_KEY_BYTES],
                      GPtrArray          *certificates,
                      HallRevocationList *revocations,
                      gint64              pulled_at,
                      GError            **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *key = hall_public_key_to_base64 (hall_public_key);
  g_autofree char *revocations_text = NULL;
  gboolean ok;
  guint i;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (hall_public_key != NULL, FALSE);

  if (revocations != NULL)
    revocations_text = _hall_store_json_to_string_free (hall_revocation_list_to_json (revocations));
  if (!_hall_store_write_begin (self, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE trust SET hall_public_key = ?1,"
                                   " revocations = coalesce (?2, revocations),"
                                   " pulled_at = ?3 WHERE id = 1",
                                   error);
  ok = stmt != NULL;
  if (ok)
    {
      hall_sqlite_bind_text (stmt, 1, key);
      hall_sqlite_bind_text (stmt, 2, revocations_text);
      sqlite3_bind_int64 (stmt, 3, pulled_at);
      ok = hall_sqlite_stmt_run (stmt, _("save what the hall trusts"), error);
    }
  for (i = 0; ok && certificates != NULL && i < certificates->len; i++)
    ok = add_certificate_locked (self, g_ptr_array_index (certificates, i), error);
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  return _hall_store_write_end (self, ok, NULL, error);
}

static void
take_string (HallSqliteStmt *stmt,
             gpointer        data)
{
  char **slot = data;

  g_free (*slot);
  *slot = hall_sqlite_column_dup (stmt, 0);
}

gboolean
hall_store_get_hall_public_key (HallStore  *self,
                                guint8      hall_public_key[HALL_PUBLIC_KEY_BYTES],
                                GError    **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  if (!_hall_store_read_rows (self, "SELECT hall_public_key FROM trust WHERE id = 1", NULL,
                              take_string, &key, _("read the hall’s key"), error))
    return FALSE;
  if (key == NULL)
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                           _("This counter does not know the hall’s key yet: sync with the "
                             "server, or set it up with “service-hall-ctl hall-key trust”"));
      return FALSE;
    }
  return hall_public_key_from_base64 (key, hall_public_key, error);
}

typedef struct
{
  char   *revocations;
  gint64  pulled_at;
} TrustRow;

static void
take_trust (HallSqliteStmt *stmt,
            gpointer        data)
{
  TrustRow *row = data;

  row->revocations = hall_sqlite_column_dup (stmt, 0);
  row->pulled_at = sqlite3_column_int64 (stmt, 1);
}

HallRevocationList *
hall_store_get_revocations (HallStore  *self,
                            gint64     *pulled_at,
                            GError    **error)
{
  TrustRow row = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  HallRevocationList *list;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  if (!_hall_store_read_rows (self, "SELECT revocations, pulled_at FROM trust WHERE id = 1",
                              NULL, take_trust, &row, _("read the revocation list"), error))
    return NULL;
  if (pulled_at != NULL)
    *pulled_at = row.pulled_at;
  if (row.revocations == NULL)
    return hall_revocation_list_new (0);
  if (!json_parser_load_from_data (parser, row.revocations, -1, error))
    {
      g_free (row.revocations);
      return NULL;
    }
  g_free (row.revocations);
  list = hall_revocation_list_new_from_json (json_parser_get_root (parser), error);
  return list;
}

gboolean
hall_store_add_certificate (HallStore             *self,
                            const HallCertificate *certificate,
                            GError               **error)
{
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (certificate != NULL, FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  ok = add_certificate_locked (self, certificate, error);
  return _hall_store_write_end (self, ok, NULL, error);
}

HallCertificate *
hall_store_lookup_certificate (HallStore    *self,
                               const char   *official,
                               const guint8 *public_key,
                               GError      **error)
{
  g_autofree char *text = NULL;
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (official != NULL, NULL);

  if (public_key != NULL)
    {
      g_autofree char *key = hall_public_key_to_base64 (public_key);

      ok = _hall_store_read_rows (self,
                                  "SELECT certificate FROM certificates WHERE public_key = ?1",
                                  key, take_string, &text, _("read a certificate"), error);
    }
  else
    ok = _hall_store_read_rows (self,
                                "SELECT certificate FROM certificates WHERE official = ?1"
                                " ORDER BY valid_until DESC LIMIT 1",
                                official, take_string, &text, _("read a certificate"), error);
  if (!ok || text == NULL)
    return NULL;
  return hall_certificate_new_from_base64 (text, error);
}

void
hall_store_trust_free (HallStoreTrust *trust)
{
  if (trust == NULL)
    return;
  g_clear_pointer (&trust->revocations, hall_revocation_list_unref);
  g_free (trust);
}

static void
get_trust_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autoptr (HallStoreTrust) trust = g_new0 (HallStoreTrust, 1);
  g_autoptr (GError) error = NULL;

  trust->has_hall_key = hall_store_get_hall_public_key (source_object, trust->hall_key, &error);
  if (!trust->has_hall_key && !g_error_matches (error, HALL_STORE_ERROR,
                                                HALL_STORE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);
  trust->revocations = hall_store_get_revocations (source_object, &trust->pulled_at, &error);
  if (trust->revocations == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&trust), (GDestroyNotify) hall_store_trust_free);
}

void
hall_store_get_trust_async (HallStore           *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HALL_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_get_trust_async);
  g_task_run_in_thread (task, get_trust_thread);
}

HallStoreTrust *
hall_store_get_trust_finish (HallStore     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Officials' keys */

gboolean
hall_store_save_sealed_key (HallStore   *self,
                            const char  *official,
                            const char  *sealed,
                            GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *key_text = NULL;
  guint8 public_key[HALL_PUBLIC_KEY_BYTES];
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  if (!hall_sealed_key_get_public_key (sealed, public_key, error))
    return FALSE;
  key_text = hall_public_key_to_base64 (public_key);
  if (!_hall_store_write_begin (self, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO official_keys (official, public_key, sealed,"
                                   " created_at) VALUES (?1, ?2, ?3, ?4)"
                                   " ON CONFLICT (official) DO UPDATE"
                                   " SET public_key = excluded.public_key,"
                                   " sealed = excluded.sealed, created_at = excluded.created_at",
                                   error);
  ok = stmt != NULL;
  if (ok)
    {
      hall_sqlite_bind_text (stmt, 1, official);
      hall_sqlite_bind_text (stmt, 2, key_text);
      hall_sqlite_bind_text (stmt, 3, sealed);
      sqlite3_bind_int64 (stmt, 4, _hall_store_now_seconds ());
      ok = hall_sqlite_stmt_run (stmt, _("save the official’s signing key"), error);
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  return _hall_store_write_end (self, ok, NULL, error);
}

char *
hall_store_get_sealed_key (HallStore   *self,
                           const char  *official,
                           GError     **error)
{
  char *sealed = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  if (!_hall_store_read_rows (self, "SELECT sealed FROM official_keys WHERE official = ?1",
                              official, take_string, &sealed,
                              _("read the official’s signing key"), error))
    return NULL;
  return sealed;
}

HallSigningKey *
hall_store_open_signing_key (HallStore   *self,
                             const char  *official,
                             const char  *password,
                             gboolean    *created,
                             GError     **error)
{
  g_autofree char *sealed = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (HallSigningKey) key = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (official != NULL && password != NULL, NULL);

  if (created != NULL)
    *created = FALSE;
  sealed = hall_store_get_sealed_key (self, official, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (sealed != NULL)
    return hall_signing_key_unseal (sealed, official, password, error);

  key = hall_signing_key_generate ();
  sealed = hall_signing_key_seal (key, official, password, error);
  if (sealed == NULL || !hall_store_save_sealed_key (self, official, sealed, error))
    return NULL;
  if (created != NULL)
    *created = TRUE;
  return g_steal_pointer (&key);
}

/* Licenses */

static gboolean
next_license_seq_locked (HallStore  *self,
                         int         year,
                         gint64     *seq_out,
                         GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO license_sequences (counter, year, last_seq)"
                                   " VALUES (?1, ?2, 1)"
                                   " ON CONFLICT (counter, year) DO UPDATE"
                                   " SET last_seq = last_seq + 1 RETURNING last_seq",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, self->counter);
  sqlite3_bind_int64 (stmt, 2, year);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return hall_sqlite_set_error (error, sqlite3_db_handle (stmt),
                                  _("allocate a license number"));
  *seq_out = sqlite3_column_int64 (stmt, 0);
  return hall_sqlite_stmt_run (stmt, _("allocate a license number"), error);
}

static gboolean
insert_license_locked (HallStore  *self,
                       const char *number,
                       const char *case_uuid,
                       const char *payload,
                       const char *official,
                       gint64      issued_at,
                       GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO licenses (number, case_uuid, payload, official,"
                                   " issued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, number);
  hall_sqlite_bind_text (stmt, 2, case_uuid);
  hall_sqlite_bind_text (stmt, 3, payload);
  hall_sqlite_bind_text (stmt, 4, official);
  sqlite3_bind_int64 (stmt, 5, issued_at);
  return hall_sqlite_stmt_run (stmt, _("save the license"), error);
}

char *
hall_store_get_license (HallStore   *self,
                        const char  *case_uuid,
                        GError     **error)
{
  char *payload = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  if (!_hall_store_read_rows (self,
                              "SELECT payload FROM licenses WHERE case_uuid = ?1"
                              " ORDER BY issued_at DESC LIMIT 1",
                              case_uuid, take_string, &payload, _("read the license"), error))
    return NULL;
  return payload;
}

/* The license of @case_uuid as the writer sees it, inside its
 * transaction; NULL with no error when there is none. */
static char *
license_of_case_locked (HallStore   *self,
                        const char  *case_uuid,
                        GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT payload FROM licenses WHERE case_uuid = ?1"
                                   " ORDER BY issued_at DESC LIMIT 1",
                                   error);
  if (stmt == NULL)
    return NULL;
  hall_sqlite_bind_text (stmt, 1, case_uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return hall_sqlite_column_dup (stmt, 0);
  if (rc != SQLITE_DONE)
    hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the license"));
  return NULL;
}

/* The body of PUT /v1/licenses/{number}: {"number", "case", "payload"}. */
static char *
license_body (const char *number,
              const char *case_uuid,
              const char *payload)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "number");
  json_builder_add_string_value (builder, number);
  json_builder_set_member_name (builder, "case");
  json_builder_add_string_value (builder, case_uuid);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_string_value (builder, payload);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
_hall_store_issue_license_locked (HallStore             *self,
                                  const char            *case_uuid,
                                  HallService           *service,
                                  const char            *scope,
                                  guint                  valid_days,
                                  HallSigningKey        *key,
                                  const HallCertificate *certificate,
                                  char                 **text_out,
                                  GError               **error)
{
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallLicensePayload) payload = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  gint64 seq = 0;

  existing = license_of_case_locked (self, case_uuid, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (existing != NULL)
    {
      *text_out = g_steal_pointer (&existing);
      return TRUE;
    }

  kase = hall_store_get_case (self, case_uuid, error);
  if (kase == NULL)
    return FALSE;
  applicant = hall_store_get_applicant (self, hall_case_get_applicant_uuid (kase), error);
  if (applicant == NULL)
    return FALSE;

  payload = hall_license_payload_new ();
  payload->license_type = g_strdup (hall_service_get_id (service));
  payload->holder = g_strdup (hall_applicant_get_name (applicant));
  payload->holder_id = g_strdup (hall_applicant_get_document_number (applicant));
  payload->scope = g_strdup (scope != NULL ? scope : "");
  payload->hall = g_strdup (self->hall_code);
  payload->issued_at = _hall_store_now_seconds ();
  payload->valid_until = valid_days > 0 ? payload->issued_at + (gint64) valid_days * 86400 : 0;
  payload->case_uuid = g_strdup (case_uuid);
  now = g_date_time_new_from_unix_local (payload->issued_at);

  /* The number, the signature, the row and its way to the server in the
   * caller's transaction: a number is used once, and only by a license
   * that was kept and will be sent. */
  if (!next_license_seq_locked (self, g_date_time_get_year (now), &seq, error))
    return FALSE;
  payload->number = g_strdup_printf ("%s-%d-%s-L%06" G_GINT64_FORMAT, self->hall_code,
                                     g_date_time_get_year (now), self->counter, seq);
  text = hall_license_payload_sign (payload, key, certificate, error);
  if (text == NULL
      || !insert_license_locked (self, payload->number, case_uuid, text, certificate->official,
                                 payload->issued_at, error))
    return FALSE;
  path = g_strdup_printf ("/v1/licenses/%s", payload->number);
  body = license_body (payload->number, case_uuid, text);
  if (!_hall_store_enqueue_locked (self, "PUT", path, body, "license", payload->number,
                                   case_uuid, 0, error))
    return FALSE;
  g_debug ("Issued license %s for case %s", payload->number, hall_case_get_number (kase));
  *text_out = g_steal_pointer (&text);
  return TRUE;
}

char *
hall_store_issue_license (HallStore             *self,
                          const char            *case_uuid,
                          HallService           *service,
                          const char            *scope,
                          guint                  valid_days,
                          HallSigningKey        *key,
                          const HallCertificate *certificate,
                          GError               **error)
{
  g_autofree char *existing = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (case_uuid != NULL, NULL);
  g_return_val_if_fail (HALL_IS_SERVICE (service), NULL);
  g_return_val_if_fail (key != NULL && certificate != NULL, NULL);

  existing = hall_store_get_license (self, case_uuid, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (existing != NULL)
    return g_steal_pointer (&existing);

  if (!_hall_store_write_begin (self, error))
    return NULL;
  ok = _hall_store_issue_license_locked (self, case_uuid, service, scope, valid_days, key,
                                         certificate, &text, error);
  if (!_hall_store_write_end (self, ok, NULL, error))
    return NULL;
  _hall_store_emit_outbox_changed (self);
  return g_steal_pointer (&text);
}

/* Demo */

gboolean
hall_store_add_demo_signing (HallStore  *self,
                             GError    **error)
{
  static const char *const officials[] = { "demo", "wang.fang", "li.na", "zhao.lei" };
  g_autoptr (HallRootKey) demo = hall_root_key_new_demo ();
  g_autoptr (GError) local_error = NULL;
  guint8 known[HALL_PUBLIC_KEY_BYTES];
  gint64 now = _hall_store_now_seconds ();
  guint i;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  /* A profile that trusts a real hall's key stays as it is. */
  if (hall_store_get_hall_public_key (self, known, &local_error))
    {
      if (memcmp (known, hall_root_key_get_public_key (demo), HALL_PUBLIC_KEY_BYTES) != 0)
        return TRUE;
    }
  else if (!g_error_matches (local_error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  else if (!hall_store_set_trust (self, hall_root_key_get_public_key (demo), NULL, NULL, 0,
                                  error))
    return FALSE;

  for (i = 0; i < G_N_ELEMENTS (officials); i++)
    {
      g_autoptr (HallSigningKey) key = NULL;
      g_autoptr (HallCertificate) certificate = NULL;

      key = hall_store_open_signing_key (self, officials[i], "demo", NULL, error);
      if (key == NULL)
        return FALSE;
      certificate = hall_store_lookup_certificate (self, officials[i],
                                                   hall_signing_key_get_public_key (key), error);
      if (certificate != NULL)
        continue;
      if (error != NULL && *error != NULL)
        return FALSE;
      certificate = hall_root_key_certify (demo, officials[i],
                                           hall_signing_key_get_public_key (key), now - 86400,
                                           now + 86400 * 365 * 3);
      if (!hall_store_add_certificate (self, certificate, error))
        return FALSE;
    }
  return TRUE;
}

/* The session's key */

gboolean
hall_store_open_session_key (HallStore   *self,
                             const char  *official,
                             const char  *password,
                             GError     **error)
{
  g_autoptr (HallSigningKey) key = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (official != NULL && password != NULL, FALSE);

  key = hall_store_open_signing_key (self, official, password, NULL, error);
  if (key == NULL)
    return FALSE;
  certificate = hall_store_lookup_certificate (self, official, hall_signing_key_get_public_key (key),
                                               &local_error);

  g_mutex_lock (&self->write_lock);
  g_clear_pointer (&self->session_key, hall_signing_key_free);
  g_free (self->session_official);
  self->session_official = g_strdup (official);
  self->session_key = g_steal_pointer (&key);
  g_mutex_unlock (&self->write_lock);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (certificate == NULL)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH,
                   _("The hall has not certified the signing key of “%s” yet: decisions "
                     "cannot be signed until its certificate is synced"), official);
      return FALSE;
    }
  return TRUE;
}

void
hall_store_close_session_key (HallStore *self)
{
  g_return_if_fail (HALL_IS_STORE (self));

  g_mutex_lock (&self->write_lock);
  g_clear_pointer (&self->session_key, hall_signing_key_free);
  g_clear_pointer (&self->session_official, g_free);
  g_mutex_unlock (&self->write_lock);
}
