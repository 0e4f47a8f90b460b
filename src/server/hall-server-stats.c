/* hall-server-stats.c — GET /v1/stats: where the hall's work clusters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <microhttpd.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hall-catalog.h"
#include "hall-workflow.h"
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

/* The figures of one step (a step id of one department) over the range. */
typedef struct
{
  char   *step;
  char   *department;
  GArray *minutes;   /* of StepMinutes */
  gint64  decided;
  gint64  waiting;
  gint64  overdue;
} StepFigures;

typedef struct
{
  gint64 minutes;
  gint64 count;
} StepMinutes;

static void
step_figures_free (StepFigures *figures)
{
  g_free (figures->step);
  g_free (figures->department);
  g_array_unref (figures->minutes);
  g_free (figures);
}

/* The figures of @step_id of @department in @steps, made (at the end)
 * when missing. */
static StepFigures *
step_figures_get (GPtrArray  *steps,
                  GHashTable *index,
                  const char *department,
                  const char *step_id)
{
  g_autofree char *key = g_strconcat (department, "\x1f", step_id, NULL);
  StepFigures *figures = g_hash_table_lookup (index, key);

  if (figures == NULL)
    {
      figures = g_new0 (StepFigures, 1);
      figures->step = g_strdup (step_id);
      figures->department = g_strdup (department);
      figures->minutes = g_array_new (FALSE, FALSE, sizeof (StepMinutes));
      g_ptr_array_add (steps, figures);
      g_hash_table_insert (index, g_steal_pointer (&key), figures);
    }
  return figures;
}

static const char *
department_of (HallService *service,
               const char  *service_id,
               const char  *step_id)
{
  const HallApprovalStep *step = NULL;

  if (service == NULL)
    return service_id;
  for (guint i = 0; i < hall_service_get_n_steps (service) && step == NULL; i++)
    if (g_str_equal (hall_service_get_step (service, i)->id, step_id))
      step = hall_service_get_step (service, i);
  if (step != NULL && step->department != NULL)
    return step->department;
  return hall_service_get_department_id (service);
}

/* The decisions of a history "step:decision;step:decision;", as the
 * workflow reads them (element-type HallCaseEvent). */
static GPtrArray *
events_of_history (const char *history)
{
  g_auto(GStrv) entries = g_strsplit (history, ";", -1);
  GPtrArray *events = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; entries[i] != NULL; i++)
    {
      const char *colon = strrchr (entries[i], ':');
      g_autofree char *step = NULL;
      HallDecision decision;
      HallCaseEvent *event;

      if (colon == NULL || !hall_decision_from_string (colon + 1, &decision))
        continue;
      step = g_strndup (entries[i], colon - entries[i]);
      event = hall_case_event_new ("00000000-0000-4000-8000-000000000000",
                                   HALL_CASE_EVENT_DECISION);
      hall_case_event_set_step (event, step);
      hall_case_event_set_decision (event, decision);
      g_ptr_array_add (events, event);
    }
  return events;
}

/* The value at rank ceil (@share × n) of the sorted minutes (the nearest
 * rank). */
static gint64
step_percentile (GArray *minutes,
                 gint64  n,
                 double  share)
{
  gint64 rank = (gint64) ceil (share * (double) n);
  gint64 seen = 0;

  if (rank < 1)
    rank = 1;
  for (guint i = 0; i < minutes->len; i++)
    {
      StepMinutes *m = &g_array_index (minutes, StepMinutes, i);

      seen += m->count;
      if (seen >= rank)
        return m->minutes;
    }
  return 0;
}

static int
compare_step_minutes (gconstpointer a,
                      gconstpointer b)
{
  const StepMinutes *ma = a;
  const StepMinutes *mb = b;

  return ma->minutes < mb->minutes ? -1 : ma->minutes > mb->minutes;
}

/* (transfer full) (element-type StepFigures): the steps' figures, in the
 * catalog's order (steps it does not know after). */
static GPtrArray *
compute_steps (HallCatalog  *catalog,
               GPtrArray    *decisions,
               GPtrArray    *waiting)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_figures_free);
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_services = g_list_model_get_n_items (G_LIST_MODEL (catalog));

  for (guint i = 0; i < n_services; i++)
    {
      g_autoptr(HallService) service = g_list_model_get_item (G_LIST_MODEL (catalog), i);

      for (guint j = 0; j < hall_service_get_n_steps (service); j++)
        {
          const HallApprovalStep *step = hall_service_get_step (service, j);

          step_figures_get (steps, index, department_of (service, NULL, step->id), step->id);
        }
    }
  for (guint i = 0; i < decisions->len; i++)
    {
      HallStatsSteps *row = g_ptr_array_index (decisions, i);
      HallService *service = hall_catalog_lookup (catalog, row->service);
      StepFigures *figures = step_figures_get (steps, index,
                                               department_of (service, row->service, row->step),
                                               row->step);
      StepMinutes m = { row->minutes, row->count };

      figures->decided += row->count;
      g_array_append_val (figures->minutes, m);
    }
  for (guint i = 0; i < waiting->len; i++)
    {
      HallStatsSteps *row = g_ptr_array_index (waiting, i);
      HallService *service = hall_catalog_lookup (catalog, row->service);
      g_autoptr(GPtrArray) events = NULL;
      g_autoptr(HallWorkflow) workflow = NULL;
      g_autoptr(GPtrArray) open = NULL;

      /* A service the catalog no longer holds has no steps to wait at. */
      if (service == NULL)
        continue;
      events = events_of_history (row->step);
      workflow = hall_workflow_new (service, HALL_CASE_IN_REVIEW, events);
      open = hall_workflow_list_open_steps (workflow);
      for (guint j = 0; j < open->len; j++)
        {
          const HallApprovalStep *step = g_ptr_array_index (open, j);
          StepFigures *figures = step_figures_get (steps, index,
                                                   department_of (service, NULL, step->id),
                                                   step->id);

          figures->waiting += row->count;
          figures->overdue += row->overdue;
        }
    }
  for (guint i = 0; i < steps->len; i++)
    {
      StepFigures *figures = g_ptr_array_index (steps, i);

      g_array_sort (figures->minutes, compare_step_minutes);
    }
  return steps;
}

/* Minutes of a step, or null under STATS_MIN_CELL decisions. */
static void
add_minutes (JsonBuilder *builder,
             const char  *member,
             StepFigures *figures,
             double       share)
{
  json_builder_set_member_name (builder, member);
  if (figures->decided < STATS_MIN_CELL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder,
                                step_percentile (figures->minutes, figures->decided, share));
}

static void
add_steps (JsonBuilder *builder,
           GPtrArray   *steps)
{
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < steps->len; i++)
    {
      StepFigures *figures = g_ptr_array_index (steps, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "step");
      json_builder_add_string_value (builder, figures->step);
      json_builder_set_member_name (builder, "department");
      json_builder_add_string_value (builder, figures->department);
      add_count (builder, "decided", figures->decided);
      add_count (builder, "waiting_now", figures->waiting);
      add_count (builder, "overdue_now", figures->overdue);
      add_minutes (builder, "minutes_median", figures, 0.5);
      add_minutes (builder, "minutes_p90", figures, 0.9);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* Unix microseconds of the UTC time @text (as parse_day() writes it). */
static gint64
usec_of (const char *text)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC : 0;
}

/* The value at rank ceil (@share × n) of the waits sorted by minute. */
static gint64
wait_percentile (GArray *waits,
                 gint64  n,
                 double  share)
{
  gint64 rank = MAX ((gint64) ceil (share * (double) n), 1);
  gint64 seen = 0;

  for (guint i = 0; i < waits->len; i++)
    {
      HallQueueStatsWait *wait = &g_array_index (waits, HallQueueStatsWait, i);

      seen += wait->tickets;
      if (seen >= rank)
        return wait->minutes;
    }
  return 0;
}

static void
add_queue (JsonBuilder *builder,
           GPtrArray   *hours,
           GPtrArray   *counters)
{
  json_builder_set_member_name (builder, "queue");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hours");
  json_builder_begin_array (builder);
  for (guint i = 0; i < hours->len; i++)
    {
      HallQueueStatsHour *hour = g_ptr_array_index (hours, i);
      g_autofree char *key = g_strdup_printf ("%02d", hour->hour);
      gint64 called = 0;

      for (guint j = 0; j < hour->waits->len; j++)
        called += g_array_index (hour->waits, HallQueueStatsWait, j).tickets;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "hour");
      json_builder_add_string_value (builder, key);
      add_count (builder, "tickets", hour->tickets);
      /* Of the called tickets: none under STATS_MIN_CELL of them. */
      json_builder_set_member_name (builder, "wait_median_minutes");
      if (called < STATS_MIN_CELL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, wait_percentile (hour->waits, called, 0.5));
      json_builder_set_member_name (builder, "wait_p90_minutes");
      if (called < STATS_MIN_CELL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, wait_percentile (hour->waits, called, 0.9));
      add_count (builder, "no_shows", hour->no_shows);
      add_count (builder, "abandoned", hour->abandoned);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "throughput");
  json_builder_begin_array (builder);
  for (guint i = 0; i < counters->len; i++)
    {
      HallQueueStatsCounter *counter = g_ptr_array_index (counters, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "counter");
      json_builder_add_string_value (builder, counter->counter);
      add_count (builder, "served", counter->served);
      /* Tickets done per hour it was finishing them; with the count, not
       * shown under STATS_MIN_CELL. */
      json_builder_set_member_name (builder, "per_hour");
      if (counter->served < STATS_MIN_CELL || counter->hours == 0)
        json_builder_add_null_value (builder);
      else
        json_builder_add_double_value (builder, (double) counter->served / (double) counter->hours);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
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
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) queue_hours = NULL;
  g_autoptr(GPtrArray) queue_counters = NULL;
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
  decisions = hall_server_storage_stats_steps (self->storage, from, to, &error);
  if (decisions == NULL)
    return hall_problem_response_internal (error);
  waiting = hall_server_storage_stats_waiting (self->storage, from, to, now_text, &error);
  if (waiting == NULL)
    return hall_problem_response_internal (error);
  steps = compute_steps (self->catalog, decisions, waiting);
  if (!hall_queue_stats (self->queue, usec_of (from), usec_of (to), &queue_hours,
                         &queue_counters, &error))
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
  add_steps (builder, steps);
  add_queue (builder, queue_hours, queue_counters);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return hall_server_response_new_json (200, root);
}
