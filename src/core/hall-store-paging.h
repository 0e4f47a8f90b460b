/* hall-store-paging.h — how HallCaseListModel pages through the store's
 * cases: positions in the list's order, pages from a position, and marks
 * for far jumps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-case-sort.h"
#include "hall-store.h"

G_BEGIN_DECLS

/* Where a case sits in the search's walks: created_at DESC, rowid DESC. */
typedef struct
{
  gint64 created_at;
  gint64 id;
} HallStoreKey;

/* Where a case sits in the list sorted by a HallCaseSort: the values of
 * the order's terms (two or three: created_at and the row id, or the
 * group of what is due, promised_at and the row id), the rest 0. */
#define HALL_STORE_POSITION_TERMS 3
typedef struct
{
  gint64 terms[HALL_STORE_POSITION_TERMS];
} HallStorePosition;

gboolean _hall_store_position_equal (const HallStorePosition *a,
                                     const HallStorePosition *b);

/* The head of the list as one snapshot shows it. */
typedef struct
{
  guint             n_cases;
  gboolean          has_top;
  HallStorePosition top;    /* the first case in the order, when has_top */
  guint             added;  /* cases before the old top asked about */
  gint64            moves;  /* changes that may move a case in the due
                             * order, ever (counts 'due_moves') */
} HallStoreListHead;

/* A read-only connection of the list's own, with a small page cache: its
 * page reads and the scan for marks walk the index of a million cases,
 * and through the shared readers they would fill the 8 MiB caches that
 * searches want warm. Used by one thread at a time. */
typedef struct _HallStorePager HallStorePager;

/* (transfer full): free with _hall_store_pager_free(). */
HallStorePager *_hall_store_pager_new  (HallStore       *self,
                                        GError         **error);
void            _hall_store_pager_free (HallStorePager  *pager);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStorePager, _hall_store_pager_free)

/* Each function below reads the list in the order @sort.
 *
 * (transfer full) (element-type HallCase): up to @limit cases in the
 * order, starting @skip rows after @anchor (or after the top when @anchor
 * is NULL); the position of each row is appended to @keys_out (of
 * HallStorePosition) when not NULL. Read on @pager, or a shared reader
 * when it is NULL. @head_out, when not NULL, gets the count and the first
 * case of the same snapshot, so that a reader on a worker can tell a page
 * read after the store changed from one that fits the list it was asked
 * for. A seek to an anchor and a short skip stays fast deep in a million
 * rows, where a long OFFSET would not. */
GPtrArray *_hall_store_fetch_page    (HallStore          *self,
                                      HallStorePager     *pager,
                                      HallCaseSort        sort,
                                      const HallStorePosition *anchor,
                                      guint               skip,
                                      guint               limit,
                                      GArray             *keys_out,
                                      HallStoreListHead  *head_out,
                                      GError            **error);
/* (transfer full) (element-type HallCase): the same counted from the
 * last case: @limit cases, in the order, that end @skip rows before the
 * last. A page near the bottom of the list is closer to that end. */
GPtrArray *_hall_store_fetch_page_from_bottom (HallStore          *self,
                                               HallStorePager     *pager,
                                               HallCaseSort        sort,
                                               guint               skip,
                                               guint               limit,
                                               GArray             *keys_out,
                                               HallStoreListHead  *head_out,
                                               GError            **error);
/* (transfer full) (element-type HallStorePosition): the position of every
 * @interval-th case, in the order, and in *@n_cases_out the number of
 * cases, both from one snapshot: it reads the whole index, so run it on a
 * worker. */
GArray    *_hall_store_scan_marks    (HallStore          *self,
                                      HallStorePager     *pager,
                                      HallCaseSort        sort,
                                      guint               interval,
                                      guint              *n_cases_out,
                                      GCancellable       *cancellable,
                                      GError            **error);
/* Reads the count, the first case's position and, when @old_top is not
 * NULL, how many cases come before @old_top, from one snapshot: what the
 * list model needs when the store changed. Run it on a worker. */
gboolean   _hall_store_read_list_head (HallStore          *self,
                                       HallCaseSort        sort,
                                       const HallStorePosition *old_top,
                                       HallStoreListHead  *head_out,
                                       GError            **error);

G_END_DECLS
