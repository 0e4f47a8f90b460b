/* hall-license-printer.h — a case's license on paper or as a PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hall-catalog.h"
#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_LICENSE_PRINTER (hall_license_printer_get_type ())
G_DECLARE_FINAL_TYPE (HallLicensePrinter, hall_license_printer, HALL, LICENSE_PRINTER, GObject)

/* The license issued for @kase (hall-license.h: A4, Chinese and English,
 * its QR code), as the store holds it; HALL_STORE_ERROR_NOT_FOUND when the
 * case has none yet (it is issued when its last step is approved). */
HallLicensePrinter *hall_license_printer_new      (HallStore               *store,
                                                   HallCatalog             *catalog,
                                                   HallCase                *kase,
                                                   GError                 **error);
/* (transfer none): "YC-2026-C01-L000001". */
const char         *hall_license_printer_get_number (HallLicensePrinter    *self);
/* Prints through GtkPrintOperation with its dialog over @parent
 * (@action GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG), or writes what would
 * be printed to @export_file (GTK_PRINT_OPERATION_ACTION_EXPORT). */
gboolean            hall_license_printer_print    (HallLicensePrinter      *self,
                                                   GtkWindow               *parent,
                                                   GtkPrintOperationAction  action,
                                                   GFile                   *export_file,
                                                   GError                 **error);
/* Writes the license as "LICENSE-NUMBER.pdf" in @folder (NULL: the user's
 * documents folder, else the home folder), replacing an older one.
 * (transfer full): the file written. */
GFile              *hall_license_printer_save_pdf (HallLicensePrinter      *self,
                                                   GFile                   *folder,
                                                   GError                 **error);

G_END_DECLS
