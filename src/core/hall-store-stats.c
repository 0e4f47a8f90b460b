/* hall-store-stats.c — the supervisor's figures from this counter's own
 * cases, for when the server cannot be reached
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The definitions are README's (Definitions of the figures), computed over
 * the cases this counter took in (cases.counter), and written as the JSON
 * GET /v1/stats answers, with its "< 5" rule, so that the page, the CSV and
 * the PDF read one format. The queue's hours are the server's only: they
 * stay empty here.
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "hall-store-private.h"
#include "hall-store.h"

#define FINAL "c.state IN ('completed', 'rejected', 'withdrawn')"
#define HAS_DECISION(kind)                                                          \
  "EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'decision'" \
  " AND json_extract (e.decision, '$.decision') = '" kind "')"

/* ?1, ?2: the range's instants; ?3: now; ?4: the counter; ?5: "day",
 * "service" or "" (the total). */
static const char figures_sql[] =
  "SELECT CASE ?5 WHEN 'day' THEN date (c.created_at + 28800, 'unixepoch')"
  "               WHEN 'service' THEN c.service_id ELSE '' END AS k,"
  " count(*),"
  " coalesce (sum (" FINAL "), 0),"
  " coalesce (sum (" FINAL " AND c.promised_at > 0 AND c.updated_at <= c.promised_at), 0),"
  " coalesce (sum (NOT " FINAL " AND c.promised_at > 0 AND c.promised_at < ?3), 0),"
  " coalesce (sum (" FINAL " AND c.promised_at > 0 AND c.updated_at > c.promised_at), 0),"
  " coalesce (sum (" HAS_DECISION ("return") "), 0),"
  " coalesce (sum (" HAS_DECISION ("reject") "), 0)"
  " FROM cases c WHERE c.created_at >= ?1 AND c.created_at < ?2 AND c.counter = ?4"
  " GROUP BY k ORDER BY k";

static const char reasons_sql[] =
  "SELECT json_extract (e.decision, '$.decision') AS kind,"
  " json_extract (r.value, '$.code') AS code, count(DISTINCT c.id) AS n"
  " FROM cases c JOIN case_events e ON e.case_id = c.id AND e.kind = 'decision',"
  "      json_each (e.decision, '$.reasons') AS r"
  " WHERE c.created_at >= ?1 AND c.created_at < ?2 AND c.counter = ?4"
  "   AND json_extract (e.decision, '$.decision') IN ('return', 'reject')"
  "   AND json_type (e.decision, '$.reasons') = 'array'"
  " GROUP BY kind, code ORDER BY n DESC, kind, code";

typedef struct
{
  gint64      start;
  gint64      end;
  gint64      now;
  const char *counter;
  const char *by;        /* "day", "service" */
  JsonBuilder *builder;
} FiguresQuery;

/* The "< 5" rule of README, as the server applies it. */
static void
add_count (JsonBuilder *builder,
           const char  *name,
           gint64       count)
{
  gboolean hidden = count > 0 && count < 5;

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  if (hidden)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, count);
  json_builder_set_member_name (builder, "suppressed");
  json_builder_add_boolean_value (builder, hidden);
  json_builder_end_object (builder);
}

static void
add_share (JsonBuilder *builder,
           const char  *name,
           gint64       part,
           gint64       whole)
{
  gboolean hidden = whole < 5 || (part > 0 && part < 5);

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  if (hidden)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, (double) part / (double) whole);
  json_builder_set_member_name (builder, "suppressed");
  json_builder_add_boolean_value (builder, hidden);
  json_builder_end_object (builder);
}

static void
add_figures (JsonBuilder  *builder,
             const char   *key,
             const gint64  n[7])
{
  /* n: opened, finished, on time, overdue now, finished late, returned,
   * rejected */
  json_builder_begin_object (builder);
  if (key != NULL)
    {
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, key);
    }
  add_count (builder, "opened", n[0]);
  add_count (builder, "finished", n[1]);
  add_share (builder, "finished_share", n[1], n[0]);
  add_count (builder, "on_time", n[2]);
  add_share (builder, "on_time_share", n[2], n[1]);
  add_count (builder, "overdue_now", n[3]);
  add_share (builder, "overdue_share", n[3] + n[4], n[0]);
  add_count (builder, "returned", n[5]);
  add_count (builder, "rejected", n[6]);
  json_builder_end_object (builder);
}

static void
bind_query (HallSqliteStmt *stmt,
            FiguresQuery   *query,
            const char     *by)
{
  sqlite3_bind_int64 (stmt, 1, query->start);
  sqlite3_bind_int64 (stmt, 2, query->end);
  sqlite3_bind_int64 (stmt, 3, query->now);
  sqlite3_bind_text (stmt, 4, query->counter, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, by, -1, SQLITE_TRANSIENT);
}

static gboolean
read_figures (HallSqliteConn  *reader,
              gpointer         data,
              GError         **error)
{
  FiguresQuery *query = data;
  JsonBuilder *builder = query->builder;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  gint64 total[7] = { 0 };
  int rc;

  stmt = hall_sqlite_conn_prepare (reader, figures_sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_query (stmt, query, query->by);
  json_builder_set_member_name (builder, "groups");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 n[7];

      for (guint i = 0; i < 7; i++)
        {
          n[i] = sqlite3_column_int64 (stmt, i + 1);
          total[i] += n[i];
        }
      add_figures (builder, (const char *) sqlite3_column_text (stmt, 0), n);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("count this counter’s cases"));
      return FALSE;
    }
  /* Each case is in exactly one group, so the total is their sum. */
  json_builder_set_member_name (builder, "total");
  add_figures (builder, NULL, total);

  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  stmt = hall_sqlite_conn_prepare (reader, reasons_sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_query (stmt, query, "");
  json_builder_set_member_name (builder, "reasons");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 1);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, code != NULL ? code : "other");
      add_count (builder, "count", sqlite3_column_int64 (stmt, 2));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("count this counter’s cases"));
      return FALSE;
    }
  return TRUE;
}

/* The instant 00:00 of the hall's day @day (+08:00), @days later. */
static gint64
day_start (const char *day,
           int         days)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_offset (8 * 3600);
  int year, month, mday;
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) later = NULL;

  if (sscanf (day, "%d-%d-%d", &year, &month, &mday) != 3)
    return 0;
  start = g_date_time_new (zone, year, month, mday, 0, 0, 0);
  if (start == NULL)
    return 0;
  later = g_date_time_add_days (start, days);
  return g_date_time_to_unix (later);
}

static HallStatsReport *
compute_report (HallStore   *self,
                const char  *from,
                const char  *to,
                const char  *by,
                gint64       now,
                GError     **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  HallStatsReport *report;
  FiguresQuery query = { 0 };

  query.start = day_start (from, 0);
  query.end = day_start (to, 1);
  query.now = now;
  query.counter = self->counter != NULL ? self->counter : "";
  query.by = by;
  query.builder = builder;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, to);
  json_builder_set_member_name (builder, "by");
  json_builder_add_string_value (builder, by);
  json_builder_set_member_name (builder, "min_cell");
  json_builder_add_int_value (builder, 5);
  if (!_hall_store_read (self, read_figures, &query, error))
    return NULL;
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "queue");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hours");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "throughput");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  report = hall_stats_report_new_from_json (json, -1, error);
  if (report != NULL)
    {
      hall_stats_report_set_days (report, from, to);
      report->local = TRUE;
    }
  return report;
}

HallStatsMonth *
hall_store_compute_stats (HallStore   *self,
                          const char  *from,
                          const char  *to,
                          gint64       now,
                          GError     **error)
{
  g_autoptr (HallStatsMonth) month = NULL;
  g_autoptr (GPtrArray) weeks = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  weeks = hall_stats_month_split_weeks (from, to);
  if (weeks == NULL)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SQL,
                   _("The first day must be a date on or before the last"));
      return NULL;
    }
  month = hall_stats_month_new (from, to);
  month->as_of = now;
  month->by_day = compute_report (self, from, to, "day", now, error);
  if (month->by_day == NULL)
    return NULL;
  month->by_service = compute_report (self, from, to, "service", now, error);
  if (month->by_service == NULL)
    return NULL;
  for (guint i = 0; i < weeks->len; i++)
    {
      g_auto (GStrv) days = g_strsplit (g_ptr_array_index (weeks, i), "|", 2);
      HallStatsReport *week = compute_report (self, days[0], days[1], "service", now, error);

      if (week == NULL)
        return NULL;
      g_ptr_array_add (month->weeks, week);
    }
  return g_steal_pointer (&month);
}

typedef struct
{
  char   *from;
  char   *to;
  gint64  now;
} StatsData;

static void
stats_data_free (StatsData *data)
{
  g_free (data->from);
  g_free (data->to);
  g_free (data);
}

static void
compute_stats_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  StatsData *data = task_data;
  GError *error = NULL;
  HallStatsMonth *month;

  month = hall_store_compute_stats (HALL_STORE (source_object), data->from, data->to, data->now,
                                    &error);
  if (month != NULL)
    g_task_return_pointer (task, month, (GDestroyNotify) hall_stats_month_free);
  else
    g_task_return_error (task, error);
}

void
hall_store_compute_stats_async (HallStore           *self,
                                const char          *from,
                                const char          *to,
                                gint64               now,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  StatsData *data;

  g_return_if_fail (HALL_IS_STORE (self));

  data = g_new0 (StatsData, 1);
  data->from = g_strdup (from);
  data->to = g_strdup (to);
  data->now = now;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_compute_stats_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, data, (GDestroyNotify) stats_data_free);
  g_task_run_in_thread (task, compute_stats_thread);
}

HallStatsMonth *
hall_store_compute_stats_finish (HallStore     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
hall_store_list_stats_cases (HallStore   *self,
                             const char  *from,
                             const char  *to,
                             const char  *service_id,
                             const char  *reason,
                             GError     **error)
{
  g_autofree char *sql = NULL;
  gint64 start, end;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (service_id == NULL || reason == NULL, NULL);

  start = day_start (from, 0);
  end = day_start (to, 1);
  /* Only integers are put into the text; the service or the reason is ?1. */
  if (reason != NULL)
    sql = g_strdup_printf ("SELECT " CASE_COLUMNS CASE_FROM
                           " WHERE c.created_at >= %" G_GINT64_FORMAT
                           " AND c.created_at < %" G_GINT64_FORMAT
                           " AND EXISTS (SELECT 1 FROM case_events e,"
                           "   json_each (e.decision, '$.reasons') r"
                           "   WHERE e.case_id = c.id AND e.kind = 'decision'"
                           "   AND json_extract (e.decision, '$.decision') = 'return'"
                           "   AND json_extract (r.value, '$.code') = ?1)"
                           " ORDER BY c.promised_at, c.id LIMIT %d",
                           start, end, HALL_STORE_STATS_CASES_MAX);
  else
    sql = g_strdup_printf ("SELECT " CASE_COLUMNS CASE_FROM
                           " WHERE c.created_at >= %" G_GINT64_FORMAT
                           " AND c.created_at < %" G_GINT64_FORMAT
                           " AND (?1 IS NULL OR c.service_id = ?1)"
                           " ORDER BY c.promised_at, c.id LIMIT %d",
                           start, end, HALL_STORE_STATS_CASES_MAX);
  return _hall_store_read_objects (self, sql, reason != NULL ? reason : service_id,
                                   (HallStoreObjectFunc) _hall_store_read_case,
                                   _("read the cases behind the figure"), error);
}

typedef struct
{
  char *from;
  char *to;
  char *service_id;
  char *reason;
} CasesData;

static void
cases_data_free (CasesData *data)
{
  g_free (data->from);
  g_free (data->to);
  g_free (data->service_id);
  g_free (data->reason);
  g_free (data);
}

static void
list_stats_cases_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  CasesData *data = task_data;
  GError *error = NULL;
  GPtrArray *cases;

  cases = hall_store_list_stats_cases (HALL_STORE (source_object), data->from, data->to,
                                       data->service_id, data->reason, &error);
  if (cases != NULL)
    g_task_return_pointer (task, cases, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
hall_store_list_stats_cases_async (HallStore           *self,
                                   const char          *from,
                                   const char          *to,
                                   const char          *service_id,
                                   const char          *reason,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  CasesData *data;

  g_return_if_fail (HALL_IS_STORE (self));

  data = g_new0 (CasesData, 1);
  data->from = g_strdup (from);
  data->to = g_strdup (to);
  data->service_id = g_strdup (service_id);
  data->reason = g_strdup (reason);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_list_stats_cases_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, data, (GDestroyNotify) cases_data_free);
  g_task_run_in_thread (task, list_stats_cases_thread);
}

GPtrArray *
hall_store_list_stats_cases_finish (HallStore     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
