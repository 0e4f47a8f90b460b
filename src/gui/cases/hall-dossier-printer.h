/* hall-dossier-printer.h — a case's dossier on paper or as a PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hall-catalog.h"
#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_DOSSIER_PRINTER (hall_dossier_printer_get_type ())
G_DECLARE_FINAL_TYPE (HallDossierPrinter, hall_dossier_printer, HALL, DOSSIER_PRINTER, GObject)

/* The dossier of one case (hall-dossier.h: a cover, then the pages of the
 * checklist's documents in order), as the store holds it when made. */
HallDossierPrinter *hall_dossier_printer_new         (HallStore           *store,
                                                      HallCatalog         *catalog,
                                                      HallCase            *kase,
                                                      GError             **error);
/* Pages of the dossier: the cover and every stored page. */
guint               hall_dossier_printer_get_n_pages (HallDossierPrinter  *self);
/* Prints through GtkPrintOperation with its dialog over @parent
 * (@action GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG), or writes what would
 * be printed to @export_file (GTK_PRINT_OPERATION_ACTION_EXPORT). */
gboolean            hall_dossier_printer_print       (HallDossierPrinter  *self,
                                                      GtkWindow           *parent,
                                                      GtkPrintOperationAction action,
                                                      GFile               *export_file,
                                                      GError             **error);
/* Writes the dossier as "CASE-NUMBER.pdf" in @folder (NULL: the user's
 * documents folder, else the home folder), replacing an older one.
 * (transfer full): the file written. */
GFile              *hall_dossier_printer_save_pdf    (HallDossierPrinter  *self,
                                                      GFile               *folder,
                                                      GError             **error);

G_END_DECLS
