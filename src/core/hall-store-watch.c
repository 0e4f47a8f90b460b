/* hall-store-watch.c — what another process commits to the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The counter app is not the store's only writer: the hall's IT staff and
 * their scripts use service-hall-ctl on the same profile (pages attached
 * from a scanner's folder, cases imported) while the official works. The
 * store's own writes announce themselves; another process's do not. The
 * writer connection's PRAGMA data_version changes exactly when another
 * connection has committed, and this store writes through that connection
 * only, so a look at it every few seconds, on a worker, tells: then the
 * lists read again, and the cases with new entries of their history
 * (what attach, scan, import and decide write) say they changed.
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-background-task.h"
#include "hall-store-private.h"
#include "hall-store-test-hooks.h"

/* Under write_lock: the cases with entries after @after, up to @newest.
 * Between two looks a few: what another process committed, and what this
 * store wrote since its last look. */
static GPtrArray *
cases_with_new_entries_locked (HallStore  *self,
                               gint64      after,
                               gint64      newest,
                               GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT c.uuid FROM case_events e"
                                   " JOIN cases c ON c.id = e.case_id"
                                   " WHERE e.id > ?1 AND e.id <= ?2",
                                   error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after);
  sqlite3_bind_int64 (stmt, 2, newest);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (stmt, 0);

      if (uuid != NULL && !g_hash_table_contains (seen, uuid))
        {
          char *copy = g_strdup (uuid);

          g_hash_table_add (seen, copy);
          g_ptr_array_add (uuids, copy);
        }
    }
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the cases’ histories"));
      return NULL;
    }
  return g_steal_pointer (&uuids);
}

/* Under write_lock: the one integer @sql reads on the writer. */
static gboolean
read_int64_locked (HallStore  *self,
                   const char *sql,
                   gint64     *value,
                   GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer, sql, error);
  if (stmt == NULL)
    return FALSE;
  if (!hall_sqlite_stmt_step_row (stmt, _("look for changes"), error))
    return FALSE;
  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Under write_lock: the writer's data_version and the newest entry, in
 * one read of the database, so that a commit between the two is in both
 * or in neither. */
static gboolean
read_position_locked (HallStore  *self,
                      gint64     *version,
                      gint64     *newest,
                      GError    **error)
{
  gboolean ok;

  if (!hall_sqlite_conn_exec (self->writer, "BEGIN", _("look for changes"), error))
    return FALSE;
  ok = read_int64_locked (self, "SELECT coalesce (max (id), 0) FROM case_events", newest, error)
       && read_int64_locked (self, "PRAGMA data_version", version, error);
  if (ok && !hall_sqlite_conn_exec (self->writer, "COMMIT", _("look for changes"), error))
    ok = FALSE;
  /* Never left open: the next write's BEGIN IMMEDIATE would fail. */
  if (!sqlite3_get_autocommit (hall_sqlite_conn_get_db (self->writer)))
    sqlite3_exec (hall_sqlite_conn_get_db (self->writer), "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

gboolean
_hall_store_check_other_processes (HallStore  *self,
                                   GError    **error)
{
  g_autoptr (GPtrArray) cases = NULL;
  gint64 version = 0;
  gint64 newest = 0;
  gint64 after;
  gboolean first;

  /* A write of our own under way: the next look will do. */
  if (!g_mutex_trylock (&self->write_lock))
    return FALSE;
  if (!read_position_locked (self, &version, &newest, error))
    {
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }
  first = self->watch.entry < 0;
  after = self->watch.entry;
  /* Nothing of another's: the entries since the last look are ours, and
   * said so when they were written. */
  if (first || version == self->watch.data_version)
    {
      self->watch.data_version = version;
      self->watch.entry = newest;
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }
  self->watch.data_version = version;
  self->watch.entry = newest;
  cases = cases_with_new_entries_locked (self, after, newest, error);
  g_mutex_unlock (&self->write_lock);
  if (cases == NULL)
    return FALSE;

  g_debug ("Another process changed the store: %u cases with new entries", cases->len);
  /* "changed" (the lists), then "case-changed" for each. */
  _hall_store_emit_cases_changed (self, cases);
  _hall_store_emit_outbox_changed (self);
  return TRUE;
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;

  _hall_store_check_other_processes (source_object, &error);
  if (error != NULL)
    g_debug ("Could not look for other processes' changes: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HALL_STORE (source)->watch.checking = FALSE;
}

/* The source holds a weak reference, so that it keeps no store alive;
 * a look under way does (its task), until it is done. */
static gboolean
watch_tick (gpointer data)
{
  g_autoptr (HallStore) self = g_weak_ref_get (data);
  g_autoptr (GTask) task = NULL;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  /* One look at a time: a pull holding the writer makes them wait. */
  if (self->watch.checking)
    return G_SOURCE_CONTINUE;
  self->watch.checking = TRUE;
  task = g_task_new (self, NULL, check_done, NULL);
  g_task_set_source_tag (task, watch_tick);
  hall_task_run_in_background (task, check_thread);
  return G_SOURCE_CONTINUE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

void
hall_store_watch_other_processes (HallStore *self,
                                  guint      interval_s)
{
  GWeakRef *ref;

  g_return_if_fail (HALL_IS_STORE (self));

  _hall_store_unwatch_other_processes (self);
  if (interval_s == 0)
    return;
  g_mutex_lock (&self->write_lock);
  self->watch.entry = -1;
  g_mutex_unlock (&self->write_lock);
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  /* Whole seconds: GLib wakes the process for these with its others. */
  self->watch.source = g_timeout_source_new_seconds (interval_s);
  g_source_set_callback (self->watch.source, watch_tick, ref, weak_ref_free);
  g_source_set_static_name (self->watch.source, "[hall] other processes' changes");
  g_source_attach (self->watch.source, self->context);
  watch_tick (ref);
}

void
_hall_store_unwatch_other_processes (HallStore *self)
{
  if (self->watch.source == NULL)
    return;
  g_source_destroy (self->watch.source);
  g_clear_pointer (&self->watch.source, g_source_unref);
}
