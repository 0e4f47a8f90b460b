/* test-queue.c — the hall's queue on a real server: the state machine of
 * a ticket, calls racing, the event stream cut and resumed, estimated waits
 * against a scripted day, appointments and bad input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server runs in this process (the server library, listening on
 * loopback), so that a test can set the queue's clock for a scripted day;
 * every request goes over HTTP. With HALL_TEST_STORAGE=postgresql the
 * queue is in a database of a throw-away cluster, one per test, and
 * /hall/queue/servers/two runs a second server on it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libpq-fe.h>

#include "hall-catalog.h"
#include "hall-core-error.h"
#include "hall-queue-client.h"
#include "hall-queue-test-hooks.h"
#include "hall-server.h"
#include "hall-test-http.h"
#include "hall-test-postgres.h"
#include "hall-test-files.h"

/* The cluster of HALL_TEST_STORAGE=postgresql, else NULL. */
static HallTestPostgres *postgres;

typedef struct
{
  char       *dir;
  char       *database;   /* the PostgreSQL URI, or NULL on SQLite */
  HallServer *server;
  HallQueue  *queue;
  char       *base;
  char       *token;      /* demo: every role */
  char       *reception;  /* reception1: reception only */
  gint64      now;        /* the scripted clock, or 0 for the real one */
} Fixture;

static gint64
scripted_clock (gpointer user_data)
{
  Fixture *f = user_data;

  return f->now != 0 ? f->now : g_get_real_time ();
}

/* Today at noon, the server's local time: a test that moves the clock on by
 * minutes must not cross midnight, where ticket numbers start again. */
static gint64
midday_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) noon = g_date_time_new_local (g_date_time_get_year (now),
                                                     g_date_time_get_month (now),
                                                     g_date_time_get_day_of_month (now),
                                                     12, 0, 0);

  return g_date_time_to_unix (noon) * G_USEC_PER_SEC;
}
static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static const char *
member (JsonNode   *node,
        const char *name)
{
  JsonObject *object = json_node_get_object (node);

  if (json_object_get_null_member (object, name))
    return NULL;
  return json_object_get_string_member (object, name);
}

static HallTestReply *
post (Fixture    *f,
      const char *token,
      const char *path,
      const char *body,
      const char *key)
{
  g_autofree char *header = key ? g_strdup_printf ("Idempotency-Key: %s", key) : NULL;
  const char *extra[] = { header, NULL };

  return hall_test_http_request (f->base, "POST", path, token, body, body ? strlen (body) : 0,
                                 body ? HALL_TEST_HTTP_JSON : 0, extra);
}

static void
assert_status (HallTestReply *reply,
               long           status)
{
  if (reply->status != status)
    g_error ("expected %ld, got %ld: %s", status, reply->status, reply->body->str);
}

/* The problem's field must be @field (NULL: none) and its detail name
 * each of @words. */
static void
assert_problem (HallTestReply *reply,
                long           status,
                const char    *field,
                ...)
{
  g_autoptr(JsonNode) node = NULL;
  va_list args;
  const char *word;

  assert_status (reply, status);
  g_assert_cmpstr (reply->content_type, ==, "application/problem+json");
  node = parse (reply->body->str);
  g_assert_cmpstr (json_object_get_string_member_with_default (json_node_get_object (node), "field",
                                                               NULL), ==, field);
  va_start (args, field);
  while ((word = va_arg (args, const char *)) != NULL)
    if (strstr (member (node, "detail"), word) == NULL)
      g_error ("“%s” does not name %s", member (node, "detail"), word);
  va_end (args);
}

static char *
sign_in (Fixture    *f,
         const char *username)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"demo\"}", username);
  g_autoptr(HallTestReply) reply = post (f, NULL, "/v1/sessions", body, NULL);
  g_autoptr(JsonNode) node = NULL;

  assert_status (reply, 201);
  node = parse (reply->body->str);
  return g_strdup (member (node, "token"));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);

  g_assert_no_error (error);
  f->dir = g_dir_make_tmp ("hall-queue-XXXXXX", &error);
  g_assert_no_error (error);
  if (postgres != NULL)
    {
      static guint n;
      g_autofree char *name = g_strdup_printf ("queue%u", ++n);

      f->database = hall_test_postgres_create_database (postgres, name);
      f->server = hall_server_new_with_database (f->dir, f->database, catalog, TRUE, &error);
    }
  else
    f->server = hall_server_new (f->dir, catalog, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (hall_server_add_demo_users (f->server, &error));
  g_assert_no_error (error);
  g_assert_true (hall_server_start (f->server, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  f->queue = hall_server_get_queue (f->server);
  hall_queue_set_clock (f->queue, scripted_clock, f);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", hall_server_get_port (f->server));
  f->token = sign_in (f, "demo");
  f->reception = sign_in (f, "reception1");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  hall_server_stop (f->server);
  g_clear_object (&f->server);
  hall_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->database);
  g_free (f->base);
  g_free (f->token);
  g_free (f->reception);
}

/* (transfer full): the ticket of a 2xx answer. */
static JsonNode *
ticket_of (HallTestReply *reply,
           long           status)
{
  assert_status (reply, status);
  g_assert_cmpstr (reply->content_type, ==, "application/json");
  return parse (reply->body->str);
}

static JsonNode *
issue (Fixture    *f,
       const char *service,
       const char *priority)
{
  g_autofree char *body = priority
                          ? g_strdup_printf ("{\"service\":\"%s\",\"priority\":\"%s\"}", service, priority)
                          : g_strdup_printf ("{\"service\":\"%s\"}", service);
  g_autoptr(HallTestReply) reply = post (f, f->reception, "/v1/tickets", body, NULL);

  return ticket_of (reply, 201);
}

/* Through the server at @base. */
static HallTestReply *
call_next_at (Fixture    *f,
              const char *base,
              const char *counter,
              const char *body)
{
  g_autofree char *path = g_strdup_printf ("/v1/counters/%s/call-next", counter);

  return hall_test_http_request (base, "POST", path, f->token, body, body ? strlen (body) : 0,
                                 body ? HALL_TEST_HTTP_JSON : 0, NULL);
}

static HallTestReply *
call_next (Fixture    *f,
           const char *counter,
           const char *body)
{
  return call_next_at (f, f->base, counter, body);
}

static HallTestReply *
act (Fixture    *f,
     JsonNode   *ticket,
     const char *action,
     const char *body)
{
  g_autofree char *path = g_strdup_printf ("/v1/tickets/%s/%s", member (ticket, "uuid"), action);

  return post (f, f->token, path, body, NULL);
}

/* A company license is in group A, a tax registration in group B. */
#define SERVICE_A "company_business_license"
#define SERVICE_B "new_taxpayer_registration"

/* The state machine */

static const char *const all_actions[] = {
  "recall", "start", "finish", "no-show", "transfer", "park", "resume", NULL
};

/* Brings @ticket, the only one waiting, to @state the allowed way. */
static void
bring_to (Fixture    *f,
          JsonNode   *ticket,
          const char *state)
{
  static const struct
  {
    const char *state;
    const char *path[3];  /* the actions after the call */
  } ways[] = {
    { "called", { NULL } },
    { "serving", { "start", NULL } },
    { "done", { "start", "finish", NULL } },
    { "no_show", { "no-show", NULL } },
    { "parked", { "park", NULL } },
    { "transferred", { "transfer", NULL } },
  };

  if (g_str_equal (state, "waiting"))
    return;
  {
    g_autoptr(HallTestReply) called = call_next (f, "C01", "{\"groups\":[\"A\"]}");
    g_autoptr(JsonNode) node = ticket_of (called, 200);

    g_assert_cmpstr (member (node, "uuid"), ==, member (ticket, "uuid"));
  }
  for (guint i = 0; i < G_N_ELEMENTS (ways); i++)
    if (g_str_equal (ways[i].state, state))
      for (guint j = 0; ways[i].path[j] != NULL; j++)
        {
          const char *action = ways[i].path[j];
          g_autoptr(HallTestReply) reply = act (f, ticket, action,
                                                g_str_equal (action, "transfer")
                                                ? "{\"group\":\"B\"}" : NULL);
          g_autoptr(JsonNode) node = ticket_of (reply, 200);

          if (ways[i].path[j + 1] == NULL)
            g_assert_cmpstr (member (node, "state"), ==, state);
        }
}

/* Tries every action on a new ticket in @state: those in @allowed answer
 * 200, the others 409 naming the ticket, its state and the action. */
static void
check_state (Fixture            *f,
             const char         *state,
             const char * const *allowed)
{
  for (guint i = 0; all_actions[i] != NULL; i++)
    {
      const char *action = all_actions[i];
      g_autoptr(JsonNode) ticket = issue (f, SERVICE_A, NULL);
      g_autoptr(HallTestReply) reply = NULL;
      const char *body = g_str_equal (action, "transfer") ? "{\"group\":\"B\"}" : NULL;

      bring_to (f, ticket, state);
      reply = act (f, ticket, action, body);
      if (g_strv_contains (allowed, action))
        {
          g_autoptr(JsonNode) after = ticket_of (reply, 200);

          g_test_message ("%s --%s--> %s", state, action, member (after, "state"));
        }
      else
        assert_problem (reply, 409, "state", state, action, member (ticket, "number"), NULL);

      /* Leaves the queue empty for the next round. */
      g_clear_pointer (&reply, hall_test_reply_free);
      reply = call_next (f, "C01", "{\"groups\":[\"A\",\"B\"]}");
      while (reply->status == 200)
        {
          g_autoptr(JsonNode) node = ticket_of (reply, 200);

          g_clear_pointer (&reply, hall_test_reply_free);
          reply = act (f, node, "no-show", NULL);
          assert_status (reply, 200);
          g_clear_pointer (&reply, hall_test_reply_free);
          reply = call_next (f, "C01", "{\"groups\":[\"A\",\"B\"]}");
        }
      assert_problem (reply, 404, NULL, "C01", NULL);
    }
}

static void
test_transitions (Fixture       *f,
                  gconstpointer  data)
{
  static const char *const from_waiting[] = { NULL };
  static const char *const from_called[] = { "recall", "start", "no-show", "transfer", "park",
                                             NULL };
  static const char *const from_serving[] = { "finish", "transfer", "park", NULL };
  static const char *const from_done[] = { NULL };
  static const char *const from_no_show[] = { "resume", NULL };
  static const char *const from_parked[] = { "resume", NULL };
  static const char *const from_transferred[] = { NULL };

  check_state (f, "waiting", from_waiting);
  check_state (f, "called", from_called);
  check_state (f, "serving", from_serving);
  check_state (f, "done", from_done);
  check_state (f, "no_show", from_no_show);
  check_state (f, "parked", from_parked);
  check_state (f, "transferred", from_transferred);
}

/* The stored transitions of the ticket @uuid, oldest first, as
 * "change:state …", and the times of the first and the last, read from
 * the database itself. */
static void
transitions_of (Fixture     *f,
                const char  *uuid,
                char       **changes_out,
                gint64      *first_out,
                gint64      *last_out)
{
  if (f->database != NULL)
    {
      PGconn *pg = PQconnectdb (f->database);
      const char *params[] = { uuid };
      PGresult *result;

      g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
      result = PQexecParams (pg, "SELECT string_agg (change || ':' || to_state, ' ' ORDER BY id),"
                             " min (at), max (at) FROM ticket_transitions WHERE ticket_uuid = $1",
                             1, NULL, params, NULL, NULL, 0);
      g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
      *changes_out = g_strdup (PQgetvalue (result, 0, 0));
      *first_out = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
      *last_out = g_ascii_strtoll (PQgetvalue (result, 0, 2), NULL, 10);
      PQclear (result);
      PQfinish (pg);
    }
  else
    {
      g_autofree char *db_path = g_build_filename (f->dir, "hall.sqlite", NULL);
      sqlite3 *db;
      sqlite3_stmt *stmt;

      g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT group_concat (change || ':' || to_state, ' '),"
                                           " min (at), max (at) FROM (SELECT * FROM ticket_transitions"
                                           " WHERE ticket_uuid = ?1 ORDER BY id)", -1, &stmt, NULL),
                       ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      *changes_out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *first_out = sqlite3_column_int64 (stmt, 1);
      *last_out = sqlite3_column_int64 (stmt, 2);
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
}

/* What each transition leaves in the ticket, and that each is stored with
 * its time. */
static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(JsonNode) urgent = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(HallTestReply) reply = NULL;
  g_autofree char *changes = NULL;
  gint64 first_at;
  gint64 last_at;
  gint64 t0 = midday_today ();

  f->now = t0;
  first = issue (f, SERVICE_A, NULL);
  g_assert_cmpstr (member (first, "number"), ==, "A001");
  g_assert_cmpstr (member (first, "state"), ==, "waiting");
  g_assert_null (member (first, "counter"));
  f->now += 60 * G_USEC_PER_SEC;
  second = issue (f, SERVICE_A, NULL);
  g_assert_cmpstr (member (second, "number"), ==, "A002");
  f->now += 60 * G_USEC_PER_SEC;
  urgent = issue (f, SERVICE_A, "priority");
  g_assert_cmpstr (member (urgent, "number"), ==, "A003");
  node = issue (f, SERVICE_B, NULL);
  g_assert_cmpstr (member (node, "number"), ==, "B001");
  g_assert_cmpstr (member (node, "group"), ==, "B");
  g_clear_pointer (&node, json_node_unref);

  /* Priority first, then by arrival. */
  f->now += 60 * G_USEC_PER_SEC;
  reply = call_next (f, "C01", "{\"groups\":[\"A\"]}");
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "number"), ==, "A003");
  g_assert_cmpstr (member (node, "counter"), ==, "C01");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "calls"), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = call_next (f, "C02", "{\"groups\":[\"A\"]}");
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "number"), ==, "A001");
  g_clear_pointer (&node, json_node_unref);

  /* A recall calls again; start, finish, each with its time. */
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = act (f, first, "recall", NULL);
  node = ticket_of (reply, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "calls"), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  f->now += 30 * G_USEC_PER_SEC;
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = act (f, first, "start", "{}");
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "state"), ==, "serving");
  g_assert_nonnull (member (node, "served_at"));
  g_clear_pointer (&node, json_node_unref);
  f->now += 300 * G_USEC_PER_SEC;
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = act (f, first, "finish", NULL);
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "state"), ==, "done");
  g_assert_nonnull (member (node, "finished_at"));
  g_clear_pointer (&node, json_node_unref);

  /* A transfer to a counter: that counter's next call, before its groups. */
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = act (f, urgent, "transfer", "{\"counter\":\"C09\"}");
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "state"), ==, "transferred");
  g_assert_cmpstr (member (node, "counter"), ==, "C09");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = call_next (f, "C02", "{\"groups\":[\"A\"]}");
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "number"), ==, "A002");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = call_next (f, "C09", "{\"groups\":[\"B\"]}");
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "number"), ==, "A003");
  g_assert_cmpstr (member (node, "state"), ==, "called");
  g_clear_pointer (&node, json_node_unref);
  /* A group transfer keeps the number and waits in the new group. */
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = act (f, urgent, "transfer", "{\"group\":\"B\"}");
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "group"), ==, "B");
  g_assert_cmpstr (member (node, "number"), ==, "A003");
  g_assert_null (member (node, "counter"));
  g_clear_pointer (&node, json_node_unref);
  /* In group B now, called before B001, which is not a priority ticket. */
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = call_next (f, "C03", "{\"groups\":[\"B\"]}");
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "number"), ==, "A003");
  g_clear_pointer (&node, json_node_unref);
  /* Parked, resumed: waiting again, in its first place. */
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = act (f, urgent, "park", NULL);
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "state"), ==, "parked");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = act (f, urgent, "resume", NULL);
  node = ticket_of (reply, 200);
  g_assert_cmpstr (member (node, "state"), ==, "waiting");
  g_assert_null (member (node, "counter"));
  g_clear_pointer (&node, json_node_unref);

  /* Every transition is stored with its time. */
  transitions_of (f, member (first, "uuid"), &changes, &first_at, &last_at);
  g_assert_cmpstr (changes, ==,
                   "issued:waiting called:called recalled:called started:serving finished:done");
  g_assert_cmpint (first_at, ==, t0);
  g_assert_cmpint (last_at, ==, t0 + 510 * G_USEC_PER_SEC);
}

/* Numbers restart each day. */
static void
test_numbers_per_day (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) today = NULL;
  g_autoptr(JsonNode) tomorrow = NULL;
  g_autoptr(HallTestReply) reply = NULL;

  f->now = midday_today ();
  today = issue (f, SERVICE_A, NULL);
  g_clear_pointer (&today, json_node_unref);
  today = issue (f, SERVICE_A, NULL);
  g_assert_cmpstr (member (today, "number"), ==, "A002");
  f->now += G_TIME_SPAN_DAY;
  tomorrow = issue (f, SERVICE_A, NULL);
  g_assert_cmpstr (member (tomorrow, "number"), ==, "A001");
  /* Yesterday's waiting tickets are not called today. */
  reply = call_next (f, "C01", "{\"groups\":[\"A\"]}");
  g_clear_pointer (&today, json_node_unref);
  today = ticket_of (reply, 200);
  g_assert_cmpstr (member (today, "uuid"), ==, member (tomorrow, "uuid"));
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = call_next (f, "C01", NULL);
  assert_problem (reply, 404, NULL, "C01", NULL);
}

/* Calls racing */

typedef struct
{
  Fixture    *f;
  const char *counter;
  GPtrArray  *numbers;
  guint       errors;
  const char *base;      /* the server it calls through; NULL: the fixture's */
} Caller;

static gpointer
caller_thread (gpointer data)
{
  Caller *caller = data;

  for (;;)
    {
      g_autoptr(HallTestReply) reply = call_next_at (caller->f,
                                                     caller->base ? caller->base : caller->f->base,
                                                     caller->counter, "{\"groups\":[\"A\"]}");
      g_autoptr(JsonNode) node = NULL;

      if (reply->status == 404)
        break;
      if (reply->status != 200)
        {
          caller->errors++;
          break;
        }
      node = parse (reply->body->str);
      g_ptr_array_add (caller->numbers, g_strdup (member (node, "number")));
    }
  return NULL;
}

static void
test_call_race (Fixture       *f,
                gconstpointer  data)
{
  const guint n = 120;
  Caller callers[2] = {
    { f, "C01", g_ptr_array_new_with_free_func (g_free), 0 },
    { f, "C02", g_ptr_array_new_with_free_func (g_free), 0 },
  };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GThread *threads[2];

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonNode) ticket = issue (f, SERVICE_A, NULL);
    }
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("caller", caller_thread, &callers[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (callers[i].errors, ==, 0);
      g_test_message ("%s called %u tickets", callers[i].counter, callers[i].numbers->len);
      for (guint j = 0; j < callers[i].numbers->len; j++)
        {
          const char *number = callers[i].numbers->pdata[j];

          if (!g_hash_table_add (seen, (gpointer) number))
            g_error ("%s was called twice", number);
        }
    }
  /* Every ticket once, and both counters took part. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);
  g_assert_cmpuint (callers[0].numbers->len, >, 0);
  g_assert_cmpuint (callers[1].numbers->len, >, 0);
  g_ptr_array_unref (callers[0].numbers);
  g_ptr_array_unref (callers[1].numbers);
}

/* The event stream, read over a plain socket (HTTP/1.0: the body ends when
 * the connection does, no chunks). */

typedef struct
{
  int      fd;
  GString *buffer;
} Stream;

static Stream *
stream_open_at (guint16     port,
                const char *path,
                const char *last_event_id)
{
  Stream *stream = g_new0 (Stream, 1);
  struct sockaddr_in addr = { 0 };
  g_autofree char *request = NULL;
  char *end;

  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  stream->fd = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (connect (stream->fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  request = g_strdup_printf ("GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s%s%s\r\n", path,
                             last_event_id ? "Last-Event-ID: " : "",
                             last_event_id ? last_event_id : "", last_event_id ? "\r\n" : "");
  g_assert_cmpint (write (stream->fd, request, strlen (request)), ==, (gssize) strlen (request));
  stream->buffer = g_string_new (NULL);

  /* The head: 200, text/event-stream. */
  while ((end = strstr (stream->buffer->str, "\r\n\r\n")) == NULL)
    {
      char chunk[4096];
      struct pollfd pfd = { stream->fd, POLLIN, 0 };
      gssize n;

      g_assert_cmpint (poll (&pfd, 1, 5000), ==, 1);
      n = read (stream->fd, chunk, sizeof chunk);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (stream->buffer, chunk, n);
    }
  g_assert_true (g_str_has_prefix (stream->buffer->str, "HTTP/1.0 200")
                 || g_str_has_prefix (stream->buffer->str, "HTTP/1.1 200"));
  g_assert_nonnull (strstr (stream->buffer->str, "text/event-stream"));
  g_string_erase (stream->buffer, 0, end + 4 - stream->buffer->str);
  return stream;
}

static Stream *
stream_open (Fixture    *f,
             const char *path,
             const char *last_event_id)
{
  return stream_open_at (hall_server_get_port (f->server), path, last_event_id);
}

static void
stream_close (Stream *stream)
{
  close (stream->fd);
  g_string_free (stream->buffer, TRUE);
  g_free (stream);
}

/* The next block ("…\n\n") of the stream, waiting up to @timeout_ms; NULL
 * when none came. */
static char *
stream_next_block (Stream *stream,
                   int     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  char *end;

  while ((end = strstr (stream->buffer->str, "\n\n")) == NULL)
    {
      char chunk[4096];
      struct pollfd pfd = { stream->fd, POLLIN, 0 };
      int left = (int) ((deadline - g_get_monotonic_time ()) / 1000);
      gssize n;

      if (left <= 0 || poll (&pfd, 1, left) != 1)
        return NULL;
      n = read (stream->fd, chunk, sizeof chunk);
      if (n <= 0)
        return NULL;
      g_string_append_len (stream->buffer, chunk, n);
    }
  {
    char *block = g_strndup (stream->buffer->str, end - stream->buffer->str);

    g_string_erase (stream->buffer, 0, end + 2 - stream->buffer->str);
    return block;
  }
}

/* The next event, skipping comments and "retry"; its id in @id_out and
 * its data (transfer full). */
static JsonNode *
stream_next_event (Stream *stream,
                   gint64 *id_out,
                   int     timeout_ms)
{
  for (;;)
    {
      g_autofree char *block = stream_next_block (stream, timeout_ms);
      g_auto(GStrv) lines = NULL;
      const char *data = NULL;

      if (block == NULL)
        return NULL;
      lines = g_strsplit (block, "\n", -1);
      *id_out = -1;
      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (g_str_has_prefix (lines[i], "id: "))
            *id_out = g_ascii_strtoll (lines[i] + 4, NULL, 10);
          else if (g_str_has_prefix (lines[i], "event: "))
            g_assert_cmpstr (lines[i], ==, "event: ticket");
          else if (g_str_has_prefix (lines[i], "data: "))
            data = lines[i] + 6;
        }
      if (data != NULL)
        {
          g_assert_cmpint (*id_out, >, 0);
          return parse (data);
        }
    }
}

static gint64
board_last_event_id (Fixture *f)
{
  g_autoptr(HallTestReply) reply = hall_test_http_request (f->base, "GET", "/v1/queue", NULL, NULL,
                                                           0, 0, NULL);
  g_autoptr(JsonNode) node = NULL;

  assert_status (reply, 200);
  node = parse (reply->body->str);
  return json_object_get_int_member (json_node_get_object (node), "last_event_id");
}

static void
test_events_resume (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *last_text = NULL;
  Stream *stream;
  gint64 start;
  gint64 id;
  gint64 last;

  start = board_last_event_id (f);
  stream = stream_open (f, "/v1/queue/events", NULL);
  /* Changes while connected arrive, each in order. */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(JsonNode) ticket = issue (f, SERVICE_A, NULL);
      g_autoptr(JsonNode) event = stream_next_event (stream, &id, 5000);
      JsonObject *waiting;

      g_assert_nonnull (event);
      g_assert_cmpint (id, ==, start + i + 1);
      g_assert_cmpstr (member (event, "change"), ==, "issued");
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                                                        json_node_get_object (event), "ticket"),
                                                      "uuid"), ==, member (ticket, "uuid"));
      waiting = json_object_get_object_member (json_node_get_object (event), "waiting");
      g_assert_cmpint (json_object_get_int_member (waiting, "A"), ==, i + 1);
      g_array_append_val (got, id);
    }
  /* The cut: the client reads 2 more, then the connection is gone while
   * the hall goes on. */
  {
    g_autoptr(HallTestReply) reply = call_next (f, "C01", "{\"groups\":[\"A\"]}");
    g_autoptr(JsonNode) event = NULL;

    assert_status (reply, 200);
    event = stream_next_event (stream, &id, 5000);
    g_assert_cmpstr (member (event, "change"), ==, "called");
    g_array_append_val (got, id);
  }
  last = id;
  stream_close (stream);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(JsonNode) ticket = issue (f, i % 2 ? SERVICE_A : SERVICE_B, NULL);
      g_autoptr(HallTestReply) reply = call_next (f, "C02", "{\"groups\":[\"A\",\"B\"]}");

      assert_status (reply, 200);
    }

  /* Resumed from the last id it saw: every event after it, in order,
   * none twice, then what happens next. */
  last_text = g_strdup_printf ("%" G_GINT64_FORMAT, last);
  stream = stream_open (f, "/v1/queue/events", last_text);
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(JsonNode) event = stream_next_event (stream, &id, 5000);

      g_assert_nonnull (event);
      g_assert_cmpint (id, ==, last + i + 1);
      g_assert_cmpstr (member (event, "change"), ==, i % 2 ? "called" : "issued");
    }
  {
    g_autoptr(JsonNode) ticket = issue (f, SERVICE_A, NULL);
    g_autoptr(JsonNode) event = stream_next_event (stream, &id, 5000);

    g_assert_cmpint (id, ==, last + 41);
    g_assert_cmpint (id, ==, board_last_event_id (f));
  }
  stream_close (stream);

  /* The same with ?last_event_id=, and from 0: the whole history. */
  stream = stream_open (f, "/v1/queue/events?last_event_id=0", NULL);
  for (gint64 i = 1; i <= last + 41; i++)
    {
      g_autoptr(JsonNode) event = stream_next_event (stream, &id, 5000);

      g_assert_nonnull (event);
      g_assert_cmpint (id, ==, i);
    }
  stream_close (stream);
}

/* The uuid of the ticket an event is about. */
static const char *
event_ticket (JsonNode *event)
{
  return json_object_get_string_member (json_object_get_object_member (json_node_get_object (event),
                                                                       "ticket"), "uuid");
}

/* Two servers on one PostgreSQL database serve one queue: what is done
 * through either reaches the streams of both, with the same ids, in the
 * order of commits; two counters calling at once through different
 * servers never get the same ticket. */
static void
test_two_servers (Fixture       *f,
                  gconstpointer  data)
{
  const guint n = 60;
  guint rounds;
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = NULL;
  g_autoptr(HallServer) second = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonNode) ticket = NULL;
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(HallTestReply) reply = NULL;
  g_autofree char *second_base = NULL;
  Caller callers[2] = {
    { f, "C01", g_ptr_array_new_with_free_func (g_free), 0, NULL },
    { f, "C02", g_ptr_array_new_with_free_func (g_free), 0, NULL },
  };
  GThread *threads[2];
  Stream *on_first;
  Stream *on_second;
  gint64 first_id;
  gint64 second_id;
  gint64 last_id;

  if (f->database == NULL)
    {
      g_test_skip ("Servers share a queue on PostgreSQL");
      g_ptr_array_unref (callers[0].numbers);
      g_ptr_array_unref (callers[1].numbers);
      return;
    }
  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  second = hall_server_new_with_database (f->dir, f->database, catalog, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (hall_server_start (second, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  hall_queue_set_clock (hall_server_get_queue (second), scripted_clock, f);
  second_base = g_strdup_printf ("http://127.0.0.1:%u", hall_server_get_port (second));
  callers[1].base = second_base;

  on_first = stream_open (f, "/v1/queue/events", NULL);
  on_second = stream_open_at (hall_server_get_port (second), "/v1/queue/events", NULL);

  /* Issued through the first: the second's stream has it, same id. */
  ticket = issue (f, SERVICE_A, NULL);
  event = stream_next_event (on_second, &second_id, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member (event, "change"), ==, "issued");
  g_assert_cmpstr (event_ticket (event), ==, member (ticket, "uuid"));
  g_clear_pointer (&event, json_node_unref);
  event = stream_next_event (on_first, &first_id, 5000);
  g_assert_nonnull (event);
  g_assert_cmpint (first_id, ==, second_id);
  g_clear_pointer (&event, json_node_unref);

  /* Called through the second: the first's stream has it, next. */
  reply = call_next_at (f, second_base, "C02", "{\"groups\":[\"A\"]}");
  g_clear_pointer (&event, json_node_unref);
  event = ticket_of (reply, 200);
  g_assert_cmpstr (member (event, "uuid"), ==, member (ticket, "uuid"));
  g_clear_pointer (&event, json_node_unref);
  event = stream_next_event (on_first, &last_id, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member (event, "change"), ==, "called");
  g_assert_cmpint (last_id, >, first_id);
  g_clear_pointer (&event, json_node_unref);
  event = stream_next_event (on_second, &second_id, 5000);
  g_assert_cmpint (second_id, ==, last_id);
  g_clear_pointer (&event, json_node_unref);

  /* Racing through both: each ticket called once. On a loaded machine
   * one caller can empty the queue before the other's first call lands:
   * then there was no race, and another round is run (at most five). */
  for (rounds = 1;; rounds++)
    {
      guint before[2] = { callers[0].numbers->len, callers[1].numbers->len };

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(JsonNode) issued = issue (f, SERVICE_A, NULL);
        }
      for (guint i = 0; i < 2; i++)
        threads[i] = g_thread_new ("caller", caller_thread, &callers[i]);
      for (guint i = 0; i < 2; i++)
        g_thread_join (threads[i]);
      if ((callers[0].numbers->len > before[0] && callers[1].numbers->len > before[1])
          || rounds == 5)
        break;
    }
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (callers[i].errors, ==, 0);
      g_test_message ("%s called %u tickets", callers[i].counter, callers[i].numbers->len);
      for (guint j = 0; j < callers[i].numbers->len; j++)
        if (!g_hash_table_add (seen, callers[i].numbers->pdata[j]))
          g_error ("%s was called twice", (char *) callers[i].numbers->pdata[j]);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, n * rounds);
  g_assert_cmpuint (callers[0].numbers->len, >, 0);
  g_assert_cmpuint (callers[1].numbers->len, >, 0);

  /* Both streams then carry the same 2n events a round, ids growing, none
   * twice. */
  for (guint i = 0; i < 2 * n * rounds; i++)
    {
      gint64 a;
      gint64 b;
      g_autoptr(JsonNode) from_first = stream_next_event (on_first, &a, 5000);
      g_autoptr(JsonNode) from_second = stream_next_event (on_second, &b, 5000);

      g_assert_nonnull (from_first);
      g_assert_nonnull (from_second);
      g_assert_cmpint (a, ==, b);
      g_assert_cmpint (a, >, last_id);
      g_assert_cmpstr (event_ticket (from_first), ==, event_ticket (from_second));
      last_id = a;
    }
  g_assert_cmpint (last_id, ==, board_last_event_id (f));

  stream_close (on_first);
  stream_close (on_second);
  hall_server_stop (second);
  g_ptr_array_unref (callers[0].numbers);
  g_ptr_array_unref (callers[1].numbers);
}

/* The database goes away while two servers serve the queue: a ticket is
 * answered 503 with Retry-After (nothing half done), and once it is back,
 * with nothing restarted, issuing works again and the other server's
 * stream, whose listening connection broke too, has the new events. */
static void
test_database_away (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = NULL;
  g_autoptr(HallServer) second = NULL;
  g_autoptr(JsonNode) ticket = NULL;
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(HallTestReply) refused = NULL;
  GLogLevelFlags fatal;
  Stream *on_second;
  gint64 id;
  gint64 before;

  if (f->database == NULL)
    {
      g_test_skip ("The queue's database goes away on PostgreSQL");
      return;
    }
  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  second = hall_server_new_with_database (f->dir, f->database, catalog, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (hall_server_start (second, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  on_second = stream_open_at (hall_server_get_port (second), "/v1/queue/events", NULL);
  ticket = issue (f, SERVICE_A, NULL);
  event = stream_next_event (on_second, &before, 5000);
  g_assert_nonnull (event);
  g_clear_pointer (&event, json_node_unref);
  g_clear_pointer (&ticket, json_node_unref);

  /* The server warns in its log that the database cannot be reached. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  hall_test_postgres_pause (postgres);
  refused = post (f, f->reception, "/v1/tickets", "{\"service\":\"" SERVICE_A "\"}", NULL);
  g_assert_cmpint (refused->status, ==, 503);
  g_assert_cmpstr (g_hash_table_lookup (refused->headers, "retry-after"), ==, "5");
  g_assert_true (hall_test_postgres_resume (postgres, &error));
  g_assert_no_error (error);

  ticket = issue (f, SERVICE_A, NULL);
  g_assert_cmpstr (member (ticket, "number"), ==, "A002");
  event = stream_next_event (on_second, &id, 10000);
  g_assert_nonnull (event);
  g_assert_cmpstr (event_ticket (event), ==, member (ticket, "uuid"));
  g_assert_cmpint (id, >, before);
  g_log_set_always_fatal (fatal);

  stream_close (on_second);
  hall_server_stop (second);
}

/* Past the events kept in memory, a stream far behind reads the database;
 * and a stream that hears nothing gets a keep-alive comment. */
static void
test_events_keep_alive (Fixture       *f,
                        gconstpointer  data)
{
  Stream *stream;
  char *block;

  hall_queue_set_keep_alive (f->queue, 300 * G_TIME_SPAN_MILLISECOND);
  stream = stream_open (f, "/v1/queue/events", NULL);
  block = stream_next_block (stream, 5000);
  g_assert_nonnull (strstr (block, ": connected"));
  g_free (block);
  block = stream_next_block (stream, 5000);
  g_assert_cmpstr (block, ==, ": keep-alive");
  g_free (block);
  block = stream_next_block (stream, 5000);
  g_assert_cmpstr (block, ==, ": keep-alive");
  g_free (block);
  stream_close (stream);

  {
    g_autoptr(HallTestReply) reply = hall_test_http_request (f->base, "GET", "/v1/queue/events",
                                                             NULL, NULL, 0, 0,
                                                             (const char *[]) { "Last-Event-ID: 1x",
                                                                                NULL });

    assert_problem (reply, 400, "Last-Event-ID", NULL);
  }
}

/* A server that stops while streams are open ends them, instead of
 * aborting on their suspended connections. */
static void
test_events_stop (Fixture       *f,
                  gconstpointer  data)
{
  Stream *streams[3];
  char *block;

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      streams[i] = stream_open (f, "/v1/queue/events", NULL);
      block = stream_next_block (streams[i], 5000);
      g_free (block);
    }
  hall_server_stop (f->server);
  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      g_assert_null (stream_next_block (streams[i], 5000));
      stream_close (streams[i]);
    }
}

/* Estimated waits against a scripted day */

/* A day of group A at two counters: a citizen every 2 to 4 minutes from
 * 09:00 to 10:30 (the queue grows), every 5 to 8 until 12:00 (it drains), each served in 6 to 10 minutes (known to the script,
 * not to the server); a counter calls when it finishes, and an idle one
 * when someone comes. Each ticket's estimate when it was issued is
 * compared with the wait it really had, until its call. */

typedef struct
{
  Fixture    *f;
  GRand      *rand;
  GHashTable *estimates;  /* uuid -> minutes */
  GHashTable *issued;     /* uuid -> gint64 * */
  gint64      learn_until;
  double      error_sum;
  double      bias_sum;
  double      wait_sum;
  guint       n;
} Day;

/* Counter @counter calls; the end of its service, or G_MAXINT64 when
 * nobody waits. */
static gint64
day_call (Day         *day,
          const char  *counter,
          JsonNode   **serving)
{
  Fixture *f = day->f;
  g_autoptr(HallTestReply) reply = call_next (f, counter, "{\"groups\":[\"A\"]}");
  g_autoptr(HallTestReply) started = NULL;
  const char *uuid;
  double actual;
  int estimate;

  if (reply->status == 404)
    return G_MAXINT64;
  *serving = ticket_of (reply, 200);
  started = act (f, *serving, "start", NULL);
  assert_status (started, 200);
  uuid = member (*serving, "uuid");
  actual = (f->now - *(gint64 *) g_hash_table_lookup (day->issued, uuid)) / (60.0 * G_USEC_PER_SEC);
  estimate = GPOINTER_TO_INT (g_hash_table_lookup (day->estimates, uuid));
  /* The first hour teaches the server the service times. */
  if (f->now >= day->learn_until)
    {
      day->error_sum += ABS (estimate - actual);
      day->bias_sum += estimate - actual;
      day->wait_sum += actual;
      day->n++;
    }
  return f->now + g_rand_int_range (day->rand, 6 * 60, 10 * 60 + 1) * G_USEC_PER_SEC;
}

static void
test_estimate_day (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autoptr(GDateTime) morning = NULL;
  const char *counters[] = { "C01", "C02" };
  JsonNode *serving[2] = { NULL, NULL };
  gint64 busy_until[2] = { G_MAXINT64, G_MAXINT64 };
  gint64 next_arrival;
  gint64 close_at;
  Day day = { f, g_rand_new_with_seed (12),
              g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
              g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free), 0, 0, 0, 0, 0 };

  morning = g_date_time_new_local (g_date_time_get_year (today), g_date_time_get_month (today),
                                   g_date_time_get_day_of_month (today), 9, 0, 0);
  next_arrival = g_date_time_to_unix (morning) * G_USEC_PER_SEC;
  close_at = next_arrival + 3 * G_TIME_SPAN_HOUR;
  day.learn_until = next_arrival + G_TIME_SPAN_HOUR;

  for (;;)
    {
      guint c = busy_until[0] <= busy_until[1] ? 0 : 1;

      if (busy_until[c] <= next_arrival || (next_arrival >= close_at && busy_until[c] != G_MAXINT64))
        {
          /* A counter finishes, and calls the next. */
          g_autoptr(HallTestReply) reply = NULL;

          f->now = busy_until[c];
          reply = act (f, serving[c], "finish", NULL);
          assert_status (reply, 200);
          g_clear_pointer (&serving[c], json_node_unref);
          busy_until[c] = day_call (&day, counters[c], &serving[c]);
        }
      else if (next_arrival < close_at)
        {
          g_autoptr(JsonNode) ticket = NULL;

          f->now = next_arrival;
          ticket = issue (f, SERVICE_A, NULL);
          g_hash_table_insert (day.estimates, g_strdup (member (ticket, "uuid")),
                               GINT_TO_POINTER (json_object_get_int_member (
                                                  json_node_get_object (ticket),
                                                  "estimated_wait_minutes")));
          g_hash_table_insert (day.issued, g_strdup (member (ticket, "uuid")),
                               g_memdup2 (&next_arrival, sizeof next_arrival));
          /* The morning rush, then a quieter hour and a half. */
          if (next_arrival < close_at - 90 * G_TIME_SPAN_MINUTE)
            next_arrival += g_rand_int_range (day.rand, 2 * 60, 4 * 60 + 1) * G_USEC_PER_SEC;
          else
            next_arrival += g_rand_int_range (day.rand, 5 * 60, 8 * 60 + 1) * G_USEC_PER_SEC;
          for (guint i = 0; i < 2; i++)
            if (serving[i] == NULL)
              busy_until[i] = day_call (&day, counters[i], &serving[i]);
        }
      else
        break;
    }

  g_assert_cmpuint (g_hash_table_size (day.issued), >, 30);
  g_assert_cmpuint (day.n, >, 15);
  g_test_message ("estimated wait over %u tickets: mean error %.1f min (bias %+.1f), mean wait "
                  "%.1f min", day.n, day.error_sum / day.n, day.bias_sum / day.n,
                  day.wait_sum / day.n);
  /* Far closer than knowing nothing (an estimate of 0, whose error is the
   * wait itself), and within three minutes on average: what a citizen
   * reading the ticket can plan by. */
  g_assert_cmpfloat (day.error_sum, <, 0.5 * day.wait_sum);
  g_assert_cmpfloat (day.error_sum / day.n, <=, 3.0);
  g_rand_free (day.rand);
  g_hash_table_unref (day.estimates);
  g_hash_table_unref (day.issued);
}

/* Appointments */

static void
test_appointments (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(HallTestReply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) walk_in = NULL;
  g_autoptr(GDateTime) slot = NULL;
  g_autofree char *slot_text = NULL;
  g_autofree char *body = NULL;
  const char *kase = "0b1f5a3e-8f0a-4e6b-9d6c-2f1e0a9b8c7d";

  f->now = midday_today ();
  slot = g_date_time_new_from_unix_utc (f->now / G_USEC_PER_SEC + 3600);
  slot_text = g_date_time_format (slot, "%Y-%m-%dT%H:%M:%SZ");
  body = g_strdup_printf ("{\"service\":\"%s\",\"slot\":\"%s\",\"case\":\"%s\"}", SERVICE_A,
                          slot_text, kase);
  reply = post (f, f->reception, "/v1/appointments", body, NULL);
  node = ticket_of (reply, 201);
  g_assert_cmpuint (strlen (member (node, "code")), ==, 8);
  {
    g_autofree char *path = g_strdup_printf ("/v1/appointments/%s/check-in",
                                             member (node, "code"));
    g_autofree char *lower = g_ascii_strdown (path, -1);
    g_autoptr(JsonNode) ticket = NULL;

    /* An hour early: too early, naming when it opens. */
    g_clear_pointer (&reply, hall_test_reply_free);
    reply = post (f, f->reception, path, NULL, NULL);
    assert_problem (reply, 409, NULL, member (node, "code"), "too early", NULL);
    /* 25 minutes before: a priority ticket linked to the case. */
    f->now += 35 * G_TIME_SPAN_MINUTE;
    walk_in = issue (f, SERVICE_A, NULL);
    g_clear_pointer (&reply, hall_test_reply_free);
    reply = post (f, f->reception, lower, NULL, NULL);
    ticket = ticket_of (reply, 201);
    g_assert_cmpstr (member (ticket, "priority"), ==, "appointment");
    g_assert_cmpstr (member (ticket, "case"), ==, kase);
    /* Twice: refused, naming the ticket. */
    g_clear_pointer (&reply, hall_test_reply_free);
    reply = post (f, f->reception, path, NULL, NULL);
    assert_problem (reply, 409, NULL, member (ticket, "number"), NULL);
    /* Called before the walk-in who came first. */
    g_clear_pointer (&reply, hall_test_reply_free);
    reply = call_next (f, "C01", "{\"groups\":[\"A\"]}");
    g_clear_pointer (&node, json_node_unref);
    node = ticket_of (reply, 200);
    g_assert_cmpstr (member (node, "uuid"), ==, member (ticket, "uuid"));
  }

  /* Past its slot: over. */
  g_clear_pointer (&reply, hall_test_reply_free);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"code\":\"late42\",\"service\":\"%s\",\"slot\":\"%s\",\"minutes\":15}",
                          SERVICE_A, slot_text);
  reply = post (f, f->reception, "/v1/appointments", body, NULL);
  assert_status (reply, 201);
  f->now += G_TIME_SPAN_HOUR;
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = post (f, f->reception, "/v1/tickets", "{\"appointment\":\"LATE42\"}", NULL);
  assert_problem (reply, 409, NULL, "LATE42", "over", NULL);
  /* Taken codes and unknown ones. */
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = post (f, f->reception, "/v1/appointments", body, NULL);
  assert_problem (reply, 409, "code", "LATE42", NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = post (f, f->reception, "/v1/appointments/NOSUCH/check-in", NULL, NULL);
  assert_problem (reply, 404, NULL, "NOSUCH", NULL);
}

/* Idempotency, sessions and roles */

static void
test_idempotency_and_roles (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(HallTestReply) first = NULL;
  g_autoptr(HallTestReply) again = NULL;
  g_autoptr(HallTestReply) reply = NULL;
  const char *body = "{\"service\":\"" SERVICE_A "\"}";

  first = post (f, f->reception, "/v1/tickets", body, "kiosk-1-0001");
  assert_status (first, 201);
  again = post (f, f->reception, "/v1/tickets", body, "kiosk-1-0001");
  assert_status (again, 201);
  g_assert_cmpstr (first->body->str, ==, again->body->str);
  reply = post (f, f->reception, "/v1/tickets", "{\"service\":\"" SERVICE_B "\"}", "kiosk-1-0001");
  assert_problem (reply, 422, "Idempotency-Key", NULL);
  /* One ticket, not two. */
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = call_next (f, "C01", "{\"groups\":[\"A\"]}");
  assert_status (reply, 200);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = call_next (f, "C01", NULL);
  assert_status (reply, 404);

  /* A retried call gets the same ticket, not the next one. */
  {
    g_autoptr(JsonNode) a = issue (f, SERVICE_A, NULL);
    g_autoptr(JsonNode) b = issue (f, SERVICE_A, NULL);
    g_autoptr(HallTestReply) call = post (f, f->token, "/v1/counters/C01/call-next", NULL, "c01-1");
    g_autoptr(HallTestReply) retry = post (f, f->token, "/v1/counters/C01/call-next", NULL, "c01-1");

    assert_status (call, 200);
    g_assert_cmpstr (call->body->str, ==, retry->body->str);
  }

  /* The board needs no session; the rest does, with the role for it. */
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = hall_test_http_request (f->base, "GET", "/v1/queue", NULL, NULL, 0, 0, NULL);
  assert_status (reply, 200);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = post (f, NULL, "/v1/tickets", body, NULL);
  assert_status (reply, 401);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = post (f, f->reception, "/v1/counters/C01/call-next", NULL, NULL);
  assert_status (reply, 403);
}

/* Bad input, each kind: refused naming what is wrong, nothing changed. */
static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  static const struct
  {
    const char *path;
    const char *body;
    long        status;
    const char *field;
  } cases[] = {
    { "/v1/tickets", "{}", 422, "service" },
    { "/v1/tickets", "{\"service\":\"no_such\"}", 422, "service" },
    { "/v1/tickets", "{\"service\":42}", 422, "service" },
    { "/v1/tickets", "{\"service\":\"" SERVICE_A "\",\"priority\":\"vip\"}", 422, "priority" },
    { "/v1/tickets", "{\"service\":\"" SERVICE_A "\",\"name\":\"Li Lei\"}", 422, "name" },
    { "/v1/tickets", "{\"service\":", 400, NULL },
    { "/v1/tickets", "[]", 400, NULL },
    { "/v1/counters/C01/call-next", "{\"groups\":[]}", 422, "groups" },
    { "/v1/counters/C01/call-next", "{\"groups\":[\"Z\"]}", 422, "groups" },
    { "/v1/counters/C01/call-next", "{\"groups\":\"A\"}", 422, "groups" },
    { "/v1/counters/C01/call-next", "{\"groups\":[1]}", 422, "groups" },
    { "/v1/appointments", "{\"service\":\"" SERVICE_A "\"}", 422, "slot" },
    { "/v1/appointments", "{\"service\":\"" SERVICE_A "\",\"slot\":\"noon\"}", 422, "slot" },
    { "/v1/appointments", "{\"slot\":\"2026-12-04T09:00:00Z\"}", 422, "service" },
    { "/v1/appointments", "{\"service\":\"" SERVICE_A "\",\"slot\":\"2026-12-04T09:00:00Z\","
      "\"minutes\":1000}", 422, "minutes" },
    { "/v1/appointments", "{\"service\":\"" SERVICE_A "\",\"slot\":\"2026-12-04T09:00:00Z\","
      "\"code\":\"a-b\"}", 422, "code" },
    { "/v1/appointments", "{\"service\":\"" SERVICE_A "\",\"slot\":\"2026-12-04T09:00:00Z\","
      "\"case\":\"nope\"}", 422, "case" },
  };
  g_autoptr(JsonNode) ticket = issue (f, SERVICE_A, NULL);
  gint64 before = board_last_event_id (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HallTestReply) reply = post (f, f->token, cases[i].path, cases[i].body, NULL);

      g_test_message ("%s %s", cases[i].path, cases[i].body);
      assert_problem (reply, cases[i].status, cases[i].field, NULL);
    }
  /* Transfers name one place to go. */
  {
    g_autoptr(HallTestReply) called = call_next (f, "C01", "{\"groups\":[\"A\"]}");
    g_autoptr(HallTestReply) neither = act (f, ticket, "transfer", "{}");
    g_autoptr(HallTestReply) both = act (f, ticket, "transfer", "{\"group\":\"B\",\"counter\":\"C02\"}");
    g_autoptr(HallTestReply) bad_group = act (f, ticket, "transfer", "{\"group\":\"Q\"}");
    g_autoptr(HallTestReply) bad_counter = act (f, ticket, "transfer", "{\"counter\":\"C 2\"}");
    g_autoptr(HallTestReply) extra = act (f, ticket, "start", "{\"counter\":\"C02\"}");
    g_autoptr(HallTestReply) unknown = hall_test_http_request (f->base, "POST",
                                                               "/v1/tickets/00000000-0000-4000-8000-000000000000/start",
                                                               f->token, NULL, 0, 0, NULL);

    assert_status (called, 200);
    assert_problem (neither, 422, "group", NULL);
    assert_problem (both, 422, "counter", NULL);
    assert_problem (bad_group, 422, "group", "Q", NULL);
    assert_problem (bad_counter, 422, "counter", NULL);
    assert_problem (extra, 422, "counter", NULL);
    assert_problem (unknown, 404, NULL, NULL);
  }
  /* Nothing of it reached the queue: one event, the call. */
  g_assert_cmpint (board_last_event_id (f), ==, before + 1);
}

/* The counter's side: HallQueueClient through the sync engine's session */

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *result;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static HallTicket *
ticket_finish (HallQueueClient  *client,
               GAsyncResult    **result,
               GError          **error)
{
  HallTicket *ticket = hall_queue_client_ticket_finish (client, wait_for (result), error);

  g_clear_object (result);
  return ticket;
}

static void
test_client (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "counter.db", NULL);
  g_autoptr(HallStore) store = hall_store_open (path, "YC", "C01", &error);
  g_autoptr(HallSyncEngine) engine = NULL;
  g_autoptr(HallQueueClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HallTicket) issued = NULL;
  g_autoptr(HallTicket) called = NULL;
  g_autoptr(HallTicket) ticket = NULL;
  g_autoptr(GPtrArray) board = NULL;
  const char *groups[] = { "A", NULL };

  g_assert_no_error (error);
  engine = hall_sync_engine_new (store, f->base);
  g_object_set (engine, "backoff-base-ms", 10, "backoff-cap-ms", 50, "max-attempts", 2,
                "connect-timeout", 2, NULL);
  hall_sync_engine_login_async (engine, "demo", "demo", NULL, store_result, &result);
  hall_sync_engine_login_finish (engine, wait_for (&result), NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  client = hall_queue_client_new (engine);

  hall_queue_client_issue_async (client, SERVICE_A, "priority", NULL, store_result, &result);
  issued = ticket_finish (client, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_ticket_get_number (issued), ==, "A001");
  g_assert_cmpstr (hall_ticket_get_priority (issued), ==, "priority");
  g_assert_cmpint (hall_ticket_get_issued_at (issued), >, 0);

  hall_queue_client_board_async (client, NULL, store_result, &result);
  board = hall_queue_client_board_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (((HallQueueGroupStatus *) board->pdata[0])->group, ==, "A");
  g_assert_cmpint (((HallQueueGroupStatus *) board->pdata[0])->waiting, ==, 1);
  g_assert_cmpstr (((HallQueueGroupStatus *) board->pdata[0])->name_zh, ==, "市场监督管理局");

  hall_queue_client_call_next_async (client, "C01", groups, NULL, store_result, &result);
  called = ticket_finish (client, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_ticket_get_uuid (called), ==, hall_ticket_get_uuid (issued));
  g_assert_cmpstr (hall_ticket_get_state (called), ==, "called");
  g_assert_cmpstr (hall_ticket_get_counter (called), ==, "C01");
  /* The case's clock starts when the citizen took the ticket. */
  g_assert_cmpint (hall_ticket_get_issued_at (called), ==, hall_ticket_get_issued_at (issued));

  hall_queue_client_act_async (client, called, "start", NULL, NULL, NULL, store_result, &result);
  ticket = ticket_finish (client, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_ticket_get_state (ticket), ==, "serving");
  g_clear_object (&ticket);

  /* Refusals carry the server's reason. */
  hall_queue_client_act_async (client, called, "recall", NULL, NULL, NULL, store_result, &result);
  ticket = ticket_finish (client, &result, &error);
  g_assert_null (ticket);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "serving"));
  g_clear_error (&error);
  hall_queue_client_call_next_async (client, "C01", groups, NULL, store_result, &result);
  ticket = ticket_finish (client, &result, &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "Nobody waits"));
  g_clear_error (&error);
  g_assert_true (hall_sync_engine_get_online (engine));

  /* Offline (nothing listens there): said so, and nothing pretends a
   * ticket was called. */
  hall_sync_engine_set_server_url (engine, "http://127.0.0.1:9");
  hall_queue_client_call_next_async (client, "C01", groups, NULL, store_result, &result);
  ticket = ticket_finish (client, &result, &error);
  g_assert_null (ticket);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  while (hall_sync_engine_get_online (engine))
    g_main_context_iteration (NULL, TRUE);
}

/* The queue's figures in GET /v1/stats (issue 14), on a scripted Monday
 * 2 February 2004 (a day over), times of the hall (UTC+08:00):
 *   group A: t0..t9 issued 09:00..09:09. C01 calls t0..t4 at 09:10, 09:13,
 *     09:16, 09:19, 09:22 and finishes each 2 minutes after its call but t4,
 *     finished at 10:05; C03 calls t5..t9 at 09:25..09:29, each a no-show.
 *     Waits: 10 12 14 16 18 20 20 20 20 20.
 *   group C: 5 tickets issued 09:40..09:44, never called: abandoned.
 *   group B: 2 tickets issued 10:30, 10:31; C02 calls them at 10:40 and
 *     10:45 (waits 10 and 14) and finishes each 3 minutes later.
 * Hour 09: tickets 15; waits of the 10 called: median (rank 5) 18, 90th
 *   percentile (rank 9) 20; no-shows 5; abandoned 5.
 * Hour 10: tickets 2, suppressed; waits of 2 called: none shown; 0 and 0.
 * Throughput: C01 served 5 in 2 hours of the clock (09, 10): 2.5 an hour;
 *   C02 served 2: suppressed, no rate; C03 served none: not listed. */
static gint64
hall_minute (int hour,
             int minute)
{
  g_autoptr(GDateTime) time = g_date_time_new_utc (2004, 2, 2, hour - 8, minute, 0);

  return g_date_time_to_unix (time) * G_USEC_PER_SEC;
}

static void
call_at (Fixture    *f,
         const char *counter,
         const char *groups,
         int         hour,
         int         minute,
         const char *then,
         int         then_minute,
         int         then_hour)
{
  g_autoptr(HallTestReply) reply = NULL;
  g_autoptr(JsonNode) ticket = NULL;

  f->now = hall_minute (hour, minute);
  reply = call_next (f, counter, groups);
  ticket = ticket_of (reply, 200);
  if (g_str_equal (then, "finish"))
    {
      g_autoptr(HallTestReply) started = act (f, ticket, "start", NULL);
      g_autoptr(HallTestReply) finished = NULL;

      assert_status (started, 200);
      f->now = hall_minute (then_hour, then_minute);
      finished = act (f, ticket, "finish", NULL);
      assert_status (finished, 200);
    }
  else
    {
      g_autoptr(HallTestReply) gone = act (f, ticket, then, NULL);

      assert_status (gone, 200);
    }
}

static JsonObject *
stats_hour (JsonObject *queue,
            const char *hour)
{
  JsonArray *hours = json_object_get_array_member (queue, "hours");

  for (guint i = 0; i < json_array_get_length (hours); i++)
    {
      JsonObject *h = json_array_get_object_element (hours, i);

      if (g_str_equal (json_object_get_string_member (h, "hour"), hour))
        return h;
    }
  g_assert_not_reached ();
}

/* A count as GET /v1/stats sends it: 1–4 suppressed. */
static void
assert_count (JsonObject *figures,
              const char *name,
              gint64      expected)
{
  JsonObject *count = json_object_get_object_member (figures, name);

  g_assert_cmpint (json_object_get_boolean_member (count, "suppressed"), ==,
                   expected > 0 && expected < 5);
  if (expected > 0 && expected < 5)
    g_assert_true (json_object_get_null_member (count, "count"));
  else
    g_assert_cmpint (json_object_get_int_member (count, "count"), ==, expected);
}

static void
test_stats (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(HallTestReply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *queue;
  JsonObject *hour;
  JsonArray *throughput;

  for (int i = 0; i < 10; i++)
    {
      g_autoptr(JsonNode) ticket = NULL;

      f->now = hall_minute (9, i);
      ticket = issue (f, SERVICE_A, NULL);
    }
  for (int i = 0; i < 5; i++)
    {
      g_autoptr(JsonNode) ticket = NULL;

      f->now = hall_minute (9, 40 + i);
      ticket = issue (f, "hukou_transfer_in", NULL);
    }
  for (int i = 0; i < 4; i++)
    call_at (f, "C01", "{\"groups\":[\"A\"]}", 9, 10 + 3 * i, "finish", 12 + 3 * i, 9);
  call_at (f, "C01", "{\"groups\":[\"A\"]}", 9, 22, "finish", 5, 10);
  for (int i = 0; i < 5; i++)
    call_at (f, "C03", "{\"groups\":[\"A\"]}", 9, 25 + i, "no-show", 0, 0);
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) ticket = NULL;

      f->now = hall_minute (10, 30 + i);
      ticket = issue (f, SERVICE_B, NULL);
    }
  call_at (f, "C02", "{\"groups\":[\"B\"]}", 10, 40, "finish", 43, 10);
  call_at (f, "C02", "{\"groups\":[\"B\"]}", 10, 45, "finish", 48, 10);

  f->now = 0;
  reply = hall_test_http_request (f->base, "GET", "/v1/stats?from=2004-02-02&to=2004-02-02",
                                  f->token, NULL, 0, 0, NULL);
  assert_status (reply, 200);
  node = parse (reply->body->str);
  queue = json_object_get_object_member (json_node_get_object (node), "queue");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (queue, "hours")), ==, 2);
  hour = stats_hour (queue, "09");
  assert_count (hour, "tickets", 15);
  g_assert_cmpint (json_object_get_int_member (hour, "wait_median_minutes"), ==, 18);
  g_assert_cmpint (json_object_get_int_member (hour, "wait_p90_minutes"), ==, 20);
  assert_count (hour, "no_shows", 5);
  assert_count (hour, "abandoned", 5);
  hour = stats_hour (queue, "10");
  assert_count (hour, "tickets", 2);
  g_assert_true (json_object_get_null_member (hour, "wait_median_minutes"));
  g_assert_true (json_object_get_null_member (hour, "wait_p90_minutes"));
  assert_count (hour, "no_shows", 0);
  assert_count (hour, "abandoned", 0);

  throughput = json_object_get_array_member (queue, "throughput");
  g_assert_cmpuint (json_array_get_length (throughput), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (throughput, 0),
                                                  "counter"), ==, "C01");
  assert_count (json_array_get_object_element (throughput, 0), "served", 5);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (throughput, 0),
                                                    "per_hour"), ==, 2.5);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (throughput, 1),
                                                  "counter"), ==, "C02");
  assert_count (json_array_get_object_element (throughput, 1), "served", 2);
  g_assert_true (json_object_get_null_member (json_array_get_object_element (throughput, 1),
                                              "per_hour"));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* The day after: no ticket of the range. */
  reply = hall_test_http_request (f->base, "GET", "/v1/stats?from=2004-02-03&to=2004-02-03",
                                  f->token, NULL, 0, 0, NULL);
  assert_status (reply, 200);
  node = parse (reply->body->str);
  queue = json_object_get_object_member (json_node_get_object (node), "queue");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (queue, "hours")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (queue, "throughput")),
                    ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  if (g_strcmp0 (g_getenv ("HALL_TEST_STORAGE"), "postgresql") == 0)
    {
      g_autoptr(GError) error = NULL;

      postgres = hall_test_postgres_start (&error);
      g_assert_no_error (error);
      if (postgres == NULL)
        {
          g_printerr ("PostgreSQL is not installed: skipped\n");
          return 77;
        }
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/hall/queue/transitions", test_transitions);
  ADD ("/hall/queue/lifecycle", test_lifecycle);
  ADD ("/hall/queue/numbers-per-day", test_numbers_per_day);
  ADD ("/hall/queue/call-race", test_call_race);
  ADD ("/hall/queue/events/resume", test_events_resume);
  ADD ("/hall/queue/events/keep-alive", test_events_keep_alive);
  ADD ("/hall/queue/events/stop", test_events_stop);
  ADD ("/hall/queue/estimate/scripted-day", test_estimate_day);
  ADD ("/hall/queue/appointments", test_appointments);
  ADD ("/hall/queue/idempotency-and-roles", test_idempotency_and_roles);
  ADD ("/hall/queue/bad-input", test_bad_input);
  ADD ("/hall/queue/stats", test_stats);
  ADD ("/hall/queue/client", test_client);
  ADD ("/hall/queue/servers/two", test_two_servers);
  ADD ("/hall/queue/database-away", test_database_away);
#undef ADD
  rc = g_test_run ();
  g_clear_pointer (&postgres, hall_test_postgres_stop);
  return rc;
}
