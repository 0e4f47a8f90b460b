/* hall-case-list-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-catalog.h"
#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_CASE_LIST_PAGE (hall_case_list_page_get_type ())
G_DECLARE_FINAL_TYPE (HallCaseListPage, hall_case_list_page, HALL, CASE_LIST_PAGE, GtkWidget)

/* Every case of the counter, newest first, paged in from the store as the
 * table scrolls, with a search bar over it.
 *
 * Properties: "store", "search-mode" (the search bar is open).
 * Signals: "case-activated" (HallCase *kase). */

GtkWidget  *hall_case_list_page_new             (void);
void        hall_case_list_page_set_store       (HallCaseListPage *self,
                                                 HallStore        *store);
/* Names the services in the user's language. */
void        hall_case_list_page_set_catalog     (HallCaseListPage *self,
                                                 HallCatalog      *catalog);
gboolean    hall_case_list_page_get_search_mode (HallCaseListPage *self);
void        hall_case_list_page_set_search_mode (HallCaseListPage *self,
                                                 gboolean          search_mode);
/* Opens the filters' popover (Ctrl+Shift+F): the states, waiting for the
 * applicant, overdue; "list.clear-filters" clears them all at once. */
void        hall_case_list_page_show_filters    (HallCaseListPage *self);
/* Compact, the table shows the number, the applicant and the state only
 * (a window narrower than 600 px); the rest is on the case page. */
void        hall_case_list_page_set_compact     (HallCaseListPage *self,
                                                 gboolean          compact);
gboolean    hall_case_list_page_get_compact     (HallCaseListPage *self);
/* Lets typing anywhere in @widget start a search. */
void        hall_case_list_page_set_key_capture_widget (HallCaseListPage *self,
                                                        GtkWidget        *widget);
/* Drops the selection, for when the window shows a case not picked here. */
void        hall_case_list_page_unselect        (HallCaseListPage *self);
/* Names the case the window shows: its row is highlighted whenever it is
 * among the rows read (after a search, after an intake), and no other row
 * is; NULL for none. */
void        hall_case_list_page_set_open_case   (HallCaseListPage *self,
                                                 HallCase         *kase);
/* The list the table shows (a GListModel of HallCase), for tests. */
GListModel *hall_case_list_page_get_model       (HallCaseListPage *self);
/* "list", "empty" or "no-results". */
const char *hall_case_list_page_get_view        (HallCaseListPage *self);

G_END_DECLS
