/* hall-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <sodium.h>
#include <string.h>

#include "hall-case-copy.h"
#include "hall-error.h"
#include "hall-json.h"
#include "hall-search-query.h"
#include "hall-sqlite.h"
#include "hall-store.h"
#include "hall-store-migrations.h"
#include "hall-store-paging.h"
#include "hall-validate.h"

/* A connection and its prepared statements. Statements are kept for the
 * life of the connection: the search runs many small queries and preparing
 * them each time would cost more than running them. */
typedef struct
{
  sqlite3    *db;
  GHashTable *stmts; /* SQL text (static) -> sqlite3_stmt */
} HallConn;

/* A statement from the cache: going out of scope resets it, so it can be
 * used again, instead of finalising it. */
typedef sqlite3_stmt HallCachedStmt;

static void
cached_stmt_release (HallCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallCachedStmt, cached_stmt_release)

struct _HallStore
{
  GObject       parent_instance;

  char         *path;
  char         *hall_code;
  char         *counter;
  int           schema_version;

  GMainContext *context;
  GThread      *thread;

  /* The one writer. Held across BEGIN IMMEDIATE .. COMMIT. */
  GMutex        write_lock;
  HallConn     *writer;

  /* Idle read connections; a reader takes one or opens another. */
  GMutex        readers_lock;
  GPtrArray    *readers;

  /* While a page of changes is applied: its writes of the full-text
   * indexes (IndexWrite), held back to the end of the transaction. Under
   * write_lock. */
  GArray       *held_index;
};

G_DEFINE_FINAL_TYPE (HallStore, hall_store, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PATH,
  PROP_COUNTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CHANGED,
  SIGNAL_CASE_CHANGED,
  SIGNAL_OUTBOX_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* How many readers to keep open when idle. More may be open at once. */
#define MAX_IDLE_READERS 2

/* Columns of a case as read_case() expects them. */
#define CASE_COLUMNS                                                    \
  "c.id, c.uuid, c.number, c.service_id, c.service_name, a.uuid, a.name, " \
  "c.state, c.created_at, c.promised_at, c.updated_at, c.counter, "     \
  "c.official, c.version, c.sync_state, c.sync_error, c.checklist"
#define CASE_FROM " FROM cases c CROSS JOIN applicants a ON a.id = c.applicant_id "

/* A new change waits to be sent; a conflict still open stays on show until
 * the official decides it. */
#define SYNC_PENDING_SQL                                                \
  " sync_state = CASE sync_state WHEN 'conflict' THEN 'conflict' ELSE 'pending' END," \
  " sync_error = CASE sync_state WHEN 'conflict' THEN sync_error END"

#define APPLICANT_COLUMNS                                               \
  "id, uuid, kind, name, id_type, id_number, phone, legal_representative, " \
  "version, created_at, updated_at"

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

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Errors */

static void
set_sql_error (GError    **error,
               sqlite3    *db,
               const char *doing)
{
  int code = sqlite3_extended_errcode (db);

  g_set_error (error, HALL_STORE_ERROR,
               (code & 0xff) == SQLITE_CONSTRAINT ? HALL_STORE_ERROR_CONFLICT
                                                   : HALL_STORE_ERROR_SQL,
               /* Translators: "Could not save the case: UNIQUE constraint failed" */
               _("Could not %s: %s"), doing, sqlite3_errmsg (db));
}

/* For reads that cannot report an error: a failed step is logged with
 * what was being read, not passed off as "no row". */
static gboolean
step_row_or_warn (HallConn     *conn,
                  sqlite3_stmt *stmt,
                  const char   *doing)
{
  g_autoptr (GError) error = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    {
      set_sql_error (&error, conn->db, doing);
      g_warning ("%s", error->message);
    }
  return FALSE;
}

/* Connections */

static void
conn_free (HallConn *conn)
{
  if (conn == NULL)
    return;
  g_hash_table_unref (conn->stmts);
  sqlite3_close_v2 (conn->db);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallConn, conn_free)

static gboolean
conn_exec (HallConn   *conn,
           const char *sql,
           const char *doing,
           GError    **error)
{
  if (sqlite3_exec (conn->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sql_error (error, conn->db, doing);
      return FALSE;
    }
  return TRUE;
}

static HallConn *
conn_open (const char *path,
           gboolean    read_only,
           GError    **error)
{
  g_autoptr (HallConn) conn = g_new0 (HallConn, 1);
  int flags = SQLITE_OPEN_NOMUTEX
              | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);

  conn->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) sqlite3_finalize);
  if (sqlite3_open_v2 (path, &conn->db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_OPEN,
                   _("Could not open the database “%s”: %s"), path,
                   conn->db ? sqlite3_errmsg (conn->db) : g_strerror (ENOMEM));
      return NULL;
    }
  sqlite3_extended_result_codes (conn->db, 1);
  sqlite3_busy_timeout (conn->db, 5000);
  return g_steal_pointer (&conn);
}

static HallCachedStmt *
conn_prepare (HallConn   *conn,
              const char *sql,
              GError    **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->stmts, sql);

  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_sql_error (error, conn->db, _("prepare a query"));
      return NULL;
    }
  g_hash_table_insert (conn->stmts, (gpointer) sql, stmt);
  return stmt;
}

/* Steps a statement that returns no rows (or whose rows do not matter). */
static gboolean
stmt_run (HallConn     *conn,
          sqlite3_stmt *stmt,
          const char   *doing,
          GError      **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      set_sql_error (error, conn->db, doing);
      return FALSE;
    }
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static HallConn *
reader_acquire (HallStore *self,
                GError   **error)
{
  HallConn *conn = NULL;

  g_mutex_lock (&self->readers_lock);
  if (self->readers->len > 0)
    conn = g_ptr_array_steal_index_fast (self->readers, self->readers->len - 1);
  g_mutex_unlock (&self->readers_lock);

  if (conn == NULL)
    {
      conn = conn_open (self->path, TRUE, error);
      /* A search walks a few thousand random rows; with SQLite's default
       * 2 MiB cache most of them would be a system call to read again. A
       * memory map would avoid the calls too, but its read-around turns a
       * cold start's random reads into 128 KiB ones, 20 times slower.
       * 8 MiB, with at most two readers kept idle, keeps the counter app
       * near 150 MB over a million cases (tests/bench/bench-memory.c). */
      if (conn != NULL
          && (!conn_exec (conn, "PRAGMA query_only = ON", _("open a reader"), error)
              || !conn_exec (conn, "PRAGMA cache_size = -8192", _("open a reader"), error)))
        g_clear_pointer (&conn, conn_free);
    }

  /* One read transaction for all a reader does: one snapshot, and the
   * locks and the check of the WAL index once rather than per statement,
   * which would otherwise cost more than the queries of a search. */
  if (conn != NULL && !conn_exec (conn, "BEGIN", _("start reading"), error))
    g_clear_pointer (&conn, conn_free);
  return conn;
}

static void
reader_release (HallStore *self,
                HallConn  *conn)
{
  if (sqlite3_exec (conn->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      conn_free (conn);
      return;
    }

  g_mutex_lock (&self->readers_lock);
  if (self->readers->len < MAX_IDLE_READERS)
    g_ptr_array_add (self->readers, g_steal_pointer (&conn));
  g_mutex_unlock (&self->readers_lock);
  conn_free (conn);
}

/* Write transactions: the lock, then BEGIN IMMEDIATE, so the write lock of
 * the file is taken up front and a transaction never fails half-way for
 * want of it. Every error path rolls back. */

static gboolean
write_begin (HallStore *self,
             GError   **error)
{
  g_mutex_lock (&self->write_lock);
  if (!conn_exec (self->writer, "BEGIN IMMEDIATE", _("start writing"), error))
    {
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }
  return TRUE;
}

static void
write_rollback (HallStore *self)
{
  if (!sqlite3_get_autocommit (self->writer->db))
    sqlite3_exec (self->writer->db, "ROLLBACK", NULL, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
}

static gboolean
write_commit (HallStore *self,
              GError   **error)
{
  if (!conn_exec (self->writer, "COMMIT", _("save the changes"), error))
    {
      write_rollback (self);
      return FALSE;
    }
  g_mutex_unlock (&self->write_lock);
  return TRUE;
}

/* Signals, in the main context of the thread that opened the store. */

typedef struct
{
  HallStore *store;
  guint      signal;
  GStrv      uuids;   /* "case-changed": once for each */
  guint      n;
} Emission;

static void
emission_free (gpointer data)
{
  Emission *emission = data;

  g_object_unref (emission->store);
  g_strfreev (emission->uuids);
  g_free (emission);
}

static gboolean
emission_run (gpointer data)
{
  Emission *emission = data;

  switch (emission->signal)
    {
    case SIGNAL_CHANGED:
      g_signal_emit (emission->store, signals[SIGNAL_CHANGED], 0);
      break;
    case SIGNAL_CASE_CHANGED:
      for (guint i = 0; emission->uuids[i] != NULL; i++)
        g_signal_emit (emission->store, signals[SIGNAL_CASE_CHANGED], 0, emission->uuids[i]);
      break;
    case SIGNAL_OUTBOX_CHANGED:
      g_signal_emit (emission->store, signals[SIGNAL_OUTBOX_CHANGED], 0, emission->n);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

/* @uuids (taken): the cases of "case-changed", which a commit of a page
 * of the feed has by the thousand: one wake-up of the main context for
 * all of them. */
static void
emit_later_full (HallStore *self,
                 guint      signal,
                 GStrv      uuids,
                 guint      n)
{
  Emission *emission = g_new0 (Emission, 1);

  emission->store = g_object_ref (self);
  emission->signal = signal;
  emission->uuids = uuids;
  emission->n = n;

  /* Straight away when we are on the store's own thread and its context is
   * ours to run; otherwise queued to that context. */
  if (g_main_context_is_owner (self->context))
    {
      emission_run (emission);
      emission_free (emission);
    }
  else if (g_thread_self () == self->thread && g_main_context_acquire (self->context))
    {
      emission_run (emission);
      emission_free (emission);
      g_main_context_release (self->context);
    }
  else
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, emission_run, emission, emission_free);
      g_source_set_static_name (source, "[hall] store signal");
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

static void
emit_later (HallStore  *self,
            guint       signal,
            const char *uuid,
            guint       n)
{
  GStrv uuids = g_new0 (char *, 2);

  uuids[0] = g_strdup (uuid);
  emit_later_full (self, signal, uuids, n);
}

static void
emit_outbox_changed (HallStore *self)
{
  emit_later (self, SIGNAL_OUTBOX_CHANGED, NULL, hall_store_count_outbox (self));
}

/* Reading rows into objects */

static HallApplicant *
read_applicant (sqlite3_stmt *stmt)
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

static HallCase *
read_case (sqlite3_stmt *stmt)
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
                       NULL);
  if (checklist != NULL && JSON_NODE_HOLDS_ARRAY (checklist))
    hall_case_set_checklist (kase, json_node_get_array (checklist));
  return kase;
}

static HallCaseEvent *
read_event (sqlite3_stmt *stmt,
            const char   *case_uuid)
{
  HallCaseEventKind kind = HALL_CASE_EVENT_NOTE;
  HallCaseState new_state = HALL_CASE_RECEIVED;
  const char *new_state_str = (const char *) sqlite3_column_text (stmt, 2);

  hall_case_event_kind_from_string ((const char *) sqlite3_column_text (stmt, 1), &kind);
  if (new_state_str != NULL)
    hall_case_state_from_string (new_state_str, &new_state);

  return g_object_new (HALL_TYPE_CASE_EVENT,
                       "uuid", sqlite3_column_text (stmt, 0),
                       "case-uuid", case_uuid,
                       "kind", kind,
                       "new-state", new_state,
                       "note", sqlite3_column_text (stmt, 3),
                       "official", sqlite3_column_text (stmt, 4),
                       "at", sqlite3_column_int64 (stmt, 5),
                       NULL);
}

static char *
json_to_string_free (JsonNode *node)
{
  char *text = json_to_string (node, FALSE);

  json_node_unref (node);
  return text;
}

/* Writing: these run inside a write transaction, on the writer. */

static gboolean
enqueue_locked (HallStore  *self,
                const char *method,
                const char *path,
                const char *body,
                const char *entity,
                const char *entity_uuid,
                const char *owner_uuid,
                gint64      base_version,
                GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  g_autofree char *uuid = g_uuid_string_random ();

  stmt = conn_prepare (self->writer,
                       "INSERT INTO outbox (uuid, method, path, body, entity, entity_uuid,"
                       " owner_uuid, base_version, created_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, method);
  bind_text (stmt, 3, path);
  bind_text (stmt, 4, body);
  bind_text (stmt, 5, entity);
  bind_text (stmt, 6, entity_uuid);
  bind_text (stmt, 7, owner_uuid);
  sqlite3_bind_int64 (stmt, 8, base_version);
  sqlite3_bind_int64 (stmt, 9, now_seconds ());
  return stmt_run (self->writer, stmt, _("queue the change for the server"), error);
}

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
  g_autoptr (HallCachedStmt) bigrams = NULL;
  g_autoptr (HallCachedStmt) trigrams = NULL;

  if (remove)
    {
      bigrams = conn_prepare (self->writer,
                              "INSERT INTO applicant_bigrams (applicant_bigrams, rowid, bigrams)"
                              " VALUES ('delete', ?1, hall_name_bigrams (?2))",
                              error);
      trigrams = bigrams == NULL ? NULL
                                 : conn_prepare (self->writer,
                                                 "INSERT INTO applicant_trigrams"
                                                 " (applicant_trigrams, rowid, name, phone,"
                                                 " id_number)"
                                                 " VALUES ('delete', ?1, ?2, ?3, ?4)",
                                                 error);
    }
  else
    {
      bigrams = conn_prepare (self->writer,
                              "INSERT INTO applicant_bigrams (rowid, bigrams)"
                              " VALUES (?1, hall_name_bigrams (?2))",
                              error);
      trigrams = bigrams == NULL ? NULL
                                 : conn_prepare (self->writer,
                                                 "INSERT INTO applicant_trigrams"
                                                 " (rowid, name, phone, id_number)"
                                                 " VALUES (?1, ?2, ?3, ?4)",
                                                 error);
    }
  if (trigrams == NULL)
    return FALSE;

  sqlite3_bind_int64 (bigrams, 1, id);
  bind_text (bigrams, 2, name);
  sqlite3_bind_int64 (trigrams, 1, id);
  bind_text (trigrams, 2, name);
  bind_text (trigrams, 3, phone ? phone : "");
  bind_text (trigrams, 4, id_number);
  return stmt_run (self->writer, bigrams, _("index the applicant"), error)
         && stmt_run (self->writer, trigrams, _("index the applicant"), error);
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
  IndexWrite write = { remove, id, g_strdup (name), g_strdup (phone), g_strdup (id_number) };

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
static void
hold_index_locked (HallStore *self)
{
  self->held_index = g_array_new (FALSE, FALSE, sizeof (IndexWrite));
  g_array_set_clear_func (self->held_index, index_write_clear);
}

/* Writes what was held back (with @write), in order; ends holding back. */
static gboolean
release_index_locked (HallStore *self,
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
  char   *name;
  char   *id_type;
  char   *id_number;
  char   *phone;
  char   *legal_representative;
} StoredApplicant;

static void
stored_applicant_clear (StoredApplicant *stored)
{
  g_free (stored->name);
  g_free (stored->id_type);
  g_free (stored->id_number);
  g_free (stored->phone);
  g_free (stored->legal_representative);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StoredApplicant, stored_applicant_clear)

/* Returns TRUE with stored->id == 0 when there is no such applicant. */
static gboolean
lookup_applicant_locked (HallStore       *self,
                         const char      *uuid,
                         StoredApplicant *stored,
                         GError         **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  int rc;

  stmt = conn_prepare (self->writer,
                       "SELECT id, version, name, id_type, id_number, phone, legal_representative"
                       " FROM applicants WHERE uuid = ?1",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      stored->id = sqlite3_column_int64 (stmt, 0);
      stored->version = sqlite3_column_int64 (stmt, 1);
      stored->name = column_dup (stmt, 2);
      stored->id_type = column_dup (stmt, 3);
      stored->id_number = column_dup (stmt, 4);
      stored->phone = column_dup (stmt, 5);
      stored->legal_representative = column_dup (stmt, 6);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("look up the applicant"));
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

/* Inserts or updates the applicant row, its index entries and, when
 * anything changed, its outbox row. @sync_from_server writes a version the
 * server sent instead of queueing. */
static gboolean
store_applicant_locked (HallStore     *self,
                        HallApplicant *applicant,
                        gboolean       from_server,
                        gint64        *id_out,
                        gboolean      *changed_out,
                        GError       **error)
{
  g_auto (StoredApplicant) stored = { 0, };
  g_autoptr (HallCachedStmt) stmt = NULL;
  const char *uuid = hall_applicant_get_uuid (applicant);
  const char *kind = hall_applicant_get_kind (applicant) == HALL_APPLICANT_BUSINESS ? "business"
                                                                                    : "person";
  const char *id_type = applicant_id_type_string (applicant);
  const char *document = hall_applicant_get_document_number (applicant);
  const char *phone = hall_applicant_get_phone (applicant);
  const char *legal = hall_applicant_get_legal_representative (applicant);
  const char *name = hall_applicant_get_name (applicant);
  gint64 now = now_seconds ();
  gint64 id;

  if (!lookup_applicant_locked (self, uuid, &stored, error))
    return FALSE;

  if (stored.id != 0
      && (from_server ? stored.version >= hall_applicant_get_version (applicant)
                      : (g_strcmp0 (stored.name, name) == 0
                         && g_strcmp0 (stored.id_type, id_type) == 0
                         && g_strcmp0 (stored.id_number, document) == 0
                         && g_strcmp0 (stored.phone, phone) == 0
                         && g_strcmp0 (stored.legal_representative, legal) == 0)))
    {
      *id_out = stored.id;
      if (changed_out)
        *changed_out = FALSE;
      return TRUE;
    }

  if (stored.id != 0)
    {
      if (!index_applicant_locked (self, TRUE, stored.id, stored.name, stored.phone,
                                   stored.id_number, error))
        return FALSE;
      stmt = conn_prepare (self->writer,
                           "UPDATE applicants SET name = ?2, id_type = ?3, id_number = ?4,"
                           " phone = ?5, legal_representative = ?6, updated_at = ?7,"
                           " version = ?8, sync_state = ?9, sync_error = NULL"
                           " WHERE id = ?1",
                           error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, stored.id);
      id = stored.id;
    }
  else
    {
      stmt = conn_prepare (self->writer,
                           "INSERT INTO applicants (uuid, name, id_type, id_number, phone,"
                           " legal_representative, updated_at, version, sync_state, kind,"
                           " created_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                           error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, uuid);
      bind_text (stmt, 10, kind);
      sqlite3_bind_int64 (stmt, 11, hall_applicant_get_created_at (applicant));
      id = 0;
    }
  bind_text (stmt, 2, name);
  bind_text (stmt, 3, id_type);
  bind_text (stmt, 4, document);
  bind_text (stmt, 5, phone);
  bind_text (stmt, 6, legal);
  sqlite3_bind_int64 (stmt, 7, from_server ? hall_applicant_get_updated_at (applicant) : now);
  sqlite3_bind_int64 (stmt, 8,
                      from_server ? hall_applicant_get_version (applicant) : stored.version);
  bind_text (stmt, 9, from_server ? "synced" : "pending");
  if (!stmt_run (self->writer, stmt, _("save the applicant"), error))
    return FALSE;
  if (id == 0)
    id = sqlite3_last_insert_rowid (self->writer->db);

  if (!index_applicant_locked (self, FALSE, id, name, phone, document, error))
    return FALSE;

  if (!from_server)
    {
      g_autofree char *path = g_strdup_printf ("/v1/applicants/%s", uuid);
      g_autofree char *body = NULL;

      hall_applicant_set_updated_at (applicant, now);
      hall_applicant_set_version (applicant, stored.version);
      body = json_to_string_free (hall_applicant_to_json (applicant));
      if (!enqueue_locked (self, "PUT", path, body, "applicant", uuid, uuid, stored.version, error))
        return FALSE;
    }

  *id_out = id;
  if (changed_out)
    *changed_out = TRUE;
  return TRUE;
}

/* Lifecycle */

static void
hall_store_finalize (GObject *object)
{
  HallStore *self = HALL_STORE (object);

  g_clear_pointer (&self->readers, g_ptr_array_unref);
  g_clear_pointer (&self->writer, conn_free);
  g_mutex_clear (&self->readers_lock);
  g_mutex_clear (&self->write_lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->path);
  g_free (self->hall_code);
  g_free (self->counter);

  G_OBJECT_CLASS (hall_store_parent_class)->finalize (object);
}

static void
hall_store_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HallStore *self = HALL_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_COUNTER:
      g_value_set_string (value, hall_store_get_counter (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_store_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  HallStore *self = HALL_STORE (object);

  switch (prop_id)
    {
    case PROP_COUNTER:
      hall_store_set_counter (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_store_class_init (HallStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hall_store_finalize;
  object_class->get_property = hall_store_get_property;
  object_class->set_property = hall_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNTER] =
    g_param_spec_string ("counter", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CASE_CHANGED] =
    g_signal_new ("case-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_OUTBOX_CHANGED] =
    g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
hall_store_init (HallStore *self)
{
  g_mutex_init (&self->write_lock);
  g_mutex_init (&self->readers_lock);
  self->readers = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
}

static gboolean
queue_unsent_locked (HallStore *self,
                     GError   **error);

/* Brings the schema up to date in one transaction. Another process may
 * have migrated between our first look and the lock, so look again. */
static gboolean
migrate (HallStore *self,
         GError   **error)
{
  int version;

  if (!write_begin (self, error))
    return FALSE;
  if (!hall_store_read_schema_version (self->writer->db, &version, error))
    goto fail;
  if (version > HALL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SCHEMA,
                   _("The database “%s” was created by a newer Service Hall (schema version %d,"
                     " this one knows up to %d); update Service Hall to open it"),
                   self->path, version, HALL_STORE_SCHEMA_VERSION);
      goto fail;
    }
  if (version < HALL_STORE_SCHEMA_VERSION)
    {
      if (!hall_store_migrate (self->writer->db, version, error))
        goto fail;
      /* Before version 3 nothing was ever sent: queue what there is. From
       * version 3 on, what was not sent is in the outbox already. */
      if (version > 0 && version < 3 && !queue_unsent_locked (self, error))
        goto fail;
    }
  self->schema_version = HALL_STORE_SCHEMA_VERSION;
  return write_commit (self, error);

fail:
  write_rollback (self);
  return FALSE;
}

/* The hall code and the counter become parts of case numbers, which the
 * search splits at dashes. */
static gboolean
is_code (const char *code)
{
  if (code == NULL || *code == '\0' || strlen (code) > 16)
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

HallStore *
hall_store_open (const char  *path,
                 const char  *hall_code,
                 const char  *counter,
                 GError     **error)
{
  g_autoptr (HallStore) self = NULL;
  int version = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (hall_code != NULL, NULL);
  g_return_val_if_fail (counter != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_code (hall_code) || !is_code (counter))
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                   _("The hall code “%s” and the counter “%s” may only have letters and digits"
                     " (at most 16), as they become part of case numbers"),
                   hall_code, counter);
      return NULL;
    }

  if (sodium_init () < 0)
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_OPEN,
                           _("Could not initialise libsodium for the officials’ passwords"));
      return NULL;
    }

  self = g_object_new (HALL_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->hall_code = g_strdup (hall_code);
  self->counter = g_strdup (counter);
  self->context = g_main_context_ref_thread_default ();
  self->thread = g_thread_self ();

  self->writer = conn_open (path, FALSE, error);
  if (self->writer == NULL)
    return NULL;

  /* Look before touching: a database from a newer version is left exactly
   * as it is, so that version can still open it. */
  if (!hall_store_read_schema_version (self->writer->db, &version, error))
    return NULL;
  if (version > HALL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SCHEMA,
                   _("The database “%s” was created by a newer Service Hall (schema version %d,"
                     " this one knows up to %d); update Service Hall to open it"),
                   path, version, HALL_STORE_SCHEMA_VERSION);
      return NULL;
    }

  if (!conn_exec (self->writer, "PRAGMA journal_mode = WAL", _("set up the database"), error)
      || !conn_exec (self->writer, "PRAGMA synchronous = FULL", _("set up the database"), error)
      || !conn_exec (self->writer, "PRAGMA foreign_keys = ON", _("set up the database"), error)
      || !hall_store_register_functions (self->writer->db, error)
      || !migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
hall_store_get_path (HallStore *self)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  return self->path;
}

const char *
hall_store_get_counter (HallStore *self)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  return self->counter;
}

void
hall_store_set_counter (HallStore  *self,
                        const char *counter)
{
  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (is_code (counter));

  /* The counter is read by create_case under the write lock. */
  g_mutex_lock (&self->write_lock);
  if (g_strcmp0 (self->counter, counter) == 0)
    {
      g_mutex_unlock (&self->write_lock);
      return;
    }
  g_free (self->counter);
  self->counter = g_strdup (counter);
  g_mutex_unlock (&self->write_lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTER]);
}

int
hall_store_get_schema_version (HallStore *self)
{
  g_return_val_if_fail (HALL_IS_STORE (self), 0);
  return self->schema_version;
}

/* Meta */

char *
hall_store_get_meta (HallStore  *self,
                     const char *key)
{
  g_autoptr (GError) error = NULL;
  HallConn *conn;
  char *value = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  conn = reader_acquire (self, &error);
  if (conn == NULL)
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  {
    g_autoptr (HallCachedStmt) stmt = conn_prepare (conn, "SELECT value FROM meta WHERE key = ?1",
                                                    &error);

    if (stmt != NULL)
      {
        bind_text (stmt, 1, key);
        if (step_row_or_warn (conn, stmt, _("read a setting of the local store")))
          value = column_dup (stmt, 0);
      }
    else
      g_warning ("%s", error->message);
  }
  reader_release (self, conn);
  return value;
}

static gboolean
set_meta_locked (HallStore  *self,
                 const char *key,
                 const char *value,
                 GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;

  stmt = conn_prepare (self->writer,
                       "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                       " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  return stmt_run (self->writer, stmt, _("save a setting"), error);
}

gboolean
hall_store_set_meta (HallStore  *self,
                     const char *key,
                     const char *value,
                     GError    **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!write_begin (self, error))
    return FALSE;
  if (!set_meta_locked (self, key, value, error))
    {
      write_rollback (self);
      return FALSE;
    }
  return write_commit (self, error);
}

/* Officials */

gboolean
hall_store_add_official (HallStore  *self,
                         const char *username,
                         const char *display_name,
                         const char *password,
                         const char *roles,
                         GError    **error)
{
  char hash[crypto_pwhash_STRBYTES];
  g_autoptr (HallCachedStmt) stmt = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (username != NULL && display_name != NULL, FALSE);
  g_return_val_if_fail (password != NULL && roles != NULL, FALSE);

  if (*username == '\0')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("The user name of an official must not be empty"));
      return FALSE;
    }

  /* Hashing takes a noticeable time and memory by design: outside the lock. */
  if (crypto_pwhash_str (hash, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH,
                           _("Not enough memory to protect the password"));
      return FALSE;
    }

  if (!write_begin (self, error))
    return FALSE;
  stmt = conn_prepare (self->writer,
                       "INSERT INTO officials (username, display_name, password_hash, roles,"
                       " created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                       " ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,"
                       " password_hash = excluded.password_hash, roles = excluded.roles",
                       error);
  if (stmt == NULL)
    {
      write_rollback (self);
      return FALSE;
    }
  bind_text (stmt, 1, username);
  bind_text (stmt, 2, display_name);
  bind_text (stmt, 3, hash);
  bind_text (stmt, 4, roles);
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
  if (!stmt_run (self->writer, stmt, _("save the official"), error))
    {
      g_clear_pointer (&stmt, cached_stmt_release);
      write_rollback (self);
      return FALSE;
    }
  g_clear_pointer (&stmt, cached_stmt_release);
  return write_commit (self, error);
}

static gboolean
official_exists (HallStore  *self,
                 const char *username,
                 gboolean   *exists,
                 GError    **error)
{
  HallConn *conn = reader_acquire (self, error);
  gboolean ok = FALSE;

  if (conn == NULL)
    return FALSE;
  {
    g_autoptr (HallCachedStmt) stmt = conn_prepare (conn,
                                                    "SELECT 1 FROM officials WHERE username = ?1",
                                                    error);
    if (stmt != NULL)
      {
        int rc;

        bind_text (stmt, 1, username);
        rc = sqlite3_step (stmt);
        ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
        *exists = rc == SQLITE_ROW;
        if (!ok)
          set_sql_error (error, conn->db, _("look up the official"));
      }
  }
  reader_release (self, conn);
  return ok;
}

gboolean
hall_store_add_demo_officials (HallStore  *self,
                               GError    **error)
{
  static const struct
  {
    const char *username;
    const char *display_name;
    const char *roles;
  } demo[] = {
    { "demo", N_("Demo Official"),
      "reception,counter_official,approver,supervisor,administrator" },
    { "wang.fang", "王芳", "counter_official" },
    { "li.na", "李娜", "approver" },
    { "zhao.lei", "赵磊", "supervisor" },
  };

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (demo); i++)
    {
      gboolean exists = FALSE;

      if (!official_exists (self, demo[i].username, &exists, error))
        return FALSE;
      if (!exists
          && !hall_store_add_official (self, demo[i].username, _(demo[i].display_name), "demo",
                                       demo[i].roles, error))
        return FALSE;
    }
  return TRUE;
}

/* A hash of nothing anyone knows, to verify against for unknown users. */
static const char *
dummy_hash (void)
{
  static char hash[crypto_pwhash_STRBYTES];
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      char secret[33];

      randombytes_buf (secret, sizeof secret - 1);
      secret[sizeof secret - 1] = '\0';
      if (crypto_pwhash_str (hash, secret, sizeof secret - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        hash[0] = '\0';
      sodium_memzero (secret, sizeof secret);
      g_once_init_leave (&done, 1);
    }
  return hash;
}

char *
hall_store_check_password (HallStore  *self,
                           const char *username,
                           const char *password,
                           char      **roles_out,
                           GError    **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *roles = NULL;
  HallConn *conn;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL && password != NULL, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    g_autoptr (HallCachedStmt) stmt = conn_prepare (conn,
                                                    "SELECT display_name, password_hash, roles"
                                                    " FROM officials WHERE username = ?1",
                                                    error);
    if (stmt != NULL)
      {
        bind_text (stmt, 1, username);
        rc = sqlite3_step (stmt);
        if (rc == SQLITE_ROW)
          {
            display_name = column_dup (stmt, 0);
            hash = column_dup (stmt, 1);
            roles = column_dup (stmt, 2);
          }
        else if (rc != SQLITE_DONE)
          set_sql_error (error, conn->db, _("look up the official"));
      }
  }
  reader_release (self, conn);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return NULL;

  /* The same answer, after the same time, for an unknown name and a wrong
   * password, so the form does not tell which user names exist. */
  if (hash == NULL)
    {
      /* Only the time it takes matters. */
      int wasted = crypto_pwhash_str_verify (dummy_hash (), password, strlen (password));

      g_debug ("Unknown official (%d)", wasted);
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH,
                           _("The user name or the password is not right"));
      return NULL;
    }
  if (crypto_pwhash_str_verify (hash, password, strlen (password)) != 0)
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH,
                           _("The user name or the password is not right"));
      return NULL;
    }
  if (roles_out != NULL)
    *roles_out = g_steal_pointer (&roles);
  return g_steal_pointer (&display_name);
}

/* Applicants */

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
  if (!write_begin (self, error))
    return FALSE;
  if (!store_applicant_locked (self, applicant, FALSE, &id, &changed, error))
    {
      write_rollback (self);
      return FALSE;
    }
  if (!write_commit (self, error))
    return FALSE;
  if (changed)
    {
      emit_later (self, SIGNAL_CHANGED, NULL, 0);
      emit_outbox_changed (self);
    }
  return TRUE;
}

static HallApplicant *
get_applicant_where (HallStore  *self,
                     const char *sql,
                     const char *value,
                     GError    **error)
{
  HallConn *conn = reader_acquire (self, error);
  HallApplicant *applicant = NULL;

  if (conn == NULL)
    return NULL;
  {
    g_autoptr (HallCachedStmt) stmt = conn_prepare (conn, sql, error);

    if (stmt != NULL)
      {
        int rc;

        bind_text (stmt, 1, value);
        rc = sqlite3_step (stmt);
        if (rc == SQLITE_ROW)
          applicant = read_applicant (stmt);
        else if (rc != SQLITE_DONE)
          set_sql_error (error, conn->db, _("read the applicant"));
      }
  }
  reader_release (self, conn);
  return applicant;
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
  /* Several rows can share a number only through a server-side merge; the
   * most recently updated is the one to show. */
  return get_applicant_where (self,
                              "SELECT " APPLICANT_COLUMNS " FROM applicants WHERE id_number = ?1"
                              " ORDER BY updated_at DESC LIMIT 1",
                              normalized, error);
}

/* Cases */

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
  g_autoptr (HallCachedStmt) stmt = NULL;

  stmt = conn_prepare (self->writer,
                       "INSERT INTO case_sequences (counter, year, last_seq) VALUES (?1, ?2, 1)"
                       " ON CONFLICT (counter, year) DO UPDATE SET last_seq = last_seq + 1"
                       " RETURNING last_seq",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, counter);
  sqlite3_bind_int64 (stmt, 2, year);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sql_error (error, self->writer->db, _("allocate a case number"));
      return FALSE;
    }
  *seq_out = sqlite3_column_int64 (stmt, 0);
  return stmt_run (self->writer, stmt, _("allocate a case number"), error);
}

static gboolean
insert_event_locked (HallStore     *self,
                     gint64         case_id,
                     HallCaseEvent *event,
                     GError       **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  HallCaseEventKind kind = hall_case_event_get_kind (event);

  stmt = conn_prepare (self->writer,
                       "INSERT INTO case_events (uuid, case_id, kind, new_state, note, official,"
                       " at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, hall_case_event_get_uuid (event));
  sqlite3_bind_int64 (stmt, 2, case_id);
  bind_text (stmt, 3, hall_case_event_kind_to_string (kind));
  bind_text (stmt, 4, kind == HALL_CASE_EVENT_STATE
                        ? hall_case_state_to_string (hall_case_event_get_new_state (event))
                        : NULL);
  bind_text (stmt, 5, hall_case_event_get_note (event));
  bind_text (stmt, 6, hall_case_event_get_official (event));
  sqlite3_bind_int64 (stmt, 7, hall_case_event_get_at (event));
  return stmt_run (self->writer, stmt, _("save the case’s history"), error);
}

static gboolean
enqueue_event_locked (HallStore     *self,
                      HallCaseEvent *event,
                      GError       **error)
{
  const char *case_uuid = hall_case_event_get_case_uuid (event);
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", case_uuid);
  g_autofree char *body = json_to_string_free (hall_case_event_to_json (event));

  return enqueue_locked (self, "POST", path, body, "event", hall_case_event_get_uuid (event),
                         case_uuid, 0, error);
}

/* The tail of "YC-2026-C03-000123". */
static gint64
number_seq (const char *number)
{
  const char *dash = strrchr (number, '-');

  return g_ascii_strtoll (dash ? dash + 1 : number, NULL, 10);
}

static gboolean
insert_case_locked (HallStore  *self,
                    HallCase   *kase,
                    gint64      applicant_id,
                    gboolean    from_server,
                    GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  g_autofree char *checklist = NULL;
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, hall_case_get_checklist (kase));
  checklist = json_to_string (node, FALSE);

  stmt = conn_prepare (self->writer,
                       "INSERT INTO cases (uuid, number, seq, service_id, service_name,"
                       " applicant_id, state, created_at, promised_at, updated_at, counter,"
                       " official, checklist, version, sync_state)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, hall_case_get_uuid (kase));
  bind_text (stmt, 2, hall_case_get_number (kase));
  sqlite3_bind_int64 (stmt, 3, number_seq (hall_case_get_number (kase)));
  bind_text (stmt, 4, hall_case_get_service_id (kase));
  bind_text (stmt, 5, hall_case_get_service_name (kase) ? hall_case_get_service_name (kase) : "");
  sqlite3_bind_int64 (stmt, 6, applicant_id);
  bind_text (stmt, 7, hall_case_state_to_string (hall_case_get_state (kase)));
  sqlite3_bind_int64 (stmt, 8, hall_case_get_created_at (kase));
  sqlite3_bind_int64 (stmt, 9, hall_case_get_promised_at (kase));
  sqlite3_bind_int64 (stmt, 10, hall_case_get_updated_at (kase));
  bind_text (stmt, 11, hall_case_get_counter (kase) ? hall_case_get_counter (kase) : "");
  bind_text (stmt, 12, hall_case_get_official (kase) ? hall_case_get_official (kase) : "");
  bind_text (stmt, 13, checklist);
  sqlite3_bind_int64 (stmt, 14, hall_case_get_version (kase));
  bind_text (stmt, 15, from_server ? "synced" : "pending");
  return stmt_run (self->writer, stmt, _("save the case"), error);
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
  gint64 now = now_seconds ();
  gint64 applicant_id;
  gint64 seq;

  if (!store_applicant_locked (self, applicant, FALSE, &applicant_id, NULL, error)
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
  hall_case_set_created_at (kase, now);
  hall_case_set_updated_at (kase, now);
  hall_case_set_promised_at (kase, now + (gint64) hall_service_get_promised_minutes (service) * 60);
  hall_case_set_counter (kase, self->counter);
  hall_case_set_version (kase, 0);
  hall_case_set_sync_state (kase, HALL_SYNC_PENDING);
  hall_case_set_sync_error (kase, NULL);
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
  body = json_to_string_free (hall_case_to_json (kase));

  return insert_case_locked (self, kase, applicant_id, FALSE, error)
         && insert_event_locked (self, sqlite3_last_insert_rowid (self->writer->db), created, error)
         && enqueue_locked (self, "PUT", path, body, "case", hall_case_get_uuid (kase),
                            hall_case_get_uuid (kase), 0, error)
         && enqueue_event_locked (self, created, error);
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
  if (!write_begin (self, error))
    return FALSE;
  if (!create_case_locked (self, applicant, service, kase, error))
    {
      write_rollback (self);
      case_snapshot_restore (&snap, kase);
      return FALSE;
    }
  if (!write_commit (self, error))
    {
      case_snapshot_restore (&snap, kase);
      return FALSE;
    }

  emit_later (self, SIGNAL_CHANGED, NULL, 0);
  emit_later (self, SIGNAL_CASE_CHANGED, hall_case_get_uuid (kase), 0);
  emit_outbox_changed (self);
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
  HallConn *conn = reader_acquire (self, error);
  HallCase *kase = NULL;

  if (conn == NULL)
    return NULL;
  {
    g_autoptr (HallCachedStmt) stmt = conn_prepare (conn, sql, &local_error);

    if (stmt != NULL)
      {
        int rc;

        bind_text (stmt, 1, value);
        rc = sqlite3_step (stmt);
        if (rc == SQLITE_ROW)
          kase = read_case (stmt);
        else if (rc == SQLITE_DONE)
          g_set_error (&local_error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                       _("There is no case %s at this counter"), value);
        else
          set_sql_error (&local_error, conn->db, _("read the case"));
      }
  }
  reader_release (self, conn);
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

static gboolean
lookup_case_id_locked (HallStore  *self,
                       const char *uuid,
                       gint64     *id_out,
                       GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  int rc;

  stmt = conn_prepare (self->writer, "SELECT id FROM cases WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
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
  set_sql_error (error, self->writer->db, _("look up the case"));
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
  g_autoptr (HallCachedStmt) stmt = NULL;
  HallCaseState state = HALL_CASE_RECEIVED;

  stmt = conn_prepare (self->writer, "SELECT state FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sql_error (error, self->writer->db, _("look up the case"));
      return FALSE;
    }
  hall_case_state_from_string ((const char *) sqlite3_column_text (stmt, 0), &state);
  return hall_case_state_check_move (state, hall_case_event_get_new_state (event), error);
}

static gboolean
add_case_event_locked (HallStore     *self,
                       HallCaseEvent *event,
                       GError       **error)
{
  const char *case_uuid = hall_case_event_get_case_uuid (event);
  gint64 case_id;

  if (!lookup_case_id_locked (self, case_uuid, &case_id, error))
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
  if (!insert_event_locked (self, case_id, event, error))
    return FALSE;

  if (hall_case_event_get_kind (event) == HALL_CASE_EVENT_STATE)
    {
      g_autoptr (HallCachedStmt) stmt = NULL;

      stmt = conn_prepare (self->writer,
                           "UPDATE cases SET state = ?2, updated_at = ?3," SYNC_PENDING_SQL
                           " WHERE id = ?1",
                           error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, case_id);
      bind_text (stmt, 2, hall_case_state_to_string (hall_case_event_get_new_state (event)));
      sqlite3_bind_int64 (stmt, 3, hall_case_event_get_at (event));
      if (!stmt_run (self->writer, stmt, _("move the case to its new state"), error))
        return FALSE;
    }
  else
    {
      g_autoptr (HallCachedStmt) stmt = NULL;

      stmt = conn_prepare (self->writer,
                           "UPDATE cases SET" SYNC_PENDING_SQL " WHERE id = ?1",
                           error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, case_id);
      if (!stmt_run (self->writer, stmt, _("save the case"), error))
        return FALSE;
    }
  return enqueue_event_locked (self, event, error);
}

gboolean
hall_store_add_case_event (HallStore      *self,
                           HallCaseEvent  *event,
                           GError        **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (HALL_IS_CASE_EVENT (event), FALSE);

  if (!write_begin (self, error))
    return FALSE;
  if (!add_case_event_locked (self, event, error))
    {
      write_rollback (self);
      return FALSE;
    }
  if (!write_commit (self, error))
    return FALSE;

  emit_later (self, SIGNAL_CHANGED, NULL, 0);
  emit_later (self, SIGNAL_CASE_CHANGED, hall_case_event_get_case_uuid (event), 0);
  emit_outbox_changed (self);
  return TRUE;
}

GPtrArray *
hall_store_list_case_events (HallStore   *self,
                             const char  *case_uuid,
                             GError     **error)
{
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  HallConn *conn;
  gboolean ok = FALSE;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (case_uuid != NULL, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    g_autoptr (HallCachedStmt) stmt = NULL;

    stmt = conn_prepare (conn,
                         "SELECT e.uuid, e.kind, e.new_state, e.note, e.official, e.at"
                         " FROM case_events e JOIN cases c ON c.id = e.case_id"
                         " WHERE c.uuid = ?1 ORDER BY e.at, e.id",
                         error);
    if (stmt != NULL)
      {
        int rc;

        bind_text (stmt, 1, case_uuid);
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          g_ptr_array_add (events, read_event (stmt, case_uuid));
        ok = rc == SQLITE_DONE;
        if (!ok)
          set_sql_error (error, conn->db, _("read the case’s history"));
      }
  }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&events) : NULL;
}

/* Reads whole cases by rowid, in the order given. */
static GPtrArray *
read_cases_by_id (HallConn     *conn,
                  const gint64 *ids,
                  guint         n_ids,
                  GError      **error)
{
  g_autoptr (GPtrArray) cases = g_ptr_array_new_full (n_ids, g_object_unref);
  g_autoptr (HallCachedStmt) stmt = NULL;

  stmt = conn_prepare (conn, "SELECT " CASE_COLUMNS CASE_FROM "WHERE c.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < n_ids; i++)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (cases, read_case (stmt));
      else if (rc != SQLITE_DONE)
        {
          set_sql_error (error, conn->db, _("read the cases"));
          return NULL;
        }
      sqlite3_reset (stmt);
    }
  return g_steal_pointer (&cases);
}

GPtrArray *
hall_store_list_applicant_cases (HallStore   *self,
                                 const char  *applicant_uuid,
                                 GError     **error)
{
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  HallConn *conn;
  gboolean ok = FALSE;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (applicant_uuid != NULL, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    g_autoptr (HallCachedStmt) stmt = NULL;

    stmt = conn_prepare (conn,
                         "SELECT " CASE_COLUMNS " FROM applicants a"
                         " CROSS JOIN cases c ON c.applicant_id = a.id"
                         " WHERE a.uuid = ?1 ORDER BY c.created_at DESC, c.id DESC",
                         error);
    if (stmt != NULL)
      {
        int rc;

        bind_text (stmt, 1, applicant_uuid);
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          g_ptr_array_add (cases, read_case (stmt));
        ok = rc == SQLITE_DONE;
        if (!ok)
          set_sql_error (error, conn->db, _("read the applicant’s cases"));
      }
  }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&cases) : NULL;
}

/* Paging */

static gint64
count_query (HallStore  *self,
             const char *sql,
             const char *doing)
{
  g_autoptr (GError) error = NULL;
  HallConn *conn = reader_acquire (self, &error);
  gint64 n = 0;

  if (conn == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }
  {
    g_autoptr (HallCachedStmt) stmt = conn_prepare (conn, sql, &error);

    if (stmt == NULL)
      g_warning ("%s", error->message);
    else if (step_row_or_warn (conn, stmt, doing))
      n = sqlite3_column_int64 (stmt, 0);
  }
  reader_release (self, conn);
  return n;
}

guint
hall_store_count_cases (HallStore *self)
{
  g_return_val_if_fail (HALL_IS_STORE (self), 0);

  /* Kept by triggers: counting a million rows would take tens of ms. */
  return count_query (self, "SELECT n FROM counts WHERE name = 'cases'", _("count the cases"));
}

GPtrArray *
_hall_store_fetch_page (HallStore          *self,
                        const HallStoreKey *anchor,
                        guint               skip,
                        guint               limit,
                        GArray             *keys_out,
                        GError            **error)
{
  g_autoptr (GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), limit);
  GPtrArray *cases = NULL;
  HallConn *conn;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    /* Only the index is walked to find the page; whole rows are read for
     * the page alone. */
    g_autoptr (HallCachedStmt) stmt = NULL;

    if (anchor != NULL)
      stmt = conn_prepare (conn,
                           "SELECT created_at, id FROM cases INDEXED BY cases_created"
                           " WHERE (created_at, id) <= (?3, ?4)"
                           " ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2",
                           error);
    else
      stmt = conn_prepare (conn,
                           "SELECT created_at, id FROM cases INDEXED BY cases_created"
                           " ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2",
                           error);
    if (stmt != NULL)
      {
        sqlite3_bind_int64 (stmt, 1, limit);
        sqlite3_bind_int64 (stmt, 2, skip);
        if (anchor != NULL)
          {
            sqlite3_bind_int64 (stmt, 3, anchor->created_at);
            sqlite3_bind_int64 (stmt, 4, anchor->id);
          }
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          {
            HallStoreKey key = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

            g_array_append_val (ids, key.id);
            if (keys_out != NULL)
              g_array_append_val (keys_out, key);
          }
        if (rc != SQLITE_DONE)
          set_sql_error (error, conn->db, _("read the list of cases"));
      }
  }
  if (rc == SQLITE_DONE)
    cases = read_cases_by_id (conn, (gint64 *) ids->data, ids->len, error);
  reader_release (self, conn);
  return cases;
}

GPtrArray *
_hall_store_fetch_page_from_bottom (HallStore  *self,
                                    guint       skip,
                                    guint       limit,
                                    GArray     *keys_out,
                                    GError    **error)
{
  g_autoptr (GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), limit);
  g_autoptr (GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (HallStoreKey), limit);
  GPtrArray *cases = NULL;
  HallConn *conn;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    g_autoptr (HallCachedStmt) stmt = NULL;

    stmt = conn_prepare (conn,
                         "SELECT created_at, id FROM cases INDEXED BY cases_created"
                         " ORDER BY created_at, id LIMIT ?1 OFFSET ?2",
                         error);
    if (stmt != NULL)
      {
        sqlite3_bind_int64 (stmt, 1, limit);
        sqlite3_bind_int64 (stmt, 2, skip);
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          {
            HallStoreKey key = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

            g_array_prepend_val (keys, key);
            g_array_prepend_val (ids, key.id);
          }
        if (rc != SQLITE_DONE)
          set_sql_error (error, conn->db, _("read the list of cases"));
      }
  }
  if (rc == SQLITE_DONE)
    cases = read_cases_by_id (conn, (gint64 *) ids->data, ids->len, error);
  reader_release (self, conn);
  if (cases != NULL && keys_out != NULL)
    g_array_append_vals (keys_out, keys->data, keys->len);
  return cases;
}

GArray *
_hall_store_scan_marks (HallStore     *self,
                        guint          interval,
                        guint         *n_cases_out,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr (GArray) marks = g_array_new (FALSE, FALSE, sizeof (HallStoreKey));
  HallConn *conn;
  int rc = SQLITE_ERROR;
  guint rank = 0;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (interval > 0, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    /* The count and the keys from the same snapshot. */
    g_autoptr (HallCachedStmt) count = conn_prepare (conn,
                                                     "SELECT n FROM counts WHERE name = 'cases'",
                                                     error);
    g_autoptr (HallCachedStmt) stmt = NULL;

    if (count != NULL && sqlite3_step (count) == SQLITE_ROW)
      *n_cases_out = sqlite3_column_int64 (count, 0);
    stmt = count == NULL ? NULL
                         : conn_prepare (conn,
                                         "SELECT created_at, id FROM cases INDEXED BY cases_created"
                                         " ORDER BY created_at DESC, id DESC",
                                         error);
    if (stmt != NULL)
      {
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          {
            if (rank % interval == 0)
              {
                HallStoreKey key = { sqlite3_column_int64 (stmt, 0),
                                     sqlite3_column_int64 (stmt, 1) };

                g_array_append_val (marks, key);
                if (g_cancellable_set_error_if_cancelled (cancellable, error))
                  break;
              }
            rank++;
          }
        if (rc != SQLITE_DONE && rc != SQLITE_ROW)
          set_sql_error (error, conn->db, _("read the list of cases"));
      }
  }
  reader_release (self, conn);
  return rc == SQLITE_DONE ? g_steal_pointer (&marks) : NULL;
}

guint
_hall_store_count_newer (HallStore          *self,
                         const HallStoreKey *key)
{
  g_autoptr (GError) error = NULL;
  HallConn *conn = reader_acquire (self, &error);
  guint n = 0;

  if (conn == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }
  {
    g_autoptr (HallCachedStmt) stmt = conn_prepare (conn,
                                                    "SELECT count(*) FROM cases"
                                                    " INDEXED BY cases_created"
                                                    " WHERE (created_at, id) > (?1, ?2)",
                                                    &error);
    if (stmt == NULL)
      g_warning ("%s", error->message);
    else
      {
        sqlite3_bind_int64 (stmt, 1, key->created_at);
        sqlite3_bind_int64 (stmt, 2, key->id);
        if (step_row_or_warn (conn, stmt, _("count the cases before a position in the list")))
          n = sqlite3_column_int64 (stmt, 0);
      }
  }
  reader_release (self, conn);
  return n;
}

GPtrArray *
hall_store_fetch_cases (HallStore  *self,
                        guint       offset,
                        guint       limit,
                        GError    **error)
{
  return _hall_store_fetch_page (self, NULL, offset, limit, NULL, error);
}

/* Search */

/* How each kind of query finds its candidates: applicants or cases whose
 * rowids answer it, from one index. */
typedef struct
{
  HallSearchKind  kind;
  gboolean        of_cases;   /* candidates are case rowids, not applicant ones */
  gboolean        two_params; /* a range: ?1 <= col < ?2 */
  const char     *candidates;
  /* How many candidates, up to ?3: counted inside SQLite, which is several
   * times cheaper than stepping them out to decide on a plan. */
  const char     *count;
  /* For a few candidates: their cases, newest first, through an index. */
  const char     *seek;
  /* For candidate sets too large to collect: walk the cases newest first
   * and test each. NULL where the full-text index is cheap to read whole. */
  const char     *walk;
} SearchRoute;

/* SQLite runs the IN list once into a temporary table and seeks each of
 * its rows in cases_applicant, keeping only the newest @limit in its
 * sorter: faster than stepping one statement per candidate from C. */
#define SEEK_APPLICANTS(candidates)                                             \
  "SELECT c.created_at, c.id FROM cases c INDEXED BY cases_applicant"           \
  " WHERE c.applicant_id IN (" candidates ")"                                   \
  " ORDER BY c.created_at DESC, c.id DESC LIMIT ?3"
#define COUNT(candidates) "SELECT count(*) FROM (" candidates " LIMIT ?3)"
#define CANDIDATES_APPLICANTS(cond) "SELECT id FROM applicants WHERE " cond
#define ROUTE_APPLICANTS(kind, two, cond)                                       \
  { kind, FALSE, two, CANDIDATES_APPLICANTS (cond), COUNT (CANDIDATES_APPLICANTS (cond)), \
    SEEK_APPLICANTS (CANDIDATES_APPLICANTS (cond)), WALK_APPLICANT (cond) }
#define FTS_CANDIDATES(table) "SELECT rowid FROM " table " WHERE " table " MATCH ?1"

#define WALK_HEAD "SELECT c.created_at, c.id FROM cases c INDEXED BY cases_created WHERE "
#define WALK_TAIL " ORDER BY c.created_at DESC, c.id DESC LIMIT ?3"
#define WALK_APPLICANT(cond) \
  WALK_HEAD "EXISTS (SELECT 1 FROM applicants a WHERE a.id = c.applicant_id AND " cond ")" WALK_TAIL

static const SearchRoute search_routes[] = {
  ROUTE_APPLICANTS (HALL_SEARCH_DOCUMENT, FALSE, "id_number = ?1"),
  ROUTE_APPLICANTS (HALL_SEARCH_DOCUMENT_PREFIX, TRUE, "id_number >= ?1 AND id_number < ?2"),
  ROUTE_APPLICANTS (HALL_SEARCH_PHONE_PREFIX, TRUE, "phone >= ?1 AND phone < ?2"),
  ROUTE_APPLICANTS (HALL_SEARCH_NAME_PREFIX, TRUE, "name >= ?1 AND name < ?2"),
  { HALL_SEARCH_NAME_BIGRAM, FALSE, FALSE, FTS_CANDIDATES ("applicant_bigrams"),
    COUNT (FTS_CANDIDATES ("applicant_bigrams")),
    SEEK_APPLICANTS (FTS_CANDIDATES ("applicant_bigrams")), NULL },
  { HALL_SEARCH_SUBSTRING, FALSE, FALSE, FTS_CANDIDATES ("applicant_trigrams"),
    COUNT (FTS_CANDIDATES ("applicant_trigrams")),
    SEEK_APPLICANTS (FTS_CANDIDATES ("applicant_trigrams")), NULL },
  /* Answered by search_case_number (). */
  { HALL_SEARCH_CASE_NUMBER, TRUE, TRUE, NULL, NULL, NULL, NULL },
  { HALL_SEARCH_CASE_SEQ, TRUE, FALSE, "SELECT id FROM cases WHERE seq = ?1",
    COUNT ("SELECT id FROM cases WHERE seq = ?1"),
    "SELECT created_at, id FROM cases WHERE seq = ?1"
    " ORDER BY created_at DESC, id DESC LIMIT ?3", NULL },
};

/* Up to this many candidates, each one's cases are looked up through an
 * index and sorted; beyond it, walking the cases newest first and testing
 * each against the candidate set finds @limit matches sooner. */
#define SEARCH_SEEK_MAX 2048
/* Beyond this many candidates, collecting them costs more than walking
 * the cases and testing each against the index row by row. */
#define SEARCH_COLLECT_MAX 16384

static int
key_compare_desc (gconstpointer a,
                  gconstpointer b)
{
  const HallStoreKey *ka = a;
  const HallStoreKey *kb = b;

  if (ka->created_at != kb->created_at)
    return ka->created_at < kb->created_at ? 1 : -1;
  if (ka->id != kb->id)
    return ka->id < kb->id ? 1 : -1;
  return 0;
}

static void
bind_route (sqlite3_stmt      *stmt,
            const SearchRoute *route,
            HallSearchQuery   *query,
            const char        *param1,
            const char        *param2)
{
  if (route->kind == HALL_SEARCH_CASE_SEQ)
    sqlite3_bind_int64 (stmt, 1, query->seq);
  else
    bind_text (stmt, 1, param1);
  if (route->two_params)
    sqlite3_bind_text (stmt, 2, param2, -1, SQLITE_TRANSIENT);
}

/* A case number is "<hall>-<year>-<counter>-<seq>", and within one hall,
 * year and counter the sequence grows with time (it is drawn in the same
 * transaction that stamps the case). So the newest cases of a number prefix
 * are the highest numbers of each such group it spans: a few seeks per
 * group, where walking by date would cross every case since the prefix's
 * last one, and collecting by number every case under it. */
static gboolean
search_case_number (HallConn         *conn,
                    HallSearchQuery  *query,
                    guint             limit,
                    GArray           *keys,
                    GError          **error)
{
  g_autofree char *end = hall_search_prefix_end (query->text);
  g_autofree char *cursor = g_strdup (query->text);
  g_autoptr (HallCachedStmt) first = NULL;
  g_autoptr (HallCachedStmt) top = NULL;
  int rc;

  first = conn_prepare (conn,
                        "SELECT number FROM cases WHERE number >= ?1 AND number < ?2"
                        " ORDER BY number LIMIT 1",
                        error);
  top = first == NULL ? NULL
                      : conn_prepare (conn,
                                      "SELECT created_at, id FROM cases"
                                      " WHERE number >= ?1 AND number < ?2"
                                      " ORDER BY number DESC LIMIT ?3",
                                      error);
  if (top == NULL)
    return FALSE;

  while (TRUE)
    {
      g_autofree char *group = NULL;
      g_autofree char *group_end = NULL;
      const char *number;
      const char *p;
      guint dashes = 0;

      sqlite3_bind_text (first, 1, cursor, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (first, 2, end, -1, SQLITE_STATIC);
      rc = sqlite3_step (first);
      if (rc == SQLITE_DONE)
        break;
      if (rc != SQLITE_ROW)
        {
          set_sql_error (error, conn->db, _("search"));
          return FALSE;
        }
      number = (const char *) sqlite3_column_text (first, 0);
      for (p = number; *p != '\0' && dashes < 3; p++)
        if (*p == '-')
          dashes++;
      group = g_strndup (number, p - number);
      sqlite3_reset (first);

      /* The prefix may reach into the group ("YC-2026-C03-00"). */
      group_end = hall_search_prefix_end (group);
      sqlite3_bind_text (top, 1, strlen (group) > strlen (query->text) ? group : query->text, -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_text (top, 2, strcmp (group_end, end) < 0 ? group_end : end, -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_int64 (top, 3, limit);
      while ((rc = sqlite3_step (top)) == SQLITE_ROW)
        {
          HallStoreKey key = { sqlite3_column_int64 (top, 0), sqlite3_column_int64 (top, 1) };

          g_array_append_val (keys, key);
        }
      sqlite3_reset (top);
      if (rc != SQLITE_DONE)
        {
          set_sql_error (error, conn->db, _("search"));
          return FALSE;
        }
      if (strcmp (group_end, end) >= 0)
        break;
      g_free (cursor);
      cursor = g_steal_pointer (&group_end);
    }
  return TRUE;
}

/* Appends the keys of the newest @limit cases that answer @route. */
static gboolean
search_route (HallConn          *conn,
              const SearchRoute *route,
              HallSearchQuery   *query,
              guint              limit,
              GArray            *keys,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autofree char *param1 = NULL;
  g_autofree char *param2 = NULL;
  gint64 n_candidates = 0;
  guint found = 0;
  int rc;

  if (route->kind == HALL_SEARCH_CASE_NUMBER)
    return search_case_number (conn, query, limit, keys, error);

  if (route->kind == HALL_SEARCH_NAME_BIGRAM || route->kind == HALL_SEARCH_SUBSTRING)
    param1 = hall_search_fts_phrase (query->text);
  else
    param1 = g_strdup (query->text);
  if (route->two_params)
    param2 = hall_search_prefix_end (param1);

  {
    g_autoptr (HallCachedStmt) stmt = conn_prepare (conn, route->count, error);

    if (stmt == NULL)
      return FALSE;
    bind_route (stmt, route, query, param1, param2);
    /* Without a walk, every candidate is collected however many. */
    sqlite3_bind_int64 (stmt, 3, route->walk != NULL ? SEARCH_COLLECT_MAX + 1 : -1);
    rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW)
      {
        set_sql_error (error, conn->db, _("search"));
        return FALSE;
      }
    n_candidates = sqlite3_column_int64 (stmt, 0);
  }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (n_candidates == 0)
    return TRUE;
  if (n_candidates > SEARCH_COLLECT_MAX && route->walk != NULL)
    {
      g_autoptr (HallCachedStmt) stmt = conn_prepare (conn, route->walk, error);

      if (stmt == NULL)
        return FALSE;
      bind_route (stmt, route, query, param1, param2);
      sqlite3_bind_int64 (stmt, 3, limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          HallStoreKey key = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

          g_array_append_val (keys, key);
        }
    }
  else if (n_candidates <= SEARCH_SEEK_MAX)
    {
      g_autoptr (HallCachedStmt) stmt = conn_prepare (conn, route->seek, error);

      if (stmt == NULL)
        return FALSE;
      bind_route (stmt, route, query, param1, param2);
      sqlite3_bind_int64 (stmt, 3, limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          HallStoreKey key = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

          g_array_append_val (keys, key);
        }
    }
  else
    {
      g_autoptr (GArray) candidates = g_array_sized_new (FALSE, FALSE, sizeof (gint64),
                                                         n_candidates);
      g_autoptr (GHashTable) set = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autoptr (HallCachedStmt) collect = conn_prepare (conn, route->candidates, error);
      g_autoptr (HallCachedStmt) stmt = NULL;

      if (collect == NULL)
        return FALSE;
      bind_route (collect, route, query, param1, param2);
      while ((rc = sqlite3_step (collect)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (collect, 0);

          g_array_append_val (candidates, id);
        }
      if (rc != SQLITE_DONE)
        {
          set_sql_error (error, conn->db, _("search"));
          return FALSE;
        }
      /* The array is not resized past here: pointers into it hold. */
      for (guint i = 0; i < candidates->len; i++)
        g_hash_table_add (set, &g_array_index (candidates, gint64, i));

      /* An index-only walk: cases_created holds the applicant's rowid. */
      stmt = conn_prepare (conn,
                           "SELECT created_at, id, applicant_id FROM cases INDEXED BY cases_created"
                           " ORDER BY created_at DESC, id DESC",
                           error);
      if (stmt == NULL)
        return FALSE;
      while (found < limit && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 probe = sqlite3_column_int64 (stmt, route->of_cases ? 1 : 2);

          if (g_hash_table_contains (set, &probe))
            {
              HallStoreKey key = { sqlite3_column_int64 (stmt, 0),
                                   sqlite3_column_int64 (stmt, 1) };

              g_array_append_val (keys, key);
              found++;
            }
        }
      rc = found == limit ? SQLITE_DONE : rc;
    }

  if (rc != SQLITE_DONE)
    {
      set_sql_error (error, conn->db, _("search"));
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
search_cases (HallStore     *self,
              const char    *text,
              guint          limit,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr (HallSearchQuery) query = hall_search_query_new (text);
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (HallStoreKey));
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  GPtrArray *cases;
  HallConn *conn;

  if (query->kinds == HALL_SEARCH_NONE || limit == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (search_routes); i++)
    {
      if (!(query->kinds & search_routes[i].kind))
        continue;
      if (!search_route (conn, &search_routes[i], query, limit, keys, cancellable, error))
        {
          reader_release (self, conn);
          return NULL;
        }
    }

  /* Several readings of one query can find the same case. */
  g_array_sort (keys, key_compare_desc);
  for (guint i = 0; i < keys->len && ids->len < limit; i++)
    {
      HallStoreKey *key = &g_array_index (keys, HallStoreKey, i);

      if (g_hash_table_add (seen, &key->id))
        g_array_append_val (ids, key->id);
    }

  cases = read_cases_by_id (conn, (gint64 *) ids->data, ids->len, error);
  reader_release (self, conn);
  return cases;
}

GPtrArray *
hall_store_search_cases (HallStore   *self,
                         const char  *query,
                         guint        limit,
                         GError     **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  return search_cases (self, query, limit, NULL, error);
}

typedef struct
{
  char  *query;
  guint  limit;
} SearchData;

static void
search_data_free (SearchData *data)
{
  g_free (data->query);
  g_free (data);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchData *data = task_data;
  GError *error = NULL;
  GPtrArray *cases;

  if (g_task_return_error_if_cancelled (task))
    return;
  cases = search_cases (source_object, data->query, data->limit, cancellable, &error);
  if (cases == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cases, (GDestroyNotify) g_ptr_array_unref);
}

void
hall_store_search_cases_async (HallStore           *self,
                               const char          *query,
                               guint                limit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  SearchData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (query != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_search_cases_async);
  g_task_set_return_on_cancel (task, TRUE);
  data = g_new0 (SearchData, 1);
  data->query = g_strdup (query);
  data->limit = limit;
  g_task_set_task_data (task, data, (GDestroyNotify) search_data_free);
  g_task_run_in_thread (task, search_thread);
}

GPtrArray *
hall_store_search_cases_finish (HallStore     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Outbox */

guint
hall_store_count_outbox (HallStore *self)
{
  g_return_val_if_fail (HALL_IS_STORE (self), 0);

  return count_query (self, "SELECT count(*) FROM outbox", _("count the changes not yet sent"));
}

static GPtrArray *
peek_outbox (HallStore  *self,
             gint64      after_seq,
             guint       limit,
             GError    **error)
{
  g_autoptr (GPtrArray) items = NULL;
  HallConn *conn;
  gboolean ok = FALSE;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_outbox_item_free);
  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    g_autoptr (HallCachedStmt) stmt = NULL;

    stmt = conn_prepare (conn,
                         "SELECT o.seq, o.uuid, o.method, o.path, o.body, o.entity,"
                         " o.entity_uuid, o.owner_uuid, o.base_version, o.attempts,"
                         " o.last_error, CASE WHEN o.entity = 'case' THEN"
                         "  (SELECT a.uuid FROM cases c CROSS JOIN applicants a"
                         "   ON a.id = c.applicant_id WHERE c.uuid = o.owner_uuid) END"
                         " FROM outbox o WHERE o.seq > ?2 ORDER BY o.seq LIMIT ?1",
                         error);
    if (stmt != NULL)
      {
        int rc;

        sqlite3_bind_int64 (stmt, 1, limit);
        sqlite3_bind_int64 (stmt, 2, after_seq);
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          {
            HallOutboxItem *item = g_new0 (HallOutboxItem, 1);

            item->seq = sqlite3_column_int64 (stmt, 0);
            item->uuid = column_dup (stmt, 1);
            item->method = column_dup (stmt, 2);
            item->path = column_dup (stmt, 3);
            item->body = column_dup (stmt, 4);
            item->entity = column_dup (stmt, 5);
            item->entity_uuid = column_dup (stmt, 6);
            item->owner_uuid = column_dup (stmt, 7);
            item->base_version = sqlite3_column_int64 (stmt, 8);
            item->attempts = sqlite3_column_int (stmt, 9);
            item->last_error = column_dup (stmt, 10);
            item->applicant_uuid = column_dup (stmt, 11);
            g_ptr_array_add (items, item);
          }
        ok = rc == SQLITE_DONE;
        if (!ok)
          set_sql_error (error, conn->db, _("read the changes waiting for the server"));
      }
  }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&items) : NULL;
}

GPtrArray *
hall_store_peek_outbox (HallStore  *self,
                        guint       limit,
                        GError    **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  return peek_outbox (self, 0, limit, error);
}

GPtrArray *
hall_store_peek_outbox_after (HallStore  *self,
                              gint64      seq,
                              guint       limit,
                              GError    **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  return peek_outbox (self, seq, limit, error);
}

/* The row's owner: the applicant of an applicant row, the case of a case or
 * event row. Empty when the row is gone (acknowledged twice). */
static gboolean
take_outbox_row_locked (HallStore            *self,
                        const HallOutboxItem *item,
                        char                **owner_out,
                        GError              **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  int rc;

  stmt = conn_prepare (self->writer,
                       "DELETE FROM outbox WHERE seq = ?1 RETURNING owner_uuid", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item->seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *owner_out = column_dup (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("take the change off the queue"));
      return FALSE;
    }
  return TRUE;
}

/* The cases whose rows show @owner: the applicant's cases (their rows
 * carry its name and its sync state), or the case itself. Appended to
 * @cases, for "case-changed" once the transaction is committed. */
static gboolean
collect_owner_cases_locked (HallStore  *self,
                            const char *entity,
                            const char *owner,
                            GPtrArray  *cases,
                            GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  int rc;

  if (g_strcmp0 (entity, "applicant") != 0)
    {
      g_ptr_array_add (cases, g_strdup (owner));
      return TRUE;
    }

  stmt = conn_prepare (self->writer,
                       "SELECT c.uuid FROM applicants a CROSS JOIN cases c"
                       " ON c.applicant_id = a.id WHERE a.uuid = ?1",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, owner);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (cases, column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("look up the applicant’s cases"));
      return FALSE;
    }
  return TRUE;
}

/* After a commit: lists refresh, and the rows of @cases update in place. */
static void
emit_cases_changed (HallStore *self,
                    GPtrArray *cases)
{
  g_autoptr (GStrvBuilder) uuids = g_strv_builder_new ();

  emit_later (self, SIGNAL_CHANGED, NULL, 0);
  if (cases->len == 0)
    return;
  for (guint i = 0; i < cases->len; i++)
    g_strv_builder_add (uuids, cases->pdata[i]);
  emit_later_full (self, SIGNAL_CASE_CHANGED, g_strv_builder_end (uuids), 0);
}

/* The same for a transaction of many rows: once per case, not once per
 * row of it (a case's applicant, case and event rows would refresh its
 * list row three times). */
static void
emit_cases_changed_once (HallStore *self,
                         GPtrArray *cases)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) unique = g_ptr_array_new ();

  for (guint i = 0; i < cases->len; i++)
    if (g_hash_table_add (seen, cases->pdata[i]))
      g_ptr_array_add (unique, cases->pdata[i]);
  emit_cases_changed (self, unique);
}

/* Marks @owner's row (applicant or case) synced when nothing of it waits. */
static gboolean
mark_synced_locked (HallStore  *self,
                    const char *table_sql,
                    const char *owner,
                    GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = conn_prepare (self->writer, table_sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, owner);
  return stmt_run (self->writer, stmt, _("mark the change as sent"), error);
}

/* Whether the entry of @item moves its case to another state, which makes
 * the server count a new version of the case. */
static gboolean
event_moves_state (const HallOutboxItem *item)
{
  g_autoptr (JsonNode) node = item->body != NULL ? json_from_string (item->body, NULL) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node)
         && g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node),
                                                                   "kind", NULL),
                       "state") == 0;
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
  if (!collect_owner_cases_locked (self, item->entity, owner, changed_cases, error))
    return FALSE;

  if (server_version > 0)
    {
      g_autoptr (HallCachedStmt) stmt = NULL;
      g_autoptr (HallCachedStmt) next = NULL;

      /* An update was sent with If-Match, so the version answered is the
       * one this counter wrote. An entry has none: the server answers with
       * the case's version, which may include what other counters did
       * meanwhile, and only when it is this copy's version (plus one for a
       * move of state) is this copy that version; otherwise the pull must
       * still bring the case. */
      if (g_strcmp0 (item->entity, "event") == 0)
        {
          stmt = conn_prepare (self->writer,
                               "UPDATE cases SET version = ?2 WHERE uuid = ?1 AND version = ?3",
                               error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 3, server_version - (event_moves_state (item) ? 1 : 0));
        }
      else
        stmt = conn_prepare (self->writer,
                             is_applicant
                               ? "UPDATE applicants SET version = max (version, ?2) WHERE uuid = ?1"
                               : "UPDATE cases SET version = max (version, ?2) WHERE uuid = ?1",
                             error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, owner);
      sqlite3_bind_int64 (stmt, 2, server_version);
      if (!stmt_run (self->writer, stmt, _("record the server’s version"), error))
        return FALSE;
      if (sqlite3_changes (self->writer->db) == 0)
        goto mark_synced;

      /* Later updates of the same entity were queued before this version
       * existed: they must name it in If-Match, or the server answers 428
       * or 412 to our own change. */
      next = conn_prepare (self->writer,
                           "UPDATE outbox SET base_version = ?2"
                           " WHERE owner_uuid = ?1 AND entity_uuid = ?1 AND method = 'PUT'"
                           " AND base_version < ?2",
                           error);
      if (next == NULL)
        return FALSE;
      bind_text (next, 1, owner);
      sqlite3_bind_int64 (next, 2, server_version);
      if (!stmt_run (self->writer, next, _("record the server’s version"), error))
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

  if (!write_begin (self, error))
    return FALSE;
  if (!ack_locked (self, item, server_version, changed_cases, error))
    {
      write_rollback (self);
      return FALSE;
    }
  if (!write_commit (self, error))
    return FALSE;

  emit_cases_changed (self, changed_cases);
  emit_outbox_changed (self);
  return TRUE;
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
  if (!write_begin (self, error))
    return FALSE;
  /* In order, as one by one: each ack rewrites the If-Match version of the
   * rows after it. */
  for (guint i = 0; i < n; i++)
    {
      if (!ack_locked (self, g_ptr_array_index (items, i), server_versions[i], changed_cases,
                       error))
        {
          write_rollback (self);
          return FALSE;
        }
    }
  if (!write_commit (self, error))
    return FALSE;

  /* And one count of the outbox per transaction, not per row. */
  emit_cases_changed_once (self, changed_cases);
  emit_outbox_changed (self);
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
  g_autoptr (HallCachedStmt) stmt = NULL;
  gboolean is_applicant = g_strcmp0 (entity, "applicant") == 0;

  stmt = conn_prepare (self->writer,
                       is_applicant
                         ? "UPDATE applicants SET sync_state = ?2, sync_error = ?3 WHERE uuid = ?1"
                         : "UPDATE cases SET sync_state = ?2, sync_error = ?3 WHERE uuid = ?1",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, owner);
  bind_text (stmt, 2, state);
  bind_text (stmt, 3, reason);
  if (!stmt_run (self->writer, stmt, _("record the server’s answer"), error))
    return FALSE;

  if (is_applicant)
    {
      g_autoptr (HallCachedStmt) cases = NULL;

      cases = conn_prepare (self->writer,
                            "UPDATE cases SET sync_state = ?2, sync_error = ?3"
                            " WHERE applicant_id = (SELECT id FROM applicants WHERE uuid = ?1)",
                            error);
      if (cases == NULL)
        return FALSE;
      bind_text (cases, 1, owner);
      bind_text (cases, 2, state);
      bind_text (cases, 3, reason);
      if (!stmt_run (self->writer, cases, _("record the server’s answer"), error))
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

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL && item->uuid != NULL, FALSE);

  if (reason != NULL && *reason != '\0')
    shown = g_strdup (reason);
  else
    /* Translators: %d is an HTTP status such as 422 */
    shown = g_strdup_printf (_("The server refused the change (HTTP %d)"), http_status);

  if (!write_begin (self, error))
    return FALSE;
  if (!take_outbox_row_locked (self, item, &owner, error)
      || (owner != NULL
          && (!mark_owner_locked (self, item->entity, owner, "rejected", shown, error)
              || !collect_owner_cases_locked (self, item->entity, owner, changed_cases,
                                              error))))
    {
      write_rollback (self);
      return FALSE;
    }
  if (!write_commit (self, error))
    return FALSE;

  if (owner != NULL)
    {
      emit_cases_changed (self, changed_cases);
      emit_outbox_changed (self);
    }
  return TRUE;
}

gboolean
hall_store_defer_outbox (HallStore             *self,
                         const HallOutboxItem  *item,
                         const char            *reason,
                         GError               **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL && item->uuid != NULL, FALSE);

  if (!write_begin (self, error))
    return FALSE;
  stmt = conn_prepare (self->writer,
                       "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE seq = ?1",
                       error);
  if (stmt == NULL)
    {
      write_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, item->seq);
  bind_text (stmt, 2, reason);
  if (!stmt_run (self->writer, stmt, _("count the attempt"), error))
    {
      g_clear_pointer (&stmt, cached_stmt_release);
      write_rollback (self);
      return FALSE;
    }
  g_clear_pointer (&stmt, cached_stmt_release);
  if (!write_commit (self, error))
    return FALSE;
  emit_outbox_changed (self);
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
  g_autoptr (HallCachedStmt) stmt = NULL;

  stmt = conn_prepare (self->writer,
                       "UPDATE conflicts SET resolved_at = ?2, resolution = 'superseded'"
                       " WHERE entity_uuid = ?1 AND resolved_at IS NULL",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, entity_uuid);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  return stmt_run (self->writer, stmt, _("keep both versions"), error);
}

static gboolean
conflict_open_locked (HallStore  *self,
                      const char *entity_uuid,
                      gboolean   *open,
                      GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  int rc;

  stmt = conn_prepare (self->writer,
                       "SELECT 1 FROM conflicts WHERE entity_uuid = ?1 AND resolved_at IS NULL"
                       " LIMIT 1",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, entity_uuid);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("look up the conflicts"));
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
  g_autoptr (HallCachedStmt) stmt = NULL;
  g_autofree char *json = json_to_string (data, FALSE);

  stmt = conn_prepare (self->writer,
                       "UPDATE conflicts SET server_json = ?2, server_version = ?3"
                       " WHERE entity_uuid = ?1 AND resolved_at IS NULL AND server_version < ?3",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, entity_uuid);
  bind_text (stmt, 2, json);
  sqlite3_bind_int64 (stmt, 3, version);
  if (!stmt_run (self->writer, stmt, _("keep the server’s newer version"), error))
    return FALSE;
  if (sqlite3_changes (self->writer->db) == 0)
    return TRUE;
  return collect_owner_cases_locked (self, entity, entity_uuid, changed_cases, error);
}

gboolean
hall_store_record_conflict (HallStore             *self,
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

  if (!write_begin (self, error))
    return FALSE;
  ok = take_outbox_row_locked (self, item, &owner, error);
  if (ok && owner != NULL)
    {
      g_autoptr (HallCachedStmt) stmt = NULL;

      ok = supersede_conflicts_locked (self, item->entity_uuid, error);
      stmt = !ok ? NULL
                 : conn_prepare (self->writer,
                                 "INSERT INTO conflicts (entity, entity_uuid, outbox_uuid,"
                                 " local_json, server_json, created_at, server_version)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                 error);
      ok = stmt != NULL;
      if (ok)
        {
          bind_text (stmt, 1, item->entity);
          bind_text (stmt, 2, item->entity_uuid);
          bind_text (stmt, 3, item->uuid);
          bind_text (stmt, 4, item->body);
          bind_text (stmt, 5, server_json);
          sqlite3_bind_int64 (stmt, 6, now_seconds ());
          sqlite3_bind_int64 (stmt, 7, json_version (server_json));
          ok = stmt_run (self->writer, stmt, _("keep both versions"), error)
               && mark_owner_locked (self, item->entity, owner, "conflict",
                                     _("Someone else changed this at the same time; choose which"
                                       " version to keep"),
                                     error)
               && collect_owner_cases_locked (self, item->entity, owner, changed_cases, error);
        }
    }
  if (!ok)
    {
      write_rollback (self);
      return FALSE;
    }
  if (!write_commit (self, error))
    return FALSE;

  if (owner != NULL)
    {
      emit_cases_changed (self, changed_cases);
      emit_outbox_changed (self);
    }
  return TRUE;
}

/* Version 3 brought the outbox; what was written before has never been
 * sent. Runs inside the migration's transaction. */
static gboolean
queue_unsent_locked (HallStore *self,
                     GError   **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->writer->db,
                          "SELECT " APPLICANT_COLUMNS " FROM applicants WHERE version = 0"
                          " ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sql_error (error, self->writer->db, _("queue the earlier changes"));
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (HallApplicant) applicant = read_applicant (stmt);
      g_autofree char *path = g_strdup_printf ("/v1/applicants/%s",
                                               hall_applicant_get_uuid (applicant));
      g_autofree char *body = json_to_string_free (hall_applicant_to_json (applicant));
      const char *uuid = hall_applicant_get_uuid (applicant);

      if (!enqueue_locked (self, "PUT", path, body, "applicant", uuid, uuid, 0, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("queue the earlier changes"));
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (sqlite3_prepare_v2 (self->writer->db,
                          "SELECT " CASE_COLUMNS CASE_FROM "WHERE c.version = 0 ORDER BY c.id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sql_error (error, self->writer->db, _("queue the earlier changes"));
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (HallCase) kase = read_case (stmt);
      g_autofree char *path = g_strdup_printf ("/v1/cases/%s", hall_case_get_uuid (kase));
      g_autofree char *body = NULL;
      g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr (sqlite3_stmt) ev = NULL;
      int ev_rc;

      if (sqlite3_prepare_v2 (self->writer->db,
                              "SELECT uuid, kind, new_state, note, official, at FROM case_events"
                              " WHERE case_id = ?1 ORDER BY at, id",
                              -1, &ev, NULL) != SQLITE_OK)
        {
          set_sql_error (error, self->writer->db, _("queue the earlier changes"));
          return FALSE;
        }
      sqlite3_bind_int64 (ev, 1, sqlite3_column_int64 (stmt, 0));
      while ((ev_rc = sqlite3_step (ev)) == SQLITE_ROW)
        {
          HallCaseEvent *event = read_event (ev, hall_case_get_uuid (kase));

          /* The server replays the moves from the state the case was
           * taken in with; sent in its state of now, it would refuse
           * them as moves from there. */
          if (hall_case_event_get_kind (event) == HALL_CASE_EVENT_STATE)
            hall_case_set_state (kase, HALL_CASE_RECEIVED);
          g_ptr_array_add (events, event);
        }
      if (ev_rc != SQLITE_DONE)
        {
          set_sql_error (error, self->writer->db, _("queue the earlier changes"));
          return FALSE;
        }

      body = json_to_string_free (hall_case_to_json (kase));
      if (!enqueue_locked (self, "PUT", path, body, "case", hall_case_get_uuid (kase),
                           hall_case_get_uuid (kase), 0, error))
        return FALSE;
      for (guint i = 0; i < events->len; i++)
        if (!enqueue_event_locked (self, events->pdata[i], error))
          return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("queue the earlier changes"));
      return FALSE;
    }
  return TRUE;
}

/* Pull */

static gboolean
owner_waiting_locked (HallStore  *self,
                      const char *uuid,
                      gboolean   *waiting,
                      GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  int rc;

  stmt = conn_prepare (self->writer, "SELECT 1 FROM outbox WHERE owner_uuid = ?1 LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("read the outbox"));
      return FALSE;
    }
  *waiting = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
apply_case_locked (HallStore  *self,
                   JsonNode   *data,
                   HallCase   *read,
                   gint64      version,
                   GPtrArray  *changed_cases,
                   GError    **error)
{
  g_autoptr (HallCase) kase = read != NULL ? g_object_ref (read) : NULL;
  g_autoptr (HallCachedStmt) stmt = NULL;
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

  stmt = conn_prepare (self->writer,
                       "SELECT c.id, c.version, c.service_name, a.id FROM applicants a"
                       " LEFT JOIN cases c ON c.uuid = ?1 WHERE a.uuid = ?2",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, hall_case_get_uuid (kase));
  bind_text (stmt, 2, hall_case_get_applicant_uuid (kase));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      case_id = sqlite3_column_int64 (stmt, 0);
      local_version = sqlite3_column_int64 (stmt, 1);
      service_name = column_dup (stmt, 2);
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
      set_sql_error (error, self->writer->db, _("look up the case"));
      return FALSE;
    }
  g_clear_pointer (&stmt, cached_stmt_release);

  if (case_id != 0 && local_version >= version)
    return TRUE;

  /* The store has no catalog: a case new here gets no name rather than its
   * id posing as one; the screens name it from the catalog. */
  hall_case_set_service_name (kase, service_name ? service_name : "");
  if (case_id == 0)
    {
      if (!insert_case_locked (self, kase, applicant_id, TRUE, error))
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
      stmt = conn_prepare (self->writer,
                           "UPDATE cases SET number = ?2, seq = ?3, service_id = ?4,"
                           " applicant_id = ?5, state = ?6, created_at = ?7, promised_at = ?8,"
                           " updated_at = ?9, counter = COALESCE(?10, counter),"
                           " official = COALESCE(?11, official), checklist = ?12,"
                           " version = ?13, sync_state = 'synced', sync_error = NULL"
                           " WHERE id = ?1",
                           error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, case_id);
      bind_text (stmt, 2, hall_case_get_number (kase));
      sqlite3_bind_int64 (stmt, 3, number_seq (hall_case_get_number (kase)));
      bind_text (stmt, 4, hall_case_get_service_id (kase));
      sqlite3_bind_int64 (stmt, 5, applicant_id);
      bind_text (stmt, 6, hall_case_state_to_string (hall_case_get_state (kase)));
      sqlite3_bind_int64 (stmt, 7, hall_case_get_created_at (kase));
      sqlite3_bind_int64 (stmt, 8, hall_case_get_promised_at (kase));
      sqlite3_bind_int64 (stmt, 9, hall_case_get_updated_at (kase));
      bind_text (stmt, 10, hall_case_get_counter (kase));
      bind_text (stmt, 11, hall_case_get_official (kase));
      bind_text (stmt, 12, checklist);
      sqlite3_bind_int64 (stmt, 13, version);
      if (!stmt_run (self->writer, stmt, _("save the case from the server"), error))
        return FALSE;
    }
  g_ptr_array_add (changed_cases, g_strdup (hall_case_get_uuid (kase)));
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
  g_autoptr (HallCachedStmt) stmt = NULL;
  const char *field = NULL;
  gint64 case_id = 0;
  int rc;

  if (event == NULL)
    event = hall_case_event_new_from_json (NULL, data, &field, error);
  if (event == NULL)
    return FALSE;

  stmt = conn_prepare (self->writer, "SELECT 1 FROM case_events WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, hall_case_event_get_uuid (event));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  /* A failed read is not "no such entry": inserting then could double it. */
  if (rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("look up whether the case entry is saved"));
      return FALSE;
    }

  if (!lookup_case_id_locked (self, hall_case_event_get_case_uuid (event), &case_id, error))
    return FALSE;
  if (case_id == 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("The server sent an entry of case %s before the case"),
                   hall_case_event_get_case_uuid (event));
      return FALSE;
    }
  if (!insert_event_locked (self, case_id, event, error))
    return FALSE;
  g_ptr_array_add (changed_cases, g_strdup (hall_case_event_get_case_uuid (event)));
  return TRUE;
}

static gboolean
apply_change_locked (HallStore  *self,
                     JsonNode   *change_node,
                     GObject    *read,
                     guint       index,
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

  /* Our own changes still on their way win until the server has them. */
  if (g_strcmp0 (entity, "event") != 0)
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
      return store_applicant_locked (self, applicant, TRUE, &id, &changed, error)
             && (!changed
                 || collect_owner_cases_locked (self, entity, uuid, changed_cases, error));
    }
  if (g_strcmp0 (entity, "case") == 0)
    return apply_case_locked (self, data, HALL_IS_CASE (read) ? HALL_CASE (read) : NULL, version,
                              changed_cases, error);
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
  guint n;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (entities == NULL || entities->len == json_array_get_length (changes),
                        FALSE);

  n = json_array_get_length (changes);
  if (!write_begin (self, error))
    return FALSE;
  hold_index_locked (self);
  for (guint i = 0; i < n; i++)
    {
      if (!apply_change_locked (self, json_array_get_element (changes, i),
                                entities != NULL ? g_ptr_array_index (entities, i) : NULL, i,
                                changed_cases, error))
        {
          release_index_locked (self, FALSE, NULL);
          write_rollback (self);
          return FALSE;
        }
    }
  if (!release_index_locked (self, TRUE, error)
      || (next_cursor != NULL && !set_meta_locked (self, "cursor", next_cursor, error)))
    {
      write_rollback (self);
      return FALSE;
    }
  if (!write_commit (self, error))
    return FALSE;

  if (n > 0)
    emit_cases_changed_once (self, changed_cases);
  return TRUE;
}

/* Conflicts the official decides */

GPtrArray *
hall_store_list_conflicts (HallStore   *self,
                           const char  *case_uuid,
                           GError     **error)
{
  g_autoptr (GPtrArray) conflicts = NULL;
  HallConn *conn;
  gboolean ok = FALSE;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (case_uuid != NULL, NULL);

  conflicts = g_ptr_array_new_with_free_func (g_object_unref);
  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    g_autoptr (HallCachedStmt) stmt = NULL;

    stmt = conn_prepare (conn,
                         "SELECT k.id, k.entity, k.entity_uuid, k.local_json, k.server_json,"
                         " k.server_version, k.created_at"
                         " FROM cases c CROSS JOIN applicants a ON a.id = c.applicant_id"
                         " CROSS JOIN conflicts k"
                         " WHERE c.uuid = ?1 AND k.resolved_at IS NULL"
                         " AND (k.entity_uuid = c.uuid OR k.entity_uuid = a.uuid"
                         "      OR (k.entity = 'event' AND k.entity_uuid IN"
                         "          (SELECT e.uuid FROM case_events e WHERE e.case_id = c.id)))"
                         " ORDER BY k.id",
                         error);
    if (stmt != NULL)
      {
        int rc;

        bind_text (stmt, 1, case_uuid);
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          g_ptr_array_add (conflicts,
                           hall_conflict_new (sqlite3_column_int64 (stmt, 0),
                                              (const char *) sqlite3_column_text (stmt, 1),
                                              (const char *) sqlite3_column_text (stmt, 2),
                                              (const char *) sqlite3_column_text (stmt, 3),
                                              (const char *) sqlite3_column_text (stmt, 4),
                                              sqlite3_column_int64 (stmt, 5),
                                              sqlite3_column_int64 (stmt, 6)));
        ok = rc == SQLITE_DONE;
        if (!ok)
          set_sql_error (error, conn->db, _("read the conflicts of the case"));
      }
  }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&conflicts) : NULL;
}

/* The conflict row, with whether it was decided already. */
static HallConflict *
read_conflict_locked (HallStore *self,
                      gint64     id,
                      gboolean  *resolved,
                      GError   **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  HallConflict *conflict;
  int rc;

  stmt = conn_prepare (self->writer,
                       "SELECT entity, entity_uuid, local_json, server_json, server_version,"
                       " created_at, resolved_at IS NOT NULL FROM conflicts WHERE id = ?1",
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
      set_sql_error (error, self->writer->db, _("read the conflict"));
      return NULL;
    }
  conflict = hall_conflict_new (id,
                                (const char *) sqlite3_column_text (stmt, 0),
                                (const char *) sqlite3_column_text (stmt, 1),
                                (const char *) sqlite3_column_text (stmt, 2),
                                (const char *) sqlite3_column_text (stmt, 3),
                                sqlite3_column_int64 (stmt, 4),
                                sqlite3_column_int64 (stmt, 5));
  *resolved = sqlite3_column_int (stmt, 6) != 0;
  return conflict;
}

/* The newest body of the entity's updates still waiting, if any: changes
 * the official made after the one that met the conflict. */
static gboolean
newest_waiting_body_locked (HallStore  *self,
                            const char *entity_uuid,
                            char      **body_out,
                            GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;
  int rc;

  stmt = conn_prepare (self->writer,
                       "SELECT body FROM outbox"
                       " WHERE owner_uuid = ?1 AND entity_uuid = ?1 AND method = 'PUT'"
                       " ORDER BY seq DESC LIMIT 1",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, entity_uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *body_out = column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("read the outbox"));
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
  g_autoptr (HallCachedStmt) stmt = NULL;
  int rc;

  if (g_strcmp0 (hall_conflict_get_entity (conflict), "event") != 0)
    return collect_owner_cases_locked (self, hall_conflict_get_entity (conflict),
                                       hall_conflict_get_entity_uuid (conflict), cases, error);

  stmt = conn_prepare (self->writer,
                       "SELECT c.uuid FROM case_events e CROSS JOIN cases c ON c.id = e.case_id"
                       " WHERE e.uuid = ?1",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, hall_conflict_get_entity_uuid (conflict));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    g_ptr_array_add (cases, column_dup (stmt, 0));
  else if (rc != SQLITE_DONE)
    {
      set_sql_error (error, self->writer->db, _("look up the case of the entry"));
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

  if (values->len == 0)
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
  g_autoptr (HallCachedStmt) stmt = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;

  if (g_strcmp0 (entity, "event") == 0)
    {
      /* An entry is posted under its own uuid: sent again, it is one entry. */
      g_autoptr (HallCaseEvent) event = NULL;

      body = json_from_string (hall_conflict_get_local_json (conflict), error);
      if (body == NULL)
        return FALSE;
      event = hall_case_event_new_from_json (NULL, body, NULL, error);
      return event != NULL && enqueue_event_locked (self, event, error);
    }

  if (newer_waiting)
    {
      /* A later change carries the whole entity as the official left it:
       * it goes over the server's version instead. */
      stmt = conn_prepare (self->writer,
                           "UPDATE outbox SET base_version = ?2"
                           " WHERE owner_uuid = ?1 AND entity_uuid = ?1 AND method = 'PUT'"
                           " AND base_version < ?2",
                           error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, uuid);
      sqlite3_bind_int64 (stmt, 2, server_version);
      if (!stmt_run (self->writer, stmt, _("queue this counter’s version again"), error))
        return FALSE;
      g_clear_pointer (&stmt, cached_stmt_release);
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
      text = json_to_string (body, FALSE);
      path = g_strdup_printf (is_applicant ? "/v1/applicants/%s" : "/v1/cases/%s", uuid);
      if (!enqueue_locked (self, "PUT", path, text, entity, uuid, uuid, server_version, error))
        return FALSE;
    }

  /* The server's version is the one this counter has now seen. */
  stmt = conn_prepare (self->writer,
                       is_applicant
                         ? "UPDATE applicants SET version = max (version, ?2),"
                           " sync_state = 'pending', sync_error = NULL WHERE uuid = ?1"
                         : "UPDATE cases SET version = max (version, ?2),"
                           " sync_state = 'pending', sync_error = NULL WHERE uuid = ?1",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  sqlite3_bind_int64 (stmt, 2, server_version);
  return stmt_run (self->writer, stmt, _("queue this counter’s version again"), error);
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
  g_autoptr (HallCachedStmt) stmt = NULL;
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
  stmt = conn_prepare (self->writer,
                       "DELETE FROM outbox"
                       " WHERE owner_uuid = ?1 AND entity_uuid = ?1 AND method = 'PUT'",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  if (!stmt_run (self->writer, stmt, _("drop this counter’s change"), error))
    return FALSE;
  g_clear_pointer (&stmt, cached_stmt_release);

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
      if (!store_applicant_locked (self, applicant, TRUE, &id, NULL, error))
        return FALSE;
      stmt = conn_prepare (self->writer,
                           "UPDATE applicants SET sync_state = 'synced', sync_error = NULL"
                           " WHERE uuid = ?1",
                           error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, uuid);
      return stmt_run (self->writer, stmt, _("take the server’s version"), error);
    }
  return apply_case_locked (self, data, NULL, server_version, changed_cases, error);
}

/* A case left "conflict" shows what is true now: a conflict still open on
 * it, its applicant or its timeline, else waiting or synced. */
static gboolean
settle_case_locked (HallStore  *self,
                    const char *case_uuid,
                    GError    **error)
{
  g_autoptr (HallCachedStmt) stmt = NULL;

  stmt = conn_prepare (self->writer,
                       "UPDATE cases SET sync_state = CASE"
                       "   WHEN EXISTS (SELECT 1 FROM conflicts k, applicants a"
                       "                WHERE a.id = cases.applicant_id AND k.resolved_at IS NULL"
                       "                AND (k.entity_uuid = cases.uuid OR k.entity_uuid = a.uuid"
                       "                     OR (k.entity = 'event' AND k.entity_uuid IN"
                       "                         (SELECT e.uuid FROM case_events e"
                       "                          WHERE e.case_id = cases.id))))"
                       "     THEN 'conflict'"
                       "   WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.owner_uuid = cases.uuid)"
                       "     THEN 'pending'"
                       "   ELSE 'synced' END"
                       " WHERE uuid = ?1 AND sync_state = 'conflict'",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, case_uuid);
  if (!stmt_run (self->writer, stmt, _("update the case’s sync state"), error))
    return FALSE;
  g_clear_pointer (&stmt, cached_stmt_release);

  stmt = conn_prepare (self->writer,
                       "UPDATE cases SET sync_error = NULL"
                       " WHERE uuid = ?1 AND sync_state <> 'conflict'",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, case_uuid);
  return stmt_run (self->writer, stmt, _("update the case’s sync state"), error);
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
  g_autoptr (HallCachedStmt) stmt = NULL;
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

  /* The note compares what is given up as the official last left it. */
  if (!newest_waiting_body_locked (self, uuid, &newer, error))
    return FALSE;
  decided = newer == NULL ? g_object_ref (conflict)
                          : hall_conflict_new (conflict_id, hall_conflict_get_entity (conflict),
                                               uuid, newer,
                                               hall_conflict_get_server_json (conflict),
                                               hall_conflict_get_server_version (conflict),
                                               hall_conflict_get_created_at (conflict));
  note = describe_resolution (decided, resolution);

  if (!conflict_cases_locked (self, conflict, cases, error))
    return FALSE;
  if (resolution == HALL_CONFLICT_KEEP_MINE
        ? !keep_mine_locked (self, conflict, newer != NULL, error)
        : !take_theirs_locked (self, conflict, changed_cases, error))
    return FALSE;

  stmt = conn_prepare (self->writer,
                       "UPDATE conflicts SET resolved_at = ?2, resolution = ?3"
                       " WHERE entity_uuid = ?1 AND resolved_at IS NULL",
                       error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  bind_text (stmt, 3, hall_conflict_resolution_to_string (resolution));
  if (!stmt_run (self->writer, stmt, _("close the conflict"), error))
    return FALSE;

  for (guint i = 0; i < cases->len; i++)
    {
      g_autoptr (HallCaseEvent) event = hall_case_event_new (cases->pdata[i],
                                                             HALL_CASE_EVENT_NOTE);

      hall_case_event_set_note (event, note);
      hall_case_event_set_official (event, official);
      if (!add_case_event_locked (self, event, error) ||
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
                        resolution == HALL_CONFLICT_TAKE_THEIRS, FALSE);

  if (!write_begin (self, error))
    return FALSE;
  if (!resolve_conflict_locked (self, conflict_id, resolution, official, changed_cases, error))
    {
      write_rollback (self);
      return FALSE;
    }
  if (!write_commit (self, error))
    return FALSE;

  g_debug ("Conflict %" G_GINT64_FORMAT " decided: %s", conflict_id,
           hall_conflict_resolution_to_string (resolution));
  emit_cases_changed (self, changed_cases);
  emit_outbox_changed (self);
  return TRUE;
}
