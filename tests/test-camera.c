/* test-camera.c — document cameras through GStreamer, with videotestsrc
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test camera shows a white sheet on a black desk (hall-test-camera.h).
 */
#include "config.h"

#include <math.h>

#include "hall-camera.h"
#include "hall-camera-test-hooks.h"
#include "hall-test-camera.h"

#define WAIT_SECONDS 20
#define SHEET_X HALL_TEST_SHEET_X
#define SHEET_Y HALL_TEST_SHEET_Y
#define SHEET_W HALL_TEST_SHEET_W
#define SHEET_H HALL_TEST_SHEET_H
#define TEST_SOURCE HALL_TEST_CAMERA_SOURCE

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_for (Condition condition,
          gpointer  data)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

typedef struct
{
  HallCamera    *camera;
  guint          n_previews;
  HallPageImage *last_preview;
  guint          n_stopped;
  GError        *stopped_error;
  guint          n_changed;
  HallPageImage *captured;
  GError        *capture_error;
  gboolean       captured_done;
} Fixture;

static void
preview_cb (HallCamera    *camera,
            HallPageImage *frame,
            Fixture       *fixture)
{
  fixture->n_previews++;
  g_clear_pointer (&fixture->last_preview, hall_page_image_unref);
  fixture->last_preview = hall_page_image_ref (frame);
}

static void
stopped_cb (HallCamera *camera,
            GError     *error,
            Fixture    *fixture)
{
  fixture->n_stopped++;
  g_clear_error (&fixture->stopped_error);
  fixture->stopped_error = error != NULL ? g_error_copy (error) : NULL;
}

static void
changed_cb (HallCamera *camera,
            Fixture    *fixture)
{
  fixture->n_changed++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->camera = hall_camera_new ();
  g_signal_connect (fixture->camera, "preview", G_CALLBACK (preview_cb), fixture);
  g_signal_connect (fixture->camera, "stopped", G_CALLBACK (stopped_cb), fixture);
  g_signal_connect (fixture->camera, "devices-changed", G_CALLBACK (changed_cb), fixture);
  hall_camera_test_add_device (fixture->camera, "test:sheet", "Test Camera", TEST_SOURCE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->camera);
  g_clear_pointer (&fixture->last_preview, hall_page_image_unref);
  g_clear_pointer (&fixture->captured, hall_page_image_unref);
  g_clear_error (&fixture->stopped_error);
  g_clear_error (&fixture->capture_error);
}

static gboolean
previews_arrived (gpointer data)
{
  Fixture *fixture = data;

  return fixture->n_previews >= 3;
}

static gboolean
stopped (gpointer data)
{
  Fixture *fixture = data;

  return fixture->n_stopped > 0;
}

static gboolean
captured (gpointer data)
{
  Fixture *fixture = data;

  return fixture->captured_done;
}

static void
capture_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->captured = hall_camera_capture_finish (HALL_CAMERA (source), result,
                                                  &fixture->capture_error);
  fixture->captured_done = TRUE;
}

static void
capture (Fixture      *fixture,
         HallPageKind  kind)
{
  fixture->captured_done = FALSE;
  g_clear_pointer (&fixture->captured, hall_page_image_unref);
  g_clear_error (&fixture->capture_error);
  hall_camera_capture_async (fixture->camera, kind, NULL, capture_cb, fixture);
  g_assert_true (wait_for (captured, fixture));
}

/* Frames arrive as small previews, at a modest rate, with the sheet's
 * outline where the sheet is; stopping ends them. */
static void
test_preview (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = hall_camera_list_devices (fixture->camera);
  double corners[8];
  double scale;
  gint64 start;
  guint n;
  gboolean found = FALSE;

  for (guint i = 0; i < devices->len; i++)
    found |= g_strcmp0 (((HallCameraDevice *) g_ptr_array_index (devices, i))->id,
                        "test:sheet") == 0;
  g_assert_true (found);

  start = g_get_monotonic_time ();
  g_assert_true (hall_camera_start (fixture->camera, "test:sheet", &error));
  g_assert_no_error (error);
  g_assert_true (hall_camera_get_running (fixture->camera));
  g_assert_cmpstr (hall_camera_get_device (fixture->camera), ==, "test:sheet");
  g_assert_true (wait_for (previews_arrived, fixture));
  /* Three previews take at least two intervals: the rate is held. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * HALL_CAMERA_PREVIEW_INTERVAL_MS * 1000);
  g_assert_cmpuint (MAX (fixture->last_preview->width, fixture->last_preview->height), <=,
                    HALL_CAMERA_PREVIEW_SIZE);
  g_assert_cmpuint (fixture->last_preview->channels, ==, 3);

  /* The outline is the sheet, in the preview's pixels. */
  g_assert_true (hall_camera_get_outline (fixture->camera, corners));
  scale = fixture->last_preview->width / 1280.0;
  g_test_message ("outline %.0f,%.0f %.0f,%.0f %.0f,%.0f %.0f,%.0f (scale %.2f)", corners[0],
                  corners[1], corners[2], corners[3], corners[4], corners[5], corners[6],
                  corners[7], scale);
  g_assert_cmpfloat (fabs (corners[0] - SHEET_X * scale), <, 4);
  g_assert_cmpfloat (fabs (corners[1] - SHEET_Y * scale), <, 4);
  g_assert_cmpfloat (fabs (corners[4] - (SHEET_X + SHEET_W) * scale), <, 4);
  g_assert_cmpfloat (fabs (corners[5] - (SHEET_Y + SHEET_H) * scale), <, 4);

  /* Stopped cleanly: said so, no error, nothing more comes. */
  hall_camera_stop (fixture->camera);
  g_assert_false (hall_camera_get_running (fixture->camera));
  g_assert_null (hall_camera_get_device (fixture->camera));
  g_assert_cmpuint (fixture->n_stopped, ==, 1);
  g_assert_null (fixture->stopped_error);
  n = fixture->n_previews;
  {
    gint64 end = g_get_monotonic_time () + 500 * 1000;

    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (fixture->n_previews, ==, n);
  g_assert_false (hall_camera_get_outline (fixture->camera, corners));
  /* Stopping again is nothing. */
  hall_camera_stop (fixture->camera);
  g_assert_cmpuint (fixture->n_stopped, ==, 1);
}

/* A capture is the sheet cut out of a full-resolution frame, by kind. */
static void
test_capture (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  const guint8 *middle;

  g_assert_true (hall_camera_start (fixture->camera, "test:sheet", &error));
  g_assert_true (wait_for (previews_arrived, fixture));

  capture (fixture, HALL_PAGE_KIND_GREY);
  g_assert_no_error (fixture->capture_error);
  g_test_message ("captured %u × %u at %u dpi", fixture->captured->width,
                  fixture->captured->height, fixture->captured->dpi);
  g_assert_cmpint (fixture->captured->kind, ==, HALL_PAGE_KIND_GREY);
  g_assert_cmpuint (fixture->captured->channels, ==, 1);
  g_assert_cmpint (ABS ((int) fixture->captured->width - SHEET_W), <=, 2);
  g_assert_cmpint (ABS ((int) fixture->captured->height - SHEET_H), <=, 2);
  /* A sheet that fills A4's long side: 800 px / 11.69 in. */
  g_assert_cmpuint (fixture->captured->dpi, ==, 68);
  /* Paper, not desk, up to the edges. */
  g_assert_cmpuint (fixture->captured->pixels[2 * fixture->captured->stride + 2], >, 200);
  middle = fixture->captured->pixels + (fixture->captured->height - 3) * fixture->captured->stride
           + fixture->captured->width - 3;
  g_assert_cmpuint (*middle, >, 200);

  capture (fixture, HALL_PAGE_KIND_COLOUR);
  g_assert_no_error (fixture->capture_error);
  g_assert_cmpint (fixture->captured->kind, ==, HALL_PAGE_KIND_COLOUR);
  g_assert_cmpuint (fixture->captured->channels, ==, 3);
  g_assert_cmpint (ABS ((int) fixture->captured->width - SHEET_W), <=, 2);

  hall_camera_stop (fixture->camera);
  /* No camera on: a capture says so. */
  capture (fixture, HALL_PAGE_KIND_GREY);
  g_assert_null (fixture->captured);
  g_assert_error (fixture->capture_error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE);
}

/* A camera whose stream breaks (pulled out of its USB port) stops with
 * an error naming it. */
static void
test_unplugged (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  hall_camera_test_limit_frames (fixture->camera, 5, FALSE);
  g_assert_true (hall_camera_start (fixture->camera, "test:sheet", &error));
  g_assert_true (wait_for (stopped, fixture));
  g_assert_error (fixture->stopped_error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (fixture->stopped_error->message, "Test Camera"));
  g_assert_false (hall_camera_get_running (fixture->camera));
  /* It did send its pictures until then. */
  g_assert_cmpuint (hall_camera_test_get_n_frames (fixture->camera), ==, 5);
}

/* A camera that stays silent is given up after the stall timeout, not
 * waited for. */
static void
test_silent (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  gint64 start;

  hall_camera_test_limit_frames (fixture->camera, 5, TRUE);
  hall_camera_set_stall_timeout (fixture->camera, 600);
  start = g_get_monotonic_time ();
  g_assert_true (hall_camera_start (fixture->camera, "test:sheet", &error));
  g_assert_true (wait_for (stopped, fixture));
  g_assert_error (fixture->stopped_error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (fixture->stopped_error->message, "no picture"));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 600 * 1000);
  g_assert_false (hall_camera_get_running (fixture->camera));
}

/* The device monitor says a camera went away: the running one stops with
 * an error, and the list no longer has it. */
static void
test_removed (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  guint changed;

  hall_camera_test_add_device (fixture->camera, "test:other", "Other Camera", TEST_SOURCE);
  g_assert_true (hall_camera_start (fixture->camera, "test:sheet", &error));
  g_assert_true (wait_for (previews_arrived, fixture));
  changed = fixture->n_changed;

  hall_camera_test_remove_device (fixture->camera, "test:other");
  g_assert_cmpuint (fixture->n_changed, ==, changed + 1);
  g_assert_true (hall_camera_get_running (fixture->camera));

  hall_camera_test_remove_device (fixture->camera, "test:sheet");
  g_assert_cmpuint (fixture->n_changed, ==, changed + 2);
  g_assert_cmpuint (fixture->n_stopped, ==, 1);
  g_assert_error (fixture->stopped_error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE);
  g_assert_false (hall_camera_get_running (fixture->camera));
  devices = hall_camera_list_devices (fixture->camera);
  for (guint i = 0; i < devices->len; i++)
    g_assert_cmpstr (((HallCameraDevice *) g_ptr_array_index (devices, i))->id, !=,
                     "test:sheet");
}

/* Cameras that cannot start, or fail once started, say why. */
static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (hall_camera_start (fixture->camera, "/dev/video99", &error));
  g_assert_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (error->message, "/dev/video99"));
  g_clear_error (&error);

  hall_camera_test_add_device (fixture->camera, "test:broken", "Broken Camera",
                               "no-such-element-anywhere");
  g_assert_false (hall_camera_start (fixture->camera, "test:broken", &error));
  g_assert_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Broken Camera"));
  g_assert_false (hall_camera_get_running (fixture->camera));
  g_clear_error (&error);

  /* Starts, then cannot agree on a picture format: a failure, reported. */
  hall_camera_test_add_device (fixture->camera, "test:bayer", "Bayer Camera",
                               "videotestsrc is-live=true ! video/x-bayer,width=64,height=48");
  if (hall_camera_start (fixture->camera, "test:bayer", &error))
    g_assert_true (wait_for (stopped, fixture));
  else
    fixture->stopped_error = g_steal_pointer (&error);
  g_assert_error (fixture->stopped_error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FAILED);
  g_assert_nonnull (strstr (fixture->stopped_error->message, "Bayer Camera"));
  g_assert_false (hall_camera_get_running (fixture->camera));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hall/camera/preview", Fixture, NULL, fixture_set_up, test_preview,
              fixture_tear_down);
  g_test_add ("/hall/camera/capture", Fixture, NULL, fixture_set_up, test_capture,
              fixture_tear_down);
  g_test_add ("/hall/camera/unplugged", Fixture, NULL, fixture_set_up, test_unplugged,
              fixture_tear_down);
  g_test_add ("/hall/camera/silent", Fixture, NULL, fixture_set_up, test_silent,
              fixture_tear_down);
  g_test_add ("/hall/camera/removed", Fixture, NULL, fixture_set_up, test_removed,
              fixture_tear_down);
  g_test_add ("/hall/camera/errors", Fixture, NULL, fixture_set_up, test_errors,
              fixture_tear_down);

  return g_test_run ();
}
