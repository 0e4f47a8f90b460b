/* hall-ctl-dossier.c — service-hall-ctl dossier CASE_NUMBER --out FILE.pdf
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-ctl.h"
#include "hall-store-dossier.h"

int
hall_ctl_dossier (HallCtl *ctl,
                  int      argc,
                  char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallDossier) dossier = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *out = NULL;
  HallCatalog *catalog;
  HallStore *store;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The PDF to write"), N_("FILE.pdf") },
    { NULL }
  };

  context = g_option_context_new (_("CASE_NUMBER --out FILE.pdf — the case's documents as "
                                    "one PDF"));
  g_option_context_set_summary (context,
                                _("Writes a cover page (case number, applicant, service, each "
                                  "document of the\nchecklist with its number of pages) and "
                                  "then the pages, in the order of the\nchecklist."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2 || out == NULL)
    {
      g_printerr (_("service-hall-ctl dossier: give one case number and --out FILE.pdf\n"));
      return EX_USAGE;
    }

  store = hall_ctl_get_store (ctl, &error);
  if (store == NULL)
    return hall_ctl_fail ("dossier", error);
  kase = hall_store_get_case_by_number (store, argv[1], &error);
  if (kase == NULL)
    return hall_ctl_fail ("dossier", error);
  catalog = hall_ctl_get_catalog (ctl, NULL);
  dossier = hall_store_build_dossier (store, kase, catalog, &error);
  if (dossier == NULL)
    return hall_ctl_fail ("dossier", error);

  file = g_file_new_for_commandline_arg (out);
  if (!hall_dossier_write_pdf (dossier, file, &error))
    return hall_ctl_fail ("dossier", error);
  g_print (_("%s: %u pages\n"), out, hall_dossier_get_n_pages (dossier));
  return EX_OK;
}
