/* hall-display-window.c — the board's full-screen window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-display"

#include "config.h"

#include "hall-board-painter.h"
#include "hall-display-window.h"

#define FRAME_MS (HALL_BOARD_FRAME_US / 1000)

struct _HallDisplayWindow
{
  GtkApplicationWindow parent_instance;

  GtkDrawingArea   *area;

  HallBoard        *board;
  HallBoardPainter *painter;
  guint             animation_id;
  guint             clock_id;
  guint             n_draws;
};

G_DEFINE_FINAL_TYPE (HallDisplayWindow, hall_display_window, GTK_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_BOARD,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
draw_cb (GtkDrawingArea *area,
         cairo_t        *cr,
         int             width,
         int             height,
         gpointer        user_data)
{
  HallDisplayWindow *self = user_data;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  self->n_draws++;
  hall_board_painter_draw (self->painter, cr, width, height, now, g_get_monotonic_time ());
}

/* Animation: frames only while a call pulses. */

static gboolean
animate_cb (gpointer user_data)
{
  HallDisplayWindow *self = user_data;

  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  if (hall_board_is_animating (self->board, g_get_monotonic_time ()))
    return G_SOURCE_CONTINUE;
  self->animation_id = 0;
  return G_SOURCE_REMOVE;
}

static void
board_changed_cb (HallBoard         *board,
                  HallDisplayWindow *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  if (self->animation_id == 0 && hall_board_is_animating (board, g_get_monotonic_time ()))
    self->animation_id = g_timeout_add (FRAME_MS, animate_cb, self);
}

/* The clock: a redraw when the minute turns. */

static gboolean clock_cb (gpointer user_data);

static void
schedule_clock (HallDisplayWindow *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  guint ms = (guint) (60000 - (g_date_time_get_second (now) * 1000
                               + g_date_time_get_microsecond (now) / 1000) % 60000);

  self->clock_id = g_timeout_add (ms + 5, clock_cb, self);
}

static gboolean
clock_cb (gpointer user_data)
{
  HallDisplayWindow *self = user_data;

  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  schedule_clock (self);
  return G_SOURCE_REMOVE;
}

static void
hall_display_window_constructed (GObject *object)
{
  HallDisplayWindow *self = HALL_DISPLAY_WINDOW (object);

  G_OBJECT_CLASS (hall_display_window_parent_class)->constructed (object);

  self->painter = hall_board_painter_new (self->board);
  gtk_drawing_area_set_draw_func (self->area, draw_cb, self, NULL);
  g_signal_connect_object (self->board, "changed", G_CALLBACK (board_changed_cb), self, 0);
  /* A board on a wall has no pointer to show. */
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "none");
  schedule_clock (self);
}

static void
hall_display_window_dispose (GObject *object)
{
  HallDisplayWindow *self = HALL_DISPLAY_WINDOW (object);

  g_clear_handle_id (&self->animation_id, g_source_remove);
  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_object (&self->painter);
  g_clear_object (&self->board);
  G_OBJECT_CLASS (hall_display_window_parent_class)->dispose (object);
}

static void
hall_display_window_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HallDisplayWindow *self = HALL_DISPLAY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BOARD:
      g_value_set_object (value, self->board);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_display_window_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HallDisplayWindow *self = HALL_DISPLAY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BOARD:
      self->board = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_display_window_class_init (HallDisplayWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hall_display_window_constructed;
  object_class->dispose = hall_display_window_dispose;
  object_class->get_property = hall_display_window_get_property;
  object_class->set_property = hall_display_window_set_property;

  properties[PROP_BOARD] =
    g_param_spec_object ("board", NULL, NULL, HALL_TYPE_BOARD,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Display/hall-display-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HallDisplayWindow, area);
}

static void
hall_display_window_init (HallDisplayWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

HallDisplayWindow *
hall_display_window_new (GtkApplication *application,
                         HallBoard      *board)
{
  return g_object_new (HALL_TYPE_DISPLAY_WINDOW, "application", application, "board", board, NULL);
}

guint
hall_display_window_get_n_draws (HallDisplayWindow *self)
{
  g_return_val_if_fail (HALL_IS_DISPLAY_WINDOW (self), 0);
  return self->n_draws;
}
