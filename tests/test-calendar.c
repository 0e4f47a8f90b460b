/* test-calendar.c — promises counted in the hall's calendar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The calendar is the shipped data/calendar.json (09:00-12:00 and
 * 13:00-17:00 on working days, Beijing time, the State Council's 2026
 * holidays), so that a wrong date in it fails here.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "hall-calendar.h"
#include "hall-case-event.h"
#include "hall-case-promise.h"
#include "hall-catalog.h"
#include "hall-error.h"

static HallCalendar *
shipped (void)
{
  g_autoptr (GFile) file = g_file_new_for_path (SOURCE_DATADIR "/calendar.json");
  g_autoptr (GError) error = NULL;
  HallCalendar *calendar = hall_calendar_new_from_file (file, &error);

  g_assert_no_error (error);
  return calendar;
}

/* Unix seconds of a Beijing wall-clock time. */
static gint64
bj (int y,
    int mo,
    int d,
    int h,
    int mi)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("+08:00");
  g_autoptr (GDateTime) t = g_date_time_new (tz, y, mo, d, h, mi, 0);

  return g_date_time_to_unix (t);
}

static void
assert_time (gint64      got,
             gint64      expected)
{
  if (got != expected)
    {
      g_autoptr (GDateTime) a = g_date_time_new_from_unix_utc (got);
      g_autoptr (GDateTime) b = g_date_time_new_from_unix_utc (expected);
      g_autofree char *sa = g_date_time_format_iso8601 (a);
      g_autofree char *sb = g_date_time_format_iso8601 (b);

      g_error ("got %s, expected %s", sa, sb);
    }
}

/* The case of the issue: 3 working days from Friday 2026-12-04 04:24 is
 * Wednesday's closing, not Monday at 04:24. */
static void
test_weekend (void)
{
  g_autoptr (HallCalendar) cal = shipped ();

  assert_time (hall_calendar_promise (cal, 3 * 1440, bj (2026, 12, 4, 4, 24)),
               bj (2026, 12, 9, 17, 0));
  /* Taken in on Saturday: Monday is the first day. */
  assert_time (hall_calendar_promise (cal, 1440, bj (2026, 12, 5, 10, 0)),
               bj (2026, 12, 7, 17, 0));
  /* 4 working hours from Friday 15:00: 2 on Friday, 2 on Monday (with lunch). */
  assert_time (hall_calendar_promise (cal, 240, bj (2026, 12, 4, 15, 0)),
               bj (2026, 12, 7, 11, 0));
  g_assert_false (hall_calendar_is_working_day (cal, 2026, 12, 5));
  g_assert_true (hall_calendar_is_working_day (cal, 2026, 12, 4));
}

/* Golden Week 2026: 1-7 October off, Sunday 20 September and Saturday
 * 10 October worked. */
static void
test_golden_week (void)
{
  g_autoptr (HallCalendar) cal = shipped ();

  g_assert_true (hall_calendar_is_working_day (cal, 2026, 9, 20));
  g_assert_true (hall_calendar_is_working_day (cal, 2026, 10, 10));
  for (int d = 1; d <= 7; d++)
    g_assert_false (hall_calendar_is_working_day (cal, 2026, 10, d));
  g_assert_false (hall_calendar_is_working_day (cal, 2026, 10, 11));
  /* Wednesday 30 September: day 1 is Thursday 8 October, day 3 Saturday
   * 10 October (worked), day 4 Monday 12 October. */
  assert_time (hall_calendar_promise (cal, 1440, bj (2026, 9, 30, 10, 0)),
               bj (2026, 10, 8, 17, 0));
  assert_time (hall_calendar_promise (cal, 3 * 1440, bj (2026, 9, 30, 10, 0)),
               bj (2026, 10, 10, 17, 0));
  assert_time (hall_calendar_promise (cal, 4 * 1440, bj (2026, 9, 30, 10, 0)),
               bj (2026, 10, 12, 17, 0));
  /* The day before the holidays and the worked Sunday before them: Friday
   * 18 September + 1 day is Sunday 20 September, not Monday. */
  assert_time (hall_calendar_promise (cal, 1440, bj (2026, 9, 18, 16, 0)),
               bj (2026, 9, 20, 17, 0));
  /* Hours run on across the holiday: 30 min on 30 September, 30 on 8 October. */
  assert_time (hall_calendar_promise (cal, 60, bj (2026, 9, 30, 16, 30)),
               bj (2026, 10, 8, 9, 30));
  /* 10 working days across it and the Mid-Autumn holiday (25-27 September). */
  assert_time (hall_calendar_promise (cal, 10 * 1440, bj (2026, 9, 24, 9, 0)),
               bj (2026, 10, 15, 17, 0));
}

static void
test_after_hours (void)
{
  g_autoptr (HallCalendar) cal = shipped ();

  /* After closing: the count starts at the next opening. */
  assert_time (hall_calendar_next_opening (cal, bj (2026, 12, 3, 18, 0)), bj (2026, 12, 4, 9, 0));
  assert_time (hall_calendar_promise (cal, 30, bj (2026, 12, 3, 18, 0)), bj (2026, 12, 4, 9, 30));
  /* Before opening, and over lunch. */
  assert_time (hall_calendar_promise (cal, 30, bj (2026, 12, 4, 4, 24)), bj (2026, 12, 4, 9, 30));
  assert_time (hall_calendar_promise (cal, 30, bj (2026, 12, 4, 12, 10)), bj (2026, 12, 4, 13, 30));
  assert_time (hall_calendar_promise (cal, 60, bj (2026, 12, 4, 11, 30)), bj (2026, 12, 4, 13, 30));
  /* Ending exactly at closing stays on that day. */
  assert_time (hall_calendar_promise (cal, 60, bj (2026, 12, 4, 16, 0)), bj (2026, 12, 4, 17, 0));
  g_assert_cmpuint (hall_calendar_working_minutes_between (cal, bj (2026, 12, 4, 16, 0),
                                                           bj (2026, 12, 7, 10, 0)), ==, 120);
}

static void
test_pause (void)
{
  g_autoptr (HallCalendar) cal = shipped ();
  gint64 start = bj (2026, 12, 1, 10, 0); /* Tuesday */
  HallPause pauses[2];
  HallPromise p;

  /* 3 working days; returned on Wednesday (1 day used: none, Wednesday is
   * the pause's own day), still waiting. */
  pauses[0] = (HallPause) { bj (2026, 12, 2, 11, 0), 0 };
  hall_calendar_compute_promise (cal, 3 * 1440, start, pauses, 1, &p);
  g_assert_true (p.paused);
  g_assert_true (p.in_days);
  g_assert_cmpuint (p.left, ==, 3);
  g_assert_cmpint (p.due, ==, 0);

  /* Returned on Thursday (Wednesday used), brought on Monday 7 December:
   * 2 days left, counted from Tuesday 8 December. */
  pauses[0] = (HallPause) { bj (2026, 12, 3, 11, 0), bj (2026, 12, 7, 10, 0) };
  hall_calendar_compute_promise (cal, 3 * 1440, start, pauses, 1, &p);
  g_assert_false (p.paused);
  assert_time (p.due, bj (2026, 12, 9, 17, 0));

  /* Waiting for documents from the start: nothing used. */
  pauses[0] = (HallPause) { start, 0 };
  hall_calendar_compute_promise (cal, 3 * 1440, start, pauses, 1, &p);
  g_assert_true (p.paused);
  g_assert_cmpuint (p.left, ==, 3);

  /* Hours: 4 h from Tuesday 10:00, paused 11:00 (1 h used) to Wednesday
   * 16:00, then 1 h, paused to Thursday 9:00: 2 h left from 9:00. */
  pauses[0] = (HallPause) { bj (2026, 12, 1, 11, 0), bj (2026, 12, 2, 16, 0) };
  pauses[1] = (HallPause) { bj (2026, 12, 2, 17, 0), bj (2026, 12, 3, 9, 0) };
  hall_calendar_compute_promise (cal, 240, start, pauses, 2, &p);
  g_assert_false (p.paused);
  g_assert_false (p.in_days);
  assert_time (p.due, bj (2026, 12, 3, 11, 0));
  pauses[1].end = 0;
  hall_calendar_compute_promise (cal, 240, start, pauses, 2, &p);
  g_assert_true (p.paused);
  g_assert_cmpuint (p.left, ==, 120);

  /* Paused only after it was due: the due time stands. */
  pauses[0] = (HallPause) { bj (2026, 12, 8, 11, 0), 0 };
  hall_calendar_compute_promise (cal, 1440, start, pauses, 1, &p);
  g_assert_false (p.paused);
  assert_time (p.due, bj (2026, 12, 2, 17, 0));
}

static void
test_bad (void)
{
  const char *bad[][2] = {
    { "[]", "/" },
    { "{\"version\": 2}", "version" },
    { "{\"version\": 1, \"timezone\": \"Mars/Olympus\"}", "timezone" },
    { "{\"version\": 1, \"timezone\": \"+08:00\", \"hours\": {}}", "hours.mon" },
    { "{\"version\": 1, \"timezone\": \"+08:00\", \"hours\": {\"mon\": [\"9-17\"], \"tue\": [], "
      "\"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}}", "hours.mon" },
    { "{\"version\": 1, \"timezone\": \"+08:00\", \"hours\": {\"mon\": [\"13:00-17:00\", "
      "\"09:00-12:00\"], \"tue\": [], \"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], "
      "\"sun\": []}}", "hours.mon" },
    { "{\"version\": 1, \"timezone\": \"+08:00\", \"hours\": {\"mon\": [], \"tue\": [], "
      "\"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], \"sun\": [], \"hol\": []}}", "hours" },
    { "{\"version\": 1, \"timezone\": \"+08:00\", \"hours\": {\"mon\": [\"09:00-17:00\"], "
      "\"tue\": [], \"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}, "
      "\"holidays\": [\"2026-02-30\"]}", "holidays[0]" },
    { "{\"version\": 1, \"timezone\": \"+08:00\", \"hours\": {\"mon\": [\"09:00-17:00\"], "
      "\"tue\": [], \"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}, "
      "\"holidays\": [\"2026-10-10\"], \"workdays\": [\"2026-10-10\"]}", "workdays" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HallCalendar) cal = hall_calendar_new_from_data (bad[i][0], -1, "test.json",
                                                                  &error);
      g_autofree char *place = g_strdup_printf ("test.json: %s:", bad[i][1]);

      g_assert_null (cal);
      g_assert_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_FIELD);
      if (!g_str_has_prefix (error->message, place))
        g_error ("case %u: \"%s\" does not name %s", i, error->message, bad[i][1]);
    }
}

/* What the administrator's PUT answers with: the field at fault on its
 * own, and the date in the message. */
static void
test_bad_field (void)
{
  const char *week = "\"hours\": {\"mon\": [\"09:00-17:00\"], \"tue\": [], \"wed\": [], "
                     "\"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}";
  const char *bad[][3] = {
    { "\"holidays\": [\"2026-10-01\", \"2026-13-01\"]", "holidays[1]", "2026-13-01" },
    { "\"holidays\": [\"2026-10-01\", \"2026-10-01\"]", "holidays[1]", "2026-10-01" },
    { "\"workdays\": [\"2026-10-10\", 20261011]", "workdays[1]", "YYYY-MM-DD" },
    { "\"holidays\": [\"2026-10-10\"], \"workdays\": [\"2026-10-10\"]", "workdays",
      "2026-10-10" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"version\": 1, \"timezone\": \"+08:00\", %s, %s}",
                                               week, bad[i][0]);
      g_autoptr (GError) error = NULL;
      g_autofree char *field = NULL;
      g_autoptr (HallCalendar) cal = hall_calendar_new_checked (json, -1, "calendar", &field,
                                                                &error);

      g_assert_null (cal);
      g_assert_cmpstr (field, ==, bad[i][1]);
      g_assert_nonnull (strstr (error->message, bad[i][2]));
    }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *field = NULL;
    g_autoptr (HallCalendar) cal = hall_calendar_new_checked ("{\"version\": ", -1, "calendar",
                                                              &field, &error);

    g_assert_null (cal);
    g_assert_null (field);
    g_assert_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_SYNTAX);
  }
  {
    /* Read strictly: of a member given twice, json-glib kept the last. */
    g_autoptr (GError) error = NULL;
    g_autofree char *field = NULL;
    g_autoptr (HallCalendar) cal =
      hall_calendar_new_checked ("{\"version\": 1, \"timezone\": \"Asia/Shanghai\","
                                 " \"timezone\": \"UTC\"}", -1, "calendar", &field, &error);

    g_assert_null (cal);
    g_assert_cmpstr (field, ==, "timezone");
    g_assert_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_SYNTAX);
    g_assert_nonnull (strstr (error->message, "appears twice"));
  }
}

/* 2026's holidays are in the shipped calendar; 2027's are not published
 * yet, so that year counts weekdays only (and the counter says so). */
static void
test_years (void)
{
  g_autoptr (HallCalendar) cal = shipped ();

  g_assert_true (hall_calendar_has_holidays_of (cal, 2026));
  g_assert_false (hall_calendar_has_holidays_of (cal, 2027));
  g_assert_false (hall_calendar_has_holidays_of (cal, 2025));
  /* In June 2026 nothing is missing; from November, 2027 is; in 2027,
   * 2027 itself. */
  g_assert_cmpint (hall_calendar_missing_year (cal, bj (2026, 6, 1, 10, 0)), ==, 0);
  g_assert_cmpint (hall_calendar_missing_year (cal, bj (2026, 10, 31, 23, 0)), ==, 0);
  g_assert_cmpint (hall_calendar_missing_year (cal, bj (2026, 11, 1, 0, 30)), ==, 2027);
  g_assert_cmpint (hall_calendar_missing_year (cal, bj (2027, 3, 1, 10, 0)), ==, 2027);
  /* 2027-01-01 is a Friday: a working day without the notice. */
  g_assert_true (hall_calendar_is_working_day (cal, 2027, 1, 1));
  g_assert_false (hall_calendar_is_working_day (cal, 2027, 1, 2));
}

/* The catalog's services count in the catalog's calendar. */
static void
test_catalog (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = hall_catalog_new_default (&error);
  HallService *service;

  g_assert_no_error (error);
  g_assert_nonnull (hall_catalog_get_calendar (catalog));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr (HallService) s = g_list_model_get_item (G_LIST_MODEL (catalog), i);

      if (hall_service_get_promised_minutes (s) == 3 * 1440)
        {
          assert_time (hall_service_get_promised_at (s, bj (2026, 12, 4, 4, 24)),
                       bj (2026, 12, 9, 17, 0));
          hall_catalog_set_calendar (catalog, NULL);
          assert_time (hall_service_get_promised_at (s, bj (2026, 12, 4, 4, 24)),
                       bj (2026, 12, 7, 4, 24));
          return;
        }
    }
  service = NULL;
  g_assert_nonnull (service);
}

static HallCase *
make_case (HallService *service,
           gint64       created_at,
           guint        n_missing)
{
  HallCase *kase = hall_case_new ();
  JsonArray *checklist = json_array_new ();

  for (guint i = 0; i < hall_service_get_n_documents (service); i++)
    {
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", hall_service_get_document (service, i)->id);
      json_object_set_boolean_member (item, "provided", i >= n_missing);
      json_array_add_object_element (checklist, item);
    }
  hall_case_set_service_id (kase, hall_service_get_id (service));
  hall_case_set_created_at (kase, created_at);
  hall_case_set_promised_at (kase, hall_service_get_promised_at (service, created_at));
  hall_case_set_checklist (kase, checklist);
  json_array_unref (checklist);
  return kase;
}

static HallCaseEvent *
event_at (HallCaseEventKind kind,
          HallCaseState     state,
          gint64            at)
{
  HallCaseEvent *event = hall_case_event_new ("3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a", kind);

  if (kind == HALL_CASE_EVENT_STATE)
    hall_case_event_set_new_state (event, state);
  hall_case_event_set_at (event, at);
  return event;
}

/* What the case page and the receipt say, from the case and its timeline. */
static void
test_case (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = hall_catalog_new_default (&error);
  HallCalendar *cal;
  HallService *service;
  HallPromise p;

  g_assert_no_error (error);
  cal = hall_catalog_get_calendar (catalog);
  service = hall_catalog_lookup (catalog, "company_deregistration"); /* 3 working days */
  g_assert_nonnull (service);
  g_assert_cmpuint (hall_service_get_promised_minutes (service), ==, 3 * 1440);

  {
    g_autoptr (HallCase) kase = make_case (service, bj (2026, 12, 4, 4, 24), 0);
    g_autofree char *text = NULL;

    hall_case_compute_promise (kase, service, cal, NULL, &p);
    g_assert_false (p.paused);
    text = hall_case_format_promise (kase, cal, &p);
    g_assert_cmpstr (text, ==, "Promised by Wed 9 Dec 17:00 (3 working days)");
  }

  /* A document missing at intake: the clock has not started. */
  {
    g_autoptr (HallCase) kase = make_case (service, bj (2026, 12, 4, 10, 0), 1);
    g_autofree char *text = NULL;

    hall_case_compute_promise (kase, service, cal, NULL, &p);
    g_assert_true (p.paused);
    text = hall_case_format_promise (kase, cal, &p);
    g_assert_cmpstr (text, ==,
                     "Paused — waiting for 1 document; 3 working days left when it is brought");
  }

  /* Brought on Tuesday 8 December: 3 days from then. */
  {
    g_autoptr (HallCase) kase = make_case (service, bj (2026, 12, 4, 10, 0), 0);
    g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);

    g_ptr_array_add (events, event_at (HALL_CASE_EVENT_CREATED, 0, bj (2026, 12, 4, 10, 0)));
    g_ptr_array_add (events, event_at (HALL_CASE_EVENT_DOCUMENT, 0, bj (2026, 12, 8, 9, 30)));
    hall_case_compute_promise (kase, service, cal, events, &p);
    g_assert_false (p.paused);
    assert_time (p.due, bj (2026, 12, 11, 17, 0));
  }

  /* Returned on Tuesday 8 December (Monday used), back on Wednesday
   * 9 December: 2 days left from Thursday. */
  {
    g_autoptr (HallCase) kase = make_case (service, bj (2026, 12, 4, 10, 0), 0);
    g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
    g_autofree char *text = NULL;

    g_ptr_array_add (events, event_at (HALL_CASE_EVENT_STATE, HALL_CASE_IN_REVIEW,
                                       bj (2026, 12, 4, 10, 5)));
    g_ptr_array_add (events, event_at (HALL_CASE_EVENT_STATE, HALL_CASE_RETURNED,
                                       bj (2026, 12, 8, 15, 0)));
    hall_case_set_state (kase, HALL_CASE_RETURNED);
    hall_case_compute_promise (kase, service, cal, events, &p);
    g_assert_true (p.paused);
    g_assert_cmpuint (p.left, ==, 2);
    text = hall_case_format_promise (kase, cal, &p);
    g_assert_cmpstr (text, ==, "Paused — returned to the applicant; 2 working days left when "
                               "they bring what was asked for");

    g_ptr_array_add (events, event_at (HALL_CASE_EVENT_STATE, HALL_CASE_IN_REVIEW,
                                       bj (2026, 12, 9, 11, 0)));
    hall_case_set_state (kase, HALL_CASE_IN_REVIEW);
    hall_case_compute_promise (kase, service, cal, events, &p);
    g_assert_false (p.paused);
    assert_time (p.due, bj (2026, 12, 11, 17, 0));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hall/calendar/weekend", test_weekend);
  g_test_add_func ("/hall/calendar/golden-week", test_golden_week);
  g_test_add_func ("/hall/calendar/after-hours", test_after_hours);
  g_test_add_func ("/hall/calendar/pause", test_pause);
  g_test_add_func ("/hall/calendar/bad", test_bad);
  g_test_add_func ("/hall/calendar/bad-field", test_bad_field);
  g_test_add_func ("/hall/calendar/years", test_years);
  g_test_add_func ("/hall/calendar/catalog", test_catalog);
  g_test_add_func ("/hall/calendar/case", test_case);

  return g_test_run ();
}
