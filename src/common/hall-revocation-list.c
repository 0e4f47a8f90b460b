/* hall-revocation-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-signature"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-error.h"
#include "hall-json.h"
#include "hall-revocation-list.h"

struct _HallRevocationList
{
  gatomicrefcount  ref_count;
  gint64           as_of;
  GPtrArray       *items;   /* (element-type HallRevocation) */
};

void
hall_revocation_free (HallRevocation *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->kind);
  g_free (self->license_number);
  g_free (self->official);
  g_free (self->reason);
  g_free (self);
}

JsonNode *
hall_revocation_to_json (const HallRevocation *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *from = hall_timestamp_to_iso8601 (self->from);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, self->uuid);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, self->kind);
  if (g_strcmp0 (self->kind, "license") == 0)
    {
      json_builder_set_member_name (builder, "license_number");
      json_builder_add_string_value (builder, self->license_number);
    }
  else
    {
      g_autofree char *key = hall_public_key_to_base64 (self->public_key);

      json_builder_set_member_name (builder, "official");
      json_builder_add_string_value (builder, self->official);
      json_builder_set_member_name (builder, "public_key");
      json_builder_add_string_value (builder, key);
    }
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, self->reason != NULL ? self->reason : "");
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

HallRevocation *
hall_revocation_new_from_json (JsonNode    *node,
                               const char **field_out,
                               GError     **error)
{
  g_autoptr(HallRevocation) self = g_new0 (HallRevocation, 1);
  JsonObject *object;
  const char *uuid = NULL;
  const char *kind = NULL;
  const char *number = NULL;
  const char *official = NULL;
  const char *key = NULL;
  const char *reason = "";

  object = hall_json_expect_object (node, "revocation", error);
  if (object == NULL)
    return NULL;
  if (!hall_json_read_uuid (object, "uuid", TRUE, &uuid, field_out, error)
      || !hall_json_read_string (object, "kind", TRUE, 16, &kind, field_out, error)
      || !hall_json_read_timestamp (object, "from", TRUE, &self->from, field_out, error)
      || !hall_json_read_string (object, "reason", FALSE, HALL_JSON_MAX_NOTE_CHARS, &reason,
                                 field_out, error))
    return NULL;
  if (g_strcmp0 (kind, "license") == 0)
    {
      if (!hall_json_read_string (object, "license_number", TRUE, HALL_JSON_MAX_CHARS,
                                  &number, field_out, error))
        return NULL;
      if (*number == '\0')
        {
          if (field_out != NULL)
            *field_out = "license_number";
          g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                               _("The field “license_number” must not be empty"));
          return NULL;
        }
    }
  else if (g_strcmp0 (kind, "key") == 0)
    {
      if (!hall_json_read_string (object, "official", TRUE, 64, &official, field_out, error)
          || !hall_json_read_string (object, "public_key", TRUE, 64, &key, field_out, error))
        return NULL;
      if (!hall_public_key_from_base64 (key, self->public_key, NULL))
        {
          if (field_out != NULL)
            *field_out = "public_key";
          g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                               _("The field “public_key” must be 32 bytes written in base64"));
          return NULL;
        }
    }
  else
    {
      if (field_out != NULL)
        *field_out = "kind";
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                           _("The field “kind” of a revocation must be “license” or “key”"));
      return NULL;
    }
  self->uuid = g_strdup (uuid);
  self->kind = g_strdup (kind);
  self->license_number = g_strdup (number);
  self->official = g_strdup (official);
  self->reason = g_strdup (reason);
  return g_steal_pointer (&self);
}

HallRevocationList *
hall_revocation_list_new (gint64 as_of)
{
  HallRevocationList *self = g_new0 (HallRevocationList, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->as_of = as_of;
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_revocation_free);
  return self;
}

HallRevocationList *
hall_revocation_list_ref (HallRevocationList *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hall_revocation_list_unref (HallRevocationList *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_ptr_array_unref (self->items);
  g_free (self);
}

gint64
hall_revocation_list_get_as_of (HallRevocationList *self)
{
  return self->as_of;
}

guint
hall_revocation_list_get_length (HallRevocationList *self)
{
  return self->items->len;
}

void
hall_revocation_list_add (HallRevocationList *self,
                          HallRevocation     *revocation)
{
  g_ptr_array_add (self->items, revocation);
}

JsonNode *
hall_revocation_list_to_json (HallRevocationList *self)
{
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *as_of = hall_timestamp_to_iso8601 (self->as_of);
  guint i;

  for (i = 0; i < self->items->len; i++)
    json_array_add_element (array, hall_revocation_to_json (g_ptr_array_index (self->items, i)));
  if (self->as_of > 0)
    json_object_set_string_member (object, "as_of", as_of);
  else
    json_object_set_null_member (object, "as_of");
  json_object_set_array_member (object, "revocations", array);
  json_node_take_object (node, object);
  return node;
}

HallRevocationList *
hall_revocation_list_new_from_json (JsonNode  *node,
                                    GError   **error)
{
  g_autoptr(HallRevocationList) self = NULL;
  JsonObject *object;
  JsonNode *items;
  gint64 as_of = 0;
  const char *field = NULL;
  guint i;

  object = hall_json_expect_object (node, "revocation list", error);
  if (object == NULL
      || !hall_json_read_timestamp (object, "as_of", FALSE, &as_of, &field, error))
    return NULL;
  self = hall_revocation_list_new (as_of);
  items = json_object_get_member (object, "revocations");
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                           _("The revocation list has no array “revocations”"));
      return NULL;
    }
  for (i = 0; i < json_array_get_length (json_node_get_array (items)); i++)
    {
      g_autoptr(GError) local_error = NULL;
      HallRevocation *revocation = hall_revocation_new_from_json (
        json_array_get_element (json_node_get_array (items), i), &field, &local_error);

      if (revocation == NULL)
        {
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("Revocation %u of the list: %s"), i + 1, local_error->message);
          return NULL;
        }
      hall_revocation_list_add (self, revocation);
    }
  return g_steal_pointer (&self);
}

static char *
format_day (gint64 at)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (at);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

gboolean
hall_revocation_list_check (HallRevocationList    *self,
                            const char            *number,
                            const HallCertificate *certificate,
                            gint64                 signed_at,
                            GError               **error)
{
  guint i;

  for (i = 0; self != NULL && i < self->items->len; i++)
    {
      HallRevocation *revocation = g_ptr_array_index (self->items, i);
      g_autofree char *from = format_day (revocation->from);
      const char *reason = revocation->reason != NULL && *revocation->reason != '\0'
                             ? revocation->reason
                             : _("no reason given");

      if (g_strcmp0 (revocation->kind, "license") == 0 && number != NULL
          && g_strcmp0 (revocation->license_number, number) == 0)
        {
          /* Translators: "License YC-2026-C03-L000001 was revoked on
           * 2026-12-04 08:00 UTC: issued in error" */
          g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_REVOKED,
                       _("License %s was revoked on %s: %s"), number, from, reason);
          return FALSE;
        }
      if (g_strcmp0 (revocation->kind, "key") == 0 && certificate != NULL
          && memcmp (revocation->public_key, certificate->public_key,
                     HALL_PUBLIC_KEY_BYTES) == 0
          && signed_at >= revocation->from)
        {
          /* Translators: "The key of li.na was revoked from 2026-12-01
           * 00:00 UTC: laptop stolen" */
          g_set_error (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_REVOKED,
                       _("The key of %s was revoked from %s: %s"), certificate->official,
                       from, reason);
          return FALSE;
        }
    }
  return TRUE;
}

gint64
hall_revocation_list_get_key_revoked_from (HallRevocationList    *self,
                                           const HallCertificate *certificate)
{
  gint64 from = 0;

  g_return_val_if_fail (certificate != NULL, 0);

  for (guint i = 0; self != NULL && i < self->items->len; i++)
    {
      HallRevocation *revocation = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (revocation->kind, "key") == 0
          && memcmp (revocation->public_key, certificate->public_key, HALL_PUBLIC_KEY_BYTES) == 0
          && (from == 0 || revocation->from < from))
        from = revocation->from;
    }
  return from;
}
