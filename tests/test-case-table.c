/* test-case-table.c — the case table's columns, rows and header: where
 * each cell goes, and that the header and every row agree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>

#include "hall-case-columns.h"
#include "hall-case-row.h"
#include "hall-case-table-header.h"

enum { NUMBER, APPLICANT, SERVICE, STATE, PROMISED, SYNC, N_COLUMNS };

/* The counter's table, as the case list sets it up. */
static HallCaseColumns *
case_columns (void)
{
  HallCaseColumns *columns = hall_case_columns_new ();

  hall_case_columns_add (columns, "Case Number", 170, 170, FALSE);
  hall_case_columns_add (columns, "Applicant", -1, 100, TRUE);
  hall_case_columns_add (columns, "Service", -1, 240, TRUE);
  hall_case_columns_add (columns, "State", 100, 100, FALSE);
  hall_case_columns_add (columns, "Promised", 170, 170, FALSE);
  hall_case_columns_add (columns, "Sync", 64, 64, FALSE);
  return columns;
}

/* Places the columns in @width and checks that they tile it from 0, left
 * to right, with no width below 0. */
static void
place (HallCaseColumns *columns,
       int              width,
       int             *x,
       int             *widths)
{
  int left = 0;

  hall_case_columns_place (columns, width, x, widths);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_assert_cmpint (x[i], ==, left);
      g_assert_cmpint (widths[i], >=, 0);
      left += widths[i];
    }
  g_assert_cmpint (left, <=, width);
}

/* Room to spare goes to the columns that expand, in equal shares. */
static void
test_columns_expand (void)
{
  g_autoptr (HallCaseColumns) columns = case_columns ();
  int x[N_COLUMNS], widths[N_COLUMNS];

  g_assert_cmpint (hall_case_columns_get_natural_width (columns), ==, 844);
  place (columns, 1001, x, widths);
  g_assert_cmpint (widths[NUMBER], ==, 170);
  g_assert_cmpint (widths[APPLICANT], ==, 100 + 78);
  g_assert_cmpint (widths[SERVICE], ==, 240 + 79);
  g_assert_cmpint (widths[STATE], ==, 100);
  g_assert_cmpint (widths[PROMISED], ==, 170);
  g_assert_cmpint (widths[SYNC], ==, 64);
  g_assert_cmpint (x[SYNC] + widths[SYNC], ==, 1001);
}

/* Too narrow: the columns without a fixed width give up their room first,
 * and the fixed ones keep theirs while they can. */
static void
test_columns_shrink (void)
{
  g_autoptr (HallCaseColumns) columns = case_columns ();
  int x[N_COLUMNS], widths[N_COLUMNS];

  place (columns, 700, x, widths);
  g_assert_cmpint (x[SYNC] + widths[SYNC], ==, 700);
  g_assert_cmpint (widths[NUMBER], ==, 170);
  g_assert_cmpint (widths[STATE], ==, 100);
  g_assert_cmpint (widths[PROMISED], ==, 170);
  g_assert_cmpint (widths[SYNC], ==, 64);
  g_assert_cmpint (widths[APPLICANT] + widths[SERVICE], ==, 700 - 504);
  g_assert_cmpint (widths[APPLICANT], >=, 48);
  g_assert_cmpint (widths[SERVICE], >, widths[APPLICANT]);

  /* Narrower than the fixed columns alone: every column shrinks, none
   * goes below nothing, and the row is filled exactly. */
  place (columns, 300, x, widths);
  g_assert_cmpint (x[SYNC] + widths[SYNC], ==, 300);
  g_assert_cmpint (widths[NUMBER], <, 170);
  g_assert_cmpint (widths[SYNC], <, 64);
  place (columns, 0, x, widths);
  g_assert_cmpint (x[SYNC] + widths[SYNC], ==, 0);
}

static void
count_change (guint *changes)
{
  (*changes)++;
}

/* A hidden column takes no room, and what it had goes to those that
 * expand; "changed" tells the rows each time. */
static void
test_columns_hidden (void)
{
  g_autoptr (HallCaseColumns) columns = case_columns ();
  int x[N_COLUMNS], widths[N_COLUMNS];
  guint changes = 0;

  g_signal_connect_swapped (columns, "changed", G_CALLBACK (count_change), &changes);
  hall_case_columns_set_visible (columns, SERVICE, FALSE);
  hall_case_columns_set_visible (columns, PROMISED, FALSE);
  hall_case_columns_set_visible (columns, SYNC, FALSE);
  hall_case_columns_set_visible (columns, SYNC, FALSE);
  g_assert_cmpuint (changes, ==, 3);
  g_assert_cmpint (hall_case_columns_get_natural_width (columns), ==, 370);
  place (columns, 360, x, widths);
  g_assert_cmpint (widths[SERVICE], ==, 0);
  g_assert_cmpint (widths[PROMISED], ==, 0);
  g_assert_cmpint (widths[SYNC], ==, 0);
  g_assert_cmpint (widths[NUMBER] + widths[APPLICANT] + widths[STATE], ==, 360);
  place (columns, 500, x, widths);
  g_assert_cmpint (widths[APPLICANT], ==, 230);
  g_assert_cmpint (x[STATE] + widths[STATE], ==, 500);
}

static void
allocate (GtkWidget *widget,
          int        width)
{
  int height;

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, &height, NULL, NULL, NULL);
  gtk_widget_size_allocate (widget, &(GtkAllocation) { 0, 0, width, height }, -1);
}

static double
x_of (GtkWidget *child,
      GtkWidget *parent)
{
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (child, parent, &GRAPHENE_POINT_INIT (0, 0), &point));
  return point.x;
}

/* The @n-th child of @parent: the header's titles come first, in order. */
static GtkWidget *
nth_child (GtkWidget *parent,
           guint      n)
{
  GtkWidget *child = gtk_widget_get_first_child (parent);

  for (guint i = 0; i < n; i++)
    child = gtk_widget_get_next_sibling (child);
  return child;
}

/* The header's titles stand where the columns say, inside their padding,
 * in the columns' order; a hidden column's title is not shown. */
static void
test_header (void)
{
  g_autoptr (HallCaseColumns) columns = case_columns ();
  GtkWidget *header = g_object_ref_sink (hall_case_table_header_new ());
  int x[N_COLUMNS], widths[N_COLUMNS];
  GtkWidget *title;

  hall_case_table_header_set_columns (HALL_CASE_TABLE_HEADER (header), columns);
  allocate (header, 1001);
  place (columns, 1001, x, widths);
  title = gtk_widget_get_first_child (header);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==,
                       hall_case_columns_get_title (columns, i));
      g_assert_cmpfloat (x_of (title, header), ==, x[i] + HALL_CASE_CELL_PADDING);
      g_assert_cmpint (gtk_widget_get_width (title), ==, widths[i] - 2 * HALL_CASE_CELL_PADDING);
      title = gtk_widget_get_next_sibling (title);
    }

  /* Resized as the header's drag does it, a column hidden. */
  hall_case_columns_set_expand (columns, APPLICANT, FALSE);
  hall_case_columns_set_fixed_width (columns, APPLICANT, 250);
  hall_case_columns_set_visible (columns, SYNC, FALSE);
  allocate (header, 1001);
  title = gtk_widget_get_next_sibling (gtk_widget_get_first_child (header));
  g_assert_cmpint (gtk_widget_get_width (title), ==, 250 - 2 * HALL_CASE_CELL_PADDING);
  g_assert_cmpfloat (x_of (gtk_widget_get_next_sibling (title), header), ==,
                     170 + 250 + HALL_CASE_CELL_PADDING);
  g_assert_false (gtk_widget_get_child_visible (nth_child (header, SYNC)));
  g_object_unref (header);
}

/* The sorted column's title makes room for its arrow, which follows it,
 * and says its order to a screen reader; the other titles say none. */
static void
test_header_sorted (void)
{
  g_autoptr (HallCaseColumns) columns = case_columns ();
  GtkWidget *header = g_object_ref_sink (hall_case_table_header_new ());
  int x[N_COLUMNS], widths[N_COLUMNS];
  GtkWidget *arrow;
  GtkWidget *promised;
  char *wrong;

  hall_case_table_header_set_columns (HALL_CASE_TABLE_HEADER (header), columns);
  hall_case_table_header_set_sorted (HALL_CASE_TABLE_HEADER (header), PROMISED,
                                     GTK_SORT_ASCENDING);
  allocate (header, 1001);
  place (columns, 1001, x, widths);
  arrow = gtk_widget_get_last_child (header);
  promised = nth_child (header, PROMISED);
  g_assert_true (GTK_IS_IMAGE (arrow));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (arrow)), ==, "pan-up-symbolic");
  g_assert_true (gtk_widget_get_child_visible (arrow));
  g_assert_cmpfloat (x_of (arrow, header), >=,
                     x_of (promised, header) + gtk_widget_get_width (promised));
  g_assert_cmpfloat (x_of (arrow, header) + gtk_widget_get_width (arrow), <=,
                     x[PROMISED] + widths[PROMISED]);
  g_assert_cmpint (gtk_widget_get_width (nth_child (header, NUMBER)), ==,
                   widths[NUMBER] - 2 * HALL_CASE_CELL_PADDING);
  wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (promised),
                                              GTK_ACCESSIBLE_PROPERTY_SORT,
                                              GTK_ACCESSIBLE_SORT_ASCENDING);
  g_assert_null (wrong);
  wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (nth_child (header, NUMBER)),
                                              GTK_ACCESSIBLE_PROPERTY_SORT,
                                              GTK_ACCESSIBLE_SORT_NONE);
  g_assert_null (wrong);

  hall_case_table_header_set_sorted (HALL_CASE_TABLE_HEADER (header), NUMBER,
                                     GTK_SORT_DESCENDING);
  allocate (header, 1001);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (arrow)), ==, "pan-down-symbolic");
  g_assert_cmpfloat (x_of (arrow, header), <, x[APPLICANT]);
  g_assert_cmpint (gtk_widget_get_width (promised), ==,
                   widths[PROMISED] - 2 * HALL_CASE_CELL_PADDING);
  wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (promised),
                                              GTK_ACCESSIBLE_PROPERTY_SORT,
                                              GTK_ACCESSIBLE_SORT_NONE);
  g_assert_null (wrong);
  wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (nth_child (header, NUMBER)),
                                              GTK_ACCESSIBLE_PROPERTY_SORT,
                                              GTK_ACCESSIBLE_SORT_DESCENDING);
  g_assert_null (wrong);
  g_object_unref (header);
}

/* @row drawn on white, as ARGB pixels. */
static cairo_surface_t *
draw_row (GtkWidget *row,
          int        width)
{
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  allocate (row, width);
  GTK_WIDGET_GET_CLASS (row)->snapshot (row, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width,
                                        gtk_widget_get_height (row));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Whether anything but white was drawn between @x0 and @x1. */
static gboolean
inked (cairo_surface_t *surface,
       int              x0,
       int              x1)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = MAX (0, x0); x < x1 && x < cairo_image_surface_get_width (surface); x++)
      if (((const guint32 *) (data + y * stride))[x] != 0xffffffff)
        return TRUE;
  return FALSE;
}

/* A row draws each cell in its own column, and nothing where a cell is
 * empty or its column hidden; a column resized moves what every row
 * draws, and the pointer finds the column it is over. */
static void
test_row_draws_in_columns (void)
{
  g_autoptr (HallCaseColumns) columns = case_columns ();
  GtkWidget *row = hall_case_row_new (columns);
  /* Styled by the theme, whose text is dark: on its own a widget's text
   * is CSS's initial colour, white. */
  GtkWidget *window = gtk_window_new ();
  int x[N_COLUMNS], widths[N_COLUMNS];
  cairo_surface_t *surface;

  gtk_window_set_child (GTK_WINDOW (window), row);

  hall_case_row_set_text (HALL_CASE_ROW (row), NUMBER, "YC-2026-C01-000001",
                          HALL_CASE_ROW_STYLE_NUMERIC);
  hall_case_row_set_text (HALL_CASE_ROW (row), SERVICE, "Residence permit",
                          HALL_CASE_ROW_STYLE_NONE);
  hall_case_row_set_text (HALL_CASE_ROW (row), STATE, "Received", HALL_CASE_ROW_STYLE_NONE);
  hall_case_row_set_text (HALL_CASE_ROW (row), PROMISED, "Overdue by 2 h",
                          HALL_CASE_ROW_STYLE_ERROR);
  hall_case_row_set_icon (HALL_CASE_ROW (row), SYNC, "object-select-symbolic", "Synced",
                          HALL_CASE_ROW_STYLE_NONE);
  g_assert_cmpint (hall_case_row_get_style (HALL_CASE_ROW (row), PROMISED), ==,
                   HALL_CASE_ROW_STYLE_ERROR);

  surface = draw_row (row, 1001);
  place (columns, 1001, x, widths);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_assert_cmpint (inked (surface, x[i], x[i] + widths[i]), ==, i != APPLICANT);
      g_assert_cmpint (hall_case_row_get_column_at (HALL_CASE_ROW (row), x[i] + 1), ==, i);
    }
  cairo_surface_destroy (surface);

  hall_case_columns_set_expand (columns, APPLICANT, FALSE);
  hall_case_columns_set_fixed_width (columns, APPLICANT, 250);
  hall_case_columns_set_visible (columns, SYNC, FALSE);
  /* No column expands: the room on the right is no column's. */
  hall_case_columns_set_expand (columns, SERVICE, FALSE);
  hall_case_row_set_text (HALL_CASE_ROW (row), APPLICANT, "张伟", HALL_CASE_ROW_STYLE_NONE);
  hall_case_row_set_text (HALL_CASE_ROW (row), STATE, NULL, HALL_CASE_ROW_STYLE_NONE);
  surface = draw_row (row, 1001);
  place (columns, 1001, x, widths);
  g_assert_cmpint (widths[APPLICANT], ==, 250);
  for (guint i = 0; i < N_COLUMNS; i++)
    g_assert_cmpint (inked (surface, x[i], x[i] + widths[i]), ==, i != STATE && i != SYNC);
  g_assert_cmpint (x[PROMISED] + widths[PROMISED], ==, 930);
  g_assert_false (inked (surface, 930, 1001));
  g_assert_cmpint (hall_case_row_get_column_at (HALL_CASE_ROW (row), 170 + 249), ==, APPLICANT);
  g_assert_cmpint (hall_case_row_get_column_at (HALL_CASE_ROW (row), 170 + 250), ==, SERVICE);
  g_assert_cmpint (hall_case_row_get_column_at (HALL_CASE_ROW (row), 1000), ==, -1);
  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/case-table/columns/expand", test_columns_expand);
  g_test_add_func ("/case-table/columns/shrink", test_columns_shrink);
  g_test_add_func ("/case-table/columns/hidden", test_columns_hidden);
  g_test_add_func ("/case-table/header", test_header);
  g_test_add_func ("/case-table/header/sorted", test_header_sorted);
  g_test_add_func ("/case-table/row-draws-in-columns", test_row_draws_in_columns);
  return g_test_run ();
}
