/* hall-store-paging.c — the list of cases, page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-store-paging.h"
#include "hall-store-private.h"

struct _HallStorePager
{
  HallSqliteConn *conn;
};

HallStorePager *
_hall_store_pager_new (HallStore  *self,
                       GError    **error)
{
  g_autoptr (HallStorePager) pager = g_new0 (HallStorePager, 1);

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  pager->conn = hall_sqlite_conn_open (self->path, HALL_SQLITE_OPEN_READ_ONLY, error);
  if (pager->conn == NULL
      || !hall_sqlite_conn_exec (pager->conn, "PRAGMA cache_size = -1024", _("open a reader"),
                                 error))
    return NULL;
  return g_steal_pointer (&pager);
}

void
_hall_store_pager_free (HallStorePager *pager)
{
  g_clear_pointer (&pager->conn, hall_sqlite_conn_free);
  g_free (pager);
}

/* @func in one read transaction on @pager's connection, or on a shared
 * reader when @pager is NULL. */
static gboolean
pager_read (HallStore         *self,
            HallStorePager    *pager,
            HallStoreReadFunc  func,
            gpointer           data,
            GError           **error)
{
  gboolean ok;

  if (pager == NULL)
    return _hall_store_read (self, func, data, error);
  if (!hall_sqlite_conn_exec (pager->conn, "BEGIN", _("start reading"), error))
    return FALSE;
  ok = func (pager->conn, data, error);
  sqlite3_exec (hall_sqlite_conn_get_db (pager->conn), "COMMIT", NULL, NULL, NULL);
  return ok;
}

guint
hall_store_count_cases (HallStore *self)
{
  g_return_val_if_fail (HALL_IS_STORE (self), 0);

  /* Kept by triggers: counting a million rows would take tens of ms. */
  return _hall_store_count_query (self, "SELECT n FROM counts WHERE name = 'cases'",
                                  _("count the cases"));
}

void
_hall_store_append_key (HallSqliteStmt *stmt,
                        gpointer        keys)
{
  HallStoreKey key = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

  g_array_append_val (keys, key);
}

static void
prepend_key (HallSqliteStmt *stmt,
             gpointer        keys)
{
  HallStoreKey key = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

  g_array_prepend_val (keys, key);
}

typedef struct
{
  const HallStoreKey *old_top;
  HallStoreListHead  *head;
} HeadRead;

typedef struct
{
  const HallStoreKey *anchor;
  gboolean            from_bottom;
  guint               skip;
  guint               limit;
  GArray             *keys;  /* of HallStoreKey, newest first */
  HallStoreListHead  *head;
  GPtrArray          *cases;
} PageRead;

static gboolean read_list_head (HallSqliteConn  *reader,
                                gpointer         data,
                                GError         **error);

/* Only the index is walked to find the page; whole rows are read for the
 * page alone. */
static gboolean
read_page (HallSqliteConn  *reader,
           gpointer         data,
           GError         **error)
{
  PageRead *read = data;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GArray) ids = NULL;

  if (read->from_bottom)
    stmt = hall_sqlite_conn_prepare (reader,
                                     "SELECT created_at, id FROM cases INDEXED BY cases_created"
                                     " ORDER BY created_at, id LIMIT ?1 OFFSET ?2",
                                     error);
  else if (read->anchor != NULL)
    stmt = hall_sqlite_conn_prepare (reader,
                                     "SELECT created_at, id FROM cases INDEXED BY cases_created"
                                     " WHERE (created_at, id) <= (?3, ?4)"
                                     " ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2",
                                     error);
  else
    stmt = hall_sqlite_conn_prepare (reader,
                                     "SELECT created_at, id FROM cases INDEXED BY cases_created"
                                     " ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2",
                                     error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, read->limit);
  sqlite3_bind_int64 (stmt, 2, read->skip);
  if (read->anchor != NULL)
    {
      sqlite3_bind_int64 (stmt, 3, read->anchor->created_at);
      sqlite3_bind_int64 (stmt, 4, read->anchor->id);
    }
  if (!_hall_store_step_rows (stmt, read->from_bottom ? prepend_key : _hall_store_append_key,
                              read->keys, _("read the list of cases"), error))
    return FALSE;
  if (read->head != NULL)
    {
      HeadRead head = { NULL, read->head };

      if (!read_list_head (reader, &head, error))
        return FALSE;
    }

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), read->keys->len);
  for (guint i = 0; i < read->keys->len; i++)
    g_array_append_val (ids, g_array_index (read->keys, HallStoreKey, i).id);
  read->cases = _hall_store_read_cases_by_id (reader, (gint64 *) ids->data, ids->len, error);
  return read->cases != NULL;
}

static GPtrArray *
fetch_page (HallStore          *self,
            HallStorePager     *pager,
            const HallStoreKey *anchor,
            gboolean            from_bottom,
            guint               skip,
            guint               limit,
            GArray             *keys_out,
            HallStoreListHead  *head_out,
            GError            **error)
{
  g_autoptr (GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (HallStoreKey), limit);
  PageRead read = { anchor, from_bottom, skip, limit, keys, head_out, NULL };

  pager_read (self, pager, read_page, &read, error);
  /* The keys read, even when the cases could not be. */
  if (keys_out != NULL)
    g_array_append_vals (keys_out, keys->data, keys->len);
  return read.cases;
}

GPtrArray *
_hall_store_fetch_page (HallStore          *self,
                        HallStorePager     *pager,
                        const HallStoreKey *anchor,
                        guint               skip,
                        guint               limit,
                        GArray             *keys_out,
                        HallStoreListHead  *head_out,
                        GError            **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  return fetch_page (self, pager, anchor, FALSE, skip, limit, keys_out, head_out, error);
}

GPtrArray *
_hall_store_fetch_page_from_bottom (HallStore          *self,
                                    HallStorePager     *pager,
                                    guint               skip,
                                    guint               limit,
                                    GArray             *keys_out,
                                    HallStoreListHead  *head_out,
                                    GError            **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  return fetch_page (self, pager, NULL, TRUE, skip, limit, keys_out, head_out, error);
}

typedef struct
{
  guint         interval;
  guint        *n_cases_out;
  GCancellable *cancellable;
  GArray       *marks;
} MarksRead;

/* The count and the keys from the same snapshot. */
static gboolean
read_marks (HallSqliteConn  *reader,
            gpointer         data,
            GError         **error)
{
  MarksRead *read = data;
  g_autoptr (HallSqliteStmt) count = NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  guint rank = 0;
  int rc;

  count = hall_sqlite_conn_prepare (reader, "SELECT n FROM counts WHERE name = 'cases'", error);
  if (count == NULL)
    return FALSE;
  if (sqlite3_step (count) == SQLITE_ROW)
    *read->n_cases_out = sqlite3_column_int64 (count, 0);
  stmt = hall_sqlite_conn_prepare (reader,
                                   "SELECT created_at, id FROM cases INDEXED BY cases_created"
                                   " ORDER BY created_at DESC, id DESC",
                                   error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (rank % read->interval == 0)
        {
          _hall_store_append_key (stmt, read->marks);
          if (g_cancellable_set_error_if_cancelled (read->cancellable, error))
            return FALSE;
        }
      rank++;
    }
  if (rc != SQLITE_DONE)
    return hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the list of cases"));
  return TRUE;
}

GArray *
_hall_store_scan_marks (HallStore      *self,
                        HallStorePager *pager,
                        guint           interval,
                        guint         *n_cases_out,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr (GArray) marks = g_array_new (FALSE, FALSE, sizeof (HallStoreKey));
  MarksRead read = { interval, n_cases_out, cancellable, marks };

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (interval > 0, NULL);

  if (!pager_read (self, pager, read_marks, &read, error))
    return NULL;
  return g_steal_pointer (&marks);
}

typedef struct
{
  const HallStoreKey *key;
  gint64              n;
} NewerCount;

static gboolean
count_newer (HallSqliteConn  *reader,
             gpointer         data,
             GError         **error)
{
  NewerCount *count = data;
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (reader,
                                   "SELECT count(*) FROM cases INDEXED BY cases_created"
                                   " WHERE (created_at, id) > (?1, ?2)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, count->key->created_at);
  sqlite3_bind_int64 (stmt, 2, count->key->id);
  return _hall_store_step_rows (stmt, _hall_store_take_int64, &count->n,
                                _("count the cases before a position in the list"), error);
}

guint
_hall_store_count_newer (HallStore          *self,
                         const HallStoreKey *key)
{
  g_autoptr (GError) error = NULL;
  NewerCount count = { key, 0 };

  /* A count that fails is logged, not passed off as 0. */
  if (!_hall_store_read (self, count_newer, &count, &error))
    {
      g_warning ("%s", error->message);
      return 0;
    }
  return count.n;
}

static gboolean
read_list_head (HallSqliteConn  *reader,
                gpointer         data,
                GError         **error)
{
  HeadRead *read = data;
  g_autoptr (HallSqliteStmt) count = NULL;
  g_autoptr (HallSqliteStmt) top = NULL;
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (HallStoreKey));
  gint64 n = 0;

  count = hall_sqlite_conn_prepare (reader, "SELECT n FROM counts WHERE name = 'cases'", error);
  if (count == NULL
      || !_hall_store_step_rows (count, _hall_store_take_int64, &n, _("count the cases"), error))
    return FALSE;
  read->head->n_cases = n;

  top = hall_sqlite_conn_prepare (reader,
                                  "SELECT created_at, id FROM cases INDEXED BY cases_created"
                                  " ORDER BY created_at DESC, id DESC LIMIT 1",
                                  error);
  if (top == NULL
      || !_hall_store_step_rows (top, _hall_store_append_key, keys, _("read the list of cases"),
                                 error))
    return FALSE;
  read->head->has_top = keys->len > 0;
  if (read->head->has_top)
    read->head->top = g_array_index (keys, HallStoreKey, 0);

  read->head->added = 0;
  if (read->old_top != NULL)
    {
      NewerCount newer = { read->old_top, 0 };

      if (!count_newer (reader, &newer, error))
        return FALSE;
      read->head->added = newer.n;
    }
  return TRUE;
}

gboolean
_hall_store_read_list_head (HallStore          *self,
                            const HallStoreKey *old_top,
                            HallStoreListHead  *head_out,
                            GError            **error)
{
  HeadRead read = { old_top, head_out };

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (head_out != NULL, FALSE);

  return _hall_store_read (self, read_list_head, &read, error);
}

GPtrArray *
hall_store_fetch_cases (HallStore  *self,
                        guint       offset,
                        guint       limit,
                        GError    **error)
{
  return _hall_store_fetch_page (self, NULL, NULL, offset, limit, NULL, NULL, error);
}
