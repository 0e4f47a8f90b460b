/* hall-store-outbox.c — the outbox: changes waiting for the server, and
 * what the server answered to each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-sqlite.h"
#include "hall-store-private.h"
#include "hall-store-test-hooks.h"

void
hall_outbox_item_free (HallOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->uuid);
  g_free (item->method);
  g_free (item->path);
  g_free (item->body);
  g_free (item->entity);
  g_free (item->entity_uuid);
  g_free (item->owner_uuid);
  g_free (item->applicant_uuid);
  g_free (item->last_error);
  g_free (item);
}

gboolean
_hall_store_enqueue_locked (HallStore  *self,
                            const char *method,
                            const char *path,
                            const char *body,
                            const char *entity,
                            const char *entity_uuid,
                            const char *owner_uuid,
                            gint64      base_version,
                            GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *uuid = g_uuid_string_random ();

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO outbox (uuid, method, path, body, entity,"
                                   " entity_uuid, owner_uuid, base_version, created_at)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  hall_sqlite_bind_text (stmt, 2, method);
  hall_sqlite_bind_text (stmt, 3, path);
  hall_sqlite_bind_text (stmt, 4, body);
  hall_sqlite_bind_text (stmt, 5, entity);
  hall_sqlite_bind_text (stmt, 6, entity_uuid);
  hall_sqlite_bind_text (stmt, 7, owner_uuid);
  sqlite3_bind_int64 (stmt, 8, base_version);
  sqlite3_bind_int64 (stmt, 9, _hall_store_now_seconds ());
  return hall_sqlite_stmt_run (stmt, _("queue the change for the server"), error);
}

guint
hall_store_count_outbox (HallStore *self)
{
  g_return_val_if_fail (HALL_IS_STORE (self), 0);

  return _hall_store_count_query (self, "SELECT count(*) FROM outbox",
                                  _("count the changes not yet sent"));
}

static void
take_counts (HallSqliteStmt *stmt,
             gpointer        data)
{
  HallOutboxCounts *counts = data;

  counts->cases = sqlite3_column_int (stmt, 0);
  counts->notes = sqlite3_column_int (stmt, 1);
  counts->applicants = sqlite3_column_int (stmt, 2);
}

void
hall_store_count_outbox_entities (HallStore        *self,
                                  HallOutboxCounts *counts)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (counts != NULL);

  *counts = (HallOutboxCounts) { 0 };
  if (!_hall_store_read_rows (self,
                              "SELECT"
                              " count(DISTINCT CASE WHEN entity = 'case'"
                              "   OR (entity = 'event' AND json_extract (body, '$.kind') <> 'note')"
                              "   THEN owner_uuid END),"
                              " count(DISTINCT CASE WHEN entity = 'event'"
                              "   AND json_extract (body, '$.kind') = 'note' THEN entity_uuid END),"
                              " count(DISTINCT CASE WHEN entity = 'applicant' THEN entity_uuid END)"
                              " FROM outbox",
                              NULL, take_counts, counts, _("count the changes not yet sent"),
                              &error))
    g_warning ("%s", error->message);
}

static void
add_outbox_item (HallSqliteStmt *stmt,
                 gpointer        data)
{
  HallOutboxItem *item = g_new0 (HallOutboxItem, 1);

  item->seq = sqlite3_column_int64 (stmt, 0);
  item->uuid = hall_sqlite_column_dup (stmt, 1);
  item->method = hall_sqlite_column_dup (stmt, 2);
  item->path = hall_sqlite_column_dup (stmt, 3);
  item->body = hall_sqlite_column_dup (stmt, 4);
  item->entity = hall_sqlite_column_dup (stmt, 5);
  item->entity_uuid = hall_sqlite_column_dup (stmt, 6);
  item->owner_uuid = hall_sqlite_column_dup (stmt, 7);
  item->base_version = sqlite3_column_int64 (stmt, 8);
  item->attempts = sqlite3_column_int (stmt, 9);
  item->last_error = hall_sqlite_column_dup (stmt, 10);
  item->applicant_uuid = hall_sqlite_column_dup (stmt, 11);
  g_ptr_array_add (data, item);
}

typedef struct
{
  gint64     after_seq;
  guint      limit;
  GPtrArray *items;
  gboolean   all;    /* held-back rows too (tests) */
} OutboxRead;

/* Whether the outbox row o may go now; ?3 true: every row, held ones too.
 * Held back while the official has not merged a duplicate: the
 * applicant's changes and its cases' (the server knows neither until
 * then); the first test is answered once, from an index that is empty
 * nearly always. A page's record waits for its file: the server refuses a
 * record whose file it lacks. */
#define OUTBOX_ROW_MAY_GO \
  " (NOT EXISTS (SELECT 1 FROM conflicts" \
  "              WHERE kind = 'duplicate' AND resolved_at IS NULL)" \
  "  OR NOT EXISTS (SELECT 1 FROM conflicts k" \
  "    WHERE k.kind = 'duplicate' AND k.resolved_at IS NULL" \
  "    AND k.entity_uuid IN (o.owner_uuid," \
  "      (SELECT a.uuid FROM cases c CROSS JOIN applicants a ON a.id = c.applicant_id" \
  "       WHERE c.uuid = o.owner_uuid))))" \
  " AND (?3 OR NOT (o.entity = 'page' AND EXISTS (SELECT 1 FROM pages p" \
  "   WHERE p.uuid = o.entity_uuid AND p.uploaded_at IS NULL)))"

static gboolean
read_outbox (HallSqliteConn  *reader,
             gpointer         data,
             GError         **error)
{
  OutboxRead *read = data;
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (reader,
                                   "SELECT o.seq, o.uuid, o.method, o.path, o.body, o.entity,"
                                   " o.entity_uuid, o.owner_uuid, o.base_version, o.attempts,"
                                   " o.last_error, CASE WHEN o.entity = 'case' THEN"
                                   "  (SELECT a.uuid FROM cases c CROSS JOIN applicants a"
                                   "   ON a.id = c.applicant_id WHERE c.uuid = o.owner_uuid) END"
                                   " FROM outbox o WHERE o.seq > ?2 AND" OUTBOX_ROW_MAY_GO
                                   " ORDER BY o.seq LIMIT ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, read->limit);
  sqlite3_bind_int64 (stmt, 2, read->after_seq);
  sqlite3_bind_int (stmt, 3, read->all);
  return _hall_store_step_rows (stmt, add_outbox_item, read->items,
                                _("read the changes waiting for the server"), error);
}

static GPtrArray *
peek_outbox (HallStore  *self,
             gint64      after_seq,
             guint       limit,
             gboolean    all,
             GError    **error)
{
  g_autoptr (GPtrArray) items = NULL;
  OutboxRead read = { after_seq, limit, NULL, all };

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_outbox_item_free);
  read.items = items;
  if (!_hall_store_read (self, read_outbox, &read, error))
    return NULL;
  return g_steal_pointer (&items);
}

GPtrArray *
hall_store_peek_outbox (HallStore  *self,
                        guint       limit,
                        GError    **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  return peek_outbox (self, 0, limit, FALSE, error);
}

GPtrArray *
hall_store_peek_outbox_after (HallStore  *self,
                              gint64      seq,
                              guint       limit,
                              GError    **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  return peek_outbox (self, seq, limit, FALSE, error);
}

typedef struct
{
  gint64      through_seq;
  const char *sent;      /* a JSON array of seqs */
  gboolean    found;
} MayGoOutside;

static gboolean
find_may_go_outside (HallSqliteConn  *reader,
                     gpointer         data,
                     GError         **error)
{
  MayGoOutside *find = data;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (reader,
                                   "SELECT 1 FROM outbox o WHERE o.seq <= ?2"
                                   " AND o.seq NOT IN (SELECT value FROM json_each (?4)) AND"
                                   OUTBOX_ROW_MAY_GO " LIMIT 1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 2, find->through_seq);
  sqlite3_bind_int (stmt, 3, FALSE);
  hall_sqlite_bind_text (stmt, 4, find->sent);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return hall_sqlite_set_error (error, sqlite3_db_handle (stmt),
                                  _("read the changes waiting for the server"));
  find->found = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
hall_store_outbox_may_go_outside (HallStore     *self,
                                  gint64         through_seq,
                                  const gint64  *sent,
                                  guint          n_sent,
                                  gboolean      *found,
                                  GError       **error)
{
  g_autoptr (GString) seqs = g_string_new ("[");
  MayGoOutside find = { through_seq, NULL, FALSE };

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  for (guint i = 0; i < n_sent; i++)
    g_string_append_printf (seqs, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", sent[i]);
  g_string_append_c (seqs, ']');
  find.sent = seqs->str;
  if (!_hall_store_read (self, find_may_go_outside, &find, error))
    return FALSE;
  *found = find.found;
  return TRUE;
}

GPtrArray *
_hall_store_list_outbox_all (HallStore  *self,
                             GError    **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  return peek_outbox (self, 0, G_MAXINT, TRUE, error);
}

/* The row's owner: the applicant of an applicant row, the case of a case or
 * event row. Empty when the row is gone (acknowledged twice). */
static gboolean
take_outbox_row_locked (HallStore            *self,
                        const HallOutboxItem *item,
                        char                **owner_out,
                        GError              **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (HallSqliteStmt) delete = NULL;
  g_autofree char *owner = NULL;
  int rc;

  /* A read and a delete, not DELETE … RETURNING: SQLite builds a
   * temporary table for every RETURNING, which was 40% of taking a row
   * off (30,000 of them in a push of 10,000 cases). */
  stmt = hall_sqlite_conn_prepare (self->writer, "SELECT owner_uuid FROM outbox WHERE seq = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item->seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("take the change off the queue"));
      return FALSE;
    }
  /* Copied before the delete changes the page the row was read from. */
  owner = hall_sqlite_column_dup (stmt, 0);
  delete = hall_sqlite_conn_prepare (self->writer, "DELETE FROM outbox WHERE seq = ?1", error);
  if (delete == NULL)
    return FALSE;
  sqlite3_bind_int64 (delete, 1, item->seq);
  if (!hall_sqlite_stmt_run (delete, _("take the change off the queue"), error))
    return FALSE;
  *owner_out = g_steal_pointer (&owner);
  return TRUE;
}

/* The cases whose rows show @owner: the applicant's cases (their rows
 * carry its name and its sync state), or the case itself. Appended to
 * @cases, for "case-changed" once the transaction is committed. */
gboolean
_hall_store_collect_owner_cases_locked (HallStore  *self,
                                        const char *entity,
                                        const char *owner,
                                        GPtrArray  *cases,
                                        GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  if (g_strcmp0 (entity, "applicant") != 0)
    {
      g_ptr_array_add (cases, g_strdup (owner));
      return TRUE;
    }

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT c.uuid FROM applicants a CROSS JOIN cases c"
                                   " ON c.applicant_id = a.id WHERE a.uuid = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, owner);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (cases, hall_sqlite_column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the applicant’s cases"));
      return FALSE;
    }
  return TRUE;
}

/* Marks @owner's row (applicant or case) synced when nothing of it waits. */
static gboolean
mark_synced_locked (HallStore  *self,
                    const char *table_sql,
                    const char *owner,
                    GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = hall_sqlite_conn_prepare (self->writer, table_sql, error);

  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, owner);
  return hall_sqlite_stmt_run (stmt, _("mark the change as sent"), error);
}

/* Whether the entry of @item makes the server count a new version of its
 * case that is what this copy already holds: a move of state, a document
 * it provides. A decision makes one too, but its state depends on the
 * other decisions the server has, so the pull brings that version. */
static gboolean
event_changes_case (const HallOutboxItem *item)
{
  g_autoptr (JsonNode) node = item->body != NULL ? json_from_string (item->body, NULL) : NULL;
  JsonObject *object;
  const char *kind;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  kind = json_object_get_string_member_with_default (object, "kind", NULL);
  return g_strcmp0 (kind, "state") == 0
         || (g_strcmp0 (kind, "document") == 0
             && json_object_get_string_member_with_default (object, "slot", NULL) != NULL);
}

static gboolean
ack_locked (HallStore            *self,
            const HallOutboxItem *item,
            gint64                server_version,
            GPtrArray            *changed_cases,
            GError              **error)
{
  g_autofree char *owner = NULL;
  gboolean is_applicant = g_strcmp0 (item->entity, "applicant") == 0;

  if (!take_outbox_row_locked (self, item, &owner, error))
    return FALSE;
  if (owner == NULL)
    return TRUE;
  if (!_hall_store_collect_owner_cases_locked (self, item->entity, owner, changed_cases, error))
    return FALSE;
  /* A page's version is its own, not its case's: later changes of the
   * page name it in If-Match. */
  if (g_strcmp0 (item->entity, "page") == 0 && server_version > 0)
    {
      g_autoptr (HallSqliteStmt) stmt = NULL;
      g_autoptr (HallSqliteStmt) next = NULL;

      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE pages SET version = max (version, ?2)"
                                       " WHERE uuid = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      hall_sqlite_bind_text (stmt, 1, item->entity_uuid);
      sqlite3_bind_int64 (stmt, 2, server_version);
      if (!hall_sqlite_stmt_run (stmt, _("record the server’s version"), error))
        return FALSE;
      next = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE outbox SET base_version = ?2"
                                       " WHERE owner_uuid = ?3 AND entity = 'page'"
                                       " AND entity_uuid = ?1 AND base_version < ?2",
                                       error);
      if (next == NULL)
        return FALSE;
      hall_sqlite_bind_text (next, 1, item->entity_uuid);
      sqlite3_bind_int64 (next, 2, server_version);
      hall_sqlite_bind_text (next, 3, owner);
      if (!hall_sqlite_stmt_run (next, _("record the server’s version"), error))
        return FALSE;
      server_version = 0;
    }

  if (server_version > 0)
    {
      g_autoptr (HallSqliteStmt) stmt = NULL;
      g_autoptr (HallSqliteStmt) next = NULL;

      /* An update was sent with If-Match, so the version answered is the
       * one this counter wrote. An entry has none: the server answers with
       * the case's version, which may include what other counters did
       * meanwhile, and only when it is this copy's version (plus one for
       * event_changes_case()) is this copy that version; otherwise the pull must
       * still bring the case. */
      if (g_strcmp0 (item->entity, "event") == 0)
        {
          stmt = hall_sqlite_conn_prepare (self->writer,
                                           "UPDATE cases SET version = ?2 WHERE uuid = ?1"
                                           " AND version = ?3",
                                           error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 3, server_version - (event_changes_case (item) ? 1 : 0));
        }
      else
        stmt = hall_sqlite_conn_prepare (self->writer,
                                         is_applicant
                                           ? "UPDATE applicants SET version = max (version, ?2)"
                                             " WHERE uuid = ?1"
                                           : "UPDATE cases SET version = max (version, ?2)"
                                             " WHERE uuid = ?1",
                                         error);
      if (stmt == NULL)
        return FALSE;
      hall_sqlite_bind_text (stmt, 1, owner);
      sqlite3_bind_int64 (stmt, 2, server_version);
      if (!hall_sqlite_stmt_run (stmt, _("record the server’s version"), error))
        return FALSE;
      if (sqlite3_changes (hall_sqlite_conn_get_db (self->writer)) == 0)
        goto mark_synced;

      /* Later updates of the same entity were queued before this version
       * existed: they must name it in If-Match, or the server answers 428
       * or 412 to our own change. */
      next = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE outbox SET base_version = ?2"
                                       " WHERE owner_uuid = ?1 AND entity_uuid = ?1"
                                       " AND method = 'PUT' AND base_version < ?2",
                                       error);
      if (next == NULL)
        return FALSE;
      hall_sqlite_bind_text (next, 1, owner);
      sqlite3_bind_int64 (next, 2, server_version);
      if (!hall_sqlite_stmt_run (next, _("record the server’s version"), error))
        return FALSE;
    }

mark_synced:
  return mark_synced_locked (self,
                             is_applicant
                               ? "UPDATE applicants SET sync_state = 'synced', sync_error = NULL"
                                 " WHERE uuid = ?1 AND sync_state = 'pending' AND NOT EXISTS"
                                 " (SELECT 1 FROM outbox WHERE owner_uuid = ?1)"
                               : "UPDATE cases SET sync_state = 'synced', sync_error = NULL"
                                 " WHERE uuid = ?1 AND sync_state = 'pending' AND NOT EXISTS"
                                 " (SELECT 1 FROM outbox WHERE owner_uuid = ?1)",
                             owner, error);
}

gboolean
hall_store_ack_outbox (HallStore             *self,
                       const HallOutboxItem  *item,
                       gint64                 server_version,
                       GError               **error)
{
  g_autoptr (GPtrArray) changed_cases = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL && item->uuid != NULL, FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  return _hall_store_write_end (self,
                                ack_locked (self, item, server_version, changed_cases, error),
                                changed_cases, error);
}

gboolean
hall_store_ack_outbox_batch (HallStore         *self,
                             GPtrArray         *items,
                             const gint64      *server_versions,
                             guint              n,
                             GError           **error)
{
  g_autoptr (GPtrArray) changed_cases = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (items != NULL && n <= items->len, FALSE);
  g_return_val_if_fail (n == 0 || server_versions != NULL, FALSE);

  if (n == 0)
    return TRUE;
  if (!_hall_store_write_begin (self, error))
    return FALSE;
  /* In order, as one by one: each ack rewrites the If-Match version of the
   * rows after it. */
  for (guint i = 0; i < n; i++)
    {
      if (!ack_locked (self, g_ptr_array_index (items, i), server_versions[i], changed_cases,
                       error))
        {
          _hall_store_write_rollback (self);
          return FALSE;
        }
    }
  if (!_hall_store_write_commit (self, error))
    return FALSE;

  /* And one count of the outbox per transaction, not per row. */
  _hall_store_emit_cases_changed_once (self, changed_cases);
  _hall_store_emit_outbox_changed (self);
  return TRUE;
}

/* Shows @state and @reason on the owner and, for an applicant, on each of
 * its cases. */
static gboolean
mark_owner_locked (HallStore  *self,
                   const char *entity,
                   const char *owner,
                   const char *state,
                   const char *reason,
                   GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  gboolean is_applicant = g_strcmp0 (entity, "applicant") == 0;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   is_applicant
                                     ? "UPDATE applicants SET sync_state = ?2, sync_error = ?3"
                                       " WHERE uuid = ?1"
                                     : "UPDATE cases SET sync_state = ?2, sync_error = ?3"
                                       " WHERE uuid = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, owner);
  hall_sqlite_bind_text (stmt, 2, state);
  hall_sqlite_bind_text (stmt, 3, reason);
  if (!hall_sqlite_stmt_run (stmt, _("record the server’s answer"), error))
    return FALSE;

  if (is_applicant)
    {
      g_autoptr (HallSqliteStmt) cases = NULL;

      cases = hall_sqlite_conn_prepare (self->writer,
                                        "UPDATE cases SET sync_state = ?2, sync_error = ?3"
                                        " WHERE applicant_id = (SELECT id FROM applicants"
                                        " WHERE uuid = ?1)",
                                        error);
      if (cases == NULL)
        return FALSE;
      hall_sqlite_bind_text (cases, 1, owner);
      hall_sqlite_bind_text (cases, 2, state);
      hall_sqlite_bind_text (cases, 3, reason);
      if (!hall_sqlite_stmt_run (cases, _("record the server’s answer"), error))
        return FALSE;
    }
  return TRUE;
}

gboolean
hall_store_reject_outbox (HallStore             *self,
                          const HallOutboxItem  *item,
                          int                    http_status,
                          const char            *reason,
                          GError               **error)
{
  g_autoptr (GPtrArray) changed_cases = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *owner = NULL;
  g_autofree char *shown = NULL;
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL && item->uuid != NULL, FALSE);

  if (reason != NULL && *reason != '\0')
    shown = g_strdup (reason);
  else
    /* Translators: %d is an HTTP status such as 422 */
    shown = g_strdup_printf (_("The server refused the change (HTTP %d)"), http_status);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  ok = take_outbox_row_locked (self, item, &owner, error)
       && (owner == NULL
           || (mark_owner_locked (self, item->entity, owner, "rejected", shown, error)
               && _hall_store_collect_owner_cases_locked (self, item->entity, owner,
                                                          changed_cases, error)));
  return _hall_store_write_end (self, ok, owner != NULL ? changed_cases : NULL, error);
}

gboolean
hall_store_defer_outbox (HallStore             *self,
                         const HallOutboxItem  *item,
                         const char            *reason,
                         GError               **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL && item->uuid != NULL, FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE outbox SET attempts = attempts + 1, last_error = ?2"
                                   " WHERE seq = ?1",
                                   error);
  if (stmt == NULL)
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, item->seq);
  hall_sqlite_bind_text (stmt, 2, reason);
  if (!hall_sqlite_stmt_run (stmt, _("count the attempt"), error))
    {
      g_clear_pointer (&stmt, hall_sqlite_stmt_release);
      _hall_store_write_rollback (self);
      return FALSE;
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  if (!_hall_store_write_commit (self, error))
    return FALSE;
  _hall_store_emit_outbox_changed (self);
  return TRUE;
}

/* The "version" member of an entity's JSON; 0 when it has none. */
static gint64
json_version (const char *json)
{
  g_autoptr (JsonNode) node = json != NULL ? json_from_string (json, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  return json_object_get_int_member_with_default (json_node_get_object (node), "version", 0);
}

/* A newer conflict of the same entity carries this counter's newer version
 * (each PUT sends the whole entity) and the server's newer one: the older
 * ones have nothing left to decide. */
static gboolean
supersede_conflicts_locked (HallStore  *self,
                            const char *entity_uuid,
                            GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE conflicts SET resolved_at = ?2,"
                                   " resolution = 'superseded'"
                                   " WHERE entity_uuid = ?1 AND resolved_at IS NULL",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, entity_uuid);
  sqlite3_bind_int64 (stmt, 2, _hall_store_now_seconds ());
  return hall_sqlite_stmt_run (stmt, _("keep both versions"), error);
}

static gboolean
record_conflict (HallStore             *self,
                 HallConflictKind       kind,
                 const HallOutboxItem  *item,
                 const char            *server_json,
                 GError               **error)
{
  g_autoptr (GPtrArray) changed_cases = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *owner = NULL;
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL && item->uuid != NULL, FALSE);
  g_return_val_if_fail (server_json != NULL, FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  ok = take_outbox_row_locked (self, item, &owner, error);
  if (ok && owner != NULL)
    {
      g_autoptr (HallSqliteStmt) stmt = NULL;

      ok = supersede_conflicts_locked (self, item->entity_uuid, error);
      stmt = !ok ? NULL
                 : hall_sqlite_conn_prepare (self->writer,
                                             "INSERT INTO conflicts"
                                             " (entity, entity_uuid, outbox_uuid, local_json,"
                                             " server_json, created_at, server_version, kind)"
                                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                             error);
      ok = stmt != NULL;
      if (ok)
        {
          hall_sqlite_bind_text (stmt, 1, item->entity);
          hall_sqlite_bind_text (stmt, 2, item->entity_uuid);
          hall_sqlite_bind_text (stmt, 3, item->uuid);
          hall_sqlite_bind_text (stmt, 4, item->body);
          hall_sqlite_bind_text (stmt, 5, server_json);
          sqlite3_bind_int64 (stmt, 6, _hall_store_now_seconds ());
          sqlite3_bind_int64 (stmt, 7, json_version (server_json));
          hall_sqlite_bind_text (stmt, 8, hall_conflict_kind_to_string (kind));
          ok = hall_sqlite_stmt_run (stmt, _("keep both versions"), error)
               && mark_owner_locked (self, item->entity, owner, "conflict",
                                     kind == HALL_CONFLICT_DUPLICATE
                                       ? _("Another counter registered this applicant first;"
                                           " merge the two to send the cases")
                                       : _("Someone else changed this at the same time; choose"
                                           " which version to keep"),
                                     error)
               && _hall_store_collect_owner_cases_locked (self, item->entity, owner, changed_cases,
                                                          error);
        }
    }
  return _hall_store_write_end (self, ok, owner != NULL ? changed_cases : NULL, error);
}

gboolean
hall_store_record_conflict (HallStore             *self,
                            const HallOutboxItem  *item,
                            const char            *server_json,
                            GError               **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  return record_conflict (self, HALL_CONFLICT_CHANGED, item, server_json, error);
}

gboolean
hall_store_record_duplicate (HallStore             *self,
                             const HallOutboxItem  *item,
                             const char            *existing_json,
                             GError               **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL && g_strcmp0 (item->entity, "applicant") == 0, FALSE);

  return record_conflict (self, HALL_CONFLICT_DUPLICATE, item, existing_json, error);
}

/* Version 3 brought the outbox; what was written before has never been
 * sent. Runs inside the migration's transaction. */
gboolean
_hall_store_queue_unsent_locked (HallStore *self,
                                 GError   **error)
{
  sqlite3 *db = hall_sqlite_conn_get_db (self->writer);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT " APPLICANT_COLUMNS " FROM applicants WHERE version = 0"
                          " ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      hall_sqlite_set_error (error, db, _("queue the earlier changes"));
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (HallApplicant) applicant = _hall_store_read_applicant (stmt);
      g_autofree char *path = g_strdup_printf ("/v1/applicants/%s",
                                               hall_applicant_get_uuid (applicant));
      g_autofree char *body = _hall_store_json_to_string_free (hall_applicant_to_json (applicant));
      const char *uuid = hall_applicant_get_uuid (applicant);

      if (!_hall_store_enqueue_locked (self, "PUT", path, body, "applicant", uuid, uuid, 0, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, db, _("queue the earlier changes"));
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (sqlite3_prepare_v2 (db,
                          "SELECT " CASE_COLUMNS CASE_FROM "WHERE c.version = 0 ORDER BY c.id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      hall_sqlite_set_error (error, db, _("queue the earlier changes"));
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (HallCase) kase = _hall_store_read_case (stmt);
      g_autofree char *path = g_strdup_printf ("/v1/cases/%s", hall_case_get_uuid (kase));
      g_autofree char *body = NULL;
      g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr (sqlite3_stmt) ev = NULL;
      int ev_rc;

      if (sqlite3_prepare_v2 (db,
                              "SELECT " EVENT_COLUMNS " FROM case_events e"
                              " WHERE case_id = ?1 ORDER BY at, id",
                              -1, &ev, NULL) != SQLITE_OK)
        {
          hall_sqlite_set_error (error, db, _("queue the earlier changes"));
          return FALSE;
        }
      sqlite3_bind_int64 (ev, 1, sqlite3_column_int64 (stmt, 0));
      while ((ev_rc = sqlite3_step (ev)) == SQLITE_ROW)
        {
          HallCaseEvent *event = _hall_store_read_event (ev, hall_case_get_uuid (kase));

          /* The server replays the moves from the state the case was
           * taken in with; sent in its state of now, it would refuse
           * them as moves from there. */
          if (hall_case_event_get_kind (event) == HALL_CASE_EVENT_STATE)
            hall_case_set_state (kase, HALL_CASE_RECEIVED);
          g_ptr_array_add (events, event);
        }
      if (ev_rc != SQLITE_DONE)
        {
          hall_sqlite_set_error (error, db, _("queue the earlier changes"));
          return FALSE;
        }

      body = _hall_store_json_to_string_free (hall_case_to_json (kase));
      if (!_hall_store_enqueue_locked (self, "PUT", path, body, "case", hall_case_get_uuid (kase),
                                       hall_case_get_uuid (kase), 0, error))
        return FALSE;
      for (guint i = 0; i < events->len; i++)
        if (!_hall_store_enqueue_event_locked (self, events->pdata[i], error))
          return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, db, _("queue the earlier changes"));
      return FALSE;
    }
  return TRUE;
}
