/* hall-sync-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hall-error.h"
#include "hall-http-client.h"
#include "hall-json.h"
#include "hall-retry-policy.h"
#include "hall-sync-engine.h"
#include "hall-sync-response.h"

/* A local change is sent this soon, so several quick edits share a pass. */
#define SOON_MS 1000
/* Consecutive 409s of a blob upload before the server is deemed confused. */
#define MAX_BLOB_REWINDS 3

struct _HallSyncEngine
{
  GObject         parent_instance;

  HallStore      *store;
  char           *server_url;
  gboolean        online;
  gboolean        syncing;
  guint           pending;
  gint64          last_sync;
  char           *last_error;
  gboolean        last_pass_failed;

  guint           max_attempts;
  guint           backoff_base_ms;
  guint           backoff_cap_ms;
  guint           connect_timeout;
  guint           low_speed_time;
  guint           low_speed_limit;
  guint           interval;
  char           *ca_file;
  char           *pinned_public_key;
  guint           blob_chunk_size;
  guint           pull_page_size;
  guint           push_batch_size;

  HallHttpClient *client;
  GMainContext   *context;
  GCancellable   *cancellable;

  /* Kept for signing in again on a 401; read by worker threads. */
  GMutex          credentials_lock;
  char           *username;
  char           *password;

  gboolean        pass_running;
  GPtrArray      *next_waiters;   /* GTask: answered by the next pass */

  guint           interval_id;
  guint           soon_id;
  gulong          outbox_handler;
  gulong          network_handler;
};

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
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Everything a worker needs, copied when it starts so that it never reads
 * the engine's fields while the main context changes them. */
typedef struct
{
  HallSyncEngine  *engine;       /* unowned: the GTask holds a reference */
  HallStore       *store;        /* owned */
  HallHttpClient  *client;       /* owned */
  char            *server_url;
  HallRetryPolicy *policy;
  guint            pull_page_size;
  guint            push_batch_size;
  int              posted_online;  /* -1: nothing said yet */
  GRand           *rand;
  GCancellable    *cancellable;  /* unowned: the task's */
} Worker;

static void
worker_clear (Worker *worker)
{
  g_clear_object (&worker->store);
  g_clear_object (&worker->client);
  g_clear_pointer (&worker->server_url, g_free);
  g_clear_pointer (&worker->policy, hall_retry_policy_free);
  g_clear_pointer (&worker->rand, g_rand_free);
}

static void
worker_init (Worker         *worker,
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

/* Requests */

static gboolean
wait_ms (gint64        ms,
         GCancellable *cancellable)
{
  GPollFD pollfd;

  if (ms <= 0)
    return !g_cancellable_is_cancelled (cancellable);
  if (cancellable == NULL || !g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_usleep (ms * 1000);
      return !g_cancellable_is_cancelled (cancellable);
    }
  g_poll (&pollfd, 1, (int) MIN (ms, G_MAXINT));
  g_cancellable_release_fd (cancellable);
  return !g_cancellable_is_cancelled (cancellable);
}

static JsonNode *
parse_json (HallHttpResponse *response)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);

  if (data == NULL || size == 0 || !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  return json_parser_steal_root (parser);
}

/* What the server said, for people: the problem's detail and field. */
static char *
describe_problem (HallHttpResponse *response)
{
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);

  return hall_sync_response_describe_problem (response->status, data, size, NULL);
}

static GPtrArray *
new_headers (const char *token)
{
  GPtrArray *headers = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (headers, g_strdup ("Accept: application/json"));
  if (token != NULL && *token != '\0')
    g_ptr_array_add (headers, g_strdup_printf ("Authorization: Bearer %s", token));
  return headers;
}

/* The truth about reachability goes to the main context only when it
 * changes, not once per request. */
static void
report_online (Worker   *worker,
               gboolean  online)
{
  if (worker->posted_online == (int) online)
    return;
  worker->posted_online = online;
  post_to_main (worker->engine, online, 0, NULL, NULL);
}

/* Sends one request, trying again after a transient failure as the policy
 * allows. @headers is NULL-terminated here (and so used up). Returns any
 * answer that is not transient; NULL with HALL_SYNC_ERROR_OFFLINE or _SERVER
 * when the tries ran out (or the server asked to wait longer than a pass
 * waits), or with another error that retrying cannot cure (TLS, a bad URL,
 * cancelled). */
static HallHttpResponse *
send_with_retry (Worker     *worker,
                 const char *method,
                 const char *path,
                 GPtrArray  *headers,
                 GBytes     *body,
                 GError    **error)
{
  g_autofree char *url = g_strconcat (worker->server_url, path, NULL);
  guint attempts = 0;

  g_ptr_array_add (headers, NULL);

  for (;;)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (HallHttpResponse) response = NULL;
      const char *retry_after = NULL;
      gint64 delay;

      response = hall_http_client_send (worker->client, method, url,
                                        (const char * const *) headers->pdata, body,
                                        worker->cancellable, &local_error);
      attempts++;

      if (response == NULL)
        {
          if (!g_error_matches (local_error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          report_online (worker, FALSE);
        }
      else
        {
          report_online (worker, TRUE);
          if (!hall_retry_policy_status_is_transient (response->status))
            return g_steal_pointer (&response);
          retry_after = hall_http_response_get_header (response, "Retry-After");
        }

      delay = hall_retry_policy_next_delay_ms (worker->policy, attempts, retry_after,
                                               g_get_real_time () / G_USEC_PER_SEC,
                                               worker->rand);
      g_debug ("%s %s: try %u failed (%u), next in %" G_GINT64_FORMAT " ms", method, path,
               attempts, response != NULL ? response->status : 0, delay);
      if (delay < 0)
        {
          if (response == NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            {
              g_autofree char *problem = describe_problem (response);

              g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_SERVER,
                           _("the server cannot serve this counter now (%u: %s); "
                             "sync will try again later"),
                           response->status, problem);
            }
          return NULL;
        }
      if (!wait_ms (delay, worker->cancellable))
        {
          g_cancellable_set_error_if_cancelled (worker->cancellable, error);
          return NULL;
        }
    }
}

/* POST /v1/sessions; keeps the token in the store. */
static gboolean
do_login (Worker      *worker,
          const char  *username,
          const char  *password,
          char      ***roles_out,
          GError     **error)
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

  response = send_with_retry (worker, "POST", "/v1/sessions", headers, body, error);
  if (response == NULL)
    return FALSE;

  if (response->status == 401 || response->status == 403)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH,
                   _("the server did not accept this user name and password"));
      return FALSE;
    }
  if (response->status != 200 && response->status != 201)
    {
      g_autofree char *problem = describe_problem (response);

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("signing in failed: %s"), problem);
      return FALSE;
    }

  root = parse_json (response);
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

static void
set_auth_error (GError **error)
{
  g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH,
               _("The server no longer accepts this counter's sign-in: "
                 "sign in to the server again"));
}

/* Sends with the current token; on a 401 signs in again once when a
 * password is known. A 401 that remains is returned to the caller. */
static HallHttpResponse *
send_authorized (Worker     *worker,
                 const char *method,
                 const char *path,
                 const char * const *extra_headers,
                 GBytes     *body,
                 GError    **error)
{
  gboolean signed_in_again = FALSE;

  for (;;)
    {
      g_autofree char *token = hall_store_get_meta (worker->store, "token");
      g_autoptr (GPtrArray) headers = new_headers (token);
      g_autoptr (HallHttpResponse) response = NULL;
      g_autofree char *username = NULL;
      g_autofree char *password = NULL;
      gsize i;

      for (i = 0; extra_headers != NULL && extra_headers[i] != NULL; i++)
        g_ptr_array_add (headers, g_strdup (extra_headers[i]));

      response = send_with_retry (worker, method, path, headers, body, error);
      if (response == NULL || response->status != 401 || signed_in_again)
        return g_steal_pointer (&response);

      g_mutex_lock (&worker->engine->credentials_lock);
      username = g_strdup (worker->engine->username);
      password = g_strdup (worker->engine->password);
      g_mutex_unlock (&worker->engine->credentials_lock);
      if (username == NULL || password == NULL)
        return g_steal_pointer (&response);

      g_debug ("token refused, signing in again");
      signed_in_again = TRUE;
      if (!do_login (worker, username, password, NULL, error))
        {
          if (g_error_matches (*error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH))
            {
              g_clear_error (error);
              set_auth_error (error);
            }
          return NULL;
        }
    }
}

/* Push */

typedef enum
{
  PUSH_ACKED,
  PUSH_REJECTED,
  PUSH_CONFLICT,
  PUSH_STOP,
} PushOutcome;

static gint64
answer_version (HallHttpResponse *response)
{
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);

  return hall_sync_response_parse_version (hall_http_response_get_header (response, "ETag"),
                                           data, size);
}

static char *dup_case_uuid (const HallOutboxItem *item);

/* The case a row belongs to, for "case-rejected". */
static void
emit_case_rejected (Worker               *worker,
                    const HallOutboxItem *item,
                    const char           *reason)
{
  g_autofree char *case_uuid = dup_case_uuid (item);

  if (case_uuid != NULL)
    post_to_main (worker->engine, -1, signals[SIGNAL_CASE_REJECTED], case_uuid, reason);
  else if (g_strcmp0 (item->entity, "applicant") == 0)
    {
      g_autoptr (GPtrArray) cases = hall_store_list_applicant_cases (worker->store,
                                                                     item->entity_uuid, NULL);
      guint i;

      for (i = 0; cases != NULL && i < cases->len; i++)
        post_to_main (worker->engine, -1, signals[SIGNAL_CASE_REJECTED],
                      hall_case_get_uuid (g_ptr_array_index (cases, i)), reason);
    }
}

/* The uuid of the case a row belongs to, or NULL for an applicant. */
static char *
dup_case_uuid (const HallOutboxItem *item)
{
  g_auto (GStrv) parts = NULL;

  if (g_strcmp0 (item->entity, "case") == 0)
    return g_strdup (item->entity_uuid);
  if (g_strcmp0 (item->entity, "event") != 0 || item->path == NULL)
    return NULL;
  /* path is /v1/cases/<case uuid>/events */
  parts = g_strsplit (item->path, "/", -1);
  return g_strv_length (parts) >= 4 ? g_strdup (parts[3]) : NULL;
}

/* Once the creation of a case (or of its applicant) is refused, the rows
 * after it fail only as a consequence ("no such case"); the official needs
 * to see the first reason, the one to act on. */
static void
keep_first_reason (Worker               *worker,
                   const HallOutboxItem *item,
                   char                **reason)
{
  g_autofree char *case_uuid = dup_case_uuid (item);
  g_autoptr (HallCase) kase = NULL;

  if (case_uuid == NULL)
    return;
  kase = hall_store_get_case (worker->store, case_uuid, NULL);
  if (kase != NULL && hall_case_get_sync_state (kase) == HALL_SYNC_REJECTED
      && hall_case_get_sync_error (kase) != NULL && *hall_case_get_sync_error (kase) != '\0')
    {
      g_free (*reason);
      *reason = g_strdup (hall_case_get_sync_error (kase));
    }
}

static PushOutcome
record_conflict (Worker               *worker,
                 const HallOutboxItem *item,
                 HallHttpResponse     *refusal,
                 GError              **error)
{
  g_autoptr (HallHttpResponse) current = NULL;
  g_autoptr (GError) fetch_error = NULL;
  g_autofree char *server_json = NULL;

  /* The entity is what the PUT addressed. */
  current = send_authorized (worker, "GET", item->path, NULL, NULL, &fetch_error);
  if (current != NULL && current->status == 200)
    server_json = hall_http_response_dup_text (current);
  else
    {
      /* The 412 itself carries the server's entity as "current". */
      gsize size;
      const char *data = g_bytes_get_data (refusal->body, &size);

      server_json = hall_sync_response_parse_current (item->entity, data, size, NULL);
    }

  if (server_json == NULL)
    {
      if (fetch_error != NULL)
        g_propagate_error (error, g_steal_pointer (&fetch_error));
      else
        g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                     _("the server reported a conflict but did not send its version (%u)"),
                     current != NULL ? current->status : 0);
      /* Without the server's version there is nothing to show the official
       * yet: the row stays first in line for the next pass. */
      if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        hall_store_defer_outbox (worker->store, item, (*error)->message, NULL);
      return PUSH_STOP;
    }

  if (!hall_store_record_conflict (worker->store, item, server_json, error))
    return PUSH_STOP;
  g_debug ("outbox %" G_GINT64_FORMAT " %s %s: conflict", item->seq, item->entity,
           item->entity_uuid);
  post_to_main (worker->engine, -1, signals[SIGNAL_CONFLICT], item->entity, item->entity_uuid);
  return PUSH_CONFLICT;
}

static PushOutcome handle_answer (Worker               *worker,
                                  const HallOutboxItem *item,
                                  HallHttpResponse     *response,
                                  GError              **error);

static PushOutcome
push_one (Worker               *worker,
          const HallOutboxItem *item,
          GError              **error)
{
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", item->uuid);
  g_autofree char *if_match = NULL;
  const char *extra[4] = { "Content-Type: application/json", key_header, NULL, NULL };

  if (item->base_version > 0)
    {
      if_match = g_strdup_printf ("If-Match: \"%" G_GINT64_FORMAT "\"", item->base_version);
      extra[2] = if_match;
    }
  body = g_bytes_new (item->body, item->body != NULL ? strlen (item->body) : 0);

  response = send_authorized (worker, item->method, item->path, extra, body, &local_error);
  if (response == NULL)
    {
      /* Kept first in line: nothing after it goes before it. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_error_matches (local_error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH))
        hall_store_defer_outbox (worker->store, item, local_error->message, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return PUSH_STOP;
    }
  return handle_answer (worker, item, response, error);
}

/* What the server's answer to @item, alone or in a batch, does to it. */
static PushOutcome
handle_answer (Worker               *worker,
               const HallOutboxItem *item,
               HallHttpResponse     *response,
               GError              **error)
{
  g_autofree char *reason = NULL;

  g_debug ("outbox %" G_GINT64_FORMAT " %s %s -> %u", item->seq, item->entity,
           item->entity_uuid, response->status);

  if (response->status >= 200 && response->status < 300)
    {
      if (!hall_store_ack_outbox (worker->store, item, answer_version (response), error))
        return PUSH_STOP;
      return PUSH_ACKED;
    }

  if (response->status == 401)
    {
      set_auth_error (error);
      return PUSH_STOP;
    }

  /* 428: a creation met different content; the same as a stale version. */
  if (response->status == 412 || response->status == 428)
    return record_conflict (worker, item, response, error);

  if (response->status >= 400 && response->status < 500)
    {
      reason = describe_problem (response);
      keep_first_reason (worker, item, &reason);
      if (!hall_store_reject_outbox (worker->store, item, (int) response->status, reason, error))
        return PUSH_STOP;
      emit_case_rejected (worker, item, reason);
      return PUSH_REJECTED;
    }

  /* 1xx and 3xx: nothing this client asked for. */
  reason = g_strdup_printf (_("unexpected answer %u from the server"), response->status);
  hall_store_defer_outbox (worker->store, item, reason, NULL);
  g_set_error_literal (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL, reason);
  return PUSH_STOP;
}

static void
count_outcome (HallSyncReport *report,
               PushOutcome     outcome)
{
  if (outcome == PUSH_ACKED)
    report->pushed++;
  else if (outcome == PUSH_REJECTED)
    report->rejected++;
  else if (outcome == PUSH_CONFLICT)
    report->conflicts++;
}

/* Batches in flight at once: the server reads one while it writes the
 * other, and meanwhile the counter acknowledges the one answered before. */
#define MAX_BATCHES_IN_FLIGHT 2

/* One POST /v1/batch, sent on a thread of its own. */
typedef struct
{
  Worker           *worker;
  GPtrArray        *items;     /* of HallOutboxItem: the batch's rows */
  GHashTable       *owners;    /* the applicants and cases its rows change */
  GBytes           *body;
  GThread          *thread;
  HallHttpResponse *response;
  GError           *error;
} Batch;

static void
batch_free (Batch *batch)
{
  if (batch->thread != NULL)
    g_thread_join (batch->thread);
  g_ptr_array_unref (batch->items);
  g_hash_table_unref (batch->owners);
  g_bytes_unref (batch->body);
  g_clear_pointer (&batch->response, hall_http_response_free);
  g_clear_error (&batch->error);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

static gboolean
changed_in_flight (GQueue     *in_flight,
                   const char *owner)
{
  if (owner == NULL)
    return FALSE;
  for (GList *l = in_flight->head; l != NULL; l = l->next)
    if (g_hash_table_contains (((Batch *) l->data)->owners, owner))
      return TRUE;
  return FALSE;
}

/* A batch in flight may reach the server's writer after the one sent
 * after it, so a row waits while it needs one of them done first: a
 * change of an applicant or case a batch in flight changes, or a case
 * whose applicant it does. In its own batch, a row waits behind an
 * earlier change of the same entity when it is a PUT, whose If-Match the
 * earlier row's answer sets. */
static gboolean
row_must_wait (const HallOutboxItem *item,
               GHashTable           *owners,
               GQueue               *in_flight)
{
  if (changed_in_flight (in_flight, item->owner_uuid)
      || changed_in_flight (in_flight, item->applicant_uuid))
    return TRUE;
  return g_strcmp0 (item->method, "PUT") == 0 && g_hash_table_contains (owners, item->owner_uuid);
}

/* Whether @item needs @before (the row before it) done first. */
static gboolean
row_needs (const HallOutboxItem *item,
           const HallOutboxItem *before)
{
  return g_strcmp0 (item->owner_uuid, before->owner_uuid) == 0
         || g_strcmp0 (item->applicant_uuid, before->owner_uuid) == 0;
}

/* How many of @items, from the first, go in a batch after those in
 * @in_flight; @owners gets what they change. A full batch ends where one
 * applicant's or case's rows do, when that leaves at least half of it, so
 * that the next batch need not wait for this one. */
static guint
batch_rows (GPtrArray  *items,
            guint       limit,
            GHashTable *owners,
            GQueue     *in_flight)
{
  guint n;

  for (n = 0; n < items->len && n < limit; n++)
    {
      const HallOutboxItem *item = g_ptr_array_index (items, n);

      /* Not an object: the row goes alone, and is refused on its own. */
      if (item->body == NULL || *item->body != '{' || item->owner_uuid == NULL
          || row_must_wait (item, owners, in_flight))
        break;
      g_hash_table_add (owners, item->owner_uuid);
    }
  if (n == limit && n < items->len)
    {
      guint whole = n;

      while (whole > limit / 2
             && row_needs (g_ptr_array_index (items, whole), g_ptr_array_index (items, whole - 1)))
        whole--;
      if (whole > limit / 2)
        n = whole;
    }
  return n;
}

/* {"operations": [...]} of the first @n of @items; each row's body is the
 * JSON text the store holds, put in as it is. */
static GBytes *
batch_body (GPtrArray *items,
            guint      n)
{
  GString *out = g_string_sized_new (1024 * n);

  g_string_append (out, "{\"operations\":[");
  for (guint i = 0; i < n; i++)
    {
      const HallOutboxItem *item = g_ptr_array_index (items, i);

      g_string_append (out, i == 0 ? "{\"key\":" : ",{\"key\":");
      hall_json_append_string (out, item->uuid);
      g_string_append (out, ",\"method\":");
      hall_json_append_string (out, item->method);
      g_string_append (out, ",\"path\":");
      hall_json_append_string (out, item->path);
      if (item->base_version > 0)
        g_string_append_printf (out, ",\"if_match\":\"\\\"%" G_GINT64_FORMAT "\\\"\"",
                                item->base_version);
      g_string_append (out, ",\"body\":");
      g_string_append (out, item->body);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
  return g_string_free_to_bytes (out);
}

/* A batch of the first rows of @items that can go after those in
 * @in_flight, or NULL when fewer than two rows can. The rows it takes are
 * stolen from @items. */
static Batch *
batch_new (Worker    *worker,
           GPtrArray *items,
           GQueue    *in_flight)
{
  g_autoptr (GHashTable) owners = g_hash_table_new (g_str_hash, g_str_equal);
  Batch *batch;
  guint n;

  n = batch_rows (items, worker->push_batch_size, owners, in_flight);
  if (n < 2)
    return NULL;

  batch = g_new0 (Batch, 1);
  batch->worker = worker;
  batch->body = batch_body (items, n);
  batch->items = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_outbox_item_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (batch->items, g_steal_pointer (&g_ptr_array_index (items, i)));
  /* The keys were the rows' strings. */
  batch->owners = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    g_hash_table_add (batch->owners,
                      ((HallOutboxItem *) g_ptr_array_index (batch->items, i))->owner_uuid);
  return batch;
}

static gpointer
batch_send_thread (gpointer data)
{
  const char *extra[] = { "Content-Type: application/json", NULL };
  Batch *batch = data;

  batch->response = send_authorized (batch->worker, "POST", "/v1/batch", extra, batch->body,
                                     &batch->error);
  return NULL;
}

static void
batch_start (Batch *batch)
{
  batch->thread = g_thread_new ("hall-sync-batch", batch_send_thread, batch);
}

/* Sends batches of the rows after those in @in_flight until it holds
 * MAX_BATCHES_IN_FLIGHT, or no batch can go yet. */
static void
send_more (Worker *worker,
           GQueue *in_flight)
{
  while (in_flight->length < MAX_BATCHES_IN_FLIGHT)
    {
      Batch *last = g_queue_peek_tail (in_flight);
      const HallOutboxItem *last_row = last != NULL
                                       ? g_ptr_array_index (last->items, last->items->len - 1)
                                       : NULL;
      g_autoptr (GPtrArray) items = NULL;
      Batch *batch;

      /* Only this worker takes rows off the outbox. */
      items = hall_store_peek_outbox_after (worker->store, last_row != NULL ? last_row->seq : 0,
                                            worker->push_batch_size + 1, NULL);
      batch = items != NULL ? batch_new (worker, items, in_flight) : NULL;
      if (batch == NULL)
        return;
      batch_start (batch);
      g_queue_push_tail (in_flight, batch);
    }
}

typedef enum
{
  BATCH_DONE,         /* all of it acknowledged */
  BATCH_STOPPED,      /* a row was handled alone: read the outbox again */
  BATCH_UNSUPPORTED,  /* refused whole: send the rows one by one */
  BATCH_FAILED,
} BatchOutcome;

/* Waits for the answer to @batch and takes it in order: the 2xx up to the
 * first other answer are acknowledged in one transaction, that answer is
 * handled as if its row had gone alone, and the rows after it stay queued
 * even when the server did them: sent again under the same keys, they get
 * the stored answers. So the outbox keeps its order. */
static BatchOutcome
batch_finish (Batch          *batch,
              HallSyncReport *report,
              GError        **error)
{
  Worker *worker = batch->worker;
  g_autoptr (GPtrArray) answers = NULL;
  g_autofree gint64 *versions = NULL;
  const HallOutboxItem *first = g_ptr_array_index (batch->items, 0);
  const HallOutboxItem *item;
  HallHttpResponse *answer;
  guint n = batch->items->len;
  PushOutcome outcome;
  const char *data;
  gsize size;
  guint acked;

  g_thread_join (g_steal_pointer (&batch->thread));
  if (batch->response == NULL)
    {
      if (!g_error_matches (batch->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_error_matches (batch->error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH))
        hall_store_defer_outbox (worker->store, first, batch->error->message, NULL);
      g_propagate_error (error, g_steal_pointer (&batch->error));
      return BATCH_FAILED;
    }
  if (batch->response->status == 401)
    {
      set_auth_error (error);
      return BATCH_FAILED;
    }
  if (batch->response->status != 200)
    {
      /* An older server (404, 405), or one that will not take this batch:
       * each row alone gets its own answer. */
      g_debug ("batch of %u refused (%u): sending rows one by one", n,
               batch->response->status);
      return BATCH_UNSUPPORTED;
    }

  data = g_bytes_get_data (batch->response->body, &size);
  answers = hall_sync_response_parse_batch (data, size, n, error);
  if (answers == NULL)
    {
      hall_store_defer_outbox (worker->store, first, (*error)->message, NULL);
      return BATCH_FAILED;
    }
  versions = g_new0 (gint64, n);
  for (acked = 0; acked < n; acked++)
    {
      answer = g_ptr_array_index (answers, acked);
      if (answer->status < 200 || answer->status >= 300)
        break;
      versions[acked] = answer_version (answer);
    }

  if (!hall_store_ack_outbox_batch (worker->store, batch->items, versions, acked, error))
    return BATCH_FAILED;
  report->pushed += acked;
  g_debug ("batch of %u: %u acknowledged", n, acked);
  if (acked == n)
    return BATCH_DONE;

  item = g_ptr_array_index (batch->items, acked);
  answer = g_ptr_array_index (answers, acked);
  /* Alone it would have been tried again; the next pass does that. */
  if (hall_retry_policy_status_is_transient (answer->status) || answer->status == 401)
    {
      g_autofree char *problem = describe_problem (answer);

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_SERVER,
                   _("the server could not take a change now (%u: %s); "
                     "sync will try again later"),
                   answer->status, problem);
      hall_store_defer_outbox (worker->store, item, (*error)->message, NULL);
      return BATCH_FAILED;
    }
  outcome = handle_answer (worker, item, answer, error);
  count_outcome (report, outcome);
  return outcome == PUSH_STOP ? BATCH_FAILED : BATCH_STOPPED;
}

/* Sends the head of the outbox in batches (POST /v1/batch), up to
 * MAX_BATCHES_IN_FLIGHT at once, so that the counter and the server work
 * at the same time: the server reads a batch while it writes the one
 * before, and the counter acknowledges one while the server does the
 * next. A batch holds no row that needs a batch in flight done first
 * (row_must_wait()).
 *
 * *@unsupported is set when the server has no batches (or refused one
 * whole): send the rows one by one instead. FALSE ends the push with
 * @error; TRUE with nothing done when the head of the outbox is a row to
 * send alone. */
static gboolean
push_batches (Worker         *worker,
              HallSyncReport *report,
              gboolean       *unsupported,
              GError        **error)
{
  GQueue *in_flight = g_queue_new ();
  BatchOutcome outcome = BATCH_DONE;

  send_more (worker, in_flight);
  while (outcome == BATCH_DONE && !g_queue_is_empty (in_flight))
    {
      g_autoptr (Batch) batch = g_queue_pop_head (in_flight);

      outcome = batch_finish (batch, report, error);
      if (outcome == BATCH_DONE)
        send_more (worker, in_flight);
    }
  /* Batches still in flight are waited for: their rows stay queued. */
  g_queue_free_full (in_flight, (GDestroyNotify) batch_free);
  *unsupported = outcome == BATCH_UNSUPPORTED;
  return outcome != BATCH_FAILED;
}

static gboolean
push (Worker         *worker,
      HallSyncReport *report,
      GError        **error)
{
  gboolean unbatched = worker->push_batch_size <= 1;

  /* Each round reads the outbox again: acknowledging a row rewrites the
   * If-Match version of the rows after it. */
  for (;;)
    {
      g_autoptr (GPtrArray) items = NULL;

      items = hall_store_peek_outbox (worker->store, 1, error);
      if (items == NULL)
        return FALSE;
      if (items->len == 0)
        return TRUE;

      if (!unbatched)
        {
          guint before = report->pushed + report->rejected + report->conflicts;

          if (!push_batches (worker, report, &unbatched, error))
            return FALSE;
          /* Nothing could go in a batch: its head goes alone. */
          if (unbatched || report->pushed + report->rejected + report->conflicts != before)
            continue;
        }

      switch (push_one (worker, g_ptr_array_index (items, 0), error))
        {
        case PUSH_ACKED:
          report->pushed++;
          break;
        case PUSH_REJECTED:
          report->rejected++;
          break;
        case PUSH_CONFLICT:
          report->conflicts++;
          break;
        case PUSH_STOP:
        default:
          return FALSE;
        }
    }
}

/* Pull */

/* One page of the feed, checked: its changes, their data read into model
 * objects, and where the feed goes on. */
typedef struct
{
  JsonArray *changes;
  GPtrArray *entities;
  char      *next;
  gboolean   more;
} FeedPage;

static void
feed_page_free (FeedPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->changes, json_array_unref);
  g_clear_pointer (&page->entities, g_ptr_array_unref);
  g_free (page->next);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FeedPage, feed_page_free)

/* The page after a cursor, fetched on a thread of its own while the worker
 * applies the page before it. */
typedef struct
{
  Worker    *worker;
  char      *cursor;    /* asked for: the changes after it */
  FeedPage  *applied;   /* a page applied before, freed on the thread */
  GThread   *thread;
  FeedPage  *page;
  GError    *error;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  if (fetch->thread != NULL)
    g_thread_join (fetch->thread);
  g_free (fetch->cursor);
  feed_page_free (fetch->applied);
  feed_page_free (fetch->page);
  g_clear_error (&fetch->error);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static gboolean
fetch_page (Worker      *worker,
            const char  *cursor,
            FeedPage    *page,
            GError     **error)
{
  g_autoptr (HallHttpResponse) response = NULL;
  g_autofree char *path = NULL;
  const char *data;
  gsize size;

  if (cursor != NULL && *cursor != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

      path = g_strdup_printf ("/v1/changes?since=%s&limit=%u", escaped, worker->pull_page_size);
    }
  else
    path = g_strdup_printf ("/v1/changes?limit=%u", worker->pull_page_size);

  response = send_authorized (worker, "GET", path, NULL, NULL, error);
  if (response == NULL)
    return FALSE;
  if (response->status == 401)
    {
      set_auth_error (error);
      return FALSE;
    }
  if (response->status == 403)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH,
                   _("the signed-in user may not read the server's changes: "
                     "sign in to the server as a counter official"));
      return FALSE;
    }
  if (response->status != 200)
    {
      g_autofree char *problem = describe_problem (response);

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("the server refused to list its changes: %s"), problem);
      return FALSE;
    }

  /* A bad page is refused whole, before the store sees any of it. */
  data = g_bytes_get_data (response->body, &size);
  return hall_sync_response_parse_changes (data, size, &page->changes, &page->entities,
                                           &page->next, &page->more, error);
}

static gpointer
fetch_page_thread (gpointer data)
{
  Fetch *fetch = data;

  /* Freeing a page's thousands of nodes and objects is work the applying
   * thread need not wait for. */
  g_clear_pointer (&fetch->applied, feed_page_free);
  fetch->page = g_new0 (FeedPage, 1);
  if (!fetch_page (fetch->worker, fetch->cursor, fetch->page, &fetch->error))
    g_clear_pointer (&fetch->page, feed_page_free);
  return NULL;
}

/* Pages of the feed in order, each applied with its cursor in one
 * transaction. The next page is fetched and checked while one is applied,
 * so the server, the network and the reading of the data into model
 * objects go on while the store writes. */
static gboolean
pull (Worker         *worker,
      HallSyncReport *report,
      GError        **error)
{
  g_autofree char *cursor = hall_store_get_meta (worker->store, "cursor");
  g_autoptr (FeedPage) page = g_new0 (FeedPage, 1);
  g_autoptr (FeedPage) applied = NULL;

  if (!fetch_page (worker, cursor, page, error))
    return FALSE;

  for (;;)
    {
      g_autoptr (Fetch) ahead = NULL;
      guint n = json_array_get_length (page->changes);
      /* A server that says "more" without moving on would loop forever. */
      gboolean last = !page->more || (n == 0 && g_strcmp0 (page->next, cursor) == 0);

      if (!last)
        {
          ahead = g_new0 (Fetch, 1);
          ahead->worker = worker;
          ahead->cursor = g_strdup (page->next);
          ahead->applied = g_steal_pointer (&applied);
          ahead->thread = g_thread_new ("hall-sync-page", fetch_page_thread, ahead);
        }

      if (!hall_store_apply_changes (worker->store, page->changes, page->entities, page->next,
                                     error))
        return FALSE;
      report->pulled += n;
      g_debug ("pulled %u changes, cursor %s, more %d", n, page->next, page->more);
      if (last)
        return TRUE;

      g_thread_join (g_steal_pointer (&ahead->thread));
      if (ahead->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&ahead->error));
          return FALSE;
        }
      g_free (cursor);
      cursor = g_strdup (page->next);
      applied = g_steal_pointer (&page);
      page = g_steal_pointer (&ahead->page);
    }
}

/* The pass */

typedef struct
{
  Worker          worker;
  HallSyncReport  report;
} PassData;

static void
pass_data_free (PassData *data)
{
  worker_clear (&data->worker);
  g_free (data);
}

static void
pass_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PassData *data = task_data;
  Worker *worker = &data->worker;
  GError *error = NULL;
  g_autofree char *now = NULL;

  worker->cancellable = cancellable;

  if (worker->server_url == NULL || *worker->server_url == '\0')
    g_set_error (&error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                 _("no server is set for this counter: sign in to a server first"));
  else if (push (worker, &data->report, &error) && pull (worker, &data->report, &error))
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
set_last_error (HallSyncEngine *self,
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

  g_object_freeze_notify (G_OBJECT (self));
  self->last_pass_failed = error != NULL;
  set_last_error (self, error != NULL ? error->message : NULL);
  last_sync = read_last_sync (self->store);
  if (last_sync != self->last_sync)
    {
      self->last_sync = last_sync;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
    }
  if (self->pending != data->report.waiting)
    {
      self->pending = data->report.waiting;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
  self->pass_running = FALSE;
  if (self->next_waiters->len == 0)
    {
      self->syncing = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
    }
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
  if (!self->syncing)
    {
      self->syncing = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
    }

  worker_init (&data->worker, self);
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

  if (self->pending != n_pending)
    {
      self->pending = n_pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
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
  sync_soon (self);
}

void
hall_sync_engine_stop (HallSyncEngine *self)
{
  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  g_clear_handle_id (&self->interval_id, g_source_remove);
  g_clear_handle_id (&self->soon_id, g_source_remove);
  g_clear_signal_handler (&self->network_handler, g_network_monitor_get_default ());
}

/* Login */

typedef struct
{
  Worker   worker;
  char    *username;
  char    *password;
} LoginData;

static void
login_data_free (LoginData *data)
{
  worker_clear (&data->worker);
  g_free (data->username);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
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
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
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
  if (!do_login (&data->worker, data->username, data->password, &roles, &error))
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
  worker_init (&data->worker, self);
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
  Worker *worker = task_data;
  g_autofree char *token = hall_store_get_meta (worker->store, "token");
  g_autoptr (HallHttpResponse) response = NULL;
  GError *error = NULL;

  worker->cancellable = cancellable;
  if (token != NULL && *token != '\0')
    {
      g_autoptr (GPtrArray) headers = new_headers (token);

      response = send_with_retry (worker, "DELETE", "/v1/sessions", headers, NULL, &error);
      if (response == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (response->status != 204 && response->status != 401)
        {
          g_autofree char *problem = describe_problem (response);

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
  g_mutex_lock (&self->credentials_lock);
  g_clear_pointer (&self->username, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_mutex_unlock (&self->credentials_lock);
  g_task_return_boolean (task, TRUE);
}

static void
worker_free (Worker *worker)
{
  worker_clear (worker);
  g_free (worker);
}

void
hall_sync_engine_sign_out_async (HallSyncEngine     *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  Worker *worker;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));

  worker = g_new0 (Worker, 1);
  worker_init (worker, self);
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

/* Blobs */

typedef struct
{
  Worker  worker;
  GFile  *file;
  char   *sha256;
  guint   chunk_size;
} BlobData;

static void
blob_data_free (BlobData *data)
{
  worker_clear (&data->worker);
  g_clear_object (&data->file);
  g_free (data->sha256);
  g_free (data);
}

static char *
hash_file (GFile        *file,
           goffset      *size_out,
           GCancellable *cancellable,
           GError      **error)
{
  g_autoptr (GFileInputStream) stream = g_file_read (file, cancellable, error);
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  goffset size = 0;

  if (stream == NULL)
    return NULL;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, 64 * 1024,
                                      cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
      size += n;
    }
  *size_out = size;
  return g_strdup (g_checksum_get_string (checksum));
}

static gboolean
read_offset (HallHttpResponse *response,
             goffset          *offset)
{
  return hall_sync_response_parse_offset (hall_http_response_get_header (response,
                                                                         "Upload-Offset"),
                                          offset);
}

static gboolean
upload_blob (BlobData      *data,
             GError       **error)
{
  Worker *worker = &data->worker;
  g_autofree char *hash = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HallHttpResponse) head = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autofree guint8 *buffer = NULL;
  goffset total = 0;
  goffset offset = 0;
  guint rewinds = 0;

  /* A damaged page is never sent: what the server stores must be what the
   * official scanned. */
  hash = hash_file (data->file, &total, worker->cancellable, error);
  if (hash == NULL)
    return FALSE;
  if (data->sha256 != NULL && g_ascii_strcasecmp (data->sha256, hash) != 0)
    {
      g_autofree char *name = g_file_get_parse_name (data->file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the file %s is damaged: its content does not match its SHA-256"), name);
      return FALSE;
    }
  /* The server takes no empty file, and no page scanned is one. */
  if (total == 0)
    {
      g_autofree char *name = g_file_get_parse_name (data->file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the file %s is damaged: it is empty"), name);
      return FALSE;
    }
  g_free (data->sha256);
  data->sha256 = g_strdup (hash);
  path = g_strdup_printf ("/v1/blobs/%s", hash);

  head = send_authorized (worker, "HEAD", path, NULL, NULL, error);
  if (head == NULL)
    return FALSE;
  switch (head->status)
    {
    case 200:
      g_debug ("blob %s already on the server", hash);
      return TRUE;
    case 204:
      if (!read_offset (head, &offset))
        offset = 0;
      break;
    case 404:
      offset = 0;
      break;
    case 401:
      set_auth_error (error);
      return FALSE;
    default:
      {
        g_autofree char *problem = describe_problem (head);

        g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED,
                     _("the server refused the upload of a document: %s"), problem);
        return FALSE;
      }
    }
  g_debug ("blob %s: %" G_GOFFSET_FORMAT " of %" G_GOFFSET_FORMAT " bytes on the server",
           hash, offset, total);

  stream = g_file_read (data->file, worker->cancellable, error);
  if (stream == NULL)
    return FALSE;
  buffer = g_malloc (data->chunk_size);

  for (;;)
    {
      g_autoptr (HallHttpResponse) response = NULL;
      g_autoptr (GBytes) chunk = NULL;
      g_autofree char *offset_header = NULL;
      g_autofree char *length_header = NULL;
      /* One key per chunk, kept across its retries. */
      g_autofree char *key = g_uuid_string_random ();
      g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", key);
      const char *extra[5];
      gsize n = 0;

      if (offset > total)
        offset = 0;
      if (!g_seekable_seek (G_SEEKABLE (stream), offset, G_SEEK_SET, worker->cancellable, error)
          || !g_input_stream_read_all (G_INPUT_STREAM (stream), buffer,
                                       MIN ((goffset) data->chunk_size, total - offset), &n,
                                       worker->cancellable, error))
        return FALSE;
      chunk = g_bytes_new (buffer, n);

      offset_header = g_strdup_printf ("Upload-Offset: %" G_GOFFSET_FORMAT, offset);
      length_header = g_strdup_printf ("Upload-Length: %" G_GOFFSET_FORMAT, total);
      extra[0] = "Content-Type: application/offset+octet-stream";
      extra[1] = key_header;
      extra[2] = offset_header;
      extra[3] = length_header;
      extra[4] = NULL;

      response = send_authorized (worker, "PATCH", path, extra, chunk, error);
      if (response == NULL)
        return FALSE;
      g_debug ("blob %s: PATCH at %" G_GOFFSET_FORMAT " (+%" G_GSIZE_FORMAT ") -> %u", hash,
               offset, n, response->status);

      switch (response->status)
        {
        case 200:
        case 201:
          return TRUE;

        case 204:
          rewinds = 0;
          if (!read_offset (response, &offset))
            offset += n;
          break;

        case 409:
          /* The server holds something else than we thought: start from
           * what it says it has. A 409 without an offset (an upload of
           * another length in progress) is refused like any other. */
          if (hall_http_response_get_header (response, "Upload-Offset") == NULL)
            {
              g_autofree char *problem = describe_problem (response);

              g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED,
                           _("the server refused the upload of a document: %s"), problem);
              return FALSE;
            }
          if (++rewinds > MAX_BLOB_REWINDS || !read_offset (response, &offset))
            {
              g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                           _("the server keeps changing where the upload of a document "
                             "should resume"));
              return FALSE;
            }
          break;

        case 401:
          set_auth_error (error);
          return FALSE;

        default:
          {
            g_autofree char *problem = describe_problem (response);

            g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED,
                         _("the server refused the upload of a document: %s"), problem);
            return FALSE;
          }
        }
    }
}

static void
blob_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  BlobData *data = task_data;
  GError *error = NULL;

  data->worker.cancellable = cancellable;
  if (!upload_blob (data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (data->sha256), g_free);
}

void
hall_sync_engine_upload_blob_async (HallSyncEngine     *self,
                                    GFile              *file,
                                    const char         *sha256,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  BlobData *data;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (BlobData, 1);
  worker_init (&data->worker, self);
  data->file = g_object_ref (file);
  data->sha256 = g_strdup (sha256);
  data->chunk_size = self->blob_chunk_size;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_sync_engine_upload_blob_async);
  g_task_set_task_data (task, data, (GDestroyNotify) blob_data_free);
  g_task_run_in_thread (task, blob_thread);
}

gboolean
hall_sync_engine_upload_blob_finish (HallSyncEngine *self,
                                     GAsyncResult   *result,
                                     char          **sha256_out,
                                     GError        **error)
{
  char *sha256;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  sha256 = g_task_propagate_pointer (G_TASK (result), error);
  if (sha256 == NULL)
    return FALSE;
  if (sha256_out != NULL)
    *sha256_out = sha256;
  else
    g_free (sha256);
  return TRUE;
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
  g_free (self->username);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_mutex_clear (&self->credentials_lock);

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
}
