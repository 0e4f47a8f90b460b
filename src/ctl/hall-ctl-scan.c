/* hall-ctl-scan.c — service-hall-ctl scan --device NAME CASE_NUMBER SLOT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-ctl.h"
#include "hall-scanner.h"
#include "hall-store-pages.h"

typedef struct
{
  GPtrArray *images;
  gboolean   finished;
  GError    *error;
} ScanRun;

static void
page_cb (HallScanner   *scanner,
         guint          page,
         HallPageImage *image,
         HallPageImage *thumbnail,
         ScanRun       *run)
{
  g_ptr_array_add (run->images, hall_page_image_ref (image));
  g_printerr (_("page %u scanned\n"), page);
}

static void
finished_cb (HallScanner *scanner,
             guint        n_pages,
             GError      *error,
             ScanRun     *run)
{
  run->finished = TRUE;
  run->error = error != NULL ? g_error_copy (error) : NULL;
}

static int
list_devices (HallScanner *scanner)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GError) error = NULL;

  hall_scanner_list_devices_async (scanner, NULL, hall_ctl_store_result, &result);
  devices = hall_scanner_list_devices_finish (scanner, hall_ctl_wait (&result), &error);
  if (devices == NULL)
    return hall_ctl_fail ("scan", error);
  for (guint i = 0; i < devices->len; i++)
    {
      HallScanDevice *device = g_ptr_array_index (devices, i);

      /* NAME<TAB>VENDOR MODEL<TAB>TYPE */
      g_print ("%s\t%s %s\t%s\n", device->name, device->vendor, device->model, device->type);
    }
  return EX_OK;
}

int
hall_ctl_scan (HallCtl *ctl,
               int      argc,
               char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallScanner) scanner = NULL;
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  g_autofree char *device = NULL;
  g_autofree char *source = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *official = NULL;
  ScanRun run = { 0 };
  gboolean list = FALSE;
  int resolution = 300;
  HallStore *store;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device, N_("The scanner (see --list)"),
      N_("NAME") },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list, N_("List the scanners and exit"), NULL },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source,
      N_("Flatbed, or a feeder (all its sheets are scanned)"), N_("SOURCE") },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode, N_("bilevel, grey (the default) or colour"),
      N_("MODE") },
    { "resolution", 'r', 0, G_OPTION_ARG_INT, &resolution, N_("Dots per inch (300)"),
      N_("DPI") },
    { "official", 'o', 0, G_OPTION_ARG_STRING, &official,
      N_("Who scanned the pages, for the case's timeline"), N_("USERNAME") },
    { NULL }
  };

  context = g_option_context_new (_("--device NAME CASE_NUMBER SLOT — scan into a document "
                                    "of a case"));
  g_option_context_set_summary (context,
                                _("Scans one page (or, from a feeder, every sheet in it) "
                                  "and adds the pages to the\ndocument SLOT of the case, as "
                                  "attach does.\n\nExit status: 0 added; 65 no such case or "
                                  "slot; 69 the scanner is missing, busy,\nor failed (nothing "
                                  "is added)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;

  scanner = hall_scanner_new ();
  if (list)
    return list_devices (scanner);
  if (argc != 3 || device == NULL)
    {
      g_printerr (_("service-hall-ctl scan: give --device NAME, a case number and a slot\n"));
      return EX_USAGE;
    }
  if (mode != NULL && !hall_page_kind_from_string (mode, &settings->kind))
    {
      g_printerr (_("service-hall-ctl scan: --mode is bilevel, grey or colour, not “%s”\n"),
                  mode);
      return EX_USAGE;
    }
  settings->source = g_steal_pointer (&source);
  settings->dpi = resolution > 0 ? (guint) resolution : 0;

  /* The case and its slot are checked before the paper goes in. */
  store = hall_ctl_get_store (ctl, &error);
  if (store == NULL)
    return hall_ctl_fail ("scan", error);
  kase = hall_store_get_case_by_number (store, argv[1], &error);
  if (kase == NULL)
    return hall_ctl_fail ("scan", error);

  run.images = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  g_signal_connect (scanner, "page", G_CALLBACK (page_cb), &run);
  g_signal_connect (scanner, "scan-finished", G_CALLBACK (finished_cb), &run);
  hall_scanner_scan (scanner, device, settings);
  while (!run.finished)
    g_main_context_iteration (NULL, TRUE);
  if (run.error != NULL)
    {
      g_ptr_array_unref (run.images);
      g_printerr ("service-hall-ctl scan: %s\n", run.error->message);
      g_clear_error (&run.error);
      return EX_UNAVAILABLE;
    }

  if (!hall_store_add_pages (store, hall_case_get_uuid (kase), argv[2], run.images, official,
                             &pages, &error))
    {
      g_ptr_array_unref (run.images);
      return hall_ctl_fail ("scan", error);
    }
  g_ptr_array_unref (run.images);
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);

      g_print ("%s\t%u\t%s\t%" G_GINT64_FORMAT "\t%s\n", page->slot, page->position + 1,
               hall_page_kind_to_string (page->kind), page->bytes, page->sha256);
    }
  return EX_OK;
}
