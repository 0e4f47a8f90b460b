/* hall-sqlite.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sqlite"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>

#include "hall-sqlite.h"

G_DEFINE_QUARK (hall-database-error-quark, hall_database_error)

struct _HallSqliteConn
{
  sqlite3    *db;
  GHashTable *stmts; /* SQL text (static) -> sqlite3_stmt */
};

static HallDatabaseError
error_code_of (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CONSTRAINT:
      return HALL_DATABASE_ERROR_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return HALL_DATABASE_ERROR_BUSY;
    case SQLITE_FULL:
      return HALL_DATABASE_ERROR_FULL;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return HALL_DATABASE_ERROR_SCHEMA;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return HALL_DATABASE_ERROR_OPEN;
    default:
      return HALL_DATABASE_ERROR_SQL;
    }
}

gboolean
hall_sqlite_set_error (GError    **error,
                       sqlite3    *db,
                       const char *doing)
{
  g_set_error (error, HALL_DATABASE_ERROR, error_code_of (sqlite3_extended_errcode (db)),
               /* Translators: "Could not save the case: UNIQUE constraint failed" */
               _("Could not %s: %s"), doing, sqlite3_errmsg (db));
  return FALSE;
}

/* Before SQLite's first use in the process. Debian's SQLite counts every
 * allocation under one mutex of the whole process (memory statistics,
 * which nothing here reads), and it is built without lookaside, so each
 * row a pull or a search reads took that lock several times: about 6 %
 * of a pull's CPU. */
static gpointer
configure_sqlite (gpointer data)
{
  if (sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
    g_debug ("SQLite was in use already: its memory statistics stay on");
  return NULL;
}

HallSqliteConn *
hall_sqlite_conn_open (const char          *path,
                       HallSqliteOpenFlags  flags,
                       GError             **error)
{
  static GOnce configured = G_ONCE_INIT;
  g_autoptr (HallSqliteConn) conn = g_new0 (HallSqliteConn, 1);
  gboolean read_only = (flags & HALL_SQLITE_OPEN_READ_ONLY) != 0;
  int open_flags = SQLITE_OPEN_NOMUTEX
                   | (read_only ? SQLITE_OPEN_READONLY
                                : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);

  g_return_val_if_fail (path != NULL, NULL);

  g_once (&configured, configure_sqlite, NULL);
  /* Keyed by a copy of the text: callers may prepare a text they built
   * and free. */
  conn->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) sqlite3_finalize);
  if (sqlite3_open_v2 (path, &conn->db, open_flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                   _("Could not open the database “%s”: %s"), path,
                   conn->db != NULL ? sqlite3_errmsg (conn->db) : g_strerror (ENOMEM));
      return NULL;
    }
  sqlite3_extended_result_codes (conn->db, 1);
  sqlite3_busy_timeout (conn->db, 5000);

  if (read_only
      && !hall_sqlite_conn_exec (conn, "PRAGMA query_only = ON", _("open a reader"), error))
    return NULL;
  if ((flags & HALL_SQLITE_OPEN_DURABLE) != 0
      && !hall_sqlite_conn_exec (conn, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL",
                                 _("set up the database"), error))
    return NULL;
  return g_steal_pointer (&conn);
}

void
hall_sqlite_conn_free (HallSqliteConn *conn)
{
  if (conn == NULL)
    return;
  g_clear_pointer (&conn->stmts, g_hash_table_unref);
  sqlite3_close_v2 (conn->db);
  g_free (conn);
}

sqlite3 *
hall_sqlite_conn_get_db (HallSqliteConn *conn)
{
  return conn->db;
}

HallSqliteStmt *
hall_sqlite_conn_prepare (HallSqliteConn *conn,
                          const char     *sql,
                          GError        **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->stmts, sql);

  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      hall_sqlite_set_error (error, conn->db, _("prepare a query"));
      return NULL;
    }
  g_hash_table_insert (conn->stmts, g_strdup (sql), stmt);
  return stmt;
}

gboolean
hall_sqlite_conn_exec (HallSqliteConn *conn,
                       const char     *sql,
                       const char     *doing,
                       GError        **error)
{
  if (sqlite3_exec (conn->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return hall_sqlite_set_error (error, conn->db, doing);
  return TRUE;
}

int
hall_sqlite_conn_get_user_version (HallSqliteConn *conn,
                                   GError        **error)
{
  g_autoptr (HallSqliteStmt) stmt = hall_sqlite_conn_prepare (conn, "PRAGMA user_version", error);

  if (stmt == NULL
      || !hall_sqlite_stmt_step_row (stmt, _("read the schema version"), error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SCHEMA,
                             _("The database does not say its schema version"));
      return -1;
    }
  return sqlite3_column_int (stmt, 0);
}

void
hall_sqlite_stmt_release (HallSqliteStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
hall_sqlite_stmt_run (HallSqliteStmt *stmt,
                      const char     *doing,
                      GError        **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    return hall_sqlite_set_error (error, sqlite3_db_handle (stmt), doing);
  return TRUE;
}

gboolean
hall_sqlite_stmt_step_row (HallSqliteStmt *stmt,
                           const char     *doing,
                           GError        **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    hall_sqlite_set_error (error, sqlite3_db_handle (stmt), doing);
  return FALSE;
}

void
hall_sqlite_bind_text (HallSqliteStmt *stmt,
                       int             index,
                       const char     *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

char *
hall_sqlite_column_dup (HallSqliteStmt *stmt,
                        int             column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}
