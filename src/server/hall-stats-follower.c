/* hall-stats-follower.c — feeds the supervision figures from the change feed
 *
 * On PostgreSQL the figures' tables (stats_) are no longer written in the
 * transaction of each write (schema 12 of hall-server-postgres.c): a
 * thread of the server, with a connection of its own, feeds them from
 * the changes committed since, in transactions of its own, and folds the
 * cells' deltas. The writer only wakes it after a commit that wrote cases
 * or events; it then waits for the writes to pause, so that a burst of
 * them (a counter pushing a day it took in offline, a hall's counters
 * coming back after an outage) is not slowed by feeding it meanwhile and
 * one transaction feeds many writes; but not for longer than a few
 * seconds, so that under writes that never pause the work left for a read
 * of the figures stays small. Several servers' followers take turns
 * (stats_feed's lock); one that finds another at work leaves the changes
 * to it. A read of the figures feeds whatever is left itself, so nothing
 * here decides what they count, only how soon the work is done.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-stats-follower"

#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>

#include "hall-stats-follower-test-hooks.h"

/* A wake-up feeds once no write has come for this long... */
#define QUIET_USEC         (250 * G_TIME_SPAN_MILLISECOND)
/* ...or this long after the first write it has not fed. */
#define AT_MOST_USEC       (5 * G_USEC_PER_SEC)
/* The most changes one transaction feeds. */
#define FEED_AT_MOST       5000
/* The cells' deltas are folded once this many changes were fed, and at
 * a wake-up this long after the last fold (schema 10): a fold of a
 * thousand takes a few milliseconds, and until then the figures read the
 * deltas as they are. */
#define FOLD_EVERY_CHANGES 1000
#define FOLD_AFTER_USEC    (10 * G_USEC_PER_SEC)

struct _HallStatsFollower
{
  char                  *uri;
  HallStatsFollowerOpen  open;
  GThread               *thread;
  GMutex                 mutex;
  GCond                  cond;
  gboolean               woken;
  gint64                 first_woken_at;   /* monotonic, µs: the first write not fed */
  gint64                 last_woken_at;    /* and the last */
  gint64                 quiet;
  gint64                 at_most;
  gboolean               stopping;
  PGcancel              *cancel;      /* of the connection, for a stop mid-statement */
  /* The thread's own */
  PGconn                *pg;
  gint64                 unfolded;
  gint64                 folded_at;   /* monotonic, µs */
};

static gint64 quiet_for_tests;
static gint64 at_most_for_tests;

void
hall_stats_follower_set_waits (gint64 quiet,
                               gint64 at_most)
{
  quiet_for_tests = quiet;
  at_most_for_tests = at_most;
}

static void
disconnect (HallStatsFollower *self)
{
  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->cancel, PQfreeCancel);
  g_mutex_unlock (&self->mutex);
  g_clear_pointer (&self->pg, PQfinish);
}

/* The connection, made (again) if it is not there or broke; NULL while
 * the database cannot be reached: the next wake-up tries again. */
static PGconn *
connection (HallStatsFollower *self)
{
  g_autoptr(GError) error = NULL;

  if (self->pg != NULL && PQstatus (self->pg) == CONNECTION_OK)
    return self->pg;
  disconnect (self);
  self->pg = self->open (self->uri, &error);
  if (self->pg == NULL)
    {
      g_debug ("%s", error->message);
      return NULL;
    }
  g_mutex_lock (&self->mutex);
  self->cancel = PQgetCancel (self->pg);
  g_mutex_unlock (&self->mutex);
  return self->pg;
}

static gboolean
stopping (HallStatsFollower *self)
{
  gboolean stopping;

  g_mutex_lock (&self->mutex);
  stopping = self->stopping;
  g_mutex_unlock (&self->mutex);
  return stopping;
}

/* Runs @sql, a SELECT of one integer, into @value; FALSE if it failed
 * (as while the database restarts: the next wake-up tries again). A
 * connection found broken is made again, once. */
static gboolean
run (HallStatsFollower *self,
     const char        *sql,
     const char        *doing,
     gint64            *value)
{
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      PGconn *pg;
      PGresult *result;
      g_autofree char *message = NULL;

      /* A stop while connecting finds no statement to cancel. */
      if (stopping (self) || (pg = connection (self)) == NULL || stopping (self))
        return FALSE;
      result = PQexec (pg, sql);
      if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1)
        {
          *value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
          PQclear (result);
          return TRUE;
        }
      message = g_strchomp (g_strdup (PQresultErrorMessage (result)));
      PQclear (result);
      if (PQstatus (pg) == CONNECTION_OK || attempt > 0)
        {
          if (!stopping (self))
            g_message (_("Could not %s: %s"), doing, message);
          return FALSE;
        }
      disconnect (self);
    }
  return FALSE;
}

/* Feeds what was committed, and folds when it is time; TRUE to try again
 * soon, when another server's follower was at work: it may not have seen
 * this server's last writes. */
static gboolean
feed (HallStatsFollower *self)
{
  gint64 fed;
  gint64 folded;
  gint64 now;

  do
    {
      if (!run (self, "SELECT stats_feed (false, " G_STRINGIFY (FEED_AT_MOST) ")",
                _("feed the supervision figures"), &fed))
        return FALSE;
      if (fed < 0)
        return TRUE;
      self->unfolded += fed;
    }
  while (fed == FEED_AT_MOST && !stopping (self));

  /* Also the deltas of changes other servers' followers or readers fed,
   * which this one does not count. */
  now = g_get_monotonic_time ();
  if (stopping (self))
    return FALSE;
  if (self->unfolded >= FOLD_EVERY_CHANGES || now - self->folded_at >= FOLD_AFTER_USEC)
    {
      if (run (self, "SELECT stats_cells_fold ()", _("fold the supervision figures"), &folded))
        self->unfolded = 0;
      self->folded_at = now;
    }
  return FALSE;
}

static void
note_woken (HallStatsFollower *self)
{
  gint64 now = g_get_monotonic_time ();

  if (!self->woken)
    {
      self->woken = TRUE;
      self->first_woken_at = now;
    }
  self->last_woken_at = now;
}

static gpointer
follow (gpointer data)
{
  HallStatsFollower *self = data;

  self->folded_at = g_get_monotonic_time ();
  g_mutex_lock (&self->mutex);
  while (!self->stopping)
    {
      gint64 deadline;
      gboolean again;

      if (!self->woken)
        {
          g_cond_wait (&self->cond, &self->mutex);
          continue;
        }
      /* A write meanwhile moves the deadline on: read it again. */
      deadline = MIN (self->last_woken_at + self->quiet, self->first_woken_at + self->at_most);
      if (g_get_monotonic_time () < deadline)
        {
          g_cond_wait_until (&self->cond, &self->mutex, deadline);
          continue;
        }
      self->woken = FALSE;
      g_mutex_unlock (&self->mutex);
      again = feed (self);
      g_mutex_lock (&self->mutex);
      if (again && !self->woken)
        note_woken (self);
    }
  g_mutex_unlock (&self->mutex);
  disconnect (self);
  return NULL;
}

HallStatsFollower *
hall_stats_follower_new (const char            *uri,
                         HallStatsFollowerOpen  open)
{
  HallStatsFollower *self = g_new0 (HallStatsFollower, 1);

  self->uri = g_strdup (uri);
  self->open = open;
  self->quiet = quiet_for_tests > 0 ? quiet_for_tests : QUIET_USEC;
  self->at_most = at_most_for_tests > 0 ? at_most_for_tests : AT_MOST_USEC;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("stats-follower", follow, self);
  return self;
}

/* After a commit of cases or events: feed them soon. */
void
hall_stats_follower_wake (HallStatsFollower *self)
{
  g_mutex_lock (&self->mutex);
  /* Already woken, it is waiting for a pause: its deadline moves on
   * without a signal. */
  if (!self->woken)
    g_cond_signal (&self->cond);
  note_woken (self);
  g_mutex_unlock (&self->mutex);
}

/* Stops the thread, mid-wait or mid-statement (cancelled: its
 * transaction rolls back). What it did not feed is fed by the next
 * follower, or the next read. */
void
hall_stats_follower_free (HallStatsFollower *self)
{
  char message[256];

  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  g_cond_signal (&self->cond);
  /* (PostgreSQL 15's PQcancel has no timeout of its own: across a
   * network that broke, the stop waits for TCP to give up.) */
  if (self->cancel != NULL)
    PQcancel (self->cancel, message, sizeof message);
  g_mutex_unlock (&self->mutex);
  g_thread_join (self->thread);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->uri);
  g_free (self);
}
