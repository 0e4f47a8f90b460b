/* hall-ctl-logout.c — service-hall-ctl logout
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-ctl.h"

int
hall_ctl_logout (HallCtl *ctl,
                 int      argc,
                 char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  int exit_code = EX_OK;

  context = g_option_context_new (_("— end the official's sessions on every counter"));
  g_option_context_set_summary (context,
                                _("Signs the official of this profile out on the server, on "
                                  "every counter\nat once, and forgets the token here. Changes "
                                  "still waiting stay waiting.\n\n"
                                  "Exit status: 0 signed out; 64 bad usage; 75 the server cannot "
                                  "be reached\n(nothing forgotten: try again later); 69 the "
                                  "server's certificate is not trusted."));
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    {
      g_printerr (_("service-hall-ctl logout: unexpected argument “%s”\n"), argv[1]);
      return EX_USAGE;
    }

  if (hall_ctl_get_store (ctl, &error) == NULL)
    return hall_ctl_fail ("logout", error);
  engine = hall_ctl_new_engine (ctl, NULL);
  if (hall_sync_engine_get_server_url (engine) == NULL)
    {
      g_printerr (_("service-hall-ctl logout: this profile has no server\n"));
      return EX_CONFIG;
    }

  hall_sync_engine_sign_out_async (engine, NULL, hall_ctl_store_result, &result);
  hall_ctl_wait (&result);
  if (!hall_sync_engine_sign_out_finish (engine, result, &error))
    return hall_ctl_fail ("logout", error);

  g_print (_("Signed out of %s on every counter\n"), hall_sync_engine_get_server_url (engine));
  return EX_OK;
}
