/* hall-ticket.h — a ticket of the hall's queue, as the server last told of
 * it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HALL_TYPE_TICKET (hall_ticket_get_type ())
G_DECLARE_FINAL_TYPE (HallTicket, hall_ticket, HALL, TICKET, GObject)

/* An immutable snapshot: a change on the server is a new HallTicket. No
 * personal data: a number, a service, a state, a counter and times. */

/* (transfer full): the ticket of the server's JSON @text; NULL with
 * HALL_SYNC_ERROR_PROTOCOL when it is not one. */
HallTicket *hall_ticket_new_from_json          (const char  *text,
                                                GError     **error);
const char *hall_ticket_get_uuid               (HallTicket  *self);
/* "A001" */
const char *hall_ticket_get_number             (HallTicket  *self);
const char *hall_ticket_get_group              (HallTicket  *self);
const char *hall_ticket_get_service            (HallTicket  *self);
/* "normal", "priority", "appointment" */
const char *hall_ticket_get_priority           (HallTicket  *self);
/* "waiting", "called", "serving", "done", "no_show", "transferred", "parked" */
const char *hall_ticket_get_state              (HallTicket  *self);
/* (nullable) */
const char *hall_ticket_get_counter            (HallTicket  *self);
/* (nullable): the case of its appointment, filled in online. */
const char *hall_ticket_get_case               (HallTicket  *self);
/* Unix seconds: when the citizen took it, the time a case's clock starts. */
gint64      hall_ticket_get_issued_at          (HallTicket  *self);
int         hall_ticket_get_estimated_wait     (HallTicket  *self);
int         hall_ticket_get_calls              (HallTicket  *self);

G_END_DECLS
