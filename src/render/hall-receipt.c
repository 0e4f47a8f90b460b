/* hall-receipt.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-receipt"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>

#include "hall-case-promise.h"
#include "hall-receipt.h"

#define FONT_FAMILY "Noto Sans CJK SC"
#define MARGIN      28.0
/* Modules of white ISO/IEC 18004 asks around a QR code; the page margin
 * and the gap to the text must leave at least this much. */
#define QR_QUIET    4

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

struct _HallReceipt
{
  GObject        parent_instance;

  HallCase      *kase;
  HallApplicant *applicant;
  HallService   *service;
  char          *hall_name;
  char          *status_url;     /* (nullable): template with {number} */
  char          *official_name;  /* (nullable): the official's display name */
};

G_DEFINE_FINAL_TYPE (HallReceipt, hall_receipt, G_TYPE_OBJECT)

static void
hall_receipt_dispose (GObject *object)
{
  HallReceipt *self = HALL_RECEIPT (object);

  g_clear_object (&self->kase);
  g_clear_object (&self->applicant);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (hall_receipt_parent_class)->dispose (object);
}

static void
hall_receipt_finalize (GObject *object)
{
  HallReceipt *self = HALL_RECEIPT (object);

  g_free (self->hall_name);
  g_free (self->status_url);
  g_free (self->official_name);

  G_OBJECT_CLASS (hall_receipt_parent_class)->finalize (object);
}

static void
hall_receipt_class_init (HallReceiptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hall_receipt_dispose;
  object_class->finalize = hall_receipt_finalize;
}

static void
hall_receipt_init (HallReceipt *self)
{
  self->hall_name = g_strdup (_("Citizens Service Hall"));
}

HallReceipt *
hall_receipt_new (HallCase      *kase,
                  HallApplicant *applicant,
                  HallService   *service)
{
  HallReceipt *self;

  g_return_val_if_fail (HALL_IS_CASE (kase), NULL);
  g_return_val_if_fail (applicant == NULL || HALL_IS_APPLICANT (applicant), NULL);
  g_return_val_if_fail (service == NULL || HALL_IS_SERVICE (service), NULL);

  self = g_object_new (HALL_TYPE_RECEIPT, NULL);
  self->kase = g_object_ref (kase);
  self->applicant = applicant ? g_object_ref (applicant) : NULL;
  self->service = service ? g_object_ref (service) : NULL;

  return self;
}

HallCase *
hall_receipt_get_case (HallReceipt *self)
{
  g_return_val_if_fail (HALL_IS_RECEIPT (self), NULL);

  return self->kase;
}

const char *
hall_receipt_get_hall_name (HallReceipt *self)
{
  g_return_val_if_fail (HALL_IS_RECEIPT (self), NULL);

  return self->hall_name;
}

void
hall_receipt_set_hall_name (HallReceipt *self,
                            const char  *hall_name)
{
  g_return_if_fail (HALL_IS_RECEIPT (self));

  if (hall_name == NULL || *hall_name == '\0')
    hall_name = _("Citizens Service Hall");
  g_free (self->hall_name);
  self->hall_name = g_strdup (hall_name);
}

static gboolean
prefers_chinese (void)
{
  const char * const *languages = g_get_language_names ();

  return languages[0] != NULL && g_str_has_prefix (languages[0], "zh");
}

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds <= 0)
    return g_strdup ("—");
  dt = g_date_time_new_from_unix_local (unix_seconds);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

/* One Pango context per render, at 72 dpi with unhinted metrics, so sizes
 * are in the surface's points and the PDF and the print preview lay out the
 * same as the PNG. */
static PangoContext *
create_context (cairo_t *cr)
{
  PangoContext *context = pango_cairo_create_context (cr);
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_destroy (options);

  return context;
}

static PangoLayout *
make_layout (PangoContext   *context,
             const char     *text,
             double          size,
             PangoWeight     weight,
             double          width,
             PangoAlignment  alignment)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *desc = pango_font_description_new ();

  pango_font_description_set_family (desc, FONT_FAMILY);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);

  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text, -1);

  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

/* Draws @text at (@x, @y) wrapped to @width and returns its height. */
static double
draw_text (cairo_t       *cr,
           PangoContext  *context,
           const char    *text,
           double         size,
           PangoWeight    weight,
           double         gray,
           double         x,
           double         y,
           double         width,
           PangoAlignment alignment)
{
  g_autoptr(PangoLayout) layout = make_layout (context, text, size, weight, width, alignment);

  cairo_set_source_rgb (cr, gray, gray, gray);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);

  return layout_height (layout);
}

static void
draw_rule (cairo_t *cr,
           double   y,
           double   width)
{
  cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
  cairo_set_line_width (cr, 0.75);
  cairo_move_to (cr, MARGIN, y);
  cairo_line_to (cr, width - MARGIN, y);
  cairo_stroke (cr);
}

/* Draws the code's modules in the square (@x, @y, @size); the white quiet
 * zone around it is the page's own blank margin. The dark modules go into
 * one path filled once, so neighbouring modules join without the hairline
 * seams antialiasing would leave. */
static void
draw_qr (cairo_t    *cr,
         const char *text,
         double      x,
         double      y,
         double      size)
{
  g_autoptr(QRcode) code = NULL;
  double module;
  int row, col;

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      g_warning ("Could not encode the case number as a QR code");
      return;
    }

  module = size / code->width;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (row = 0; row < code->width; row++)
    for (col = 0; col < code->width; col++)
      if (code->data[row * code->width + col] & 1)
        cairo_rectangle (cr, x + col * module, y + row * module, module, module);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* A two-column row: the label in gray on the left, the value on the right. */
static double
draw_field (cairo_t      *cr,
            PangoContext *context,
            const char   *label,
            const char   *value,
            double        y,
            double        width)
{
  const double label_width = 96.0;
  double h1, h2;

  h1 = draw_text (cr, context, label, 9.5, PANGO_WEIGHT_NORMAL, 0.4,
                  MARGIN, y + 1.0, label_width - 6.0, PANGO_ALIGN_LEFT);
  h2 = draw_text (cr, context, value && *value ? value : "—", 11.0, PANGO_WEIGHT_NORMAL, 0.0,
                  MARGIN + label_width, y, width - 2 * MARGIN - label_width, PANGO_ALIGN_LEFT);

  return MAX (h1, h2) + 6.0;
}

static double
draw_documents (HallReceipt  *self,
                cairo_t      *cr,
                PangoContext *context,
                double        y,
                double        width)
{
  JsonArray *checklist = hall_case_get_checklist (self->kase);
  gboolean zh = prefers_chinese ();
  guint i, n, n_missing = 0;

  if (self->service == NULL)
    return y;

  n = hall_service_get_n_documents (self->service);
  if (n == 0)
    return y;

  y += draw_text (cr, context, _("Required documents"), 10.5, PANGO_WEIGHT_BOLD, 0.0,
                  MARGIN, y, width - 2 * MARGIN, PANGO_ALIGN_LEFT) + 4.0;

  for (i = 0; i < n; i++)
    {
      const HallRequiredDocument *doc = hall_service_get_document (self->service, i);
      gboolean provided = hall_checklist_is_provided (checklist, doc->id);
      const char *name = zh && doc->name_zh ? doc->name_zh : doc->name;
      g_autofree char *line = NULL;

      if (!provided)
        n_missing++;
      line = g_strdup_printf ("%s  %s", provided ? "✓" : "✗", name);
      draw_text (cr, context, provided ? C_("document", "Received") : _("Missing"), 9.5,
                 provided ? PANGO_WEIGHT_NORMAL : PANGO_WEIGHT_BOLD, provided ? 0.4 : 0.0,
                 width - MARGIN - 70.0, y + 1.0, 70.0, PANGO_ALIGN_RIGHT);
      y += draw_text (cr, context, line, 10.0, PANGO_WEIGHT_NORMAL, 0.0,
                      MARGIN + 4.0, y, width - 2 * MARGIN - 80.0, PANGO_ALIGN_LEFT) + 3.0;
    }

  if (n_missing > 0)
    {
      g_autofree char *note = NULL;

      note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u document is missing: the case waits until it is brought in.",
                                           "%u documents are missing: the case waits until they are brought in.",
                                           n_missing),
                              n_missing);
      y += 3.0;
      y += draw_text (cr, context, note, 9.5, PANGO_WEIGHT_BOLD, 0.0,
                      MARGIN, y, width - 2 * MARGIN, PANGO_ALIGN_LEFT);
    }

  return y;
}

/* Draws everything but the footer in A5-wide coordinates, from the top;
 * returns where the content ends. */
static double
draw_content (HallReceipt  *self,
              cairo_t      *cr,
              PangoContext *context)
{
  g_autofree char *taken = NULL;
  g_autofree char *promised = NULL;
  g_autoptr (HallCalendar) calendar = NULL;
  const char *number;
  const char *applicant_name;
  const char *service_name;
  double y, qr_size, number_top, text_width;
  const double w = HALL_RECEIPT_WIDTH;

  number = hall_case_get_number (self->kase);
  applicant_name = self->applicant ? hall_applicant_get_name (self->applicant)
                                   : hall_case_get_applicant_name (self->kase);
  service_name = self->service ? hall_service_get_name (self->service)
                               : hall_case_get_service_name (self->kase);

  y = MARGIN;
  y += draw_text (cr, context, self->hall_name, 16.0, PANGO_WEIGHT_BOLD, 0.0,
                  MARGIN, y, w - 2 * MARGIN, PANGO_ALIGN_CENTER);
  y += draw_text (cr, context, _("Intake Receipt"), 11.0, PANGO_WEIGHT_NORMAL, 0.35,
                  MARGIN, y + 2.0, w - 2 * MARGIN, PANGO_ALIGN_CENTER) + 10.0;
  draw_rule (cr, y, w);
  y += 12.0;

  /* The number is what the applicant quotes on the phone: large, left;
   * the code beside it is what a counter or kiosk scans. */
  qr_size = 92.0;
  text_width = w - 2 * MARGIN - qr_size - 24.0;
  number_top = y;
  {
    g_autofree char *qr_text = hall_receipt_dup_qr_text (self);

    draw_qr (cr, qr_text, w - MARGIN - qr_size, y + 4.0, qr_size);
  }
  y += draw_text (cr, context, _("Case number"), 9.5, PANGO_WEIGHT_NORMAL, 0.4,
                  MARGIN, y + 8.0, text_width, PANGO_ALIGN_LEFT) + 10.0;
  y += draw_text (cr, context, number ? number : "—", 21.0, PANGO_WEIGHT_BOLD, 0.0,
                  MARGIN, y, text_width, PANGO_ALIGN_LEFT);
  y += draw_text (cr, context, _("Quote this number or show the code to ask about your case."),
                  8.5, PANGO_WEIGHT_NORMAL, 0.4,
                  MARGIN, y + 4.0, text_width, PANGO_ALIGN_LEFT) + 4.0;
  y = MAX (y, number_top + qr_size + 8.0) + 8.0;
  draw_rule (cr, y, w);
  y += 12.0;

  taken = format_time (hall_case_get_created_at (self->kase));
  promised = format_time (hall_case_get_promised_at (self->kase));

  y += draw_field (cr, context, _("Applicant"), applicant_name, y, w);
  {
    g_autofree char *contact = hall_receipt_dup_contact_text (self);

    if (contact != NULL)
      y += draw_field (cr, context, _("Contact"), contact, y, w);
  }
  y += draw_field (cr, context, _("Service"), service_name, y, w);
  if (self->service != NULL)
    y += draw_field (cr, context, _("Department"),
                     hall_service_get_department_name (self->service), y, w);
  y += draw_field (cr, context, _("Taken in"), taken, y, w);
  /* In the hall's calendar, and paused while documents are missing. */
  calendar = self->service != NULL ? hall_service_dup_calendar (self->service) : NULL;
  if (calendar != NULL)
    {
      HallPromise promise;
      g_autofree char *text = NULL;

      hall_case_compute_promise (self->kase, self->service, calendar, NULL, &promise);
      text = hall_case_format_promise (self->kase, calendar, &promise);
      y += draw_field (cr, context, _("Promise"), text, y, w);
    }
  else
    y += draw_field (cr, context, _("Promised by"), promised, y, w);
  y += draw_field (cr, context, _("Counter"), hall_case_get_counter (self->kase), y, w);
  /* The name the applicant can address the official by, not a user name. */
  y += draw_field (cr, context, _("Official"),
                   self->official_name != NULL ? self->official_name
                                               : hall_case_get_official (self->kase),
                   y, w);
  y += 4.0;
  draw_rule (cr, y, w);
  y += 12.0;

  return draw_documents (self, cr, context, y, w);
}

void
hall_receipt_render (HallReceipt *self,
                     cairo_t     *cr,
                     double       width,
                     double       height)
{
  g_autoptr(PangoLayout) footer = NULL;
  cairo_surface_t *recording;
  cairo_t *rc;
  PangoContext *context;
  double bottom, footer_y, page_height, scale;
  const double w = HALL_RECEIPT_WIDTH;

  g_return_if_fail (HALL_IS_RECEIPT (self));
  g_return_if_fail (cr != NULL);

  /* Drawn once into a recording surface (vectors stay vectors in a PDF or
   * a print job) so that a long document list can be measured first: the
   * page grows to hold it and the whole is then scaled to fit, instead of
   * text running into the footer or off the paper. */
  recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  rc = cairo_create (recording);
  context = create_context (rc);

  bottom = draw_content (self, rc, context);
  footer = make_layout (context, _("Keep this receipt until your case is completed."),
                        8.5, PANGO_WEIGHT_NORMAL, w - 2 * MARGIN, PANGO_ALIGN_CENTER);
  footer_y = MAX (bottom + 18.0, HALL_RECEIPT_HEIGHT - MARGIN - layout_height (footer));
  cairo_set_source_rgb (rc, 0.4, 0.4, 0.4);
  cairo_move_to (rc, MARGIN, footer_y);
  pango_cairo_show_layout (rc, footer);
  page_height = footer_y + layout_height (footer) + MARGIN;

  g_object_unref (context);
  cairo_destroy (rc);

  cairo_save (cr);
  scale = MIN (width / w, height / page_height);
  cairo_translate (cr, (width - w * scale) / 2.0, 0);
  cairo_scale (cr, scale, scale);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, w, page_height);
  cairo_fill (cr);
  cairo_set_source_surface (cr, recording, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);

  cairo_surface_destroy (recording);
}

static cairo_status_t
write_to_stream (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  GOutputStream *stream = closure;

  if (!g_output_stream_write_all (stream, data, length, NULL, NULL, NULL))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

gboolean
hall_receipt_write_pdf (HallReceipt *self,
                        GFile       *file,
                        GError     **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree char *title = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (HALL_IS_RECEIPT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (stream == NULL)
    return FALSE;

  surface = cairo_pdf_surface_create_for_stream (write_to_stream, stream,
                                                 HALL_RECEIPT_WIDTH, HALL_RECEIPT_HEIGHT);
  title = g_strdup_printf (_("Intake Receipt %s"), hall_case_get_number (self->kase));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Service Hall " PACKAGE_VERSION);

  cr = cairo_create (surface);
  hall_receipt_render (self, cr, HALL_RECEIPT_WIDTH, HALL_RECEIPT_HEIGHT);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the receipt to “%s”: %s"),
                   name, cairo_status_to_string (status));
      return FALSE;
    }

  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}

static void
write_pdf_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (hall_receipt_write_pdf (source_object, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hall_receipt_write_pdf_async (HallReceipt         *self,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HALL_IS_RECEIPT (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_receipt_write_pdf_async);
  /* A file that was written is reported as written, cancelled or not. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, write_pdf_thread);
}

gboolean
hall_receipt_write_pdf_finish (HallReceipt   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hall_receipt_write_pdf_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
hall_receipt_status_url_is_valid (const char *template)
{
  return template != NULL
         && (g_str_has_prefix (template, "https://") || g_str_has_prefix (template, "http://"))
         && strstr (template, "{number}") != NULL && strchr (template, ' ') == NULL;
}

void
hall_receipt_set_status_url (HallReceipt *self,
                             const char  *template)
{
  g_return_if_fail (HALL_IS_RECEIPT (self));

  g_free (self->status_url);
  self->status_url = hall_receipt_status_url_is_valid (template) ? g_strdup (template) : NULL;
}

void
hall_receipt_set_official_name (HallReceipt *self,
                                const char  *official_name)
{
  g_return_if_fail (HALL_IS_RECEIPT (self));

  g_free (self->official_name);
  self->official_name = official_name != NULL && *official_name != '\0'
                          ? g_strdup (official_name) : NULL;
}

char *
hall_receipt_dup_contact_text (HallReceipt *self)
{
  const char *person;
  const char *phone;

  g_return_val_if_fail (HALL_IS_RECEIPT (self), NULL);

  if (self->applicant == NULL
      || hall_applicant_get_kind (self->applicant) != HALL_APPLICANT_BUSINESS)
    return NULL;
  person = hall_applicant_get_contact_person (self->applicant);
  phone = hall_applicant_get_phone (self->applicant);
  if (person != NULL && phone != NULL)
    /* Translators: a business's contact person and phone, "Li Ming · 138…" */
    return g_strdup_printf (_("%s · %s"), person, phone);
  return g_strdup (person != NULL ? person : phone);
}

char *
hall_receipt_dup_qr_text (HallReceipt *self)
{
  const char *number;
  g_autofree char *escaped = NULL;
  g_auto (GStrv) parts = NULL;

  g_return_val_if_fail (HALL_IS_RECEIPT (self), NULL);

  number = hall_case_get_number (self->kase);
  if (number == NULL)
    number = "";
  if (self->status_url == NULL)
    return g_strdup (number);
  escaped = g_uri_escape_string (number, NULL, FALSE);
  parts = g_strsplit (self->status_url, "{number}", -1);
  return g_strjoinv (escaped, parts);
}
