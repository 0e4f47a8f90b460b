/* test-board.c — the board's model fed a recorded event stream, and the
 * board drawn on image surfaces at 1920×1080 and 3840×2160
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-board.h"
#include "hall-board-painter.h"
#include "hall-queue-feed-parser.h"

#define T0 ((gint64) 1000 * G_USEC_PER_SEC)

typedef struct
{
  HallBoard *board;
  gint64     now_us;
  guint      stop_after;  /* event id; 0: all */
  GPtrArray *announced;   /* "A002>C03" or "A002>C03 recall" */
} Replay;

static JsonObject *
parse_object (const char *text,
              gssize      length)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, length, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
replay_event_cb (const char *id,
                 const char *type,
                 const char *data,
                 gpointer    user_data)
{
  Replay *replay = user_data;
  g_autoptr (JsonObject) object = NULL;
  g_autoptr (GError) error = NULL;

  if (replay->stop_after != 0 && g_ascii_strtoull (id, NULL, 10) > replay->stop_after)
    return;
  object = parse_object (data, -1);
  /* One second between events, as in the recording. */
  replay->now_us += G_USEC_PER_SEC;
  g_assert_true (hall_board_apply_event (replay->board, id, type, object, replay->now_us, &error));
  g_assert_no_error (error);
}

static void
announce_cb (HallBoard     *board,
             HallBoardCall *call,
             gboolean       recall,
             gpointer       user_data)
{
  Replay *replay = user_data;

  g_ptr_array_add (replay->announced, g_strdup_printf ("%s>%s%s", call->number, call->counter,
                                                       recall ? " recall" : ""));
}

/* A board fed the recorded snapshot and stream up to event @stop_after. */
static HallBoard *
replay_recording (guint      stop_after,
                  gint64    *now_us,
                  GPtrArray *announced)
{
  g_autofree char *snapshot_path = g_test_build_filename (G_TEST_DIST, "data", "queue-board-snapshot.json", NULL);
  g_autofree char *events_path = g_test_build_filename (G_TEST_DIST, "data", "queue-board-events.txt", NULL);
  g_autofree char *snapshot_text = NULL;
  g_autofree char *events_text = NULL;
  g_autoptr (JsonObject) snapshot = NULL;
  g_autoptr (HallQueueFeedParser) parser = hall_queue_feed_parser_new ();
  g_autoptr (GError) error = NULL;
  Replay replay = { hall_board_new (), T0, stop_after, announced };
  gsize length;

  g_file_get_contents (snapshot_path, &snapshot_text, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (events_path, &events_text, &length, &error);
  g_assert_no_error (error);
  g_signal_connect (replay.board, "announce", G_CALLBACK (announce_cb), &replay);

  snapshot = parse_object (snapshot_text, -1);
  g_assert_true (hall_board_apply_snapshot (replay.board, snapshot, T0, &error));
  g_assert_no_error (error);
  hall_board_set_online (replay.board, TRUE);
  g_assert_cmpuint (hall_board_get_last_event_id (replay.board), ==, 7);
  g_assert_true (hall_queue_feed_parser_feed (parser, events_text, length, replay_event_cb, &replay, &error));
  g_assert_no_error (error);
  *now_us = replay.now_us;
  return replay.board;
}

static void
assert_call (GPtrArray  *calls,
             guint       index,
             const char *number,
             const char *counter)
{
  HallBoardCall *call;

  g_assert_cmpuint (index, <, calls->len);
  call = calls->pdata[index];
  g_assert_cmpstr (call->number, ==, number);
  g_assert_cmpstr (call->counter, ==, counter);
}

static void
test_recorded_stream (void)
{
  g_autoptr (GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (HallBoard) board = NULL;
  GPtrArray *current, *recent;
  HallBoardGroup *group;
  gint64 now_us;

  /* Half way: three counters have a citizen. */
  board = replay_recording (10, &now_us, announced);
  current = hall_board_get_current_calls (board);
  g_assert_cmpuint (current->len, ==, 3);
  assert_call (current, 0, "B001", "C02");
  assert_call (current, 1, "A002", "C03");
  assert_call (current, 2, "A001", "C01");
  g_assert_cmpfloat (hall_board_call_highlight (current->pdata[0], now_us), >, 0.5);
  g_assert_cmpfloat (hall_board_call_highlight (current->pdata[2], now_us), ==, 0.0);
  g_assert_true (hall_board_is_animating (board, now_us));
  g_assert_false (hall_board_is_animating (board, now_us + HALL_BOARD_HIGHLIGHT_US));
  g_clear_object (&board);
  g_ptr_array_set_size (announced, 0);

  /* The whole recording: a recall, one ticket done, one a no-show. */
  board = replay_recording (0, &now_us, announced);
  g_assert_cmpstr (hall_board_get_hall_name (board), ==, "Yinchuan Citizens Hall");
  g_assert_cmpuint (hall_board_get_last_event_id (board), ==, 13);
  current = hall_board_get_current_calls (board);
  g_assert_cmpuint (current->len, ==, 1);
  assert_call (current, 0, "A002", "C03");
  g_assert_cmpuint (((HallBoardCall *) current->pdata[0])->calls, ==, 2);
  recent = hall_board_get_recent_calls (board);
  g_assert_cmpuint (recent->len, ==, 3);
  assert_call (recent, 0, "A002", "C03");
  assert_call (recent, 1, "B001", "C02");
  g_assert_cmpstr (((HallBoardCall *) recent->pdata[1])->state, ==, "no_show");
  assert_call (recent, 2, "A001", "C01");
  g_assert_cmpstr (((HallBoardCall *) recent->pdata[2])->state, ==, "done");

  group = hall_board_find_group (board, "A");
  g_assert_nonnull (group);
  g_assert_cmpint (group->waiting, ==, 2);
  g_assert_cmpint (group->estimated_wait_minutes, ==, 12);
  g_assert_cmpstr (group->name_zh, ==, "企业登记");
  group = hall_board_find_group (board, "B");
  g_assert_cmpint (group->waiting, ==, 1);

  /* Calls are announced in the order they came, the recall as one. */
  g_assert_cmpuint (announced->len, ==, 3);
  g_assert_cmpstr (announced->pdata[0], ==, "A002>C03");
  g_assert_cmpstr (announced->pdata[1], ==, "B001>C02");
  g_assert_cmpstr (announced->pdata[2], ==, "A002>C03 recall");
}

static void
test_replayed_events_skipped (void)
{
  g_autoptr (GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (HallBoard) board = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now_us;

  board = replay_recording (0, &now_us, announced);
  event = parse_object ("{\"change\": \"called\", \"ticket\": {\"uuid\": \"u-9\", \"number\": \"B001\","
                        " \"group\": \"B\", \"state\": \"called\", \"counter\": \"C02\", \"calls\": 1}}", -1);
  /* A resumed stream that sends event 10 again changes nothing. */
  g_assert_true (hall_board_apply_event (board, "10", "ticket", event, now_us, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_board_get_current_calls (board)->len, ==, 1);
  g_assert_cmpuint (announced->len, ==, 3);
  /* A board asked for before the last events came is older than they
   * are: it brings the estimates, and takes back no call or count. */
  g_clear_pointer (&event, json_object_unref);
  event = parse_object ("{\"hall\": \"Yinchuan Citizens Hall\", \"last_event_id\": 9, \"groups\":"
                        " [{\"group\": \"A\", \"waiting\": 7, \"estimated_wait_minutes\": 30},"
                        " {\"group\": \"B\", \"waiting\": 0, \"estimated_wait_minutes\": -1}],"
                        " \"recent_calls\": []}", -1);
  g_assert_true (hall_board_apply_snapshot (board, event, now_us, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_board_get_current_calls (board)->len, ==, 1);
  g_assert_cmpuint (hall_board_get_recent_calls (board)->len, ==, 3);
  g_assert_cmpint (hall_board_find_group (board, "A")->waiting, ==, 2);
  g_assert_cmpint (hall_board_find_group (board, "A")->estimated_wait_minutes, ==, 30);
  g_assert_cmpint (hall_board_find_group (board, "B")->estimated_wait_minutes, ==, -1);
  g_assert_cmpuint (hall_board_get_last_event_id (board), ==, 13);

  /* A kind of event the board does not know only moves the cursor. */
  g_assert_true (hall_board_apply_event (board, "14", "counter", event, now_us, &error));
  g_assert_cmpuint (hall_board_get_last_event_id (board), ==, 14);
  g_assert_cmpuint (hall_board_get_current_calls (board)->len, ==, 1);
}

static void
assert_refused (HallBoard  *board,
                const char *data,
                const char *member)
{
  g_autoptr (JsonObject) event = parse_object (data, -1);
  g_autoptr (GError) error = NULL;
  g_autofree char *quoted = g_strdup_printf ("“%s”", member);
  guint64 before = hall_board_get_last_event_id (board);
  guint current = hall_board_get_current_calls (board)->len;
  guint waiting = hall_board_find_group (board, "A")->waiting;

  g_assert_false (hall_board_apply_event (board, "50", "ticket", event, T0, &error));
  g_assert_error (error, HALL_BOARD_ERROR, HALL_BOARD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, quoted));
  /* Nothing of it was applied. */
  g_assert_cmpuint (hall_board_get_last_event_id (board), ==, before);
  g_assert_cmpuint (hall_board_get_current_calls (board)->len, ==, current);
  g_assert_cmpuint (hall_board_find_group (board, "A")->waiting, ==, waiting);
}

static void
test_bad_events_refused (void)
{
  g_autoptr (GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (HallBoard) board = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now_us;

  board = replay_recording (0, &now_us, announced);
#define TICKET(number, group, counter) \
  "{\"uuid\": \"u-1\", \"number\": " number ", \"group\": " group ", \"state\": \"called\", \"counter\": " counter "}"
  assert_refused (board, "{\"ticket\": " TICKET ("\"A009\"", "\"A\"", "\"C01\"") "}", "change");
  assert_refused (board, "{\"change\": \"called\"}", "ticket");
  assert_refused (board, "{\"change\": \"called\", \"ticket\": " TICKET ("7", "\"A\"", "\"C01\"") "}", "number");
  assert_refused (board, "{\"change\": \"called\", \"ticket\": " TICKET ("\"A 9<b>\"", "\"A\"", "\"C01\"") "}",
                  "number");
  assert_refused (board, "{\"change\": \"called\", \"ticket\": " TICKET ("\"A009\"", "\"B\"", "\"C01\"") "}",
                  "group");
  assert_refused (board, "{\"change\": \"called\", \"ticket\": " TICKET ("\"A009\"", "\"A\"", "null") "}",
                  "counter");
  assert_refused (board, "{\"change\": \"called\", \"ticket\": " TICKET ("\"A009\"", "\"A\"", "\"窗口一\"") "}",
                  "counter");
  assert_refused (board, "{\"change\": \"called\", \"ticket\": " TICKET ("\"A009\"", "\"A\"", "\"C01\"")
                  ", \"waiting\": {\"A\": 1, \"B\": -4}}", "B");
  assert_refused (board, "{\"change\": \"called\", \"ticket\": " TICKET ("\"A009\"", "\"A\"", "\"C01\"")
                  ", \"waiting\": [1]}", "waiting");
  event = parse_object ("{\"change\": \"called\"}", -1);
  g_assert_false (hall_board_apply_event (board, "x1", "ticket", event, now_us, &error));
  g_assert_error (error, HALL_BOARD_ERROR, HALL_BOARD_ERROR_INVALID);
  g_clear_error (&error);

  /* A snapshot with a bad group changes nothing either. */
  g_clear_pointer (&event, json_object_unref);
  event = parse_object ("{\"hall\": \"X\", \"groups\": [{\"group\": \"A\", \"waiting\": \"many\"}]}", -1);
  g_assert_false (hall_board_apply_snapshot (board, event, now_us, &error));
  g_assert_error (error, HALL_BOARD_ERROR, HALL_BOARD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“waiting”"));
  g_assert_cmpstr (hall_board_get_hall_name (board), ==, "Yinchuan Citizens Hall");
  g_assert_cmpuint (hall_board_get_groups (board)->len, ==, 2);
}

/* Share of the pixels of @area that differ from the pixel at its top left
 * corner (the panel), and whether one is near @r,@g,@b. */
static double
ink_in (cairo_surface_t             *surface,
        const cairo_rectangle_int_t *area,
        guint32                      near_rgb,
        gboolean                    *found_near)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 panel = *(const guint32 *) (data + (area->y + area->height / 2) * stride + (area->x + 30) * 4);
  guint64 inked = 0;

  *found_near = FALSE;
  for (int y = area->y; y < area->y + area->height; y++)
    for (int x = area->x; x < area->x + area->width; x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + x * 4) & 0xFFFFFF;
        int dr = (int) ((pixel >> 16) & 0xFF) - (int) ((near_rgb >> 16) & 0xFF);
        int dg = (int) ((pixel >> 8) & 0xFF) - (int) ((near_rgb >> 8) & 0xFF);
        int db = (int) (pixel & 0xFF) - (int) (near_rgb & 0xFF);

        if (pixel != (panel & 0xFFFFFF))
          inked++;
        if (ABS (dr) < 24 && ABS (dg) < 24 && ABS (db) < 24)
          *found_near = TRUE;
      }
  return (double) inked / ((double) area->width * area->height);
}

static cairo_surface_t *
draw_board (HallBoard  *board,
            int         width,
            int         height,
            gint64      now_us,
            const char *name)
{
  g_autoptr (HallBoardPainter) painter = hall_board_painter_new (board);
  g_autoptr (GDateTime) now = g_date_time_new_local (2026, 12, 4, 9, 30, 0);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  const char *shots = g_getenv ("HALL_BOARD_SHOTS");

  hall_board_painter_draw (painter, cr, width, height, now, now_us);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  /* HALL_BOARD_SHOTS=DIR keeps the drawings, to look at them. */
  if (shots != NULL)
    {
      g_autofree char *file = g_strdup_printf ("%s/board-%s-%dx%d.png", shots, name, width, height);

      cairo_surface_write_to_png (surface, file);
    }
  return surface;
}

static void
test_drawn (gconstpointer data)
{
  int height = GPOINTER_TO_INT (data);
  int width = height * 16 / 9;
  g_autoptr (GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (HallBoard) board = NULL;
  cairo_surface_t *surface;
  cairo_rectangle_int_t area;
  gboolean amber, red;
  gint64 now_us;
  double ink;

  board = replay_recording (10, &now_us, announced);

  /* The new call, highlighted: its row is inked and amber. */
  surface = draw_board (board, width, height, now_us + G_USEC_PER_SEC / 10, "calling");
  g_assert_true (hall_board_painter_get_call_area (width, height, 0, &area));
  ink = ink_in (surface, &area, 0xFFC107, &amber);
  g_assert_cmpfloat (ink, >, 0.03);
  g_assert_true (amber);
  /* The call a second before it still pulses, the older one is drawn
   * plain. */
  g_assert_true (hall_board_painter_get_call_area (width, height, 1, &area));
  g_assert_cmpfloat (ink_in (surface, &area, 0xFFC107, &amber), >, 0.03);
  g_assert_true (amber);
  g_assert_true (hall_board_painter_get_call_area (width, height, 2, &area));
  g_assert_cmpfloat (ink_in (surface, &area, 0xFFC107, &amber), >, 0.03);
  g_assert_false (amber);
  /* No fourth call: its place is empty background. */
  g_assert_true (hall_board_painter_get_call_area (width, height, 3, &area));
  ink = ink_in (surface, &area, 0xFFC107, &amber);
  g_assert_cmpfloat (ink, <, 0.001);
  hall_board_painter_get_status_area (width, height, &area);
  ink_in (surface, &area, 0xD32F2F, &red);
  g_assert_false (red);
  cairo_surface_destroy (surface);

  /* The highlight is over after its time. */
  surface = draw_board (board, width, height, now_us + HALL_BOARD_HIGHLIGHT_US, "settled");
  g_assert_true (hall_board_painter_get_call_area (width, height, 0, &area));
  ink = ink_in (surface, &area, 0xFFC107, &amber);
  g_assert_cmpfloat (ink, >, 0.03);
  g_assert_false (amber);
  cairo_surface_destroy (surface);

  /* Offline: the board stays and says it is reconnecting. */
  hall_board_set_online (board, FALSE);
  surface = draw_board (board, width, height, now_us + HALL_BOARD_HIGHLIGHT_US, "reconnecting");
  hall_board_painter_get_status_area (width, height, &area);
  ink = ink_in (surface, &area, 0xD32F2F, &red);
  g_assert_true (red);
  g_assert_cmpfloat (ink, >, 0.03);
  g_assert_true (hall_board_painter_get_call_area (width, height, 2, &area));
  g_assert_cmpfloat (ink_in (surface, &area, 0xFFC107, &amber), >, 0.03);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hall/board/recorded-stream", test_recorded_stream);
  g_test_add_func ("/hall/board/replayed-events-skipped", test_replayed_events_skipped);
  g_test_add_func ("/hall/board/bad-events-refused", test_bad_events_refused);
  g_test_add_data_func ("/hall/board/drawn/1080", GINT_TO_POINTER (1080), test_drawn);
  g_test_add_data_func ("/hall/board/drawn/2160", GINT_TO_POINTER (2160), test_drawn);
  return g_test_run ();
}
