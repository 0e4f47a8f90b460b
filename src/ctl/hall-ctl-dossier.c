/* hall-ctl-dossier.c — service-hall-ctl dossier CASE_NUMBER --out FILE.pdf
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-ctl.h"
#include "hall-dossier.h"
#include "hall-page-image.h"
#include "hall-store-pages.h"

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

/* The stored page as a cairo surface; a JPEG keeps its bytes, which the
 * PDF embeds as they are instead of compressing the pixels again. */
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

int
hall_ctl_dossier (HallCtl *ctl,
                  int      argc,
                  char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallDossier) dossier = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *out = NULL;
  HallCatalog *catalog;
  HallService *service = NULL;
  HallStore *store;
  JsonArray *checklist;
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
  if (catalog != NULL)
    service = hall_catalog_lookup (catalog, hall_case_get_service_id (kase));
  applicant = hall_store_get_applicant (store, hall_case_get_applicant_uuid (kase), NULL);
  pages = hall_store_list_case_pages (store, hall_case_get_uuid (kase), &error);
  if (pages == NULL)
    return hall_ctl_fail ("dossier", error);

  dossier = hall_dossier_new (kase, applicant, service);
  checklist = hall_case_get_checklist (kase);
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      const char *id = item ? json_object_get_string_member_with_default (item, "id", NULL)
                            : NULL;

      if (id != NULL)
        hall_dossier_add_document (dossier, id, NULL);
    }
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);
      StoredFile *stored = g_new0 (StoredFile, 1);

      stored->path = hall_store_get_page_path (store, page->sha256);
      stored->mime = g_strdup (page->mime);
      hall_dossier_add_page (dossier, page->slot, page->dpi, load_page, stored,
                             (GDestroyNotify) stored_file_free);
    }

  file = g_file_new_for_commandline_arg (out);
  if (!hall_dossier_write_pdf (dossier, file, &error))
    return hall_ctl_fail ("dossier", error);
  g_print (_("%s: %u pages\n"), out, hall_dossier_get_n_pages (dossier));
  return EX_OK;
}
