/* hall-workflow.h — where a case stands among its service's approval steps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-case-event.h"
#include "hall-error.h"
#include "hall-roles.h"

G_BEGIN_DECLS

/* The one rule of decisions, for the server, the counter's store, the
 * command line and the inbox alike. A case goes through its service's
 * steps in catalog order; the steps of a joint review (one "parallel"
 * group) are open at once, and the case moves on when every one of them
 * has approved. Each step is decided by an official holding its role, and
 * one official decides at most one step of a joint review. A return sends
 * the case to the applicant: the approvals of the joint review in hand are
 * void (the case will change), and the case comes back to the same step.
 * A rejection ends it.
 *
 * Approving moves the case to "in_review", or to "approved" when the last
 * step is done; returning to "returned"; rejecting to "rejected". A plain
 * struct, built from the case's state and its events; not thread-safe. */
typedef struct _HallWorkflow HallWorkflow;

/* (transfer full): where a case of @service in @state stands after
 * @events (element-type HallCaseEvent, oldest first; events that are not
 * decisions are passed over). */
HallWorkflow           *hall_workflow_new                (HallService    *service,
                                                          HallCaseState   state,
                                                          GPtrArray      *events);
void                    hall_workflow_free               (HallWorkflow   *self);

/* (transfer none) */
HallService            *hall_workflow_get_service        (HallWorkflow   *self);
HallCaseState           hall_workflow_get_state          (HallWorkflow   *self);
/* Whether a decision is awaited: the case is "received" or "in_review" and
 * a step is open. */
gboolean                hall_workflow_is_waiting         (HallWorkflow   *self);
/* The steps of the current round: [start, end) in the service's steps;
 * start is the number of steps when all are done. */
guint                   hall_workflow_get_round_start    (HallWorkflow   *self);
guint                   hall_workflow_get_round_end      (HallWorkflow   *self);
/* (transfer none) (nullable): who approved @step_id in the current round. */
const char             *hall_workflow_get_approved_by    (HallWorkflow   *self,
                                                          const char     *step_id);
/* (transfer container) (element-type HallApprovalStep): the steps of the
 * current round not approved yet, in catalog order; empty unless waiting. */
GPtrArray              *hall_workflow_list_open_steps    (HallWorkflow   *self);
/* (transfer none) (nullable): the first open step that an official named
 * @official holding @roles may decide now. */
const HallApprovalStep *hall_workflow_find_step_for      (HallWorkflow   *self,
                                                          HallRoles       roles,
                                                          const char     *official);
/* Whether @official holding @roles may make decision @event now; on
 * success the case's state after it is in *@state_out. FALSE with a
 * HALL_WORKFLOW_ERROR naming the step (or the reasons) and the field at
 * fault ("step", "reasons") in *@field_out. */
gboolean                hall_workflow_check_decision     (HallWorkflow   *self,
                                                          HallCaseEvent  *event,
                                                          HallRoles       roles,
                                                          const char     *official,
                                                          HallCaseState  *state_out,
                                                          const char    **field_out,
                                                          GError        **error);
/* Takes decision @event (checked, or from the record) into account. */
void                    hall_workflow_apply              (HallWorkflow   *self,
                                                          HallCaseEvent  *event);
/* The state a returned case comes back in when the applicant brings what
 * was missing: "received" at the first step, "in_review" later. */
HallCaseState           hall_workflow_get_resume_state   (HallWorkflow   *self);
/* When the current round is due, for a case taken in at @created_at (Unix
 * seconds): the steps' promised minutes up to and including the round,
 * the slowest step of each joint review counting. */
gint64                  hall_workflow_get_due_at         (HallWorkflow   *self,
                                                          gint64          created_at);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallWorkflow, hall_workflow_free)

G_END_DECLS
