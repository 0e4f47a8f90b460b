/* hall-queue-panel.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-queue-client.h"

G_BEGIN_DECLS

#define HALL_TYPE_QUEUE_PANEL (hall_queue_panel_get_type ())
G_DECLARE_FINAL_TYPE (HallQueuePanel, hall_queue_panel, HALL, QUEUE_PANEL, GtkWidget)

/* The counter's queue panel: the groups of the hall with their waiting
 * counts and estimated waits, the ticket this counter called and what can
 * be done with it. Offline it says that the citizen is served without a
 * ticket; it asks the server again every few seconds while shown and comes
 * back by itself.
 *
 * Properties: "client" (HallQueueClient, may be NULL: no server),
 * "counter" (string), "ticket" (HallTicket, read-only: the one called).
 * Signals: "start-serving" (HallTicket *ticket): the official started
 * serving the ticket; the window opens an intake for it.
 * Actions (group "queue", shortcuts anywhere in the window): queue.call-next
 * (F5), queue.recall (F6), queue.start (F7), queue.no-show (F8),
 * queue.park (F9), queue.resume (Shift+F9), queue.transfer (F10). */

HallQueuePanel *hall_queue_panel_new        (void);
void            hall_queue_panel_set_client (HallQueuePanel  *self,
                                             HallQueueClient *client,
                                             const char      *counter);
/* (transfer none) (nullable) */
HallTicket     *hall_queue_panel_get_ticket (HallQueuePanel  *self);
/* Asks the server for the board now. */
void            hall_queue_panel_refresh    (HallQueuePanel  *self);

G_END_DECLS
