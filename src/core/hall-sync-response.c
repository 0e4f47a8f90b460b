/* hall-sync-response.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-applicant.h"
#include "hall-case-event.h"
#include "hall-case.h"
#include "hall-error.h"
#include "hall-http-client.h"
#include "hall-json.h"
#include "hall-json-strict.h"
#include "hall-sync-response.h"

/* The root object of a JSON answer; @what names the answer in the error. */
static JsonNode *
parse_object (const char  *body,
              gsize        length,
              const char  *what,
              GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) root = NULL;

  if (body == NULL || length == 0)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's %s is empty"), what);
      return NULL;
    }
  /* What is stored and shown must be text GLib and GTK accept. */
  if (!g_utf8_validate_len (body, length, NULL))
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's %s is not valid UTF-8"), what);
      return NULL;
    }
  /* One pass, not a check and then json-glib's parser: a page of the
   * feed is thousands of changes. */
  root = hall_json_parse_strict (body, length, HALL_SYNC_RESPONSE_MAX_DEPTH, NULL, &local_error);
  if (root == NULL)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's %s is not valid JSON: %s"), what, local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's %s is not a JSON object"), what);
      return NULL;
    }
  return g_steal_pointer (&root);
}

static gboolean
holds (JsonNode *node,
       GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* A member that is a whole number of at least 1, or 0. */
static gint64
positive_member (JsonObject *object,
                 const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (!holds (node, G_TYPE_INT64) || json_node_get_int (node) < 1)
    return 0;
  return json_node_get_int (node);
}

/* A non-empty string member, or NULL. */
static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value;

  if (!holds (node, G_TYPE_STRING))
    return NULL;
  value = json_node_get_string (node);
  return value != NULL && *value != '\0' ? value : NULL;
}

/* Reads @data as the model reads an entity of kind @entity, and checks that
 * it is the entity @uuid. A kind this counter does not know passes. On
 * failure *field_out is the member of @data at fault. */
static gboolean
check_entity (const char  *entity,
              const char  *uuid,
              JsonNode    *data,
              GObject    **object_out,
              const char **field_out,
              GError     **error)
{
  g_autoptr (GObject) object = NULL;
  const char *data_uuid;

  *field_out = NULL;
  if (g_strcmp0 (entity, "applicant") == 0)
    {
      HallApplicant *applicant = hall_applicant_new_from_json (data, field_out, error);

      object = G_OBJECT (applicant);
      data_uuid = applicant != NULL ? hall_applicant_get_uuid (applicant) : NULL;
    }
  else if (g_strcmp0 (entity, "case") == 0)
    {
      HallCase *kase = hall_case_new_from_json (data, field_out, error);

      object = G_OBJECT (kase);
      data_uuid = kase != NULL ? hall_case_get_uuid (kase) : NULL;
    }
  else if (g_strcmp0 (entity, "event") == 0)
    {
      HallCaseEvent *event = hall_case_event_new_from_json (NULL, data, field_out, error);

      object = G_OBJECT (event);
      data_uuid = event != NULL ? hall_case_event_get_uuid (event) : NULL;
    }
  else
    return TRUE;

  if (object == NULL)
    {
      if (*field_out == NULL)
        *field_out = "";
      return FALSE;
    }
  /* A case without a uuid gets a fresh one from the model: stored, it would
   * be a second copy of the case the server meant. */
  if (uuid != NULL && (data_uuid == NULL || g_ascii_strcasecmp (data_uuid, uuid) != 0))
    {
      *field_out = "uuid";
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("its “uuid” is not the one of the change"));
      return FALSE;
    }
  *object_out = g_steal_pointer (&object);
  return TRUE;
}

/* The entity of a change of a kind this counter does not know is NULL. */
static void
unref_entity (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static gboolean G_GNUC_PRINTF (4, 5)
refuse_change (GError    **error,
               guint       index,
               const char *field,
               const char *format,
               ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
               _("Change %u from the server cannot be stored (field “%s”): %s"),
               index, field, reason);
  return FALSE;
}

static gboolean
check_change (JsonNode  *node,
              guint      index,
              GObject  **object_out,
              GError   **error)
{
  g_autoptr (GError) data_error = NULL;
  g_autofree char *data_field = NULL;
  JsonObject *change;
  JsonNode *data;
  const char *entity;
  const char *uuid;
  const char *field = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("Change %u from the server is not a JSON object"), index);
      return FALSE;
    }
  change = json_node_get_object (node);
  if (positive_member (change, "seq") == 0)
    return refuse_change (error, index, "seq", _("it must be a whole number of at least 1"));
  entity = string_member (change, "entity");
  if (entity == NULL)
    return refuse_change (error, index, "entity",
                          _("it must name a kind of entity, such as “case”"));
  uuid = string_member (change, "uuid");
  if (uuid == NULL || !g_uuid_string_is_valid (uuid))
    return refuse_change (error, index, "uuid", _("it must be a UUID"));
  if (positive_member (change, "version") == 0)
    return refuse_change (error, index, "version", _("it must be a whole number of at least 1"));
  data = json_object_get_member (change, "data");
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return refuse_change (error, index, "data", _("it must be a JSON object"));

  if (!check_entity (entity, uuid, data, object_out, &field, &data_error))
    {
      data_field = *field != '\0' ? g_strconcat ("data.", field, NULL) : g_strdup ("data");
      return refuse_change (error, index, data_field, "%s", data_error->message);
    }
  return TRUE;
}

gboolean
hall_sync_response_parse_changes (const char  *body,
                                  gsize        length,
                                  JsonArray  **changes_out,
                                  GPtrArray  **entities_out,
                                  char       **next_out,
                                  gboolean    *more_out,
                                  GError     **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) entities = NULL;
  JsonObject *object;
  JsonNode *changes;
  JsonNode *next;
  JsonNode *more;
  JsonArray *array;
  guint i;

  g_return_val_if_fail (changes_out != NULL && next_out != NULL && more_out != NULL, FALSE);

  root = parse_object (body, length, _("list of changes"), error);
  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);

  changes = json_object_get_member (object, "changes");
  if (changes == NULL || !JSON_NODE_HOLDS_ARRAY (changes))
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's list of changes has no “changes” array"));
      return FALSE;
    }
  next = json_object_get_member (object, "next");
  if (!holds (next, G_TYPE_STRING) && !holds (next, G_TYPE_INT64))
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's list of changes has no “next” cursor"));
      return FALSE;
    }
  more = json_object_get_member (object, "more");
  if (more != NULL && !JSON_NODE_HOLDS_NULL (more) && !holds (more, G_TYPE_BOOLEAN))
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's list of changes says “more” but not true or false"));
      return FALSE;
    }

  array = json_node_get_array (changes);
  entities = g_ptr_array_new_full (json_array_get_length (array), unref_entity);
  for (i = 0; i < json_array_get_length (array); i++)
    {
      GObject *entity = NULL;

      if (!check_change (json_array_get_element (array, i), i, &entity, error))
        return FALSE;
      g_ptr_array_add (entities, entity);
    }

  *changes_out = json_array_ref (array);
  if (entities_out != NULL)
    *entities_out = g_steal_pointer (&entities);
  if (holds (next, G_TYPE_STRING))
    *next_out = g_strdup (json_node_get_string (next));
  else
    *next_out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (next));
  *more_out = holds (more, G_TYPE_BOOLEAN) && json_node_get_boolean (more);
  return TRUE;
}

char *
hall_sync_response_describe_problem (guint        status,
                                     const char  *body,
                                     gsize        length,
                                     char       **field_out)
{
  g_autoptr (JsonNode) root = parse_object (body, length, "problem", NULL);
  JsonObject *object = root != NULL ? json_node_get_object (root) : NULL;
  const char *detail = NULL;
  const char *field = NULL;

  if (object != NULL)
    {
      detail = string_member (object, "detail");
      if (detail == NULL)
        detail = string_member (object, "title");
      field = string_member (object, "field");
    }
  if (field_out != NULL)
    *field_out = g_strdup (field);
  if (detail == NULL)
    return g_strdup_printf (_("the server answered %u"), status);
  if (field != NULL)
    return g_strdup_printf (_("%s (field “%s”)"), detail, field);
  return g_strdup (detail);
}

/* "3", W/"3" or a bare 3 as the server's ETag; 0 for anything else. */
static gint64
etag_version (const char *etag)
{
  const char *start = etag;
  gsize length;
  g_autofree char *digits = NULL;
  guint64 version;

  if (g_str_has_prefix (start, "W/"))
    start += 2;
  length = strlen (start);
  if (length >= 2 && start[0] == '"' && start[length - 1] == '"')
    digits = g_strndup (start + 1, length - 2);
  else
    digits = g_strdup (start);
  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &version, NULL))
    return 0;
  return (gint64) version;
}

gint64
hall_sync_response_parse_version (const char *etag,
                                  const char *body,
                                  gsize       length)
{
  g_autoptr (JsonNode) root = NULL;
  gint64 version = 0;

  /* The ETag needs no parse: every answer of a batch has one but events. */
  if (etag != NULL)
    version = etag_version (etag);
  if (version == 0 && body != NULL && length > 0)
    root = parse_object (body, length, "answer", NULL);
  if (root != NULL)
    {
      JsonObject *object = json_node_get_object (root);

      version = positive_member (object, "version");
      /* An event's answer: {"event", "case_version"}. */
      if (version == 0)
        version = positive_member (object, "case_version");
    }
  return version;
}

char *
hall_sync_response_parse_current (const char  *entity,
                                  const char  *body,
                                  gsize        length,
                                  GError     **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) entity_error = NULL;
  g_autoptr (GObject) read = NULL;
  JsonNode *current;
  const char *field = NULL;

  root = parse_object (body, length, _("answer to a conflict"), error);
  if (root == NULL)
    return NULL;
  current = json_object_get_member (json_node_get_object (root), "current");
  if (current == NULL || !JSON_NODE_HOLDS_OBJECT (current))
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server reported a conflict without its version (“current”)"));
      return NULL;
    }
  if (!check_entity (entity, NULL, current, &read, &field, &entity_error))
    {
      g_autofree char *at = *field != '\0' ? g_strconcat ("current.", field, NULL)
                                            : g_strdup ("current");

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's version in a conflict cannot be stored (field “%s”): %s"),
                   at, entity_error->message);
      return NULL;
    }
  return json_to_string (current, FALSE);
}

char *
hall_sync_response_parse_existing (const char  *body,
                                   gsize        length)
{
  g_autoptr (JsonNode) root = parse_object (body, length, "problem", NULL);
  const char *existing = root != NULL ? string_member (json_node_get_object (root), "existing")
                                      : NULL;

  /* It becomes a path: nothing but a uuid goes into one. */
  if (existing == NULL || !g_uuid_string_is_valid (existing))
    return NULL;
  return g_ascii_strdown (existing, -1);
}

char *
hall_sync_response_parse_applicant (const char  *uuid,
                                    const char  *body,
                                    gsize        length,
                                    GError     **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) entity_error = NULL;
  g_autoptr (GObject) read = NULL;
  const char *field = NULL;

  root = parse_object (body, length, _("applicant"), error);
  if (root == NULL)
    return NULL;
  if (!check_entity ("applicant", uuid, root, &read, &field, &entity_error))
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's applicant %s cannot be stored (field “%s”): %s"),
                   uuid, field, entity_error->message);
      return NULL;
    }
  return json_to_string (root, FALSE);
}

/* The version an accepted answer names: its ETag, or else its body's
 * "version" (or an event's "case_version"), as parse_version() reads them
 * from text. */
static gint64
node_version (const char *etag,
              JsonNode   *body)
{
  gint64 version = etag != NULL ? etag_version (etag) : 0;

  if (version == 0 && body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    {
      JsonObject *object = json_node_get_object (body);

      version = positive_member (object, "version");
      if (version == 0)
        version = positive_member (object, "case_version");
    }
  return version;
}

static GPtrArray *
parse_batch (const char  *body,
             gsize        length,
             guint        n_operations,
             gint64     **versions_out,
             GError     **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) responses = NULL;
  g_autofree gint64 *versions = NULL;
  JsonNode *results;
  JsonArray *array;

  root = parse_object (body, length, _("answer to a batch"), error);
  if (root == NULL)
    return NULL;
  results = json_object_get_member (json_node_get_object (root), "results");
  if (results == NULL || !JSON_NODE_HOLDS_ARRAY (results)
      || json_array_get_length (json_node_get_array (results)) != n_operations)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("The server's answer to a batch of %u has not as many “results”"),
                   n_operations);
      return NULL;
    }
  array = json_node_get_array (results);
  responses = g_ptr_array_new_full (n_operations, (GDestroyNotify) hall_http_response_free);
  if (versions_out != NULL)
    versions = g_new0 (gint64, MAX (n_operations, 1));
  for (guint i = 0; i < n_operations; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *result = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *result_body = result ? json_object_get_member (result, "body") : NULL;
      gint64 status = result ? positive_member (result, "status") : 0;
      const char *etag = result ? string_member (result, "etag") : NULL;
      HallHttpResponse *response;
      char *text;

      if (status < 100 || status > 599)
        {
          g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                       _("Result %u of the server's answer to a batch has no “status”"), i);
          return NULL;
        }
      response = g_new0 (HallHttpResponse, 1);
      response->status = (guint) status;
      response->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      if (etag != NULL)
        g_hash_table_insert (response->headers, g_strdup ("etag"), g_strdup (etag));
      if (versions != NULL && status >= 200 && status < 300)
        {
          versions[i] = node_version (etag, result_body);
          text = g_strdup ("");
        }
      else
        text = result_body != NULL && !JSON_NODE_HOLDS_NULL (result_body)
               ? json_to_string (result_body, FALSE) : g_strdup ("");
      response->body = g_bytes_new_take (text, strlen (text));
      g_ptr_array_add (responses, response);
    }
  if (versions_out != NULL)
    *versions_out = g_steal_pointer (&versions);
  return g_steal_pointer (&responses);
}

GPtrArray *
hall_sync_response_parse_batch (const char  *body,
                                gsize        length,
                                guint        n_operations,
                                GError     **error)
{
  return parse_batch (body, length, n_operations, NULL, error);
}

GPtrArray *
hall_sync_response_parse_batch_versions (const char  *body,
                                         gsize        length,
                                         guint        n_operations,
                                         gint64     **versions_out,
                                         GError     **error)
{
  g_return_val_if_fail (versions_out != NULL, NULL);

  *versions_out = NULL;
  return parse_batch (body, length, n_operations, versions_out, error);
}

gboolean
hall_sync_response_parse_offset (const char *header,
                                 goffset    *offset)
{
  guint64 parsed;

  g_return_val_if_fail (offset != NULL, FALSE);

  if (header == NULL || !g_ascii_string_to_unsigned (header, 10, 0, G_MAXINT64, &parsed, NULL))
    return FALSE;
  *offset = (goffset) parsed;
  return TRUE;
}
