/* hall-stats-page.h — the supervisor page: the hall's figures and charts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-catalog.h"
#include "hall-store.h"
#include "hall-sync-engine.h"

G_BEGIN_DECLS

#define HALL_TYPE_STATS_PAGE (hall_stats_page_get_type ())
G_DECLARE_FINAL_TYPE (HallStatsPage, hall_stats_page, HALL, STATS_PAGE, GtkWidget)

/* The figures of GET /v1/stats for a range of the hall's days (this month
 * at first): the headline figures (opened, finished, on-time share,
 * overdue now) and the four charts of src/render (cases per day, the heat
 * map of services × weeks, waiting time by hour, the top return reasons).
 * A figure the server hides reads "< 5". The requests run on the sync
 * engine's worker; a spinner turns meanwhile and a failure is said in
 * words on the page.
 *
 * Clicking a day's bar, a heat-map cell or a reason lists the cases behind
 * it from the counter's store (its own and those it pulled);
 * "case-activated" (HallCase) when one is opened.
 *
 * The dates open a popover for any range of the hall's days (at most a
 * year); the page opens on the hall's month (+08:00), whatever the
 * machine's zone. The figures shown export as CSV (by service) or as the
 * PDF report (hall-stats-page-export.c).
 *
 * Actions: "stats.previous" (Page Up), "stats.next" (Page Down),
 * "stats.refresh" (Ctrl+R), "stats.show-range" (the popover's dates),
 * "stats.export-csv", "stats.export-pdf" (a save dialog). */

GtkWidget      *hall_stats_page_new          (void);
/* Where the figures come from: the server through @engine; when it cannot
 * be reached (or @engine is NULL), this counter's own cases in @store,
 * said so on the page. NULL for both empties the page. Loads the range
 * shown. */
void            hall_stats_page_set_context  (HallStatsPage  *self,
                                              HallStore      *store,
                                              HallSyncEngine *engine,
                                              HallCatalog    *catalog);
/* Shows the hall's days @from … @to (YYYY-MM-DD; a range
 * hall_stats_month_check_range() accepts) and loads them. */
void            hall_stats_page_set_range    (HallStatsPage  *self,
                                              const char     *from,
                                              const char     *to);
/* Reads the figures again. */
void            hall_stats_page_refresh      (HallStatsPage  *self);
/* Whether a load is in flight. */
gboolean        hall_stats_page_get_busy     (HallStatsPage  *self);

G_END_DECLS
