/* hall-case-sort.h — the orders the case list can be read in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-case.h"

G_BEGIN_DECLS

#define HALL_TYPE_CASE_SORT (hall_case_sort_get_type ())

/* Every order ends on the case's row id, so that no two cases tie and a
 * page read from a position is the same page however often it is read.
 * Each has an index the list walks (hall-store-paging.c): a million cases
 * are never sorted in memory. */
typedef enum
{
  HALL_CASE_SORT_NEWEST,  /* taken in, newest first: the default */
  HALL_CASE_SORT_OLDEST,  /* taken in, oldest first */
  HALL_CASE_SORT_DUE,     /* open cases whose clock runs, the soonest
                           * promised first; then those waiting for the
                           * applicant (returned, a document missing) or
                           * without a promise, then the closed ones,
                           * each group by its promised time */
} HallCaseSort;

#define HALL_CASE_SORT_LAST HALL_CASE_SORT_DUE

GType       hall_case_sort_get_type    (void) G_GNUC_CONST;

/* Its name in settings and actions ("newest", "oldest", "due"), and back:
 * FALSE for a name that is none of them. */
const char *hall_case_sort_to_string   (HallCaseSort  sort);
gboolean    hall_case_sort_from_string (const char   *name,
                                        HallCaseSort *sort);

/* Whether a change to a case (its state, its promise) can move it in the
 * list sorted by @sort, where the order of intake never changes. */
gboolean    hall_case_sort_follows_state (HallCaseSort sort);

/* The rank of @kase's group in HALL_CASE_SORT_DUE: 0 received or in
 * review with a promise and its clock running, 1 paused
 * (hall_case_is_paused()) or without a promise, 2 closed. The store's
 * column computes the same (HALL_STORE_DUE_RANK). */
int         hall_case_sort_due_rank    (HallCase     *kase);

/* Compares two cases as the list sorted by @sort shows them, for results
 * held in memory (a search's). Cases taken in at the same second tie on
 * their numbers, where the store's order ties on row ids. */
int         hall_case_sort_compare     (HallCaseSort  sort,
                                        HallCase     *a,
                                        HallCase     *b);
/* The same as a GCompareDataFunc over a GPtrArray of HallCase, for
 * g_ptr_array_sort_with_data(): @sort is GINT_TO_POINTER (HallCaseSort). */
int         hall_case_sort_compare_in_array (gconstpointer a,
                                             gconstpointer b,
                                             gpointer      sort);

G_END_DECLS
