/* hall-dossier.c — a case's documents as one PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-render"

#include "config.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "hall-dossier.h"

#define FONT_FAMILY "Noto Sans CJK SC"
#define MARGIN      56.0

typedef struct
{
  char                *slot;
  guint                dpi;
  HallDossierPageFunc  load;
  gpointer             data;
  GDestroyNotify       destroy;
} Page;

typedef struct
{
  char      *slot;
  char      *title;
  GPtrArray *pages;  /* element-type Page */
} Document;

struct _HallDossier
{
  GObject        parent_instance;

  HallCase      *kase;
  HallApplicant *applicant;
  HallService   *service;
  GPtrArray     *documents;  /* element-type Document, in order */
};

G_DEFINE_FINAL_TYPE (HallDossier, hall_dossier, G_TYPE_OBJECT)

static void
page_free (Page *page)
{
  if (page->destroy != NULL)
    page->destroy (page->data);
  g_free (page->slot);
  g_free (page);
}

static void
document_free (Document *doc)
{
  g_free (doc->slot);
  g_free (doc->title);
  g_ptr_array_unref (doc->pages);
  g_free (doc);
}

static gboolean
prefers_chinese (void)
{
  const char *const *languages = g_get_language_names ();

  return languages[0] != NULL && g_str_has_prefix (languages[0], "zh");
}

static char *
title_of (HallDossier *self,
          const char  *slot)
{
  gboolean zh = prefers_chinese ();

  if (self->service != NULL)
    for (guint i = 0; i < hall_service_get_n_documents (self->service); i++)
      {
        const HallRequiredDocument *doc = hall_service_get_document (self->service, i);

        if (g_strcmp0 (doc->id, slot) == 0)
          return g_strdup (zh && doc->name_zh ? doc->name_zh : doc->name);
      }
  return g_strdup (slot);
}

static Document *
find_document (HallDossier *self,
               const char  *slot)
{
  for (guint i = 0; i < self->documents->len; i++)
    {
      Document *doc = g_ptr_array_index (self->documents, i);

      if (g_str_equal (doc->slot, slot))
        return doc;
    }
  return NULL;
}

/* The page of index @index (1 for the first after the cover). */
static Page *
nth_page (HallDossier *self,
          guint        index)
{
  guint n = 1;

  for (guint i = 0; i < self->documents->len; i++)
    {
      Document *doc = g_ptr_array_index (self->documents, i);

      if (index < n + doc->pages->len)
        return g_ptr_array_index (doc->pages, index - n);
      n += doc->pages->len;
    }
  return NULL;
}

/* Text */

static PangoLayout *
make_layout (cairo_t     *cr,
             const char  *text,
             double       size,
             PangoWeight  weight,
             double       width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), 72.0);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (options);

  pango_font_description_set_family (desc, FONT_FAMILY);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
draw_text (cairo_t     *cr,
           const char  *text,
           double       size,
           PangoWeight  weight,
           double       x,
           double       y,
           double       width)
{
  g_autoptr (PangoLayout) layout = make_layout (cr, text, size, weight, width);
  int height;

  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static void
render_cover (HallDossier *self,
              cairo_t     *cr)
{
  double width = HALL_DOSSIER_WIDTH - 2 * MARGIN;
  double y = MARGIN;
  g_autofree char *applicant = NULL;
  g_autofree char *taken = NULL;
  g_autoptr (GDateTime) dt = NULL;
  const char *service_name;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  y += draw_text (cr, _("Case Dossier"), 22, PANGO_WEIGHT_BOLD, MARGIN, y, width) + 8;
  y += draw_text (cr, hall_case_get_number (self->kase), 28, PANGO_WEIGHT_BOLD, MARGIN, y,
                  width) + 18;

  applicant = g_strdup_printf (_("Applicant: %s"),
                               self->applicant != NULL ? hall_applicant_get_name (self->applicant)
                               : hall_case_get_applicant_name (self->kase)
                                 ? hall_case_get_applicant_name (self->kase) : "—");
  y += draw_text (cr, applicant, 12, PANGO_WEIGHT_NORMAL, MARGIN, y, width) + 4;
  service_name = self->service != NULL ? hall_service_get_name (self->service)
                                       : hall_case_get_service_name (self->kase);
  {
    g_autofree char *line = g_strdup_printf (_("Service: %s"), service_name ? service_name : "—");

    y += draw_text (cr, line, 12, PANGO_WEIGHT_NORMAL, MARGIN, y, width) + 4;
  }
  dt = g_date_time_new_from_unix_local (hall_case_get_created_at (self->kase));
  taken = g_date_time_format (dt, "%Y-%m-%d %H:%M");
  {
    g_autofree char *line = g_strdup_printf (_("Taken in: %s"), taken);

    y += draw_text (cr, line, 12, PANGO_WEIGHT_NORMAL, MARGIN, y, width) + 20;
  }

  y += draw_text (cr, _("Documents"), 14, PANGO_WEIGHT_BOLD, MARGIN, y, width) + 8;
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, MARGIN, y);
  cairo_line_to (cr, MARGIN + width, y);
  cairo_stroke (cr);
  y += 6;
  for (guint i = 0; i < self->documents->len; i++)
    {
      Document *doc = g_ptr_array_index (self->documents, i);
      g_autofree char *count = NULL;
      double h;

      if (doc->pages->len == 0)
        count = g_strdup (_("missing"));
      else
        count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page", "%u pages",
                                              doc->pages->len),
                                 doc->pages->len);
      h = draw_text (cr, doc->title, 11, PANGO_WEIGHT_NORMAL, MARGIN, y, width - 90);
      draw_text (cr, count, 11, doc->pages->len == 0 ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL,
                 MARGIN + width - 80, y, 80);
      y += h + 6;
    }
}

static gboolean
render_scan (Page     *page,
             cairo_t  *cr,
             GError  **error)
{
  cairo_surface_t *image = page->load (page->data, error);
  double w, h, scale;

  if (image == NULL)
    return FALSE;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  w = cairo_image_surface_get_width (image);
  h = cairo_image_surface_get_height (image);
  /* At its own size when it fits A4 (a receipt stays small), else fit. */
  scale = page->dpi > 0 ? 72.0 / page->dpi : G_MAXDOUBLE;
  scale = MIN (scale, MIN (HALL_DOSSIER_WIDTH / w, HALL_DOSSIER_HEIGHT / h));
  cairo_save (cr);
  cairo_translate (cr, (HALL_DOSSIER_WIDTH - w * scale) / 2,
                   (HALL_DOSSIER_HEIGHT - h * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
  return TRUE;
}

static void
hall_dossier_finalize (GObject *object)
{
  HallDossier *self = HALL_DOSSIER (object);

  g_clear_object (&self->kase);
  g_clear_object (&self->applicant);
  g_clear_object (&self->service);
  g_clear_pointer (&self->documents, g_ptr_array_unref);

  G_OBJECT_CLASS (hall_dossier_parent_class)->finalize (object);
}

static void
hall_dossier_class_init (HallDossierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_dossier_finalize;
}

static void
hall_dossier_init (HallDossier *self)
{
  self->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) document_free);
}

HallDossier *
hall_dossier_new (HallCase      *kase,
                  HallApplicant *applicant,
                  HallService   *service)
{
  HallDossier *self;

  g_return_val_if_fail (HALL_IS_CASE (kase), NULL);

  self = g_object_new (HALL_TYPE_DOSSIER, NULL);
  self->kase = g_object_ref (kase);
  self->applicant = applicant != NULL ? g_object_ref (applicant) : NULL;
  self->service = service != NULL ? g_object_ref (service) : NULL;
  return self;
}

void
hall_dossier_add_document (HallDossier *self,
                           const char  *slot,
                           const char  *title)
{
  Document *doc;

  g_return_if_fail (HALL_IS_DOSSIER (self));
  g_return_if_fail (slot != NULL);

  if (find_document (self, slot) != NULL)
    return;
  doc = g_new0 (Document, 1);
  doc->slot = g_strdup (slot);
  doc->title = title != NULL ? g_strdup (title) : title_of (self, slot);
  doc->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  g_ptr_array_add (self->documents, doc);
}

void
hall_dossier_add_page (HallDossier         *self,
                       const char          *slot,
                       guint                dpi,
                       HallDossierPageFunc  load,
                       gpointer             data,
                       GDestroyNotify       destroy)
{
  Page *page;

  g_return_if_fail (HALL_IS_DOSSIER (self));
  g_return_if_fail (load != NULL);

  hall_dossier_add_document (self, slot, NULL);
  page = g_new0 (Page, 1);
  page->slot = g_strdup (slot);
  page->dpi = dpi;
  page->load = load;
  page->data = data;
  page->destroy = destroy;
  g_ptr_array_add (find_document (self, slot)->pages, page);
}

guint
hall_dossier_get_n_pages (HallDossier *self)
{
  guint n = 1;

  g_return_val_if_fail (HALL_IS_DOSSIER (self), 0);

  for (guint i = 0; i < self->documents->len; i++)
    n += ((Document *) g_ptr_array_index (self->documents, i))->pages->len;
  return n;
}

gboolean
hall_dossier_render_page (HallDossier  *self,
                          cairo_t      *cr,
                          guint         index,
                          GError      **error)
{
  Page *page;

  g_return_val_if_fail (HALL_IS_DOSSIER (self), FALSE);

  if (index == 0)
    {
      render_cover (self, cr);
      return TRUE;
    }
  page = nth_page (self, index);
  g_return_val_if_fail (page != NULL, FALSE);
  return render_scan (page, cr, error);
}

gboolean
hall_dossier_write_pdf (HallDossier  *self,
                        GFile        *file,
                        GError      **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  guint n = hall_dossier_get_n_pages (self);
  gboolean ok = TRUE;

  surface = cairo_pdf_surface_create (tmp, HALL_DOSSIER_WIDTH, HALL_DOSSIER_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  hall_case_get_number (self->kase));
  cr = cairo_create (surface);
  for (guint i = 0; i < n && ok; i++)
    {
      ok = hall_dossier_render_page (self, cr, i, error);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (ok && status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s"), path,
                   cairo_status_to_string (status));
      ok = FALSE;
    }
  if (ok && g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write %s: %s"), path, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}
