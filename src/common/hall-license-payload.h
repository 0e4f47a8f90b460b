/* hall-license-payload.h — the signed record a license's QR code holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Text form: "SH1:" followed by the base45 (RFC 9285) of a binary record,
 * so that the whole text is in the QR code's alphanumeric mode. The record:
 *
 *   1 byte   version, 1
 *   6 texts  number, license type (the catalog service id), holder,
 *            holder's document number (may be empty), scope, issuing
 *            hall's code; each one byte of length and that many bytes of
 *            UTF-8
 *   4 bytes  issued at, Unix seconds, big-endian
 *   4 bytes  valid until, Unix seconds, big-endian; 0: no end
 *  16 bytes  the case's uuid
 *   …        the issuing official's certificate, compact binary form
 *            (hall_certificate_to_bytes())
 *  64 bytes  Ed25519 signature by the certified key over the length-
 *            prefixed text "service-hall license v1" followed by every
 *            byte of the record before the signature
 *
 * Anyone with the hall's public key can check it offline.
 */
#pragma once

#include "hall-revocation-list.h"
#include "hall-signature.h"

G_BEGIN_DECLS

#define HALL_LICENSE_PAYLOAD_PREFIX "SH1:"

typedef struct
{
  char            *number;
  char            *license_type;   /* catalog service id */
  char            *holder;
  char            *holder_id;      /* "" when not printed */
  char            *scope;
  char            *hall;           /* the catalog's hall code */
  gint64           issued_at;
  gint64           valid_until;    /* 0: no end */
  char            *case_uuid;
  HallCertificate *certificate;    /* (nullable) until signed or read */
} HallLicensePayload;

HallLicensePayload *hall_license_payload_new      (void);
void                hall_license_payload_free     (HallLicensePayload  *self);

/* (transfer full): the "SH1:" text of @self signed with @key, whose
 * certificate (@certificate) is copied into @self. FALSE when a text is
 * too long for its byte of length (255 bytes), with a
 * HALL_VALIDATION_ERROR naming it. */
char               *hall_license_payload_sign     (HallLicensePayload  *self,
                                                   HallSigningKey      *key,
                                                   const HallCertificate *certificate,
                                                   GError             **error);

/* Reads the "SH1:" text (surrounding white space is ignored) without
 * checking the signature: HALL_SIGNATURE_ERROR_MALFORMED for a text that
 * is not one (a truncated one included). */
HallLicensePayload *hall_license_payload_parse    (const char          *text,
                                                   GError             **error);

/* Reads and checks a license as a verifier does: the payload is whole, its
 * certificate is signed by @hall_public_key and was valid when the license
 * was issued, the signature matches every field, the license is within its
 * validity at @now, and neither it nor its official's key is on
 * @revocations (nullable: none known). On failure returns FALSE with a
 * HALL_SIGNATURE_ERROR saying why (MALFORMED, NOT_CERTIFIED, EXPIRED,
 * BAD_SIGNATURE, LICENSE_EXPIRED, REVOKED) and, when the payload could be
 * read, its fields in *@payload_out. */
gboolean            hall_license_payload_verify   (const char          *text,
                                                   const guint8         hall_public_key[HALL_PUBLIC_KEY_BYTES],
                                                   HallRevocationList  *revocations,
                                                   gint64               now,
                                                   HallLicensePayload **payload_out,
                                                   GError             **error);

/* Base45 of RFC 9285, exposed for tests. */
char               *hall_base45_encode            (const guint8        *data,
                                                   gsize                length);
guint8             *hall_base45_decode            (const char          *text,
                                                   gsize               *length,
                                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallLicensePayload, hall_license_payload_free)

G_END_DECLS
