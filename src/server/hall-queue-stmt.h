/* hall-queue-stmt.h — one statement of the queue's SQL, on SQLite or on
 * PostgreSQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libpq-fe.h>

#include "hall-sqlite.h"

G_BEGIN_DECLS

/* The connection a queue statement runs on: one of the two is set. */
typedef struct
{
  HallSqliteConn *sqlite;
  PGconn         *pg;
} HallQueueConn;

typedef struct _HallQueueStmt HallQueueStmt;

/* (transfer full): @sql on @conn. @sql is SQLite's text with "?N"
 * parameters (a literal: SQLite's statement cache is keyed by its
 * address); on PostgreSQL they become "$N", typed by what is bound to
 * them. The SQL both take: TRUE/FALSE, IS DISTINCT FROM, RETURNING,
 * ON CONFLICT; for the rest, hall_queue_stmt_new_for(). */
HallQueueStmt *hall_queue_stmt_new            (const HallQueueConn  *conn,
                                               const char           *sql,
                                               GError              **error);
/* As hall_queue_stmt_new() with the text of each engine's dialect. */
HallQueueStmt *hall_queue_stmt_new_for        (const HallQueueConn  *conn,
                                               const char           *sqlite_sql,
                                               const char           *pg_sql,
                                               GError              **error);
void           hall_queue_stmt_free           (HallQueueStmt        *stmt);

/* Parameters count from 1; NULL binds SQL NULL. */
void           hall_queue_stmt_bind_text      (HallQueueStmt        *stmt,
                                               int                   index,
                                               const char           *text);
void           hall_queue_stmt_bind_int64     (HallQueueStmt        *stmt,
                                               int                   index,
                                               gint64                value);

/* One row: TRUE on a row; FALSE at the end (@error unset) or on a failure
 * (@error set, in HALL_DATABASE_ERROR, "Could not @doing: …"). */
gboolean       hall_queue_stmt_step_row       (HallQueueStmt        *stmt,
                                               const char           *doing,
                                               GError              **error);
/* Runs the statement to its end, its rows unread. */
gboolean       hall_queue_stmt_run            (HallQueueStmt        *stmt,
                                               const char           *doing,
                                               GError              **error);
/* How many rows the statement that ran inserted, changed or deleted. */
gint64         hall_queue_stmt_get_changes    (HallQueueStmt        *stmt);

/* Columns of the current row count from 0. (transfer none) (nullable):
 * NULL for SQL NULL; valid until the next step. */
const char    *hall_queue_stmt_get_text       (HallQueueStmt        *stmt,
                                               int                   column);
gint64         hall_queue_stmt_get_int64      (HallQueueStmt        *stmt,
                                               int                   column);
double         hall_queue_stmt_get_double     (HallQueueStmt        *stmt,
                                               int                   column);
gboolean       hall_queue_stmt_get_boolean    (HallQueueStmt        *stmt,
                                               int                   column);
gboolean       hall_queue_stmt_is_null        (HallQueueStmt        *stmt,
                                               int                   column);

/* Runs @sql (transaction control; nothing bound) on @conn. */
gboolean       hall_queue_conn_exec           (const HallQueueConn  *conn,
                                               const char           *sql,
                                               const char           *doing,
                                               GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallQueueStmt, hall_queue_stmt_free)

G_END_DECLS
