/* hall-case-event.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-model"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-case-event.h"
#include "hall-error.h"
#include "hall-json.h"
#include "hall-signature.h"

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

  /* A document event's: the checklist's document it provides */
  char *slot;

  /* A decision's */
  char *step;
  HallDecision decision;
  JsonArray *reasons;
  char *content_hash;
  JsonArray *documents;
  char *signature;
  JsonNode *certificate;
  char *signer;   /* the certificate's official, read once */
};

G_DEFINE_FINAL_TYPE (HallCaseEvent, hall_case_event, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HallCaseEventKind, hall_case_event_kind,
                    G_DEFINE_ENUM_VALUE (HALL_CASE_EVENT_CREATED, "created"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_EVENT_STATE, "state"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_EVENT_NOTE, "note"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_EVENT_DOCUMENT, "document"),
                    G_DEFINE_ENUM_VALUE (HALL_CASE_EVENT_DECISION, "decision"))

G_DEFINE_ENUM_TYPE (HallDecision, hall_decision,
                    G_DEFINE_ENUM_VALUE (HALL_DECISION_APPROVE, "approve"),
                    G_DEFINE_ENUM_VALUE (HALL_DECISION_RETURN, "return"),
                    G_DEFINE_ENUM_VALUE (HALL_DECISION_REJECT, "reject"))

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
  g_free (self->slot);
  g_free (self->step);
  g_clear_pointer (&self->reasons, json_array_unref);
  g_free (self->content_hash);
  g_clear_pointer (&self->documents, json_array_unref);
  g_free (self->signature);
  g_clear_pointer (&self->certificate, json_node_unref);
  g_free (self->signer);

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

  /* Construct: set before constructed () would make up a random one. */
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL,
                                               flags | G_PARAM_CONSTRUCT);
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

const char *
hall_case_event_get_slot (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->slot;
}

void
hall_case_event_set_slot (HallCaseEvent *self,
                          const char    *slot)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  g_free (self->slot);
  self->slot = g_strdup (slot);
}

const char *
hall_case_event_get_step (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->step;
}

void
hall_case_event_set_step (HallCaseEvent *self,
                          const char    *step)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  g_free (self->step);
  self->step = g_strdup (step);
}

HallDecision
hall_case_event_get_decision (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), HALL_DECISION_APPROVE);
  return self->decision;
}

void
hall_case_event_set_decision (HallCaseEvent *self,
                              HallDecision   decision)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  self->decision = decision;
}

JsonArray *
hall_case_event_get_reasons (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->reasons;
}

void
hall_case_event_set_reasons (HallCaseEvent *self,
                             JsonArray     *reasons)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  if (reasons != NULL)
    json_array_ref (reasons);
  g_clear_pointer (&self->reasons, json_array_unref);
  self->reasons = reasons;
}

void
hall_case_event_add_reason (HallCaseEvent *self,
                            const char    *code,
                            const char    *text)
{
  JsonObject *reason;

  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  g_return_if_fail (code != NULL);

  if (self->reasons == NULL)
    self->reasons = json_array_new ();
  reason = json_object_new ();
  json_object_set_string_member (reason, "code", code);
  if (text != NULL)
    json_object_set_string_member (reason, "text", text);
  json_array_add_object_element (self->reasons, reason);
}

const char *
hall_case_event_get_content_hash (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->content_hash;
}

void
hall_case_event_set_content_hash (HallCaseEvent *self,
                                  const char    *content_hash)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  g_free (self->content_hash);
  self->content_hash = g_strdup (content_hash);
}

JsonArray *
hall_case_event_get_documents (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->documents;
}

void
hall_case_event_set_documents (HallCaseEvent *self,
                               JsonArray     *documents)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  if (documents != NULL)
    json_array_ref (documents);
  g_clear_pointer (&self->documents, json_array_unref);
  self->documents = documents;
}

const char *
hall_case_event_get_signature (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->signature;
}

void
hall_case_event_set_signature (HallCaseEvent *self,
                               const char    *signature)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  g_free (self->signature);
  self->signature = g_strdup (signature);
}

JsonNode *
hall_case_event_get_certificate (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);
  return self->certificate;
}

void
hall_case_event_set_certificate (HallCaseEvent *self,
                                 JsonNode      *certificate)
{
  g_return_if_fail (HALL_IS_CASE_EVENT (self));
  g_clear_pointer (&self->certificate, json_node_unref);
  g_clear_pointer (&self->signer, g_free);
  self->certificate = certificate != NULL ? json_node_copy (certificate) : NULL;
}

const char *
hall_case_event_get_decided_by (HallCaseEvent *self)
{
  g_return_val_if_fail (HALL_IS_CASE_EVENT (self), NULL);

  /* A signed decision is the signer's, whoever's session sent it. */
  if (self->certificate != NULL && JSON_NODE_HOLDS_VALUE (self->certificate)
      && json_node_get_value_type (self->certificate) == G_TYPE_STRING)
    {
      if (self->signer == NULL)
        {
          g_autoptr (HallCertificate) certificate = NULL;

          certificate = hall_certificate_new_from_base64 (json_node_get_string (self->certificate),
                                                          NULL);
          if (certificate != NULL)
            self->signer = g_strdup (certificate->official);
        }
      if (self->signer != NULL)
        return self->signer;
    }
  return self->recorded_by != NULL ? self->recorded_by : self->official;
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
add_decision (HallCaseEvent *self,
              JsonBuilder   *builder)
{
  add_string (builder, "step", self->step);
  add_string (builder, "decision", hall_decision_to_string (self->decision));
  json_builder_set_member_name (builder, "reasons");
  if (self->reasons != NULL)
    json_builder_add_value (builder, json_node_init_array (json_node_alloc (), self->reasons));
  else
    {
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
  add_string (builder, "content_hash", self->content_hash);
  json_builder_set_member_name (builder, "documents");
  if (self->documents != NULL)
    json_builder_add_value (builder,
                            json_node_init_array (json_node_alloc (), self->documents));
  else
    {
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
  add_string (builder, "signature", self->signature);
  if (self->certificate != NULL)
    {
      json_builder_set_member_name (builder, "certificate");
      json_builder_add_value (builder, json_node_copy (self->certificate));
    }
}

static gboolean
is_hex_digest (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static gboolean
decision_fail (const char  *member,
               const char **field_out,
               GError     **error,
               const char  *message)
{
  if (field_out != NULL)
    *field_out = member;
  g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID, message);
  return FALSE;
}

/* The members only a decision has, checked and copied onto @self. */
static gboolean
read_decision (HallCaseEvent  *self,
               JsonObject     *object,
               const char    **field_out,
               GError        **error)
{
  const char *step = NULL, *content_hash = NULL, *signature = NULL;
  int decision = HALL_DECISION_APPROVE;
  JsonNode *node;

  if (!hall_json_read_string (object, "step", TRUE, HALL_JSON_MAX_CHARS, &step, field_out,
                              error)
      || !hall_json_read_enum (object, "decision", TRUE, HALL_TYPE_DECISION, &decision,
                               field_out, error)
      || !hall_json_read_string (object, "content_hash", FALSE, 64, &content_hash, field_out,
                                 error)
      || !hall_json_read_string (object, "signature", FALSE, HALL_JSON_MAX_NOTE_CHARS,
                                 &signature, field_out, error))
    return FALSE;
  if (content_hash != NULL && !is_hex_digest (content_hash))
    return decision_fail ("content_hash", field_out, error,
                          _("The field “content_hash” must be a SHA-256 in lower-case hex"));

  node = json_object_get_member (object, "reasons");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *reasons;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return decision_fail ("reasons", field_out, error,
                              _("The field “reasons” must be an array of {\"code\", \"text\"}"));
      reasons = json_node_get_array (node);
      if (json_array_get_length (reasons) > 32)
        return decision_fail ("reasons", field_out, error,
                              _("A decision may give at most 32 reasons"));
      for (guint i = 0; i < json_array_get_length (reasons); i++)
        {
          JsonNode *element = json_array_get_element (reasons, i);
          JsonObject *reason;
          const char *code = NULL, *text = NULL;
          g_autoptr (GError) local_error = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            return decision_fail ("reasons", field_out, error,
                                  _("Each of the “reasons” must be an object with “code” and "
                                    "“text”"));
          reason = json_node_get_object (element);
          if (!hall_json_read_string (reason, "code", TRUE, HALL_JSON_MAX_CHARS, &code, NULL,
                                      &local_error)
              || !hall_json_read_string (reason, "text", FALSE, HALL_JSON_MAX_NOTE_CHARS, &text,
                                         NULL, &local_error))
            {
              if (field_out != NULL)
                *field_out = "reasons";
              g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                           _("Reason %u: %s"), i + 1, local_error->message);
              return FALSE;
            }
          if (g_str_equal (code, HALL_DECISION_REASON_OTHER) && (text == NULL || *text == '\0'))
            {
              if (field_out != NULL)
                *field_out = "reasons";
              g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("Reason %u: a reason in one’s own words (code “other”) needs "
                             "its text"), i + 1);
              return FALSE;
            }
        }
      hall_case_event_set_reasons (self, reasons);
    }

  node = json_object_get_member (object, "documents");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *documents;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return decision_fail ("documents", field_out, error,
                              _("The field “documents” must be an array of SHA-256s"));
      documents = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (documents); i++)
        {
          JsonNode *element = json_array_get_element (documents, i);

          if (!JSON_NODE_HOLDS_VALUE (element)
              || json_node_get_value_type (element) != G_TYPE_STRING
              || !is_hex_digest (json_node_get_string (element)))
            return decision_fail ("documents", field_out, error,
                                  _("Each of the “documents” must be a SHA-256 in lower-case "
                                    "hex"));
        }
      hall_case_event_set_documents (self, documents);
    }

  node = json_object_get_member (object, "certificate");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (node)
          && !(JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING))
        return decision_fail ("certificate", field_out, error,
                              _("The field “certificate” must be the official’s certificate "
                                "(an object or its text)"));
      hall_case_event_set_certificate (self, node);
    }

  hall_case_event_set_step (self, step);
  hall_case_event_set_decision (self, decision);
  hall_case_event_set_content_hash (self, content_hash);
  hall_case_event_set_signature (self, signature);
  return TRUE;
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
  if (self->kind == HALL_CASE_EVENT_DOCUMENT)
    add_string (builder, "slot", self->slot);
  if (self->kind == HALL_CASE_EVENT_DECISION)
    add_decision (self, builder);
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
  const char *slot = NULL;
  int kind = HALL_CASE_EVENT_CREATED;
  int new_state = HALL_CASE_RECEIVED;
  gint64 at = 0;
  gint64 recorded_at = 0;
  g_autoptr(HallCaseEvent) event = NULL;

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

  /* Only a document entry has one: on another kind it is ignored, as
   * other members this version does not know are (the server refuses it,
   * hall-server-request.c). */
  if (kind == HALL_CASE_EVENT_DOCUMENT
      && !hall_json_read_string (object, "slot", FALSE, 64, &slot, field_out, error))
    return NULL;
  if (slot != NULL && !hall_slot_id_is_valid (slot))
    {
      if (field_out != NULL)
        *field_out = "slot";
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("The field “slot” must be the id of a document of the case’s checklist, "
                     "not “%s”"), slot);
      return NULL;
    }

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

  event = g_object_new (HALL_TYPE_CASE_EVENT,
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
  hall_case_event_set_slot (event, slot);
  if (kind == HALL_CASE_EVENT_DECISION && !read_decision (event, object, field_out, error))
    return NULL;
  return g_steal_pointer (&event);
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

const char *
hall_decision_to_string (HallDecision decision)
{
  return hall_enum_to_nick (HALL_TYPE_DECISION, decision);
}

gboolean
hall_decision_from_string (const char   *str,
                           HallDecision *decision)
{
  int value;

  if (!hall_enum_from_nick (HALL_TYPE_DECISION, str, &value))
    return FALSE;
  if (decision != NULL)
    *decision = value;
  return TRUE;
}

const char *
hall_decision_get_label (HallDecision decision)
{
  switch (decision)
    {
    case HALL_DECISION_APPROVE:
      return _("Approved");
    case HALL_DECISION_RETURN:
      return _("Returned");
    case HALL_DECISION_REJECT:
      return _("Rejected");
    default:
      return "";
    }
}
