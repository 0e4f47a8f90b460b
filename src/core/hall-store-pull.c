/* hall-store-pull.c — pages of the server's change feed, applied here
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-core-error.h"
#include "hall-error.h"
#include "hall-license-payload.h"
#include "hall-store-private.h"

static gboolean
conflict_open_locked (HallStore  *self,
                      const char *entity_uuid,
                      gboolean   *open,
                      GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT 1 FROM conflicts WHERE entity_uuid = ?1"
                                   " AND resolved_at IS NULL LIMIT 1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, entity_uuid);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the conflicts"));
      return FALSE;
    }
  *open = rc == SQLITE_ROW;
  return TRUE;
}

/* Pull of an entity in conflict: its local row keeps this counter's
 * version until the official decides, and the conflict gets the server's
 * newer one, so "take theirs" never writes back a version the server has
 * moved on from while the cursor has moved past it. */
static gboolean
refresh_conflict_locked (HallStore  *self,
                         const char *entity,
                         const char *entity_uuid,
                         JsonNode   *data,
                         gint64      version,
                         GPtrArray  *changed_cases,
                         GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *json = json_to_string (data, FALSE);

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE conflicts SET server_json = ?2, server_version = ?3"
                                   " WHERE entity_uuid = ?1 AND resolved_at IS NULL"
                                   " AND server_version < ?3 AND kind = 'changed'",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, entity_uuid);
  hall_sqlite_bind_text (stmt, 2, json);
  sqlite3_bind_int64 (stmt, 3, version);
  if (!hall_sqlite_stmt_run (stmt, _("keep the server’s newer version"), error))
    return FALSE;
  if (sqlite3_changes (hall_sqlite_conn_get_db (self->writer)) == 0)
    return TRUE;
  return _hall_store_collect_owner_cases_locked (self, entity, entity_uuid, changed_cases, error);
}

static gboolean
owner_waiting_locked (HallStore  *self,
                      const char *uuid,
                      gboolean   *waiting,
                      GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT 1 FROM outbox WHERE owner_uuid = ?1 LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the outbox"));
      return FALSE;
    }
  *waiting = rc == SQLITE_ROW;
  return TRUE;
}

/* The version this counter has already (its own write, acknowledged by
 * version only): the server's record of it arrives with the pull. */
static gboolean
fill_case_record_locked (HallStore  *self,
                         gint64      case_id,
                         HallCase   *kase,
                         gint64      version,
                         GPtrArray  *changed_cases,
                         GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  if (hall_case_get_recorded_by (kase) == NULL)
    return TRUE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE cases SET recorded_by = ?3, recorded_at = NULLIF (?4, 0)"
                                   " WHERE id = ?1 AND version = ?2"
                                   " AND (recorded_by IS NOT ?3"
                                   "      OR recorded_at IS NOT NULLIF (?4, 0))",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  sqlite3_bind_int64 (stmt, 2, version);
  hall_sqlite_bind_text (stmt, 3, hall_case_get_recorded_by (kase));
  sqlite3_bind_int64 (stmt, 4, hall_case_get_recorded_at (kase));
  if (!hall_sqlite_stmt_run (stmt, _("keep the server’s record of the case"), error))
    return FALSE;
  if (sqlite3_changes (hall_sqlite_conn_get_db (self->writer)) > 0)
    g_ptr_array_add (changed_cases, g_strdup (hall_case_get_uuid (kase)));
  return TRUE;
}

gboolean
_hall_store_apply_case_locked (HallStore  *self,
                               JsonNode   *data,
                               HallCase   *read,
                               gint64      version,
                               GPtrArray  *changed_cases,
                               GError    **error)
{
  g_autoptr (HallCase) kase = read != NULL ? g_object_ref (read) : NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  const char *field = NULL;
  gint64 case_id = 0;
  gint64 local_version = 0;
  gint64 applicant_id = 0;
  g_autofree char *service_name = NULL;
  int rc;

  if (kase == NULL)
    kase = hall_case_new_from_json (data, &field, error);
  if (kase == NULL)
    return FALSE;
  hall_case_set_version (kase, version);

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT c.id, c.version, c.service_name, a.id FROM applicants a"
                                   " LEFT JOIN cases c ON c.uuid = ?1 WHERE a.uuid = ?2",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, hall_case_get_uuid (kase));
  hall_sqlite_bind_text (stmt, 2, hall_case_get_applicant_uuid (kase));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      case_id = sqlite3_column_int64 (stmt, 0);
      local_version = sqlite3_column_int64 (stmt, 1);
      service_name = hall_sqlite_column_dup (stmt, 2);
      applicant_id = sqlite3_column_int64 (stmt, 3);
    }
  else if (rc == SQLITE_DONE)
    {
      /* The feed is in commit order, so the applicant came first. */
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("The server sent case %s before its applicant %s"),
                   hall_case_get_number (kase), hall_case_get_applicant_uuid (kase));
      return FALSE;
    }
  else
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the case"));
      return FALSE;
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  if (case_id != 0 && local_version > version)
    return TRUE;
  if (case_id != 0 && local_version == version)
    return fill_case_record_locked (self, case_id, kase, version, changed_cases, error);

  /* The store has no catalog: a case new here gets no name rather than its
   * id posing as one; the screens name it from the catalog. */
  hall_case_set_service_name (kase, service_name ? service_name : "");
  if (case_id == 0)
    {
      if (!_hall_store_insert_case_locked (self, kase, applicant_id, TRUE, NULL, error))
        return FALSE;
    }
  else
    {
      g_autofree char *checklist = NULL;
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      json_node_set_array (node, hall_case_get_checklist (kase));
      checklist = json_to_string (node, FALSE);
      /* The feed may leave out who took the case in (a state change made
       * elsewhere); what this counter knows of it stays. */
      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE cases SET number = ?2, seq = ?3, service_id = ?4,"
                                       " applicant_id = ?5, state = ?6, created_at = ?7,"
                                       " promised_at = ?8, updated_at = ?9,"
                                       " counter = COALESCE(?10, counter),"
                                       " official = COALESCE(?11, official), checklist = ?12,"
                                       " version = ?13, sync_state = 'synced', sync_error = NULL,"
                                       " recorded_by = ?14, recorded_at = NULLIF (?15, 0)"
                                       " WHERE id = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, case_id);
      hall_sqlite_bind_text (stmt, 2, hall_case_get_number (kase));
      sqlite3_bind_int64 (stmt, 3, _hall_store_number_seq (hall_case_get_number (kase)));
      hall_sqlite_bind_text (stmt, 4, hall_case_get_service_id (kase));
      sqlite3_bind_int64 (stmt, 5, applicant_id);
      hall_sqlite_bind_text (stmt, 6, hall_case_state_to_string (hall_case_get_state (kase)));
      sqlite3_bind_int64 (stmt, 7, hall_case_get_created_at (kase));
      sqlite3_bind_int64 (stmt, 8, hall_case_get_promised_at (kase));
      sqlite3_bind_int64 (stmt, 9, hall_case_get_updated_at (kase));
      hall_sqlite_bind_text (stmt, 10, hall_case_get_counter (kase));
      hall_sqlite_bind_text (stmt, 11, hall_case_get_official (kase));
      hall_sqlite_bind_text (stmt, 12, checklist);
      sqlite3_bind_int64 (stmt, 13, version);
      /* The record of this version, or none if the server kept none. */
      if (hall_case_get_recorded_by (kase) != NULL)
        {
          hall_sqlite_bind_text (stmt, 14, hall_case_get_recorded_by (kase));
          sqlite3_bind_int64 (stmt, 15, hall_case_get_recorded_at (kase));
        }
      if (!hall_sqlite_stmt_run (stmt, _("save the case from the server"), error))
        return FALSE;
    }
  g_ptr_array_add (changed_cases, g_strdup (hall_case_get_uuid (kase)));
  return TRUE;
}

/* An entry written here and since acknowledged: the server's record of
 * it comes with the pull. An entry never changes, so neither does its
 * record once kept. */
static gboolean
fill_event_record_locked (HallStore     *self,
                          HallCaseEvent *event,
                          GPtrArray     *changed_cases,
                          GError       **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  if (hall_case_event_get_recorded_by (event) == NULL)
    return TRUE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE case_events SET recorded_by = ?2,"
                                   " recorded_at = NULLIF (?3, 0)"
                                   " WHERE uuid = ?1 AND recorded_by IS NULL",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, hall_case_event_get_uuid (event));
  hall_sqlite_bind_text (stmt, 2, hall_case_event_get_recorded_by (event));
  sqlite3_bind_int64 (stmt, 3, hall_case_event_get_recorded_at (event));
  if (!hall_sqlite_stmt_run (stmt, _("keep the server’s record of the case entry"), error))
    return FALSE;
  if (sqlite3_changes (hall_sqlite_conn_get_db (self->writer)) > 0)
    g_ptr_array_add (changed_cases, g_strdup (hall_case_event_get_case_uuid (event)));
  return TRUE;
}

static gboolean
apply_event_locked (HallStore     *self,
                    JsonNode      *data,
                    HallCaseEvent *read,
                    GPtrArray     *changed_cases,
                    GError       **error)
{
  g_autoptr (HallCaseEvent) event = read != NULL ? g_object_ref (read) : NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  const char *field = NULL;
  gint64 case_id = 0;
  int rc;

  if (event == NULL)
    event = hall_case_event_new_from_json (NULL, data, &field, error);
  if (event == NULL)
    return FALSE;

  stmt = hall_sqlite_conn_prepare (self->writer, "SELECT 1 FROM case_events WHERE uuid = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, hall_case_event_get_uuid (event));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return fill_event_record_locked (self, event, changed_cases, error);
  /* A failed read is not "no such entry": inserting then could double it. */
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt),
                             _("look up whether the case entry is saved"));
      return FALSE;
    }

  if (!_hall_store_lookup_case_id_locked (self, hall_case_event_get_case_uuid (event), &case_id,
                                          error))
    return FALSE;
  if (case_id == 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("The server sent an entry of case %s before the case"),
                   hall_case_event_get_case_uuid (event));
      return FALSE;
    }
  if (!_hall_store_insert_event_locked (self, case_id, event, TRUE, error))
    return FALSE;
  g_ptr_array_add (changed_cases, g_strdup (hall_case_event_get_case_uuid (event)));
  return TRUE;
}

/* A license from the change feed ({"number", "case", "payload",
 * "official", "issued_at", …}; the change's uuid is its case's): kept
 * unless this counter holds it already. Its signature is checked where
 * it is shown, as every license's is. */
static gboolean
apply_license_locked (HallStore  *self,
                      JsonNode   *data,
                      const char *case_uuid,
                      GPtrArray  *changed_cases,
                      GError    **error)
{
  JsonObject *object = json_node_get_object (data);
  const char *number = json_object_get_string_member_with_default (object, "number", NULL);
  const char *payload_text = json_object_get_string_member_with_default (object, "payload", NULL);
  g_autoptr (HallLicensePayload) payload = NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;

  payload = payload_text != NULL ? hall_license_payload_parse (payload_text, &local_error) : NULL;
  if (number == NULL || payload == NULL || g_strcmp0 (payload->number, number) != 0
      || g_strcmp0 (payload->case_uuid, case_uuid) != 0 || payload->certificate == NULL)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The license of case %s from the server is not one: %s"), case_uuid,
                   local_error != NULL ? local_error->message
                                       : _("its number, case or payload do not agree"));
      return FALSE;
    }
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO licenses (number, case_uuid, payload, official,"
                                   " issued_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                                   " ON CONFLICT (number) DO NOTHING",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, number);
  hall_sqlite_bind_text (stmt, 2, case_uuid);
  hall_sqlite_bind_text (stmt, 3, payload_text);
  hall_sqlite_bind_text (stmt, 4, payload->certificate->official);
  sqlite3_bind_int64 (stmt, 5, payload->issued_at);
  if (!hall_sqlite_stmt_run (stmt, _("save the license"), error))
    return FALSE;
  if (sqlite3_changes (hall_sqlite_conn_get_db (self->writer)) > 0)
    g_ptr_array_add (changed_cases, g_strdup (case_uuid));
  return TRUE;
}

/* Whether anything of this counter's own is still on its way or in
 * conflict: when nothing is, which a pull finds on most pages (and a
 * first pull on all), no pulled change needs looking up in the outbox
 * and the conflicts. Neither changes while a page is applied: the pull
 * writes to neither, and the write lock keeps others out. */
static gboolean
local_pending_locked (HallStore  *self,
                      gboolean   *pending,
                      GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT EXISTS (SELECT 1 FROM outbox)"
                                   " OR EXISTS (SELECT 1 FROM conflicts WHERE resolved_at IS NULL)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the outbox"));
  *pending = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

static gboolean
apply_change_locked (HallStore  *self,
                     JsonNode   *change_node,
                     GObject    *read,
                     guint       index,
                     gboolean    local_pending,
                     GHashTable *latest_pages,
                     GHashTable *parked,
                     GPtrArray  *changed_cases,
                     GError    **error)
{
  JsonObject *change;
  JsonNode *data;
  const char *entity;
  const char *uuid;
  gint64 version;
  gboolean waiting = FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (change_node))
    goto malformed;
  change = json_node_get_object (change_node);
  entity = json_object_get_string_member_with_default (change, "entity", NULL);
  uuid = json_object_get_string_member_with_default (change, "uuid", NULL);
  version = json_object_get_int_member_with_default (change, "version", 0);
  data = json_object_get_member (change, "data");
  if (entity == NULL || uuid == NULL || data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    goto malformed;

  /* A license is kept as it came: it is signed, and a case has one. */
  if (g_strcmp0 (entity, "license") == 0)
    return apply_license_locked (self, data, uuid, changed_cases, error);

  /* A page's record has its own rows in the outbox (owned by its case).
   * Only its newest record of this page of the feed counts: an older one
   * would bring back a page removed since, or move one for a moment. */
  if (g_strcmp0 (entity, "page") == 0)
    {
      if (version < (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (latest_pages, uuid)))
        return TRUE;
      return _hall_store_apply_page_locked (self, data, uuid, version, parked, changed_cases,
                                            error);
    }

  /* Our own changes still on their way win until the server has them. */
  if (local_pending && g_strcmp0 (entity, "event") != 0)
    {
      gboolean in_conflict = FALSE;

      if (!owner_waiting_locked (self, uuid, &waiting, error))
        return FALSE;
      if (waiting)
        return TRUE;
      if (!conflict_open_locked (self, uuid, &in_conflict, error))
        return FALSE;
      if (in_conflict)
        return refresh_conflict_locked (self, entity, uuid, data, version, changed_cases, error);
    }

  if (g_strcmp0 (entity, "applicant") == 0)
    {
      g_autoptr (HallApplicant) applicant = HALL_IS_APPLICANT (read)
                                            ? g_object_ref (HALL_APPLICANT (read)) : NULL;
      gint64 id;
      gboolean changed = FALSE;

      if (applicant == NULL)
        applicant = hall_applicant_new_from_json (data, NULL, error);
      if (applicant == NULL)
        return FALSE;
      hall_applicant_set_version (applicant, version);
      /* Its cases' rows show its name. */
      return _hall_store_save_applicant_locked (self, applicant, TRUE, &id, &changed, error)
             && (!changed
                 || _hall_store_collect_owner_cases_locked (self, entity, uuid, changed_cases,
                                                            error));
    }
  if (g_strcmp0 (entity, "case") == 0)
    return _hall_store_apply_case_locked (self, data, HALL_IS_CASE (read) ? HALL_CASE (read) : NULL,
                                          version, changed_cases, error);
  if (g_strcmp0 (entity, "event") == 0)
    return apply_event_locked (self, data,
                               HALL_IS_CASE_EVENT (read) ? HALL_CASE_EVENT (read) : NULL,
                               changed_cases, error);

  /* Kinds of entity newer servers may add are not ours to store. */
  g_debug ("Skipping a change of unknown entity “%s”", entity);
  return TRUE;

malformed:
  g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
               _("Change %u from the server lacks “entity”, “uuid” or “data”"), index);
  return FALSE;
}

gboolean
hall_store_apply_changes (HallStore   *self,
                          JsonArray   *changes,
                          GPtrArray   *entities,
                          const char  *next_cursor,
                          GError     **error)
{
  g_autoptr (GPtrArray) changed_cases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) latest_pages = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) parked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean local_pending = TRUE;
  guint n;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (entities == NULL || entities->len == json_array_get_length (changes),
                        FALSE);

  n = json_array_get_length (changes);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      const char *uuid;
      gint64 version;

      if (change == NULL
          || g_strcmp0 (json_object_get_string_member_with_default (change, "entity", NULL),
                        "page") != 0)
        continue;
      uuid = json_object_get_string_member_with_default (change, "uuid", NULL);
      version = json_object_get_int_member_with_default (change, "version", 0);
      if (uuid != NULL && version > 0
          && (gsize) version > GPOINTER_TO_SIZE (g_hash_table_lookup (latest_pages, uuid)))
        g_hash_table_insert (latest_pages, (gpointer) uuid, GSIZE_TO_POINTER (version));
    }
  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!local_pending_locked (self, &local_pending, error))
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  _hall_store_hold_index_locked (self);
  for (guint i = 0; i < n; i++)
    {
      if (!apply_change_locked (self, json_array_get_element (changes, i),
                                entities != NULL ? g_ptr_array_index (entities, i) : NULL, i,
                                local_pending, latest_pages, parked, changed_cases, error))
        {
          _hall_store_release_index_locked (self, FALSE, NULL);
          _hall_store_write_rollback (self);
          return FALSE;
        }
    }
  if (!_hall_store_settle_pages_locked (self, parked, error)
      || !_hall_store_release_index_locked (self, TRUE, error)
      || (next_cursor != NULL && !_hall_store_set_meta_locked (self, "cursor", next_cursor, error)))
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  if (!_hall_store_write_commit (self, error))
    return FALSE;

  if (n > 0)
    _hall_store_emit_cases_changed_once (self, changed_cases);
  return TRUE;
}

gboolean
hall_store_begin_pull (HallStore  *self,
                       GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  gboolean fresh;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  /* A first pull cut off goes on as it was. */
  if (self->search_fill)
    {
      _hall_store_write_rollback (self);
      return TRUE;
    }
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT NOT EXISTS (SELECT 1 FROM meta WHERE key = 'cursor')"
                                   " AND NOT EXISTS (SELECT 1 FROM applicants)"
                                   " AND NOT EXISTS (SELECT 1 FROM cases)",
                                   error);
  if (stmt == NULL || !hall_sqlite_stmt_step_row (stmt, _("look at the store"), error))
    {
      g_clear_pointer (&stmt, hall_sqlite_stmt_release);
      _hall_store_write_rollback (self);
      return FALSE;
    }
  fresh = sqlite3_column_int (stmt, 0) != 0;
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  if (!fresh)
    {
      _hall_store_write_rollback (self);
      return TRUE;
    }
  if (!_hall_store_drop_insert_triggers_locked (self, error)
      || !_hall_store_set_meta_locked (self, "search_fill", "1", error))
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  /* Set under the lock and before the commit, so that no write after the
   * commit writes keys row by row that the end would write again. */
  self->search_fill = TRUE;
  if (!hall_sqlite_conn_exec (self->writer, "COMMIT", _("save the changes"), error))
    {
      self->search_fill = FALSE;
      _hall_store_write_rollback (self);
      return FALSE;
    }
  g_mutex_unlock (&self->write_lock);
  g_debug ("first pull: search keys written when it ends");
  return TRUE;
}

gboolean
hall_store_end_pull (HallStore  *self,
                     GError    **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  return _hall_store_fill_search (self, error);
}
