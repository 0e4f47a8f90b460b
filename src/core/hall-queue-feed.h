/* hall-queue-feed.h — the hall's queue as the board follows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hall-queue-feed-parser.h"

G_BEGIN_DECLS

#define HALL_TYPE_QUEUE_FEED (hall_queue_feed_get_type ())
G_DECLARE_FINAL_TYPE (HallQueueFeed, hall_queue_feed, HALL, QUEUE_FEED, GObject)

/* Follows a server's queue: GET /v1/queue (the whole board), then
 * GET /v1/queue/events (text/event-stream) for every change after it. When
 * the stream is cut or the server cannot be reached it tries again with
 * exponential backoff and jitter (250 ms doubling up to "backoff-cap-ms"),
 * asks for the board again and resumes the stream with Last-Event-ID, so
 * nothing is missed. Neither request needs a sign-in; nothing personal
 * comes in.
 *
 * One worker thread of its own does the network; the signals are emitted
 * in the thread-default main context of the caller of
 * hall_queue_feed_start():
 *   "snapshot" (JsonObject *queue): the answer of GET /v1/queue;
 *   "event" (const char *id, const char *type, JsonObject *data): one event,
 *     in the stream's order, each id once;
 *   notify::online: TRUE while the event stream is open. */
/* (transfer full) */
HallQueueFeed *hall_queue_feed_new               (const char    *server_url);
const char    *hall_queue_feed_get_server_url    (HallQueueFeed *self);
gboolean       hall_queue_feed_get_online        (HallQueueFeed *self);
/* The id of the last event emitted ("" before any). */
const char    *hall_queue_feed_get_last_event_id (HallQueueFeed *self);
void           hall_queue_feed_set_backoff_cap   (HallQueueFeed *self,
                                                  guint          cap_ms);
/* Starts the worker; the signals come to the caller's thread-default
 * main context. */
void           hall_queue_feed_start             (HallQueueFeed *self);
/* Asks for GET /v1/queue once more (the estimated waits change with time,
 * not only with events); "snapshot" follows when it answers. */
void           hall_queue_feed_refresh           (HallQueueFeed *self);
/* Stops and joins the worker; no signal is emitted after it returns. */
void           hall_queue_feed_stop              (HallQueueFeed *self);

G_END_DECLS
