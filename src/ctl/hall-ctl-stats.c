/* hall-ctl-stats.c — service-hall-ctl stats: the supervisor's figures as CSV
 * or as the monthly PDF report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "hall-ctl.h"
#include "hall-stats-pdf.h"
#include "hall-stats-report.h"

static const char *const groupings[] = { "department", "service", "counter", "official", "day",
                                         "hour", NULL };

/* A date "YYYY-MM-DD" that exists, into @date. */
static gboolean
parse_date (const char *text,
            GDate      *date)
{
  unsigned year, month, day;
  char end;

  if (text == NULL || strlen (text) != 10
      || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3
      || !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

/* GET /v1/stats for the dates; NULL with *@exit_code set and the reason
 * printed. */
static HallStatsReport *
fetch (HallSyncEngine *engine,
       const GDate    *from,
       const GDate    *to,
       const char     *by,
       int            *exit_code)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  char from_text[16], to_text[16];
  g_autofree char *path = NULL;
  HallStatsReport *report;

  g_date_strftime (from_text, sizeof from_text, "%Y-%m-%d", from);
  g_date_strftime (to_text, sizeof to_text, "%Y-%m-%d", to);
  path = g_strdup_printf ("/v1/stats?from=%s&to=%s&by=%s", from_text, to_text, by);
  hall_sync_engine_send_async (engine, "GET", path, NULL, NULL, NULL, hall_ctl_store_result,
                               &result);
  hall_ctl_wait (&result);
  response = hall_sync_engine_send_finish (engine, result, &error);
  if (response == NULL)
    {
      *exit_code = hall_ctl_fail ("stats", error);
      return NULL;
    }
  if (response->status != 200)
    {
      g_autofree char *detail = hall_ctl_problem_detail (response);

      g_printerr (_("service-hall-ctl stats: the server refused (%u): %s\n"), response->status,
                  detail);
      *exit_code = response->status == 403 || response->status == 401 ? EX_NOPERM
                   : response->status == 400 || response->status == 422 ? EX_DATAERR
                   : EX_PROTOCOL;
      return NULL;
    }
  text = hall_http_response_dup_text (response);
  report = hall_stats_report_new_from_json (text, -1, &error);
  if (report == NULL)
    {
      g_printerr (_("service-hall-ctl stats: the server’s answer is not figures: %s\n"),
                  error->message);
      *exit_code = EX_PROTOCOL;
    }
  else
    hall_stats_report_set_days (report, from_text, to_text);
  return report;
}

static int
write_pdf (HallCtl        *ctl,
           HallSyncEngine *engine,
           const GDate    *from,
           const GDate    *to,
           GFile          *file)
{
  g_autoptr (HallStatsReport) by_day = NULL;
  g_autoptr (GPtrArray) weeks = NULL;
  g_autoptr (GHashTable) services = NULL;
  g_autoptr (GHashTable) reasons = NULL;
  g_autoptr (GError) error = NULL;
  HallCatalog *catalog;
  GDate start = *from;
  int exit_code = EX_OK;

  catalog = hall_ctl_get_catalog (ctl, &error);
  if (catalog == NULL)
    return hall_ctl_fail ("stats", error);
  by_day = fetch (engine, from, to, "day", &exit_code);
  if (by_day == NULL)
    return exit_code;
  /* The heat map: one report by service for each week (the last may be
   * shorter). */
  weeks = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_report_free);
  while (g_date_compare (&start, to) <= 0)
    {
      GDate end = start;
      HallStatsReport *week;

      g_date_add_days (&end, 6);
      if (g_date_compare (&end, to) > 0)
        end = *to;
      week = fetch (engine, &start, &end, "service", &exit_code);
      if (week == NULL)
        return exit_code;
      g_ptr_array_add (weeks, week);
      start = end;
      g_date_add_days (&start, 1);
    }
  services = hall_stats_service_labels (catalog);
  reasons = hall_stats_reason_labels (catalog, FALSE);
  if (!hall_stats_pdf_write (by_day, weeks, services, reasons, hall_catalog_get_hall_name (catalog),
                             file, &error))
    return hall_ctl_fail ("stats", error);
  return EX_OK;
}

int
hall_ctl_stats (HallCtl *ctl,
                int      argc,
                char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *by = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  GDate from, to;
  int exit_code = EX_OK;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("First day (YYYY-MM-DD)"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("Last day (YYYY-MM-DD)"), N_("DATE") },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by,
      N_("Group by department, service, counter, official, day or hour (default: service)"),
      N_("GROUP") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write the figures as CSV"), N_("FILE") },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the monthly report as a PDF"),
      N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (_("— the supervisor's figures as CSV or a PDF report"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Asks the server (GET /v1/stats; supervisor or administrator) "
                                  "for the figures of the days\nfrom --from to --to and writes "
                                  "them as CSV (UTF-8, one row per group and a total)\nor as the "
                                  "monthly PDF report (headline figures and charts).\n\n"
                                  "Exit status: 0 done; 64 bad usage or dates; 65 the server "
                                  "refused the request;\n73 the file cannot be written; 75 the "
                                  "server cannot be reached;\n76 the answer is not figures; 77 "
                                  "not a supervisor or administrator."));
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1 || (csv == NULL) == (pdf == NULL))
    {
      g_printerr (_("Usage: service-hall-ctl stats --from DATE --to DATE [--by GROUP] "
                    "--csv FILE | --pdf FILE\n"));
      return EX_USAGE;
    }
  if (!parse_date (from_text, &from))
    {
      g_printerr (_("service-hall-ctl stats: --from “%s” is not a date YYYY-MM-DD\n"),
                  from_text != NULL ? from_text : "");
      return EX_USAGE;
    }
  if (!parse_date (to_text, &to))
    {
      g_printerr (_("service-hall-ctl stats: --to “%s” is not a date YYYY-MM-DD\n"),
                  to_text != NULL ? to_text : "");
      return EX_USAGE;
    }
  if (g_date_compare (&from, &to) > 0)
    {
      g_printerr (_("service-hall-ctl stats: --from %s is after --to %s\n"), from_text, to_text);
      return EX_USAGE;
    }
  if (by == NULL)
    by = g_strdup ("service");
  if (!g_strv_contains (groupings, by))
    {
      g_printerr (_("service-hall-ctl stats: --by “%s” is none of department, service, counter, "
                    "official, day, hour\n"),
                  by);
      return EX_USAGE;
    }

  if (hall_ctl_get_store (ctl, &error) == NULL)
    return hall_ctl_fail ("stats", error);
  engine = hall_ctl_new_engine (ctl, NULL);
  if (hall_sync_engine_get_server_url (engine) == NULL)
    {
      g_printerr (_("service-hall-ctl stats: this profile has no server\n"));
      return EX_CONFIG;
    }
  if (csv != NULL)
    {
      g_autoptr (HallStatsReport) report = fetch (engine, &from, &to, by, &exit_code);
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (csv);
      g_autoptr (GHashTable) labels = NULL;

      if (report == NULL)
        return exit_code;
      /* By service, the services' names beside their ids, as the app
       * exports them. */
      if (g_str_equal (by, "service"))
        {
          HallCatalog *catalog = hall_ctl_get_catalog (ctl, &error);

          if (catalog == NULL)
            return hall_ctl_fail ("stats", error);
          labels = hall_stats_service_labels (catalog);
        }
      if (!hall_stats_report_write_csv (report, labels, file, &error))
        {
          g_printerr ("service-hall-ctl stats: %s\n", error->message);
          return EX_CANTCREAT;
        }
      return EX_OK;
    }
  {
    g_autoptr (GFile) file = g_file_new_for_commandline_arg (pdf);

    exit_code = write_pdf (ctl, engine, &from, &to, file);
  }
  return exit_code;
}
