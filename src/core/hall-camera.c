/* hall-camera.c — document cameras through GStreamer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pipeline is the camera's source (what GstDevice makes: v4l2src for a
 * USB camera, decoded by decodebin when it sends MJPEG) converted to RGB
 * into an appsink that keeps one buffer. The appsink's callback runs in
 * GStreamer's streaming thread: it keeps the newest frame for a capture
 * and, at a modest rate, scales one down and finds the sheet in it, so
 * the main context only shows what it is given.
 */
#define G_LOG_DOMAIN "hall-scan"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <math.h>
#include <string.h>

#include "hall-camera.h"
#include "hall-camera-test-hooks.h"

/* A4's longer side, in inches: a sheet that fills the frame is A4. */
#define A4_LONG_SIDE_INCHES 11.69

typedef struct
{
  char      *id;
  char      *name;
  GstDevice *device;       /* NULL for a test camera */
  char      *description;  /* a test camera's source */
} Camera;

struct _HallCamera
{
  GObject           parent_instance;

  GMainContext     *context;
  GstDeviceMonitor *monitor;
  GSource          *monitor_source;
  GPtrArray        *cameras;          /* of Camera */

  GstElement       *pipeline;
  GSource          *bus_source;
  GSource          *stall_source;
  char             *device;
  guint             stall_timeout;
  double            outline[8];
  gboolean          has_outline;

  /* Shared with the streaming thread. */
  GMutex            lock;
  GstSample        *last;             /* the newest frame */
  gint64            last_frame_time;  /* monotonic µs: the newest frame, or the start */
  gint64            last_preview_time;
  gboolean          preview_pending;
  guint             generation;       /* each start and stop: older previews are dropped */
  guint             n_frames;
  guint             limit_frames;
  gboolean          limit_hang;
};

G_DEFINE_FINAL_TYPE (HallCamera, hall_camera, G_TYPE_OBJECT)

enum
{
  SIGNAL_DEVICES_CHANGED,
  SIGNAL_PREVIEW,
  SIGNAL_STOPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void stop_with_error (HallCamera *self,
                             GError     *error);

void
hall_camera_device_free (HallCameraDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->id);
  g_free (device->name);
  g_free (device);
}

static void
camera_free (Camera *camera)
{
  g_free (camera->id);
  g_free (camera->name);
  g_clear_object (&camera->device);
  g_free (camera->description);
  g_free (camera);
}

static Camera *
find_camera (HallCamera *self,
             const char *id)
{
  for (guint i = 0; i < self->cameras->len; i++)
    {
      Camera *camera = g_ptr_array_index (self->cameras, i);

      if (g_strcmp0 (camera->id, id) == 0)
        return camera;
    }
  return NULL;
}

/* Frames */

/* (transfer full) (nullable): the frame as an RGB page. */
static HallPageImage *
image_from_sample (GstSample *sample)
{
  GstVideoInfo info;
  GstMapInfo map;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  HallPageImage *image;
  gsize row;

  if (buffer == NULL || !gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB
      || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return NULL;
  image = hall_page_image_new (HALL_PAGE_KIND_COLOUR, GST_VIDEO_INFO_WIDTH (&info),
                               GST_VIDEO_INFO_HEIGHT (&info), 0);
  row = MIN (image->stride, (gsize) GST_VIDEO_INFO_PLANE_STRIDE (&info, 0));
  for (guint y = 0; y < image->height; y++)
    {
      gsize offset = GST_VIDEO_INFO_PLANE_OFFSET (&info, 0)
                     + (gsize) y * GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);

      if (offset + row > map.size)
        break;
      memcpy (image->pixels + y * image->stride, map.data + offset, row);
    }
  gst_buffer_unmap (buffer, &map);
  return image;
}

typedef struct
{
  HallCamera    *self;
  HallPageImage *frame;
  double         corners[8];
  gboolean       found;
  guint          generation;
} Preview;

static void
preview_free (Preview *preview)
{
  g_object_unref (preview->self);
  hall_page_image_unref (preview->frame);
  g_free (preview);
}

static gboolean
preview_cb (gpointer user_data)
{
  Preview *preview = user_data;
  HallCamera *self = preview->self;
  gboolean current;

  g_mutex_lock (&self->lock);
  self->preview_pending = FALSE;
  current = preview->generation == self->generation;
  g_mutex_unlock (&self->lock);
  if (!current || self->pipeline == NULL)
    return G_SOURCE_REMOVE;

  self->has_outline = preview->found;
  memcpy (self->outline, preview->corners, sizeof self->outline);
  g_signal_emit (self, signals[SIGNAL_PREVIEW], 0, preview->frame);
  return G_SOURCE_REMOVE;
}

/* In the streaming thread. */
static GstFlowReturn
new_sample_cb (GstAppSink *sink,
               gpointer    user_data)
{
  HallCamera *self = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  gint64 now = g_get_monotonic_time ();
  gboolean want_preview;
  Preview *preview;
  g_autoptr (HallPageImage) frame = NULL;

  if (sample == NULL)
    return GST_FLOW_OK;

  g_mutex_lock (&self->lock);
  if (self->limit_frames > 0 && self->n_frames >= self->limit_frames)
    {
      gboolean hang = self->limit_hang;

      g_mutex_unlock (&self->lock);
      if (!hang)
        {
          /* What v4l2src says when its device is pulled out. */
          GError error = { GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
                           (char *) "Could not read from resource." };

          gst_element_post_message (GST_ELEMENT (sink),
                                    gst_message_new_error (GST_OBJECT (sink), &error,
                                                           "No such device (test hook)"));
          return GST_FLOW_ERROR;
        }
      return GST_FLOW_OK;
    }
  self->n_frames++;
  g_clear_pointer (&self->last, gst_sample_unref);
  self->last = gst_sample_ref (sample);
  self->last_frame_time = now;
  want_preview = !self->preview_pending
                 && now - self->last_preview_time >= HALL_CAMERA_PREVIEW_INTERVAL_MS * 1000;
  if (want_preview)
    {
      self->preview_pending = TRUE;
      self->last_preview_time = now;
    }
  g_mutex_unlock (&self->lock);

  if (!want_preview || (frame = image_from_sample (sample)) == NULL)
    {
      if (want_preview)
        {
          g_mutex_lock (&self->lock);
          self->preview_pending = FALSE;
          g_mutex_unlock (&self->lock);
        }
      return GST_FLOW_OK;
    }

  preview = g_new0 (Preview, 1);
  preview->self = g_object_ref (self);
  preview->frame = hall_page_image_scale_down (frame, HALL_CAMERA_PREVIEW_SIZE);
  preview->found = hall_page_image_find_outline (preview->frame, preview->corners);
  g_mutex_lock (&self->lock);
  preview->generation = self->generation;
  g_mutex_unlock (&self->lock);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, preview_cb, preview,
                              (GDestroyNotify) preview_free);
  return GST_FLOW_OK;
}

/* The pipeline */

static GError *
error_from_message (HallCamera *self,
                    GstMessage *message)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  Camera *camera = find_camera (self, self->device);
  const char *name = camera != NULL ? camera->name : self->device;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("Camera %s: %s (%s)", self->device, gst_error->message, debug != NULL ? debug : "");
  if (gst_error->domain == GST_RESOURCE_ERROR
      && (gst_error->code == GST_RESOURCE_ERROR_NOT_FOUND
          || gst_error->code == GST_RESOURCE_ERROR_OPEN_READ
          || gst_error->code == GST_RESOURCE_ERROR_READ))
    return g_error_new (HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                        _("The camera %s is gone: plug it in again and choose it (%s)"), name,
                        gst_error->message);
  if (gst_error->domain == GST_RESOURCE_ERROR && gst_error->code == GST_RESOURCE_ERROR_BUSY)
    return g_error_new (HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_BUSY,
                        _("The camera %s is used by another program: close it and try again"),
                        name);
  return g_error_new (HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FAILED,
                      _("The camera %s failed: %s"), name, gst_error->message);
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  HallCamera *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      stop_with_error (self, error_from_message (self, message));
      break;
    case GST_MESSAGE_EOS:
      {
        Camera *camera = find_camera (self, self->device);

        /* A live camera's stream does not end by itself. */
        stop_with_error (self,
                         g_error_new (HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                                      _("The camera %s stopped sending pictures: plug it in again and choose it"),
                                      camera != NULL ? camera->name : self->device));
      }
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
stall_cb (gpointer user_data)
{
  HallCamera *self = user_data;
  gint64 last;
  Camera *camera;
  guint seconds = (self->stall_timeout + 999) / 1000;

  if (self->stall_timeout == 0)
    return G_SOURCE_CONTINUE;
  g_mutex_lock (&self->lock);
  last = self->last_frame_time;
  g_mutex_unlock (&self->lock);
  if (g_get_monotonic_time () - last < (gint64) self->stall_timeout * 1000)
    return G_SOURCE_CONTINUE;

  camera = find_camera (self, self->device);
  stop_with_error (self,
                   g_error_new (HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "The camera %s sent no picture for %u second: is it plugged in?",
                                             "The camera %s sent no picture for %u seconds: is it plugged in?",
                                             seconds),
                                camera != NULL ? camera->name : self->device, seconds));
  return G_SOURCE_REMOVE;
}

/* Tears the pipeline down; waits for the streaming thread to end. */
static gboolean
teardown (HallCamera *self)
{
  if (self->pipeline == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  self->generation++;
  g_mutex_unlock (&self->lock);
  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  if (self->stall_source != NULL)
    {
      g_source_destroy (self->stall_source);
      g_clear_pointer (&self->stall_source, g_source_unref);
    }
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  gst_clear_object (&self->pipeline);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->last, gst_sample_unref);
  self->preview_pending = FALSE;
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&self->device, g_free);
  self->has_outline = FALSE;
  return TRUE;
}

static void
stop_with_error (HallCamera *self,
                 GError     *error)
{
  g_autoptr (GError) owned = error;

  if (error != NULL)
    g_debug ("Camera %s stopped: %s", self->device, error->message);
  if (teardown (self))
    g_signal_emit (self, signals[SIGNAL_STOPPED], 0, error);
}

static GstElement *
make_pipeline (Camera  *camera,
               GError **error)
{
  const char *tail = "videoconvert ! video/x-raw,format=RGB ! appsink name=sink";
  g_autoptr (GstElement) pipeline = NULL;

  if (camera->description != NULL)
    {
      g_autofree char *description = g_strdup_printf ("%s ! %s", camera->description, tail);

      pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, error);
      if (pipeline != NULL)
        gst_object_ref_sink (pipeline);
    }
  else
    {
      g_autofree char *description = g_strdup_printf ("decodebin ! %s", tail);
      GstElement *source = gst_device_create_element (camera->device, "source");
      GstElement *rest;

      if (source == NULL)
        {
          g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                       _("The camera %s cannot be opened"), camera->name);
          return NULL;
        }
      rest = gst_parse_bin_from_description_full (description, TRUE, NULL,
                                                 GST_PARSE_FLAG_FATAL_ERRORS, error);
      if (rest == NULL)
        {
          gst_object_unref (gst_object_ref_sink (source));
          return NULL;
        }
      pipeline = gst_object_ref_sink (gst_pipeline_new ("camera"));
      gst_bin_add_many (GST_BIN (pipeline), source, rest, NULL);
      if (!gst_element_link (source, rest))
        {
          g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FAILED,
                       _("The camera %s sends pictures in a form that cannot be read"),
                       camera->name);
          return NULL;
        }
    }
  return g_steal_pointer (&pipeline);
}

/* The device monitor */

static char *
device_id (GstDevice *device)
{
  g_autoptr (GstStructure) props = gst_device_get_properties (device);
  const char *path = NULL;

  if (props != NULL)
    {
      path = gst_structure_get_string (props, "api.v4l2.path");
      if (path == NULL)
        path = gst_structure_get_string (props, "device.path");
    }
  if (path != NULL)
    return g_strdup (path);
  return gst_device_get_display_name (device);
}

static void
add_device (HallCamera *self,
            GstDevice  *device)
{
  g_autofree char *id = device_id (device);
  Camera *camera;

  if (find_camera (self, id) != NULL)
    return;
  camera = g_new0 (Camera, 1);
  camera->id = g_steal_pointer (&id);
  camera->name = gst_device_get_display_name (device);
  camera->device = g_object_ref (device);
  g_ptr_array_add (self->cameras, camera);
  g_debug ("Camera %s appeared", camera->id);
}

static void
remove_camera (HallCamera *self,
               const char *id)
{
  for (guint i = 0; i < self->cameras->len; i++)
    {
      Camera *camera = g_ptr_array_index (self->cameras, i);

      if (g_strcmp0 (camera->id, id) != 0)
        continue;
      if (g_strcmp0 (self->device, id) == 0)
        stop_with_error (self,
                         g_error_new (HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                                      _("The camera %s was unplugged"), camera->name));
      g_debug ("Camera %s went away", id);
      g_ptr_array_remove_index (self->cameras, i);
      g_signal_emit (self, signals[SIGNAL_DEVICES_CHANGED], 0);
      return;
    }
}

static gboolean
monitor_cb (GstBus     *bus,
            GstMessage *message,
            gpointer    user_data)
{
  HallCamera *self = user_data;
  g_autoptr (GstDevice) device = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
      gst_message_parse_device_added (message, &device);
      add_device (self, device);
      g_signal_emit (self, signals[SIGNAL_DEVICES_CHANGED], 0);
      break;
    case GST_MESSAGE_DEVICE_REMOVED:
      {
        g_autofree char *id = NULL;

        gst_message_parse_device_removed (message, &device);
        id = device_id (device);
        remove_camera (self, id);
      }
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static void
start_monitor (HallCamera *self)
{
  g_autoptr (GstBus) bus = NULL;
  GList *devices;

  self->monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (self->monitor, "Video/Source", NULL);
  bus = gst_device_monitor_get_bus (self->monitor);
  self->monitor_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->monitor_source, (GSourceFunc) monitor_cb, self, NULL);
  g_source_attach (self->monitor_source, self->context);
  if (!gst_device_monitor_start (self->monitor))
    {
      g_debug ("No video device monitor: cameras are not listed");
      return;
    }
  devices = gst_device_monitor_get_devices (self->monitor);
  for (GList *l = devices; l != NULL; l = l->next)
    add_device (self, l->data);
  g_list_free_full (devices, gst_object_unref);
}

/* Capture */

typedef struct
{
  GstSample    *sample;
  HallPageKind  kind;
} CaptureData;

static void
capture_data_free (CaptureData *data)
{
  gst_sample_unref (data->sample);
  g_free (data);
}

/* (transfer full): @image's pixels as grey. */
static HallPageImage *
to_grey (HallPageImage *image)
{
  HallPageImage *grey;

  if (image->channels == 1)
    return hall_page_image_ref (image);
  grey = hall_page_image_new (HALL_PAGE_KIND_GREY, image->width, image->height, image->dpi);
  for (guint y = 0; y < image->height; y++)
    {
      const guint8 *in = image->pixels + y * image->stride;
      guint8 *out = grey->pixels + y * grey->stride;

      for (guint x = 0; x < image->width; x++)
        out[x] = (in[3 * x] * 77 + in[3 * x + 1] * 150 + in[3 * x + 2] * 29) >> 8;
    }
  return grey;
}

static void
capture_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CaptureData *data = task_data;
  g_autoptr (HallPageImage) frame = image_from_sample (data->sample);
  g_autoptr (HallPageImage) page = NULL;
  HallPageImage *out;

  if (frame == NULL)
    {
      g_task_return_new_error (task, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FAILED,
                               _("The camera's picture could not be read"));
      return;
    }
  page = hall_page_image_find_page (frame, NULL);
  if (page == NULL)
    page = hall_page_image_ref (frame);
  out = data->kind == HALL_PAGE_KIND_COLOUR ? hall_page_image_ref (page) : to_grey (page);
  out->dpi = (guint) (MAX (out->width, out->height) / A4_LONG_SIDE_INCHES + 0.5);
  g_task_return_pointer (task, out, (GDestroyNotify) hall_page_image_unref);
}

/* GObject */

static void
hall_camera_dispose (GObject *object)
{
  HallCamera *self = HALL_CAMERA (object);

  teardown (self);
  if (self->monitor != NULL)
    gst_device_monitor_stop (self->monitor);
  if (self->monitor_source != NULL)
    {
      g_source_destroy (self->monitor_source);
      g_clear_pointer (&self->monitor_source, g_source_unref);
    }
  gst_clear_object (&self->monitor);
  g_clear_pointer (&self->cameras, g_ptr_array_unref);

  G_OBJECT_CLASS (hall_camera_parent_class)->dispose (object);
}

static void
hall_camera_finalize (GObject *object)
{
  HallCamera *self = HALL_CAMERA (object);

  g_mutex_clear (&self->lock);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (hall_camera_parent_class)->finalize (object);
}

static void
hall_camera_class_init (HallCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hall_camera_dispose;
  object_class->finalize = hall_camera_finalize;

  signals[SIGNAL_DEVICES_CHANGED] =
    g_signal_new ("devices-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_PREVIEW] =
    g_signal_new ("preview", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, HALL_TYPE_PAGE_IMAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_STOPPED] =
    g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
hall_camera_init (HallCamera *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->cameras = g_ptr_array_new_with_free_func ((GDestroyNotify) camera_free);
  self->stall_timeout = HALL_CAMERA_STALL_TIMEOUT_DEFAULT;
}

HallCamera *
hall_camera_new (void)
{
  HallCamera *self;
  g_autoptr (GError) error = NULL;

  if (!gst_init_check (NULL, NULL, &error))
    g_warning ("GStreamer could not start: %s", error->message);
  self = g_object_new (HALL_TYPE_CAMERA, NULL);
  if (error == NULL)
    start_monitor (self);
  return self;
}

GPtrArray *
hall_camera_list_devices (HallCamera *self)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_camera_device_free);

  g_return_val_if_fail (HALL_IS_CAMERA (self), devices);

  for (guint i = 0; i < self->cameras->len; i++)
    {
      Camera *camera = g_ptr_array_index (self->cameras, i);
      HallCameraDevice *device = g_new0 (HallCameraDevice, 1);

      device->id = g_strdup (camera->id);
      device->name = g_strdup (camera->name);
      g_ptr_array_add (devices, device);
    }
  return devices;
}

gboolean
hall_camera_start (HallCamera *self,
                   const char *id,
                   GError    **error)
{
  Camera *camera;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GError) local_error = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = new_sample_cb };

  g_return_val_if_fail (HALL_IS_CAMERA (self), FALSE);

  hall_camera_stop (self);
  camera = find_camera (self, id);
  if (camera == NULL)
    {
      g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                   _("There is no camera %s: plug it in, then look again"), id);
      return FALSE;
    }
  pipeline = make_pipeline (camera, &local_error);
  if (pipeline == NULL)
    {
      if (local_error->domain == HALL_SCANNER_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FAILED,
                     _("The camera %s cannot be started: %s"), camera->name,
                     local_error->message);
      return FALSE;
    }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "max-buffers", 1, "drop", TRUE, "sync", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);

  g_mutex_lock (&self->lock);
  self->generation++;
  self->n_frames = 0;
  self->last_frame_time = g_get_monotonic_time ();
  self->last_preview_time = 0;
  self->preview_pending = FALSE;
  g_mutex_unlock (&self->lock);

  self->pipeline = g_steal_pointer (&pipeline);
  self->device = g_strdup (id);
  bus = gst_element_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, (GSourceFunc) bus_cb, self, NULL);
  g_source_attach (self->bus_source, self->context);
  self->stall_source = g_timeout_source_new (250);
  g_source_set_callback (self->stall_source, stall_cb, self, NULL);
  g_source_attach (self->stall_source, self->context);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message != NULL)
        g_propagate_error (error, error_from_message (self, message));
      else
        g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FAILED,
                     _("The camera %s cannot be started"), camera->name);
      teardown (self);
      return FALSE;
    }
  g_debug ("Camera %s started", id);
  return TRUE;
}

void
hall_camera_stop (HallCamera *self)
{
  g_return_if_fail (HALL_IS_CAMERA (self));

  stop_with_error (self, NULL);
}

gboolean
hall_camera_get_running (HallCamera *self)
{
  g_return_val_if_fail (HALL_IS_CAMERA (self), FALSE);

  return self->pipeline != NULL;
}

const char *
hall_camera_get_device (HallCamera *self)
{
  g_return_val_if_fail (HALL_IS_CAMERA (self), NULL);

  return self->device;
}

gboolean
hall_camera_get_outline (HallCamera *self,
                         double      corners[8])
{
  g_return_val_if_fail (HALL_IS_CAMERA (self), FALSE);

  if (self->has_outline)
    memcpy (corners, self->outline, sizeof self->outline);
  return self->has_outline;
}

void
hall_camera_set_stall_timeout (HallCamera *self,
                               guint       milliseconds)
{
  g_return_if_fail (HALL_IS_CAMERA (self));

  self->stall_timeout = milliseconds;
}

void
hall_camera_capture_async (HallCamera         *self,
                           HallPageKind        kind,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  CaptureData *data;
  GstSample *sample;

  g_return_if_fail (HALL_IS_CAMERA (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_camera_capture_async);
  g_mutex_lock (&self->lock);
  sample = self->last != NULL ? gst_sample_ref (self->last) : NULL;
  g_mutex_unlock (&self->lock);
  if (sample == NULL)
    {
      g_task_return_new_error (task, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                               self->pipeline == NULL
                                 ? _("No camera is on: choose one first")
                                 : _("The camera has sent no picture yet: wait a moment"));
      return;
    }
  data = g_new0 (CaptureData, 1);
  data->sample = sample;
  data->kind = kind;
  g_task_set_task_data (task, data, (GDestroyNotify) capture_data_free);
  g_task_run_in_thread (task, capture_thread);
}

HallPageImage *
hall_camera_capture_finish (HallCamera   *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Test hooks */

void
hall_camera_test_add_device (HallCamera *self,
                             const char *id,
                             const char *name,
                             const char *source_description)
{
  Camera *camera = g_new0 (Camera, 1);

  camera->id = g_strdup (id);
  camera->name = g_strdup (name);
  camera->description = g_strdup (source_description);
  g_ptr_array_add (self->cameras, camera);
  g_signal_emit (self, signals[SIGNAL_DEVICES_CHANGED], 0);
}

void
hall_camera_test_remove_device (HallCamera *self,
                                const char *id)
{
  remove_camera (self, id);
}

void
hall_camera_test_limit_frames (HallCamera *self,
                               guint       n_frames,
                               gboolean    hang)
{
  g_mutex_lock (&self->lock);
  self->limit_frames = n_frames;
  self->limit_hang = hang;
  g_mutex_unlock (&self->lock);
}

guint
hall_camera_test_get_n_frames (HallCamera *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_frames;
  g_mutex_unlock (&self->lock);
  return n;
}
