/* hall-sqlite-checkpointer.c — a database's write-ahead log copied back
 * into it on a thread of its own, beside the writer
 *
 * In WAL mode SQLite copies the log back into the database (a checkpoint)
 * in the commit that takes the log past a thousand pages, on the thread
 * that commits: a counter's first pull of 100,000 changes made twenty of
 * them, each writing and syncing 4 MB while the pull waited (7 % of its
 * time), and a server's batch waited the same way. Here a writer's
 * commits only wake a thread, which checkpoints on a connection of its
 * own while the writer goes on. A counter has one writer; a server has a
 * connection for each of its threads, and each may write. The checkpoint is
 * passive: it copies what no reader still needs and waits for nobody, as
 * SQLite's own. The log starts over only if it was copied back whole
 * when the writer begins its next write: a writer that commits back to
 * back leaves the thread no such moment, so past four times the
 * threshold the writer checkpoints itself, and finds most of it copied
 * already. A pull's commits come a page of changes apart, and there the
 * thread keeps up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sqlite"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-sqlite-checkpointer.h"

/* SQLite's own threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT). */
#define CHECKPOINT_AFTER_PAGES   1000
/* 16 MB of 4 KiB pages. */
#define WRITER_CHECKPOINTS_AFTER 4000

struct _HallSqliteCheckpointer
{
  GPtrArray      *writers;   /* of sqlite3, watched */
  HallSqliteConn *conn;      /* the thread's own */
  GThread        *thread;
  GMutex          mutex;
  GCond           cond;
  gboolean        wanted;
  gboolean        stopping;
  guint           runs;
};

/* A writer's WAL hook, after each of its commits, on its thread. */
static int
committed (void       *data,
           sqlite3    *db,
           const char *schema,
           int         pages)
{
  HallSqliteCheckpointer *self = data;

  if (pages >= WRITER_CHECKPOINTS_AFTER)
    {
      g_debug ("The writer copies back a log of %d pages itself", pages);
      sqlite3_wal_checkpoint_v2 (db, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      return SQLITE_OK;
    }
  if (pages >= CHECKPOINT_AFTER_PAGES)
    {
      g_mutex_lock (&self->mutex);
      if (!self->wanted)
        {
          self->wanted = TRUE;
          g_cond_signal (&self->cond);
        }
      g_mutex_unlock (&self->mutex);
    }
  /* Anything else would fail the statement whose commit has happened. */
  return SQLITE_OK;
}

static gpointer
checkpoint_thread (gpointer data)
{
  HallSqliteCheckpointer *self = data;
  sqlite3 *db = hall_sqlite_conn_get_db (self->conn);
  gboolean told = FALSE;

  g_mutex_lock (&self->mutex);
  for (;;)
    {
      int frames = 0;
      int rc;

      while (!self->wanted && !self->stopping)
        g_cond_wait (&self->cond, &self->mutex);
      if (self->stopping)
        break;
      self->wanted = FALSE;
      g_mutex_unlock (&self->mutex);

      /* SQLITE_BUSY: another checkpoint is running, which is as good (the
       * connection has extended result codes); SQLite then gives the log
       * as -1 frames too. A log of -1 frames after SQLITE_OK: this
       * connection is not in WAL mode. */
      rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, NULL);
      if (((rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY) || (rc == SQLITE_OK && frames < 0))
          && !told)
        {
          g_message ("Could not copy the write-ahead log of %s into it: %s (the next write "
                     "tries again)", sqlite3_db_filename (db, "main"), sqlite3_errmsg (db));
          told = TRUE;
        }

      g_mutex_lock (&self->mutex);
      self->runs++;
    }
  g_mutex_unlock (&self->mutex);
  return NULL;
}

HallSqliteCheckpointer *
hall_sqlite_checkpointer_new (const char  *path,
                              GError     **error)
{
  g_autoptr(HallSqliteConn) conn = NULL;
  HallSqliteCheckpointer *self;

  /* The thread's alone; synchronous = FULL, so that the log is reset only
   * once what it held is on the disk. A connection that has read nothing
   * has not opened the log, and its checkpoints would do nothing: it
   * reads the schema's version first. */
  conn = hall_sqlite_conn_open (path, 0, error);
  if (conn == NULL
      || !hall_sqlite_conn_exec (conn, "PRAGMA synchronous = FULL; PRAGMA schema_version",
                                 _("set up the database"), error))
    return NULL;

  self = g_new0 (HallSqliteCheckpointer, 1);
  self->writers = g_ptr_array_new ();
  self->conn = g_steal_pointer (&conn);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("sqlite-checkpoint", checkpoint_thread, self);
  return self;
}

void
hall_sqlite_checkpointer_watch (HallSqliteCheckpointer *self,
                                HallSqliteConn         *writer)
{
  sqlite3 *db = hall_sqlite_conn_get_db (writer);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->writers, db);
  g_mutex_unlock (&self->mutex);
  /* Replaces the writer's automatic checkpoints, which are a WAL hook too. */
  sqlite3_wal_hook (db, committed, self);
}

void
hall_sqlite_checkpointer_free (HallSqliteCheckpointer *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->writers->len; i++)
    sqlite3_wal_autocheckpoint (g_ptr_array_index (self->writers, i), CHECKPOINT_AFTER_PAGES);
  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_thread_join (self->thread);
  hall_sqlite_conn_free (self->conn);
  g_ptr_array_unref (self->writers);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

guint
hall_sqlite_checkpointer_get_runs (HallSqliteCheckpointer *self)
{
  guint runs;

  g_mutex_lock (&self->mutex);
  runs = self->runs;
  g_mutex_unlock (&self->mutex);
  return runs;
}
