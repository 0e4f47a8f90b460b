/* hall-case.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-model"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "hall-case.h"
#include "hall-case-private.h"
#include "hall-error.h"
#include "hall-json.h"

struct _HallCase
{
  GObject parent_instance;

  char *uuid;
  char *number;
  char *service_id;
  char *service_name;
  char *applicant_uuid;
  char *applicant_name;
  HallCaseState state;
  gint64 created_at;
  gint64 promised_at;
  gint64 updated_at;
  char *counter;
  char *official;
  char *recorded_by;
  gint64 recorded_at;
  gint64 version;
  HallSyncState sync_state;
  char *sync_error;
  JsonArray *checklist;
};

G_DEFINE_FINAL_TYPE (HallCase, hall_case, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HallCaseState, hall_case_state,
                    G_DEFINE_ENUM_VALUE (HALL_CASE_RECEIVED, "received"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_IN_REVIEW, "in_review"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_RETURNED, "returned"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_APPROVED, "approved"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_REJECTED, "rejected"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_COMPLETED, "completed"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_WITHDRAWN, "withdrawn"))

G_DEFINE_ENUM_TYPE (HallSyncState, hall_sync_state,
                    G_DEFINE_ENUM_VALUE (HALL_SYNC_PENDING, "pending"),
                    G_DEFINE_ENUM_VALUE (HALL_SYNC_SYNCED, "synced"),
                    G_DEFINE_ENUM_VALUE (HALL_SYNC_REJECTED, "rejected"),
                    G_DEFINE_ENUM_VALUE (HALL_SYNC_CONFLICT, "conflict"))

enum
{
  PROP_0,
  PROP_UUID,
  PROP_NUMBER,
  PROP_SERVICE_ID,
  PROP_SERVICE_NAME,
  PROP_APPLICANT_UUID,
  PROP_APPLICANT_NAME,
  PROP_STATE,
  PROP_CREATED_AT,
  PROP_PROMISED_AT,
  PROP_UPDATED_AT,
  PROP_COUNTER,
  PROP_OFFICIAL,
  PROP_RECORDED_BY,
  PROP_RECORDED_AT,
  PROP_VERSION,
  PROP_SYNC_STATE,
  PROP_SYNC_ERROR,
  PROP_CHECKLIST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Notifies only on a real change, so bound views do not redraw for nothing. */
static void
set_string (HallCase   *self,
            char      **field,
            const char *value,
            int         prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int64 (HallCase *self,
           gint64   *field,
           gint64    value,
           int       prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* A fresh array of {"id", "provided"} objects: the case never shares its
 * checklist with a JSON tree someone else may change. Items without a
 * string "id" are dropped. */
static JsonArray *
copy_checklist (JsonArray *checklist)
{
  JsonArray *copy = json_array_new ();
  guint i;

  for (i = 0; checklist != NULL && i < json_array_get_length (checklist); i++)
    {
      JsonNode *item = json_array_get_element (checklist, i);
      JsonObject *object;
      JsonObject *item_copy;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      object = json_node_get_object (item);
      id = json_object_get_string_member_with_default (object, "id", NULL);
      if (id == NULL)
        continue;
      item_copy = json_object_new ();
      json_object_set_string_member (item_copy, "id", id);
      json_object_set_boolean_member (
        item_copy, "provided",
        json_object_get_boolean_member_with_default (object, "provided", FALSE));
      json_array_add_object_element (copy, item_copy);
    }
  return copy;
}

static void
hall_case_constructed (GObject *object)
{
  HallCase *self = HALL_CASE (object);

  G_OBJECT_CLASS (hall_case_parent_class)->constructed (object);

  if (self->uuid == NULL)
    self->uuid = g_uuid_string_random ();
  if (self->created_at == 0)
    self->created_at = g_get_real_time () / G_USEC_PER_SEC;
  if (self->updated_at == 0)
    self->updated_at = self->created_at;
}

static void
hall_case_finalize (GObject *object)
{
  HallCase *self = HALL_CASE (object);

  g_free (self->uuid);
  g_free (self->number);
  g_free (self->service_id);
  g_free (self->service_name);
  g_free (self->applicant_uuid);
  g_free (self->applicant_name);
  g_free (self->counter);
  g_free (self->official);
  g_free (self->recorded_by);
  g_free (self->sync_error);
  g_clear_pointer (&self->checklist, json_array_unref);

  G_OBJECT_CLASS (hall_case_parent_class)->finalize (object);
}

static void
hall_case_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HallCase *self = HALL_CASE (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_NUMBER:
      g_value_set_string (value, self->number);
      break;
    case PROP_SERVICE_ID:
      g_value_set_string (value, self->service_id);
      break;
    case PROP_SERVICE_NAME:
      g_value_set_string (value, self->service_name);
      break;
    case PROP_APPLICANT_UUID:
      g_value_set_string (value, self->applicant_uuid);
      break;
    case PROP_APPLICANT_NAME:
      g_value_set_string (value, self->applicant_name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_PROMISED_AT:
      g_value_set_int64 (value, self->promised_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;
    case PROP_COUNTER:
      g_value_set_string (value, self->counter);
      break;
    case PROP_OFFICIAL:
      g_value_set_string (value, self->official);
      break;
    case PROP_RECORDED_BY:
      g_value_set_string (value, self->recorded_by);
      break;
    case PROP_RECORDED_AT:
      g_value_set_int64 (value, self->recorded_at);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_SYNC_STATE:
      g_value_set_enum (value, self->sync_state);
      break;
    case PROP_SYNC_ERROR:
      g_value_set_string (value, self->sync_error);
      break;
    case PROP_CHECKLIST:
      g_value_set_boxed (value, self->checklist);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HallCase *self = HALL_CASE (object);

  switch (prop_id)
    {
    case PROP_UUID:
      hall_case_set_uuid (self, g_value_get_string (value));
      break;
    case PROP_NUMBER:
      hall_case_set_number (self, g_value_get_string (value));
      break;
    case PROP_SERVICE_ID:
      hall_case_set_service_id (self, g_value_get_string (value));
      break;
    case PROP_SERVICE_NAME:
      hall_case_set_service_name (self, g_value_get_string (value));
      break;
    case PROP_APPLICANT_UUID:
      hall_case_set_applicant_uuid (self, g_value_get_string (value));
      break;
    case PROP_APPLICANT_NAME:
      hall_case_set_applicant_name (self, g_value_get_string (value));
      break;
    case PROP_STATE:
      hall_case_set_state (self, g_value_get_enum (value));
      break;
    case PROP_CREATED_AT:
      hall_case_set_created_at (self, g_value_get_int64 (value));
      break;
    case PROP_PROMISED_AT:
      hall_case_set_promised_at (self, g_value_get_int64 (value));
      break;
    case PROP_UPDATED_AT:
      hall_case_set_updated_at (self, g_value_get_int64 (value));
      break;
    case PROP_COUNTER:
      hall_case_set_counter (self, g_value_get_string (value));
      break;
    case PROP_OFFICIAL:
      hall_case_set_official (self, g_value_get_string (value));
      break;
    case PROP_RECORDED_BY:
      hall_case_set_recorded_by (self, g_value_get_string (value));
      break;
    case PROP_RECORDED_AT:
      hall_case_set_recorded_at (self, g_value_get_int64 (value));
      break;
    case PROP_VERSION:
      hall_case_set_version (self, g_value_get_int64 (value));
      break;
    case PROP_SYNC_STATE:
      hall_case_set_sync_state (self, g_value_get_enum (value));
      break;
    case PROP_SYNC_ERROR:
      hall_case_set_sync_error (self, g_value_get_string (value));
      break;
    case PROP_CHECKLIST:
      hall_case_set_checklist (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_class_init (HallCaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = hall_case_constructed;
  object_class->finalize = hall_case_finalize;
  object_class->get_property = hall_case_get_property;
  object_class->set_property = hall_case_set_property;

  /* Construct: set before constructed () would make up a random one. */
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL,
                                               flags | G_PARAM_CONSTRUCT);
  properties[PROP_NUMBER] = g_param_spec_string ("number", NULL, NULL, NULL, flags);
  properties[PROP_SERVICE_ID] = g_param_spec_string ("service-id", NULL, NULL, NULL, flags);
  properties[PROP_SERVICE_NAME] = g_param_spec_string ("service-name", NULL, NULL, NULL, flags);
  properties[PROP_APPLICANT_UUID]
    = g_param_spec_string ("applicant-uuid", NULL, NULL, NULL, flags);
  properties[PROP_APPLICANT_NAME]
    = g_param_spec_string ("applicant-name", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HALL_TYPE_CASE_STATE,
                                              HALL_CASE_RECEIVED, flags);
  properties[PROP_CREATED_AT]
    = g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PROMISED_AT]
    = g_param_spec_int64 ("promised-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UPDATED_AT]
    = g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_COUNTER] = g_param_spec_string ("counter", NULL, NULL, NULL, flags);
  properties[PROP_OFFICIAL] = g_param_spec_string ("official", NULL, NULL, NULL, flags);
  properties[PROP_RECORDED_BY] = g_param_spec_string ("recorded-by", NULL, NULL, NULL, flags);
  properties[PROP_RECORDED_AT]
    = g_param_spec_int64 ("recorded-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_VERSION]
    = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SYNC_STATE] = g_param_spec_enum ("sync-state", NULL, NULL,
                                                   HALL_TYPE_SYNC_STATE, HALL_SYNC_PENDING,
                                                   flags);
  properties[PROP_SYNC_ERROR] = g_param_spec_string ("sync-error", NULL, NULL, NULL, flags);
  properties[PROP_CHECKLIST]
    = g_param_spec_boxed ("checklist", NULL, NULL, JSON_TYPE_ARRAY, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hall_case_init (HallCase *self)
{
  self->checklist = json_array_new ();
}

HallCase *
hall_case_new (void)
{
  return g_object_new (HALL_TYPE_CASE, NULL);
}

const char *
hall_case_get_uuid (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->uuid;
}

void
hall_case_set_uuid (HallCase   *self,
                    const char *uuid)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->uuid, uuid, PROP_UUID);
}

const char *
hall_case_get_number (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->number;
}

void
hall_case_set_number (HallCase   *self,
                      const char *number)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->number, number, PROP_NUMBER);
}

const char *
hall_case_get_service_id (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->service_id;
}

void
hall_case_set_service_id (HallCase   *self,
                          const char *service_id)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->service_id, service_id, PROP_SERVICE_ID);
}

const char *
hall_case_get_service_name (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->service_name;
}

void
hall_case_set_service_name (HallCase   *self,
                            const char *service_name)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->service_name, service_name, PROP_SERVICE_NAME);
}

const char *
hall_case_get_applicant_uuid (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->applicant_uuid;
}

void
hall_case_set_applicant_uuid (HallCase   *self,
                              const char *applicant_uuid)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->applicant_uuid, applicant_uuid, PROP_APPLICANT_UUID);
}

const char *
hall_case_get_applicant_name (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->applicant_name;
}

void
hall_case_set_applicant_name (HallCase   *self,
                              const char *applicant_name)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->applicant_name, applicant_name, PROP_APPLICANT_NAME);
}

HallCaseState
hall_case_get_state (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), HALL_CASE_RECEIVED);
  return self->state;
}

void
hall_case_set_state (HallCase      *self,
                     HallCaseState  state)
{
  g_return_if_fail (HALL_IS_CASE (self));
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

gint64
hall_case_get_created_at (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), 0);
  return self->created_at;
}

void
hall_case_set_created_at (HallCase *self,
                          gint64    created_at)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_int64 (self, &self->created_at, created_at, PROP_CREATED_AT);
}

gint64
hall_case_get_promised_at (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), 0);
  return self->promised_at;
}

void
hall_case_set_promised_at (HallCase *self,
                           gint64    promised_at)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_int64 (self, &self->promised_at, promised_at, PROP_PROMISED_AT);
}

gint64
hall_case_get_updated_at (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), 0);
  return self->updated_at;
}

void
hall_case_set_updated_at (HallCase *self,
                          gint64    updated_at)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_int64 (self, &self->updated_at, updated_at, PROP_UPDATED_AT);
}

const char *
hall_case_get_counter (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->counter;
}

void
hall_case_set_counter (HallCase   *self,
                       const char *counter)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->counter, counter, PROP_COUNTER);
}

const char *
hall_case_get_official (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->official;
}

void
hall_case_set_official (HallCase   *self,
                        const char *official)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->official, official, PROP_OFFICIAL);
}

const char *
hall_case_get_recorded_by (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->recorded_by;
}

void
hall_case_set_recorded_by (HallCase   *self,
                           const char *recorded_by)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->recorded_by, recorded_by, PROP_RECORDED_BY);
}

gint64
hall_case_get_recorded_at (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), 0);
  return self->recorded_at;
}

void
hall_case_set_recorded_at (HallCase *self,
                           gint64    recorded_at)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_int64 (self, &self->recorded_at, recorded_at, PROP_RECORDED_AT);
}

gint64
hall_case_get_version (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), 0);
  return self->version;
}

void
hall_case_set_version (HallCase *self,
                       gint64    version)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_int64 (self, &self->version, version, PROP_VERSION);
}

HallSyncState
hall_case_get_sync_state (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), HALL_SYNC_PENDING);
  return self->sync_state;
}

void
hall_case_set_sync_state (HallCase      *self,
                          HallSyncState  sync_state)
{
  g_return_if_fail (HALL_IS_CASE (self));
  if (self->sync_state == sync_state)
    return;
  self->sync_state = sync_state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_STATE]);
}

const char *
hall_case_get_sync_error (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->sync_error;
}

void
hall_case_set_sync_error (HallCase   *self,
                          const char *sync_error)
{
  g_return_if_fail (HALL_IS_CASE (self));
  set_string (self, &self->sync_error, sync_error, PROP_SYNC_ERROR);
}

JsonArray *
hall_case_get_checklist (HallCase *self)
{
  g_return_val_if_fail (HALL_IS_CASE (self), NULL);
  return self->checklist;
}

int
hall_checklist_find (JsonArray  *checklist,
                     const char *id)
{
  for (guint i = 0; checklist != NULL && id != NULL && i < json_array_get_length (checklist); i++)
    {
      JsonNode *element = json_array_get_element (checklist, i);

      if (JSON_NODE_HOLDS_OBJECT (element)
          && g_strcmp0 (json_object_get_string_member_with_default (
                          json_node_get_object (element), "id", NULL), id) == 0)
        return (int) i;
    }
  return -1;
}

JsonObject *
hall_checklist_get_item (JsonArray  *checklist,
                         const char *id)
{
  int i = hall_checklist_find (checklist, id);

  return i < 0 ? NULL : json_array_get_object_element (checklist, (guint) i);
}

gboolean
hall_checklist_is_provided (JsonArray  *checklist,
                            const char *id)
{
  JsonObject *item = hall_checklist_get_item (checklist, id);

  return item != NULL && json_object_get_boolean_member_with_default (item, "provided", FALSE);
}

void
hall_case_set_checklist (HallCase  *self,
                         JsonArray *checklist)
{
  g_return_if_fail (HALL_IS_CASE (self));
  if (self->checklist == checklist)
    return;
  g_clear_pointer (&self->checklist, json_array_unref);
  self->checklist = checklist != NULL ? json_array_ref (checklist) : json_array_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKLIST]);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_timestamp (JsonBuilder *builder,
               const char  *member,
               gint64       value)
{
  g_autofree char *iso8601 = NULL;

  if (value == 0)
    return;
  iso8601 = hall_timestamp_to_iso8601 (value);
  add_string (builder, member, iso8601);
}

JsonNode *
hall_case_to_json (HallCase *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *checklist;

  g_return_val_if_fail (HALL_IS_CASE (self), NULL);

  json_builder_begin_object (builder);
  add_string (builder, "uuid", self->uuid);
  add_string (builder, "number", self->number);
  add_string (builder, "service", self->service_id);
  add_string (builder, "applicant", self->applicant_uuid);
  add_string (builder, "state", hall_case_state_to_string (self->state));
  add_timestamp (builder, "created_at", self->created_at);
  add_timestamp (builder, "promised_at", self->promised_at);
  add_timestamp (builder, "updated_at", self->updated_at);
  add_string (builder, "counter", self->counter);
  add_string (builder, "official", self->official);
  add_string (builder, "recorded_by", self->recorded_by);
  add_timestamp (builder, "recorded_at", self->recorded_at);

  checklist = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (checklist, copy_checklist (self->checklist));
  json_builder_set_member_name (builder, "checklist");
  json_builder_add_value (builder, checklist);

  if (self->version > 0)
    {
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, self->version);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
read_checklist (JsonObject  *object,
                JsonArray  **checklist,
                const char **field_out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, "checklist");
  JsonArray *array;
  guint i;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);
  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *item_object;
      JsonNode *id;
      JsonNode *provided;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        goto bad;
      item_object = json_node_get_object (item);
      id = json_object_get_member (item_object, "id");
      provided = json_object_get_member (item_object, "provided");
      if (id == NULL || !JSON_NODE_HOLDS_VALUE (id)
          || json_node_get_value_type (id) != G_TYPE_STRING
          || g_utf8_strlen (json_node_get_string (id), -1) > HALL_JSON_MAX_CHARS
          || provided == NULL || !JSON_NODE_HOLDS_VALUE (provided)
          || json_node_get_value_type (provided) != G_TYPE_BOOLEAN)
        goto bad;
    }
  *checklist = copy_checklist (array);
  return TRUE;

bad:
  if (field_out != NULL)
    *field_out = "checklist";
  g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("The field “checklist” must be an array of objects with a string "
                         "“id” and a true or false “provided”"));
  return FALSE;
}

HallCase *
hall_case_new_from_json (JsonNode    *node,
                         const char **field_out,
                         GError     **error)
{
  g_autoptr(JsonArray) checklist = NULL;
  JsonObject *object;
  const char *uuid = NULL;
  const char *number = NULL;
  const char *service = NULL;
  const char *applicant = NULL;
  const char *counter = NULL;
  const char *official = NULL;
  const char *recorded_by = NULL;
  int state = HALL_CASE_RECEIVED;
  gint64 recorded_at = 0;
  gint64 created_at = 0;
  gint64 promised_at = 0;
  gint64 updated_at = 0;
  gint64 version = 0;
  HallCase *self;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = hall_json_expect_object (node, _("case"), error);
  if (object == NULL)
    return NULL;

  if (!hall_json_read_uuid (object, "uuid", FALSE, &uuid, field_out, error)
      || !hall_json_read_string (object, "number", FALSE, HALL_JSON_MAX_CHARS, &number,
                                 field_out, error)
      || !hall_json_read_string (object, "service", TRUE, HALL_JSON_MAX_CHARS, &service,
                                 field_out, error)
      || !hall_json_read_uuid (object, "applicant", TRUE, &applicant, field_out, error)
      || !hall_json_read_enum (object, "state", TRUE, HALL_TYPE_CASE_STATE, &state, field_out,
                               error)
      || !hall_json_read_timestamp (object, "created_at", FALSE, &created_at, field_out, error)
      || !hall_json_read_timestamp (object, "promised_at", FALSE, &promised_at, field_out,
                                    error)
      || !hall_json_read_timestamp (object, "updated_at", FALSE, &updated_at, field_out, error)
      || !hall_json_read_string (object, "counter", FALSE, HALL_JSON_MAX_CHARS, &counter,
                                 field_out, error)
      || !hall_json_read_string (object, "official", FALSE, HALL_JSON_MAX_CHARS, &official,
                                 field_out, error)
      || !hall_json_read_string (object, "recorded_by", FALSE, HALL_JSON_MAX_CHARS,
                                 &recorded_by, field_out, error)
      || !hall_json_read_timestamp (object, "recorded_at", FALSE, &recorded_at, field_out,
                                    error)
      || !read_checklist (object, &checklist, field_out, error)
      || !hall_json_read_int (object, "version", FALSE, 0, &version, field_out, error))
    return NULL;

  if (*service == '\0')
    {
      if (field_out != NULL)
        *field_out = "service";
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("The field “service” must name a service of the catalog"));
      return NULL;
    }

  /* Properties given to g_object_new() are set after constructed(): its
   * defaults would be overwritten with the zeros of absent members. */
  if (created_at == 0)
    created_at = g_get_real_time () / G_USEC_PER_SEC;
  if (updated_at == 0)
    updated_at = created_at;

  self = g_object_new (HALL_TYPE_CASE,
                       "uuid", uuid,
                       "number", number,
                       "service-id", service,
                       "applicant-uuid", applicant,
                       "state", state,
                       "created-at", created_at,
                       "promised-at", promised_at,
                       "updated-at", updated_at,
                       "counter", counter,
                       "official", official,
                       "recorded-by", recorded_by,
                       "recorded-at", recorded_at,
                       "version", version,
                       "checklist", checklist,
                       NULL);
  return self;
}

const char *
hall_case_state_to_string (HallCaseState state)
{
  return hall_enum_to_nick (HALL_TYPE_CASE_STATE, state);
}

gboolean
hall_case_state_from_string (const char    *str,
                             HallCaseState *state)
{
  int value;

  if (!hall_enum_from_nick (HALL_TYPE_CASE_STATE, str, &value))
    return FALSE;
  if (state != NULL)
    *state = value;
  return TRUE;
}

const char *
hall_case_state_get_label (HallCaseState state)
{
  switch (state)
    {
    case HALL_CASE_RECEIVED:
      return _("Received");
    case HALL_CASE_IN_REVIEW:
      return _("In review");
    case HALL_CASE_RETURNED:
      return _("Returned for more");
    case HALL_CASE_APPROVED:
      return _("Approved");
    case HALL_CASE_REJECTED:
      return _("Rejected");
    case HALL_CASE_COMPLETED:
      return _("Completed");
    case HALL_CASE_WITHDRAWN:
      return _("Withdrawn");
    default:
      return NULL;
    }
}

gboolean
hall_case_state_can_move_to (HallCaseState from,
                             HallCaseState to)
{
  switch (from)
    {
    case HALL_CASE_RECEIVED:
      return to == HALL_CASE_IN_REVIEW || to == HALL_CASE_RETURNED || to == HALL_CASE_REJECTED
             || to == HALL_CASE_WITHDRAWN;
    case HALL_CASE_IN_REVIEW:
      return to == HALL_CASE_APPROVED || to == HALL_CASE_RETURNED || to == HALL_CASE_REJECTED
             || to == HALL_CASE_WITHDRAWN;
    case HALL_CASE_RETURNED:
      return to == HALL_CASE_RECEIVED || to == HALL_CASE_IN_REVIEW || to == HALL_CASE_WITHDRAWN;
    case HALL_CASE_APPROVED:
      return to == HALL_CASE_COMPLETED;
    case HALL_CASE_REJECTED:
    case HALL_CASE_COMPLETED:
    case HALL_CASE_WITHDRAWN:
    default:
      return FALSE;
    }
}

gboolean
hall_case_state_check_move (HallCaseState   from,
                            HallCaseState   to,
                            GError        **error)
{
  if (hall_case_state_can_move_to (from, to))
    return TRUE;
  g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
               /* Translators: both are states of a case, "Approved" and "Received" */
               _("A case that is “%s” cannot become “%s”"),
               hall_case_state_get_label (from), hall_case_state_get_label (to));
  return FALSE;
}

static gboolean
fail (const char  *field,
      const char **field_out,
      GError     **error,
      const char  *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (const char  *field,
      const char **field_out,
      GError     **error,
      const char  *format,
      ...)
{
  va_list args;

  if (field_out != NULL)
    *field_out = field;
  if (error != NULL)
    {
      va_start (args, format);
      *error = g_error_new_valist (HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID, format,
                                   args);
      va_end (args);
    }
  return FALSE;
}

/* Stops at the first id that is unknown or repeated: a list of any length
 * costs at most one look more than the service has documents. */
static gboolean
check_checklist (HallCase     *self,
                 HallService  *service,
                 const char  **field_out,
                 GError      **error)
{
  guint n_documents = hall_service_get_n_documents (service);
  guint n = json_array_get_length (self->checklist);

  for (guint i = 0; i < n; i++)
    {
      const char *id = json_object_get_string_member (
        json_array_get_object_element (self->checklist, i), "id");
      gboolean known = FALSE;

      for (guint j = 0; j < n_documents && !known; j++)
        known = g_str_equal (hall_service_get_document (service, j)->id, id);
      if (!known)
        return fail ("checklist", field_out, error,
                     _("“%s” is not a document that service “%s” asks for"), id,
                     hall_service_get_id (service));
      for (guint j = 0; j < i; j++)
        if (g_str_equal (json_object_get_string_member (
                           json_array_get_object_element (self->checklist, j), "id"), id))
          return fail ("checklist", field_out, error,
                       _("The checklist names the document “%s” twice"), id);
    }
  return TRUE;
}

static gboolean
check_promised_at (HallCase     *self,
                   HallService  *service,
                   const char  **field_out,
                   GError      **error)
{
  gint64 promised_at = hall_service_get_promised_at (service, self->created_at);
  g_autofree char *expected = NULL;

  if (self->promised_at == 0 || self->promised_at == promised_at)
    return TRUE;
  expected = hall_timestamp_to_iso8601 (promised_at);
  return fail ("promised_at", field_out, error,
               _("The promised time must be %s: the time of intake plus the %u minutes that "
                 "service “%s” promises"),
               expected, hall_service_get_promised_minutes (service),
               hall_service_get_id (service));
}

/* Letters and digits: the hall code and the counter become parts of case
 * numbers, which are split at dashes. */
static gboolean
is_code (const char *code)
{
  if (*code == '\0' || strlen (code) > 16)
    return FALSE;
  for (const char *p = code; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

static gboolean
is_digits (const char *text,
           gsize       min_length,
           gsize       max_length)
{
  gsize length = strlen (text);

  if (length < min_length || length > max_length)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static int
utc_year (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  return dt != NULL ? g_date_time_get_year (dt) : 0;
}

/* HALL-YEAR-COUNTER-SEQUENCE, as the counter's store hands them out. */
static gboolean
check_number (HallCase     *self,
              const char  **field_out,
              GError      **error)
{
  g_auto(GStrv) parts = NULL;
  int year;

  if (self->number == NULL)
    return TRUE;
  parts = g_strsplit (self->number, "-", 5);
  if (g_strv_length (parts) != 4 || !is_code (parts[0]) || !is_digits (parts[1], 4, 4)
      || !is_code (parts[2]) || !is_digits (parts[3], 1, 18))
    return fail ("number", field_out, error,
                 _("The case number “%s” is not of the form HALL-YEAR-COUNTER-SEQUENCE, "
                   "e.g. YC-2026-C03-000123"),
                 self->number);
  if (g_strcmp0 (parts[2], self->counter) != 0)
    return fail ("number", field_out, error,
                 _("The case number “%s” is one of counter “%s”, not of the case’s counter "
                   "“%s”"),
                 self->number, parts[2], self->counter != NULL ? self->counter : "");
  /* The counter numbers by its local year: it may be a day off UTC's. */
  year = atoi (parts[1]);
  if (year < utc_year (self->created_at - 14 * 3600)
      || year > utc_year (self->created_at + 14 * 3600))
    {
      g_autofree char *created_at = hall_timestamp_to_iso8601 (self->created_at);

      return fail ("number", field_out, error,
                   _("The case number “%s” is of the year %s, but the case was taken in at %s"),
                   self->number, parts[1], created_at);
    }
  return TRUE;
}

gboolean
hall_case_check_for_service (HallCase     *self,
                             HallService  *service,
                             const char  **field_out,
                             GError      **error)
{
  g_return_val_if_fail (HALL_IS_CASE (self), FALSE);
  g_return_val_if_fail (HALL_IS_SERVICE (service), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return check_checklist (self, service, field_out, error)
         && check_promised_at (self, service, field_out, error)
         && check_number (self, field_out, error);
}

const char *
hall_case_state_role_needed (HallService   *service,
                             HallCaseState  from,
                             HallCaseState  to)
{
  gboolean decision = from == HALL_CASE_IN_REVIEW
                      && (to == HALL_CASE_APPROVED || to == HALL_CASE_REJECTED
                          || to == HALL_CASE_RETURNED);
  guint n;
  const char *first;

  g_return_val_if_fail (HALL_IS_SERVICE (service), NULL);

  n = hall_service_get_n_steps (service);
  if (n == 0)
    return "counter_official";
  first = hall_service_get_step (service, 0)->role;
  if (!decision)
    return first;
  for (guint i = n; i-- > 0;)
    if (!g_str_equal (hall_service_get_step (service, i)->role, first))
      return hall_service_get_step (service, i)->role;
  return first;
}

const char *
hall_sync_state_to_string (HallSyncState sync_state)
{
  return hall_enum_to_nick (HALL_TYPE_SYNC_STATE, sync_state);
}

gboolean
hall_sync_state_from_string (const char    *str,
                             HallSyncState *sync_state)
{
  int value;

  if (!hall_enum_from_nick (HALL_TYPE_SYNC_STATE, str, &value))
    return FALSE;
  if (sync_state != NULL)
    *sync_state = value;
  return TRUE;
}

void
_hall_case_fill_placeholder (HallCase *self,
                             HallCase *source)
{
  g_return_if_fail (HALL_IS_CASE (self));
  g_return_if_fail (HALL_IS_CASE (source));

  /* Copied here, not taken over: @source was made on a worker, and its
   * strings kept by a case a view holds all day would pin pages of that
   * worker's malloc arena, which then never goes back to the system. */
  g_free (self->uuid);
  self->uuid = g_strdup (source->uuid);
  g_free (self->number);
  self->number = g_strdup (source->number);
  g_free (self->service_id);
  self->service_id = g_strdup (source->service_id);
  g_free (self->service_name);
  self->service_name = g_strdup (source->service_name);
  g_free (self->applicant_uuid);
  self->applicant_uuid = g_strdup (source->applicant_uuid);
  g_free (self->applicant_name);
  self->applicant_name = g_strdup (source->applicant_name);
  self->state = source->state;
  self->created_at = source->created_at;
  self->promised_at = source->promised_at;
  self->updated_at = source->updated_at;
  g_free (self->counter);
  self->counter = g_strdup (source->counter);
  g_free (self->official);
  self->official = g_strdup (source->official);
  g_free (self->recorded_by);
  self->recorded_by = g_strdup (source->recorded_by);
  self->recorded_at = source->recorded_at;
  self->version = source->version;
  self->sync_state = source->sync_state;
  g_free (self->sync_error);
  self->sync_error = g_strdup (source->sync_error);
  g_clear_pointer (&self->checklist, json_array_unref);
  self->checklist = source->checklist != NULL ? json_array_ref (source->checklist) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UUID]);
}
