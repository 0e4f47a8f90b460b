/* hall-store-rows.c — rows read into the model's objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-store-private.h"

HallApplicant *
_hall_store_read_applicant (sqlite3_stmt *stmt)
{
  const char *kind = (const char *) sqlite3_column_text (stmt, 2);
  const char *id_type_str = (const char *) sqlite3_column_text (stmt, 4);
  HallIdType id_type = HALL_ID_TYPE_RESIDENT_ID;

  if (id_type_str != NULL)
    hall_id_type_from_string (id_type_str, &id_type);

  if (g_strcmp0 (kind, "business") == 0)
    return g_object_new (HALL_TYPE_APPLICANT,
                         "kind", HALL_APPLICANT_BUSINESS,
                         "uuid", sqlite3_column_text (stmt, 1),
                         "name", sqlite3_column_text (stmt, 3),
                         "credit-code", sqlite3_column_text (stmt, 5),
                         "legal-representative", sqlite3_column_text (stmt, 7),
                         "contact-person", sqlite3_column_text (stmt, 11),
                         "phone", sqlite3_column_text (stmt, 6),
                         "version", sqlite3_column_int64 (stmt, 8),
                         "created-at", sqlite3_column_int64 (stmt, 9),
                         "updated-at", sqlite3_column_int64 (stmt, 10),
                         NULL);
  return g_object_new (HALL_TYPE_APPLICANT,
                       "kind", HALL_APPLICANT_PERSON,
                       "uuid", sqlite3_column_text (stmt, 1),
                       "name", sqlite3_column_text (stmt, 3),
                       "id-type", id_type,
                       "id-number", sqlite3_column_text (stmt, 5),
                       "phone", sqlite3_column_text (stmt, 6),
                       "version", sqlite3_column_int64 (stmt, 8),
                       "created-at", sqlite3_column_int64 (stmt, 9),
                       "updated-at", sqlite3_column_int64 (stmt, 10),
                       NULL);
}

HallCase *
_hall_store_read_case (sqlite3_stmt *stmt)
{
  HallCaseState state = HALL_CASE_RECEIVED;
  HallSyncState sync_state = HALL_SYNC_PENDING;
  const char *checklist_json = (const char *) sqlite3_column_text (stmt, 16);
  g_autoptr (JsonNode) checklist = NULL;
  HallCase *kase;

  hall_case_state_from_string ((const char *) sqlite3_column_text (stmt, 7), &state);
  hall_sync_state_from_string ((const char *) sqlite3_column_text (stmt, 14), &sync_state);
  if (checklist_json != NULL)
    checklist = json_from_string (checklist_json, NULL);

  kase = g_object_new (HALL_TYPE_CASE,
                       "uuid", sqlite3_column_text (stmt, 1),
                       "number", sqlite3_column_text (stmt, 2),
                       "service-id", sqlite3_column_text (stmt, 3),
                       "service-name", sqlite3_column_text (stmt, 4),
                       "applicant-uuid", sqlite3_column_text (stmt, 5),
                       "applicant-name", sqlite3_column_text (stmt, 6),
                       "state", state,
                       "created-at", sqlite3_column_int64 (stmt, 8),
                       "promised-at", sqlite3_column_int64 (stmt, 9),
                       "updated-at", sqlite3_column_int64 (stmt, 10),
                       "counter", sqlite3_column_text (stmt, 11),
                       "official", sqlite3_column_text (stmt, 12),
                       "version", sqlite3_column_int64 (stmt, 13),
                       "sync-state", sync_state,
                       "sync-error", sqlite3_column_text (stmt, 15),
                       "recorded-by", sqlite3_column_text (stmt, 17),
                       "recorded-at", sqlite3_column_int64 (stmt, 18),
                       NULL);
  if (checklist != NULL && JSON_NODE_HOLDS_ARRAY (checklist))
    hall_case_set_checklist (kase, json_node_get_array (checklist));
  return kase;
}

HallCaseEvent *
_hall_store_read_event (sqlite3_stmt *stmt,
                        const char   *case_uuid)
{
  HallCaseEventKind kind = HALL_CASE_EVENT_NOTE;
  HallCaseState new_state = HALL_CASE_RECEIVED;
  const char *new_state_str = (const char *) sqlite3_column_text (stmt, 2);
  const char *decision;
  HallCaseEvent *event;

  hall_case_event_kind_from_string ((const char *) sqlite3_column_text (stmt, 1), &kind);
  if (new_state_str != NULL)
    hall_case_state_from_string (new_state_str, &new_state);

  event = g_object_new (HALL_TYPE_CASE_EVENT,
                        "uuid", sqlite3_column_text (stmt, 0),
                        "case-uuid", case_uuid,
                        "kind", kind,
                        "new-state", new_state,
                        "note", sqlite3_column_text (stmt, 3),
                        "official", sqlite3_column_text (stmt, 4),
                        "at", sqlite3_column_int64 (stmt, 5),
                        "recorded-by", sqlite3_column_text (stmt, 6),
                        "recorded-at", sqlite3_column_int64 (stmt, 7),
                        NULL);
  if (kind == HALL_CASE_EVENT_DOCUMENT)
    hall_case_event_set_slot (event, (const char *) sqlite3_column_text (stmt, 9));
  decision = (const char *) sqlite3_column_text (stmt, 8);
  if (kind == HALL_CASE_EVENT_DECISION && decision != NULL)
    {
      g_autoptr (JsonNode) node = json_from_string (decision, NULL);
      g_autoptr (HallCaseEvent) read = NULL;

      /* Written by the store from a checked event: it reads back. */
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          json_object_set_string_member (json_node_get_object (node), "uuid",
                                         hall_case_event_get_uuid (event));
          json_object_set_string_member (json_node_get_object (node), "kind", "decision");
          read = hall_case_event_new_from_json (case_uuid, node, NULL, NULL);
        }
      if (read != NULL)
        {
          hall_case_event_set_step (event, hall_case_event_get_step (read));
          hall_case_event_set_decision (event, hall_case_event_get_decision (read));
          hall_case_event_set_reasons (event, hall_case_event_get_reasons (read));
          hall_case_event_set_content_hash (event, hall_case_event_get_content_hash (read));
          hall_case_event_set_documents (event, hall_case_event_get_documents (read));
          hall_case_event_set_signature (event, hall_case_event_get_signature (read));
          hall_case_event_set_certificate (event, hall_case_event_get_certificate (read));
        }
    }
  return event;
}

char *
_hall_store_json_to_string_free (JsonNode *node)
{
  char *text = json_to_string (node, FALSE);

  json_node_unref (node);
  return text;
}

/* Reads whole cases by rowid, in the order given. */
GPtrArray *
_hall_store_read_cases_by_id (HallSqliteConn  *conn,
                              const gint64    *ids,
                              guint            n_ids,
                              GError         **error)
{
  g_autoptr (GPtrArray) cases = g_ptr_array_new_full (n_ids, g_object_unref);
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (conn, "SELECT " CASE_COLUMNS CASE_FROM "WHERE c.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < n_ids; i++)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (cases, _hall_store_read_case (stmt));
      else if (rc != SQLITE_DONE)
        {
          hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the cases"));
          return NULL;
        }
      sqlite3_reset (stmt);
    }
  return g_steal_pointer (&cases);
}
