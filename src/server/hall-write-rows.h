/* hall-write-rows.h — writes of entities and events gathered as the
 * columns of one statement
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PostgreSQL's hall_put_writes () (schema 13) takes a batch's writes as
 * eight arrays, one per column, in the order they were made. These are
 * those arrays as PostgreSQL's text literals ({"a","b",NULL}), each row
 * appended as it comes, so that nothing is copied twice.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HALL_WRITE_ROWS_N_COLUMNS 8

typedef struct _HallWriteRows HallWriteRows;

HallWriteRows *hall_write_rows_new        (void);
void           hall_write_rows_free       (HallWriteRows *self);
void           hall_write_rows_clear      (HallWriteRows *self);
guint          hall_write_rows_get_length (HallWriteRows *self);

/* An entity's write: @kind "case", "applicant" or "page"; @key its
 * number or identity (nullable); @create whether it must not exist yet. */
void           hall_write_rows_add_entity (HallWriteRows *self,
                                           const char    *kind,
                                           const char    *uuid,
                                           gint64         version,
                                           const char    *data,
                                           const char    *key,
                                           gboolean       create);
/* An event of @case_uuid at @case_version, between the audit entries
 * @prev and @entry. */
void           hall_write_rows_add_event  (HallWriteRows *self,
                                           const char    *uuid,
                                           const char    *case_uuid,
                                           gint64         case_version,
                                           const char    *data,
                                           const char    *prev,
                                           const char    *entry);

/* (transfer none): the eight array literals, in hall_put_writes ()'s
 * order, valid until the next change. */
void           hall_write_rows_get_params (HallWriteRows *self,
                                           const char    *params[HALL_WRITE_ROWS_N_COLUMNS]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallWriteRows, hall_write_rows_free)

G_END_DECLS
