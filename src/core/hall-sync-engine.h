/* hall-sync-engine.h — the counter's side of sync with the backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "hall-http-client.h"
#include "hall-stats-month.h"
#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_SYNC_ENGINE (hall_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (HallSyncEngine, hall_sync_engine, HALL, SYNC_ENGINE, GObject)

/* What one pass did. */
typedef struct
{
  guint pushed;     /* outbox rows the server acknowledged */
  guint pulled;     /* changes applied from the feed */
  guint rejected;   /* rows refused for good (shown on their case) */
  guint conflicts;  /* rows answered 412/428: kept for the official */
  guint waiting;    /* rows still in the outbox after the pass */
  gboolean calendar_changed; /* a new calendar of the hall was kept */
} HallSyncReport;

/* Properties (all notify, always in the main context the engine was
 * created in):
 *   "store"         HallStore, construct-only
 *   "server-url"    string, "https://hall.example:8443" (no trailing /v1)
 *   "online"        gboolean: the truth from the last request; a request
 *                   that got no answer means offline. GNetworkMonitor is only
 *                   a hint to try again sooner.
 *   "syncing"       gboolean: a pass is running
 *   "pending"       guint: rows in the outbox
 *   "last-sync"     gint64: Unix seconds of the last complete pass, 0 = never
 *                   (kept in the store's meta "last_sync" as decimal text)
 *   "last-error"    string for people, NULL after a clean pass
 *
 * Knobs (properties too; each has an environment variable that
 * hall_sync_engine_apply_environment() reads, so the ctl, tests and
 * benchmarks can set them without code):
 *   "max-attempts"     guint, tries of one request within a pass before the
 *                      row is deferred (SERVICE_HALL_SYNC_ATTEMPTS, default 4)
 *   "backoff-base-ms"  guint, first backoff ceiling (SERVICE_HALL_SYNC_BACKOFF_MS,
 *                      default 500); full jitter, doubling per attempt
 *   "backoff-cap-ms"   guint, largest wait between two tries, also the longest
 *                      Retry-After honoured within a pass; a longer one ends the
 *                      pass (SERVICE_HALL_SYNC_BACKOFF_CAP_MS, default 15000)
 *   "connect-timeout"  guint seconds (SERVICE_HALL_CONNECT_TIMEOUT, default 10)
 *   "low-speed-time"   guint seconds below "low-speed-limit" bytes/s before a
 *                      transfer counts as dead (SERVICE_HALL_LOW_SPEED_TIME,
 *                      default 30); there is no total timeout
 *   "low-speed-limit"  guint bytes/s (SERVICE_HALL_LOW_SPEED_LIMIT, default 10)
 *   "probe-interval"   guint seconds between light probes of the server
 *                      (GET /v1/health) while online, to notice it going
 *                      away (default 5; $SERVICE_HALL_SYNC_PROBE_INTERVAL)
 *   "interval"         guint seconds between periodic passes after
 *                      hall_sync_engine_start() (SERVICE_HALL_SYNC_INTERVAL,
 *                      default 30)
 *   "ca-file"          string, the hall's own CA bundle (SERVICE_HALL_CA_FILE)
 *   "pinned-public-key" string, "sha256//BASE64..." or a PEM/DER file
 *                      (SERVICE_HALL_PINNED_KEY), as CURLOPT_PINNEDPUBLICKEY
 *   "blob-chunk-size"  guint bytes per PATCH of a blob upload (default 1 MiB)
 *   "pull-page-size"   guint changes asked for per page of the feed, 1-5000
 *                      (SERVICE_HALL_PULL_PAGE_SIZE, default 5000, the most
 *                      a server gives: fewer commits, each a bigger share of
 *                      the store's index pages; a few MB more at the peak)
 *   "push-batch-size"  guint outbox rows sent per POST /v1/batch, 1-500
 *                      (SERVICE_HALL_PUSH_BATCH_SIZE, default 500); 1 sends
 *                      each row alone, as for a server without batches
 * TLS verification is always on; there is no knob to turn it off.
 *
 * Signals (main context):
 *   "case-rejected" (const char *case_uuid, const char *reason): the server
 *      refused a change of this case (or of its applicant) for good; the case
 *      shows the reason (hall_case_get_sync_error).
 *   "conflict" (const char *entity, const char *uuid): someone else changed
 *      the entity first; both versions are kept in the store.
 *   "pass-finished" (void): after every pass, successful or not.
 *   "calendar-changed" (void): the pass kept a new calendar of the hall
 *                   (hall_store_load_calendar()); emitted before
 *                   "pass-finished".
 *
 * Every bit of network I/O runs on a worker thread; results and
 * notifications come back to the main context the engine was created in.
 * The pass:
 *   push: outbox rows in seq order, each with Idempotency-Key (the row's
 *         uuid), Bearer token, If-Match for updates, in batches of which
 *         several are in flight; no row goes before an earlier row of its
 *         applicant or case is acknowledged (or rejected for good). A
 *         transient failure (no answer, 5xx, 408, 429) is retried with
 *         backoff; when the tries run out the row is deferred and the pass
 *         stops.
 *   pull: GET /v1/changes from meta "cursor" until "more" is false, each page
 *         applied with its cursor in one transaction.
 *
 * Errors of a pass (HALL_SYNC_ERROR): OFFLINE (no answer), SERVER (5xx or
 * 408/429 after the tries), AUTH (401 without a password to sign in again, or
 * 403 on the change feed: "sign in to the server again"; never reported as
 * offline), PROTOCOL (an answer we cannot read), TLS; a HALL_STORE_ERROR when
 * the local database cannot take a change. Rejected rows and conflicts do
 * not fail a pass: they are counted in the report. A push answered 403 is a
 * rejection of that change (the signed-in user may not make it).
 *
 * service-hall-ctl sets the knobs with --low-speed-time, --connect-timeout,
 * --retries, --ca-file and --pinned-key (over the environment). */

/* (transfer full) */
HallSyncEngine *hall_sync_engine_new               (HallStore       *store,
                                                    const char      *server_url);

/* (transfer none): the store given to hall_sync_engine_new(). */
HallStore      *hall_sync_engine_get_store         (HallSyncEngine  *self);
const char     *hall_sync_engine_get_server_url    (HallSyncEngine  *self);
void            hall_sync_engine_set_server_url    (HallSyncEngine  *self,
                                                    const char      *server_url);
gboolean        hall_sync_engine_get_online        (HallSyncEngine  *self);
gboolean        hall_sync_engine_get_syncing       (HallSyncEngine  *self);
guint           hall_sync_engine_get_pending       (HallSyncEngine  *self);
gint64          hall_sync_engine_get_last_sync     (HallSyncEngine  *self);
const char     *hall_sync_engine_get_last_error    (HallSyncEngine  *self);

/* Reads the SERVICE_HALL_* variables listed above into the knobs; ones that
 * are unset or not numbers are ignored. */
void            hall_sync_engine_apply_environment (HallSyncEngine  *self);

/* One full pass (push then pull). A call while a pass runs is answered by the
 * next pass, which starts when the running one ends. */
void            hall_sync_engine_sync_async        (HallSyncEngine  *self,
                                                    GCancellable    *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer         user_data);
/* @report may be NULL; it is filled in also when the pass failed. */
gboolean        hall_sync_engine_sync_finish       (HallSyncEngine  *self,
                                                    GAsyncResult    *result,
                                                    HallSyncReport  *report,
                                                    GError         **error);
/* Fire and forget: the outcome shows in the properties. */
void            hall_sync_engine_sync_now          (HallSyncEngine  *self);

/* Periodic passes every "interval" seconds, one soon after a local change
 * (the store's "outbox-changed") and one when the network comes back. */
void            hall_sync_engine_start             (HallSyncEngine  *self);
void            hall_sync_engine_stop              (HallSyncEngine  *self);

/* POST /v1/sessions. On success the token is kept in the store's meta
 * "token" (and the server URL in "server_url"); the password stays in
 * memory only, so that a 401 later in this engine's life signs in again.
 * A wrong name or password is HALL_SYNC_ERROR_AUTH; no answer is OFFLINE. */
void            hall_sync_engine_login_async       (HallSyncEngine  *self,
                                                    const char      *username,
                                                    const char      *password,
                                                    GCancellable    *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer         user_data);
/* @roles_out (out) (optional) (transfer full) (array zero-terminated=1): the
 * roles the server granted; free with g_strfreev(). */
gboolean        hall_sync_engine_login_finish      (HallSyncEngine  *self,
                                                    GAsyncResult    *result,
                                                    char          ***roles_out,
                                                    GError         **error);
/* Ends every session of the signed-in official on the server (DELETE
 * /v1/sessions), on every counter, then forgets the token and the
 * password here. A session the server had ended already counts as ended.
 * Offline, nothing is forgotten, so that it can be tried again. */
void            hall_sync_engine_sign_out_async    (HallSyncEngine  *self,
                                                    GCancellable    *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer         user_data);
gboolean        hall_sync_engine_sign_out_finish   (HallSyncEngine  *self,
                                                    GAsyncResult    *result,
                                                    GError         **error);

/* Keeps @username and @password in memory, without signing in now, so that
 * a 401 later signs in again (for unattended passes, e.g. a nightly
 * `service-hall-ctl sync`). NULL forgets them. */
void            hall_sync_engine_set_credentials   (HallSyncEngine  *self,
                                                    const char      *username,
                                                    const char      *password);

/* Uploads @file to /v1/blobs/@sha256 (lowercase hex). The file is hashed
 * first and refused if it does not match @sha256 (NULL = use its hash).
 * Resumable: HEAD tells what the server holds, PATCH sends the rest in
 * chunks of "blob-chunk-size" with Upload-Offset and Upload-Length. A blob
 * the server already has is not sent again. */
void            hall_sync_engine_upload_blob_async (HallSyncEngine  *self,
                                                    GFile           *file,
                                                    const char      *sha256,
                                                    GCancellable    *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer         user_data);
/* @sha256_out (out) (optional) (transfer full): the blob's hash. */
gboolean        hall_sync_engine_upload_blob_finish (HallSyncEngine *self,
                                                     GAsyncResult   *result,
                                                     char          **sha256_out,
                                                     GError        **error);

/* Makes the file of the page @sha256 (lowercase hex) present at this
 * counter: a page pulled from another counter has its record here and its
 * file on the server until it is opened. GET /v1/blobs/@sha256, the bytes
 * checked against @sha256 (an answer that does not match is asked for
 * again, up to three times, and never kept), then temporary file, fsync,
 * rename. HALL_SYNC_ERROR_OFFLINE when the server cannot be reached. */
void            hall_sync_engine_fetch_page_async  (HallSyncEngine  *self,
                                                    const char      *sha256,
                                                    GCancellable    *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer         user_data);
/* (transfer full): the path of the page's file, or NULL with @error. */
char           *hall_sync_engine_fetch_page_finish (HallSyncEngine  *self,
                                                    GAsyncResult    *result,
                                                    GError         **error);

/* One signed-in request outside the outbox (hall-sync-send.c), for what
 * exists only on the server, such as the hall's queue: @json_body (may be
 * NULL) as application/json, @idempotency_key (may be NULL) so that the
 * retries of a transient failure, or of the counter, change nothing twice.
 * Signs in again once on a 401, as a pass does, and tells "online". */
void              hall_sync_engine_send_async       (HallSyncEngine     *self,
                                                     const char         *method,
                                                     const char         *path,
                                                     const char         *json_body,
                                                     const char         *idempotency_key,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
/* The same with If-Match: @if_match (may be NULL), e.g. "\"3\"", for a
 * change of what the server versions (the hall's calendar); finished with
 * hall_sync_engine_send_finish(). */
void              hall_sync_engine_send_if_match_async (HallSyncEngine  *self,
                                                     const char         *method,
                                                     const char         *path,
                                                     const char         *json_body,
                                                     const char         *idempotency_key,
                                                     const char         *if_match,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
/* (transfer full): the answer, of any status; NULL with a HALL_SYNC_ERROR
 * (OFFLINE, SERVER, AUTH, TLS) when there is none worth reading. */
HallHttpResponse *hall_sync_engine_send_finish      (HallSyncEngine     *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);

/* The supervisor's figures of the hall's days @from … @to (YYYY-MM-DD;
 * hall-sync-stats.c), the @parts asked for: GET /v1/stats by day, by
 * service for the range, then by service for each week (the month's
 * other members stay NULL or empty).
 * HALL_SYNC_ERROR_OFFLINE when the server cannot be reached, _AUTH when it
 * refuses the official (not a supervisor or administrator). */
void              hall_sync_engine_fetch_stats_async (HallSyncEngine    *self,
                                                      const char        *from,
                                                      const char        *to,
                                                      HallStatsParts     parts,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
/* (transfer full): the figures, or NULL with @error. */
HallStatsMonth   *hall_sync_engine_fetch_stats_finish (HallSyncEngine   *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

G_END_DECLS
