/* hall-http-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-http-client.h"
#include "hall-json-strict.h"

struct _HallHttpClient
{
  GObject  parent_instance;

  /* Guards the settings below, read at the start of each request. */
  GMutex   lock;
  char    *ca_file;
  char    *pinned_public_key;
  guint    connect_timeout;
  guint    low_speed_limit;
  guint    low_speed_time;

  CURLSH  *share;
  GMutex   share_locks[CURL_LOCK_DATA_LAST];
  /* Easy handles between transfers, under @lock, each keeping its own
   * connections open for the next: libcurl does not support one
   * connection cache shared by transfers on several threads at once. */
  GPtrArray *idle;
};

/* Idle handles kept: one for each transfer a counter makes at once (the
 * push's batches, a pull's page ahead, an upload), and a few more. */
#define MAX_IDLE_HANDLES 8

G_DEFINE_FINAL_TYPE (HallHttpClient, hall_http_client, G_TYPE_OBJECT)

void
hall_http_response_free (HallHttpResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, g_hash_table_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

const char *
hall_http_response_get_header (HallHttpResponse *response,
                               const char       *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_hash_table_lookup (response->headers, lower);
}

char *
hall_http_response_dup_text (HallHttpResponse *response)
{
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);

  return g_strndup (data != NULL ? data : "", size);
}

JsonNode *
hall_http_response_parse_json (HallHttpResponse *response,
                               guint             max_depth)
{
  gsize size = 0;
  const char *data = response->body != NULL ? g_bytes_get_data (response->body, &size) : NULL;

  if (data == NULL || size == 0)
    return NULL;
  return hall_json_parse_strict (data, size, max_depth, NULL, NULL);
}

static void
share_lock_cb (CURL          *handle,
               curl_lock_data data,
               curl_lock_access access,
               void          *user_data)
{
  HallHttpClient *self = user_data;

  g_mutex_lock (&self->share_locks[data]);
}

static void
share_unlock_cb (CURL          *handle,
                 curl_lock_data data,
                 void          *user_data)
{
  HallHttpClient *self = user_data;

  g_mutex_unlock (&self->share_locks[data]);
}

static void
hall_http_client_finalize (GObject *object)
{
  HallHttpClient *self = HALL_HTTP_CLIENT (object);
  guint i;

  /* Handles exist only once libcurl was loaded. */
  for (i = 0; i < self->idle->len; i++)
    sym_curl_easy_cleanup (g_ptr_array_index (self->idle, i));
  g_ptr_array_unref (self->idle);
  g_clear_pointer (&self->share, sym_curl_share_cleanup);
  for (i = 0; i < G_N_ELEMENTS (self->share_locks); i++)
    g_mutex_clear (&self->share_locks[i]);
  g_free (self->ca_file);
  g_free (self->pinned_public_key);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hall_http_client_parent_class)->finalize (object);
}

static void
hall_http_client_class_init (HallHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hall_http_client_finalize;
}

static void
hall_http_client_init (HallHttpClient *self)
{
  guint i;

  g_mutex_init (&self->lock);
  self->idle = g_ptr_array_new ();
  self->connect_timeout = 10;
  self->low_speed_limit = 10;
  self->low_speed_time = 30;

  for (i = 0; i < G_N_ELEMENTS (self->share_locks); i++)
    g_mutex_init (&self->share_locks[i]);
}

/* The share handle is made by the first request, which loads libcurl: a
 * counter makes its client at start and its first request on a worker
 * thread after the window is up. Called with self->lock held. */
static void
ensure_share (HallHttpClient *self)
{
  if (self->share != NULL)
    return;

  self->share = sym_curl_share_init ();
  sym_curl_share_setopt (self->share, CURLSHOPT_LOCKFUNC, share_lock_cb);
  sym_curl_share_setopt (self->share, CURLSHOPT_UNLOCKFUNC, share_unlock_cb);
  sym_curl_share_setopt (self->share, CURLSHOPT_USERDATA, self);
  sym_curl_share_setopt (self->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  sym_curl_share_setopt (self->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

HallHttpClient *
hall_http_client_new (void)
{
  return g_object_new (HALL_TYPE_HTTP_CLIENT, NULL);
}

void
hall_http_client_set_ca_file (HallHttpClient *self,
                              const char     *ca_file)
{
  g_return_if_fail (HALL_IS_HTTP_CLIENT (self));

  g_mutex_lock (&self->lock);
  g_free (self->ca_file);
  self->ca_file = (ca_file != NULL && *ca_file != '\0') ? g_strdup (ca_file) : NULL;
  g_mutex_unlock (&self->lock);
}

void
hall_http_client_set_pinned_public_key (HallHttpClient *self,
                                        const char     *pinned)
{
  g_return_if_fail (HALL_IS_HTTP_CLIENT (self));

  g_mutex_lock (&self->lock);
  g_free (self->pinned_public_key);
  self->pinned_public_key = (pinned != NULL && *pinned != '\0') ? g_strdup (pinned) : NULL;
  g_mutex_unlock (&self->lock);
}

void
hall_http_client_set_connect_timeout (HallHttpClient *self,
                                      guint           seconds)
{
  g_return_if_fail (HALL_IS_HTTP_CLIENT (self));

  g_mutex_lock (&self->lock);
  self->connect_timeout = MAX (seconds, 1);
  g_mutex_unlock (&self->lock);
}

void
hall_http_client_set_low_speed (HallHttpClient *self,
                                guint           bytes_per_second,
                                guint           seconds)
{
  g_return_if_fail (HALL_IS_HTTP_CLIENT (self));

  g_mutex_lock (&self->lock);
  self->low_speed_limit = MAX (bytes_per_second, 1);
  self->low_speed_time = MAX (seconds, 1);
  g_mutex_unlock (&self->lock);
}

typedef struct
{
  GByteArray   *body;
  GHashTable   *headers;
  GCancellable *cancellable;
} Transfer;

static size_t
write_cb (char  *data,
          size_t size,
          size_t nmemb,
          void  *user_data)
{
  Transfer *transfer = user_data;

  g_byte_array_append (transfer->body, (const guint8 *) data, size * nmemb);
  return size * nmemb;
}

static size_t
header_cb (char  *data,
           size_t size,
           size_t nmemb,
           void  *user_data)
{
  Transfer *transfer = user_data;
  size_t len = size * nmemb;
  g_autofree char *line = g_strndup (data, len);
  char *colon;

  /* A new status line (after "100 Continue") starts a new set of headers. */
  if (g_str_has_prefix (line, "HTTP/"))
    {
      g_hash_table_remove_all (transfer->headers);
      return len;
    }

  colon = strchr (line, ':');
  if (colon != NULL)
    {
      *colon = '\0';
      g_hash_table_replace (transfer->headers,
                            g_ascii_strdown (g_strstrip (line), -1),
                            g_strdup (g_strstrip (colon + 1)));
    }
  return len;
}

static int
progress_cb (void      *user_data,
             curl_off_t dltotal,
             curl_off_t dlnow,
             curl_off_t ultotal,
             curl_off_t ulnow)
{
  Transfer *transfer = user_data;

  return g_cancellable_is_cancelled (transfer->cancellable) ? 1 : 0;
}

static char *
dup_host (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

static void
set_curl_error (GError    **error,
                CURLcode    code,
                const char *errbuf,
                const char *url)
{
  g_autofree char *host = dup_host (url);
  const char *why = (errbuf != NULL && *errbuf != '\0') ? errbuf : sym_curl_easy_strerror (code);

  switch (code)
    {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_TLS,
                   _("cannot trust %s: %s (check the hall's CA file and pinned key)"),
                   host, why);
      break;

    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("the server address “%s” is not a valid http(s) URL: %s"), url, why);
      break;

    default:
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE,
                   _("cannot reach %s: %s"), host, why);
      break;
    }
}

/* @curl (taken) back among the idle handles, its options (which point
 * into the transfer's stack) reset, its connections kept. */
static void
give_back (HallHttpClient *self,
           CURL           *curl)
{
  sym_curl_easy_reset (curl);
  g_mutex_lock (&self->lock);
  if (self->idle->len < MAX_IDLE_HANDLES)
    {
      g_ptr_array_add (self->idle, curl);
      curl = NULL;
    }
  g_mutex_unlock (&self->lock);
  if (curl != NULL)
    sym_curl_easy_cleanup (curl);
}

HallHttpResponse *
hall_http_client_send (HallHttpClient     *self,
                       const char         *method,
                       const char         *url,
                       const char * const *headers,
                       GBytes             *body,
                       GCancellable       *cancellable,
                       GError            **error)
{
  g_autoptr (CURL) curl = NULL;
  g_autoptr (HallCurlSlist) header_list = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *pinned = NULL;
  g_autoptr (GByteArray) received = g_byte_array_new ();
  g_autoptr (GHashTable) received_headers = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                   g_free, g_free);
  char errbuf[CURL_ERROR_SIZE] = "";
  Transfer transfer = { received, received_headers, cancellable };
  HallHttpResponse *response;
  guint connect_timeout, low_speed_limit, low_speed_time;
  long status = 0;
  CURLcode code;
  gsize i;

  g_return_val_if_fail (HALL_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (method != NULL && url != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!hall_curl_library_load (error))
    return NULL;

  g_mutex_lock (&self->lock);
  ensure_share (self);
  ca_file = g_strdup (self->ca_file);
  pinned = g_strdup (self->pinned_public_key);
  connect_timeout = self->connect_timeout;
  low_speed_limit = self->low_speed_limit;
  low_speed_time = self->low_speed_time;
  if (self->idle->len > 0)
    curl = g_ptr_array_steal_index_fast (self->idle, self->idle->len - 1);
  g_mutex_unlock (&self->lock);

  if (curl == NULL)
    curl = sym_curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("cannot start an HTTP transfer (libcurl is out of memory)"));
      return NULL;
    }

  sym_curl_easy_setopt (curl, CURLOPT_SHARE, self->share);
  sym_curl_easy_setopt (curl, CURLOPT_URL, url);
  sym_curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  sym_curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  sym_curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  sym_curl_easy_setopt (curl, CURLOPT_USERAGENT, "service-hall/" PACKAGE_VERSION);
  sym_curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);

  /* Verification stays on whatever else is configured. */
  sym_curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  sym_curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (ca_file != NULL)
    sym_curl_easy_setopt (curl, CURLOPT_CAINFO, ca_file);
  if (pinned != NULL)
    sym_curl_easy_setopt (curl, CURLOPT_PINNEDPUBLICKEY, pinned);

  /* No CURLOPT_TIMEOUT: a slow but live transfer must be allowed to end. */
  sym_curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) connect_timeout);
  sym_curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, (long) low_speed_limit);
  sym_curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, (long) low_speed_time);

  sym_curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, write_cb);
  sym_curl_easy_setopt (curl, CURLOPT_WRITEDATA, &transfer);
  sym_curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, header_cb);
  sym_curl_easy_setopt (curl, CURLOPT_HEADERDATA, &transfer);
  sym_curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  sym_curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
  sym_curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &transfer);

  if (g_str_equal (method, "HEAD"))
    sym_curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  else if (g_str_equal (method, "GET"))
    sym_curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
  else
    {
      gsize size = 0;
      gconstpointer data = body != NULL ? g_bytes_get_data (body, &size) : NULL;

      sym_curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
      sym_curl_easy_setopt (curl, CURLOPT_POSTFIELDS, data != NULL ? data : "");
      sym_curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
    }

  for (i = 0; headers != NULL && headers[i] != NULL; i++)
    header_list = sym_curl_slist_append (header_list, headers[i]);
  /* Waiting for "100 Continue" only adds a round trip on a LAN. */
  header_list = sym_curl_slist_append (header_list, "Expect:");
  sym_curl_easy_setopt (curl, CURLOPT_HTTPHEADER, header_list);

  code = sym_curl_easy_perform (curl);
  sym_curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  give_back (self, g_steal_pointer (&curl));
  if (code == CURLE_ABORTED_BY_CALLBACK && g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (code != CURLE_OK)
    {
      g_debug ("%s %s: curl error %d", method, url, (int) code);
      set_curl_error (error, code, errbuf, url);
      return NULL;
    }

  g_debug ("%s %s -> %ld", method, url, status);

  response = g_new0 (HallHttpResponse, 1);
  response->status = (guint) status;
  response->headers = g_steal_pointer (&received_headers);
  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&received));
  return response;
}

typedef struct
{
  char    *method;
  char    *url;
  GStrv    headers;
  GBytes  *body;
} SendData;

static void
send_data_free (SendData *data)
{
  g_free (data->method);
  g_free (data->url);
  g_strfreev (data->headers);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_free (data);
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SendData *data = task_data;
  GError *error = NULL;
  HallHttpResponse *response;

  response = hall_http_client_send (source_object, data->method, data->url,
                                    (const char * const *) data->headers, data->body,
                                    cancellable, &error);
  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) hall_http_response_free);
}

void
hall_http_client_send_async (HallHttpClient     *self,
                             const char         *method,
                             const char         *url,
                             const char * const *headers,
                             GBytes             *body,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  SendData *data;

  g_return_if_fail (HALL_IS_HTTP_CLIENT (self));

  data = g_new0 (SendData, 1);
  data->method = g_strdup (method);
  data->url = g_strdup (url);
  data->headers = g_strdupv ((char **) headers);
  data->body = body != NULL ? g_bytes_ref (body) : NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_http_client_send_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  g_task_run_in_thread (task, send_thread);
}

HallHttpResponse *
hall_http_client_send_finish (HallHttpClient *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
