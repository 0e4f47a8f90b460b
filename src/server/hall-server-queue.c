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
#include "hall-server-private.h"

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
issue (HallServer         *self,
       HallServerRequest  *request,
       const HallQueueKey *key)
{
  static const char *const allowed[] = { "service", "priority", "appointment", NULL };
  static const char *const priorities[] = { "normal", "priority", "appointment", NULL };
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, allowed, &refusal);
  g_autoptr(HallQueueAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
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
      g_autofree char *code = g_ascii_strup (appointment, -1);

      answer = hall_queue_check_in (self->queue, code, request->username, key, &error);
      return answer_of (answer, error, "appointment");
    }
  if (service == NULL)
    return hall_problem_response (422, "service", _("Say which service the ticket is for"));
  answer = hall_queue_issue (self->queue, service, priority, request->username, key, &error);
  return answer_of (answer, error, NULL);
}

static HallServerResponse *
call_next (HallServer         *self,
           HallServerRequest  *request,
           const HallQueueKey *key)
{
  static const char *const allowed[] = { "groups", NULL };
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, allowed, &refusal);
  g_autoptr(HallQueueAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
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
    }
  answer = hall_queue_call_next (self->queue, request->id,
                                 groups != NULL ? (const char * const *) groups->pdata : NULL,
                                 request->username, key, &error);
  return answer_of (answer, error, "groups");
}

static HallServerResponse *
act (HallServer         *self,
     HallServerRequest  *request,
     const HallQueueKey *key)
{
  static const char *const transfer_allowed[] = { "group", "counter", NULL };
  static const char *const none_allowed[] = { NULL };
  const char *action = strrchr (request->path, '/') + 1;
  gboolean transfer = g_str_equal (action, "transfer");
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, transfer ? transfer_allowed : none_allowed,
                                         &refusal);
  g_autoptr(HallQueueAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
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
  answer = hall_queue_act (self->queue, request->id, action, group, counter, request->username,
                           key, &error);
  return answer_of (answer, error, "group");
}

static HallServerResponse *
add_appointment (HallServer         *self,
                 HallServerRequest  *request,
                 const HallQueueKey *key)
{
  static const char *const allowed[] = { "code", "service", "slot", "minutes", "case", NULL };
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, allowed, &refusal);
  g_autoptr(HallQueueAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
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
  answer = hall_queue_add_appointment (self->queue, code, service, start, (guint) minutes,
                                       case_uuid, request->username, key, &error);
  return answer_of (answer, error, NULL);
}

static HallServerResponse *
check_in (HallServer         *self,
          HallServerRequest  *request,
          const HallQueueKey *key)
{
  static const char *const none_allowed[] = { NULL };
  HallServerResponse *refusal = NULL;
  g_autoptr(JsonNode) root = parse_body (request, none_allowed, &refusal);
  g_autoptr(HallQueueAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (root == NULL)
    return refusal;
  answer = hall_queue_check_in (self->queue, request->id, request->username, key, &error);
  return answer_of (answer, error, NULL);
}

HallServerResponse *
_hall_server_answer_queue (HallServer            *self,
                           HallServerRequest     *request,
                           struct MHD_Connection *connection)
{
  g_autofree char *scoped = NULL;
  g_autofree char *hash = NULL;
  HallQueueKey key = { NULL, NULL };

  if (request->route == HALL_ROUTE_QUEUE)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *board = hall_queue_dup_board (self->queue, &error);

      if (board == NULL)
        return hall_problem_response_internal (error);
      return hall_server_response_new_text (200, "application/json", board);
    }

  /* A key is the client's own, as for every write (hall-server-writes.c). */
  if (request->idempotency_key != NULL)
    {
      scoped = g_strconcat (request->username, "\n", request->idempotency_key, NULL);
      hash = hash_request (request);
      key.key = scoped;
      key.request_hash = hash;
    }
  switch (request->route)
    {
    case HALL_ROUTE_TICKETS:
      return issue (self, request, &key);
    case HALL_ROUTE_CALL_NEXT:
      return call_next (self, request, &key);
    case HALL_ROUTE_TICKET_ACTION:
      return act (self, request, &key);
    case HALL_ROUTE_APPOINTMENTS:
      return add_appointment (self, request, &key);
    case HALL_ROUTE_CHECK_IN:
      return check_in (self, request, &key);
    default:
      g_return_val_if_reached (hall_problem_response (500, NULL, "unrouted queue request"));
    }
}

HallQueue *
hall_server_get_queue (HallServer *server)
{
  return server->queue;
}
