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
#include "hall-server-postgres.h"
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
  g_clear_pointer (&self->throttles, g_hash_table_unref);
  g_mutex_clear (&self->throttle_mutex);
  g_mutex_clear (&self->calendar_mutex);
  g_clear_pointer (&self->calendars, g_ptr_array_unref);
  g_clear_object (&self->committer);
  g_clear_object (&self->queue_committer);
  g_clear_object (&self->queue);
  g_clear_object (&self->storage);
  g_clear_object (&self->local);
  g_clear_object (&self->auth);
  g_clear_object (&self->blobs);
  g_clear_pointer (&self->trust, hall_server_trust_free);
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
  self->max_offline = HALL_SERVER_MAX_OFFLINE_DEFAULT;
  g_mutex_init (&self->sign_in_mutex);
  g_mutex_init (&self->officials_mutex);
  self->officials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&self->throttle_mutex);
  g_mutex_init (&self->calendar_mutex);
  self->throttles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

HallServer *
hall_server_new (const char  *data_dir,
                 HallCatalog *catalog,
                 gboolean     group_commit,
                 GError     **error)
{
  return hall_server_new_with_database (data_dir, NULL, catalog, group_commit, error);
}

HallServer *
hall_server_new_with_database (const char  *data_dir,
                               const char  *database,
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
  self->local = HALL_SERVER_STORAGE (sqlite);
  if (database != NULL)
    {
      HallServerPostgres *postgres = hall_server_postgres_new (database, error);

      if (postgres == NULL)
        return NULL;
      self->storage = HALL_SERVER_STORAGE (postgres);
    }
  else
    self->storage = g_object_ref (self->local);
  /* After the storage, which migrates the database to schema 4 (on
   * PostgreSQL to 3). */
  if (database != NULL)
    self->trust = hall_server_trust_new_postgres (database, error);
  else
    self->trust = hall_server_trust_new (db_path, error);
  if (self->trust == NULL)
    return NULL;
  self->auth = hall_auth_new (key_path, error);
  if (self->auth == NULL)
    return NULL;
  self->blobs = hall_blob_store_new (blob_dir, HALL_BLOB_BODY_LIMIT, error);
  if (self->blobs == NULL)
    return NULL;
  self->queue = database != NULL ? hall_queue_new_postgres (database, catalog, error)
                                  : hall_queue_new (db_path, catalog, error);
  if (self->queue == NULL)
    return NULL;
  if (!_hall_server_load_calendar (self, error))
    return NULL;
  self->committer = hall_group_committer_new (self->storage,
                                              group_commit ? GROUP_COMMIT_BATCH : 1,
                                              _hall_server_read_ahead);
  self->queue_committer = self->local == self->storage
                          ? g_object_ref (self->committer)
                          : hall_group_committer_new (self->storage,
                                                      group_commit ? GROUP_COMMIT_BATCH : 1,
                                                      NULL);
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

  if (response->stream != NULL)
    mhd = g_steal_pointer (&response->stream);
  else if (response->fd >= 0)
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
  if (response->close)
    MHD_add_response_header (mhd, MHD_HTTP_HEADER_CONNECTION, "close");
  if (response->allow != NULL)
    MHD_add_response_header (mhd, MHD_HTTP_HEADER_ALLOW, response->allow);
  if (response->preference_applied != NULL)
    MHD_add_response_header (mhd, "Preference-Applied", response->preference_applied);
  if (response->retry_after > 0)
    {
      char seconds[16];

      g_snprintf (seconds, sizeof seconds, "%u", response->retry_after);
      MHD_add_response_header (mhd, MHD_HTTP_HEADER_RETRY_AFTER, seconds);
    }
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

typedef struct
{
  gsize       size;
  guint       n_lengths;
  const char *length;
  gboolean    lengths_differ;
} HeadSummary;

static enum MHD_Result
summarize_header_cb (void               *data,
                     enum MHD_ValueKind  kind,
                     const char         *key,
                     const char         *value)
{
  HeadSummary *summary = data;

  summary->size += strlen (key) + (value != NULL ? strlen (value) : 0) + 4;
  if (value != NULL && g_ascii_strcasecmp (key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
    {
      if (summary->length != NULL && !g_str_equal (summary->length, value))
        summary->lengths_differ = TRUE;
      summary->length = value;
      summary->n_lengths++;
    }
  return MHD_YES;
}

/* What libmicrohttpd lets through of the request's head, judged by this
 * server's own limits, so that the answer is a problem like every other
 * (the library's own 414 and 431, for heads past its memory limit, are
 * HTML). */
static gboolean
check_head (HallServerRequest     *request,
            struct MHD_Connection *connection)
{
  HeadSummary summary = { 0, };

  MHD_get_connection_values (connection, MHD_HEADER_KIND, summarize_header_cb, &summary);
  if (summary.size > HALL_HEADERS_LIMIT)
    {
      request->response = hall_problem_response (431, NULL,
                                                 _("The header fields may have at most %d KiB "
                                                   "together"),
                                                 HALL_HEADERS_LIMIT / 1024);
      return FALSE;
    }
  /* RFC 9112 §6.3: two lengths that differ leave the framing unknown, and
   * whichever one a proxy in front believed, the next request on this
   * connection would be read from the wrong place: refused, and the
   * connection closed. */
  if (summary.lengths_differ)
    {
      request->response = hall_problem_response (400, "Content-Length",
                                                 _("The request has two Content-Length fields "
                                                   "that differ"));
      request->response->close = TRUE;
      return FALSE;
    }
  return TRUE;
}

/* A body this server reads as JSON must say it is JSON: a form or text
 * that happens to parse is not what its sender meant. */
static gboolean
check_content_type (HallServerRequest     *request,
                    struct MHD_Connection *connection)
{
  const char *type;
  g_auto (GStrv) parts = NULL;

  if ((request->method != HALL_METHOD_PUT && request->method != HALL_METHOD_POST)
      || request->route == HALL_ROUTE_BLOB)
    return TRUE;
  type = header (connection, MHD_HTTP_HEADER_CONTENT_TYPE);
  /* A call, an action on a ticket, a check-in: a POST that says nothing
   * more needs no body, and then no type of one. */
  if (type == NULL
      && (request->route == HALL_ROUTE_CALL_NEXT || request->route == HALL_ROUTE_TICKET_ACTION
          || request->route == HALL_ROUTE_CHECK_IN)
      && header (connection, MHD_HTTP_HEADER_TRANSFER_ENCODING) == NULL
      && g_strcmp0 (header (connection, MHD_HTTP_HEADER_CONTENT_LENGTH) ?: "0", "0") == 0)
    return TRUE;
  if (type != NULL)
    {
      parts = g_strsplit (type, ";", -1);
      if (g_ascii_strcasecmp (g_strstrip (parts[0]), "application/json") == 0)
        {
          gboolean ok = TRUE;

          for (guint i = 1; parts[i] != NULL; i++)
            {
              const char *parameter = g_strstrip (parts[i]);

              ok = ok && (g_ascii_strcasecmp (parameter, "charset=utf-8") == 0
                          || g_ascii_strcasecmp (parameter, "charset=\"utf-8\"") == 0);
            }
          if (ok)
            return TRUE;
        }
    }
  request->response = hall_problem_response (415, "Content-Type",
                                             _("The body must be sent as application/json "
                                               "(UTF-8), not %s"),
                                             type != NULL ? type : _("without a Content-Type"));
  return FALSE;
}

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

  if (request->target_length > HALL_PATH_LIMIT)
    {
      request->response = hall_problem_response (414, "path",
                                                 _("The path and query may have at most %d "
                                                   "characters"),
                                                 HALL_PATH_LIMIT);
      return;
    }
  if (!check_head (request, connection))
    return;
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
    {
      request->response = hall_problem_response (413, NULL, _("The body may be at most %d KiB"),
                                                 (int) (request->limit / 1024));
      return;
    }
  check_content_type (request, connection);
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

/* As the contract says: any whole number of at least 1, with every value
 * above the maximum, however many digits it has, counting as the maximum. */
static gboolean
parse_limit (const char *text,
             guint64    *limit_out)
{
  guint64 value = 0;
  const char *p = text;

  if (*p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = MIN (value * 10 + (guint64) (*p - '0'), (guint64) CHANGES_MAX_LIMIT + 1);
    }
  if (value == 0)
    return FALSE;
  *limit_out = MIN (value, CHANGES_MAX_LIMIT);
  return TRUE;
}

/* What of the change feed each role's work needs. Counter officials and
 * approvers work on citizens' cases and read them whole, applicants
 * included; supervisors answer for those cases and read them too.
 * Reception (the queue, and registering who walks in) and administrators
 * (officials and keys) read no applicant, case or event: neither an ID
 * number nor a phone nor a person's name, and no case that would need its
 * applicant. An official's roles add up. Rows left out still move the
 * cursor on. */
static gboolean
role_sees_change (HallRoles      roles,
                  HallEntityKind kind)
{
  switch (kind)
    {
    case HALL_ENTITY_APPLICANT:
    case HALL_ENTITY_CASE:
    case HALL_ENTITY_EVENT:
    case HALL_ENTITY_PAGE:
    default:
      return (roles & HALL_ROLES_CASE_WORK) != 0;
    }
}

static HallServerResponse *
answer_changes (HallServer            *self,
                HallServerRequest     *request,
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
  if (limit_text != NULL && *limit_text != '\0' && !parse_limit (limit_text, &limit))
    return hall_problem_response (400, "limit",
                                  _("“limit” must be a whole number of at least 1 (more than "
                                    "%d counts as %d)"),
                                  CHANGES_MAX_LIMIT, CHANGES_MAX_LIMIT);

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
  for (guint i = 0, shown = 0; i < changes->len; i++)
    {
      HallChange *change = g_ptr_array_index (changes, i);
      gsize length = strlen (change->data);

      if (!role_sees_change (request->roles, change->kind))
        {
          since = change->seq;
          continue;
        }
      g_string_append_printf (page, "%s{\"seq\":%" G_GINT64_FORMAT ",\"entity\":",
                              shown++ > 0 ? "," : "", change->seq);
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
      /* A problem, as every refusal: a balancer reads the status. */
      if (g_atomic_int_get (&self->draining))
        return hall_problem_response (503, NULL,
                                      _("The server is draining before it stops: it still "
                                        "serves requests, but send it nothing new"));
      if (hall_server_storage_is_outdated (self->storage))
        return hall_problem_response (503, NULL,
                                      _("A newer server has migrated the database: this one "
                                        "writes nothing more until it is upgraded"));
      return hall_server_response_new_text (200, "application/json", "{\"status\":\"ok\"}");
    case HALL_ROUTE_SESSIONS:
      return _hall_server_answer_session (self, request, connection);
    case HALL_ROUTE_CATALOG:
      return hall_server_response_new_text (200, "application/json",
                                            hall_catalog_get_json (self->catalog));
    case HALL_ROUTE_CHANGES:
      return answer_changes (self, request, connection);
    case HALL_ROUTE_APPLICANT:
    case HALL_ROUTE_CASE:
      if (request->method == HALL_METHOD_GET || request->method == HALL_METHOD_HEAD)
        return answer_entity_get (self, request, request->route == HALL_ROUTE_CASE
                                                 ? HALL_ENTITY_CASE : HALL_ENTITY_APPLICANT);
      return _hall_server_submit_write (self, request, connection, method);
    case HALL_ROUTE_CASE_EVENTS:
    case HALL_ROUTE_APPLICANT_PHONE:
    case HALL_ROUTE_LICENSE:
      return _hall_server_submit_write (self, request, connection, method);
    case HALL_ROUTE_PAGE:
      if (request->method == HALL_METHOD_GET || request->method == HALL_METHOD_HEAD)
        return answer_entity_get (self, request, HALL_ENTITY_PAGE);
      return _hall_server_submit_write (self, request, connection, method);
    case HALL_ROUTE_BLOB:
      return _hall_server_answer_blob (self, request);
    case HALL_ROUTE_BATCH:
      return _hall_server_submit_batch (self, request, connection);
    case HALL_ROUTE_ADMIN_SIGN_IN_FAILURES:
      return _hall_server_answer_sign_in_failures (self, connection);
    case HALL_ROUTE_STATS:
      return _hall_server_answer_stats (self, connection);
    case HALL_ROUTE_TICKETS:
    case HALL_ROUTE_TICKET_ACTION:
    case HALL_ROUTE_CALL_NEXT:
    case HALL_ROUTE_QUEUE:
    case HALL_ROUTE_APPOINTMENTS:
    case HALL_ROUTE_CHECK_IN:
      return _hall_server_answer_queue (self, request, connection);
    case HALL_ROUTE_QUEUE_EVENTS:
      return _hall_server_answer_events (self, request, connection);
    case HALL_ROUTE_TRUST:
      return _hall_server_answer_trust (self, request);
    case HALL_ROUTE_CERTIFICATE:
      return _hall_server_answer_certificate (self, request);
    case HALL_ROUTE_REVOCATION:
      return _hall_server_answer_revocation (self, request);
    case HALL_ROUTE_VERIFY:
      return _hall_server_answer_verify (self, request, connection);
    case HALL_ROUTE_CALENDAR:
      return _hall_server_answer_calendar (self, request, connection);
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

  if (request->path == NULL)
    {
      request->path = g_strdup (url);
      request->server = self;
      request->connection = connection;
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

/* The first call for a request, with its target as it came, before
 * libmicrohttpd splits off and decodes the query: the request starts here,
 * knowing how long that was. */
static void *
on_uri (void                  *cls,
        const char            *uri,
        struct MHD_Connection *connection)
{
  HallServerRequest *request = hall_server_request_new (NULL);

  request->target_length = strlen (uri);
  return request;
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

/* Percent-decodes @text in place, except escapes of control characters,
 * which stay as they are: libmicrohttpd's own decoding turns %00 into a NUL
 * that ends the C string, so "/v1/blobs/<sha>%00.txt" would read as
 * "/v1/blobs/<sha>". Left escaped, the router refuses them. */
static size_t
unescape_cb (void                  *cls,
             struct MHD_Connection *connection,
             char                  *text)
{
  char *out = text;

  for (const char *in = text; *in != '\0'; in++)
    {
      int high;
      int low;

      if (*in == '%' && (high = g_ascii_xdigit_value (in[1])) >= 0
          && (low = g_ascii_xdigit_value (in[2])) >= 0
          && high * 16 + low >= 0x20 && high * 16 + low != 0x7f)
        {
          *out++ = (char) (high * 16 + low);
          in += 2;
        }
      else
        *out++ = *in;
    }
  *out = '\0';
  return (size_t) (out - text);
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
                                   MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, self,
                                   MHD_OPTION_URI_LOG_CALLBACK, on_uri, self,
                                   /* Heads far past the server's own limits (a path of
                                    * 100 KB) reach it, to be answered as problems; only
                                    * what a connection receives of it is paged in. */
                                   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) HALL_HEAD_MEMORY,
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
hall_server_drain (HallServer *self)
{
  g_return_if_fail (HALL_IS_SERVER (self));
  g_atomic_int_set (&self->draining, TRUE);
}

void
hall_server_stop (HallServer *self)
{
  GThreadPool *pool;

  if (self->daemon == NULL)
    return;
  /* Writes, sign-ins and the queue's changes from now on are answered 503
   * at once (a balancer sends them elsewhere; reads are still served until
   * MHD stops); the writers answer what they hold and refuse the rest, so
   * no connection stays suspended when MHD stops. Not MHD_quiesce_daemon ():
   * with epoll and a pool of threads, libmicrohttpd 0.9.75 races its own
   * workers removing the listening socket and aborts the process ("Failed
   * to remove listen FD from epoll set"), as test-server-blobs once did. */
  self->stopping = TRUE;
  if (self->committer != NULL)
    hall_group_committer_stop (self->committer);
  if (self->queue_committer != NULL && self->queue_committer != self->committer)
    hall_group_committer_stop (self->queue_committer);
  g_mutex_lock (&self->sign_in_mutex);
  pool = g_steal_pointer (&self->sign_ins);
  g_mutex_unlock (&self->sign_in_mutex);
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);
  _hall_server_close_events (self);
  MHD_stop_daemon (self->daemon);
  self->daemon = NULL;
}
