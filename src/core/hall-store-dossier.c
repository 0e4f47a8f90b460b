/* hall-store-dossier.c — a case's documents as a dossier to draw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include "hall-page-image.h"
#include "hall-store-dossier.h"
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

HallDossier *
hall_store_build_dossier (HallStore    *store,
                          HallCase     *kase,
                          HallCatalog  *catalog,
                          GError      **error)
{
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallDossier) dossier = NULL;
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

  dossier = hall_dossier_new (kase, applicant, service);
  checklist = hall_case_get_checklist (kase);
  for (guint i = 0; checklist != NULL && i < json_array_get_length (checklist); i++)
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
  return g_steal_pointer (&dossier);
}
