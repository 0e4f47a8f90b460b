/* test-sync-faults.c — sync through a proxy that breaks requests: nothing
 * lost, nothing twice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libpq-fe.h>
#include <sqlite3.h>

#include "hall-catalog.h"
#include "hall-error.h"
#include "hall-fault-proxy.h"
#include "hall-http-client.h"
#include "hall-store-pages.h"
#include "hall-store-signing.h"
#include "hall-store-sync-private.h"
#include "hall-store.h"
#include "hall-sync-audit.h"
#include "hall-sync-engine.h"
#include "hall-test-pages.h"
#include "hall-test-server.h"

#define DEADLINE_SECONDS 60
/* Passes a test allows before the faults must have been got over. */
#define MAX_PASSES 20

typedef struct
{
  char           *dir;
  HallTestServer *server;
  HallFaultProxy *proxy;
  char           *proxy_url;
  HallCatalog    *catalog;
  HallStore      *store;
  HallSyncEngine *engine;
  guint           serial;
} Fixture;

static gboolean
deadline_passed (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Iterates the main context until *@slot is set, failing after a deadline
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

static gboolean
run_sync (HallSyncEngine *engine,
          HallSyncReport *report,
          GError        **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hall_sync_engine_sync_async (engine, NULL, store_result, &result);
  wait_for (&result);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  return hall_sync_engine_sync_finish (engine, result, report, error);
}

static HallSyncEngine *
new_engine (HallStore  *store,
            const char *url)
{
  HallSyncEngine *engine = hall_sync_engine_new (store, url);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  /* Short waits keep the suite fast; the cap is above the proxy's
   * Retry-After of 1 s, so a 503 is waited out within a pass. A hang is cut
   * after 1 s below 1000 bytes/s: libcurl averages the speed over the last
   * 5 s, so with the 10 bytes/s of the field the request's own upload would
   * hold the cut off for 5 s more. */
  g_object_set (engine, "backoff-base-ms", 10, "backoff-cap-ms", 1500, "max-attempts", 3,
                "connect-timeout", 2, NULL);
  /* The sign-in is not under the faults; its password hash may take more
   * than a second on a loaded machine (the PostgreSQL suite runs beside
   * its cluster), so the cut comes after it. */
  hall_sync_engine_login_async (engine, "demo", "demo", NULL, store_result, &result);
  hall_sync_engine_login_finish (engine, wait_for (&result), NULL, &error);
  g_assert_no_error (error);
  g_object_set (engine, "low-speed-time", 1, "low-speed-limit", 1000, NULL);
  return engine;
}

static HallStore *
open_store (Fixture    *fixture,
            const char *name,
            const char *counter)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  HallStore *store = hall_store_open (path, hall_catalog_get_hall_code (fixture->catalog),
                                      counter, &error);

  g_assert_no_error (error);
  return store;
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *server_dir = NULL;

  fixture->dir = g_dir_make_tmp ("test-sync-faults-XXXXXX", &error);
  g_assert_no_error (error);
  server_dir = g_build_filename (fixture->dir, "server", NULL);
  fixture->server = hall_test_server_start (server_dir);
  fixture->proxy = hall_fault_proxy_new (fixture->server->port, &error);
  g_assert_no_error (error);
  fixture->proxy_url = hall_fault_proxy_dup_url (fixture->proxy);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->store = open_store (fixture, "counter.db", "C05");
  fixture->engine = new_engine (fixture->store, fixture->proxy_url);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->catalog);
  hall_fault_proxy_stop (fixture->proxy);
  g_clear_object (&fixture->proxy);
  g_clear_pointer (&fixture->server, hall_test_server_free);
  hall_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->proxy_url);
}

static void
create_cases (Fixture   *fixture,
              HallStore *store,
              guint      n)
{
  hall_test_create_cases (store, fixture->catalog, fixture->serial, n);
  fixture->serial += n;
}

/* A second counter that pushed straight to the server, so that the first
 * has something to pull through the faults. */
static void
other_counter_pushes (Fixture *fixture,
                      guint    n)
{
  g_autoptr (HallStore) other = open_store (fixture, "other.db", "C06");
  g_autoptr (HallSyncEngine) engine = new_engine (other, fixture->server->url);
  g_autoptr (GError) error = NULL;
  HallSyncReport report;

  create_cases (fixture, other, n);
  g_assert_true (run_sync (engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (other), ==, 0);
}

/* Passes until one ends clean (the faults' windows run out), then one
 * more with no faults at all, which must have nothing left to do but
 * succeed. */
static void
sync_through_faults (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  HallSyncReport report;
  guint pass;

  for (pass = 0; pass < MAX_PASSES; pass++)
    {
      g_autoptr (GError) pass_error = NULL;
      gboolean ok = run_sync (fixture->engine, &report, &pass_error);

      g_test_message ("pass %u: %s; pushed %u pulled %u rejected %u conflicts %u waiting %u",
                      pass, ok ? "ok" : pass_error->message, report.pushed, report.pulled,
                      report.rejected, report.conflicts, report.waiting);
      /* A fault must never turn into a refusal or a conflict. */
      g_assert_cmpuint (report.rejected, ==, 0);
      g_assert_cmpuint (report.conflicts, ==, 0);
      if (ok && hall_store_count_outbox (fixture->store) == 0)
        break;
      if (!ok)
        g_assert_true (pass_error->domain == HALL_SYNC_ERROR
                       && (pass_error->code == HALL_SYNC_ERROR_OFFLINE
                           || pass_error->code == HALL_SYNC_ERROR_SERVER));
    }
  g_assert_cmpuint (pass, <, MAX_PASSES);

  hall_fault_proxy_clear_rules (fixture->proxy);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 0);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.conflicts, ==, 0);
  g_assert_cmpuint (report.waiting, ==, 0);
  g_assert_null (hall_sync_engine_get_last_error (fixture->engine));
}

static void
audit (Fixture *fixture,
       guint    expected_cases)
{
  g_autofree char *server_db = hall_test_server_dup_db_path (fixture->server);
  HallSyncAudit counts;

  hall_sync_audit_assert (fixture->store, fixture->server->url, server_db, &counts);
  g_test_message ("server: %u changes, %u cases, %u events, %u applicants; proxy: %u requests, "
                  "%u delivered to the server", counts.changes, counts.cases, counts.events,
                  counts.applicants, hall_fault_proxy_get_n_requests (fixture->proxy),
                  hall_fault_proxy_get_n_forwarded (fixture->proxy));
  g_assert_cmpuint (counts.cases, ==, expected_cases);
}

/* One kind of fault at several points of a push and of a pull. */
static void
test_fault (Fixture      *fixture,
            gconstpointer user_data)
{
  HallFaultKind kind = GPOINTER_TO_UINT (user_data);
  /* A hang costs a low-speed period per try, a 503 its Retry-After: fewer
   * of them. */
  gboolean slow = kind == HALL_FAULT_HANG || kind == HALL_FAULT_HANG_AFTER_COMMIT
                  || kind == HALL_FAULT_UNAVAILABLE_503;
  guint times = slow ? 1 : 2;
  guint points = 0;
  guint injected;
  gint64 start, elapsed;

  /* Row by row, as to a server without batches, so each kind of request
   * meets the fault; batches meet them in chaos and batch-reset. */
  g_object_set (fixture->engine, "push-batch-size", 1, NULL);
  other_counter_pushes (fixture, 10);
  create_cases (fixture, fixture->store, 24);

  if (kind != HALL_FAULT_PASS)
    {
      hall_fault_proxy_add_rule (fixture->proxy, "PUT", "/v1/applicants/*", 1, times, kind);
      hall_fault_proxy_add_rule (fixture->proxy, "PUT", "/v1/cases/*", 3, times, kind);
      hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/cases/*/events", 2, times, kind);
      hall_fault_proxy_add_rule (fixture->proxy, "GET", "/v1/changes", 0, times, kind);
      points = 4;
      if (!slow)
        {
          /* Further on, again: a fault after recovery. */
          hall_fault_proxy_add_rule (fixture->proxy, "PUT", "/v1/cases/*", 15, 1, kind);
          hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/cases/*/events", 20, 1, kind);
          points += 2;
        }
    }

  start = g_get_monotonic_time ();
  sync_through_faults (fixture);
  elapsed = g_get_monotonic_time () - start;
  injected = hall_fault_proxy_get_n_faults (fixture->proxy, kind);
  g_test_message ("%s: %u faults injected, synced in %.1f s", hall_fault_kind_to_string (kind),
                  injected, (double) elapsed / G_USEC_PER_SEC);
  if (kind != HALL_FAULT_PASS)
    g_assert_cmpuint (injected, >=, points);
  /* Each 503 was waited out for its Retry-After of 1 s, never less. */
  if (kind == HALL_FAULT_UNAVAILABLE_503)
    g_assert_cmpint (elapsed, >=, (gint64) injected * G_USEC_PER_SEC);
  /* Each hang was cut by the low-speed limit, about a second, not by
   * anything slower. */
  if (kind == HALL_FAULT_HANG || kind == HALL_FAULT_HANG_AFTER_COMMIT)
    g_assert_cmpint (elapsed, <, (gint64) injected * 5 * G_USEC_PER_SEC);
  audit (fixture, 34);
}

/* Faults at random, many of them, of every kind that answers quickly. */
static void
test_chaos (Fixture      *fixture,
            gconstpointer user_data)
{
  static const HallFaultKind kinds[] = {
    HALL_FAULT_ERROR_500, HALL_FAULT_UNAVAILABLE_503, HALL_FAULT_RESET_AFTER_COMMIT,
    HALL_FAULT_DUPLICATE, HALL_FAULT_TRUNCATE,
  };
  const char *seed_text = g_getenv ("SERVICE_HALL_FAULT_SEED");
  guint32 seed = seed_text != NULL ? (guint32) g_ascii_strtoull (seed_text, NULL, 10)
                                   : (guint32) g_test_rand_int ();
  guint injected = 0;
  guint i;

  g_test_message ("seed %u (replay with SERVICE_HALL_FAULT_SEED=%u)", seed, seed);
  /* Batches of two rows: many requests for the faults to hit, and
   * batches cut at every place between a case's rows. */
  g_object_set (fixture->engine, "push-batch-size", 2, NULL);
  other_counter_pushes (fixture, 20);
  create_cases (fixture, fixture->store, 60);

  /* Waiting out a Retry-After is the 503 test's business. */
  hall_fault_proxy_set_retry_after (fixture->proxy, "0");
  hall_fault_proxy_set_random (fixture->proxy, seed, 0.3, kinds, G_N_ELEMENTS (kinds));
  sync_through_faults (fixture);

  for (i = 0; i < G_N_ELEMENTS (kinds); i++)
    injected += hall_fault_proxy_get_n_faults (fixture->proxy, kinds[i]);
  g_test_message ("%u faults injected", injected);
  g_assert_cmpuint (injected, >=, 20);
  audit (fixture, 80);
}

/* The server did a whole batch, but the counter never heard: it sends the
 * rows again under the same keys and gets the stored answers; the second
 * time (a later batch) the rows before the lost answer are already gone,
 * so the batch that is sent again is cut differently. Nothing twice. */
static void
test_batch_reset (Fixture      *fixture,
                  gconstpointer user_data)
{
  g_object_set (fixture->engine, "push-batch-size", 8, NULL);
  other_counter_pushes (fixture, 5);
  create_cases (fixture, fixture->store, 20);

  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/batch", 1, 2,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/batch", 5, 1,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  sync_through_faults (fixture);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy, HALL_FAULT_RESET_AFTER_COMMIT),
                    >=, 3);
  audit (fixture, 25);
}

/* Several batches are in flight at once, and a later one may reach the
 * server first: each held back on the way lets the next overtake it.
 * Batches of eight rows cut through cases of three to six rows, so rows
 * that need a batch in flight done first (an entry of its case, a case of
 * its applicant) come up often: they must wait for it, or the server
 * refuses them for want of what was held back. Nothing twice. */
static void
test_batch_overtaken (Fixture      *fixture,
                      gconstpointer user_data)
{
  g_object_set (fixture->engine, "push-batch-size", 8, NULL);
  create_cases (fixture, fixture->store, 80);

  /* A batch can only overtake when it does not need the one held back: when
   * the cut between them falls between two cases, about one time in four.
   * Forty batches, every other one held 400 ms: twenty chances, so that
   * some overtaking happens in every run (three were asked of ten chances
   * before, and one run in two had fewer). */
  hall_fault_proxy_set_delay (fixture->proxy, 400);
  for (guint i = 0; i < 20; i++)
    hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/batch", 2 * i, 1, HALL_FAULT_DELAY);
  sync_through_faults (fixture);
  g_test_message ("%u batches overtaken", hall_fault_proxy_get_n_overtaken (fixture->proxy));
  g_assert_cmpuint (hall_fault_proxy_get_n_overtaken (fixture->proxy), >=, 1);
  audit (fixture, 80);
}

/* A server of an older version has no /v1/batch: the counter sends its
 * rows one by one instead, in order, and all of them arrive once. */
static void
test_no_batches (Fixture      *fixture,
                 gconstpointer user_data)
{
  guint queued;

  create_cases (fixture, fixture->store, 12);
  queued = hall_store_count_outbox (fixture->store);
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/batch", 0, G_MAXUINT,
                             HALL_FAULT_NOT_FOUND_404);
  sync_through_faults (fixture);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy, HALL_FAULT_NOT_FOUND_404),
                    >=, 1);
  /* Every row went alone. */
  g_assert_cmpuint (hall_fault_proxy_get_n_forwarded (fixture->proxy), >=, queued);
  audit (fixture, 12);
}

/* kill -9 of the server in the middle of a push: whatever it acknowledged
 * is there after the restart, and the rest arrives once. */
static void
test_server_killed (Fixture      *fixture,
                    gconstpointer user_data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *server_dir = g_strdup (fixture->server->data_dir);
  HallSyncReport report;
  gint64 deadline;
  guint queued;

  /* Small batches, so that the kill lands between two of them. */
  g_object_set (fixture->engine, "push-batch-size", 10, NULL);
  create_cases (fixture, fixture->store, 150);
  queued = hall_store_count_outbox (fixture->store);

  hall_sync_engine_sync_async (fixture->engine, NULL, store_result, &result);
  deadline = g_get_monotonic_time () + DEADLINE_SECONDS * G_USEC_PER_SEC;
  while (hall_fault_proxy_get_n_forwarded (fixture->proxy) < queued / 30
         && result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (result);
  hall_test_server_kill (fixture->server);
  g_clear_pointer (&fixture->server, hall_test_server_free);

  wait_for (&result);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (hall_sync_engine_sync_finish (fixture->engine, result, &report, &error));
  g_test_message ("killed after %u of %u rows: %s", report.pushed, queued, error->message);
  g_assert_cmpuint (report.pushed, >, 0);
  g_assert_cmpuint (report.pushed, <, queued);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_clear_error (&error);

  fixture->server = hall_test_server_start (server_dir);
  hall_fault_proxy_set_upstream_port (fixture->proxy, fixture->server->port);
  sync_through_faults (fixture);
  audit (fixture, 150);
}

/* Another counter took the same person in first: this one's applicant
 * meets the server's as a duplicate, and the official merges. What the
 * merge sends (the cases, now of the other counter's applicant, their
 * entries and the merge's notes) is delivered twice or answered only after
 * the server committed it, and still arrives once; the duplicate never
 * reaches the server. */
static void
test_duplicate_merged (Fixture      *fixture,
                       gconstpointer user_data)
{
  g_autoptr (HallStore) other = open_store (fixture, "other.db", "C06");
  g_autoptr (HallSyncEngine) other_engine = new_engine (other, fixture->server->url);
  g_autoptr (GPtrArray) cases = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *duplicate = NULL;
  HallSyncReport report;
  HallCase *kase = NULL;

  hall_test_create_cases (other, fixture->catalog, 500, 1);
  g_assert_true (run_sync (other_engine, &report, &error));
  g_assert_no_error (error);

  /* Row by row, so that each of the merge's requests meets the faults. */
  g_object_set (fixture->engine, "push-batch-size", 1, NULL);
  hall_test_create_cases (fixture->store, fixture->catalog, 500, 1);
  create_cases (fixture, fixture->store, 3);
  g_assert_true (run_sync (fixture->engine, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts, ==, 1);
  g_assert_cmpuint (report.rejected, ==, 0);

  cases = hall_store_fetch_cases (fixture->store, 0, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < cases->len; i++)
    if (hall_case_get_sync_state (cases->pdata[i]) == HALL_SYNC_CONFLICT)
      kase = cases->pdata[i];
  g_assert_nonnull (kase);
  duplicate = g_strdup (hall_case_get_applicant_uuid (kase));
  conflicts = hall_store_list_conflicts (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_true (hall_store_resolve_conflict (fixture->store,
                                              hall_conflict_get_id (conflicts->pdata[0]),
                                              HALL_CONFLICT_MERGE, "li.na", &error));
  g_assert_no_error (error);

  hall_fault_proxy_add_rule (fixture->proxy, "PUT", "/v1/cases/*", 0, 1, HALL_FAULT_DUPLICATE);
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/cases/*/events", 0, 2,
                             HALL_FAULT_DUPLICATE);
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/cases/*/events", 2, 1,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  sync_through_faults (fixture);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy, HALL_FAULT_DUPLICATE), ==, 3);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy,
                                                   HALL_FAULT_RESET_AFTER_COMMIT), ==, 1);

  /* The other counter's case, this one's moved case and the three others,
   * each once, each with an applicant the server has; the duplicate is
   * not one of them. */
  audit (fixture, 5);
  {
    g_autoptr (HallHttpClient) client = hall_http_client_new ();
    g_autofree char *token = hall_store_get_meta (fixture->store, "token");
    g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
    g_autofree char *url = g_strdup_printf ("%s/v1/applicants/%s", fixture->server->url,
                                            duplicate);
    const char *headers[] = { authorization, NULL };
    g_autoptr (HallHttpResponse) response = hall_http_client_send (client, "GET", url, headers,
                                                                   NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (response->status, ==, 404);
  }
}

/* Runs @sql on the database at @path and returns its first column of its
 * first row as a number. */
static gint64
count_in (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* The same for the server's records, in its SQLite file or its
 * PostgreSQL database, whichever the suite runs on. */
static gint64
server_count (Fixture    *fixture,
              const char *sql)
{
  g_autofree char *server_db = hall_test_server_dup_db_path (fixture->server);
  PGconn *conn;
  PGresult *result;
  gint64 n;

  if (server_db != NULL)
    return count_in (server_db, sql);
  conn = PQconnectdb (fixture->server->database);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  g_assert_cmpint (PQntuples (result), ==, 1);
  n = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (conn);
  return n;
}

/* (transfer full): SQL for the text of member @name of a row's JSON
 * column "data", in the server's dialect. */
static char *
json_member (Fixture    *fixture,
             const char *name)
{
  if (fixture->server->database != NULL)
    return g_strdup_printf ("(data::jsonb ->> '%s')", name);
  return g_strdup_printf ("json_extract (data, '$.%s')", name);
}

/* (transfer full): the text of column 0 of the first row of @sql on the
 * database at @path. */
static char *
text_in (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

/* Pages through the proxy: uploads cut in the middle of a file (the
 * server took a chunk, the client never heard), resumed from where the
 * server says it stopped; page records whose answers are lost, replayed
 * under their keys. Every file arrives whole and every record exactly
 * once (version 1, one change each in the feed). A file damaged on the
 * counter's disk is never sent. */
static void
test_pages_cut (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_page_image_unref);
  g_autoptr (GPtrArray) pages = NULL;
  g_autofree char *store_path = g_build_filename (fixture->dir, "counter.db", NULL);
  g_autofree char *case_uuid = NULL;
  g_autofree char *slot = NULL;
  HallSyncReport report;

  create_cases (fixture, fixture->store, 1);
  case_uuid = text_in (store_path, "SELECT uuid FROM cases LIMIT 1");
  slot = text_in (store_path, "SELECT json_extract (checklist, '$[0].id') FROM cases LIMIT 1");
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (images, hall_test_page_typed (i % 2 ? HALL_PAGE_KIND_BILEVEL
                                                         : HALL_PAGE_KIND_GREY, 150, 20 + i));
  g_assert_true (hall_store_add_pages (fixture->store, case_uuid, slot, images, "demo", &pages,
                                       &error));
  g_assert_no_error (error);

  g_object_set (fixture->engine, "blob-chunk-size", (guint) 2048, NULL);
  hall_fault_proxy_add_rule (fixture->proxy, "PATCH", "/v1/blobs/*", 1, 2,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  hall_fault_proxy_add_rule (fixture->proxy, "PATCH", "/v1/blobs/*", 5, 1, HALL_FAULT_TRUNCATE);
  hall_fault_proxy_add_rule (fixture->proxy, "PATCH", "/v1/blobs/*", 8, 1,
                             HALL_FAULT_HANG_AFTER_COMMIT);
  hall_fault_proxy_add_rule (fixture->proxy, "PUT", "/v1/pages/*", 1, 1,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  hall_fault_proxy_add_rule (fixture->proxy, "PUT", "/v1/pages/*", 2, 1, HALL_FAULT_DUPLICATE);
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/batch", 0, 1,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  sync_through_faults (fixture);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy,
                                                   HALL_FAULT_RESET_AFTER_COMMIT), >=, 3);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy, HALL_FAULT_TRUNCATE), ==, 1);

  g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 0);
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);
      g_autofree char *versions = g_strdup_printf ("SELECT count (*) FROM pages"
                                                   " WHERE uuid = '%s' AND version = 1",
                                                   page->uuid);
      g_autofree char *changes = g_strdup_printf ("SELECT count (*) FROM changes"
                                                  " WHERE entity = 'page' AND uuid = '%s'",
                                                  page->uuid);
      g_autofree char *blob = g_strdup_printf ("%s/blobs/%c%c/%s", fixture->server->data_dir,
                                               page->sha256[0], page->sha256[1], page->sha256);
      g_autofree char *local = hall_store_get_page_path (fixture->store, page->sha256);
      g_autofree char *theirs = NULL;
      g_autofree char *ours = NULL;
      gsize their_length = 0, our_length = 0;

      g_assert_cmpint (server_count (fixture, versions), ==, 1);
      g_assert_cmpint (server_count (fixture, changes), ==, 1);
      g_assert_true (g_file_get_contents (blob, &theirs, &their_length, NULL));
      g_assert_true (g_file_get_contents (local, &ours, &our_length, NULL));
      g_assert_cmpmem (theirs, their_length, ours, our_length);
    }

  /* A page whose file was damaged on this disk after it was stored: the
   * pass goes on without it, its case says why, and the server never has
   * it (test-sync's /hall/sync/damaged-page-waits sends it once whole). */
  {
    g_autoptr (GPtrArray) more = NULL;
    g_autoptr (HallPageImage) image = hall_test_page_typed (HALL_PAGE_KIND_GREY, 150, 99);
    g_autoptr (GPtrArray) one = g_ptr_array_new ();
    g_autoptr (GError) pass_error = NULL;
    g_autofree char *path = NULL;
    g_autofree char *contents = NULL;
    g_autofree char *damaged = NULL;
    g_autoptr (HallCase) shown = NULL;
    gsize length = 0;

    g_ptr_array_add (one, image);
    g_assert_true (hall_store_add_pages (fixture->store, case_uuid, slot, one, "demo", &more,
                                         &error));
    g_assert_no_error (error);
    path = hall_store_get_page_path (fixture->store,
                                     ((HallStoredPage *) g_ptr_array_index (more, 0))->sha256);
    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    contents[length / 2] ^= 0x5a;
    g_assert_true (g_file_set_contents (path, contents, length, NULL));
    g_assert_true (run_sync (fixture->engine, &report, &pass_error));
    g_assert_no_error (pass_error);
    shown = hall_store_get_case (fixture->store, case_uuid, &error);
    g_assert_no_error (error);
    g_assert_nonnull (hall_case_get_sync_error (shown));
    g_assert_nonnull (strstr (hall_case_get_sync_error (shown), "damaged"));
    damaged = g_strdup_printf ("SELECT count (*) FROM pages WHERE uuid = '%s'",
                               ((HallStoredPage *) g_ptr_array_index (more, 0))->uuid);
    g_assert_cmpint (server_count (fixture, damaged), ==, 0);
    g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 1);
  }
}

/* Decisions made offline reach the server exactly once, in order, through
 * lost answers, duplicates and errors: each case's steps on the server as
 * on the counter, no decision twice, none refused. */
static void
test_decisions_offline (Fixture      *fixture,
                        gconstpointer user_data)
{
  g_autoptr (GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *kind = json_member (fixture, "kind");
  g_autofree char *content_hash = json_member (fixture, "content_hash");
  g_autofree char *signature = json_member (fixture, "signature");
  g_autofree char *certificate = json_member (fixture, "certificate");
  g_autofree char *state = json_member (fixture, "state");
  g_autofree char *decisions_sql = g_strdup_printf ("SELECT count(*) FROM events"
                                                    " WHERE %s = 'decision'", kind);
  g_autofree char *decision_changes_sql = g_strdup_printf ("SELECT count(*) FROM changes"
                                                           " WHERE entity = 'event'"
                                                           " AND %s = 'decision'", kind);
  g_autofree char *unhashed_sql = g_strdup_printf ("SELECT count(*) FROM events"
                                                   " WHERE %s = 'decision'"
                                                   " AND length (%s) IS DISTINCT FROM 64",
                                                   kind, content_hash);
  g_autofree char *unsigned_sql = g_strdup_printf ("SELECT count(*) FROM events"
                                                   " WHERE %s = 'decision'"
                                                   " AND (length (%s) IS DISTINCT FROM 88"
                                                   " OR %s IS NULL)",
                                                   kind, signature, certificate);
  g_autofree char *received_sql = g_strdup_printf ("SELECT count(*) FROM cases"
                                                   " WHERE %s = 'received'", state);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint decisions = 0;
  gint64 local;

  g_object_set (fixture->engine, "push-batch-size", 3, NULL);
  create_cases (fixture, fixture->store, 12);
  g_assert_cmpint (sqlite3_open_v2 (hall_store_get_path (fixture->store), &db,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT uuid FROM cases", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (uuids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (uuids->len, ==, 12);

  /* Offline: up to two steps of each case, as the store picks them for
   * demo, each signed with demo's key, opened once. */
  hall_test_open_demo_signing (fixture->store);
  for (guint i = 0; i < uuids->len; i++)
    {
      g_autoptr (HallCase) kase = hall_store_get_case (fixture->store, uuids->pdata[i], NULL);
      HallService *service = hall_catalog_lookup (fixture->catalog,
                                                  hall_case_get_service_id (kase));

      for (guint j = 0; j < 2; j++)
        {
          g_autoptr (HallWorkflow) workflow = hall_store_get_workflow (fixture->store, service,
                                                                       uuids->pdata[i], NULL);

          /* Some were taken along already when they were made. */
          if (!hall_workflow_is_waiting (workflow))
            break;
          {
          g_autoptr (HallCaseEvent) event = hall_case_event_new (uuids->pdata[i],
                                                                 HALL_CASE_EVENT_DECISION);
          g_autoptr (GError) error = NULL;

          hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
          /* demo holds every role, on the server too. */
          hall_store_decide_case (fixture->store, service, event, HALL_ROLES_ALL, "demo", NULL,
                                  &error);
          g_assert_no_error (error);
          decisions++;
          }
        }
    }

  hall_fault_proxy_set_retry_after (fixture->proxy, "0");
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/batch", 1, 2,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/batch", 4, 2, HALL_FAULT_DUPLICATE);
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/batch", 7, 1, HALL_FAULT_ERROR_500);
  hall_fault_proxy_add_rule (fixture->proxy, "POST", "/v1/batch", 9, 1, HALL_FAULT_TRUNCATE);
  sync_through_faults (fixture);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy,
                                                   HALL_FAULT_RESET_AFTER_COMMIT), >=, 2);
  audit (fixture, 12);

  /* Each of the counter's decisions (those made with the cases, and
   * these) once on the server, and once in its feed. */
  local = count_in (hall_store_get_path (fixture->store),
                    "SELECT count(*) FROM case_events WHERE kind = 'decision'");
  g_assert_cmpint (local, >=, decisions);
  g_assert_cmpint (server_count (fixture, decisions_sql), ==, local);
  g_assert_cmpint (server_count (fixture, decision_changes_sql), ==, local);
  /* Each carries the hash of the case's content its signature covers. */
  g_assert_cmpint (server_count (fixture, unhashed_sql), ==, 0);
  /* Each signed here, offline, and accepted by the server only because
   * its signature and certificate verified against the demo hall key. */
  g_assert_cmpint (server_count (fixture, unsigned_sql), ==, 0);
  g_assert_cmpint (count_in (hall_store_get_path (fixture->store),
                             "SELECT count(*) FROM outbox"), ==, 0);
  /* Every case left intake, on the server as here. */
  g_assert_cmpuint (decisions, >=, 12);
  g_assert_cmpint (server_count (fixture, received_sql), ==, 0);
  g_assert_cmpint (count_in (hall_store_get_path (fixture->store),
                             "SELECT count(*) FROM cases WHERE state = 'received'"), ==, 0);
}

/* Licenses issued offline on the last approval reach the server once,
 * through a lost answer, a duplicate and an error of their PUT: each is
 * in its feed once, under its case, as the counter issued it. */
static void
test_licenses_offline (Fixture      *fixture,
                       gconstpointer user_data)
{
  g_autoptr (GPtrArray) cases = NULL;
  g_autofree char *server_db = hall_test_server_dup_db_path (fixture->server);
  g_autoptr (GError) error = NULL;
  HallSyncAudit counts;
  gint64 local;

  create_cases (fixture, fixture->store, 8);
  cases = hall_store_fetch_cases (fixture->store, 0, 8, &error);
  g_assert_no_error (error);

  /* Offline, every step demo may take, to the end where no joint review
   * stands in the way (one official decides one step of one). */
  hall_test_open_demo_signing (fixture->store);
  for (guint i = 0; i < cases->len; i++)
    {
      const char *uuid = hall_case_get_uuid (g_ptr_array_index (cases, i));
      g_autoptr (HallCase) kase = hall_store_get_case (fixture->store, uuid, NULL);
      HallService *service = hall_catalog_lookup (fixture->catalog,
                                                  hall_case_get_service_id (kase));

      for (guint j = 0; j < 10; j++)
        {
          g_autoptr (HallCaseEvent) event = hall_case_event_new (uuid, HALL_CASE_EVENT_DECISION);
          g_autoptr (GError) decide_error = NULL;

          hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
          if (!hall_store_decide_case (fixture->store, service, event, HALL_ROLES_ALL, "demo",
                                       NULL, &decide_error))
            break;
        }
    }
  local = count_in (hall_store_get_path (fixture->store), "SELECT count(*) FROM licenses");
  g_assert_cmpint (local, >=, 4);
  /* Each waits in the outbox with its approval. */
  g_assert_cmpint (count_in (hall_store_get_path (fixture->store),
                             "SELECT count(*) FROM outbox WHERE entity = 'license'"), ==, local);

  hall_fault_proxy_set_retry_after (fixture->proxy, "0");
  hall_fault_proxy_add_rule (fixture->proxy, "PUT", "/v1/licenses/*", 0, 1,
                             HALL_FAULT_RESET_AFTER_COMMIT);
  hall_fault_proxy_add_rule (fixture->proxy, "PUT", "/v1/licenses/*", 1, 1,
                             HALL_FAULT_DUPLICATE);
  hall_fault_proxy_add_rule (fixture->proxy, "PUT", "/v1/licenses/*", 2, 1,
                             HALL_FAULT_ERROR_500);
  sync_through_faults (fixture);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy,
                                                   HALL_FAULT_RESET_AFTER_COMMIT), ==, 1);
  g_assert_cmpuint (hall_fault_proxy_get_n_faults (fixture->proxy, HALL_FAULT_DUPLICATE), ==, 1);

  hall_sync_audit_assert (fixture->store, fixture->server->url, server_db, &counts);
  g_assert_cmpuint (counts.licenses, ==, local);
  g_assert_cmpint (server_count (fixture, "SELECT count(*) FROM licenses"), ==, local);
  g_assert_cmpint (server_count (fixture,
                                 "SELECT count(*) FROM changes WHERE entity = 'license'"),
                   ==, local);

  /* Another counter pulls each license with its case, as issued here. */
  {
    g_autoptr (HallStore) other = open_store (fixture, "other.db", "C06");
    g_autoptr (HallSyncEngine) engine = new_engine (other, fixture->server->url);
    HallSyncReport report;
    guint pulled = 0;

    g_assert_true (run_sync (engine, &report, &error));
    g_assert_no_error (error);
    for (guint i = 0; i < cases->len; i++)
      {
        const char *uuid = hall_case_get_uuid (g_ptr_array_index (cases, i));
        g_autofree char *mine = hall_store_get_license (fixture->store, uuid, &error);
        g_autofree char *theirs = NULL;

        g_assert_no_error (error);
        theirs = hall_store_get_license (other, uuid, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (theirs, ==, mine);
        if (theirs != NULL)
          pulled++;
      }
    g_assert_cmpint (pulled, ==, local);
  }
}

int
main (int   argc,
      char *argv[])
{
  static const HallFaultKind kinds[] = {
    HALL_FAULT_PASS, HALL_FAULT_ERROR_500, HALL_FAULT_UNAVAILABLE_503,
    HALL_FAULT_RESET_AFTER_COMMIT, HALL_FAULT_DUPLICATE, HALL_FAULT_TRUNCATE, HALL_FAULT_HANG,
    HALL_FAULT_HANG_AFTER_COMMIT,
  };
  guint i;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hall/sync-faults/%s",
                                               hall_fault_kind_to_string (kinds[i]));

      g_test_add (path, Fixture, GUINT_TO_POINTER (kinds[i]), fixture_set_up, test_fault,
                  fixture_tear_down);
    }
  g_test_add ("/hall/sync-faults/decisions-offline", Fixture, NULL, fixture_set_up,
              test_decisions_offline, fixture_tear_down);
  g_test_add ("/hall/sync-faults/licenses-offline", Fixture, NULL, fixture_set_up,
              test_licenses_offline, fixture_tear_down);
  g_test_add ("/hall/sync-faults/pages-cut", Fixture, NULL, fixture_set_up, test_pages_cut,
              fixture_tear_down);
  g_test_add ("/hall/sync-faults/chaos", Fixture, NULL, fixture_set_up, test_chaos,
              fixture_tear_down);
  g_test_add ("/hall/sync-faults/batch-reset-after-commit", Fixture, NULL, fixture_set_up,
              test_batch_reset, fixture_tear_down);
  g_test_add ("/hall/sync-faults/batch-overtaken", Fixture, NULL, fixture_set_up,
              test_batch_overtaken, fixture_tear_down);
  g_test_add ("/hall/sync-faults/no-batches", Fixture, NULL, fixture_set_up, test_no_batches,
              fixture_tear_down);
  g_test_add ("/hall/sync-faults/server-killed", Fixture, NULL, fixture_set_up,
              test_server_killed, fixture_tear_down);
  g_test_add ("/hall/sync-faults/duplicate-merged", Fixture, NULL, fixture_set_up,
              test_duplicate_merged, fixture_tear_down);

  return g_test_run ();
}
