/* hall-ctl-calendar.c — service-hall-ctl calendar show|set: the hall's
 * calendar, which the administrator sets on the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hall-calendar.h"
#include "hall-ctl.h"

/* The version in an ETag such as "3"; 0 when it is not one. */
static gint64
etag_version (HallHttpResponse *response)
{
  const char *etag = hall_http_response_get_header (response, "etag");
  g_autofree char *digits = NULL;
  gint64 version;

  if (etag == NULL || strlen (etag) < 3 || etag[0] != '"' || etag[strlen (etag) - 1] != '"')
    return 0;
  digits = g_strndup (etag + 1, strlen (etag) - 2);
  if (!g_ascii_string_to_signed (digits, 10, 1, G_MAXINT64, &version, NULL))
    return 0;
  return version;
}

static HallHttpResponse *
send_calendar (HallSyncEngine *engine,
               const char     *method,
               const char     *body,
               const char     *if_match,
               GError        **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hall_sync_engine_send_if_match_async (engine, method, "/v1/calendar", body, NULL, if_match,
                                        NULL, hall_ctl_store_result, &result);
  hall_ctl_wait (&result);
  return hall_sync_engine_send_finish (engine, result, error);
}

/* On stderr: the year a promise may run into whose holidays are not set. */
static void
warn_missing_year (HallCalendar *calendar)
{
  int year = hall_calendar_missing_year (calendar, g_get_real_time () / G_USEC_PER_SEC);

  if (year != 0)
    g_printerr (_("Warning: the holidays of %d are not set: promises that run into %d count "
                  "weekdays only.\nSet them once the State Council publishes them.\n"),
                year, year);
}

static void
print_calendar (HallCalendar *calendar)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *pretty = NULL;

  json_parser_load_from_data (parser, hall_calendar_get_json (calendar), -1, NULL);
  pretty = json_to_string (json_parser_get_root (parser), TRUE);
  g_print ("%s\n", pretty);
}

static int
show (HallCtl        *ctl,
      HallSyncEngine *engine)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (HallCalendar) calendar = NULL;
  g_autofree char *text = NULL;
  gint64 version = 0;

  response = send_calendar (engine, "GET", NULL, NULL, &error);
  if (response == NULL && g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE))
    {
      g_autoptr (GError) kept_error = NULL;

      /* What this counter counts in while the server is away. */
      calendar = hall_store_load_calendar (ctl->store, &version, &kept_error);
      if (calendar == NULL)
        return hall_ctl_fail ("calendar show", error);
      g_printerr (_("The server cannot be reached; the calendar kept on this counter, "
                    "version %" PRId64 ":\n"),
                  version);
      print_calendar (calendar);
      warn_missing_year (calendar);
      return EX_OK;
    }
  if (response == NULL)
    return hall_ctl_fail ("calendar show", error);
  if (response->status != 200)
    {
      g_autofree char *detail = hall_ctl_problem_detail (response);

      g_printerr (_("service-hall-ctl calendar show: the server refused (%u): %s\n"),
                  response->status, detail);
      return response->status == 403 ? EX_NOPERM : EX_PROTOCOL;
    }
  text = hall_http_response_dup_text (response);
  version = etag_version (response);
  calendar = hall_calendar_new_checked (text, -1, _("the server’s calendar"), NULL, &error);
  if (calendar == NULL)
    return hall_ctl_fail ("calendar show", error);
  g_printerr (_("The hall’s calendar, version %" PRId64 ":\n"), version);
  print_calendar (calendar);
  warn_missing_year (calendar);
  return EX_OK;
}

static int
set (HallCtl        *ctl,
     HallSyncEngine *engine,
     const char     *path,
     gint64          expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr (HallCalendar) calendar = NULL;
  g_autoptr (HallCalendar) kept = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autofree char *if_match = NULL;
  g_autofree char *text = NULL;
  gint64 version;

  /* Checked here first, as the server checks it: the field and the date. */
  calendar = hall_calendar_new_from_file (file, &error);
  if (calendar == NULL)
    {
      g_printerr ("service-hall-ctl calendar set: %s\n", error->message);
      return g_error_matches (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_READ)
               || error->domain == G_IO_ERROR
             ? EX_NOINPUT
             : EX_DATAERR;
    }

  version = expected;
  if (version == 0)
    {
      response = send_calendar (engine, "GET", NULL, NULL, &error);
      if (response == NULL)
        return hall_ctl_fail ("calendar set", error);
      if (response->status != 200 || (version = etag_version (response)) == 0)
        {
          g_autofree char *detail = hall_ctl_problem_detail (response);

          g_printerr (_("service-hall-ctl calendar set: the server does not say its "
                        "calendar’s version (%u): %s\n"),
                      response->status, detail);
          return EX_PROTOCOL;
        }
      g_clear_pointer (&response, hall_http_response_free);
    }

  if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);
  response = send_calendar (engine, "PUT", hall_calendar_get_json (calendar), if_match, &error);
  if (response == NULL)
    return hall_ctl_fail ("calendar set", error);
  if (response->status != 200)
    {
      g_autofree char *detail = hall_ctl_problem_detail (response);

      g_printerr (_("service-hall-ctl calendar set: the server refused (%u): %s\n"),
                  response->status, detail);
      switch (response->status)
        {
        case 403:
          return EX_NOPERM;
        case 412:
          return EX_TEMPFAIL;
        case 422:
          return EX_DATAERR;
        default:
          return EX_PROTOCOL;
        }
    }
  version = etag_version (response);
  text = hall_http_response_dup_text (response);
  kept = hall_calendar_new_checked (text, -1, _("the server’s calendar"), NULL, NULL);
  /* This profile counts in it at once, without waiting for a sync. */
  if (kept != NULL && version > 0 && !hall_store_save_calendar (ctl->store, kept, version, &error))
    g_printerr ("service-hall-ctl calendar set: %s\n", error->message);
  g_print (_("The hall’s calendar is now version %" PRId64 "; counters count in it "
             "from their next sync\n"),
           version);
  warn_missing_year (calendar);
  return EX_OK;
}

int
hall_ctl_calendar (HallCtl *ctl,
                   int      argc,
                   char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  gint64 expected = 0;
  int exit_code = EX_OK;
  GOptionEntry entries[] = {
    { "if-version", 0, 0, G_OPTION_ARG_INT64, &expected,
      N_("Set it only if the server's calendar is still this version (default: the version "
         "read just before)"),
      N_("VERSION") },
    { NULL }
  };

  context = g_option_context_new (_("show | set FILE — the hall's calendar on the server"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("show: prints the hall's calendar (opening hours, holidays, "
                                  "adjusted working days)\nas the server has it, its version on "
                                  "stderr; offline, the copy kept here.\n"
                                  "set FILE: checks FILE (data/calendar.json's format) and makes "
                                  "it the hall's calendar\n(administrator only); counters count "
                                  "promises in it from their next sync.\n"
                                  "Both warn when the holidays of a year a promise may run into "
                                  "are not set.\n\n"
                                  "Exit status: 0 done; 64 bad usage; 65 the file is refused "
                                  "(the field and date say why);\n66 no such file; 75 the server "
                                  "cannot be reached, or the calendar changed meanwhile;\n77 not "
                                  "an administrator."));
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2 || (g_str_equal (argv[1], "show") && argc != 2)
      || (g_str_equal (argv[1], "set") && argc != 3)
      || (!g_str_equal (argv[1], "show") && !g_str_equal (argv[1], "set")))
    {
      g_printerr (_("Usage: service-hall-ctl calendar show | set FILE\n"));
      return EX_USAGE;
    }

  if (hall_ctl_get_store (ctl, &error) == NULL)
    return hall_ctl_fail ("calendar", error);
  engine = hall_ctl_new_engine (ctl, NULL);
  if (hall_sync_engine_get_server_url (engine) == NULL)
    {
      g_printerr (_("service-hall-ctl calendar: this profile has no server\n"));
      return EX_CONFIG;
    }
  if (g_str_equal (argv[1], "show"))
    return show (ctl, engine);
  return set (ctl, engine, argv[2], expected);
}
