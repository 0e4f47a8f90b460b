/* hall-ticket-printer.h — the paper ticket a kiosk prints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HALL_TYPE_TICKET_PRINTER (hall_ticket_printer_get_type ())
G_DECLARE_FINAL_TYPE (HallTicketPrinter, hall_ticket_printer, HALL, TICKET_PRINTER, GObject)

/* Prints one ticket through GtkPrintOperation on the default printer,
 * without a dialog (a kiosk has nobody to answer one), on 80 mm roll
 * paper: the hall, the number (large), the service in Chinese and
 * English, the estimated wait and the time taken. With an export file it
 * writes a PDF instead (halls without a printer, and tests). */
/* (transfer full) */
HallTicketPrinter *hall_ticket_printer_new   (const char        *hall_name,
                                              const char        *number,
                                              const char        *service_zh,
                                              const char        *service_en,
                                              int                estimated_wait_minutes,
                                              GDateTime         *taken_at);
/* @export_pdf NULL: to the printer. */
gboolean           hall_ticket_printer_print (HallTicketPrinter *self,
                                              GtkWindow         *parent,
                                              const char        *export_pdf,
                                              GError           **error);

G_END_DECLS
