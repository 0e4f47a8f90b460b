/* hall-sync-engine.c — the object, its properties and signals, and the pass
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-error.h"
#include "hall-sync-engine-private.h"

/* A local change is sent this soon, so several quick edits share a pass. */
#define SOON_MS 1000

G_DEFINE_FINAL_TYPE (HallSyncEngine, hall_sync_engine, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SERVER_URL,
  PROP_ONLINE,
  PROP_SYNCING,
  PROP_PENDING,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  PROP_MAX_ATTEMPTS,
  PROP_BACKOFF_BASE_MS,
  PROP_BACKOFF_CAP_MS,
  PROP_CONNECT_TIMEOUT,
  PROP_LOW_SPEED_TIME,
  PROP_LOW_SPEED_LIMIT,
  PROP_INTERVAL,
  PROP_PROBE_INTERVAL,
  PROP_CA_FILE,
  PROP_PINNED_PUBLIC_KEY,
  PROP_BLOB_CHUNK_SIZE,
  PROP_PULL_PAGE_SIZE,
  PROP_PUSH_BATCH_SIZE,
  N_PROPS
};

enum
{
  SIGNAL_CASE_REJECTED,
  SIGNAL_CONFLICT,
  SIGNAL_PASS_FINISHED,
  SIGNAL_CALENDAR_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Workers: each pass, sign-in and upload runs on a thread with a copy of
 * the settings (HallSyncWorker, in hall-sync-engine-private.h). */

void
_hall_sync_worker_clear (HallSyncWorker *worker)
{
  g_clear_object (&worker->store);
  g_clear_object (&worker->client);
  g_clear_pointer (&worker->server_url, g_free);
  g_clear_pointer (&worker->policy, hall_retry_policy_free);
  g_clear_pointer (&worker->rand, g_rand_free);
  g_clear_pointer (&worker->sign_in_failed_for, g_free);
  g_clear_error (&worker->sign_in_error);
  g_mutex_clear (&worker->lock);
}

void
_hall_sync_worker_init (HallSyncWorker *worker,
                        HallSyncEngine *self)
{
  worker->engine = self;
  worker->store = g_object_ref (self->store);
  worker->client = g_object_ref (self->client);
  worker->server_url = g_strdup (self->server_url);
  worker->policy = hall_retry_policy_new (self->backoff_base_ms, self->backoff_cap_ms,
                                          self->max_attempts);
  worker->pull_page_size = self->pull_page_size;
  worker->push_batch_size = self->push_batch_size;
  g_mutex_init (&worker->lock);
  worker->posted_online = -1;
  worker->rand = g_rand_new ();
}

/* Results delivered to the main context */

typedef struct
{
  HallSyncEngine *engine;
  int             online;     /* -1: unchanged */
  guint           signal_id;  /* 0: none */
  char           *arg1;
  char           *arg2;
} Post;

static void
post_free (Post *post)
{
  g_object_unref (post->engine);
  g_free (post->arg1);
  g_free (post->arg2);
  g_free (post);
}

static void
set_online (HallSyncEngine *self,
            gboolean        online)
{
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

static gboolean
post_dispatch (gpointer user_data)
{
  Post *post = user_data;

  if (post->online >= 0)
    set_online (post->engine, post->online);
  if (post->signal_id != 0)
    g_signal_emit (post->engine, post->signal_id, 0, post->arg1, post->arg2);
  return G_SOURCE_REMOVE;
}

static void
post_to_main (HallSyncEngine *self,
              int             online,
              guint           signal_id,
              const char     *arg1,
              const char     *arg2)
{
  Post *post = g_new0 (Post, 1);

  post->engine = g_object_ref (self);
  post->online = online;
  post->signal_id = signal_id;
  post->arg1 = g_strdup (arg1);
  post->arg2 = g_strdup (arg2);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, post_dispatch, post,
                              (GDestroyNotify) post_free);
}

/* What the other parts of the engine post to the main context. */
void
_hall_sync_engine_set_online (HallSyncEngine *self,
                              gboolean        online)
{
  set_online (self, online);
}

gboolean
_hall_sync_engine_is_passing (HallSyncEngine *self)
{
  return self->pass_running;
}

void
_hall_sync_engine_post_online (HallSyncEngine *self,
                               gboolean        online)
{
  post_to_main (self, online, 0, NULL, NULL);
}

void
_hall_sync_engine_post_case_rejected (HallSyncEngine *self,
                                      const char     *case_uuid,
                                      const char     *reason)
{
  post_to_main (self, -1, signals[SIGNAL_CASE_REJECTED], case_uuid, reason);
}

void
_hall_sync_engine_post_conflict (HallSyncEngine *self,
                                 const char     *entity,
                                 const char     *uuid)
{
  post_to_main (self, -1, signals[SIGNAL_CONFLICT], entity, uuid);
}

/* The pass */

typedef struct
{
  HallSyncWorker  worker;
  HallSyncReport  report;
} PassData;

static void
pass_data_free (PassData *data)
{
  _hall_sync_worker_clear (&data->worker);
  g_free (data);
}

static void
pass_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PassData *data = task_data;
  HallSyncWorker *worker = &data->worker;
  GError *error = NULL;
  g_autofree char *now = NULL;

  worker->cancellable = cancellable;

  if (worker->server_url == NULL || *worker->server_url == '\0')
    g_set_error (&error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                 _("no server is set for this counter: sign in to a server first"));
  /* Page files first: the outbox's page records name them, and the
   * server refuses a record whose file has not arrived. */
  else if (_hall_sync_push_pages (worker, NULL, &error)
           && _hall_sync_push (worker, &data->report, &error)
           && _hall_sync_pull (worker, &data->report, &error)
           && _hall_sync_pull_trust (worker, &error)
           && _hall_sync_pull_calendar (worker, &data->report, &error))
    {
      now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
      hall_store_set_meta (worker->store, "last_sync", now, &error);
    }

  data->report.waiting = hall_store_count_outbox (worker->store);
  g_debug ("pass: pushed %u, pulled %u, rejected %u, conflicts %u, waiting %u%s",
           data->report.pushed, data->report.pulled, data->report.rejected,
           data->report.conflicts, data->report.waiting, error != NULL ? ", failed" : "");

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void start_pass (HallSyncEngine *self);

static void
set_syncing (HallSyncEngine *self,
             gboolean        syncing)
{
  if (self->syncing == syncing)
    return;
  self->syncing = syncing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}

static void
set_pending (HallSyncEngine *self,
             guint           pending)
{
  if (self->pending == pending)
    return;
  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

void
_hall_sync_engine_set_last_error (HallSyncEngine *self,
                                  const char     *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static gint64
read_last_sync (HallStore *store)
{
  g_autofree char *text = hall_store_get_meta (store, "last_sync");
  gint64 value;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &value, NULL))
    return 0;
  return value;
}

static void
pass_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HallSyncEngine *self = HALL_SYNC_ENGINE (source);
  g_autoptr (GPtrArray) waiters = user_data;
  PassData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gint64 last_sync;
  guint i;

  g_task_propagate_boolean (G_TASK (result), &error);

  /* The technical detail for IT; never personal data: an offline error
   * names only the server and what the network said. */
  if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE) && !self->last_pass_failed)
    g_message ("The server cannot be reached: %s", error->message);
  g_object_freeze_notify (G_OBJECT (self));
  self->last_pass_failed = error != NULL;
  _hall_sync_engine_set_last_error (self, error != NULL ? error->message : NULL);
  last_sync = read_last_sync (self->store);
  if (last_sync != self->last_sync)
    {
      self->last_sync = last_sync;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
    }
  set_pending (self, data->report.waiting);
  self->pass_running = FALSE;
  if (self->next_waiters->len == 0)
    set_syncing (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));

  for (i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      g_task_set_task_data (waiter, g_memdup2 (&data->report, sizeof data->report), g_free);
      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
    }

  if (data->report.calendar_changed)
    g_signal_emit (self, signals[SIGNAL_CALENDAR_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_PASS_FINISHED], 0);

  if (self->next_waiters->len > 0)
    start_pass (self);
}

static void
start_pass (HallSyncEngine *self)
{
  g_autoptr (GTask) task = NULL;
  GPtrArray *waiters = g_steal_pointer (&self->next_waiters);
  PassData *data = g_new0 (PassData, 1);

  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->pass_running = TRUE;
  set_syncing (self, TRUE);

  _hall_sync_worker_init (&data->worker, self);
  task = g_task_new (self, self->cancellable, pass_done, waiters);
  g_task_set_source_tag (task, start_pass);
  g_task_set_task_data (task, data, (GDestroyNotify) pass_data_free);
  g_task_run_in_thread (task, pass_thread);
}

void
hall_sync_engine_sync_async (HallSyncEngine     *self,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_sync_engine_sync_async);
  g_ptr_array_add (self->next_waiters, task);
  if (!self->pass_running)
    start_pass (self);
}

gboolean
hall_sync_engine_sync_finish (HallSyncEngine *self,
                              GAsyncResult   *result,
                              HallSyncReport *report,
                              GError        **error)
{
  HallSyncReport *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (report != NULL)
    {
      if (data != NULL)
        *report = *data;
      else
        memset (report, 0, sizeof *report);
    }
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hall_sync_engine_sync_now (HallSyncEngine *self)
{
  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  /* A pass already waiting to start will see the change too. */
  if (self->next_waiters->len > 0)
    return;
  hall_sync_engine_sync_async (self, NULL, NULL, NULL);
}

/* Periodic passes */

static gboolean
interval_cb (gpointer user_data)
{
  hall_sync_engine_sync_now (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
soon_cb (gpointer user_data)
{
  HallSyncEngine *self = user_data;

  self->soon_id = 0;
  hall_sync_engine_sync_now (self);
  return G_SOURCE_REMOVE;
}

static void
sync_soon (HallSyncEngine *self)
{
  if (self->soon_id == 0)
    self->soon_id = g_timeout_add (SOON_MS, soon_cb, self);
}

static void
outbox_changed_cb (HallStore      *store,
                   guint           n_pending,
                   HallSyncEngine *self)
{
  gboolean grew = n_pending > self->pending;

  set_pending (self, n_pending);
  /* A new local change goes out soon. While the server is unreachable the
   * interval and the network monitor decide when to try again, so that a
   * busy counter does not hammer a dead link. */
  if (grew && self->interval_id != 0 && !self->last_pass_failed)
    sync_soon (self);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    HallSyncEngine  *self)
{
  /* Only a hint: the next request tells whether the server is reachable. */
  if (available && (!self->online || self->pending > 0))
    sync_soon (self);
}

void
hall_sync_engine_start (HallSyncEngine *self)
{
  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  if (self->interval_id != 0)
    return;
  self->interval_id = g_timeout_add_seconds (self->interval, interval_cb, self);
  self->network_handler = g_signal_connect (g_network_monitor_get_default (), "network-changed",
                                            G_CALLBACK (network_changed_cb), self);
  _hall_sync_engine_start_probe (self);
  sync_soon (self);
}

void
hall_sync_engine_stop (HallSyncEngine *self)
{
  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  g_clear_handle_id (&self->interval_id, g_source_remove);
  g_clear_handle_id (&self->soon_id, g_source_remove);
  _hall_sync_engine_stop_probe (self);
  g_clear_signal_handler (&self->network_handler, g_network_monitor_get_default ());
}

/* The object */

HallSyncEngine *
hall_sync_engine_new (HallStore  *store,
                      const char *server_url)
{
  g_return_val_if_fail (HALL_IS_STORE (store), NULL);

  return g_object_new (HALL_TYPE_SYNC_ENGINE,
                       "store", store,
                       "server-url", server_url,
                       NULL);
}

HallStore *
hall_sync_engine_get_store (HallSyncEngine *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_ENGINE (self), NULL);
  return self->store;
}

const char *
hall_sync_engine_get_server_url (HallSyncEngine *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_ENGINE (self), NULL);
  return self->server_url;
}

void
hall_sync_engine_set_server_url (HallSyncEngine *self,
                                 const char     *server_url)
{
  g_autofree char *url = NULL;
  gsize len;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  if (server_url != NULL)
    {
      url = g_strstrip (g_strdup (server_url));
      len = strlen (url);
      while (len > 0 && url[len - 1] == '/')
        url[--len] = '\0';
    }
  if (g_strcmp0 (url, self->server_url) == 0)
    return;
  g_free (self->server_url);
  self->server_url = g_steal_pointer (&url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
}

gboolean
hall_sync_engine_get_online (HallSyncEngine *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_ENGINE (self), FALSE);
  return self->online;
}

gboolean
hall_sync_engine_get_syncing (HallSyncEngine *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_ENGINE (self), FALSE);
  return self->syncing;
}

guint
hall_sync_engine_get_pending (HallSyncEngine *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_ENGINE (self), 0);
  return self->pending;
}

gint64
hall_sync_engine_get_last_sync (HallSyncEngine *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_ENGINE (self), 0);
  return self->last_sync;
}

const char *
hall_sync_engine_get_last_error (HallSyncEngine *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}

static void
apply_uint_env (HallSyncEngine *self,
                const char     *variable,
                const char     *property)
{
  const char *value = g_getenv (variable);
  guint64 number;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &number, NULL))
    g_object_set (self, property, (guint) number, NULL);
}

static void
apply_string_env (HallSyncEngine *self,
                  const char     *variable,
                  const char     *property)
{
  const char *value = g_getenv (variable);

  if (value != NULL && *value != '\0')
    g_object_set (self, property, value, NULL);
}

void
hall_sync_engine_apply_environment (HallSyncEngine *self)
{
  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  apply_uint_env (self, "SERVICE_HALL_SYNC_ATTEMPTS", "max-attempts");
  apply_uint_env (self, "SERVICE_HALL_SYNC_BACKOFF_MS", "backoff-base-ms");
  apply_uint_env (self, "SERVICE_HALL_SYNC_BACKOFF_CAP_MS", "backoff-cap-ms");
  apply_uint_env (self, "SERVICE_HALL_CONNECT_TIMEOUT", "connect-timeout");
  apply_uint_env (self, "SERVICE_HALL_LOW_SPEED_TIME", "low-speed-time");
  apply_uint_env (self, "SERVICE_HALL_LOW_SPEED_LIMIT", "low-speed-limit");
  apply_uint_env (self, "SERVICE_HALL_SYNC_INTERVAL", "interval");
  apply_uint_env (self, "SERVICE_HALL_SYNC_PROBE_INTERVAL", "probe-interval");
  apply_uint_env (self, "SERVICE_HALL_PULL_PAGE_SIZE", "pull-page-size");
  apply_uint_env (self, "SERVICE_HALL_PUSH_BATCH_SIZE", "push-batch-size");
  apply_string_env (self, "SERVICE_HALL_CA_FILE", "ca-file");
  apply_string_env (self, "SERVICE_HALL_PINNED_KEY", "pinned-public-key");
}

static void
update_client (HallSyncEngine *self)
{
  hall_http_client_set_connect_timeout (self->client, self->connect_timeout);
  hall_http_client_set_low_speed (self->client, self->low_speed_limit, self->low_speed_time);
  hall_http_client_set_ca_file (self->client, self->ca_file);
  hall_http_client_set_pinned_public_key (self->client, self->pinned_public_key);
}

static void
set_uint (HallSyncEngine *self,
          guint          *field,
          guint           value,
          guint           prop_id)
{
  if (*field == value)
    return;
  *field = value;
  update_client (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_string (HallSyncEngine *self,
            char          **field,
            const char     *value,
            guint           prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  update_client (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
hall_sync_engine_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HallSyncEngine *self = HALL_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SERVER_URL:
      hall_sync_engine_set_server_url (self, g_value_get_string (value));
      break;
    case PROP_MAX_ATTEMPTS:
      set_uint (self, &self->max_attempts, g_value_get_uint (value), prop_id);
      break;
    case PROP_BACKOFF_BASE_MS:
      set_uint (self, &self->backoff_base_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_BACKOFF_CAP_MS:
      set_uint (self, &self->backoff_cap_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_CONNECT_TIMEOUT:
      set_uint (self, &self->connect_timeout, g_value_get_uint (value), prop_id);
      break;
    case PROP_LOW_SPEED_TIME:
      set_uint (self, &self->low_speed_time, g_value_get_uint (value), prop_id);
      break;
    case PROP_LOW_SPEED_LIMIT:
      set_uint (self, &self->low_speed_limit, g_value_get_uint (value), prop_id);
      break;
    case PROP_INTERVAL:
      set_uint (self, &self->interval, g_value_get_uint (value), prop_id);
      if (self->interval_id != 0)
        {
          g_source_remove (self->interval_id);
          self->interval_id = g_timeout_add_seconds (self->interval, interval_cb, self);
        }
      break;
    case PROP_PROBE_INTERVAL:
      set_uint (self, &self->probe_interval, g_value_get_uint (value), prop_id);
      if (self->probe_id != 0)
        {
          _hall_sync_engine_stop_probe (self);
          _hall_sync_engine_start_probe (self);
        }
      break;
    case PROP_CA_FILE:
      set_string (self, &self->ca_file, g_value_get_string (value), prop_id);
      break;
    case PROP_PINNED_PUBLIC_KEY:
      set_string (self, &self->pinned_public_key, g_value_get_string (value), prop_id);
      break;
    case PROP_BLOB_CHUNK_SIZE:
      set_uint (self, &self->blob_chunk_size, g_value_get_uint (value), prop_id);
      break;
    case PROP_PULL_PAGE_SIZE:
      set_uint (self, &self->pull_page_size, g_value_get_uint (value), prop_id);
      break;
    case PROP_PUSH_BATCH_SIZE:
      set_uint (self, &self->push_batch_size, g_value_get_uint (value), prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_sync_engine_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HallSyncEngine *self = HALL_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;
    case PROP_BACKOFF_BASE_MS:
      g_value_set_uint (value, self->backoff_base_ms);
      break;
    case PROP_BACKOFF_CAP_MS:
      g_value_set_uint (value, self->backoff_cap_ms);
      break;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout);
      break;
    case PROP_LOW_SPEED_TIME:
      g_value_set_uint (value, self->low_speed_time);
      break;
    case PROP_LOW_SPEED_LIMIT:
      g_value_set_uint (value, self->low_speed_limit);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_PROBE_INTERVAL:
      g_value_set_uint (value, self->probe_interval);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_PINNED_PUBLIC_KEY:
      g_value_set_string (value, self->pinned_public_key);
      break;
    case PROP_BLOB_CHUNK_SIZE:
      g_value_set_uint (value, self->blob_chunk_size);
      break;
    case PROP_PULL_PAGE_SIZE:
      g_value_set_uint (value, self->pull_page_size);
      break;
    case PROP_PUSH_BATCH_SIZE:
      g_value_set_uint (value, self->push_batch_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_sync_engine_constructed (GObject *object)
{
  HallSyncEngine *self = HALL_SYNC_ENGINE (object);

  G_OBJECT_CLASS (hall_sync_engine_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  self->pending = hall_store_count_outbox (self->store);
  self->last_sync = read_last_sync (self->store);
  /* "pending" follows the outbox whether or not periodic passes run. */
  self->outbox_handler = g_signal_connect (self->store, "outbox-changed",
                                           G_CALLBACK (outbox_changed_cb), self);
  update_client (self);
}

static void
hall_sync_engine_dispose (GObject *object)
{
  HallSyncEngine *self = HALL_SYNC_ENGINE (object);

  /* Passes and uploads hold a reference, so none is running here. */
  if (self->store != NULL)
    {
      hall_sync_engine_stop (self);
      g_clear_signal_handler (&self->outbox_handler, self->store);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hall_sync_engine_parent_class)->dispose (object);
}

static void
hall_sync_engine_finalize (GObject *object)
{
  HallSyncEngine *self = HALL_SYNC_ENGINE (object);

  g_free (self->server_url);
  g_free (self->last_error);
  g_free (self->ca_file);
  g_free (self->pinned_public_key);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->next_waiters, g_ptr_array_unref);
  hall_sync_engine_set_credentials (self, NULL, NULL);
  g_mutex_clear (&self->credentials_lock);
  g_mutex_clear (&self->sign_in_lock);

  G_OBJECT_CLASS (hall_sync_engine_parent_class)->finalize (object);
}

static GParamSpec *
uint_knob (const char *name,
           guint       minimum,
           guint       maximum,
           guint       default_value)
{
  return g_param_spec_uint (name, NULL, NULL, minimum, maximum, default_value,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY
                            | G_PARAM_STATIC_STRINGS);
}

static void
hall_sync_engine_class_init (HallSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hall_sync_engine_constructed;
  object_class->dispose = hall_sync_engine_dispose;
  object_class->finalize = hall_sync_engine_finalize;
  object_class->set_property = hall_sync_engine_set_property;
  object_class->get_property = hall_sync_engine_get_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNCING] =
    g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_ATTEMPTS] = uint_knob ("max-attempts", 1, 1000, 4);
  properties[PROP_BACKOFF_BASE_MS] = uint_knob ("backoff-base-ms", 1, 3600000, 500);
  properties[PROP_BACKOFF_CAP_MS] = uint_knob ("backoff-cap-ms", 1, 3600000, 15000);
  properties[PROP_CONNECT_TIMEOUT] = uint_knob ("connect-timeout", 1, 3600, 10);
  properties[PROP_LOW_SPEED_TIME] = uint_knob ("low-speed-time", 1, 3600, 30);
  properties[PROP_LOW_SPEED_LIMIT] = uint_knob ("low-speed-limit", 1, G_MAXUINT, 10);
  properties[PROP_INTERVAL] = uint_knob ("interval", 1, 86400, 30);
  properties[PROP_PROBE_INTERVAL] = uint_knob ("probe-interval", 1, 3600, 5);
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PINNED_PUBLIC_KEY] =
    g_param_spec_string ("pinned-public-key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BLOB_CHUNK_SIZE] = uint_knob ("blob-chunk-size", 1, 64 * 1024 * 1024,
                                                1024 * 1024);
  /* The server serves at most 5000 changes a page. */
  properties[PROP_PULL_PAGE_SIZE] = uint_knob ("pull-page-size", 1, 5000, 5000);
  properties[PROP_PUSH_BATCH_SIZE] = uint_knob ("push-batch-size", 1, 500, 500);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CASE_REJECTED] =
    g_signal_new ("case-rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_CONFLICT] =
    g_signal_new ("conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_CALENDAR_CHANGED] =
    g_signal_new ("calendar-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_PASS_FINISHED] =
    g_signal_new ("pass-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
hall_sync_engine_init (HallSyncEngine *self)
{
  self->client = hall_http_client_new ();
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&self->credentials_lock);
  g_mutex_init (&self->sign_in_lock);
}
