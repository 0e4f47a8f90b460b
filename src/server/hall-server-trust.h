/* hall-server-trust.h — the hall's key, officials' certificates and
 * revocations as the server keeps them (schema 4;
 * PostgreSQL's 3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thread-safe: one mutex over its own database connection.
 */
#pragma once

#include "hall-revocation-list.h"
#include "hall-signature.h"

G_BEGIN_DECLS

typedef struct _HallServerTrust HallServerTrust;

/* (transfer full): on the server's database @db_path, migrated already. */
HallServerTrust    *hall_server_trust_new              (const char             *db_path,
                                                        GError                **error);
/* (transfer full): on the PostgreSQL database @uri (a libpq URI), migrated
 * already; HALL_DATABASE_ERROR_OPEN when it cannot be reached. */
HallServerTrust    *hall_server_trust_new_postgres     (const char             *uri,
                                                        GError                **error);
void                hall_server_trust_free             (HallServerTrust        *self);
gboolean            hall_server_trust_set_hall_key     (HallServerTrust        *self,
                                                        const guint8            public_key[HALL_PUBLIC_KEY_BYTES],
                                                        GError                **error);
/* FALSE when the server was never given one. */
gboolean            hall_server_trust_get_hall_key     (HallServerTrust        *self,
                                                        guint8                  public_key[HALL_PUBLIC_KEY_BYTES]);
gboolean            hall_server_trust_put_certificate  (HallServerTrust        *self,
                                                        const HallCertificate  *certificate,
                                                        GError                **error);
/* (transfer full): as of now. */
HallRevocationList *hall_server_trust_get_revocations  (HallServerTrust        *self,
                                                        GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallServerTrust, hall_server_trust_free)

G_END_DECLS
