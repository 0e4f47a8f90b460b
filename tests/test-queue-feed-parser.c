/* test-queue-feed-parser.c — the board's event-stream parser, fed whole,
 * cut anywhere and malformed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-queue-feed-parser.h"

typedef struct
{
  GPtrArray *ids;
  GPtrArray *types;
  GPtrArray *data;
} Seen;

static void
seen_init (Seen *seen)
{
  seen->ids = g_ptr_array_new_with_free_func (g_free);
  seen->types = g_ptr_array_new_with_free_func (g_free);
  seen->data = g_ptr_array_new_with_free_func (g_free);
}

static void
seen_clear (Seen *seen)
{
  g_ptr_array_unref (seen->ids);
  g_ptr_array_unref (seen->types);
  g_ptr_array_unref (seen->data);
}

static void
event_cb (const char *id,
          const char *type,
          const char *data,
          gpointer    user_data)
{
  Seen *seen = user_data;

  g_ptr_array_add (seen->ids, g_strdup (id));
  g_ptr_array_add (seen->types, g_strdup (type));
  g_ptr_array_add (seen->data, g_strdup (data));
}

static char *
load_recording (gsize *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "queue-board-events.txt", NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, length, &error);
  g_assert_no_error (error);
  return text;
}

/* Feeds @text in pieces of @chunk bytes (0: at random places). */
static void
feed_in_pieces (const char *text,
                gsize       length,
                gsize       chunk,
                Seen       *seen)
{
  g_autoptr (HallQueueFeedParser) parser = hall_queue_feed_parser_new ();
  g_autoptr (GError) error = NULL;
  gsize at = 0;

  while (at < length)
    {
      gsize n = chunk > 0 ? chunk : (gsize) g_test_rand_int_range (1, 40);

      n = MIN (n, length - at);
      g_assert_true (hall_queue_feed_parser_feed (parser, text + at, n, event_cb, seen, &error));
      g_assert_no_error (error);
      at += n;
    }
  g_assert_cmpstr (hall_queue_feed_parser_get_last_event_id (parser), ==, "13");
}

static void
test_recording_cut_anywhere (void)
{
  gsize length;
  g_autofree char *text = load_recording (&length);
  Seen whole, bytes, random;

  seen_init (&whole);
  seen_init (&bytes);
  seen_init (&random);
  feed_in_pieces (text, length, length, &whole);
  feed_in_pieces (text, length, 1, &bytes);
  for (guint i = 0; i < 20; i++)
    {
      seen_clear (&random);
      seen_init (&random);
      feed_in_pieces (text, length, 0, &random);
      g_assert_cmpuint (random.ids->len, ==, whole.ids->len);
      for (guint j = 0; j < whole.ids->len; j++)
        g_assert_cmpstr (random.data->pdata[j], ==, whole.data->pdata[j]);
    }

  /* Six events, the keep-alive comments are not among them. */
  g_assert_cmpuint (whole.ids->len, ==, 6);
  g_assert_cmpstr (whole.ids->pdata[0], ==, "8");
  g_assert_cmpstr (whole.ids->pdata[5], ==, "13");
  g_assert_cmpstr (whole.types->pdata[1], ==, "ticket");
  g_assert_true (g_str_has_prefix (whole.data->pdata[1], "{\"change\": \"called\""));
  g_assert_cmpuint (bytes.ids->len, ==, 6);
  for (guint j = 0; j < whole.ids->len; j++)
    {
      g_assert_cmpstr (bytes.ids->pdata[j], ==, whole.ids->pdata[j]);
      g_assert_cmpstr (bytes.data->pdata[j], ==, whole.data->pdata[j]);
    }
  seen_clear (&whole);
  seen_clear (&bytes);
  seen_clear (&random);
}

static void
feed_all (HallQueueFeedParser *parser,
          const char          *text,
          Seen                *seen)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hall_queue_feed_parser_feed (parser, text, strlen (text), event_cb, seen, &error));
  g_assert_no_error (error);
}

static void
test_line_endings (void)
{
  /* CRLF, CR alone and LF; a CR as the last byte of one chunk and its LF
   * the first of the next make one line end, not two. */
  static const char *pieces[] = {
    "\xEF\xBB", "\xBF" "id: 1\r\ndata: a\r", "\ndata: b\r\r",
    "id:2\rdata:c\n\n", "event: ticket\nid: 3\ndata\ndata:  x\n\n", NULL,
  };
  g_autoptr (HallQueueFeedParser) parser = hall_queue_feed_parser_new ();
  Seen seen;

  seen_init (&seen);
  for (guint i = 0; pieces[i] != NULL; i++)
    feed_all (parser, pieces[i], &seen);
  g_assert_cmpuint (seen.ids->len, ==, 3);
  g_assert_cmpstr (seen.data->pdata[0], ==, "a\nb");
  g_assert_cmpstr (seen.types->pdata[0], ==, "message");
  g_assert_cmpstr (seen.ids->pdata[1], ==, "2");
  g_assert_cmpstr (seen.data->pdata[1], ==, "c");
  /* "data" alone is an empty line of data; one space only is dropped. */
  g_assert_cmpstr (seen.data->pdata[2], ==, "\n x");
  g_assert_cmpstr (seen.types->pdata[2], ==, "ticket");
  seen_clear (&seen);
}

static void
test_no_data_no_event (void)
{
  g_autoptr (HallQueueFeedParser) parser = hall_queue_feed_parser_new ();
  Seen seen;

  seen_init (&seen);
  feed_all (parser, ": only a comment\n\nevent: ticket\n\nretry: 1500\nunknown: field\n\n", &seen);
  g_assert_cmpuint (seen.ids->len, ==, 0);
  g_assert_cmpuint (hall_queue_feed_parser_get_retry_ms (parser), ==, 1500);
  /* An id with no data still moves the resume point. */
  feed_all (parser, "id: 5\n\n", &seen);
  g_assert_cmpuint (seen.ids->len, ==, 0);
  g_assert_cmpstr (hall_queue_feed_parser_get_last_event_id (parser), ==, "5");
  seen_clear (&seen);
}

static void
test_cut_mid_event (void)
{
  g_autoptr (HallQueueFeedParser) parser = hall_queue_feed_parser_new ();
  Seen seen;

  seen_init (&seen);
  feed_all (parser, "id: 1\ndata: {}\n\nid: 2\nevent: ticket\ndata: {\"change\": \"cal", &seen);
  g_assert_cmpuint (seen.ids->len, ==, 1);
  /* The connection dies here: event 2 was never whole, so the resume asks
   * for what comes after 1. */
  g_assert_cmpstr (hall_queue_feed_parser_get_last_event_id (parser), ==, "1");
  hall_queue_feed_parser_reset (parser);
  feed_all (parser, "led\"}\n\n", &seen);  /* the rest of a line of the old connection */
  g_assert_cmpuint (seen.ids->len, ==, 1);
  feed_all (parser, "id: 2\nevent: ticket\ndata: {\"change\": \"called\"}\n\n", &seen);
  g_assert_cmpuint (seen.ids->len, ==, 2);
  g_assert_cmpstr (seen.data->pdata[1], ==, "{\"change\": \"called\"}");
  g_assert_cmpstr (hall_queue_feed_parser_get_last_event_id (parser), ==, "2");
  seen_clear (&seen);
}

static void
assert_malformed (const char *text,
                  gsize       length,
                  gint        code,
                  const char *message_part)
{
  g_autoptr (HallQueueFeedParser) parser = hall_queue_feed_parser_new ();
  g_autoptr (GError) error = NULL;
  Seen seen;

  seen_init (&seen);
  g_assert_false (hall_queue_feed_parser_feed (parser, text, length, event_cb, &seen, &error));
  g_assert_error (error, HALL_QUEUE_FEED_ERROR, code);
  g_assert_nonnull (strstr (error->message, message_part));
  /* Events before the fault were dispatched; the bad one was not. */
  g_assert_cmpuint (seen.ids->len, ==, 1);
  g_assert_cmpstr (hall_queue_feed_parser_get_last_event_id (parser), ==, "1");
  g_clear_error (&error);

  /* It takes nothing more until a new connection resets it. */
  g_assert_false (hall_queue_feed_parser_feed (parser, "data: x\n\n", 9, event_cb, &seen, &error));
  g_assert_error (error, HALL_QUEUE_FEED_ERROR, HALL_QUEUE_FEED_ERROR_MALFORMED);
  g_clear_error (&error);
  hall_queue_feed_parser_reset (parser);
  g_assert_true (hall_queue_feed_parser_feed (parser, "id: 9\ndata: x\n\n", 15, event_cb, &seen, &error));
  g_assert_cmpuint (seen.ids->len, ==, 2);
  seen_clear (&seen);
}

static void
test_malformed (void)
{
  static const char nul[] = "id: 1\ndata: a\n\ndata: a\0b\n\n";
  g_autoptr (GString) long_line = g_string_new ("id: 1\ndata: a\n\ndata: ");

  assert_malformed ("id: 1\ndata: a\n\ndata: \xC3\x28\n\n", 24, HALL_QUEUE_FEED_ERROR_MALFORMED,
                    "line 4: the line is not UTF-8");
  assert_malformed (nul, sizeof nul - 1, HALL_QUEUE_FEED_ERROR_MALFORMED, "line 4: the line holds a NUL");
  assert_malformed ("id: 1\ndata: a\n\nid: 2x\ndata: b\n\n", 29, HALL_QUEUE_FEED_ERROR_MALFORMED,
                    "line 4: the event id is not a decimal number");
  assert_malformed ("id: 1\ndata: a\n\nid: -2\ndata: b\n\n", 29, HALL_QUEUE_FEED_ERROR_MALFORMED,
                    "not a decimal number");
  assert_malformed ("id: 1\ndata: a\n\nid: 1\ndata: b\n\n", 28, HALL_QUEUE_FEED_ERROR_MALFORMED,
                    "line 4: the event id does not come after");
  for (guint i = 0; i < 70000; i++)
    g_string_append_c (long_line, 'x');
  g_string_append (long_line, "\n\n");
  assert_malformed (long_line->str, long_line->len, HALL_QUEUE_FEED_ERROR_TOO_LONG,
                    "line 4: the line is over 64 KiB");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hall/queue-feed/parser/recording-cut-anywhere", test_recording_cut_anywhere);
  g_test_add_func ("/hall/queue-feed/parser/line-endings", test_line_endings);
  g_test_add_func ("/hall/queue-feed/parser/no-data-no-event", test_no_data_no_event);
  g_test_add_func ("/hall/queue-feed/parser/cut-mid-event", test_cut_mid_event);
  g_test_add_func ("/hall/queue-feed/parser/malformed", test_malformed);
  return g_test_run ();
}
