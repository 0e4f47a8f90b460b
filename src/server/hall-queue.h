/* hall-queue.h — the hall's queue: tickets, their transitions, appointments
 * and the stream of queue events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hall-catalog.h"
#include "hall-queue-stmt.h"

G_BEGIN_DECLS

#define HALL_QUEUE_ERROR (hall_queue_error_quark ())
typedef enum
{
  HALL_QUEUE_ERROR_NOT_FOUND,    /* no such ticket or appointment */
  HALL_QUEUE_ERROR_EMPTY,        /* nobody waits in the counter's groups */
  HALL_QUEUE_ERROR_TRANSITION,   /* the ticket's state does not allow the action */
  HALL_QUEUE_ERROR_WINDOW,       /* an appointment checked in outside its window, or twice */
  HALL_QUEUE_ERROR_CONFLICT,     /* an appointment code that is taken */
  HALL_QUEUE_ERROR_SERVICE,      /* a service the catalog does not have */
  HALL_QUEUE_ERROR_GROUP,        /* a group no service of the catalog is in */
  HALL_QUEUE_ERROR_KEY_REUSED,   /* an Idempotency-Key sent before with another request */
} HallQueueError;

GQuark hall_queue_error_quark (void);

/* The Idempotency-Key of a request, scoped to its sender, and the hash of
 * the request it came with. */
typedef struct
{
  const char *key;
  const char *request_hash;
} HallQueueKey;

/* The answer of a queue operation: its status (201 for what it created,
 * 200 otherwise, or the status stored with an Idempotency-Key) and its JSON
 * body. */
typedef struct
{
  guint  status;
  char  *body;
} HallQueueAnswer;

void hall_queue_answer_free (HallQueueAnswer *answer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallQueueAnswer, hall_queue_answer_free)

/* One event of the stream, as the bytes of text/event-stream. */
typedef struct
{
  gint64  id;
  char   *frame;  /* "id: N\nevent: ticket\ndata: {…}\n\n" */
} HallQueueEvent;

void hall_queue_event_free (HallQueueEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallQueueEvent, hall_queue_event_free)

/* Called after each commit that added events, and every keep-alive
 * interval, on the thread that committed (or the keep-alive thread), with
 * the queue's watcher lock held: it must only wake its reader. */
typedef void (*HallQueueWakeFunc) (gpointer user_data);

#define HALL_TYPE_QUEUE (hall_queue_get_type ())
G_DECLARE_FINAL_TYPE (HallQueue, hall_queue, HALL, QUEUE, GObject)

/* HallQueue keeps the tickets of the database at @db_path (whose schema
 * the server's storage made). Its operations change the queue on @conn,
 * the writer thread's connection, inside the transaction the group
 * committer has open: two counters calling at once are served one after
 * the other, and events are numbered in the order they commit. An
 * operation adds its events to @events (of HallQueueEvent); once the
 * transaction has committed, hall_queue_publish() hands them to the
 * streams. A failure of the database (HALL_DATABASE_ERROR) leaves writes
 * behind that the caller must roll back; a refusal (HALL_QUEUE_ERROR)
 * leaves none, or only what is meant to stay (a counter's being open).
 * Reads (the board, old events) use a connection of the queue's own.
 * Thread-safe. */

/* (transfer full): the queue of @catalog's groups. */
HallQueue       *hall_queue_new                 (const char         *db_path,
                                                 HallCatalog        *catalog,
                                                 GError            **error);
/* (transfer full): the queue of @catalog's groups in the PostgreSQL
 * database @uri (whose schema the server's storage made), which several
 * servers share: each operation takes the database's lock of the queue,
 * and the events any server commits reach every server's streams
 * (LISTEN/NOTIFY), in the order they committed. */
HallQueue       *hall_queue_new_postgres        (const char         *uri,
                                                 HallCatalog        *catalog,
                                                 GError            **error);

/* A ticket for @service (@priority: "normal", "priority" or
 * "appointment"; NULL for normal). 201. */
HallQueueAnswer *hall_queue_issue               (HallQueue          *self,
                                                 const HallQueueConn *conn,
                                                 GPtrArray          *events,
                                                 const char         *service,
                                                 const char         *priority,
                                                 const char         *official,
                                                 const HallQueueKey *key,
                                                 GError            **error);
/* Calls the next ticket of @groups (NULL: the groups @counter called for
 * last, or every group) to @counter: first a ticket transferred to this
 * counter, then priority and appointment tickets, then by arrival. */
HallQueueAnswer *hall_queue_call_next           (HallQueue          *self,
                                                 const HallQueueConn *conn,
                                                 GPtrArray          *events,
                                                 const char         *counter,
                                                 const char * const *groups,
                                                 const char         *official,
                                                 const HallQueueKey *key,
                                                 GError            **error);
/* Whether hall_queue_call_next() for @counter and @groups would find
 * nobody and write nothing (no ticket waits for it today, and its record
 * says it is open for these groups, seen within the minute), read on the
 * queue's own connection: a counter asking while nobody waits is then
 * answered without the writer. FALSE when unsure. */
gboolean         hall_queue_nobody_waits        (HallQueue          *self,
                                                 const char         *counter,
                                                 const char * const *groups);
/* @action: recall, start, finish, no-show, transfer (to @group or to
 * @counter), park, resume. */
HallQueueAnswer *hall_queue_act                 (HallQueue          *self,
                                                 const HallQueueConn *conn,
                                                 GPtrArray          *events,
                                                 const char         *uuid,
                                                 const char         *action,
                                                 const char         *group,
                                                 const char         *counter,
                                                 const char         *official,
                                                 const HallQueueKey *key,
                                                 GError            **error);
/* An appointment @code (NULL: one is made) for @service in the slot from
 * @slot_start for @minutes (Unix seconds), of the case @case_uuid
 * (nullable). 201. */
HallQueueAnswer *hall_queue_add_appointment     (HallQueue          *self,
                                                 const HallQueueConn *conn,
                                                 GPtrArray          *events,
                                                 const char         *code,
                                                 const char         *service,
                                                 gint64              slot_start,
                                                 guint               minutes,
                                                 const char         *case_uuid,
                                                 const char         *official,
                                                 const HallQueueKey *key,
                                                 GError            **error);
/* A ticket of priority "appointment" for the appointment @code, from 30
 * minutes before its slot until the slot ends. 201. */
HallQueueAnswer *hall_queue_check_in            (HallQueue          *self,
                                                 const HallQueueConn *conn,
                                                 GPtrArray          *events,
                                                 const char         *code,
                                                 const char         *official,
                                                 const HallQueueKey *key,
                                                 GError            **error);
/* After the commit of operations' @events (transfer none; emptied): the
 * streams get them. */
void             hall_queue_publish             (HallQueue          *self,
                                                 GPtrArray          *events);
/* Whether @name is one of hall_queue_act()'s actions. */
gboolean         hall_queue_is_action           (const char         *name);
/* (transfer full): the JSON of GET /v1/queue. */
char            *hall_queue_dup_board           (HallQueue          *self,
                                                 GError            **error);
/* The id of the last event committed (0 when there is none). */
gint64           hall_queue_get_last_event_id   (HallQueue          *self);
/* (transfer full) (element-type HallQueueEvent): the events after @after,
 * oldest first, at most @max. */
GPtrArray       *hall_queue_list_events         (HallQueue          *self,
                                                 gint64              after,
                                                 guint               max,
                                                 GError            **error);
/* Calls @func after every commit with events and every keep-alive
 * interval; returns the id for hall_queue_unwatch(). */
guint            hall_queue_watch               (HallQueue          *self,
                                                 HallQueueWakeFunc   func,
                                                 gpointer            user_data);
/* Once it returns, @func runs no more for @id. */
void             hall_queue_unwatch             (HallQueue          *self,
                                                 guint               id);
/* Wakes every watcher now (the server stops). */
void             hall_queue_wake_all            (HallQueue          *self);
/* How often an idle stream gets a comment line (microseconds). */
gint64           hall_queue_get_keep_alive      (HallQueue          *self);

/* The queue's supervision figures (GET /v1/stats, hall-queue-stats.c),
 * of the tickets issued from @from to @to (Unix microseconds). */
typedef struct
{
  int     hour;        /* of the hall's day, UTC+08:00: 0–23 */
  gint64  tickets;     /* issued in the hour */
  gint64  no_shows;    /* now no_show: called, did not come, not resumed */
  gint64  abandoned;   /* of a day that is over, never done nor no_show */
  GArray *waits;       /* of HallQueueStatsWait: the called ones' waits, by minute */
} HallQueueStatsHour;

typedef struct
{
  gint64 minutes;      /* from issue to first call, whole minutes */
  gint64 tickets;
} HallQueueStatsWait;

typedef struct
{
  char   *counter;
  gint64  served;      /* done at it */
  gint64  hours;       /* hours (of the clock) in which it finished one */
} HallQueueStatsCounter;

void hall_queue_stats_hour_free    (HallQueueStatsHour    *hour);
void hall_queue_stats_counter_free (HallQueueStatsCounter *counter);

/* Fills *@hours_out (element-type HallQueueStatsHour, by hour, only
 * hours with tickets) and *@counters_out (element-type
 * HallQueueStatsCounter, by counter). */
gboolean         hall_queue_stats               (HallQueue          *self,
                                                 gint64              from,
                                                 gint64              to,
                                                 GPtrArray         **hours_out,
                                                 GPtrArray         **counters_out,
                                                 GError            **error);

G_END_DECLS
