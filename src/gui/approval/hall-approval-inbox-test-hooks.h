/* hall-approval-inbox-test-hooks.h — what a test looks at inside the inbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-approval-inbox.h"

G_BEGIN_DECLS

/* (transfer none): the official's own words for a return or rejection. */
GtkEditable    *hall_approval_inbox_get_reason_entry (HallApprovalInbox *self);
/* (transfer none): what the reasons field says is wrong ("" when nothing). */
const char     *hall_approval_inbox_get_reason_error (HallApprovalInbox *self);
/* (transfer none): the error of the last read or decision ("" when none). */
const char     *hall_approval_inbox_get_status       (HallApprovalInbox *self);
/* The number of step rows of the supervisor's counts. */
guint           hall_approval_inbox_get_n_step_counts (HallApprovalInbox *self);

G_END_DECLS
