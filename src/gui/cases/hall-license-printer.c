/* hall-license-printer.c — a case's license on paper or as a PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-cases"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-core-error.h"
#include "hall-license-payload.h"
#include "hall-license-printer.h"
#include "hall-license.h"
#include "hall-store-signing.h"

struct _HallLicensePrinter
{
  GObject      parent_instance;

  HallLicense *license;
};

G_DEFINE_FINAL_TYPE (HallLicensePrinter, hall_license_printer, G_TYPE_OBJECT)

/* Printing */

static void
draw_page_cb (GtkPrintOperation  *operation,
              GtkPrintContext    *context,
              int                 page_nr,
              HallLicensePrinter *self)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);

  /* hall_license_render() keeps A4's proportions within what it is given. */
  hall_license_render (self->license, cr, gtk_print_context_get_width (context),
                       gtk_print_context_get_height (context));
}

static void
hall_license_printer_finalize (GObject *object)
{
  HallLicensePrinter *self = HALL_LICENSE_PRINTER (object);

  g_clear_object (&self->license);

  G_OBJECT_CLASS (hall_license_printer_parent_class)->finalize (object);
}

static void
hall_license_printer_class_init (HallLicensePrinterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_license_printer_finalize;
}

static void
hall_license_printer_init (HallLicensePrinter *self)
{
}

/* The hall's name in both languages, from the catalog: a license names it
 * so whatever the locale. */
static void
hall_names (HallCatalog *catalog,
            char       **zh_out,
            char       **en_out)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root, *hall, *names;

  if (catalog == NULL
      || !json_parser_load_from_data (parser, hall_catalog_get_json (catalog), -1, NULL))
    return;
  root = json_node_get_object (json_parser_get_root (parser));
  hall = json_object_get_object_member (root, "hall");
  names = hall != NULL ? json_object_get_object_member (hall, "name") : NULL;
  if (names == NULL)
    return;
  *zh_out = g_strdup (json_object_get_string_member_with_default (names, "zh", NULL));
  *en_out = g_strdup (json_object_get_string_member_with_default (names, "en", NULL));
}

HallLicensePrinter *
hall_license_printer_new (HallStore   *store,
                          HallCatalog *catalog,
                          HallCase    *kase,
                          GError     **error)
{
  g_autoptr (HallLicensePrinter) self = NULL;
  g_autoptr (HallLicensePayload) payload = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hall_zh = NULL;
  g_autofree char *hall_en = NULL;
  HallService *service;

  g_return_val_if_fail (HALL_IS_STORE (store), NULL);
  g_return_val_if_fail (HALL_IS_CASE (kase), NULL);

  text = hall_store_get_license (store, hall_case_get_uuid (kase), &local_error);
  if (text == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                     _("Case %s has no license yet: it is issued when its last step is "
                       "approved"),
                     hall_case_get_number (kase));
      return NULL;
    }
  payload = hall_license_payload_parse (text, error);
  if (payload == NULL)
    return NULL;
  service = catalog != NULL ? hall_catalog_lookup (catalog, payload->license_type) : NULL;
  hall_names (catalog, &hall_zh, &hall_en);

  self = g_object_new (HALL_TYPE_LICENSE_PRINTER, NULL);
  self->license = hall_license_new (payload, text,
                                    service != NULL ? hall_service_get_name_zh (service) : NULL,
                                    service != NULL ? hall_service_get_name_en (service) : NULL,
                                    hall_zh, hall_en);
  return g_steal_pointer (&self);
}

const char *
hall_license_printer_get_number (HallLicensePrinter *self)
{
  g_return_val_if_fail (HALL_IS_LICENSE_PRINTER (self), NULL);

  return hall_license_get_number (self->license);
}

gboolean
hall_license_printer_print (HallLicensePrinter     *self,
                            GtkWindow              *parent,
                            GtkPrintOperationAction action,
                            GFile                  *export_file,
                            GError                **error)
{
  g_autoptr (GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr (GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr (GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autofree char *job = NULL;

  g_return_val_if_fail (HALL_IS_LICENSE_PRINTER (self), FALSE);

  /* Translators: %s is the license's number */
  job = g_strdup_printf (_("License %s"), hall_license_get_number (self->license));
  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_job_name (operation, job);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_use_full_page (operation, FALSE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  if (export_file != NULL)
    {
      g_autofree char *path = g_file_get_path (export_file);

      gtk_print_operation_set_export_filename (operation, path);
    }
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), self);
  return gtk_print_operation_run (operation, action, parent, error)
         != GTK_PRINT_OPERATION_RESULT_ERROR;
}

GFile *
hall_license_printer_save_pdf (HallLicensePrinter *self,
                               GFile              *folder,
                               GError            **error)
{
  g_autoptr (GFile) dir = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (HALL_IS_LICENSE_PRINTER (self), NULL);

  if (folder != NULL)
    dir = g_object_ref (folder);
  else
    {
      const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

      dir = g_file_new_for_path (documents != NULL ? documents : g_get_home_dir ());
    }
  if (!g_file_make_directory_with_parents (dir, NULL, &local_error)
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  name = g_strdup_printf ("%s.pdf", hall_license_get_number (self->license));
  file = g_file_get_child (dir, name);
  if (!hall_license_write_pdf (self->license, file, error))
    return NULL;
  return g_steal_pointer (&file);
}
