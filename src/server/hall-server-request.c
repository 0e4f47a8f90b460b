/* hall-server-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-applicant.h"
#include "hall-case-event.h"
#include "hall-case.h"
#include "hall-json.h"
#include "hall-json-strict.h"
#include "hall-license-payload.h"
#include "hall-page-header.h"
#include "hall-queue.h"
#include "hall-server-request.h"

HallServerRequest *
hall_server_request_new (const char *path)
{
  HallServerRequest *self = g_new0 (HallServerRequest, 1);

  self->path = g_strdup (path);
  self->body = g_byte_array_new ();
  self->limit = HALL_JSON_BODY_LIMIT;
  return self;
}

void
hall_server_request_free (HallServerRequest *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->upload, hall_blob_upload_abort);
  g_clear_error (&self->upload_error);
  g_free (self->path);
  g_free (self->id);
  g_byte_array_unref (self->body);
  g_free (self->username);
  g_free (self->if_match);
  g_free (self->idempotency_key);
  g_free (self->request_hash);
  g_clear_pointer (&self->entity, json_node_unref);
  g_clear_pointer (&self->operations, g_ptr_array_unref);
  g_clear_pointer (&self->response, hall_server_response_free);
  g_free (self);
}

gboolean
hall_server_request_append_body (HallServerRequest *self,
                                 const char        *data,
                                 gsize              length)
{
  if (self->too_large || self->body->len + length > self->limit)
    {
      self->too_large = TRUE;
      g_byte_array_set_size (self->body, 0);
      return FALSE;
    }
  g_byte_array_append (self->body, (const guint8 *) data, length);
  return TRUE;
}

/* Indexed by HallMethod. */
static const char * const method_names[] = { "GET", "HEAD", "PUT", "POST", "PATCH", "DELETE" };

static HallMethod
method_from_string (const char *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (method_names); i++)
    if (g_str_equal (method, method_names[i]))
      return (HallMethod) i;
  return HALL_METHOD_OTHER;
}

/* A counter is named as the hall names it: "C01", "reception-2". */
static gboolean
is_counter_name (const char *text)
{
  gsize length = strlen (text);

  if (length < 1 || length > 16)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* An official's user name as a path segment: 1 to 64 of [a-z0-9._-]. */
static gboolean
is_official_name (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* A license number as a counter allocates it ("YC-2026-C03-L000001"):
 * 1 to 64 of [A-Za-z0-9-]. */
static gboolean
is_license_number (const char *text)
{
  gsize length = strlen (text);

  if (length < 1 || length > 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_appointment_code (const char *text)
{
  gsize length = strlen (text);

  if (length < 4 || length > 32)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* The queue's paths (hall-server-queue.c, hall-server-events.c). */
static HallRoute
route_queue (char        **parts,
             guint         n,
             const char  **id,
             guint        *allowed)
{
#define ALLOW(x) (1u << HALL_METHOD_##x)
  if (n == 1 && g_str_equal (parts[0], "tickets"))
    return *allowed = ALLOW (POST), HALL_ROUTE_TICKETS;
  if (n == 3 && g_str_equal (parts[0], "tickets") && hall_uuid_is_canonical (parts[1])
      && hall_queue_is_action (parts[2]))
    return *id = parts[1], *allowed = ALLOW (POST), HALL_ROUTE_TICKET_ACTION;
  if (n == 3 && g_str_equal (parts[0], "counters") && is_counter_name (parts[1])
      && g_str_equal (parts[2], "call-next"))
    return *id = parts[1], *allowed = ALLOW (POST), HALL_ROUTE_CALL_NEXT;
  if (n == 1 && g_str_equal (parts[0], "queue"))
    return *allowed = ALLOW (GET) | ALLOW (HEAD), HALL_ROUTE_QUEUE;
  if (n == 2 && g_str_equal (parts[0], "queue") && g_str_equal (parts[1], "events"))
    return *allowed = ALLOW (GET), HALL_ROUTE_QUEUE_EVENTS;
  if (n == 1 && g_str_equal (parts[0], "appointments"))
    return *allowed = ALLOW (POST), HALL_ROUTE_APPOINTMENTS;
  if (n == 3 && g_str_equal (parts[0], "appointments") && is_appointment_code (parts[1])
      && g_str_equal (parts[2], "check-in"))
    {
      for (char *p = parts[1]; *p != '\0'; p++)
        *p = g_ascii_toupper (*p);
      return *id = parts[1], *allowed = ALLOW (POST), HALL_ROUTE_CHECK_IN;
    }
#undef ALLOW
  return HALL_ROUTE_NONE;
}

gboolean
hall_server_route (const char   *method,
                   const char   *path,
                   HallMethod   *method_out,
                   HallRoute    *route_out,
                   char        **id_out,
                   HallProblem **problem)
{
  g_auto(GStrv) parts = NULL;
  HallRoute route = HALL_ROUTE_NONE;
  const char *id = NULL;
  guint allowed = 0;
  guint n;
  HallMethod m = method_from_string (method);

#define ALLOW(x) (1u << HALL_METHOD_##x)

  /* The unescaping leaves %00 and other control characters escaped (see
   * hall-server.c): a NUL must not cut the path short, and no path here
   * holds one. */
  for (const char *p = path; *p != '\0'; p++)
    if (*p == '%' || (guchar) *p < 0x20 || *p == 0x7f)
      {
        *problem = hall_problem_new (400, "path",
                                     _("The path holds a control character or an escape that "
                                       "no path of this server has"));
        return FALSE;
      }
  if (!g_str_has_prefix (path, "/v1/"))
    goto not_found;
  parts = g_strsplit (path + 4, "/", 4);
  n = g_strv_length (parts);

  if (n == 1 && g_str_equal (parts[0], "health"))
    route = HALL_ROUTE_HEALTH, allowed = ALLOW (GET) | ALLOW (HEAD);
  else if (n == 1 && g_str_equal (parts[0], "sessions"))
    route = HALL_ROUTE_SESSIONS, allowed = ALLOW (POST) | ALLOW (DELETE);
  else if (n == 1 && g_str_equal (parts[0], "changes"))
    route = HALL_ROUTE_CHANGES, allowed = ALLOW (GET) | ALLOW (HEAD);
  else if (n == 1 && g_str_equal (parts[0], "catalog"))
    route = HALL_ROUTE_CATALOG, allowed = ALLOW (GET) | ALLOW (HEAD);
  else if (n == 1 && g_str_equal (parts[0], "batch"))
    route = HALL_ROUTE_BATCH, allowed = ALLOW (POST);
  else if (n == 1 && g_str_equal (parts[0], "trust"))
    route = HALL_ROUTE_TRUST, allowed = ALLOW (GET) | ALLOW (HEAD);
  else if (n == 1 && g_str_equal (parts[0], "calendar"))
    route = HALL_ROUTE_CALENDAR, allowed = ALLOW (GET) | ALLOW (HEAD) | ALLOW (PUT);
  else if (n == 1 && g_str_equal (parts[0], "stats"))
    route = HALL_ROUTE_STATS, allowed = ALLOW (GET) | ALLOW (HEAD);
  else if (n == 1 && g_str_equal (parts[0], "verify"))
    route = HALL_ROUTE_VERIFY, allowed = ALLOW (POST);
  else if (n == 2 && g_str_equal (parts[0], "certificates") && is_official_name (parts[1]))
    route = HALL_ROUTE_CERTIFICATE, id = parts[1], allowed = ALLOW (PUT);
  else if (n == 2 && g_str_equal (parts[0], "revocations") && hall_uuid_is_canonical (parts[1]))
    route = HALL_ROUTE_REVOCATION, id = parts[1], allowed = ALLOW (PUT);
  else if (n == 2 && g_str_equal (parts[0], "licenses") && is_license_number (parts[1]))
    route = HALL_ROUTE_LICENSE, id = parts[1], allowed = ALLOW (PUT);
  else if (n == 2 && g_str_equal (parts[0], "admin") && g_str_equal (parts[1], "sign-in-failures"))
    route = HALL_ROUTE_ADMIN_SIGN_IN_FAILURES, allowed = ALLOW (GET) | ALLOW (HEAD);
  /* One form of each identifier: a UUID or hash in upper case, or in
   * braces, names nothing here. */
  else if (n == 2 && g_str_equal (parts[0], "applicants") && hall_uuid_is_canonical (parts[1]))
    route = HALL_ROUTE_APPLICANT, id = parts[1], allowed = ALLOW (GET) | ALLOW (HEAD) | ALLOW (PUT);
  else if (n == 2 && g_str_equal (parts[0], "cases") && hall_uuid_is_canonical (parts[1]))
    route = HALL_ROUTE_CASE, id = parts[1], allowed = ALLOW (GET) | ALLOW (HEAD) | ALLOW (PUT);
  else if (n == 3 && g_str_equal (parts[0], "cases") && hall_uuid_is_canonical (parts[1])
           && g_str_equal (parts[2], "events"))
    route = HALL_ROUTE_CASE_EVENTS, id = parts[1], allowed = ALLOW (POST);
  else if (n == 3 && g_str_equal (parts[0], "applicants") && hall_uuid_is_canonical (parts[1])
           && g_str_equal (parts[2], "phone"))
    route = HALL_ROUTE_APPLICANT_PHONE, id = parts[1], allowed = ALLOW (POST);
  else if (n == 2 && g_str_equal (parts[0], "pages") && hall_uuid_is_canonical (parts[1]))
    route = HALL_ROUTE_PAGE, id = parts[1], allowed = ALLOW (GET) | ALLOW (HEAD) | ALLOW (PUT);
  else if (n == 2 && g_str_equal (parts[0], "blobs") && hall_blob_store_is_valid_name (parts[1]))
    route = HALL_ROUTE_BLOB, id = parts[1],
    allowed = ALLOW (GET) | ALLOW (HEAD) | ALLOW (PUT) | ALLOW (PATCH);
  else
    route = route_queue (parts, n, &id, &allowed);
#undef ALLOW

  if (route == HALL_ROUTE_NONE)
    goto not_found;
  if (m == HALL_METHOD_OTHER || !(allowed & (1u << m)))
    {
      g_autoptr(GStrvBuilder) allow = g_strv_builder_new ();
      g_auto(GStrv) allow_names = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (method_names); i++)
        if (allowed & (1u << i))
          g_strv_builder_add (allow, method_names[i]);
      allow_names = g_strv_builder_end (allow);
      *problem = hall_problem_new (405, NULL, _("%s is not allowed on %s"), method, path);
      (*problem)->allow = g_strjoinv (", ", allow_names);
      return FALSE;
    }
  *method_out = m;
  *route_out = route;
  *id_out = g_strdup (id);
  return TRUE;

not_found:
  *problem = hall_problem_new (404, NULL, _("There is nothing at %s"), path);
  return FALSE;
}

JsonNode *
hall_server_parse_json_object (const char   *body,
                               gsize         length,
                               HallProblem **problem)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (length == 0)
    {
      *problem = hall_problem_new (400, NULL, _("The request has no body; a JSON object is expected"));
      return NULL;
    }
  /* Not json-glib's parser: deep nesting would overflow its recursion;
   * what it reads beyond JSON (comments, single quotes, escapes such as
   * \315) could hide brackets or put bytes that are not UTF-8 into a string
   * that every counter would then fail to read from the change feed; a
   * \u0000 would cut a string short, and of a member sent twice the last
   * would win without a word. */
  root = hall_json_parse_strict (body, length, HALL_JSON_MAX_DEPTH, &field, &error);
  if (root == NULL)
    {
      *problem = hall_problem_new (400, field, _("The body is not valid JSON: %s"), error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      *problem = hall_problem_new (400, NULL, _("The body must be a JSON object"));
      return NULL;
    }
  return g_steal_pointer (&root);
}

/* The generic limits of the contract: strings of at most 200 characters,
 * notes 2000. The model checks the meaning of each field. */
static gboolean
check_string_lengths (const char   *name,
                      JsonNode     *node,
                      HallProblem **problem)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &member, &value))
          if (!check_string_lengths (member, value, problem))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!check_string_lengths (name, json_array_get_element (array, i), problem))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          glong limit = g_strcmp0 (name, "note") == 0 || g_strcmp0 (name, "notes") == 0
                        ? HALL_NOTE_LIMIT : HALL_STRING_LIMIT;

          if (g_utf8_strlen (json_node_get_string (node), -1) > limit)
            {
              *problem = hall_problem_new (422, name, _("“%s” is longer than %ld characters"),
                                           name ? name : "", limit);
              return FALSE;
            }
        }
      return TRUE;
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/* The uuid in the body is optional but must be the path's when present. */
static gboolean
check_body_uuid (JsonObject   *object,
                 const char   *member,
                 const char   *id,
                 HallProblem **problem)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      json_object_set_string_member (object, member, id);
      return TRUE;
    }
  if (g_strcmp0 (hall_json_get_string (object, member), id) != 0)
    {
      *problem = hall_problem_new (422, member, _("“%s” must be %s, the uuid in the path"),
                                   member, id);
      return FALSE;
    }
  json_object_set_string_member (object, member, id);
  return TRUE;
}

static HallProblem *
problem_from_model (const char   *field,
                    const GError *error)
{
  if (error == NULL)
    return hall_problem_new (422, field, _("The entity is not valid"));
  return hall_problem_new_from_error (422, field, error);
}

/* The record of a page (issue 11): which case and checklist slot its blob
 * is a page of, where in the slot, how it is turned, and what the file is.
 * Written again from what was read, so a member this server does not know
 * is not kept. Whether the case, the slot and the blob exist is the
 * writer's to check (hall-server-writes.c). */
static JsonNode *
parse_page (JsonObject   *object,
            const char   *id,
            HallProblem **problem)
{
  static const char * const kinds[] = { "bilevel", "grey", "colour", NULL };
  static const char * const mimes[] = { "image/jpeg", "image/png", "image/tiff", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *created_text = NULL;
  const char *field = NULL;
  const char *case_uuid = NULL;
  const char *slot = NULL;
  const char *sha256 = NULL;
  const char *kind = NULL;
  const char *mime = NULL;
  gint64 position = 0, turn = 0, bytes = 0, width = 0, height = 0, dpi = 0, created_at = 0;
  gboolean deleted = FALSE;

  if (!check_body_uuid (object, "uuid", id, problem))
    return NULL;
  if (!hall_json_read_uuid (object, "case", TRUE, &case_uuid, &field, &error)
      || !hall_json_read_string (object, "slot", TRUE, HALL_JSON_MAX_CHARS, &slot, &field, &error)
      || !hall_json_read_int (object, "position", TRUE, 0, &position, &field, &error)
      || !hall_json_read_int (object, "turn", FALSE, 0, &turn, &field, &error)
      || !hall_json_read_string (object, "sha256", TRUE, HALL_JSON_MAX_CHARS, &sha256, &field,
                                 &error)
      || !hall_json_read_string (object, "kind", TRUE, HALL_JSON_MAX_CHARS, &kind, &field, &error)
      || !hall_json_read_string (object, "mime", TRUE, HALL_JSON_MAX_CHARS, &mime, &field, &error)
      || !hall_json_read_int (object, "bytes", TRUE, 1, &bytes, &field, &error)
      || !hall_json_read_int (object, "width", FALSE, 0, &width, &field, &error)
      || !hall_json_read_int (object, "height", FALSE, 0, &height, &field, &error)
      || !hall_json_read_int (object, "dpi", FALSE, 0, &dpi, &field, &error)
      || !hall_json_read_timestamp (object, "created_at", FALSE, &created_at, &field, &error))
    {
      *problem = problem_from_model (field, error);
      return NULL;
    }
  {
    JsonNode *deleted_node = json_object_get_member (object, "deleted");

    if (deleted_node != NULL && !JSON_NODE_HOLDS_NULL (deleted_node)
        && (!JSON_NODE_HOLDS_VALUE (deleted_node)
            || json_node_get_value_type (deleted_node) != G_TYPE_BOOLEAN))
      {
        *problem = hall_problem_new (422, "deleted", _("“deleted” must be true or false"));
        return NULL;
      }
    deleted = deleted_node != NULL && JSON_NODE_HOLDS_VALUE (deleted_node)
              && json_node_get_boolean (deleted_node);
  }
  if (!hall_slot_id_is_valid (slot))
    {
      *problem = hall_problem_new (422, "slot", _("“slot” must be the id of a document of the "
                                                  "case’s checklist, not “%s”"), slot);
      return NULL;
    }
  if (position > 9999)
    {
      *problem = hall_problem_new (422, "position", _("“position” must be 0 to 9999"));
      return NULL;
    }
  if (turn % 90 != 0 || turn >= 360)
    {
      *problem = hall_problem_new (422, "turn", _("“turn” must be 0, 90, 180 or 270 (degrees "
                                                  "clockwise)"));
      return NULL;
    }
  if (!hall_blob_store_is_valid_name (sha256))
    {
      *problem = hall_problem_new (422, "sha256", _("“sha256” must be 64 lower-case hex "
                                                    "digits"));
      return NULL;
    }
  if (!g_strv_contains (kinds, kind))
    {
      *problem = hall_problem_new (422, "kind", _("“kind” must be “bilevel”, “grey” or "
                                                  "“colour”, not “%s”"), kind);
      return NULL;
    }
  if (!g_strv_contains (mimes, mime))
    {
      *problem = hall_problem_new (422, "mime", _("“mime” must be image/jpeg, image/png or "
                                                  "image/tiff, not “%s”"), mime);
      return NULL;
    }
  if (bytes > (gint64) HALL_PAGE_MAX_BYTES || width > 1000000 || height > 1000000
      || dpi > 10000 || (guint64) width * (guint64) height > HALL_PAGE_MAX_PIXELS)
    {
      *problem = hall_problem_new (422, bytes > (gint64) HALL_PAGE_MAX_BYTES ? "bytes"
                                        : dpi > 10000 ? "dpi" : "width",
                                   _("The page is larger than a page may be"));
      return NULL;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
#define ADD_STRING(name, value) \
  (json_builder_set_member_name (builder, name), json_builder_add_string_value (builder, value))
#define ADD_INT(name, value) \
  (json_builder_set_member_name (builder, name), json_builder_add_int_value (builder, value))
  ADD_STRING ("uuid", id);
  ADD_STRING ("case", case_uuid);
  ADD_STRING ("slot", slot);
  ADD_INT ("position", position);
  ADD_INT ("turn", turn);
  ADD_STRING ("sha256", sha256);
  ADD_STRING ("kind", kind);
  ADD_STRING ("mime", mime);
  ADD_INT ("bytes", bytes);
  if (width > 0)
    ADD_INT ("width", width);
  if (height > 0)
    ADD_INT ("height", height);
  if (dpi > 0)
    ADD_INT ("dpi", dpi);
  if (created_at > 0 && (created_text = hall_timestamp_to_iso8601 (created_at)) != NULL)
    ADD_STRING ("created_at", created_text);
  /* Removed at the counter: the record stays, so that a pulling counter
   * learns of the removal. */
  if (deleted)
    {
      json_builder_set_member_name (builder, "deleted");
      json_builder_add_boolean_value (builder, TRUE);
    }
#undef ADD_STRING
#undef ADD_INT
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
hall_server_parse_entity (HallRoute     route,
                          const char   *id,
                          const char   *body,
                          gsize         length,
                          HallProblem **problem)
{
  g_autoptr(JsonNode) root = NULL;

  root = hall_server_parse_json_object (body, length, problem);
  if (root == NULL)
    return NULL;
  return hall_server_parse_entity_node (route, id, root, problem);
}

/* A license's body: {"number", "case", "payload"}, the payload the "SH1:"
 * text of its QR code (longer than the contract's 200 characters of other
 * strings). Read here; whether it is signed, and by whom, the writer
 * checks against the case as it stands. */
static JsonNode *
parse_license (const char   *number,
               JsonObject   *object,
               HallProblem **problem)
{
  g_autoptr(HallLicensePayload) payload = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const char *body_number = hall_json_get_string (object, "number");
  const char *case_uuid = hall_json_get_string (object, "case");
  const char *text = hall_json_get_string (object, "payload");
  g_autofree char *stripped = NULL;

  if (body_number != NULL && g_strcmp0 (body_number, number) != 0)
    {
      *problem = hall_problem_new (422, "number",
                                   _("The body names the license %s, the path %s"),
                                   body_number, number);
      return NULL;
    }
  if (case_uuid == NULL || !hall_uuid_is_canonical (case_uuid))
    {
      *problem = hall_problem_new (422, "case",
                                   _("“case” must be the uuid of the license’s case, in lower "
                                     "case"));
      return NULL;
    }
  if (text == NULL || strlen (text) > 2048)
    {
      *problem = hall_problem_new (422, "payload",
                                   _("“payload” must be the license’s “%s” text, of at most "
                                     "2048 characters"),
                                   HALL_LICENSE_PAYLOAD_PREFIX);
      return NULL;
    }
  payload = hall_license_payload_parse (text, &error);
  if (payload == NULL)
    {
      *problem = hall_problem_new (422, "payload", "%s", error->message);
      return NULL;
    }
  if (g_strcmp0 (payload->number, number) != 0)
    {
      *problem = hall_problem_new (422, "payload",
                                   _("The payload is of the license %s, not %s"),
                                   payload->number, number);
      return NULL;
    }
  if (g_strcmp0 (payload->case_uuid, case_uuid) != 0)
    {
      *problem = hall_problem_new (422, "case",
                                   _("The payload is the license of the case %s, not of %s"),
                                   payload->case_uuid, case_uuid);
      return NULL;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "number");
  json_builder_add_string_value (builder, number);
  json_builder_set_member_name (builder, "case");
  json_builder_add_string_value (builder, case_uuid);
  json_builder_set_member_name (builder, "payload");
  stripped = g_strstrip (g_strdup (text));
  json_builder_add_string_value (builder, stripped);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
hall_server_parse_entity_node (HallRoute     route,
                               const char   *id,
                               JsonNode     *root,
                               HallProblem **problem)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *field = NULL;

  if (route == HALL_ROUTE_LICENSE)
    return parse_license (id, json_node_get_object (root), problem);
  if (!check_string_lengths (NULL, root, problem))
    return NULL;
  object = json_node_get_object (root);

  switch (route)
    {
    case HALL_ROUTE_APPLICANT:
      {
        g_autoptr(HallApplicant) applicant = NULL;

        if (!check_body_uuid (object, "uuid", id, problem))
          return NULL;
        applicant = hall_applicant_new_from_json (root, &field, &error);
        if (applicant == NULL || !hall_applicant_validate (applicant, &field, &error))
          {
            *problem = problem_from_model (field, error);
            return NULL;
          }
        return hall_applicant_to_json (applicant);
      }

    case HALL_ROUTE_CASE:
      {
        g_autoptr(HallCase) kase = NULL;

        if (!check_body_uuid (object, "uuid", id, problem))
          return NULL;
        kase = hall_case_new_from_json (root, &field, &error);
        if (kase == NULL)
          {
            *problem = problem_from_model (field, error);
            return NULL;
          }
        return hall_case_to_json (kase);
      }

    case HALL_ROUTE_CASE_EVENTS:
      {
        g_autoptr(HallCaseEvent) event = NULL;
        const char *uuid = hall_json_get_string (object, "uuid");

        if (uuid == NULL || !hall_uuid_is_canonical (uuid))
          {
            *problem = hall_problem_new (422, "uuid",
                                         _("An event needs its own “uuid”, in lower case"));
            return NULL;
          }
        if (json_object_has_member (object, "case")
            && !check_body_uuid (object, "case", id, problem))
          return NULL;
        /* The model ignores it on other kinds; sent, it is a mistake. */
        if (json_object_has_member (object, "slot")
            && g_strcmp0 (hall_json_get_string (object, "kind"), "document") != 0)
          {
            *problem = hall_problem_new (422, "slot",
                                         _("Only an event of kind “document” names a "
                                           "document of the checklist"));
            return NULL;
          }
        event = hall_case_event_new_from_json (id, root, &field, &error);
        if (event == NULL)
          {
            *problem = problem_from_model (field, error);
            return NULL;
          }
        /* An event sent without a time happened when it reached us. */
        if (!json_object_has_member (object, "at"))
          hall_case_event_set_at (event, g_get_real_time () / G_USEC_PER_SEC);
        return hall_case_event_to_json (event);
      }

    case HALL_ROUTE_APPLICANT_PHONE:
      {
        const char *uuid = NULL;
        const char *phone = NULL;
        gint64 at = g_get_real_time () / G_USEC_PER_SEC;
        g_autofree char *normalized = NULL;
        g_autoptr(JsonBuilder) builder = NULL;
        g_autofree char *at_text = NULL;

        /* A correction is an event of the applicant's record: its own
         * uuid, the number as read out at the counter, and when. The
         * number is checked as an applicant's is, by the same code. */
        if (!hall_json_read_uuid (object, "uuid", TRUE, &uuid, &field, &error)
            || !hall_json_read_string (object, "phone", TRUE, HALL_JSON_MAX_CHARS, &phone, &field,
                                       &error)
            || !hall_json_read_timestamp (object, "at", FALSE, &at, &field, &error))
          {
            *problem = problem_from_model (field, error);
            return NULL;
          }
        normalized = hall_applicant_check_phone (phone, &error);
        if (normalized == NULL)
          {
            *problem = problem_from_model ("phone", error);
            return NULL;
          }
        at_text = hall_timestamp_to_iso8601 (at);
        builder = json_builder_new ();
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "uuid");
        json_builder_add_string_value (builder, uuid);
        json_builder_set_member_name (builder, "kind");
        json_builder_add_string_value (builder, "phone");
        json_builder_set_member_name (builder, "applicant");
        json_builder_add_string_value (builder, id);
        json_builder_set_member_name (builder, "phone");
        json_builder_add_string_value (builder, normalized);
        json_builder_set_member_name (builder, "at");
        json_builder_add_string_value (builder, at_text);
        json_builder_end_object (builder);
        return json_builder_get_root (builder);
      }

    case HALL_ROUTE_PAGE:
      return parse_page (object, id, problem);

    case HALL_ROUTE_NONE:
    case HALL_ROUTE_HEALTH:
    case HALL_ROUTE_SESSIONS:
    case HALL_ROUTE_CHANGES:
    case HALL_ROUTE_CATALOG:
    case HALL_ROUTE_CALENDAR:
    case HALL_ROUTE_BLOB:
    default:
      *problem = hall_problem_new (405, NULL, _("Nothing can be written there"));
      return NULL;
    }
}

gboolean
hall_server_parse_session (const char   *body,
                           gsize         length,
                           char        **username_out,
                           char        **password_out,
                           HallProblem **problem)
{
  g_autoptr(JsonNode) root = hall_server_parse_json_object (body, length, problem);
  static const char * const members[] = { "username", "password" };
  char **outs[] = { username_out, password_out };
  JsonObject *object;

  /* "demo\u0000anything" is not the password "demo": the same answer as
   * any wrong one, which says nothing of which user names exist. */
  if (root == NULL && (*problem)->status == 400
      && (g_strcmp0 ((*problem)->field, "username") == 0
          || g_strcmp0 ((*problem)->field, "password") == 0))
    {
      hall_problem_free (*problem);
      *problem = hall_problem_new (401, NULL, _("The user name or the password is wrong"));
      return FALSE;
    }
  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      const char *value = hall_json_get_string (object, members[i]);

      if (value == NULL || *value == '\0' || strlen (value) > HALL_STRING_LIMIT)
        {
          *problem = hall_problem_new (422, members[i], _("“%s” must be a string of 1 to %d "
                                                          "characters"),
                                       members[i], HALL_STRING_LIMIT);
          g_clear_pointer (username_out, g_free);
          return FALSE;
        }
      *outs[i] = g_strdup (value);
    }
  return TRUE;
}

const char *
hall_json_get_string (JsonObject *object,
                      const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
