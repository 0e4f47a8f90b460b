/* test-queue-gui.c — the counter's queue panel and reception page, driven
 * through their actions against a real server on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hall-queue-panel.h"
#include "hall-reception-page.h"
#include "hall-server.h"
#include "hall-service.h"
#include "hall-test-server.h"

#define WAIT_SECONDS 20

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_for (Condition condition,
          gpointer  data)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, css_class))
        return child;
      if ((found = find_label (child, css_class)) != NULL)
        return found;
    }
  return NULL;
}

static const char *
big_number (GtkWidget *widget)
{
  return gtk_label_get_label (GTK_LABEL (find_label (widget, "title-1")));
}

typedef struct
{
  GtkWidget  *widget;
  const char *text;
} LabelIs;

static gboolean
number_is (gpointer data)
{
  LabelIs *is = data;

  return g_strcmp0 (big_number (is->widget), is->text) == 0;
}

static gboolean
has_ticket (gpointer data)
{
  return hall_reception_page_get_ticket (data) != NULL;
}

static void
serving_cb (HallQueuePanel *panel,
            HallTicket     *ticket,
            gpointer        user_data)
{
  g_set_object ((HallTicket **) user_data, ticket);
}

static gboolean
not_null (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gboolean
offline_shown (gpointer data)
{
  GtkWidget *label = find_label (data, "warning");

  return label != NULL && gtk_revealer_get_child_revealed (GTK_REVEALER (gtk_widget_get_parent (label)));
}

static gboolean
ticket_done (gpointer data)
{
  HallTicket *ticket = hall_queue_panel_get_ticket (data);

  return ticket != NULL && g_strcmp0 (hall_ticket_get_state (ticket), "done") == 0;
}

static gboolean
offline_gone (gpointer data)
{
  return !offline_shown (data);
}

static void
test_queue_panel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);
  g_autofree char *dir = g_dir_make_tmp ("hall-queue-gui-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autofree char *url = NULL;
  g_autoptr(HallServer) server = NULL;
  g_autoptr(HallStore) store = NULL;
  g_autoptr(HallSyncEngine) engine = NULL;
  g_autoptr(HallQueueClient) client = NULL;
  g_autoptr(HallTicket) serving = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  HallQueuePanel *panel = hall_queue_panel_new ();
  HallReceptionPage *reception = hall_reception_page_new ();
  LabelIs is;

  g_assert_no_error (error);
  server = hall_server_new (dir, catalog, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (hall_server_add_demo_users (server, &error));
  g_assert_true (hall_server_start (server, "127.0.0.1:0", &error));
  url = g_strdup_printf ("http://127.0.0.1:%u", hall_server_get_port (server));
  db = g_build_filename (dir, "counter.db", NULL);
  store = hall_store_open (db, "YC", "C01", &error);
  g_assert_no_error (error);
  engine = hall_sync_engine_new (store, url);
  g_object_set (engine, "backoff-base-ms", 10, "backoff-cap-ms", 50, "max-attempts", 2, NULL);
  hall_sync_engine_set_credentials (engine, "demo", "demo");
  client = hall_queue_client_new (engine);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (panel));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (reception));
  gtk_window_set_child (GTK_WINDOW (window), box);
  hall_queue_panel_set_client (panel, client, "C01");
  hall_reception_page_set_client (reception, client, catalog);
  g_signal_connect (panel, "start-serving", G_CALLBACK (serving_cb), &serving);
  gtk_window_present (GTK_WINDOW (window));

  /* Reception issues a priority ticket for the first service. */
  {
    GtkCheckButton *priority = NULL;

    for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (reception)); w != NULL;
         w = gtk_widget_get_next_sibling (w))
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        if (GTK_IS_CHECK_BUTTON (c))
          priority = GTK_CHECK_BUTTON (c);
    g_assert_nonnull (priority);
    gtk_check_button_set_active (priority, TRUE);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (reception), "reception.issue", NULL));
  g_assert_true (wait_for (has_ticket, reception));
  g_assert_cmpstr (big_number (GTK_WIDGET (reception)), ==, "A001");
  g_assert_cmpstr (hall_ticket_get_priority (hall_reception_page_get_ticket (reception)), ==,
                   "priority");

  /* The counter calls it (F5's action), then starts serving it (F7's):
   * the window is told, to open an intake. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "queue.call-next", NULL));
  is.widget = GTK_WIDGET (panel);
  is.text = "A001";
  g_assert_true (wait_for (number_is, &is));
  g_assert_cmpstr (hall_ticket_get_state (hall_queue_panel_get_ticket (panel)), ==, "called");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "queue.start", NULL));
  g_assert_true (wait_for (not_null, &serving));
  g_assert_cmpstr (hall_ticket_get_state (serving), ==, "serving");
  g_assert_cmpstr (hall_ticket_get_number (serving), ==, "A001");
  g_assert_cmpint (hall_ticket_get_issued_at (serving), ==,
                   hall_ticket_get_issued_at (hall_reception_page_get_ticket (reception)));

  /* Finished (Shift+F7): the counter may call again. */
  is.text = "A001";
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "queue.finish", NULL));
  g_assert_true (wait_for (ticket_done, panel));

  /* Offline: the panel says the citizen is served without a ticket. */
  hall_sync_engine_set_server_url (engine, "http://127.0.0.1:9");
  hall_queue_panel_refresh (panel);
  g_assert_true (wait_for (offline_shown, panel));
  /* Back: the banner goes by itself. */
  hall_sync_engine_set_server_url (engine, url);
  hall_queue_panel_refresh (panel);
  g_assert_true (wait_for (offline_gone, panel));

  gtk_window_destroy (GTK_WINDOW (window));
  hall_server_stop (server);
  /* Closed before their folder goes. */
  g_clear_object (&client);
  g_clear_object (&engine);
  g_clear_object (&store);
  g_clear_object (&server);
  hall_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/hall/queue-gui/panel", test_queue_panel);
  return g_test_run ();
}
