/* hall-kiosk-client.h — the kiosk's requests: a ticket for a service or
 * for an appointment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HALL_TYPE_KIOSK_CLIENT (hall_kiosk_client_get_type ())
G_DECLARE_FINAL_TYPE (HallKioskClient, hall_kiosk_client, HALL, KIOSK_CLIENT, GObject)

/* Signs in as the kiosk's reception official when first needed (and once
 * more when the session ended), then POST /v1/tickets or
 * POST /v1/appointments/{code}/check-in with an Idempotency-Key, so a
 * request sent twice by the network gives one ticket. Requests run on a
 * worker (GTask); errors are HALL_SYNC_ERROR: OFFLINE when the server
 * cannot be reached, REJECTED with the server's own reason (an unknown
 * appointment code, one outside its slot), AUTH for a wrong password. */
/* (transfer full) */
HallKioskClient *hall_kiosk_client_new                (const char      *server_url,
                                                       const char      *user,
                                                       const char      *password);
/* A ticket for @service_id, or, when @appointment_code is not NULL, the
 * appointment's priority ticket. */
void             hall_kiosk_client_take_ticket_async  (HallKioskClient *self,
                                                       const char      *service_id,
                                                       const char      *appointment_code,
                                                       GCancellable    *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer         user_data);
/* (transfer full): the ticket as the server gave it. */
JsonObject      *hall_kiosk_client_take_ticket_finish (HallKioskClient *self,
                                                       GAsyncResult    *result,
                                                       GError         **error);

G_END_DECLS
