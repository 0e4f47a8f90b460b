/* hall-server.h — the REST backend: HTTP, auth, storage, blobs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-catalog.h"

G_BEGIN_DECLS

#define HALL_TYPE_SERVER (hall_server_get_type ())
G_DECLARE_FINAL_TYPE (HallServer, hall_server, HALL, SERVER, GObject)

/* (transfer full): opens (creating) @data_dir: the database hall.sqlite,
 * the session key and the blobs. @group_commit FALSE commits every write on
 * its own, for measuring what group commit is worth. */
HallServer *hall_server_new            (const char  *data_dir,
                                        HallCatalog *catalog,
                                        gboolean     group_commit,
                                        GError     **error);
/* (transfer full): as hall_server_new(), with the cases, applicants,
 * events, officials, idempotency keys and the change feed in the
 * PostgreSQL database @database (a libpq URI) when it is not NULL; the
 * queue, the trust (hall key, certificates, revocations), the session key
 * and the blobs stay in @data_dir. */
HallServer *hall_server_new_with_database (const char  *data_dir,
                                           const char  *database,
                                           HallCatalog *catalog,
                                           gboolean     group_commit,
                                           GError     **error);
/* Adds the demo officials when missing: "demo" (every role) and
 * "reception1" (reception only), both with the password "demo". */
gboolean    hall_server_add_demo_users (HallServer  *self,
                                        GError     **error);
/* Adds the official @username, or changes the password and roles of one
 * already there: @roles is a comma-separated list of "reception",
 * "counter_official", "approver", "supervisor", "administrator". FALSE
 * with a message naming what is wrong: a username that is empty, too long
 * or not of letters, digits, ".", "_" and "-"; a password shorter than 8
 * characters; an unknown role or none. */
gboolean    hall_server_set_official   (HallServer  *self,
                                        const char  *username,
                                        const char  *password,
                                        const char  *roles,
                                        GError     **error);
/* Serves HTTPS with the certificate chain and private key in the PEM
 * files @cert_path and @key_path (read now; call before start). FALSE
 * when either cannot be read or this libmicrohttpd has no TLS. */
gboolean    hall_server_set_tls        (HallServer  *self,
                                        const char  *cert_path,
                                        const char  *key_path,
                                        GError     **error);
/* Partial uploads not written to for @ttl_seconds are removed, and one
 * official's unfinished uploads may hold at most @cap_bytes; the first
 * call also sweeps the partial uploads left on disk and starts the
 * periodic sweep (see hall_blob_store_set_partial_limits()). Call it
 * before start in the process that serves, not with --set-official. */
void        hall_server_set_partial_limits (HallServer *self,
                                            guint64     ttl_seconds,
                                            guint64     cap_bytes);
/* Keeps the blobs in @dir (made if missing) instead of the data
 * directory's blobs/: a directory several servers share (hall-blob-store.c
 * says how they share it). Call it before hall_server_set_partial_limits()
 * and start. */
gboolean    hall_server_set_blob_dir   (HallServer  *self,
                                        const char  *dir,
                                        GError     **error);
/* Keeps blobs, and uploads in progress, in the server's PostgreSQL
 * database (schemas 9 and 11, hall-blob-table.c) rather than as files:
 * for servers that share no filesystem. At most @max_uploads uploads are
 * written at once, each on a connection of its own. FALSE on SQLite, or
 * when the database cannot be reached. */
gboolean    hall_server_keep_blobs_in_database (HallServer  *self,
                                                guint        max_uploads,
                                                GError     **error);
/* @listen is "HOST:PORT" with a numeric address ("127.0.0.1:8080",
 * "[::1]:0"); port 0 picks a free one, see hall_server_get_port(). */
gboolean    hall_server_start          (HallServer  *self,
                                        const char  *listen,
                                        GError     **error);
guint16     hall_server_get_port       (HallServer  *self);
/* From now on /v1/health answers 503 "draining", so that a balancer that
 * checks it sends this server nothing new; everything else is served as
 * before, until hall_server_stop(). For a server taken out of a balanced
 * pool without a request refused (service-hall-server --drain). */
void        hall_server_drain          (HallServer  *self);
/* Answers the writes in flight, then closes every connection. */
void        hall_server_stop           (HallServer  *self);

/* The hall's public key (hall-signature.h): kept in the database, used to
 * check officials' certificates and licenses (POST /v1/verify). */
gboolean    hall_server_set_hall_public_key (HallServer   *self,
                                             const guint8  public_key[32],
                                             GError      **error);
/* Trusts the published demo hall key (hall_root_key_new_demo()) when the
 * server has no hall key of its own: for --demo only. */
gboolean    hall_server_add_demo_hall_key   (HallServer   *self,
                                             GError      **error);
/* The hall's longest allowed offline period (default
 * HALL_SERVER_MAX_OFFLINE_DEFAULT): what a key signed before its
 * revocation is taken until this long after the revocation, and refused
 * from then on (README, "Revoked keys and counters that were offline"). */
#define HALL_SERVER_MAX_OFFLINE_DEFAULT (72 * 3600)
void        hall_server_set_max_offline     (HallServer   *self,
                                             gint64        seconds);
/* Whether the server holds a hall key: without one it accepts no decision
 * (it cannot check their signatures). */
gboolean    hall_server_has_hall_key        (HallServer   *self);

G_END_DECLS
