/* test-cell-label.c — HallCellLabel: its size and what a screen reader
 * says of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run with GTK_A11Y=test, whose accessibility context keeps what the
 * widgets tell it for gtk_test_accessible_check_property().
 */
#include "config.h"

#include <gtk/gtk.h>

#include "hall-cell-label.h"

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @label's accessible label is @expected;
 * fails after ten seconds, saying what it is. */
static void
wait_for_accessible_label (GtkWidget  *label,
                           const char *expected)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (10, timed_out_cb, &timed_out);
  char *differs;

  while ((differs = gtk_test_accessible_check_property (GTK_ACCESSIBLE (label),
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

/* A cell's size is its font's, whatever its text: a new text never
 * resizes its row. */
static void
test_size_ignores_text (void)
{
  GtkWidget *label = g_object_ref_sink (hall_cell_label_new (10));
  int empty_width, empty_height, width, height;

  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &empty_width, NULL, NULL);
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, -1, NULL, &empty_height, NULL, NULL);
  g_assert_cmpint (empty_width, >, 0);
  g_assert_cmpint (empty_height, >, 0);

  hall_cell_label_set_text (HALL_CELL_LABEL (label),
                            "A name much longer than the ten characters asked for, 张伟");
  g_assert_cmpstr (hall_cell_label_get_text (HALL_CELL_LABEL (label)), ==,
                   "A name much longer than the ten characters asked for, 张伟");
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, -1, NULL, &height, NULL, NULL);
  g_assert_cmpint (width, ==, empty_width);
  g_assert_cmpint (height, ==, empty_height);
  g_object_unref (label);
}

/* What a screen reader says of a cell is its text once the texts rest:
 * after a burst of changes (rows scrolling by), the last one. */
static void
test_accessible_label_follows (void)
{
  GtkWidget *label = g_object_ref_sink (hall_cell_label_new (10));
  GtkWidget *other = g_object_ref_sink (hall_cell_label_new (10));

  hall_cell_label_set_text (HALL_CELL_LABEL (label), "YC-C01-2026-000001");
  wait_for_accessible_label (label, "YC-C01-2026-000001");

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("YC-C01-2026-%06u", i);

      hall_cell_label_set_text (HALL_CELL_LABEL (label), text);
      hall_cell_label_set_text (HALL_CELL_LABEL (other), text);
      g_main_context_iteration (NULL, FALSE);
    }
  hall_cell_label_set_text (HALL_CELL_LABEL (other), "张伟");
  wait_for_accessible_label (label, "YC-C01-2026-000099");
  wait_for_accessible_label (other, "张伟");

  hall_cell_label_set_text (HALL_CELL_LABEL (label), NULL);
  wait_for_accessible_label (label, "");
  g_object_unref (other);
  g_object_unref (label);
}

/* A cell that goes while its label is behind its text is forgotten: the
 * others still follow theirs. */
static void
test_gone_while_behind (void)
{
  GtkWidget *gone = g_object_ref_sink (hall_cell_label_new (10));
  GtkWidget *stays = g_object_ref_sink (hall_cell_label_new (10));

  hall_cell_label_set_text (HALL_CELL_LABEL (gone), "Gone");
  hall_cell_label_set_text (HALL_CELL_LABEL (stays), "Stays");
  g_object_unref (gone);
  wait_for_accessible_label (stays, "Stays");
  g_object_unref (stays);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hall/cell-label/size-ignores-text", test_size_ignores_text);
  g_test_add_func ("/hall/cell-label/accessible-label-follows", test_accessible_label_follows);
  g_test_add_func ("/hall/cell-label/gone-while-behind", test_gone_while_behind);
  return g_test_run ();
}
