/* test-group-committer.c — the writer thread of the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "hall-group-committer.h"
#include "hall-server-error.h"
#include "hall-server-sqlite.h"
#include "hall-server-sqlite-test-hooks.h"

#define N_JOBS 64
#define FAILING_JOB 13

/* How run () submits its jobs. */
typedef enum
{
  SUBMIT_PLAIN,
  /* Every fourth job plain, the others deferrable: runs of three
   * deferrable jobs between plain ones, FAILING_JOB in the middle of one. */
  SUBMIT_MIXED,
} SubmitMode;

#define IS_DEFERRABLE(mode, index) ((mode) == SUBMIT_MIXED && (index) % 4 != 3)

typedef struct
{
  GMutex    mutex;
  GCond     cond;
  GString  *log;        /* "r5 d5 ..." : run and done, in order */
  guint     n_done;
  gboolean  failed[N_JOBS];
  gboolean  gate_running;
  guint     resets[N_JOBS];
  guint     read_ahead[N_JOBS];  /* how often each was read ahead for */
  guint     n_read_aheads;
} Fixture;

typedef struct
{
  Fixture *fixture;
  guint    index;
} Job;

static gboolean
run_job (HallServerStorage  *storage,
         gpointer            user_data,
         GError            **error)
{
  Job *job = user_data;
  Fixture *f = job->fixture;
  g_autofree char *name = g_strdup_printf ("official%u", job->index);

  /* While the first job holds the writer, alone in its batch, the others
   * queue up behind it. */
  if (job->index == 0)
    {
      g_mutex_lock (&f->mutex);
      f->gate_running = TRUE;
      g_cond_signal (&f->cond);
      g_mutex_unlock (&f->mutex);
      g_usleep (100 * 1000);
    }

  g_mutex_lock (&f->mutex);
  g_string_append_printf (f->log, "r%u ", job->index);
  g_mutex_unlock (&f->mutex);

  if (!hall_server_storage_put_official (storage, name, "hash", HALL_ROLE_RECEPTION, error))
    return FALSE;
  if (job->index == FAILING_JOB)
    {
      /* Written, then failed: its write must be rolled back alone. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "job %u fails", job->index);
      return FALSE;
    }
  return TRUE;
}

static void
job_done (gpointer      user_data,
          const GError *error)
{
  Job *job = user_data;
  Fixture *f = job->fixture;

  g_mutex_lock (&f->mutex);
  g_string_append_printf (f->log, "d%u ", job->index);
  f->failed[job->index] = error != NULL;
  f->n_done++;
  g_cond_signal (&f->cond);
  g_mutex_unlock (&f->mutex);
}

static gboolean
read_ahead_jobs (HallServerStorage  *storage,
                 GPtrArray          *user_datas,
                 GError            **error)
{
  Fixture *f = ((Job *) g_ptr_array_index (user_datas, 0))->fixture;

  g_mutex_lock (&f->mutex);
  f->n_read_aheads++;
  for (guint i = 0; i < user_datas->len; i++)
    f->read_ahead[((Job *) g_ptr_array_index (user_datas, i))->index]++;
  g_mutex_unlock (&f->mutex);
  return TRUE;
}

static void
reset_job (gpointer user_data)
{
  Job *job = user_data;

  g_mutex_lock (&job->fixture->mutex);
  job->fixture->resets[job->index]++;
  g_mutex_unlock (&job->fixture->mutex);
}

static void
run (guint       max_batch,
     SubmitMode  mode,
     Fixture    *f,
     gboolean   *batched_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hall-committer-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(HallServerSqlite) sqlite = NULL;
  g_autoptr(HallGroupCommitter) committer = NULL;
  g_auto(GStrv) events = NULL;
  Job jobs[N_JOBS];
  gint64 deadline;
  guint runs_after_gate = 0;
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_assert_no_error (error);
  path = g_build_filename (dir, "hall.sqlite", NULL);
  sqlite = hall_server_sqlite_new (path, &error);
  g_assert_no_error (error);
  committer = hall_group_committer_new (HALL_SERVER_STORAGE (sqlite), max_batch,
                                       read_ahead_jobs);

  g_mutex_init (&f->mutex);
  g_cond_init (&f->cond);
  f->log = g_string_new (NULL);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (guint i = 0; i < N_JOBS; i++)
    {
      jobs[i].fixture = f;
      jobs[i].index = i;
      if (IS_DEFERRABLE (mode, i))
        hall_group_committer_submit_deferrable (committer, run_job, reset_job, job_done,
                                                &jobs[i]);
      else
        hall_group_committer_submit (committer, run_job, job_done, &jobs[i]);
      g_mutex_lock (&f->mutex);
      while (!f->gate_running)
        g_assert_true (g_cond_wait_until (&f->cond, &f->mutex, deadline));
      g_mutex_unlock (&f->mutex);
    }

  g_mutex_lock (&f->mutex);
  while (f->n_done < N_JOBS)
    g_assert_true (g_cond_wait_until (&f->cond, &f->mutex, deadline));
  g_mutex_unlock (&f->mutex);
  hall_group_committer_stop (committer);

  for (guint i = 0; i < N_JOBS; i++)
    {
      g_autofree char *name = g_strdup_printf ("official%u", i);
      g_autoptr(GError) lookup_error = NULL;
      g_autofree char *hash = NULL;

      /* Read on this thread's own connection: only committed rows show. */
      hash = hall_server_storage_get_official (HALL_SERVER_STORAGE (sqlite), name, NULL, NULL,
                                               &lookup_error);
      if (i == FAILING_JOB)
        {
          g_assert_true (f->failed[i]);
          g_assert_error (lookup_error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND);
        }
      else
        {
          g_assert_false (f->failed[i]);
          g_assert_no_error (lookup_error);
          g_assert_cmpstr (hash, ==, "hash");
        }
    }

  /* Job 0 held the writer while the others queued up. How many of them ran
   * before the first of them was answered: with group commit, all of them
   * share the next transaction. */
  events = g_strsplit (g_strstrip (f->log->str), " ", -1);
  for (guint i = 0, after_gate = FALSE; events[i] != NULL; i++)
    {
      if (g_str_equal (events[i], "d0"))
        after_gate = TRUE;
      else if (after_gate && events[i][0] == 'r')
        runs_after_gate++;
      else if (after_gate && events[i][0] == 'd')
        break;
    }
  *batched_out = runs_after_gate > 1;

  /* Each job first ran in the order it came. */
  for (guint i = 0, next = 0; events[i] != NULL; i++)
    if (events[i][0] == 'r' && g_ascii_strtoull (events[i] + 1, NULL, 10) >= next)
      {
        g_assert_cmpuint (g_ascii_strtoull (events[i] + 1, NULL, 10), ==, next);
        next++;
      }

  g_string_free (f->log, TRUE);
  f->log = NULL;
  g_mutex_clear (&f->mutex);
  g_cond_clear (&f->cond);
  g_clear_object (&committer);
  g_clear_object (&sqlite);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

static void
test_group_commit (void)
{
  gboolean batched = FALSE;
  Fixture f = { 0 };

  run (256, SUBMIT_PLAIN, &f, &batched);
  g_assert_true (batched);
  g_assert_cmpuint (f.n_read_aheads, ==, 0);
}

static void
test_one_by_one (void)
{
  gboolean batched = TRUE;
  Fixture f = { 0 };

  run (1, SUBMIT_PLAIN, &f, &batched);
  g_assert_false (batched);
}

/* Deferrable jobs that came one after the other run together after one
 * read-ahead; when one of them fails, only its run is undone and run again
 * job by job, and only the failing job's writes are lost. */
static void
test_deferrable (void)
{
  gboolean batched = FALSE;
  Fixture f = { 0 };

  run (256, SUBMIT_MIXED, &f, &batched);
  g_assert_true (batched);

  /* Job 0 ran alone, the others in the next transaction: runs of three
   * (1-2, 4-6, 8-10, ...) between the plain jobs 3, 7, 11, ... */
  g_assert_cmpuint (f.n_read_aheads, ==, 16);
  for (guint i = 0; i < N_JOBS; i++)
    {
      gboolean in_failing_run = i / 4 == FAILING_JOB / 4 && IS_DEFERRABLE (SUBMIT_MIXED, i);

      g_assert_cmpuint (f.read_ahead[i], ==, i > 0 && IS_DEFERRABLE (SUBMIT_MIXED, i) ? 1 : 0);
      g_assert_cmpuint (f.resets[i], ==, in_failing_run ? 1 : 0);
    }
}

/* Writes, then ends the writer's savepoint itself, so that the writer's
 * ROLLBACK TO finds no savepoint and fails. */
static gboolean
run_unrollable_job (HallServerStorage  *storage,
                    gpointer            user_data,
                    GError            **error)
{
  if (!hall_server_storage_put_official (storage, "half-done", "hash", HALL_ROLE_RECEPTION, error)
      || !hall_server_storage_release (storage, error))
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the job fails");
  return FALSE;
}

static void
unrollable_job_done (gpointer      user_data,
                     const GError *error)
{
  Fixture *f = user_data;

  g_mutex_lock (&f->mutex);
  f->failed[0] = error != NULL;
  f->n_done++;
  g_cond_signal (&f->cond);
  g_mutex_unlock (&f->mutex);
}

static gboolean
run_plain_job (HallServerStorage  *storage,
               gpointer            user_data,
               GError            **error)
{
  return hall_server_storage_put_official (storage, "plain", "hash", HALL_ROLE_RECEPTION, error);
}

static void
plain_job_done (gpointer      user_data,
                const GError *error)
{
  Fixture *f = user_data;

  g_assert_no_error ((GError *) error);
  g_mutex_lock (&f->mutex);
  f->n_done++;
  g_cond_signal (&f->cond);
  g_mutex_unlock (&f->mutex);
}

/* A job whose savepoint cannot be rolled back must take the whole
 * transaction with it: committing would keep its half-done writes. Batches
 * that fail one after another are warned of once, and their end told. */
static void
test_rollback_to_fails (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hall-committer-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(HallServerSqlite) sqlite = NULL;
  g_autoptr(HallGroupCommitter) committer = NULL;
  Fixture f = { 0 };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_assert_no_error (error);
  path = g_build_filename (dir, "hall.sqlite", NULL);
  sqlite = hall_server_sqlite_new (path, &error);
  g_assert_no_error (error);
  committer = hall_group_committer_new (HALL_SERVER_STORAGE (sqlite), 16, NULL);
  g_mutex_init (&f.mutex);
  g_cond_init (&f.cond);

  /* Three batches that fail one after the other: one warning. */
  g_test_expect_message ("hall-server", G_LOG_LEVEL_WARNING,
                         "A batch of 1 writes could not be committed*savepoint*");
  for (guint i = 0; i < 3; i++)
    {
      hall_group_committer_submit (committer, run_unrollable_job, unrollable_job_done, &f);
      g_mutex_lock (&f.mutex);
      while (f.n_done < i + 1)
        g_assert_true (g_cond_wait_until (&f.cond, &f.mutex, deadline));
      g_mutex_unlock (&f.mutex);
    }
  g_test_assert_expected_messages ();
  /* And a word when writes commit again. */
  g_test_expect_message ("hall-server", G_LOG_LEVEL_MESSAGE,
                         "Writes are committed again, after 3 batches*");
  hall_group_committer_submit (committer, run_plain_job, plain_job_done, &f);
  g_mutex_lock (&f.mutex);
  while (f.n_done < 4)
    g_assert_true (g_cond_wait_until (&f.cond, &f.mutex, deadline));
  g_mutex_unlock (&f.mutex);
  hall_group_committer_stop (committer);
  g_test_assert_expected_messages ();

  g_assert_true (f.failed[0]);
  hash = hall_server_storage_get_official (HALL_SERVER_STORAGE (sqlite), "half-done", NULL,
                                           NULL, &error);
  g_assert_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND);
  g_assert_null (hash);

  g_mutex_clear (&f.mutex);
  g_cond_clear (&f.cond);
  g_clear_object (&committer);
  g_clear_object (&sqlite);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

/* On @data, a HallServerSqlite: a thousand pages committed on this
 * thread's own connection, as a request's thread writes. */
static gpointer
write_pages_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  HallSqliteConn *conn = hall_server_sqlite_get_conn (data, &error);

  g_assert_no_error (error);
  g_assert_true (hall_sqlite_conn_exec (conn,
                                        "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL"
                                        " SELECT i + 1 FROM n WHERE i < 1100)"
                                        " INSERT INTO scratch (x) SELECT randomblob (4000) FROM n",
                                        "write", &error));
  g_assert_no_error (error);
  return NULL;
}

/* Every thread's connection hands its checkpoints to the checkpointer:
 * the one that made the storage, and one a thread opens later. Had
 * either kept SQLite's own checkpoint, the commit would have copied the
 * log back itself, and the checkpointer's thread never run. */
static void
test_checkpoints_off_the_commit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hall-checkpoints-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(HallServerSqlite) sqlite = NULL;
  HallSqliteConn *conn;
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_assert_no_error (error);
  path = g_build_filename (dir, "hall.sqlite", NULL);
  sqlite = hall_server_sqlite_new (path, &error);
  g_assert_no_error (error);
  conn = hall_server_sqlite_get_conn (sqlite, &error);
  g_assert_no_error (error);
  g_assert_true (hall_sqlite_conn_exec (conn, "CREATE TABLE scratch (x BLOB)", "create", &error));

  for (guint runs = 1; runs <= 2; runs++)
    {
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      if (runs == 1)
        write_pages_thread (sqlite);
      else
        g_thread_join (g_thread_new ("request", write_pages_thread, sqlite));
      while (_hall_server_sqlite_get_checkpoint_runs (sqlite) < runs)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (5000);
        }
    }

  g_clear_object (&sqlite);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_remove (file);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hall/server/group-committer/batch", test_group_commit);
  g_test_add_func ("/hall/server/group-committer/one-by-one", test_one_by_one);
  g_test_add_func ("/hall/server/group-committer/deferrable", test_deferrable);
  g_test_add_func ("/hall/server/group-committer/rollback-to-fails", test_rollback_to_fails);
  g_test_add_func ("/hall/server/sqlite/checkpoints-off-the-commit",
                   test_checkpoints_off_the_commit);
  return g_test_run ();
}
