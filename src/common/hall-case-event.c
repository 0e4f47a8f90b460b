/* hall-case-event.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-model"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-case-event.h"
#include "hall-error.h"
#include "hall-json.h"

struct _HallCaseEvent
{
  GObject parent_instance;

  char *uuid;
  char *case_uuid;
  HallCaseEventKind kind;
  HallCaseState new_state;
  char *note;
  char *official;
  gint64 at;
  char *recorded_by;
  gint64 recorded_at;
};

G_DEFINE_FINAL_TYPE (HallCaseEvent, hall_case_event, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HallCaseEventKind, hall_case_event_kind,
                    G_DEFINE_ENUM_VALUE (HALL_CASE_EVENT_CREATED, "created"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_EVENT_STATE, "state"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_EVENT_NOTE, "note"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_EVENT_DOCUMENT, "document"))

enum
{
  PROP_0,
  PROP_UUID,
  PROP_CASE_UUID,
  PROP_KIND,
  PROP_NEW_STATE,
  PROP_NOTE,
  PROP_OFFICIAL,
  PROP_AT,
  PROP_RECORDED_BY,
  PROP_RECORDED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Notifies only on a real change, so bound views do not redraw for nothing. */
static void
set_string (HallCaseEvent *self,
            char         **field,
            const char    *value,
            int            prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
hall_case_event_constructed (GObject *object)
{
  HallCaseEvent *self = HALL_CASE_EVENT (object);

  G_OBJECT_CLASS (hall_case_event_parent_class)->constructed (object);

  if (self->uuid == NULL)
    self->uuid = g_uuid_string_random ();
  if (self->at == 0)
    self->at = g_get_real_time () / G_USEC_PER_SEC;
}

static void
hall_case_event_finalize (GObject *object)
{
  HallCaseEvent *self = HALL_CASE_EVENT (object);

  g_free (self->uuid);
  g_free (self->case_uuid);
  g_free (self->note);
  g_free (self->official);
  g_free (self->recorded_by);

  G_OBJECT_CLASS (hall_case_event_parent_class)->finalize (object);
}

static void
hall_case_event_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HallCaseEvent *self = HALL_CASE_EVENT (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_CASE_UUID:
      g_value_set_string (value, self->case_uuid);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_NEW_STATE:
      g_value_set_enum (value, self->new_state);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    case PROP_OFFICIAL:
      g_value_set_string (value, self->official);
      break;
    case PROP_AT:
      g_value_set_int64 (value, self->at);
      break;
    case PROP_RECORDED_BY:
      g_value_set_string (value, self->recorded_by);
      break;
    case PROP_RECORDED_AT:
      g_value_set_int64 (value, self->recorded_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_event_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HallCaseEvent *self = HALL_CASE_EVENT (object);

  switch (prop_id)
    {
    case PROP_UUID:
      hall_case_event_set_uuid (self, g_value_get_string (value));
      break;
    case PROP_CASE_UUID:
      self->case_uuid = g_value_dup_string (value);
      break;
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_NEW_STATE:
      hall_case_event_set_new_state (self, g_value_get_enum (value));
      break;
    case PROP_NOTE:
      hall_case_event_set_note (self, g_value_get_string (value));
      break;
    case PROP_OFFICIAL:
      hall_case_event_set_official (self, g_value_get_string (value));
      break;
    case PROP_AT:
      hall_case_event_set_at (self, g_value_get_int64 (value));
      break;
    case PROP_RECORDED_BY:
      hall_case_event_set_recorded_by (self, g_value_get_string (value));
      break;
    case PROP_RECORDED_AT:
      hall_case_event_set_recorded_at (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_event_class_init (HallCaseEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct_flags
    = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = hall_case_event_constructed;
  object_class->finalize = hall_case_event_finalize;
  object_class->get_property = hall_case_event_get_property;
  object_class->set_property = hall_case_event_set_property;

  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, flags);
  properties[PROP_CASE_UUID] = g_param_spec_string ("case-uuid", NULL, NULL, NULL,
                                                    construct_flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, HALL_TYPE_CASE_EVENT_KIND,
                                             HALL_CASE_EVENT_CREATED, construct_flags);
  properties[PROP_NEW_STATE] = g_param_spec_enum ("new-state", NULL, NULL,
                                                  HALL_TYPE_CASE_STATE, HALL_CASE_RECEIVED,
                                                  flags);
  properties[PROP_NOTE] = g_param_spec_string ("note", NULL, NULL, NULL, flags);
  properties[PROP_OFFICIAL] = g_param_spec_string ("official", NULL, NULL, NULL, flags);
  properties[PROP_AT] = g_param_spec_int64 ("at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_RECORDED_BY] = g_param_spec_string ("recorded-by", NULL, NULL, NULL, flags);
  properties[PROP_RECORDED_AT]
    = g_param_spec_int64 ("recorded-at", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hall_case_event_init (HallCaseEvent *self)
{
}

HallCaseEvent *
hall_case_event_new (const char        *case_uuid,
                     HallCaseEventKind  kind)
{
  return g_object_new (HALL_TYPE_CASE_EVENT,
                       "case-uuid", case_uuid,
                       "kind", kind,
                       NULL);
}

const char *
hall_case_event_get_uuid (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->uuid;
}

void
hall_case_event_set_uuid (HallCaseEvent *self,
                          const char    *uuid)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  set_string (self, &self->uuid, uuid, PROP_UUID);
}

const char *
hall_case_event_get_case_uuid (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->case_uuid;
}

HallCaseEventKind
hall_case_event_get_kind (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), HALL_CASE_EVENT_CREATED);
  return self->kind;
}

HallCaseState
hall_case_event_get_new_state (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), HALL_CASE_RECEIVED);
  return self->new_state;
}

void
hall_case_event_set_new_state (HallCaseEvent *self,
                               HallCaseState  state)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  if (self->new_state == state)
    return;
  self->new_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEW_STATE]);
}

const char *
hall_case_event_get_note (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->note;
}

void
hall_case_event_set_note (HallCaseEvent *self,
                          const char    *note)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  set_string (self, &self->note, note, PROP_NOTE);
}

const char *
hall_case_event_get_official (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->official;
}

void
hall_case_event_set_official (HallCaseEvent *self,
                              const char    *official)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  set_string (self, &self->official, official, PROP_OFFICIAL);
}

gint64
hall_case_event_get_at (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), 0);
  return self->at;
}

void
hall_case_event_set_at (HallCaseEvent *self,
                        gint64         at)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  if (self->at == at)
    return;
  self->at = at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AT]);
}

const char *
hall_case_event_get_recorded_by (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->recorded_by;
}

void
hall_case_event_set_recorded_by (HallCaseEvent *self,
                                 const char    *recorded_by)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  set_string (self, &self->recorded_by, recorded_by, PROP_RECORDED_BY);
}

gint64
hall_case_event_get_recorded_at (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), 0);
  return self->recorded_at;
}

void
hall_case_event_set_recorded_at (HallCaseEvent *self,
                                 gint64         recorded_at)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  if (self->recorded_at == recorded_at)
    return;
  self->recorded_at = recorded_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDED_AT]);
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

JsonNode *
hall_case_event_to_json (HallCaseEvent *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *at = NULL;

  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);

  at = hall_timestamp_to_iso8601 (self->at);

  json_builder_begin_object (builder);
  add_string (builder, "uuid", self->uuid);
  add_string (builder, "case", self->case_uuid);
  add_string (builder, "kind", hall_case_event_kind_to_string (self->kind));
  if (self->kind == HALL_CASE_EVENT_STATE)
    add_string (builder, "state", hall_case_state_to_string (self->new_state));
  add_string (builder, "note", self->note);
  add_string (builder, "official", self->official);
  add_string (builder, "at", at);
  add_string (builder, "recorded_by", self->recorded_by);
  if (self->recorded_at != 0)
    {
      g_autofree char *recorded_at = hall_timestamp_to_iso8601 (self->recorded_at);

      add_string (builder, "recorded_at", recorded_at);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

HallCaseEvent *
hall_case_event_new_from_json (const char  *case_uuid,
                               JsonNode    *node,
                               const char **field_out,
                               GError     **error)
{
  JsonObject *object;
  const char *uuid = NULL;
  const char *body_case_uuid = NULL;
  const char *note = NULL;
  const char *official = NULL;
  const char *recorded_by = NULL;
  int kind = HALL_CASE_EVENT_CREATED;
  int new_state = HALL_CASE_RECEIVED;
  gint64 at = 0;
  gint64 recorded_at = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = hall_json_expect_object (node, _("case event"), error);
  if (object == NULL)
    return NULL;

  if (!hall_json_read_uuid (object, "uuid", TRUE, &uuid, field_out, error)
      || !hall_json_read_uuid (object, "case", case_uuid == NULL, &body_case_uuid, field_out,
                               error)
      || !hall_json_read_enum (object, "kind", TRUE, HALL_TYPE_CASE_EVENT_KIND, &kind,
                               field_out, error)
      || !hall_json_read_enum (object, "state", kind == HALL_CASE_EVENT_STATE,
                               HALL_TYPE_CASE_STATE, &new_state, field_out, error)
      || !hall_json_read_string (object, "note", FALSE, HALL_JSON_MAX_NOTE_CHARS, &note,
                                 field_out, error)
      || !hall_json_read_string (object, "official", FALSE, HALL_JSON_MAX_CHARS, &official,
                                 field_out, error)
      || !hall_json_read_timestamp (object, "at", FALSE, &at, field_out, error)
      || !hall_json_read_string (object, "recorded_by", FALSE, HALL_JSON_MAX_CHARS,
                                 &recorded_by, field_out, error)
      || !hall_json_read_timestamp (object, "recorded_at", FALSE, &recorded_at, field_out,
                                    error))
    return NULL;

  if (case_uuid != NULL && body_case_uuid != NULL
      && g_ascii_strcasecmp (case_uuid, body_case_uuid) != 0)
    {
      if (field_out != NULL)
        *field_out = "case";
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                           _("The field “case” names another case than the one the event "
                             "was sent to"));
      return NULL;
    }

  return g_object_new (HALL_TYPE_CASE_EVENT,
                       "uuid", uuid,
                       "case-uuid", case_uuid != NULL ? case_uuid : body_case_uuid,
                       "kind", kind,
                       "new-state", new_state,
                       "note", note,
                       "official", official,
                       "at", at,
                       "recorded-by", recorded_by,
                       "recorded-at", recorded_at,
                       NULL);
}

const char *
hall_case_event_kind_to_string (HallCaseEventKind kind)
{
  return hall_enum_to_nick (HALL_TYPE_CASE_EVENT_KIND, kind);
}

gboolean
hall_case_event_kind_from_string (const char        *str,
                                  HallCaseEventKind *kind)
{
  int value;

  if (!hall_enum_from_nick (HALL_TYPE_CASE_EVENT_KIND, str, &value))
    return FALSE;
  if (kind != NULL)
    *kind = value;
  return TRUE;
}
