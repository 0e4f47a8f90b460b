/* hall-chart.h — what the supervisor's charts share: palette, text, hatching
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* What a chart drew, for the page (where a click lands) and for tests
 * (what text was laid out, how many bars). */
typedef struct
{
  guint      bars;    /* bars or cells with a figure drawn */
  guint      hidden;  /* of them, "< 5" cells drawn hatched */
  GPtrArray *texts;   /* (element-type utf8): every Pango layout's text */
  GArray    *hits;    /* (element-type HallChartHit) */
} HallChartInfo;

/* A rectangle a click selects: @key is a day, or "service|week-from". */
typedef struct
{
  double  x, y, width, height;
  char   *key;
} HallChartHit;

/* (transfer full) */
HallChartInfo *hall_chart_info_new     (void);
void           hall_chart_info_free    (HallChartInfo *info);
/* (transfer none) (nullable): the key of the rectangle under (@x, @y). */
const char    *hall_chart_info_hit     (HallChartInfo *info,
                                        double         x,
                                        double         y);
/* Whether some text laid out equals or contains @needle. */
gboolean       hall_chart_info_has_text (HallChartInfo *info,
                                         const char    *needle);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallChartInfo, hall_chart_info_free)

G_END_DECLS
