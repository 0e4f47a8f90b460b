/* hall-signature.h — the hall's root key, officials' certificates and keys,
 * and signed decisions (Ed25519, libsodium)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hall has one root key, kept offline in a file by its administrator.
 * Each official has a key pair made on the counter; its private key is
 * sealed under a key derived from the official's password (Argon2id,
 * crypto_pwhash) with XChaCha20-Poly1305, and opened once per session. The
 * root key certifies the official's public key: a HallCertificate is the
 * root key's signature over the official's user name, public key and the
 * time it is valid. A decision is signed by the official's key over its
 * canonical bytes; it verifies with the certificate and the hall's public
 * key alone, offline.
 *
 * Canonical bytes: each field is a 4-byte big-endian length and that many
 * bytes of UTF-8 (a key: its 32 raw bytes); a list is a 4-byte big-endian
 * count followed by its items. The first field names what is signed and its
 * version, so that no signature of one kind can pass for another.
 *
 * Everything here may be called from any thread; the objects themselves
 * are not locked.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hall-case.h"

G_BEGIN_DECLS

#define HALL_PUBLIC_KEY_BYTES 32
#define HALL_SIGNATURE_BYTES  64

/* Why a signature, a certificate or a key was refused. The messages say
 * which and why, in words an official can act on. */
#define HALL_SIGNATURE_ERROR (hall_signature_error_quark ())
typedef enum
{
  HALL_SIGNATURE_ERROR_MALFORMED,      /* not the documented encoding */
  HALL_SIGNATURE_ERROR_BAD_SIGNATURE,  /* does not match what it claims to sign */
  HALL_SIGNATURE_ERROR_NOT_CERTIFIED,  /* certificate not signed by this hall's key */
  HALL_SIGNATURE_ERROR_EXPIRED,        /* certificate not valid yet, or no more */
  HALL_SIGNATURE_ERROR_WRONG_OFFICIAL, /* certificate of someone else */
  HALL_SIGNATURE_ERROR_WRONG_PASSWORD, /* the sealed key did not open */
  HALL_SIGNATURE_ERROR_REVOKED,        /* revoked by the hall (see revocations) */
  HALL_SIGNATURE_ERROR_NO_MEMORY,      /* Argon2id could not have its memory */
} HallSignatureError;

GQuark            hall_signature_error_quark          (void);

/* Public keys as text: standard base64 of the 32 bytes. */
char             *hall_public_key_to_base64           (const guint8   public_key[HALL_PUBLIC_KEY_BYTES]);
gboolean          hall_public_key_from_base64         (const char    *text,
                                                       guint8         public_key[HALL_PUBLIC_KEY_BYTES],
                                                       GError       **error);
/* (transfer full): "1a2b 3c4d 5e6f 7a8b", the first 8 bytes of the key's
 * SHA-256 in hex, for a person to compare by eye. */
char             *hall_public_key_fingerprint         (const guint8   public_key[HALL_PUBLIC_KEY_BYTES]);

/* Whether @signature (@signature_len bytes) is @public_key's Ed25519
 * signature over @message. A signature of the wrong length is FALSE. */
gboolean          hall_signature_check_bytes          (const guint8   public_key[HALL_PUBLIC_KEY_BYTES],
                                                       GBytes        *message,
                                                       const guint8  *signature,
                                                       gsize          signature_len);

/* An official's certificate: the hall root key's signature over the
 * canonical bytes ("service-hall certificate v1", official, public key,
 * valid from, valid until; times as ISO 8601 UTC seconds). Valid from
 * @valid_from (included) until @valid_until (excluded), Unix seconds. */
typedef struct
{
  char   *official;
  guint8  public_key[HALL_PUBLIC_KEY_BYTES];
  gint64  valid_from;
  gint64  valid_until;
  guint8  signature[HALL_SIGNATURE_BYTES];
} HallCertificate;

#define HALL_TYPE_CERTIFICATE (hall_certificate_get_type ())
GType             hall_certificate_get_type           (void);
HallCertificate  *hall_certificate_copy               (const HallCertificate *self);
void              hall_certificate_free               (HallCertificate       *self);
GBytes           *hall_certificate_canonical_bytes    (const HallCertificate *self);
/* Whether @self is signed by the hall whose public key is @hall_public_key
 * (HALL_SIGNATURE_ERROR_NOT_CERTIFIED otherwise) and valid at @at
 * (HALL_SIGNATURE_ERROR_EXPIRED otherwise). The messages name the official
 * and the dates. */
gboolean          hall_certificate_check              (const HallCertificate *self,
                                                       const guint8           hall_public_key[HALL_PUBLIC_KEY_BYTES],
                                                       gint64                 at,
                                                       GError               **error);
/* Compact binary form, for the license QR code: byte 1 (version), one byte
 * of official's length, the official's name (UTF-8, 1 to 64 bytes), the
 * public key (32), valid from and valid until (8 bytes each, big-endian
 * Unix seconds), the signature (64). */
GBytes           *hall_certificate_to_bytes           (const HallCertificate *self);
/* Reads one certificate from the start of @data; *@consumed (nullable)
 * gets the number of bytes it took. */
HallCertificate  *hall_certificate_new_from_bytes     (const guint8          *data,
                                                       gsize                  length,
                                                       gsize                 *consumed,
                                                       GError               **error);
/* The form a decision event carries in its "certificate" member: standard
 * base64 of the compact binary form. */
char             *hall_certificate_to_base64          (const HallCertificate *self);
HallCertificate  *hall_certificate_new_from_base64    (const char            *text,
                                                       GError               **error);
/* {"official", "public_key" (base64), "valid_from", "valid_until" (ISO
 * 8601 UTC), "signature" (base64)}: for the server's key endpoints. On
 * failure *@field_out names the member at fault. */
JsonNode         *hall_certificate_to_json            (const HallCertificate *self);
HallCertificate  *hall_certificate_new_from_json      (JsonNode              *node,
                                                       const char           **field_out,
                                                       GError               **error);

/* The hall's root key. Its file form is JSON text: {"kind": "service-hall
 * hall key", "version": 1, "public_key", "secret_key"} (base64; the secret
 * is the 32-byte Ed25519 seed). Whoever holds the file can certify keys:
 * keep it offline. The secret lives in guarded memory (sodium_malloc). */
typedef struct _HallRootKey HallRootKey;

HallRootKey      *hall_root_key_generate              (void);
HallRootKey      *hall_root_key_new_from_data         (const char            *text,
                                                       gsize                  length,
                                                       GError               **error);
/* (transfer full): the file form; sodium_memzero() it when done. */
char             *hall_root_key_to_data               (HallRootKey           *self);
/* (transfer none) (array fixed-size=32) */
const guint8     *hall_root_key_get_public_key        (HallRootKey           *self);
/* (transfer full): a certificate of @public_key for @official. */
HallCertificate  *hall_root_key_certify               (HallRootKey           *self,
                                                       const char            *official,
                                                       const guint8           public_key[HALL_PUBLIC_KEY_BYTES],
                                                       gint64                 valid_from,
                                                       gint64                 valid_until);
void              hall_root_key_free                  (HallRootKey           *self);

/* An official's key pair, opened for a session. The private half lives in
 * guarded memory and is wiped when freed. */
typedef struct _HallSigningKey HallSigningKey;

HallSigningKey   *hall_signing_key_generate           (void);
/* (transfer none) (array fixed-size=32) */
const guint8     *hall_signing_key_get_public_key     (HallSigningKey        *self);
/* (transfer full): a 64-byte Ed25519 signature over @message. */
GBytes           *hall_signing_key_sign               (HallSigningKey        *self,
                                                       GBytes                *message);
/* The sealed form, kept in the counter's store: JSON text {"kind":
 * "service-hall sealed key", "version": 1, "official", "public_key",
 * "kdf": "argon2id13", "opslimit", "memlimit", "salt", "cipher":
 * "xchacha20poly1305-ietf", "nonce", "sealed"} (binary as base64). The seed
 * is encrypted with the Argon2id key of @password, the official and the
 * public key as associated data, so a sealed key copied to another
 * official's record does not open. Takes Argon2id's time and 64 MiB: call
 * it off the main thread. */
char             *hall_signing_key_seal               (HallSigningKey        *self,
                                                       const char            *official,
                                                       const char            *password,
                                                       GError               **error);
/* Opens what hall_signing_key_seal() made for @official with @password;
 * HALL_SIGNATURE_ERROR_WRONG_PASSWORD when the password (or the official)
 * is not the one it was sealed with. */
HallSigningKey   *hall_signing_key_unseal             (const char            *sealed,
                                                       const char            *official,
                                                       const char            *password,
                                                       GError               **error);
/* The public key of a sealed key, without the password: what the counter
 * sends for certification. */
gboolean          hall_sealed_key_get_public_key      (const char            *sealed,
                                                       guint8                 public_key[HALL_PUBLIC_KEY_BYTES],
                                                       GError               **error);
void              hall_signing_key_free               (HallSigningKey        *self);

/* One reason of a return or a rejection: a catalog reason's code, or
 * "other" with free text. */
typedef struct
{
  char *code;
  char *text;
} HallDecisionReason;

/* What a decision signs. @official is not among the signed bytes (the
 * certificate names who signed); when set, hall_decision_verify() checks
 * that the certificate is this official's. */
typedef struct
{
  char      *case_uuid;
  char      *content_hash;  /* hall_case_content_hash() */
  GPtrArray *documents;     /* (element-type utf8): SHA-256 hex of each attached document */
  char      *step;          /* the catalog step's id */
  char      *decision;      /* "approve" | "return" | "reject" */
  GPtrArray *reasons;       /* (element-type HallDecisionReason) */
  gint64     at;            /* Unix seconds, UTC */
  char      *official;      /* (nullable) */
} HallDecisionContent;

HallDecisionContent *hall_decision_content_new          (void);
void                 hall_decision_content_add_document (HallDecisionContent  *self,
                                                         const char           *sha256_hex);
void                 hall_decision_content_add_reason   (HallDecisionContent  *self,
                                                         const char           *code,
                                                         const char           *text);
void                 hall_decision_content_free         (HallDecisionContent  *self);
/* Reads the members of a decision event's JSON: "step", "decision",
 * "reasons" ([{"code", "text"}], may be absent for "approve"),
 * "content_hash", "documents" (may be absent), "at", "official". Checks
 * each (a hash is 64 lower-case hex digits, a decision one of the three
 * words); on failure *@field_out names the member at fault
 * ("reasons[1].code"). The signature and certificate are not read here. */
HallDecisionContent *hall_decision_content_new_from_json (const char          *case_uuid,
                                                          JsonObject          *object,
                                                          const char         **field_out,
                                                          GError             **error);
/* Whether @decision is "approve", "return" or "reject". */
gboolean             hall_decision_is_valid_kind        (const char           *decision);

/* Canonical bytes of a decision: length-prefixed UTF-8 fields, in this order:
 * "service-hall decision v1", case uuid, case content hash (hex SHA-256),
 * the attached documents' SHA-256s (sorted, may be none), step id,
 * decision ("approve" | "return" | "reject"), reasons (codes and free
 * text, in order), time (ISO 8601 UTC, seconds). The documents and the
 * reasons are lists (a count, then the items; a reason is its code then
 * its text). */
GBytes           *hall_decision_canonical_bytes       (const HallDecisionContent *content);
/* (transfer full): the base64 of @key's signature over the canonical
 * bytes of @content. */
char             *hall_decision_sign                  (const HallDecisionContent *content,
                                                       HallSigningKey            *key);
/* Whether @signature_b64 is a signature over @content by the key of
 * @certificate, and @certificate is signed by @hall_public_key and was
 * valid at the decision's time. Refusals, in the order checked:
 * MALFORMED (not 64 bytes of base64), NOT_CERTIFIED, EXPIRED,
 * WRONG_OFFICIAL (content->official is not the certificate's), and
 * BAD_SIGNATURE (the decision or the case changed after signing, or the
 * signature was altered). */
gboolean          hall_decision_verify                (const HallDecisionContent *content,
                                                       const char                *signature_b64,
                                                       const HallCertificate     *certificate,
                                                       const guint8               hall_public_key[32],
                                                       GError                   **error);

/* (transfer full): lower-case hex SHA-256 over the case's canonical
 * content: "service-hall case v1", uuid, number, service, applicant uuid,
 * and the checklist (a list, sorted by document id, each item its id and
 * "provided" or "missing"). Not its state, version, times or events, which
 * decisions themselves change. */
char             *hall_case_content_hash              (HallCase              *kase);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallCertificate, hall_certificate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallRootKey, hall_root_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallSigningKey, hall_signing_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallDecisionContent, hall_decision_content_free)

G_END_DECLS
