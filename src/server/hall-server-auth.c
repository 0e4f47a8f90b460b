/* hall-server-auth.c — officials and their sessions: adding officials,
 * signing in and out, and who may send what to which route
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <gio/gio.h>
#include <netinet/in.h>
#include <glib/gi18n.h>
#include <string.h>

#include "hall-json.h"
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
/* Password guessing: after this many refused sign-ins in a row, an account
 * waits 1 s before the next, then 2, 4, ... up to THROTTLE_MAX_SECONDS; an
 * address (a hall's counters may share one) after twice as many, for guesses
 * spread over many user names. A right password clears its account. The
 * host's own loopback address is a proxy in front of the server, speaking
 * for every client: it is limited per account only (the proxy limits each
 * client itself), or one guesser would lock the whole hall out. */
#define THROTTLE_FREE_PER_ACCOUNT 5
#define THROTTLE_FREE_PER_ADDRESS 10
#define THROTTLE_MAX_SECONDS      (15 * 60)
/* The most refused sign-ins the administrator's list answers at once. */
#define SIGN_IN_FAILURES_MAX      1000

typedef struct
{
  guint  failures;
  gint64 blocked_until;   /* monotonic microseconds */
} HallThrottle;

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
      /* An applicant's personal data, and the cases that name one, are for
       * the roles whose work they are (see the change feed). */
      if (route == HALL_ROUTE_APPLICANT || route == HALL_ROUTE_CASE || route == HALL_ROUTE_PAGE)
        return HALL_ROLES_CASE_WORK;
      if (route == HALL_ROUTE_ADMIN_SIGN_IN_FAILURES)
        return HALL_ROLE_ADMINISTRATOR;
      /* The hall's figures are for those who supervise it. */
      if (route == HALL_ROUTE_STATS)
        return HALL_ROLE_SUPERVISOR | HALL_ROLE_ADMINISTRATOR;
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
      /* A page's record says whose document it is: personal data, for
       * those who scan documents into cases. */
      if (route == HALL_ROUTE_PAGE)
        return HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_APPROVER;
      /* A license is its approval's: whoever may send decisions sends it
       * (its signer's role is checked against its case's last step). */
      if (route == HALL_ROUTE_CASE_EVENTS || route == HALL_ROUTE_LICENSE)
        return HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_APPROVER | HALL_ROLE_SUPERVISOR;
      /* Documents are attached where cases are taken in and reviewed;
       * supervisors and administrators read them but add none. */
      if (route == HALL_ROUTE_BLOB)
        return HALL_ROLE_RECEPTION | HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_APPROVER;
      /* What the hall trusts is the administrator's to say. */
      if (route == HALL_ROUTE_CERTIFICATE || route == HALL_ROUTE_REVOCATION)
        return HALL_ROLE_ADMINISTRATOR;
      /* So is the calendar every promise is counted in. */
      if (route == HALL_ROUTE_CALENDAR)
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

/* The client's IP address, as text ("" when it cannot be told). Behind a
 * proxy it is the proxy's: the proxy then limits each client itself. */
static char *
client_address (struct MHD_Connection *connection)
{
  const union MHD_ConnectionInfo *info
    = MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  g_autoptr(GSocketAddress) address = NULL;
  const struct sockaddr *sa;

  if (info == NULL || (sa = info->client_addr) == NULL)
    return g_strdup ("");
  address = g_socket_address_new_from_native ((gpointer) sa, sa->sa_family == AF_INET6
                                                             ? sizeof (struct sockaddr_in6)
                                                             : sizeof (struct sockaddr_in));
  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("");
  return g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static gboolean
is_own_host (const char *address)
{
  return g_str_equal (address, "127.0.0.1") || g_str_equal (address, "::1")
         || g_str_equal (address, "::ffff:127.0.0.1");
}

/* Seconds to wait before @username may try again from @address; 0 for
 * none. */
static guint
throttle_wait (HallServer *self,
               const char *username,
               const char *address)
{
  g_autofree char *user_key = g_strconcat ("user:", username, NULL);
  g_autofree char *address_key = g_strconcat ("address:", address, NULL);
  gint64 now = g_get_monotonic_time ();
  gint64 until = 0;
  HallThrottle *throttle;

  g_mutex_lock (&self->throttle_mutex);
  if ((throttle = g_hash_table_lookup (self->throttles, user_key)) != NULL)
    until = MAX (until, throttle->blocked_until);
  if ((throttle = g_hash_table_lookup (self->throttles, address_key)) != NULL)
    until = MAX (until, throttle->blocked_until);
  g_mutex_unlock (&self->throttle_mutex);

  return until > now ? (guint) ((until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
}

static void
throttle_count (HallServer *self,
                const char *key,
                guint       free_failures)
{
  HallThrottle *throttle = g_hash_table_lookup (self->throttles, key);

  if (throttle == NULL)
    {
      /* A flood of made-up names must not grow the table without end. */
      if (g_hash_table_size (self->throttles) > 100000)
        g_hash_table_remove_all (self->throttles);
      throttle = g_new0 (HallThrottle, 1);
      g_hash_table_insert (self->throttles, g_strdup (key), throttle);
    }
  throttle->failures++;
  if (throttle->failures >= free_failures)
    {
      guint shift = MIN (throttle->failures - free_failures, 10);
      gint64 seconds = MIN ((gint64) 1 << shift, THROTTLE_MAX_SECONDS);

      throttle->blocked_until = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
    }
}

static void
throttle_failed (HallServer *self,
                 const char *username,
                 const char *address)
{
  g_autofree char *user_key = g_strconcat ("user:", username, NULL);
  g_autofree char *address_key = g_strconcat ("address:", address, NULL);

  g_mutex_lock (&self->throttle_mutex);
  throttle_count (self, user_key, THROTTLE_FREE_PER_ACCOUNT);
  if (!is_own_host (address))
    throttle_count (self, address_key, THROTTLE_FREE_PER_ADDRESS);
  g_mutex_unlock (&self->throttle_mutex);
}

static void
throttle_succeeded (HallServer *self,
                    const char *username)
{
  g_autofree char *user_key = g_strconcat ("user:", username, NULL);

  g_mutex_lock (&self->throttle_mutex);
  g_hash_table_remove (self->throttles, user_key);
  g_mutex_unlock (&self->throttle_mutex);
}

/* A refused sign-in on its way to the database; the answer goes out once
 * it is recorded, so that what the administrator reads is complete. */
typedef struct
{
  HallServerRequest *request;
  HallSignInFailure  failure;
} FailureRecord;

static gboolean
record_failure_write (HallServerStorage  *storage,
                      gpointer            user_data,
                      GError            **error)
{
  FailureRecord *record = user_data;

  return hall_server_storage_put_sign_in_failure (storage, &record->failure, error);
}

static void
record_failure_done (gpointer      user_data,
                     const GError *error)
{
  FailureRecord *record = user_data;

  /* The refusal stands even if the record could not be written. */
  if (error != NULL)
    g_warning ("A refused sign-in could not be recorded: %s", error->message);
  MHD_resume_connection (record->request->connection);
  g_free (record->failure.username);
  g_free (record->failure.address);
  g_free (record->failure.reason);
  g_free (record);
}

static void
record_failure (HallServer        *self,
                HallServerRequest *request,
                const char        *username,
                const char        *address,
                const char        *reason)
{
  FailureRecord *record = g_new0 (FailureRecord, 1);

  record->request = request;
  record->failure.at = g_get_real_time () / G_USEC_PER_SEC;
  record->failure.username = g_utf8_substring (username, 0, MIN (g_utf8_strlen (username, -1),
                                                                64));
  record->failure.address = g_strdup (address);
  record->failure.reason = g_strdup (reason);
  hall_group_committer_submit (self->committer, record_failure_write, record_failure_done,
                               record);
}

/* On a refusal, *@refused_out names who tried: the caller records it once
 * the answer is in place (the record's end resumes the connection). */
static HallServerResponse *
sign_in (HallServer        *self,
         HallServerRequest *request,
         char             **refused_out)
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
    {
      g_autofree char *address = client_address (request->connection);

      throttle_failed (self, username, address);
      *refused_out = g_steal_pointer (&username);
      return hall_problem_response (401, NULL, _("The user name or the password is wrong"));
    }
  throttle_succeeded (self, username);

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
  g_autofree char *refused = NULL;

  request->response = sign_in (user_data, request, &refused);
  /* A refusal is answered once it is recorded. */
  if (refused != NULL)
    {
      g_autofree char *address = client_address (request->connection);

      record_failure (user_data, request, refused, address, "password");
    }
  else
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

  /* Guessing is slowed down before any password is checked. */
  {
    g_autofree char *username = NULL;
    g_autofree char *password = NULL;
    g_autofree char *address = client_address (connection);
    g_autoptr(HallProblem) parse_problem = NULL;
    guint wait;

    if (hall_server_parse_session ((const char *) request->body->data, request->body->len,
                                   &username, &password, &parse_problem)
        && (wait = throttle_wait (self, username, address)) > 0)
      {
        request->response = hall_problem_response (429, NULL,
                                                   _("Too many wrong passwords: try again in "
                                                     "%u seconds"),
                                                   wait);
        request->response->retry_after = wait;
        MHD_suspend_connection (connection);
        record_failure (self, request, username, address, "throttled");
        return NULL;
      }
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

HallServerResponse *
_hall_server_answer_sign_in_failures (HallServer            *self,
                                      struct MHD_Connection *connection)
{
  const char *limit_text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "limit");
  g_autoptr(GPtrArray) failures = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint64 limit = 100;

  if (limit_text != NULL
      && (!g_ascii_string_to_unsigned (limit_text, 10, 1, G_MAXUINT64, &limit, NULL)))
    return hall_problem_response (400, "limit",
                                  _("“limit” must be a whole number of at least 1 (more than "
                                    "%d counts as %d)"),
                                  SIGN_IN_FAILURES_MAX, SIGN_IN_FAILURES_MAX);
  failures = hall_server_storage_list_sign_in_failures (self->storage, 0,
                                                        MIN (limit, SIGN_IN_FAILURES_MAX),
                                                        &error);
  if (failures == NULL)
    return hall_problem_response_internal (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "failures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < failures->len; i++)
    {
      HallSignInFailure *failure = g_ptr_array_index (failures, i);
      g_autofree char *at = hall_timestamp_to_iso8601 (failure->at);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "at");
      json_builder_add_string_value (builder, at);
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, failure->username);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, failure->address);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, failure->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return hall_server_response_new_json (200, root);
}
