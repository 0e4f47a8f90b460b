/* hall-receipt.h — the intake receipt handed to an applicant
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "hall-applicant.h"
#include "hall-case.h"
#include "hall-service.h"

G_BEGIN_DECLS

/* A5 portrait, in PostScript points. */
#define HALL_RECEIPT_WIDTH  419.528
#define HALL_RECEIPT_HEIGHT 595.276

#define HALL_TYPE_RECEIPT (hall_receipt_get_type ())
G_DECLARE_FINAL_TYPE (HallReceipt, hall_receipt, HALL, RECEIPT, GObject)

/* What the applicant takes home after an intake: the hall's name, the case
 * number in large type and as a QR code, applicant, service, when the case
 * was taken in and is promised, which required documents were received and
 * which are missing, the counter and the official.
 *
 * A receipt keeps references to the objects it is made from and never
 * changes them, so it may be rendered on a worker thread once built. */
/* (transfer full): @applicant and @service may be NULL. */
HallReceipt   *hall_receipt_new        (HallCase      *kase,
                                        HallApplicant *applicant,
                                        HallService   *service);

/* (transfer none) */
HallCase      *hall_receipt_get_case      (HallReceipt *self);
/* Defaults to a translated "Citizens Service Hall". */
const char    *hall_receipt_get_hall_name (HallReceipt *self);
void           hall_receipt_set_hall_name (HallReceipt *self,
                                           const char  *hall_name);

/* Whether @template is a status page address a receipt can use: http(s),
 * no spaces, with "{number}" where the case number goes. */
gboolean       hall_receipt_status_url_is_valid (const char  *template);
/* The hall's status page for a case, such as
 * "https://hall.example/c/{number}": the QR code opens it, while the case
 * number stays printed beside it. NULL, or an address that is not valid,
 * puts the bare case number in the code. */
void           hall_receipt_set_status_url (HallReceipt *self,
                                            const char  *template);
/* The official's display name, printed instead of the case's user name. */
void           hall_receipt_set_official_name (HallReceipt *self,
                                               const char  *official_name);
/* (transfer full) (nullable): who the hall calls at a business applicant,
 * as printed ("Li Ming · 13800138000"); NULL for a person, or a business
 * that gave neither a contact person nor a phone. */
char          *hall_receipt_dup_contact_text (HallReceipt *self);
/* (transfer full): what the QR code holds: the status page address with
 * the case number (URI-escaped) in it, or the bare number. */
char          *hall_receipt_dup_qr_text   (HallReceipt *self);

/* Draws the receipt into the rectangle (0, 0, @width, @height) of @cr, in
 * @cr's user units, scaled to fit while keeping the A5 proportions.
 * Text is laid out with Pango in "Noto Sans CJK SC" so Chinese renders. */
void           hall_receipt_render        (HallReceipt *self,
                                           cairo_t     *cr,
                                           double       width,
                                           double       height);

/* Writes a one-page A5 PDF to @file (replacing it). */
gboolean       hall_receipt_write_pdf     (HallReceipt *self,
                                           GFile       *file,
                                           GError     **error);
/* The same on a worker thread, for a window: the receipt never changes once
 * built, so the worker reads it as it is. Cancelled before it begins,
 * nothing is written (G_IO_ERROR_CANCELLED); a PDF that was written is
 * reported as written. */
void           hall_receipt_write_pdf_async  (HallReceipt         *self,
                                              GFile               *file,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       hall_receipt_write_pdf_finish (HallReceipt         *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
