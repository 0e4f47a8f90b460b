/* hall-queue-test-hooks.h — what only tests set on a HallQueue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-queue-private.h"
#include "hall-server.h"

G_BEGIN_DECLS

/* The queue's clock: @func returns microseconds since the epoch (NULL: the
 * real time), for a scripted day. */
void       hall_queue_set_clock      (HallQueue          *self,
                                      HallQueueClockFunc  func,
                                      gpointer            user_data);
/* How often an idle stream gets a comment line. */
void       hall_queue_set_keep_alive (HallQueue          *self,
                                      gint64              usec);
/* (transfer none): the queue of @server. */
HallQueue *hall_server_get_queue     (HallServer         *server);

G_END_DECLS
