/* hall-store-applicants.c — applicants, and their entries in the
 * full-text indexes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-json.h"
#include "hall-store-private.h"
#include "hall-validate.h"

/* The two full-text indexes are contentless: removing a row's terms needs
 * the values it was indexed with. */
static gboolean
write_index_locked (HallStore  *self,
                    gboolean    remove,
                    gint64      id,
                    const char *name,
                    const char *phone,
                    const char *id_number,
                    GError    **error)
{
  g_autoptr (HallSqliteStmt) bigrams = NULL;
  g_autoptr (HallSqliteStmt) trigrams = NULL;

  if (remove)
    {
      bigrams = hall_sqlite_conn_prepare (self->writer,
                                          "INSERT INTO applicant_bigrams"
                                          " (applicant_bigrams, rowid, bigrams)"
                                          " VALUES ('delete', ?1, hall_name_bigrams (?2))",
                                          error);
      trigrams = bigrams == NULL ? NULL
                                 : hall_sqlite_conn_prepare (self->writer,
                                                             "INSERT INTO applicant_trigrams"
                                                             " (applicant_trigrams, rowid,"
                                                             " name, phone, id_number)"
                                                             " VALUES ('delete', ?1, ?2, ?3, ?4)",
                                                             error);
    }
  else
    {
      bigrams = hall_sqlite_conn_prepare (self->writer,
                                          "INSERT INTO applicant_bigrams (rowid, bigrams)"
                                          " VALUES (?1, hall_name_bigrams (?2))",
                                          error);
      trigrams = bigrams == NULL ? NULL
                                 : hall_sqlite_conn_prepare (self->writer,
                                                             "INSERT INTO applicant_trigrams"
                                                             " (rowid, name, phone, id_number)"
                                                             " VALUES (?1, ?2, ?3, ?4)",
                                                             error);
    }
  if (trigrams == NULL)
    return FALSE;

  sqlite3_bind_int64 (bigrams, 1, id);
  hall_sqlite_bind_text (bigrams, 2, name);
  sqlite3_bind_int64 (trigrams, 1, id);
  hall_sqlite_bind_text (trigrams, 2, name);
  hall_sqlite_bind_text (trigrams, 3, phone ? phone : "");
  hall_sqlite_bind_text (trigrams, 4, id_number);
  return hall_sqlite_stmt_run (bigrams, _("index the applicant"), error)
         && hall_sqlite_stmt_run (trigrams, _("index the applicant"), error);
}

typedef struct
{
  gboolean  remove;
  gint64    id;
  char     *name;
  char     *phone;
  char     *id_number;
} IndexWrite;

static void
index_write_clear (gpointer data)
{
  IndexWrite *write = data;

  g_free (write->name);
  g_free (write->phone);
  g_free (write->id_number);
}

static gboolean
index_applicant_locked (HallStore  *self,
                        gboolean    remove,
                        gint64      id,
                        const char *name,
                        const char *phone,
                        const char *id_number,
                        GError    **error)
{
  IndexWrite write;

  /* A first pull's end indexes every applicant again. */
  if (self->search_fill)
    return TRUE;
  write = (IndexWrite) { remove, id, g_strdup (name), g_strdup (phone), g_strdup (id_number) };
  if (self->held_index == NULL)
    {
      index_write_clear (&write);
      return write_index_locked (self, remove, id, name, phone, id_number, error);
    }
  g_array_append_val (self->held_index, write);
  return TRUE;
}

/* FTS5 writes a table's pending terms to disk at every statement savepoint
 * once the table is part of the transaction, and inserting a case opens
 * one: a page of changes wrote a segment per applicant, and merging them
 * cost more the bigger the index grew (a pull of 100,000 changes slowed to
 * a third of its starting pace). Held back, a page's terms are one segment. */
void
_hall_store_hold_index_locked (HallStore *self)
{
  self->held_index = g_array_new (FALSE, FALSE, sizeof (IndexWrite));
  g_array_set_clear_func (self->held_index, index_write_clear);
}

/* Writes what was held back (with @write), in order; ends holding back. */
gboolean
_hall_store_release_index_locked (HallStore *self,
                                  gboolean   write,
                                  GError   **error)
{
  g_autoptr (GArray) held = g_steal_pointer (&self->held_index);

  for (guint i = 0; write && held != NULL && i < held->len; i++)
    {
      IndexWrite *w = &g_array_index (held, IndexWrite, i);

      if (!write_index_locked (self, w->remove, w->id, w->name, w->phone, w->id_number, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gint64  id;
  gint64  version;
  char   *kind;
  char   *name;
  char   *id_type;
  char   *id_number;
  char   *phone;
  char   *legal_representative;
  char   *contact_person;
} StoredApplicant;

static void
stored_applicant_clear (StoredApplicant *stored)
{
  g_free (stored->kind);
  g_free (stored->name);
  g_free (stored->id_type);
  g_free (stored->id_number);
  g_free (stored->phone);
  g_free (stored->legal_representative);
  g_free (stored->contact_person);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StoredApplicant, stored_applicant_clear)

/* Returns TRUE with stored->id == 0 when there is no such applicant. */
static gboolean
lookup_applicant_locked (HallStore       *self,
                         const char      *uuid,
                         StoredApplicant *stored,
                         GError         **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT id, version, name, id_type, id_number, phone,"
                                   " legal_representative, kind, contact_person"
                                   " FROM applicants WHERE uuid = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      stored->id = sqlite3_column_int64 (stmt, 0);
      stored->version = sqlite3_column_int64 (stmt, 1);
      stored->name = hall_sqlite_column_dup (stmt, 2);
      stored->id_type = hall_sqlite_column_dup (stmt, 3);
      stored->id_number = hall_sqlite_column_dup (stmt, 4);
      stored->phone = hall_sqlite_column_dup (stmt, 5);
      stored->legal_representative = hall_sqlite_column_dup (stmt, 6);
      stored->kind = hall_sqlite_column_dup (stmt, 7);
      stored->contact_person = hall_sqlite_column_dup (stmt, 8);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the applicant"));
      return FALSE;
    }
  stored->id = 0;
  return TRUE;
}

static const char *
applicant_id_type_string (HallApplicant *applicant)
{
  if (hall_applicant_get_kind (applicant) == HALL_APPLICANT_BUSINESS)
    return NULL;
  return hall_id_type_to_string (hall_applicant_get_id_type (applicant));
}

static const char *
applicant_kind_string (HallApplicant *applicant)
{
  return hall_applicant_get_kind (applicant) == HALL_APPLICANT_BUSINESS ? "business" : "person";
}

/* The text of applicants.identity for @applicant's identity document. */
static char *
identity_of (HallApplicant *applicant)
{
  const char *id_type = applicant_id_type_string (applicant);

  /* As migration 6 and the server write it. */
  return g_strdup_printf ("%s:%s:%s", applicant_kind_string (applicant),
                          id_type != NULL ? id_type : "",
                          hall_applicant_get_document_number (applicant));
}

/* The applicant other than @uuid that holds @identity: *@holder_out
 * (transfer full) is NULL when there is none; *@synced_out says whether
 * the server has acknowledged everything of it. */
static gboolean
identity_holder_locked (HallStore   *self,
                        const char  *identity,
                        const char  *uuid,
                        char       **holder_out,
                        gboolean    *synced_out,
                        GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT uuid, sync_state = 'synced' FROM applicants"
                                   " WHERE identity = ?1 AND uuid <> ?2",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, identity);
  hall_sqlite_bind_text (stmt, 2, uuid);
  rc = sqlite3_step (stmt);
  *holder_out = NULL;
  if (rc == SQLITE_ROW)
    {
      *holder_out = hall_sqlite_column_dup (stmt, 0);
      *synced_out = sqlite3_column_int (stmt, 1) != 0;
    }
  else if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the identity document"));
      return FALSE;
    }
  return TRUE;
}

/* Who holds the identity document @applicant is saved with. A change made
 * here may not take another's: HALL_STORE_ERROR_CONFLICT names the
 * holder. The server's word goes: a version it sends takes the document
 * from a holder here whose claim the server has not acknowledged (an
 * applicant taken in offline, which then meets the server's refusal and
 * waits to be merged), or, when the server itself has both (duplicates
 * from before the rule), goes without it. *@take_out: whether @applicant
 * takes the document. */
static gboolean
claim_identity_locked (HallStore     *self,
                       HallApplicant *applicant,
                       const char    *identity,
                       gboolean       from_server,
                       gboolean      *take_out,
                       GError       **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *holder = NULL;
  gboolean synced = FALSE;

  *take_out = TRUE;
  if (!identity_holder_locked (self, identity, hall_applicant_get_uuid (applicant), &holder,
                               &synced, error))
    return FALSE;
  if (holder == NULL)
    return TRUE;
  if (!from_server)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT,
                   _("Applicant %s at this counter already has this identity document"), holder);
      return FALSE;
    }
  if (synced)
    {
      *take_out = FALSE;
      return TRUE;
    }
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE applicants SET identity = NULL WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, holder);
  return hall_sqlite_stmt_run (stmt, _("save the applicant"), error);
}

/* Inserts or updates the applicant row, its index entries and, when
 * anything changed, its outbox row. @sync_from_server writes a version the
 * server sent instead of queueing. */
gboolean
_hall_store_save_applicant_locked (HallStore     *self,
                                   HallApplicant *applicant,
                                   gboolean       from_server,
                                   gint64        *id_out,
                                   gboolean      *changed_out,
                                   GError       **error)
{
  g_auto (StoredApplicant) stored = { 0, };
  g_autoptr (HallSqliteStmt) stmt = NULL;
  const char *uuid = hall_applicant_get_uuid (applicant);
  const char *kind = applicant_kind_string (applicant);
  const char *id_type = applicant_id_type_string (applicant);
  g_autofree char *identity = identity_of (applicant);
  gboolean same_identity;
  gboolean take_identity = TRUE;
  const char *document = hall_applicant_get_document_number (applicant);
  const char *phone = hall_applicant_get_phone (applicant);
  const char *legal = hall_applicant_get_legal_representative (applicant);
  const char *contact = hall_applicant_get_contact_person (applicant);
  const char *name = hall_applicant_get_name (applicant);
  gint64 now = _hall_store_now_seconds ();
  gint64 id;

  if (!lookup_applicant_locked (self, uuid, &stored, error))
    return FALSE;

  if (stored.id != 0
      && (from_server ? stored.version >= hall_applicant_get_version (applicant)
                      : (g_strcmp0 (stored.name, name) == 0
                         && g_strcmp0 (stored.id_type, id_type) == 0
                         && g_strcmp0 (stored.id_number, document) == 0
                         && g_strcmp0 (stored.phone, phone) == 0
                         && g_strcmp0 (stored.legal_representative, legal) == 0
                         && g_strcmp0 (stored.contact_person, contact) == 0)))
    {
      *id_out = stored.id;
      if (changed_out)
        *changed_out = FALSE;
      return TRUE;
    }

  /* An applicant that keeps its document keeps what it holds of it: a
   * duplicate from before the rule, which holds nothing, stays writable. */
  same_identity = stored.id != 0 && g_strcmp0 (stored.kind, kind) == 0
                  && g_strcmp0 (stored.id_type, id_type) == 0
                  && g_strcmp0 (stored.id_number, document) == 0;
  if (!same_identity
      && !claim_identity_locked (self, applicant, identity, from_server, &take_identity, error))
    return FALSE;

  if (stored.id != 0)
    {
      if (!index_applicant_locked (self, TRUE, stored.id, stored.name, stored.phone,
                                   stored.id_number, error))
        return FALSE;
      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE applicants SET name = ?2, id_type = ?3,"
                                       " id_number = ?4, phone = ?5, legal_representative = ?6,"
                                       " updated_at = ?7, version = ?8, sync_state = ?9,"
                                       " sync_error = NULL,"
                                       " identity = CASE WHEN ?10 THEN identity ELSE ?11 END,"
                                       " contact_person = ?13"
                                       " WHERE id = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, stored.id);
      sqlite3_bind_int (stmt, 10, same_identity);
      id = stored.id;
    }
  else
    {
      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "INSERT INTO applicants (uuid, name, id_type, id_number,"
                                       " phone, legal_representative, updated_at, version,"
                                       " sync_state, kind, identity, created_at, contact_person)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                                       " ?12, ?13)",
                                       error);
      if (stmt == NULL)
        return FALSE;
      hall_sqlite_bind_text (stmt, 1, uuid);
      hall_sqlite_bind_text (stmt, 10, kind);
      sqlite3_bind_int64 (stmt, 12, hall_applicant_get_created_at (applicant));
      id = 0;
    }
  hall_sqlite_bind_text (stmt, 11, take_identity ? identity : NULL);
  hall_sqlite_bind_text (stmt, 2, name);
  hall_sqlite_bind_text (stmt, 3, id_type);
  hall_sqlite_bind_text (stmt, 4, document);
  hall_sqlite_bind_text (stmt, 5, phone);
  hall_sqlite_bind_text (stmt, 6, legal);
  hall_sqlite_bind_text (stmt, 13, contact);
  sqlite3_bind_int64 (stmt, 7, from_server ? hall_applicant_get_updated_at (applicant) : now);
  sqlite3_bind_int64 (stmt, 8,
                      from_server ? hall_applicant_get_version (applicant) : stored.version);
  hall_sqlite_bind_text (stmt, 9, from_server ? "synced" : "pending");
  if (!hall_sqlite_stmt_run (stmt, _("save the applicant"), error))
    return FALSE;
  if (id == 0)
    id = sqlite3_last_insert_rowid (hall_sqlite_conn_get_db (self->writer));

  if (!index_applicant_locked (self, FALSE, id, name, phone, document, error))
    return FALSE;

  if (!from_server)
    {
      g_autofree char *path = g_strdup_printf ("/v1/applicants/%s", uuid);
      g_autofree char *body = NULL;

      hall_applicant_set_updated_at (applicant, now);
      hall_applicant_set_version (applicant, stored.version);
      body = _hall_store_json_to_string_free (hall_applicant_to_json (applicant));
      if (!_hall_store_enqueue_locked (self, "PUT", path, body, "applicant", uuid, uuid,
                                       stored.version, error))
        return FALSE;
    }

  *id_out = id;
  if (changed_out)
    *changed_out = TRUE;
  return TRUE;
}

gboolean
_hall_store_retire_applicant_locked (HallStore   *self,
                                     const char  *uuid,
                                     GError     **error)
{
  g_auto (StoredApplicant) stored = { 0, };
  g_autoptr (HallSqliteStmt) stmt = NULL;

  if (!lookup_applicant_locked (self, uuid, &stored, error))
    return FALSE;
  if (stored.id == 0)
    return TRUE;

  /* The server has it: a change of it, or a case another counter opens
   * for it, may still come through the feed, and must find it here. */
  if (stored.version > 0)
    {
      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE applicants SET identity = NULL,"
                                       " sync_state = 'synced', sync_error = NULL WHERE id = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, stored.id);
      return hall_sqlite_stmt_run (stmt, _("retire the applicant"), error);
    }

  if (!index_applicant_locked (self, TRUE, stored.id, stored.name, stored.phone, stored.id_number,
                               error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer, "DELETE FROM applicants WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, stored.id);
  return hall_sqlite_stmt_run (stmt, _("retire the applicant"), error);
}

gboolean
hall_store_save_applicant (HallStore      *self,
                           HallApplicant  *applicant,
                           GError        **error)
{
  gboolean changed = FALSE;
  gint64 id;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (HALL_IS_APPLICANT (applicant), FALSE);

  if (!hall_applicant_validate (applicant, NULL, error))
    return FALSE;
  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!_hall_store_save_applicant_locked (self, applicant, FALSE, &id, &changed, error))
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  if (!_hall_store_write_commit (self, error))
    return FALSE;
  if (changed)
    {
      _hall_store_emit_changed (self);
      _hall_store_emit_outbox_changed (self);
    }
  return TRUE;
}

static gboolean
correct_phone_locked (HallStore   *self,
                      const char  *uuid,
                      const char  *phone,
                      gboolean    *changed_out,
                      GError     **error)
{
  g_auto (StoredApplicant) stored = { 0, };
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *event_uuid = g_uuid_string_random ();
  g_autofree char *path = g_strdup_printf ("/v1/applicants/%s/phone", uuid);
  g_autofree char *at = NULL;
  g_autofree char *body = NULL;
  gint64 now = _hall_store_now_seconds ();

  *changed_out = FALSE;
  if (!lookup_applicant_locked (self, uuid, &stored, error))
    return FALSE;
  if (stored.id == 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("There is no applicant %s at this counter"), uuid);
      return FALSE;
    }
  if (g_strcmp0 (stored.phone, phone) == 0)
    return TRUE;

  if (!index_applicant_locked (self, TRUE, stored.id, stored.name, stored.phone,
                               stored.id_number, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE applicants SET phone = ?2, updated_at = ?3,"
                                   " sync_state = 'pending', sync_error = NULL WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, stored.id);
  hall_sqlite_bind_text (stmt, 2, phone);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!hall_sqlite_stmt_run (stmt, _("correct the applicant’s phone"), error)
      || !index_applicant_locked (self, FALSE, stored.id, stored.name, phone, stored.id_number,
                                  error))
    return FALSE;

  /* An event, not the whole applicant: it changes the one field, so it
   * needs no If-Match and cannot undo what another counter changed. */
  at = hall_timestamp_to_iso8601 (now);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, event_uuid);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_string_value (builder, phone);
  json_builder_set_member_name (builder, "at");
  json_builder_add_string_value (builder, at);
  json_builder_end_object (builder);
  body = _hall_store_json_to_string_free (json_builder_get_root (builder));
  if (!_hall_store_enqueue_locked (self, "POST", path, body, "applicant", uuid, uuid, 0, error))
    return FALSE;
  *changed_out = TRUE;
  return TRUE;
}

gboolean
hall_store_correct_applicant_phone (HallStore   *self,
                                    const char  *applicant_uuid,
                                    const char  *phone,
                                    GError     **error)
{
  g_autofree char *normalized = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (applicant_uuid != NULL, FALSE);

  normalized = hall_applicant_check_phone (phone, error);
  if (normalized == NULL)
    return FALSE;
  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!correct_phone_locked (self, applicant_uuid, normalized, &changed, error))
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  if (!_hall_store_write_commit (self, error))
    return FALSE;
  if (changed)
    {
      _hall_store_emit_changed (self);
      _hall_store_emit_outbox_changed (self);
    }
  return TRUE;
}

static HallApplicant *
get_applicant_where (HallStore  *self,
                     const char *sql,
                     const char *value,
                     GError    **error)
{
  return _hall_store_read_object (self, sql, value,
                                  (HallStoreObjectFunc) _hall_store_read_applicant,
                                  _("read the applicant"), error);
}

HallApplicant *
hall_store_get_applicant (HallStore   *self,
                          const char  *uuid,
                          GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  HallApplicant *applicant;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  applicant = get_applicant_where (self,
                                   "SELECT " APPLICANT_COLUMNS " FROM applicants WHERE uuid = ?1",
                                   uuid, &local_error);
  if (applicant == NULL && local_error == NULL)
    g_set_error (&local_error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                 _("There is no applicant %s at this counter"), uuid);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return applicant;
}

HallApplicant *
hall_store_find_applicant (HallStore   *self,
                           const char  *document_number,
                           GError     **error)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (document_number != NULL, NULL);

  normalized = hall_normalize_document_number (document_number);
  /* Several rows can share a number: other types of ID, or duplicates
   * from before one applicant per document; the most recently updated is
   * the one to show. */
  return get_applicant_where (self,
                              "SELECT " APPLICANT_COLUMNS " FROM applicants WHERE id_number = ?1"
                              " ORDER BY updated_at DESC LIMIT 1",
                              normalized, error);
}

HallApplicant *
hall_store_find_applicant_by_identity (HallStore      *self,
                                       HallApplicant  *applicant,
                                       GError        **error)
{
  g_autofree char *identity = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (HALL_IS_APPLICANT (applicant), NULL);

  identity = identity_of (applicant);
  return get_applicant_where (self,
                              "SELECT " APPLICANT_COLUMNS " FROM applicants WHERE identity = ?1",
                              identity, error);
}
