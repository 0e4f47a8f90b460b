/* hall-intake-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-catalog.h"
#include "hall-case.h"
#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_INTAKE_DIALOG (hall_intake_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HallIntakeDialog, hall_intake_dialog, HALL, INTAKE_DIALOG, AdwWindow)

/* The keyboard-first intake of one walk-in applicant: service, applicant,
 * documents, confirmation, receipt. Modal and transient for @parent.
 *
 * Signals:
 *   "case-created" (HallCase *kase): emitted on the main thread once the case
 *   (and, when new, its applicant) is saved in @store.
 *
 * Actions (group "intake"): intake.next, intake.back, intake.open-case,
 * intake.print-receipt, intake.save-receipt, intake.new-intake. */
HallIntakeDialog *hall_intake_dialog_new (GtkWindow   *parent,
                                          HallStore   *store,
                                          HallCatalog *catalog,
                                          const char  *official_username);

/* The citizen took a queue ticket at @started_at (Unix seconds): the case
 * starts its clock then (see hall_store_create_case()). */
void              hall_intake_dialog_set_started_at (HallIntakeDialog *self,
                                                     gint64            started_at);
/* The signed-in official's display name ("Wang Fang"), printed on receipts
 * instead of the user name. */
void              hall_intake_dialog_set_official_name (HallIntakeDialog *self,
                                                        const char       *official_name);

G_END_DECLS
