/* hall-store-conflicts.c — conflicts the official decides
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "hall-error.h"
#include "hall-json.h"
#include "hall-store-private.h"

/* The columns id, entity, entity_uuid, local_json, server_json,
 * server_version, created_at and kind, in this order. */
static HallConflict *
read_conflict_row (HallSqliteStmt *stmt)
{
  HallConflictKind kind = HALL_CONFLICT_CHANGED;

  hall_conflict_kind_from_string ((const char *) sqlite3_column_text (stmt, 7), &kind);
  return hall_conflict_new (sqlite3_column_int64 (stmt, 0), kind,
                            (const char *) sqlite3_column_text (stmt, 1),
                            (const char *) sqlite3_column_text (stmt, 2),
                            (const char *) sqlite3_column_text (stmt, 3),
                            (const char *) sqlite3_column_text (stmt, 4),
                            sqlite3_column_int64 (stmt, 5),
                            sqlite3_column_int64 (stmt, 6));
}

GPtrArray *
hall_store_list_conflicts (HallStore   *self,
                           const char  *case_uuid,
                           GError     **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (case_uuid != NULL, NULL);

  return _hall_store_read_objects (self,
                                   "SELECT k.id, k.entity, k.entity_uuid, k.local_json,"
                                   " k.server_json, k.server_version, k.created_at, k.kind"
                                   " FROM cases c"
                                   " CROSS JOIN applicants a ON a.id = c.applicant_id"
                                   " CROSS JOIN conflicts k"
                                   " WHERE c.uuid = ?1 AND k.resolved_at IS NULL"
                                   " AND (k.entity_uuid = c.uuid OR k.entity_uuid = a.uuid"
                                   "      OR (k.entity = 'event' AND k.entity_uuid IN"
                                   "          (SELECT e.uuid FROM case_events e"
                                   "           WHERE e.case_id = c.id)))"
                                   " ORDER BY k.id",
                                   case_uuid, (HallStoreObjectFunc) read_conflict_row,
                                   _("read the conflicts of the case"), error);
}

/* The conflict row, with whether it was decided already. */
static HallConflict *
read_conflict_locked (HallStore *self,
                      gint64     id,
                      gboolean  *resolved,
                      GError   **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT id, entity, entity_uuid, local_json, server_json,"
                                   " server_version, created_at, kind, resolved_at IS NOT NULL"
                                   " FROM conflicts WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("There is no conflict %" PRId64 " at this counter"), id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the conflict"));
      return NULL;
    }
  *resolved = sqlite3_column_int (stmt, 8) != 0;
  return read_conflict_row (stmt);
}

/* The newest body of the entity's updates still waiting, if any: changes
 * the official made after the one that met the conflict. */
static gboolean
newest_waiting_body_locked (HallStore  *self,
                            const char *entity_uuid,
                            char      **body_out,
                            GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT body FROM outbox"
                                   " WHERE owner_uuid = ?1 AND entity_uuid = ?1 AND method = 'PUT'"
                                   " ORDER BY seq DESC LIMIT 1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, entity_uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *body_out = hall_sqlite_column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the outbox"));
      return FALSE;
    }
  return TRUE;
}

/* The cases whose timelines record the decision. */
static gboolean
conflict_cases_locked (HallStore    *self,
                       HallConflict *conflict,
                       GPtrArray    *cases,
                       GError      **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  if (g_strcmp0 (hall_conflict_get_entity (conflict), "event") != 0)
    return _hall_store_collect_owner_cases_locked (self, hall_conflict_get_entity (conflict),
                                                   hall_conflict_get_entity_uuid (conflict), cases,
                                                   error);

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT c.uuid FROM case_events e CROSS JOIN cases c"
                                   " ON c.id = e.case_id WHERE e.uuid = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, hall_conflict_get_entity_uuid (conflict));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    g_ptr_array_add (cases, hall_sqlite_column_dup (stmt, 0));
  else if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the case of the entry"));
      return FALSE;
    }
  return TRUE;
}

/* What goes into the timeline: which side was kept and every value of the
 * side given up, so nothing is dropped without a trace. */
static char *
describe_resolution (HallConflict           *conflict,
                     HallConflictResolution  resolution)
{
  g_autoptr (GPtrArray) differences = hall_conflict_list_differences (conflict);
  g_autoptr (GString) values = g_string_new (NULL);
  gboolean applicant = g_strcmp0 (hall_conflict_get_entity (conflict), "applicant") == 0;
  g_autofree char *note = NULL;

  if (g_strcmp0 (hall_conflict_get_entity (conflict), "event") == 0)
    return g_strdup (_("Sent this counter’s timeline entry to the server again"));
  /* The server's applicant is kept whole: what this counter's had that it
   * has not is what the merge gives up. */
  if (resolution == HALL_CONFLICT_MERGE)
    resolution = HALL_CONFLICT_TAKE_THEIRS;

  for (guint i = 0; i < differences->len; i++)
    {
      HallConflictDifference *difference = differences->pdata[i];
      const char *value = resolution == HALL_CONFLICT_KEEP_MINE ? difference->theirs
                                                                 : difference->mine;

      if (values->len > 0)
        g_string_append (values, _("; "));
      /* Translators: a field and the value given up, "Phone: 13800000005" */
      g_string_append_printf (values, _("%s: %s"),
                              hall_conflict_get_field_label (difference->field),
                              value != NULL ? value : _("(none)"));
    }

  if (hall_conflict_get_kind (conflict) == HALL_CONFLICT_DUPLICATE)
    note = values->len == 0
           ? g_strdup (_("Moved to the applicant another counter registered first with the"
                         " same ID document. This counter’s duplicate record, with the same"
                         " details, was removed"))
           /* Translators: %s lists fields and this counter's values given up */
           : g_strdup_printf (_("Moved to the applicant another counter registered first with"
                                " the same ID document. This counter’s duplicate record was"
                                " removed; it had %s"),
                              values->str);
  else if (values->len == 0)
    note = g_strdup (resolution == HALL_CONFLICT_KEEP_MINE
                       ? _("Kept this counter’s version; the server’s was the same")
                       : _("Kept the server’s version; this counter’s was the same"));
  else if (resolution == HALL_CONFLICT_KEEP_MINE)
    /* Translators: %s lists fields and the server's values given up */
    note = g_strdup_printf (applicant
                              ? _("Kept this counter’s version of the applicant; replaced the"
                                  " server’s %s")
                              : _("Kept this counter’s version of the case; replaced the"
                                  " server’s %s"),
                            values->str);
  else
    /* Translators: %s lists fields and this counter's values given up */
    note = g_strdup_printf (applicant
                              ? _("Kept the server’s version of the applicant; discarded this"
                                  " counter’s change of %s")
                              : _("Kept the server’s version of the case; discarded this"
                                  " counter’s change of %s"),
                            values->str);

  if (g_utf8_strlen (note, -1) > HALL_JSON_MAX_NOTE_CHARS)
    {
      g_autofree char *head = g_utf8_substring (note, 0, HALL_JSON_MAX_NOTE_CHARS - 1);

      g_free (note);
      note = g_strconcat (head, "…", NULL);
    }
  return g_steal_pointer (&note);
}

static gboolean
keep_mine_locked (HallStore    *self,
                  HallConflict *conflict,
                  gboolean      newer_waiting,
                  GError      **error)
{
  const char *entity = hall_conflict_get_entity (conflict);
  const char *uuid = hall_conflict_get_entity_uuid (conflict);
  gint64 server_version = hall_conflict_get_server_version (conflict);
  gboolean is_applicant = g_strcmp0 (entity, "applicant") == 0;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *checklist = NULL;

  if (g_strcmp0 (entity, "event") == 0)
    {
      /* An entry is posted under its own uuid: sent again, it is one entry. */
      g_autoptr (HallCaseEvent) event = NULL;

      body = json_from_string (hall_conflict_get_local_json (conflict), error);
      if (body == NULL)
        return FALSE;
      event = hall_case_event_new_from_json (NULL, body, NULL, error);
      return event != NULL && _hall_store_enqueue_event_locked (self, event, error);
    }

  /* The documents the server's copy has provided stay provided: it keeps
   * them so over any copy sent, and this one must say the same. */
  if (!is_applicant && !_hall_store_take_provided_locked (self, uuid,
                                                          hall_conflict_get_server_json (conflict),
                                                          &checklist, error))
    return FALSE;

  if (newer_waiting)
    {
      /* A later change carries the whole entity as the official left it:
       * it goes over the server's version instead. */
      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE outbox SET base_version = ?2"
                                       " WHERE owner_uuid = ?1 AND entity_uuid = ?1"
                                       " AND method = 'PUT' AND base_version < ?2",
                                       error);
      if (stmt == NULL)
        return FALSE;
      hall_sqlite_bind_text (stmt, 1, uuid);
      sqlite3_bind_int64 (stmt, 2, server_version);
      if (!hall_sqlite_stmt_run (stmt, _("queue this counter’s version again"),
                                 error))
        return FALSE;
      g_clear_pointer (&stmt, hall_sqlite_stmt_release);
    }
  else
    {
      body = json_from_string (hall_conflict_get_local_json (conflict), error);
      if (body == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (body))
        {
          g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT,
                       _("This counter’s version of %s %s is not an object; it cannot be sent"
                         " again"),
                       entity, uuid);
          return FALSE;
        }
      json_object_set_int_member (json_node_get_object (body), "version", server_version);
      if (checklist != NULL)
        json_object_set_member (json_node_get_object (body), "checklist",
                                json_from_string (checklist, NULL));
      text = json_to_string (body, FALSE);
      path = g_strdup_printf (is_applicant ? "/v1/applicants/%s" : "/v1/cases/%s", uuid);
      if (!_hall_store_enqueue_locked (self, "PUT", path, text, entity, uuid, uuid, server_version,
                                       error))
        return FALSE;
    }

  /* The server's version is the one this counter has now seen. */
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   is_applicant
                                     ? "UPDATE applicants SET version = max (version, ?2),"
                                       " sync_state = 'pending', sync_error = NULL WHERE uuid = ?1"
                                     : "UPDATE cases SET version = max (version, ?2),"
                                       " sync_state = 'pending', sync_error = NULL WHERE uuid = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  sqlite3_bind_int64 (stmt, 2, server_version);
  return hall_sqlite_stmt_run (stmt, _("queue this counter’s version again"), error);
}

static gboolean
take_theirs_locked (HallStore    *self,
                    HallConflict *conflict,
                    GPtrArray    *changed_cases,
                    GError      **error)
{
  const char *entity = hall_conflict_get_entity (conflict);
  const char *uuid = hall_conflict_get_entity_uuid (conflict);
  gint64 server_version = hall_conflict_get_server_version (conflict);
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (JsonNode) data = NULL;

  if (g_strcmp0 (entity, "event") == 0)
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT,
                           _("An entry of this counter’s timeline has no version on the server"
                             " to take instead; send it again"));
      return FALSE;
    }

  /* This counter's updates of the entity still waiting would send the
   * version given up again. */
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "DELETE FROM outbox"
                                   " WHERE owner_uuid = ?1 AND entity_uuid = ?1 AND method = 'PUT'",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  if (!hall_sqlite_stmt_run (stmt, _("drop this counter’s change"), error))
    return FALSE;
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  data = json_from_string (hall_conflict_get_server_json (conflict), error);
  if (data == NULL)
    return FALSE;

  if (g_strcmp0 (entity, "applicant") == 0)
    {
      g_autoptr (HallApplicant) applicant = hall_applicant_new_from_json (data, NULL, error);
      gint64 id;

      if (applicant == NULL)
        return FALSE;
      hall_applicant_set_version (applicant, server_version);
      if (!_hall_store_save_applicant_locked (self, applicant, TRUE, &id, NULL, error))
        return FALSE;
      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE applicants SET sync_state = 'synced',"
                                       " sync_error = NULL WHERE uuid = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      hall_sqlite_bind_text (stmt, 1, uuid);
      return hall_sqlite_stmt_run (stmt, _("take the server’s version"), error);
    }
  return _hall_store_apply_case_locked (self, data, NULL, server_version, changed_cases, error)
         && _hall_store_reapply_waiting_entries_locked (self, uuid, error);
}

/* Points the waiting creations and updates of @local_id's cases at the
 * applicant @existing_uuid, and queues an update of each case the server
 * has with nothing of it waiting: the server learns of the move once,
 * through the outbox, with If-Match. Then the cases follow. */
static gboolean
move_cases_locked (HallStore  *self,
                   gint64      local_id,
                   gint64      existing_id,
                   const char *existing_uuid,
                   GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GPtrArray) unsent = g_ptr_array_new_with_free_func (g_free);
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE outbox SET body = json_set (body, '$.applicant', ?2)"
                                   " WHERE method = 'PUT' AND entity = 'case' AND json_valid (body)"
                                   " AND owner_uuid IN (SELECT uuid FROM cases"
                                   "                    WHERE applicant_id = ?1)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  hall_sqlite_bind_text (stmt, 2, existing_uuid);
  if (!hall_sqlite_stmt_run (stmt, _("move the cases to the applicant"), error))
    return FALSE;
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT c.uuid FROM cases c WHERE c.applicant_id = ?1"
                                   " AND NOT EXISTS (SELECT 1 FROM outbox o"
                                   "   WHERE o.owner_uuid = c.uuid AND o.method = 'PUT')",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (unsent, hall_sqlite_column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the applicant’s cases"));
      return FALSE;
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE cases SET applicant_id = ?2 WHERE applicant_id = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  sqlite3_bind_int64 (stmt, 2, existing_id);
  if (!hall_sqlite_stmt_run (stmt, _("move the cases to the applicant"), error))
    return FALSE;
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  for (guint i = 0; i < unsent->len; i++)
    {
      g_autoptr (HallCase) kase = NULL;
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;

      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "SELECT " CASE_COLUMNS CASE_FROM " WHERE c.uuid = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      hall_sqlite_bind_text (stmt, 1, unsent->pdata[i]);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the case"));
          return FALSE;
        }
      kase = _hall_store_read_case (stmt);
      g_clear_pointer (&stmt, hall_sqlite_stmt_release);
      path = g_strdup_printf ("/v1/cases/%s", hall_case_get_uuid (kase));
      body = _hall_store_json_to_string_free (hall_case_to_json (kase));
      if (!_hall_store_enqueue_locked (self, "PUT", path, body, "case", hall_case_get_uuid (kase),
                                       hall_case_get_uuid (kase), hall_case_get_version (kase),
                                       error))
        return FALSE;
    }
  return TRUE;
}

/* A duplicate: this counter's applicant met the server's, which holds the
 * same identity document. Every case of it goes to the server's applicant,
 * its waiting changes are dropped, and it is retired. */
static gboolean
merge_locked (HallStore    *self,
              HallConflict *conflict,
              GError      **error)
{
  const char *uuid = hall_conflict_get_entity_uuid (conflict);
  g_autoptr (HallApplicant) existing = NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (JsonNode) data = NULL;
  gint64 existing_id = 0;
  gint64 local_id = 0;
  int rc;

  data = json_from_string (hall_conflict_get_server_json (conflict), error);
  if (data == NULL)
    return FALSE;
  existing = hall_applicant_new_from_json (data, NULL, error);
  if (existing == NULL)
    return FALSE;
  if (g_strcmp0 (hall_applicant_get_uuid (existing), uuid) == 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT,
                   _("Applicant %s cannot be merged into itself"), uuid);
      return FALSE;
    }

  /* This counter's applicant gives the document up first, so that the
   * server's can hold it here (if it was not pulled already). */
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE applicants SET identity = NULL WHERE uuid = ?1"
                                   " RETURNING id",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      local_id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("merge the applicants"));
      return FALSE;
    }
  if (local_id == 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("There is no applicant %s at this counter"), uuid);
      return FALSE;
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  hall_applicant_set_version (existing, hall_conflict_get_server_version (conflict));
  if (!_hall_store_save_applicant_locked (self, existing, TRUE, &existing_id, NULL, error)
      || !move_cases_locked (self, local_id, existing_id, hall_applicant_get_uuid (existing),
                             error))
    return FALSE;

  /* What the duplicate still had to send would only meet the 409 again. */
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "DELETE FROM outbox WHERE owner_uuid = ?1 AND entity = 'applicant'",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  if (!hall_sqlite_stmt_run (stmt, _("merge the applicants"), error))
    return FALSE;
  return _hall_store_retire_applicant_locked (self, uuid, error);
}

/* A case left "conflict" shows what is true now: a conflict still open on
 * it, its applicant or its timeline, else waiting or synced. */
static gboolean
settle_case_locked (HallStore  *self,
                    const char *case_uuid,
                    GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE cases SET sync_state = CASE"
                                   "   WHEN EXISTS (SELECT 1 FROM conflicts k, applicants a"
                                   "     WHERE a.id = cases.applicant_id AND k.resolved_at IS NULL"
                                   "     AND (k.entity_uuid = cases.uuid OR k.entity_uuid = a.uuid"
                                   "          OR (k.entity = 'event' AND k.entity_uuid IN"
                                   "              (SELECT e.uuid FROM case_events e"
                                   "               WHERE e.case_id = cases.id))))"
                                   "     THEN 'conflict'"
                                   "   WHEN EXISTS (SELECT 1 FROM outbox o"
                                   "                WHERE o.owner_uuid = cases.uuid)"
                                   "     THEN 'pending'"
                                   "   ELSE 'synced' END"
                                   " WHERE uuid = ?1 AND sync_state = 'conflict'",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, case_uuid);
  if (!hall_sqlite_stmt_run (stmt, _("update the case’s sync state"), error))
    return FALSE;
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE cases SET sync_error = NULL"
                                   " WHERE uuid = ?1 AND sync_state <> 'conflict'",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, case_uuid);
  return hall_sqlite_stmt_run (stmt, _("update the case’s sync state"), error);
}

static gboolean
resolve_conflict_locked (HallStore              *self,
                         gint64                  conflict_id,
                         HallConflictResolution  resolution,
                         const char             *official,
                         GPtrArray              *changed_cases,
                         GError                **error)
{
  g_autoptr (HallConflict) conflict = NULL;
  g_autoptr (HallConflict) decided = NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *newer = NULL;
  g_autofree char *note = NULL;
  gboolean resolved = FALSE;
  const char *uuid;

  conflict = read_conflict_locked (self, conflict_id, &resolved, error);
  if (conflict == NULL)
    return FALSE;
  if (resolved)
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT,
                           _("This conflict was decided already; the case’s timeline says how"));
      return FALSE;
    }
  uuid = hall_conflict_get_entity_uuid (conflict);
  if ((hall_conflict_get_kind (conflict) == HALL_CONFLICT_DUPLICATE)
      != (resolution == HALL_CONFLICT_MERGE))
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT,
                           resolution == HALL_CONFLICT_MERGE
                             ? _("Only an applicant the server has under another record can"
                                 " be merged")
                             : _("The server has this applicant under another record: merge"
                                 " the two"));
      return FALSE;
    }

  /* The note compares what is given up as the official last left it. */
  if (!newest_waiting_body_locked (self, uuid, &newer, error))
    return FALSE;
  decided = newer == NULL ? g_object_ref (conflict)
                          : hall_conflict_new (conflict_id, hall_conflict_get_kind (conflict),
                                               hall_conflict_get_entity (conflict),
                                               uuid, newer,
                                               hall_conflict_get_server_json (conflict),
                                               hall_conflict_get_server_version (conflict),
                                               hall_conflict_get_created_at (conflict));
  note = describe_resolution (decided, resolution);

  if (!conflict_cases_locked (self, conflict, cases, error))
    return FALSE;
  if (resolution == HALL_CONFLICT_KEEP_MINE
        ? !keep_mine_locked (self, conflict, newer != NULL, error)
        : resolution == HALL_CONFLICT_MERGE
        ? !merge_locked (self, conflict, error)
        : !take_theirs_locked (self, conflict, changed_cases, error))
    return FALSE;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE conflicts SET resolved_at = ?2, resolution = ?3"
                                   " WHERE entity_uuid = ?1 AND resolved_at IS NULL",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  sqlite3_bind_int64 (stmt, 2, _hall_store_now_seconds ());
  hall_sqlite_bind_text (stmt, 3, hall_conflict_resolution_to_string (resolution));
  if (!hall_sqlite_stmt_run (stmt, _("close the conflict"), error))
    return FALSE;

  for (guint i = 0; i < cases->len; i++)
    {
      g_autoptr (HallCaseEvent) event = hall_case_event_new (cases->pdata[i],
                                                             HALL_CASE_EVENT_NOTE);

      hall_case_event_set_note (event, note);
      hall_case_event_set_official (event, official);
      if (!_hall_store_add_case_event_locked (self, event, error) ||
          !settle_case_locked (self, cases->pdata[i], error))
        return FALSE;
      g_ptr_array_add (changed_cases, g_strdup (cases->pdata[i]));
    }
  return TRUE;
}

gboolean
hall_store_resolve_conflict (HallStore               *self,
                             gint64                   conflict_id,
                             HallConflictResolution   resolution,
                             const char              *official,
                             GError                 **error)
{
  g_autoptr (GPtrArray) changed_cases = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (resolution == HALL_CONFLICT_KEEP_MINE ||
                        resolution == HALL_CONFLICT_TAKE_THEIRS ||
                        resolution == HALL_CONFLICT_MERGE, FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!_hall_store_write_end (self,
                              resolve_conflict_locked (self, conflict_id, resolution, official,
                                                       changed_cases, error),
                              changed_cases, error))
    return FALSE;
  g_debug ("Conflict %" G_GINT64_FORMAT " decided: %s", conflict_id,
           hall_conflict_resolution_to_string (resolution));
  return TRUE;
}
