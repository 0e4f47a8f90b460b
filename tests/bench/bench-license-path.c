/* bench-license-path.c — the business license's whole path, end to end,
 * against a real server on loopback: the machine's time per stage, and the
 * case's promised-time countdown from intake to hand-over
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-license-path [--runs N]
 *
 * Each run takes in one company business license (the demo catalog's
 * company_business_license, promised in 240 minutes) at a counter, then:
 *   accept      the counter official (demo) accepts it;
 *   joint review three approvers (wang.fang, li.na, zhao.lei, each signed
 *               in on this counter: their key unlocks are timed apart)
 *               each approve their department's step, as the merged
 *               approval office does;
 *   approve     demo approves the last step: the license is issued, signed,
 *               in the same transaction;
 *   sync        the counter pushes it all to the server, which checks every
 *               signature, the content hashes, the roles and the license
 *               against its own record (PUT /v1/licenses/{number});
 *   PDF         the license is written as an A4 PDF;
 *   verify      the PDF is read back (poppler renders it, zbar reads the QR
 *               code) and checked against the hall key and revocations;
 *   hand-over   the case is marked completed (the citizen has it).
 * It prints each stage's median, the unlocks, and the promised time left
 * at hand-over, out of the catalog's 240 minutes. The hall's calendar is
 * the always-open one, so that the countdown is in plain minutes whatever
 * hour it runs. Needs $SERVICE_HALL_SERVER_BIN (or the built one).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "hall-applicant.h"
#include "hall-catalog.h"
#include "hall-license-reader.h"
#include "hall-license.h"
#include "hall-store-signing.h"
#include "hall-store.h"
#include "hall-sync-engine.h"
#include "hall-test-server.h"

enum
{
  STAGE_INTAKE,
  STAGE_ACCEPT,
  STAGE_JOINT,
  STAGE_APPROVE,
  STAGE_SYNC,
  STAGE_PDF,
  STAGE_VERIFY,
  STAGE_HAND_OVER,
  STAGE_UNLOCK,
  N_STAGES
};

static const char *const stage_names[N_STAGES] = {
  "intake (applicant, case, outbox)",
  "accept (counter official, signed)",
  "joint review: 3 approvers' decisions, signed",
  "approve the last step + issue the license",
  "sync to the server (every check on it)",
  "write the license PDF",
  "verify the license from its PDF (poppler, zbar)",
  "hand-over (case completed)",
  "one official's key unlock at sign-in (Argon2id)",
};

static const char *const approvers[] = { "wang.fang", "li.na", "zhao.lei" };

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return values->len > 0 ? g_array_index (values, double, values->len / 2) : 0;
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

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

/* A valid GB 11643 number for @serial. */
static char *
resident_id (guint serial)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  g_autofree char *base = g_strdup_printf ("640104198%01u%02u%02u%03u", serial / 10000 % 10,
                                           1 + serial / 1000 % 12, 1 + serial / 100 % 28,
                                           serial % 1000);
  int sum = 0;

  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

static void
set_official (const char *data_dir,
              const char *official)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error,
                              g_getenv ("SERVICE_HALL_SERVER_BIN"), "--data", data_dir,
                              "--set-official", official, "--roles", "approver",
                              "--password-file", "-", NULL);
  if (process == NULL
      || !g_subprocess_communicate_utf8 (process, "bench password\n", NULL, NULL, NULL, &error)
      || !g_subprocess_get_successful (process))
    g_error ("could not add %s to the server: %s", official,
             error != NULL ? error->message : "it failed");
}

static void
decide (HallStore   *store,
        HallService *service,
        const char  *case_uuid,
        HallRoles    roles,
        const char  *official)
{
  g_autoptr (HallCaseEvent) event = hall_case_event_new (case_uuid, HALL_CASE_EVENT_DECISION);
  g_autoptr (GError) error = NULL;

  hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
  if (!hall_store_decide_case (store, service, event, roles, official, NULL, &error))
    g_error ("%s could not decide: %s", official, error->message);
}

static double
unlock (HallStore  *store,
        const char *official)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!hall_store_open_session_key (store, official, "demo", &error))
    g_error ("%s's key: %s", official, error->message);
  return ms_since (start);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *server_dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *pdf_path = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  g_autoptr (HallTestServer) server = NULL;
  g_autoptr (GAsyncResult) login = NULL;
  g_autoptr (GArray) left_minutes = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *times[N_STAGES];
  HallService *service;
  struct utsname machine;
  int runs = 5;
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs (default 5)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— the business license, end to end");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--runs must be at least 1");
      return 64;
    }
  if (g_getenv ("SERVICE_HALL_SERVER_BIN") == NULL)
    g_setenv ("SERVICE_HALL_SERVER_BIN", HALL_SERVER_BIN, TRUE);
  if (g_getenv ("SERVICE_HALL_CATALOG") == NULL)
    g_setenv ("SERVICE_HALL_CATALOG", HALL_SOURCE_DIR "/data/catalog.json", TRUE);
  /* Before the server starts: it reads the same calendar. */
  g_setenv ("SERVICE_HALL_CALENDAR", HALL_SOURCE_DIR "/tests/data/calendar-always-open.json",
            TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  for (int i = 0; i < N_STAGES; i++)
    times[i] = g_array_new (FALSE, FALSE, sizeof (double));

  dir = g_dir_make_tmp ("bench-license-path-XXXXXX", &error);
  g_assert_no_error (error);
  server_dir = g_build_filename (dir, "server", NULL);
  db_path = g_build_filename (dir, "counter.db", NULL);
  pdf_path = g_build_filename (dir, "license.pdf", NULL);
  g_assert_cmpint (g_mkdir_with_parents (server_dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (approvers); i++)
    set_official (server_dir, approvers[i]);
  server = hall_test_server_start (server_dir);

  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  service = hall_catalog_lookup (catalog, "company_business_license");
  g_assert_nonnull (service);
  store = hall_store_open (db_path, hall_catalog_get_hall_code (catalog), "C01", &error);
  g_assert_no_error (error);
  g_assert_true (hall_store_add_demo_signing (store, &error));
  engine = hall_sync_engine_new (store, server->url);
  hall_sync_engine_apply_environment (engine);
  hall_sync_engine_login_async (engine, "demo", "demo", NULL, store_result, &login);
  if (!hall_sync_engine_login_finish (engine, wait_for (&login), NULL, &error))
    g_error ("signing in: %s", error->message);

  for (int run = 0; run < runs; run++)
    {
      g_autofree char *id_number = resident_id ((guint) run + 100 * (guint) g_random_int_range (1, 90));
      g_autoptr (HallApplicant) applicant =
        hall_applicant_new_person ("张伟明", HALL_ID_TYPE_RESIDENT_ID, id_number, "13912345678");
      g_autoptr (HallCase) kase = hall_case_new ();
      g_autoptr (HallCase) handed = NULL;
      g_autoptr (HallCaseEvent) completed = NULL;
      g_autoptr (HallLicensePayload) payload = NULL;
      g_autoptr (HallLicensePayload) checked = NULL;
      g_autoptr (HallLicense) license = NULL;
      g_autoptr (HallRevocationList) revocations = NULL;
      g_autoptr (GAsyncResult) synced = NULL;
      g_autoptr (GFile) pdf = g_file_new_for_path (pdf_path);
      g_autofree char *text = NULL;
      g_autofree char *read = NULL;
      guint8 hall_key[HALL_PUBLIC_KEY_BYTES];
      const char *uuid;
      double joint = 0;
      gint64 start;

      start = g_get_monotonic_time ();
      if (!hall_store_create_case (store, applicant, service, kase, &error))
        g_error ("intake: %s", error->message);
      g_array_append_val (times[STAGE_INTAKE], (double) { ms_since (start) });
      uuid = hall_case_get_uuid (kase);

      g_array_append_val (times[STAGE_UNLOCK], (double) { unlock (store, "demo") });
      start = g_get_monotonic_time ();
      decide (store, service, uuid, HALL_ROLE_COUNTER_OFFICIAL, "demo");
      g_array_append_val (times[STAGE_ACCEPT], (double) { ms_since (start) });

      for (guint i = 0; i < G_N_ELEMENTS (approvers); i++)
        {
          g_array_append_val (times[STAGE_UNLOCK], (double) { unlock (store, approvers[i]) });
          start = g_get_monotonic_time ();
          decide (store, service, uuid, HALL_ROLE_APPROVER, approvers[i]);
          joint += ms_since (start);
        }
      g_array_append_val (times[STAGE_JOINT], joint);

      g_array_append_val (times[STAGE_UNLOCK], (double) { unlock (store, "demo") });
      start = g_get_monotonic_time ();
      decide (store, service, uuid, HALL_ROLE_COUNTER_OFFICIAL, "demo");
      g_array_append_val (times[STAGE_APPROVE], (double) { ms_since (start) });
      text = hall_store_get_license (store, uuid, &error);
      g_assert_no_error (error);
      g_assert_nonnull (text);

      start = g_get_monotonic_time ();
      hall_sync_engine_sync_async (engine, NULL, store_result, &synced);
      if (!hall_sync_engine_sync_finish (engine, wait_for (&synced), NULL, &error))
        g_error ("sync: %s", error->message);
      g_array_append_val (times[STAGE_SYNC], (double) { ms_since (start) });
      if (hall_store_count_outbox (store) != 0)
        g_error ("the server refused part of the case: %u changes left",
                 hall_store_count_outbox (store));

      start = g_get_monotonic_time ();
      payload = hall_license_payload_parse (text, &error);
      g_assert_no_error (error);
      license = hall_license_new (payload, text, hall_service_get_name_zh (service),
                                  hall_service_get_name_en (service), NULL, NULL);
      if (!hall_license_write_pdf (license, pdf, &error))
        g_error ("PDF: %s", error->message);
      g_array_append_val (times[STAGE_PDF], (double) { ms_since (start) });

      start = g_get_monotonic_time ();
      read = hall_license_reader_read_file (pdf_path, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (hall_store_get_hall_public_key (store, hall_key, &error));
      revocations = hall_store_get_revocations (store, NULL, &error);
      g_assert_no_error (error);
      if (!hall_license_payload_verify (read, hall_key, revocations,
                                        g_get_real_time () / G_USEC_PER_SEC, &checked, &error))
        g_error ("verify: %s", error->message);
      g_array_append_val (times[STAGE_VERIFY], (double) { ms_since (start) });

      start = g_get_monotonic_time ();
      completed = hall_case_event_new (uuid, HALL_CASE_EVENT_STATE);
      hall_case_event_set_new_state (completed, HALL_CASE_COMPLETED);
      hall_case_event_set_official (completed, "demo");
      if (!hall_store_add_case_event (store, completed, &error))
        g_error ("hand-over: %s", error->message);
      g_array_append_val (times[STAGE_HAND_OVER], (double) { ms_since (start) });

      handed = hall_store_get_case (store, uuid, &error);
      g_assert_no_error (error);
      g_array_append_val (left_minutes,
                          (double) { (hall_case_get_promised_at (handed)
                                      - g_get_real_time () / (double) G_USEC_PER_SEC) / 60.0 });
      if (run == 0)
        printf ("case %s: promised %ld minutes after intake\n", hall_case_get_number (handed),
                (long) ((hall_case_get_promised_at (handed) - hall_case_get_created_at (handed))
                        / 60));
    }

  uname (&machine);
  printf ("bench-license-path, %d runs, %s %s, %u CPUs; median per stage:\n", runs,
          machine.sysname, machine.machine, g_get_num_processors ());
  {
    double total = 0;

    for (int i = 0; i < N_STAGES; i++)
      {
        double m = median (times[i]);

        printf ("  %-50s %9.1f ms\n", stage_names[i], m);
        if (i != STAGE_UNLOCK)
          total += m;
      }
    printf ("  %-50s %9.1f ms (+ 5 unlocks, %.0f ms)\n", "the machine's part, intake to hand-over",
            total, 5 * median (times[STAGE_UNLOCK]));
  }
  printf ("promised time left at hand-over: %.2f of 240 minutes (median)\n", median (left_minutes));

  for (int i = 0; i < N_STAGES; i++)
    g_array_unref (times[i]);
  g_clear_object (&engine);
  g_clear_object (&store);
  hall_test_server_stop (server);
  hall_test_remove_tree (dir);
  return 0;
}
