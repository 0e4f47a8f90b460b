/* test-ctl.c — service-hall-ctl as a user runs it, against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* dlinfo (), unshare () */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hall-http-client.h"
#include "hall-signature.h"
#include "hall-store.h"
#include "hall-test-files.h"

typedef struct
{
  char        *dir;
  char        *profile;
  GSubprocess *server;
  char        *url;
} Fixture;

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_server (Fixture *fixture)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = g_build_filename (fixture->dir, "server", NULL);
  g_autofree char *line = NULL;

  g_assert_nonnull (g_getenv ("SERVICE_HALL_SERVER_BIN"));
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->server = g_subprocess_launcher_spawn (launcher, &error,
                                                 g_getenv ("SERVICE_HALL_SERVER_BIN"),
                                                 "--listen", "127.0.0.1:0", "--data", data,
                                                 "--demo", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  fixture->url = g_strdup (line + strlen ("listening on "));
}

/* Runs service-hall-ctl --profile PROFILE ARGS…; returns its exit status. */
static int
run_ctl (Fixture  *fixture,
         char    **out,
         char    **err,
         ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  const char *arg;
  va_list args;

  g_assert_nonnull (g_getenv ("SERVICE_HALL_CTL_BIN"));
  g_ptr_array_add (argv, (char *) g_getenv ("SERVICE_HALL_CTL_BIN"));
  g_ptr_array_add (argv, (char *) "--profile");
  g_ptr_array_add (argv, fixture->profile);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* status --json, with --server @server when not NULL. */
static JsonObject *
status_json (Fixture    *fixture,
             const char *server)
{
  g_autofree char *out = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (server != NULL)
    status = run_ctl (fixture, &out, NULL, "--server", server, "status", "--json", NULL);
  else
    status = run_ctl (fixture, &out, NULL, "status", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (root));
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-ctl-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->profile = g_build_filename (fixture->dir, "profile", NULL);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer user_data)
{
  if (fixture->server != NULL)
    {
      g_subprocess_send_signal (fixture->server, SIGTERM);
      g_subprocess_wait (fixture->server, NULL, NULL);
      g_clear_object (&fixture->server);
    }
  hall_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->profile);
  g_free (fixture->url);
}

/* Line 1 starts with a byte order mark; line 2 is empty; 4, 5 and 6 are
 * bad; 7 is the applicant of line 1 again; 8 and 9 are bad as the server
 * would find them: a name cut short by \u0000, a member given twice. */
static const char cases_jsonl[] =
  "\xEF\xBB\xBF"
  "{\"service\": \"resident_id_card_renewal\", \"applicant\": {\"kind\": \"person\", \"name\": "
  "\"Test One\", \"id_type\": \"resident_id\", \"id_number\": \"640104199003071236\", \"phone\": "
  "\"13912345678\"}}\n"
  "\n"
  "{\"service\": \"individual_business_license\", \"applicant\": {\"kind\": \"person\", "
  "\"name\": \"Test Two\", \"id_type\": \"resident_id\", \"id_number\": \"640104198511204563\", "
  "\"phone\": \"13812345678\"}, \"checklist\": [{\"id\": \"id_card\", \"provided\": true}]}\n"
  "{\"service\": \"resident_id_card_renewal\", \"applicant\": {\"kind\": \"person\", \"name\": "
  "\"Test Three\", \"id_type\": \"resident_id\", \"id_number\": \"640104198511204562\", "
  "\"phone\": \"13812345678\"}}\n"
  "{\"service\": \"no_such_service\", \"applicant\": {\"kind\": \"person\", \"name\": "
  "\"Test Four\", \"id_type\": \"resident_id\", \"id_number\": \"11010519491231002X\", "
  "\"phone\": \"13812345678\"}}\n"
  "{\"service\": \"resident_id_card_renewal\", \"applicant\": {\"kind\": \n"
  "{\"service\": \"hukou_transfer_in\", \"applicant\": {\"kind\": \"person\", \"name\": "
  "\"Test One\", \"id_type\": \"resident_id\", \"id_number\": \"640104199003071236\", \"phone\": "
  "\"13912345678\"}}\n"
  "{\"service\": \"resident_id_card_renewal\", \"applicant\": {\"kind\": \"person\", \"name\": "
  "\"Test\\u0000Eight\", \"id_type\": \"resident_id\", \"id_number\": \"640104198506120015\"}}\n"
  "{\"service\": \"resident_id_card_renewal\", \"service\": \"hukou_transfer_in\", "
  "\"applicant\": {\"kind\": \"person\", \"name\": \"Test Nine\", \"id_type\": \"resident_id\", "
  "\"id_number\": \"640104198506120015\"}}\n";

static const char good_jsonl[] =
  "{\"service\": \"resident_id_card_renewal\", \"applicant\": {\"kind\": \"person\", \"name\": "
  "\"Test One\", \"id_type\": \"resident_id\", \"id_number\": \"640104199003071236\", \"phone\": "
  "\"13912345678\"}}\n";

static void
test_import (Fixture      *fixture,
             gconstpointer user_data)
{
  g_autofree char *path = write_file (fixture, "cases.jsonl", cases_jsonl);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *db = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (JsonObject) status = NULL;
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (GPtrArray) cases = NULL;
  g_autoptr (GError) error = NULL;
  guint pending;

  g_assert_cmpint (run_ctl (fixture, &out, &err, "--counter", "C07", "import", path, NULL), ==,
                   EX_DATAERR);

  /* One "LINE<TAB>NUMBER" per case, in the counter's own series. */
  lines = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "1\tYC-"));
  g_assert_true (g_str_has_prefix (lines[1], "3\tYC-"));
  g_assert_true (g_str_has_prefix (lines[2], "7\tYC-"));
  g_assert_nonnull (strstr (lines[0], "-C07-"));

  /* The bad lines, each with its place and field; personal data never. */
  g_assert_nonnull (strstr (err, "cases.jsonl:4: "));
  g_assert_nonnull (strstr (err, "(field applicant.id_number)"));
  g_assert_nonnull (strstr (err, "cases.jsonl:5: "));
  g_assert_nonnull (strstr (err, "(field service)"));
  g_assert_nonnull (strstr (err, "cases.jsonl:6: not valid JSON"));
  g_assert_nonnull (strstr (err, "cases.jsonl:8: not valid JSON: a string holds the character "
                                 "U+0000"));
  g_assert_nonnull (strstr (err, "(field name)"));
  g_assert_nonnull (strstr (err, "cases.jsonl:9: not valid JSON: the member “service” appears "
                                 "twice"));
  g_assert_null (strstr (err, "Test Nine"));
  g_assert_null (strstr (err, "cases.jsonl:1:"));
  g_assert_null (strstr (err, "cases.jsonl:2:"));
  g_assert_null (strstr (err, "cases.jsonl:7:"));
  g_assert_null (strstr (err, "Test Three"));

  status = status_json (fixture, NULL);
  pending = json_object_get_int_member (status, "pending");
  g_assert_cmpuint (pending, >, 0);
  g_assert_true (json_object_get_null_member (status, "last_sync"));
  g_assert_true (json_object_get_null_member (status, "server"));
  g_assert_true (json_object_get_null_member (status, "online"));

  /* The good cases are saved; line 7 reused the applicant of line 1. */
  db = g_build_filename (fixture->profile, "hall.db", NULL);
  store = hall_store_open (db, "YC", "C07", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_cases (store), ==, 3);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, pending);
  applicant = hall_store_find_applicant (store, "640104199003071236", &error);
  g_assert_no_error (error);
  cases = hall_store_list_applicant_cases (store, hall_applicant_get_uuid (applicant), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 2);
  g_clear_object (&store);

  /* The profile remembers its counter. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&path, g_free);
  path = write_file (fixture, "more.jsonl", good_jsonl);
  g_assert_cmpint (run_ctl (fixture, &out, NULL, "import", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "-C07-"));
}

static void
test_login_refused (Fixture      *fixture,
                    gconstpointer user_data)
{
  g_autofree char *password = write_file (fixture, "password", "not the password\n");
  g_autofree char *err = NULL;

  start_server (fixture);
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "login", "--server", fixture->url, "--user",
                            "demo", "--password-file", password, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "did not accept"));
  g_assert_null (strstr (err, "cannot reach"));
}

static void
test_sync (Fixture      *fixture,
           gconstpointer user_data)
{
  g_autofree char *cases = write_file (fixture, "cases.jsonl", cases_jsonl);
  g_autofree char *password = write_file (fixture, "password", "demo\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonObject) status = NULL;

  start_server (fixture);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "import", cases, NULL), ==, EX_DATAERR);
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "login", "--server", fixture->url, "--user",
                            "demo", "--password-file", password, NULL), ==, 0);

  g_assert_cmpint (run_ctl (fixture, &out, &err, "sync", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "pushed "));
  g_assert_nonnull (strstr (out, "rejected 0, waiting 0"));

  status = status_json (fixture, NULL);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_nonnull (json_object_get_string_member (status, "last_sync"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (status, "last_sync"), "Z"));
  g_assert_nonnull (json_object_get_string_member (status, "cursor"));
  g_assert_cmpstr (json_object_get_string_member (status, "server"), ==, fixture->url);
  g_assert_true (json_object_get_boolean_member (status, "online"));

  /* Nothing left: the next pass pushes nothing. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (fixture, &out, NULL, "sync", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "pushed 0, pulled 0,"));
}

/* A token the server no longer takes: "sign in again" (77), never offline;
 * with a password file the pass signs in again by itself. */
static void
test_sign_in_again (Fixture      *fixture,
                    gconstpointer user_data)
{
  g_autofree char *cases = write_file (fixture, "cases.jsonl", good_jsonl);
  g_autofree char *password = write_file (fixture, "password", "demo\n");
  g_autofree char *db = NULL;
  g_autofree char *err = NULL;
  g_autoptr (HallStore) store = NULL;
  g_autoptr (GError) error = NULL;

  start_server (fixture);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "login", "--server", fixture->url, "--user",
                            "demo", "--password-file", password, NULL), ==, 0);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "import", cases, NULL), ==, 0);

  db = g_build_filename (fixture->profile, "hall.db", NULL);
  store = hall_store_open (db, "YC", "C01", &error);
  g_assert_no_error (error);
  hall_store_set_meta (store, "token", "expired", &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_cmpint (run_ctl (fixture, NULL, &err, "sync", NULL), ==, EX_NOPERM);
  g_assert_nonnull (strstr (err, "sign in"));
  g_assert_null (strstr (err, "cannot reach"));

  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "sync", "--user", "demo", "--password-file",
                            password, NULL), ==, 0);
}

/* A session of demo's own, as another counter would open. */
static char *
sign_in_demo (const char *base)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autofree char *url = g_strconcat (base, "/v1/sessions", NULL);
  static const char credentials[] = "{\"username\":\"demo\",\"password\":\"demo\"}";
  g_autoptr (GBytes) body = g_bytes_new_static (credentials, sizeof credentials - 1);
  const char *headers[] = { "Content-Type: application/json", NULL };
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  response = hall_http_client_send (client, "POST", url, headers, body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 201);
  text = hall_http_response_dup_text (response);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

/* logout ends the official's sessions on the server, this counter's and
 * every other's, and forgets the token here: sync then asks to sign in. */
static void
test_logout (Fixture      *fixture,
             gconstpointer user_data)
{
  g_autofree char *password = write_file (fixture, "password", "demo\n");
  g_autofree char *cases = write_file (fixture, "cases.jsonl", good_jsonl);
  g_autofree char *db = NULL;
  g_autofree char *other_token = NULL;
  g_autofree char *token = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (HallStore) store = NULL;
  g_autoptr (GError) error = NULL;

  start_server (fixture);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "login", "--server", fixture->url, "--user",
                            "demo", "--password-file", password, NULL), ==, 0);
  /* Another counter of the same official. */
  other_token = sign_in_demo (fixture->url);

  g_assert_cmpint (run_ctl (fixture, &out, NULL, "logout", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Signed out"));

  db = g_build_filename (fixture->profile, "hall.db", NULL);
  store = hall_store_open (db, "YC", "C01", &error);
  g_assert_no_error (error);
  token = hall_store_get_meta (store, "token");
  g_assert_cmpstr (token, ==, "");
  g_clear_object (&store);

  {
    g_autoptr (HallHttpClient) client = hall_http_client_new ();
    g_autofree char *url = g_strconcat (fixture->url, "/v1/catalog", NULL);
    g_autofree char *authorization = g_strconcat ("Authorization: Bearer ", other_token, NULL);
    const char *headers[] = { authorization, NULL };
    g_autoptr (HallHttpResponse) response = hall_http_client_send (client, "GET", url, headers,
                                                                   NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (response->status, ==, 401);
  }

  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "import", cases, NULL), ==, 0);
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "sync", NULL), ==, EX_NOPERM);
  /* Signed out already: logging out again is no error. */
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "logout", NULL), ==, 0);
}

static char *
closed_port_url (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

static void
test_offline (Fixture      *fixture,
              gconstpointer user_data)
{
  g_autofree char *closed = closed_port_url ();
  g_autofree char *cases = write_file (fixture, "cases.jsonl", good_jsonl);
  g_autofree char *password = write_file (fixture, "password", "demo\n");
  g_autofree char *err = NULL;
  g_autoptr (JsonObject) before = NULL;
  g_autoptr (JsonObject) after = NULL;

  g_assert_cmpint (run_ctl (fixture, NULL, &err, "--retries", "2", "login", "--server", closed,
                            "--user", "demo", "--password-file", password, NULL), ==, EX_TEMPFAIL);
  g_assert_nonnull (strstr (err, "cannot reach"));
  g_assert_null (strstr (err, "password"));

  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "import", cases, NULL), ==, 0);
  before = status_json (fixture, NULL);
  g_assert_cmpint (json_object_get_int_member (before, "pending"), >, 0);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "--server", closed, "--retries", "2", "sync",
                            NULL), ==, EX_TEMPFAIL);
  g_assert_nonnull (strstr (err, "cannot reach"));

  after = status_json (fixture, closed);
  g_assert_cmpint (json_object_get_int_member (after, "pending"), ==,
                   json_object_get_int_member (before, "pending"));
  g_assert_false (json_object_get_boolean_member (after, "online"));
}

/* (transfer full): the shipped data/calendar.json. */
static char *
shipped_calendar_path (void)
{
  if (g_getenv ("SERVICE_HALL_CALENDAR") != NULL)
    return g_strdup (g_getenv ("SERVICE_HALL_CALENDAR"));
  return g_test_build_filename (G_TEST_DIST, "..", "data", "calendar.json", NULL);
}

/* The shipped calendar with @holiday added, as a file of @name. */
static char *
calendar_file (Fixture    *fixture,
               const char *name,
               const char *holiday)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = shipped_calendar_path ();
  JsonObject *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  json_array_add_string_element (json_object_get_array_member (root, "holidays"), holiday);
  json = json_to_string (json_parser_get_root (parser), TRUE);
  return write_file (fixture, name, json);
}

/* The administrator reads and sets the hall's calendar from the command
 * line: a bad file is refused before it is sent, naming the field and the
 * date; a good one becomes the next version, kept here too, and is shown
 * with the server gone. A year without holidays is warned of. */
static void
test_calendar (Fixture      *fixture,
               gconstpointer user_data)
{
  g_autofree char *password = write_file (fixture, "password", "demo\n");
  g_autofree char *good = calendar_file (fixture, "good.json", "2026-12-07");
  g_autofree char *bad = calendar_file (fixture, "bad.json", "2026-02-30");
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.json", NULL);
  g_autofree char *always_open = g_test_build_filename (G_TEST_DIST, "data",
                                                        "calendar-always-open.json", NULL);
  g_autofree char *cases = write_file (fixture, "cases.jsonl", good_jsonl);
  g_autofree char *shipped_path = shipped_calendar_path ();
  g_autoptr (GFile) shipped_file = g_file_new_for_path (shipped_path);
  g_autoptr (HallCalendar) shipped = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *warning = NULL;
  int year;

  shipped = hall_calendar_new_from_file (shipped_file, &error);
  g_assert_no_error (error);
  year = hall_calendar_missing_year (shipped, g_get_real_time () / G_USEC_PER_SEC);
  warning = g_strdup_printf ("Warning: the holidays of %d are not set", year);

  start_server (fixture);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "login", "--server", fixture->url, "--user",
                            "demo", "--password-file", password, NULL), ==, 0);

  g_assert_cmpint (run_ctl (fixture, &out, &err, "calendar", "show", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "version 1"));
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (json_node_get_object (json_parser_get_root (parser)),
                                         "holidays"));
  g_assert_true (year != 0 ? strstr (err, warning) != NULL : strstr (err, "Warning") == NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_ctl (fixture, NULL, &err, "calendar", "set", bad, NULL), ==, EX_DATAERR);
  g_assert_nonnull (strstr (err, "holidays["));
  g_assert_nonnull (strstr (err, "2026-02-30"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "calendar", "set", missing, NULL), ==,
                   EX_NOINPUT);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "calendar", "unset", NULL), ==, EX_USAGE);

  g_assert_cmpint (run_ctl (fixture, &out, &err, "calendar", "set", good, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "version 2"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Someone else's change came first. */
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "calendar", "set", "--if-version", "1", bad + 0,
                            NULL), ==, EX_DATAERR);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "calendar", "set", "--if-version", "1",
                            shipped_path, NULL), ==, EX_TEMPFAIL);
  g_assert_nonnull (strstr (err, "412"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_ctl (fixture, &out, &err, "calendar", "show", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "version 2"));
  g_assert_nonnull (strstr (out, "2026-12-07"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Cases imported here are promised in the calendar set: open around
   * the clock, so 24:00 of the day it is due, never the 17:00 of the
   * shipped file. */
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "calendar", "set", always_open, NULL), ==, 0);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "import", cases, NULL), ==, 0);
  {
    g_autofree char *db = g_build_filename (fixture->profile, "hall.db", NULL);
    g_autoptr (HallStore) store = hall_store_open (db, "YC", "C01", &error);
    g_autoptr (GPtrArray) imported = NULL;
    g_autoptr (HallCalendar) open = NULL;
    g_autoptr (HallCatalog) catalog = hall_catalog_new_default (&error);
    HallCase *kase;
    guint minutes;

    g_assert_no_error (error);
    imported = hall_store_fetch_cases (store, 0, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (imported->len, ==, 1);
    kase = g_ptr_array_index (imported, 0);
    minutes = hall_service_get_promised_minutes (
      hall_catalog_lookup (catalog, hall_case_get_service_id (kase)));
    open = hall_store_load_calendar (store, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (hall_case_get_promised_at (kase), ==,
                     hall_calendar_promise (open, minutes, hall_case_get_created_at (kase)));
    g_assert_cmpint (hall_case_get_promised_at (kase), !=,
                     hall_calendar_promise (shipped, minutes, hall_case_get_created_at (kase)));
  }

  /* The server gone: the copy kept here. */
  g_subprocess_send_signal (fixture->server, SIGTERM);
  g_subprocess_wait (fixture->server, NULL, NULL);
  g_assert_cmpint (run_ctl (fixture, &out, &err, "--retries", "1", "calendar", "show", NULL), ==,
                   0);
  g_assert_nonnull (strstr (err, "cannot be reached"));
  g_assert_nonnull (strstr (err, "version 3"));
  g_assert_nonnull (strstr (out, "00:00-24:00"));
}

static void
test_usage (Fixture      *fixture,
            gconstpointer user_data)
{
  static const char * const commands[] = { "login", "import", "sync", "status" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (run_ctl (fixture, &out, NULL, commands[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (out, commands[i]));
      g_assert_nonnull (strstr (out, g_str_equal (commands[i], "status") ? "--json"
                                                                          : "Exit status"));
    }
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "no-such-command", NULL), ==, EX_USAGE);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "import", NULL), ==, EX_USAGE);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "sync", NULL), ==, EX_CONFIG);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "import", "/nonexistent/cases.jsonl", NULL), ==,
                   EX_NOINPUT);
}


static const char license_jsonl[] =
  "{\"service\": \"company_business_license\", \"applicant\": {\"kind\": \"person\", \"name\": "
  "\"Test Founder\", \"id_type\": \"resident_id\", \"id_number\": \"640104199003071236\", "
  "\"phone\": \"13912345678\"}}\n";

/* decide, as the signed-in official, offline: the step the official's roles
 * allow, one step of a joint review only, reasons needed to return, the
 * password checked; then sync puts each decision on the server once. */
static void
test_decide (Fixture      *fixture,
             gconstpointer user_data)
{
  g_autofree char *cases = write_file (fixture, "cases.jsonl", license_jsonl);
  g_autofree char *password = write_file (fixture, "password", "demo\n");
  g_autofree char *wrong = write_file (fixture, "wrong", "not the password\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *number = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  g_autofree char *db = NULL;
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_auto (GStrv) fields = NULL;

  start_server (fixture);
  g_assert_cmpint (run_ctl (fixture, &out, NULL, "import", cases, NULL), ==, 0);
  fields = g_strsplit (g_strstrip (out), "\t", -1);
  number = g_strdup (fields[1]);
  g_clear_pointer (&out, g_free);

  /* No one signed in yet. */
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "decide", number, "approve", "--password-file",
                            password, NULL), ==, EX_NOPERM);
  g_assert_nonnull (strstr (err, "login"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "login", "--server", fixture->url, "--user",
                            "demo", "--password-file", password, NULL), ==, 0);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "decide", number, "approve", "--password-file",
                            wrong, NULL), ==, EX_NOPERM);
  /* A decision is signed with the official's key, which the hall must
   * have certified: not yet. */
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "decide", number, "approve", "--password-file",
                            password, NULL), ==, EX_NOPERM);
  g_assert_nonnull (strstr (err, "certified"));
  g_clear_pointer (&err, g_free);
  {
    g_autoptr (HallRootKey) demo = hall_root_key_new_demo ();
    g_autofree char *key_data = hall_root_key_to_data (demo);
    g_autofree char *hall_key = write_file (fixture, "hall-key.json", key_data);

    g_assert_cmpint (run_ctl (fixture, NULL, NULL, "enroll", "demo", "--hall-key", hall_key,
                              "--password-file", password, NULL), ==, 0);
  }
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "decide", number, "stamp", "--password-file",
                            password, NULL), ==, EX_USAGE);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "decide", "YC-2026-C01-999999", "approve",
                            "--password-file", password, NULL), ==, EX_DATAERR);

  /* Offline: no server needed to decide. */
  g_assert_cmpint (run_ctl (fixture, &out, NULL, "decide", number, "approve", "--password-file",
                            password, NULL), ==, 0);
  expected = g_strdup_printf ("%s\taccept\tapprove\tin_review\n", number);
  g_assert_cmpstr (out, ==, expected);
  g_clear_pointer (&out, g_free);
  /* A return needs its reason. */
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "decide", number, "return", "--password-file",
                            password, NULL), ==, EX_DATAERR);
  g_assert_nonnull (strstr (err, "reason"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (fixture, &out, NULL, "decide", number, "approve", "--password-file",
                            password, NULL), ==, 0);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s\treview\tapprove\tin_review\n", number);
  g_assert_cmpstr (out, ==, expected);
  g_clear_pointer (&out, g_free);
  /* One official, one step of the joint review. */
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "decide", number, "approve", "--password-file",
                            password, NULL), ==, EX_DATAERR);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_ctl (fixture, &out, NULL, "sync", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "rejected 0, waiting 0"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (fixture, &out, NULL, "sync", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "pushed 0,"));

  /* The server's record: both decisions, once each, by demo. */
  db = g_build_filename (fixture->profile, "hall.db", NULL);
  store = hall_store_open (db, "YC", "C01", &error);
  g_assert_no_error (error);
  kase = hall_store_get_case_by_number (store, number, &error);
  g_assert_no_error (error);
  token = sign_in_demo (fixture->url);
  url = g_strdup_printf ("%s/v1/cases/%s", fixture->url, hall_case_get_uuid (kase));
  {
    g_autofree char *auth = g_strconcat ("Authorization: Bearer ", token, NULL);
    const char *headers[] = { auth, NULL };

    response = hall_http_client_send (client, "GET", url, headers, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (response->status, ==, 200);
    text = hall_http_response_dup_text (response);
    node = json_from_string (text, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "state"), ==,
                     "in_review");
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, 3);
  }
}

/* Whether this process may have a mount namespace of its own (asked of a
 * child, so that this one keeps its namespace). */
static gboolean
may_unshare_mounts (void)
{
  int status = 0;
  pid_t child = fork ();

  if (child == 0)
    _exit (unshare (CLONE_NEWNS) == 0
           && mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 ? 0 : 1);
  return child > 0 && waitpid (child, &status, 0) == child && WIFEXITED (status)
         && WEXITSTATUS (status) == 0;
}

/* Lays /dev/null over the file the loader finds for libcurl's soname, in
 * a mount namespace of this process's own. */
static void
hide_libcurl (void)
{
  struct link_map *map = NULL;
  g_autofree char *real = NULL;
  void *handle = dlopen (HALL_LIBCURL_SONAME, RTLD_NOW);

  g_assert_nonnull (handle);
  g_assert_cmpint (dlinfo (handle, RTLD_DI_LINKMAP, &map), ==, 0);
  real = realpath (map->l_name, NULL);
  g_assert_nonnull (real);
  g_assert_cmpint (unshare (CLONE_NEWNS), ==, 0);
  g_assert_cmpint (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), ==, 0);
  g_assert_cmpint (mount ("/dev/null", real, NULL, MS_BIND, NULL), ==, 0);
}

/* libcurl not installed: login and sync say which package to install and
 * exit 69 (trying again will not help), and lose nothing that waits. Run
 * in a subprocess, whose mount namespace hides the library; skipped where
 * this may not mount (not root). */
static void
test_libcurl_missing (Fixture      *fixture,
                      gconstpointer user_data)
{
  g_autofree char *cases = NULL;
  g_autofree char *password = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonObject) before = NULL;
  g_autoptr (JsonObject) after = NULL;

  if (!g_test_subprocess ())
    {
      if (!may_unshare_mounts ())
        {
          g_test_skip ("no mount namespace of our own to hide libcurl in");
          return;
        }
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stdout ("*libcurl hidden*");
      return;
    }

  cases = write_file (fixture, "cases.jsonl", good_jsonl);
  password = write_file (fixture, "password", "demo\n");
  start_server (fixture);
  g_assert_cmpint (run_ctl (fixture, NULL, NULL, "import", cases, NULL), ==, 0);
  hide_libcurl ();
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "login", "--server", fixture->url, "--user",
                            "demo", "--password-file", password, NULL), ==, EX_UNAVAILABLE);
  g_assert_nonnull (strstr (err, HALL_LIBCURL_SONAME));
  g_assert_nonnull (strstr (err, "install the package"));

  before = status_json (fixture, NULL);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (fixture, NULL, &err, "--server", fixture->url, "sync", NULL), ==,
                   EX_UNAVAILABLE);
  g_assert_nonnull (strstr (err, "install the package"));
  after = status_json (fixture, NULL);
  g_assert_cmpint (json_object_get_int_member (after, "pending"), ==,
                   json_object_get_int_member (before, "pending"));
  g_assert_cmpint (json_object_get_int_member (after, "pending"), >, 0);
  g_print ("libcurl hidden\n");
}

static void
add (const char *path,
     void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add ("/hall/ctl/import", test_import);
  add ("/hall/ctl/login-refused", test_login_refused);
  add ("/hall/ctl/sync", test_sync);
  add ("/hall/ctl/sign-in-again", test_sign_in_again);
  add ("/hall/ctl/logout", test_logout);
  add ("/hall/ctl/offline", test_offline);
  add ("/hall/ctl/libcurl-missing", test_libcurl_missing);
  add ("/hall/ctl/usage", test_usage);
  add ("/hall/ctl/decide", test_decide);
  add ("/hall/ctl/calendar", test_calendar);

  return g_test_run ();
}
