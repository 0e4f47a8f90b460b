/* hall-kiosk-window.h — the touch screen where citizens take a ticket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-display-application.h"

G_BEGIN_DECLS

#define HALL_TYPE_KIOSK_WINDOW (hall_kiosk_window_get_type ())
G_DECLARE_FINAL_TYPE (HallKioskWindow, hall_kiosk_window, HALL, KIOSK_WINDOW, AdwApplicationWindow)

/* Large buttons, one per service, under their queue group; an entry for
 * an appointment code. A touch takes a ticket (HallKioskClient), prints
 * it (HallTicketPrinter: number, service, estimated wait) and shows it
 * until "Done" or for 20 seconds. Errors are shown as toasts, in words a
 * citizen can act on; nothing is printed then.
 *
 * Actions: "kiosk.take-ticket" (s: the service id), "kiosk.check-in" (the
 * code typed), "kiosk.done". Property "ticket-number": the ticket shown,
 * NULL on the services page. */
/* (transfer full) */
HallKioskWindow *hall_kiosk_window_new               (GtkApplication           *application,
                                                      const HallDisplayOptions *options);
/* (transfer none) (nullable) */
const char      *hall_kiosk_window_get_ticket_number (HallKioskWindow          *self);
/* (transfer none) (nullable): the last message shown as a toast. */
const char      *hall_kiosk_window_get_last_error    (HallKioskWindow          *self);

G_END_DECLS
