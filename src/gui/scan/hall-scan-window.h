/* hall-scan-window.h — the pages of one document of a case: scan, import,
 * turn, order and delete them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-scanner.h"
#include "hall-store.h"
#include "hall-sync-engine.h"

G_BEGIN_DECLS

#define HALL_TYPE_SCAN_WINDOW (hall_scan_window_get_type ())
G_DECLARE_FINAL_TYPE (HallScanWindow, hall_scan_window, HALL, SCAN_WINDOW, AdwWindow)

/* A window for one slot (a document of the checklist) of one case. Every
 * page scanned or imported goes into the store at once, into that slot;
 * turning, moving and deleting a page change the store as they are done.
 *
 * Properties: "store", "scanner" (NULL: the program's one scanner thread),
 * "camera" (NULL: the program's one HallCamera),
 * "case-uuid", "slot", "slot-title", "official" (construct-only).
 * Actions: "scan.redetect", "scan.scan", "scan.cancel", "scan.import",
 * "scan.rotate" (s: page uuid), "scan.move-up" (s), "scan.move-down" (s),
 * "scan.delete" (s), "scan.rescan" (s), "scan.capture" (the page under the
 * chosen camera, Space), "scan.crop" (s: page uuid: show it with a frame to
 * drag), "scan.crop-apply" (store what is inside in its place),
 * "scan.crop-reset" (the frame back to the whole page), "scan.crop-cancel". */
HallScanWindow *hall_scan_window_new            (HallStore      *store,
                                                 HallScanner    *scanner,
                                                 const char     *case_uuid,
                                                 const char     *slot,
                                                 const char     *slot_title,
                                                 const char     *official);

/* (transfer none) (nullable): the scanning window open on @slot of the
 * case @case_uuid: a second window on the same document would not see
 * the first one's pages come, so callers show that one again. */
HallScanWindow *hall_scan_window_find           (const char     *case_uuid,
                                                 const char     *slot);

/* The engine that fetches the files of pages pulled from other counters
 * when they are shown (nullable: they are then said to be on the server). */
void            hall_scan_window_set_sync_engine (HallScanWindow *self,
                                                  HallSyncEngine *engine);

/* Imports @files (element-type GFile) into the slot, all or none: a file
 * that is refused is shown in a message and nothing is added. */
void            hall_scan_window_import_files   (HallScanWindow *self,
                                                 GListModel     *files);

G_END_DECLS
