/* hall-ctl-attach.c — service-hall-ctl attach CASE_NUMBER SLOT FILE…
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-ctl.h"
#include "hall-page-image.h"
#include "hall-store-pages.h"

int
hall_ctl_attach (HallCtl *ctl,
                 int      argc,
                 char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autofree char *official = NULL;
  HallStore *store;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "official", 'o', 0, G_OPTION_ARG_STRING, &official,
      N_("Who attached the pages, for the case's timeline"), N_("USERNAME") },
    { NULL }
  };

  context = g_option_context_new (_("CASE_NUMBER SLOT FILE… — add files to a document of a "
                                    "case"));
  g_option_context_set_summary (context,
                                _("Adds the pages of PNG, JPEG, TIFF and PDF files to the "
                                  "document SLOT of the case's\nchecklist (its id in the "
                                  "catalog, e.g. premises_proof), after its pages so far.\n"
                                  "Every file is checked first; if one is refused, none is "
                                  "added.\n\nExit status: 0 added; 65 a file was refused, or "
                                  "there is no such case or slot\n(the reason on stderr, the "
                                  "case untouched)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 4)
    {
      g_printerr (_("service-hall-ctl attach: give a case number, a slot and at least one "
                    "file\n"));
      return EX_USAGE;
    }

  store = hall_ctl_get_store (ctl, &error);
  if (store == NULL)
    return hall_ctl_fail ("attach", error);
  kase = hall_store_get_case_by_number (store, argv[1], &error);
  if (kase == NULL)
    return hall_ctl_fail ("attach", error);

  /* All files are read and checked before anything is stored. */
  images = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  for (int i = 3; i < argc; i++)
    {
      g_autoptr (GPtrArray) file_pages = hall_page_image_load_file (argv[i], &error);

      if (file_pages == NULL)
        return hall_ctl_fail ("attach", error);
      for (guint j = 0; j < file_pages->len; j++)
        g_ptr_array_add (images, hall_page_image_ref (g_ptr_array_index (file_pages, j)));
    }

  if (!hall_store_add_pages (store, hall_case_get_uuid (kase), argv[2], images, official,
                             &pages, &error))
    return hall_ctl_fail ("attach", error);
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);

      /* SLOT<TAB>POSITION<TAB>KIND<TAB>BYTES<TAB>SHA-256 */
      g_print ("%s\t%u\t%s\t%" G_GINT64_FORMAT "\t%s\n", page->slot, page->position + 1,
               hall_page_kind_to_string (page->kind), page->bytes, page->sha256);
    }
  return EX_OK;
}
