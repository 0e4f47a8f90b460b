/* hall-catalog.h — the services a hall offers, loaded from JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "hall-service.h"

G_BEGIN_DECLS

#define HALL_TYPE_CATALOG (hall_catalog_get_type ())
G_DECLARE_FINAL_TYPE (HallCatalog, hall_catalog, HALL, CATALOG, GObject)

/* A GListModel of HallService, in catalog order. */

/* (transfer full): loads and checks a catalog file. A malformed one is
 * refused whole with a HALL_CATALOG_ERROR whose message names the file, the
 * place (line:column for syntax errors, "services[4].documents[1]" for
 * fields) and the field. */
HallCatalog *hall_catalog_new_from_file      (GFile        *file,
                                              GError      **error);
/* (transfer full): the same from catalog text in memory; NULL with @error
 * set. */
HallCatalog *hall_catalog_new_from_data      (const char   *data,
                                              gssize        length,
                                              const char   *origin,  /* for messages */
                                              GError      **error);
/* (transfer full): the catalog shipped in data/catalog.json, from the
 * installed data dir, or from $SERVICE_HALL_CATALOG when set, with the
 * hall's calendar (hall_calendar_new_default()). */
HallCatalog *hall_catalog_new_default        (GError      **error);

/* Replaces every service with those of a newer catalog text (as fetched from
 * GET /v1/catalog) and emits items-changed. On any error the catalog stays
 * exactly as it was. */
gboolean     hall_catalog_update_from_data   (HallCatalog  *self,
                                              const char   *data,
                                              gssize        length,
                                              const char   *origin,
                                              GError      **error);

/* (transfer none) (nullable): valid until the catalog is updated or freed;
 * NULL if unknown. */
HallService *hall_catalog_lookup             (HallCatalog  *self,
                                              const char   *service_id);
guint        hall_catalog_get_n_departments  (HallCatalog  *self);
/* Departments in catalog order. */
const char  *hall_catalog_get_department_id  (HallCatalog  *self,
                                              guint         index);
/* In the user's language, as hall_service_get_name(); NULL if unknown. */
const char  *hall_catalog_get_department_name (HallCatalog *self,
                                              const char   *department_id);
/* The hall's code ("YC"), and its name in the user's language. */
const char  *hall_catalog_get_hall_code      (HallCatalog  *self);
const char  *hall_catalog_get_hall_name      (HallCatalog  *self);
/* The raw JSON, as served by GET /v1/catalog. */
const char  *hall_catalog_get_json           (HallCatalog  *self);

/* (transfer none) (nullable): the calendar its services' promises are
 * counted in; NULL counts plain minutes. Valid until the calendar is set
 * again: on the thread that sets it only. */
HallCalendar *hall_catalog_get_calendar      (HallCatalog  *self);
/* (transfer full) (nullable): the same, from any thread; a holder keeps
 * the calendar it got while another is set. */
HallCalendar *hall_catalog_dup_calendar      (HallCatalog  *self);
/* Sets the calendar of every service, now and after an update; safe while
 * other threads read it (hall_service_dup_calendar()). */
void         hall_catalog_set_calendar       (HallCatalog  *self,
                                              HallCalendar *calendar);

G_END_DECLS
