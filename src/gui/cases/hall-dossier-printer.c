/* hall-dossier-printer.c — a case's dossier on paper or as a PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-cases"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-dossier-printer.h"
#include "hall-store-dossier.h"

struct _HallDossierPrinter
{
  GObject      parent_instance;

  HallDossier *dossier;
  char        *number;
  GError      *draw_error;  /* the first page that could not be drawn */
};

G_DEFINE_FINAL_TYPE (HallDossierPrinter, hall_dossier_printer, G_TYPE_OBJECT)

/* Printing */

static void
draw_page_cb (GtkPrintOperation  *operation,
              GtkPrintContext    *context,
              int                 page_nr,
              HallDossierPrinter *self)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double scale = MIN (gtk_print_context_get_width (context) / HALL_DOSSIER_WIDTH,
                      gtk_print_context_get_height (context) / HALL_DOSSIER_HEIGHT);
  g_autoptr (GError) error = NULL;

  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  if (!hall_dossier_render_page (self->dossier, cr, (guint) page_nr, &error)
      && self->draw_error == NULL)
    self->draw_error = g_steal_pointer (&error);
  cairo_restore (cr);
}

static void
hall_dossier_printer_finalize (GObject *object)
{
  HallDossierPrinter *self = HALL_DOSSIER_PRINTER (object);

  g_clear_object (&self->dossier);
  g_clear_error (&self->draw_error);
  g_free (self->number);

  G_OBJECT_CLASS (hall_dossier_printer_parent_class)->finalize (object);
}

static void
hall_dossier_printer_class_init (HallDossierPrinterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_dossier_printer_finalize;
}

static void
hall_dossier_printer_init (HallDossierPrinter *self)
{
}

HallDossierPrinter *
hall_dossier_printer_new (HallStore   *store,
                          HallCatalog *catalog,
                          HallCase    *kase,
                          GError     **error)
{
  g_autoptr (HallDossierPrinter) self = NULL;
  g_autoptr (HallDossier) dossier = NULL;

  g_return_val_if_fail (HALL_IS_STORE (store), NULL);
  g_return_val_if_fail (HALL_IS_CASE (kase), NULL);

  dossier = hall_store_build_dossier (store, kase, catalog, error);
  if (dossier == NULL)
    return NULL;

  self = g_object_new (HALL_TYPE_DOSSIER_PRINTER, NULL);
  self->number = g_strdup (hall_case_get_number (kase));
  self->dossier = g_steal_pointer (&dossier);
  return g_steal_pointer (&self);
}

guint
hall_dossier_printer_get_n_pages (HallDossierPrinter *self)
{
  g_return_val_if_fail (HALL_IS_DOSSIER_PRINTER (self), 0);

  return hall_dossier_get_n_pages (self->dossier);
}

gboolean
hall_dossier_printer_print (HallDossierPrinter     *self,
                            GtkWindow              *parent,
                            GtkPrintOperationAction action,
                            GFile                  *export_file,
                            GError                **error)
{
  g_autoptr (GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr (GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr (GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autofree char *job = g_strdup_printf (_("Dossier %s"), self->number);
  GtkPrintOperationResult result;

  g_return_val_if_fail (HALL_IS_DOSSIER_PRINTER (self), FALSE);

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_job_name (operation, job);
  gtk_print_operation_set_n_pages (operation, (int) hall_dossier_get_n_pages (self->dossier));
  gtk_print_operation_set_use_full_page (operation, FALSE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  if (export_file != NULL)
    {
      g_autofree char *path = g_file_get_path (export_file);

      gtk_print_operation_set_export_filename (operation, path);
    }
  g_clear_error (&self->draw_error);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), self);

  result = gtk_print_operation_run (operation, action, parent, error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    return FALSE;
  if (self->draw_error != NULL)
    {
      g_set_error (error, self->draw_error->domain, self->draw_error->code,
                   _("Could not print the dossier: %s"), self->draw_error->message);
      return FALSE;
    }
  return TRUE;
}

GFile *
hall_dossier_printer_save_pdf (HallDossierPrinter *self,
                               GFile              *folder,
                               GError            **error)
{
  g_autoptr (GFile) dir = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (HALL_IS_DOSSIER_PRINTER (self), NULL);

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
  name = g_strdup_printf ("%s.pdf", self->number);
  file = g_file_get_child (dir, name);
  if (!hall_dossier_write_pdf (self->dossier, file, error))
    return NULL;

  return g_steal_pointer (&file);
}
