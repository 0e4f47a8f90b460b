/* hall-server-response.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <unistd.h>

#include "hall-server-response.h"

HallServerResponse *
hall_server_response_new (guint status)
{
  HallServerResponse *self = g_new0 (HallServerResponse, 1);

  self->status = status;
  self->upload_offset = -1;
  self->fd = -1;
  return self;
}

HallServerResponse *
hall_server_response_new_json (guint     status,
                               JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  char *data;
  gsize length;

  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &length);
  return hall_server_response_new_take (status, "application/json", data, length);
}

HallServerResponse *
hall_server_response_new_take (guint       status,
                               const char *content_type,
                               char       *data,
                               gsize       length)
{
  HallServerResponse *self = hall_server_response_new (status);

  self->content_type = g_strdup (content_type);
  self->body = g_bytes_new_take (data, length);
  return self;
}

HallServerResponse *
hall_server_response_new_text (guint       status,
                               const char *content_type,
                               const char *body)
{
  HallServerResponse *self = hall_server_response_new (status);

  self->content_type = g_strdup (content_type);
  self->body = g_bytes_new (body, strlen (body));
  return self;
}

HallServerResponse *
hall_server_response_new_fd (int     fd,
                             guint64 size)
{
  HallServerResponse *self = hall_server_response_new (200);

  self->content_type = g_strdup ("application/octet-stream");
  self->fd = fd;
  self->fd_size = size;
  return self;
}

void
hall_server_response_free (HallServerResponse *self)
{
  if (self == NULL)
    return;
  g_free (self->content_type);
  g_free (self->allow);
  g_free (self->preference_applied);
  g_clear_pointer (&self->body, g_bytes_unref);
  if (self->fd >= 0)
    close (self->fd);
  g_free (self);
}

char *
hall_server_response_dup_body (HallServerResponse *self)
{
  gconstpointer data;
  gsize length;

  if (self->body == NULL)
    return g_strdup ("");
  data = g_bytes_get_data (self->body, &length);
  return g_strndup (data, length);
}
