/* hall-case-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-catalog.h"
#include "hall-store.h"
#include "hall-sync-engine.h"

G_BEGIN_DECLS

#define HALL_TYPE_CASE_PAGE (hall_case_page_get_type ())
G_DECLARE_FINAL_TYPE (HallCasePage, hall_case_page, HALL, CASE_PAGE, GtkWidget)

/* One case: its number, applicant, service, state, the countdown to the
 * promised time, the document checklist, the timeline and where it stands
 * with the server. The applicant and the timeline are read on a worker
 * thread; the page refreshes when the store says the case changed.
 *
 * When a change of the case or its applicant met a newer one on the server,
 * the page shows the fields that differ, "This counter" against "Server",
 * and the official keeps one side; the other goes into the timeline. When
 * the applicant was registered at another counter first (the same identity
 * document), the page shows both records and the official merges this
 * counter's into the other: the cases move, none is lost.
 *
 * Properties: "store", "catalog", "official" (who adds notes and decides
 * conflicts), "case", "loading".
 * Actions: case.add-note, case.keep-mine, case.take-theirs (enabled while a
 * conflict is open), case.merge-applicant (while a duplicate is),
 * case.scan-document (s: the checklist's document id; opens the scanning
 * window for that document), case.print-dossier, case.save-dossier (the
 * case's documents as one PDF in the Documents folder). */

GtkWidget  *hall_case_page_new                (void);
void        hall_case_page_set_store          (HallCasePage *self,
                                               HallStore    *store);
void        hall_case_page_set_catalog        (HallCasePage *self,
                                               HallCatalog  *catalog);
/* The engine the scanning windows it opens fetch pulled pages with. */
void        hall_case_page_set_sync_engine    (HallCasePage   *self,
                                               HallSyncEngine *engine);
void        hall_case_page_set_official       (HallCasePage *self,
                                               const char   *official);
HallCase   *hall_case_page_get_case           (HallCasePage *self);
/* NULL shows "No case selected". */
void        hall_case_page_set_case           (HallCasePage *self,
                                               HallCase     *kase);
gboolean    hall_case_page_get_loading        (HallCasePage *self);
/* What the page shows, for tests. */
const char *hall_case_page_get_countdown_text (HallCasePage *self);
const char *hall_case_page_get_document_text  (HallCasePage *self);
guint       hall_case_page_get_n_events       (HallCasePage *self);
/* The differing fields as shown, "Field\nThis counter: …\nServer: …" each,
 * and a duplicate's two records, "Title\nName · document · contact" each,
 * blank lines between; "" when no conflict is open. */
const char *hall_case_page_get_conflict_text  (HallCasePage *self);
/* The timeline's entries as shown, "Title\nSubtitle" each (the subtitle
 * is the counter's claim, then the server's record on a line of its own
 * when there is one), blank lines between; "" before the first read. */
const char *hall_case_page_get_timeline_text  (HallCasePage *self);

/* The applicant row's icon: "avatar-default-symbolic" for a person,
 * "hall-business-symbolic" for a business. */
const char     *hall_case_page_get_applicant_icon_name (HallCasePage *self);

G_END_DECLS
