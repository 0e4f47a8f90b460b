/* hall-case-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-cases"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-case-format.h"

char *
hall_format_masked_document (const char *number)
{
  GString *masked;
  glong len;
  glong keep;
  const char *p;
  glong i;

  if (number == NULL || *number == '\0')
    return g_strdup ("");

  len = g_utf8_strlen (number, -1);
  keep = MIN (len / 4, 4);
  masked = g_string_new (NULL);
  for (p = number, i = 0; *p != '\0'; p = g_utf8_next_char (p), i++)
    {
      if (i < keep || i >= len - keep)
        g_string_append_unichar (masked, g_utf8_get_char (p));
      else
        g_string_append_c (masked, '*');
    }

  return g_string_free (masked, FALSE);
}

char *
hall_format_duration (gint64   seconds,
                      gboolean with_seconds)
{
  gint64 days, hours, minutes, secs;

  seconds = ABS (seconds);
  days = seconds / 86400;
  hours = (seconds % 86400) / 3600;
  minutes = (seconds % 3600) / 60;
  secs = seconds % 60;

  /* "1 h", not "1 h 0 min": a zero says nothing. */
  if (days > 0 && hours == 0)
    /* Translators: a duration in whole days */
    return g_strdup_printf (_("%d d"), (int) days);
  if (days > 0)
    /* Translators: a duration in days and hours */
    return g_strdup_printf (_("%d d %d h"), (int) days, (int) hours);
  if (hours > 0 && minutes == 0)
    /* Translators: a duration in whole hours */
    return g_strdup_printf (_("%d h"), (int) hours);
  if (hours > 0)
    /* Translators: a duration in hours and minutes */
    return g_strdup_printf (_("%d h %d min"), (int) hours, (int) minutes);
  if (with_seconds)
    {
      if (minutes > 0)
        /* Translators: a duration in minutes and seconds */
        return g_strdup_printf (_("%d min %d s"), (int) minutes, (int) secs);
      /* Translators: a duration in seconds */
      return g_strdup_printf (_("%d s"), (int) secs);
    }

  /* Translators: a duration in minutes */
  return g_strdup_printf (_("%d min"), (int) MAX (minutes, 1));
}

char *
hall_format_countdown (gint64    promised_at,
                       gint64    now,
                       gboolean  with_seconds,
                       gboolean *overdue)
{
  g_autofree char *duration = NULL;
  gint64 left = promised_at - now;

  if (overdue != NULL)
    *overdue = left < 0;

  duration = hall_format_duration (left, with_seconds);
  if (left < 0)
    /* Translators: %s is a duration such as "1 h 12 min" */
    return g_strdup_printf (_("Overdue by %s"), duration);

  /* Translators: %s is a duration such as "1 h 12 min" */
  return g_strdup_printf (_("Due in %s"), duration);
}

/* GLib 2.74 reads the zone's file again for each local time when TZ is
 * unset (g_time_zone_new_local () compares the zone's name with TZ), and
 * the case list formats a time for every row it binds. */
GTimeZone *
hall_format_local_zone (void)
{
  static GTimeZone *local;

  if (g_once_init_enter (&local))
    g_once_init_leave (&local, g_time_zone_new_local ());
  return local;
}

char *
hall_format_timestamp (gint64 unix_seconds)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) dt = NULL;

  if (unix_seconds <= 0)
    return g_strdup ("—");

  utc = g_date_time_new_from_unix_utc (unix_seconds);
  if (utc == NULL)
    return g_strdup ("—");
  dt = g_date_time_to_timezone (utc, hall_format_local_zone ());

  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

char *
hall_format_claim (const char *official,
                   gint64      at)
{
  g_autofree char *when = hall_format_timestamp (at);

  if (official == NULL || *official == '\0')
    /* Translators: a time as a counter's computer told it, which may be
     * wrong; the server's clock is the one it is checked against. */
    return g_strdup_printf (_("%s (counter’s clock)"), when);
  /* Translators: "2026-11-27 14:05 by wang.fang (counter’s clock)" */
  return g_strdup_printf (_("%s by %s (counter’s clock)"), when, official);
}

char *
hall_format_server_record (const char *claimed_by,
                           gint64      claimed_at,
                           const char *recorded_by,
                           gint64      recorded_at,
                           gboolean   *differs)
{
  g_autofree char *when = NULL;
  g_autofree char *gap = NULL;
  gint64 delta;

  if (differs != NULL)
    *differs = FALSE;
  if (recorded_by == NULL)
    return NULL;

  when = hall_format_timestamp (recorded_at);
  delta = recorded_at - claimed_at;
  if (claimed_by != NULL && *claimed_by != '\0' && g_strcmp0 (claimed_by, recorded_by) != 0)
    {
      if (differs != NULL)
        *differs = TRUE;
      /* Translators: "The server recorded this from li.na at 2026-11-27
       * 14:42, not from wang.fang": the official signed in when it reached
       * the server is not the one the counter named. */
      return g_strdup_printf (_("The server recorded this from %s at %s, not from %s"),
                              recorded_by, when, claimed_by);
    }
  if (recorded_at > 0 && claimed_at > 0 && ABS (delta) > HALL_FORMAT_CLOCK_SLACK)
    {
      if (differs != NULL)
        *differs = TRUE;
      gap = hall_format_duration (ABS (delta), FALSE);
      if (delta > 0)
        /* Translators: "The server recorded this from li.na at 2026-11-27
         * 16:42, 2 h 37 min after the counter’s time" */
        return g_strdup_printf (_("The server recorded this from %s at %s, %s after the "
                                  "counter’s time"),
                                recorded_by, when, gap);
      /* Translators: the counter's clock was ahead of the server's. */
      return g_strdup_printf (_("The server recorded this from %s at %s, %s before the "
                                "counter’s time"),
                              recorded_by, when, gap);
    }
  /* Translators: "The server recorded this from li.na at 2026-11-27 14:05" */
  return g_strdup_printf (_("The server recorded this from %s at %s"), recorded_by, when);
}

char *
hall_format_last_sync (gint64 last_sync,
                       gint64 now)
{
  g_autofree char *duration = NULL;

  if (last_sync <= 0)
    return g_strdup (_("Never synced"));
  if (now - last_sync < 60)
    return g_strdup (_("Synced just now"));

  duration = hall_format_duration (now - last_sync, FALSE);
  /* Translators: %s is a duration such as "5 min" */
  return g_strdup_printf (_("Synced %s ago"), duration);
}

const char *
hall_format_service_name (HallCatalog *catalog,
                          const char  *service_id,
                          const char  *stored_name)
{
  HallService *service = NULL;

  if (catalog != NULL && service_id != NULL)
    service = hall_catalog_lookup (catalog, service_id);
  if (service != NULL)
    return hall_service_get_name (service);
  if (stored_name != NULL && *stored_name != '\0')
    return stored_name;
  return service_id != NULL ? service_id : "";
}

gboolean
hall_case_state_is_open (HallCaseState state)
{
  switch (state)
    {
    case HALL_CASE_RECEIVED:
    case HALL_CASE_IN_REVIEW:
    case HALL_CASE_RETURNED:
      return TRUE;
    case HALL_CASE_APPROVED:
    case HALL_CASE_REJECTED:
    case HALL_CASE_COMPLETED:
    case HALL_CASE_WITHDRAWN:
    default:
      return FALSE;
    }
}

const char *
hall_sync_state_get_icon_name (HallSyncState state)
{
  switch (state)
    {
    case HALL_SYNC_PENDING:
      return "emblem-synchronizing-symbolic";
    case HALL_SYNC_SYNCED:
      return "emblem-ok-symbolic";
    case HALL_SYNC_REJECTED:
      return "dialog-error-symbolic";
    case HALL_SYNC_CONFLICT:
    default:
      return "dialog-warning-symbolic";
    }
}

const char *
hall_sync_state_get_label (HallSyncState state)
{
  switch (state)
    {
    case HALL_SYNC_PENDING:
      return _("Waiting to be sent to the server");
    case HALL_SYNC_SYNCED:
      return _("Acknowledged by the server");
    case HALL_SYNC_REJECTED:
      return _("Rejected by the server");
    case HALL_SYNC_CONFLICT:
    default:
      return _("Changed elsewhere as well: both versions are kept");
    }
}
