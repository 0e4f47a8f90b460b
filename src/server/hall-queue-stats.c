/* hall-queue-stats.c — the queue's supervision figures (GET /v1/stats)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-queue"

#include <glib/gi18n.h>

#include "hall-queue-private.h"

/* The SQL is of the kind both SQLite and PostgreSQL take
 * (hall-queue-stmt.h): integer arithmetic on the queue's microseconds,
 * no date functions. The hall's hour is UTC+08:00, as the stats' own
 * (hall-server-stats.c): 28800 seconds ahead of UTC. The day bounds (?3,
 * ?4: the queue's days, a day wider than the range each side) let the
 * tickets' (day, state, grp) index pick the range's days. */
#define LOCAL_HOUR "((issued_at / 1000000 + 28800) / 3600) % 24"
#define IN_RANGE                                                          \
  " WHERE day >= ?3 AND day <= ?4 AND issued_at >= ?1 AND issued_at < ?2"

/* ?5: the queue's today: a ticket of a day before it whose day is over. */
static const char hours_sql[] =
  "SELECT " LOCAL_HOUR ", count(*),"
  "       sum (CASE WHEN state = 'no_show' THEN 1 ELSE 0 END),"
  "       sum (CASE WHEN state IN ('waiting', 'transferred', 'parked') AND day < ?5"
  "                 THEN 1 ELSE 0 END)"
  " FROM tickets" IN_RANGE
  " GROUP BY 1 ORDER BY 1";

static const char waits_sql[] =
  "SELECT " LOCAL_HOUR ", (called_at - issued_at) / 60000000, count(*)"
  " FROM tickets" IN_RANGE " AND called_at IS NOT NULL"
  " GROUP BY 1, 2 ORDER BY 1, 2";

static const char counters_sql[] =
  "SELECT counter, count(*), count(DISTINCT finished_at / 3600000000)"
  " FROM tickets" IN_RANGE " AND state = 'done' AND counter IS NOT NULL"
  " GROUP BY counter ORDER BY counter";

void
hall_queue_stats_hour_free (HallQueueStatsHour *hour)
{
  if (hour == NULL)
    return;
  g_array_unref (hour->waits);
  g_free (hour);
}

void
hall_queue_stats_counter_free (HallQueueStatsCounter *counter)
{
  if (counter == NULL)
    return;
  g_free (counter->counter);
  g_free (counter);
}

/* @sql prepared on the queue's connection with the range bound. */
static HallQueueStmt *
prepare_range (HallQueue   *self,
               const char  *sql,
               gint64       from,
               gint64       to,
               GError     **error)
{
  HallQueueStmt *stmt = hall_queue_stmt_new (&self->conn, sql, error);
  g_autofree char *first_day = _hall_queue_day (from - G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC);
  g_autofree char *last_day = _hall_queue_day (to + G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC);
  g_autofree char *today = _hall_queue_day (_hall_queue_now (self));

  if (stmt == NULL)
    return NULL;
  hall_queue_stmt_bind_int64 (stmt, 1, from);
  hall_queue_stmt_bind_int64 (stmt, 2, to);
  hall_queue_stmt_bind_text (stmt, 3, first_day);
  hall_queue_stmt_bind_text (stmt, 4, last_day);
  hall_queue_stmt_bind_text (stmt, 5, today);
  return stmt;
}

static HallQueueStatsHour *
find_hour (GPtrArray *hours,
           int        hour)
{
  for (guint i = 0; i < hours->len; i++)
    {
      HallQueueStatsHour *h = g_ptr_array_index (hours, i);

      if (h->hour == hour)
        return h;
    }
  return NULL;
}

gboolean
hall_queue_stats (HallQueue   *self,
                  gint64       from,
                  gint64       to,
                  GPtrArray  **hours_out,
                  GPtrArray  **counters_out,
                  GError     **error)
{
  g_autoptr(GPtrArray) hours =
    g_ptr_array_new_with_free_func ((GDestroyNotify) hall_queue_stats_hour_free);
  g_autoptr(GPtrArray) counters =
    g_ptr_array_new_with_free_func ((GDestroyNotify) hall_queue_stats_counter_free);
  g_autoptr(GError) local_error = NULL;
  HallQueueStmt *stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (HALL_IS_QUEUE (self), FALSE);

  g_mutex_lock (&self->mutex);
  /* One snapshot for the three. */
  if (!_hall_queue_use_read_conn (self, error)
      || !hall_queue_conn_exec (&self->conn,
                                self->conn.pg != NULL
                                ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "BEGIN",
                                _("read the queue"), error))
    goto out;

  stmt = prepare_range (self, hours_sql, from, to, &local_error);
  while (stmt != NULL && hall_queue_stmt_step_row (stmt, _("count the tickets"), &local_error))
    {
      HallQueueStatsHour *hour = g_new0 (HallQueueStatsHour, 1);

      hour->hour = hall_queue_stmt_get_int64 (stmt, 0);
      hour->tickets = hall_queue_stmt_get_int64 (stmt, 1);
      hour->no_shows = hall_queue_stmt_get_int64 (stmt, 2);
      hour->abandoned = hall_queue_stmt_get_int64 (stmt, 3);
      hour->waits = g_array_new (FALSE, FALSE, sizeof (HallQueueStatsWait));
      g_ptr_array_add (hours, hour);
    }
  g_clear_pointer (&stmt, hall_queue_stmt_free);
  if (local_error != NULL)
    goto rollback;

  stmt = prepare_range (self, waits_sql, from, to, &local_error);
  while (stmt != NULL && hall_queue_stmt_step_row (stmt, _("count the waits"), &local_error))
    {
      HallQueueStatsHour *hour = find_hour (hours, hall_queue_stmt_get_int64 (stmt, 0));
      HallQueueStatsWait wait = { hall_queue_stmt_get_int64 (stmt, 1), hall_queue_stmt_get_int64 (stmt, 2) };

      /* A ticket issued after the first query's snapshot cannot be here:
       * the transaction holds one snapshot. */
      if (hour != NULL)
        g_array_append_val (hour->waits, wait);
    }
  g_clear_pointer (&stmt, hall_queue_stmt_free);
  if (local_error != NULL)
    goto rollback;

  stmt = prepare_range (self, counters_sql, from, to, &local_error);
  while (stmt != NULL
         && hall_queue_stmt_step_row (stmt, _("count the counters' tickets"), &local_error))
    {
      HallQueueStatsCounter *counter = g_new0 (HallQueueStatsCounter, 1);

      counter->counter = g_strdup (hall_queue_stmt_get_text (stmt, 0));
      counter->served = hall_queue_stmt_get_int64 (stmt, 1);
      counter->hours = hall_queue_stmt_get_int64 (stmt, 2);
      g_ptr_array_add (counters, counter);
    }
  g_clear_pointer (&stmt, hall_queue_stmt_free);
  if (local_error != NULL)
    goto rollback;

  ok = TRUE;
  *hours_out = g_steal_pointer (&hours);
  *counters_out = g_steal_pointer (&counters);

rollback:
  hall_queue_conn_exec (&self->conn, "ROLLBACK", _("read the queue"), NULL);
out:
  g_mutex_unlock (&self->mutex);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}
