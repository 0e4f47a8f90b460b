/* hall-store.c — the store itself: its life, its connections (readers and
 * the one writer), its signals and its settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-error.h"
#include "hall-signature.h"
#include "hall-store-migrations.h"
#include "hall-store-private.h"

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

gint64
_hall_store_now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Connections */

static HallSqliteConn *
reader_acquire (HallStore *self,
                GError   **error)
{
  HallSqliteConn *conn = NULL;

  g_mutex_lock (&self->readers_lock);
  if (self->readers->len > 0)
    conn = g_ptr_array_steal_index_fast (self->readers, self->readers->len - 1);
  g_mutex_unlock (&self->readers_lock);

  if (conn == NULL)
    {
      conn = hall_sqlite_conn_open (self->path, HALL_SQLITE_OPEN_READ_ONLY, error);
      /* A search walks a few thousand random rows; with SQLite's default
       * 2 MiB cache most of them would be a system call to read again. A
       * memory map would avoid the calls too, but its read-around turns a
       * cold start's random reads into 128 KiB ones, 20 times slower.
       * 8 MiB, with at most two readers kept idle, keeps the counter app
       * near 150 MB over a million cases (tests/bench/bench-memory.c). */
      if (conn != NULL
          && !hall_sqlite_conn_exec (conn, "PRAGMA cache_size = -8192", _("open a reader"), error))
        g_clear_pointer (&conn, hall_sqlite_conn_free);
    }

  /* One read transaction for all a reader does: one snapshot, and the
   * locks and the check of the WAL index once rather than per statement,
   * which would otherwise cost more than the queries of a search. */
  if (conn != NULL && !hall_sqlite_conn_exec (conn, "BEGIN", _("start reading"), error))
    g_clear_pointer (&conn, hall_sqlite_conn_free);
  return conn;
}

static void
reader_release (HallStore      *self,
                HallSqliteConn *conn)
{
  if (sqlite3_exec (hall_sqlite_conn_get_db (conn), "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      hall_sqlite_conn_free (conn);
      return;
    }

  g_mutex_lock (&self->readers_lock);
  if (self->readers->len < MAX_IDLE_READERS)
    g_ptr_array_add (self->readers, g_steal_pointer (&conn));
  g_mutex_unlock (&self->readers_lock);
  hall_sqlite_conn_free (conn);
}

/* Reads. Every read takes a reader here and gives it back, so that its
 * statements are reset before its read transaction ends. */

gboolean
_hall_store_read (HallStore         *self,
                  HallStoreReadFunc  func,
                  gpointer           data,
                  GError           **error)
{
  HallSqliteConn *reader = reader_acquire (self, error);
  gboolean ok;

  if (reader == NULL)
    return FALSE;
  ok = func (reader, data, error);
  reader_release (self, reader);
  return ok;
}

gboolean
_hall_store_step_rows (HallSqliteStmt    *stmt,
                       HallStoreRowFunc   row,
                       gpointer           data,
                       const char        *doing,
                       GError           **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    row (stmt, data);
  if (rc != SQLITE_DONE)
    return hall_sqlite_set_error (error, sqlite3_db_handle (stmt), doing);
  return TRUE;
}

typedef struct
{
  const char       *sql;
  const char       *param;
  HallStoreRowFunc  row;
  gpointer          data;
  const char       *doing;
} RowsRead;

static gboolean
read_rows (HallSqliteConn  *reader,
           gpointer         data,
           GError         **error)
{
  RowsRead *read = data;
  g_autoptr (HallSqliteStmt) stmt = hall_sqlite_conn_prepare (reader, read->sql, error);

  if (stmt == NULL)
    return FALSE;
  if (read->param != NULL)
    hall_sqlite_bind_text (stmt, 1, read->param);
  return _hall_store_step_rows (stmt, read->row, read->data, read->doing, error);
}

gboolean
_hall_store_read_rows (HallStore         *self,
                       const char        *sql,
                       const char        *param,
                       HallStoreRowFunc   row,
                       gpointer           data,
                       const char        *doing,
                       GError           **error)
{
  RowsRead read = { sql, param, row, data, doing };

  return _hall_store_read (self, read_rows, &read, error);
}

typedef struct
{
  HallStoreObjectFunc  read_row;
  GPtrArray           *objects;
} ObjectsRead;

static void
add_object (HallSqliteStmt *stmt,
            gpointer        data)
{
  ObjectsRead *read = data;

  g_ptr_array_add (read->objects, read->read_row (stmt));
}

GPtrArray *
_hall_store_read_objects (HallStore           *self,
                          const char          *sql,
                          const char          *param,
                          HallStoreObjectFunc  read_row,
                          const char          *doing,
                          GError             **error)
{
  g_autoptr (GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  ObjectsRead read = { read_row, objects };

  if (!_hall_store_read_rows (self, sql, param, add_object, &read, doing, error))
    return NULL;
  return g_steal_pointer (&objects);
}

gpointer
_hall_store_read_object (HallStore           *self,
                         const char          *sql,
                         const char          *param,
                         HallStoreObjectFunc  read_row,
                         const char          *doing,
                         GError             **error)
{
  g_autoptr (GPtrArray) objects = _hall_store_read_objects (self, sql, param, read_row, doing,
                                                            error);

  if (objects == NULL || objects->len == 0)
    return NULL;
  return g_object_ref (objects->pdata[0]);
}

void
_hall_store_take_int64 (HallSqliteStmt *stmt,
                        gpointer        data)
{
  *(gint64 *) data = sqlite3_column_int64 (stmt, 0);
}

/* For counts that cannot report an error: a failure is logged with what
 * was being counted, not passed off as 0 rows. */
gint64
_hall_store_count_query (HallStore  *self,
                         const char *sql,
                         const char *doing)
{
  g_autoptr (GError) error = NULL;
  gint64 n = 0;

  if (!_hall_store_read_rows (self, sql, NULL, _hall_store_take_int64, &n, doing, &error))
    {
      g_warning ("%s", error->message);
      return 0;
    }
  return n;
}

/* Write transactions: the lock, then BEGIN IMMEDIATE, so the write lock of
 * the file is taken up front and a transaction never fails half-way for
 * want of it. Every error path rolls back. */

gboolean
_hall_store_write_begin (HallStore *self,
                         GError   **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  g_mutex_lock (&self->write_lock);
  if (!hall_sqlite_conn_exec (self->writer, "BEGIN IMMEDIATE", _("start writing"), error))
    {
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }
  /* Whether a first pull is under way, as the store says: another process
   * (service-hall-ctl beside the app) may have started or ended it. The
   * migrations' own transaction comes before the table. */
  if (self->schema_version != HALL_STORE_SCHEMA_VERSION)
    return TRUE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'search_fill')",
                                   error);
  if (stmt == NULL || !hall_sqlite_stmt_step_row (stmt, _("start writing"), error))
    {
      g_clear_pointer (&stmt, hall_sqlite_stmt_release);
      _hall_store_write_rollback (self);
      return FALSE;
    }
  self->search_fill = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

void
_hall_store_write_rollback (HallStore *self)
{
  if (!sqlite3_get_autocommit (hall_sqlite_conn_get_db (self->writer)))
    sqlite3_exec (hall_sqlite_conn_get_db (self->writer), "ROLLBACK", NULL, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
}

gboolean
_hall_store_write_commit (HallStore *self,
                          GError   **error)
{
  if (!hall_sqlite_conn_exec (self->writer, "COMMIT", _("save the changes"), error))
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  g_mutex_unlock (&self->write_lock);
  return TRUE;
}

gboolean
_hall_store_write_end (HallStore  *self,
                       gboolean    ok,
                       GPtrArray  *changed_cases,
                       GError    **error)
{
  if (!ok)
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  if (!_hall_store_write_commit (self, error))
    return FALSE;
  if (changed_cases != NULL)
    {
      _hall_store_emit_cases_changed (self, changed_cases);
      _hall_store_emit_outbox_changed (self);
    }
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

void
_hall_store_emit_changed (HallStore *self)
{
  emit_later (self, SIGNAL_CHANGED, NULL, 0);
}

void
_hall_store_emit_case_changed (HallStore  *self,
                               const char *uuid)
{
  emit_later (self, SIGNAL_CASE_CHANGED, uuid, 0);
}

void
_hall_store_emit_outbox_changed (HallStore *self)
{
  emit_later (self, SIGNAL_OUTBOX_CHANGED, NULL, hall_store_count_outbox (self));
}

/* After a commit: lists refresh, and the rows of @cases update in place. */
void
_hall_store_emit_cases_changed (HallStore *self,
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
void
_hall_store_emit_cases_changed_once (HallStore *self,
                                     GPtrArray *cases)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) unique = g_ptr_array_new ();

  for (guint i = 0; i < cases->len; i++)
    if (g_hash_table_add (seen, cases->pdata[i]))
      g_ptr_array_add (unique, cases->pdata[i]);
  _hall_store_emit_cases_changed (self, unique);
}

/* Lifecycle */

static void
hall_store_finalize (GObject *object)
{
  HallStore *self = HALL_STORE (object);

  _hall_store_unwatch_other_processes (self);
  g_clear_pointer (&self->readers, g_ptr_array_unref);
  g_clear_pointer (&self->checkpointer, hall_sqlite_checkpointer_free);
  g_clear_pointer (&self->writer, hall_sqlite_conn_free);
  g_mutex_clear (&self->readers_lock);
  g_mutex_clear (&self->write_lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->session_key, hall_signing_key_free);
  g_free (self->session_official);
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
  self->readers = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_sqlite_conn_free);
  self->watch.entry = -1;
}

/* Brings the schema up to date in one transaction. Another process may
 * have migrated between our first look and the lock, so look again. */
static gboolean
migrate (HallStore *self,
         GError   **error)
{
  int version;

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!hall_store_read_schema_version (hall_sqlite_conn_get_db (self->writer), &version, error))
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
      /* A first pull cut off left its insert triggers away: the
       * migrations may drop or change them by name, so they come back
       * first (the pull's end, at open, finds none to put back). The
       * table of meta is there from version 1 on. */
      if (version >= 1 && !_hall_store_restore_insert_triggers_locked (self, error))
        goto fail;
      if (!hall_store_migrate (hall_sqlite_conn_get_db (self->writer), version, error))
        goto fail;
      /* Before version 3 nothing was ever sent: queue what there is. From
       * version 3 on, what was not sent is in the outbox already. */
      if (version > 0 && version < 3 && !_hall_store_queue_unsent_locked (self, error))
        goto fail;
    }
  self->schema_version = HALL_STORE_SCHEMA_VERSION;
  return _hall_store_write_commit (self, error);

fail:
  _hall_store_write_rollback (self);
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
  g_autoptr (GError) local_error = NULL;
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

  self = g_object_new (HALL_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->hall_code = g_strdup (hall_code);
  self->counter = g_strdup (counter);
  self->context = g_main_context_ref_thread_default ();
  self->thread = g_thread_self ();

  /* WAL and synchronous=FULL are set below, once the version allows
   * touching the file. */
  self->writer = hall_sqlite_conn_open (path, 0, error);
  if (self->writer == NULL)
    return NULL;

  /* Look before touching: a database from a newer version is left exactly
   * as it is, so that version can still open it. */
  if (!hall_store_read_schema_version (hall_sqlite_conn_get_db (self->writer), &version, error))
    return NULL;
  if (version > HALL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SCHEMA,
                   _("The database “%s” was created by a newer Service Hall (schema version %d,"
                     " this one knows up to %d); update Service Hall to open it"),
                   path, version, HALL_STORE_SCHEMA_VERSION);
      return NULL;
    }

  if (!hall_sqlite_conn_exec (self->writer, "PRAGMA journal_mode = WAL", _("set up the database"),
                              error)
      || !hall_sqlite_conn_exec (self->writer, "PRAGMA synchronous = FULL",
                                 _("set up the database"), error)
      || !hall_sqlite_conn_exec (self->writer, "PRAGMA foreign_keys = ON", _("set up the database"),
                                 error)
      || !hall_store_register_functions (hall_sqlite_conn_get_db (self->writer), error)
      || !migrate (self, error)
      /* Statement journals (what a statement that may fail half-way, an
       * insert with its triggers and full-text indexes, changed) in
       * memory: in temporary files, a pull wrote them 8,500 times a
       * second, a third of its time. Only after the migrations, whose
       * temporary tables would keep their memory for as long as the
       * connection lives. */
      || !hall_sqlite_conn_exec (self->writer, "PRAGMA temp_store = MEMORY",
                                 _("set up the database"), error)
      || !_hall_store_fill_search (self, error))
    return NULL;

  /* The writer's checkpoints on a thread of their own: a pull's commits
   * no longer wait for the log to be copied back and synced. */
  self->checkpointer = hall_sqlite_checkpointer_new (path, &local_error);
  if (self->checkpointer != NULL)
    hall_sqlite_checkpointer_watch (self->checkpointer, self->writer);
  else
    g_message ("%s: the writer checkpoints itself", local_error->message);

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

static void
take_text (HallSqliteStmt *stmt,
           gpointer        data)
{
  char **text = data;

  g_free (*text);
  *text = hall_sqlite_column_dup (stmt, 0);
}

char *
hall_store_get_meta (HallStore  *self,
                     const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  /* A setting that cannot be read is logged, not passed off as unset. */
  if (!_hall_store_read_rows (self, "SELECT value FROM meta WHERE key = ?1", key, take_text,
                              &value, _("read a setting of the local store"), &error))
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  return g_steal_pointer (&value);
}

gboolean
_hall_store_set_meta_locked (HallStore  *self,
                             const char *key,
                             const char *value,
                             GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                   " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, key);
  hall_sqlite_bind_text (stmt, 2, value);
  return hall_sqlite_stmt_run (stmt, _("save a setting"), error);
}

gboolean
hall_store_set_meta (HallStore  *self,
                     const char *key,
                     const char *value,
                     GError    **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!_hall_store_set_meta_locked (self, key, value, error))
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  return _hall_store_write_commit (self, error);
}
