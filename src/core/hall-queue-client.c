/* hall-queue-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-queue"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hall-core-error.h"
#include "hall-queue-client.h"
#include "hall-sync-response.h"

struct _HallQueueClient
{
  GObject         parent_instance;
  HallSyncEngine *engine;
};

G_DEFINE_FINAL_TYPE (HallQueueClient, hall_queue_client, G_TYPE_OBJECT)

void
hall_queue_group_status_free (HallQueueGroupStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->group);
  g_free (status->name_en);
  g_free (status->name_zh);
  g_free (status);
}

static void
hall_queue_client_dispose (GObject *object)
{
  HallQueueClient *self = HALL_QUEUE_CLIENT (object);

  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hall_queue_client_parent_class)->dispose (object);
}

static void
hall_queue_client_class_init (HallQueueClientClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hall_queue_client_dispose;
}

static void
hall_queue_client_init (HallQueueClient *self)
{
}

HallQueueClient *
hall_queue_client_new (HallSyncEngine *engine)
{
  HallQueueClient *self = g_object_new (HALL_TYPE_QUEUE_CLIENT, NULL);

  self->engine = g_object_ref (engine);
  return self;
}

/* (transfer full): the body of a 2xx answer, or NULL with the server's
 * reason as HALL_SYNC_ERROR_REJECTED. */
static char *
answer_text (HallHttpResponse  *response,
             GError           **error)
{
  gsize length;
  const char *data = g_bytes_get_data (response->body, &length);

  if (response->status >= 200 && response->status < 300)
    return hall_http_response_dup_text (response);
  {
    g_autofree char *reason = hall_sync_response_describe_problem (response->status, data, length,
                                                                   NULL);

    g_set_error_literal (error, HALL_SYNC_ERROR,
                         response->status == 401 || response->status == 403
                         ? HALL_SYNC_ERROR_AUTH : HALL_SYNC_ERROR_REJECTED, reason);
  }
  return NULL;
}

static void
ticket_sent_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(HallHttpResponse) response = NULL;
  g_autofree char *text = NULL;
  HallTicket *ticket;
  GError *error = NULL;

  response = hall_sync_engine_send_finish (HALL_SYNC_ENGINE (source), result, &error);
  if (response == NULL || (text = answer_text (response, &error)) == NULL
      || (ticket = hall_ticket_new_from_json (text, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, ticket, g_object_unref);
}

static void
send_for_ticket (HallQueueClient    *self,
                 const char         *path,
                 const char         *body,
                 GCancellable       *cancellable,
                 GAsyncReadyCallback callback,
                 gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *key = g_uuid_string_random ();

  g_task_set_source_tag (task, hall_queue_client_ticket_finish);
  hall_sync_engine_send_async (self->engine, "POST", path, body, key, cancellable,
                               ticket_sent_cb, task);
}

static char *
json_of (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

void
hall_queue_client_call_next_async (HallQueueClient    *self,
                                   const char         *counter,
                                   const char * const *groups,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (HALL_IS_QUEUE_CLIENT (self) && counter != NULL);
  escaped = g_uri_escape_string (counter, NULL, FALSE);
  path = g_strdup_printf ("/v1/counters/%s/call-next", escaped);
  json_builder_begin_object (builder);
  if (groups != NULL && groups[0] != NULL)
    {
      json_builder_set_member_name (builder, "groups");
      json_builder_begin_array (builder);
      for (guint i = 0; groups[i] != NULL; i++)
        json_builder_add_string_value (builder, groups[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  body = json_of (builder);
  send_for_ticket (self, path, body, cancellable, callback, user_data);
}

void
hall_queue_client_act_async (HallQueueClient    *self,
                             HallTicket         *ticket,
                             const char         *action,
                             const char         *group,
                             const char         *counter,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (HALL_IS_QUEUE_CLIENT (self) && HALL_IS_TICKET (ticket) && action != NULL);
  path = g_strdup_printf ("/v1/tickets/%s/%s", hall_ticket_get_uuid (ticket), action);
  json_builder_begin_object (builder);
  if (group != NULL)
    {
      json_builder_set_member_name (builder, "group");
      json_builder_add_string_value (builder, group);
    }
  if (counter != NULL)
    {
      json_builder_set_member_name (builder, "counter");
      json_builder_add_string_value (builder, counter);
    }
  json_builder_end_object (builder);
  body = json_of (builder);
  send_for_ticket (self, path, body, cancellable, callback, user_data);
}

void
hall_queue_client_issue_async (HallQueueClient    *self,
                               const char         *service,
                               const char         *priority,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *body = NULL;

  g_return_if_fail (HALL_IS_QUEUE_CLIENT (self) && service != NULL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, service);
  if (priority != NULL)
    {
      json_builder_set_member_name (builder, "priority");
      json_builder_add_string_value (builder, priority);
    }
  json_builder_end_object (builder);
  body = json_of (builder);
  send_for_ticket (self, "/v1/tickets", body, cancellable, callback, user_data);
}

void
hall_queue_client_check_in_async (HallQueueClient    *self,
                                  const char         *code,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (HALL_IS_QUEUE_CLIENT (self) && code != NULL);
  escaped = g_uri_escape_string (code, NULL, FALSE);
  path = g_strdup_printf ("/v1/appointments/%s/check-in", escaped);
  send_for_ticket (self, path, "{}", cancellable, callback, user_data);
}

HallTicket *
hall_queue_client_ticket_finish (HallQueueClient  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
board_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(HallHttpResponse) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  GPtrArray *groups;
  JsonArray *array;
  GError *error = NULL;

  response = hall_sync_engine_send_finish (HALL_SYNC_ENGINE (source), result, &error);
  if (response == NULL || (text = answer_text (response, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  root = json_from_string (text, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "groups"))
    {
      g_task_return_new_error (task, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                               _("The server's answer is not a queue board"));
      return;
    }
  array = json_object_get_array_member (json_node_get_object (root), "groups");
  groups = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_queue_group_status_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      JsonObject *name = json_object_get_object_member (object, "name");
      HallQueueGroupStatus *status = g_new0 (HallQueueGroupStatus, 1);

      status->group = g_strdup (json_object_get_string_member (object, "group"));
      status->name_en = g_strdup (json_object_get_string_member_with_default (name, "en", ""));
      status->name_zh = g_strdup (json_object_get_string_member_with_default (name, "zh", ""));
      status->waiting = json_object_get_int_member (object, "waiting");
      status->estimated_wait = json_object_get_int_member (object, "estimated_wait_minutes");
      status->open_counters = json_object_get_int_member (object, "open_counters");
      g_ptr_array_add (groups, status);
    }
  g_task_return_pointer (task, groups, (GDestroyNotify) g_ptr_array_unref);
}

void
hall_queue_client_board_async (HallQueueClient    *self,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, hall_queue_client_board_async);
  hall_sync_engine_send_async (self->engine, "GET", "/v1/queue", NULL, NULL, cancellable,
                               board_cb, task);
}

GPtrArray *
hall_queue_client_board_finish (HallQueueClient  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
