/* hall-store-paging.c — the list of cases, page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-store-paging.h"
#include "hall-store-private.h"

guint
hall_store_count_cases (HallStore *self)
{
  g_return_val_if_fail (HALL_IS_STORE (self), 0);

  /* Kept by triggers: counting a million rows would take tens of ms. */
  return _hall_store_count_query (self, "SELECT n FROM counts WHERE name = 'cases'",
                                  _("count the cases"));
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
  HallSqliteConn *conn;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  conn = _hall_store_reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    /* Only the index is walked to find the page; whole rows are read for
     * the page alone. */
    g_autoptr (HallSqliteStmt) stmt = NULL;

    if (anchor != NULL)
      stmt = hall_sqlite_conn_prepare (conn,
                                       "SELECT created_at, id FROM cases INDEXED BY cases_created"
                                       " WHERE (created_at, id) <= (?3, ?4)"
                                       " ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2",
                                       error);
    else
      stmt = hall_sqlite_conn_prepare (conn,
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
          hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the list of cases"));
      }
  }
  if (rc == SQLITE_DONE)
    cases = _hall_store_read_cases_by_id (conn, (gint64 *) ids->data, ids->len, error);
  _hall_store_reader_release (self, conn);
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
  HallSqliteConn *conn;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  conn = _hall_store_reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    g_autoptr (HallSqliteStmt) stmt = NULL;

    stmt = hall_sqlite_conn_prepare (conn,
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
          hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the list of cases"));
      }
  }
  if (rc == SQLITE_DONE)
    cases = _hall_store_read_cases_by_id (conn, (gint64 *) ids->data, ids->len, error);
  _hall_store_reader_release (self, conn);
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
  HallSqliteConn *conn;
  int rc = SQLITE_ERROR;
  guint rank = 0;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (interval > 0, NULL);

  conn = _hall_store_reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  {
    /* The count and the keys from the same snapshot. */
    g_autoptr (HallSqliteStmt) count = hall_sqlite_conn_prepare (conn,
                                                                 "SELECT n FROM counts"
                                                                 " WHERE name = 'cases'",
                                                                 error);
    g_autoptr (HallSqliteStmt) stmt = NULL;

    if (count != NULL && sqlite3_step (count) == SQLITE_ROW)
      *n_cases_out = sqlite3_column_int64 (count, 0);
    stmt = count == NULL ? NULL
                         : hall_sqlite_conn_prepare (conn,
                                                     "SELECT created_at, id FROM cases"
                                                     " INDEXED BY cases_created"
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
          hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the list of cases"));
      }
  }
  _hall_store_reader_release (self, conn);
  return rc == SQLITE_DONE ? g_steal_pointer (&marks) : NULL;
}

guint
_hall_store_count_newer (HallStore          *self,
                         const HallStoreKey *key)
{
  g_autoptr (GError) error = NULL;
  HallSqliteConn *conn = _hall_store_reader_acquire (self, &error);
  guint n = 0;

  if (conn == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }
  {
    g_autoptr (HallSqliteStmt) stmt = hall_sqlite_conn_prepare (conn,
                                                                "SELECT count(*) FROM cases"
                                                                " INDEXED BY cases_created"
                                                                " WHERE (created_at, id) > (?1,"
                                                                " ?2)",
                                                                &error);
    if (stmt == NULL)
      g_warning ("%s", error->message);
    else
      {
        sqlite3_bind_int64 (stmt, 1, key->created_at);
        sqlite3_bind_int64 (stmt, 2, key->id);
        if (_hall_store_step_row_or_warn (stmt,
                                          _("count the cases before a position in the list")))
          n = sqlite3_column_int64 (stmt, 0);
      }
  }
  _hall_store_reader_release (self, conn);
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
