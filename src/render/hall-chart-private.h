/* hall-chart-private.h — drawing helpers the chart files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "hall-chart.h"

G_BEGIN_DECLS

#define HALL_CHART_FONT "Noto Sans CJK SC"

/* The GNOME palette. */
typedef enum
{
  HALL_CHART_BLUE,
  HALL_CHART_GREEN,
  HALL_CHART_YELLOW,
  HALL_CHART_ORANGE,
  HALL_CHART_RED,
  HALL_CHART_TEXT,
  HALL_CHART_DIM,
  HALL_CHART_GRID,
  HALL_CHART_BACKGROUND,
} HallChartColor;

typedef struct
{
  double x, y, width, height;
} HallChartRect;

void    _hall_chart_color       (cairo_t        *cr,
                                 HallChartColor  color);
/* Green (0) through yellow to red (0.5 and more). */
void    _hall_chart_share_color (cairo_t        *cr,
                                 double          share);
/* Draws @text with its anchor at (@x, @y): @xalign 0 left, 0.5 centre, 1
 * right; @yalign likewise from the top. Returns the text's width. */
double  _hall_chart_text        (cairo_t        *cr,
                                 HallChartInfo  *info,
                                 const char     *text,
                                 double          x,
                                 double          y,
                                 double          size,
                                 gboolean        bold,
                                 double          xalign,
                                 double          yalign,
                                 HallChartColor  color);
/* Background and title; *@plot is what is left for the chart. */
void    _hall_chart_frame       (cairo_t        *cr,
                                 HallChartInfo  *info,
                                 const char     *title,
                                 double          width,
                                 double          height,
                                 HallChartRect  *plot);
/* The "nothing to show" note in the middle of @plot. */
void    _hall_chart_empty       (cairo_t        *cr,
                                 HallChartInfo  *info,
                                 HallChartRect  *plot);
/* A note in the middle of @plot in place of a chart, @detail (nullable)
 * smaller under it. */
void    _hall_chart_note        (cairo_t        *cr,
                                 HallChartInfo  *info,
                                 HallChartRect  *plot,
                                 const char     *text,
                                 const char     *detail);
/* A grey hatched rectangle: a figure hidden because it is under 5. */
void    _hall_chart_hatch       (cairo_t        *cr,
                                 double          x,
                                 double          y,
                                 double          width,
                                 double          height);
void    _hall_chart_add_hit     (HallChartInfo  *info,
                                 double          x,
                                 double          y,
                                 double          width,
                                 double          height,
                                 const char     *key);
/* A round upper bound for an axis, and its step. */
double  _hall_chart_nice_max    (double          value,
                                 double         *step);

G_END_DECLS
