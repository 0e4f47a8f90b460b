/* hall-server-private.h — the struct of HallServer and what its files
 * (hall-server-writes.c, -auth.c, -batch.c, -blobs.c, hall-server.c, in
 * the order they depend on each other) offer one another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <microhttpd.h>

#include "hall-auth.h"
#include "hall-blob-store.h"
#include "hall-group-committer.h"
#include "hall-queue.h"
#include "hall-server-request.h"
#include "hall-server-storage.h"
#include "hall-server-trust.h"
#include "hall-server.h"

G_BEGIN_DECLS

struct _HallServer
{
  GObject             parent_instance;
  char               *data_dir;
  HallCatalog        *catalog;
  HallServerStorage  *storage;
  HallGroupCommitter *committer;
  /* The SQLite file of the data directory: the storage itself, or on
   * PostgreSQL the file that --backup and --copy-to read. */
  HallServerStorage  *local;
  /* The queue's writer: the committer itself on SQLite; on PostgreSQL a
   * second writer thread, so that a transaction never holds the queue's
   * lock and the feed's at once (two servers would wait for each other). */
  HallGroupCommitter *queue_committer;
  HallAuth           *auth;
  HallBlobStore      *blobs;
  HallQueue          *queue;          /* tickets, appointments, their events */
  HallServerTrust    *trust;          /* hall key, certificates, revocations */
  GThreadPool        *sign_ins;       /* password checks, off the request threads */
  GMutex              sign_in_mutex;
  GHashTable         *officials;      /* username -> HallOfficialState, read lately */
  GMutex              officials_mutex;
  GMutex              calendar_mutex;
  gint64              calendar_version; /* of the catalog's calendar, under calendar_mutex */
  GPtrArray          *calendars;        /* of HallCalendar: each counted in, oldest first */
  GHashTable         *throttles;      /* "user:NAME" / "address:IP" -> refused sign-ins */
  GMutex              throttle_mutex;
  struct MHD_Daemon  *daemon;
  char               *tls_cert;       /* PEM, or NULL for plain HTTP */
  char               *tls_key;
  guint16             port;
  gboolean            stopping;
  gint                draining;       /* see hall_server_drain() */
  gint64              max_offline;    /* seconds: see hall_server_set_max_offline() */
};

/* hall-server-writes.c: what is checked before a write, its idempotent
 * replay, and the write itself on the writer thread. */

/* Everything about a PUT/POST that is checked before the writer: the body
 * parses into a valid entity, a case's service is in the catalog and the
 * case agrees with it (checklist, promised time, number), the role may do
 * it, and (with @look_up_key) the Idempotency-Key's stored answer.
 * @parsed, when not NULL, is the body parsed already (and is changed).
 * Returns that refusal or replay (transfer full), or NULL when the write is
 * to be queued (request->entity and request->request_hash are then set). */
HallServerResponse *_hall_server_check_write    (HallServer            *self,
                                                 HallServerRequest     *request,
                                                 const char            *method,
                                                 JsonNode              *parsed,
                                                 gboolean               look_up_key);
/* An Idempotency-Key answered before: the stored answer, a 422 when the
 * key came with another request (transfer full), or NULL (with no error)
 * when it is new. */
HallServerResponse *_hall_server_replay         (HallServerStorage     *storage,
                                                 HallServerRequest     *request,
                                                 GError               **error);
/* Reads ahead what the writes of @requests will read (see
 * hall_server_storage_read_ahead ()). */
gboolean            _hall_server_read_ahead     (HallServerStorage     *storage,
                                                 GPtrArray             *requests,
                                                 GError               **error);
/* The write of one PUT/POST, run by the group committer on the writer
 * thread; leaves its answer in request->response. */
gboolean            _hall_server_run_write      (HallServerStorage     *storage,
                                                 gpointer               user_data,
                                                 GError               **error);
/* Forgets the answer a run of the write left, before it runs again. */
void                _hall_server_forget_answer  (gpointer               user_data);
/* Validates a PUT/POST body and hands it to the writer; NULL when the
 * connection is suspended until the commit. */
HallServerResponse *_hall_server_submit_write   (HallServer            *self,
                                                 HallServerRequest     *request,
                                                 struct MHD_Connection *connection,
                                                 const char            *method);
/* The done callback of the group committer's jobs that answer a request
 * (a write, a batch, a sign-out), on the writer thread once the commit is
 * durable or failed: a failed one is answered 503 when the server is
 * stopping, else 500; then the request's connection is resumed. */
void                _hall_server_write_done     (gpointer               user_data,
                                                 const GError          *error);

/* hall-server-auth.c: officials, their sessions, and the roles of each
 * route. */

/* The roles that may send @method to @route. */
HallRoles           _hall_server_roles_needed   (HallRoute              route,
                                                 HallMethod             method);
/* Who asks, and may they: the session token, the official's roles and
 * sign-outs as the database has them now, and the route's roles. FALSE
 * with the refusal in request->response. */
gboolean            _hall_server_authorize      (HallServer            *self,
                                                 HallServerRequest     *request,
                                                 struct MHD_Connection *connection);
/* POST /v1/sessions (on a sign-in thread) and DELETE /v1/sessions (by the
 * writer); NULL when the connection is suspended until then. */
HallServerResponse *_hall_server_answer_session (HallServer            *self,
                                                 HallServerRequest     *request,
                                                 struct MHD_Connection *connection);
/* GET /v1/admin/sign-in-failures: the refused sign-ins, newest first. */
HallServerResponse *_hall_server_answer_sign_in_failures (HallServer            *self,
                                                          struct MHD_Connection *connection);
/* GET /v1/stats: the supervision figures (hall-server-stats.c). */
HallServerResponse *_hall_server_answer_stats          (HallServer            *self,
                                                          struct MHD_Connection *connection);
/* The sign-in threads' function: checks a password off the request
 * threads. */
void                _hall_server_sign_in_thread (gpointer               data,
                                                 gpointer               user_data);

/* hall-server-batch.c: POST /v1/batch. */

/* Queues the batch's writes as one job of the group committer; NULL when
 * the connection is suspended until the commit. */
HallServerResponse *_hall_server_submit_batch   (HallServer            *self,
                                                 HallServerRequest     *request,
                                                 gpointer               connection);
/* (transfer full): the batch's answer, once each of its operations has its
 * own. */
HallServerResponse *_hall_server_batch_answer   (HallServerRequest     *batch);

/* hall-server-blobs.c: /v1/blobs/{sha256}. */

/* Before the body: answers a HEAD or GET, or begins an upload
 * (request->upload) or refuses it, in request->response. */
void                _hall_server_begin_blob     (HallServer            *self,
                                                 HallServerRequest     *request,
                                                 struct MHD_Connection *connection);
/* A piece of an upload's body, as it arrives. */
void                _hall_server_receive_blob   (HallServerRequest     *request,
                                                 const char            *data,
                                                 gsize                  length);
/* (transfer full): after the body, the upload's answer. */
HallServerResponse *_hall_server_answer_blob    (HallServer            *self,
                                                 HallServerRequest     *request);
/* (transfer full): the 503 for a blob of state HALL_BLOB_UNKNOWN. */
HallServerResponse *_hall_server_blob_unknown_response (void);

/* hall-server-queue.c: /v1/tickets, /v1/counters/{counter}/call-next,
 * /v1/appointments and GET /v1/queue. */

/* The board is answered at once (transfer full); a change is checked,
 * then made by the group committer's writer: NULL while the connection is
 * suspended until its commit (request->response is then set), or a
 * refusal (transfer full). */
HallServerResponse *_hall_server_answer_queue   (HallServer            *self,
                                                 HallServerRequest     *request,
                                                 struct MHD_Connection *connection);

/* hall-server-events.c: GET /v1/queue/events. */

/* (transfer full): the event stream, or a 400 for a Last-Event-ID that is
 * not a number. */
HallServerResponse *_hall_server_answer_events  (HallServer            *self,
                                                 HallServerRequest     *request,
                                                 struct MHD_Connection *connection);
/* Ends every event stream, before the daemon stops (a suspended
 * connection must not outlive it). */
void                _hall_server_close_events   (HallServer            *self);
/* hall-server-trust.c: GET /v1/trust, PUT /v1/certificates/{official},
 * PUT /v1/revocations/{uuid}, POST /v1/verify. */
HallServerResponse *_hall_server_answer_trust       (HallServer            *self,
                                                     HallServerRequest     *request);
HallServerResponse *_hall_server_answer_certificate (HallServer            *self,
                                                     HallServerRequest     *request);
HallServerResponse *_hall_server_answer_revocation  (HallServer            *self,
                                                     HallServerRequest     *request);
HallServerResponse *_hall_server_answer_verify      (HallServer            *self,
                                                     HallServerRequest     *request,
                                                     struct MHD_Connection *connection);

/* hall-server-calendar.c: GET and PUT /v1/calendar. */

/* At start: the calendar the administrator set, if any, in place of the
 * file's. */
gboolean            _hall_server_load_calendar   (HallServer            *self,
                                                  GError               **error);
/* Whether @promised_at is what @service promised at @created_at in one of
 * the calendars this server counted in, the current one or one before. */
gboolean            _hall_server_promise_was_made (HallServer          *self,
                                                  HallService           *service,
                                                  gint64                 created_at,
                                                  gint64                 promised_at);
/* A GET at once (transfer full); a PUT is checked, then written by the
 * group committer: NULL while the connection is suspended until then. */
HallServerResponse *_hall_server_answer_calendar (HallServer            *self,
                                                  HallServerRequest     *request,
                                                  struct MHD_Connection *connection);

G_END_DECLS
