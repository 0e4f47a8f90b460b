/* hall-error.h — error domains, one per area of the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bad input from a person or a file: the message names the field at fault. */
#define HALL_VALIDATION_ERROR (hall_validation_error_quark ())
typedef enum
{
  HALL_VALIDATION_ERROR_EMPTY,
  HALL_VALIDATION_ERROR_LENGTH,
  HALL_VALIDATION_ERROR_CHARACTERS,
  HALL_VALIDATION_ERROR_CHECK_DIGIT,
  HALL_VALIDATION_ERROR_DATE,
  HALL_VALIDATION_ERROR_REGION,
  HALL_VALIDATION_ERROR_INVALID,
} HallValidationError;

#define HALL_CATALOG_ERROR (hall_catalog_error_quark ())
typedef enum
{
  HALL_CATALOG_ERROR_READ,
  HALL_CATALOG_ERROR_SYNTAX,
  HALL_CATALOG_ERROR_FIELD,
  HALL_CATALOG_ERROR_DUPLICATE,
} HallCatalogError;

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

GQuark hall_validation_error_quark (void);
GQuark hall_catalog_error_quark (void);
GQuark hall_store_error_quark (void);
GQuark hall_sync_error_quark (void);

G_END_DECLS
