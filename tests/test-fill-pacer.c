/* test-fill-pacer.c — HallFillPacer: rows given new content at once are
 * shown a few a frame, in order, each once, and never after they are gone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>

#include "hall-fill-pacer.h"

#define PER_FRAME 4

typedef struct
{
  GtkWidget *window;
  GtkWidget *view;
  GArray    *shown;        /* of guint: the rows, as shown */
  GArray    *shown_frames; /* of gint64: the frame each was shown in */
} Fixture;

static void
show_cb (gpointer row,
         gpointer user_data)
{
  Fixture *fixture = user_data;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (fixture->view);
  guint number = GPOINTER_TO_UINT (row);
  gint64 frame = gdk_frame_clock_get_frame_counter (clock);

  g_array_append_val (fixture->shown, number);
  g_array_append_val (fixture->shown_frames, frame);
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates until @n rows were shown; fails after ten seconds. */
static void
wait_for_shown (Fixture *fixture,
                guint    n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (10, timed_out_cb, &timed_out);

  while (fixture->shown->len < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (fixture->shown->len < n)
    g_error ("%u rows shown, not %u", fixture->shown->len, n);
  g_source_remove (id);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->shown = g_array_new (FALSE, FALSE, sizeof (guint));
  fixture->shown_frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  fixture->window = gtk_window_new ();
  fixture->view = gtk_drawing_area_new ();
  gtk_window_set_child (GTK_WINDOW (fixture->window), fixture->view);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 200, 200);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_array_unref (fixture->shown);
  g_array_unref (fixture->shown_frames);
}

static void
map_window (Fixture *fixture)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (10, timed_out_cb, &timed_out);

  gtk_window_present (GTK_WINDOW (fixture->window));
  while (!gtk_widget_get_mapped (fixture->view) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (fixture->view));
  g_source_remove (id);
}

/* Eleven rows at once: four a frame, in the order they came, each once
 * however often it was deferred. */
static void
test_few_a_frame (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (HallFillPacer) pacer = NULL;
  guint frames = 0;
  gint64 previous = -1;
  guint in_frame = 0;

  map_window (fixture);
  pacer = hall_fill_pacer_new (fixture->view, PER_FRAME, show_cb, fixture);
  for (guint row = 1; row <= 11; row++)
    g_assert_true (hall_fill_pacer_defer (pacer, GUINT_TO_POINTER (row)));
  /* A row changed again while it waits keeps its place. */
  g_assert_true (hall_fill_pacer_defer (pacer, GUINT_TO_POINTER (3)));
  g_assert_true (hall_fill_pacer_is_waiting (pacer, GUINT_TO_POINTER (11)));
  g_assert_cmpuint (fixture->shown->len, ==, 0);

  wait_for_shown (fixture, 11);
  for (guint i = 0; i < fixture->shown->len; i++)
    {
      gint64 frame = g_array_index (fixture->shown_frames, gint64, i);

      g_assert_cmpuint (g_array_index (fixture->shown, guint, i), ==, i + 1);
      if (frame != previous)
        {
          frames++;
          in_frame = 0;
          previous = frame;
        }
      in_frame++;
      g_assert_cmpuint (in_frame, <=, PER_FRAME);
    }
  g_assert_cmpuint (frames, ==, 3);
  g_assert_false (hall_fill_pacer_is_waiting (pacer, GUINT_TO_POINTER (11)));
}

/* A row bound anew or gone before its turn is not shown. */
static void
test_forget (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (HallFillPacer) pacer = NULL;

  map_window (fixture);
  pacer = hall_fill_pacer_new (fixture->view, PER_FRAME, show_cb, fixture);
  for (guint row = 1; row <= 6; row++)
    hall_fill_pacer_defer (pacer, GUINT_TO_POINTER (row));
  hall_fill_pacer_forget (pacer, GUINT_TO_POINTER (2));
  hall_fill_pacer_forget (pacer, GUINT_TO_POINTER (6));
  hall_fill_pacer_forget (pacer, GUINT_TO_POINTER (42));

  wait_for_shown (fixture, 4);
  /* Two frames more: nothing else comes. */
  for (guint i = 0; i < 2; i++)
    {
      gint64 frame = gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (fixture->view));

      gtk_widget_queue_draw (fixture->view);
      while (gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (fixture->view))
             == frame)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (fixture->shown->len, ==, 4);
  g_assert_cmpuint (g_array_index (fixture->shown, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (fixture->shown, guint, 1), ==, 3);
  g_assert_cmpuint (g_array_index (fixture->shown, guint, 2), ==, 4);
  g_assert_cmpuint (g_array_index (fixture->shown, guint, 3), ==, 5);
}

/* With no frames to wait for, nothing waits: the caller shows the row. */
static void
test_unmapped (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (HallFillPacer) pacer = hall_fill_pacer_new (fixture->view, PER_FRAME, show_cb,
                                                          fixture);

  g_assert_false (hall_fill_pacer_defer (pacer, GUINT_TO_POINTER (1)));
  g_assert_false (hall_fill_pacer_is_waiting (pacer, GUINT_TO_POINTER (1)));
}

/* The pacer outlives its widget: rows waiting then are dropped quietly. */
static void
test_widget_destroyed (void)
{
  g_autoptr (HallFillPacer) pacer = NULL;
  Fixture fixture = { 0 };

  fixture_set_up (&fixture, NULL);
  map_window (&fixture);
  pacer = hall_fill_pacer_new (fixture.view, PER_FRAME, show_cb, &fixture);
  hall_fill_pacer_defer (pacer, GUINT_TO_POINTER (1));
  fixture_tear_down (&fixture, NULL);
  g_assert_false (hall_fill_pacer_defer (pacer, GUINT_TO_POINTER (2)));
  hall_fill_pacer_forget (pacer, GUINT_TO_POINTER (1));
}

/* A mapped view with @n rows waiting their turns. (transfer full) */
static HallFillPacer *
map_with_rows_waiting (Fixture *fixture,
                       guint    n)
{
  HallFillPacer *pacer;

  map_window (fixture);
  pacer = hall_fill_pacer_new (fixture->view, PER_FRAME, show_cb, fixture);
  for (guint row = 1; row <= n; row++)
    g_assert_true (hall_fill_pacer_defer (pacer, GUINT_TO_POINTER (row)));
  return pacer;
}

/* Rows that wait when the widget goes out of sight (a stack switching to
 * another page) are shown all the same: the clock still ticks for it. */
static void
test_unmapped_while_waiting (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr (HallFillPacer) pacer = map_with_rows_waiting (fixture, 9);

  gtk_widget_set_visible (fixture->view, FALSE);
  g_assert_false (gtk_widget_get_mapped (fixture->view));
  wait_for_shown (fixture, 9);
}

/* The window hidden while rows wait (and shown again): they are shown. */
static void
test_window_hidden_while_waiting (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr (HallFillPacer) pacer = map_with_rows_waiting (fixture, 9);
  gboolean done = FALSE;

  gtk_widget_set_visible (fixture->window, FALSE);
  g_timeout_add (300, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  /* X11 freezes a hidden window's clock: the rows wait for it to show. */
  g_test_message ("shown while hidden: %u", fixture->shown->len);
  map_window (fixture);
  wait_for_shown (fixture, 9);
}

/* Unrealized and realized again (the widget taken out of the window and
 * put back): waiting rows come all the same, or are forgotten. */
static void
test_unrealized_while_waiting (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr (HallFillPacer) pacer = map_with_rows_waiting (fixture, 9);

  g_object_ref (fixture->view);
  gtk_window_set_child (GTK_WINDOW (fixture->window), NULL);
  g_assert_false (gtk_widget_get_realized (fixture->view));
  gtk_window_set_child (GTK_WINDOW (fixture->window), fixture->view);
  g_object_unref (fixture->view);
  wait_for_shown (fixture, 9);
}

static gboolean
in_view_cb (gpointer row,
            gpointer user_data)
{
  return GPOINTER_TO_UINT (row) > 8;
}

/* Rows in view come first, wherever they are in the queue; then the
 * others, in the order they came. */
static void
test_in_view_first (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (HallFillPacer) pacer = NULL;
  const guint order[] = { 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8 };

  map_window (fixture);
  pacer = hall_fill_pacer_new (fixture->view, PER_FRAME, show_cb, fixture);
  hall_fill_pacer_set_in_view (pacer, in_view_cb);
  for (guint row = 1; row <= 12; row++)
    g_assert_true (hall_fill_pacer_defer (pacer, GUINT_TO_POINTER (row)));
  wait_for_shown (fixture, 12);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpuint (g_array_index (fixture->shown, guint, i), ==, order[i]);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add ("/fill-pacer/few-a-frame", Fixture, NULL, fixture_set_up, test_few_a_frame,
              fixture_tear_down);
  g_test_add ("/fill-pacer/forget", Fixture, NULL, fixture_set_up, test_forget,
              fixture_tear_down);
  g_test_add ("/fill-pacer/unmapped", Fixture, NULL, fixture_set_up, test_unmapped,
              fixture_tear_down);
  g_test_add_func ("/fill-pacer/widget-destroyed", test_widget_destroyed);
  g_test_add ("/fill-pacer/in-view-first", Fixture, NULL, fixture_set_up, test_in_view_first,
              fixture_tear_down);
  g_test_add ("/fill-pacer/unmapped-while-waiting", Fixture, NULL, fixture_set_up,
              test_unmapped_while_waiting, fixture_tear_down);
  g_test_add ("/fill-pacer/window-hidden-while-waiting", Fixture, NULL, fixture_set_up,
              test_window_hidden_while_waiting, fixture_tear_down);
  g_test_add ("/fill-pacer/unrealized-while-waiting", Fixture, NULL, fixture_set_up,
              test_unrealized_while_waiting, fixture_tear_down);
  return g_test_run ();
}
