/* hall-queue-private.h — the struct of HallQueue and what its files
 * (hall-queue.c: the object, groups, events and watchers;
 * hall-queue-tickets.c: tickets, transitions, appointments, estimates)
 * offer one another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hall-queue.h"
#include "hall-queue-stmt.h"

G_BEGIN_DECLS

/* A service group of the catalog: its letter and the names of the
 * departments whose services it holds. */
typedef struct
{
  char *letter;
  char *name_en;
  char *name_zh;
} HallQueueGroup;

typedef gint64 (*HallQueueClockFunc) (gpointer user_data);

struct _HallQueue
{
  GObject             parent_instance;
  char               *db_path;        /* SQLite's file, or NULL */
  char               *uri;            /* PostgreSQL's, or NULL */
  GMutex              mutex;          /* conn, read_conn, pending, and every operation */
  HallQueueConn       read_conn;      /* the queue's own, for reads */
  HallQueueConn       conn;           /* the one in use: read_conn or the writer's */
  GPtrArray          *groups;         /* of HallQueueGroup, by letter */
  GHashTable         *service_groups; /* service id -> group letter */
  char               *hall_en;
  char               *hall_zh;
  HallQueueClockFunc  clock;
  gpointer            clock_data;

  GMutex              events_mutex;   /* recent and last_event_id */
  GPtrArray          *recent;         /* of HallQueueEvent, oldest first */
  gint64              last_event_id;
  GPtrArray          *pending;        /* of HallQueueEvent, of the operation running */

  GMutex              watch_mutex;
  GHashTable         *watchers;       /* id -> HallQueueWatcher */
  guint               next_watch_id;
  GThread            *keep_alive_thread;
  GCond               keep_alive_cond;
  gint64              keep_alive;     /* microseconds */
  gboolean            stopping;

  /* On PostgreSQL, the events other servers committed: each queue write
   * notifies the channel, and this thread reads what is new. */
  GThread            *listen_thread;
  GMutex              catch_up_mutex;
  PGconn             *check_pg;       /* hall_queue_nobody_waits()'s, under check_mutex */
  GMutex              check_mutex;
};

/* Microseconds since the epoch, by the queue's clock. */
gint64          _hall_queue_now            (HallQueue   *self);
/* (transfer none) (nullable): the group of @letter. */
HallQueueGroup *_hall_queue_find_group     (HallQueue   *self,
                                            const char  *letter);
/* (transfer full): {"A": 3, …} of every group, from the open transaction. */
JsonNode       *_hall_queue_waiting_counts (HallQueue   *self,
                                            GError     **error);
/* (transfer full): the ticket @uuid as the API shows it. */
JsonNode       *_hall_queue_ticket_json    (HallQueue   *self,
                                            const char  *uuid,
                                            GError     **error);
/* Estimated wait of a ticket with @ahead tickets before it in @group. */
int             _hall_queue_estimate       (HallQueue   *self,
                                            const char  *group,
                                            gint64       ahead,
                                            GError     **error);
/* How many counters called for @group in the last half hour. */
int             _hall_queue_open_counters  (HallQueue   *self,
                                            const char  *group,
                                            GError     **error);
/* Under the mutex: self->conn is the queue's own read connection, made
 * again first if the database ended it. */
gboolean        _hall_queue_use_read_conn  (HallQueue   *self,
                                            GError     **error);
/* Under check_mutex, on PostgreSQL: the connection of
 * hall_queue_nobody_waits(), made (again) as needed; NULL with @error
 * set when the database cannot be reached. */
PGconn         *_hall_queue_get_check_pg   (HallQueue   *self,
                                            GError     **error);
/* On PostgreSQL: reads the events committed after the last one
 * published, in order, publishes them and wakes the watchers. */
void            _hall_queue_catch_up       (HallQueue   *self);
/* (transfer full): the local day of @usec, "2026-12-04". */
char           *_hall_queue_day            (gint64       usec);
/* (transfer full): NULL for 0, else "2026-12-04T07:31:34Z". */
char           *_hall_queue_iso            (gint64       usec);

G_END_DECLS
