/* test-paced-list-model.c — a list's items handed to a view a few a frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HallPacedListModel over a GListStore, paced by a real window's frame
 * clock (under xvfb-run): it is always a prefix of the store; everything
 * replaced at once comes back a few rows a frame, first rows first, up to
 * the rows a view builds and then the rest at once; small changes pass
 * through as they are; and every items-changed it emits keeps a listener's
 * count equal to its own.
 */
#include "config.h"

#include <gtk/gtk.h>

#include "hall-paced-list-model.h"

#define ROWS_PER_FRAME 10

typedef struct
{
  GListStore *store;
  GtkWidget *window;
  HallPacedListModel *paced;
  guint mirrored;  /* the count a listener keeps from items-changed alone */
  GPtrArray *view; /* the items a view holds, fetched when told of them */
  guint n_signals;
  guint largest_added;
  guint largest_removed_rows;  /* removed in one change among the first 200 */
  /* A change's cost in rows destroyed, among the first 200: building a
   * row costs what destroying two does. */
  guint largest_cost;
} Fixture;

static void
mirror_cb (GListModel *model,
           guint       position,
           guint       removed,
           guint       added,
           Fixture    *fixture)
{
  g_assert_cmpuint (position + removed, <=, fixture->mirrored);
  fixture->mirrored = fixture->mirrored - removed + added;
  /* As a view does: the items it was told of are fetched now, the others
   * kept, moved along. */
  g_ptr_array_remove_range (fixture->view, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (fixture->view, position + i, g_list_model_get_item (model, position + i));
  g_assert_cmpuint (fixture->mirrored, ==, g_list_model_get_n_items (model));
  fixture->n_signals++;
  fixture->largest_added = MAX (fixture->largest_added, added);
  if (position < 200)
    {
      guint removed_rows = MIN (position + removed, 200) - position;
      guint added_rows = MIN (position + added, 200) - position;

      fixture->largest_removed_rows = MAX (fixture->largest_removed_rows, removed_rows);
      fixture->largest_cost = MAX (fixture->largest_cost, removed_rows + 2 * added_rows);
    }
}

static GtkStringObject *
item_named (const char *prefix,
            guint       i)
{
  g_autofree char *name = g_strdup_printf ("%s%u", prefix, i);

  return gtk_string_object_new (name);
}

static void
fill (GListStore *store,
      const char *prefix,
      guint       n,
      guint       removed)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, item_named (prefix, i));
  g_list_store_splice (store, 0, removed, items->pdata, items->len);
}

/* Whether the paced model is a prefix of the store, item for item. */
static void
assert_prefix (Fixture *fixture)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fixture->paced));

  g_assert_cmpuint (n, <=, g_list_model_get_n_items (G_LIST_MODEL (fixture->store)));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) shown = g_list_model_get_item (G_LIST_MODEL (fixture->paced), i);
      g_autoptr (GObject) stored = g_list_model_get_item (G_LIST_MODEL (fixture->store), i);

      g_assert_true (shown == stored);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (fixture->paced), n));
  /* And a view that followed its changes holds the same items. */
  g_assert_cmpuint (fixture->view->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) shown = g_list_model_get_item (G_LIST_MODEL (fixture->paced), i);

      g_assert_true (fixture->view->pdata[i] == shown);
    }
}

static gboolean
timeout_cb (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the frame clock has ticked once more. */
static void
next_frame (Fixture *fixture)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (fixture->window);
  gint64 counter = gdk_frame_clock_get_frame_counter (clock);
  guint guard = g_timeout_add_seconds (10, timeout_cb, NULL);

  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
  while (gdk_frame_clock_get_frame_counter (clock) == counter)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  fill (fixture->store, "case ", 1000, 0);
  fixture->window = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (fixture->window));
  while (!gtk_widget_get_mapped (fixture->window))
    g_main_context_iteration (NULL, TRUE);
  fixture->paced = hall_paced_list_model_new (G_LIST_MODEL (fixture->store), fixture->window,
                                              ROWS_PER_FRAME);
  fixture->mirrored = g_list_model_get_n_items (G_LIST_MODEL (fixture->paced));
  fixture->view = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < fixture->mirrored; i++)
    g_ptr_array_add (fixture->view, g_list_model_get_item (G_LIST_MODEL (fixture->paced), i));
  g_signal_connect (fixture->paced, "items-changed", G_CALLBACK (mirror_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->paced);
  g_clear_pointer (&fixture->view, g_ptr_array_unref);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->store);
}

/* Results replacing the whole list: ten rows, then ten more a frame, and
 * past the 200 rows a view builds, the rest in one step. */
static void
test_replaced_comes_a_few_a_frame (Fixture       *fixture,
                                   gconstpointer  data)
{
  guint frames = 0;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), ==, 1000);
  fill (fixture->store, "result ", 2000, 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), ==, ROWS_PER_FRAME);
  g_assert_true (hall_paced_list_model_get_pacing (fixture->paced));
  assert_prefix (fixture);

  while (hall_paced_list_model_get_pacing (fixture->paced))
    {
      guint before = g_list_model_get_n_items (G_LIST_MODEL (fixture->paced));

      next_frame (fixture);
      frames++;
      assert_prefix (fixture);
      if (before < 200)
        g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), <=,
                          before + ROWS_PER_FRAME);
      g_assert_cmpuint (frames, <, 100);
    }
  /* 200 rows at ten a frame, then the other 1,800 at once. */
  g_assert_cmpuint (frames, ==, 200 / ROWS_PER_FRAME);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), ==, 2000);
  g_assert_cmpuint (fixture->largest_added, ==, 1800);
}

/* A case changed in place, or new ones on top: passed on as they come. */
static void
test_small_changes_pass (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr (GtkStringObject) changed = item_named ("changed ", 5);
  guint signals;

  g_list_store_splice (fixture->store, 5, 1, (gpointer *) &changed, 1);
  g_assert_cmpuint (fixture->n_signals, ==, 1);
  assert_prefix (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), ==, 1000);

  /* 5,000 new cases on top of a list that stays where it is: the view
   * keeps its rows, so nothing is paced. */
  signals = fixture->n_signals;
  {
    g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < 5000; i++)
      g_ptr_array_add (items, item_named ("pulled ", i));
    g_list_store_splice (fixture->store, 0, 0, items->pdata, items->len);
  }
  g_assert_cmpuint (fixture->n_signals, ==, signals + 1);
  g_assert_false (hall_paced_list_model_get_pacing (fixture->paced));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), ==, 6000);
  assert_prefix (fixture);
}

/* A change among the shown rows while others are still to come: what was
 * to come is shown first, then the change, and the model is whole. */
static void
test_change_while_pacing (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (GtkStringObject) changed = item_named ("changed ", 3);

  fill (fixture->store, "result ", 500, 1000);
  next_frame (fixture);
  g_assert_true (hall_paced_list_model_get_pacing (fixture->paced));
  g_list_store_splice (fixture->store, 3, 1, (gpointer *) &changed, 1);
  g_assert_false (hall_paced_list_model_get_pacing (fixture->paced));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), ==, 500);
  assert_prefix (fixture);

  /* A new case on top while results are still being handed over (an
   * intake during a search): every item the view holds is where it is. */
  fill (fixture->store, "results ", 900, 500);
  next_frame (fixture);
  g_assert_true (hall_paced_list_model_get_pacing (fixture->paced));
  {
    g_autoptr (GtkStringObject) top = item_named ("new ", 1);

    g_list_store_insert (fixture->store, 0, top);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), ==, 901);
  assert_prefix (fixture);

  /* Everything replaced again while pacing, and emptied. */
  fill (fixture->store, "again ", 300, 901);
  next_frame (fixture);
  fill (fixture->store, "", 0, 300);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), ==, 0);
  g_assert_false (hall_paced_list_model_get_pacing (fixture->paced));
  /* From empty, a big list comes paced too. */
  fill (fixture->store, "back ", 1000, 0);
  g_assert_true (hall_paced_list_model_get_pacing (fixture->paced));
  while (hall_paced_list_model_get_pacing (fixture->paced))
    next_frame (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->paced)), ==, 1000);
  assert_prefix (fixture);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item)
{
  gtk_list_item_set_child (list_item, gtk_label_new (NULL));
}

/* Seen from the top of a real list view, results replacing the list: the
 * old rows go twenty a frame (the view keeps showing them) and then the
 * new come ten a frame, so no frame destroys or builds more than that,
 * the frame that swaps the last old rows for the first new included; a
 * view that followed every change ends with the model's items. */
static void
test_old_rows_retire_from_the_top (void)
{
  Fixture fixture = { 0 };
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *list = gtk_list_view_new (NULL, factory);
  g_autoptr (GObject) old_first = NULL;
  guint frames = 0;
  guint n;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  fixture.store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  fill (fixture.store, "case ", 1000, 0);
  fixture.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 400, 600);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_window_set_child (GTK_WINDOW (fixture.window), scrolled);
  fixture.paced = hall_paced_list_model_new (G_LIST_MODEL (fixture.store), list, ROWS_PER_FRAME);
  fixture.mirrored = g_list_model_get_n_items (G_LIST_MODEL (fixture.paced));
  fixture.view = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < fixture.mirrored; i++)
    g_ptr_array_add (fixture.view, g_list_model_get_item (G_LIST_MODEL (fixture.paced), i));
  g_signal_connect (fixture.paced, "items-changed", G_CALLBACK (mirror_cb), &fixture);
  gtk_list_view_set_model (GTK_LIST_VIEW (list),
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (
                             G_LIST_MODEL (fixture.paced)))));
  gtk_window_present (GTK_WINDOW (fixture.window));
  while (!gtk_widget_get_mapped (list))
    g_main_context_iteration (NULL, TRUE);
  next_frame (&fixture);
  old_first = g_list_model_get_item (G_LIST_MODEL (fixture.paced), 0);

  fill (fixture.store, "result ", 2000, 1000);
  /* The old rows past the 200 a view builds go at once (it built none of
   * them); the first 200 stay, still the old items. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture.paced)), ==, 200);
  g_assert_true (hall_paced_list_model_get_pacing (fixture.paced));
  /* The model changes again meanwhile (a search's rest of rows, a list
   * emptied then filled): the old rows keep going a few a frame. */
  next_frame (&fixture);
  fill (fixture.store, "", 0, 2000);
  fill (fixture.store, "result ", 2000, 0);
  g_assert_cmpuint (fixture.largest_removed_rows, <=, 2 * ROWS_PER_FRAME);
  /* The old rows go from the bottom: the first stays until the swap. */
  for (;;)
    {
      g_autoptr (GObject) first = NULL;

      n = g_list_model_get_n_items (G_LIST_MODEL (fixture.paced));
      first = g_list_model_get_item (G_LIST_MODEL (fixture.paced), 0);
      if (first != old_first)
        break;
      g_assert_cmpuint (n, >, 0);
      next_frame (&fixture);
      frames++;
      g_assert_cmpuint (frames, <, 100);
    }
  g_assert_cmpuint (n, <=, ROWS_PER_FRAME);
  /* Then the new, first rows first. */
  {
    g_autoptr (GObject) first = g_list_model_get_item (G_LIST_MODEL (fixture.paced), 0);
    g_autoptr (GObject) stored = g_list_model_get_item (G_LIST_MODEL (fixture.store), 0);

    g_assert_true (first == stored);
  }
  while (hall_paced_list_model_get_pacing (fixture.paced))
    {
      next_frame (&fixture);
      g_assert_cmpuint (++frames, <, 100);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture.paced)), ==, 2000);
  assert_prefix (&fixture);
  g_assert_cmpuint (fixture.largest_removed_rows, <=, 2 * ROWS_PER_FRAME);
  /* No frame, the swap's included, costs more than a frame of pacing. */
  g_assert_cmpuint (fixture.largest_cost, <=, 2 * ROWS_PER_FRAME);

  g_clear_object (&fixture.paced);
  g_clear_pointer (&fixture.view, g_ptr_array_unref);
  gtk_window_destroy (GTK_WINDOW (fixture.window));
  g_clear_object (&fixture.store);
}

/* With no window to pace by, everything at once. */
static void
test_unrealized_all_at_once (void)
{
  g_autoptr (GListStore) store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));
  g_autoptr (HallPacedListModel) paced = hall_paced_list_model_new (G_LIST_MODEL (store), label,
                                                                     ROWS_PER_FRAME);

  fill (store, "case ", 1000, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paced)), ==, 1000);
  fill (store, "result ", 700, 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paced)), ==, 700);
  g_assert_false (hall_paced_list_model_get_pacing (paced));
  g_object_unref (label);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add ("/paced-list-model/replaced-comes-a-few-a-frame", Fixture, NULL, fixture_set_up,
              test_replaced_comes_a_few_a_frame, fixture_tear_down);
  g_test_add ("/paced-list-model/small-changes-pass", Fixture, NULL, fixture_set_up,
              test_small_changes_pass, fixture_tear_down);
  g_test_add ("/paced-list-model/change-while-pacing", Fixture, NULL, fixture_set_up,
              test_change_while_pacing, fixture_tear_down);
  g_test_add_func ("/paced-list-model/unrealized-all-at-once", test_unrealized_all_at_once);
  g_test_add_func ("/paced-list-model/old-rows-retire-from-the-top",
                   test_old_rows_retire_from_the_top);
  return g_test_run ();
}
