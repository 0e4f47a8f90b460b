/* test-if-match.c — If-Match as RFC 9110 §13.1.1 has it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "hall-if-match.h"

static void
test_evaluate (void)
{
  static const struct
  {
    const char *header;
    gint64      version;
    HallIfMatch expected;
  } cases[] = {
    { "\"3\"", 3, HALL_IF_MATCH_PASS },
    { "  \"3\"  ", 3, HALL_IF_MATCH_PASS },
    { "\"2\"", 3, HALL_IF_MATCH_FAIL },
    { "\"3\"", 0, HALL_IF_MATCH_FAIL },
    /* "*": any current representation, none when there is none. */
    { "*", 3, HALL_IF_MATCH_PASS },
    { " * ", 1, HALL_IF_MATCH_PASS },
    { "*", 0, HALL_IF_MATCH_FAIL },
    /* Lists: one strong tag of the current version is enough. */
    { "\"1\", \"2\", \"3\"", 3, HALL_IF_MATCH_PASS },
    { "\"1\",\"3\"", 3, HALL_IF_MATCH_PASS },
    { "\"1\", , \"3\",", 3, HALL_IF_MATCH_PASS },
    { "\"1\", \"2\"", 3, HALL_IF_MATCH_FAIL },
    { "\"30\"", 3, HALL_IF_MATCH_FAIL },
    { "\"03\"", 3, HALL_IF_MATCH_FAIL },
    /* Weak tags never match a write, even of the current version. */
    { "W/\"3\"", 3, HALL_IF_MATCH_WEAK },
    { "W/\"1\", W/\"3\"", 3, HALL_IF_MATCH_WEAK },
    { "W/\"3\", \"3\"", 3, HALL_IF_MATCH_PASS },
    { "W/\"2\"", 3, HALL_IF_MATCH_FAIL },
    /* Not entity tags. */
    { "3", 3, HALL_IF_MATCH_MALFORMED },
    { "", 3, HALL_IF_MATCH_MALFORMED },
    { ",", 3, HALL_IF_MATCH_MALFORMED },
    { "\"3", 3, HALL_IF_MATCH_MALFORMED },
    { "\"3\" \"4\"", 3, HALL_IF_MATCH_MALFORMED },
    { "\"3\", *", 3, HALL_IF_MATCH_MALFORMED },
    { "w/\"3\"", 3, HALL_IF_MATCH_MALFORMED },
    { "\"a b\"", 3, HALL_IF_MATCH_MALFORMED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HallIfMatch got = hall_if_match_evaluate (cases[i].header, cases[i].version);

      if (got != cases[i].expected)
        g_error ("If-Match: %s at version %" G_GINT64_FORMAT ": %d, expected %d",
                 cases[i].header, cases[i].version, got, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hall/server/if-match/evaluate", test_evaluate);
  return g_test_run ();
}
