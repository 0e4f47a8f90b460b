/* main.c — service-hall-display: the hall's queue board, or its kiosk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-display-application.h"
#include "hall-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_auto (HallDisplayOptions) options = { 0 };
  g_autofree char *password_file = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (HallDisplayApplication) app = NULL;
  g_autoptr (GError) error = NULL;
  char *program[] = { argv[0], NULL };
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &options.server_url,
      N_("The hall's server (http://HOST:8470)"), "URL" },
    { "hall", 0, 0, G_OPTION_ARG_STRING, &options.hall_name,
      N_("The hall's name on the board (default: the server's)"), "NAME" },
    { "kiosk", 0, 0, G_OPTION_ARG_NONE, &options.kiosk,
      N_("Run as the ticket kiosk instead of the board"), NULL },
    { "user", 0, 0, G_OPTION_ARG_STRING, &options.user,
      N_("The kiosk's reception official (default: reception1)"), "NAME" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("A file holding the kiosk official's password"), "FILE" },
    { "ticket-pdf-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.ticket_pdf_dir,
      N_("Write tickets as PDF files here instead of printing them"), "DIR" },
    { "audio-sink", 0, 0, G_OPTION_ARG_STRING, &options.audio_sink,
      N_("The GStreamer audio sink for the calls (default: autoaudiosink)"), "SINK" },
    { "mute", 0, 0, G_OPTION_ARG_NONE, &options.mute, N_("Neither chime nor speak calls"), NULL },
    { "windowed", 0, 0, G_OPTION_ARG_NONE, &options.windowed,
      N_("Run in a window, not full screen"), NULL },
    { NULL },
  };

  hall_i18n_init ();

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("The hall's queue board, or with --kiosk its ticket kiosk."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("service-hall-display: %s\n", error->message);
      return 64;
    }
  if (options.server_url == NULL
      || (!g_str_has_prefix (options.server_url, "http://")
          && !g_str_has_prefix (options.server_url, "https://")))
    {
      g_printerr ("service-hall-display: %s\n",
                  _("--server URL is required, an http:// or https:// address"));
      return 64;
    }
  if (options.kiosk)
    {
      if (options.user == NULL)
        options.user = g_strdup ("reception1");
      if (password_file == NULL)
        {
          g_printerr ("service-hall-display: %s\n",
                      _("--kiosk needs --password-file with the reception official's password"));
          return 64;
        }
      if (!g_file_get_contents (password_file, &options.password, NULL, &error))
        {
          g_printerr ("service-hall-display: %s\n", error->message);
          return 66;
        }
      g_strchomp (options.password);
    }

  app = hall_display_application_new (&options);
  return g_application_run (G_APPLICATION (app), 1, program);
}
