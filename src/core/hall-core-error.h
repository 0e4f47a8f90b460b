/* hall-core-error.h — the error domains of the counter's data layer: its
 * store and its sync with the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HALL_STORE_ERROR (hall_store_error_quark ())
typedef enum
{
  HALL_STORE_ERROR_OPEN,
  HALL_STORE_ERROR_SCHEMA,
  HALL_STORE_ERROR_SQL,
  HALL_STORE_ERROR_NOT_FOUND,
  HALL_STORE_ERROR_CONFLICT,
  HALL_STORE_ERROR_AUTH,
} HallStoreError;

#define HALL_SYNC_ERROR (hall_sync_error_quark ())
typedef enum
{
  HALL_SYNC_ERROR_OFFLINE,     /* no answer: network down, refused, timed out */
  HALL_SYNC_ERROR_SERVER,      /* 5xx, or 408/429 after the retries ran out */
  HALL_SYNC_ERROR_REJECTED,    /* 4xx: the server said why */
  HALL_SYNC_ERROR_CONFLICT,    /* 412: someone else changed it first */
  HALL_SYNC_ERROR_AUTH,        /* 401/403 */
  HALL_SYNC_ERROR_PROTOCOL,    /* an answer we cannot read */
  HALL_SYNC_ERROR_TLS,
} HallSyncError;

GQuark hall_store_error_quark (void);
GQuark hall_sync_error_quark (void);

G_END_DECLS
