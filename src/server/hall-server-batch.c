/* hall-server-batch.c — POST /v1/batch: many writes, one commit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A counter back online may hold thousands of outbox rows. Sent one by one
 * each costs a round trip and a durable commit; in a batch each operation
 * is still handled exactly as its own request would be (validation, roles,
 * Idempotency-Key, If-Match, change feed), in a savepoint of its own, but
 * all of them are made durable by one commit and answered in one response.
 * An operation that fails does not stop the ones after it: the client
 * stops acknowledging at the first answer that is not 2xx, so its outbox
 * keeps its order, and sends the rest again under the same keys.
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>
#include <microhttpd.h>
#include <string.h>

#include "hall-server-private.h"

/* NULL when @member is absent; FALSE when it is there but not a string. */
static gboolean
get_optional_string (JsonObject  *object,
                     const char  *member,
                     const char **value_out)
{
  JsonNode *node = json_object_get_member (object, member);

  *value_out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *value_out = json_node_get_string (node);
  return TRUE;
}

/* One operation as the request it stands for; a refusal found before the
 * writer is left in its response. */
static HallServerRequest *
parse_operation (HallServer        *self,
                 HallServerRequest *batch,
                 JsonNode          *node)
{
  g_autoptr(HallProblem) route_problem = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  HallServerRequest *op;
  JsonObject *object;
  JsonNode *body;
  const char *key = NULL;
  const char *method = NULL;
  const char *path = NULL;
  const char *if_match = NULL;
  char *text;
  gsize length;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      op = hall_server_request_new ("");
      op->response = hall_problem_response (400, "operations",
                                            _("Each operation must be an object with “method”, "
                                              "“path” and “body”"));
      return op;
    }
  object = json_node_get_object (node);
  if (!get_optional_string (object, "path", &path) || path == NULL)
    {
      op = hall_server_request_new ("");
      op->response = hall_problem_response (400, "path", _("The operation has no “path”"));
      return op;
    }
  op = hall_server_request_new (path);
  op->server = self;
  op->username = g_strdup (batch->username);
  op->roles = batch->roles;

  if (!get_optional_string (object, "method", &method) || method == NULL)
    {
      op->response = hall_problem_response (400, "method", _("The operation has no “method”"));
      return op;
    }
  if (!hall_server_route (method, path, &op->method, &op->route, &op->id, &route_problem))
    {
      op->response = hall_problem_to_response (route_problem);
      return op;
    }
  if (!(op->route == HALL_ROUTE_APPLICANT && op->method == HALL_METHOD_PUT)
      && !(op->route == HALL_ROUTE_CASE && op->method == HALL_METHOD_PUT)
      && !(op->route == HALL_ROUTE_PAGE && op->method == HALL_METHOD_PUT)
      && op->route != HALL_ROUTE_CASE_EVENTS && op->route != HALL_ROUTE_APPLICANT_PHONE)
    {
      op->response = hall_problem_response (400, "path",
                                            _("Only PUT of applicants, cases and pages, POST of "
                                              "case events and of phone corrections may be sent "
                                              "in a batch"));
      return op;
    }
  if ((op->roles & _hall_server_roles_needed (op->route, op->method)) == 0)
    {
      op->response = hall_problem_response (403, NULL, _("Your role does not allow this"));
      return op;
    }

  if (!get_optional_string (object, "key", &key)
      || (key != NULL && (*key == '\0' || strlen (key) > HALL_STRING_LIMIT)))
    {
      op->response = hall_problem_response (400, "key",
                                            _("The key must be a string of 1 to %d characters"),
                                            HALL_STRING_LIMIT);
      return op;
    }
  op->idempotency_key = g_strdup (key);
  if (!get_optional_string (object, "if_match", &if_match))
    {
      op->response = hall_problem_response (400, "if_match",
                                            _("“if_match” must be a string, e.g. \"3\""));
      return op;
    }
  op->if_match = g_strdup (if_match);

  body = json_object_get_member (object, "body");
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      op->response = hall_problem_response (400, "body",
                                            _("The operation’s “body” must be a JSON object"));
      return op;
    }
  /* The body as its own request would carry it: json-glib writes what the
   * counter sends alone the same way, so a key's request hash is the same
   * whether its row went alone or in a batch. Written before the checks
   * below fill in the path's uuid; the parsed body is checked as it is,
   * not parsed again from the text. */
  generator = json_generator_new ();
  json_generator_set_root (generator, body);
  text = json_generator_to_data (generator, &length);
  g_byte_array_append (op->body, (const guint8 *) text, length);
  g_free (text);

  /* The writer looks each key up anyway (the same key may come twice in a
   * batch); a lookup per operation on a read connection first would cost
   * more than the rare replayed batch saves. */
  op->response = _hall_server_check_write (self, op, method, body, FALSE);
  return op;
}

/* Each of @queued in a savepoint of its own, any answer of an earlier run
 * forgotten: one that fails rolls back alone, and the others of the batch
 * stay. */
static gboolean
write_each_in_savepoint (HallServerStorage  *storage,
                         GPtrArray          *queued,
                         GError            **error)
{
  for (guint i = 0; i < queued->len; i++)
    {
      HallServerRequest *op = g_ptr_array_index (queued, i);
      g_autoptr(GError) local_error = NULL;

      _hall_server_forget_answer (op);
      if (!hall_server_storage_savepoint (storage, error))
        return FALSE;
      if (_hall_server_run_write (storage, op, &local_error))
        {
          if (!hall_server_storage_release (storage, error))
            return FALSE;
          continue;
        }
      /* If this operation's writes cannot go, failing here rolls the whole
       * transaction back rather than committing them. */
      if (!hall_server_storage_rollback_to (storage, error))
        return FALSE;
      _hall_server_forget_answer (op);
      op->response = hall_problem_response_internal (local_error);
    }
  return TRUE;
}

/* (transfer container): the operations left to the writer. */
static GPtrArray *
queued_operations (HallServerRequest *batch)
{
  GPtrArray *queued = g_ptr_array_new ();

  for (guint i = 0; i < batch->operations->len; i++)
    {
      HallServerRequest *op = g_ptr_array_index (batch->operations, i);

      if (op->queued)
        g_ptr_array_add (queued, op);
    }
  return queued;
}

/* A savepoint for every operation costs about a quarter of the writer's
 * time, and is needed only when one fails, which a storage error alone
 * makes it do (refusals write nothing). So the batch is written without
 * them, its writes deferred, and only when an operation fails (or a
 * deferred write did) is all of it undone, back to the savepoint the group
 * committer holds for this job, and written again operation by operation,
 * each waiting for its answer. */
static gboolean
batch_write (HallServerStorage  *storage,
             gpointer            user_data,
             GError            **error)
{
  HallServerRequest *batch = user_data;
  g_autoptr(GPtrArray) queued = queued_operations (batch);
  g_autoptr(GError) failure = NULL;

  if (!_hall_server_read_ahead (storage, queued, error))
    return FALSE;
  /* Undone and written again below when one fails: the writes need not
   * wait for their answers one by one. */
  hall_server_storage_defer_writes (storage);
  for (guint i = 0; i < queued->len; i++)
    if (!_hall_server_run_write (storage, g_ptr_array_index (queued, i), &failure))
      break;
  /* What the deferred writes answered: a refusal among them fails the
   * batch like any other failure (after one, they are only dropped). */
  hall_server_storage_flush_writes (storage, failure == NULL ? &failure : NULL);
  if (failure == NULL)
    return TRUE;

  g_debug ("A write of a batch failed (%s): writing it again operation by operation",
           failure->message);
  /* Rolling back to it ends the committer's savepoint: it opens again for
   * the committer to release. */
  if (!hall_server_storage_rollback_to (storage, error)
      || !hall_server_storage_savepoint (storage, error))
    return FALSE;
  return write_each_in_savepoint (storage, queued, error);
}

/* Our own answers are JSON text already: each goes into the batch's
 * answer as it is, not parsed and written again. With @minimal, an
 * accepted one with an ETag goes without its body: the version is what
 * a counter takes from it (an entry's answer, which has no ETag, keeps its
 * body and the case's version in it). */
static void
append_result (GString            *answer,
               HallServerResponse *response,
               gboolean            minimal)
{
  gsize length = 0;
  const char *body = response->body != NULL ? g_bytes_get_data (response->body, &length) : NULL;

  g_string_append_printf (answer, "{\"status\":%u", response->status);
  if (response->etag > 0)
    g_string_append_printf (answer, ",\"etag\":\"\\\"%" G_GINT64_FORMAT "\\\"\"",
                            response->etag);
  g_string_append (answer, ",\"body\":");
  if (minimal && response->status >= 200 && response->status < 300 && response->etag > 0)
    g_string_append (answer, "null");
  else if (length > 0 && response->content_type != NULL
      && g_str_has_suffix (response->content_type, "json"))
    g_string_append_len (answer, body, length);
  else
    g_string_append (answer, "null");
  g_string_append_c (answer, '}');
}

static enum MHD_Result
collect_prefer (void                *cls,
                enum MHD_ValueKind   kind,
                const char          *name,
                const char          *value)
{
  GString *prefer = cls;

  if (value != NULL && g_ascii_strcasecmp (name, "Prefer") == 0)
    {
      if (prefer->len > 0)
        g_string_append_c (prefer, ',');
      g_string_append (prefer, value);
    }
  return MHD_YES;
}

/* Whether the request's Prefer header fields ask for return=minimal
 * (RFC 7240: preferences separated by commas, across fields too, each a
 * token, maybe "=" and a value, maybe quoted, and parameters after ";";
 * the first "return" counts). */
static gboolean
prefers_minimal (struct MHD_Connection *connection)
{
  g_autoptr(GString) prefer = g_string_new (NULL);
  g_auto(GStrv) preferences = NULL;

  MHD_get_connection_values (connection, MHD_HEADER_KIND, collect_prefer, prefer);
  preferences = g_strsplit (prefer->str, ",", -1);
  for (guint i = 0; preferences[i] != NULL; i++)
    {
      g_auto(GStrv) parameters = g_strsplit (preferences[i], ";", 2);
      g_auto(GStrv) name_value = NULL;
      char *value;

      if (parameters[0] == NULL)
        continue;
      name_value = g_strsplit (parameters[0], "=", 2);
      if (name_value[0] == NULL || g_ascii_strcasecmp (g_strstrip (name_value[0]), "return") != 0)
        continue;
      value = name_value[1] != NULL ? g_strstrip (name_value[1]) : "";
      if (value[0] == '"' && strlen (value) >= 2 && value[strlen (value) - 1] == '"')
        {
          value[strlen (value) - 1] = '\0';
          value++;
        }
      return g_ascii_strcasecmp (value, "minimal") == 0;
    }
  return FALSE;
}

HallServerResponse *
_hall_server_batch_answer (HallServerRequest *batch)
{
  GString *answer = g_string_sized_new (256 * batch->operations->len);
  HallServerResponse *response = hall_server_response_new (200);

  g_string_append (answer, "{\"results\":[");
  for (guint i = 0; i < batch->operations->len; i++)
    {
      HallServerRequest *op = g_ptr_array_index (batch->operations, i);

      if (i > 0)
        g_string_append_c (answer, ',');
      append_result (answer, op->response, batch->return_minimal);
    }
  g_string_append (answer, "]}");
  response->content_type = g_strdup ("application/json");
  if (batch->return_minimal)
    response->preference_applied = g_strdup ("return=minimal");
  response->body = g_string_free_to_bytes (answer);
  return response;
}

HallServerResponse *
_hall_server_submit_batch (HallServer        *self,
                           HallServerRequest *request,
                           gpointer           connection)
{
  g_autoptr(HallProblem) parse_problem = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *operations;
  JsonArray *array;
  gboolean queued = FALSE;
  guint n;

  root = hall_server_parse_json_object ((const char *) request->body->data, request->body->len,
                                        &parse_problem);
  if (root == NULL)
    return hall_problem_to_response (parse_problem);
  request->return_minimal = prefers_minimal (connection);
  operations = json_object_get_member (json_node_get_object (root), "operations");
  if (operations == NULL || !JSON_NODE_HOLDS_ARRAY (operations)
      || json_array_get_length (json_node_get_array (operations)) == 0)
    return hall_problem_response (400, "operations",
                                  _("“operations” must be a list of at least one operation"));
  array = json_node_get_array (operations);
  n = json_array_get_length (array);
  if (n > HALL_BATCH_MAX_OPERATIONS)
    return hall_problem_response (413, "operations",
                                  _("A batch may hold at most %d operations, not %u"),
                                  HALL_BATCH_MAX_OPERATIONS, n);

  request->operations = g_ptr_array_new_full (n, (GDestroyNotify) hall_server_request_free);
  for (guint i = 0; i < n; i++)
    {
      HallServerRequest *op = parse_operation (self, request, json_array_get_element (array, i));

      op->queued = op->response == NULL;
      queued |= op->queued;
      g_ptr_array_add (request->operations, op);
    }
  /* All refused or answered from their keys: nothing to write. */
  if (!queued)
    return _hall_server_batch_answer (request);

  MHD_suspend_connection (connection);
  /* Done as a single write is: a failed commit (then none of the batch
   * is durable, and the counter sends it all again) answers the batch as
   * a whole. The answer is written on the connection's own thread once it
   * is resumed, so the writer goes on to the next commit. */
  hall_group_committer_submit (self->committer, batch_write, _hall_server_write_done, request);
  return NULL;
}
