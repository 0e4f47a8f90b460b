/* hall-server-events.c — GET /v1/queue/events: the queue's changes as a
 * text/event-stream, resumable with Last-Event-ID
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A stream holds no thread: when it has sent everything, its connection
 * is suspended, and the queue wakes it after each commit and every
 * keep-alive interval (a comment line then goes out, so that a proxy or a
 * dead peer shows). libmicrohttpd notices a peer that went away only when
 * it writes, so a stream outlives its client by one interval at most.
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-server-private.h"

/* Events read at once for a stream that is behind. */
#define EVENTS_PER_READ 256

typedef struct
{
  HallServer            *server;
  HallQueue             *queue;
  struct MHD_Connection *connection;
  guint                  watch_id;
  GMutex                 lock;       /* suspended and woken */
  gboolean               suspended;
  gboolean               woken;
  gint64                 last_id;
  GString               *out;        /* what is to be sent */
  gsize                  out_pos;
  gint64                 last_write; /* monotonic */
} HallEventStream;

/* From the queue's committing thread or its keep-alive thread. */
static void
wake_cb (gpointer user_data)
{
  HallEventStream *stream = user_data;

  g_mutex_lock (&stream->lock);
  stream->woken = TRUE;
  if (stream->suspended)
    {
      stream->suspended = FALSE;
      MHD_resume_connection (stream->connection);
    }
  g_mutex_unlock (&stream->lock);
}

static ssize_t
read_cb (void     *cls,
         uint64_t  pos,
         char     *buf,
         size_t    max)
{
  HallEventStream *stream = cls;

  for (;;)
    {
      g_autoptr(GPtrArray) events = NULL;
      g_autoptr(GError) error = NULL;

      if (stream->out_pos < stream->out->len)
        {
          size_t n = MIN (max, stream->out->len - stream->out_pos);

          memcpy (buf, stream->out->str + stream->out_pos, n);
          stream->out_pos += n;
          stream->last_write = g_get_monotonic_time ();
          return (ssize_t) n;
        }
      g_string_truncate (stream->out, 0);
      stream->out_pos = 0;
      if (g_atomic_int_get (&stream->server->stopping))
        return MHD_CONTENT_READER_END_OF_STREAM;

      g_mutex_lock (&stream->lock);
      stream->woken = FALSE;
      g_mutex_unlock (&stream->lock);

      events = hall_queue_list_events (stream->queue, stream->last_id, EVENTS_PER_READ, &error);
      if (events == NULL)
        {
          g_warning ("An event stream ends: %s", error->message);
          return MHD_CONTENT_READER_END_WITH_ERROR;
        }
      for (guint i = 0; i < events->len; i++)
        {
          HallQueueEvent *event = events->pdata[i];

          g_string_append (stream->out, event->frame);
          stream->last_id = event->id;
        }
      if (stream->out->len > 0)
        continue;
      if (g_get_monotonic_time () - stream->last_write >= hall_queue_get_keep_alive (stream->queue)
                                                          - 50 * G_TIME_SPAN_MILLISECOND)
        {
          g_string_append (stream->out, ": keep-alive\n\n");
          continue;
        }

      g_mutex_lock (&stream->lock);
      if (stream->woken || g_atomic_int_get (&stream->server->stopping))
        {
          g_mutex_unlock (&stream->lock);
          continue;
        }
      stream->suspended = TRUE;
      MHD_suspend_connection (stream->connection);
      g_mutex_unlock (&stream->lock);
      return 0;
    }
}

static void
free_cb (void *cls)
{
  HallEventStream *stream = cls;

  /* Once this returns, wake_cb runs no more for the stream. */
  hall_queue_unwatch (stream->queue, stream->watch_id);
  g_object_unref (stream->queue);
  g_string_free (stream->out, TRUE);
  g_mutex_clear (&stream->lock);
  g_free (stream);
}

/* Last-Event-ID as the header or as ?last_event_id= (an EventSource
 * cannot set headers on its first request); -1 when neither is there. */
static gboolean
read_last_event_id (struct MHD_Connection *connection,
                    gint64                *id_out,
                    const char           **field_out)
{
  const char *text = MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "Last-Event-ID");
  guint64 id;

  *field_out = "Last-Event-ID";
  if (text == NULL)
    {
      text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "last_event_id");
      *field_out = "last_event_id";
    }
  if (text == NULL || *text == '\0')
    {
      *id_out = -1;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &id, NULL))
    return FALSE;
  *id_out = (gint64) id;
  return TRUE;
}

HallServerResponse *
_hall_server_answer_events (HallServer            *self,
                            HallServerRequest     *request,
                            struct MHD_Connection *connection)
{
  HallEventStream *stream;
  HallServerResponse *response;
  struct MHD_Response *mhd;
  const char *field;
  gint64 last_id;
  gint64 newest;

  if (!read_last_event_id (connection, &last_id, &field))
    return hall_problem_response (400, field,
                                  _("“%s” must be the id of an event this server sent"), field);
  newest = hall_queue_get_last_event_id (self->queue);
  /* No id: from now on. An id ahead of the server's (a database put back
   * from a backup): from now on too, rather than waiting for ids that
   * will mean other events. */
  if (last_id < 0 || last_id > newest)
    last_id = newest;

  stream = g_new0 (HallEventStream, 1);
  stream->server = self;
  stream->queue = g_object_ref (self->queue);
  stream->connection = connection;
  stream->last_id = last_id;
  g_mutex_init (&stream->lock);
  stream->out = g_string_new (NULL);
  /* The headers and this go out at once, so a client knows it is
   * connected; "retry" is how soon an EventSource comes back. */
  g_string_append (stream->out, "retry: 2000\n: connected\n\n");
  stream->last_write = g_get_monotonic_time ();
  mhd = MHD_create_response_from_callback (MHD_SIZE_UNKNOWN, 4096, read_cb, stream, free_cb);
  if (mhd == NULL)
    {
      free_cb (stream);
      return hall_problem_response (503, NULL, _("The server cannot open another event stream"));
    }
  stream->watch_id = hall_queue_watch (self->queue, wake_cb, stream);

  response = hall_server_response_new (200);
  response->content_type = g_strdup ("text/event-stream");
  response->stream = mhd;
  return response;
}

void
_hall_server_close_events (HallServer *self)
{
  g_atomic_int_set (&self->stopping, TRUE);
  if (self->queue != NULL)
    hall_queue_wake_all (self->queue);
}
