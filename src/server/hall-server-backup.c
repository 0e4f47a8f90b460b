/* hall-server-backup.c — an online backup of the server's SQLite file
 *
 * VACUUM INTO rather than the backup API: the backup API restarts from the
 * first page whenever another connection (a server) writes to the source
 * between two of its steps, so under a steady stream of writes it may never
 * finish; VACUUM INTO reads one snapshot in one read transaction, which in
 * WAL mode neither waits for the writer nor makes it wait (the only cost to
 * the server: the WAL is not checkpointed past that snapshot until the
 * backup is done). It also writes the copy compacted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "hall-server-backup.h"
#include "hall-server-sqlite.h"
#include "hall-sqlite.h"

static gboolean
set_errno_error (GError    **error,
                 int         saved,
                 const char *format,
                 const char *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), format, path,
               g_strerror (saved));
  return FALSE;
}

static gboolean
fsync_path (const char  *path,
            gboolean     directory,
            GError     **error)
{
  int fd = open (path, (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return set_errno_error (error, errno, _("Cannot open %s to flush it to disk: %s"), path);
  if (fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      return set_errno_error (error, saved, _("Cannot flush %s to disk: %s"), path);
    }
  close (fd);
  return TRUE;
}

/* Checks the copy and says what it holds. */
static GPtrArray *
check_backup (const char  *path,
              GError     **error)
{
  g_autoptr(HallSqliteConn) conn = NULL;
  g_autoptr(sqlite3_stmt) check = NULL;
  g_autoptr(sqlite3_stmt) tables = NULL;
  g_autoptr(GPtrArray) report = g_ptr_array_new_with_free_func (g_free);
  const char *doing = _("check the backup");
  sqlite3 *db;

  conn = hall_sqlite_conn_open (path, HALL_SQLITE_OPEN_READ_ONLY, error);
  if (conn == NULL)
    return NULL;
  db = hall_sqlite_conn_get_db (conn);
  if (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &check, NULL) != SQLITE_OK
      || sqlite3_step (check) != SQLITE_ROW)
    {
      hall_sqlite_set_error (error, db, doing);
      return NULL;
    }
  if (!g_str_equal ((const char *) sqlite3_column_text (check, 0), "ok"))
    {
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SQL,
                   _("The backup %s is damaged: %s"), path, sqlite3_column_text (check, 0));
      return NULL;
    }
  if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                              " AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &tables,
                          NULL) != SQLITE_OK)
    {
      hall_sqlite_set_error (error, db, doing);
      return NULL;
    }
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM \"%s\"", name);
      g_autoptr(sqlite3_stmt) count = NULL;
      g_autofree char *rows = NULL;

      if (sqlite3_prepare_v2 (db, sql, -1, &count, NULL) != SQLITE_OK
          || sqlite3_step (count) != SQLITE_ROW)
        {
          hall_sqlite_set_error (error, db, doing);
          return NULL;
        }
      rows = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (count, 0));
      g_ptr_array_add (report, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %s row",
                                                             "%s: %s rows",
                                                             (gulong) sqlite3_column_int64 (count,
                                                                                            0)),
                                                name, rows));
    }
  {
    g_autoptr(sqlite3_stmt) last = NULL;
    g_autofree char *seq = NULL;

    if (sqlite3_prepare_v2 (db, "SELECT coalesce (max (seq), 0) FROM changes", -1, &last,
                            NULL) != SQLITE_OK
        || sqlite3_step (last) != SQLITE_ROW)
      {
        hall_sqlite_set_error (error, db, doing);
        return NULL;
      }
    seq = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (last, 0));
    g_ptr_array_add (report, g_strdup_printf (_("the change feed up to seq %s"), seq));
  }
  return g_steal_pointer (&report);
}

GPtrArray *
hall_server_backup_sqlite (const char  *sqlite_path,
                           const char  *target,
                           GError     **error)
{
  g_autoptr(HallServerSqlite) sqlite = NULL;
  g_autoptr(HallSqliteConn) conn = NULL;
  g_autoptr(sqlite3_stmt) vacuum = NULL;
  g_autoptr(GPtrArray) report = NULL;
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *temp = NULL;
  sqlite3 *db;

  if (!g_file_test (sqlite_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                   _("There is no hall to back up: %s does not exist"), sqlite_path);
      return NULL;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("Cannot write the backup %s: the folder %s does not exist"), target, dir);
      return NULL;
    }
  /* The file brought to this server's schema, as a server would. */
  sqlite = hall_server_sqlite_new (sqlite_path, error);
  if (sqlite == NULL)
    return NULL;
  g_clear_object (&sqlite);
  /* Not query_only, which refuses VACUUM INTO; it writes only @target. */
  conn = hall_sqlite_conn_open (sqlite_path, 0, error);
  if (conn == NULL)
    return NULL;
  db = hall_sqlite_conn_get_db (conn);

  temp = g_strdup_printf ("%s/.%s.%d.partial", dir, base, (int) getpid ());
  g_unlink (temp);
  /* It holds personal data and password hashes: for its owner only.
   * VACUUM INTO takes an empty file. */
  {
    int fd = open (temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0)
      {
        set_errno_error (error, errno, _("Cannot write the backup %s: %s"), temp);
        return NULL;
      }
    close (fd);
  }
  if (sqlite3_prepare_v2 (db, "VACUUM INTO ?1", -1, &vacuum, NULL) != SQLITE_OK)
    {
      hall_sqlite_set_error (error, db, _("back up the database"));
      return NULL;
    }
  sqlite3_bind_text (vacuum, 1, temp, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (vacuum) != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, db, _("back up the database"));
      g_unlink (temp);
      return NULL;
    }
  report = check_backup (temp, error);
  if (report == NULL
      || !fsync_path (temp, FALSE, error))
    {
      g_unlink (temp);
      return NULL;
    }
  if (g_rename (temp, target) != 0)
    {
      int saved = errno;

      g_unlink (temp);
      set_errno_error (error, saved, _("Cannot write the backup %s: %s"), target);
      return NULL;
    }
  if (!fsync_path (dir, TRUE, error))
    return NULL;
  return g_steal_pointer (&report);
}
