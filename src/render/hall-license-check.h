/* hall-license-check.h — checking a license from a file or its text, off
 * the main thread, for the counter app's "Verify a License" window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hall-license-payload.h"
#include "hall-revocation-list.h"

G_BEGIN_DECLS

typedef enum
{
  HALL_LICENSE_VALID,
  HALL_LICENSE_INVALID,
  HALL_LICENSE_REVOKED,
} HallLicenseVerdict;

/* What a check found: the verdict, why (NULL when valid), and the fields
 * when the code could be read. */
typedef struct
{
  HallLicenseVerdict  verdict;
  char               *reason;
  HallLicensePayload *payload;
} HallLicenseCheck;

void              hall_license_check_free   (HallLicenseCheck    *self);

/* Reads the code from @path (a PDF, PNG or JPEG; hall-license-reader.h),
 * or takes @text when @path is NULL, and checks it against @hall_key and
 * @revocations (nullable) at the time of the call, on a worker thread. A
 * file that cannot be read fails with its error; a code that is not valid
 * is a HallLicenseCheck with its verdict. */
void              hall_license_check_async  (const char          *path,
                                             const char          *text,
                                             const guint8         hall_key[HALL_PUBLIC_KEY_BYTES],
                                             HallRevocationList  *revocations,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* (transfer full) */
HallLicenseCheck *hall_license_check_finish (GAsyncResult        *result,
                                             GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallLicenseCheck, hall_license_check_free)

G_END_DECLS
