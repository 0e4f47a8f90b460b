/* hall-conflict.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-conflict.h"

struct _HallConflict
{
  GObject parent_instance;

  gint64            id;
  HallConflictKind  kind;
  char             *entity;
  char   *entity_uuid;
  char   *local_json;
  char   *server_json;
  gint64  server_version;
  gint64  created_at;
};

G_DEFINE_FINAL_TYPE (HallConflict, hall_conflict, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_ENTITY,
  PROP_ENTITY_UUID,
  PROP_LOCAL_JSON,
  PROP_SERVER_JSON,
  PROP_SERVER_VERSION,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Written anew by every save on either side, or by the server alone (who
 * sent the version it holds, and when): not what the official decides. */
static const char *const bookkeeping_fields[] = {
  "uuid", "version", "created_at", "updated_at", "recorded_by", "recorded_at", NULL
};

void
hall_conflict_difference_free (HallConflictDifference *difference)
{
  if (difference == NULL)
    return;
  g_free (difference->field);
  g_free (difference->mine);
  g_free (difference->theirs);
  g_free (difference);
}

static void
hall_conflict_finalize (GObject *object)
{
  HallConflict *self = HALL_CONFLICT (object);

  g_free (self->entity);
  g_free (self->entity_uuid);
  g_free (self->local_json);
  g_free (self->server_json);

  G_OBJECT_CLASS (hall_conflict_parent_class)->finalize (object);
}

static void
hall_conflict_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HallConflict *self = HALL_CONFLICT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case PROP_ENTITY:
      g_value_set_string (value, self->entity);
      break;
    case PROP_ENTITY_UUID:
      g_value_set_string (value, self->entity_uuid);
      break;
    case PROP_LOCAL_JSON:
      g_value_set_string (value, self->local_json);
      break;
    case PROP_SERVER_JSON:
      g_value_set_string (value, self->server_json);
      break;
    case PROP_SERVER_VERSION:
      g_value_set_int64 (value, self->server_version);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_conflict_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HallConflict *self = HALL_CONFLICT (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;
    case PROP_KIND:
      self->kind = g_value_get_int (value);
      break;
    case PROP_ENTITY:
      self->entity = g_value_dup_string (value);
      break;
    case PROP_ENTITY_UUID:
      self->entity_uuid = g_value_dup_string (value);
      break;
    case PROP_LOCAL_JSON:
      self->local_json = g_value_dup_string (value);
      break;
    case PROP_SERVER_JSON:
      self->server_json = g_value_dup_string (value);
      break;
    case PROP_SERVER_VERSION:
      self->server_version = g_value_get_int64 (value);
      break;
    case PROP_CREATED_AT:
      self->created_at = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_conflict_class_init (HallConflictClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hall_conflict_finalize;
  object_class->get_property = hall_conflict_get_property;
  object_class->set_property = hall_conflict_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] = g_param_spec_int ("kind", NULL, NULL, HALL_CONFLICT_CHANGED,
                                            HALL_CONFLICT_DUPLICATE, HALL_CONFLICT_CHANGED, flags);
  properties[PROP_ENTITY] = g_param_spec_string ("entity", NULL, NULL, NULL, flags);
  properties[PROP_ENTITY_UUID] = g_param_spec_string ("entity-uuid", NULL, NULL, NULL, flags);
  properties[PROP_LOCAL_JSON] = g_param_spec_string ("local-json", NULL, NULL, NULL, flags);
  properties[PROP_SERVER_JSON] = g_param_spec_string ("server-json", NULL, NULL, NULL, flags);
  properties[PROP_SERVER_VERSION] = g_param_spec_int64 ("server-version", NULL, NULL, 0, G_MAXINT64,
                                                        0, flags);
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL, G_MININT64,
                                                    G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hall_conflict_init (HallConflict *self)
{
}

HallConflict *
hall_conflict_new (gint64            id,
                   HallConflictKind  kind,
                   const char       *entity,
                   const char *entity_uuid,
                   const char *local_json,
                   const char *server_json,
                   gint64      server_version,
                   gint64      created_at)
{
  return g_object_new (HALL_TYPE_CONFLICT,
                       "id", id,
                       "kind", kind,
                       "entity", entity,
                       "entity-uuid", entity_uuid,
                       "local-json", local_json,
                       "server-json", server_json,
                       "server-version", server_version,
                       "created-at", created_at,
                       NULL);
}

gint64
hall_conflict_get_id (HallConflict *self)
{
  g_return_val_if_fail (HALL_IS_CONFLICT (self), 0);

  return self->id;
}

HallConflictKind
hall_conflict_get_kind (HallConflict *self)
{
  g_return_val_if_fail (HALL_IS_CONFLICT (self), HALL_CONFLICT_CHANGED);

  return self->kind;
}

const char *
hall_conflict_get_entity (HallConflict *self)
{
  g_return_val_if_fail (HALL_IS_CONFLICT (self), NULL);

  return self->entity;
}

const char *
hall_conflict_get_entity_uuid (HallConflict *self)
{
  g_return_val_if_fail (HALL_IS_CONFLICT (self), NULL);

  return self->entity_uuid;
}

const char *
hall_conflict_get_local_json (HallConflict *self)
{
  g_return_val_if_fail (HALL_IS_CONFLICT (self), NULL);

  return self->local_json;
}

const char *
hall_conflict_get_server_json (HallConflict *self)
{
  g_return_val_if_fail (HALL_IS_CONFLICT (self), NULL);

  return self->server_json;
}

gint64
hall_conflict_get_server_version (HallConflict *self)
{
  g_return_val_if_fail (HALL_IS_CONFLICT (self), 0);

  return self->server_version;
}

gint64
hall_conflict_get_created_at (HallConflict *self)
{
  g_return_val_if_fail (HALL_IS_CONFLICT (self), 0);

  return self->created_at;
}

/* NULL for text that is not a JSON object. */
static JsonNode *
parse_object (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static char *
value_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

static gboolean
same_value (JsonNode *a,
            JsonNode *b)
{
  gboolean a_null = a == NULL || JSON_NODE_HOLDS_NULL (a);
  gboolean b_null = b == NULL || JSON_NODE_HOLDS_NULL (b);

  if (a_null || b_null)
    return a_null && b_null;
  return json_node_equal (a, b);
}

static void
add_difference (GPtrArray  *differences,
                const char *field,
                JsonObject *mine,
                JsonObject *theirs)
{
  JsonNode *a = mine != NULL ? json_object_get_member (mine, field) : NULL;
  JsonNode *b = theirs != NULL ? json_object_get_member (theirs, field) : NULL;
  HallConflictDifference *difference;

  if (g_strv_contains (bookkeeping_fields, field) || same_value (a, b))
    return;

  difference = g_new0 (HallConflictDifference, 1);
  difference->field = g_strdup (field);
  difference->mine = value_text (a);
  difference->theirs = value_text (b);
  g_ptr_array_add (differences, difference);
}

GPtrArray *
hall_conflict_list_differences (HallConflict *self)
{
  g_autoptr (JsonNode) local = NULL;
  g_autoptr (JsonNode) server = NULL;
  JsonObject *mine;
  JsonObject *theirs;
  GPtrArray *differences;

  g_return_val_if_fail (HALL_IS_CONFLICT (self), NULL);

  differences = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_conflict_difference_free);
  local = parse_object (self->local_json);
  server = parse_object (self->server_json);
  mine = local != NULL ? json_node_get_object (local) : NULL;
  theirs = server != NULL ? json_node_get_object (server) : NULL;

  if (mine != NULL)
    {
      g_autoptr (GList) fields = json_object_get_members (mine);

      for (GList *l = fields; l != NULL; l = l->next)
        add_difference (differences, l->data, mine, theirs);
    }
  if (theirs != NULL)
    {
      g_autoptr (GList) fields = json_object_get_members (theirs);

      for (GList *l = fields; l != NULL; l = l->next)
        if (mine == NULL || !json_object_has_member (mine, l->data))
          add_difference (differences, l->data, mine, theirs);
    }
  return differences;
}

const char *
hall_conflict_get_field_label (const char *field)
{
  static const struct
  {
    const char *field;
    const char *label;
  } labels[] = {
    { "kind", N_("Kind") },
    { "name", N_("Name") },
    { "id_type", N_("Type of ID") },
    { "id_number", N_("ID number") },
    { "phone", N_("Phone") },
    { "credit_code", N_("Unified social credit code") },
    { "legal_representative", N_("Legal representative") },
    { "contact_person", N_("Contact person") },
    { "number", N_("Case number") },
    { "service", N_("Service") },
    { "applicant", N_("Applicant") },
    { "state", N_("State") },
    { "promised_at", N_("Promised") },
    { "counter", N_("Counter") },
    { "official", N_("Official") },
    { "checklist", N_("Documents") },
    { "case", N_("Case") },
    { "note", N_("Note") },
    { "at", N_("Time") },
  };

  g_return_val_if_fail (field != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].field, field))
      return _(labels[i].label);
  return field;
}

const char *
hall_conflict_resolution_to_string (HallConflictResolution resolution)
{
  switch (resolution)
    {
    case HALL_CONFLICT_KEEP_MINE:
      return "keep_mine";
    case HALL_CONFLICT_TAKE_THEIRS:
      return "take_theirs";
    case HALL_CONFLICT_MERGE:
      return "merged";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
hall_conflict_kind_to_string (HallConflictKind kind)
{
  switch (kind)
    {
    case HALL_CONFLICT_CHANGED:
      return "changed";
    case HALL_CONFLICT_DUPLICATE:
      return "duplicate";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
hall_conflict_kind_from_string (const char       *str,
                                HallConflictKind *kind)
{
  if (g_strcmp0 (str, "changed") == 0)
    *kind = HALL_CONFLICT_CHANGED;
  else if (g_strcmp0 (str, "duplicate") == 0)
    *kind = HALL_CONFLICT_DUPLICATE;
  else
    return FALSE;
  return TRUE;
}
