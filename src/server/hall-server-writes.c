/* hall-server-writes.c — the writes of HallServer: what is checked before
 * the writer (the entity, the catalog, the role a write needs), the
 * Idempotency-Key's replay, and the writes on the writer thread with the
 * rules of versions and case states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The record is the server's. What it knows it writes itself: "version",
 * and "recorded_by" and "recorded_at" (the signed-in official who sent the
 * change and when the server wrote it) on every applicant, case and event
 * it stores, whatever the body said. What only a counter can know (the
 * official who made the change there, perhaps offline, and the counter's
 * clock: "official", "created_at", "updated_at", an event's "at") is kept
 * beside it as the counter's word. What the catalog decides is checked
 * against it: a case is created in its first state and moves on only by
 * events, each along the rule of states and by an official with the role
 * the service's steps name; its checklist, promised time and number agree
 * with its service and its counter.
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "hall-case-event.h"
#include "hall-case.h"
#include "hall-if-match.h"
#include "hall-json.h"
#include "hall-license-payload.h"
#include "hall-server-error.h"
#include "hall-server-private.h"
#include "hall-signature.h"
#include "hall-workflow.h"

static gboolean
is_not_found (const GError *error)
{
  return g_error_matches (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND);
}

static JsonNode *
parse_stored (const char *data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  /* Stored by us from a JsonGenerator: it parses. */
  if (!json_parser_load_from_data (parser, data, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    return json_node_init_object (json_node_alloc (), json_object_new ());
  return json_node_ref (root);
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* The entity without the fields the server sets, or fills in when a body
 * leaves them out ("promised_at" follows "created_at"): they do not count
 * when comparing, so a replayed creation finds its entity unchanged. */
static JsonNode *
copy_content (JsonNode *node)
{
  static const char * const ignored[] = {
    "version", "created_at", "promised_at", "updated_at", "recorded_by", "recorded_at", NULL
  };
  JsonNode *copy = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_strv_contains (ignored, name))
      json_object_set_member (object, name, json_node_copy (value));
  json_node_take_object (copy, object);
  return copy;
}

static gboolean
same_content (JsonNode *stored,
              JsonNode *incoming)
{
  g_autoptr(JsonNode) a = copy_content (stored);
  g_autoptr(JsonNode) b = copy_content (incoming);

  return json_node_equal (a, b);
}

/* Whether If-Match refuses the write (the answer is set then), for an
 * entity whose current version is @version (0: none yet), @stored_node
 * its stored form for a 412 to show. */
static gboolean
if_match_refuses (HallServerRequest *request,
                  gint64             version,
                  JsonNode          *stored_node)
{
  g_autoptr(HallProblem) problem = NULL;

  switch (hall_if_match_evaluate (request->if_match, version))
    {
    case HALL_IF_MATCH_PASS:
      return FALSE;
    case HALL_IF_MATCH_MALFORMED:
      request->response = hall_problem_response (400, "If-Match",
                                                 _("If-Match must be \"*\" or a list of entity "
                                                   "tags such as \"3\", not %s"),
                                                 request->if_match);
      return TRUE;
    case HALL_IF_MATCH_WEAK:
      problem = hall_problem_new (412, "If-Match",
                                  _("A weak tag (W/) never matches a change (RFC 9110 "
                                    "compares strongly): send the ETag as it came, "
                                    "\"%" PRId64 "\""),
                                  version);
      break;
    case HALL_IF_MATCH_FAIL:
    default:
      if (version == 0)
        problem = hall_problem_new (412, NULL, _("If-Match names a version, but there is no "
                                                 "such entity yet"));
      else
        problem = hall_problem_new (412, NULL,
                                    _("Someone else changed it first: the server has version "
                                      "%" PRId64 ", not %s"),
                                    version, request->if_match);
      break;
    }
  if (stored_node != NULL)
    hall_problem_set_current (problem, stored_node);
  request->response = hall_problem_to_response (problem);
  return TRUE;
}

/* The server's own record of who sent a change and when it was written,
 * over anything the body said of it. */
static void
stamp_record (JsonObject        *object,
              HallServerRequest *request,
              gint64             now)
{
  g_autofree char *recorded_at = hall_timestamp_to_iso8601 (now);

  json_object_set_string_member (object, "recorded_by", request->username);
  json_object_set_string_member (object, "recorded_at", recorded_at);
}

static HallCaseState
state_of (JsonObject *object)
{
  HallCaseState state = HALL_CASE_FIRST_STATE;

  /* Parsed or stored by us: the state is always a known one. */
  hall_case_state_from_string (hall_json_get_string (object, "state"), &state);
  return state;
}

/* The stored text is the answer: no second generation of the JSON. */
static HallServerResponse *
stored_response (guint       status,
                 char       *data,
                 gint64      version)
{
  HallServerResponse *response = hall_server_response_new_take (status, "application/json", data,
                                                                strlen (data));

  response->etag = version;
  return response;
}

/* The item of the document @slot in the checklist of the case @kase (its
 * stored JSON), or NULL when it has none. */
static JsonObject *
checklist_item (JsonObject *kase,
                const char *slot)
{
  JsonNode *node = json_object_get_member (kase, "checklist");

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return hall_checklist_get_item (json_node_get_array (node), slot);
}

/* A document once provided stays provided: the paper was shown. A copy of
 * the case a counter made before another counter's scan (kept over a
 * conflict) does not take it back; @sent gets the marks of @stored. */
static void
keep_provided (JsonObject *stored,
               JsonObject *sent)
{
  JsonNode *node = json_object_get_member (sent, "checklist");
  JsonArray *checklist;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  checklist = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonNode *element = json_array_get_element (checklist, i);
      JsonObject *item;
      JsonObject *before;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      item = json_node_get_object (element);
      before = checklist_item (stored, hall_json_get_string (item, "id"));
      if (before != NULL && json_object_get_boolean_member_with_default (before, "provided", FALSE))
        json_object_set_boolean_member (item, "provided", TRUE);
    }
}

/* An identity document another applicant holds is a refusal that names
 * that applicant, not a failure of the write: the storage wrote nothing. */
static gboolean
refuse_duplicate (HallServerStorage  *storage,
                  HallServerRequest  *request,
                  const char         *data,
                  GError            **put_error,
                  GError            **error)
{
  g_autoptr(HallProblem) problem = NULL;
  const char *kind = hall_json_get_string (json_node_get_object (request->entity), "kind");

  if (!g_error_matches (*put_error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_DUPLICATE))
    {
      g_propagate_error (error, g_steal_pointer (put_error));
      return FALSE;
    }
  problem = hall_problem_new_from_error (409, g_strcmp0 (kind, "business") == 0 ? "credit_code"
                                                                                : "id_number",
                                         *put_error);
  problem->existing = hall_server_storage_find_applicant_by_identity (storage, data, NULL);
  request->response = hall_problem_to_response (problem);
  g_clear_error (put_error);
  return TRUE;
}

static gboolean
write_entity (HallServerStorage  *storage,
              HallServerRequest  *request,
              HallEntityKind      kind,
              GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) put_error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *data = NULL;
  g_autoptr(JsonNode) stored_node = NULL;
  JsonObject *object = json_node_get_object (request->entity);
  const char *number = NULL;
  gint64 version = 0;

  stored = hall_server_storage_get_entity (storage, kind, request->id, &version, &local_error);
  if (stored == NULL && !is_not_found (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_error (&local_error);

  if (kind == HALL_ENTITY_CASE)
    {
      const char *applicant = hall_json_get_string (object, "applicant");
      g_autofree char *applicant_data = NULL;
      g_autofree char *other = NULL;

      applicant_data = applicant == NULL ? NULL
                       : hall_server_storage_get_entity (storage, HALL_ENTITY_APPLICANT,
                                                         applicant, NULL, &local_error);
      if (applicant_data == NULL)
        {
          if (local_error != NULL && !is_not_found (local_error))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          request->response = hall_problem_response (422, "applicant",
                                                     _("The applicant of the case is not known "
                                                       "to the server; send the applicant "
                                                       "first"));
          return TRUE;
        }
      g_clear_error (&local_error);

      number = hall_json_get_string (object, "number");
      if (number != NULL && *number != '\0')
        {
          other = hall_server_storage_find_case_by_number (storage, number, &local_error);
          if (other == NULL && !is_not_found (local_error))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (other != NULL && !g_str_equal (other, request->id))
            {
              request->response = hall_problem_response (409, "number",
                                                         _("Another case already has the "
                                                           "number %s"), number);
              return TRUE;
            }
        }
    }

  if (stored == NULL)
    {
      if (request->if_match != NULL && if_match_refuses (request, 0, NULL))
        return TRUE;
      /* Every later state comes from an event, by its rules. */
      if (kind == HALL_ENTITY_CASE && state_of (object) != HALL_CASE_FIRST_STATE)
        {
          request->response = hall_problem_response (
            422, "state",
            _("A case is created “%s”; it moves on from there by events of kind “state”"),
            hall_case_state_get_label (HALL_CASE_FIRST_STATE));
          return TRUE;
        }
      version = 1;
      json_object_set_int_member (object, "version", version);
      stamp_record (object, request, g_get_real_time () / G_USEC_PER_SEC);
      data = node_to_string (request->entity);
      if (!hall_server_storage_put_entity (storage, kind, request->id, version, number, data,
                                           &put_error))
        {
          /* Another server created it first: answer as that write's
           * replay would be answered, or as a change of it (428, 412). */
          if (g_error_matches (put_error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_EXISTS))
            {
              json_object_remove_member (object, "version");
              return write_entity (storage, request, kind, error);
            }
          return refuse_duplicate (storage, request, data, &put_error, error);
        }
      request->response = stored_response (201, g_steal_pointer (&data), version);
      return TRUE;
    }

  stored_node = parse_stored (stored);
  if (same_content (stored_node, request->entity))
    {
      request->response = stored_response (200, g_steal_pointer (&stored), version);
      return TRUE;
    }
  if (request->if_match == NULL)
    {
      request->response = hall_problem_response (428, NULL,
                                                 _("The entity exists with other content: send "
                                                   "If-Match with the version you changed"));
      return TRUE;
    }
  if (if_match_refuses (request, version, stored_node))
    return TRUE;

  if (kind == HALL_ENTITY_CASE)
    {
      JsonObject *stored_object = json_node_get_object (stored_node);
      HallCaseState stored_state = state_of (stored_object);
      g_autoptr(HallProblem) problem = NULL;
      /* What the case is, fixed when it is taken in: the service says who
       * decides it and what it promises, the time of intake when. */
      static const char * const fixed[] = { "service", "number", "counter", "created_at" };

      /* A state moves only by an event, which the rules of states and
       * roles are checked on: a whole case sent again keeps its state. */
      if (state_of (object) != stored_state)
        problem = hall_problem_new (422, "state",
                                    _("The case is “%s”: its state changes only by an event of "
                                      "kind “state”, not by sending the case again"),
                                    hall_case_state_get_label (stored_state));
      for (guint i = 0; i < G_N_ELEMENTS (fixed) && problem == NULL; i++)
        if (g_strcmp0 (hall_json_get_string (object, fixed[i]),
                       hall_json_get_string (stored_object, fixed[i])) != 0)
          problem = hall_problem_new (422, fixed[i],
                                      _("“%s” is fixed when a case is taken in; it cannot "
                                        "change"),
                                      fixed[i]);
      if (problem != NULL)
        {
          hall_problem_set_current (problem, stored_node);
          request->response = hall_problem_to_response (problem);
          return TRUE;
        }
      keep_provided (stored_object, object);
      /* Nothing but the marks the server kept: the case as it is. */
      if (same_content (stored_node, request->entity))
        {
          request->response = stored_response (200, g_steal_pointer (&stored), version);
          return TRUE;
        }
    }

  version++;
  json_object_set_int_member (object, "version", version);
  stamp_record (object, request, g_get_real_time () / G_USEC_PER_SEC);
  data = node_to_string (request->entity);
  if (!hall_server_storage_put_entity (storage, kind, request->id, version, number, data,
                                       &put_error))
    return refuse_duplicate (storage, request, data, &put_error, error);
  request->response = stored_response (200, g_steal_pointer (&data), version);
  return TRUE;
}

/* The record of a page: of a case this server knows, in a slot of that
 * case's checklist, of a blob that has arrived whole (its hash checked
 * when it did). A page stays in the case it was scanned into. Versions,
 * If-Match and replays as for any entity (write_entity()). */
static gboolean
write_page (HallServerStorage  *storage,
            HallServerRequest  *request,
            GError            **error)
{
  HallServer *server = request->server;
  JsonObject *object = json_node_get_object (request->entity);
  const char *case_uuid = hall_json_get_string (object, "case");
  const char *slot = hall_json_get_string (object, "slot");
  const char *sha256 = hall_json_get_string (object, "sha256");
  g_autoptr(GError) local_error = NULL;
  g_autofree char *case_data = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(JsonNode) case_node = NULL;
  HallBlobState blob_state;
  guint64 blob_size = 0;

  stored = hall_server_storage_get_entity (storage, HALL_ENTITY_PAGE, request->id, NULL,
                                           &local_error);
  if (stored == NULL && !is_not_found (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_error (&local_error);
  if (stored != NULL)
    {
      g_autoptr(JsonNode) stored_node = parse_stored (stored);

      if (g_strcmp0 (hall_json_get_string (json_node_get_object (stored_node), "case"),
                     case_uuid) != 0)
        {
          g_autoptr(HallProblem) problem = hall_problem_new (
            422, "case", _("A page stays in the case it was scanned into; scan it again into "
                           "the other case"));

          hall_problem_set_current (problem, stored_node);
          request->response = hall_problem_to_response (problem);
          return TRUE;
        }
    }

  case_data = hall_server_storage_get_entity (storage, HALL_ENTITY_CASE, case_uuid, NULL,
                                              &local_error);
  if (case_data == NULL)
    {
      if (!is_not_found (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      request->response = hall_problem_response (422, "case",
                                                 _("The case %s of the page is not known to the "
                                                   "server; send the case first"),
                                                 case_uuid);
      return TRUE;
    }
  case_node = parse_stored (case_data);
  if (checklist_item (json_node_get_object (case_node), slot) == NULL)
    {
      request->response = hall_problem_response (422, "slot",
                                                 _("The checklist of the case has no document "
                                                   "“%s”"),
                                                 slot);
      return TRUE;
    }
  blob_state = hall_blob_store_stat (server->blobs, sha256, &blob_size);
  if (blob_state == HALL_BLOB_UNKNOWN)
    {
      request->response = _hall_server_blob_unknown_response ();
      return TRUE;
    }
  if (blob_state != HALL_BLOB_COMPLETE)
    {
      request->response = hall_problem_response (422, "sha256",
                                                 _("The page’s file %s has not arrived whole: "
                                                   "upload it to /v1/blobs/%s first"),
                                                 sha256, sha256);
      return TRUE;
    }
  if ((guint64) json_object_get_int_member (object, "bytes") != blob_size)
    {
      request->response = hall_problem_response (422, "bytes",
                                                 _("The page’s file %s has %" PRIu64
                                                   " bytes, not %" PRId64),
                                                 sha256, (uint64_t) blob_size,
                                                 (int64_t) json_object_get_int_member (object,
                                                                                       "bytes"));
      return TRUE;
    }
  return write_entity (storage, request, HALL_ENTITY_PAGE, error);
}

static HallServerResponse *
event_answer (guint     status,
              JsonNode *event,
              gint64    case_version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_value (builder, json_node_copy (event));
  json_builder_set_member_name (builder, "case_version");
  json_builder_add_int_value (builder, case_version);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return hall_server_response_new_json (status, root);
}

/* (transfer full): where the case @case_uuid of @service stands, from its
 * stored events; NULL with @error on a storage failure. */
static HallWorkflow *
load_workflow (HallServerStorage  *storage,
               HallService        *service,
               const char         *case_uuid,
               HallCaseState       state,
               GError            **error)
{
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);

  stored = hall_server_storage_list_case_events (storage, case_uuid, error);
  if (stored == NULL)
    return NULL;
  for (guint i = 0; i < stored->len; i++)
    {
      g_autoptr(JsonNode) node = parse_stored (g_ptr_array_index (stored, i));
      HallCaseEvent *event;

      /* Stored by us, so it reads; only decisions count. */
      if (g_strcmp0 (hall_json_get_string (json_node_get_object (node), "kind"), "decision")
          != 0)
        continue;
      event = hall_case_event_new_from_json (case_uuid, node, NULL, NULL);
      if (event != NULL)
        g_ptr_array_add (events, event);
    }
  return hall_workflow_new (service, state, events);
}

/* Whether the official who sent a move of @kase to @to may make it: the
 * rule of states, the role the catalog's steps name for it, and the steps
 * themselves: a case moves on through its steps only by decisions, so a
 * plain state event may only withdraw it, bring a returned case back to
 * the step it was returned at, or hand an approved one over. FALSE with
 * the refusal in request->response, or with @error on a storage failure. */
static gboolean
check_move (HallServerStorage  *storage,
            HallServerRequest  *request,
            JsonObject         *kase,
            HallCaseState       to,
            GError            **error)
{
  HallServer *server = request->server;
  const char *service_id = hall_json_get_string (kase, "service");
  HallService *service = service_id ? hall_catalog_lookup (server->catalog, service_id) : NULL;
  HallCaseState from = state_of (kase);
  g_autoptr(GError) refusal = NULL;
  g_autoptr(HallWorkflow) workflow = NULL;
  const char *role;
  HallRoles needed = 0;

  /* The counter checks the same rule, but only against what it knew:
   * another counter may have moved the case since. */
  if (!hall_case_state_check_move (from, to, &refusal))
    {
      request->response = hall_problem_response (422, "state", "%s", refusal->message);
      return FALSE;
    }
  /* Without its service no one can say who decides: no one does. */
  if (service == NULL)
    {
      request->response = hall_problem_response (422, "service",
                                                 _("The case’s service “%s” is no longer in the "
                                                   "catalog: who may move it cannot be told"),
                                                 service_id ? service_id : "");
      return FALSE;
    }
  role = hall_case_state_role_needed (service, from, to);
  if (!hall_roles_parse (role, &needed, NULL) || !(request->roles & needed))
    {
      request->response = hall_problem_response (403, "state",
                                                 _("Moving a case of “%s” from “%s” to “%s” "
                                                   "needs the role “%s”"),
                                                 service_id, hall_case_state_get_label (from),
                                                 hall_case_state_get_label (to), role);
      return FALSE;
    }

  if (to == HALL_CASE_WITHDRAWN || (from == HALL_CASE_APPROVED && to == HALL_CASE_COMPLETED))
    return TRUE;
  workflow = load_workflow (storage, service, request->id, from, error);
  if (workflow == NULL)
    return FALSE;
  if (from == HALL_CASE_RETURNED && to == hall_workflow_get_resume_state (workflow))
    return TRUE;
  if (from == HALL_CASE_RETURNED)
    {
      request->response = hall_problem_response (
        422, "state", _("A returned case comes back to the step it was returned at, so “%s”, "
                        "not “%s”"),
        hall_case_state_get_label (hall_workflow_get_resume_state (workflow)),
        hall_case_state_get_label (to));
      return FALSE;
    }
  {
    g_autoptr(GPtrArray) open = hall_workflow_list_open_steps (workflow);
    const HallApprovalStep *step = open->len > 0 ? g_ptr_array_index (open, 0) : NULL;

    request->response = hall_problem_response (
      422, "step", _("The case is at the step “%s” (%s): it moves on by a decision of that "
                     "step (an event of kind “decision”), not by an event of kind “state”"),
      step != NULL ? step->name : "", step != NULL ? step->id : "");
  }
  return FALSE;
}

/* The official a certificate names, as this server knows them: their
 * roles, or FALSE with the refusal (422 naming @field) in
 * request->response, or with @error on a storage failure. */
static gboolean
signer_roles (HallServerStorage  *storage,
              HallServerRequest  *request,
              const char         *official,
              const char         *field,
              HallRoles          *roles_out,
              GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hash = NULL;

  hash = hall_server_storage_get_official (storage, official, roles_out, NULL, &local_error);
  if (hash != NULL)
    return TRUE;
  if (!is_not_found (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  request->response = hall_problem_response (422, field,
                                             _("The certificate names “%s”, who is not an "
                                               "official of this server"),
                                             official);
  return FALSE;
}

/* Whether what the key of @certificate signed at @signed_at (its own
 * word: the counter's clock) may still be taken when it reaches the
 * server @now. A key revoked from a time R signed nothing valid at or
 * after R; what it signed before R is taken only until R plus the hall's
 * longest offline period, since a counter that was offline at R has that
 * long to bring it; after that, whoever holds the revoked key could sign
 * anything dated before R, so nothing of that key is taken any more.
 * FALSE with a HALL_SIGNATURE_ERROR_REVOKED in @error otherwise. */
static gboolean
check_revocation (HallServer            *server,
                  HallRevocationList    *revocations,
                  const char            *number,
                  const HallCertificate *certificate,
                  gint64                 signed_at,
                  gint64                 now,
                  GError               **error)
{
  gint64 from;

  if (!hall_revocation_list_check (revocations, number, certificate, signed_at, error))
    return FALSE;
  from = hall_revocation_list_get_key_revoked_from (revocations, certificate);
  if (from != 0 && now >= from + server->max_offline)
    {
      g_autofree char *from_text = hall_timestamp_to_iso8601 (from);
      g_autofree char *until_text = hall_timestamp_to_iso8601 (from + server->max_offline);

      g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_REVOKED,
                   _("The key of %s was revoked from %s. What it signed before then is taken "
                     "until %s (the hall’s longest offline period, %d hours, after the "
                     "revocation); this reached the server later, so its date cannot be "
                     "trusted"),
                   certificate->official, from_text, until_text, (int) (server->max_offline / 3600));
      return FALSE;
    }
  return TRUE;
}

/* Whether the decision in @request->entity is signed by the key of the
 * certificate it carries, that certificate by the hall key this server
 * holds, the certificate's official is who the decision says decided, its
 * content hash is that of the case as this server stores it (@kase), and
 * the key is not revoked (check_revocation()). FALSE with
 * @request->response set (422 naming "signature", "certificate",
 * "official" or "content_hash") when not. A server with no hall key
 * refuses every decision: it cannot tell a signed one from a forged one. */
static gboolean
check_decision_signature (HallServer         *server,
                          HallServerRequest  *request,
                          JsonObject         *kase,
                          HallCertificate    *certificate,
                          GError            **error)
{
  JsonObject *event = json_node_get_object (request->entity);
  g_autoptr(HallDecisionContent) content = NULL;
  g_autoptr(HallRevocationList) revocations = NULL;
  g_autoptr(GError) refusal = NULL;
  g_autoptr(HallCase) stored_case = NULL;
  g_autofree char *server_hash = NULL;
  guint8 hall_key[HALL_PUBLIC_KEY_BYTES];
  const char *field = NULL;
  const char *signature;
  const char *official;

  if (!hall_server_trust_get_hall_key (server->trust, hall_key))
    {
      request->response = hall_problem_response (422, "certificate",
                                                 _("This server has no hall key: it cannot check "
                                                   "the signatures of decisions and accepts "
                                                   "none. Its administrator sets one with "
                                                   "--hall-public-key"));
      return FALSE;
    }
  signature = hall_json_get_string (event, "signature");
  if (signature == NULL || *signature == '\0')
    {
      request->response = hall_problem_response (422, "signature",
                                                 _("The decision is not signed: sign it with "
                                                   "the official’s key"));
      return FALSE;
    }
  content = hall_decision_content_new_from_json (request->id, event, &field, &refusal);
  if (content == NULL)
    {
      request->response = hall_problem_response (422, field, "%s", refusal->message);
      return FALSE;
    }
  /* Who decided is who signed: the certificate says so, whichever official
   * the counter's session that sends it belongs to. The counter's word of
   * who decided must agree with it. */
  official = hall_json_get_string (event, "official");
  if (official != NULL && *official != '\0' && !g_str_equal (official, certificate->official))
    {
      request->response = hall_problem_response (422, "official",
                                                 _("The decision says %s decided it, but it is "
                                                   "signed with the key of %s"),
                                                 official, certificate->official);
      return FALSE;
    }
  g_free (content->official);
  content->official = g_strdup (certificate->official);
  if (!hall_decision_verify (content, signature, certificate, hall_key, &refusal))
    {
      gboolean of_signature = refusal->code == HALL_SIGNATURE_ERROR_MALFORMED
                              || refusal->code == HALL_SIGNATURE_ERROR_BAD_SIGNATURE;

      request->response = hall_problem_response (422, of_signature ? "signature" : "certificate",
                                                 "%s", refusal->message);
      return FALSE;
    }
  /* The signature covers the hash the counter computed; this server
   * computes its own from the case it stores, so a decision signed over
   * another case's content (or an older one) is not taken. The pages'
   * hashes ("documents") are not compared: which pages belong to which
   * case the server does not know yet. */
  {
    g_autoptr(JsonNode) case_node = json_node_init_object (json_node_alloc (), kase);

    stored_case = hall_case_new_from_json (case_node, NULL, NULL);
  }
  server_hash = stored_case != NULL ? hall_case_content_hash (stored_case) : NULL;
  if (server_hash == NULL || g_strcmp0 (server_hash, content->content_hash) != 0)
    {
      request->response = hall_problem_response (422, "content_hash",
                                                 _("The decision was signed over another content "
                                                   "of the case than the server holds (%s, not "
                                                   "%s): the case changed, or the counter did "
                                                   "not have it as it is; sync and decide again"),
                                                 content->content_hash,
                                                 server_hash != NULL ? server_hash : "?");
      return FALSE;
    }
  revocations = hall_server_trust_get_revocations (server->trust, error);
  if (revocations == NULL)
    return FALSE;
  if (!check_revocation (server, revocations, NULL, certificate, content->at,
                         g_get_real_time () / G_USEC_PER_SEC, &refusal))
    {
      request->response = hall_problem_response (422, "certificate", "%s", refusal->message);
      return FALSE;
    }
  return TRUE;
}

/* Whether the decision in request->entity may be made on @kase now, by
 * the catalog's steps (hall-workflow.h), judged by the official who
 * signed it (the certificate's), not by the session that sends it: a
 * counter where three officials decided a joint review syncs it under
 * one session. On success the case's new state is in *@state_out. FALSE
 * with the refusal in request->response, or with @error on a storage
 * failure. */
static gboolean
check_decision (HallServerStorage  *storage,
                HallServerRequest  *request,
                JsonObject         *kase,
                HallCaseState      *state_out,
                GError            **error)
{
  HallServer *server = request->server;
  const char *service_id = hall_json_get_string (kase, "service");
  HallService *service = service_id ? hall_catalog_lookup (server->catalog, service_id) : NULL;
  JsonObject *object = json_node_get_object (request->entity);
  g_autoptr(HallWorkflow) workflow = NULL;
  g_autoptr(HallCaseEvent) event = NULL;
  g_autoptr(HallCertificate) certificate = NULL;
  g_autoptr(GError) refusal = NULL;
  const char *certificate_b64;
  const char *field = NULL;
  HallRoles roles = 0;
  guint status;

  if (service == NULL)
    {
      request->response = hall_problem_response (422, "service",
                                                 _("The case’s service “%s” is no longer in the "
                                                   "catalog: who may decide it cannot be told"),
                                                 service_id ? service_id : "");
      return FALSE;
    }
  certificate_b64 = hall_json_get_string (object, "certificate");
  if (certificate_b64 == NULL || *certificate_b64 == '\0')
    {
      request->response = hall_problem_response (422, "certificate",
                                                 _("The decision carries no certificate of the "
                                                   "key that signed it"));
      return FALSE;
    }
  certificate = hall_certificate_new_from_base64 (certificate_b64, &refusal);
  if (certificate == NULL)
    {
      request->response = hall_problem_response (422, "certificate", "%s", refusal->message);
      return FALSE;
    }
  if (!signer_roles (storage, request, certificate->official, "certificate", &roles, error))
    return FALSE;
  workflow = load_workflow (storage, service, request->id, state_of (kase), error);
  if (workflow == NULL)
    return FALSE;
  /* Parsed into this form before the writer: it reads. */
  event = hall_case_event_new_from_json (request->id, request->entity, NULL, NULL);
  g_return_val_if_fail (event != NULL, FALSE);
  if (hall_workflow_check_decision (workflow, event, roles, certificate->official,
                                    state_out, &field, &refusal))
    return check_decision_signature (server, request, kase, certificate, error);

  switch (refusal->code)
    {
    case HALL_WORKFLOW_ERROR_ROLE:
      status = 403;
      break;
    case HALL_WORKFLOW_ERROR_DECIDED:
    case HALL_WORKFLOW_ERROR_TWICE:
      status = 409;
      break;
    case HALL_WORKFLOW_ERROR_STEP:
    case HALL_WORKFLOW_ERROR_REASON:
    default:
      status = 422;
      break;
    }
  request->response = hall_problem_response (status, field, "%s", refusal->message);
  return FALSE;
}

/* The case @case_node changed by the event @event (a move of state, a
 * document provided) stored as @version: the case's new version is the
 * event's doing, with the counter's word of when it was made and the
 * server's of who sent it and when. */
static gboolean
put_case_of_event (HallServerStorage  *storage,
                   HallServerRequest  *request,
                   JsonNode           *case_node,
                   JsonObject         *event,
                   gint64              version,
                   gint64              now,
                   GError            **error)
{
  JsonObject *kase = json_node_get_object (case_node);
  g_autofree char *case_json = NULL;

  json_object_set_string_member (kase, "updated_at", hall_json_get_string (event, "at"));
  json_object_set_int_member (kase, "version", version);
  stamp_record (kase, request, now);
  case_json = node_to_string (case_node);
  return hall_server_storage_put_entity (storage, HALL_ENTITY_CASE, request->id, version,
                                         hall_json_get_string (kase, "number"), case_json, error);
}

static gboolean
write_event (HallServerStorage  *storage,
             HallServerRequest  *request,
             GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *case_data = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *stored_case = NULL;
  g_autofree char *data = NULL;
  JsonObject *event = json_node_get_object (request->entity);
  const char *uuid = hall_json_get_string (event, "uuid");
  const char *kind = hall_json_get_string (event, "kind");
  gint64 case_version = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  case_data = hall_server_storage_get_entity (storage, HALL_ENTITY_CASE, request->id,
                                              &case_version, &local_error);
  if (case_data == NULL)
    {
      if (!is_not_found (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      request->response = hall_problem_response (404, NULL,
                                                 _("There is no such case; send the case first"));
      return TRUE;
    }
  g_clear_error (&local_error);

  stored = hall_server_storage_get_event (storage, uuid, &stored_case, &case_version,
                                          &local_error);
  if (stored != NULL)
    {
      g_autoptr(JsonNode) stored_node = NULL;

      if (!g_str_equal (stored_case, request->id))
        {
          request->response = hall_problem_response (409, "uuid",
                                                     _("An event with this uuid belongs to "
                                                       "another case"));
          return TRUE;
        }
      stored_node = parse_stored (stored);
      request->response = event_answer (200, stored_node, case_version);
      return TRUE;
    }
  if (!is_not_found (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* The feed carries events on their own: each says which case it is of. */
  if (!json_object_has_member (event, "case") && !json_object_has_member (event, "case_uuid"))
    json_object_set_string_member (event, "case", request->id);

  stamp_record (event, request, now);
  if (g_strcmp0 (kind, "document") == 0 && hall_json_get_string (event, "slot") != NULL)
    {
      g_autoptr(JsonNode) case_node = parse_stored (case_data);
      JsonObject *kase = json_node_get_object (case_node);
      const char *slot = hall_json_get_string (event, "slot");
      JsonObject *item = checklist_item (kase, slot);

      if (item == NULL)
        {
          request->response = hall_problem_response (422, "slot",
                                                     _("The checklist of the case has no "
                                                       "document “%s”"), slot);
          return TRUE;
        }
      /* A new version even when it was provided already (another
       * counter's scan): the counter that sent it counts on one, and takes
       * the server's copy from the feed when its own was not the one
       * before (hall-store-outbox.c). */
      json_object_set_boolean_member (item, "provided", TRUE);
      if (!put_case_of_event (storage, request, case_node, event, ++case_version, now, error))
        return FALSE;
    }
  else if (g_strcmp0 (kind, "state") == 0 || g_strcmp0 (kind, "decision") == 0)
    {
      g_autoptr(JsonNode) case_node = parse_stored (case_data);
      JsonObject *kase = json_node_get_object (case_node);
      HallCaseState new_state = HALL_CASE_FIRST_STATE;
      const char *state;

      if (g_strcmp0 (kind, "decision") == 0)
        {
          g_autoptr(GError) check_error = NULL;

          if (!check_decision (storage, request, kase, &new_state, &check_error))
            {
              if (check_error == NULL)
                return TRUE;
              g_propagate_error (error, g_steal_pointer (&check_error));
              return FALSE;
            }
        }
      else
        {
          g_autoptr(GError) check_error = NULL;

          new_state = state_of (event);
          if (!check_move (storage, request, kase, new_state, &check_error))
            {
              if (check_error == NULL)
                return TRUE;
              g_propagate_error (error, g_steal_pointer (&check_error));
              return FALSE;
            }
        }
      state = hall_case_state_to_string (new_state);

      json_object_set_string_member (kase, "state", state);
      if (!put_case_of_event (storage, request, case_node, event, ++case_version, now, error))
        return FALSE;
    }

  data = node_to_string (request->entity);
  if (!hall_server_storage_put_event (storage, uuid, request->id, case_version, data, error))
    return FALSE;
  request->response = event_answer (201, request->entity, case_version);
  return TRUE;
}

/* A correction of an applicant's phone, made at a counter for a returning
 * applicant: the applicant's next version carries the number. It needs no
 * If-Match, as it names the one field it changes; the same number again
 * changes nothing, so a replay is harmless even without its key. */
static gboolean
write_phone (HallServerStorage  *storage,
             HallServerRequest  *request,
             GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) stored_node = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *data = NULL;
  JsonObject *event = json_node_get_object (request->entity);
  const char *phone = hall_json_get_string (event, "phone");
  JsonObject *applicant;
  gint64 version = 0;

  stored = hall_server_storage_get_entity (storage, HALL_ENTITY_APPLICANT, request->id, &version,
                                           &local_error);
  if (stored == NULL)
    {
      if (!is_not_found (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      request->response = hall_problem_response (404, NULL,
                                                 _("There is no such applicant; send the "
                                                   "applicant first"));
      return TRUE;
    }
  stored_node = parse_stored (stored);
  applicant = json_node_get_object (stored_node);
  if (g_strcmp0 (hall_json_get_string (applicant, "phone"), phone) == 0)
    {
      request->response = stored_response (200, g_steal_pointer (&stored), version);
      return TRUE;
    }

  version++;
  json_object_set_string_member (applicant, "phone", phone);
  json_object_set_string_member (applicant, "updated_at", hall_json_get_string (event, "at"));
  json_object_set_int_member (applicant, "version", version);
  stamp_record (applicant, request, g_get_real_time () / G_USEC_PER_SEC);
  data = node_to_string (stored_node);
  if (!hall_server_storage_put_entity (storage, HALL_ENTITY_APPLICANT, request->id, version, NULL,
                                       data, error))
    return FALSE;
  request->response = stored_response (200, g_steal_pointer (&data), version);
  return TRUE;
}

/* Which field a license's refusal names: the signature's own bytes, or
 * the certificate that should vouch for them. */
static const char *
license_field (const GError *refusal)
{
  switch (refusal->code)
    {
    case HALL_SIGNATURE_ERROR_MALFORMED:
      return "payload";
    case HALL_SIGNATURE_ERROR_BAD_SIGNATURE:
      return "signature";
    case HALL_SIGNATURE_ERROR_LICENSE_EXPIRED:
      return "valid_until";
    default:
      return "certificate";
    }
}

/* PUT /v1/licenses/{number}: the license a counter issued on a case's
 * last approval. The same license again is the one kept (200); another
 * under the same number, or a second one of the same case, is 409. It is
 * taken only when the server's own record agrees: the case exists and
 * every one of its steps is approved, the payload is the license of that
 * case and its service, signed with a key the hall certified, valid when
 * it was signed and not revoked (check_revocation()), of an official who
 * holds the role of the case's last step. */
static gboolean
write_license (HallServerStorage  *storage,
               HallServerRequest  *request,
               GError            **error)
{
  HallServer *server = request->server;
  JsonObject *object = json_node_get_object (request->entity);
  const char *case_uuid = hall_json_get_string (object, "case");
  const char *text = hall_json_get_string (object, "payload");
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) refusal = NULL;
  g_autoptr(HallLicensePayload) payload = NULL;
  g_autoptr(HallRevocationList) revocations = NULL;
  g_autoptr(HallWorkflow) workflow = NULL;
  g_autoptr(JsonNode) case_node = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *case_data = NULL;
  g_autofree char *data = NULL;
  g_autofree char *issued_at = NULL;
  const HallApprovalStep *last;
  HallService *service;
  JsonObject *kase;
  guint8 hall_key[HALL_PUBLIC_KEY_BYTES];
  HallRoles roles = 0, needed = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  stored = hall_server_storage_get_license (storage, request->id, &local_error);
  if (stored != NULL)
    {
      g_autoptr(JsonNode) stored_node = parse_stored (stored);

      if (g_strcmp0 (hall_json_get_string (json_node_get_object (stored_node), "payload"),
                     text) == 0
          && g_strcmp0 (hall_json_get_string (json_node_get_object (stored_node), "case"),
                        case_uuid) == 0)
        {
          request->response = stored_response (200, g_steal_pointer (&stored), 0);
          return TRUE;
        }
      request->response = hall_problem_response (409, "payload",
                                                 _("The server holds another license numbered "
                                                   "%s"),
                                                 request->id);
      return TRUE;
    }
  if (!is_not_found (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_error (&local_error);

  case_data = hall_server_storage_get_entity (storage, HALL_ENTITY_CASE, case_uuid, NULL,
                                              &local_error);
  if (case_data == NULL)
    {
      if (!is_not_found (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      request->response = hall_problem_response (422, "case",
                                                 _("There is no case %s on the server; send the "
                                                   "case and its decisions first"),
                                                 case_uuid);
      return TRUE;
    }
  case_node = parse_stored (case_data);
  kase = json_node_get_object (case_node);
  service = hall_catalog_lookup (server->catalog, hall_json_get_string (kase, "service"));
  if (service == NULL || hall_service_get_n_steps (service) == 0)
    {
      request->response = hall_problem_response (422, "case",
                                                 _("The case’s service “%s” is not in the "
                                                   "catalog, or has no approval steps: no one "
                                                   "can have approved it"),
                                                 hall_json_get_string (kase, "service"));
      return TRUE;
    }
  /* Every step approved, by the decisions this server took, not by the
   * state the counter says. */
  workflow = load_workflow (storage, service, case_uuid, state_of (kase), error);
  if (workflow == NULL)
    return FALSE;
  if (state_of (kase) != HALL_CASE_APPROVED && state_of (kase) != HALL_CASE_COMPLETED)
    {
      request->response = hall_problem_response (422, "case",
                                                 _("The case is “%s”: a license is issued once "
                                                   "every step of it is approved"),
                                                 hall_case_state_get_label (state_of (kase)));
      return TRUE;
    }
  if (hall_workflow_get_round_start (workflow) < hall_service_get_n_steps (service))
    {
      request->response = hall_problem_response (422, "case",
                                                 _("Not every step of the case is approved on "
                                                   "the server: send its decisions first"));
      return TRUE;
    }

  if (!hall_server_trust_get_hall_key (server->trust, hall_key))
    {
      request->response = hall_problem_response (422, "certificate",
                                                 _("This server has no hall key: it cannot check "
                                                   "the signatures of licenses and accepts "
                                                   "none"));
      return TRUE;
    }
  revocations = hall_server_trust_get_revocations (server->trust, error);
  if (revocations == NULL)
    return FALSE;
  /* Its validity as of when it was issued: a license issued offline and
   * brought later is checked for what it was then; check_revocation()
   * below says how long "later" may be for a revoked key. A license
   * revoked by number is still kept: it was issued, and the revocation
   * list says what became of it. */
  if (!hall_license_payload_verify (text, hall_key, NULL, 0, &payload, &refusal))
    {
      request->response = hall_problem_response (422, license_field (refusal), "%s",
                                                 refusal->message);
      return TRUE;
    }
  if (!check_revocation (server, revocations, NULL, payload->certificate, payload->issued_at,
                         now, &refusal))
    {
      request->response = hall_problem_response (422, "certificate", "%s", refusal->message);
      return TRUE;
    }
  if (g_strcmp0 (payload->license_type, hall_service_get_id (service)) != 0)
    {
      request->response = hall_problem_response (422, "license_type",
                                                 _("The payload is a license of “%s”, but the "
                                                   "case is of “%s”"),
                                                 payload->license_type,
                                                 hall_service_get_id (service));
      return TRUE;
    }
  last = hall_service_get_step (service, hall_service_get_n_steps (service) - 1);
  if (!signer_roles (storage, request, payload->certificate->official, "certificate", &roles,
                     error))
    return request->response != NULL;
  if (!hall_roles_parse (last->role, &needed, NULL) || !(roles & needed))
    {
      request->response = hall_problem_response (422, "certificate",
                                                 _("The license is signed by %s, who does not "
                                                   "hold the role “%s” of the case’s last step"),
                                                 payload->certificate->official, last->role);
      return TRUE;
    }

  json_object_set_string_member (object, "official", payload->certificate->official);
  issued_at = hall_timestamp_to_iso8601 (payload->issued_at);
  json_object_set_string_member (object, "issued_at", issued_at);
  stamp_record (object, request, now);
  data = node_to_string (request->entity);
  if (!hall_server_storage_put_license (storage, request->id, case_uuid, data, &local_error))
    {
      if (!g_error_matches (local_error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      request->response = hall_problem_response (409, "case", "%s", local_error->message);
      return TRUE;
    }
  request->response = stored_response (201, g_steal_pointer (&data), 0);
  return TRUE;
}

/* A key is the client's own: scoped to the signed-in official, so another
 * who reuses or guesses it neither reads the stored answer nor is refused.
 * A username cannot hold "\n" (the session token is split on it). */
static char *
scoped_key (HallServerRequest *request)
{
  return g_strconcat (request->username, "\n", request->idempotency_key, NULL);
}

HallServerResponse *
_hall_server_replay (HallServerStorage  *storage,
                     HallServerRequest  *request,
                     GError            **error)
{
  g_autoptr(HallIdempotentAnswer) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  HallServerResponse *response;

  if (request->idempotency_key == NULL)
    return NULL;
  key = scoped_key (request);
  answer = hall_server_storage_get_idempotent_answer (storage, key, &local_error);
  if (answer == NULL)
    {
      if (!is_not_found (local_error))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!g_str_equal (answer->request_hash, request->request_hash))
    return hall_problem_response (422, "Idempotency-Key",
                                  _("This Idempotency-Key was used for another request"));
  response = hall_server_response_new_text (answer->status, "application/json", answer->body);
  response->etag = answer->etag;
  return response;
}

gboolean
_hall_server_read_ahead (HallServerStorage  *storage,
                         GPtrArray          *requests,
                         GError            **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) applicants = g_ptr_array_new ();
  g_autoptr(GPtrArray) cases = g_ptr_array_new ();
  g_autoptr(GPtrArray) numbers = g_ptr_array_new ();
  g_autoptr(GPtrArray) events = g_ptr_array_new ();
  HallReadAhead what = { keys, applicants, cases, numbers, events };

  for (guint i = 0; i < requests->len; i++)
    {
      HallServerRequest *op = g_ptr_array_index (requests, i);
      JsonObject *object;

      if (op->idempotency_key != NULL)
        g_ptr_array_add (keys, scoped_key (op));
      switch (op->route)
        {
        case HALL_ROUTE_APPLICANT:
          g_ptr_array_add (applicants, op->id);
          break;
        case HALL_ROUTE_CASE:
          /* write_entity () reads the case, its applicant and whoever
           * holds its number. */
          g_ptr_array_add (cases, op->id);
          object = op->entity != NULL && JSON_NODE_HOLDS_OBJECT (op->entity)
                   ? json_node_get_object (op->entity) : NULL;
          if (object != NULL && hall_json_get_string (object, "applicant") != NULL)
            g_ptr_array_add (applicants, (gpointer) hall_json_get_string (object, "applicant"));
          if (object != NULL && hall_json_get_string (object, "number") != NULL
              && *hall_json_get_string (object, "number") != '\0')
            g_ptr_array_add (numbers, (gpointer) hall_json_get_string (object, "number"));
          break;
        case HALL_ROUTE_CASE_EVENTS:
          /* write_event () reads the case and whether the event is in. */
          g_ptr_array_add (cases, op->id);
          object = op->entity != NULL && JSON_NODE_HOLDS_OBJECT (op->entity)
                   ? json_node_get_object (op->entity) : NULL;
          if (object != NULL && hall_json_get_string (object, "uuid") != NULL)
            g_ptr_array_add (events, (gpointer) hall_json_get_string (object, "uuid"));
          break;
        default:
          break;
        }
    }
  return hall_server_storage_read_ahead (storage, &what, error);
}

gboolean
_hall_server_run_write (HallServerStorage  *storage,
                        gpointer            user_data,
                        GError            **error)
{
  HallServerRequest *request = user_data;
  g_autoptr(GError) local_error = NULL;
  HallServerResponse *replay;
  gboolean ok;

  /* Checked again here: the same key may have been in this very batch. */
  replay = _hall_server_replay (storage, request, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (replay != NULL)
    {
      request->response = replay;
      return TRUE;
    }

  switch (request->route)
    {
    case HALL_ROUTE_APPLICANT:
      ok = write_entity (storage, request, HALL_ENTITY_APPLICANT, error);
      break;
    case HALL_ROUTE_CASE:
      ok = write_entity (storage, request, HALL_ENTITY_CASE, error);
      break;
    case HALL_ROUTE_CASE_EVENTS:
      ok = write_event (storage, request, error);
      break;
    case HALL_ROUTE_APPLICANT_PHONE:
      ok = write_phone (storage, request, error);
      break;
    case HALL_ROUTE_LICENSE:
      ok = write_license (storage, request, error);
      break;
    case HALL_ROUTE_PAGE:
      ok = write_page (storage, request, error);
      break;
    case HALL_ROUTE_NONE:
    case HALL_ROUTE_HEALTH:
    case HALL_ROUTE_SESSIONS:
    case HALL_ROUTE_CHANGES:
    case HALL_ROUTE_CATALOG:
    case HALL_ROUTE_CALENDAR:
    case HALL_ROUTE_BLOB:
    case HALL_ROUTE_BATCH:
    case HALL_ROUTE_ADMIN_SIGN_IN_FAILURES:
    default:
      g_return_val_if_reached (FALSE);
    }
  if (!ok)
    return FALSE;

  /* Only successes are kept: a 412 or 428 must not stick to the key, or the
   * retry with the right If-Match would get the old refusal again. */
  if (request->idempotency_key != NULL && request->response->status / 100 == 2)
    {
      HallIdempotentAnswer answer = { 0 };
      g_autofree char *body = hall_server_response_dup_body (request->response);
      g_autofree char *key = scoped_key (request);

      answer.request_hash = request->request_hash;
      answer.status = request->response->status;
      answer.etag = request->response->etag;
      answer.body = body;
      if (!hall_server_storage_put_idempotent_answer (storage, key, &answer, error))
        return FALSE;
    }
  return TRUE;
}

void
_hall_server_forget_answer (gpointer user_data)
{
  HallServerRequest *request = user_data;

  g_clear_pointer (&request->response, hall_server_response_free);
}

static char *
hash_request (HallServerRequest *request,
              const char        *method)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) method, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, (const guchar *) request->path, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, request->body->data, request->body->len);
  return g_strdup (g_checksum_get_string (checksum));
}

void
_hall_server_write_done (gpointer      user_data,
                         const GError *error)
{
  HallServerRequest *request = user_data;
  HallServer *self = request->server;

  if (error != NULL)
    {
      g_clear_pointer (&request->response, hall_server_response_free);
      if (self->stopping
          || g_error_matches (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_SHUTTING_DOWN))
        request->response = hall_problem_response (503, NULL,
                                                   _("The server is shutting down; try again"));
      else
        request->response = hall_problem_response_internal (error);
    }
  MHD_resume_connection (request->connection);
}

/* What the catalog says of a case: its checklist, promised time and
 * number agree with its service (hall_case_check_for_service(), the
 * counter's rule too). A case sent without "promised_at" gets the one its
 * service promises. */
static HallServerResponse *
check_case (HallServerRequest *request,
            HallService       *service)
{
  g_autoptr(HallCase) kase = NULL;
  g_autoptr(GError) error = NULL;
  const char *field = NULL;
  gint64 promised_at;

  /* Canonical JSON of a valid case: it reads back. */
  kase = hall_case_new_from_json (request->entity, &field, &error);
  /* A promise made in a calendar the administrator has changed since (the
   * counter had not yet heard) stands: it is what the citizen was given.
   * The other checks still apply. */
  if (kase != NULL && (promised_at = hall_case_get_promised_at (kase)) != 0
      && promised_at != hall_service_get_promised_at (service, hall_case_get_created_at (kase))
      && _hall_server_promise_was_made (request->server, service, hall_case_get_created_at (kase),
                                        promised_at))
    {
      gboolean ok;

      hall_case_set_promised_at (kase, 0);
      ok = hall_case_check_for_service (kase, service, &field, &error);
      hall_case_set_promised_at (kase, promised_at);
      if (ok)
        return NULL;
    }
  else if (kase != NULL && hall_case_check_for_service (kase, service, &field, &error))
    field = NULL;
  if (kase == NULL || error != NULL)
    {
      g_autoptr(HallProblem) problem = hall_problem_new_from_error (422, field, error);

      return hall_problem_to_response (problem);
    }
  if (hall_case_get_promised_at (kase) == 0)
    {
      hall_case_set_promised_at (kase, hall_service_get_promised_at (
                                         service, hall_case_get_created_at (kase)));
      json_node_unref (request->entity);
      request->entity = hall_case_to_json (kase);
    }
  return NULL;
}

HallServerResponse *
_hall_server_check_write (HallServer        *self,
                          HallServerRequest *request,
                          const char        *method,
                          JsonNode          *parsed,
                          gboolean           look_up_key)
{
  g_autoptr(HallProblem) parse_problem = NULL;
  g_autoptr(GError) error = NULL;
  HallServerResponse *replay;

  request->entity = parsed != NULL
                    ? hall_server_parse_entity_node (request->route, request->id, parsed,
                                                     &parse_problem)
                    : hall_server_parse_entity (request->route, request->id,
                                                (const char *) request->body->data,
                                                request->body->len, &parse_problem);
  if (request->entity == NULL)
    return hall_problem_to_response (parse_problem);

  if (request->route == HALL_ROUTE_CASE)
    {
      const char *service_id = hall_json_get_string (json_node_get_object (request->entity),
                                                     "service");
      HallService *service = service_id ? hall_catalog_lookup (self->catalog, service_id) : NULL;
      HallServerResponse *refusal;

      if (service == NULL)
        return hall_problem_response (422, "service", _("The service “%s” is not in the catalog"),
                                      service_id ? service_id : "");
      refusal = check_case (request, service);
      if (refusal != NULL)
        return refusal;
    }
  /* Notes and documents are the counter's; a decision's role is its
   * step's, checked by the writer against the case as it stands. */
  if (request->route == HALL_ROUTE_CASE_EVENTS
      && !(request->roles & HALL_ROLE_COUNTER_OFFICIAL))
    {
      const char *kind = hall_json_get_string (json_node_get_object (request->entity), "kind");

      if (g_strcmp0 (kind, "state") != 0 && g_strcmp0 (kind, "decision") != 0)
        return hall_problem_response (403, NULL,
                                      _("Your role may only decide on a case's state"));
    }

  if (request->idempotency_key != NULL)
    request->request_hash = hash_request (request, method);
  if (request->idempotency_key != NULL && look_up_key)
    {
      /* A replay is answered from a read connection, without queueing. */
      replay = _hall_server_replay (self->storage, request, &error);
      if (replay != NULL)
        return replay;
      if (error != NULL)
        return hall_problem_response_internal (error);
    }
  return NULL;
}

HallServerResponse *
_hall_server_submit_write (HallServer            *self,
                           HallServerRequest     *request,
                           struct MHD_Connection *connection,
                           const char            *method)
{
  HallServerResponse *refusal = _hall_server_check_write (self, request, method, NULL, TRUE);

  if (refusal != NULL)
    return refusal;
  MHD_suspend_connection (connection);
  hall_group_committer_submit_deferrable (self->committer, _hall_server_run_write,
                                          _hall_server_forget_answer, _hall_server_write_done,
                                          request);
  return NULL;
}
