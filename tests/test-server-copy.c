/* test-server-copy.c — moving a hall up: a server's records on SQLite,
 * copied with --copy-to into a PostgreSQL database of a cluster of the
 * test's own, then served from there with the same answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <string.h>

#include "hall-catalog.h"
#include "hall-test-http.h"
#include "hall-test-server.h"
#include "hall-test-postgres.h"

static HallTestPostgres *postgres;
/* A service whose tickets are of group A. */
#define QUEUE_SERVICE "company_business_license"
static char *service_id;

static HallTestReply *
request (const char        *base,
         const char        *method,
         const char        *path,
         const char        *token,
         const char        *body,
         const char *const *extra)
{
  return hall_test_http_request (base, method, path, token, body,
                                 body != NULL ? strlen (body) : 0,
                                 body != NULL ? HALL_TEST_HTTP_JSON : 0, extra);
}

static char *
sign_in (const char *base)
{
  const char *body = "{\"username\":\"demo\",\"password\":\"demo\"}";
  g_autoptr(HallTestReply) reply = request (base, "POST", "/v1/sessions", NULL, body, NULL);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (reply->status, ==, 201);
  node = json_from_string (reply->body->str, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

static char *
fresh_resident_id (void)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static guint serial;
  guint n = serial++;
  char base[18];
  int sum = 0;

  g_snprintf (base, sizeof base, "640104%04u%02u%02u%03u", 1950 + n / 336000,
              1 + n / 28000 % 12, 1 + n / 1000 % 28, n % 1000);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

/* The records a hall gathers: applicants, cases, notes (events), an
 * answer kept for an Idempotency-Key, a refused sign-in. The uuids of the
 * cases into @cases. */
static void
fill_hall (const char *base,
           const char *token,
           GPtrArray  *cases,
           char      **key_out,
           char      **keyed_body_out)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *applicant = g_uuid_string_random ();
      g_autofree char *kase = g_uuid_string_random ();
      g_autofree char *id_number = fresh_resident_id ();
      g_autofree char *person = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"Test Person\","
                                                 "\"id_type\":\"resident_id\",\"id_number\":"
                                                 "\"%s\",\"phone\":\"13800138000\"}", id_number);
      g_autofree char *number = g_strdup_printf ("YC-%d-C01-%06u",
                                                 g_date_time_get_year (now), i + 1);
      g_autofree char *body = g_strdup_printf ("{\"number\":\"%s\",\"service\":\"%s\","
                                               "\"applicant\":\"%s\",\"state\":\"received\","
                                               "\"counter\":\"C01\",\"checklist\":[]}",
                                               number, service_id, applicant);
      g_autofree char *path = g_strconcat ("/v1/applicants/", applicant, NULL);
      g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
      g_autofree char *events_path = g_strconcat (case_path, "/events", NULL);
      g_autoptr(HallTestReply) put = request (base, "PUT", path, token, person, NULL);
      g_autoptr(HallTestReply) put_case = request (base, "PUT", case_path, token, body, NULL);

      g_assert_cmpint (put->status, ==, 201);
      g_assert_cmpint (put_case->status, ==, 201);
      for (guint n = 0; n < i % 3; n++)
        {
          g_autofree char *note_uuid = g_uuid_string_random ();
          /* A tab, a newline and a backslash travel as they are. */
          g_autofree char *note = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"note\","
                                                   "\"note\":\"line\\t%u\\nback\\\\slash\"}",
                                                   note_uuid, n);
          g_autoptr(HallTestReply) post = request (base, "POST", events_path, token, note, NULL);

          g_assert_cmpint (post->status, ==, 201);
        }
      g_ptr_array_add (cases, g_steal_pointer (&kase));
    }

  {
    g_autofree char *uuid = g_uuid_string_random ();
    g_autofree char *key = g_strdup_printf ("Idempotency-Key: %s", uuid);
    g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
    g_autofree char *id_number = fresh_resident_id ();
    g_autofree char *person = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"Keyed\","
                                               "\"id_type\":\"resident_id\",\"id_number\":"
                                               "\"%s\",\"phone\":\"13800138000\"}", id_number);
    const char *extra[] = { key, NULL };
    g_autoptr(HallTestReply) put = request (base, "PUT", path, token, person, extra);
    const char *wrong = "{\"username\":\"demo\",\"password\":\"wrong\"}";
    g_autoptr(HallTestReply) refused = request (base, "POST", "/v1/sessions", NULL, wrong, NULL);

    g_assert_cmpint (put->status, ==, 201);
    g_assert_cmpint (refused->status, ==, 401);
    *key_out = g_strdup (uuid);
    *keyed_body_out = g_steal_pointer (&person);
  }
}

/* GET @path (which must answer 200): its ETag and body, as one string to compare. */
static char *
answer_of (const char *base,
           const char *token,
           const char *path)
{
  g_autoptr(HallTestReply) reply = request (base, "GET", path, token, NULL, NULL);

  g_assert_cmpint (reply->status, ==, 200);
  return g_strdup_printf ("%ld %s %s", reply->status,
                          (char *) g_hash_table_lookup (reply->headers, "etag"),
                          reply->body->str);
}

/* Every page of the change feed, and the last seq. */
static char *
whole_feed (const char *base,
            const char *token,
            gint64     *last_out)
{
  g_autoptr(GString) all = g_string_new (NULL);
  gint64 cursor = 0;

  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("/v1/changes?since=%" G_GINT64_FORMAT "&limit=7",
                                               cursor);
      g_autoptr(HallTestReply) reply = request (base, "GET", path, token, NULL, NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonArray *changes;

      g_assert_cmpint (reply->status, ==, 200);
      g_string_append (all, reply->body->str);
      node = json_from_string (reply->body->str, NULL);
      changes = json_object_get_array_member (json_node_get_object (node), "changes");
      if (json_array_get_length (changes) == 0)
        break;
      cursor = json_object_get_int_member (
        json_array_get_object_element (changes, json_array_get_length (changes) - 1), "seq");
    }
  *last_out = cursor;
  return g_string_free (g_steal_pointer (&all), FALSE);
}

static void
test_copy (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-copy-XXXXXX", NULL);
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "moved");
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *key = NULL;
  g_autofree char *keyed_body = NULL;
  g_autofree char *token = NULL;
  g_autofree char *feed_before = NULL;
  g_autofree char *feed_after = NULL;
  g_autofree char *failures_before = NULL;
  g_autofree char *stats_path = NULL;
  g_autofree char *stats_before = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 last_before, last_after;
  HallTestServer *server;
  int status;

  /* A hall on SQLite, with its answers noted down. */
  server = hall_test_server_start_full (dir, NULL, NULL);
  token = sign_in (server->url);
  fill_hall (server->url, token, cases, &key, &keyed_body);
  feed_before = whole_feed (server->url, token, &last_before);
  g_assert_cmpint (last_before, >, 24);
  for (guint i = 0; i < cases->len; i++)
    {
      g_autofree char *path = g_strconcat ("/v1/cases/", g_ptr_array_index (cases, i), NULL);

      g_ptr_array_add (before, answer_of (server->url, token, path));
    }
  failures_before = answer_of (server->url, token, "/v1/admin/sign-in-failures");
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) before_yesterday = g_date_time_add_days (now, -2);
    g_autoptr(GDateTime) after_tomorrow = g_date_time_add_days (now, 2);
    g_autofree char *from = g_date_time_format (before_yesterday, "%F");
    g_autofree char *to = g_date_time_format (after_tomorrow, "%F");

    stats_path = g_strdup_printf ("/v1/stats?from=%s&to=%s&by=counter", from, to);
  }
  /* The queue of the day: two tickets, the first called. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HallTestReply) ticket = request (server->url, "POST", "/v1/tickets", token,
                                                 "{\"service\":\"" QUEUE_SERVICE "\"}", NULL);

      g_assert_cmpint (ticket->status, ==, 201);
    }
  {
    g_autoptr(HallTestReply) called = request (server->url, "POST", "/v1/counters/C01/call-next",
                                               token, "{\"groups\":[\"A\"]}", NULL);

    g_assert_cmpint (called->status, ==, 200);
  }

  stats_before = answer_of (server->url, token, stats_path);
  g_assert_nonnull (strstr (stats_before, "\"opened\":{\"count\":12,"));

  /* Copied while the server still serves: the copy reads one snapshot. */
  {
    const char *args[] = { "--data", dir, "--copy-to", uri, NULL };

    status = hall_test_server_run (args, &out, &err);
    g_assert_cmpstr (err, ==, "");
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "cases: 12 rows, sha256 "));
    g_assert_nonnull (strstr (out, "applicants: 13 rows, sha256 "));
    g_assert_nonnull (strstr (out, "events: 12 rows, sha256 "));
    g_assert_nonnull (strstr (out, "idempotency: 1 row, sha256 "));
    g_assert_nonnull (strstr (out, "sign_in_failures: 1 row, sha256 "));
    g_assert_nonnull (strstr (out, "officials: 2 rows, sha256 "));
    g_assert_nonnull (strstr (out, "tickets: 2 rows, sha256 "));
    g_assert_nonnull (strstr (out, "ticket_transitions: 3 rows, sha256 "));
    g_assert_nonnull (strstr (out, "queue_counters: 1 row, sha256 "));
  }
  hall_test_server_finish (server);
  /* The copied figures count every copied change: the feed of the
   * figures starts after the last of them. */
  {
    PGconn *pg = PQconnectdb (uri);
    PGresult *fed = PQexec (pg, "SELECT seq FROM stats_fed");

    g_assert_cmpint (PQresultStatus (fed), ==, PGRES_TUPLES_OK);
    g_assert_cmpint (PQntuples (fed), ==, 1);
    g_assert_cmpint (g_ascii_strtoll (PQgetvalue (fed, 0, 0), NULL, 10), ==, last_before);
    PQclear (fed);
    PQfinish (pg);
  }

  /* The same answers from PostgreSQL. */
  server = hall_test_server_start_full (dir, uri, NULL);
  g_clear_pointer (&token, g_free);
  token = sign_in (server->url);
  feed_after = whole_feed (server->url, token, &last_after);
  g_assert_cmpint (last_after, ==, last_before);
  g_assert_cmpstr (feed_after, ==, feed_before);
  for (guint i = 0; i < cases->len; i++)
    {
      g_autofree char *path = g_strconcat ("/v1/cases/", g_ptr_array_index (cases, i), NULL);
      g_autofree char *answer = answer_of (server->url, token, path);

      /* The case and its version (its events are in the feed, compared
       * above). */
      g_assert_cmpstr (answer, ==, g_ptr_array_index (before, i));
    }
  {
    g_autofree char *failures = answer_of (server->url, token, "/v1/admin/sign-in-failures");

    g_assert_cmpstr (failures, ==, failures_before);
  }
  /* The supervision figures, copied as they were, and fed up to the
   * copy's last change: not counted a second time. */
  {
    g_autofree char *stats = answer_of (server->url, token, stats_path);

    g_assert_cmpstr (stats, ==, stats_before);
  }
  /* The queue goes on where it was: one waiting, the next number and
   * the next event after the copied ones. */
  {
    g_autoptr(HallTestReply) board = request (server->url, "GET", "/v1/queue", NULL, NULL, NULL);
    g_autoptr(HallTestReply) ticket = request (server->url, "POST", "/v1/tickets", token,
                                               "{\"service\":\"" QUEUE_SERVICE "\"}", NULL);
    g_autoptr(HallTestReply) after = NULL;
    g_autoptr(JsonNode) node = NULL;

    g_assert_cmpint (board->status, ==, 200);
    g_assert_nonnull (strstr (board->body->str, "\"waiting\":1"));
    g_assert_nonnull (strstr (board->body->str, "\"last_event_id\":3"));
    g_assert_nonnull (strstr (board->body->str, "\"number\":\"A001\""));
    g_assert_cmpint (ticket->status, ==, 201);
    node = json_from_string (ticket->body->str, NULL);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "number"), ==,
                     "A003");
    after = request (server->url, "GET", "/v1/queue", NULL, NULL, NULL);
    g_assert_nonnull (strstr (after->body->str, "\"last_event_id\":4"));
  }
  /* The stored answer to the key is replayed, and the feed goes on after
   * the copied changes. */
  {
    g_autofree char *header = g_strdup_printf ("Idempotency-Key: %s", key);
    g_autofree char *path = g_strconcat ("/v1/applicants/", key, NULL);
    const char *extra[] = { header, NULL };
    g_autoptr(HallTestReply) replay = request (server->url, "PUT", path, token, keyed_body,
                                               extra);
    g_autofree char *applicant = g_uuid_string_random ();
    g_autofree char *id_number = fresh_resident_id ();
    g_autofree char *person = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"After\","
                                               "\"id_type\":\"resident_id\",\"id_number\":"
                                               "\"%s\",\"phone\":\"13800138000\"}", id_number);
    g_autofree char *new_path = g_strconcat ("/v1/applicants/", applicant, NULL);
    g_autoptr(HallTestReply) put = request (server->url, "PUT", new_path, token, person, NULL);
    g_autofree char *since = g_strdup_printf ("/v1/changes?since=%" G_GINT64_FORMAT, last_before);
    g_autoptr(HallTestReply) next = request (server->url, "GET", since, token, NULL, NULL);
    g_autoptr(JsonNode) node = NULL;
    JsonArray *changes;

    g_assert_cmpint (replay->status, ==, 201);
    g_assert_cmpint (put->status, ==, 201);
    node = json_from_string (next->body->str, NULL);
    changes = json_object_get_array_member (json_node_get_object (node), "changes");
    g_assert_cmpuint (json_array_get_length (changes), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 0),
                                                    "uuid"), ==, applicant);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (changes, 0),
                                                 "seq"), ==, last_before + 1);
  }
  hall_test_server_finish (server);

  /* A second copy into the now full database is refused, naming it. */
  {
    const char *args[] = { "--data", dir, "--copy-to", uri, NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    status = hall_test_server_run (args, &out, &err);
    g_assert_cmpint (status, ==, 3);
    g_assert_cmpstr (out, ==, "");
    g_assert_nonnull (strstr (err, "is not empty"));
    g_assert_nonnull (strstr (err, "changes"));
    g_assert_nonnull (strstr (err, "nothing was copied"));
  }
  hall_test_remove_tree (dir);
}

/* Bad input: no hall at --data, a database that is not there, and
 * --database with --copy-to. Each says what is wrong. */
static void
test_copy_refusals (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-copy-XXXXXX", NULL);
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "refusals");
  g_autofree char *missing = g_strdup_printf ("postgresql://hall@/no_such_db?host=%s&port=%u",
                                              hall_test_postgres_get_socket_dir (postgres),
                                              hall_test_postgres_get_port (postgres));
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  HallTestServer *server;

  {
    const char *args[] = { "--data", dir, "--copy-to", uri, NULL };

    g_assert_cmpint (hall_test_server_run (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "There is no hall to copy"));
    g_assert_nonnull (strstr (err, "hall.sqlite"));
  }
  server = hall_test_server_start_full (dir, NULL, NULL);
  hall_test_server_finish (server);
  {
    const char *args[] = { "--data", dir, "--copy-to", missing, NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (hall_test_server_run (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "no_such_db"));
  }
  {
    const char *args[] = { "--data", dir, "--copy-to", uri, "--database", uri, NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (hall_test_server_run (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "--database"));
  }
  /* An empty hall copies: nothing but the demo officials. */
  {
    const char *args[] = { "--data", dir, "--copy-to", uri, NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (hall_test_server_run (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "cases: 0 rows"));
  }
  hall_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = NULL;
  g_autoptr(HallService) service = NULL;
  int rc;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  postgres = hall_test_postgres_start (&error);
  g_assert_no_error (error);
  if (postgres == NULL)
    {
      g_printerr ("PostgreSQL is not installed: skipped\n");
      return 77;
    }
  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  service = g_list_model_get_item (G_LIST_MODEL (catalog), 0);
  service_id = g_strdup (hall_service_get_id (service));

  g_test_add_func ("/hall/server-copy/copy", test_copy);
  g_test_add_func ("/hall/server-copy/refusals", test_copy_refusals);
  rc = g_test_run ();
  hall_test_postgres_stop (postgres);
  return rc;
}
