/* hall-store-signing.h — what the counter's store keeps for stamp-free
 * approval: the hall's trust as last pulled, the officials' sealed keys,
 * the licenses issued here, and each case's audit chain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Calls of HallStore (hall-store-signing.c, hall-store-audit.c), in a
 * header of their own so that hall-store.h stays the case API. Each call
 * blocks on SQLite (and unsealing on Argon2id): call them off the main
 * thread.
 */
#pragma once

#include "hall-license-payload.h"
#include "hall-revocation-list.h"
#include "hall-service.h"
#include "hall-signature.h"
#include "hall-store.h"

G_BEGIN_DECLS

/* What the hall trusts, as the server last said (or as set up by hand):
 * its public key, every official's certificate and the revocations. */
gboolean            hall_store_set_trust               (HallStore          *self,
                                                        const guint8        hall_public_key[HALL_PUBLIC_KEY_BYTES],
                                                        GPtrArray          *certificates,
                                                        HallRevocationList *revocations,
                                                        gint64              pulled_at,
                                                        GError            **error);
/* FALSE, with HALL_STORE_ERROR_NOT_FOUND, when this counter has never
 * been told the hall's key. */
gboolean            hall_store_get_hall_public_key     (HallStore          *self,
                                                        guint8              hall_public_key[HALL_PUBLIC_KEY_BYTES],
                                                        GError            **error);
/* (transfer full): the last revocation list pulled (empty, as of 0, when
 * none was); *@pulled_at (nullable) gets when it was pulled. */
HallRevocationList *hall_store_get_revocations         (HallStore          *self,
                                                        gint64             *pulled_at,
                                                        GError            **error);
/* Adds (or keeps) one certificate. */
gboolean            hall_store_add_certificate         (HallStore          *self,
                                                        const HallCertificate *certificate,
                                                        GError            **error);
/* (transfer full) (nullable): the certificate of @official's @public_key
 * (NULL: the one valid longest), or NULL with no error when there is none. */
HallCertificate    *hall_store_lookup_certificate      (HallStore          *self,
                                                        const char         *official,
                                                        const guint8       *public_key,
                                                        GError            **error);

/* The official's own key pair, made at the first sign-in on this counter
 * and sealed under the password (hall_signing_key_seal()). */
gboolean            hall_store_save_sealed_key         (HallStore          *self,
                                                        const char         *official,
                                                        const char         *sealed,
                                                        GError            **error);
/* (transfer full) (nullable): NULL with no error when the official has
 * no key on this counter yet. */
char               *hall_store_get_sealed_key          (HallStore          *self,
                                                        const char         *official,
                                                        GError            **error);
/* (transfer full): @official's key, made and sealed under @password when
 * there is none yet (*@created set then), opened otherwise. */
HallSigningKey     *hall_store_open_signing_key        (HallStore          *self,
                                                        const char         *official,
                                                        const char         *password,
                                                        gboolean           *created,
                                                        GError            **error);

/* Opens @official's key with @password (as hall_store_open_signing_key())
 * and keeps it for this session: every decision @official makes through
 * hall_store_decide_case() from now on is signed with it and carries the
 * key's certificate, offline too. FALSE with HALL_STORE_ERROR_AUTH when
 * the hall has not certified the key yet (no certificate in the store):
 * the key stays open, but deciding is refused until a certificate is
 * pulled. Replaces the key of any official signed in before. */
gboolean            hall_store_open_session_key        (HallStore          *self,
                                                        const char         *official,
                                                        const char         *password,
                                                        GError            **error);
/* Forgets the session's key (sign-out). */
void                hall_store_close_session_key       (HallStore          *self);

/* Issues the license of case @case_uuid: the next number of this counter
 * and year ("YC-2026-C03-L000001"), signed with @key (whose certificate is
 * @certificate), for the case's applicant (holder) and @service (its
 * type), valid @valid_days days (0: no end), kept in the store with the
 * case. A case has one license: asked again, it returns the one issued.
 * (transfer full): the "SH1:" payload text. */
char               *hall_store_issue_license           (HallStore          *self,
                                                        const char         *case_uuid,
                                                        HallService        *service,
                                                        const char         *scope,
                                                        guint               valid_days,
                                                        HallSigningKey     *key,
                                                        const HallCertificate *certificate,
                                                        GError            **error);
/* (transfer full) (nullable): the payload text of the license issued for
 * @case_uuid, or NULL with no error. */
char               *hall_store_get_license             (HallStore          *self,
                                                        const char         *case_uuid,
                                                        GError            **error);

/* Checks the hash chain of the timeline of case @number (hall-audit.h).
 * FALSE with HALL_VALIDATION_ERROR naming the first entry altered or
 * removed; *@n_entries (nullable) gets the number of entries read. */
gboolean            hall_store_audit_case              (HallStore          *self,
                                                        const char         *number,
                                                        guint              *n_entries,
                                                        GError            **error);

/* The hall's key (or none), the revocation list and when it was pulled,
 * read on a worker, for a window. */
typedef struct
{
  gboolean            has_hall_key;
  guint8              hall_key[HALL_PUBLIC_KEY_BYTES];
  HallRevocationList *revocations;
  gint64              pulled_at;
} HallStoreTrust;

void                hall_store_trust_free              (HallStoreTrust     *trust);
void                hall_store_get_trust_async         (HallStore          *self,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
/* (transfer full) */
HallStoreTrust     *hall_store_get_trust_finish        (HallStore          *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);

/* For the demo profile: trusts the published demo hall key
 * (hall_root_key_new_demo()) unless the profile trusts another, and gives
 * each demo official ("demo", "wang.fang", "li.na", "zhao.lei"; password
 * "demo") a sealed key certified by it. Called by
 * hall_store_add_demo_officials(). */
gboolean            hall_store_add_demo_signing        (HallStore          *self,
                                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStoreTrust, hall_store_trust_free)

G_END_DECLS
