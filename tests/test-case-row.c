/* test-case-row.c — HallCaseRow: its size and what a screen reader says
 * of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run with GTK_A11Y=test, whose accessibility context keeps what the
 * widgets tell it for gtk_test_accessible_check_property().
 */
#include "config.h"

#include <gtk/gtk.h>

#include "hall-case-row.h"

enum { NUMBER, APPLICANT, SYNC, N_COLUMNS };

static HallCaseColumns *
three_columns (void)
{
  HallCaseColumns *columns = hall_case_columns_new ();

  hall_case_columns_add (columns, "Case Number", 170, 170, FALSE);
  hall_case_columns_add (columns, "Applicant", -1, 100, TRUE);
  hall_case_columns_add (columns, "Sync", 64, 64, FALSE);
  return columns;
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @row's accessible label is @expected;
 * fails after ten seconds, saying what it is. */
static void
wait_for_accessible_label (GtkWidget  *row,
                           const char *expected)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (10, timed_out_cb, &timed_out);
  char *differs;

  while ((differs = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row),
                                                        GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                        expected)) != NULL
         && !timed_out)
    {
      g_free (differs);
      g_main_context_iteration (NULL, TRUE);
    }
  if (differs != NULL)
    g_error ("The accessible label is not “%s”: %s", expected, differs);
  if (!timed_out)
    g_source_remove (id);
}

static void
measure (GtkWidget *row,
         int       *width,
         int       *height)
{
  gtk_widget_measure (row, GTK_ORIENTATION_HORIZONTAL, -1, NULL, width, NULL, NULL);
  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, -1, NULL, height, NULL, NULL);
}

/* A row's size is its font's and its columns', whatever its texts: a new
 * text never resizes it. */
static void
test_size_ignores_text (void)
{
  g_autoptr (HallCaseColumns) columns = three_columns ();
  GtkWidget *row = g_object_ref_sink (hall_case_row_new (columns));
  int empty_width, empty_height, width, height;

  measure (row, &empty_width, &empty_height);
  g_assert_cmpint (empty_width, ==, 170 + 100 + 64);
  g_assert_cmpint (empty_height, >=, 16);

  hall_case_row_set_text (HALL_CASE_ROW (row), APPLICANT,
                          "A name much longer than its column, 张伟", HALL_CASE_ROW_STYLE_NONE);
  hall_case_row_set_icon (HALL_CASE_ROW (row), SYNC, "object-select-symbolic", "Synced",
                          HALL_CASE_ROW_STYLE_DIM);
  g_assert_cmpstr (hall_case_row_get_text (HALL_CASE_ROW (row), APPLICANT), ==,
                   "A name much longer than its column, 张伟");
  g_assert_cmpstr (hall_case_row_get_icon_name (HALL_CASE_ROW (row), SYNC), ==,
                   "object-select-symbolic");
  measure (row, &width, &height);
  g_assert_cmpint (width, ==, empty_width);
  g_assert_cmpint (height, ==, empty_height);
  g_object_unref (row);
}

/* What a screen reader says of a row is its texts, in the columns' order,
 * once they rest: after a burst of changes (rows scrolling by), the last
 * ones; an icon by its description; a hidden column not at all. */
static void
test_accessible_label_follows (void)
{
  g_autoptr (HallCaseColumns) columns = three_columns ();
  GtkWidget *row = g_object_ref_sink (hall_case_row_new (columns));
  GtkWidget *other = g_object_ref_sink (hall_case_row_new (columns));

  hall_case_row_set_text (HALL_CASE_ROW (row), NUMBER, "YC-C01-2026-000001",
                          HALL_CASE_ROW_STYLE_NUMERIC);
  wait_for_accessible_label (row, "YC-C01-2026-000001");

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("YC-C01-2026-%06u", i);

      hall_case_row_set_text (HALL_CASE_ROW (row), NUMBER, text, HALL_CASE_ROW_STYLE_NUMERIC);
      hall_case_row_set_text (HALL_CASE_ROW (other), NUMBER, text, HALL_CASE_ROW_STYLE_NUMERIC);
      g_main_context_iteration (NULL, FALSE);
    }
  hall_case_row_set_text (HALL_CASE_ROW (other), APPLICANT, "张伟", HALL_CASE_ROW_STYLE_NONE);
  hall_case_row_set_icon (HALL_CASE_ROW (other), SYNC, "object-select-symbolic", "Synced",
                          HALL_CASE_ROW_STYLE_NONE);
  wait_for_accessible_label (row, "YC-C01-2026-000099");
  wait_for_accessible_label (other, "YC-C01-2026-000099, 张伟, Synced");

  hall_case_columns_set_visible (columns, SYNC, FALSE);
  wait_for_accessible_label (other, "YC-C01-2026-000099, 张伟");
  hall_case_row_set_text (HALL_CASE_ROW (row), NUMBER, NULL, HALL_CASE_ROW_STYLE_NONE);
  wait_for_accessible_label (row, "");
  g_object_unref (other);
  g_object_unref (row);
}

/* A row that goes while its label is behind its texts is forgotten: the
 * others still follow theirs. */
static void
test_gone_while_behind (void)
{
  g_autoptr (HallCaseColumns) columns = three_columns ();
  GtkWidget *gone = g_object_ref_sink (hall_case_row_new (columns));
  GtkWidget *stays = g_object_ref_sink (hall_case_row_new (columns));

  hall_case_row_set_text (HALL_CASE_ROW (gone), NUMBER, "Gone", HALL_CASE_ROW_STYLE_NONE);
  hall_case_row_set_text (HALL_CASE_ROW (stays), NUMBER, "Stays", HALL_CASE_ROW_STYLE_NONE);
  g_object_unref (gone);
  wait_for_accessible_label (stays, "Stays");
  g_object_unref (stays);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hall/case-row/size-ignores-text", test_size_ignores_text);
  g_test_add_func ("/hall/case-row/accessible-label-follows", test_accessible_label_follows);
  g_test_add_func ("/hall/case-row/gone-while-behind", test_gone_while_behind);
  return g_test_run ();
}
