/* test-retry-policy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "hall-retry-policy.h"

/* 2026-11-27T11:30:00Z */
#define NOW 1795779000

static void
test_ceiling_grows_to_cap (void)
{
  g_autoptr (HallRetryPolicy) policy = hall_retry_policy_new (100, 1000, 10);

  g_assert_cmpuint (hall_retry_policy_get_ceiling_ms (policy, 1), ==, 100);
  g_assert_cmpuint (hall_retry_policy_get_ceiling_ms (policy, 2), ==, 200);
  g_assert_cmpuint (hall_retry_policy_get_ceiling_ms (policy, 3), ==, 400);
  g_assert_cmpuint (hall_retry_policy_get_ceiling_ms (policy, 4), ==, 800);
  g_assert_cmpuint (hall_retry_policy_get_ceiling_ms (policy, 5), ==, 1000);
  g_assert_cmpuint (hall_retry_policy_get_ceiling_ms (policy, 60), ==, 1000);
  /* No overflow however many tries were made. */
  g_assert_cmpuint (hall_retry_policy_get_ceiling_ms (policy, G_MAXUINT), ==, 1000);
}

static void
test_jitter_bounded (void)
{
  g_autoptr (HallRetryPolicy) policy = hall_retry_policy_new (100, 1000, 100);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  guint attempt;

  for (attempt = 1; attempt < 8; attempt++)
    {
      guint ceiling = hall_retry_policy_get_ceiling_ms (policy, attempt);
      gint64 lowest = G_MAXINT64, highest = -1;
      guint i;

      for (i = 0; i < 2000; i++)
        {
          gint64 delay = hall_retry_policy_next_delay_ms (policy, attempt, NULL, NOW, rand);

          g_assert_cmpint (delay, >=, 0);
          g_assert_cmpint (delay, <=, ceiling);
          lowest = MIN (lowest, delay);
          highest = MAX (highest, delay);
        }
      /* Full jitter: the waits spread over the whole range, not near the top. */
      g_assert_cmpint (lowest, <, ceiling / 10 + 1);
      g_assert_cmpint (highest, >, ceiling - ceiling / 10 - 1);
    }
}

static void
test_attempts_run_out (void)
{
  g_autoptr (HallRetryPolicy) policy = hall_retry_policy_new (10, 100, 3);

  g_assert_cmpint (hall_retry_policy_next_delay_ms (policy, 1, NULL, NOW, NULL), >=, 0);
  g_assert_cmpint (hall_retry_policy_next_delay_ms (policy, 2, NULL, NOW, NULL), >=, 0);
  g_assert_cmpint (hall_retry_policy_next_delay_ms (policy, 3, NULL, NOW, NULL), ==, -1);
  g_assert_cmpint (hall_retry_policy_next_delay_ms (policy, 4, "1", NOW, NULL), ==, -1);
}

static void
test_retry_after_seconds (void)
{
  g_autoptr (HallRetryPolicy) policy = hall_retry_policy_new (10, 5000, 5);
  gint64 delay;

  g_assert_true (hall_retry_policy_parse_retry_after ("3", NOW, &delay));
  g_assert_cmpint (delay, ==, 3000);
  g_assert_true (hall_retry_policy_parse_retry_after (" 0 ", NOW, &delay));
  g_assert_cmpint (delay, ==, 0);
  g_assert_false (hall_retry_policy_parse_retry_after ("", NOW, &delay));
  g_assert_false (hall_retry_policy_parse_retry_after ("-5", NOW, &delay));
  g_assert_false (hall_retry_policy_parse_retry_after ("soon", NOW, &delay));
  g_assert_false (hall_retry_policy_parse_retry_after (NULL, NOW, &delay));

  /* Honoured: never shorter than asked, though the jitter alone is <= 10. */
  g_assert_cmpint (hall_retry_policy_next_delay_ms (policy, 1, "2", NOW, NULL), ==, 2000);
  /* Longer than the cap: not waited for inside a pass. */
  g_assert_cmpint (hall_retry_policy_next_delay_ms (policy, 1, "6", NOW, NULL), ==, -1);
  /* Unreadable: ignored, the backoff stands. */
  g_assert_cmpint (hall_retry_policy_next_delay_ms (policy, 1, "later", NOW, NULL), <=, 10);
}

static void
test_retry_after_date (void)
{
  g_autoptr (HallRetryPolicy) policy = hall_retry_policy_new (10, 5000, 5);
  gint64 delay;

  g_assert_true (hall_retry_policy_parse_retry_after ("Fri, 27 Nov 2026 11:30:04 GMT", NOW, &delay));
  g_assert_cmpint (delay, ==, 4000);
  /* The obsolete forms RFC 9110 still asks recipients to accept. */
  g_assert_true (hall_retry_policy_parse_retry_after ("Friday, 27-Nov-26 11:30:02 GMT", NOW, &delay));
  g_assert_cmpint (delay, ==, 2000);
  g_assert_true (hall_retry_policy_parse_retry_after ("Fri Nov 27 11:30:01 2026", NOW, &delay));
  g_assert_cmpint (delay, ==, 1000);
  /* In the past: go now. */
  g_assert_true (hall_retry_policy_parse_retry_after ("Fri, 27 Nov 2026 11:00:00 GMT", NOW, &delay));
  g_assert_cmpint (delay, ==, 0);

  g_assert_cmpint (hall_retry_policy_next_delay_ms (policy, 2, "Fri, 27 Nov 2026 11:30:03 GMT",
                                                    NOW, NULL), ==, 3000);
  g_assert_cmpint (hall_retry_policy_next_delay_ms (policy, 2, "Fri, 27 Nov 2026 12:30:00 GMT",
                                                    NOW, NULL), ==, -1);
}

static void
test_which_statuses_retry (void)
{
  static const guint transient[] = { 0, 408, 429, 500, 502, 503, 504, 599 };
  static const guint final[] = { 200, 201, 204, 304, 400, 401, 403, 404, 409, 412, 413, 422, 428 };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (transient); i++)
    g_assert_true (hall_retry_policy_status_is_transient (transient[i]));
  for (i = 0; i < G_N_ELEMENTS (final); i++)
    g_assert_false (hall_retry_policy_status_is_transient (final[i]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hall/retry-policy/ceiling", test_ceiling_grows_to_cap);
  g_test_add_func ("/hall/retry-policy/jitter", test_jitter_bounded);
  g_test_add_func ("/hall/retry-policy/attempts", test_attempts_run_out);
  g_test_add_func ("/hall/retry-policy/retry-after-seconds", test_retry_after_seconds);
  g_test_add_func ("/hall/retry-policy/retry-after-date", test_retry_after_date);
  g_test_add_func ("/hall/retry-policy/statuses", test_which_statuses_retry);

  return g_test_run ();
}
