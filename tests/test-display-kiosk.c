/* test-display-kiosk.c — the board's window redraws only when it must;
 * the kiosk takes, prints and shows tickets from a real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "hall-board.h"
#include "hall-display-window.h"
#include "hall-http-client.h"
#include "hall-kiosk-window.h"
#include "hall-kiosk-window-test-hooks.h"
#include "hall-test-server.h"

static void
iterate_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
has_drawn (gpointer data)
{
  return hall_display_window_get_n_draws (data) > 0;
}

static void
test_window_redraws_only_on_change (void)
{
  g_autoptr (HallBoard) board = hall_board_new ();
  g_autoptr (JsonObject) snapshot = parse_object (
    "{\"hall\": \"Test Hall\", \"last_event_id\": 1, \"groups\": [{\"group\": \"A\", \"waiting\": 1}]}");
  g_autoptr (JsonObject) event = parse_object (
    "{\"change\": \"called\", \"ticket\": {\"uuid\": \"u-1\", \"number\": \"A001\", \"group\": \"A\","
    " \"state\": \"called\", \"counter\": \"C01\", \"calls\": 1}, \"waiting\": {\"A\": 0}}");
  HallDisplayWindow *window;
  guint draws;
  gint64 minute;

  g_assert_true (hall_board_apply_snapshot (board, snapshot, g_get_monotonic_time (), NULL));
  hall_board_set_online (board, TRUE);
  window = hall_display_window_new (NULL, board);
  gtk_window_present (GTK_WINDOW (window));
  wait_for (has_drawn, window, "the first frame");

  /* Idle: nothing to draw but the clock, which turns once a minute: a
   * run that crosses the turn of a minute sees its one frame. */
  iterate_for (100);
  draws = hall_display_window_get_n_draws (window);
  minute = g_get_real_time () / (60 * G_USEC_PER_SEC);
  iterate_for (600);
  if (g_get_real_time () / (60 * G_USEC_PER_SEC) != minute
      && hall_display_window_get_n_draws (window) == draws + 1)
    draws++;
  g_assert_cmpuint (hall_display_window_get_n_draws (window), ==, draws);

  /* A call: drawn, then animated while it pulses. */
  g_assert_true (hall_board_apply_event (board, "2", "ticket", event, g_get_monotonic_time (), NULL));
  iterate_for (600);
  g_assert_cmpuint (hall_display_window_get_n_draws (window), >=, draws + 3);
  g_assert_true (hall_board_is_animating (board, g_get_monotonic_time ()));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The kiosk. */

typedef struct
{
  char            *dir;
  HallTestServer  *server;
  char            *pdf_dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *server_dir = NULL;

  fixture->dir = g_dir_make_tmp ("display-kiosk-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  server_dir = g_build_filename (fixture->dir, "server", NULL);
  fixture->server = hall_test_server_start (server_dir);
  fixture->pdf_dir = g_build_filename (fixture->dir, "tickets", NULL);
  g_mkdir_with_parents (fixture->pdf_dir, 0700);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  hall_test_server_free (fixture->server);
  hall_test_remove_tree (fixture->dir);
  g_free (fixture->pdf_dir);
  g_free (fixture->dir);
}

static HallKioskWindow *
new_kiosk (Fixture    *fixture,
           const char *password)
{
  HallDisplayOptions options = { 0 };
  HallKioskWindow *kiosk;

  options.server_url = fixture->server->url;
  options.user = (char *) "reception1";
  options.password = (char *) password;
  options.hall_name = (char *) "Test Hall";
  options.ticket_pdf_dir = fixture->pdf_dir;
  kiosk = hall_kiosk_window_new (NULL, &options);
  gtk_window_present (GTK_WINDOW (kiosk));
  return kiosk;
}

static gboolean
has_ticket (gpointer data)
{
  return hall_kiosk_window_get_ticket_number (data) != NULL;
}

static gboolean
has_error (gpointer data)
{
  return hall_kiosk_window_get_last_error (data) != NULL;
}

static gboolean
error_changed (gpointer data)
{
  const char *error = hall_kiosk_window_get_last_error (data);

  return error != NULL && strstr (error, "Type the code") == NULL;
}

static void
assert_printed (Fixture    *fixture,
                const char *number)
{
  g_autofree char *file = g_strdup_printf ("ticket-%s.pdf", number);
  g_autofree char *path = g_build_filename (fixture->pdf_dir, file, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_cmpuint (length, >, 2000);
}

static void
test_kiosk_takes_a_ticket (Fixture       *fixture,
                           gconstpointer  data)
{
  HallKioskWindow *kiosk = new_kiosk (fixture, "demo");

  gtk_widget_activate_action (GTK_WIDGET (kiosk), "kiosk.take-ticket", "s", "company_business_license");
  wait_for (has_ticket, kiosk, "the ticket");
  g_assert_cmpstr (hall_kiosk_window_get_ticket_number (kiosk), ==, "A001");
  g_assert_null (hall_kiosk_window_get_last_error (kiosk));
  assert_printed (fixture, "A001");

  gtk_widget_activate_action (GTK_WIDGET (kiosk), "kiosk.done", NULL);
  g_assert_null (hall_kiosk_window_get_ticket_number (kiosk));
  gtk_widget_activate_action (GTK_WIDGET (kiosk), "kiosk.take-ticket", "s", "new_taxpayer_registration");
  wait_for (has_ticket, kiosk, "the second ticket");
  g_assert_cmpstr (hall_kiosk_window_get_ticket_number (kiosk), ==, "B001");
  assert_printed (fixture, "B001");
  gtk_window_destroy (GTK_WINDOW (kiosk));
}

static void
test_kiosk_appointments (Fixture       *fixture,
                         gconstpointer  data)
{
  HallKioskWindow *kiosk = new_kiosk (fixture, "demo");
  g_autofree char *token = hall_test_server_sign_in (fixture->server->url);
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *slot = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *body = g_strdup_printf ("{\"code\": \"KIOSK2026\", \"service\": \"hukou_transfer_in\","
                                           " \"slot\": \"%s\"}", slot);
  g_autofree char *url = g_strconcat (fixture->server->url, "/v1/appointments", NULL);
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
  const char *headers[] = { "Content-Type: application/json", authorization,
                            "Idempotency-Key: 9a4f7a52-5d0e-4b7e-9a8e-0b1c2d3e4f50", NULL };
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (HallHttpResponse) response = NULL;
  GtkEditable *code_entry;

  response = hall_http_client_send (client, "POST", url, headers, bytes, NULL, NULL);
  g_assert_nonnull (response);
  g_assert_cmpuint (response->status, ==, 201);

  /* No code, then an unknown one: the citizen is told, nothing is
   * printed. */
  gtk_widget_activate_action (GTK_WIDGET (kiosk), "kiosk.check-in", NULL);
  wait_for (has_error, kiosk, "the empty code refused");
  g_assert_nonnull (strstr (hall_kiosk_window_get_last_error (kiosk), "code"));
  code_entry = hall_kiosk_window_get_code_entry (kiosk);
  gtk_editable_set_text (code_entry, "NOSUCHCODE");
  g_signal_emit_by_name (code_entry, "activate");
  wait_for (error_changed, kiosk, "the unknown code refused");
  g_test_message ("unknown code: %s", hall_kiosk_window_get_last_error (kiosk));
  g_assert_true (g_str_has_prefix (hall_kiosk_window_get_last_error (kiosk), "No ticket: "));
  g_assert_null (hall_kiosk_window_get_ticket_number (kiosk));

  /* The right code, typed in lower case: the appointment's ticket. */
  gtk_editable_set_text (code_entry, "kiosk2026");
  g_signal_emit_by_name (code_entry, "activate");
  wait_for (has_ticket, kiosk, "the appointment's ticket");
  g_assert_cmpstr (hall_kiosk_window_get_ticket_number (kiosk), ==, "C001");
  assert_printed (fixture, "C001");
  gtk_window_destroy (GTK_WINDOW (kiosk));
}

static void
test_kiosk_wrong_password (Fixture       *fixture,
                           gconstpointer  data)
{
  HallKioskWindow *kiosk = new_kiosk (fixture, "not the password");

  /* The hall's IT staff find it in the log; the citizen is sent to the desk. */
  g_test_expect_message ("hall-display", G_LOG_LEVEL_WARNING, "*cannot sign in as “reception1”*");
  gtk_widget_activate_action (GTK_WIDGET (kiosk), "kiosk.take-ticket", "s", "company_business_license");
  wait_for (has_error, kiosk, "the refusal");
  g_test_assert_expected_messages ();
  g_assert_nonnull (strstr (hall_kiosk_window_get_last_error (kiosk), "reception desk"));
  g_assert_null (hall_kiosk_window_get_ticket_number (kiosk));
  gtk_window_destroy (GTK_WINDOW (kiosk));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();
  g_test_add_func ("/hall/display/window/redraws-only-on-change", test_window_redraws_only_on_change);
  g_test_add ("/hall/display/kiosk/takes-a-ticket", Fixture, NULL, fixture_set_up,
              test_kiosk_takes_a_ticket, fixture_tear_down);
  g_test_add ("/hall/display/kiosk/appointments", Fixture, NULL, fixture_set_up,
              test_kiosk_appointments, fixture_tear_down);
  g_test_add ("/hall/display/kiosk/wrong-password", Fixture, NULL, fixture_set_up,
              test_kiosk_wrong_password, fixture_tear_down);
  return g_test_run ();
}
