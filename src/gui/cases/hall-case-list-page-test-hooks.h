/* hall-case-list-page-test-hooks.h — the list's clock, as a test sets it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-case-list-page.h"

G_BEGIN_DECLS

/* The list's countdowns read @now (seconds since the epoch) from here on,
 * instead of the wall clock; 0 gives the wall clock back. */
void            hall_case_list_page_set_clock         (HallCaseListPage *self,
                                                       gint64            now);
/* What the list's half-minute timeout does: every visible "Promised" cell
 * shown again for now. */
void            hall_case_list_page_tick              (HallCaseListPage *self);
/* (transfer full) (nullable): the text of the "Promised" cell of the case
 * @case_uuid, or NULL when its row is not on screen. */
char           *hall_case_list_page_dup_promised_text (HallCaseListPage *self,
                                                       const char       *case_uuid);

G_END_DECLS
