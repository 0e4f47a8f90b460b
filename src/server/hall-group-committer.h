/* hall-group-committer.h — the one writer thread of a database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-server-storage.h"

G_BEGIN_DECLS

/* Runs on the writer thread inside a savepoint of the batch's transaction
 * (a deferrable job: first in its group's, then, if the group fails, in
 * its own). Returning FALSE (a storage failure) rolls back this job's
 * writes only. */
typedef gboolean (*HallWriteFunc) (HallServerStorage *storage,
                                   gpointer           user_data,
                                   GError           **error);
/* Called on the writer thread once the job's fate is durable: @error is NULL
 * when its writes are committed, else why they are not. */
typedef void     (*HallWriteDoneFunc) (gpointer       user_data,
                                       const GError  *error);
/* For jobs submitted with hall_group_committer_submit_deferrable (): reads
 * ahead what the jobs whose @user_datas are given will read
 * (hall_server_storage_read_ahead ()). */
typedef gboolean (*HallReadAheadFunc) (HallServerStorage *storage,
                                       GPtrArray         *user_datas,
                                       GError           **error);
/* Forgets what a run of a job left in @user_data, before it runs again. */
typedef void     (*HallWriteResetFunc) (gpointer user_data);

#define HALL_TYPE_GROUP_COMMITTER (hall_group_committer_get_type ())
G_DECLARE_FINAL_TYPE (HallGroupCommitter, hall_group_committer, HALL, GROUP_COMMITTER, GObject)

/* (transfer full): the writer of @storage, its thread started. Jobs queued
 * while a transaction commits are run together in the next one (up to
 * @max_batch), so one fsync makes many requests durable. @max_batch 1
 * commits each job on its own. @read_ahead (nullable) serves the deferrable
 * jobs. */
HallGroupCommitter *hall_group_committer_new    (HallServerStorage  *storage,
                                                 guint               max_batch,
                                                 HallReadAheadFunc   read_ahead);
void                hall_group_committer_submit (HallGroupCommitter *self,
                                                 HallWriteFunc       func,
                                                 HallWriteDoneFunc   done,
                                                 gpointer            user_data);
/* A job whose writes may wait for their answers: the deferrable jobs of a
 * transaction run together after @read_ahead (hall_group_committer_new ()),
 * without a savepoint each, their writes deferred
 * (hall_server_storage_defer_writes ()). When one of them fails, all of
 * them are undone, @reset forgets each one's run, and each runs again in a
 * savepoint of its own, so that only the failing one is rolled back. */
void                hall_group_committer_submit_deferrable (HallGroupCommitter *self,
                                                            HallWriteFunc       func,
                                                            HallWriteResetFunc  reset,
                                                            HallWriteDoneFunc   done,
                                                            gpointer            user_data);
/* Finishes the queued jobs and ends the thread; later jobs fail at once. */
void                hall_group_committer_stop   (HallGroupCommitter *self);

G_END_DECLS
