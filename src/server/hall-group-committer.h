/* hall-group-committer.h — the one writer thread of a database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-server-storage.h"

G_BEGIN_DECLS

/* Runs on the writer thread inside a savepoint of the batch's transaction.
 * Returning FALSE (a storage failure) rolls back this job's writes only. */
typedef gboolean (*HallWriteFunc) (HallServerStorage *storage,
                                   gpointer           user_data,
                                   GError           **error);
/* Called on the writer thread once the job's fate is durable: @error is NULL
 * when its writes are committed, else why they are not. */
typedef void     (*HallWriteDoneFunc) (gpointer       user_data,
                                       const GError  *error);

#define HALL_TYPE_GROUP_COMMITTER (hall_group_committer_get_type ())
G_DECLARE_FINAL_TYPE (HallGroupCommitter, hall_group_committer, HALL, GROUP_COMMITTER, GObject)

/* (transfer full): the writer of @storage, its thread started. Jobs queued
 * while a transaction commits are run together in the next one (up to
 * @max_batch), so one fsync makes many requests durable. @max_batch 1
 * commits each job on its own. */
HallGroupCommitter *hall_group_committer_new    (HallServerStorage  *storage,
                                                 guint               max_batch);
void                hall_group_committer_submit (HallGroupCommitter *self,
                                                 HallWriteFunc       func,
                                                 HallWriteDoneFunc   done,
                                                 gpointer            user_data);
/* Finishes the queued jobs and ends the thread; later jobs fail at once. */
void                hall_group_committer_stop   (HallGroupCommitter *self);

G_END_DECLS
