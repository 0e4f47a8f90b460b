/* hall-stats-month.h — the figures the supervisor page shows for a range
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hall-stats-report.h"

G_BEGIN_DECLS

/* What the page draws: the range by day (headline total, cases per day,
 * reasons, the queue's hours) and, for the heat map, the range by service
 * one week at a time; and what it exports as CSV, the range by service.
 * Plain data, never changed once made. */
typedef struct
{
  char            *from;      /* the hall's first and last day, YYYY-MM-DD */
  char            *to;
  HallStatsReport *by_day;
  HallStatsReport *by_service; /* the whole range */
  GPtrArray       *weeks;     /* (element-type HallStatsReport) oldest first */
  gint64           as_of;     /* when the figures were read, Unix seconds */
} HallStatsMonth;

/* The parts of a month, as asked of the server: the page asks for the
 * range by day first, to draw as soon as it has it, and the rest after. */
typedef enum
{
  HALL_STATS_PART_DAY     = 1 << 0,  /* @by_day */
  HALL_STATS_PART_SERVICE = 1 << 1,  /* @by_service */
  HALL_STATS_PART_WEEKS   = 1 << 2,  /* @weeks */
  HALL_STATS_PART_ALL     = 0x7
} HallStatsParts;

/* (transfer full): an empty month of @from … @to. */
HallStatsMonth *hall_stats_month_new        (const char     *from,
                                             const char     *to);
void            hall_stats_month_free       (HallStatsMonth *self);
/* (transfer full) (element-type utf8): the weeks of @from … @to as
 * "FROM|TO" (seven days each, the last may be shorter); NULL when a date
 * is not YYYY-MM-DD or @to is before @from. */
GPtrArray      *hall_stats_month_split_weeks (const char    *from,
                                              const char    *to);

/* Whether @text is a date YYYY-MM-DD that exists; into @date. Not
 * g_date_set_parse(), which reads by the locale. */
gboolean        hall_stats_month_parse_day  (const char     *text,
                                             GDate          *date);

/* The hall's days and hours are UTC+08:00 (data/calendar.json's zone),
 * as the server counts the figures, whatever zone the machine is set to. */
#define HALL_STATS_UTC_OFFSET (8 * 3600)

/* The hall's day (UTC+08:00) of the instant @unix_seconds, into @day. */
void            hall_stats_month_hall_day   (gint64          unix_seconds,
                                             GDate          *day);

/* Which date of a range is at fault. */
typedef enum
{
  HALL_STATS_RANGE_FROM,
  HALL_STATS_RANGE_TO
} HallStatsRangeField;

/* Whether @from … @to (YYYY-MM-DD, the hall's days) is a range the page
 * shows: both dates exist, @from ≤ @to, and it spans at most a year (the
 * same day a year on is too far: 2026-01-01 … 2026-12-31 is the longest
 * from New Year's Day). Otherwise a HALL_VALIDATION_ERROR naming the date
 * at fault, and *@field says which. */
gboolean        hall_stats_month_check_range (const char          *from,
                                              const char          *to,
                                              HallStatsRangeField *field,
                                              GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStatsMonth, hall_stats_month_free)

G_END_DECLS
