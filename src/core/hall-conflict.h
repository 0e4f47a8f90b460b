/* hall-conflict.h — a change of this counter that met a newer one on the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What the server said no to. */
typedef enum
{
  HALL_CONFLICT_CHANGED,     /* 412: someone else changed the entity first */
  HALL_CONFLICT_DUPLICATE,   /* 409: the server has another applicant with its
                              * identity document ("server-json" is that one) */
} HallConflictKind;

/* What the official decided. */
typedef enum
{
  HALL_CONFLICT_KEEP_MINE,   /* send this counter's version again, over the server's */
  HALL_CONFLICT_TAKE_THEIRS, /* take the server's version, drop this counter's change */
  HALL_CONFLICT_MERGE,       /* a duplicate: its cases go to the server's applicant */
} HallConflictResolution;

/* One field in which the two versions differ. @mine and @theirs are the
 * values as text (strings as they are, anything else as compact JSON), NULL
 * where the version has no such field. */
typedef struct
{
  char *field;  /* the wire name: "phone", "state", ... */
  char *mine;
  char *theirs;
} HallConflictDifference;

void hall_conflict_difference_free (HallConflictDifference *difference);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallConflictDifference, hall_conflict_difference_free)

#define HALL_TYPE_CONFLICT (hall_conflict_get_type ())
G_DECLARE_FINAL_TYPE (HallConflict, hall_conflict, HALL, CONFLICT, GObject)

/* Properties (construct-only, read-only): "id" (the store's row), "kind"
 * (a HallConflictKind), "entity"
 * ("applicant", "case" or "event"), "entity-uuid", "local-json" (the body
 * this counter sent), "server-json" (the server's entity), "server-version"
 * (the version the server had: a kept local version is sent with it in
 * If-Match), "created-at" (Unix seconds, when the server said no). */

/* (transfer full) */
HallConflict *hall_conflict_new                 (gint64        id,
                                                 HallConflictKind kind,
                                                 const char   *entity,
                                                 const char   *entity_uuid,
                                                 const char   *local_json,
                                                 const char   *server_json,
                                                 gint64        server_version,
                                                 gint64        created_at);

gint64        hall_conflict_get_id              (HallConflict *self);
HallConflictKind hall_conflict_get_kind         (HallConflict *self);
const char   *hall_conflict_get_entity          (HallConflict *self);
const char   *hall_conflict_get_entity_uuid     (HallConflict *self);
const char   *hall_conflict_get_local_json      (HallConflict *self);
const char   *hall_conflict_get_server_json     (HallConflict *self);
gint64        hall_conflict_get_server_version  (HallConflict *self);
gint64        hall_conflict_get_created_at      (HallConflict *self);

/* (transfer full) (element-type HallConflictDifference): the fields whose
 * values differ, in the order of this counter's version, then the server's
 * own fields; freeing the array frees them.
 * The bookkeeping every write changes ("uuid", "version", "created_at",
 * "updated_at") is left out. A version that is not a JSON object counts as
 * having no fields. */
GPtrArray    *hall_conflict_list_differences    (HallConflict *self);

/* The field's name for people, translated ("phone" -> "Phone"); the wire
 * name itself for a field it does not know. */
const char   *hall_conflict_get_field_label     (const char   *field);

const char   *hall_conflict_resolution_to_string (HallConflictResolution resolution);
/* "changed", "duplicate": as the store keeps them. */
const char   *hall_conflict_kind_to_string      (HallConflictKind kind);
gboolean      hall_conflict_kind_from_string    (const char   *str,
                                                 HallConflictKind *kind);

G_END_DECLS
