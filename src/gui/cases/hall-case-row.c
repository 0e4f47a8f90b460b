/* hall-case-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-case-row.h"

/* How long the rows' texts must stay as they are before their accessible
 * labels follow them. */
#define REST_MS 150
/* The size symbolic icons are drawn at. */
#define ICON_SIZE 16

/* What a line of a font needs, measured once per font and resolution. */
typedef struct
{
  int height;
  int baseline;
} LineMetrics;

typedef struct
{
  char *text;           /* or the icon's description */
  char *icon_name;
  HallCaseRowStyle style;
  PangoLayout *layout;  /* made when first drawn */
} Cell;

struct _HallCaseRow
{
  GtkWidget parent_instance;

  HallCaseColumns *columns;
  GArray *cells;                /* of Cell, one per column */
  const LineMetrics *metrics;   /* of the font it was measured with */
  guint font_hash;
  gboolean label_stale;         /* its accessible label is not its texts yet */
};

G_DEFINE_FINAL_TYPE (HallCaseRow, hall_case_row, GTK_TYPE_WIDGET)

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
  return metrics;
}

static void
clear_layouts (HallCaseRow *self)
{
  for (guint i = 0; i < self->cells->len; i++)
    g_clear_object (&g_array_index (self->cells, Cell, i).layout);
}

/* The metrics of the row's font now, from a table every row shares (the
 * main thread's only). */
static const LineMetrics *
get_metrics (HallCaseRow *self)
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
  /* Another font: layouts made with the old one are redone when drawn. */
  if (hash != self->font_hash)
    clear_layouts (self);
  self->metrics = metrics;
  self->font_hash = hash;
  return metrics;
}

/* The rows whose accessible labels are behind their texts (the main
 * thread's only), and the source that brings them up to date once no row
 * has changed for REST_MS. */
static GHashTable *stale_rows;
static GSource *rest_source;
static gint64 last_change;  /* µs, monotonic */

/* What a screen reader says of the row: its cells' texts, in order. */
static char *
dup_accessible_label (HallCaseRow *self)
{
  GString *label = g_string_new (NULL);

  for (guint i = 0; i < self->cells->len; i++)
    {
      const Cell *cell = &g_array_index (self->cells, Cell, i);

      if (!hall_case_columns_get_visible (self->columns, i) || cell->text == NULL
          || *cell->text == '\0')
        continue;
      if (label->len > 0)
        g_string_append (label, ", ");
      g_string_append (label, cell->text);
    }
  return g_string_free (label, FALSE);
}

static void
update_accessible_label (HallCaseRow *self)
{
  g_autofree char *label = dup_accessible_label (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  self->label_stale = FALSE;
}

static gboolean
rest_cb (GSource     *source,
         GSourceFunc  callback,
         gpointer     user_data)
{
  GHashTableIter iter;
  gpointer row;

  /* Armed once, at the first change, and moved on from here while the
   * texts still change: moving it at every change would wake the loop
   * through a write each time. */
  if (g_get_monotonic_time () < last_change + REST_MS * 1000)
    {
      g_source_set_ready_time (source, last_change + REST_MS * 1000);
      return G_SOURCE_CONTINUE;
    }
  g_hash_table_iter_init (&iter, stale_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    {
      update_accessible_label (row);
      g_hash_table_iter_remove (&iter);
    }
  g_source_set_ready_time (source, -1);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs rest_funcs = { NULL, NULL, rest_cb, NULL, NULL, NULL };

static void
mark_label_stale (HallCaseRow *self)
{
  if (rest_source == NULL)
    {
      stale_rows = g_hash_table_new (NULL, NULL);
      rest_source = g_source_new (&rest_funcs, sizeof (GSource));
      g_source_set_static_name (rest_source, "[hall-case-row] accessible labels");
      g_source_set_priority (rest_source, G_PRIORITY_LOW);
      g_source_attach (rest_source, NULL);
    }
  if (!self->label_stale)
    g_hash_table_add (stale_rows, self);
  self->label_stale = TRUE;
  last_change = g_get_monotonic_time ();
  if (g_source_get_ready_time (rest_source) == -1)
    g_source_set_ready_time (rest_source, last_change + REST_MS * 1000);
}

static void
columns_changed_cb (HallCaseRow *self)
{
  guint n = hall_case_columns_get_n_columns (self->columns);

  if (self->cells->len < n)
    g_array_set_size (self->cells, n);
  /* Another column on show or hidden: the label says what is shown. */
  mark_label_stale (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
hall_case_row_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  HallCaseRow *self = HALL_CASE_ROW (widget);

  /* As narrow as the list is: the columns shrink, the table never
   * scrolls sideways (hall-case-columns.h). */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 0;
      *natural = hall_case_columns_get_natural_width (self->columns);
      return;
    }
  *minimum = *natural = MAX (get_metrics (self)->height, ICON_SIZE);
}

/* The theme's colour named @name, or @fallback. */
static GdkRGBA
theme_color (GtkWidget     *widget,
             const char    *name,
             const GdkRGBA *fallback)
{
  GdkRGBA color;

  /* gtk_widget_get_color () and its kind come with GTK 4.10. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, &color))
    color = *fallback;
  G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

static GdkRGBA
cell_color (GtkWidget        *widget,
            HallCaseRowStyle  style,
            const GdkRGBA    *foreground)
{
  GdkRGBA color = *foreground;

  if (style & HALL_CASE_ROW_STYLE_ERROR)
    color = theme_color (widget, "error_color", foreground);
  else if (style & HALL_CASE_ROW_STYLE_WARNING)
    color = theme_color (widget, "warning_color", foreground);
  if (style & HALL_CASE_ROW_STYLE_DIM)
    color.alpha *= 0.55;
  return color;
}

static PangoLayout *
cell_layout (HallCaseRow *self,
             Cell        *cell)
{
  if (cell->layout == NULL)
    {
      cell->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), cell->text);
      pango_layout_set_ellipsize (cell->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (cell->layout, TRUE);
      if (cell->style & HALL_CASE_ROW_STYLE_NUMERIC)
        {
          PangoAttrList *attributes = pango_attr_list_new ();

          pango_attr_list_insert (attributes, pango_attr_font_features_new ("tnum=1"));
          pango_layout_set_attributes (cell->layout, attributes);
          pango_attr_list_unref (attributes);
        }
    }
  return cell->layout;
}

static void
snapshot_text (HallCaseRow     *self,
               GtkSnapshot     *snapshot,
               Cell            *cell,
               int              width,
               int              height,
               const GdkRGBA   *foreground)
{
  const LineMetrics *metrics = get_metrics (self);
  PangoLayout *layout = cell_layout (self, cell);
  GdkRGBA color = cell_color (GTK_WIDGET (self), cell->style, foreground);
  int y;

  pango_layout_set_width (layout, width * PANGO_SCALE);
  /* On the line's baseline, wherever the text's own is: a name in Chinese
   * and a number in Latin letters stand on the same line across a row. */
  y = (height - metrics->height) / 2 + metrics->baseline
      - PANGO_PIXELS (pango_layout_get_baseline (layout));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, y));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

/* The icon theme's paintable for @icon_name at the row's scale, kept for
 * all rows (the main thread's only). */
static GdkPaintable *
lookup_icon (GtkWidget  *widget,
             const char *icon_name)
{
  static GHashTable *icons;
  int scale = gtk_widget_get_scale_factor (widget);
  g_autofree char *key = g_strdup_printf ("%s@%d", icon_name, scale);
  GtkIconPaintable *icon;

  if (icons == NULL)
    icons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  icon = g_hash_table_lookup (icons, key);
  if (icon == NULL)
    {
      icon = gtk_icon_theme_lookup_icon (gtk_icon_theme_get_for_display (
                                           gtk_widget_get_display (widget)),
                                         icon_name, NULL, ICON_SIZE, scale,
                                         gtk_widget_get_direction (widget), 0);
      g_hash_table_insert (icons, g_steal_pointer (&key), icon);
    }
  return GDK_PAINTABLE (icon);
}

static void
snapshot_icon (HallCaseRow   *self,
               GtkSnapshot   *snapshot,
               const Cell    *cell,
               int            height,
               const GdkRGBA *foreground)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GdkPaintable *icon = lookup_icon (widget, cell->icon_name);
  GdkRGBA fallback = { 0, 0, 0, 1 };
  /* Foreground, error, warning, success: what a symbolic icon is drawn in. */
  GdkRGBA colors[4];

  colors[0] = cell_color (widget, cell->style, foreground);
  colors[1] = theme_color (widget, "error_color", &fallback);
  colors[2] = theme_color (widget, "warning_color", &fallback);
  colors[3] = theme_color (widget, "success_color", &fallback);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, (height - ICON_SIZE) / 2));
  if (GTK_IS_SYMBOLIC_PAINTABLE (icon))
    gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot, ICON_SIZE,
                                              ICON_SIZE, colors, G_N_ELEMENTS (colors));
  else
    gdk_paintable_snapshot (icon, snapshot, ICON_SIZE, ICON_SIZE);
  gtk_snapshot_restore (snapshot);
}

static void
hall_case_row_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  HallCaseRow *self = HALL_CASE_ROW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = MIN (self->cells->len, hall_case_columns_get_n_columns (self->columns));
  int x[HALL_CASE_COLUMNS_MAX];
  int widths[HALL_CASE_COLUMNS_MAX];
  GdkRGBA foreground;

  if (width <= 0 || n == 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
  G_GNUC_END_IGNORE_DEPRECATIONS

  hall_case_columns_place (self->columns, width, x, widths);
  for (guint i = 0; i < n; i++)
    {
      Cell *cell = &g_array_index (self->cells, Cell, i);
      int inner = widths[i] - 2 * HALL_CASE_CELL_PADDING;

      if (inner <= 0 || (cell->icon_name == NULL && (cell->text == NULL || *cell->text == '\0')))
        continue;
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (x[i] + HALL_CASE_CELL_PADDING, 0));
      if (cell->icon_name != NULL)
        snapshot_icon (self, snapshot, cell, height, &foreground);
      else
        snapshot_text (self, snapshot, cell, inner, height, &foreground);
      gtk_snapshot_restore (snapshot);
    }
}

static void
clear_cell (gpointer data)
{
  Cell *cell = data;

  g_free (cell->text);
  g_free (cell->icon_name);
  g_clear_object (&cell->layout);
}

static void
hall_case_row_dispose (GObject *object)
{
  HallCaseRow *self = HALL_CASE_ROW (object);

  if (self->label_stale)
    g_hash_table_remove (stale_rows, self);
  self->label_stale = FALSE;
  if (self->columns != NULL)
    g_signal_handlers_disconnect_by_data (self->columns, self);
  g_clear_object (&self->columns);

  G_OBJECT_CLASS (hall_case_row_parent_class)->dispose (object);
}

static void
hall_case_row_finalize (GObject *object)
{
  HallCaseRow *self = HALL_CASE_ROW (object);

  g_array_unref (self->cells);

  G_OBJECT_CLASS (hall_case_row_parent_class)->finalize (object);
}

static void
hall_case_row_class_init (HallCaseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_case_row_dispose;
  object_class->finalize = hall_case_row_finalize;
  widget_class->measure = hall_case_row_measure;
  widget_class->snapshot = hall_case_row_snapshot;

  gtk_widget_class_set_css_name (widget_class, "caserow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
hall_case_row_init (HallCaseRow *self)
{
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  g_array_set_clear_func (self->cells, clear_cell);
}

GtkWidget *
hall_case_row_new (HallCaseColumns *columns)
{
  HallCaseRow *self;

  g_return_val_if_fail (HALL_IS_CASE_COLUMNS (columns), NULL);

  self = g_object_new (HALL_TYPE_CASE_ROW, NULL);
  self->columns = g_object_ref (columns);
  g_array_set_size (self->cells, hall_case_columns_get_n_columns (columns));
  g_signal_connect_swapped (columns, "changed", G_CALLBACK (columns_changed_cb), self);
  return GTK_WIDGET (self);
}

static Cell *
get_cell (HallCaseRow *self,
          guint        column)
{
  if (column >= self->cells->len)
    g_array_set_size (self->cells, column + 1);
  return &g_array_index (self->cells, Cell, column);
}

/* Sets @cell's text or icon and style, and redraws the row if any of
 * them changed. */
static void
update_cell (HallCaseRow      *self,
             Cell             *cell,
             const char       *text,
             const char       *icon_name,
             HallCaseRowStyle  style)
{
  gboolean text_changed = g_strcmp0 (cell->text, text) != 0;

  if (!text_changed && g_strcmp0 (cell->icon_name, icon_name) == 0 && cell->style == style)
    return;
  if (text_changed)
    {
      g_free (cell->text);
      cell->text = g_strdup (text);
      if (cell->layout != NULL)
        pango_layout_set_text (cell->layout, text != NULL ? text : "", -1);
      mark_label_stale (self);
    }
  if (g_strcmp0 (cell->icon_name, icon_name) != 0)
    {
      g_free (cell->icon_name);
      cell->icon_name = g_strdup (icon_name);
    }
  /* Tabular figures are the layout's attributes: made again when drawn. */
  if ((cell->style ^ style) & HALL_CASE_ROW_STYLE_NUMERIC)
    g_clear_object (&cell->layout);
  cell->style = style;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hall_case_row_set_text (HallCaseRow      *self,
                        guint             column,
                        const char       *text,
                        HallCaseRowStyle  style)
{
  g_return_if_fail (HALL_IS_CASE_ROW (self));

  update_cell (self, get_cell (self, column), text, NULL, style);
}

void
hall_case_row_set_icon (HallCaseRow      *self,
                        guint             column,
                        const char       *icon_name,
                        const char       *description,
                        HallCaseRowStyle  style)
{
  g_return_if_fail (HALL_IS_CASE_ROW (self));

  update_cell (self, get_cell (self, column), icon_name != NULL ? description : NULL, icon_name,
               style);
}

const char *
hall_case_row_get_text (HallCaseRow *self,
                        guint        column)
{
  g_return_val_if_fail (HALL_IS_CASE_ROW (self), NULL);

  return column < self->cells->len ? g_array_index (self->cells, Cell, column).text : NULL;
}

const char *
hall_case_row_get_icon_name (HallCaseRow *self,
                             guint        column)
{
  g_return_val_if_fail (HALL_IS_CASE_ROW (self), NULL);

  return column < self->cells->len ? g_array_index (self->cells, Cell, column).icon_name : NULL;
}

HallCaseRowStyle
hall_case_row_get_style (HallCaseRow *self,
                         guint        column)
{
  g_return_val_if_fail (HALL_IS_CASE_ROW (self), HALL_CASE_ROW_STYLE_NONE);

  return column < self->cells->len ? g_array_index (self->cells, Cell, column).style
                                   : HALL_CASE_ROW_STYLE_NONE;
}

int
hall_case_row_get_column_at (HallCaseRow *self,
                             double       x)
{
  g_return_val_if_fail (HALL_IS_CASE_ROW (self), -1);

  return hall_case_columns_get_column_at (self->columns, gtk_widget_get_width (GTK_WIDGET (self)),
                                          x);
}
