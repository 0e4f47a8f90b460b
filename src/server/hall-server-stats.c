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

#include "hall-problem.h"
#include "hall-server-private.h"
#include "hall-server-response.h"

/* Figures about fewer cases than this are sent as "< 5", so that nobody
 * can be singled out in them. */
#define STATS_MIN_CELL 5

static const char * const stats_groupings[] = { "service", "counter", "day", "hour" };

/* @text: a day, YYYY-MM-DD; *@out (transfer full): its start in UTC,
 * moved on by @days, as the server's timestamps are written. */
static gboolean
parse_day (const char  *text,
           int          days,
           char       **out)
{
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) moved = NULL;
  int year, month, mday;
  char end;

  if (text == NULL || strlen (text) != 10
      || sscanf (text, "%4d-%2d-%2d%c", &year, &month, &mday, &end) != 3
      || !g_date_valid_dmy (mday, month, year))
    return FALSE;
  day = g_date_time_new_utc (year, month, mday, 0, 0, 0);
  moved = day != NULL ? g_date_time_add_days (day, days) : NULL;
  if (moved == NULL)
    return FALSE;
  *out = g_date_time_format (moved, "%Y-%m-%dT%H:%M:%SZ");
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
add_figures (JsonBuilder *builder,
             gint64       opened,
             gint64       finished)
{
  add_count (builder, "opened", opened);
  add_count (builder, "finished", finished);
  add_share (builder, "finished_share", finished, opened);
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
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gint64 opened = 0, finished = 0;

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
                                  _("“by” must be one of service, counter, day, hour"));

  rows = hall_server_storage_stats_cases (self->storage, from, to, by, &error);
  if (rows == NULL)
    return hall_problem_response_internal (error);

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
      add_figures (builder, row->opened, row->finished);
      json_builder_end_object (builder);
      opened += row->opened;
      finished += row->finished;
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_begin_object (builder);
  add_figures (builder, opened, finished);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return hall_server_response_new_json (200, root);
}
