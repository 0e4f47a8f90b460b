/* test-server.c — service-hall-server over HTTP, as the counter sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <curl/curl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <string.h>

#include "hall-catalog.h"
#include "hall-json.h"
#include "hall-license-payload.h"
#include "hall-signature.h"
#include "hall-test-http.h"
#include "hall-test-postgres.h"
#include "hall-test-files.h"
#include "hall-test-process.h"

/* The schema a database has after the server opened it
 * (SCHEMA_VERSION in src/server/hall-server-sqlite.c). */
#define SERVER_SCHEMA_VERSION 10


typedef struct
{
  GSubprocess *process;
  char        *base;
  char        *data_dir;
} Server;

typedef HallTestReply Reply;

static Server *server;
/* With HALL_TEST_STORAGE=postgresql, every server keeps its records in a
 * database of this cluster: one per data directory (a restarted server
 * finds its own). */
static HallTestPostgres *postgres;
static GHashTable *databases;  /* data dir -> libpq URI */
static char *token;            /* demo: every role */
static char *reception_token;  /* reception1: reception only */
static GHashTable *token_officials;  /* each session's official, by token */
static char *service_id;

/* (transfer none) (nullable): the URI of @data_dir's database, made the
 * first time, or NULL on SQLite. */
static const char *
database_of (const char *data_dir)
{
  const char *uri;

  if (postgres == NULL)
    return NULL;
  uri = g_hash_table_lookup (databases, data_dir);
  if (uri == NULL)
    {
      g_autofree char *name = g_strdup_printf ("hall_%u", g_hash_table_size (databases) + 1);

      uri = hall_test_postgres_create_database (postgres, name);
      g_hash_table_insert (databases, g_strdup (data_dir), (char *) uri);
    }
  return uri;
}

/* A server whose test failed must not outlive it (and hold the suite's
 * pipes open until meson's timeout). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* A server on @data_dir and, when not NULL, the PostgreSQL @database,
 * listening on @listen ("127.0.0.1:0": a free port), with the arguments
 * @extra (nullable, NULL-terminated) too. */
static Server *
server_start_with (const char        *data_dir,
                   const char        *database,
                   const char        *listen,
                   const char *const *extra)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *bin = g_getenv ("SERVICE_HALL_SERVER_BIN");
  Server *self = g_new0 (Server, 1);

  g_assert_nonnull (bin);
  self->data_dir = g_strdup (data_dir);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_ptr_array_add (argv, (gpointer) bin);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, (gpointer) listen);
  g_ptr_array_add (argv, "--data");
  g_ptr_array_add (argv, (gpointer) data_dir);
  g_ptr_array_add (argv, "--demo");
  if (database != NULL)
    {
      g_ptr_array_add (argv, "--database");
      g_ptr_array_add (argv, (gpointer) database);
    }
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata,
                                                &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  /* Blocks until the server printed its first line or died. */
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  self->base = g_strdup (line + strlen ("listening on "));
  return self;
}

static Server *
server_start_listen (const char *data_dir,
                     const char *database,
                     const char *listen)
{
  return server_start_with (data_dir, database, listen, NULL);
}

static Server *
server_start_on (const char *data_dir,
                 const char *database)
{
  return server_start_listen (data_dir, database, "127.0.0.1:0");
}

static Server *
server_start (const char *data_dir)
{
  return server_start_on (data_dir, database_of (data_dir));
}

static void
server_free (Server *self)
{
  g_object_unref (self->process);
  g_free (self->base);
  g_free (self->data_dir);
  g_free (self);
}

static void
server_stop (Server *self)
{
  hall_test_terminate (self->process);
  server_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, hall_test_reply_free)

/* One request; a body (but a file's) goes as JSON unless @extra names a
 * Content-Type. */
static Reply *
request_full (const char        *base,
              const char        *method,
              const char        *path,
              const char        *bearer,
              const char        *body,
              gsize              length,
              const char *const *extra)
{
  HallTestHttpFlags flags = body != NULL && !g_str_has_prefix (path, "/v1/blobs")
                            ? HALL_TEST_HTTP_JSON : 0;

  return hall_test_http_request (base, method, path, bearer, body, length, flags, extra);
}

/* A PUT of @length spaces, chunked: no Content-Length to refuse early. */
static Reply *
request_chunked (const char *path,
                 const char *bearer,
                 gsize       length)
{
  return hall_test_http_request (server->base, "PUT", path, bearer, NULL, length,
                                 HALL_TEST_HTTP_JSON | HALL_TEST_HTTP_CHUNKED, NULL);
}

static Reply *
request (const char        *method,
         const char        *path,
         const char        *bearer,
         const char        *body,
         const char *const *extra)
{
  return request_full (server->base, method, path, bearer, body, body ? strlen (body) : 0, extra);
}

static JsonNode *
reply_json (Reply *reply)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, reply->body->str, reply->body->len, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static const char *
member (JsonNode   *node,
        const char *name)
{
  return json_object_get_string_member_with_default (json_node_get_object (node), name, NULL);
}

/* A problem+json with @status and, when not NULL, @field. */
static void
assert_problem (Reply      *reply,
                long        status,
                const char *field)
{
  g_autoptr(JsonNode) node = NULL;

  if (reply->status != status || (field != NULL && !strstr (reply->body->str, field)))
    g_printerr ("unexpected answer %ld: %s\n", reply->status, reply->body->str);
  g_assert_cmpint (reply->status, ==, status);
  g_assert_cmpstr (reply->content_type, ==, "application/problem+json");
  node = reply_json (reply);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "status"), ==, status);
  g_assert_nonnull (member (node, "title"));
  g_assert_nonnull (member (node, "detail"));
  if (field != NULL)
    g_assert_cmpstr (member (node, "field"), ==, field);
}

static void
assert_status (Reply *reply,
               long   status)
{
  if (reply->status != status)
    g_printerr ("unexpected answer %ld: %s\n", reply->status, reply->body->str);
  g_assert_cmpint (reply->status, ==, status);
}

static char *
sign_in (const char *base,
         const char *username,
         const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);
  g_autoptr(Reply) reply = request_full (base, "POST", "/v1/sessions", NULL, body, strlen (body),
                                         NULL);
  g_autoptr(JsonNode) node = NULL;

  assert_status (reply, 201);
  node = reply_json (reply);
  if (token_officials == NULL)
    token_officials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (token_officials, g_strdup (member (node, "token")), g_strdup (username));
  return g_strdup (member (node, "token"));
}

/* An official's key on a counter of the demo hall (the key the --demo
 * server trusts), made once per official, and its certificate. */
typedef struct
{
  HallSigningKey  *key;
  HallCertificate *certificate;
} TestSigner;

static TestSigner *
test_signer (const char *official)
{
  static GHashTable *signers;
  TestSigner *signer;

  if (signers == NULL)
    signers = g_hash_table_new (g_str_hash, g_str_equal);
  signer = g_hash_table_lookup (signers, official);
  if (signer == NULL)
    {
      g_autoptr(HallRootKey) demo = hall_root_key_new_demo ();
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      signer = g_new0 (TestSigner, 1);
      signer->key = hall_signing_key_generate ();
      signer->certificate = hall_root_key_certify (demo, official,
                                                   hall_signing_key_get_public_key (signer->key),
                                                   0, now + 86400 * 365);
      g_hash_table_insert (signers, g_strdup (official), signer);
    }
  return signer;
}

/* The content hash of case @kase as the test server holds it (what the
 * server compares a decision's with), or zeros when it holds no such
 * case. */
static char *
server_content_hash (const char *kase)
{
  g_autofree char *path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autoptr(Reply) reply = request ("GET", path, token, NULL, NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(HallCase) stored = NULL;

  if (reply->status != 200)
    return g_strdup ("0000000000000000000000000000000000000000000000000000000000000000");
  node = reply_json (reply);
  stored = hall_case_new_from_json (node, NULL, NULL);
  g_assert_nonnull (stored);
  return hall_case_content_hash (stored);
}

/* @decision with the content hash of the case @kase whose body (not on
 * the server yet, sent in the same batch) is @case_body, as the server
 * will compute it. */
static char *
with_content_hash (const char *decision,
                   const char *kase,
                   const char *case_body)
{
  g_autoptr(JsonNode) case_node = json_from_string (case_body, NULL);
  g_autoptr(JsonNode) node = json_from_string (decision, NULL);
  g_autoptr(HallCase) stored = NULL;
  g_autofree char *hash = NULL;

  json_object_set_string_member (json_node_get_object (case_node), "uuid", kase);
  stored = hall_case_new_from_json (case_node, NULL, NULL);
  g_assert_nonnull (stored);
  hash = hall_case_content_hash (stored);
  json_object_set_string_member (json_node_get_object (node), "content_hash", hash);
  return json_to_string (node, FALSE);
}

/* @body (a decision of case @kase) as the counter of @bearer's official
 * sends it: with the case's content hash and the time when missing, signed
 * with the official's key, and its certificate. */
static char *
signed_decision (const char *kase,
                 const char *body,
                 const char *bearer)
{
  const char *official = g_hash_table_lookup (token_officials, bearer);
  g_autoptr(JsonNode) node = json_from_string (body, NULL);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(HallDecisionContent) content = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *certificate = NULL;
  TestSigner *signer;

  g_assert_nonnull (official);
  signer = test_signer (official);
  if (!json_object_has_member (object, "content_hash"))
    {
      g_autofree char *hash = server_content_hash (kase);

      json_object_set_string_member (object, "content_hash", hash);
    }
  if (!json_object_has_member (object, "at"))
    {
      g_autofree char *at = hall_timestamp_to_iso8601 (g_get_real_time () / G_USEC_PER_SEC);

      json_object_set_string_member (object, "at", at);
    }
  content = hall_decision_content_new_from_json (kase, object, NULL, &error);
  g_assert_no_error (error);
  signature = hall_decision_sign (content, signer->key);
  certificate = hall_certificate_to_base64 (signer->certificate);
  json_object_set_string_member (object, "signature", signature);
  json_object_set_string_member (object, "certificate", certificate);
  return json_to_string (node, FALSE);
}

/* A valid resident ID number no other applicant of these tests has: one
 * person, one applicant (a second applicant with the number is a 409). */
static char *
fresh_resident_id (void)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static gint serial;
  guint n = (guint) g_atomic_int_add (&serial, 1);
  char base[18];
  int sum = 0;

  g_snprintf (base, sizeof base, "640104%04u%02u%02u%03u", 1950 + n / 336000,
              1 + n / 28000 % 12, 1 + n / 1000 % 28, n % 1000);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

/* A person with @id_number, or a fresh one when it is NULL. */
static char *
person_json (const char *id_number)
{
  g_autofree char *fresh = id_number == NULL ? fresh_resident_id () : NULL;

  if (id_number == NULL)
    id_number = fresh;
  return g_strdup_printf ("{\"kind\":\"person\",\"name\":\"Test Person\","
                          "\"id_type\":\"resident_id\",\"id_number\":\"%s\","
                          "\"phone\":\"13800138000\"}", id_number);
}

/* A new applicant: its uuid, and its resident ID number in *@id_number_out
 * (optional). */
static char *
put_person (char **id_number_out)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *id_number = fresh_resident_id ();
  g_autofree char *body = person_json (id_number);
  g_autoptr(Reply) reply = request ("PUT", path, token, body, NULL);

  assert_status (reply, 201);
  if (id_number_out != NULL)
    *id_number_out = g_steal_pointer (&id_number);
  return g_steal_pointer (&uuid);
}

static char *
put_applicant (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *body = person_json (NULL);
  g_autoptr(Reply) reply = request ("PUT", path, token, body, NULL);

  assert_status (reply, 201);
  return g_steal_pointer (&uuid);
}

/* A number of @counter for a case taken in now, used by no other case of
 * this run. */
static char *
new_number (const char *counter)
{
  static guint seq;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_strdup_printf ("YC-%d-%s-%06u", g_date_time_get_year (now), counter, ++seq);
}

/* A case as a counter sends it, of the counter its @number names; the
 * server fills in the time it is promised. */
static char *
case_json (const char *applicant,
           const char *service,
           const char *number)
{
  g_auto(GStrv) parts = g_strsplit (number, "-", 4);

  return g_strdup_printf ("{\"number\":\"%s\",\"service\":\"%s\",\"applicant\":\"%s\","
                          "\"state\":\"received\",\"counter\":\"%s\",\"checklist\":[]}",
                          number, service, applicant,
                          g_strv_length (parts) == 4 ? parts[2] : "C01");
}

static char *
put_case (const char *applicant)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autofree char *number = new_number ("C01");
  g_autofree char *body = case_json (applicant, service_id, number);
  g_autoptr(Reply) reply = request ("PUT", path, token, body, NULL);

  assert_status (reply, 201);
  return g_steal_pointer (&uuid);
}

/* Every change in the feed, paging with @limit. */
static JsonArray *
all_changes (guint limit)
{
  JsonArray *all = json_array_new ();
  g_autofree char *cursor = g_strdup ("");
  gint64 last_seq = 0;
  gboolean more = TRUE;

  for (guint page = 0; more; page++)
    {
      g_autofree char *path = g_strdup_printf ("/v1/changes?since=%s&limit=%u", cursor, limit);
      g_autoptr(Reply) reply = request ("GET", path, token, NULL, NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;
      JsonArray *changes;

      g_assert_cmpuint (page, <, 100000);
      assert_status (reply, 200);
      node = reply_json (reply);
      object = json_node_get_object (node);
      changes = json_object_get_array_member (object, "changes");
      g_assert_cmpuint (json_array_get_length (changes), <=, limit);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          g_assert_cmpint (json_object_get_int_member (change, "seq"), >, last_seq);
          last_seq = json_object_get_int_member (change, "seq");
          json_array_add_element (all, json_node_copy (json_array_get_element (changes, i)));
        }
      more = json_object_get_boolean_member (object, "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (object, "next"));
    }
  return all;
}

static guint
count_changes_of (const char *uuid)
{
  g_autoptr(JsonArray) changes = all_changes (5000);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (changes, i),
                                                    "uuid"), uuid))
      n++;
  return n;
}

static void
test_health (void)
{
  g_autoptr(Reply) reply = request ("GET", "/v1/health", NULL, NULL, NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(Reply) missing = request ("GET", "/v1/nothing", NULL, NULL, NULL);
  g_autoptr(Reply) method = request ("DELETE", "/v1/health", NULL, NULL, NULL);

  assert_status (reply, 200);
  g_assert_cmpstr (reply->content_type, ==, "application/json");
  node = reply_json (reply);
  g_assert_cmpstr (member (node, "status"), ==, "ok");
  assert_problem (missing, 404, NULL);
  assert_problem (method, 405, NULL);
}

static void
test_sessions (void)
{
  g_autoptr(Reply) good = request ("POST", "/v1/sessions", NULL,
                                   "{\"username\":\"demo\",\"password\":\"demo\"}", NULL);
  g_autoptr(Reply) bad = request ("POST", "/v1/sessions", NULL,
                                  "{\"username\":\"demo\",\"password\":\"wrong\"}", NULL);
  g_autoptr(Reply) nobody = request ("POST", "/v1/sessions", NULL,
                                     "{\"username\":\"nobody\",\"password\":\"demo\"}", NULL);
  g_autoptr(Reply) missing = request ("POST", "/v1/sessions", NULL, "{\"username\":\"demo\"}",
                                      NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *roles;

  assert_status (good, 201);
  node = reply_json (good);
  g_assert_nonnull (member (node, "token"));
  g_assert_nonnull (member (node, "expires_at"));
  roles = json_object_get_array_member (json_node_get_object (node), "roles");
  g_assert_cmpuint (json_array_get_length (roles), ==, 5);
  assert_problem (bad, 401, NULL);
  assert_problem (nobody, 401, NULL);
  assert_problem (missing, 422, "password");
}

/* The quickest of a few sign-ins, in microseconds. */
static gint64
fastest_sign_in (const char *body)
{
  gint64 fastest = G_MAXINT64;

  for (guint i = 0; i < 3; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(Reply) reply = request ("POST", "/v1/sessions", NULL, body, NULL);

      assert_problem (reply, 401, NULL);
      fastest = MIN (fastest, g_get_monotonic_time () - start);
    }
  return fastest;
}

static gpointer
wrong_sign_in_thread (gpointer data)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"flood.user.%u\",\"password\":\"flood\"}",
                                           GPOINTER_TO_UINT (data));
  g_autoptr(Reply) reply = request ("POST", "/v1/sessions", NULL, body, NULL);

  return GINT_TO_POINTER ((int) reply->status);
}

/* Each sign-in waiting for its password check holds a connection: a flood
 * of them is turned away at once rather than queued without end.
 *
 * Each sign-in is for a user name of its own: with one name, the account's
 * throttle answers 429 to everything after its fifth wrong password, so
 * the pool saw only the requests that arrived before then: if fewer than
 * 32 were waiting by the time five Argon2 checks had finished, none was
 * turned away as busy, which depends on how fast the clients arrive (the
 * likely cause of the one failure seen on PostgreSQL under load 20; not
 * reproduced). With a name each, nothing is throttled and every request
 * reaches the pool's check. */
static void
test_sessions_flood (void)
{
  GThread *threads[80];
  guint refused = 0;
  guint busy = 0;
  g_autoptr(Reply) health = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("sign-in", wrong_sign_in_thread, GUINT_TO_POINTER (i));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      int status = GPOINTER_TO_INT (g_thread_join (threads[i]));

      /* Refused, or turned away as busy; no name is tried often enough to
       * be held back as guessing (429). */
      g_assert_true (status == 401 || status == 503);
      refused += status == 401;
      busy += status == 503;
    }
  g_test_message ("%u refused, %u turned away as busy", refused, busy);
  g_assert_cmpuint (refused, >, 0);
  g_assert_cmpuint (busy, >, 0);

  health = request ("GET", "/v1/health", NULL, NULL, NULL);
  assert_status (health, 200);
}

/* An unknown user name is refused after the same work as a wrong password:
 * the time of the answer must not tell which user names exist. */
static void
test_sessions_timing (void)
{
  gint64 wrong = fastest_sign_in ("{\"username\":\"demo\",\"password\":\"wrong\"}");
  gint64 unknown = fastest_sign_in ("{\"username\":\"nobody\",\"password\":\"wrong\"}");

  g_test_message ("wrong password %" G_GINT64_FORMAT " us, unknown user %" G_GINT64_FORMAT " us",
                  wrong, unknown);
  /* Argon2id takes tens of milliseconds; a lookup alone well under one. */
  g_assert_cmpint (unknown * 3, >=, wrong);
}


static void
test_auth (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *applicant_path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *case_path = NULL;
  g_autofree char *body = person_json (NULL);
  g_autofree char *forged = g_strconcat (token, "x", NULL);
  g_autoptr(Reply) none = request ("GET", "/v1/changes", NULL, NULL, NULL);
  g_autoptr(Reply) bad = request ("GET", "/v1/changes", "not-a-token", NULL, NULL);
  g_autoptr(Reply) tampered = request ("GET", "/v1/changes", forged, NULL, NULL);
  g_autoptr(Reply) reception_applicant = NULL;
  g_autoptr(Reply) reception_case = NULL;
  g_autoptr(Reply) reception_read = NULL;
  g_autofree char *kase = NULL;

  assert_problem (none, 401, NULL);
  g_assert_cmpstr (g_hash_table_lookup (none->headers, "www-authenticate"), ==, "Bearer");
  assert_problem (bad, 401, NULL);
  assert_problem (tampered, 401, NULL);

  reception_applicant = request ("PUT", applicant_path, reception_token, body, NULL);
  assert_status (reception_applicant, 201);
  /* Reception registers who walks in, but reads no one's personal data. */
  reception_read = request ("GET", applicant_path, reception_token, NULL, NULL);
  assert_problem (reception_read, 403, NULL);

  kase = case_json (uuid, service_id, "YC-AUTH-1");
  case_path = g_strconcat ("/v1/cases/", uuid, NULL);
  reception_case = request ("PUT", case_path, reception_token, kase, NULL);
  assert_problem (reception_case, 403, NULL);
}

static void
test_applicant (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *body = person_json (NULL);
  g_autofree char *other_path = NULL;
  g_autofree char *other_uuid = g_uuid_string_random ();
  g_autoptr(Reply) first = request ("PUT", path, token, body, NULL);
  g_autoptr(Reply) again = NULL;
  g_autoptr(Reply) get = NULL;
  g_autoptr(Reply) missing = NULL;
  g_autoptr(JsonNode) node = NULL;

  assert_status (first, 201);
  g_assert_cmpstr (first->content_type, ==, "application/json");
  g_assert_cmpstr (g_hash_table_lookup (first->headers, "etag"), ==, "\"1\"");
  node = reply_json (first);
  g_assert_cmpstr (member (node, "uuid"), ==, uuid);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 1);
  /* The server's record of who registered the applicant. */
  g_assert_cmpstr (member (node, "recorded_by"), ==, "demo");
  g_assert_true (json_object_has_member (json_node_get_object (node), "recorded_at"));

  /* A replayed creation is one entity. */
  again = request ("PUT", path, token, body, NULL);
  assert_status (again, 200);
  g_assert_cmpstr (g_hash_table_lookup (again->headers, "etag"), ==, "\"1\"");
  g_assert_cmpuint (count_changes_of (uuid), ==, 1);

  get = request ("GET", path, token, NULL, NULL);
  assert_status (get, 200);
  g_assert_cmpstr (g_hash_table_lookup (get->headers, "etag"), ==, "\"1\"");

  other_path = g_strconcat ("/v1/applicants/", other_uuid, NULL);
  missing = request ("GET", other_path, token, NULL, NULL);
  assert_problem (missing, 404, NULL);
}

static void
test_validation (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *check_digit = person_json ("110105194912310021");
  g_autofree char *birth_date = person_json ("110105194902310026");
  g_autofree char *wrong_uuid = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *long_name = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) nested = g_string_new (NULL);
  gsize huge_length = 2 * 1024 * 1024;

  reply = request ("PUT", path, token, check_digit, NULL);
  assert_problem (reply, 422, "id_number");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, birth_date, NULL);
  assert_problem (reply, 422, "id_number");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token,
                   "{\"kind\":\"business\",\"name\":\"Test Ltd\","
                   "\"credit_code\":\"91640100MA76XKQ391\",\"legal_representative\":\"Li Si\"}",
                   NULL);
  assert_problem (reply, 422, "credit_code");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, "{\"kind\": \"person\", ", NULL);
  assert_problem (reply, 400, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, "[1, 2, 3]", NULL);
  assert_problem (reply, 400, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, '[');
  deep = g_string_free (g_steal_pointer (&nested), FALSE);
  reply = request ("PUT", path, token, deep, NULL);
  assert_problem (reply, 400, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* json-glib reads comments and single-quoted strings, which are not
   * JSON: they must not hide deep nesting from the depth guard. */
  {
    static const char * const hiding[] = { "['\"', %s]", "/* %s */ %s", "{\"a\": '%s', \"b\": %s}" };
    g_autofree char *closers = g_strnfill (100000, ']');

    for (guint i = 0; i < G_N_ELEMENTS (hiding); i++)
      {
        g_autofree char *hidden = i == 0 ? g_strdup_printf (hiding[i], deep)
                                         : g_strdup_printf (hiding[i], closers, deep);

        reply = request ("PUT", path, token, hidden, NULL);
        assert_problem (reply, 400, NULL);
        g_clear_pointer (&reply, hall_test_reply_free);
      }
  }

  /* json-glib reads the octal escape \315 as a byte that is not UTF-8:
   * stored, it would stop every counter's pull at that change. */
  reply = request ("PUT", path, token,
                   "{\"kind\":\"person\",\"name\":\"Li\\315\",\"id_type\":\"resident_id\","
                   "\"id_number\":\"11010519491231002X\"}", NULL);
  assert_problem (reply, 400, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  for (guint i = 0; i < 201; i++)
    g_string_append (name, "张");
  long_name = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"%s\",\"id_type\":\"resident_id\","
                               "\"id_number\":\"11010519491231002X\"}", name->str);
  reply = request ("PUT", path, token, long_name, NULL);
  assert_problem (reply, 422, "name");
  g_clear_pointer (&reply, hall_test_reply_free);

  wrong_uuid = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"person\",\"name\":\"X\","
                                "\"id_type\":\"resident_id\",\"id_number\":\"11010519491231002X\"}",
                                "00000000-0000-4000-8000-000000000000");
  reply = request ("PUT", path, token, wrong_uuid, NULL);
  assert_problem (reply, 422, "uuid");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Refused on its Content-Length, before the body is read. */
  huge = g_malloc (huge_length);
  memset (huge, ' ', huge_length);
  reply = request_full (server->base, "PUT", path, token, huge, huge_length, NULL);
  assert_problem (reply, 413, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Chunked, with no length announced: dropped past 1 MiB, then refused. */
  reply = request_chunked (path, token, 3 * 1024 * 1024);
  assert_problem (reply, 413, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("GET", path, token, NULL, NULL);
  assert_problem (reply, 404, NULL);
}

static void
test_if_match (void)
{
  g_autofree char *id_number = NULL;
  g_autofree char *uuid = put_person (&id_number);
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *changed = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"Renamed Person\","
                                              "\"id_type\":\"resident_id\","
                                              "\"id_number\":\"%s\","
                                              "\"phone\":\"13800138000\"}", id_number);
  const char *stale[] = { "If-Match: \"7\"", NULL };
  const char *current[] = { "If-Match: \"1\"", NULL };
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *server_copy;

  reply = request ("PUT", path, token, changed, NULL);
  assert_problem (reply, 428, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, changed, stale);
  assert_problem (reply, 412, NULL);
  node = reply_json (reply);
  server_copy = json_object_get_object_member (json_node_get_object (node), "current");
  g_assert_nonnull (server_copy);
  g_assert_cmpstr (json_object_get_string_member (server_copy, "name"), ==, "Test Person");
  g_assert_cmpint (json_object_get_int_member (server_copy, "version"), ==, 1);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, changed, current);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"2\"");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, changed, current);
  assert_status (reply, 200);
  g_assert_cmpuint (count_changes_of (uuid), ==, 2);
}

/* RFC 9110 §13.1.1: "*", lists, and weak tags, which never match a write. */
static void
test_if_match_rfc9110 (void)
{
  g_autofree char *uuid = put_applicant ();
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *missing = g_strconcat ("/v1/applicants/", "0f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a",
                                          NULL);
  g_autofree char *body = person_json ("11010519491231002X");
  const char *any[] = { "If-Match: *", NULL };
  const char *weak[] = { "If-Match: W/\"2\"", NULL };
  const char *list[] = { "If-Match: \"1\", \"2\", \"9\"", NULL };
  const char *malformed[] = { "If-Match: 2", NULL };
  g_autofree char *renamed = NULL;
  g_autofree char *again = NULL;
  g_autoptr(Reply) reply = NULL;

  /* "*" writes over whatever is there, and fails where nothing is. */
  renamed = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"Star\",\"id_type\":\"resident_id\","
                             "\"id_number\":\"11010519491231002X\"}");
  reply = request ("PUT", path, token, renamed, any);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"2\"");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("PUT", missing, token, body, any);
  assert_problem (reply, 412, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A weak tag of the current version is refused, saying why; so is a
   * header that is no list of tags. Neither changes anything. */
  again = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"Weak\",\"id_type\":\"resident_id\","
                           "\"id_number\":\"11010519491231002X\"}");
  reply = request ("PUT", path, token, again, weak);
  assert_problem (reply, 412, "If-Match");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("PUT", path, token, again, malformed);
  assert_problem (reply, 400, "If-Match");
  g_clear_pointer (&reply, hall_test_reply_free);
  g_assert_cmpuint (count_changes_of (uuid), ==, 2);

  /* A list that holds the current version passes. */
  reply = request ("PUT", path, token, again, list);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"3\"");
  g_assert_cmpuint (count_changes_of (uuid), ==, 3);
}

static void
test_idempotency (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *key = g_strdup_printf ("Idempotency-Key: %s", uuid);
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *body = person_json (NULL);
  g_autofree char *other = person_json (NULL);
  const char *extra[] = { key, NULL };
  g_autoptr(Reply) first = request ("PUT", path, token, body, extra);
  g_autoptr(Reply) replay = request ("PUT", path, token, body, extra);
  g_autoptr(Reply) misuse = request ("PUT", path, token, other, extra);

  assert_status (first, 201);
  assert_status (replay, 201);
  g_assert_cmpstr (replay->body->str, ==, first->body->str);
  g_assert_cmpstr (g_hash_table_lookup (replay->headers, "etag"), ==, "\"1\"");
  g_assert_cmpuint (count_changes_of (uuid), ==, 1);
  assert_problem (misuse, 422, "Idempotency-Key");
}

static void
test_cases (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *other = g_uuid_string_random ();
  g_autofree char *stranger = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autofree char *other_path = g_strconcat ("/v1/cases/", other, NULL);
  g_autofree char *number = new_number ("C02");
  g_autofree char *unknown_service = case_json (applicant, "no_such_service", number);
  g_autofree char *unknown_applicant = case_json (stranger, service_id, number);
  g_autofree char *good = case_json (applicant, service_id, number);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;

  reply = request ("PUT", path, token, unknown_service, NULL);
  assert_problem (reply, 422, "service");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, unknown_applicant, NULL);
  assert_problem (reply, 422, "applicant");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, good, NULL);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("GET", path, token, NULL, NULL);
  assert_status (reply, 200);
  node = reply_json (reply);
  g_assert_cmpstr (member (node, "number"), ==, number);
  g_assert_cmpstr (member (node, "state"), ==, "received");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Another case with the same number. */
  reply = request ("PUT", other_path, token, good, NULL);
  assert_problem (reply, 409, "number");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* The whole case sent again may not skip the rule of its states. */
  {
    g_autofree char *completed = g_strdup_printf ("{\"number\":\"%s\",\"service\":\"%s\","
                                                  "\"applicant\":\"%s\",\"state\":\"completed\","
                                                  "\"counter\":\"C02\",\"checklist\":[]}",
                                                  number, service_id, applicant);
    const char *if_match[] = { "If-Match: \"1\"", NULL };

    reply = request ("PUT", path, token, completed, if_match);
    assert_problem (reply, 422, "state");
    g_clear_pointer (&reply, hall_test_reply_free);
    reply = request ("GET", path, token, NULL, NULL);
    g_clear_pointer (&node, json_node_unref);
    node = reply_json (reply);
    g_assert_cmpstr (member (node, "state"), ==, "received");
  }
}

static void
test_events (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *kase = put_case (applicant);
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *missing_path = NULL;
  g_autofree char *note_uuid = g_uuid_string_random ();
  g_autofree char *state_uuid = g_uuid_string_random ();
  g_autofree char *note = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"note\","
                                           "\"note\":\"Copy of the lease provided\"}", note_uuid);
  /* Acceptance at the counter: the case goes into review. */
  g_autofree char *state = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\","
                                            "\"step\":\"accept\",\"decision\":\"approve\"}",
                                            state_uuid);
  g_autofree char *signed_state = NULL;
  g_autoptr(Reply) first = NULL;
  g_autoptr(Reply) again = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;

  first = request ("POST", path, token, note, NULL);
  assert_status (first, 201);
  node = reply_json (first);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "case_version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (node), "event"), "uuid"), ==, note_uuid);
  g_clear_pointer (&node, json_node_unref);

  again = request ("POST", path, token, note, NULL);
  assert_status (again, 200);
  g_assert_cmpstr (again->body->str, ==, first->body->str);

  /* Reception may not add notes, nor decide. */
  reply = request ("POST", path, reception_token, state, NULL);
  assert_problem (reply, 403, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  signed_state = signed_decision (kase, state, token);
  reply = request ("POST", path, token, signed_state, NULL);
  assert_status (reply, 201);
  node = reply_json (reply);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "case_version"), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("GET", case_path, token, NULL, NULL);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"2\"");
  node = reply_json (reply);
  g_assert_cmpstr (member (node, "state"), ==, "in_review");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Only along the rule the counter follows too: in review is not yet
   * completed, and withdrawn is final. Nothing of a refused move stays. */
  {
    const char *moves[][2] = { { "completed", "422" }, { "withdrawn", "201" },
                               { "received", "422" } };

    for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
      {
        g_autofree char *move_uuid = g_uuid_string_random ();
        g_autofree char *move = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"state\","
                                                 "\"state\":\"%s\"}", move_uuid, moves[i][0]);

        reply = request ("POST", path, token, move, NULL);
        if (g_str_equal (moves[i][1], "422"))
          {
            assert_problem (reply, 422, "state");
            g_assert_cmpuint (count_changes_of (move_uuid), ==, 0);
          }
        else
          assert_status (reply, 201);
        g_clear_pointer (&reply, hall_test_reply_free);
      }
    reply = request ("GET", case_path, token, NULL, NULL);
    node = reply_json (reply);
    g_assert_cmpstr (member (node, "state"), ==, "withdrawn");
    g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"3\"");
    g_clear_pointer (&reply, hall_test_reply_free);
  }

  reply = request ("POST", path, token, "{\"kind\":\"note\"}", NULL);
  assert_problem (reply, 422, "uuid");
  g_clear_pointer (&reply, hall_test_reply_free);

  missing_path = g_strdup_printf ("/v1/cases/%s/events", note_uuid);
  reply = request ("POST", missing_path, token, note, NULL);
  assert_problem (reply, 404, NULL);
}

static void
test_changes (void)
{
  g_autoptr(JsonArray) whole = NULL;
  g_autoptr(JsonArray) paged = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;

  for (guint i = 0; i < 5; i++)
    g_free (put_applicant ());
  whole = all_changes (5000);
  paged = all_changes (2);
  g_assert_cmpuint (json_array_get_length (whole), >=, 5);
  g_assert_cmpuint (json_array_get_length (paged), ==, json_array_get_length (whole));
  for (guint i = 0; i < json_array_get_length (whole); i++)
    {
      JsonObject *a = json_array_get_object_element (whole, i);
      JsonObject *b = json_array_get_object_element (paged, i);

      g_assert_cmpint (json_object_get_int_member (a, "seq"), ==,
                       json_object_get_int_member (b, "seq"));
      g_assert_nonnull (json_object_get_object_member (a, "data"));
    }

  /* The end of the feed: nothing more, and the cursor stays. */
  path = g_strdup_printf ("/v1/changes?since=%" G_GINT64_FORMAT,
                          json_object_get_int_member (json_array_get_object_element (
                            whole, json_array_get_length (whole) - 1), "seq"));
  reply = request ("GET", path, token, NULL, NULL);
  assert_status (reply, 200);
  node = reply_json (reply);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (node), "changes")), ==, 0);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "more"));
  g_assert_cmpstr (path + strlen ("/v1/changes?since="), ==, member (node, "next"));
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("GET", "/v1/changes?since=banana", token, NULL, NULL);
  assert_problem (reply, 400, "since");
}

/* {"key", "method", "path", "body"} of a batch; @body is JSON text. */
static char *
batch_op (const char *key,
          const char *method,
          const char *path,
          const char *body)
{
  return g_strdup_printf ("{\"key\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"body\":%s}",
                          key, method, path, body);
}

/* POSTs @ops (NULL-terminated operations) as one batch with @bearer's
 * session; its "results". */
static JsonArray *
post_batch_as (const char *bearer,
               char      **ops)
{
  g_autofree char *list = g_strjoinv (",", ops);
  g_autofree char *body = g_strdup_printf ("{\"operations\":[%s]}", list);
  g_autoptr(Reply) reply = request ("POST", "/v1/batch", bearer, body, NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *results;

  assert_status (reply, 200);
  node = reply_json (reply);
  results = json_object_get_array_member (json_node_get_object (node), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, g_strv_length (ops));
  return json_array_ref (results);
}

static JsonArray *
post_batch (char **ops)
{
  return post_batch_as (token, ops);
}

static gint64
result_status (JsonArray *results,
               guint      i)
{
  return json_object_get_int_member (json_array_get_object_element (results, i), "status");
}

static const char *
result_field (JsonArray *results,
              guint      i)
{
  JsonObject *body = json_object_get_object_member (json_array_get_object_element (results, i),
                                                    "body");

  return json_object_get_string_member_with_default (body, "field", NULL);
}

static char *
results_text (JsonArray *results)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, results);
  return json_to_string (node, FALSE);
}

/* "Prefer: return=minimal" (RFC 7240): an accepted operation with an
 * ETag comes without its body, the same whether it was written now or
 * answered from its key; an entry (no ETag) and a refusal keep theirs.
 * Without the preference, the bodies are there. */
static void
test_batch_return_minimal (void)
{
  g_autofree char *applicant = g_uuid_string_random ();
  g_autofree char *kase = g_uuid_string_random ();
  g_autofree char *event = g_uuid_string_random ();
  g_autofree char *applicant_path = g_strconcat ("/v1/applicants/", applicant, NULL);
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *events_path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *bad_path = g_strdup_printf ("/v1/cases/%s", applicant);
  g_autofree char *number = new_number ("C05");
  g_autofree char *person = person_json (NULL);
  g_autofree char *case_body = case_json (applicant, service_id, number);
  g_autofree char *event_body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"note\","
                                                 "\"note\":\"Minimal\"}", event);
  g_auto(GStrv) keys = g_new0 (char *, 5);
  g_auto(GStrv) ops = g_new0 (char *, 5);
  g_autofree char *list = NULL;
  g_autofree char *body = NULL;
  /* Written, answered from the keys (and the same in other spellings),
   * then without the preference, with "return" first asking for more, and
   * with a header that asks nothing that can be read. */
  const char *prefer[] = { "Prefer: respond-async, return=minimal; x=1", NULL };
  const char *two_fields[] = { "Prefer: respond-async", "Prefer: RETURN = \"minimal\"", NULL };
  const char *first_wins[] = { "Prefer: return=representation, return=minimal", NULL };
  const char *garbled[] = { "Prefer: ,;,=, ;return, \"minimal\", return", NULL };
  const char * const *headers[] = { prefer, prefer, two_fields, NULL, first_wins, garbled };
  const gboolean minimal[] = { TRUE, TRUE, TRUE, FALSE, FALSE, FALSE };

  for (guint i = 0; i < 4; i++)
    keys[i] = g_uuid_string_random ();
  ops[0] = batch_op (keys[0], "PUT", applicant_path, person);
  ops[1] = batch_op (keys[1], "PUT", case_path, case_body);
  ops[2] = batch_op (keys[2], "POST", events_path, event_body);
  ops[3] = batch_op (keys[3], "PUT", bad_path, "{}");
  list = g_strjoinv (",", ops);
  body = g_strdup_printf ("{\"operations\":[%s]}", list);

  for (guint round = 0; round < G_N_ELEMENTS (headers); round++)
    {
      g_autoptr(Reply) reply = request ("POST", "/v1/batch", token, body,
                                        headers[round]);
      g_autoptr(JsonNode) node = NULL;
      JsonArray *results;

      assert_status (reply, 200);
      g_assert_cmpstr (g_hash_table_lookup (reply->headers, "preference-applied"), ==,
                       minimal[round] ? "return=minimal" : NULL);
      node = reply_json (reply);
      results = json_object_get_array_member (json_node_get_object (node), "results");
      for (guint i = 0; i < 2; i++)
        {
          JsonObject *result = json_array_get_object_element (results, i);

          g_assert_cmpint (json_object_get_int_member (result, "status"), ==, 201);
          g_assert_cmpstr (json_object_get_string_member (result, "etag"), ==, "\"1\"");
          g_assert_cmpint (JSON_NODE_HOLDS_NULL (json_object_get_member (result, "body")), ==,
                           minimal[round]);
        }
      g_assert_cmpint (result_status (results, 2), ==, 201);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (
                       json_array_get_object_element (results, 2), "body")));
      g_assert_cmpint (result_status (results, 3), >=, 400);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (
                       json_array_get_object_element (results, 3), "body")));
    }
  g_assert_cmpuint (count_changes_of (kase), ==, 1);
}

static void
test_batch (void)
{
  g_autofree char *applicant = g_uuid_string_random ();
  g_autofree char *kase = g_uuid_string_random ();
  g_autofree char *event = g_uuid_string_random ();
  g_autofree char *applicant_path = g_strconcat ("/v1/applicants/", applicant, NULL);
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *events_path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *number = new_number ("C05");
  g_autofree char *person = person_json (NULL);
  g_autofree char *case_body = case_json (applicant, service_id, number);
  /* Quotes, a backslash and Chinese in what the stored answer holds,
   * which PostgreSQL's storage writes as an array literal. */
  g_autofree char *event_body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"note\","
                                                 "\"note\":\"Sent in a \\\"batch\\\" \\\\ 批\"}",
                                                 event);
  g_auto(GStrv) keys = g_new0 (char *, 4);
  g_auto(GStrv) ops = g_new0 (char *, 4);
  g_autoptr(JsonArray) first = NULL;
  g_autoptr(JsonArray) again = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *again_text = NULL;
  JsonObject *result;
  guint n_changes;

  for (guint i = 0; i < 2; i++)
    keys[i] = g_uuid_string_random ();
  /* A key is any string: PostgreSQL's storage reads keys ahead as an
   * array, where braces, quotes, commas, backslashes and NULL mean
   * something in the text form. This one reads {"odd", key\ NULL 键 UUID}. */
  {
    g_autofree char *uuid = g_uuid_string_random ();

    keys[2] = g_strdup_printf ("{\\\"odd\\\", key\\\\ NULL 键 %s}", uuid);
  }
  ops[0] = batch_op (keys[0], "PUT", applicant_path, person);
  ops[1] = batch_op (keys[1], "PUT", case_path, case_body);
  ops[2] = batch_op (keys[2], "POST", events_path, event_body);

  /* Each operation is its own request: the case sees the applicant of the
   * operation before it, the event the case. */
  first = post_batch (ops);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (result_status (first, i), ==, 201);
  result = json_array_get_object_element (first, 1);
  g_assert_cmpstr (json_object_get_string_member (result, "etag"), ==, "\"1\"");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (result, "body"),
                                               "version"), ==, 1);
  g_assert_cmpuint (count_changes_of (applicant), ==, 1);
  g_assert_cmpuint (count_changes_of (kase), ==, 1);
  all = all_changes (5000);
  n_changes = json_array_get_length (all);
  g_clear_pointer (&all, json_array_unref);

  /* Sent again (its answer was lost): the same results, nothing new. */
  again = post_batch (ops);
  first_text = results_text (first);
  again_text = results_text (again);
  g_assert_cmpstr (again_text, ==, first_text);
  all = all_changes (5000);
  g_assert_cmpuint (json_array_get_length (all), ==, n_changes);
  g_clear_pointer (&all, json_array_unref);

  /* A key first sent alone is the same request in a batch. */
  {
    g_autofree char *alone = g_uuid_string_random ();
    g_autofree char *alone_path = g_strconcat ("/v1/applicants/", alone, NULL);
    g_autofree char *key = g_uuid_string_random ();
    g_autofree char *key_header = g_strconcat ("Idempotency-Key: ", key, NULL);
    const char *extra[] = { key_header, NULL };
    g_autofree char *alone_person = person_json (NULL);
    g_autoptr(Reply) reply = request ("PUT", alone_path, token, alone_person, extra);
    g_autoptr(JsonArray) results = NULL;
    g_auto(GStrv) one = g_new0 (char *, 2);

    assert_status (reply, 201);
    one[0] = batch_op (key, "PUT", alone_path, alone_person);
    results = post_batch (one);
    g_assert_cmpint (result_status (results, 0), ==, 201);
    g_assert_cmpuint (count_changes_of (alone), ==, 1);
  }

  /* A refused operation does not stop the ones after it. */
  {
    g_autofree char *other = g_uuid_string_random ();
    g_autofree char *other_path = g_strconcat ("/v1/applicants/", other, NULL);
    g_autofree char *bad_case = g_uuid_string_random ();
    g_autofree char *bad_path = g_strconcat ("/v1/cases/", bad_case, NULL);
    g_autofree char *bad_body = case_json (applicant, "no_such_service", "YC-2026-C05-BAD");
    g_autofree char *bad_person = person_json ("110105194912310021");
    g_autofree char *other_person = person_json (NULL);
    g_autofree char *third_person = person_json (NULL);
    g_autofree char *note = g_uuid_string_random ();
    g_autofree char *note_body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"note\","
                                                  "\"note\":\"After a refusal\"}", note);
    g_autofree char *k1 = g_uuid_string_random ();
    g_autofree char *k2 = g_uuid_string_random ();
    g_autofree char *k3 = g_uuid_string_random ();
    g_autofree char *k4 = g_uuid_string_random ();
    g_autoptr(JsonArray) results = NULL;
    g_auto(GStrv) mixed = g_new0 (char *, 6);

    mixed[0] = batch_op (k1, "PUT", other_path, third_person);
    mixed[1] = batch_op (k2, "PUT", bad_path, bad_body);
    mixed[2] = batch_op (k3, "POST", events_path, note_body);
    mixed[3] = batch_op (k4, "PUT", other_path, bad_person);
    /* The key of the applicant above, with another body. */
    mixed[4] = batch_op (keys[0], "PUT", applicant_path, other_person);
    results = post_batch (mixed);
    g_assert_cmpint (result_status (results, 0), ==, 201);
    g_assert_cmpint (result_status (results, 1), ==, 422);
    g_assert_cmpstr (result_field (results, 1), ==, "service");
    g_assert_cmpint (result_status (results, 2), ==, 201);
    g_assert_cmpint (result_status (results, 3), ==, 422);
    g_assert_cmpstr (result_field (results, 3), ==, "id_number");
    g_assert_cmpint (result_status (results, 4), ==, 422);
    g_assert_cmpstr (result_field (results, 4), ==, "Idempotency-Key");
    g_assert_cmpuint (count_changes_of (other), ==, 1);
    g_assert_cmpuint (count_changes_of (bad_case), ==, 0);
  }

  /* Refused whole: not a list of operations, or too many. */
  {
    g_autoptr(Reply) reply = request ("POST", "/v1/batch", token, "{\"operations\":[]}", NULL);
    g_autoptr(GString) many = g_string_new ("{\"operations\":[");

    assert_problem (reply, 400, "operations");
    g_clear_pointer (&reply, hall_test_reply_free);
    reply = request ("POST", "/v1/batch", NULL, "{\"operations\":[]}", NULL);
    assert_status (reply, 401);
    g_clear_pointer (&reply, hall_test_reply_free);
    for (guint i = 0; i < 501; i++)
      g_string_append (many, i == 0 ? "{}" : ",{}");
    g_string_append (many, "]}");
    reply = request ("POST", "/v1/batch", token, many->str, NULL);
    assert_problem (reply, 413, "operations");
  }
}

/* Runs @sql on the server's database beside the server (WAL, or
 * PostgreSQL's own connection). */
static void
db_exec_in (const char *data_dir,
            const char *sql)
{
  g_autofree char *path = g_build_filename (data_dir, "hall.sqlite", NULL);
  sqlite3 *db = NULL;
  char *message = NULL;

  if (postgres != NULL)
    {
      PGconn *pg = PQconnectdb (database_of (data_dir));
      PGresult *result;

      g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
      result = PQexec (pg, sql);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        g_error ("%s: %s", sql, PQerrorMessage (pg));
      PQclear (result);
      PQfinish (pg);
      return;
    }
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static void
server_db_exec (const char *sql)
{
  db_exec_in (server->data_dir, sql);
}

/* (transfer full) (nullable): the first column of the first row of @sql
 * on the server's database. */
static char *
server_db_text (const char *sql)
{
  g_autofree char *path = g_build_filename (server->data_dir, "hall.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  if (postgres != NULL)
    {
      PGconn *pg = PQconnectdb (database_of (server->data_dir));
      PGresult *result;

      g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
      result = PQexec (pg, sql);
      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("%s: %s", sql, PQerrorMessage (pg));
      if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
        text = g_strdup (PQgetvalue (result, 0, 0));
      PQclear (result);
      PQfinish (pg);
      return text;
    }
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

/* The storage itself fails one operation of a batch (a trigger stands in
 * for a full disk or a broken row): that operation alone is answered 500,
 * with a reference rather than the database's words, and rolled back; the
 * ones before and after it are kept, and it goes through once sent again. */
static void
test_batch_storage_failure (void)
{
  g_autofree char *applicant = g_uuid_string_random ();
  g_autofree char *kase = g_uuid_string_random ();
  g_autofree char *poisoned = g_uuid_string_random ();
  g_autofree char *after = g_uuid_string_random ();
  g_autofree char *applicant_path = g_strconcat ("/v1/applicants/", applicant, NULL);
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *events_path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *number = new_number ("C05");
  g_autofree char *person = person_json (NULL);
  g_autofree char *case_body = case_json (applicant, service_id, number);
  g_autofree char *poisoned_body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\","
                                                    "\"step\":\"accept\","
                                                    "\"decision\":\"approve\"}", poisoned);
  g_autofree char *after_body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"note\","
                                                 "\"note\":\"After a failure\"}", after);
  g_autofree char *trigger = NULL;
  g_autofree char *detail = NULL;
  g_auto(GStrv) ops = g_new0 (char *, 5);
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) again = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *key_applicant = g_uuid_string_random ();
  g_autofree char *key_case = g_uuid_string_random ();
  g_autofree char *key_event = g_uuid_string_random ();
  g_autofree char *key_note = g_uuid_string_random ();
  g_autofree char *signed_poisoned = NULL;

  if (postgres != NULL)
    trigger = g_strdup_printf ("CREATE FUNCTION fail_event () RETURNS trigger LANGUAGE plpgsql"
                               " AS $$ BEGIN IF NEW.uuid = '%s' THEN"
                               " RAISE EXCEPTION 'injected storage failure'; END IF;"
                               " RETURN NEW; END $$;"
                               "CREATE TRIGGER fail_event BEFORE INSERT ON events"
                               " FOR EACH ROW EXECUTE FUNCTION fail_event ();", poisoned);
  else
    trigger = g_strdup_printf ("CREATE TRIGGER fail_event BEFORE INSERT ON events"
                               " WHEN NEW.uuid = '%s'"
                               " BEGIN SELECT RAISE (ABORT, 'injected storage failure'); END;",
                               poisoned);
  server_db_exec (trigger);

  ops[0] = batch_op (key_applicant, "PUT", applicant_path, person);
  ops[1] = batch_op (key_case, "PUT", case_path, case_body);
  {
    g_autofree char *hashed = with_content_hash (poisoned_body, kase, case_body);

    signed_poisoned = signed_decision (kase, hashed, token);
  }
  ops[2] = batch_op (key_event, "POST", events_path, signed_poisoned);
  ops[3] = batch_op (key_note, "POST", events_path, after_body);
  results = post_batch (ops);
  g_assert_cmpint (result_status (results, 0), ==, 201);
  g_assert_cmpint (result_status (results, 1), ==, 201);
  g_assert_cmpint (result_status (results, 2), ==, 500);
  detail = g_strdup (json_object_get_string_member (
             json_object_get_object_member (json_array_get_object_element (results, 2), "body"),
             "detail"));
  g_assert_nonnull (strstr (detail, "reference"));
  g_assert_null (strstr (detail, "injected"));
  g_assert_cmpint (result_status (results, 3), ==, 201);

  /* The failed state move left no trace: the case is still version 1 and
   * received, the note is in the feed, the move is not. */
  g_assert_cmpuint (count_changes_of (applicant), ==, 1);
  g_assert_cmpuint (count_changes_of (kase), ==, 1);
  g_assert_cmpuint (count_changes_of (poisoned), ==, 0);
  g_assert_cmpuint (count_changes_of (after), ==, 1);
  reply = request ("GET", case_path, token, NULL, NULL);
  assert_status (reply, 200);
  node = reply_json (reply);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "state"), ==,
                   "received");

  /* Once the storage takes it, the same batch again: the kept operations
   * get their stored answers, the failed one goes through. */
  server_db_exec (postgres != NULL ? "DROP TRIGGER fail_event ON events;"
                                     "DROP FUNCTION fail_event ();"
                                   : "DROP TRIGGER fail_event;");
  again = post_batch (ops);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (result_status (again, i), ==, i == 2 ? 201 : result_status (results, i));
  g_assert_cmpuint (count_changes_of (kase), ==, 2);
  g_assert_cmpuint (count_changes_of (poisoned), ==, 1);
  g_assert_cmpuint (count_changes_of (after), ==, 1);
}

/* Keys are the client's, not the hall's: another official who reuses or
 * guesses one must neither read the first answer nor be refused. */
static void
test_idempotency_per_user (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *other_uuid = g_uuid_string_random ();
  g_autofree char *key = g_strdup_printf ("Idempotency-Key: %s", uuid);
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *other_path = g_strconcat ("/v1/applicants/", other_uuid, NULL);
  g_autofree char *body = person_json (NULL);
  g_autofree char *other = person_json (NULL);
  g_autofree char *third = person_json (NULL);
  g_autofree char *batch_body = NULL;
  g_autofree char *batch_path = NULL;
  g_autofree char *op = NULL;
  const char *extra[] = { key, NULL };
  g_autoptr(Reply) first = request ("PUT", path, token, body, extra);
  g_autoptr(Reply) second = request ("PUT", other_path, reception_token, other, extra);
  g_autoptr(Reply) batch = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *results;

  assert_status (first, 201);
  assert_status (second, 201);
  g_assert_cmpstr (second->body->str, !=, first->body->str);
  g_assert_cmpuint (count_changes_of (other_uuid), ==, 1);

  /* The batch path looks keys up the same way: a key of demo's own, then
   * reception1 sends it in a batch. */
  g_clear_pointer (&first, hall_test_reply_free);
  g_free (other_uuid);
  other_uuid = g_uuid_string_random ();
  g_free (key);
  key = g_strdup_printf ("Idempotency-Key: %s", other_uuid);
  extra[0] = key;
  first = request ("PUT", path, token, body, extra);
  assert_status (first, 200);
  batch_path = g_strconcat ("/v1/applicants/", other_uuid, NULL);
  op = batch_op (other_uuid, "PUT", batch_path, third);
  batch_body = g_strdup_printf ("{\"operations\":[%s]}", op);
  batch = request ("POST", "/v1/batch", reception_token, batch_body, NULL);
  assert_status (batch, 200);
  node = reply_json (batch);
  results = json_object_get_array_member (json_node_get_object (node), "results");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (results, 0),
                                               "status"), ==, 201);
  g_assert_cmpuint (count_changes_of (other_uuid), ==, 1);
}

static void
test_blobs (void)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize size = 300 * 1024;
  g_autofree guint8 *data = g_malloc (size);
  g_autofree char *path = NULL;
  g_autofree char *offset_header = NULL;
  g_autofree char *length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, size);
  g_autoptr(Reply) reply = NULL;
  const char *first_half[] = { "Upload-Offset: 0", length_header, NULL };
  const char *wrong_offset[] = { "Upload-Offset: 5", length_header, NULL };
  const char *second_half[3] = { NULL, length_header, NULL };
  const char *bad_patch[] = { "Upload-Offset: 0", "Upload-Length: 10", NULL };

  /* A page as the server takes one: a PNG's signature and header first. */
  static const guint8 png_header[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0x03, 0xe8, 0, 0, 0x05, 0x78, 8, 0, 0, 0, 0, 0, 0, 0, 0,
  };

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_random_int ();
  memcpy (data, png_header, sizeof png_header);
  g_checksum_update (checksum, data, size);
  path = g_strconcat ("/v1/blobs/", g_checksum_get_string (checksum), NULL);

  reply = request ("HEAD", path, token, NULL, NULL);
  assert_status (reply, 404);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Resumable: half, a wrong offset, the rest. */
  reply = request_full (server->base, "PATCH", path, token, (char *) data, size / 2, first_half);
  assert_status (reply, 204);
  g_assert_cmpuint (g_ascii_strtoull (g_hash_table_lookup (reply->headers, "upload-offset"),
                                      NULL, 10), ==, size / 2);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("HEAD", path, token, NULL, NULL);
  assert_status (reply, 204);
  g_assert_cmpuint (g_ascii_strtoull (g_hash_table_lookup (reply->headers, "upload-offset"),
                                      NULL, 10), ==, size / 2);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request_full (server->base, "PATCH", path, token, (char *) data, 10, wrong_offset);
  assert_problem (reply, 409, NULL);
  g_assert_cmpuint (g_ascii_strtoull (g_hash_table_lookup (reply->headers, "upload-offset"),
                                      NULL, 10), ==, size / 2);
  g_clear_pointer (&reply, hall_test_reply_free);

  offset_header = g_strdup_printf ("Upload-Offset: %" G_GSIZE_FORMAT, size / 2);
  second_half[0] = offset_header;
  reply = request_full (server->base, "PATCH", path, token, (char *) data + size / 2,
                        size - size / 2, second_half);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("HEAD", path, token, NULL, NULL);
  assert_status (reply, 200);
  g_assert_cmpuint (g_ascii_strtoull (g_hash_table_lookup (reply->headers, "content-length"),
                                      NULL, 10), ==, size);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("GET", path, token, NULL, NULL);
  assert_status (reply, 200);
  g_assert_cmpuint (reply->body->len, ==, size);
  g_assert_true (memcmp (reply->body->str, data, size) == 0);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A whole PUT whose bytes are not the name: refused, nothing kept. */
  data[size - 1] ^= 0xff;
  reply = request_full (server->base, "PUT", "/v1/blobs/"
                        "0000000000000000000000000000000000000000000000000000000000000000",
                        token, (char *) data, size, NULL);
  assert_problem (reply, 422, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("HEAD", "/v1/blobs/"
                   "0000000000000000000000000000000000000000000000000000000000000000",
                   token, NULL, NULL);
  assert_status (reply, 404);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A whole PUT of other bytes. */
  g_checksum_reset (checksum);
  g_checksum_update (checksum, data, size);
  g_free (path);
  path = g_strconcat ("/v1/blobs/", g_checksum_get_string (checksum), NULL);
  reply = request_full (server->base, "PUT", path, token, (char *) data, size, NULL);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A resumed upload that completes with the wrong bytes. */
  reply = request_full (server->base, "PATCH", "/v1/blobs/"
                        "1111111111111111111111111111111111111111111111111111111111111111",
                        token, (char *) data, 10, bad_patch);
  assert_problem (reply, 422, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("HEAD", "/v1/blobs/not-a-hash", token, NULL, NULL);
  assert_status (reply, 404);
}

/* A database of a server before officials could be signed out (schema 1)
 * is brought to the newest schema as it is opened: what it held is
 * served, and its officials sign in and out. */
static void
test_schema_v1 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-server-v1-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "hall.sqlite", NULL);
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "server-schema-v1.sql",
                                                    NULL);
  g_autofree char *sql = NULL;
  g_autofree char *demo_token = NULL;
  g_autoptr(Reply) kase = NULL;
  g_autoptr(Reply) out = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(JsonArray) changes = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  Server *old;

  if (postgres != NULL)
    {
      g_test_skip ("SQLite’s own schema migrations");
      g_rmdir (dir);
      return;
    }

  g_assert_true (g_file_get_contents (fixture, &sql, NULL, NULL));
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  old = server_start (dir);
  demo_token = sign_in (old->base, "demo", "demo");
  kase = request_full (old->base, "GET", "/v1/cases/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                       demo_token, NULL, 0, NULL);
  assert_status (kase, 200);
  g_assert_nonnull (strstr (kase->body->str, "YC-2026-C01-000041"));
  out = request_full (old->base, "DELETE", "/v1/sessions", demo_token, NULL, 0, NULL);
  assert_status (out, 204);
  after = request_full (old->base, "GET", "/v1/catalog", demo_token, NULL, 0, NULL);
  assert_problem (after, 401, NULL);
  server_stop (old);

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT user_version FROM pragma_user_version),"
                                       " (SELECT count(*) FROM changes),"
                                       " (SELECT signed_out_at > 0 FROM officials"
                                       "  WHERE username = 'demo')", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, SERVER_SCHEMA_VERSION);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 2);
  g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  hall_test_remove_tree (dir);
}

/* SIGTERM to @drained, and its first answer to @method /v1/health that
 * is not a 200 (the signal is handled by its main loop, a moment later). */
static Reply *
stop_and_check_health (Server     *drained,
                       const char *method)
{
  Reply *reply = NULL;

  g_subprocess_send_signal (drained->process, SIGTERM);
  for (guint i = 0; i < 500; i++)
    {
      g_clear_pointer (&reply, hall_test_reply_free);
      reply = request_full (drained->base, method, "/v1/health", NULL, NULL, 0, NULL);
      if (reply->status != 200)
        break;
      g_usleep (10 * 1000);
    }
  return reply;
}

/* Waits for @drained to end by itself, and frees it: it exited 0. */
static void
assert_stopped_cleanly (Server *drained)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait (drained->process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (drained->process));
  g_assert_cmpint (g_subprocess_get_exit_status (drained->process), ==, 0);
  server_free (drained);
}

/* Stopped with --drain, a server tells the balancer's checks at once
 * (/v1/health answers 503 "draining") and goes on serving, writes too; a
 * second SIGTERM stops it at once, and with none it stops by itself when
 * the time is up. Either way cleanly: exit status 0. */
static void
test_drain (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-server-drain-XXXXXX", NULL);
  const char *const long_drain[] = { "--drain", "600", NULL };
  const char *const short_drain[] = { "--drain", "1", NULL };
  const char *applicant = "{\"kind\":\"person\",\"name\":\"排队中\",\"id_type\":\"resident_id\","
                          "\"id_number\":\"11010519491231002X\"}";
  g_autofree char *drained_token = NULL;
  g_autoptr(Reply) before = NULL;
  g_autoptr(Reply) draining = NULL;
  g_autoptr(Reply) write = NULL;
  g_autoptr(Reply) head = NULL;
  Server *drained;

  drained = server_start_with (dir, database_of (dir), "127.0.0.1:0", long_drain);
  drained_token = sign_in (drained->base, "demo", "demo");
  before = request_full (drained->base, "GET", "/v1/health", NULL, NULL, 0, NULL);
  assert_status (before, 200);

  draining = stop_and_check_health (drained, "GET");
  assert_problem (draining, 503, NULL);
  g_assert_nonnull (strstr (draining->body->str, "draining"));
  write = request_full (drained->base, "PUT", "/v1/applicants/5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                        drained_token, applicant, strlen (applicant), NULL);
  assert_status (write, 201);

  g_subprocess_send_signal (drained->process, SIGTERM);
  assert_stopped_cleanly (drained);

  /* Drained, not stopped at once: a 503 before it goes. */
  drained = server_start_with (dir, database_of (dir), "127.0.0.1:0", short_drain);
  head = stop_and_check_health (drained, "HEAD");
  g_assert_cmpint (head->status, ==, 503);
  assert_stopped_cleanly (drained);
  hall_test_remove_tree (dir);
}

/* A 409 naming @existing as the applicant that holds the document. */
static void
assert_duplicate (Reply      *reply,
                  const char *field,
                  const char *existing)
{
  g_autoptr(JsonNode) node = NULL;

  assert_problem (reply, 409, field);
  node = reply_json (reply);
  g_assert_cmpstr (member (node, "existing"), ==, existing);
  g_assert_nonnull (strstr (member (node, "detail"), existing));
}

/* The name of the applicant at @path, as the server holds it; NULL when
 * there is none. */
static char *
applicant_name (const char *path)
{
  g_autoptr(Reply) reply = request ("GET", path, token, NULL, NULL);
  g_autoptr(JsonNode) node = NULL;

  if (reply->status == 404)
    return NULL;
  assert_status (reply, 200);
  node = reply_json (reply);
  return g_strdup (member (node, "name"));
}

/* An identity document belongs to one applicant: a second one with the
 * same type and number, created or changed into it, alone or in a batch,
 * is a 409 naming the first, and nothing of it is written. */
static void
test_identity (void)
{
  g_autofree char *id_number = NULL;
  g_autofree char *first = put_person (&id_number);
  g_autofree char *first_path = g_strconcat ("/v1/applicants/", first, NULL);
  g_autofree char *first_body = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"Test Person\","
                                                 "\"id_type\":\"resident_id\","
                                                 "\"id_number\":\"%s\","
                                                 "\"phone\":\"13800138000\"}", id_number);
  g_autofree char *renamed = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"Renamed Person\","
                                              "\"id_type\":\"resident_id\","
                                              "\"id_number\":\"%s\","
                                              "\"phone\":\"13800138001\"}", id_number);
  g_autofree char *second = g_uuid_string_random ();
  g_autofree char *second_path = g_strconcat ("/v1/applicants/", second, NULL);
  g_autofree char *other_number = NULL;
  g_autofree char *other = put_person (&other_number);
  g_autofree char *other_path = g_strconcat ("/v1/applicants/", other, NULL);
  g_autofree char *name = NULL;
  const char *if_match_1[] = { "If-Match: \"1\"", NULL };
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* A second applicant with the number. */
  reply = request ("PUT", second_path, token, first_body, NULL);
  assert_duplicate (reply, "id_number", first);
  g_clear_pointer (&reply, hall_test_reply_free);
  name = applicant_name (second_path);
  g_assert_null (name);
  g_assert_cmpuint (count_changes_of (second), ==, 0);

  /* The same applicant sent again is the same applicant. */
  reply = request ("PUT", first_path, token, first_body, NULL);
  assert_status (reply, 200);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Another applicant changed into the number: refused, left as it was. */
  reply = request ("PUT", other_path, token, first_body, if_match_1);
  assert_duplicate (reply, "id_number", first);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("GET", other_path, token, NULL, NULL);
  assert_status (reply, 200);
  node = reply_json (reply);
  g_assert_cmpstr (member (node, "id_number"), ==, other_number);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* The holder itself changes what else it likes. */
  reply = request ("PUT", first_path, token, renamed, if_match_1);
  assert_status (reply, 200);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A business by its credit code. */
  {
    g_autofree char *business = g_uuid_string_random ();
    g_autofree char *twin = g_uuid_string_random ();
    g_autofree char *business_path = g_strconcat ("/v1/applicants/", business, NULL);
    g_autofree char *twin_path = g_strconcat ("/v1/applicants/", twin, NULL);
    const char *ltd = "{\"kind\":\"business\",\"name\":\"Test Ltd\","
                      "\"credit_code\":\"91640100694329053P\",\"legal_representative\":\"Li Si\"}";

    reply = request ("PUT", business_path, token, ltd, NULL);
    assert_status (reply, 201);
    g_clear_pointer (&reply, hall_test_reply_free);
    reply = request ("PUT", twin_path, token, ltd, NULL);
    assert_duplicate (reply, "credit_code", business);
    g_clear_pointer (&reply, hall_test_reply_free);
  }

  /* In a batch: the duplicate alone is refused, with the same answer. */
  {
    g_autofree char *third = g_uuid_string_random ();
    g_autofree char *fourth = g_uuid_string_random ();
    g_autofree char *third_path = g_strconcat ("/v1/applicants/", third, NULL);
    g_autofree char *fourth_path = g_strconcat ("/v1/applicants/", fourth, NULL);
    g_autofree char *fourth_body = person_json (NULL);
    g_autofree char *k1 = g_uuid_string_random ();
    g_autofree char *k2 = g_uuid_string_random ();
    g_autoptr(JsonArray) results = NULL;
    g_auto(GStrv) ops = g_new0 (char *, 3);
    JsonObject *body;

    ops[0] = batch_op (k1, "PUT", third_path, first_body);
    ops[1] = batch_op (k2, "PUT", fourth_path, fourth_body);
    results = post_batch (ops);
    g_assert_cmpint (result_status (results, 0), ==, 409);
    g_assert_cmpstr (result_field (results, 0), ==, "id_number");
    body = json_object_get_object_member (json_array_get_object_element (results, 0), "body");
    g_assert_cmpstr (json_object_get_string_member (body, "existing"), ==, first);
    g_assert_cmpint (result_status (results, 1), ==, 201);
    g_assert_cmpuint (count_changes_of (third), ==, 0);
    g_assert_cmpuint (count_changes_of (fourth), ==, 1);

    /* Its key kept no refusal: sent again, it is refused again. */
    g_clear_pointer (&results, json_array_unref);
    results = post_batch (ops);
    g_assert_cmpint (result_status (results, 0), ==, 409);
    g_assert_cmpint (result_status (results, 1), ==, 201);
  }
}

/* A server database of schema 2 may hold two applicants with one identity
 * document: both stay readable and writable, the older one holds the
 * document from then on, and a third applicant with it is refused. */
static void
test_schema_v2_duplicates (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-server-v2-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "hall.sqlite", NULL);
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "server-schema-v2.sql",
                                                    NULL);
  g_autofree char *sql = NULL;
  g_autofree char *demo_token = NULL;
  g_autofree char *third_path = NULL;
  const char *older = "/v1/applicants/6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f";
  const char *younger = "/v1/applicants/7a2d1c8f-9d66-4e9b-8e8f-2e3c4d5e6f70";
  const char *changed = "{\"kind\":\"person\",\"name\":\"张伟明\",\"id_type\":\"resident_id\","
                        "\"id_number\":\"11010519491231002X\",\"phone\":\"13900000009\"}";
  const char *if_match_1[] = { "If-Match: \"1\"", NULL };
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  Server *old;

  if (postgres != NULL)
    {
      g_test_skip ("SQLite’s own schema migrations");
      g_rmdir (dir);
      return;
    }

  g_assert_true (g_file_get_contents (fixture, &sql, NULL, NULL));
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  old = server_start (dir);
  demo_token = sign_in (old->base, "demo", "demo");
  reply = request_full (old->base, "GET", older, demo_token, NULL, 0, NULL);
  assert_status (reply, 200);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (old->base, "GET", "/v1/cases/1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
                        demo_token, NULL, 0, NULL);
  assert_status (reply, 200);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* The younger duplicate keeps its document through a change. */
  reply = request_full (old->base, "PUT", younger, demo_token, changed, strlen (changed),
                        if_match_1);
  assert_status (reply, 200);
  node = reply_json (reply);
  g_assert_cmpstr (member (node, "phone"), ==, "13900000009");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A new one is refused, naming the older. */
  {
    g_autofree char *third = g_uuid_string_random ();

    third_path = g_strconcat ("/v1/applicants/", third, NULL);
  }
  reply = request_full (old->base, "PUT", third_path, demo_token, changed, strlen (changed), NULL);
  {
    /* assert_duplicate() reads the shared server's answers; this one is
     * the old database's. */
    g_autoptr(JsonNode) problem = NULL;

    assert_problem (reply, 409, "id_number");
    problem = reply_json (reply);
    g_assert_cmpstr (member (problem, "existing"), ==, "6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f");
  }
  g_clear_pointer (&reply, hall_test_reply_free);
  server_stop (old);

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT user_version FROM pragma_user_version),"
                                       " (SELECT count(*) FROM applicants),"
                                       " (SELECT count(*) FROM applicants"
                                       "  WHERE identity IS NOT NULL)",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, SERVER_SCHEMA_VERSION);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 2);
  g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  hall_test_remove_tree (dir);
}

/* Runs service-hall-server with @args (NULL-terminated) to its end: its
 * exit status (-1 when killed), and what it wrote to standard error in
 * *@err. */
static int
run_server_once (const char *const *args,
                 char             **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) g_getenv ("SERVICE_HALL_SERVER_BIN"));
  for (guint i = 0; args[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (char *) args[i]);
      /* On PostgreSQL, the database of that data directory with it. */
      if (postgres != NULL && g_str_equal (args[i], "--data") && args[i + 1] != NULL)
        {
          i++;
          g_ptr_array_add (argv, (char *) args[i]);
          g_ptr_array_add (argv, (char *) "--database");
          g_ptr_array_add (argv, (char *) database_of (args[i]));
        }
    }
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                err, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* A --drain that is not a number of seconds from 0 to 3600 is refused at
 * start, naming the option, before the data directory is made. */
static void
test_drain_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-server-drain-bad-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  const char *const values[] = { "-1", "3601", "soon" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      const char *args[] = { "--listen", "127.0.0.1:0", "--data", data, "--drain", values[i],
                             NULL };
      g_autofree char *err = NULL;

      g_assert_cmpint (run_server_once (args, &err), ==, 2);
      g_assert_nonnull (strstr (err, "--drain"));
      g_assert_nonnull (strstr (err, values[i]));
      g_assert_false (g_file_test (data, G_FILE_TEST_EXISTS));
    }
  hall_test_remove_tree (dir);
}

/* HTTPS needs a certificate and its key, both PEM: anything else is
 * refused at start, saying which file is wrong, before it listens. */
static void
test_tls_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-server-tls-XXXXXX", NULL);
  g_autofree char *not_pem = g_build_filename (dir, "not.pem", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  struct
  {
    const char *cert;
    const char *key;
    int         status;
    const char *says;
  } cases[] = {
    { not_pem, NULL, 2, "both --tls-cert and --tls-key" },
    { not_pem, not_pem, 1, "holds no PEM certificate" },
    { "/nonexistent/cert.pem", not_pem, 1, "/nonexistent/cert.pem" },
  };

  g_assert_true (g_file_set_contents (not_pem, "hello", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = {
        "--listen", "127.0.0.1:0", "--data", data, "--tls-cert", cases[i].cert,
        cases[i].key != NULL ? "--tls-key" : NULL, cases[i].key, NULL,
      };
      g_autofree char *err = NULL;

      g_assert_cmpint (run_server_once (args, &err), ==, cases[i].status);
      g_assert_nonnull (strstr (err, cases[i].says));
    }
  hall_test_remove_tree (dir);
}

/* Runs service-hall-server --data @data_dir --set-official @username
 * --roles @roles --password-file FILE holding @password; its exit status,
 * and what it wrote to standard error in *@err. */
static int
set_official (const char  *data_dir,
              const char  *username,
              const char  *roles,
              const char  *password,
              char       **err)
{
  g_autofree char *password_file = g_build_filename (data_dir, "password", NULL);
  const char *args[] = {
    "--data", data_dir, "--set-official", username, "--roles", roles,
    "--password-file", password_file, NULL,
  };
  int status;

  g_mkdir_with_parents (data_dir, 0700);
  g_assert_true (g_file_set_contents (password_file, password, -1, NULL));
  status = run_server_once (args, err);
  g_unlink (password_file);
  return status;
}

/* The hall's IT adds officials from the command line: the new one signs in
 * with the roles given; a bad username, a short password or an unknown
 * role is refused with the reason, and the officials already there stay. */
static void
test_set_official (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-officials-XXXXXX", NULL);
  g_autofree char *err = NULL;
  g_autofree char *official_token = NULL;
  Server *other;


  g_assert_cmpint (set_official (dir, "wang.fang", "counter_official, approver",
                                 "correct horse battery\n", &err), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (set_official (dir, "bad name", "reception", "long enough", &err), ==, 1);
  g_assert_nonnull (strstr (err, "username"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (set_official (dir, "li.na", "reception", "short", &err), ==, 1);
  g_assert_nonnull (strstr (err, "at least 8"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (set_official (dir, "wang.fang", "counter_official,boss", "another one", &err),
                   ==, 1);
  g_assert_nonnull (strstr (err, "“boss” is not a role"));

  other = server_start (dir);
  official_token = sign_in (other->base, "wang.fang", "correct horse battery");
  {
    g_autofree char *body = g_strdup ("{\"username\":\"li.na\",\"password\":\"short\"}");
    g_autoptr(Reply) reply = request_full (other->base, "POST", "/v1/sessions", NULL, body,
                                           strlen (body), NULL);

    assert_status (reply, 401);
  }
  /* The roles went into the session: a counter official registers
   * applicants. */
  {
    g_autofree char *applicant = g_uuid_string_random ();
    g_autofree char *path = g_strconcat ("/v1/applicants/", applicant, NULL);
    g_autofree char *person = person_json (NULL);
    g_autoptr(Reply) reply = request_full (other->base, "PUT", path, official_token, person,
                                           strlen (person), NULL);

    assert_status (reply, 201);
  }

  /* Signing out on one counter ends the sessions of every counter; signing
   * in again opens a new one. */
  {
    g_autofree char *second_token = sign_in (other->base, "wang.fang", "correct horse battery");
    g_autofree char *third_token = NULL;
    g_autoptr(Reply) out = request_full (other->base, "DELETE", "/v1/sessions", official_token,
                                         NULL, 0, NULL);
    g_autoptr(Reply) first = NULL;
    g_autoptr(Reply) second = NULL;
    g_autoptr(Reply) third = NULL;

    assert_status (out, 204);
    first = request_full (other->base, "GET", "/v1/catalog", official_token, NULL, 0, NULL);
    assert_problem (first, 401, NULL);
    second = request_full (other->base, "GET", "/v1/catalog", second_token, NULL, 0, NULL);
    assert_problem (second, 401, NULL);
    third_token = sign_in (other->base, "wang.fang", "correct horse battery");
    third = request_full (other->base, "GET", "/v1/catalog", third_token, NULL, 0, NULL);
    assert_status (third, 200);
    g_free (official_token);
    official_token = g_steal_pointer (&third_token);
  }

  /* New roles set while the server runs end the sessions opened with the
   * old ones, within the 2 seconds the server trusts what it read. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (set_official (dir, "wang.fang", "reception", "correct horse battery",
                                 &err), ==, 0);
  g_usleep (2100 * 1000);
  {
    g_autoptr(Reply) old_roles = request_full (other->base, "GET", "/v1/catalog", official_token,
                                               NULL, 0, NULL);
    g_autofree char *kase = g_uuid_string_random ();
    g_autofree char *path = g_strconcat ("/v1/cases/", kase, NULL);
    g_autofree char *reception_token_now = NULL;
    g_autoptr(Reply) refused = NULL;

    assert_problem (old_roles, 401, NULL);
    reception_token_now = sign_in (other->base, "wang.fang", "correct horse battery");
    refused = request_full (other->base, "PUT", path, reception_token_now, "{}", 2, NULL);
    assert_status (refused, 403);
  }
  server_stop (other);
  hall_test_remove_tree (dir);
}

/* The record the server keeps, and the rules of the catalog */

/* GET @path's text, or NULL for a 404: a refusal must leave it as it was. */
static char *
get_text (const char *path)
{
  g_autoptr(Reply) reply = request ("GET", path, token, NULL, NULL);

  if (reply->status == 404)
    return NULL;
  assert_status (reply, 200);
  return g_strdup (reply->body->str);
}

/* Unix seconds of an ISO 8601 member of @object. */
static gint64
time_member (JsonObject *object,
             const char *name)
{
  g_autoptr(GDateTime) dt = NULL;

  g_assert_true (json_object_has_member (object, name));
  dt = g_date_time_new_from_iso8601 (json_object_get_string_member (object, name), NULL);
  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
iso8601 (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* A case body of @service with the members listed, and @extra members
 * (JSON text after a comma, or ""). It is taken in when the first body
 * was made, unless @extra says when: a case sent again must say the
 * same. */
static char *
case_body (const char *applicant,
           const char *service,
           const char *number,
           const char *counter,
           const char *state,
           const char *extra)
{
  static char *taken_in;
  g_autofree char *created_at = NULL;

  if (taken_in == NULL)
    taken_in = iso8601 (now_seconds ());
  if (strstr (extra, "\"created_at\"") == NULL)
    created_at = g_strdup_printf (",\"created_at\":\"%s\"", taken_in);
  return g_strdup_printf ("{\"number\":\"%s\",\"service\":\"%s\",\"applicant\":\"%s\","
                          "\"state\":\"%s\",\"counter\":\"%s\"%s%s}",
                          number, service, applicant, state, counter,
                          created_at != NULL ? created_at : "", extra);
}

/* When a case of service @id taken in at @created_at is promised, in the
 * catalog and calendar the server reads. */
static gint64
promise_of (const char *id,
            gint64      created_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);
  HallService *service;

  g_assert_no_error (error);
  service = hall_catalog_lookup (catalog, id);
  g_assert_nonnull (service);
  return hall_service_get_promised_at (service, created_at);
}

/* A session of @username, an official of the test server with @roles only. */
static char *
official_token (const char *username,
                const char *roles)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (set_official (server->data_dir, username, roles, "a long enough password",
                                 &err), ==, 0);
  return sign_in (server->base, username, "a long enough password");
}

/* The hall's calendar with @holiday added to its holidays (transfer full). */
static char *
calendar_with_holiday (const char *holiday)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_file (parser, g_getenv ("SERVICE_HALL_CALENDAR"), &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  json_array_add_string_element (json_object_get_array_member (root, "holidays"), holiday);
  return json_to_string (json_parser_get_root (parser), FALSE);
}

/* A case of company_deregistration (3 working days) taken in on Friday
 * 2026-12-04 at 04:24 in Beijing, promised at @promised_at (NULL: the
 * server's rule): its answer. */
static Reply *
put_friday_case (const char *base,
                 const char *bearer,
                 const char *promised_at)
{
  g_autofree char *applicant = g_uuid_string_random ();
  g_autofree char *applicant_path = g_strconcat ("/v1/applicants/", applicant, NULL);
  g_autofree char *person = person_json (NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autofree char *number = new_number ("C01");
  g_autofree char *extra = NULL;
  g_autofree char *body = NULL;
  g_autoptr(Reply) reply = NULL;

  reply = request_full (base, "PUT", applicant_path, bearer, person, strlen (person), NULL);
  assert_status (reply, 201);
  extra = promised_at != NULL
          ? g_strdup_printf (",\"created_at\":\"2026-12-03T20:24:00Z\",\"promised_at\":\"%s\"",
                             promised_at)
          : g_strdup (",\"created_at\":\"2026-12-03T20:24:00Z\"");
  body = case_body (applicant, "company_deregistration", number, "C01", "received", extra);
  return request_full (base, "PUT", path, bearer, body, strlen (body), NULL);
}

static void
assert_promised (Reply      *reply,
                 const char *promised_at)
{
  g_autoptr(JsonNode) node = NULL;

  assert_status (reply, 201);
  node = reply_json (reply);
  g_assert_cmpstr (member (node, "promised_at"), ==, promised_at);
}

/* The administrator sets the hall's calendar: every role reads it with its
 * version, only an administrator changes it, with If-Match, and a bad one
 * is refused naming the field and the date, the one before kept. The new
 * one counts at once; a promise a counter made in the one before (not yet
 * synced) still stands; after a restart the set calendar is the server's
 * (SQLite, and PostgreSQL in server-postgres). */
static void
test_calendar (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-calendar-XXXXXX", NULL);
  g_autofree char *err = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *reception = NULL;
  g_autofree char *counter = NULL;
  g_autofree char *file_json = NULL;
  g_autofree char *holiday = calendar_with_holiday ("2026-12-07");
  g_autofree char *bad_date = calendar_with_holiday ("2026-02-30");
  g_autofree char *both = calendar_with_holiday ("2026-10-10");
  g_autofree char *twice = calendar_with_holiday ("2026-10-01");
  const char *match_1[] = { "If-Match: \"1\"", NULL };
  const char *match_2[] = { "If-Match: \"2\"", NULL };
  Server *other;
  Server *twin;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (set_official (dir, "counter.one", "counter_official", "a long enough password",
                                 &err), ==, 0);
  other = server_start (dir);
  /* A second server of the same database, as a city runs several. */
  twin = server_start (dir);
  admin = sign_in (other->base, "demo", "demo");
  reception = sign_in (other->base, "reception1", "demo");
  counter = sign_in (other->base, "counter.one", "a long enough password");

  /* The file's calendar, version 1, for every role. */
  reply = request_full (other->base, "GET", "/v1/calendar", reception, NULL, 0, NULL);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"1\"");
  node = reply_json (reply);
  g_assert_true (json_object_has_member (json_node_get_object (node), "holidays"));
  file_json = g_strdup (reply->body->str);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "GET", "/v1/calendar", NULL, NULL, 0, NULL);
  assert_problem (reply, 401, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Before: 3 working days from Friday are due on Wednesday at closing. */
  reply = put_friday_case (other->base, admin, NULL);
  assert_promised (reply, "2026-12-09T09:00:00Z");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Refusals, each leaving version 1. */
  reply = request_full (other->base, "PUT", "/v1/calendar", counter, holiday, strlen (holiday),
                        match_1);
  assert_problem (reply, 403, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, holiday, strlen (holiday),
                        NULL);
  assert_problem (reply, 428, "If-Match");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, bad_date, strlen (bad_date),
                        match_1);
  assert_problem (reply, 422, "holidays[33]");
  g_assert_nonnull (strstr (reply->body->str, "2026-02-30"));
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, both, strlen (both), match_1);
  assert_problem (reply, 422, "workdays");
  g_assert_nonnull (strstr (reply->body->str, "2026-10-10"));
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, twice, strlen (twice), match_1);
  assert_problem (reply, 422, "holidays[33]");
  g_assert_nonnull (strstr (reply->body->str, "2026-10-01"));
  g_clear_pointer (&reply, hall_test_reply_free);
  {
    const char *hours = "{\"version\":1,\"timezone\":\"+08:00\",\"hours\":{\"mon\":[\"9-17\"],"
                        "\"tue\":[],\"wed\":[],\"thu\":[],\"fri\":[],\"sat\":[],\"sun\":[]}}";

    reply = request_full (other->base, "PUT", "/v1/calendar", admin, hours, strlen (hours),
                          match_1);
    assert_problem (reply, 422, "hours.mon");
    g_clear_pointer (&reply, hall_test_reply_free);
  }
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, "{\"version\":", 11, match_1);
  assert_problem (reply, 400, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "GET", "/v1/calendar", counter, NULL, 0, NULL);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"1\"");
  g_assert_cmpstr (reply->body->str, ==, file_json);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Monday 2026-12-07 a holiday: version 2. The same again is answered
   * the same (a resent request); a change to version 1 is too late. */
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, holiday, strlen (holiday),
                        match_1);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"2\"");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, holiday, strlen (holiday),
                        match_1);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"2\"");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, both + 0, 0, match_1);
  assert_problem (reply, 400, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, file_json, strlen (file_json),
                        match_1);
  assert_problem (reply, 412, "If-Match");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Counted in at once; a counter's promise in version 1 stands; one in
   * no calendar does not. */
  reply = put_friday_case (other->base, admin, NULL);
  assert_promised (reply, "2026-12-10T09:00:00Z");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = put_friday_case (other->base, admin, "2026-12-09T09:00:00Z");
  assert_promised (reply, "2026-12-09T09:00:00Z");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = put_friday_case (other->base, admin, "2026-12-11T09:00:00Z");
  assert_problem (reply, 422, "promised_at");
  g_clear_pointer (&reply, hall_test_reply_free);
  /* The twin, started before the change, takes a promise in it from a
   * counter that synced through the other server. */
  reply = put_friday_case (twin->base, admin, "2026-12-10T09:00:00Z");
  assert_promised (reply, "2026-12-10T09:00:00Z");
  g_clear_pointer (&reply, hall_test_reply_free);
  server_stop (twin);

  /* Kept by the storage: the next start counts in version 2. */
  server_stop (other);
  other = server_start (dir);
  g_free (admin);
  admin = sign_in (other->base, "demo", "demo");
  reply = request_full (other->base, "GET", "/v1/calendar", admin, NULL, 0, NULL);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"2\"");
  g_assert_nonnull (strstr (reply->body->str, "2026-12-07"));
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = put_friday_case (other->base, admin, NULL);
  assert_promised (reply, "2026-12-10T09:00:00Z");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = put_friday_case (other->base, admin, "2026-12-09T09:00:00Z");
  assert_promised (reply, "2026-12-09T09:00:00Z");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (other->base, "PUT", "/v1/calendar", admin, file_json, strlen (file_json),
                        match_2);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"3\"");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = put_friday_case (other->base, admin, NULL);
  assert_promised (reply, "2026-12-09T09:00:00Z");
  g_clear_pointer (&reply, hall_test_reply_free);

  server_stop (other);
  hall_test_remove_tree (dir);
}

/* GET /v1/stats (issue 14): counts computed in the database, small cells
 * suppressed, for supervisors and administrators only. The fixture lives
 * in March 2001, a range no other test writes in. */
static JsonObject *
stats_group (JsonObject *stats,
             const char *key)
{
  JsonArray *groups = json_object_get_array_member (stats, "groups");

  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_str_equal (json_object_get_string_member (group, "key"), key))
        return group;
    }
  g_assert_not_reached ();
}

static void
assert_stats_count (JsonObject *figures,
                    const char *member,
                    gint64      expected)
{
  JsonObject *count = json_object_get_object_member (figures, member);

  if (expected > 0 && expected < 5)
    {
      g_assert_true (json_object_get_null_member (count, "count"));
      g_assert_true (json_object_get_boolean_member (count, "suppressed"));
    }
  else
    {
      g_assert_cmpint (json_object_get_int_member (count, "count"), ==, expected);
      g_assert_false (json_object_get_boolean_member (count, "suppressed"));
    }
}

static JsonNode *
get_stats (const char *who,
           const char *query)
{
  g_autofree char *path = g_strconcat ("/v1/stats?", query, NULL);
  g_autoptr(Reply) reply = request ("GET", path, who, NULL, NULL);

  assert_status (reply, 200);
  return reply_json (reply);
}

static void
test_stats (void)
{
  g_autofree char *counter = official_token ("counter.stats", "counter_official");
  g_autofree char *supervisor = official_token ("supervisor.stats", "supervisor");
  g_autofree char *applicant = put_applicant ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *stats;
  Reply *reply;
  /* Six cases at C01 on 5 March (hours 09, 09, 10, 10, 10, 11 of the
   * hall's time, UTC+08:00), at C02 one on 6 March (08:00) and one on
   * 7 March (07:59:59), one on 8 March outside the ranges asked. */
  static const struct { const char *counter, *created_at; } fixture[] = {
    { "C01", "2001-03-05T01:10:00Z" }, { "C01", "2001-03-05T01:20:00Z" },
    { "C01", "2001-03-05T02:00:00Z" }, { "C01", "2001-03-05T02:30:00Z" },
    { "C01", "2001-03-05T02:59:59Z" }, { "C01", "2001-03-05T03:00:00Z" },
    { "C02", "2001-03-06T00:00:00Z" }, { "C02", "2001-03-06T23:59:59Z" },
    { "C02", "2001-03-08T00:00:00Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixture); i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
      /* A case number names the year it was taken in. */
      g_autofree char *number = g_strdup_printf ("YC-2001-%s-%06u", fixture[i].counter, 900 + i);
      g_autofree char *extra = g_strdup_printf (",\"created_at\":\"%s\"",
                                                fixture[i].created_at);
      g_autofree char *body = case_body (applicant, service_id, number, fixture[i].counter,
                                         "received", extra);

      reply = request ("PUT", path, token, body, NULL);
      assert_status (reply, 201);
      hall_test_reply_free (reply);
    }

  /* Who may ask, and what they must say. */
  reply = request ("GET", "/v1/stats?from=2001-03-01&to=2001-03-07", counter, NULL, NULL);
  assert_problem (reply, 403, NULL);
  hall_test_reply_free (reply);
  reply = request ("GET", "/v1/stats?to=2001-03-07", supervisor, NULL, NULL);
  assert_problem (reply, 400, "from");
  hall_test_reply_free (reply);
  reply = request ("GET", "/v1/stats?from=2001-02-30&to=2001-03-07", supervisor, NULL, NULL);
  assert_problem (reply, 400, "from");
  hall_test_reply_free (reply);
  reply = request ("GET", "/v1/stats?from=2001-03-01&to=7.3.2001", supervisor, NULL, NULL);
  assert_problem (reply, 400, "to");
  hall_test_reply_free (reply);
  reply = request ("GET", "/v1/stats?from=2001-03-07&to=2001-03-01", supervisor, NULL, NULL);
  assert_problem (reply, 400, "to");
  hall_test_reply_free (reply);
  reply = request ("GET", "/v1/stats?from=2001-03-01&to=2001-03-07&by=applicant", supervisor,
                   NULL, NULL);
  assert_problem (reply, 400, "by");
  hall_test_reply_free (reply);

  /* By service: the eight cases of 1–7 March (the hall's days); none
   * finished yet. */
  node = get_stats (supervisor, "from=2001-03-01&to=2001-03-07&by=service");
  stats = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (stats, "from"), ==, "2001-02-28T16:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (stats, "to"), ==, "2001-03-07T16:00:00Z");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "groups")), ==, 1);
  assert_stats_count (stats_group (stats, service_id), "opened", 8);
  assert_stats_count (stats_group (stats, service_id), "finished", 0);
  g_assert_cmpfloat (json_object_get_double_member (
                       json_object_get_object_member (stats_group (stats, service_id),
                                                      "finished_share"), "value"), ==, 0.0);
  assert_stats_count (json_object_get_object_member (stats, "total"), "opened", 8);
  g_clear_pointer (&node, json_node_unref);

  /* By counter: C02's two cases are a small cell. The administrator may ask too. */
  node = get_stats (token, "from=2001-03-01&to=2001-03-07&by=counter");
  stats = json_node_get_object (node);
  assert_stats_count (stats_group (stats, "C01"), "opened", 6);
  assert_stats_count (stats_group (stats, "C02"), "opened", 2);
  g_assert_true (json_object_get_boolean_member (
                   json_object_get_object_member (stats_group (stats, "C02"), "finished_share"),
                   "suppressed"));
  g_clear_pointer (&node, json_node_unref);

  /* By the hall's day, "to" counting its whole day: 6 March 23:59:59 UTC
   * is the 7th in the hall, so out. */
  node = get_stats (supervisor, "from=2001-03-05&to=2001-03-06&by=day");
  stats = json_node_get_object (node);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "groups")), ==, 2);
  assert_stats_count (stats_group (stats, "2001-03-05"), "opened", 6);
  assert_stats_count (stats_group (stats, "2001-03-06"), "opened", 1);
  g_clear_pointer (&node, json_node_unref);

  /* By the hall's hour: 09 has two, 10 three, 11 one, 08 two, 07 one. */
  node = get_stats (supervisor, "from=2001-03-01&to=2001-03-31&by=hour");
  stats = json_node_get_object (node);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "groups")), ==, 5);
  assert_stats_count (stats_group (stats, "10"), "opened", 3);
  assert_stats_count (stats_group (stats, "08"), "opened", 2);
  assert_stats_count (json_object_get_object_member (stats, "total"), "opened", 9);
  g_clear_pointer (&node, json_node_unref);

  /* A range with nothing in it. */
  node = get_stats (supervisor, "from=2001-04-01&to=2001-04-30");
  stats = json_node_get_object (node);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "groups")), ==, 0);
  assert_stats_count (json_object_get_object_member (stats, "total"), "opened", 0);
  g_clear_pointer (&node, json_node_unref);
}

/* An event of @kase at @at: a decision (signed by @bearer's official) when
 * @decision is not NULL, else a move to @state. */
static void
stats_event (const char *kase,
             const char *bearer,
             const char *step,
             const char *decision,
             const char *reasons,
             const char *state,
             const char *at)
{
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autoptr(Reply) reply = NULL;

  if (decision != NULL)
    {
      g_autofree char *unsigned_body =
        g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\",\"step\":\"%s\","
                         "\"decision\":\"%s\",\"at\":\"%s\"%s%s}", uuid, step, decision, at,
                         reasons ? ",\"reasons\":" : "", reasons ? reasons : "");

      body = signed_decision (kase, unsigned_body, bearer);
    }
  else
    body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"state\",\"state\":\"%s\","
                            "\"at\":\"%s\"}", uuid, state, at);
  reply = request ("POST", path, bearer, body, NULL);
  assert_status (reply, 201);
}

static void
assert_stats_share (JsonObject *figures,
                    const char *member,
                    gboolean    suppressed,
                    double      expected)
{
  JsonObject *share = json_object_get_object_member (figures, member);

  g_assert_cmpint (json_object_get_boolean_member (share, "suppressed"), ==, suppressed);
  if (suppressed)
    g_assert_true (json_object_get_null_member (share, "value"));
  else
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (share, "value"), expected,
                                    1e-9);
}

/* Every figure of a group against the fixture's hand count. */
static void
assert_stats_figures (JsonObject *figures,
                      gint64      opened,
                      gint64      finished,
                      gint64      on_time,
                      gint64      late,
                      gint64      overdue_now,
                      gint64      returned,
                      gint64      rejected)
{
  assert_stats_count (figures, "opened", opened);
  assert_stats_count (figures, "finished", finished);
  assert_stats_count (figures, "on_time", on_time);
  assert_stats_count (figures, "overdue_now", overdue_now);
  assert_stats_count (figures, "returned", returned);
  assert_stats_count (figures, "rejected", rejected);
  assert_stats_share (figures, "finished_share",
                      opened < 5 || (finished > 0 && finished < 5),
                      opened > 0 ? (double) finished / opened : 0);
  assert_stats_share (figures, "on_time_share",
                      finished < 5 || (on_time > 0 && on_time < 5),
                      finished > 0 ? (double) on_time / finished : 0);
  assert_stats_share (figures, "overdue_share",
                      opened < 5 || (overdue_now + late > 0 && overdue_now + late < 5),
                      opened > 0 ? (double) (overdue_now + late) / opened : 0);
}

/* The fixture's three reasons, in their order, with their counts. */
static void
assert_stats_reasons (JsonObject *stats,
                      gint64      not_eligible,
                      gint64      not_registrable,
                      gint64      other)
{
  JsonArray *reasons = json_object_get_array_member (stats, "reasons");
  const struct { const char *kind, *reason; gint64 count; } expected[] = {
    { "reject", "not_eligible", not_eligible },
    { "return", "name_not_registrable", not_registrable },
    { "return", "other", other },
  };

  g_assert_cmpuint (json_array_get_length (reasons), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *reason = json_array_get_object_element (reasons, i);

      g_assert_cmpstr (json_object_get_string_member (reason, "kind"), ==, expected[i].kind);
      g_assert_cmpstr (json_object_get_string_member (reason, "reason"), ==, expected[i].reason);
      assert_stats_count (reason, "count", expected[i].count);
    }
}

/* The figures of step @step of @department: counts as assert_stats_count(),
 * minutes -1 for null. */
static void
assert_stats_step (JsonObject *stats,
                   const char *step,
                   const char *department,
                   gint64      decided,
                   gint64      waiting_now,
                   gint64      overdue_now,
                   gint64      minutes_median,
                   gint64      minutes_p90)
{
  JsonArray *steps = json_object_get_array_member (stats, "steps");
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (steps) && found == NULL; i++)
    {
      JsonObject *figures = json_array_get_object_element (steps, i);

      if (g_str_equal (json_object_get_string_member (figures, "step"), step)
          && g_str_equal (json_object_get_string_member (figures, "department"), department))
        found = figures;
    }
  g_assert_nonnull (found);
  assert_stats_count (found, "decided", decided);
  assert_stats_count (found, "waiting_now", waiting_now);
  assert_stats_count (found, "overdue_now", overdue_now);
  if (minutes_median < 0)
    g_assert_true (json_object_get_null_member (found, "minutes_median"));
  else
    g_assert_cmpint (json_object_get_int_member (found, "minutes_median"), ==, minutes_median);
  if (minutes_p90 < 0)
    g_assert_true (json_object_get_null_member (found, "minutes_p90"));
  else
    g_assert_cmpint (json_object_get_int_member (found, "minutes_p90"), ==, minutes_p90);
}

/* Issue 14's figures on a fixture of November 2002 (a range no other test
 * writes in), each counted by hand:
 *
 * At C01, official wang.fang, 20 cases taken in on Monday 4 November
 * 01:00 UTC (09:00 in the hall):
 *   A  5 approved through every step at 02:00 and completed at 03:00 the
 *        same day: finished, on time;
 *   B  5 the same, but completed a day after their promise: finished, late;
 *   C  5 rejected at tax_review (not_eligible) at 02:00: finished, on time,
 *        rejected;
 *   D  5 returned at review (name_not_registrable) at 02:00 and left so:
 *        open, promised in 2002, so overdue now; returned.
 * At C02, official li.na, 2 cases taken in at 20:00 UTC (04:00 on 5
 * November in the hall):
 *   E  1 returned at review (name_not_registrable and a free text), left
 *        open: overdue now, returned;
 *   F  1 rejected at tax_review: finished on time, rejected.
 *
 * C01: opened 20, finished 15 (A+B+C), on_time 10 (A+C), late 5 (B),
 *      overdue_now 5 (D), returned 5, rejected 5; finished_share 15/20,
 *      on_time_share 10/15, overdue_share (5 + 5)/20.
 * C02: opened 2, finished 1, on_time 1, overdue_now 1, returned 1,
 *      rejected 1: every count is 1–4, so suppressed, and every share with it.
 * Total: opened 22, finished 16, on_time 11, late 5, overdue_now 6,
 *      returned 6, rejected 6; shares 16/22, 11/16, 11/22.
 * Reasons, cases giving each, most first, then by kind and code: reject
 *      not_eligible 6 (C+F), return name_not_registrable 6 (D+E), return
 *      other 1 (E, suppressed). */
static void
test_stats_figures (void)
{
  g_autofree char *counter = official_token ("counter.figures", "counter_official");
  g_autofree char *first = official_token ("approver.fig1", "approver");
  g_autofree char *second = official_token ("approver.fig2", "approver");
  g_autofree char *third = official_token ("approver.fig3", "approver");
  g_autofree char *supervisor = official_token ("supervisor.figures", "supervisor");
  g_autofree char *approver_only = official_token ("approver.fig4", "approver");
  g_autofree char *applicant = put_applicant ();
  const char *decided = "2002-11-04T02:00:00Z";
  const char *finished = "2002-11-04T03:00:00Z";
  const char *refused[] = { reception_token, counter, approver_only };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *stats;
  JsonObject *department = NULL;
  static const struct { const char *counter, *kind; } fixture[] = {
    { "C01", "A" }, { "C01", "A" }, { "C01", "A" }, { "C01", "A" }, { "C01", "A" },
    { "C01", "B" }, { "C01", "B" }, { "C01", "B" }, { "C01", "B" }, { "C01", "B" },
    { "C01", "C" }, { "C01", "C" }, { "C01", "C" }, { "C01", "C" }, { "C01", "C" },
    { "C01", "D" }, { "C01", "D" }, { "C01", "D" }, { "C01", "D" }, { "C01", "D" },
    { "C02", "E" }, { "C02", "F" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixture); i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
      gboolean c01 = g_str_equal (fixture[i].counter, "C01");
      g_autofree char *number = g_strdup_printf ("YC-2002-%s-%06u", fixture[i].counter, 700 + i);
      g_autofree char *extra = g_strdup_printf (",\"created_at\":\"%s\",\"official\":\"%s\"",
                                                c01 ? "2002-11-04T01:00:00Z"
                                                    : "2002-11-04T20:00:00Z",
                                                c01 ? "wang.fang" : "li.na");
      g_autofree char *body = case_body (applicant, service_id, number, fixture[i].counter,
                                         "received", extra);
      const char *kind = fixture[i].kind;
      g_autoptr(Reply) reply = request ("PUT", path, token, body, NULL);
      g_autoptr(JsonNode) created = NULL;

      assert_status (reply, 201);
      created = reply_json (reply);
      stats_event (uuid, counter, "accept", "approve", NULL, NULL, decided);
      if (g_str_equal (kind, "C") || g_str_equal (kind, "F"))
        {
          stats_event (uuid, first, "tax_review", "reject", "[{\"code\":\"not_eligible\"}]",
                       NULL, decided);
          continue;
        }
      if (g_str_equal (kind, "D") || g_str_equal (kind, "E"))
        {
          stats_event (uuid, second, "review", "return",
                       g_str_equal (kind, "D")
                       ? "[{\"code\":\"name_not_registrable\"}]"
                       : "[{\"code\":\"name_not_registrable\"},"
                         "{\"code\":\"other\",\"text\":\"章程缺页\"}]",
                       NULL, decided);
          continue;
        }
      stats_event (uuid, first, "tax_review", "approve", NULL, NULL, decided);
      stats_event (uuid, second, "review", "approve", NULL, NULL, decided);
      stats_event (uuid, third, "seal_review", "approve", NULL, NULL, decided);
      stats_event (uuid, counter, "issue", "approve", NULL, NULL, decided);
      if (g_str_equal (kind, "A"))
        stats_event (uuid, counter, NULL, NULL, NULL, "completed", finished);
      else
        {
          /* A day after the promise the server made. */
          gint64 promised_at = time_member (json_node_get_object (created), "promised_at");
          g_autofree char *late = iso8601 (promised_at + 24 * 3600);

          stats_event (uuid, counter, NULL, NULL, NULL, "completed", late);
        }
    }

  /* Reception, a counter official and an approver may not see them. */
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(Reply) reply = request ("GET", "/v1/stats?from=2002-11-01&to=2002-11-30",
                                        refused[i], NULL, NULL);

      assert_problem (reply, 403, NULL);
    }

  node = get_stats (supervisor, "from=2002-11-01&to=2002-11-30&by=counter");
  stats = json_node_get_object (node);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "groups")), ==, 2);
  assert_stats_figures (stats_group (stats, "C01"), 20, 15, 10, 5, 5, 5, 5);
  assert_stats_figures (stats_group (stats, "C02"), 2, 1, 1, 0, 1, 1, 1);
  assert_stats_figures (json_object_get_object_member (stats, "total"), 22, 16, 11, 5, 6, 6, 6);
  assert_stats_reasons (stats, 6, 6, 1);
  /* Every step decided at 02:00; acceptance an hour after the intake,
   * the others at once after it: no case waits. */
  assert_stats_step (stats, "accept", "market_regulation", 22, 0, 0, 60, 60);
  assert_stats_step (stats, "review", "market_regulation", 16, 0, 0, 0, 0);
  assert_stats_step (stats, "tax_review", "taxation", 16, 0, 0, 0, 0);
  assert_stats_step (stats, "seal_review", "public_security", 10, 0, 0, 0, 0);
  g_assert_nonnull (json_object_get_array_member (json_object_get_object_member (stats, "queue"),
                                                  "hours"));
  g_clear_pointer (&node, json_node_unref);

  /* By official: the case's official, as by counter here. */
  node = get_stats (supervisor, "from=2002-11-01&to=2002-11-30&by=official");
  stats = json_node_get_object (node);
  assert_stats_figures (stats_group (stats, "wang.fang"), 20, 15, 10, 5, 5, 5, 5);
  assert_stats_figures (stats_group (stats, "li.na"), 2, 1, 1, 0, 1, 1, 1);
  g_clear_pointer (&node, json_node_unref);

  /* By department: the service's, from the catalog; every case in it. */
  node = get_stats (supervisor, "from=2002-11-01&to=2002-11-30&by=department");
  stats = json_node_get_object (node);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);
    const char *id;

    g_assert_no_error (error);
    id = hall_service_get_department_id (hall_catalog_lookup (catalog, service_id));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "groups")),
                      ==, 1);
    department = stats_group (stats, id);
  }
  assert_stats_figures (department, 22, 16, 11, 5, 6, 6, 6);
  g_clear_pointer (&node, json_node_unref);

  /* By the hall's day and hour (UTC+08:00): C02's 20:00 UTC is 04:00 on
   * the 5th. */
  node = get_stats (supervisor, "from=2002-11-01&to=2002-11-30&by=day");
  stats = json_node_get_object (node);
  assert_stats_figures (stats_group (stats, "2002-11-04"), 20, 15, 10, 5, 5, 5, 5);
  assert_stats_figures (stats_group (stats, "2002-11-05"), 2, 1, 1, 0, 1, 1, 1);
  g_clear_pointer (&node, json_node_unref);
  node = get_stats (supervisor, "from=2002-11-01&to=2002-11-30&by=hour");
  stats = json_node_get_object (node);
  assert_stats_figures (stats_group (stats, "09"), 20, 15, 10, 5, 5, 5, 5);
  assert_stats_figures (stats_group (stats, "04"), 2, 1, 1, 0, 1, 1, 1);
  g_clear_pointer (&node, json_node_unref);

  /* The hall's 5 November alone: C02's two cases, nothing of the 4th. */
  node = get_stats (supervisor, "from=2002-11-05&to=2002-11-05&by=counter");
  stats = json_node_get_object (node);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "groups")), ==, 1);
  assert_stats_figures (json_object_get_object_member (stats, "total"), 2, 1, 1, 0, 1, 1, 1);
  assert_stats_reasons (stats, 1, 1, 1);
  /* Their steps: 2 acceptances, 1 review (E), 1 tax review (F): counts
   * suppressed, and no times from fewer than 5 decisions. */
  assert_stats_step (stats, "accept", "market_regulation", 2, 0, 0, -1, -1);
  assert_stats_step (stats, "review", "market_regulation", 1, 0, 0, -1, -1);
  assert_stats_step (stats, "tax_review", "taxation", 1, 0, 0, -1, -1);
}

/* Time per step (issue 14), on a fixture of November 2003 (a range no
 * other test writes in): company_business_license, whose steps are
 * accept, then the joint review of review, tax_review (taxation) and
 * seal_review (public_security), then issue. Every case taken in at C03
 * on Monday 3 November 01:00 UTC.
 *   S  6 cases, i = 0..5: accept approved 10 + i minutes after the intake;
 *        review approved 30 × (i + 1) minutes after that; tax_review 20
 *        minutes after that (a joint review's second decision is timed
 *        from the first); then left waiting for seal_review.
 *   R  1 case: accept approved after 10 minutes; review returned 60
 *        minutes later; the applicant back 3 hours later (a state event to
 *        in_review: the clock starts again there); review approved 30
 *        minutes after that; left waiting for tax_review and seal_review.
 * accept:      7 decisions, 10 10 11 12 13 14 15: median (rank 4) 12,
 *              90th percentile (rank 7) 15.
 * review:      8 decisions, 30 30 60 60 90 120 150 180: median (rank 4)
 *              60, p90 (rank 8) 180.
 * tax_review:  6 decisions of 20 minutes; waiting 1 (R): suppressed.
 * seal_review: 0 decided, minutes null; waiting 7, every one overdue
 *              (promised in 2003).
 * issue:       nothing. */
static void
test_stats_steps (void)
{
  g_autofree char *counter = official_token ("counter.steps", "counter_official");
  g_autofree char *first = official_token ("approver.steps1", "approver");
  g_autofree char *second = official_token ("approver.steps2", "approver");
  g_autofree char *supervisor = official_token ("supervisor.steps", "supervisor");
  g_autofree char *applicant = put_applicant ();
  g_autoptr(GDateTime) intake = g_date_time_new_utc (2003, 11, 3, 1, 0, 0);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *stats;

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
      g_autofree char *number = g_strdup_printf ("YC-2003-C03-%06u", 800 + i);
      g_autofree char *extra = g_strdup (",\"created_at\":\"2003-11-03T01:00:00Z\"");
      g_autofree char *body = case_body (applicant, service_id, number, "C03", "received", extra);
      g_autoptr(Reply) reply = request ("PUT", path, token, body, NULL);
      gboolean returned = i == 6;
      int minutes = returned ? 10 : 10 + (int) i;
      g_autoptr(GDateTime) at = g_date_time_add_minutes (intake, minutes);
      g_autofree char *text = g_date_time_format_iso8601 (at);

      assert_status (reply, 201);
      stats_event (uuid, counter, "accept", "approve", NULL, NULL, text);
      if (returned)
        {
          g_autoptr(GDateTime) back = NULL;
          g_autoptr(GDateTime) approved = NULL;

          g_clear_pointer (&at, g_date_time_unref);
          at = g_date_time_add_minutes (intake, 10 + 60);
          g_free (text);
          text = g_date_time_format_iso8601 (at);
          stats_event (uuid, second, "review", "return",
                       "[{\"code\":\"name_not_registrable\"}]", NULL, text);
          back = g_date_time_add_hours (at, 3);
          g_free (text);
          text = g_date_time_format_iso8601 (back);
          stats_event (uuid, counter, NULL, NULL, NULL, "in_review", text);
          approved = g_date_time_add_minutes (back, 30);
          g_free (text);
          text = g_date_time_format_iso8601 (approved);
          stats_event (uuid, second, "review", "approve", NULL, NULL, text);
          continue;
        }
      {
        g_autoptr(GDateTime) review = g_date_time_add_minutes (at, 30 * ((int) i + 1));
        g_autoptr(GDateTime) tax = g_date_time_add_minutes (review, 20);
        g_autofree char *review_text = g_date_time_format_iso8601 (review);
        g_autofree char *tax_text = g_date_time_format_iso8601 (tax);

        stats_event (uuid, second, "review", "approve", NULL, NULL, review_text);
        stats_event (uuid, first, "tax_review", "approve", NULL, NULL, tax_text);
      }
    }

  node = get_stats (supervisor, "from=2003-11-01&to=2003-11-30&by=service");
  stats = json_node_get_object (node);
  assert_stats_step (stats, "accept", "market_regulation", 7, 0, 0, 12, 15);
  assert_stats_step (stats, "review", "market_regulation", 8, 0, 0, 60, 180);
  assert_stats_step (stats, "tax_review", "taxation", 6, 1, 1, 20, 20);
  assert_stats_step (stats, "seal_review", "public_security", 0, 7, 7, -1, -1);
  assert_stats_step (stats, "issue", "market_regulation", 0, 0, 0, -1, -1);
  /* In the catalog's order: the first service's steps first. */
  {
    JsonArray *steps = json_object_get_array_member (stats, "steps");
    const char *order[] = { "accept", "review", "tax_review", "seal_review", "issue" };

    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, i),
                                                      "step"), ==, order[i]);
  }
  g_clear_pointer (&node, json_node_unref);

  /* A range without those cases: no decision, nobody waiting. */
  node = get_stats (supervisor, "from=2003-12-01&to=2003-12-31&by=service");
  stats = json_node_get_object (node);
  assert_stats_step (stats, "accept", "market_regulation", 0, 0, 0, -1, -1);
  assert_stats_step (stats, "seal_review", "public_security", 0, 0, 0, -1, -1);
}

static char *
stats_body (const char *query)
{
  g_autofree char *path = g_strconcat ("/v1/stats?", query, NULL);
  g_autoptr(Reply) reply = request ("GET", path, token, NULL, NULL);

  assert_status (reply, 200);
  return g_strdup (reply->body->str);
}

/* The migration that made the stats_ tables (server SQLite 10,
 * PostgreSQL 7) fills them from the record as the triggers kept them:
 * with them set aside and the schema one step back (on PostgreSQL
 * six: the tables of versions 8 to 13 go too), the restarted server
 * answers the figures of the two fixtures above byte for byte as before. */
static void
test_stats_migration (void)
{
  const char *queries[] = {
    "from=2002-11-01&to=2002-11-30&by=counter", "from=2002-11-01&to=2002-11-30&by=hour",
    "from=2003-11-01&to=2003-11-30&by=service", "from=2002-11-05&to=2002-11-05&by=official",
  };
  g_autofree char *dir = g_strdup (server->data_dir);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    g_ptr_array_add (before, stats_body (queries[i]));
  server_stop (server);
  server = NULL;
  if (postgres != NULL)
    db_exec_in (dir, "DROP TABLE stats_cases, stats_cells, stats_steps, stats_reasons CASCADE;"
                     "DROP FUNCTION stats_cases_cells CASCADE;"
                     /* and those of versions 8 (the queue's, none in these
                      * months), 9 (blobs, none here), 10 (the cells'
                      * deltas, and the write of an entity), 11 (uploads
                      * in progress, none here), 12 (the figures fed
                      * from the change feed) and 13 (the schema's check) */
                     "DROP TABLE tickets, ticket_transitions, queue_counters, appointments,"
                     " blobs, stats_cell_deltas, blob_upload_parts, blob_uploads, stats_fed;"
                     "DROP FUNCTION stats_feed_case, stats_feed_event, stats_feed, stats_epoch;"
                     "DROP FUNCTION stats_cells_fold, hall_put_entity, hall_put_event;"
                     "DROP FUNCTION hall_schema_at_most;"
                     "UPDATE hall_schema SET version = 6");
  else
    db_exec_in (dir, "DROP TRIGGER stats_case_written; DROP TRIGGER stats_case_rewritten;"
                     "DROP TRIGGER stats_decision; DROP TRIGGER stats_state;"
                     "DROP TABLE stats_cases; DROP TABLE stats_cells; DROP TABLE stats_steps;"
                     "DROP TABLE stats_reasons; PRAGMA user_version = 9");
  server = server_start (dir);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *after = stats_body (queries[i]);

      g_assert_cmpstr (after, ==, g_ptr_array_index (before, i));
    }
  /* And they are the fixtures' figures, not two empty answers. */
  node = get_stats (token, queries[2]);
  assert_stats_step (json_node_get_object (node), "review", "market_regulation", 8, 0, 0, 60, 180);
}

/* A case can be created only as its service's cases start: received. What
 * the body says of the official is kept as the counter's word; who sent
 * it, and when, is the server's record, whatever the body claimed. */
static void
test_case_first_state (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autofree char *number = new_number ("C01");
  g_autofree char *approved = case_body (applicant, service_id, number, "C01", "approved",
                                         ",\"official\":\"someone-else\"");
  g_autofree char *received = case_body (applicant, service_id, number, "C01", "received",
                                         ",\"official\":\"someone-else\","
                                         "\"recorded_by\":\"mallory\","
                                         "\"recorded_at\":\"1999-01-01T00:00:00Z\"");
  g_autofree char *stored = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  gint64 before = now_seconds ();

  reply = request ("PUT", path, token, approved, NULL);
  assert_problem (reply, 422, "state");
  g_assert_nonnull (strstr (reply->body->str, "Received"));
  g_assert_null (get_text (path));
  g_assert_cmpuint (count_changes_of (uuid), ==, 0);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, received, NULL);
  assert_status (reply, 201);
  node = reply_json (reply);
  object = json_node_get_object (node);
  g_assert_cmpstr (member (node, "state"), ==, "received");
  g_assert_cmpstr (member (node, "official"), ==, "someone-else");
  g_assert_cmpstr (member (node, "recorded_by"), ==, "demo");
  g_assert_cmpint (time_member (object, "recorded_at"), >=, before);
  g_assert_cmpint (time_member (object, "recorded_at"), <=, now_seconds ());
  stored = get_text (path);
  g_assert_cmpstr (stored, ==, reply->body->str);
}

/* The state moves by events only: a case sent again with If-Match keeps
 * its state, even one an event could have moved it to. */
static void
test_case_state_by_events_only (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autofree char *number = new_number ("C01");
  g_autofree char *first = case_body (applicant, service_id, number, "C01", "received", "");
  g_autofree char *moved = case_body (applicant, service_id, number, "C01", "in_review", "");
  g_autofree char *changed = case_body (applicant, service_id, number, "C01", "received",
                                        ",\"official\":\"li.na\"");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *if_match[] = { "If-Match: \"1\"", NULL };
  g_autoptr(Reply) reply = request ("PUT", path, token, first, NULL);
  g_autoptr(JsonNode) node = NULL;

  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  before = get_text (path);

  reply = request ("PUT", path, token, moved, if_match);
  assert_problem (reply, 422, "state");
  node = reply_json (reply);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (node), "current"), "state"), ==, "received");
  after = get_text (path);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (count_changes_of (uuid), ==, 1);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Other changes of the case still go through. */
  reply = request ("PUT", path, token, changed, if_match);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"2\"");
}

/* What a case is stays as it was taken in: its service (which says who
 * decides it), its number and counter, and the time of intake (which its
 * promise runs from). */
static void
test_case_fixed_fields (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autofree char *number = new_number ("C01");
  g_autofree char *theirs = new_number ("C02");
  g_autofree char *first = case_body (applicant, service_id, number, "C01", "received", "");
  g_autofree char *earlier = iso8601 (now_seconds () - 7 * 24 * 3600);
  g_autofree char *earlier_extra = g_strdup_printf (",\"created_at\":\"%s\","
                                                   "\"official\":\"li.na\"", earlier);
  g_autofree char *only_time = g_strdup_printf (",\"created_at\":\"%s\"", earlier);
  g_autofree char *before = NULL;
  const char *if_match[] = { "If-Match: \"1\"", NULL };
  struct
  {
    char       *body;
    const char *field;
  } changes[] = {
    { case_body (applicant, "company_deregistration", number, "C01", "received", ""),
      "service" },
    { case_body (applicant, service_id, theirs, "C02", "received", ""), "number" },
    { case_body (applicant, service_id, number, "C01", "received", earlier_extra),
      "created_at" },
  };
  g_autoptr(Reply) reply = request ("PUT", path, token, first, NULL);

  assert_status (reply, 201);
  before = get_text (path);
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autofree char *after = NULL;

      g_clear_pointer (&reply, hall_test_reply_free);
      reply = request ("PUT", path, token, changes[i].body, if_match);
      assert_problem (reply, 422, changes[i].field);
      after = get_text (path);
      g_assert_cmpstr (after, ==, before);
      g_free (changes[i].body);
    }

  /* Sent again with only another time of intake, it is the same case: the
   * answer is the server's, as for a replay. */
  {
    g_autofree char *body = case_body (applicant, service_id, number, "C01", "received",
                                       only_time);
    g_autofree char *after = NULL;

    g_clear_pointer (&reply, hall_test_reply_free);
    reply = request ("PUT", path, token, body, NULL);
    assert_status (reply, 200);
    g_assert_cmpstr (reply->body->str, ==, before);
    after = get_text (path);
    g_assert_cmpstr (after, ==, before);
  }
  g_assert_cmpuint (count_changes_of (uuid), ==, 1);
}

/* The version is the server's: one in a body is ignored, on creation and
 * on an update alike (If-Match says which version an update is of). */
static void
test_case_version (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autofree char *number = new_number ("C01");
  g_autofree char *first = case_body (applicant, service_id, number, "C01", "received",
                                      ",\"version\":42");
  g_autofree char *changed = case_body (applicant, service_id, number, "C01", "received",
                                        ",\"official\":\"li.na\",\"version\":7");
  const char *if_match[] = { "If-Match: \"1\"", NULL };
  g_autoptr(Reply) reply = request ("PUT", path, token, first, NULL);
  g_autoptr(JsonNode) node = NULL;

  assert_status (reply, 201);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"1\"");
  node = reply_json (reply);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, changed, if_match);
  assert_status (reply, 200);
  node = reply_json (reply);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 2);
}

/* "promised_at" is "created_at" (the counter's clock) plus what the
 * service promises; the server sets it when it is left out. */
static void
test_case_promised_at (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autofree char *other = g_uuid_string_random ();
  g_autofree char *other_path = g_strconcat ("/v1/cases/", other, NULL);
  g_autofree char *number = new_number ("C01");
  gint64 created_at = now_seconds () - 3600;
  gint64 promised_at = promise_of (service_id, created_at);
  g_autofree char *created = iso8601 (created_at);
  g_autofree char *right = iso8601 (promised_at);
  g_autofree char *late = iso8601 (promised_at + 24 * 3600);
  g_autofree char *right_extra = g_strdup_printf (",\"created_at\":\"%s\",\"promised_at\":\"%s\"",
                                                  created, right);
  g_autofree char *late_extra = g_strdup_printf (",\"created_at\":\"%s\",\"promised_at\":\"%s\"",
                                                 created, late);
  g_autofree char *bad = case_body (applicant, service_id, number, "C01", "received",
                                    late_extra);
  g_autofree char *good = case_body (applicant, service_id, number, "C01", "received",
                                     right_extra);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *if_match[] = { "If-Match: \"1\"", NULL };
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;

  reply = request ("PUT", path, token, bad, NULL);
  assert_problem (reply, 422, "promised_at");
  g_assert_nonnull (strstr (reply->body->str, right));
  g_assert_null (get_text (path));
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("PUT", path, token, good, NULL);
  assert_status (reply, 201);
  node = reply_json (reply);
  g_assert_cmpint (time_member (json_node_get_object (node), "promised_at"), ==, promised_at);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  before = get_text (path);
  reply = request ("PUT", path, token, bad, if_match);
  assert_problem (reply, 422, "promised_at");
  after = get_text (path);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Left out: the server's rule fills it in. */
  {
    g_autofree char *other_number = new_number ("C01");
    g_autofree char *extra = g_strdup_printf (",\"created_at\":\"%s\"", created);
    g_autofree char *body = case_body (applicant, service_id, other_number, "C01", "received",
                                       extra);

    reply = request ("PUT", other_path, token, body, NULL);
    assert_status (reply, 201);
    node = reply_json (reply);
    g_assert_cmpint (time_member (json_node_get_object (node), "promised_at"), ==, promised_at);
  }
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* The issue's case: 3 working days from Friday 2026-12-04 04:24 in
   * Beijing are due on Wednesday at closing, not Monday at 04:24. */
  {
    g_autofree char *third = g_uuid_string_random ();
    g_autofree char *third_path = g_strconcat ("/v1/cases/", third, NULL);
    g_autofree char *third_number = new_number ("C01");
    const char *plain = ",\"created_at\":\"2026-12-03T20:24:00Z\","
                        "\"promised_at\":\"2026-12-06T20:24:00Z\"";
    const char *calendar = ",\"created_at\":\"2026-12-03T20:24:00Z\","
                           "\"promised_at\":\"2026-12-09T09:00:00Z\"";
    g_autofree char *plain_body = case_body (applicant, "company_deregistration", third_number,
                                             "C01", "received", plain);
    g_autofree char *calendar_body = case_body (applicant, "company_deregistration",
                                                third_number, "C01", "received", calendar);

    reply = request ("PUT", third_path, token, plain_body, NULL);
    assert_problem (reply, 422, "promised_at");
    g_assert_nonnull (strstr (reply->body->str, "2026-12-09T09:00:00Z"));
    g_clear_pointer (&reply, hall_test_reply_free);
    reply = request ("PUT", third_path, token, calendar_body, NULL);
    assert_status (reply, 201);
  }
}

/* A case number is HALL-YEAR-COUNTER-SEQUENCE of the case's own counter
 * and of the year it was taken in. */
static void
test_case_number (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *next_year = g_strdup_printf ("YC-%d-C01-000001",
                                                g_date_time_get_year (now) + 1);
  g_autofree char *own = new_number ("C01");
  g_autofree char *good = case_body (applicant, service_id, own, "C01", "received", "");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *if_match[] = { "If-Match: \"1\"", NULL };
  const struct
  {
    const char *number;
    const char *counter;
  } bad[] = {
    { "YC-OPENAPI-1", "C01" },
    { "YC-2026-C01-00000A", "C01" },
    { "YC-2026-C01-000001-2", "C01" },
    { next_year, "C01" },
    { own, "C02" },
  };
  g_autoptr(Reply) reply = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *body = case_body (applicant, service_id, bad[i].number, bad[i].counter,
                                         "received", "");

      reply = request ("PUT", path, token, body, NULL);
      assert_problem (reply, 422, "number");
      g_assert_null (get_text (path));
      g_clear_pointer (&reply, hall_test_reply_free);
    }
  /* A number with no counter to be of. */
  {
    g_autofree char *body = g_strdup_printf ("{\"number\":\"%s\",\"service\":\"%s\","
                                             "\"applicant\":\"%s\",\"state\":\"received\"}",
                                             own, service_id, applicant);

    reply = request ("PUT", path, token, body, NULL);
    assert_problem (reply, 422, "number");
    g_assert_null (get_text (path));
    g_clear_pointer (&reply, hall_test_reply_free);
  }
  g_assert_cmpuint (count_changes_of (uuid), ==, 0);

  reply = request ("PUT", path, token, good, NULL);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Nor can an update give it another counter's number. */
  before = get_text (path);
  {
    g_autofree char *theirs = new_number ("C02");
    g_autofree char *body = case_body (applicant, service_id, theirs, "C01", "received", "");

    reply = request ("PUT", path, token, body, if_match);
    assert_problem (reply, 422, "number");
  }
  after = get_text (path);
  g_assert_cmpstr (after, ==, before);
}

/* A checklist names documents of the case's service only, each once. */
static void
test_case_checklist (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
  g_autofree char *number = new_number ("C01");
  g_autoptr(GString) invented = g_string_new (",\"checklist\":[");
  g_autofree char *huge = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *good = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *if_match[] = { "If-Match: \"1\"", NULL };
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (invented, "%s{\"id\":\"invented_%05u\",\"provided\":true}",
                            i == 0 ? "" : ",", i);
  g_string_append_c (invented, ']');
  huge = case_body (applicant, service_id, number, "C01", "received", invented->str);
  reply = request ("PUT", path, token, huge, NULL);
  assert_problem (reply, 422, "checklist");
  g_assert_nonnull (strstr (reply->body->str, "invented_00000"));
  g_assert_null (get_text (path));
  g_clear_pointer (&reply, hall_test_reply_free);

  unknown = case_body (applicant, service_id, number, "C01", "received",
                       ",\"checklist\":[{\"id\":\"articles_of_association\",\"provided\":true},"
                       "{\"id\":\"lease_of_the_moon\",\"provided\":false}]");
  reply = request ("PUT", path, token, unknown, NULL);
  assert_problem (reply, 422, "checklist");
  g_assert_nonnull (strstr (reply->body->str, "lease_of_the_moon"));
  g_assert_null (get_text (path));
  g_clear_pointer (&reply, hall_test_reply_free);

  twice = case_body (applicant, service_id, number, "C01", "received",
                     ",\"checklist\":[{\"id\":\"premises_proof\",\"provided\":true},"
                     "{\"id\":\"premises_proof\",\"provided\":false}]");
  reply = request ("PUT", path, token, twice, NULL);
  assert_problem (reply, 422, "checklist");
  g_assert_nonnull (strstr (reply->body->str, "premises_proof"));
  g_assert_null (get_text (path));
  g_assert_cmpuint (count_changes_of (uuid), ==, 0);
  g_clear_pointer (&reply, hall_test_reply_free);

  good = case_body (applicant, service_id, number, "C01", "received",
                    ",\"checklist\":[{\"id\":\"premises_proof\",\"provided\":true},"
                    "{\"id\":\"articles_of_association\",\"provided\":false}]");
  reply = request ("PUT", path, token, good, NULL);
  assert_status (reply, 201);
  node = reply_json (reply);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (node), "checklist")), ==, 2);
  g_clear_pointer (&reply, hall_test_reply_free);

  before = get_text (path);
  reply = request ("PUT", path, token, twice, if_match);
  assert_problem (reply, 422, "checklist");
  after = get_text (path);
  g_assert_cmpstr (after, ==, before);
}

/* An event keeps the counter's word of who made it and when, beside the
 * server's record of who sent it and when; a state event's new case
 * version says the same. The change feed serves what GET does. */
static void
test_event_recorded (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *kase = put_case (applicant);
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *note_uuid = g_uuid_string_random ();
  g_autofree char *move_uuid = g_uuid_string_random ();
  g_autofree char *note = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"note\",\"note\":\"Seen\","
                                           "\"official\":\"supervisor-x\","
                                           "\"at\":\"1999-01-01T00:00:00Z\","
                                           "\"recorded_by\":\"mallory\","
                                           "\"recorded_at\":\"1999-01-01T00:00:00Z\"}",
                                           note_uuid);
  /* A decision's official is its signer's (test_decision_forged refuses
   * one that names another): demo's, sent by demo. */
  g_autofree char *move = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\","
                                           "\"step\":\"accept\",\"decision\":\"approve\","
                                           "\"official\":\"demo\","
                                           "\"at\":\"2001-02-03T04:05:06Z\"}", move_uuid);
  g_autofree char *signed_move = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonArray) changes = NULL;
  JsonObject *event;
  JsonObject *object;
  gint64 before = now_seconds ();
  gboolean seen = FALSE;

  reply = request ("POST", path, token, note, NULL);
  assert_status (reply, 201);
  node = reply_json (reply);
  event = json_object_get_object_member (json_node_get_object (node), "event");
  g_assert_cmpstr (json_object_get_string_member (event, "official"), ==, "supervisor-x");
  g_assert_cmpstr (json_object_get_string_member (event, "at"), ==, "1999-01-01T00:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (event, "recorded_by"), ==, "demo");
  g_assert_cmpint (time_member (event, "recorded_at"), >=, before);
  g_assert_cmpint (time_member (event, "recorded_at"), <=, now_seconds ());

  changes = all_changes (5000);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *data = json_object_get_object_member (change, "data");

      if (!g_str_equal (json_object_get_string_member (change, "uuid"), note_uuid))
        continue;
      g_assert_cmpstr (json_object_get_string_member (data, "official"), ==, "supervisor-x");
      g_assert_cmpstr (json_object_get_string_member (data, "recorded_by"), ==, "demo");
      g_assert_cmpstr (json_object_get_string_member (data, "recorded_at"), ==,
                       json_object_get_string_member (event, "recorded_at"));
      seen = TRUE;
    }
  g_assert_true (seen);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  signed_move = signed_decision (kase, move, token);
  reply = request ("POST", path, token, signed_move, NULL);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("GET", case_path, token, NULL, NULL);
  assert_status (reply, 200);
  node = reply_json (reply);
  object = json_node_get_object (node);
  g_assert_cmpstr (member (node, "state"), ==, "in_review");
  g_assert_cmpstr (member (node, "updated_at"), ==, "2001-02-03T04:05:06Z");
  g_assert_cmpstr (member (node, "recorded_by"), ==, "demo");
  g_assert_cmpint (time_member (object, "recorded_at"), >=, before);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 2);
}

static Reply *
post_move (const char *kase,
           const char *bearer,
           const char *state)
{
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"state\","
                                           "\"state\":\"%s\"}", uuid, state);

  return request ("POST", path, bearer, body, NULL);
}

static Reply *
post_decision (const char *kase,
               const char *bearer,
               const char *step,
               const char *decision,
               const char *reasons)
{
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\","
                                           "\"step\":\"%s\",\"decision\":\"%s\"%s%s}",
                                           uuid, step, decision, reasons ? ",\"reasons\":" : "",
                                           reasons ? reasons : "");
  g_autofree char *signed_body = signed_decision (kase, body, bearer);

  return request ("POST", path, bearer, signed_body, NULL);
}

static void
assert_decided (const char *kase,
                const char *bearer,
                const char *step,
                const char *decision,
                const char *reasons,
                const char *state)
{
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autoptr(Reply) reply = post_decision (kase, bearer, step, decision, reasons);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *stored = NULL;

  assert_status (reply, 201);
  stored = get_text (case_path);
  node = json_from_string (stored, NULL);
  g_assert_cmpstr (member (node, "state"), ==, state);
}

/* A decision refused with @status naming @field and saying @says; the case
 * as it was, and the decision not in the feed. */
static void
assert_decision_refused (const char *kase,
                         const char *bearer,
                         const char *step,
                         const char *decision,
                         const char *reasons,
                         long        status,
                         const char *field,
                         const char *says)
{
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *before = get_text (case_path);
  g_autofree char *after = NULL;
  g_autoptr(Reply) reply = post_decision (kase, bearer, step, decision, reasons);

  assert_problem (reply, status, field);
  if (strstr (reply->body->str, says) == NULL)
    g_error ("“%s” does not say “%s”", reply->body->str, says);
  after = get_text (case_path);
  g_assert_cmpstr (after, ==, before);
}

/* Only an official holding a step's role decides it (403); a case moves
 * only along its steps (422 naming the step); a state event cannot skip
 * them. */
static void
test_event_roles (void)
{
  g_autofree char *counter = official_token ("counter.only", "counter_official");
  g_autofree char *approver = official_token ("approver.only", "approver");
  g_autofree char *supervisor = official_token ("supervisor.only", "supervisor");
  g_autofree char *applicant = put_applicant ();
  /* Accept (counter_official), the joint review (approver ×3), issue. */
  g_autofree char *kase = put_case (applicant);
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *decided = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(Reply) reply = NULL;

  g_assert_cmpstr (service_id, ==, "company_business_license");
  assert_decision_refused (kase, approver, "accept", "approve", NULL, 403, "step",
                           "counter_official");
  assert_decision_refused (kase, reception_token, "accept", "approve", NULL, 403, NULL, "role");
  assert_decision_refused (kase, approver, "review", "approve", NULL, 422, "step",
                           "not at the step");
  assert_decision_refused (kase, counter, "stamp", "approve", NULL, 422, "step", "stamp");
  /* No skipping the steps by a plain state event either. */
  reply = post_move (kase, counter, "in_review");
  assert_problem (reply, 422, "step");
  g_assert_nonnull (strstr (reply->body->str, "accept"));
  g_clear_pointer (&reply, hall_test_reply_free);

  assert_decided (kase, counter, "accept", "approve", NULL, "in_review");
  assert_decision_refused (kase, counter, "review", "approve", NULL, 403, "step", "approver");
  assert_decision_refused (kase, supervisor, "review", "approve", NULL, 403, "step",
                           "approver");
  reply = post_move (kase, approver, "approved");
  assert_problem (reply, 422, "step");
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_decided (kase, approver, "review", "approve", NULL, "in_review");
  reply = request ("GET", case_path, token, NULL, NULL);
  node = reply_json (reply);
  g_assert_cmpstr (member (node, "recorded_by"), ==, "approver.only");
  g_clear_pointer (&reply, hall_test_reply_free);
  g_clear_pointer (&node, json_node_unref);

  /* Accept, review (approver), decision (supervisor). */
  {
    g_autofree char *uuid = g_uuid_string_random ();
    g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
    g_autofree char *number = new_number ("C01");
    g_autofree char *body = case_body (applicant, "company_deregistration", number, "C01",
                                       "received", "");
    reply = request ("PUT", path, token, body, NULL);
    assert_status (reply, 201);
    g_clear_pointer (&reply, hall_test_reply_free);
    assert_decided (uuid, counter, "accept", "approve", NULL, "in_review");
    decided = get_text (path);
    g_assert_nonnull (strstr (decided, "\"in_review\""));
  }
}

/* The business license from intake to hand-over on the real server: the
 * joint review of three departments, each by another official, a return
 * with reasons, the case brought back to the same step, and the approval. */
/* @body (a signed decision) POSTed as @bearer: refused with 422 naming
 * @field, the case as it was, nothing in the feed. */
static void
assert_forgery_refused (const char *kase,
                        const char *bearer,
                        const char *body,
                        const char *field)
{
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *before = get_text (case_path);
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) node = json_from_string (body, NULL);
  g_autoptr(Reply) reply = request ("POST", path, bearer, body, NULL);

  assert_problem (reply, 422, field);
  after = get_text (case_path);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (count_changes_of (member (node, "uuid")), ==, 0);
}

/* @signed_body with member @name set to @value. */
static char *
with_member (const char *signed_body,
             const char *name,
             const char *value)
{
  g_autoptr(JsonNode) node = json_from_string (signed_body, NULL);

  json_object_set_string_member (json_node_get_object (node), name, value);
  return json_to_string (node, FALSE);
}

/* Decisions the real server refuses because they are not what the
 * official signed, or not signed by a key this hall certified to the
 * official who sends them, or by a revoked key: each a 422 naming
 * "signature" or "certificate", nothing kept. The genuine one then goes
 * through. */
static void
test_decision_forged (void)
{
  g_autofree char *counter = official_token ("counter.forged", "counter_official");
  g_autofree char *other = official_token ("counter.other", "counter_official");
  g_autofree char *revoked = official_token ("counter.revoked", "counter_official");
  g_autofree char *applicant = put_applicant ();
  g_autofree char *kase = put_case (applicant);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\","
                                           "\"step\":\"accept\",\"decision\":\"approve\"}", uuid);
  g_autofree char *genuine = signed_decision (kase, body, counter);
  g_autoptr(JsonNode) node = json_from_string (genuine, NULL);
  JsonObject *object = json_node_get_object (node);
  g_autofree char *signature = g_strdup (json_object_get_string_member (object, "signature"));
  g_autofree char *certificate = g_strdup (json_object_get_string_member (object, "certificate"));
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autoptr(Reply) reply = NULL;

  /* A field changed after signing. */
  {
    g_autofree char *changed = with_member (genuine, "content_hash",
                                            "1111111111111111111111111111111111111111111111111111111111111111");
    g_autofree char *hour_ago = hall_timestamp_to_iso8601 (g_get_real_time () / G_USEC_PER_SEC
                                                           - 3600);
    g_autofree char *later = with_member (genuine, "at", hour_ago);

    assert_forgery_refused (kase, counter, changed, "signature");
    assert_forgery_refused (kase, counter, later, "signature");
  }
  /* One byte of the signature changed. */
  {
    gsize length = 0;
    g_autofree guchar *raw = g_base64_decode (signature, &length);
    g_autofree char *flipped = NULL;
    g_autofree char *forged = NULL;

    g_assert_cmpuint (length, ==, HALL_SIGNATURE_BYTES);
    raw[17] ^= 0x01;
    flipped = g_base64_encode (raw, length);
    forged = with_member (genuine, "signature", flipped);
    assert_forgery_refused (kase, counter, forged, "signature");
  }
  /* Not signed at all; no certificate; a certificate that does not parse. */
  {
    g_autoptr(JsonNode) bare = json_from_string (genuine, NULL);
    g_autofree char *unsigned_body = NULL;
    g_autofree char *no_certificate = NULL;
    g_autofree char *garbage = with_member (genuine, "certificate", "bm90IGEgY2VydGlmaWNhdGU=");

    json_object_remove_member (json_node_get_object (bare), "signature");
    unsigned_body = json_to_string (bare, FALSE);
    assert_forgery_refused (kase, counter, unsigned_body, "signature");
    json_object_set_string_member (json_node_get_object (bare), "signature", signature);
    json_object_remove_member (json_node_get_object (bare), "certificate");
    no_certificate = json_to_string (bare, FALSE);
    assert_forgery_refused (kase, counter, no_certificate, "certificate");
    assert_forgery_refused (kase, counter, garbage, "certificate");
  }
  /* Signed well, but certified by another hall's key. */
  {
    g_autoptr(HallRootKey) stranger = hall_root_key_generate ();
    TestSigner *signer = test_signer ("counter.forged");
    g_autoptr(HallCertificate) foreign = NULL;
    g_autofree char *foreign_b64 = NULL;
    g_autofree char *forged = NULL;

    foreign = hall_root_key_certify (stranger, "counter.forged",
                                     hall_signing_key_get_public_key (signer->key), 0,
                                     g_get_real_time () / G_USEC_PER_SEC + 86400);
    foreign_b64 = hall_certificate_to_base64 (foreign);
    forged = with_member (genuine, "certificate", foreign_b64);
    assert_forgery_refused (kase, counter, forged, "certificate");
  }
  /* Who decided is who signed (test_decision_signer): a decision whose
   * counter's word of who decided is not its certificate's official. */
  {
    g_autofree char *theirs = signed_decision (kase, body, other);
    g_autofree char *misnamed = with_member (theirs, "official", "counter.forged");

    assert_forgery_refused (kase, counter, misnamed, "official");
  }
  /* Signed well, but over a content of the case the server does not
   * hold. */
  {
    g_autofree char *other_uuid = g_uuid_string_random ();
    g_autofree char *stale = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\","
                                              "\"step\":\"accept\",\"decision\":\"approve\","
                                              "\"content_hash\":\"%064d\"}", other_uuid, 2);
    g_autofree char *signed_stale = signed_decision (kase, stale, counter);

    assert_forgery_refused (kase, counter, signed_stale, "content_hash");
  }
  /* A key the hall revoked from before the decision. */
  {
    TestSigner *signer = test_signer ("counter.revoked");
    g_autofree char *revocation_uuid = g_uuid_string_random ();
    g_autofree char *revocation_path = g_strconcat ("/v1/revocations/", revocation_uuid, NULL);
    g_autofree char *key_b64 = hall_public_key_to_base64 (
                                 hall_signing_key_get_public_key (signer->key));
    g_autofree char *revocation = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"key\","
                                                   "\"official\":\"counter.revoked\","
                                                   "\"public_key\":\"%s\","
                                                   "\"from\":\"2020-01-01T00:00:00Z\","
                                                   "\"reason\":\"Laptop stolen\"}",
                                                   revocation_uuid, key_b64);
    g_autofree char *by_revoked = signed_decision (kase, body, revoked);

    reply = request ("PUT", revocation_path, token, revocation, NULL);
    assert_status (reply, 200);
    g_clear_pointer (&reply, hall_test_reply_free);
    assert_forgery_refused (kase, revoked, by_revoked, "certificate");
  }

  /* The genuine decision goes through, once. */
  (void) certificate;
  reply = request ("POST", path, counter, genuine, NULL);
  assert_status (reply, 201);
  g_assert_cmpuint (count_changes_of (uuid), ==, 1);
}

/* Decision @decision of @step on @kase, signed by the official of
 * @signer (at @at, Unix seconds, or now when 0), sent by @sender's
 * session. */
static Reply *
post_signed_by (const char *kase,
                const char *signer,
                const char *sender,
                const char *step,
                gint64      at)
{
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *at_member = at != 0 ? hall_timestamp_to_iso8601 (at) : NULL;
  g_autofree char *body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\","
                                           "\"step\":\"%s\",\"decision\":\"approve\"%s%s%s}",
                                           uuid, step, at_member ? ",\"at\":\"" : "",
                                           at_member ? at_member : "", at_member ? "\"" : "");
  g_autofree char *signed_body = signed_decision (kase, body, signer);

  return request ("POST", path, sender, signed_body, NULL);
}

/* A counter where several officials decided, each signing with their own
 * key, syncs under one session: the server judges each decision by who
 * signed it (the certificate), so a joint review decided by three
 * officials and sent by a fourth is taken, and one official's second
 * step of it is refused even from another session. */
static void
test_decision_signer (void)
{
  g_autofree char *session = official_token ("counter.session", "counter_official");
  g_autofree char *accepter = official_token ("counter.accepter", "counter_official");
  g_autofree char *first = official_token ("approver.signer1", "approver");
  g_autofree char *second = official_token ("approver.signer2", "approver");
  g_autofree char *third = official_token ("approver.signer3", "approver");
  g_autofree char *applicant = put_applicant ();
  g_autofree char *kase = put_case (applicant);
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *stored = NULL;
  Reply *reply;
  guint by_signer = 0;

  reply = post_signed_by (kase, accepter, session, "accept", 0);
  assert_status (reply, 201);
  hall_test_reply_free (reply);
  reply = post_signed_by (kase, first, session, "review", 0);
  assert_status (reply, 201);
  hall_test_reply_free (reply);
  /* The same signer again, from another session: still one official. */
  reply = post_signed_by (kase, first, second, "tax_review", 0);
  assert_problem (reply, 409, "step");
  hall_test_reply_free (reply);
  reply = post_signed_by (kase, second, session, "tax_review", 0);
  assert_status (reply, 201);
  hall_test_reply_free (reply);
  reply = post_signed_by (kase, third, session, "seal_review", 0);
  assert_status (reply, 201);
  hall_test_reply_free (reply);

  stored = get_text (case_path);
  node = json_from_string (stored, NULL);
  g_assert_cmpstr (member (node, "state"), ==, "in_review");

  /* A signer without the step's role is refused, whoever sends it: the
   * last step is a counter official's. */
  reply = post_signed_by (kase, first, session, "issue", 0);
  assert_problem (reply, 403, "step");
  hall_test_reply_free (reply);

  /* Each decision sent by the session, each the signer's own. */
  changes = all_changes (500);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *data = json_object_get_object_member (change, "data");

      if (g_strcmp0 (json_object_get_string_member_with_default (data, "case", NULL), kase) != 0
          || g_strcmp0 (json_object_get_string_member_with_default (data, "kind", NULL),
                        "decision") != 0)
        continue;
      g_assert_cmpstr (json_object_get_string_member (data, "recorded_by"), ==,
                       "counter.session");
      by_signer++;
    }
  g_assert_cmpuint (by_signer, ==, 4);
}

/* A revocation of @signer's key from @from (Unix seconds). */
static void
revoke_key (const char *official,
            gint64      from)
{
  TestSigner *signer = test_signer (official);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/revocations/", uuid, NULL);
  g_autofree char *key_b64 = hall_public_key_to_base64 (hall_signing_key_get_public_key (signer->key));
  g_autofree char *from_text = hall_timestamp_to_iso8601 (from);
  g_autofree char *body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"key\",\"official\":\"%s\","
                                           "\"public_key\":\"%s\",\"from\":\"%s\","
                                           "\"reason\":\"Laptop stolen\"}",
                                           uuid, official, key_b64, from_text);
  g_autoptr(Reply) reply = request ("PUT", path, token, body, NULL);

  assert_status (reply, 200);
}

/* A key revoked from R: what it signed at or after R is refused; what it
 * signed before R is taken while it reaches the server within the hall's
 * longest offline period (72 hours by default) after R, and refused after
 * that, since its date is only the counter's word. */
static void
test_decision_revoked_window (void)
{
  g_autofree char *recent = official_token ("counter.recent", "counter_official");
  g_autofree char *old = official_token ("counter.longago", "counter_official");
  g_autofree char *applicant = put_applicant ();
  g_autofree char *first = put_case (applicant);
  g_autofree char *second = put_case (applicant);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Reply *reply;

  revoke_key ("counter.recent", now - 2 * 3600);
  revoke_key ("counter.longago", now - 100 * 3600);

  /* Signed after the revocation: refused. */
  reply = post_signed_by (first, recent, recent, "accept", now - 3600);
  assert_problem (reply, 422, "certificate");
  hall_test_reply_free (reply);
  /* Signed before it, brought 2 hours after it: taken. */
  reply = post_signed_by (first, recent, recent, "accept", now - 3 * 3600);
  assert_status (reply, 201);
  hall_test_reply_free (reply);
  /* Signed before it, brought 100 hours after it: refused, saying why. */
  reply = post_signed_by (second, old, old, "accept", now - 101 * 3600);
  assert_problem (reply, 422, "certificate");
  g_assert_nonnull (strstr (reply->body->str, "longest offline period"));
  hall_test_reply_free (reply);
}

/* The license of @kase numbered @number, issued at @issued_at by the key
 * of @official (whose certificate is by @hall, or the demo hall's). */
static char *
license_body (const char  *number,
              const char  *kase,
              const char  *payload_case,
              const char  *license_type,
              const char  *official,
              gint64       issued_at,
              HallRootKey *hall)
{
  TestSigner *signer = test_signer (official);
  g_autoptr(HallLicensePayload) payload = hall_license_payload_new ();
  g_autoptr(HallCertificate) foreign = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  payload->number = g_strdup (number);
  payload->license_type = g_strdup (license_type);
  payload->holder = g_strdup ("Test Person");
  payload->holder_id = g_strdup ("");
  payload->scope = g_strdup ("");
  payload->hall = g_strdup ("YC");
  payload->issued_at = issued_at;
  payload->case_uuid = g_strdup (payload_case);
  if (hall != NULL)
    foreign = hall_root_key_certify (hall, official, hall_signing_key_get_public_key (signer->key),
                                     0, issued_at + 86400);
  text = hall_license_payload_sign (payload, signer->key,
                                    foreign != NULL ? foreign : signer->certificate, &error);
  g_assert_no_error (error);
  return g_strdup_printf ("{\"number\":\"%s\",\"case\":\"%s\",\"payload\":\"%s\"}", number, kase,
                          text);
}

static void
assert_license_refused (const char *number,
                        const char *bearer,
                        const char *body,
                        long        status,
                        const char *field)
{
  g_autofree char *path = g_strconcat ("/v1/licenses/", number, NULL);
  g_autoptr(Reply) reply = request ("PUT", path, bearer, body, NULL);

  assert_problem (reply, status, field);
}

/* PUT /v1/licenses/{number}: taken when the server's own record agrees
 * (the case exists, every step approved, the payload that case's and its
 * service's, signed by a certified official holding the last step's
 * role), once; the same again is 200, another under the number 409; each
 * refusal names its field; the feed carries it under its case. */
static void
test_license_put (void)
{
  g_autofree char *counter = official_token ("counter.issuer", "counter_official");
  g_autofree char *first = official_token ("approver.lic1", "approver");
  g_autofree char *second = official_token ("approver.lic2", "approver");
  g_autofree char *third = official_token ("approver.lic3", "approver");
  g_autofree char *applicant = put_applicant ();
  g_autofree char *kase = put_case (applicant);
  g_autofree char *stranger_case = g_uuid_string_random ();
  g_autoptr(HallRootKey) stranger = hall_root_key_generate ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *number = g_strdup_printf ("YC-2026-C01-L%06u", g_random_int_range (1, 999999));
  g_autofree char *path = g_strconcat ("/v1/licenses/", number, NULL);
  g_autofree char *good = license_body (number, kase, kase, service_id, "counter.issuer", now,
                                        NULL);
  g_autoptr(JsonArray) changes = NULL;
  Reply *reply;
  guint in_feed = 0;

  /* Not approved yet. */
  assert_license_refused (number, counter, good, 422, "case");

  assert_decided (kase, counter, "accept", "approve", NULL, "in_review");
  assert_decided (kase, first, "review", "approve", NULL, "in_review");
  assert_decided (kase, second, "tax_review", "approve", NULL, "in_review");
  assert_decided (kase, third, "seal_review", "approve", NULL, "in_review");
  assert_decided (kase, counter, "issue", "approve", NULL, "approved");

  /* Each kind of bad license, nothing kept. */
  {
    g_autofree char *no_case = license_body (number, stranger_case, stranger_case, service_id,
                                             "counter.issuer", now, NULL);
    g_autofree char *other_case = license_body (number, kase, stranger_case, service_id,
                                                "counter.issuer", now, NULL);
    g_autofree char *other_number = license_body ("YC-2026-C01-L999999", kase, kase, service_id,
                                                  "counter.issuer", now, NULL);
    g_autofree char *foreign = license_body (number, kase, kase, service_id, "counter.issuer",
                                             now, stranger);
    g_autofree char *by_approver = license_body (number, kase, kase, service_id,
                                                 "approver.lic1", now, NULL);
    g_autofree char *other_type = license_body (number, kase, kase, "invoice_application",
                                                "counter.issuer", now, NULL);
    g_autofree char *garbage = g_strdup_printf ("{\"number\":\"%s\",\"case\":\"%s\","
                                                "\"payload\":\"SH1:NOT A LICENSE\"}",
                                                number, kase);
    g_autofree char *misnumbered = g_strdup_printf ("{\"number\":\"YC-X\",\"case\":\"%s\","
                                                    "\"payload\":\"SH1:\"}", kase);
    g_autofree char *renumbered = with_member (other_number, "number", number);

    assert_license_refused (number, counter, no_case, 422, "case");
    assert_license_refused (number, counter, other_case, 422, "case");
    assert_license_refused (number, counter, renumbered, 422, "payload");
    assert_license_refused (number, counter, foreign, 422, "certificate");
    assert_license_refused (number, counter, by_approver, 422, "certificate");
    assert_license_refused (number, counter, other_type, 422, "license_type");
    assert_license_refused (number, counter, garbage, 422, "payload");
    assert_license_refused (number, counter, misnumbered, 422, "number");
    /* A reception official sends no licenses. */
    {
      g_autofree char *reception = official_token ("reception.lic", "reception");

      assert_license_refused (number, reception, good, 403, NULL);
    }
  }

  reply = request ("PUT", path, counter, good, NULL);
  assert_status (reply, 201);
  hall_test_reply_free (reply);
  /* The same again (a lost answer, retried): the one kept. */
  reply = request ("PUT", path, counter, good, NULL);
  assert_status (reply, 200);
  hall_test_reply_free (reply);
  /* Another license under the number, or a second of the case. */
  {
    g_autofree char *later = license_body (number, kase, kase, service_id, "counter.issuer",
                                           now + 1, NULL);
    g_autofree char *second_number = g_strdup_printf ("%s9", number);
    g_autofree char *second_license = license_body (second_number, kase, kase, service_id,
                                                    "counter.issuer", now, NULL);

    assert_license_refused (number, counter, later, 409, "payload");
    assert_license_refused (second_number, counter, second_license, 409, "case");
  }

  changes = all_changes (500);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "entity"), "license") != 0
          || g_strcmp0 (json_object_get_string_member (change, "uuid"), kase) != 0)
        continue;
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change,
                                                                                      "data"),
                                                      "number"), ==, number);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change,
                                                                                      "data"),
                                                      "official"), ==, "counter.issuer");
      in_feed++;
    }
  g_assert_cmpuint (in_feed, ==, 1);
}

static void
test_decision_path (void)
{
  g_autofree char *counter = official_token ("counter.path", "counter_official");
  g_autofree char *first = official_token ("approver.one", "approver");
  g_autofree char *second = official_token ("approver.two", "approver");
  g_autofree char *third = official_token ("approver.three", "approver");
  g_autofree char *applicant = put_applicant ();
  g_autofree char *kase = put_case (applicant);
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/events", kase);
  g_autofree char *decision_uuid = g_uuid_string_random ();
  g_autofree char *decision = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\","
                                               "\"step\":\"accept\",\"decision\":\"approve\"}",
                                               decision_uuid);
  g_autofree char *signed_body = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) again = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* Sent twice (a counter's retry): one decision. */
  signed_body = signed_decision (kase, decision, counter);
  reply = request ("POST", path, counter, signed_body, NULL);
  assert_status (reply, 201);
  again = request ("POST", path, counter, signed_body, NULL);
  assert_status (again, 200);
  g_assert_cmpuint (count_changes_of (decision_uuid), ==, 1);
  g_clear_pointer (&reply, hall_test_reply_free);

  assert_decided (kase, first, "tax_review", "approve", NULL, "in_review");
  /* One official, one step of a joint review; a step decided once. */
  assert_decision_refused (kase, first, "review", "approve", NULL, 409, "step",
                           "joint review");
  assert_decision_refused (kase, second, "tax_review", "approve", NULL, 409, "step",
                           "approver.one");
  /* Reasons: needed to return, and the service's or the official's own. */
  assert_decision_refused (kase, second, "review", "return", NULL, 422, "reasons",
                           "at least one");
  assert_decision_refused (kase, second, "review", "return", "[{\"code\":\"made_up\"}]", 422,
                           "reasons", "made_up");
  assert_decided (kase, second, "review", "return",
                  "[{\"code\":\"name_not_registrable\"},{\"code\":\"other\","
                  "\"text\":\"章程第三页缺少签字\"}]", "returned");
  assert_decision_refused (kase, third, "seal_review", "approve", NULL, 422, "step",
                           "returned");
  /* The applicant brings what was missing: back to the same step, not
   * to acceptance. */
  reply = post_move (kase, counter, "received");
  assert_problem (reply, 422, "state");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = post_move (kase, counter, "in_review");
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_decision_refused (kase, counter, "accept", "approve", NULL, 422, "step", "done");

  /* The round starts again: the approval before the return is void. */
  assert_decided (kase, first, "tax_review", "approve", NULL, "in_review");
  assert_decided (kase, second, "review", "approve", NULL, "in_review");
  assert_decided (kase, third, "seal_review", "approve", NULL, "in_review");
  assert_decided (kase, counter, "issue", "approve", NULL, "approved");
  assert_decision_refused (kase, counter, "issue", "reject", "[{\"code\":\"not_eligible\"}]",
                           422, "step", "no step waits");
  reply = post_move (kase, counter, "completed");
  assert_status (reply, 201);
}

/* A batch whose operations read what the ones before them wrote (a
 * storage that reads a batch ahead must answer as if it had not): a case
 * number taken earlier in the batch, a version raised, an audit chain
 * grown, a key answered. */
static void
test_batch_reads_its_own_writes (void)
{
  g_autofree char *applicant = g_uuid_string_random ();
  g_autofree char *first = g_uuid_string_random ();
  g_autofree char *second = g_uuid_string_random ();
  g_autofree char *e1 = g_uuid_string_random ();
  g_autofree char *e2 = g_uuid_string_random ();
  g_autofree char *applicant_path = g_strconcat ("/v1/applicants/", applicant, NULL);
  g_autofree char *first_path = g_strconcat ("/v1/cases/", first, NULL);
  g_autofree char *second_path = g_strconcat ("/v1/cases/", second, NULL);
  g_autofree char *events_path = g_strdup_printf ("/v1/cases/%s/events", first);
  g_autofree char *number = new_number ("C05");
  g_autofree char *person = person_json (NULL);
  g_autofree char *first_body = case_json (applicant, service_id, number);
  g_autofree char *second_body = case_json (applicant, service_id, number);
  g_autofree char *changed = NULL;
  g_autofree char *e1_body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"note\","
                                              "\"note\":\"First\"}", e1);
  g_autofree char *e2_body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"note\","
                                              "\"note\":\"Second\"}", e2);
  g_autofree char *e1_key = g_uuid_string_random ();
  g_autofree char *change_op = NULL;
  g_autofree char *stale_op = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *e1_entry = NULL;
  g_autofree char *e2_prev = NULL;
  g_autofree char *head = NULL;
  g_autofree char *e2_entry = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_auto(GStrv) ops = g_new0 (char *, 10);
  g_auto(GStrv) keys = g_new0 (char *, 8);
  guint n = 0;

  for (guint i = 0; i < 7; i++)
    keys[i] = g_uuid_string_random ();

  changed = g_strdup (first_body);
  changed[strlen (changed) - 1] = '\0';
  {
    g_autofree char *with_official = g_strconcat (changed, ",\"official\":\"li.na\"}", NULL);

    g_free (changed);
    changed = g_steal_pointer (&with_official);
  }

  ops[n++] = batch_op (keys[0], "PUT", applicant_path, person);
  ops[n++] = batch_op (keys[1], "PUT", first_path, first_body);
  /* The number the case before took. */
  ops[n++] = batch_op (keys[2], "PUT", second_path, second_body);
  ops[n++] = batch_op (e1_key, "POST", events_path, e1_body);
  ops[n++] = batch_op (keys[3], "POST", events_path, e2_body);
  /* The first event's key again: its answer, not a second event. */
  ops[n++] = batch_op (e1_key, "POST", events_path, e1_body);
  /* The first event again under another key: it is in (written by this
   * batch), so it is answered as stored, not written twice. */
  ops[n++] = batch_op (keys[6], "POST", events_path, e1_body);
  /* Version 1 is current: this changes it to 2 … */
  change_op = batch_op (keys[4], "PUT", first_path, changed);
  change_op[strlen (change_op) - 1] = '\0';
  ops[n++] = g_strconcat (change_op, ",\"if_match\":\"\\\"1\\\"\"}", NULL);
  /* … so that the same If-Match comes too late. */
  stale_op = batch_op (keys[5], "PUT", first_path, first_body);
  stale_op[strlen (stale_op) - 1] = '\0';
  ops[n++] = g_strconcat (stale_op, ",\"if_match\":\"\\\"1\\\"\"}", NULL);

  results = post_batch (ops);
  g_assert_cmpint (result_status (results, 0), ==, 201);
  g_assert_cmpint (result_status (results, 1), ==, 201);
  g_assert_cmpint (result_status (results, 2), ==, 409);
  g_assert_cmpstr (result_field (results, 2), ==, "number");
  g_assert_cmpint (result_status (results, 3), ==, 201);
  g_assert_cmpint (result_status (results, 4), ==, 201);
  g_assert_cmpint (result_status (results, 5), ==, 201);
  g_assert_cmpint (result_status (results, 6), ==, 200);
  g_assert_cmpint (result_status (results, 7), ==, 200);
  g_assert_cmpint (result_status (results, 8), ==, 412);
  g_assert_null (get_text (second_path));
  g_assert_cmpuint (count_changes_of (e1), ==, 1);

  /* The second event chains onto the first, and the case's head onto it. */
  sql = g_strdup_printf ("SELECT entry_hash FROM events WHERE uuid = '%s'", e1);
  e1_entry = server_db_text (sql);
  g_free (sql);
  sql = g_strdup_printf ("SELECT prev_hash FROM events WHERE uuid = '%s'", e2);
  e2_prev = server_db_text (sql);
  g_free (sql);
  sql = g_strdup_printf ("SELECT entry_hash FROM events WHERE uuid = '%s'", e2);
  e2_entry = server_db_text (sql);
  g_free (sql);
  sql = g_strdup_printf ("SELECT audit_head FROM cases WHERE uuid = '%s'", first);
  head = server_db_text (sql);
  g_assert_nonnull (e1_entry);
  g_assert_cmpuint (strlen (e1_entry), >, 0);
  g_assert_cmpstr (e2_prev, ==, e1_entry);
  g_assert_cmpstr (head, ==, e2_entry);
}

/* A batch's operations meet the rules of single writes, each on its own. */
static void
test_batch_same_rules (void)
{
  g_autofree char *counter = official_token ("counter.batch", "counter_official");
  g_autofree char *applicant = put_applicant ();
  g_autofree char *good = g_uuid_string_random ();
  g_autofree char *good_path = g_strconcat ("/v1/cases/", good, NULL);
  g_autofree char *good_events = g_strdup_printf ("/v1/cases/%s/events", good);
  g_autofree char *number = new_number ("C01");
  g_autofree char *good_body = case_body (applicant, service_id, number, "C01", "received", "");
  g_autofree char *approved_body = case_body (applicant, service_id, number, "C01", "approved",
                                              "");
  g_autofree char *review_uuid = g_uuid_string_random ();
  g_autofree char *review = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"decision\","
                                             "\"step\":\"accept\","
                                             "\"decision\":\"approve\"}", review_uuid);
  g_autofree char *approve_uuid = g_uuid_string_random ();
  g_autofree char *stored = NULL;
  g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_auto(GStrv) ops = g_new0 (char *, 10);
  const char *fields[] = { "state", "checklist", "promised_at", "number" };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
      g_autofree char *other_number = new_number ("C01");
      g_autofree char *body = NULL;

      if (i == 0)
        body = case_body (applicant, service_id, other_number, "C01", "approved", "");
      else if (i == 1)
        body = case_body (applicant, service_id, other_number, "C01", "received",
                          ",\"checklist\":[{\"id\":\"invented\",\"provided\":true}]");
      else if (i == 2)
        body = case_body (applicant, service_id, other_number, "C01", "received",
                          ",\"created_at\":\"2026-01-01T00:00:00Z\","
                          "\"promised_at\":\"2026-01-01T00:00:01Z\"");
      else
        body = case_body (applicant, service_id, other_number, "C02", "received", "");
      ops[n++] = batch_op (key, "PUT", path, body);
      g_ptr_array_add (refused, g_steal_pointer (&uuid));
    }
  {
    g_autofree char *k1 = g_uuid_string_random ();
    g_autofree char *k2 = g_uuid_string_random ();
    g_autofree char *k3 = g_uuid_string_random ();
    g_autofree char *k4 = g_uuid_string_random ();
    g_autofree char *approve = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"state\","
                                                "\"state\":\"approved\"}", approve_uuid);
    g_autofree char *if_match_op = NULL;
    g_autofree char *hashed_review = with_content_hash (review, good, good_body);
    g_autofree char *signed_review = signed_decision (good, hashed_review, counter);

    ops[n++] = batch_op (k1, "PUT", good_path, good_body);
    ops[n++] = batch_op (k2, "POST", good_events, signed_review);
    /* A counter official does not decide. */
    ops[n++] = batch_op (k3, "POST", good_events, approve);
    if_match_op = batch_op (k4, "PUT", good_path, approved_body);
    /* {"key", …, "body": …} with "if_match" before the closing brace. */
    if_match_op[strlen (if_match_op) - 1] = '\0';
    ops[n++] = g_strconcat (if_match_op, ",\"if_match\":\"\\\"2\\\"\"}", NULL);
  }

  results = post_batch_as (counter, ops);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *path = g_strconcat ("/v1/cases/", (char *) refused->pdata[i], NULL);

      g_assert_cmpint (result_status (results, i), ==, 422);
      g_assert_cmpstr (result_field (results, i), ==, fields[i]);
      g_assert_null (get_text (path));
    }
  g_assert_cmpint (result_status (results, 4), ==, 201);
  g_assert_cmpint (result_status (results, 5), ==, 201);
  g_assert_cmpint (result_status (results, 6), ==, 403);
  g_assert_cmpstr (result_field (results, 6), ==, "state");
  g_assert_cmpint (result_status (results, 7), ==, 422);
  g_assert_cmpstr (result_field (results, 7), ==, "state");
  g_assert_cmpuint (count_changes_of (approve_uuid), ==, 0);

  stored = get_text (good_path);
  node = json_from_string (stored, NULL);
  g_assert_cmpstr (member (node, "state"), ==, "in_review");
  g_assert_cmpstr (member (node, "recorded_by"), ==, "counter.batch");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 2);
}

typedef struct
{
  const char *base;
  const char *token;
  GMutex      mutex;
  GPtrArray  *acknowledged;
  gint        stop;
} Load;

static gpointer
load_thread (gpointer user_data)
{
  Load *load = user_data;

  while (!g_atomic_int_get (&load->stop))
    {
      g_autofree char *body = person_json (NULL);
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
      g_autoptr(Reply) reply = request_full (load->base, "PUT", path, load->token, body,
                                             strlen (body), NULL);

      if (reply->status < 0)
        break;  /* the server is gone */
      g_assert_cmpint (reply->status, ==, 201);
      g_mutex_lock (&load->mutex);
      g_ptr_array_add (load->acknowledged, g_steal_pointer (&uuid));
      g_mutex_unlock (&load->mutex);
    }
  return NULL;
}

/* Every write that got a 2xx survives kill -9. */
static void
test_durability (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hall-server-durability-XXXXXX", &error);
  g_autofree char *load_token = NULL;
  Server *victim;
  Load load = { 0 };
  GThread *threads[8];
  guint acknowledged = 0;

  g_assert_no_error (error);
  victim = server_start (dir);
  load_token = sign_in (victim->base, "demo", "demo");
  load.base = victim->base;
  load.token = load_token;
  load.acknowledged = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&load.mutex);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("load", load_thread, &load);

  for (guint i = 0; i < 3000 && acknowledged < 400; i++)
    {
      g_usleep (10 * 1000);
      g_mutex_lock (&load.mutex);
      acknowledged = load.acknowledged->len;
      g_mutex_unlock (&load.mutex);
    }
  g_assert_cmpuint (acknowledged, >=, 400);

  /* In the middle of the load. */
  g_subprocess_force_exit (victim->process);
  g_subprocess_wait (victim->process, NULL, NULL);
  g_atomic_int_set (&load.stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  server_free (victim);

  victim = server_start (dir);
  g_test_message ("%u writes acknowledged before kill -9", load.acknowledged->len);
  for (guint i = 0; i < load.acknowledged->len; i++)
    {
      g_autofree char *path = g_strconcat ("/v1/applicants/",
                                           (char *) g_ptr_array_index (load.acknowledged, i), NULL);
      g_autoptr(Reply) reply = request_full (victim->base, "GET", path, load_token, NULL, 0, NULL);

      assert_status (reply, 200);
    }
  server_stop (victim);
  hall_test_remove_tree (dir);
  g_ptr_array_unref (load.acknowledged);
  g_mutex_clear (&load.mutex);
}

/* Sends @head (and nothing else) on a connection of its own; the status of
 * the answer and its body, for what curl will not send. */
static Reply *
request_raw (const char *head)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *host_port = g_strdup (server->base + strlen ("http://"));
  GOutputStream *out;
  GInputStream *in;
  GString *text = g_string_new (NULL);
  Reply *reply = g_new0 (Reply, 1);
  char buffer[4096];
  gssize n;
  const char *body;

  connection = g_socket_client_connect_to_host (client, host_port, 80, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);
  /* The server closes the connection after such an answer. */
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (text, buffer, n);
  answer = g_string_free (text, FALSE);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 "));
  reply->status = strtol (answer + strlen ("HTTP/1.1 "), NULL, 10);
  reply->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  body = strstr (answer, "\r\n\r\n");
  reply->body = g_string_new (body != NULL ? body + 4 : "");
  if (strstr (answer, "application/problem+json") != NULL)
    reply->content_type = g_strdup ("application/problem+json");
  return reply;
}

/* Text that C would cut short, or that JSON does not allow, is refused
 * naming the member; nothing is stored. */
static void
test_untrusted_json (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  static const char * const sign_ins[] = {
    "{\"username\":\"demo\",\"password\":\"demo\\u0000anything\"}",
    "{\"username\":\"demo\\u0000evil\",\"password\":\"demo\"}",
  };
  static const struct
  {
    const char *body;
    const char *field;
  } bodies[] = {
    { "{\"kind\":\"person\",\"name\":\"ab\\u0000cd\",\"id_type\":\"resident_id\","
      "\"id_number\":\"11010519491231002X\"}", "name" },
    { "{\"kind\":\"person\",\"name\":\"ab\",\"id_type\":\"resident_id\","
      "\"id_number\":\"11010519491231002X\\u0000\"}", "id_number" },
    { "{\"kind\":\"person\",\"kind\":\"business\",\"name\":\"ab\",\"id_type\":\"resident_id\","
      "\"id_number\":\"11010519491231002X\"}", "kind" },
    { "{\"kind\":\"person\",\"name\":\"ab\",\"id_type\":\"resident_id\","
      "\"id_number\":\"11010519491231002X\"}{\"a\":1}", NULL },
  };
  static const char * const not_json_types[] = {
    "Content-Type: text/plain", "Content-Type: application/x-www-form-urlencoded",
    "Content-Type: application/json; charset=latin1", "Content-Type: application/jsonx",
  };
  g_autofree char *good = person_json (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sign_ins); i++)
    {
      g_autoptr(Reply) reply = request ("POST", "/v1/sessions", NULL, sign_ins[i], NULL);

      assert_problem (reply, 401, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(Reply) reply = request ("PUT", path, token, bodies[i].body, NULL);
      g_autoptr(Reply) after = NULL;

      assert_problem (reply, 400, bodies[i].field);
      after = request ("GET", path, token, NULL, NULL);
      assert_problem (after, 404, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (not_json_types); i++)
    {
      const char *extra[] = { not_json_types[i], NULL };
      g_autoptr(Reply) reply = request ("PUT", path, token, good, extra);

      assert_problem (reply, 415, "Content-Type");
    }
  {
    const char *extra[] = { "Content-Type: Application/JSON; Charset=\"UTF-8\"", NULL };
    g_autoptr(Reply) reply = request ("PUT", path, token, good, extra);

    assert_status (reply, 201);
  }
}

/* One spelling of each path; nothing in a path is cut short; heads beyond
 * the limits get problems too. */
static void
test_untrusted_paths (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *upper = g_ascii_strup (applicant, -1);
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "x", -1);
  g_autofree char *sha_upper = g_ascii_strup (sha, -1);
  g_autofree char *long_path = NULL;
  g_autofree char *long_header = NULL;
  const char *paths_404[] = { NULL, NULL, NULL };
  g_autofree char *p0 = g_strconcat ("/v1/applicants/", upper, NULL);
  g_autofree char *p1 = g_strconcat ("/v1/applicants/%7B", applicant, "%7D", NULL);
  g_autofree char *p2 = g_strconcat ("/v1/blobs/", sha_upper, NULL);
  g_autofree char *nul_blob = g_strconcat ("/v1/blobs/", sha, "%00.txt", NULL);
  g_autofree char *nul_applicant = g_strconcat ("/v1/applicants/", applicant, "%00", NULL);
  g_autofree char *control = g_strconcat ("/v1/applicants/", applicant, "%0a", NULL);
  const char *paths_400[] = { nul_blob, nul_applicant, control };

  paths_404[0] = p0;
  paths_404[1] = p1;
  paths_404[2] = p2;
  for (guint i = 0; i < G_N_ELEMENTS (paths_404); i++)
    {
      g_autoptr(Reply) reply = request ("GET", paths_404[i], token, NULL, NULL);

      assert_problem (reply, 404, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (paths_400); i++)
    {
      g_autoptr(Reply) reply = request ("GET", paths_400[i], token, NULL, NULL);

      assert_problem (reply, 400, "path");
    }

  {
    g_autofree char *filler = g_strnfill (100 * 1024, 'a');
    g_autoptr(Reply) reply = NULL;

    long_path = g_strconcat ("/v1/", filler, NULL);
    reply = request ("GET", long_path, token, NULL, NULL);
    assert_problem (reply, 414, "path");
  }
  {
    g_autofree char *filler = g_strnfill (20 * 1024, 'b');
    const char *extra[] = { NULL, NULL };
    g_autoptr(Reply) reply = NULL;

    long_header = g_strconcat ("X-Filler: ", filler, NULL);
    extra[0] = long_header;
    reply = request ("GET", "/v1/health", NULL, NULL, extra);
    assert_problem (reply, 431, NULL);
  }
  /* RFC 9112: two lengths that differ make the framing unknown. */
  {
    g_autofree char *head = g_strdup_printf ("PUT /v1/applicants/%s HTTP/1.1\r\n"
                                             "Host: 127.0.0.1\r\n"
                                             "Authorization: Bearer %s\r\n"
                                             "Content-Type: application/json\r\n"
                                             "Content-Length: 2\r\n"
                                             "Content-Length: 40\r\n"
                                             "\r\n{}",
                                             applicant, token);
    g_autoptr(Reply) reply = request_raw (head);

    assert_problem (reply, 400, "Content-Length");
  }
}

/* As the contract says: more than the maximum counts as the maximum, in
 * any number of digits; what is not a whole number of at least 1 is 400. */
static void
test_changes_limit (void)
{
  static const char * const accepted[] = { "1", "5000", "5001", "99999999999999999999999" };
  static const char * const refused[] = { "0", "-1", "1.5", "%00", "1%00", "x" };

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autofree char *path = g_strconcat ("/v1/changes?limit=", accepted[i], NULL);
      g_autoptr(Reply) reply = request ("GET", path, token, NULL, NULL);

      assert_status (reply, 200);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *path = g_strconcat ("/v1/changes?limit=", refused[i], NULL);
      g_autoptr(Reply) reply = request ("GET", path, token, NULL, NULL);

      assert_problem (reply, 400, "limit");
    }
}

/* A token signed with the server's own key that promises a hundred years. */
static char *
forge_token (gint64 issued_at_usec)
{
  g_autofree char *key_path = g_build_filename (server->data_dir, "session.key", NULL);
  g_autofree char *key = NULL;
  g_autofree char *payload = NULL;
  gsize key_length = 0;
  guint8 mac[crypto_auth_BYTES];
  char payload64[512];
  char mac64[128];

  g_assert_true (g_file_get_contents (key_path, &key, &key_length, NULL));
  g_assert_cmpuint (key_length, ==, crypto_auth_KEYBYTES);
  payload = g_strdup_printf ("demo\n%u\n%" G_GINT64_FORMAT "\n%" G_GINT64_FORMAT, 31u,
                             g_get_real_time () / G_USEC_PER_SEC + G_GINT64_CONSTANT (100) * 365 * 24 * 3600,
                             issued_at_usec);
  crypto_auth (mac, (const guint8 *) payload, strlen (payload), (const guint8 *) key);
  sodium_bin2base64 (payload64, sizeof payload64, (const guint8 *) payload, strlen (payload),
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_bin2base64 (mac64, sizeof mac64, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return g_strconcat (payload64, ".", mac64, NULL);
}

/* The server caps a session's life itself, whatever a token says. */
static void
test_session_lifetime (void)
{
  gint64 hour = G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  g_autofree char *young = forge_token (g_get_real_time () - hour);
  g_autofree char *old = forge_token (g_get_real_time () - 13 * hour);
  g_autofree char *undated = forge_token (0);
  g_autoptr(Reply) young_reply = request ("GET", "/v1/catalog", young, NULL, NULL);
  g_autoptr(Reply) old_reply = request ("GET", "/v1/catalog", old, NULL, NULL);
  g_autoptr(Reply) undated_reply = request ("GET", "/v1/catalog", undated, NULL, NULL);

  assert_status (young_reply, 200);
  assert_problem (old_reply, 401, NULL);
  assert_problem (undated_reply, 401, NULL);
}

/* The whole feed as @bearer reads it, from the start: its text, and the
 * cursor it ends at in *@next_out. */
static char *
feed_as (const char  *bearer,
         char       **next_out)
{
  g_autoptr(Reply) reply = request ("GET", "/v1/changes?limit=5000", bearer, NULL, NULL);
  g_autoptr(JsonNode) node = NULL;

  assert_status (reply, 200);
  node = reply_json (reply);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "more"));
  *next_out = g_strdup (member (node, "next"));
  return g_strdup (reply->body->str);
}

/* Each role reads of the change feed what its work needs: counter
 * officials, approvers and supervisors the cases with their applicants;
 * reception and administrators no applicant's personal data (no ID
 * number, phone or name) and no case or event, though the cursor moves on
 * as far. Reading an applicant or a case directly is refused them too. */
static void
test_changes_roles (void)
{
  g_autofree char *id_number = NULL;
  g_autofree char *applicant = put_person (&id_number);
  g_autofree char *kase = put_case (applicant);
  g_autofree char *applicant_path = g_strconcat ("/v1/applicants/", applicant, NULL);
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  const struct { const char *name; const char *roles; gboolean sees; } roles[] = {
    { "feed.counter", "counter_official", TRUE },
    { "feed.approver", "approver", TRUE },
    { "feed.supervisor", "supervisor", TRUE },
    { "feed.reception", "reception", FALSE },
    { "feed.admin", "administrator", FALSE },
    { "feed.both", "reception,approver", TRUE },
  };
  g_autofree char *all_next = NULL;
  g_autofree char *all = feed_as (token, &all_next);

  g_assert_nonnull (strstr (all, id_number));
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *bearer = official_token (roles[i].name, roles[i].roles);
      g_autofree char *next = NULL;
      g_autofree char *feed = feed_as (bearer, &next);
      g_autoptr(Reply) read_applicant = request ("GET", applicant_path, bearer, NULL, NULL);
      g_autoptr(Reply) read_case = request ("GET", case_path, bearer, NULL, NULL);

      g_test_message ("%s: %zu bytes of feed", roles[i].roles, strlen (feed));
      /* The same place in the feed, whatever was left out. */
      g_assert_cmpint (g_ascii_strtoll (next, NULL, 10), >=, g_ascii_strtoll (all_next, NULL, 10));
      if (roles[i].sees)
        {
          g_assert_nonnull (strstr (feed, id_number));
          g_assert_nonnull (strstr (feed, kase));
          assert_status (read_applicant, 200);
          assert_status (read_case, 200);
        }
      else
        {
          g_assert_null (strstr (feed, id_number));
          g_assert_null (strstr (feed, "13800138000"));
          g_assert_null (strstr (feed, "Test Person"));
          g_assert_null (strstr (feed, applicant));
          g_assert_null (strstr (feed, kase));
          assert_problem (read_applicant, 403, NULL);
          assert_problem (read_case, 403, NULL);
        }
    }
}

/* The signature and IHDR of a 1000 × 1400 grey PNG (CRC not checked):
 * the server keeps blobs that are pages only. */
static const guint8 png_page_header[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  0, 0, 0x03, 0xe8, 0, 0, 0x05, 0x78, 8, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* (transfer full): the SHA-256 of a new page file of @size bytes, not
 * sent; its bytes in *@data_out. */
static char *
new_page_file (gsize    size,
               guint8 **data_out)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_random_int ();
  memcpy (data, png_page_header, sizeof png_page_header);
  *data_out = data;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
}

static char *
page_body (const char *kase,
           const char *slot,
           const char *sha256,
           int         position,
           int         turn)
{
  return g_strdup_printf ("{\"case\":\"%s\",\"slot\":\"%s\",\"position\":%d,\"turn\":%d,"
                          "\"sha256\":\"%s\",\"kind\":\"grey\",\"mime\":\"image/png\","
                          "\"bytes\":4096,\"width\":1000,\"height\":1400,\"dpi\":300,"
                          "\"created_at\":\"2026-12-04T09:30:00Z\"}",
                          kase, slot, position, turn, sha256);
}

/* A document entry that names a slot of the case's checklist provides it:
 * the case's item says so and its version bumps, once for each entry
 * whatever its replays; a slot the checklist lacks, or a slot on another kind of entry,
 * is refused naming "slot", and leaves the case as it was. */
static void
test_event_document_provided (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *kase = g_uuid_string_random ();
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *path = g_strconcat (case_path, "/events", NULL);
  g_autofree char *number = new_number ("C01");
  g_autofree char *case_text = case_body (applicant, service_id, number, "C01", "received",
                                          ",\"checklist\":[{\"id\":\"premises_proof\","
                                          "\"provided\":false}]");
  g_autofree char *scanned_uuid = g_uuid_string_random ();
  g_autofree char *scanned = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"document\","
                                              "\"slot\":\"premises_proof\","
                                              "\"note\":\"1 page added to premises_proof\"}",
                                              scanned_uuid);
  g_autofree char *again_uuid = g_uuid_string_random ();
  g_autofree char *again = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"document\","
                                            "\"slot\":\"premises_proof\"}", again_uuid);
  static const struct { const char *kind; const char *slot; } refused[] = {
    { "document", "id_card" },
    { "document", "../../etc" },
    { "document", "" },
    { "note", "premises_proof" },
  };
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) first = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *checklist;

  reply = request ("PUT", case_path, token, case_text, NULL);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"%s\","
                                               "\"slot\":\"%s\"}",
                                               uuid, refused[i].kind, refused[i].slot);

      reply = request ("POST", path, token, body, NULL);
      assert_problem (reply, 422, "slot");
      g_clear_pointer (&reply, hall_test_reply_free);
      g_assert_cmpuint (count_changes_of (uuid), ==, 0);
    }
  reply = request ("GET", case_path, token, NULL, NULL);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"1\"");
  g_clear_pointer (&reply, hall_test_reply_free);

  first = request ("POST", path, token, scanned, NULL);
  assert_status (first, 201);
  node = reply_json (first);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "case_version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (node), "event"), "slot"), ==, "premises_proof");
  g_clear_pointer (&node, json_node_unref);
  reply = request ("POST", path, token, scanned, NULL);
  assert_status (reply, 200);
  g_assert_cmpstr (reply->body->str, ==, first->body->str);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Provided already (a second counter's scan): still a version of its
   * own, which tells that counter its copy was not the one before. */
  reply = request ("POST", path, token, again, NULL);
  assert_status (reply, 201);
  node = reply_json (reply);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "case_version"), ==, 3);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request ("GET", case_path, token, NULL, NULL);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"3\"");
  node = reply_json (reply);
  checklist = json_object_get_array_member (json_node_get_object (node), "checklist");
  g_assert_cmpuint (json_array_get_length (checklist), ==, 1);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (checklist, 0),
                                                 "provided"));
  g_assert_cmpstr (member (node, "state"), ==, "received");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A copy made before the scan, sent over it (a conflict kept): the
   * document stays provided. */
  {
    g_autofree char *older = case_body (applicant, service_id, number, "C01", "received",
                                        ",\"official\":\"li.na\",\"checklist\":"
                                        "[{\"id\":\"premises_proof\",\"provided\":false}]");
    const char *if_match_3[] = { "If-Match: \"3\"", NULL };

    reply = request ("PUT", case_path, token, older, if_match_3);
    assert_status (reply, 200);
    node = reply_json (reply);
    checklist = json_object_get_array_member (json_node_get_object (node), "checklist");
    g_assert_true (json_object_get_boolean_member (json_array_get_object_element (checklist, 0),
                                                   "provided"));
    g_assert_cmpstr (member (node, "official"), ==, "li.na");
  }
}

/* A page's record names its case, a slot of the case's checklist and a
 * blob the server holds whole; each is refused, naming its field and
 * leaving nothing behind, until it does. Then it is an entity like the
 * others: versions, If-Match, replays, the change feed; and personal
 * data, which reception never reads. */
static void
test_pages (void)
{
  g_autofree char *applicant = put_applicant ();
  g_autofree char *kase = g_uuid_string_random ();
  g_autofree char *other_case = NULL;
  g_autofree char *case_path = g_strconcat ("/v1/cases/", kase, NULL);
  g_autofree char *number = new_number ("C01");
  g_autofree char *case_text = case_body (applicant, service_id, number, "C01", "received",
                                          ",\"checklist\":[{\"id\":\"premises_proof\","
                                          "\"provided\":true}]");
  g_autofree char *page = g_uuid_string_random ();
  g_autofree char *page_path = g_strconcat ("/v1/pages/", page, NULL);
  g_autofree guint8 *data = NULL;
  g_autofree char *sha256 = new_page_file (4096, &data);
  g_autofree char *blob_path = g_strconcat ("/v1/blobs/", sha256, NULL);
  g_autofree char *unknown_case = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *reception = NULL;
  g_autofree char *next = NULL;
  g_autofree char *feed = NULL;
  const char *if_match_1[] = { "If-Match: \"1\"", NULL };
  const char *if_match_2[] = { "If-Match: \"2\"", NULL };
  static const struct { const char *field; const char *from; const char *to; } bad[] = {
    { "turn", "\"turn\":0", "\"turn\":45" },
    { "turn", "\"turn\":0", "\"turn\":-90" },
    { "kind", "\"kind\":\"grey\"", "\"kind\":\"sepia\"" },
    { "mime", "\"mime\":\"image/png\"", "\"mime\":\"text/html\"" },
    { "bytes", "\"bytes\":4096", "\"bytes\":0" },
    { "bytes", "\"bytes\":4096", "\"bytes\":4097" },
    { "position", "\"position\":0", "\"position\":\"first\"" },
    { "slot", "\"slot\":\"premises_proof\"", "\"slot\":\"../../etc\"" },
    { "width", "\"width\":1000", "\"width\":100000" },
  };
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;

  reply = request ("PUT", case_path, token, case_text, NULL);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* The file has not arrived: the record waits for it. */
  body = page_body (kase, "premises_proof", sha256, 0, 0);
  reply = request ("PUT", page_path, token, body, NULL);
  assert_problem (reply, 422, "sha256");
  g_assert_nonnull (strstr (reply->body->str, sha256));
  g_clear_pointer (&reply, hall_test_reply_free);
  g_assert_null (get_text (page_path));
  g_assert_cmpuint (count_changes_of (page), ==, 0);

  reply = request_full (server->base, "PUT", blob_path, token, (const char *) data, 4096, NULL);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Each kind of bad record, with the file there. */
  g_clear_pointer (&body, g_free);
  body = page_body (unknown_case, "premises_proof", sha256, 0, 0);
  reply = request ("PUT", page_path, token, body, NULL);
  assert_problem (reply, 422, "case");
  g_assert_nonnull (strstr (reply->body->str, unknown_case));
  g_clear_pointer (&reply, hall_test_reply_free);
  g_clear_pointer (&body, g_free);
  body = page_body (kase, "articles_of_association", sha256, 0, 0);
  reply = request ("PUT", page_path, token, body, NULL);
  assert_problem (reply, 422, "slot");
  g_clear_pointer (&reply, hall_test_reply_free);
  g_clear_pointer (&body, g_free);
  body = page_body (kase, "premises_proof", "0123", 0, 0);
  reply = request ("PUT", page_path, token, body, NULL);
  assert_problem (reply, 422, "sha256");
  g_clear_pointer (&reply, hall_test_reply_free);
  g_clear_pointer (&body, g_free);
  body = page_body (kase, "premises_proof", sha256, 0, 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GString) wrong = g_string_new (body);

      g_assert_cmpuint (g_string_replace (wrong, bad[i].from, bad[i].to, 1), ==, 1);
      reply = request ("PUT", page_path, token, wrong->str, NULL);
      assert_problem (reply, 422, bad[i].field);
      g_clear_pointer (&reply, hall_test_reply_free);
    }
  g_assert_null (get_text (page_path));
  g_assert_cmpuint (count_changes_of (page), ==, 0);

  /* Received, replayed, read back. */
  reply = request ("PUT", page_path, token, body, NULL);
  assert_status (reply, 201);
  node = reply_json (reply);
  g_assert_cmpstr (member (node, "case"), ==, kase);
  g_assert_cmpstr (member (node, "sha256"), ==, sha256);
  g_assert_cmpstr (member (node, "recorded_by"), ==, "demo");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("PUT", page_path, token, body, NULL);
  assert_status (reply, 200);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("GET", page_path, token, NULL, NULL);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"1\"");
  g_clear_pointer (&reply, hall_test_reply_free);
  g_assert_cmpuint (count_changes_of (page), ==, 1);

  /* Turned: a change of what the server has needs the version. */
  g_clear_pointer (&body, g_free);
  body = page_body (kase, "premises_proof", sha256, 0, 90);
  reply = request ("PUT", page_path, token, body, NULL);
  assert_problem (reply, 428, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("PUT", page_path, token, body, if_match_1);
  assert_status (reply, 200);
  node = reply_json (reply);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "turn"), ==, 90);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&reply, hall_test_reply_free);
  g_clear_pointer (&body, g_free);
  body = page_body (kase, "premises_proof", sha256, 0, 180);
  reply = request ("PUT", page_path, token, body, if_match_1);
  assert_problem (reply, 412, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  g_assert_cmpuint (count_changes_of (page), ==, 2);

  /* A page stays in its case. */
  other_case = put_case (applicant);
  g_clear_pointer (&body, g_free);
  body = page_body (other_case, "premises_proof", sha256, 0, 90);
  reply = request ("PUT", page_path, token, body, if_match_2);
  assert_problem (reply, 422, "case");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Reception: neither the record nor its feed entry, nor a write. */
  reception = official_token ("pages.reception", "reception");
  reply = request ("GET", page_path, reception, NULL, NULL);
  assert_problem (reply, 403, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  g_clear_pointer (&body, g_free);
  body = page_body (kase, "premises_proof", sha256, 1, 0);
  {
    g_autofree char *second = g_strdup_printf ("/v1/pages/%s", unknown_case);

    reply = request ("PUT", second, reception, body, NULL);
    assert_problem (reply, 403, NULL);
    g_clear_pointer (&reply, hall_test_reply_free);
  }
  feed = feed_as (reception, &next);
  g_assert_null (strstr (feed, page));
  g_assert_null (strstr (feed, sha256));
  g_clear_pointer (&feed, g_free);
  g_clear_pointer (&next, g_free);
  feed = feed_as (token, &next);
  g_assert_nonnull (strstr (feed, page));
  g_assert_nonnull (strstr (feed, "\"entity\":\"page\""));
}

static Reply *
sign_in_from (const char        *username,
              const char        *password,
              HallTestHttpFlags  flags)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);

  return hall_test_http_request (server->base, "POST", "/v1/sessions", NULL, body, strlen (body),
                                 HALL_TEST_HTTP_JSON | flags, NULL);
}

/* Twenty wrong passwords for one account: five are checked, then the
 * account waits (429 with Retry-After), the right password too. Guesses
 * spread over many names from one address hold that address back. Each
 * refusal is recorded for the administrator, and only an administrator
 * reads the record. */
static void
test_sign_in_throttle (void)
{
  g_autofree char *own = official_token ("guess.target", "counter_official");
  g_autofree char *counter = official_token ("not.an.admin", "counter_official,supervisor");
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *failures;
  guint refused = 0, held = 0, password = 0, throttled = 0, from_other = 0;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(Reply) guess = sign_in_from ("guess.target", "not the password", 0);

      if (guess->status == 429)
        {
          const char *retry = g_hash_table_lookup (guess->headers, "retry-after");

          g_assert_nonnull (retry);
          g_assert_cmpint (g_ascii_strtoll (retry, NULL, 10), >=, 1);
          held++;
        }
      else
        {
          assert_problem (guess, 401, NULL);
          /* Held back only after the free ones. */
          g_assert_cmpuint (held, ==, 0);
          refused++;
        }
    }
  g_test_message ("%u refused, %u held back", refused, held);
  g_assert_cmpuint (refused, ==, 5);
  g_assert_cmpuint (held, ==, 15);
  reply = sign_in_from ("guess.target", "a long enough password", 0);
  assert_problem (reply, 429, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  /* Another account is not held back for it. */
  reply = sign_in_from ("demo", "demo", 0);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* From another machine: ten names guessed, then the address waits. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("sprayed.%u", i);

      reply = sign_in_from (name, "password1", HALL_TEST_HTTP_OTHER_ADDRESS);
      assert_problem (reply, 401, NULL);
      g_clear_pointer (&reply, hall_test_reply_free);
    }
  reply = sign_in_from ("sprayed.last", "password1", HALL_TEST_HTTP_OTHER_ADDRESS);
  assert_problem (reply, 429, NULL);
  g_assert_nonnull (g_hash_table_lookup (reply->headers, "retry-after"));
  g_clear_pointer (&reply, hall_test_reply_free);

  /* The administrator's record. */
  reply = request ("GET", "/v1/admin/sign-in-failures", counter, NULL, NULL);
  assert_problem (reply, 403, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("GET", "/v1/admin/sign-in-failures?limit=0", token, NULL, NULL);
  assert_problem (reply, 400, "limit");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("GET", "/v1/admin/sign-in-failures?limit=1000", token, NULL, NULL);
  assert_status (reply, 200);
  node = reply_json (reply);
  failures = json_object_get_array_member (json_node_get_object (node), "failures");
  for (guint i = 0; i < json_array_get_length (failures); i++)
    {
      JsonObject *failure = json_array_get_object_element (failures, i);
      const char *username = json_object_get_string_member (failure, "username");
      const char *reason = json_object_get_string_member (failure, "reason");

      g_assert_nonnull (json_object_get_string_member (failure, "at"));
      if (g_str_equal (username, "guess.target"))
        {
          g_assert_cmpstr (json_object_get_string_member (failure, "address"), ==, "127.0.0.1");
          password += g_str_equal (reason, "password");
          throttled += g_str_equal (reason, "throttled");
        }
      if (g_str_has_prefix (username, "sprayed."))
        {
          g_assert_cmpstr (json_object_get_string_member (failure, "address"), ==, "127.0.0.2");
          from_other++;
        }
    }
  g_assert_cmpuint (password, ==, 5);
  g_assert_cmpuint (throttled, ==, 16);
  g_assert_cmpuint (from_other, ==, 11);
}

/* On PostgreSQL what the hall trusts is kept in the database, not in the
 * SQLite file of --data: a second server on the same database, with a
 * data directory of its own, answers the same key and the revocation
 * made through the first, and refuses to let the revocation's uuid name
 * another. */
static void
test_trust_shared (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *second_dir = NULL;
  g_autofree char *second_token = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/revocations/", uuid, NULL);
  g_autofree char *body = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"license\","
                                           "\"license_number\":\"SH-2026-%.8s\","
                                           "\"from\":\"2026-01-01T00:00:00Z\","
                                           "\"reason\":\"Issued in error\"}",
                                           uuid, uuid);
  g_autofree char *other = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"license\","
                                            "\"license_number\":\"SH-2026-%.8s\","
                                            "\"from\":\"2026-01-01T00:00:00Z\","
                                            "\"reason\":\"Another\"}",
                                            uuid, uuid);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) first_trust = NULL;
  g_autoptr(JsonNode) second_trust = NULL;
  JsonArray *revocations;
  gboolean found = FALSE;
  Server *second;
  guint i;

  if (postgres == NULL)
    {
      g_test_skip ("one server per SQLite file");
      return;
    }
  second_dir = g_dir_make_tmp ("hall-server-second-XXXXXX", &error);
  g_assert_no_error (error);
  second = server_start_on (second_dir, database_of (server->data_dir));
  second_token = sign_in (second->base, "demo", "demo");

  reply = request ("PUT", path, token, body, NULL);
  assert_status (reply, 200);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request ("GET", "/v1/trust", token, NULL, NULL);
  assert_status (reply, 200);
  first_trust = reply_json (reply);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request_full (second->base, "GET", "/v1/trust", second_token, NULL, 0, NULL);
  assert_status (reply, 200);
  second_trust = reply_json (reply);
  g_clear_pointer (&reply, hall_test_reply_free);
  g_assert_nonnull (member (first_trust, "hall_public_key"));
  g_assert_cmpstr (member (second_trust, "hall_public_key"), ==,
                   member (first_trust, "hall_public_key"));
  revocations = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (second_trust), "revocations"),
    "revocations");
  for (i = 0; i < json_array_get_length (revocations); i++)
    found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (revocations,
                                                                                       i),
                                                       "uuid"), uuid) == 0;
  g_assert_true (found);

  reply = request_full (second->base, "PUT", path, second_token, other, strlen (other), NULL);
  assert_problem (reply, 422, "uuid");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (second->base, "PUT", path, second_token, body, strlen (body), NULL);
  assert_status (reply, 200);

  server_stop (second);
  hall_test_remove_tree (second_dir);
}

/* One PUT of a race: sent when the flag is raised. */
typedef struct
{
  const char *base;
  const char *bearer;
  const char *path;
  const char *body;
  gint       *go;
  Reply      *reply;
  const char *const *extra;  /* headers, or NULL */
} Racer;

static gpointer
racer_thread (gpointer data)
{
  Racer *racer = data;

  while (!g_atomic_int_get (racer->go))
    g_thread_yield ();
  racer->reply = request_full (racer->base, "PUT", racer->path, racer->bearer, racer->body,
                               strlen (racer->body), racer->extra);
  return NULL;
}

/* One uuid created at the same moment through two servers on one
 * PostgreSQL database: one creation wins (201), the other is answered as
 * the write that came second: the same applicant is a replay (200), another
 * one is a change without If-Match (428). Nothing is overwritten, and the
 * feed holds the uuid once. Raced many times, half of them with the same
 * body. */
static void
test_create_race (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *second_dir = NULL;
  g_autofree char *second_token = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonArray) changes = NULL;
  Server *second;
  guint round, i;

  if (postgres == NULL)
    {
      g_test_skip ("one server per SQLite file");
      return;
    }
  second_dir = g_dir_make_tmp ("hall-server-second-XXXXXX", &error);
  g_assert_no_error (error);
  second = server_start_on (second_dir, database_of (server->data_dir));
  second_token = sign_in (second->base, "demo", "demo");

  for (round = 0; round < 40; round++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
      g_autofree char *body_a = person_json (NULL);
      g_autofree char *body_b = round % 2 == 0 ? g_strdup (body_a) : person_json (NULL);
      gint go = 0;
      Racer racers[2] = {
        { server->base, token, path, body_a, &go, NULL, NULL },
        { second->base, second_token, path, body_b, &go, NULL, NULL },
      };
      GThread *threads[2];
      g_autoptr(Reply) stored = NULL;
      g_autoptr(JsonNode) node = NULL;
      Racer *winner = NULL;
      Racer *loser = NULL;

      for (i = 0; i < 2; i++)
        threads[i] = g_thread_new ("racer", racer_thread, &racers[i]);
      g_atomic_int_set (&go, 1);
      for (i = 0; i < 2; i++)
        g_thread_join (threads[i]);

      for (i = 0; i < 2; i++)
        {
          if (racers[i].reply->status == 201)
            {
              g_assert_null (winner);
              winner = &racers[i];
            }
          else
            loser = &racers[i];
        }
      g_assert_nonnull (winner);
      g_assert_nonnull (loser);
      if (round % 2 == 0)
        assert_status (loser->reply, 200);
      else
        assert_problem (loser->reply, 428, NULL);

      stored = request ("GET", path, token, NULL, NULL);
      assert_status (stored, 200);
      node = reply_json (stored);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 1);
      /* The winner's applicant, not the loser's over it. */
      g_assert_nonnull (member (node, "id_number"));
      g_assert_nonnull (strstr (winner->body, member (node, "id_number")));
      for (i = 0; i < 2; i++)
        hall_test_reply_free (racers[i].reply);
      g_ptr_array_add (uuids, g_steal_pointer (&uuid));
    }

  changes = all_changes (5000);
  for (i = 0; i < uuids->len; i++)
    {
      guint n = 0;

      for (guint j = 0; j < json_array_get_length (changes); j++)
        n += g_str_equal (json_object_get_string_member (
                            json_array_get_object_element (changes, j), "uuid"),
                          g_ptr_array_index (uuids, i));
      g_assert_cmpuint (n, ==, 1);
    }

  server_stop (second);
  hall_test_remove_tree (second_dir);
}

/* Two administrators change the calendar at the same moment through two
 * servers of one database, both from the version they read: one wins, the
 * other is told that the calendar changed first (412), never a 500; the
 * winner's calendar is the one stored. */
static void
test_calendar_race (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *second_dir = NULL;
  g_autofree char *second_token = NULL;
  Server *second;
  guint round, i;

  if (postgres == NULL)
    {
      g_test_skip ("one server per SQLite file");
      return;
    }
  second_dir = g_dir_make_tmp ("hall-server-second-XXXXXX", &error);
  g_assert_no_error (error);
  second = server_start_on (second_dir, database_of (server->data_dir));
  second_token = sign_in (second->base, "demo", "demo");

  for (round = 0; round < 10; round++)
    {
      g_autoptr(Reply) current = request ("GET", "/v1/calendar", token, NULL, NULL);
      g_autofree char *if_match = NULL;
      /* Far-off holidays, so that no other test's promise moves. */
      g_autofree char *day_a = g_strdup_printf ("2039-03-%02u", 2 * round + 1);
      g_autofree char *day_b = g_strdup_printf ("2039-03-%02u", 2 * round + 2);
      g_autofree char *body_a = calendar_with_holiday (day_a);
      g_autofree char *body_b = calendar_with_holiday (day_b);
      const char *extra[2] = { NULL, NULL };
      gint go = 0;
      Racer racers[2] = {
        { server->base, token, "/v1/calendar", body_a, &go, NULL, extra },
        { second->base, second_token, "/v1/calendar", body_b, &go, NULL, extra },
      };
      GThread *threads[2];
      g_autoptr(Reply) stored = NULL;
      Racer *winner = NULL;

      assert_status (current, 200);
      if_match = g_strconcat ("If-Match: ", g_hash_table_lookup (current->headers, "etag"), NULL);
      extra[0] = if_match;
      for (i = 0; i < 2; i++)
        threads[i] = g_thread_new ("racer", racer_thread, &racers[i]);
      g_atomic_int_set (&go, 1);
      for (i = 0; i < 2; i++)
        g_thread_join (threads[i]);

      for (i = 0; i < 2; i++)
        {
          if (racers[i].reply->status == 200)
            {
              g_assert_null (winner);
              winner = &racers[i];
            }
          else
            assert_problem (racers[i].reply, 412, "If-Match");
        }
      g_assert_nonnull (winner);
      stored = request ("GET", "/v1/calendar", token, NULL, NULL);
      assert_status (stored, 200);
      g_assert_cmpstr (stored->body->str, ==, winner->reply->body->str);
      for (i = 0; i < 2; i++)
        hall_test_reply_free (racers[i].reply);
    }

  server_stop (second);
  hall_test_remove_tree (second_dir);
}

/* The database goes away while serving: reads and writes are answered 503
 * with Retry-After and a problem body, quickly and without the server
 * dying; once it is back, the server connects again by itself, what was
 * written before is there, and the refused write goes through when sent
 * again. */
static void
test_database_away (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *kept_path = NULL;
  g_autofree char *later = g_uuid_string_random ();
  g_autofree char *later_path = g_strconcat ("/v1/applicants/", later, NULL);
  g_autofree char *later_body = person_json (NULL);
  const char *const reads[] = { NULL, "/v1/changes?since=", "/v1/trust" };
  Reply *reply;
  guint i;

  if (postgres == NULL)
    {
      g_test_skip ("SQLite is a file of the server’s own");
      return;
    }
  kept = put_applicant ();
  kept_path = g_strconcat ("/v1/applicants/", kept, NULL);

  hall_test_postgres_pause (postgres);
  for (i = 0; i < G_N_ELEMENTS (reads); i++)
    {
      reply = request ("GET", reads[i] != NULL ? reads[i] : kept_path, token, NULL, NULL);
      assert_problem (reply, 503, NULL);
      g_assert_cmpstr (g_hash_table_lookup (reply->headers, "retry-after"), ==, "5");
      hall_test_reply_free (reply);
    }
  reply = request ("PUT", later_path, token, later_body, NULL);
  assert_problem (reply, 503, NULL);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "retry-after"), ==, "5");
  hall_test_reply_free (reply);
  /* Still serving what needs no database. */
  reply = request ("GET", "/v1/health", NULL, NULL, NULL);
  assert_status (reply, 200);
  hall_test_reply_free (reply);

  hall_test_postgres_resume (postgres, &error);
  g_assert_no_error (error);
  reply = request ("GET", kept_path, token, NULL, NULL);
  assert_status (reply, 200);
  hall_test_reply_free (reply);
  reply = request ("PUT", later_path, token, later_body, NULL);
  assert_status (reply, 201);
  hall_test_reply_free (reply);
  reply = request ("GET", later_path, token, NULL, NULL);
  assert_status (reply, 200);
  hall_test_reply_free (reply);
  reply = request ("GET", "/v1/trust", token, NULL, NULL);
  assert_status (reply, 200);
  hall_test_reply_free (reply);
  g_assert_cmpuint (count_changes_of (kept), ==, 1);
  g_assert_cmpuint (count_changes_of (later), ==, 1);
}

/* The database hangs while serving (it takes connections and never
 * answers): a request that needs it is answered 503 with Retry-After once
 * libpq's connect_timeout runs out, not left waiting for ever; the
 * server still answers /v1/health at once, and reads again once the
 * database is back. */
static void
test_database_hung (void)
{
  g_autofree char *kept = NULL;
  g_autofree char *kept_path = NULL;
  Reply *reply;

  if (postgres == NULL)
    {
      g_test_skip ("SQLite is a file of the server’s own");
      return;
    }
  kept = put_applicant ();
  kept_path = g_strconcat ("/v1/applicants/", kept, NULL);

  hall_test_postgres_freeze (postgres);
  reply = request ("GET", kept_path, token, NULL, NULL);
  assert_problem (reply, 503, NULL);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "retry-after"), ==, "5");
  hall_test_reply_free (reply);
  /* Health answers at once, though it reads the schema's version every
   * 5 s (on a thread of its own, which this database keeps waiting):
   * each answer in well under libpq's connect_timeout. */
  for (gint64 end = g_get_monotonic_time () + 6 * G_USEC_PER_SEC; g_get_monotonic_time () < end;)
    {
      gint64 start = g_get_monotonic_time ();

      reply = request ("GET", "/v1/health", NULL, NULL, NULL);
      assert_status (reply, 200);
      hall_test_reply_free (reply);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
      g_usleep (250 * G_TIME_SPAN_MILLISECOND);
    }

  /* Connections ended while it was frozen are found dead one request
   * each, answered 503 with Retry-After as a counter expects; a
   * counter's retries then read it. */
  hall_test_postgres_thaw (postgres);
  for (guint i = 0; i < 32; i++)
    {
      reply = request ("GET", kept_path, token, NULL, NULL);
      if (reply->status == 200)
        break;
      assert_problem (reply, 503, NULL);
      g_assert_cmpstr (g_hash_table_lookup (reply->headers, "retry-after"), ==, "5");
      hall_test_reply_free (reply);
      reply = NULL;
    }
  g_assert_nonnull (reply);
  assert_status (reply, 200);
  hall_test_reply_free (reply);
}

/* A newer server migrates the database while this one serves (a rolling
 * upgrade): this one's writes are refused with 503 and Retry-After, so
 * that the counter sends them again, to a newer server behind the
 * balancer, and its health check fails, so that the balancer takes it
 * out. It serves again once the database is back at its schema. */
static void
test_outdated_server (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *body = person_json (NULL);
  g_autofree char *kept = NULL;
  Reply *reply;

  if (postgres == NULL)
    {
      g_test_skip ("SQLite is a file of the server’s own");
      return;
    }
  db_exec_in (server->data_dir, "UPDATE hall_schema SET version = version + 1");
  reply = request ("PUT", path, token, body, NULL);
  assert_problem (reply, 503, NULL);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "retry-after"), ==, "5");
  hall_test_reply_free (reply);
  reply = request ("GET", "/v1/health", NULL, NULL, NULL);
  assert_problem (reply, 503, NULL);
  hall_test_reply_free (reply);

  db_exec_in (server->data_dir, "UPDATE hall_schema SET version = version - 1");
  reply = request ("GET", path, token, NULL, NULL);
  assert_status (reply, 404);
  hall_test_reply_free (reply);
  kept = put_applicant ();
  reply = request ("GET", "/v1/health", NULL, NULL, NULL);
  assert_status (reply, 200);
  hall_test_reply_free (reply);
}

/* Every backend of the server's connections ended (pg_terminate_backend,
 * as an administrator or a failover does, and as database-hung leaves
 * them for the next test): the next reads and writes are served on new
 * connections, none answered 503. libpq may still call such a connection
 * OK after reading the backend's FATAL 57P01, so the server must not go
 * by PQstatus alone. */
static void
test_database_terminated (void)
{
  g_autofree char *kept = NULL;
  g_autofree char *kept_path = NULL;

  if (postgres == NULL)
    {
      g_test_skip ("SQLite is a file of the server’s own");
      return;
    }
  kept = put_applicant ();
  kept_path = g_strconcat ("/v1/applicants/", kept, NULL);
  for (guint round = 0; round < 3; round++)
    {
      hall_test_postgres_terminate_clients (postgres);
      /* More requests than the server has threads, so each thread's
       * connection is found ended. */
      for (guint i = 0; i < 16; i++)
        {
          g_autofree char *uuid = NULL;
          Reply *reply = request ("GET", kept_path, token, NULL, NULL);

          assert_status (reply, 200);
          hall_test_reply_free (reply);
          reply = request ("GET", "/v1/changes?since=", token, NULL, NULL);
          assert_status (reply, 200);
          hall_test_reply_free (reply);
          if (i % 4 == 0)
            {
              uuid = put_applicant ();
              g_assert_cmpuint (count_changes_of (uuid), ==, 1);
            }
        }
    }
}

/* A PostgreSQL that takes the connection and never answers (a host
 * behind a dead route, a hung database): the server does not hang at
 * start but says, naming the database and libpq's "timeout", that it
 * cannot connect, and exits 1; from a URI and from a "key=value" string
 * that names its own connect_timeout. Without a connect_timeout libpq
 * waits forever, and this test would end only by meson's timeout. */
static void
test_database_silent (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hall-server-silent-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *own_timeout = NULL;
  guint16 port;

  /* Listening, so the kernel completes the handshake, but never read. */
  g_socket_bind (socket, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  uri = g_strdup_printf ("postgresql://hall@127.0.0.1:%u/silent", port);
  own_timeout = g_strdup_printf ("host=127.0.0.1 port=%u dbname=silent connect_timeout=2",
                                 port);

  for (guint i = 0; i < 2; i++)
    {
      /* --database after --data: it wins over the suite's own. */
      const char *args[] = {
        "--listen", "127.0.0.1:0", "--data", data, "--database", i == 0 ? uri : own_timeout,
        NULL,
      };
      g_autofree char *err = NULL;

      g_assert_cmpint (run_server_once (args, &err), ==, 1);
      g_assert_nonnull (strstr (err, "Cannot connect to the PostgreSQL database silent on "
                                     "127.0.0.1"));
      g_assert_nonnull (strstr (err, "timeout expired"));
    }
  hall_test_remove_tree (dir);
}

/* A port nothing listens on now. */
static guint16
unused_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_bind (socket, any, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A new data directory holding the test server's session key (mode 0600),
 * for another server on its database: a token is good on either. */
static char *
dir_with_session_key (const char *template)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key_from = g_build_filename (server->data_dir, "session.key", NULL);
  g_autofree char *key = NULL;
  g_autofree char *key_to = NULL;
  char *dir = g_dir_make_tmp (template, &error);
  gsize length;

  g_assert_no_error (error);
  g_file_get_contents (key_from, &key, &length, &error);
  g_assert_no_error (error);
  key_to = g_build_filename (dir, "session.key", NULL);
  g_file_set_contents_full (key_to, key, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
  return dir;
}

/* HAProxy with README's configuration, @defaults (more lines of its
 * defaults section, "" for none) and @servers (its backend's server
 * lines), its file in @dir; *@lb its address. Returns once the balancer
 * answered /v1/health @n_up times in a row, so that each server is up. */
static GSubprocess *
balancer_start (const char  *haproxy,
                const char  *dir,
                const char  *defaults,
                const char  *servers,
                guint        n_up,
                char       **lb)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = g_build_filename (dir, "haproxy.cfg", NULL);
  guint16 port = unused_port ();
  gint64 deadline;
  GSubprocess *balancer;

  config = g_strdup_printf ("global\n"
                            "  maxconn 4096\n"
                            "defaults\n"
                            "  mode http\n"
                            "  option httpchk GET /v1/health\n"
                            "  timeout connect 5s\n"
                            "  timeout client 60s\n"
                            "  timeout server 60s\n"
                            "  timeout http-keep-alive 10s\n"
                            "%s"
                            "frontend hall\n"
                            "  bind 127.0.0.1:%u\n"
                            "  default_backend servers\n"
                            "backend servers\n"
                            "  balance roundrobin\n"
                            "%s",
                            defaults, port, servers);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* A test that fails must not leave its balancer running. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  balancer = g_subprocess_launcher_spawn (launcher, &error, haproxy, "-db", "-f", config_path,
                                          NULL);
  g_assert_no_error (error);
  *lb = g_strdup_printf ("http://127.0.0.1:%u", port);
  /* Until it listens and its servers are up: a few seconds at most. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (guint up = 0; up < n_up; )
    {
      Reply *reply = request_full (*lb, "GET", "/v1/health", NULL, NULL, 0, NULL);

      up = reply->status == 200 ? up + 1 : 0;
      hall_test_reply_free (reply);
      if (up < n_up)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (50000);
        }
    }
  return balancer;
}

/* Two stateless servers on one PostgreSQL database behind HAProxy
 * (round-robin, a new connection per request, so that consecutive
 * requests alternate): a counter signs in, writes, replays and updates
 * through the balancer as if there were one server; the session key is
 * the one both were given; a sign-out everywhere ends the session on both. */
static void
test_balancer (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *haproxy = g_find_program_in_path ("haproxy");
  g_autofree char *second_dir = NULL;
  g_autofree char *servers = NULL;
  g_autofree char *lb = NULL;
  g_autofree char *lb_token = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autofree char *key_header = g_strconcat ("Idempotency-Key: ", uuid, NULL);
  g_autofree char *body = person_json (NULL);
  g_autofree char *changed = person_json (NULL);
  g_autofree char *stale = person_json (NULL);
  g_autofree char *first_body = NULL;
  const char *idempotent[] = { key_header, NULL };
  const char *if_match_1[] = { "If-Match: \"1\"", NULL };
  g_autoptr(GSubprocess) balancer = NULL;
  Server *second;
  Reply *reply;
  gint64 deadline;
  gboolean a_out = FALSE, b_out = FALSE;
  guint i;

  if (postgres == NULL || haproxy == NULL)
    {
      g_test_skip (postgres == NULL ? "one server per SQLite file" : "haproxy is not installed");
      return;
    }
  second_dir = dir_with_session_key ("hall-server-second-XXXXXX");
  second = server_start_on (second_dir, database_of (server->data_dir));
  /* The configuration README shows, with the test's ports. */
  servers = g_strdup_printf ("  server a %s check\n"
                             "  server b %s check\n",
                             server->base + strlen ("http://"), second->base + strlen ("http://"));
  balancer = balancer_start (haproxy, second_dir, "", servers, 1, &lb);

  /* Signed in through the balancer: the token holds on both servers. An
   * official of its own, whose sign-out ends no other test's session. */
  g_free (official_token ("balancer.counter", "counter_official"));
  lb_token = sign_in (lb, "balancer.counter", "a long enough password");
  reply = request_full (server->base, "GET", "/v1/catalog", lb_token, NULL, 0, NULL);
  assert_status (reply, 200);
  hall_test_reply_free (reply);
  reply = request_full (second->base, "GET", "/v1/catalog", lb_token, NULL, 0, NULL);
  assert_status (reply, 200);
  hall_test_reply_free (reply);

  /* Written through one, replayed through the others: the same answer. */
  reply = request_full (lb, "PUT", path, lb_token, body, strlen (body), idempotent);
  assert_status (reply, 201);
  first_body = g_strdup (reply->body->str);
  hall_test_reply_free (reply);
  for (i = 0; i < 3; i++)
    {
      reply = request_full (lb, "PUT", path, lb_token, body, strlen (body), idempotent);
      assert_status (reply, 201);
      g_assert_cmpstr (reply->body->str, ==, first_body);
      hall_test_reply_free (reply);
    }
  /* The same key with another body, through either: 422. */
  for (i = 0; i < 2; i++)
    {
      reply = request_full (lb, "PUT", path, lb_token, changed, strlen (changed), idempotent);
      assert_problem (reply, 422, "Idempotency-Key");
      hall_test_reply_free (reply);
    }

  /* If-Match: version 1 changes it once; sent again through the other
   * server, version 1 is stale. */
  reply = request_full (lb, "PUT", path, lb_token, changed, strlen (changed), if_match_1);
  assert_status (reply, 200);
  g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"2\"");
  hall_test_reply_free (reply);
  reply = request_full (lb, "PUT", path, lb_token, stale, strlen (stale), if_match_1);
  assert_problem (reply, 412, NULL);
  hall_test_reply_free (reply);
  g_assert_cmpuint (count_changes_of (uuid), ==, 2);

  /* Signing out everywhere through the balancer ends the session on both,
   * within the 2 seconds a server trusts what it read of an official. */
  reply = request_full (lb, "DELETE", "/v1/sessions", lb_token, NULL, 0, NULL);
  assert_status (reply, 204);
  hall_test_reply_free (reply);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!(a_out && b_out))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      reply = request_full (server->base, "GET", "/v1/catalog", lb_token, NULL, 0, NULL);
      a_out = reply->status == 401;
      hall_test_reply_free (reply);
      reply = request_full (second->base, "GET", "/v1/catalog", lb_token, NULL, 0, NULL);
      b_out = reply->status == 401;
      hall_test_reply_free (reply);
      if (!(a_out && b_out))
        g_usleep (100000);
    }

  g_subprocess_send_signal (balancer, SIGTERM);
  g_subprocess_wait (balancer, NULL, NULL);
  server_stop (second);
  hall_test_remove_tree (second_dir);
}

/* kill -9 of a server under load, through the balancer: the writers and
 * the reader of the next test. */
#define KILL_WRITERS 3
/* Each writer's creations at the least; it goes on until the kills are over. */
#define KILL_MIN_WRITES 20
/* Each writer's creations in the three-server feed test. */
#define FEED_WRITES 60
/* Acknowledged writes between a restart and the next kill, and between a
 * kill and the restart. */
#define KILL_SPACING 20

typedef struct
{
  const char *lb;
  char       *token;
  GPtrArray  *created;   /* uuids whose creation was acknowledged */
  GPtrArray  *updated;   /* of those, whose update was acknowledged */
  gint       *n_acked;   /* every writer's acknowledged writes */
  guint       writes;    /* creations at the least */
  gint       *stop;      /* then more until this is set */
  guint       retries;
} KillWriter;

/* Sends @method @path until a 2xx comes back, as a counter's outbox does:
 * no answer, the balancer's 502/503 and a server's 503 are sent again,
 * unchanged (the same uuid, the same Idempotency-Key); any other answer is
 * a failure of the test. */
static Reply *
send_until_acknowledged (KillWriter        *writer,
                         const char        *method,
                         const char        *path,
                         const char        *body,
                         const char *const *extra)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      Reply *reply = request_full (writer->lb, method, path, writer->token, body, strlen (body),
                                   extra);

      if (reply->status >= 200 && reply->status < 300)
        return reply;
      if (reply->status > 0 && reply->status < 500)
        g_error ("%s %s: %ld %s", method, path, reply->status, reply->body->str);
      hall_test_reply_free (reply);
      writer->retries++;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
}

/* Whether @uuid, a creation @writer had acknowledged, is stored at the
 * version its writes left it: 2 when its update was acknowledged too. */
static gboolean
stored_at_acknowledged_version (KillWriter *writer,
                                const char *uuid)
{
  gboolean changed = g_ptr_array_find_with_equal_func (writer->updated, uuid, g_str_equal, NULL);
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autoptr(Reply) reply = request ("GET", path, token, NULL, NULL);
  g_autoptr(JsonNode) node = NULL;

  assert_status (reply, 200);
  node = reply_json (reply);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"),
                   ==, changed ? 2 : 1);
  return changed;
}

static gpointer
kill_writer_thread (gpointer data)
{
  KillWriter *writer = data;

  /* Until the kills are over: however long a server takes to start again,
   * the writes go on around every kill. */
  for (guint i = 0; i < writer->writes || !g_atomic_int_get (writer->stop); i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
      g_autofree char *create_key = g_uuid_string_random ();
      g_autofree char *create_header = g_strconcat ("Idempotency-Key: ", create_key, NULL);
      g_autofree char *body = person_json (NULL);
      const char *create_extra[] = { create_header, NULL };
      Reply *reply;

      reply = send_until_acknowledged (writer, "PUT", path, body, create_extra);
      /* A retry of a creation whose answer was lost gets the stored answer. */
      assert_status (reply, 201);
      hall_test_reply_free (reply);
      g_ptr_array_add (writer->created, g_strdup (uuid));
      g_atomic_int_inc (writer->n_acked);

      /* Every third also changes, from version 1, under a key of its own:
       * sent again after a lost answer it is the stored 200, never a 412. */
      if (i % 3 == 0)
        {
          g_autofree char *update_key = g_uuid_string_random ();
          g_autofree char *update_header = g_strconcat ("Idempotency-Key: ", update_key, NULL);
          g_autofree char *changed = person_json (NULL);
          const char *update_extra[] = { update_header, "If-Match: \"1\"", NULL };

          reply = send_until_acknowledged (writer, "PUT", path, changed, update_extra);
          assert_status (reply, 200);
          g_assert_cmpstr (g_hash_table_lookup (reply->headers, "etag"), ==, "\"2\"");
          hall_test_reply_free (reply);
          g_ptr_array_add (writer->updated, g_strdup (uuid));
          g_atomic_int_inc (writer->n_acked);
        }
    }
  return NULL;
}

typedef struct
{
  const char *lb;
  const char *token;
  gint       *writers_done;
  GHashTable *seen;      /* "entity/uuid/version" -> seq, as read */
  GHashTable *data;      /* "entity/uuid/version" -> the change as read */
  guint       pages;
  guint       errors;
} KillReader;

/* Follows the change feed through the balancer while the writers write
 * and a server dies: no (uuid, version) read twice, seqs rising; after
 * the writers are done, reads to the end once more. */
static gpointer
kill_reader_thread (gpointer data)
{
  KillReader *reader = data;
  g_autofree char *cursor = g_strdup ("");
  gint64 last_seq = 0;
  gint64 deadline = g_get_monotonic_time () + 240 * G_USEC_PER_SEC;
  gboolean final = FALSE;

  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("/v1/changes?since=%s&limit=50", cursor);
      gboolean done = g_atomic_int_get (reader->writers_done);
      g_autoptr(Reply) reply = request_full (reader->lb, "GET", path, reader->token, NULL, 0,
                                             NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;
      JsonArray *changes;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (reply->status != 200)
        {
          g_assert_true (reply->status < 0 || reply->status >= 500);
          reader->errors++;
          g_usleep (20000);
          continue;
        }
      reader->pages++;
      node = reply_json (reply);
      object = json_node_get_object (node);
      changes = json_object_get_array_member (object, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          gint64 seq = json_object_get_int_member (change, "seq");
          /* A license's row has its case's uuid: the entity is part of the key. */
          char *key = g_strdup_printf ("%s/%s/%" G_GINT64_FORMAT,
                                       json_object_get_string_member (change, "entity"),
                                       json_object_get_string_member (change, "uuid"),
                                       json_object_get_int_member (change, "version"));

          g_assert_cmpint (seq, >, last_seq);
          last_seq = seq;
          if (g_hash_table_contains (reader->seen, key))
            {
              g_autofree char *text = json_to_string (json_array_get_element (changes, i), FALSE);

              /* What the two rows hold says which writes made them. */
              g_error ("%s read twice: at seq %" G_GINT64_FORMAT " (%s) and at seq %" G_GINT64_FORMAT
                       " (%s)", key, *(gint64 *) g_hash_table_lookup (reader->seen, key),
                       (const char *) g_hash_table_lookup (reader->data, key), seq, text);
            }
          g_hash_table_insert (reader->seen, key, g_memdup2 (&seq, sizeof seq));
          g_hash_table_insert (reader->data, g_strdup (key),
                               json_to_string (json_array_get_element (changes, i), FALSE));
        }
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (object, "next"));
      if (!json_object_get_boolean_member (object, "more"))
        {
          /* The writers were done before this read began: it saw all. */
          if (final)
            break;
          if (done)
            final = TRUE;
          else
            g_usleep (10000);
        }
    }
  return NULL;
}

/* Three servers on one PostgreSQL database behind HAProxy; three counters
 * write through it (creations PUT to their uuids and updates, each under
 * an Idempotency-Key, sent again on any failure as counters do) while a
 * reader follows the feed through it. One server is killed with SIGKILL
 * three times along the way, and started again on its port while the
 * writes go on. At the end every acknowledged write is stored exactly once and
 * in the feed exactly once, at the version acknowledged, and the reader
 * read each change once, a change's versions in commit order. */
/* Waits until @n_acked reaches @target, failing the test at @deadline. */
static void
wait_for_acks (gint   *n_acked,
               gint    target,
               gint64  deadline)
{
  while (g_atomic_int_get (n_acked) < target)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

static void
test_balancer_kill (void)
{
  g_autofree char *haproxy = g_find_program_in_path ("haproxy");
  g_autofree char *servers = NULL;
  g_autofree char *lb = NULL;
  g_autofree char *reader_token = NULL;
  g_autofree char *victim_listen = NULL;
  char *dirs[2] = { NULL, NULL };
  g_autoptr(GSubprocess) balancer = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(GHashTable) in_feed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) seen_data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           g_free);
  KillWriter writers[KILL_WRITERS];
  KillReader reader = { 0 };
  GThread *threads[KILL_WRITERS];
  GThread *reader_thread;
  Server *others[2];
  Server *victim;
  Reply *reply;
  gint n_acked = 0;
  gint writers_done = 0;
  gint stop = 0;
  gint at_kill, at_restart;
  guint created = 0, updated = 0, retries = 0;
  gint64 started, step;
  guint i;

  if (postgres == NULL || haproxy == NULL)
    {
      g_test_skip (postgres == NULL ? "one server per SQLite file" : "haproxy is not installed");
      return;
    }
  victim_listen = g_strdup_printf ("127.0.0.1:%u", unused_port ());
  for (i = 0; i < 2; i++)
    {
      dirs[i] = dir_with_session_key ("hall-server-kill-XXXXXX");
      others[i] = server_start_listen (dirs[i], database_of (server->data_dir),
                                       i == 1 ? victim_listen : "127.0.0.1:0");
    }
  victim = others[1];

  /* README's configuration, with health checks quick enough to take a
   * dead server out within a fraction of a second. */
  servers = g_strdup_printf ("  server a %s check inter 200ms fall 1 rise 1\n"
                             "  server b %s check inter 200ms fall 1 rise 1\n"
                             "  server c %s check inter 200ms fall 1 rise 1\n",
                             server->base + strlen ("http://"),
                             others[0]->base + strlen ("http://"), victim_listen);
  balancer = balancer_start (haproxy, dirs[0], "", servers, 1, &lb);

  reader_token = sign_in (lb, "demo", "demo");
  reader = (KillReader) { lb, reader_token, &writers_done, seen, seen_data, 0, 0 };
  reader_thread = g_thread_new ("feed-reader", kill_reader_thread, &reader);
  for (i = 0; i < KILL_WRITERS; i++)
    {
      writers[i] = (KillWriter) { lb, sign_in (lb, "demo", "demo"),
                                  g_ptr_array_new_with_free_func (g_free),
                                  g_ptr_array_new_with_free_func (g_free), &n_acked,
                                  KILL_MIN_WRITES, &stop, 0 };
    }
  /* Signed in first: a sign-in's password hash is slow, and the pace is of
   * the writes alone. */
  started = g_get_monotonic_time ();
  for (i = 0; i < KILL_WRITERS; i++)
    threads[i] = g_thread_new ("writer", kill_writer_thread, &writers[i]);

  /* Three times: once the writes have gone on a while, kill -9 one server;
   * start it again once the others have taken a few writes more. Three
   * times, so that some kill lands while the server holds requests (how
   * many did shows as retries: it varies from run to run). The writers go
   * on until the last restart has taken writes too, however long a start
   * takes on a loaded machine. How long each step may take follows how
   * fast the writes went before the first kill: ten times that pace, and
   * never less than a minute. A machine loaded by other work makes every
   * write slower, kill or no kill; a fixed figure failed at a load of 8
   * though nothing stalled. */
  wait_for_acks (&n_acked, KILL_SPACING, started + 180 * G_USEC_PER_SEC);
  step = MAX (60 * G_USEC_PER_SEC, 10 * (g_get_monotonic_time () - started));
  g_test_message ("%d writes acknowledged in %.1f s before the first kill: %.0f s a step",
                  KILL_SPACING, (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
                  step / (double) G_USEC_PER_SEC);
  at_restart = 0;
  for (guint kill = 1; kill <= 3; kill++)
    {
      if (kill > 1)
        wait_for_acks (&n_acked, at_restart + KILL_SPACING, g_get_monotonic_time () + step);
      g_subprocess_force_exit (victim->process);
      g_subprocess_wait (victim->process, NULL, NULL);
      at_kill = g_atomic_int_get (&n_acked);
      server_free (victim);
      wait_for_acks (&n_acked, at_kill + KILL_SPACING, g_get_monotonic_time () + step);
      victim = others[1] = server_start_listen (dirs[1], database_of (server->data_dir),
                                                victim_listen);
      at_restart = g_atomic_int_get (&n_acked);
      g_test_message ("killed at %d acknowledged writes, restarted at %d", at_kill, at_restart);
    }
  wait_for_acks (&n_acked, at_restart + KILL_SPACING, g_get_monotonic_time () + step);
  g_atomic_int_set (&stop, 1);

  for (i = 0; i < KILL_WRITERS; i++)
    g_thread_join (threads[i]);
  g_atomic_int_set (&writers_done, 1);
  g_thread_join (reader_thread);
  for (i = 0; i < KILL_WRITERS; i++)
    {
      created += writers[i].created->len;
      updated += writers[i].updated->len;
      retries += writers[i].retries;
    }
  g_test_message ("%u acknowledged writes, %u retries; reader: %u pages, %u errors",
                  created + updated, retries, reader.pages, reader.errors);
  /* The last kill landed in the middle of the stream, and every write
   * ended acknowledged (the writers retry until it is). */
  g_assert_cmpint (at_kill, <, (gint) (created + updated));
  g_assert_cmpint (at_restart, <, (gint) (created + updated));
  for (i = 0; i < KILL_WRITERS; i++)
    {
      /* Every third creation was changed once, the last one too. */
      g_assert_cmpuint (writers[i].created->len, >=, KILL_MIN_WRITES);
      g_assert_cmpuint (writers[i].updated->len, ==, (writers[i].created->len + 2) / 3);
    }
  /* The restarted server serves the session and the writes. */
  reply = request_full (victim->base, "GET", "/v1/catalog", reader_token, NULL, 0, NULL);
  assert_status (reply, 200);
  hall_test_reply_free (reply);

  /* In the feed exactly once per acknowledged version, as the reader read
   * it, and stored at that version. */
  changes = all_changes (1000);
  for (i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      char *feed_key = g_strdup_printf ("%s/%s/%" G_GINT64_FORMAT,
                                        json_object_get_string_member (change, "entity"),
                                        json_object_get_string_member (change, "uuid"),
                                        json_object_get_int_member (change, "version"));

      g_assert_false (g_hash_table_contains (in_feed, feed_key));
      g_hash_table_add (in_feed, feed_key);
    }
  for (i = 0; i < KILL_WRITERS; i++)
    {
      KillWriter *writer = &writers[i];

      for (guint j = 0; j < writer->created->len; j++)
        {
          const char *uuid = g_ptr_array_index (writer->created, j);
          gboolean changed = stored_at_acknowledged_version (writer, uuid);
          g_autofree char *v1 = g_strconcat ("applicant/", uuid, "/1", NULL);
          g_autofree char *v2 = g_strconcat ("applicant/", uuid, "/2", NULL);
          g_autofree char *v3 = g_strconcat ("applicant/", uuid, "/3", NULL);

          g_assert_true (g_hash_table_contains (in_feed, v1));
          g_assert_true (g_hash_table_contains (in_feed, v2) == changed);
          g_assert_false (g_hash_table_contains (in_feed, v3));
          g_assert_true (g_hash_table_contains (seen, v1));
          g_assert_true (g_hash_table_contains (seen, v2) == changed);
          if (changed)
            g_assert_cmpint (*(gint64 *) g_hash_table_lookup (seen, v1), <,
                             *(gint64 *) g_hash_table_lookup (seen, v2));
        }
    }
  /* And in the database itself: no entity's version stored twice in the
   * feed's table (a license's row has its case's uuid). */
  {
    PGconn *pg = PQconnectdb (database_of (server->data_dir));
    PGresult *result;

    g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
    result = PQexec (pg, "SELECT count(*) FROM (SELECT entity, uuid, version FROM changes"
                         " GROUP BY entity, uuid, version HAVING count(*) > 1) AS twice");
    g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
    g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "0");
    PQclear (result);
    PQfinish (pg);
  }

  for (i = 0; i < KILL_WRITERS; i++)
    {
      g_free (writers[i].token);
      g_ptr_array_unref (writers[i].created);
      g_ptr_array_unref (writers[i].updated);
    }
  g_subprocess_send_signal (balancer, SIGTERM);
  g_subprocess_wait (balancer, NULL, NULL);
  for (i = 0; i < 2; i++)
    {
      server_stop (others[i]);
      hall_test_remove_tree (dirs[i]);
      g_free (dirs[i]);
      dirs[i] = NULL;
    }
}

/* Issue 13's item 3 through real server processes: three servers on one
 * PostgreSQL database, a counter writing through each at once (creations
 * and updates, as in the test above), two readers following the feed
 * through two of them. Every change is read exactly once by each reader,
 * and in an order consistent with commits: a counter's writes, each
 * acknowledged before the next was sent, are read in the order it made
 * them. (test-server-postgres.c races the storage itself, in one
 * process.) */
static void
test_feed_three_servers (void)
{
  char *dirs[2] = { NULL, NULL };
  Server *servers[3];
  KillWriter writers[3];
  KillReader readers[2];
  GThread *threads[3];
  GThread *reader_threads[2];
  gint n_acked = 0;
  gint writers_done = 0;
  gint stop = 1;  /* each writer writes FEED_WRITES */
  guint i;

  if (postgres == NULL)
    {
      g_test_skip ("one server per SQLite file");
      return;
    }
  servers[0] = server;
  for (i = 0; i < 2; i++)
    {
      dirs[i] = dir_with_session_key ("hall-server-feed-XXXXXX");
      servers[i + 1] = server_start_on (dirs[i], database_of (server->data_dir));
    }

  for (i = 0; i < 2; i++)
    {
      readers[i] = (KillReader) { servers[i + 1]->base, token, &writers_done,
                                  g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_free),
                                  g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_free), 0, 0 };
      reader_threads[i] = g_thread_new ("feed-reader", kill_reader_thread, &readers[i]);
    }
  for (i = 0; i < 3; i++)
    {
      writers[i] = (KillWriter) { servers[i]->base, sign_in (servers[i]->base, "demo", "demo"),
                                  g_ptr_array_new_with_free_func (g_free),
                                  g_ptr_array_new_with_free_func (g_free), &n_acked,
                                  FEED_WRITES, &stop, 0 };
      threads[i] = g_thread_new ("writer", kill_writer_thread, &writers[i]);
    }
  for (i = 0; i < 3; i++)
    g_thread_join (threads[i]);
  g_atomic_int_set (&writers_done, 1);
  for (i = 0; i < 2; i++)
    g_thread_join (reader_threads[i]);

  for (i = 0; i < 2; i++)
    {
      GHashTable *seen = readers[i].seen;

      g_test_message ("reader %u: %u pages, %u changes", i, readers[i].pages,
                      g_hash_table_size (seen));
      g_assert_cmpuint (readers[i].errors, ==, 0);
      for (guint w = 0; w < 3; w++)
        {
          gint64 previous = 0;

          g_assert_cmpuint (writers[w].retries, ==, 0);
          for (guint j = 0; j < writers[w].created->len; j++)
            {
              const char *uuid = g_ptr_array_index (writers[w].created, j);
              gboolean changed = g_ptr_array_find_with_equal_func (writers[w].updated, uuid,
                                                                   g_str_equal, NULL);
              g_autofree char *v1 = g_strconcat ("applicant/", uuid, "/1", NULL);
              g_autofree char *v2 = g_strconcat ("applicant/", uuid, "/2", NULL);
              gint64 *seq1 = g_hash_table_lookup (seen, v1);
              gint64 *seq2 = g_hash_table_lookup (seen, v2);

              g_assert_nonnull (seq1);
              g_assert_cmpint (*seq1, >, previous);
              previous = *seq1;
              g_assert_true ((seq2 != NULL) == changed);
              if (changed)
                {
                  g_assert_cmpint (*seq2, >, previous);
                  previous = *seq2;
                }
            }
        }
    }
  /* The two readers read the same feed: the same changes at the same seqs. */
  g_assert_cmpuint (g_hash_table_size (readers[0].seen), ==, g_hash_table_size (readers[1].seen));
  {
    GHashTableIter iter;
    gpointer change, seq;

    g_hash_table_iter_init (&iter, readers[0].seen);
    while (g_hash_table_iter_next (&iter, &change, &seq))
      {
        gint64 *other = g_hash_table_lookup (readers[1].seen, change);

        g_assert_nonnull (other);
        g_assert_cmpint (*other, ==, *(gint64 *) seq);
      }
  }

  for (i = 0; i < 3; i++)
    {
      g_free (writers[i].token);
      g_ptr_array_unref (writers[i].created);
      g_ptr_array_unref (writers[i].updated);
    }
  for (i = 0; i < 2; i++)
    {
      g_hash_table_unref (readers[i].seen);
      g_hash_table_unref (readers[i].data);
      server_stop (servers[i + 1]);
      hall_test_remove_tree (dirs[i]);
      g_free (dirs[i]);
    }
}

/* README's way of taking a server out: two servers behind HAProxy, one
 * started with --drain 2 and stopped with SIGTERM while three counters
 * write through the balancer. Not one write is refused on the way
 * (without --drain, those the stopping server held or was sent were
 * answered 503 and sent again), and every acknowledged write is stored. */
static void
test_balancer_drain (void)
{
  g_autofree char *haproxy = g_find_program_in_path ("haproxy");
  g_autofree char *dir = NULL;
  g_autofree char *servers = NULL;
  g_autofree char *lb = NULL;
  const char *const drain[] = { "--drain", "2", NULL };
  g_autoptr(GSubprocess) balancer = NULL;
  KillWriter writers[KILL_WRITERS];
  GThread *threads[KILL_WRITERS];
  Server *drained;
  gint n_acked = 0;
  gint stop = 0;
  gint at_signal;
  guint retries = 0;

  if (postgres == NULL || haproxy == NULL)
    {
      g_test_skip (postgres == NULL ? "one server per SQLite file" : "haproxy is not installed");
      return;
    }
  dir = dir_with_session_key ("hall-server-drain-XXXXXX");
  drained = server_start_with (dir, database_of (server->data_dir), "127.0.0.1:0", drain);
  /* README's configuration, its checks quick. A check of the server that
   * stays may be slow on a loaded machine: it is not taken out for one
   * (fall 3, and a check may take 2 s), or the balancer would have no
   * server left while the other drains. Both up before the writes. */
  servers = g_strdup_printf ("  server a %s check inter 200ms fall 3 rise 1\n"
                             "  server b %s check inter 200ms fall 1 rise 1\n",
                             server->base + strlen ("http://"),
                             drained->base + strlen ("http://"));
  balancer = balancer_start (haproxy, dir, "  timeout check 2s\n", servers, 2, &lb);

  for (guint i = 0; i < KILL_WRITERS; i++)
    writers[i] = (KillWriter) { lb, sign_in (lb, "demo", "demo"),
                                g_ptr_array_new_with_free_func (g_free),
                                g_ptr_array_new_with_free_func (g_free), &n_acked,
                                KILL_MIN_WRITES, &stop, 0 };
  for (guint i = 0; i < KILL_WRITERS; i++)
    threads[i] = g_thread_new ("writer", kill_writer_thread, &writers[i]);

  wait_for_acks (&n_acked, KILL_SPACING, g_get_monotonic_time () + 120 * G_USEC_PER_SEC);
  g_subprocess_send_signal (drained->process, SIGTERM);
  at_signal = g_atomic_int_get (&n_acked);
  assert_stopped_cleanly (drained);
  wait_for_acks (&n_acked, g_atomic_int_get (&n_acked) + KILL_SPACING,
                 g_get_monotonic_time () + 120 * G_USEC_PER_SEC);
  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < KILL_WRITERS; i++)
    g_thread_join (threads[i]);

  g_test_message ("signal at %d acknowledged writes, %d in all", at_signal,
                  g_atomic_int_get (&n_acked));
  for (guint i = 0; i < KILL_WRITERS; i++)
    {
      retries += writers[i].retries;
      for (guint j = 0; j < writers[i].created->len; j++)
        stored_at_acknowledged_version (&writers[i], g_ptr_array_index (writers[i].created, j));
      g_free (writers[i].token);
      g_ptr_array_unref (writers[i].created);
      g_ptr_array_unref (writers[i].updated);
    }
  g_assert_cmpuint (retries, ==, 0);

  g_subprocess_send_signal (balancer, SIGTERM);
  g_subprocess_wait (balancer, NULL, NULL);
  hall_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(HallService) service = NULL;
  int rc;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  if (g_strcmp0 (g_getenv ("HALL_TEST_STORAGE"), "postgresql") == 0)
    {
      postgres = hall_test_postgres_start (&error);
      g_assert_no_error (error);
      if (postgres == NULL)
        {
          g_printerr ("PostgreSQL is not installed: skipped\n");
          return 77;
        }
      databases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }

  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  service = g_list_model_get_item (G_LIST_MODEL (catalog), 0);
  service_id = g_strdup (hall_service_get_id (service));

  dir = g_dir_make_tmp ("hall-server-test-XXXXXX", &error);
  g_assert_no_error (error);
  server = server_start (dir);
  token = sign_in (server->base, "demo", "demo");
  reception_token = sign_in (server->base, "reception1", "demo");

  g_test_add_func ("/hall/server/health", test_health);
  g_test_add_func ("/hall/server/drain", test_drain);
  g_test_add_func ("/hall/server/drain/refused", test_drain_refused);
  g_test_add_func ("/hall/server/sessions", test_sessions);
  g_test_add_func ("/hall/server/sessions/timing", test_sessions_timing);
  g_test_add_func ("/hall/server/sessions/flood", test_sessions_flood);
  g_test_add_func ("/hall/server/auth", test_auth);
  g_test_add_func ("/hall/server/applicant", test_applicant);
  g_test_add_func ("/hall/server/validation", test_validation);
  g_test_add_func ("/hall/server/if-match", test_if_match);
  g_test_add_func ("/hall/server/if-match/rfc9110", test_if_match_rfc9110);
  g_test_add_func ("/hall/server/idempotency", test_idempotency);
  g_test_add_func ("/hall/server/idempotency/per-user", test_idempotency_per_user);
  g_test_add_func ("/hall/server/cases", test_cases);
  g_test_add_func ("/hall/server/events", test_events);
  g_test_add_func ("/hall/server/events/document-provided", test_event_document_provided);
  g_test_add_func ("/hall/server/cases/first-state", test_case_first_state);
  g_test_add_func ("/hall/server/stats", test_stats);
  g_test_add_func ("/hall/server/stats/figures", test_stats_figures);
  g_test_add_func ("/hall/server/stats/steps", test_stats_steps);
  g_test_add_func ("/hall/server/stats/migration", test_stats_migration);
  g_test_add_func ("/hall/server/changes/roles", test_changes_roles);
  g_test_add_func ("/hall/server/pages", test_pages);
  g_test_add_func ("/hall/server/sign-in/throttle", test_sign_in_throttle);
  g_test_add_func ("/hall/server/decisions/path", test_decision_path);
  g_test_add_func ("/hall/server/decisions/forged", test_decision_forged);
  g_test_add_func ("/hall/server/decisions/signer", test_decision_signer);
  g_test_add_func ("/hall/server/decisions/revoked-window", test_decision_revoked_window);
  g_test_add_func ("/hall/server/licenses/put", test_license_put);
  g_test_add_func ("/hall/server/cases/state-by-events-only", test_case_state_by_events_only);
  g_test_add_func ("/hall/server/cases/fixed-fields", test_case_fixed_fields);
  g_test_add_func ("/hall/server/cases/version", test_case_version);
  g_test_add_func ("/hall/server/cases/promised-at", test_case_promised_at);
  g_test_add_func ("/hall/server/cases/number", test_case_number);
  g_test_add_func ("/hall/server/cases/checklist", test_case_checklist);
  g_test_add_func ("/hall/server/events/recorded", test_event_recorded);
  g_test_add_func ("/hall/server/events/roles", test_event_roles);
  g_test_add_func ("/hall/server/batch/same-rules", test_batch_same_rules);
  g_test_add_func ("/hall/server/changes", test_changes);
  g_test_add_func ("/hall/server/batch", test_batch);
  g_test_add_func ("/hall/server/batch/return-minimal", test_batch_return_minimal);
  g_test_add_func ("/hall/server/identity", test_identity);
  g_test_add_func ("/hall/server/batch/storage-failure", test_batch_storage_failure);
  g_test_add_func ("/hall/server/batch/reads-its-own-writes", test_batch_reads_its_own_writes);
  g_test_add_func ("/hall/server/blobs", test_blobs);
  g_test_add_func ("/hall/server/durability", test_durability);
  g_test_add_func ("/hall/server/set-official", test_set_official);
  g_test_add_func ("/hall/server/calendar", test_calendar);
  g_test_add_func ("/hall/server/schema-v1", test_schema_v1);
  g_test_add_func ("/hall/server/schema-v2/duplicates", test_schema_v2_duplicates);
  g_test_add_func ("/hall/server/tls-refused", test_tls_refused);
  g_test_add_func ("/hall/server/trust/shared", test_trust_shared);
  g_test_add_func ("/hall/server/create-race", test_create_race);
  g_test_add_func ("/hall/server/calendar-race", test_calendar_race);
  g_test_add_func ("/hall/server/balancer", test_balancer);
  g_test_add_func ("/hall/server/balancer/kill", test_balancer_kill);
  g_test_add_func ("/hall/server/balancer/drain", test_balancer_drain);
  g_test_add_func ("/hall/server/feed/three-servers", test_feed_three_servers);
  g_test_add_func ("/hall/server/database-away", test_database_away);
  g_test_add_func ("/hall/server/database-hung", test_database_hung);
  g_test_add_func ("/hall/server/database-terminated", test_database_terminated);
  g_test_add_func ("/hall/server/outdated-server", test_outdated_server);
  g_test_add_func ("/hall/server/database-silent", test_database_silent);
  g_test_add_func ("/hall/server/untrusted/json", test_untrusted_json);
  g_test_add_func ("/hall/server/untrusted/paths", test_untrusted_paths);
  g_test_add_func ("/hall/server/untrusted/changes-limit", test_changes_limit);
  g_test_add_func ("/hall/server/untrusted/session-lifetime", test_session_lifetime);
  rc = g_test_run ();

  server_stop (server);
  hall_test_remove_tree (dir);
  g_clear_pointer (&databases, g_hash_table_unref);
  g_clear_pointer (&postgres, hall_test_postgres_stop);
  g_free (token);
  g_free (reception_token);
  g_free (service_id);
  curl_global_cleanup ();
  return rc;
}
