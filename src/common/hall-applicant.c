/* hall-applicant.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-model"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-applicant.h"
#include "hall-error.h"
#include "hall-json.h"
#include "hall-validate.h"

struct _HallApplicant
{
  GObject parent_instance;

  char *uuid;
  HallApplicantKind kind;
  char *name;
  HallIdType id_type;
  char *id_number;
  char *phone;
  char *credit_code;
  char *legal_representative;
  char *contact_person;
  gint64 version;
  gint64 created_at;
  gint64 updated_at;
};

G_DEFINE_FINAL_TYPE (HallApplicant, hall_applicant, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HallApplicantKind, hall_applicant_kind,
                    G_DEFINE_ENUM_VALUE (HALL_APPLICANT_PERSON, "person"),
                    G_DEFINE_ENUM_VALUE (HALL_APPLICANT_BUSINESS, "business"))

G_DEFINE_ENUM_TYPE (HallIdType, hall_id_type,
                    G_DEFINE_ENUM_VALUE (HALL_ID_TYPE_RESIDENT_ID, "resident_id"),
                    G_DEFINE_ENUM_VALUE (HALL_ID_TYPE_PASSPORT, "passport"),
                    G_DEFINE_ENUM_VALUE (HALL_ID_TYPE_HK_MACAU_PERMIT, "hk_macau_permit"),
                    G_DEFINE_ENUM_VALUE (HALL_ID_TYPE_TAIWAN_PERMIT, "taiwan_permit"),
                    G_DEFINE_ENUM_VALUE (HALL_ID_TYPE_FOREIGN_PERMANENT, "foreign_permanent"))

enum
{
  PROP_0,
  PROP_UUID,
  PROP_KIND,
  PROP_NAME,
  PROP_ID_TYPE,
  PROP_ID_NUMBER,
  PROP_PHONE,
  PROP_CREDIT_CODE,
  PROP_LEGAL_REPRESENTATIVE,
  PROP_CONTACT_PERSON,
  PROP_VERSION,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Replaces *field and notifies only when the value really changes, so views
 * bound to the property do not redraw for nothing. */
static void
set_string (HallApplicant *self,
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
set_int64 (HallApplicant *self,
           gint64        *field,
           gint64         value,
           int            prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
hall_applicant_constructed (GObject *object)
{
  HallApplicant *self = HALL_APPLICANT (object);

  G_OBJECT_CLASS (hall_applicant_parent_class)->constructed (object);

  if (self->uuid == NULL)
    self->uuid = g_uuid_string_random ();
  if (self->created_at == 0)
    self->created_at = g_get_real_time () / G_USEC_PER_SEC;
  if (self->updated_at == 0)
    self->updated_at = self->created_at;
}

static void
hall_applicant_finalize (GObject *object)
{
  HallApplicant *self = HALL_APPLICANT (object);

  g_free (self->uuid);
  g_free (self->name);
  g_free (self->id_number);
  g_free (self->phone);
  g_free (self->credit_code);
  g_free (self->legal_representative);
  g_free (self->contact_person);

  G_OBJECT_CLASS (hall_applicant_parent_class)->finalize (object);
}

static void
hall_applicant_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HallApplicant *self = HALL_APPLICANT (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ID_TYPE:
      g_value_set_enum (value, self->id_type);
      break;
    case PROP_ID_NUMBER:
      g_value_set_string (value, self->id_number);
      break;
    case PROP_PHONE:
      g_value_set_string (value, self->phone);
      break;
    case PROP_CREDIT_CODE:
      g_value_set_string (value, self->credit_code);
      break;
    case PROP_LEGAL_REPRESENTATIVE:
      g_value_set_string (value, self->legal_representative);
      break;
    case PROP_CONTACT_PERSON:
      g_value_set_string (value, self->contact_person);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_applicant_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HallApplicant *self = HALL_APPLICANT (object);

  switch (prop_id)
    {
    case PROP_UUID:
      hall_applicant_set_uuid (self, g_value_get_string (value));
      break;
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_NAME:
      hall_applicant_set_name (self, g_value_get_string (value));
      break;
    case PROP_ID_TYPE:
      hall_applicant_set_id_type (self, g_value_get_enum (value));
      break;
    case PROP_ID_NUMBER:
      hall_applicant_set_id_number (self, g_value_get_string (value));
      break;
    case PROP_PHONE:
      hall_applicant_set_phone (self, g_value_get_string (value));
      break;
    case PROP_CREDIT_CODE:
      hall_applicant_set_credit_code (self, g_value_get_string (value));
      break;
    case PROP_LEGAL_REPRESENTATIVE:
      hall_applicant_set_legal_representative (self, g_value_get_string (value));
      break;
    case PROP_CONTACT_PERSON:
      hall_applicant_set_contact_person (self, g_value_get_string (value));
      break;
    case PROP_VERSION:
      hall_applicant_set_version (self, g_value_get_int64 (value));
      break;
    case PROP_CREATED_AT:
      hall_applicant_set_created_at (self, g_value_get_int64 (value));
      break;
    case PROP_UPDATED_AT:
      hall_applicant_set_updated_at (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_applicant_class_init (HallApplicantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = hall_applicant_constructed;
  object_class->finalize = hall_applicant_finalize;
  object_class->get_property = hall_applicant_get_property;
  object_class->set_property = hall_applicant_set_property;

  /* Construct: set before constructed () would make up a random one. */
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL,
                                               flags | G_PARAM_CONSTRUCT);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, HALL_TYPE_APPLICANT_KIND,
                                             HALL_APPLICANT_PERSON,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                               | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_ID_TYPE] = g_param_spec_enum ("id-type", NULL, NULL, HALL_TYPE_ID_TYPE,
                                                HALL_ID_TYPE_RESIDENT_ID, flags);
  properties[PROP_ID_NUMBER] = g_param_spec_string ("id-number", NULL, NULL, NULL, flags);
  properties[PROP_PHONE] = g_param_spec_string ("phone", NULL, NULL, NULL, flags);
  properties[PROP_CREDIT_CODE] = g_param_spec_string ("credit-code", NULL, NULL, NULL, flags);
  properties[PROP_LEGAL_REPRESENTATIVE]
    = g_param_spec_string ("legal-representative", NULL, NULL, NULL, flags);
  properties[PROP_CONTACT_PERSON]
    = g_param_spec_string ("contact-person", NULL, NULL, NULL, flags);
  properties[PROP_VERSION]
    = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CREATED_AT]
    = g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UPDATED_AT]
    = g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hall_applicant_init (HallApplicant *self)
{
}

HallApplicant *
hall_applicant_new_person (const char *name,
                           HallIdType  id_type,
                           const char *id_number,
                           const char *phone)
{
  return g_object_new (HALL_TYPE_APPLICANT,
                       "kind", HALL_APPLICANT_PERSON,
                       "name", name,
                       "id-type", id_type,
                       "id-number", id_number,
                       "phone", phone,
                       NULL);
}

HallApplicant *
hall_applicant_new_business (const char *name,
                             const char *credit_code,
                             const char *legal_representative)
{
  return g_object_new (HALL_TYPE_APPLICANT,
                       "kind", HALL_APPLICANT_BUSINESS,
                       "name", name,
                       "credit-code", credit_code,
                       "legal-representative", legal_representative,
                       NULL);
}

const char *
hall_applicant_get_uuid (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), NULL);
  return self->uuid;
}

void
hall_applicant_set_uuid (HallApplicant *self,
                         const char    *uuid)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_string (self, &self->uuid, uuid, PROP_UUID);
}

HallApplicantKind
hall_applicant_get_kind (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), HALL_APPLICANT_PERSON);
  return self->kind;
}

const char *
hall_applicant_get_name (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), NULL);
  return self->name;
}

void
hall_applicant_set_name (HallApplicant *self,
                         const char    *name)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_string (self, &self->name, name, PROP_NAME);
}

HallIdType
hall_applicant_get_id_type (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), HALL_ID_TYPE_RESIDENT_ID);
  return self->id_type;
}

void
hall_applicant_set_id_type (HallApplicant *self,
                            HallIdType     id_type)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  if (self->id_type == id_type)
    return;
  self->id_type = id_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID_TYPE]);
}

const char *
hall_applicant_get_id_number (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), NULL);
  return self->id_number;
}

void
hall_applicant_set_id_number (HallApplicant *self,
                              const char    *id_number)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_string (self, &self->id_number, id_number, PROP_ID_NUMBER);
}

const char *
hall_applicant_get_phone (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), NULL);
  return self->phone;
}

void
hall_applicant_set_phone (HallApplicant *self,
                          const char    *phone)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_string (self, &self->phone, phone, PROP_PHONE);
}

const char *
hall_applicant_get_credit_code (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), NULL);
  return self->credit_code;
}

void
hall_applicant_set_credit_code (HallApplicant *self,
                                const char    *credit_code)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_string (self, &self->credit_code, credit_code, PROP_CREDIT_CODE);
}

const char *
hall_applicant_get_legal_representative (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), NULL);
  return self->legal_representative;
}

void
hall_applicant_set_legal_representative (HallApplicant *self,
                                         const char    *legal_representative)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_string (self, &self->legal_representative, legal_representative,
              PROP_LEGAL_REPRESENTATIVE);
}

const char *
hall_applicant_get_contact_person (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), NULL);
  return self->contact_person;
}

void
hall_applicant_set_contact_person (HallApplicant *self,
                                   const char    *contact_person)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_string (self, &self->contact_person, contact_person, PROP_CONTACT_PERSON);
}

gint64
hall_applicant_get_version (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), 0);
  return self->version;
}

void
hall_applicant_set_version (HallApplicant *self,
                            gint64         version)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_int64 (self, &self->version, version, PROP_VERSION);
}

gint64
hall_applicant_get_created_at (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), 0);
  return self->created_at;
}

void
hall_applicant_set_created_at (HallApplicant *self,
                               gint64         created_at)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_int64 (self, &self->created_at, created_at, PROP_CREATED_AT);
}

gint64
hall_applicant_get_updated_at (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), 0);
  return self->updated_at;
}

void
hall_applicant_set_updated_at (HallApplicant *self,
                               gint64         updated_at)
{
  g_return_if_fail (HALL_IS_APPLICANT (self));
  set_int64 (self, &self->updated_at, updated_at, PROP_UPDATED_AT);
}

const char *
hall_applicant_get_document_number (HallApplicant *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT (self), NULL);
  return self->kind == HALL_APPLICANT_BUSINESS ? self->credit_code : self->id_number;
}

static gboolean
validate_id_number (HallIdType  id_type,
                    const char *id_number,
                    GError    **error)
{
  switch (id_type)
    {
    case HALL_ID_TYPE_RESIDENT_ID:
      return hall_validate_resident_id (id_number, error);
    case HALL_ID_TYPE_PASSPORT:
      return hall_validate_passport (id_number, error);
    case HALL_ID_TYPE_HK_MACAU_PERMIT:
      return hall_validate_hk_macau_permit (id_number, error);
    case HALL_ID_TYPE_TAIWAN_PERMIT:
      return hall_validate_taiwan_permit (id_number, error);
    case HALL_ID_TYPE_FOREIGN_PERMANENT:
      return hall_validate_foreign_permanent (id_number, error);
    default:
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                           _("The kind of identity document is unknown"));
      return FALSE;
    }
}

/* NULL for text that is empty once trimmed, so an empty entry means "none". */
static char *
normalize_text (const char *text)
{
  char *copy;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

/* People type phone numbers in groups ("138 0013 8000"); the groups are not
 * part of the number. */
static char *
normalize_phone (const char *phone)
{
  g_autofree char *normalized = NULL;
  GString *out;
  const char *p;

  if (phone == NULL)
    return NULL;
  normalized = hall_normalize_document_number (phone);
  out = g_string_new (NULL);
  for (p = normalized; *p != '\0'; p++)
    if (*p != ' ')
      g_string_append_c (out, *p);
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static void
normalize_fields (HallApplicant *self)
{
  g_autofree char *name = normalize_text (self->name);
  g_autofree char *legal_representative = normalize_text (self->legal_representative);
  g_autofree char *contact_person = normalize_text (self->contact_person);
  g_autofree char *phone = normalize_phone (self->phone);
  g_autofree char *id_number = NULL;
  g_autofree char *credit_code = NULL;

  if (self->id_number != NULL)
    id_number = hall_normalize_document_number (self->id_number);
  if (self->credit_code != NULL)
    credit_code = hall_normalize_document_number (self->credit_code);

  hall_applicant_set_name (self, name);
  hall_applicant_set_legal_representative (self, legal_representative);
  hall_applicant_set_contact_person (self, contact_person);
  hall_applicant_set_phone (self, phone);
  hall_applicant_set_id_number (self, id_number);
  hall_applicant_set_credit_code (self, credit_code);
}

char *
hall_applicant_check_phone (const char  *phone,
                            GError     **error)
{
  g_autofree char *normalized = normalize_phone (phone);

  if (!hall_validate_phone (normalized, error))
    return NULL;
  return g_steal_pointer (&normalized);
}

gboolean
hall_applicant_validate (HallApplicant *self,
                         const char   **field_out,
                         GError       **error)
{
  const char *field = NULL;
  gboolean ok;

  g_return_val_if_fail (HALL_IS_APPLICANT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_object_freeze_notify (G_OBJECT (self));
  normalize_fields (self);
  g_object_thaw_notify (G_OBJECT (self));

  if (self->kind == HALL_APPLICANT_PERSON ? !hall_validate_name (self->name, error)
                                           : !hall_validate_name_field (_("Name"), self->name,
                                                                        error))
    field = "name";
  else if (self->kind == HALL_APPLICANT_PERSON)
    {
      if (!validate_id_number (self->id_type, self->id_number, error))
        field = "id_number";
      else if (self->phone != NULL && !hall_validate_phone (self->phone, error))
        field = "phone";
    }
  else
    {
      if (!hall_validate_credit_code (self->credit_code, error))
        field = "credit_code";
      else if (!hall_validate_person_name_field (_("Legal representative"),
                                          self->legal_representative, error))
        field = "legal_representative";
      else if (self->contact_person != NULL
               && !hall_validate_person_name_field (_("Contact person"), self->contact_person,
                                                    error))
        field = "contact_person";
      else if (self->phone != NULL && !hall_validate_phone (self->phone, error))
        field = "phone";
    }

  ok = field == NULL;
  if (!ok && field_out != NULL)
    *field_out = field;
  return ok;
}

JsonNode *
hall_applicant_to_json (HallApplicant *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *created_at = NULL;
  g_autofree char *updated_at = NULL;

  g_return_val_if_fail (HALL_IS_APPLICANT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, self->uuid);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, hall_applicant_kind_to_string (self->kind));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);

  if (self->kind == HALL_APPLICANT_PERSON)
    {
      json_builder_set_member_name (builder, "id_type");
      json_builder_add_string_value (builder, hall_id_type_to_string (self->id_type));
      json_builder_set_member_name (builder, "id_number");
      json_builder_add_string_value (builder, self->id_number);
      if (self->phone != NULL)
        {
          json_builder_set_member_name (builder, "phone");
          json_builder_add_string_value (builder, self->phone);
        }
    }
  else
    {
      json_builder_set_member_name (builder, "credit_code");
      json_builder_add_string_value (builder, self->credit_code);
      json_builder_set_member_name (builder, "legal_representative");
      json_builder_add_string_value (builder, self->legal_representative);
      /* Who the hall calls at the business, and on which number. */
      if (self->contact_person != NULL)
        {
          json_builder_set_member_name (builder, "contact_person");
          json_builder_add_string_value (builder, self->contact_person);
        }
      if (self->phone != NULL)
        {
          json_builder_set_member_name (builder, "phone");
          json_builder_add_string_value (builder, self->phone);
        }
    }

  if (self->version > 0)
    {
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, self->version);
    }
  if (self->created_at != 0)
    {
      created_at = hall_timestamp_to_iso8601 (self->created_at);
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_string_value (builder, created_at);
    }
  if (self->updated_at != 0)
    {
      updated_at = hall_timestamp_to_iso8601 (self->updated_at);
      json_builder_set_member_name (builder, "updated_at");
      json_builder_add_string_value (builder, updated_at);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

HallApplicant *
hall_applicant_new_from_json (JsonNode    *node,
                              const char **field_out,
                              GError     **error)
{
  g_autoptr(HallApplicant) self = NULL;
  JsonObject *object;
  const char *uuid = NULL;
  const char *name = NULL;
  const char *id_number = NULL;
  const char *phone = NULL;
  const char *credit_code = NULL;
  const char *legal_representative = NULL;
  const char *contact_person = NULL;
  int kind = HALL_APPLICANT_PERSON;
  int id_type = HALL_ID_TYPE_RESIDENT_ID;
  gint64 version = 0;
  gint64 created_at = 0;
  gint64 updated_at = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = hall_json_expect_object (node, _("applicant"), error);
  if (object == NULL)
    return NULL;

  if (!hall_json_read_uuid (object, "uuid", FALSE, &uuid, field_out, error)
      || !hall_json_read_enum (object, "kind", TRUE, HALL_TYPE_APPLICANT_KIND, &kind,
                               field_out, error)
      || !hall_json_read_string (object, "name", TRUE, HALL_JSON_MAX_CHARS, &name, field_out,
                                 error)
      || !hall_json_read_int (object, "version", FALSE, 0, &version, field_out, error)
      || !hall_json_read_timestamp (object, "created_at", FALSE, &created_at, field_out, error)
      || !hall_json_read_timestamp (object, "updated_at", FALSE, &updated_at, field_out, error))
    return NULL;

  /* A field of the other kind would be dropped without a word: refused. */
  if (kind == HALL_APPLICANT_PERSON)
    {
      if (!hall_json_refuse_member (object, "credit_code", _("a person"), field_out, error)
          || !hall_json_refuse_member (object, "legal_representative", _("a person"),
                                       field_out, error)
          || !hall_json_refuse_member (object, "contact_person", _("a person"), field_out,
                                       error)
          || !hall_json_read_enum (object, "id_type", TRUE, HALL_TYPE_ID_TYPE, &id_type, field_out,
                                error)
          || !hall_json_read_string (object, "id_number", TRUE, HALL_JSON_MAX_CHARS, &id_number,
                                     field_out, error)
          || !hall_json_read_string (object, "phone", FALSE, HALL_JSON_MAX_CHARS, &phone,
                                     field_out, error))
        return NULL;
    }
  else
    {
      if (!hall_json_refuse_member (object, "id_type", _("a business"), field_out, error)
          || !hall_json_refuse_member (object, "id_number", _("a business"), field_out, error)
          || !hall_json_read_string (object, "phone", FALSE, HALL_JSON_MAX_CHARS, &phone,
                                     field_out, error)
          || !hall_json_read_string (object, "credit_code", TRUE, HALL_JSON_MAX_CHARS,
                                  &credit_code, field_out, error)
          || !hall_json_read_string (object, "legal_representative", TRUE, HALL_JSON_MAX_CHARS,
                                     &legal_representative, field_out, error)
          || !hall_json_read_string (object, "contact_person", FALSE, HALL_JSON_MAX_CHARS,
                                     &contact_person, field_out, error))
        return NULL;
    }

  self = g_object_new (HALL_TYPE_APPLICANT,
                       "uuid", uuid,
                       "kind", kind,
                       "name", name,
                       "id-type", id_type,
                       "id-number", id_number,
                       "phone", phone,
                       "credit-code", credit_code,
                       "legal-representative", legal_representative,
                       "contact-person", contact_person,
                       "version", version,
                       "created-at", created_at,
                       "updated-at", updated_at,
                       NULL);
  if (!hall_applicant_validate (self, field_out, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
hall_applicant_kind_to_string (HallApplicantKind kind)
{
  return hall_enum_to_nick (HALL_TYPE_APPLICANT_KIND, kind);
}

gboolean
hall_applicant_kind_from_string (const char        *str,
                                 HallApplicantKind *kind)
{
  int value;

  if (!hall_enum_from_nick (HALL_TYPE_APPLICANT_KIND, str, &value))
    return FALSE;
  if (kind != NULL)
    *kind = value;
  return TRUE;
}

const char *
hall_id_type_to_string (HallIdType id_type)
{
  return hall_enum_to_nick (HALL_TYPE_ID_TYPE, id_type);
}

gboolean
hall_id_type_from_string (const char *str,
                          HallIdType *id_type)
{
  int value;

  if (!hall_enum_from_nick (HALL_TYPE_ID_TYPE, str, &value))
    return FALSE;
  if (id_type != NULL)
    *id_type = value;
  return TRUE;
}

const char *
hall_id_type_get_label (HallIdType id_type)
{
  switch (id_type)
    {
    case HALL_ID_TYPE_RESIDENT_ID:
      return _("Resident identity card");
    case HALL_ID_TYPE_PASSPORT:
      return _("Passport");
    case HALL_ID_TYPE_HK_MACAU_PERMIT:
      return _("Travel permit for Hong Kong and Macau residents");
    case HALL_ID_TYPE_TAIWAN_PERMIT:
      return _("Travel permit for Taiwan residents");
    case HALL_ID_TYPE_FOREIGN_PERMANENT:
      return _("Foreign permanent resident ID card");
    default:
      return NULL;
    }
}
