/* hall-server-response.h — what the server answers, before it becomes an
 * MHD_Response
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint    status;
  char    *content_type;   /* NULL for no body */
  GBytes  *body;
  gint64   etag;           /* entity version for ETag, 0 for none */
  gint64   upload_offset;  /* Upload-Offset header, -1 for none */
  int      fd;             /* a file to send instead of body, -1 for none */
  guint64  fd_size;
  gboolean close;          /* close the connection after it */
  char    *allow;          /* Allow header of a 405, or NULL */
  char    *preference_applied; /* Preference-Applied header (RFC 7240), or NULL */
  guint    retry_after;    /* Retry-After header in seconds (a 429, a 503), 0
                            * for none */
  gpointer stream;         /* a struct MHD_Response made already (an event
                            * stream), or NULL */
} HallServerResponse;

/* Every constructor: (transfer full). */
HallServerResponse *hall_server_response_new         (guint               status);
HallServerResponse *hall_server_response_new_json    (guint               status,
                                                      JsonNode           *node);
/* Takes @data, @length bytes of the @content_type. */
HallServerResponse *hall_server_response_new_take    (guint               status,
                                                      const char         *content_type,
                                                      char               *data,
                                                      gsize               length);
/* @body is JSON text already, e.g. a stored idempotent answer (copied). */
HallServerResponse *hall_server_response_new_text    (guint               status,
                                                      const char         *content_type,
                                                      const char         *body);
HallServerResponse *hall_server_response_new_fd      (int                 fd,
                                                      guint64             size);
void                hall_server_response_free        (HallServerResponse *self);

/* (transfer full): the body as a NUL-terminated string, for storing it. */
char               *hall_server_response_dup_body    (HallServerResponse *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallServerResponse, hall_server_response_free)

G_END_DECLS
