/* bench-sync.c — how fast a counter pushes what it took in offline, and
 * pulls what others did
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-sync [--cases N] [--changes N] [--runs N] [--threads N] [--url BASE]
 *                   [--after-seeding COMMAND]
 *                   [--keep DIR]
 *
 * --keep: keep the offline profile and the seeded pull server (SQLite) in
 *         DIR and reuse them on the next run with the same DIR, so that
 *         comparing two builds does not pay two minutes of set-up each time
 *         (the same cases and changes; runs still push into fresh servers
 *         and pull into fresh counters).
 * --url: sync with the server (or balancer) at BASE, which must be empty
 *        and have the demo officials, instead of starting one each run
 *        (bench-pg-ops.sh's ONLY=balancer: two servers behind HAProxy);
 *        run push and pull apart (--no-pull, --no-push), one run each.
 * --after-seeding: a command run once the pull's server is seeded and
 *        its figures read (bench-pg-ops.sh: VACUUM ANALYZE, so that
 *        PostgreSQL's autovacuum of the freshly seeded tables does not
 *        run beside a pull, as it did in some; it wakes once a minute,
 *        after the quiet machine each run waits for).
 *
 * push: N cases (default 10,000) opened offline at a counter, through the
 *       real store, each with its own applicant: three outbox rows a case
 *       (applicant, case, "created" event). Each run copies that profile and
 *       syncs it into a fresh server over loopback. "push" is the time until
 *       the outbox is empty; "pass" includes pulling those changes back.
 * pull: a server seeded over its HTTP API (parallel clients) with N changes
 *       (default 100,000: applicant, case and event of N/3 cases), its
 *       figures read once so that no after-work of the seeding runs beside
 *       the pull; each run syncs a fresh counter store from it.
 * Prints every run, the medians and the machine. Needs
 * SERVICE_HALL_CATALOG and the server binary (SERVICE_HALL_SERVER_BIN, or
 * the one built next to this benchmark).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "hall-catalog.h"
#include "hall-http-client.h"
#include "hall-store.h"
#include "hall-sync-engine.h"
#include "hall-test-server.h"

static guint n_cases = 10000;
static guint n_changes = 100000;
static guint n_runs = 3;
static guint n_threads = 16;
static char *server_url;
static char *after_seeding;
static char *keep_dir;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

/* CPU seconds this process (the counter; the server is another) has used:
 * on a machine shared with other work the wall clock varies by 2x from
 * run to run, the counter's own CPU far less. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* The machine's busy and all jiffies so far (/proc/stat's first line). */
static gboolean
read_cpu_jiffies (guint64 *busy,
                  guint64 *all)
{
  g_autofree char *text = NULL;
  guint64 f[8] = { 0 };

  if (!g_file_get_contents ("/proc/stat", &text, NULL, NULL)
      || sscanf (text, "cpu %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                 " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                 " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                 &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]) != 8)
    return FALSE;
  *all = f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
  *busy = *all - f[3] - f[4];
  return TRUE;
}

/* Waits, up to a minute, until the machine's cores were at least 90 %
 * idle for half a second: what came before a run (the seeding's database
 * after-work, such as autovacuum and its checkpoint, or the copy of the
 * profile) is not timed as part of it. Returns the seconds waited. */
static double
wait_until_quiet (void)
{
  gint64 start = g_get_monotonic_time ();
  guint64 busy, all, last_busy, last_all;

  if (!read_cpu_jiffies (&last_busy, &last_all))
    return 0;
  while (seconds_since (start) < 60)
    {
      g_usleep (G_USEC_PER_SEC / 2);
      if (!read_cpu_jiffies (&busy, &all))
        break;
      if (all > last_all && (busy - last_busy) * 10 <= all - last_all)
        break;
      last_busy = busy;
      last_all = all;
    }
  return seconds_since (start);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  if (values->len == 0)
    return 0;
  if (values->len % 2 == 1)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1)
          + g_array_index (values, double, values->len / 2)) / 2;
}

static char *
cpu_model (void)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  guint i;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return g_strdup ("unknown");
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name"))
      {
        const char *colon = strchr (lines[i], ':');

        if (colon != NULL)
          return g_strstrip (g_strdup (colon + 1));
      }
  return g_strdup ("unknown");
}

/* A valid GB 11643 number, distinct for each @serial below 1,000 x 20,000:
 * a birth date from 1950 on, and the serial's last three digits. */
static char *
resident_id (guint serial)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  g_autoptr (GDate) date = g_date_new_dmy (1, G_DATE_JANUARY, 1950);
  g_autofree char *base = NULL;
  int sum = 0;
  int i;

  g_date_add_days (date, serial / 1000);
  base = g_strdup_printf ("640104%04u%02u%02u%03u", g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date), serial % 1000);
  for (i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

static HallSyncEngine *
signed_in_engine (HallStore  *store,
                  const char *url)
{
  HallSyncEngine *engine = hall_sync_engine_new (store, url);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  hall_sync_engine_apply_environment (engine);
  hall_sync_engine_login_async (engine, "demo", "demo", NULL, store_result, &result);
  if (!hall_sync_engine_login_finish (engine, wait_for (&result), NULL, &error))
    g_error ("signing in: %s", error->message);
  return engine;
}

typedef struct
{
  gint64 start;
  double push_seconds;
} PushClock;

/* The store counts its outbox after each acknowledgement anyway. */
static void
outbox_changed_cb (HallStore *store,
                   guint      n_pending,
                   PushClock *clock)
{
  if (n_pending == 0 && clock->push_seconds < 0)
    clock->push_seconds = seconds_since (clock->start);
}

/* One pass; *@push_seconds: until the outbox was empty. */
static double
timed_pass (HallSyncEngine *engine,
            HallStore      *store,
            double         *push_seconds,
            HallSyncReport *report)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  PushClock clock = { g_get_monotonic_time (), -1 };
  gulong handler;
  double pass;

  handler = g_signal_connect (store, "outbox-changed", G_CALLBACK (outbox_changed_cb), &clock);
  hall_sync_engine_sync_async (engine, NULL, store_result, &result);
  wait_for (&result);
  pass = seconds_since (clock.start);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_signal_handler_disconnect (store, handler);
  *push_seconds = clock.push_seconds >= 0 ? clock.push_seconds : pass;
  if (!hall_sync_engine_sync_finish (engine, result, report, &error))
    g_error ("sync: %s", error->message);
  if (report->rejected > 0 || report->conflicts > 0 || report->waiting > 0)
    g_error ("sync: %u rejected, %u conflicts, %u waiting", report->rejected, report->conflicts,
             report->waiting);
  return pass;
}

/* push */

static void
bench_push (const char  *dir,
            HallCatalog *catalog)
{
  g_autofree char *template = g_build_filename (keep_dir != NULL ? keep_dir : dir,
                                                "template.db", NULL);
  g_autoptr (GArray) pushes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) passes = g_array_new (FALSE, FALSE, sizeof (double));
  HallService *service = hall_catalog_lookup (catalog, "resident_id_card_renewal");
  guint rows = 0;
  guint run, i;

  if (keep_dir != NULL && g_file_test (template, G_FILE_TEST_EXISTS))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HallStore) store = hall_store_open (template, hall_catalog_get_hall_code (catalog),
                                                     "C09", &error);

      g_assert_no_error (error);
      rows = hall_store_count_outbox (store);
      g_print ("push: the kept profile %s (%u outbox rows)\n", template, rows);
    }
  else
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HallStore) store = hall_store_open (template, hall_catalog_get_hall_code (catalog),
                                                     "C09", &error);
      gint64 start = g_get_monotonic_time ();

      g_assert_no_error (error);
      for (i = 0; i < n_cases; i++)
        {
          g_autofree char *id_number = resident_id (i);
          g_autoptr (HallApplicant) applicant =
            hall_applicant_new_person ("Test Person", HALL_ID_TYPE_RESIDENT_ID, id_number,
                                       "13912345678");
          g_autoptr (HallCase) kase = hall_case_new ();

          if (!hall_store_create_case (store, applicant, service, kase, &error))
            g_error ("opening case %u: %s", i, error->message);
        }
      rows = hall_store_count_outbox (store);
      g_print ("push: %u cases opened offline in %.1f s (%u outbox rows)\n", n_cases,
               seconds_since (start), rows);
    }

  for (run = 0; run < n_runs; run++)
    {
      g_autofree char *run_dir = g_strdup_printf ("%s/push-%u", dir, run);
      g_autofree char *server_dir = g_build_filename (run_dir, "server", NULL);
      g_autofree char *db = g_build_filename (run_dir, "counter.db", NULL);
      g_autoptr (GFile) from = g_file_new_for_path (template);
      g_autoptr (GFile) to = g_file_new_for_path (db);
      g_autoptr (HallTestServer) server = NULL;
      g_autoptr (HallStore) store = NULL;
      g_autoptr (HallSyncEngine) engine = NULL;
      g_autoptr (GError) error = NULL;
      HallSyncReport report;
      double push, pass, cpu, quiet;

      g_mkdir_with_parents (run_dir, 0700);
      if (!g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error))
        g_error ("copying the profile: %s", error->message);
      if (server_url == NULL)
        server = hall_test_server_start (server_dir);
      store = hall_store_open (db, hall_catalog_get_hall_code (catalog), "C09", &error);
      g_assert_no_error (error);
      engine = signed_in_engine (store, server_url != NULL ? server_url : server->url);

      quiet = wait_until_quiet ();
      g_print ("push run %u: timed from here\n", run + 1);
      cpu = cpu_seconds ();
      pass = timed_pass (engine, store, &push, &report);
      cpu = cpu_seconds () - cpu;
      if (report.pushed != rows)
        g_error ("pushed %u of %u rows", report.pushed, rows);
      g_print ("push run %u: %u rows in %.2f s (%.0f rows/s, %.0f cases/s); whole pass %.2f s, "
               "pulled %u; counter CPU %.2f s; started after %.1f s for a quiet machine\n",
               run + 1, rows, push, rows / push, n_cases / push, pass, report.pulled, cpu, quiet);
      g_array_append_val (pushes, push);
      g_array_append_val (passes, pass);
    }
  g_print ("push median: %.2f s for %u cases (goal <= 3 s); whole pass %.2f s\n",
           median (pushes), n_cases, median (passes));
}

/* pull */

/* One read of the supervision figures, which feeds them whatever the
 * seeding left: on PostgreSQL the servers' stats followers feed a burst
 * of writes once it pauses, and the pull is timed alone, not beside the
 * seeding's after-work. */
static double
settle (const char *base,
        const char *token)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *url = g_strdup_printf ("%s/v1/stats?from=%s&to=%s", base, today, today);
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
  const char *headers[] = { authorization, NULL };
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  response = hall_http_client_send (client, "GET", url, headers, NULL, NULL, &error);
  if (response == NULL || response->status != 200)
    g_error ("reading the figures after seeding: %s",
             response == NULL ? error->message : hall_http_response_dup_text (response));
  return seconds_since (start);
}

typedef struct
{
  const char *url;
  const char *token;
  guint       first;   /* this thread's cases: first, first + step, ... */
  guint       step;
  guint       count;   /* all cases */
  gint       *failed;
  HallService *service; /* resident_id_card_renewal: the promised time */
} Seeder;

static void
send_json (HallHttpClient *client,
           const Seeder   *seeder,
           const char     *method,
           const char     *path,
           JsonNode       *node)
{
  g_autofree char *url = g_strconcat (seeder->url, path, NULL);
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", seeder->token);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", key);
  const char *headers[] = { authorization, key_header, "Content-Type: application/json", NULL };
  g_autoptr (GBytes) body = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;
  char *text = json_to_string (node, FALSE);

  length = strlen (text);
  body = g_bytes_new_take (text, length);
  response = hall_http_client_send (client, method, url, headers, body, NULL, &error);
  if (response == NULL || response->status != 201)
    {
      g_autofree char *answer = response != NULL ? hall_http_response_dup_text (response) : NULL;

      g_printerr ("seeding %s %s: %s\n", method, path,
                  error != NULL ? error->message : answer);
      g_atomic_int_set (seeder->failed, 1);
    }
}

static gpointer
seed_thread (gpointer user_data)
{
  Seeder *seeder = user_data;
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  guint i;

  for (i = seeder->first; i < seeder->count && !g_atomic_int_get (seeder->failed);
       i += seeder->step)
    {
      g_autofree char *id_number = resident_id (i);
      g_autoptr (HallApplicant) applicant =
        hall_applicant_new_person ("Test Person", HALL_ID_TYPE_RESIDENT_ID, id_number,
                                   "13912345678");
      g_autoptr (HallCase) kase = hall_case_new ();
      g_autoptr (HallCaseEvent) event = NULL;
      g_autoptr (GDateTime) taken_in =
        g_date_time_new_from_unix_utc (hall_case_get_created_at (kase));
      g_autofree char *number =
        g_strdup_printf ("YC-%d-S01-%06u", g_date_time_get_year (taken_in), i);
      g_autofree char *path = NULL;
      g_autoptr (JsonNode) node = NULL;

      hall_case_set_number (kase, number);
      hall_case_set_service_id (kase, "resident_id_card_renewal");
      hall_case_set_applicant_uuid (kase, hall_applicant_get_uuid (applicant));
      hall_case_set_counter (kase, "S01");
      hall_case_set_official (kase, "demo");
      /* The server checks it against the catalog. */
      hall_case_set_promised_at (kase, hall_service_get_promised_at (seeder->service,
                                                                     hall_case_get_created_at (kase)));
      event = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_CREATED);
      hall_case_event_set_official (event, "demo");

      path = g_strconcat ("/v1/applicants/", hall_applicant_get_uuid (applicant), NULL);
      node = hall_applicant_to_json (applicant);
      send_json (client, seeder, "PUT", path, node);
      g_free (path);
      json_node_unref (node);

      path = g_strconcat ("/v1/cases/", hall_case_get_uuid (kase), NULL);
      node = hall_case_to_json (kase);
      send_json (client, seeder, "PUT", path, node);
      g_free (path);
      json_node_unref (node);

      path = g_strconcat ("/v1/cases/", hall_case_get_uuid (kase), "/events", NULL);
      node = hall_case_event_to_json (event);
      send_json (client, seeder, "POST", path, node);
    }
  return NULL;
}

static void
bench_pull (const char  *dir,
            HallCatalog *catalog)
{
  g_autofree char *server_dir = g_build_filename (keep_dir != NULL ? keep_dir : dir,
                                                  "pull-server", NULL);
  g_autofree char *seeded = g_build_filename (server_dir, "seeded", NULL);
  gboolean reuse = keep_dir != NULL && server_url == NULL
                   && g_file_test (seeded, G_FILE_TEST_EXISTS);
  g_autoptr (HallTestServer) server = server_url == NULL ? hall_test_server_start (server_dir) : NULL;
  const char *base = server_url != NULL ? server_url : server->url;
  g_autofree char *token = hall_test_server_sign_in (base);
  g_autoptr (GArray) pulls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  g_autofree Seeder *seeders = g_new0 (Seeder, n_threads);
  guint count = (n_changes + 2) / 3;
  gint failed = 0;
  gint64 start = g_get_monotonic_time ();
  double seeding, settled;
  guint run, i;

  for (i = 0; i < n_threads && !reuse; i++)
    {
      seeders[i] = (Seeder) { base, token, i, n_threads, count, &failed,
                              hall_catalog_lookup (catalog, "resident_id_card_renewal") };
      g_ptr_array_add (threads, g_thread_new ("seed", seed_thread, &seeders[i]));
    }
  for (i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  if (failed)
    g_error ("seeding the server failed");
  seeding = seconds_since (start);
  settled = settle (base, token);
  if (after_seeding != NULL && !reuse)
    {
      g_autoptr (GError) error = NULL;
      int status;

      if (!g_spawn_command_line_sync (after_seeding, NULL, NULL, &status, &error)
          || !g_spawn_check_wait_status (status, &error))
        g_error ("--after-seeding: %s", error->message);
    }
  if (reuse)
    g_print ("pull: the kept server %s\n", server_dir);
  else
    g_print ("pull: server seeded with %u changes in %.1f s over %u connections, its figures "
             "read in %.2f s\n", count * 3, seeding, n_threads, settled);
  if (keep_dir != NULL && !reuse)
    g_file_set_contents (seeded, "", 0, NULL);

  for (run = 0; run < n_runs; run++)
    {
      g_autofree char *db = g_strdup_printf ("%s/pull-%u.db", dir, run);
      g_autoptr (GError) error = NULL;
      g_autoptr (HallStore) store = hall_store_open (db, hall_catalog_get_hall_code (catalog),
                                                     "C10", &error);
      g_autoptr (HallSyncEngine) engine = NULL;
      HallSyncReport report;
      double push, pass, cpu, quiet;

      g_assert_no_error (error);
      engine = signed_in_engine (store, base);
      quiet = wait_until_quiet ();
      g_print ("pull run %u: timed from here\n", run + 1);
      cpu = cpu_seconds ();
      pass = timed_pass (engine, store, &push, &report);
      cpu = cpu_seconds () - cpu;
      if (report.pulled != count * 3)
        g_error ("pulled %u of %u changes", report.pulled, count * 3);
      g_print ("pull run %u: %u changes in %.2f s (%.0f changes/s), %u cases in the store; "
               "counter CPU %.2f s; started after %.1f s for a quiet machine\n", run + 1,
               report.pulled, pass, report.pulled / pass, hall_store_count_cases (store), cpu,
               quiet);
      g_array_append_val (pulls, pass);
    }
  g_print ("pull median: %.2f s for %u changes (goal <= 3 s)\n", median (pulls), count * 3);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = g_option_context_new ("— time sync's push and pull");
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *cpu = cpu_model ();
  gboolean skip_push = FALSE, skip_pull = FALSE;
  const GOptionEntry entries[] = {
    { "cases", 0, 0, G_OPTION_ARG_INT, &n_cases, "Cases opened offline to push", "N" },
    { "changes", 0, 0, G_OPTION_ARG_INT, &n_changes, "Changes to pull", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs of each", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, "Connections seeding the server", "N" },
    { "no-push", 0, 0, G_OPTION_ARG_NONE, &skip_push, "Skip the push benchmark", NULL },
    { "no-pull", 0, 0, G_OPTION_ARG_NONE, &skip_pull, "Skip the pull benchmark", NULL },
    { "url", 0, 0, G_OPTION_ARG_STRING, &server_url, "Sync with the server at BASE", "BASE" },
    { "after-seeding", 0, 0, G_OPTION_ARG_STRING, &after_seeding,
      "Run COMMAND once the pull's server is seeded, before the pulls", "COMMAND" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_dir,
      "Keep the profile and the seeded server in DIR, and reuse them", "DIR" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (g_getenv ("SERVICE_HALL_SERVER_BIN") == NULL)
    g_setenv ("SERVICE_HALL_SERVER_BIN", HALL_SERVER_BIN, TRUE);
  n_runs = MAX (n_runs, 1);
  n_threads = MAX (n_threads, 1);

  catalog = hall_catalog_new_default (&error);
  if (catalog == NULL)
    g_error ("%s", error->message);
  dir = g_dir_make_tmp ("bench-sync-XXXXXX", &error);
  g_assert_no_error (error);
  if (keep_dir != NULL)
    g_mkdir_with_parents (keep_dir, 0700);

  g_print ("machine: %u CPUs, %s; loopback; server %s\n", g_get_num_processors (), cpu,
           g_getenv ("SERVICE_HALL_SERVER_BIN"));
  if (!skip_push)
    bench_push (dir, catalog);
  if (!skip_pull)
    bench_pull (dir, catalog);

  hall_test_remove_tree (dir);
  return 0;
}
