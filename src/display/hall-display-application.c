/* hall-display-application.c — service-hall-display: the board or the kiosk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-display"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-announcer.h"
#include "hall-board.h"
#include "hall-display-application.h"
#include "hall-display-window.h"
#include "hall-kiosk-window.h"
#include "hall-queue-feed.h"

/* The estimated waits move with the clock too. */
#define REFRESH_SECONDS 60

struct _HallDisplayApplication
{
  AdwApplication     parent_instance;

  HallDisplayOptions options;
  HallBoard         *board;
  HallQueueFeed     *feed;
  HallAnnouncer     *announcer;
  guint              refresh_id;
};

G_DEFINE_FINAL_TYPE (HallDisplayApplication, hall_display_application, ADW_TYPE_APPLICATION)

void
hall_display_options_clear (HallDisplayOptions *options)
{
  g_clear_pointer (&options->server_url, g_free);
  g_clear_pointer (&options->hall_name, g_free);
  g_clear_pointer (&options->audio_sink, g_free);
  g_clear_pointer (&options->user, g_free);
  if (options->password != NULL)
    memset (options->password, 0, strlen (options->password));
  g_clear_pointer (&options->password, g_free);
  g_clear_pointer (&options->ticket_pdf_dir, g_free);
}

static void
snapshot_cb (HallQueueFeed          *feed,
             JsonObject             *queue,
             HallDisplayApplication *self)
{
  g_autoptr (GError) error = NULL;

  if (!hall_board_apply_snapshot (self->board, queue, g_get_monotonic_time (), &error))
    g_warning ("%s", error->message);
}

static void
event_cb (HallQueueFeed          *feed,
          const char             *id,
          const char             *type,
          JsonObject             *data,
          HallDisplayApplication *self)
{
  g_autoptr (GError) error = NULL;

  if (!hall_board_apply_event (self->board, id, type, data, g_get_monotonic_time (), &error))
    g_warning ("event %s: %s", id, error->message);
}

static void
online_cb (HallQueueFeed          *feed,
           GParamSpec             *pspec,
           HallDisplayApplication *self)
{
  hall_board_set_online (self->board, hall_queue_feed_get_online (feed));
}

static void
announce_cb (HallBoard              *board,
             HallBoardCall          *call,
             gboolean                recall,
             HallDisplayApplication *self)
{
  if (self->announcer != NULL)
    hall_announcer_announce (self->announcer, call->number, call->counter, recall);
}

static gboolean
refresh_cb (gpointer user_data)
{
  HallDisplayApplication *self = user_data;

  if (hall_queue_feed_get_online (self->feed))
    hall_queue_feed_refresh (self->feed);
  return G_SOURCE_CONTINUE;
}

/* Full screen, and the screen's size even where no window manager
 * honours the request (a bare X server on a board's computer). */
static void
fullscreen (GtkWindow *window)
{
  GListModel *monitors = gdk_display_get_monitors (gdk_display_get_default ());
  g_autoptr (GdkMonitor) monitor = g_list_model_get_item (monitors, 0);

  if (monitor != NULL)
    {
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      gtk_window_set_default_size (window, geometry.width, geometry.height);
    }
  gtk_window_fullscreen (window);
}

static void
start_board (HallDisplayApplication *self)
{
  HallDisplayWindow *window;

  self->board = hall_board_new ();
  if (self->options.hall_name != NULL)
    hall_board_set_hall_name (self->board, self->options.hall_name);
  self->feed = hall_queue_feed_new (self->options.server_url);
  g_signal_connect (self->feed, "snapshot", G_CALLBACK (snapshot_cb), self);
  g_signal_connect (self->feed, "event", G_CALLBACK (event_cb), self);
  g_signal_connect (self->feed, "notify::online", G_CALLBACK (online_cb), self);
  if (!self->options.mute)
    self->announcer = hall_announcer_new (self->options.audio_sink);
  g_signal_connect (self->board, "announce", G_CALLBACK (announce_cb), self);

  window = hall_display_window_new (GTK_APPLICATION (self), self->board);
  if (!self->options.windowed)
    fullscreen (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));

  hall_queue_feed_start (self->feed);
  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
}

static void
hall_display_application_activate (GApplication *application)
{
  HallDisplayApplication *self = HALL_DISPLAY_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }
  if (self->options.kiosk)
    {
      HallKioskWindow *kiosk = hall_kiosk_window_new (GTK_APPLICATION (self), &self->options);

      if (!self->options.windowed)
        fullscreen (GTK_WINDOW (kiosk));
      gtk_window_present (GTK_WINDOW (kiosk));
    }
  else
    start_board (self);
}

static void
hall_display_application_shutdown (GApplication *application)
{
  HallDisplayApplication *self = HALL_DISPLAY_APPLICATION (application);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->feed != NULL)
    hall_queue_feed_stop (self->feed);
  G_APPLICATION_CLASS (hall_display_application_parent_class)->shutdown (application);
}

static void
hall_display_application_finalize (GObject *object)
{
  HallDisplayApplication *self = HALL_DISPLAY_APPLICATION (object);

  g_clear_object (&self->announcer);
  g_clear_object (&self->feed);
  g_clear_object (&self->board);
  hall_display_options_clear (&self->options);
  G_OBJECT_CLASS (hall_display_application_parent_class)->finalize (object);
}

static void
hall_display_application_class_init (HallDisplayApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = hall_display_application_finalize;
  application_class->activate = hall_display_application_activate;
  application_class->shutdown = hall_display_application_shutdown;
}

static void
hall_display_application_init (HallDisplayApplication *self)
{
}

HallDisplayApplication *
hall_display_application_new (const HallDisplayOptions *options)
{
  HallDisplayApplication *self;

  g_return_val_if_fail (options != NULL && options->server_url != NULL, NULL);
  self = g_object_new (HALL_TYPE_DISPLAY_APPLICATION,
                       "application-id", DISPLAY_APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
  self->options = *options;
  self->options.server_url = g_strdup (options->server_url);
  self->options.hall_name = g_strdup (options->hall_name);
  self->options.audio_sink = g_strdup (options->audio_sink);
  self->options.user = g_strdup (options->user);
  self->options.password = g_strdup (options->password);
  self->options.ticket_pdf_dir = g_strdup (options->ticket_pdf_dir);
  return self;
}
