/* hall-server-queue.c — the queue's requests: tickets, calls and their
 * actions, appointments, and the board (GET /v1/queue)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-json.h"
#include "hall-queue-test-hooks.h"
#include "hall-server-error.h"
#include "hall-server-postgres.h"
#include "hall-server-private.h"
#include "hall-server-sqlite.h"

/* Longest appointment slot, in minutes, and the one taken when none is
 * said. */
#define SLOT_MAX_MINUTES     480
#define SLOT_DEFAULT_MINUTES 30

static HallServerResponse *
queue_problem (const GError *error,
               const char   *field)
{
  if (error->domain != HALL_QUEUE_ERROR)
    return hall_problem_response_internal (error);
  switch ((HallQueueError) error->code)
    {
    case HALL_QUEUE_ERROR_NOT_FOUND:
    case HALL_QUEUE_ERROR_EMPTY:
      return hall_problem_response (404, NULL, "%s", error->message);
    case HALL_QUEUE_ERROR_TRANSITION:
      return hall_problem_response (409, "state", "%s", error->message);
    case HALL_QUEUE_ERROR_WINDOW:
      return hall_problem_response (409, NULL, "%s", error->message);
    case HALL_QUEUE_ERROR_CONFLICT:
      return hall_problem_response (409, "code", "%s", error->message);
    case HALL_QUEUE_ERROR_SERVICE:
      return hall_problem_response (422, "service", "%s", error->message);
    case HALL_QUEUE_ERROR_GROUP:
      return hall_problem_response (422, field != NULL ? field : "group", "%s", error->message);
    case HALL_QUEUE_ERROR_KEY_REUSED:
      return hall_problem_response (422, "Idempotency-Key", "%s", error->message);
    default:
      return hall_problem_response_internal (error);
    }
}

static HallServerResponse *
answer_of (HallQueueAnswer *answer,
           const GError    *error,
           const char      *field)
{
  if (answer == NULL)
    return queue_problem (error, field);
  return hall_server_response_new_text (answer->status, "application/json", answer->body);
}

/* An operation of the queue, made by the group committer's writer thread
 * in its transaction, so that many counters' calls share one commit. */
typedef enum
{
  QUEUE_ISSUE,
  QUEUE_CALL_NEXT,
  QUEUE_ACT,
  QUEUE_ADD_APPOINTMENT,
  QUEUE_CHECK_IN,
} QueueOp;

typedef struct
{
  QueueOp            op;
  HallServerRequest *request;
  HallQueue         *queue;
  char              *scoped_key;
  char              *request_hash;
  char              *service;       /* or the action, the appointment code */
  char              *priority;
  char              *group;
  char              *counter;
  char              *case_uuid;
  GStrv              groups;
  gint64             slot_start;
  guint              minutes;
  const char        *field;         /* of a refused group */
  HallQueueAnswer   *answer;
  GError            *error;
  GPtrArray         *events;
} QueueJob;

static QueueJob *
queue_job_new (HallServer        *self,
               HallServerRequest *request,
               QueueOp            op)
{
  QueueJob *job = g_new0 (QueueJob, 1);

  job->op = op;
  job->request = request;
  job->queue = g_object_ref (self->queue);
  job->events = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_queue_event_free);
  return job;
}

static void
queue_job_free (QueueJob *job)
{
  g_object_unref (job->queue);
  g_free (job->scoped_key);
  g_free (job->request_hash);
  g_free (job->service);
  g_free (job->priority);
  g_free (job->group);
  g_free (job->counter);
  g_free (job->case_uuid);
  g_strfreev (job->groups);
  g_clear_pointer (&job->answer, hall_queue_answer_free);
  g_clear_error (&job->error);
  g_ptr_array_unref (job->events);
  g_free (job);
}

/* On the writer thread, in a savepoint of its transaction. */
static gboolean
queue_job_run (HallServerStorage  *storage,
               gpointer            user_data,
               GError            **error)
{
  QueueJob *job = user_data;
  HallServerRequest *request = job->request;
  HallQueueKey key = { job->scoped_key, job->request_hash };
  const HallQueueKey *k = job->scoped_key != NULL ? &key : NULL;
  HallQueueConn conn = { NULL, NULL };

  if (HALL_IS_SERVER_POSTGRES (storage))
    conn.pg = hall_server_postgres_get_thread_pg (HALL_SERVER_POSTGRES (storage), error);
  else
    conn.sqlite = hall_server_sqlite_get_conn (HALL_SERVER_SQLITE (storage), error);
  if (conn.pg == NULL && conn.sqlite == NULL)
    return FALSE;
  switch (job->op)
    {
    case QUEUE_ISSUE:
      job->answer = hall_queue_issue (job->queue, &conn, job->events, job->service, job->priority,
                                      request->username, k, &job->error);
      break;
    case QUEUE_CALL_NEXT:
      job->answer = hall_queue_call_next (job->queue, &conn, job->events, request->id,
                                          (const char * const *) job->groups, request->username,
                                          k, &job->error);
      break;
    case QUEUE_ACT:
      job->answer = hall_queue_act (job->queue, &conn, job->events, request->id, job->service,
                                    job->group, job->counter, request->username, k, &job->error);
      break;
    case QUEUE_ADD_APPOINTMENT:
      job->answer = hall_queue_add_appointment (job->queue, &conn, job->events, job->priority,
                                                job->service, job->slot_start, job->minutes,
                                                job->case_uuid, request->username, k, &job->error);
      break;
    case QUEUE_CHECK_IN:
      job->answer = hall_queue_check_in (job->queue, &conn, job->events, job->service,
                                         request->username, k, &job->error);
      break;
    default:
      g_assert_not_reached ();
    }
  /* A refusal leaves nothing to undo; a failure of the database does. */
  if (job->answer == NULL && job->error->domain != HALL_QUEUE_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }
  return TRUE;
}

/* On the writer thread, once the transaction's fate is known. */
static void
queue_job_done (gpointer      user_data,
                const GError *error)
{
  QueueJob *job = user_data;
  HallServerRequest *request = job->request;
  HallServer *self = request->server;

  if (error != NULL)
    request->response = (self->stopping
                         || g_error_matches (error, HALL_SERVER_ERROR,
                                             HALL_SERVER_ERROR_SHUTTING_DOWN))
                        ? hall_problem_response (503, NULL,
                                                 _("The server is shutting down; try again"))
                        : hall_problem_response_internal (error);
  else
    {
      hall_queue_publish (job->queue, job->events);
      request->response = answer_of (job->answer, job->error, job->field);
    }
  queue_job_free (job);
  MHD_resume_connection (request->connection);
}

/* The body as an object whose members are all among @allowed (an empty
 * body is an empty object); or NULL with the answer in *@refusal. */
static JsonNode *
parse_body (HallServerRequest   *request,
            const char * const  *allowed,
            HallServerResponse **refusal)
{
  g_autoptr(HallProblem) problem = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) members = NULL;

  if (request->body->len == 0)
    return json_node_init_object (json_node_alloc (), json_object_new ());
  root = hall_server_parse_json_object ((const char *) request->body->data, request->body->len,
                                        &problem);
  if (root == NULL)
    {
      *refusal = hall_problem_to_response (problem);
      return NULL;
    }
  members = json_object_get_members (json_node_get_object (root));
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        *refusal = hall_problem_response (422, l->data, _("“%s” is not a member of this request"),
                                          (const char *) l->data);
        return NULL;
      }
  return g_steal_pointer (&root);
}

/* A string member of at most HALL_STRING_LIMIT characters, or absent
 * (NULL, TRUE); FALSE with the answer in *@refusal. */
static gboolean
read_string (JsonObject          *object,
             const char          *member,
             const char         **value_out,
             HallServerResponse **refusal)
{
  JsonNode *node = json_object_get_member (object, member);

  *value_out = NULL;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
      && *json_node_get_string (node) != '\0'
      && g_utf8_strlen (json_node_get_string (node), -1) <= HALL_STRING_LIMIT)
    {
      *value_out = json_node_get_string (node);
      return TRUE;
    }
  *refusal = hall_problem_response (422, member, _("“%s” must be a text of 1 to %d characters"),
                                    member, HALL_STRING_LIMIT);
  return FALSE;
}

static char *
hash_request (HallServerRequest *request)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) "POST\n", -1);
  g_checksum_update (checksum, (const guchar *) request->path, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, request->body->data, request->body->len);
  return g_strdup (g_checksum_get_string (checksum));
}

static HallServerResponse *
issue (HallServerRequest *request,
       QueueJob          *job)
{
  static const char *const allowed[] = { "service", "priority", "appointment", NULL };
  static const char *const priorities[] = { "normal", "priority", "appointment", NULL };
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, allowed, &refusal);
  const char *service;
  const char *priority;
  const char *appointment;
  JsonObject *object;

  if (root == NULL)
    return refusal;
  object = json_node_get_object (root);
  if (!read_string (object, "service", &service, &refusal)
      || !read_string (object, "priority", &priority, &refusal)
      || !read_string (object, "appointment", &appointment, &refusal))
    return refusal;
  if (priority != NULL && !g_strv_contains (priorities, priority))
    return hall_problem_response (422, "priority",
                                  _("“priority” must be normal, priority or appointment, not “%s”"),
                                  priority);
  if (appointment != NULL)
    {
      job->op = QUEUE_CHECK_IN;
      job->service = g_ascii_strup (appointment, -1);
      return NULL;
    }
  if (service == NULL)
    return hall_problem_response (422, "service", _("Say which service the ticket is for"));
  job->service = g_strdup (service);
  job->priority = g_strdup (priority);
  return NULL;
}

static HallServerResponse *
call_next (HallServerRequest *request,
           QueueJob          *job)
{
  static const char *const allowed[] = { "groups", NULL };
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, allowed, &refusal);
  g_autoptr(GPtrArray) groups = NULL;
  JsonNode *node;

  if (root == NULL)
    return refusal;
  node = json_object_get_member (json_node_get_object (root), "groups");
  if (node != NULL)
    {
      JsonArray *array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      if (array == NULL || json_array_get_length (array) == 0 || json_array_get_length (array) > 26)
        return hall_problem_response (422, "groups",
                                      _("“groups” must be a list of 1 to 26 group letters"));
      groups = g_ptr_array_new ();
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element)
              || json_node_get_value_type (element) != G_TYPE_STRING)
            return hall_problem_response (422, "groups",
                                          _("“groups” must be a list of group letters"));
          g_ptr_array_add (groups, (gpointer) json_node_get_string (element));
        }
      g_ptr_array_add (groups, NULL);
      job->groups = g_strdupv ((char **) groups->pdata);
    }
  job->field = "groups";
  return NULL;
}

static HallServerResponse *
act (HallServerRequest *request,
     QueueJob          *job)
{
  static const char *const transfer_allowed[] = { "group", "counter", NULL };
  static const char *const none_allowed[] = { NULL };
  const char *action = strrchr (request->path, '/') + 1;
  gboolean transfer = g_str_equal (action, "transfer");
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, transfer ? transfer_allowed : none_allowed,
                                         &refusal);
  const char *group = NULL;
  const char *counter = NULL;

  if (root == NULL)
    return refusal;
  if (transfer)
    {
      JsonObject *object = json_node_get_object (root);

      if (!read_string (object, "group", &group, &refusal)
          || !read_string (object, "counter", &counter, &refusal))
        return refusal;
      if ((group == NULL) == (counter == NULL))
        return hall_problem_response (422, group == NULL ? "group" : "counter",
                                      _("A transfer names either a “group” or a “counter”"));
      if (counter != NULL && (strlen (counter) > 16 || strspn (counter,
                                                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                 "abcdefghijklmnopqrstuvwxyz"
                                                                 "0123456789-_")
                                                        != strlen (counter)))
        return hall_problem_response (422, "counter",
                                      _("A counter is named by 1 to 16 letters, digits, “-” or "
                                        "“_”"));
    }
  job->service = g_strdup (action);
  job->group = g_strdup (group);
  job->counter = g_strdup (counter);
  job->field = "group";
  return NULL;
}

static HallServerResponse *
add_appointment (HallServerRequest *request,
                 QueueJob          *job)
{
  static const char *const allowed[] = { "code", "service", "slot", "minutes", "case", NULL };
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, allowed, &refusal);
  g_autofree char *code = NULL;
  const char *code_text;
  const char *service;
  const char *slot;
  const char *case_uuid;
  JsonObject *object;
  JsonNode *minutes_node;
  gint64 minutes = SLOT_DEFAULT_MINUTES;
  gint64 start;

  if (root == NULL)
    return refusal;
  object = json_node_get_object (root);
  if (!read_string (object, "code", &code_text, &refusal)
      || !read_string (object, "service", &service, &refusal)
      || !read_string (object, "slot", &slot, &refusal)
      || !read_string (object, "case", &case_uuid, &refusal))
    return refusal;
  if (code_text != NULL)
    {
      gsize length = strlen (code_text);

      if (length < 4 || length > 32
          || strspn (code_text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
             != length)
        return hall_problem_response (422, "code",
                                      _("An appointment code has 4 to 32 letters and digits"));
      code = g_ascii_strup (code_text, -1);
    }
  if (service == NULL)
    return hall_problem_response (422, "service", _("Say which service the appointment is for"));
  if (slot == NULL || !hall_timestamp_from_iso8601 (slot, &start))
    return hall_problem_response (422, "slot",
                                  _("“slot” must be the time the slot begins, as "
                                    "2026-12-04T09:30:00+08:00"));
  if (case_uuid != NULL && !hall_uuid_is_canonical (case_uuid))
    return hall_problem_response (422, "case", _("“case” must be the UUID of a case, in lower case"));
  minutes_node = json_object_get_member (object, "minutes");
  if (minutes_node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (minutes_node)
          || json_node_get_value_type (minutes_node) != G_TYPE_INT64
          || (minutes = json_node_get_int (minutes_node)) < 5 || minutes > SLOT_MAX_MINUTES)
        return hall_problem_response (422, "minutes",
                                      _("“minutes” must be a whole number from 5 to %d"),
                                      SLOT_MAX_MINUTES);
    }
  /* "priority" holds the code here. */
  job->service = g_strdup (service);
  job->priority = g_steal_pointer (&code);
  job->slot_start = start;
  job->minutes = (guint) minutes;
  job->case_uuid = g_strdup (case_uuid);
  return NULL;
}

static HallServerResponse *
check_in (HallServerRequest *request,
          QueueJob          *job)
{
  static const char *const none_allowed[] = { NULL };
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, none_allowed, &refusal);

  if (root == NULL)
    return refusal;
  job->service = g_strdup (request->id);
  return NULL;
}

HallServerResponse *
_hall_server_answer_queue (HallServer            *self,
                           HallServerRequest     *request,
                           struct MHD_Connection *connection)
{
  HallServerResponse *refusal = NULL;
  QueueJob *job = NULL;

  if (request->route == HALL_ROUTE_QUEUE)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *board = hall_queue_dup_board (self->queue, &error);

      if (board == NULL)
        return hall_problem_response_internal (error);
      return hall_server_response_new_text (200, "application/json", board);
    }

  switch (request->route)
    {
    case HALL_ROUTE_TICKETS:
      job = queue_job_new (self, request, QUEUE_ISSUE);
      refusal = issue (request, job);
      break;
    case HALL_ROUTE_CALL_NEXT:
      job = queue_job_new (self, request, QUEUE_CALL_NEXT);
      refusal = call_next (request, job);
      break;
    case HALL_ROUTE_TICKET_ACTION:
      job = queue_job_new (self, request, QUEUE_ACT);
      refusal = act (request, job);
      break;
    case HALL_ROUTE_APPOINTMENTS:
      job = queue_job_new (self, request, QUEUE_ADD_APPOINTMENT);
      refusal = add_appointment (request, job);
      break;
    case HALL_ROUTE_CHECK_IN:
      job = queue_job_new (self, request, QUEUE_CHECK_IN);
      refusal = check_in (request, job);
      break;
    default:
      g_return_val_if_reached (hall_problem_response (500, NULL, "unrouted queue request"));
    }
  if (refusal != NULL)
    {
      queue_job_free (job);
      return refusal;
    }
  /* Counters keep asking while nobody waits: answered here, the writer
   * kept for what changes the queue. The writer's answer would be the
   * same (it writes nothing then); a keyed request goes to it all the
   * same, to be answered as its key says. */
  if (request->route == HALL_ROUTE_CALL_NEXT && request->idempotency_key == NULL
      && hall_queue_nobody_waits (self->queue, request->id, (const char * const *) job->groups))
    {
      queue_job_free (job);
      return hall_problem_response (404, NULL, _("Nobody waits in the groups of counter %s"),
                                    request->id);
    }
  /* A key is the client's own, as for every write (hall-server-writes.c). */
  if (request->idempotency_key != NULL)
    {
      job->scoped_key = g_strconcat (request->username, "\n", request->idempotency_key, NULL);
      job->request_hash = hash_request (request);
    }
  MHD_suspend_connection (connection);
  hall_group_committer_submit (self->queue_committer, queue_job_run, queue_job_done, job);
  return NULL;
}

HallQueue *
hall_server_get_queue (HallServer *server)
{
  return server->queue;
}
