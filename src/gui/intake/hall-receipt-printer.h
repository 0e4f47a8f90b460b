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

/* Prints on the default receipt printer with no dialog; without one yet,
 * shows the print dialog over @parent, and the printer chosen there becomes
 * the default (kept in the GSettings key "receipt-printer"). Never blocks
 * the main loop. Finishes with G_IO_ERROR_CANCELLED when the official
 * cancels. */
void                hall_receipt_printer_print_async     (HallReceiptPrinter  *self,
                                                          HallReceipt         *receipt,
                                                          GtkWindow           *parent,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* The same, always with the dialog (Ctrl+Shift+P): to choose another
 * printer or more copies; the printer chosen becomes the default. */
void                hall_receipt_printer_print_with_dialog_async (HallReceiptPrinter  *self,
                                                          HallReceipt         *receipt,
                                                          GtkWindow           *parent,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* Finishes either of the two above. */
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

/* (nullable): the printer receipts go to without a dialog. */
const char         *hall_receipt_printer_get_default_printer (HallReceiptPrinter *self);
/* Sets it, and keeps it in GSettings when the schema is installed; NULL or
 * "" forgets it. */
void                hall_receipt_printer_set_default_printer (HallReceiptPrinter *self,
                                                          const char         *name);
/* Where "Print to File" writes, for a counter whose "printer" is a folder
 * of PDFs (and for tests). */
void                hall_receipt_printer_set_output_uri  (HallReceiptPrinter  *self,
                                                          const char          *uri);
/* (transfer full): where receipts are saved as PDF by default: the user's
 * documents folder (G_USER_DIRECTORY_DOCUMENTS), else home. */
GFile              *hall_receipt_printer_get_pdf_folder  (void);

G_END_DECLS
