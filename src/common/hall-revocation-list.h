/* hall-revocation-list.h — what the hall's administrator has revoked:
 * licenses, and officials' keys from a date
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hall-signature.h"

G_BEGIN_DECLS

/* One revocation. A license's ("kind": "license") names its number; a
 * key's ("kind": "key") names the official and the public key, and every
 * license or decision that key signed at or after @from is revoked. */
typedef struct
{
  char   *uuid;
  char   *kind;                                 /* "license" | "key" */
  char   *license_number;                       /* kind "license" */
  char   *official;                             /* kind "key" */
  guint8  public_key[HALL_PUBLIC_KEY_BYTES];    /* kind "key" */
  gint64  from;                                 /* Unix seconds */
  char   *reason;                               /* free text, may be "" */
} HallRevocation;

void            hall_revocation_free             (HallRevocation *self);
/* {"uuid", "kind", "license_number" | ("official", "public_key"), "from"
 * (ISO 8601), "reason"}; *@field_out names the member at fault. */
JsonNode       *hall_revocation_to_json          (const HallRevocation *self);
HallRevocation *hall_revocation_new_from_json    (JsonNode             *node,
                                                  const char          **field_out,
                                                  GError              **error);

/* The list a counter holds: the revocations and when the server made the
 * list (@as_of, Unix seconds; 0 for a list never synced), so that a
 * verdict can say how old its knowledge is. */
typedef struct _HallRevocationList HallRevocationList;

HallRevocationList *hall_revocation_list_new         (gint64              as_of);
HallRevocationList *hall_revocation_list_ref         (HallRevocationList *self);
void                hall_revocation_list_unref       (HallRevocationList *self);
gint64              hall_revocation_list_get_as_of   (HallRevocationList *self);
guint               hall_revocation_list_get_length  (HallRevocationList *self);
/* Takes @revocation. */
void                hall_revocation_list_add         (HallRevocationList *self,
                                                      HallRevocation     *revocation);
/* {"as_of", "revocations": [...]}: the body of GET /v1/trust's
 * "revocations" and of the counter's copy. */
JsonNode           *hall_revocation_list_to_json     (HallRevocationList *self);
HallRevocationList *hall_revocation_list_new_from_json (JsonNode          *node,
                                                        GError           **error);
/* FALSE with HALL_SIGNATURE_ERROR_REVOKED, saying what was revoked, from
 * when and why, when license @number is revoked, or the key of
 * @certificate is revoked from a time at or before @signed_at. */
gboolean            hall_revocation_list_check       (HallRevocationList    *self,
                                                      const char            *number,
                                                      const HallCertificate *certificate,
                                                      gint64                 signed_at,
                                                      GError               **error);

/* When the key of @certificate is revoked from (the earliest such
 * revocation), Unix seconds; 0 when it is not revoked. */
gint64              hall_revocation_list_get_key_revoked_from (HallRevocationList    *self,
                                                               const HallCertificate *certificate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallRevocation, hall_revocation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallRevocationList, hall_revocation_list_unref)

G_END_DECLS
