/* hall-queue-feed-parser.c — a small, strict text/event-stream parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-queue"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-queue-feed-parser.h"

#define LINE_MAX_BYTES (64 * 1024)
#define EVENT_MAX_BYTES (1024 * 1024)

struct _HallQueueFeedParser
{
  GString  *line;          /* the line being read, without its end */
  GString  *data;          /* the event's data lines, joined by "\n" */
  GString  *event;         /* the event's type, "" for "message" */
  char     *last_id;       /* the last event id dispatched */
  char     *pending_id;    /* the id of the event being read */
  guint64   line_number;   /* of the connection, from 1 */
  guint     retry_ms;
  gboolean  had_data;
  gboolean  after_cr;      /* the last byte was a CR: an LF now ends nothing */
  gboolean  started;       /* past a leading BOM */
  gboolean  failed;
};

G_DEFINE_QUARK (hall-queue-feed-error-quark, hall_queue_feed_error)

HallQueueFeedParser *
hall_queue_feed_parser_new (void)
{
  HallQueueFeedParser *self = g_new0 (HallQueueFeedParser, 1);

  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->event = g_string_new (NULL);
  self->last_id = g_strdup ("");
  hall_queue_feed_parser_reset (self);
  return self;
}

void
hall_queue_feed_parser_free (HallQueueFeedParser *self)
{
  if (self == NULL)
    return;
  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->event, TRUE);
  g_free (self->last_id);
  g_free (self->pending_id);
  g_free (self);
}

static void
clear_event (HallQueueFeedParser *self)
{
  g_string_truncate (self->data, 0);
  g_string_truncate (self->event, 0);
  g_clear_pointer (&self->pending_id, g_free);
  self->had_data = FALSE;
}

void
hall_queue_feed_parser_reset (HallQueueFeedParser *self)
{
  g_string_truncate (self->line, 0);
  clear_event (self);
  self->line_number = 1;
  self->after_cr = FALSE;
  self->started = FALSE;
  self->failed = FALSE;
}

static gboolean
is_decimal (const char *text)
{
  if (*text == '\0' || strlen (text) > 19)
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

static gboolean
fail (HallQueueFeedParser *self,
      GError             **error,
      HallQueueFeedError   code,
      const char          *what)
{
  self->failed = TRUE;
  g_set_error (error, HALL_QUEUE_FEED_ERROR, code,
               _("The queue's event stream is malformed at line %lu: %s"),
               (unsigned long) self->line_number, what);
  return FALSE;
}

static gboolean
process_line (HallQueueFeedParser   *self,
              HallQueueFeedEventFunc func,
              gpointer               user_data,
              GError               **error)
{
  const char *line = self->line->str;
  const char *colon;
  g_autofree char *field = NULL;
  const char *value;

  if (!g_utf8_validate_len (line, self->line->len, NULL))
    return fail (self, error, HALL_QUEUE_FEED_ERROR_MALFORMED, _("the line is not UTF-8"));

  if (self->line->len == 0)
    {
      /* Dispatch: an event without data lines is only a reset. */
      if (self->pending_id != NULL)
        {
          g_free (self->last_id);
          self->last_id = g_steal_pointer (&self->pending_id);
        }
      if (self->had_data && func != NULL)
        func (self->last_id, self->event->len > 0 ? self->event->str : "message",
              self->data->str, user_data);
      clear_event (self);
      return TRUE;
    }
  if (line[0] == ':')
    return TRUE;

  colon = strchr (line, ':');
  if (colon == NULL)
    {
      field = g_strdup (line);
      value = "";
    }
  else
    {
      field = g_strndup (line, (gsize) (colon - line));
      value = colon + 1;
      if (*value == ' ')
        value++;
    }

  if (strcmp (field, "data") == 0)
    {
      if (self->data->len + strlen (value) + 1 > EVENT_MAX_BYTES)
        return fail (self, error, HALL_QUEUE_FEED_ERROR_TOO_LONG, _("the event is over 1 MiB"));
      if (self->had_data)
        g_string_append_c (self->data, '\n');
      g_string_append (self->data, value);
      self->had_data = TRUE;
    }
  else if (strcmp (field, "event") == 0)
    g_string_assign (self->event, value);
  else if (strcmp (field, "id") == 0)
    {
      const char *before = self->pending_id != NULL ? self->pending_id : self->last_id;

      if (!is_decimal (value))
        return fail (self, error, HALL_QUEUE_FEED_ERROR_MALFORMED,
                     _("the event id is not a decimal number"));
      if (*before != '\0' && g_ascii_strtoull (value, NULL, 10) <= g_ascii_strtoull (before, NULL, 10))
        return fail (self, error, HALL_QUEUE_FEED_ERROR_MALFORMED,
                     _("the event id does not come after the one before it"));
      g_free (self->pending_id);
      self->pending_id = g_strdup (value);
    }
  else if (strcmp (field, "retry") == 0)
    {
      if (is_decimal (value))
        self->retry_ms = (guint) MIN (g_ascii_strtoull (value, NULL, 10), G_MAXUINT);
    }
  /* Any other field is ignored, as the format says. */
  return TRUE;
}

gboolean
hall_queue_feed_parser_feed (HallQueueFeedParser   *self,
                             const char            *bytes,
                             gsize                  length,
                             HallQueueFeedEventFunc func,
                             gpointer               user_data,
                             GError               **error)
{
  gsize i = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  if (self->failed)
    return fail (self, error, HALL_QUEUE_FEED_ERROR_MALFORMED,
                 _("the stream went wrong before and was not reset"));

  for (; i < length; i++)
    {
      char c = bytes[i];

      if (!self->started)
        {
          /* One leading BOM, possibly split between chunks. */
          static const char bom[] = "\xEF\xBB\xBF";
          gsize have = self->line->len;

          if (have < 3 && c == bom[have] && memcmp (self->line->str, bom, have) == 0)
            {
              g_string_append_c (self->line, c);
              if (self->line->len == 3)
                {
                  g_string_truncate (self->line, 0);
                  self->started = TRUE;
                }
              continue;
            }
          self->started = TRUE;
        }

      if (c == '\n' && self->after_cr)
        {
          self->after_cr = FALSE;
          continue;
        }
      self->after_cr = FALSE;
      if (c == '\r' || c == '\n')
        {
          self->after_cr = c == '\r';
          if (!process_line (self, func, user_data, error))
            return FALSE;
          g_string_truncate (self->line, 0);
          self->line_number++;
          continue;
        }
      if (c == '\0')
        return fail (self, error, HALL_QUEUE_FEED_ERROR_MALFORMED, _("the line holds a NUL byte"));
      if (self->line->len >= LINE_MAX_BYTES)
        return fail (self, error, HALL_QUEUE_FEED_ERROR_TOO_LONG, _("the line is over 64 KiB"));
      g_string_append_c (self->line, c);
    }
  return TRUE;
}

const char *
hall_queue_feed_parser_get_last_event_id (HallQueueFeedParser *self)
{
  return self->last_id;
}

void
hall_queue_feed_parser_set_last_event_id (HallQueueFeedParser *self,
                                          const char          *id)
{
  g_free (self->last_id);
  self->last_id = g_strdup (id != NULL ? id : "");
}

guint
hall_queue_feed_parser_get_retry_ms (HallQueueFeedParser *self)
{
  return self->retry_ms;
}
