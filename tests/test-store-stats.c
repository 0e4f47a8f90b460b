/* test-store-stats.c — the supervisor's figures from the counter's own
 * store, with no server: what the page shows offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hall-error.h"
#include "hall-store.h"

typedef struct
{
  HallCatalog *catalog;
  HallStore   *store;
  guint        n_applicants;
  gint64       day;   /* now: the store dates a case no earlier */
  char        *today; /* the hall's day of it, +08:00 */
} Fixture;

static void
create_case (Fixture    *fixture,
             const char *service_id)
{
  const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  const char checks[] = "10X98765432";
  g_autoptr (GError) error = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallCase) kase = hall_case_new ();
  g_autofree char *base = NULL;
  g_autofree char *id_number = NULL;
  int sum = 0;

  base = g_strdup_printf ("11010519900101%03u", ++fixture->n_applicants);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  id_number = g_strdup_printf ("%s%c", base, checks[sum % 11]);
  applicant = hall_applicant_new_person ("Zhang Wei", HALL_ID_TYPE_RESIDENT_ID, id_number,
                                         "13912345678");
  hall_case_set_official (kase, "wang.fang");
  hall_case_set_created_at (kase, fixture->day);
  hall_store_create_case (fixture->store, applicant,
                          hall_catalog_lookup (fixture->catalog, service_id), kase, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_promised_at (kase), >=, fixture->day);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) zone = g_time_zone_new_offset (8 * 3600);
  g_autoptr (GDateTime) day = g_date_time_new_now (zone);
  g_autofree char *path = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  path = g_build_filename (g_get_user_data_dir (), "hall.db", NULL);
  fixture->day = g_date_time_to_unix (day);
  fixture->today = g_date_time_format (day, "%Y-%m-%d");
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  /* Six cases of one service and one of another at this counter; one
   * more, pulled from counter C09, is not this counter's own. */
  for (guint i = 0; i < 6; i++)
    create_case (fixture, "invoice_application");
  create_case (fixture, "tax_clearance_certificate");
  hall_store_set_counter (fixture->store, "C09");
  create_case (fixture, "invoice_application");
  hall_store_set_counter (fixture->store, "C03");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->catalog);
  g_free (fixture->today);
}

static HallStatsFigures *
group (HallStatsReport *report,
       const char      *key)
{
  for (guint i = 0; i < report->groups->len; i++)
    {
      HallStatsFigures *figures = g_ptr_array_index (report->groups, i);

      if (g_strcmp0 (figures->key, key) == 0)
        return figures;
    }
  return NULL;
}

/* The month's figures, by day and by service each week, counted by hand:
 * seven cases of this counter, all open; overdue only once their promise
 * has passed; the one tax case hidden as "< 5". */
static void
test_month (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStatsMonth) at_intake = NULL;
  g_autoptr (HallStatsMonth) later = NULL;
  HallStatsReport *week;
  HallStatsFigures *figures;

  at_intake = hall_store_compute_stats (fixture->store, fixture->today, fixture->today, fixture->day,
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpint (at_intake->by_day->total->opened.count, ==, 7);
  g_assert_cmpint (at_intake->by_day->total->finished.count, ==, 0);
  g_assert_cmpint (at_intake->by_day->total->overdue_now.count, ==, 0);
  /* Nothing finished: no whole to share. */
  g_assert_true (at_intake->by_day->total->on_time_share.suppressed);
  g_assert_cmpuint (at_intake->by_day->groups->len, ==, 1);
  figures = group (at_intake->by_day, fixture->today);
  g_assert_nonnull (figures);
  g_assert_cmpint (figures->opened.count, ==, 7);
  g_assert_cmpuint (at_intake->by_day->hours->len, ==, 0);
  g_assert_cmpstr (at_intake->by_day->from, ==, fixture->today);

  /* Counted here, not by the server: no queue, and the page and the PDF
   * say so. */
  g_assert_true (at_intake->by_day->local);

  /* The whole range by service, for the CSV: the same counts as the
   * week's. */
  g_assert_nonnull (at_intake->by_service);
  g_assert_true (at_intake->by_service->local);
  g_assert_cmpstr (at_intake->by_service->by, ==, "service");
  g_assert_cmpuint (at_intake->by_service->groups->len, ==, 2);
  g_assert_cmpint (group (at_intake->by_service, "invoice_application")->opened.count, ==, 6);
  g_assert_true (group (at_intake->by_service, "tax_clearance_certificate")->opened.suppressed);
  g_assert_cmpint (at_intake->by_service->total->opened.count, ==, 7);

  g_assert_cmpuint (at_intake->weeks->len, ==, 1);
  week = g_ptr_array_index (at_intake->weeks, 0);
  g_assert_cmpstr (week->to, ==, fixture->today);
  g_assert_cmpuint (week->groups->len, ==, 2);
  figures = group (week, "invoice_application");
  g_assert_cmpint (figures->opened.count, ==, 6);
  g_assert_cmpfloat (figures->overdue_share.value, ==, 0.0);
  figures = group (week, "tax_clearance_certificate");
  g_assert_cmpint (figures->opened.count, ==, -1);
  g_assert_true (figures->opened.suppressed);

  /* A year on, every open case is past its promise. */
  later = hall_store_compute_stats (fixture->store, fixture->today, fixture->today,
                                    fixture->day + 365 * 86400, &error);
  g_assert_no_error (error);
  g_assert_cmpint (later->by_day->total->overdue_now.count, ==, 7);
  figures = group (g_ptr_array_index (later->weeks, 0), "invoice_application");
  g_assert_cmpfloat (figures->overdue_share.value, ==, 1.0);
  g_assert_cmpint (later->as_of, ==, fixture->day + 365 * 86400);
}

/* A day outside the cases' is empty, and a range backwards is refused. */
static void
test_empty_and_bad_range (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStatsMonth) empty = NULL;
  g_autoptr (HallStatsMonth) bad = NULL;

  empty = hall_store_compute_stats (fixture->store, "2020-03-03", "2020-03-09", fixture->day,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpint (empty->by_day->total->opened.count, ==, 0);
  g_assert_cmpuint (empty->by_day->groups->len, ==, 0);
  g_assert_cmpuint (empty->weeks->len, ==, 1);
  bad = hall_store_compute_stats (fixture->store, "2026-03-05", "2026-03-01", fixture->day,
                                  &error);
  g_assert_null (bad);
  g_assert_nonnull (error);
}

/* The heat map's weeks: seven days each, the last one shorter. */
static void
test_weeks (void)
{
  g_autoptr (GPtrArray) weeks = hall_stats_month_split_weeks ("2026-03-01", "2026-03-31");

  g_assert_cmpuint (weeks->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (weeks, 0), ==, "2026-03-01|2026-03-07");
  g_assert_cmpstr (g_ptr_array_index (weeks, 4), ==, "2026-03-29|2026-03-31");
  g_assert_null (hall_stats_month_split_weeks ("2026-02-30", "2026-03-01"));
}

/* The range a supervisor types: each kind of bad input refused with the
 * date at fault named. */
static void
test_check_range (void)
{
  struct
  {
    const char         *from, *to;
    HallStatsRangeField field;
    const char         *says;
  } bad[] = {
    { "", "2026-03-31", HALL_STATS_RANGE_FROM, "From:" },
    { "2026-02-30", "2026-03-31", HALL_STATS_RANGE_FROM, "“2026-02-30”" },
    { "1.3.2026", "2026-03-31", HALL_STATS_RANGE_FROM, "YYYY-MM-DD" },
    { "2026-03-01", "2026-3-31", HALL_STATS_RANGE_TO, "“2026-3-31”" },
    { "2026-03-01", "2026-03-31x", HALL_STATS_RANGE_TO, "To:" },
    { "2026-03-05", "2026-03-04", HALL_STATS_RANGE_TO, "before the first day" },
    { "2026-01-01", "2027-01-01", HALL_STATS_RANGE_TO, "2026-12-31" },
    { "2026-03-15", "2028-01-01", HALL_STATS_RANGE_TO, "2027-03-14" },
  };
  const char *good[][2] = {
    { "2026-03-01", "2026-03-01" },
    { "2026-03-01", "2026-03-31" },
    { "2026-01-01", "2026-12-31" },
    { "2024-02-29", "2025-02-27" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      HallStatsRangeField field = bad[i].field == HALL_STATS_RANGE_FROM ? HALL_STATS_RANGE_TO
                                                                       : HALL_STATS_RANGE_FROM;

      g_assert_false (hall_stats_month_check_range (bad[i].from, bad[i].to, &field, &error));
      g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_DATE);
      g_assert_cmpint (field, ==, bad[i].field);
      g_assert_nonnull (strstr (error->message, bad[i].says));
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (hall_stats_month_check_range (good[i][0], good[i][1], NULL, &error));
      g_assert_no_error (error);
    }
}

/* The hall's day of an instant is the day at +08:00, as the server counts:
 * 2026-02-28T16:00:00Z is already 1 March in the hall. */
static void
test_hall_day (void)
{
  g_autoptr (GDateTime) midnight = g_date_time_new_utc (2026, 2, 28, 16, 0, 0);
  gint64 at = g_date_time_to_unix (midnight);
  GDate day;

  hall_stats_month_hall_day (at, &day);
  g_assert_cmpint (g_date_get_year (&day), ==, 2026);
  g_assert_cmpint (g_date_get_month (&day), ==, 3);
  g_assert_cmpint (g_date_get_day (&day), ==, 1);
  hall_stats_month_hall_day (at - 1, &day);
  g_assert_cmpint (g_date_get_month (&day), ==, 2);
  g_assert_cmpint (g_date_get_day (&day), ==, 28);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/store/stats/month", Fixture, NULL, fixture_set_up, test_month,
              fixture_tear_down);
  g_test_add ("/store/stats/empty-and-bad-range", Fixture, NULL, fixture_set_up,
              test_empty_and_bad_range, fixture_tear_down);
  g_test_add_func ("/store/stats/weeks", test_weeks);
  g_test_add_func ("/store/stats/check-range", test_check_range);
  g_test_add_func ("/store/stats/hall-day", test_hall_day);
  return g_test_run ();
}
