/* hall-queue-client.h — a counter's requests to the hall's queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hall-sync-engine.h"
#include "hall-ticket.h"

G_BEGIN_DECLS

/* One group of the board (GET /v1/queue). */
typedef struct
{
  char *group;           /* "A" */
  char *name_en;
  char *name_zh;
  int   waiting;
  int   estimated_wait;  /* minutes */
  int   open_counters;
} HallQueueGroupStatus;

void hall_queue_group_status_free (HallQueueGroupStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallQueueGroupStatus, hall_queue_group_status_free)

#define HALL_TYPE_QUEUE_CLIENT (hall_queue_client_get_type ())
G_DECLARE_FINAL_TYPE (HallQueueClient, hall_queue_client, HALL, QUEUE_CLIENT, GObject)

/* Tickets exist only on the server, so these are requests, not outbox
 * changes: each goes out once the official asks, through the sync engine's
 * session (its token, its sign-in again on a 401, its "online"), with an
 * Idempotency-Key of its own so that a retry never calls or issues twice.
 * Offline they fail with HALL_SYNC_ERROR_OFFLINE, and the counter serves
 * without a ticket. A refusal (nobody waits, a state that does not allow
 * the action, an appointment outside its window) is
 * HALL_SYNC_ERROR_REJECTED with the server's reason. Every answer comes in
 * the main context of the caller. */

/* (transfer full) */
HallQueueClient *hall_queue_client_new             (HallSyncEngine     *engine);

/* The next ticket of @groups (NULL: those the counter called for last). */
void             hall_queue_client_call_next_async (HallQueueClient    *self,
                                                    const char         *counter,
                                                    const char * const *groups,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
/* @action: "recall", "start", "finish", "no-show", "transfer" (to @group
 * or to @counter), "park", "resume". */
void             hall_queue_client_act_async       (HallQueueClient    *self,
                                                    HallTicket         *ticket,
                                                    const char         *action,
                                                    const char         *group,
                                                    const char         *counter,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
/* A ticket for @service; @priority "priority" for the elderly, disabled or
 * pregnant, NULL otherwise. */
void             hall_queue_client_issue_async     (HallQueueClient    *self,
                                                    const char         *service,
                                                    const char         *priority,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
void             hall_queue_client_check_in_async  (HallQueueClient    *self,
                                                    const char         *code,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
/* (transfer full): the ticket of any of the four above. */
HallTicket      *hall_queue_client_ticket_finish   (HallQueueClient    *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

void             hall_queue_client_board_async     (HallQueueClient    *self,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
/* (transfer full) (element-type HallQueueGroupStatus): the board's groups,
 * by letter. */
GPtrArray       *hall_queue_client_board_finish    (HallQueueClient    *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

G_END_DECLS
