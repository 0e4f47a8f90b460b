/* main.c — the counter app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "hall-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (HallApplication) app = NULL;
  const char *localedir = g_getenv ("SERVICE_HALL_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* An uninstalled build finds its translations in the build tree. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Other programs (window lists, the print queue, the shell) name the app
   * "Service Hall", not the binary; the program name matches the desktop
   * file, so that the shell finds its icon and name. */
  g_set_prgname (APP_ID);
  g_set_application_name (_("Service Hall"));

  hall_application_prepare_memory ();
  hall_application_prepare_renderer ();
  app = hall_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
