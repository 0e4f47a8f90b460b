/* main.c — service-hall-ctl: the counter's core without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-ctl.h"
#include "hall-i18n.h"

typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (HallCtl *ctl,
                    int      argc,
                    char   **argv);
} Command;

static const Command commands[] = {
  { "login", N_("Sign this counter in to the server"), hall_ctl_login },
  { "import", N_("Open cases from a JSON Lines file, offline"), hall_ctl_import },
  { "sync", N_("Send waiting changes, fetch the server's"), hall_ctl_sync },
  { "status", N_("What waits to be sent; when sync last ran"), hall_ctl_status },
  { "logout", N_("End the official's sessions on every counter"), hall_ctl_logout },
  { "calendar", N_("Show or set the hall's calendar of holidays"), hall_ctl_calendar },
#ifdef HALL_CTL_WITH_RENDER
  { "license", N_("Issue an approved case's license as a PDF"), hall_ctl_license },
  { "verify", N_("Check a license from its PDF, a photo or its code"), hall_ctl_verify },
#endif
  { "audit", N_("Check a case's audit trail"), hall_ctl_audit },
  { "hall-key", N_("Make the hall's root key, or trust its public key"), hall_ctl_hall_key },
  { "enroll", N_("Certify an official's signing key"), hall_ctl_enroll },
  { "revoke", N_("Revoke a license, or an official's key from a date"), hall_ctl_revoke },
  { "attach", N_("Add files to a document of a case"), hall_ctl_attach },
  { "scan", N_("Scan paper into a document of a case"), hall_ctl_scan },
#ifdef HALL_CTL_WITH_RENDER
  { "dossier", N_("Write a case's documents as one PDF"), hall_ctl_dossier },
  { "stats", N_("Write the supervisor's figures as CSV or a PDF report"), hall_ctl_stats },
#endif
  { "decide", N_("Decide the step of a case your roles allow"), hall_ctl_decide },
};

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:\n"));
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  g_string_append (text, _("\nRun “service-hall-ctl COMMAND --help” for a command's options.\n\n"
                           "The environment may set the sync knobs too: "
                           "SERVICE_HALL_SYNC_ATTEMPTS,\nSERVICE_HALL_SYNC_BACKOFF_MS, "
                           "SERVICE_HALL_SYNC_BACKOFF_CAP_MS,\nSERVICE_HALL_CONNECT_TIMEOUT, "
                           "SERVICE_HALL_LOW_SPEED_TIME, SERVICE_HALL_LOW_SPEED_LIMIT,\n"
                           "SERVICE_HALL_CA_FILE, SERVICE_HALL_PINNED_KEY; the options above "
                           "win over them.\nExit status follows sysexits.h: 64 usage, 65 bad "
                           "data, 69 a library or device is missing,\n75 try again later, "
                           "77 sign in again."));
  return g_string_free (text, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_auto (HallCtl) ctl = { 0 };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  gboolean version = FALSE;
  gsize i;
  const GOptionEntry entries[] = {
    { "profile", 'P', 0, G_OPTION_ARG_FILENAME, &ctl.profile,
      N_("The counter profile: a directory holding hall.db (default: $SERVICE_HALL_PROFILE, "
         "else the user's data directory)"), N_("DIR") },
    { "counter", 'c', 0, G_OPTION_ARG_STRING, &ctl.counter,
      N_("This counter's code, e.g. C03 (default: the profile's, else C01)"), N_("CODE") },
    { "server", 's', 0, G_OPTION_ARG_STRING, &ctl.server_url,
      N_("The server to use instead of the profile's"), N_("URL") },
    { "low-speed-time", 0, 0, G_OPTION_ARG_INT, &ctl.low_speed_time,
      N_("Seconds a transfer may stay below the low-speed limit before it counts as dead "
         "(default 30)"), N_("SECONDS") },
    { "connect-timeout", 0, 0, G_OPTION_ARG_INT, &ctl.connect_timeout,
      N_("Seconds to wait for a connection (default 10)"), N_("SECONDS") },
    { "retries", 0, 0, G_OPTION_ARG_INT, &ctl.attempts,
      N_("Tries of one request within a sync before giving up until later (default 4)"),
      N_("N") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ctl.ca_file,
      N_("The hall's own CA certificates (PEM)"), N_("FILE") },
    { "pinned-key", 0, 0, G_OPTION_ARG_STRING, &ctl.pinned_key,
      N_("The server's public key: sha256//BASE64 or a key file"), N_("KEY") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  hall_i18n_init ();

  context = g_option_context_new (_("COMMAND [OPTION…]"));
  g_option_context_set_summary (context, _("Service Hall's counter on the command line."));
  description = describe_commands ();
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Options after the command are the command's own. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("service-hall-ctl: %s\n", error->message);
      g_printerr (_("Try “service-hall-ctl --help”.\n"));
      return EX_USAGE;
    }
  if (version)
    {
      g_print ("service-hall-ctl %s\n", PACKAGE_VERSION);
      return EX_OK;
    }
  if (argc < 2)
    {
      g_printerr (_("service-hall-ctl: no command given\n"));
      g_printerr (_("Try “service-hall-ctl --help”.\n"));
      return EX_USAGE;
    }
  if (ctl.low_speed_time < 0 || ctl.connect_timeout < 0 || ctl.attempts < 0)
    {
      g_printerr (_("service-hall-ctl: times and retries cannot be negative\n"));
      return EX_USAGE;
    }

  if (ctl.profile == NULL)
    ctl.profile = g_strdup (g_getenv ("SERVICE_HALL_PROFILE"));
  if (ctl.profile == NULL || *ctl.profile == '\0')
    {
      g_free (ctl.profile);
      ctl.profile = g_build_filename (g_get_user_data_dir (), "service-hall", NULL);
    }

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        /* So that the command's --help reads "service-hall-ctl sync …". */
        g_autofree char *prgname = g_strdup_printf ("service-hall-ctl %s", commands[i].name);

        g_set_prgname (prgname);
        return commands[i].run (&ctl, argc - 1, argv + 1);
      }

  g_printerr (_("service-hall-ctl: unknown command “%s”\n"), argv[1]);
  g_printerr (_("Try “service-hall-ctl --help”.\n"));
  return EX_USAGE;
}
