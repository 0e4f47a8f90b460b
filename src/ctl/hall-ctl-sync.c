/* hall-ctl-sync.c — service-hall-ctl sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-ctl.h"

static void
case_rejected_cb (HallSyncEngine *engine,
                  const char     *case_uuid,
                  const char     *reason,
                  HallStore      *store)
{
  g_autoptr (HallCase) kase = hall_store_get_case (store, case_uuid, NULL);

  /* The case number and the server's reason: no personal data. */
  g_printerr (_("case %s: rejected by the server: %s\n"),
              kase != NULL ? hall_case_get_number (kase) : case_uuid, reason);
}

/* Whether the open conflict of applicant @uuid is a duplicate: read on the
 * page of any of its cases, as the official sees it. */
static gboolean
is_duplicate (HallStore  *store,
              const char *uuid)
{
  g_autoptr (GPtrArray) cases = hall_store_list_applicant_cases (store, uuid, NULL);
  g_autoptr (GPtrArray) conflicts = NULL;

  if (cases == NULL || cases->len == 0)
    return FALSE;
  conflicts = hall_store_list_conflicts (store, hall_case_get_uuid (cases->pdata[0]), NULL);
  for (guint i = 0; conflicts != NULL && i < conflicts->len; i++)
    if (hall_conflict_get_kind (conflicts->pdata[i]) == HALL_CONFLICT_DUPLICATE
        && g_strcmp0 (hall_conflict_get_entity_uuid (conflicts->pdata[i]), uuid) == 0)
      return TRUE;
  return FALSE;
}

static void
conflict_cb (HallSyncEngine *engine,
             const char     *entity,
             const char     *uuid,
             HallStore      *store)
{
  if (g_strcmp0 (entity, "applicant") == 0 && is_duplicate (store, uuid))
    g_printerr (_("applicant %s: registered at another counter first, with the same ID "
                  "document; its cases wait until an official merges the two in the counter "
                  "app\n"), uuid);
  else
    g_printerr (_("%s %s: changed on the server too; both versions are kept for an official "
                  "to decide\n"), entity, uuid);
}

int
hall_ctl_sync (HallCtl *ctl,
               int      argc,
               char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *user = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  HallSyncReport report = { 0 };
  HallStore *store;
  int exit_code = EX_OK;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user,
      N_("Sign in again as NAME if the server no longer takes the profile's token"), N_("NAME") },
    { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("The password for --user, in a file"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (_("— send this counter's changes and fetch the server's"));
  g_option_context_set_summary (context,
                                _("One full pass: the outbox in order, then the change feed.\n\n"
                                  "Exit status: 0 everything went through; 65 the server "
                                  "refused some changes\nor found conflicts (listed on stderr; "
                                  "the rest went through); 75 the server\ncannot be reached or "
                                  "is failing: try again later; 77 sign in again;\n"
                                  "78 no server set (run login first)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    {
      g_printerr (_("service-hall-ctl sync: unexpected argument “%s”\n"), argv[1]);
      return EX_USAGE;
    }
  if ((user == NULL) != (password_file == NULL))
    {
      g_printerr (_("service-hall-ctl sync: --user and --password-file go together\n"));
      return EX_USAGE;
    }
  if (password_file != NULL)
    {
      password = hall_ctl_read_password (password_file, &error);
      if (password == NULL)
        return hall_ctl_fail ("sync", error);
    }

  store = hall_ctl_get_store (ctl, &error);
  if (store == NULL)
    return hall_ctl_fail ("sync", error);

  engine = hall_ctl_new_engine (ctl, NULL);
  if (hall_sync_engine_get_server_url (engine) == NULL)
    {
      g_printerr (_("service-hall-ctl sync: no server is set for this profile: run "
                    "“service-hall-ctl login --server URL …” first\n"));
      return EX_CONFIG;
    }
  if (password != NULL)
    {
      hall_sync_engine_set_credentials (engine, user, password);
      memset (password, 0, strlen (password));
    }
  g_signal_connect (engine, "case-rejected", G_CALLBACK (case_rejected_cb), store);
  g_signal_connect (engine, "conflict", G_CALLBACK (conflict_cb), store);

  hall_sync_engine_sync_async (engine, NULL, hall_ctl_store_result, &result);
  hall_ctl_wait (&result);
  /* Signals posted by the worker just before it ended. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  ok = hall_sync_engine_sync_finish (engine, result, &report, &error);
  g_print (_("pushed %u, pulled %u, rejected %u, waiting %u, conflicts %u\n"), report.pushed,
           report.pulled, report.rejected, report.waiting, report.conflicts);
  if (!ok)
    return hall_ctl_fail ("sync", error);
  if (report.rejected > 0 || report.conflicts > 0)
    return EX_DATAERR;
  return EX_OK;
}
