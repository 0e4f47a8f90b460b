/* hall-server-error.h — what failed in the server, beside its database
 * (HALL_DATABASE_ERROR) and its blobs (HALL_BLOB_STORE_ERROR)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HALL_SERVER_ERROR (hall_server_error_quark ())
typedef enum
{
  HALL_SERVER_ERROR_SHUTTING_DOWN, /* the writer stopped before the write ran */
  HALL_SERVER_ERROR_NOT_FOUND,     /* the storage holds no such record */
  HALL_SERVER_ERROR_CONFLICT,      /* the record clashes with another: a case number */
  HALL_SERVER_ERROR_KEY,           /* the session key cannot be read or made */
  HALL_SERVER_ERROR_DUPLICATE,     /* another applicant holds its identity document */
  HALL_SERVER_ERROR_EXISTS,        /* created meanwhile by another server's writer */
} HallServerError;

GQuark hall_server_error_quark (void);

G_END_DECLS
