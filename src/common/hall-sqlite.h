/* hall-sqlite.h — the SQLite helper layer of every program: a connection
 * opened with the pragmas it needs, its cache of prepared statements, and
 * SQLite's failures as GErrors of HALL_DATABASE_ERROR
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* What failed in the database itself; the message says what was being done. */
#define HALL_DATABASE_ERROR (hall_database_error_quark ())
typedef enum
{
  HALL_DATABASE_ERROR_OPEN,       /* the file cannot be opened or set up */
  HALL_DATABASE_ERROR_SCHEMA,     /* made by a newer program, or damaged */
  HALL_DATABASE_ERROR_SQL,        /* any other failure of a statement */
  HALL_DATABASE_ERROR_CONSTRAINT, /* a UNIQUE, CHECK or foreign key refused it */
  HALL_DATABASE_ERROR_BUSY,       /* another connection held the lock too long */
  HALL_DATABASE_ERROR_FULL,       /* the disk is full */
  HALL_DATABASE_ERROR_OUTDATED,   /* a newer program has migrated it since it was opened */
} HallDatabaseError;

GQuark hall_database_error_quark (void);

typedef enum
{
  /* query_only, for connections that only read */
  HALL_SQLITE_OPEN_READ_ONLY = 1 << 0,
  /* journal_mode = WAL, synchronous = FULL: an official (or a counter) told
   * "saved" must be right after a power cut. Set by whoever creates the
   * file; it persists in the file for every later connection. */
  HALL_SQLITE_OPEN_DURABLE   = 1 << 1,
} HallSqliteOpenFlags;

/* A connection and its prepared statements, which live as long as it does:
 * preparing a small query costs more than running it. A connection is used
 * by one thread at a time (SQLITE_OPEN_NOMUTEX). */
typedef struct _HallSqliteConn HallSqliteConn;

/* A statement from a connection's cache. Going out of scope resets it and
 * clears its bindings instead of finalising it, so that it can be used
 * again: declare it g_autoptr (HallSqliteStmt). */
typedef sqlite3_stmt HallSqliteStmt;

/* (transfer full): free with hall_sqlite_conn_free(); NULL with @error set. */
HallSqliteConn *hall_sqlite_conn_open     (const char          *path,
                                           HallSqliteOpenFlags  flags,
                                           GError             **error);
void            hall_sqlite_conn_free     (HallSqliteConn      *conn);
/* (transfer none): the connection's handle, closed with it. */
sqlite3        *hall_sqlite_conn_get_db   (HallSqliteConn      *conn);

/* The statement of @sql, compiled once per connection and kept, keyed by
 * the text (a copy: @sql may be freed after). Two statements of the same
 * text are one: never hold one while preparing its text again. (transfer
 * none): release it with g_autoptr or hall_sqlite_stmt_release(). */
HallSqliteStmt *hall_sqlite_conn_prepare  (HallSqliteConn      *conn,
                                           const char          *sql,
                                           GError             **error);

/* Runs @sql (one or more statements, nothing bound). @doing says what for,
 * for the message: "save the case". */
gboolean        hall_sqlite_conn_exec     (HallSqliteConn      *conn,
                                           const char          *sql,
                                           const char          *doing,
                                           GError             **error);
/* PRAGMA user_version, or -1 with @error set. */
int             hall_sqlite_conn_get_user_version (HallSqliteConn *conn,
                                                   GError        **error);

void            hall_sqlite_stmt_release  (HallSqliteStmt      *stmt);

/* Steps until SQLITE_DONE (rows are ignored). */
gboolean        hall_sqlite_stmt_run      (HallSqliteStmt      *stmt,
                                           const char          *doing,
                                           GError             **error);
/* One step: TRUE on a row; FALSE at the end (with @error unset) or on a
 * failure (with @error set). */
gboolean        hall_sqlite_stmt_step_row (HallSqliteStmt      *stmt,
                                           const char          *doing,
                                           GError             **error);

/* NULL binds SQL NULL. */
void            hall_sqlite_bind_text     (HallSqliteStmt      *stmt,
                                           int                  index,
                                           const char          *text);
/* (transfer full) (nullable): NULL for SQL NULL. */
char           *hall_sqlite_column_dup    (HallSqliteStmt      *stmt,
                                           int                  column);

/* The error of the last call on @db, in HALL_DATABASE_ERROR, as
 * "Could not DOING: SQLITE MESSAGE". Always returns FALSE, for
 * "return hall_sqlite_set_error (…);". */
gboolean        hall_sqlite_set_error     (GError             **error,
                                           sqlite3             *db,
                                           const char          *doing);

/* sqlite3_close_v2 defers the close until the last statement is finalised,
 * so the order in which autoptrs go out of scope does not matter. */
static inline void
hall_sqlite3_close (sqlite3 *db)
{
  sqlite3_close_v2 (db);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, hall_sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallSqliteConn, hall_sqlite_conn_free)
/* The cleanup goes by the name: g_autoptr (sqlite3_stmt) finalises a
 * statement of one's own, g_autoptr (HallSqliteStmt) resets a cached one. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallSqliteStmt, hall_sqlite_stmt_release)

G_END_DECLS
