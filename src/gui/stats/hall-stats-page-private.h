/* hall-stats-page-private.h — what the supervisor page's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-chart.h"
#include "hall-stats-month.h"
#include "hall-stats-page-test-hooks.h"
#include "hall-stats-page.h"

G_BEGIN_DECLS

struct _HallStatsPage
{
  GtkWidget        parent_instance;

  GtkLabel        *range_label;
  GtkMenuButton   *range_button;
  GtkPopover      *range_popover;
  GtkEntry        *from_entry;
  GtkEntry        *to_entry;
  GtkLabel        *from_error;
  GtkLabel        *to_error;
  GtkSpinner      *spinner;
  GtkLabel        *message_label;
  GtkLabel        *opened_label;
  GtkLabel        *finished_label;
  GtkLabel        *on_time_label;
  GtkLabel        *overdue_label;
  GtkDrawingArea  *daily_area;
  GtkDrawingArea  *heatmap_area;
  GtkDrawingArea  *wait_area;
  GtkDrawingArea  *reasons_area;
  GtkWidget       *cases_box;
  GtkLabel        *cases_title;
  GtkListBox      *cases_list;

  HallStore       *store;
  HallSyncEngine  *engine;
  HallCatalog     *catalog;
  GHashTable      *service_labels;
  GHashTable      *reason_labels;
  GCancellable    *cancellable;
  GCancellable    *cases_cancellable;
  GCancellable    *export_cancellable;
  GtkFileChooserNative *chooser;
  char            *export_message;
  gint64           now;       /* a fixed clock (Unix seconds), or 0 */
  guint            generation;    /* of the load: each load() counts one */
  guint            month_generation; /* the load @month came from */
  gint64           first_drawn;   /* monotonic µs, 0 until a chart drew the
                                   * figures of the last load */
  GPtrArray       *cases;     /* (element-type HallCase) listed */
  HallStatsMonth  *month;
  HallChartInfo   *infos[HALL_STATS_N_CHARTS];
  GDate            from;
  GDate            to;
  gboolean         busy;
  gboolean         exporting;
  gboolean         offline;   /* the figures are this counter's own */
};

/* hall-stats-page.c: enables the export actions by the page's state. */
void _hall_stats_page_update_actions (HallStatsPage *self);

/* hall-stats-page-export.c: "stats.export-csv" and "stats.export-pdf",
 * and what dispose lets go of. */
void _hall_stats_page_export_action  (GtkWidget     *widget,
                                      const char    *action_name,
                                      GVariant      *parameter);
void _hall_stats_page_export_dispose (HallStatsPage *self);

G_END_DECLS
