/* hall-ctl-decide.c — service-hall-ctl decide
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-core-error.h"
#include "hall-ctl.h"
#include "hall-error.h"
#include "hall-store-signing.h"

/* The signed-in official of the profile (set by login), checked against
 * the password of @password_file as this counter keeps it: the decision is
 * the official's, made here, perhaps offline. */
static char *
signed_in_official (HallStore   *store,
                    const char  *password_file,
                    HallRoles   *roles_out,
                    GError     **error)
{
  g_autofree char *official = hall_store_get_meta (store, "official");
  g_autofree char *password = NULL;
  g_autofree char *roles = NULL;
  g_autofree char *name = NULL;

  if (official == NULL || *official == '\0')
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH,
                   _("No official is signed in with this profile: run “service-hall-ctl "
                     "login” first"));
      return NULL;
    }
  password = hall_ctl_read_password (password_file, error);
  if (password == NULL)
    return NULL;
  name = hall_store_check_password (store, official, password, &roles, error);
  /* The official's signing key, opened once for this run: the decision is
   * signed with it here, offline too. */
  if (name != NULL && !hall_store_open_session_key (store, official, password, error))
    g_clear_pointer (&name, g_free);
  memset (password, 0, strlen (password));
  if (name == NULL)
    return NULL;
  *roles_out = hall_roles_from_string (roles);
  return g_steal_pointer (&official);
}

int
hall_ctl_decide (HallCtl *ctl,
                 int      argc,
                 char   **argv)
{
  g_autofree char *password_file = NULL;
  g_auto (GStrv) reasons = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallCaseEvent) event = NULL;
  g_autofree char *official = NULL;
  HallDecision decision;
  HallCaseState state = HALL_CASE_RECEIVED;
  HallService *service;
  HallStore *store;
  HallRoles roles = 0;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "reason", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &reasons,
      N_("Why: a reason code of the service's list, or your own words (may be repeated)"),
      N_("TEXT") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("File holding the official's password (“-”: standard input)"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (_("CASE-NUMBER approve|return|reject — decide a case’s step"));
  g_option_context_set_summary (context,
                                _("Decides the step of the case that waits for a decision the "
                                  "signed-in official's roles allow\n(see “login”), offline: "
                                  "the decision waits in the outbox for “sync”.\nReturning or "
                                  "rejecting needs --reason. Prints CASE-NUMBER, the step, the "
                                  "decision\nand the case's new state, separated by tabs.\n\n"
                                  "Exit status: 0 decided; 64 bad usage; 65 the case or the "
                                  "decision is refused\n(unknown case, no step for your roles, "
                                  "a reason missing); 66 no password file;\n77 no official "
                                  "signed in, or the password is wrong; 78 no catalog."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 3 || !hall_decision_from_string (argv[2], &decision))
    {
      g_printerr (_("service-hall-ctl decide: give CASE-NUMBER and approve, return or "
                    "reject\n"));
      return EX_USAGE;
    }
  if (password_file == NULL)
    {
      g_printerr (_("service-hall-ctl decide: --password-file is required\n"));
      return EX_USAGE;
    }
  if (hall_ctl_get_catalog (ctl, &error) == NULL
      || (store = hall_ctl_get_store (ctl, &error)) == NULL)
    return hall_ctl_fail ("decide", error);
  official = signed_in_official (store, password_file, &roles, &error);
  if (official == NULL)
    return hall_ctl_fail ("decide", error);

  kase = hall_store_get_case_by_number (store, argv[1], &error);
  if (kase == NULL)
    return hall_ctl_fail ("decide", error);
  service = hall_catalog_lookup (ctl->catalog, hall_case_get_service_id (kase));
  if (service == NULL)
    {
      g_printerr (_("service-hall-ctl decide: the case’s service “%s” is not in the catalog\n"),
                  hall_case_get_service_id (kase));
      return EX_DATAERR;
    }

  event = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_DECISION);
  hall_case_event_set_decision (event, decision);
  for (guint i = 0; reasons != NULL && reasons[i] != NULL; i++)
    {
      /* A code of the service's list, or the official's own words. */
      if (hall_service_find_reason (service, reasons[i]) != NULL)
        hall_case_event_add_reason (event, reasons[i], NULL);
      else
        hall_case_event_add_reason (event, HALL_DECISION_REASON_OTHER, reasons[i]);
    }
  if (!hall_store_decide_case (store, service, event, roles, official, &state, &error))
    return hall_ctl_fail ("decide", error);

  g_print ("%s\t%s\t%s\t%s\n", hall_case_get_number (kase), hall_case_event_get_step (event),
           hall_decision_to_string (decision), hall_case_state_to_string (state));
  return EX_OK;
}
