/* hall-sqlite-checkpointer.h — a database's write-ahead log copied back
 * into it on a thread of its own, beside the writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-sqlite.h"

G_BEGIN_DECLS

typedef struct _HallSqliteCheckpointer HallSqliteCheckpointer;

/* A thread that checkpoints the database at @path in WAL mode on a
 * connection of its own, for the writers it is given to watch. NULL with
 * @error set if that connection cannot be opened; the writers then
 * checkpoint themselves as before. */
HallSqliteCheckpointer *hall_sqlite_checkpointer_new   (const char              *path,
                                                        GError                 **error);
/* Takes the checkpoints over from @writer, a connection of the same
 * database, which must outlive the checkpointer and may write on any
 * thread. */
void                    hall_sqlite_checkpointer_watch (HallSqliteCheckpointer  *self,
                                                        HallSqliteConn          *writer);
/* Stops the thread; the writers checkpoint themselves again from then
 * on. They must be idle meanwhile: their hooks are changed. */
void                    hall_sqlite_checkpointer_free  (HallSqliteCheckpointer  *self);
/* How many checkpoints the thread has run (for tests). */
guint                   hall_sqlite_checkpointer_get_runs (HallSqliteCheckpointer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallSqliteCheckpointer, hall_sqlite_checkpointer_free)

G_END_DECLS
