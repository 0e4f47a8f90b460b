/* hall-server-copy.c — moving a hall's records from SQLite up to PostgreSQL
 *
 * The copy goes table by table, below the storage interface: the feed's
 * sequence numbers, the idempotency answers' times and the events' order
 * must arrive as they are, and put_entity() would number the feed anew.
 * The tables are found, not listed: every table of the SQLite file that the
 * PostgreSQL schema also has is copied (so the queue's and the trust's
 * tables follow once PostgreSQL keeps them), with the columns of the SQLite
 * table; a PostgreSQL column the SQLite table lacks takes its default
 * (events.stored numbers the events in the order they were written, as
 * SQLite's rowid did).
 *
 * The check hashes each table twice, from the SQLite snapshot the copy read
 * and from PostgreSQL inside the copy's own transaction, both in the order
 * of the table's key (text keys in byte order, COLLATE "C", as SQLite's
 * BINARY), each value as its text with its length, NULL apart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

/* The triggers that keep PostgreSQL's stats_cells from stats_cases
 * (schema 7; the rest of the stats_ tables are fed from the change feed
 * since schema 12). */
static const char * const stats_triggers[] = {
  "stats_cases", "stats_cases_added",
  "stats_cases", "stats_cases_changed",
};

#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>

#include "hall-server-copy.h"
#include "hall-server-error.h"
#include "hall-server-postgres.h"
#include "hall-server-sqlite.h"
#include "hall-sqlite.h"

typedef struct
{
  char      *name;
  GPtrArray *columns;      /* of char *: the SQLite table's, in its order */
  GPtrArray *pg_types;     /* of char *: each column's PostgreSQL data_type */
  GPtrArray *key;          /* of char *: the order of the hash */
  GPtrArray *serials;      /* of char *: PostgreSQL columns numbered by a sequence */
  gint64     rows;
  char      *hash;
} Table;

static void
table_free (Table *table)
{
  g_free (table->name);
  g_ptr_array_unref (table->columns);
  g_ptr_array_unref (table->pg_types);
  g_ptr_array_unref (table->key);
  g_ptr_array_unref (table->serials);
  g_free (table->hash);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

static void
pg_finish (PGconn *pg)
{
  PQfinish (pg);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, pg_finish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static gboolean
set_pg_error (GError    **error,
              PGconn     *pg,
              const char *doing)
{
  g_autofree char *message = g_strchomp (g_strdup (PQerrorMessage (pg)));

  g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SQL, _("Could not %s: %s"),
               doing, message);
  return FALSE;
}

/* (transfer full): the result of @sql with @n text parameters, or NULL. */
static PGresult *
pg_query (PGconn             *pg,
          const char         *sql,
          int                 n,
          const char * const *params,
          const char         *doing,
          GError            **error)
{
  PGresult *result = PQexecParams (pg, sql, n, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      set_pg_error (error, pg, doing);
      PQclear (result);
      return NULL;
    }
  return result;
}

static gboolean
pg_exec (PGconn      *pg,
         const char  *sql,
         const char  *doing,
         GError     **error)
{
  PGresult *result = pg_query (pg, sql, 0, NULL, doing, error);

  PQclear (result);
  return result != NULL;
}

static char *
quote_ident (PGconn     *pg,
             const char *name)
{
  char *quoted = PQescapeIdentifier (pg, name, strlen (name));
  char *copy = g_strdup (quoted);

  PQfreemem (quoted);
  return copy;
}

/* A value into the hash: its length, then its bytes; NULL apart. */
static void
hash_value (GChecksum    *checksum,
            const guchar *bytes,
            gsize         length)
{
  char prefix[32];

  if (bytes == NULL)
    {
      g_checksum_update (checksum, (const guchar *) "N;", 2);
      return;
    }
  g_snprintf (prefix, sizeof prefix, "V%" G_GSIZE_FORMAT ":", length);
  g_checksum_update (checksum, (const guchar *) prefix, -1);
  g_checksum_update (checksum, bytes, length);
}

/* (transfer full) (nullable): the text of column @i of @stmt's row as
 * PostgreSQL prints it (bytea as \x and hex); NULL for SQL NULL. */
static char *
sqlite_value_text (sqlite3_stmt *stmt,
                   int           i,
                   gsize        *length_out)
{
  char *text;

  switch (sqlite3_column_type (stmt, i))
    {
    case SQLITE_NULL:
      *length_out = 0;
      return NULL;
    case SQLITE_INTEGER:
      text = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, i));
      break;
    case SQLITE_FLOAT:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        text = g_strdup (g_ascii_dtostr (buffer, sizeof buffer, sqlite3_column_double (stmt, i)));
      }
      break;
    case SQLITE_BLOB:
      {
        const guchar *bytes = sqlite3_column_blob (stmt, i);
        int n = sqlite3_column_bytes (stmt, i);
        GString *hex = g_string_sized_new (2 + 2 * n);

        g_string_append (hex, "\\x");
        for (int b = 0; b < n; b++)
          g_string_append_printf (hex, "%02x", bytes[b]);
        *length_out = hex->len;
        return g_string_free (hex, FALSE);
      }
    default:
      {
        const char *bytes = (const char *) sqlite3_column_text (stmt, i);
        int n = sqlite3_column_bytes (stmt, i);

        *length_out = n;
        return g_strndup (bytes, n);
      }
    }
  *length_out = strlen (text);
  return text;
}

/* COPY's text format: backslash, tab, newline and carriage return escaped. */
static void
append_copy_field (GString    *line,
                   const char *value,
                   gsize       length)
{
  if (value == NULL)
    {
      g_string_append (line, "\\N");
      return;
    }
  for (gsize i = 0; i < length; i++)
    switch (value[i])
      {
      case '\\': g_string_append (line, "\\\\"); break;
      case '\t': g_string_append (line, "\\t"); break;
      case '\n': g_string_append (line, "\\n"); break;
      case '\r': g_string_append (line, "\\r"); break;
      default: g_string_append_c (line, value[i]);
      }
}

static char *
join_columns (PGconn    *pg,
              GPtrArray *columns)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < columns->len; i++)
    {
      g_autofree char *quoted = quote_ident (pg, g_ptr_array_index (columns, i));

      g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", quoted);
    }
  return g_string_free (list, FALSE);
}

/* @what: "DISABLE" or "ENABLE". */
static gboolean
set_stats_triggers (PGconn      *pg,
                    const char  *what,
                    GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (stats_triggers); i += 2)
    {
      g_autofree char *sql = g_strdup_printf ("ALTER TABLE %s %s TRIGGER %s", stats_triggers[i],
                                              what, stats_triggers[i + 1]);

      if (!pg_exec (pg, sql, _("copy the supervision figures"), error))
        return FALSE;
    }
  return TRUE;
}

/* The tables of the SQLite file, and which of them PostgreSQL keeps. */
static gboolean
find_tables (sqlite3     *db,
             PGconn      *pg,
             GPtrArray   *tables,
             GPtrArray   *kept_local,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) list = NULL;
  const char *doing = _("read the tables of the SQLite file");

  if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                              " AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &list,
                          NULL) != SQLITE_OK)
    return hall_sqlite_set_error (error, db, doing);
  for (int rc; (rc = sqlite3_step (list)) != SQLITE_DONE; )
    {
      const char *name = (const char *) sqlite3_column_text (list, 0);
      const char *params[] = { name };
      g_autoptr(PGresult) pg_columns = NULL;
      g_autoptr(sqlite3_stmt) info = NULL;
      g_autofree char *info_sql = NULL;
      g_autoptr(Table) table = NULL;
      g_autoptr(GPtrArray) pk = NULL;

      if (rc != SQLITE_ROW)
        return hall_sqlite_set_error (error, db, doing);
      pg_columns = pg_query (pg, "SELECT column_name, data_type, is_nullable = 'YES',"
                                 " coalesce (column_default, '')"
                                 " FROM information_schema.columns"
                                 " WHERE table_schema = current_schema () AND table_name = $1",
                             1, params, _("read the tables of the PostgreSQL database"), error);
      if (pg_columns == NULL)
        return FALSE;
      if (PQntuples (pg_columns) == 0)
        {
          g_ptr_array_add (kept_local, g_strdup (name));
          continue;
        }

      table = g_new0 (Table, 1);
      table->name = g_strdup (name);
      table->columns = g_ptr_array_new_with_free_func (g_free);
      table->pg_types = g_ptr_array_new_with_free_func (g_free);
      table->key = g_ptr_array_new_with_free_func (g_free);
      table->serials = g_ptr_array_new_with_free_func (g_free);
      pk = g_ptr_array_new_full (4, g_free);
      info_sql = sqlite3_mprintf ("PRAGMA table_info (%Q)", name);
      if (sqlite3_prepare_v2 (db, info_sql, -1, &info, NULL) != SQLITE_OK)
        {
          sqlite3_free (g_steal_pointer (&info_sql));
          return hall_sqlite_set_error (error, db, doing);
        }
      sqlite3_free (g_steal_pointer (&info_sql));
      while (sqlite3_step (info) == SQLITE_ROW)
        {
          const char *column = (const char *) sqlite3_column_text (info, 1);
          int pk_index = sqlite3_column_int (info, 5);
          const char *pg_type = NULL;

          for (int r = 0; r < PQntuples (pg_columns); r++)
            if (g_str_equal (PQgetvalue (pg_columns, r, 0), column))
              pg_type = PQgetvalue (pg_columns, r, 1);
          if (pg_type == NULL)
            {
              g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SCHEMA,
                           _("The PostgreSQL table %s has no column %s, which the SQLite "
                             "file has: the two schemas are of different versions of the "
                             "server"), name, column);
              return FALSE;
            }
          g_ptr_array_add (table->columns, g_strdup (column));
          g_ptr_array_add (table->pg_types, g_strdup (pg_type));
          if (pk_index > 0)
            {
              while (pk->len < (guint) pk_index)
                g_ptr_array_add (pk, NULL);
              g_free (g_ptr_array_index (pk, pk_index - 1));
              g_ptr_array_index (pk, pk_index - 1) = g_strdup (column);
            }
        }
      /* A PostgreSQL column the SQLite table lacks must fill itself. */
      for (int r = 0; r < PQntuples (pg_columns); r++)
        {
          const char *column = PQgetvalue (pg_columns, r, 0);
          const char *fallback = PQgetvalue (pg_columns, r, 3);
          gboolean known = FALSE;

          for (guint c = 0; c < table->columns->len; c++)
            known = known || g_str_equal (g_ptr_array_index (table->columns, c), column);
          if (g_str_has_prefix (fallback, "nextval("))
            g_ptr_array_add (table->serials, g_strdup (column));
          if (!known && *fallback == '\0' && g_str_equal (PQgetvalue (pg_columns, r, 2), "f"))
            {
              g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SCHEMA,
                           _("The PostgreSQL table %s needs a value in its column %s, which "
                             "the SQLite file does not have: the two schemas are of "
                             "different versions of the server"), name, column);
              return FALSE;
            }
        }
      if (pk->len > 0)
        for (guint k = 0; k < pk->len; k++)
          g_ptr_array_add (table->key, g_strdup (g_ptr_array_index (pk, k)));
      else
        for (guint c = 0; c < table->columns->len; c++)
          g_ptr_array_add (table->key, g_strdup (g_ptr_array_index (table->columns, c)));
      g_ptr_array_add (tables, g_steal_pointer (&table));
    }
  return TRUE;
}

/* Refuses a database that holds anything of a hall. */
static gboolean
check_empty (PGconn     *pg,
             GPtrArray  *tables,
             GError    **error)
{
  g_autoptr(PGresult) names = NULL;
  g_autoptr(GString) full = g_string_new (NULL);

  names = pg_query (pg, "SELECT table_name FROM information_schema.tables"
                        " WHERE table_schema = current_schema () AND table_type = 'BASE TABLE'"
                        " AND table_name <> 'hall_schema' ORDER BY table_name",
                    0, NULL, _("read the tables of the PostgreSQL database"), error);
  if (names == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (names); r++)
    {
      g_autofree char *quoted = quote_ident (pg, PQgetvalue (names, r, 0));
      g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s LIMIT 1", quoted);
      g_autoptr(PGresult) any = pg_query (pg, sql, 0, NULL,
                                          _("look into the PostgreSQL database"), error);

      if (any == NULL)
        return FALSE;
      if (PQntuples (any) > 0)
        g_string_append_printf (full, "%s%s", full->len > 0 ? ", " : "",
                                PQgetvalue (names, r, 0));
    }
  if (full->len > 0)
    {
      g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT,
                   _("The PostgreSQL database %s is not empty (%s hold rows): nothing was "
                     "copied. Copy into a new, empty database."), PQdb (pg), full->str);
      return FALSE;
    }
  return TRUE;
}

static gboolean
copy_table (sqlite3     *db,
            PGconn      *pg,
            Table       *table,
            GError     **error)
{
  g_autofree char *columns = join_columns (pg, table->columns);
  g_autofree char *quoted = quote_ident (pg, table->name);
  g_autofree char *copy_sql = g_strdup_printf ("COPY %s (%s) FROM STDIN", quoted, columns);
  g_autofree char *select_sql = NULL;
  g_autofree char *doing = g_strdup_printf (_("copy the table %s"), table->name);
  g_autoptr(sqlite3_stmt) rows = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GString) line = g_string_sized_new (4096);
  int rc;

  result = PQexec (pg, copy_sql);
  if (PQresultStatus (result) != PGRES_COPY_IN)
    return set_pg_error (error, pg, doing);
  g_clear_pointer (&result, PQclear);

  /* In the order the rows were written (rowid), so that a column that
   * PostgreSQL numbers itself keeps that order; a table WITHOUT ROWID
   * (the stats_ tables) numbers nothing and goes in the order of its key. */
  select_sql = g_strdup_printf ("SELECT %s FROM \"%s\" ORDER BY rowid", columns, table->name);
  if (sqlite3_prepare_v2 (db, select_sql, -1, &rows, NULL) != SQLITE_OK
      && table->serials->len == 0 && table->key->len > 0)
    {
      g_autoptr(GString) key = g_string_new (NULL);

      for (guint k = 0; k < table->key->len; k++)
        g_string_append_printf (key, "%s\"%s\"", k > 0 ? ", " : "",
                                (char *) g_ptr_array_index (table->key, k));
      g_free (select_sql);
      select_sql = g_strdup_printf ("SELECT %s FROM \"%s\" ORDER BY %s", columns, table->name,
                                    key->str);
      sqlite3_prepare_v2 (db, select_sql, -1, &rows, NULL);
    }
  if (rows == NULL)
    {
      PQputCopyEnd (pg, "cannot read the SQLite table");
      g_clear_pointer (&result, PQclear);
      while ((result = PQgetResult (pg)) != NULL)
        g_clear_pointer (&result, PQclear);
      return hall_sqlite_set_error (error, db, doing);
    }
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      g_string_truncate (line, 0);
      for (guint c = 0; c < table->columns->len; c++)
        {
          gsize length;
          g_autofree char *value = sqlite_value_text (rows, c, &length);

          if (c > 0)
            g_string_append_c (line, '\t');
          append_copy_field (line, value, length);
        }
      g_string_append_c (line, '\n');
      if (PQputCopyData (pg, line->str, line->len) != 1)
        return set_pg_error (error, pg, doing);
      table->rows++;
    }
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, db, doing);
      PQputCopyEnd (pg, "cannot read the SQLite table");
      while ((result = PQgetResult (pg)) != NULL)
        g_clear_pointer (&result, PQclear);
      return FALSE;
    }
  if (PQputCopyEnd (pg, NULL) != 1)
    return set_pg_error (error, pg, doing);
  result = PQgetResult (pg);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      set_pg_error (error, pg, doing);
      g_clear_pointer (&result, PQclear);
      while ((result = PQgetResult (pg)) != NULL)
        g_clear_pointer (&result, PQclear);
      return FALSE;
    }
  g_clear_pointer (&result, PQclear);
  while ((result = PQgetResult (pg)) != NULL)
    g_clear_pointer (&result, PQclear);

  /* What PostgreSQL numbers next must follow what was copied. */
  for (guint s = 0; s < table->serials->len; s++)
    {
      const char *column = g_ptr_array_index (table->serials, s);
      g_autofree char *quoted_column = quote_ident (pg, column);
      g_autofree char *sql = g_strdup_printf ("SELECT setval (pg_get_serial_sequence ($1, $2),"
                                              " max (%s)) FROM %s HAVING max (%s) IS NOT NULL",
                                              quoted_column, quoted, quoted_column);
      const char *params[] = { quoted, column };
      g_autoptr(PGresult) set = pg_query (pg, sql, 2, params, doing, error);

      if (set == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The hash of @table in SQLite (from the copy's snapshot). */
static char *
sqlite_table_hash (sqlite3     *db,
                   PGconn      *pg,
                   Table       *table,
                   gint64      *rows_out,
                   GError     **error)
{
  g_autofree char *columns = join_columns (pg, table->columns);
  g_autofree char *key = join_columns (pg, table->key);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"%s\" ORDER BY %s", columns,
                                          table->name, key);
  g_autofree char *doing = g_strdup_printf (_("check the copy of the table %s"), table->name);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(sqlite3_stmt) rows = NULL;
  int rc;

  *rows_out = 0;
  if (sqlite3_prepare_v2 (db, sql, -1, &rows, NULL) != SQLITE_OK)
    {
      hall_sqlite_set_error (error, db, doing);
      return NULL;
    }
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      for (guint c = 0; c < table->columns->len; c++)
        {
          gsize length;
          g_autofree char *value = sqlite_value_text (rows, c, &length);

          hash_value (checksum, (const guchar *) value, length);
        }
      (*rows_out)++;
    }
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, db, doing);
      return NULL;
    }
  return g_strdup (g_checksum_get_string (checksum));
}

/* The hash of @table in PostgreSQL, inside the copy's transaction. */
static char *
pg_table_hash (PGconn      *pg,
               Table       *table,
               gint64      *rows_out,
               GError     **error)
{
  g_autoptr(GString) select = g_string_new ("SELECT ");
  g_autoptr(GString) order = g_string_new (NULL);
  g_autofree char *quoted = quote_ident (pg, table->name);
  g_autofree char *doing = g_strdup_printf (_("check the copy of the table %s"), table->name);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gboolean failed = FALSE;
  PGresult *result;

  *rows_out = 0;
  for (guint c = 0; c < table->columns->len; c++)
    {
      g_autofree char *column = quote_ident (pg, g_ptr_array_index (table->columns, c));

      /* SQLite keeps a boolean as 0 or 1. */
      if (g_str_equal (g_ptr_array_index (table->pg_types, c), "boolean"))
        g_string_append_printf (select, "%s%s::int", c > 0 ? ", " : "", column);
      else
        g_string_append_printf (select, "%s%s", c > 0 ? ", " : "", column);
    }
  for (guint k = 0; k < table->key->len; k++)
    {
      const char *name = g_ptr_array_index (table->key, k);
      g_autofree char *column = quote_ident (pg, name);
      const char *type = NULL;

      for (guint c = 0; c < table->columns->len; c++)
        if (g_str_equal (g_ptr_array_index (table->columns, c), name))
          type = g_ptr_array_index (table->pg_types, c);
      g_string_append_printf (order, "%s%s%s", k > 0 ? ", " : "", column,
                              g_strcmp0 (type, "text") == 0
                              || g_strcmp0 (type, "character varying") == 0
                              ? " COLLATE \"C\"" : "");
    }
  g_string_append_printf (select, " FROM %s ORDER BY %s", quoted, order->str);
  if (!PQsendQuery (pg, select->str) || !PQsetSingleRowMode (pg))
    {
      set_pg_error (error, pg, doing);
      return NULL;
    }
  while ((result = PQgetResult (pg)) != NULL)
    {
      ExecStatusType status = PQresultStatus (result);

      if (status == PGRES_SINGLE_TUPLE)
        {
          for (guint c = 0; c < table->columns->len; c++)
            hash_value (checksum,
                        PQgetisnull (result, 0, c) ? NULL
                        : (const guchar *) PQgetvalue (result, 0, c),
                        PQgetlength (result, 0, c));
          (*rows_out)++;
        }
      else if (status != PGRES_TUPLES_OK && !failed)
        {
          set_pg_error (error, pg, doing);
          failed = TRUE;
        }
      PQclear (result);
    }
  if (failed)
    return NULL;
  return g_strdup (g_checksum_get_string (checksum));
}

GPtrArray *
hall_server_copy_to_postgres (const char  *sqlite_path,
                              const char  *uri,
                              GError     **error)
{
  g_autoptr(HallServerSqlite) sqlite = NULL;
  g_autoptr(HallServerPostgres) postgres = NULL;
  g_autoptr(HallSqliteConn) conn = NULL;
  g_autoptr(PGconn) pg = NULL;
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func ((GDestroyNotify) table_free);
  g_autoptr(GPtrArray) kept_local = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) report = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) lock = g_string_new ("LOCK TABLE ");
  sqlite3 *db;

  if (!g_file_test (sqlite_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                   _("There is no hall to copy: %s does not exist"), sqlite_path);
      return NULL;
    }
  /* Both brought to this server's schema first, so that they agree. */
  sqlite = hall_server_sqlite_new (sqlite_path, error);
  if (sqlite == NULL)
    return NULL;
  postgres = hall_server_postgres_new (uri, error);
  if (postgres == NULL)
    return NULL;
  conn = hall_sqlite_conn_open (sqlite_path, HALL_SQLITE_OPEN_READ_ONLY, error);
  if (conn == NULL)
    return NULL;
  db = hall_sqlite_conn_get_db (conn);
  pg = hall_server_postgres_connect (uri);
  if (PQstatus (pg) != CONNECTION_OK)
    {
      set_pg_error (error, pg, _("connect to the PostgreSQL database"));
      return NULL;
    }

  /* One snapshot of the SQLite file for the copy and its check: the
   * first read of the transaction fixes it, and a server writing to the
   * file meanwhile is not waited for (WAL). */
  if (!hall_sqlite_conn_exec (conn, "BEGIN", _("read the SQLite file"), error)
      || !pg_exec (pg, "BEGIN ISOLATION LEVEL REPEATABLE READ",
                   _("start the copy in PostgreSQL"), error)
      || !find_tables (db, pg, tables, kept_local, error))
    goto fail;
  if (tables->len == 0)
    {
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SCHEMA,
                   _("The PostgreSQL database %s has none of the tables of the SQLite file"),
                   PQdb (pg));
      goto fail;
    }
  /* No server writes into the target while the copy runs. */
  for (guint t = 0; t < tables->len; t++)
    {
      g_autofree char *quoted = quote_ident (pg, ((Table *) g_ptr_array_index (tables, t))->name);

      g_string_append_printf (lock, "%s%s", t > 0 ? ", " : "", quoted);
    }
  g_string_append (lock, " IN EXCLUSIVE MODE NOWAIT");
  if (!pg_exec (pg, lock->str, _("lock the tables of the PostgreSQL database (is a server "
                                 "running on it?)"), error)
      || !check_empty (pg, tables, error))
    goto fail;

  /* The supervision figures' tables (stats_) are copied as they are, like
   * the others: their triggers, which would count the copied cases and
   * events into them a second time, wait until the copy is in. */
  if (!set_stats_triggers (pg, "DISABLE", error))
    goto fail;
  for (guint t = 0; t < tables->len; t++)
    {
      Table *table = g_ptr_array_index (tables, t);

      if (!copy_table (db, pg, table, error))
        goto fail;
    }
  if (!set_stats_triggers (pg, "ENABLE", error))
    goto fail;
  /* The change feed's numbers come from a sequence of their own. */
  if (!pg_exec (pg, "SELECT setval ('changes_seq', max (seq)) FROM changes"
                    " HAVING max (seq) IS NOT NULL",
                _("continue the change feed's numbering"), error))
    goto fail;
  /* The copied figures count every copied change: fed up to the last. */
  if (!pg_exec (pg, "INSERT INTO stats_fed (seq) SELECT max (seq) FROM changes"
                    " HAVING max (seq) IS NOT NULL"
                    " ON CONFLICT (one) DO UPDATE SET seq = excluded.seq",
                _("copy the supervision figures"), error))
    goto fail;

  for (guint t = 0; t < tables->len; t++)
    {
      Table *table = g_ptr_array_index (tables, t);
      g_autofree char *source = NULL;
      g_autofree char *target = NULL;
      gint64 source_rows, target_rows;

      source = sqlite_table_hash (db, pg, table, &source_rows, error);
      if (source == NULL)
        goto fail;
      target = pg_table_hash (pg, table, &target_rows, error);
      if (target == NULL)
        goto fail;
      if (source_rows != table->rows || target_rows != source_rows
          || !g_str_equal (source, target))
        {
          g_autofree char *there = g_strdup_printf ("%" G_GINT64_FORMAT, source_rows);
          g_autofree char *here = g_strdup_printf ("%" G_GINT64_FORMAT, target_rows);

          g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SQL,
                       _("The copy of the table %s differs from the SQLite file (%s rows and "
                         "sha256 %s there, %s rows and sha256 %s copied): nothing was copied"),
                       table->name, there, source, here, target);
          goto fail;
        }
      table->hash = g_steal_pointer (&source);
    }
  if (!pg_exec (pg, "COMMIT", _("commit the copy in PostgreSQL"), error))
    goto fail;
  hall_sqlite_conn_exec (conn, "ROLLBACK", _("read the SQLite file"), NULL);

  for (guint t = 0; t < tables->len; t++)
    {
      Table *table = g_ptr_array_index (tables, t);

      g_autofree char *rows = g_strdup_printf ("%" G_GINT64_FORMAT, table->rows);

      g_ptr_array_add (report,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %s row, sha256 %s",
                                                     "%s: %s rows, sha256 %s",
                                                     (gulong) table->rows),
                                        table->name, rows, table->hash));
    }
  for (guint t = 0; t < kept_local->len; t++)
    g_ptr_array_add (report, g_strdup_printf (_("%s: not kept in PostgreSQL; stays in %s"),
                                              (char *) g_ptr_array_index (kept_local, t),
                                              sqlite_path));
  return g_steal_pointer (&report);

fail:
  pg_exec (pg, "ROLLBACK", _("roll back the copy"), NULL);
  hall_sqlite_conn_exec (conn, "ROLLBACK", _("read the SQLite file"), NULL);
  return NULL;
}
