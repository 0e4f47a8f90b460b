/* hall-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-model"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "hall-error.h"
#include "hall-json.h"

char *
hall_timestamp_to_iso8601 (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  if (dt == NULL)
    return NULL;
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
hall_timestamp_from_iso8601 (const char *text,
                             gint64     *unix_seconds)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    return FALSE;
  *unix_seconds = g_date_time_to_unix (dt);
  return TRUE;
}

const char *
hall_enum_to_nick (GType enum_type,
                   int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  /* Static enum classes are never finalised, so the nick outlives the ref. */
  return enum_value != NULL ? enum_value->value_nick : NULL;
}

gboolean
hall_enum_from_nick (GType       enum_type,
                     const char *nick,
                     int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *enum_value;

  if (nick == NULL)
    return FALSE;
  klass = g_type_class_ref (enum_type);
  enum_value = g_enum_get_value_by_nick (klass, nick);
  if (enum_value == NULL)
    return FALSE;
  if (value != NULL)
    *value = enum_value->value;
  return TRUE;
}

static gboolean
fail (const char  *member,
      const char **field_out,
      GError     **error,
      int          code,
      const char  *format,
      ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail (const char  *member,
      const char **field_out,
      GError     **error,
      int          code,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (field_out != NULL)
    *field_out = member;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, HALL_VALIDATION_ERROR, code, message);
  return FALSE;
}

/* Finds a member; FALSE with the error set if it is required and absent.
 * *node is NULL for an absent or null member. */
static gboolean
lookup (JsonObject  *object,
        const char  *member,
        gboolean     required,
        JsonNode   **node,
        const char **field_out,
        GError     **error)
{
  *node = json_object_get_member (object, member);
  if (*node != NULL && JSON_NODE_HOLDS_NULL (*node))
    *node = NULL;
  if (*node == NULL && required)
    return fail (member, field_out, error, HALL_VALIDATION_ERROR_EMPTY,
                 _("The field “%s” is required"), member);
  return TRUE;
}

static gboolean
holds (JsonNode *node,
       GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
hall_json_read_string (JsonObject  *object,
                       const char  *member,
                       gboolean     required,
                       guint        max_chars,
                       const char **value,
                       const char **field_out,
                       GError     **error)
{
  JsonNode *node;
  const char *str;
  glong n_chars;

  if (!lookup (object, member, required, &node, field_out, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!holds (node, G_TYPE_STRING))
    return fail (member, field_out, error, HALL_VALIDATION_ERROR_INVALID,
                 _("The field “%s” must be a string"), member);
  str = json_node_get_string (node);
  n_chars = g_utf8_strlen (str, -1);
  if (n_chars > (glong) max_chars)
    return fail (member, field_out, error, HALL_VALIDATION_ERROR_LENGTH,
                 _("The field “%s” may have at most %u characters, it has %ld"),
                 member, max_chars, n_chars);
  *value = str;
  return TRUE;
}

gboolean
hall_json_read_uuid (JsonObject  *object,
                     const char  *member,
                     gboolean     required,
                     const char **value,
                     const char **field_out,
                     GError     **error)
{
  const char *str = NULL;

  if (!hall_json_read_string (object, member, required, HALL_JSON_MAX_CHARS, &str,
                              field_out, error))
    return FALSE;
  if (str == NULL)
    return TRUE;
  if (!hall_uuid_is_canonical (str))
    return fail (member, field_out, error, HALL_VALIDATION_ERROR_INVALID,
                 _("The field “%s” must be a UUID in lower case such as "
                   "3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a"),
                 member);
  *value = str;
  return TRUE;
}

gboolean
hall_uuid_is_canonical (const char *text)
{
  if (text == NULL || !g_uuid_string_is_valid (text))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

gboolean
hall_slot_id_is_valid (const char *text)
{
  gsize length = text != NULL ? strlen (text) : 0;

  if (length < 1 || length > 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

gboolean
hall_json_refuse_member (JsonObject  *object,
                         const char  *member,
                         const char  *owner,
                         const char **field_out,
                         GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  return fail (member, field_out, error, HALL_VALIDATION_ERROR_INVALID,
               /* Translators: "The field “credit_code” does not belong to a person" */
               _("The field “%s” does not belong to %s"), member, owner);
}

gboolean
hall_json_read_int (JsonObject  *object,
                    const char  *member,
                    gboolean     required,
                    gint64       min_value,
                    gint64      *value,
                    const char **field_out,
                    GError     **error)
{
  JsonNode *node;
  gint64 i;

  if (!lookup (object, member, required, &node, field_out, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!holds (node, G_TYPE_INT64))
    return fail (member, field_out, error, HALL_VALIDATION_ERROR_INVALID,
                 _("The field “%s” must be a whole number"), member);
  i = json_node_get_int (node);
  if (i < min_value)
    return fail (member, field_out, error, HALL_VALIDATION_ERROR_INVALID,
                 _("The field “%s” must be at least %" PRId64), member, min_value);
  *value = i;
  return TRUE;
}

gboolean
hall_json_read_timestamp (JsonObject  *object,
                          const char  *member,
                          gboolean     required,
                          gint64      *value,
                          const char **field_out,
                          GError     **error)
{
  const char *str = NULL;
  gint64 seconds;

  if (!hall_json_read_string (object, member, required, HALL_JSON_MAX_CHARS, &str,
                              field_out, error))
    return FALSE;
  if (str == NULL)
    return TRUE;
  /* Before 1970 is no time of this hall, and the models' timestamp
   * properties refuse negative values. */
  if (!hall_timestamp_from_iso8601 (str, &seconds) || seconds < 0)
    return fail (member, field_out, error, HALL_VALIDATION_ERROR_DATE,
                 _("The field “%s” must be an ISO 8601 time such as 2026-11-27T11:28:04Z"),
                 member);
  *value = seconds;
  return TRUE;
}

gboolean
hall_json_read_enum (JsonObject  *object,
                     const char  *member,
                     gboolean     required,
                     GType        enum_type,
                     int         *value,
                     const char **field_out,
                     GError     **error)
{
  g_autoptr(GEnumClass) klass = NULL;
  g_autoptr(GString) expected = NULL;
  const char *str = NULL;
  guint i;

  if (!hall_json_read_string (object, member, required, HALL_JSON_MAX_CHARS, &str,
                              field_out, error))
    return FALSE;
  if (str == NULL || hall_enum_from_nick (enum_type, str, value))
    return TRUE;

  /* The value itself is not repeated: it may be anything a client sent. */
  klass = g_type_class_ref (enum_type);
  expected = g_string_new (NULL);
  for (i = 0; i < klass->n_values; i++)
    g_string_append_printf (expected, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);
  return fail (member, field_out, error, HALL_VALIDATION_ERROR_INVALID,
               _("The field “%s” has an unknown value; expected one of: %s"),
               member, expected->str);
}

JsonObject *
hall_json_expect_object (JsonNode   *node,
                         const char *what,
                         GError    **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("The %s must be a JSON object"), what);
      return NULL;
    }
  return json_node_get_object (node);
}

void
hall_json_append_string (GString    *out,
                         const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}
