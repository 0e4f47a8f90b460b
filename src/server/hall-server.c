/* hall-server.c — the server object, the libmicrohttpd glue, and routing:
 * each request goes to the file that answers it (writes, auth, batch,
 * blobs), or is answered here when it reads (entities, the change feed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "hall-json.h"
#include "hall-server-error.h"
#include "hall-server-private.h"
#include "hall-server-sqlite.h"

#define CHANGES_DEFAULT_LIMIT 500
#define CHANGES_MAX_LIMIT 5000
#define GROUP_COMMIT_BATCH 256
#define SIGN_IN_THREADS 2

G_DEFINE_FINAL_TYPE (HallServer, hall_server, G_TYPE_OBJECT)

static void
hall_server_finalize (GObject *object)
{
  HallServer *self = HALL_SERVER (object);

  hall_server_stop (self);
  if (self->sign_ins != NULL)
    g_thread_pool_free (self->sign_ins, FALSE, TRUE);
  g_mutex_clear (&self->sign_in_mutex);
  g_clear_pointer (&self->officials, g_hash_table_unref);
  g_mutex_clear (&self->officials_mutex);
  g_clear_object (&self->committer);
  g_clear_object (&self->storage);
  g_clear_object (&self->auth);
  g_clear_object (&self->blobs);
  g_clear_object (&self->catalog);
  g_free (self->data_dir);
  g_free (self->tls_cert);
  if (self->tls_key != NULL)
    memset (self->tls_key, 0, strlen (self->tls_key));
  g_free (self->tls_key);
  G_OBJECT_CLASS (hall_server_parent_class)->finalize (object);
}

static void
hall_server_class_init (HallServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_server_finalize;
}

static void
hall_server_init (HallServer *self)
{
  g_mutex_init (&self->sign_in_mutex);
  g_mutex_init (&self->officials_mutex);
  self->officials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

HallServer *
hall_server_new (const char  *data_dir,
                 HallCatalog *catalog,
                 gboolean     group_commit,
                 GError     **error)
{
  g_autoptr(HallServer) self = g_object_new (HALL_TYPE_SERVER, NULL);
  g_autofree char *db_path = g_build_filename (data_dir, "hall.sqlite", NULL);
  g_autofree char *key_path = g_build_filename (data_dir, "session.key", NULL);
  g_autofree char *blob_dir = g_build_filename (data_dir, "blobs", NULL);
  HallServerSqlite *sqlite;

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the data directory %s: %s"), data_dir, g_strerror (saved));
      return NULL;
    }
  self->data_dir = g_strdup (data_dir);
  self->catalog = g_object_ref (catalog);
  sqlite = hall_server_sqlite_new (db_path, error);
  if (sqlite == NULL)
    return NULL;
  self->storage = HALL_SERVER_STORAGE (sqlite);
  self->auth = hall_auth_new (key_path, error);
  if (self->auth == NULL)
    return NULL;
  self->blobs = hall_blob_store_new (blob_dir, HALL_BLOB_BODY_LIMIT, error);
  if (self->blobs == NULL)
    return NULL;
  self->committer = hall_group_committer_new (self->storage,
                                              group_commit ? GROUP_COMMIT_BATCH : 1);
  self->sign_ins = g_thread_pool_new (_hall_server_sign_in_thread, self, SIGN_IN_THREADS, FALSE, NULL);
  return g_steal_pointer (&self);
}

/* Responses */

static enum MHD_Result
queue_response (struct MHD_Connection *connection,
                HallServerResponse    *response)
{
  struct MHD_Response *mhd;
  enum MHD_Result result;

  if (response->fd >= 0)
    {
      mhd = MHD_create_response_from_fd64 (response->fd_size, response->fd);
      response->fd = -1;  /* MHD closes it */
    }
  else if (response->body != NULL)
    {
      gsize length;
      gconstpointer data = g_bytes_get_data (response->body, &length);

      mhd = MHD_create_response_from_buffer_with_free_callback_cls (
        length, (void *) data, (MHD_ContentReaderFreeCallback) g_bytes_unref,
        g_bytes_ref (response->body));
    }
  else
    mhd = MHD_create_response_from_buffer (0, (void *) "", MHD_RESPMEM_PERSISTENT);

  if (mhd == NULL)
    return MHD_NO;
  if (response->content_type != NULL)
    MHD_add_response_header (mhd, MHD_HTTP_HEADER_CONTENT_TYPE, response->content_type);
  if (response->etag > 0)
    {
      char etag[32];

      g_snprintf (etag, sizeof etag, "\"%" G_GINT64_FORMAT "\"", response->etag);
      MHD_add_response_header (mhd, MHD_HTTP_HEADER_ETAG, etag);
    }
  if (response->upload_offset >= 0)
    {
      char offset[32];

      g_snprintf (offset, sizeof offset, "%" G_GINT64_FORMAT, response->upload_offset);
      MHD_add_response_header (mhd, "Upload-Offset", offset);
    }
  if (response->status == 401)
    MHD_add_response_header (mhd, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
  MHD_add_response_header (mhd, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");

  result = MHD_queue_response (connection, response->status, mhd);
  MHD_destroy_response (mhd);
  return result;
}

static const char *
header (struct MHD_Connection *connection,
        const char            *name)
{
  return MHD_lookup_connection_value (connection, MHD_HEADER_KIND, name);
}

/* Before the body: who asks, may they, and will the body fit. */

static void
begin_request (HallServer            *self,
               HallServerRequest     *request,
               struct MHD_Connection *connection,
               const char            *method,
               const char            *url)
{
  g_autoptr(HallProblem) route_problem = NULL;
  const char *value;
  guint64 length;

  if (!hall_server_route (method, url, &request->method, &request->route, &request->id,
                          &route_problem))
    {
      request->response = hall_problem_to_response (route_problem);
      return;
    }
  if (!_hall_server_authorize (self, request, connection))
    return;

  if ((value = header (connection, "If-Match")) != NULL)
    request->if_match = g_strdup (value);
  if ((value = header (connection, "Idempotency-Key")) != NULL)
    {
      if (*value == '\0' || strlen (value) > HALL_STRING_LIMIT)
        {
          request->response = hall_problem_response (400, "Idempotency-Key",
                                                     _("The Idempotency-Key must have 1 to %d "
                                                       "characters"),
                                                     HALL_STRING_LIMIT);
          return;
        }
      request->idempotency_key = g_strdup (value);
    }

  if (request->route == HALL_ROUTE_BLOB)
    {
      _hall_server_begin_blob (self, request, connection);
      return;
    }

  if (request->route == HALL_ROUTE_BATCH)
    request->limit = HALL_BATCH_BODY_LIMIT;

  /* Refused before reading: a client sending 100 MB learns at once. */
  value = header (connection, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &length, NULL)
      && length > request->limit)
    request->response = hall_problem_response (413, NULL, _("The body may be at most %d KiB"),
                                               (int) (request->limit / 1024));
}

/* After the body */

static HallServerResponse *
answer_entity_get (HallServer        *self,
                   HallServerRequest *request,
                   HallEntityKind     kind)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  HallServerResponse *response;
  gint64 version = 0;

  data = hall_server_storage_get_entity (self->storage, kind, request->id, &version, &error);
  if (data == NULL)
    {
      if (g_error_matches (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND))
        return hall_problem_response (404, NULL, _("There is no %s %s"),
                                      hall_entity_kind_to_string (kind), request->id);
      return hall_problem_response_internal (error);
    }
  response = hall_server_response_new_text (200, "application/json", data);
  response->etag = version;
  return response;
}

static HallServerResponse *
answer_changes (HallServer            *self,
                struct MHD_Connection *connection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  HallServerResponse *response;
  GString *page;
  const char *since_text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "since");
  const char *limit_text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "limit");
  guint64 since = 0;
  guint64 limit = CHANGES_DEFAULT_LIMIT;
  gboolean more;

  if (since_text != NULL && *since_text != '\0'
      && !g_ascii_string_to_unsigned (since_text, 10, 0, G_MAXINT64, &since, NULL))
    return hall_problem_response (400, "since",
                                  _("The cursor “since” is not one this server gave out"));
  if (limit_text != NULL && *limit_text != '\0'
      && !g_ascii_string_to_unsigned (limit_text, 10, 1, G_MAXUINT32, &limit, NULL))
    return hall_problem_response (400, "limit", _("“limit” must be a whole number from 1 to %d"),
                                  CHANGES_MAX_LIMIT);
  limit = MIN (limit, CHANGES_MAX_LIMIT);

  /* One more than asked for says whether there are more. */
  changes = hall_server_storage_list_changes (self->storage, since, limit + 1, &error);
  if (changes == NULL)
    return hall_problem_response_internal (error);
  more = changes->len > limit;
  if (more)
    g_ptr_array_set_size (changes, limit);

  /* The stored data is this server's own JSON text: it goes into the page
   * as it is, not parsed and written again. */
  page = g_string_sized_new (1024 * changes->len + 64);
  g_string_append (page, "{\"changes\":[");
  for (guint i = 0; i < changes->len; i++)
    {
      HallChange *change = g_ptr_array_index (changes, i);
      gsize length = strlen (change->data);

      g_string_append_printf (page, "%s{\"seq\":%" G_GINT64_FORMAT ",\"entity\":",
                              i > 0 ? "," : "", change->seq);
      hall_json_append_string (page, hall_entity_kind_to_string (change->kind));
      g_string_append (page, ",\"uuid\":");
      hall_json_append_string (page, change->uuid);
      g_string_append_printf (page, ",\"version\":%" G_GINT64_FORMAT ",\"data\":",
                              change->version);
      if (length >= 2 && change->data[0] == '{' && change->data[length - 1] == '}')
        g_string_append_len (page, change->data, length);
      else
        g_string_append (page, "null");
      g_string_append_c (page, '}');
      since = change->seq;
    }
  g_string_append_printf (page, "],\"next\":\"%" G_GUINT64_FORMAT "\",\"more\":%s}", since,
                          more ? "true" : "false");

  response = hall_server_response_new (200);
  response->content_type = g_strdup ("application/json");
  response->body = g_string_free_to_bytes (page);
  return response;
}

static HallServerResponse *
answer (HallServer            *self,
        HallServerRequest     *request,
        struct MHD_Connection *connection,
        const char            *method)
{
  if (request->too_large)
    return hall_problem_response (413, NULL, _("The body may be at most %d KiB"),
                                  (int) (request->limit / 1024));

  switch (request->route)
    {
    case HALL_ROUTE_HEALTH:
      return hall_server_response_new_text (200, "application/json", "{\"status\":\"ok\"}");
    case HALL_ROUTE_SESSIONS:
      return _hall_server_answer_session (self, request, connection);
    case HALL_ROUTE_CATALOG:
      return hall_server_response_new_text (200, "application/json",
                                            hall_catalog_get_json (self->catalog));
    case HALL_ROUTE_CHANGES:
      return answer_changes (self, connection);
    case HALL_ROUTE_APPLICANT:
    case HALL_ROUTE_CASE:
      if (request->method == HALL_METHOD_GET || request->method == HALL_METHOD_HEAD)
        return answer_entity_get (self, request, request->route == HALL_ROUTE_CASE
                                                 ? HALL_ENTITY_CASE : HALL_ENTITY_APPLICANT);
      return _hall_server_submit_write (self, request, connection, method);
    case HALL_ROUTE_CASE_EVENTS:
      return _hall_server_submit_write (self, request, connection, method);
    case HALL_ROUTE_BLOB:
      return _hall_server_answer_blob (self, request);
    case HALL_ROUTE_BATCH:
      return _hall_server_submit_batch (self, request, connection);
    case HALL_ROUTE_NONE:
    default:
      g_return_val_if_reached (hall_problem_response (500, NULL, "unrouted request"));
    }
}

static enum MHD_Result
on_request (void                  *cls,
            struct MHD_Connection *connection,
            const char            *url,
            const char            *method,
            const char            *version,
            const char            *upload_data,
            size_t                *upload_data_size,
            void                 **con_cls)
{
  HallServer *self = cls;
  HallServerRequest *request = *con_cls;

  if (request == NULL)
    {
      request = hall_server_request_new (url);
      request->server = self;
      request->connection = connection;
      *con_cls = request;
      begin_request (self, request, connection, method, url);
      if (request->response != NULL)
        {
          request->answered = TRUE;
          return queue_response (connection, request->response);
        }
      return MHD_YES;
    }

  if (request->answered)
    {
      *upload_data_size = 0;
      return MHD_YES;
    }

  if (*upload_data_size > 0)
    {
      if (request->upload != NULL)
        _hall_server_receive_blob (request, upload_data, *upload_data_size);
      else
        hall_server_request_append_body (request, upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }

  if (!request->dispatched)
    {
      HallServerResponse *response;

      request->dispatched = TRUE;
      response = answer (self, request, connection, method);
      /* NULL: suspended for the writer, which may already have set
       * request->response; MHD calls again once it resumed us. */
      if (response == NULL)
        return MHD_YES;
      request->response = response;
    }
  /* A batch resumed after its commit: its operations are answered. */
  if (request->response == NULL && request->operations != NULL)
    request->response = _hall_server_batch_answer (request);
  g_return_val_if_fail (request->response != NULL, MHD_NO);
  request->answered = TRUE;
  return queue_response (connection, request->response);
}

static void
on_completed (void                            *cls,
              struct MHD_Connection           *connection,
              void                           **con_cls,
              enum MHD_RequestTerminationCode  toe)
{
  g_clear_pointer ((HallServerRequest **) con_cls, hall_server_request_free);
}

static void
on_mhd_log (void       *cls,
            const char *format,
            va_list     args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_debug ("libmicrohttpd: %s", g_strchomp (message));
}

static gboolean
parse_listen (const char               *listen,
              struct sockaddr_storage  *addr,
              gboolean                 *ipv6,
              GError                  **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autofree char *host = NULL;
  const char *colon = strrchr (listen, ':');
  guint64 port;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto bad;
  host = g_strndup (listen, colon - listen);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    goto bad;
  socket_address = g_inet_socket_address_new (inet, port);
  *ipv6 = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6;
  return g_socket_address_to_native (socket_address, addr, sizeof *addr, error);

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not an address to listen on; use ADDRESS:PORT, e.g. 127.0.0.1:8080"),
               listen);
  return FALSE;
}

gboolean
hall_server_set_tls (HallServer  *self,
                     const char  *cert_path,
                     const char  *key_path,
                     GError     **error)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (HALL_IS_SERVER (self) && self->daemon == NULL, FALSE);
  g_return_val_if_fail (cert_path != NULL && key_path != NULL, FALSE);

  if (MHD_is_feature_supported (MHD_FEATURE_TLS) != MHD_YES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("This build of libmicrohttpd cannot serve HTTPS"));
      return FALSE;
    }
  if (!g_file_get_contents (cert_path, &cert, NULL, error)
      || !g_file_get_contents (key_path, &key, NULL, error))
    return FALSE;
  if (strstr (cert, "-----BEGIN CERTIFICATE-----") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s holds no PEM certificate"), cert_path);
      return FALSE;
    }
  if (strstr (key, "PRIVATE KEY-----") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s holds no PEM private key"), key_path);
      return FALSE;
    }
  g_free (self->tls_cert);
  self->tls_cert = g_steal_pointer (&cert);
  g_free (self->tls_key);
  self->tls_key = g_steal_pointer (&key);
  return TRUE;
}

gboolean
hall_server_start (HallServer  *self,
                   const char  *listen,
                   GError     **error)
{
  struct sockaddr_storage addr;
  const union MHD_DaemonInfo *info;
  gboolean ipv6 = FALSE;
  unsigned int flags;
  struct MHD_OptionItem tls_options[] = {
    { MHD_OPTION_HTTPS_MEM_CERT, 0, self->tls_cert },
    { MHD_OPTION_HTTPS_MEM_KEY, 0, self->tls_key },
    { MHD_OPTION_END, 0, NULL },
  };

  g_return_val_if_fail (self->daemon == NULL, FALSE);

  if (!parse_listen (listen, &addr, &ipv6, error))
    return FALSE;
  /* TURBO: no shutdown() before close and no per-request checks of
   * non-blocking sockets; measurably more requests per second. */
  flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG
          | MHD_USE_TURBO | (ipv6 ? MHD_USE_IPv6 : 0)
          | (self->tls_cert != NULL ? MHD_USE_TLS : 0);
  self->daemon = MHD_start_daemon (flags, 0, NULL, NULL, on_request, self,
                                   MHD_OPTION_SOCK_ADDR, &addr,
                                   MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) g_get_num_processors (),
                                   MHD_OPTION_CONNECTION_LIMIT, (unsigned int) 4096,
                                   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 60,
                                   MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int) 1024,
                                   MHD_OPTION_NOTIFY_COMPLETED, on_completed, self,
                                   MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, self,
                                   MHD_OPTION_ARRAY,
                                   self->tls_cert != NULL ? tls_options : &tls_options[2],
                                   MHD_OPTION_END);
  if (self->daemon == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   self->tls_cert != NULL
                   ? _("Cannot listen on %s (is the port taken, or do the certificate and the "
                       "key not belong together?)")
                   : _("Cannot listen on %s (is the port taken?)"),
                   listen);
      return FALSE;
    }
  info = MHD_get_daemon_info (self->daemon, MHD_DAEMON_INFO_BIND_PORT);
  self->port = info ? info->port : 0;
  return TRUE;
}

guint16
hall_server_get_port (HallServer *self)
{
  return self->port;
}

void
hall_server_stop (HallServer *self)
{
  GThreadPool *pool;

  if (self->daemon == NULL)
    return;
  self->stopping = TRUE;
  /* No new connections; the writer answers what it holds and refuses the
   * rest, so no connection stays suspended when MHD stops. */
  MHD_quiesce_daemon (self->daemon);
  if (self->committer != NULL)
    hall_group_committer_stop (self->committer);
  g_mutex_lock (&self->sign_in_mutex);
  pool = g_steal_pointer (&self->sign_ins);
  g_mutex_unlock (&self->sign_in_mutex);
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);
  MHD_stop_daemon (self->daemon);
  self->daemon = NULL;
}
