/* test-sync-kill.c — `service-hall-ctl sync` killed with SIGKILL at random
 * points, again and again, while cases, licenses and scanned pages wait to
 * be sent; then one clean sync: nothing lost, nothing twice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "hall-catalog.h"
#include "hall-sqlite.h"
#include "hall-store-pages.h"
#include "hall-store-signing.h"
#include "hall-store.h"
#include "hall-sync-audit.h"
#include "hall-sync-engine.h"
#include "hall-test-pages.h"
#include "hall-test-server.h"

/* Kills wanted, and the most syncs started to get them (one that finishes
 * before its kill does not count). */
#define KILLS 55
#define MAX_ITERATIONS 100
#define DEADLINE_SECONDS 60

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
deadline_passed (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

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

static HallStore *
open_store (const char  *path,
            HallCatalog *catalog,
            const char  *counter)
{
  g_autoptr (GError) error = NULL;
  HallStore *store = hall_store_open (path, hall_catalog_get_hall_code (catalog), counter, &error);

  g_assert_no_error (error);
  /* So that service-hall-ctl, opening the profile, keeps the series. */
  hall_store_set_meta (store, "counter", counter, &error);
  g_assert_no_error (error);
  return store;
}

static HallSyncEngine *
new_engine (HallStore  *store,
            const char *url)
{
  HallSyncEngine *engine = hall_sync_engine_new (store, url);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  g_object_set (engine, "backoff-base-ms", 10, "backoff-cap-ms", 100, "max-attempts", 3, NULL);
  hall_sync_engine_login_async (engine, "demo", "demo", NULL, store_result, &result);
  hall_sync_engine_login_finish (engine, wait_for (&result), NULL, &error);
  g_assert_no_error (error);
  return engine;
}

static void
sync_store (HallSyncEngine *engine)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  HallSyncReport report;

  hall_sync_engine_sync_async (engine, NULL, store_result, &result);
  wait_for (&result);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (hall_sync_engine_sync_finish (engine, result, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rejected, ==, 0);
}

/* Rows waiting in the profile's outbox, read beside the store. */
static guint
count_outbox (const char *path)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM outbox", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return (guint) sqlite3_column_int (stmt, 0);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn_sync_full (const char *profile,
                 const char *pull_page_size)
{
  const char *binary = g_getenv ("SERVICE_HALL_CTL_BIN");
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GError) error = NULL;
  GSubprocess *child;

  g_assert_nonnull (binary);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* Small batches: a push is then many requests, and a kill can land
   * between any two of them. */
  g_subprocess_launcher_setenv (launcher, "SERVICE_HALL_PUSH_BATCH_SIZE", "2", TRUE);
  if (pull_page_size != NULL)
    g_subprocess_launcher_setenv (launcher, "SERVICE_HALL_PULL_PAGE_SIZE", pull_page_size, TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, binary, "--profile", profile,
                                       "--low-speed-time", "2", "--retries", "3", "sync", NULL);
  g_assert_no_error (error);
  return child;
}

static GSubprocess *
spawn_sync (const char *profile)
{
  return spawn_sync_full (profile, NULL);
}

/* One number read beside the store. */
static gint64
count_rows (const char *path,
            const char *sql)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* Approves to the end, offline, up to @n cases of @store taken in and not
 * decided yet, as demo (who holds every role; a joint review stops at its
 * second step, one official deciding one step of it): each issues its
 * license, which waits in the outbox with its approval. */
static guint
approve_cases (HallStore   *store,
               HallCatalog *catalog,
               guint        n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cases = hall_store_fetch_cases (store, 0, hall_store_count_cases (store),
                                                        &error);
  guint licensed = 0;

  g_assert_no_error (error);
  hall_test_open_demo_signing (store);
  for (guint i = 0; i < cases->len && licensed < n; i++)
    {
      HallCase *kase = g_ptr_array_index (cases, i);
      HallService *service = hall_catalog_lookup (catalog, hall_case_get_service_id (kase));
      g_autofree char *license = NULL;

      if (hall_case_get_state (kase) != HALL_CASE_RECEIVED || service == NULL)
        continue;
      for (guint j = 0; j < 10; j++)
        {
          g_autoptr (HallCaseEvent) event = hall_case_event_new (hall_case_get_uuid (kase),
                                                                 HALL_CASE_EVENT_DECISION);
          g_autoptr (GError) decide_error = NULL;

          hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
          if (!hall_store_decide_case (store, service, event, HALL_ROLES_ALL, "demo", NULL,
                                       &decide_error))
            break;
        }
      license = hall_store_get_license (store, hall_case_get_uuid (kase), &error);
      g_assert_no_error (error);
      if (license != NULL)
        licensed++;
    }
  return licensed;
}

/* Scans @n pages (grey and black and white, small: the kills are about
 * the upload, not the bytes) into the first document of the checklist of
 * the most recent cases of @store that have none yet. The files and their
 * records wait to be sent; a kill can land in the middle of an upload.
 * Returns the pages added. */
static guint
scan_pages (HallStore   *store,
            HallCatalog *catalog,
            guint        n,
            guint32      seed)
{
  g_autoptr (GError) error = NULL;
  guint n_cases = hall_store_count_cases (store);
  g_autoptr (GPtrArray) cases = hall_store_fetch_cases (store, 0, n_cases, &error);
  guint added = 0;

  g_assert_no_error (error);
  for (guint i = cases->len; i-- > 0 && added < n;)
    {
      HallCase *kase = g_ptr_array_index (cases, i);
      HallService *service = hall_catalog_lookup (catalog, hall_case_get_service_id (kase));
      g_autoptr (GPtrArray) pages = hall_store_list_case_pages (store, hall_case_get_uuid (kase),
                                                                &error);
      g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
        (GDestroyNotify) hall_page_image_unref);

      g_assert_no_error (error);
      if (service == NULL || hall_service_get_n_documents (service) == 0 || pages->len > 0)
        continue;
      g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, seed + added));
      g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_BILEVEL, 150, seed + added + 1));
      hall_store_add_pages (store, hall_case_get_uuid (kase),
                            hall_service_get_document (service, 0)->id, images, "demo", NULL,
                            &error);
      g_assert_no_error (error);
      added += images->len;
    }
  return added;
}

static void
test_kill_during_sync (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-sync-kill-XXXXXX", &error);
  g_autofree char *server_dir = g_build_filename (dir, "server", NULL);
  g_autofree char *profile = g_build_filename (dir, "profile", NULL);
  g_autofree char *db_path = g_build_filename (profile, "hall.db", NULL);
  g_autofree char *other_path = g_build_filename (dir, "other.db", NULL);
  g_autofree char *server_db = NULL;
  g_autoptr (HallTestServer) server = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  g_autoptr (HallStore) other = NULL;
  g_autoptr (HallSyncEngine) other_engine = NULL;
  g_autoptr (GRand) rand = NULL;
  g_autoptr (GSubprocess) last = NULL;
  const char *seed_text = g_getenv ("SERVICE_HALL_KILL_SEED");
  guint32 seed = seed_text != NULL ? (guint32) g_ascii_strtoull (seed_text, NULL, 10)
                                   : (guint32) g_test_rand_int ();
  guint serial = 0, mine = 0, theirs = 0, licensed = 0, scanned = 0;
  guint killed = 0, mid_push = 0, finished = 0;
  HallSyncAudit counts;
  guint i;

  g_assert_no_error (error);
  g_test_message ("seed %u (replay with SERVICE_HALL_KILL_SEED=%u)", seed, seed);
  rand = g_rand_new_with_seed (seed);
  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  server = hall_test_server_start (server_dir);
  server_db = hall_test_server_dup_db_path (server);
  g_assert_cmpint (g_mkdir_with_parents (profile, 0700), ==, 0);

  /* The profile: signed in, a few hundred cases opened offline. */
  {
    g_autoptr (HallStore) store = open_store (db_path, catalog, "C07");
    g_autoptr (HallSyncEngine) engine = new_engine (store, server->url);

    hall_test_create_cases (store, catalog, serial, 200);
    serial += 200;
    mine += 200;
  }

  /* Another counter, so that there is something to pull too. */
  other = open_store (other_path, catalog, "C08");
  other_engine = new_engine (other, server->url);

  for (i = 0; killed < KILLS && i < MAX_ITERATIONS; i++)
    {
      g_autoptr (GSubprocess) child = NULL;
      guint before, after;
      guint delay_ms;

      /* More offline work at this counter, more at the other one. */
      if (i % 3 == 0)
        {
          g_autoptr (HallStore) store = open_store (db_path, catalog, "C07");

          hall_test_create_cases (store, catalog, serial, 10);
          serial += 10;
          mine += 10;
          /* And licenses: their PUTs are killed too. */
          if (i % 6 == 0)
            licensed += approve_cases (store, catalog, 3);
          /* And pages: their blobs and records are killed too. */
          else
            scanned += scan_pages (store, catalog, 4, seed + i);
        }
      if (i % 10 == 5)
        {
          hall_test_create_cases (other, catalog, serial, 15);
          serial += 15;
          theirs += 15;
          sync_store (other_engine);
        }

      before = count_outbox (db_path);
      /* Start-up takes some milliseconds; the kill lands anywhere from
       * before the first request to the pull (a push in batches is done
       * sooner than one row by row was). */
      delay_ms = (guint) g_rand_int_range (rand, 0, 50);
      child = spawn_sync (profile);
      if (i % 2 == 1)
        {
          /* Every other kill waits for the push to begin, then lands a few
           * milliseconds into it: on a loaded machine a process may take
           * longer than 50 ms to start, and the kills must still reach
           * the middle of pushes. */
          gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

          while (count_outbox (db_path) >= before && g_get_monotonic_time () < deadline)
            g_usleep (500);
          delay_ms = (guint) g_rand_int_range (rand, 0, 4);
        }
      g_usleep (delay_ms * 1000);
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (child))
        {
          g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
          killed++;
        }
      else
        {
          g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
          finished++;
        }

      /* Whatever the kill interrupted, the database is whole. */
      hall_test_assert_integrity (db_path);
      after = count_outbox (db_path);
      g_assert_cmpuint (after, <=, before);
      if (g_subprocess_get_if_signaled (child) && after < before && after > 0)
        mid_push++;
    }
  g_test_message ("%u syncs killed (%u in the middle of a push), %u finished first",
                  killed, mid_push, finished);
  g_assert_cmpuint (killed, >=, 50);
  g_assert_cmpuint (mid_push, >=, 10);

  /* One clean sync to the end. */
  last = spawn_sync (profile);
  g_subprocess_wait_check (last, NULL, &error);
  g_assert_no_error (error);

  {
    g_autoptr (HallStore) store = open_store (db_path, catalog, "C07");

    hall_sync_audit_assert (store, server->url, server_db, &counts);
    g_test_message ("server: %u changes, %u cases, %u events, %u applicants, %u licenses, "
                    "%u pages", counts.changes, counts.cases, counts.events, counts.applicants,
                    counts.licenses, counts.pages);
    g_assert_cmpuint (counts.cases, ==, mine + theirs);
    /* hall_test_create_cases() approves some of its cases too: the
     * audit holds every license of the store to the feed, once. */
    g_assert_cmpuint (licensed, >=, 10);
    g_assert_cmpuint (counts.licenses, >=, licensed);
    /* Every page scanned is on the server once, its bytes whole (the
     * audit hashes each blob). */
    g_assert_cmpuint (scanned, >=, 20);
    g_assert_cmpuint (counts.pages, ==, scanned);
  }

  g_clear_object (&other_engine);
  g_clear_object (&other);
  hall_test_server_stop (server);
  hall_test_assert_integrity (server_db);
  hall_test_remove_tree (dir);
}


/* A fresh counter's first pull writes the search keys of what it pulls at
 * its end (hall_store_begin_pull()): killed anywhere in it, page by page
 * or while it writes them, the store opened again has every pulled case
 * in the search, and one clean sync brings the rest, searchable too. */
static void
test_kill_during_first_pull (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-sync-kill-XXXXXX", &error);
  g_autofree char *server_dir = g_build_filename (dir, "server", NULL);
  g_autofree char *profile = g_build_filename (dir, "profile", NULL);
  g_autofree char *db_path = g_build_filename (profile, "hall.db", NULL);
  g_autofree char *other_path = g_build_filename (dir, "other.db", NULL);
  g_autofree char *server_db = NULL;
  g_autoptr (HallTestServer) server = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  g_autoptr (GSubprocess) last = NULL;
  guint killed = 0, mid_pull = 0, i;
  HallSyncAudit counts;

  g_assert_no_error (error);
  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  server = hall_test_server_start (server_dir);
  server_db = hall_test_server_dup_db_path (server);
  g_assert_cmpint (g_mkdir_with_parents (profile, 0700), ==, 0);

  /* What there is to pull: another counter's cases. */
  {
    g_autoptr (HallStore) other = open_store (other_path, catalog, "C08");
    g_autoptr (HallSyncEngine) other_engine = new_engine (other, server->url);

    hall_test_create_cases (other, catalog, 0, 300);
    sync_store (other_engine);
  }
  /* The profile: signed in, nothing pulled yet. */
  {
    g_autoptr (HallStore) store = open_store (db_path, catalog, "C07");
    g_autoptr (HallSyncEngine) engine = new_engine (store, server->url);
  }

  for (i = 0; killed < 8 && i < 40; i++)
    {
      g_autoptr (GSubprocess) child = NULL;
      gint64 cases;

      /* Pages of 25: a pull of a few dozen transactions. */
      child = spawn_sync_full (profile, "25");
      g_usleep ((gulong) g_random_int_range (20, 400) * 1000);
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (child))
        killed++;
      hall_test_assert_integrity (db_path);
      cases = count_rows (db_path, "SELECT count(*) FROM cases");
      if (g_subprocess_get_if_signaled (child)
          && count_rows (db_path, "SELECT count(*) FROM meta WHERE key = 'search_fill'") > 0)
        mid_pull++;

      /* Opened again (what the next start of the counter does), every
       * case it has is found. */
      {
        g_autoptr (HallStore) store = open_store (db_path, catalog, "C07");
        g_autoptr (GPtrArray) found = hall_store_search_cases (store, "Person", 500, &error);

        g_assert_no_error (error);
        g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM meta"
                                              " WHERE key = 'search_fill'"), ==, 0);
        g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM case_search"), ==, cases);
        g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM applicant_trigrams"
                                              " WHERE applicant_trigrams MATCH 'Person'"),
                         ==, count_rows (db_path, "SELECT count(*) FROM applicants"));
        g_assert_cmpuint (found->len, ==, cases);
      }
      /* Each round starts from a fresh store again, while kills land in
       * its first pull. */
      if (cases > 0 && mid_pull < 4)
        {
          g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
          g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

          g_remove (db_path);
          g_remove (wal);
          g_remove (shm);
          {
            g_autoptr (HallStore) store = open_store (db_path, catalog, "C07");
            g_autoptr (HallSyncEngine) engine = new_engine (store, server->url);
          }
        }
    }
  g_test_message ("%u first pulls killed, %u with their search keys still to write", killed,
                  mid_pull);
  g_assert_cmpuint (mid_pull, >=, 2);

  last = spawn_sync_full (profile, "25");
  g_subprocess_wait_check (last, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr (HallStore) store = open_store (db_path, catalog, "C07");
    g_autoptr (GPtrArray) found = hall_store_search_cases (store, "Person", 500, &error);

    g_assert_no_error (error);
    hall_sync_audit_assert (store, server->url, server_db, &counts);
    g_assert_cmpuint (counts.cases, ==, 300);
    g_assert_cmpuint (found->len, ==, 300);
    g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM case_search"), ==, 300);
  }

  hall_test_server_stop (server);
  hall_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hall/sync-kill/client", test_kill_during_sync);
  g_test_add_func ("/hall/sync-kill/first-pull", test_kill_during_first_pull);

  return g_test_run ();
}
