/* hall-camera.h — document cameras through GStreamer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hall-page-image.h"
#include "hall-scanner.h"

G_BEGIN_DECLS

/* A camera as the device monitor lists it. */
typedef struct
{
  char *id;    /* what hall_camera_start() takes: the device node ("/dev/video0") */
  char *name;  /* what the device calls itself */
} HallCameraDevice;

void            hall_camera_device_free      (HallCameraDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallCameraDevice, hall_camera_device_free)

/* A preview frame has at most this many pixels on its longer side. */
#define HALL_CAMERA_PREVIEW_SIZE 640
/* Previews reach the main context at most this often. */
#define HALL_CAMERA_PREVIEW_INTERVAL_MS 100
/* A camera that sends no frame for this long is taken to be gone. */
#define HALL_CAMERA_STALL_TIMEOUT_DEFAULT 5000

#define HALL_TYPE_CAMERA (hall_camera_get_type ())
G_DECLARE_FINAL_TYPE (HallCamera, hall_camera, HALL, CAMERA, GObject)

/* The document cameras of a counter (USB video devices on a stand): a
 * GstDeviceMonitor watches "Video/Source" devices come and go, and one
 * pipeline (v4l2src, or what the device makes) runs while a camera is
 * started. Frames are taken in GStreamer's streaming thread; what the
 * camera has to say comes back in the main context it was made in.
 *
 * Signals:
 *   "devices-changed": a camera was plugged in or out; see
 *       hall_camera_list_devices()
 *   "preview" (HallPageImage *frame): a small RGB picture of what the
 *       camera sees (at most HALL_CAMERA_PREVIEW_SIZE pixels a side, at
 *       most one each HALL_CAMERA_PREVIEW_INTERVAL_MS; a frame is dropped
 *       while the main context has not taken the last one);
 *       hall_camera_get_outline() says where the sheet is in it
 *   "stopped" (GError *error): the camera stopped: NULL after
 *       hall_camera_stop(), HALL_SCANNER_ERROR_NO_DEVICE when it was
 *       unplugged or stopped sending pictures, HALL_SCANNER_ERROR_FAILED
 *       with what GStreamer said otherwise.
 *
 * Not thread-safe: call it from the main context it was made in. */
HallCamera     *hall_camera_new              (void);

/* (transfer full) (element-type HallCameraDevice): the cameras now, in
 * the order they appeared. */
GPtrArray      *hall_camera_list_devices     (HallCamera    *self);

/* Starts the camera @id (one of hall_camera_list_devices()), stopping the
 * one that ran. FALSE with HALL_SCANNER_ERROR_NO_DEVICE when there is no
 * such camera, HALL_SCANNER_ERROR_FAILED when its pipeline cannot be
 * made; a failure later comes as "stopped". */
gboolean        hall_camera_start            (HallCamera    *self,
                                              const char    *id,
                                              GError       **error);
/* Stops the camera and waits for its pipeline to be torn down; "stopped"
 * with no error. Nothing when none runs. */
void            hall_camera_stop             (HallCamera    *self);
gboolean        hall_camera_get_running      (HallCamera    *self);
/* (nullable): the camera running, or NULL. */
const char     *hall_camera_get_device       (HallCamera    *self);
/* Where the sheet is in the last preview: four corners (x, y), clockwise
 * from the top left, in the preview's pixels; FALSE when no sheet stands
 * out from the desk. */
gboolean        hall_camera_get_outline      (HallCamera    *self,
                                              double         corners[8]);
/* A camera that sends nothing for @milliseconds is stopped with
 * HALL_SCANNER_ERROR_NO_DEVICE (0: wait for ever). */
void            hall_camera_set_stall_timeout (HallCamera   *self,
                                               guint         milliseconds);

/* Takes the newest full-resolution frame and, on a worker, finds the
 * sheet in it, turns it straight and cuts it out
 * (hall_page_image_find_page(); the whole frame when no sheet stands out)
 * as a page of @kind (grey or colour; bi-level is taken as grey). Its
 * resolution is estimated as if the sheet were A4. Fails with
 * HALL_SCANNER_ERROR_NO_DEVICE when the camera is not running or has sent
 * no frame yet. (transfer full) */
void            hall_camera_capture_async    (HallCamera         *self,
                                              HallPageKind        kind,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
HallPageImage  *hall_camera_capture_finish   (HallCamera         *self,
                                              GAsyncResult       *result,
                                              GError            **error);

G_END_DECLS
