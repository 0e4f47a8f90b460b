/* hall-sync-engine-private.h — what the files of HallSyncEngine share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "hall-http-client.h"
#include "hall-retry-policy.h"
#include "hall-store-sync-private.h"
#include "hall-sync-engine.h"

G_BEGIN_DECLS

struct _HallSyncEngine
{
  GObject         parent_instance;

  HallStore      *store;
  char           *server_url;
  gboolean        online;
  gboolean        syncing;
  guint           pending;
  gint64          last_sync;
  char           *last_error;
  gboolean        last_pass_failed;

  guint           max_attempts;
  guint           backoff_base_ms;
  guint           backoff_cap_ms;
  guint           connect_timeout;
  guint           low_speed_time;
  guint           low_speed_limit;
  guint           interval;
  char           *ca_file;
  char           *pinned_public_key;
  guint           blob_chunk_size;
  guint           pull_page_size;
  guint           push_batch_size;

  HallHttpClient *client;
  GMainContext   *context;
  GCancellable   *cancellable;

  /* Kept for signing in again on a 401; read by worker threads. */
  GMutex          credentials_lock;
  char           *username;
  char           *password;
  /* Held by the one worker thread signing in again. */
  GMutex          sign_in_lock;

  gboolean        pass_running;
  GPtrArray      *next_waiters;   /* GTask: answered by the next pass */

  guint           interval_id;
  guint           soon_id;
  guint           probe_interval;
  guint           probe_id;
  GCancellable   *probe_cancellable;  /* while a probe runs */
  gulong          outbox_handler;
  gulong          network_handler;
};

/* Everything a worker needs, copied when it starts so that it never reads
 * the engine's fields while the main context changes them. */
typedef struct
{
  HallSyncEngine  *engine;       /* unowned: the GTask holds a reference */
  HallStore       *store;        /* owned */
  HallHttpClient  *client;       /* owned */
  char            *server_url;
  HallRetryPolicy *policy;
  guint            pull_page_size;
  guint            push_batch_size;
  /* Shared by the threads of the batches in flight, under @lock. */
  GMutex           lock;
  int              posted_online;  /* -1: nothing said yet */
  GRand           *rand;
  /* The token whose sign-in again failed in this pass, and why; under
   * the engine's sign_in_lock. */
  char            *sign_in_failed_for;
  GError          *sign_in_error;
  GCancellable    *cancellable;  /* unowned: the task's */
} HallSyncWorker;

/* hall-sync-engine.c */
void              _hall_sync_worker_init               (HallSyncWorker       *worker,
                                                        HallSyncEngine       *self);
void              _hall_sync_worker_clear              (HallSyncWorker       *worker);
void              _hall_sync_engine_post_online        (HallSyncEngine       *self,
                                                        gboolean              online);
/* On the main context only. */
void              _hall_sync_engine_set_online         (HallSyncEngine       *self,
                                                        gboolean              online);
void              _hall_sync_engine_set_last_error     (HallSyncEngine       *self,
                                                        const char           *message);
gboolean          _hall_sync_engine_is_passing         (HallSyncEngine       *self);

/* hall-sync-probe.c: a light GET /v1/health every "probe-interval" seconds
 * while online and no pass runs, so that the counter shows offline within
 * seconds of the server going away, not at the next pass. */
void              _hall_sync_engine_start_probe        (HallSyncEngine       *self);
void              _hall_sync_engine_stop_probe         (HallSyncEngine       *self);
void              _hall_sync_engine_post_case_rejected (HallSyncEngine       *self,
                                                        const char           *case_uuid,
                                                        const char           *reason);
void              _hall_sync_engine_post_conflict      (HallSyncEngine       *self,
                                                        const char           *entity,
                                                        const char           *uuid);

/* hall-sync-request.c */
/* (transfer full): hall_sync_response_describe_problem() of @response. */
char             *_hall_sync_describe_problem          (HallHttpResponse     *response);
/* (transfer full): the first answer not worth sending again, or NULL with
 * @error set when the retry policy gives up. Appends the NULL that ends
 * @headers (element-type utf8). */
HallHttpResponse *_hall_sync_send_with_retry           (HallSyncWorker       *worker,
                                                        const char           *method,
                                                        const char           *path,
                                                        GPtrArray            *headers,
                                                        GBytes               *body,
                                                        GError              **error);

/* hall-sync-login.c */
gboolean          _hall_sync_login                     (HallSyncWorker       *worker,
                                                        const char           *username,
                                                        const char           *password,
                                                        char               ***roles_out,
                                                        GError              **error);
void              _hall_sync_set_auth_error            (GError              **error);
/* (transfer full): _hall_sync_send_with_retry() with the session's token,
 * signing in again once on a 401; NULL with @error set. */
HallHttpResponse *_hall_sync_send_authorized           (HallSyncWorker       *worker,
                                                        const char           *method,
                                                        const char           *path,
                                                        const char * const   *extra_headers,
                                                        GBytes               *body,
                                                        GError              **error);

/* hall-sync-push.c */
gboolean          _hall_sync_push                      (HallSyncWorker       *worker,
                                                        HallSyncReport       *report,
                                                        GError              **error);

/* hall-sync-blobs.c: sends the page files the server does not hold yet
 * (hall_store_list_unsent_pages()), each resumable and hash-checked, and
 * records each one the server acknowledged. */
gboolean          _hall_sync_push_pages                (HallSyncWorker       *worker,
                                                        guint                *sent_out,
                                                        GError              **error);

/* hall-sync-pull.c */
gboolean          _hall_sync_pull                      (HallSyncWorker       *worker,
                                                        HallSyncReport       *report,
                                                        GError              **error);

/* hall-sync-trust.c: GET /v1/trust into the store. */
gboolean          _hall_sync_pull_trust                (HallSyncWorker       *worker,
                                                        GError              **error);

/* hall-sync-calendar.c: GET /v1/calendar into the store, when it is new
 * (report->calendar_changed). */
gboolean          _hall_sync_pull_calendar             (HallSyncWorker       *worker,
                                                        HallSyncReport       *report,
                                                        GError              **error);

G_END_DECLS
