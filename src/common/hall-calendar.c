/* hall-calendar.c — the hall's working calendar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Days are walked one by one in the calendar's time zone; no promise runs
 * longer than a year, so a walk is bounded (MAX_DAYS) even for a calendar
 * that never opens.
 */
#define G_LOG_DOMAIN "hall-calendar"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "hall-calendar.h"
#include "hall-json-strict.h"
#include "hall-error.h"

#define CALENDAR_VERSION 1
#define MAX_INTERVALS    8
#define MAX_DAYS         (3 * 366)
#define DAY_MINUTES      (24 * 60)

typedef struct
{
  guint n;
  guint open[MAX_INTERVALS];  /* minutes after midnight */
  guint close[MAX_INTERVALS];
} DayHours;

struct _HallCalendar
{
  GObject     parent_instance;

  char       *json;
  GTimeZone  *tz;
  DayHours    hours[7];    /* Monday first */
  GHashTable *holidays;    /* YYYYMMDD */
  GHashTable *workdays;    /* YYYYMMDD */
};

G_DEFINE_FINAL_TYPE (HallCalendar, hall_calendar, G_TYPE_OBJECT)

static const char * const weekdays[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* Loading */

/* Where a calendar is read from, and the field at fault once one is. */
typedef struct
{
  const char *origin;
  char       *place;
} Source;

static gboolean G_GNUC_PRINTF (4, 5)
fail (GError    **error,
      Source     *source,
      const char *place,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_FIELD, "%s: %s: %s", source->origin,
               place, message);
  g_free (source->place);
  source->place = g_strdup (place);
  return FALSE;
}

static gboolean
parse_hhmm (const char *text,
            guint      *minutes)
{
  guint h, m;
  int end = 0;

  if (sscanf (text, "%2u:%2u%n", &h, &m, &end) != 2 || end != 5 || h > 24 || m > 59
      || (h == 24 && m != 0))
    return FALSE;
  *minutes = h * 60 + m;
  return TRUE;
}

static gboolean
parse_interval (const char *text,
                guint      *open,
                guint      *close)
{
  if (strlen (text) != 11 || text[5] != '-')
    return FALSE;
  {
    g_autofree char *first = g_strndup (text, 5);

    return parse_hhmm (first, open) && parse_hhmm (text + 6, close) && *open < *close;
  }
}

static gboolean
parse_date (const char *text,
            guint32    *key)
{
  guint y, m, d;
  int end = 0;

  if (sscanf (text, "%4u-%2u-%2u%n", &y, &m, &d, &end) != 3 || end != 10 || strlen (text) != 10
      || !g_date_valid_dmy (d, m, y))
    return FALSE;
  *key = y * 10000 + m * 100 + d;
  return TRUE;
}

static gboolean
load_hours (HallCalendar *self,
            JsonObject   *root,
            Source       *origin,
            GError      **error)
{
  JsonNode *node = json_object_get_member (root, "hours");
  JsonObject *hours;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, origin, "hours", _("\"hours\" must be an object naming each weekday"));
  hours = json_node_get_object (node);
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *place = g_strdup_printf ("hours.%s", weekdays[i]);
      JsonNode *day = json_object_get_member (hours, weekdays[i]);
      JsonArray *list;

      if (day == NULL || !JSON_NODE_HOLDS_ARRAY (day))
        return fail (error, origin, place, _("\"%s\" must be a list of opening hours"),
                     weekdays[i]);
      list = json_node_get_array (day);
      if (json_array_get_length (list) > MAX_INTERVALS)
        return fail (error, origin, place, _("at most %u opening intervals a day"),
                     MAX_INTERVALS);
      for (guint j = 0; j < json_array_get_length (list); j++)
        {
          JsonNode *item = json_array_get_element (list, j);
          const char *text = JSON_NODE_HOLDS_VALUE (item)
                                 && json_node_get_value_type (item) == G_TYPE_STRING
                               ? json_node_get_string (item)
                               : NULL;
          guint open, close;

          if (text == NULL || !parse_interval (text, &open, &close))
            return fail (error, origin, place,
                         _("opening hours must read like \"09:00-17:00\", not %s"),
                         text != NULL ? text : "a non-string");
          if (j > 0 && open < self->hours[i].close[j - 1])
            return fail (error, origin, place, _("\"%s\" overlaps or precedes the interval before it"),
                         text);
          self->hours[i].open[j] = open;
          self->hours[i].close[j] = close;
          self->hours[i].n = j + 1;
        }
    }
  {
    g_autoptr (GList) members = json_object_get_members (hours);

    for (GList *l = members; l != NULL; l = l->next)
      if (!g_strv_contains (weekdays, l->data))
        return fail (error, origin, "hours", _("\"%s\" is not a weekday (mon … sun)"),
                     (const char *) l->data);
  }
  return TRUE;
}

static gboolean
load_dates (JsonObject  *root,
            const char  *member,
            GHashTable  *set,
            Source      *origin,
            GError     **error)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonArray *list;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, origin, member, _("\"%s\" must be a list of dates"), member);
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      g_autofree char *place = g_strdup_printf ("%s[%u]", member, i);
      JsonNode *item = json_array_get_element (list, i);
      const char *text = JSON_NODE_HOLDS_VALUE (item)
                             && json_node_get_value_type (item) == G_TYPE_STRING
                           ? json_node_get_string (item)
                           : NULL;
      guint32 key;

      if (text == NULL)
        return fail (error, origin, place, _("a date must be a string written YYYY-MM-DD"));
      if (!parse_date (text, &key))
        return fail (error, origin, place,
                     _("“%s” is not a real day written YYYY-MM-DD"), text);
      if (g_hash_table_contains (set, GUINT_TO_POINTER (key)))
        return fail (error, origin, place, _("%s is listed twice"), text);
      g_hash_table_add (set, GUINT_TO_POINTER (key));
    }
  return TRUE;
}

static gboolean
load (HallCalendar *self,
      const char   *data,
      gssize        length,
      Source       *origin,
      GError      **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonObject *root;
  const char *tz_name;
  GHashTableIter iter;
  gpointer key;

  /* Strictly, as every text from outside: a calendar PUT to the server
   * with "holidays" twice must not keep the second without a word. */
  node = hall_json_parse_strict (data, length < 0 ? strlen (data) : (gsize) length, 16,
                                 &origin->place, &local_error);
  if (node == NULL)
    {
      g_set_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_SYNTAX, "%s: %s", origin->origin,
                   local_error->message);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, origin, "/", _("the calendar must be a JSON object"));
  root = json_node_get_object (node);
  if (json_object_get_int_member_with_default (root, "version", 0) != CALENDAR_VERSION)
    return fail (error, origin, "version", _("\"version\" must be %d"), CALENDAR_VERSION);
  tz_name = json_object_get_string_member_with_default (root, "timezone", NULL);
  if (tz_name == NULL || (self->tz = g_time_zone_new_identifier (tz_name)) == NULL)
    return fail (error, origin, "timezone",
                 _("\"timezone\" must be an offset such as \"+08:00\" or a zone such as "
                   "\"Asia/Shanghai\""));
  if (!load_hours (self, root, origin, error)
      || !load_dates (root, "holidays", self->holidays, origin, error)
      || !load_dates (root, "workdays", self->workdays, origin, error))
    return FALSE;
  g_hash_table_iter_init (&iter, self->workdays);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_contains (self->holidays, key))
      {
        guint k = GPOINTER_TO_UINT (key);
        g_autofree char *date = g_strdup_printf ("%04u-%02u-%02u", k / 10000, k / 100 % 100,
                                                 k % 100);

        return fail (error, origin, "workdays",
                     _("%s is both a holiday and an adjusted working day"), date);
      }
  if (self->hours[0].n == 0 && g_hash_table_size (self->workdays) > 0)
    return fail (error, origin, "hours.mon",
                 _("adjusted working days open with Monday's hours, and Monday has none"));
  self->json = json_to_string (node, FALSE);
  return TRUE;
}

/* Days */

static GDateTime *
local_midnight (HallCalendar *self,
                gint64        at)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (at);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, self->tz);

  return g_date_time_new (self->tz, g_date_time_get_year (local), g_date_time_get_month (local),
                          g_date_time_get_day_of_month (local), 0, 0, 0);
}

/* (transfer none): the opening hours of the day that starts at @midnight. */
static const DayHours *
hours_of (HallCalendar *self,
          GDateTime    *midnight)
{
  static const DayHours closed = { 0 };
  guint32 key = g_date_time_get_year (midnight) * 10000 + g_date_time_get_month (midnight) * 100
                + g_date_time_get_day_of_month (midnight);

  if (g_hash_table_contains (self->holidays, GUINT_TO_POINTER (key)))
    return &closed;
  if (g_hash_table_contains (self->workdays, GUINT_TO_POINTER (key)))
    return &self->hours[0];
  return &self->hours[g_date_time_get_day_of_week (midnight) - 1];
}

static GDateTime *
next_day (HallCalendar *self,
          GDateTime    *midnight)
{
  /* Noon of the next day, then its midnight: right across any DST change. */
  g_autoptr (GDateTime) later = g_date_time_add_hours (midnight, 36);

  return g_date_time_new (self->tz, g_date_time_get_year (later), g_date_time_get_month (later),
                          g_date_time_get_day_of_month (later), 0, 0, 0);
}

static gint64
at_minute (GDateTime *midnight,
           guint      minute)
{
  return g_date_time_to_unix (midnight) + (gint64) minute * 60;
}

/* GObject */

static void
hall_calendar_finalize (GObject *object)
{
  HallCalendar *self = HALL_CALENDAR (object);

  g_clear_pointer (&self->json, g_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->holidays, g_hash_table_unref);
  g_clear_pointer (&self->workdays, g_hash_table_unref);

  G_OBJECT_CLASS (hall_calendar_parent_class)->finalize (object);
}

static void
hall_calendar_class_init (HallCalendarClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_calendar_finalize;
}

static void
hall_calendar_init (HallCalendar *self)
{
  self->holidays = g_hash_table_new (NULL, NULL);
  self->workdays = g_hash_table_new (NULL, NULL);
}

/* Public */

HallCalendar *
hall_calendar_new_from_data (const char *data,
                             gssize      length,
                             const char *origin,
                             GError    **error)
{
  return hall_calendar_new_checked (data, length, origin, NULL, error);
}

HallCalendar *
hall_calendar_new_checked (const char *data,
                           gssize      length,
                           const char *origin,
                           char      **field_out,
                           GError    **error)
{
  g_autoptr (HallCalendar) self = g_object_new (HALL_TYPE_CALENDAR, NULL);
  Source source = { origin != NULL ? origin : "calendar", NULL };

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!load (self, data, length, &source, error))
    {
      if (field_out != NULL)
        *field_out = g_steal_pointer (&source.place);
      g_free (source.place);
      return NULL;
    }
  return g_steal_pointer (&self);
}

HallCalendar *
hall_calendar_new_from_file (GFile   *file,
                             GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  gsize length;

  if (!g_file_load_contents (file, NULL, &data, &length, NULL, error))
    {
      g_prefix_error (error, _("Could not read the calendar %s: "), name);
      return NULL;
    }
  return hall_calendar_new_from_data (data, length, name, error);
}

HallCalendar *
hall_calendar_new_default (GError **error)
{
  const char *path = g_getenv ("SERVICE_HALL_CALENDAR");
  g_autoptr (GFile) file = NULL;

  if (path == NULL || *path == '\0')
    path = g_file_test (PKGDATADIR "/calendar.json", G_FILE_TEST_EXISTS)
               ? PKGDATADIR "/calendar.json"
               : SOURCE_DATADIR "/calendar.json";
  file = g_file_new_for_path (path);
  return hall_calendar_new_from_file (file, error);
}

const char *
hall_calendar_get_json (HallCalendar *self)
{
  g_return_val_if_fail (HALL_IS_CALENDAR (self), NULL);

  return self->json;
}

GTimeZone *
hall_calendar_get_timezone (HallCalendar *self)
{
  g_return_val_if_fail (HALL_IS_CALENDAR (self), NULL);

  return self->tz;
}

gboolean
hall_calendar_is_working_day (HallCalendar *self,
                              int           year,
                              int           month,
                              int           day)
{
  g_autoptr (GDateTime) midnight = NULL;

  g_return_val_if_fail (HALL_IS_CALENDAR (self), FALSE);

  midnight = g_date_time_new (self->tz, year, month, day, 0, 0, 0);
  return midnight != NULL && hours_of (self, midnight)->n > 0;
}

static gboolean
set_has_year (GHashTable *set,
              int         year)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) / 10000 == (guint) year)
      return TRUE;
  return FALSE;
}

gboolean
hall_calendar_has_holidays_of (HallCalendar *self,
                               int           year)
{
  g_return_val_if_fail (HALL_IS_CALENDAR (self), FALSE);

  return set_has_year (self->holidays, year) || set_has_year (self->workdays, year);
}

int
hall_calendar_missing_year (HallCalendar *self,
                            gint64        now)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;
  int year;

  g_return_val_if_fail (HALL_IS_CALENDAR (self), 0);

  utc = g_date_time_new_from_unix_utc (now);
  local = g_date_time_to_timezone (utc, self->tz);
  year = g_date_time_get_year (local);
  if (!hall_calendar_has_holidays_of (self, year))
    return year;
  if (g_date_time_get_month (local) >= 11 && !hall_calendar_has_holidays_of (self, year + 1))
    return year + 1;
  return 0;
}

gint64
hall_calendar_next_opening (HallCalendar *self,
                            gint64        at)
{
  g_autoptr (GDateTime) midnight = NULL;

  g_return_val_if_fail (HALL_IS_CALENDAR (self), at);

  midnight = local_midnight (self, at);
  for (guint d = 0; d < MAX_DAYS; d++)
    {
      const DayHours *hours = hours_of (self, midnight);
      GDateTime *next;

      for (guint i = 0; i < hours->n; i++)
        if (at_minute (midnight, hours->close[i]) > at)
          return MAX (at, at_minute (midnight, hours->open[i]));
      next = next_day (self, midnight);
      g_date_time_unref (midnight);
      midnight = next;
    }
  return at;
}

gint64
hall_calendar_add_working_minutes (HallCalendar *self,
                                   gint64        start,
                                   guint         minutes)
{
  g_autoptr (GDateTime) midnight = NULL;
  gint64 left = (gint64) minutes * 60;

  g_return_val_if_fail (HALL_IS_CALENDAR (self), start);

  if (minutes == 0)
    return start;
  midnight = local_midnight (self, start);
  for (guint d = 0; d < MAX_DAYS; d++)
    {
      const DayHours *hours = hours_of (self, midnight);
      GDateTime *next;

      for (guint i = 0; i < hours->n; i++)
        {
          gint64 open = MAX (start, at_minute (midnight, hours->open[i]));
          gint64 close = at_minute (midnight, hours->close[i]);

          if (close <= open)
            continue;
          if (left <= close - open)
            return open + left;
          left -= close - open;
        }
      next = next_day (self, midnight);
      g_date_time_unref (midnight);
      midnight = next;
    }
  /* A calendar that never opens: the plain time, rather than none. */
  return start + (gint64) minutes * 60;
}

gint64
hall_calendar_add_working_days (HallCalendar *self,
                                gint64        start,
                                guint         days)
{
  g_autoptr (GDateTime) midnight = NULL;
  guint counted = 0;

  g_return_val_if_fail (HALL_IS_CALENDAR (self), start);

  if (days == 0)
    return start;
  midnight = local_midnight (self, start);
  for (guint d = 0; d < MAX_DAYS; d++)
    {
      GDateTime *next = next_day (self, midnight);
      const DayHours *hours;

      g_date_time_unref (midnight);
      midnight = next;
      hours = hours_of (self, midnight);
      if (hours->n > 0 && ++counted == days)
        return at_minute (midnight, hours->close[hours->n - 1]);
    }
  return start + (gint64) days * 24 * 3600;
}

guint
hall_calendar_working_minutes_between (HallCalendar *self,
                                       gint64        from,
                                       gint64        to)
{
  g_autoptr (GDateTime) midnight = NULL;
  gint64 seconds = 0;

  g_return_val_if_fail (HALL_IS_CALENDAR (self), 0);

  if (to <= from)
    return 0;
  midnight = local_midnight (self, from);
  for (guint d = 0; d < MAX_DAYS && g_date_time_to_unix (midnight) < to; d++)
    {
      const DayHours *hours = hours_of (self, midnight);
      GDateTime *next;

      for (guint i = 0; i < hours->n; i++)
        {
          gint64 open = MAX (from, at_minute (midnight, hours->open[i]));
          gint64 close = MIN (to, at_minute (midnight, hours->close[i]));

          if (close > open)
            seconds += close - open;
        }
      next = next_day (self, midnight);
      g_date_time_unref (midnight);
      midnight = next;
    }
  return (guint) (seconds / 60);
}

guint
hall_calendar_working_days_between (HallCalendar *self,
                                    gint64        from,
                                    gint64        to)
{
  g_autoptr (GDateTime) midnight = NULL;
  g_autoptr (GDateTime) last = NULL;
  guint n = 0;

  g_return_val_if_fail (HALL_IS_CALENDAR (self), 0);

  midnight = local_midnight (self, from);
  last = local_midnight (self, to);
  for (guint d = 0; d < MAX_DAYS; d++)
    {
      GDateTime *next = next_day (self, midnight);

      g_date_time_unref (midnight);
      midnight = next;
      if (g_date_time_compare (midnight, last) >= 0)
        break;
      if (hours_of (self, midnight)->n > 0)
        n++;
    }
  return n;
}

static gboolean
in_days (guint promised_minutes)
{
  return promised_minutes >= DAY_MINUTES && promised_minutes % DAY_MINUTES == 0;
}

gint64
hall_calendar_promise (HallCalendar *self,
                       guint         promised_minutes,
                       gint64        start)
{
  HallPromise promise;

  hall_calendar_compute_promise (self, promised_minutes, start, NULL, 0, &promise);
  return promise.due;
}

void
hall_calendar_compute_promise (HallCalendar    *self,
                               guint            promised_minutes,
                               gint64           start,
                               const HallPause *pauses,
                               guint            n_pauses,
                               HallPromise     *promise)
{
  gboolean days = in_days (promised_minutes);
  guint left = days ? promised_minutes / DAY_MINUTES : promised_minutes;
  gint64 from = start;

  g_return_if_fail (HALL_IS_CALENDAR (self));
  g_return_if_fail (promise != NULL);

  *promise = (HallPromise) { .in_days = days, .amount = left };
  for (guint i = 0; i < n_pauses; i++)
    {
      /* A day on which the clock stops is not counted as used. */
      guint used = days ? hall_calendar_working_days_between (self, from, pauses[i].start)
                        : hall_calendar_working_minutes_between (self, from, pauses[i].start);

      if (pauses[i].start < from)
        used = 0;
      if (used >= left)
        break;
      left -= used;
      if (pauses[i].end == 0)
        {
          promise->paused = TRUE;
          promise->left = left;
          return;
        }
      from = MAX (from, pauses[i].end);
    }
  promise->due = days ? hall_calendar_add_working_days (self, from, left)
                      : hall_calendar_add_working_minutes (self, from, left);
}
