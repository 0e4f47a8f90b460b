/* hall-sync-indicator.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hall-store.h"
#include "hall-sync-engine.h"

G_BEGIN_DECLS

#define HALL_TYPE_SYNC_INDICATOR (hall_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (HallSyncIndicator, hall_sync_indicator, HALL, SYNC_INDICATOR, GtkWidget)

/* The header bar's word on sync: online or offline, how many changes wait,
 * when the last pass ended; its popover offers "Sync Now" (win.sync-now).
 * Without an engine (no server set up) it counts the store's outbox. */

GtkWidget      *hall_sync_indicator_new        (void);
HallStore      *hall_sync_indicator_get_store  (HallSyncIndicator *self);
void            hall_sync_indicator_set_store  (HallSyncIndicator *self,
                                                HallStore         *store);
HallSyncEngine *hall_sync_indicator_get_engine (HallSyncIndicator *self);
void            hall_sync_indicator_set_engine (HallSyncIndicator *self,
                                                HallSyncEngine    *engine);
/* Compact: only the icon on the button, for narrow windows. */
void            hall_sync_indicator_set_compact (HallSyncIndicator *self,
                                                 gboolean           compact);
/* The short text on the button, for tests and tooltips. */
const char     *hall_sync_indicator_get_text   (HallSyncIndicator *self);

/* (transfer none): the sentence of the popover's heading and the tooltip:
 * "Offline — 2 cases and 1 note will be sent when the server is back". */
const char     *hall_sync_indicator_get_status   (HallSyncIndicator *self);
/* (transfer none) (nullable): the technical detail behind "Details", when
 * there is one. */
const char     *hall_sync_indicator_get_details  (HallSyncIndicator *self);

G_END_DECLS
