/* hall-intake-dialog-private.h — for the intake's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-applicant-form.h"
#include "hall-intake-dialog.h"
#include "hall-receipt-printer.h"

G_BEGIN_DECLS

GtkEditable        *_hall_intake_dialog_get_search_entry     (HallIntakeDialog *self);
HallApplicantForm  *_hall_intake_dialog_get_applicant_form   (HallIntakeDialog *self);
/* "service", "applicant", "documents", "confirm" or "done". */
const char         *_hall_intake_dialog_get_step             (HallIntakeDialog *self);
/* The search text the service list is filtered by (the entry applies
 * what is typed after a short delay). */
const char         *_hall_intake_dialog_get_search_query     (HallIntakeDialog *self);
HallService        *_hall_intake_dialog_get_selected_service (HallIntakeDialog *self);
/* The service chosen for the intake. */
HallService        *_hall_intake_dialog_get_service          (HallIntakeDialog *self);
guint               _hall_intake_dialog_get_n_documents      (HallIntakeDialog *self);
GtkCheckButton     *_hall_intake_dialog_get_document_check   (HallIntakeDialog *self,
                                                              guint             index);
/* The warning shown under the checklist, or NULL. */
const char         *_hall_intake_dialog_get_missing_text     (HallIntakeDialog *self);
GtkEditable        *_hall_intake_dialog_get_note             (HallIntakeDialog *self);
GtkWidget          *_hall_intake_dialog_get_next_button      (HallIntakeDialog *self);
gboolean            _hall_intake_dialog_is_saving            (HallIntakeDialog *self);
HallCase           *_hall_intake_dialog_get_case             (HallIntakeDialog *self);
HallReceipt        *_hall_intake_dialog_get_receipt          (HallIntakeDialog *self);
HallReceiptPrinter *_hall_intake_dialog_get_printer          (HallIntakeDialog *self);
const char         *_hall_intake_dialog_get_case_number_text (HallIntakeDialog *self);
/* The applicant as the confirm step sums it up. */
const char         *_hall_intake_dialog_get_applicant_summary (HallIntakeDialog *self);
/* What the confirm step says of an applicant found after a save met it,
 * or NULL. */
const char         *_hall_intake_dialog_get_notice_text      (HallIntakeDialog *self);
/* Why the case could not be opened, as shown on the confirm step, or NULL. */
const char         *_hall_intake_dialog_get_error_text       (HallIntakeDialog *self);

G_END_DECLS
