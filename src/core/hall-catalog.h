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

/* Loads and checks a catalog file. A malformed one is refused whole with a
 * HALL_CATALOG_ERROR whose message names the file, the place (line:column for
 * syntax errors, "services[4].documents[1]" for fields) and the field. */
HallCatalog *hall_catalog_new_from_file      (GFile        *file,
                                              GError      **error);
HallCatalog *hall_catalog_new_from_data      (const char   *data,
                                              gssize        length,
                                              const char   *origin,  /* for messages */
                                              GError      **error);
/* The catalog shipped in data/catalog.json, from the installed data dir, or
 * from $SERVICE_HALL_CATALOG when set. */
HallCatalog *hall_catalog_new_default        (GError      **error);

HallService *hall_catalog_lookup             (HallCatalog  *self,
                                              const char   *service_id);
guint        hall_catalog_get_n_departments  (HallCatalog  *self);
/* The raw JSON, as served by GET /v1/catalog. */
const char  *hall_catalog_get_json           (HallCatalog  *self);

G_END_DECLS
