/* hall-cell-label.c — one line of text in a table's cell
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkLabel measures its text: each new text is a new layout, shaped to
 * learn its size, and a resize of its row. GTK 4.8's list views keep 200
 * rows alive whatever their height, so a jump of the scroll bar over a
 * million cases rebinds hundreds of cells at once, and the case list spent
 * most of such a frame shaping text nobody would see. A HallCellLabel's
 * size comes from its font alone (kept per font, for all cells), so a new
 * text only queues a redraw, and the text is shaped when the cell is drawn:
 * only for the rows on screen.
 *
 * What a screen reader says of a cell follows its text once the list
 * rests: a drag of the scroll bar rebinds two hundred rows a frame, and
 * telling each cell's accessible label every time cost an eighth of the
 * drag's main thread (bench-list-stall), for texts nobody could listen to.
 */
#include "config.h"

#include "hall-cell-label.h"

/* How long the cells' texts must stay as they are before their
 * accessible labels follow them. */
#define REST_MS 150

/* What a line of a font needs, measured once per font and resolution. */
typedef struct
{
  int height;
  int baseline;
  int char_width;
  int ellipsis_width;
} LineMetrics;

struct _HallCellLabel
{
  GtkWidget parent_instance;

  char *text;
  int natural_chars;
  PangoLayout *layout;          /* made when first drawn */
  const LineMetrics *metrics;   /* of the font it was measured with */
  guint font_hash;
  gboolean label_stale;         /* its accessible label is not its text yet */
};

G_DEFINE_FINAL_TYPE (HallCellLabel, hall_cell_label, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TEXT,
  PROP_NATURAL_CHARS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Font and resolution: what the metrics of a line depend on. */
static guint
font_hash (PangoContext *context)
{
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double resolution = pango_cairo_context_get_resolution (context);

  return pango_font_description_hash (font) ^ g_double_hash (&resolution);
}

static LineMetrics *
measure_line (PangoContext *context)
{
  g_autoptr (PangoLayout) layout = pango_layout_new (context);
  LineMetrics *metrics = g_new0 (LineMetrics, 1);
  PangoRectangle logical;

  /* Latin with ascenders and descenders and a Chinese character: a line
   * of either script fits. */
  pango_layout_set_text (layout, "Ag\xe7\x8e\x8b", -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  metrics->height = logical.height;
  metrics->baseline = PANGO_PIXELS (pango_layout_get_baseline (layout));
  pango_layout_set_text (layout, "0", -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  metrics->char_width = logical.width;
  pango_layout_set_text (layout, "\xe2\x80\xa6", -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  metrics->ellipsis_width = logical.width;
  return metrics;
}

/* The metrics of the widget's font now, from a table every cell shares
 * (the main thread's only). */
static const LineMetrics *
get_metrics (HallCellLabel *self)
{
  static GHashTable *by_font;
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  guint hash = font_hash (context);
  LineMetrics *metrics;

  if (self->metrics != NULL && hash == self->font_hash)
    return self->metrics;

  if (by_font == NULL)
    by_font = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  metrics = g_hash_table_lookup (by_font, GUINT_TO_POINTER (hash));
  if (metrics == NULL)
    {
      metrics = measure_line (context);
      g_hash_table_insert (by_font, GUINT_TO_POINTER (hash), metrics);
    }
  /* Another font: a layout made with the old one is redone when drawn. */
  if (hash != self->font_hash)
    g_clear_object (&self->layout);
  self->metrics = metrics;
  self->font_hash = hash;
  return metrics;
}

static void
hall_cell_label_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  HallCellLabel *self = HALL_CELL_LABEL (widget);
  const LineMetrics *metrics = get_metrics (self);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = metrics->ellipsis_width;
      *natural = MAX (*minimum, self->natural_chars * metrics->char_width);
    }
  else
    {
      *minimum = *natural = metrics->height;
      *minimum_baseline = *natural_baseline = metrics->baseline;
    }
}

static void
hall_cell_label_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  HallCellLabel *self = HALL_CELL_LABEL (widget);
  const LineMetrics *metrics;
  GdkRGBA color;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int y;

  if (self->text == NULL || *self->text == '\0' || width <= 0)
    return;

  metrics = get_metrics (self);
  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (widget, self->text);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
    }
  pango_layout_set_width (self->layout, width * PANGO_SCALE);

  /* gtk_widget_get_color () comes with GTK 4.10. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* On the line's baseline, wherever the text's own is: a name in Chinese
   * and a number in Latin letters stand on the same line across a row. */
  y = (height - metrics->height) / 2 + metrics->baseline
      - PANGO_PIXELS (pango_layout_get_baseline (self->layout));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, y));
  gtk_snapshot_append_layout (snapshot, self->layout, &color);
  gtk_snapshot_restore (snapshot);
}

/* The cells whose accessible labels are behind their texts (the main
 * thread's only), and the source that brings them up to date once no cell
 * has changed for REST_MS. */
static GHashTable *stale_labels;
static GSource *rest_source;
static gint64 last_change;  /* µs, monotonic */

static void
update_accessible_label (HallCellLabel *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->text != NULL ? self->text : "", -1);
  self->label_stale = FALSE;
}

static gboolean
rest_cb (GSource     *source,
         GSourceFunc  callback,
         gpointer     user_data)
{
  GHashTableIter iter;
  gpointer label;

  /* Armed once, at the first change, and moved on from here while the
   * texts still change: moving it at every change would wake the loop
   * through a write each time. */
  if (g_get_monotonic_time () < last_change + REST_MS * 1000)
    {
      g_source_set_ready_time (source, last_change + REST_MS * 1000);
      return G_SOURCE_CONTINUE;
    }
  g_hash_table_iter_init (&iter, stale_labels);
  while (g_hash_table_iter_next (&iter, &label, NULL))
    {
      update_accessible_label (label);
      g_hash_table_iter_remove (&iter);
    }
  g_source_set_ready_time (source, -1);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs rest_funcs = { NULL, NULL, rest_cb, NULL, NULL, NULL };

static void
mark_label_stale (HallCellLabel *self)
{
  if (rest_source == NULL)
    {
      stale_labels = g_hash_table_new (NULL, NULL);
      rest_source = g_source_new (&rest_funcs, sizeof (GSource));
      g_source_set_static_name (rest_source, "[hall-cell-label] accessible labels");
      g_source_set_priority (rest_source, G_PRIORITY_LOW);
      g_source_attach (rest_source, NULL);
    }
  if (!self->label_stale)
    g_hash_table_add (stale_labels, self);
  self->label_stale = TRUE;
  last_change = g_get_monotonic_time ();
  if (g_source_get_ready_time (rest_source) == -1)
    g_source_set_ready_time (rest_source, last_change + REST_MS * 1000);
}

static void
hall_cell_label_dispose (GObject *object)
{
  HallCellLabel *self = HALL_CELL_LABEL (object);

  if (self->label_stale)
    g_hash_table_remove (stale_labels, self);
  self->label_stale = FALSE;

  G_OBJECT_CLASS (hall_cell_label_parent_class)->dispose (object);
}

static void
hall_cell_label_finalize (GObject *object)
{
  HallCellLabel *self = HALL_CELL_LABEL (object);

  g_free (self->text);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (hall_cell_label_parent_class)->finalize (object);
}

static void
hall_cell_label_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HallCellLabel *self = HALL_CELL_LABEL (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_NATURAL_CHARS:
      g_value_set_int (value, self->natural_chars);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_cell_label_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HallCellLabel *self = HALL_CELL_LABEL (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      hall_cell_label_set_text (self, g_value_get_string (value));
      break;
    case PROP_NATURAL_CHARS:
      self->natural_chars = g_value_get_int (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_cell_label_class_init (HallCellLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_cell_label_dispose;
  object_class->finalize = hall_cell_label_finalize;
  object_class->get_property = hall_cell_label_get_property;
  object_class->set_property = hall_cell_label_set_property;
  widget_class->measure = hall_cell_label_measure;
  widget_class->snapshot = hall_cell_label_snapshot;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NATURAL_CHARS] =
    g_param_spec_int ("natural-chars", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Styled as a label is: colours, fonts, "numeric", "error". */
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
hall_cell_label_init (HallCellLabel *self)
{
}

GtkWidget *
hall_cell_label_new (int natural_chars)
{
  return g_object_new (HALL_TYPE_CELL_LABEL, "natural-chars", natural_chars, NULL);
}

const char *
hall_cell_label_get_text (HallCellLabel *self)
{
  g_return_val_if_fail (HALL_IS_CELL_LABEL (self), NULL);

  return self->text;
}

void
hall_cell_label_set_text (HallCellLabel *self,
                          const char    *text)
{
  g_return_if_fail (HALL_IS_CELL_LABEL (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  if (self->layout != NULL)
    pango_layout_set_text (self->layout, text != NULL ? text : "", -1);
  mark_label_stale (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}
