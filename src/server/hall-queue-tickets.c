/* hall-queue-tickets.c — tickets and their transitions, appointments, and
 * the estimated waits, each operation one transaction under the queue's
 * lock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ticket waits (or, once transferred, waits again) until a counter
 * calls it; a called one is recalled, started, sent away as a no-show,
 * transferred or parked; a served one is finished, transferred or parked;
 * a parked one or a no-show resumes waiting. Every transition is a row of
 * ticket_transitions with its time, and that row's id is the id of its
 * event in the stream.
 */
#define G_LOG_DOMAIN "hall-queue"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-queue-private.h"

/* Service time assumed for a group until it has served someone today. */
#define DEFAULT_SERVICE_SECONDS (5 * 60)
/* The service times an estimate averages: the most recent ones. */
#define ESTIMATE_SAMPLE 20
/* A counter that called for a group this recently is open for it. */
#define OPEN_COUNTER_USEC (30 * G_TIME_SPAN_MINUTE)
/* An appointment checks in from this long before its slot. */
#define CHECK_IN_EARLY_USEC (30 * G_TIME_SPAN_MINUTE)

#define WAITING_STATES "('waiting', 'transferred')"

static const char *const priorities[] = { "normal", "priority", "appointment", NULL };

/* The advisory lock every write of the queue takes on PostgreSQL, until
 * its transaction ends: two servers calling the next ticket at once are
 * served one after the other, as the writer thread serves two counters
 * on SQLite, and the events' ids are in the order they commit. */
#define PG_QUEUE_LOCK "SELECT pg_advisory_xact_lock (7316531)"
/* The channel every server's queue listens on (hall-queue.c). */
#define PG_QUEUE_NOTIFY "NOTIFY hall_queue"

/* Operations: each runs on @conn, inside the writer's transaction, under
 * the queue's lock (and on PostgreSQL the database's). Always takes the
 * mutex: end() lets go of it. */
static gboolean
begin (HallQueue           *self,
       const HallQueueConn *conn,
       GError             **error)
{
  g_mutex_lock (&self->mutex);
  self->conn = *conn;
  return self->conn.pg == NULL
         || hall_queue_conn_exec (&self->conn, PG_QUEUE_LOCK, _("lock the queue"), error);
}

/* Hands the operation's events to @events when it is to stay (@ok), and
 * lets go of the lock. Returns @ok. */
static gboolean
end (HallQueue *self,
     gboolean   ok,
     GPtrArray *events)
{
  /* Other servers' streams learn of the events when they commit. */
  if (ok && self->pending->len > 0 && self->conn.pg != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!hall_queue_conn_exec (&self->conn, PG_QUEUE_NOTIFY, _("announce the queue's events"),
                                 &error))
        g_warning ("%s", error->message);
    }
  if (ok)
    while (self->pending->len > 0)
      g_ptr_array_add (events, g_ptr_array_steal_index (self->pending, 0));
  else
    g_ptr_array_set_size (self->pending, 0);
  self->conn = (HallQueueConn) { NULL, NULL };
  g_mutex_unlock (&self->mutex);
  return ok;
}

/* Idempotency-Key: the answer stored with it, in the server's idempotency
 * table. */

static gboolean
replay (HallQueue           *self,
        const HallQueueKey  *key,
        HallQueueAnswer    **answer_out,
        GError             **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;

  *answer_out = NULL;
  if (key == NULL || key->key == NULL)
    return TRUE;
  stmt = hall_queue_stmt_new (&self->conn,
    "SELECT request_hash, status, body FROM idempotency WHERE key = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_queue_stmt_bind_text (stmt, 1, key->key);
  if (!hall_queue_stmt_step_row (stmt, _("look up the Idempotency-Key"), &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }
  if (g_strcmp0 (hall_queue_stmt_get_text (stmt, 0), key->request_hash) != 0)
    {
      g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_KEY_REUSED,
                   _("This Idempotency-Key was used for another request"));
      return FALSE;
    }
  *answer_out = g_new0 (HallQueueAnswer, 1);
  (*answer_out)->status = hall_queue_stmt_get_int64 (stmt, 1);
  (*answer_out)->body = g_strdup (hall_queue_stmt_get_text (stmt, 2));
  return TRUE;
}

static gboolean
remember (HallQueue             *self,
          const HallQueueKey    *key,
          const HallQueueAnswer *answer,
          GError               **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;

  if (key == NULL || key->key == NULL)
    return TRUE;
  stmt = hall_queue_stmt_new (&self->conn,
    "INSERT INTO idempotency (key, request_hash, status, etag, body,"
                                   " created_at) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_queue_stmt_bind_text (stmt, 1, key->key);
  hall_queue_stmt_bind_text (stmt, 2, key->request_hash);
  hall_queue_stmt_bind_int64 (stmt, 3, answer->status);
  hall_queue_stmt_bind_text (stmt, 4, answer->body);
  hall_queue_stmt_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  return hall_queue_stmt_run (stmt, _("store the Idempotency-Key"), error);
}

/* Reading tickets */

JsonNode *
_hall_queue_waiting_counts (HallQueue  *self,
                            GError    **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autoptr(JsonObject) counts = json_object_new ();
  g_autofree char *today = _hall_queue_day (_hall_queue_now (self));
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;

  for (guint i = 0; i < self->groups->len; i++)
    json_object_set_int_member (counts, ((HallQueueGroup *) self->groups->pdata[i])->letter, 0);
  stmt = hall_queue_stmt_new (&self->conn,
    "SELECT grp, count (*) FROM tickets WHERE day = ?1"
                                   " AND state IN " WAITING_STATES " GROUP BY grp", error);
  if (stmt == NULL)
    return NULL;
  hall_queue_stmt_bind_text (stmt, 1, today);
  while (hall_queue_stmt_step_row (stmt, _("count the waiting tickets"), &local_error))
    json_object_set_int_member (counts, hall_queue_stmt_get_text (stmt, 0),
                                hall_queue_stmt_get_int64 (stmt, 1));
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, counts);
  return node;
}

int
_hall_queue_open_counters (HallQueue  *self,
                           const char *group,
                           GError    **error)
{
  g_autoptr(HallQueueStmt) stmt = hall_queue_stmt_new_for (&self->conn,
    "SELECT count (*) FROM queue_counters, json_each (queue_counters.groups)"
    " WHERE json_each.value = ?1 AND seen_at >= ?2",
    "SELECT count (*) FROM queue_counters"
    " WHERE groups::jsonb @> jsonb_build_array (?1) AND seen_at >= ?2", error);

  if (stmt == NULL)
    return -1;
  hall_queue_stmt_bind_text (stmt, 1, group);
  hall_queue_stmt_bind_int64 (stmt, 2, _hall_queue_now (self) - OPEN_COUNTER_USEC);
  if (!hall_queue_stmt_step_row (stmt, _("count the open counters"), error))
    return -1;
  return hall_queue_stmt_get_int64 (stmt, 0);
}

/* Minutes until a ticket with @ahead tickets before it in @group is
 * called: the counters open for the group each take the next ticket when
 * they finish one, a service taking as long as the group's last ones took
 * on average (from the call to the end), and the one being served now is
 * half done on average. */
int
_hall_queue_estimate (HallQueue  *self,
                      const char *group,
                      gint64      ahead,
                      GError    **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  double service = DEFAULT_SERVICE_SECONDS;
  double seconds;
  int counters;

  stmt = hall_queue_stmt_new (&self->conn,
    "SELECT avg (finished_at - called_at) FROM (SELECT finished_at, called_at FROM tickets"
    " WHERE grp = ?1 AND state = 'done' AND called_at IS NOT NULL AND finished_at IS NOT NULL"
    " ORDER BY finished_at DESC LIMIT ?2) AS recent", error);
  if (stmt == NULL)
    return -1;
  hall_queue_stmt_bind_text (stmt, 1, group);
  hall_queue_stmt_bind_int64 (stmt, 2, ESTIMATE_SAMPLE);
  if (!hall_queue_stmt_step_row (stmt, _("estimate the wait"), error))
    return -1;
  if (!hall_queue_stmt_is_null (stmt, 0))
    service = hall_queue_stmt_get_double (stmt, 0) / G_USEC_PER_SEC;
  g_clear_pointer (&stmt, hall_queue_stmt_free);

  counters = _hall_queue_open_counters (self, group, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }
  if (counters < 1)
    counters = 1;
  seconds = ((double) ahead + 1.0) * service / counters - service / 2.0;
  if (seconds < 0)
    seconds = 0;
  return (int) ((seconds + 59.0) / 60.0);
}

/* How many tickets are called before the waiting ticket @uuid. */
static gint64
count_ahead (HallQueue  *self,
             const char *uuid,
             GError    **error)
{
  g_autoptr(HallQueueStmt) stmt = hall_queue_stmt_new (&self->conn,
    "SELECT count (*) FROM tickets o, tickets t WHERE t.uuid = ?1 AND o.day = t.day"
    " AND o.state IN " WAITING_STATES " AND o.uuid != t.uuid"
    " AND ((t.targeted AND o.targeted AND o.counter = t.counter)"
    "      OR (NOT t.targeted AND NOT o.targeted AND o.grp = t.grp))"
    " AND ((o.priority = 'normal') < (t.priority = 'normal')"
    "      OR ((o.priority = 'normal') = (t.priority = 'normal')"
    "          AND (o.queued_at < t.queued_at"
    "               OR (o.queued_at = t.queued_at AND o.rowid < t.rowid))))", error);

  if (stmt == NULL)
    return -1;
  hall_queue_stmt_bind_text (stmt, 1, uuid);
  if (!hall_queue_stmt_step_row (stmt, _("estimate the wait"), error))
    return -1;
  return hall_queue_stmt_get_int64 (stmt, 0);
}

static void
add_time (JsonBuilder  *builder,
          const char   *name,
          HallQueueStmt  *stmt,
          int           column)
{
  g_autofree char *text = NULL;

  json_builder_set_member_name (builder, name);
  if (hall_queue_stmt_is_null (stmt, column)
      || (text = _hall_queue_iso (hall_queue_stmt_get_int64 (stmt, column))) == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, text);
}

static void
add_text (JsonBuilder    *builder,
          const char     *name,
          HallQueueStmt  *stmt,
          int             column)
{
  json_builder_set_member_name (builder, name);
  if (hall_queue_stmt_is_null (stmt, column))
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, hall_queue_stmt_get_text (stmt, column));
}

JsonNode *
_hall_queue_ticket_json (HallQueue  *self,
                         const char *uuid,
                         GError    **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *group = NULL;
  g_autofree char *state = NULL;
  int estimate = 0;

  stmt = hall_queue_stmt_new (&self->conn,
    "SELECT uuid, number, grp, service, priority, state, counter, issued_at, called_at,"
    " served_at, finished_at, calls, case_uuid FROM tickets WHERE uuid = ?1", error);
  if (stmt == NULL)
    return NULL;
  hall_queue_stmt_bind_text (stmt, 1, uuid);
  if (!hall_queue_stmt_step_row (stmt, _("read the ticket"), &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_NOT_FOUND,
                     _("There is no ticket %s"), uuid);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  group = g_strdup (hall_queue_stmt_get_text (stmt, 2));
  state = g_strdup (hall_queue_stmt_get_text (stmt, 5));

  json_builder_begin_object (builder);
  add_text (builder, "uuid", stmt, 0);
  add_text (builder, "number", stmt, 1);
  add_text (builder, "group", stmt, 2);
  add_text (builder, "service", stmt, 3);
  add_text (builder, "priority", stmt, 4);
  add_text (builder, "state", stmt, 5);
  add_text (builder, "counter", stmt, 6);
  add_time (builder, "issued_at", stmt, 7);
  add_time (builder, "called_at", stmt, 8);
  add_time (builder, "served_at", stmt, 9);
  add_time (builder, "finished_at", stmt, 10);
  json_builder_set_member_name (builder, "calls");
  json_builder_add_int_value (builder, hall_queue_stmt_get_int64 (stmt, 11));
  add_text (builder, "case", stmt, 12);
  g_clear_pointer (&stmt, hall_queue_stmt_free);

  if (g_str_equal (state, "waiting") || g_str_equal (state, "transferred"))
    {
      gint64 ahead = count_ahead (self, uuid, error);

      if (ahead < 0 || (estimate = _hall_queue_estimate (self, group, ahead, error)) < 0)
        return NULL;
    }
  json_builder_set_member_name (builder, "estimated_wait_minutes");
  json_builder_add_int_value (builder, estimate);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Transitions */

/* Stores the transition of @uuid that has just been written as the event
 * @change, with the ticket as it is now. */
static JsonNode *
record (HallQueue  *self,
        const char *uuid,
        const char *change,
        const char *from_state,
        const char *counter,
        const char *official,
        GError    **error)
{
  g_autoptr(JsonNode) ticket = _hall_queue_ticket_json (self, uuid, error);
  g_autoptr(JsonNode) waiting = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autofree char *text = NULL;
  HallQueueEvent *event;
  gint64 id;

  if (ticket == NULL)
    return NULL;
  waiting = _hall_queue_waiting_counts (self, error);
  if (waiting == NULL)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "change");
  json_builder_add_string_value (builder, change);
  json_builder_set_member_name (builder, "ticket");
  json_builder_add_value (builder, json_node_ref (ticket));
  json_builder_set_member_name (builder, "waiting");
  json_builder_add_value (builder, g_steal_pointer (&waiting));
  json_builder_end_object (builder);
  data = json_builder_get_root (builder);
  text = json_to_string (data, FALSE);

  stmt = hall_queue_stmt_new (&self->conn,
    "INSERT INTO ticket_transitions (ticket_uuid, change, from_state, to_state, counter,"
    " official, at, event) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '') RETURNING id", error);
  if (stmt == NULL)
    return NULL;
  hall_queue_stmt_bind_text (stmt, 1, uuid);
  hall_queue_stmt_bind_text (stmt, 2, change);
  hall_queue_stmt_bind_text (stmt, 3, from_state);
  hall_queue_stmt_bind_text (stmt, 4, json_object_get_string_member (json_node_get_object (ticket),
                                                                 "state"));
  hall_queue_stmt_bind_text (stmt, 5, counter);
  hall_queue_stmt_bind_text (stmt, 6, official);
  hall_queue_stmt_bind_int64 (stmt, 7, _hall_queue_now (self));
  if (!hall_queue_stmt_step_row (stmt, _("record the ticket's transition"), error))
    return NULL;
  id = hall_queue_stmt_get_int64 (stmt, 0);
  g_clear_pointer (&stmt, hall_queue_stmt_free);

  event = g_new (HallQueueEvent, 1);
  event->id = id;
  event->frame = g_strdup_printf ("id: %" G_GINT64_FORMAT "\nevent: ticket\ndata: %s\n\n", id, text);
  stmt = hall_queue_stmt_new (&self->conn,
    "UPDATE ticket_transitions SET event = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    {
      hall_queue_event_free (event);
      return NULL;
    }
  hall_queue_stmt_bind_int64 (stmt, 1, id);
  hall_queue_stmt_bind_text (stmt, 2, event->frame);
  if (!hall_queue_stmt_run (stmt, _("record the ticket's transition"), error))
    {
      hall_queue_event_free (event);
      return NULL;
    }
  g_ptr_array_add (self->pending, event);
  return g_steal_pointer (&ticket);
}

static HallQueueAnswer *
answer_new (guint     status,
            JsonNode *ticket)
{
  HallQueueAnswer *answer = g_new0 (HallQueueAnswer, 1);

  answer->status = status;
  answer->body = json_to_string (ticket, FALSE);
  return answer;
}

/* Inserts a waiting ticket of @service (in its group) and records it. */
static JsonNode *
issue_locked (HallQueue  *self,
              const char *service,
              const char *priority,
              const char *case_uuid,
              const char *official,
              GError    **error)
{
  const char *group = g_hash_table_lookup (self->service_groups, service);
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *today = NULL;
  g_autofree char *number = NULL;
  gint64 now = _hall_queue_now (self);
  gint64 seq;

  if (group == NULL)
    {
      g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_SERVICE,
                   _("The catalog has no service “%s” that takes tickets"), service);
      return NULL;
    }
  today = _hall_queue_day (now);
  stmt = hall_queue_stmt_new (&self->conn,
    "SELECT coalesce (max (seq), 0) + 1 FROM tickets"
                                   " WHERE day = ?1 AND letter = ?2", error);
  if (stmt == NULL)
    return NULL;
  hall_queue_stmt_bind_text (stmt, 1, today);
  hall_queue_stmt_bind_text (stmt, 2, group);
  if (!hall_queue_stmt_step_row (stmt, _("number the ticket"), error))
    return NULL;
  seq = hall_queue_stmt_get_int64 (stmt, 0);
  g_clear_pointer (&stmt, hall_queue_stmt_free);
  number = g_strdup_printf ("%s%03" G_GINT64_FORMAT, group, seq);

  stmt = hall_queue_stmt_new (&self->conn,
    "INSERT INTO tickets (uuid, day, letter, seq, number, grp, service, priority, state,"
    " targeted, issued_at, queued_at, calls, case_uuid)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?3, ?6, ?7, 'waiting', FALSE, ?8, ?8, 0, ?9)", error);
  if (stmt == NULL)
    return NULL;
  hall_queue_stmt_bind_text (stmt, 1, uuid);
  hall_queue_stmt_bind_text (stmt, 2, today);
  hall_queue_stmt_bind_text (stmt, 3, group);
  hall_queue_stmt_bind_int64 (stmt, 4, seq);
  hall_queue_stmt_bind_text (stmt, 5, number);
  hall_queue_stmt_bind_text (stmt, 6, service);
  hall_queue_stmt_bind_text (stmt, 7, priority);
  hall_queue_stmt_bind_int64 (stmt, 8, now);
  hall_queue_stmt_bind_text (stmt, 9, case_uuid);
  if (!hall_queue_stmt_run (stmt, _("issue the ticket"), error))
    return NULL;
  return record (self, uuid, "issued", NULL, NULL, official, error);
}

HallQueueAnswer *
hall_queue_issue (HallQueue          *self,
                 const HallQueueConn *conn,
                 GPtrArray          *events,
                  const char         *service,
                  const char         *priority,
                  const char         *official,
                  const HallQueueKey *key,
                  GError            **error)
{
  g_autoptr(JsonNode) ticket = NULL;
  HallQueueAnswer *answer = NULL;

  if (priority == NULL)
    priority = "normal";
  g_return_val_if_fail (g_strv_contains (priorities, priority), NULL);
  if (!begin (self, conn, error) || !replay (self, key, &answer, error))
    goto fail;
  if (answer != NULL)
    {
      end (self, FALSE, events);
      return answer;
    }
  ticket = issue_locked (self, service, priority, NULL, official, error);
  if (ticket == NULL)
    goto fail;
  answer = answer_new (201, ticket);
  if (!remember (self, key, answer, error))
    {
      g_clear_pointer (&answer, hall_queue_answer_free);
      goto fail;
    }
  end (self, TRUE, events);
  return answer;

fail:
  end (self, FALSE, events);
  return NULL;
}

/* The groups @counter called for last, as a JSON array text; NULL when it
 * never called. */
static char *
counter_groups (HallQueue  *self,
                const char *counter,
                GError    **error)
{
  g_autoptr(HallQueueStmt) stmt = hall_queue_stmt_new (&self->conn,
    "SELECT groups FROM queue_counters WHERE counter = ?1", error);

  if (stmt == NULL)
    return NULL;
  hall_queue_stmt_bind_text (stmt, 1, counter);
  if (!hall_queue_stmt_step_row (stmt, _("read the counter"), error))
    return NULL;
  return g_strdup (hall_queue_stmt_get_text (stmt, 0));
}

/* (transfer full): the JSON array of the groups a call of @counter is
 * for: @groups, else those it called for last, else every group. */
static char *
groups_json_of (HallQueue           *self,
                const char          *counter,
                const char * const  *groups,
                GError             **error)
{
  g_autoptr(GString) text = g_string_new ("[");
  g_autoptr(GError) local_error = NULL;

  if (groups != NULL)
    {
      for (guint i = 0; groups[i] != NULL; i++)
        g_string_append_printf (text, "%s\"%s\"", i > 0 ? "," : "", groups[i]);
    }
  else
    {
      char *last = counter_groups (self, counter, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (last != NULL)
        {
          g_string_free (g_steal_pointer (&text), TRUE);
          return last;
        }
      for (guint i = 0; i < self->groups->len; i++)
        g_string_append_printf (text, "%s\"%s\"", i > 0 ? "," : "",
                                ((HallQueueGroup *) self->groups->pdata[i])->letter);
    }
  g_string_append_c (text, ']');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* hall_queue_nobody_waits() on @conn, for @groups_json. */
static gboolean
nobody_waits_on (HallQueue            *self,
                 const HallQueueConn  *conn,
                 const char           *counter,
                 const char           *groups_json,
                 GError              **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;
  gint64 now = _hall_queue_now (self);
  g_autofree char *today = _hall_queue_day (now);

  stmt = hall_queue_stmt_new_for (conn,
    "SELECT (SELECT count (*) FROM queue_counters WHERE counter = ?2 AND groups = ?3"
    "        AND seen_at >= ?4),"
    " EXISTS (SELECT 1 FROM tickets WHERE day = ?1 AND state IN " WAITING_STATES
    "         AND ((targeted AND counter = ?2)"
    "              OR (NOT targeted AND grp IN (SELECT value FROM json_each (?3)))))",
    "SELECT (SELECT count (*) FROM queue_counters WHERE counter = ?2 AND groups = ?3"
    "        AND seen_at >= ?4),"
    " EXISTS (SELECT 1 FROM tickets WHERE day = ?1 AND state IN " WAITING_STATES
    "         AND ((targeted AND counter = ?2)"
    "              OR (NOT targeted AND grp IN (SELECT jsonb_array_elements_text (?3::jsonb)))))",
    error);
  if (stmt == NULL)
    return FALSE;
  hall_queue_stmt_bind_text (stmt, 1, today);
  hall_queue_stmt_bind_text (stmt, 2, counter);
  hall_queue_stmt_bind_text (stmt, 3, groups_json);
  hall_queue_stmt_bind_int64 (stmt, 4, now - G_TIME_SPAN_MINUTE);
  return hall_queue_stmt_step_row (stmt, _("find the next ticket"), error)
         && hall_queue_stmt_get_int64 (stmt, 0) == 1 && !hall_queue_stmt_get_boolean (stmt, 1);
}

gboolean
hall_queue_nobody_waits (HallQueue          *self,
                         const char         *counter,
                         const char * const *groups)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *groups_json = NULL;
  gboolean nobody = FALSE;

  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    if (_hall_queue_find_group (self, groups[i]) == NULL)
      return FALSE;  /* the writer's refusal names it */
  if (self->uri != NULL)
    {
      /* On a connection of its own, so that counters asking in a loop
       * never keep the writer from the queue's lock. */
      HallQueueConn conn = { NULL, NULL };

      if (groups == NULL)
        return FALSE;
      groups_json = groups_json_of (self, counter, groups, NULL);
      g_mutex_lock (&self->check_mutex);
      conn.pg = _hall_queue_get_check_pg (self, &error);
      nobody = conn.pg != NULL && nobody_waits_on (self, &conn, counter, groups_json, &error);
      g_mutex_unlock (&self->check_mutex);
    }
  else
    {
      g_mutex_lock (&self->mutex);
      if (_hall_queue_use_read_conn (self, &error))
        groups_json = groups_json_of (self, counter, groups, &error);
      nobody = groups_json != NULL
               && nobody_waits_on (self, &self->conn, counter, groups_json, &error);
      g_mutex_unlock (&self->mutex);
    }
  if (error != NULL)
    g_debug ("%s", error->message);
  return nobody;
}

HallQueueAnswer *
hall_queue_call_next (HallQueue          *self,
                     const HallQueueConn *conn,
                     GPtrArray          *events,
                      const char         *counter,
                      const char * const *groups,
                      const char         *official,
                      const HallQueueKey *key,
                      GError            **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autoptr(JsonNode) ticket = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *groups_json = NULL;
  g_autofree char *today = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *from_state = NULL;
  HallQueueAnswer *answer = NULL;
  gint64 now;

  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    if (_hall_queue_find_group (self, groups[i]) == NULL)
      {
        g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_GROUP,
                     _("No service of the catalog is in group “%s”"), groups[i]);
        return NULL;
      }
  if (!begin (self, conn, error) || !replay (self, key, &answer, error))
    goto fail;
  if (answer != NULL)
    {
      end (self, FALSE, events);
      return answer;
    }
  now = _hall_queue_now (self);
  today = _hall_queue_day (now);
  groups_json = groups_json_of (self, counter, groups, error);
  if (groups_json == NULL)
    goto fail;

  /* The counter is open for these groups from now on. Written again only
   * when that changes or a minute has passed: a counter asking while
   * nobody waits then costs no commit. */
  stmt = hall_queue_stmt_new (&self->conn,
    "INSERT INTO queue_counters (counter, groups, seen_at)"
    " VALUES (?1, ?2, ?3) ON CONFLICT (counter) DO UPDATE"
    " SET groups = excluded.groups, seen_at = excluded.seen_at"
    " WHERE queue_counters.groups IS DISTINCT FROM excluded.groups"
    " OR queue_counters.seen_at < excluded.seen_at - ?4", error);
  if (stmt == NULL)
    goto fail;
  hall_queue_stmt_bind_text (stmt, 1, counter);
  hall_queue_stmt_bind_text (stmt, 2, groups_json);
  hall_queue_stmt_bind_int64 (stmt, 3, now);
  hall_queue_stmt_bind_int64 (stmt, 4, G_TIME_SPAN_MINUTE);
  if (!hall_queue_stmt_run (stmt, _("open the counter"), error))
    goto fail;
  g_clear_pointer (&stmt, hall_queue_stmt_free);

  stmt = hall_queue_stmt_new_for (&self->conn,
    "SELECT uuid, state FROM tickets WHERE day = ?1 AND state IN " WAITING_STATES
    " AND ((targeted AND counter = ?2)"
    "      OR (NOT targeted AND grp IN (SELECT value FROM json_each (?3))))"
    " ORDER BY targeted DESC, priority = 'normal', queued_at, rowid LIMIT 1",
    "SELECT uuid, state FROM tickets WHERE day = ?1 AND state IN " WAITING_STATES
    " AND ((targeted AND counter = ?2)"
    "      OR (NOT targeted AND grp IN (SELECT jsonb_array_elements_text (?3::jsonb))))"
    " ORDER BY targeted DESC, priority = 'normal', queued_at, rowid LIMIT 1", error);
  if (stmt == NULL)
    goto fail;
  hall_queue_stmt_bind_text (stmt, 1, today);
  hall_queue_stmt_bind_text (stmt, 2, counter);
  hall_queue_stmt_bind_text (stmt, 3, groups_json);
  if (!hall_queue_stmt_step_row (stmt, _("find the next ticket"), &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        {
          /* The counter's being open is kept, so estimates count it. */
          g_clear_pointer (&stmt, hall_queue_stmt_free);
          end (self, TRUE, events);
          g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_EMPTY,
                       _("Nobody waits in the groups of counter %s"), counter);
          return NULL;
        }
      goto fail;
    }
  uuid = g_strdup (hall_queue_stmt_get_text (stmt, 0));
  from_state = g_strdup (hall_queue_stmt_get_text (stmt, 1));
  g_clear_pointer (&stmt, hall_queue_stmt_free);

  stmt = hall_queue_stmt_new (&self->conn,
    "UPDATE tickets SET state = 'called', counter = ?2, targeted = FALSE,"
    " called_at = coalesce (called_at, ?3), last_called_at = ?3, calls = calls + 1"
    " WHERE uuid = ?1", error);
  if (stmt == NULL)
    goto fail;
  hall_queue_stmt_bind_text (stmt, 1, uuid);
  hall_queue_stmt_bind_text (stmt, 2, counter);
  hall_queue_stmt_bind_int64 (stmt, 3, now);
  if (!hall_queue_stmt_run (stmt, _("call the ticket"), error))
    goto fail;
  g_clear_pointer (&stmt, hall_queue_stmt_free);

  ticket = record (self, uuid, "called", from_state, counter, official, error);
  if (ticket == NULL)
    goto fail;
  answer = answer_new (200, ticket);
  if (!remember (self, key, answer, error))
    {
      g_clear_pointer (&answer, hall_queue_answer_free);
      goto fail;
    }
  end (self, TRUE, events);
  return answer;

fail:
  end (self, FALSE, events);
  return NULL;
}

/* The actions on one ticket: the states each may start from, the state it
 * leads to, and the name of its event. */
typedef struct
{
  const char *action;
  const char *from[3];
  const char *to;
  const char *change;
  const char *sql;
} HallQueueAction;

static const HallQueueAction actions[] = {
  { "recall", { "called" }, "called", "recalled",
    "UPDATE tickets SET calls = calls + 1, last_called_at = ?2 WHERE uuid = ?1" },
  { "start", { "called" }, "serving", "started",
    "UPDATE tickets SET state = 'serving', served_at = ?2 WHERE uuid = ?1" },
  { "finish", { "serving" }, "done", "finished",
    "UPDATE tickets SET state = 'done', finished_at = ?2 WHERE uuid = ?1" },
  { "no-show", { "called" }, "no_show", "no_show",
    "UPDATE tickets SET state = 'no_show', finished_at = ?2 WHERE uuid = ?1" },
  /* Kept its place by the time it was issued: it has waited already. */
  { "transfer", { "called", "serving" }, "transferred", "transferred",
    "UPDATE tickets SET state = 'transferred', grp = coalesce (?3, grp), counter = ?4,"
    " targeted = ?4 IS NOT NULL, served_at = NULL WHERE uuid = ?1 AND ?2 IS NOT NULL" },
  { "park", { "called", "serving" }, "parked", "parked",
    "UPDATE tickets SET state = 'parked' WHERE uuid = ?1 AND ?2 IS NOT NULL" },
  /* A citizen back from fetching a document, or late for the call, is
   * called next in the group. */
  { "resume", { "parked", "no_show" }, "waiting", "resumed",
    "UPDATE tickets SET state = 'waiting', counter = NULL, targeted = FALSE, finished_at = NULL"
    " WHERE uuid = ?1 AND ?2 IS NOT NULL" },
};

static const HallQueueAction *
find_action (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].action, name))
      return &actions[i];
  return NULL;
}

gboolean
hall_queue_is_action (const char *name)
{
  return find_action (name) != NULL;
}

HallQueueAnswer *
hall_queue_act (HallQueue          *self,
               const HallQueueConn *conn,
               GPtrArray          *events,
                const char         *uuid,
                const char         *action_name,
                const char         *group,
                const char         *counter,
                const char         *official,
                const HallQueueKey *key,
                GError            **error)
{
  const HallQueueAction *action = find_action (action_name);
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autoptr(JsonNode) ticket = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *number = NULL;
  g_autofree char *ticket_counter = NULL;
  HallQueueAnswer *answer = NULL;
  gboolean allowed = FALSE;

  g_return_val_if_fail (action != NULL, NULL);
  if (group != NULL && _hall_queue_find_group (self, group) == NULL)
    {
      g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_GROUP,
                   _("No service of the catalog is in group “%s”"), group);
      return NULL;
    }
  if (!begin (self, conn, error) || !replay (self, key, &answer, error))
    goto fail;
  if (answer != NULL)
    {
      end (self, FALSE, events);
      return answer;
    }

  stmt = hall_queue_stmt_new (&self->conn,
    "SELECT state, number, counter FROM tickets WHERE uuid = ?1",
                                   error);
  if (stmt == NULL)
    goto fail;
  hall_queue_stmt_bind_text (stmt, 1, uuid);
  if (!hall_queue_stmt_step_row (stmt, _("read the ticket"), &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_NOT_FOUND,
                     _("There is no ticket %s"), uuid);
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }
  state = g_strdup (hall_queue_stmt_get_text (stmt, 0));
  number = g_strdup (hall_queue_stmt_get_text (stmt, 1));
  ticket_counter = g_strdup (hall_queue_stmt_get_text (stmt, 2));
  g_clear_pointer (&stmt, hall_queue_stmt_free);

  for (guint i = 0; i < G_N_ELEMENTS (action->from) && action->from[i] != NULL; i++)
    allowed = allowed || g_str_equal (action->from[i], state);
  if (!allowed)
    {
      g_autofree char *states = g_strjoinv (_(" or "), (char **) action->from);

      g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_TRANSITION,
                   _("Ticket %s is %s: “%s” needs a ticket that is %s"),
                   number, state, action->action, states);
      goto fail;
    }

  stmt = hall_queue_stmt_new (&self->conn,
    action->sql, error);
  if (stmt == NULL)
    goto fail;
  hall_queue_stmt_bind_text (stmt, 1, uuid);
  hall_queue_stmt_bind_int64 (stmt, 2, _hall_queue_now (self));
  if (g_str_equal (action->action, "transfer"))
    {
      hall_queue_stmt_bind_text (stmt, 3, group);
      hall_queue_stmt_bind_text (stmt, 4, counter);
    }
  if (!hall_queue_stmt_run (stmt, _("change the ticket"), error))
    goto fail;
  g_clear_pointer (&stmt, hall_queue_stmt_free);

  ticket = record (self, uuid, action->change, state,
                   counter != NULL ? counter : ticket_counter, official, error);
  if (ticket == NULL)
    goto fail;
  answer = answer_new (200, ticket);
  if (!remember (self, key, answer, error))
    {
      g_clear_pointer (&answer, hall_queue_answer_free);
      goto fail;
    }
  end (self, TRUE, events);
  return answer;

fail:
  end (self, FALSE, events);
  return NULL;
}

/* Appointments */

static char *
make_code (void)
{
  /* No 0/O, 1/I: read out over a counter or typed at a kiosk. */
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  char code[9];

  for (guint i = 0; i < 8; i++)
    code[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  code[8] = '\0';
  return g_strdup (code);
}

static JsonNode *
appointment_json (HallQueue  *self,
                  const char *code,
                  GError    **error)
{
  g_autoptr(HallQueueStmt) stmt = hall_queue_stmt_new (&self->conn,
    "SELECT code, service, slot_start, slot_end, case_uuid, ticket_uuid FROM appointments"
    " WHERE code = ?1", error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (stmt == NULL)
    return NULL;
  hall_queue_stmt_bind_text (stmt, 1, code);
  if (!hall_queue_stmt_step_row (stmt, _("read the appointment"), error))
    return NULL;
  json_builder_begin_object (builder);
  add_text (builder, "code", stmt, 0);
  add_text (builder, "service", stmt, 1);
  add_time (builder, "slot", stmt, 2);
  add_time (builder, "slot_end", stmt, 3);
  add_text (builder, "case", stmt, 4);
  add_text (builder, "ticket", stmt, 5);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

HallQueueAnswer *
hall_queue_add_appointment (HallQueue          *self,
                           const HallQueueConn *conn,
                           GPtrArray          *events,
                            const char         *code,
                            const char         *service,
                            gint64              slot_start,
                            guint               minutes,
                            const char         *case_uuid,
                            const char         *official,
                            const HallQueueKey *key,
                            GError            **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *made = NULL;
  HallQueueAnswer *answer = NULL;
  gint64 start = slot_start * G_USEC_PER_SEC;

  if (!g_hash_table_contains (self->service_groups, service))
    {
      g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_SERVICE,
                   _("The catalog has no service “%s” that takes tickets"), service);
      return NULL;
    }
  if (!begin (self, conn, error) || !replay (self, key, &answer, error))
    goto fail;
  if (answer != NULL)
    {
      end (self, FALSE, events);
      return answer;
    }
  if (code == NULL)
    code = made = make_code ();
  stmt = hall_queue_stmt_new (&self->conn,
    "INSERT INTO appointments (code, service, slot_start, slot_end, case_uuid, created_by,"
    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (code) DO NOTHING", error);
  if (stmt == NULL)
    goto fail;
  hall_queue_stmt_bind_text (stmt, 1, code);
  hall_queue_stmt_bind_text (stmt, 2, service);
  hall_queue_stmt_bind_int64 (stmt, 3, start);
  hall_queue_stmt_bind_int64 (stmt, 4, start + (gint64) minutes * 60 * G_USEC_PER_SEC);
  hall_queue_stmt_bind_text (stmt, 5, case_uuid);
  hall_queue_stmt_bind_text (stmt, 6, official);
  hall_queue_stmt_bind_int64 (stmt, 7, _hall_queue_now (self));
  if (!hall_queue_stmt_run (stmt, _("save the appointment"), error))
    goto fail;
  if (hall_queue_stmt_get_changes (stmt) == 0)
    {
      g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_CONFLICT,
                   _("The appointment code %s is taken"), code);
      goto fail;
    }
  g_clear_pointer (&stmt, hall_queue_stmt_free);
  node = appointment_json (self, code, error);
  if (node == NULL)
    goto fail;
  answer = answer_new (201, node);
  if (!remember (self, key, answer, error))
    {
      g_clear_pointer (&answer, hall_queue_answer_free);
      goto fail;
    }
  end (self, TRUE, events);
  return answer;

fail:
  end (self, FALSE, events);
  return NULL;
}

HallQueueAnswer *
hall_queue_check_in (HallQueue          *self,
                    const HallQueueConn *conn,
                    GPtrArray          *events,
                     const char         *code,
                     const char         *official,
                     const HallQueueKey *key,
                     GError            **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autoptr(JsonNode) ticket = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *service = NULL;
  g_autofree char *case_uuid = NULL;
  g_autofree char *ticket_uuid = NULL;
  HallQueueAnswer *answer = NULL;
  gint64 start;
  gint64 finish;
  gint64 now;

  if (!begin (self, conn, error) || !replay (self, key, &answer, error))
    goto fail;
  if (answer != NULL)
    {
      end (self, FALSE, events);
      return answer;
    }
  stmt = hall_queue_stmt_new (&self->conn,
    "SELECT a.service, a.slot_start, a.slot_end, a.case_uuid, t.number FROM appointments a"
    " LEFT JOIN tickets t ON t.uuid = a.ticket_uuid WHERE a.code = ?1", error);
  if (stmt == NULL)
    goto fail;
  hall_queue_stmt_bind_text (stmt, 1, code);
  if (!hall_queue_stmt_step_row (stmt, _("read the appointment"), &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_NOT_FOUND,
                     _("There is no appointment %s"), code);
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }
  service = g_strdup (hall_queue_stmt_get_text (stmt, 0));
  start = hall_queue_stmt_get_int64 (stmt, 1);
  finish = hall_queue_stmt_get_int64 (stmt, 2);
  case_uuid = g_strdup (hall_queue_stmt_get_text (stmt, 3));
  if (!hall_queue_stmt_is_null (stmt, 4))
    {
      g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_WINDOW,
                   _("Appointment %s has checked in already: ticket %s"), code,
                   hall_queue_stmt_get_text (stmt, 4));
      goto fail;
    }
  g_clear_pointer (&stmt, hall_queue_stmt_free);

  now = _hall_queue_now (self);
  if (now < start - CHECK_IN_EARLY_USEC || now >= finish)
    {
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_local ((start - CHECK_IN_EARLY_USEC)
                                                                   / G_USEC_PER_SEC);
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_local (finish / G_USEC_PER_SEC);
      g_autofree char *from_text = g_date_time_format (from, "%Y-%m-%d %H:%M");
      g_autofree char *until_text = g_date_time_format (until, "%H:%M");

      g_set_error (error, HALL_QUEUE_ERROR, HALL_QUEUE_ERROR_WINDOW,
                   now < start - CHECK_IN_EARLY_USEC
                   ? _("Appointment %s checks in from %s until %s: it is too early")
                   : _("Appointment %s checks in from %s until %s: its time is over"),
                   code, from_text, until_text);
      goto fail;
    }

  ticket = issue_locked (self, service, "appointment", case_uuid, official, error);
  if (ticket == NULL)
    goto fail;
  ticket_uuid = g_strdup (json_object_get_string_member (json_node_get_object (ticket), "uuid"));
  stmt = hall_queue_stmt_new (&self->conn,
    "UPDATE appointments SET ticket_uuid = ?2 WHERE code = ?1",
                                   error);
  if (stmt == NULL)
    goto fail;
  hall_queue_stmt_bind_text (stmt, 1, code);
  hall_queue_stmt_bind_text (stmt, 2, ticket_uuid);
  if (!hall_queue_stmt_run (stmt, _("check the appointment in"), error))
    goto fail;
  answer = answer_new (201, ticket);
  if (!remember (self, key, answer, error))
    {
      g_clear_pointer (&answer, hall_queue_answer_free);
      goto fail;
    }
  end (self, TRUE, events);
  return answer;

fail:
  end (self, FALSE, events);
  return NULL;
}
