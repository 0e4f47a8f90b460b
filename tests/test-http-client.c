/* test-http-client.c — TLS always verified, the hall's CA and pinned key,
 * dead transfers found by the low-speed limit, cancellation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "hall-error.h"
#include "hall-http-client.h"

typedef struct
{
  char        *dir;
  char        *cert;
  char        *pubkey;
  char        *other_pubkey;
  GSubprocess *server;
  char        *url;
} Fixture;

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
run_openssl (const char *first_arg,
             ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (char *) "openssl");
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

static char *
path_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

/* A self-signed certificate for 127.0.0.1, served by `openssl s_server`. */
static void
fixture_set_up (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *key = NULL;
  g_autofree char *other_key = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (openssl == NULL)
    return;

  fixture->dir = g_dir_make_tmp ("test-http-client-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->cert = path_in (fixture, "cert.pem");
  key = path_in (fixture, "key.pem");
  fixture->pubkey = path_in (fixture, "pubkey.pem");
  other_key = path_in (fixture, "other-key.pem");
  fixture->other_pubkey = path_in (fixture, "other-pubkey.pem");

  run_openssl ("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
               "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2",
               "-nodes", "-keyout", key, "-out", fixture->cert, NULL);
  run_openssl ("pkey", "-in", key, "-pubout", "-out", fixture->pubkey, NULL);
  run_openssl ("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1",
               "-out", other_key, NULL);
  run_openssl ("pkey", "-in", other_key, "-pubout", "-out", fixture->other_pubkey, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->server = g_subprocess_launcher_spawn (launcher, &error, "openssl", "s_server",
                                                 "-accept", "127.0.0.1:0", "-cert", fixture->cert,
                                                 "-key", key, "-www", NULL);
  g_assert_no_error (error);

  /* "ACCEPT 127.0.0.1:PORT" once it listens; the pipe closes if it dies. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->server));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "ACCEPT 127.0.0.1:"))
        {
          fixture->url = g_strdup_printf ("https://%s/", line + strlen ("ACCEPT "));
          break;
        }
    }
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer user_data)
{
  const char *name;
  g_autoptr (GDir) dir = NULL;

  if (fixture->server != NULL)
    {
      g_subprocess_force_exit (fixture->server);
      g_subprocess_wait (fixture->server, NULL, NULL);
      g_clear_object (&fixture->server);
    }
  if (fixture->dir != NULL)
    {
      dir = g_dir_open (fixture->dir, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = path_in (fixture, name);

          g_unlink (child);
        }
      g_rmdir (fixture->dir);
    }
  g_free (fixture->dir);
  g_free (fixture->cert);
  g_free (fixture->pubkey);
  g_free (fixture->other_pubkey);
  g_free (fixture->url);
}

static HallHttpResponse *
get (HallHttpClient *client,
     const char     *url,
     GError        **error)
{
  return hall_http_client_send (client, "GET", url, NULL, NULL, NULL, error);
}

static void
test_tls (Fixture      *fixture,
          gconstpointer user_data)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  if (fixture->server == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  /* A certificate nobody vouched for is refused, and said to be a trust
   * problem, not an unreachable server. */
  response = get (client, fixture->url, &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_TLS);
  g_assert_null (response);
  g_clear_error (&error);

  /* The hall's own CA makes it trusted. */
  hall_http_client_set_ca_file (client, fixture->cert);
  response = get (client, fixture->url, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, hall_http_response_free);

  /* Pinned to its key: still fine. */
  hall_http_client_set_pinned_public_key (client, fixture->pubkey);
  response = get (client, fixture->url, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, hall_http_response_free);

  /* Pinned to another key: refused although the CA vouches for it. */
  hall_http_client_set_pinned_public_key (client, fixture->other_pubkey);
  response = get (client, fixture->url, &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_TLS);
  g_assert_null (response);
}

/* A server that accepts the connection and then says nothing. */
static GSocketListener *
silent_listener (char **url_out)
{
  GSocketListener *listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  /* The kernel completes the handshake from the backlog; nobody answers. */
  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  *url_out = g_strdup_printf ("http://127.0.0.1:%u/v1/health",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return listener;
}

static void
test_low_speed (void)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GSocketListener) listener = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  gint64 start;

  listener = silent_listener (&url);
  hall_http_client_set_low_speed (client, 100, 1);

  start = g_get_monotonic_time ();
  response = get (client, url, &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  g_assert_null (response);
  /* Given up by the low-speed limit, not by a total timeout. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_cancel (void)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GSocketListener) listener = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  listener = silent_listener (&url);
  /* Long enough that only the cancellation can end it in time. */
  hall_http_client_set_low_speed (client, 100, 60);

  hall_http_client_send_async (client, "GET", url, NULL, NULL, cancellable, store_result, &result);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  response = hall_http_client_send_finish (client, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (response);
}

static void
test_unreachable (void)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1/health", port);

  response = get (client, url, &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  g_assert_true (g_str_has_prefix (error->message, "cannot reach 127.0.0.1:"));
  g_clear_error (&error);

  response = get (client, "ftp://127.0.0.1/", &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hall/http-client/tls", Fixture, NULL, fixture_set_up, test_tls,
              fixture_tear_down);
  g_test_add_func ("/hall/http-client/low-speed", test_low_speed);
  g_test_add_func ("/hall/http-client/cancel", test_cancel);
  g_test_add_func ("/hall/http-client/unreachable", test_unreachable);

  return g_test_run ();
}
