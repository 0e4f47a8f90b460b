/* hall-service-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hall-service.h"

G_BEGIN_DECLS

#define HALL_TYPE_SERVICE_ROW (hall_service_row_get_type ())
G_DECLARE_FINAL_TYPE (HallServiceRow, hall_service_row, HALL, SERVICE_ROW, GtkWidget)

/* One service in the intake's service list: name, department, promised
 * time, fee and whether it can also be started online. */
GtkWidget   *hall_service_row_new          (void);
HallService *hall_service_row_get_service  (HallServiceRow *self);
void         hall_service_row_set_service  (HallServiceRow *self,
                                            HallService    *service);

/* "30 minutes", "4 hours", "5 working days": how long the hall promises a
 * service takes, counted in the catalog's minutes; days are working days. */
char        *hall_service_format_promise   (guint           promised_minutes);
/* "Free", "¥20.00". */
char        *hall_service_format_fee       (guint           fee_cents);

G_END_DECLS
