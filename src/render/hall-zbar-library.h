/* hall-zbar-library.h — zbar, loaded by the first license read
 *
 * Call hall_zbar_library_load() before any sym_zbar_* function.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <zbar.h>

#include "hall-lazy-library.h"

G_BEGIN_DECLS

#define HALL_ZBAR_FUNCTIONS(X) \
  X (zbar_image_scanner_create) \
  X (zbar_image_scanner_set_config) \
  X (zbar_image_scanner_destroy) \
  X (zbar_image_create) \
  X (zbar_image_set_format) \
  X (zbar_image_set_size) \
  X (zbar_image_set_data) \
  X (zbar_image_first_symbol) \
  X (zbar_image_destroy) \
  X (zbar_scan_image) \
  X (zbar_symbol_next) \
  X (zbar_symbol_get_data) \
  X (zbar_symbol_get_type)

HALL_ZBAR_FUNCTIONS (HALL_LAZY_SYMBOL_DECLARE)

/* FALSE with HALL_LIBRARY_ERROR_MISSING when zbar cannot be loaded. */
gboolean hall_zbar_library_load (GError **error);

G_END_DECLS
