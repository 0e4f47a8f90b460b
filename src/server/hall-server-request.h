/* hall-server-request.h — one HTTP request: route, body, parsed entity
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hall-blob-store.h"
#include "hall-problem.h"
#include "hall-roles.h"
#include "hall-server-response.h"

G_BEGIN_DECLS

#define HALL_JSON_BODY_LIMIT  (1024 * 1024)
#define HALL_BLOB_BODY_LIMIT  (50 * 1024 * 1024)
#define HALL_STRING_LIMIT     200
#define HALL_NOTE_LIMIT       2000
#define HALL_JSON_MAX_DEPTH   16
/* Longer request targets (path and query) are 414; the longest real one
 * is under 100 characters. */
#define HALL_PATH_LIMIT       2048
/* All header fields together; more is 431. */
#define HALL_HEADERS_LIMIT    (16 * 1024)
/* libmicrohttpd's memory per connection: heads up to about this size are
 * answered with the server's own 414 or 431 problem; larger ones get the
 * library's own answer, and the connection is closed. */
#define HALL_HEAD_MEMORY      (192 * 1024)
/* POST /v1/batch: a counter coming back online sends its outbox in a few
 * requests instead of one per row. */
#define HALL_BATCH_BODY_LIMIT     (8 * 1024 * 1024)
#define HALL_BATCH_MAX_OPERATIONS 500

typedef enum
{
  HALL_METHOD_GET,
  HALL_METHOD_HEAD,
  HALL_METHOD_PUT,
  HALL_METHOD_POST,
  HALL_METHOD_PATCH,
  HALL_METHOD_DELETE,
  HALL_METHOD_OTHER,
} HallMethod;

typedef enum
{
  HALL_ROUTE_NONE,
  HALL_ROUTE_HEALTH,        /* /v1/health */
  HALL_ROUTE_SESSIONS,      /* /v1/sessions */
  HALL_ROUTE_APPLICANT,     /* /v1/applicants/{uuid} */
  HALL_ROUTE_CASE,          /* /v1/cases/{uuid} */
  HALL_ROUTE_CASE_EVENTS,   /* /v1/cases/{uuid}/events */
  HALL_ROUTE_APPLICANT_PHONE, /* /v1/applicants/{uuid}/phone */
  HALL_ROUTE_CHANGES,       /* /v1/changes */
  HALL_ROUTE_CATALOG,       /* /v1/catalog */
  HALL_ROUTE_BLOB,          /* /v1/blobs/{sha256} */
  HALL_ROUTE_BATCH,         /* /v1/batch */
  HALL_ROUTE_TICKETS,       /* /v1/tickets */
  HALL_ROUTE_TICKET_ACTION, /* /v1/tickets/{uuid}/{action} */
  HALL_ROUTE_CALL_NEXT,     /* /v1/counters/{counter}/call-next */
  HALL_ROUTE_QUEUE,         /* /v1/queue */
  HALL_ROUTE_QUEUE_EVENTS,  /* /v1/queue/events */
  HALL_ROUTE_APPOINTMENTS,  /* /v1/appointments */
  HALL_ROUTE_CHECK_IN,      /* /v1/appointments/{code}/check-in */
  HALL_ROUTE_TRUST,         /* /v1/trust */
  HALL_ROUTE_CERTIFICATE,   /* /v1/certificates/{official} */
  HALL_ROUTE_REVOCATION,    /* /v1/revocations/{uuid} */
  HALL_ROUTE_VERIFY,        /* /v1/verify */
  HALL_ROUTE_ADMIN_SIGN_IN_FAILURES, /* /v1/admin/sign-in-failures */
  HALL_ROUTE_CALENDAR,      /* /v1/calendar */
  HALL_ROUTE_LICENSE,       /* /v1/licenses/{number} */
  HALL_ROUTE_PAGE,          /* /v1/pages/{uuid} */
  HALL_ROUTE_STATS,         /* /v1/stats */
} HallRoute;

typedef struct
{
  HallMethod          method;
  HallRoute           route;
  char               *path;
  gsize               target_length;   /* of the path and query as sent */
  char               *id;              /* the uuid or sha256 of the path, lower case; the
                                        * counter, or the appointment code in upper case */
  GByteArray         *body;
  gsize               limit;
  gboolean            too_large;

  char               *username;
  HallRoles           roles;
  char               *if_match;
  char               *idempotency_key;
  char               *request_hash;    /* of method, path and body, for idempotency */

  HallBlobUpload     *upload;
  GError             *upload_error;
  guint64             upload_offset;

  JsonNode           *entity;          /* canonical JSON of the parsed body */
  GPtrArray          *operations;      /* of HallServerRequest, for /v1/batch */
  gboolean            return_minimal;  /* a batch asked "Prefer: return=minimal" */
  gboolean            queued;          /* an operation of a batch left to the writer */
  HallServerResponse *response;
  gboolean            dispatched;      /* the body was handled */
  gboolean            answered;        /* the response is queued */
  gpointer            connection;      /* struct MHD_Connection */
  gpointer            server;          /* HallServer, not owned */
} HallServerRequest;

/* (transfer full) */
HallServerRequest *hall_server_request_new           (const char        *path);
void               hall_server_request_free          (HallServerRequest *self);
/* FALSE once the body passed the request's limit; the rest is dropped. */
gboolean           hall_server_request_append_body   (HallServerRequest *self,
                                                      const char        *data,
                                                      gsize              length);
/* Sets method, route and id (transfer full) from @method and @path; FALSE
 * with a 404 or 405 problem (transfer full) when nothing answers there. */
gboolean           hall_server_route                 (const char        *method,
                                                      const char        *path,
                                                      HallMethod        *method_out,
                                                      HallRoute         *route_out,
                                                      char             **id_out,
                                                      HallProblem      **problem);
/* (transfer full): turns the body of a PUT/POST to @route (@id from the
 * path) into the canonical JSON of a validated applicant, case or event,
 * with the path's uuid filled in; or into a 400/422 problem (transfer full)
 * naming the field. Never trusts the body: any bytes give one or the
 * other. */
JsonNode          *hall_server_parse_entity          (HallRoute          route,
                                                      const char        *id,
                                                      const char        *body,
                                                      gsize              length,
                                                      HallProblem      **problem);
/* (transfer full): the same for a body parsed already (a JSON object, which
 * the uuid of the path is filled into; transfer none). */
JsonNode          *hall_server_parse_entity_node     (HallRoute          route,
                                                      const char        *id,
                                                      JsonNode          *root,
                                                      HallProblem      **problem);
/* {"username", "password"} of POST /v1/sessions, both (transfer full); or
 * FALSE with a problem (transfer full). */
gboolean           hall_server_parse_session         (const char        *body,
                                                      gsize              length,
                                                      char             **username_out,
                                                      char             **password_out,
                                                      HallProblem      **problem);
/* (transfer full): a JSON object body, parsed with the depth and UTF-8
 * guards; or NULL with a problem (transfer full). */
JsonNode          *hall_server_parse_json_object     (const char        *body,
                                                      gsize              length,
                                                      HallProblem      **problem);

/* (transfer none): NULL unless @member is there and a string: the json-glib
 * getters complain about other types, and a body may hold anything. */
const char        *hall_json_get_string              (JsonObject        *object,
                                                      const char        *member);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallServerRequest, hall_server_request_free)

G_END_DECLS
