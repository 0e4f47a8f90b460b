/* hall-sqlite-checkpointer.h — a database's write-ahead log copied back
 * into it on a thread of its own, beside the writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-sqlite.h"

G_BEGIN_DECLS

typedef struct _HallSqliteCheckpointer HallSqliteCheckpointer;

/* Takes the checkpoints over from @writer, a connection of the database
 * at @path in WAL mode, which must outlive the checkpointer. NULL with
 * @error set if the checkpointer's own connection cannot be opened; the
 * writer then checkpoints as before. */
HallSqliteCheckpointer *hall_sqlite_checkpointer_new  (const char              *path,
                                                       HallSqliteConn          *writer,
                                                       GError                 **error);
/* Stops the thread; the writer checkpoints itself again from then on.
 * The writer must be idle meanwhile: its hook is changed. */
void                    hall_sqlite_checkpointer_free (HallSqliteCheckpointer  *self);
/* How many checkpoints the thread has run (for tests). */
guint                   hall_sqlite_checkpointer_get_runs (HallSqliteCheckpointer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallSqliteCheckpointer, hall_sqlite_checkpointer_free)

G_END_DECLS
