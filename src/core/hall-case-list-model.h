/* hall-case-list-model.h — the cases of the store as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "hall-case-sort.h"
#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_CASE_LIST_MODEL (hall_case_list_model_get_type ())
G_DECLARE_FINAL_TYPE (HallCaseListModel, hall_case_list_model, HALL, CASE_LIST_MODEL, GObject)

/* A GListModel of HallCase, newest first, or in the order "sort" says.
 * Rows are read from the store a page at a time as the view asks for
 * them, on a worker thread, and a few
 * pages are kept, so a million cases never become a million objects and
 * the main thread never waits for SQLite: a row not read yet is a
 * placeholder (hall_case_list_model_is_placeholder()) that becomes its
 * case in place when its page is read, notifying its properties ("uuid"
 * among them); a case already handed out (held by a selection) comes back
 * as the same object instead, said by "items-changed". The model is empty until the cases are
 * counted, just after it is made. It follows the store's "changed" and
 * "case-changed" signals, reading what changed on a worker too.
 *
 * Properties: "store" (construct-only), "query": when not empty, the model
 * shows the store's search results for it instead (at most
 * HALL_CASE_LIST_MODEL_MAX_RESULTS), searched on a worker thread; a new
 * query cancels the one still running, and the list switches when the new
 * results are in. "searching" is TRUE meanwhile.
 *
 * hall_case_list_model_set_filter() narrows the list to the cases that pass
 * a HallCaseFilter, with the query or alone (then the first
 * HALL_CASE_LIST_MODEL_MAX_FILTERED in the order), read on a worker as a
 * search is;
 * "n-matching" is how many cases pass in all (the whole list's count when
 * neither a query nor a filter is set; the rows shown for a query alone).
 *
 * "sort" (a HallCaseSort) is the order of the rows, the whole list's as a
 * search's or a filter's: set anew, the view is told of new rows, read as
 * a far jump's. In an order other than newest first, cases that come,
 * go or move leave the rows where they stand: the end of the list moves,
 * and the rows kept are read again. */

#define HALL_CASE_LIST_MODEL_PAGE_SIZE   100
#define HALL_CASE_LIST_MODEL_MAX_RESULTS 200
/* A filter alone (no query) shows the first this many that pass. */
#define HALL_CASE_LIST_MODEL_MAX_FILTERED 1000

/* (transfer full): keeps a reference to @store. */
HallCaseListModel *hall_case_list_model_new         (HallStore         *store);
/* (transfer none) */
HallStore         *hall_case_list_model_get_store   (HallCaseListModel *self);
const char        *hall_case_list_model_get_query   (HallCaseListModel *self);
void               hall_case_list_model_set_query   (HallCaseListModel *self,
                                                     const char        *query);
gboolean           hall_case_list_model_get_searching (HallCaseListModel *self);
/* @filter is copied; NULL or an empty one shows every case again. */
void               hall_case_list_model_set_filter  (HallCaseListModel    *self,
                                                     const HallCaseFilter *filter);
void               hall_case_list_model_get_filter  (HallCaseListModel    *self,
                                                     HallCaseFilter       *filter);
guint              hall_case_list_model_get_n_matching (HallCaseListModel *self);
void               hall_case_list_model_set_sort    (HallCaseListModel *self,
                                                     HallCaseSort       sort);
HallCaseSort       hall_case_list_model_get_sort    (HallCaseListModel *self);
/* Whether @kase is a row not read yet: it shows nothing and is never
 * opened. */
gboolean           hall_case_list_model_is_placeholder (HallCase         *kase);
/* The position of the case @uuid among the rows already read (the search
 * results, or the pages in memory), or G_MAXUINT when it is not among
 * them. Reads nothing: cheap enough for the main loop. */
guint              hall_case_list_model_find        (HallCaseListModel *self,
                                                     const char        *uuid);

G_END_DECLS
