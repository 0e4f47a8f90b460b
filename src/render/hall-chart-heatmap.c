/* hall-chart-heatmap.c — services × weeks, coloured by the overdue share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hall-chart-heatmap.h"
#include "hall-chart-private.h"

#define LABEL_WIDTH_SHARE 0.30
/* The lowest row a label of 11 points stays readable in. */
#define MIN_ROW_HEIGHT    14.0

static HallStatsFigures *
find_group (HallStatsReport *report,
            const char      *key)
{
  for (guint i = 0; i < report->groups->len; i++)
    {
      HallStatsFigures *figures = g_ptr_array_index (report->groups, i);
      if (strcmp (figures->key, key) == 0)
        return figures;
    }
  return NULL;
}

/* A service's worst week: its highest overdue share shown, -1 when none
 * is (hidden or empty weeks only). */
static double
worst_share (GPtrArray  *weeks,
             const char *id)
{
  double worst = -1;

  for (guint w = 0; w < weeks->len; w++)
    {
      HallStatsFigures *figures = find_group (g_ptr_array_index (weeks, w), id);

      if (figures != NULL && !figures->overdue_share.suppressed
          && !isnan (figures->overdue_share.value))
        worst = MAX (worst, figures->overdue_share.value);
    }
  return worst;
}

typedef struct
{
  const char *id;
  double      worst;
  guint       order;   /* as first seen, to keep ties in place */
} Ranked;

static int
compare_ranked (const void *a,
                const void *b)
{
  const Ranked *x = a, *y = b;

  if (x->worst != y->worst)
    return x->worst > y->worst ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Keeps the @n_rows services of @services whose worst week is worst,
 * in their order: where the problems cluster is what the chart is for. */
static void
keep_worst (GPtrArray *services,
            GPtrArray *weeks,
            guint      n_rows)
{
  g_autofree Ranked *ranked = g_new (Ranked, services->len);
  g_autoptr(GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  guint out = 0;

  for (guint i = 0; i < services->len; i++)
    {
      ranked[i].id = g_ptr_array_index (services, i);
      ranked[i].worst = worst_share (weeks, ranked[i].id);
      ranked[i].order = i;
    }
  qsort (ranked, services->len, sizeof *ranked, compare_ranked);
  for (guint i = 0; i < n_rows; i++)
    g_hash_table_add (kept, (gpointer) ranked[i].id);
  for (guint i = 0; i < services->len; i++)
    if (g_hash_table_contains (kept, g_ptr_array_index (services, i)))
      services->pdata[out++] = services->pdata[i];
  g_ptr_array_set_size (services, out);
}

void
hall_chart_heatmap_render (GPtrArray     *weeks,
                           GHashTable    *labels,
                           cairo_t       *cr,
                           double         width,
                           double         height,
                           HallChartInfo *info)
{
  HallChartRect plot;
  g_autoptr(GPtrArray) services = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  double label_width, cell_w, cell_h, grid_x;
  guint n_weeks = weeks != NULL ? weeks->len : 0;
  guint n_left_out = 0;

  cairo_save (cr);
  _hall_chart_frame (cr, info, _("Overdue share by service and week"), width, height, &plot);
  for (guint w = 0; w < n_weeks; w++)
    {
      HallStatsReport *report = g_ptr_array_index (weeks, w);
      for (guint i = 0; i < report->groups->len; i++)
        {
          HallStatsFigures *figures = g_ptr_array_index (report->groups, i);
          if (g_hash_table_add (seen, figures->key))
            g_ptr_array_add (services, figures->key);
        }
    }
  if (services->len == 0)
    {
      _hall_chart_empty (cr, info, &plot);
      cairo_restore (cr);
      return;
    }

  plot.x = 12;
  plot.width = width - 24;
  plot.height -= 4;
  label_width = plot.width * LABEL_WIDTH_SHARE;
  grid_x = plot.x + label_width + 8;
  cell_w = (plot.width - label_width - 8) / n_weeks;
  /* More services than rows that can be read (a city's 42 in a page's
   * chart): the worst ones, and a line saying how many are left out. */
  if ((plot.height - 18) / services->len < MIN_ROW_HEIGHT)
    {
      guint n_rows = MAX (1, (guint) floor ((plot.height - 18 - MIN_ROW_HEIGHT) / MIN_ROW_HEIGHT));

      n_left_out = services->len - n_rows;
      keep_worst (services, weeks, n_rows);
    }
  cell_h = MIN ((plot.height - 18 - (n_left_out > 0 ? MIN_ROW_HEIGHT : 0)) / services->len, 36);

  for (guint w = 0; w < n_weeks; w++)
    {
      HallStatsReport *report = g_ptr_array_index (weeks, w);
      g_autofree char *column = g_strdup (strlen (report->from) == 10 ? report->from + 5
                                                                       : report->from);
      _hall_chart_text (cr, info, column, grid_x + (w + 0.5) * cell_w, plot.y, 10, FALSE,
                        0.5, 0, HALL_CHART_DIM);
    }
  for (guint s = 0; s < services->len; s++)
    {
      const char *id = g_ptr_array_index (services, s);
      const char *label = labels != NULL ? g_hash_table_lookup (labels, id) : NULL;
      g_autofree char *shortened = NULL;
      double y = plot.y + 18 + s * cell_h;

      if (label == NULL)
        label = id;
      if (g_utf8_strlen (label, -1) > 20)
        {
          g_autofree char *head = g_utf8_substring (label, 0, 19);
          shortened = g_strconcat (head, "…", NULL);
          label = shortened;
        }
      _hall_chart_text (cr, info, label, grid_x - 8, y + cell_h / 2, 11, FALSE, 1, 0.5,
                        HALL_CHART_TEXT);
      for (guint w = 0; w < n_weeks; w++)
        {
          HallStatsReport *report = g_ptr_array_index (weeks, w);
          HallStatsFigures *figures = find_group (report, id);
          double x = grid_x + w * cell_w;
          g_autofree char *key = NULL;

          if (figures == NULL)
            continue;
          if (figures->opened.suppressed || figures->overdue_share.suppressed)
            {
              _hall_chart_hatch (cr, x + 1, y + 1, cell_w - 2, cell_h - 2);
              _hall_chart_text (cr, info, "< 5", x + cell_w / 2, y + cell_h / 2, 10, TRUE,
                                0.5, 0.5, HALL_CHART_TEXT);
              if (info != NULL)
                info->hidden++;
            }
          else if (!isnan (figures->overdue_share.value))
            {
              g_autofree char *text = g_strdup_printf ("%.0f %%", figures->overdue_share.value * 100);

              _hall_chart_share_color (cr, figures->overdue_share.value);
              cairo_rectangle (cr, x + 1, y + 1, cell_w - 2, cell_h - 2);
              cairo_fill (cr);
              if (cell_w > 34)
                _hall_chart_text (cr, info, text, x + cell_w / 2, y + cell_h / 2, 10, FALSE,
                                  0.5, 0.5, HALL_CHART_TEXT);
            }
          else
            {
              _hall_chart_color (cr, HALL_CHART_GRID);
              cairo_rectangle (cr, x + 1, y + 1, cell_w - 2, cell_h - 2);
              cairo_fill (cr);
            }
          if (info != NULL)
            info->bars++;
          key = g_strdup_printf ("%s|%s|%s", id, report->from, report->to);
          _hall_chart_add_hit (info, x, y, cell_w, cell_h, key);
        }
    }
  if (n_left_out > 0)
    {
      g_autofree char *note =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u more service, with fewer overdue cases, not shown",
                                      "%u more services, with fewer overdue cases, not shown",
                                      n_left_out),
                         n_left_out);

      _hall_chart_text (cr, info, note, grid_x, plot.y + 18 + services->len * cell_h + 2, 10,
                        FALSE, 0, 0, HALL_CHART_DIM);
    }
  cairo_restore (cr);
}
