/* hall-server-blobs.c — /v1/blobs/{sha256}: a file's bytes (HEAD, GET) and
 * its upload, whole (PUT) or resumed (PATCH)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>

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

  request->limit = HALL_BLOB_BODY_LIMIT;
  switch (request->method)
    {
    case HALL_METHOD_GET:
    case HALL_METHOD_HEAD:
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
      if (state == HALL_BLOB_COMPLETE)
        {
          /* Content-addressed: the same name is the same bytes. */
          request->response = hall_server_response_new (201);
          return;
        }
      if (request->method == HALL_METHOD_PATCH)
        {
          if (!parse_unsigned_header (connection, "Upload-Offset", &offset, &request->response)
              || !parse_unsigned_header (connection, "Upload-Length", &total, &request->response))
            return;
        }
      else if (header (connection, MHD_HTTP_HEADER_CONTENT_LENGTH) != NULL)
        parse_unsigned_header (connection, MHD_HTTP_HEADER_CONTENT_LENGTH, &total, &request->response);
      if (request->response != NULL)
        return;
      if (total > HALL_BLOB_BODY_LIMIT)
        {
          request->response = hall_problem_response (413, NULL, _("Files may be at most %d MiB"),
                                                     HALL_BLOB_BODY_LIMIT / (1024 * 1024));
          return;
        }
      request->upload = hall_blob_store_begin_upload (self->blobs, request->id,
                                                      request->method == HALL_METHOD_PUT,
                                                      offset, total, &held, &error);
      if (request->upload == NULL)
        {
          if (g_error_matches (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_OFFSET)
              || g_error_matches (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_BUSY))
            {
              request->response = hall_problem_response (409, "Upload-Offset", "%s",
                                                         error->message);
              request->response->upload_offset = held;
            }
          else
            request->response = hall_problem_response_internal (error);
        }
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
      hall_blob_upload_abort (upload);
      if (g_error_matches (request->upload_error, HALL_BLOB_STORE_ERROR,
                           HALL_BLOB_STORE_ERROR_TOO_LARGE))
        return hall_problem_response (413, NULL, "%s", request->upload_error->message);
      return hall_problem_response_internal (request->upload_error);
    }
  if (!hall_blob_upload_finish (upload, request->method == HALL_METHOD_PUT, &complete, &held,
                                &error))
    {
      if (g_error_matches (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_MISMATCH))
        return hall_problem_response (422, NULL, "%s", error->message);
      return hall_problem_response_internal (error);
    }
  if (complete)
    return hall_server_response_new (201);
  response = hall_server_response_new (204);
  response->upload_offset = held;
  return response;
}
