/* hall-store-filter.c — the list's filters: by state, waiting for the
 * applicant, overdue; alone or over a search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read on a worker (the list model's), never on the main thread. A state
 * is found through cases_state (schema 15), newest first inside each
 * state; waiting and overdue cases are open ones, which a hall has few of
 * next to its closed ones, so they are found among the open states of the
 * same index and tested there. The definitions are those of the
 * end-of-day summary (hall-store-summary.c).
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-case-sort.h"
#include "hall-store-private.h"

#define MISSING                                                                 \
  "EXISTS (SELECT 1 FROM json_each (c.checklist)"                               \
  " WHERE json_extract (value, '$.provided') = 0)"
#define WAITING                                                                 \
  "(c.state = 'returned' OR (c.state IN ('received', 'in_review') AND " MISSING "))"
/* ?1 is the time it is now. */
#define OVERDUE                                                                 \
  "(c.state IN ('received', 'in_review') AND c.promised_at > 0"                 \
  " AND c.promised_at < ?1 AND NOT " MISSING ")"
#define OPEN_STATES                                                             \
  (HALL_CASE_FILTER_STATE (HALL_CASE_RECEIVED) | HALL_CASE_FILTER_STATE (HALL_CASE_IN_REVIEW) \
   | HALL_CASE_FILTER_STATE (HALL_CASE_RETURNED))
#define ALL_STATES ((1u << (HALL_CASE_WITHDRAWN + 1)) - 1)

gboolean
hall_case_filter_is_empty (const HallCaseFilter *filter)
{
  return filter == NULL
         || ((filter->states & ALL_STATES) == 0 && !filter->waiting && !filter->overdue);
}

gboolean
hall_case_filter_equal (const HallCaseFilter *a,
                        const HallCaseFilter *b)
{
  if (hall_case_filter_is_empty (a) || hall_case_filter_is_empty (b))
    return hall_case_filter_is_empty (a) == hall_case_filter_is_empty (b);
  return (a->states & ALL_STATES) == (b->states & ALL_STATES)
         && !a->waiting == !b->waiting && !a->overdue == !b->overdue;
}

/* The condition on cases c that @filter sets, ?1 the time; only the
 * states' fixed names go into the text. */
static char *
filter_condition (const HallCaseFilter *filter)
{
  GString *sql = g_string_new ("");
  guint states = filter->states & ALL_STATES;
  gboolean first = TRUE;

  /* Waiting and overdue cases are open: said at the top level, where the
   * planner sees that the index of the states answers it. */
  if (filter->waiting || filter->overdue)
    states = states == 0 ? OPEN_STATES : states & OPEN_STATES;
  if (states == 0 && (filter->waiting || filter->overdue))
    {
      /* States asked for that are all closed: none can be waiting. */
      g_string_append (sql, "0");
      return g_string_free (sql, FALSE);
    }

  if (states != 0)
    {
      g_string_append (sql, "c.state IN (");
      for (guint i = HALL_CASE_RECEIVED; i <= HALL_CASE_WITHDRAWN; i++)
        if (states & HALL_CASE_FILTER_STATE (i))
          {
            g_string_append_printf (sql, "%s'%s'", first ? "" : ", ",
                                    hall_case_state_to_string (i));
            first = FALSE;
          }
      g_string_append (sql, ")");
    }
  else
    g_string_append (sql, "1");

  if (filter->waiting && filter->overdue)
    g_string_append (sql, " AND (" WAITING " OR " OVERDUE ")");
  else if (filter->waiting)
    g_string_append (sql, " AND " WAITING);
  else if (filter->overdue)
    g_string_append (sql, " AND " OVERDUE);
  return g_string_free (sql, FALSE);
}

typedef struct
{
  char           *query;
  HallCaseFilter  filter;
  HallCaseSort    sort;
  gint64          now;
  guint           limit;
  GCancellable   *cancellable;
  guint           n_matching;
  GPtrArray      *cases;
} FilterRead;

static void
filter_read_free (FilterRead *read)
{
  g_free (read->query);
  g_clear_pointer (&read->cases, g_ptr_array_unref);
  g_free (read);
}

static void
append_id (HallSqliteStmt *stmt,
           gpointer        ids)
{
  gint64 id = sqlite3_column_int64 (stmt, 0);

  g_array_append_val (ids, id);
}

/* The count of the cases in @states (every case for none), from the
 * counts the store's triggers keep. */
static char *
state_count_sql (guint states)
{
  GString *sql;
  gboolean first = TRUE;

  if ((states & ALL_STATES) == 0)
    return g_strdup ("SELECT n FROM counts WHERE name = 'cases'");
  sql = g_string_new ("SELECT coalesce (sum (n), 0) FROM counts WHERE name IN (");
  for (guint i = HALL_CASE_RECEIVED; i <= HALL_CASE_WITHDRAWN; i++)
    if (states & HALL_CASE_FILTER_STATE (i))
      {
        g_string_append_printf (sql, "%s'state:%s'", first ? "" : ", ",
                                hall_case_state_to_string (i));
        first = FALSE;
      }
  g_string_append (sql, ")");
  return g_string_free (sql, FALSE);
}

/* The cases a filter reads, in the list's order: every filter names
 * states (filter_condition ()), and each order has an index of states in
 * it, so the first rows of a state are a seek and a short walk. Left to
 * itself, with two indexes beginning with the state and no statistics,
 * SQLite took either, and sorted a million completed cases in memory
 * (0.3 s) or walked all of cases_due for a state none is in (0.6 s). */
typedef struct
{
  const char *index;
  const char *order_by;
} FilterOrder;

static FilterOrder
filter_order (HallCaseSort sort)
{
  switch (sort)
    {
    case HALL_CASE_SORT_OLDEST:
      return (FilterOrder) { "cases_state", "created_at, id" };
    case HALL_CASE_SORT_DUE:
      return (FilterOrder) { "cases_state_due", "due_rank, promised_at, id" };
    case HALL_CASE_SORT_NEWEST:
    default:
      return (FilterOrder) { "cases_state", "created_at DESC, id DESC" };
    }
}

/* The cases that pass, among every case. */
static gboolean
filter_all (HallSqliteConn       *reader,
            FilterRead           *read,
            const HallCaseFilter *filter,
            const char           *condition,
            GArray               *ids,
            GError              **error)
{
  FilterOrder order = filter_order (read->sort);
  g_autofree char *select = NULL;
  g_autofree char *count = NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (HallSqliteStmt) counter = NULL;
  gint64 n = 0;

  select = g_strconcat ("SELECT c.id FROM cases c INDEXED BY ", order.index, " WHERE ", condition,
                        " ORDER BY ", order.order_by, " LIMIT ?2", NULL);
  stmt = hall_sqlite_conn_prepare (reader, select, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, read->now);
  sqlite3_bind_int64 (stmt, 2, read->limit);
  if (!_hall_store_step_rows (stmt, append_id, ids, _("filter the cases"), error))
    return FALSE;

  /* A page that is not full holds them all. */
  if (ids->len < read->limit)
    {
      read->n_matching = ids->len;
      return TRUE;
    }
  if (!filter->waiting && !filter->overdue)
    count = state_count_sql (filter->states);
  else
    count = g_strconcat ("SELECT count(*) FROM cases c WHERE ", condition, NULL);
  counter = hall_sqlite_conn_prepare (reader, count, error);
  if (counter == NULL)
    return FALSE;
  if (sqlite3_bind_parameter_count (counter) > 0)
    sqlite3_bind_int64 (counter, 1, read->now);
  if (!_hall_store_step_rows (counter, _hall_store_take_int64, &n, _("count the cases"), error))
    return FALSE;
  read->n_matching = n;
  return TRUE;
}

/* The cases that pass, among the newest answers of the search. */
static gboolean
filter_search (HallSqliteConn  *reader,
               FilterRead      *read,
               const char      *condition,
               GArray          *ids,
               GError         **error)
{
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *test = NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;

  if (!_hall_store_search_ids (reader, read->query, HALL_STORE_FILTER_SEARCH_MAX,
                               read->cancellable, found, error))
    return FALSE;
  test = g_strconcat ("SELECT c.id FROM cases c WHERE c.id = ?2 AND ", condition, NULL);
  stmt = hall_sqlite_conn_prepare (reader, test, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, read->now);
  for (guint i = 0; i < found->len; i++)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 2, g_array_index (found, gint64, i));
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (ids->len < read->limit)
            g_array_append_val (ids, g_array_index (found, gint64, i));
          read->n_matching++;
        }
      else if (rc != SQLITE_DONE)
        return hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("filter the cases"));
      sqlite3_reset (stmt);
      if (i % 256 == 0 && g_cancellable_set_error_if_cancelled (read->cancellable, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_filter (HallSqliteConn  *reader,
             gpointer         data,
             GError         **error)
{
  FilterRead *read = data;
  g_autofree char *condition = filter_condition (&read->filter);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean ok;

  read->n_matching = 0;
  if (read->query != NULL && *read->query != '\0')
    ok = filter_search (reader, read, condition, ids, error);
  else
    ok = filter_all (reader, read, &read->filter, condition, ids, error);
  if (!ok)
    return FALSE;
  read->cases = _hall_store_read_cases_by_id (reader, (gint64 *) ids->data, ids->len, error);
  /* A search's answers come newest first: the few that pass are sorted
   * here. */
  if (read->cases != NULL && read->query != NULL && *read->query != '\0'
      && read->sort != HALL_CASE_SORT_NEWEST)
    g_ptr_array_sort_with_data (read->cases, hall_case_sort_compare_in_array,
                                GINT_TO_POINTER (read->sort));
  return read->cases != NULL;
}

static FilterRead *
filter_read_new (const char           *query,
                 const HallCaseFilter *filter,
                 HallCaseSort          sort,
                 gint64                now,
                 guint                 limit)
{
  FilterRead *read = g_new0 (FilterRead, 1);

  read->query = g_strdup (query);
  if (filter != NULL)
    read->filter = *filter;
  read->sort = sort;
  read->now = now;
  read->limit = limit;
  return read;
}

static GPtrArray *
filter_cases (HallStore   *self,
              FilterRead  *read,
              GError     **error)
{
  if (read->limit == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);
  if (!_hall_store_read (self, read_filter, read, error))
    {
      /* Interrupted: said as what it is, not as a database error. */
      if (g_cancellable_is_cancelled (read->cancellable))
        {
          g_clear_error (error);
          g_cancellable_set_error_if_cancelled (read->cancellable, error);
        }
      return NULL;
    }
  return g_steal_pointer (&read->cases);
}

GPtrArray *
hall_store_filter_cases (HallStore            *self,
                         const char           *query,
                         const HallCaseFilter *filter,
                         HallCaseSort          sort,
                         gint64                now,
                         guint                 limit,
                         guint                *n_matching,
                         GError              **error)
{
  FilterRead *read;
  GPtrArray *cases;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  read = filter_read_new (query, filter, sort, now, limit);
  cases = filter_cases (self, read, error);
  if (cases != NULL && n_matching != NULL)
    *n_matching = read->n_matching;
  filter_read_free (read);
  return cases;
}

static void
filter_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FilterRead *read = task_data;
  GError *error = NULL;
  GPtrArray *cases;

  if (g_task_return_error_if_cancelled (task))
    return;
  read->cancellable = cancellable;
  cases = filter_cases (source_object, read, &error);
  if (cases == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cases, (GDestroyNotify) g_ptr_array_unref);
}

void
hall_store_filter_cases_async (HallStore            *self,
                               const char           *query,
                               const HallCaseFilter *filter,
                               HallCaseSort          sort,
                               gint64                now,
                               guint                 limit,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HALL_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_filter_cases_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, filter_read_new (query, filter, sort, now, limit),
                        (GDestroyNotify) filter_read_free);
  g_task_run_in_thread (task, filter_thread);
}

GPtrArray *
hall_store_filter_cases_finish (HallStore     *self,
                                GAsyncResult  *result,
                                guint         *n_matching,
                                GError       **error)
{
  GPtrArray *cases;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_filter_cases_async, NULL);

  cases = g_task_propagate_pointer (G_TASK (result), error);
  if (cases != NULL && n_matching != NULL)
    *n_matching = ((FilterRead *) g_task_get_task_data (G_TASK (result)))->n_matching;
  return cases;
}
