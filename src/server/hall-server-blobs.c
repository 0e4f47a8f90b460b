/* hall-server-blobs.c — /v1/blobs/{sha256}: a file's bytes (HEAD, GET) and
 * its upload, whole (PUT) or resumed (PATCH)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An upload says its length before its first byte (Upload-Length, or a
 * PUT's Content-Length) and keeps it; what does not fit the limit, the
 * length announced or the official's cap on unfinished uploads is refused
 * before it is written, or taken back as soon as it goes past. A full disk
 * is a 507, with what the upload wrote taken back.
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "hall-server-postgres.h"
#include "hall-server-private.h"

static const char *
header (struct MHD_Connection *connection,
        const char            *name)
{
  return MHD_lookup_connection_value (connection, MHD_HEADER_KIND, name);
}

static gboolean
parse_unsigned_header (struct MHD_Connection  *connection,
                       const char             *name,
                       guint64                *value_out,
                       HallServerResponse    **response)
{
  const char *value = header (connection, name);

  if (value == NULL
      || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, value_out, NULL))
    {
      *response = hall_problem_response (400, name, _("The header %s must be a number of bytes"),
                                         name);
      return FALSE;
    }
  return TRUE;
}

/* The length of the whole file, and where these bytes begin in it: a
 * PATCH's Upload-Length and Upload-Offset, a PUT's Content-Length. Refused
 * (FALSE, request->response) when missing, 0, over the limit, or when the
 * body's own Content-Length goes past the length announced. */
static gboolean
read_lengths (HallServer            *self,
              HallServerRequest     *request,
              struct MHD_Connection *connection,
              guint64               *offset,
              guint64               *total)
{
  guint64 limit = hall_blob_store_get_max_size (self->blobs);
  gboolean has_body_length = header (connection, MHD_HTTP_HEADER_CONTENT_LENGTH) != NULL;
  const char *length_field;
  guint64 body = 0;

  if (has_body_length
      && !parse_unsigned_header (connection, MHD_HTTP_HEADER_CONTENT_LENGTH, &body,
                                 &request->response))
    return FALSE;
  if (request->method == HALL_METHOD_PATCH)
    {
      if (!parse_unsigned_header (connection, "Upload-Offset", offset, &request->response)
          || !parse_unsigned_header (connection, "Upload-Length", total, &request->response))
        return FALSE;
      length_field = "Upload-Length";
    }
  else
    {
      if (!has_body_length)
        {
          request->response = hall_problem_response (411, MHD_HTTP_HEADER_CONTENT_LENGTH,
                                                     _("A whole upload (PUT) needs a "
                                                       "Content-Length; one of unknown length "
                                                       "goes in pieces (PATCH)"));
          return FALSE;
        }
      *offset = 0;
      *total = body;
      length_field = MHD_HTTP_HEADER_CONTENT_LENGTH;
    }

  if (*total == 0)
    {
      request->response = hall_problem_response (400, length_field,
                                                 _("A file must have at least 1 byte"));
      return FALSE;
    }
  if (*total > limit)
    {
      request->response = hall_problem_response (413, length_field,
                                                 _("Files may be at most %" PRIu64 " MiB (%"
                                                   PRIu64 " bytes)"),
                                                 limit / (1024 * 1024), limit);
      return FALSE;
    }
  /* Both are at most G_MAXINT64: the sum cannot overflow. */
  if (has_body_length && *offset + body > *total)
    {
      request->response = hall_problem_response (413, length_field,
                                                 _("%" PRIu64 " bytes from byte %" PRIu64
                                                   " go past the %" PRIu64
                                                   " bytes announced"),
                                                 body, *offset, *total);
      return FALSE;
    }
  return TRUE;
}

/* (transfer full): the refusal of an upload that failed with @error. */
static HallServerResponse *
upload_problem (HallServerRequest *request,
                const GError      *error,
                guint64            held)
{
  HallServerResponse *response;

  if (error->domain != HALL_BLOB_STORE_ERROR)
    return hall_problem_response_internal (error);
  switch ((HallBlobStoreError) error->code)
    {
    case HALL_BLOB_STORE_ERROR_OFFSET:
    case HALL_BLOB_STORE_ERROR_BUSY:
      response = hall_problem_response (409, "Upload-Offset", "%s", error->message);
      response->upload_offset = held;
      return response;
    case HALL_BLOB_STORE_ERROR_LENGTH:
      /* No Upload-Offset: resuming elsewhere would not help. */
      return hall_problem_response (409, "Upload-Length", "%s", error->message);
    case HALL_BLOB_STORE_ERROR_TOO_LARGE:
      return hall_problem_response (413, request->method == HALL_METHOD_PATCH
                                         ? "Upload-Length" : MHD_HTTP_HEADER_CONTENT_LENGTH,
                                    "%s", error->message);
    case HALL_BLOB_STORE_ERROR_MISMATCH:
    case HALL_BLOB_STORE_ERROR_PAGE:
      return hall_problem_response (422, NULL, "%s", error->message);
    case HALL_BLOB_STORE_ERROR_FORMAT:
      return hall_problem_response (415, NULL, "%s", error->message);
    case HALL_BLOB_STORE_ERROR_CAP:
      /* 429, not 413: nothing is wrong with this file, and the official may
       * send it once their other uploads are done or expired, which a
       * counter, retrying a 429 later by itself, lives through. */
      return hall_problem_response (429, NULL, "%s", error->message);
    case HALL_BLOB_STORE_ERROR_FULL:
      return hall_problem_response (507, NULL, "%s", error->message);
    case HALL_BLOB_STORE_ERROR_UNAVAILABLE:
      /* Nothing is wrong with the upload: the counter retries it. */
      response = hall_problem_response (503, NULL, "%s", error->message);
      response->retry_after = 5;
      return response;
    case HALL_BLOB_STORE_ERROR_IO:
    default:
      return hall_problem_response_internal (error);
    }
}

/* (transfer full): the 503 of a blob the blob table could not say
 * anything of (its error is logged already); the client retries. */
HallServerResponse *
_hall_server_blob_unknown_response (void)
{
  g_autoptr(GError) error = g_error_new_literal (HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                                                 _("The blob table did not answer"));

  return hall_problem_response_internal (error);
}

void
_hall_server_begin_blob (HallServer            *self,
                         HallServerRequest     *request,
                         struct MHD_Connection *connection)
{
  g_autoptr(GError) error = NULL;
  guint64 size = 0;
  guint64 total = 0;
  guint64 offset = 0;
  guint64 held = 0;
  HallBlobState state = hall_blob_store_stat (self->blobs, request->id, &size);
  int fd;

  request->limit = hall_blob_store_get_max_size (self->blobs);
  switch (request->method)
    {
    case HALL_METHOD_GET:
    case HALL_METHOD_HEAD:
      if (state == HALL_BLOB_UNKNOWN)
        {
          request->response = _hall_server_blob_unknown_response ();
          return;
        }
      if (state == HALL_BLOB_PARTIAL && request->method == HALL_METHOD_HEAD)
        {
          request->response = hall_server_response_new (204);
          request->response->upload_offset = size;
          return;
        }
      if (state != HALL_BLOB_COMPLETE)
        {
          request->response = hall_problem_response (404, NULL, _("The server has no file %s"),
                                                     request->id);
          return;
        }
      fd = hall_blob_store_open (self->blobs, request->id, &size, &error);
      request->response = fd < 0 ? hall_problem_response_internal (error)
                                 : hall_server_response_new_fd (fd, size);
      return;

    case HALL_METHOD_PUT:
    case HALL_METHOD_PATCH:
      if (!read_lengths (self, request, connection, &offset, &total))
        return;
      if (state == HALL_BLOB_COMPLETE)
        {
          /* Content-addressed: the same name is the same bytes. */
          request->response = hall_server_response_new (201);
          return;
        }
      request->upload = hall_blob_store_begin_upload (self->blobs, request->id,
                                                      request->username,
                                                      request->method == HALL_METHOD_PUT,
                                                      offset, total, &held, &error);
      if (request->upload == NULL)
        request->response = upload_problem (request, error, held);
      return;

    case HALL_METHOD_POST:
    case HALL_METHOD_OTHER:
    default:
      g_return_if_reached ();
    }
}

void
_hall_server_receive_blob (HallServerRequest *request,
                           const char        *data,
                           gsize              length)
{
  /* A failed write has taken back what the upload wrote; the rest of the
   * body is dropped. */
  if (request->upload_error == NULL)
    hall_blob_upload_write (request->upload, data, length, &request->upload_error);
}

HallServerResponse *
_hall_server_answer_blob (HallServer        *self,
                          HallServerRequest *request)
{
  g_autoptr(GError) error = NULL;
  HallBlobUpload *upload = g_steal_pointer (&request->upload);
  HallServerResponse *response;
  gboolean complete = FALSE;
  guint64 held = 0;

  if (request->upload_error != NULL)
    {
      hall_blob_upload_discard (upload);
      return upload_problem (request, request->upload_error, 0);
    }
  if (!hall_blob_upload_finish (upload, &complete, &held, &error))
    return upload_problem (request, error, held);
  if (complete)
    return hall_server_response_new (201);
  response = hall_server_response_new (204);
  response->upload_offset = held;
  return response;
}

void
hall_server_set_partial_limits (HallServer *self,
                                guint64     ttl_seconds,
                                guint64     cap_bytes)
{
  g_return_if_fail (HALL_IS_SERVER (self));

  hall_blob_store_set_partial_limits (self->blobs, ttl_seconds, cap_bytes);
}

gboolean
hall_server_set_blob_dir (HallServer  *self,
                          const char  *dir,
                          GError     **error)
{
  HallBlobStore *blobs = hall_blob_store_new (dir, HALL_BLOB_BODY_LIMIT, error);

  if (blobs == NULL)
    return FALSE;
  g_object_unref (self->blobs);
  self->blobs = blobs;
  return TRUE;
}

gboolean
hall_server_keep_blobs_in_database (HallServer  *self,
                                    guint        max_uploads,
                                    GError     **error)
{
  g_autoptr(HallBlobTable) table = NULL;

  g_return_val_if_fail (HALL_IS_SERVER (self), FALSE);

  if (!HALL_IS_SERVER_POSTGRES (self->storage))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("--blobs postgresql needs --database: the blobs go into its database"));
      return FALSE;
    }
  table = hall_blob_table_new (hall_server_postgres_get_uri (HALL_SERVER_POSTGRES (self->storage)),
                               error);
  if (table == NULL)
    return FALSE;
  hall_blob_table_set_max_uploads (table, max_uploads);
  hall_blob_store_set_table (self->blobs, table);
  return TRUE;
}
