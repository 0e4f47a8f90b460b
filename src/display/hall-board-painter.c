/* hall-board-painter.c — the hall's queue board drawn with Cairo and Pango
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The board is bilingual by design, not by locale: a hall's citizens read
 * Chinese or English, so both are always drawn, and its text is not
 * translated.
 */
#define G_LOG_DOMAIN "hall-display"

#include "config.h"

#include <pango/pangocairo.h>

#include "hall-board-painter.h"

#define FONT_FAMILY "Noto Sans CJK SC, Noto Sans, sans-serif"

/* Sizes at 1080 lines; everything is scaled by height / 1080. */
#define HEADER_H    120.0
#define TITLE_Y     140.0
#define ROWS_Y      200.0
#define ROW_H       168.0
#define NUMBER_SIZE 130.0
#define MARGIN      48.0
#define LEFT_SHARE  0.60

struct _HallBoardPainter
{
  GObject    parent_instance;

  HallBoard *board;
};

G_DEFINE_FINAL_TYPE (HallBoardPainter, hall_board_painter, G_TYPE_OBJECT)

typedef struct
{
  double r, g, b;
} Color;

static const Color BACKGROUND = { 0.043, 0.122, 0.227 };
static const Color PANEL = { 0.071, 0.176, 0.310 };
static const Color WHITE = { 1.0, 1.0, 1.0 };
static const Color MUTED = { 0.690, 0.765, 0.855 };
static const Color NUMBER = { 1.0, 0.835, 0.310 };
static const Color HIGHLIGHT = { 1.0, 0.757, 0.027 };
static const Color ALERT = { 0.827, 0.184, 0.184 };

static void
set_color (cairo_t     *cr,
           const Color *color,
           double       alpha)
{
  cairo_set_source_rgba (cr, color->r, color->g, color->b, alpha);
}

/* Draws @text at (@x, @y) (its top); @align 0 left, 1 right, 0.5 centre
 * (of @x); ellipsized at @max_width when > 0. Returns the width drawn. */
static double
draw_text (cairo_t     *cr,
           const char  *text,
           double       size,
           gboolean     bold,
           const Color *color,
           double       x,
           double       y,
           double       align,
           double       max_width)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT_FAMILY);
  int width, height;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &width, &height);
  set_color (cr, color, 1.0);
  cairo_move_to (cr, x - align * width, y);
  pango_cairo_show_layout (cr, layout);
  return width;
}

static void
rounded_rectangle (cairo_t *cr,
                   double   x,
                   double   y,
                   double   w,
                   double   h,
                   double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
draw_header (HallBoardPainter *self,
             cairo_t          *cr,
             int               width,
             double            u,
             GDateTime        *now)
{
  const char *hall = hall_board_get_hall_name (self->board);
  const char *hall_zh = hall_board_get_hall_name_zh (self->board);
  g_autofree char *title = g_strdup_printf ("%s%s%s", hall_zh != NULL ? hall_zh : "",
                                            hall_zh != NULL && *hall_zh != '\0' ? "  " : "",
                                            hall != NULL ? hall : "");
  g_autofree char *clock = g_date_time_format (now, "%H:%M");
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");

  set_color (cr, &PANEL, 1.0);
  cairo_rectangle (cr, 0, 0, width, HEADER_H * u);
  cairo_fill (cr);

  draw_text (cr, title, 48 * u, TRUE, &WHITE, MARGIN * u, 30 * u, 0, width * 0.45);
  draw_text (cr, clock, 64 * u, TRUE, &WHITE, width - MARGIN * u, 14 * u, 1, 0);
  draw_text (cr, date, 26 * u, FALSE, &MUTED, width - 230 * u, 44 * u, 1, 0);

  if (!hall_board_get_online (self->board))
    {
      cairo_rectangle_int_t area;

      hall_board_painter_get_status_area (width, (int) (1080 * u + 0.5), &area);
      set_color (cr, &ALERT, 1.0);
      rounded_rectangle (cr, area.x, area.y, area.width, area.height, 12 * u);
      cairo_fill (cr);
      draw_text (cr, "正在重新连接…  Reconnecting…", 34 * u, TRUE, &WHITE,
                 area.x + area.width / 2.0, area.y + 16 * u, 0.5, area.width - 20 * u);
    }
}

static void
draw_calls (HallBoardPainter *self,
            cairo_t          *cr,
            int               width,
            int               height,
            double            u,
            gint64            now_us)
{
  GPtrArray *calls = hall_board_get_current_calls (self->board);
  double left_w = width * LEFT_SHARE;

  draw_text (cr, "正在呼叫", 44 * u, TRUE, &WHITE, MARGIN * u, TITLE_Y * u, 0, 0);
  draw_text (cr, "Now calling", 34 * u, FALSE, &MUTED, MARGIN * u + 200 * u, (TITLE_Y + 8) * u,
             0, 0);

  if (calls->len == 0)
    {
      draw_text (cr, "请留意叫号", 56 * u, FALSE, &MUTED, left_w / 2, (ROWS_Y + 160) * u, 0.5, 0);
      draw_text (cr, "Please watch for your number", 40 * u, FALSE, &MUTED, left_w / 2,
                 (ROWS_Y + 240) * u, 0.5, 0);
      return;
    }

  for (guint i = 0; i < calls->len; i++)
    {
      HallBoardCall *call = calls->pdata[i];
      cairo_rectangle_int_t area;
      double h = hall_board_call_highlight (call, now_us);
      /* Dark on amber or light on blue, never half-way: either reads. */
      gboolean lit = h >= 0.5;
      const Color *number = lit ? &BACKGROUND : &NUMBER;
      const Color *text = lit ? &BACKGROUND : &WHITE;
      const Color *label = lit ? &PANEL : &MUTED;
      double x, y;

      if (!hall_board_painter_get_call_area (width, height, i, &area))
        break;
      set_color (cr, &PANEL, 1.0);
      rounded_rectangle (cr, area.x, area.y, area.width, area.height, 16 * u);
      cairo_fill (cr);
      if (h > 0)
        {
          set_color (cr, &HIGHLIGHT, h);
          rounded_rectangle (cr, area.x, area.y, area.width, area.height, 16 * u);
          cairo_fill (cr);
        }
      x = area.x + 28 * u;
      y = area.y - 16 * u;
      draw_text (cr, call->number, NUMBER_SIZE * u, TRUE, number, x, y, 0, 0);
      draw_text (cr, "→", 80 * u, FALSE, label, area.x + area.width * 0.44, y + 36 * u, 0.5, 0);
      x = area.x + area.width * 0.52;
      x += draw_text (cr, call->counter, NUMBER_SIZE * u, TRUE, text, x, y, 0, 0);
      draw_text (cr, "号窗口", 42 * u, TRUE, text, x + 16 * u, area.y + 32 * u, 0, 0);
      draw_text (cr, "Counter", 34 * u, FALSE, label, x + 16 * u, area.y + 86 * u, 0, 0);
      if (call->calls > 1)
        draw_text (cr, "再次呼叫 Recall", 24 * u, FALSE, label, area.x + area.width - 20 * u,
                   area.y + area.height - 36 * u, 1, 0);
    }
}

/* The waiting table: a line per group (a hall has a dozen), then the
 * last calls along the bottom. */
static void
draw_groups_and_recent (HallBoardPainter *self,
                        cairo_t          *cr,
                        int               width,
                        int               height,
                        double            u)
{
  GPtrArray *groups = hall_board_get_groups (self->board);
  GPtrArray *recent = hall_board_get_recent_calls (self->board);
  double x = width * LEFT_SHARE + MARGIN * u;
  double w = width - x - MARGIN * u;
  double count_x = x + w * 0.74;
  double y = TITLE_Y * u;
  double recent_y = height - 200 * u;
  double row_h;

  draw_text (cr, "等候", 44 * u, TRUE, &WHITE, x, y, 0, 0);
  draw_text (cr, "Waiting", 34 * u, FALSE, &MUTED, x + 100 * u, y + 8 * u, 0, 0);
  draw_text (cr, "人数 people", 22 * u, FALSE, &MUTED, count_x, y + 22 * u, 1, 0);
  draw_text (cr, "约等 minutes", 22 * u, FALSE, &MUTED, x + w, y + 22 * u, 1, 0);
  y = ROWS_Y * u;
  row_h = groups->len > 0 ? MIN (64 * u, (recent_y - 20 * u - y) / groups->len) : 0;

  for (guint i = 0; i < groups->len; i++)
    {
      HallBoardGroup *group = groups->pdata[i];
      g_autofree char *count = g_strdup_printf ("%d", group->waiting);
      double size = row_h * 0.55;
      double name_x;

      if (i % 2 == 0)
        {
          set_color (cr, &PANEL, 1.0);
          cairo_rectangle (cr, x - 12 * u, y, w + 24 * u, row_h);
          cairo_fill (cr);
        }
      name_x = x + draw_text (cr, group->group, size, TRUE, &NUMBER, x, y + row_h * 0.12, 0, 0);
      name_x += 14 * u;
      if (group->name_zh != NULL)
        name_x += draw_text (cr, group->name_zh, size, TRUE, &WHITE, name_x, y + row_h * 0.12, 0,
                             count_x - name_x - 90 * u) + 12 * u;
      if (group->name_en != NULL && name_x < count_x - 110 * u)
        draw_text (cr, group->name_en, size * 0.72, FALSE, &MUTED, name_x, y + row_h * 0.24, 0,
                   count_x - name_x - 100 * u);
      draw_text (cr, count, size, TRUE, &WHITE, count_x, y + row_h * 0.12, 1, 0);
      if (group->estimated_wait_minutes >= 0)
        {
          g_autofree char *wait = g_strdup_printf ("%d", group->estimated_wait_minutes);

          draw_text (cr, wait, size, TRUE, &NUMBER, x + w, y + row_h * 0.12, 1, 0);
        }
      y += row_h;
    }

  draw_text (cr, "最近呼叫", 34 * u, TRUE, &WHITE, x, recent_y, 0, 0);
  draw_text (cr, "Recent calls", 26 * u, FALSE, &MUTED, x + 150 * u, recent_y + 6 * u, 0, 0);
  for (guint i = 0; i < MIN (recent->len, 6u); i++)
    {
      HallBoardCall *call = recent->pdata[i];
      g_autofree char *line = g_strdup_printf ("%s→%s", call->number, call->counter);
      double cx = x + (i % 3) * (w / 3);
      double cy = recent_y + 56 * u + (i / 3) * 56 * u;

      draw_text (cr, line, 36 * u, FALSE, &MUTED, cx, cy, 0, w / 3 - 10 * u);
    }
}

static void
hall_board_painter_dispose (GObject *object)
{
  HallBoardPainter *self = HALL_BOARD_PAINTER (object);

  g_clear_object (&self->board);
  G_OBJECT_CLASS (hall_board_painter_parent_class)->dispose (object);
}

static void
hall_board_painter_class_init (HallBoardPainterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hall_board_painter_dispose;
}

static void
hall_board_painter_init (HallBoardPainter *self)
{
}

HallBoardPainter *
hall_board_painter_new (HallBoard *board)
{
  HallBoardPainter *self;

  g_return_val_if_fail (HALL_IS_BOARD (board), NULL);
  self = g_object_new (HALL_TYPE_BOARD_PAINTER, NULL);
  self->board = g_object_ref (board);
  return self;
}

void
hall_board_painter_draw (HallBoardPainter *self,
                         cairo_t          *cr,
                         int               width,
                         int               height,
                         GDateTime        *now,
                         gint64            now_us)
{
  double u = height / 1080.0;

  g_return_if_fail (HALL_IS_BOARD_PAINTER (self));

  cairo_save (cr);
  set_color (cr, &BACKGROUND, 1.0);
  cairo_paint (cr);
  draw_header (self, cr, width, u, now);
  draw_calls (self, cr, width, height, u, now_us);
  draw_groups_and_recent (self, cr, width, height, u);
  cairo_restore (cr);
}

gboolean
hall_board_painter_get_call_area (int                    width,
                                  int                    height,
                                  guint                  index,
                                  cairo_rectangle_int_t *area)
{
  double u = height / 1080.0;
  double y = (ROWS_Y + index * ROW_H) * u;

  if (y + (ROW_H - 12) * u > height)
    return FALSE;
  area->x = (int) (MARGIN * u);
  area->y = (int) y;
  area->width = (int) (width * LEFT_SHARE - MARGIN * u);
  area->height = (int) ((ROW_H - 12) * u);
  return TRUE;
}

void
hall_board_painter_get_status_area (int                    width,
                                    int                    height,
                                    cairo_rectangle_int_t *area)
{
  double u = height / 1080.0;

  area->width = (int) (560 * u);
  area->height = (int) (76 * u);
  area->x = (int) (width * 0.48);
  area->y = (int) (22 * u);
}
