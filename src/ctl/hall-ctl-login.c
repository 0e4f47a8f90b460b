/* hall-ctl-login.c — service-hall-ctl login
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-ctl.h"

int
hall_ctl_login (HallCtl *ctl,
                int      argc,
                char   **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_auto (GStrv) roles = NULL;
  g_autofree char *role_list = NULL;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server,
      N_("The server, e.g. https://hall.example:8443 (default: the profile's)"), N_("URL") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("The official's user name"), N_("NAME") },
    { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("A file holding the password (a trailing newline is ignored)"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (_("— sign this counter in to the server"));
  g_option_context_set_summary (context,
                                _("Signs in and keeps the server's address and token in the "
                                  "profile, for sync.\n\n"
                                  "Exit status: 0 signed in; 1 user name or password refused; "
                                  "64 bad usage;\n75 the server cannot be reached (try again "
                                  "later); 66 no password file;\n69 the server's certificate "
                                  "is not trusted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;

  if (argc > 1)
    {
      g_printerr (_("service-hall-ctl login: unexpected argument “%s”\n"), argv[1]);
      return EX_USAGE;
    }
  if (user == NULL || password_file == NULL)
    {
      g_printerr (_("service-hall-ctl login: --user and --password-file are required\n"));
      return EX_USAGE;
    }

  password = hall_ctl_read_password (password_file, &error);
  if (password == NULL)
    return hall_ctl_fail ("login", error);

  if (hall_ctl_get_store (ctl, &error) == NULL)
    return hall_ctl_fail ("login", error);

  engine = hall_ctl_new_engine (ctl, server);
  if (hall_sync_engine_get_server_url (engine) == NULL)
    {
      g_printerr (_("service-hall-ctl login: no server: give --server URL\n"));
      return EX_USAGE;
    }

  hall_sync_engine_login_async (engine, user, password, NULL, hall_ctl_store_result, &result);
  hall_ctl_wait (&result);

  if (!hall_sync_engine_login_finish (engine, result, &roles, &error))
    {
      memset (password, 0, strlen (password));
      /* A refused password is the user's to fix, not the system's. */
      if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH))
        {
          g_printerr ("service-hall-ctl login: %s\n", error->message);
          return 1;
        }
      return hall_ctl_fail ("login", error);
    }

  /* Who decides with this profile (service-hall-ctl decide), with the
   * password kept as this counter keeps every official's: an Argon2id hash,
   * so that a decision offline is still the official's. */
  {
    g_autofree char *role_names = g_strjoinv (",", roles);

    gboolean kept = hall_store_add_official (ctl->store, user, user, password, role_names,
                                             &error)
                    && hall_store_set_meta (ctl->store, "official", user, &error);

    memset (password, 0, strlen (password));
    if (!kept)
      return hall_ctl_fail ("login", error);
  }
  role_list = g_strjoinv (", ", roles);
  g_print (_("Signed in to %s as %s (roles: %s)\n"), hall_sync_engine_get_server_url (engine),
           user, role_list);
  return EX_OK;
}
