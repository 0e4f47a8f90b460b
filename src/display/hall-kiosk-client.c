/* hall-kiosk-client.c — the kiosk's requests: a ticket for a service or
 * for an appointment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-display"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-core-error.h"
#include "hall-http-client.h"
#include "hall-json.h"
#include "hall-kiosk-client.h"

struct _HallKioskClient
{
  GObject         parent_instance;

  HallHttpClient *http;
  char           *server_url;
  char           *user;
  char           *password;
  GMutex          lock;      /* guards token */
  char           *token;
};

G_DEFINE_FINAL_TYPE (HallKioskClient, hall_kiosk_client, G_TYPE_OBJECT)

typedef struct
{
  char *service_id;
  char *appointment_code;
  char *idempotency_key;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->service_id);
  g_free (request->appointment_code);
  g_free (request->idempotency_key);
  g_free (request);
}

/* (transfer full) (nullable): the body as a JSON object. */
static JsonObject *
body_object (HallHttpResponse *response)
{
  g_autoptr (JsonNode) root = hall_http_response_parse_json (response, 16);

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root)
         ? json_object_ref (json_node_get_object (root)) : NULL;
}

/* The server's own words for a refusal. */
static void
set_refusal (HallHttpResponse *response,
             GError          **error)
{
  g_autoptr (JsonObject) problem = body_object (response);
  const char *detail = NULL;

  if (problem != NULL)
    detail = json_object_get_string_member_with_default (problem, "detail",
               json_object_get_string_member_with_default (problem, "title", NULL));
  g_set_error (error, HALL_SYNC_ERROR,
               response->status == 401 || response->status == 403 ? HALL_SYNC_ERROR_AUTH
               : response->status >= 500 ? HALL_SYNC_ERROR_SERVER : HALL_SYNC_ERROR_REJECTED,
               "%s", detail != NULL ? detail : _("The server refused the ticket"));
}

static gboolean
sign_in (HallKioskClient *self,
         GCancellable    *cancellable,
         GError         **error)
{
  g_autofree char *url = g_strconcat (self->server_url, "/v1/sessions", NULL);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", key);
  const char *headers[] = { "Content-Type: application/json", key_header, NULL };
  g_autoptr (GString) body = g_string_new ("{\"username\": ");
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonObject) answer = NULL;
  const char *token;

  hall_json_append_string (body, self->user != NULL ? self->user : "");
  g_string_append (body, ", \"password\": ");
  hall_json_append_string (body, self->password != NULL ? self->password : "");
  g_string_append (body, "}");
  bytes = g_bytes_new (body->str, body->len);
  memset (body->str, 0, body->len);

  response = hall_http_client_send (self->http, "POST", url, headers, bytes, cancellable, error);
  if (response == NULL)
    return FALSE;
  if (response->status != 201 && response->status != 200)
    {
      if (response->status == 401)
        {
          g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH,
                       _("The kiosk cannot sign in as “%s”: the user name or the password is wrong"),
                       self->user != NULL ? self->user : "");
          return FALSE;
        }
      set_refusal (response, error);
      return FALSE;
    }
  answer = body_object (response);
  token = answer != NULL ? json_object_get_string_member_with_default (answer, "token", NULL) : NULL;
  if (token == NULL)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("the server's answer to signing in has no token"));
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  g_free (self->token);
  self->token = g_strdup (token);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
take_ticket_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  HallKioskClient *self = source_object;
  Request *request = task_data;
  g_autofree char *url = NULL;
  g_autoptr (GBytes) body = NULL;
  GError *error = NULL;

  if (request->appointment_code != NULL)
    {
      g_autofree char *code = g_uri_escape_string (request->appointment_code, NULL, FALSE);

      url = g_strdup_printf ("%s/v1/appointments/%s/check-in", self->server_url, code);
      body = g_bytes_new_static ("{}", 2);
    }
  else
    {
      g_autoptr (GString) text = g_string_new ("{\"service\": ");

      hall_json_append_string (text, request->service_id);
      g_string_append (text, "}");
      url = g_strdup_printf ("%s/v1/tickets", self->server_url);
      body = g_string_free_to_bytes (g_steal_pointer (&text));
    }

  /* Signs in once more when the session has ended, then the same request
   * with the same key. */
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autofree char *token = NULL;
      g_autofree char *authorization = NULL;
      g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", request->idempotency_key);
      g_autoptr (HallHttpResponse) response = NULL;

      g_mutex_lock (&self->lock);
      token = g_strdup (self->token);
      g_mutex_unlock (&self->lock);
      if (token == NULL)
        {
          if (!sign_in (self, cancellable, &error))
            {
              g_task_return_error (task, error);
              return;
            }
          g_mutex_lock (&self->lock);
          token = g_strdup (self->token);
          g_mutex_unlock (&self->lock);
        }
      authorization = g_strdup_printf ("Authorization: Bearer %s", token);
      {
        const char *headers[] = { "Content-Type: application/json", authorization, key_header, NULL };

        response = hall_http_client_send (self->http, "POST", url, headers, body, cancellable, &error);
      }
      if (response == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (response->status == 401 && attempt == 0)
        {
          g_mutex_lock (&self->lock);
          g_clear_pointer (&self->token, g_free);
          g_mutex_unlock (&self->lock);
          continue;
        }
      if (response->status == 200 || response->status == 201)
        {
          JsonObject *ticket = body_object (response);

          if (ticket == NULL || !json_object_has_member (ticket, "number"))
            {
              g_clear_pointer (&ticket, json_object_unref);
              g_task_return_new_error (task, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                                       _("The server's answer is not a ticket"));
              return;
            }
          g_task_return_pointer (task, ticket, (GDestroyNotify) json_object_unref);
          return;
        }
      set_refusal (response, &error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_new_error (task, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH,
                           _("The server ended the kiosk's session again"));
}

static void
hall_kiosk_client_finalize (GObject *object)
{
  HallKioskClient *self = HALL_KIOSK_CLIENT (object);

  g_clear_object (&self->http);
  g_free (self->server_url);
  g_free (self->user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->token);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (hall_kiosk_client_parent_class)->finalize (object);
}

static void
hall_kiosk_client_class_init (HallKioskClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_kiosk_client_finalize;
}

static void
hall_kiosk_client_init (HallKioskClient *self)
{
  g_mutex_init (&self->lock);
  self->http = hall_http_client_new ();
  hall_http_client_set_connect_timeout (self->http, 5);
  hall_http_client_set_low_speed (self->http, 1, 15);
}

HallKioskClient *
hall_kiosk_client_new (const char *server_url,
                       const char *user,
                       const char *password)
{
  HallKioskClient *self = g_object_new (HALL_TYPE_KIOSK_CLIENT, NULL);

  self->server_url = g_strdup (server_url);
  while (g_str_has_suffix (self->server_url, "/"))
    self->server_url[strlen (self->server_url) - 1] = '\0';
  self->user = g_strdup (user);
  self->password = g_strdup (password);
  return self;
}

void
hall_kiosk_client_take_ticket_async (HallKioskClient    *self,
                                     const char         *service_id,
                                     const char         *appointment_code,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  Request *request;

  g_return_if_fail (HALL_IS_KIOSK_CLIENT (self));
  g_return_if_fail (service_id != NULL || appointment_code != NULL);

  request = g_new0 (Request, 1);
  request->service_id = g_strdup (service_id);
  request->appointment_code = g_strdup (appointment_code);
  request->idempotency_key = g_uuid_string_random ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_kiosk_client_take_ticket_async);
  g_task_set_task_data (task, request, request_free);
  g_task_run_in_thread (task, take_ticket_thread);
}

JsonObject *
hall_kiosk_client_take_ticket_finish (HallKioskClient *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
