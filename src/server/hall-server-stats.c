/* hall-server-stats.c — GET /v1/stats: where the hall's work clusters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "hall-catalog.h"
#include "hall-problem.h"
#include "hall-server-private.h"
#include "hall-server-response.h"

/* Figures about fewer cases than this are sent as "< 5", so that nobody
 * can be singled out in them. */
#define STATS_MIN_CELL 5

static const char * const stats_groupings[] = {
  "department", "service", "counter", "official", "day", "hour", NULL
};

/* The hall's local time (data/calendar.json's zone): days and hours of the
 * figures are of it, as the storages' SQL counts them (UTC+08:00 there). */
#define STATS_LOCAL_ZONE "+08:00"

/* @text: a day of the hall, YYYY-MM-DD; *@out (transfer full): its start
 * (00:00 local time) in UTC, moved on by @days, as the server's timestamps
 * are written. */
static gboolean
parse_day (const char  *text,
           int          days,
           char       **out)
{
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) moved = NULL;
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (STATS_LOCAL_ZONE);
  g_autoptr(GDateTime) utc = NULL;
  int year, month, mday;
  char end;

  if (text == NULL || strlen (text) != 10
      || sscanf (text, "%4d-%2d-%2d%c", &year, &month, &mday, &end) != 3
      || !g_date_valid_dmy (mday, month, year))
    return FALSE;
  day = g_date_time_new (zone, year, month, mday, 0, 0, 0);
  moved = day != NULL ? g_date_time_add_days (day, days) : NULL;
  utc = moved != NULL ? g_date_time_to_utc (moved) : NULL;
  if (utc == NULL)
    return FALSE;
  *out = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  return TRUE;
}

/* A count: {"count": n, "suppressed": false}, or {"count": null,
 * "suppressed": true} when it is about fewer than STATS_MIN_CELL cases. */
static void
add_count (JsonBuilder *builder,
           const char  *member,
           gint64       count)
{
  gboolean suppressed = count > 0 && count < STATS_MIN_CELL;

  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  if (suppressed)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, count);
  json_builder_set_member_name (builder, "suppressed");
  json_builder_add_boolean_value (builder, suppressed);
  json_builder_end_object (builder);
}

/* A share of the opened cases: suppressed when either side is. */
static void
add_share (JsonBuilder *builder,
           const char  *member,
           gint64       part,
           gint64       whole)
{
  gboolean suppressed = whole < STATS_MIN_CELL || (part > 0 && part < STATS_MIN_CELL);

  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  if (suppressed || whole == 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, (double) part / (double) whole);
  json_builder_set_member_name (builder, "suppressed");
  json_builder_add_boolean_value (builder, suppressed);
  json_builder_end_object (builder);
}

static void
add_figures (JsonBuilder        *builder,
             const HallStatsRow *row)
{
  add_count (builder, "opened", row->opened);
  add_count (builder, "finished", row->finished);
  add_share (builder, "finished_share", row->finished, row->opened);
  add_count (builder, "on_time", row->on_time);
  add_share (builder, "on_time_share", row->on_time, row->finished);
  add_count (builder, "overdue_now", row->overdue_now);
  /* The heat map's colour: the cases that are or were past their promise. */
  add_share (builder, "overdue_share", row->overdue_now + row->late, row->opened);
  add_count (builder, "returned", row->returned);
  add_count (builder, "rejected", row->rejected);
}

static void
add_row (HallStatsRow       *sum,
         const HallStatsRow *row)
{
  sum->opened += row->opened;
  sum->finished += row->finished;
  sum->on_time += row->on_time;
  sum->late += row->late;
  sum->overdue_now += row->overdue_now;
  sum->returned += row->returned;
  sum->rejected += row->rejected;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const HallStatsRow *row_a = *(HallStatsRow * const *) a;
  const HallStatsRow *row_b = *(HallStatsRow * const *) b;

  return strcmp (row_a->key, row_b->key);
}

/* @rows: grouped by service; (transfer full): grouped by the services'
 * departments in the catalog (a service it no longer holds is its own
 * department, named by the service). Every case has one service, so the
 * sums are exact. */
static GPtrArray *
group_by_department (HallCatalog *catalog,
                     GPtrArray   *rows)
{
  g_autoptr(GHashTable) departments = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_row_free);

  for (guint i = 0; i < rows->len; i++)
    {
      HallStatsRow *row = g_ptr_array_index (rows, i);
      HallService *service = hall_catalog_lookup (catalog, row->key);
      const char *department = service != NULL ? hall_service_get_department_id (service) : NULL;
      HallStatsRow *sum;

      if (department == NULL)
        department = row->key;
      sum = g_hash_table_lookup (departments, department);
      if (sum == NULL)
        {
          sum = g_new0 (HallStatsRow, 1);
          sum->key = g_strdup (department);
          g_hash_table_insert (departments, sum->key, sum);
          g_ptr_array_add (result, sum);
        }
      add_row (sum, row);
    }
  g_ptr_array_sort (result, compare_rows);
  return result;
}

HallServerResponse *
_hall_server_answer_stats (HallServer            *self,
                           struct MHD_Connection *connection)
{
  const char *from_text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "from");
  const char *to_text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "to");
  const char *by = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "by");
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_text = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  HallStatsRow total = { 0 };

  if (!parse_day (from_text, 0, &from))
    return hall_problem_response (400, "from", _("“from” must be a day, YYYY-MM-DD"));
  /* "to" is the last day counted. */
  if (!parse_day (to_text, 1, &to))
    return hall_problem_response (400, "to", _("“to” must be a day, YYYY-MM-DD"));
  if (strcmp (to, from) <= 0)
    return hall_problem_response (400, "to", _("“to” must not be before “from”"));
  if (by == NULL)
    by = "service";
  if (!g_strv_contains (stats_groupings, by))
    return hall_problem_response (400, "by",
                                  _("“by” must be one of department, service, counter, official, day, hour"));

  rows = hall_server_storage_stats_cases (self->storage, from, to, by, now_text, &error);
  if (rows == NULL)
    return hall_problem_response_internal (error);
  reasons = hall_server_storage_stats_reasons (self->storage, from, to, &error);
  if (reasons == NULL)
    return hall_problem_response_internal (error);
  if (g_str_equal (by, "department"))
    {
      GPtrArray *departments = group_by_department (self->catalog, rows);

      g_ptr_array_unref (rows);
      rows = departments;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, to);
  json_builder_set_member_name (builder, "by");
  json_builder_add_string_value (builder, by);
  json_builder_set_member_name (builder, "min_cell");
  json_builder_add_int_value (builder, STATS_MIN_CELL);
  json_builder_set_member_name (builder, "groups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      HallStatsRow *row = g_ptr_array_index (rows, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, row->key);
      add_figures (builder, row);
      json_builder_end_object (builder);
      add_row (&total, row);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_begin_object (builder);
  add_figures (builder, &total);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "reasons");
  json_builder_begin_array (builder);
  for (guint i = 0; i < reasons->len; i++)
    {
      HallStatsReason *reason = g_ptr_array_index (reasons, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, reason->kind);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason->reason);
      add_count (builder, "count", reason->cases);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  /* Not computed yet on the server (see README): sent empty, so that a
   * client can rely on the members being there. */
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
  return hall_server_response_new_json (200, root);
}
