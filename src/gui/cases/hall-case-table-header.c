/* hall-case-table-header.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-case-table-header.h"

/* How near to a column's right edge the pointer resizes it. */
#define GRIP_PX 5
/* No column is dragged narrower. */
#define MIN_DRAG_WIDTH 32

struct _HallCaseTableHeader
{
  GtkWidget parent_instance;

  HallCaseColumns *columns;
  GPtrArray *titles;         /* a GtkLabel for each column */
  GtkWidget *sort_icon;      /* beside the title of the sorted column */
  int sorted;                /* that column, or -1 */
  GtkSortType sort_order;
  guint sortable;            /* a bit for each column a click sorts by */
  int dragged;               /* the column being resized, or -1 */
  int drag_start_width;
};

G_DEFINE_FINAL_TYPE (HallCaseTableHeader, hall_case_table_header, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_COLUMNS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  TITLE_CLICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The visible column whose right edge is within GRIP_PX of @x, if it is
 * not the last one shown (the table's edge is not a column's to move), or
 * -1. */
static int
column_at_edge (HallCaseTableHeader *self,
                double               x,
                int                 *width)
{
  guint n;
  int xs[HALL_CASE_COLUMNS_MAX];
  int widths[HALL_CASE_COLUMNS_MAX];
  int last = -1;

  if (self->columns == NULL)
    return -1;
  n = hall_case_columns_get_n_columns (self->columns);
  hall_case_columns_place (self->columns, gtk_widget_get_width (GTK_WIDGET (self)), xs, widths);
  for (guint i = 0; i < n; i++)
    if (hall_case_columns_get_visible (self->columns, i))
      last = i;
  for (guint i = 0; i < n; i++)
    {
      if (!hall_case_columns_get_visible (self->columns, i) || (int) i == last)
        continue;
      if (ABS (x - (xs[i] + widths[i])) <= GRIP_PX)
        {
          *width = widths[i];
          return i;
        }
    }
  return -1;
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           HallCaseTableHeader      *self)
{
  int width;
  int column;
  const char *cursor = NULL;

  if (self->dragged >= 0)
    return;
  if (column_at_edge (self, x, &width) >= 0)
    cursor = "col-resize";
  else if (self->columns != NULL)
    {
      column = hall_case_columns_get_column_at (self->columns,
                                                gtk_widget_get_width (GTK_WIDGET (self)), x);
      if (column >= 0 && (self->sortable & (1u << column)))
        cursor = "pointer";
    }
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursor);
}

static void
drag_begin_cb (GtkGestureDrag      *drag,
               double               x,
               double               y,
               HallCaseTableHeader *self)
{
  self->dragged = column_at_edge (self, x, &self->drag_start_width);
  if (self->dragged < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* The column takes the width dragged to and no longer grows with the
 * table: its edge follows the pointer, the columns that expand give or
 * take the difference. */
static void
drag_update_cb (GtkGestureDrag      *drag,
                double               offset_x,
                double               offset_y,
                HallCaseTableHeader *self)
{
  if (self->dragged < 0)
    return;
  hall_case_columns_set_expand (self->columns, self->dragged, FALSE);
  hall_case_columns_set_fixed_width (self->columns, self->dragged,
                                     MAX (MIN_DRAG_WIDTH,
                                          self->drag_start_width + (int) offset_x));
}

static void
drag_end_cb (GtkGestureDrag      *drag,
             double               offset_x,
             double               offset_y,
             HallCaseTableHeader *self)
{
  self->dragged = -1;
}

/* A click on a title, not on an edge (the drag took those). */
static void
click_released_cb (GtkGestureClick     *click,
                   int                  n_press,
                   double               x,
                   double               y,
                   HallCaseTableHeader *self)
{
  int width;
  int column;

  /* A double click is one click here, not two turns of the order. */
  if (n_press > 1 || self->columns == NULL || column_at_edge (self, x, &width) >= 0)
    return;
  column = hall_case_columns_get_column_at (self->columns,
                                            gtk_widget_get_width (GTK_WIDGET (self)), x);
  if (column >= 0)
    g_signal_emit (self, signals[TITLE_CLICKED], 0, (guint) column);
}

static void
update_titles (HallCaseTableHeader *self)
{
  guint n = self->columns != NULL ? hall_case_columns_get_n_columns (self->columns) : 0;

  while (self->titles->len > n)
    {
      gtk_widget_unparent (g_ptr_array_index (self->titles, self->titles->len - 1));
      g_ptr_array_remove_index (self->titles, self->titles->len - 1);
    }
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *title;

      if (i == self->titles->len)
        {
          /* Read as the column's header, with its order (below). */
          title = g_object_new (GTK_TYPE_LABEL,
                                "accessible-role", GTK_ACCESSIBLE_ROLE_COLUMN_HEADER, NULL);
          gtk_label_set_xalign (GTK_LABEL (title), 0.0);
          gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
          /* The titles come first among the children, in order. */
          gtk_widget_insert_before (title, GTK_WIDGET (self), self->sort_icon);
          g_ptr_array_add (self->titles, title);
        }
      title = g_ptr_array_index (self->titles, i);
      gtk_label_set_text (GTK_LABEL (title), hall_case_columns_get_title (self->columns, i));
      gtk_widget_set_child_visible (title, hall_case_columns_get_visible (self->columns, i));
      gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_SORT,
                                      (int) i != self->sorted ? GTK_ACCESSIBLE_SORT_NONE
                                      : self->sort_order == GTK_SORT_ASCENDING
                                        ? GTK_ACCESSIBLE_SORT_ASCENDING
                                        : GTK_ACCESSIBLE_SORT_DESCENDING,
                                      -1);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
hall_case_table_header_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  HallCaseTableHeader *self = HALL_CASE_TABLE_HEADER (widget);

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      if (self->columns != NULL)
        *natural = hall_case_columns_get_natural_width (self->columns);
      return;
    }
  for (guint i = 0; i < self->titles->len; i++)
    {
      GtkWidget *title = g_ptr_array_index (self->titles, i);
      int title_minimum;
      int title_natural;

      if (!gtk_widget_get_child_visible (title))
        continue;
      gtk_widget_measure (title, GTK_ORIENTATION_VERTICAL, -1, &title_minimum, &title_natural,
                          NULL, NULL);
      *minimum = MAX (*minimum, title_minimum);
      *natural = MAX (*natural, title_natural);
    }
}

static void
hall_case_table_header_size_allocate (GtkWidget *widget,
                                      int        width,
                                      int        height,
                                      int        baseline)
{
  HallCaseTableHeader *self = HALL_CASE_TABLE_HEADER (widget);
  guint n = self->titles->len;
  int xs[HALL_CASE_COLUMNS_MAX];
  int widths[HALL_CASE_COLUMNS_MAX];

  if (self->columns == NULL)
    return;
  hall_case_columns_place (self->columns, width, xs, widths);
  gtk_widget_set_child_visible (self->sort_icon, FALSE);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *title = g_ptr_array_index (self->titles, i);
      int room = MAX (0, widths[i] - 2 * HALL_CASE_CELL_PADDING);
      int title_width = room;

      if (!gtk_widget_get_child_visible (title))
        continue;
      /* The sorted column's arrow follows its title, as in a
       * GtkColumnView's header. */
      if ((int) i == self->sorted)
        {
          int icon_width;
          int natural;

          gtk_widget_measure (self->sort_icon, GTK_ORIENTATION_HORIZONTAL, -1, &icon_width, NULL,
                              NULL, NULL);
          gtk_widget_measure (title, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
          title_width = MAX (0, MIN (natural, room - icon_width - HALL_CASE_CELL_PADDING));
          gtk_widget_set_child_visible (self->sort_icon, room >= icon_width);
          gtk_widget_size_allocate (self->sort_icon,
                                    &(GtkAllocation) {
                                      xs[i] + HALL_CASE_CELL_PADDING + title_width
                                        + HALL_CASE_CELL_PADDING / 2,
                                      0, icon_width, height },
                                    -1);
        }
      gtk_widget_size_allocate (title,
                                &(GtkAllocation) {
                                  xs[i] + HALL_CASE_CELL_PADDING, 0, title_width, height },
                                -1);
    }
}

static void
hall_case_table_header_dispose (GObject *object)
{
  HallCaseTableHeader *self = HALL_CASE_TABLE_HEADER (object);

  hall_case_table_header_set_columns (self, NULL);
  for (guint i = 0; i < self->titles->len; i++)
    gtk_widget_unparent (g_ptr_array_index (self->titles, i));
  g_ptr_array_set_size (self->titles, 0);
  g_clear_pointer (&self->sort_icon, gtk_widget_unparent);

  G_OBJECT_CLASS (hall_case_table_header_parent_class)->dispose (object);
}

static void
hall_case_table_header_finalize (GObject *object)
{
  HallCaseTableHeader *self = HALL_CASE_TABLE_HEADER (object);

  g_ptr_array_unref (self->titles);

  G_OBJECT_CLASS (hall_case_table_header_parent_class)->finalize (object);
}

static void
hall_case_table_header_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  HallCaseTableHeader *self = HALL_CASE_TABLE_HEADER (object);

  switch (prop_id)
    {
    case PROP_COLUMNS:
      g_value_set_object (value, self->columns);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_table_header_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  HallCaseTableHeader *self = HALL_CASE_TABLE_HEADER (object);

  switch (prop_id)
    {
    case PROP_COLUMNS:
      hall_case_table_header_set_columns (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_table_header_class_init (HallCaseTableHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_case_table_header_dispose;
  object_class->finalize = hall_case_table_header_finalize;
  object_class->get_property = hall_case_table_header_get_property;
  object_class->set_property = hall_case_table_header_set_property;
  widget_class->measure = hall_case_table_header_measure;
  widget_class->size_allocate = hall_case_table_header_size_allocate;

  properties[PROP_COLUMNS] =
    g_param_spec_object ("columns", NULL, NULL, HALL_TYPE_CASE_COLUMNS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A title was clicked, not its edge: the table's owner may sort by
   * the column. */
  signals[TITLE_CLICKED] =
    g_signal_new ("title-clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "caseheader");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hall_case_table_header_init (HallCaseTableHeader *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->titles = g_ptr_array_new ();
  self->dragged = -1;
  self->sorted = -1;
  self->sort_icon = gtk_image_new ();
  gtk_widget_add_css_class (self->sort_icon, "sort-indicator");
  gtk_widget_set_parent (self->sort_icon, GTK_WIDGET (self));
  gtk_widget_set_child_visible (self->sort_icon, FALSE);

  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

GtkWidget *
hall_case_table_header_new (void)
{
  return g_object_new (HALL_TYPE_CASE_TABLE_HEADER, NULL);
}

HallCaseColumns *
hall_case_table_header_get_columns (HallCaseTableHeader *self)
{
  g_return_val_if_fail (HALL_IS_CASE_TABLE_HEADER (self), NULL);

  return self->columns;
}

void
hall_case_table_header_set_columns (HallCaseTableHeader *self,
                                    HallCaseColumns     *columns)
{
  g_return_if_fail (HALL_IS_CASE_TABLE_HEADER (self));
  g_return_if_fail (columns == NULL || HALL_IS_CASE_COLUMNS (columns));

  if (self->columns == columns)
    return;
  if (self->columns != NULL)
    g_signal_handlers_disconnect_by_data (self->columns, self);
  g_set_object (&self->columns, columns);
  if (columns != NULL)
    g_signal_connect_swapped (columns, "changed", G_CALLBACK (update_titles), self);
  self->dragged = -1;
  update_titles (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMNS]);
}

/* Shows an arrow beside the title of @column (-1 for none): up for an
 * ascending order, down for a descending one. */
void
hall_case_table_header_set_sorted (HallCaseTableHeader *self,
                                   int                  column,
                                   GtkSortType          order)
{
  g_return_if_fail (HALL_IS_CASE_TABLE_HEADER (self));

  self->sorted = column;
  self->sort_order = order;
  gtk_image_set_from_icon_name (GTK_IMAGE (self->sort_icon),
                                order == GTK_SORT_ASCENDING ? "pan-up-symbolic"
                                                            : "pan-down-symbolic");
  update_titles (self);
}

/* Whether a click on @column's title sorts by it: the pointer says so
 * over it. */
void
hall_case_table_header_set_sortable (HallCaseTableHeader *self,
                                     guint                column,
                                     gboolean             sortable)
{
  g_return_if_fail (HALL_IS_CASE_TABLE_HEADER (self));
  g_return_if_fail (column < HALL_CASE_COLUMNS_MAX);

  if (sortable)
    self->sortable |= 1u << column;
  else
    self->sortable &= ~(1u << column);
}
