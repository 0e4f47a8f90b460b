/* hall-stats-month.c — the figures the supervisor page shows for a range
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-stats"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "hall-error.h"
#include "hall-stats-month.h"

HallStatsMonth *
hall_stats_month_new (const char *from,
                      const char *to)
{
  HallStatsMonth *self = g_new0 (HallStatsMonth, 1);

  self->from = g_strdup (from);
  self->to = g_strdup (to);
  self->weeks = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_report_free);
  return self;
}

void
hall_stats_month_free (HallStatsMonth *self)
{
  if (self == NULL)
    return;
  g_free (self->from);
  g_free (self->to);
  g_clear_pointer (&self->by_day, hall_stats_report_free);
  g_clear_pointer (&self->by_service, hall_stats_report_free);
  g_clear_pointer (&self->weeks, g_ptr_array_unref);
  g_free (self);
}

gboolean
hall_stats_month_parse_day (const char *text,
                            GDate      *date)
{
  unsigned year, month, day;
  char end;

  if (text == NULL || strlen (text) != 10
      || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3
      || !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

GPtrArray *
hall_stats_month_split_weeks (const char *from,
                              const char *to)
{
  g_autoptr (GPtrArray) weeks = g_ptr_array_new_with_free_func (g_free);
  GDate start, last;

  if (!hall_stats_month_parse_day (from, &start)
      || !hall_stats_month_parse_day (to, &last) || g_date_compare (&start, &last) > 0)
    return NULL;
  while (g_date_compare (&start, &last) <= 0)
    {
      GDate end = start;
      char a[16], b[16];

      g_date_add_days (&end, 6);
      if (g_date_compare (&end, &last) > 0)
        end = last;
      g_date_strftime (a, sizeof a, "%Y-%m-%d", &start);
      g_date_strftime (b, sizeof b, "%Y-%m-%d", &end);
      g_ptr_array_add (weeks, g_strdup_printf ("%s|%s", a, b));
      start = end;
      g_date_add_days (&start, 1);
    }
  return g_steal_pointer (&weeks);
}

void
hall_stats_month_hall_day (gint64  unix_seconds,
                           GDate  *day)
{
  g_date_clear (day, 1);
  /* Julian days count from 0001-01-01, day 1; the Unix epoch is 719163. */
  g_date_set_julian (day, 719163 + (guint32) ((unix_seconds + HALL_STATS_UTC_OFFSET) / 86400));
}

gboolean
hall_stats_month_check_range (const char          *from,
                              const char          *to,
                              HallStatsRangeField *field,
                              GError             **error)
{
  GDate first, last, limit;
  HallStatsRangeField dummy;

  if (field == NULL)
    field = &dummy;
  if (!hall_stats_month_parse_day (from, &first))
    {
      *field = HALL_STATS_RANGE_FROM;
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_DATE,
                   _("From: “%s” is not a date (YYYY-MM-DD)"), from != NULL ? from : "");
      return FALSE;
    }
  if (!hall_stats_month_parse_day (to, &last))
    {
      *field = HALL_STATS_RANGE_TO;
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_DATE,
                   _("To: “%s” is not a date (YYYY-MM-DD)"), to != NULL ? to : "");
      return FALSE;
    }
  if (g_date_compare (&first, &last) > 0)
    {
      *field = HALL_STATS_RANGE_TO;
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_DATE,
                   _("To: %s is before the first day, %s"), to, from);
      return FALSE;
    }
  limit = first;
  g_date_add_years (&limit, 1);
  if (g_date_compare (&last, &limit) >= 0)
    {
      char latest[16];

      g_date_subtract_days (&limit, 1);
      g_date_strftime (latest, sizeof latest, "%Y-%m-%d", &limit);
      *field = HALL_STATS_RANGE_TO;
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_DATE,
                   _("To: at most a year of figures at once; from %s the last day is %s"),
                   from, latest);
      return FALSE;
    }
  return TRUE;
}
