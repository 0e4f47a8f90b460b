/* hall-queue-stmt.c — one statement of the queue's SQL, on SQLite or on
 * PostgreSQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On SQLite a statement comes from the connection's cache and steps row
 * by row. On PostgreSQL its parameters are gathered as text until the
 * first step, which runs it (PQexecParams, each parameter typed by what
 * was bound, so that "$2 IS NOT NULL" needs no cast) and keeps its rows
 * for the steps that follow.
 */
#define G_LOG_DOMAIN "hall-queue"

#include <string.h>

#include "hall-queue-stmt.h"
#include "hall-server-postgres.h"

/* PostgreSQL's type oids (server/catalog/pg_type_d.h, not in libpq-dev). */
#define INT8OID 20
#define TEXTOID 25

#define MAX_PARAMS 16

struct _HallQueueStmt
{
  HallSqliteStmt *sqlite;
  sqlite3        *db;
  gint64          changes;

  PGconn         *pg;
  char           *pg_sql;
  char           *values[MAX_PARAMS];
  Oid             types[MAX_PARAMS];
  int             n_params;
  PGresult       *result;
  int             row;     /* of result: the current one, -1 before the first */
};

/* "?N" as "$N": the queue's SQL has no question mark but its parameters. */
static char *
pg_text_of (const char *sqlite_sql)
{
  char *text = g_strdup (sqlite_sql);

  for (char *p = text; *p != '\0'; p++)
    if (*p == '?' && g_ascii_isdigit (p[1]))
      *p = '$';
  return text;
}

HallQueueStmt *
hall_queue_stmt_new_for (const HallQueueConn  *conn,
                         const char           *sqlite_sql,
                         const char           *pg_sql,
                         GError              **error)
{
  HallQueueStmt *stmt;

  if (conn->sqlite != NULL)
    {
      HallSqliteStmt *prepared = hall_sqlite_conn_prepare (conn->sqlite, sqlite_sql, error);

      if (prepared == NULL)
        return NULL;
      stmt = g_new0 (HallQueueStmt, 1);
      stmt->sqlite = prepared;
      stmt->db = hall_sqlite_conn_get_db (conn->sqlite);
      return stmt;
    }
  g_return_val_if_fail (conn->pg != NULL, NULL);
  stmt = g_new0 (HallQueueStmt, 1);
  stmt->pg = conn->pg;
  stmt->pg_sql = pg_text_of (pg_sql);
  stmt->row = -1;
  return stmt;
}

HallQueueStmt *
hall_queue_stmt_new (const HallQueueConn  *conn,
                     const char           *sql,
                     GError              **error)
{
  return hall_queue_stmt_new_for (conn, sql, sql, error);
}

void
hall_queue_stmt_free (HallQueueStmt *stmt)
{
  if (stmt == NULL)
    return;
  g_clear_pointer (&stmt->sqlite, hall_sqlite_stmt_release);
  g_clear_pointer (&stmt->result, PQclear);
  for (int i = 0; i < MAX_PARAMS; i++)
    g_free (stmt->values[i]);
  g_free (stmt->pg_sql);
  g_free (stmt);
}

static void
bind_pg (HallQueueStmt *stmt,
         int            index,
         char          *value,
         Oid            type)
{
  g_return_if_fail (index >= 1 && index <= MAX_PARAMS);
  g_free (stmt->values[index - 1]);
  stmt->values[index - 1] = value;
  stmt->types[index - 1] = type;
  stmt->n_params = MAX (stmt->n_params, index);
}

void
hall_queue_stmt_bind_text (HallQueueStmt *stmt,
                           int            index,
                           const char    *text)
{
  if (stmt->sqlite != NULL)
    hall_sqlite_bind_text (stmt->sqlite, index, text);
  else
    bind_pg (stmt, index, g_strdup (text), TEXTOID);
}

void
hall_queue_stmt_bind_int64 (HallQueueStmt *stmt,
                            int            index,
                            gint64         value)
{
  if (stmt->sqlite != NULL)
    sqlite3_bind_int64 (stmt->sqlite, index, value);
  else
    bind_pg (stmt, index, g_strdup_printf ("%" G_GINT64_FORMAT, value), INT8OID);
}

static gboolean
execute_pg (HallQueueStmt  *stmt,
            const char     *doing,
            GError        **error)
{
  PGresult *result;
  ExecStatusType status;
  const char *tuples;

  /* A parameter never bound is NULL, as in SQLite; typed as text. */
  for (int i = 0; i < stmt->n_params; i++)
    if (stmt->types[i] == 0)
      stmt->types[i] = TEXTOID;
  result = PQexecParams (stmt->pg, stmt->pg_sql, stmt->n_params, stmt->types,
                         (const char * const *) stmt->values, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      hall_server_postgres_set_error (error, stmt->pg, result, doing);
      PQclear (result);
      return FALSE;
    }
  tuples = PQcmdTuples (result);
  stmt->changes = tuples != NULL && *tuples != '\0' ? g_ascii_strtoll (tuples, NULL, 10) : 0;
  stmt->result = result;
  return TRUE;
}

gboolean
hall_queue_stmt_step_row (HallQueueStmt  *stmt,
                          const char     *doing,
                          GError        **error)
{
  if (stmt->sqlite != NULL)
    {
      gboolean row = hall_sqlite_stmt_step_row (stmt->sqlite, doing, error);

      if (!row)
        stmt->changes = sqlite3_changes (stmt->db);
      return row;
    }
  if (stmt->result == NULL && !execute_pg (stmt, doing, error))
    return FALSE;
  if (stmt->row + 1 >= PQntuples (stmt->result))
    return FALSE;
  stmt->row++;
  return TRUE;
}

gboolean
hall_queue_stmt_run (HallQueueStmt  *stmt,
                     const char     *doing,
                     GError        **error)
{
  if (stmt->sqlite != NULL)
    {
      if (!hall_sqlite_stmt_run (stmt->sqlite, doing, error))
        return FALSE;
      stmt->changes = sqlite3_changes (stmt->db);
      return TRUE;
    }
  return stmt->result != NULL || execute_pg (stmt, doing, error);
}

gint64
hall_queue_stmt_get_changes (HallQueueStmt *stmt)
{
  return stmt->changes;
}

gboolean
hall_queue_stmt_is_null (HallQueueStmt *stmt,
                         int            column)
{
  if (stmt->sqlite != NULL)
    return sqlite3_column_type (stmt->sqlite, column) == SQLITE_NULL;
  return PQgetisnull (stmt->result, stmt->row, column);
}

const char *
hall_queue_stmt_get_text (HallQueueStmt *stmt,
                          int            column)
{
  if (stmt->sqlite != NULL)
    return (const char *) sqlite3_column_text (stmt->sqlite, column);
  if (PQgetisnull (stmt->result, stmt->row, column))
    return NULL;
  return PQgetvalue (stmt->result, stmt->row, column);
}

gint64
hall_queue_stmt_get_int64 (HallQueueStmt *stmt,
                           int            column)
{
  const char *text;

  if (stmt->sqlite != NULL)
    return sqlite3_column_int64 (stmt->sqlite, column);
  text = hall_queue_stmt_get_text (stmt, column);
  if (text == NULL)
    return 0;
  /* A boolean reads as 1 or 0, as SQLite's. */
  if (g_str_equal (text, "t") || g_str_equal (text, "f"))
    return text[0] == 't';
  return g_ascii_strtoll (text, NULL, 10);
}

double
hall_queue_stmt_get_double (HallQueueStmt *stmt,
                            int            column)
{
  const char *text;

  if (stmt->sqlite != NULL)
    return sqlite3_column_double (stmt->sqlite, column);
  text = hall_queue_stmt_get_text (stmt, column);
  return text != NULL ? g_ascii_strtod (text, NULL) : 0.0;
}

gboolean
hall_queue_stmt_get_boolean (HallQueueStmt *stmt,
                             int            column)
{
  return hall_queue_stmt_get_int64 (stmt, column) != 0;
}

gboolean
hall_queue_conn_exec (const HallQueueConn  *conn,
                      const char           *sql,
                      const char           *doing,
                      GError              **error)
{
  PGresult *result;
  ExecStatusType status;

  if (conn->sqlite != NULL)
    return hall_sqlite_conn_exec (conn->sqlite, sql, doing, error);
  result = PQexec (conn->pg, sql);
  status = PQresultStatus (result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      hall_server_postgres_set_error (error, conn->pg, result, doing);
      PQclear (result);
      return FALSE;
    }
  PQclear (result);
  return TRUE;
}
