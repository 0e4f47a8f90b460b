/* hall-reception-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-catalog.h"
#include "hall-queue-client.h"

G_BEGIN_DECLS

#define HALL_TYPE_RECEPTION_PAGE (hall_reception_page_get_type ())
G_DECLARE_FINAL_TYPE (HallReceptionPage, hall_reception_page, HALL, RECEPTION_PAGE, GtkWidget)

/* The reception desk: a ticket for a service (a priority one for the
 * elderly, disabled or pregnant), or an appointment checked in; the
 * ticket's number and estimated wait are shown to read out or write down.
 *
 * Actions (group "reception"): reception.issue, reception.check-in. */

HallReceptionPage *hall_reception_page_new         (void);
void               hall_reception_page_set_client  (HallReceptionPage *self,
                                                    HallQueueClient   *client,
                                                    HallCatalog       *catalog);
/* (transfer none) (nullable): the last ticket issued here. */
HallTicket        *hall_reception_page_get_ticket  (HallReceptionPage *self);

G_END_DECLS
