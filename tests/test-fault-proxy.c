/* test-fault-proxy.c — each fault of the test proxy, seen through libcurl
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "hall-error.h"
#include "hall-fault-proxy.h"
#include "hall-http-client.h"

/* The upstream: counts requests per path and says how many it has seen,
 * with a body long enough to be cut in half. */

typedef struct
{
  struct MHD_Daemon *daemon;
  GMutex             lock;
  GHashTable        *counts;  /* path -> GUINT_TO_POINTER (n) */
} Upstream;

static guint
upstream_count (Upstream   *upstream,
                const char *path)
{
  guint n;

  g_mutex_lock (&upstream->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (upstream->counts, path));
  g_mutex_unlock (&upstream->lock);
  return n;
}

static enum MHD_Result
upstream_handler (void                  *cls,
                  struct MHD_Connection *connection,
                  const char            *url,
                  const char            *method,
                  const char            *version,
                  const char            *upload_data,
                  size_t                *upload_data_size,
                  void                 **con_cls)
{
  Upstream *upstream = cls;
  struct MHD_Response *response;
  g_autoptr (GString) body = NULL;
  enum MHD_Result ret;
  guint n;

  /* The first call only announces the request; the body comes in later
   * calls, and the last call has none left. */
  if (*con_cls == NULL)
    {
      *con_cls = upstream;
      return MHD_YES;
    }
  if (*upload_data_size > 0)
    {
      *upload_data_size = 0;
      return MHD_YES;
    }

  g_mutex_lock (&upstream->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (upstream->counts, url)) + 1;
  g_hash_table_insert (upstream->counts, g_strdup (url), GUINT_TO_POINTER (n));
  g_mutex_unlock (&upstream->lock);

  body = g_string_new (NULL);
  g_string_append_printf (body, "{\"method\": \"%s\", \"count\": %u, \"padding\": \"", method, n);
  while (body->len < 4000)
    g_string_append (body, "0123456789");
  g_string_append (body, "\"}");

  response = MHD_create_response_from_buffer (body->len, body->str, MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header (response, "Content-Type", "application/json");
  ret = MHD_queue_response (connection, MHD_HTTP_OK, response);
  MHD_destroy_response (response);
  return ret;
}

static Upstream *
upstream_start (void)
{
  Upstream *upstream = g_new0 (Upstream, 1);
  struct sockaddr_in address = { 0 };

  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_mutex_init (&upstream->lock);
  upstream->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  upstream->daemon = MHD_start_daemon (MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
                                       0, NULL, NULL, upstream_handler, upstream,
                                       MHD_OPTION_SOCK_ADDR, &address, MHD_OPTION_END);
  g_assert_nonnull (upstream->daemon);
  return upstream;
}

static guint16
upstream_port (Upstream *upstream)
{
  const union MHD_DaemonInfo *info = MHD_get_daemon_info (upstream->daemon,
                                                          MHD_DAEMON_INFO_BIND_PORT);

  g_assert_nonnull (info);
  return info->port;
}

static void
upstream_stop (Upstream *upstream)
{
  MHD_stop_daemon (upstream->daemon);
  g_hash_table_unref (upstream->counts);
  g_mutex_clear (&upstream->lock);
  g_free (upstream);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Upstream, upstream_stop)

/* One proxy in front of one upstream, and a client of our own transport. */
typedef struct
{
  Upstream       *upstream;
  HallFaultProxy *proxy;
  HallHttpClient *client;
  char           *url;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->upstream = upstream_start ();
  fixture->proxy = hall_fault_proxy_new (upstream_port (fixture->upstream), &error);
  g_assert_no_error (error);
  fixture->url = hall_fault_proxy_dup_url (fixture->proxy);
  fixture->client = hall_http_client_new ();
  /* A hang is cut after a second of silence. */
  hall_http_client_set_low_speed (fixture->client, 100, 1);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->client);
  hall_fault_proxy_stop (fixture->proxy);
  g_clear_object (&fixture->proxy);
  g_clear_pointer (&fixture->upstream, upstream_stop);
  g_free (fixture->url);
}

static HallHttpResponse *
send_request (Fixture    *fixture,
              const char *method,
              const char *path,
              GError    **error)
{
  g_autofree char *url = g_strconcat (fixture->url, path, NULL);
  g_autoptr (GBytes) body = g_bytes_new_static ("{\"hello\": \"world\"}", 18);

  return hall_http_client_send (fixture->client, method, url, NULL,
                                g_str_equal (method, "GET") ? NULL : body, NULL, error);
}

static guint
answer_count (HallHttpResponse *response)
{
  g_autofree char *text = hall_http_response_dup_text (response);
  const char *count = strstr (text, "\"count\": ");

  g_assert_nonnull (count);
  return (guint) g_ascii_strtoull (count + 9, NULL, 10);
}

static void
test_pass (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) first = NULL;
  g_autoptr (HallHttpResponse) second = NULL;

  first = send_request (fixture, "GET", "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpuint (answer_count (first), ==, 1);
  g_assert_cmpuint (g_bytes_get_size (first->body), >, 4000);

  second = send_request (fixture, "PUT", "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpuint (answer_count (second), ==, 2);

  /* The client's connection was kept and reused. */
  g_assert_cmpuint (hall_fault_proxy_get_n_connections (fixture->proxy), ==, 1);
  g_assert_cmpuint (hall_fault_proxy_get_n_requests (fixture->proxy), ==, 2);
  g_assert_cmpuint (hall_fault_proxy_get_n_forwarded (fixture->proxy), ==, 2);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy, HALL_FAULT_PASS), ==, 2);
}

static void
test_error_500 (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) first = NULL;
  g_autoptr (HallHttpResponse) second = NULL;

  hall_fault_proxy_add_rule (fixture->proxy, NULL, NULL, 0, 1, HALL_FAULT_ERROR_500);
  first = send_request (fixture, "POST", "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->status, ==, 500);
  g_assert_cmpuint (upstream_count (fixture->upstream, "/a"), ==, 0);

  /* Only the first; the connection stays usable. */
  second = send_request (fixture, "POST", "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpuint (answer_count (second), ==, 1);
  g_assert_cmpuint (hall_fault_proxy_get_n_connections (fixture->proxy), ==, 1);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy, HALL_FAULT_ERROR_500), ==, 1);
}

static void
test_unavailable_503 (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;

  hall_fault_proxy_add_rule (fixture->proxy, "POST", NULL, 0, G_MAXUINT,
                             HALL_FAULT_UNAVAILABLE_503);
  response = send_request (fixture, "POST", "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 503);
  g_assert_cmpstr (hall_http_response_get_header (response, "Retry-After"), ==, "1");
  g_assert_cmpuint (upstream_count (fixture->upstream, "/a"), ==, 0);

  hall_fault_proxy_set_retry_after (fixture->proxy, "7");
  g_clear_pointer (&response, hall_http_response_free);
  response = send_request (fixture, "POST", "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_http_response_get_header (response, "Retry-After"), ==, "7");
}

static void
test_reset_after_commit (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;

  /* On a fresh connection libcurl does not resend: the client hears
   * nothing although the server did the work. */
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/a", 0, 1,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  response = send_request (fixture, "POST", "/a", &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  g_assert_null (response);
  g_assert_cmpuint (upstream_count (fixture->upstream, "/a"), ==, 1);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy,
                                                   HALL_FAULT_RESET_AFTER_COMMIT), ==, 1);
}

static void
test_reset_on_reused_connection (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) warm = NULL;
  g_autoptr (HallHttpResponse) response = NULL;

  /* On a reused connection libcurl takes the reset for a server that had
   * closed an idle connection and sends the request again by itself: the
   * server gets it twice although nobody asked. This is why every mutating
   * request carries an Idempotency-Key. */
  warm = send_request (fixture, "GET", "/warm", &error);
  g_assert_no_error (error);
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/a", 0, 1,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  response = send_request (fixture, "POST", "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (answer_count (response), ==, 2);
  g_assert_cmpuint (upstream_count (fixture->upstream, "/a"), ==, 2);
  g_assert_cmpuint (hall_fault_proxy_get_n_connections (fixture->proxy), ==, 2);
}

static void
test_duplicate (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;

  hall_fault_proxy_add_rule (fixture->proxy, NULL, NULL, 0, 1, HALL_FAULT_DUPLICATE);
  response = send_request (fixture, "PUT", "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  /* The client sees the answer to the second delivery. */
  g_assert_cmpuint (answer_count (response), ==, 2);
  g_assert_cmpuint (upstream_count (fixture->upstream, "/a"), ==, 2);
  g_assert_cmpuint (hall_fault_proxy_get_n_forwarded (fixture->proxy), ==, 2);
  g_assert_cmpuint (hall_fault_proxy_get_n_requests (fixture->proxy), ==, 1);
}

static void
test_truncate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (HallHttpResponse) after = NULL;

  hall_fault_proxy_add_rule (fixture->proxy, NULL, NULL, 0, 1, HALL_FAULT_TRUNCATE);
  response = send_request (fixture, "PUT", "/a", &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  g_assert_null (response);
  g_assert_cmpuint (upstream_count (fixture->upstream, "/a"), ==, 1);

  g_clear_error (&error);
  after = send_request (fixture, "GET", "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (answer_count (after), ==, 2);
}

static void
test_hang (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  hall_fault_proxy_add_rule (fixture->proxy, NULL, NULL, 0, 1, HALL_FAULT_HANG);
  response = send_request (fixture, "POST", "/a", &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  g_assert_null (response);
  /* Cut by the low-speed limit (1 s here), not by anything else. */
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (upstream_count (fixture->upstream, "/a"), ==, 0);
  g_assert_cmpuint (hall_fault_proxy_get_n_forwarded (fixture->proxy), ==, 0);
}

static void
test_hang_after_commit (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;

  hall_fault_proxy_add_rule (fixture->proxy, NULL, NULL, 0, 1, HALL_FAULT_HANG_AFTER_COMMIT);
  response = send_request (fixture, "POST", "/a", &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  g_assert_cmpuint (upstream_count (fixture->upstream, "/a"), ==, 1);
}

typedef struct
{
  Fixture          *fixture;
  const char       *path;
  HallHttpResponse *response;
  GError           *error;
} Sent;

static gpointer
send_thread (gpointer data)
{
  Sent *sent = data;

  sent->response = send_request (sent->fixture, "PUT", sent->path, &sent->error);
  return NULL;
}

/* A request held back reaches the server after one sent later; both are
 * answered untouched, and the proxy counts the overtaking. */
static void
test_delay (Fixture       *fixture,
            gconstpointer  data)
{
  Sent first = { fixture, "/first", NULL, NULL };
  Sent second = { fixture, "/second", NULL, NULL };
  GThread *thread;

  hall_fault_proxy_set_delay (fixture->proxy, 300);
  hall_fault_proxy_add_rule (fixture->proxy, NULL, NULL, 0, 1, HALL_FAULT_DELAY);
  thread = g_thread_new ("first", send_thread, &first);
  while (hall_fault_proxy_get_n_requests (fixture->proxy) < 1)
    g_usleep (1000);
  send_thread (&second);
  g_assert_no_error (second.error);
  g_assert_cmpuint (second.response->status, ==, 200);
  /* The second is answered while the first is still held back. */
  g_assert_cmpuint (upstream_count (fixture->upstream, "/first"), ==, 0);

  g_thread_join (thread);
  g_assert_no_error (first.error);
  g_assert_cmpuint (first.response->status, ==, 200);
  g_assert_cmpuint (upstream_count (fixture->upstream, "/first"), ==, 1);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy, HALL_FAULT_DELAY), ==, 1);
  g_assert_cmpuint (hall_fault_proxy_get_n_overtaken (fixture->proxy), ==, 1);
  hall_http_response_free (first.response);
  hall_http_response_free (second.response);
}

static void
test_rules (Fixture       *fixture,
            gconstpointer  data)
{
  static const struct
  {
    const char *method;
    const char *path;
    guint       status;
  } steps[] = {
    { "GET", "/v1/cases/a", 200 },           /* another method */
    { "POST", "/v1/cases/a", 200 },          /* skipped */
    { "POST", "/v1/cases/b", 500 },
    { "POST", "/v1/applicants/x", 200 },     /* another path */
    { "POST", "/v1/cases/c?x=/v1/cases", 500 },
    { "POST", "/v1/cases/d", 200 },          /* the window is over */
  };
  guint i;

  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/cases/*", 1, 2, HALL_FAULT_ERROR_500);
  for (i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HallHttpResponse) response = NULL;

      response = send_request (fixture, steps[i].method, steps[i].path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, steps[i].status);
    }

  /* The first rule whose window holds a request decides. */
  hall_fault_proxy_clear_rules (fixture->proxy);
  hall_fault_proxy_add_rule (fixture->proxy, NULL, "/x", 0, 1, HALL_FAULT_UNAVAILABLE_503);
  hall_fault_proxy_add_rule (fixture->proxy, NULL, "/x", 0, 2, HALL_FAULT_ERROR_500);
  for (i = 0; i < 3; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HallHttpResponse) response = NULL;

      response = send_request (fixture, "GET", "/x", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, i == 0 ? 503 : i == 1 ? 500 : 200);
    }
}

static void
test_random (Fixture       *fixture,
             gconstpointer  data)
{
  static const HallFaultKind kinds[] = { HALL_FAULT_ERROR_500, HALL_FAULT_UNAVAILABLE_503 };
  g_autoptr (GString) first = g_string_new (NULL);
  g_autoptr (GString) second = g_string_new (NULL);
  guint round, i, faults = 0;

  /* The same seed gives the same faults. */
  for (round = 0; round < 2; round++)
    {
      hall_fault_proxy_set_random (fixture->proxy, 1234, 0.5, kinds, G_N_ELEMENTS (kinds));
      for (i = 0; i < 40; i++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (HallHttpResponse) response = NULL;

          response = send_request (fixture, "GET", "/r", &error);
          g_assert_no_error (error);
          g_string_append_printf (round == 0 ? first : second, "%u ", response->status);
          if (round == 0 && response->status != 200)
            faults++;
        }
    }
  g_assert_cmpstr (first->str, ==, second->str);
  g_assert_cmpuint (faults, >, 5);
  g_assert_cmpuint (faults, <, 35);

  hall_fault_proxy_set_random (fixture->proxy, 1, 0.0, NULL, 0);
  for (i = 0; i < 5; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HallHttpResponse) response = send_request (fixture, "GET", "/r", &error);

      g_assert_cmpuint (response->status, ==, 200);
    }
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static void
test_stop_ends_hang (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autofree char *url = g_strconcat (fixture->url, "/a", NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* Without the low-speed cut, only stopping the proxy ends the request. */
  hall_http_client_set_low_speed (fixture->client, 1, 60);
  hall_fault_proxy_add_rule (fixture->proxy, NULL, NULL, 0, 1, HALL_FAULT_HANG);
  hall_http_client_send_async (fixture->client, "GET", url, NULL, NULL, NULL, store_result,
                               &result);
  while (hall_fault_proxy_get_n_requests (fixture->proxy) == 0
         && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (hall_fault_proxy_get_n_requests (fixture->proxy), ==, 1);

  hall_fault_proxy_stop (fixture->proxy);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (result);
  response = hall_http_client_send_finish (fixture->client, result, &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/hall/fault-proxy/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("pass", test_pass);
  ADD ("error-500", test_error_500);
  ADD ("unavailable-503", test_unavailable_503);
  ADD ("reset-after-commit", test_reset_after_commit);
  ADD ("reset-on-reused-connection", test_reset_on_reused_connection);
  ADD ("duplicate", test_duplicate);
  ADD ("truncate", test_truncate);
  ADD ("hang", test_hang);
  ADD ("hang-after-commit", test_hang_after_commit);
  ADD ("delay", test_delay);
  ADD ("rules", test_rules);
  ADD ("random", test_random);
  ADD ("stop-ends-hang", test_stop_ends_hang);
#undef ADD

  return g_test_run ();
}
