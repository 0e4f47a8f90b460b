/* hall-queue-feed.c — the hall's queue as the board follows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The worker owns its own curl handle for the stream (the shared HTTP
 * client answers only once a body is whole, and this one never is). It
 * hands each parsed event to the main context in order through
 * g_main_context_invoke; a generation counter makes events queued before
 * hall_queue_feed_stop() fall silent.
 */
#define G_LOG_DOMAIN "hall-queue"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-http-client.h"
#include "hall-json.h"
#include "hall-json-strict.h"
#include "hall-lazy-library.h"
#include "hall-queue-feed.h"

#define BACKOFF_BASE_MS 250u
#define BACKOFF_CAP_MS  10000u
#define KEEPALIVE_DEAD_S 40   /* the server comments every 15 s */

struct _HallQueueFeed
{
  GObject       parent_instance;

  char         *server_url;
  char         *last_event_id;   /* main thread: the last one emitted */
  GMainContext *context;
  GThread      *worker;
  GCancellable *cancellable;
  HallHttpClient *client;
  guint         generation;      /* main thread */
  guint         backoff_cap_ms;
  gboolean      online;
};

G_DEFINE_FINAL_TYPE (HallQueueFeed, hall_queue_feed, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SERVER_URL,
  PROP_ONLINE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_SNAPSHOT,
  SIGNAL_EVENT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* What the worker hands to the main context. */
typedef enum
{
  MESSAGE_SNAPSHOT,
  MESSAGE_EVENT,
  MESSAGE_ONLINE,
  MESSAGE_OFFLINE,
} MessageKind;

typedef struct
{
  HallQueueFeed *feed;
  guint          generation;
  MessageKind    kind;
  char          *id;
  char          *type;
  JsonObject    *object;
} Message;

static void
message_free (gpointer data)
{
  Message *message = data;

  g_object_unref (message->feed);
  g_free (message->id);
  g_free (message->type);
  g_clear_pointer (&message->object, json_object_unref);
  g_free (message);
}

static void
set_online (HallQueueFeed *self,
            gboolean       online)
{
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

static gboolean
deliver_cb (gpointer data)
{
  Message *message = data;
  HallQueueFeed *self = message->feed;

  if (message->generation != self->generation)
    return G_SOURCE_REMOVE;
  switch (message->kind)
    {
    case MESSAGE_SNAPSHOT:
      g_signal_emit (self, signals[SIGNAL_SNAPSHOT], 0, message->object);
      break;
    case MESSAGE_EVENT:
      g_free (self->last_event_id);
      self->last_event_id = g_strdup (message->id);
      g_signal_emit (self, signals[SIGNAL_EVENT], 0, message->id, message->type, message->object);
      break;
    case MESSAGE_ONLINE:
      set_online (self, TRUE);
      break;
    case MESSAGE_OFFLINE:
      set_online (self, FALSE);
      break;
    }
  return G_SOURCE_REMOVE;
}

/* Worker's state for one run. */
typedef struct
{
  HallQueueFeed       *feed;
  guint                generation;
  GCancellable        *cancellable;
  HallQueueFeedParser *parser;
  guint                status;
  gboolean             is_stream;
  gboolean             announced_online;
  gboolean             said_missing;  /* that libcurl is not installed */
  guint                events;
  GError              *error;
} Worker;

static void
post (Worker      *worker,
      MessageKind  kind,
      const char  *id,
      const char  *type,
      JsonObject  *object)
{
  Message *message = g_new0 (Message, 1);

  message->feed = g_object_ref (worker->feed);
  message->generation = worker->generation;
  message->kind = kind;
  message->id = g_strdup (id);
  message->type = g_strdup (type);
  message->object = object != NULL ? json_object_ref (object) : NULL;
  g_main_context_invoke_full (worker->feed->context, G_PRIORITY_DEFAULT, deliver_cb, message,
                              message_free);
}

/* (transfer full) (nullable): @text as a JSON object, read strictly. */
static JsonObject *
parse_object (const char *text,
              gsize       length,
              const char *what,
              GError    **error)
{
  g_autoptr (JsonNode) root = hall_json_parse_strict (text, length, 32, NULL, NULL);
  JsonObject *object;

  if (root == NULL)
    {
      g_set_error (error, HALL_QUEUE_FEED_ERROR, HALL_QUEUE_FEED_ERROR_EVENT,
                   _("%s is not one JSON value"), what);
      return NULL;
    }
  object = hall_json_expect_object (root, what, error);
  return object != NULL ? json_object_ref (object) : NULL;
}

static void
event_cb (const char *id,
          const char *type,
          const char *data,
          gpointer    user_data)
{
  Worker *worker = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) object = NULL;

  /* An event that is not ours (or not JSON) is skipped, never guessed at;
   * its id still counts, so a resume does not ask for it again. */
  object = parse_object (data, strlen (data), "the event's data", &error);
  if (object == NULL)
    {
      g_warning ("queue event %s skipped: %s", id, error->message);
      return;
    }
  worker->events++;
  post (worker, MESSAGE_EVENT, id, type, object);
}

static size_t
stream_header_cb (char  *buffer,
                  size_t size,
                  size_t count,
                  void  *user_data)
{
  Worker *worker = user_data;
  size_t length = size * count;
  g_autofree char *line = g_strndup (buffer, length);

  g_strstrip (line);
  if (g_str_has_prefix (line, "HTTP/"))
    {
      const char *space = strchr (line, ' ');

      worker->status = space != NULL ? (guint) g_ascii_strtoull (space + 1, NULL, 10) : 0;
      worker->is_stream = FALSE;
    }
  else if (g_ascii_strncasecmp (line, "content-type:", 13) == 0)
    {
      const char *value = line + 13;

      while (*value == ' ')
        value++;
      worker->is_stream = g_ascii_strncasecmp (value, "text/event-stream", 17) == 0;
    }
  return length;
}

static size_t
stream_write_cb (char  *buffer,
                 size_t size,
                 size_t count,
                 void  *user_data)
{
  Worker *worker = user_data;
  size_t length = size * count;

  if (worker->status != 200 || !worker->is_stream)
    {
      g_set_error (&worker->error, HALL_QUEUE_FEED_ERROR, HALL_QUEUE_FEED_ERROR_HTTP,
                   _("The server answered the queue's event stream with HTTP %u, not an event stream"),
                   worker->status);
      return 0;
    }
  if (!worker->announced_online)
    {
      worker->announced_online = TRUE;
      post (worker, MESSAGE_ONLINE, NULL, NULL, NULL);
    }
  if (!hall_queue_feed_parser_feed (worker->parser, buffer, length, event_cb, worker,
                                    &worker->error))
    return 0;
  return length;
}

static int
stream_progress_cb (void      *user_data,
                    curl_off_t dltotal,
                    curl_off_t dlnow,
                    curl_off_t ultotal,
                    curl_off_t ulnow)
{
  Worker *worker = user_data;

  return g_cancellable_is_cancelled (worker->cancellable) ? 1 : 0;
}

/* Runs GET /v1/queue/events until the stream ends; TRUE when it was open
 * (and so the backoff starts over). */
static gboolean
follow_stream (Worker *worker)
{
  g_autoptr (CURL) curl = NULL;
  g_autoptr (HallCurlSlist) headers = NULL;
  g_autofree char *url = g_strconcat (worker->feed->server_url, "/v1/queue/events", NULL);
  g_autofree char *last_id_header = NULL;
  const char *last_id = hall_queue_feed_parser_get_last_event_id (worker->parser);
  char errbuf[CURL_ERROR_SIZE] = "";
  CURLcode code;

  hall_queue_feed_parser_reset (worker->parser);
  worker->status = 0;
  worker->is_stream = FALSE;
  worker->announced_online = FALSE;
  g_clear_error (&worker->error);

  if (!hall_curl_library_load (&worker->error))
    {
      g_warning ("%s", worker->error->message);
      return FALSE;
    }
  curl = sym_curl_easy_init ();
  headers = sym_curl_slist_append (headers, "Accept: text/event-stream");
  if (*last_id != '\0')
    {
      last_id_header = g_strdup_printf ("Last-Event-ID: %s", last_id);
      headers = sym_curl_slist_append (headers, last_id_header);
    }
  sym_curl_easy_setopt (curl, CURLOPT_URL, url);
  sym_curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  sym_curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  sym_curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  sym_curl_easy_setopt (curl, CURLOPT_USERAGENT, "service-hall-display/" PACKAGE_VERSION);
  sym_curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  sym_curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  sym_curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 5L);
  /* A stream that stays silent past two keep-alive comments is dead. */
  sym_curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  sym_curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, (long) KEEPALIVE_DEAD_S);
  sym_curl_easy_setopt (curl, CURLOPT_TCP_KEEPALIVE, 1L);
  sym_curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  sym_curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, stream_header_cb);
  sym_curl_easy_setopt (curl, CURLOPT_HEADERDATA, worker);
  sym_curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, stream_write_cb);
  sym_curl_easy_setopt (curl, CURLOPT_WRITEDATA, worker);
  sym_curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  sym_curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, stream_progress_cb);
  sym_curl_easy_setopt (curl, CURLOPT_XFERINFODATA, worker);

  code = sym_curl_easy_perform (curl);
  if (worker->error != NULL)
    g_debug ("queue stream ended: %s", worker->error->message);
  else if (code != CURLE_OK)
    g_debug ("queue stream ended: %s", *errbuf != '\0' ? errbuf : sym_curl_easy_strerror (code));
  if (worker->error != NULL && worker->error->code == HALL_QUEUE_FEED_ERROR_MALFORMED)
    g_warning ("%s", worker->error->message);
  return worker->announced_online;
}

/* GET /v1/queue; FALSE when it could not be had. */
static gboolean
fetch_snapshot (Worker *worker)
{
  g_autofree char *url = g_strconcat (worker->feed->server_url, "/v1/queue", NULL);
  const char *headers[] = { "Accept: application/json", NULL };
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonObject) object = NULL;
  g_autoptr (GError) error = NULL;
  gconstpointer data;
  gsize size;

  response = hall_http_client_send (worker->feed->client, "GET", url, headers, NULL,
                                    worker->cancellable, &error);
  if (response == NULL)
    {
      /* A network down is the board's "offline", tried again and again; a
       * libcurl not installed never comes back by itself: IT must hear. */
      if (g_error_matches (error, HALL_LIBRARY_ERROR, HALL_LIBRARY_ERROR_MISSING)
          && !worker->said_missing)
        {
          g_warning ("queue: %s", error->message);
          worker->said_missing = TRUE;
        }
      else
        g_debug ("queue: %s", error->message);
      return FALSE;
    }
  if (response->status != 200)
    {
      g_warning ("GET /v1/queue answered HTTP %u", response->status);
      return FALSE;
    }
  data = g_bytes_get_data (response->body, &size);
  object = parse_object (data, size, "the queue", &error);
  if (object == NULL)
    {
      g_warning ("GET /v1/queue: %s", error->message);
      return FALSE;
    }
  /* The first time, the stream starts after the board it drew. */
  if (*hall_queue_feed_parser_get_last_event_id (worker->parser) == '\0'
      && json_object_has_member (object, "last_event_id"))
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             json_object_get_int_member (object, "last_event_id"));

      hall_queue_feed_parser_set_last_event_id (worker->parser, id);
    }
  post (worker, MESSAGE_SNAPSHOT, NULL, NULL, object);
  return TRUE;
}

/* Sleeps @ms unless cancelled first. */
static void
wait_ms (GCancellable *cancellable,
         guint         ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!g_cancellable_is_cancelled (cancellable) && g_get_monotonic_time () < until)
    g_usleep (MIN (20000, MAX (0, until - g_get_monotonic_time ())));
}

static gpointer
feed_thread (gpointer data)
{
  Worker *worker = data;
  guint failures = 0;

  while (!g_cancellable_is_cancelled (worker->cancellable))
    {
      gboolean was_open = FALSE;

      if (fetch_snapshot (worker))
        was_open = follow_stream (worker);
      post (worker, MESSAGE_OFFLINE, NULL, NULL, NULL);
      if (g_cancellable_is_cancelled (worker->cancellable))
        break;
      if (was_open)
        failures = 0;
      failures++;
      {
        guint ceiling = MIN (worker->feed->backoff_cap_ms,
                             BACKOFF_BASE_MS << MIN (failures - 1, 16u));
        guint advised = hall_queue_feed_parser_get_retry_ms (worker->parser);
        /* Jitter over the upper half: a hall's boards do not come back in step. */
        guint delay = ceiling / 2 + (guint) g_random_int_range (0, (gint32) (ceiling / 2 + 1));

        wait_ms (worker->cancellable, MAX (delay, MIN (advised, worker->feed->backoff_cap_ms)));
      }
    }
  hall_queue_feed_parser_free (worker->parser);
  g_clear_error (&worker->error);
  g_object_unref (worker->cancellable);
  g_free (worker);
  return NULL;
}

static void
hall_queue_feed_dispose (GObject *object)
{
  HallQueueFeed *self = HALL_QUEUE_FEED (object);

  hall_queue_feed_stop (self);
  G_OBJECT_CLASS (hall_queue_feed_parent_class)->dispose (object);
}

static void
hall_queue_feed_finalize (GObject *object)
{
  HallQueueFeed *self = HALL_QUEUE_FEED (object);

  g_free (self->server_url);
  g_free (self->last_event_id);
  g_clear_object (&self->client);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (hall_queue_feed_parent_class)->finalize (object);
}

static void
hall_queue_feed_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HallQueueFeed *self = HALL_QUEUE_FEED (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_queue_feed_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HallQueueFeed *self = HALL_QUEUE_FEED (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      {
        g_autofree char *url = g_value_dup_string (value);

        /* "http://host:8470/" and "http://host:8470" name one server. */
        while (url != NULL && g_str_has_suffix (url, "/"))
          url[strlen (url) - 1] = '\0';
        g_free (self->server_url);
        self->server_url = g_steal_pointer (&url);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_queue_feed_class_init (HallQueueFeedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hall_queue_feed_dispose;
  object_class->finalize = hall_queue_feed_finalize;
  object_class->get_property = hall_queue_feed_get_property;
  object_class->set_property = hall_queue_feed_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SNAPSHOT] =
    g_signal_new ("snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

static void
hall_queue_feed_init (HallQueueFeed *self)
{
  self->last_event_id = g_strdup ("");
  self->backoff_cap_ms = BACKOFF_CAP_MS;
  self->client = hall_http_client_new ();
  hall_http_client_set_connect_timeout (self->client, 5);
  hall_http_client_set_low_speed (self->client, 1, 20);
}

HallQueueFeed *
hall_queue_feed_new (const char *server_url)
{
  g_return_val_if_fail (server_url != NULL, NULL);
  return g_object_new (HALL_TYPE_QUEUE_FEED, "server-url", server_url, NULL);
}

const char *
hall_queue_feed_get_server_url (HallQueueFeed *self)
{
  g_return_val_if_fail (HALL_IS_QUEUE_FEED (self), NULL);
  return self->server_url;
}

gboolean
hall_queue_feed_get_online (HallQueueFeed *self)
{
  g_return_val_if_fail (HALL_IS_QUEUE_FEED (self), FALSE);
  return self->online;
}

const char *
hall_queue_feed_get_last_event_id (HallQueueFeed *self)
{
  g_return_val_if_fail (HALL_IS_QUEUE_FEED (self), NULL);
  return self->last_event_id;
}

void
hall_queue_feed_set_backoff_cap (HallQueueFeed *self,
                                 guint          cap_ms)
{
  g_return_if_fail (HALL_IS_QUEUE_FEED (self));
  self->backoff_cap_ms = MAX (cap_ms, BACKOFF_BASE_MS);
}

void
hall_queue_feed_start (HallQueueFeed *self)
{
  Worker *worker;

  g_return_if_fail (HALL_IS_QUEUE_FEED (self));
  g_return_if_fail (self->worker == NULL);

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->generation++;

  worker = g_new0 (Worker, 1);
  /* No reference: stop(), from dispose() too, joins the worker first. */
  worker->feed = self;
  worker->generation = self->generation;
  worker->cancellable = g_object_ref (self->cancellable);
  worker->parser = hall_queue_feed_parser_new ();
  hall_queue_feed_parser_set_last_event_id (worker->parser, self->last_event_id);
  self->worker = g_thread_new ("queue-feed", feed_thread, worker);
}

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (HallQueueFeed) self = user_data;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonObject) object = NULL;
  g_autoptr (GError) error = NULL;
  gconstpointer data;
  gsize size;

  response = hall_http_client_send_finish (HALL_HTTP_CLIENT (source), result, &error);
  if (response == NULL || response->status != 200 || self->worker == NULL)
    return;
  data = g_bytes_get_data (response->body, &size);
  object = parse_object (data, size, "the queue", &error);
  if (object == NULL)
    {
      g_warning ("GET /v1/queue: %s", error->message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SNAPSHOT], 0, object);
}

void
hall_queue_feed_refresh (HallQueueFeed *self)
{
  g_autofree char *url = NULL;
  const char *headers[] = { "Accept: application/json", NULL };

  g_return_if_fail (HALL_IS_QUEUE_FEED (self));
  if (self->worker == NULL)
    return;
  url = g_strconcat (self->server_url, "/v1/queue", NULL);
  hall_http_client_send_async (self->client, "GET", url, headers, NULL, self->cancellable,
                               refresh_cb, g_object_ref (self));
}

void
hall_queue_feed_stop (HallQueueFeed *self)
{
  g_return_if_fail (HALL_IS_QUEUE_FEED (self));
  if (self->worker == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_thread_join (g_steal_pointer (&self->worker));
  g_clear_object (&self->cancellable);
  self->generation++;
  set_online (self, FALSE);
}
