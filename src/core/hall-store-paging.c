/* hall-store-paging.c — the list of cases, page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hall-store-paging.h"
#include "hall-store-private.h"

struct _HallStorePager
{
  HallSqliteConn *conn;
};

/* The statements that walk the list in one order, each through the index
 * that holds the order's terms, so that a page is a seek and a short walk
 * and no query sorts. A connection keeps one statement per text: no two
 * of one order are the same text, so a read may hold one while it runs
 * another. */
typedef struct
{
  guint       n_terms;
  const char *top_page;      /* ?1 limit, ?2 skip */
  const char *anchor_page;   /* the same from the position ?3… on */
  const char *bottom_page;   /* the same counted from the last case, backwards */
  const char *all;           /* every position, in the order */
  const char *first;         /* the first position (a text of its own: a
                              * page's statement is still held when the
                              * head is read beside it) */
  const char *count_before;  /* how many before the position ?1… */
} ListOrder;

#define LIST_ORDER(n, terms, index, forward, backward, at_or_after, before, params_3, params_1) \
  {                                                                             \
    n,                                                                          \
    "SELECT " terms " FROM cases INDEXED BY " index                             \
    " ORDER BY " forward " LIMIT ?1 OFFSET ?2",                                 \
    "SELECT " terms " FROM cases INDEXED BY " index                             \
    " WHERE (" terms ") " at_or_after " " params_3                              \
    " ORDER BY " forward " LIMIT ?1 OFFSET ?2",                                 \
    "SELECT " terms " FROM cases INDEXED BY " index                             \
    " ORDER BY " backward " LIMIT ?1 OFFSET ?2",                                \
    "SELECT " terms " FROM cases INDEXED BY " index " ORDER BY " forward,      \
    "SELECT " terms " FROM cases INDEXED BY " index " ORDER BY " forward " LIMIT 1", \
    "SELECT count(*) FROM cases INDEXED BY " index                              \
    " WHERE (" terms ") " before " " params_1,                                  \
  }

static const ListOrder list_orders[] = {
  [HALL_CASE_SORT_NEWEST] = LIST_ORDER (2, "created_at, id", "cases_created",
                                        "created_at DESC, id DESC", "created_at, id",
                                        "<=", ">", "(?3, ?4)", "(?1, ?2)"),
  [HALL_CASE_SORT_OLDEST] = LIST_ORDER (2, "created_at, id", "cases_created",
                                        "created_at, id", "created_at DESC, id DESC",
                                        ">=", "<", "(?3, ?4)", "(?1, ?2)"),
  [HALL_CASE_SORT_DUE] = LIST_ORDER (3, "due_rank, promised_at, id", "cases_due",
                                     "due_rank, promised_at, id",
                                     "due_rank DESC, promised_at DESC, id DESC",
                                     ">=", "<", "(?3, ?4, ?5)", "(?1, ?2, ?3)"),
};

G_STATIC_ASSERT (G_N_ELEMENTS (list_orders) == HALL_CASE_SORT_LAST + 1);

static const ListOrder *
list_order (HallCaseSort sort)
{
  g_return_val_if_fail (sort <= HALL_CASE_SORT_LAST, &list_orders[HALL_CASE_SORT_NEWEST]);
  return &list_orders[sort];
}

gboolean
_hall_store_position_equal (const HallStorePosition *a,
                            const HallStorePosition *b)
{
  return memcmp (a->terms, b->terms, sizeof a->terms) == 0;
}

/* The row id: the last of the order's terms. */
static gint64
position_id (const ListOrder         *order,
             const HallStorePosition *position)
{
  return position->terms[order->n_terms - 1];
}

static void
bind_position (HallSqliteStmt          *stmt,
               const ListOrder         *order,
               int                      first,
               const HallStorePosition *position)
{
  for (guint i = 0; i < order->n_terms; i++)
    sqlite3_bind_int64 (stmt, first + i, position->terms[i]);
}

/* Positions read from a statement's rows into a GArray. */
typedef struct
{
  const ListOrder *order;
  GArray          *positions;
  gboolean         prepend;
} PositionRows;

static void
take_position (HallSqliteStmt *stmt,
               gpointer        data)
{
  PositionRows *rows = data;
  HallStorePosition position = { { 0 } };

  for (guint i = 0; i < rows->order->n_terms; i++)
    position.terms[i] = sqlite3_column_int64 (stmt, i);
  if (rows->prepend)
    g_array_prepend_val (rows->positions, position);
  else
    g_array_append_val (rows->positions, position);
}

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

typedef struct
{
  const ListOrder         *order;
  const HallStorePosition *old_top;
  HallStoreListHead       *head;
} HeadRead;

typedef struct
{
  const ListOrder         *order;
  const HallStorePosition *anchor;
  gboolean                 from_bottom;
  guint                    skip;
  guint                    limit;
  GArray                  *positions;  /* of HallStorePosition, in the order */
  HallStoreListHead       *head;
  GPtrArray               *cases;
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
  PositionRows rows = { read->order, read->positions, read->from_bottom };
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GArray) ids = NULL;

  if (read->from_bottom)
    stmt = hall_sqlite_conn_prepare (reader, read->order->bottom_page, error);
  else if (read->anchor != NULL)
    stmt = hall_sqlite_conn_prepare (reader, read->order->anchor_page, error);
  else
    stmt = hall_sqlite_conn_prepare (reader, read->order->top_page, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, read->limit);
  sqlite3_bind_int64 (stmt, 2, read->skip);
  if (read->anchor != NULL && !read->from_bottom)
    bind_position (stmt, read->order, 3, read->anchor);
  if (!_hall_store_step_rows (stmt, take_position, &rows, _("read the list of cases"), error))
    return FALSE;
  if (read->head != NULL)
    {
      HeadRead head = { read->order, NULL, read->head };

      if (!read_list_head (reader, &head, error))
        return FALSE;
    }

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), read->positions->len);
  for (guint i = 0; i < read->positions->len; i++)
    {
      gint64 id = position_id (read->order,
                               &g_array_index (read->positions, HallStorePosition, i));

      g_array_append_val (ids, id);
    }
  read->cases = _hall_store_read_cases_by_id (reader, (gint64 *) ids->data, ids->len, error);
  return read->cases != NULL;
}

static GPtrArray *
fetch_page (HallStore               *self,
            HallStorePager          *pager,
            HallCaseSort             sort,
            const HallStorePosition *anchor,
            gboolean                 from_bottom,
            guint                    skip,
            guint                    limit,
            GArray                  *keys_out,
            HallStoreListHead       *head_out,
            GError                 **error)
{
  g_autoptr (GArray) positions = g_array_sized_new (FALSE, FALSE, sizeof (HallStorePosition),
                                                    limit);
  PageRead read = { list_order (sort), anchor, from_bottom, skip, limit, positions, head_out,
                    NULL };

  pager_read (self, pager, read_page, &read, error);
  /* The positions read, even when the cases could not be. */
  if (keys_out != NULL)
    g_array_append_vals (keys_out, positions->data, positions->len);
  return read.cases;
}

GPtrArray *
_hall_store_fetch_page (HallStore               *self,
                        HallStorePager          *pager,
                        HallCaseSort             sort,
                        const HallStorePosition *anchor,
                        guint                    skip,
                        guint                    limit,
                        GArray                  *keys_out,
                        HallStoreListHead       *head_out,
                        GError                 **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  return fetch_page (self, pager, sort, anchor, FALSE, skip, limit, keys_out, head_out, error);
}

GPtrArray *
_hall_store_fetch_page_from_bottom (HallStore          *self,
                                    HallStorePager     *pager,
                                    HallCaseSort        sort,
                                    guint               skip,
                                    guint               limit,
                                    GArray             *keys_out,
                                    HallStoreListHead  *head_out,
                                    GError            **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  return fetch_page (self, pager, sort, NULL, TRUE, skip, limit, keys_out, head_out, error);
}

typedef struct
{
  const ListOrder *order;
  guint            interval;
  guint           *n_cases_out;
  GCancellable    *cancellable;
  GArray          *marks;
} MarksRead;

/* The count and the positions from the same snapshot. */
static gboolean
read_marks (HallSqliteConn  *reader,
            gpointer         data,
            GError         **error)
{
  MarksRead *read = data;
  PositionRows rows = { read->order, read->marks, FALSE };
  g_autoptr (HallSqliteStmt) count = NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  guint rank = 0;
  int rc;

  count = hall_sqlite_conn_prepare (reader, "SELECT n FROM counts WHERE name = 'cases'", error);
  if (count == NULL)
    return FALSE;
  if (sqlite3_step (count) == SQLITE_ROW)
    *read->n_cases_out = sqlite3_column_int64 (count, 0);
  stmt = hall_sqlite_conn_prepare (reader, read->order->all, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (rank % read->interval == 0)
        {
          take_position (stmt, &rows);
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
                        HallCaseSort    sort,
                        guint           interval,
                        guint         *n_cases_out,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr (GArray) marks = g_array_new (FALSE, FALSE, sizeof (HallStorePosition));
  MarksRead read = { list_order (sort), interval, n_cases_out, cancellable, marks };

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (interval > 0, NULL);

  if (!pager_read (self, pager, read_marks, &read, error))
    return NULL;
  return g_steal_pointer (&marks);
}

static gboolean
read_list_head (HallSqliteConn  *reader,
                gpointer         data,
                GError         **error)
{
  HeadRead *read = data;
  PositionRows rows = { read->order, NULL, FALSE };
  g_autoptr (HallSqliteStmt) count = NULL;
  g_autoptr (HallSqliteStmt) moves = NULL;
  g_autoptr (HallSqliteStmt) top = NULL;
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (HallStorePosition));
  gint64 n = 0;

  count = hall_sqlite_conn_prepare (reader, "SELECT n FROM counts WHERE name = 'cases'", error);
  if (count == NULL
      || !_hall_store_step_rows (count, _hall_store_take_int64, &n, _("count the cases"), error))
    return FALSE;
  read->head->n_cases = n;
  moves = hall_sqlite_conn_prepare (reader, "SELECT n FROM counts WHERE name = 'due_moves'",
                                    error);
  read->head->moves = 0;
  if (moves == NULL
      || !_hall_store_step_rows (moves, _hall_store_take_int64, &read->head->moves,
                                 _("count the cases"), error))
    return FALSE;

  rows.positions = positions;
  top = hall_sqlite_conn_prepare (reader, read->order->first, error);
  if (top == NULL
      || !_hall_store_step_rows (top, take_position, &rows, _("read the list of cases"), error))
    return FALSE;
  read->head->has_top = positions->len > 0;
  if (read->head->has_top)
    read->head->top = g_array_index (positions, HallStorePosition, 0);

  read->head->added = 0;
  if (read->old_top != NULL)
    {
      g_autoptr (HallSqliteStmt) before = NULL;
      gint64 added = 0;

      before = hall_sqlite_conn_prepare (reader, read->order->count_before, error);
      if (before == NULL)
        return FALSE;
      bind_position (before, read->order, 1, read->old_top);
      if (!_hall_store_step_rows (before, _hall_store_take_int64, &added,
                                  _("count the cases before a position in the list"), error))
        return FALSE;
      read->head->added = added;
    }
  return TRUE;
}

gboolean
_hall_store_read_list_head (HallStore               *self,
                            HallCaseSort             sort,
                            const HallStorePosition *old_top,
                            HallStoreListHead       *head_out,
                            GError                 **error)
{
  HeadRead read = { list_order (sort), old_top, head_out };

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
  return _hall_store_fetch_page (self, NULL, HALL_CASE_SORT_NEWEST, NULL, offset, limit, NULL,
                                 NULL, error);
}
