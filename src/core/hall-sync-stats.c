/* hall-sync-stats.c — the supervisor's figures of a range from GET /v1/stats
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parts asked for, in this order: one request by day, one by service
 * for the whole range (the CSV), then one by service for each week of the
 * range (the heat map's columns), one after the other through
 * hall_sync_engine_send_async(), whose worker does the HTTP.
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hall-core-error.h"
#include "hall-sync-engine.h"

typedef struct
{
  HallStatsMonth *month;
  GPtrArray      *requests; /* (element-type utf8) "day|FROM|TO", "service|…",
                             * "week|…" */
  guint           next;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_clear_pointer (&data->month, hall_stats_month_free);
  g_clear_pointer (&data->requests, g_ptr_array_unref);
  g_free (data);
}

static void fetch_next (GTask *task);

/* The "detail" of a problem+json answer, or NULL. */
static char *
problem_detail (HallHttpResponse *response)
{
  g_autoptr (JsonNode) root = hall_http_response_parse_json (response, 16);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                 "detail", NULL));
  return NULL;
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  HallStatsReport *report;

  response = hall_sync_engine_send_finish (HALL_SYNC_ENGINE (source), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (response->status == 401 || response->status == 403)
    {
      g_task_return_new_error (task, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH,
                               _("Only supervisors and administrators may see the hall’s "
                                 "figures; the server refused this official"));
      return;
    }
  if (response->status != 200)
    {
      g_autofree char *detail = problem_detail (response);

      g_task_return_new_error (task, HALL_SYNC_ERROR,
                               response->status >= 500 ? HALL_SYNC_ERROR_SERVER
                                                       : HALL_SYNC_ERROR_REJECTED,
                               _("The server could not give the figures (%u): %s"),
                               response->status, detail != NULL ? detail : "");
      return;
    }
  text = hall_http_response_dup_text (response);
  report = hall_stats_report_new_from_json (text, -1, &error);
  if (report == NULL)
    {
      g_task_return_new_error (task, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                               _("The server’s answer is not figures: %s"), error->message);
      return;
    }
  {
    g_auto (GStrv) request = g_strsplit (g_ptr_array_index (data->requests, data->next), "|", 3);

    hall_stats_report_set_days (report, request[1], request[2]);
    if (g_str_equal (request[0], "day"))
      data->month->by_day = report;
    else if (g_str_equal (request[0], "service"))
      data->month->by_service = report;
    else
      g_ptr_array_add (data->month->weeks, report);
  }
  data->next++;
  fetch_next (g_steal_pointer (&task));
}

static void
fetch_next (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);
  HallSyncEngine *engine = g_task_get_source_object (task);
  g_autofree char *path = NULL;
  g_auto (GStrv) request = NULL;

  if (data->next >= data->requests->len)
    {
      data->month->as_of = g_get_real_time () / G_USEC_PER_SEC;
      g_task_return_pointer (task, g_steal_pointer (&data->month),
                             (GDestroyNotify) hall_stats_month_free);
      g_object_unref (task);
      return;
    }
  request = g_strsplit (g_ptr_array_index (data->requests, data->next), "|", 3);
  path = g_strdup_printf ("/v1/stats?from=%s&to=%s&by=%s", request[1], request[2],
                          g_str_equal (request[0], "day") ? "day" : "service");
  hall_sync_engine_send_async (engine, "GET", path, NULL, NULL, g_task_get_cancellable (task),
                               fetch_cb, task);
}

void
hall_sync_engine_fetch_stats_async (HallSyncEngine      *self,
                                    const char          *from,
                                    const char          *to,
                                    HallStatsParts       parts,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  FetchData *data;
  g_autoptr (GPtrArray) weeks = NULL;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_sync_engine_fetch_stats_async);
  weeks = hall_stats_month_split_weeks (from, to);
  if (weeks == NULL)
    {
      g_task_return_new_error (task, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED,
                               _("The first day must be a date on or before the last"));
      g_object_unref (task);
      return;
    }
  data = g_new0 (FetchData, 1);
  data->month = hall_stats_month_new (from, to);
  data->requests = g_ptr_array_new_with_free_func (g_free);
  if (parts & HALL_STATS_PART_DAY)
    g_ptr_array_add (data->requests, g_strdup_printf ("day|%s|%s", from, to));
  if (parts & HALL_STATS_PART_SERVICE)
    g_ptr_array_add (data->requests, g_strdup_printf ("service|%s|%s", from, to));
  if (parts & HALL_STATS_PART_WEEKS)
    for (guint i = 0; i < weeks->len; i++)
      g_ptr_array_add (data->requests, g_strdup_printf ("week|%s", (char *) weeks->pdata[i]));
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  fetch_next (task);
}

HallStatsMonth *
hall_sync_engine_fetch_stats_finish (HallSyncEngine  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
