/* hall-sync-calendar.c — pulling the hall's calendar (GET /v1/calendar),
 * which the administrator sets on the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-calendar.h"
#include "hall-core-error.h"
#include "hall-sync-engine-private.h"

/* The version in an ETag such as "3"; 0 when it is not one. */
static gint64
etag_version (const char *etag)
{
  g_autofree char *digits = NULL;
  gint64 version;

  if (etag == NULL || strlen (etag) < 3 || etag[0] != '"' || etag[strlen (etag) - 1] != '"')
    return 0;
  digits = g_strndup (etag + 1, strlen (etag) - 2);
  if (!g_ascii_string_to_signed (digits, 10, 1, G_MAXINT64, &version, NULL))
    return 0;
  return version;
}

/* Kept in the store only when it is new, and then told to the engine: the
 * app counts its next promises in it. A calendar the server sends that
 * this counter cannot read leaves the one before in place. */
gboolean
_hall_sync_pull_calendar (HallSyncWorker  *worker,
                          HallSyncReport  *report,
                          GError         **error)
{
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (HallCalendar) calendar = NULL;
  g_autoptr (HallCalendar) kept = NULL;
  g_autofree char *text = NULL;
  gint64 version;
  gint64 kept_version = 0;

  response = _hall_sync_send_authorized (worker, "GET", "/v1/calendar", NULL, NULL, error);
  if (response == NULL)
    return FALSE;
  /* A server from before the calendar was set there: the file's counts. */
  if (response->status == 404)
    return TRUE;
  if (response->status == 401)
    {
      _hall_sync_set_auth_error (error);
      return FALSE;
    }
  if (response->status != 200)
    {
      g_autofree char *problem = _hall_sync_describe_problem (response);

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("the server refused to give the hall’s calendar: %s"), problem);
      return FALSE;
    }
  version = etag_version (hall_http_response_get_header (response, "etag"));
  kept = hall_store_load_calendar (worker->store, &kept_version, NULL);
  if (version != 0 && kept != NULL && version == kept_version)
    return TRUE;
  text = hall_http_response_dup_text (response);
  calendar = hall_calendar_new_checked (text, -1, _("the server’s calendar"), NULL, error);
  if (calendar == NULL || version == 0)
    {
      g_clear_error (error);
      g_set_error_literal (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                           _("the server’s calendar cannot be read by this counter; the one "
                             "before stays in use"));
      return FALSE;
    }
  if (!hall_store_save_calendar (worker->store, calendar, version, error))
    return FALSE;
  g_debug ("pulled the hall's calendar, version %" G_GINT64_FORMAT, version);
  report->calendar_changed = TRUE;
  return TRUE;
}
