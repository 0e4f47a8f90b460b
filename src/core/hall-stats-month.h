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
 * one week at a time. Plain data, never changed once made. */
typedef struct
{
  char            *from;      /* the hall's first and last day, YYYY-MM-DD */
  char            *to;
  HallStatsReport *by_day;
  GPtrArray       *weeks;     /* (element-type HallStatsReport) oldest first */
  gint64           as_of;     /* when the figures were read, Unix seconds */
} HallStatsMonth;

/* (transfer full): an empty month of @from … @to. */
HallStatsMonth *hall_stats_month_new        (const char     *from,
                                             const char     *to);
void            hall_stats_month_free       (HallStatsMonth *self);
/* (transfer full) (element-type utf8): the weeks of @from … @to as
 * "FROM|TO" (seven days each, the last may be shorter); NULL when a date
 * is not YYYY-MM-DD or @to is before @from. */
GPtrArray      *hall_stats_month_split_weeks (const char    *from,
                                              const char    *to);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStatsMonth, hall_stats_month_free)

G_END_DECLS
