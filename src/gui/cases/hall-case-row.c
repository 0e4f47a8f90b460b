/* hall-case-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-case-row.h"

struct _HallCaseRow
{
  GtkWidget parent_instance;

  HallCaseColumns *columns;
  GPtrArray *cells;          /* a widget or NULL for each column */
};

G_DEFINE_FINAL_TYPE (HallCaseRow, hall_case_row, GTK_TYPE_WIDGET)

/* Only the cells of columns on show are measured and drawn. */
static void
columns_changed_cb (HallCaseRow *self)
{
  for (guint i = 0; i < self->cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (self->cells, i);

      if (cell != NULL)
        gtk_widget_set_child_visible (cell, hall_case_columns_get_visible (self->columns, i));
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
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

  *minimum = *natural = 0;
  for (guint i = 0; i < self->cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (self->cells, i);
      int cell_minimum;
      int cell_natural;

      if (cell == NULL || !gtk_widget_get_child_visible (cell))
        continue;
      gtk_widget_measure (cell, GTK_ORIENTATION_VERTICAL, -1, &cell_minimum, &cell_natural,
                          NULL, NULL);
      *minimum = MAX (*minimum, cell_minimum);
      *natural = MAX (*natural, cell_natural);
    }
}

static void
hall_case_row_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  HallCaseRow *self = HALL_CASE_ROW (widget);
  guint n = hall_case_columns_get_n_columns (self->columns);
  g_autofree int *x = g_new (int, n);
  g_autofree int *widths = g_new (int, n);

  hall_case_columns_place (self->columns, width, x, widths);
  for (guint i = 0; i < self->cells->len && i < n; i++)
    {
      GtkWidget *cell = g_ptr_array_index (self->cells, i);

      if (cell == NULL || !gtk_widget_get_child_visible (cell))
        continue;
      gtk_widget_size_allocate (cell,
                                &(GtkAllocation) {
                                  x[i] + HALL_CASE_CELL_PADDING, 0,
                                  MAX (0, widths[i] - 2 * HALL_CASE_CELL_PADDING), height },
                                baseline);
    }
}

static void
hall_case_row_dispose (GObject *object)
{
  HallCaseRow *self = HALL_CASE_ROW (object);

  for (guint i = 0; i < self->cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (self->cells, i);

      if (cell != NULL)
        gtk_widget_unparent (cell);
    }
  g_ptr_array_set_size (self->cells, 0);
  if (self->columns != NULL)
    g_signal_handlers_disconnect_by_data (self->columns, self);
  g_clear_object (&self->columns);

  G_OBJECT_CLASS (hall_case_row_parent_class)->dispose (object);
}

static void
hall_case_row_finalize (GObject *object)
{
  HallCaseRow *self = HALL_CASE_ROW (object);

  g_ptr_array_unref (self->cells);

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
  widget_class->size_allocate = hall_case_row_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "caserow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hall_case_row_init (HallCaseRow *self)
{
  self->cells = g_ptr_array_new ();
}

GtkWidget *
hall_case_row_new (HallCaseColumns *columns)
{
  HallCaseRow *self;

  g_return_val_if_fail (HALL_IS_CASE_COLUMNS (columns), NULL);

  self = g_object_new (HALL_TYPE_CASE_ROW, NULL);
  self->columns = g_object_ref (columns);
  g_signal_connect_swapped (columns, "changed", G_CALLBACK (columns_changed_cb), self);
  return GTK_WIDGET (self);
}

void
hall_case_row_set_cell (HallCaseRow *self,
                        guint        column,
                        GtkWidget   *cell)
{
  GtkWidget *old;

  g_return_if_fail (HALL_IS_CASE_ROW (self));
  g_return_if_fail (GTK_IS_WIDGET (cell));
  g_return_if_fail (gtk_widget_get_parent (cell) == NULL);

  if (column >= self->cells->len)
    g_ptr_array_set_size (self->cells, column + 1);
  old = g_ptr_array_index (self->cells, column);
  if (old != NULL)
    gtk_widget_unparent (old);
  g_ptr_array_index (self->cells, column) = cell;
  /* In the columns' order, for the keyboard and screen readers. */
  for (guint i = column + 1; i < self->cells->len; i++)
    if (g_ptr_array_index (self->cells, i) != NULL)
      {
        gtk_widget_insert_before (cell, GTK_WIDGET (self), g_ptr_array_index (self->cells, i));
        break;
      }
  if (gtk_widget_get_parent (cell) == NULL)
    gtk_widget_set_parent (cell, GTK_WIDGET (self));
  gtk_widget_set_child_visible (cell, hall_case_columns_get_visible (self->columns, column));
}

GtkWidget *
hall_case_row_get_cell (HallCaseRow *self,
                        guint        column)
{
  g_return_val_if_fail (HALL_IS_CASE_ROW (self), NULL);

  return column < self->cells->len ? g_ptr_array_index (self->cells, column) : NULL;
}
