/* hall-store-test-hooks.h — what tests may ask a HallStore that its users
 * need not know
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-store.h"

G_BEGIN_DECLS

/* hall_store_search_cases() with a cancellable, on the calling thread:
 * what the search worker runs (for tests). */
GPtrArray *_hall_store_search_cases_cancellable (HallStore     *self,
                                                 const char    *query,
                                                 guint          limit,
                                                 GCancellable  *cancellable,
                                                 GError       **error);

/* (transfer full) (element-type HallOutboxItem): every row of the outbox,
 * in order, those hall_store_peek_outbox() holds back included. */
GPtrArray *_hall_store_list_outbox_all          (HallStore     *self,
                                                 GError       **error);

/* Makes the next writing of a first pull's search keys fail after its
 * inserts, before its commit, as a kill there would leave it. */
void       _hall_store_fail_next_search_fill    (HallStore     *self);

/* One look for what other processes committed, on the calling thread
 * (what hall_store_watch_other_processes() runs on a worker): TRUE when
 * there was something, and the signals are on their way. The first look
 * only takes note of where the store is. */
gboolean   _hall_store_check_other_processes    (HallStore     *self,
                                                 GError       **error);

G_END_DECLS
