/* hall-calendar.h — the hall's working calendar: opening hours, public
 * holidays and the adjusted working days (调休)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A time the clock of a case stood still: from @start to @end (Unix
 * seconds), @end 0 while it still stands. */
typedef struct
{
  gint64 start;
  gint64 end;
} HallPause;

/* What a case's promise comes to (hall_calendar_compute_promise()). */
typedef struct
{
  gint64   due;      /* when it is promised, 0 while paused */
  gboolean paused;   /* the clock stands now */
  gboolean in_days;  /* counted in working days, not working minutes */
  guint    left;     /* while paused: working days or minutes left when it goes on */
  guint    amount;   /* the service's promise: working days or minutes */
} HallPromise;

#define HALL_TYPE_CALENDAR (hall_calendar_get_type ())
G_DECLARE_FINAL_TYPE (HallCalendar, hall_calendar, HALL, CALENDAR, GObject)

/* The hall's calendar, read from JSON (data/calendar.json):
 *
 *   {"version": 1, "timezone": "+08:00",
 *    "hours": {"mon": ["09:00-12:00", "13:00-17:00"], …, "sun": []},
 *    "holidays": ["2026-10-01", …], "workdays": ["2026-10-10", …]}
 *
 * "hours" gives each weekday's opening hours (every weekday named, a list
 * of "HH:MM-HH:MM" in order, possibly empty); "holidays" are closed days;
 * "workdays" are the adjusted working days the State Council announces,
 * open with Monday's hours though they fall on a weekend. A date may not
 * be both. Times are in "timezone" (an offset or a tz identifier), so that
 * the counter and the server count the same whatever their own zone.
 *
 * A promise of whole days (a multiple of 1440 minutes) is N working days:
 * the case is promised by the closing time of the Nth working day after
 * the day it was taken in. Any other promise is N working minutes, counted
 * only while the hall is open; taken in after hours, the count starts at
 * the next opening. The clock stands while the case waits for the
 * applicant (missing documents, returned) and goes on when they bring
 * what was asked (补正).
 *
 * Immutable once built; safe to share between threads. */

HallCalendar *hall_calendar_new_from_data          (const char         *data,
                                                    gssize              length,
                                                    const char         *origin,
                                                    GError            **error);
/* The same, and on failure *@field_out (transfer full) the field at fault
 * ("holidays[3]", "hours.mon", "version"; the member given twice, or
 * NULL, when the text is not strict JSON), for an answer that names it. */
HallCalendar *hall_calendar_new_checked            (const char         *data,
                                                    gssize              length,
                                                    const char         *origin,
                                                    char              **field_out,
                                                    GError            **error);
HallCalendar *hall_calendar_new_from_file          (GFile              *file,
                                                    GError            **error);
/* $SERVICE_HALL_CALENDAR, else the installed calendar.json, else the
 * source tree's. */
HallCalendar *hall_calendar_new_default            (GError            **error);
/* The canonical JSON it was read from. */
const char   *hall_calendar_get_json               (HallCalendar       *self);
/* (transfer none) */
GTimeZone    *hall_calendar_get_timezone           (HallCalendar       *self);

/* Whether the hall opens on the day @year-@month-@day. */
gboolean      hall_calendar_is_working_day         (HallCalendar       *self,
                                                    int                 year,
                                                    int                 month,
                                                    int                 day);
/* Whether the calendar lists any holiday or adjusted working day in
 * @year. The State Council publishes a year's in the autumn before; a
 * year without them counts weekdays only, and the administrator is told. */
gboolean      hall_calendar_has_holidays_of        (HallCalendar       *self,
                                                    int                 year);
/* The year a promise made at @now may run into whose holidays are not
 * set: @now's own year, or from November on (the State Council announces
 * the next year's around then) the next; 0 when both are set. */
int           hall_calendar_missing_year           (HallCalendar       *self,
                                                    gint64              now);
/* @at itself when the hall is open then, else its next opening. */
gint64        hall_calendar_next_opening           (HallCalendar       *self,
                                                    gint64              at);
/* The time @minutes of opening hours after @start. */
gint64        hall_calendar_add_working_minutes    (HallCalendar       *self,
                                                    gint64              start,
                                                    guint               minutes);
/* The closing time of the @days-th working day after @start's day. */
gint64        hall_calendar_add_working_days       (HallCalendar       *self,
                                                    gint64              start,
                                                    guint               days);
/* Opening minutes between @from and @to. */
guint         hall_calendar_working_minutes_between (HallCalendar      *self,
                                                    gint64              from,
                                                    gint64              to);
/* Working days after @from's day and before @to's day. */
guint         hall_calendar_working_days_between   (HallCalendar       *self,
                                                    gint64              from,
                                                    gint64              to);
/* When a promise of @promised_minutes (the catalog's) made at @start is
 * due, with no pause. */
gint64        hall_calendar_promise                (HallCalendar       *self,
                                                    guint               promised_minutes,
                                                    gint64              start);
/* The promise of @promised_minutes made at @start with the clock stopped
 * during @pauses (in order, not overlapping; only the last may be open). */
void          hall_calendar_compute_promise        (HallCalendar       *self,
                                                    guint               promised_minutes,
                                                    gint64              start,
                                                    const HallPause    *pauses,
                                                    guint               n_pauses,
                                                    HallPromise        *promise);

G_END_DECLS
