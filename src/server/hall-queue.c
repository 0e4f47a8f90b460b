/* hall-queue.c — the queue object: its groups from the catalog, its
 * connection, the board, and the events that watchers (the event streams)
 * are woken for
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The queue writes through the server's one writer (the group committer),
 * on its connection and in its transaction, so that two hundred counters
 * calling at once share a few commits instead of queueing for an fsync
 * each; being one thread, the writer also serves two calls at the same
 * instant one after the other. Its events reach the streams only once
 * their transaction has committed, in commit order.
 *
 * On PostgreSQL several servers share the queue. Their writes take the
 * database's lock of the queue one after the other (hall-queue-tickets.c),
 * so the events' ids grow in the order of their commits, and each write
 * notifies the channel "hall_queue" as it commits. Every server listens
 * on its own connection and reads the events after the last one it has:
 * a call made through one server reaches the boards of all.
 */
#define G_LOG_DOMAIN "hall-queue"

#include <glib/gi18n.h>
#include <poll.h>

#include "hall-queue-private.h"
#include "hall-server-postgres.h"
#include "hall-queue-test-hooks.h"

/* Events kept in memory for streams that resume; older ones are read
 * from the database. */
#define RECENT_EVENTS 4096
#define KEEP_ALIVE_USEC (15 * G_USEC_PER_SEC)
/* How often the listening thread looks whether the queue stops, and waits
 * before it connects again after the database went away (milliseconds). */
#define LISTEN_POLL_MSEC 250
#define LISTEN_RETRY_MSEC 1000

typedef struct
{
  HallQueueWakeFunc func;
  gpointer          user_data;
} HallQueueWatcher;

G_DEFINE_QUARK (hall-queue-error-quark, hall_queue_error)
G_DEFINE_FINAL_TYPE (HallQueue, hall_queue, G_TYPE_OBJECT)

void
hall_queue_answer_free (HallQueueAnswer *answer)
{
  if (answer == NULL)
    return;
  g_free (answer->body);
  g_free (answer);
}

void
hall_queue_event_free (HallQueueEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->frame);
  g_free (event);
}

static void
group_free (HallQueueGroup *group)
{
  g_free (group->letter);
  g_free (group->name_en);
  g_free (group->name_zh);
  g_free (group);
}

/* Time */

gint64
_hall_queue_now (HallQueue *self)
{
  if (self->clock != NULL)
    return self->clock (self->clock_data);
  return g_get_real_time ();
}

char *
_hall_queue_day (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%d");
}

char *
_hall_queue_iso (gint64 usec)
{
  g_autoptr(GDateTime) time = NULL;

  if (usec == 0)
    return NULL;
  time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* Groups: a letter and the departments of its services, in both
 * languages, from the catalog's own text. */

static const char *
name_in (JsonObject *object,
         const char *language)
{
  JsonNode *name = json_object_get_member (object, "name");
  JsonObject *names;

  if (name == NULL || !JSON_NODE_HOLDS_OBJECT (name))
    return NULL;
  names = json_node_get_object (name);
  return json_object_has_member (names, language)
         ? json_object_get_string_member (names, language) : NULL;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const HallQueueGroup *ga = *(HallQueueGroup * const *) a;
  const HallQueueGroup *gb = *(HallQueueGroup * const *) b;

  return g_strcmp0 (ga->letter, gb->letter);
}

static gboolean
read_catalog (HallQueue    *self,
              HallCatalog  *catalog,
              GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) departments = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) group_departments = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                   NULL,
                                                                   (GDestroyNotify) g_ptr_array_unref);
  JsonObject *root;
  JsonArray *array;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  if (!json_parser_load_from_data (parser, hall_catalog_get_json (catalog), -1, error))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (root, "hall"))
    {
      JsonObject *hall = json_object_get_object_member (root, "hall");

      self->hall_en = g_strdup (name_in (hall, "en"));
      self->hall_zh = g_strdup (name_in (hall, "zh"));
    }
  array = json_object_has_member (root, "departments")
          ? json_object_get_array_member (root, "departments") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *department = json_array_get_object_element (array, i);

      g_hash_table_insert (departments,
                           (gpointer) json_object_get_string_member (department, "id"),
                           department);
    }
  array = json_object_get_array_member (root, "services");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *service = json_array_get_object_element (array, i);
      const char *id = json_object_get_string_member (service, "id");
      const char *group = json_object_get_string_member_with_default (service, "group", NULL);
      const char *department = json_object_get_string_member (service, "department");
      GPtrArray *list;

      if (group == NULL)
        continue;
      g_hash_table_insert (self->service_groups, g_strdup (id), g_strdup (group));
      list = g_hash_table_lookup (group_departments, group);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (group_departments, (gpointer) group, list);
        }
      if (!g_ptr_array_find_with_equal_func (list, department, g_str_equal, NULL))
        g_ptr_array_add (list, (gpointer) department);
    }

  g_hash_table_iter_init (&iter, group_departments);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *list = value;
      HallQueueGroup *group = g_new0 (HallQueueGroup, 1);
      g_autoptr(GString) en = g_string_new (NULL);
      g_autoptr(GString) zh = g_string_new (NULL);

      for (guint i = 0; i < list->len; i++)
        {
          JsonObject *department = g_hash_table_lookup (departments, list->pdata[i]);
          const char *name_en = department ? name_in (department, "en") : list->pdata[i];
          const char *name_zh = department ? name_in (department, "zh") : list->pdata[i];

          g_string_append_printf (en, "%s%s", i > 0 ? " / " : "", name_en ? name_en : "");
          g_string_append_printf (zh, "%s%s", i > 0 ? "、" : "", name_zh ? name_zh : "");
        }
      group->letter = g_strdup (key);
      group->name_en = g_string_free (g_steal_pointer (&en), FALSE);
      group->name_zh = g_string_free (g_steal_pointer (&zh), FALSE);
      g_ptr_array_add (self->groups, group);
    }
  g_ptr_array_sort (self->groups, compare_groups);
  return TRUE;
}

HallQueueGroup *
_hall_queue_find_group (HallQueue  *self,
                        const char *letter)
{
  for (guint i = 0; letter != NULL && i < self->groups->len; i++)
    {
      HallQueueGroup *group = g_ptr_array_index (self->groups, i);

      if (g_str_equal (group->letter, letter))
        return group;
    }
  return NULL;
}

/* Events and watchers */

static void
wake_watchers (HallQueue *self)
{
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&self->watch_mutex);
  g_hash_table_iter_init (&iter, self->watchers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      HallQueueWatcher *watcher = value;

      watcher->func (watcher->user_data);
    }
  g_mutex_unlock (&self->watch_mutex);
}

void
hall_queue_publish (HallQueue *self,
                    GPtrArray *events)
{
  if (events->len == 0)
    return;
  /* Another server's events may have committed before these: they are
   * all read in order from the database. */
  if (self->uri != NULL)
    {
      g_ptr_array_set_size (events, 0);
      _hall_queue_catch_up (self);
      return;
    }
  g_mutex_lock (&self->events_mutex);
  while (events->len > 0)
    {
      HallQueueEvent *event = g_ptr_array_steal_index (events, 0);

      self->last_event_id = event->id;
      g_ptr_array_add (self->recent, event);
    }
  if (self->recent->len > RECENT_EVENTS)
    g_ptr_array_remove_range (self->recent, 0, self->recent->len - RECENT_EVENTS);
  g_mutex_unlock (&self->events_mutex);
  wake_watchers (self);
}

static gpointer
keep_alive_thread (gpointer data)
{
  HallQueue *self = data;

  g_mutex_lock (&self->watch_mutex);
  while (!self->stopping)
    {
      GHashTableIter iter;
      gpointer value;

      g_cond_wait_until (&self->keep_alive_cond, &self->watch_mutex,
                         g_get_monotonic_time () + self->keep_alive);
      if (self->stopping)
        break;
      g_hash_table_iter_init (&iter, self->watchers);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          HallQueueWatcher *watcher = value;

          watcher->func (watcher->user_data);
        }
    }
  g_mutex_unlock (&self->watch_mutex);
  return NULL;
}

/* The GObject */

static void
hall_queue_finalize (GObject *object)
{
  HallQueue *self = HALL_QUEUE (object);

  g_mutex_lock (&self->watch_mutex);
  self->stopping = TRUE;
  g_cond_signal (&self->keep_alive_cond);
  g_mutex_unlock (&self->watch_mutex);
  g_clear_pointer (&self->keep_alive_thread, g_thread_join);
  g_clear_pointer (&self->listen_thread, g_thread_join);
  g_cond_clear (&self->keep_alive_cond);

  g_clear_pointer (&self->read_conn.sqlite, hall_sqlite_conn_free);
  g_clear_pointer (&self->read_conn.pg, PQfinish);
  g_clear_pointer (&self->check_pg, PQfinish);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->service_groups, g_hash_table_unref);
  g_clear_pointer (&self->recent, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->watchers, g_hash_table_unref);
  g_free (self->hall_en);
  g_free (self->hall_zh);
  g_free (self->db_path);
  g_free (self->uri);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->catch_up_mutex);
  g_mutex_clear (&self->check_mutex);
  g_mutex_clear (&self->events_mutex);
  g_mutex_clear (&self->watch_mutex);
  G_OBJECT_CLASS (hall_queue_parent_class)->finalize (object);
}

static void
hall_queue_class_init (HallQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_queue_finalize;
}

static void
hall_queue_init (HallQueue *self)
{
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->events_mutex);
  g_mutex_init (&self->watch_mutex);
  g_mutex_init (&self->catch_up_mutex);
  g_mutex_init (&self->check_mutex);
  g_cond_init (&self->keep_alive_cond);
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  self->service_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->recent = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_queue_event_free);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_queue_event_free);
  self->watchers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->keep_alive = KEEP_ALIVE_USEC;
}

/* The id of the last event in the database, on the read connection. */
static gboolean
read_last_event_id (HallQueue  *self,
                    GError    **error)
{
  g_autoptr(HallQueueStmt) stmt = hall_queue_stmt_new (&self->read_conn,
    "SELECT coalesce (max (id), 0) FROM ticket_transitions", error);

  if (stmt == NULL || !hall_queue_stmt_step_row (stmt, _("read the queue"), error))
    return FALSE;
  self->last_event_id = hall_queue_stmt_get_int64 (stmt, 0);
  return TRUE;
}

HallQueue *
hall_queue_new (const char   *db_path,
                HallCatalog  *catalog,
                GError      **error)
{
  g_autoptr(HallQueue) self = g_object_new (HALL_TYPE_QUEUE, NULL);

  self->db_path = g_strdup (db_path);
  if (!read_catalog (self, catalog, error))
    return NULL;
  self->read_conn.sqlite = hall_sqlite_conn_open (db_path, HALL_SQLITE_OPEN_READ_ONLY, error);
  if (self->read_conn.sqlite == NULL || !read_last_event_id (self, error))
    return NULL;
  self->keep_alive_thread = g_thread_new ("hall-queue-keep-alive", keep_alive_thread, self);
  return g_steal_pointer (&self);
}

/* The listening thread of a queue on PostgreSQL */

static gboolean
is_stopping (HallQueue *self)
{
  gboolean stopping;

  g_mutex_lock (&self->watch_mutex);
  stopping = self->stopping;
  g_mutex_unlock (&self->watch_mutex);
  return stopping;
}

static gboolean
listen_on (PGconn *pg)
{
  PGresult *result = PQexec (pg, "LISTEN hall_queue");
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  PQclear (result);
  return ok;
}

/* Waits for notifications on its own connection; after each, and after
 * each time it connected again (notifications sent meanwhile are lost),
 * reads what is new. */
static gpointer
listen_thread (gpointer data)
{
  HallQueue *self = data;
  PGconn *pg = NULL;

  while (!is_stopping (self))
    {
      struct pollfd fd;
      PGnotify *notify;
      gboolean notified = FALSE;

      if (pg == NULL || PQstatus (pg) != CONNECTION_OK)
        {
          g_autoptr(GError) error = NULL;

          g_clear_pointer (&pg, PQfinish);
          pg = hall_server_postgres_open (self->uri, &error);
          if (pg == NULL || !listen_on (pg))
            {
              g_clear_pointer (&pg, PQfinish);
              g_usleep (LISTEN_RETRY_MSEC * 1000);
              continue;
            }
          _hall_queue_catch_up (self);
        }
      fd.fd = PQsocket (pg);
      fd.events = POLLIN;
      fd.revents = 0;
      if (poll (&fd, 1, LISTEN_POLL_MSEC) <= 0)
        continue;
      if (!PQconsumeInput (pg))
        continue;  /* broken: connected again above */
      while ((notify = PQnotifies (pg)) != NULL)
        {
          notified = TRUE;
          PQfreemem (notify);
        }
      if (notified)
        _hall_queue_catch_up (self);
    }
  g_clear_pointer (&pg, PQfinish);
  return NULL;
}

/* The read connection of a queue on PostgreSQL, made again when the
 * database went away since its last use. Under the mutex. */
static gboolean
revive_read_conn (HallQueue  *self,
                  GError    **error)
{
  if (self->read_conn.pg == NULL || PQstatus (self->read_conn.pg) == CONNECTION_OK)
    return TRUE;
  PQreset (self->read_conn.pg);
  if (PQstatus (self->read_conn.pg) != CONNECTION_OK)
    {
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                   _("Cannot connect to the PostgreSQL database of the queue: %s"),
                   PQerrorMessage (self->read_conn.pg));
      return FALSE;
    }
  return TRUE;
}

gboolean
_hall_queue_use_read_conn (HallQueue  *self,
                           GError    **error)
{
  if (!revive_read_conn (self, error))
    return FALSE;
  self->conn = self->read_conn;
  return TRUE;
}

PGconn *
_hall_queue_get_check_pg (HallQueue  *self,
                          GError    **error)
{
  if (self->check_pg != NULL && PQstatus (self->check_pg) != CONNECTION_OK)
    g_clear_pointer (&self->check_pg, PQfinish);
  if (self->check_pg == NULL)
    self->check_pg = hall_server_postgres_open (self->uri, error);
  return self->check_pg;
}

/* Appends the events stored after @after, up to @up_to, at most @max,
 * oldest first, to @events, read on the queue's own connection. */
static gboolean
read_stored_events (HallQueue  *self,
                    gint64      after,
                    gint64      up_to,
                    guint       max,
                    GPtrArray  *events,
                    GError    **error)
{
  g_autoptr(HallQueueStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;

  g_mutex_lock (&self->mutex);
  if (_hall_queue_use_read_conn (self, &local_error))
    stmt = hall_queue_stmt_new (&self->conn,
      "SELECT id, event FROM ticket_transitions WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT ?3",
      &local_error);
  if (stmt != NULL)
    {
      hall_queue_stmt_bind_int64 (stmt, 1, after);
      hall_queue_stmt_bind_int64 (stmt, 2, up_to);
      hall_queue_stmt_bind_int64 (stmt, 3, max);
      while (hall_queue_stmt_step_row (stmt, _("read the queue's events"), &local_error))
        {
          HallQueueEvent *event = g_new (HallQueueEvent, 1);

          event->id = hall_queue_stmt_get_int64 (stmt, 0);
          event->frame = g_strdup (hall_queue_stmt_get_text (stmt, 1));
          g_ptr_array_add (events, event);
        }
    }
  g_clear_pointer (&stmt, hall_queue_stmt_free);
  g_mutex_unlock (&self->mutex);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

#define CATCH_UP_PAGE 1000

void
_hall_queue_catch_up (HallQueue *self)
{
  gboolean retried = FALSE;
  guint read;

  /* One reader at a time, so that events are appended in order. */
  g_mutex_lock (&self->catch_up_mutex);
  do
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_queue_event_free);
      g_autoptr(GError) error = NULL;
      gint64 after = hall_queue_get_last_event_id (self);

      read_stored_events (self, after, G_MAXINT64, CATCH_UP_PAGE, events, &error);
      /* A connection the database ended since its last use: once more,
       * connected again. */
      if (error != NULL && !retried
          && g_error_matches (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN))
        {
          retried = TRUE;
          read = CATCH_UP_PAGE;
          continue;
        }
      if (error != NULL)
        {
          /* The listening thread reads again once it is connected. */
          g_warning ("%s", error->message);
          break;
        }
      read = events->len;
      if (read > 0)
        {
          g_mutex_lock (&self->events_mutex);
          while (events->len > 0)
            {
              HallQueueEvent *event = g_ptr_array_steal_index (events, 0);

              self->last_event_id = event->id;
              g_ptr_array_add (self->recent, event);
            }
          if (self->recent->len > RECENT_EVENTS)
            g_ptr_array_remove_range (self->recent, 0, self->recent->len - RECENT_EVENTS);
          g_mutex_unlock (&self->events_mutex);
          wake_watchers (self);
        }
    }
  while (read == CATCH_UP_PAGE);
  g_mutex_unlock (&self->catch_up_mutex);
}

HallQueue *
hall_queue_new_postgres (const char   *uri,
                         HallCatalog  *catalog,
                         GError      **error)
{
  g_autoptr(HallQueue) self = g_object_new (HALL_TYPE_QUEUE, NULL);

  self->uri = g_strdup (uri);
  if (!read_catalog (self, catalog, error))
    return NULL;
  self->read_conn.pg = hall_server_postgres_open (uri, error);
  if (self->read_conn.pg == NULL || !read_last_event_id (self, error))
    return NULL;
  self->keep_alive_thread = g_thread_new ("hall-queue-keep-alive", keep_alive_thread, self);
  self->listen_thread = g_thread_new ("hall-queue-listen", listen_thread, self);
  return g_steal_pointer (&self);
}

/* The board */

char *
hall_queue_dup_board (HallQueue  *self,
                      GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) waiting = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *today = NULL;
  JsonObject *counts;
  gint64 last_event_id;
  gboolean ok = FALSE;

  g_mutex_lock (&self->mutex);
  if (!_hall_queue_use_read_conn (self, error))
    goto out;
  today = _hall_queue_day (_hall_queue_now (self));
  /* One snapshot for the whole board. */
  if (!hall_queue_conn_exec (&self->conn,
                             self->conn.pg != NULL
                             ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "BEGIN",
                             _("read the queue"), error))
    goto out;
  waiting = _hall_queue_waiting_counts (self, error);
  if (waiting == NULL)
    goto rollback;
  counts = json_node_get_object (waiting);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hall");
  json_builder_add_string_value (builder, self->hall_en ? self->hall_en : "");
  json_builder_set_member_name (builder, "hall_name");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "en");
  json_builder_add_string_value (builder, self->hall_en ? self->hall_en : "");
  json_builder_set_member_name (builder, "zh");
  json_builder_add_string_value (builder, self->hall_zh ? self->hall_zh : "");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "groups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->groups->len; i++)
    {
      HallQueueGroup *group = g_ptr_array_index (self->groups, i);
      gint64 n = json_object_get_int_member (counts, group->letter);
      g_autoptr(GError) local_error = NULL;
      int estimate = _hall_queue_estimate (self, group->letter, n, &local_error);
      int open = local_error ? -1 : _hall_queue_open_counters (self, group->letter, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto rollback;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "group");
      json_builder_add_string_value (builder, group->letter);
      json_builder_set_member_name (builder, "name");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "en");
      json_builder_add_string_value (builder, group->name_en);
      json_builder_set_member_name (builder, "zh");
      json_builder_add_string_value (builder, group->name_zh);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "waiting");
      json_builder_add_int_value (builder, n);
      json_builder_set_member_name (builder, "estimated_wait_minutes");
      json_builder_add_int_value (builder, estimate);
      json_builder_set_member_name (builder, "open_counters");
      json_builder_add_int_value (builder, open);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  {
    g_autoptr(HallQueueStmt) stmt = hall_queue_stmt_new (&self->conn,
    "SELECT uuid FROM tickets WHERE day = ?1 AND last_called_at IS NOT NULL"
      " ORDER BY last_called_at DESC, rowid DESC LIMIT 10", error);

    if (stmt == NULL)
      goto rollback;
    hall_queue_stmt_bind_text (stmt, 1, today);
    while (hall_queue_stmt_step_row (stmt, _("read the queue"), error))
      {
        JsonNode *ticket = _hall_queue_ticket_json (self, hall_queue_stmt_get_text (stmt, 0),
                                                    error);
        if (ticket == NULL)
          goto rollback;
        g_ptr_array_add (calls, ticket);
      }
    if (error != NULL && *error != NULL)
      goto rollback;
  }
  json_builder_set_member_name (builder, "recent_calls");
  json_builder_begin_array (builder);
  for (guint i = 0; i < calls->len; i++)
    json_builder_add_value (builder, json_node_ref (calls->pdata[i]));
  json_builder_end_array (builder);

  g_mutex_lock (&self->events_mutex);
  last_event_id = self->last_event_id;
  g_mutex_unlock (&self->events_mutex);
  json_builder_set_member_name (builder, "last_event_id");
  json_builder_add_int_value (builder, last_event_id);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  ok = TRUE;

rollback:
  hall_queue_conn_exec (&self->conn, "ROLLBACK", _("read the queue"), NULL);
out:
  g_mutex_unlock (&self->mutex);
  return ok ? json_to_string (root, FALSE) : NULL;
}

/* The stream */

gint64
hall_queue_get_last_event_id (HallQueue *self)
{
  gint64 id;

  g_mutex_lock (&self->events_mutex);
  id = self->last_event_id;
  g_mutex_unlock (&self->events_mutex);
  return id;
}

static HallQueueEvent *
event_copy (const HallQueueEvent *event)
{
  HallQueueEvent *copy = g_new (HallQueueEvent, 1);

  copy->id = event->id;
  copy->frame = g_strdup (event->frame);
  return copy;
}

GPtrArray *
hall_queue_list_events (HallQueue  *self,
                        gint64      after,
                        guint       max,
                        GError    **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_queue_event_free);
  gboolean in_memory;

  g_mutex_lock (&self->events_mutex);
  in_memory = after >= self->last_event_id
              || (self->recent->len > 0
                  && ((HallQueueEvent *) self->recent->pdata[0])->id <= after + 1);
  if (in_memory)
    {
      for (guint i = 0; i < self->recent->len && events->len < max; i++)
        {
          HallQueueEvent *event = self->recent->pdata[i];

          if (event->id > after)
            g_ptr_array_add (events, event_copy (event));
        }
    }
  g_mutex_unlock (&self->events_mutex);
  if (in_memory)
    return g_steal_pointer (&events);

  /* A stream far behind: from the database, up to what is published. */
  if (!read_stored_events (self, after, hall_queue_get_last_event_id (self), max, events, error))
    return NULL;
  return g_steal_pointer (&events);
}

guint
hall_queue_watch (HallQueue         *self,
                  HallQueueWakeFunc  func,
                  gpointer           user_data)
{
  HallQueueWatcher *watcher = g_new (HallQueueWatcher, 1);
  guint id;

  watcher->func = func;
  watcher->user_data = user_data;
  g_mutex_lock (&self->watch_mutex);
  id = ++self->next_watch_id;
  g_hash_table_insert (self->watchers, GUINT_TO_POINTER (id), watcher);
  g_mutex_unlock (&self->watch_mutex);
  return id;
}

void
hall_queue_unwatch (HallQueue *self,
                    guint      id)
{
  g_mutex_lock (&self->watch_mutex);
  g_hash_table_remove (self->watchers, GUINT_TO_POINTER (id));
  g_mutex_unlock (&self->watch_mutex);
}

void
hall_queue_wake_all (HallQueue *self)
{
  wake_watchers (self);
}

gint64
hall_queue_get_keep_alive (HallQueue *self)
{
  return self->keep_alive;
}

/* Test hooks */

void
hall_queue_set_clock (HallQueue          *self,
                      HallQueueClockFunc  func,
                      gpointer            user_data)
{
  g_mutex_lock (&self->mutex);
  self->clock = func;
  self->clock_data = user_data;
  g_mutex_unlock (&self->mutex);
}

void
hall_queue_set_keep_alive (HallQueue *self,
                           gint64     usec)
{
  g_mutex_lock (&self->watch_mutex);
  self->keep_alive = usec;
  g_cond_signal (&self->keep_alive_cond);
  g_mutex_unlock (&self->watch_mutex);
}
