/* hall-receipt-printer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hall-receipt.h"

G_BEGIN_DECLS

#define HALL_TYPE_RECEIPT_PRINTER (hall_receipt_printer_get_type ())
G_DECLARE_FINAL_TYPE (HallReceiptPrinter, hall_receipt_printer, HALL, RECEIPT_PRINTER, GObject)

/* Puts a HallReceipt on paper (GtkPrintOperation, one A5 portrait page) or,
 * for a hall without a printer, into a PDF the official picks a place for.
 * The print settings chosen in the dialog (printer, copies) are kept for
 * the next receipt. */
HallReceiptPrinter *hall_receipt_printer_new             (void);

/* Shows the print dialog over @parent and prints; never blocks the main
 * loop. Finishes with G_IO_ERROR_CANCELLED when the official cancels. */
void                hall_receipt_printer_print_async     (HallReceiptPrinter  *self,
                                                          HallReceipt         *receipt,
                                                          GtkWindow           *parent,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            hall_receipt_printer_print_finish    (HallReceiptPrinter  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Asks where to save with a GtkFileChooserNative, then writes the PDF on a
 * worker thread. Returns the file written; G_IO_ERROR_CANCELLED when the
 * official closed the chooser. */
void                hall_receipt_printer_save_pdf_async  (HallReceiptPrinter  *self,
                                                          HallReceipt         *receipt,
                                                          GtkWindow           *parent,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GFile              *hall_receipt_printer_save_pdf_finish (HallReceiptPrinter  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Writes the PDF to @file on a worker thread, with no dialog. */
void                hall_receipt_printer_write_pdf_async (HallReceiptPrinter  *self,
                                                          HallReceipt         *receipt,
                                                          GFile               *file,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            hall_receipt_printer_write_pdf_finish (HallReceiptPrinter *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
