/* hall-license.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The labels are in Chinese and English on every license whatever the
 * reader's locale, so they are not translated.
 */
#define G_LOG_DOMAIN "hall-license"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "hall-license.h"

#define FONT_FAMILY "Noto Sans CJK SC"
#define MARGIN      56.0
#define QR_SIZE     184.0
#define LABEL_WIDTH 150.0

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

struct _HallLicense
{
  GObject  parent_instance;

  char    *number;
  char    *license_type;
  char    *holder;
  char    *holder_id;
  char    *scope;
  char    *official;
  gint64   issued_at;
  gint64   valid_until;
  char    *payload_text;
  char    *type_name_zh;
  char    *type_name_en;
  char    *hall_name_zh;
  char    *hall_name_en;
};

G_DEFINE_FINAL_TYPE (HallLicense, hall_license, G_TYPE_OBJECT)

static void
hall_license_finalize (GObject *object)
{
  HallLicense *self = HALL_LICENSE (object);

  g_free (self->number);
  g_free (self->license_type);
  g_free (self->holder);
  g_free (self->holder_id);
  g_free (self->scope);
  g_free (self->official);
  g_free (self->payload_text);
  g_free (self->type_name_zh);
  g_free (self->type_name_en);
  g_free (self->hall_name_zh);
  g_free (self->hall_name_en);

  G_OBJECT_CLASS (hall_license_parent_class)->finalize (object);
}

static void
hall_license_class_init (HallLicenseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_license_finalize;
}

static void
hall_license_init (HallLicense *self)
{
}

static char *
or_default (const char *value,
            const char *fallback)
{
  return g_strdup (value != NULL && *value != '\0' ? value : fallback);
}

HallLicense *
hall_license_new (const HallLicensePayload *payload,
                  const char               *payload_text,
                  const char               *type_name_zh,
                  const char               *type_name_en,
                  const char               *hall_name_zh,
                  const char               *hall_name_en)
{
  HallLicense *self;

  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (payload_text != NULL, NULL);

  self = g_object_new (HALL_TYPE_LICENSE, NULL);
  self->number = g_strdup (payload->number);
  self->license_type = g_strdup (payload->license_type);
  self->holder = g_strdup (payload->holder);
  self->holder_id = g_strdup (payload->holder_id);
  self->scope = g_strdup (payload->scope);
  self->official = g_strdup (payload->certificate != NULL ? payload->certificate->official : "");
  self->issued_at = payload->issued_at;
  self->valid_until = payload->valid_until;
  self->payload_text = g_strdup (payload_text);
  self->type_name_zh = or_default (type_name_zh, payload->license_type);
  self->type_name_en = or_default (type_name_en, payload->license_type);
  self->hall_name_zh = or_default (hall_name_zh, payload->hall);
  self->hall_name_en = or_default (hall_name_en, payload->hall);
  return self;
}

const char *
hall_license_get_number (HallLicense *self)
{
  g_return_val_if_fail (HALL_IS_LICENSE (self), NULL);
  return self->number;
}

const char *
hall_license_get_payload_text (HallLicense *self)
{
  g_return_val_if_fail (HALL_IS_LICENSE (self), NULL);
  return self->payload_text;
}

/* Drawing */

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

/* Draws @text at (@x, @y) wrapped to @width and returns its height. */
static double
draw_text (cairo_t        *cr,
           PangoContext   *context,
           const char     *text,
           double          size,
           PangoWeight     weight,
           double          gray,
           double          x,
           double          y,
           double          width,
           PangoAlignment  alignment)
{
  g_autoptr(PangoLayout) layout = pango_layout_new (context);
  PangoFontDescription *desc = pango_font_description_new ();
  int height;

  pango_font_description_set_family (desc, FONT_FAMILY);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text, -1);

  cairo_set_source_rgb (cr, gray, gray, gray);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

/* A row: the bilingual label on the left, the value on the right. */
static double
draw_row (cairo_t      *cr,
          PangoContext *context,
          const char   *label_zh,
          const char   *label_en,
          const char   *value,
          double        y,
          double        width)
{
  g_autofree char *label = g_strdup_printf ("%s\n%s", label_zh, label_en);
  double label_height;
  double value_height;

  label_height = draw_text (cr, context, label, 10.5, PANGO_WEIGHT_NORMAL, 0.35, MARGIN, y,
                            LABEL_WIDTH, PANGO_ALIGN_LEFT);
  value_height = draw_text (cr, context, value, 13, PANGO_WEIGHT_NORMAL, 0.0,
                            MARGIN + LABEL_WIDTH, y, width - 2 * MARGIN - LABEL_WIDTH,
                            PANGO_ALIGN_LEFT);
  return MAX (label_height, value_height) + 12;
}

static char *
format_date (gint64 at)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (at);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d") : g_strdup ("—");
}

/* The dark modules go into one path filled once, so neighbours join
 * without antialiasing seams; the quiet zone is the page's white. */
static void
draw_qr (cairo_t    *cr,
         const char *text,
         double      x,
         double      y,
         double      size)
{
  g_autoptr(QRcode) code = QRcode_encodeString (text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
  double module;
  int row;
  int col;

  if (code == NULL)
    {
      g_warning ("Could not encode the license payload as a QR code");
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

static void
render_page (HallLicense *self,
             cairo_t     *cr)
{
  PangoContext *context = create_context (cr);
  const double width = HALL_LICENSE_WIDTH;
  const double height = HALL_LICENSE_HEIGHT;
  g_autofree char *title_number = g_strdup_printf ("编号 No. %s", self->number);
  g_autofree char *issued = format_date (self->issued_at);
  g_autofree char *until = self->valid_until != 0 ? format_date (self->valid_until)
                                                  : g_strdup ("长期 / No end");
  g_autofree char *hall = g_strdup_printf ("%s\n%s", self->hall_name_zh, self->hall_name_en);
  double y = MARGIN;
  double qr_y;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  /* A double frame, as licenses have. */
  cairo_set_source_rgb (cr, 0.55, 0.1, 0.1);
  cairo_set_line_width (cr, 2.0);
  cairo_rectangle (cr, 24, 24, width - 48, height - 48);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 0.75);
  cairo_rectangle (cr, 30, 30, width - 60, height - 60);
  cairo_stroke (cr);

  y += draw_text (cr, context, self->hall_name_zh, 14, PANGO_WEIGHT_NORMAL, 0.25, MARGIN, y,
                  width - 2 * MARGIN, PANGO_ALIGN_CENTER);
  y += draw_text (cr, context, self->hall_name_en, 10, PANGO_WEIGHT_NORMAL, 0.4, MARGIN, y,
                  width - 2 * MARGIN, PANGO_ALIGN_CENTER);
  y += 18;
  y += draw_text (cr, context, self->type_name_zh, 26, PANGO_WEIGHT_BOLD, 0.0, MARGIN, y,
                  width - 2 * MARGIN, PANGO_ALIGN_CENTER);
  y += draw_text (cr, context, self->type_name_en, 15, PANGO_WEIGHT_NORMAL, 0.15, MARGIN, y,
                  width - 2 * MARGIN, PANGO_ALIGN_CENTER);
  y += 10;
  y += draw_text (cr, context, title_number, 13, PANGO_WEIGHT_NORMAL, 0.0, MARGIN, y,
                  width - 2 * MARGIN, PANGO_ALIGN_CENTER);
  y += 26;

  y += draw_row (cr, context, "持证人", "Holder", self->holder, y, width);
  if (self->holder_id != NULL && *self->holder_id != '\0')
    y += draw_row (cr, context, "证件号码", "Document number", self->holder_id, y, width);
  if (self->scope != NULL && *self->scope != '\0')
    y += draw_row (cr, context, "范围", "Scope", self->scope, y, width);
  y += draw_row (cr, context, "发证日期", "Date of issue", issued, y, width);
  y += draw_row (cr, context, "有效期至", "Valid until", until, y, width);
  y += draw_row (cr, context, "发证机关", "Issued by", hall, y, width);
  y += draw_row (cr, context, "签发人", "Signed by", self->official, y, width);

  qr_y = MAX (y + 16, height - MARGIN - QR_SIZE - 60);
  draw_qr (cr, self->payload_text, (width - QR_SIZE) / 2, qr_y, QR_SIZE);
  draw_text (cr, context,
             "扫描二维码即可离线核验，无需印章。\n"
             "Scan the code to verify this license offline; it carries no stamp.",
             9, PANGO_WEIGHT_NORMAL, 0.3, MARGIN, qr_y + QR_SIZE + 10, width - 2 * MARGIN,
             PANGO_ALIGN_CENTER);
  g_object_unref (context);
}

void
hall_license_render (HallLicense *self,
                     cairo_t     *cr,
                     double       width,
                     double       height)
{
  double scale;

  g_return_if_fail (HALL_IS_LICENSE (self));

  scale = MIN (width / HALL_LICENSE_WIDTH, height / HALL_LICENSE_HEIGHT);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, (width - HALL_LICENSE_WIDTH * scale) / 2,
                   (height - HALL_LICENSE_HEIGHT * scale) / 2);
  cairo_scale (cr, scale, scale);
  render_page (self, cr);
  cairo_restore (cr);
}

static cairo_status_t
write_to_stream (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  if (!g_output_stream_write_all (closure, data, length, NULL, NULL, NULL))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

gboolean
hall_license_write_pdf (HallLicense *self,
                        GFile       *file,
                        GError     **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree char *title = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (HALL_IS_LICENSE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (stream == NULL)
    return FALSE;
  surface = cairo_pdf_surface_create_for_stream (write_to_stream, stream, HALL_LICENSE_WIDTH,
                                                 HALL_LICENSE_HEIGHT);
  title = g_strdup_printf ("%s %s", self->type_name_en, self->number);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR,
                                  "Service Hall " PACKAGE_VERSION);
  cr = cairo_create (surface);
  render_page (self, cr);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the license to “%s”: %s"), name,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}
