/* hall-approval-inbox.h — the approver's inbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-catalog.h"
#include "hall-roles.h"
#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_APPROVAL_INBOX (hall_approval_inbox_get_type ())
G_DECLARE_FINAL_TYPE (HallApprovalInbox, hall_approval_inbox, HALL, APPROVAL_INBOX, GtkWidget)

/* The cases waiting for the signed-in official's decision
 * (hall_store_list_inbox()), soonest promised first with a live countdown,
 * overdue in red; beside them the selected case's applicant, documents and
 * earlier decisions, and the decision: Approve, Return or Reject, with the
 * reasons of the service's list and the official's own words. A return or
 * a rejection without a reason is refused at the reasons. A supervisor also
 * sees every step's queue with its waiting and overdue counts.
 *
 * Actions: "inbox.approve" (Ctrl+Enter), "inbox.return" (Ctrl+R),
 * "inbox.reject" (Ctrl+Shift+X), "inbox.next" (j), "inbox.previous" (k),
 * "inbox.refresh" (F5 is the queue's: Ctrl+Shift+R). Up and Down move in
 * the list. Reads and decisions run on the store's worker. */

GtkWidget      *hall_approval_inbox_new          (void);
/* Who is signed in and where; NULL @store empties the inbox. Reloads. */
void            hall_approval_inbox_set_context  (HallApprovalInbox *self,
                                                  HallStore      *store,
                                                  HallCatalog    *catalog,
                                                  const char     *official,
                                                  HallRoles       roles);
/* Reads the inbox again. */
void            hall_approval_inbox_refresh      (HallApprovalInbox *self);
/* The number of cases listed. */
guint           hall_approval_inbox_get_n_cases  (HallApprovalInbox *self);
/* (transfer none) (nullable): the case listed at @index. */
HallInboxItem  *hall_approval_inbox_get_item     (HallApprovalInbox *self,
                                                  guint           index);
/* (transfer none) (nullable): the case selected. */
HallInboxItem  *hall_approval_inbox_get_selected (HallApprovalInbox *self);
/* Whether a read or a decision is in flight. */
gboolean        hall_approval_inbox_get_busy     (HallApprovalInbox *self);

G_END_DECLS
