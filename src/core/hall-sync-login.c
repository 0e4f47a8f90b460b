/* hall-sync-login.c — signing in and out, and the token on each request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hall-error.h"
#include "hall-sync-response.h"
#include "hall-sync-engine-private.h"

static GPtrArray *
new_headers (const char *token)
{
  GPtrArray *headers = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (headers, g_strdup ("Accept: application/json"));
  if (token != NULL && *token != '\0')
    g_ptr_array_add (headers, g_strdup_printf ("Authorization: Bearer %s", token));
  return headers;
}

/* POST /v1/sessions; keeps the token in the store. */
gboolean
_hall_sync_login (HallSyncWorker  *worker,
                  const char      *username,
                  const char      *password,
                  char          ***roles_out,
                  GError         **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) request = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) headers = new_headers (NULL);
  g_autoptr (HallHttpResponse) response = NULL;
  g_autofree char *text = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr (GBytes) body = NULL;
  JsonObject *object;
  const char *token;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  json_generator_set_root (generator, request);
  text = json_generator_to_data (generator, &length);
  body = g_bytes_new_take (g_steal_pointer (&text), length);

  g_ptr_array_add (headers, g_strdup ("Content-Type: application/json"));
  g_ptr_array_add (headers, g_strdup_printf ("Idempotency-Key: %s", key));

  response = _hall_sync_send_with_retry (worker, "POST", "/v1/sessions", headers, body, error);
  if (response == NULL)
    return FALSE;

  /* Only 401: the server answers a wrong password so, and never 403 to a
   * sign-in, which comes from a proxy or firewall in front of it. Taken
   * for a wrong password, it would have the password forgotten. */
  if (response->status == 401)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH,
                   _("the server did not accept this user name and password"));
      return FALSE;
    }
  if (response->status != 200 && response->status != 201)
    {
      g_autofree char *problem = _hall_sync_describe_problem (response);

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("signing in failed (%u): %s"), response->status, problem);
      return FALSE;
    }

  root = hall_http_response_parse_json (response, HALL_SYNC_RESPONSE_MAX_DEPTH);
  object = (root != NULL && JSON_NODE_HOLDS_OBJECT (root)) ? json_node_get_object (root) : NULL;
  token = object != NULL ? json_object_get_string_member_with_default (object, "token", NULL)
                         : NULL;
  if (token == NULL || *token == '\0')
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("the server's answer to signing in has no token"));
      return FALSE;
    }

  if (!hall_store_set_meta (worker->store, "token", token, error)
      || !hall_store_set_meta (worker->store, "server_url", worker->server_url, error))
    return FALSE;

  if (roles_out != NULL)
    {
      g_autoptr (GStrvBuilder) roles = g_strv_builder_new ();
      JsonArray *array = json_object_has_member (object, "roles")
                         && JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "roles"))
                         ? json_object_get_array_member (object, "roles") : NULL;
      guint i;

      for (i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          const char *role = json_node_get_string (json_array_get_element (array, i));

          if (role != NULL)
            g_strv_builder_add (roles, role);
        }
      *roles_out = g_strv_builder_end (roles);
    }
  g_debug ("signed in");
  return TRUE;
}

void
_hall_sync_set_auth_error (GError **error)
{
  g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH,
               _("The server no longer accepts this counter's sign-in: "
                 "sign in to the server again"));
}

/* A password is wiped before its memory is given back. */
static void
free_password (char *password)
{
  if (password != NULL)
    memset (password, 0, strlen (password));
  g_free (password);
}

/* The remembered password, forgotten when the server refused it (an
 * administrator set a new one): trying it again on every pass would only
 * get the official blocked by the server's sign-in throttle. */
static void
forget_password (HallSyncEngine *engine,
                 const char     *refused)
{
  g_mutex_lock (&engine->credentials_lock);
  if (g_strcmp0 (engine->password, refused) == 0)
    g_clear_pointer (&engine->password, free_password);
  g_mutex_unlock (&engine->credentials_lock);
}

typedef enum
{
  SIGNED_IN,        /* a new token is stored: send again */
  NO_PASSWORD,      /* none to sign in with */
  SIGN_IN_FAILED,   /* @error says why */
} SignIn;

/* With the engine's sign_in_lock held: a new token for @refused, unless
 * another batch's thread got one meanwhile, or already failed to. */
static SignIn
sign_in_again_locked (HallSyncWorker *worker,
                      const char     *refused,
                      GError        **error)
{
  g_autofree char *now = hall_store_get_meta (worker->store, "token");
  g_autofree char *username = NULL;
  char *password;
  gboolean ok;

  if (g_strcmp0 (now, refused) != 0)
    return SIGNED_IN;
  /* Tried for this token and failed (a server error, no network): its
   * answer, not one more sign-in after another. */
  if (worker->sign_in_error != NULL && g_strcmp0 (worker->sign_in_failed_for, refused) == 0)
    {
      g_propagate_error (error, g_error_copy (worker->sign_in_error));
      return SIGN_IN_FAILED;
    }

  g_mutex_lock (&worker->engine->credentials_lock);
  username = g_strdup (worker->engine->username);
  password = g_strdup (worker->engine->password);
  g_mutex_unlock (&worker->engine->credentials_lock);
  if (username == NULL || password == NULL)
    {
      free_password (password);
      return NO_PASSWORD;
    }

  g_debug ("token refused, signing in again");
  ok = _hall_sync_login (worker, username, password, NULL, error);
  if (!ok)
    {
      if (g_error_matches (*error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH))
        {
          forget_password (worker->engine, password);
          g_clear_error (error);
          _hall_sync_set_auth_error (error);
        }
      g_free (worker->sign_in_failed_for);
      worker->sign_in_failed_for = g_strdup (refused);
      g_clear_error (&worker->sign_in_error);
      worker->sign_in_error = g_error_copy (*error);
    }
  free_password (password);
  return ok ? SIGNED_IN : SIGN_IN_FAILED;
}

/* Sends with the current token; on a 401 signs in again once when a
 * password is known. A 401 that remains is returned to the caller. The
 * batches in flight meet the same refused token together: one thread
 * signs in, under sign_in_lock, and the others take its token (or its
 * error), since each sign-in costs the server a password hash, and a
 * wrong one counts towards blocking the official. */
HallHttpResponse *
_hall_sync_send_authorized (HallSyncWorker *worker,
                            const char     *method,
                            const char     *path,
                            const char * const *extra_headers,
                            GBytes         *body,
                            GError        **error)
{
  gboolean signed_in_again = FALSE;

  for (;;)
    {
      g_autofree char *token = hall_store_get_meta (worker->store, "token");
      g_autoptr (GPtrArray) headers = new_headers (token);
      g_autoptr (HallHttpResponse) response = NULL;
      SignIn outcome;
      gsize i;

      for (i = 0; extra_headers != NULL && extra_headers[i] != NULL; i++)
        g_ptr_array_add (headers, g_strdup (extra_headers[i]));

      response = _hall_sync_send_with_retry (worker, method, path, headers, body, error);
      if (response == NULL || response->status != 401 || signed_in_again)
        return g_steal_pointer (&response);

      signed_in_again = TRUE;
      g_mutex_lock (&worker->engine->sign_in_lock);
      outcome = sign_in_again_locked (worker, token, error);
      g_mutex_unlock (&worker->engine->sign_in_lock);
      if (outcome == NO_PASSWORD)
        return g_steal_pointer (&response);
      if (outcome == SIGN_IN_FAILED)
        return NULL;
    }
}

typedef struct
{
  HallSyncWorker  worker;
  char           *username;
  char           *password;
} LoginData;

static void
login_data_free (LoginData *data)
{
  _hall_sync_worker_clear (&data->worker);
  g_free (data->username);
  free_password (data->password);
  g_free (data);
}

static void
remember_credentials (HallSyncEngine *self,
                      const char     *username,
                      const char     *password)
{
  g_mutex_lock (&self->credentials_lock);
  g_free (self->username);
  self->username = g_strdup (username);
  free_password (self->password);
  self->password = g_strdup (password);
  g_mutex_unlock (&self->credentials_lock);
}

void
hall_sync_engine_set_credentials (HallSyncEngine *self,
                                  const char     *username,
                                  const char     *password)
{
  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  if (username == NULL || password == NULL)
    remember_credentials (self, NULL, NULL);
  else
    remember_credentials (self, username, password);
}

static void
login_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  HallSyncEngine *self = source_object;
  LoginData *data = task_data;
  GError *error = NULL;
  char **roles = NULL;

  data->worker.cancellable = cancellable;
  if (data->worker.server_url == NULL || *data->worker.server_url == '\0')
    {
      g_task_return_new_error (task, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                               _("no server address was given"));
      return;
    }
  if (!_hall_sync_login (&data->worker, data->username, data->password, &roles, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  remember_credentials (self, data->username, data->password);

  g_task_return_pointer (task, roles, (GDestroyNotify) g_strfreev);
}

void
hall_sync_engine_login_async (HallSyncEngine     *self,
                              const char         *username,
                              const char         *password,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  LoginData *data;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));
  g_return_if_fail (username != NULL && password != NULL);

  data = g_new0 (LoginData, 1);
  _hall_sync_worker_init (&data->worker, self);
  data->username = g_strdup (username);
  data->password = g_strdup (password);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_sync_engine_login_async);
  g_task_set_task_data (task, data, (GDestroyNotify) login_data_free);
  g_task_run_in_thread (task, login_thread);
}

gboolean
hall_sync_engine_login_finish (HallSyncEngine *self,
                               GAsyncResult   *result,
                               char         ***roles_out,
                               GError        **error)
{
  char **roles;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  roles = g_task_propagate_pointer (G_TASK (result), error);
  if (roles == NULL)
    return FALSE;
  if (roles_out != NULL)
    *roles_out = roles;
  else
    g_strfreev (roles);
  return TRUE;
}

static void
sign_out_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  HallSyncEngine *self = source_object;
  HallSyncWorker *worker = task_data;
  g_autofree char *token = hall_store_get_meta (worker->store, "token");
  g_autoptr (HallHttpResponse) response = NULL;
  GError *error = NULL;

  worker->cancellable = cancellable;
  if (token != NULL && *token != '\0')
    {
      g_autoptr (GPtrArray) headers = new_headers (token);

      response = _hall_sync_send_with_retry (worker, "DELETE", "/v1/sessions", headers, NULL,
                                             &error);
      if (response == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (response->status != 204 && response->status != 401)
        {
          g_autofree char *problem = _hall_sync_describe_problem (response);

          g_task_return_new_error (task, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                                   _("the server did not sign out: %s"), problem);
          return;
        }
    }
  if (!hall_store_set_meta (worker->store, "token", "", &error))
    {
      g_task_return_error (task, error);
      return;
    }
  remember_credentials (self, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
worker_free (HallSyncWorker *worker)
{
  _hall_sync_worker_clear (worker);
  g_free (worker);
}

void
hall_sync_engine_sign_out_async (HallSyncEngine     *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  HallSyncWorker *worker;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  worker = g_new0 (HallSyncWorker, 1);
  _hall_sync_worker_init (worker, self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_sync_engine_sign_out_async);
  g_task_set_task_data (task, worker, (GDestroyNotify) worker_free);
  g_task_run_in_thread (task, sign_out_thread);
}

gboolean
hall_sync_engine_sign_out_finish (HallSyncEngine *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
