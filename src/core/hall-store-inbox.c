/* hall-store-inbox.c — the cases waiting for an approver's decision
 *
 * The inbox walks the open cases ("received" or "in_review") soonest
 * promised first, on the partial index cases_waiting (schema 11), which
 * holds only open cases: a counter's million closed cases are never read.
 * Each open case's decisions are read (case_events_case) and the catalog's
 * rule (hall-workflow.h) says which step, if any, the official may decide
 * now; the walk stops at @limit such cases. Everything is read in one
 * snapshot on a reader, so a decision being written never shows half.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-store-private.h"

/* Open cases read from the index at a time. */
#define INBOX_BATCH 256

typedef gboolean (*InboxVisitFunc) (HallCase     *kase,
                                    HallWorkflow *workflow,
                                    gpointer      data);

typedef struct
{
  HallCatalog    *catalog;
  gint64          now;
  InboxVisitFunc  visit;
  gpointer        data;
} InboxWalk;

static HallWorkflow *
read_workflow (HallSqliteStmt  *events,
               HallService     *service,
               HallCase        *kase,
               gint64           case_id,
               GError         **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  sqlite3_reset (events);
  sqlite3_bind_int64 (events, 1, case_id);
  while ((rc = sqlite3_step (events)) == SQLITE_ROW)
    g_ptr_array_add (list, _hall_store_read_event (events, hall_case_get_uuid (kase)));
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (events), _("read the case’s history"));
      return NULL;
    }
  return hall_workflow_new (service, hall_case_get_state (kase), list);
}

/* Visits the open cases, soonest promised first, until @walk->visit says
 * stop. */
static gboolean
walk_open_cases (HallSqliteConn  *reader,
                 gpointer         data,
                 GError         **error)
{
  InboxWalk *walk = data;
  g_autoptr (HallSqliteStmt) cases = NULL;
  g_autoptr (HallSqliteStmt) events = NULL;
  gint64 after_promised = G_MININT64, after_id = G_MININT64;

  /* Named: cases_state (schema 15) also answers the states, and the
   * planner, guessing, took it and sorted every open case. */
  cases = hall_sqlite_conn_prepare (reader,
                                    "SELECT " CASE_COLUMNS
                                    " FROM cases c INDEXED BY cases_waiting"
                                    " CROSS JOIN applicants a ON a.id = c.applicant_id"
                                    " WHERE c.state IN ('received', 'in_review')"
                                    " AND (c.promised_at, c.id) > (?1, ?2)"
                                    " ORDER BY c.promised_at, c.id LIMIT ?3",
                                    error);
  if (cases == NULL)
    return FALSE;
  events = hall_sqlite_conn_prepare (reader,
                                     "SELECT " EVENT_COLUMNS " FROM case_events e"
                                     " WHERE e.case_id = ?1 AND e.kind = 'decision'"
                                     " ORDER BY e.at, e.id",
                                     error);
  if (events == NULL)
    return FALSE;

  for (;;)
    {
      guint n_rows = 0;
      int rc;

      sqlite3_reset (cases);
      sqlite3_bind_int64 (cases, 1, after_promised);
      sqlite3_bind_int64 (cases, 2, after_id);
      sqlite3_bind_int (cases, 3, INBOX_BATCH);
      while ((rc = sqlite3_step (cases)) == SQLITE_ROW)
        {
          g_autoptr (HallCase) kase = _hall_store_read_case (cases);
          g_autoptr (HallWorkflow) workflow = NULL;
          HallService *service;
          gint64 case_id = sqlite3_column_int64 (cases, 0);

          n_rows++;
          after_promised = hall_case_get_promised_at (kase);
          after_id = case_id;
          service = hall_catalog_lookup (walk->catalog, hall_case_get_service_id (kase));
          if (service == NULL || hall_service_get_n_steps (service) == 0)
            continue; /* a service this catalog does not know: nobody here decides it */
          workflow = read_workflow (events, service, kase, case_id, error);
          if (workflow == NULL)
            return FALSE;
          if (!hall_workflow_is_waiting (workflow))
            continue;
          if (!walk->visit (kase, workflow, walk->data))
            return TRUE;
        }
      if (rc != SQLITE_DONE)
        return hall_sqlite_set_error (error, sqlite3_db_handle (cases), _("read the open cases"));
      if (n_rows < INBOX_BATCH)
        return TRUE;
    }
}

typedef struct
{
  GPtrArray *items;
  HallRoles  roles;
  const char *official;
  gint64     now;
  guint      limit;
} InboxList;

static gboolean
list_visit (HallCase     *kase,
            HallWorkflow *workflow,
            gpointer      data)
{
  InboxList *list = data;
  const HallApprovalStep *step = hall_workflow_find_step_for (workflow, list->roles,
                                                              list->official);
  gint64 promised_at = hall_case_get_promised_at (kase);

  if (step != NULL)
    g_ptr_array_add (list->items,
                     hall_inbox_item_new (kase, step->id, step->name, step->name_zh,
                                          promised_at > 0 && promised_at < list->now));
  return list->items->len < list->limit;
}

GPtrArray *
hall_store_list_inbox (HallStore    *self,
                       HallCatalog  *catalog,
                       HallRoles     roles,
                       const char   *official,
                       gint64        now,
                       guint         limit,
                       GError      **error)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  InboxList list = { items, roles, official, now, limit };
  InboxWalk walk = { catalog, now, list_visit, &list };

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (HALL_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (official != NULL, NULL);

  if (limit == 0)
    return g_steal_pointer (&items);
  if (!_hall_store_read (self, walk_open_cases, &walk, error))
    return NULL;
  return g_steal_pointer (&items);
}

typedef struct
{
  HallCatalog *catalog;
  GPtrArray   *counts;
  GHashTable  *by_step; /* "service\nstep" -> HallInboxStepCount, owned by counts */
  gint64       now;
} InboxCounts;

/* Adds @waiting cases, @overdue of them past their promise, to each step
 * that @workflow leaves open. */
static void
add_counts (InboxCounts  *counts,
            HallCase     *kase,
            HallWorkflow *workflow,
            guint         waiting,
            guint         overdue)
{
  g_autoptr (GPtrArray) open = hall_workflow_list_open_steps (workflow);
  HallService *service = hall_workflow_get_service (workflow);

  for (guint i = 0; i < open->len; i++)
    {
      const HallApprovalStep *step = g_ptr_array_index (open, i);
      g_autofree char *key = g_strconcat (hall_service_get_id (service), "\n", step->id, NULL);
      HallInboxStepCount *count = g_hash_table_lookup (counts->by_step, key);

      if (count == NULL)
        {
          g_autoptr (HallInboxItem) named = hall_inbox_item_new (kase, step->id, step->name,
                                                                 step->name_zh, FALSE);

          count = g_new0 (HallInboxStepCount, 1);
          count->service_id = g_strdup (hall_service_get_id (service));
          count->service_name = g_strdup (hall_service_get_name (service));
          count->step_id = g_strdup (step->id);
          count->step_name = g_strdup (hall_inbox_item_get_step_name (named));
          g_ptr_array_add (counts->counts, count);
          g_hash_table_insert (counts->by_step, g_steal_pointer (&key), count);
        }
      count->waiting += waiting;
      count->overdue += overdue;
    }
}

/* The open steps of a case follow from its service, its state and the
 * steps and outcomes of its decisions in order (hall_workflow_apply();
 * who decided does not open or close a step). So one aggregate query
 * groups the open cases by those, on the partial index cases_waiting,
 * counting each group and its overdue cases; the catalog's rule then runs
 * once per group, on the group's first case, instead of once per case. */
static gboolean
count_open_cases (HallSqliteConn  *reader,
                  gpointer         data,
                  GError         **error)
{
  InboxCounts *counts = data;
  g_autoptr (HallSqliteStmt) groups = NULL;
  g_autoptr (HallSqliteStmt) first = NULL;
  g_autoptr (HallSqliteStmt) events = NULL;
  int rc;

  groups = hall_sqlite_conn_prepare (reader,
                                     "SELECT c.service_id, count (*),"
                                     " sum (c.promised_at > 0 AND c.promised_at < ?1),"
                                     " min (c.id)"
                                     " FROM cases c INDEXED BY cases_waiting"
                                     " WHERE c.state IN ('received', 'in_review')"
                                     " GROUP BY c.service_id, c.state,"
                                     " (SELECT group_concat (d.s, ',') FROM"
                                     "   (SELECT json_extract (e.decision, '$.step') || '='"
                                     "     || json_extract (e.decision, '$.decision') AS s"
                                     "    FROM case_events e"
                                     "    WHERE e.case_id = c.id AND e.kind = 'decision'"
                                     "    ORDER BY e.at, e.id) d)"
                                     /* Groups by their soonest promise: a step's
                                      * count then comes where its first case
                                      * waiting was promised, as the header says. */
                                     " ORDER BY min (c.promised_at), min (c.id)",
                                     error);
  if (groups == NULL)
    return FALSE;
  first = hall_sqlite_conn_prepare (reader,
                                    "SELECT " CASE_COLUMNS CASE_FROM " WHERE c.id = ?1",
                                    error);
  if (first == NULL)
    return FALSE;
  events = hall_sqlite_conn_prepare (reader,
                                     "SELECT " EVENT_COLUMNS " FROM case_events e"
                                     " WHERE e.case_id = ?1 AND e.kind = 'decision'"
                                     " ORDER BY e.at, e.id",
                                     error);
  if (events == NULL)
    return FALSE;

  sqlite3_bind_int64 (groups, 1, counts->now);
  while ((rc = sqlite3_step (groups)) == SQLITE_ROW)
    {
      HallService *service = hall_catalog_lookup (counts->catalog,
                                                  (const char *) sqlite3_column_text (groups, 0));
      guint waiting = sqlite3_column_int (groups, 1);
      guint overdue = sqlite3_column_int (groups, 2);
      gint64 case_id = sqlite3_column_int64 (groups, 3);
      g_autoptr (HallCase) kase = NULL;
      g_autoptr (HallWorkflow) workflow = NULL;
      int first_rc;

      if (service == NULL || hall_service_get_n_steps (service) == 0)
        continue; /* a service this catalog does not know: nobody here decides it */
      sqlite3_reset (first);
      sqlite3_bind_int64 (first, 1, case_id);
      first_rc = sqlite3_step (first);
      if (first_rc != SQLITE_ROW)
        {
          if (first_rc == SQLITE_DONE)
            continue; /* no applicant row: the walk's join skips it too */
          return hall_sqlite_set_error (error, sqlite3_db_handle (first),
                                        _("read the open cases"));
        }
      kase = _hall_store_read_case (first);
      workflow = read_workflow (events, service, kase, case_id, error);
      if (workflow == NULL)
        return FALSE;
      if (hall_workflow_is_waiting (workflow))
        add_counts (counts, kase, workflow, waiting, overdue);
    }
  if (rc != SQLITE_DONE)
    return hall_sqlite_set_error (error, sqlite3_db_handle (groups), _("read the open cases"));
  return TRUE;
}

GPtrArray *
hall_store_count_inbox_steps (HallStore    *self,
                              HallCatalog  *catalog,
                              gint64        now,
                              GError      **error)
{
  g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_inbox_step_count_free);
  g_autoptr (GHashTable) by_step = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  InboxCounts counts = { catalog, result, by_step, now };

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (HALL_IS_CATALOG (catalog), NULL);

  if (!_hall_store_read (self, count_open_cases, &counts, error))
    return NULL;
  return g_steal_pointer (&result);
}
