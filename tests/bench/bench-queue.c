/* bench-queue.c — the hall's queue under a full hall: many counters calling
 * while tickets are issued, and how soon a call reaches the board's stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-queue [--counters N] [--tickets N] [--issuers N] [--runs N]
 *
 * load:    N counters (default 200), each its own thread and connection,
 *          call the next ticket of group A over and over while M tickets
 *          (default 1,000) are issued by K reception threads (default 8),
 *          until every ticket was called. Fails on any answer but 200, 201
 *          or 404 ("nobody waits"), and on a ticket called twice or never.
 *          Meanwhile a board follows GET /v1/queue/events: "call → event"
 *          is from sending a call-next to the board reading its event.
 * quiet:   the same latency for 200 calls one after another, the hall
 *          otherwise idle.
 * Prints every run, the medians and the machine. Needs the server binary
 * (SERVICE_HALL_SERVER_BIN, or the one built next to this benchmark) and
 * SERVICE_HALL_CATALOG.
 */
#include "config.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hall-test-server.h"

static guint n_counters = 200;
static guint n_tickets = 1000;
static guint n_issuers = 8;
static guint n_runs = 3;

typedef struct
{
  char        *base;
  char        *token;
  guint16      port;

  GMutex       mutex;
  GHashTable  *sent;        /* number -> gint64 *: when its call was sent */
  GHashTable  *received;    /* number -> gint64 *: when the board read it */
  GHashTable  *called;      /* number -> counter */
  guint        issued;
  guint        errors;
  gboolean     issuing_done;
  gboolean     stop;
  GCond        cond;
} Bench;

/* One connection of a thread, kept alive. */
static size_t
append_cb (char   *data,
           size_t  size,
           size_t  n,
           void   *user_data)
{
  g_string_append_len (user_data, data, size * n);
  return size * n;
}

static long
post (CURL       *curl,
      Bench      *bench,
      const char *path,
      const char *body,
      GString    *out)
{
  g_autofree char *url = g_strconcat (bench->base, path, NULL);
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", bench->token, NULL);
  struct curl_slist *headers = NULL;
  long status = 0;

  headers = curl_slist_append (headers, auth);
  headers = curl_slist_append (headers, "Content-Type: application/json");
  g_string_truncate (out, 0);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, append_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, out);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
  if (curl_easy_perform (curl) == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all (headers);
  return status;
}

static char *
number_of (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (node),
                                                               "number", NULL));
}

/* The board: reads the stream over a plain socket (HTTP/1.0), noting when
 * each "called" event arrives. */
static gpointer
board_thread (gpointer data)
{
  Bench *bench = data;
  struct sockaddr_in addr = { 0 };
  g_autoptr(GString) buffer = g_string_new (NULL);
  const char *request = "GET /v1/queue/events HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  addr.sin_family = AF_INET;
  addr.sin_port = htons (bench->port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0
      || write (fd, request, strlen (request)) != (gssize) strlen (request))
    g_error ("The board cannot connect");
  while (!g_atomic_int_get (&bench->stop))
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      char chunk[65536];
      char *end;
      gssize n;

      if (poll (&pfd, 1, 100) != 1)
        continue;
      n = read (fd, chunk, sizeof chunk);
      if (n <= 0)
        break;
      g_string_append_len (buffer, chunk, n);
      while ((end = strstr (buffer->str, "\n\n")) != NULL)
        {
          g_autofree char *block = g_strndup (buffer->str, end - buffer->str);
          const char *data_line = strstr (block, "data: ");

          g_string_erase (buffer, 0, end + 2 - buffer->str);
          if (data_line != NULL && strstr (data_line, "\"change\":\"called\"") != NULL)
            {
              g_autoptr(JsonNode) node = json_from_string (data_line + 6, NULL);
              JsonObject *ticket = json_object_get_object_member (json_node_get_object (node),
                                                                 "ticket");
              gint64 now = g_get_monotonic_time ();

              g_mutex_lock (&bench->mutex);
              g_hash_table_insert (bench->received,
                                   g_strdup (json_object_get_string_member (ticket, "number")),
                                   g_memdup2 (&now, sizeof now));
              g_cond_broadcast (&bench->cond);
              g_mutex_unlock (&bench->mutex);
            }
        }
    }
  close (fd);
  return NULL;
}

typedef struct
{
  Bench *bench;
  guint  index;
} Worker;

static gpointer
issuer_thread (gpointer data)
{
  Worker *worker = data;
  Bench *bench = worker->bench;
  CURL *curl = curl_easy_init ();
  g_autoptr(GString) out = g_string_new (NULL);
  guint share = n_tickets / n_issuers + (worker->index < n_tickets % n_issuers ? 1 : 0);

  for (guint i = 0; i < share; i++)
    {
      long status = post (curl, bench, "/v1/tickets", "{\"service\":\"company_business_license\"}",
                          out);

      g_mutex_lock (&bench->mutex);
      if (status == 201)
        bench->issued++;
      else
        {
          bench->errors++;
          g_printerr ("issue: %ld %s\n", status, out->str);
        }
      g_mutex_unlock (&bench->mutex);
    }
  curl_easy_cleanup (curl);
  return NULL;
}

static gpointer
counter_thread (gpointer data)
{
  Worker *worker = data;
  Bench *bench = worker->bench;
  CURL *curl = curl_easy_init ();
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *path = g_strdup_printf ("/v1/counters/C%03u/call-next", worker->index + 1);

  for (;;)
    {
      gint64 sent = g_get_monotonic_time ();
      long status = post (curl, bench, path, "{\"groups\":[\"A\"]}", out);
      g_autofree char *number = NULL;
      gboolean done;

      if (status == 404)
        {
          g_mutex_lock (&bench->mutex);
          done = bench->issuing_done && g_hash_table_size (bench->called) >= bench->issued;
          g_mutex_unlock (&bench->mutex);
          if (done)
            break;
          g_usleep (20 * 1000);
          continue;
        }
      number = status == 200 ? number_of (out->str) : NULL;
      g_mutex_lock (&bench->mutex);
      if (number == NULL)
        {
          bench->errors++;
          g_printerr ("call-next: %ld %s\n", status, out->str);
        }
      else if (g_hash_table_contains (bench->called, number))
        {
          bench->errors++;
          g_printerr ("%s was called twice\n", number);
        }
      else
        {
          g_hash_table_insert (bench->called, g_strdup (number), GUINT_TO_POINTER (worker->index));
          g_hash_table_insert (bench->sent, g_steal_pointer (&number), g_memdup2 (&sent, sizeof sent));
        }
      g_mutex_unlock (&bench->mutex);
    }
  curl_easy_cleanup (curl);
  return NULL;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* p50 and p95 of call → event, in ms, of the calls in bench->sent; waits
 * up to 5 s for the last events. */
static void
latencies (Bench  *bench,
           double *p50,
           double *p95,
           double *max,
           guint  *missing)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&bench->mutex);
  while (g_hash_table_size (bench->received) < g_hash_table_size (bench->sent)
         && g_cond_wait_until (&bench->cond, &bench->mutex, deadline))
    ;
  *missing = 0;
  g_hash_table_iter_init (&iter, bench->sent);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 *received = g_hash_table_lookup (bench->received, key);
      double ms;

      if (received == NULL)
        {
          (*missing)++;
          continue;
        }
      ms = (*received - *(gint64 *) value) / 1000.0;
      g_array_append_val (values, ms);
    }
  g_mutex_unlock (&bench->mutex);
  g_array_sort (values, compare_doubles);
  *p50 = values->len ? g_array_index (values, double, values->len / 2) : 0;
  *p95 = values->len ? g_array_index (values, double, (values->len * 95) / 100) : 0;
  *max = values->len ? g_array_index (values, double, values->len - 1) : 0;
}

static void
bench_reset (Bench *bench)
{
  g_hash_table_remove_all (bench->sent);
  g_hash_table_remove_all (bench->received);
  g_hash_table_remove_all (bench->called);
  bench->issued = 0;
  bench->errors = 0;
  bench->issuing_done = FALSE;
}

typedef struct
{
  double seconds;
  double p50;
  double p95;
  double max;
  double quiet_p50;
  double quiet_p95;
} Run;

static Run
run_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-queue-XXXXXX", &error);
  HallTestServer *server = hall_test_server_start (dir);
  g_autofree Worker *workers = g_new0 (Worker, n_counters + n_issuers);
  g_autofree GThread **threads = g_new0 (GThread *, n_counters + n_issuers);
  Bench bench = { 0 };
  GThread *board;
  gint64 start;
  guint missing;
  double max;
  Run run = { 0 };

  bench.base = server->url;
  bench.port = server->port;
  bench.token = hall_test_server_sign_in (server->url);
  g_mutex_init (&bench.mutex);
  g_cond_init (&bench.cond);
  bench.sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bench.received = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bench.called = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  board = g_thread_new ("board", board_thread, &bench);
  g_usleep (200 * 1000);

  /* load */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_counters + n_issuers; i++)
    {
      workers[i].bench = &bench;
      workers[i].index = i < n_counters ? i : i - n_counters;
      threads[i] = g_thread_new (i < n_counters ? "counter" : "issuer",
                                 i < n_counters ? counter_thread : issuer_thread, &workers[i]);
    }
  for (guint i = n_counters; i < n_counters + n_issuers; i++)
    g_thread_join (threads[i]);
  g_mutex_lock (&bench.mutex);
  bench.issuing_done = TRUE;
  g_mutex_unlock (&bench.mutex);
  for (guint i = 0; i < n_counters; i++)
    g_thread_join (threads[i]);
  run.seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  latencies (&bench, &run.p50, &run.p95, &max, &missing);
  run.max = max;
  if (bench.errors > 0 || bench.issued != n_tickets
      || g_hash_table_size (bench.called) != n_tickets || missing > 0)
    g_error ("load: %u errors, %u issued, %u called, %u calls not on the board", bench.errors,
             bench.issued, g_hash_table_size (bench.called), missing);

  /* quiet */
  bench_reset (&bench);
  {
    CURL *curl = curl_easy_init ();
    g_autoptr(GString) out = g_string_new (NULL);

    for (guint i = 0; i < 200; i++)
      {
        gint64 sent;
        g_autofree char *number = NULL;

        if (post (curl, &bench, "/v1/tickets", "{\"service\":\"company_business_license\"}", out)
            != 201)
          g_error ("quiet: %s", out->str);
        sent = g_get_monotonic_time ();
        if (post (curl, &bench, "/v1/counters/C001/call-next", "{}", out) != 200)
          g_error ("quiet: %s", out->str);
        number = number_of (out->str);
        g_mutex_lock (&bench.mutex);
        g_hash_table_insert (bench.sent, g_steal_pointer (&number), g_memdup2 (&sent, sizeof sent));
        g_mutex_unlock (&bench.mutex);
      }
    curl_easy_cleanup (curl);
  }
  latencies (&bench, &run.quiet_p50, &run.quiet_p95, &max, &missing);
  if (missing > 0)
    g_error ("quiet: %u calls not on the board", missing);

  g_atomic_int_set (&bench.stop, TRUE);
  g_thread_join (board);
  hall_test_server_free (server);
  hall_test_remove_tree (dir);
  g_hash_table_unref (bench.sent);
  g_hash_table_unref (bench.received);
  g_hash_table_unref (bench.called);
  g_free (bench.token);
  return run;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[n / 2];
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "counters", 0, 0, G_OPTION_ARG_INT, &n_counters, "Counters calling", "N" },
    { "tickets", 0, 0, G_OPTION_ARG_INT, &n_tickets, "Tickets issued", "N" },
    { "issuers", 0, 0, G_OPTION_ARG_INT, &n_issuers, "Reception threads issuing", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs", "N" },
    { NULL }
  };
  g_autofree double *seconds = NULL;
  g_autofree double *p50 = NULL;
  g_autofree double *p95 = NULL;
  g_autofree double *quiet_p50 = NULL;
  g_autofree double *quiet_p95 = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_setenv ("SERVICE_HALL_SERVER_BIN", HALL_SERVER_BIN, FALSE);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  seconds = g_new (double, n_runs);
  p50 = g_new (double, n_runs);
  p95 = g_new (double, n_runs);
  quiet_p50 = g_new (double, n_runs);
  quiet_p95 = g_new (double, n_runs);
  for (guint i = 0; i < n_runs; i++)
    {
      Run run = run_once ();

      g_print ("run %u: %u counters, %u tickets in %.2f s, no error, none twice; "
               "call → event p50 %.1f ms, p95 %.1f ms, max %.1f ms; quiet p50 %.1f ms, p95 %.1f ms\n",
               i + 1, n_counters, n_tickets, run.seconds, run.p50, run.p95, run.max,
               run.quiet_p50, run.quiet_p95);
      seconds[i] = run.seconds;
      p50[i] = run.p50;
      p95[i] = run.p95;
      quiet_p50[i] = run.quiet_p50;
      quiet_p95[i] = run.quiet_p95;
    }
  g_print ("median of %u runs: %.2f s; call → event under load p50 %.1f ms, p95 %.1f ms; "
           "quiet p50 %.1f ms, p95 %.1f ms\n", n_runs, median (seconds, n_runs),
           median (p50, n_runs), median (p95, n_runs), median (quiet_p50, n_runs),
           median (quiet_p95, n_runs));
  g_print ("machine: %u cores, %s\n", g_get_num_processors (), g_get_os_info (G_OS_INFO_KEY_PRETTY_NAME));
  return 0;
}
