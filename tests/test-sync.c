/* test-sync.c — the sync engine against the real service-hall-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "hall-catalog.h"
#include "hall-error.h"
#include "hall-fault-proxy.h"
#include "hall-http-client.h"
#include "hall-json.h"
#include "hall-store.h"
#include "hall-store-pages.h"
#include "hall-test-pages.h"
#include "hall-store-sync-private.h"
#include "hall-store-test-hooks.h"
#include "hall-sync-engine.h"
#include "hall-test-files.h"

#define DEADLINE_SECONDS 30

typedef struct
{
  char           *dir;
  GSubprocess    *server;
  char           *url;
  HallCatalog    *catalog;
  HallStore      *store;
  HallSyncEngine *engine;
} Fixture;

static gboolean
deadline_passed (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *slot is set, failing after a deadline
 * rather than hanging the suite. */
static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  gboolean expired = FALSE;
  guint timeout = g_timeout_add_seconds (DEADLINE_SECONDS, deadline_passed, &expired);

  while (*slot == NULL && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (timeout);
  return *slot;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A failed assertion aborts the test: the server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static char *
start_server (const char        *data_dir,
              const char *const *extra_args,
              GSubprocess      **process_out)
{
  const char *binary = g_getenv ("SERVICE_HALL_SERVER_BIN");
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  GSubprocess *process;

  g_assert_nonnull (binary);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_ptr_array_add (argv, (char *) binary);
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) "127.0.0.1:0");
  g_ptr_array_add (argv, (char *) "--data");
  g_ptr_array_add (argv, (char *) data_dir);
  g_ptr_array_add (argv, (char *) "--demo");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra_args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* The server prints its address first; a server that dies closes the
   * pipe, so this read cannot hang. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  *process_out = process;
  return g_strdup (line + strlen ("listening on "));
}

static void
stop_server (GSubprocess **process)
{
  if (*process == NULL)
    return;
  g_subprocess_send_signal (*process, SIGTERM);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

static HallStore *
open_store (Fixture    *fixture,
            const char *name,
            const char *counter)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  HallStore *store = hall_store_open (path, "YC", counter, &error);

  g_assert_no_error (error);
  return store;
}

static HallSyncEngine *
new_engine (HallStore  *store,
            const char *url)
{
  HallSyncEngine *engine = hall_sync_engine_new (store, url);

  /* Quick retries: the tests are about what is retried, not how long. */
  g_object_set (engine, "backoff-base-ms", 10, "backoff-cap-ms", 100, "max-attempts", 3,
                "connect-timeout", 5, NULL);
  return engine;
}

static void
login (HallSyncEngine *engine)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  hall_sync_engine_login_async (engine, "demo", "demo", NULL, store_result, &result);
  hall_sync_engine_login_finish (engine, wait_for (&result), NULL, &error);
  g_assert_no_error (error);
}

/* The store tells of outbox changes through its main context. */
static void
wait_for_pending (HallSyncEngine *engine,
                  guint           expected)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_SECONDS * G_USEC_PER_SEC;

  while (hall_sync_engine_get_pending (engine) != expected)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
run_sync (HallSyncEngine *engine,
          HallSyncReport *report,
          GError        **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hall_sync_engine_sync_async (engine, NULL, store_result, &result);
  wait_for (&result);
  /* Signals the worker posted before it ended. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  return hall_sync_engine_sync_finish (engine, result, report, error);
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-sync-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->url = start_server (fixture->dir, NULL, &fixture->server);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->store = open_store (fixture, "a.db", "C01");
  fixture->engine = new_engine (fixture->store, fixture->url);
  login (fixture->engine);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->catalog);
  stop_server (&fixture->server);
  hall_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->url);
}

/* A valid GB 11643 number for @serial (0-999). */
static char *
make_resident_id (guint serial)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  g_autofree char *base = g_strdup_printf ("64010419900307%03u", serial % 1000);
  int sum = 0;
  int i;

  for (i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

static HallCase *
create_case (HallStore   *store,
             HallCatalog *catalog,
             const char  *service_id,
             guint        serial)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id_number = make_resident_id (serial);
  g_autoptr (HallApplicant) applicant =
    hall_applicant_new_person ("Test Person", HALL_ID_TYPE_RESIDENT_ID, id_number, "13912345678");
  HallService *service = hall_catalog_lookup (catalog, service_id);
  HallCase *kase = hall_case_new ();

  g_assert_nonnull (service);
  hall_store_create_case (store, applicant, service, kase, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hall_case_get_uuid (kase));
  return kase;
}

/* GET on the server with the profile's token. */
static HallHttpResponse * G_GNUC_PRINTF (3, 4)
server_get (HallStore  *store,
            const char *url,
            const char *format,
            ...)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *token = hall_store_get_meta (store, "token");
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *path = NULL;
  g_autofree char *full = NULL;
  const char *headers[] = { authorization, NULL };
  HallHttpResponse *response;
  va_list args;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);
  full = g_strconcat (url, path, NULL);

  response = hall_http_client_send (client, "GET", full, headers, NULL, NULL, &error);
  g_assert_no_error (error);
  return response;
}

static JsonNode *
response_json (HallHttpResponse *response)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);

  json_parser_load_from_data (parser, data, size, &error);
  g_assert_no_error (error);
  return json_parser_steal_root (parser);
}

/* How many entries of the server's change feed are about @uuid. */
static guint
count_changes (HallStore  *store,
               const char *url,
               const char *uuid)
{
  g_autoptr (HallHttpResponse) response = server_get (store, url, "/v1/changes?limit=5000");
  g_autoptr (JsonNode) root = NULL;
  JsonArray *changes;
  guint count = 0;
  guint i;

  g_assert_cmpuint (response->status, ==, 200);
  root = response_json (response);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "more"));
  changes = json_object_get_array_member (json_node_get_object (root), "changes");
  for (i = 0; i < json_array_get_length (changes); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (changes, i),
                                                  "uuid"), uuid) == 0)
      count++;
  return count;
}

static void
test_push_exactly_once (Fixture      *fixture,
                        gconstpointer user_data)
{
  g_autoptr (HallCase) first = create_case (fixture->store, fixture->catalog,
                                            "resident_id_card_renewal", 1);
  g_autoptr (HallCase) second = create_case (fixture->store, fixture->catalog,
                                             "individual_business_license", 2);
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) local = NULL;
  HallSyncReport report;
  guint queued = hall_store_count_outbox (fixture->store);

  g_assert_cmpuint (queued, >=, 4);
  wait_for_pending (fixture->engine, queued);

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, queued);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.conflicts, ==, 0);
  g_assert_cmpuint (report.waiting, ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
  g_assert_cmpuint (hall_sync_engine_get_pending (fixture->engine), ==, 0);
  g_assert_true (hall_sync_engine_get_online (fixture->engine));
  g_assert_cmpint (hall_sync_engine_get_last_sync (fixture->engine), >, 0);
  g_assert_null (hall_sync_engine_get_last_error (fixture->engine));

  /* On the server, once, with the number the counter gave it. */
  response = server_get (fixture->store, fixture->url,
                         "/v1/cases/%s", hall_case_get_uuid (first));
  g_assert_cmpuint (response->status, ==, 200);
  root = response_json (response);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "number"), ==,
                   hall_case_get_number (first));
  g_assert_cmpuint (count_changes (fixture->store, fixture->url, hall_case_get_uuid (first)),
                    ==, 1);
  g_assert_cmpuint (count_changes (fixture->store, fixture->url, hall_case_get_uuid (second)),
                    ==, 1);

  local = hall_store_get_case (fixture->store, hall_case_get_uuid (first), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_sync_state (local), ==, HALL_SYNC_SYNCED);
  g_assert_cmpint (hall_case_get_version (local), >=, 1);

  /* The pull that followed brought the server's own record of what this
   * counter sent: who signed the requests, by the server's clock. */
  g_assert_cmpstr (hall_case_get_recorded_by (local), ==, "demo");
  g_assert_cmpint (hall_case_get_recorded_at (local), >=, hall_case_get_created_at (first) - 5);
  {
    g_autoptr (GPtrArray) events = hall_store_list_case_events (fixture->store,
                                                                hall_case_get_uuid (first),
                                                                &error);

    g_assert_no_error (error);
    g_assert_cmpuint (events->len, ==, 1);
    g_assert_cmpstr (hall_case_event_get_recorded_by (events->pdata[0]), ==, "demo");
    g_assert_cmpint (hall_case_event_get_recorded_at (events->pdata[0]), >, 0);
  }

  /* A second pass has nothing to send. */
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 0);
  g_assert_cmpuint (report.pulled, ==, 0);
  g_assert_cmpuint (count_changes (fixture->store, fixture->url, hall_case_get_uuid (first)),
                    ==, 1);
}

/* The server took a row but its answer was lost: the replay with the same
 * Idempotency-Key must not make a second entity. */
static void
test_replay_after_lost_answer (Fixture      *fixture,
                               gconstpointer user_data)
{
  g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                           "resident_id_card_renewal", 3);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = hall_store_get_meta (fixture->store, "token");
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *key = NULL;
  g_autofree char *url = NULL;
  const char *headers[4];
  HallOutboxItem *item;
  HallSyncReport report;
  guint i;

  items = hall_store_peek_outbox (fixture->store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, >=, 2);

  /* Send the first two rows behind the engine's back, keep the outbox. */
  for (i = 0; i < 2; i++)
    {
      item = g_ptr_array_index (items, i);
      key = g_strdup_printf ("Idempotency-Key: %s", item->uuid);
      url = g_strconcat (fixture->url, item->path, NULL);
      headers[0] = authorization;
      headers[1] = key;
      headers[2] = "Content-Type: application/json";
      headers[3] = NULL;
      body = g_bytes_new (item->body, strlen (item->body));
      response = hall_http_client_send (client, item->method, url, headers, body, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, 201);
      g_clear_pointer (&response, hall_http_response_free);
      g_clear_pointer (&body, g_bytes_unref);
      g_clear_pointer (&key, g_free);
      g_clear_pointer (&url, g_free);
    }

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, items->len);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
  g_assert_cmpuint (count_changes (fixture->store, fixture->url, hall_case_get_uuid (kase)), ==, 1);
  g_assert_cmpuint (count_changes (fixture->store, fixture->url,
                                   hall_case_get_applicant_uuid (kase)), ==, 1);
}

static void
test_pull_from_other_counter (Fixture      *fixture,
                              gconstpointer user_data)
{
  g_autoptr (HallStore) other = open_store (fixture, "b.db", "C02");
  g_autoptr (HallSyncEngine) other_engine = new_engine (other, fixture->url);
  g_autoptr (HallCase) theirs = NULL;
  g_autoptr (HallCase) arrived = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *cursor = NULL;
  HallSyncReport report;

  login (other_engine);
  theirs = create_case (other, fixture->catalog, "resident_id_card_renewal", 4);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, >=, 2);

  arrived = hall_store_get_case (fixture->store, hall_case_get_uuid (theirs), NULL);
  g_assert_null (arrived);

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 0);
  g_assert_cmpuint (report.pulled, >=, 2);

  arrived = hall_store_get_case (fixture->store, hall_case_get_uuid (theirs), &error);
  g_assert_no_error (error);
  g_assert_nonnull (arrived);
  g_assert_cmpstr (hall_case_get_number (arrived), ==, hall_case_get_number (theirs));
  g_assert_true (g_str_has_prefix (hall_case_get_number (arrived), "YC-"));
  g_assert_nonnull (strstr (hall_case_get_number (arrived), "-C02-"));
  cursor = hall_store_get_meta (fixture->store, "cursor");
  g_assert_nonnull (cursor);

  /* Nothing new: the cursor holds. */
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_cmpuint (report.pulled, ==, 0);
}

/* Small pages: the feed is followed until "more" is false, each page with
 * its cursor. */
static void
test_pull_pages (Fixture      *fixture,
                 gconstpointer user_data)
{
  g_autoptr (HallStore) other = open_store (fixture, "b.db", "C02");
  g_autoptr (HallSyncEngine) other_engine = new_engine (other, fixture->url);
  g_autoptr (GPtrArray) theirs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  HallSyncReport report;
  guint pushed;
  guint i;

  login (other_engine);
  for (i = 0; i < 4; i++)
    g_ptr_array_add (theirs, create_case (other, fixture->catalog, "resident_id_card_renewal",
                                          20 + i));
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  pushed = report.pushed;

  g_object_set (fixture->engine, "pull-page-size", 3, NULL);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pulled, ==, pushed);
  for (i = 0; i < theirs->len; i++)
    {
      g_autoptr (HallCase) arrived = NULL;

      arrived = hall_store_get_case (fixture->store,
                                     hall_case_get_uuid (g_ptr_array_index (theirs, i)), &error);
      g_assert_no_error (error);
      g_assert_nonnull (arrived);
    }
}

static HallCatalog *
catalog_with_ghost_service (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  JsonArray *services;
  JsonObject *ghost = NULL;
  HallCatalog *catalog;
  guint i;

  json_parser_load_from_file (parser, g_getenv ("SERVICE_HALL_CATALOG"), &error);
  g_assert_no_error (error);
  services = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                           "services");
  for (i = 0; i < json_array_get_length (services); i++)
    {
      JsonObject *service = json_array_get_object_element (services, i);

      if (g_str_equal (json_object_get_string_member (service, "id"), "resident_id_card_renewal"))
        {
          /* json_node_copy() would share the object: copy it through text. */
          g_autofree char *copy = json_to_string (json_array_get_element (services, i), FALSE);
          g_autoptr (JsonNode) node = json_from_string (copy, NULL);

          ghost = json_object_ref (json_node_get_object (node));
        }
    }
  g_assert_nonnull (ghost);
  /* A service this counter knows and the server does not. */
  json_object_set_string_member (ghost, "id", "ghost_service");
  json_array_add_object_element (services, ghost);

  json_generator_set_root (generator, json_parser_get_root (parser));
  text = json_generator_to_data (generator, NULL);
  catalog = hall_catalog_new_from_data (text, -1, "ghost catalog", &error);
  g_assert_no_error (error);
  return catalog;
}

static void
on_case_rejected (HallSyncEngine *engine,
                  const char     *case_uuid,
                  const char     *reason,
                  GHashTable     *seen)
{
  g_hash_table_replace (seen, g_strdup (case_uuid), g_strdup (reason));
}

static void
test_rejected_change (Fixture      *fixture,
                      gconstpointer user_data)
{
  g_autoptr (HallCatalog) ghost_catalog = catalog_with_ghost_service ();
  g_autoptr (HallCase) refused = NULL;
  g_autoptr (HallCase) fine = NULL;
  g_autoptr (HallCase) local = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GError) error = NULL;
  HallSyncReport report;

  g_assert_nonnull (ghost_catalog);
  /* The refused one first: the rows after it must still go through. */
  refused = create_case (fixture->store, ghost_catalog, "ghost_service", 5);
  fine = create_case (fixture->store, fixture->catalog, "resident_id_card_renewal", 6);
  g_signal_connect (fixture->engine, "case-rejected", G_CALLBACK (on_case_rejected), seen);

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rejected, >=, 1);
  g_assert_cmpuint (report.waiting, ==, 0);

  /* The case shows the server's reason, naming the field at fault. */
  local = hall_store_get_case (fixture->store, hall_case_get_uuid (refused), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_sync_state (local), ==, HALL_SYNC_REJECTED);
  g_assert_nonnull (hall_case_get_sync_error (local));
  g_assert_nonnull (strstr (hall_case_get_sync_error (local), "service"));
  g_assert_true (g_hash_table_contains (seen, hall_case_get_uuid (refused)));
  g_assert_cmpstr (g_hash_table_lookup (seen, hall_case_get_uuid (refused)), ==,
                   hall_case_get_sync_error (local));
  g_clear_object (&local);

  local = hall_store_get_case (fixture->store, hall_case_get_uuid (fine), &error);
  g_assert_cmpint (hall_case_get_sync_state (local), ==, HALL_SYNC_SYNCED);
  g_assert_false (g_hash_table_contains (seen, hall_case_get_uuid (fine)));
  response = server_get (fixture->store, fixture->url,
                         "/v1/cases/%s", hall_case_get_uuid (fine));
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, hall_http_response_free);
  response = server_get (fixture->store, fixture->url,
                         "/v1/cases/%s", hall_case_get_uuid (refused));
  g_assert_cmpuint (response->status, ==, 404);
}

static void
on_conflict (HallSyncEngine *engine,
             const char     *entity,
             const char     *uuid,
             char          **seen)
{
  g_free (*seen);
  *seen = g_strdup_printf ("%s %s", entity, uuid);
}

static void
test_conflict (Fixture      *fixture,
               gconstpointer user_data)
{
  g_autoptr (HallStore) other = open_store (fixture, "b.db", "C02");
  g_autoptr (HallSyncEngine) other_engine = new_engine (other, fixture->url);
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallCase) theirs = NULL;
  g_autoptr (HallApplicant) mine = NULL;
  g_autoptr (HallApplicant) copy = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *expected = NULL;
  HallSyncReport report;

  login (other_engine);
  kase = create_case (fixture->store, fixture->catalog, "resident_id_card_renewal", 7);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);

  /* Both counters change the same applicant from version 1. */
  mine = hall_store_get_applicant (fixture->store, hall_case_get_applicant_uuid (kase), &error);
  g_assert_no_error (error);
  copy = hall_store_get_applicant (other, hall_case_get_applicant_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  hall_applicant_set_phone (mine, "13900000001");
  hall_store_save_applicant (fixture->store, mine, &error);
  g_assert_no_error (error);
  hall_applicant_set_phone (copy, "13900000002");
  hall_store_save_applicant (other, copy, &error);
  g_assert_no_error (error);

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 1);

  g_signal_connect (other_engine, "conflict", G_CALLBACK (on_conflict), &seen);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts, ==, 1);
  g_assert_cmpuint (report.pushed, ==, 0);
  g_assert_cmpuint (report.waiting, ==, 0);
  expected = g_strdup_printf ("applicant %s", hall_case_get_applicant_uuid (kase));
  g_assert_cmpstr (seen, ==, expected);

  /* The other counter's case says so; the server kept the first change. */
  theirs = hall_store_get_case (other, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_sync_state (theirs), ==, HALL_SYNC_CONFLICT);
  response = server_get (fixture->store, fixture->url,
                         "/v1/applicants/%s", hall_case_get_applicant_uuid (kase));
  g_assert_cmpuint (response->status, ==, 200);
  root = response_json (response);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "phone"), ==,
                   "13900000001");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "version"), ==, 2);
}

/* The uuids of the applicants the server's feed ends with holding
 * @id_number, and of the cases it ends with pointing at @applicant (each
 * entity as its last change has it). */
static void
server_holders (HallStore   *store,
                const char  *url,
                const char  *id_number,
                const char  *applicant,
                GHashTable **applicants_out,
                GHashTable **cases_out)
{
  g_autoptr (HallHttpResponse) response = server_get (store, url, "/v1/changes?limit=5000");
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GHashTable) last = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  JsonArray *changes;

  g_assert_cmpuint (response->status, ==, 200);
  root = response_json (response);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "more"));
  changes = json_object_get_array_member (json_node_get_object (root), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      g_hash_table_insert (last, (gpointer) json_object_get_string_member (change, "uuid"),
                           change);
    }
  *applicants_out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  *cases_out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, last);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *entity = json_object_get_string_member (value, "entity");
      JsonObject *data = json_object_get_object_member (value, "data");

      if (g_str_equal (entity, "applicant")
          && g_strcmp0 (json_object_get_string_member_with_default (data, "id_number", NULL),
                        id_number) == 0)
        g_hash_table_add (*applicants_out, g_strdup (key));
      else if (g_str_equal (entity, "case")
               && g_strcmp0 (json_object_get_string_member (data, "applicant"), applicant) == 0)
        g_hash_table_add (*cases_out, g_strdup (key));
    }
}

/* The cases of @store, newest first, each with its applicant's uuid. */
static void
assert_cases_of (HallStore  *store,
                 const char *applicant,
                 guint       n_cases)
{
  g_autoptr (GPtrArray) cases = hall_store_fetch_cases (store, 0, 100, NULL);

  g_assert_cmpuint (cases->len, ==, n_cases);
  for (guint i = 0; i < cases->len; i++)
    {
      g_assert_cmpstr (hall_case_get_applicant_uuid (cases->pdata[i]), ==, applicant);
      g_assert_cmpint (hall_case_get_sync_state (cases->pdata[i]), ==, HALL_SYNC_SYNCED);
    }
}

/* Two counters, each offline, take the same person in: the second to sync
 * meets the first's applicant, records a duplicate, holds its cases back
 * and pulls the first's; the official merges, and after one more sync the
 * server has one applicant with the number and every case of both
 * counters, once, pointing at it; nothing waits in either outbox. */
static void
test_duplicate_merge (Fixture      *fixture,
                      gconstpointer user_data)
{
  g_autoptr (HallStore) other = open_store (fixture, "b.db", "C02");
  g_autoptr (HallSyncEngine) other_engine = new_engine (other, fixture->url);
  g_autofree char *id_number = make_resident_id (20);
  g_autoptr (HallCase) ours = create_case (fixture->store, fixture->catalog,
                                           "resident_id_card_renewal", 20);
  g_autoptr (HallCase) theirs = create_case (other, fixture->catalog,
                                             "individual_business_license", 20);
  g_autoptr (HallCase) theirs_too = hall_case_new ();
  g_autoptr (HallApplicant) duplicate = NULL;
  g_autoptr (HallApplicant) existing = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GHashTable) applicants = NULL;
  g_autoptr (GHashTable) server_cases = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *seen = NULL;
  const char *ours_applicant = hall_case_get_applicant_uuid (ours);
  g_autofree char *dup_uuid = g_strdup (hall_case_get_applicant_uuid (theirs));
  HallConflict *conflict;
  HallSyncReport report;
  gboolean noted = FALSE;

  login (other_engine);
  /* A second case of the same person at the second counter. */
  duplicate = hall_store_get_applicant (other, dup_uuid, &error);
  g_assert_no_error (error);
  g_assert_true (hall_store_create_case (other, duplicate,
                                         hall_catalog_lookup (fixture->catalog,
                                                              "resident_id_card_renewal"),
                                         theirs_too, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dup_uuid, !=, ours_applicant);

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);

  g_signal_connect (other_engine, "conflict", G_CALLBACK (on_conflict), &seen);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts, ==, 1);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.pushed, ==, 0);
  g_assert_true (g_str_has_prefix (seen, "applicant "));

  /* The cases wait, whole, for the official; the server's applicant came
   * with the pull and holds the document here now. */
  g_assert_cmpuint (hall_store_count_outbox (other), ==, 4);
  g_clear_object (&theirs);
  theirs = hall_store_get_case (other, hall_case_get_uuid (theirs_too), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_sync_state (theirs), ==, HALL_SYNC_CONFLICT);
  existing = hall_store_find_applicant_by_identity (other, duplicate, &error);
  g_assert_no_error (error);
  g_assert_nonnull (existing);
  g_assert_cmpstr (hall_applicant_get_uuid (existing), ==, ours_applicant);
  conflicts = hall_store_list_conflicts (other, hall_case_get_uuid (theirs), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = conflicts->pdata[0];
  g_assert_cmpint (hall_conflict_get_kind (conflict), ==, HALL_CONFLICT_DUPLICATE);
  g_assert_cmpstr (hall_conflict_get_entity_uuid (conflict), ==, dup_uuid);
  g_assert_nonnull (strstr (hall_conflict_get_server_json (conflict), ours_applicant));

  /* Another pass sends none of it, and refuses none of it. */
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed + report.rejected + report.conflicts, ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (other), ==, 4);
  response = server_get (other, fixture->url, "/v1/cases/%s", hall_case_get_uuid (theirs));
  g_assert_cmpuint (response->status, ==, 404);
  g_clear_pointer (&response, hall_http_response_free);

  /* Keeping this counter's version is no answer to a duplicate. */
  g_assert_false (hall_store_resolve_conflict (other, hall_conflict_get_id (conflict),
                                               HALL_CONFLICT_KEEP_MINE, "li.na", &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_true (hall_store_resolve_conflict (other, hall_conflict_get_id (conflict),
                                              HALL_CONFLICT_MERGE, "li.na", &error));
  g_assert_no_error (error);
  g_clear_object (&duplicate);
  duplicate = hall_store_get_applicant (other, dup_uuid, &error);
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  /* Two cases, their "created" entries and the merge's notes. */
  g_assert_cmpuint (report.pushed, ==, 6);
  g_assert_cmpuint (report.rejected + report.conflicts, ==, 0);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (other), ==, 0);
  server_holders (other, fixture->url, id_number, ours_applicant, &applicants, &server_cases);
  g_assert_cmpuint (g_hash_table_size (applicants), ==, 1);
  g_assert_true (g_hash_table_contains (applicants, ours_applicant));
  g_assert_cmpuint (g_hash_table_size (server_cases), ==, 3);
  g_assert_cmpuint (count_changes (other, fixture->url, dup_uuid), ==, 0);
  assert_cases_of (fixture->store, ours_applicant, 3);
  assert_cases_of (other, ours_applicant, 3);

  /* The timeline of a moved case says what was merged. */
  events = hall_store_list_case_events (fixture->store, hall_case_get_uuid (theirs), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    noted |= hall_case_event_get_kind (events->pdata[i]) == HALL_CASE_EVENT_NOTE
             && strstr (hall_case_event_get_note (events->pdata[i]), "same ID document") != NULL;
  g_assert_true (noted);
}

/* Edits made before the first sync go out with the version the server
 * gave the creation, not as a conflict with ourselves. */
static void
test_edit_before_first_sync (Fixture      *fixture,
                             gconstpointer user_data)
{
  g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                           "resident_id_card_renewal", 10);
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  HallSyncReport report;

  applicant = hall_store_get_applicant (fixture->store, hall_case_get_applicant_uuid (kase),
                                        &error);
  g_assert_no_error (error);
  hall_applicant_set_phone (applicant, "13900000003");
  hall_store_save_applicant (fixture->store, applicant, &error);
  g_assert_no_error (error);
  hall_applicant_set_phone (applicant, "13900000004");
  hall_store_save_applicant (fixture->store, applicant, &error);
  g_assert_no_error (error);

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts, ==, 0);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.waiting, ==, 0);

  response = server_get (fixture->store, fixture->url, "/v1/applicants/%s",
                         hall_case_get_applicant_uuid (kase));
  g_assert_cmpuint (response->status, ==, 200);
  root = response_json (response);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "phone"), ==,
                   "13900000004");
}

static void
on_pass_finished (HallSyncEngine *engine,
                  guint          *passes)
{
  (*passes)++;
}

/* Once started, the engine syncs by itself soon after a local change. */
static void
test_periodic (Fixture      *fixture,
               gconstpointer user_data)
{
  g_autoptr (HallCase) kase = NULL;
  gint64 deadline = g_get_monotonic_time () + DEADLINE_SECONDS * G_USEC_PER_SEC;
  guint passes = 0;

  g_signal_connect (fixture->engine, "pass-finished", G_CALLBACK (on_pass_finished), &passes);
  hall_sync_engine_start (fixture->engine);
  while (passes == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  kase = create_case (fixture->store, fixture->catalog, "resident_id_card_renewal", 11);
  while (passes < 2 || hall_sync_engine_get_syncing (fixture->engine)
         || hall_store_count_outbox (fixture->store) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (hall_sync_engine_get_pending (fixture->engine), ==, 0);
  g_assert_true (hall_sync_engine_get_online (fixture->engine));
  hall_sync_engine_stop (fixture->engine);
}

/* A port nobody listens on. */
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
test_offline_then_back (Fixture      *fixture,
                        gconstpointer user_data)
{
  g_autofree char *closed = closed_port_url ();
  g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                           "resident_id_card_renewal", 8);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  HallOutboxItem *first;
  HallSyncReport report;
  guint queued = hall_store_count_outbox (fixture->store);

  hall_sync_engine_set_server_url (fixture->engine, closed);
  g_assert_false (run_sync (fixture->engine, &report, &error));
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  g_assert_nonnull (strstr (error->message, "cannot reach"));
  g_clear_error (&error);
  g_assert_false (hall_sync_engine_get_online (fixture->engine));
  g_assert_nonnull (hall_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpuint (report.pushed, ==, 0);
  g_assert_cmpuint (report.waiting, ==, queued);

  /* The outbox is intact, in order, the first row's attempt counted. */
  items = hall_store_peek_outbox (fixture->store, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, queued);
  first = g_ptr_array_index (items, 0);
  g_assert_cmpuint (first->attempts, ==, 1);
  g_assert_nonnull (first->last_error);
  g_assert_cmpuint (((HallOutboxItem *) g_ptr_array_index (items, 1))->attempts, ==, 0);

  hall_sync_engine_set_server_url (fixture->engine, fixture->url);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, queued);
  g_assert_cmpuint (report.waiting, ==, 0);
  g_assert_true (hall_sync_engine_get_online (fixture->engine));
  g_assert_null (hall_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpuint (count_changes (fixture->store, fixture->url, hall_case_get_uuid (kase)), ==, 1);
}

/* The server goes away between passes: a light probe says offline within
 * seconds, before any pass, and "Synced just now" does not stay. */
static void
test_probe_notices_server_gone (Fixture      *fixture,
                                gconstpointer user_data)
{
  gint64 deadline;
  guint passes = 0;
  guint passes_before;
  HallSyncReport report;
  g_autoptr (GError) error = NULL;

  g_object_set (fixture->engine, "interval", 3600, "probe-interval", 1, NULL);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_true (hall_sync_engine_get_online (fixture->engine));

  g_signal_connect (fixture->engine, "pass-finished", G_CALLBACK (on_pass_finished), &passes);
  hall_sync_engine_start (fixture->engine);
  deadline = g_get_monotonic_time () + DEADLINE_SECONDS * G_USEC_PER_SEC;
  while (passes == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (hall_sync_engine_get_online (fixture->engine));
  /* While the server answers, probes keep the counter online. */
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (hall_sync_engine_get_online (fixture->engine));

  passes_before = passes;
  stop_server (&fixture->server);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (hall_sync_engine_get_online (fixture->engine))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  /* The probe, not a pass, said so; the reason is kept for IT. */
  g_assert_cmpuint (passes, ==, passes_before);
  g_assert_nonnull (hall_sync_engine_get_last_error (fixture->engine));
  hall_sync_engine_stop (fixture->engine);
  g_signal_handlers_disconnect_by_data (fixture->engine, &passes);
}

static void
test_auth (Fixture      *fixture,
           gconstpointer user_data)
{
  g_autoptr (HallSyncEngine) fresh = new_engine (fixture->store, fixture->url);
  g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                           "resident_id_card_renewal", 9);
  g_autoptr (GError) error = NULL;
  HallSyncReport report;

  /* An expired token and no password: "sign in again", never "offline". */
  hall_store_set_meta (fixture->store, "token", "expired", &error);
  g_assert_no_error (error);
  g_assert_false (run_sync (fresh, &report, &error));
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "sign in"));
  g_clear_error (&error);
  g_assert_true (hall_sync_engine_get_online (fresh));
  g_assert_cmpuint (report.waiting, ==, hall_store_count_outbox (fixture->store));
  g_assert_cmpuint (report.waiting, >, 0);

  /* The engine that signed in keeps the password and signs in again. */
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.waiting, ==, 0);
}

static void
test_login_refused (Fixture      *fixture,
                    gconstpointer user_data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  hall_sync_engine_login_async (fixture->engine, "demo", "not the password", NULL, store_result,
                                &result);
  g_assert_false (hall_sync_engine_login_finish (fixture->engine, wait_for (&result), NULL,
                                                 &error));
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH);
}

static void
count_patches (const char    *domain,
               GLogLevelFlags level,
               const char    *message,
               gpointer       user_data)
{
  guint *from_zero = user_data;

  if (strstr (message, ": PATCH at 0 ") != NULL)
    (*from_zero)++;
}

static void
count_any_patch (const char    *domain,
                 GLogLevelFlags level,
                 const char    *message,
                 gpointer       user_data)
{
  if (strstr (message, ": PATCH at ") != NULL)
    (*(guint *) user_data)++;
}

/* Pages added to a case wait as unsent files; a pass uploads each file
 * once (a page added twice is one blob), the server holds the same bytes,
 * and the next pass sends nothing. */
static void
test_pages_synced (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                           "company_business_license", 7);
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_page_image_unref);
  g_autoptr (GPtrArray) pages = NULL;
  HallSyncReport report;
  guint patches = 0;
  guint handler;

  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 1));
  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_BILEVEL, 100, 2));
  g_ptr_array_add (images, hall_page_image_ref (g_ptr_array_index (images, 0)));
  g_assert_true (hall_store_add_pages (fixture->store, hall_case_get_uuid (kase),
                                       "premises_proof", images, "demo", &pages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 3);

  g_object_set (fixture->engine, "blob-chunk-size", (guint) 4096, NULL);
  handler = g_log_set_handler ("hall-sync", G_LOG_LEVEL_DEBUG, count_any_patch, &patches);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 0);
  /* Two files, in chunks of 4 KiB each. */
  {
    HallStoredPage *a = g_ptr_array_index (pages, 0);
    HallStoredPage *b = g_ptr_array_index (pages, 1);

    g_assert_cmpuint (patches, ==, (a->bytes + 4095) / 4096 + (b->bytes + 4095) / 4096);
    for (guint i = 0; i < 2; i++)
      {
        HallStoredPage *page = g_ptr_array_index (pages, i);
        g_autoptr (HallHttpResponse) response = server_get (fixture->store, fixture->url,
                                                            "/v1/blobs/%s", page->sha256);
        g_autofree char *path = hall_store_get_page_path (fixture->store, page->sha256);
        g_autofree char *contents = NULL;
        gsize length = 0;

        g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
        g_assert_cmpuint (response->status, ==, 200);
        g_assert_cmpmem (g_bytes_get_data (response->body, NULL),
                         g_bytes_get_size (response->body), contents, length);
      }
  }
  /* The document entry went through the outbox with the case, and so did
   * each page's record: the server knows its case, slot and place. */
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);
      g_autoptr (HallHttpResponse) response = server_get (fixture->store, fixture->url,
                                                          "/v1/pages/%s", page->uuid);
      g_autofree char *text = NULL;
      g_autoptr (JsonNode) node = NULL;
      JsonObject *record;

      g_assert_cmpuint (response->status, ==, 200);
      text = g_strndup (g_bytes_get_data (response->body, NULL),
                        g_bytes_get_size (response->body));
      node = json_from_string (text, &error);
      g_assert_no_error (error);
      record = json_node_get_object (node);
      g_assert_cmpstr (json_object_get_string_member (record, "case"), ==,
                       hall_case_get_uuid (kase));
      g_assert_cmpstr (json_object_get_string_member (record, "slot"), ==, "premises_proof");
      g_assert_cmpint (json_object_get_int_member (record, "position"), ==, page->position);
      g_assert_cmpstr (json_object_get_string_member (record, "sha256"), ==, page->sha256);
      g_assert_cmpint (json_object_get_int_member (record, "bytes"), ==, page->bytes);
      g_assert_cmpint (json_object_get_int_member (record, "version"), ==, 1);
    }
  {
    g_autoptr (HallCase) synced = hall_store_get_case (fixture->store, hall_case_get_uuid (kase),
                                                       &error);

    g_autoptr (HallHttpResponse) response = server_get (fixture->store, fixture->url,
                                                        "/v1/cases/%s", hall_case_get_uuid (kase));
    g_autofree char *text = NULL;
    g_autoptr (JsonNode) node = NULL;
    JsonArray *checklist;
    gboolean provided = FALSE;

    g_assert_no_error (error);
    g_assert_cmpint (hall_case_get_sync_state (synced), ==, HALL_SYNC_SYNCED);
    /* The scanned document is provided on the server too, by the
     * document entry, with no conflict on the way. */
    g_assert_cmpuint (report.conflicts, ==, 0);
    g_assert_cmpuint (response->status, ==, 200);
    text = g_strndup (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body));
    node = json_from_string (text, &error);
    g_assert_no_error (error);
    checklist = json_object_get_array_member (json_node_get_object (node), "checklist");
    for (guint i = 0; i < json_array_get_length (checklist); i++)
      {
        JsonObject *item = json_array_get_object_element (checklist, i);

        if (g_strcmp0 (json_object_get_string_member (item, "id"), "premises_proof") == 0)
          provided = json_object_get_boolean_member (item, "provided");
      }
    g_assert_true (provided);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==,
                     hall_case_get_version (synced));
  }

  patches = 0;
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_log_remove_handler ("hall-sync", handler);
  g_assert_cmpuint (patches, ==, 0);

  /* The last page to the front, then the first removed: the server's
   * records follow, each change naming the version it changes. */
  {
    HallStoredPage *first = g_ptr_array_index (pages, 0);
    HallStoredPage *last = g_ptr_array_index (pages, 2);
    HallStoredPage *middle = g_ptr_array_index (pages, 1);
    g_autoptr (HallHttpResponse) removed = NULL;
    g_autoptr (HallHttpResponse) moved = NULL;
    g_autoptr (HallHttpResponse) shifted = NULL;

    g_assert_true (hall_store_move_page (fixture->store, last->uuid, 0, &error));
    g_assert_no_error (error);
    g_assert_true (hall_store_remove_page (fixture->store, first->uuid, &error));
    g_assert_no_error (error);
    g_assert_true (run_sync (fixture->engine, &report, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (report.rejected, ==, 0);
    g_assert_cmpuint (report.conflicts, ==, 0);
    g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);

    removed = server_get (fixture->store, fixture->url, "/v1/pages/%s", first->uuid);
    g_assert_cmpuint (removed->status, ==, 200);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (removed->body, NULL),
                                    g_bytes_get_size (removed->body), "\"deleted\":true"));
    moved = server_get (fixture->store, fixture->url, "/v1/pages/%s", last->uuid);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (moved->body, NULL),
                                    g_bytes_get_size (moved->body), "\"position\":0"));
    shifted = server_get (fixture->store, fixture->url, "/v1/pages/%s", middle->uuid);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (shifted->body, NULL),
                                    g_bytes_get_size (shifted->body), "\"position\":1"));
  }

  /* Turned: the new file reaches the server before the record naming it. */
  {
    HallStoredPage *middle = g_ptr_array_index (pages, 1);
    g_autoptr (HallPageImage) turned = hall_page_image_rotate (g_ptr_array_index (images, 1), 1);
    g_autoptr (HallStoredPage) after = NULL;
    g_autoptr (HallHttpResponse) record = NULL;
    g_autoptr (HallHttpResponse) file = NULL;

    g_assert_true (hall_store_replace_page (fixture->store, middle->uuid, turned, "demo", &after,
                                            &error));
    g_assert_no_error (error);
    g_assert_true (run_sync (fixture->engine, &report, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (report.rejected, ==, 0);
    g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
    record = server_get (fixture->store, fixture->url, "/v1/pages/%s", middle->uuid);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (record->body, NULL),
                                    g_bytes_get_size (record->body), after->sha256));
    file = server_get (fixture->store, fixture->url, "/v1/blobs/%s", after->sha256);
    g_assert_cmpuint (file->status, ==, 200);
  }
}


static char *
fetch_page (HallSyncEngine *engine,
            const char     *sha256,
            GError        **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hall_sync_engine_fetch_page_async (engine, sha256, NULL, store_result, &result);
  return hall_sync_engine_fetch_page_finish (engine, wait_for (&result), error);
}

static void
assert_same_file (const char *path,
                  const char *expected_path)
{
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  gsize length = 0;
  gsize expected_length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_get_contents (expected_path, &expected, &expected_length, NULL));
  g_assert_cmpmem (contents, length, expected, expected_length);
}

static HallStoredPage *
find_page (GPtrArray  *pages,
           const char *uuid)
{
  for (guint i = 0; i < pages->len; i++)
    if (g_str_equal (((HallStoredPage *) g_ptr_array_index (pages, i))->uuid, uuid))
      return g_ptr_array_index (pages, i);
  return NULL;
}

/* Counter A scans, counter B pulls the case: B has the page records (its
 * case shows the document and its page count) but not the files, until a
 * page is opened; then the file comes from the server, hash-checked. A
 * file damaged on the way is refused and asked for again, never kept; a
 * page removed at A goes at B; offline, opening says so. */
static void
test_pages_pulled (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                           "company_business_license", 8);
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_page_image_unref);
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GPtrArray) pulled = NULL;
  g_autoptr (GPtrArray) missing = NULL;
  g_autoptr (HallStore) other = NULL;
  g_autoptr (HallFaultProxy) proxy = NULL;
  g_autoptr (HallSyncEngine) other_engine = NULL;
  g_autoptr (GUri) uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *proxy_url = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  HallStoredPage *first;
  HallStoredPage *second;
  HallStoredPage *third;
  HallSyncReport report;

  /* Another counter: another folder, so pages/ beside its database is its own. */
  path = g_build_filename (fixture->dir, "b", NULL);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_clear_pointer (&path, g_free);
  other = open_store (fixture, "b/b.db", "C02");
  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 11));
  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_BILEVEL, 100, 12));
  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 13));
  g_assert_true (hall_store_add_pages (fixture->store, hall_case_get_uuid (kase),
                                       "premises_proof", images, "demo", &sent, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
  first = g_ptr_array_index (sent, 0);
  second = g_ptr_array_index (sent, 1);
  third = g_ptr_array_index (sent, 2);

  /* Counter B reaches the server through a proxy that can damage a file. */
  g_assert_nonnull (uri);
  proxy = hall_fault_proxy_new (g_uri_get_port (uri), &error);
  g_assert_no_error (error);
  proxy_url = hall_fault_proxy_dup_url (proxy);
  other_engine = new_engine (other, proxy_url);
  login (other_engine);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);

  /* The records are here, in their places; the files are not. */
  pulled = hall_store_list_case_pages (other, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pulled->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      HallStoredPage *mine = g_ptr_array_index (sent, i);
      HallStoredPage *theirs = g_ptr_array_index (pulled, i);

      g_assert_cmpstr (theirs->uuid, ==, mine->uuid);
      g_assert_cmpstr (theirs->slot, ==, "premises_proof");
      g_assert_cmpuint (theirs->position, ==, i);
      g_assert_cmpstr (theirs->sha256, ==, mine->sha256);
      g_assert_cmpint (theirs->kind, ==, mine->kind);
      g_assert_cmpint (theirs->bytes, ==, mine->bytes);
      g_assert_cmpuint (theirs->width, ==, mine->width);
      g_assert_false (hall_store_has_page_file (other, theirs->sha256));
    }
  missing = hall_store_list_missing_documents (other, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < missing->len; i++)
    g_assert_cmpstr (g_ptr_array_index (missing, i), !=, "premises_proof");
  /* Nothing of it is B's to send. */
  g_assert_cmpuint (hall_store_count_unsent_pages (other), ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (other), ==, 0);

  /* Opened: fetched once damaged, refused, fetched again whole. */
  hall_fault_proxy_add_rule (proxy, "GET", "/v1/blobs/*", 0, 1, HALL_FAULT_CORRUPT);
  path = fetch_page (other_engine, first->sha256, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (proxy, HALL_FAULT_CORRUPT), ==, 1);
  expected = hall_store_get_page_path (fixture->store, first->sha256);
  assert_same_file (path, expected);
  g_assert_true (hall_store_has_page_file (other, first->sha256));
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&expected, g_free);

  /* Damaged every time: an error, and nothing under the page's name. */
  hall_fault_proxy_clear_rules (proxy);
  hall_fault_proxy_add_rule (proxy, "GET", "/v1/blobs/*", 0, G_MAXUINT, HALL_FAULT_CORRUPT);
  path = fetch_page (other_engine, second->sha256, &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
  g_assert_null (path);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (proxy, HALL_FAULT_CORRUPT), ==, 4);
  g_assert_false (hall_store_has_page_file (other, second->sha256));
  g_clear_error (&error);
  hall_fault_proxy_clear_rules (proxy);
  path = fetch_page (other_engine, second->sha256, &error);
  g_assert_no_error (error);
  expected = hall_store_get_page_path (fixture->store, second->sha256);
  assert_same_file (path, expected);
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&expected, g_free);

  /* Opening a page whose file is here asks the server nothing. */
  {
    guint requests = hall_fault_proxy_get_n_requests (proxy);

    path = fetch_page (other_engine, first->sha256, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (hall_fault_proxy_get_n_requests (proxy), ==, requests);
    g_clear_pointer (&path, g_free);
  }

  /* Removed at A: gone at B, the others moved up, its file forgotten. */
  g_assert_true (hall_store_remove_page (fixture->store, first->uuid, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  g_clear_pointer (&pulled, g_ptr_array_unref);
  pulled = hall_store_list_case_pages (other, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pulled->len, ==, 2);
  g_assert_null (find_page (pulled, first->uuid));
  g_assert_cmpuint (find_page (pulled, second->uuid)->position, ==, 0);
  g_assert_cmpuint (find_page (pulled, third->uuid)->position, ==, 1);
  g_assert_false (hall_store_has_page_file (other, first->sha256));

  /* Moved at B: B's own change goes to the server and on to A. */
  g_assert_true (hall_store_move_page (other, third->uuid, 0, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.conflicts, ==, 0);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_clear_pointer (&pulled, g_ptr_array_unref);
  pulled = hall_store_list_case_pages (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pulled->len, ==, 2);
  g_assert_cmpuint (find_page (pulled, third->uuid)->position, ==, 0);
  g_assert_cmpuint (find_page (pulled, second->uuid)->position, ==, 1);

  /* Offline: the page is on the server, and opening it says so. */
  hall_fault_proxy_stop (proxy);
  path = fetch_page (other_engine, third->sha256, &error);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  g_assert_null (path);
  g_assert_false (hall_store_has_page_file (other, third->sha256));
}

/* A page whose file is damaged does not hold up the pass: its record
 * waits in the outbox, its case shows why, every other change goes on;
 * once the file is whole again, the next pass sends it. */
static void
test_damaged_page_waits (Fixture      *fixture,
                         gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) damaged_case = create_case (fixture->store, fixture->catalog,
                                                   "company_business_license", 9);
  g_autoptr (HallCase) good_case = create_case (fixture->store, fixture->catalog,
                                                "company_business_license", 10);
  g_autoptr (HallCase) later_case = NULL;
  g_autoptr (HallCase) shown = NULL;
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_page_image_unref);
  g_autoptr (GPtrArray) bad = NULL;
  g_autoptr (GPtrArray) good = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  HallStoredPage *bad_page;
  HallStoredPage *good_page;
  HallSyncReport report;

  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 21));
  g_assert_true (hall_store_add_pages (fixture->store, hall_case_get_uuid (damaged_case),
                                       "premises_proof", images, "demo", &bad, &error));
  g_assert_no_error (error);
  g_ptr_array_set_size (images, 0);
  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 22));
  g_assert_true (hall_store_add_pages (fixture->store, hall_case_get_uuid (good_case),
                                       "premises_proof", images, "demo", &good, &error));
  g_assert_no_error (error);
  later_case = create_case (fixture->store, fixture->catalog, "resident_id_card_renewal", 11);
  bad_page = g_ptr_array_index (bad, 0);
  good_page = g_ptr_array_index (good, 0);

  /* The first page's file is damaged on this counter's disk. */
  path = hall_store_get_page_path (fixture->store, bad_page->sha256);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  contents[length / 2] ^= 0x5a;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  /* The rest went: the other case's page and record, the case after it. */
  response = server_get (fixture->store, fixture->url, "/v1/pages/%s", good_page->uuid);
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, hall_http_response_free);
  response = server_get (fixture->store, fixture->url, "/v1/cases/%s",
                         hall_case_get_uuid (later_case));
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, hall_http_response_free);
  /* The damaged one waits, and its case says why. */
  response = server_get (fixture->store, fixture->url, "/v1/pages/%s", bad_page->uuid);
  g_assert_cmpuint (response->status, ==, 404);
  g_clear_pointer (&response, hall_http_response_free);
  response = server_get (fixture->store, fixture->url, "/v1/blobs/%s", bad_page->sha256);
  g_assert_cmpuint (response->status, ==, 404);
  g_clear_pointer (&response, hall_http_response_free);
  g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 1);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 1);
  shown = hall_store_get_case (fixture->store, hall_case_get_uuid (damaged_case), &error);
  g_assert_no_error (error);
  g_assert_nonnull (hall_case_get_sync_error (shown));
  g_assert_nonnull (strstr (hall_case_get_sync_error (shown), "damaged"));
  g_clear_object (&shown);

  /* Whole again (say, restored from a copy): the next pass sends it. */
  contents[length / 2] ^= 0x5a;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
  response = server_get (fixture->store, fixture->url, "/v1/pages/%s", bad_page->uuid);
  g_assert_cmpuint (response->status, ==, 200);
  shown = hall_store_get_case (fixture->store, hall_case_get_uuid (damaged_case), &error);
  g_assert_no_error (error);
  g_assert_null (hall_case_get_sync_error (shown));
  g_assert_cmpint (hall_case_get_sync_state (shown), ==, HALL_SYNC_SYNCED);
}

/* The signature and IHDR of a 1000 × 1400 grey PNG (CRC not checked). */
static const guint8 png_header[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  0, 0, 0x03, 0xe8, 0, 0, 0x05, 0x78, 8, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void
test_blob_resumed (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GBytes) first_part = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "page.bin", NULL);
  g_autofree char *sha = NULL;
  g_autofree char *uploaded = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = hall_store_get_meta (fixture->store, "token");
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *length_header = NULL;
  const gsize size = 2 * 1024 * 1024 + 12345;
  const gsize chunk = 512 * 1024;
  const char *headers[6];
  guint from_zero = 0;
  guint handler;
  gsize i;

  data = g_malloc (size);
  for (i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  /* The server keeps pages only: a PNG's signature and header first. */
  memcpy (data, png_header, sizeof png_header);
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  g_checksum_update (checksum, data, size);
  sha = g_strdup (g_checksum_get_string (checksum));
  file = g_file_new_for_path (path);
  g_object_set (fixture->engine, "blob-chunk-size", (guint) chunk, NULL);

  /* A damaged file is refused before anything is sent. */
  hall_sync_engine_upload_blob_async (fixture->engine, file,
                                      "0000000000000000000000000000000000000000000000000000000000000000",
                                      NULL, store_result, &result);
  g_assert_false (hall_sync_engine_upload_blob_finish (fixture->engine, wait_for (&result), NULL,
                                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_clear_object (&result);

  /* So is an empty one: the server takes no file without a byte. */
  {
    g_autofree char *empty_path = g_build_filename (fixture->dir, "empty.bin", NULL);
    g_autoptr (GFile) empty = g_file_new_for_path (empty_path);

    g_file_set_contents (empty_path, "", 0, &error);
    g_assert_no_error (error);
    hall_sync_engine_upload_blob_async (fixture->engine, empty, NULL, NULL, store_result,
                                        &result);
    g_assert_false (hall_sync_engine_upload_blob_finish (fixture->engine, wait_for (&result),
                                                         NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_clear_error (&error);
    g_clear_object (&result);
  }

  /* An upload that stopped after its first chunk. */
  url = g_strdup_printf ("%s/v1/blobs/%s", fixture->url, sha);
  length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, size);
  headers[0] = authorization;
  headers[1] = "Upload-Offset: 0";
  headers[2] = length_header;
  headers[3] = "Content-Type: application/offset+octet-stream";
  headers[4] = "Idempotency-Key: 6d1c6f0e-4bb6-4b6b-9a55-0a8f0b6f7c01";
  headers[5] = NULL;
  first_part = g_bytes_new (data, chunk);
  response = hall_http_client_send (client, "PATCH", url, headers, first_part, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 204);
  g_clear_pointer (&response, hall_http_response_free);

  /* The engine picks up from where the server is, never from 0. */
  handler = g_log_set_handler ("hall-sync", G_LOG_LEVEL_DEBUG, count_patches, &from_zero);
  hall_sync_engine_upload_blob_async (fixture->engine, file, sha, NULL, store_result, &result);
  hall_sync_engine_upload_blob_finish (fixture->engine, wait_for (&result), &uploaded, &error);
  g_log_remove_handler ("hall-sync", handler);
  g_assert_no_error (error);
  g_assert_cmpstr (uploaded, ==, sha);
  g_assert_cmpuint (from_zero, ==, 0);

  response = server_get (fixture->store, fixture->url, "/v1/blobs/%s", sha);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, size);
  g_assert_cmpmem (g_bytes_get_data (response->body, NULL), size, data, size);
  g_clear_pointer (&response, hall_http_response_free);

  /* Already there: nothing more to do. */
  g_clear_object (&result);
  g_clear_pointer (&uploaded, g_free);
  hall_sync_engine_upload_blob_async (fixture->engine, file, NULL, NULL, store_result, &result);
  hall_sync_engine_upload_blob_finish (fixture->engine, wait_for (&result), &uploaded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uploaded, ==, sha);

  /* Someone began this file with another length: the server keeps that
   * length, and the engine reports the refusal instead of rewinding. */
  g_clear_object (&result);
  g_clear_pointer (&uploaded, g_free);
  g_clear_pointer (&url, g_free);
  g_clear_pointer (&length_header, g_free);
  g_clear_pointer (&first_part, g_bytes_unref);
  g_checksum_reset (checksum);
  data[size - 1] ^= 0xff;
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  g_checksum_update (checksum, data, size);
  url = g_strdup_printf ("%s/v1/blobs/%s", fixture->url, g_checksum_get_string (checksum));
  length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, size + 1);
  headers[2] = length_header;
  first_part = g_bytes_new (data, chunk);
  response = hall_http_client_send (client, "PATCH", url, headers, first_part, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 204);
  g_clear_pointer (&response, hall_http_response_free);
  hall_sync_engine_upload_blob_async (fixture->engine, file, NULL, NULL, store_result, &result);
  g_assert_false (hall_sync_engine_upload_blob_finish (fixture->engine, wait_for (&result),
                                                       NULL, &error));
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "Upload-Length"));
}

static void
count_signal (gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* The administrator sets the calendar on the server; a counter's next sync
 * keeps it, says so once, and its promises count in it from then on, also
 * after a restart with the server gone. */
static void
test_calendar_pulled (Fixture      *fixture,
                      gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCalendar) calendar = NULL;
  g_autoptr (HallCalendar) changed = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (HallStore) reopened = NULL;
  g_autofree char *json = NULL;
  HallSyncReport report = { 0 };
  HallService *service;
  gint64 version = 0;
  guint signalled = 0;
  /* Friday 2026-12-04 04:24 in Beijing; closing time (17:00) on the
   * Wednesday and the Thursday after. */
  const gint64 friday = 1796329440;
  const gint64 wednesday = 1796806800;
  const gint64 thursday = 1796893200;

  g_signal_connect_swapped (fixture->engine, "calendar-changed", G_CALLBACK (count_signal),
                            &signalled);
  calendar = hall_store_load_calendar (fixture->store, &version, &error);
  g_assert_null (calendar);
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The server's file, version 1. */
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_true (report.calendar_changed);
  g_assert_cmpuint (signalled, ==, 1);
  calendar = hall_store_load_calendar (fixture->store, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 1);
  g_assert_true (hall_calendar_is_working_day (calendar, 2026, 12, 7));
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_false (report.calendar_changed);
  g_assert_cmpuint (signalled, ==, 1);

  /* Monday 2026-12-07 closed, as an administrator sets it. */
  json_parser_load_from_data (parser, hall_calendar_get_json (calendar), -1, &error);
  g_assert_no_error (error);
  json_array_add_string_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                  "holidays"), "2026-12-07");
  json = json_to_string (json_parser_get_root (parser), FALSE);
  hall_sync_engine_send_if_match_async (fixture->engine, "PUT", "/v1/calendar", json, NULL,
                                        "\"1\"", NULL, store_result, &result);
  response = hall_sync_engine_send_finish (fixture->engine, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_true (report.calendar_changed);
  g_assert_cmpuint (signalled, ==, 2);
  changed = hall_store_load_calendar (fixture->store, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 2);
  g_assert_false (hall_calendar_is_working_day (changed, 2026, 12, 7));

  /* What the app does on "calendar-changed": 3 working days from Friday
   * now end on Thursday, not Wednesday. */
  service = hall_catalog_lookup (fixture->catalog, "company_deregistration");
  g_assert_cmpint (hall_service_get_promised_at (service, friday), ==, wednesday);
  hall_catalog_set_calendar (fixture->catalog, changed);
  g_assert_cmpint (hall_service_get_promised_at (service, friday), ==, thursday);

  /* Offline, after a restart: the kept copy. */
  stop_server (&fixture->server);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  reopened = open_store (fixture, "a.db", "C01");
  g_clear_object (&changed);
  changed = hall_store_load_calendar (reopened, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 2);
  g_assert_false (hall_calendar_is_working_day (changed, 2026, 12, 7));
}

/* Whether two checklists say the same, item by item. */
static gboolean
checklists_equal (JsonArray *a,
                  JsonArray *b)
{
  g_autoptr (JsonNode) node_a = json_node_init_array (json_node_alloc (), a);
  g_autoptr (JsonNode) node_b = json_node_init_array (json_node_alloc (), b);

  return json_node_equal (node_a, node_b);
}

/* Two counters scan the same missing document of a case, offline, each
 * to the server in turn: the server counts a version for each entry, and
 * each counter ends with the server's version and the server's copy (the
 * second's entry did not follow its own copy, so the pull brings it), and
 * no conflict. */
static void
test_document_scanned_at_two_counters (Fixture      *fixture,
                                       gconstpointer user_data)
{
  g_autoptr (HallStore) other = open_store (fixture, "other.db", "C02");
  g_autoptr (HallSyncEngine) other_engine = new_engine (other, fixture->url);
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GError) error = NULL;
  HallSyncReport report;
  HallStore *stores[2];

  login (other_engine);
  kase = create_case (fixture->store, fixture->catalog, "company_business_license", 7);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);

  stores[0] = fixture->store;
  stores[1] = other;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
        (GDestroyNotify) hall_page_image_unref);

      /* A second apart: the entries' times tell the copies apart. */
      if (i == 1)
        g_usleep (G_USEC_PER_SEC + G_USEC_PER_SEC / 10);
      g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 1 + i));
      g_assert_true (hall_store_add_pages (stores[i], hall_case_get_uuid (kase),
                                           "premises_proof", images, "demo", NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts, ==, 0);
  for (guint pass = 0; pass < 2; pass++)
    {
      g_assert_true (run_sync (other_engine, &report, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (report.conflicts, ==, 0);
    }
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);

  {
    g_autoptr (HallHttpResponse) response = server_get (other, fixture->url, "/v1/cases/%s",
                                                        hall_case_get_uuid (kase));
    g_autoptr (JsonNode) root = response_json (response);
    JsonObject *remote = json_node_get_object (root);
    gint64 remote_updated = 0;

    g_assert_cmpint (json_object_get_int_member (remote, "version"), ==, 3);
    g_assert_true (hall_timestamp_from_iso8601 (json_object_get_string_member (remote,
                                                                              "updated_at"),
                                                &remote_updated));
    for (guint i = 0; i < 2; i++)
      {
        g_autoptr (HallCase) local = hall_store_get_case (stores[i], hall_case_get_uuid (kase),
                                                          &error);

        g_assert_no_error (error);
        g_assert_cmpint (hall_case_get_version (local), ==, 3);
        g_assert_cmpint (hall_case_get_updated_at (local), ==, remote_updated);
        g_assert_cmpint (hall_case_get_sync_state (local), ==, HALL_SYNC_SYNCED);
        g_assert_true (checklists_equal (hall_case_get_checklist (local),
                                         json_object_get_array_member (remote, "checklist")));
      }
  }
}

/* Whether @checklist says @slot is provided. */
static gboolean
slot_provided (JsonArray  *checklist,
               const char *slot)
{
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);

      if (g_strcmp0 (json_object_get_string_member (item, "id"), slot) == 0)
        return json_object_get_boolean_member_with_default (item, "provided", FALSE);
    }
  g_assert_not_reached ();
}

static gboolean
premises_provided (JsonArray *checklist)
{
  return slot_provided (checklist, "premises_proof");
}

/* A conflict of a case (as a 412 on the case's PUT records it: another
 * counter's scan moved the server's copy on), a scan here, then the
 * official's choice: afterwards the copies agree, at one version, and
 * the document stays provided. @scan_first: the PUT that meets the
 * conflict was made before the scan. */
static void
conflict_and_scan (Fixture               *fixture,
                   gboolean               scan_first,
                   gboolean               then_withdraw,
                   HallConflictResolution resolution)
{
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *server_json = NULL;
  g_autofree char *local_json = NULL;
  g_autoptr (HallCaseEvent) note = NULL;
  HallOutboxItem fake;
  HallSyncReport report;

  kase = create_case (fixture->store, fixture->catalog, "company_business_license", 7);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);

  {
    /* Another counter moves the server's copy on: a version this counter
     * has not seen, as a 412 would show it. */
    g_autoptr (HallStore) other = open_store (fixture, "b.db", "C02");
    g_autoptr (HallSyncEngine) other_engine = new_engine (other, fixture->url);
    g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);

    login (other_engine);
    g_assert_true (run_sync (other_engine, &report, &error));
    g_assert_no_error (error);
    g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 9));
    g_assert_true (hall_store_add_pages (other, hall_case_get_uuid (kase),
                                         "articles_of_association", images, "demo", NULL, &error));
    g_assert_no_error (error);
    g_assert_true (run_sync (other_engine, &report, &error));
    g_assert_no_error (error);
  }
  response = server_get (fixture->store, fixture->url, "/v1/cases/%s", hall_case_get_uuid (kase));
  root = response_json (response);
  server_json = json_to_string (root, FALSE);
  {
    g_autofree char *uuid = g_strdup (hall_case_get_uuid (kase));

    g_clear_object (&kase);
    kase = hall_store_get_case (fixture->store, uuid, &error);
    g_assert_no_error (error);
  }
  /* The local case as a PUT made now would carry it (pre-scan). */
  local_json = json_to_string (hall_case_to_json (kase), FALSE);

  if (scan_first)
    {
      g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);

      g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 1));
      g_assert_true (hall_store_add_pages (fixture->store, hall_case_get_uuid (kase),
                                           "premises_proof", images, "demo", NULL, &error));
      g_assert_no_error (error);
    }

  /* An outbox row to stand for the case's PUT that met 412. */
  note = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (note, "stand-in");
  g_assert_true (hall_store_add_case_event (fixture->store, note, &error));
  items = _hall_store_list_outbox_all (fixture->store, &error);
  g_assert_no_error (error);
  fake = *(HallOutboxItem *) items->pdata[items->len - 1];
  fake.entity = (char *) "case";
  fake.entity_uuid = (char *) hall_case_get_uuid (kase);
  fake.method = (char *) "PUT";
  fake.body = local_json;
  g_assert_true (hall_store_record_conflict (fixture->store, &fake, server_json, &error));
  g_assert_no_error (error);

  if (!scan_first)
    {
      g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);

      g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 1));
      g_assert_true (hall_store_add_pages (fixture->store, hall_case_get_uuid (kase),
                                           "premises_proof", images, "demo", NULL, &error));
      g_assert_no_error (error);
      if (then_withdraw)
        {
          g_autoptr (HallCaseEvent) withdrawn = hall_case_event_new (hall_case_get_uuid (kase),
                                                                      HALL_CASE_EVENT_STATE);

          hall_case_event_set_new_state (withdrawn, HALL_CASE_WITHDRAWN);
          g_assert_true (hall_store_add_case_event (fixture->store, withdrawn, &error));
          g_assert_no_error (error);
        }
    }
  else
    {
      /* The push that met the 412 goes on with the entry after it. */
      g_assert_true (run_sync (fixture->engine, &report, &error));
      g_assert_no_error (error);
    }

  conflicts = hall_store_list_conflicts (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_true (hall_store_resolve_conflict (fixture->store,
                                              hall_conflict_get_id (conflicts->pdata[0]),
                                              resolution, "li.na", &error));
  g_assert_no_error (error);
  for (guint pass = 0; pass < 3; pass++)
    {
      g_assert_true (run_sync (fixture->engine, &report, &error));
      g_assert_no_error (error);
    }
  {
    g_autoptr (HallHttpResponse) again = server_get (fixture->store, fixture->url, "/v1/cases/%s",
                                                     hall_case_get_uuid (kase));
    g_autoptr (JsonNode) remote_root = response_json (again);
    JsonObject *remote = json_node_get_object (remote_root);
    g_autoptr (HallCase) local = hall_store_get_case (fixture->store, hall_case_get_uuid (kase),
                                                      &error);

    g_assert_no_error (error);
    g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
    g_assert_cmpint (hall_case_get_version (local), ==, json_object_get_int_member (remote, "version"));
    g_assert_true (premises_provided (json_object_get_array_member (remote, "checklist")));
    g_assert_cmpint (premises_provided (hall_case_get_checklist (local)), ==,
                     premises_provided (json_object_get_array_member (remote, "checklist")));
    /* And the document the other counter scanned, whichever copy won. */
    g_assert_true (slot_provided (json_object_get_array_member (remote, "checklist"),
                                  "articles_of_association"));
    g_assert_true (slot_provided (hall_case_get_checklist (local), "articles_of_association"));
    /* A move of state waiting when the server's copy was taken: made
     * there, and here again. */
    g_assert_cmpstr (json_object_get_string_member (remote, "state"), ==,
                     then_withdraw ? "withdrawn" : "received");
    g_assert_cmpstr (hall_case_state_to_string (hall_case_get_state (local)), ==,
                     json_object_get_string_member (remote, "state"));
  }
}

static void
test_conflict_take_theirs_after_scan (Fixture      *fixture,
                                      gconstpointer user_data)
{
  conflict_and_scan (fixture, FALSE, FALSE, HALL_CONFLICT_TAKE_THEIRS);
}

static void
test_conflict_take_theirs_after_withdrawal (Fixture      *fixture,
                                            gconstpointer user_data)
{
  conflict_and_scan (fixture, FALSE, TRUE, HALL_CONFLICT_TAKE_THEIRS);
}

static void
test_conflict_keep_mine_made_before_scan (Fixture      *fixture,
                                          gconstpointer user_data)
{
  conflict_and_scan (fixture, TRUE, FALSE, HALL_CONFLICT_KEEP_MINE);
}

static void
test_conflict_keep_mine_after_scan (Fixture      *fixture,
                                    gconstpointer user_data)
{
  conflict_and_scan (fixture, FALSE, FALSE, HALL_CONFLICT_KEEP_MINE);
}

static void
add (const char *path,
     void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

/* The server serves HTTPS with the hall's own certificate. A counter that
 * knows the hall's CA signs in and syncs; one that does not refuses to
 * talk to it and says why, rather than sending anything in the clear. */
static void
test_tls (Fixture      *fixture,
          gconstpointer user_data)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *server_dir = g_build_filename (fixture->dir, "tls-server", NULL);
  g_autofree char *cert = g_build_filename (fixture->dir, "hall-cert.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->dir, "hall-key.pem", NULL);
  g_autofree char *url = NULL;
  g_autoptr (GSubprocess) server = NULL;
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallSyncEngine) stranger = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  HallSyncReport report;
  int status = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  {
    const char *argv[] = {
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", NULL,
    };

    g_spawn_sync (NULL, (char **) argv, NULL,
                  G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                  NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  {
    const char *const tls[] = { "--tls-cert", cert, "--tls-key", key, NULL };

    url = start_server (server_dir, tls, &server);
  }
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));
  store = open_store (fixture, "tls.db", "C02");

  stranger = new_engine (store, url);
  hall_sync_engine_login_async (stranger, "demo", "demo", NULL, store_result, &result);
  g_assert_false (hall_sync_engine_login_finish (stranger, wait_for (&result), NULL, &error));
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_TLS);
  g_clear_error (&error);
  g_clear_object (&result);

  engine = new_engine (store, url);
  g_object_set (engine, "ca-file", cert, NULL);
  login (engine);
  kase = create_case (store, fixture->catalog, "resident_id_card_renewal", 7);
  g_assert_true (run_sync (engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 3);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 0);

  stop_server (&server);
}

/* A returning applicant's phone corrected at the counter while the server
 * is away: a refused number changes nothing; the correction reaches the
 * server exactly once when it is back (a replay of the same request too),
 * is checked there by the same rule, and another counter pulls it. */
static void
test_phone_correction (Fixture      *fixture,
                       gconstpointer user_data)
{
  g_autofree char *closed = closed_port_url ();
  g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                           "resident_id_card_renewal", 21);
  const char *uuid = hall_case_get_applicant_uuid (kase);
  g_autoptr (HallApplicant) local = NULL;
  g_autoptr (HallApplicant) pulled = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStore) other = NULL;
  g_autoptr (HallSyncEngine) other_engine = NULL;
  g_autofree char *token = hall_store_get_meta (fixture->store, "token");
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
  g_autofree char *key = NULL;
  g_autofree char *url = NULL;
  g_autofree char *saved_body = NULL;
  const char *headers[4];
  HallOutboxItem *item;
  HallSyncReport report;

  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_changes (fixture->store, fixture->url, uuid), ==, 1);

  hall_sync_engine_set_server_url (fixture->engine, closed);

  /* Not a number: refused by name, nothing queued, nothing changed. */
  g_assert_false (hall_store_correct_applicant_phone (fixture->store, uuid, "1391234", &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH);
  g_clear_error (&error);
  g_assert_false (hall_store_correct_applicant_phone (fixture->store, uuid, "", &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);

  /* Typed in groups, kept as the number; the same number again queues
   * nothing more. */
  g_assert_true (hall_store_correct_applicant_phone (fixture->store, uuid, "139 8765 4321",
                                                     &error));
  g_assert_no_error (error);
  g_assert_true (hall_store_correct_applicant_phone (fixture->store, uuid, "13987654321",
                                                     &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 1);
  local = hall_store_get_applicant (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_applicant_get_phone (local), ==, "13987654321");
  g_clear_object (&local);

  items = hall_store_peek_outbox (fixture->store, 10, &error);
  g_assert_no_error (error);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->method, ==, "POST");
  g_assert_cmpstr (item->entity_uuid, ==, uuid);
  key = g_strdup_printf ("Idempotency-Key: %s", item->uuid);
  url = g_strconcat (fixture->url, item->path, NULL);
  saved_body = g_strdup (item->body);

  g_assert_false (run_sync (fixture->engine, &report, &error));
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 1);

  hall_sync_engine_set_server_url (fixture->engine, fixture->url);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 1);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
  local = hall_store_get_applicant (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_applicant_get_version (local), ==, 2);

  response = server_get (fixture->store, fixture->url, "/v1/applicants/%s", uuid);
  g_assert_cmpuint (response->status, ==, 200);
  root = response_json (response);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "phone"), ==,
                   "13987654321");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "version"), ==, 2);
  g_clear_pointer (&response, hall_http_response_free);
  g_assert_cmpuint (count_changes (fixture->store, fixture->url, uuid), ==, 2);

  /* The same request again, as libcurl may resend it: the same answer,
   * no second change. */
  headers[0] = authorization;
  headers[1] = key;
  headers[2] = "Content-Type: application/json";
  headers[3] = NULL;
  body = g_bytes_new (saved_body, strlen (saved_body));
  response = hall_http_client_send (client, "POST", url, headers, body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (hall_http_response_get_header (response, "etag"), ==, "\"2\"");
  g_clear_pointer (&response, hall_http_response_free);
  g_assert_cmpuint (count_changes (fixture->store, fixture->url, uuid), ==, 2);

  /* The server checks the number by the same rule, naming the field. */
  g_clear_pointer (&body, g_bytes_unref);
  body = g_bytes_new_static ("{\"uuid\":\"00000000-0000-4000-8000-000000000001\","
                             "\"phone\":\"0951\"}", 62);
  headers[1] = headers[2];
  headers[2] = NULL;
  response = hall_http_client_send (client, "POST", url, headers, body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 422);
  g_clear_pointer (&root, json_node_unref);
  root = response_json (response);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "field"), ==,
                   "phone");
  g_clear_pointer (&response, hall_http_response_free);
  g_assert_cmpuint (count_changes (fixture->store, fixture->url, uuid), ==, 2);

  /* Another counter pulls the corrected number. */
  other = open_store (fixture, "other.db", "C09");
  other_engine = new_engine (other, fixture->url);
  login (other_engine);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  pulled = hall_store_get_applicant (other, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_applicant_get_phone (pulled), ==, "13987654321");
}

/* The official merges a duplicate while the push that found it goes on.
 * Its case's rows were held back, and the batches in flight read past
 * them; once merged, a later row of that case (a note added in the
 * afternoon), which comes after the rows in flight, must not reach the
 * server before the case's own creation, which comes before them: the
 * server would refuse the note (no such case) and it would be lost. */
typedef struct
{
  HallStore *store;
  char      *case_uuid;
  gboolean   merged;
} MergeLater;

static gboolean
merge_now (gpointer user_data)
{
  MergeLater *later = user_data;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;

  conflicts = hall_store_list_conflicts (later->store, later->case_uuid, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < conflicts->len; i++)
    if (hall_conflict_get_kind (conflicts->pdata[i]) == HALL_CONFLICT_DUPLICATE)
      {
        g_assert_true (hall_store_resolve_conflict (later->store,
                                                    hall_conflict_get_id (conflicts->pdata[i]),
                                                    HALL_CONFLICT_MERGE, "li.na", &error));
        g_assert_no_error (error);
        later->merged = TRUE;
      }
  return G_SOURCE_REMOVE;
}

static void
merge_later (HallSyncEngine *engine,
             const char     *entity,
             const char     *uuid,
             MergeLater     *later)
{
  if (g_strcmp0 (entity, "applicant") == 0 && !later->merged)
    g_timeout_add (700, merge_now, later);
}

static void
test_merge_during_push (Fixture      *fixture,
                        gconstpointer user_data)
{
  g_autoptr (HallStore) other = open_store (fixture, "b.db", "C02");
  g_autoptr (HallFaultProxy) proxy = NULL;
  g_autoptr (HallSyncEngine) other_engine = NULL;
  g_autoptr (GUri) uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *proxy_url = NULL;
  g_autoptr (HallCase) ours = create_case (fixture->store, fixture->catalog,
                                           "resident_id_card_renewal", 20);
  g_autoptr (HallCase) theirs = NULL;
  g_autoptr (HallCaseEvent) note = NULL;
  MergeLater later = { other, NULL, FALSE };
  HallSyncReport report;

  /* The server has the person from this counter. */
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);

  /* Counter B, offline, took the same person in, then worked on. */
  theirs = create_case (other, fixture->catalog, "individual_business_license", 20);
  later.case_uuid = g_strdup (hall_case_get_uuid (theirs));
  for (guint i = 0; i < 150; i++)
    {
      g_autoptr (HallCase) kase = create_case (other, fixture->catalog,
                                               "resident_id_card_renewal", 400 + i);
    }
  note = hall_case_event_new (hall_case_get_uuid (theirs), HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (note, "afternoon note");
  g_assert_true (hall_store_add_case_event (other, note, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (HallCase) kase = create_case (other, fixture->catalog,
                                               "resident_id_card_renewal", 600 + i);
    }

  /* A slow link, small batches: the merge comes while many are to go. */
  proxy = hall_fault_proxy_new (g_uri_get_port (uri), &error);
  g_assert_no_error (error);
  proxy_url = hall_fault_proxy_dup_url (proxy);
  other_engine = new_engine (other, proxy_url);
  g_object_set (other_engine, "push-batch-size", 10, NULL);
  login (other_engine);
  hall_fault_proxy_set_delay (proxy, 150);
  hall_fault_proxy_add_rule (proxy, "POST", "/v1/batch", 0, G_MAXUINT, HALL_FAULT_DELAY);
  g_signal_connect (other_engine, "conflict", G_CALLBACK (merge_later), &later);

  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  g_assert_true (later.merged);
  /* What the merge let go, the next pass sends. */
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (other), ==, 0);
  g_clear_object (&theirs);
  theirs = hall_store_get_case (other, later.case_uuid, &error);
  g_assert_no_error (error);
  g_assert_null (hall_case_get_sync_error (theirs));
  g_assert_cmpuint (count_changes (other, fixture->url, hall_case_event_get_uuid (note)), ==, 1);
  g_free (later.case_uuid);
}

/* 200 cases to push, and an engine signed in through a fault proxy of its
 * own (*@proxy_out), in batches of 20: several in flight at once. */
static HallSyncEngine *
engine_with_batches_in_flight (Fixture         *fixture,
                               HallFaultProxy **proxy_out)
{
  g_autoptr (GUri) uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *proxy_url = NULL;
  HallSyncEngine *engine;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                               "resident_id_card_renewal", 300 + i);
    }
  *proxy_out = hall_fault_proxy_new (g_uri_get_port (uri), &error);
  g_assert_no_error (error);
  proxy_url = hall_fault_proxy_dup_url (*proxy_out);
  engine = new_engine (fixture->store, proxy_url);
  g_object_set (engine, "push-batch-size", 20, NULL);
  login (engine);
  return engine;
}

/* A refused token is met by every batch in flight at once: one of them
 * signs in again, the others take its token. A password the server
 * refuses (an administrator set a new one) is tried once, not again on
 * every pass and every batch, which would get the official blocked by
 * the server's throttle: signing in with the new one still works. */
static void
test_sign_in_once (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_autoptr (HallFaultProxy) proxy = NULL;
  g_autoptr (HallSyncEngine) engine = engine_with_batches_in_flight (fixture, &proxy);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  HallSyncReport report;
  guint rows = hall_store_count_outbox (fixture->store);

  /* Counts the sign-ins (a delay of 1 ms each). */
  hall_fault_proxy_set_delay (proxy, 1);
  hall_fault_proxy_add_rule (proxy, "POST", "/v1/sessions", 0, G_MAXUINT, HALL_FAULT_DELAY);

  /* The first rows go, then the session ends (twelve hours, or a
   * sign-out everywhere). */
  g_assert_true (hall_store_set_meta (fixture->store, "token", "expired", &error));
  g_assert_true (run_sync (engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, rows);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (proxy, HALL_FAULT_DELAY), ==, 1);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                               "resident_id_card_renewal", 600 + i);
    }
  g_assert_true (hall_store_set_meta (fixture->store, "token", "expired", &error));
  hall_sync_engine_set_credentials (engine, "demo", "the-old-password");
  for (guint pass = 0; pass < 2; pass++)
    {
      g_assert_false (run_sync (engine, &report, &error));
      g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH);
      g_clear_error (&error);
    }
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (proxy, HALL_FAULT_DELAY), ==, 2);
  hall_sync_engine_login_async (engine, "demo", "demo", NULL, store_result, &result);
  g_assert_true (hall_sync_engine_login_finish (engine, wait_for (&result), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (run_sync (engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
}

/* A sign-in again that fails for a reason other than the password (here
 * the server answers 500) is tried once for all the batches in flight:
 * those waiting for it take its error, not one sign-in after another. */
static void
test_sign_in_fails_once (Fixture      *fixture,
                         gconstpointer user_data)
{
  g_autoptr (HallFaultProxy) proxy = NULL;
  g_autoptr (HallSyncEngine) engine = engine_with_batches_in_flight (fixture, &proxy);
  g_autoptr (GError) error = NULL;
  HallSyncReport report;
  guint max_attempts;

  g_object_get (engine, "max-attempts", &max_attempts, NULL);
  hall_fault_proxy_add_rule (proxy, "POST", "/v1/sessions", 0, G_MAXUINT, HALL_FAULT_ERROR_500);
  g_assert_true (hall_store_set_meta (fixture->store, "token", "expired", &error));

  g_assert_false (run_sync (engine, &report, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (proxy, HALL_FAULT_ERROR_500), ==,
                    max_attempts);
}

/* A 403 to signing in again is not the server's, which answers a wrong
 * password with 401: a proxy or firewall in front of it refused the
 * counter for a while. The remembered password is kept, and the next
 * pass signs in with it. */
static void
test_sign_in_forbidden_keeps_password (Fixture      *fixture,
                                       gconstpointer user_data)
{
  g_autoptr (HallFaultProxy) proxy = NULL;
  g_autoptr (HallSyncEngine) engine = engine_with_batches_in_flight (fixture, &proxy);
  g_autoptr (GError) error = NULL;
  HallSyncReport report;

  hall_fault_proxy_add_rule (proxy, "POST", "/v1/sessions", 0, 1, HALL_FAULT_FORBIDDEN_403);
  g_assert_true (hall_store_set_meta (fixture->store, "token", "expired", &error));
  g_assert_false (run_sync (engine, &report, &error));
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "403"));
  g_clear_error (&error);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (proxy, HALL_FAULT_FORBIDDEN_403), ==, 1);

  g_assert_true (run_sync (engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);
}

/* A row the server refuses stops its batch, but not the batches sent
 * after it: they hold nothing that needs it, and what the server
 * acknowledged of them leaves the outbox instead of going again. */
static void
test_refused_row_in_flight (Fixture      *fixture,
                            gconstpointer user_data)
{
  g_autoptr (HallCatalog) ghost_catalog = catalog_with_ghost_service ();
  g_autoptr (HallFaultProxy) proxy = NULL;
  g_autoptr (HallSyncEngine) engine = engine_with_batches_in_flight (fixture, &proxy);
  g_autoptr (HallCase) refused = NULL;
  g_autoptr (HallCase) refused_now = NULL;
  g_autoptr (GPtrArray) fine = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  HallSyncReport report;
  guint batches_alone, batches_with_refusal, rows;

  /* Counts the batches (a delay of 1 ms each); first 200 cases alone. */
  hall_fault_proxy_set_delay (proxy, 1);
  hall_fault_proxy_add_rule (proxy, "POST", "/v1/batch", 0, G_MAXUINT, HALL_FAULT_DELAY);
  g_assert_true (run_sync (engine, &report, &error));
  g_assert_no_error (error);
  batches_alone = hall_fault_proxy_get_n_faults (proxy, HALL_FAULT_DELAY);
  g_assert_cmpuint (batches_alone, >, 4);

  /* Then as many again behind a case the server refuses, in the first
   * batch, with three more in flight behind it. */
  refused = create_case (fixture->store, ghost_catalog, "ghost_service", 900);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (HallCase) kase = create_case (fixture->store, fixture->catalog,
                                               "resident_id_card_renewal", 1000 + i);

      g_ptr_array_add (fine, g_strdup (hall_case_get_uuid (kase)));
    }
  rows = hall_store_count_outbox (fixture->store);
  g_assert_true (run_sync (engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rejected, >=, 1);
  g_assert_cmpuint (report.pushed + report.rejected, ==, rows);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, 0);

  /* Taken out of order, the answers still leave each case as it would be
   * in order: synced at the server's version, the refused one refused. */
  for (guint i = 0; i < fine->len; i++)
    {
      g_autoptr (HallCase) local = hall_store_get_case (fixture->store,
                                                        g_ptr_array_index (fine, i), &error);

      g_assert_no_error (error);
      g_assert_cmpint (hall_case_get_sync_state (local), ==, HALL_SYNC_SYNCED);
      g_assert_cmpint (hall_case_get_version (local), >, 0);
    }
  refused_now = hall_store_get_case (fixture->store, hall_case_get_uuid (refused), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_sync_state (refused_now), ==, HALL_SYNC_REJECTED);

  /* Only the refused batch's rows after the refusal went again, and the
   * refused case's rows move where batches end: two batches more (34 and
   * 36 here), not the three in flight sent again as well (42). */
  batches_with_refusal = hall_fault_proxy_get_n_faults (proxy, HALL_FAULT_DELAY) - batches_alone;
  g_test_message ("batches: %u alone, %u with a refusal", batches_alone, batches_with_refusal);
  g_assert_cmpuint (batches_with_refusal, <=, batches_alone + 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add ("/hall/sync/push-exactly-once", test_push_exactly_once);
  add ("/hall/sync/conflict/take-theirs-after-scan", test_conflict_take_theirs_after_scan);
  add ("/hall/sync/conflict/take-theirs-after-withdrawal",
       test_conflict_take_theirs_after_withdrawal);
  add ("/hall/sync/conflict/keep-mine-made-before-scan", test_conflict_keep_mine_made_before_scan);
  add ("/hall/sync/conflict/keep-mine-after-scan", test_conflict_keep_mine_after_scan);
  add ("/hall/sync/document-scanned-at-two-counters", test_document_scanned_at_two_counters);
  add ("/hall/sync/replay-after-lost-answer", test_replay_after_lost_answer);
  add ("/hall/sync/pull-from-other-counter", test_pull_from_other_counter);
  add ("/hall/sync/pull-pages", test_pull_pages);
  add ("/hall/sync/rejected", test_rejected_change);
  add ("/hall/sync/conflict", test_conflict);
  add ("/hall/sync/duplicate-merge", test_duplicate_merge);
  add ("/hall/sync/merge-during-push", test_merge_during_push);
  add ("/hall/sync/sign-in-once", test_sign_in_once);
  add ("/hall/sync/sign-in-fails-once", test_sign_in_fails_once);
  add ("/hall/sync/refused-row-in-flight", test_refused_row_in_flight);
  add ("/hall/sync/sign-in-forbidden-keeps-password", test_sign_in_forbidden_keeps_password);
  add ("/hall/sync/edit-before-first-sync", test_edit_before_first_sync);
  add ("/hall/sync/periodic", test_periodic);
  add ("/hall/sync/offline", test_offline_then_back);
  add ("/hall/sync/phone-correction", test_phone_correction);
  add ("/hall/sync/probe", test_probe_notices_server_gone);
  add ("/hall/sync/auth", test_auth);
  add ("/hall/sync/login-refused", test_login_refused);
  add ("/hall/sync/blob-resumed", test_blob_resumed);
  add ("/hall/sync/pages", test_pages_synced);
  add ("/hall/sync/pages-pulled", test_pages_pulled);
  add ("/hall/sync/damaged-page-waits", test_damaged_page_waits);
  add ("/hall/sync/tls", test_tls);
  add ("/hall/sync/calendar", test_calendar_pulled);

  return g_test_run ();
}
