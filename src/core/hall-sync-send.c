/* hall-sync-send.c — one signed-in request outside the outbox: what a
 * counter asks of the server's queue, which exists only there
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-sync-engine-private.h"

typedef struct
{
  HallSyncWorker  worker;
  char           *method;
  char           *path;
  GBytes         *body;
  char           *idempotency_key;
  char           *if_match;
} SendData;

static void
send_data_free (SendData *data)
{
  _hall_sync_worker_clear (&data->worker);
  g_free (data->method);
  g_free (data->path);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_free (data->idempotency_key);
  g_free (data->if_match);
  g_free (data);
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SendData *data = task_data;
  g_autofree char *key = NULL;
  g_autofree char *match = NULL;
  const char *headers[4] = { NULL, NULL, NULL, NULL };
  guint n = 0;
  GError *error = NULL;
  HallHttpResponse *response;

  data->worker.cancellable = cancellable;
  if (data->worker.server_url == NULL || *data->worker.server_url == '\0')
    {
      g_task_return_new_error (task, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE,
                               _("no server address was given"));
      return;
    }
  if (data->body != NULL)
    headers[n++] = "Content-Type: application/json";
  if (data->idempotency_key != NULL)
    headers[n++] = key = g_strdup_printf ("Idempotency-Key: %s", data->idempotency_key);
  if (data->if_match != NULL)
    headers[n++] = match = g_strdup_printf ("If-Match: %s", data->if_match);
  response = _hall_sync_send_authorized (&data->worker, data->method, data->path, headers,
                                         data->body, &error);
  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) hall_http_response_free);
}

void
hall_sync_engine_send_async (HallSyncEngine     *self,
                             const char         *method,
                             const char         *path,
                             const char         *json_body,
                             const char         *idempotency_key,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  hall_sync_engine_send_if_match_async (self, method, path, json_body, idempotency_key, NULL,
                                        cancellable, callback, user_data);
}

void
hall_sync_engine_send_if_match_async (HallSyncEngine     *self,
                                      const char         *method,
                                      const char         *path,
                                      const char         *json_body,
                                      const char         *idempotency_key,
                                      const char         *if_match,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));
  g_return_if_fail (method != NULL && path != NULL);

  data = g_new0 (SendData, 1);
  _hall_sync_worker_init (&data->worker, self);
  data->method = g_strdup (method);
  data->path = g_strdup (path);
  if (json_body != NULL)
    data->body = g_bytes_new (json_body, strlen (json_body));
  data->idempotency_key = g_strdup (idempotency_key);
  data->if_match = g_strdup (if_match);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_sync_engine_send_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  g_task_run_in_thread (task, send_thread);
}

HallHttpResponse *
hall_sync_engine_send_finish (HallSyncEngine  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
