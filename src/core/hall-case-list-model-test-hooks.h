/* hall-case-list-model-test-hooks.h — what tests and the benchmark may ask
 * a HallCaseListModel that its users need not know
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-case-list-model.h"

G_BEGIN_DECLS

/* Whether the list model has read its marks for far jumps (for tests). */
gboolean   _hall_case_list_model_has_marks (HallCaseListModel *self);
/* Whether a read of the model's is running or waiting (for tests). */
gboolean   _hall_case_list_model_is_busy   (HallCaseListModel *self);
/* How many cases the model has handed out that are still alive. */
guint      _hall_case_list_model_get_n_live (HallCaseListModel *self);

/* The filter's "overdue" reads @now (seconds since the epoch) from here
 * on, instead of the wall clock; 0 gives the wall clock back. */
void       _hall_case_list_model_set_clock (HallCaseListModel *self,
                                            gint64             now);

G_END_DECLS
