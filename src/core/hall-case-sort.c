/* hall-case-sort.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include "hall-case-promise.h"
#include "hall-case-sort.h"

static const char *const sort_names[] = {
  [HALL_CASE_SORT_NEWEST] = "newest",
  [HALL_CASE_SORT_OLDEST] = "oldest",
  [HALL_CASE_SORT_DUE] = "due",
};

G_STATIC_ASSERT (G_N_ELEMENTS (sort_names) == HALL_CASE_SORT_LAST + 1);

G_DEFINE_ENUM_TYPE (HallCaseSort, hall_case_sort,
                    G_DEFINE_ENUM_VALUE (HALL_CASE_SORT_NEWEST, "newest"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_SORT_OLDEST, "oldest"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_SORT_DUE, "due"))

const char *
hall_case_sort_to_string (HallCaseSort sort)
{
  g_return_val_if_fail (sort <= HALL_CASE_SORT_LAST, NULL);

  return sort_names[sort];
}

gboolean
hall_case_sort_from_string (const char   *name,
                            HallCaseSort *sort)
{
  g_return_val_if_fail (sort != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    if (g_strcmp0 (name, sort_names[i]) == 0)
      {
        *sort = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
hall_case_sort_follows_state (HallCaseSort sort)
{
  return sort == HALL_CASE_SORT_DUE;
}

int
hall_case_sort_due_rank (HallCase *kase)
{
  g_return_val_if_fail (HALL_IS_CASE (kase), 2);

  switch (hall_case_get_state (kase))
    {
    case HALL_CASE_RECEIVED:
    case HALL_CASE_IN_REVIEW:
      return hall_case_get_promised_at (kase) > 0 && !hall_case_is_paused (kase) ? 0 : 1;
    case HALL_CASE_RETURNED:
      return 1;
    case HALL_CASE_APPROVED:
    case HALL_CASE_REJECTED:
    case HALL_CASE_COMPLETED:
    case HALL_CASE_WITHDRAWN:
    default:
      return 2;
    }
}

static int
compare_int64 (gint64 a,
               gint64 b)
{
  return (a > b) - (a < b);
}

int
hall_case_sort_compare (HallCaseSort  sort,
                        HallCase     *a,
                        HallCase     *b)
{
  int order = 0;

  g_return_val_if_fail (HALL_IS_CASE (a) && HALL_IS_CASE (b), 0);

  switch (sort)
    {
    case HALL_CASE_SORT_NEWEST:
      order = -compare_int64 (hall_case_get_created_at (a), hall_case_get_created_at (b));
      if (order == 0)
        order = -g_strcmp0 (hall_case_get_number (a), hall_case_get_number (b));
      break;
    case HALL_CASE_SORT_OLDEST:
      order = compare_int64 (hall_case_get_created_at (a), hall_case_get_created_at (b));
      if (order == 0)
        order = g_strcmp0 (hall_case_get_number (a), hall_case_get_number (b));
      break;
    case HALL_CASE_SORT_DUE:
      order = hall_case_sort_due_rank (a) - hall_case_sort_due_rank (b);
      if (order == 0)
        order = compare_int64 (hall_case_get_promised_at (a), hall_case_get_promised_at (b));
      if (order == 0)
        order = g_strcmp0 (hall_case_get_number (a), hall_case_get_number (b));
      break;
    default:
      g_return_val_if_reached (0);
    }
  return order;
}

int
hall_case_sort_compare_in_array (gconstpointer a,
                                 gconstpointer b,
                                 gpointer      sort)
{
  return hall_case_sort_compare (GPOINTER_TO_INT (sort), *(HallCase **) a, *(HallCase **) b);
}
