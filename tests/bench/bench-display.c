/* bench-display.c — how soon the board shows a call, and what the board
 * costs idle and while a call pulses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage (under an X server of the size to measure):
 *   xvfb-run -a -s '-screen 0 1920x1080x24' _build/tests/bench/bench-display \
 *     [--calls N] [--seconds S] [--width W --height H]
 *
 * latency: a real server on loopback; N times (default 200) a counter's
 *          POST /v1/counters/{counter}/call-next is sent and the clock
 *          stops when the board's model (HallBoard, fed by HallQueueFeed's
 *          event stream) has applied that call. p50, p95, max.
 * cpu:     the board's window (HallDisplayWindow, GSK_RENDERER=cairo) at
 *          W×H (default 1920×1080) with that board; user + system time of
 *          this whole process (/proc/self/stat) over S seconds (default 30)
 *          idle, then over S seconds with a new call every 6 s (so a call
 *          always pulses), as % of one core. The voice is not part of it
 *          (its own thread, GStreamer; muted here).
 * Needs SERVICE_HALL_CATALOG and the server binary (SERVICE_HALL_SERVER_BIN,
 * or the one built next to this benchmark).
 */
#define G_LOG_DOMAIN "bench-display"

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>
#include <unistd.h>

#include "hall-board.h"
#include "hall-display-window.h"
#include "hall-http-client.h"
#include "hall-queue-feed.h"
#include "hall-test-server.h"

typedef struct
{
  HallBoard     *board;
  HallQueueFeed *feed;
  GHashTable    *seen;  /* ticket number → monotonic µs its call was applied */
} Rig;

static void
snapshot_cb (HallQueueFeed *feed,
             JsonObject    *queue,
             Rig           *rig)
{
  hall_board_apply_snapshot (rig->board, queue, g_get_monotonic_time (), NULL);
}

static void
event_cb (HallQueueFeed *feed,
          const char    *id,
          const char    *type,
          JsonObject    *data,
          Rig           *rig)
{
  g_autoptr (GError) error = NULL;

  if (!hall_board_apply_event (rig->board, id, type, data, g_get_monotonic_time (), &error))
    g_error ("%s", error->message);
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
  gint64 *at = g_new (gint64, 1);

  /* The event may be applied before the counter's answer is read. */
  *at = g_get_monotonic_time ();
  g_hash_table_insert (rig->seen, g_strdup (call->number), at);
}

static char *
post (HallHttpClient *client,
      const char     *url,
      const char     *token,
      const char     *path,
      const char     *body)
{
  g_autofree char *full = g_strconcat (url, path, NULL);
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", key);
  const char *headers[] = { "Content-Type: application/json", authorization, key_header, NULL };
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  response = hall_http_client_send (client, "POST", full, headers, bytes, NULL, &error);
  if (response == NULL)
    g_error ("%s: %s", path, error->message);
  if (response->status >= 300)
    g_error ("%s: HTTP %u", path, response->status);
  return hall_http_response_dup_text (response);
}

/* The number of the ticket a call-next answered with. */
static char *
number_of (const char *ticket)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, ticket, -1, NULL))
    g_error ("not a ticket: %s", ticket);
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "number"));
}

static void
iterate_until (gint64 deadline)
{
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (500), TRUE);
}

static double
cpu_seconds (void)
{
  g_autofree char *stat = NULL;
  const char *after;
  unsigned long utime = 0, stime = 0;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
    return 0;
  /* Fields 14 and 15, counted after the command's closing parenthesis. */
  after = strrchr (stat, ')');
  if (after == NULL
      || sscanf (after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return 0;
  return (double) (utime + stime) / sysconf (_SC_CLK_TCK);
}

/* Waits without a busy loop: the main loop sleeps in poll(). */
static gboolean
stop_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_main_loop_for (guint seconds)
{
  gboolean done = FALSE;

  g_timeout_add_seconds (seconds, stop_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  HallHttpClient *client;
  const char     *url;
  const char     *token;
  guint           n;
} Caller;

static gboolean
call_cb (gpointer user_data)
{
  Caller *caller = user_data;
  g_autofree char *path = g_strdup_printf ("/v1/counters/C%02u/call-next", 1 + caller->n++ % 20);

  g_free (post (caller->client, caller->url, caller->token, path, "{}"));
  return G_SOURCE_CONTINUE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  int n_calls = 200, seconds = 30, width = 1920, height = 1080;
  GOptionEntry entries[] = {
    { "calls", 0, 0, G_OPTION_ARG_INT, &n_calls, "Calls timed (200)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds of each CPU measurement (30)", "S" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Window width (1920)", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Window height (1080)", "H" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *server_dir = NULL;
  g_autofree char *token = NULL;
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  HallTestServer *server;
  HallDisplayWindow *window;
  Rig rig = { 0 };
  Caller caller = { 0 };
  double before, idle, animating;
  guint draws;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (g_getenv ("SERVICE_HALL_SERVER_BIN") == NULL)
    g_setenv ("SERVICE_HALL_SERVER_BIN", HALL_SERVER_BIN, TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_init ();

  dir = g_dir_make_tmp ("bench-display-XXXXXX", &error);
  g_assert_no_error (error);
  server_dir = g_build_filename (dir, "server", NULL);
  server = hall_test_server_start (server_dir);
  token = hall_test_server_sign_in (server->url);

  rig.board = hall_board_new ();
  rig.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rig.feed = hall_queue_feed_new (server->url);
  g_signal_connect (rig.feed, "snapshot", G_CALLBACK (snapshot_cb), &rig);
  g_signal_connect (rig.feed, "event", G_CALLBACK (event_cb), &rig);
  g_signal_connect (rig.feed, "notify::online", G_CALLBACK (online_cb), &rig);
  g_signal_connect (rig.board, "announce", G_CALLBACK (announce_cb), &rig);
  hall_queue_feed_start (rig.feed);
  while (!hall_board_get_online (rig.board))
    g_main_context_iteration (NULL, TRUE);

  window = hall_display_window_new (NULL, rig.board);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  if (g_getenv ("BENCH_NO_WINDOW") == NULL)
    gtk_window_present (GTK_WINDOW (window));

  g_print ("machine: %u CPUs; loopback; board %d×%d, GSK_RENDERER=%s\n", g_get_num_processors (),
           width, height, g_getenv ("GSK_RENDERER"));

  /* Tickets for every call, the timed ones and the animating ones. */
  for (int i = 0; i < n_calls + seconds; i++)
    g_free (post (client, server->url, token, "/v1/tickets", "{\"service\": \"company_business_license\"}"));
  iterate_until (g_get_monotonic_time () + G_USEC_PER_SEC);

  for (int i = 0; i < n_calls; i++)
    {
      g_autofree char *path = g_strdup_printf ("/v1/counters/C%02d/call-next", 1 + i % 20);
      g_autofree char *ticket = NULL;
      g_autofree char *number = NULL;
      gint64 start = g_get_monotonic_time (), latency;
      gint64 *seen_at;

      ticket = post (client, server->url, token, path, "{}");
      number = number_of (ticket);
      while ((seen_at = g_hash_table_lookup (rig.seen, number)) == NULL)
        g_main_context_iteration (NULL, TRUE);
      latency = *seen_at - start;
      g_array_append_val (latencies, latency);
    }
  g_array_sort (latencies, compare_gint64);
  g_print ("call-next → board model updated, %d calls: p50 %.1f ms, p95 %.1f ms, max %.1f ms\n",
           n_calls, g_array_index (latencies, gint64, n_calls / 2) / 1000.0,
           g_array_index (latencies, gint64, (n_calls * 95) / 100) / 1000.0,
           g_array_index (latencies, gint64, n_calls - 1) / 1000.0);

  /* Let the last highlight end, then measure. */
  iterate_until (g_get_monotonic_time () + HALL_BOARD_HIGHLIGHT_US + G_USEC_PER_SEC);
  draws = hall_display_window_get_n_draws (window);
  before = cpu_seconds ();
  run_main_loop_for ((guint) seconds);
  idle = cpu_seconds () - before;
  g_print ("idle, %d s: %.2f %% of one core (%u frames drawn)\n", seconds, 100.0 * idle / seconds,
           hall_display_window_get_n_draws (window) - draws);

  caller.client = client;
  caller.url = server->url;
  caller.token = token;
  call_cb (&caller);
  g_timeout_add_seconds (6, call_cb, &caller);
  draws = hall_display_window_get_n_draws (window);
  before = cpu_seconds ();
  run_main_loop_for ((guint) seconds);
  animating = cpu_seconds () - before;
  g_print ("animating (a call every 6 s), %d s: %.2f %% of one core (%u frames drawn)\n", seconds,
           100.0 * animating / seconds, hall_display_window_get_n_draws (window) - draws);

  hall_queue_feed_stop (rig.feed);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (rig.feed);
  g_object_unref (rig.board);
  g_hash_table_unref (rig.seen);
  hall_test_server_free (server);
  hall_test_remove_tree (dir);
  return 0;
}
