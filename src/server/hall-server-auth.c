/* hall-server-auth.c — officials and their sessions: adding officials,
 * signing in and out, and who may send what to which route
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "hall-password.h"
#include "hall-server-error.h"
#include "hall-server-private.h"

#define SESSION_SECONDS (12 * 60 * 60)
/* How long what the database says of an official is trusted: a change made
 * by another process (--set-official) reaches the requests within it. */
#define OFFICIAL_STATE_USEC (2 * G_USEC_PER_SEC)
/* Sign-ins waiting for a thread beyond which more are turned away: each
 * holds a connection, suspended where no timeout reaches it, and a flood
 * of them would take every connection and keep a real sign-in waiting for
 * minutes. */
#define SIGN_INS_WAITING_MAX 32

gboolean
hall_server_add_demo_users (HallServer  *self,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *hash = NULL;

  existing = hall_server_storage_get_official (self->storage, "demo", NULL, NULL, &local_error);
  if (existing != NULL)
    return TRUE;
  if (!g_error_matches (local_error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* One Argon2id hash for both: they share the password, and start-up stays
   * quick. */
  hash = hall_password_hash ("demo", error);
  if (hash == NULL || !hall_server_storage_begin (self->storage, error))
    return FALSE;
  if (!hall_server_storage_put_official (self->storage, "demo", hash, HALL_ROLES_ALL, error)
      || !hall_server_storage_put_official (self->storage, "reception1", hash, HALL_ROLE_RECEPTION,
                                            error)
      || !hall_server_storage_commit (self->storage, error))
    {
      hall_server_storage_rollback (self->storage);
      return FALSE;
    }
  return TRUE;
}

HallRoles
_hall_server_roles_needed (HallRoute  route,
                           HallMethod method)
{
  /* The queue (hall-server-queue.c): reception and the kiosk issue
   * tickets and check appointments in; counters call and serve. */
  if (route == HALL_ROUTE_TICKETS || route == HALL_ROUTE_CHECK_IN)
    return HALL_ROLE_RECEPTION | HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_ADMINISTRATOR;
  if (route == HALL_ROUTE_CALL_NEXT || route == HALL_ROUTE_TICKET_ACTION)
    return HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_ADMINISTRATOR;
  if (route == HALL_ROUTE_APPOINTMENTS)
    return HALL_ROLE_RECEPTION | HALL_ROLE_ADMINISTRATOR;

  switch (method)
    {
    case HALL_METHOD_GET:
    case HALL_METHOD_HEAD:
      return HALL_ROLES_ALL;
    case HALL_METHOD_PUT:
    case HALL_METHOD_POST:
    case HALL_METHOD_PATCH:
    case HALL_METHOD_OTHER:
    default:
      if (route == HALL_ROUTE_APPLICANT || route == HALL_ROUTE_APPLICANT_PHONE)
        return HALL_ROLE_RECEPTION | HALL_ROLE_COUNTER_OFFICIAL;
      if (route == HALL_ROUTE_CASE)
        return HALL_ROLE_COUNTER_OFFICIAL;
      if (route == HALL_ROUTE_CASE_EVENTS)
        return HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_APPROVER | HALL_ROLE_SUPERVISOR;
      /* Documents are attached where cases are taken in and reviewed;
       * supervisors and administrators read them but add none. */
      if (route == HALL_ROUTE_BLOB)
        return HALL_ROLE_RECEPTION | HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_APPROVER;
      /* What the hall trusts is the administrator's to say. */
      if (route == HALL_ROUTE_CERTIFICATE || route == HALL_ROUTE_REVOCATION)
        return HALL_ROLE_ADMINISTRATOR;
      return HALL_ROLES_ALL;
    }
}

typedef struct
{
  HallRoles roles;
  gint64    signed_out_at;
  gint64    read_at;
} HallOfficialState;

/* What the database says of @username, read again when older than
 * OFFICIAL_STATE_USEC: a read per request would cost a fifth of the GETs. */
static gboolean
official_state (HallServer        *self,
                const char        *username,
                HallOfficialState *state,
                GError           **error)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *hash = NULL;
  HallOfficialState *known;

  g_mutex_lock (&self->officials_mutex);
  known = g_hash_table_lookup (self->officials, username);
  if (known != NULL && now - known->read_at < OFFICIAL_STATE_USEC)
    {
      *state = *known;
      g_mutex_unlock (&self->officials_mutex);
      return TRUE;
    }
  g_mutex_unlock (&self->officials_mutex);

  hash = hall_server_storage_get_official (self->storage, username, &state->roles,
                                           &state->signed_out_at, error);
  if (hash == NULL)
    return FALSE;
  state->read_at = now;

  g_mutex_lock (&self->officials_mutex);
  g_hash_table_replace (self->officials, g_strdup (username), g_memdup2 (state, sizeof *state));
  g_mutex_unlock (&self->officials_mutex);
  return TRUE;
}

static void
forget_official_state (HallServer *self,
                       const char *username)
{
  g_mutex_lock (&self->officials_mutex);
  g_hash_table_remove (self->officials, username);
  g_mutex_unlock (&self->officials_mutex);
}

gboolean
_hall_server_authorize (HallServer            *self,
                        HallServerRequest     *request,
                        struct MHD_Connection *connection)
{
  const char *authorization = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                           MHD_HTTP_HEADER_AUTHORIZATION);
  HallRoles needed;

  g_autoptr(GError) error = NULL;
  gint64 issued_at = 0;
  HallOfficialState state;

  /* The board shows no personal data, and a hall keeps the server on its
   * own network: the queue is read without signing in. Anyone holding a
   * license may have it checked: a bank's clerk has no session here. */
  if (request->route == HALL_ROUTE_HEALTH || request->route == HALL_ROUTE_VERIFY
      || request->route == HALL_ROUTE_QUEUE || request->route == HALL_ROUTE_QUEUE_EVENTS
      || (request->route == HALL_ROUTE_SESSIONS && request->method == HALL_METHOD_POST))
    return TRUE;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0
      || !hall_auth_check_token (self->auth, authorization + 7, &request->username,
                                 &request->roles, &issued_at))
    {
      request->response = hall_problem_response (401, NULL, "%s", authorization == NULL
                                                 ? _("Sign in first: this needs a session token")
                                                 : _("The session token is not valid or has "
                                                     "expired; sign in again"));
      return FALSE;
    }
  /* The roles are the official's now, not those the token was issued with;
   * and a session opened before the official signed out everywhere (or had
   * a new password set) is over. */
  if (!official_state (self, request->username, &state, &error))
    {
      if (!g_error_matches (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND))
        {
          request->response = hall_problem_response_internal (error);
          return FALSE;
        }
      request->response = hall_problem_response (401, NULL, _("%s is no longer an official here"),
                                                 request->username);
      return FALSE;
    }
  /* Whatever its signed payload says: a token made with a stolen key, or
   * by a server with a longer setting, does not outlive a working day. A
   * token that does not say when it was issued is too old to know. */
  if (issued_at == 0 || g_get_real_time () - issued_at > (gint64) SESSION_SECONDS * G_USEC_PER_SEC)
    {
      request->response = hall_problem_response (401, NULL,
                                                 _("Sessions last %d hours; sign in again"),
                                                 SESSION_SECONDS / 3600);
      return FALSE;
    }
  if (issued_at <= state.signed_out_at)
    {
      request->response = hall_problem_response (401, NULL,
                                                 _("This session was ended; sign in again"));
      return FALSE;
    }
  request->roles = state.roles;

  /* A batch is checked operation by operation. */
  needed = _hall_server_roles_needed (request->route, request->method);
  if ((request->roles & needed) == 0)
    {
      request->response = hall_problem_response (403, NULL, _("Your role does not allow this"));
      return FALSE;
    }
  return TRUE;
}

static HallServerResponse *
sign_in (HallServer        *self,
         HallServerRequest *request)
{
  g_autoptr(HallProblem) parse_problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expires = NULL;
  g_auto(GStrv) role_names = NULL;
  g_autoptr(GDateTime) expiry = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  HallRoles roles = 0;
  gint64 expires_at;

  if (!hall_server_parse_session ((const char *) request->body->data, request->body->len,
                                  &username, &password, &parse_problem))
    return hall_problem_to_response (parse_problem);

  hash = hall_server_storage_get_official (self->storage, username, &roles, NULL, &error);
  if (hash == NULL && !g_error_matches (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND))
    return hall_problem_response_internal (error);
  if (!hall_password_verify (hash, password))
    return hall_problem_response (401, NULL, _("The user name or the password is wrong"));

  expires_at = g_get_real_time () / G_USEC_PER_SEC + SESSION_SECONDS;
  token = hall_auth_issue_token (self->auth, username, roles, expires_at);
  expiry = g_date_time_new_from_unix_utc (expires_at);
  expires = g_date_time_format (expiry, "%Y-%m-%dT%H:%M:%SZ");
  role_names = hall_roles_to_strv (roles);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "roles");
  json_builder_begin_array (builder);
  for (guint i = 0; role_names[i] != NULL; i++)
    json_builder_add_string_value (builder, role_names[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return hall_server_response_new_json (201, root);
}

/* On a sign-in thread: Argon2id takes a good part of a second and 64 MiB,
 * and must not hold up one of the few request threads meanwhile. */
void
_hall_server_sign_in_thread (gpointer data,
                             gpointer user_data)
{
  HallServerRequest *request = data;

  request->response = sign_in (user_data, request);
  MHD_resume_connection (request->connection);
}

/* DELETE /v1/sessions: every session of the official who asks ends, on
 * every counter, as when a counter's computer is lost. */
static gboolean
sign_out_write (HallServerStorage  *storage,
                gpointer            user_data,
                GError            **error)
{
  HallServerRequest *request = user_data;

  if (!hall_server_storage_sign_out_official (storage, request->username, g_get_real_time (),
                                              error))
    return FALSE;
  request->response = hall_server_response_new (204);
  return TRUE;
}

static void
sign_out_done (gpointer      user_data,
               const GError *error)
{
  HallServerRequest *request = user_data;

  forget_official_state (request->server, request->username);
  _hall_server_write_done (request, error);
}

HallServerResponse *
_hall_server_answer_session (HallServer            *self,
                             HallServerRequest     *request,
                             struct MHD_Connection *connection)
{
  HallServerResponse *refusal = NULL;

  if (request->method == HALL_METHOD_DELETE)
    {
      MHD_suspend_connection (connection);
      hall_group_committer_submit (self->committer, sign_out_write, sign_out_done, request);
      return NULL;
    }

  g_mutex_lock (&self->sign_in_mutex);
  if (self->sign_ins == NULL)
    refusal = hall_problem_response (503, NULL, _("The server is shutting down; try again"));
  else if (g_thread_pool_unprocessed (self->sign_ins) >= SIGN_INS_WAITING_MAX)
    refusal = hall_problem_response (503, NULL,
                                     _("Too many sign-ins at once; try again in a moment"));
  else
    {
      MHD_suspend_connection (connection);
      g_thread_pool_push (self->sign_ins, request, NULL);
    }
  g_mutex_unlock (&self->sign_in_mutex);
  return refusal;
}

#define OFFICIAL_NAME_MAX 64
#define OFFICIAL_PASSWORD_MIN 8

gboolean
hall_server_set_official (HallServer  *self,
                          const char  *username,
                          const char  *password,
                          const char  *roles,
                          GError     **error)
{
  g_autofree char *hash = NULL;
  HallRoles flags = 0;

  g_return_val_if_fail (HALL_IS_SERVER (self), FALSE);
  g_return_val_if_fail (username != NULL && password != NULL && roles != NULL, FALSE);

  if (*username == '\0' || strlen (username) > OFFICIAL_NAME_MAX
      || strspn (username, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
         != strlen (username))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a username: use 1 to %d letters, digits, “.”, “_” or “-”"),
                   username, OFFICIAL_NAME_MAX);
      return FALSE;
    }
  if (g_utf8_strlen (password, -1) < OFFICIAL_PASSWORD_MIN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The password must have at least %d characters"), OFFICIAL_PASSWORD_MIN);
      return FALSE;
    }
  if (!hall_roles_parse (roles, &flags, error))
    return FALSE;
  if (flags == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Give the official at least one role: reception, counter_official, "
                             "approver, supervisor or administrator"));
      return FALSE;
    }

  hash = hall_password_hash (password, error);
  if (hash == NULL || !hall_server_storage_begin (self->storage, error))
    return FALSE;
  /* Sessions opened with the old password, or the old roles, end. */
  if (!hall_server_storage_put_official (self->storage, username, hash, flags, error)
      || !hall_server_storage_sign_out_official (self->storage, username, g_get_real_time (),
                                                 error)
      || !hall_server_storage_commit (self->storage, error))
    {
      hall_server_storage_rollback (self->storage);
      return FALSE;
    }
  return TRUE;
}
