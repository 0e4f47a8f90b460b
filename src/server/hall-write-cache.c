/* hall-write-cache.c — what the writer's transaction has read and written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-write-cache.h"

/* An entity, known to exist (data) or not (data NULL). */
typedef struct
{
  char     *data;
  gint64    version;
  char     *audit_head;  /* of a case; NULL: not known */
} CachedEntity;

struct _HallWriteCache
{
  GHashTable *entities;        /* "kind:uuid" → CachedEntity */
  GHashTable *numbers;         /* case number → case uuid, or "" for none */
  GHashTable *number_of_case;  /* case uuid → the number it holds */
  GHashTable *answers;         /* key → HallIdempotentAnswer, or NULL for none */
};

static void
cached_entity_free (CachedEntity *entity)
{
  g_free (entity->data);
  g_free (entity->audit_head);
  g_free (entity);
}

HallWriteCache *
hall_write_cache_new (void)
{
  HallWriteCache *self = g_new0 (HallWriteCache, 1);

  self->entities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) cached_entity_free);
  self->numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->number_of_case = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) hall_idempotent_answer_free);
  return self;
}

void
hall_write_cache_free (HallWriteCache *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entities);
  g_hash_table_unref (self->numbers);
  g_hash_table_unref (self->number_of_case);
  g_hash_table_unref (self->answers);
  g_free (self);
}

void
hall_write_cache_clear (HallWriteCache *self)
{
  g_hash_table_remove_all (self->entities);
  g_hash_table_remove_all (self->numbers);
  g_hash_table_remove_all (self->number_of_case);
  g_hash_table_remove_all (self->answers);
}

static char *
entity_key (HallEntityKind  kind,
            const char     *uuid)
{
  return g_strdup_printf ("%d:%s", (int) kind, uuid);
}

static CachedEntity *
lookup_entity (HallWriteCache *self,
               HallEntityKind  kind,
               const char     *uuid)
{
  g_autofree char *key = entity_key (kind, uuid);

  return g_hash_table_lookup (self->entities, key);
}

void
hall_write_cache_set_entity (HallWriteCache *self,
                             HallEntityKind  kind,
                             const char     *uuid,
                             const char     *data,
                             gint64          version)
{
  CachedEntity *entity = lookup_entity (self, kind, uuid);

  if (entity == NULL)
    {
      entity = g_new0 (CachedEntity, 1);
      g_hash_table_insert (self->entities, entity_key (kind, uuid), entity);
    }
  /* A case that comes into being has no audit chain yet. */
  if (entity->data == NULL && data != NULL && kind == HALL_ENTITY_CASE
      && entity->audit_head == NULL && version == 1)
    entity->audit_head = g_strdup ("");
  g_free (entity->data);
  entity->data = g_strdup (data);
  entity->version = version;
}

gboolean
hall_write_cache_get_entity (HallWriteCache *self,
                             HallEntityKind  kind,
                             const char     *uuid,
                             const char    **data_out,
                             gint64         *version_out)
{
  CachedEntity *entity = lookup_entity (self, kind, uuid);

  if (entity == NULL)
    return FALSE;
  *data_out = entity->data;
  if (version_out != NULL)
    *version_out = entity->version;
  return TRUE;
}

void
hall_write_cache_forget_entity (HallWriteCache *self,
                                HallEntityKind  kind,
                                const char     *uuid)
{
  g_autofree char *key = entity_key (kind, uuid);

  g_hash_table_remove (self->entities, key);
}

void
hall_write_cache_set_audit_head (HallWriteCache *self,
                                 const char     *case_uuid,
                                 const char     *head)
{
  CachedEntity *entity = lookup_entity (self, HALL_ENTITY_CASE, case_uuid);

  /* Only for a case whose row is known: its row is what holds the head. */
  if (entity == NULL || entity->data == NULL)
    return;
  g_free (entity->audit_head);
  entity->audit_head = g_strdup (head);
}

gboolean
hall_write_cache_get_audit_head (HallWriteCache *self,
                                 const char     *case_uuid,
                                 const char    **head_out)
{
  CachedEntity *entity = lookup_entity (self, HALL_ENTITY_CASE, case_uuid);

  if (entity == NULL || entity->audit_head == NULL)
    return FALSE;
  *head_out = entity->audit_head;
  return TRUE;
}

void
hall_write_cache_note_number (HallWriteCache *self,
                              const char     *number,
                              const char     *case_uuid)
{
  g_hash_table_insert (self->numbers, g_strdup (number), g_strdup (case_uuid != NULL ? case_uuid
                                                                                    : ""));
  if (case_uuid != NULL)
    g_hash_table_insert (self->number_of_case, g_strdup (case_uuid), g_strdup (number));
}

void
hall_write_cache_set_case_number (HallWriteCache *self,
                                  const char     *case_uuid,
                                  const char     *number)
{
  const char *held = g_hash_table_lookup (self->number_of_case, case_uuid);

  if (held != NULL && g_strcmp0 (held, number) != 0)
    g_hash_table_insert (self->numbers, g_strdup (held), g_strdup (""));
  if (number != NULL)
    hall_write_cache_note_number (self, number, case_uuid);
  else
    g_hash_table_remove (self->number_of_case, case_uuid);
}

gboolean
hall_write_cache_get_number (HallWriteCache *self,
                             const char     *number,
                             const char    **case_uuid_out)
{
  const char *uuid = g_hash_table_lookup (self->numbers, number);

  if (uuid == NULL)
    return FALSE;
  *case_uuid_out = *uuid != '\0' ? uuid : NULL;
  return TRUE;
}

void
hall_write_cache_forget_number (HallWriteCache *self,
                                const char     *number)
{
  g_hash_table_remove (self->numbers, number);
}

void
hall_write_cache_set_answer (HallWriteCache             *self,
                             const char                 *key,
                             const HallIdempotentAnswer *answer)
{
  g_hash_table_insert (self->answers, g_strdup (key),
                       answer != NULL ? hall_idempotent_answer_copy (answer) : NULL);
}

gboolean
hall_write_cache_get_answer (HallWriteCache              *self,
                             const char                  *key,
                             const HallIdempotentAnswer **answer_out)
{
  gpointer answer;

  if (!g_hash_table_lookup_extended (self->answers, key, NULL, &answer))
    return FALSE;
  *answer_out = answer;
  return TRUE;
}
