/* hall-queue-feed-parser.h — a small, strict text/event-stream parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HALL_QUEUE_FEED_ERROR (hall_queue_feed_error_quark ())
typedef enum
{
  HALL_QUEUE_FEED_ERROR_MALFORMED,  /* the stream breaks the event-stream format */
  HALL_QUEUE_FEED_ERROR_TOO_LONG,   /* a line or an event over the limit */
  HALL_QUEUE_FEED_ERROR_EVENT,      /* an event whose data we cannot read */
  HALL_QUEUE_FEED_ERROR_HTTP,       /* an answer that is not the stream */
} HallQueueFeedError;

GQuark hall_queue_feed_error_quark (void);

/* Called for each complete event (a blank line after at least one data
 * line): @id is the last event id seen so far ("" when none), @event the
 * event type ("message" when none was given), @data the data lines joined
 * with "\n". */
typedef void (*HallQueueFeedEventFunc) (const char *id,
                                        const char *event,
                                        const char *data,
                                        gpointer    user_data);

/* The parser of one connection's bytes, after the WHATWG event-stream
 * rules: lines end in CRLF, LF or CR (also split between two chunks), a
 * leading BOM is dropped, ":" starts a comment, "field: value" loses one
 * space, unknown fields are ignored, an event without data is not
 * dispatched. Stricter than a browser where a hall's board must not guess:
 * bytes that are not UTF-8, a NUL, an "id" that is not a decimal number or
 * goes backwards, and lines over 64 KiB are errors, after which the parser
 * refuses more input until reset. An event cut short by the end of the
 * connection is never dispatched. Not thread-safe: one owner. */
typedef struct _HallQueueFeedParser HallQueueFeedParser;

/* (transfer full) */
HallQueueFeedParser *hall_queue_feed_parser_new               (void);
void                 hall_queue_feed_parser_free              (HallQueueFeedParser    *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallQueueFeedParser, hall_queue_feed_parser_free)

/* Feeds @length bytes; calls @func for each event they complete. FALSE
 * with @error (HALL_QUEUE_FEED_ERROR, naming the line) on bad input. */
gboolean             hall_queue_feed_parser_feed              (HallQueueFeedParser    *self,
                                                               const char             *bytes,
                                                               gsize                   length,
                                                               HallQueueFeedEventFunc  func,
                                                               gpointer                user_data,
                                                               GError                **error);
/* A new connection: drops the partial event and line, keeps the last
 * event id (sent back as Last-Event-ID). */
void                 hall_queue_feed_parser_reset             (HallQueueFeedParser    *self);
/* The id of the last event dispatched ("" before any). */
const char          *hall_queue_feed_parser_get_last_event_id (HallQueueFeedParser    *self);
void                 hall_queue_feed_parser_set_last_event_id (HallQueueFeedParser    *self,
                                                               const char             *id);
/* The server's "retry:" advice in ms, 0 when it gave none. */
guint                hall_queue_feed_parser_get_retry_ms      (HallQueueFeedParser    *self);

G_END_DECLS
