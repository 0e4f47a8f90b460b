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

/* A row's cells stand where the columns say, inside their padding; the
 * header's titles stand at the same x; a column hidden or resized moves
 * the cells of every row at once. */
static void
test_row_and_header (void)
{
  g_autoptr (HallCaseColumns) columns = case_columns ();
  GtkWidget *rows[2];
  GtkWidget *header = g_object_ref_sink (hall_case_table_header_new ());
  int x[N_COLUMNS], widths[N_COLUMNS];

  hall_case_table_header_set_columns (HALL_CASE_TABLE_HEADER (header), columns);
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      rows[r] = g_object_ref_sink (hall_case_row_new (columns));
      /* Set out of order: the cells still follow the columns' order. */
      for (guint i = N_COLUMNS; i-- > 0;)
        hall_case_row_set_cell (HALL_CASE_ROW (rows[r]), i, gtk_label_new ("text"));
      allocate (rows[r], 1001);
    }
  allocate (header, 1001);

  place (columns, 1001, x, widths);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkWidget *cell = hall_case_row_get_cell (HALL_CASE_ROW (rows[0]), i);

      g_assert_cmpfloat (x_of (cell, rows[0]), ==, x[i] + HALL_CASE_CELL_PADDING);
      g_assert_cmpint (gtk_widget_get_width (cell), ==, widths[i] - 2 * HALL_CASE_CELL_PADDING);
    }
  {
    GtkWidget *child = gtk_widget_get_first_child (rows[0]);
    GtkWidget *title = gtk_widget_get_first_child (header);

    for (guint i = 0; i < N_COLUMNS; i++)
      {
        g_assert_true (child == hall_case_row_get_cell (HALL_CASE_ROW (rows[0]), i));
        g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==,
                         hall_case_columns_get_title (columns, i));
        g_assert_cmpfloat (x_of (title, header), ==, x_of (child, rows[0]));
        child = gtk_widget_get_next_sibling (child);
        title = gtk_widget_get_next_sibling (title);
      }
  }

  /* Resized as the header's drag does it: every row follows. */
  hall_case_columns_set_expand (columns, APPLICANT, FALSE);
  hall_case_columns_set_fixed_width (columns, APPLICANT, 250);
  hall_case_columns_set_visible (columns, SYNC, FALSE);
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      g_assert_false (gtk_widget_get_child_visible (
        hall_case_row_get_cell (HALL_CASE_ROW (rows[r]), SYNC)));
      allocate (rows[r], 1001);
      g_assert_cmpint (gtk_widget_get_width (hall_case_row_get_cell (HALL_CASE_ROW (rows[r]),
                                                                     APPLICANT)),
                       ==, 250 - 2 * HALL_CASE_CELL_PADDING);
      g_assert_cmpfloat (x_of (hall_case_row_get_cell (HALL_CASE_ROW (rows[r]), SERVICE),
                               rows[r]),
                         ==, 170 + 250 + HALL_CASE_CELL_PADDING);
    }
  allocate (header, 1001);
  g_assert_false (gtk_widget_get_child_visible (gtk_widget_get_last_child (header)));

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    g_object_unref (rows[r]);
  g_object_unref (header);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/case-table/columns/expand", test_columns_expand);
  g_test_add_func ("/case-table/columns/shrink", test_columns_shrink);
  g_test_add_func ("/case-table/columns/hidden", test_columns_hidden);
  g_test_add_func ("/case-table/row-and-header", test_row_and_header);
  return g_test_run ();
}
