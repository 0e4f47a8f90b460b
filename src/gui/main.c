/* main.c — the counter app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hall-application.h"
#include "hall-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (HallApplication) app = NULL;

  hall_i18n_init ();

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
