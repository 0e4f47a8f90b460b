/* hall-json.h — helpers for the wire format of the model types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Longest string field the wire accepts, and longest note. */
#define HALL_JSON_MAX_CHARS      200
#define HALL_JSON_MAX_NOTE_CHARS 2000

/* (transfer full) (nullable): Unix seconds as "2026-11-27T11:28:04Z"; NULL
 * for a time outside the years 1 to 9999. */
char       *hall_timestamp_to_iso8601    (gint64       unix_seconds);
/* Any ISO 8601 date and time; one without an offset is taken as UTC. */
gboolean    hall_timestamp_from_iso8601  (const char  *text,
                                          gint64      *unix_seconds);

/* The wire names of enumerations are the nicks of their GEnum types. */
const char *hall_enum_to_nick            (GType        enum_type,
                                          int          value);
gboolean    hall_enum_from_nick          (GType        enum_type,
                                          const char  *nick,
                                          int         *value);

/* Readers of one member of a JSON object for the new_from_json functions.
 * An absent or null member is an error when required; otherwise *value is
 * left as it is. On failure they set a HALL_VALIDATION_ERROR naming the
 * member and store the member name (which must be a static string) in
 * *field_out. Strings are limited to max_chars characters. */
gboolean    hall_json_read_string        (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          guint        max_chars,
                                          const char **value,
                                          const char **field_out,
                                          GError     **error);
gboolean    hall_json_read_uuid          (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          const char **value,
                                          const char **field_out,
                                          GError     **error);
/* A UUID as every program writes one: 36 characters, lower-case hex. */
gboolean    hall_uuid_is_canonical       (const char  *text);
/* A checklist document's id, as the catalog writes them: "id_card",
 * "lease-2"; 1 to 64 letters, digits, "-", "_" or ".". */
gboolean    hall_slot_id_is_valid        (const char  *text);
/* FALSE, naming @member, when @object has it (not null): for the fields of
 * one kind of record sent with another. @owner is "a person". */
gboolean    hall_json_refuse_member      (JsonObject  *object,
                                          const char  *member,
                                          const char  *owner,
                                          const char **field_out,
                                          GError     **error);
gboolean    hall_json_read_int           (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          gint64       min_value,
                                          gint64      *value,
                                          const char **field_out,
                                          GError     **error);
gboolean    hall_json_read_timestamp     (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          gint64      *value,
                                          const char **field_out,
                                          GError     **error);
gboolean    hall_json_read_enum          (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          GType        enum_type,
                                          int         *value,
                                          const char **field_out,
                                          GError     **error);

/* (transfer none): the object @node holds, owned by @node. The top of a
 * wire document must be an object; the error names "what". */
JsonObject *hall_json_expect_object      (JsonNode    *node,
                                          const char  *what,
                                          GError     **error);

/* Appends @value (UTF-8) to @out as a JSON string, quotes included: for
 * documents put together from pieces that are JSON text already. */
void        hall_json_append_string      (GString     *out,
                                          const char  *value);

G_END_DECLS
