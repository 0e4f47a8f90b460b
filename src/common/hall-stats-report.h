/* hall-stats-report.h — the figures of GET /v1/stats, read and written as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hall-catalog.h"

G_BEGIN_DECLS

/* A count the server may hide: @count is -1 when the server sent null
 * (@suppressed: 1–4 cases, shown as "< 5") or did not send the member at
 * all (@suppressed FALSE: a server older than the figures, shown as "—"). */
typedef struct
{
  gint64   count;
  gboolean suppressed;
} HallStatsCount;

/* A share from 0 to 1; @value is NAN when null or absent. */
typedef struct
{
  double   value;
  gboolean suppressed;
} HallStatsShare;

/* One row of figures: a group (@key: a service id, a day "2026-12-03", an
 * hour "09", …) or the total (@key NULL). */
typedef struct
{
  char           *key;
  HallStatsCount  opened;
  HallStatsCount  finished;
  HallStatsShare  finished_share;
  HallStatsCount  on_time;
  HallStatsShare  on_time_share;
  HallStatsCount  overdue_now;
  HallStatsShare  overdue_share;
  HallStatsCount  returned;
  HallStatsCount  rejected;
} HallStatsFigures;

/* The top return and reject reasons: @kind "return" or "reject", @reason
 * the catalog's reason id or "other". */
typedef struct
{
  char           *kind;
  char           *reason;
  HallStatsCount  count;
} HallStatsReason;

/* One hour of the hall's local day with tickets; minutes are NAN when
 * null. */
typedef struct
{
  char            hour[3];
  HallStatsCount  tickets;
  double          wait_median_minutes;
  double          wait_p90_minutes;
  HallStatsCount  no_shows;
  HallStatsCount  abandoned;
} HallStatsHour;

/* The answer of GET /v1/stats. Plain data, never changed once read, so it
 * may be drawn on a worker thread. */
typedef struct
{
  char             *from;     /* the hall's first and last day, YYYY-MM-DD, */
  char             *to;       /* once hall_stats_report_set_days() named them */
  char             *by;
  gint64            min_cell;
  GPtrArray        *groups;   /* (element-type HallStatsFigures) */
  HallStatsFigures *total;
  GPtrArray        *reasons;  /* (element-type HallStatsReason), most first */
  GArray           *hours;    /* (element-type HallStatsHour) */
  gboolean          local;    /* counted by a counter from its own cases,
                               * not by the server: no queue figures */
} HallStatsReport;

/* (transfer full) (nullable): the report in @json, the body GET /v1/stats
 * answers. Members the issue-14 extension adds may be absent (an older
 * server); a member of the wrong type is a HALL_VALIDATION_ERROR naming it
 * and where it is ("groups[3].opened.count"). */
HallStatsReport *hall_stats_report_new_from_json (const char      *json,
                                                  gssize           length,
                                                  GError         **error);
void             hall_stats_report_free          (HallStatsReport *self);
/* The server answers its range as the UTC instants where the hall's days
 * begin and end ("2026-11-30T16:00:00Z" for 2026-12-01 at +08:00); the
 * charts, the CSV and the PDF name the days asked for, which the one who
 * asked sets here. */
void             hall_stats_report_set_days      (HallStatsReport *self,
                                                  const char      *from_day,
                                                  const char      *to_day);

/* (transfer full): the report as CSV for a spreadsheet: a UTF-8 byte order
 * mark (LibreOffice then reads Chinese right), a header row, one row per
 * group and a last row "total". Hidden counts are written "<5", absent ones
 * empty; shares as percentages with one decimal. With @labels (nullable:
 * group keys to names, hall_stats_service_labels()) a column "name" follows
 * the key, empty where a key has no label. */
char            *hall_stats_report_to_csv        (HallStatsReport *self,
                                                  GHashTable      *labels);
/* Writes hall_stats_report_to_csv() to @file, replacing it. */
gboolean         hall_stats_report_write_csv     (HallStatsReport *self,
                                                  GHashTable      *labels,
                                                  GFile           *file,
                                                  GError         **error);

/* The text a count is shown with: "12", "< 5" or "—". */
char            *hall_stats_count_to_string      (const HallStatsCount *count);
/* "87.5 %", "< 5" or "—". */
char            *hall_stats_share_to_string      (const HallStatsShare *share);
/* The share of @figures finished on time: "—" when nothing was finished
 * (a share of no cases is no figure, not a small cell), else as
 * hall_stats_share_to_string(). */
char            *hall_stats_on_time_to_string    (const HallStatsFigures *figures);

/* (transfer full) (element-type utf8 utf8): the names of @catalog's
 * services by id, in the user's language, for the charts. */
GHashTable      *hall_stats_service_labels       (HallCatalog     *catalog);
/* (transfer full) (element-type utf8 utf8): the return and reject reasons
 * of @catalog (common and every service's own) by code, in the user's
 * language, or in Chinese when @chinese. */
GHashTable      *hall_stats_reason_labels        (HallCatalog     *catalog,
                                                  gboolean         chinese);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStatsReport, hall_stats_report_free)

G_END_DECLS
