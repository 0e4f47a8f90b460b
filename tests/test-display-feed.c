/* test-display-feed.c — the board follows a real server's queue, keeps
 * its last board while the server is away (killed), and catches up by
 * itself when it is back, missing no call and doubling none
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "hall-board.h"
#include "hall-http-client.h"
#include "hall-queue-feed.h"
#include "hall-test-server.h"

typedef struct
{
  GSubprocess *process;
  char        *data_dir;
  char        *url;
  guint16      port;
} Server;

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static guint16
free_port (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The built server on @server->port, its stdout read until "listening". */
static void
server_start (Server *server)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", server->port);
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autofree char *probe = g_strconcat (server->url, "/v1/queue", NULL);
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("SERVICE_HALL_SERVER_BIN"),
                                                 "--listen", listen, "--data", server->data_dir,
                                                 "--demo", NULL);
  g_assert_no_error (error);
  /* Up when it answers. */
  for (;;)
    {
      g_autoptr (HallHttpResponse) response = hall_http_client_send (client, "GET", probe, NULL, NULL,
                                                                     NULL, NULL);

      if (response != NULL && response->status == 200)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
}

static void
server_kill (Server *server)
{
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

static char *
post (const char *url,
      const char *token,
      const char *path,
      const char *body,
      guint       expected_status)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autofree char *full = g_strconcat (url, path, NULL);
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", key);
  const char *headers[] = { "Content-Type: application/json", authorization, key_header, NULL };
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  response = hall_http_client_send (client, "POST", full, headers, bytes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, expected_status);
  return hall_http_response_dup_text (response);
}

static char *
sign_in (const char *url)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *text = post (url, "", "/v1/sessions", "{\"username\": \"demo\", \"password\": \"demo\"}", 201);

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "token"));
}

static gint64
server_last_event_id (const char *url)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autofree char *full = g_strconcat (url, "/v1/queue", NULL);
  g_autoptr (HallHttpResponse) response = hall_http_client_send (client, "GET", full, NULL, NULL, NULL, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;

  g_assert_nonnull (response);
  text = hall_http_response_dup_text (response);
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "last_event_id");
}

/* The board as the application wires it. */
typedef struct
{
  HallBoard     *board;
  HallQueueFeed *feed;
  GPtrArray     *announced;
} Rig;

static void
snapshot_cb (HallQueueFeed *feed,
             JsonObject    *queue,
             Rig           *rig)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hall_board_apply_snapshot (rig->board, queue, g_get_monotonic_time (), &error));
  g_assert_no_error (error);
}

static void
event_cb (HallQueueFeed *feed,
          const char    *id,
          const char    *type,
          JsonObject    *data,
          Rig           *rig)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hall_board_apply_event (rig->board, id, type, data, g_get_monotonic_time (), &error));
  g_assert_no_error (error);
}

static void
online_cb (HallQueueFeed *feed,
           GParamSpec    *pspec,
           Rig           *rig)
{
  hall_board_set_online (rig->board, hall_queue_feed_get_online (feed));
}

static void
announce_cb (HallBoard     *board,
             HallBoardCall *call,
             gboolean       recall,
             Rig           *rig)
{
  g_ptr_array_add (rig->announced, g_strdup_printf ("%s>%s", call->number, call->counter));
}

typedef gboolean (*Condition) (Rig *rig);

static void
wait_for (Rig       *rig,
          Condition  condition,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (rig))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
is_online (Rig *rig)
{
  return hall_board_get_online (rig->board) && hall_board_get_groups (rig->board)->len > 0;
}

static gboolean
is_offline (Rig *rig)
{
  return !hall_board_get_online (rig->board);
}

static gboolean
has_one_call (Rig *rig)
{
  return rig->announced->len >= 1;
}

static gboolean
has_three_calls (Rig *rig)
{
  return rig->announced->len >= 3 && hall_board_get_current_calls (rig->board)->len >= 3;
}

static gboolean
has_four_calls (Rig *rig)
{
  return rig->announced->len >= 4;
}

static void
test_server_away_and_back (void)
{
  g_autofree char *dir = g_dir_make_tmp ("display-feed-XXXXXX", NULL);
  Server server = { NULL, g_build_filename (dir, "server", NULL), NULL, free_port () };
  Rig rig = { hall_board_new (), NULL, g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *token = NULL;
  GPtrArray *current;

  server.url = g_strdup_printf ("http://127.0.0.1:%u", server.port);
  server_start (&server);
  token = sign_in (server.url);
  for (guint i = 0; i < 5; i++)
    g_free (post (server.url, token, "/v1/tickets", "{\"service\": \"company_business_license\"}", 201));

  rig.feed = hall_queue_feed_new (server.url);
  hall_queue_feed_set_backoff_cap (rig.feed, 1000);
  g_signal_connect (rig.feed, "snapshot", G_CALLBACK (snapshot_cb), &rig);
  g_signal_connect (rig.feed, "event", G_CALLBACK (event_cb), &rig);
  g_signal_connect (rig.feed, "notify::online", G_CALLBACK (online_cb), &rig);
  g_signal_connect (rig.board, "announce", G_CALLBACK (announce_cb), &rig);
  hall_queue_feed_start (rig.feed);
  wait_for (&rig, is_online, "the board to come online");
  g_assert_cmpint (hall_board_find_group (rig.board, "A")->waiting, ==, 5);

  g_free (post (server.url, token, "/v1/counters/C01/call-next", "{}", 200));
  wait_for (&rig, has_one_call, "the first call");
  g_assert_cmpstr (rig.announced->pdata[0], ==, "A001>C01");

  /* The server dies: the board keeps what it showed and says so. */
  server_kill (&server);
  wait_for (&rig, is_offline, "the board to notice");
  current = hall_board_get_current_calls (rig.board);
  g_assert_cmpuint (current->len, ==, 1);
  g_assert_cmpstr (((HallBoardCall *) current->pdata[0])->number, ==, "A001");

  /* Back on the same port and data; two calls are made before or while
   * the board comes back: it shows both, in order, once. */
  server_start (&server);
  g_free (token);
  token = sign_in (server.url);
  g_free (post (server.url, token, "/v1/counters/C02/call-next", "{}", 200));
  g_free (post (server.url, token, "/v1/counters/C03/call-next", "{}", 200));
  wait_for (&rig, is_online, "the board to come back");
  wait_for (&rig, has_three_calls, "the calls made while it was away");
  g_assert_cmpuint (rig.announced->len, ==, 3);
  g_assert_cmpstr (rig.announced->pdata[1], ==, "A002>C02");
  g_assert_cmpstr (rig.announced->pdata[2], ==, "A003>C03");
  current = hall_board_get_current_calls (rig.board);
  g_assert_cmpstr (((HallBoardCall *) current->pdata[0])->number, ==, "A003");
  g_assert_cmpstr (((HallBoardCall *) current->pdata[2])->number, ==, "A001");
  g_assert_cmpint (hall_board_find_group (rig.board, "A")->waiting, ==, 2);

  /* Stopped and started again (a cut the board itself makes): it resumes
   * after the last event it had, with Last-Event-ID. */
  hall_queue_feed_stop (rig.feed);
  g_assert_false (hall_queue_feed_get_online (rig.feed));
  g_free (post (server.url, token, "/v1/counters/C04/call-next", "{}", 200));
  hall_queue_feed_start (rig.feed);
  wait_for (&rig, has_four_calls, "the call made while it was stopped");
  g_assert_cmpstr (rig.announced->pdata[3], ==, "A004>C04");
  g_assert_cmpuint (hall_board_get_last_event_id (rig.board), ==, (guint64) server_last_event_id (server.url));
  g_assert_cmpstr (hall_queue_feed_get_last_event_id (rig.feed), !=, "");

  /* Nothing comes twice, whatever arrives late. */
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_cmpuint (rig.announced->len, ==, 4);

  hall_queue_feed_stop (rig.feed);
  g_object_unref (rig.feed);
  g_object_unref (rig.board);
  g_ptr_array_unref (rig.announced);
  server_kill (&server);
  hall_test_remove_tree (dir);
  g_free (server.data_dir);
  g_free (server.url);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hall/display/feed/server-away-and-back", test_server_away_and_back);
  return g_test_run ();
}
