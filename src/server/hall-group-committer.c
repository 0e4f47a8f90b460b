/* hall-group-committer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "hall-group-committer.h"
#include "hall-server-error.h"

typedef struct
{
  HallWriteFunc      func;
  HallWriteResetFunc reset;  /* set for a deferrable job */
  HallWriteDoneFunc  done;
  gpointer           user_data;
  GError            *error;
} Job;

struct _HallGroupCommitter
{
  GObject            parent_instance;
  HallServerStorage *storage;
  guint              max_batch;
  HallReadAheadFunc  read_ahead;
  GAsyncQueue       *queue;
  GThread           *thread;
  GMutex             mutex;
  gboolean           stopping;
  guint              failed_in_a_row;   /* the writer thread's: batches since the last commit */
};

G_DEFINE_FINAL_TYPE (HallGroupCommitter, hall_group_committer, G_TYPE_OBJECT)

/* Pushed by stop() to wake the thread. */
static Job stop_job;

static void
finish_job (Job          *job,
            const GError *error)
{
  job->done (job->user_data, job->error ? job->error : error);
  g_clear_error (&job->error);
  g_free (job);
}

/* FALSE when the transaction cannot go on. One bad job must not take the
 * others of the batch down: its writes alone are rolled back, and its done
 * callback reports the error. */
static gboolean
run_in_savepoint (HallGroupCommitter  *self,
                  Job                 *job,
                  GError             **error)
{
  if (!hall_server_storage_savepoint (self->storage, error))
    return FALSE;
  if (job->func (self->storage, job->user_data, &job->error))
    return hall_server_storage_release (self->storage, error);
  g_debug ("A write failed and was rolled back: %s", job->error->message);
  /* Committing after a failed ROLLBACK TO would keep the job's half-done
   * writes: the whole batch goes, and every job is told. */
  return hall_server_storage_rollback_to (self->storage, error);
}

/* Deferrable jobs that came one after the other, together: their reads in
 * one go, their writes sent without waiting for each answer, and one
 * savepoint around them all instead of one each. Only a storage failure
 * makes a job fail (a refusal writes nothing), so undoing them all and
 * running each again alone is rare. FALSE when the transaction cannot go
 * on. */
static gboolean
run_deferrable (HallGroupCommitter  *self,
                GPtrArray           *jobs,
                GError             **error)
{
  g_autoptr(GPtrArray) user_datas = NULL;
  g_autoptr(GError) failure = NULL;

  if (jobs->len == 0)
    return TRUE;
  if (jobs->len == 1)
    return run_in_savepoint (self, g_ptr_array_index (jobs, 0), error);

  user_datas = g_ptr_array_sized_new (jobs->len);
  for (guint i = 0; i < jobs->len; i++)
    g_ptr_array_add (user_datas, ((Job *) g_ptr_array_index (jobs, i))->user_data);
  if (!hall_server_storage_savepoint (self->storage, error))
    return FALSE;
  if (self->read_ahead == NULL || self->read_ahead (self->storage, user_datas, &failure))
    {
      gboolean written = TRUE;

      hall_server_storage_defer_writes (self->storage);
      for (guint i = 0; i < jobs->len && written; i++)
        {
          Job *job = g_ptr_array_index (jobs, i);

          written = job->func (self->storage, job->user_data, &failure);
        }
      /* What the deferred writes answered: after a failure they are only
       * dropped. */
      if (!hall_server_storage_flush_writes (self->storage, written ? &failure : NULL))
        written = FALSE;
      if (written)
        return hall_server_storage_release (self->storage, error);
    }
  /* A FALSE without its reason is a failure all the same. */
  if (failure == NULL)
    g_set_error_literal (&failure, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "A write of the group failed without saying why");

  g_debug ("A write of a group failed (%s): writing the group again job by job",
           failure->message);
  if (!hall_server_storage_rollback_to (self->storage, error))
    return FALSE;
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      job->reset (job->user_data);
      if (!run_in_savepoint (self, job, error))
        return FALSE;
    }
  return TRUE;
}

/* The jobs in the order they came, in one transaction. */
static void
run_batch (HallGroupCommitter *self,
           GPtrArray          *batch)
{
  g_autoptr(GPtrArray) deferrable = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  if (!hall_server_storage_begin (self->storage, &error))
    goto fail;

  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (job->reset != NULL)
        {
          g_ptr_array_add (deferrable, job);
          continue;
        }
      if (!run_deferrable (self, deferrable, &error) || !run_in_savepoint (self, job, &error))
        {
          hall_server_storage_rollback (self->storage);
          goto fail;
        }
      g_ptr_array_set_size (deferrable, 0);
    }

  if (!run_deferrable (self, deferrable, &error)
      || !hall_server_storage_commit (self->storage, &error))
    {
      hall_server_storage_rollback (self->storage);
      goto fail;
    }

  if (self->failed_in_a_row > 0)
    g_message ("Writes are committed again, after %u batches that could not be",
               self->failed_in_a_row);
  self->failed_in_a_row = 0;
  for (guint i = 0; i < batch->len; i++)
    finish_job (g_ptr_array_index (batch, i), NULL);
  return;

fail:
  /* While the database is away every batch fails the same way: the log
   * says so once, and again when they commit. */
  if (self->failed_in_a_row++ == 0)
    g_warning ("A batch of %u writes could not be committed: %s", batch->len, error->message);
  else
    g_debug ("A batch of %u writes could not be committed: %s", batch->len, error->message);
  for (guint i = 0; i < batch->len; i++)
    finish_job (g_ptr_array_index (batch, i), error);
}

static gpointer
writer_thread (gpointer data)
{
  HallGroupCommitter *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  gboolean running = TRUE;

  while (running)
    {
      Job *job = g_async_queue_pop (self->queue);

      g_ptr_array_set_size (batch, 0);
      /* Whatever queued up while the last commit was syncing goes in this one. */
      while (job != NULL)
        {
          if (job == &stop_job)
            {
              running = FALSE;
              break;
            }
          g_ptr_array_add (batch, job);
          if (batch->len >= self->max_batch)
            break;
          job = g_async_queue_try_pop (self->queue);
        }
      if (batch->len > 0)
        run_batch (self, batch);
    }

  /* Jobs that raced with stop(): the stop flag was not yet set when they
   * were queued. */
  while (TRUE)
    {
      g_autoptr(GError) error = NULL;
      Job *job = g_async_queue_try_pop (self->queue);

      if (job == NULL)
        break;
      g_set_error_literal (&error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_SHUTTING_DOWN,
                           _("The server is shutting down"));
      finish_job (job, error);
    }
  return NULL;
}

static void
hall_group_committer_finalize (GObject *object)
{
  HallGroupCommitter *self = HALL_GROUP_COMMITTER (object);

  hall_group_committer_stop (self);
  g_async_queue_unref (self->queue);
  g_mutex_clear (&self->mutex);
  g_clear_object (&self->storage);
  G_OBJECT_CLASS (hall_group_committer_parent_class)->finalize (object);
}

static void
hall_group_committer_class_init (HallGroupCommitterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_group_committer_finalize;
}

static void
hall_group_committer_init (HallGroupCommitter *self)
{
  g_mutex_init (&self->mutex);
  self->queue = g_async_queue_new ();
}

HallGroupCommitter *
hall_group_committer_new (HallServerStorage *storage,
                          guint              max_batch,
                          HallReadAheadFunc  read_ahead)
{
  HallGroupCommitter *self = g_object_new (HALL_TYPE_GROUP_COMMITTER, NULL);

  self->storage = g_object_ref (storage);
  self->max_batch = MAX (max_batch, 1);
  self->read_ahead = read_ahead;
  self->thread = g_thread_new ("hall-writer", writer_thread, self);
  return self;
}

static void
queue_job (HallGroupCommitter *self,
           Job                *job)
{
  g_mutex_lock (&self->mutex);
  if (!self->stopping)
    {
      g_async_queue_push (self->queue, job);
      job = NULL;
    }
  g_mutex_unlock (&self->mutex);

  if (job != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_set_error_literal (&error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_SHUTTING_DOWN,
                           _("The server is shutting down"));
      finish_job (job, error);
    }
}

void
hall_group_committer_submit (HallGroupCommitter *self,
                             HallWriteFunc       func,
                             HallWriteDoneFunc   done,
                             gpointer            user_data)
{
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->done = done;
  job->user_data = user_data;
  queue_job (self, job);
}

void
hall_group_committer_submit_deferrable (HallGroupCommitter *self,
                                        HallWriteFunc       func,
                                        HallWriteResetFunc  reset,
                                        HallWriteDoneFunc   done,
                                        gpointer            user_data)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (reset != NULL);

  job->func = func;
  job->reset = reset;
  job->done = done;
  job->user_data = user_data;
  queue_job (self, job);
}

void
hall_group_committer_stop (HallGroupCommitter *self)
{
  gboolean join;

  g_mutex_lock (&self->mutex);
  join = !self->stopping && self->thread != NULL;
  self->stopping = TRUE;
  if (join)
    g_async_queue_push (self->queue, &stop_job);
  g_mutex_unlock (&self->mutex);

  if (join)
    g_clear_pointer (&self->thread, g_thread_join);
}
