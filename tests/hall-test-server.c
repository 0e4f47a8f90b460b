/* hall-test-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-test"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "hall-http-client.h"
#include "hall-sqlite.h"
#include "hall-store-signing.h"
#include "hall-test-postgres.h"
#include "hall-test-server.h"
#include "hall-test-process.h"

/* With HALL_TEST_STORAGE=postgresql, one throw-away cluster for the test
 * program (started by the first server, stopped at exit) and a database
 * per data directory, so that a restarted server finds its own records. */
static HallTestPostgres *postgres;
static GHashTable *databases;  /* data dir -> libpq URI */
static GMutex postgres_lock;

static void
stop_postgres (void)
{
  g_clear_pointer (&databases, g_hash_table_unref);
  g_clear_pointer (&postgres, hall_test_postgres_stop);
}

/* (transfer none) (nullable): the URI of @data_dir's database, made the
 * first time, or NULL on SQLite. */
static const char *
database_of (const char *data_dir)
{
  const char *uri;

  if (g_strcmp0 (g_getenv ("HALL_TEST_STORAGE"), "postgresql") != 0)
    return NULL;
  g_mutex_lock (&postgres_lock);
  if (postgres == NULL)
    {
      g_autoptr (GError) error = NULL;

      postgres = hall_test_postgres_start (&error);
      g_assert_no_error (error);
      /* Skipped, as meson counts it, when PostgreSQL is not installed. */
      if (postgres == NULL)
        {
          g_printerr ("PostgreSQL is not installed: skipped\n");
          exit (77);
        }
      databases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      atexit (stop_postgres);
    }
  uri = g_hash_table_lookup (databases, data_dir);
  if (uri == NULL)
    {
      g_autofree char *name = g_strdup_printf ("hall_%u", g_hash_table_size (databases) + 1);

      uri = hall_test_postgres_create_database (postgres, name);
      g_hash_table_insert (databases, g_strdup (data_dir), (char *) uri);
    }
  g_mutex_unlock (&postgres_lock);
  return uri;
}

static gpointer
drain_thread (gpointer user_data)
{
  GInputStream *stream = user_data;
  char buffer[4096];

  while (g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
  g_object_unref (stream);
  return NULL;
}

/* A test that fails does not leave its server running. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

HallTestServer *
hall_test_server_start (const char *data_dir)
{
  return hall_test_server_start_full (data_dir, database_of (data_dir), NULL);
}

HallTestServer *
hall_test_server_start_full (const char        *data_dir,
                             const char        *database,
                             const char *const *extra)
{
  const char *binary = g_getenv ("SERVICE_HALL_SERVER_BIN");
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  HallTestServer *server;

  g_assert_nonnull (binary);
  server = g_new0 (HallTestServer, 1);
  server->data_dir = g_strdup (data_dir);
  server->database = g_strdup (database);
  g_ptr_array_add (argv, (char *) binary);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  g_ptr_array_add (argv, "--data");
  g_ptr_array_add (argv, (char *) data_dir);
  g_ptr_array_add (argv, "--demo");
  if (database != NULL)
    {
      g_ptr_array_add (argv, "--database");
      g_ptr_array_add (argv, (char *) database);
    }
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata,
                                                  &error);
  g_assert_no_error (error);

  /* A server that dies closes the pipe, so this read cannot hang. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  server->url = g_strdup (line + strlen ("listening on "));
  uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  server->port = (guint16) g_uri_get_port (uri);
  g_assert_cmpuint (server->port, >, 0);

  server->drain = g_thread_new ("server-stdout", drain_thread, g_object_ref (out));
  return server;
}

static void
wait_and_join (HallTestServer *server)
{
  g_subprocess_wait (server->process, NULL, NULL);
  if (server->drain != NULL)
    g_thread_join (g_steal_pointer (&server->drain));
  g_clear_object (&server->process);
}

void
hall_test_server_kill (HallTestServer *server)
{
  g_assert_nonnull (server->process);
  g_subprocess_force_exit (server->process);
  wait_and_join (server);
}

void
hall_test_server_stop (HallTestServer *server)
{
  g_assert_nonnull (server->process);
  g_subprocess_send_signal (server->process, SIGTERM);
  wait_and_join (server);
}

void
hall_test_server_finish (HallTestServer *server)
{
  g_assert_nonnull (server->process);
  hall_test_terminate (server->process);
  wait_and_join (server);
  hall_test_server_free (server);
}

int
hall_test_server_run (const char *const  *args,
                      char              **out,
                      char              **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (g_getenv ("SERVICE_HALL_SERVER_BIN"));
  g_ptr_array_add (argv, (char *) g_getenv ("SERVICE_HALL_SERVER_BIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

void
hall_test_server_free (HallTestServer *server)
{
  if (server == NULL)
    return;
  if (server->process != NULL)
    hall_test_server_stop (server);
  g_free (server->data_dir);
  g_free (server->database);
  g_free (server->url);
  g_free (server);
}

char *
hall_test_server_dup_db_path (HallTestServer *server)
{
  if (server->database != NULL)
    return NULL;
  return g_build_filename (server->data_dir, "hall.sqlite", NULL);
}

char *
hall_test_server_sign_in (const char *url)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GBytes) body = NULL;
  g_autofree char *full = g_strconcat (url, "/v1/sessions", NULL);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", key);
  const char *headers[] = { "Content-Type: application/json", key_header, NULL };
  static const char credentials[] = "{\"username\": \"demo\", \"password\": \"demo\"}";
  gsize size;
  const char *data;

  body = g_bytes_new_static (credentials, sizeof credentials - 1);
  response = hall_http_client_send (client, "POST", full, headers, body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 201);
  data = g_bytes_get_data (response->body, &size);
  json_parser_load_from_data (parser, data, (gssize) size, &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "token"));
}

void
hall_test_assert_integrity (const char *path)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GString) answer = g_string_new (NULL);
  int rc;

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_string_append_printf (answer, "%s%s", answer->len > 0 ? "; " : "",
                            (const char *) sqlite3_column_text (stmt, 0));
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  if (!g_str_equal (answer->str, "ok"))
    g_error ("integrity_check of %s: %s", path, answer->str);
}

/* A valid GB 11643 resident ID number for @serial. */
static char *
make_resident_id (guint serial)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  g_autofree char *base = g_strdup_printf ("6401041990%04u%03u", 101 + serial / 1000 % 1200,
                                           serial % 1000);
  int sum = 0;
  int i;

  for (i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

static void
add_event (HallStore        *store,
           const char       *case_uuid,
           HallCaseEventKind kind,
           HallCaseState     state)
{
  g_autoptr (HallCaseEvent) event = hall_case_event_new (case_uuid, kind);
  g_autoptr (GError) error = NULL;

  if (kind == HALL_CASE_EVENT_STATE)
    hall_case_event_set_new_state (event, state);
  else
    hall_case_event_set_note (event, "called the applicant back");
  hall_store_add_case_event (store, event, &error);
  g_assert_no_error (error);
}

void
hall_test_open_demo_signing (HallStore *store)
{
  g_autoptr (GError) error = NULL;

  if (g_object_get_data (G_OBJECT (store), "hall-test-signing") != NULL)
    return;
  g_assert_true (hall_store_add_demo_signing (store, &error));
  g_assert_no_error (error);
  g_assert_true (hall_store_open_session_key (store, "demo", "demo", &error));
  g_assert_no_error (error);
  g_object_set_data (G_OBJECT (store), "hall-test-signing", GINT_TO_POINTER (1));
}

/* Approves the next step of the case as demo; the case's new state. */
static HallCaseState
decide (HallStore   *store,
        HallService *service,
        const char  *case_uuid)
{
  g_autoptr (HallCaseEvent) event = hall_case_event_new (case_uuid, HALL_CASE_EVENT_DECISION);
  g_autoptr (GError) error = NULL;
  HallCaseState state = HALL_CASE_RECEIVED;

  hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
  hall_test_open_demo_signing (store);
  hall_store_decide_case (store, service, event, HALL_ROLES_ALL, "demo", &state, &error);
  g_assert_no_error (error);
  return state;
}

void
hall_test_create_cases (HallStore   *store,
                        HallCatalog *catalog,
                        guint        first_serial,
                        guint        n)
{
  static const char *const services[] = {
    "resident_id_card_renewal", "individual_business_license",
  };
  guint i;

  for (i = 0; i < n; i++)
    {
      guint serial = first_serial + i;
      g_autofree char *id_number = make_resident_id (serial);
      g_autoptr (HallApplicant) applicant =
        hall_applicant_new_person ("Test Person", HALL_ID_TYPE_RESIDENT_ID, id_number,
                                   "13912345678");
      HallService *service = hall_catalog_lookup (catalog,
                                                  services[serial % G_N_ELEMENTS (services)]);
      g_autoptr (HallCase) kase = hall_case_new ();
      g_autoptr (GError) error = NULL;

      g_assert_nonnull (service);
      hall_store_create_case (store, applicant, service, kase, &error);
      g_assert_no_error (error);

      if (serial % 2 == 0)
        add_event (store, hall_case_get_uuid (kase), HALL_CASE_EVENT_NOTE, 0);
      /* A case moves on along its steps, by decisions: a third of them
       * accepted, a sixth through every step to approved (as demo, who
       * holds every role). */
      if (serial % 3 == 0)
        decide (store, service, hall_case_get_uuid (kase));
      if (serial % 6 == 0)
        while (decide (store, service, hall_case_get_uuid (kase)) == HALL_CASE_IN_REVIEW)
          ;
    }
}
