/* hall-core-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "hall-core-error.h"

G_DEFINE_QUARK (hall-store-error-quark, hall_store_error)
G_DEFINE_QUARK (hall-sync-error-quark, hall_sync_error)
