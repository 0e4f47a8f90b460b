/* hall-day-summary.c — the counter's end-of-day summary as a page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-render"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "hall-day-summary.h"

#define MARGIN 56.0
#define FONT   "Noto Sans CJK SC"

struct _HallDaySummary
{
  GObject    parent_instance;

  char      *hall_name;
  char      *counter;
  char      *official_name;
  GDateTime *day;
  guint      counts[4];
};

G_DEFINE_FINAL_TYPE (HallDaySummary, hall_day_summary, G_TYPE_OBJECT)

static const char *
row_label (guint i)
{
  switch (i)
    {
    case 0:
      return _("Cases opened");
    case 1:
      return _("Cases completed");
    case 2:
      return _("Waiting for the applicant (documents missing or returned)");
    default:
      return _("Overdue");
    }
}

static double
draw_text (cairo_t        *cr,
           const char     *text,
           double          size,
           PangoWeight     weight,
           double          x,
           double          y,
           double          width,
           PangoAlignment  alignment)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr (PangoFontDescription) font = pango_font_description_from_string (FONT);
  int height;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static void
hall_day_summary_finalize (GObject *object)
{
  HallDaySummary *self = HALL_DAY_SUMMARY (object);

  g_free (self->hall_name);
  g_free (self->counter);
  g_free (self->official_name);
  g_clear_pointer (&self->day, g_date_time_unref);

  G_OBJECT_CLASS (hall_day_summary_parent_class)->finalize (object);
}

static void
hall_day_summary_class_init (HallDaySummaryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_day_summary_finalize;
}

static void
hall_day_summary_init (HallDaySummary *self)
{
}

HallDaySummary *
hall_day_summary_new (const char *hall_name,
                      const char *counter,
                      const char *official_name,
                      GDateTime  *day,
                      guint       opened,
                      guint       completed,
                      guint       waiting,
                      guint       overdue)
{
  HallDaySummary *self = g_object_new (HALL_TYPE_DAY_SUMMARY, NULL);

  g_return_val_if_fail (day != NULL, NULL);

  self->hall_name = g_strdup (hall_name != NULL ? hall_name : _("Citizens Service Hall"));
  self->counter = g_strdup (counter != NULL ? counter : "");
  self->official_name = g_strdup (official_name != NULL ? official_name : "");
  self->day = g_date_time_ref (day);
  self->counts[0] = opened;
  self->counts[1] = completed;
  self->counts[2] = waiting;
  self->counts[3] = overdue;
  return self;
}

char *
hall_day_summary_dup_text (HallDaySummary *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (HALL_IS_DAY_SUMMARY (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (self->counts); i++)
    g_string_append_printf (text, "%s%s\t%u", i > 0 ? "\n" : "", row_label (i), self->counts[i]);
  return g_string_free (text, FALSE);
}

void
hall_day_summary_render (HallDaySummary *self,
                         cairo_t        *cr,
                         double          width,
                         double          height)
{
  const double w = HALL_DAY_SUMMARY_WIDTH;
  double scale, y;
  g_autofree char *date = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  g_return_if_fail (HALL_IS_DAY_SUMMARY (self));

  scale = MIN (width / HALL_DAY_SUMMARY_WIDTH, height / HALL_DAY_SUMMARY_HEIGHT);
  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  date = g_date_time_format (self->day, "%Y-%m-%d");
  y = MARGIN;
  y += draw_text (cr, self->hall_name, 18, PANGO_WEIGHT_BOLD, MARGIN, y, w - 2 * MARGIN,
                  PANGO_ALIGN_CENTER) + 6;
  y += draw_text (cr, _("End-of-Day Summary"), 14, PANGO_WEIGHT_NORMAL, MARGIN, y,
                  w - 2 * MARGIN, PANGO_ALIGN_CENTER) + 18;
  /* Translators: "Counter C03 · Wang Fang · 2026-12-04" */
  subtitle = g_strdup_printf (_("Counter %s · %s · %s"), self->counter, self->official_name,
                              date);
  y += draw_text (cr, subtitle, 11, PANGO_WEIGHT_NORMAL, MARGIN, y, w - 2 * MARGIN,
                  PANGO_ALIGN_CENTER) + 24;

  for (guint i = 0; i < G_N_ELEMENTS (self->counts); i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", self->counts[i]);
      double h;

      cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
      cairo_set_line_width (cr, 0.75);
      cairo_move_to (cr, MARGIN, y);
      cairo_line_to (cr, w - MARGIN, y);
      cairo_stroke (cr);
      y += 10;
      cairo_set_source_rgb (cr, 0, 0, 0);
      draw_text (cr, number, 16, PANGO_WEIGHT_BOLD, w - MARGIN - 80, y, 80, PANGO_ALIGN_RIGHT);
      h = draw_text (cr, row_label (i), 12, PANGO_WEIGHT_NORMAL, MARGIN, y + 2,
                     w - 2 * MARGIN - 100, PANGO_ALIGN_LEFT);
      y += MAX (h, 20) + 10;
    }

  printed = g_date_time_format (now, "%Y-%m-%d %H:%M");
  {
    /* Translators: "Printed 2026-12-04 17:05" */
    g_autofree char *footer = g_strdup_printf (_("Printed %s"), printed);

    cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
    draw_text (cr, footer, 9, PANGO_WEIGHT_NORMAL, MARGIN, HALL_DAY_SUMMARY_HEIGHT - MARGIN,
               w - 2 * MARGIN, PANGO_ALIGN_LEFT);
  }
  cairo_restore (cr);
}

static cairo_status_t
write_to_stream (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  return g_output_stream_write_all (G_OUTPUT_STREAM (closure), data, length, NULL, NULL, NULL)
           ? CAIRO_STATUS_SUCCESS
           : CAIRO_STATUS_WRITE_ERROR;
}

gboolean
hall_day_summary_write_pdf (HallDaySummary *self,
                            GFile          *file,
                            GError        **error)
{
  g_autoptr (GFileOutputStream) stream = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (HALL_IS_DAY_SUMMARY (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (stream == NULL)
    return FALSE;
  surface = cairo_pdf_surface_create_for_stream (write_to_stream, stream,
                                                 HALL_DAY_SUMMARY_WIDTH, HALL_DAY_SUMMARY_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("End-of-Day Summary"));
  cr = cairo_create (surface);
  hall_day_summary_render (self, cr, HALL_DAY_SUMMARY_WIDTH, HALL_DAY_SUMMARY_HEIGHT);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write the summary: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}
