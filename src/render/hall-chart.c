/* hall-chart.c — what the supervisor's charts share: palette, text, hatching
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "hall-chart-private.h"

static const double palette[][3] = {
  [HALL_CHART_BLUE]       = { 0x35 / 255., 0x84 / 255., 0xe4 / 255. },
  [HALL_CHART_GREEN]      = { 0x2e / 255., 0xc2 / 255., 0x7e / 255. },
  [HALL_CHART_YELLOW]     = { 0xf5 / 255., 0xc2 / 255., 0x11 / 255. },
  [HALL_CHART_ORANGE]     = { 0xff / 255., 0x78 / 255., 0x00 / 255. },
  [HALL_CHART_RED]        = { 0xe0 / 255., 0x1b / 255., 0x24 / 255. },
  [HALL_CHART_TEXT]       = { 0x24 / 255., 0x1f / 255., 0x31 / 255. },
  [HALL_CHART_DIM]        = { 0x77 / 255., 0x76 / 255., 0x7b / 255. },
  [HALL_CHART_GRID]       = { 0xde / 255., 0xdd / 255., 0xda / 255. },
  [HALL_CHART_BACKGROUND] = { 1.0, 1.0, 1.0 },
};

static void
hit_clear (gpointer data)
{
  g_free (((HallChartHit *) data)->key);
}

HallChartInfo *
hall_chart_info_new (void)
{
  HallChartInfo *info = g_new0 (HallChartInfo, 1);

  info->texts = g_ptr_array_new_with_free_func (g_free);
  info->hits = g_array_new (FALSE, TRUE, sizeof (HallChartHit));
  g_array_set_clear_func (info->hits, hit_clear);
  return info;
}

void
hall_chart_info_free (HallChartInfo *info)
{
  if (info == NULL)
    return;
  g_ptr_array_unref (info->texts);
  g_array_unref (info->hits);
  g_free (info);
}

const char *
hall_chart_info_hit (HallChartInfo *info,
                     double         x,
                     double         y)
{
  for (guint i = 0; i < info->hits->len; i++)
    {
      HallChartHit *hit = &g_array_index (info->hits, HallChartHit, i);

      if (x >= hit->x && x < hit->x + hit->width && y >= hit->y && y < hit->y + hit->height)
        return hit->key;
    }
  return NULL;
}

gboolean
hall_chart_info_has_text (HallChartInfo *info,
                          const char    *needle)
{
  for (guint i = 0; i < info->texts->len; i++)
    if (strstr (g_ptr_array_index (info->texts, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

void
_hall_chart_color (cairo_t        *cr,
                   HallChartColor  color)
{
  cairo_set_source_rgb (cr, palette[color][0], palette[color][1], palette[color][2]);
}

void
_hall_chart_share_color (cairo_t *cr,
                         double   share)
{
  const double *a, *b;
  double t = CLAMP (share / 0.5, 0.0, 1.0);

  if (t < 0.5)
    a = palette[HALL_CHART_GREEN], b = palette[HALL_CHART_YELLOW], t *= 2;
  else
    a = palette[HALL_CHART_YELLOW], b = palette[HALL_CHART_RED], t = (t - 0.5) * 2;
  cairo_set_source_rgb (cr, a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t,
                        a[2] + (b[2] - a[2]) * t);
}

double
_hall_chart_text (cairo_t        *cr,
                  HallChartInfo  *info,
                  const char     *text,
                  double          x,
                  double          y,
                  double          size,
                  gboolean        bold,
                  double          xalign,
                  double          yalign,
                  HallChartColor  color)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (HALL_CHART_FONT);
  int w, h;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, &w, &h);

  cairo_save (cr);
  _hall_chart_color (cr, color);
  cairo_move_to (cr, x - xalign * w / PANGO_SCALE, y - yalign * h / PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  if (info != NULL)
    g_ptr_array_add (info->texts, g_strdup (pango_layout_get_text (layout)));
  return (double) w / PANGO_SCALE;
}

void
_hall_chart_frame (cairo_t       *cr,
                   HallChartInfo *info,
                   const char    *title,
                   double         width,
                   double         height,
                   HallChartRect *plot)
{
  cairo_save (cr);
  _hall_chart_color (cr, HALL_CHART_BACKGROUND);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);
  /* A chart half a page wide gets a smaller title, so it stays on one line. */
  _hall_chart_text (cr, info, title, 12, 8, width < 400 ? 11 : 15, TRUE, 0, 0, HALL_CHART_TEXT);
  plot->x = 56;
  plot->y = 40;
  plot->width = MAX (width - 56 - 56, 10);
  plot->height = MAX (height - 40 - 36, 10);
}

void
_hall_chart_empty (cairo_t       *cr,
                   HallChartInfo *info,
                   HallChartRect *plot)
{
  _hall_chart_note (cr, info, plot, _("No figures for these dates"), NULL);
}

void
_hall_chart_note (cairo_t       *cr,
                  HallChartInfo *info,
                  HallChartRect *plot,
                  const char    *text,
                  const char    *detail)
{
  double y = plot->y + plot->height / 2;

  _hall_chart_text (cr, info, text, plot->x + plot->width / 2, detail != NULL ? y - 2 : y,
                    13, FALSE, 0.5, detail != NULL ? 1 : 0.5, HALL_CHART_DIM);
  if (detail != NULL)
    _hall_chart_text (cr, info, detail, plot->x + plot->width / 2, y + 2, 10, FALSE, 0.5, 0,
                      HALL_CHART_DIM);
}

void
_hall_chart_hatch (cairo_t *cr,
                   double   x,
                   double   y,
                   double   width,
                   double   height)
{
  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  _hall_chart_color (cr, HALL_CHART_GRID);
  cairo_fill_preserve (cr);
  cairo_clip (cr);
  _hall_chart_color (cr, HALL_CHART_DIM);
  cairo_set_line_width (cr, 1);
  for (double d = -height; d < width; d += 6)
    {
      cairo_move_to (cr, x + d, y + height);
      cairo_line_to (cr, x + d + height, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
_hall_chart_add_hit (HallChartInfo *info,
                     double         x,
                     double         y,
                     double         width,
                     double         height,
                     const char    *key)
{
  HallChartHit hit = { x, y, width, height, g_strdup (key) };

  if (info != NULL)
    g_array_append_val (info->hits, hit);
  else
    g_free (hit.key);
}

double
_hall_chart_nice_max (double  value,
                      double *step)
{
  double magnitude, normal;

  if (value <= 0)
    value = 1;
  magnitude = pow (10, floor (log10 (value)));
  normal = value / magnitude;
  if (normal <= 1)
    *step = 0.25 * magnitude;
  else if (normal <= 2)
    *step = 0.5 * magnitude;
  else if (normal <= 5)
    *step = 1 * magnitude;
  else
    *step = 2 * magnitude;
  return ceil (value / *step) * *step;
}
