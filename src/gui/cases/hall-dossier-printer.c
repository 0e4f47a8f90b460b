/* hall-dossier-printer.c — a case's dossier on paper or as a PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-cases"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-dossier.h"
#include "hall-dossier-printer.h"
#include "hall-page-image.h"
#include "hall-store-pages.h"

struct _HallDossierPrinter
{
  GObject      parent_instance;

  HallDossier *dossier;
  char        *number;
  GError      *draw_error;  /* the first page that could not be drawn */
};

G_DEFINE_FINAL_TYPE (HallDossierPrinter, hall_dossier_printer, G_TYPE_OBJECT)

/* Loading pages */

typedef struct
{
  char *path;
  char *mime;
} StoredFile;

static void
stored_file_free (StoredFile *file)
{
  g_free (file->path);
  g_free (file->mime);
  g_free (file);
}

static void
free_bytes (void *data)
{
  g_bytes_unref (data);
}

/* The stored page as a cairo surface; a JPEG keeps its bytes, which a PDF
 * embeds as they are. */
static cairo_surface_t *
load_page (gpointer   data,
           GError   **error)
{
  StoredFile *file = data;
  g_autoptr (GFile) gfile = g_file_new_for_path (file->path);
  g_autoptr (GBytes) bytes = g_file_load_bytes (gfile, NULL, NULL, error);
  g_autoptr (GPtrArray) images = NULL;
  HallPageImage *image;
  cairo_surface_t *surface;
  guint8 *out;
  int stride;

  if (bytes == NULL)
    return NULL;
  images = hall_page_image_load_bytes (bytes, g_str_equal (file->mime, "image/jpeg")
                                              ? "page.jpg" : "page.tif", error);
  if (images == NULL)
    return NULL;
  image = g_ptr_array_index (images, 0);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, image->width, image->height);
  out = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < image->height; y++)
    {
      const guint8 *src = image->pixels + y * image->stride;
      guint32 *dst = (guint32 *) (out + (gsize) y * stride);

      for (guint x = 0; x < image->width; x++)
        {
          const guint8 *p = src + x * image->channels;

          dst[x] = image->channels == 3 ? (p[0] << 16) | (p[1] << 8) | p[2]
                                        : (p[0] << 16) | (p[0] << 8) | p[0];
        }
    }
  cairo_surface_mark_dirty (surface);
  if (g_str_equal (file->mime, "image/jpeg"))
    {
      gsize size;
      const guint8 *jpeg = g_bytes_get_data (bytes, &size);

      cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG, jpeg, size, free_bytes,
                                   g_bytes_ref (bytes));
    }
  return surface;
}

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
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  HallService *service = NULL;
  JsonArray *checklist;

  g_return_val_if_fail (HALL_IS_STORE (store), NULL);
  g_return_val_if_fail (HALL_IS_CASE (kase), NULL);

  pages = hall_store_list_case_pages (store, hall_case_get_uuid (kase), error);
  if (pages == NULL)
    return NULL;
  if (catalog != NULL)
    service = hall_catalog_lookup (catalog, hall_case_get_service_id (kase));
  applicant = hall_store_get_applicant (store, hall_case_get_applicant_uuid (kase), NULL);

  self = g_object_new (HALL_TYPE_DOSSIER_PRINTER, NULL);
  self->number = g_strdup (hall_case_get_number (kase));
  self->dossier = hall_dossier_new (kase, applicant, service);
  checklist = hall_case_get_checklist (kase);
  for (guint i = 0; checklist != NULL && i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      const char *id = item ? json_object_get_string_member_with_default (item, "id", NULL)
                            : NULL;

      if (id != NULL)
        hall_dossier_add_document (self->dossier, id, NULL);
    }
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);
      StoredFile *stored = g_new0 (StoredFile, 1);

      stored->path = hall_store_get_page_path (store, page->sha256);
      stored->mime = g_strdup (page->mime);
      hall_dossier_add_page (self->dossier, page->slot, page->dpi, load_page, stored,
                             (GDestroyNotify) stored_file_free);
    }

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
