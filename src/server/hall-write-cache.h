/* hall-write-cache.h — what the writer's transaction has read and
 * written, so that reading it again needs no round trip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For a storage whose every read is a round trip to a database server
 * (PostgreSQL). It holds only what the transaction locked or wrote itself,
 * and is emptied when the transaction ends or rolls back to a savepoint,
 * so what it says is what the database would answer.
 */
#pragma once

#include "hall-server-storage.h"

G_BEGIN_DECLS

typedef struct _HallWriteCache HallWriteCache;

HallWriteCache *hall_write_cache_new             (void);
void            hall_write_cache_free            (HallWriteCache *self);
void            hall_write_cache_clear           (HallWriteCache *self);

/* An entity as stored, or with @data NULL, known not to exist. */
void            hall_write_cache_set_entity      (HallWriteCache *self,
                                                  HallEntityKind  kind,
                                                  const char     *uuid,
                                                  const char     *data,
                                                  gint64          version);
/* TRUE when the entity is known: *@data_out (transfer none) is NULL when
 * it does not exist. */
gboolean        hall_write_cache_get_entity      (HallWriteCache *self,
                                                  HallEntityKind  kind,
                                                  const char     *uuid,
                                                  const char    **data_out,
                                                  gint64         *version_out);
void            hall_write_cache_forget_entity   (HallWriteCache *self,
                                                  HallEntityKind  kind,
                                                  const char     *uuid);

/* The last entry of a case's audit chain ("" before its first event),
 * known for a case read with it or written. */
void            hall_write_cache_set_audit_head  (HallWriteCache *self,
                                                  const char     *case_uuid,
                                                  const char     *head);
gboolean        hall_write_cache_get_audit_head  (HallWriteCache *self,
                                                  const char     *case_uuid,
                                                  const char    **head_out);

/* What a lookup of case @number found: @case_uuid, or NULL for none. */
void            hall_write_cache_note_number     (HallWriteCache *self,
                                                  const char     *number,
                                                  const char     *case_uuid);
/* A case written with @number (NULL: none): it no longer holds the number
 * it had. */
void            hall_write_cache_set_case_number (HallWriteCache *self,
                                                  const char     *case_uuid,
                                                  const char     *number);
/* TRUE when known: *@case_uuid_out (transfer none) NULL when no case has
 * @number. */
gboolean        hall_write_cache_get_number      (HallWriteCache *self,
                                                  const char     *number,
                                                  const char    **case_uuid_out);
void            hall_write_cache_forget_number   (HallWriteCache *self,
                                                  const char     *number);

/* An Idempotency-Key's stored answer, or with @answer NULL, none. */
void            hall_write_cache_set_answer      (HallWriteCache             *self,
                                                  const char                 *key,
                                                  const HallIdempotentAnswer *answer);
/* TRUE when known: *@answer_out (transfer none) NULL when none is stored. */
gboolean        hall_write_cache_get_answer      (HallWriteCache              *self,
                                                  const char                  *key,
                                                  const HallIdempotentAnswer **answer_out);

G_END_DECLS
