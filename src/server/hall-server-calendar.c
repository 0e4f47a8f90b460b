/* hall-server-calendar.c — the hall's calendar, as the administrator sets it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /v1/calendar   every signed-in role: the calendar's JSON, its version
 *                    as the ETag (counters count promises in it)
 * PUT /v1/calendar   administrator: a whole calendar, with If-Match naming
 *                    the version it replaces; checked as the file is
 *
 * Until an administrator sets one, the calendar is the file the server was
 * started with, version 1. A set calendar is kept by the storage (SQLite or
 * PostgreSQL) and wins over the file at the next start. The catalog holds
 * the calendar the server counts in; it is swapped after the commit, and a
 * request that took the one before keeps it to its end. A GET that finds a
 * newer version stored (set through another server of a city) swaps it in
 * too.
 *
 * Every calendar the server counted in is kept: a counter that was offline
 * while the calendar changed printed its citizen a promise in the one
 * before, and that promise is accepted (_hall_server_promise_was_made()).
 */
#define G_LOG_DOMAIN "hall-server"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <microhttpd.h>

#include "hall-calendar.h"
#include "hall-if-match.h"
#include "hall-problem.h"
#include "hall-server-error.h"
#include "hall-server-private.h"

/* The version of the calendar the server was started with. */
#define FILE_VERSION 1

/* Swaps @calendar in as @version, unless a newer one is in already. */
static void
use_calendar (HallServer   *self,
              HallCalendar *calendar,
              gint64        version)
{
  g_mutex_lock (&self->calendar_mutex);
  if (version > self->calendar_version)
    {
      g_ptr_array_add (self->calendars, g_object_ref (calendar));
      hall_catalog_set_calendar (self->catalog, calendar);
      self->calendar_version = version;
      g_info ("The hall’s calendar is now version %" G_GINT64_FORMAT, version);
    }
  g_mutex_unlock (&self->calendar_mutex);
}

/* (transfer full): the stored calendar's JSON and version, or the file's
 * with FILE_VERSION; NULL on a database error. */
static char *
current_calendar (HallServer         *self,
                  HallServerStorage  *storage,
                  gint64             *version_out,
                  GError            **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (HallCalendar) calendar = NULL;
  char *data = hall_server_storage_get_calendar (storage, version_out, &local_error);

  if (data != NULL)
    return data;
  if (!g_error_matches (local_error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  calendar = hall_catalog_dup_calendar (self->catalog);
  *version_out = FILE_VERSION;
  return g_strdup (calendar != NULL ? hall_calendar_get_json (calendar) : "");
}

gboolean
_hall_server_load_calendar (HallServer  *self,
                            GError     **error)
{
  g_autoptr (GPtrArray) stored = NULL;
  HallCalendar *file = hall_catalog_dup_calendar (self->catalog);

  self->calendar_version = FILE_VERSION;
  self->calendars = g_ptr_array_new_with_free_func (g_object_unref);
  if (file != NULL)
    g_ptr_array_add (self->calendars, file);
  stored = hall_server_storage_list_calendars (self->storage, error);
  if (stored == NULL)
    return FALSE;
  /* Versions count from 2 (the file's is 1), one a write. */
  for (guint i = 0; i < stored->len; i++)
    {
      g_autoptr (HallCalendar) calendar = NULL;

      calendar = hall_calendar_new_checked (g_ptr_array_index (stored, i), -1,
                                            _("a calendar the administrator set"), NULL, error);
      if (calendar == NULL)
        return FALSE;
      use_calendar (self, calendar, FILE_VERSION + 1 + i);
    }
  return TRUE;
}

/* Takes in the calendars another server of the city stored since this one
 * last looked (versions count up from FILE_VERSION + 1, one a write);
 * whether there were any. */
static gboolean
catch_up (HallServer *self)
{
  g_autoptr (GPtrArray) stored = NULL;
  g_autoptr (GError) error = NULL;
  gboolean found = FALSE;
  gint64 in_use;

  g_mutex_lock (&self->calendar_mutex);
  in_use = self->calendar_version;
  g_mutex_unlock (&self->calendar_mutex);
  stored = hall_server_storage_list_calendars (self->storage, &error);
  if (stored == NULL)
    {
      g_warning ("Could not read the hall’s calendars: %s", error->message);
      return FALSE;
    }
  for (guint i = 0; i < stored->len; i++)
    {
      g_autoptr (HallCalendar) calendar = NULL;
      gint64 version = FILE_VERSION + 1 + i;

      if (version <= in_use)
        continue;
      calendar = hall_calendar_new_checked (g_ptr_array_index (stored, i), -1, "calendar", NULL,
                                            NULL);
      if (calendar == NULL)
        continue;
      use_calendar (self, calendar, version);
      found = TRUE;
    }
  return found;
}

static gboolean
promise_in_known (HallServer  *self,
                  HallService *service,
                  gint64       created_at,
                  gint64       promised_at)
{
  g_autoptr (GPtrArray) calendars = g_ptr_array_new_with_free_func (g_object_unref);

  g_mutex_lock (&self->calendar_mutex);
  for (guint i = 0; i < self->calendars->len; i++)
    g_ptr_array_add (calendars, g_object_ref (g_ptr_array_index (self->calendars, i)));
  g_mutex_unlock (&self->calendar_mutex);

  for (guint i = calendars->len; i > 0; i--)
    if (hall_calendar_promise (g_ptr_array_index (calendars, i - 1),
                               hall_service_get_promised_minutes (service), created_at)
        == promised_at)
      return TRUE;
  return FALSE;
}

gboolean
_hall_server_promise_was_made (HallServer  *self,
                               HallService *service,
                               gint64       created_at,
                               gint64       promised_at)
{
  /* A counter that synced through another server may know a newer one. */
  return promise_in_known (self, service, created_at, promised_at)
         || (catch_up (self) && promise_in_known (self, service, created_at, promised_at));
}

/* GET */

static HallServerResponse *
answer_get (HallServer *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  HallServerResponse *response;
  gint64 version = 0;
  gint64 in_use;

  data = current_calendar (self, self->storage, &version, &error);
  if (data == NULL)
    return hall_problem_response_internal (error);
  if (*data == '\0')
    return hall_problem_response (404, NULL, _("This server counts without a calendar"));

  g_mutex_lock (&self->calendar_mutex);
  in_use = self->calendar_version;
  g_mutex_unlock (&self->calendar_mutex);
  if (version > in_use)
    {
      g_autoptr (HallCalendar) calendar = hall_calendar_new_checked (data, -1, "calendar", NULL,
                                                                     NULL);

      if (calendar != NULL)
        use_calendar (self, calendar, version);
    }

  response = hall_server_response_new_text (200, "application/json", data);
  response->etag = version;
  return response;
}

/* PUT */

typedef struct
{
  HallServerRequest *request;
  HallCalendar      *calendar;
  gint64             version;   /* the new one, once written */
} CalendarWrite;

static void
calendar_write_free (CalendarWrite *write)
{
  g_clear_object (&write->calendar);
  g_free (write);
}

/* On the writer thread: the If-Match is judged against the version stored
 * in the same transaction, so two administrators cannot both win. */
static gboolean
calendar_write (HallServerStorage  *storage,
                gpointer            user_data,
                GError            **error)
{
  CalendarWrite *write = user_data;
  HallServerRequest *request = write->request;
  HallServer *self = request->server;
  const char *json = hall_calendar_get_json (write->calendar);
  g_autofree char *stored = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 version = 0;

  stored = current_calendar (self, storage, &version, error);
  if (stored == NULL)
    return FALSE;
  /* The same calendar again (a resent request) changes nothing. */
  if (g_strcmp0 (stored, json) == 0)
    {
      request->response = hall_server_response_new_text (200, "application/json", stored);
      request->response->etag = version;
      return TRUE;
    }
  switch (hall_if_match_evaluate (request->if_match, version))
    {
    case HALL_IF_MATCH_PASS:
      break;
    case HALL_IF_MATCH_MALFORMED:
      request->response = hall_problem_response (400, "If-Match",
                                                 _("If-Match must be the calendar’s version "
                                                   "such as \"3\", not %s"),
                                                 request->if_match);
      return TRUE;
    case HALL_IF_MATCH_WEAK:
    case HALL_IF_MATCH_FAIL:
    default:
      request->response = hall_problem_response (412, "If-Match",
                                                 _("The calendar was changed first: the server "
                                                   "has version %" PRId64 ", not %s; "
                                                   "read it again and make your change to it"),
                                                 version, request->if_match);
      return TRUE;
    }
  if (!hall_server_storage_put_calendar (storage, version + 1, json, request->username,
                                         &local_error))
    {
      if (!g_error_matches (local_error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Another server stored the next version after this one read it. */
      request->response = hall_problem_response (412, "If-Match",
                                                 _("The calendar was changed first: the server "
                                                   "has a version after %" PRId64 "; read it "
                                                   "again and make your change to it"),
                                                 version);
      return TRUE;
    }
  write->version = version + 1;
  request->response = hall_server_response_new_text (200, "application/json", json);
  request->response->etag = write->version;
  return TRUE;
}

static void
calendar_write_done (gpointer      user_data,
                     const GError *error)
{
  CalendarWrite *write = user_data;
  HallServerRequest *request = write->request;

  if (error == NULL && write->version > 0)
    use_calendar (request->server, write->calendar, write->version);
  calendar_write_free (write);
  _hall_server_write_done (request, error);
}

static HallServerResponse *
submit_put (HallServer            *self,
            HallServerRequest     *request,
            struct MHD_Connection *connection)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *field = NULL;
  CalendarWrite *write;
  HallCalendar *calendar;

  if (request->if_match == NULL)
    return hall_problem_response (428, "If-Match",
                                  _("Send If-Match with the version of the calendar you "
                                    "changed (GET /v1/calendar gives it as the ETag)"));
  if (request->body == NULL || request->body->len == 0)
    return hall_problem_response (400, NULL,
                                  _("The request has no body; a calendar is expected"));
  calendar = hall_calendar_new_checked ((const char *) request->body->data,
                                        (gssize) request->body->len, "calendar", &field,
                                        &error);
  if (calendar == NULL)
    {
      if (field == NULL)
        return hall_problem_response (400, NULL, "%s", error->message);
      return hall_problem_response (422, field, "%s", error->message);
    }

  write = g_new0 (CalendarWrite, 1);
  write->request = request;
  write->calendar = calendar;
  MHD_suspend_connection (connection);
  hall_group_committer_submit (self->committer, calendar_write, calendar_write_done, write);
  return NULL;
}

HallServerResponse *
_hall_server_answer_calendar (HallServer            *self,
                              HallServerRequest     *request,
                              struct MHD_Connection *connection)
{
  if (request->method == HALL_METHOD_PUT)
    return submit_put (self, request, connection);
  return answer_get (self);
}
