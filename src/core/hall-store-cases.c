/* hall-store-cases.c — cases and their timelines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-audit.h"
#include "hall-case-copy.h"
#include "hall-case-sort.h"
#include "hall-error.h"
#include "hall-json.h"
#include "hall-signature.h"
#include "hall-store-private.h"
#include "hall-store-signing.h"

/* How long before its intake a case may say it started: a working day. */
#define CASE_STARTED_MAX_AGE (12 * 3600)

/* A new change waits to be sent; a conflict still open stays on show until
 * the official decides it. */
#define SYNC_PENDING_SQL                                                \
  " sync_state = CASE sync_state WHEN 'conflict' THEN 'conflict' ELSE 'pending' END," \
  " sync_error = CASE sync_state WHEN 'conflict' THEN sync_error END"

static JsonArray *
checklist_from_service (HallService *service)
{
  JsonArray *checklist = json_array_new ();
  guint n = hall_service_get_n_documents (service);

  for (guint i = 0; i < n; i++)
    {
      const HallRequiredDocument *doc = hall_service_get_document (service, i);
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", doc->id);
      json_object_set_boolean_member (item, "provided", FALSE);
      json_array_add_object_element (checklist, item);
    }
  return checklist;
}

static gint64
year_of (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (unix_seconds);

  return g_date_time_get_year (dt);
}

static gboolean
allocate_seq_locked (HallStore  *self,
                     const char *counter,
                     gint64      year,
                     gint64     *seq_out,
                     GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO case_sequences (counter, year, last_seq)"
                                   " VALUES (?1, ?2, 1)"
                                   " ON CONFLICT (counter, year) DO UPDATE"
                                   " SET last_seq = last_seq + 1 RETURNING last_seq",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, counter);
  sqlite3_bind_int64 (stmt, 2, year);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("allocate a case number"));
      return FALSE;
    }
  *seq_out = sqlite3_column_int64 (stmt, 0);
  return hall_sqlite_stmt_run (stmt, _("allocate a case number"), error);
}

gboolean
_hall_store_insert_event_locked (HallStore     *self,
                                 gint64         case_id,
                                 HallCaseEvent *event,
                                 gboolean       from_server,
                                 GError       **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  HallCaseEventKind kind = hall_case_event_get_kind (event);
  const char *new_state = kind == HALL_CASE_EVENT_STATE
                          ? hall_case_state_to_string (hall_case_event_get_new_state (event))
                          : NULL;
  const char *slot = kind == HALL_CASE_EVENT_DOCUMENT ? hall_case_event_get_slot (event) : NULL;
  g_autofree char *decision = NULL;
  g_autofree char *marked_slot = NULL;
  g_autofree char *prev_hash = NULL;
  g_autofree char *entry_hash = NULL;
  g_autoptr (GError) local_error = NULL;

  /* The audit chain (hall-audit.h), written with the row: the trigger
   * of migration 8 wrote the row twice more to chain it, a fifth of a
   * pull's time. It still chains a row inserted without its hashes. The
   * head read here, the row and the new head are one link only inside the
   * caller's write transaction, which every caller holds. */
  stmt = hall_sqlite_conn_prepare (self->writer, "SELECT audit_head FROM cases WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  if (!hall_sqlite_stmt_step_row (stmt, _("save the case’s history"), &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                     _("There is no case %s at this counter to add the entry to"),
                     hall_case_event_get_case_uuid (event));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  prev_hash = hall_sqlite_column_dup (stmt, 0);
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  if (kind == HALL_CASE_EVENT_DECISION)
    {
      /* The decision's own members, as the wire has them. */
      g_autoptr (JsonNode) json = hall_case_event_to_json (event);
      JsonObject *object = json_node_get_object (json);
      static const char * const common[] = { "uuid", "case", "kind", "note", "official", "at",
                                             "recorded_by", "recorded_at" };

      for (guint i = 0; i < G_N_ELEMENTS (common); i++)
        json_object_remove_member (object, common[i]);
      decision = json_to_string (json, FALSE);
    }
  /* As migration 18 has it: a decision's members, or the slot, marked. */
  if (decision == NULL && slot != NULL)
    marked_slot = g_strconcat ("slot:", slot, NULL);
  entry_hash = hall_audit_entry_hash (prev_hash, hall_case_event_get_uuid (event),
                                      hall_case_event_kind_to_string (kind), new_state,
                                      hall_case_event_get_note (event),
                                      hall_case_event_get_official (event),
                                      hall_case_event_get_at (event),
                                      decision != NULL ? decision : marked_slot);

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO case_events (uuid, case_id, kind, new_state, note,"
                                   " official, at, recorded_by, recorded_at, decision, slot,"
                                   " prev_hash, entry_hash)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULLIF (?9, 0), ?10,"
                                   " ?11, ?12, ?13)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, hall_case_event_get_uuid (event));
  sqlite3_bind_int64 (stmt, 2, case_id);
  hall_sqlite_bind_text (stmt, 3, hall_case_event_kind_to_string (kind));
  hall_sqlite_bind_text (stmt, 4, new_state);
  hall_sqlite_bind_text (stmt, 5, hall_case_event_get_note (event));
  hall_sqlite_bind_text (stmt, 6, hall_case_event_get_official (event));
  sqlite3_bind_int64 (stmt, 7, hall_case_event_get_at (event));
  hall_sqlite_bind_text (stmt, 10, decision);
  hall_sqlite_bind_text (stmt, 11, slot);
  hall_sqlite_bind_text (stmt, 12, prev_hash);
  hall_sqlite_bind_text (stmt, 13, entry_hash);
  /* Whatever a caller set, only the server's word counts as its record. */
  if (from_server && hall_case_event_get_recorded_by (event) != NULL)
    {
      hall_sqlite_bind_text (stmt, 8, hall_case_event_get_recorded_by (event));
      sqlite3_bind_int64 (stmt, 9, hall_case_event_get_recorded_at (event));
    }
  if (!hall_sqlite_stmt_run (stmt, _("save the case’s history"), error))
    return FALSE;
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  stmt = hall_sqlite_conn_prepare (self->writer, "UPDATE cases SET audit_head = ?2 WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  hall_sqlite_bind_text (stmt, 2, entry_hash);
  return hall_sqlite_stmt_run (stmt, _("save the case’s history"), error);
}

gboolean
_hall_store_enqueue_event_locked (HallStore     *self,
                                  HallCaseEvent *event,
                                  GError       **error)
{
  const char *case_uuid = hall_case_event_get_case_uuid (event);
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", case_uuid);
  g_autofree char *body = _hall_store_json_to_string_free (hall_case_event_to_json (event));

  return _hall_store_enqueue_locked (self, "POST", path, body, "event",
                                     hall_case_event_get_uuid (event), case_uuid, 0, error);
}

/* The tail of "YC-2026-C03-000123". */
gint64
_hall_store_number_seq (const char *number)
{
  const char *dash = strrchr (number, '-');

  return g_ascii_strtoll (dash ? dash + 1 : number, NULL, 10);
}

#define INSERT_CASE_SQL                                                                   \
  "INSERT INTO cases (uuid, number, seq, service_id, service_name, applicant_id, state,"  \
  " created_at, promised_at, updated_at, counter, official, checklist, version,"          \
  " sync_state, recorded_by, recorded_at, due_rank)"                                       \
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"        \
  " NULLIF (?17, 0), ?18)"

gboolean
_hall_store_insert_case_locked (HallStore  *self,
                                HallCase   *kase,
                                gint64      applicant_id,
                                gboolean    from_server,
                                gint64     *case_id,
                                GError    **error)
{
  gint64 id;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *checklist = NULL;
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, hall_case_get_checklist (kase));
  checklist = json_to_string (node, FALSE);

  stmt = hall_sqlite_conn_prepare (self->writer, INSERT_CASE_SQL, error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, hall_case_get_uuid (kase));
  hall_sqlite_bind_text (stmt, 2, hall_case_get_number (kase));
  sqlite3_bind_int64 (stmt, 3, _hall_store_number_seq (hall_case_get_number (kase)));
  hall_sqlite_bind_text (stmt, 4, hall_case_get_service_id (kase));
  hall_sqlite_bind_text (stmt, 5, hall_case_get_service_name (kase)
                                    ? hall_case_get_service_name (kase) : "");
  sqlite3_bind_int64 (stmt, 6, applicant_id);
  hall_sqlite_bind_text (stmt, 7, hall_case_state_to_string (hall_case_get_state (kase)));
  sqlite3_bind_int64 (stmt, 8, hall_case_get_created_at (kase));
  sqlite3_bind_int64 (stmt, 9, hall_case_get_promised_at (kase));
  sqlite3_bind_int64 (stmt, 10, hall_case_get_updated_at (kase));
  hall_sqlite_bind_text (stmt, 11,
                         hall_case_get_counter (kase) ? hall_case_get_counter (kase) : "");
  hall_sqlite_bind_text (stmt, 12,
                         hall_case_get_official (kase) ? hall_case_get_official (kase) : "");
  hall_sqlite_bind_text (stmt, 13, checklist);
  sqlite3_bind_int64 (stmt, 14, hall_case_get_version (kase));
  hall_sqlite_bind_text (stmt, 15, from_server ? "synced" : "pending");
  if (from_server && hall_case_get_recorded_by (kase) != NULL)
    {
      hall_sqlite_bind_text (stmt, 16, hall_case_get_recorded_by (kase));
      sqlite3_bind_int64 (stmt, 17, hall_case_get_recorded_at (kase));
    }
  /* The due order's group, as HALL_STORE_DUE_RANK has it: given here, the
   * insert trigger need not write the row again (migration 19). */
  sqlite3_bind_int (stmt, 18, hall_case_sort_due_rank (kase));
  if (!hall_sqlite_stmt_run (stmt, _("save the case"), error))
    return FALSE;
  id = sqlite3_last_insert_rowid (hall_sqlite_conn_get_db (self->writer));
  if (case_id != NULL)
    *case_id = id;
  if (!self->search_fill)
    return TRUE;
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  /* While a first pull runs, what its insert triggers would write
   * (hall-store-search.c): the keys of a case taken in here (the pulled
   * ones get theirs at the pull's end), and the counts. */
  if (!from_server && !_hall_store_write_case_keys_locked (self, id, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO counts (name, n) VALUES ('cases', 1),"
                                   " ('state:' || ?1, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, hall_case_state_to_string (hall_case_get_state (kase)));
  return hall_sqlite_stmt_run (stmt, _("save the case"), error);
}

typedef struct
{
  char      *uuid;
  char      *number;
  gint64     created_at;
  gint64     promised_at;
  gint64     updated_at;
  JsonArray *checklist;
} CaseSnapshot;

static void
case_snapshot_take (CaseSnapshot *snap,
                    HallCase     *kase)
{
  snap->uuid = g_strdup (hall_case_get_uuid (kase));
  snap->number = g_strdup (hall_case_get_number (kase));
  snap->created_at = hall_case_get_created_at (kase);
  snap->promised_at = hall_case_get_promised_at (kase);
  snap->updated_at = hall_case_get_updated_at (kase);
  snap->checklist = json_array_ref (hall_case_get_checklist (kase));
}

/* Puts back what a failed create_case filled in, so the caller can retry
 * with the same object. */
static void
case_snapshot_restore (CaseSnapshot *snap,
                       HallCase     *kase)
{
  hall_case_set_uuid (kase, snap->uuid);
  hall_case_set_number (kase, snap->number);
  hall_case_set_created_at (kase, snap->created_at);
  hall_case_set_promised_at (kase, snap->promised_at);
  hall_case_set_updated_at (kase, snap->updated_at);
  hall_case_set_checklist (kase, snap->checklist);
}

static void
case_snapshot_clear (CaseSnapshot *snap)
{
  g_free (snap->uuid);
  g_free (snap->number);
  g_clear_pointer (&snap->checklist, json_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CaseSnapshot, case_snapshot_clear)

static gboolean
create_case_locked (HallStore      *self,
                    HallApplicant  *applicant,
                    HallService    *service,
                    HallCase       *kase,
                    GError        **error)
{
  g_autoptr (HallCaseEvent) created = NULL;
  g_autofree char *number = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  gint64 case_id = 0;
  gint64 now = _hall_store_now_seconds ();
  gint64 started = hall_case_get_created_at (kase);
  gint64 applicant_id;
  gint64 seq;

  if (!_hall_store_save_applicant_locked (self, applicant, FALSE, &applicant_id, NULL, error)
      || !allocate_seq_locked (self, self->counter, year_of (now), &seq, error))
    return FALSE;

  number = g_strdup_printf ("%s-%" G_GINT64_FORMAT "-%s-%06" G_GINT64_FORMAT,
                            self->hall_code, year_of (now), self->counter, seq);
  g_object_freeze_notify (G_OBJECT (kase));
  hall_case_set_number (kase, number);
  hall_case_set_service_id (kase, hall_service_get_id (service));
  hall_case_set_service_name (kase, hall_service_get_name (service));
  hall_case_set_applicant_uuid (kase, hall_applicant_get_uuid (applicant));
  hall_case_set_applicant_name (kase, hall_applicant_get_name (applicant));
  /* A citizen who took a queue ticket has been waiting since: the case's
   * clock (and its promised time) starts then, when the intake says so,
   * within the last CASE_STARTED_MAX_AGE seconds and never in the future. */
  if (started <= 0 || started > now || started < now - CASE_STARTED_MAX_AGE)
    started = now;
  hall_case_set_created_at (kase, started);
  hall_case_set_updated_at (kase, now);
  hall_case_set_promised_at (kase, hall_service_get_promised_at (service, started));
  hall_case_set_counter (kase, self->counter);
  hall_case_set_version (kase, 0);
  hall_case_set_sync_state (kase, HALL_SYNC_PENDING);
  hall_case_set_sync_error (kase, NULL);
  hall_case_set_recorded_by (kase, NULL);
  hall_case_set_recorded_at (kase, 0);
  if (json_array_get_length (hall_case_get_checklist (kase)) == 0)
    {
      g_autoptr (JsonArray) checklist = checklist_from_service (service);

      hall_case_set_checklist (kase, checklist);
    }
  g_object_thaw_notify (G_OBJECT (kase));

  created = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_CREATED);
  hall_case_event_set_official (created, hall_case_get_official (kase));
  hall_case_event_set_at (created, now);

  path = g_strdup_printf ("/v1/cases/%s", hall_case_get_uuid (kase));
  body = _hall_store_json_to_string_free (hall_case_to_json (kase));

  return _hall_store_insert_case_locked (self, kase, applicant_id, FALSE, &case_id, error)
         && _hall_store_insert_event_locked (self, case_id, created, FALSE, error)
         && _hall_store_enqueue_locked (self, "PUT", path, body, "case", hall_case_get_uuid (kase),
                                        hall_case_get_uuid (kase), 0, error)
         && _hall_store_enqueue_event_locked (self, created, error);
}

gboolean
hall_store_create_case (HallStore      *self,
                        HallApplicant  *applicant,
                        HallService    *service,
                        HallCase       *kase,
                        GError        **error)
{
  g_auto (CaseSnapshot) snap = { 0, };

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (HALL_IS_APPLICANT (applicant), FALSE);
  g_return_val_if_fail (HALL_IS_SERVICE (service), FALSE);
  g_return_val_if_fail (HALL_IS_CASE (kase), FALSE);

  if (!hall_applicant_validate (applicant, NULL, error))
    return FALSE;

  case_snapshot_take (&snap, kase);
  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!create_case_locked (self, applicant, service, kase, error))
    {
      _hall_store_write_rollback (self);
      case_snapshot_restore (&snap, kase);
      return FALSE;
    }
  if (!_hall_store_write_commit (self, error))
    {
      case_snapshot_restore (&snap, kase);
      return FALSE;
    }

  _hall_store_emit_changed (self);
  _hall_store_emit_case_changed (self, hall_case_get_uuid (kase));
  _hall_store_emit_outbox_changed (self);
  return TRUE;
}

void
_hall_case_copy (HallCase *dst,
                 HallCase *src)
{
  g_object_freeze_notify (G_OBJECT (dst));
  hall_case_set_uuid (dst, hall_case_get_uuid (src));
  hall_case_set_number (dst, hall_case_get_number (src));
  hall_case_set_service_id (dst, hall_case_get_service_id (src));
  hall_case_set_service_name (dst, hall_case_get_service_name (src));
  hall_case_set_applicant_uuid (dst, hall_case_get_applicant_uuid (src));
  hall_case_set_applicant_name (dst, hall_case_get_applicant_name (src));
  hall_case_set_state (dst, hall_case_get_state (src));
  hall_case_set_created_at (dst, hall_case_get_created_at (src));
  hall_case_set_promised_at (dst, hall_case_get_promised_at (src));
  hall_case_set_updated_at (dst, hall_case_get_updated_at (src));
  hall_case_set_counter (dst, hall_case_get_counter (src));
  hall_case_set_official (dst, hall_case_get_official (src));
  hall_case_set_version (dst, hall_case_get_version (src));
  hall_case_set_sync_state (dst, hall_case_get_sync_state (src));
  hall_case_set_sync_error (dst, hall_case_get_sync_error (src));
  hall_case_set_recorded_by (dst, hall_case_get_recorded_by (src));
  hall_case_set_recorded_at (dst, hall_case_get_recorded_at (src));
  hall_case_set_checklist (dst, hall_case_get_checklist (src));
  g_object_thaw_notify (G_OBJECT (dst));
}

/* The worker gets copies: the caller's objects may be bound to widgets and
 * must only change, and notify, on the caller's thread. */
typedef struct
{
  HallApplicant *applicant;
  HallService   *service;
  HallCase      *kase;
  HallCase      *original;
} CreateCaseData;

static void
create_case_data_free (CreateCaseData *data)
{
  g_clear_object (&data->applicant);
  g_clear_object (&data->service);
  g_clear_object (&data->kase);
  g_clear_object (&data->original);
  g_free (data);
}

static void
create_case_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CreateCaseData *data = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (hall_store_create_case (source_object, data->applicant, data->service, data->kase, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hall_store_create_case_async (HallStore           *self,
                              HallApplicant       *applicant,
                              HallService         *service,
                              HallCase            *kase,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) applicant_json = NULL;
  CreateCaseData *data;
  GError *error = NULL;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (HALL_IS_APPLICANT (applicant));
  g_return_if_fail (HALL_IS_SERVICE (service));
  g_return_if_fail (HALL_IS_CASE (kase));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_create_case_async);

  /* Validation normalises the caller's applicant, here on its thread. */
  if (!hall_applicant_validate (applicant, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (CreateCaseData, 1);
  applicant_json = hall_applicant_to_json (applicant);
  data->applicant = hall_applicant_new_from_json (applicant_json, NULL, &error);
  if (data->applicant == NULL)
    {
      create_case_data_free (data);
      g_task_return_error (task, error);
      return;
    }
  hall_applicant_set_version (data->applicant, hall_applicant_get_version (applicant));
  data->service = g_object_ref (service);
  data->kase = hall_case_new ();
  _hall_case_copy (data->kase, kase);
  data->original = g_object_ref (kase);
  g_task_set_task_data (task, data, (GDestroyNotify) create_case_data_free);
  g_task_run_in_thread (task, create_case_thread);
}

gboolean
hall_store_create_case_finish (HallStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  CreateCaseData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  _hall_case_copy (data->original, data->kase);
  return TRUE;
}

static HallCase *
get_case_where (HallStore  *self,
                const char *sql,
                const char *value,
                GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  HallCase *kase = _hall_store_read_object (self, sql, value,
                                            (HallStoreObjectFunc) _hall_store_read_case,
                                            _("read the case"), &local_error);

  if (kase == NULL && local_error == NULL)
    g_set_error (&local_error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                 _("There is no case %s at this counter"), value);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return kase;
}

HallCase *
hall_store_get_case (HallStore   *self,
                     const char  *uuid,
                     GError     **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  return get_case_where (self, "SELECT " CASE_COLUMNS CASE_FROM "WHERE c.uuid = ?1", uuid, error);
}

HallCase *
hall_store_get_case_by_number (HallStore   *self,
                               const char  *number,
                               GError     **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  return get_case_where (self, "SELECT " CASE_COLUMNS CASE_FROM "WHERE c.number = ?1", number,
                         error);
}

gboolean
_hall_store_lookup_case_id_locked (HallStore  *self,
                                   const char *uuid,
                                   gint64     *id_out,
                                   GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer, "SELECT id FROM cases WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *id_out = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      *id_out = 0;
      return TRUE;
    }
  hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the case"));
  return FALSE;
}

/* Whether the case may move to the state of @event, from the state it is
 * in now: the server holds it to the same rule and would refuse the move. */
static gboolean
check_state_move_locked (HallStore     *self,
                         gint64         case_id,
                         HallCaseEvent *event,
                         GError       **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  HallCaseState state = HALL_CASE_RECEIVED;

  stmt = hall_sqlite_conn_prepare (self->writer, "SELECT state FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the case"));
      return FALSE;
    }
  hall_case_state_from_string ((const char *) sqlite3_column_text (stmt, 0), &state);
  return hall_case_state_check_move (state, hall_case_event_get_new_state (event), error);
}

/* The document @slot of the case @case_id's checklist is provided, if it
 * was not (*@provided_out says whether it was now), by an entry made at
 * @at. The case no longer waits for it: hall_case_is_paused(), the list's
 * due order and its "waiting" filter read the same flag. The server hears
 * of it from the entry, which names the slot, and marks its copy the same
 * way (write_event() there): an entry needs no If-Match, so an approver's
 * decision elsewhere meanwhile is no conflict. */
static gboolean
mark_provided_locked (HallStore   *self,
                      gint64       case_id,
                      const char  *slot,
                      gint64       at,
                      gboolean    *provided_out,
                      GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *checklist_text = NULL;
  g_autofree char *case_uuid = NULL;
  JsonArray *checklist;
  JsonObject *item;

  *provided_out = FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT checklist, uuid FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  if (!hall_sqlite_stmt_step_row (stmt, _("read the case"), error))
    return FALSE;   /* the caller has just found it */
  /* Written by the store from a case's checklist: it parses. */
  node = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);
  case_uuid = hall_sqlite_column_dup (stmt, 1);
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  checklist = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  item = hall_checklist_get_item (checklist, slot);
  if (item == NULL || json_object_get_boolean_member_with_default (item, "provided", FALSE))
    return TRUE;

  json_object_set_boolean_member (item, "provided", TRUE);
  checklist_text = json_to_string (node, FALSE);
  /* As the server writes its copy: the entry's time, and no record of
   * the server's until it has answered. */
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE cases SET checklist = ?2, updated_at = ?3,"
                                   " recorded_by = NULL, recorded_at = NULL,"
                                   SYNC_PENDING_SQL " WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  hall_sqlite_bind_text (stmt, 2, checklist_text);
  sqlite3_bind_int64 (stmt, 3, at);
  if (!hall_sqlite_stmt_run (stmt, _("mark the document provided"), error))
    return FALSE;
  /* Kept mine, the copy goes to the server after this entry: it must not
   * take the document back. A change still waiting goes before the entry,
   * as it was made: a decision's signature covers the case it was made on. */
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE conflicts"
                                   " SET local_json = json_set (local_json, '$.checklist', json (?2))"
                                   " WHERE entity = 'case' AND entity_uuid = ?1"
                                   " AND resolved_at IS NULL AND json_valid (local_json)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, case_uuid);
  hall_sqlite_bind_text (stmt, 2, checklist_text);
  if (!hall_sqlite_stmt_run (stmt, _("mark the document provided"), error))
    return FALSE;
  *provided_out = TRUE;
  return TRUE;
}

gboolean
_hall_store_take_provided_locked (HallStore   *self,
                                  const char  *case_uuid,
                                  const char  *server_json,
                                  char       **checklist_out,
                                  GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (JsonNode) server = json_from_string (server_json, NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonObject *server_object;
  JsonArray *theirs = NULL;
  JsonArray *checklist;
  g_autoptr (GError) local_error = NULL;
  gboolean changed = FALSE;

  *checklist_out = NULL;
  stmt = hall_sqlite_conn_prepare (self->writer, "SELECT checklist FROM cases WHERE uuid = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, case_uuid);
  if (!hall_sqlite_stmt_step_row (stmt, _("read the case"), &local_error))
    {
      /* No case: nothing to mark. */
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  node = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return TRUE;
  checklist = json_node_get_array (node);

  server_object = server != NULL && JSON_NODE_HOLDS_OBJECT (server) ? json_node_get_object (server)
                                                                    : NULL;
  if (server_object != NULL && json_object_has_member (server_object, "checklist")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (server_object, "checklist")))
    theirs = json_object_get_array_member (server_object, "checklist");
  for (guint i = 0; theirs != NULL && i < json_array_get_length (theirs); i++)
    {
      JsonNode *element = json_array_get_element (theirs, i);
      JsonObject *item;

      if (!JSON_NODE_HOLDS_OBJECT (element)
          || !json_object_get_boolean_member_with_default (json_node_get_object (element),
                                                           "provided", FALSE))
        continue;
      item = hall_checklist_get_item (checklist, json_object_get_string_member_with_default (
                                          json_node_get_object (element), "id", NULL));
      if (item != NULL && !json_object_get_boolean_member_with_default (item, "provided", FALSE))
        {
          json_object_set_boolean_member (item, "provided", TRUE);
          changed = TRUE;
        }
    }

  *checklist_out = json_to_string (node, FALSE);
  if (!changed)
    return TRUE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE cases SET checklist = ?2 WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, case_uuid);
  hall_sqlite_bind_text (stmt, 2, *checklist_out);
  return hall_sqlite_stmt_run (stmt, _("mark the document provided"), error);
}

gboolean
_hall_store_reapply_waiting_entries_locked (HallStore   *self,
                                            const char  *case_uuid,
                                            GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) kinds = g_array_new (FALSE, FALSE, sizeof (HallCaseEventKind));
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 case_id = 0;
  int rc;

  if (!_hall_store_lookup_case_id_locked (self, case_uuid, &case_id, error))
    return FALSE;
  if (case_id == 0)
    return TRUE;
  /* The entries that change the case as the server will change it:
   * documents provided and moves of state (a decision's outcome is the
   * server's to say, and the pull brings it). */
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT json_extract (body, '$.kind'),"
                                   " coalesce (json_extract (body, '$.slot'),"
                                   "           json_extract (body, '$.state')),"
                                   " json_extract (body, '$.at')"
                                   " FROM outbox WHERE owner_uuid = ?1 AND entity = 'event'"
                                   " AND json_valid (body)"
                                   " AND ((json_extract (body, '$.kind') = 'document'"
                                   "       AND json_extract (body, '$.slot') IS NOT NULL)"
                                   "      OR json_extract (body, '$.kind') = 'state')"
                                   " ORDER BY seq",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, case_uuid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HallCaseEventKind kind = HALL_CASE_EVENT_NOTE;
      gint64 at = 0;

      hall_case_event_kind_from_string ((const char *) sqlite3_column_text (stmt, 0), &kind);
      if (!hall_timestamp_from_iso8601 ((const char *) sqlite3_column_text (stmt, 2), &at))
        at = _hall_store_now_seconds ();
      g_array_append_val (kinds, kind);
      g_ptr_array_add (values, hall_sqlite_column_dup (stmt, 1));
      g_array_append_val (times, at);
    }
  if (rc != SQLITE_DONE)
    return hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the waiting changes"));
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  for (guint i = 0; i < values->len; i++)
    {
      const char *value = g_ptr_array_index (values, i);
      gint64 at = g_array_index (times, gint64, i);
      gboolean provided;

      if (g_array_index (kinds, HallCaseEventKind, i) == HALL_CASE_EVENT_DOCUMENT)
        {
          if (!mark_provided_locked (self, case_id, value, at, &provided, error))
            return FALSE;
          continue;
        }
      /* As the server moves its copy (write_event() there). */
      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE cases SET state = ?2, updated_at = ?3,"
                                       " recorded_by = NULL, recorded_at = NULL WHERE id = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, case_id);
      hall_sqlite_bind_text (stmt, 2, value);
      sqlite3_bind_int64 (stmt, 3, at);
      if (!hall_sqlite_stmt_run (stmt, _("move the case to its new state"), error))
        return FALSE;
      g_clear_pointer (&stmt, hall_sqlite_stmt_release);
    }
  return TRUE;
}

gboolean
_hall_store_add_case_event_locked (HallStore     *self,
                                   HallCaseEvent *event,
                                   GError       **error)
{
  const char *case_uuid = hall_case_event_get_case_uuid (event);
  gint64 case_id;

  if (!_hall_store_lookup_case_id_locked (self, case_uuid, &case_id, error))
    return FALSE;
  if (case_id == 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("There is no case %s at this counter to add the entry to"), case_uuid);
      return FALSE;
    }
  if (hall_case_event_get_kind (event) == HALL_CASE_EVENT_STATE
      && !check_state_move_locked (self, case_id, event, error))
    return FALSE;
  if (hall_case_event_get_kind (event) == HALL_CASE_EVENT_DOCUMENT
      && hall_case_event_get_slot (event) != NULL)
    {
      gboolean provided;

      if (!mark_provided_locked (self, case_id, hall_case_event_get_slot (event),
                                 hall_case_event_get_at (event), &provided, error))
        return FALSE;
      /* Provided before: the entry tells the server nothing new, and the
       * version it answers with is not this copy's (hall-store-outbox.c). */
      if (!provided)
        hall_case_event_set_slot (event, NULL);
    }
  if (!_hall_store_insert_event_locked (self, case_id, event, FALSE, error))
    return FALSE;

  if (hall_case_event_get_kind (event) == HALL_CASE_EVENT_STATE)
    {
      g_autoptr (HallSqliteStmt) stmt = NULL;

      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE cases SET state = ?2, updated_at = ?3,"
                                       " recorded_by = NULL, recorded_at = NULL,"
                                       SYNC_PENDING_SQL
                                       " WHERE id = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, case_id);
      hall_sqlite_bind_text (stmt, 2,
                             hall_case_state_to_string (hall_case_event_get_new_state (event)));
      sqlite3_bind_int64 (stmt, 3, hall_case_event_get_at (event));
      if (!hall_sqlite_stmt_run (stmt, _("move the case to its new state"), error))
        return FALSE;
    }
  else
    {
      g_autoptr (HallSqliteStmt) stmt = NULL;

      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE cases SET" SYNC_PENDING_SQL " WHERE id = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, case_id);
      if (!hall_sqlite_stmt_run (stmt, _("save the case"), error))
        return FALSE;
    }
  return _hall_store_enqueue_event_locked (self, event, error);
}

gboolean
hall_store_add_case_event (HallStore      *self,
                           HallCaseEvent  *event,
                           GError        **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (HALL_IS_CASE_EVENT (event), FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!_hall_store_add_case_event_locked (self, event, error))
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  if (!_hall_store_write_commit (self, error))
    return FALSE;

  _hall_store_emit_changed (self);
  _hall_store_emit_case_changed (self, hall_case_event_get_case_uuid (event));
  _hall_store_emit_outbox_changed (self);
  return TRUE;
}

typedef struct
{
  const char *case_uuid;
  GPtrArray  *events;
} EventsRead;

static void
add_event (HallSqliteStmt *stmt,
           gpointer        data)
{
  EventsRead *read = data;

  g_ptr_array_add (read->events, _hall_store_read_event (stmt, read->case_uuid));
}

GPtrArray *
hall_store_list_case_events (HallStore   *self,
                             const char  *case_uuid,
                             GError     **error)
{
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  EventsRead read = { case_uuid, events };

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (case_uuid != NULL, NULL);

  if (!_hall_store_read_rows (self,
                              "SELECT " EVENT_COLUMNS
                              " FROM case_events e JOIN cases c ON c.id = e.case_id"
                              " WHERE c.uuid = ?1 ORDER BY e.at, e.id",
                              case_uuid, add_event, &read, _("read the case’s history"), error))
    return NULL;
  return g_steal_pointer (&events);
}

GPtrArray *
hall_store_list_applicant_cases (HallStore   *self,
                                 const char  *applicant_uuid,
                                 GError     **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (applicant_uuid != NULL, NULL);

  return _hall_store_read_objects (self,
                                   "SELECT " CASE_COLUMNS " FROM applicants a"
                                   " CROSS JOIN cases c ON c.applicant_id = a.id"
                                   " WHERE a.uuid = ?1 ORDER BY c.created_at DESC, c.id DESC",
                                   applicant_uuid, (HallStoreObjectFunc) _hall_store_read_case,
                                   _("read the applicant’s cases"), error);
}

/* The case's state and its decisions, read on the writer inside the
 * caller's transaction. */
static HallWorkflow *
workflow_locked (HallStore    *self,
                 HallService  *service,
                 gint64        case_id,
                 const char   *case_uuid,
                 GError      **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  HallCaseState state = HALL_CASE_RECEIVED;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer, "SELECT state FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, case_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the case"));
      return NULL;
    }
  hall_case_state_from_string ((const char *) sqlite3_column_text (stmt, 0), &state);
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT " EVENT_COLUMNS " FROM case_events e"
                                   " WHERE e.case_id = ?1 AND e.kind = 'decision'"
                                   " ORDER BY e.at, e.id",
                                   error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, case_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, _hall_store_read_event (stmt, case_uuid));
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the case’s history"));
      return NULL;
    }
  return hall_workflow_new (service, state, events);
}

/* Signs @decision with the session's key (hall_store_open_session_key()),
 * which must be @official's, and puts the signature and the key's
 * certificate in it: the server and anyone with the hall's public key can
 * then check it, offline. */
static gboolean
sign_decision_locked (HallStore      *self,
                      HallCaseEvent  *decision,
                      const char     *official,
                      GError        **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (HallDecisionContent) content = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *certificate_b64 = NULL;
  g_autoptr (JsonNode) certificate_node = NULL;
  const char *field = NULL;

  if (self->session_key == NULL || g_strcmp0 (self->session_official, official) != 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH,
                   _("The signing key of “%s” is not open: sign in with your password to "
                     "sign decisions"), official);
      return FALSE;
    }
  certificate = hall_store_lookup_certificate (self, official,
                                               hall_signing_key_get_public_key (self->session_key),
                                               error);
  if (certificate == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH,
                     _("The hall has not certified the signing key of “%s” yet: decisions "
                       "cannot be signed until its certificate is synced"), official);
      return FALSE;
    }
  node = hall_case_event_to_json (decision);
  content = hall_decision_content_new_from_json (hall_case_event_get_case_uuid (decision),
                                                 json_node_get_object (node), &field,
                                                 &local_error);
  if (content == NULL)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT,
                   _("The decision cannot be signed: %s (%s)"), local_error->message,
                   field != NULL ? field : "?");
      return FALSE;
    }
  signature = hall_decision_sign (content, self->session_key);
  certificate_b64 = hall_certificate_to_base64 (certificate);
  hall_case_event_set_signature (decision, signature);
  certificate_node = json_node_init_string (json_node_alloc (), certificate_b64);
  hall_case_event_set_certificate (decision, certificate_node);
  return TRUE;
}

static gboolean
decide_case_locked (HallStore      *self,
                    HallService    *service,
                    HallCaseEvent  *decision,
                    HallRoles       roles,
                    const char     *official,
                    HallCaseState  *state_out,
                    GError        **error)
{
  const char *case_uuid = hall_case_event_get_case_uuid (decision);
  g_autoptr (HallWorkflow) workflow = NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  HallCaseState state = HALL_CASE_RECEIVED;
  gint64 case_id;

  if (!_hall_store_lookup_case_id_locked (self, case_uuid, &case_id, error))
    return FALSE;
  if (case_id == 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("There is no case %s at this counter to decide"), case_uuid);
      return FALSE;
    }
  workflow = workflow_locked (self, service, case_id, case_uuid, error);
  if (workflow == NULL)
    return FALSE;
  if (hall_case_event_get_step (decision) == NULL)
    {
      const HallApprovalStep *step = hall_workflow_find_step_for (workflow, roles, official);

      if (step == NULL)
        {
          g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_ROLE,
                       hall_workflow_is_waiting (workflow)
                       ? _("No step of the case waits for a decision your roles allow")
                       : _("The case is “%s”: no step waits for a decision"),
                       hall_case_state_get_label (hall_workflow_get_state (workflow)));
          return FALSE;
        }
      hall_case_event_set_step (decision, step->id);
    }
  hall_case_event_set_official (decision, official);
  if (!hall_workflow_check_decision (workflow, decision, roles, official, &state, NULL, error))
    return FALSE;
  /* What a signature of the decision covers: the case as it is now. */
  if (hall_case_event_get_content_hash (decision) == NULL)
    {
      g_autoptr (HallCase) kase = hall_store_get_case (self, case_uuid, error);
      g_autofree char *hash = NULL;

      if (kase == NULL)
        return FALSE;
      hash = hall_case_content_hash (kase);
      hall_case_event_set_content_hash (decision, hash);
    }
  if (!sign_decision_locked (self, decision, official, error))
    return FALSE;
  if (!_hall_store_insert_event_locked (self, case_id, decision, FALSE, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE cases SET state = ?2, updated_at = ?3,"
                                   " recorded_by = NULL, recorded_at = NULL,"
                                   SYNC_PENDING_SQL
                                   " WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  hall_sqlite_bind_text (stmt, 2, hall_case_state_to_string (state));
  sqlite3_bind_int64 (stmt, 3, hall_case_event_get_at (decision));
  if (!hall_sqlite_stmt_run (stmt, _("move the case to its new state"), error))
    return FALSE;
  if (state_out != NULL)
    *state_out = state;
  if (!_hall_store_enqueue_event_locked (self, decision, error))
    return FALSE;

  /* The last step approved: the license, signed with the same key, in the
   * same transaction and through the outbox right after the decision, so
   * that the server has the approval first and never one without the
   * other. */
  if (state == HALL_CASE_APPROVED)
    {
      g_autoptr (HallCertificate) certificate = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autofree char *license = NULL;

      certificate = hall_store_lookup_certificate (self, official,
                                                   hall_signing_key_get_public_key (self->session_key),
                                                   &local_error);
      if (certificate == NULL
          || !_hall_store_issue_license_locked (self, case_uuid, service, NULL, 0,
                                                self->session_key, certificate, &license,
                                                &local_error))
        {
          g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT,
                       _("The case’s license could not be issued, so the approval was not "
                         "made either: %s"),
                       local_error != NULL ? local_error->message : _("no certificate"));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
hall_store_decide_case (HallStore      *self,
                        HallService    *service,
                        HallCaseEvent  *decision,
                        HallRoles       roles,
                        const char     *official,
                        HallCaseState  *state_out,
                        GError        **error)
{
  HallCaseState state = HALL_CASE_RECEIVED;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (HALL_IS_SERVICE (service), FALSE);
  g_return_val_if_fail (HALL_IS_CASE_EVENT (decision), FALSE);
  g_return_val_if_fail (hall_case_event_get_kind (decision) == HALL_CASE_EVENT_DECISION, FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!decide_case_locked (self, service, decision, roles, official, &state, error))
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  if (!_hall_store_write_commit (self, error))
    return FALSE;
  if (state_out != NULL)
    *state_out = state;

  _hall_store_emit_changed (self);
  _hall_store_emit_case_changed (self, hall_case_event_get_case_uuid (decision));
  _hall_store_emit_outbox_changed (self);
  return TRUE;
}

HallWorkflow *
hall_store_get_workflow (HallStore    *self,
                         HallService  *service,
                         const char   *case_uuid,
                         GError      **error)
{
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GPtrArray) events = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (HALL_IS_SERVICE (service), NULL);

  kase = hall_store_get_case (self, case_uuid, error);
  if (kase == NULL)
    return NULL;
  events = hall_store_list_case_events (self, case_uuid, error);
  if (events == NULL)
    return NULL;
  return hall_workflow_new (service, hall_case_get_state (kase), events);
}
