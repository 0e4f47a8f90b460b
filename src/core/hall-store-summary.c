/* hall-store-summary.c — the counter's day in four numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read on a worker on request (the end-of-day summary), never while the
 * list scrolls: a scan of the counter's open cases is fine once a day.
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-store-private.h"

/* A case waits for the applicant when it was returned or a document of its
 * checklist is still missing; the clock does not run then, so it is not
 * overdue. */
#define WAITING                                                                  \
  "(c.state = 'returned' OR EXISTS (SELECT 1 FROM json_each (c.checklist)"       \
  " WHERE json_extract (value, '$.provided') = 0))"
#define OPEN "c.state IN ('received', 'in_review', 'returned')"

static void
take_summary (HallSqliteStmt *stmt,
              gpointer        data)
{
  HallDayCounts *counts = data;

  counts->opened = sqlite3_column_int (stmt, 0);
  counts->completed = sqlite3_column_int (stmt, 1);
  counts->waiting = sqlite3_column_int (stmt, 2);
  counts->overdue = sqlite3_column_int (stmt, 3);
}

gboolean
hall_store_get_day_counts (HallStore      *self,
                           gint64          day_start,
                           gint64          day_end,
                           gint64          now,
                           HallDayCounts  *counts,
                           GError        **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  *counts = (HallDayCounts) { 0 };
  /* Only integers are put into the text; the counter is a parameter. */
  sql = g_strdup_printf (
    "SELECT"
    " (SELECT count(*) FROM cases c WHERE c.counter = ?1"
    "   AND c.created_at >= %" G_GINT64_FORMAT " AND c.created_at < %" G_GINT64_FORMAT "),"
    " (SELECT count(DISTINCT c.id) FROM cases c JOIN case_events e ON e.case_id = c.id"
    "   WHERE c.counter = ?1 AND e.kind = 'state' AND e.new_state = 'completed'"
    "   AND e.at >= %" G_GINT64_FORMAT " AND e.at < %" G_GINT64_FORMAT "),"
    " (SELECT count(*) FROM cases c WHERE c.counter = ?1 AND " OPEN " AND " WAITING "),"
    " (SELECT count(*) FROM cases c WHERE c.counter = ?1 AND " OPEN " AND NOT " WAITING
    "   AND c.promised_at > 0 AND c.promised_at < %" G_GINT64_FORMAT ")",
    day_start, day_end, day_start, day_end, now);
  return _hall_store_read_rows (self, sql, self->counter != NULL ? self->counter : "",
                                take_summary, counts, _("count the day’s cases"), error);
}

typedef struct
{
  gint64        day_start;
  gint64        day_end;
  gint64        now;
  HallDayCounts counts;
} SummaryData;

static void
day_counts_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SummaryData *data = task_data;
  GError *error = NULL;

  if (hall_store_get_day_counts (HALL_STORE (source_object), data->day_start, data->day_end,
                                 data->now, &data->counts, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hall_store_get_day_counts_async (HallStore           *self,
                                 gint64               day_start,
                                 gint64               day_end,
                                 gint64               now,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  SummaryData *data;

  g_return_if_fail (HALL_IS_STORE (self));

  data = g_new0 (SummaryData, 1);
  data->day_start = day_start;
  data->day_end = day_end;
  data->now = now;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_get_day_counts_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, day_counts_thread);
}

gboolean
hall_store_get_day_counts_finish (HallStore      *self,
                                  GAsyncResult   *result,
                                  HallDayCounts  *counts,
                                  GError        **error)
{
  SummaryData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_get_day_counts_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (counts != NULL)
    *counts = data->counts;
  return TRUE;
}
